//! insta snapshots of the generated code of every spec file and every edge-case fixture, so
//! that a change in the generator shows up in review as a change in code.

use std::path::Path;

use codegen::generate;

fn snapshot_dir(dir: &str, prefix: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root");
    let set = codegen::load_dir(&root.join(dir)).unwrap_or_else(|e| panic!("{e}"));
    assert!(!set.actions.is_empty(), "no action specs in {dir}");
    let service = generate::render("service.yaml", generate::service(&set.service)).unwrap();
    insta::assert_snapshot!(format!("{prefix}__service"), service);
    for action in &set.actions {
        let code = generate::render(
            &format!("{}.yaml", action.name),
            generate::action(action, &set.service),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        insta::assert_snapshot!(format!("{prefix}__{}", action.module), code);
    }
}

#[test]
fn spec_actions() {
    snapshot_dir("spec/oos", "oos");
}

#[test]
fn fixture_actions() {
    snapshot_dir("tests/fixtures/specs", "fixture");
}

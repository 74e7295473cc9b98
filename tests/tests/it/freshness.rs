//! The checked-in generated code matches the specs: `cargo test` alone catches a stale tree.

use std::path::Path;

#[test]
fn generated_code_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root");
    let stale = codegen::tree::check(root).unwrap_or_else(|e| panic!("{e}"));
    let list: Vec<String> = stale.iter().map(ToString::to_string).collect();
    assert!(
        stale.is_empty(),
        "generated files are stale; run `cargo xtask codegen`:\n{}",
        list.join("\n")
    );
}

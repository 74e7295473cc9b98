//! insta snapshots of what the generator makes of the edge-case fixtures
//! (`tests/fixtures/specs/`), so that a change in the generator shows up in review as a change
//! in code. The same files are checked in under `tests/fixtures/generated/`, where oos-api's
//! unit tests compile them; the freshness test keeps the two in step.

use std::path::Path;

use codegen::tree;

use crate::support::workspace;

#[test]
fn edge_case_fixtures() {
    let dir = Path::new("tests/fixtures/generated");
    let outputs = tree::outputs(&workspace()).unwrap_or_else(|e| panic!("{e}"));
    let mut names = Vec::new();
    for output in outputs.iter().filter(|o| o.path.starts_with(dir)) {
        let name = output
            .path
            .strip_prefix(dir)
            .expect("filtered on the prefix")
            .with_extension("")
            .to_string_lossy()
            .replace(['/', '\\'], "__");
        insta::assert_snapshot!(name.clone(), output.contents);
        names.push(name);
    }
    // Every fixture action and the shared files: a job that stopped producing them fails here.
    for expected in [
        "mod",
        "service",
        "types",
        "samples",
        "operation__put_every_scalar",
        "operation__put_every_style",
        "operation__list_deep_things",
        "operation__ping_without_errors",
        "operation__get_by_query",
        "operation__pub_",
        "operation__create_ticket_with_biz_data",
        "operation__export_blob",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "no snapshot of {expected} among {names:?}"
        );
    }
}

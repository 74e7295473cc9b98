//! Arbitrary UTF-8 as a reference page, imported against the real `spec/oos/service.yaml`;
//! the spec being replaced is the committed one when the page names an existing action.
#![no_main]

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use codegen::model::Service;
use libfuzzer_sys::fuzz_target;

static SERVICE: LazyLock<Service> = LazyLock::new(oos_fuzz::oos_service);

/// The committed action specs, by action name.
static SPECS: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    let dir = oos_fuzz::root().join("spec/oos");
    std::fs::read_dir(&dir)
        .expect("spec/oos")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_stem()?.to_str()?.to_owned();
            (name != "service").then(|| Some((name, std::fs::read_to_string(&path).ok()?)))?
        })
        .collect()
});

fuzz_target!(|page: &str| {
    let _ = codegen::import::import(Path::new("Fuzzed.txt"), page, &SERVICE, |action| {
        SPECS.get(action).cloned()
    });
});

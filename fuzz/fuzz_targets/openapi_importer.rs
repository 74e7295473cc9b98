//! Arbitrary UTF-8 as an api-docs document: every action it describes is read, written as a
//! spec and loaded; each step either succeeds or fails with a located error.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use codegen::model::Service;
use libfuzzer_sys::fuzz_target;

static SERVICE: LazyLock<Service> = LazyLock::new(oos_fuzz::oos_service);
static COMMON: LazyLock<Vec<String>> =
    LazyLock::new(|| SERVICE.errors.iter().map(|e| e.code.clone()).collect());

fuzz_target!(|text: &str| {
    let Ok(doc) = codegen::import::openapi::Document::parse(Path::new("api-docs.json"), text) else {
        return;
    };
    for action in doc.actions() {
        if let Ok(spec) = doc.action(&action, &COMMON, &SERVICE.groups) {
            let yaml = codegen::import::emit::emit(&spec);
            // The loader refuses a file not named after its action.
            let file = format!("{action}.yaml");
            let _ = codegen::load::parse_action(Path::new(&file), &yaml, &SERVICE);
        }
    }
});

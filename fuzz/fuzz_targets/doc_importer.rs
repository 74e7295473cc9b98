//! Arbitrary UTF-8 as a reference page, read against the real `spec/oos/service.yaml`'s
//! common codes; whatever reads is written as a spec, which must load or fail with an error.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use codegen::model::Service;
use libfuzzer_sys::fuzz_target;

static SERVICE: LazyLock<Service> = LazyLock::new(oos_fuzz::oos_service);
static COMMON: LazyLock<Vec<String>> =
    LazyLock::new(|| SERVICE.errors.iter().map(|e| e.code.clone()).collect());

fuzz_target!(|page: &str| {
    if let Ok(spec) = codegen::import::page::read(Path::new("Fuzzed.txt"), page, &COMMON) {
        let text = codegen::import::emit::emit(&spec);
        let file = format!("{}.yaml", spec.action);
        let _ = codegen::load::parse_action(Path::new(&file), &text, &SERVICE);
    }
});

//! Arbitrary UTF-8 as `service.yaml` and as an action spec (against the fixed
//! `spec/oos/service.yaml`); whatever loads is also generated and rendered, since a spec
//! the loader accepts must generate.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use codegen::generate;
use codegen::load::{gather, parse_action_types, parse_service};
use codegen::model::Service;
use libfuzzer_sys::fuzz_target;

static SERVICE: LazyLock<Service> = LazyLock::new(oos_fuzz::oos_service);

fuzz_target!(|text: &str| {
    if let Ok(service) = parse_service(Path::new("service.yaml"), text) {
        let _ = generate::render("service.yaml", generate::service(&service));
    }
    if let Ok(parsed) = parse_action_types(Path::new("Fuzzed.yaml"), text, &SERVICE) {
        if let Ok(set) = gather(Path::new("."), SERVICE.clone(), vec![parsed]) {
            for (_, source, tokens) in generate::files(&set, "fuzz") {
                let _ = generate::render(&source, tokens);
            }
        }
    }
});

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

/// The file name of an action spec: the loader refuses one not named after its action.
fn file_of(text: &str) -> String {
    let action = text
        .lines()
        .find_map(|line| line.strip_prefix("action:"))
        .map_or("Fuzzed", |name| name.trim().trim_matches(['"', '\'']));
    format!("{action}.yaml")
}

fuzz_target!(|text: &str| {
    if let Ok(service) = parse_service(Path::new("service.yaml"), text) {
        if let Err(e) = generate::render("service.yaml", generate::service(&service)) {
            panic!("a service that loads must generate: {e}");
        }
    }
    let file = file_of(text);
    if let Ok(parsed) = parse_action_types(Path::new(&file), text, &SERVICE) {
        if let Ok(set) = gather(Path::new("."), SERVICE.clone(), vec![parsed]) {
            for (_, source, tokens) in generate::files(&set, "fuzz") {
                if let Err(e) = generate::render(&source, tokens) {
                    panic!("a spec that loads must generate: {e}");
                }
            }
        }
    }
});

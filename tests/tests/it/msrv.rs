//! An honest MSRV: every crate oos-api needs to build and run (its normal and build
//! dependencies in `Cargo.lock`, transitively, on every platform and with every feature, so
//! `native-tls` as well as the default `rustls`) declares a `rust-version` no newer than
//! oos-api's own. Read from `cargo metadata`.

use std::process::Command;

use serde_json::{json, Value};

/// `1.88` or `1.88.0` as comparable numbers; a missing part is 0.
fn version(text: &str) -> Result<(u64, u64, u64), String> {
    let mut parts = text.split('.').map(|p| p.parse::<u64>());
    let mut next = || parts.next().unwrap_or(Ok(0));
    match (next(), next(), next()) {
        (Ok(a), Ok(b), Ok(c)) => Ok((a, b, c)),
        _ => Err(format!("`{text}` is not a Rust version")),
    }
}

/// The dependencies of `root` (by name, a workspace member) that need a newer Rust than it
/// declares, as `name version (rust-version X)`, sorted.
fn too_new(metadata: &Value, root: &str) -> Result<Vec<String>, String> {
    let packages = metadata["packages"]
        .as_array()
        .ok_or("the metadata has no packages")?;
    let by_id = |id: &str| packages.iter().find(|p| p["id"] == id);
    let root_package = packages
        .iter()
        .find(|p| p["name"] == root && p["source"].is_null())
        .ok_or(format!("no workspace package `{root}`"))?;
    let floor = root_package["rust_version"]
        .as_str()
        .ok_or(format!("`{root}` declares no rust-version"))?;
    let floor = version(floor)?;
    let nodes = metadata["resolve"]["nodes"]
        .as_array()
        .ok_or("the metadata has no resolve graph (was it run with --no-deps?)")?;
    let node = |id: &str| nodes.iter().find(|n| n["id"] == id);
    let mut seen = vec![root_package["id"].as_str().unwrap_or_default().to_owned()];
    let mut stack = seen.clone();
    let mut found = Vec::new();
    while let Some(id) = stack.pop() {
        let deps = node(&id).and_then(|n| n["deps"].as_array());
        for dep in deps.into_iter().flatten() {
            let needed = dep["dep_kinds"].as_array().into_iter().flatten().any(|k| {
                let kind = &k["kind"];
                kind.is_null() || kind == "build"
            });
            let Some(dep_id) = dep["pkg"].as_str() else {
                continue;
            };
            if !needed || seen.iter().any(|s| s == dep_id) {
                continue;
            }
            seen.push(dep_id.to_owned());
            stack.push(dep_id.to_owned());
            let package = by_id(dep_id).ok_or(format!("`{dep_id}` is not in the packages"))?;
            if let Some(declared) = package["rust_version"].as_str() {
                if version(declared)? > floor {
                    found.push(format!(
                        "{} {} (rust-version {declared})",
                        package["name"].as_str().unwrap_or_default(),
                        package["version"].as_str().unwrap_or_default()
                    ));
                }
            }
        }
    }
    // A graph read wrongly (edges under other keys) would otherwise find nothing too new.
    if seen.len() == 1 {
        return Err(format!("`{root}` has no run-time dependency in the graph"));
    }
    found.sort();
    Ok(found)
}

#[test]
fn no_dependency_of_oos_api_needs_a_newer_rust_than_it_declares() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        // Without it the graph holds the default features only, and a TLS backend chosen
        // through a feature would go unchecked.
        .arg("--all-features")
        .args(["--manifest-path", manifest])
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    let found = too_new(&metadata, "oos-api").expect("the graph reads");
    assert!(
        found.is_empty(),
        "these run-time dependencies of oos-api need a newer Rust than its rust-version: {}; \
         raise [workspace.package] rust-version or hold them back (`cargo update -p NAME \
         --precise VERSION`)",
        found.join(", ")
    );
}

#[test]
fn the_check_finds_what_is_too_new_and_ignores_dev_dependencies() {
    let package = |id: &str, rust: Option<&str>, source: Option<&str>| json!({"id": id, "name": id, "version": "1.0.0", "rust_version": rust, "source": source});
    let edge = |to: &str, kind: Option<&str>| json!({"pkg": to, "dep_kinds": [{"kind": kind}]});
    let reg = Some("registry+https://github.com/rust-lang/crates.io-index");
    let metadata = json!({
        "packages": [
            package("api", Some("1.85"), None),
            package("ok", Some("1.85.0"), reg),
            package("deep", Some("1.88"), reg),
            package("build", Some("1.90"), reg),
            package("dev", Some("1.99"), reg),
            package("none", None, reg),
            package("lonely", Some("1.85"), None),
        ],
        "resolve": {"nodes": [
            {"id": "api", "deps": [edge("ok", None), edge("dev", Some("dev")),
                                   edge("build", Some("build")), edge("none", None)]},
            {"id": "ok", "deps": [edge("deep", None)]},
            {"id": "deep", "deps": []}, {"id": "build", "deps": []},
            {"id": "dev", "deps": []}, {"id": "none", "deps": []},
            {"id": "lonely", "deps": [edge("dev", Some("dev"))]},
        ]},
    });
    assert_eq!(
        too_new(&metadata, "api").expect("reads"),
        [
            "build 1.0.0 (rust-version 1.90)",
            "deep 1.0.0 (rust-version 1.88)"
        ]
    );
    assert!(too_new(&metadata, "missing").is_err());
    let err = too_new(&metadata, "lonely").expect_err("no dependency at all");
    assert!(err.contains("no run-time dependency"), "{err}");
    assert!(version("1.x").is_err());
    assert_eq!(version("1.88").expect("two parts"), (1, 88, 0));
}

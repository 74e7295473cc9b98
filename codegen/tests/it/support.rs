//! Scratch workspaces: a spec directory with its sources, in a fresh temporary directory.

use std::fs;
use std::path::{Path, PathBuf};

use codegen::import::{Imported, Sources};

/// The workspace this crate is part of.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A scratch workspace root, removed when dropped.
pub struct Scratch {
    pub root: PathBuf,
}

impl Scratch {
    /// An empty root named after `name`.
    pub fn new(name: &str) -> Self {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("codegen-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).unwrap();
        Self { root }
    }

    /// A root with `spec/x/service.yaml`: the workspace's OOS service, its sources in
    /// `docs/pages` and `docs/api-docs.json` of the scratch root.
    pub fn with_service(name: &str) -> Self {
        let scratch = Self::new(name);
        let service = fs::read_to_string(workspace().join("spec/oos/service.yaml")).unwrap();
        let service = service
            .replace("pages: docs/oos", "pages: docs/pages")
            .replace(
                "openapi: docs/openapi/oos/2019-06-01/api-docs.json",
                "openapi: docs/api-docs.json",
            );
        scratch.write("spec/x/service.yaml", &service);
        fs::create_dir_all(scratch.root.join("docs/pages")).unwrap();
        scratch
    }

    /// Writes a file under the root.
    pub fn write(&self, path: &str, text: &str) -> PathBuf {
        let path = self.root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    /// Reads a file under the root.
    pub fn read(&self, path: &str) -> String {
        fs::read_to_string(self.root.join(path)).unwrap()
    }

    /// The sources of `spec/x`.
    pub fn sources(&self) -> Sources {
        Sources::new(&self.root, &self.root.join("spec/x")).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The service of `spec/x`, which specs are parsed against.
    pub fn service(&self) -> codegen::model::Service {
        self.sources().service().clone()
    }

    /// Writes what an import produced.
    pub fn apply(&self, imported: &[Imported]) {
        for spec in imported {
            fs::write(&spec.path, &spec.text).unwrap();
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

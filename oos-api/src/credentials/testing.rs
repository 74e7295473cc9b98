//! Helpers for the credential tests: a map for an environment, a temporary home directory,
//! a clock moved by hand, a scripted provider and a check of an error's chain of causes.

use std::collections::HashMap;
use std::error::Error;
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use super::{
    profile_file_path, Credentials, CredentialsError, EnvLookup, ProvideCredentials,
    ProvideCredentialsFuture,
};

/// An environment holding exactly `pairs`.
pub(crate) fn env(pairs: &[(&str, &str)]) -> EnvLookup {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Arc::new(move |name| map.get(name).cloned())
}

pub(crate) fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// A fresh directory under the system temp dir, removed on drop.
pub(crate) struct TempHome(pub PathBuf);

impl TempHome {
    pub(crate) fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "oos-api-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".aliyun")).expect("temp dir");
        std::fs::create_dir_all(dir.join(".alibabacloud")).expect("temp dir");
        Self(dir)
    }

    pub(crate) fn path(&self) -> &str {
        self.0.to_str().expect("utf-8 temp dir")
    }

    pub(crate) fn write_config(&self, text: &str) -> PathBuf {
        let path = profile_file_path(&self.0);
        std::fs::write(&path, text).expect("write config");
        path
    }

    pub(crate) fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::write(&path, text).expect("write file");
        path
    }
}

impl Drop for TempHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A clock that stands still until moved.
#[derive(Clone)]
pub(crate) struct FakeClock(Arc<AtomicU64>);

impl FakeClock {
    pub(crate) fn new() -> Self {
        let start = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .expect("after 1970");
        Self(Arc::new(AtomicU64::new(start.as_millis() as u64)))
    }

    pub(crate) fn now(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(self.0.load(Ordering::SeqCst))
    }

    pub(crate) fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_millis() as u64, Ordering::SeqCst);
    }

    pub(crate) fn clock(&self) -> impl Fn() -> SystemTime + Send + Sync + 'static {
        let me = self.clone();
        move || me.now()
    }
}

/// Hands out its results in order (the last one again once they run out), counting calls.
#[derive(Clone)]
pub(crate) struct Scripted {
    results: Arc<Mutex<Vec<Result<Credentials, CredentialsError>>>>,
    calls: Arc<AtomicUsize>,
    delay: Option<Duration>,
}

impl Scripted {
    pub(crate) fn new(results: Vec<Result<Credentials, CredentialsError>>) -> Self {
        assert!(!results.is_empty());
        Self {
            results: Arc::new(Mutex::new(results)),
            calls: Arc::new(AtomicUsize::new(0)),
            delay: None,
        }
    }

    /// Each fetch takes this long (on Tokio's clock).
    pub(crate) fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    pub(crate) fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl ProvideCredentials for Scripted {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            if let Some(delay) = self.delay {
                tokio::time::sleep(delay).await;
            }
            let mut results = self.results.lock().expect("not poisoned");
            if results.len() > 1 {
                results.remove(0)
            } else {
                results[0].clone()
            }
        })
    }
}

/// The typed cause right under `error`, after checking the chain as a printer shows it:
/// the cause is a `C`, no layer repeats the text of the one under it, and no layer (nor the
/// `Debug` output) shows `secret`.
pub(crate) fn typed_cause<'e, C: Error + 'static>(
    error: &'e CredentialsError,
    secret: &str,
) -> &'e C {
    let shown = crate::testing::chain(error);
    for pair in shown.windows(2) {
        assert!(
            !pair[1].is_empty() && !pair[0].contains(&pair[1]),
            "a cause is printed by its parent as well: {shown:#?}"
        );
    }
    for layer in &shown {
        assert!(!layer.contains(secret), "{shown:#?}");
    }
    assert!(!format!("{error:?}").contains(secret), "{error:?}");
    error
        .source()
        .unwrap_or_else(|| panic!("no cause kept: {error:?}"))
        .downcast_ref::<C>()
        .unwrap_or_else(|| {
            panic!(
                "the cause is not a {}: {shown:#?}",
                std::any::type_name::<C>()
            )
        })
}

//! Tracing output captured for one test at a time: the tests of this binary share tracing's
//! process-wide caches of which events are wanted, so a test that installs its own subscriber
//! waits for any other to finish, and has the caches rebuilt once its subscriber is in.

use std::sync::{Mutex, MutexGuard};

use oos_tests::Captured;
use tracing::subscriber::DefaultGuard;

static CAPTURING: Mutex<()> = Mutex::new(());

/// What this thread logs at `level` and above, until dropped.
pub(crate) struct Capture {
    pub captured: Captured,
    // Fields drop in order: the subscriber goes before the lock is given up.
    _subscriber: DefaultGuard,
    _turn: MutexGuard<'static, ()>,
}

pub(crate) fn capture(level: tracing::Level) -> Capture {
    let turn = CAPTURING.lock().unwrap_or_else(|e| e.into_inner());
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();
    Capture {
        captured,
        _subscriber: guard,
        _turn: turn,
    }
}

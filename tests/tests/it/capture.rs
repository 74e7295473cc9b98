//! Tracing output captured for one test at a time.
//!
//! The tests of this binary run in parallel and tracing caches, process-wide, which events
//! anybody wants. A subscriber installed per test (`set_default`) races with those caches, so
//! one subscriber is installed for the whole binary, once: it wants every event, and writes an
//! event only on a thread that is capturing, into that capture. Capturing tests take turns.

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Mutex, MutexGuard, Once};

use oos_tests::Captured;
use tracing_subscriber::filter::DynFilterFn;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;

static CAPTURING: Mutex<()> = Mutex::new(());
static INSTALL: Once = Once::new();

thread_local! {
    /// This thread's capture: its buffer and the least severe level it keeps.
    static ACTIVE: RefCell<Option<(Captured, tracing::Level)>> = const { RefCell::new(None) };
}

/// What this thread logs at `level` and above, until dropped.
pub(crate) struct Capture {
    pub captured: Captured,
    _turn: MutexGuard<'static, ()>,
}

impl Drop for Capture {
    fn drop(&mut self) {
        ACTIVE.with(|active| active.borrow_mut().take());
    }
}

pub(crate) fn capture(level: tracing::Level) -> Capture {
    INSTALL.call_once(|| {
        let wanted = DynFilterFn::new(|metadata, _| {
            ACTIVE.with(|active| {
                active
                    .borrow()
                    .as_ref()
                    .is_some_and(|(_, level)| metadata.level() <= level)
            })
        });
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(ThreadWriter)
            .with_ansi(false)
            .with_filter(wanted);
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in this test binary");
    });
    let turn = CAPTURING.lock().unwrap_or_else(|e| e.into_inner());
    let captured = Captured::default();
    ACTIVE.with(|active| *active.borrow_mut() = Some((captured.clone(), level)));
    Capture {
        captured,
        _turn: turn,
    }
}

/// Writes into the capture of the thread the event happens on.
struct ThreadWriter;

impl<'a> MakeWriter<'a> for ThreadWriter {
    type Writer = ThreadSink;

    fn make_writer(&'a self) -> ThreadSink {
        ThreadSink
    }
}

struct ThreadSink;

impl Write for ThreadSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        ACTIVE.with(|active| match active.borrow_mut().as_mut() {
            Some((captured, _)) => captured.write(buf),
            None => Ok(buf.len()),
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

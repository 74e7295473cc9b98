//! The log of requests an emulator received, for tests to look at afterwards.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::auth::SignatureMethod;
use crate::faults::Fault;

/// The most recent requests kept; older ones are only counted, so that a long-running demo
/// server does not grow without bound.
const KEPT: usize = 10_000;

/// What the emulator did with one request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestRecord {
    /// The HTTP method.
    pub http_method: String,
    /// The action the request named, valid or not.
    pub action: Option<String>,
    /// How the request was signed (as claimed; see `error_code` for whether it verified).
    pub signature: SignatureMethod,
    /// The access key that signed it, once the signature checked out.
    pub access_key_id: Option<String>,
    /// The status answered, `None` when the connection was dropped.
    pub status: Option<u16>,
    /// The error code answered, if the answer was an OOS error.
    pub error_code: Option<String>,
    /// The fault applied, if any.
    pub fault: Option<Fault>,
    /// Whether the action ran (and so took effect, for an action that changes state).
    pub executed: bool,
    /// Whether a complete answer was sent.
    pub answered: bool,
}

impl RequestRecord {
    pub(crate) fn new(http_method: &str) -> Self {
        Self {
            http_method: http_method.to_owned(),
            action: None,
            signature: SignatureMethod::Unsigned,
            access_key_id: None,
            status: None,
            error_code: None,
            fault: None,
            executed: false,
            answered: false,
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    records: Mutex<VecDeque<RequestRecord>>,
    total: AtomicU64,
}

impl RequestLog {
    pub fn push(&self, record: RequestRecord) {
        self.total.fetch_add(1, Ordering::Relaxed);
        let mut records = self
            .records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if records.len() >= KEPT {
            records.pop_front();
        }
        records.push_back(record);
    }

    pub fn snapshot(&self) -> Vec<RequestRecord> {
        self.records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }
}

//! What the actions read and change, kept behind one lock by the server.

use std::collections::{HashMap, VecDeque};

use crate::clock::Clock;
use crate::cloud::Cloud;
use crate::data::vault::Vault;
use crate::data::Data;
use crate::engine::Runs;
use crate::query::PageTokens;

/// How many client tokens are remembered; the oldest are forgotten first.
const CLIENT_TOKENS_KEPT: usize = 10_000;

/// Everything the actions read and change.
#[derive(Debug)]
pub(crate) struct State {
    pub data: Data,
    pub tokens: PageTokens,
    pub client_tokens: ClientTokens,
    /// Seals secret parameters' values.
    pub vault: Vault,
    /// How fast executions run.
    pub clock: Clock,
    /// The executions that run, by id.
    pub runs: Runs,
    /// OpsItems, by id.
    pub ops_items: crate::data::ops_items::OpsItems,
    /// Every other cloud: stubs and the calls made.
    pub cloud: Cloud,
}

impl State {
    /// State whose executions stay where `StartExecution` leaves them.
    pub fn new(data: Data) -> Self {
        Self::with_clock(data, Clock::stopped())
    }

    pub fn with_clock(data: Data, clock: Clock) -> Self {
        Self {
            data,
            tokens: PageTokens::random(),
            client_tokens: ClientTokens::default(),
            vault: Vault::random(),
            clock,
            runs: Runs::new(),
            ops_items: Default::default(),
            cloud: Cloud::default(),
        }
    }
}

/// What a request created for each (access key, `ClientToken`), so that a retried request
/// gets what its first attempt created. Callers scope the token by action.
#[derive(Debug, Default)]
pub(crate) struct ClientTokens {
    executions: HashMap<(String, String), String>,
    order: VecDeque<(String, String)>,
}

impl ClientTokens {
    pub fn get(&self, key: &str, token: &str) -> Option<&str> {
        self.executions
            .get(&(key.to_owned(), token.to_owned()))
            .map(String::as_str)
    }

    pub fn remember(&mut self, key: &str, token: &str, execution_id: &str) {
        let entry = (key.to_owned(), token.to_owned());
        if self
            .executions
            .insert(entry.clone(), execution_id.to_owned())
            .is_none()
        {
            self.order.push_back(entry);
        }
        while self.order.len() > CLIENT_TOKENS_KEPT {
            if let Some(oldest) = self.order.pop_front() {
                self.executions.remove(&oldest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_tokens_are_per_key_and_bounded() {
        let mut tokens = ClientTokens::default();
        tokens.remember("k1", "t", "exec-1");
        assert_eq!(tokens.get("k1", "t"), Some("exec-1"));
        assert_eq!(tokens.get("k2", "t"), None);
        for i in 0..CLIENT_TOKENS_KEPT + 5 {
            tokens.remember("k1", &format!("t{i}"), "exec-2");
        }
        assert_eq!(tokens.get("k1", "t"), None);
        assert_eq!(tokens.executions.len(), CLIENT_TOKENS_KEPT);
        assert_eq!(tokens.order.len(), CLIENT_TOKENS_KEPT);
    }
}

//! Fault injection: making the emulator misbehave on purpose, the way a real endpoint can.
//!
//! Faults apply to requests that are well formed and correctly signed; a request that fails
//! verification gets its error whatever is queued, so error-path tests stay deterministic.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Which throttling code a [`Fault::Throttling`] answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ThrottlingCode {
    /// `Throttling`.
    Throttling,
    /// `Throttling.User`: the caller's own flow control.
    User,
    /// `Throttling.Api`: the action's flow control.
    Api,
}

impl ThrottlingCode {
    /// The error code as it appears in the answer.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Throttling => "Throttling",
            Self::User => "Throttling.User",
            Self::Api => "Throttling.Api",
        }
    }
}

/// One way of misbehaving.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fault {
    /// HTTP 400 with the given throttling code.
    Throttling(ThrottlingCode),
    /// HTTP 400 `Throttling.User` with `x-acs-retry-after: <ms>` (milliseconds).
    RetryAfter(u64),
    /// The given status with an OOS body: `ServiceUnavailable` for 503, else
    /// `InternalError`. A status that is not 5xx is answered as 500.
    ServerError(u16),
    /// Wait this long, then answer normally.
    Slow(Duration),
    /// Close the connection without answering.
    DropConnection,
    /// Answer with this status and body as `text/html`, as a proxy in front of OOS might.
    /// An invalid status is answered as 502.
    NonJson {
        /// The HTTP status.
        status: u16,
        /// The body, sent verbatim.
        body: String,
    },
    /// Run the action, declare the full `Content-Length` but send only the first half of
    /// the JSON, then close the connection.
    Truncated,
    /// Run `ListExecutionLogs` (or any paginated action) and answer with the `NextToken`
    /// the request carried, a token the client has already used. Only requests that
    /// carry a `NextToken` are eligible.
    RepeatToken,
}

impl Fault {
    /// Whether the action runs when this fault is applied before execution: only for
    /// faults that need its answer (to cut it short or to tamper with its token) or that
    /// merely delay it.
    pub(crate) fn needs_answer(&self) -> bool {
        matches!(self, Self::Slow(_) | Self::Truncated | Self::RepeatToken)
    }

    fn eligible(&self, has_next_token: bool) -> bool {
        !matches!(self, Self::RepeatToken) || has_next_token
    }
}

/// A queued fault: what, how many times, for which action, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultRule {
    fault: Fault,
    times: u32,
    action: Option<String>,
    after_execution: bool,
}

impl FaultRule {
    /// Applies `fault` once, to whichever eligible request comes next.
    pub fn new(fault: Fault) -> Self {
        Self {
            fault,
            times: 1,
            action: None,
            after_execution: false,
        }
    }

    /// Applies it to this many requests (0 makes the rule a no-op).
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    /// Applies it only to requests for this action.
    pub fn for_action(mut self, action: impl Into<String>) -> Self {
        self.action = Some(action.into());
        self
    }

    /// Runs the action first and then misbehaves instead of answering: the request took
    /// effect but its answer is lost, which is what a retry of a non-idempotent call must
    /// cope with. [`Fault::Slow`] then waits after running the action.
    pub fn after_execution(mut self) -> Self {
        self.after_execution = true;
        self
    }
}

/// A fault chosen for one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Applied {
    pub fault: Fault,
    pub after_execution: bool,
}

#[derive(Debug, Default)]
struct State {
    queue: VecDeque<FaultRule>,
    random: Option<RandomFaults>,
}

#[derive(Debug)]
struct RandomFaults {
    rng: StdRng,
    probability: f64,
    kinds: Vec<Fault>,
}

/// The fault controls of a running emulator. Clones share the same queue; usable from any
/// thread while the emulator serves.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    state: Arc<Mutex<State>>,
    injected: Arc<AtomicU64>,
}

impl Faults {
    /// Applies `fault` to the next eligible request.
    pub fn inject(&self, fault: Fault) {
        self.add(FaultRule::new(fault));
    }

    /// Applies `fault` to the next `times` eligible requests.
    pub fn inject_n(&self, fault: Fault, times: u32) {
        self.add(FaultRule::new(fault).times(times));
    }

    /// Queues a rule. Rules apply in the order they were queued, one per request.
    pub fn add(&self, rule: FaultRule) {
        if rule.times > 0 {
            self.lock().queue.push_back(rule);
        }
    }

    /// Applies one of `kinds` at random to each request that no queued rule matches, with
    /// the given probability (clamped to 0..=1). The same seed and the same sequence of
    /// requests give the same faults. An empty `kinds` turns random faults off.
    pub fn random(&self, seed: u64, probability: f64, kinds: Vec<Fault>) {
        let probability = if probability.is_nan() {
            0.0
        } else {
            probability.clamp(0.0, 1.0)
        };
        self.lock().random = (!kinds.is_empty()).then(|| RandomFaults {
            rng: StdRng::seed_from_u64(seed),
            probability,
            kinds,
        });
    }

    /// Empties the queue and turns random faults off.
    pub fn clear(&self) {
        let mut state = self.lock();
        state.queue.clear();
        state.random = None;
    }

    /// How many applications are still queued (a rule for 3 requests counts 3).
    pub fn pending(&self) -> u64 {
        self.lock()
            .queue
            .iter()
            .map(|rule| u64::from(rule.times))
            .sum()
    }

    /// How many faults have been applied so far.
    pub fn injected(&self) -> u64 {
        self.injected.load(Ordering::Relaxed)
    }

    /// Picks the fault for a verified request, if any, and counts it.
    pub(crate) fn select(&self, action: &str, has_next_token: bool) -> Option<Applied> {
        let mut state = self.lock();
        let queued = state.queue.iter().position(|rule| {
            rule.action.as_deref().is_none_or(|a| a == action)
                && rule.fault.eligible(has_next_token)
        });
        let applied = if let Some(index) = queued {
            let rule = &mut state.queue[index];
            let applied = Applied {
                fault: rule.fault.clone(),
                after_execution: rule.after_execution,
            };
            rule.times -= 1;
            if rule.times == 0 {
                state.queue.remove(index);
            }
            Some(applied)
        } else if let Some(random) = state.random.as_mut() {
            // Both numbers are drawn for every request so that the sequence depends only
            // on the seed and the number of requests, not on which faults were eligible.
            let roll: f64 = random.rng.random();
            let pick: usize = random.rng.random_range(0..random.kinds.len());
            let eligible: Vec<&Fault> = random
                .kinds
                .iter()
                .filter(|f| f.eligible(has_next_token))
                .collect();
            (roll < random.probability && !eligible.is_empty()).then(|| Applied {
                fault: eligible[pick % eligible.len()].clone(),
                after_execution: false,
            })
        } else {
            None
        };
        if applied.is_some() {
            self.injected.fetch_add(1, Ordering::Relaxed);
        }
        applied
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_applies_in_order_and_counts() {
        let faults = Faults::default();
        faults.inject_n(Fault::DropConnection, 2);
        faults.inject(Fault::Truncated);
        assert_eq!(faults.pending(), 3);
        let kinds: Vec<Fault> = (0..4)
            .filter_map(|_| faults.select("A", false))
            .map(|a| a.fault)
            .collect();
        assert_eq!(
            kinds,
            [
                Fault::DropConnection,
                Fault::DropConnection,
                Fault::Truncated
            ]
        );
        assert_eq!(faults.injected(), 3);
        assert_eq!(faults.pending(), 0);
    }

    #[test]
    fn rules_can_target_an_action_and_run_after_execution() {
        let faults = Faults::default();
        faults.add(
            FaultRule::new(Fault::ServerError(503))
                .for_action("B")
                .after_execution(),
        );
        assert_eq!(faults.select("A", false), None);
        let applied = faults.select("B", false).unwrap();
        assert!(applied.after_execution);
        assert_eq!(faults.select("B", false), None);
    }

    #[test]
    fn repeat_token_waits_for_a_request_with_a_token() {
        let faults = Faults::default();
        faults.inject(Fault::RepeatToken);
        assert_eq!(faults.select("A", false), None);
        assert_eq!(faults.select("A", true).unwrap().fault, Fault::RepeatToken);
    }

    #[test]
    fn zero_times_is_a_no_op() {
        let faults = Faults::default();
        faults.inject_n(Fault::Truncated, 0);
        assert_eq!(faults.pending(), 0);
        assert_eq!(faults.select("A", true), None);
    }

    #[test]
    fn random_is_reproducible() {
        let run = |seed| {
            let faults = Faults::default();
            faults.random(
                seed,
                0.5,
                vec![
                    Fault::Throttling(ThrottlingCode::User),
                    Fault::ServerError(500),
                ],
            );
            (0..200)
                .map(|_| faults.select("A", false).map(|a| a.fault))
                .collect::<Vec<_>>()
        };
        let first = run(7);
        assert_eq!(first, run(7));
        assert_ne!(first, run(8));
        let hits = first.iter().filter(|f| f.is_some()).count();
        assert!((60..140).contains(&hits), "{hits}");
    }

    #[test]
    fn random_extremes_and_clear() {
        let faults = Faults::default();
        faults.random(1, f64::NAN, vec![Fault::Truncated]);
        assert!((0..50).all(|_| faults.select("A", false).is_none()));
        faults.random(1, 7.0, vec![Fault::Truncated]);
        assert!((0..50).all(|_| faults.select("A", false).is_some()));
        faults.clear();
        assert!(faults.select("A", false).is_none());
        faults.random(1, 1.0, vec![Fault::RepeatToken]);
        assert!(faults.select("A", false).is_none());
        assert!(faults.select("A", true).is_some());
    }
}

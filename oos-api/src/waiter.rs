//! Waiters: polling an action until one field of its answer reaches a value that ends the
//! wait. Each waiter is declared in the specs (`waiters:`) and generated as a [`Waiter`]
//! static, a `client.wait_until_<name>(..)` method taking the parameters that identify what is
//! waited on, and the same method on the action's request builder, each returning a
//! [`WaiterBuilder`]; this module does the polling.
//!
//! ```no_run
//! # async fn example(client: oos_api::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//!
//! let done = client
//!     .wait_until_execution_finished().execution_id("exec-123")
//!     .max_wait(Duration::from_secs(600))
//!     .send()
//!     .await?;
//! println!("{:?}", done.executions.and_then(|e| e.into_iter().next()).and_then(|e| e.status));
//! # Ok(())
//! # }
//! ```
//!
//! The delays follow the Smithy waiter rules: the first poll is immediate; the wait before
//! poll `n + 1` is drawn uniformly from `[min_delay, min(max_delay, min_delay * 2^(n-1))]`;
//! when no more than `min_delay` of `max_wait` is left the wait ends with
//! [`WaitError::Timeout`], and a delay is shortened to leave `min_delay` for the poll. A poll
//! in flight at `max_wait` is abandoned. Each poll is an ordinary call: transient failures
//! are retried under the client's [`RetryPolicy`](crate::RetryPolicy) before the waiter sees
//! them.

use std::fmt;
use std::time::Duration;

use tokio::time::Instant;

use crate::action::{Action, ServiceError};
use crate::error::{BuildError, Error};
use crate::retry::jittered_delay;
use crate::Client;

/// The declaration of a waiter: which action it polls, which field of the answer it reads,
/// which values of it end the wait and how, and how often it polls.
#[non_exhaustive]
pub struct Waiter<O: 'static> {
    /// The waiter's name (`ExecutionFinished`).
    pub name: &'static str,
    /// The action it polls (`ListExecutions`).
    pub action: &'static str,
    /// The field it reads, as the spec writes it (`Executions[0].Status`).
    pub path: &'static str,
    /// Values that end the wait with the answer; `*` stands for any value no list names.
    pub success: &'static [&'static str],
    /// Values that end it with [`WaitError::Failed`]; `*` as above.
    pub failure: &'static [&'static str],
    /// Values that mean: poll again; `*` as above.
    pub retry: &'static [&'static str],
    /// Error codes that mean: poll again.
    pub retry_errors: &'static [&'static str],
    /// The wait before the second poll, and the least wait between two polls.
    pub min_delay: Duration,
    /// The longest wait between two polls.
    pub max_delay: Duration,
    /// How long to wait in all, unless the builder sets otherwise.
    pub max_wait: Duration,
    /// Reads the field from an answer; `None` when the path leads nowhere.
    pub state: fn(&O) -> Option<String>,
}

/// What one value of the watched field means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// The wait ends with the answer.
    Success,
    /// The wait ends with [`WaitError::Failed`].
    Failure,
    /// Poll again.
    Retry,
    /// A value no list names (or no value): the wait ends with
    /// [`WaitError::UnexpectedState`].
    Unexpected,
}

impl<O> Waiter<O> {
    /// What `state` (the field's value, `None` when absent) means to this waiter.
    pub fn verdict(&self, state: Option<&str>) -> Verdict {
        let lists = [
            (self.success, Verdict::Success),
            (self.failure, Verdict::Failure),
            (self.retry, Verdict::Retry),
        ];
        let Some(state) = state else {
            return Verdict::Unexpected;
        };
        if let Some((_, verdict)) = lists.iter().find(|(list, _)| list.contains(&state)) {
            return *verdict;
        }
        lists
            .iter()
            .find(|(list, _)| list.contains(&"*"))
            .map_or(Verdict::Unexpected, |(_, verdict)| *verdict)
    }
}

impl<O> fmt::Debug for Waiter<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("name", &self.name)
            .field("action", &self.action)
            .field("path", &self.path)
            .field("success", &self.success)
            .field("failure", &self.failure)
            .field("retry", &self.retry)
            .field("retry_errors", &self.retry_errors)
            .field("min_delay", &self.min_delay)
            .field("max_delay", &self.max_delay)
            .field("max_wait", &self.max_wait)
            .finish_non_exhaustive()
    }
}

/// A wait being set up, from `client.wait_until_<name>()` once its first setters have named the
/// waited-on resource or from the action's request builder
/// (`client.get_template().template_name(..).wait_until_<name>()`): then
/// [`max_wait`](Self::max_wait) and the delays, then [`send`](Self::send).
pub struct WaiterBuilder<I: Action> {
    client: Client,
    input: I,
    waiter: &'static Waiter<I::Output>,
    /// Checks that the request names what is waited on (e.g. `ExecutionId`).
    requires: fn(&I) -> Result<(), BuildError>,
    max_wait: Duration,
    min_delay: Duration,
    max_delay: Duration,
}

impl<I: Action> WaiterBuilder<I> {
    #[doc(hidden)]
    pub fn new(
        client: Client,
        input: I,
        waiter: &'static Waiter<I::Output>,
        requires: fn(&I) -> Result<(), BuildError>,
    ) -> Self {
        Self {
            client,
            input,
            waiter,
            requires,
            max_wait: waiter.max_wait,
            min_delay: waiter.min_delay,
            max_delay: waiter.max_delay,
        }
    }

    /// The request polled, as built so far.
    pub fn input(&self) -> &I {
        &self.input
    }

    /// The waiter's declaration.
    pub fn waiter(&self) -> &'static Waiter<I::Output> {
        self.waiter
    }

    /// How long to wait in all before [`WaitError::Timeout`] (default: the spec's).
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The wait before the second poll, and the least wait between two polls (default: the
    /// spec's). It must not be zero, nor longer than the largest delay.
    pub fn min_delay(mut self, delay: Duration) -> Self {
        self.min_delay = delay;
        self
    }

    /// The longest wait between two polls (default: the spec's).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Polls until the watched field ends the wait. Dropping the future stops the wait; no
    /// request is sent after that. A request that does not name what is waited on (its
    /// `ExecutionId`, say) fails with [`Error::Construction`] before anything is sent.
    pub async fn send(self) -> Result<I::Output, WaitError<I::Output, I::Error>> {
        (self.requires)(&self.input).map_err(|e| WaitError::Call(Error::Construction(e)))?;
        let bounds = Bounds {
            min_delay: self.min_delay,
            max_delay: self.max_delay,
            max_wait: self.max_wait,
        };
        bounds.check(self.waiter.name)?;
        let client = self.client;
        let input = self.input;
        poll_until(self.waiter, bounds, rand::random::<f64>, || {
            client.call(input.clone())
        })
        .await
    }
}

impl<I: Action + fmt::Debug> fmt::Debug for WaiterBuilder<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaiterBuilder")
            .field("waiter", &self.waiter.name)
            .field("input", &self.input)
            .field("max_wait", &self.max_wait)
            .field("min_delay", &self.min_delay)
            .field("max_delay", &self.max_delay)
            .finish()
    }
}

/// Why a wait ended without success. `O` is the action's answer, `E` its service error.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError<O, E> {
    /// A poll failed with an error the waiter does not poll through; the call's own retries
    /// were spent first.
    Call(Error<E>),
    /// The watched field reached a value the waiter declares a failure.
    Failed {
        /// The waiter.
        waiter: &'static str,
        /// The value (`Failed`).
        state: String,
        /// The answer that carried it.
        output: Box<O>,
    },
    /// The watched field has a value the waiter does not list, or none (`state` is `None`:
    /// the path led nowhere, e.g. an empty list).
    UnexpectedState {
        /// The waiter.
        waiter: &'static str,
        /// The field the waiter reads.
        path: &'static str,
        /// The value, if there was one.
        state: Option<String>,
        /// The answer that carried it.
        output: Box<O>,
    },
    /// The wait ran out of time.
    Timeout {
        /// The waiter.
        waiter: &'static str,
        /// How long it waited.
        waited: Duration,
        /// The last value seen (or error code polled through), if any poll got that far.
        last_state: Option<String>,
    },
    /// The delays set on the builder contradict each other; nothing was sent.
    InvalidDelays {
        /// The waiter.
        waiter: &'static str,
        /// What is wrong.
        reason: String,
    },
}

impl<O, E> WaitError<O, E> {
    /// The value that ended the wait or was seen last, if any.
    pub fn state(&self) -> Option<&str> {
        match self {
            WaitError::Failed { state, .. } => Some(state),
            WaitError::UnexpectedState { state, .. } => state.as_deref(),
            WaitError::Timeout { last_state, .. } => last_state.as_deref(),
            WaitError::Call(_) | WaitError::InvalidDelays { .. } => None,
        }
    }

    /// The answer that ended the wait, for a failure or an unexpected value.
    pub fn output(&self) -> Option<&O> {
        match self {
            WaitError::Failed { output, .. } | WaitError::UnexpectedState { output, .. } => {
                Some(output)
            }
            _ => None,
        }
    }
}

impl<O, E: fmt::Display> fmt::Display for WaitError<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Call(e) => write!(f, "waiting stopped: {e}"),
            WaitError::Failed { waiter, state, .. } => {
                write!(f, "{waiter}: ended in state `{state}`, a failure")
            }
            WaitError::UnexpectedState {
                waiter,
                path,
                state: Some(state),
                ..
            } => write!(
                f,
                "{waiter}: `{path}` is `{state}`, a value the waiter does not know"
            ),
            WaitError::UnexpectedState {
                waiter,
                path,
                state: None,
                ..
            } => write!(f, "{waiter}: the answer has no `{path}`"),
            WaitError::Timeout {
                waiter,
                waited,
                last_state,
            } => {
                write!(f, "{waiter}: gave up after {waited:?}")?;
                match last_state {
                    Some(state) => write!(f, "; the last state seen was `{state}`"),
                    None => write!(f, "; no state was seen"),
                }
            }
            WaitError::InvalidDelays { waiter, reason } => {
                write!(f, "{waiter}: not started: {reason}")
            }
        }
    }
}

impl<O: fmt::Debug, E: std::error::Error + 'static> std::error::Error for WaitError<O, E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Call(e) => Some(e),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Bounds {
    min_delay: Duration,
    max_delay: Duration,
    max_wait: Duration,
}

impl Bounds {
    fn check<O, E>(&self, waiter: &'static str) -> Result<(), WaitError<O, E>> {
        let invalid = |reason: String| Err(WaitError::InvalidDelays { waiter, reason });
        if self.min_delay.is_zero() {
            return invalid("min_delay is zero, which would poll without pause".into());
        }
        if self.min_delay > self.max_delay {
            return invalid(format!(
                "min_delay {:?} is longer than max_delay {:?}",
                self.min_delay, self.max_delay
            ));
        }
        Ok(())
    }

    /// The wait after poll `attempt` (1-based); `unit` is a uniform draw from [0, 1].
    fn delay(&self, attempt: u32, unit: f64) -> Duration {
        jittered_delay(self.min_delay, self.max_delay, attempt, unit)
    }
}

/// The polling loop, apart from the client so that it can be tested on its own: `poll`
/// makes one call, `unit` draws the jitter.
async fn poll_until<O, E, F, Fut>(
    waiter: &'static Waiter<O>,
    bounds: Bounds,
    mut unit: impl FnMut() -> f64,
    mut poll: F,
) -> Result<O, WaitError<O, E>>
where
    E: ServiceError,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<O, Error<E>>>,
{
    let started = Instant::now();
    let deadline = started + bounds.max_wait;
    let timeout = |last_state: Option<String>| WaitError::Timeout {
        waiter: waiter.name,
        waited: started.elapsed(),
        last_state,
    };
    let mut last_state: Option<String> = None;
    let mut attempt: u32 = 0;
    loop {
        attempt = attempt.saturating_add(1);
        let answer = match tokio::time::timeout_at(deadline, poll()).await {
            Ok(answer) => answer,
            Err(_) => return Err(timeout(last_state)),
        };
        match answer {
            Ok(output) => {
                let state = (waiter.state)(&output);
                match waiter.verdict(state.as_deref()) {
                    Verdict::Success => return Ok(output),
                    Verdict::Failure => {
                        return Err(WaitError::Failed {
                            waiter: waiter.name,
                            state: state.unwrap_or_default(),
                            output: Box::new(output),
                        })
                    }
                    Verdict::Unexpected => {
                        return Err(WaitError::UnexpectedState {
                            waiter: waiter.name,
                            path: waiter.path,
                            state,
                            output: Box::new(output),
                        })
                    }
                    Verdict::Retry => last_state = state,
                }
            }
            Err(Error::Service(e)) if waiter.retry_errors.contains(&e.metadata().code.as_str()) => {
                last_state = Some(e.metadata().code.clone());
            }
            Err(e) => return Err(WaitError::Call(e)),
        }
        let remaining = deadline.saturating_duration_since(Instant::now());
        // A poll needs at least `min_delay` of the wait left to be worth sending.
        if remaining <= bounds.min_delay {
            return Err(timeout(last_state));
        }
        let delay = bounds
            .delay(attempt, unit())
            .min(remaining - bounds.min_delay);
        tokio::time::sleep(delay).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorMetadata;
    use std::cell::RefCell;

    #[derive(Debug)]
    struct Failure(ErrorMetadata);

    impl fmt::Display for Failure {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt(f)
        }
    }

    impl std::error::Error for Failure {}

    impl ServiceError for Failure {
        fn from_metadata(metadata: ErrorMetadata) -> Self {
            Self(metadata)
        }
        fn metadata(&self) -> &ErrorMetadata {
            &self.0
        }
    }

    static STATUS: Waiter<String> = Waiter {
        name: "Done",
        action: "Test",
        path: "Status",
        success: &["Success"],
        failure: &["Failed"],
        retry: &["Running"],
        retry_errors: &["NotYet"],
        min_delay: Duration::from_secs(2),
        max_delay: Duration::from_secs(30),
        max_wait: Duration::from_secs(120),
        state: |s| (!s.is_empty()).then(|| s.clone()),
    };

    fn bounds(min: u64, max: u64, wait: u64) -> Bounds {
        Bounds {
            min_delay: Duration::from_secs(min),
            max_delay: Duration::from_secs(max),
            max_wait: Duration::from_secs(wait),
        }
    }

    /// Plays `answers` in turn (the last one forever), recording when each poll happened.
    async fn play(
        answers: Vec<Result<&'static str, &'static str>>,
        bounds: Bounds,
        unit: f64,
    ) -> (Result<String, WaitError<String, Failure>>, Vec<Duration>) {
        let start = Instant::now();
        let times = RefCell::new(Vec::new());
        let result = poll_until(
            &STATUS,
            bounds,
            || unit,
            || {
                let mut times = times.borrow_mut();
                times.push(start.elapsed());
                let answer = answers[(times.len() - 1).min(answers.len() - 1)];
                async move {
                    answer.map(str::to_owned).map_err(|code| {
                        Error::Service(Failure(ErrorMetadata {
                            code: code.to_owned(),
                            ..ErrorMetadata::default()
                        }))
                    })
                }
            },
        )
        .await;
        (result, times.into_inner())
    }

    fn secs(list: &[Duration]) -> Vec<u64> {
        list.iter().map(|d| d.as_secs()).collect()
    }

    #[tokio::test(start_paused = true)]
    async fn success_after_retries_with_growing_delays() {
        let answers = vec![
            Err("NotYet"),
            Ok("Running"),
            Ok("Running"),
            Ok("Running"),
            Ok("Success"),
        ];
        let (result, times) = play(answers, bounds(2, 30, 120), 1.0).await;
        assert_eq!(result.unwrap(), "Success");
        assert_eq!(secs(&times), [0, 2, 6, 14, 30]);
    }

    #[tokio::test(start_paused = true)]
    async fn delays_are_jittered_between_min_and_the_ceiling() {
        let (_, times) = play(vec![Ok("Running"), Ok("Success")], bounds(2, 30, 120), 0.0).await;
        assert_eq!(secs(&times), [0, 2]);
        let b = bounds(2, 30, 120);
        for attempt in 1..40 {
            for unit in [0.0, 0.5, 1.0, f64::NAN, -3.0, 9.0] {
                let d = b.delay(attempt, unit);
                assert!(
                    d >= b.min_delay && d <= b.max_delay,
                    "{attempt} {unit} {d:?}"
                );
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn failure_names_the_state_and_keeps_the_answer() {
        let (result, _) = play(vec![Ok("Running"), Ok("Failed")], bounds(2, 30, 120), 1.0).await;
        let error = result.unwrap_err();
        assert_eq!(error.state(), Some("Failed"));
        assert_eq!(error.output().map(String::as_str), Some("Failed"));
        assert_eq!(
            error.to_string(),
            "Done: ended in state `Failed`, a failure"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_unknown_or_absent_value_ends_the_wait() {
        let (result, _) = play(vec![Ok("Paused")], bounds(2, 30, 120), 1.0).await;
        assert!(
            matches!(result, Err(WaitError::UnexpectedState { state: Some(ref s), .. }) if s == "Paused")
        );
        let (result, _) = play(vec![Ok("")], bounds(2, 30, 120), 1.0).await;
        let error = result.unwrap_err();
        assert!(matches!(
            error,
            WaitError::UnexpectedState { state: None, .. }
        ));
        assert_eq!(error.to_string(), "Done: the answer has no `Status`");
    }

    #[tokio::test(start_paused = true)]
    async fn other_errors_end_the_wait() {
        let (result, times) = play(vec![Err("Boom")], bounds(2, 30, 120), 1.0).await;
        assert!(matches!(result, Err(WaitError::Call(Error::Service(_)))));
        assert_eq!(times.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn timeout_reports_the_last_state_and_fits_a_last_poll() {
        let (result, times) = play(vec![Ok("Running")], bounds(2, 30, 60), 1.0).await;
        let error = result.unwrap_err();
        assert_eq!(error.state(), Some("Running"));
        assert!(
            matches!(error, WaitError::Timeout { waited, .. } if waited <= Duration::from_secs(60))
        );
        // 0, 2, 6, 14, 30, then 58 rather than 60: a poll still fits before the deadline.
        assert_eq!(secs(&times), [0, 2, 6, 14, 30, 58]);
        assert!(
            error
                .to_string()
                .ends_with("the last state seen was `Running`"),
            "{error}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_poll_in_flight_at_the_deadline_is_abandoned() {
        let result: Result<String, WaitError<String, Failure>> =
            poll_until(&STATUS, bounds(1, 1, 5), || 0.0, std::future::pending).await;
        assert!(
            matches!(result, Err(WaitError::Timeout { last_state: None, waited, .. }) if waited == Duration::from_secs(5))
        );
    }

    #[test]
    fn bounds_are_checked() {
        let check = |b: Bounds| {
            b.check::<String, Failure>("Done")
                .map_err(|e| e.to_string())
        };
        assert!(check(bounds(1, 1, 1)).is_ok());
        assert_eq!(
            check(bounds(0, 1, 1)).unwrap_err(),
            "Done: not started: min_delay is zero, which would poll without pause"
        );
        assert_eq!(
            check(bounds(5, 1, 10)).unwrap_err(),
            "Done: not started: min_delay 5s is longer than max_delay 1s"
        );
    }

    #[test]
    fn wildcards_stand_for_unlisted_values() {
        static ANY: Waiter<String> = Waiter {
            success: &["*"],
            retry: &["Creating"],
            ..STATUS_FIELDS
        };
        const STATUS_FIELDS: Waiter<String> = Waiter {
            name: "Any",
            action: "Test",
            path: "Version",
            success: &[],
            failure: &[],
            retry: &[],
            retry_errors: &[],
            min_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(1),
            max_wait: Duration::from_secs(1),
            state: |s| Some(s.clone()),
        };
        assert_eq!(ANY.verdict(Some("v7")), Verdict::Success);
        assert_eq!(ANY.verdict(Some("Creating")), Verdict::Retry);
        assert_eq!(ANY.verdict(None), Verdict::Unexpected);
        assert_eq!(STATUS.verdict(Some("Paused")), Verdict::Unexpected);
    }
}

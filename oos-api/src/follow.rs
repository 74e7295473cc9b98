//! Following an execution's logs as they are written, like `kubectl logs -f`:
//! `client.list_execution_logs().execution_id(id).follow()` is a stream of every log entry,
//! each once and in order, that ends once the execution has finished and its last logs are
//! read.
//!
//! ```no_run
//! # async fn example(client: oos_api::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use futures::TryStreamExt;
//!
//! let mut logs = client.list_execution_logs().execution_id("exec-123").follow();
//! while let Some(log) = logs.try_next().await? {
//!     println!("{}", log.message.unwrap_or_default());
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # How each entry comes exactly once
//!
//! OOS keeps an execution's logs in the order they were written and only ever appends to
//! them; `ListExecutionLogs` pages through them with `NextToken`, and a token stands for a
//! position in that list. The stream keeps one cursor: the token of the page it is on (none
//! for the first page) and how many entries of that page it has delivered. At the last page
//! (no next token) it keeps both; the next poll asks for that same page again, skips the
//! entries already delivered and delivers the rest, which are the entries written since. A
//! page that now has a next token leads on as usual. Nothing is read twice but that one page,
//! and nothing is kept but the cursor and one page of entries, however long the execution
//! runs. The page size is fixed for the whole stream, because OOS binds a token to it.
//!
//! A page that holds fewer entries than already delivered from it means the log changed
//! under the stream: it ends with [`FollowError::LogsChanged`] rather than skip or repeat
//! entries. A service that hands back the token it was given (a token it already returned)
//! is asked for that page again; three times in a row end the stream with
//! [`Error::RepeatedPageToken`].
//!
//! # When it ends
//!
//! Each time the stream has read to the end, it asks `ListExecutions` for the execution's
//! status. While it is not final it waits and reads again: `min_delay` after a poll that
//! brought new entries, twice as long (up to `max_delay`, with jitter) after each poll that
//! brought none. Once the status is final (the `success` and `failure` values of the
//! `ExecutionFinished` waiter: `Success`, `Failed`, `Cancelled`), it reads to the end once
//! more, since logs written just before the end may not have been there at the last read,
//! and ends. A status it does not know keeps it following.
//!
//! Every request is an ordinary call: transient failures are retried under the client's
//! [`RetryPolicy`](crate::RetryPolicy); the first error that outlasts them ends the stream.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::stream::{self, BoxStream, Stream, StreamExt};

use crate::error::Error;
use crate::operation::list_execution_logs::{
    ExecutionLog, ListExecutionLogsError, ListExecutionLogsInput,
};
use crate::operation::list_executions::{ListExecutionsError, ListExecutionsInput};
use crate::retry::jittered_delay;
use crate::waiter::Verdict;
use crate::waiters::EXECUTION_FINISHED;
use crate::{Client, RequestBuilder};

/// The page size a stream asks for unless told otherwise: the largest OOS allows.
const DEFAULT_PAGE_SIZE: i32 = 100;
/// How many times in a row a service may hand back the token it was given.
const REPEATS_TOLERATED: u32 = 3;

impl RequestBuilder<ListExecutionLogsInput> {
    /// The execution's logs as they are written: every entry once, in order, ending once
    /// the execution has finished and its last logs are read. See [`crate::follow`].
    ///
    /// The request's `NextToken` is the position to start from (none: the first entry);
    /// its `MaxResults` the page size (default 100). Nothing is sent before the first poll.
    pub fn follow(self) -> LogStream {
        let (client, input) = self.into_parts();
        LogStream {
            state: State::Pending(Box::new(Setup {
                client,
                page_size: input.max_results.unwrap_or(DEFAULT_PAGE_SIZE),
                input,
                min_delay: Duration::from_secs(1),
                max_delay: Duration::from_secs(10),
            })),
        }
    }
}

/// The stream of [`RequestBuilder::follow`]. The setters apply before the first poll only.
pub struct LogStream {
    state: State,
}

enum State {
    /// Not polled yet; boxed so the stream is `Unpin`.
    Pending(Box<Setup>),
    Running(BoxStream<'static, Result<ExecutionLog, FollowError>>),
}

struct Setup {
    client: Client,
    input: ListExecutionLogsInput,
    page_size: i32,
    min_delay: Duration,
    max_delay: Duration,
}

impl LogStream {
    fn setup(&mut self) -> Option<&mut Setup> {
        match &mut self.state {
            State::Pending(setup) => Some(setup),
            State::Running(_) => None,
        }
    }

    /// Entries per page (OOS allows 1 to 100; default 100): at most this many entries are
    /// held at a time.
    pub fn page_size(mut self, size: i32) -> Self {
        if let Some(setup) = self.setup() {
            setup.page_size = size;
        }
        self
    }

    /// The wait after a poll that brought new entries, and the least wait between polls
    /// (default 1 second). Zero is taken as one millisecond.
    pub fn min_delay(mut self, delay: Duration) -> Self {
        if let Some(setup) = self.setup() {
            setup.min_delay = delay;
        }
        self
    }

    /// The longest wait between two polls (default 10 seconds); never less than
    /// [`min_delay`](Self::min_delay).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        if let Some(setup) = self.setup() {
            setup.max_delay = delay;
        }
        self
    }
}

impl Stream for LogStream {
    type Item = Result<ExecutionLog, FollowError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let State::Pending(_) = this.state {
            let placeholder = State::Running(stream::empty().boxed());
            if let State::Pending(setup) = std::mem::replace(&mut this.state, placeholder) {
                this.state = State::Running(follow(*setup));
            }
        }
        match &mut this.state {
            State::Running(logs) => logs.poll_next_unpin(cx),
            State::Pending(_) => Poll::Ready(None),
        }
    }
}

impl fmt::Debug for LogStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Pending(_) => "not started",
            State::Running(_) => "running",
        };
        f.debug_struct("LogStream")
            .field("state", &state)
            .finish_non_exhaustive()
    }
}

/// Why a log stream ended early.
#[derive(Debug)]
#[non_exhaustive]
pub enum FollowError {
    /// Reading the logs failed (a missing `ExecutionId` fails here before anything is sent).
    Logs(Error<ListExecutionLogsError>),
    /// Reading the execution's status failed.
    Status(Error<ListExecutionsError>),
    /// `ListExecutions` does not list the execution (it was deleted meanwhile).
    NotListed {
        /// The execution.
        execution_id: String,
    },
    /// A page held fewer entries than had already been read from it: the logs changed under
    /// the stream, which cannot go on without skipping or repeating entries.
    LogsChanged {
        /// The execution.
        execution_id: String,
        /// Entries of the page read before.
        read: usize,
        /// Entries the page holds now.
        now: usize,
    },
}

impl fmt::Display for FollowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FollowError::Logs(e) => write!(f, "reading the logs failed: {e}"),
            FollowError::Status(e) => write!(f, "reading the execution's status failed: {e}"),
            FollowError::NotListed { execution_id } => {
                write!(f, "ListExecutions no longer lists execution {execution_id}")
            }
            FollowError::LogsChanged {
                execution_id,
                read,
                now,
            } => write!(
                f,
                "the logs of {execution_id} changed: a page of which {read} entries were read holds {now}"
            ),
        }
    }
}

impl std::error::Error for FollowError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FollowError::Logs(e) => Some(e),
            FollowError::Status(e) => Some(e),
            _ => None,
        }
    }
}

/// What the stream does once its buffer is empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Read the page the cursor is on.
    Read,
    /// At the end of what is written: check the status, or wait.
    AtEnd,
    /// Over.
    Done,
}

struct Follower {
    client: Client,
    logs: ListExecutionLogsInput,
    status: ListExecutionsInput,
    execution_id: String,
    /// Entries of the cursor's page already delivered; the page's token is in `logs`.
    consumed: usize,
    buffer: VecDeque<ExecutionLog>,
    phase: Phase,
    /// The execution was seen in a final state; the read that follows is the last.
    finished: bool,
    /// Pages in a row whose next token was the one asked with.
    repeats: u32,
    /// Quiet polls in a row, for the backoff.
    quiet: u32,
    /// Whether the current round of reads brought new entries.
    fresh: bool,
    min_delay: Duration,
    max_delay: Duration,
}

fn follow(setup: Setup) -> BoxStream<'static, Result<ExecutionLog, FollowError>> {
    let Setup {
        client,
        mut input,
        page_size,
        min_delay,
        max_delay,
    } = setup;
    input.max_results = Some(page_size);
    let execution_id = input.execution_id.clone().unwrap_or_default();
    // A child execution is listed only with its parent's children.
    let mut status = ListExecutionsInput::default()
        .execution_id(execution_id.clone())
        .include_child_execution(true);
    status.region_id.clone_from(&input.region_id);
    let min_delay = min_delay.max(Duration::from_millis(1));
    let follower = Follower {
        client,
        logs: input,
        status,
        execution_id,
        consumed: 0,
        buffer: VecDeque::new(),
        phase: Phase::Read,
        finished: false,
        repeats: 0,
        quiet: 0,
        fresh: false,
        min_delay,
        max_delay: max_delay.max(min_delay),
    };
    stream::unfold(follower, |mut f| async move {
        loop {
            if let Some(log) = f.buffer.pop_front() {
                return Some((Ok(log), f));
            }
            let step = match f.phase {
                Phase::Done => return None,
                Phase::Read => f.read().await,
                Phase::AtEnd => f.at_end().await,
            };
            if let Err(error) = step {
                f.phase = Phase::Done;
                return Some((Err(error), f));
            }
        }
    })
    .boxed()
}

impl Follower {
    /// Reads the cursor's page and buffers what is new on it.
    async fn read(&mut self) -> Result<(), FollowError> {
        let page = self
            .client
            .call(self.logs.clone())
            .await
            .map_err(FollowError::Logs)?;
        let entries = page.execution_logs.unwrap_or_default();
        if entries.len() < self.consumed {
            return Err(FollowError::LogsChanged {
                execution_id: self.execution_id.clone(),
                read: self.consumed,
                now: entries.len(),
            });
        }
        let held = entries.len();
        self.fresh |= held > self.consumed;
        self.buffer.extend(entries.into_iter().skip(self.consumed));
        let next = page.next_token.filter(|t| !t.is_empty());
        match next {
            Some(token) if self.logs.next_token.as_deref() == Some(token.as_str()) => {
                // The page is read; asking with the same token again must move on.
                self.repeats += 1;
                self.consumed = held;
                if self.repeats >= REPEATS_TOLERATED {
                    return Err(FollowError::Logs(Error::RepeatedPageToken(token)));
                }
            }
            Some(token) => {
                self.repeats = 0;
                self.logs.next_token = Some(token);
                self.consumed = 0;
            }
            None => {
                self.repeats = 0;
                self.consumed = held;
                self.phase = Phase::AtEnd;
            }
        }
        Ok(())
    }

    /// At the end of what is written: ends after the read that followed a final status;
    /// else checks the status, and reads again at once (final) or after a wait.
    async fn at_end(&mut self) -> Result<(), FollowError> {
        if self.finished {
            self.phase = Phase::Done;
            return Ok(());
        }
        let answer = self
            .client
            .call(self.status.clone())
            .await
            .map_err(FollowError::Status)?;
        let state = (EXECUTION_FINISHED.state)(&answer);
        match EXECUTION_FINISHED.verdict(state.as_deref()) {
            Verdict::Success | Verdict::Failure => {
                self.finished = true;
                self.phase = Phase::Read;
                return Ok(());
            }
            _ if state.is_none() => {
                return Err(FollowError::NotListed {
                    execution_id: self.execution_id.clone(),
                })
            }
            _ => {}
        }
        if std::mem::take(&mut self.fresh) {
            self.quiet = 0;
        } else {
            self.quiet = self.quiet.saturating_add(1);
        }
        let delay = jittered_delay(
            self.min_delay,
            self.max_delay,
            self.quiet.saturating_add(1),
            rand::random::<f64>(),
        );
        tokio::time::sleep(delay).await;
        self.phase = Phase::Read;
        Ok(())
    }
}

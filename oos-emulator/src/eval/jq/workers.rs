//! The threads jq runs on. jaq cannot be interrupted, and some filters run long without
//! generating anything the budget charges (a product of `.[]`s): the caller waits for a
//! worker no longer than the time limit allows, then answers that the filter exceeded it
//! and leaves the worker to finish alone. A request or the engine is never held longer.
//! A worker left behind holds its thread, its stack's reservation and a core until its
//! filter ends, so only [`MAX_ABANDONED`] may run at once: past that, an evaluation that
//! would need a new worker is refused at once rather than given another thread.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender, TryRecvError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::budget::{self, Limits};
use crate::eval::Failure;

/// A worker's stack: values within the depth limit need little, but a filter may build a
/// deep value inside jaq, which drops it recursively. 2 GiB held what a filter built in its
/// second (in release, 100,000 rounds of 255 nested `[.]`, or of 16,000 piped); only the
/// pages a drop touched become resident, and the worker that touched them retires.
const STACK: usize = 2 << 30;
/// Idle workers kept for the next evaluations.
const KEPT: usize = 4;
/// How much longer than the time limit a caller waits: the budget is checked every few
/// steps, so a filter that steps ends on its own, with its own message, first.
const GRACE: Duration = Duration::from_millis(500);

/// How many workers left running a filter that ran over its time may still be running
/// before jq needing a new worker is refused. Each holds a core and a 2 GiB reservation
/// until its filter ends, which may be never. Two lets one runaway template (or two) fail
/// its tasks with the time limit's own message while the rest of a test run keeps the
/// idle workers, and keeps a 2-core runner from being spun whole by filters nobody waits for.
pub(super) const MAX_ABANDONED: usize = 2;

/// How long a thread that waits for the other (the caller for its answer, a worker for its
/// next job) polls before it sleeps: waking a sleeping thread costs tens of microseconds,
/// more than most filters take, and jobs come in bursts (a loop's items, a task's outputs).
const POLL: Duration = Duration::from_micros(200);

type Answer = Result<Vec<Value>, Failure>;

/// What a worker answers: the outputs or why not, and whether it retires. A worker that
/// went over its budget, or ran long, retires: a deep value built and dropped inside jaq
/// may have left hundreds of megabytes of its stack resident.
pub(super) struct Evaluated {
    pub answer: Answer,
    pub retire: bool,
}

/// An evaluation that runs this long (compiling aside) retires its worker (see
/// [`Evaluated`]).
pub(super) const HEAVY: Duration = Duration::from_millis(50);

struct Job {
    filter: String,
    input: String,
    limits: Limits,
    answer: SyncSender<Evaluated>,
    fate: Arc<AtomicU8>,
}

/// A job's [`Job::fate`]: its caller still waits, has its answer, or gave up on it.
const WAITED_FOR: u8 = 0;
const ANSWERED: u8 = 1;
const ABANDONED: u8 = 2;

/// Workers and what they share: idle ones, how many are left running a filter nobody waits
/// for, and how many may be.
pub(super) struct Pool {
    idle: Mutex<Vec<Sender<Job>>>,
    abandoned: AtomicUsize,
    max_abandoned: usize,
    /// How much longer than its time limit a caller waits for a filter.
    grace: Duration,
}

/// The workers every evaluation of the emulator runs on.
static POOL: Pool = Pool::new(MAX_ABANDONED, GRACE);

/// `filter` run on `input` (JSON text) by a worker, within `limits`.
pub(super) fn run(filter: &str, input: String, limits: Limits) -> Answer {
    POOL.run(filter, input, limits)
}

impl Pool {
    pub(super) const fn new(max_abandoned: usize, grace: Duration) -> Self {
        Self {
            idle: Mutex::new(Vec::new()),
            abandoned: AtomicUsize::new(0),
            max_abandoned,
            grace,
        }
    }

    /// How many workers run a filter their caller gave up on.
    pub(super) fn abandoned(&self) -> usize {
        self.abandoned.load(Ordering::SeqCst)
    }

    pub(super) fn run(&'static self, filter: &str, input: String, limits: Limits) -> Answer {
        let (answer, answered) = mpsc::sync_channel(1);
        let fate = Arc::new(AtomicU8::new(WAITED_FOR));
        let mut job = Job {
            filter: filter.to_owned(),
            input,
            limits,
            answer,
            fate: Arc::clone(&fate),
        };
        // An idle worker may have ended (a panic in jaq): then the next one, or a new one.
        let worker = loop {
            let idle = self
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop();
            let worker = match idle {
                Some(worker) => worker,
                None if self.abandoned() >= self.max_abandoned => {
                    return Err(Failure::unsupported(format!(
                        "jq `{}` was not run: the emulator's limit on abandoned jq filters is reached ({} filters that ran over the time limit are still running)",
                        super::shown(filter),
                        self.max_abandoned
                    )))
                }
                None => self.spawn()?,
            };
            match worker.send(job) {
                Ok(()) => break worker,
                Err(mpsc::SendError(back)) => job = back,
            }
        };
        let mut received = match polled(&answered) {
            Ok(evaluated) => Ok(evaluated),
            Err(TryRecvError::Disconnected) => Err(RecvTimeoutError::Disconnected),
            Err(TryRecvError::Empty) => answered.recv_timeout(limits.time + self.grace),
        };
        if matches!(received, Err(RecvTimeoutError::Timeout)) {
            // Counted before it is claimed, so that the worker, which uncounts it once
            // done, never finds it uncounted; a worker that was done first answered.
            self.abandoned.fetch_add(1, Ordering::SeqCst);
            let claimed =
                fate.compare_exchange(WAITED_FOR, ABANDONED, Ordering::SeqCst, Ordering::SeqCst);
            if claimed.is_err() {
                self.abandoned.fetch_sub(1, Ordering::SeqCst);
                received = answered
                    .try_recv()
                    .map_err(|_| RecvTimeoutError::Disconnected);
            }
        }
        match received {
            Ok(Evaluated { answer, retire }) => {
                let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
                if !retire && idle.len() < KEPT {
                    idle.push(worker);
                }
                answer
            }
            // Dropping `worker` closes its queue: it ends once this filter does.
            Err(RecvTimeoutError::Timeout) => {
                Err(super::exceeded(filter, &budget::time_exceeded(limits)))
            }
            Err(RecvTimeoutError::Disconnected) => Err(Failure::unsupported(format!(
                "jq `{}` stopped inside the emulator without an answer",
                super::shown(filter)
            ))),
        }
    }

    fn spawn(&'static self) -> Result<Sender<Job>, Failure> {
        let (jobs, queue) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("oos-emulator-jq".to_owned())
            .stack_size(STACK)
            .spawn(move || {
                while let Some(job) = next(&queue) {
                    // Settles the job even when jaq panics, so an abandoned count drops.
                    let settled = Settled {
                        fate: &job.fate,
                        pool: self,
                    };
                    let evaluated = super::evaluate(&job.filter, &job.input, job.limits);
                    let retire = evaluated.retire;
                    // The caller may have stopped waiting.
                    let _ = job.answer.send(evaluated);
                    drop(settled);
                    if retire {
                        break;
                    }
                }
            })
            .map_err(|e| {
                Failure::unsupported(format!(
                    "the emulator could not start a thread to run jq: {e}"
                ))
            })?;
        Ok(jobs)
    }
}

/// A worker's job done (answered, or ended by a panic): an abandoned job is uncounted.
struct Settled<'a> {
    fate: &'a AtomicU8,
    pool: &'a Pool,
}

impl Drop for Settled<'_> {
    fn drop(&mut self) {
        if self.fate.swap(ANSWERED, Ordering::SeqCst) == ABANDONED {
            self.pool.abandoned.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// The worker's next job; none once its queue is closed.
fn next(queue: &Receiver<Job>) -> Option<Job> {
    match polled(queue) {
        Ok(job) => Some(job),
        Err(TryRecvError::Disconnected) => None,
        Err(TryRecvError::Empty) => queue.recv().ok(),
    }
}

/// What `receiver` gives within [`POLL`], tried again between yields; `Empty` when nothing
/// came by then and the caller is to sleep on it.
fn polled<T>(receiver: &Receiver<T>) -> Result<T, TryRecvError> {
    let started = Instant::now();
    loop {
        match receiver.try_recv() {
            Err(TryRecvError::Empty) if started.elapsed() < POLL => thread::yield_now(),
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::eval::jq::tests::SLOW;
    use crate::eval::jq::LIMITS;

    /// Caller-side, a filter runs over at once: its caller waits 1 ms and no grace.
    const HASTY: Limits = Limits {
        time: Duration::from_millis(1),
        ..LIMITS
    };

    #[test]
    fn abandoned_workers_are_capped_until_their_filters_end() {
        // A pool of its own: the workers it abandons count against no other test's jq.
        let pool: &'static Pool = Box::leak(Box::new(Pool::new(2, Duration::ZERO)));
        let items = json!((0..60).collect::<Vec<_>>()).to_string();
        for abandoned in 1..=2 {
            let over = pool.run(SLOW, items.clone(), HASTY);
            match over {
                Err(Failure::Unsupported(why)) => {
                    assert!(
                        why.contains("limit on time: it ran for more than 1 ms"),
                        "{why}"
                    );
                }
                other => panic!("expected the time limit, got {other:?}"),
            }
            assert_eq!(pool.abandoned(), abandoned);
        }
        // At the cap, a filter that needs a new worker is refused, however quick: it is not
        // run at all, so its answer is the refusal rather than a time limit.
        match pool.run(".a", "{\"a\": 1}".to_owned(), LIMITS) {
            Err(Failure::Unsupported(why)) => assert_eq!(
                why,
                "jq `.a` was not run: the emulator's limit on abandoned jq filters is reached (2 filters that ran over the time limit are still running)"
            ),
            other => panic!("expected the limit on abandoned filters, got {other:?}"),
        }
        // Once the abandoned filters end, the count drops and jq runs again.
        let waited = Instant::now();
        while pool.abandoned() > 0 {
            assert!(
                waited.elapsed() < Duration::from_secs(20),
                "{} abandoned filters never ended",
                pool.abandoned()
            );
            thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(
            pool.run(".a", "{\"a\": 1}".to_owned(), LIMITS).unwrap(),
            [json!(1)]
        );
        // An idle worker is used whatever the count: the one that just answered.
        pool.abandoned.store(2, Ordering::SeqCst);
        assert_eq!(
            pool.run(".b", "{\"b\": 2}".to_owned(), LIMITS).unwrap(),
            [json!(2)]
        );
        pool.abandoned.store(0, Ordering::SeqCst);
    }
}

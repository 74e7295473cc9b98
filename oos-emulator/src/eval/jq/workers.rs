//! The threads jq runs on. jaq cannot be interrupted, and some filters run long without
//! generating anything the budget charges (a product of `.[]`s): the caller waits for a
//! worker no longer than the time limit allows, then answers that the filter exceeded it
//! and leaves the worker to finish alone. A request or the engine is never held longer,
//! and a worker that never finishes holds only its own thread.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender, TryRecvError};
use std::sync::{Mutex, PoisonError};
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
}

static IDLE: Mutex<Vec<Sender<Job>>> = Mutex::new(Vec::new());

/// `filter` run on `input` (JSON text) by a worker, within `limits`.
pub(super) fn run(filter: &str, input: String, limits: Limits) -> Answer {
    let (answer, answered) = mpsc::sync_channel(1);
    let mut job = Job {
        filter: filter.to_owned(),
        input,
        limits,
        answer,
    };
    // An idle worker may have ended (a panic in jaq): then the next one, or a new one.
    let worker = loop {
        let worker = match IDLE.lock().unwrap_or_else(PoisonError::into_inner).pop() {
            Some(worker) => worker,
            None => spawn()?,
        };
        match worker.send(job) {
            Ok(()) => break worker,
            Err(mpsc::SendError(back)) => job = back,
        }
    };
    let polled = Instant::now();
    let received = loop {
        match answered.try_recv() {
            Ok(evaluated) => break Ok(evaluated),
            Err(TryRecvError::Disconnected) => break Err(RecvTimeoutError::Disconnected),
            Err(TryRecvError::Empty) if polled.elapsed() < POLL => thread::yield_now(),
            Err(TryRecvError::Empty) => break answered.recv_timeout(limits.time + GRACE),
        }
    };
    match received {
        Ok(Evaluated { answer, retire }) => {
            let mut idle = IDLE.lock().unwrap_or_else(PoisonError::into_inner);
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

fn spawn() -> Result<Sender<Job>, Failure> {
    let (jobs, queue) = mpsc::channel::<Job>();
    thread::Builder::new()
        .name("oos-emulator-jq".to_owned())
        .stack_size(STACK)
        .spawn(move || {
            while let Some(job) = next(&queue) {
                let evaluated = super::evaluate(&job.filter, &job.input, job.limits);
                let retire = evaluated.retire;
                // The caller may have stopped waiting.
                let _ = job.answer.send(evaluated);
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

/// The worker's next job; none once its queue is closed.
fn next(queue: &Receiver<Job>) -> Option<Job> {
    let polled = Instant::now();
    loop {
        match queue.try_recv() {
            Ok(job) => return Some(job),
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) if polled.elapsed() < POLL => thread::yield_now(),
            Err(TryRecvError::Empty) => return queue.recv().ok(),
        }
    }
}

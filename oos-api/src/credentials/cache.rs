//! The one cache every provider keeps its credentials in.
//!
//! Static credentials (no expiry) are fetched once and kept. Expiring ones are refreshed
//! ahead of their expiry: the first caller to find them in their refresh window fetches
//! while the others keep using the cached value, and when nothing usable is cached every
//! caller waits for one shared fetch. A refresh that fails while the cached credentials are
//! still usable is logged and retried with backoff, never surfaced; credentials that expired
//! and cannot be refreshed are an error.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use super::document::format_time;
use super::{Credentials, CredentialsError, ProvideCredentials, ProvideCredentialsFuture};
use crate::retry::{doubled, fraction};

/// The refresh window is a quarter of the credentials' lifetime, within these bounds: about
/// 3.75 minutes of a 15-minute STS session, 15 minutes of a 6-hour ECS one.
pub(crate) const MIN_REFRESH_WINDOW: Duration = Duration::from_secs(2 * 60);
/// See [`MIN_REFRESH_WINDOW`].
pub(crate) const MAX_REFRESH_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Credentials this close to their expiry are no longer handed out: a request signed with
/// them could reach the service after they expired.
pub(crate) const EXPIRY_MARGIN: Duration = Duration::from_secs(60);
/// The wait after the first failed refresh; it doubles with each further failure.
pub(crate) const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// The longest wait between failed refreshes.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Where the cache reads the time; tests move it by hand.
pub(crate) type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;
/// A uniform draw from `[0, 1)`, for jitter.
pub(crate) type Random = Arc<dyn Fn() -> f64 + Send + Sync>;

struct Entry {
    credentials: Credentials,
    /// `None` for static credentials, which are kept for good.
    times: Option<EntryTimes>,
}

#[derive(Clone, Copy)]
struct EntryTimes {
    refresh_at: SystemTime,
    usable_until: SystemTime,
}

impl Entry {
    fn new(credentials: Credentials, now: SystemTime, random: f64) -> Self {
        let times = credentials.expiration().map(|expiration| {
            let lifetime = expiration.duration_since(now).unwrap_or_default();
            // Spread so that many processes started together do not refresh together.
            let window = (lifetime / 4)
                .clamp(MIN_REFRESH_WINDOW, MAX_REFRESH_WINDOW)
                .mul_f64(0.9 + 0.2 * random);
            let before_window = expiration
                .checked_sub(window)
                .unwrap_or(SystemTime::UNIX_EPOCH);
            // Very short-lived credentials would otherwise be refreshed on every call.
            let refresh_at = before_window.max(now.checked_add(lifetime / 2).unwrap_or(now));
            let usable_until = expiration
                .checked_sub(EXPIRY_MARGIN)
                .unwrap_or(SystemTime::UNIX_EPOCH);
            EntryTimes {
                refresh_at,
                usable_until,
            }
        });
        Self { credentials, times }
    }

    fn usable(&self, now: SystemTime) -> bool {
        self.times.is_none_or(|t| now < t.usable_until)
    }
}

#[derive(Default)]
struct State {
    entry: Option<Entry>,
    /// Consecutive failed refreshes while the cached credentials were usable.
    failures: u32,
    retry_at: Option<SystemTime>,
    /// How many fetches have finished, so that a caller that waited for one knows.
    fetches: u64,
    last_error: Option<CredentialsError>,
}

enum Lookup {
    Fresh(Credentials),
    /// Usable, but due for a refresh.
    Stale(Credentials),
    Unusable,
}

impl State {
    fn lookup(&self, now: SystemTime) -> Lookup {
        let Some(entry) = &self.entry else {
            return Lookup::Unusable;
        };
        let Some(times) = entry.times else {
            return Lookup::Fresh(entry.credentials.clone());
        };
        if now >= times.usable_until {
            Lookup::Unusable
        } else if now < times.refresh_at || self.retry_at.is_some_and(|at| now < at) {
            Lookup::Fresh(entry.credentials.clone())
        } else {
            Lookup::Stale(entry.credentials.clone())
        }
    }

    fn usable(&self, now: SystemTime) -> Option<Credentials> {
        self.entry
            .as_ref()
            .filter(|e| e.usable(now))
            .map(|e| e.credentials.clone())
    }
}

/// The wait before retrying after `failures` consecutive failed refreshes: doubling from
/// [`FIRST_BACKOFF`] up to [`MAX_BACKOFF`], drawn between half and all of it.
pub(crate) fn backoff(failures: u32, random: f64) -> Duration {
    doubled(FIRST_BACKOFF, MAX_BACKOFF, failures)
        .mul_f64(0.5 + 0.5 * fraction(random))
        .max(FIRST_BACKOFF)
}

/// The cache itself, used by [`CachedProvider`] and by each provider of this module.
pub(crate) struct Cache {
    label: &'static str,
    state: Mutex<State>,
    /// Held by the one caller that is fetching.
    refresh: tokio::sync::Mutex<()>,
    clock: Clock,
    random: Random,
}

impl Cache {
    pub(crate) fn new(label: &'static str) -> Self {
        Self {
            label,
            state: Mutex::new(State::default()),
            refresh: tokio::sync::Mutex::new(()),
            clock: Arc::new(SystemTime::now),
            random: Arc::new(rand::random::<f64>),
        }
    }

    pub(crate) fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    #[cfg(test)]
    pub(crate) fn set_random(&mut self, random: Random) {
        self.random = random;
    }

    fn now(&self) -> SystemTime {
        (self.clock)()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is replaced whole under the lock, so a panic elsewhere cannot leave it
        // half-written.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached credentials if they are not due for a refresh: what [`Cache::get`] would
    /// answer without fetching.
    pub(crate) fn fresh(&self) -> Option<Credentials> {
        match self.state().lookup(self.now()) {
            Lookup::Fresh(credentials) => Some(credentials),
            Lookup::Stale(_) | Lookup::Unusable => None,
        }
    }

    /// The cached credentials, or those `fetch` hands out when a refresh is due.
    pub(crate) async fn get<'a, F>(&'a self, fetch: F) -> Result<Credentials, CredentialsError>
    where
        F: FnOnce() -> ProvideCredentialsFuture<'a> + Send,
    {
        let (lookup, seen_fetches) = {
            let state = self.state();
            (state.lookup(self.now()), state.fetches)
        };
        match lookup {
            Lookup::Fresh(credentials) => return Ok(credentials),
            Lookup::Stale(credentials) => return self.refresh_ahead(credentials, fetch).await,
            Lookup::Unusable => {}
        }
        let _fetching = self.refresh.lock().await;
        {
            // Whoever held the lock before may have just fetched: share its outcome rather
            // than fetching once per waiter.
            let state = self.state();
            if state.fetches != seen_fetches {
                if let Some(credentials) = state.usable(self.now()) {
                    return Ok(credentials);
                }
                if let Some(error) = &state.last_error {
                    return Err(error.clone());
                }
            }
        }
        self.fetch_and_store(fetch).await
    }

    /// Refreshes usable credentials if no one else is, else hands out the cached ones.
    async fn refresh_ahead<'a, F>(
        &'a self,
        cached: Credentials,
        fetch: F,
    ) -> Result<Credentials, CredentialsError>
    where
        F: FnOnce() -> ProvideCredentialsFuture<'a> + Send,
    {
        let Ok(_fetching) = self.refresh.try_lock() else {
            return Ok(cached);
        };
        if let Lookup::Fresh(credentials) = self.state().lookup(self.now()) {
            return Ok(credentials);
        }
        match self.fetch_and_store(fetch).await {
            Ok(credentials) => Ok(credentials),
            Err(error) => self.state().usable(self.now()).ok_or(error),
        }
    }

    /// Fetches and records the outcome; the caller holds `refresh`.
    async fn fetch_and_store<'a, F>(&'a self, fetch: F) -> Result<Credentials, CredentialsError>
    where
        F: FnOnce() -> ProvideCredentialsFuture<'a> + Send,
    {
        let result = fetch().await;
        let now = self.now();
        let random = (self.random)();
        let result = result.and_then(|credentials| match credentials.expiration() {
            Some(expiration) if expiration <= now => Err(CredentialsError::new(format!(
                "{} handed out credentials that expired at {} (the time now is {})",
                self.label,
                format_time(expiration),
                format_time(now)
            ))),
            // Kept, they would be unusable at once, and each caller waiting for this fetch
            // would fetch again.
            Some(expiration)
                if expiration.duration_since(now).unwrap_or_default() <= EXPIRY_MARGIN =>
            {
                Err(CredentialsError::new(format!(
                    "{} handed out credentials that expire at {}, within {} s of the time now ({})",
                    self.label,
                    format_time(expiration),
                    EXPIRY_MARGIN.as_secs(),
                    format_time(now)
                )))
            }
            _ => Ok(credentials),
        });
        let mut state = self.state();
        state.fetches += 1;
        match result {
            Ok(credentials) => {
                let entry = Entry::new(credentials.clone(), now, random);
                tracing::debug!(
                    source = self.label,
                    expiration = ?credentials.expiration().map(format_time),
                    "credentials fetched"
                );
                *state = State {
                    entry: Some(entry),
                    failures: 0,
                    retry_at: None,
                    fetches: state.fetches,
                    last_error: None,
                };
                Ok(credentials)
            }
            Err(error) => {
                let expired_at = match &state.entry {
                    Some(entry) if entry.usable(now) => None,
                    Some(entry) => entry.credentials.expiration(),
                    None => None,
                };
                let error = match expired_at {
                    Some(at) => error.context(format!(
                        "the cached credentials expired at {} and refreshing them failed",
                        format_time(at)
                    )),
                    None => error,
                };
                if state.usable(now).is_some() {
                    state.failures += 1;
                    let wait = backoff(state.failures, random);
                    state.retry_at = now.checked_add(wait);
                    tracing::warn!(
                        source = self.label,
                        error = %error,
                        retry_in_ms = wait.as_millis() as u64,
                        "refreshing credentials failed; the cached ones stay in use"
                    );
                }
                state.last_error = Some(error.clone());
                Err(error)
            }
        }
    }
}

/// Any provider, behind the cache this module's providers use: static credentials are
/// fetched once; expiring ones are refreshed ahead of expiry (a window of a quarter of
/// their lifetime, between 2 and 15 minutes), by one fetch however many calls are waiting;
/// a refresh that fails while the cached credentials are usable keeps them in use and is
/// retried after a backoff of 1 s doubling to 60 s.
pub struct CachedProvider<P> {
    source: P,
    cache: Cache,
}

impl<P: ProvideCredentials> CachedProvider<P> {
    /// Caches what `source` hands out.
    pub fn new(source: P) -> Self {
        Self::labelled(source, "the credentials provider")
    }

    pub(crate) fn labelled(source: P, label: &'static str) -> Self {
        Self {
            source,
            cache: Cache::new(label),
        }
    }

    /// Reads the time from `clock` instead of the system clock when deciding whether the
    /// cached credentials need refreshing; for tests and simulations.
    pub fn with_clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.cache.set_clock(Arc::new(clock));
        self
    }

    /// The provider whose credentials are cached.
    pub fn source(&self) -> &P {
        &self.source
    }

    pub(crate) fn source_mut(&mut self) -> &mut P {
        &mut self.source
    }

    #[cfg(test)]
    pub(crate) fn with_random(mut self, random: impl Fn() -> f64 + Send + Sync + 'static) -> Self {
        self.cache.set_random(Arc::new(random));
        self
    }
}

impl<P: ProvideCredentials> ProvideCredentials for CachedProvider<P> {
    fn provide(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.cache.get(|| self.source.provide()))
    }

    fn provide_now(&self) -> Option<Credentials> {
        self.cache.fresh()
    }

    fn use_http_client(&self, client: &reqwest::Client) {
        self.source.use_http_client(client)
    }
}

impl<P: fmt::Debug> fmt::Debug for CachedProvider<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedProvider")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Gives a provider that wraps a `CachedProvider` in its `inner` field the trait and the
/// clock hook.
macro_rules! cached_provider {
    ($provider:ty) => {
        impl $provider {
            /// Reads the time from `clock` instead of the system clock when deciding whether
            /// the cached credentials need refreshing; for tests and simulations.
            pub fn with_clock(
                mut self,
                clock: impl Fn() -> std::time::SystemTime + Send + Sync + 'static,
            ) -> Self {
                self.inner = self.inner.with_clock(clock);
                self
            }
        }

        impl $crate::credentials::ProvideCredentials for $provider {
            fn provide(&self) -> $crate::credentials::ProvideCredentialsFuture<'_> {
                self.inner.provide()
            }

            fn provide_now(&self) -> Option<$crate::credentials::Credentials> {
                self.inner.provide_now()
            }

            fn use_http_client(&self, client: &reqwest::Client) {
                self.inner.use_http_client(client)
            }
        }
    };
}
pub(crate) use cached_provider;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::testing::{block_on, FakeClock, Scripted};
    use crate::credentials::CredentialsErrorKind;

    const MINUTE: Duration = Duration::from_secs(60);

    fn expiring(id: &str, clock: &FakeClock, lifetime: Duration) -> Credentials {
        Credentials::with_security_token(id, "secret", "token")
            .with_expiration(clock.now() + lifetime)
    }

    fn cached(source: Scripted, clock: &FakeClock) -> CachedProvider<Scripted> {
        CachedProvider::new(source)
            .with_clock(clock.clock())
            .with_random(|| 0.5)
    }

    fn id(result: Result<Credentials, CredentialsError>) -> String {
        result.expect("credentials").access_key_id().to_owned()
    }

    #[test]
    fn static_credentials_are_fetched_once() {
        let clock = FakeClock::new();
        let source = Scripted::new(vec![Ok(Credentials::new("id", "s"))]);
        let p = cached(source.clone(), &clock);
        for _ in 0..5 {
            assert_eq!(id(block_on(p.provide())), "id");
            clock.advance(Duration::from_secs(365 * 24 * 3600));
        }
        assert_eq!(source.calls(), 1);
    }

    #[test]
    fn credentials_at_hand_are_what_provide_would_answer_without_fetching() {
        let clock = FakeClock::new();
        let source = Scripted::new(vec![
            Ok(expiring("first", &clock, 6 * 60 * MINUTE)),
            Ok(expiring("second", &clock, 6 * 60 * MINUTE)),
        ]);
        let p = cached(source.clone(), &clock);
        let at_hand =
            |p: &CachedProvider<Scripted>| p.provide_now().map(|c| c.access_key_id().to_owned());
        // Nothing fetched yet: only `provide` can answer.
        assert_eq!(at_hand(&p), None);
        assert_eq!(source.calls(), 0);
        assert_eq!(id(block_on(p.provide())), "first");
        assert_eq!(at_hand(&p).as_deref(), Some("first"));
        // In the refresh window the refresh is `provide`'s to make.
        clock.advance(6 * 60 * MINUTE - 15 * MINUTE + Duration::from_secs(1));
        assert_eq!(at_hand(&p), None);
        assert_eq!(source.calls(), 1);
        assert_eq!(id(block_on(p.provide())), "second");
        assert_eq!(at_hand(&p).as_deref(), Some("second"));
        // Expired: nothing at hand.
        clock.advance(6 * 60 * MINUTE);
        assert_eq!(at_hand(&p), None);
        // Through the shared pointers a client holds.
        let shared: Arc<dyn ProvideCredentials> = Arc::new(cached(
            Scripted::new(vec![Ok(Credentials::new("static", "s"))]),
            &clock,
        ));
        assert!(shared.provide_now().is_none());
        block_on(shared.provide()).expect("fetched");
        clock.advance(Duration::from_secs(365 * 24 * 3600));
        let boxed: Box<dyn ProvideCredentials> = Box::new(shared);
        assert_eq!(
            boxed.provide_now().map(|c| c.access_key_id().to_owned()),
            Some("static".to_owned())
        );
        assert_eq!(
            Credentials::new("plain", "s")
                .provide_now()
                .map(|c| c.access_key_id().to_owned()),
            Some("plain".to_owned())
        );
    }

    #[test]
    fn errors_are_not_cached_while_nothing_is_usable() {
        let clock = FakeClock::new();
        let source = Scripted::new(vec![
            Err(CredentialsError::not_configured("not yet")),
            Ok(Credentials::new("id", "s")),
        ]);
        let p = cached(source.clone(), &clock);
        let err = block_on(p.provide()).expect_err("first fails");
        assert_eq!(err.kind(), CredentialsErrorKind::NotConfigured);
        assert_eq!(id(block_on(p.provide())), "id");
        assert_eq!(source.calls(), 2);
    }

    #[test]
    fn a_six_hour_credential_is_refreshed_15_minutes_ahead() {
        let clock = FakeClock::new();
        let source = Scripted::new(vec![
            Ok(expiring("first", &clock, 6 * 60 * MINUTE)),
            Ok(expiring("second", &clock, 12 * 60 * MINUTE)),
        ]);
        let p = cached(source.clone(), &clock);
        assert_eq!(id(block_on(p.provide())), "first");
        clock.advance(6 * 60 * MINUTE - 15 * MINUTE - Duration::from_secs(1));
        assert_eq!(id(block_on(p.provide())), "first");
        assert_eq!(source.calls(), 1);
        clock.advance(Duration::from_secs(2));
        assert_eq!(id(block_on(p.provide())), "second");
        assert_eq!(source.calls(), 2);
    }

    #[test]
    fn a_15_minute_credential_is_refreshed_a_quarter_ahead_not_on_every_call() {
        let clock = FakeClock::new();
        let source = Scripted::new(vec![
            Ok(expiring("first", &clock, 15 * MINUTE)),
            Ok(expiring("second", &clock, 30 * MINUTE)),
        ]);
        let p = cached(source.clone(), &clock);
        assert_eq!(id(block_on(p.provide())), "first");
        // A quarter of 15 minutes is 225 s: refreshed after 675 s, not before.
        for _ in 0..67 {
            clock.advance(Duration::from_secs(10));
            assert_eq!(id(block_on(p.provide())), "first");
        }
        assert_eq!(source.calls(), 1);
        clock.advance(Duration::from_secs(6));
        assert_eq!(id(block_on(p.provide())), "second");
        assert_eq!(source.calls(), 2);
    }

    #[test]
    fn the_refresh_window_is_jittered_by_ten_percent() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let c = Credentials::new("i", "s").with_expiration(now + 6 * 60 * MINUTE);
        let at = |r| {
            Entry::new(c.clone(), now, r)
                .times
                .expect("expiring")
                .refresh_at
        };
        let expiry = now + 6 * 60 * MINUTE;
        assert_eq!(
            expiry.duration_since(at(0.0)).ok(),
            Some(13 * MINUTE + 30 * Duration::from_secs(1))
        );
        assert_eq!(expiry.duration_since(at(0.5)).ok(), Some(15 * MINUTE));
        assert_eq!(
            expiry.duration_since(at(1.0)).ok(),
            Some(16 * MINUTE + 30 * Duration::from_secs(1))
        );
    }

    #[test]
    fn backoff_doubles_from_one_second_to_a_minute() {
        assert_eq!(backoff(1, 0.999_999), FIRST_BACKOFF);
        assert_eq!(backoff(1, 0.0), FIRST_BACKOFF);
        assert_eq!(backoff(3, 1.0), Duration::from_secs(4));
        assert_eq!(backoff(3, 0.0), Duration::from_secs(2));
        assert_eq!(backoff(30, 1.0), MAX_BACKOFF);
        assert_eq!(backoff(u32::MAX, 0.0), MAX_BACKOFF / 2);
    }

    #[test]
    fn a_failed_refresh_keeps_the_usable_credentials_and_backs_off() {
        let clock = FakeClock::new();
        let source = Scripted::new(vec![
            Ok(expiring("first", &clock, 60 * MINUTE)),
            Err(CredentialsError::new("STS is down")),
            Err(CredentialsError::new("STS is still down")),
            Ok(expiring("second", &clock, 120 * MINUTE)),
        ]);
        let p = cached(source.clone(), &clock);
        assert_eq!(id(block_on(p.provide())), "first");
        // Into the 15-minute window: the refresh fails, the cached credentials are served.
        clock.advance(46 * MINUTE);
        assert_eq!(id(block_on(p.provide())), "first");
        assert_eq!(source.calls(), 2);
        // Backing off (0.75 s at random 0.5, floored at 1 s): no new fetch yet.
        assert_eq!(id(block_on(p.provide())), "first");
        assert_eq!(source.calls(), 2);
        clock.advance(Duration::from_secs(1));
        assert_eq!(id(block_on(p.provide())), "first");
        assert_eq!(source.calls(), 3);
        // The second failure waits 1.5 s.
        clock.advance(Duration::from_secs(1));
        assert_eq!(id(block_on(p.provide())), "first");
        assert_eq!(source.calls(), 3);
        clock.advance(Duration::from_secs(1));
        assert_eq!(id(block_on(p.provide())), "second");
        assert_eq!(source.calls(), 4);
    }

    #[test]
    fn expired_and_unrefreshable_is_an_error() {
        let clock = FakeClock::new();
        let source = Scripted::new(vec![
            Ok(expiring("first", &clock, 15 * MINUTE)),
            Err(CredentialsError::new("STS is down")),
        ]);
        let p = cached(source.clone(), &clock);
        assert_eq!(id(block_on(p.provide())), "first");
        // Past the expiry less its one-minute margin.
        clock.advance(14 * MINUTE);
        let err = block_on(p.provide()).expect_err("expired");
        assert!(
            err.message().contains("expired at") && err.message().contains("STS is down"),
            "{err}"
        );
        assert!(!err.message().contains("secret"), "{err}");
    }

    #[test]
    fn credentials_already_expired_when_handed_out_are_refused() {
        let clock = FakeClock::new();
        let past = Credentials::new("old", "s").with_expiration(clock.now() - MINUTE);
        let p = cached(Scripted::new(vec![Ok(past)]), &clock);
        let err = block_on(p.provide()).expect_err("already expired");
        assert!(err.message().contains("expired at"), "{err}");
    }

    #[tokio::test(start_paused = true)]
    async fn credentials_within_the_expiry_margin_are_refused_once_for_every_waiter() {
        let clock = FakeClock::new();
        let brief = expiring("brief", &clock, EXPIRY_MARGIN - Duration::from_secs(1));
        let source = Scripted::new(vec![Ok(brief)]).with_delay(Duration::from_millis(200));
        let p = Arc::new(cached(source.clone(), &clock));
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let p = Arc::clone(&p);
                tokio::spawn(async move { p.provide().await })
            })
            .collect();
        for call in calls {
            let err = call.await.expect("task").expect_err("too close to expiry");
            assert!(
                err.message().contains("within 60 s of the time now"),
                "{err}"
            );
        }
        assert_eq!(source.calls(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn eight_concurrent_calls_make_one_fetch() {
        let clock = FakeClock::new();
        let source = Scripted::new(vec![Ok(expiring("only", &clock, 60 * MINUTE))])
            .with_delay(Duration::from_millis(200));
        let p = Arc::new(cached(source.clone(), &clock));
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let p = Arc::clone(&p);
                tokio::spawn(async move { p.provide().await })
            })
            .collect();
        for call in calls {
            assert_eq!(id(call.await.expect("task")), "only");
        }
        assert_eq!(source.calls(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_failed_fetch() {
        let clock = FakeClock::new();
        let source = Scripted::new(vec![Err(CredentialsError::new("down"))])
            .with_delay(Duration::from_millis(200));
        let p = Arc::new(cached(source.clone(), &clock));
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let p = Arc::clone(&p);
                tokio::spawn(async move { p.provide().await })
            })
            .collect();
        for call in calls {
            assert!(call.await.expect("task").is_err());
        }
        assert_eq!(source.calls(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn during_a_refresh_ahead_other_callers_are_not_held_up() {
        let clock = FakeClock::new();
        let source = Scripted::new(vec![
            Ok(expiring("first", &clock, 60 * MINUTE)),
            Ok(expiring("second", &clock, 120 * MINUTE)),
        ])
        .with_delay(Duration::from_millis(500));
        let p = Arc::new(cached(source.clone(), &clock));
        assert_eq!(id(p.provide().await), "first");
        clock.advance(50 * MINUTE);
        let refreshing = {
            let p = Arc::clone(&p);
            tokio::spawn(async move { p.provide().await })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        let started = tokio::time::Instant::now();
        for _ in 0..8 {
            assert_eq!(id(p.provide().await), "first");
        }
        assert_eq!(started.elapsed(), Duration::ZERO, "nobody waited");
        assert_eq!(id(refreshing.await.expect("task")), "second");
        assert_eq!(source.calls(), 2);
        assert_eq!(id(p.provide().await), "second");
    }
}

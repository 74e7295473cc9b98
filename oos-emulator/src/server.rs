//! Starting, serving and stopping an emulator.

use std::collections::HashMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::auth::{Key, Verifier};
use crate::clock::{check_speed, Clock};
use crate::cloud::Stub;
use crate::data::Data;
use crate::faults::Faults;
use crate::handler::{handle, Shared};
use crate::long_target::LongTargets;
use crate::records::{RequestLog, RequestRecord};
use crate::state::State;

/// The access key an emulator accepts when none is configured.
pub const DEFAULT_ACCESS_KEY_ID: &str = "testid";
/// The secret of [`DEFAULT_ACCESS_KEY_ID`].
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "testsecret";
/// The request size limit when none is configured: 1 MiB.
pub const DEFAULT_MAX_REQUEST_BYTES: usize = 1 << 20;

/// How long a graceful shutdown lets answers in flight finish before cutting them off.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A loopback OOS endpoint. Start one with [`Emulator::builder`].
#[derive(Debug)]
pub struct Emulator {
    _private: (),
}

impl Emulator {
    /// A builder with the defaults: no data, key `testid` / `testsecret`, 1 MiB request
    /// limit, listening on `127.0.0.1:0` (a free port).
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }
}

/// Configures an emulator before it starts.
#[derive(Debug)]
pub struct EmulatorBuilder {
    data: Data,
    keys: Vec<(String, Key)>,
    max_request_bytes: usize,
    listen: SocketAddr,
    clock_speed: f64,
    stubs: Vec<Stub>,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            data: Data::new(),
            keys: Vec::new(),
            max_request_bytes: DEFAULT_MAX_REQUEST_BYTES,
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            clock_speed: 0.0,
            stubs: Vec::new(),
        }
    }
}

impl EmulatorBuilder {
    /// The executions and logs to serve.
    pub fn data(mut self, data: Data) -> Self {
        self.data = data;
        self
    }

    /// Accepts this access key. The first call replaces the default `testid` key; further
    /// calls add keys. A later call with the same id replaces the earlier one.
    pub fn access_key(self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.add_key(
            id.into(),
            Key {
                secret: secret.into(),
                security_token: None,
            },
        )
    }

    /// Accepts this temporary (STS) access key, whose requests must carry `token` in
    /// `x-acs-security-token` (V3) or `SecurityToken` (RPC). Replaces the default key like
    /// [`access_key`](Self::access_key).
    pub fn access_key_with_token(
        self,
        id: impl Into<String>,
        secret: impl Into<String>,
        token: impl Into<String>,
    ) -> Self {
        self.add_key(
            id.into(),
            Key {
                secret: secret.into(),
                security_token: Some(token.into()),
            },
        )
    }

    fn add_key(mut self, id: String, key: Key) -> Self {
        self.keys.retain(|(existing, _)| *existing != id);
        self.keys.push((id, key));
        self
    }

    /// Answers requests larger than `bytes` (request target plus body) with HTTP 413.
    pub fn max_request_bytes(mut self, bytes: usize) -> Self {
        self.max_request_bytes = bytes;
        self
    }

    /// The address to listen on; port 0 picks a free port.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// How fast executions run: emulated seconds per real second. `0` (the default) stops
    /// the clock, so that every execution stays where `StartExecution` leaves it, on its
    /// first task; `1` is real time; `1000` runs a one-minute `ACS::Sleep` in 60 ms. The
    /// clock is Tokio's, so tests with paused time drive it too. A negative or non-finite
    /// speed makes [`start`](Self::start) fail.
    pub fn clock_speed(mut self, speed: f64) -> Self {
        self.clock_speed = speed;
        self
    }

    /// Answers another cloud's API calls made by templates with this stub (see [`Stub`]);
    /// later stubs are matched first. Tests can also add stubs over HTTP, `POST
    /// /_emulator/stubs`.
    pub fn stub(mut self, stub: Stub) -> Self {
        self.stubs.push(stub);
        self
    }

    /// Adds every template file under `dir` as a public template (see
    /// [`Data::with_public_templates`]); call after [`data`](Self::data).
    pub fn public_templates(
        mut self,
        dir: impl AsRef<std::path::Path>,
    ) -> Result<Self, crate::DataError> {
        self.data = std::mem::take(&mut self.data).with_public_templates(dir)?;
        Ok(self)
    }

    /// Binds and starts serving on the current Tokio runtime.
    pub async fn start(self) -> io::Result<RunningEmulator> {
        check_speed(self.clock_speed)
            .map_err(|message| io::Error::new(io::ErrorKind::InvalidInput, message))?;
        let listener = TcpListener::bind(self.listen).await?;
        let addr = listener.local_addr()?;
        let mut keys: HashMap<String, Key> = self.keys.into_iter().collect();
        if keys.is_empty() {
            keys.insert(
                DEFAULT_ACCESS_KEY_ID.to_owned(),
                Key {
                    secret: DEFAULT_ACCESS_KEY_SECRET.to_owned(),
                    security_token: None,
                },
            );
        }
        if let Some(problem) = self.stubs.iter().find_map(Stub::problem) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, problem));
        }
        let mut state = State::with_clock(self.data, Clock::new(self.clock_speed));
        for stub in self.stubs {
            state.cloud.add(stub);
        }
        let faults = Faults::default();
        let shared = Arc::new(Shared {
            verifier: Verifier::new(keys),
            state: Mutex::new(state),
            faults: faults.clone(),
            log: RequestLog::default(),
            max_request_bytes: self.max_request_bytes,
        });
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(serve(listener, Arc::clone(&shared), stopped));
        Ok(RunningEmulator {
            addr,
            shared,
            faults,
            stop,
            task: Some(task),
        })
    }
}

/// A started emulator. Dropping it stops it at once; [`shutdown`](Self::shutdown) lets
/// answers in flight finish first.
#[derive(Debug)]
pub struct RunningEmulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    faults: Faults,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl RunningEmulator {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL, e.g. `http://127.0.0.1:40123`, to use as a client's endpoint.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The fault controls; usable while it serves.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The most recent requests received (up to 10,000), oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.log.snapshot()
    }

    /// How many requests were received in all.
    pub fn request_count(&self) -> u64 {
        self.shared.log.total()
    }

    /// Replaces the data served from now on. Page tokens issued before stay genuine but
    /// point into the new data. Executions that were running stop.
    pub fn replace_data(&self, data: Data) {
        let mut state = self.state();
        state.data = data;
        state.runs.clear();
    }

    /// Runs executions at `speed` from now on (see [`EmulatorBuilder::clock_speed`]); what
    /// has run so far stays. A negative or non-finite speed is refused with its reason and
    /// changes nothing.
    pub fn set_clock_speed(&self, speed: f64) -> Result<(), String> {
        check_speed(speed)?;
        let mut state = self.state();
        state.clock.set_speed(speed);
        // The ticker sleeps for a wall time worked out at the old speed.
        state.runs.wake();
        Ok(())
    }

    /// Answers another cloud's API calls made by templates with this stub from now on (see
    /// [`Stub`]); it is matched before every stub added earlier.
    pub fn stub(&self, stub: Stub) {
        self.state().cloud.add(stub);
    }

    /// Every call of another cloud (and every notification) templates made so far, oldest
    /// first, as `GET /_emulator/calls` lists them.
    pub fn cloud_calls(&self) -> Vec<serde_json::Value> {
        let mut state = self.state();
        crate::engine::advance(&mut state);
        state.cloud.calls().to_vec()
    }

    /// Delivers an event (`kind` `Event`) or an alarm (`Alarm`) to every running execution
    /// whose `ACS::EventTrigger` or `ACS::AlarmTrigger` it matches, as
    /// `POST /_emulator/events` does: each starts a child execution of the tasks after its
    /// trigger, whose `Outputs` select from `content`. Answers the child executions' ids.
    pub fn send_event(
        &self,
        kind: &str,
        content: serde_json::Value,
    ) -> Result<Vec<String>, String> {
        let started =
            crate::cloud::admin::send_event(&mut self.state(), kind, None, Some(&content))?;
        Ok(started.into_iter().map(|(_, child)| child).collect())
    }

    /// The ids of the executions whose runs the engine still holds, for tests that an
    /// execution ended or deleted from outside leaves no run behind.
    #[doc(hidden)]
    pub fn live_runs(&self) -> Vec<String> {
        self.state().runs.ids()
    }

    /// How fast executions run now: emulated seconds per real second.
    pub fn clock_speed(&self) -> f64 {
        self.state().clock.speed()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.shared.state()
    }

    /// Stops accepting connections, lets answers in flight finish (for up to two
    /// seconds), then closes every connection.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            // Aborting the accept loop drops its JoinSet, which aborts every connection.
            task.abort();
        }
    }
}

async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    let for_connections = stopped.clone();
    let ticker = tokio::spawn(tick(Arc::clone(&shared), stopped.clone()));
    loop {
        tokio::select! {
            () = stop_requested(&mut stopped) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, Arc::clone(&shared), for_connections.clone()));
                }
                // Out of file descriptors and the like: wait instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    connections.abort_all();
    ticker.abort();
}

/// Advances running executions between requests, a few at a time: executions started
/// together reach their steps together, and a request that had to take all of them would
/// wait that long. Between due steps it sleeps until the next is due (woken sooner when a
/// run comes due sooner), so that an idle emulator leaves the state's lock alone.
async fn tick(shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    /// Runs advanced per hold of the lock.
    const RUNS_PER_HOLD: usize = 8;
    let wake = shared.state().runs.waker();
    loop {
        let next = loop {
            let (more, next) = {
                let mut state = shared.state();
                let more = crate::engine::advance_some(&mut state, RUNS_PER_HOLD);
                (more, until_due(&state))
            };
            if !more {
                break next;
            }
            tokio::task::yield_now().await;
        };
        let sleep = async {
            match next {
                Some(wait) => tokio::time::sleep(wait).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = stop_requested(&mut stopped) => return,
            () = wake.notified() => {}
            () = sleep => {}
        }
    }
}

/// How long, in real time, until the queue's head is due; `None` when nothing will come due
/// on the clock (no run is queued, or the clock is stopped).
fn until_due(state: &State) -> Option<Duration> {
    let ahead = state.runs.next_due()?.saturating_sub(state.clock.now());
    if ahead.is_zero() {
        return Some(Duration::ZERO);
    }
    let speed = state.clock.speed();
    if speed <= 0.0 {
        return None;
    }
    // At least a millisecond, Tokio's timer's grain: waking sooner would only find the head
    // not yet due and sleep again.
    Duration::try_from_secs_f64(ahead.as_secs_f64() / speed)
        .ok()
        .map(|wait| wait.max(Duration::from_millis(1)))
}

async fn serve_connection(
    stream: TcpStream,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) {
    let service = service_fn(move |request| handle(Arc::clone(&shared), request));
    let connection = http1::Builder::new()
        // Long query strings arrive as a header (see `long_target`); hyper must take them.
        .max_buf_size(crate::long_target::MAX_HEAD + 64 * 1024)
        // Heads with more fields are refused before hyper sees them, with a JSON answer.
        .max_headers(crate::long_target::MAX_HEADERS + 1)
        .serve_connection(TokioIo::new(LongTargets::new(stream)), service);
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        () = stop_requested(&mut stopped) => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// Resolves once a stop is requested, or once the handle is gone, which also means stop.
async fn stop_requested(stopped: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not `Send`; it is dropped here, not held across awaits.
    let _ = stopped.wait_for(|stop| *stop).await;
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::Emulator;

    const EVENT: &str = r#"{"FormatVersion": "OOS-2019-06-01", "Tasks": [
        {"Name": "wait", "Action": "ACS::EventTrigger",
         "Properties": {"Product": "ECS", "Name": ["Instance:StateChange"]}},
        {"Name": "nap", "Action": "ACS::Sleep", "Properties": {"Duration": "PT1S"}}]}"#;
    const NAP: &str = r#"{"FormatVersion": "OOS-2019-06-01", "Tasks": [
        {"Name": "nap", "Action": "ACS::Sleep", "Properties": {"Duration": "PT20S"}}]}"#;

    /// Between requests, the ticker alone moves executions on: it sleeps until a step is due,
    /// and does not ask for due runs while none is (an execution waiting for an event keeps
    /// a run, never due on the clock).
    #[tokio::test]
    async fn the_ticker_sleeps_until_a_step_is_due_and_takes_it_without_a_request() {
        let emulator = Emulator::builder()
            .clock_speed(100.0)
            .start()
            .await
            .unwrap();
        let start = |content: &str| {
            let mut state = emulator.state();
            let started = crate::actions::call(
                &mut state,
                "StartExecution",
                &[("TemplateContent", content)],
            )
            .unwrap();
            started["Execution"]["ExecutionId"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let waiting = start(EVENT);
        // Let the ticker settle into its sleep.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let asked = emulator.state().runs.asked;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let idle = emulator.state().runs.asked - asked;
        assert!(
            idle <= 1,
            "an idle ticker asked the queue {idle} times in 300 ms"
        );
        let status = |id: &str| emulator.state().data.execution(id).unwrap().status.clone();
        assert_eq!(status(&waiting), "Running");

        // 20 emulated seconds are 200 ms: the ticker wakes for the nap's end, with no
        // request to move it.
        let napping = start(NAP);
        assert_eq!(status(&napping), "Running");
        let mut ended = false;
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(10)).await;
            if status(&napping) == "Success" {
                ended = true;
                break;
            }
        }
        assert!(ended, "the nap never ended: {}", status(&napping));
        let asked = emulator.state().runs.asked - asked;
        assert!(
            asked < 20,
            "the ticker asked the queue {asked} times for one due step"
        );
    }
}

//! The separate-process call benchmark: what `fixed_server`, `client_calls` and `floor_calls`
//! (in `src/bin/`) share. Each side runs in its own process, so that a process's CPU time is
//! its own: no server thread, no second client and no shared runtime is counted with it.
//! `run-separate.sh` drives them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;

use crate::alloc;

/// One call: a fresh future per call, so that several can be in flight.
pub type Call = Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync>;

/// The execution id the separate-process calls name.
pub const EXECUTION_ID: &str = "exec-1";

/// What a caller process is asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The server's base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    /// Calls of the timed loop.
    pub calls: usize,
    /// How many calls are in flight at once (each slot its own task).
    pub in_flight: usize,
    /// Calls counted by the counting allocator, after one warm-up call and before the timed
    /// loop; 0 to skip.
    pub alloc_calls: usize,
    /// Worker threads of the tokio runtime; 0 for a current-thread runtime.
    pub threads: usize,
}

const USAGE: &str = "usage: URL [--calls N] [--in-flight K] [--alloc-calls A] [--threads T]
  N calls (default 5000) of the timed loop, K at a time (default 1), after one warm-up call
  and A calls counted for allocations (default 500, 0 to skip); T tokio worker threads
  (default: one per core, as #[tokio::main]; 0 for a current-thread runtime)";

impl Options {
    /// Parses the process arguments (without the program name).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut args = args.into_iter();
        let mut options = Options {
            url: String::new(),
            calls: 5_000,
            in_flight: 1,
            alloc_calls: 500,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
        };
        while let Some(arg) = args.next() {
            let mut number = |name: &str| -> Result<usize, String> {
                args.next()
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| format!("{name} needs a number\n{USAGE}"))
            };
            match arg.as_str() {
                "--calls" => options.calls = number("--calls")?,
                "--in-flight" => options.in_flight = number("--in-flight")?.max(1),
                "--alloc-calls" => options.alloc_calls = number("--alloc-calls")?,
                "--threads" => options.threads = number("--threads")?,
                "-h" | "--help" => return Err(USAGE.to_owned()),
                url if !url.starts_with('-') && options.url.is_empty() => {
                    options.url = url.trim_end_matches('/').to_owned();
                }
                other => return Err(format!("unexpected argument {other:?}\n{USAGE}")),
            }
        }
        if options.url.is_empty() {
            return Err(USAGE.to_owned());
        }
        Ok(options)
    }

    /// The runtime the calls run on.
    pub fn runtime(&self) -> tokio::runtime::Runtime {
        let mut builder = if self.threads == 0 {
            tokio::runtime::Builder::new_current_thread()
        } else {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(self.threads);
            builder
        };
        builder.enable_all().build().expect("tokio runtime")
    }
}

/// User and system CPU time of the whole process so far.
pub fn process_cpu() -> Duration {
    // SAFETY: all-zero is a valid `rusage`, which `getrusage` overwrites.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid `rusage` to write to; RUSAGE_SELF needs nothing else.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return Duration::ZERO;
    }
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// Makes `calls` calls, `in_flight` at a time, each slot its own task.
pub async fn burst(call: &Call, in_flight: usize, calls: usize) {
    let tasks: Vec<_> = (0..in_flight)
        .map(|slot| {
            let call = call.clone();
            // The remainder goes to the first slots, so that exactly `calls` are made.
            let share = calls / in_flight + usize::from(slot < calls % in_flight);
            tokio::spawn(async move {
                for _ in 0..share {
                    call().await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("call task");
    }
}

/// What one caller process measured.
#[derive(Clone, Debug)]
pub struct Figures {
    /// Calls of the timed loop.
    pub calls: usize,
    /// Calls in flight.
    pub in_flight: usize,
    /// Wall time of the timed loop.
    pub wall: Duration,
    /// Process CPU time (user + system, all threads) of the timed loop.
    pub cpu: Duration,
    /// Process CPU time before the timed loop: start-up, warm-up and the counted calls.
    pub cpu_before: Duration,
    /// Allocations per call in the counted calls, if any were made.
    pub allocations_per_call: Option<f64>,
    /// Process CPU time from the start to the end of the timed loop: what `/usr/bin/time`
    /// sees, at microsecond rather than 10 ms resolution.
    pub cpu_total: Duration,
}

impl Figures {
    /// The line `run-separate.sh` reads: `key=value` pairs.
    pub fn line(&self, side: &str) -> String {
        let per_call = |d: Duration| d.as_secs_f64() * 1e6 / self.calls.max(1) as f64;
        format!(
            "side={side} calls={} in_flight={} wall_s={:.4} calls_per_s={:.0} cpu_us_per_call={:.2} cpu_before_ms={:.1} cpu_total_ms={:.1} allocs_per_call={}",
            self.calls,
            self.in_flight,
            self.wall.as_secs_f64(),
            self.calls as f64 / self.wall.as_secs_f64(),
            per_call(self.cpu),
            self.cpu_before.as_secs_f64() * 1e3,
            self.cpu_total.as_secs_f64() * 1e3,
            self.allocations_per_call
                .map_or_else(|| "-".to_owned(), |a| format!("{a:.1}")),
        )
    }
}

/// One warm-up call (the connection is made), the counted calls, then the timed loop.
pub fn measure(runtime: &tokio::runtime::Runtime, call: &Call, options: &Options) -> Figures {
    runtime.block_on(burst(call, 1, 1));
    let allocations_per_call = (options.alloc_calls > 0 && alloc::installed()).then(|| {
        let ((), counts) = alloc::measure(|| {
            runtime.block_on(burst(call, 1, options.alloc_calls));
        });
        counts.allocations as f64 / options.alloc_calls as f64
    });
    if options.in_flight > 1 {
        // The other connections of the pool, so that the timed loop does not connect.
        runtime.block_on(burst(call, options.in_flight, options.in_flight));
    }
    let cpu_before = process_cpu();
    let start = Instant::now();
    runtime.block_on(burst(call, options.in_flight, options.calls));
    let wall = start.elapsed();
    let cpu_total = process_cpu();
    let cpu = cpu_total - cpu_before;
    Figures {
        calls: options.calls,
        in_flight: options.in_flight,
        wall,
        cpu,
        cpu_before,
        allocations_per_call,
        cpu_total,
    }
}

/// Parses the arguments, runs the calls `make_call` builds (inside the runtime) and prints
/// the figures line; exits with 2 on bad arguments.
pub fn main_with(side: &str, make_call: impl FnOnce(&Options) -> Call) {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let runtime = options.runtime();
    let call = {
        let _entered = runtime.enter();
        make_call(&options)
    };
    let figures = measure(&runtime, &call, &options);
    println!("{}", figures.line(side));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn options_take_the_url_and_the_counts() {
        let options = Options::parse(args(&[
            "http://127.0.0.1:9/",
            "--calls",
            "10",
            "--in-flight",
            "8",
            "--alloc-calls",
            "0",
            "--threads",
            "0",
        ]))
        .expect("parses");
        assert_eq!(
            options,
            Options {
                url: "http://127.0.0.1:9".to_owned(),
                calls: 10,
                in_flight: 8,
                alloc_calls: 0,
                threads: 0,
            }
        );
        assert!(Options::parse(args(&[])).is_err());
        assert!(Options::parse(args(&["u", "--calls"])).is_err());
        assert!(Options::parse(args(&["u", "--what"])).is_err());
    }

    #[test]
    fn a_burst_makes_exactly_the_calls_asked() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let made = Arc::new(AtomicUsize::new(0));
        let counter = made.clone();
        let call: Call = Arc::new(move || {
            counter.fetch_add(1, Ordering::Relaxed);
            Box::pin(async {})
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        runtime.block_on(burst(&call, 8, 21));
        assert_eq!(made.load(Ordering::Relaxed), 21);
    }
}

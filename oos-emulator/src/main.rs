//! `oos-emulator`: serve a loopback OOS endpoint until interrupted.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use oos_emulator::{Data, Emulator, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};

/// A loopback OOS endpoint for tests and demos. Prints `listening on http://ADDR` first.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// The address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// A JSON data file ({"templates": [..], "executions": [{"ExecutionId": .., "Logs": [..]}]}); the
    /// built-in demo data when absent.
    #[arg(long)]
    data: Option<PathBuf>,
    /// The access key id to accept.
    #[arg(long, requires = "access_key_secret", default_value = DEFAULT_ACCESS_KEY_ID)]
    access_key_id: String,
    /// The secret of the access key.
    #[arg(long, requires = "access_key_id", default_value = DEFAULT_ACCESS_KEY_SECRET)]
    access_key_secret: String,
    /// How fast started executions run: emulated seconds per real second (0 keeps each on
    /// its first task).
    #[arg(long, default_value_t = 1.0)]
    clock_speed: f64,
    /// Loads every template file under this folder as a public template named by its file
    /// stem (cloud product actions such as `ACS::ECS::RunCommand.yml` included).
    #[arg(long)]
    public_templates: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("oos-emulator: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), String> {
    let data = match &args.data {
        Some(path) => Data::from_file(path).map_err(|e| e.to_string())?,
        None => Data::demo(),
    };
    let data = match &args.public_templates {
        Some(dir) => data
            .with_public_templates(dir)
            .map_err(|e| format!("--public-templates {}: {e}", dir.display()))?,
        None => data,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let mut signals = StopSignals::watch()?;
        let emulator = Emulator::builder()
            .data(data)
            .access_key(args.access_key_id, args.access_key_secret)
            .listen(args.listen)
            .clock_speed(args.clock_speed)
            .start()
            .await
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::InvalidInput => format!("--clock-speed: {e}"),
                _ => format!("cannot listen on {}: {e}", args.listen),
            })?;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on {}", emulator.url())
            .and_then(|()| stdout.flush())
            .map_err(|e| format!("cannot write to stdout: {e}"))?;
        drop(stdout);
        signals.recv().await?;
        emulator.shutdown().await;
        Ok(())
    })
}

/// The stop signals, watched from creation on, so that a signal sent by whoever has read
/// the `listening on` line is never missed or left to its default action.
struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    #[cfg(unix)]
    fn watch() -> Result<Self, String> {
        use tokio::signal::unix::{signal, SignalKind};
        let watch = |kind, name| signal(kind).map_err(|e| format!("cannot watch {name}: {e}"));
        Ok(Self {
            interrupt: watch(SignalKind::interrupt(), "SIGINT")?,
            terminate: watch(SignalKind::terminate(), "SIGTERM")?,
        })
    }

    #[cfg(not(unix))]
    fn watch() -> Result<Self, String> {
        Ok(Self {})
    }

    #[cfg(unix)]
    async fn recv(&mut self) -> Result<(), String> {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        Ok(())
    }

    #[cfg(not(unix))]
    async fn recv(&mut self) -> Result<(), String> {
        tokio::signal::ctrl_c()
            .await
            .map_err(|e| format!("cannot watch Ctrl-C: {e}"))
    }
}

//! `fixed_server [--no-request-id]`: the separate-process benchmark's server. Binds
//! 127.0.0.1 on a free port, prints `http://127.0.0.1:PORT` on one line and answers every
//! request with the fixed 50-entry `ListExecutionLogs` page until it is killed.

use std::io::Write;

use bytes::Bytes;
use oos_bench::page;
use oos_bench::server::{Answer, Server};

fn main() {
    let request_id_header = !std::env::args().skip(1).any(|a| a == "--no-request-id");
    let server = Server::start(Answer::Fixed {
        body: Bytes::from(page::bench_page()),
        request_id_header,
    });
    let mut stdout = std::io::stdout();
    // The driver script reads this line to find the port; it must not wait in a buffer.
    writeln!(stdout, "{}", server.url()).expect("print the URL");
    stdout.flush().expect("print the URL");
    loop {
        std::thread::park();
    }
}

//! Benchmarks of `oos-api`, run with `cargo bench -p oos-bench` (see `BENCHMARKS.md` at the
//! workspace root).
//!
//! Every figure is reported as a ratio against a baseline measured in the same run, with the
//! cases of a comparison interleaved round by round so that a change of machine load hits
//! them alike. The library holds the inputs, the loopback server and the suites; the
//! benchmark binary (`benches/oos.rs`) installs the counting allocator and picks the suites.

#![warn(missing_docs)]

pub mod alloc;
pub mod crypto;
pub mod harness;
pub mod page;
pub mod separate;
pub mod server;
pub mod signing;
pub mod suites;

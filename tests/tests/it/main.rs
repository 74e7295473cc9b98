//! The cross-crate tests, one binary with a module per concern: the client against the
//! emulator (every action from the generated table, lifecycles, retries, faults, secrets),
//! the credentials contract, generated-code freshness and the documented samples.
//!
//! `credentials_default_env` stays a binary of its own: it changes the process environment,
//! which no other test may read meanwhile.

mod capture;
mod conformance;
mod contract;
mod credentials;
mod e2e_actions;
mod e2e_list_execution_logs;
mod fault_soak;
mod follow;
mod freshness;
mod lifecycles;
mod msrv;
mod samples;
mod secrets;
mod surface;
mod transport;
mod waiters;

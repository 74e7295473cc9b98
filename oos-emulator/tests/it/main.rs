//! The emulator's integration tests, one binary with a module per concern: signatures,
//! the server, faults, the request check, each family with state, and every action of the
//! specs answered in its documented shape.

mod binary;
mod client;
mod common;
mod conformance;
mod debug_executions;
mod executions;
mod faults;
mod fuzz_regressions;
mod jq_budget;
mod limits;
mod list_execution_logs;
mod ops_items;
mod output_types;
mod parameters;
mod progression;
mod public_templates;
mod request_check;
mod server;
mod signature_rpc;
mod signature_v3;
mod tags;
mod template_attributes;
mod template_corpus;
mod template_language;
mod template_versions;
mod templates;
mod triggers;

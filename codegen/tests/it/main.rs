//! The generator's tests, one binary with a module per concern: spec errors, code generation
//! on a scratch tree, snapshots of the edge-case fixtures' code, and both importers.

// Spec errors are returned by value, as the generator returns them.
#![allow(clippy::result_large_err)]

mod committed_edition;
mod fixture_snapshots;
mod import_broken;
mod import_openapi;
mod import_page;
mod import_robustness;
mod spec_errors;
mod support;
mod tree;

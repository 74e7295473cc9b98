//! The oos-rs generator: reads action specs (YAML, one file per action, see `spec/README.md`)
//! and emits the `oos-api` operation modules.
//!
//! `cargo xtask codegen` drives it through [`tree`]; tests use [`load`] and [`generate`]
//! directly.

// Spec errors carry their location, help and fix; they are returned by value on the rare
// path where a spec is wrong.
#![allow(clippy::result_large_err)]

pub mod error;
pub mod generate;
pub mod import;
pub mod load;
pub mod model;
pub mod names;
mod sample;
pub mod shapes;
pub mod spec;
pub mod tree;
pub mod waiters;

pub use error::SpecError;
pub use load::{load_dir, SpecErrors};
pub use model::SpecSet;

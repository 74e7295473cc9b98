//! The oos-rs generator: reads action specs (YAML, one file per action, see `spec/README.md`)
//! and emits the `oos-api` operation modules.
//!
//! `cargo xtask codegen` drives it through [`tree`]; tests use [`load`] and [`generate`]
//! directly.

pub mod error;
pub mod generate;
pub mod import;
pub mod load;
pub mod model;
mod sample;
pub mod spec;
pub mod tree;

pub use error::SpecError;
pub use load::{load_dir, SpecErrors, SpecSet};

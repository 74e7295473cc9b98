//! Typed async client for Alibaba Cloud Operation Orchestration Service (OOS), API version
//! 2019-06-01.
//!
//! Each OOS action is a module under [`operation`], generated from its spec under `spec/oos/`
//! by `cargo xtask codegen`. The hand-written runtime beside it signs, sends, retries and
//! paginates.

pub mod action;
mod client;
pub mod error;
mod generated;
pub mod paginator;
pub mod params;
mod request_builder;

pub use client::Client;
pub use error::{BuildError, Error, ErrorMetadata};
pub use generated::operation;
pub use generated::service;
pub use request_builder::RequestBuilder;

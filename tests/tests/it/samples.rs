//! Sample round trips, generated from the specs by `cargo xtask codegen`.

#[rustfmt::skip]
#[path = "../generated/samples.rs"]
mod generated;

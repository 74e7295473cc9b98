//! The client's integration tests, one binary: the runtime against loopback servers, and
//! signing against the shared vectors.

mod credentials;
mod loopback;
mod signing_vectors;

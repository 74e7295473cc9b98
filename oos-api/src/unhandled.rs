//! The opaque content of every generated error enum's `Unhandled` variant.
//!
//! Opaque so that downstream code cannot match an undocumented code by name: once the specs
//! document that code it moves to a variant of its own, and such a match would silently stop
//! matching. Codes are read with `.code()` on the error instead.

use crate::error::ErrorMetadata;

/// An error code the action does not document, with what OOS said about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unhandled {
    metadata: ErrorMetadata,
}

impl Unhandled {
    pub(crate) fn new(metadata: ErrorMetadata) -> Self {
        Self { metadata }
    }

    /// What OOS said: code, message, request id and HTTP status.
    pub fn metadata(&self) -> &ErrorMetadata {
        &self.metadata
    }
}

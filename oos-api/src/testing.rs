//! Helpers shared by the unit tests of more than one module.

use std::error::Error;

/// The chain as a reporter prints it: each layer's `Display`, outermost first.
pub(crate) fn chain(error: &dyn Error) -> Vec<String> {
    let mut shown = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        shown.push(cause.to_string());
        source = cause.source();
    }
    shown
}

//! Placeholder until the runtime lands.
use crate::action::Paginated;
use crate::Client;

/// Pages of a paginated action.
#[derive(Debug)]
pub struct Paginator<I> {
    _client: Client,
    _input: I,
}

impl<I: Paginated> Paginator<I> {
    pub(crate) fn new(client: Client, input: I) -> Self {
        Self { _client: client, _input: input }
    }
}

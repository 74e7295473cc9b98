//! The fluent builder every operation hands out: `client.op().param(x).send().await`.

use crate::action::{Action, Paginated};
use crate::error::Error;
use crate::paginator::Paginator;
use crate::Client;

/// A request being built for action `I`. The generated code adds one setter per parameter;
/// [`send`](Self::send) validates, signs and sends it.
#[derive(Clone, Debug)]
pub struct RequestBuilder<I> {
    client: Client,
    input: I,
}

impl<I: Action> RequestBuilder<I> {
    pub(crate) fn new(client: Client, input: I) -> Self {
        Self { client, input }
    }

    /// The request as built so far.
    pub fn input(&self) -> &I {
        &self.input
    }

    /// Replaces the whole request.
    pub fn set_input(mut self, input: I) -> Self {
        self.input = input;
        self
    }

    pub(crate) fn into_parts(self) -> (Client, I) {
        (self.client, self.input)
    }

    pub(crate) fn map_input(mut self, f: impl FnOnce(I) -> I) -> Self {
        self.input = f(self.input);
        self
    }

    /// Overrides timeouts, retries or the body cap for this request only, and for the pages
    /// and polls made from it; the client's configuration is left as it is.
    pub fn config_override(mut self, overrides: crate::config::ConfigOverride) -> Self {
        self.client = self.client.overridden(&overrides);
        self
    }

    /// Sends the request. A missing required parameter fails here, before anything is sent.
    pub async fn send(self) -> Result<I::Output, Error<I::Error>> {
        self.client.execute(self.input).await
    }
}

impl<I: Paginated> RequestBuilder<I> {
    /// A stream of pages that starts from this request; nothing is sent before the first poll.
    pub fn into_paginator(self) -> Paginator<I> {
        Paginator::new(self.client, self.input)
    }
}

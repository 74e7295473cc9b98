//! Placeholder until the runtime lands.
use crate::action::Action;
use crate::error::Error;

/// The OOS client.
#[derive(Clone, Debug, Default)]
pub struct Client {}

impl Client {
    pub(crate) async fn execute<I: Action>(&self, _input: I) -> Result<I::Output, Error<I::Error>> {
        Err(Error::Dispatch("not yet implemented".into()))
    }
}

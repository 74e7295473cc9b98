//! `DeleteParameter` and `DeleteSecretParameter`: a parameter and all its versions.

use crate::data::parameter::Store;
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::delete_parameter as p;
use crate::state::State;

pub(super) fn handle(
    state: &mut State,
    request: &ActionRequest<'_>,
    store: Store,
) -> Result<Answer, ApiError> {
    let name = request.required(p::NAME)?;
    state
        .data
        .parameters_mut(store)
        .remove(name)
        .ok_or_else(|| ApiError::parameter_not_found(name))?;
    Ok(Answer::new())
}

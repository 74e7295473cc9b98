//! `ListParameters` and `ListSecretParameters`: parameters matching filters, sorted, a
//! page at a time, without their values.

use serde_json::Value;

use crate::data::parameter::{under_path, Store};
use crate::error::ApiError;
use crate::query::filters::{by_date, contains, has_tags, is, sort};
use crate::query::Paging;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::list_parameters as p;
use crate::state::State;

pub(super) fn handle(
    state: &mut State,
    request: &ActionRequest<'_>,
    store: Store,
) -> Result<Answer, ApiError> {
    let paging = Paging::read(state, request)?;
    let name = request.str(p::NAME);
    let kind = request.str(p::TYPE);
    let path = request.str(p::PATH);
    let recursive = request.bool(p::RECURSIVE).unwrap_or(false);
    let tags = request.string_map(p::TAGS)?;
    let group = request.str(p::RESOURCE_GROUP_ID);
    let share = request.str(p::SHARE_TYPE);
    let sort_field = request.str(p::SORT_FIELD).unwrap_or("CreatedDate");
    let descending = request.descending(p::SORT_ORDER, true);
    let mut parameters: Vec<_> = state
        .data
        .parameters(store)
        .values()
        .filter(|p| {
            contains(&p.name, name)
                && is(&p.kind, kind)
                && path.is_none_or(|path| under_path(&p.name, path, recursive))
                && has_tags(&p.tags, tags.as_ref())
                && is(&p.resource_group_id, group)
                && is(&p.share_type, share)
        })
        .filter_map(|p| Some((p, p.current()?)))
        .collect();
    sort(
        &mut parameters,
        descending,
        |(a, _), (b, _)| match sort_field {
            "Name" => a.name.cmp(&b.name),
            _ => by_date(&a.created_date, &b.created_date),
        },
    );
    Ok(paging.list(state, request, &parameters, |(p, current)| {
        Value::Object(p.record(current, None))
    }))
}

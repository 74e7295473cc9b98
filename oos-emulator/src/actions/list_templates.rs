//! `ListTemplates`: templates matching filters, sorted, a page at a time.

use serde_json::Value;

use crate::error::ApiError;
use crate::query::filters::{by_date, contains, has_tags, is, sort, within};
use crate::query::Paging;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::list_templates as p;
use crate::state::State;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let paging = Paging::read(state, request)?;
    let name = request.str(p::TEMPLATE_NAME);
    let format = request.str(p::TEMPLATE_FORMAT);
    let kind = request.str(p::TEMPLATE_TYPE);
    let share = request.str(p::SHARE_TYPE);
    let category = request.str(p::CATEGORY);
    let created_by = request.str(p::CREATED_BY);
    let group = request.str(p::RESOURCE_GROUP_ID);
    let has_trigger = request.bool(p::HAS_TRIGGER);
    let is_favorite = request.bool(p::IS_FAVORITE);
    let tags = request.string_map(p::TAGS)?;
    let before = request.date(p::CREATED_DATE_BEFORE)?;
    let after = request.date(p::CREATED_DATE_AFTER)?;
    let sort_field = request.str(p::SORT_FIELD).unwrap_or("TotalExecutionCount");
    let descending = request.descending(p::SORT_ORDER, true);

    let mut templates: Vec<_> = state
        .data
        .templates()
        .iter()
        .filter(|t| {
            contains(&t.template_name, name)
                && is(&t.template_format, format)
                && is(&t.template_type, kind)
                && is(&t.share_type, share)
                && is(&t.category, category)
                && is(&t.created_by, created_by)
                && is(&t.resource_group_id, group)
                && has_trigger.is_none_or(|h| t.has_trigger == h)
                && is_favorite.is_none_or(|f| t.is_favorite == f)
                && has_tags(&t.tags, tags.as_ref())
                && within(&t.created_date, after, before)
        })
        .collect();
    sort(&mut templates, descending, |a, b| match sort_field {
        "Popularity" => a.popularity.cmp(&b.popularity),
        "TemplateName" => a.template_name.cmp(&b.template_name),
        "CreatedDate" => by_date(&a.created_date, &b.created_date),
        "UpdatedDate" => by_date(&a.updated_date, &b.updated_date),
        _ => a.total_execution_count.cmp(&b.total_execution_count),
    });
    Ok(paging.list(state, request, &templates, |t| Value::Object(t.record())))
}

//! `ListTemplates`: templates matching filters, sorted, a page at a time.

use super::listing::{self, by_date, contains, has_tags, is, within, Paging};
use super::{ActionRequest, Answer, State};
use crate::error::ApiError;

const SORT_FIELDS: &[&str] = &[
    "TotalExecutionCount",
    "Popularity",
    "TemplateName",
    "CreatedDate",
    "UpdatedDate",
];

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let paging = Paging::read(state, request)?;
    let name = listing::filter(request, "TemplateName");
    let format = listing::filter(request, "TemplateFormat");
    let kind = listing::filter(request, "TemplateType");
    let share = listing::filter(request, "ShareType");
    let category = listing::filter(request, "Category");
    let created_by = listing::filter(request, "CreatedBy");
    let group = listing::filter(request, "ResourceGroupId");
    let has_trigger = listing::boolean(request, "HasTrigger")?;
    let is_favorite = listing::boolean(request, "IsFavorite")?;
    let tags = listing::string_map(request, "Tags")?;
    let before = listing::date(request, "CreatedDateBefore")?;
    let after = listing::date(request, "CreatedDateAfter")?;
    let sort_field = listing::one_of(request, "SortField", SORT_FIELDS)?;
    let descending = listing::descending(request)?;

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
    listing::sort(&mut templates, descending, |a, b| match sort_field {
        "Popularity" => a.popularity.cmp(&b.popularity),
        "TemplateName" => a.template_name.cmp(&b.template_name),
        "CreatedDate" => by_date(&a.created_date, &b.created_date),
        "UpdatedDate" => by_date(&a.updated_date, &b.updated_date),
        _ => a.total_execution_count.cmp(&b.total_execution_count),
    });
    let items = templates.iter().map(|t| t.list_view()).collect();
    let mut answer = Answer::new();
    paging.answer(state, request, items, "Templates", &mut answer);
    Ok(answer)
}

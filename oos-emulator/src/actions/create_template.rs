//! `CreateTemplate`: a new private template at version `v1`.

use serde_json::Value;

use crate::data::model::{check_name, executed_by, now, Template};
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::create_template as p;
use crate::state::State;
use crate::template::description;

/// The most templates kept; past it, `CreateTemplate` is refused.
const MAX_TEMPLATES: usize = 10_000;
const RESERVED: &[&str] = &["ALIYUN", "ACS", "ALIBABA", "ALICLOUD"];

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let name = request.required(p::TEMPLATE_NAME)?;
    check_name(name, RESERVED, false)
        .map_err(|why| ApiError::invalid_parameter(p::TEMPLATE_NAME.as_str(), &why))?;
    let content = request
        .limited(p::CONTENT, crate::template::MAX_CONTENT)?
        .ok_or_else(|| ApiError::missing_parameter(p::CONTENT.as_str()))?;
    let parsed = crate::template::validate::validate(content)
        .map_err(|at| ApiError::invalid_template(&at))?;
    let tags = request.tags(p::TAGS)?.unwrap_or_default();
    if state.data.template(name).is_some() {
        return Err(ApiError::already_exists("Template", "template", name));
    }
    if state.data.templates().len() >= MAX_TEMPLATES {
        return Err(ApiError::quota_exceeded(
            "Template",
            format!("The emulator keeps at most {MAX_TEMPLATES} templates; delete some first."),
        ));
    }
    let at = now();
    let template = Template {
        template_name: name.to_owned(),
        content: content.to_owned(),
        description: Some(description(&parsed)),
        version_name: request
            .limited(p::VERSION_NAME, 200)?
            .unwrap_or_default()
            .to_owned(),
        resource_group_id: request
            .limited(p::RESOURCE_GROUP_ID, 200)?
            .unwrap_or_default()
            .to_owned(),
        tags,
        created_by: executed_by(),
        created_date: at.clone(),
        updated_by: executed_by(),
        updated_date: at,
        ..Template::default()
    }
    .complete();
    let mut answer = Answer::new();
    answer.insert("TemplateType".into(), template.template_type.clone().into());
    answer.insert("Template".into(), Value::Object(template.record()));
    state.data.insert_template(template);
    Ok(request.shaped(answer))
}

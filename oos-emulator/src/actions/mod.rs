//! The actions with state of their own, found by name; every other action answers its
//! documented answer ([`sample`]).
//!
//! A handler is a function from the state and a checked request to the fields of its
//! answer; the server adds `RequestId`. Handlers import no sibling: what they share lives in
//! [`crate::request`], [`crate::query`], [`crate::data`] and [`crate::error`].

mod cancel_execution;
mod create_ops_item;
mod create_parameter;
mod create_template;
mod delete_executions;
mod delete_ops_items;
mod delete_parameter;
mod delete_templates;
mod generate_ops_item;
mod get_execution_template;
mod get_ops_item;
mod get_parameter;
mod get_parameters;
mod get_parameters_by_path;
mod get_template;
mod get_template_parameter_constraints;
mod list_execution_logs;
mod list_executions;
mod list_ops_items;
mod list_parameter_versions;
mod list_parameters;
mod list_tag_keys;
mod list_tag_resources;
mod list_tag_values;
mod list_task_execution_invocations;
mod list_task_executions;
mod list_template_versions;
mod list_templates;
mod notify_execution;
mod sample;
mod start_debug_execution;
mod start_execution;
mod tag_resources;
mod trigger_execution;
mod untag_resources;
mod update_execution;
mod update_parameter;
mod update_template;
mod update_template_attributes;
mod validate_template_content;

pub(crate) use start_execution::admit as admit_execution;
#[cfg(test)]
pub(crate) use start_execution::MAX_EXECUTIONS;

use crate::data::parameter::Store;
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::state::State;

pub(crate) type Handler = fn(&mut State, &ActionRequest<'_>) -> Result<Answer, ApiError>;

const HANDLERS: &[(&str, Handler)] = &[
    // Executions
    ("StartExecution", start_execution::handle),
    ("ListExecutions", list_executions::handle),
    ("ListExecutionLogs", list_execution_logs::handle),
    ("ListTaskExecutions", list_task_executions::handle),
    ("GetExecutionTemplate", get_execution_template::handle),
    ("UpdateExecution", update_execution::handle),
    ("NotifyExecution", notify_execution::handle),
    ("CancelExecution", cancel_execution::handle),
    ("TriggerExecution", trigger_execution::handle),
    ("DeleteExecutions", delete_executions::handle),
    ("StartDebugExecution", |s, r| {
        start_debug_execution::handle(s, r, start_execution::handle)
    }),
    (
        "ListTaskExecutionInvocations",
        list_task_execution_invocations::handle,
    ),
    // Templates
    ("CreateTemplate", create_template::handle),
    ("GetTemplate", get_template::handle),
    ("UpdateTemplate", update_template::handle),
    ("ListTemplates", list_templates::handle),
    ("ListTemplateVersions", list_template_versions::handle),
    ("DeleteTemplate", delete_templates::one),
    ("DeleteTemplates", delete_templates::many),
    ("ValidateTemplateContent", validate_template_content::handle),
    (
        "UpdateTemplateAttributes",
        update_template_attributes::handle,
    ),
    (
        "GetTemplateParameterConstraints",
        get_template_parameter_constraints::handle,
    ),
    // OpsItems
    ("CreateOpsItem", create_ops_item::handle),
    ("GetOpsItem", get_ops_item::handle),
    ("ListOpsItems", list_ops_items::handle),
    ("DeleteOpsItems", delete_ops_items::handle),
    ("GenerateOpsItem", generate_ops_item::handle),
    // Parameter Store
    ("CreateParameter", |s, r| {
        create_parameter::handle(s, r, Store::Common)
    }),
    ("GetParameter", |s, r| {
        get_parameter::handle(s, r, Store::Common)
    }),
    ("GetParameters", |s, r| {
        get_parameters::handle(s, r, Store::Common)
    }),
    ("GetParametersByPath", |s, r| {
        get_parameters_by_path::handle(s, r, Store::Common)
    }),
    ("UpdateParameter", |s, r| {
        update_parameter::handle(s, r, Store::Common)
    }),
    ("ListParameters", |s, r| {
        list_parameters::handle(s, r, Store::Common)
    }),
    ("ListParameterVersions", |s, r| {
        list_parameter_versions::handle(s, r, Store::Common)
    }),
    ("DeleteParameter", |s, r| {
        delete_parameter::handle(s, r, Store::Common)
    }),
    ("CreateSecretParameter", |s, r| {
        create_parameter::handle(s, r, Store::Secret)
    }),
    ("GetSecretParameter", |s, r| {
        get_parameter::handle(s, r, Store::Secret)
    }),
    ("GetSecretParameters", |s, r| {
        get_parameters::handle(s, r, Store::Secret)
    }),
    ("GetSecretParametersByPath", |s, r| {
        get_parameters_by_path::handle(s, r, Store::Secret)
    }),
    ("UpdateSecretParameter", |s, r| {
        update_parameter::handle(s, r, Store::Secret)
    }),
    ("ListSecretParameters", |s, r| {
        list_parameters::handle(s, r, Store::Secret)
    }),
    ("ListSecretParameterVersions", |s, r| {
        list_parameter_versions::handle(s, r, Store::Secret)
    }),
    ("DeleteSecretParameter", |s, r| {
        delete_parameter::handle(s, r, Store::Secret)
    }),
    // Tags
    ("TagResources", tag_resources::handle),
    ("UntagResources", untag_resources::handle),
    ("ListTagResources", list_tag_resources::handle),
    ("ListTagKeys", list_tag_keys::handle),
    ("ListTagValues", list_tag_values::handle),
];

/// Runs the action of a checked request.
pub(crate) fn run(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let answer = match HANDLERS.iter().find(|(name, _)| *name == request.action) {
        Some((_, handler)) => handler(state, request),
        None => sample::handle(state, request),
    };
    answer.map_err(|e| documented(request.spec, e))
}

/// An error whose code the action's spec does not document would reach the client as
/// `Unhandled`: the emulator refuses to answer with it, so that its tests find the gap.
fn documented(spec: &crate::spec::ActionSpec, error: ApiError) -> ApiError {
    let known = spec
        .errors
        .iter()
        .chain(crate::spec::COMMON_ERRORS)
        .any(|e| e.code == error.code);
    if known {
        return error;
    }
    ApiError::new(
        hyper::StatusCode::INTERNAL_SERVER_ERROR,
        "InternalError",
        format!(
            "the emulator answered {} with {}, which spec/oos/{}.yaml does not document: add it to the spec's errors",
            spec.name, error.code, spec.name
        ),
    )
}

/// The actions whose answers come from the emulator's state rather than from the
/// documentation.
pub fn stateful_actions() -> impl Iterator<Item = &'static str> {
    HANDLERS.iter().map(|(name, _)| *name)
}

/// The names of the actions the emulator answers: every action of the specs.
pub fn supported_actions() -> impl Iterator<Item = &'static str> {
    crate::spec::ACTIONS.iter().map(|a| a.name)
}

/// Checks `params` against `action` and runs it, as the server does after verification.
#[cfg(test)]
pub(crate) fn call(
    state: &mut State,
    action: &str,
    params: &[(&str, &str)],
) -> Result<Answer, ApiError> {
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    call_as(state, action, &params, "testid")
}

/// Checks `params` against `action` and runs it with `access_key_id`'s rights: how a
/// template's task calls OOS itself.
pub(crate) fn call_as(
    state: &mut State,
    action: &str,
    params: &[(String, String)],
    access_key_id: &str,
) -> Result<Answer, ApiError> {
    call_from(state, action, params, access_key_id, false)
}

/// [`call_as`] for a task starting a child execution: `StartExecution` fits the parameters
/// to the child's declarations when it reads the child template, which it parses once.
pub(crate) fn call_from_task(
    state: &mut State,
    action: &str,
    params: &[(String, String)],
    access_key_id: &str,
) -> Result<Answer, ApiError> {
    call_from(state, action, params, access_key_id, true)
}

fn call_from(
    state: &mut State,
    action: &str,
    params: &[(String, String)],
    access_key_id: &str,
    from_task: bool,
) -> Result<Answer, ApiError> {
    let spec = crate::spec::action(action).ok_or_else(ApiError::invalid_action)?;
    let args = crate::spec::check::check(spec, params)?;
    run(
        state,
        &ActionRequest {
            action,
            spec,
            access_key_id,
            params,
            args: &args,
            from_task,
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::error::ApiError;

    #[test]
    fn an_error_its_spec_does_not_document_is_refused() {
        let spec = crate::spec::action("GetTemplate").expect("in the specs");
        let documented = ApiError::template_not_found("t");
        assert_eq!(
            super::documented(spec, documented).code,
            "EntityNotExists.Template"
        );
        let common = ApiError::new(hyper::StatusCode::BAD_REQUEST, "Throttling", "slow down");
        assert_eq!(super::documented(spec, common).code, "Throttling");
        let undocumented = ApiError::new(hyper::StatusCode::CONFLICT, "Brand.New", "m");
        let refused = super::documented(spec, undocumented);
        assert_eq!(refused.code, "InternalError");
        assert!(
            refused
                .message
                .contains("spec/oos/GetTemplate.yaml does not document"),
            "{}",
            refused.message
        );
    }

    #[test]
    fn every_stateful_action_is_in_the_specs() {
        for name in super::stateful_actions() {
            assert!(crate::spec::action(name).is_some(), "{name}");
        }
    }
}

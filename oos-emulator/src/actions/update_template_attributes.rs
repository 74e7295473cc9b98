//! `UpdateTemplateAttributes`: marks a template a favourite (or not) and shares a private
//! template with accounts (or stops sharing it), without a new version.

use std::collections::BTreeSet;

use crate::data::model::{executed_by, now};
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::state::State;

/// The most accounts a template is shared with.
const MAX_ACCOUNTS: usize = 200;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let name = request.required("TemplateName")?;
    let favorite = request.bool("IsFavorite");
    let action = request.str("SharePermissionAction");
    let accounts: Option<Vec<String>> = match request.limited("AccountIds", 16 * 1024)? {
        None => None,
        Some(text) => Some(serde_json::from_str(text).map_err(|_| {
            ApiError::invalid_parameter("AccountIds", "it must be a JSON array of account IDs")
        })?),
    };
    let share = match action {
        None => None,
        Some("Share") => Some(true),
        Some("Unshare" | "CancelShare") => Some(false),
        Some(_) => {
            return Err(ApiError::invalid_parameter(
                "SharePermissionAction",
                "it must be Share or Unshare",
            ))
        }
    };
    if share.is_some() != accounts.is_some() {
        return Err(ApiError::invalid_parameter(
            "AccountIds",
            "SharePermissionAction and AccountIds go together",
        ));
    }
    let template = state
        .data
        .template_mut(name)
        .ok_or_else(|| ApiError::template_not_found(name))?;
    if let Some(version) = request.str("ShareTemplateVersion") {
        if template.version(version).is_none() {
            return Err(ApiError::version_not_found(name, version));
        }
    }
    if let (Some(share), Some(accounts)) = (share, accounts) {
        if template.share_type != "Private" {
            return Err(ApiError::invalid_parameter(
                "TemplateName",
                "only a private template is shared with accounts",
            ));
        }
        let mut shared: BTreeSet<String> =
            serde_json::from_str::<Vec<String>>(&template.shared_accounts)
                .unwrap_or_default()
                .into_iter()
                .collect();
        if share {
            shared.extend(accounts);
        } else {
            for account in &accounts {
                shared.remove(account);
            }
        }
        if shared.len() > MAX_ACCOUNTS {
            return Err(ApiError::invalid_parameter(
                "AccountIds",
                &format!("a template is shared with at most {MAX_ACCOUNTS} accounts"),
            ));
        }
        template.shared_accounts = if shared.is_empty() {
            String::new()
        } else {
            serde_json::to_string(&shared).unwrap_or_default()
        };
    }
    if let Some(favorite) = favorite {
        template.is_favorite = favorite;
    }
    template.updated_by = executed_by();
    template.updated_date = now();
    Ok(request.shaped(Answer::new()))
}

//! `UpdateTemplateAttributes`: marks a template a favourite (or not) and shares a private
//! template with accounts (or stops sharing it), without a new version.

use std::collections::BTreeSet;

use crate::data::model::{executed_by, now};
use crate::error::ApiError;
use crate::request::{ActionRequest, Answer};
use crate::spec::params::update_template_attributes as p;
use crate::state::State;

/// The most accounts a template is shared with.
const MAX_ACCOUNTS: usize = 200;

pub(super) fn handle(state: &mut State, request: &ActionRequest<'_>) -> Result<Answer, ApiError> {
    let name = request.required(p::TEMPLATE_NAME)?;
    let favorite = request.bool(p::IS_FAVORITE);
    let action = request.str(p::SHARE_PERMISSION_ACTION);
    let accounts: Option<Vec<String>> = match request.limited(p::ACCOUNT_IDS, 16 * 1024)? {
        None => None,
        Some(text) => Some(serde_json::from_str(text).map_err(|_| {
            ApiError::invalid_parameter(
                p::ACCOUNT_IDS.as_str(),
                "it must be a JSON array of account IDs",
            )
        })?),
    };
    let share = match action {
        None => None,
        Some("Share") => Some(true),
        Some("Unshare" | "CancelShare") => Some(false),
        Some(_) => {
            return Err(ApiError::invalid_parameter(
                p::SHARE_PERMISSION_ACTION.as_str(),
                "it must be Share or Unshare",
            ))
        }
    };
    if share.is_some() != accounts.is_some() {
        return Err(ApiError::invalid_parameter(
            p::ACCOUNT_IDS.as_str(),
            "SharePermissionAction and AccountIds go together",
        ));
    }
    let template = state
        .data
        .template_mut(name)
        .ok_or_else(|| ApiError::template_not_found(name))?;
    if let Some(version) = request.str(p::SHARE_TEMPLATE_VERSION) {
        if template.version(version).is_none() {
            return Err(ApiError::version_not_found(name, version));
        }
    }
    if let (Some(share), Some(accounts)) = (share, accounts) {
        if template.share_type != "Private" {
            return Err(ApiError::invalid_parameter(
                p::TEMPLATE_NAME.as_str(),
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
                p::ACCOUNT_IDS.as_str(),
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

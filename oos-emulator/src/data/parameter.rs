//! Parameter Store records: common and secret parameters with their versions.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Which of the two stores: common parameters, or secret ones (held encrypted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Store {
    Common,
    Secret,
}

/// A parameter and every version of its value.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Parameter {
    pub name: String,
    pub id: String,
    /// `String`, `StringList` or `Secret`.
    pub kind: String,
    pub description: String,
    pub constraints: String,
    pub tags: BTreeMap<String, String>,
    pub resource_group_id: String,
    pub share_type: String,
    /// Secret parameters only: the KMS key and instance the value is said to be under.
    pub key_id: Option<String>,
    pub dkms_instance_id: Option<String>,
    pub created_by: String,
    pub created_date: String,
    /// Oldest first; never empty.
    pub versions: Vec<ParameterVersion>,
}

/// One version of a parameter's value; a secret's value is sealed.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ParameterVersion {
    pub version: i32,
    pub value: String,
    pub updated_by: String,
    pub updated_date: String,
}

impl Parameter {
    pub fn current(&self) -> Option<&ParameterVersion> {
        self.versions.last()
    }

    pub fn version(&self, version: i64) -> Option<&ParameterVersion> {
        self.versions
            .iter()
            .find(|v| i64::from(v.version) == version)
    }

    /// The parameter at `version` as one JSON object of wire names, with `value` (already
    /// opened or left sealed by the caller) when it is to be shown.
    pub fn record(&self, version: &ParameterVersion, value: Option<String>) -> Map<String, Value> {
        let mut record = Map::new();
        let mut put = |key: &str, value: Value| {
            record.insert(key.to_owned(), value);
        };
        put("Name", self.name.clone().into());
        put("Id", self.id.clone().into());
        put("Type", self.kind.clone().into());
        put("Description", self.description.clone().into());
        put("Constraints", self.constraints.clone().into());
        put("Tags", Value::Object(tags(&self.tags)));
        put("ResourceGroupId", self.resource_group_id.clone().into());
        put("ShareType", self.share_type.clone().into());
        put("CreatedBy", self.created_by.clone().into());
        put("CreatedDate", self.created_date.clone().into());
        put("UpdatedBy", version.updated_by.clone().into());
        put("UpdatedDate", version.updated_date.clone().into());
        put("ParameterVersion", version.version.into());
        if let Some(key_id) = &self.key_id {
            put("KeyId", key_id.clone().into());
        }
        if let Some(instance) = &self.dkms_instance_id {
            put("DKMSInstanceId", instance.clone().into());
        }
        if let Some(value) = value {
            put("Value", value.into());
        }
        record
    }
}

/// Tags as a JSON object.
pub(crate) fn tags(tags: &BTreeMap<String, String>) -> Map<String, Value> {
    tags.iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect()
}

impl Parameter {
    /// The value of `version` as it may be shown: a common parameter's as it is; a secret
    /// one's opened only when `decrypt`, and otherwise as stored, sealed.
    pub fn shown_value(
        &self,
        version: &ParameterVersion,
        store: Store,
        vault: &super::vault::Vault,
        decrypt: bool,
    ) -> String {
        match store {
            Store::Secret if decrypt => vault.open(&version.value).unwrap_or_default(),
            _ => version.value.clone(),
        }
    }
}

/// Whether `name` lies under `path`: directly, or at any depth when `recursive`.
pub(crate) fn under_path(name: &str, path: &str, recursive: bool) -> bool {
    let prefix = format!("{}/", path.trim_end_matches('/'));
    name.strip_prefix(&prefix)
        .is_some_and(|rest| !rest.is_empty() && (recursive || !rest.contains('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert!(under_path("/a/b", "/a", false));
        assert!(under_path("/a/b", "/a/", false));
        assert!(!under_path("/a/b/c", "/a", false));
        assert!(under_path("/a/b/c", "/a", true));
        assert!(!under_path("/ab", "/a", true));
        assert!(under_path("/a", "/", false));
        assert!(!under_path("a", "/", true));
    }
}

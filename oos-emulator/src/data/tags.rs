//! Tags across the records that carry them: templates, executions, parameters and secret
//! parameters, each named by the `ResourceType` and id the tag actions use.

use std::collections::BTreeMap;

use super::parameter::Store;
use super::Data;
use crate::error::ApiError;

/// A kind of tagged resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Resource {
    Template,
    Execution,
    Parameter(Store),
}

/// The resource types the tag actions know, in the order they are listed.
const TYPES: &[(&str, Resource)] = &[
    ("template", Resource::Template),
    ("execution", Resource::Execution),
    ("parameter", Resource::Parameter(Store::Common)),
    ("secretparameter", Resource::Parameter(Store::Secret)),
];

impl Resource {
    /// The resource type of this wire name; one the emulator keeps no records of (an
    /// application, a state configuration) is `EntityNotExists` for any id, anything else
    /// `InvalidParameter`.
    pub fn parse(resource_type: &str, id: Option<&str>) -> Result<Self, ApiError> {
        if let Some((_, resource)) = TYPES.iter().find(|(name, _)| *name == resource_type) {
            return Ok(*resource);
        }
        match (resource_type, id) {
            ("application", Some(id)) => Err(ApiError::not_found("Application", "application", id)),
            ("stateconfiguration", Some(id)) => Err(ApiError::not_found(
                "StateConfiguration",
                "state configuration",
                id,
            )),
            ("application" | "stateconfiguration", None) => Err(ApiError::invalid_parameter(
                "ResourceType",
                "the emulator keeps no records of this type",
            )),
            _ => Err(ApiError::invalid_parameter(
                "ResourceType",
                "it must be template, execution, parameter or secretparameter",
            )),
        }
    }

    /// The kinds a listing covers: the one named, every one when none is, none for a type
    /// the emulator keeps no records of.
    pub fn listed(resource_type: Option<&str>) -> Result<Vec<Self>, ApiError> {
        match resource_type {
            None => Ok(Self::all().collect()),
            Some("application" | "stateconfiguration") => Ok(Vec::new()),
            Some(name) => Ok(vec![Self::parse(name, None)?]),
        }
    }

    pub fn wire(self) -> &'static str {
        TYPES
            .iter()
            .find(|(_, r)| *r == self)
            .map_or("", |(name, _)| name)
    }

    /// Every kind, in listing order.
    pub fn all() -> impl Iterator<Item = Self> {
        TYPES.iter().map(|(_, r)| *r)
    }

    pub fn not_found(self, id: &str) -> ApiError {
        match self {
            Resource::Template => ApiError::template_not_found(id),
            Resource::Execution => ApiError::execution_not_found(id),
            Resource::Parameter(_) => ApiError::parameter_not_found(id),
        }
    }
}

impl Data {
    /// The tags of one resource, if it exists.
    pub(crate) fn tags_mut(
        &mut self,
        resource: Resource,
        id: &str,
    ) -> Option<&mut BTreeMap<String, String>> {
        match resource {
            Resource::Template => self.template_mut(id).map(|t| &mut t.tags),
            Resource::Execution => self.execution_mut(id).map(|e| &mut e.tags),
            Resource::Parameter(store) => {
                self.parameters_mut(store).get_mut(id).map(|p| &mut p.tags)
            }
        }
    }

    /// Every resource of a kind with its tags, in a stable order.
    pub(crate) fn tagged(&self, resource: Resource) -> Vec<(&str, &BTreeMap<String, String>)> {
        match resource {
            Resource::Template => self
                .templates()
                .iter()
                .map(|t| (t.template_name.as_str(), &t.tags))
                .collect(),
            Resource::Execution => self
                .executions()
                .iter()
                .map(|e| (e.execution_id.as_str(), &e.tags))
                .collect(),
            Resource::Parameter(store) => self
                .parameters(store)
                .values()
                .map(|p| (p.name.as_str(), &p.tags))
                .collect(),
        }
    }
}

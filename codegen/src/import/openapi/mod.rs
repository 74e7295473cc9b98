//! Reading Alibaba Cloud's OpenAPI metadata ("api-docs" format) into action specs.
//!
//! Every construct of the format is either represented in the spec or refused with an error
//! naming the file, the JSON path and what to do. Keys that carry nothing a client uses are
//! passed over by design ([`PRESENTATION_KEYS`], [`IGNORED_SCHEMA_KEYS`]);
//! spec/README.md lists them with why. A key outside the known format (a newer edition's) is a
//! warning naming its JSON path, or an error when the import is strict.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use super::json::{Json, JsonPath};

mod answers;
mod schema;

pub use schema::IGNORED_SCHEMA_KEYS;

use crate::error::SpecError;
use crate::names;
use crate::spec::{ActionSpec, FieldSpec};

/// Keys of the document's top level. The last four (product-wide error codes, change history,
/// RAM actions and quotas) are passed over: each action lists its own codes, and the others
/// say nothing about a request (spec/README.md).
const DOCUMENT_KEYS: &[&str] = &[
    "version",
    "info",
    "directories",
    "components",
    "apis",
    "endpoints",
    "errorCodes",
    "changeSet",
    "ram",
    "flowControl",
];

/// Keys of an api that the spec represents.
const API_KEYS: &[&str] = &[
    "methods",
    "schemes",
    "security",
    "operationType",
    "deprecated",
    "title",
    "summary",
    "description",
    "parameters",
    "responses",
    "responseDemo",
    "errorCodes",
    "requestParamsDescription",
    "responseParamsDescription",
    "extraInfo",
];

/// Keys of an api that describe the documentation portal or the service's operations, not
/// the request and its answer: read and passed over (spec/README.md says why, key by key).
pub const PRESENTATION_KEYS: &[&str] = &[
    "systemTags",
    "path",
    "staticInfo",
    "produces",
    "consumes",
    "translator",
    "eventInfo",
    "changeSet",
    "ramActions",
    "flowControl",
    "tags",
];

/// Keys of a parameter.
const PARAMETER_KEYS: &[&str] = &["name", "in", "style", "schema", "allowEmptyValue"];

/// A parsed api-docs document.
#[derive(Clone, Debug)]
pub struct Document {
    file: PathBuf,
    root: Json,
    /// Unknown keys are errors rather than warnings.
    strict: bool,
    /// What was passed over without being understood (unknown keys), in reading order.
    warnings: RefCell<Vec<SpecError>>,
}

/// Which half of an exchange a schema describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

impl Document {
    /// Parses a document and checks its top level: an RPC-style product with its apis. A key
    /// the importer does not know is a warning ([`Document::warnings`]).
    pub fn parse(file: &Path, text: &str) -> Result<Self, SpecError> {
        Self::parse_with(file, text, false)
    }

    /// [`Document::parse`], where `strict` makes an unknown key an error.
    pub fn parse_with(file: &Path, text: &str, strict: bool) -> Result<Self, SpecError> {
        let root: Json = serde_json::from_str(text).map_err(|e| {
            let what = if e.is_eof() {
                "the document ends too early (truncated JSON)".to_owned()
            } else {
                format!("the document is not valid JSON: {e}")
            };
            SpecError::new(file, what)
                .at(Some(e.line()))
                .help("pass the api-docs.json file as Alibaba Cloud publishes it")
        })?;
        if !matches!(root, Json::Object(_)) {
            return Err(SpecError::new(
                file,
                format!("the document is {}, not an api-docs object", root.kind()),
            )
            .path("$")
            .help("pass the api-docs.json file as Alibaba Cloud publishes it"));
        }
        let doc = Self {
            file: file.to_path_buf(),
            root,
            strict,
            warnings: RefCell::new(Vec::new()),
        };
        let top = JsonPath::root();
        doc.members(&doc.root, &top, DOCUMENT_KEYS)?;
        let info = doc.required(&doc.root, "info", &top)?;
        let style = doc.string(
            doc.required(info, "style", &top.key("info"))?,
            &top.key("info").key("style"),
        )?;
        if style != "RPC" {
            return Err(doc
                .err(&top.key("info").key("style"), format!("the product's API style is `{style}`, not `RPC`"))
                .help("the client sends RPC-style requests (Action and parameters in the query); ROA-style products are not supported"));
        }
        let apis = doc.required(&doc.root, "apis", &top)?;
        // An empty map is sometimes written `[]`.
        if !apis.as_array().is_some_and(|a| a.is_empty()) {
            doc.object(apis, &top.key("apis"))?;
        }
        Ok(doc)
    }

    /// The unknown keys met so far, each located; an import reads every action first.
    pub fn warnings(&self) -> Vec<SpecError> {
        self.warnings.borrow().clone()
    }

    /// The document as read, its objects' keys in document order (a key written twice is
    /// there twice).
    pub fn root(&self) -> &Json {
        &self.root
    }

    /// The product code (`info.product`).
    pub fn product(&self) -> &str {
        self.root
            .get("info")
            .and_then(|i| i.get("product"))
            .and_then(Json::as_str)
            .unwrap_or_default()
    }

    /// The API version (`info.version`).
    pub fn version(&self) -> &str {
        self.root
            .get("info")
            .and_then(|i| i.get("version"))
            .and_then(Json::as_str)
            .unwrap_or_default()
    }

    /// The actions, in document order.
    pub fn actions(&self) -> Vec<String> {
        self.root
            .get("apis")
            .and_then(Json::members)
            .map(|m| m.iter().map(|(k, _)| k.clone()).collect())
            .unwrap_or_default()
    }

    /// The summaries of the actions (`apis.*.summary`), each action once, in document order;
    /// of a key written twice the last counts, as for serde_json.
    pub fn summaries(&self) -> Vec<&str> {
        self.root
            .get_last("apis")
            .and_then(Json::last_members)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(_, api)| api.get_last("summary")?.as_str())
            .collect()
    }

    /// The endpoint of each region (`endpoints`), in document order.
    pub fn endpoints(&self) -> Result<Vec<(String, String)>, SpecError> {
        let path = JsonPath::root().key("endpoints");
        let Some(list) = self.root.get("endpoints") else {
            return Ok(Vec::new());
        };
        let items = self.array(list, &path)?;
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let at = path.index(i);
            let region = self.string(self.required(item, "regionId", &at)?, &at.key("regionId"))?;
            let host = self.string(self.required(item, "endpoint", &at)?, &at.key("endpoint"))?;
            out.push((region.to_owned(), host.to_owned()));
        }
        Ok(out)
    }

    /// The directory titles leading to `action`, outermost first.
    pub fn directory_of(&self, action: &str) -> Vec<String> {
        fn walk(node: &Json, action: &str, trail: &mut Vec<String>) -> bool {
            match node {
                Json::String(s) => s == action,
                Json::Array(items) => items.iter().any(|i| walk(i, action, trail)),
                Json::Object(_) => {
                    let title = node.get("title").and_then(Json::as_str).unwrap_or_default();
                    trail.push(title.to_owned());
                    if node.get("children").is_some_and(|c| walk(c, action, trail)) {
                        return true;
                    }
                    trail.pop();
                    false
                }
                _ => false,
            }
        }
        let mut trail = Vec::new();
        if let Some(dirs) = self.root.get("directories") {
            walk(dirs, action, &mut trail);
        }
        trail
    }

    /// The spec of `action`. `common` are the error codes every action shares (left out);
    /// `groups` maps directory titles to display names.
    pub fn action(
        &self,
        action: &str,
        common: &[String],
        groups: &[(String, String)],
    ) -> Result<ActionSpec, SpecError> {
        let path = JsonPath::root().key("apis").key(action);
        let api = self
            .root
            .get("apis")
            .and_then(|apis| apis.get(action))
            .ok_or_else(|| {
                SpecError::new(&self.file, format!("the document has no action `{action}`"))
                    .path(path.to_string())
                    .help("name an action of the document's `apis`")
            })?;
        if !names::is_action_name(action) {
            return Err(self
                .err(
                    &path,
                    format!("action name `{action}` is not a camelCase identifier"),
                )
                .help("report this document"));
        }
        self.members(api, &path, &[API_KEYS, PRESENTATION_KEYS].concat())?;
        let method = self.method(api, &path)?;
        self.check_security(api, &path)?;
        let summary = [api.get("summary"), api.get("title")]
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .map(str::trim)
            .find(|s| !s.is_empty())
            .unwrap_or(action)
            .to_owned();
        let mut description: Vec<String> = Vec::new();
        for key in [
            "description",
            "requestParamsDescription",
            "responseParamsDescription",
            "extraInfo",
        ] {
            if let Some(value) = api.get(key) {
                let text = self.string(value, &path.key(key))?.trim();
                if !text.is_empty() {
                    description.push(text.to_owned());
                }
            }
        }
        let deprecated = match api.get("deprecated") {
            Some(v) => v.as_bool().ok_or_else(|| {
                self.err(
                    &path.key("deprecated"),
                    format!("expected a boolean, found {}", v.kind()),
                )
            })?,
            None => false,
        };
        let operation_type = match api.get("operationType") {
            Some(v) => Some(self.string(v, &path.key("operationType"))?.to_owned()),
            None => None,
        };

        let mut request = Vec::new();
        if let Some(params) = api.get("parameters") {
            let at = path.key("parameters");
            for (i, param) in self.array(params, &at)?.iter().enumerate() {
                let field = self.parameter(param, &at.index(i))?;
                // Some documents list a parameter twice. Two definitions of one type in one
                // place are one parameter: required only if both say so (the client must not
                // refuse what the service may take), with what either documents.
                if let Some(first) = request
                    .iter_mut()
                    .find(|f: &&mut FieldSpec| f.name == field.name)
                {
                    let same_place = first.ty == field.ty
                        && first.items == field.items
                        && first.location == field.location
                        && first.style == field.style;
                    if !same_place {
                        return Err(self
                            .err(
                                &at.index(i),
                                format!(
                                    "parameter `{}` is listed twice, with two types or places",
                                    field.name
                                ),
                            )
                            .help(
                                "report this document: one parameter has one type and one place",
                            ));
                    }
                    first.required =
                        Some(first.required == Some(true) && field.required == Some(true));
                    if first.values.is_none() {
                        first.values = field.values;
                    }
                    if first.description.is_none() {
                        first.description = field.description;
                    }
                    if first.example.is_none() {
                        first.example = field.example;
                    }
                    continue;
                }
                request.push(field);
            }
        }

        let (mut response, response_body, demos) = self.responses(api, &path)?;
        if let Some(demo) = demos.json.as_ref().filter(|_| response_body.is_none()) {
            let value: serde_json::Value = serde_json::from_str(demo).map_err(|e| {
                self.err(
                    &path.key("responseDemo"),
                    format!("the JSON response demo is not valid JSON: {e}"),
                )
                .help("report this document: its demo cannot be checked against the types")
            })?;
            super::sample::complete(&mut response, &[&value]);
        }
        let errors = self.errors(api, &path, common)?;
        let group = self.directory_of(action).last().map(|title| {
            groups
                .iter()
                .find(|(t, _)| t == title)
                .map_or_else(|| title.clone(), |(_, name)| name.clone())
        });
        Ok(ActionSpec {
            action: action.to_owned(),
            summary,
            description: (!description.is_empty()).then(|| description.join("\n\n")),
            group,
            deprecated,
            operation_type,
            method: (method == "GET").then(|| "GET".to_owned()),
            idempotent: names::reads_only(action),
            request,
            response,
            response_body,
            errors,
            pagination: None,
            waiters: Vec::new(),
            sample_request: None,
            sample_response: None,
            demo_response: demos.json,
            demo_response_xml: demos.xml,
            demo_error: demos.error,
            doc_summary: None,
        })
    }

    /// Why the client cannot call `action` at all, by design: it is not authorised by an
    /// AccessKey, it is taken only by PUT or DELETE, or a parameter goes in a header, the
    /// path or the body. `None` for an action the client can send (whatever else the
    /// document gets wrong about it).
    pub fn unsendable(&self, action: &str) -> Option<SpecError> {
        let path = JsonPath::root().key("apis").key(action);
        let api = self.root.get("apis")?.get(action)?;
        if let Err(e) = self.check_security(api, &path) {
            return Some(e);
        }
        if let Err(e) = self.method(api, &path) {
            return Some(e);
        }
        let params = api.get("parameters").and_then(Json::as_array)?;
        params.iter().enumerate().find_map(|(i, param)| {
            let place = param.get("in").and_then(Json::as_str)?;
            self.placement(place, &path.key("parameters").index(i).key("in"))
                .err()
        })
    }

    /// Where a parameter `in: place` goes: `None` for the query (the default), `formData` for
    /// the form body; a header, the path or the body is refused.
    fn placement(&self, place: &str, at: &JsonPath) -> Result<Option<&'static str>, SpecError> {
        match place {
            "query" => Ok(None),
            "formData" => Ok(Some("formData")),
            other => Err(self
                .err(at, format!("parameters `in: {other}` are not supported"))
                .help("RPC-style actions take parameters in the query or the form body (`query`, `formData`)")),
        }
    }

    fn method(&self, api: &Json, path: &JsonPath) -> Result<&'static str, SpecError> {
        let at = path.key("methods");
        let Some(methods) = api.get("methods") else {
            return Ok("POST");
        };
        let names: Vec<String> = self
            .array(methods, &at)?
            .iter()
            .filter_map(Json::as_str)
            .map(str::to_ascii_lowercase)
            .collect();
        if names.iter().any(|m| m == "post") {
            Ok("POST")
        } else if names.iter().any(|m| m == "get") {
            Ok("GET")
        } else {
            Err(self
                .err(&at, format!("the action takes only {}", names.join(", ")))
                .help("the client sends RPC requests by POST or GET"))
        }
    }

    fn check_security(&self, api: &Json, path: &JsonPath) -> Result<(), SpecError> {
        let at = path.key("security");
        let Some(security) = api.get("security") else {
            return Ok(());
        };
        let schemes: Vec<&str> = self
            .array(security, &at)?
            .iter()
            .filter_map(Json::members)
            .flat_map(|m| m.iter().map(|(k, _)| k.as_str()))
            .collect();
        if schemes.is_empty() || schemes.contains(&"AK") {
            Ok(())
        } else {
            Err(self
                .err(&at, format!("the action is authorised by {}, not by an AccessKey", schemes.join(", ")))
                .help("the client signs every request with an AccessKey (`AK`); this action cannot be generated"))
        }
    }

    fn parameter(&self, param: &Json, path: &JsonPath) -> Result<FieldSpec, SpecError> {
        self.members(param, path, PARAMETER_KEYS)?;
        let name = self.string(self.required(param, "name", path)?, &path.key("name"))?;
        let schema = self.required(param, "schema", path)?;
        let mut field = self.schema(
            schema,
            &path.key("schema"),
            name,
            Side::Request,
            &mut Vec::new(),
        )?;
        if let Some(location) = param.get("in") {
            let at = path.key("in");
            if let Some(location) = self.placement(self.string(location, &at)?, &at)? {
                field.location = Some(location.into());
            }
        }
        if let Some(style) = param.get("style") {
            let style = self.string(style, &path.key("style"))?;
            let structured = matches!(field.ty.as_str(), "List" | "Map" | "Object" | "JSON");
            match style {
                "json" | "repeatList" | "flat" | "simple" | "spaceDelimited" | "pipeDelimited" => {
                    // On a scalar the style changes nothing on the wire.
                    if structured {
                        field.style = Some(style.to_owned());
                    }
                }
                other => {
                    return Err(self
                        .err(&path.key("style"), format!("style `{other}` is not supported"))
                        .help("the client encodes json, repeatList, flat, simple, spaceDelimited and pipeDelimited parameters"))
                }
            }
        }
        Ok(field)
    }

    pub(super) fn flag(&self, value: &Json, key: &str, path: &JsonPath) -> Result<bool, SpecError> {
        match value.get(key) {
            None => Ok(false),
            Some(Json::Bool(b)) => Ok(*b),
            Some(Json::String(s)) if s == "true" || s == "false" => Ok(s == "true"),
            Some(other) => Err(self.err(
                &path.key(key),
                format!("expected a boolean, found {}", other.kind()),
            )),
        }
    }

    pub(super) fn required<'a>(
        &self,
        value: &'a Json,
        key: &str,
        path: &JsonPath,
    ) -> Result<&'a Json, SpecError> {
        value.get(key).ok_or_else(|| {
            self.err(path, format!("missing key `{key}`"))
                .help("the format requires it here; report this document")
        })
    }

    pub(super) fn object<'a>(
        &self,
        value: &'a Json,
        path: &JsonPath,
    ) -> Result<&'a [(String, Json)], SpecError> {
        value
            .members()
            .ok_or_else(|| self.err(path, format!("expected an object, found {}", value.kind())))
    }

    /// The members of the object `value`. A key that is not one of `known` is a warning (the
    /// import goes on without it), or an error when the document is read strictly.
    pub(super) fn members<'a>(
        &self,
        value: &'a Json,
        path: &JsonPath,
        known: &[&str],
    ) -> Result<&'a [(String, Json)], SpecError> {
        let members = self.object(value, path)?;
        for (key, _) in members.iter().filter(|(k, _)| !known.contains(&k.as_str())) {
            let at = path.key(key);
            let warning = self.err(&at, format!("unknown key `{key}`")).help(
                "the importer does not know this part of the format; extend codegen/src/import/openapi/",
            );
            if self.strict {
                return Err(warning);
            }
            let mut warnings = self.warnings.borrow_mut();
            // A schema read more than once (a component several actions refer to) warns once.
            if !warnings.iter().any(|w| w.path == warning.path) {
                warnings.push(warning);
            }
        }
        Ok(members)
    }

    /// A part of the document that is broken (a reference to no schema, an array without
    /// its elements' schema, a schema without a type) and is read as free-form JSON: a warning
    /// naming `at` and what was assumed, or an error when the document is read strictly.
    pub(super) fn fallback(&self, at: &JsonPath, message: String) -> Result<(), SpecError> {
        self.warn(
            at,
            message,
            "report this document; the field is kept as free-form JSON (`serde_json::Value`) until it is fixed",
        )
    }

    /// A part of the document passed over because it cannot mean anything: a warning naming
    /// `at`, or an error when the document is read strictly.
    pub(super) fn warn(&self, at: &JsonPath, message: String, help: &str) -> Result<(), SpecError> {
        let warning = self.err(at, message).help(help);
        if self.strict {
            return Err(warning);
        }
        let mut warnings = self.warnings.borrow_mut();
        if !warnings.iter().any(|w| w.path == warning.path) {
            warnings.push(warning);
        }
        Ok(())
    }

    pub(super) fn array<'a>(
        &self,
        value: &'a Json,
        path: &JsonPath,
    ) -> Result<&'a [Json], SpecError> {
        value
            .as_array()
            .ok_or_else(|| self.err(path, format!("expected an array, found {}", value.kind())))
    }

    pub(super) fn string<'a>(
        &self,
        value: &'a Json,
        path: &JsonPath,
    ) -> Result<&'a str, SpecError> {
        value
            .as_str()
            .ok_or_else(|| self.err(path, format!("expected a string, found {}", value.kind())))
    }

    pub(super) fn err(&self, path: &JsonPath, message: String) -> SpecError {
        SpecError::new(&self.file, message).path(path.to_string())
    }
}

//! Reading Alibaba Cloud's OpenAPI metadata ("api-docs" format) into action specs.
//!
//! Every construct of the format is either represented in the spec or refused with an error
//! naming the file, the JSON path and what to do. A few keys carry nothing a client uses and
//! are passed over by design ([`PRESENTATION_KEYS`]); spec/README.md lists them.

use std::path::{Path, PathBuf};

use super::json::{Json, JsonPath};
use crate::error::SpecError;
use crate::names;
use crate::spec::{ActionSpec, ErrorSpec, FieldSpec, Items};

/// Keys of the document's top level.
const DOCUMENT_KEYS: &[&str] = &[
    "version",
    "info",
    "directories",
    "components",
    "apis",
    "endpoints",
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

/// Keys of an api that describe the documentation portal, not the API: passed over.
pub const PRESENTATION_KEYS: &[&str] =
    &["systemTags", "path", "staticInfo", "produces", "consumes"];

/// Keys of a parameter.
const PARAMETER_KEYS: &[&str] = &["name", "in", "style", "schema", "allowEmptyValue"];

/// Keys of a schema.
const SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "description",
    "title",
    "example",
    "required",
    "docRequired",
    "default",
    "enum",
    "enumValueTitles",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "maxItems",
    "minItems",
    "maxLength",
    "minLength",
    "pattern",
    "items",
    "properties",
    "additionalProperties",
    "deprecated",
    "readOnly",
    "$ref",
];

/// A parsed api-docs document.
#[derive(Clone, Debug)]
pub struct Document {
    file: PathBuf,
    root: Json,
}

/// Which half of an exchange a schema describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

impl Document {
    /// Parses a document and checks its top level: an RPC-style product with its apis.
    pub fn parse(file: &Path, text: &str) -> Result<Self, SpecError> {
        let root: Json = serde_json::from_str(text).map_err(|e| {
            SpecError::new(file, format!("the document is not valid JSON: {e}"))
                .at(Some(e.line()))
                .help("pass the api-docs.json file as Alibaba Cloud publishes it")
        })?;
        let doc = Self {
            file: file.to_path_buf(),
            root,
        };
        let top = JsonPath::root();
        let members = doc.object(&doc.root, &top)?;
        for (key, _) in members {
            if !DOCUMENT_KEYS.contains(&key.as_str()) {
                return Err(doc.err(&top.key(key), format!("unknown key `{key}`")).help(
                    "the importer does not know this part of the format; extend codegen/src/import/openapi.rs",
                ));
            }
        }
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

    /// The endpoint of each region (`endpoints`), in document order.
    pub fn endpoints(&self) -> Result<Vec<(String, String)>, SpecError> {
        let path = JsonPath::root().key("endpoints");
        let Some(list) = self.root.get("endpoints") else {
            return Ok(Vec::new());
        };
        let items = list
            .as_array()
            .ok_or_else(|| self.err(&path, format!("expected an array, found {}", list.kind())))?;
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
        if !names::is_type_name(action) {
            return Err(self
                .err(
                    &path,
                    format!("action name `{action}` is not an UpperCamelCase identifier"),
                )
                .help("report this document"));
        }
        for (key, _) in self.object(api, &path)? {
            if !API_KEYS.contains(&key.as_str()) && !PRESENTATION_KEYS.contains(&key.as_str()) {
                return Err(self.err(&path.key(key), format!("unknown key `{key}`")).help(
                    "the importer does not know this part of the format; extend codegen/src/import/openapi.rs",
                ));
            }
        }
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
            let list = params.as_array().ok_or_else(|| {
                self.err(&at, format!("expected an array, found {}", params.kind()))
            })?;
            for (i, param) in list.iter().enumerate() {
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

        let (mut response, demos) = self.responses(api, &path)?;
        if let Some(demo) = &demos.json {
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
            errors,
            pagination: None,
            waiters: Vec::new(),
            sample_request: None,
            sample_response: None,
            demo_response: demos.json,
            demo_response_xml: demos.xml,
            demo_error: demos.error,
        })
    }

    fn method(&self, api: &Json, path: &JsonPath) -> Result<&'static str, SpecError> {
        let at = path.key("methods");
        let Some(methods) = api.get("methods") else {
            return Ok("POST");
        };
        let list = methods
            .as_array()
            .ok_or_else(|| self.err(&at, format!("expected an array, found {}", methods.kind())))?;
        let names: Vec<String> = list
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
        let list = security.as_array().ok_or_else(|| {
            self.err(&at, format!("expected an array, found {}", security.kind()))
        })?;
        let schemes: Vec<&str> = list
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
        for (key, _) in self.object(param, path)? {
            if !PARAMETER_KEYS.contains(&key.as_str()) {
                return Err(self.err(&path.key(key), format!("unknown key `{key}`")).help(
                    "the importer does not know this part of the format; extend codegen/src/import/openapi.rs",
                ));
            }
        }
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
            match self.string(location, &path.key("in"))? {
                "query" => {}
                "formData" => field.location = Some("formData".into()),
                other => {
                    return Err(self
                        .err(&path.key("in"), format!("parameters `in: {other}` are not supported"))
                        .help("RPC-style actions take parameters in the query or the form body (`query`, `formData`)"))
                }
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

    fn responses(&self, api: &Json, path: &JsonPath) -> Result<(Vec<FieldSpec>, Demos), SpecError> {
        let at = path.key("responses");
        let mut fields = Vec::new();
        if let Some(responses) = api.get("responses") {
            for (status, response) in self.object(responses, &at)? {
                if status != "200" {
                    return Err(self
                        .err(&at.key(status), format!("a response schema for status `{status}`"))
                        .help("the format gives the schema of the success answer only (`200`); report this document"));
                }
                let schema_at = at.key(status).key("schema");
                let Some(schema) = response.get("schema") else {
                    continue;
                };
                let body = self.schema(
                    schema,
                    &schema_at,
                    "Response",
                    Side::Response,
                    &mut Vec::new(),
                )?;
                match (body.ty.as_str(), body.fields) {
                    ("Object", Some(f)) => fields = f,
                    ("JSON", _) => {}
                    (other, _) => {
                        return Err(self
                            .err(
                                &schema_at,
                                format!("the success answer is {other}, not an object"),
                            )
                            .help("report this document: an RPC answer is a JSON object"))
                    }
                }
            }
        }
        let mut demos = Demos::default();
        if let Some(demo) = api.get("responseDemo") {
            let demo_at = path.key("responseDemo");
            let text = self.string(demo, &demo_at)?;
            if !text.trim().is_empty() {
                let list: Json = serde_json::from_str(text).map_err(|e| {
                    self.err(
                        &demo_at,
                        format!("the response demo is not valid JSON: {e}"),
                    )
                    .help("the demo is a JSON-encoded array of {type, example, errorExample}")
                })?;
                let items = list.as_array().ok_or_else(|| {
                    self.err(
                        &demo_at,
                        format!("the demo is {}, not an array", list.kind()),
                    )
                })?;
                for (i, item) in items.iter().enumerate() {
                    let item_at = demo_at.index(i);
                    let kind =
                        self.string(self.required(item, "type", &item_at)?, &item_at.key("type"))?;
                    let text_of = |key: &str| -> Result<Option<String>, SpecError> {
                        match item.get(key) {
                            Some(v) => {
                                let t = self.string(v, &item_at.key(key))?;
                                Ok((!t.trim().is_empty()).then(|| t.to_owned()))
                            }
                            None => Ok(None),
                        }
                    };
                    let (example, error) = (text_of("example")?, text_of("errorExample")?);
                    match kind {
                        "json" => {
                            demos.json = example;
                            demos.error = error;
                        }
                        "xml" => {
                            demos.xml = example;
                            if error.is_some() {
                                return Err(self
                                    .err(&item_at.key("errorExample"), "an XML error demo".into())
                                    .help("the spec keeps the JSON error demo only; report this document"));
                            }
                        }
                        other => {
                            return Err(self
                                .err(&item_at.key("type"), format!("a demo of type `{other}`"))
                                .help(
                                    "the format's demos are `json` or `xml`; report this document",
                                ))
                        }
                    }
                }
            }
        }
        Ok((fields, demos))
    }

    fn errors(
        &self,
        api: &Json,
        path: &JsonPath,
        common: &[String],
    ) -> Result<Vec<ErrorSpec>, SpecError> {
        let at = path.key("errorCodes");
        let mut out: Vec<ErrorSpec> = Vec::new();
        let Some(codes) = api.get("errorCodes") else {
            return Ok(out);
        };
        // `[]` stands for no codes.
        if codes.as_array().is_some_and(|a| a.is_empty()) {
            return Ok(out);
        }
        for (status, list) in self.object(codes, &at)? {
            let status_at = at.key(status);
            let http_status: u16 = status
                .parse()
                .map_err(|_| self.err(&status_at, format!("`{status}` is not an HTTP status")))?;
            let entries = list.as_array().ok_or_else(|| {
                self.err(
                    &status_at,
                    format!("expected an array, found {}", list.kind()),
                )
            })?;
            for (i, entry) in entries.iter().enumerate() {
                let entry_at = status_at.index(i);
                let code = self.string(
                    self.required(entry, "errorCode", &entry_at)?,
                    &entry_at.key("errorCode"),
                )?;
                let message = match entry.get("errorMessage") {
                    Some(m) => self.string(m, &entry_at.key("errorMessage"))?.to_owned(),
                    None => String::new(),
                };
                let description = match entry.get("description") {
                    Some(d) => Some(self.string(d, &entry_at.key("description"))?.to_owned())
                        .filter(|d| !d.trim().is_empty()),
                    None => None,
                };
                if common.iter().any(|c| c == code) {
                    continue;
                }
                if let Some(same) = out.iter().find(|e| e.code == code) {
                    if same.http_status != http_status {
                        return Err(self
                            .err(&entry_at, format!("error code `{code}` is listed under HTTP {} and HTTP {http_status}", same.http_status))
                            .help("a code has one status in the spec; report this document"));
                    }
                    continue;
                }
                out.push(ErrorSpec {
                    code: code.to_owned(),
                    http_status,
                    message,
                    description,
                    retryable: false,
                });
            }
        }
        Ok(out)
    }

    /// A schema as a field named `name`. `refs` holds the `$ref`s being resolved, against
    /// cycles.
    fn schema(
        &self,
        schema: &Json,
        path: &JsonPath,
        name: &str,
        side: Side,
        refs: &mut Vec<String>,
    ) -> Result<FieldSpec, SpecError> {
        for (key, _) in self.object(schema, path)? {
            if !SCHEMA_KEYS.contains(&key.as_str()) {
                return Err(self.err(&path.key(key), format!("unknown schema key `{key}`")).help(
                    "the importer does not know this part of the format; extend codegen/src/import/openapi.rs",
                ));
            }
        }
        if let Some(reference) = schema.get("$ref") {
            return self.reference(schema, reference, path, name, side, refs);
        }
        let text = |key: &str| -> Result<Option<String>, SpecError> {
            match schema.get(key) {
                Some(v) => Ok(Some(self.string(v, &path.key(key))?.trim().to_owned())
                    .filter(|t| !t.is_empty())),
                None => Ok(None),
            }
        };
        let mut field = FieldSpec {
            name: name.to_owned(),
            description: text("description")?,
            title: text("title")?,
            example: match schema.get("example") {
                Some(v) => v.scalar_text().filter(|t| !t.trim().is_empty()),
                None => None,
            },
            deprecated: self.flag(schema, "deprecated", path)?,
            ..FieldSpec::default()
        };
        let ty = match schema.get("type") {
            Some(t) => self.string(t, &path.key("type"))?,
            None => {
                return Err(self
                    .err(path, "a schema without `type` or `$ref`".into())
                    .help("report this document: every schema has a type"))
            }
        };
        let format = text("format")?;
        let has_format = format.is_some();
        match ty {
            "string" => {
                field.ty = "String".into();
                if format.as_deref() == Some("binary") {
                    return Err(self
                        .err(&path.key("format"), "a binary (file upload) parameter".into())
                        .help("the client sends text parameters only; this action cannot be generated"));
                }
                field.format = format;
            }
            "integer" => {
                field.ty = match format.as_deref() {
                    Some("int32") => "Integer".into(),
                    Some("int64") | None => "Long".into(),
                    Some(other) => {
                        return Err(self
                            .err(&path.key("format"), format!("integer format `{other}`"))
                            .help("the format's integers are int32 or int64"))
                    }
                };
            }
            "number" => {
                field.ty = "Float".into();
                match format.as_deref() {
                    Some("float") | Some("double") | None => field.format = format,
                    Some(other) => {
                        return Err(self
                            .err(&path.key("format"), format!("number format `{other}`"))
                            .help("the format's numbers are float or double"))
                    }
                }
            }
            "boolean" => field.ty = "Boolean".into(),
            "any" => field.ty = "JSON".into(),
            "object" => {
                let properties = schema.get("properties");
                let additional = schema.get("additionalProperties");
                match (properties, additional) {
                    (Some(props), extra) => {
                        if matches!(extra, Some(Json::Object(_))) {
                            return Err(self
                                .err(&path.key("additionalProperties"), "an object with both named fields and arbitrary keys".into())
                                .help("the spec has objects with fields or maps, not both; report this document"));
                        }
                        let props_at = path.key("properties");
                        let members = self.object(props, &props_at)?;
                        let mut fields = Vec::new();
                        for (key, value) in members {
                            fields.push(self.schema(value, &props_at.key(key), key, side, refs)?);
                        }
                        field.ty = "Object".into();
                        field.fields = Some(fields);
                    }
                    (None, Some(Json::Object(_))) => {
                        let element = self.schema(additional.unwrap_or(&Json::Null), &path.key("additionalProperties"), name, side, refs)?;
                        field.ty = "Map".into();
                        self.set_element(&mut field, element);
                    }
                    (None, Some(Json::Bool(_)) | None) => field.ty = "JSON".into(),
                    (None, Some(other)) => {
                        return Err(self.err(
                            &path.key("additionalProperties"),
                            format!("expected a schema or a boolean, found {}", other.kind()),
                        ))
                    }
                }
            }
            "array" => {
                let items = self.required(schema, "items", path)?;
                let element = self.schema(items, &path.key("items"), name, side, refs)?;
                field.ty = "List".into();
                self.set_element(&mut field, element);
            }
            other => {
                return Err(self
                    .err(&path.key("type"), format!("unknown type `{other}`"))
                    .help("the format's types are string, integer, number, boolean, object, array and any"))
            }
        }
        if has_format && matches!(ty, "boolean" | "object" | "array" | "any") {
            let format = text("format")?.unwrap_or_default();
            // On an array the format is its elements'.
            match field.items.as_mut() {
                Some(Items::Entry(entry)) if entry.format.is_none() => entry.format = Some(format),
                Some(items @ Items::Name(_)) => {
                    let name = items.type_name().to_owned();
                    *items = Items::Entry(Box::new(FieldSpec {
                        ty: name,
                        format: Some(format),
                        ..FieldSpec::default()
                    }));
                    if field.fields.is_some() {
                        // An object element keeps its fields in the entry.
                        if let Some(Items::Entry(entry)) = field.items.as_mut() {
                            entry.fields = field.fields.take();
                            entry.struct_name = field.struct_name.take();
                            entry.values = field.values.take();
                        }
                    }
                }
                _ => note(
                    &mut field,
                    &format!("The metadata also gives the format `{format}`."),
                ),
            }
        }
        self.constraints(schema, path, &mut field)?;
        self.values(schema, path, &mut field)?;
        if side == Side::Request {
            let required = self.flag(schema, "required", path)?;
            field.required = Some(required);
            if let Some(doc) = schema.get("docRequired") {
                let doc = doc.as_bool().ok_or_else(|| {
                    self.err(
                        &path.key("docRequired"),
                        format!("expected a boolean, found {}", doc.kind()),
                    )
                })?;
                if doc != required {
                    field.doc_required = Some(doc);
                }
            }
            if let Some(default) = schema.get("default") {
                field.default = default.scalar_text();
            }
        } else if let Some(default) = schema.get("default") {
            // A response field's default is documentation; it goes with the description.
            if let Some(text) = default.scalar_text() {
                let note = format!("Default: `{text}`.");
                field.description = Some(match field.description.take() {
                    Some(d) => format!("{d}\n\n{note}"),
                    None => note,
                });
            }
        }
        Ok(field)
    }

    fn reference(
        &self,
        schema: &Json,
        reference: &Json,
        path: &JsonPath,
        name: &str,
        side: Side,
        refs: &mut Vec<String>,
    ) -> Result<FieldSpec, SpecError> {
        let at = path.key("$ref");
        let target = self.string(reference, &at)?;
        let Some(schema_name) = target.strip_prefix("#/components/schemas/") else {
            return Err(self
                .err(
                    &at,
                    format!("reference `{target}` does not point into `#/components/schemas/`"),
                )
                .help("report this document"));
        };
        if refs.iter().any(|r| r == schema_name) {
            // A type that contains itself: refer to the struct being declared.
            if !names::is_type_name(schema_name) {
                return Err(self
                    .err(
                        &at,
                        format!("schema `{schema_name}` refers to itself and cannot name a type"),
                    )
                    .help("report this document"));
            }
            return Ok(FieldSpec {
                name: name.to_owned(),
                ty: "Object".into(),
                struct_name: Some(schema_name.to_owned()),
                required: (side == Side::Request).then_some(false),
                ..FieldSpec::default()
            });
        }
        let target_at = JsonPath::root()
            .key("components")
            .key("schemas")
            .key(schema_name);
        let resolved = self
            .root
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get(schema_name))
            .ok_or_else(|| {
                self.err(
                    &at,
                    format!("reference `{target}` names no schema of the document"),
                )
                .help("report this document")
            })?;
        refs.push(schema_name.to_owned());
        let mut field = self.schema(resolved, &target_at, name, side, refs)?;
        refs.pop();
        // The referring schema's own keys (a description, `required`) apply as well.
        for key in ["description", "title", "example"] {
            if let Some(text) = schema.get(key).and_then(Json::scalar_text) {
                let slot = match key {
                    "description" => &mut field.description,
                    "title" => &mut field.title,
                    _ => &mut field.example,
                };
                *slot = Some(text);
            }
        }
        if side == Side::Request {
            field.required = Some(self.flag(schema, "required", path)?);
        }
        if field.ty == "Object" && names::is_type_name(schema_name) {
            field.struct_name = Some(schema_name.to_owned());
        }
        Ok(field)
    }

    /// Puts `element` under `field` (a List or Map): in the short form when it is a plain
    /// type, an object or a string enum, else as an element entry.
    fn set_element(&self, field: &mut FieldSpec, mut element: FieldSpec) {
        element.name = String::new();
        element.required = None;
        element.doc_required = None;
        element.default = None;
        let plain = element.description.is_none()
            && element.example.is_none()
            && element.title.is_none()
            && element.format.is_none()
            && element.minimum.is_none()
            && element.maximum.is_none()
            && element.min_items.is_none()
            && element.max_items.is_none()
            && element.min_length.is_none()
            && element.max_length.is_none()
            && element.pattern.is_none()
            && element.value_titles.is_empty()
            && !element.deprecated
            && element.items.is_none();
        if plain {
            field.items = Some(Items::Name(element.ty));
            field.fields = element.fields;
            field.struct_name = element.struct_name;
            field.values = element.values;
        } else {
            field.items = Some(Items::Entry(Box::new(element)));
        }
    }

    fn constraints(
        &self,
        schema: &Json,
        path: &JsonPath,
        field: &mut FieldSpec,
    ) -> Result<(), SpecError> {
        let number = |key: &str| -> Result<Option<f64>, SpecError> {
            match schema.get(key) {
                None => Ok(None),
                Some(Json::Number(n)) => Ok(n.as_f64()),
                Some(Json::String(s)) if s.trim().is_empty() => Ok(None),
                Some(Json::String(s)) => s.trim().parse::<f64>().map(Some).map_err(|_| {
                    self.err(&path.key(key), format!("`{key}` is `{s}`, not a number"))
                        .help("report this document")
                }),
                Some(other) => Err(self.err(
                    &path.key(key),
                    format!("`{key}` is {}, not a number", other.kind()),
                )),
            }
        };
        let count = |key: &str| -> Result<Option<u64>, SpecError> {
            match number(key)? {
                Some(n) if n >= 0.0 && n.fract() == 0.0 => Ok(Some(n as u64)),
                Some(n) => Err(self.err(&path.key(key), format!("`{key}` is {n}, not a count"))),
                None => Ok(None),
            }
        };
        field.minimum = number("minimum")?;
        field.maximum = number("maximum")?;
        field.exclusive_minimum = self.flag(schema, "exclusiveMinimum", path)?;
        field.exclusive_maximum = self.flag(schema, "exclusiveMaximum", path)?;
        field.min_items = count("minItems")?;
        field.max_items = count("maxItems")?;
        field.min_length = count("minLength")?;
        field.max_length = count("maxLength")?;
        if let Some(p) = schema.get("pattern") {
            let p = self.string(p, &path.key("pattern"))?;
            if !p.is_empty() {
                field.pattern = Some(p.to_owned());
            }
        }
        // A constraint the metadata puts on a type it cannot apply to (bounds on a string,
        // a length on a list) is kept as documentation, not checked.
        let numeric = matches!(field.ty.as_str(), "Integer" | "Long" | "Float");
        let mut misplaced: Vec<String> = Vec::new();
        if !numeric {
            for (key, value) in [
                ("minimum", field.minimum.take()),
                ("maximum", field.maximum.take()),
            ] {
                if let Some(v) = value {
                    misplaced.push(format!("{key} {v}"));
                }
            }
            field.exclusive_minimum = false;
            field.exclusive_maximum = false;
        }
        if field.minimum.is_none() {
            field.exclusive_minimum = false;
        }
        if field.maximum.is_none() {
            field.exclusive_maximum = false;
        }
        if field.ty != "List" {
            for (key, value) in [
                ("minItems", field.min_items.take()),
                ("maxItems", field.max_items.take()),
            ] {
                if let Some(v) = value {
                    misplaced.push(format!("{key} {v}"));
                }
            }
        }
        if field.ty != "String" {
            for (key, value) in [
                ("minLength", field.min_length.take()),
                ("maxLength", field.max_length.take()),
            ] {
                if let Some(v) = value {
                    misplaced.push(format!("{key} {v}"));
                }
            }
            if let Some(p) = field.pattern.take() {
                misplaced.push(format!("pattern `{p}`"));
            }
        }
        if !misplaced.is_empty() {
            note(
                field,
                &format!(
                    "The metadata also gives {}, which a {} does not take.",
                    misplaced.join(", "),
                    field.ty
                ),
            );
        }
        Ok(())
    }

    fn values(
        &self,
        schema: &Json,
        path: &JsonPath,
        field: &mut FieldSpec,
    ) -> Result<(), SpecError> {
        let mut values: Vec<String> = Vec::new();
        if let Some(list) = schema.get("enum") {
            let at = path.key("enum");
            let items = list.as_array().ok_or_else(|| {
                self.err(&at, format!("expected an array, found {}", list.kind()))
            })?;
            for (i, item) in items.iter().enumerate() {
                let text = item.scalar_text().ok_or_else(|| {
                    self.err(
                        &at.index(i),
                        format!("an enumerated value is {}", item.kind()),
                    )
                })?;
                if !values.contains(&text) {
                    values.push(text);
                }
            }
        }
        if let Some(titles) = schema.get("enumValueTitles") {
            let at = path.key("enumValueTitles");
            match titles {
                // An empty list stands for no values.
                Json::Array(items) if items.is_empty() => {}
                Json::Object(members) => {
                    for (value, title) in members {
                        let title = title.scalar_text().unwrap_or_default();
                        if !title.is_empty() && title != *value {
                            field.value_titles.insert(value.clone(), title);
                        }
                        if !values.contains(value) {
                            values.push(value.clone());
                        }
                    }
                }
                other => {
                    return Err(self.err(
                        &at,
                        format!(
                            "expected an object of value → title, found {}",
                            other.kind()
                        ),
                    ))
                }
            }
        }
        if values.is_empty() {
            return Ok(());
        }
        match field.ty.as_str() {
            "String" => field.values = Some(values),
            "Integer" | "Long" if values.iter().all(|v| v.parse::<i64>().is_ok()) => {
                field.values = Some(values)
            }
            // Values of the elements, written on the list.
            "List" => match field.items.as_mut() {
                Some(Items::Name(name)) if name == "String" => field.values = Some(values),
                Some(Items::Entry(entry)) if entry.values.is_none() => entry.values = Some(values),
                _ => note(field, &format!("Documented values: {}.", quoted(&values))),
            },
            // A boolean's values say nothing its type does not; their titles are documentation.
            _ => note(field, &format!("Documented values: {}.", quoted(&values))),
        }
        Ok(())
    }

    fn flag(&self, value: &Json, key: &str, path: &JsonPath) -> Result<bool, SpecError> {
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

    fn required<'a>(
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

    fn object<'a>(
        &self,
        value: &'a Json,
        path: &JsonPath,
    ) -> Result<&'a [(String, Json)], SpecError> {
        value
            .members()
            .ok_or_else(|| self.err(path, format!("expected an object, found {}", value.kind())))
    }

    fn string<'a>(&self, value: &'a Json, path: &JsonPath) -> Result<&'a str, SpecError> {
        value
            .as_str()
            .ok_or_else(|| self.err(path, format!("expected a string, found {}", value.kind())))
    }

    fn err(&self, path: &JsonPath, message: String) -> SpecError {
        SpecError::new(&self.file, message).path(path.to_string())
    }
}

/// Appends a sentence to a field's description.
fn note(field: &mut FieldSpec, sentence: &str) {
    field.description = Some(match field.description.take() {
        Some(d) => format!("{d}\n\n{sentence}"),
        None => sentence.to_owned(),
    });
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The demos of an action.
#[derive(Clone, Debug, Default)]
struct Demos {
    json: Option<String>,
    xml: Option<String>,
    error: Option<String>,
}

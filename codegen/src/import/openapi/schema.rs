//! Schemas: a parameter's or a field's type, its constraints and its values, and `$ref`s into
//! the document's components.

use super::{Document, Side};
use crate::error::SpecError;
use crate::import::json::{Json, JsonPath};
use crate::names;
use crate::spec::{FieldSpec, Items};

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
    "$ref",
    "isFileTransferUrl",
];

/// Keys of a schema that say nothing a client uses: read and passed over (spec/README.md says
/// why, key by key).
pub const IGNORED_SCHEMA_KEYS: &[&str] = &[
    "readOnly",
    "itemNode",
    "itemName",
    "nullToEmpty",
    "valueMapping",
    "backendName",
    "name",
    "visibility",
    "extendType",
    "index",
    "parseType",
    "nullable",
    "sensitive",
    "bizType",
    "trim",
    "dateFormat",
    "backendParamType",
];

impl Document {
    /// A schema as a field named `name`. `refs` holds the `$ref`s being resolved, against
    /// cycles.
    pub(super) fn schema(
        &self,
        schema: &Json,
        path: &JsonPath,
        name: &str,
        side: Side,
        refs: &mut Vec<String>,
    ) -> Result<FieldSpec, SpecError> {
        self.members(schema, path, &[SCHEMA_KEYS, IGNORED_SCHEMA_KEYS].concat())?;
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
                self.fallback(
                    path,
                    "a schema without `type` or `$ref`: read as free-form JSON".into(),
                )?;
                "any"
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
                field.ty = "List".into();
                match schema.get("items") {
                    Some(items) => {
                        let element = self.schema(items, &path.key("items"), name, side, refs)?;
                        self.set_element(&mut field, element);
                    }
                    None => {
                        // The list itself is documented: only its elements are untyped.
                        self.fallback(
                            path,
                            "an array without `items`: its elements are read as free-form JSON"
                                .into(),
                        )?;
                        field.items = Some(Items::Name("JSON".into()));
                    }
                }
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
        if self.flag(schema, "isFileTransferUrl", path)? {
            // The official SDKs upload a local file to OSS and send its URL here ("Advance"
            // calls); this client sends the URL it is given.
            note(
                &mut field,
                "A URL of a file in OSS: the official SDKs can upload a local file for it; this client sends the URL as given.",
            );
        }
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
            .and_then(|s| s.get(schema_name));
        let Some(resolved) = resolved else {
            self.fallback(
                &at,
                format!(
                    "reference `{target}` names no schema of the document: read as free-form JSON"
                ),
            )?;
            // What the referring schema says of the field still documents it.
            let text = |key: &str| {
                schema
                    .get(key)
                    .and_then(Json::scalar_text)
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
            };
            return Ok(FieldSpec {
                name: name.to_owned(),
                ty: "JSON".into(),
                description: text("description"),
                title: text("title"),
                required: if side == Side::Request {
                    Some(self.flag(schema, "required", path)?)
                } else {
                    None
                },
                ..FieldSpec::default()
            });
        };
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
                // scsp writes `minLength: -1`, which bounds nothing.
                Some(n) if n < 0.0 => {
                    self.warn(
                        &path.key(key),
                        format!("`{key}` is {n}, not a count: passed over"),
                        "report this document; no bound is checked until it is fixed",
                    )?;
                    Ok(None)
                }
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
            for (i, item) in self.array(list, &at)?.iter().enumerate() {
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

//! Loading and validating spec files: from YAML text to the [`model`](crate::model).

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::error::{locate, SpecError};
use crate::model::{Action, Enum, ErrorCode, Field, Pagination, Scalar, Service, Struct, Type};
use crate::sample;
use crate::spec::{ActionSpec, ErrorSpec, FieldSpec, PaginationSpec, ServiceSpec};

/// The name of the shared file in a spec directory.
pub const SERVICE_FILE: &str = "service.yaml";

/// The types a field may have, as the spec writes them.
const TYPES: &str = "String, Integer, Long, Boolean, Float, JSON, List, Object, Map";

/// Names the setters of a request would clash with on the fluent builder.
pub(crate) const RESERVED_SETTERS: &[&str] = &[
    "input",
    "set_input",
    "map_input",
    "send",
    "into_paginator",
    "new",
];

/// A spec directory, loaded: the service and its actions, sorted by name.
#[derive(Clone, Debug)]
pub struct SpecSet {
    /// The directory.
    pub dir: PathBuf,
    /// `service.yaml`.
    pub service: Service,
    /// Every other `*.yaml` file.
    pub actions: Vec<Action>,
}

/// Every error found in a spec directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl std::fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}

/// Loads `dir/service.yaml` and every action file beside it. Reports every file's first
/// error rather than stopping at the first file.
pub fn load_dir(dir: &Path) -> Result<SpecSet, SpecErrors> {
    let service_path = dir.join(SERVICE_FILE);
    let service = read(&service_path)
        .and_then(|text| parse_service(&service_path, &text))
        .map_err(|e| SpecErrors(vec![e]))?;
    let mut files = Vec::new();
    let entries = fs::read_dir(dir).map_err(|e| {
        SpecErrors(vec![SpecError::new(
            dir,
            format!("cannot read the spec directory: {e}"),
        )])
    })?;
    for entry in entries {
        let path = entry
            .map_err(|e| {
                SpecErrors(vec![SpecError::new(
                    dir,
                    format!("cannot list the spec directory: {e}"),
                )])
            })?
            .path();
        let is_yaml = path.extension().is_some_and(|x| x == "yaml" || x == "yml");
        if is_yaml && path.file_name().is_some_and(|n| n != SERVICE_FILE) {
            files.push(path);
        }
    }
    files.sort();
    let mut actions = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        match read(&path).and_then(|text| parse_action(&path, &text, &service)) {
            Ok(action) => actions.push(action),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(SpecErrors(errors));
    }
    actions.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(SpecSet {
        dir: dir.to_path_buf(),
        service,
        actions,
    })
}

fn read(path: &Path) -> Result<String, SpecError> {
    fs::read_to_string(path).map_err(|e| SpecError::new(path, format!("cannot read the file: {e}")))
}

fn parse_yaml<T: serde::de::DeserializeOwned>(file: &Path, text: &str) -> Result<T, SpecError> {
    yaml_serde::from_str(text).map_err(|e| {
        let line = e.location().map(|l| l.line());
        // The location is reported separately, as file:line.
        let message = e.to_string();
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_owned(),
            None => message,
        };
        let help = if message.contains("unknown field") {
            "remove the key or fix its spelling; spec/README.md lists every key"
        } else if message.contains("missing field") {
            "add the key; spec/README.md says what it holds"
        } else {
            "fix the YAML at that line; spec/README.md documents the format"
        };
        SpecError::new(file, message).at(line).help(help)
    })
}

/// Parses and validates `service.yaml`.
pub fn parse_service(file: &Path, text: &str) -> Result<Service, SpecError> {
    let spec: ServiceSpec = parse_yaml(file, text)?;
    let mut seen = HashSet::new();
    let errors = spec
        .errors
        .iter()
        .map(|e| error_code(file, text, e, &mut seen))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Service {
        file: file.to_path_buf(),
        product: spec.product,
        api_version: spec.api_version,
        endpoint: spec.endpoint,
        vpc_endpoint: spec.vpc_endpoint,
        errors,
    })
}

/// Parses and validates one action file against its service.
pub fn parse_action(file: &Path, text: &str, service: &Service) -> Result<Action, SpecError> {
    let spec: ActionSpec = parse_yaml(file, text)?;
    let cx = Cx { file, text };

    if !is_type_name(&spec.action) {
        return Err(cx
            .err(
                &["action"],
                format!(
                    "action name `{}` is not an UpperCamelCase identifier",
                    spec.action
                ),
            )
            .help("use the action's wire name, e.g. `ListExecutionLogs`"));
    }
    if file
        .file_stem()
        .is_some_and(|stem| stem != spec.action.as_str())
    {
        return Err(cx
            .err(
                &["action"],
                format!(
                    "the file holds action `{}` but is not named `{}.yaml`",
                    spec.action, spec.action
                ),
            )
            .help("name each action file after its action"));
    }

    let mut structs = Structs::new(&spec.action);
    let request = cx.fields("request", &[], &spec.request, true, &mut structs)?;
    let response = cx.fields("response", &[], &spec.response, false, &mut structs)?;

    let mut seen: HashSet<String> = service.errors.iter().map(|e| e.code.clone()).collect();
    let mut variants: HashSet<String> = service.errors.iter().map(|e| e.variant.clone()).collect();
    let mut errors = Vec::new();
    for e in &spec.errors {
        if service.errors.iter().any(|c| c.code == e.code) {
            return Err(cx
                .err(
                    &["errors", &e.code],
                    format!("error code `{}` is already common to every action", e.code),
                )
                .help(format!(
                    "remove it here: {} declares it for all actions",
                    service.file.display()
                )));
        }
        let code = error_code(file, text, e, &mut seen)?;
        if !variants.insert(code.variant.clone()) {
            return Err(cx
                .err(
                    &["errors", &e.code],
                    format!(
                        "error code `{}` gives variant `{}`, which another code already gives",
                        e.code, code.variant
                    ),
                )
                .help(
                    "two codes that differ only in dots cannot both be variants; report this spec",
                ));
        }
        errors.push(code);
    }

    let pagination = match &spec.pagination {
        Some(p) => Some(cx.pagination(p, &request, &response)?),
        None => None,
    };
    let idempotency_token = request
        .iter()
        .find(|f| f.wire == "ClientToken" && matches!(f.ty, Type::Scalar(Scalar::String)))
        .map(|f| f.rust.clone());

    if let Some(sample) = &spec.sample_response {
        sample::check(sample, &response).map_err(|e| {
            let start = locate(text, &["sample_response"]);
            let line = match (start, e.json_line) {
                (Some(start), Some(json_line)) => Some(start + json_line),
                (start, _) => start,
            };
            SpecError::new(file, e.message)
                .at(line)
                .path(format!("sample_response{}", e.json_path))
                .help(e.help)
        })?;
    }

    Ok(Action {
        file: file.to_path_buf(),
        module: spec.action.to_snake_case(),
        name: spec.action,
        summary: spec.summary,
        idempotent: spec.idempotent,
        request,
        response,
        errors,
        pagination,
        idempotency_token,
        sample_response: spec.sample_response,
    })
}

fn error_code(
    file: &Path,
    text: &str,
    e: &ErrorSpec,
    seen: &mut HashSet<String>,
) -> Result<ErrorCode, SpecError> {
    let at = || {
        SpecError::new(file, "")
            .at(locate(text, &["errors", &e.code]))
            .path(format!("errors.{}", e.code))
    };
    let variant: String = e.code.split('.').map(|s| s.to_upper_camel_case()).collect();
    if variant.is_empty()
        || !variant
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
    {
        let mut err =
            at().help("an error code starts with a letter, e.g. `EntityNotExists.Execution`");
        err.message = format!("error code `{}` cannot name an enum variant", e.code);
        return Err(err);
    }
    if variant == "Unhandled" {
        let mut err =
            at().help("`Unhandled` is the variant for undocumented codes; report this spec");
        err.message = "error code `Unhandled` is reserved".into();
        return Err(err);
    }
    if !seen.insert(e.code.clone()) {
        let mut err = at().help("keep one entry per code");
        err.message = format!("error code `{}` is listed twice", e.code);
        return Err(err);
    }
    Ok(ErrorCode {
        code: e.code.clone(),
        variant,
        http_status: e.http_status,
        message: e.message.clone(),
        description: e.description.clone(),
        retryable: e.retryable,
    })
}

/// The nested type names of one action, kept unique; enums with the same name and values
/// are one enum.
struct Structs {
    taken: HashSet<String>,
    enums: Vec<Enum>,
}

impl Structs {
    fn new(action: &str) -> Self {
        Self {
            taken: generated_type_names(action),
            enums: Vec::new(),
        }
    }
}

struct Cx<'a> {
    file: &'a Path,
    text: &'a str,
}

impl Cx<'_> {
    fn err(&self, keys: &[&str], message: String) -> SpecError {
        SpecError::new(self.file, message)
            .at(locate(self.text, keys))
            .path(keys.join("."))
    }

    fn fields(
        &self,
        section: &str,
        parents: &[&str],
        specs: &[FieldSpec],
        request: bool,
        structs: &mut Structs,
    ) -> Result<Vec<Field>, SpecError> {
        let mut wires = HashSet::new();
        let mut rusts = HashSet::new();
        let mut fields = Vec::new();
        for spec in specs {
            let mut keys = vec![section];
            keys.extend_from_slice(parents);
            keys.push(&spec.name);
            if !wires.insert(spec.name.as_str()) {
                return Err(self
                    .err(&keys, format!("field `{}` is declared twice", spec.name))
                    .help("keep one entry per field"));
            }
            let field = self.field(&keys, spec, request, parents.is_empty(), structs)?;
            if !rusts.insert(field.rust.clone()) {
                return Err(self
                    .err(
                        &keys,
                        format!(
                            "field `{}` gives Rust name `{}`, which another field already has",
                            spec.name, field.rust
                        ),
                    )
                    .help("give one of them a `rust_name`"));
            }
            fields.push(field);
        }
        Ok(fields)
    }

    fn field(
        &self,
        keys: &[&str],
        spec: &FieldSpec,
        request: bool,
        top_level: bool,
        structs: &mut Structs,
    ) -> Result<Field, SpecError> {
        let valid_wire = !spec.name.is_empty()
            && spec
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
        if !valid_wire {
            return Err(self
                .err(
                    keys,
                    format!("field name `{}` is not a wire name", spec.name),
                )
                .help("use the parameter name exactly as the page writes it, e.g. `ExecutionId`"));
        }
        let rust = match &spec.rust_name {
            Some(name) => {
                if !is_snake_ident(name) || is_keyword(name) {
                    return Err(self
                        .err(keys, format!("rust_name `{name}` is not a usable snake_case Rust identifier"))
                        .help("use lowercase letters, digits and `_`, not a keyword (e.g. `kind` or `type_`)"));
                }
                name.clone()
            }
            None => {
                let snake = spec.name.to_snake_case();
                if is_keyword(&snake) {
                    return Err(self
                        .err(
                            keys,
                            format!("field `{}` would be the Rust keyword `{snake}`", spec.name),
                        )
                        .help(format!(
                            "add `rust_name: {snake}_` (or another name) to this field"
                        )));
                }
                if !is_snake_ident(&snake) {
                    return Err(self
                        .err(
                            keys,
                            format!(
                                "field `{}` gives `{snake}`, which is not a Rust identifier",
                                spec.name
                            ),
                        )
                        .help("add a `rust_name` to this field"));
                }
                snake
            }
        };
        if request && top_level && RESERVED_SETTERS.contains(&rust.as_str()) {
            return Err(self
                .err(keys, format!("parameter `{}` would give setter `{rust}`, which the request builder already has", spec.name))
                .help(format!("add `rust_name: {rust}_value` (or another name) to this parameter")));
        }
        if !request && spec.required.is_some() {
            return Err(self
                .err(keys, "`required` applies to request parameters only".into())
                .help("remove `required` from this response field"));
        }
        let ty = self.ty(keys, spec, request, structs)?;
        if request && !top_level {
            return Err(self
                .err(keys, "nested request parameters are not supported".into())
                .help("declare the parameter as `type: JSON` and pass a serde_json::Value"));
        }
        let example = spec.example.clone().filter(|e| !e.is_empty() && e != "-");
        Ok(Field {
            wire: spec.name.clone(),
            rust,
            ty,
            required: spec.required.unwrap_or(false),
            example,
            description: spec.doc.clone().or_else(|| spec.description.clone()),
            undocumented: spec.undocumented,
        })
    }

    fn ty(
        &self,
        keys: &[&str],
        spec: &FieldSpec,
        request: bool,
        structs: &mut Structs,
    ) -> Result<Type, SpecError> {
        let container = matches!(spec.ty.as_str(), "List" | "Map");
        if spec.free_form {
            if !matches!(
                spec.ty.as_str(),
                "String"
                    | "Integer"
                    | "Long"
                    | "Boolean"
                    | "Float"
                    | "JSON"
                    | "List"
                    | "Object"
                    | "Map"
            ) {
                return Err(self
                    .err(keys, format!("unknown type `{}`", spec.ty))
                    .help(format!("use one of {TYPES}")));
            }
            if spec.values.is_some() || spec.struct_name.is_some() {
                return Err(self
                    .err(
                        keys,
                        "`free_form` keeps the value as JSON: it has no enum or struct".into(),
                    )
                    .help("remove `values`/`struct_name`, or `free_form`"));
            }
            return Ok(Type::Json);
        }
        if spec.items.is_some() && !container {
            return Err(self
                .err(
                    keys,
                    format!("`items` applies to List and Map, not to `{}`", spec.ty),
                )
                .help("remove `items`, or make the field a List or Map"));
        }
        // Request parameters are flat; a list or map goes on the wire JSON-encoded.
        if request && (spec.ty == "Object" || spec.items.as_deref() == Some("Object")) {
            return Err(self
                .err(keys, "object-valued request parameters are not supported".into())
                .help("declare the parameter as `type: JSON` (any value) or a List/Map of scalars; it is sent JSON-encoded"));
        }
        let element = match spec.ty.as_str() {
            "List" | "Map" => match &spec.items {
                Some(items) => items.as_str(),
                None => {
                    return Err(self
                        .err(keys, format!("a {} needs `items`: the type of its elements", spec.ty))
                        .help("add `items: Object` (with `fields`) or `items: String` (or another scalar)"))
                }
            },
            other => other,
        };
        let element_ty = match element {
            "Object" => {
                let Some(fields) = &spec.fields else {
                    return Err(self
                        .err(keys, "an Object needs `fields`".into())
                        .help("list the object's fields under `fields`"));
                };
                let name = match &spec.struct_name {
                    Some(name) => name.clone(),
                    None if container && spec.ty == "List" => {
                        singular(&spec.name.to_upper_camel_case())
                    }
                    None => spec.name.to_upper_camel_case(),
                };
                if !is_type_name(&name) {
                    return Err(self
                        .err(
                            keys,
                            format!("struct name `{name}` is not an UpperCamelCase identifier"),
                        )
                        .help("set `struct_name` to an UpperCamelCase name"));
                }
                if !structs.taken.insert(name.clone()) {
                    return Err(self
                        .err(keys, format!("the nested type of `{}` would be named `{name}`, which another type of this action already is", spec.name))
                        .help("give this field a distinct `struct_name`"));
                }
                let (section, rest) = keys.split_first().expect("keys start with the section");
                let nested = self.fields(section, rest, fields, request, structs)?;
                return Ok(wrap(
                    &spec.ty,
                    Type::Object(Struct {
                        name,
                        fields: nested,
                    }),
                ));
            }
            other => match scalar(other) {
                Some(s) => Type::Scalar(s),
                None if other == "JSON" => Type::Json,
                None => {
                    let what = if container { "element type" } else { "type" };
                    return Err(self
                        .err(keys, format!("unknown {what} `{other}`"))
                        .help(format!("use one of {TYPES}")));
                }
            },
        };
        let element_ty = match (&spec.values, element_ty) {
            (Some(values), Type::Scalar(Scalar::String)) => {
                Type::Enum(self.enumeration(keys, spec, values, structs)?)
            }
            (Some(_), _) => {
                return Err(self
                    .err(
                        keys,
                        format!("`values` applies to String fields, not to `{element}`"),
                    )
                    .help("remove `values`, or make the field a String"))
            }
            (None, ty) => {
                if spec.enum_name.is_some() {
                    return Err(self
                        .err(keys, "`enum_name` needs `values`".into())
                        .help("list the values, or remove `enum_name`"));
                }
                ty
            }
        };
        if spec.fields.is_some() {
            return Err(self
                .err(keys, format!("`fields` applies to objects, not to `{}`", element))
                .help("remove `fields`, or make the field an Object (or a List/Map with `items: Object`)"));
        }
        if spec.struct_name.is_some() {
            return Err(self
                .err(keys, "`struct_name` applies to objects only".into())
                .help("remove `struct_name`"));
        }
        Ok(wrap(&spec.ty, element_ty))
    }

    fn enumeration(
        &self,
        keys: &[&str],
        spec: &FieldSpec,
        values: &[String],
        structs: &mut Structs,
    ) -> Result<Enum, SpecError> {
        let name = spec
            .enum_name
            .clone()
            .unwrap_or_else(|| spec.name.to_upper_camel_case());
        if !is_type_name(&name) {
            return Err(self
                .err(
                    keys,
                    format!("enum name `{name}` is not an UpperCamelCase identifier"),
                )
                .help("set `enum_name` to an UpperCamelCase name"));
        }
        let mut pairs: Vec<(String, String)> = Vec::new();
        for value in values {
            let variant = value.to_upper_camel_case();
            let ok = variant
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && variant != "Unknown";
            if !ok {
                return Err(self
                    .err(keys, format!("value `{value}` cannot name an enum variant"))
                    .help("values start with a letter and `Unknown` is reserved for values the page does not list"));
            }
            if let Some((_, other)) = pairs.iter().find(|(v, _)| *v == variant) {
                return Err(self
                    .err(
                        keys,
                        format!("values `{other}` and `{value}` both give variant `{variant}`"),
                    )
                    .help("remove the duplicate value"));
            }
            pairs.push((variant, value.clone()));
        }
        let e = Enum {
            name,
            values: pairs,
        };
        if let Some(same) = structs.enums.iter().find(|other| other.name == e.name) {
            if *same == e {
                return Ok(e);
            }
            return Err(self
                .err(
                    keys,
                    format!("enum `{}` is already defined with other values", e.name),
                )
                .help("give this field a distinct `enum_name`"));
        }
        if !structs.taken.insert(e.name.clone()) {
            return Err(self
                .err(keys, format!("the enum of `{}` would be named `{}`, which another type of this action already is", spec.name, e.name))
                .help("give this field a distinct `enum_name`"));
        }
        structs.enums.push(e.clone());
        Ok(e)
    }

    fn pagination(
        &self,
        p: &PaginationSpec,
        request: &[Field],
        response: &[Field],
    ) -> Result<Pagination, SpecError> {
        let find = |fields: &'_ [Field], key: &str, wire: &str, section: &str| {
            fields
                .iter()
                .find(|f| f.wire == wire)
                .cloned()
                .ok_or_else(|| {
                    self.err(
                        &["pagination"],
                        format!("`{key}` names `{wire}`, which is not a {section} field"),
                    )
                    .path(format!("pagination.{key}"))
                    .help(format!(
                        "name a top-level field under `{section}`, or declare `{wire}` there"
                    ))
                })
        };
        let wrong = |key: &str, wire: &str, want: &str| {
            self.err(
                &["pagination"],
                format!("`{key}` names `{wire}`, which is not {want}"),
            )
            .path(format!("pagination.{key}"))
            .help(format!("point `{key}` at a field that is {want}"))
        };
        let input_token = find(request, "input_token", &p.input_token, "request")?;
        if !matches!(input_token.ty, Type::Scalar(Scalar::String)) {
            return Err(wrong("input_token", &p.input_token, "a String"));
        }
        let page_size = match &p.page_size {
            Some(wire) => {
                let f = find(request, "page_size", wire, "request")?;
                match f.ty {
                    Type::Scalar(s @ (Scalar::Integer | Scalar::Long)) => Some((f.rust, s)),
                    _ => return Err(wrong("page_size", wire, "an Integer or Long")),
                }
            }
            None => None,
        };
        let output_token = find(response, "output_token", &p.output_token, "response")?;
        if !matches!(output_token.ty, Type::Scalar(Scalar::String)) {
            return Err(wrong("output_token", &p.output_token, "a String"));
        }
        let items = find(response, "items", &p.items, "response")?;
        let Type::List(item) = items.ty else {
            return Err(wrong("items", &p.items, "a List"));
        };
        Ok(Pagination {
            input_token: input_token.rust,
            page_size,
            output_token: output_token.rust,
            items: items.rust,
            item: *item,
        })
    }
}

fn wrap(container: &str, element: Type) -> Type {
    match container {
        "List" => Type::List(Box::new(element)),
        "Map" => Type::Map(Box::new(element)),
        _ => element,
    }
}

fn scalar(name: &str) -> Option<Scalar> {
    Some(match name {
        "String" => Scalar::String,
        "Integer" => Scalar::Integer,
        "Long" => Scalar::Long,
        "Boolean" => Scalar::Boolean,
        "Float" => Scalar::Float,
        _ => return None,
    })
}

/// `ExecutionLogs` → `ExecutionLog`, `Policies` → `Policy`, `Addresses` → `Address`.
pub(crate) fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = name
        .strip_suffix("sses")
        .or_else(|| name.strip_suffix("xes"))
    {
        format!("{stem}{}", if name.ends_with("sses") { "ss" } else { "x" })
    } else if name.ends_with('s') && !name.ends_with("ss") && !name.ends_with("us") {
        name[..name.len() - 1].to_owned()
    } else {
        format!("{name}Item")
    }
}

/// The types every action module defines; nested types must not take these names.
pub(crate) fn generated_type_names(action: &str) -> HashSet<String> {
    ["Input", "Output", "Error", "FluentBuilder"]
        .iter()
        .map(|s| format!("{action}{s}"))
        .collect()
}

/// An UpperCamelCase identifier, as action, struct and enum names must be.
fn is_type_name(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
}

fn is_snake_ident(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s != "_"
}

pub(crate) fn is_keyword(s: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn",
        "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
        "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
        "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final",
        "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
    ];
    KEYWORDS.contains(&s)
}

#[cfg(test)]
mod tests {
    use super::singular;

    #[test]
    fn singular_names() {
        assert_eq!(singular("ExecutionLogs"), "ExecutionLog");
        assert_eq!(singular("Policies"), "Policy");
        assert_eq!(singular("Addresses"), "Address");
        assert_eq!(singular("Boxes"), "Box");
        assert_eq!(singular("Status"), "StatusItem");
        assert_eq!(singular("Data"), "DataItem");
    }
}

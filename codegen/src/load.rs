//! Loading and validating spec files: from YAML text to the [`model`](crate::model).
//!
//! Each action file is checked on its own ([`parse_action`]); the spec set then gathers the
//! nested types every action declares and checks that same-named ones agree
//! ([`crate::shapes`]).

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use heck::ToSnakeCase;

use crate::error::{locate, Fix, SpecError};
use crate::model::{
    Action, Constraints, EnumDef, ErrorCode, Field, Location, Method, Origin, Pagination, Sample,
    Scalar, Service, Shape, SpecSet, StructDef, Style, Type,
};
use crate::names;
use crate::sample;
use crate::spec::{ActionSpec, ErrorSpec, FieldSpec, Items, PaginationSpec, ServiceSpec};

/// The name of the shared file in a spec directory.
pub const SERVICE_FILE: &str = "service.yaml";

/// The types a field may have, as the spec writes them.
const TYPES: &str = "String, Integer, Long, Boolean, Float, JSON, List, Object, Map";

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

/// One action file, checked on its own: the action and the nested types it declares.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// The action.
    pub action: Action,
    /// The nested object types of its fields, by name.
    pub structs: BTreeMap<String, StructDef>,
    /// The string enums of its fields, by name.
    pub enums: BTreeMap<String, EnumDef>,
    /// Structs its fields refer to by name, declared elsewhere, and where.
    pub references: Vec<(String, Origin)>,
}

/// Loads `dir/service.yaml` and every action file beside it. Reports every file's first
/// error rather than stopping at the first file.
pub fn load_dir(dir: &Path) -> Result<SpecSet, SpecErrors> {
    let service_path = dir.join(SERVICE_FILE);
    let service = read(&service_path)
        .and_then(|text| parse_service(&service_path, &text))
        .map_err(|e| SpecErrors(vec![e]))?;
    let files = action_files(dir).map_err(|e| SpecErrors(vec![e]))?;
    let mut parsed = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        match read(&path).and_then(|text| parse_action_types(&path, &text, &service)) {
            Ok(p) => parsed.push(p),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(SpecErrors(errors));
    }
    parsed.sort_by(|a, b| a.action.name.cmp(&b.action.name));
    let clashes = crate::waiters::clashes(parsed.iter().flat_map(|p| {
        p.action
            .waiters
            .iter()
            .map(move |w| (p.action.file.as_path(), w))
    }));
    if !clashes.is_empty() {
        return Err(SpecErrors(clashes));
    }
    crate::shapes::gather(dir, service, parsed)
}

/// The action files of a spec directory, sorted.
pub fn action_files(dir: &Path) -> Result<Vec<PathBuf>, SpecError> {
    let entries = fs::read_dir(dir)
        .map_err(|e| SpecError::new(dir, format!("cannot read the spec directory: {e}")))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| SpecError::new(dir, format!("cannot list the spec directory: {e}")))?
            .path();
        let is_yaml = path.extension().is_some_and(|x| x == "yaml" || x == "yml");
        if is_yaml && path.file_name().is_some_and(|n| n != SERVICE_FILE) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
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
    for (key, pattern) in [
        ("endpoint", &spec.endpoint),
        ("vpc_endpoint", &spec.vpc_endpoint),
    ] {
        if !pattern.contains("{region}") {
            return Err(
                SpecError::new(file, format!("`{key}` has no `{{region}}` placeholder"))
                    .at(locate(text, &[key]))
                    .path(key)
                    .help("write the pattern with `{region}` where the region id goes"),
            );
        }
    }
    let sources = spec.sources.unwrap_or_default();
    Ok(Service {
        file: file.to_path_buf(),
        product: spec.product,
        api_version: spec.api_version,
        endpoint: spec.endpoint,
        vpc_endpoint: spec.vpc_endpoint,
        endpoints: spec.endpoints,
        pages: sources.pages.map(PathBuf::from),
        openapi: sources.openapi.map(PathBuf::from),
        groups: spec.groups.into_iter().map(|g| (g.title, g.name)).collect(),
        errors,
    })
}

/// Parses and validates one action file against its service.
pub fn parse_action(file: &Path, text: &str, service: &Service) -> Result<Action, SpecError> {
    parse_action_types(file, text, service).map(|p| p.action)
}

/// Parses and validates one action file, with the nested types it declares.
pub fn parse_action_types(file: &Path, text: &str, service: &Service) -> Result<Parsed, SpecError> {
    let spec: ActionSpec = parse_yaml(file, text)?;
    let mut cx = Cx {
        file,
        text,
        action: spec.action.clone(),
        structs: BTreeMap::new(),
        enums: BTreeMap::new(),
        references: Vec::new(),
    };

    if !names::is_type_name(&spec.action) {
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
    let method = match spec.method.as_deref() {
        None | Some("POST") => Method::Post,
        Some("GET") => Method::Get,
        Some(other) => {
            return Err(cx
                .err(&["method"], format!("method `{other}` is not supported"))
                .help("use `POST` (the default) or `GET`"))
        }
    };

    let request = cx.fields("request", &[], &spec.request, Side::Request)?;
    let response = cx.fields("response", &[], &spec.response, Side::Response)?;
    let errors = cx.errors(&spec.errors, service)?;

    let pagination = match &spec.pagination {
        Some(p) => Some(cx.pagination(p, &request, &response)?),
        None => None,
    };
    let waiters = crate::waiters::check(
        &crate::waiters::Context {
            file,
            text,
            request: &request,
            response: &response,
            structs: &cx.structs,
            enums: &cx.enums,
        },
        &spec.waiters,
    )?;
    let idempotency_token = request
        .iter()
        .find(|f| f.wire == "ClientToken" && f.shape.ty == Type::Scalar(Scalar::String))
        .map(|f| f.rust.clone());

    let mut samples = Vec::new();
    for (key, json) in [
        ("sample_response", &spec.sample_response),
        ("demo_response", &spec.demo_response),
    ] {
        let Some(json) = json else { continue };
        sample::check(json, &response, &cx.structs).map_err(|e| {
            let start = locate(text, &[key]);
            let line = match (start, e.json_line) {
                (Some(start), Some(json_line)) => Some(start + json_line),
                (start, _) => start,
            };
            SpecError::new(file, e.message)
                .at(line)
                .path(format!("{key}{}", e.json_path))
                .help(e.help)
        })?;
        samples.push(Sample {
            key,
            json: json.clone(),
        });
    }
    if let Some(text) = &spec.demo_error {
        if serde_json::from_str::<serde_json::Value>(text).is_err() {
            return Err(cx
                .err(&["demo_error"], "the error demo is not valid JSON".into())
                .help("paste the metadata's errorExample verbatim"));
        }
    }

    let action = Action {
        file: file.to_path_buf(),
        module: spec.action.to_snake_case(),
        name: spec.action,
        summary: spec.summary,
        description: spec.description,
        group: spec.group,
        deprecated: spec.deprecated,
        method,
        idempotent: spec.idempotent,
        request,
        response,
        errors,
        pagination,
        waiters,
        idempotency_token,
        samples,
    };
    Ok(Parsed {
        action,
        structs: cx.structs,
        enums: cx.enums,
        references: cx.references,
    })
}

fn error_code(
    file: &Path,
    text: &str,
    e: &ErrorSpec,
    seen: &mut HashSet<String>,
) -> Result<ErrorCode, SpecError> {
    let at = |message: String, help: &str| {
        SpecError::new(file, message)
            .at(locate(text, &["errors", &e.code]))
            .path(format!("errors.{}", e.code))
            .help(help)
    };
    let variant = names::error_variant(&e.code);
    if !names::is_type_name(&variant) {
        return Err(at(
            format!("error code `{}` cannot name an enum variant", e.code),
            "an error code starts with a letter, e.g. `EntityNotExists.Execution`",
        ));
    }
    if variant == "Unhandled" || variant == "Common" {
        return Err(at(
            format!("error code `{}` gives the reserved variant `{variant}`", e.code),
            "`Unhandled` and `Common` are the variants for undocumented and common codes; report this spec",
        ));
    }
    if !seen.insert(e.code.clone()) {
        return Err(at(
            format!("error code `{}` is listed twice", e.code),
            "keep one entry per code",
        ));
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

/// Which half of an exchange a field belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// Where a field sits: its path keys (section, then the names of its parents and itself).
struct Cx<'a> {
    file: &'a Path,
    text: &'a str,
    action: String,
    structs: BTreeMap<String, StructDef>,
    enums: BTreeMap<String, EnumDef>,
    /// Structs referred to by name, and where.
    references: Vec<(String, Origin)>,
}

impl Cx<'_> {
    fn err(&self, keys: &[&str], message: String) -> SpecError {
        SpecError::new(self.file, message)
            .at(locate(self.text, keys))
            .path(keys.join("."))
    }

    fn origin(&self, keys: &[&str]) -> Origin {
        Origin {
            file: self.file.to_path_buf(),
            line: locate(self.text, keys),
            path: keys.join("."),
            keys: keys.iter().map(|k| k.to_string()).collect(),
        }
    }

    fn errors(&self, specs: &[ErrorSpec], service: &Service) -> Result<Vec<ErrorCode>, SpecError> {
        let mut seen: HashSet<String> = service.errors.iter().map(|e| e.code.clone()).collect();
        let mut variants: HashSet<String> =
            service.errors.iter().map(|e| e.variant.clone()).collect();
        let mut errors = Vec::new();
        for e in specs {
            if service.errors.iter().any(|c| c.code == e.code) {
                return Err(self
                    .err(
                        &["errors", &e.code],
                        format!("error code `{}` is already common to every action", e.code),
                    )
                    .help(format!(
                        "remove it here: {} declares it for all actions",
                        service.file.display()
                    )));
            }
            let code = error_code(self.file, self.text, e, &mut seen)?;
            if !variants.insert(code.variant.clone()) {
                return Err(self
                    .err(
                        &["errors", &e.code],
                        format!(
                            "error code `{}` gives variant `{}`, which another code already gives",
                            e.code, code.variant
                        ),
                    )
                    .help(
                        "two codes that differ only in punctuation cannot both be variants; report this spec",
                    ));
            }
            errors.push(code);
        }
        Ok(errors)
    }

    fn fields(
        &mut self,
        section: &str,
        parents: &[&str],
        specs: &[FieldSpec],
        side: Side,
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
            let field = self.field(&keys, spec, side, parents.is_empty())?;
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
        &mut self,
        keys: &[&str],
        spec: &FieldSpec,
        side: Side,
        top_level: bool,
    ) -> Result<Field, SpecError> {
        let valid_wire = !spec.name.is_empty()
            && spec
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.:@$".contains(c));
        if !valid_wire {
            return Err(self
                .err(
                    keys,
                    format!("field name `{}` is not a wire name", spec.name),
                )
                .help("use the parameter name exactly as the documentation writes it, e.g. `ExecutionId`"));
        }
        let rust = match &spec.rust_name {
            Some(name) => {
                if !names::is_snake_ident(name) || names::is_keyword(name) {
                    return Err(self
                        .err(keys, format!("rust_name `{name}` is not a usable snake_case Rust identifier"))
                        .help("use lowercase letters, digits and `_`, not a keyword (e.g. `kind` or `type_`)"));
                }
                name.clone()
            }
            None => {
                let snake = spec.name.to_snake_case();
                if names::is_keyword(&snake) {
                    return Err(self
                        .err(
                            keys,
                            format!("field `{}` would be the Rust keyword `{snake}`", spec.name),
                        )
                        .help(format!(
                            "add `rust_name: {snake}_` (or another name) to this field"
                        )));
                }
                if !names::is_snake_ident(&snake) {
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
        let request = side == Side::Request;
        if request && names::RESERVED_SETTERS.contains(&rust.as_str()) {
            return Err(self
                .err(keys, format!("parameter `{}` would give setter `{rust}`, which the request builder already has", spec.name))
                .help(format!("add `rust_name: {rust}_value` (or another name) to this parameter")));
        }
        if !request {
            for (key, set) in [
                ("required", spec.required.is_some()),
                ("doc_required", spec.doc_required.is_some()),
                ("style", spec.style.is_some()),
                ("in", spec.location.is_some()),
                ("default", spec.default.is_some()),
            ] {
                if set {
                    return Err(self
                        .err(keys, format!("`{key}` applies to request parameters only"))
                        .help(format!("remove `{key}` from this response field")));
                }
            }
        }
        if !top_level {
            for (key, set) in [
                ("style", spec.style.is_some()),
                ("in", spec.location.is_some()),
            ] {
                if set {
                    return Err(self
                        .err(
                            keys,
                            format!("`{key}` applies to top-level parameters only"),
                        )
                        .help(format!(
                            "remove `{key}`: a nested field is encoded as its parameter is"
                        )));
                }
            }
        }
        let shape = self.shape(keys, spec, side, &spec.name)?;
        let style = if request && top_level {
            self.style(keys, spec, &shape.ty)?
        } else {
            Style::Plain
        };
        let location = match spec.location.as_deref() {
            None | Some("query") => Location::Query,
            Some("formData") => Location::Form,
            Some(other) => {
                return Err(self
                    .err(keys, format!("`in: {other}` is not supported"))
                    .help("use `query` (the default) or `formData`: RPC-style actions send nothing in headers or the path"))
            }
        };
        Ok(Field {
            wire: spec.name.clone(),
            rust,
            shape,
            required: spec.required.unwrap_or(false),
            doc_required: spec.doc_required,
            undocumented: spec.undocumented,
            style,
            location,
            deprecated: spec.deprecated,
            default: spec.default.clone(),
        })
    }

    fn style(&self, keys: &[&str], spec: &FieldSpec, ty: &Type) -> Result<Style, SpecError> {
        let structured = matches!(
            ty,
            Type::List(_) | Type::Map(_) | Type::Object(_) | Type::Json
        );
        let list_of_scalars =
            matches!(ty, Type::List(e) if matches!(e.ty, Type::Scalar(_) | Type::Enum(_)));
        let style = match spec.style.as_deref() {
            None if structured => return Ok(Style::Json),
            None => return Ok(Style::Plain),
            Some("json") => Style::Json,
            Some("repeatList") => Style::RepeatList,
            Some("flat") => Style::Flat,
            Some("simple") => Style::Simple,
            Some("spaceDelimited") => Style::SpaceDelimited,
            Some("pipeDelimited") => Style::PipeDelimited,
            Some(other) => {
                return Err(self
                    .err(keys, format!("unknown style `{other}`"))
                    .help("use json, repeatList, flat, simple, spaceDelimited or pipeDelimited"))
            }
        };
        let fits = match style {
            Style::Json | Style::RepeatList | Style::Flat => structured,
            Style::Simple | Style::SpaceDelimited | Style::PipeDelimited => list_of_scalars,
            Style::Plain => true,
        };
        if !fits {
            let want = match style {
                Style::Simple | Style::SpaceDelimited | Style::PipeDelimited => "a List of scalars",
                _ => "a List, Map, Object or JSON value",
            };
            return Err(self
                .err(
                    keys,
                    format!(
                        "style `{}` applies to {want}, not to `{}`",
                        style.name(),
                        spec.ty
                    ),
                )
                .help("remove `style` (a scalar is sent as it is), or fix the type"));
        }
        Ok(style)
    }

    /// The shape of a field or element: `name` is the field's wire name, which names nested
    /// types.
    fn shape(
        &mut self,
        keys: &[&str],
        spec: &FieldSpec,
        side: Side,
        name: &str,
    ) -> Result<Shape, SpecError> {
        let ty = self.ty(keys, spec, side, name)?;
        let constraints = self.constraints(keys, spec, &ty)?;
        Ok(Shape {
            ty,
            description: spec.doc.clone().or_else(|| spec.description.clone()),
            example: spec.example.clone().filter(|e| !e.is_empty() && e != "-"),
            title: spec.title.clone(),
            format: spec.format.clone(),
            constraints,
        })
    }

    fn ty(
        &mut self,
        keys: &[&str],
        spec: &FieldSpec,
        side: Side,
        name: &str,
    ) -> Result<Type, SpecError> {
        let known = matches!(
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
        );
        if !known {
            return Err(self
                .err(keys, format!("unknown type `{}`", spec.ty))
                .help(format!("use one of {TYPES}")));
        }
        let container = matches!(spec.ty.as_str(), "List" | "Map");
        if spec.free_form {
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
        if container {
            let Some(items) = &spec.items else {
                return Err(self
                    .err(keys, format!("a {} needs `items`: the type of its elements", spec.ty))
                    .help("add `items: Object` (with `fields`) or `items: String` (or another scalar)"));
            };
            let list = spec.ty == "List";
            let element = match items {
                Items::Name(element) => {
                    // The short form: the parent's `fields`, `values` and names describe the
                    // element.
                    let entry = FieldSpec {
                        ty: element.clone(),
                        fields: spec.fields.clone(),
                        values: spec.values.clone(),
                        enum_name: spec.enum_name.clone(),
                        struct_name: spec.struct_name.clone(),
                        ..FieldSpec::default()
                    };
                    if !matches!(
                        element.as_str(),
                        "String" | "Integer" | "Long" | "Boolean" | "Float" | "JSON" | "Object"
                    ) {
                        let help = if matches!(element.as_str(), "List" | "Map") {
                            "a nested container needs an element entry: `items: {type: List, items: String}`".to_owned()
                        } else {
                            format!("use one of {TYPES}")
                        };
                        return Err(self
                            .err(keys, format!("unknown element type `{element}`"))
                            .help(help));
                    }
                    for (key, set) in [
                        ("minimum", spec.minimum.is_some()),
                        ("maximum", spec.maximum.is_some()),
                        ("min_length", spec.min_length.is_some()),
                        ("max_length", spec.max_length.is_some()),
                        ("pattern", spec.pattern.is_some()),
                    ] {
                        if set {
                            return Err(self
                                .err(
                                    keys,
                                    format!("`{key}` describes a scalar, not a {}", spec.ty),
                                )
                                .help(format!(
                                    "move `{key}` into an element entry under `items`"
                                )));
                        }
                    }
                    self.element(keys, &entry, side, name, list)?
                }
                Items::Entry(entry) => {
                    if spec.fields.is_some()
                        || spec.values.is_some()
                        || spec.struct_name.is_some()
                        || spec.enum_name.is_some()
                    {
                        return Err(self
                            .err(keys, "with an element entry under `items`, `fields`, `values`, `struct_name` and `enum_name` go into that entry".into())
                            .help("move them under `items`"));
                    }
                    for (key, set) in [
                        ("name", !entry.name.is_empty()),
                        ("required", entry.required.is_some()),
                        ("style", entry.style.is_some()),
                        ("in", entry.location.is_some()),
                        ("rust_name", entry.rust_name.is_some()),
                        ("undocumented", entry.undocumented),
                        ("doc_type", entry.doc_type.is_some()),
                    ] {
                        if set {
                            return Err(self
                                .err(keys, format!("an element entry has no `{key}`"))
                                .help(format!("remove `{key}` from `items`")));
                        }
                    }
                    self.element(keys, entry, side, name, list)?
                }
            };
            let shape = Box::new(element);
            return Ok(if list {
                Type::List(shape)
            } else {
                Type::Map(shape)
            });
        }
        self.plain(keys, spec, side, name, false)
    }

    /// The element of a container.
    fn element(
        &mut self,
        keys: &[&str],
        entry: &FieldSpec,
        side: Side,
        name: &str,
        in_list: bool,
    ) -> Result<Shape, SpecError> {
        if matches!(entry.ty.as_str(), "List" | "Map") {
            let mut shape = self.shape(keys, entry, side, name)?;
            // A nested container's own objects are named like its parent's.
            shape.description = entry.doc.clone().or_else(|| entry.description.clone());
            return Ok(shape);
        }
        let ty = self.plain(keys, entry, side, name, in_list)?;
        let constraints = self.constraints(keys, entry, &ty)?;
        Ok(Shape {
            ty,
            description: entry.doc.clone().or_else(|| entry.description.clone()),
            example: entry.example.clone().filter(|e| !e.is_empty() && e != "-"),
            title: entry.title.clone(),
            format: entry.format.clone(),
            constraints,
        })
    }

    /// A scalar, JSON, enum or object type (not a container).
    fn plain(
        &mut self,
        keys: &[&str],
        spec: &FieldSpec,
        side: Side,
        name: &str,
        in_list: bool,
    ) -> Result<Type, SpecError> {
        let ty = match spec.ty.as_str() {
            "Object" => {
                let Some(fields) = &spec.fields else {
                    // Without fields, a named struct is a reference to its declaration (a type
                    // that contains itself).
                    if let Some(name) = &spec.struct_name {
                        if !names::is_type_name(name) {
                            return Err(self
                                .err(
                                    keys,
                                    format!(
                                        "struct name `{name}` is not an UpperCamelCase identifier"
                                    ),
                                )
                                .help("set `struct_name` to an UpperCamelCase name"));
                        }
                        self.references.push((name.clone(), self.origin(keys)));
                        return Ok(Type::Object(name.clone()));
                    }
                    return Err(self
                        .err(keys, "an Object needs `fields`".into())
                        .help("list the object's fields under `fields`, name the struct it refers to with `struct_name`, or make it `type: JSON` (any value)"));
                };
                let struct_name = spec
                    .struct_name
                    .clone()
                    .unwrap_or_else(|| names::struct_name(name, in_list));
                if !names::is_type_name(&struct_name) {
                    return Err(self
                        .err(
                            keys,
                            format!(
                                "struct name `{struct_name}` is not an UpperCamelCase identifier"
                            ),
                        )
                        .help("set `struct_name` to an UpperCamelCase name"));
                }
                self.check_type_name(keys, &struct_name, name, false)?;
                let (section, rest) = keys.split_first().expect("keys start with the section");
                let nested = self.fields(section, rest, fields, side)?;
                let origin = self.origin(keys);
                let def = StructDef {
                    name: struct_name.clone(),
                    fields: nested,
                    users: [self.action.clone()].into(),
                    in_request: side == Side::Request,
                    origin,
                };
                if self.enums.contains_key(&struct_name) {
                    return Err(self
                        .err(keys, format!("the nested type of `{name}` would be named `{struct_name}`, which an enum of this action already is"))
                        .help("give this field a distinct `struct_name`")
                        .fix(Fix::RenameStruct(keys.iter().map(|k| k.to_string()).collect())));
                }
                match self.structs.get_mut(&struct_name) {
                    Some(existing) => {
                        crate::shapes::merge_struct(existing, def).map_err(|conflict| {
                            let mut at: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
                            let fix = if conflict.rename {
                                Fix::RenameStruct(at)
                            } else {
                                at.push(conflict.field.clone());
                                Fix::FreeForm(at)
                            };
                            self.err(keys, conflict.message)
                                .help("give one of them a distinct `struct_name`, or make the fields agree")
                                .fix(fix)
                        })?;
                    }
                    None => {
                        self.structs.insert(struct_name.clone(), def);
                    }
                }
                return Ok(Type::Object(struct_name));
            }
            "JSON" => Type::Json,
            other => match scalar(other) {
                Some(s) => Type::Scalar(s),
                None => {
                    return Err(self
                        .err(keys, format!("unknown type `{other}`"))
                        .help(format!("use one of {TYPES}")))
                }
            },
        };
        if spec.fields.is_some() {
            return Err(self
                .err(keys, format!("`fields` applies to objects, not to `{}`", spec.ty))
                .help("remove `fields`, or make the field an Object (or a List/Map with `items: Object`)"));
        }
        if spec.struct_name.is_some() {
            return Err(self
                .err(keys, "`struct_name` applies to objects only".into())
                .help("remove `struct_name`"));
        }
        match (&spec.values, &ty) {
            (Some(values), Type::Scalar(Scalar::String)) => {
                self.enumeration(keys, spec, values, side, name)
            }
            (Some(values), Type::Scalar(Scalar::Integer | Scalar::Long)) => {
                if let Some(bad) = values.iter().find(|v| v.parse::<i64>().is_err()) {
                    return Err(self
                        .err(
                            keys,
                            format!("value `{bad}` of an integer field is not an integer"),
                        )
                        .help("list integers only, or make the field a String"));
                }
                if spec.enum_name.is_some() {
                    return Err(self
                        .err(keys, "`enum_name` applies to String values only".into())
                        .help("remove `enum_name`: integer values are checked, not an enum"));
                }
                Ok(ty)
            }
            (Some(_), _) => Err(self
                .err(
                    keys,
                    format!(
                        "`values` applies to String and Integer fields, not to `{}`",
                        spec.ty
                    ),
                )
                .help("remove `values`, or fix the type")),
            (None, ty) => {
                if spec.enum_name.is_some() {
                    return Err(self
                        .err(keys, "`enum_name` needs `values`".into())
                        .help("list the values, or remove `enum_name`"));
                }
                Ok(ty.clone())
            }
        }
    }

    /// A String with enumerated values: a Rust enum, or (when a value cannot be a variant) a
    /// String whose values are checked.
    fn enumeration(
        &mut self,
        keys: &[&str],
        spec: &FieldSpec,
        values: &[String],
        side: Side,
        name: &str,
    ) -> Result<Type, SpecError> {
        let enum_name = spec
            .enum_name
            .clone()
            .unwrap_or_else(|| names::struct_name(name, false));
        if !names::is_type_name(&enum_name) {
            return Err(self
                .err(
                    keys,
                    format!("enum name `{enum_name}` is not an UpperCamelCase identifier"),
                )
                .help("set `enum_name` to an UpperCamelCase name"));
        }
        if values.is_empty() {
            return Err(self
                .err(keys, "`values` is empty".into())
                .help("list the allowed values, or remove `values`"));
        }
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut as_enum = true;
        for value in values {
            if pairs.iter().any(|(_, w)| w == value) {
                return Err(self
                    .err(keys, format!("value `{value}` is listed twice"))
                    .help("remove the duplicate value"));
            }
            match names::value_variant(value) {
                Some(variant) if !pairs.iter().any(|(v, _)| *v == variant) => {
                    pairs.push((variant, value.clone()))
                }
                _ => as_enum = false,
            }
        }
        if !as_enum {
            if spec.enum_name.is_some() {
                return Err(self
                    .err(keys, format!("the values of `{name}` cannot all be enum variants, so there is no enum to name"))
                    .help("remove `enum_name`: these values are checked on a String"));
            }
            return Ok(Type::Scalar(Scalar::String));
        }
        self.check_type_name(keys, &enum_name, name, true)?;
        if self.structs.contains_key(&enum_name) {
            return Err(self
                .err(keys, format!("the enum of `{name}` would be named `{enum_name}`, which a struct of this action already is"))
                .help("give this field a distinct `enum_name`")
                .fix(Fix::RenameEnum(keys.iter().map(|k| k.to_string()).collect())));
        }
        let def = EnumDef {
            name: enum_name.clone(),
            values: pairs,
            users: [self.action.clone()].into(),
            in_request: side == Side::Request,
            origin: self.origin(keys),
        };
        match self.enums.get_mut(&enum_name) {
            Some(existing) if existing.values == def.values => {
                existing.in_request |= def.in_request;
            }
            Some(_) => {
                return Err(self
                    .err(
                        keys,
                        format!("enum `{enum_name}` is already defined with other values"),
                    )
                    .help("give this field a distinct `enum_name`")
                    .fix(Fix::RenameEnum(
                        keys.iter().map(|k| k.to_string()).collect(),
                    )))
            }
            None => {
                self.enums.insert(enum_name.clone(), def);
            }
        }
        Ok(Type::Enum(enum_name))
    }

    fn check_type_name(
        &self,
        keys: &[&str],
        ty: &str,
        field: &str,
        is_enum: bool,
    ) -> Result<(), SpecError> {
        if names::RESERVED_TYPES.contains(&ty)
            || names::generated_type_names(&self.action).contains(ty)
        {
            let at = keys.iter().map(|k| k.to_string()).collect();
            let fix = if is_enum {
                Fix::RenameEnum(at)
            } else {
                Fix::RenameStruct(at)
            };
            return Err(self
                .err(keys, format!("the nested type of `{field}` would be named `{ty}`, which the generated code already uses"))
                .help("give this field a distinct `struct_name` (or `enum_name`)")
                .fix(fix));
        }
        Ok(())
    }

    fn constraints(
        &self,
        keys: &[&str],
        spec: &FieldSpec,
        ty: &Type,
    ) -> Result<Constraints, SpecError> {
        // A value kept as free-form JSON is not checked: its constraints stay documentation.
        if spec.free_form {
            return Ok(Constraints::default());
        }
        let numeric = matches!(
            ty,
            Type::Scalar(Scalar::Integer | Scalar::Long | Scalar::Float)
        );
        let integer = matches!(ty, Type::Scalar(Scalar::Integer | Scalar::Long));
        let string = matches!(ty, Type::Scalar(Scalar::String) | Type::Enum(_));
        let list = matches!(ty, Type::List(_));
        let wrong = |key: &str, want: &str| {
            self.err(
                keys,
                format!("`{key}` applies to {want}, not to `{}`", spec.ty),
            )
            .help(format!("remove `{key}`, or fix the type"))
        };
        for (key, value) in [("minimum", spec.minimum), ("maximum", spec.maximum)] {
            if let Some(v) = value {
                if !numeric {
                    return Err(wrong(key, "numbers"));
                }
                if integer && v.fract() != 0.0 {
                    return Err(self
                        .err(
                            keys,
                            format!("`{key}` is {v}, which an integer field cannot reach exactly"),
                        )
                        .help("write a whole number"));
                }
            }
        }
        if let (Some(min), Some(max)) = (spec.minimum, spec.maximum) {
            if min > max {
                return Err(self
                    .err(
                        keys,
                        format!("`minimum` {min} is greater than `maximum` {max}"),
                    )
                    .help("swap or fix the bounds"));
            }
        }
        if spec.exclusive_minimum && spec.minimum.is_none() {
            return Err(wrong("exclusive_minimum", "a field with a `minimum`"));
        }
        if spec.exclusive_maximum && spec.maximum.is_none() {
            return Err(wrong("exclusive_maximum", "a field with a `maximum`"));
        }
        for (key, set) in [
            ("min_items", spec.min_items.is_some()),
            ("max_items", spec.max_items.is_some()),
        ] {
            if set && !list {
                return Err(wrong(key, "Lists"));
            }
        }
        for (key, set) in [
            ("min_length", spec.min_length.is_some()),
            ("max_length", spec.max_length.is_some()),
            ("pattern", spec.pattern.is_some()),
        ] {
            if set && !string {
                return Err(wrong(key, "Strings"));
            }
        }
        if let (Some(min), Some(max)) = (spec.min_items, spec.max_items) {
            if min > max {
                return Err(self
                    .err(
                        keys,
                        format!("`min_items` {min} is greater than `max_items` {max}"),
                    )
                    .help("swap or fix the bounds"));
            }
        }
        if let (Some(min), Some(max)) = (spec.min_length, spec.max_length) {
            if min > max {
                return Err(self
                    .err(
                        keys,
                        format!("`min_length` {min} is greater than `max_length` {max}"),
                    )
                    .help("swap or fix the bounds"));
            }
        }
        // Values that became an enum are checked by the enum; others stay as a list.
        let allowed = match ty {
            Type::Scalar(Scalar::String | Scalar::Integer | Scalar::Long) => spec.values.clone(),
            _ => None,
        };
        Ok(Constraints {
            minimum: spec.minimum,
            maximum: spec.maximum,
            exclusive_minimum: spec.exclusive_minimum,
            exclusive_maximum: spec.exclusive_maximum,
            min_items: spec.min_items,
            max_items: spec.max_items,
            min_length: spec.min_length,
            max_length: spec.max_length,
            pattern: spec.pattern.clone(),
            allowed,
        })
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
        if input_token.shape.ty != Type::Scalar(Scalar::String) {
            return Err(wrong("input_token", &p.input_token, "a String"));
        }
        let page_size = match &p.page_size {
            Some(wire) => {
                let f = find(request, "page_size", wire, "request")?;
                match f.shape.ty {
                    Type::Scalar(s @ (Scalar::Integer | Scalar::Long)) => Some((f.rust, s)),
                    _ => return Err(wrong("page_size", wire, "an Integer or Long")),
                }
            }
            None => None,
        };
        let output_token = find(response, "output_token", &p.output_token, "response")?;
        if output_token.shape.ty != Type::Scalar(Scalar::String) {
            return Err(wrong("output_token", &p.output_token, "a String"));
        }
        // A dotted path walks into nested objects.
        let mut segments = p.items.split('.');
        let first = segments.next().unwrap_or_default();
        let mut field = find(response, "items", first, "response")?;
        let mut path = vec![field.rust.clone()];
        for segment in segments {
            let Type::Object(name) = &field.shape.ty else {
                return Err(wrong("items", &p.items, "a path through objects to a List"));
            };
            let nested = self
                .structs
                .get(name)
                .map(|s| s.fields.as_slice())
                .unwrap_or(&[]);
            field = nested
                .iter()
                .find(|f| f.wire == segment)
                .cloned()
                .ok_or_else(|| wrong("items", &p.items, "a path through objects to a List"))?;
            path.push(field.rust.clone());
        }
        let Type::List(item) = field.shape.ty else {
            return Err(wrong("items", &p.items, "a List"));
        };
        Ok(Pagination {
            input_token: input_token.rust,
            page_size,
            output_token: output_token.rust,
            items: path,
            item: item.ty,
        })
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

//! Loading and validating spec files: from YAML text to the [`model`](crate::model).
//!
//! Each action file is checked on its own ([`parse_action`]); the spec set then gathers the
//! nested types every action declares and checks that same-named ones agree
//! ([`crate::shapes`]). The checks of fields, constraints and pagination live in submodules.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::error::{locate, SpecError};
use crate::model::{
    Action, EnumDef, ErrorCode, Field, Location, Method, Origin, Sample, Scalar, Service, Shape,
    SpecSet, StructDef, Style, Type,
};
use crate::names;
use crate::sample;
use crate::spec::{ActionSpec, ErrorSpec, ServiceSpec};

mod constraints;
mod fields;
mod pagination;

/// The name of the shared file in a spec directory.
pub const SERVICE_FILE: &str = "service.yaml";

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
    gather(dir, service, parsed)
}

/// The spec set of `parsed` actions (already checked one by one), as [`load_dir`] gathers it:
/// actions sorted by name, waiters checked across actions, nested types gathered.
pub fn gather(
    dir: &Path,
    service: Service,
    mut parsed: Vec<Parsed>,
) -> Result<SpecSet, SpecErrors> {
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
    let mut seen = Seen::default();
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

    // The wire name stays as documented (a few products name an action `createTicket…`);
    // the Rust names come from it in the usual cases.
    let rust_name = spec.action.to_upper_camel_case();
    if !names::is_action_name(&spec.action) || !names::is_type_name(&rust_name) {
        return Err(cx
            .err(
                &["action"],
                format!(
                    "action name `{}` cannot name the action's Rust types",
                    spec.action
                ),
            )
            .help("use the action's wire name, e.g. `ListExecutionLogs`"));
    }
    let mut module = spec.action.to_snake_case();
    // An action named by a keyword (`Pub`) gets the keyword's usual escape: `pub_`.
    if names::is_keyword(&module) {
        module.push('_');
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
    let mut response = cx.fields("response", &[], &spec.response, Side::Response)?;
    let body = spec.response_body.is_some();
    if let Some(ty) = &spec.response_body {
        response = vec![answer_body(&cx, ty, &spec.response)?];
    }
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
        sample::check(json, &response, body, &cx.structs).map_err(|e| {
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
        module,
        rust_name,
        name: spec.action,
        // The maintainer's English text wins over the metadata's.
        summary: spec.doc_summary.unwrap_or(spec.summary),
        description: spec.description,
        group: spec.group,
        deprecated: spec.deprecated,
        method,
        idempotent: spec.idempotent,
        request,
        response,
        body,
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

/// The one field of an answer that is a bare value of type `ty` (`response_body`).
fn answer_body(cx: &Cx, ty: &str, response: &[crate::spec::FieldSpec]) -> Result<Field, SpecError> {
    if !response.is_empty() {
        return Err(cx
            .err(
                &["response_body"],
                "`response_body` and `response` are both given".into(),
            )
            .help("an answer is either one value (`response_body`) or an object of fields (`response`)"));
    }
    let ty = match ty {
        "String" => Type::Scalar(Scalar::String),
        "Integer" => Type::Scalar(Scalar::Integer),
        "Long" => Type::Scalar(Scalar::Long),
        "Boolean" => Type::Scalar(Scalar::Boolean),
        "Float" => Type::Scalar(Scalar::Float),
        "JSON" => Type::Json,
        other => {
            return Err(cx
                .err(&["response_body"], format!("unknown answer type `{other}`"))
                .help("use String, Integer, Long, Boolean, Float or JSON"))
        }
    };
    Ok(Field {
        wire: "body".into(),
        rust: "body".into(),
        shape: Shape {
            ty,
            description: Some("The whole success answer: the service answers this action with one value, not an object.".into()),
            example: None,
            title: None,
            format: None,
            constraints: Default::default(),
        },
        required: false,
        doc_required: None,
        undocumented: false,
        style: Style::Plain,
        location: Location::Query,
        deprecated: false,
        default: None,
        secret: false,
    })
}

/// The error codes already taken, and their variants.
#[derive(Default)]
struct Seen {
    codes: HashSet<String>,
    variants: HashSet<String>,
}

fn error_code(
    file: &Path,
    text: &str,
    e: &ErrorSpec,
    seen: &mut Seen,
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
    if !seen.codes.insert(e.code.clone()) {
        return Err(at(
            format!("error code `{}` is listed twice", e.code),
            "keep one entry per code",
        ));
    }
    if !seen.variants.insert(variant.clone()) {
        return Err(at(
            format!(
                "error code `{}` gives variant `{variant}`, which another code already gives",
                e.code
            ),
            "two codes that differ only in punctuation cannot both be variants; report this spec",
        ));
    }
    let statuses = &e.also_http_status;
    if let Some(status) = statuses.iter().enumerate().find_map(|(i, s)| {
        (*s == e.http_status || !(400..600).contains(s) || statuses[..i].contains(s)).then_some(s)
    }) {
        return Err(at(
            format!(
                "error code `{}` lists HTTP {status} in `also_http_status`",
                e.code
            ),
            "list error statuses (400 to 599) other than `http_status`, each once",
        ));
    }
    // The other statuses are documented on the variant; the client matches the code alone.
    let description = if e.also_http_status.is_empty() {
        e.description.clone()
    } else {
        let statuses: Vec<String> = e
            .also_http_status
            .iter()
            .map(|s| format!("HTTP {s}"))
            .collect();
        let note = format!("Also answered with {}.", statuses.join(", "));
        Some(match &e.description {
            Some(d) => format!("{d} {note}"),
            None => note,
        })
    };
    Ok(ErrorCode {
        code: e.code.clone(),
        variant,
        http_status: e.http_status,
        message: e.message.clone(),
        description,
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
    pub(super) fn err(&self, keys: &[&str], message: String) -> SpecError {
        SpecError::new(self.file, message)
            .at(locate(self.text, keys))
            .path(keys.join("."))
    }

    pub(super) fn origin(&self, keys: &[&str]) -> Origin {
        Origin {
            file: self.file.to_path_buf(),
            line: locate(self.text, keys),
            path: keys.join("."),
            keys: keys.iter().map(|k| k.to_string()).collect(),
        }
    }

    fn errors(&self, specs: &[ErrorSpec], service: &Service) -> Result<Vec<ErrorCode>, SpecError> {
        let mut seen = Seen {
            codes: service.errors.iter().map(|e| e.code.clone()).collect(),
            variants: service.errors.iter().map(|e| e.variant.clone()).collect(),
        };
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
            errors.push(error_code(self.file, self.text, e, &mut seen)?);
        }
        Ok(errors)
    }
}

//! The importer: an Alibaba Cloud API reference page (plain text) in, an action spec out.
//!
//! The page gives the tables; its sample response settles what the tables leave open (a
//! container typed `-`, a map's value type, fields only the sample has). What maintainers add
//! by hand and the page cannot say (`rust_name`, `struct_name`, `doc`, `values`, `enum_name`,
//! `free_form`, `idempotent`, `pagination`) is carried over from the spec being replaced.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;

use crate::error::SpecError;
use crate::load::{self, RESERVED_SETTERS};
use crate::model::Service;
use crate::spec::{ActionSpec, FieldSpec, PaginationSpec};

/// One table row: its line, its nesting depth (`└` count) and its cells.
#[derive(Clone, Debug)]
struct Row {
    line: usize,
    depth: usize,
    cells: Vec<String>,
}

/// What a page holds, as read.
#[derive(Clone, Debug)]
struct Page {
    summary: String,
    request: Vec<Row>,
    response: Vec<Row>,
    sample_request: Option<String>,
    sample_response: Option<(usize, String)>,
    errors: Vec<Row>,
}

/// Reads `page` and returns the text of its action's spec file. `existing` is the spec file
/// being replaced, whose hand-written keys are kept. The result is checked by the loader
/// before it is returned, so an import never yields a spec that does not load.
pub fn import(
    file: &Path,
    page: &str,
    service: &Service,
    existing: impl FnOnce(&str) -> Option<String>,
) -> Result<(String, String), SpecError> {
    let parsed = parse_page(file, page)?;
    let action = action_name(file, &parsed)?;
    let kept = match existing(&action).as_deref() {
        Some(text) => Some(yaml_serde::from_str::<ActionSpec>(text).map_err(|e| {
            SpecError::new(file, format!("the spec being replaced does not parse: {e}"))
        })?),
        None => None,
    };
    let spec = build(file, &action, &parsed, service, kept.as_ref())?;
    let page_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = emit(&spec, &page_name);
    let target = Path::new(&action).with_extension("yaml");
    load::parse_action(&target, &text, service).map_err(|e| {
        SpecError::new(file, format!("the imported spec does not load: {e}"))
            .help("the page and the spec format disagree here; write this part of the spec by hand")
    })?;
    Ok((action, text))
}

fn err(file: &Path, line: usize, message: impl Into<String>) -> SpecError {
    SpecError::new(file, message).at(Some(line))
}

fn parse_page(file: &Path, text: &str) -> Result<Page, SpecError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut at = 0;
    let summary = lines.first().map(|l| l.trim()).unwrap_or_default();
    if summary.is_empty() || summary == "Request parameters" {
        return Err(err(
            file,
            1,
            "expected the action's one-line summary on the first line",
        ));
    }
    at += 1;
    let request = table(
        file,
        &lines,
        &mut at,
        "Request parameters",
        &["Parameter", "Type", "Required", "Example", "Description"],
        "Response parameters",
    )?;
    let response = table(
        file,
        &lines,
        &mut at,
        "Response parameters",
        &["Parameter", "Type", "Example", "Description"],
        "Example",
    )?;
    expect(file, &lines, &mut at, "Example")?;
    let mut sample_request = None;
    if lines.get(at).map(|l| l.trim()) == Some("Sample request") {
        at += 1;
        let start = at;
        while at < lines.len()
            && !lines[at].starts_with("Sample success response")
            && lines[at].trim() != "Error codes"
        {
            at += 1;
        }
        sample_request = Some(lines[start..at].join("\n") + "\n");
    }
    let mut sample_response = None;
    if lines
        .get(at)
        .is_some_and(|l| l.starts_with("Sample success response"))
    {
        at += 1;
        if lines.get(at).map(|l| l.trim()) == Some("format") {
            at += 1;
        }
        let start = at;
        while at < lines.len() && lines[at].trim() != "Error codes" {
            at += 1;
        }
        let json = lines[start..at].join("\n") + "\n";
        if let Err(e) = serde_json::from_str::<Value>(&json) {
            return Err(err(
                file,
                start + e.line(),
                format!("the sample response is not valid JSON: {e}"),
            )
            .help("the JSON between `format` and `Error codes` must parse"));
        }
        sample_response = Some((start + 1, json));
    }
    let errors = if at < lines.len() {
        table(
            file,
            &lines,
            &mut at,
            "Error codes",
            &[
                "Error code",
                "HTTP status code",
                "Error message",
                "Description",
            ],
            "",
        )?
    } else {
        Vec::new()
    };
    if at < lines.len() {
        return Err(err(
            file,
            at + 1,
            format!(
                "expected the end of the page after the error table, found `{}`",
                lines[at]
            ),
        ));
    }
    Ok(Page {
        summary: summary.to_owned(),
        request,
        response,
        sample_request,
        sample_response,
        errors,
    })
}

fn expect(file: &Path, lines: &[&str], at: &mut usize, heading: &str) -> Result<(), SpecError> {
    match lines.get(*at) {
        Some(line) if line.trim() == heading => {
            *at += 1;
            Ok(())
        }
        Some(line) => Err(err(
            file,
            *at + 1,
            format!("expected `{heading}`, found `{line}`"),
        )),
        None => Err(err(
            file,
            *at + 1,
            format!("expected `{heading}`, found the end of the page"),
        )),
    }
}

/// A table: its heading, its header row, the `---|` rule, then rows up to `end`. A row whose
/// cells wrap onto further lines is joined until it has all its cells.
fn table(
    file: &Path,
    lines: &[&str],
    at: &mut usize,
    heading: &str,
    header: &[&str],
    end: &str,
) -> Result<Vec<Row>, SpecError> {
    expect(file, lines, at, heading)?;
    let want = header.join(" | ") + " |";
    match lines.get(*at) {
        Some(line) if line.trim() == want => *at += 1,
        Some(line) => {
            return Err(err(
                file,
                *at + 1,
                format!("expected the header `{want}`, found `{line}`"),
            ))
        }
        None => {
            return Err(err(
                file,
                *at + 1,
                format!("expected the header `{want}`, found the end of the page"),
            ))
        }
    }
    match lines.get(*at) {
        Some(line) if line.trim().starts_with("---|") => *at += 1,
        _ => return Err(err(file, *at + 1, "expected the table rule `---|---|…`")),
    }
    let mut rows = Vec::new();
    while *at < lines.len() && (end.is_empty() || lines[*at].trim() != end) {
        let first = *at;
        let mut text = lines[*at].to_owned();
        *at += 1;
        // A wrapped cell: the row goes on until a line ends with `|`.
        while !text.trim_end().ends_with('|')
            && *at < lines.len()
            && (end.is_empty() || lines[*at].trim() != end)
        {
            text.push(' ');
            text.push_str(lines[*at].trim());
            *at += 1;
        }
        let trimmed = text.trim();
        let Some(body) = trimmed.strip_suffix('|') else {
            return Err(err(
                file,
                first + 1,
                format!("expected a table row ending in `|`, found `{trimmed}`"),
            ));
        };
        let mut cells: Vec<String> = body.split('|').map(|c| c.trim().to_owned()).collect();
        if cells.len() < header.len() {
            return Err(err(
                file,
                first + 1,
                format!(
                    "expected {} cells ({}), found {}",
                    header.len(),
                    header.join(", "),
                    cells.len()
                ),
            ));
        }
        // A `|` inside the last cell (a description) splits it: join it back.
        if cells.len() > header.len() {
            let rest = cells.split_off(header.len() - 1).join(" | ");
            cells.push(rest);
        }
        let depth = cells[0].chars().take_while(|&c| c == '└').count();
        cells[0] = cells[0].trim_start_matches('└').trim().to_owned();
        rows.push(Row {
            line: first + 1,
            depth,
            cells,
        });
    }
    if !end.is_empty() && *at >= lines.len() {
        return Err(err(
            file,
            *at + 1,
            format!("expected `{end}` after the {heading} table, found the end of the page"),
        ));
    }
    Ok(rows)
}

fn action_name(file: &Path, page: &Page) -> Result<String, SpecError> {
    let row = page
        .request
        .iter()
        .find(|r| r.cells[0] == "Action")
        .ok_or_else(|| {
            SpecError::new(file, "the request table has no `Action` row")
                .help("the `Action` row's example names the action")
        })?;
    let name = row.cells[3].clone();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(err(
            file,
            row.line,
            format!("expected the action's name as the `Action` row's example, found `{name}`"),
        ));
    }
    Ok(name)
}

fn build(
    file: &Path,
    action: &str,
    page: &Page,
    service: &Service,
    kept: Option<&ActionSpec>,
) -> Result<ActionSpec, SpecError> {
    let sample: Option<Value> = page
        .sample_response
        .as_ref()
        .and_then(|(_, s)| serde_json::from_str(s).ok());
    let mut names = Names::new(action);

    let mut request = Vec::new();
    for row in &page.request {
        if row.cells[0] == "Action" {
            continue;
        }
        if row.depth > 0 {
            return Err(err(
                file,
                row.line,
                "nested request parameters are not supported",
            ));
        }
        let (name, ty, required, example, description) = (
            &row.cells[0],
            &row.cells[1],
            &row.cells[2],
            &row.cells[3],
            &row.cells[4],
        );
        let required = match required.as_str() {
            "Yes" => true,
            "No" => false,
            other => {
                return Err(err(
                    file,
                    row.line,
                    format!("expected `Yes` or `No` in the Required column, found `{other}`"),
                ))
            }
        };
        let mut field = field(name, description, Some(example));
        field.required = Some(required);
        match ty.as_str() {
            "String" | "Integer" | "Long" | "Boolean" | "Float" => field.ty = ty.clone(),
            "JSON" => {
                // A JSON parameter takes the Rust type its example shows.
                field.doc_type = Some("JSON".into());
                match serde_json::from_str::<Value>(example) {
                    Ok(Value::Array(items)) => {
                        set_container(&mut field, "List", scalar_kind(items.iter()))
                    }
                    // Key-value pairs (tags) are a map; any other object (template parameters)
                    // is free-form JSON.
                    Ok(Value::Object(map)) if description.contains("key-value pairs") => {
                        set_container(&mut field, "Map", scalar_kind(map.values()))
                    }
                    _ => field.ty = "JSON".into(),
                }
            }
            other => return Err(unknown_type(file, row.line, other)),
        }
        names.field(&mut field, true, "");
        request.push(field);
    }

    let rows: Vec<&Row> = page.response.iter().collect();
    let mut pos = 0;
    let samples: Vec<&Value> = sample.iter().collect();
    let response = fields(file, &rows, &mut pos, 0, &samples, &mut names, action)?;

    let errors = page
        .errors
        .iter()
        .filter(|r| !service.errors.iter().any(|e| e.code == r.cells[0]))
        .map(|r| {
            let status = r.cells[1].parse::<u16>().map_err(|_| {
                err(
                    file,
                    r.line,
                    format!("expected an HTTP status code, found `{}`", r.cells[1]),
                )
            })?;
            Ok(crate::spec::ErrorSpec {
                code: r.cells[0].clone(),
                http_status: status,
                message: r.cells[2].clone(),
                description: non_empty(&r.cells[3]),
                retryable: false,
            })
        })
        .collect::<Result<Vec<_>, SpecError>>()?;

    let mut spec = ActionSpec {
        action: action.to_owned(),
        summary: page.summary.clone(),
        idempotent: ["List", "Get", "Describe", "Query"]
            .iter()
            .any(|p| action.starts_with(p)),
        request,
        response,
        errors,
        pagination: None,
        sample_request: page.sample_request.clone(),
        sample_response: page.sample_response.as_ref().map(|(_, s)| s.clone()),
    };
    spec.pagination = infer_pagination(&spec);
    if let Some(kept) = kept {
        keep_hand_keys(&mut spec, kept);
    }
    Ok(spec)
}

/// Response rows at `depth` from `pos` on, with their children; `samples` are the sample's
/// objects at this level (one per list element above).
fn fields(
    file: &Path,
    rows: &[&Row],
    pos: &mut usize,
    depth: usize,
    samples: &[&Value],
    names: &mut Names,
    parent: &str,
) -> Result<Vec<FieldSpec>, SpecError> {
    let mut out: Vec<FieldSpec> = Vec::new();
    while let Some(row) = rows.get(*pos) {
        if row.depth < depth {
            break;
        }
        if row.depth > depth {
            return Err(err(
                file,
                row.line,
                format!(
                    "`{}` is nested {} levels deep but has no parent row one level up",
                    row.cells[0], row.depth
                ),
            ));
        }
        *pos += 1;
        let (name, ty, example, description) =
            (&row.cells[0], &row.cells[1], &row.cells[2], &row.cells[3]);
        let values: Vec<&Value> = samples
            .iter()
            .filter_map(|s| s.get(name.as_str()))
            .collect();
        let has_children = rows.get(*pos).is_some_and(|next| next.depth > depth);
        let mut field = field(name, description, Some(example));
        match ty.as_str() {
            "String" | "Integer" | "Long" | "Boolean" | "Float" => field.ty = ty.clone(),
            "-" | "Array" | "Object" | "Map" => {
                field.doc_type = Some(ty.clone());
                let is_list = match ty.as_str() {
                    "Array" => true,
                    "Object" | "Map" => false,
                    _ => match (values.iter().any(|v| v.is_array()), values.iter().any(|v| v.is_object())) {
                        (true, false) => true,
                        (false, true) => false,
                        _ => {
                            return Err(err(file, row.line, format!("`{name}` is typed `-` and the sample response does not show whether it is a list or an object"))
                                .help("add it to the page's sample response, or write its spec entry by hand"))
                        }
                    },
                };
                let elements: Vec<&Value> = if is_list {
                    values
                        .iter()
                        .filter_map(|v| v.as_array())
                        .flatten()
                        .collect()
                } else if has_children && ty != "Map" {
                    values.clone()
                } else {
                    values
                        .iter()
                        .filter_map(|v| v.as_object())
                        .flat_map(|m| m.values())
                        .collect()
                };
                if has_children {
                    let struct_name = if ty == "Array" || is_list {
                        load::singular(&name.to_upper_camel_case())
                    } else {
                        name.to_upper_camel_case()
                    };
                    let nested =
                        fields(file, rows, pos, depth + 1, &elements, names, &struct_name)?;
                    if is_list || ty == "Map" {
                        field.ty = if is_list { "List".into() } else { "Map".into() };
                        field.items = Some("Object".into());
                    } else {
                        field.ty = "Object".into();
                    }
                    field.fields = Some(nested);
                } else if is_list {
                    set_container(&mut field, "List", scalar_kind(elements.iter().copied()));
                } else {
                    set_container(&mut field, "Map", scalar_kind(elements.iter().copied()));
                }
            }
            other => return Err(unknown_type(file, row.line, other)),
        }
        if field.doc_type.as_deref() == Some(field.ty.as_str()) {
            field.doc_type = None;
        }
        names.field(&mut field, false, parent);
        out.push(field);
    }
    // Keys only the sample has, in the order the sample first shows them.
    let mut extra: Vec<(String, Vec<&Value>)> = Vec::new();
    for sample in samples {
        if let Value::Object(map) = sample {
            for (key, value) in map {
                if out.iter().any(|f| &f.name == key) {
                    continue;
                }
                match extra.iter_mut().find(|(k, _)| k == key) {
                    Some((_, values)) => values.push(value),
                    None => extra.push((key.clone(), vec![value])),
                }
            }
        }
    }
    for (key, values) in extra {
        let mut field = field(&key, "", None);
        field.undocumented = true;
        match (
            values.iter().all(|v| v.is_array()),
            values.iter().all(|v| v.is_object()),
        ) {
            (true, _) => set_container(
                &mut field,
                "List",
                scalar_kind(values.iter().filter_map(|v| v.as_array()).flatten()),
            ),
            (_, true) => field.ty = "JSON".into(),
            _ => field.ty = scalar_kind(values.iter().copied()),
        }
        names.field(&mut field, false, parent);
        out.push(field);
    }
    Ok(out)
}

fn field(name: &str, description: &str, example: Option<&str>) -> FieldSpec {
    FieldSpec {
        name: name.to_owned(),
        ty: String::new(),
        items: None,
        fields: None,
        required: None,
        example: example.and_then(|e| non_empty(e).filter(|e| e != "-")),
        description: non_empty(description),
        doc_type: None,
        undocumented: false,
        rust_name: None,
        struct_name: None,
        doc: None,
        values: None,
        enum_name: None,
        free_form: false,
    }
}

fn set_container(field: &mut FieldSpec, ty: &str, items: String) {
    field.ty = ty.to_owned();
    field.items = Some(items);
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn unknown_type(file: &Path, line: usize, ty: &str) -> SpecError {
    err(file, line, format!("unknown type `{ty}`"))
        .help("the pages use String, Integer, Long, Boolean, Float, JSON, -, Array, Object and Map")
}

/// The one scalar type all `values` share; `JSON` (any value) when they differ or are none.
fn scalar_kind<'a>(values: impl Iterator<Item = &'a Value>) -> String {
    let mut kind: Option<&str> = None;
    for v in values {
        let this = match v {
            Value::String(_) => "String",
            Value::Bool(_) => "Boolean",
            Value::Number(n) if n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) => "Integer",
            Value::Number(n) if n.is_i64() || n.is_u64() => "Long",
            Value::Number(_) => "Float",
            _ => return "JSON".into(),
        };
        kind = match (kind, this) {
            (None, t) => Some(t),
            (Some(a), b) if a == b => Some(a),
            (Some("Integer"), "Long") | (Some("Long"), "Integer") => Some("Long"),
            _ => return "JSON".into(),
        };
    }
    kind.unwrap_or("JSON").to_owned()
}

/// Rust names the loader would reject, fixed at import so that no hand edit is needed.
struct Names {
    structs: HashSet<String>,
    enums: BTreeMap<String, Vec<String>>,
}

impl Names {
    fn new(action: &str) -> Self {
        Self {
            structs: load::generated_type_names(action),
            enums: BTreeMap::new(),
        }
    }

    /// Names the field's enum, if its description enumerates values: the field name, or the
    /// parent type's name before it where another enum already has that name.
    fn enumeration(&mut self, field: &mut FieldSpec, parent: &str) {
        if field.ty != "String" {
            return;
        }
        let Some(values) = field.description.as_deref().and_then(enumerated) else {
            return;
        };
        let base = field.name.to_upper_camel_case();
        let candidates = [base.clone(), format!("{parent}{base}")]
            .into_iter()
            .chain((2..).map(|n| format!("{base}{n}")));
        for name in candidates {
            if self.structs.contains(&name) {
                continue;
            }
            match self.enums.get(&name) {
                Some(existing) if *existing != values => continue,
                Some(_) => {}
                None => {
                    self.enums.insert(name.clone(), values.clone());
                }
            }
            if name != base {
                field.enum_name = Some(name);
            }
            field.values = Some(values);
            return;
        }
    }

    fn field(&mut self, field: &mut FieldSpec, request: bool, parent: &str) {
        self.enumeration(field, parent);
        let snake = field.name.to_snake_case();
        if load::is_keyword(&snake) {
            field.rust_name = Some(format!("{snake}_"));
        } else if request && RESERVED_SETTERS.contains(&snake.as_str()) {
            field.rust_name = Some(format!("{snake}_value"));
        }
        if field.fields.is_some() {
            let base = if field.ty == "List" {
                load::singular(&field.name.to_upper_camel_case())
            } else {
                field.name.to_upper_camel_case()
            };
            let mut name = base.clone();
            let mut n = 2;
            while self.enums.contains_key(&name) || !self.structs.insert(name.clone()) {
                name = format!("{base}{n}");
                n += 1;
            }
            if name != base {
                field.struct_name = Some(name);
            }
        }
    }
}

fn infer_pagination(spec: &ActionSpec) -> Option<PaginationSpec> {
    let request_token = spec
        .request
        .iter()
        .any(|f| f.name == "NextToken" && f.ty == "String");
    let response_token = spec
        .response
        .iter()
        .any(|f| f.name == "NextToken" && f.ty == "String");
    let lists: Vec<&FieldSpec> = spec.response.iter().filter(|f| f.ty == "List").collect();
    if !(request_token && response_token && lists.len() == 1) {
        return None;
    }
    let page_size = spec
        .request
        .iter()
        .find(|f| f.name == "MaxResults")
        .map(|f| f.name.clone());
    Some(PaginationSpec {
        input_token: "NextToken".into(),
        page_size,
        output_token: "NextToken".into(),
        items: lists[0].name.clone(),
    })
}

/// Carries the keys only a maintainer writes from the spec being replaced.
fn keep_hand_keys(spec: &mut ActionSpec, kept: &ActionSpec) {
    spec.idempotent = kept.idempotent;
    if kept.pagination.is_some() {
        spec.pagination = kept.pagination.clone();
    }
    keep_fields(&mut spec.request, &kept.request);
    keep_fields(&mut spec.response, &kept.response);
}

fn keep_fields(fields: &mut [FieldSpec], kept: &[FieldSpec]) {
    let by_name: BTreeMap<&str, &FieldSpec> = kept.iter().map(|f| (f.name.as_str(), f)).collect();
    for field in fields {
        let Some(old) = by_name.get(field.name.as_str()) else {
            continue;
        };
        if old.rust_name.is_some() {
            field.rust_name = old.rust_name.clone();
        }
        if old.struct_name.is_some() {
            field.struct_name = old.struct_name.clone();
        }
        if old.doc.is_some() {
            field.doc = old.doc.clone();
        }
        field.free_form |= old.free_form;
        // Values the page lists follow the page; values a maintainer listed are kept.
        if field.values.is_none() && old.values.is_some() {
            field.values = old.values.clone();
        }
        if old.enum_name.is_some() && field.values.is_some() {
            field.enum_name = old.enum_name.clone();
        }
        if let (Some(new), Some(old)) = (field.fields.as_mut(), old.fields.as_ref()) {
            keep_fields(new, old);
        }
    }
}

// ---- YAML output: a fixed layout, so that re-imports diff cleanly ----

fn emit(spec: &ActionSpec, page_name: &str) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# {}, imported by `cargo xtask import-doc` from docs/oos/{page_name}.\n\
         # Re-importing keeps rust_name, struct_name, doc, values, enum_name, free_form, idempotent and pagination; see spec/README.md.\n",
        spec.action
    ));
    out.push_str(&format!("action: {}\n", scalar(&spec.action)));
    out.push_str(&format!("summary: {}\n", scalar(&spec.summary)));
    out.push_str(&format!("idempotent: {}\n", spec.idempotent));
    emit_fields(&mut out, "request", &spec.request, 0);
    emit_fields(&mut out, "response", &spec.response, 0);
    if spec.errors.is_empty() {
        out.push_str("errors: []\n");
    } else {
        out.push_str("errors:\n");
        for e in &spec.errors {
            out.push_str(&format!("  - code: {}\n", scalar(&e.code)));
            out.push_str(&format!("    http_status: {}\n", e.http_status));
            out.push_str(&format!("    message: {}\n", scalar(&e.message)));
            if let Some(d) = &e.description {
                out.push_str(&format!("    description: {}\n", scalar(d)));
            }
            if e.retryable {
                out.push_str("    retryable: true\n");
            }
        }
    }
    if let Some(p) = &spec.pagination {
        out.push_str("pagination:\n");
        out.push_str(&format!("  input_token: {}\n", scalar(&p.input_token)));
        if let Some(size) = &p.page_size {
            out.push_str(&format!("  page_size: {}\n", scalar(size)));
        }
        out.push_str(&format!("  output_token: {}\n", scalar(&p.output_token)));
        out.push_str(&format!("  items: {}\n", scalar(&p.items)));
    }
    if let Some(s) = &spec.sample_request {
        block(&mut out, "sample_request", s);
    }
    if let Some(s) = &spec.sample_response {
        block(&mut out, "sample_response", s);
    }
    out
}

fn emit_fields(out: &mut String, key: &str, fields: &[FieldSpec], indent: usize) {
    let pad = " ".repeat(indent);
    if fields.is_empty() {
        out.push_str(&format!("{pad}{key}: []\n"));
        return;
    }
    out.push_str(&format!("{pad}{key}:\n"));
    for f in fields {
        let item = " ".repeat(indent + 4);
        out.push_str(&format!("{pad}  - name: {}\n", scalar(&f.name)));
        out.push_str(&format!("{item}type: {}\n", scalar(&f.ty)));
        let optional = [
            ("items", f.items.as_ref()),
            ("doc_type", f.doc_type.as_ref()),
        ];
        for (k, v) in optional {
            if let Some(v) = v {
                out.push_str(&format!("{item}{k}: {}\n", scalar(v)));
            }
        }
        if let Some(required) = f.required {
            out.push_str(&format!("{item}required: {required}\n"));
        }
        let texts = [
            ("example", f.example.as_ref()),
            ("description", f.description.as_ref()),
            ("rust_name", f.rust_name.as_ref()),
            ("struct_name", f.struct_name.as_ref()),
            ("doc", f.doc.as_ref()),
        ];
        for (k, v) in texts {
            if let Some(v) = v {
                out.push_str(&format!("{item}{k}: {}\n", scalar(v)));
            }
        }
        if let Some(values) = &f.values {
            let values: Vec<String> = values.iter().map(|v| scalar(v)).collect();
            out.push_str(&format!("{item}values: [{}]\n", values.join(", ")));
        }
        if let Some(name) = &f.enum_name {
            out.push_str(&format!("{item}enum_name: {}\n", scalar(name)));
        }
        if f.free_form {
            out.push_str(&format!("{item}free_form: true\n"));
        }
        if f.undocumented {
            out.push_str(&format!("{item}undocumented: true\n"));
        }
        if let Some(nested) = &f.fields {
            emit_fields(out, "fields", nested, indent + 4);
        }
    }
}

/// A YAML scalar: plain where it reads back as the same string, double-quoted otherwise.
fn scalar(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && !s.contains('\n')
        && matches!(yaml_serde::from_str::<yaml_serde::Value>(&format!("k: {s}")),
            Ok(yaml_serde::Value::Mapping(m)) if m.get("k").and_then(|v| v.as_str()) == Some(s));
    if plain_ok {
        s.to_owned()
    } else {
        // JSON string escapes are valid in YAML double-quoted scalars.
        serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
    }
}

/// A literal block scalar that reads back as exactly `text`.
fn block(out: &mut String, key: &str, text: &str) {
    let body = text.trim_end_matches('\n');
    let trailing = text.len() - body.len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let indent = if body.starts_with(' ') { "2" } else { "" };
    out.push_str(&format!("{key}: |{indent}{chomp}\n"));
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str("  ");
            out.push_str(line);
        }
        out.push('\n');
    }
    for _ in 1..trailing {
        out.push('\n');
    }
}

/// The values a description enumerates: "Allowed values: A (what A is), B, and C." or a
/// closing list after a colon, "Current state: A, B, or C." Every value must be one word.
fn enumerated(description: &str) -> Option<Vec<String>> {
    // Parenthetical remarks hold commas and semicolons of their own.
    let mut plain = String::with_capacity(description.len());
    let mut depth = 0usize;
    for c in description.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let list = match plain.find("Allowed values:") {
        Some(i) => &plain[i + "Allowed values:".len()..],
        None => plain.split_once(": ")?.1,
    };
    let list = list.split(". ").next()?.trim().trim_end_matches('.');
    let mut values = Vec::new();
    for part in list.split(',') {
        for word in part.split(" and ").flat_map(|p| p.split(" or ")) {
            let word = word.trim();
            let word = word
                .strip_prefix("and ")
                .or_else(|| word.strip_prefix("or "))
                .unwrap_or(word)
                .trim();
            if word.is_empty() {
                continue;
            }
            let one_word = word
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                && word.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
            if !one_word {
                return None;
            }
            values.push(word.to_owned());
        }
    }
    (values.len() >= 2).then_some(values)
}

#[cfg(test)]
mod tests {
    use super::enumerated;

    #[test]
    fn enumerated_values() {
        let v = |s: &str| enumerated(s).map(|v| v.join(","));
        assert_eq!(
            v("Filters by status. Allowed values: Running, Started, and Skipped.").as_deref(),
            Some("Running,Started,Skipped")
        );
        assert_eq!(
            v("How. Allowed values: Automatic (runs on its own; default), FailurePause (stops, waits), and Debug (by hand).").as_deref(),
            Some("Automatic,FailurePause,Debug")
        );
        assert_eq!(
            v("Detected format of the body: JSON or YAML.").as_deref(),
            Some("JSON,YAML")
        );
        assert_eq!(
            v("Sharing scope: Public or Private. Templates that users create are Private.")
                .as_deref(),
            Some("Public,Private")
        );
        assert_eq!(
            v("Page size. Allowed values: 10 to 100. Defaults to 50."),
            None
        );
        assert_eq!(
            v("Upper bound on start time: executions that started before this are returned."),
            None
        );
        assert_eq!(v("The ID of the execution."), None);
    }
}

//! Reading an Alibaba Cloud API reference page (plain text) into an action spec.
//!
//! The page gives the tables; its sample response settles what the tables leave open (a
//! container typed `-`, a map's value type, fields only the sample has). Names, hand keys and
//! the metadata's part are added by the merge (`merge.rs`).

use std::path::Path;

use serde_json::Value;

use crate::error::SpecError;
use crate::names;
use crate::spec::{ActionSpec, FieldSpec, Items};

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

/// Reads a reference page into the page's part of an action spec; `common` are the error
/// codes every action shares, which the spec leaves out.
pub fn read(file: &Path, page: &str, common: &[String]) -> Result<ActionSpec, SpecError> {
    let parsed = parse_page(file, page)?;
    let action = action_name(file, &parsed)?;
    build(file, &action, &parsed, common)
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
    common: &[String],
) -> Result<ActionSpec, SpecError> {
    let sample: Option<Value> = page
        .sample_response
        .as_ref()
        .and_then(|(_, s)| serde_json::from_str(s).ok());
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
                        set_container(&mut field, "List", super::sample::scalar_kind(items.iter()))
                    }
                    // Key-value pairs (tags) are a map; any other object (template parameters)
                    // is free-form JSON.
                    Ok(Value::Object(map)) if description.contains("key-value pairs") => {
                        set_container(&mut field, "Map", super::sample::scalar_kind(map.values()))
                    }
                    _ => field.ty = "JSON".into(),
                }
            }
            other => return Err(unknown_type(file, row.line, other)),
        }
        enumerate(&mut field);
        request.push(field);
    }

    let rows: Vec<&Row> = page.response.iter().collect();
    let mut pos = 0;
    let samples: Vec<&Value> = sample.iter().collect();
    let response = fields(file, &rows, &mut pos, 0, &samples)?;

    let errors = page
        .errors
        .iter()
        .filter(|r| !common.contains(&r.cells[0]))
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
                also_http_status: Vec::new(),
                retryable: false,
            })
        })
        .collect::<Result<Vec<_>, SpecError>>()?;

    Ok(ActionSpec {
        action: action.to_owned(),
        summary: page.summary.clone(),
        description: None,
        group: None,
        deprecated: false,
        operation_type: None,
        method: None,
        idempotent: names::reads_only(action),
        request,
        response,
        response_body: None,
        errors,
        pagination: None,
        waiters: Vec::new(),
        sample_request: page.sample_request.clone(),
        sample_response: page.sample_response.as_ref().map(|(_, s)| s.clone()),
        demo_response: None,
        demo_response_xml: None,
        demo_error: None,
        doc_summary: None,
    })
}

/// Response rows at `depth` from `pos` on, with their children; `samples` are the sample's
/// objects at this level (one per list element above).
fn fields(
    file: &Path,
    rows: &[&Row],
    pos: &mut usize,
    depth: usize,
    samples: &[&Value],
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
                    let nested = fields(file, rows, pos, depth + 1, &elements)?;
                    if is_list || ty == "Map" {
                        field.ty = if is_list { "List".into() } else { "Map".into() };
                        field.items = Some(Items::Name("Object".into()));
                    } else {
                        field.ty = "Object".into();
                    }
                    field.fields = Some(nested);
                } else if is_list {
                    set_container(
                        &mut field,
                        "List",
                        super::sample::scalar_kind(elements.iter().copied()),
                    );
                } else {
                    set_container(
                        &mut field,
                        "Map",
                        super::sample::scalar_kind(elements.iter().copied()),
                    );
                }
            }
            other => return Err(unknown_type(file, row.line, other)),
        }
        if field.doc_type.as_deref() == Some(field.ty.as_str()) {
            field.doc_type = None;
        }
        enumerate(&mut field);
        out.push(field);
    }
    let extra = super::sample::sample_only(&out, samples);
    out.extend(extra);
    Ok(out)
}

fn field(name: &str, description: &str, example: Option<&str>) -> FieldSpec {
    FieldSpec {
        name: name.to_owned(),
        example: example.and_then(|e| non_empty(e).filter(|e| e != "-")),
        description: non_empty(description),
        ..FieldSpec::default()
    }
}

fn set_container(field: &mut FieldSpec, ty: &str, items: String) {
    field.ty = ty.to_owned();
    field.items = Some(Items::Name(items));
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn unknown_type(file: &Path, line: usize, ty: &str) -> SpecError {
    err(file, line, format!("unknown type `{ty}`"))
        .help("the pages use String, Integer, Long, Boolean, Float, JSON, -, Array, Object and Map")
}

/// A String field whose description enumerates its values gets them as `values`.
fn enumerate(field: &mut FieldSpec) {
    if field.ty == "String" {
        field.values = field.description.as_deref().and_then(enumerated);
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

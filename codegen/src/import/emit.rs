//! Writing a spec as YAML in a fixed layout, so that re-imports diff cleanly: keys in one
//! order, plain scalars where they read back unchanged, literal blocks for text that spans
//! lines.

use crate::spec::{ActionSpec, FieldSpec, Items, WaiterSpec};

/// The spec file's text: `header` (comment lines) and the spec.
pub fn file(header: &str, spec: &ActionSpec) -> String {
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&emit(spec));
    out
}

/// The spec as YAML.
pub fn emit(spec: &ActionSpec) -> String {
    let mut out = String::new();
    out.push_str(&format!("action: {}\n", scalar(&spec.action)));
    text(&mut out, 0, "summary", &spec.summary);
    if let Some(s) = &spec.doc_summary {
        text(&mut out, 0, "doc_summary", s);
    }
    if let Some(d) = &spec.description {
        text(&mut out, 0, "description", d);
    }
    if let Some(g) = &spec.group {
        out.push_str(&format!("group: {}\n", scalar(g)));
    }
    if spec.deprecated {
        out.push_str("deprecated: true\n");
    }
    if let Some(t) = &spec.operation_type {
        out.push_str(&format!("operation_type: {}\n", scalar(t)));
    }
    if let Some(m) = &spec.method {
        out.push_str(&format!("method: {}\n", scalar(m)));
    }
    out.push_str(&format!("idempotent: {}\n", spec.idempotent));
    fields(&mut out, "request", &spec.request, 0);
    fields(&mut out, "response", &spec.response, 0);
    if let Some(ty) = &spec.response_body {
        out.push_str(&format!("response_body: {}\n", scalar(ty)));
    }
    if spec.errors.is_empty() {
        out.push_str("errors: []\n");
    } else {
        out.push_str("errors:\n");
        for e in &spec.errors {
            out.push_str(&format!("  - code: {}\n", scalar(&e.code)));
            out.push_str(&format!("    http_status: {}\n", e.http_status));
            if !e.also_http_status.is_empty() {
                let statuses: Vec<String> = e.also_http_status.iter().map(u16::to_string).collect();
                out.push_str(&format!(
                    "    also_http_status: [{}]\n",
                    statuses.join(", ")
                ));
            }
            text(&mut out, 4, "message", &e.message);
            if let Some(d) = &e.description {
                text(&mut out, 4, "description", d);
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
    waiters(&mut out, &spec.waiters);
    for (key, value) in [
        ("sample_request", &spec.sample_request),
        ("sample_response", &spec.sample_response),
        ("demo_response", &spec.demo_response),
        ("demo_response_xml", &spec.demo_response_xml),
        ("demo_error", &spec.demo_error),
    ] {
        if let Some(v) = value {
            block(&mut out, 0, key, v);
        }
    }
    out
}

fn fields(out: &mut String, key: &str, list: &[FieldSpec], indent: usize) {
    let pad = " ".repeat(indent);
    if list.is_empty() {
        out.push_str(&format!("{pad}{key}: []\n"));
        return;
    }
    out.push_str(&format!("{pad}{key}:\n"));
    for f in list {
        out.push_str(&format!("{pad}  - name: {}\n", scalar(&f.name)));
        body(out, f, indent + 4);
    }
}

/// A field's keys after `name`, at `indent`.
fn body(out: &mut String, f: &FieldSpec, indent: usize) {
    let pad = " ".repeat(indent);
    out.push_str(&format!("{pad}type: {}\n", scalar(&f.ty)));
    match &f.items {
        Some(Items::Name(name)) => out.push_str(&format!("{pad}items: {}\n", scalar(name))),
        Some(Items::Entry(entry)) => {
            out.push_str(&format!("{pad}items:\n"));
            body(out, entry, indent + 2);
        }
        None => {}
    }
    let plain = [
        ("doc_type", f.doc_type.as_deref()),
        ("format", f.format.as_deref()),
    ];
    for (k, v) in plain {
        if let Some(v) = v {
            out.push_str(&format!("{pad}{k}: {}\n", scalar(v)));
        }
    }
    if let Some(required) = f.required {
        out.push_str(&format!("{pad}required: {required}\n"));
    }
    if let Some(doc_required) = f.doc_required {
        out.push_str(&format!("{pad}doc_required: {doc_required}\n"));
    }
    for (k, v) in [("style", f.style.as_deref()), ("in", f.location.as_deref())] {
        if let Some(v) = v {
            out.push_str(&format!("{pad}{k}: {}\n", scalar(v)));
        }
    }
    if let Some(d) = &f.default {
        out.push_str(&format!("{pad}default: {}\n", scalar(d)));
    }
    for (k, v) in [("minimum", f.minimum), ("maximum", f.maximum)] {
        if let Some(v) = v {
            out.push_str(&format!("{pad}{k}: {}\n", number(v)));
        }
    }
    for (k, v) in [
        ("exclusive_minimum", f.exclusive_minimum),
        ("exclusive_maximum", f.exclusive_maximum),
    ] {
        if v {
            out.push_str(&format!("{pad}{k}: true\n"));
        }
    }
    for (k, v) in [
        ("min_items", f.min_items),
        ("max_items", f.max_items),
        ("min_length", f.min_length),
        ("max_length", f.max_length),
    ] {
        if let Some(v) = v {
            out.push_str(&format!("{pad}{k}: {v}\n"));
        }
    }
    if let Some(p) = &f.pattern {
        out.push_str(&format!("{pad}pattern: {}\n", scalar(p)));
    }
    for (k, v) in [
        ("example", f.example.as_deref()),
        ("title", f.title.as_deref()),
        ("doc_title", f.doc_title.as_deref()),
        ("description", f.description.as_deref()),
    ] {
        if let Some(v) = v {
            text(out, indent, k, v);
        }
    }
    for (k, v) in [
        ("rust_name", f.rust_name.as_deref()),
        ("struct_name", f.struct_name.as_deref()),
    ] {
        if let Some(v) = v {
            out.push_str(&format!("{pad}{k}: {}\n", scalar(v)));
        }
    }
    if let Some(d) = &f.doc {
        text(out, indent, "doc", d);
    }
    if let Some(values) = &f.values {
        let values: Vec<String> = values.iter().map(|v| scalar(v)).collect();
        out.push_str(&format!("{pad}values: [{}]\n", values.join(", ")));
    }
    if let Some(values) = &f.extra_values {
        let values: Vec<String> = values.iter().map(|v| scalar(v)).collect();
        out.push_str(&format!("{pad}extra_values: [{}]\n", values.join(", ")));
    }
    if !f.value_titles.is_empty() {
        out.push_str(&format!("{pad}value_titles:\n"));
        for (value, title) in &f.value_titles {
            out.push_str(&format!("{pad}  {}: {}\n", scalar(value), scalar(title)));
        }
    }
    if let Some(name) = &f.enum_name {
        out.push_str(&format!("{pad}enum_name: {}\n", scalar(name)));
    }
    for (k, v) in [
        ("free_form", f.free_form),
        ("secret", f.secret),
        ("deprecated", f.deprecated),
        ("undocumented", f.undocumented),
    ] {
        if v {
            out.push_str(&format!("{pad}{k}: true\n"));
        }
    }
    if let Some(nested) = &f.fields {
        fields(out, "fields", nested, indent);
    }
}

fn waiters(out: &mut String, waiters: &[WaiterSpec]) {
    if waiters.is_empty() {
        return;
    }
    let list = |values: &[String]| {
        let values: Vec<String> = values.iter().map(|v| scalar(v)).collect();
        format!("[{}]", values.join(", "))
    };
    out.push_str("waiters:\n");
    for w in waiters {
        out.push_str(&format!("  - name: {}\n", scalar(&w.name)));
        if let Some(d) = &w.description {
            text(out, 4, "description", d);
        }
        out.push_str(&format!("    path: {}\n", scalar(&w.path)));
        out.push_str(&format!("    success: {}\n", list(&w.success)));
        for (key, values) in [
            ("failure", &w.failure),
            ("retry", &w.retry),
            ("retry_errors", &w.retry_errors),
            ("requires", &w.requires),
        ] {
            if !values.is_empty() {
                out.push_str(&format!("    {key}: {}\n", list(values)));
            }
        }
        out.push_str(&format!("    min_delay: {}\n", w.min_delay));
        out.push_str(&format!("    max_delay: {}\n", w.max_delay));
        out.push_str(&format!("    max_wait: {}\n", w.max_wait));
    }
}

/// A number as YAML reads it back: whole numbers without a fraction.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A YAML scalar: plain where it reads back as the same string, double-quoted otherwise.
pub fn scalar(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && !s.contains('\n')
        && matches!(yaml_serde::from_str::<yaml_serde::Value>(&format!("k: {s}")),
            Ok(yaml_serde::Value::Mapping(m)) if m.get("k").and_then(|v| v.as_str()) == Some(s));
    if plain_ok {
        s.to_owned()
    } else {
        // JSON string escapes are valid in YAML double-quoted scalars; JSON leaves raw what
        // YAML reads as a line break (U+2028, as in a ccc example) or refuses as a control
        // character (NEL, DEL, a BOM): those are escaped too.
        let json = serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"));
        json.chars()
            .map(|c| {
                if yaml_breaks(c) {
                    format!("\\u{:04X}", u32::from(c))
                } else {
                    c.to_string()
                }
            })
            .collect()
    }
}

/// A character YAML reads as a line break or does not take raw in a document: the C1
/// controls (NEL among them), DEL, the Unicode line and paragraph separators, the byte-order
/// mark and the non-characters U+FFFE/U+FFFF. (JSON escapes the C0 controls itself.)
fn yaml_breaks(c: char) -> bool {
    c.is_control() && c >= '\u{7F}'
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'
        )
}

/// A text value: a scalar on one line, a literal block (where it can be one) when it spans
/// lines.
fn text(out: &mut String, indent: usize, key: &str, value: &str) {
    if value.contains('\n') {
        block(out, indent, key, value);
    } else {
        out.push_str(&format!("{}{key}: {}\n", " ".repeat(indent), scalar(value)));
    }
}

/// Whether a literal block reads back as exactly `text`: no tabs, carriage returns or other
/// control characters a block cannot hold, and no line that is only spaces (YAML folds those).
fn block_safe(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() && c != '\n' || yaml_breaks(c))
        && text.lines().all(|l| l.is_empty() || !l.trim().is_empty())
}

/// A literal block scalar that reads back as exactly `text`, or a quoted scalar where no block
/// can.
fn block(out: &mut String, indent: usize, key: &str, text: &str) {
    if !block_safe(text) {
        out.push_str(&format!("{}{key}: {}\n", " ".repeat(indent), scalar(text)));
        return;
    }
    let pad = " ".repeat(indent + 2);
    let body = text.trim_end_matches('\n');
    let trailing = text.len() - body.len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let indicator = if body.starts_with(' ') { "2" } else { "" };
    out.push_str(&format!(
        "{}{key}: |{indicator}{chomp}\n",
        " ".repeat(indent)
    ));
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
        out.push('\n');
    }
    for _ in 1..trailing {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_reads_back_unchanged() {
        for value in [
            "plain",
            "a: b",
            "line one\nline two\\\n*   item",
            "  indented first\nsecond",
            "trailing\n\n",
            "with\ttab\nand line",
            "spaces only line\n   \nend",
            "\"quoted\" and 'single'",
            "- dash",
            "{not: a map}",
            // A ccc document ends an example with a line separator, and its demo has them.
            "BA03159C-E808-4FF1-B27E-A61B6E888D7F\u{2028}",
            "{\n  \"Data\": \"http://x/tagging.xlsx\u{2028}?Expires=1\u{2029}\"\n}",
            "next line\u{85}bom\u{FEFF}del\u{7F}",
        ] {
            let mut out = String::new();
            text(&mut out, 2, "k", value);
            let yaml = format!("m:\n{out}");
            let parsed: yaml_serde::Value =
                yaml_serde::from_str(&yaml).unwrap_or_else(|e| panic!("{yaml}: {e}"));
            assert_eq!(parsed["m"]["k"].as_str(), Some(value), "{yaml}");
        }
    }
}

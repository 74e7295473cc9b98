//! What an import means downstream: the differences between the specs an import replaces and
//! the ones it writes, as a maintainer reads them before a release (actions, request
//! parameters, response fields and error codes added, removed or retyped, each additive or
//! breaking).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::spec::{ActionSpec, FieldSpec, Items};

/// One difference, in one group of the report.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// The group it is listed under.
    pub group: Group,
    /// What changed, e.g. "added `ListTemplates.IsExample` (Boolean, optional)".
    pub text: String,
    /// Whether code written against the previous specs may stop compiling or working.
    pub breaking: bool,
}

/// The groups of the report, in the order it lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// Actions added or no longer documented.
    Actions,
    /// Request parameters, at any depth.
    Request,
    /// Response fields, at any depth.
    Response,
    /// The actions' own error codes.
    Errors,
}

impl Group {
    fn title(self) -> &'static str {
        match self {
            Group::Actions => "Actions",
            Group::Request => "Request parameters",
            Group::Response => "Response fields",
            Group::Errors => "Error codes",
        }
    }
}

/// The changes from `before` (each imported action's replaced spec, `None` for a new action)
/// to `after` (the specs written). `dropped` are actions the spec set has and the document no
/// longer describes (their specs are kept: removing one is a maintainer's decision).
pub fn diff(pairs: &[(Option<ActionSpec>, ActionSpec)], dropped: &[String]) -> Vec<Change> {
    let mut out = Vec::new();
    for (before, after) in pairs {
        let action = &after.action;
        let Some(before) = before else {
            out.push(Change {
                group: Group::Actions,
                text: format!("added `{action}`"),
                breaking: false,
            });
            continue;
        };
        fields(
            &mut out,
            Group::Request,
            action,
            &before.request,
            &after.request,
        );
        if before.response_body != after.response_body {
            // The output's shape itself changed: a value became an object, or the reverse,
            // or the value's type; whatever read `body` or the fields stops compiling.
            let answer = |body: &Option<String>| match body {
                Some(ty) => format!("one {ty} value"),
                None => "an object".to_string(),
            };
            out.push(Change {
                group: Group::Response,
                text: format!(
                    "`{action}` answer changed: {} → {}",
                    answer(&before.response_body),
                    answer(&after.response_body)
                ),
                breaking: true,
            });
        }
        fields(
            &mut out,
            Group::Response,
            action,
            &before.response,
            &after.response,
        );
        for e in &after.errors {
            if !before.errors.iter().any(|b| b.code == e.code) {
                out.push(Change {
                    group: Group::Errors,
                    text: format!("added `{action}` `{}` (HTTP {})", e.code, e.http_status),
                    // Matched by `Unhandled` until now; a new variant of a non-exhaustive enum.
                    breaking: false,
                });
            }
        }
    }
    for action in dropped {
        out.push(Change {
            group: Group::Actions,
            text: format!(
                "`{action}` is no longer documented (its spec is kept until removed by hand)"
            ),
            breaking: true,
        });
    }
    out.sort();
    out
}

fn fields(
    out: &mut Vec<Change>,
    group: Group,
    prefix: &str,
    before: &[FieldSpec],
    after: &[FieldSpec],
) {
    let old: BTreeMap<&str, &FieldSpec> = before.iter().map(|f| (f.name.as_str(), f)).collect();
    for field in after {
        let path = format!("{prefix}.{}", field.name);
        let Some(was) = old.get(field.name.as_str()) else {
            let required = field.required == Some(true);
            let what = if group == Group::Request {
                format!(
                    "{}, {}",
                    shape(field),
                    if required { "required" } else { "optional" }
                )
            } else {
                shape(field)
            };
            out.push(Change {
                group,
                text: format!("added `{path}` ({what})"),
                // A new required parameter fails every call that does not set it.
                breaking: required,
            });
            continue;
        };
        let (from, to) = (shape(was), shape(field));
        if from != to {
            out.push(Change {
                group,
                text: format!("`{path}` changed type: {from} → {to}"),
                breaking: true,
            });
            continue;
        }
        if group == Group::Request && was.required != Some(true) && field.required == Some(true) {
            out.push(Change {
                group,
                text: format!("`{path}` became required"),
                breaking: true,
            });
        }
        let (inner, element) = nested(field);
        let (was_inner, _) = nested(was);
        fields(out, group, &format!("{path}{element}"), was_inner, inner);
    }
    for field in before {
        if !after.iter().any(|f| f.name == field.name) {
            out.push(Change {
                group,
                text: format!("removed `{prefix}.{}`", field.name),
                breaking: true,
            });
        }
    }
}

/// The nested fields of a field and how a path reaches them (`[]` into a list's elements).
fn nested(field: &FieldSpec) -> (&[FieldSpec], &'static str) {
    let element = match field.ty.as_str() {
        "List" => "[]",
        "Map" => "{}",
        _ => "",
    };
    let inner = match (&field.fields, &field.items) {
        (Some(f), _) => f.as_slice(),
        (None, Some(Items::Entry(entry))) => entry.fields.as_deref().unwrap_or_default(),
        _ => &[],
    };
    (inner, element)
}

/// The Rust-visible type of a field: free-form fields are JSON whatever their type says.
fn shape(field: &FieldSpec) -> String {
    if field.free_form {
        return "JSON".into();
    }
    match &field.items {
        Some(Items::Name(name)) => format!("{} of {name}", field.ty),
        Some(Items::Entry(entry)) => format!("{} of {}", field.ty, shape(entry)),
        None => field.ty.clone(),
    }
}

/// The report as Markdown: a `###` heading, then one list per group, each entry marked
/// additive or breaking. `source` names what was imported.
pub fn markdown(changes: &[Change], source: &str) -> String {
    let mut out = format!("### Import of {source}\n");
    if changes.is_empty() {
        out.push_str("\nNo change to the generated API.\n");
        return out;
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let _ = writeln!(
        out,
        "\n{} change(s): {} additive, {breaking} breaking.",
        changes.len(),
        changes.len() - breaking
    );
    let mut group = None;
    for change in changes {
        if group != Some(change.group) {
            group = Some(change.group);
            let _ = write!(out, "\n#### {}\n\n", change.group.title());
        }
        let mark = if change.breaking {
            "breaking"
        } else {
            "additive"
        };
        let _ = writeln!(out, "- {mark}: {}", change.text);
    }
    out
}

/// `changelog` with `report` added under its `## Unreleased` heading, newest report first.
/// The heading is created when missing: before the first release heading (`## …`), else at
/// the end; an empty changelog gets a title too.
pub fn changelog(changelog: &str, report: &str) -> String {
    const HEADING: &str = "## Unreleased\n";
    let line_starts =
        || std::iter::once(0).chain(changelog.match_indices('\n').map(|(i, _)| i + 1));
    if let Some(at) = line_starts().find(|&i| changelog[i..].starts_with(HEADING)) {
        let (head, tail) = changelog.split_at(at + HEADING.len());
        let tail = tail.trim_start_matches('\n');
        let sep = if tail.is_empty() { "" } else { "\n" };
        return format!("{head}\n{report}{sep}{tail}");
    }
    if changelog.trim().is_empty() {
        return format!("# Changelog\n\n{HEADING}\n{report}");
    }
    match line_starts().find(|&i| changelog[i..].starts_with("## ")) {
        Some(at) => {
            let (head, tail) = changelog.split_at(at);
            format!("{head}{HEADING}\n{report}\n{tail}")
        }
        None => {
            let sep = if changelog.ends_with("\n\n") {
                ""
            } else if changelog.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            format!("{changelog}{sep}{HEADING}\n{report}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "### Import of a\n\n- additive: added `X`\n";

    fn spec(yaml: &str) -> ActionSpec {
        yaml_serde::from_str(yaml).expect("test spec parses")
    }

    #[test]
    fn an_answer_that_becomes_one_value_is_breaking() {
        let object = spec(
            "action: Export\nsummary: Exports.\nidempotent: true\nresponse:\n  - name: RequestId\n    type: String\n",
        );
        let value =
            spec("action: Export\nsummary: Exports.\nidempotent: true\nresponse_body: String\n");
        let long =
            spec("action: Export\nsummary: Exports.\nidempotent: true\nresponse_body: Long\n");
        let texts = |before: &ActionSpec, after: &ActionSpec| -> Vec<(String, bool)> {
            diff(&[(Some(before.clone()), after.clone())], &[])
                .into_iter()
                .filter(|c| c.group == Group::Response)
                .map(|c| (c.text, c.breaking))
                .collect()
        };
        assert_eq!(
            texts(&object, &value),
            [
                (
                    "`Export` answer changed: an object → one String value".to_string(),
                    true
                ),
                ("removed `Export.RequestId`".to_string(), true),
            ]
        );
        assert_eq!(
            texts(&value, &long),
            [(
                "`Export` answer changed: one String value → one Long value".to_string(),
                true
            )]
        );
        assert!(texts(&long, &long).is_empty());
    }

    #[test]
    fn the_report_goes_under_unreleased() {
        assert_eq!(
            changelog("", REPORT),
            format!("# Changelog\n\n## Unreleased\n\n{REPORT}")
        );
        assert_eq!(
            changelog(
                "# Changelog\n\nAll changes.\n\n## 0.1.0\n\n- first\n",
                REPORT
            ),
            format!(
                "# Changelog\n\nAll changes.\n\n## Unreleased\n\n{REPORT}\n## 0.1.0\n\n- first\n"
            )
        );
        assert_eq!(
            changelog(
                "# Changelog\n\n## Unreleased\n\n- older\n\n## 0.1.0\n",
                REPORT
            ),
            format!("# Changelog\n\n## Unreleased\n\n{REPORT}\n- older\n\n## 0.1.0\n")
        );
        assert_eq!(
            changelog("# Changelog\n", REPORT),
            format!("# Changelog\n\n## Unreleased\n\n{REPORT}")
        );
    }
}

//! Documentation text for generated items: the specs' descriptions are Markdown (the
//! metadata's) or plain text (the reference pages'), and rustdoc must render them without a
//! warning and without taking any of them for a doctest.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Constraints, Field, Shape};

/// Doc attributes, one per line.
pub fn doc_lines(text: &str) -> TokenStream {
    markdown(text)
        .into_iter()
        .map(|line| quote!(#[doc = #line]))
        .collect()
}

/// Like [`doc_lines`], as inner attributes (`//!`).
pub fn inner_doc_lines(text: &str) -> TokenStream {
    markdown(text)
        .into_iter()
        .map(|line| quote!(#![doc = #line]))
        .collect()
}

/// The first sentence of a description, for a setter's one-line doc.
pub fn first_sentence(text: &str) -> &str {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    match line.find(". ") {
        Some(i) => &line[..=i],
        None => line,
    }
}

/// A field's documentation: its description, then what the client checks and an example.
pub fn field_text(f: &Field, request: bool) -> String {
    let mut text = f.shape.description.clone().unwrap_or_default();
    let mut notes: Vec<String> = Vec::new();
    if f.undocumented {
        notes.push("Not in the documentation's tables; its sample response has it.".into());
    }
    if f.deprecated {
        notes.push("Deprecated by the service.".into());
    }
    if request {
        if f.required {
            notes.push("Required: the request is not sent without it.".into());
        } else if f.doc_required == Some(true) {
            notes.push(
                "The documentation marks it required; the service accepts requests without it."
                    .into(),
            );
        }
        if let Some(default) = &f.default {
            notes.push(format!("Default: `{}`.", code(default)));
        }
    }
    notes.extend(shape_notes(&f.shape, request));
    if !notes.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&notes.join("\n\n"));
    }
    if text.trim().is_empty() {
        text = format!("`{}`", f.wire);
    }
    text
}

/// Notes on a shape: its constraints, format and example.
pub fn shape_notes(shape: &Shape, request: bool) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(c) = constraints(&shape.constraints) {
        notes.push(if request {
            format!("{c}; checked before sending.")
        } else {
            format!("{c}.")
        });
    }
    if let Some(values) = &shape.constraints.allowed {
        let values: Vec<String> = values.iter().map(|v| format!("`{}`", code(v))).collect();
        notes.push(if request {
            format!(
                "Documented values: {}; another is sent as is, for the service to decide.",
                values.join(", ")
            )
        } else {
            format!("Documented values: {}.", values.join(", "))
        });
    }
    if let Some(pattern) = &shape.constraints.pattern {
        notes.push(format!("Pattern: `{}`.", code(pattern)));
    }
    if let Some(format) = &shape.format {
        notes.push(format!("Format: `{}`.", code(format)));
    }
    if let Some(example) = &shape.example {
        notes.push(format!("Example: `{}`", code(example)));
    }
    notes
}

/// The constraints as a sentence, if there are any.
fn constraints(c: &Constraints) -> Option<String> {
    let mut parts = Vec::new();
    match (c.minimum, c.maximum) {
        (Some(min), Some(max)) => parts.push(format!("from {min} to {max}")),
        (Some(min), None) => parts.push(format!("at least {min}")),
        (None, Some(max)) => parts.push(format!("at most {max}")),
        (None, None) => {}
    }
    if c.exclusive_minimum {
        parts.push("the minimum excluded".into());
    }
    if c.exclusive_maximum {
        parts.push("the maximum excluded".into());
    }
    match (c.min_items, c.max_items) {
        (Some(min), Some(max)) => parts.push(format!("{min} to {max} elements")),
        (Some(min), None) => parts.push(format!("at least {min} elements")),
        (None, Some(max)) => parts.push(format!("at most {max} elements")),
        (None, None) => {}
    }
    match (c.min_length, c.max_length) {
        (Some(min), Some(max)) => parts.push(format!("{min} to {max} characters")),
        (Some(min), None) => parts.push(format!("at least {min} characters")),
        (None, Some(max)) => parts.push(format!("at most {max} characters")),
        (None, None) => {}
    }
    if parts.is_empty() {
        return None;
    }
    let mut sentence = parts.join(", ");
    sentence[..1].make_ascii_uppercase();
    Some(sentence)
}

/// Text for inside a code span.
fn code(text: &str) -> String {
    text.replace('`', "'").replace(['\n', '\t'], " ")
}

/// The lines of `text` made safe for rustdoc: fenced code blocks are marked `text` (an
/// unmarked one would be compiled as a doctest), indentation is kept under four spaces (which
/// would also start a code block), brackets that are not Markdown links are escaped, angle
/// brackets are entities, bare URLs are linked and the documentation's internal references
/// (`~~25609~~`) point at its site.
pub fn markdown(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for line in text.lines() {
        // Tabs in docs render unpredictably (and clippy refuses them).
        let line = &line.replace('\t', "    ");
        let trimmed = line.trim_start();
        if let Some(open) = &fence {
            if trimmed.starts_with(open.as_str()) {
                out.push(format!(" {open}"));
                fence = None;
            } else {
                out.push(format!(" {line}"));
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let marker: String = trimmed
                .chars()
                .take_while(|&c| c == '`' || c == '~')
                .collect();
            let info = trimmed[marker.len()..].trim();
            let info = if info.is_empty() || info == "rust" {
                "text"
            } else {
                info
            };
            out.push(format!(" {marker}{info}"));
            fence = Some(marker);
            continue;
        }
        if trimmed.is_empty() {
            out.push(String::new());
            continue;
        }
        let indent = (line.len() - trimmed.len()).min(3);
        out.push(format!(
            " {}{}",
            " ".repeat(indent),
            inline(trimmed.trim_end())
        ));
    }
    if let Some(open) = fence {
        out.push(format!(" {open}"));
    }
    out
}

/// One line of Markdown outside code blocks.
fn inline(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 16);
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        if c == '[' {
            if let Some((text, target, next)) = link(&chars, i) {
                out.push('[');
                out.push_str(&inline(&text));
                out.push_str("](");
                out.push_str(&target);
                out.push(')');
                i = next;
                continue;
            }
        }
        if (c == 'h') && (starts_with(&chars, i, "http://") || starts_with(&chars, i, "https://")) {
            let end = (i..chars.len())
                .find(|&j| chars[j].is_whitespace() || "<>\"'`)]".contains(chars[j]))
                .unwrap_or(chars.len());
            let mut url: String = chars[i..end].iter().collect();
            // Sentence punctuation after a URL is not part of it.
            let mut tail = String::new();
            while url.ends_with(['.', ',', ';', ':']) {
                tail.insert(0, url.pop().unwrap_or_default());
            }
            out.push('<');
            out.push_str(&url);
            out.push('>');
            out.push_str(&tail);
            i = end;
            continue;
        }
        match c {
            '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
        i += 1;
    }
    if in_code {
        // An unclosed code span would swallow the next line's text.
        out.push('`');
    }
    out
}

fn starts_with(chars: &[char], at: usize, prefix: &str) -> bool {
    prefix
        .chars()
        .enumerate()
        .all(|(k, p)| chars.get(at + k) == Some(&p))
}

/// A Markdown link `[text](target)` at `at`, with a target that is a web address or one of the
/// documentation's references: its text, its target, and where it ends.
fn link(chars: &[char], at: usize) -> Option<(String, String, usize)> {
    let close = (at + 1..chars.len()).find(|&j| chars[j] == ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = (close + 2..chars.len()).find(|&j| chars[j] == ')')?;
    let text: String = chars[at + 1..close].iter().collect();
    let target: String = chars[close + 2..end].iter().collect();
    if text.contains('[') || target.contains(char::is_whitespace) {
        return None;
    }
    let target = if target.starts_with("http://") || target.starts_with("https://") {
        target
    } else if let Some(id) = target
        .strip_prefix("~~")
        .and_then(|t| t.strip_suffix("~~"))
        .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()))
    {
        format!("https://www.alibabacloud.com/help/doc-detail/{id}.html")
    } else {
        return None;
    };
    Some((text, target, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_angles_and_urls() {
        assert_eq!(markdown("a [b] <c> `[d]`"), [" a \\[b\\] &lt;c&gt; `[d]`"]);
        assert_eq!(
            markdown("see https://x.y/z now."),
            [" see <https://x.y/z> now."]
        );
    }

    #[test]
    fn links_survive_and_references_point_at_the_site() {
        assert_eq!(
            markdown("call [GetInventorySchema](https://api.aliyun.com/?a=1\\&b=2) first"),
            [" call [GetInventorySchema](https://api.aliyun.com/?a=1\\&b=2) first"]
        );
        assert_eq!(
            markdown("see [DescribeRegions](~~25609~~)."),
            [" see [DescribeRegions](https://www.alibabacloud.com/help/doc-detail/25609.html)."]
        );
    }

    #[test]
    fn code_blocks_are_never_doctests() {
        assert_eq!(
            markdown("x\n```\nlet a = [1];\n```\ny"),
            [" x", " ```text", " let a = [1];", " ```", " y"]
        );
        assert_eq!(
            markdown("a\n\n        indented"),
            [" a", "", "    indented"]
        );
        assert_eq!(markdown("```json\n{}"), [" ```json", " {}", " ```"]);
    }

    #[test]
    fn first_sentences() {
        assert_eq!(first_sentence("The ID. More text."), "The ID.");
        assert_eq!(first_sentence("\nOne line only"), "One line only");
    }
}

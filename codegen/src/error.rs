//! Spec errors: each names the file, the line where it can be found, the field path, what is
//! wrong and what to do about it.

use std::fmt;
use std::path::{Path, PathBuf};

/// A spec that cannot be used as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file.
    pub file: PathBuf,
    /// 1-based line in the file, where known.
    pub line: Option<usize>,
    /// Dotted path to the field at fault (`response.ExecutionLogs.Timestamp`), where it applies.
    pub path: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// A mechanical fix, for an importer to apply.
    pub fix: Option<Fix>,
}

/// A change to a spec that removes a naming conflict; the importers apply it and retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fix {
    /// Keep the field at this path as free-form JSON (two declarations of a shared type give
    /// it different types).
    FreeForm(Vec<String>),
    /// Give the enum of the field at this path another name.
    RenameEnum(Vec<String>),
    /// Give the struct of the field at this path another name.
    RenameStruct(Vec<String>),
}

impl SpecError {
    pub(crate) fn new(file: &Path, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            line: None,
            path: None,
            message: message.into(),
            help: None,
            fix: None,
        }
    }

    pub(crate) fn at(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }

    pub(crate) fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if let Some(path) = &self.path {
            write!(f, "{path}: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecError {}

/// Finds the line of a spec entry from its path, for errors found after parsing (serde keeps
/// no positions). `keys` are the top-level key followed by the `name:`/`code:` values of
/// nested entries, each searched for after the line of the one before.
pub(crate) fn locate(text: &str, keys: &[&str]) -> Option<usize> {
    let mut lines = text.lines().enumerate();
    let mut found = None;
    for (i, key) in keys.iter().enumerate() {
        let hit = lines.by_ref().find(|(_, line)| {
            if i == 0 {
                line.strip_prefix(key)
                    .is_some_and(|rest| rest.starts_with(':'))
            } else {
                entry_value(line).is_some_and(|v| v == *key)
            }
        })?;
        found = Some(hit.0 + 1);
    }
    found
}

/// The value of a `name: X` / `code: X` / `- name: "X"` line.
fn entry_value(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let line = line.strip_prefix("- ").unwrap_or(line).trim_start();
    let rest = line
        .strip_prefix("name:")
        .or_else(|| line.strip_prefix("code:"))?;
    Some(rest.trim().trim_matches(|c| c == '"' || c == '\''))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_nested_entries_in_order() {
        let text = "action: A\nrequest:\n  - name: Id\nresponse:\n  - name: Id\n    fields:\n      - name: \"Type\"\n";
        assert_eq!(locate(text, &["request", "Id"]), Some(3));
        assert_eq!(locate(text, &["response", "Id"]), Some(5));
        assert_eq!(locate(text, &["response", "Id", "Type"]), Some(7));
        assert_eq!(locate(text, &["response", "Nope"]), None);
    }
}

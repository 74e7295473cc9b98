//! Where in a template's text a fault is: the parsed value keeps no positions, so the line
//! is found again in the text, from the task's `Name` down to the key at fault.

use std::fmt;

/// A fault of a template, with where it is: line (when known), task and key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Located {
    /// 1-based; 0 when not known.
    pub line: usize,
    pub task: Option<String>,
    pub key: Option<String>,
    pub message: String,
}

impl Located {
    pub fn at(line: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            task: None,
            key: None,
            message: message.into(),
        }
    }

    /// A fault of the template's own `key` (`FormatVersion`, `Parameters`, …).
    pub fn top(content: &str, key: &str, message: impl Into<String>) -> Self {
        Self {
            line: line_of(content, 0, key),
            task: None,
            key: Some(key.to_owned()),
            message: message.into(),
        }
    }

    /// A fault of `key` in `task` (`key` empty: of the task as a whole).
    pub fn task(content: &str, task: &str, key: &str, message: impl Into<String>) -> Self {
        let start = task_line(content, task);
        let line = if key.is_empty() {
            start
        } else {
            match line_of(content, start.saturating_sub(1), key) {
                0 => start,
                n => n,
            }
        };
        Self {
            line,
            task: Some(task.to_owned()),
            key: (!key.is_empty()).then(|| key.to_owned()),
            message: message.into(),
        }
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut place = Vec::new();
        if self.line > 0 {
            place.push(format!("line {}", self.line));
        }
        if let Some(task) = &self.task {
            place.push(format!("task {task}"));
        }
        if let Some(key) = &self.key {
            place.push(format!("key {key}"));
        }
        if place.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", place.join(", "), self.message)
        }
    }
}

/// The line of the task named `task`: the first line with `Name` and that name.
fn task_line(content: &str, task: &str) -> usize {
    if task.is_empty() {
        return 0;
    }
    content
        .lines()
        .position(|line| {
            line.find("Name").is_some_and(|at| {
                let rest = line[at + 4..].trim_start_matches(['"', '\'', ':', ' ']);
                rest.trim_end_matches([',', ' '])
                    .trim_matches(['"', '\''])
                    .eq(task)
            })
        })
        .map_or(0, |i| i + 1)
}

/// The first line at or after line `from` (0-based) where `key` is written as a key.
fn line_of(content: &str, from: usize, key: &str) -> usize {
    content
        .lines()
        .enumerate()
        .skip(from)
        .find(|(_, line)| {
            let line = line.trim_start().trim_start_matches("- ");
            line.starts_with(&format!("{key}:"))
                || line.starts_with(&format!("\"{key}\""))
                || line.starts_with(&format!("'{key}'"))
        })
        .map_or(0, |(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_task_and_its_key() {
        let yaml = "FormatVersion: OOS-2019-06-01\nTasks:\n  - Name: a\n    Action: ACS::Sleep\n  - Name: b\n    OnError: c\n";
        let at = Located::task(yaml, "b", "OnError", "no task c");
        assert_eq!(
            (at.line, at.to_string().as_str()),
            (6, "line 6, task b, key OnError: no task c")
        );
        assert_eq!(Located::task(yaml, "a", "", "x").line, 3);
        let json =
            "{\n \"FormatVersion\": \"x\",\n \"Tasks\": [{\"Name\": \"t\",\n  \"Loop\": {}}]}";
        assert_eq!(Located::top(json, "FormatVersion", "x").line, 2);
        assert_eq!(Located::task(json, "t", "Loop", "x").line, 4);
        assert_eq!(
            Located::task(yaml, "zz", "Loop", "m").to_string(),
            "task zz, key Loop: m"
        );
    }
}

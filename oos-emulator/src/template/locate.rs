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

/// The line of the task named `task`: the first line where `Name` is written as a key with
/// that name for its value, alone on its line or within a task written on one line
/// (`{"Name": "a", …}`, `- {Name: a, …}`).
fn task_line(content: &str, task: &str) -> usize {
    if task.is_empty() {
        return 0;
    }
    content
        .lines()
        .position(|line| {
            keys_in(line, "Name").any(|rest| {
                let value = rest.trim_start_matches(['"', '\'', ' ']);
                value.strip_prefix(task).is_some_and(|after| {
                    after.is_empty() || after.starts_with(['"', '\'', ',', '}', ' ', '#'])
                })
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
        .find(|(_, line)| keys_in(line, key).next().is_some())
        .map_or(0, |(i, _)| i + 1)
}

/// What follows each place in `line` where `key` is written as a key (`key:`, `"key":`,
/// `'key':`, at the line's start, after `- `, `{` or `,`): the text after its colon.
fn keys_in<'a>(line: &'a str, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    line.match_indices(key).filter_map(move |(at, _)| {
        let before = line[..at].trim_end_matches(['"', '\'']).trim_end();
        let opens = before.is_empty() || before.ends_with(['{', ',', '-']);
        let after = line[at + key.len()..].trim_start_matches(['"', '\'']);
        let after = after.trim_start().strip_prefix(':')?;
        // Only one quote may close the key, and only the kind that opened it.
        let quoted_before = line[..at].ends_with(['"', '\'']);
        let quoted_after = line[at + key.len()..].starts_with(['"', '\'']);
        (opens && quoted_before == quoted_after).then_some(after)
    })
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

    #[test]
    fn finds_a_task_written_on_one_line() {
        // JSON with a task a line, and YAML's flow style.
        let json = "{\"FormatVersion\": \"OOS-2019-06-01\",\n \"Tasks\": [\n  {\"Name\": \"a\", \"Action\": \"ACS::Sleep\"},\n  {\"Name\": \"ab\", \"Action\": \"ACS::Sleep\", \"OnError\": \"c\"}\n ]\n}";
        assert_eq!(Located::task(json, "a", "", "x").line, 3);
        assert_eq!(Located::task(json, "ab", "OnError", "x").line, 4);
        let flow = "FormatVersion: OOS-2019-06-01\nTasks:\n  - {Name: a, Action: ACS::Sleep}\n  - {Name: b, Action: ACS::Sleep,\n     OnError: c}\n";
        assert_eq!(Located::task(flow, "b", "", "x").line, 4);
        assert_eq!(Located::task(flow, "b", "OnError", "x").line, 5);
        assert_eq!(Located::task(flow, "a", "Action", "x").line, 3);
        // A name that only begins like another is not it.
        assert_eq!(Located::task(flow, "ab", "", "x").line, 0);
    }
}

//! What a task's properties may say: `{{ name }}` references to parameters, task outputs and
//! the `ACS::` values, and the selectors that pick a value out of an answer.

use serde_json::{Map, Value};

/// What references resolve against.
pub(crate) struct Scope<'a> {
    /// The execution's parameters, as started or updated.
    pub parameters: &'a Map<String, Value>,
    /// The template's parameter declarations, for their `Default`.
    pub declared: &'a Map<String, Value>,
    /// The outputs of the tasks that ran, by task name.
    pub outputs: &'a Map<String, Value>,
    pub execution_id: &'a str,
    /// The loop item of the task, inside a loop.
    pub loop_item: Option<&'a Value>,
}

impl Scope<'_> {
    /// The value of one reference, such as `instanceId`, `ACS::ExecutionId` or
    /// `describe.InstanceIds`.
    fn lookup(&self, name: &str) -> Result<Value, String> {
        match name {
            "ACS::ExecutionId" => return Ok(self.execution_id.into()),
            "ACS::RegionId" => return Ok("cn-hangzhou".into()),
            "ACS::AccountId" => return Ok(crate::data::model::ACCOUNT_ID.into()),
            "ACS::TaskLoopItem" => {
                return self
                    .loop_item
                    .cloned()
                    .ok_or_else(|| "`ACS::TaskLoopItem` is used outside a loop".to_owned())
            }
            _ => {}
        }
        if let Some(value) = self.parameters.get(name) {
            return Ok(value.clone());
        }
        if let Some(declared) = self.declared.get(name) {
            return declared.get("Default").cloned().ok_or_else(|| {
                format!("parameter `{name}` was given no value and declares no Default")
            });
        }
        if let Some((task, output)) = name.split_once('.') {
            if let Some(outputs) = self.outputs.get(task) {
                return outputs
                    .get(output)
                    .cloned()
                    .ok_or_else(|| format!("task `{task}` has no output `{output}`"));
            }
        }
        Err(format!(
            "`{{{{ {name} }}}}` is neither a parameter of the template nor an output of a task that ran"
        ))
    }

    /// `value` with every `{{ reference }}` in its strings replaced: a string that is one
    /// reference becomes the referenced value, whatever its type; a reference within text is
    /// written into it.
    pub fn substitute(&self, value: &Value) -> Result<Value, String> {
        Ok(match value {
            Value::String(text) => self.text(text)?,
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.substitute(v))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.substitute(v)?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => other.clone(),
        })
    }

    fn text(&self, text: &str) -> Result<Value, String> {
        let trimmed = text.trim();
        if let Some(inner) = whole_reference(trimmed) {
            return self.lookup(&reference(inner)?);
        }
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .ok_or_else(|| format!("`{text}` opens `{{{{` without closing it"))?;
            let value = self.lookup(&reference(&after[..end])?)?;
            out.push_str(&as_text(&value));
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(Value::String(out))
    }
}

/// The inside of `{{ x }}` when the text is that one reference.
fn whole_reference(text: &str) -> Option<&str> {
    let inner = text.strip_prefix("{{")?.strip_suffix("}}")?;
    (!inner.contains("{{") && !inner.contains("}}")).then_some(inner)
}

/// A reference's name, if the emulator can resolve that kind of reference.
fn reference(inner: &str) -> Result<String, String> {
    let name = inner.trim();
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.:-".contains(c));
    if plain {
        Ok(name.to_owned())
    } else {
        Err(format!(
            "`{{{{ {name} }}}}` is not a plain reference; the emulator resolves parameters, task outputs (`task.output`) and `ACS::` values, not functions or filters"
        ))
    }
}

/// A value as it reads within text or a log: strings as they are, the rest as JSON.
pub(crate) fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The value a selector picks out of an answer: the path subset of jq, such as
/// `.Parameter.Value`, `.Instances.Instance[0].Status` or `.Instances.Instance[].InstanceId`
/// (`[]` maps the rest of the path over a list). The leading `.` may be left out.
pub(crate) fn select(value: &Value, selector: &str) -> Result<Value, String> {
    let path = selector.trim();
    let path = path.strip_prefix('.').unwrap_or(path);
    if path.is_empty() {
        return Ok(value.clone());
    }
    let mut steps = Vec::new();
    for segment in path.split('.') {
        let (name, mut rest) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c))
        {
            return Err(unsupported(selector));
        }
        if !name.is_empty() {
            steps.push(Step::Key(name));
        }
        while !rest.is_empty() {
            let inner = rest.strip_prefix('[').and_then(|r| r.split_once(']'));
            let Some((index, after)) = inner else {
                return Err(unsupported(selector));
            };
            steps.push(match index {
                "" => Step::Each,
                n => Step::Index(n.parse().map_err(|_| unsupported(selector))?),
            });
            rest = after;
        }
        if name.is_empty() && segment.is_empty() {
            return Err(unsupported(selector));
        }
    }
    walk(value, &steps, selector)
}

enum Step<'a> {
    Key(&'a str),
    Index(usize),
    Each,
}

fn walk(value: &Value, steps: &[Step<'_>], selector: &str) -> Result<Value, String> {
    let Some((step, rest)) = steps.split_first() else {
        return Ok(value.clone());
    };
    match step {
        Step::Key(key) => match value.get(key) {
            Some(inner) => walk(inner, rest, selector),
            None => Err(format!("`{selector}` finds no `{key}` in the answer")),
        },
        Step::Index(n) => match value.get(n) {
            Some(inner) => walk(inner, rest, selector),
            None => Err(format!("`{selector}` finds no element {n} in the answer")),
        },
        Step::Each => match value {
            Value::Array(items) => items
                .iter()
                .map(|item| walk(item, rest, selector))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            _ => Err(format!(
                "`{selector}` iterates over something that is not a list"
            )),
        },
    }
}

fn unsupported(selector: &str) -> String {
    format!(
        "`{selector}` is not a selector the emulator understands: it takes paths such as `.Parameter.Value` or `.Items[0].Name` or `.Items[].Name`"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_keep_their_type_alone_and_become_text_within_text() {
        let parameters = json!({"name": "web", "count": 3})
            .as_object()
            .unwrap()
            .clone();
        let declared =
            json!({"size": {"Type": "Number", "Default": 20}, "bare": {"Type": "String"}})
                .as_object()
                .unwrap()
                .clone();
        let outputs = json!({"get": {"value": "v1"}}).as_object().unwrap().clone();
        let item = json!("i-1");
        let scope = Scope {
            parameters: &parameters,
            declared: &declared,
            outputs: &outputs,
            execution_id: "exec-1",
            loop_item: Some(&item),
        };
        let got = scope
            .substitute(&json!({
                "Count": "{{ count }}",
                "Size": "{{size}}",
                "Text": "{{ name }}-{{ count }} in {{ ACS::RegionId }}",
                "List": ["{{ get.value }}", "{{ ACS::TaskLoopItem }}", 7],
                "Id": "{{ ACS::ExecutionId }}",
            }))
            .unwrap();
        assert_eq!(
            got,
            json!({"Count": 3, "Size": 20, "Text": "web-3 in cn-hangzhou", "List": ["v1", "i-1", 7], "Id": "exec-1"})
        );
        for (bad, says) in [
            ("{{ nope }}", "neither a parameter"),
            ("{{ bare }}", "declares no Default"),
            ("{{ get.other }}", "has no output `other`"),
            ("{{ Fn::Join(a) }}", "not a plain reference"),
            ("a {{ name", "without closing"),
        ] {
            let error = scope.substitute(&json!(bad)).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn selectors_walk_paths() {
        let answer = json!({"Parameter": {"Value": "v"}, "Items": [{"Name": "a"}, {"Name": "b"}]});
        assert_eq!(select(&answer, ".Parameter.Value").unwrap(), json!("v"));
        assert_eq!(select(&answer, "Parameter.Value").unwrap(), json!("v"));
        assert_eq!(select(&answer, ".Items[1].Name").unwrap(), json!("b"));
        assert_eq!(select(&answer, ".Items[].Name").unwrap(), json!(["a", "b"]));
        assert_eq!(select(&answer, ".").unwrap(), answer);
        assert!(select(&answer, ".Parameter.Valu")
            .unwrap_err()
            .contains("no `Valu`"));
        assert!(select(&answer, ".Items[9]")
            .unwrap_err()
            .contains("no element 9"));
        assert!(select(&answer, ".Items | length")
            .unwrap_err()
            .contains("not a selector"));
        assert!(select(&answer, ".Parameter[]")
            .unwrap_err()
            .contains("not a list"));
    }
}

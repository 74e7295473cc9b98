//! What OOS refuses in a template, each fault with where it is. `ValidateTemplateContent`,
//! `CreateTemplate`, `UpdateTemplate` and `StartExecution` (with content) all check here.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{
    builtin, builtin_reference, is_product_action, parse, references, Located, END, FORMAT_VERSION,
    NEXT, PARAMETER_TYPES, STATE_FORMAT_VERSION,
};

/// The longest task or parameter name OOS takes.
const MAX_NAME: usize = 200;

/// The name OOS gives the State step at `index` (from 0) that has no Name: `state<N>`, N
/// counted from 1. What validates a template, lists its steps and runs them all name it so.
pub(crate) fn unnamed_state(index: usize) -> String {
    format!("state{}", index + 1)
}

/// The parsed template, or its first fault.
pub(crate) fn validate(content: &str) -> Result<Value, Located> {
    let template = parse(content)?;
    let Value::Object(top) = &template else {
        return Err(Located::at(
            1,
            "the template must be a map with FormatVersion and Tasks",
        ));
    };
    match top.get("FormatVersion") {
        None => {
            return Err(Located::at(
                1,
                format!("the template has no FormatVersion; it must be {FORMAT_VERSION}"),
            ))
        }
        Some(Value::String(v)) if v == FORMAT_VERSION || v == STATE_FORMAT_VERSION => {}
        Some(other) => {
            return Err(Located::top(
                content,
                "FormatVersion",
                format!("unknown FormatVersion {other}; it must be {FORMAT_VERSION}"),
            ))
        }
    }
    let parameters = check_parameters(content, top.get("Parameters"))?;
    let (steps, states) = match (top.get("Tasks"), top.get("States")) {
        (Some(tasks), _) => (tasks, false),
        (None, Some(states)) => (states, true),
        (None, None) => return Err(Located::at(1, "the template has no Tasks")),
    };
    let key = if states { "States" } else { "Tasks" };
    let steps = match steps {
        Value::Array(steps) if !steps.is_empty() => steps,
        Value::Array(_) => return Err(Located::top(content, key, format!("{key} is empty"))),
        _ => return Err(Located::top(content, key, format!("{key} must be a list"))),
    };
    let tasks = check_tasks(content, steps, states)?;
    let scope = Scope {
        content,
        parameters: &parameters,
        tasks: &tasks,
    };
    for (task, step) in tasks.iter().zip(steps) {
        scope.check_task(task, step)?;
    }
    if let Some(outputs) = top.get("Outputs") {
        if !outputs.is_null() && !outputs.is_object() {
            return Err(Located::top(content, "Outputs", "Outputs must be a map"));
        }
        if let Some(why) = output_problem(outputs) {
            return Err(Located::top(content, "Outputs", why));
        }
        scope.references(outputs, None, "Outputs")?;
    }
    if let Some(role) = top.get("RamRole") {
        scope.references(role, None, "RamRole")?;
    }
    Ok(template)
}

/// What is wrong with the declarations of a template's or a task's `Outputs`, if anything:
/// each must be a map, and its `Type`, when given, one a parameter may have.
fn output_problem(outputs: &Value) -> Option<String> {
    for (name, declaration) in outputs.as_object()? {
        let Value::Object(declaration) = declaration else {
            return Some(format!(
                "output {name} must be a map with a Type and a Value"
            ));
        };
        match declaration.get("Type") {
            None => {}
            Some(Value::String(t)) if PARAMETER_TYPES.contains(&t.as_str()) => {}
            Some(other) => {
                return Some(format!(
                    "output {name} has unknown Type {other}; it must be one of {}",
                    PARAMETER_TYPES.join(", ")
                ))
            }
        }
    }
    None
}

fn check_parameters(
    content: &str,
    parameters: Option<&Value>,
) -> Result<Map<String, Value>, Located> {
    let parameters = match parameters {
        None | Some(Value::Null) => return Ok(Map::new()),
        Some(Value::Object(map)) => map,
        Some(_) => {
            return Err(Located::top(
                content,
                "Parameters",
                "Parameters must be a map of name to declaration",
            ))
        }
    };
    for (name, declaration) in parameters {
        let at = |message: String| Located::top(content, name, message);
        if !valid_name(name) {
            return Err(at(format!(
                "`{name}` is not a parameter name: 1 to {MAX_NAME} letters, digits, `_` and `-`"
            )));
        }
        let Value::Object(declaration) = declaration else {
            return Err(at(format!("parameter {name} must be a map with a Type")));
        };
        match declaration.get("Type") {
            None => {}
            Some(Value::String(t)) if PARAMETER_TYPES.contains(&t.as_str()) => {}
            Some(other) => {
                return Err(at(format!(
                    "parameter {name} has unknown Type {other}; it must be one of {}",
                    PARAMETER_TYPES.join(", ")
                )))
            }
        }
    }
    Ok(parameters.clone())
}

/// What validation keeps of a task: its name, and what other tasks may read of it.
struct Declared {
    name: String,
    outputs: BTreeSet<String>,
    /// A task whose answer has no declared shape: a child template, a cloud product action
    /// or a trigger, any output of which may be read.
    open: bool,
}

fn check_tasks(content: &str, steps: &[Value], states: bool) -> Result<Vec<Declared>, Located> {
    let mut seen = BTreeSet::new();
    let mut tasks = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let Value::Object(task) = step else {
            return Err(Located::at(
                0,
                format!("task {} must be a map with Name and Action", i + 1),
            ));
        };
        let name = match task.get("Name") {
            Some(Value::String(name)) => name.clone(),
            None if states => unnamed_state(i),
            None => return Err(Located::at(0, format!("task {} has no Name", i + 1))),
            Some(other) => {
                return Err(Located::at(
                    0,
                    format!("task {} has Name {other}, not text", i + 1),
                ))
            }
        };
        let at = |key: &str, message: String| Located::task(content, &name, key, message);
        if !valid_name(&name) {
            return Err(at(
                "Name",
                format!(
                    "`{name}` is not a task name: 1 to {MAX_NAME} letters, digits, `_` and `-`"
                ),
            ));
        }
        if !seen.insert(name.clone()) {
            return Err(at("Name", format!("two tasks are named {name}")));
        }
        let action = match task.get("Action") {
            Some(Value::String(action)) => action.as_str(),
            // A state's resource type says what it applies.
            None if states && task.contains_key("ResourceType") => "ACS::Pause",
            None => return Err(at("", "the task has no Action".into())),
            Some(other) => return Err(at("Action", format!("Action is {other}, not text"))),
        };
        let known = builtin(action);
        if known.is_none() && !is_product_action(action) {
            return Err(at("Action", format!("unknown action {action}: neither a built-in ACS:: action nor ACS::<Product>::<Name>")));
        }
        if let Some(why) = task.get("Outputs").and_then(output_problem) {
            return Err(at("Outputs", why));
        }
        let mut outputs: BTreeSet<String> = task
            .get("Outputs")
            .and_then(Value::as_object)
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        if let Some(looping) = task.get("Loop") {
            let Value::Object(looping) = looping else {
                return Err(at("Loop", "Loop must be a map with Items".into()));
            };
            if !looping.contains_key("Items") {
                return Err(at("Loop", "Loop has no Items".into()));
            }
            if let Some(Value::Object(o)) = looping.get("Outputs") {
                outputs.extend(o.keys().cloned());
            }
        }
        let open = matches!(
            known,
            None | Some(
                "ACS::Template"
                    | "ACS::TimerTrigger"
                    | "ACS::EventTrigger"
                    | "ACS::AlarmTrigger"
                    | "ACS::SelectTargets"
            )
        );
        tasks.push(Declared {
            name,
            outputs,
            open,
        });
    }
    Ok(tasks)
}

struct Scope<'a> {
    content: &'a str,
    parameters: &'a Map<String, Value>,
    tasks: &'a [Declared],
}

impl Scope<'_> {
    fn check_task(&self, task: &Declared, step: &Value) -> Result<(), Located> {
        let name = &task.name;
        let at = |key: &str, message: String| Located::task(self.content, name, key, message);
        for key in ["OnError", "OnSuccess"] {
            match step.get(key) {
                None | Some(Value::Null) => {}
                Some(Value::String(target)) => self.target(target).map_err(|m| at(key, m))?,
                Some(other) => return Err(at(key, format!("{key} is {other}, not a task name"))),
            }
        }
        if builtin(step.get("Action").and_then(Value::as_str).unwrap_or("")) == Some("ACS::Choice")
        {
            let properties = step.get("Properties");
            if let Some(Value::String(target)) = properties.and_then(|p| p.get("DefaultTask")) {
                self.target(target).map_err(|m| at("DefaultTask", m))?;
            }
            let choices = properties
                .and_then(|p| p.get("Choices"))
                .and_then(Value::as_array);
            for choice in choices.into_iter().flatten() {
                if let Some(Value::String(target)) = choice.get("NextTask") {
                    self.target(target).map_err(|m| at("NextTask", m))?;
                }
            }
        }
        for key in ["Properties", "When", "Loop", "Outputs"] {
            if let Some(value) = step.get(key) {
                self.references(value, Some(name), key)?;
            }
        }
        Ok(())
    }

    /// Where `OnError`, `OnSuccess` or a choice may go.
    fn target(&self, target: &str) -> Result<(), String> {
        if target.eq_ignore_ascii_case(END)
            || target.eq_ignore_ascii_case(NEXT)
            || self.tasks.iter().any(|t| t.name == target)
        {
            Ok(())
        } else {
            Err(format!(
                "no task is named {target}; it must be a task, {END} or {NEXT}"
            ))
        }
    }

    /// Every reference within `value` resolves to something the template declares.
    fn references(&self, value: &Value, task: Option<&str>, key: &str) -> Result<(), Located> {
        match value {
            Value::String(text) => {
                for reference in references(text) {
                    self.reference(reference).map_err(|message| match task {
                        Some(task) => Located::task(self.content, task, key, message),
                        None => Located::top(self.content, key, message),
                    })?;
                }
                Ok(())
            }
            Value::Array(items) => items.iter().try_for_each(|v| self.references(v, task, key)),
            Value::Object(map) => map.values().try_for_each(|v| self.references(v, task, key)),
            _ => Ok(()),
        }
    }

    fn reference(&self, reference: &str) -> Result<(), String> {
        if reference.len() > 4 && reference[..5].eq_ignore_ascii_case("ACS::") {
            let base = reference.split('.').next().unwrap_or(reference);
            return builtin_reference(base)
                .map(|_| ())
                .ok_or_else(|| format!("`{{{{ {reference} }}}}` is no built-in value of OOS"));
        }
        // Parameter store references, resolved when the task runs.
        if reference.starts_with("oos:") || reference.starts_with("oos-secret:") {
            return Ok(());
        }
        // OOS matches parameter, task and output names without regard to case.
        if self
            .parameters
            .keys()
            .any(|p| p.eq_ignore_ascii_case(reference))
        {
            return Ok(());
        }
        if let Some((task, output)) = reference.split_once('.') {
            if let Some(declared) = self
                .tasks
                .iter()
                .find(|t| t.name.eq_ignore_ascii_case(task))
            {
                return if declared.open
                    || declared
                        .outputs
                        .iter()
                        .any(|o| o.eq_ignore_ascii_case(output))
                {
                    Ok(())
                } else {
                    Err(format!(
                        "`{{{{ {reference} }}}}`: task {task} declares no output {output}"
                    ))
                };
            }
        }
        if reference.contains(['(', ')', ' ', '|']) {
            return Err(format!("`{{{{ {reference} }}}}` is not a reference: a parameter, task.output or ACS:: value"));
        }
        Err(format!(
            "`{{{{ {reference} }}}}` refers to no declared parameter, task output or ACS:: value"
        ))
    }
}

fn valid_name(name: &str) -> bool {
    (1..=MAX_NAME).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "FormatVersion: OOS-2019-06-01\n";

    fn refused(body: &str) -> String {
        validate(&format!("{HEAD}{body}")).unwrap_err().to_string()
    }

    #[test]
    fn accepts_a_full_template_and_both_spellings() {
        let body = "Parameters:\n  ids:\n    Type: List\n  region:\n    Type: String\n    Default: '{{ ACS::RegionId }}'\nTasks:\n  - Name: get\n    Action: ACS::ExecuteApi\n    Properties:\n      Service: ECS\n      API: DescribeInstances\n      Parameters:\n        RegionId: '{{ region }}'\n    Outputs:\n      ids:\n        Type: List\n        ValueSelector: .Instances.Instance[].InstanceId\n  - Name: each\n    Action: ACS::ECS::StopInstance\n    OnError: ACS::END\n    OnSuccess: get\n    Loop:\n      Items: '{{ get.ids }}'\n    Properties:\n      instanceId: '{{ ACS::TaskLoopItem }}'\nOutputs:\n  n:\n    Type: List\n    Value: '{{ each.anything }}'\n";
        validate(&format!("{HEAD}{body}")).unwrap();
    }

    #[test]
    fn refuses_what_oos_refuses_and_says_where() {
        let cases = [
            ("Tasks: []\n", "line 2, key Tasks: Tasks is empty"),
            ("Tasks: {}\n", "Tasks must be a list"),
            ("Parameters: []\nTasks:\n  - {Name: a, Action: ACS::Sleep}\n", "line 2, key Parameters: Parameters must be a map"),
            ("Parameters:\n  p:\n    Type: Text\nTasks:\n  - {Name: a, Action: ACS::Sleep}\n", "line 3, key p: parameter p has unknown Type \"Text\""),
            ("Tasks:\n  - Name: a\n    Action: ACS::Sleep\n  - Name: a\n    Action: ACS::Sleep\n", "line 3, task a, key Name: two tasks are named a"),
            ("Tasks:\n  - Name: a b\n    Action: ACS::Sleep\n", "is not a task name"),
            ("Tasks:\n  - Name: a\n    Action: ACS::Sleepy\n", "line 4, task a, key Action: unknown action ACS::Sleepy"),
            ("Tasks:\n  - Name: a\n    Action: ACS::Sleep\n    Properties:\n      Duration: '{{ d }}'\n", "line 5, task a, key Properties: `{{ d }}` refers to no declared parameter"),
            ("Tasks:\n  - Name: a\n    Action: ACS::Sleep\n    OnError: b\n", "line 5, task a, key OnError: no task is named b"),
            ("Tasks:\n  - Name: a\n    Action: ACS::Sleep\n    Loop:\n      Concurrency: 2\n", "line 5, task a, key Loop: Loop has no Items"),
            ("Tasks:\n  - Name: a\n    Action: ACS::ExecuteAPI\n  - Name: b\n    Action: ACS::Sleep\n    Properties:\n      D: '{{ a.x }}'\n", "task a declares no output x"),
            ("Tasks:\n  - Name: a\n    Action: ACS::Sleep\n    Properties:\n      D: '{{ ACS::Nope }}'\n", "no built-in value"),
            ("Tasks:\n  - Name: c\n    Action: ACS::Choice\n    Properties:\n      DefaultTask: z\n", "key DefaultTask: no task is named z"),
            ("Tasks:\n  - Name: a\n    Action: ACS::ExecuteAPI\n    Outputs:\n      id:\n        Type: Strin\n        ValueSelector: .Id\n", "line 5, task a, key Outputs: output id has unknown Type \"Strin\"; it must be one of String"),
            ("Tasks:\n  - {Name: a, Action: ACS::Sleep}\nOutputs:\n  n:\n    Type: Integer\n    Value: 1\n", "line 4, key Outputs: output n has unknown Type \"Integer\""),
            ("Tasks:\n  - {Name: a, Action: ACS::Sleep}\nOutputs:\n  n: 1\n", "key Outputs: output n must be a map with a Type and a Value"),
        ];
        for (body, says) in cases {
            let got = refused(body);
            assert!(got.contains(says), "{body}\n=> {got}\nwanted {says}");
        }
        assert!(validate("Tasks:\n  - {Name: a, Action: ACS::Sleep}\n")
            .unwrap_err()
            .to_string()
            .contains("no FormatVersion"));
        assert!(validate("FormatVersion: OOS-2020\nTasks: []")
            .unwrap_err()
            .to_string()
            .starts_with("line 1, key FormatVersion: unknown FormatVersion"));
        assert!(validate("{\"FormatVersion\": 1,\n")
            .unwrap_err()
            .to_string()
            .contains("not valid JSON"));
        assert!(validate("a: [\n")
            .unwrap_err()
            .to_string()
            .contains("not valid YAML"));
    }

    #[test]
    fn state_templates_are_templates() {
        validate(&format!(
            "{HEAD}States:\n  - ResourceType: 'ACS:Inventory'\n    Action: ACS::Pause\n"
        ))
        .unwrap();
    }
}

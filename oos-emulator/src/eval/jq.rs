//! jq, as templates use it in `ValueSelector`, `PropertySelector` and `Fn::Jq`, through the
//! jaq interpreter and its standard library, within a budget (`budget`), on worker threads
//! (`workers`), with values measured on their way in and out (`values`). Compiled filters
//! are kept per worker thread, since a loop runs the same selector once per item.

mod budget;
mod values;
mod workers;

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;
use std::time::Instant;

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{data, unwrap_valr, Compiler, Ctx, Vars};
use jaq_json::Val;
use serde_json::Value;

pub(crate) use budget::{Limits, LIMITS};

use super::Failure;

type Filter = jaq_core::Filter<data::JustLut<Val>>;

/// The most compiled filters kept per thread.
const KEPT: usize = 512;
/// The deepest nesting of parentheses, brackets and braces in a filter taken: jaq's parser
/// recurses per level, and thousands of levels overflow a thread's stack.
const MAX_DEPTH: usize = 256;

thread_local! {
    static COMPILED: RefCell<HashMap<String, Rc<Filter>>> = RefCell::new(HashMap::new());
}

/// Every output of `filter` run on `input`, or why it cannot run: the filter's own failure,
/// or a limit of the emulator (its budget, a `def`) as [`Failure::Unsupported`], which no
/// `OnError` absorbs.
pub(crate) fn run(filter: &str, input: &Value) -> Result<Vec<Value>, Failure> {
    run_within(filter, input, LIMITS)
}

/// The first output of `filter` on `input`; null when it gives none.
pub(crate) fn first(filter: &str, input: &Value) -> Result<Value, Failure> {
    Ok(run(filter, input)?
        .into_iter()
        .next()
        .unwrap_or(Value::Null))
}

/// [`run`] within `limits`.
pub(crate) fn run_within(
    filter: &str,
    input: &Value,
    limits: Limits,
) -> Result<Vec<Value>, Failure> {
    if values::json_deeper_than(input, limits.input_depth) {
        return Err(exceeded(
            filter,
            &format!(
                "size: its input is nested more than {} deep",
                limits.input_depth
            ),
        ));
    }
    workers::run(filter, input.to_string(), limits)
}

/// What a filter over the budget is told: a limit of the emulator, not of OOS.
fn exceeded(filter: &str, why: &str) -> Failure {
    Failure::unsupported(format!(
        "jq `{}` exceeded the emulator's limit on {why}",
        shown(filter)
    ))
}

/// `filter` as messages show it: its start, when it is long.
fn shown(filter: &str) -> String {
    const SHOWN: usize = 80;
    if filter.chars().count() > SHOWN {
        format!("{}…", filter.chars().take(SHOWN).collect::<String>())
    } else {
        filter.to_owned()
    }
}

/// Runs `filter` on `input` (JSON text) on this thread, within `limits`.
fn evaluate(filter: &str, input: &str, limits: Limits) -> workers::Evaluated {
    let compiled = match compiled(filter) {
        Ok(compiled) => compiled,
        Err(why) => {
            return workers::Evaluated {
                answer: Err(why),
                retire: false,
            }
        }
    };
    let started = Instant::now();
    let answer = evaluate_compiled(filter, &compiled, input, limits);
    // The only limit of the emulator a compiled filter meets is its budget.
    let over_budget = matches!(answer, Err(Failure::Unsupported(_)));
    workers::Evaluated {
        answer,
        retire: over_budget || started.elapsed() >= workers::HEAVY,
    }
}

/// The outputs of `compiled`; a [`Failure::Unsupported`] only when it exceeded its budget.
fn evaluate_compiled(
    filter: &str,
    compiled: &Filter,
    input: &str,
    limits: Limits,
) -> Result<Vec<Value>, Failure> {
    let input = jaq_json::read::parse_single(input.as_bytes())
        .map_err(|e| Failure::from(format!("jq input: {e}")))?;
    let running = budget::Running::start(limits);
    let over = |why: &str| exceeded(filter, why);
    let ctx = Ctx::<data::JustLut<Val>>::new(&compiled.lut, Vars::new([]));
    let mut spent = values::Spent::default();
    let mut outputs = Vec::new();
    for output in compiled.id.run((ctx, input)).map(unwrap_valr) {
        budget::step().map_err(|why| over(&why))?;
        match output {
            Ok(value) => outputs.push(values::to_json(value, &mut spent, &limits).map_err(
                |why| match why {
                    values::Refused::Limit(why) => over(&why),
                    values::Refused::NotJson(why) => format!("jq `{filter}` {why}").into(),
                },
            )?),
            Err(e) => {
                return Err(match running.exceeded() {
                    Some(why) => over(&why),
                    None => format!("jq `{filter}` failed: {}", error_text(&e)).into(),
                })
            }
        }
    }
    // A `try` in the filter may have caught the budget's error and gone on.
    match running.exceeded() {
        Some(why) => Err(over(&why)),
        None => Ok(outputs),
    }
}

/// The most characters of a jq error's text a failure keeps.
const ERROR_TEXT: usize = 1_000;

/// The text of jq's error `e`, cut after [`ERROR_TEXT`] characters. The value an error
/// carries is not measured as outputs are (`error` of a value built 100,000 deep): printing
/// stops at the cut instead of going through the whole value, recursively.
fn error_text(e: &impl fmt::Display) -> String {
    struct Cut {
        text: String,
        room: usize,
    }
    impl fmt::Write for Cut {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            for c in s.chars() {
                if self.room == 0 {
                    return Err(fmt::Error);
                }
                self.room -= 1;
                self.text.push(c);
            }
            Ok(())
        }
    }
    let mut cut = Cut {
        text: String::new(),
        room: ERROR_TEXT,
    };
    if fmt::write(&mut cut, format_args!("{e}")).is_err() {
        cut.text.push('…');
    }
    cut.text
}

/// `env`, without the emulator's environment: templates are anyone's, and the environment
/// of a test run may hold credentials.
fn no_environment() -> jaq_core::native::Fun<data::JustLut<Val>> {
    (
        "env",
        jaq_core::native::v(0),
        jaq_core::Native::new(|_| {
            jaq_core::native::bome(Ok(Val::Obj(jaq_json::Rc::new(Default::default()))))
        }),
    )
}

/// Whether a filter whose code (see [`code_of`]) is `code` defines a function: a definition
/// may call itself, and jaq recurses on the thread's stack for each call, so one that
/// recurses without end overflows it before any budget could be checked.
fn defines_function(code: &[char]) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    (0..code.len()).any(|i| {
        code[i..].starts_with(&['d', 'e', 'f'])
            && (i == 0 || !(word(code[i - 1]) || matches!(code[i - 1], '.' | '$')))
            && code.get(i + 3).is_some_and(|c| c.is_whitespace())
            && code[i + 3..]
                .iter()
                .find(|c| !c.is_whitespace())
                .is_some_and(|&c| c.is_alphabetic() || c == '_')
    })
}

/// What of `filter` jaq reads as code: the text of string literals and comments blanked,
/// the code of string interpolations (`"…\(code)…"`) kept.
fn code_of(filter: &str) -> Vec<char> {
    enum In {
        /// Code; within an interpolation, with how many parentheses are open in it.
        Code(Option<usize>),
        Text,
    }
    let mut within = vec![In::Code(None)];
    let mut code = Vec::with_capacity(filter.len());
    let mut chars = filter.chars();
    while let Some(c) = chars.next() {
        match within.last_mut() {
            Some(In::Text) => match c {
                '\\' => match chars.next() {
                    Some('(') => {
                        code.extend([' ', '(']);
                        within.push(In::Code(Some(1)));
                    }
                    _ => code.extend([' ', ' ']),
                },
                '"' => {
                    code.push('"');
                    within.pop();
                }
                _ => code.push(' '),
            },
            Some(In::Code(open)) => match c {
                '"' => {
                    code.push('"');
                    within.push(In::Text);
                }
                '#' => {
                    code.push(' ');
                    for c in chars.by_ref() {
                        if c == '\n' {
                            code.push('\n');
                            break;
                        }
                        code.push(' ');
                    }
                }
                '(' => {
                    code.push(c);
                    if let Some(open) = open {
                        *open += 1;
                    }
                }
                ')' => {
                    code.push(c);
                    match open {
                        Some(1) => {
                            within.pop();
                        }
                        Some(open) => *open -= 1,
                        None => {}
                    }
                }
                _ => code.push(c),
            },
            None => code.push(c),
        }
    }
    code
}

fn compiled(filter: &str) -> Result<Rc<Filter>, Failure> {
    if let Some(found) = COMPILED.with(|c| c.borrow().get(filter).cloned()) {
        return Ok(found);
    }
    let code = code_of(filter);
    if defines_function(&code) {
        return Err(Failure::unsupported(format!(
            "jq `{}` defines a function (def), which the emulator does not run: a definition that calls itself could exhaust its stack",
            shown(filter)
        )));
    }
    if depth(&code) > MAX_DEPTH {
        return Err(Failure::unsupported(format!(
            "jq `{}` is not a filter the emulator takes: it is nested more than {MAX_DEPTH} deep",
            shown(filter)
        )));
    }
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs())
        .chain(budget::defs()?);
    // The emulator's natives replace jaq's of the same name and arity.
    let ours: Vec<_> = budget::funs().chain([no_environment()]).collect();
    let replaced: Vec<(&str, usize)> = ours.iter().map(|(n, a, _)| (*n, a.len())).collect();
    let funs = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs())
        .filter(|(name, args, _)| !replaced.contains(&(*name, args.len())))
        .chain(ours);
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let modules = loader
        .load(
            &arena,
            File {
                code: filter,
                path: (),
            },
        )
        .map_err(|errors| {
            Failure::from(format!(
                "`{filter}` is not a jq filter ({} errors)",
                errors.len()
            ))
        })?;
    let compiled = Compiler::default()
        .with_funs(funs)
        .compile(modules)
        .map_err(|errors| {
            Failure::from(format!(
                "`{filter}` is not a jq filter: {} undefined names",
                errors.len()
            ))
        })?;
    let compiled = Rc::new(compiled);
    COMPILED.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= KEPT {
            cache.clear();
        }
        cache.insert(filter.to_owned(), compiled.clone());
    });
    Ok(compiled)
}

/// How deep the parentheses, brackets and braces of a filter's code (see [`code_of`], string
/// interpolations included) nest.
fn depth(code: &[char]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for &c in code {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::{Duration, Instant};

    /// The reason of a limit of the emulator; fails on any other outcome, a failure of the
    /// filter's own included.
    fn unsupported<T: std::fmt::Debug>(result: Result<T, Failure>) -> String {
        match result {
            Err(Failure::Unsupported(why)) => why,
            other => panic!("expected a limit of the emulator, got {other:?}"),
        }
    }

    /// The reason of the filter's own failure; fails on any other outcome.
    fn failed<T: std::fmt::Debug>(result: Result<T, Failure>) -> String {
        match result {
            Err(Failure::Failed(why)) => why,
            other => panic!("expected the filter's own failure, got {other:?}"),
        }
    }

    #[test]
    fn a_deeply_nested_filter_is_refused_not_run() {
        // jaq's parser recurses per level: 10,000 levels overflowed the stack and ended
        // the process.
        for (open, close) in [("(", ")"), ("[", "]"), ("{a: ", "}")] {
            let filter = format!("{}.{}", open.repeat(10_000), close.repeat(10_000));
            let refused = unsupported(run(&filter, &json!(1)));
            assert!(refused.contains("nested more than 256 deep"), "{refused}");
            // Named as every refused filter is: its first 80 characters.
            assert!(
                refused.starts_with(&format!("jq `{}…` ", &filter[..80])),
                "{refused}"
            );
        }
        // An interpolation is code.
        let interpolated = format!("\"\\({}.{})\"", "(".repeat(10_000), ")".repeat(10_000));
        assert!(unsupported(run(&interpolated, &json!(1))).contains("nested more than 256 deep"));
        assert_eq!(
            first("\"a\\(1 + (2 * 3))b(\"", &json!(null)).unwrap(),
            json!("a7b(")
        );
        // Brackets in a string literal are text.
        let text = format!("\"{}\" | length", "(".repeat(1_000));
        assert_eq!(first(&text, &json!(null)).unwrap(), json!(1_000));
        assert_eq!(first("[[[.]]] | .[0][0][0]", &json!(7)).unwrap(), json!(7));
    }
    fn exceeded(filter: &str, limits: Limits, on: &str) -> String {
        let refused = unsupported(run_within(filter, &json!(0), limits));
        assert!(
            refused.contains(&format!("exceeded the emulator's limit on {on}")),
            "{filter}: {refused}"
        );
        refused
    }

    /// A product of `.[]`s, which charges no step: it runs past any time limit, however
    /// short, on a long enough list (on 60 items it ends in well under a second in a debug
    /// build).
    pub(super) const SLOW: &str =
        "reduce (.[] as $a | .[] as $b | .[] as $c | 1) as $x (0; . + $x)";

    /// [`LIMITS`] with time enough for a debug build on a busy machine to reach the steps.
    const PATIENT: Limits = Limits {
        time: Duration::from_secs(60),
        ..LIMITS
    };

    #[test]
    fn generators_stop_at_the_step_limit() {
        let refused = exceeded("[range(1e9)] | length", PATIENT, "steps");
        assert!(
            refused.starts_with("jq `[range(1e9)] | length` exceeded"),
            "{refused}"
        );
        assert!(refused.ends_with("it generated more than 100000 values"));
        for filter in [
            "last(repeat(1))",
            "last(recurse(. + 1))",
            "last(recurse(. + 1; true))",
            "[while(true; . + 1)] | length",
            "until(false; . + 1)",
            "last(range(0; infinite))",
            "last(range(0; 1e9; 0.5))",
            "last(range(0; -1e9; -1))",
            // The budget's error caught inside the filter still ends the evaluation.
            "try ([range(1e9)] | length) catch 0",
            "[.[]?, range(1e9)] | length",
        ] {
            exceeded(filter, PATIENT, "steps");
        }
        // Under the limit, the generators give what jaq's own give.
        assert_eq!(
            run("range(3)", &json!(null)).unwrap(),
            [json!(0), json!(1), json!(2)]
        );
        assert_eq!(
            run("[range(5; 0; -2)]", &json!(null)).unwrap(),
            [json!([5, 3, 1])]
        );
        assert_eq!(
            run("[range(0; 1; 0.25)]", &json!(null)).unwrap(),
            [json!([0, 0.25, 0.5, 0.75])]
        );
        assert_eq!(
            run("[limit(3; repeat(7))]", &json!(null)).unwrap(),
            [json!([7, 7, 7])]
        );
        assert_eq!(
            run("[recurse(if . < 3 then . + 1 else empty end)]", &json!(0)).unwrap(),
            [json!([0, 1, 2, 3])]
        );
        assert_eq!(
            run("[.. | numbers]", &json!({"a": [1, {"b": 2}]})).unwrap(),
            [json!([1, 2])]
        );
        assert_eq!(
            run("[while(. < 3; . + 1)]", &json!(0)).unwrap(),
            [json!([0, 1, 2])]
        );
        assert_eq!(run("until(. > 3; . + 1)", &json!(0)).unwrap(), [json!(4)]);
        // The budget is per evaluation: each of many small ones runs in full.
        for _ in 0..3 {
            assert_eq!(
                run_within("[range(90000)] | length", &json!(null), PATIENT).unwrap(),
                [json!(90000)]
            );
        }
    }

    /// A filter that nests `.` 100,000 deep: 1,000 rounds of 100 levels each.
    fn hundred_thousand_deep(open: &str, close: &str) -> String {
        format!(
            "reduce range(1000) as $i (null; {}.{})",
            open.repeat(100),
            close.repeat(100)
        )
    }

    #[test]
    fn deep_values_are_refused_not_walked() {
        // 100,000 levels: printing, comparing or dropping it recursively overflowed the stack.
        let refused = exceeded(&hundred_thousand_deep("[", "]"), LIMITS, "size");
        assert!(
            refused.ends_with("it built a value nested more than 64 deep"),
            "{refused}"
        );
        exceeded(&hundred_thousand_deep("{a: ", "}"), LIMITS, "size");
        // One level per step: the steps run out first.
        exceeded("reduce range(100000) as $i (null; [.])", PATIENT, "steps");
        // Built and dropped inside jaq: the worker's stack holds it.
        let inside = run_within(
            "reduce range(99990) as $i (null; [.]) | length",
            &json!(null),
            PATIENT,
        );
        assert_eq!(inside.unwrap(), [json!(1)]);
        assert_eq!(
            run("reduce range(128) as $i (0; [.]) | flatten", &json!(null)).unwrap(),
            [json!([0])]
        );
        let at_the_limit = first("reduce range(64) as $i (0; [.])", &json!(null)).unwrap();
        assert!(!values::json_deeper_than(&at_the_limit, 64));
        assert!(values::json_deeper_than(&at_the_limit, 63));
        exceeded("reduce range(65) as $i (0; [.])", LIMITS, "size");
        // An error's value is not an output: its text is cut, not printed whole.
        let deep_error = failed(run_within(
            "reduce range(99990) as $i (null; [.]) | error",
            &json!(null),
            PATIENT,
        ));
        let text = deep_error.split_once(" failed: ").unwrap().1;
        assert_eq!(text, format!("{}…", "[".repeat(1_000)));
        let short = failed(run("error(\"boom\")", &json!(null)));
        assert!(short.ends_with(" failed: \"boom\""), "{short}");
        let mut deep = json!(0);
        for _ in 0..200 {
            deep = json!([deep]);
        }
        let refused = unsupported(run(".", &deep));
        assert!(
            refused.contains("limit on size: its input is nested more than 128 deep"),
            "{refused}"
        );
        let small = Limits {
            nodes: 1_000,
            ..LIMITS
        };
        exceeded("[range(2000)]", small, "size");
        exceeded("range(600) | [.]", small, "size");
        assert_eq!(
            run_within("[range(999)]", &json!(0), small).unwrap().len(),
            1
        );
    }

    #[test]
    fn a_filter_that_runs_long_is_left_behind_at_the_time_limit() {
        let quick = Limits {
            time: Duration::from_millis(100),
            ..LIMITS
        };
        // Three nested `.[]` over 150 items, millions of rounds.
        let items: Vec<Value> = (0..150).map(|i| json!(i)).collect();
        let started = Instant::now();
        let refused = unsupported(run_within(SLOW, &Value::Array(items), quick));
        assert!(
            refused.contains("exceeded the emulator's limit on time: it ran for more than 100 ms"),
            "{refused}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        // Other filters run meanwhile, on other workers.
        assert_eq!(first(".a", &json!({"a": 1})).unwrap(), json!(1));
        // A filter that steps is stopped by its own budget.
        let steps = Limits {
            steps: u64::MAX,
            ..quick
        };
        exceeded("last(repeat(1))", steps, "time");
    }

    #[test]
    fn a_worker_retires_after_a_filter_over_budget_or_long() {
        let quick = evaluate(".a", "{\"a\": 1}", LIMITS);
        assert_eq!(quick.answer.unwrap(), [json!(1)]);
        assert!(!quick.retire);
        let over = evaluate("[range(1e9)] | length", "null", LIMITS);
        assert!(unsupported(over.answer).contains("limit on steps"));
        assert!(over.retire);
        // Long (over 50 ms in release as in debug) but within its budget: 99,000 rounds
        // that each build and sum a list.
        let long = evaluate(
            "reduce range(99000) as $i (0; . + ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10] | add))",
            "null",
            PATIENT,
        );
        assert_eq!(long.answer.unwrap(), [json!(99000 * 55)]);
        assert!(long.retire);
        // A filter that does not compile retires nothing.
        let refused = evaluate(".a | nosuch", "null", LIMITS);
        assert!(failed(refused.answer).contains("not a jq filter"));
        assert!(!refused.retire);
    }

    #[test]
    fn env_shows_no_environment() {
        assert!(std::env::vars().next().is_some());
        assert_eq!(first("env", &json!(null)).unwrap(), json!({}));
        assert_eq!(
            first("env.HOME // \"none\"", &json!(null)).unwrap(),
            json!("none")
        );
        // `$ENV` is no variable here: the filter's own failure, not a limit of the emulator.
        let no_env = failed(run("$ENV", &json!(null)));
        assert!(no_env.contains("not a jq filter"), "{no_env}");
    }

    #[test]
    fn a_filter_that_defines_a_function_is_refused() {
        for filter in [
            "def f: [f]; f",
            "def f(x): x; f(1)",
            "1 as $x | def  g: 2; g",
            "\"\\(def f: [f]; f)\"",
            "\"\\(\"\\(1)\" | def f: [f]; f)\"",
        ] {
            let refused = unsupported(run(filter, &json!(null)));
            assert!(refused.contains("defines a function (def)"), "{refused}");
        }
        // `def` as a key, a field, or in a string or a comment is not a definition.
        assert_eq!(first(".def", &json!({"def": 1})).unwrap(), json!(1));
        assert_eq!(first("{def: 2} | .def", &json!(null)).unwrap(), json!(2));
        assert_eq!(
            first("\"def f: 1;\" | length", &json!(null)).unwrap(),
            json!(9)
        );
        assert_eq!(first("1 # def f: 1;\n", &json!(null)).unwrap(), json!(1));
    }

    #[test]
    fn runs_jq_with_its_library() {
        let answer = json!({"Items": [{"Name": "a", "On": true}, {"Name": "b", "On": false}]});
        assert_eq!(
            run(".Items[].Name", &answer).unwrap(),
            [json!("a"), json!("b")]
        );
        assert_eq!(
            first(".Items | map(select(.On)) | length", &answer).unwrap(),
            json!(1)
        );
        assert_eq!(
            first("[.Items[].Name] | join(\",\")", &answer).unwrap(),
            json!("a,b")
        );
        assert_eq!(first("-7*24", &Value::Null).unwrap(), json!(-168));
        assert_eq!(first("empty", &answer).unwrap(), Value::Null);
        assert!(failed(run(".Items | .[", &answer)).contains("not a jq filter"));
        assert!(failed(run(".Items[].Name | nosuch", &answer)).contains("not a jq filter"));
        assert!(failed(run(".Items | keys | .[0] | .x", &answer)).contains("failed"));
    }
}

//! jq, as templates use it in `ValueSelector`, `PropertySelector` and `Fn::Jq`, through the
//! jaq interpreter and its standard library. Compiled filters are kept per thread, since a
//! loop runs the same selector once per item.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{data, unwrap_valr, Compiler, Ctx, Vars};
use jaq_json::Val;
use serde_json::Value;

type Filter = jaq_core::Filter<data::JustLut<Val>>;

/// The most compiled filters kept per thread.
const KEPT: usize = 512;
/// The deepest nesting of parentheses, brackets and braces in a filter taken: jaq's parser
/// recurses per level, and thousands of levels overflow a thread's stack.
const MAX_DEPTH: usize = 256;

thread_local! {
    static COMPILED: RefCell<HashMap<String, Rc<Filter>>> = RefCell::new(HashMap::new());
}

/// Every output of `filter` run on `input`, or why it cannot run.
pub(crate) fn run(filter: &str, input: &Value) -> Result<Vec<Value>, String> {
    let compiled = compiled(filter)?;
    let input = jaq_json::read::parse_single(input.to_string().as_bytes())
        .map_err(|e| format!("jq input: {e}"))?;
    let ctx = Ctx::<data::JustLut<Val>>::new(&compiled.lut, Vars::new([]));
    compiled
        .id
        .run((ctx, input))
        .map(unwrap_valr)
        .map(|out| match out {
            Ok(value) => serde_json::from_str(&value.to_string())
                .map_err(|e| format!("jq `{filter}` gave a value that is not JSON: {e}")),
            Err(e) => Err(format!("jq `{filter}` failed: {e}")),
        })
        .collect()
}

/// The first output of `filter` on `input`; null when it gives none.
pub(crate) fn first(filter: &str, input: &Value) -> Result<Value, String> {
    Ok(run(filter, input)?
        .into_iter()
        .next()
        .unwrap_or(Value::Null))
}

fn compiled(filter: &str) -> Result<Rc<Filter>, String> {
    if let Some(found) = COMPILED.with(|c| c.borrow().get(filter).cloned()) {
        return Ok(found);
    }
    if depth(filter) > MAX_DEPTH {
        let shown: String = filter.chars().take(40).collect();
        return Err(format!(
            "`{shown}…` is not a jq filter the emulator takes: it is nested more than {MAX_DEPTH} deep"
        ));
    }
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let funs = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs());
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
        .map_err(|errors| format!("`{filter}` is not a jq filter ({} errors)", errors.len()))?;
    let compiled = Compiler::default()
        .with_funs(funs)
        .compile(modules)
        .map_err(|errors| {
            format!(
                "`{filter}` is not a jq filter: {} undefined names",
                errors.len()
            )
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

/// How deep `filter`'s parentheses, brackets and braces nest, outside string literals.
fn depth(filter: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut in_string = false;
    let mut chars = filter.chars();
    while let Some(c) = chars.next() {
        match (in_string, c) {
            (true, '\\') => {
                chars.next();
            }
            (true, '"') | (false, '"') => in_string = !in_string,
            (false, '(' | '[' | '{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (false, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_deeply_nested_filter_is_refused_not_run() {
        // jaq's parser recurses per level: 10,000 levels overflowed the stack and ended
        // the process.
        for (open, close) in [("(", ")"), ("[", "]"), ("{a: ", "}")] {
            let filter = format!("{}.{}", open.repeat(10_000), close.repeat(10_000));
            let refused = run(&filter, &json!(1)).unwrap_err();
            assert!(refused.contains("nested more than 256 deep"), "{refused}");
        }
        // Brackets in a string literal are text.
        let text = format!("\"{}\" | length", "(".repeat(1_000));
        assert_eq!(first(&text, &json!(null)).unwrap(), json!(1_000));
        assert_eq!(first("[[[.]]] | .[0][0][0]", &json!(7)).unwrap(), json!(7));
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
        assert!(run(".Items | .[", &answer)
            .unwrap_err()
            .contains("not a jq filter"));
        assert!(run(".Items[].Name | nosuch", &answer)
            .unwrap_err()
            .contains("not a jq filter"));
        assert!(run(".Items | keys | .[0] | .x", &answer)
            .unwrap_err()
            .contains("failed"));
    }
}

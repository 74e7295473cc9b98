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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

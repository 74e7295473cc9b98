//! The sample round-trip tests: every documented success answer parses into its output type
//! and serialises back to the same JSON value.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::ident;
use crate::model::Action;

/// A test module for `actions`. `crate_path` is how the tests reach the operations (`oos_api`
/// or `crate::fixtures`); `snapshot` adds an insta snapshot of what each sample parsed into.
pub fn sample_tests(actions: &[Action], crate_path: &str, snapshot: bool) -> TokenStream {
    let root: syn::Path = syn::parse_str(crate_path).unwrap_or_else(|_| syn::parse_quote!(crate));
    let mut tests = Vec::new();
    for a in actions {
        for sample in &a.samples {
            let suffix = sample.key.trim_end_matches("_response");
            // `pub_` (an action named by a keyword) gives `pub_demo_round_trips`, not `pub__…`.
            let test = format_ident!("{}_{}_round_trips", a.module.trim_end_matches('_'), suffix);
            let module = ident(&a.module);
            let output = format_ident!("{}Output", a.rust_name);
            let json = &sample.json;
            let body = if snapshot {
                quote! {
                    let output: #root::operation::#module::#output = round_trip(#json);
                    insta::assert_debug_snapshot!(output);
                }
            } else {
                quote!(round_trip::<#root::operation::#module::#output>(#json);)
            };
            tests.push(quote! {
                #[test]
                fn #test() {
                    #body
                }
            });
        }
    }
    // Without a sample there is no test, and the helpers would be dead code.
    let helpers = (!tests.is_empty()).then(|| {
        quote! {
            /// Parses `sample` into `T` and checks that `T` serialises back to the same JSON value.
            fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(sample: &str) -> T {
                let output: T = serde_json::from_str(sample).expect("the sample parses into the output type");
                let expected: serde_json::Value = serde_json::from_str(sample).expect("the sample is JSON");
                let actual = serde_json::to_value(&output).expect("the output serialises");
                assert!(same(&actual, &expected), "the sample does not survive a round trip:\n{actual:#}\n{expected:#}");
                output
            }

            /// JSON equality where numbers compare by value: a Float documented as `0` comes
            /// back as `0.0`, the same number; integers compare exactly.
            fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
                use serde_json::Value;
                match (a, b) {
                    (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => x.as_f64() == y.as_f64(),
                    (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
                    (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
                    _ => a == b,
                }
            }
        }
    });
    quote! {
        #![doc = " Every documented success answer parses into its output type and serialises back to the same JSON value."]
        #helpers
        #(#tests)*
    }
}

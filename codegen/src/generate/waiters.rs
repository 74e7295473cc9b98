//! `waiters.rs`: one submodule per action that declares waiters, each with the waiters'
//! declarations (`crate::waiter::Waiter` statics and the functions that read the watched
//! value), the `client.wait_until_<name>()` methods, whose first setters must name what is
//! waited on (one type per identifying parameter), and the same methods on the action's
//! request builder, whose setters are the action's own. The polling itself is the runtime's (`oos_api::waiter`).

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_lines, inner_doc_lines};
use super::ident;
use super::shapes::setter_param;
use crate::model::{Action, PathStep, SpecSet, WaitedValue, Waiter};
use crate::waiters::method_name;

/// Whether any of `actions` declares a waiter (and so whether there is a module).
pub fn any(actions: &[Action]) -> bool {
    actions.iter().any(|a| !a.waiters.is_empty())
}

/// The `waiters` module of a spec set.
pub fn waiters(set: &SpecSet) -> TokenStream {
    let doc = inner_doc_lines(
        "Waiters, declared under `waiters:` in the specs: each `client.wait_until_<name>()` (whose first setters name the resource) or `client.<action>()…wait_until_<name>()` (from the action's request builder) sends its action until a response field reaches a value that ends the wait, within `.max_wait(..)`. The statics describe each waiter (its field, values and delays).",
    );
    let modules = set
        .actions
        .iter()
        .filter(|a| !a.waiters.is_empty())
        .map(action_waiters);
    let reexports = set.actions.iter().flat_map(|a| {
        let module = ident(&a.module);
        a.waiters.iter().map(move |w| {
            let name = static_name(w);
            quote! { pub use #module::#name; }
        })
    });
    quote! {
        #doc
        #(#reexports)*
        #(#modules)*
    }
}

fn action_waiters(action: &Action) -> TokenStream {
    let module = ident(&action.module);
    let doc = doc_lines(&format!("The waiters of `{}`.", action.name));
    let waiters = action.waiters.iter().map(|w| waiter(action, w));
    quote! {
        #doc
        pub mod #module {
            #[allow(unused_imports)]
            use super::super::operation::#module::*;

            #(#waiters)*
        }
    }
}

fn waiter(action: &Action, w: &Waiter) -> TokenStream {
    let input = format_ident!("{}Input", action.rust_name);
    let output = format_ident!("{}Output", action.rust_name);
    let name = &w.name;
    let action_name = &action.name;
    let path = &w.path;
    let static_name = static_name(w);
    let state_fn = format_ident!("{}_state", w.name.to_snake_case());
    let requires_fn = format_ident!("{}_requires", w.name.to_snake_case());
    let identifying: Vec<&crate::model::Field> = w
        .requires
        .iter()
        .filter_map(|wire| action.request.iter().find(|f| &f.wire == wire))
        .collect();
    // What a wait being started becomes once the first `i` identifying parameters are set:
    // the type that asks for the next one, or, all set, the `WaiterBuilder`.
    let next = |i: usize, client: TokenStream, input_value: TokenStream| match identifying.get(i) {
        None => (
            quote!(crate::waiter::WaiterBuilder<#input>),
            quote!(crate::waiter::WaiterBuilder::new(#client, #input_value, &#static_name, #requires_fn)),
        ),
        Some(_) => {
            let pending = pending_name(w, i, &identifying);
            (
                quote!(#pending),
                quote!(#pending { client: #client, input: #input_value }),
            )
        }
    };
    let start = start(action, w, &identifying, &next);
    let required_checks = identifying.iter().map(|f| {
        let rust = ident(&f.rust);
        let wire = &f.wire;
        let setter = &f.rust;
        quote! {
            crate::check::required(input.#rust.is_some(), crate::check::Path::Param(#wire), #setter)?;
        }
    });
    let requires_list: Vec<String> = identifying
        .iter()
        .map(|f| format!("`{}`", f.wire))
        .collect();
    let method = ident(&method_name(&w.name));
    let (success, failure, retry, retry_errors) =
        (&w.success, &w.failure, &w.retry, &w.retry_errors);
    let (min_delay, max_delay, max_wait) = (w.min_delay, w.max_delay, w.max_wait);

    let mut access = quote!(output);
    for step in &w.steps {
        access = match step {
            PathStep::Field(field) => {
                let field = ident(field);
                quote!(#access.#field.as_ref()?)
            }
            PathStep::Index(0) => quote!(#access.first()?),
            PathStep::Index(n) => quote!(#access.get(#n)?),
        };
    }
    let text = match w.value {
        WaitedValue::String => quote!(value.clone()),
        WaitedValue::Enum => quote!(value.as_str().to_owned()),
        WaitedValue::Boolean | WaitedValue::Integer => quote!(value.to_string()),
    };

    let mut text_doc = String::new();
    if let Some(d) = &w.description {
        text_doc.push_str(d.trim());
        text_doc.push_str("\n\n");
    }
    text_doc.push_str(&format!(
        "Sends `{action_name}` until its `{path}` is {}, and returns that answer.",
        values(&w.success)
    ));
    if !w.failure.is_empty() {
        text_doc.push_str(&format!(
            " Ends with `WaitError::Failed` when it is {}.",
            values(&w.failure)
        ));
    }
    let errors = (!w.retry_errors.is_empty()).then(|| {
        let codes: Vec<String> = w.retry_errors.iter().map(|c| format!("`{c}`")).collect();
        format!("the call fails with {}", codes.join(" or "))
    });
    match (w.retry.is_empty(), errors) {
        (false, Some(errors)) => text_doc.push_str(&format!(
            " Polls again while it is {} or {errors}.",
            values(&w.retry)
        )),
        (false, None) => {
            text_doc.push_str(&format!(" Polls again while it is {}.", values(&w.retry)))
        }
        (true, Some(errors)) => text_doc.push_str(&format!(" Polls again while {errors}.")),
        (true, None) => {}
    }
    let wildcard = [&w.success, &w.failure, &w.retry]
        .iter()
        .any(|list| list.iter().any(|v| v == "*"));
    if !wildcard {
        text_doc.push_str(" Any other value ends with `WaitError::UnexpectedState`.");
    }
    text_doc.push_str(&format!(
        "\n\nPolls every {min_delay} to {max_delay} seconds (growing, with jitter) for at most {max_wait} seconds, then ends with `WaitError::Timeout`; `.max_wait(..)`, `.min_delay(..)` and `.max_delay(..)` change that. Dropping the future stops the wait."
    ));
    let mut builder_doc = text_doc.clone();
    if !requires_list.is_empty() {
        let setters: Vec<String> = identifying
            .iter()
            .map(|f| format!("`.{}(..)`", f.rust))
            .collect();
        text_doc.push_str(&format!(
            "\n\nThe wait can be sent once {} name{} the resource ({}): the compiler sees to it. To set other parameters of `{action_name}`, start from its request builder: `client.{}()…{}()`.",
            setters.join(" then "),
            if setters.len() == 1 { "s" } else { "" },
            requires_list.join(", "),
            action.module,
            method_name(&w.name),
        ));
        builder_doc.push_str(&format!(
            "\n\nThe request must set {}: without, the wait fails with `Error::Construction` before anything is sent.",
            requires_list.join(" and ")
        ));
    }
    let builder_doc = doc_lines(&builder_doc);
    let method_doc = doc_lines(&text_doc);
    let static_doc = doc_lines(&format!(
        "The declaration of `client.{}()`.",
        method_name(&w.name)
    ));
    let (start_type, start_value) = next(0, quote!(self.clone()), quote!(#input::default()));
    let (_, from_request) = next(identifying.len(), quote!(client), quote!(input));
    let state_doc = doc_lines(&format!("`{path}` of an answer, as its wire text."));
    let requires_doc = doc_lines("Whether a request names what the waiter waits on.");

    quote! {
        #static_doc
        pub static #static_name: crate::waiter::Waiter<#output> = crate::waiter::Waiter {
            name: #name,
            action: #action_name,
            path: #path,
            success: &[#(#success),*],
            failure: &[#(#failure),*],
            retry: &[#(#retry),*],
            retry_errors: &[#(#retry_errors),*],
            min_delay: std::time::Duration::from_secs(#min_delay),
            max_delay: std::time::Duration::from_secs(#max_delay),
            max_wait: std::time::Duration::from_secs(#max_wait),
            state: #state_fn,
        };

        #state_doc
        fn #state_fn(output: &#output) -> Option<String> {
            let value = #access;
            Some(#text)
        }

        #requires_doc
        #[allow(unused_variables)]
        fn #requires_fn(input: &#input) -> Result<(), crate::BuildError> {
            #(#required_checks)*
            Ok(())
        }

        #start

        impl crate::Client {
            #method_doc
            pub fn #method(&self) -> #start_type {
                #start_value
            }
        }

        impl crate::RequestBuilder<#input> {
            #builder_doc
            pub fn #method(self) -> crate::waiter::WaiterBuilder<#input> {
                let (client, input) = self.into_parts();
                #from_request
            }
        }
    }
}

/// What `client.wait_until_<name>()` returns while what identifies the resource is still
/// unset: one type per identifying parameter, each with that parameter's setter alone, the
/// last handing over the `WaiterBuilder`. A wait without its resource does not compile, and
/// the setters of the action are not repeated (they are on its request builder).
/// `next` gives the type and value that follow the `i`th setter (see `waiter`).
fn start(
    action: &Action,
    w: &Waiter,
    identifying: &[&crate::model::Field],
    next: &dyn Fn(usize, TokenStream, TokenStream) -> (TokenStream, TokenStream),
) -> TokenStream {
    let input = format_ident!("{}Input", action.rust_name);
    let method = method_name(&w.name);
    let types = identifying.iter().enumerate().map(|(i, f)| {
        let this = pending_name(w, i, identifying);
        let rust = ident(&f.rust);
        let (param, _) = setter_param(&f.shape.ty);
        let (next_type, next_value) = next(
            i + 1,
            quote!(self.client),
            quote!(self.input.#rust(#rust)),
        );
        let type_doc = doc_lines(&format!(
            "`client.{method}()` until `.{}(..)` names what it waits on: a wait without it does not compile.",
            f.rust
        ));
        let setter_doc = doc_lines(&format!("Sets `{}`, which identifies what the wait is for.", f.wire));
        quote! {
            #type_doc
            #[must_use = "a wait does nothing until it is sent"]
            pub struct #this {
                client: crate::Client,
                input: #input,
            }

            impl std::fmt::Debug for #this {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct(stringify!(#this)).field("input", &self.input).finish_non_exhaustive()
                }
            }

            impl #this {
                #setter_doc
                pub fn #rust(self, #rust: #param) -> #next_type {
                    #next_value
                }
            }
        }
    });
    quote!(#(#types)*)
}

/// `WaitUntil<Waiter>Needs<Parameter>`, the `i`th type of a wait being started.
fn pending_name(w: &Waiter, i: usize, identifying: &[&crate::model::Field]) -> proc_macro2::Ident {
    format_ident!(
        "WaitUntil{}Needs{}",
        w.name,
        identifying[i].wire.to_upper_camel_case()
    )
}

/// A list of values in words: "`Success`", "`Failed` or `Cancelled`", "any value".
fn values(list: &[String]) -> String {
    if list.iter().any(|v| v == "*") {
        return "any value".to_owned();
    }
    let quoted: Vec<String> = list.iter().map(|v| format!("`{v}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "none".to_owned(),
    }
}

fn static_name(w: &Waiter) -> proc_macro2::Ident {
    format_ident!("{}", w.name.to_snake_case().to_uppercase())
}

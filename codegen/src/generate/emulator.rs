//! The emulator's view of a spec set: plain static data (`oos-emulator/src/generated/table.rs`)
//! from which it checks every request and answers every action, and the list of typed inputs
//! the cross-crate conformance test drives through the client.
//!
//! The table names no `oos-api` type, so the emulator stays an oracle independent of the
//! generated client: it sees wire names, JSON types, bounds and the documented answers only.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::ident;
use crate::model::{Action, Constraints, ErrorCode, Field, Scalar, Shape, SpecSet, Style, Type};

/// The emulator's table of actions: `ACTIONS`, `COMMON_ERRORS` and one `const` per nested
/// object type, written against the types of `oos_emulator::spec`.
pub fn table(set: &SpecSet, specs_label: &str) -> TokenStream {
    let doc = super::docs::inner_doc_lines(&format!(
        "The actions of `{specs_label}/` as the emulator checks and answers them: parameters \
         with their types, encodings and bounds, the answer's fields, the documented errors and \
         the documented answer."
    ));
    let back_edges = back_edges(set);
    let cx = Cx {
        set,
        back_edges: &back_edges,
    };
    let structs = set.structs.values().map(|s| {
        let name = struct_const(&s.name);
        let fields = s.fields.iter().map(|f| cx.field(&s.name, f, true));
        quote! { const #name: &[Field] = &[#(#fields),*]; }
    });
    let actions = set.actions.iter().map(|a| cx.action(a));
    let common = set.service.errors.iter().map(error);
    let params = param_names(set);
    quote! {
        #doc
        use crate::spec::{ActionSpec, ErrorSpec, Field, Kind, Limits, Pagination, Param};

        /// Every action, sorted by name.
        pub static ACTIONS: &[ActionSpec] = &[#(#actions),*];

        /// The errors every action can answer with.
        pub static COMMON_ERRORS: &[ErrorSpec] = &[#(#common),*];

        #(#structs)*

        #params
    }
}

/// `ParamName` and `params`: one module per action with a constant per documented request
/// parameter. Only this generated module can make a `ParamName` (its field is private), so a
/// handler that names a parameter no spec documents does not compile.
fn param_names(set: &SpecSet) -> TokenStream {
    let modules = set.actions.iter().map(|a| {
        let module = ident(&a.module);
        let doc = format!(" The documented request parameters of `{}`.", a.name);
        let mut taken = BTreeSet::new();
        let import = (!a.request.is_empty()).then(|| {
            quote!(
                use super::ParamName;
            )
        });
        let consts = a.request.iter().map(|f| {
            let name = param_const(&f.wire, &mut taken);
            let wire = &f.wire;
            let doc = format!(" `{wire}`.");
            quote! {
                #[doc = #doc]
                pub const #name: ParamName = ParamName(#wire);
            }
        });
        quote! {
            #[doc = #doc]
            pub mod #module {
                #import

                #(#consts)*
            }
        }
    });
    quote! {
        /// The wire name of a documented request parameter. Its field is private to this
        /// generated module, so only the constants of [`params`] make one.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct ParamName(&'static str);

        impl ParamName {
            /// The name as it is sent.
            pub const fn as_str(self) -> &'static str {
                self.0
            }
        }

        /// The documented request parameters, one module per action: what handlers read.
        pub mod params {
            use super::ParamName;

            #(#modules)*
        }
    }
}

/// The constant's name for a wire name: `TemplateName` is `TEMPLATE_NAME`. Characters an
/// identifier cannot hold become `_`, and a name two parameters would share gets a suffix,
/// so that any spec the loader accepts gives code that compiles.
fn param_const(wire: &str, taken: &mut BTreeSet<String>) -> proc_macro2::Ident {
    let mut name: String = wire
        .to_shouty_snake_case()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if name.is_empty() {
        name.push_str("PARAM");
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    let mut unique = name.clone();
    let mut n = 2;
    while !taken.insert(unique.clone()) {
        unique = format!("{name}_{n}");
        n += 1;
    }
    format_ident!("{unique}")
}

/// The conformance test's list of actions with their typed inputs: `(name, call::<Input>)`,
/// where `call` is the test's own generic function in the parent module; and every field
/// marked `secret`, with the `Debug` texts that must not show it.
pub fn sample_calls(set: &SpecSet, crate_path: &str) -> TokenStream {
    let root: syn::Path = syn::parse_str(crate_path).unwrap_or_else(|_| syn::parse_quote!(crate));
    let calls = set.actions.iter().map(|a| {
        let module = ident(&a.module);
        let input = format_ident!("{}Input", a.rust_name);
        let name = &a.name;
        quote! { (#name, super::call::<#root::operation::#module::#input>) }
    });
    let secrets = secret_debugs(set, &root);
    quote! {
        #![doc = " Every action of the specs with its typed input, for the conformance test, and every field marked `secret`, for the secrets test."]
        /// `(action, how to call it through the client)`, sorted by action name.
        pub(crate) const CALLS: &[(&str, super::Call)] = &[#(#calls),*];

        /// Given a client and a value, the `Debug` texts of everything that holds the value in a secret field.
        pub(crate) type ShowSecret = fn(&#root::Client, &str) -> Vec<String>;

        /// `(type.field, how it shows)` for every field marked `secret`: inputs (and their request builders), outputs and nested types.
        pub(crate) const SECRETS: &[(&str, ShowSecret)] = &[#(#secrets),*];
    }
}

/// One `SECRETS` entry per secret field of an input, an output or a nested type.
fn secret_debugs(set: &SpecSet, root: &syn::Path) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for a in &set.actions {
        // The client method that starts the action's request builder has the module's name.
        let module = ident(&a.module);
        let input = format_ident!("{}Input", a.rust_name);
        let output = format_ident!("{}Output", a.rust_name);
        let request = a.request.iter().map(|f| (f, &input, true));
        let response = a.response.iter().map(|f| (f, &output, false));
        for (f, ty, request) in request.chain(response).filter(|(f, _, _)| f.secret) {
            let setter = ident(&f.rust);
            let label = format!("{ty}.{}", f.wire);
            let (client, builder) = if request {
                (
                    quote!(client),
                    quote!(format!("{:?}", client.#module().#setter(value)),),
                )
            } else {
                (quote!(_client), TokenStream::new())
            };
            out.push(quote! {
                (#label, |#client, value| vec![
                    format!("{:?}", #root::operation::#module::#ty::default().#setter(value)),
                    #builder
                ])
            });
        }
    }
    for s in set.structs.values() {
        // A type only one action uses lives in that action's module.
        let path = if set.is_shared(&s.name) {
            let name = format_ident!("{}", s.name);
            quote!(#root::types::#name)
        } else {
            let Some(module) = set
                .actions
                .iter()
                .find(|a| s.users.contains(&a.name))
                .map(|a| ident(&a.module))
            else {
                continue;
            };
            let name = format_ident!("{}", s.name);
            quote!(#root::operation::#module::#name)
        };
        for f in s.fields.iter().filter(|f| f.secret) {
            let setter = ident(&f.rust);
            let label = format!("{}.{}", s.name, f.wire);
            out.push(quote! {
                (#label, |_client, value| vec![format!("{:?}", #path::default().#setter(value))])
            });
        }
    }
    out
}

struct Cx<'a> {
    set: &'a SpecSet,
    /// References from one object type to another that close a cycle; those are left as
    /// free-form JSON, since constants cannot refer to themselves.
    back_edges: &'a BTreeSet<(String, String)>,
}

impl Cx<'_> {
    fn action(&self, a: &Action) -> TokenStream {
        let name = &a.name;
        let params = a.request.iter().map(|f| self.param(a, f));
        let response = a.response.iter().map(|f| self.field("", f, false));
        let errors = a.errors.iter().map(error);
        let pagination = match pagination(a, self.set) {
            Some((input, size, output, items)) => {
                let size = match size {
                    Some(s) => quote!(Some(ParamName(#s))),
                    None => quote!(None),
                };
                quote! {
                    Some(Pagination {
                        input_token: ParamName(#input),
                        page_size: #size,
                        output_token: #output,
                        items: &[#(#items),*],
                    })
                }
            }
            None => quote!(None),
        };
        // A reference page's sample is kept where there is one: it is what the page
        // documents, field for field; the metadata's demo answers for every other action.
        let sample = a
            .samples
            .iter()
            .find(|s| s.key == "sample_response")
            .or_else(|| a.samples.iter().find(|s| s.key == "demo_response"))
            .map_or("{}", |s| s.json.as_str());
        quote! {
            ActionSpec {
                name: #name,
                params: &[#(#params),*],
                response: &[#(#response),*],
                errors: &[#(#errors),*],
                pagination: #pagination,
                sample: #sample,
            }
        }
    }

    fn param(&self, a: &Action, f: &Field) -> TokenStream {
        let field = self.field(&a.name, f, true);
        let param = match f.style {
            Style::Plain if matches!(f.shape.ty, Type::Scalar(_) | Type::Enum(_)) => {
                quote!(Param::scalar(#field))
            }
            Style::Plain | Style::Json => quote!(Param::json(#field)),
            Style::RepeatList | Style::Flat => quote!(Param::flat(#field)),
            Style::Simple => quote!(Param::joined(#field, ",")),
            Style::SpaceDelimited => quote!(Param::joined(#field, " ")),
            Style::PipeDelimited => quote!(Param::joined(#field, "|")),
        };
        match &f.default {
            Some(default) => quote!(#param.default(#default)),
            None => param,
        }
    }

    /// A field; `request` keeps what only requests need (required flags, bounds, examples).
    fn field(&self, owner: &str, f: &Field, request: bool) -> TokenStream {
        let field = self.described(&f.wire, owner, &f.shape, request);
        if request && f.required {
            quote!(#field.required())
        } else {
            field
        }
    }

    fn element(&self, owner: &str, shape: &Shape, request: bool) -> TokenStream {
        let field = self.described("", owner, shape, request);
        quote!(&#field)
    }

    /// `Field::of(name, kind)`, with the bounds and example of a request value.
    fn described(&self, name: &str, owner: &str, shape: &Shape, request: bool) -> TokenStream {
        let kind = self.kind(owner, shape, request);
        let mut field = quote!(Field::of(#name, #kind));
        if request {
            if shape.constraints.is_checked() {
                let limits = limits(&shape.constraints);
                field = quote!(#field.limits(#limits));
            }
            if let Some(example) = &shape.example {
                field = quote!(#field.example(#example));
            }
        }
        field
    }

    fn kind(&self, owner: &str, shape: &Shape, request: bool) -> TokenStream {
        match &shape.ty {
            Type::Scalar(Scalar::String) => quote!(Kind::String),
            Type::Scalar(Scalar::Integer) => quote!(Kind::Integer),
            Type::Scalar(Scalar::Long) => quote!(Kind::Long),
            Type::Scalar(Scalar::Boolean) => quote!(Kind::Boolean),
            Type::Scalar(Scalar::Float) => quote!(Kind::Float),
            Type::Json => quote!(Kind::Json),
            Type::Enum(name) => {
                let values: Vec<&str> = self
                    .set
                    .enums
                    .get(name)
                    .map(|e| e.values.iter().map(|(_, wire)| wire.as_str()).collect())
                    .unwrap_or_default();
                quote!(Kind::Enum(&[#(#values),*]))
            }
            Type::List(element) => {
                let element = self.element(owner, element, request);
                quote!(Kind::List(#element))
            }
            Type::Map(element) => {
                let element = self.element(owner, element, request);
                quote!(Kind::Map(#element))
            }
            Type::Object(name) => {
                if self.back_edges.contains(&(owner.to_owned(), name.clone())) {
                    quote!(Kind::Json)
                } else {
                    let name = struct_const(name);
                    quote!(Kind::Object(#name))
                }
            }
        }
    }
}

/// `TEMPLATE_FIELDS` for `Template`: the suffix keeps clear of `ACTIONS` and `COMMON_ERRORS`.
fn struct_const(name: &str) -> proc_macro2::Ident {
    format_ident!("{}_FIELDS", name.to_shouty_snake_case())
}

/// The bounds that are set, over [`Limits::NONE`].
fn limits(c: &Constraints) -> TokenStream {
    let mut set = Vec::new();
    let mut number = |name: &str, value: Option<f64>| {
        if let Some(v) = value {
            let name = format_ident!("{name}");
            set.push(quote!(#name: Some(#v)));
        }
    };
    number("minimum", c.minimum);
    number("maximum", c.maximum);
    let mut count = |name: &str, value: Option<u64>| {
        if let Some(v) = value {
            let name = format_ident!("{name}");
            set.push(quote!(#name: Some(#v)));
        }
    };
    count("min_items", c.min_items);
    count("max_items", c.max_items);
    count("min_length", c.min_length);
    count("max_length", c.max_length);
    if c.exclusive_minimum {
        set.push(quote!(exclusive_minimum: true));
    }
    if c.exclusive_maximum {
        set.push(quote!(exclusive_maximum: true));
    }
    if let Some(allowed) = &c.allowed {
        set.push(quote!(allowed: &[#(#allowed),*]));
    }
    quote!(Limits { #(#set,)* ..Limits::NONE })
}

fn error(e: &ErrorCode) -> TokenStream {
    let code = &e.code;
    let status = e.http_status;
    let message = &e.message;
    quote!(ErrorSpec { code: #code, http_status: #status, message: #message })
}

/// The pagination of an action in wire names: input token, page size, output token, and the
/// path of fields to the items.
fn pagination(a: &Action, set: &SpecSet) -> Option<(String, Option<String>, String, Vec<String>)> {
    let p = a.pagination.as_ref()?;
    let wire = |fields: &[Field], rust: &str| {
        fields
            .iter()
            .find(|f| f.rust == rust)
            .map(|f| f.wire.clone())
    };
    let input = wire(&a.request, &p.input_token)?;
    let size = match &p.page_size {
        Some((rust, _)) => Some(wire(&a.request, rust)?),
        None => None,
    };
    let output = wire(&a.response, &p.output_token)?;
    let mut items = Vec::new();
    let mut fields: &[Field] = &a.response;
    for rust in &p.items {
        let field = fields.iter().find(|f| f.rust == *rust)?;
        items.push(field.wire.clone());
        if let Type::Object(name) = &field.shape.ty {
            fields = set.structs.get(name).map_or(&[], |s| s.fields.as_slice());
        }
    }
    Some((input, size, output, items))
}

/// The references between object types that close a cycle, found depth first.
fn back_edges(set: &SpecSet) -> BTreeSet<(String, String)> {
    fn refs(shape: &Shape, out: &mut Vec<String>) {
        match &shape.ty {
            Type::Object(name) => out.push(name.clone()),
            Type::List(e) | Type::Map(e) => refs(e, out),
            _ => {}
        }
    }
    let edges: BTreeMap<&str, Vec<String>> = set
        .structs
        .values()
        .map(|s| {
            let mut out = Vec::new();
            for f in &s.fields {
                refs(&f.shape, &mut out);
            }
            (s.name.as_str(), out)
        })
        .collect();
    fn visit<'a>(
        node: &'a str,
        edges: &'a BTreeMap<&str, Vec<String>>,
        on_path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
        back: &mut BTreeSet<(String, String)>,
    ) {
        if done.contains(node) {
            return;
        }
        on_path.push(node);
        for next in edges.get(node).into_iter().flatten() {
            if on_path.contains(&next.as_str()) {
                back.insert((node.to_owned(), next.clone()));
            } else if let Some((key, _)) = edges.get_key_value(next.as_str()) {
                visit(key, edges, on_path, done, back);
            }
        }
        on_path.pop();
        done.insert(node);
    }
    let mut back = BTreeSet::new();
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        visit(node, &edges, &mut Vec::new(), &mut done, &mut back);
    }
    back
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::param_const;

    fn fixtures() -> crate::model::SpecSet {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/specs");
        crate::load::load_dir(&dir).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn each_action_gets_a_module_with_a_constant_per_documented_parameter() {
        let set = fixtures();
        let code = super::super::render("fixtures", super::table(&set, "fixtures"))
            .unwrap_or_else(|e| panic!("{e}"));
        // prettyplease breaks long constants over lines.
        let flat: String = code.split_whitespace().collect();
        for action in &set.actions {
            assert!(
                code.contains(&format!("pub mod {} {{", action.module)),
                "no module for {}",
                action.name
            );
            for field in &action.request {
                let wire = &field.wire;
                assert!(
                    flat.contains(&format!("ParamName(\"{wire}\")")),
                    "no constant for {}.{wire}",
                    action.name
                );
            }
        }
        // The constants, not the whole table: the table's shape is pinned by its own users.
        let params = &code[code.find("pub struct ParamName").expect("ParamName")..];
        insta::assert_snapshot!("fixture_params", params);
    }

    #[test]
    fn constant_names_are_identifiers_and_distinct() {
        let mut taken = BTreeSet::new();
        let names: Vec<String> = ["TemplateName", "template_name", "2Fa", "", "Tags.Key"]
            .iter()
            .map(|w| param_const(w, &mut taken).to_string())
            .collect();
        assert_eq!(
            names,
            [
                "TEMPLATE_NAME",
                "TEMPLATE_NAME_2",
                "_2FA",
                "PARAM",
                "TAGS_KEY"
            ]
        );
    }
}

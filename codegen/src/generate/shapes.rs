//! Nested types: structs and string enums, with the Rust types, setters and request checks
//! that fields of any level share.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_lines, field_text, first_sentence};
use super::ident;
use crate::model::{EnumDef, Field, Scalar, Shape, SpecSet, StructDef, Type};

/// `types.rs`: the nested types several actions share.
pub fn types(set: &SpecSet) -> TokenStream {
    let structs = set
        .structs
        .values()
        .filter(|s| set.is_shared(&s.name))
        .map(|s| structure(set, s));
    let enums = set
        .enums
        .values()
        .filter(|e| set.is_shared(&e.name))
        .map(enumeration);
    quote! {
        #![doc = " Nested types that several actions share: each is generated once, here, and re-exported by the operation modules that use it."]
        #(#structs)*
        #(#enums)*
    }
}

/// Who uses a nested type, for its doc.
fn users_doc(users: &std::collections::BTreeSet<String>) -> String {
    let names: Vec<String> = users.iter().map(|u| format!("`{u}`")).collect();
    match names.as_slice() {
        [one] => format!("Part of {one}."),
        [init @ .., last] => format!("Shared by {} and {last}.", init.join(", ")),
        [] => String::new(),
    }
}

/// A struct with its fields and setters; with checks when requests carry it.
pub fn structure(set: &SpecSet, s: &StructDef) -> TokenStream {
    let name = format_ident!("{}", s.name);
    let doc = doc_lines(&users_doc(&s.users));
    let request = s.in_request;
    let fields = s.fields.iter().map(|f| {
        let doc = doc_lines(&field_text(f, request));
        let rust = ident(&f.rust);
        let wire = &f.wire;
        let ty = if boxed(set, &s.name, f) {
            let ty = rust_type(&f.shape.ty);
            quote!(Box<#ty>)
        } else {
            rust_type(&f.shape.ty)
        };
        quote! {
            #doc
            #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")]
            pub #rust: Option<#ty>,
        }
    });
    let (derive_debug, debug) = debug_impl(&name, &s.fields);
    let setters = s.fields.iter().map(|f| {
        if boxed(set, &s.name, f) {
            boxed_setter(f)
        } else {
            setter(f, true)
        }
    });
    // Non-exhaustive so that a newly documented field is a minor release: code outside the
    // crate builds the struct from `Default` and the setters.
    let mut out = quote! {
        #doc
        #[derive(Clone, #derive_debug Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #(#setters)*
        }

        #debug
    };
    if request && needs_checks(set, &s.fields) {
        let checks = checks(
            set,
            &s.fields,
            |wire| quote!(crate::check::Path::Field(&path, #wire)),
        );
        out.extend(quote! {
            impl #name {
                /// Checks the documented constraints; `path` is where this value sits in the request.
                pub(crate) fn validate(&self, path: crate::check::Path<'_>) -> Result<(), crate::BuildError> {
                    #(#checks)*
                    Ok(())
                }
            }
        });
    }
    out
}

/// `Debug` of a struct: derived (the first part, `Debug,`), or written out when a field holds
/// a secret, which then prints redacted whatever its value.
pub fn debug_impl(name: &proc_macro2::Ident, fields: &[Field]) -> (TokenStream, TokenStream) {
    if !fields.iter().any(|f| f.secret) {
        return (quote!(Debug,), TokenStream::new());
    }
    let label = name.to_string();
    let entries = fields.iter().map(|f| {
        let rust = ident(&f.rust);
        let shown = f.rust.trim_start_matches("r#");
        if f.secret {
            quote!(.field(#shown, &self.#rust.as_ref().map(|_| crate::redact::REDACTED)))
        } else {
            quote!(.field(#shown, &self.#rust))
        }
    });
    let debug = quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label)
                    #(#entries)*
                    .finish()
            }
        }
    };
    (TokenStream::new(), debug)
}

/// A string enum: its known values and `Unknown` for any other.
pub fn enumeration(e: &EnumDef) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let mut text = format!(
        "The documented values of `{}`; any other value the service sends is kept in `Unknown`.",
        e.name
    );
    if e.in_request {
        text.push_str(" A request carrying `Unknown` sends it as is: the service decides, so a value it adds can be sent before this crate knows it.");
    }
    let users = users_doc(&e.users);
    if !users.is_empty() {
        text.push_str("\n\n");
        text.push_str(&users);
    }
    let doc = doc_lines(&text);
    let variants: Vec<_> = e
        .values
        .iter()
        .map(|(v, _)| format_ident!("{}", v))
        .collect();
    let wires: Vec<&String> = e.values.iter().map(|(_, w)| w).collect();
    let variant_docs = wires.iter().map(|w| format!(" `{w}`"));
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        #[allow(clippy::enum_variant_names)]
        pub enum #name {
            #(#[doc = #variant_docs] #variants,)*
            /// A value this client does not know, kept as sent.
            Unknown(String),
        }

        impl #name {
            /// Every documented value, in the documentation's order.
            pub const VALUES: &'static [&'static str] = &[#(#wires),*];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#variants,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        crate::string_enum_impls!(#name);
    }
}

/// The Rust type of a value.
pub fn rust_type(ty: &Type) -> TokenStream {
    match ty {
        Type::Scalar(Scalar::String) => quote!(String),
        Type::Scalar(Scalar::Integer) => quote!(i32),
        Type::Scalar(Scalar::Long) => quote!(i64),
        Type::Scalar(Scalar::Boolean) => quote!(bool),
        Type::Scalar(Scalar::Float) => quote!(f64),
        Type::Json => quote!(serde_json::Value),
        Type::List(e) => {
            let t = rust_type(&e.ty);
            quote!(Vec<#t>)
        }
        Type::Map(e) => {
            let t = rust_type(&e.ty);
            quote!(std::collections::BTreeMap<String, #t>)
        }
        Type::Object(name) | Type::Enum(name) => {
            let name = format_ident!("{}", name);
            quote!(#name)
        }
    }
}

/// Whether a field of struct `owner` holds, directly, a struct that holds `owner` directly
/// again: such a field is boxed, or the struct would have infinite size.
fn boxed(set: &SpecSet, owner: &str, f: &Field) -> bool {
    fn contains(set: &SpecSet, from: &str, target: &str, seen: &mut Vec<String>) -> bool {
        if from == target {
            return true;
        }
        if seen.iter().any(|s| s == from) {
            return false;
        }
        seen.push(from.to_owned());
        set.structs.get(from).is_some_and(|s| {
            s.fields.iter().any(|f| match &f.shape.ty {
                Type::Object(next) => contains(set, next, target, seen),
                _ => false,
            })
        })
    }
    match &f.shape.ty {
        Type::Object(inner) => contains(set, inner, owner, &mut Vec::new()),
        _ => false,
    }
}

/// The setter of a boxed field: it takes the struct and boxes it.
fn boxed_setter(f: &Field) -> TokenStream {
    let rust = ident(&f.rust);
    let ty = rust_type(&f.shape.ty);
    let doc = doc_lines(&format!("Sets `{}`.", f.wire));
    quote! {
        #doc
        pub fn #rust(mut self, value: #ty) -> Self {
            self.#rust = Some(Box::new(value));
            self
        }
    }
}

/// A builder-style setter; `owned` says it sets the field itself (on an input or a struct)
/// rather than delegating to the input (on the fluent builder).
pub fn setter(f: &Field, owned: bool) -> TokenStream {
    let rust = ident(&f.rust);
    let (param, value) = setter_param(&f.shape.ty);
    let mut text = format!("Sets `{}`", f.wire);
    text.push_str(if f.required { " (required)." } else { "." });
    if let Some(d) = &f.shape.description {
        let first = first_sentence(d);
        if !first.is_empty() {
            text.push(' ');
            text.push_str(first);
        }
    }
    let doc = doc_lines(&text);
    if owned {
        quote! {
            #doc
            pub fn #rust(mut self, value: #param) -> Self {
                self.#rust = Some(#value);
                self
            }
        }
    } else {
        quote! {
            #doc
            pub fn #rust(self, value: #param) -> Self {
                self.map_input(|input| input.#rust(value))
            }
        }
    }
}

/// The setter's parameter type and how it becomes the field's value.
pub fn setter_param(ty: &Type) -> (TokenStream, TokenStream) {
    match ty {
        Type::Scalar(Scalar::String) => (quote!(impl Into<String>), quote!(value.into())),
        Type::Json => (quote!(impl Into<serde_json::Value>), quote!(value.into())),
        Type::Enum(name) => {
            let name = format_ident!("{}", name);
            (quote!(impl Into<#name>), quote!(value.into()))
        }
        Type::List(e) => {
            let (item, convert) = element_param(&e.ty);
            (
                quote!(impl IntoIterator<Item = #item>),
                quote!(value.into_iter()#convert.collect()),
            )
        }
        Type::Map(e) => {
            let (item, convert) = element_param(&e.ty);
            let convert = if convert.is_empty() {
                quote!(.map(|(k, v)| (k.into(), v)))
            } else {
                quote!(.map(|(k, v)| (k.into(), v.into())))
            };
            (
                quote!(impl IntoIterator<Item = (impl Into<String>, #item)>),
                quote!(value.into_iter()#convert.collect()),
            )
        }
        other => (rust_type(other), quote!(value)),
    }
}

/// An element's parameter type and the conversion of an iterator of them.
fn element_param(ty: &Type) -> (TokenStream, TokenStream) {
    match ty {
        Type::Scalar(Scalar::String) => (quote!(impl Into<String>), quote!(.map(Into::into))),
        Type::Json => (
            quote!(impl Into<serde_json::Value>),
            quote!(.map(Into::into)),
        ),
        Type::Enum(name) => {
            let name = format_ident!("{}", name);
            (quote!(impl Into<#name>), quote!(.map(Into::into)))
        }
        other => (rust_type(other), TokenStream::new()),
    }
}

/// Whether any of `fields` has something to check before sending.
pub fn needs_checks(set: &SpecSet, fields: &[Field]) -> bool {
    fields
        .iter()
        .any(|f| f.required || shape_checked(set, &f.shape, &mut Vec::new()))
}

fn shape_checked(set: &SpecSet, shape: &Shape, seen: &mut Vec<String>) -> bool {
    if shape.constraints.is_bounded() {
        return true;
    }
    match &shape.ty {
        Type::List(e) | Type::Map(e) => shape_checked(set, e, seen),
        Type::Object(name) => {
            if seen.contains(name) {
                return false;
            }
            seen.push(name.clone());
            set.structs.get(name).is_some_and(|s| {
                s.fields
                    .iter()
                    .any(|f| f.required || shape_checked(set, &f.shape, seen))
            })
        }
        // An enum's undocumented value is sent: only its declared length is checked.
        Type::Enum(_) | Type::Scalar(_) | Type::Json => false,
    }
}

/// The checks of `fields`; `path` gives the `crate::check::Path` of a field from its wire name.
pub fn checks(
    set: &SpecSet,
    fields: &[Field],
    path: impl Fn(&str) -> TokenStream,
) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for f in fields {
        let rust = ident(&f.rust);
        let at = path(&f.wire);
        if f.required {
            let setter = &f.rust;
            out.push(quote! {
                crate::check::required(self.#rust.is_some(), #at, #setter)?;
            });
        }
        if shape_checked(set, &f.shape, &mut Vec::new()) {
            let value = value_checks(set, &f.shape, quote!(value), quote!(at), 0);
            out.push(quote! {
                if let Some(value) = &self.#rust {
                    let at = #at;
                    #value
                }
            });
        }
    }
    out
}

/// The checks of one value (a reference named by `value`) at `path`.
fn value_checks(
    set: &SpecSet,
    shape: &Shape,
    value: TokenStream,
    path: TokenStream,
    depth: usize,
) -> TokenStream {
    let c = &shape.constraints;
    let mut out = TokenStream::new();
    let bound = |b: Option<f64>| match b {
        Some(b) => {
            let b = proc_macro2::Literal::f64_unsuffixed(b);
            quote!(Some(#b))
        }
        None => quote!(None),
    };
    let count = |b: Option<u64>| match b {
        Some(b) => {
            let b = proc_macro2::Literal::u64_unsuffixed(b);
            quote!(Some(#b))
        }
        None => quote!(None),
    };
    match &shape.ty {
        Type::Scalar(s) => {
            if c.minimum.is_some() || c.maximum.is_some() {
                let number = match s {
                    Scalar::Integer => quote!(f64::from(*#value)),
                    Scalar::Long => quote!(*#value as f64),
                    _ => quote!(*#value),
                };
                let (min, max) = (bound(c.minimum), bound(c.maximum));
                let (xmin, xmax) = (c.exclusive_minimum, c.exclusive_maximum);
                out.extend(quote! {
                    crate::check::range(#number, #path, #min, #max, #xmin, #xmax)?;
                });
            }
            if c.min_length.is_some() || c.max_length.is_some() {
                let (min, max) = (count(c.min_length), count(c.max_length));
                out.extend(quote! {
                    crate::check::length(#value, #path, #min, #max)?;
                });
            }
        }
        Type::Enum(_) => {
            if c.min_length.is_some() || c.max_length.is_some() {
                let (min, max) = (count(c.min_length), count(c.max_length));
                out.extend(quote! {
                    crate::check::length(#value.as_str(), #path, #min, #max)?;
                });
            }
        }
        Type::List(e) => {
            if c.min_items.is_some() || c.max_items.is_some() {
                let (min, max) = (count(c.min_items), count(c.max_items));
                out.extend(quote! {
                    crate::check::items(#value.len(), #path, #min, #max)?;
                });
            }
            if shape_checked(set, e, &mut Vec::new()) {
                let item = format_ident!("item{}", depth);
                let index = format_ident!("index{}", depth);
                let at = format_ident!("at{}", depth);
                let inner = value_checks(set, e, quote!(#item), quote!(#at), depth + 1);
                out.extend(quote! {
                    for (#index, #item) in #value.iter().enumerate() {
                        let #at = crate::check::Path::Index(&#path, #index);
                        #inner
                    }
                });
            }
        }
        Type::Map(e) => {
            if shape_checked(set, e, &mut Vec::new()) {
                let key = format_ident!("key{}", depth);
                let item = format_ident!("item{}", depth);
                let at = format_ident!("at{}", depth);
                let inner = value_checks(set, e, quote!(#item), quote!(#at), depth + 1);
                out.extend(quote! {
                    for (#key, #item) in #value {
                        let #at = crate::check::Path::Key(&#path, #key);
                        #inner
                    }
                });
            }
        }
        Type::Object(_) => {
            out.extend(quote! {
                #value.validate(#path)?;
            });
        }
        Type::Json => {}
    }
    out
}

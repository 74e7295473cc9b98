//! One action's module: its input and setters, the fluent builder's setters, the client
//! method, the `Action` and `Paginated` wiring, its output and the types only it uses, and its
//! error enum.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_lines, field_text, first_sentence, inner_doc_lines};
use super::ident;
use super::service::error_doc;
use super::shapes::{checks, debug_impl, enumeration, needs_checks, rust_type, setter, structure};
use crate::model::{Action, Field, Location, Method, Scalar, SpecSet, Style, Type};
use crate::shapes::reachable;

/// One action's module.
pub fn action(action: &Action, set: &SpecSet) -> TokenStream {
    let name = &action.name;
    let input = format_ident!("{}Input", action.rust_name);
    let output = format_ident!("{}Output", action.rust_name);
    let error = format_ident!("{}Error", action.rust_name);
    let fluent = format_ident!("{}FluentBuilder", action.rust_name);
    let method = ident(&action.module);

    let mut module_text = format!("`{name}`: {}", action.summary);
    if let Some(description) = &action.description {
        module_text.push_str("\n\n");
        module_text.push_str(description);
    }
    if action.deprecated {
        module_text.push_str("\n\nDeprecated by the service.");
    }
    module_text.push_str("\n\n");
    module_text.push_str(if action.idempotent {
        "Safe to repeat: the client retries it on transient failures."
    } else if action.idempotency_token.is_some() {
        "Carries an idempotency token (`ClientToken`, filled automatically when unset), so the client retries it on transient failures."
    } else {
        "Not safe to repeat: the client retries it only where the request provably never reached the service."
    });
    let module_doc = inner_doc_lines(&module_text);

    // Types this action uses: shared ones are re-exported, the others are defined here.
    let used = reachable(set, action.request.iter().chain(&action.response));
    let shared: Vec<_> = used
        .iter()
        .filter(|n| set.is_shared(n))
        .map(|n| format_ident!("{}", n))
        .collect();
    let reexport =
        (!shared.is_empty()).then(|| quote! { pub use super::super::types::{#(#shared),*}; });
    let local = used.iter().filter(|n| !set.is_shared(n)).map(|n| {
        match (set.structs.get(n), set.enums.get(n)) {
            (Some(s), _) => structure(set, s),
            (None, Some(e)) => enumeration(e),
            (None, None) => TokenStream::new(),
        }
    });

    let input_fields = action.request.iter().map(|f| {
        let doc = doc_lines(&field_text(f, true));
        let rust = ident(&f.rust);
        let ty = rust_type(&f.shape.ty);
        quote! { #doc pub #rust: Option<#ty>, }
    });
    let input_setters = action.request.iter().map(|f| setter(f, true));
    let output_setters = action.response.iter().map(|f| setter(f, true));
    let (input_derive_debug, input_debug) = debug_impl(&input, &action.request);
    let (output_derive_debug, output_debug) = debug_impl(&output, &action.response);
    let fluent_setters = action.request.iter().map(|f| setter(f, false));

    let validate = needs_checks(set, &action.request).then(|| {
        let checks = checks(
            set,
            &action.request,
            |wire| quote!(crate::check::Path::Param(#wire)),
        );
        quote! {
            fn validate(&self) -> Result<(), crate::BuildError> {
                #(#checks)*
                Ok(())
            }
        }
    });
    let writes: Vec<TokenStream> = action.request.iter().map(write_param).collect();
    let write_params = (!writes.is_empty()).then(|| {
        quote! {
            fn write_params(&self, params: &mut crate::params::Params) {
                #(#writes)*
            }
        }
    });
    let token = action.idempotency_token.as_ref().map(|t| {
        let t = ident(t);
        quote! {
            fn ensure_idempotency_token(&mut self) -> bool {
                if self.#t.is_none() {
                    self.#t = Some(crate::action::new_idempotency_token());
                }
                true
            }
        }
    });
    // The client's region fills a top-level `RegionId` the caller left unset.
    let fill_region = action
        .request
        .iter()
        .find(|f| f.wire == "RegionId" && f.shape.ty == Type::Scalar(Scalar::String))
        .map(|f| {
            let rust = ident(&f.rust);
            quote! {
                fn fill_region(&mut self, region: &str) {
                    if self.#rust.is_none() {
                        self.#rust = Some(region.to_owned());
                    }
                }
            }
        });
    let http_method = (action.method == Method::Get).then(|| {
        quote!(
            const METHOD: crate::action::Method = crate::action::Method::Get;
        )
    });
    let own_retryable: Vec<&String> = action
        .errors
        .iter()
        .filter(|e| e.retryable)
        .map(|e| &e.code)
        .collect();
    let retryable_codes = (!own_retryable.is_empty())
        .then(|| quote!(const RETRYABLE_CODES: &'static [&'static str] = &[#(#own_retryable),*];));
    let is_retryable = (!own_retryable.is_empty()).then(|| {
        quote! {
            fn is_retryable(&self) -> bool {
                let code = self.metadata().code.as_str();
                [#(#own_retryable),*].contains(&code) || super::super::service::RETRYABLE_CODES.contains(&code)
            }
        }
    });

    let paginated = action.pagination.as_ref().map(|p| {
        let item = rust_type(&p.item);
        let input_token = ident(&p.input_token);
        let output_token = ident(&p.output_token);
        let set_size = match &p.page_size {
            Some((field, Scalar::Long)) => {
                let field = ident(field);
                quote! { self.#field = Some(i64::from(size)); }
            }
            Some((field, _)) => {
                let field = ident(field);
                quote! { self.#field = Some(size); }
            }
            None => quote! { let _ = size; },
        };
        let first = ident(&p.items[0]);
        let rest = p.items[1..].iter().map(|segment| {
            let segment = ident(segment);
            quote!(.and_then(|inner| inner.#segment))
        });
        quote! {
            impl crate::action::Paginated for #input {
                type Item = #item;

                fn page_token(&self) -> Option<&str> {
                    self.#input_token.as_deref()
                }

                fn set_page_token(&mut self, token: Option<String>) {
                    self.#input_token = token;
                }

                fn set_page_size(&mut self, size: i32) {
                    #set_size
                }

                fn next_page_token(output: &#output) -> Option<&str> {
                    output.#output_token.as_deref()
                }

                fn into_items(output: #output) -> Vec<#item> {
                    output.#first #(#rest)*.unwrap_or_default()
                }
            }
        }
    });

    let output_doc = doc_lines(&if action.body {
        format!("The response of `{name}`: not an object but one value, held in `body` (the output reads and writes as that value).")
    } else {
        format!(
            "The response of `{name}`. Every field is optional: absent and empty stay distinct."
        )
    });
    let output_fields = action.response.iter().map(|f| {
        let doc = doc_lines(&field_text(f, false));
        let rust = ident(&f.rust);
        let wire = &f.wire;
        let ty = rust_type(&f.shape.ty);
        if action.body {
            // The answer is this value itself (the struct is transparent): no key to name.
            return quote! {
                #doc
                pub #rust: Option<#ty>,
            };
        }
        quote! {
            #doc
            #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")]
            pub #rust: Option<#ty>,
        }
    });
    let transparent = action.body.then(|| quote! { #[serde(transparent)] });

    let variants = action.errors.iter().map(|e| {
        let variant = format_ident!("{}", e.variant);
        let doc = doc_lines(&error_doc(e));
        quote! { #doc #variant(crate::ErrorMetadata), }
    });
    let from_code = action.errors.iter().map(|e| {
        let variant = format_ident!("{}", e.variant);
        let code = &e.code;
        quote! { #code => Self::#variant(metadata), }
    });
    let own: Vec<_> = action
        .errors
        .iter()
        .map(|e| format_ident!("{}", e.variant))
        .collect();
    let common = quote! {
        match super::super::service::CommonError::from_metadata(metadata) {
            Ok(common) => Self::Common(common),
            Err(metadata) => Self::Unhandled(crate::error::Unhandled::new(metadata)),
        }
    };
    let classify = if own.is_empty() {
        common
    } else {
        quote! {
            match metadata.code.as_str() {
                #(#from_code)*
                _ => #common,
            }
        }
    };

    let input_doc = doc_lines(&format!(
        "The request of `{name}`. Build it with the setters, or start from `Client::{}()`.",
        action.module
    ));
    let fluent_doc = doc_lines(&format!(
        "The fluent builder of `{name}`: set parameters, then `.send().await`{}.",
        if action.pagination.is_some() {
            " or `.into_paginator()`"
        } else {
            ""
        }
    ));
    let client_doc = doc_lines(&format!("`{name}`: {}", first_sentence(&action.summary)));
    let error_text = format!(
        "The errors `{name}`{} documents, the errors common to every action, and `Unhandled` for any other code.",
        if own.is_empty() { " (no code of its own)" } else { "" }
    );
    let error_doc = doc_lines(&error_text);
    let action_name = name;
    let idempotent = action.idempotent;

    quote! {
        #module_doc

        #reexport

        #input_doc
        #[derive(Clone, #input_derive_debug Default, PartialEq)]
        #[non_exhaustive]
        pub struct #input {
            #(#input_fields)*
        }

        impl #input {
            #(#input_setters)*
        }

        #input_debug

        #fluent_doc
        pub type #fluent = crate::RequestBuilder<#input>;

        impl crate::RequestBuilder<#input> {
            #(#fluent_setters)*
        }

        impl crate::Client {
            #client_doc
            pub fn #method(&self) -> #fluent {
                crate::RequestBuilder::new(self.clone(), #input::default())
            }
        }

        impl crate::action::Action for #input {
            const NAME: &'static str = #action_name;
            const IDEMPOTENT: bool = #idempotent;
            #http_method
            #retryable_codes
            type Output = #output;
            type Error = #error;
            #validate
            #write_params
            #token
            #fill_region
        }

        #paginated

        #output_doc
        #[derive(Clone, #output_derive_debug Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #transparent
        #[non_exhaustive]
        pub struct #output {
            #(#output_fields)*
        }

        impl #output {
            #(#output_setters)*
        }

        #output_debug

        #(#local)*

        #error_doc
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum #error {
            #(#variants)*
            /// An error every action can answer with (signature, permission, throttling, …).
            Common(super::super::service::CommonError),
            /// A code this action does not document. Not to be matched by name: a code documented
            /// later leaves it for a variant of its own; read codes with `.code()`.
            #[deprecated(note = "a code documented later leaves `Unhandled`: read the code with `.code()` instead of matching this variant")]
            #[doc(hidden)]
            Unhandled(crate::error::Unhandled),
        }

        impl #error {
            /// The error code, e.g. `EntityNotExists.Execution`, whichever variant holds it.
            pub fn code(&self) -> &str {
                self.metadata().code()
            }

            /// What OOS said: code, message, request id and HTTP status.
            #[allow(deprecated)]
            pub fn metadata(&self) -> &crate::ErrorMetadata {
                match self {
                    #(Self::#own(metadata) => metadata,)*
                    Self::Unhandled(unhandled) => unhandled.metadata(),
                    Self::Common(common) => common.metadata(),
                }
            }
        }

        impl crate::action::ServiceError for #error {
            #[allow(deprecated)]
            fn from_metadata(metadata: crate::ErrorMetadata) -> Self {
                #classify
            }

            fn metadata(&self) -> &crate::ErrorMetadata {
                #error::metadata(self)
            }

            #is_retryable
        }

        impl std::fmt::Display for #error {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(crate::action::ServiceError::metadata(self), f)
            }
        }

        impl std::error::Error for #error {}
    }
}

/// How a parameter is written into the request.
fn write_param(f: &Field) -> TokenStream {
    let rust = ident(&f.rust);
    let wire = &f.wire;
    let list = match f.location {
        Location::Query => quote!(params.query()),
        Location::Form => quote!(params.form()),
    };
    let value = quote!(self.#rust.as_ref());
    match f.style {
        Style::Plain if matches!(f.shape.ty, Type::Scalar(_) | Type::Enum(_)) => {
            quote! { #list.push(#wire, #value); }
        }
        Style::Plain | Style::Json => quote! { #list.push_json(#wire, #value); },
        Style::RepeatList | Style::Flat => quote! { #list.push_flat(#wire, #value); },
        Style::Simple => quote! { #list.push_joined(#wire, #value, ","); },
        Style::SpaceDelimited => quote! { #list.push_joined(#wire, #value, " "); },
        Style::PipeDelimited => quote! { #list.push_joined(#wire, #value, "|"); },
    }
}

//! `service.rs`: the product's constants and the errors every action can answer with.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::doc_lines;
use crate::model::{ErrorCode, Service};

/// The shared constants and `CommonError` of a service.
pub fn service(service: &Service) -> TokenStream {
    let product = &service.product;
    let version = &service.api_version;
    let endpoint = &service.endpoint;
    let vpc = &service.vpc_endpoint;
    let regions = service.endpoints.keys();
    let hosts = service.endpoints.values();
    let retryable = service
        .errors
        .iter()
        .filter(|e| e.retryable)
        .map(|e| &e.code);
    let common = common_error(&service.errors);
    quote! {
        #![doc = " What every action of the service shares: its constants and common errors."]
        use crate::error::ErrorMetadata;
        /// The product code.
        pub const PRODUCT: &str = #product;
        /// The API version sent with every request.
        pub const API_VERSION: &str = #version;
        /// The public endpoint; `{region}` stands for the region id.
        pub const ENDPOINT: &str = #endpoint;
        /// The VPC endpoint; `{region}` stands for the region id.
        pub const VPC_ENDPOINT: &str = #vpc;
        /// Regions whose public endpoint does not follow [`ENDPOINT`], with their host.
        pub const REGIONAL_ENDPOINTS: &[(&str, &str)] = &[#((#regions, #hosts)),*];
        /// The error codes that mean "try again later".
        pub const RETRYABLE_CODES: &[&str] = &[#(#retryable),*];
        #common
    }
}

fn common_error(errors: &[ErrorCode]) -> TokenStream {
    let variants = errors.iter().map(|e| {
        let variant = format_ident!("{}", e.variant);
        let doc = doc_lines(&error_doc(e));
        quote! { #doc #variant(ErrorMetadata), }
    });
    let from_code = errors.iter().map(|e| {
        let variant = format_ident!("{}", e.variant);
        let code = &e.code;
        quote! { #code => Ok(Self::#variant(metadata)), }
    });
    let names: Vec<_> = errors
        .iter()
        .map(|e| format_ident!("{}", e.variant))
        .collect();
    let codes = errors.iter().map(|e| &e.code);
    let (from_metadata, metadata) = if errors.is_empty() {
        (quote!(Err(metadata)), quote!(match *self {}))
    } else {
        (
            quote! {
                match metadata.code.as_str() {
                    #(#from_code)*
                    _ => Err(metadata),
                }
            },
            quote! {
                match self {
                    #(Self::#names(metadata))|* => metadata,
                }
            },
        )
    };
    quote! {
        /// The codes of [`CommonError`], in its order.
        pub const COMMON_ERROR_CODES: &[&str] = &[#(#codes),*];

        /// An error any action can answer with: a signature, permission or throttling problem,
        /// or the service's own trouble. Each action's error enum holds it as `Common`.
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum CommonError {
            #(#variants)*
        }

        impl CommonError {
            /// The common error of `metadata`'s code, or the metadata back when the code is
            /// not a common one.
            #[allow(clippy::result_large_err)]
            pub fn from_metadata(metadata: ErrorMetadata) -> Result<Self, ErrorMetadata> {
                #from_metadata
            }

            /// The error's metadata (code, message, request id, host id, recommend, HTTP status).
            pub fn metadata(&self) -> &ErrorMetadata {
                #metadata
            }

            /// Whether the code is transient (throttling, unavailable): the client retries it.
            pub fn is_retryable(&self) -> bool {
                RETRYABLE_CODES.contains(&self.metadata().code.as_str())
            }
        }

        impl std::fmt::Display for CommonError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.metadata().fmt(f)
            }
        }

        impl std::error::Error for CommonError {}
    }
}

/// An error code's documentation: code, status, message, description.
pub fn error_doc(e: &ErrorCode) -> String {
    let mut text = format!("`{}` (HTTP {}): {}", e.code, e.http_status, e.message);
    if let Some(d) = &e.description {
        text.push_str("\n\n");
        text.push_str(d);
    }
    if e.retryable {
        text.push_str("\n\nTransient: the client retries it.");
    }
    text
}

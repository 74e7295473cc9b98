//! What the list actions share: filters, sorting, and pages chained by bound tokens.

pub(crate) mod filters;
mod page_token;
mod paging;

pub(crate) use page_token::PageTokens;
pub(crate) use paging::{items_at, Paging};

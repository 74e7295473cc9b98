//! Pagination: which request and response fields chain the pages.

use super::Cx;
use crate::error::SpecError;
use crate::model::{Field, Pagination, Scalar, Type};
use crate::spec::PaginationSpec;

impl Cx<'_> {
    /// The pagination of an action, its fields resolved and their types checked.
    pub(super) fn pagination(
        &self,
        p: &PaginationSpec,
        request: &[Field],
        response: &[Field],
    ) -> Result<Pagination, SpecError> {
        let find = |fields: &'_ [Field], key: &str, wire: &str, section: &str| {
            fields
                .iter()
                .find(|f| f.wire == wire)
                .cloned()
                .ok_or_else(|| {
                    self.err(
                        &["pagination"],
                        format!("`{key}` names `{wire}`, which is not a {section} field"),
                    )
                    .path(format!("pagination.{key}"))
                    .help(format!(
                        "name a top-level field under `{section}`, or declare `{wire}` there"
                    ))
                })
        };
        let wrong = |key: &str, wire: &str, want: &str| {
            self.err(
                &["pagination"],
                format!("`{key}` names `{wire}`, which is not {want}"),
            )
            .path(format!("pagination.{key}"))
            .help(format!("point `{key}` at a field that is {want}"))
        };
        let input_token = find(request, "input_token", &p.input_token, "request")?;
        if input_token.shape.ty != Type::Scalar(Scalar::String) {
            return Err(wrong("input_token", &p.input_token, "a String"));
        }
        let page_size = match &p.page_size {
            Some(wire) => {
                let f = find(request, "page_size", wire, "request")?;
                match f.shape.ty {
                    Type::Scalar(s @ (Scalar::Integer | Scalar::Long)) => Some((f.rust, s)),
                    _ => return Err(wrong("page_size", wire, "an Integer or Long")),
                }
            }
            None => None,
        };
        let output_token = find(response, "output_token", &p.output_token, "response")?;
        if output_token.shape.ty != Type::Scalar(Scalar::String) {
            return Err(wrong("output_token", &p.output_token, "a String"));
        }
        // A dotted path walks into nested objects.
        let mut segments = p.items.split('.');
        let first = segments.next().unwrap_or_default();
        let mut field = find(response, "items", first, "response")?;
        let mut path = vec![field.rust.clone()];
        for segment in segments {
            let Type::Object(name) = &field.shape.ty else {
                return Err(wrong("items", &p.items, "a path through objects to a List"));
            };
            let nested = self
                .structs
                .get(name)
                .map(|s| s.fields.as_slice())
                .unwrap_or(&[]);
            field = nested
                .iter()
                .find(|f| f.wire == segment)
                .cloned()
                .ok_or_else(|| wrong("items", &p.items, "a path through objects to a List"))?;
            path.push(field.rust.clone());
        }
        let Type::List(item) = field.shape.ty else {
            return Err(wrong("items", &p.items, "a List"));
        };
        Ok(Pagination {
            input_token: input_token.rust,
            page_size,
            output_token: output_token.rust,
            items: path,
            item: item.ty,
        })
    }
}

//! One spec from every source of an action: its reference page, its OpenAPI metadata and the
//! spec being replaced (whose hand keys, and whose fields neither source has any more, are
//! kept).
//!
//! Where both sources describe a field, the page gives its type, description, example and
//! required flag (pages refine JSON-encoded parameters into lists and maps, and their text is
//! the founding documentation); the metadata adds what the page cannot say: style, location,
//! format, constraints, default, deprecation, and values where the page lists none. The merge
//! depends only on the sources and the hand keys, never on which importer ran, so re-importing
//! any source of a merged spec changes nothing.

use crate::spec::{ActionSpec, ErrorSpec, FieldSpec, Items, PaginationSpec};

/// The merged spec of one action. At least one of `page` and `meta` is given.
pub fn merge(
    page: Option<ActionSpec>,
    meta: Option<ActionSpec>,
    existing: Option<&ActionSpec>,
) -> ActionSpec {
    let mut spec = match (page, meta) {
        (Some(page), Some(meta)) => both(page, meta),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => unreachable!("merge is called with at least one source"),
    };
    if let Some(existing) = existing {
        keep(&mut spec, existing);
    }
    // Each source's sample must fit the types the merge chose.
    let samples: Vec<serde_json::Value> = [&spec.sample_response, &spec.demo_response]
        .into_iter()
        .flatten()
        .filter_map(|text| serde_json::from_str(text).ok())
        .collect();
    let samples: Vec<&serde_json::Value> = samples.iter().collect();
    // An answer that is one value has no fields for a sample to add.
    if spec.response_body.is_none() {
        super::sample::complete(&mut spec.response, &samples);
    }
    if spec.pagination.is_none() {
        spec.pagination = infer_pagination(&spec);
    }
    spec
}

fn both(page: ActionSpec, meta: ActionSpec) -> ActionSpec {
    let mut errors = page.errors;
    for e in meta.errors {
        match errors.iter_mut().find(|p| p.code == e.code) {
            // The page gives the status; the metadata's other statuses stay beside it.
            Some(p) => {
                for status in std::iter::once(e.http_status).chain(e.also_http_status) {
                    p.also_under(status);
                }
            }
            None => errors.push(e),
        }
    }
    ActionSpec {
        action: page.action,
        summary: page.summary,
        description: meta.description,
        group: meta.group,
        deprecated: meta.deprecated,
        operation_type: meta.operation_type,
        method: meta.method,
        idempotent: page.idempotent,
        request: fields(page.request, meta.request),
        response: fields(page.response, meta.response),
        response_body: meta.response_body.or(page.response_body),
        errors,
        pagination: None,
        waiters: Vec::new(),
        sample_request: page.sample_request,
        sample_response: page.sample_response,
        demo_response: meta.demo_response,
        demo_response_xml: meta.demo_response_xml,
        demo_error: meta.demo_error,
        doc_summary: None,
    }
}

/// The page's fields in its order, each completed by the metadata's, then the metadata's
/// others in its order.
fn fields(page: Vec<FieldSpec>, mut meta: Vec<FieldSpec>) -> Vec<FieldSpec> {
    let mut out = Vec::with_capacity(page.len() + meta.len());
    for p in page {
        match meta.iter().position(|m| m.name == p.name) {
            Some(i) => out.push(field(p, meta.remove(i))),
            None => out.push(p),
        }
    }
    out.extend(meta);
    out
}

fn field(page: FieldSpec, meta: FieldSpec) -> FieldSpec {
    // A field only the page's sample shows is the metadata's to describe.
    if page.undocumented && !meta.undocumented {
        return meta;
    }
    let nested = match (page.fields, meta.fields) {
        (Some(p), Some(m)) => Some(fields(p, m)),
        (p, m) => p.or(m),
    };
    let items = match (page.items, meta.items) {
        (Some(Items::Entry(p)), Some(Items::Entry(m))) => {
            Some(Items::Entry(Box::new(field(*p, *m))))
        }
        (p, m) => p.or(m),
    };
    FieldSpec {
        name: page.name,
        ty: page.ty,
        items,
        fields: nested,
        required: page.required.or(meta.required),
        doc_required: meta.doc_required,
        style: meta.style,
        location: meta.location,
        example: page.example.or(meta.example),
        description: page.description.or(meta.description),
        title: meta.title,
        format: meta.format,
        default: meta.default,
        deprecated: meta.deprecated,
        minimum: meta.minimum,
        maximum: meta.maximum,
        exclusive_minimum: meta.exclusive_minimum,
        exclusive_maximum: meta.exclusive_maximum,
        min_items: meta.min_items,
        max_items: meta.max_items,
        min_length: meta.min_length,
        max_length: meta.max_length,
        pattern: meta.pattern,
        doc_type: page.doc_type,
        undocumented: page.undocumented && meta.undocumented,
        rust_name: None,
        struct_name: meta.struct_name,
        doc: None,
        values: page.values.or(meta.values),
        extra_values: None,
        value_titles: meta.value_titles,
        enum_name: None,
        free_form: false,
        doc_title: None,
        secret: false,
    }
}

/// Carries over from the spec being replaced what only a maintainer writes, and the fields
/// (and error codes) neither source has any more: an import adds and updates, it never
/// removes.
fn keep(spec: &mut ActionSpec, existing: &ActionSpec) {
    spec.idempotent = existing.idempotent;
    spec.doc_summary.clone_from(&existing.doc_summary);
    if existing.pagination.is_some() {
        spec.pagination = existing.pagination.clone();
    }
    spec.waiters.clone_from(&existing.waiters);
    keep_fields(&mut spec.request, &existing.request);
    keep_fields(&mut spec.response, &existing.response);
    for e in &existing.errors {
        if !spec.errors.iter().any(|s| s.code == e.code) {
            spec.errors.push(ErrorSpec::clone(e));
        }
    }
    for (new, old) in [
        (&mut spec.sample_request, &existing.sample_request),
        (&mut spec.sample_response, &existing.sample_response),
        (&mut spec.demo_response, &existing.demo_response),
        (&mut spec.demo_response_xml, &existing.demo_response_xml),
        (&mut spec.demo_error, &existing.demo_error),
    ] {
        if new.is_none() {
            new.clone_from(old);
        }
    }
}

fn keep_fields(fields: &mut Vec<FieldSpec>, kept: &[FieldSpec]) {
    for old in kept {
        match fields.iter_mut().find(|f| f.name == old.name) {
            Some(field) => keep_field(field, old),
            None => fields.push(old.clone()),
        }
    }
}

fn keep_field(field: &mut FieldSpec, old: &FieldSpec) {
    if old.rust_name.is_some() {
        field.rust_name.clone_from(&old.rust_name);
    }
    if old.struct_name.is_some() {
        field.struct_name.clone_from(&old.struct_name);
    }
    if old.doc.is_some() {
        field.doc.clone_from(&old.doc);
    }
    if old.doc_title.is_some() {
        field.doc_title.clone_from(&old.doc_title);
    }
    field.free_form |= old.free_form;
    field.secret |= old.secret;
    // Values a source lists follow the source; values a maintainer listed are kept.
    if field.values.is_none() && old.values.is_some() {
        field.values.clone_from(&old.values);
    }
    if old.extra_values.is_some() {
        field.extra_values.clone_from(&old.extra_values);
    }
    if old.enum_name.is_some() && field.values.is_some() {
        field.enum_name.clone_from(&old.enum_name);
    }
    if let (Some(new), Some(old)) = (field.fields.as_mut(), old.fields.as_ref()) {
        keep_fields(new, old);
    }
    if let (Some(Items::Entry(new)), Some(Items::Entry(old))) =
        (field.items.as_mut(), old.items.as_ref())
    {
        keep_field(new, old);
    }
}

/// Pagination by token: `NextToken` in and out, and one list in the answer (at its top level,
/// or in its one object), with `MaxResults` as the page size when the request has it.
pub fn infer_pagination(spec: &ActionSpec) -> Option<PaginationSpec> {
    let token = |fields: &[FieldSpec]| {
        fields
            .iter()
            .any(|f| f.name == "NextToken" && f.ty == "String")
    };
    if !(token(&spec.request) && token(&spec.response)) {
        return None;
    }
    // A field kept as free-form JSON (its sample contradicts its type) is no list to page.
    let typed = |f: &&FieldSpec, ty: &str| f.ty == ty && !f.free_form;
    let lists: Vec<&FieldSpec> = spec.response.iter().filter(|f| typed(f, "List")).collect();
    let items = match lists.as_slice() {
        [one] => one.name.clone(),
        [] => {
            // One object holding one list (`TagResources.TagResource`).
            let objects: Vec<&FieldSpec> = spec
                .response
                .iter()
                .filter(|f| typed(f, "Object"))
                .collect();
            let [object] = objects.as_slice() else {
                return None;
            };
            let inner: Vec<&FieldSpec> = object
                .fields
                .iter()
                .flatten()
                .filter(|f| typed(f, "List"))
                .collect();
            let [list] = inner.as_slice() else {
                return None;
            };
            format!("{}.{}", object.name, list.name)
        }
        _ => return None,
    };
    let page_size = spec
        .request
        .iter()
        .find(|f| f.name == "MaxResults" && matches!(f.ty.as_str(), "Integer" | "Long"))
        .map(|f| f.name.clone());
    Some(PaginationSpec {
        input_token: "NextToken".into(),
        page_size,
        output_token: "NextToken".into(),
        items,
    })
}

//! Nested types across the spec set: a struct or enum name means one type, whichever action
//! declares it. Same-named declarations must agree; agreeing ones are merged into one type
//! (the union of their fields), which lives in the shared `types` module when several actions
//! use it.
//!
//! Two declarations of a field agree when their types are equal, or when one of them is
//! free-form JSON (the merged field is then JSON, which holds what either documents), or when
//! one is an Integer and the other a Long (merged: Long), or one a String and the other a
//! string enum (merged: the enum, which keeps unknown values).

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Fix, SpecError};
use crate::load::{Parsed, SpecErrors};
use crate::model::{EnumDef, Field, Origin, Scalar, Service, Shape, SpecSet, StructDef, Type};
use crate::names;

/// Why two declarations of one type disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// What differs, naming the first declaration.
    pub message: String,
    /// The wire name of the field that differs.
    pub field: String,
    /// Whether only another name can remove the clash (a field's Rust name or required flag
    /// differs); otherwise keeping the field as JSON can.
    pub rename: bool,
}

/// Merges `new` into `existing` (same name), or says why they disagree.
pub fn merge_struct(existing: &mut StructDef, new: StructDef) -> Result<(), Conflict> {
    let mut merged = existing.fields.clone();
    for field in new.fields {
        match merged.iter_mut().find(|f| f.wire == field.wire) {
            Some(old) => {
                let conflict = |what: String, rename: bool| Conflict {
                    message: format!(
                        "struct `{}` is also declared at {}, where its field `{}` {what}",
                        existing.name, existing.origin, field.wire
                    ),
                    field: field.wire.clone(),
                    rename,
                };
                if old.rust != field.rust {
                    return Err(conflict(
                        format!("is named `{}` in Rust, not `{}`", old.rust, field.rust),
                        true,
                    ));
                }
                if old.required != field.required {
                    return Err(conflict(
                        format!("is {}required", if old.required { "" } else { "not " }),
                        true,
                    ));
                }
                old.shape = merge_shape(&old.shape, &field.shape)
                    .map_err(|(a, b)| conflict(format!("has type {a}, not {b}"), false))?;
                old.undocumented &= field.undocumented;
                // A value secret in one declaration is secret in the type they share.
                old.secret |= field.secret;
            }
            None => {
                if let Some(other) = merged.iter().find(|f| f.rust == field.rust) {
                    return Err(Conflict {
                        message: format!(
                            "struct `{}` is also declared at {}, where its field `{}` has the Rust name `{}` that `{}` has here",
                            existing.name, existing.origin, other.wire, field.rust, field.wire
                        ),
                        field: field.wire.clone(),
                        rename: true,
                    });
                }
                merged.push(field)
            }
        }
    }
    existing.fields = merged;
    existing.users.extend(new.users);
    existing.in_request |= new.in_request;
    Ok(())
}

/// The merged shape of two declarations of one field, or the two type names that disagree.
pub fn merge_shape(a: &Shape, b: &Shape) -> Result<Shape, (String, String)> {
    let ty = merge_type(&a.ty, &b.ty)?;
    let constraints = if a.constraints == Default::default() {
        b.constraints.clone()
    } else {
        a.constraints.clone()
    };
    Ok(Shape {
        ty,
        description: a.description.clone().or_else(|| b.description.clone()),
        example: a.example.clone().or_else(|| b.example.clone()),
        title: a.title.clone().or_else(|| b.title.clone()),
        format: a.format.clone().or_else(|| b.format.clone()),
        constraints,
    })
}

fn merge_type(a: &Type, b: &Type) -> Result<Type, (String, String)> {
    Ok(match (a, b) {
        (a, b) if a == b => a.clone(),
        (Type::Json, _) | (_, Type::Json) => Type::Json,
        (Type::Scalar(Scalar::Integer), Type::Scalar(Scalar::Long))
        | (Type::Scalar(Scalar::Long), Type::Scalar(Scalar::Integer)) => Type::Scalar(Scalar::Long),
        (Type::Enum(e), Type::Scalar(Scalar::String))
        | (Type::Scalar(Scalar::String), Type::Enum(e)) => Type::Enum(e.clone()),
        (Type::List(x), Type::List(y)) => Type::List(Box::new(merge_shape(x, y)?)),
        (Type::Map(x), Type::Map(y)) => Type::Map(Box::new(merge_shape(x, y)?)),
        (a, b) => return Err((type_name(a), type_name(b))),
    })
}

/// A type as the spec would write it, for messages.
pub fn type_name(ty: &Type) -> String {
    match ty {
        Type::Scalar(Scalar::String) => "String".into(),
        Type::Scalar(Scalar::Integer) => "Integer".into(),
        Type::Scalar(Scalar::Long) => "Long".into(),
        Type::Scalar(Scalar::Boolean) => "Boolean".into(),
        Type::Scalar(Scalar::Float) => "Float".into(),
        Type::Json => "JSON".into(),
        Type::List(e) => format!("List of {}", type_name(&e.ty)),
        Type::Map(e) => format!("Map of {}", type_name(&e.ty)),
        Type::Object(name) => format!("Object `{name}`"),
        Type::Enum(name) => format!("enum `{name}`"),
    }
}

/// Gathers every action's nested types into the spec set, checking that same-named ones
/// agree and that no name is taken twice over.
pub(crate) fn gather(
    dir: &Path,
    service: Service,
    parsed: Vec<Parsed>,
) -> Result<SpecSet, SpecErrors> {
    let mut structs: BTreeMap<String, StructDef> = BTreeMap::new();
    let mut enums: BTreeMap<String, EnumDef> = BTreeMap::new();
    let mut errors = Vec::new();
    let reserved: BTreeMap<String, String> = parsed
        .iter()
        .flat_map(|p| {
            names::generated_type_names(&p.action.rust_name)
                .into_iter()
                .map(move |n| (n, p.action.name.clone()))
        })
        .collect();
    let error_at = |origin: &Origin, message: String, help: &str| {
        SpecError::new(&origin.file, message)
            .at(origin.line)
            .path(origin.path.clone())
            .help(help)
    };
    let mut actions: Vec<crate::model::Action> = Vec::new();
    let mut references = Vec::new();
    for p in parsed {
        if let Some(other) = actions.iter().find(|a| a.module == p.action.module) {
            errors.push(
                SpecError::new(&p.action.file, format!(
                    "action `{}` gives module `{}`, which action `{}` already gives",
                    p.action.name, p.action.module, other.name
                ))
                .help("two actions whose names differ only in case cannot both be generated; report this spec set"),
            );
        }
        references.extend(p.references);
        for (name, def) in p.structs {
            if let Some(action) = reserved.get(&name) {
                errors.push(error_at(
                    &def.origin,
                    format!("the nested type `{name}` has the name of a type action `{action}` generates"),
                    "give this field a distinct `struct_name`",
                ).fix(Fix::RenameStruct(def.origin.keys.clone())));
                continue;
            }
            if let Some(other) = enums.get(&name) {
                errors.push(
                    error_at(
                        &def.origin,
                        format!(
                            "the nested type `{name}` has the name of the enum declared at {}",
                            other.origin
                        ),
                        "give this field a distinct `struct_name`",
                    )
                    .fix(Fix::RenameStruct(def.origin.keys.clone())),
                );
                continue;
            }
            let origin = def.origin.clone();
            match structs.get_mut(&name) {
                Some(existing) => {
                    if let Err(conflict) = merge_struct(existing, def) {
                        let fix = if conflict.rename {
                            Fix::RenameStruct(origin.keys.clone())
                        } else {
                            let mut at = origin.keys.clone();
                            at.push(conflict.field);
                            Fix::FreeForm(at)
                        };
                        errors.push(error_at(
                            &origin,
                            conflict.message,
                            "make the declarations agree, or give one a distinct `struct_name` (or `free_form: true` on the field, which agrees with any type)",
                        ).fix(fix));
                    }
                }
                None => {
                    structs.insert(name, def);
                }
            }
        }
        for (name, def) in p.enums {
            if let Some(action) = reserved.get(&name) {
                errors.push(
                    error_at(
                        &def.origin,
                        format!(
                            "the enum `{name}` has the name of a type action `{action}` generates"
                        ),
                        "give this field a distinct `enum_name`",
                    )
                    .fix(Fix::RenameEnum(def.origin.keys.clone())),
                );
                continue;
            }
            if let Some(other) = structs.get(&name) {
                errors.push(
                    error_at(
                        &def.origin,
                        format!(
                            "the enum `{name}` has the name of the struct declared at {}",
                            other.origin
                        ),
                        "give this field a distinct `enum_name`",
                    )
                    .fix(Fix::RenameEnum(def.origin.keys.clone())),
                );
                continue;
            }
            match enums.get_mut(&name) {
                Some(existing) if existing.values == def.values => {
                    existing.users.extend(def.users);
                    existing.in_request |= def.in_request;
                }
                Some(existing) => errors.push(
                    error_at(
                        &def.origin,
                        format!(
                            "enum `{name}` is also declared at {} with other values",
                            existing.origin
                        ),
                        "give one of them a distinct `enum_name`",
                    )
                    .fix(Fix::RenameEnum(def.origin.keys.clone())),
                ),
                None => {
                    enums.insert(name, def);
                }
            }
        }
        actions.push(p.action);
    }
    for (name, origin) in references {
        if !structs.contains_key(&name) {
            errors.push(error_at(
                &origin,
                format!("`struct_name: {name}` without `fields` refers to a struct that no spec declares"),
                "declare the struct's fields here, or name a struct declared with its fields",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(SpecErrors(errors));
    }
    // A struct used in a request is encoded and checked, and so is everything inside it.
    let mut request_types: Vec<String> = structs
        .values()
        .filter(|s| s.in_request)
        .map(|s| s.name.clone())
        .collect();
    while let Some(name) = request_types.pop() {
        let nested: Vec<String> = structs[&name]
            .fields
            .iter()
            .flat_map(|f| named_types(&f.shape.ty))
            .collect();
        for inner in nested {
            if let Some(s) = structs.get_mut(&inner) {
                if !s.in_request {
                    s.in_request = true;
                    request_types.push(inner);
                }
            } else if let Some(e) = enums.get_mut(&inner) {
                e.in_request = true;
            }
        }
    }
    // A type's users are the actions that reach it, through whichever struct: a type inside a
    // shared struct is shared too.
    for def in structs.values_mut() {
        def.users.clear();
    }
    for def in enums.values_mut() {
        def.users.clear();
    }
    for action in &actions {
        let fields = action.request.iter().chain(&action.response);
        for name in reach(&structs, fields) {
            if let Some(s) = structs.get_mut(&name) {
                s.users.insert(action.name.clone());
            } else if let Some(e) = enums.get_mut(&name) {
                e.users.insert(action.name.clone());
            }
        }
    }
    Ok(SpecSet {
        dir: dir.to_path_buf(),
        service,
        actions,
        structs,
        enums,
    })
}

/// The struct and enum names a type refers to directly.
pub fn named_types(ty: &Type) -> Vec<String> {
    match ty {
        Type::Object(n) | Type::Enum(n) => vec![n.clone()],
        Type::List(e) | Type::Map(e) => named_types(&e.ty),
        Type::Scalar(_) | Type::Json => Vec::new(),
    }
}

/// Every struct and enum an action's fields reach, each once, in the order first reached.
pub fn reachable<'a>(set: &SpecSet, fields: impl IntoIterator<Item = &'a Field>) -> Vec<String> {
    reach(&set.structs, fields)
}

fn reach<'a>(
    structs: &BTreeMap<String, StructDef>,
    fields: impl IntoIterator<Item = &'a Field>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut stack: Vec<String> = fields
        .into_iter()
        .flat_map(|f| named_types(&f.shape.ty))
        .collect();
    stack.reverse();
    while let Some(name) = stack.pop() {
        if out.contains(&name) {
            continue;
        }
        if let Some(s) = structs.get(&name) {
            let mut nested: Vec<String> = s
                .fields
                .iter()
                .flat_map(|f| named_types(&f.shape.ty))
                .collect();
            nested.reverse();
            stack.extend(nested);
        }
        out.push(name);
    }
    out
}

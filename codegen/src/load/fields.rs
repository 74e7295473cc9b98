//! Fields and their types: names, styles, containers, nested objects and enums.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::{Cx, Side};
use crate::error::{Fix, SpecError};
use crate::model::{EnumDef, Field, Location, Scalar, Shape, StructDef, Style, Type};
use crate::names;
use crate::spec::{FieldSpec, Items};

/// The types a field may have, as the spec writes them.
const TYPES: &str = "String, Integer, Long, Boolean, Float, JSON, List, Object, Map";

impl Cx<'_> {
    pub(super) fn fields(
        &mut self,
        section: &str,
        parents: &[&str],
        specs: &[FieldSpec],
        side: Side,
    ) -> Result<Vec<Field>, SpecError> {
        let mut wires = HashSet::new();
        let mut rusts = HashSet::new();
        let mut fields = Vec::new();
        for spec in specs {
            let mut keys = vec![section];
            keys.extend_from_slice(parents);
            keys.push(&spec.name);
            if !wires.insert(spec.name.as_str()) {
                return Err(self
                    .err(&keys, format!("field `{}` is declared twice", spec.name))
                    .help("keep one entry per field"));
            }
            let field = self.field(&keys, spec, side, parents.is_empty())?;
            if !rusts.insert(field.rust.clone()) {
                return Err(self
                    .err(
                        &keys,
                        format!(
                            "field `{}` gives Rust name `{}`, which another field already has",
                            spec.name, field.rust
                        ),
                    )
                    .help("give one of them a `rust_name`"));
            }
            fields.push(field);
        }
        Ok(fields)
    }

    fn field(
        &mut self,
        keys: &[&str],
        spec: &FieldSpec,
        side: Side,
        top_level: bool,
    ) -> Result<Field, SpecError> {
        let valid_wire = !spec.name.is_empty()
            && spec
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.:@$".contains(c));
        if !valid_wire {
            return Err(self
                .err(
                    keys,
                    format!("field name `{}` is not a wire name", spec.name),
                )
                .help("use the parameter name exactly as the documentation writes it, e.g. `ExecutionId`"));
        }
        let rust = match &spec.rust_name {
            Some(name) => {
                if !names::is_snake_ident(name) || names::is_keyword(name) {
                    return Err(self
                        .err(keys, format!("rust_name `{name}` is not a usable snake_case Rust identifier"))
                        .help("use lowercase letters, digits and `_`, not a keyword (e.g. `kind` or `type_`)"));
                }
                name.clone()
            }
            None => {
                let snake = spec.name.to_snake_case();
                if names::is_keyword(&snake) {
                    return Err(self
                        .err(
                            keys,
                            format!("field `{}` would be the Rust keyword `{snake}`", spec.name),
                        )
                        .help(format!(
                            "add `rust_name: {snake}_` (or another name) to this field"
                        )));
                }
                if !names::is_snake_ident(&snake) {
                    return Err(self
                        .err(
                            keys,
                            format!(
                                "field `{}` gives `{snake}`, which is not a Rust identifier",
                                spec.name
                            ),
                        )
                        .help("add a `rust_name` to this field"));
                }
                snake
            }
        };
        let request = side == Side::Request;
        if request && names::RESERVED_SETTERS.contains(&rust.as_str()) {
            return Err(self
                .err(keys, format!("parameter `{}` would give setter `{rust}`, which the request builder already has", spec.name))
                .help(format!("add `rust_name: {rust}_value` (or another name) to this parameter")));
        }
        if !request {
            for (key, set) in [
                ("required", spec.required.is_some()),
                ("doc_required", spec.doc_required.is_some()),
                ("style", spec.style.is_some()),
                ("in", spec.location.is_some()),
                ("default", spec.default.is_some()),
            ] {
                if set {
                    return Err(self
                        .err(keys, format!("`{key}` applies to request parameters only"))
                        .help(format!("remove `{key}` from this response field")));
                }
            }
        }
        if !top_level {
            for (key, set) in [
                ("style", spec.style.is_some()),
                ("in", spec.location.is_some()),
            ] {
                if set {
                    return Err(self
                        .err(
                            keys,
                            format!("`{key}` applies to top-level parameters only"),
                        )
                        .help(format!(
                            "remove `{key}`: a nested field is encoded as its parameter is"
                        )));
                }
            }
        }
        let shape = self.shape(keys, spec, side, &spec.name, false)?;
        let style = if request && top_level {
            self.style(keys, spec, &shape.ty)?
        } else {
            Style::Plain
        };
        let location = match spec.location.as_deref() {
            None | Some("query") => Location::Query,
            Some("formData") => Location::Form,
            Some(other) => {
                return Err(self
                    .err(keys, format!("`in: {other}` is not supported"))
                    .help("use `query` (the default) or `formData`: RPC-style actions send nothing in headers or the path"))
            }
        };
        Ok(Field {
            wire: spec.name.clone(),
            rust,
            shape,
            required: spec.required.unwrap_or(false),
            doc_required: spec.doc_required,
            undocumented: spec.undocumented,
            style,
            location,
            deprecated: spec.deprecated,
            default: spec.default.clone(),
            secret: spec.secret,
        })
    }

    fn style(&self, keys: &[&str], spec: &FieldSpec, ty: &Type) -> Result<Style, SpecError> {
        let structured = matches!(
            ty,
            Type::List(_) | Type::Map(_) | Type::Object(_) | Type::Json
        );
        let list_of_scalars =
            matches!(ty, Type::List(e) if matches!(e.ty, Type::Scalar(_) | Type::Enum(_)));
        let style = match spec.style.as_deref() {
            None if structured => return Ok(Style::Json),
            None => return Ok(Style::Plain),
            Some("json") => Style::Json,
            Some("repeatList") => Style::RepeatList,
            Some("flat") => Style::Flat,
            Some("simple") => Style::Simple,
            Some("spaceDelimited") => Style::SpaceDelimited,
            Some("pipeDelimited") => Style::PipeDelimited,
            Some(other) => {
                return Err(self
                    .err(keys, format!("unknown style `{other}`"))
                    .help("use json, repeatList, flat, simple, spaceDelimited or pipeDelimited"))
            }
        };
        let fits = match style {
            Style::Json | Style::RepeatList | Style::Flat => structured,
            Style::Simple | Style::SpaceDelimited | Style::PipeDelimited => list_of_scalars,
            Style::Plain => true,
        };
        if !fits {
            let want = match style {
                Style::Simple | Style::SpaceDelimited | Style::PipeDelimited => "a List of scalars",
                _ => "a List, Map, Object or JSON value",
            };
            return Err(self
                .err(
                    keys,
                    format!(
                        "style `{}` applies to {want}, not to `{}`",
                        style.name(),
                        spec.ty
                    ),
                )
                .help("remove `style` (a scalar is sent as it is), or fix the type"));
        }
        Ok(style)
    }

    /// The shape of a field or element: `name` is the field's wire name, which names nested
    /// types; `in_list` says it is a List's element, whose struct takes the singular name.
    fn shape(
        &mut self,
        keys: &[&str],
        spec: &FieldSpec,
        side: Side,
        name: &str,
        in_list: bool,
    ) -> Result<Shape, SpecError> {
        let ty = self.ty(keys, spec, side, name, in_list)?;
        let constraints = self.constraints(keys, spec, &ty)?;
        Ok(Shape {
            ty,
            description: spec.doc.clone().or_else(|| spec.description.clone()),
            example: spec.example.clone().filter(|e| !e.is_empty() && e != "-"),
            // The maintainer's English title wins over the metadata's, as `doc_summary` does.
            title: spec.doc_title.clone().or_else(|| spec.title.clone()),
            format: spec.format.clone(),
            constraints,
        })
    }

    fn ty(
        &mut self,
        keys: &[&str],
        spec: &FieldSpec,
        side: Side,
        name: &str,
        in_list: bool,
    ) -> Result<Type, SpecError> {
        let known = matches!(
            spec.ty.as_str(),
            "String"
                | "Integer"
                | "Long"
                | "Boolean"
                | "Float"
                | "JSON"
                | "List"
                | "Object"
                | "Map"
        );
        if !known {
            return Err(self
                .err(keys, format!("unknown type `{}`", spec.ty))
                .help(format!("use one of {TYPES}")));
        }
        let container = matches!(spec.ty.as_str(), "List" | "Map");
        // Redaction replaces one string; a secret inside a structure is marked on its own field.
        if spec.secret && (spec.ty != "String" || spec.free_form || spec.values.is_some()) {
            return Err(self
                .err(
                    keys,
                    format!("`secret` applies to a String, not to `{}`", spec.ty),
                )
                .help("mark the String fields that hold the secret instead"));
        }
        if spec.free_form {
            if spec.values.is_some() || spec.struct_name.is_some() {
                return Err(self
                    .err(
                        keys,
                        "`free_form` keeps the value as JSON: it has no enum or struct".into(),
                    )
                    .help("remove `values`/`struct_name`, or `free_form`"));
            }
            return Ok(Type::Json);
        }
        if spec.items.is_some() && !container {
            return Err(self
                .err(
                    keys,
                    format!("`items` applies to List and Map, not to `{}`", spec.ty),
                )
                .help("remove `items`, or make the field a List or Map"));
        }
        if container {
            let Some(items) = &spec.items else {
                return Err(self
                    .err(keys, format!("a {} needs `items`: the type of its elements", spec.ty))
                    .help("add `items: Object` (with `fields`) or `items: String` (or another scalar)"));
            };
            let list = spec.ty == "List";
            let element = match items {
                Items::Name(element) => {
                    // The short form: the parent's `fields`, `values` and names describe the
                    // element.
                    let entry = FieldSpec {
                        ty: element.clone(),
                        fields: spec.fields.clone(),
                        values: spec.values.clone(),
                        enum_name: spec.enum_name.clone(),
                        struct_name: spec.struct_name.clone(),
                        ..FieldSpec::default()
                    };
                    if !matches!(
                        element.as_str(),
                        "String" | "Integer" | "Long" | "Boolean" | "Float" | "JSON" | "Object"
                    ) {
                        let help = if matches!(element.as_str(), "List" | "Map") {
                            "a nested container needs an element entry: `items: {type: List, items: String}`".to_owned()
                        } else {
                            format!("use one of {TYPES}")
                        };
                        return Err(self
                            .err(keys, format!("unknown element type `{element}`"))
                            .help(help));
                    }
                    for (key, set) in [
                        ("minimum", spec.minimum.is_some()),
                        ("maximum", spec.maximum.is_some()),
                        ("min_length", spec.min_length.is_some()),
                        ("max_length", spec.max_length.is_some()),
                        ("pattern", spec.pattern.is_some()),
                    ] {
                        if set {
                            return Err(self
                                .err(
                                    keys,
                                    format!("`{key}` describes a scalar, not a {}", spec.ty),
                                )
                                .help(format!(
                                    "move `{key}` into an element entry under `items`"
                                )));
                        }
                    }
                    self.shape(keys, &entry, side, name, list)?
                }
                Items::Entry(entry) => {
                    if spec.fields.is_some()
                        || spec.values.is_some()
                        || spec.struct_name.is_some()
                        || spec.enum_name.is_some()
                    {
                        return Err(self
                            .err(keys, "with an element entry under `items`, `fields`, `values`, `struct_name` and `enum_name` go into that entry".into())
                            .help("move them under `items`"));
                    }
                    for (key, set) in [
                        ("name", !entry.name.is_empty()),
                        ("required", entry.required.is_some()),
                        ("style", entry.style.is_some()),
                        ("in", entry.location.is_some()),
                        ("rust_name", entry.rust_name.is_some()),
                        ("undocumented", entry.undocumented),
                        ("doc_type", entry.doc_type.is_some()),
                    ] {
                        if set {
                            return Err(self
                                .err(keys, format!("an element entry has no `{key}`"))
                                .help(format!("remove `{key}` from `items`")));
                        }
                    }
                    self.shape(keys, entry, side, name, list)?
                }
            };
            let shape = Box::new(element);
            return Ok(if list {
                Type::List(shape)
            } else {
                Type::Map(shape)
            });
        }
        self.plain(keys, spec, side, name, in_list)
    }

    /// A scalar, JSON, enum or object type (not a container).
    fn plain(
        &mut self,
        keys: &[&str],
        spec: &FieldSpec,
        side: Side,
        name: &str,
        in_list: bool,
    ) -> Result<Type, SpecError> {
        let ty = match spec.ty.as_str() {
            "Object" => {
                let Some(fields) = &spec.fields else {
                    // Without fields, a named struct is a reference to its declaration (a type
                    // that contains itself).
                    if let Some(name) = &spec.struct_name {
                        if !names::is_type_name(name) {
                            return Err(self
                                .err(
                                    keys,
                                    format!(
                                        "struct name `{name}` is not an UpperCamelCase identifier"
                                    ),
                                )
                                .help("set `struct_name` to an UpperCamelCase name"));
                        }
                        self.references.push((name.clone(), self.origin(keys)));
                        return Ok(Type::Object(name.clone()));
                    }
                    return Err(self
                        .err(keys, "an Object needs `fields`".into())
                        .help("list the object's fields under `fields`, name the struct it refers to with `struct_name`, or make it `type: JSON` (any value)"));
                };
                let struct_name = spec
                    .struct_name
                    .clone()
                    .unwrap_or_else(|| names::struct_name(name, in_list));
                if !names::is_type_name(&struct_name) {
                    return Err(self
                        .err(
                            keys,
                            format!(
                                "struct name `{struct_name}` is not an UpperCamelCase identifier"
                            ),
                        )
                        .help("set `struct_name` to an UpperCamelCase name"));
                }
                self.check_type_name(keys, &struct_name, name, false)?;
                let (section, rest) = keys.split_first().expect("keys start with the section");
                let nested = self.fields(section, rest, fields, side)?;
                let origin = self.origin(keys);
                let def = StructDef {
                    name: struct_name.clone(),
                    fields: nested,
                    users: [self.action.clone()].into(),
                    in_request: side == Side::Request,
                    origin,
                };
                if self.enums.contains_key(&struct_name) {
                    return Err(self
                        .err(keys, format!("the nested type of `{name}` would be named `{struct_name}`, which an enum of this action already is"))
                        .help("give this field a distinct `struct_name`")
                        .fix(Fix::RenameStruct(keys.iter().map(|k| k.to_string()).collect())));
                }
                match self.structs.get_mut(&struct_name) {
                    Some(existing) => {
                        crate::shapes::merge_struct(existing, def).map_err(|conflict| {
                            let mut at: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
                            let fix = if conflict.rename {
                                Fix::RenameStruct(at)
                            } else {
                                at.push(conflict.field.clone());
                                Fix::FreeForm(at)
                            };
                            self.err(keys, conflict.message)
                                .help("give one of them a distinct `struct_name`, or make the fields agree")
                                .fix(fix)
                        })?;
                    }
                    None => {
                        self.structs.insert(struct_name.clone(), def);
                    }
                }
                return Ok(Type::Object(struct_name));
            }
            "JSON" => Type::Json,
            other => match scalar(other) {
                Some(s) => Type::Scalar(s),
                None => {
                    return Err(self
                        .err(keys, format!("unknown type `{other}`"))
                        .help(format!("use one of {TYPES}")))
                }
            },
        };
        if spec.fields.is_some() {
            return Err(self
                .err(keys, format!("`fields` applies to objects, not to `{}`", spec.ty))
                .help("remove `fields`, or make the field an Object (or a List/Map with `items: Object`)"));
        }
        if spec.struct_name.is_some() {
            return Err(self
                .err(keys, "`struct_name` applies to objects only".into())
                .help("remove `struct_name`"));
        }
        if spec.extra_values.is_some() && spec.values.is_none() {
            return Err(self
                .err(
                    keys,
                    "`extra_values` adds to `values`, which this field does not have".into(),
                )
                .help("remove `extra_values`: without documented values any value is taken"));
        }
        match (&super::constraints::values(spec), &ty) {
            (Some(values), Type::Scalar(Scalar::String)) => {
                self.enumeration(keys, spec, values, side, name)
            }
            (Some(values), Type::Scalar(Scalar::Integer | Scalar::Long)) => {
                if let Some(bad) = values.iter().find(|v| v.parse::<i64>().is_err()) {
                    return Err(self
                        .err(
                            keys,
                            format!("value `{bad}` of an integer field is not an integer"),
                        )
                        .help("list integers only, or make the field a String"));
                }
                if spec.enum_name.is_some() {
                    return Err(self
                        .err(keys, "`enum_name` applies to String values only".into())
                        .help("remove `enum_name`: integer values are checked, not an enum"));
                }
                Ok(ty)
            }
            (Some(_), _) => Err(self
                .err(
                    keys,
                    format!(
                        "`values` applies to String and Integer fields, not to `{}`",
                        spec.ty
                    ),
                )
                .help("remove `values`, or fix the type")),
            (None, ty) => {
                if spec.enum_name.is_some() {
                    return Err(self
                        .err(keys, "`enum_name` needs `values`".into())
                        .help("list the values, or remove `enum_name`"));
                }
                Ok(ty.clone())
            }
        }
    }

    /// A String with enumerated values: a Rust enum, or (when a value cannot be a variant) a
    /// String whose values are checked.
    fn enumeration(
        &mut self,
        keys: &[&str],
        spec: &FieldSpec,
        values: &[String],
        side: Side,
        name: &str,
    ) -> Result<Type, SpecError> {
        let enum_name = spec
            .enum_name
            .clone()
            .unwrap_or_else(|| names::struct_name(name, false));
        if !names::is_type_name(&enum_name) {
            return Err(self
                .err(
                    keys,
                    format!("enum name `{enum_name}` is not an UpperCamelCase identifier"),
                )
                .help("set `enum_name` to an UpperCamelCase name"));
        }
        if values.is_empty() {
            return Err(self
                .err(keys, "`values` is empty".into())
                .help("list the allowed values, or remove `values`"));
        }
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut as_enum = true;
        for value in values {
            if pairs.iter().any(|(_, w)| w == value) {
                return Err(self
                    .err(keys, format!("value `{value}` is listed twice"))
                    .help("remove the duplicate value"));
            }
            match names::value_variant(value) {
                Some(variant) if !pairs.iter().any(|(v, _)| *v == variant) => {
                    pairs.push((variant, value.clone()))
                }
                _ => as_enum = false,
            }
        }
        if !as_enum {
            if spec.enum_name.is_some() {
                return Err(self
                    .err(keys, format!("the values of `{name}` cannot all be enum variants, so there is no enum to name"))
                    .help("remove `enum_name`: these values are checked on a String"));
            }
            return Ok(Type::Scalar(Scalar::String));
        }
        self.check_type_name(keys, &enum_name, name, true)?;
        if self.structs.contains_key(&enum_name) {
            return Err(self
                .err(keys, format!("the enum of `{name}` would be named `{enum_name}`, which a struct of this action already is"))
                .help("give this field a distinct `enum_name`")
                .fix(Fix::RenameEnum(keys.iter().map(|k| k.to_string()).collect())));
        }
        let def = EnumDef {
            name: enum_name.clone(),
            values: pairs,
            users: [self.action.clone()].into(),
            in_request: side == Side::Request,
            origin: self.origin(keys),
        };
        match self.enums.get_mut(&enum_name) {
            Some(existing) if existing.values == def.values => {
                existing.in_request |= def.in_request;
            }
            Some(_) => {
                return Err(self
                    .err(
                        keys,
                        format!("enum `{enum_name}` is already defined with other values"),
                    )
                    .help("give this field a distinct `enum_name`")
                    .fix(Fix::RenameEnum(
                        keys.iter().map(|k| k.to_string()).collect(),
                    )))
            }
            None => {
                self.enums.insert(enum_name.clone(), def);
            }
        }
        Ok(Type::Enum(enum_name))
    }

    fn check_type_name(
        &self,
        keys: &[&str],
        ty: &str,
        field: &str,
        is_enum: bool,
    ) -> Result<(), SpecError> {
        if names::RESERVED_TYPES.contains(&ty)
            || names::generated_type_names(&self.action.to_upper_camel_case()).contains(ty)
        {
            let at = keys.iter().map(|k| k.to_string()).collect();
            let fix = if is_enum {
                Fix::RenameEnum(at)
            } else {
                Fix::RenameStruct(at)
            };
            return Err(self
                .err(keys, format!("the nested type of `{field}` would be named `{ty}`, which the generated code already uses"))
                .help("give this field a distinct `struct_name` (or `enum_name`)")
                .fix(fix));
        }
        Ok(())
    }
}

fn scalar(name: &str) -> Option<Scalar> {
    Some(match name {
        "String" => Scalar::String,
        "Integer" => Scalar::Integer,
        "Long" => Scalar::Long,
        "Boolean" => Scalar::Boolean,
        "Float" => Scalar::Float,
        _ => return None,
    })
}

//! Rust names for imported specs: keyword fields get a `rust_name`, and nested types whose
//! names clash across the spec set are told apart. The loader says what would remove a clash
//! (an error's [`Fix`]); this applies it to the imported specs and loads again, so that the
//! written specs always load and the names stay as they are on the next import (they are
//! kept like hand keys).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use heck::ToUpperCamelCase;

use crate::error::{Fix, SpecError};
use crate::load::{self, Parsed};
use crate::model::Service;
use crate::names;
use crate::spec::{ActionSpec, FieldSpec, Items};

/// Gives every field whose snake_case name is a keyword, or a setter the request builder has,
/// a `rust_name`.
pub fn fix_rust_names(spec: &mut ActionSpec) {
    fn walk(fields: &mut [FieldSpec], request: bool) {
        let mut taken: Vec<String> = fields.iter().filter_map(|f| f.rust_name.clone()).collect();
        for f in fields.iter_mut() {
            if f.rust_name.is_none() && !f.name.is_empty() {
                let (snake, mut fixed) = names::field_name(&f.name, request);
                // A wire name that starts with a digit (`5xxPv`) gives no identifier as it is.
                let snake = if names::is_snake_ident(&snake) {
                    snake
                } else {
                    let named = format!("field_{}", snake.trim_start_matches('_'));
                    let named: String = named
                        .chars()
                        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                        .collect();
                    fixed = Some(named.clone());
                    named
                };
                // Two wire names with one snake_case form (`Key` and `key`) are told apart.
                if taken.contains(&snake) {
                    let n = (2..)
                        .find(|n| !taken.contains(&format!("{snake}_{n}")))
                        .unwrap_or(2);
                    f.rust_name = Some(format!("{snake}_{n}"));
                } else {
                    f.rust_name = fixed;
                }
            }
            taken.push(
                f.rust_name
                    .clone()
                    .unwrap_or_else(|| names::field_name(&f.name, request).0),
            );
            if let Some(nested) = f.fields.as_mut() {
                walk(nested, request);
            }
            if let Some(Items::Entry(entry)) = f.items.as_mut() {
                if let Some(nested) = entry.fields.as_mut() {
                    walk(nested, request);
                }
            }
        }
    }
    walk(&mut spec.request, true);
    walk(&mut spec.response, false);
}

/// Resolves the clashes of `imported` (spec file path → spec) with each other and with
/// `others` (the spec set's other actions, already loaded), changing only the imported specs.
/// Each round applies every fix the loader suggests, then loads again what changed.
pub fn resolve(
    dir: &Path,
    service: &Service,
    imported: &mut [(PathBuf, ActionSpec)],
    others: &[Parsed],
) -> Result<(), SpecError> {
    let mut renamed: BTreeMap<(String, Vec<String>), usize> = BTreeMap::new();
    let mut parsed: Vec<Option<Parsed>> = vec![None; imported.len()];
    // Every round fixes at least one clash; a spec set has far fewer clashes than this.
    for _ in 0..1_000 {
        let mut errors = Vec::new();
        for (slot, (path, spec)) in parsed.iter_mut().zip(imported.iter()) {
            if slot.is_none() {
                match load::parse_action_types(path, &super::emit::emit(spec), service) {
                    Ok(p) => *slot = Some(p),
                    Err(e) => errors.push(e),
                }
            }
        }
        if errors.is_empty() {
            let all: Vec<Parsed> = others
                .iter()
                .cloned()
                .chain(parsed.iter().flatten().cloned())
                .collect();
            // Not `load::gather`, which sorts: with the other specs first, a clash is
            // reported on the later declaration, an imported one, which this can rename.
            match crate::shapes::gather(dir, service.clone(), all) {
                Ok(_) => return Ok(()),
                Err(e) => errors = e.0,
            }
        }
        // A clash is fixed on the imported side; one among other specs alone is theirs.
        let mut fixed = false;
        let mut done: Vec<(PathBuf, Fix)> = Vec::new();
        for error in &errors {
            // An inferred pagination whose list runs through a type another action widened
            // to JSON pages nothing: the action does not page (a maintainer may add a
            // `struct_name` to tell the types apart, and `pagination` by hand).
            if error.fix.is_none() && error.path.as_deref() == Some("pagination.items") {
                if let Some(index) = imported.iter().position(|(p, _)| *p == error.file) {
                    if imported[index].1.pagination.take().is_some() {
                        parsed[index] = None;
                        fixed = true;
                        break;
                    }
                }
                continue;
            }
            let Some(fix) = &error.fix else { continue };
            if done.iter().any(|(f, x)| *f == error.file && x == fix) {
                continue;
            }
            let Some(index) = imported.iter().position(|(p, _)| *p == error.file) else {
                continue;
            };
            let before = imported[index].1.clone();
            let mut applied = apply(&mut imported[index].1, fix, &mut renamed);
            if !applied {
                // The field is not in the declaration the clash is reported on: the action
                // declares the struct's name twice (`Data` inside `Data`, `Node` in a list of
                // `Nodes`), its declarations are one struct, and the field is the other's.
                // The declaration reported is told apart by its name instead.
                if let Fix::FreeForm(keys) = fix {
                    if let Some((_, declaration)) = keys.split_last() {
                        let rename = Fix::RenameStruct(declaration.to_vec());
                        applied = apply(&mut imported[index].1, &rename, &mut renamed);
                    }
                }
            }
            if applied && imported[index].1 != before {
                parsed[index] = None;
                fixed = true;
                // One fix a round: a clash reported on several declarations is often removed
                // by the first fix alone, and fixing each would make the result depend on
                // which declarations already carried an earlier import's fix (an import of
                // one action, then of all, must leave what an import of all leaves).
                break;
            }
            done.push((error.file.clone(), fix.clone()));
        }
        if !fixed {
            return Err(errors.into_iter().next().unwrap_or_else(|| {
                SpecError::new(dir, "the specs do not load").help("report this import")
            }));
        }
    }
    Err(
        SpecError::new(dir, "the nested types' names could not be told apart")
            .help("give the clashing fields a `struct_name` or `enum_name` by hand"),
    )
}

/// Applies `fix` to `spec`; false when the path leads nowhere.
fn apply(
    spec: &mut ActionSpec,
    fix: &Fix,
    renamed: &mut BTreeMap<(String, Vec<String>), usize>,
) -> bool {
    let keys = match fix {
        Fix::FreeForm(k) | Fix::RenameEnum(k) | Fix::RenameStruct(k) => k,
    };
    // The prefix of a renamed type: the action's Rust name (`createTicket` → `CreateTicket`).
    let action = spec.action.to_upper_camel_case();
    let Some((section, path)) = keys.split_first() else {
        return false;
    };
    // Enum names the spec's other fields already chose, with their values: one action's two
    // fields of one name (a request `IndexType` and a response `IndexType` with other values)
    // must not both take `<Action>IndexType`; with the same values they share it.
    let mut chosen = Vec::new();
    for (side, list) in [("request", &spec.request), ("response", &spec.response)] {
        chosen_enums(list, &mut vec![side.to_owned()], keys, &mut chosen);
    }
    let side = if section == "request" {
        "Request"
    } else {
        "Response"
    };
    let fields = match section.as_str() {
        "request" => &mut spec.request,
        "response" => &mut spec.response,
        _ => return false,
    };
    let parent = parent_name(fields, path).unwrap_or_else(|| action.clone());
    let Some(field) = find(fields, path) else {
        return false;
    };
    let attempt = renamed.entry((action.clone(), keys.clone())).or_insert(0);
    *attempt += 1;
    let base = field.name.to_upper_camel_case();
    match fix {
        Fix::FreeForm(_) => {
            field.free_form = true;
            field.values = None;
            field.enum_name = None;
            field.struct_name = None;
        }
        Fix::RenameEnum(_) => {
            let name = match *attempt {
                1 if parent != action => format!("{parent}{base}"),
                1 | 2 => format!("{action}{base}"),
                n => format!("{action}{base}{n}"),
            };
            let values = match field.items.as_ref() {
                Some(Items::Entry(entry)) => entry.values.clone(),
                _ => field.values.clone(),
            };
            let taken: Vec<String> = chosen
                .iter()
                .filter(|(_, v)| *v != values)
                .map(|(n, _)| n.clone())
                .collect();
            let name = untaken(name, &action, side, &base, *attempt, &taken);
            match field.items.as_mut() {
                Some(Items::Entry(entry)) => entry.enum_name = Some(name),
                _ => field.enum_name = Some(name),
            }
        }
        Fix::RenameStruct(_) => {
            let current = field
                .struct_name
                .clone()
                .unwrap_or_else(|| names::struct_name(&field.name, field.ty == "List"));
            let name = match *attempt {
                1 => format!("{action}{current}"),
                n => format!("{action}{current}{n}"),
            };
            match field.items.as_mut() {
                Some(Items::Entry(entry)) if entry.fields.is_some() => {
                    entry.struct_name = Some(name)
                }
                _ => field.struct_name = Some(name),
            }
        }
    }
    true
}

/// `name`, unless another field of the spec already took it: then `<Action><Side><Base>`
/// (`QuerySearchIndexResponseIndexType`), else the first free numbered name.
fn untaken(
    name: String,
    action: &str,
    side: &str,
    base: &str,
    attempt: usize,
    taken: &[String],
) -> String {
    if !taken.contains(&name) {
        return name;
    }
    let sided = format!("{action}{side}{base}");
    if !taken.contains(&sided) {
        return sided;
    }
    (attempt.max(2)..)
        .map(|n| format!("{action}{base}{n}"))
        .find(|n| !taken.contains(n))
        .unwrap_or(name)
}

/// Every `enum_name` under `fields` (at `path`) with its values, except the field at `skip`'s.
fn chosen_enums(
    fields: &[FieldSpec],
    path: &mut Vec<String>,
    skip: &[String],
    out: &mut Vec<(String, Option<Vec<String>>)>,
) {
    for f in fields {
        path.push(f.name.clone());
        let mut holders = vec![f];
        if let Some(Items::Entry(entry)) = &f.items {
            holders.push(entry);
        }
        for h in holders {
            if let Some(name) = h.enum_name.as_ref().filter(|_| path.as_slice() != skip) {
                out.push((name.clone(), h.values.clone()));
            }
            if let Some(nested) = &h.fields {
                chosen_enums(nested, path, skip, out);
            }
        }
        path.pop();
    }
}

/// The field at `path` (names from the section down).
fn find<'a>(fields: &'a mut [FieldSpec], path: &[String]) -> Option<&'a mut FieldSpec> {
    let (first, rest) = path.split_first()?;
    let field = fields.iter_mut().find(|f| &f.name == first)?;
    if rest.is_empty() {
        return Some(field);
    }
    let nested = match field.items.as_mut() {
        Some(Items::Entry(entry)) if entry.fields.is_some() => entry.fields.as_mut(),
        _ => field.fields.as_mut(),
    }?;
    find(nested, rest)
}

/// The Rust name of the struct that holds the field at `path`, if it is nested.
fn parent_name(fields: &mut [FieldSpec], path: &[String]) -> Option<String> {
    let (_, init) = path.split_last()?;
    if init.is_empty() {
        return None;
    }
    let parent = find(fields, init)?;
    let list = parent.ty == "List";
    Some(
        parent
            .struct_name
            .clone()
            .unwrap_or_else(|| names::struct_name(&parent.name, list)),
    )
}

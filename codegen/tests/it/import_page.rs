//! The page importer: reference pages in, specs out; what it reads, what it keeps, how it
//! fails. Every committed spec is also what a fresh import of its sources gives.

use std::fs;
use std::path::Path;

use codegen::import::Sources;
use codegen::load::parse_action_types;
use codegen::model::{Scalar, Type};

use crate::support::{workspace, Scratch};

#[test]
fn every_committed_spec_is_a_fresh_import_of_its_sources() {
    let root = workspace();
    let sources = Sources::new(&root, &root.join("spec/oos")).unwrap();
    let mut pages: Vec<_> = fs::read_dir(root.join("docs/oos"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(pages.len(), 7);
    // Given against the order of the actions, each spec still names its own page.
    pages.sort();
    pages.reverse();
    let openapi = root.join("docs/openapi/oos/2019-06-01/api-docs.json");
    let from_pages = sources
        .import_pages(&pages)
        .unwrap_or_else(|e| panic!("{e}"));
    let from_metadata = sources
        .import_openapi(&openapi, &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(from_metadata.len(), 97);
    for spec in &from_pages {
        let page = spec.page.as_ref().and_then(|p| p.file_stem());
        assert_eq!(page, Some(spec.action.as_ref()), "{}", spec.action);
    }
    let ecs = Sources::new(&root, &root.join("tests/fixtures/ecs/specs")).unwrap();
    let from_other_product = ecs
        .import_openapi(&root.join("tests/fixtures/ecs/api-docs.json"), &[])
        .unwrap_or_else(|e| panic!("{e}"));
    for spec in from_pages
        .iter()
        .chain(&from_metadata)
        .chain(&from_other_product)
    {
        let committed = fs::read_to_string(&spec.path).unwrap();
        assert!(
            spec.text == committed,
            "{} differs from a fresh import of its sources: run `cargo xtask import-openapi {}`",
            spec.path.display(),
            openapi.display()
        );
    }
}

const PAGE: &str = "\
Describes widgets, whose parts have parts.
Request parameters
Parameter | Type | Required | Example | Description |
---|---|---|---|---|
Action | String | Yes | DescribeWidgets | The operation. |
Ids | JSON | Yes | [\"w-1\",\"w-2\"] | The widgets, as a JSON array. |
Labels | JSON | No | {\"env\":\"test\"} | Labels as a JSON object of key-value pairs. |
Filter | JSON | No | {\"size\":{\"min\":1}} | A filter object. |
Limit | Long | No | 10 | A long description that the page
wraps onto a second line
and a third. |
Type | String | No | big | A keyword. |
Response parameters
Parameter | Type | Example | Description |
---|---|---|---|
RequestId | String | r-1 | The request. |
Widgets | Array | - | The widgets. |
└ Ratio | Float | 0.5 | A ratio. |
└ Parts | - | - | Parts. |
└└ Spec | Object | - | The part's spec. |
└└└ Size | Long | 12 | Size. |
└ Sizes | Array | - | Sizes. |
└ Meta | Object | - | Free-form metadata. |
└ Owners | Map | - | Owners by name. |
└└ Email | String | a@x | Email. |
Example
Sample request
https://example.com/?Action=DescribeWidgets
Sample success response JSON
format
{
  \"RequestId\": \"r-1\",
  \"Widgets\": [
    {
      \"Ratio\": 0.5,
      \"Parts\": [{\"Spec\": {\"Size\": 12, \"Color\": \"red\"}}],
      \"Sizes\": [1, 2],
      \"Meta\": {\"a\": true},
      \"Owners\": {\"ann\": {\"Email\": \"a@x\"}},
      \"Extra\": {\"k\": [1]}
    }
  ],
  \"TotalCount\": 1
}
Error codes
Error code | HTTP status code | Error message | Description |
---|---|---|---|
InvalidVersion | 400 | Specified parameter Version is not valid. | Common. |
Widget.Missing | 404 | The widget {{id}} is gone. | A widget does not exist. |
";

/// Imports `page` into a scratch spec directory, with `existing` as the spec being replaced.
fn import(page: &str, existing: Option<&str>) -> String {
    let scratch = Scratch::with_service("page");
    let path = scratch.write("docs/pages/DescribeWidgets.txt", page);
    if let Some(existing) = existing {
        scratch.write("spec/x/DescribeWidgets.yaml", existing);
    }
    let imported = scratch
        .sources()
        .import_pages(&[path])
        .unwrap_or_else(|e| panic!("{e}"));
    imported[0].text.clone()
}

#[test]
fn reads_every_shape_the_pages_use() {
    let text = import(PAGE, None);
    let service = Sources::new(&workspace(), &workspace().join("spec/oos"))
        .unwrap()
        .service()
        .clone();
    let parsed = parse_action_types(Path::new("DescribeWidgets.yaml"), &text, &service).unwrap();
    let action = &parsed.action;
    let field = |name: &str| {
        action
            .request
            .iter()
            .chain(&action.response)
            .find(|f| f.wire == name)
            .unwrap()
    };
    let element = |ty: &Type| match ty {
        Type::List(e) | Type::Map(e) => e.ty.clone(),
        other => panic!("{other:?} is not a container"),
    };

    assert!(
        matches!(&field("Ids").shape.ty, Type::List(t) if matches!(t.ty, Type::Scalar(_))),
        "a JSON array of strings is a list"
    );
    assert!(
        matches!(field("Labels").shape.ty, Type::Map(_)),
        "key-value pairs are a map"
    );
    assert!(
        matches!(field("Filter").shape.ty, Type::Json),
        "any other object stays JSON"
    );
    assert_eq!(
        field("Limit").shape.description.as_deref(),
        Some("A long description that the page wraps onto a second line and a third.")
    );
    assert_eq!(
        field("Type").rust,
        "type_",
        "a keyword gets a safe Rust name with no hand edit"
    );
    assert!(
        action.errors.iter().all(|e| e.code != "InvalidVersion"),
        "common codes stay in service.yaml"
    );
    assert_eq!(action.errors[0].message, "The widget {{id}} is gone.");
    assert!(action.idempotent, "Describe actions are safe to repeat");
    assert!(action.pagination.is_none());

    let Type::Object(widget) = element(&field("Widgets").shape.ty) else {
        panic!("Widgets is a list of objects")
    };
    let widget = &parsed.structs[&widget];
    let names: Vec<&str> = widget.fields.iter().map(|f| f.wire.as_str()).collect();
    assert_eq!(
        names,
        ["Ratio", "Parts", "Sizes", "Meta", "Owners", "Extra"]
    );
    let nested = |name: &str| widget.fields.iter().find(|f| f.wire == name).unwrap();
    assert!(
        nested("Extra").undocumented,
        "a field only the sample has is captured"
    );
    assert_eq!(
        element(&nested("Sizes").shape.ty),
        Type::Scalar(Scalar::Integer)
    );
    assert_eq!(
        element(&nested("Meta").shape.ty),
        Type::Scalar(Scalar::Boolean)
    );
    assert!(matches!(
        element(&nested("Owners").shape.ty),
        Type::Object(_)
    ));
    // Three levels: Widgets → Parts → Spec → Size, and the sample-only Color beside Size.
    let Type::Object(part) = element(&nested("Parts").shape.ty) else {
        panic!("`-` with a list in the sample is a list of objects")
    };
    let Type::Object(spec) = &parsed.structs[&part].fields[0].shape.ty else {
        panic!("Spec is an object")
    };
    let spec_fields: Vec<&str> = parsed.structs[spec]
        .fields
        .iter()
        .map(|f| f.wire.as_str())
        .collect();
    assert_eq!(spec_fields, ["Size", "Color"]);
}

#[test]
fn keeps_what_maintainers_added() {
    let first = import(PAGE, None);
    let edited = first
        .replacen("idempotent: true", "idempotent: false", 1)
        .replacen(
            "    description: The widgets.\n",
            "    description: The widgets.\n    struct_name: Gadget\n",
            1,
        )
        .replacen(
            "        description: A ratio.\n",
            "        description: A ratio.\n        doc: The part of the whole.\n",
            1,
        )
        .replacen(
            "    description: A keyword.\n    rust_name: type_\n",
            "    description: A keyword.\n    rust_name: kind\n",
            1,
        );
    assert_eq!(
        edited.matches("Gadget").count()
            + edited.matches("The part of the whole").count()
            + edited.matches("rust_name: kind").count(),
        3
    );
    assert_eq!(import(PAGE, Some(&edited)), edited);
}

#[test]
fn a_field_the_page_no_longer_lists_is_kept() {
    let first = import(PAGE, None);
    let fewer = PAGE.replacen("Type | String | No | big | A keyword. |\n", "", 1);
    let again = import(&fewer, Some(&first));
    assert_eq!(again, first, "an import adds and updates, it never removes");
}

fn error_of(page: &str) -> String {
    codegen::import::page::read(
        Path::new("DescribeWidgets.txt"),
        page,
        &["InvalidVersion".to_owned()],
    )
    .unwrap_err()
    .to_string()
}

#[test]
fn a_missing_table_header_names_the_line() {
    assert_eq!(
        error_of(&PAGE.replacen("Parameter | Type | Example | Description |", "Parameter | Type | Description |", 1)),
        "DescribeWidgets.txt:14: expected the header `Parameter | Type | Example | Description |`, found `Parameter | Type | Description |`"
    );
}

#[test]
fn a_row_with_too_few_cells_names_the_line() {
    assert_eq!(
        error_of(&PAGE.replacen(
            "RequestId | String | r-1 | The request. |",
            "RequestId | String |",
            1
        )),
        "DescribeWidgets.txt:16: expected 4 cells (Parameter, Type, Example, Description), found 2"
    );
}

#[test]
fn an_unknown_type_names_the_line() {
    assert_eq!(
        error_of(&PAGE.replacen("└ Ratio | Float |", "└ Ratio | Decimal |", 1)),
        "DescribeWidgets.txt:18: unknown type `Decimal`\n  help: the pages use String, Integer, Long, Boolean, Float, JSON, -, Array, Object and Map"
    );
}

#[test]
fn a_container_the_sample_does_not_show() {
    assert_eq!(
        error_of(&PAGE.replacen("\"Parts\": [{\"Spec\": {\"Size\": 12, \"Color\": \"red\"}}],", "", 1)),
        "DescribeWidgets.txt:19: `Parts` is typed `-` and the sample response does not show whether it is a list or an object\n  help: add it to the page's sample response, or write its spec entry by hand"
    );
}

#[test]
fn a_row_nested_without_a_parent() {
    assert_eq!(
        error_of(&PAGE.replacen("└ Ratio | Float |", "└└ Ratio | Float |", 1)),
        "DescribeWidgets.txt:18: `Ratio` is nested 2 levels deep but has no parent row one level up"
    );
}

#[test]
fn a_broken_sample() {
    assert_eq!(
        error_of(&PAGE.replacen("\"TotalCount\": 1", "\"TotalCount\": ", 1)),
        "DescribeWidgets.txt:44: the sample response is not valid JSON: expected value at line 14 column 1\n  help: the JSON between `format` and `Error codes` must parse"
    );
}

#[test]
fn a_missing_section() {
    assert_eq!(
        error_of(&PAGE.replacen("Response parameters\n", "", 1)),
        "DescribeWidgets.txt:13: expected 5 cells (Parameter, Type, Required, Example, Description), found 4"
    );
}

#[test]
fn a_bad_required_cell() {
    assert_eq!(
        error_of(&PAGE.replacen("| Yes | [", "| Maybe | [", 1)),
        "DescribeWidgets.txt:6: expected `Yes` or `No` in the Required column, found `Maybe`"
    );
}

#[test]
fn no_action_row() {
    assert_eq!(
        error_of(&PAGE.replacen("Action | String | Yes | DescribeWidgets | The operation. |\n", "", 1)),
        "DescribeWidgets.txt: the request table has no `Action` row\n  help: the `Action` row's example names the action"
    );
}

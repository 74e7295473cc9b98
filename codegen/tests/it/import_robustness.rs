//! What real editions of the metadata do: keys of every product's documents, keys no edition
//! has yet, codes under two statuses, shape conflicts settled the same way whatever is
//! imported, and bad input refused with a located error before anything is written.

use std::path::Path;

use codegen::import::openapi::Document;
use codegen::load::parse_action_types;

use crate::import_openapi::{
    import_all, import_one, import_warned, scratch, strict_import_error, DOC,
};

/// Every key the inventory of the published metadata lists (`../shared/openapi-editions/
/// README.md`, about 270 RPC products), placed where it occurs.
const ACTION_KEYS: &str = r#""translator": "machine", "eventInfo": {"enable": false}, "changeSet": [{"createdAt": "2024-01-01", "description": "new"}], "ramActions": [{"action": "oos:ListWidgets"}], "flowControl": {"flowControlList": []}, "tags": ["x"], "staticInfo": {"returnType": "synchronous"}, "path": "/ListWidgets", "produces": [], "consumes": [],"#;
const SCHEMA_KEYS: &str = r#""itemNode": true, "itemName": "Id", "nullToEmpty": true, "valueMapping": {"a": "b"}, "backendName": "id", "name": "Id", "visibility": "Public", "extendType": "x", "index": 1, "parseType": "string", "readOnly": true, "isFileTransferUrl": false, "nullable": true, "sensitive": false, "bizType": "x", "trim": true, "dateFormat": "x", "backendParamType": "x","#;

/// `doc` with `from` replaced by `to` once; `from` must be there, so that a test whose anchor
/// the document no longer has fails instead of testing nothing.
fn replaced(doc: &str, from: &str, to: &str) -> String {
    assert!(doc.contains(from), "test bug: {from:?} not in the document");
    doc.replacen(from, to, 1)
}

fn with_every_key() -> String {
    let doc = replaced(
        DOC,
        r#""title": "Lists widgets.","#,
        &format!(r#""title": "Lists widgets.", {ACTION_KEYS}"#),
    );
    let doc = replaced(
        &doc,
        r#""Id": {"type": "string"},"#,
        &format!(r#""Id": {{{SCHEMA_KEYS} "type": "string"}},"#),
    );
    // Keys of the top level some products' documents have.
    replaced(
        &doc,
        r#""version": "1.0","#,
        r#""version": "1.0", "errorCodes": {}, "changeSet": [], "ram": {}, "flowControl": {},"#,
    )
}

#[test]
fn every_key_of_the_inventory_is_handled_on_purpose() {
    let doc = with_every_key();
    let parsed = Document::parse_with(Path::new("api-docs.json"), &doc, true).unwrap();
    parsed
        .action("ListWidgets", &[], &[])
        .unwrap_or_else(|e| panic!("a key of the inventory is not known: {e}"));
    assert!(parsed.warnings().is_empty());
    // Passed over means the spec is the one without those keys.
    let plain = Document::parse(Path::new("api-docs.json"), DOC).unwrap();
    assert_eq!(
        parsed.action("ListWidgets", &[], &[]).unwrap(),
        plain.action("ListWidgets", &[], &[]).unwrap()
    );
}

#[test]
fn a_file_transfer_url_is_documented() {
    let doc = DOC.replacen(
        r#"{"name": "NextToken", "in": "query", "schema": {"type": "string", "required": false}}"#,
        r#"{"name": "NextToken", "in": "query", "schema": {"type": "string", "required": false, "isFileTransferUrl": true}}"#,
        1,
    );
    let spec = Document::parse(Path::new("api-docs.json"), &doc)
        .unwrap()
        .action("ListWidgets", &[], &[])
        .unwrap();
    let token = spec.request.iter().find(|f| f.name == "NextToken").unwrap();
    assert!(
        token
            .description
            .as_deref()
            .is_some_and(|d| d.contains("upload a local file")),
        "{token:?}"
    );
}

#[test]
fn an_unknown_key_is_a_located_warning_and_strict_makes_it_an_error() {
    let doc = DOC
        .replacen(
            r#""title": "Lists widgets.","#,
            r#""title": "Lists widgets.", "futureKey": 1,"#,
            1,
        )
        .replacen(
            r#""Ratio": {"type": "number","#,
            r#""Ratio": {"shape": "round", "type": "number","#,
            1,
        );
    let scratch = scratch("unknown-keys", &doc);
    let (imported, warnings) = import_warned(&scratch);
    assert_eq!(imported.len(), 2, "the import goes on");
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(warnings[0].contains("$.apis.ListWidgets.futureKey: unknown key `futureKey`"));
    assert!(warnings[1].contains(
        "$.apis.ListWidgets.responses.200.schema.properties.Widgets.items.properties.Ratio.shape: unknown key `shape`"
    ));

    let err = strict_import_error(&scratch);
    assert!(
        err.contains("$.apis.ListWidgets.futureKey: unknown key `futureKey`"),
        "{err}"
    );
}

#[test]
fn a_code_under_two_statuses_keeps_both() {
    let doc = DOC.replacen(
        r#""errorCodes": {"400": [{"errorCode": "Widget.Bad", "errorMessage": "The widget is bad."}"#,
        r#""errorCodes": {"403": [{"errorCode": "Widget.Bad", "errorMessage": "The widget is bad."}], "400": [{"errorCode": "Widget.Bad", "errorMessage": "The widget is bad."}"#,
        1,
    );
    let scratch = scratch("two-statuses", &doc);
    let imported = import_all(&scratch);
    scratch.apply(&imported);
    let text = scratch.read("spec/x/ListWidgets.yaml");
    assert!(
        text.contains("  - code: Widget.Bad\n    http_status: 403\n    also_http_status: [400]\n"),
        "{text}"
    );
    let service = scratch.service();
    let parsed = parse_action_types(Path::new("ListWidgets.yaml"), &text, &service).unwrap();
    let code = &parsed.action.errors[0];
    assert_eq!(code.http_status, 403, "the emulator answers with the first");
    assert!(
        code.description
            .as_deref()
            .is_some_and(|d| d.contains("Also answered with HTTP 400.")),
        "documented on the variant: {:?}",
        code.description
    );
    assert_eq!(import_all(&scratch), imported, "re-importing keeps both");
}

/// Two actions whose `Item` structs disagree on a field's type, a third that uses it too.
const CLASH: &str = r##"{
  "version": "1.0",
  "info": {"style": "RPC", "product": "oos", "version": "2019-06-01"},
  "apis": {
    "GetItem": {"summary": "Gets an item.", "parameters": [],
      "responses": {"200": {"schema": {"type": "object", "properties": {"RequestId": {"type": "string"},
        "Item": {"type": "object", "properties": {"Version": {"type": "string"}, "Tags": {"type": "string"}}}}}}}},
    "ListItems": {"summary": "Lists items.", "parameters": [],
      "responses": {"200": {"schema": {"type": "object", "properties": {"RequestId": {"type": "string"},
        "Items": {"type": "array", "items": {"type": "object", "properties": {"Version": {"type": "integer", "format": "int32"}, "Tags": {"type": "array", "items": {"type": "string"}}}}}}}}}},
    "ListOtherItems": {"summary": "Lists other items.", "parameters": [],
      "responses": {"200": {"schema": {"type": "object", "properties": {"RequestId": {"type": "string"},
        "Items": {"type": "array", "items": {"type": "object", "properties": {"Version": {"type": "string"}, "Tags": {"type": "string"}}}}}}}}}
  }
}"##;

#[test]
fn one_action_is_imported_as_the_whole_document_imports_it() {
    let whole = scratch("clash-whole", CLASH);
    let all = import_all(&whole);
    whole.apply(&all);
    let told_apart = all
        .iter()
        .filter(|i| i.text.contains("free_form: true") || i.text.contains("struct_name:"))
        .count();
    assert!(told_apart > 0, "test bug: the document has no clash");

    for action in ["GetItem", "ListItems", "ListOtherItems"] {
        let one = scratch(&format!("clash-{action}"), CLASH);
        let first = import_one(&one, action);
        assert_eq!(first.len(), 1);
        let same = all.iter().find(|i| i.action == action).unwrap();
        assert_eq!(first[0].text, same.text, "{action} alone");
        one.apply(&first);
        let then_all = import_all(&one);
        assert_eq!(
            then_all.iter().map(|i| &i.text).collect::<Vec<_>>(),
            all.iter().map(|i| &i.text).collect::<Vec<_>>(),
            "{action}, then the whole document"
        );
    }
}

#[test]
fn bad_input_is_refused_with_a_located_error_and_nothing_is_built() {
    let cases = [
        (
            &DOC[..DOC.len() / 2],
            "api-docs.json:",
            "the document ends too early (truncated JSON)",
        ),
        (
            "<html><body>Not found</body></html>",
            "api-docs.json:1:",
            "the document is not valid JSON",
        ),
        ("[1, 2]", "api-docs.json: $:", "the document is an array"),
        (
            r#"{"openapi": "3.0.0", "paths": {}}"#,
            "api-docs.json: $:",
            "missing key `info`",
        ),
    ];
    for (text, place, message) in cases {
        let scratch = scratch("bad-input", text);
        let doc = scratch.root.join("docs/api-docs.json");
        let err = scratch
            .sources()
            .import_openapi(&doc, &[])
            .expect_err(message)
            .to_string();
        assert!(err.contains(message), "{err}");
        assert!(err.contains(place), "{err}");
        let written = std::fs::read_dir(scratch.root.join("spec/x"))
            .unwrap()
            .count();
        assert_eq!(written, 1, "only service.yaml: nothing was built");
    }
}

#[test]
fn a_document_from_outside_is_named_by_its_copy_inside() {
    let scratch = scratch("provenance", DOC);
    let outside = crate::support::Scratch::new("provenance-downloads");
    // A newer download, under the name a browser gives a second one: not the bytes of the
    // spec directory's copy.
    let given = outside.write("Downloads/api-docs (1).json", &format!("{DOC}\n"));
    let sources = scratch.sources();
    let imported = sources
        .import_openapi(&given, &[])
        .unwrap_or_else(|e| panic!("{e}"));
    let copy = sources.repository_copy(&given).unwrap();
    assert_eq!(
        copy,
        scratch
            .root
            .join("docs/openapi/oos/2019-06-01/api-docs.json")
    );
    for spec in &imported {
        let header = spec.text.lines().next().unwrap();
        assert!(
            header.contains("the OpenAPI metadata docs/openapi/oos/2019-06-01/api-docs.json by"),
            "{header}"
        );
        assert!(!spec.text.contains("Downloads"), "{}", spec.text);
    }
    // The Chinese edition is kept beside the English one, whatever the download's name.
    let chinese = DOC
        .replace("Lists widgets.", "列出部件。")
        .replace("Stores a widget.", "存储部件。");
    let given = outside.write("Downloads/metadata.json", &chinese);
    assert_eq!(
        sources.repository_copy(&given).unwrap(),
        scratch
            .root
            .join("docs/openapi/oos/2019-06-01/api-docs.zh.json")
    );
    // A document inside the workspace is named where it is, and not copied.
    let inside = scratch.root.join("docs/api-docs.json");
    assert_eq!(sources.repository_copy(&inside), None);
}

#[test]
fn an_import_hands_back_the_document_it_read_and_where_it_is_kept() {
    let scratch = scratch("handed-back", DOC);
    let outside = crate::support::Scratch::new("handed-back-downloads");
    let chinese = DOC
        .replace("Lists widgets.", "列出部件。")
        .replace("Stores a widget.", "存储部件。");
    let sources = scratch.sources();
    for (name, text, edition) in [
        ("api-docs (1).json", format!("{DOC}\n"), "api-docs.json"),
        ("metadata.json", chinese, "api-docs.zh.json"),
    ] {
        let given = outside.write(&format!("Downloads/{name}"), &text);
        let import = sources
            .import_openapi_document(&given, &[])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(import.text, text);
        let copy = scratch
            .root
            .join("docs/openapi/oos/2019-06-01")
            .join(edition);
        assert_eq!(import.copy.as_ref(), Some(&copy));
        assert_eq!(sources.repository_copy(&given), Some(copy));
        assert_eq!(import.specs, sources.import_openapi(&given, &[]).unwrap());
    }
    let inside = scratch.root.join("docs/api-docs.json");
    let import = sources.import_openapi_document(&inside, &[]).unwrap();
    assert_eq!(import.copy, None);
    assert_eq!(import.text, std::fs::read_to_string(&inside).unwrap());
}

#[test]
fn a_document_parsed_by_its_caller_imports_as_one_read_from_its_path() {
    let scratch = scratch("parsed-by-caller", DOC);
    let sources = scratch.sources();
    let path = scratch.root.join("docs/api-docs.json");
    let doc = Document::parse(&path, DOC).unwrap_or_else(|e| panic!("{e}"));
    let parsed = sources
        .import_parsed_openapi(&path, &doc, DOC.to_owned(), &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        parsed,
        sources.import_openapi_document(&path, &[]).unwrap(),
        "the same specs, text and copy"
    );
    // The check of the product and version holds as for a document read from its path.
    let other = DOC.replace(r#""product": "oos""#, r#""product": "ecs""#);
    assert_ne!(other, DOC);
    let doc = Document::parse(&path, &other).unwrap_or_else(|e| panic!("{e}"));
    let err = sources
        .import_parsed_openapi(&path, &doc, other, &[])
        .expect_err("another product");
    assert!(
        err.to_string().contains("describes ecs 2019-06-01"),
        "{err}"
    );
}

#[test]
fn summaries_read_a_repeated_key_as_serde_json_does() {
    // The last of two keys counts, as when the edition is told from the text.
    let text = r#"{"info": {"style": "RPC", "product": "Oos", "version": "2019-06-01"},
        "apis": {"A": {"summary": "列出部件。"}, "B": {"summary": "存储部件。"},
                 "A": {"summary": "first", "summary": "Lists widgets."}}}"#;
    let doc = Document::parse(Path::new("repeated.json"), text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.summaries(), ["存储部件。", "Lists widgets."]);
    assert_eq!(
        codegen::import::edition_file_name(text.as_bytes()),
        "api-docs.json",
        "one Chinese summary of two is not the Chinese edition"
    );
}

#[test]
fn the_change_report_says_what_changes_downstream() {
    let scratch = scratch("changes", DOC);
    let doc = scratch.root.join("docs/api-docs.json");
    let sources = scratch.sources();
    let first = sources.import_openapi(&doc, &[]).unwrap();
    let changes = sources.changes(&first);
    let added: Vec<&str> = changes.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(added, ["added `ListWidgets`", "added `PutWidget`"]);
    scratch.apply(&first);

    let newer = DOC
        .replacen(
            r#"{"name": "ClientToken", "in": "query", "schema": {"type": "string"}}"#,
            r#"{"name": "ClientToken", "in": "query", "schema": {"type": "string"}}, {"name": "Color", "in": "query", "schema": {"type": "string", "required": true}}"#,
            1,
        )
        .replacen(r#""On": {"type": "boolean"},"#, r#""On": {"type": "boolean"}, "Since": {"type": "string"},"#, 1)
        // The demo's number contradicts the new type: the field is kept as JSON.
        .replacen(r#""Size": {"type": "integer", "format": "int64"},"#, r#""Size": {"type": "string"},"#, 1)
        .replacen(
            r#"{"errorCode": "Widget.Bad", "errorMessage": "The widget is bad."}"#,
            r#"{"errorCode": "Widget.Bad", "errorMessage": "The widget is bad."}, {"errorCode": "Widget.Gone", "errorMessage": "Gone."}"#,
            1,
        );
    scratch.write("docs/api-docs.json", &newer);
    let second = sources.import_openapi(&doc, &[]).unwrap();
    let changes = sources.changes(&second);
    let report = codegen::import::changes::markdown(&changes, "`docs/api-docs.json`");
    assert_eq!(
        report,
        "### Import of `docs/api-docs.json`

4 change(s): 2 additive, 2 breaking.

#### Request parameters

- breaking: added `PutWidget.Color` (String, required)

#### Response fields

- breaking: `ListWidgets.Widgets[].Size` changed type: Long → JSON
- additive: added `ListWidgets.Widgets[].Since` (String)

#### Error codes

- additive: added `ListWidgets` `Widget.Gone` (HTTP 400)
"
    );
}

#[test]
fn a_null_demo_and_an_xml_error_demo_are_passed_over() {
    let null = DOC.replacen(
        r#""responseDemo": "[{\"type\":\"json\",\"example\":\"{\\\"RequestId\\\":\\\"r\\\"}\",\"errorExample\":\"\"}]""#,
        r#""responseDemo": null"#,
        1,
    );
    let xml = DOC.replacen(
        r#"{\"type\":\"xml\",\"example\":\"<RequestId>r</RequestId>\",\"errorExample\":\"\"}"#,
        r#"{\"type\":\"xml\",\"example\":\"<RequestId>r</RequestId>\",\"errorExample\":\"<Code>Bad</Code>\"}"#,
        1,
    );
    for (doc, action) in [(null, "PutWidget"), (xml, "ListWidgets")] {
        assert_ne!(doc, DOC, "test bug: nothing replaced");
        let spec = Document::parse_with(Path::new("api-docs.json"), &doc, true)
            .unwrap()
            .action(action, &[], &[])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(spec.demo_error.is_none());
    }
}

/// What products' published documents do beyond OOS's, each kept to what a client can use.
const OTHER_PRODUCTS: &str = r##"{
  "version": "1.0",
  "info": {"style": "RPC", "product": "oos", "version": "2019-06-01"},
  "apis": {
    "CreateThing": {
      "methods": ["post"],
      "summary": "Creates a thing.",
      "parameters": [{"name": "Name", "in": "query", "schema": {"type": "string"}}],
      "responses": {
        "200": {"schema": {"type": "object", "properties": {"RequestId": {"type": "string"}, "5xxPv": {"type": "integer", "format": "int64"}}}},
        "202": {"schema": {"type": "object", "properties": {"Accepted": {"type": "string"}}}},
        "201": {"schema": {"type": "object", "properties": {"RequestId": {"type": "string"}, "5xxPv": {"type": "integer", "format": "int64"}}}},
        "5XX": {"schema": {"type": "object", "properties": {"Code": {"type": "string"}}}}},
      "responseDemo": "[{\"type\":\"json\",\"example\":\"{\\\"RequestId\\\":\\\"r\\\",\\\"5xxPv\\\":3}\",\"errorExample\":\"<Error/>\"}]",
      "errorCodes": {"999999": [{"errorCode": "Odd.Status", "errorMessage": "No HTTP status."}], "400": [
        {"errorCode": "40002", "errorMessage": "Numeric."},
        {"errorCode": "Thing.Gone", "errorMessage": "Gone."},
        {"errorCode": "Thing.Gone.", "errorMessage": "The same variant."},
        {"errorCode": "InternalError.", "errorMessage": "A common code's variant."},
        {"errorCode": "Thing.Bad", "errorMessage": "Bad."}]}
    }
  }
}"##;

#[test]
fn other_products_quirks_import_to_what_a_client_can_use() {
    let scratch = scratch("other-products", OTHER_PRODUCTS);
    let sources = scratch.sources().strict(true);
    let imported = sources
        .import_openapi(&scratch.root.join("docs/api-docs.json"), &[])
        .unwrap_or_else(|e| panic!("{e}"));
    let text = &imported[0].text;
    let service = sources.service().clone();
    let parsed = parse_action_types(Path::new("CreateThing.yaml"), text, &service)
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    let action = &parsed.action;
    let fields: Vec<(&str, &str)> = action
        .response
        .iter()
        .map(|f| (f.wire.as_str(), f.rust.as_str()))
        .collect();
    assert_eq!(
        fields,
        [("RequestId", "request_id"), ("5xxPv", "field_5xx_pv")],
        "the 201 answer is the success answer; a field named from a digit gets a Rust name"
    );
    let codes: Vec<&str> = action.errors.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(codes, ["Thing.Gone", "Thing.Bad"], "{text}");
    assert!(!text.contains("demo_error"), "{text}");

    // Without `200`, the `201` answer is the success answer.
    let only_201: String = OTHER_PRODUCTS
        .lines()
        .filter(|l| {
            !l.trim_start().starts_with("\"200\"") && !l.trim_start().starts_with("\"202\"")
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(only_201, OTHER_PRODUCTS);
    let spec = Document::parse_with(Path::new("api-docs.json"), &only_201, true)
        .unwrap()
        .action("CreateThing", &[], &[])
        .unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = spec.response.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["RequestId", "5xxPv"]);
}

#[test]
fn a_list_kept_as_json_is_no_page() {
    let mut spec = Document::parse(Path::new("api-docs.json"), DOC)
        .unwrap()
        .action("ListWidgets", &[], &[])
        .unwrap();
    assert!(codegen::import::infer_pagination(&spec).is_some());
    let widgets = spec
        .response
        .iter_mut()
        .find(|f| f.name == "Widgets")
        .unwrap();
    widgets.free_form = true;
    assert_eq!(codegen::import::infer_pagination(&spec), None);
}

#[test]
fn an_action_the_client_cannot_send_leaves_the_others_importable() {
    for (from, to, place) in [
        (
            r#""security": [{"AK": []}]"#,
            r#""security": [{"Anonymous": []}]"#,
            "$.apis.ListWidgets.security",
        ),
        (
            r#""methods": ["get"]"#,
            r#""methods": ["put"]"#,
            "$.apis.ListWidgets.methods",
        ),
        (
            r#"{"name": "NextToken", "in": "query","#,
            r#"{"name": "NextToken", "in": "header","#,
            "$.apis.ListWidgets.parameters[1].in",
        ),
    ] {
        let doc = DOC.replacen(from, to, 1);
        assert_ne!(doc, DOC, "test bug: {from}");
        let scratch = scratch("unsendable", &doc);
        let path = scratch.root.join("docs/api-docs.json");
        let sources = scratch.sources();
        let imported = sources
            .import_openapi(&path, &[])
            .unwrap_or_else(|e| panic!("{e}"));
        let actions: Vec<&str> = imported.iter().map(|i| i.action.as_str()).collect();
        assert_eq!(actions, ["PutWidget"], "{to}");
        let warnings: Vec<String> = sources.warnings().iter().map(|w| w.to_string()).collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains(place), "{warnings:?}");
        assert!(
            warnings[0].contains("`ListWidgets` is left out"),
            "{warnings:?}"
        );
        // Strict, or named: an error.
        let strict = scratch.sources().strict(true).import_openapi(&path, &[]);
        assert!(strict.unwrap_err().to_string().contains(place));
        let named = scratch
            .sources()
            .import_openapi(&path, &["ListWidgets".to_owned()]);
        assert!(named.unwrap_err().to_string().contains(place));
    }
}

/// A paged action whose list sits in an object another action declares with a String there.
const PAGED_CLASH: &str = r##"{
  "version": "1.0",
  "info": {"style": "RPC", "product": "oos", "version": "2019-06-01"},
  "apis": {
    "GetThings": {"summary": "Gets things.", "parameters": [],
      "responses": {"200": {"schema": {"type": "object", "properties": {"RequestId": {"type": "string"},
        "Things": {"type": "object", "properties": {"Thing": {"type": "string"}}}}}}}},
    "ListThings": {"summary": "Lists things.", "parameters": [{"name": "NextToken", "in": "query", "schema": {"type": "string"}}],
      "responses": {"200": {"schema": {"type": "object", "properties": {"RequestId": {"type": "string"}, "NextToken": {"type": "string"},
        "Things": {"type": "object", "properties": {"Thing": {"type": "array", "items": {"type": "object", "properties": {"Id": {"type": "string"}}}}}}}}}}}
  }
}"##;

#[test]
fn a_paged_list_kept_as_json_leaves_its_action_unpaged() {
    let alone = PAGED_CLASH.replacen(
        "\"Thing\": {\"type\": \"string\"}",
        "\"Other\": {\"type\": \"string\"}",
        1,
    );
    assert_ne!(alone, PAGED_CLASH, "test bug: nothing replaced");
    let plain = import_all(&scratch("paged-alone", &alone));
    let list = plain.iter().find(|i| i.action == "ListThings").unwrap();
    assert!(
        list.text.contains("pagination:\n  input_token: NextToken\n  output_token: NextToken\n  items: Things.Thing\n"),
        "test bug: without the clash the action pages\n{}",
        list.text
    );

    let imported = import_all(&scratch("paged-clash", PAGED_CLASH));
    let list = imported.iter().find(|i| i.action == "ListThings").unwrap();
    assert!(list.text.contains("free_form: true"), "{}", list.text);
    assert!(!list.text.contains("pagination:"), "{}", list.text);
}

//! The metadata importer: every construct of the api-docs format becomes spec (or a located
//! error), the page and the metadata of one action merge into one spec, and re-importing any
//! source changes nothing.

use std::path::Path;

use codegen::import::openapi::Document;
use codegen::load::parse_action_types;
use codegen::model::{Location, Scalar, Style, Type};

use crate::support::{workspace, Scratch};

/// A document of two actions that between them use every construct of the format.
pub const DOC: &str = r##"{
  "version": "1.0",
  "info": {"style": "RPC", "product": "oos", "version": "2019-06-01"},
  "directories": [{"id": 1, "title": "模板", "type": "directory", "children": ["ListWidgets"]},
                  {"id": 2, "title": "新", "type": "directory", "children": [{"id": 3, "title": "设置", "type": "directory", "children": ["PutWidget"]}]}],
  "components": {"schemas": {"Owner": {"type": "object", "properties": {"Name": {"type": "string"}}}}},
  "apis": {
    "ListWidgets": {
      "methods": ["get"],
      "schemes": ["https"],
      "security": [{"AK": []}],
      "operationType": "read",
      "deprecated": false,
      "systemTags": {"operationType": "get"},
      "title": "Lists widgets.",
      "summary": "Lists widgets.",
      "parameters": [
        {"name": "MaxResults", "in": "query", "schema": {"type": "integer", "format": "int32", "required": false, "minimum": "1", "maximum": "100", "default": "50", "example": "50"}},
        {"name": "NextToken", "in": "query", "schema": {"type": "string", "required": false}},
        {"name": "Filter", "in": "query", "style": "repeatList", "schema": {"type": "array", "maxItems": 5, "required": false,
          "items": {"type": "object", "properties": {
            "Name": {"type": "string", "required": true},
            "Value": {"type": "array", "maxItems": 20, "items": {"type": "string", "description": "一个值", "maxLength": 64}}}}}},
        {"name": "Labels", "in": "query", "style": "flat", "schema": {"type": "object", "additionalProperties": {"type": "string"}}},
        {"name": "Names", "in": "query", "style": "simple", "schema": {"type": "array", "items": {"type": "string"}}},
        {"name": "Tags", "in": "query", "style": "json", "schema": {"type": "object", "description": "Tags, free-form."}},
        {"name": "Kind", "in": "query", "schema": {"type": "string", "docRequired": true, "enumValueTitles": {"Small": "small", "Big": "Big"}}},
        {"name": "Priority", "in": "query", "schema": {"type": "integer", "format": "int32", "enumValueTitles": {"1": "1", "2": "2"}}},
        {"name": "Blob", "in": "formData", "schema": {"type": "string", "maxLength": 1000, "pattern": "^[a-z]*$"}},
        {"name": "Since", "in": "query", "allowEmptyValue": true, "schema": {"type": "integer", "format": "int64", "exclusiveMinimum": true, "minimum": "0", "deprecated": true}}
      ],
      "responses": {"200": {"schema": {"type": "object", "properties": {
        "RequestId": {"type": "string", "description": "The request ID."},
        "NextToken": {"type": "string"},
        "Widgets": {"type": "array", "items": {"type": "object", "properties": {
          "Id": {"type": "string"},
          "Ratio": {"type": "number", "format": "float"},
          "Size": {"type": "integer", "format": "int64"},
          "On": {"type": "boolean"},
          "Any": {"type": "any"},
          "Grid": {"type": "array", "items": {"type": "array", "items": {"type": "integer", "format": "int32"}}},
          "Owner": {"$ref": "#/components/schemas/Owner"},
          "Counts": {"type": "object", "additionalProperties": {"type": "integer", "format": "int32"}},
          "State": {"type": "string", "enumValueTitles": {"On": "On", "Off": "Off"}},
          "Count": {"type": "string"}}}}}}}},
      "responseDemo": "[{\"type\":\"json\",\"example\":\"{\\\"RequestId\\\":\\\"r\\\",\\\"NextToken\\\":\\\"n\\\",\\\"Widgets\\\":[{\\\"Id\\\":\\\"w\\\",\\\"Ratio\\\":0.165,\\\"Size\\\":9007199254740993,\\\"On\\\":true,\\\"Any\\\":[1,\\\"x\\\"],\\\"Grid\\\":[[1,2],[3]],\\\"Owner\\\":{\\\"Name\\\":\\\"o\\\"},\\\"Counts\\\":{\\\"a\\\":1},\\\"State\\\":\\\"Unplugged\\\",\\\"Count\\\":3,\\\"Extra\\\":false}]}\",\"errorExample\":\"\"},{\"type\":\"xml\",\"example\":\"<RequestId>r</RequestId>\",\"errorExample\":\"\"}]",
      "errorCodes": {"400": [{"errorCode": "Widget.Bad", "errorMessage": "The widget is bad."}, {"errorCode": "Throttling", "errorMessage": "Common."}]}
    },
    "PutWidget": {
      "methods": ["post", "get"],
      "summary": "Stores a widget.",
      "description": "Stores a widget.\n\nSee [the guide](~~123~~).",
      "deprecated": true,
      "parameters": [
        {"name": "Name", "in": "query", "schema": {"type": "string", "required": true, "minLength": 1, "maxLength": 10}},
        {"name": "Owner", "in": "query", "style": "json", "schema": {"$ref": "#/components/schemas/Owner", "required": false}},
        {"name": "ClientToken", "in": "query", "schema": {"type": "string"}}
      ],
      "responses": {"200": {"schema": {"type": "object", "properties": {"RequestId": {"type": "string"}}}}},
      "responseDemo": "[{\"type\":\"json\",\"example\":\"{\\\"RequestId\\\":\\\"r\\\"}\",\"errorExample\":\"\"}]",
      "errorCodes": []
    }
  },
  "endpoints": [{"regionId": "cn-hangzhou", "endpoint": "oos.cn-hangzhou.aliyuncs.com"}]
}"##;

pub fn scratch(name: &str, doc: &str) -> Scratch {
    let scratch = Scratch::with_service(name);
    scratch.write("docs/api-docs.json", doc);
    scratch
}

pub fn import_all(scratch: &Scratch) -> Vec<codegen::import::Imported> {
    import_warned(scratch).0
}

/// Imports every action of the scratch's document, with the warnings the import gave.
pub fn import_warned(scratch: &Scratch) -> (Vec<codegen::import::Imported>, Vec<String>) {
    let sources = scratch.sources();
    let imported = sources
        .import_openapi(&scratch.root.join("docs/api-docs.json"), &[])
        .unwrap_or_else(|e| panic!("{e}"));
    let warnings = sources.warnings().iter().map(|w| w.to_string()).collect();
    (imported, warnings)
}

/// Imports the one action of the scratch's document.
pub fn import_one(scratch: &Scratch, action: &str) -> Vec<codegen::import::Imported> {
    scratch
        .sources()
        .import_openapi(
            &scratch.root.join("docs/api-docs.json"),
            &[action.to_owned()],
        )
        .unwrap_or_else(|e| panic!("{action} alone: {e}"))
}

/// The error a `--strict` import of the scratch's document stops with.
pub fn strict_import_error(scratch: &Scratch) -> String {
    scratch
        .sources()
        .strict(true)
        .import_openapi(&scratch.root.join("docs/api-docs.json"), &[])
        .unwrap_err()
        .to_string()
}

#[test]
fn every_construct_becomes_spec() {
    let scratch = scratch("constructs", DOC);
    let imported = import_all(&scratch);
    scratch.apply(&imported);
    let service = scratch.service();
    let text = scratch.read("spec/x/ListWidgets.yaml");
    let parsed = parse_action_types(Path::new("ListWidgets.yaml"), &text, &service).unwrap();
    let action = &parsed.action;
    let request = |name: &str| action.request.iter().find(|f| f.wire == name).unwrap();

    assert_eq!(
        action.method,
        codegen::model::Method::Get,
        "an action only GET reaches"
    );
    assert_eq!(
        action.group.as_deref(),
        Some("Templates"),
        "directory titles get their display name"
    );
    assert!(action.idempotent);
    let p = action
        .pagination
        .as_ref()
        .expect("NextToken in and out, one list: paginated");
    assert_eq!(
        p.page_size.as_ref().map(|(f, _)| f.as_str()),
        Some("max_results")
    );

    let max = request("MaxResults");
    assert_eq!(max.shape.ty, Type::Scalar(Scalar::Integer));
    assert_eq!(
        (max.shape.constraints.minimum, max.shape.constraints.maximum),
        (Some(1.0), Some(100.0))
    );
    assert_eq!(max.default.as_deref(), Some("50"));

    let filter = request("Filter");
    assert_eq!(filter.style, Style::RepeatList);
    assert_eq!(filter.shape.constraints.max_items, Some(5));
    let Type::List(item) = &filter.shape.ty else {
        panic!("a list")
    };
    let Type::Object(item) = &item.ty else {
        panic!("of objects")
    };
    let item = &parsed.structs[item];
    assert!(
        item.in_request && item.fields[0].required,
        "nested required fields are checked"
    );
    let Type::List(value) = &item.fields[1].shape.ty else {
        panic!("Value is a list")
    };
    assert_eq!(
        value.constraints.max_length,
        Some(64),
        "an element's own constraints are kept"
    );
    assert_eq!(
        value.description.as_deref(),
        Some("一个值"),
        "and its description"
    );

    assert_eq!(request("Labels").style, Style::Flat);
    assert!(
        matches!(&request("Labels").shape.ty, Type::Map(e) if e.ty == Type::Scalar(Scalar::String))
    );
    assert_eq!(request("Names").style, Style::Simple);
    assert_eq!(
        request("Tags").shape.ty,
        Type::Json,
        "an object without fields is free-form"
    );
    assert_eq!(request("Tags").style, Style::Json);
    let Type::Enum(kind) = &request("Kind").shape.ty else {
        panic!("an enum")
    };
    assert_eq!(
        parsed.enums[kind].values,
        [
            ("Small".to_owned(), "Small".to_owned()),
            ("Big".to_owned(), "Big".to_owned())
        ]
    );
    assert!(
        text.contains("value_titles:\n      Small: small\n"),
        "titles that differ are kept"
    );
    assert_eq!(request("Kind").doc_required, Some(true));
    assert_eq!(request("Priority").shape.ty, Type::Scalar(Scalar::Integer));
    assert_eq!(
        request("Priority").shape.constraints.allowed,
        Some(vec!["1".to_owned(), "2".to_owned()])
    );
    assert_eq!(request("Blob").location, Location::Form);
    assert_eq!(
        request("Blob").shape.constraints.pattern.as_deref(),
        Some("^[a-z]*$")
    );
    let since = request("Since");
    assert_eq!(since.shape.ty, Type::Scalar(Scalar::Long));
    assert!(since.shape.constraints.exclusive_minimum && since.deprecated);

    let Type::List(widget) = &action.response[2].shape.ty else {
        panic!("Widgets")
    };
    let Type::Object(widget) = &widget.ty else {
        panic!("of objects")
    };
    let widget = &parsed.structs[widget];
    let field = |name: &str| widget.fields.iter().find(|f| f.wire == name).unwrap();
    assert_eq!(field("Ratio").shape.ty, Type::Scalar(Scalar::Float));
    assert_eq!(field("Ratio").shape.format.as_deref(), Some("float"));
    assert_eq!(field("Size").shape.ty, Type::Scalar(Scalar::Long));
    assert_eq!(field("On").shape.ty, Type::Scalar(Scalar::Boolean));
    assert_eq!(field("Any").shape.ty, Type::Json);
    assert!(
        matches!(&field("Grid").shape.ty, Type::List(row) if matches!(&row.ty, Type::List(cell) if cell.ty == Type::Scalar(Scalar::Integer)))
    );
    assert_eq!(
        field("Owner").shape.ty,
        Type::Object("Owner".into()),
        "a $ref names its struct"
    );
    assert!(
        matches!(&field("Counts").shape.ty, Type::Map(e) if e.ty == Type::Scalar(Scalar::Integer))
    );
    assert!(matches!(&field("State").shape.ty, Type::Enum(_)));
    assert_eq!(
        field("Count").shape.ty,
        Type::Json,
        "a type the demo contradicts is kept as JSON"
    );
    assert!(
        text.contains("doc_type: String"),
        "with the documented type noted"
    );
    assert!(
        field("Extra").undocumented,
        "a field only the demo has is captured"
    );

    assert_eq!(
        action.errors.len(),
        1,
        "codes common to every action stay in service.yaml"
    );
    assert_eq!(action.errors[0].code, "Widget.Bad");
    assert_eq!(action.samples.len(), 1);
    assert!(
        text.contains("demo_response_xml: |-\n  <RequestId>r</RequestId>\n"),
        "the XML demo is kept"
    );

    let put = scratch.read("spec/x/PutWidget.yaml");
    let put = parse_action_types(Path::new("PutWidget.yaml"), &put, &service).unwrap();
    assert!(put.action.deprecated);
    assert_eq!(put.action.method, codegen::model::Method::Post);
    assert_eq!(
        put.action.idempotency_token.as_deref(),
        Some("client_token")
    );
    assert!(put
        .action
        .description
        .as_deref()
        .unwrap()
        .contains("~~123~~"));
    let name = &put.action.request[0];
    assert!(name.required);
    assert_eq!(
        (
            name.shape.constraints.min_length,
            name.shape.constraints.max_length
        ),
        (Some(1), Some(10))
    );
    assert_eq!(put.action.request[1].shape.ty, Type::Object("Owner".into()));
}

#[test]
fn re_importing_changes_nothing_and_a_newer_document_only_adds() {
    let scratch = scratch("reimport", DOC);
    let first = import_all(&scratch);
    scratch.apply(&first);
    assert_eq!(
        import_all(&scratch),
        first,
        "a second import gives the same bytes"
    );

    // A newer document adds a parameter and drops one: the new one is added, nothing goes.
    let newer = DOC.replacen(
        r#"{"name": "ClientToken", "in": "query", "schema": {"type": "string"}}"#,
        r#"{"name": "Color", "in": "query", "schema": {"type": "string"}}"#,
        1,
    );
    scratch.write("docs/api-docs.json", &newer);
    let second = import_all(&scratch);
    scratch.apply(&second);
    let put = scratch.read("spec/x/PutWidget.yaml");
    assert!(put.contains("  - name: Color\n"), "{put}");
    assert!(
        put.contains("  - name: ClientToken\n"),
        "a parameter the document dropped stays: {put}"
    );
    assert_eq!(import_all(&scratch), second);
}

/// The reference page of `ListWidgets`, which the metadata also describes.
const PAGE: &str = "\
Lists widgets.
Request parameters
Parameter | Type | Required | Example | Description |
---|---|---|---|---|
Action | String | Yes | ListWidgets | The operation. |
MaxResults | Integer | No | 10 | Page size, from the page. |
NextToken | String | No | t | Where the page starts. |
Mode | String | No | Fast | Allowed values: Fast and Slow. |
Response parameters
Parameter | Type | Example | Description |
---|---|---|---|
RequestId | String | r-1 | The request, as the page says. |
NextToken | String | n | The next page. |
Widgets | Array | - | The widgets. |
└ Id | String | w-1 | The widget's id. |
└ Note | String | n | Only the page has it. |
Example
Sample request
https://example.com/?Action=ListWidgets
Sample success response JSON
format
{
  \"RequestId\": \"r-1\",
  \"NextToken\": \"n\",
  \"Widgets\": [{\"Id\": \"w-1\", \"Note\": \"x\"}]
}
Error codes
Error code | HTTP status code | Error message | Description |
---|---|---|---|
Widget.Gone | 404 | The widget is gone. | From the page. |
";

#[test]
fn a_page_and_the_metadata_merge_into_one_spec() {
    let scratch = scratch("merge", DOC);
    let page = scratch.write("docs/pages/ListWidgets.txt", PAGE);
    let from_metadata = import_all(&scratch);
    scratch.apply(&from_metadata);
    let spec = scratch.read("spec/x/ListWidgets.yaml");
    // Fields of both, the page's text first, the page's error table and both samples.
    for expected in [
        "  - name: Mode\n",
        "  - name: Filter\n",
        "description: Page size, from the page.",
        "description: The request, as the page says.",
        "      - name: Note\n",
        "      - name: Ratio\n",
        "  - code: Widget.Gone\n",
        "  - code: Widget.Bad\n",
        "sample_response: |",
        "demo_response: |",
        "style: repeatList",
        "minimum: 1",
    ] {
        assert!(spec.contains(expected), "missing {expected:?} in\n{spec}");
    }
    let service = scratch.service();
    let parsed = parse_action_types(Path::new("ListWidgets.yaml"), &spec, &service).unwrap();
    assert_eq!(
        parsed.action.samples.len(),
        2,
        "both samples round-trip through the types"
    );

    // Re-importing either source changes nothing.
    assert_eq!(
        scratch.sources().import_pages(&[page]).unwrap(),
        from_metadata[..1]
    );
    assert_eq!(import_all(&scratch), from_metadata);
}

#[test]
fn the_committed_metadata_is_the_one_beside_the_repository() {
    // CI also diffs docs/openapi against the edition in ../shared; a clone without it checks
    // its copy.
    let shared =
        workspace().join("../shared/openapi-editions/2026-01-02/oos/2019-06-01/api-docs.json");
    let copy = workspace().join("docs/openapi/oos/2019-06-01/api-docs.json");
    let copy_text = std::fs::read_to_string(&copy).unwrap();
    if let Ok(shared_text) = std::fs::read_to_string(shared) {
        assert_eq!(shared_text, copy_text);
    }
    let doc = Document::parse(&copy, &copy_text).unwrap();
    assert_eq!(doc.actions().len(), 97);
}

/// The error of importing `ListWidgets` from `DOC` with `from` replaced by `to`.
fn error_with(from: &str, to: &str) -> String {
    assert!(DOC.contains(from), "test bug: {from:?} not in the document");
    let doc = DOC.replacen(from, to, 1);
    let common = ["Throttling".to_owned()];
    let result = Document::parse_with(Path::new("api-docs.json"), &doc, true)
        .and_then(|d| d.action("ListWidgets", &common, &[]).map(|_| ()));
    match result {
        Ok(()) => panic!("the document was accepted:\n{doc}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_metadata_gives_located_errors() {
    let report = "\n  help: report this document";
    // Read strictly: a fallback the import would warn about is an error.
    let fallback = "\n  help: report this document; the field is kept as free-form JSON (`serde_json::Value`) until it is fixed";
    let extend = "\n  help: the importer does not know this part of the format; extend codegen/src/import/openapi/";
    let cases: Vec<(&str, &str, String)> = vec![
        ("\"version\": \"1.0\",", "\"version\": \"1.0\", \"servers\": [],",
         format!("api-docs.json: $.servers: unknown key `servers`{extend}")),
        ("\"style\": \"RPC\"", "\"style\": \"ROA\"",
         "api-docs.json: $.info.style: the product's API style is `ROA`, not `RPC`\n  help: the client sends RPC-style requests (Action and parameters in the query); ROA-style products are not supported".into()),
        ("\"title\": \"Lists widgets.\",", "\"title\": \"Lists widgets.\", \"callbacks\": {},",
         format!("api-docs.json: $.apis.ListWidgets.callbacks: unknown key `callbacks`{extend}")),
        ("\"methods\": [\"get\"]", "\"methods\": [\"put\"]",
         "api-docs.json: $.apis.ListWidgets.methods: the action takes only put\n  help: the client sends RPC requests by POST or GET".into()),
        ("\"security\": [{\"AK\": []}]", "\"security\": [{\"BearerToken\": []}]",
         "api-docs.json: $.apis.ListWidgets.security: the action is authorised by BearerToken, not by an AccessKey\n  help: the client signs every request with an AccessKey (`AK`); this action cannot be generated".into()),
        ("{\"name\": \"NextToken\", \"in\": \"query\",", "{\"name\": \"NextToken\", \"in\": \"header\",",
         "api-docs.json: $.apis.ListWidgets.parameters[1].in: parameters `in: header` are not supported\n  help: RPC-style actions take parameters in the query or the form body (`query`, `formData`)".into()),
        ("\"style\": \"repeatList\"", "\"style\": \"xml\"",
         "api-docs.json: $.apis.ListWidgets.parameters[2].style: style `xml` is not supported\n  help: the client encodes json, repeatList, flat, simple, spaceDelimited and pipeDelimited parameters".into()),
        ("{\"type\": \"string\", \"required\": false}}", "{\"type\": \"string\", \"required\": false, \"xml\": {}}}",
         format!("api-docs.json: $.apis.ListWidgets.parameters[1].schema.xml: unknown key `xml`{extend}")),
        ("\"Names\", \"in\": \"query\", \"style\": \"simple\", \"schema\": {\"type\": \"array\"", "\"Names\", \"in\": \"query\", \"style\": \"simple\", \"schema\": {\"type\": \"tuple\"",
         "api-docs.json: $.apis.ListWidgets.parameters[4].schema.type: unknown type `tuple`\n  help: the format's types are string, integer, number, boolean, object, array and any".into()),
        ("\"format\": \"int32\", \"required\": false, \"minimum\"", "\"format\": \"int16\", \"required\": false, \"minimum\"",
         "api-docs.json: $.apis.ListWidgets.parameters[0].schema.format: integer format `int16`\n  help: the format's integers are int32 or int64".into()),
        ("\"minimum\": \"1\"", "\"minimum\": \"one\"",
         format!("api-docs.json: $.apis.ListWidgets.parameters[0].schema.minimum: `minimum` is `one`, not a number{report}")),
        ("{\"type\": \"string\", \"maxLength\": 1000", "{\"type\": \"string\", \"format\": \"binary\", \"maxLength\": 1000",
         "api-docs.json: $.apis.ListWidgets.parameters[8].schema.format: a binary (file upload) parameter\n  help: the client sends text parameters only; this action cannot be generated".into()),
        ("\"$ref\": \"#/components/schemas/Owner\"}", "\"$ref\": \"#/components/schemas/Nobody\"}",
         format!("api-docs.json: $.apis.ListWidgets.responses.200.schema.properties.Widgets.items.properties.Owner.$ref: reference `#/components/schemas/Nobody` names no schema of the document: read as free-form JSON{fallback}")),

        ("\"Counts\": {\"type\": \"object\", \"additionalProperties\"", "\"Counts\": {\"type\": \"object\", \"properties\": {}, \"additionalProperties\"",
         "api-docs.json: $.apis.ListWidgets.responses.200.schema.properties.Widgets.items.properties.Counts.additionalProperties: an object with both named fields and arbitrary keys\n  help: the spec has objects with fields or maps, not both; report this document".into()),
        ("\"responses\": {\"200\"", "\"responses\": {\"302\": {}, \"200\"",
         "api-docs.json: $.apis.ListWidgets.responses.302: a response schema for status `302`\n  help: the format gives the schema of one success answer (`200`) and of errors; report this document".into()),
        ("\"errorCodes\": {\"400\"", "\"errorCodes\": {\"4xx\"",
         "api-docs.json: $.apis.ListWidgets.errorCodes.4xx: `4xx` is not an HTTP status".into()),



        ("\"responseDemo\": \"[{", "\"responseDemo\": \"{[",
         "api-docs.json: $.apis.ListWidgets.responseDemo: the response demo is not valid JSON: key must be a string at line 1 column 2\n  help: the demo is a JSON-encoded array of {type, example, errorExample}".into()),
        ("{\"name\": \"Since\", \"in\": \"query\"", "{\"name\": \"Kind\", \"in\": \"query\", \"schema\": {\"type\": \"integer\"}}, {\"name\": \"Since\", \"in\": \"query\"",
         "api-docs.json: $.apis.ListWidgets.parameters[9]: parameter `Kind` is listed twice, with two types or places\n  help: report this document: one parameter has one type and one place".into()),
        ("{\"name\": \"Blob\", \"in\": \"formData\"", "{\"name\": \"Blob\", \"in\": \"body\"",
         "api-docs.json: $.apis.ListWidgets.parameters[8].in: parameters `in: body` are not supported\n  help: RPC-style actions take parameters in the query or the form body (`query`, `formData`)".into()),
        ("\"$ref\": \"#/components/schemas/Owner\"}", "\"$ref\": \"#/definitions/Owner\"}",
         format!("api-docs.json: $.apis.ListWidgets.responses.200.schema.properties.Widgets.items.properties.Owner.$ref: reference `#/definitions/Owner` does not point into `#/components/schemas/`{report}")),
        ("\"exclusiveMinimum\": true", "\"exclusiveMinimum\": \"yes\"",
         "api-docs.json: $.apis.ListWidgets.parameters[9].schema.exclusiveMinimum: expected a boolean, found a string".into()),
        ("\"maxItems\": 5,", "\"maxItems\": -5,",
         "api-docs.json: $.apis.ListWidgets.parameters[2].schema.maxItems: `maxItems` is -5, not a count: passed over\n  help: report this document; no bound is checked until it is fixed".into()),
        (r#"[{\"type\":\"json\","#, r#"[{\"type\":\"yaml\","#,
         "api-docs.json: $.apis.ListWidgets.responseDemo[0].type: a demo of type `yaml`\n  help: the format's demos are `json` or `xml`; report this document".into()),
        ("{\"errorCode\": \"Widget.Bad\", ", "{",
         "api-docs.json: $.apis.ListWidgets.errorCodes.400[0]: missing key `errorCode`\n  help: the format requires it here; report this document".into()),
        ("\"type\": \"object\", \"description\": \"Tags, free-form.\"", "\"description\": \"Tags, free-form.\"",
         format!("api-docs.json: $.apis.ListWidgets.parameters[5].schema: a schema without `type` or `$ref`: read as free-form JSON{fallback}")),
    ];
    assert!(cases.len() >= 15);
    for (from, to, expected) in cases {
        assert_eq!(error_with(from, to), expected, "replacing {from:?}");
    }
}

#[test]
fn a_document_of_another_product_is_refused_for_this_spec_directory() {
    let scratch = scratch(
        "product",
        &DOC.replacen("\"product\": \"oos\"", "\"product\": \"Ecs\"", 1),
    );
    let doc = scratch.root.join("docs/api-docs.json");
    let err = scratch
        .sources()
        .import_openapi(&doc, &[])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("the document describes Ecs 2019-06-01, but"),
        "{err}"
    );
    assert!(scratch
        .sources()
        .import_openapi(&doc, &["Nope".into()])
        .is_err());
}

/// What published documents do that the format does not mean, and how each is kept.
const QUIRKS: &str = r##"{
  "version": "1.0",
  "info": {"style": "RPC", "product": "oos", "version": "2019-06-01"},
  "components": {"schemas": {"Node": {"type": "object", "properties": {
    "Name": {"type": "string"},
    "Children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
    "Parent": {"$ref": "#/components/schemas/Node"}}}}},
  "apis": {
    "GetTree": {
      "methods": ["post"],
      "summary": "Reads a tree.",
      "parameters": [
        {"name": "RegionId", "in": "query", "schema": {"type": "string", "required": true}},
        {"name": "RegionId", "in": "query", "schema": {"type": "string", "required": false, "enum": ["cn-hangzhou"]}},
        {"name": "Depth", "in": "query", "schema": {"type": "string", "minimum": "1", "maximum": "9"}},
        {"name": "Ids", "in": "query", "style": "repeatList", "schema": {"type": "array", "format": "int64", "maxLength": 3, "items": {"type": "integer"}}},
        {"name": "Strict", "in": "query", "schema": {"type": "boolean", "enumValueTitles": {"true": "yes", "false": "no"}}}
      ],
      "responses": {"200": {"schema": {"type": "object", "properties": {
        "RequestId": {"type": "string"},
        "Root": {"$ref": "#/components/schemas/Node"}}}}},
      "responseDemo": "[{\"type\":\"json\",\"example\":\"{\\\"RequestId\\\":\\\"r\\\",\\\"Root\\\":{\\\"Name\\\":\\\"a\\\",\\\"Children\\\":[{\\\"Name\\\":\\\"b\\\",\\\"Parent\\\":{\\\"Name\\\":\\\"a\\\"}}]}}\",\"errorExample\":\"\"}]"
    }
  }
}"##;

#[test]
fn quirks_of_published_documents_are_kept_as_documentation() {
    let scratch = scratch("quirks", QUIRKS);
    let imported = import_all(&scratch);
    scratch.apply(&imported);
    let text = scratch.read("spec/x/GetTree.yaml");
    let service = scratch.service();
    let parsed = parse_action_types(Path::new("GetTree.yaml"), &text, &service)
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    let request = &parsed.action.request;
    // A parameter listed twice is one: required only if both say so, values from either.
    assert_eq!(request.iter().filter(|f| f.wire == "RegionId").count(), 1);
    assert!(!request[0].required);
    assert!(matches!(request[0].shape.ty, Type::Enum(_)));
    // Bounds on a string are documentation, not checks.
    assert!(!request[1].shape.constraints.is_checked());
    assert!(
        text.contains(
            "The metadata also gives minimum 1, maximum 9, which a String does not take."
        ),
        "{text}"
    );
    // A format on an array is its elements'; a length on it is documentation.
    assert!(
        matches!(&request[2].shape.ty, Type::List(e) if e.format.as_deref() == Some("int64") && e.ty == Type::Scalar(Scalar::Long))
    );
    assert!(text.contains("The metadata also gives maxLength 3, which a List does not take."));
    // A boolean's values are its own; their titles stay in its documentation.
    assert_eq!(request[3].shape.ty, Type::Scalar(Scalar::Boolean));
    assert!(text.contains("Documented values: `true`, `false`."));
    // A type that contains itself: a list of itself, and itself (boxed when generated).
    let node = &parsed.structs["Node"];
    assert!(
        matches!(&node.fields[1].shape.ty, Type::List(e) if e.ty == Type::Object("Node".into()))
    );
    assert_eq!(node.fields[2].shape.ty, Type::Object("Node".into()));
    assert_eq!(
        parsed.action.samples.len(),
        1,
        "its demo fits the recursive type"
    );
    assert_eq!(
        import_all(&scratch),
        imported,
        "and re-importing changes nothing"
    );
}

#[test]
fn the_committed_specs_page_and_carry_tokens_where_the_metadata_says() {
    let set = codegen::load_dir(&workspace().join("spec/oos")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(set.actions.len(), 97);
    let paged: Vec<&str> = set
        .actions
        .iter()
        .filter(|a| a.pagination.is_some())
        .map(|a| a.name.as_str())
        .collect();
    let sized = set
        .actions
        .iter()
        .filter(|a| a.pagination.as_ref().is_some_and(|p| p.page_size.is_some()))
        .count();
    assert_eq!(
        (paged.len(), sized),
        (28, 27),
        "27 take NextToken and MaxResults, one NextToken only"
    );
    assert!(paged.contains(&"ListTagResources"));
    let tokens = set
        .actions
        .iter()
        .filter(|a| a.idempotency_token.is_some())
        .count();
    assert_eq!(tokens, 24, "24 take a ClientToken, filled automatically");
    assert!(set
        .actions
        .iter()
        .all(|a| a.idempotent == codegen::names::reads_only(&a.name)));
}

#[test]
fn a_nested_object_named_like_a_prelude_type_is_renamed() {
    let doc = r##"{
  "version": "1.0",
  "info": {"style": "RPC", "product": "oos", "version": "2019-06-01"},
  "apis": {
    "GetWidget": {
      "methods": ["post"],
      "summary": "Gets a widget.",
      "parameters": [],
      "responses": {"200": {"schema": {"type": "object", "properties": {
        "RequestId": {"type": "string"},
        "Result": {"type": "object", "properties": {"Option": {"type": "object", "properties": {"On": {"type": "boolean"}}}}}}}}},
      "errorCodes": []
    }
  }
}"##;
    let scratch = scratch("prelude", doc);
    let imported = import_all(&scratch);
    scratch.apply(&imported);
    let service = scratch.service();
    let text = scratch.read("spec/x/GetWidget.yaml");
    let parsed = parse_action_types(Path::new("GetWidget.yaml"), &text, &service)
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    let mut structs: Vec<&str> = parsed.structs.keys().map(String::as_str).collect();
    structs.sort();
    assert_eq!(structs, ["GetWidgetOption", "GetWidgetResult"], "{text}");
}

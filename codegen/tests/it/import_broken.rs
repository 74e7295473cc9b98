//! Documents Alibaba publishes with parts missing or misnamed: each imports and generates,
//! every fallback is a warning naming its JSON path, and `--strict` makes it an error.

use std::path::Path;

use codegen::load::parse_action_types;
use codegen::model::{Scalar, Type};

use crate::import_openapi::{import_all, import_one, import_warned, scratch, strict_import_error};

/// One action whose answer refers to a schema the document lacks, lists an array without
/// `items` and a schema without `type`; its demo has a value in each.
const BROKEN: &str = r##"{
  "info": {"style": "RPC", "product": "oos", "version": "2019-06-01"},
  "components": {"schemas": {}},
  "apis": {
    "GetGadget": {
      "parameters": [
        {"name": "Spec", "in": "query", "style": "json", "schema": {"$ref": "#/components/schemas/GadgetSpec", "required": true, "description": "The gadget's spec."}}
      ],
      "responses": {"200": {"schema": {"type": "object", "properties": {
        "RequestId": {"type": "string"},
        "Gadget": {"$ref": "#/components/schemas/Gadget", "description": "The gadget."},
        "AclIds": {"type": "array", "description": "The IDs of the ACLs."},
        "Rules": {"type": "array", "items": {"ref": "#/components/schemas/Rule"}},
        "Count": {"type": "integer", "format": "int32"}}}}},
      "responseDemo": "[{\"type\":\"json\",\"example\":\"{\\\"RequestId\\\":\\\"r\\\",\\\"Gadget\\\":{\\\"Id\\\":\\\"g\\\",\\\"Size\\\":3},\\\"AclIds\\\":[\\\"a\\\",2],\\\"Rules\\\":[{\\\"Name\\\":\\\"n\\\"}],\\\"Count\\\":1}\",\"errorExample\":\"\"}]"
    }
  }
}"##;

#[test]
fn broken_schemas_become_free_form_json_with_located_warnings() {
    let scratch = scratch("broken-schemas", BROKEN);
    let (imported, mut warnings) = import_warned(&scratch);
    warnings.sort();
    let expected = [
        "$.apis.GetGadget.parameters[0].schema.$ref: reference `#/components/schemas/GadgetSpec` names no schema of the document: read as free-form JSON",
        "$.apis.GetGadget.responses.200.schema.properties.AclIds: an array without `items`: its elements are read as free-form JSON",
        "$.apis.GetGadget.responses.200.schema.properties.Gadget.$ref: reference `#/components/schemas/Gadget` names no schema of the document: read as free-form JSON",
        "$.apis.GetGadget.responses.200.schema.properties.Rules.items.ref: unknown key `ref`",
        "$.apis.GetGadget.responses.200.schema.properties.Rules.items: a schema without `type` or `$ref`: read as free-form JSON",
    ];
    assert_eq!(warnings.len(), expected.len(), "{warnings:#?}");
    for (warning, path) in warnings.iter().zip(expected) {
        assert!(warning.contains(path), "{warning}\nwants {path}");
    }

    scratch.apply(&imported);
    let text = scratch.read("spec/x/GetGadget.yaml");
    let service = scratch.service();
    // Loading checks the demo against the declared fields: it must fit them.
    let parsed = parse_action_types(Path::new("GetGadget.yaml"), &text, &service)
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    let action = &parsed.action;
    let field = |name: &str| action.response.iter().find(|f| f.wire == name).unwrap();
    assert_eq!(field("Gadget").shape.ty, Type::Json);
    assert_eq!(
        field("Gadget").shape.description.as_deref(),
        Some("The gadget.")
    );
    let Type::List(element) = &field("AclIds").shape.ty else {
        panic!("an array stays a list: {:?}", field("AclIds").shape.ty)
    };
    assert_eq!(element.ty, Type::Json);
    let Type::List(element) = &field("Rules").shape.ty else {
        panic!("a list")
    };
    assert_eq!(element.ty, Type::Json);
    assert_eq!(field("Count").shape.ty, Type::Scalar(Scalar::Integer));
    let spec = &action.request[0];
    assert_eq!((spec.wire.as_str(), &spec.shape.ty), ("Spec", &Type::Json));
    assert!(spec.required, "the referring schema's `required` holds");

    let strict = strict_import_error(&scratch);
    assert!(
        strict.contains("$.apis.GetGadget.parameters[0].schema.$ref: reference `#/components/schemas/GadgetSpec` names no schema"),
        "{strict}"
    );
    // Re-importing over the written specs changes nothing.
    let again = import_all(&scratch);
    assert_eq!(again, imported);
}

/// Two actions whose names are not the usual UpperCamelCase: a keyword and a camelCase one.
const ODD_NAMES: &str = r##"{
  "info": {"style": "RPC", "product": "oos", "version": "2019-06-01"},
  "apis": {
    "Pub": {
      "parameters": [{"name": "Topic", "in": "query", "schema": {"type": "string", "required": true}}],
      "responses": {"200": {"schema": {"type": "object", "properties": {"RequestId": {"type": "string"}, "Detail": {"type": "object", "properties": {"Id": {"type": "string"}}}}}}}
    },
    "createTicketWithBizData": {
      "parameters": [{"name": "BizData", "in": "query", "schema": {"type": "string"}}],
      "responses": {"200": {"schema": {"type": "object", "properties": {"RequestId": {"type": "string"}, "Detail": {"type": "object", "properties": {"Id": {"type": "integer", "format": "int32"}}}}}}}
    }
  }
}"##;

#[test]
fn actions_named_by_a_keyword_or_in_camel_case_keep_their_wire_names() {
    let scratch = scratch("odd-names", ODD_NAMES);
    let imported = import_all(&scratch);
    scratch.apply(&imported);
    let service = scratch.service();
    let load = |action: &str| {
        let text = scratch.read(&format!("spec/x/{action}.yaml"));
        parse_action_types(Path::new(&format!("{action}.yaml")), &text, &service)
            .unwrap_or_else(|e| panic!("{e}\n{text}"))
    };
    let keyword = load("Pub");
    assert_eq!(
        (
            keyword.action.name.as_str(),
            keyword.action.module.as_str(),
            keyword.action.rust_name.as_str()
        ),
        ("Pub", "pub_", "Pub")
    );
    let camel = load("createTicketWithBizData");
    assert_eq!(
        (
            camel.action.name.as_str(),
            camel.action.module.as_str(),
            camel.action.rust_name.as_str()
        ),
        (
            "createTicketWithBizData",
            "create_ticket_with_biz_data",
            "CreateTicketWithBizData"
        )
    );
    let set = codegen::load_dir(&scratch.root.join("spec/x")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(set.actions.len(), 2);
}

/// `Data` inside `Data` in one action (as das's DescribeSlowLogHistogramAsync), the outer one
/// clashing with another action's `Data`; and a list `Nodes` whose elements (`Node`) hold a
/// `Node` of another shape (as dataworks-public's ListNodes).
const NESTED_NAMES: &str = r##"{
  "info": {"style": "RPC", "product": "oos", "version": "2019-06-01"},
  "apis": {
    "AddThing": {
      "responses": {"200": {"schema": {"type": "object", "properties": {
        "Data": {"type": "object", "properties": {"ErrorCode": {"type": "string"}, "Uuid": {"type": "string"}}}}}}}
    },
    "DescribeThing": {
      "responses": {"200": {"schema": {"type": "object", "properties": {
        "Data": {"type": "object", "properties": {
          "State": {"type": "string"},
          "Data": {"type": "object", "properties": {"Total": {"type": "integer", "format": "int64"}}},
          "ErrorCode": {"type": "integer", "format": "int32"}}}}}}},
      "responseDemo": "[{\"type\":\"json\",\"example\":\"{\\\"Data\\\":{\\\"State\\\":\\\"s\\\",\\\"Data\\\":{\\\"Total\\\":3},\\\"ErrorCode\\\":1}}\",\"errorExample\":\"\"}]"
    },
    "GetNode": {
      "responses": {"200": {"schema": {"type": "object", "properties": {
        "Node": {"type": "object", "properties": {"Id": {"type": "string"}, "Tags": {"type": "array", "items": {"type": "object", "properties": {"Key": {"type": "string"}}}}}}}}}}
    },
    "ListNodes": {
      "responses": {"200": {"schema": {"type": "object", "properties": {
        "Nodes": {"type": "array", "items": {"type": "object", "properties": {
          "Id": {"type": "integer", "format": "int64"},
          "Outputs": {"type": "object", "properties": {"Node": {"type": "object", "properties": {"Name": {"type": "string"}}}}}}}}}}}}
    }
  }
}"##;

#[test]
fn one_name_declared_twice_in_an_action_is_told_apart_the_same_way_whatever_is_imported() {
    let whole = scratch("nested-names", NESTED_NAMES);
    let all = import_all(&whole);
    whole.apply(&all);
    let set = codegen::load_dir(&whole.root.join("spec/x")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(set.actions.len(), 4);
    let text = |action: &str| {
        all.iter()
            .find(|i| i.action == action)
            .map(|i| i.text.clone())
            .unwrap()
    };
    // The inner declaration takes the action's name; the outer one keeps the shared name,
    // its disagreeing field kept as JSON.
    let describe = text("DescribeThing");
    assert!(
        describe.contains("struct_name: DescribeThingData"),
        "{describe}"
    );
    assert!(describe.contains("free_form: true"), "{describe}");
    let list = text("ListNodes");
    assert!(list.contains("struct_name: ListNodesNode"), "{list}");

    for action in ["AddThing", "DescribeThing", "GetNode", "ListNodes"] {
        let one = scratch(&format!("nested-names-{action}"), NESTED_NAMES);
        let first = import_one(&one, action);
        assert_eq!(first[0].text, text(action), "{action} alone");
        one.apply(&first);
        let then_all = import_all(&one);
        assert_eq!(
            then_all.iter().map(|i| &i.text).collect::<Vec<_>>(),
            all.iter().map(|i| &i.text).collect::<Vec<_>>(),
            "{action}, then the whole document"
        );
    }
}

/// An action that answers with a bare JSON string (as schedulerx3's ExportJobs).
const STRING_ANSWER: &str = r##"{
  "info": {"style": "RPC", "product": "oos", "version": "2019-06-01"},
  "apis": {
    "ExportJobs": {
      "parameters": [{"name": "AppName", "in": "query", "schema": {"type": "string", "required": true}}],
      "responses": {"200": {"schema": {"type": "string", "format": "byte", "description": ""}}},
      "responseDemo": "[{\"type\":\"json\",\"example\":\"\\\"{\\\\n  \\\\\\\"kind\\\\\\\": \\\\\\\"Jobs\\\\\\\"\\\\n}\\\"\",\"errorExample\":\"\"}]"
    }
  }
}"##;

#[test]
fn an_answer_that_is_one_value_is_held_by_the_output() {
    let scratch = scratch("string-answer", STRING_ANSWER);
    let imported = import_all(&scratch);
    scratch.apply(&imported);
    let text = scratch.read("spec/x/ExportJobs.yaml");
    assert!(
        text.contains("response: []\nresponse_body: String\n"),
        "{text}"
    );
    let service = scratch.service();
    let parsed = parse_action_types(Path::new("ExportJobs.yaml"), &text, &service)
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert!(parsed.action.body);
    assert_eq!(parsed.action.response.len(), 1);
    assert_eq!(
        parsed.action.response[0].shape.ty,
        Type::Scalar(Scalar::String)
    );
    assert_eq!(
        parsed.action.samples.len(),
        1,
        "the demo is kept and checked"
    );
    // Re-importing changes nothing.
    assert_eq!(import_all(&scratch), imported);

    // The demo must fit the declared value, and the answer is one value or fields, not both.
    let wrong = text.replace("response_body: String", "response_body: Integer");
    let err = parse_action_types(Path::new("ExportJobs.yaml"), &wrong, &service)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("demo_response: the declared type is an Integer"),
        "{err}"
    );
    let both = text.replace(
        "response: []\n",
        "response:\n  - name: RequestId\n    type: String\n",
    );
    let err = parse_action_types(Path::new("ExportJobs.yaml"), &both, &service)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("response_body: `response_body` and `response` are both given"),
        "{err}"
    );
    let unknown = text.replace("response_body: String", "response_body: Blob");
    let err = parse_action_types(Path::new("ExportJobs.yaml"), &unknown, &service)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown answer type `Blob`"), "{err}");
}

/// One action with a request `Kind` and a response `Kind` of other values, both clashing with
/// another action's `Kind` (as ice's QuerySearchIndex `IndexType`); and a negative length
/// (as scsp's `minLength: -1`).
const SAME_ENUM_TWICE: &str = r##"{
  "info": {"style": "RPC", "product": "oos", "version": "2019-06-01"},
  "apis": {
    "CreateIndex": {
      "parameters": [{"name": "Kind", "in": "query", "schema": {"type": "string", "enum": ["a", "b", "c", "d"]}}]
    },
    "QueryIndex": {
      "parameters": [
        {"name": "Kind", "in": "query", "schema": {"type": "string", "enum": ["a"]}},
        {"name": "Name", "in": "query", "schema": {"type": "string", "minLength": -1, "maxLength": 64}}
      ],
      "responses": {"200": {"schema": {"type": "object", "properties": {
        "Kind": {"type": "string", "enum": ["a", "b", "c"]}}}}}
    }
  }
}"##;

#[test]
fn two_fields_of_one_action_renamed_for_one_clash_get_two_names() {
    let scratch = scratch("same-enum-twice", SAME_ENUM_TWICE);
    let (imported, warnings) = import_warned(&scratch);
    scratch.apply(&imported);
    let text = scratch.read("spec/x/QueryIndex.yaml");
    // The first renamed takes `<Action><Name>`, the other one its side's name.
    assert!(
        text.contains("    values: [a]\n    enum_name: QueryIndexRequestKind\n"),
        "{text}"
    );
    assert!(
        text.contains("    values: [a, b, c]\n    enum_name: QueryIndexKind\n"),
        "{text}"
    );
    codegen::load_dir(&scratch.root.join("spec/x")).unwrap_or_else(|e| panic!("{e}"));
    for action in ["CreateIndex", "QueryIndex"] {
        let first = import_one(&scratch_for(action), action);
        let whole = imported.iter().find(|i| i.action == action).unwrap();
        assert_eq!(first[0].text, whole.text, "{action} alone");
    }

    // The negative length bounds nothing: passed over with a warning, an error when strict.
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].contains(
            "$.apis.QueryIndex.parameters[1].schema.minLength: `minLength` is -1, not a count: passed over"
        ),
        "{warnings:?}"
    );
    assert!(text.contains("max_length: 64"), "{text}");
    assert!(!text.contains("min_length"), "{text}");
    let strict = strict_import_error(&scratch);
    assert!(
        strict.contains("`minLength` is -1, not a count"),
        "{strict}"
    );
}

fn scratch_for(action: &str) -> crate::support::Scratch {
    scratch(&format!("same-enum-twice-{action}"), SAME_ENUM_TWICE)
}

/// An example that ends with U+2028 (LINE SEPARATOR) and a demo that holds two, as ccc's
/// ExportCustomCallTagging: JSON leaves them raw, YAML reads them as line breaks.
const LINE_SEPARATOR: &str = "{
  \"info\": {\"style\": \"RPC\", \"product\": \"oos\", \"version\": \"2019-06-01\"},
  \"apis\": {
    \"ExportTagging\": {
      \"responses\": {\"200\": {\"schema\": {\"type\": \"object\", \"properties\": {
        \"RequestId\": {\"type\": \"string\", \"example\": \"BA03159C-E808\u{2028}\"},
        \"Data\": {\"type\": \"string\"}}}}},
      \"responseDemo\": \"[{\\\"type\\\":\\\"json\\\",\\\"example\\\":\\\"{\\\\n  \\\\\\\"Data\\\\\\\": \\\\\\\"http://x/tagging.xlsx\u{2028}?Expires=1\u{2028}\\\\\\\"\\\\n}\\\",\\\"errorExample\\\":\\\"\\\"}]\"
    }
  }
}";

#[test]
fn text_with_a_line_separator_is_written_so_that_it_reads_back() {
    let scratch = scratch("line-separator", LINE_SEPARATOR);
    let imported = import_all(&scratch);
    scratch.apply(&imported);
    let text = scratch.read("spec/x/ExportTagging.yaml");
    let spec: codegen::spec::ActionSpec =
        yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(
        spec.response[0].example.as_deref(),
        Some("BA03159C-E808\u{2028}")
    );
    assert_eq!(
        spec.demo_response.as_deref(),
        Some("{\n  \"Data\": \"http://x/tagging.xlsx\u{2028}?Expires=1\u{2028}\"\n}")
    );
    let service = scratch.service();
    parse_action_types(Path::new("ExportTagging.yaml"), &text, &service)
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(
        import_all(&scratch),
        imported,
        "a re-import changes nothing"
    );
}

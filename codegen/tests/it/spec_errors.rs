//! Every way a spec can be wrong gives one error naming the file, the line (or the field
//! path), what is wrong and what to do.

use std::path::Path;

use codegen::load::{parse_action, parse_service};
use codegen::model::Service;

const SERVICE: &str = "product: Oos\napi_version: \"2019-06-01\"\nendpoint: oos.{region}.aliyuncs.com\nvpc_endpoint: oos-vpc.{region}.aliyuncs.com\nerrors:\n  - code: Throttling\n    http_status: 400\n    message: Throttled.\n    retryable: true\n";

fn service() -> Service {
    parse_service(Path::new("spec/oos/service.yaml"), SERVICE).expect("the test service is valid")
}

const GOOD: &str = "\
action: Bad
summary: A test action.
idempotent: true
request:
  - name: ExecutionId
    type: String
    required: true
  - name: NextToken
    type: String
  - name: MaxResults
    type: Integer
response:
  - name: RequestId
    type: String
  - name: Items
    type: List
    items: Object
    fields:
      - name: Message
        type: String
  - name: NextToken
    type: String
pagination:
  input_token: NextToken
  page_size: MaxResults
  output_token: NextToken
  items: Items
sample_response: |
  {
    \"RequestId\": \"r\",
    \"Items\": [{\"Message\": \"m\"}]
  }
";

/// The error for `GOOD` with `from` replaced by `to`.
fn error_with(from: &str, to: &str) -> String {
    assert!(
        GOOD.contains(from),
        "test bug: {from:?} not in the base spec"
    );
    error_of(&GOOD.replacen(from, to, 1))
}

fn error_of(text: &str) -> String {
    match parse_action(Path::new("spec/oos/Bad.yaml"), text, &service()) {
        Ok(_) => panic!("the spec was accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_base_spec_is_valid() {
    let action = parse_action(Path::new("spec/oos/Bad.yaml"), GOOD, &service()).unwrap();
    assert_eq!(action.module, "bad");
    assert!(action.pagination.is_some());
}

#[test]
fn unknown_key() {
    assert_eq!(
        error_with("    required: true\n", "    requird: true\n"),
        "spec/oos/Bad.yaml:7: request[0]: unknown field `requird`, expected one of `name`, `type`, `items`, `fields`, `required`, `doc_required`, `style`, `in`, `example`, `description`, `title`, `format`, `default`, `deprecated`, `minimum`, `maximum`, `exclusive_minimum`, `exclusive_maximum`, `min_items`, `max_items`, `min_length`, `max_length`, `pattern`, `doc_type`, `undocumented`, `rust_name`, `struct_name`, `doc`, `values`, `extra_values`, `value_titles`, `enum_name`, `free_form`, `doc_title`, `secret`\n  help: remove the key or fix its spelling; spec/README.md lists every key"
    );
}

#[test]
fn unknown_type() {
    assert_eq!(
        error_with("      - name: Message\n        type: String", "      - name: Message\n        type: Strnig"),
        "spec/oos/Bad.yaml:19: response.Items.Message: unknown type `Strnig`\n  help: use one of String, Integer, Long, Boolean, Float, JSON, List, Object, Map"
    );
}

#[test]
fn unknown_element_type() {
    assert_eq!(
        error_with("    items: Object", "    items: Objct"),
        "spec/oos/Bad.yaml:15: response.Items: unknown element type `Objct`\n  help: use one of String, Integer, Long, Boolean, Float, JSON, List, Object, Map"
    );
}

#[test]
fn duplicate_field() {
    assert_eq!(
        error_with("  - name: NextToken\n    type: String\n  - name: MaxResults", "  - name: ExecutionId\n    type: String\n  - name: MaxResults"),
        "spec/oos/Bad.yaml:5: request.ExecutionId: field `ExecutionId` is declared twice\n  help: keep one entry per field"
    );
}

#[test]
fn pagination_names_a_missing_field() {
    assert_eq!(
        error_with("  items: Items", "  items: Entries"),
        "spec/oos/Bad.yaml:23: pagination.items: `items` names `Entries`, which is not a response field\n  help: name a top-level field under `response`, or declare `Entries` there"
    );
}

#[test]
fn pagination_names_a_field_of_the_wrong_type() {
    assert_eq!(
        error_with("  page_size: MaxResults", "  page_size: NextToken"),
        "spec/oos/Bad.yaml:23: pagination.page_size: `page_size` names `NextToken`, which is not an Integer or Long\n  help: point `page_size` at a field that is an Integer or Long"
    );
}

#[test]
fn sample_value_of_the_wrong_type() {
    assert_eq!(
        error_with("[{\"Message\": \"m\"}]", "[{\"Message\": 3}]"),
        "spec/oos/Bad.yaml:31: sample_response.Items[0].Message: the declared type is a String, but the sample has the number 3\n  help: fix the field's `type` (or `items`) so it matches the sample"
    );
}

#[test]
fn sample_key_not_declared() {
    assert_eq!(
        error_with("\"RequestId\": \"r\",", "\"RequestId\": \"r\",\n    \"TotalCount\": 3,"),
        "spec/oos/Bad.yaml:31: sample_response.TotalCount: the sample has key `TotalCount`, which is not declared\n  help: declare `TotalCount` in the response (with `undocumented: true` if the page's tables omit it)"
    );
}

#[test]
fn sample_integer_in_a_float_field_is_the_same_number() {
    let text = GOOD.replacen(
        "  - name: RequestId\n    type: String",
        "  - name: RequestId\n    type: String\n  - name: Ratio\n    type: Float",
        1,
    );
    let text = text.replacen(
        "\"RequestId\": \"r\",",
        "\"RequestId\": \"r\",\n    \"Ratio\": 1,",
        1,
    );
    parse_action(Path::new("spec/oos/Bad.yaml"), &text, &service()).unwrap();
    let text = text.replacen("\"Ratio\": 1,", "\"Ratio\": \"1\",", 1);
    assert_eq!(
        error_of(&text),
        "spec/oos/Bad.yaml:33: sample_response.Ratio: the declared type is a Float (a number), but the sample has the string \"1\"\n  help: fix the field's `type` (or `items`) so it matches the sample"
    );
}

#[test]
fn sample_not_json() {
    assert_eq!(
        error_with("\"Items\": [{", "\"Items\" [{"),
        "spec/oos/Bad.yaml:31: sample_response: the sample response is not valid JSON: expected `:` at line 3 column 11\n  help: paste the page's sample response JSON verbatim"
    );
}

#[test]
fn keyword_field_name() {
    assert_eq!(
        error_with("      - name: Message", "      - name: Type"),
        "spec/oos/Bad.yaml:19: response.Items.Type: field `Type` would be the Rust keyword `type`\n  help: add `rust_name: type_` (or another name) to this field"
    );
}

#[test]
fn names_that_rust_keeps_for_itself() {
    let typed = GOOD.replacen("action: Bad", "action: Type", 1);
    // An action named by a keyword gets the keyword's escape as its module.
    let action = parse_action(Path::new("spec/oos/Type.yaml"), &typed, &service()).unwrap();
    assert_eq!(
        (action.name.as_str(), action.module.as_str()),
        ("Type", "type_")
    );
    let selfish = GOOD.replacen("action: Bad", "action: Self", 1);
    assert_eq!(
        parse_action(Path::new("spec/oos/Self.yaml"), &selfish, &service())
            .unwrap_err()
            .to_string(),
        "spec/oos/Self.yaml:1: action: action name `Self` cannot name the action's Rust types\n  help: use the action's wire name, e.g. `ListExecutionLogs`"
    );
    assert_eq!(
        error_with("    items: Object\n", "    items: Object\n    struct_name: Self\n"),
        "spec/oos/Bad.yaml:15: response.Items: struct name `Self` is not an UpperCamelCase identifier\n  help: set `struct_name` to an UpperCamelCase name"
    );
    assert_eq!(
        error_of(&format!("{GOOD}errors:\n  - code: Self\n    http_status: 400\n    message: m.\n")),
        "spec/oos/Bad.yaml:34: errors.Self: error code `Self` cannot name an enum variant\n  help: an error code starts with a letter, e.g. `EntityNotExists.Execution`"
    );
    // A value that would be the variant `Self` is checked on a String instead.
    let text = GOOD.replacen(
        "  - name: NextToken\n    type: String\n",
        "  - name: NextToken\n    type: String\n    values: [self, other]\n",
        1,
    );
    let action = parse_action(Path::new("spec/oos/Bad.yaml"), &text, &service()).unwrap();
    assert_eq!(
        action.request[1].shape.ty,
        codegen::model::Type::Scalar(codegen::model::Scalar::String)
    );
}

#[test]
fn rust_name_that_is_not_an_identifier() {
    assert_eq!(
        error_with("    type: String\n    required: true", "    type: String\n    rust_name: Execution-Id\n    required: true"),
        "spec/oos/Bad.yaml:5: request.ExecutionId: rust_name `Execution-Id` is not a usable snake_case Rust identifier\n  help: use lowercase letters, digits and `_`, not a keyword (e.g. `kind` or `type_`)"
    );
}

#[test]
fn setter_that_clashes_with_the_builder() {
    assert_eq!(
        error_with("  - name: NextToken\n    type: String\n  - name: MaxResults", "  - name: Send\n    type: String\n  - name: NextToken\n    type: String\n  - name: MaxResults"),
        "spec/oos/Bad.yaml:8: request.Send: parameter `Send` would give setter `send`, which the request builder already has\n  help: add `rust_name: send_value` (or another name) to this parameter"
    );
}

#[test]
fn list_without_items() {
    assert_eq!(
        error_with("    items: Object\n", ""),
        "spec/oos/Bad.yaml:15: response.Items: a List needs `items`: the type of its elements\n  help: add `items: Object` (with `fields`) or `items: String` (or another scalar)"
    );
}

#[test]
fn object_without_fields() {
    assert_eq!(
        error_with("    fields:\n      - name: Message\n        type: String\n", ""),
        "spec/oos/Bad.yaml:15: response.Items: an Object needs `fields`\n  help: list the object's fields under `fields`, name the struct it refers to with `struct_name`, or make it `type: JSON` (any value)"
    );
}

#[test]
fn nested_type_name_collision() {
    assert_eq!(
        error_with("    items: Object\n", "    items: Object\n    struct_name: BadOutput\n"),
        "spec/oos/Bad.yaml:15: response.Items: the nested type of `Items` would be named `BadOutput`, which the generated code already uses\n  help: give this field a distinct `struct_name` (or `enum_name`)"
    );
    // A prelude name would shadow what generated code names unqualified.
    assert_eq!(
        error_with("    items: Object\n", "    items: Object\n    struct_name: Result\n"),
        "spec/oos/Bad.yaml:15: response.Items: the nested type of `Items` would be named `Result`, which the generated code already uses\n  help: give this field a distinct `struct_name` (or `enum_name`)"
    );
}

#[test]
fn required_on_a_response_field() {
    assert_eq!(
        error_with("  - name: RequestId\n    type: String", "  - name: RequestId\n    type: String\n    required: true"),
        "spec/oos/Bad.yaml:13: response.RequestId: `required` applies to request parameters only\n  help: remove `required` from this response field"
    );
}

#[test]
fn style_on_a_scalar() {
    assert_eq!(
        error_with("  - name: MaxResults\n    type: Integer", "  - name: MaxResults\n    type: Integer\n    style: repeatList"),
        "spec/oos/Bad.yaml:10: request.MaxResults: style `repeatList` applies to a List, Map, Object or JSON value, not to `Integer`\n  help: remove `style` (a scalar is sent as it is), or fix the type"
    );
}

#[test]
fn a_parameter_in_a_header() {
    assert_eq!(
        error_with("  - name: MaxResults\n    type: Integer", "  - name: MaxResults\n    type: Integer\n    in: header"),
        "spec/oos/Bad.yaml:10: request.MaxResults: `in: header` is not supported\n  help: use `query` (the default) or `formData`: RPC-style actions send nothing in headers or the path"
    );
}

#[test]
fn bounds_that_cross() {
    assert_eq!(
        error_with("  - name: MaxResults\n    type: Integer", "  - name: MaxResults\n    type: Integer\n    minimum: 10\n    maximum: 1"),
        "spec/oos/Bad.yaml:10: request.MaxResults: `minimum` 10 is greater than `maximum` 1\n  help: swap or fix the bounds"
    );
}

#[test]
fn a_constraint_of_another_type() {
    assert_eq!(
        error_with("  - name: MaxResults\n    type: Integer", "  - name: MaxResults\n    type: Integer\n    max_length: 3"),
        "spec/oos/Bad.yaml:10: request.MaxResults: `max_length` applies to Strings, not to `Integer`\n  help: remove `max_length`, or fix the type"
    );
}

#[test]
fn a_fractional_bound_on_an_integer() {
    assert_eq!(
        error_with("  - name: MaxResults\n    type: Integer", "  - name: MaxResults\n    type: Integer\n    maximum: 2.5"),
        "spec/oos/Bad.yaml:10: request.MaxResults: `maximum` is 2.5, which an integer field cannot reach exactly\n  help: write a whole number"
    );
}

#[test]
fn a_bound_that_is_not_a_finite_number() {
    assert_eq!(
        error_with("  - name: MaxResults\n    type: Integer", "  - name: MaxResults\n    type: Integer\n    minimum: .nan"),
        "spec/oos/Bad.yaml:10: request.MaxResults: `minimum` is NaN, not a finite number\n  help: write a number, or remove the bound"
    );
    assert_eq!(
        error_with("  - name: MaxResults\n    type: Integer", "  - name: MaxResults\n    type: Float\n    maximum: .inf"),
        "spec/oos/Bad.yaml:10: request.MaxResults: `maximum` is inf, not a finite number\n  help: write a number, or remove the bound"
    );
}

#[test]
fn an_element_entry_with_a_name() {
    assert_eq!(
        error_with("    items: Object\n", "    items:\n      name: Item\n      type: Object\n"),
        "spec/oos/Bad.yaml:15: response.Items: with an element entry under `items`, `fields`, `values`, `struct_name` and `enum_name` go into that entry\n  help: move them under `items`"
    );
}

#[test]
fn an_element_entry_is_checked_as_a_field_is() {
    assert_eq!(
        error_with("    items: Object\n    fields:\n      - name: Message\n        type: String\n", "    items:\n      type: String\n      items: Integer\n"),
        "spec/oos/Bad.yaml:15: response.Items: `items` applies to List and Map, not to `String`\n  help: remove `items`, or make the field a List or Map"
    );
    let text = GOOD.replacen(
        "    items: Object\n    fields:\n      - name: Message\n        type: String\n",
        "    items:\n      type: String\n      free_form: true\n",
        1,
    );
    let action = parse_action(Path::new("spec/oos/Bad.yaml"), &text, &service()).unwrap();
    let codegen::model::Type::List(element) = &action.response[1].shape.ty else {
        panic!("a List")
    };
    assert_eq!(element.ty, codegen::model::Type::Json);
}

#[test]
fn a_nested_container_in_the_short_form() {
    assert_eq!(
        error_with("    items: Object\n", "    items: List\n"),
        "spec/oos/Bad.yaml:15: response.Items: unknown element type `List`\n  help: a nested container needs an element entry: `items: {type: List, items: String}`"
    );
}

#[test]
fn error_code_listed_twice() {
    let text = format!("{GOOD}errors:\n  - code: Gone\n    http_status: 404\n    message: Gone.\n  - code: Gone\n    http_status: 404\n    message: Gone.\n");
    assert_eq!(
        error_of(&text),
        "spec/oos/Bad.yaml:34: errors.Gone: error code `Gone` is listed twice\n  help: keep one entry per code"
    );
}

#[test]
fn also_http_status_lists_other_error_statuses_once() {
    let with = |statuses: &str| {
        format!("{GOOD}errors:\n  - code: Gone\n    http_status: 404\n    also_http_status: [{statuses}]\n    message: Gone.\n")
    };
    let action = parse_action(
        Path::new("spec/oos/Bad.yaml"),
        &with("400, 403"),
        &service(),
    )
    .unwrap();
    assert_eq!(
        action.errors[0].description.as_deref(),
        Some("Also answered with HTTP 400, HTTP 403.")
    );
    for (statuses, status) in [("404", 404), ("200", 200), ("400, 400", 400)] {
        assert_eq!(
            error_of(&with(statuses)),
            format!("spec/oos/Bad.yaml:34: errors.Gone: error code `Gone` lists HTTP {status} in `also_http_status`\n  help: list error statuses (400 to 599) other than `http_status`, each once"),
            "{statuses}"
        );
    }
}

#[test]
fn error_code_already_common() {
    let text = format!(
        "{GOOD}errors:\n  - code: Throttling\n    http_status: 400\n    message: Throttled.\n"
    );
    assert_eq!(
        error_of(&text),
        "spec/oos/Bad.yaml:34: errors.Throttling: error code `Throttling` is already common to every action\n  help: remove it here: spec/oos/service.yaml declares it for all actions"
    );
}

#[test]
fn file_named_after_another_action() {
    assert_eq!(
        error_with("action: Bad", "action: Good"),
        "spec/oos/Bad.yaml:1: action: the file holds action `Good` but is not named `Good.yaml`\n  help: name each action file after its action"
    );
}

#[test]
fn missing_key() {
    assert_eq!(
        error_with("summary: A test action.\n", ""),
        "spec/oos/Bad.yaml:1: missing field `summary`\n  help: add the key; spec/README.md says what it holds"
    );
}

#[test]
fn yaml_syntax() {
    assert_eq!(
        error_with("    type: String\n    required: true", "    type: String\n   required: true"),
        "spec/oos/Bad.yaml:7: did not find expected '-' indicator\n  help: fix the YAML at that line; spec/README.md documents the format"
    );
}

#[test]
fn two_codes_of_one_variant() {
    let text = format!("{GOOD}errors:\n  - code: Gone.Away\n    http_status: 404\n    message: Gone.\n  - code: Gone_Away\n    http_status: 404\n    message: Gone.\n");
    assert_eq!(
        error_of(&text),
        "spec/oos/Bad.yaml:37: errors.Gone_Away: error code `Gone_Away` gives variant `GoneAway`, which another code already gives\n  help: two codes that differ only in punctuation cannot both be variants; report this spec"
    );
    // The same holds of the codes every action shares.
    let text =
        format!("{SERVICE}  - code: Throttling.\n    http_status: 400\n    message: Throttled.\n");
    let e = parse_service(Path::new("spec/oos/service.yaml"), &text)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "spec/oos/service.yaml:10: errors.Throttling.: error code `Throttling.` gives variant `Throttling`, which another code already gives\n  help: two codes that differ only in punctuation cannot both be variants; report this spec"
    );
}

#[test]
fn unknown_key_in_the_service_file() {
    let text = SERVICE.replacen("product:", "prodcut:", 1);
    let e = parse_service(Path::new("spec/oos/service.yaml"), &text)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "spec/oos/service.yaml:1: unknown field `prodcut`, expected one of `product`, `api_version`, `endpoint`, `vpc_endpoint`, `endpoints`, `sources`, `groups`, `errors`\n  help: remove the key or fix its spelling; spec/README.md lists every key"
    );
}

#[test]
fn values_of_an_integer_are_integers() {
    assert_eq!(
        error_with("  - name: MaxResults\n    type: Integer", "  - name: MaxResults\n    type: Integer\n    values: [One, Two]"),
        "spec/oos/Bad.yaml:10: request.MaxResults: value `One` of an integer field is not an integer\n  help: list integers only, or make the field a String"
    );
}

#[test]
fn values_that_cannot_all_be_variants_are_checked_on_a_string() {
    let text = GOOD.replacen(
        "  - name: NextToken\n    type: String\n",
        "  - name: NextToken\n    type: String\n    values: [fast_mode, FastMode, \"1\"]\n",
        1,
    );
    let action = parse_action(Path::new("spec/oos/Bad.yaml"), &text, &service()).unwrap();
    let token = &action.request[1];
    assert_eq!(
        token.shape.ty,
        codegen::model::Type::Scalar(codegen::model::Scalar::String)
    );
    assert_eq!(
        token.shape.constraints.allowed.as_ref().map(Vec::len),
        Some(3)
    );
    assert_eq!(
        error_with("  - name: NextToken\n    type: String\n", "  - name: NextToken\n    type: String\n    values: [A, A]\n"),
        "spec/oos/Bad.yaml:8: request.NextToken: value `A` is listed twice\n  help: remove the duplicate value"
    );
}

#[test]
fn one_enum_name_with_two_value_lists() {
    let text = GOOD
        .replacen("  - name: NextToken\n    type: String\n", "  - name: NextToken\n    type: String\n    values: [A, B]\n    enum_name: Kind\n", 1)
        .replacen("      - name: Message\n        type: String\n", "      - name: Message\n        type: String\n        values: [A, C]\n        enum_name: Kind\n", 1);
    assert_eq!(
        error_of(&text),
        "spec/oos/Bad.yaml:21: response.Items.Message: enum `Kind` is already defined with other values\n  help: give this field a distinct `enum_name`"
    );
}

/// Loads a scratch spec directory holding the given action files.
fn load_set(name: &str, files: &[(&str, &str)]) -> Result<codegen::SpecSet, String> {
    let scratch = crate::support::Scratch::new(name);
    scratch.write("spec/oos/service.yaml", SERVICE);
    for (file, text) in files {
        scratch.write(&format!("spec/oos/{file}"), text);
    }
    codegen::load_dir(&scratch.root.join("spec/oos")).map_err(|e| {
        e.to_string()
            .replace(&format!("{}/", scratch.root.display()), "")
    })
}

const A: &str = "action: A\nsummary: a.\nidempotent: true\nresponse:\n  - name: Thing\n    type: Object\n    fields:\n      - name: Id\n        type: String\n      - name: Size\n        type: Integer\n";

#[test]
fn same_named_shapes_across_specs_are_one_type() {
    let b = "action: B\nsummary: b.\nidempotent: true\nresponse:\n  - name: Thing\n    type: Object\n    fields:\n      - name: Size\n        type: Long\n      - name: Extra\n        type: JSON\n";
    let set = load_set("shared", &[("A.yaml", A), ("B.yaml", b)]).unwrap();
    let thing = &set.structs["Thing"];
    assert_eq!(thing.users.len(), 2);
    assert!(set.is_shared("Thing"));
    let names: Vec<&str> = thing.fields.iter().map(|f| f.wire.as_str()).collect();
    assert_eq!(
        names,
        ["Id", "Size", "Extra"],
        "the union of both declarations"
    );
    assert_eq!(
        thing.fields[1].shape.ty,
        codegen::model::Type::Scalar(codegen::model::Scalar::Long),
        "an Integer and a Long agree as a Long"
    );
}

#[test]
fn same_named_shapes_that_disagree() {
    let b = "action: B\nsummary: b.\nidempotent: true\nresponse:\n  - name: Thing\n    type: Object\n    fields:\n      - name: Size\n        type: String\n";
    assert_eq!(
        load_set("disagree", &[("A.yaml", A), ("B.yaml", b)]).unwrap_err(),
        "error: spec/oos/B.yaml:5: response.Thing: struct `Thing` is also declared at spec/oos/A.yaml:5 (response.Thing), where its field `Size` has type Integer, not String\n  help: make the declarations agree, or give one a distinct `struct_name` (or `free_form: true` on the field, which agrees with any type)"
    );
    let b = b.replacen(
        "type: String\n",
        "type: String\n        free_form: true\n",
        1,
    );
    let set = load_set("free", &[("A.yaml", A), ("B.yaml", &b)]).unwrap();
    assert_eq!(
        set.structs["Thing"].fields[1].shape.ty,
        codegen::model::Type::Json
    );
}

#[test]
fn same_named_enums_that_disagree() {
    let a = "action: A\nsummary: a.\nidempotent: true\nrequest:\n  - name: Mode\n    type: String\n    values: [Fast, Slow]\n";
    let b = "action: B\nsummary: b.\nidempotent: true\nrequest:\n  - name: Mode\n    type: String\n    values: [Fast]\n";
    assert_eq!(
        load_set("enums", &[("A.yaml", a), ("B.yaml", b)]).unwrap_err(),
        "error: spec/oos/B.yaml:5: request.Mode: enum `Mode` is also declared at spec/oos/A.yaml:5 (request.Mode) with other values\n  help: give one of them a distinct `enum_name`"
    );
}

#[test]
fn extra_values_join_the_documented_ones() {
    let text = GOOD.replacen(
        "    type: String\n    required: true\n",
        "    type: String\n    required: true\n    values: [A]\n    extra_values: [B, A]\n",
        1,
    );
    let parsed =
        codegen::load::parse_action_types(Path::new("spec/oos/Bad.yaml"), &text, &service())
            .unwrap();
    let codegen::model::Type::Enum(name) = &parsed.action.request[0].shape.ty else {
        panic!("an enum")
    };
    let values: Vec<&str> = parsed.enums[name]
        .values
        .iter()
        .map(|(_, w)| w.as_str())
        .collect();
    assert_eq!(values, ["A", "B"]);
    assert_eq!(
        error_with("  - name: NextToken\n    type: String\n", "  - name: NextToken\n    type: String\n    extra_values: [B]\n"),
        "spec/oos/Bad.yaml:8: request.NextToken: `extra_values` adds to `values`, which this field does not have\n  help: remove `extra_values`: without documented values any value is taken"
    );
}

/// `GOOD` with a `Status` enum on its items and a waiter over it.
fn waiting() -> String {
    GOOD.replacen(
        "      - name: Message\n        type: String\n",
        "      - name: Message\n        type: String\n      - name: Status\n        type: String\n        values: [Running, Done, Broken]\n      - name: Ready\n        type: Boolean\n",
        1,
    )
    .replacen(
        "sample_response: |",
        "waiters:\n  - name: ItemDone\n    description: Waits for the first item.\n    path: Items[0].Status\n    success: [Done]\n    failure: [Broken]\n    retry: [Running]\n    retry_errors: [EntityNotExists.Thing]\n    min_delay: 1\n    max_delay: 5\n    max_wait: 60\nsample_response: |",
        1,
    )
}

/// The error for `waiting()` with `from` replaced by `to`.
fn waiter_error(from: &str, to: &str) -> String {
    let base = waiting();
    assert!(
        base.contains(from),
        "test bug: {from:?} not in the base spec"
    );
    error_of(&base.replacen(from, to, 1))
}

#[test]
fn a_waiter_declaration_is_checked_and_kept() {
    let action = parse_action(Path::new("spec/oos/Bad.yaml"), &waiting(), &service()).unwrap();
    let waiter = &action.waiters[0];
    assert_eq!(waiter.name, "ItemDone");
    assert_eq!(
        waiter.steps,
        [
            codegen::model::PathStep::Field("items".into()),
            codegen::model::PathStep::Index(0),
            codegen::model::PathStep::Field("status".into()),
        ]
    );
    assert_eq!(waiter.value, codegen::model::WaitedValue::Enum);
    assert_eq!(waiter.line, Some(34));
    // What identifies the waited-on item: the action's required parameters and `requires`.
    assert_eq!(waiter.requires, ["ExecutionId"]);
    let more = waiting().replacen(
        "    max_wait: 60\n",
        "    max_wait: 60\n    requires: [NextToken]\n",
        1,
    );
    let action = parse_action(Path::new("spec/oos/Bad.yaml"), &more, &service()).unwrap();
    assert_eq!(action.waiters[0].requires, ["ExecutionId", "NextToken"]);
    let boolean = waiting().replacen("Items[0].Status", "Items[2].Ready", 1);
    let boolean = boolean
        .replacen("success: [Done]", "success: [\"true\"]", 1)
        .replacen(
            "    failure: [Broken]\n    retry: [Running]\n",
            "    retry: [\"*\"]\n",
            1,
        );
    let action = parse_action(Path::new("spec/oos/Bad.yaml"), &boolean, &service()).unwrap();
    assert_eq!(
        action.waiters[0].value,
        codegen::model::WaitedValue::Boolean
    );
}

#[test]
fn bad_waiter_declarations() {
    let path = "    path: Items[0].Status\n";
    let cases = [
        ("name: ItemDone", "name: item_done", "spec/oos/Bad.yaml:34: waiters.item_done.name: waiter name `item_done` is not an UpperCamelCase identifier\n  help: name what is waited for, e.g. `ExecutionFinished`: it gives `wait_until_execution_finished`"),
        (path, "    path: Items[0].Stat\n", "spec/oos/Bad.yaml:36: waiters.ItemDone.path: `Stat` is not a field of `Items`\n  help: use one of: Message, Status, Ready"),
        (path, "    path: Items.Status\n", "spec/oos/Bad.yaml:36: waiters.ItemDone.path: `Items` is a List: `Status` must follow one of its elements\n  help: write Items[0].Status to read its first element"),
        (path, "    path: Items\n", "spec/oos/Bad.yaml:36: waiters.ItemDone.path: `path` ends at `Items`, a List\n  help: pick one element with `[n]` and one of its fields, e.g. `Executions[0].Status`"),
        (path, "    path: Items[x].Status\n", "spec/oos/Bad.yaml:36: waiters.ItemDone.path: `Items[x]` in `path` is not a field name with optional `[n]` indexes\n  help: write wire names joined by `.`, with `[n]` for the n-th element of a List, e.g. `Executions[0].Status`"),
        (path, "    path: NextToken[0]\n", "spec/oos/Bad.yaml:36: waiters.ItemDone.path: `NextToken` is not a List, so `[0]` cannot index it\n  help: remove the index"),
        (path, "    path: Items[0].Status.Code\n", "spec/oos/Bad.yaml:36: waiters.ItemDone.path: `Status` is a scalar, which has no field `Code`\n  help: end `path` there, or point it at an object"),
        ("    success: [Done]\n", "    success: [Dnoe]\n", "spec/oos/Bad.yaml:37: waiters.ItemDone.success: `Dnoe` is not a value `Status` can take\n  help: list only its documented values: Running, Done, Broken"),
        ("    success: [Done]\n", "    success: []\n", "spec/oos/Bad.yaml:37: waiters.ItemDone.success: `success` lists no value\n  help: list the values that end the wait successfully, or `\"*\"` for any value"),
        ("    retry: [Running]\n", "    retry: [Running, Broken]\n", "spec/oos/Bad.yaml:39: waiters.ItemDone.retry: value `Broken` is in both `failure` and `retry`\n  help: list each value once, in the list of what it means"),
        ("    retry: [Running]\n", "    retry: [\"*\", Running]\n", "spec/oos/Bad.yaml:39: waiters.ItemDone.retry: `*` in `retry` stands for every other value, so it must be alone there\n  help: write `retry: [\"*\"]`, or list the values"),
        ("    retry_errors: [EntityNotExists.Thing]\n", "    retry_errors: [\"1 bad\"]\n", "spec/oos/Bad.yaml:40: waiters.ItemDone.retry_errors: `1 bad` is not an error code\n  help: write the code as OOS answers it, e.g. `EntityNotExists.TemplateVersion`"),
        ("    min_delay: 1\n", "    min_delay: 0\n", "spec/oos/Bad.yaml:41: waiters.ItemDone.min_delay: `min_delay` is 0, which would poll without pause\n  help: wait at least 1 second between polls"),
        ("    min_delay: 1\n", "    min_delay: 9\n", "spec/oos/Bad.yaml:42: waiters.ItemDone.max_delay: `max_delay` 5 is less than `min_delay` 9\n  help: make `max_delay` at least `min_delay`"),
        ("    max_delay: 5\n", "    max_delay: 120\n", "spec/oos/Bad.yaml:43: waiters.ItemDone.max_wait: `max_wait` 60 is less than `max_delay` 120\n  help: make `max_wait` at least `max_delay`: the wait must allow one full delay"),
        ("    max_wait: 60\n", "    max_wait: 60\n    requires: [Nope]\n", "spec/oos/Bad.yaml:44: waiters.ItemDone.requires: `Nope` is not a request parameter of this action\n  help: list top-level request parameters by their wire names"),
        ("    max_wait: 60\n", "    max_wiat: 60\n", "spec/oos/Bad.yaml:43: waiters[0]: unknown field `max_wiat`, expected one of `name`, `description`, `path`, `success`, `failure`, `retry`, `retry_errors`, `requires`, `min_delay`, `max_delay`, `max_wait`\n  help: remove the key or fix its spelling; spec/README.md lists every key"),
    ];
    for (from, to, expected) in cases {
        assert_eq!(waiter_error(from, to), expected, "{to}");
    }
}

#[test]
fn a_waiter_name_twice_in_one_file_or_across_files() {
    let twice = waiting().replacen(
        "sample_response: |",
        "  - name: ItemDone\n    path: Items[0].Message\n    success: [\"*\"]\n    min_delay: 1\n    max_delay: 1\n    max_wait: 1\nsample_response: |",
        1,
    );
    assert_eq!(
        error_of(&twice),
        "spec/oos/Bad.yaml:44: waiters.ItemDone.name: waiter `ItemDone` is declared twice\n  help: keep one entry per waiter, or rename one"
    );
    let waiter = "waiters:\n  - name: ThingReady\n    path: Thing.Id\n    success: [\"*\"]\n    min_delay: 1\n    max_delay: 1\n    max_wait: 1\n";
    let b = A.replacen("action: A", "action: B", 1);
    let error = load_set(
        "waiter-clash",
        &[
            ("A.yaml", &format!("{A}{waiter}")),
            ("B.yaml", &format!("{b}{waiter}")),
        ],
    )
    .unwrap_err();
    assert_eq!(
        error,
        "error: spec/oos/B.yaml:13: waiters.ThingReady.name: waiter `ThingReady` gives `client.wait_until_thing_ready()`, which the waiter at spec/oos/A.yaml:13 already gives\n  help: give one of the two waiters another name"
    );
    // Gathering actions checked one by one, in any order, finds the same clash.
    let parse = |file: &str, text: &str| {
        codegen::load::parse_action_types(Path::new(file), text, &service()).unwrap()
    };
    let parsed = vec![
        parse("spec/oos/B.yaml", &format!("{b}{waiter}")),
        parse("spec/oos/A.yaml", &format!("{A}{waiter}")),
    ];
    assert_eq!(
        codegen::load::gather(Path::new("spec/oos"), service(), parsed)
            .unwrap_err()
            .to_string(),
        error
    );
}

#[test]
fn secret_marks_a_string_only() {
    let text = GOOD.replacen(
        "    type: String\n    required: true\n",
        "    type: String\n    required: true\n    secret: true\n",
        1,
    );
    let action = parse_action(Path::new("spec/oos/Bad.yaml"), &text, &service()).unwrap();
    assert!(action.request[0].secret);
    assert!(!action.request[1].secret);
    assert_eq!(
        error_with("    type: Integer\n", "    type: Integer\n    secret: true\n"),
        "spec/oos/Bad.yaml:10: request.MaxResults: `secret` applies to a String, not to `Integer`\n  help: mark the String fields that hold the secret instead"
    );
}

#[test]
fn doc_title_is_the_title_a_maintainer_gave() {
    let text = GOOD.replacen(
        "  - name: RequestId\n    type: String\n",
        "  - name: RequestId\n    type: String\n    title: 请求ID\n",
        1,
    );
    assert_ne!(text, GOOD, "test bug: nothing replaced");
    let action = parse_action(Path::new("spec/oos/Bad.yaml"), &text, &service()).unwrap();
    assert_eq!(action.response[0].shape.title.as_deref(), Some("请求ID"));
    let text = text.replacen(
        "    title: 请求ID\n",
        "    title: 请求ID\n    doc_title: Request ID\n",
        1,
    );
    let action = parse_action(Path::new("spec/oos/Bad.yaml"), &text, &service()).unwrap();
    assert_eq!(
        action.response[0].shape.title.as_deref(),
        Some("Request ID")
    );
}

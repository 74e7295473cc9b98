//! Writes the seed corpora under `fuzz/seeds/`: the spec files and reference pages as they
//! are, the page samples and some error bodies as `response_parsing` inputs, and requests
//! signed for the emulator's fuzz entry (clock `oos_emulator::FUZZ_NOW`).
//!
//! Run with `cargo run --manifest-path fuzz/Cargo.toml --example make_seeds` (stable Rust).

use std::fs;
use std::path::Path;

use oos_api::signing::acs3;
use oos_fuzz::{format_request, parse_request, response_input, sign, RawRequest, Sign};

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    fs::write(dir.join(name), bytes)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()));
}

fn copy_dir(from: &Path, to: &Path, ext: &str, prefix: &str) {
    for entry in fs::read_dir(from).expect("source dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == ext) {
            let name = path.file_name().unwrap().to_string_lossy();
            write(
                to,
                &format!("{prefix}{name}"),
                &fs::read(&path).expect("read"),
            );
        }
    }
}

fn main() {
    let root = oos_fuzz::root();
    let seeds = root.join("fuzz/seeds");
    for target in [
        "spec_loader",
        "doc_importer",
        "response_parsing",
        "emulator_request",
    ] {
        fs::create_dir_all(seeds.join(target)).expect("mkdir");
    }

    // spec_loader: the committed specs and the edge-case fixtures.
    copy_dir(
        &root.join("spec/oos"),
        &seeds.join("spec_loader"),
        "yaml",
        "oos-",
    );
    copy_dir(
        &root.join("tests/fixtures/specs"),
        &seeds.join("spec_loader"),
        "yaml",
        "fixture-",
    );

    // doc_importer: the reference pages.
    copy_dir(
        &root.join("docs/oos"),
        &seeds.join("doc_importer"),
        "txt",
        "",
    );

    // response_parsing: each action's page sample as a 200, and error bodies.
    let service = oos_fuzz::oos_service();
    let dir = seeds.join("response_parsing");
    for (index, action) in oos_fuzz::RESPONSE_ACTIONS.iter().enumerate() {
        let path = root.join(format!("spec/oos/{action}.yaml"));
        let text = fs::read_to_string(&path).expect("spec");
        let spec = codegen::load::parse_action(&path, &text, &service).expect("spec loads");
        if let Some(sample) = spec.samples.first() {
            write(
                &dir,
                &format!("{action}-200"),
                &response_input(index, 200, sample.json.as_bytes()),
            );
        }
        let errors: [(u16, &str); 5] = [
            (
                400,
                r#"{"RequestId":"r","HostId":"oos.cn-hangzhou.aliyuncs.com","Code":"Throttling.User","Message":"slow down","Recommend":"https://x"}"#,
            ),
            (
                404,
                r#"{"RequestId":"r","Code":"EntityNotExists.Execution","Message":"m"}"#,
            ),
            (503, r#"{"Code":503,"Message":"unavailable"}"#),
            (502, "<html><body>Bad Gateway</body></html>"),
            (500, r#"{"Message":"no code","Code":""}"#),
        ];
        for (status, body) in errors {
            write(
                &dir,
                &format!("{action}-{status}"),
                &response_input(index, status, body.as_bytes()),
            );
        }
    }

    // emulator_request: correctly signed requests, and the same to be signed by the target.
    let dir = seeds.join("emulator_request");
    let now = "2026-01-02T03:04:05Z";
    let nonce = "0123456789abcdef0123456789abcdef";
    let v3 = |action: &str, query: &str, body: &[u8], content_type: Option<&str>, sts: bool| {
        let mut headers = vec![
            ("host".to_owned(), "oos.cn-hangzhou.aliyuncs.com".to_owned()),
            ("x-acs-action".to_owned(), action.to_owned()),
            (
                "x-acs-version".to_owned(),
                oos_emulator::API_VERSION.to_owned(),
            ),
            ("x-acs-date".to_owned(), now.to_owned()),
            ("x-acs-signature-nonce".to_owned(), nonce.to_owned()),
            (
                "x-acs-content-sha256".to_owned(),
                acs3::hashed_payload(body),
            ),
        ];
        if let Some(ct) = content_type {
            headers.push(("content-type".to_owned(), ct.to_owned()));
        }
        if sts {
            headers.push((
                "x-acs-security-token".to_owned(),
                oos_emulator::FUZZ_STS_KEY.2.to_owned(),
            ));
        }
        RawRequest {
            method: "POST".to_owned(),
            uri: format!("/?{query}"),
            headers,
            body: body.to_vec(),
        }
    };
    let rpc = |method: &str, action: &str, query: &str, sts: bool| {
        let (id, token) = if sts {
            (
                oos_emulator::FUZZ_STS_KEY.0,
                Some(oos_emulator::FUZZ_STS_KEY.2),
            )
        } else {
            (oos_emulator::DEFAULT_ACCESS_KEY_ID, None)
        };
        let mut uri = format!(
            "/?Action={action}&Version={}&Format=JSON&AccessKeyId={id}&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce={nonce}&Timestamp={}",
            oos_emulator::API_VERSION,
            now.replace(':', "%3A"),
        );
        if let Some(token) = token {
            uri.push_str(&format!("&SecurityToken={token}"));
        }
        if !query.is_empty() {
            uri.push('&');
            uri.push_str(query);
        }
        RawRequest {
            method: method.to_owned(),
            uri,
            headers: vec![("host".to_owned(), "oos.cn-hangzhou.aliyuncs.com".to_owned())],
            body: Vec::new(),
        }
    };
    let form = "application/x-www-form-urlencoded";
    let requests: Vec<(&str, Sign, RawRequest)> = vec![
        ("v3-list-execution-logs", Sign::V3, v3("ListExecutionLogs", "ExecutionId=exec-demo-disk-check&MaxResults=5", b"", None, false)),
        ("v3-list-executions-sts", Sign::V3, v3("ListExecutions", "Status=Running&SortOrder=Ascending", b"", None, true)),
        ("v3-start-execution-form", Sign::V3, v3("StartExecution", "", b"TemplateName=ACS-ECS-RestartInstance&Parameters=%7B%22a%22%3A1%7D&ClientToken=t1&Tags=%7B%22k%22%3A%22v%22%7D", Some(form), false)),
        ("v3-get-template", Sign::V3, v3("GetTemplate", "TemplateName=nightly-patching", b"", None, false)),
        ("v3-list-templates", Sign::V3, v3("ListTemplates", "SortField=TemplateName&MaxResults=2&Tags=%7B%22a%22%3A%22b%22%7D", b"", None, false)),
        ("v3-delete-executions", Sign::V3, v3("DeleteExecutions", "ExecutionIds=%5B%22exec-demo-restart%22%5D&Force=true", b"", None, false)),
        ("rpc-cancel-execution", Sign::Rpc, rpc("POST", "CancelExecution", "ExecutionId=exec-demo-patching", false)),
        ("rpc-list-executions-sts", Sign::Rpc, rpc("GET", "ListExecutions", "MaxResults=1&StartDateAfter=2020-01-01T00%3A00%3A00Z", true)),
        ("rpc-start-execution", Sign::Rpc, rpc("POST", "StartExecution", "TemplateContent=%7B%22Tasks%22%3A%5B%7B%22Name%22%3A%22t%22%7D%5D%7D&Mode=Automatic", false)),
    ];
    for (name, how, mut request) in requests {
        write(
            &dir,
            &format!("{name}-to-sign"),
            &format_request(how, &request),
        );
        sign(how, &mut request);
        let signed = format_request(Sign::No, &request);
        assert_eq!(parse_request(&signed), Some((Sign::No, request.clone())));
        let outcome = oos_emulator::check_request(
            &request.method,
            &request.uri,
            &request.headers,
            &request.body,
        );
        assert!(
            outcome.is_ok()
                || outcome
                    .as_ref()
                    .is_err_and(|c| c.starts_with("EntityNotExists") || c.starts_with("Invalid")),
            "{name}: {outcome:?}"
        );
        println!(
            "{name}: {}",
            match &outcome {
                Ok(answer) => format!("ok, {} bytes", answer.len()),
                Err(code) => code.clone(),
            }
        );
        write(&dir, &format!("{name}-signed"), &signed);
    }
    // And some that must fail: unsigned, a malformed Authorization, an expired timestamp.
    write(
        &dir,
        "unsigned",
        b"GET /?Action=ListExecutions&Version=2019-06-01\nhost: h\n\n",
    );
    write(&dir, "bad-authorization", b"POST /\nauthorization: ACS3-HMAC-SHA256 Credential=testid\nx-acs-action: ListExecutions\nx-acs-version: 2019-06-01\n\n");
}

//! An action's answers: its response schema and demos, and its error codes.

use super::{Document, Side};
use crate::error::SpecError;
use crate::import::json::{Json, JsonPath};
use crate::spec::{ErrorSpec, FieldSpec};

impl Document {
    pub(super) fn responses(
        &self,
        api: &Json,
        path: &JsonPath,
    ) -> Result<(Vec<FieldSpec>, Option<String>, Demos), SpecError> {
        let at = path.key("responses");
        let mut fields = Vec::new();
        // The type of an answer that is one value rather than an object.
        let mut body_type = None;
        if let Some(responses) = api.get("responses") {
            let members = self.object(responses, &at)?;
            // The success answer is `200`, or the one 2xx status a document gives instead
            // (`201`); an error status's schema describes the error body every action shares.
            let success = members
                .iter()
                .find(|(s, _)| s == "200")
                .or_else(|| members.iter().find(|(s, _)| s.starts_with('2')))
                .map(|(s, _)| s.clone());
            for (status, response) in members {
                if Some(status) != success.as_ref() {
                    // Another success status beside `200`, or an error status: the client
                    // reads the success answer's shape and the error body every action has.
                    if status.starts_with(['2', '4', '5']) {
                        continue;
                    }
                    return Err(self
                        .err(&at.key(status), format!("a response schema for status `{status}`"))
                        .help("the format gives the schema of one success answer (`200`) and of errors; report this document"));
                }
                let schema_at = at.key(status).key("schema");
                let Some(schema) = response.get("schema") else {
                    continue;
                };
                let body = self.schema(
                    schema,
                    &schema_at,
                    "Response",
                    Side::Response,
                    &mut Vec::new(),
                )?;
                match (body.ty.as_str(), body.fields) {
                    ("Object", Some(f)) => fields = f,
                    ("JSON", _) => {}
                    // schedulerx3's ExportJobs answers with a string: the output holds it.
                    ("String" | "Integer" | "Long" | "Boolean" | "Float", _) => {
                        body_type = Some(body.ty)
                    }
                    (other, _) => {
                        return Err(self
                            .err(
                                &schema_at,
                                format!("the success answer is {other}, not an object"),
                            )
                            .help(
                                "report this document: an RPC answer is a JSON object or one value",
                            ))
                    }
                }
            }
        }
        let mut demos = Demos::default();
        // Some documents write a missing demo as `null`.
        if let Some(demo) = api.get("responseDemo").filter(|d| !matches!(d, Json::Null)) {
            let demo_at = path.key("responseDemo");
            let text = self.string(demo, &demo_at)?;
            if !text.trim().is_empty() {
                let list: Json = serde_json::from_str(text).map_err(|e| {
                    self.err(
                        &demo_at,
                        format!("the response demo is not valid JSON: {e}"),
                    )
                    .help("the demo is a JSON-encoded array of {type, example, errorExample}")
                })?;
                let items = list.as_array().ok_or_else(|| {
                    self.err(
                        &demo_at,
                        format!("the demo is {}, not an array", list.kind()),
                    )
                })?;
                for (i, item) in items.iter().enumerate() {
                    let item_at = demo_at.index(i);
                    let kind =
                        self.string(self.required(item, "type", &item_at)?, &item_at.key("type"))?;
                    let text_of = |key: &str| -> Result<Option<String>, SpecError> {
                        match item.get(key) {
                            Some(v) => {
                                let t = self.string(v, &item_at.key(key))?;
                                Ok((!t.trim().is_empty()).then(|| t.to_owned()))
                            }
                            None => Ok(None),
                        }
                    };
                    let (example, error) = (text_of("example")?, text_of("errorExample")?);
                    match kind {
                        "json" => {
                            demos.json = example;
                            // An error demo is documentation; one that is not JSON shows
                            // nothing the client can parse, and is passed over.
                            demos.error = error
                                .filter(|e| serde_json::from_str::<serde_json::Value>(e).is_ok());
                        }
                        // The client asks for JSON: an XML error demo is passed over like the
                        // XML answers it shows.
                        "xml" => demos.xml = example,
                        other => {
                            return Err(self
                                .err(&item_at.key("type"), format!("a demo of type `{other}`"))
                                .help(
                                    "the format's demos are `json` or `xml`; report this document",
                                ))
                        }
                    }
                }
            }
        }
        Ok((fields, body_type, demos))
    }

    pub(super) fn errors(
        &self,
        api: &Json,
        path: &JsonPath,
        common: &[String],
    ) -> Result<Vec<ErrorSpec>, SpecError> {
        let at = path.key("errorCodes");
        let mut out: Vec<ErrorSpec> = Vec::new();
        // The code each Rust variant is taken by: the common codes', then the ones listed.
        let mut variants: std::collections::BTreeMap<String, &str> = common
            .iter()
            .map(|c| (crate::names::error_variant(c), c.as_str()))
            .collect();
        let Some(codes) = api.get("errorCodes") else {
            return Ok(out);
        };
        // `[]` stands for no codes.
        if codes.as_array().is_some_and(|a| a.is_empty()) {
            return Ok(out);
        }
        for (status, list) in self.object(codes, &at)? {
            let status_at = at.key(status);
            let number: u32 = status
                .parse()
                .map_err(|_| self.err(&status_at, format!("`{status}` is not an HTTP status")))?;
            // A number no answer can have (`999999`, `4092`): the codes under it are reported
            // by the service under a status of its own; the client matches codes alone.
            let Some(http_status) = u16::try_from(number)
                .ok()
                .filter(|s| (400..600).contains(s))
            else {
                continue;
            };
            for (i, entry) in self.array(list, &status_at)?.iter().enumerate() {
                let entry_at = status_at.index(i);
                let code = self.string(
                    self.required(entry, "errorCode", &entry_at)?,
                    &entry_at.key("errorCode"),
                )?;
                let message = match entry.get("errorMessage") {
                    Some(m) => self.string(m, &entry_at.key("errorMessage"))?.to_owned(),
                    None => String::new(),
                };
                let description = match entry.get("description") {
                    Some(d) => Some(self.string(d, &entry_at.key("description"))?.to_owned())
                        .filter(|d| !d.trim().is_empty()),
                    None => None,
                };
                if common.iter().any(|c| c == code) {
                    continue;
                }
                // A code that names no Rust variant (`40002`), or the variant of a code
                // already listed (`InternalError.` after `InternalError`), is left out: the
                // client reports it as `Unhandled`, its code intact.
                let variant = crate::names::error_variant(code);
                let usable = crate::names::is_type_name(&variant)
                    && variant != "Unhandled"
                    && variant != "Common";
                if !usable || *variants.entry(variant).or_insert(code) != code {
                    continue;
                }
                // A code listed under two statuses keeps both: the first it is listed under,
                // and the others beside it.
                if let Some(same) = out.iter_mut().find(|e| e.code == code) {
                    same.also_under(http_status);
                    continue;
                }
                out.push(ErrorSpec {
                    code: code.to_owned(),
                    http_status,
                    message,
                    description,
                    also_http_status: Vec::new(),
                    retryable: false,
                });
            }
        }
        Ok(out)
    }
}

/// The demos of an action.
#[derive(Clone, Debug, Default)]
pub(super) struct Demos {
    pub(super) json: Option<String>,
    pub(super) xml: Option<String>,
    pub(super) error: Option<String>,
}

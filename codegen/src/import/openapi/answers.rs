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
    ) -> Result<(Vec<FieldSpec>, Demos), SpecError> {
        let at = path.key("responses");
        let mut fields = Vec::new();
        if let Some(responses) = api.get("responses") {
            for (status, response) in self.object(responses, &at)? {
                if status != "200" {
                    return Err(self
                        .err(&at.key(status), format!("a response schema for status `{status}`"))
                        .help("the format gives the schema of the success answer only (`200`); report this document"));
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
                    (other, _) => {
                        return Err(self
                            .err(
                                &schema_at,
                                format!("the success answer is {other}, not an object"),
                            )
                            .help("report this document: an RPC answer is a JSON object"))
                    }
                }
            }
        }
        let mut demos = Demos::default();
        if let Some(demo) = api.get("responseDemo") {
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
                            demos.error = error;
                        }
                        "xml" => {
                            demos.xml = example;
                            if error.is_some() {
                                return Err(self
                                    .err(&item_at.key("errorExample"), "an XML error demo".into())
                                    .help("the spec keeps the JSON error demo only; report this document"));
                            }
                        }
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
        Ok((fields, demos))
    }

    pub(super) fn errors(
        &self,
        api: &Json,
        path: &JsonPath,
        common: &[String],
    ) -> Result<Vec<ErrorSpec>, SpecError> {
        let at = path.key("errorCodes");
        let mut out: Vec<ErrorSpec> = Vec::new();
        let Some(codes) = api.get("errorCodes") else {
            return Ok(out);
        };
        // `[]` stands for no codes.
        if codes.as_array().is_some_and(|a| a.is_empty()) {
            return Ok(out);
        }
        for (status, list) in self.object(codes, &at)? {
            let status_at = at.key(status);
            let http_status: u16 = status
                .parse()
                .map_err(|_| self.err(&status_at, format!("`{status}` is not an HTTP status")))?;
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
                // A code listed under two statuses keeps both: the first it is listed under,
                // and the others beside it.
                if let Some(same) = out.iter_mut().find(|e| e.code == code) {
                    if same.http_status != http_status
                        && !same.also_http_status.contains(&http_status)
                    {
                        same.also_http_status.push(http_status);
                    }
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

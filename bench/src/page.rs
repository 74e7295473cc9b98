//! The inputs: a deterministic `ListExecutionLogs` page built from the kind of entries the
//! spec's sample response has, and a hand-written serde struct of the same shape.

use serde::Deserialize;

/// The number of entries of the parsing benchmark's page.
pub const PAGE_LOGS: usize = 50;

/// The execution the benchmark's requests name.
pub const EXECUTION_ID: &str = "exec-8a2aaf460fdf47c6b5ef";

/// The page's request id (the spec sample's).
pub const REQUEST_ID: &str = "BD3B1827-7494-407E-9454-64150572843A";

/// The sample response's next-page token: 100 characters, as OOS hands them out.
pub const SAMPLE_TOKEN: &str = "gAAAAABc68oiY2KprBVtAOVCNGWOMM7QIVzHFOhxneoi78biGnqJuxBnGISFqK5neTHFPgrs3jK7rqjF3qaN_4ysSzyVr_y6vQ==";

/// Messages in the style of the sample response's short entries (its long `api call:` dumps
/// are left out, so that 50 entries make about 4.3 KB).
const MESSAGES: &[&str] = &[
    "The task checkInstanceReady started.",
    "The task checkInstanceReady output: {}",
    "The task checkInstanceReady completed.",
    "The task describeDisks started.",
    "The task describeDisks output: {}",
    "The task describeDisks completed.",
    "The task stopInstance started.",
    "The task stopInstance completed.",
    "The task startInstance started.",
    "The task startInstance completed.",
    "The task CheckDiskCategory started.",
];

/// The `Message` of entry `index`.
pub fn message(index: usize) -> &'static str {
    MESSAGES[index % MESSAGES.len()]
}

/// The `Timestamp` of entry `index`: one second apart from 2019-05-24T02:29:06Z.
pub fn timestamp(index: usize) -> String {
    let seconds = 2 * 3600 + 29 * 60 + 6 + index;
    let days = seconds / 86_400;
    let rest = seconds % 86_400;
    format!(
        "2019-05-{:02}T{:02}:{:02}:{:02}Z",
        24 + days,
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// Appends `text` to `out` as a JSON string.
fn push_json_string(out: &mut String, text: &str) {
    // Serialising a string into a string cannot fail.
    out.push_str(&serde_json::to_string(text).unwrap_or_default());
}

/// A page of `count` entries starting at entry `start`, with the given token, written as OOS
/// writes it (keys in the sample's order, no whitespace).
pub fn page_json(
    start: usize,
    count: usize,
    max_results: usize,
    next_token: Option<&str>,
) -> String {
    let mut out = String::with_capacity(count * 100 + 300);
    out.push_str("{\"ExecutionLogs\":[");
    for index in start..start + count {
        if index > start {
            out.push(',');
        }
        out.push_str("{\"Message\":");
        push_json_string(&mut out, message(index));
        out.push_str(",\"Timestamp\":\"");
        out.push_str(&timestamp(index));
        out.push_str("\"}");
    }
    out.push_str("],\"MaxResults\":");
    out.push_str(&max_results.to_string());
    if let Some(token) = next_token {
        out.push_str(",\"NextToken\":");
        push_json_string(&mut out, token);
    }
    out.push_str(",\"RequestId\":");
    push_json_string(&mut out, REQUEST_ID);
    out.push('}');
    out
}

/// The parsing benchmark's page: [`PAGE_LOGS`] entries, `MaxResults` 50, the sample's
/// `NextToken` and `RequestId`.
pub fn bench_page() -> String {
    page_json(0, PAGE_LOGS, PAGE_LOGS, Some(SAMPLE_TOKEN))
}

/// A hand-written response struct of the generated one's shape: the same fields, renames
/// and `Option`s (`ListExecutionLogsOutput` and `ExecutionLog` as the metadata describe
/// them), nothing else. A test keeps the two in step.
#[derive(Clone, Debug, Deserialize)]
pub struct HandPage {
    /// `RequestId`.
    #[serde(rename = "RequestId")]
    pub request_id: Option<String>,
    /// `ExecutionLogs`.
    #[serde(rename = "ExecutionLogs")]
    pub execution_logs: Option<Vec<HandLog>>,
    /// `MaxResults`.
    #[serde(rename = "MaxResults")]
    pub max_results: Option<i32>,
    /// `NextToken`.
    #[serde(rename = "NextToken")]
    pub next_token: Option<String>,
    /// `IsTruncated`.
    #[serde(rename = "IsTruncated")]
    pub is_truncated: Option<bool>,
}

/// A hand-written log entry.
#[derive(Clone, Debug, Deserialize)]
pub struct HandLog {
    /// `Timestamp`.
    #[serde(rename = "Timestamp")]
    pub timestamp: Option<String>,
    /// `Message`.
    #[serde(rename = "Message")]
    pub message: Option<String>,
    /// `TaskExecutionId`.
    #[serde(rename = "TaskExecutionId")]
    pub task_execution_id: Option<String>,
    /// `LogType`.
    #[serde(rename = "LogType")]
    pub log_type: Option<String>,
}

/// The token of the paginated server's page starting at `offset`: 100 characters like the
/// sample's, the offset first.
pub fn page_token(offset: usize) -> String {
    let mut token = format!("{offset:010}");
    token.extend(
        SAMPLE_TOKEN
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(90),
    );
    token
}

/// The offset a token of [`page_token`] stands for.
pub fn token_offset(token: &str) -> Option<usize> {
    token.get(..10)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use oos_api::operation::list_execution_logs::ListExecutionLogsOutput;

    use super::*;

    #[test]
    fn the_bench_page_has_50_entries_and_about_4_3_kb() {
        let page = bench_page();
        assert!(
            (4_100..=4_500).contains(&page.len()),
            "{} bytes",
            page.len()
        );
        let generated: ListExecutionLogsOutput = serde_json::from_str(&page).expect("generated");
        let hand: HandPage = serde_json::from_str(&page).expect("hand-written");
        let HandPage {
            request_id: _,
            execution_logs: _,
            max_results: _,
            next_token: _,
            is_truncated: _,
        } = &hand;
        let HandLog {
            timestamp: _,
            message: _,
            task_execution_id: _,
            log_type: _,
        } = &hand.execution_logs.as_ref().expect("logs")[0];
        let logs = generated.execution_logs.as_deref().expect("logs");
        assert_eq!(logs.len(), PAGE_LOGS);
        assert_eq!(generated.max_results, Some(50));
        assert_eq!(generated.next_token.as_deref(), Some(SAMPLE_TOKEN));
        assert_eq!(generated.request_id.as_deref(), Some(REQUEST_ID));
        assert_eq!(logs[0].timestamp.as_deref(), Some("2019-05-24T02:29:06Z"));
        assert_eq!(logs[49].timestamp.as_deref(), Some("2019-05-24T02:29:55Z"));
        let hand_logs = hand.execution_logs.expect("logs");
        for (g, h) in logs.iter().zip(&hand_logs) {
            assert_eq!(g.message, h.message);
            assert_eq!(g.timestamp, h.timestamp);
        }
        assert_eq!(hand.next_token, generated.next_token);
        // The hand-written struct has every field of the generated one, and no other: a field
        // added to the metadata fails this comparison until `HandPage` has it too. The structs
        // are non-exhaustive, so their fields are read from `Debug` of an empty value.
        assert_eq!(
            debug_fields(&format!("{:?}", ListExecutionLogsOutput::default())),
            [
                "request_id",
                "execution_logs",
                "max_results",
                "next_token",
                "is_truncated"
            ]
        );
        assert_eq!(
            debug_fields(&format!(
                "{:?}",
                oos_api::operation::list_execution_logs::ExecutionLog::default()
            )),
            ["timestamp", "message", "task_execution_id", "log_type"]
        );
        // The same value whichever way it is read.
        let value: serde_json::Value = serde_json::from_str(&page).expect("value");
        assert_eq!(value, serde_json::to_value(&generated).expect("to value"));
    }

    /// The field names in `Debug` of a struct whose fields are all `None`.
    fn debug_fields(debug: &str) -> Vec<&str> {
        let inner = debug
            .split_once('{')
            .and_then(|(_, rest)| rest.rsplit_once('}'))
            .map_or("", |(fields, _)| fields);
        inner
            .split(',')
            .filter_map(|entry| entry.split_once(':').map(|(name, _)| name.trim()))
            .collect()
    }

    #[test]
    fn timestamps_roll_over() {
        assert_eq!(timestamp(54), "2019-05-24T02:30:00Z");
        assert_eq!(timestamp(86_400), "2019-05-25T02:29:06Z");
    }

    #[test]
    fn page_tokens_carry_their_offset() {
        let token = page_token(9_900);
        assert_eq!(token.len(), 100);
        assert_eq!(token_offset(&token), Some(9_900));
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
}

//! A loopback OOS (Alibaba Cloud Operation Orchestration Service) endpoint for tests and
//! demos.
//!
//! It verifies request signatures as OOS does (V3 `ACS3-HMAC-SHA256` and RPC signature 1.0
//! `HMAC-SHA1`), keeps a small in-memory OOS ([`Data`]: templates, and executions with
//! their logs) that its actions read and change, answers with OOS-shaped bodies and
//! errors, and misbehaves on demand through [`Faults`].
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use oos_emulator::{Data, Emulator, Fault, ThrottlingCode};
//!
//! let emulator = Emulator::builder().data(Data::demo()).start().await?;
//! emulator.faults().inject(Fault::Throttling(ThrottlingCode::User));
//! println!("point the client at {}", emulator.url()); // key testid / testsecret
//! # Ok(()) }
//! ```
//!
//! # Actions
//!
//! | Action | What it does |
//! |---|---|
//! | `GetTemplate` | a template's `Content` and metadata; `TemplateVersion`, when given, must be the one held |
//! | `ListTemplates` | filters `TemplateName` (substring), `TemplateFormat`, `TemplateType`, `ShareType`, `Category`, `CreatedBy`, `ResourceGroupId`, `HasTrigger`, `IsFavorite`, `Tags` (every pair), `CreatedDateBefore`/`After`; sorts by `SortField` (`TotalExecutionCount` by default, `Popularity`, `TemplateName`, `CreatedDate`, `UpdatedDate`) and `SortOrder` (`Descending` by default) |
//! | `StartExecution` | a new `Running` execution (`exec-` and 20 hex digits) of a stored template or of `TemplateContent`, on the first of its tasks; a `ClientToken` already used with the same access key answers with the execution it created instead (the last 10,000 tokens are remembered) |
//! | `ListExecutions` | filters `TemplateName`, `Description` (substrings), `Status`, `ExecutionId`, `Mode`, `ExecutedBy`, `ParentExecutionId`, `Category`, `Categories`, `RamRole`, `ResourceGroupId`, `Tags`, `StartDateBefore`/`After`, `EndDateBefore`/`After`; sorts by `StartDate` (default), `EndDate` or `Status`; answers `TotalCount` and no logs |
//! | `ListExecutionLogs` | an execution's logs, served verbatim |
//! | `CancelExecution` | an unfinished (`Started`, `Queued`, `Running`, `Waiting`, `Pending`) execution becomes `Cancelled`; a `Cancelled` one stays so and the call succeeds |
//! | `DeleteExecutions` | removes the `ExecutionIds` (a JSON array of 1 to 100 ids; unknown ids are ignored); unfinished ones only with `Force=true`, otherwise nothing is deleted |
//!
//! Lists take `MaxResults` (1 to 100, 50 by default) and answer a `NextToken` while more
//! follow; a token is bound to the action and to every other parameter of the query.
//! Sorting is stable (ties keep the order the records were added in, reversed when
//! descending). Executions do not progress on their own. At most 10,000 executions are
//! kept.
//!
//! # What is accepted
//!
//! Any method and path; parameters from the query string and, with
//! `Content-Type: application/x-www-form-urlencoded`, from the body. V3 requests name
//! their action and version in `x-acs-action` / `x-acs-version` and must sign `host` and
//! every required `x-acs-` header; RPC requests carry `Action`, `Version`, `AccessKeyId`,
//! `SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`, `SignatureNonce`, `Timestamp` and
//! `Signature`. Answers are always JSON.
//!
//! # Errors answered
//!
//! Every error body is `{"RequestId", "HostId", "Code", "Message", "Recommend"}`, with the
//! request's `Host` as `HostId`. Checks run in this order:
//!
//! | Code | Status | When |
//! |---|---|---|
//! | `RequestEntityTooLarge` | 413 | request target plus body over [`EmulatorBuilder::max_request_bytes`] |
//! | `MissingParameter` | 400 | a required parameter or header is absent (the message names it) |
//! | `InvalidParameter` | 400 | `Action`/`Version` in the query differ from the V3 headers; `Format` other than JSON; `MaxResults` outside 1..=100; a value not among those allowed (`SortField`, `SortOrder`, `Mode`, `LoopMode`, `SafetyCheck`, a boolean); a malformed date; `Tags`, `Parameters`, `Categories` or `ExecutionIds` not the JSON they must be; more than 100 `ExecutionIds`; `SafetyCheck=Skip` without `Mode=Automatic`; `TemplateURL` (not fetched) |
//! | `InvalidVersion` | 400 | a version other than `2019-06-01` |
//! | `InvalidAction.NotFound` | 400 | an action the emulator does not know ([`supported_actions`]) |
//! | `IncompleteSignature` | 400 | no signature, a malformed `Authorization`, an unsupported algorithm, method or version, a required header left unsigned |
//! | `InvalidTimeStamp.Format` / `InvalidTimeStamp.Expired` | 400 | a timestamp that is not RFC 3339, or more than 15 minutes off either way |
//! | `InvalidAccessKeyId.NotFound` | 404 | an unknown access key |
//! | `SignatureDoesNotMatch` | 400 | wrong secret, anything signed changed, or a body that is not its `x-acs-content-sha256` |
//! | `InvalidStsToken` | 400 | a security token missing, wrong, or sent for a key that has none |
//! | `SignatureNonceUsed` | 400 | a nonce already used with this key (only correctly signed requests use one up) |
//! | `EntityNotExists.Execution` | 404 | an unknown `ExecutionId` (or `ParentExecutionId` of `StartExecution`) |
//! | `EntityNotExists.Template` | 404 | an unknown `TemplateName` (`GetTemplate`, `StartExecution`) |
//! | `EntityNotExists.TemplateVersion` | 404 | a `TemplateVersion` other than the template's |
//! | `InvalidStatus.Execution` | 400 | `CancelExecution` of a finished execution (`Success`, `Failed`, ...); `DeleteExecutions` of an unfinished one without `Force=true` |
//! | `QuotaExceeded.Execution` | 400 | `StartExecution` when 10,000 executions are kept |
//! | `InvalidNextToken` / `InvalidNextTokenQuery` | 400 | a forged token, or one issued for other parameters |
//!
//! Faults apply only to requests that passed every check up to the action itself.

#![warn(missing_docs)]

mod actions;
mod auth;
mod body;
mod data;
mod error;
mod faults;
mod fuzz;
mod handler;
mod query;
mod records;
mod request;
mod server;
pub mod spec;
mod state;
#[cfg(feature = "test-util")]
pub mod test_util;
mod wire;

pub use actions::{stateful_actions, supported_actions};
pub use auth::SignatureMethod;
pub use data::{Data, DataError};
pub use faults::{Fault, FaultRule, Faults, ThrottlingCode};
pub use records::RequestRecord;
pub use server::{
    Emulator, EmulatorBuilder, RunningEmulator, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET,
    DEFAULT_MAX_REQUEST_BYTES,
};

#[doc(hidden)]
pub use fuzz::{check_request, FUZZ_NOW, FUZZ_STS_KEY};

/// The API version the emulator accepts, the only one OOS has.
pub const API_VERSION: &str = auth::API_VERSION;

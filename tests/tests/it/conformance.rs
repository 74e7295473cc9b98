//! Every action of the specs through the client: its documented example request (from the
//! emulator's generated table) sent with the action's typed `Action` implementation, both
//! signature methods, and the answer parsed into the action's `Output` (or its typed error).

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use oos_api::action::{Action, ServiceError};
use oos_api::params::Params;
use oos_api::{Client, Error, SignatureMethod};
use oos_emulator::spec::ACTIONS;
use oos_emulator::test_util::{
    client_for, expected_refusal, sample_request, EXAMPLES_OUTSIDE_THE_SPEC,
};
use oos_emulator::{Data, Emulator};

#[rustfmt::skip]
#[path = "generated/calls.rs"]
pub(crate) mod calls;

/// How one call ended: `Ok`, or the error's code and message (or what went wrong).
type Outcome = Result<(), (String, String)>;

/// Sends `params` as action `I` and parses the answer as `I` does.
pub(crate) type Call = for<'a> fn(
    &'a Client,
    Vec<(String, String)>,
) -> Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>;

/// Action `I` with its wire parameters given as they are: the typed input's name, method,
/// output and error, and the table's example request.
struct Example<I> {
    params: Vec<(&'static str, String)>,
    input: PhantomData<fn() -> I>,
}

impl<I> Clone for Example<I> {
    fn clone(&self) -> Self {
        Self {
            params: self.params.clone(),
            input: PhantomData,
        }
    }
}

impl<I: Action> Action for Example<I> {
    const NAME: &'static str = I::NAME;
    const IDEMPOTENT: bool = I::IDEMPOTENT;
    const METHOD: oos_api::action::Method = I::METHOD;
    type Output = I::Output;
    type Error = I::Error;

    fn write_params(&self, params: &mut Params) {
        for (name, value) in &self.params {
            params.query().set(name, value.clone());
        }
    }
}

pub(crate) fn call<I: Action>(
    client: &Client,
    params: Vec<(String, String)>,
) -> Pin<Box<dyn Future<Output = Outcome> + Send + '_>> {
    // The client's parameter lists take names that live for the whole program; a handful of
    // example keys (`Filter.1.Name`) are leaked for this one test.
    let params = params
        .into_iter()
        .map(|(name, value)| (&*Box::leak(name.into_boxed_str()), value))
        .collect();
    Box::pin(async move {
        let example = Example::<I> {
            params,
            input: PhantomData,
        };
        match client.call(example).await {
            Ok(_output) => Ok(()),
            Err(Error::Service(e)) => {
                let metadata = e.metadata();
                Err((
                    metadata.code().to_owned(),
                    metadata.message().unwrap_or_default().to_owned(),
                ))
            }
            Err(other) => Err(("client".to_owned(), other.to_string())),
        }
    })
}

#[tokio::test]
async fn every_action_answers_its_example_in_its_output_type() {
    assert_eq!(calls::CALLS.len(), ACTIONS.len());
    let emulator = Emulator::builder()
        .data(Data::demo())
        .start()
        .await
        .unwrap();
    let mut failures = Vec::new();
    let mut parsed = 0;
    for method in [SignatureMethod::Acs3HmacSha256, SignatureMethod::HmacSha1] {
        let client = client_for(&emulator, method);
        for ((name, call), spec) in calls::CALLS.iter().zip(ACTIONS) {
            assert_eq!(*name, spec.name);
            match call(&client, sample_request(spec)).await {
                Ok(()) => parsed += 1,
                Err((code, message)) if expected_refusal(name, &code, &message) => {}
                Err((code, message)) => {
                    failures.push(format!("{name} ({method:?}): {code}: {message}"))
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Only an action with state, or an example outside the spec, may be refused: every other
    // action's answer parses, with both signatures.
    let stateless = ACTIONS.len() - oos_emulator::stateful_actions().count();
    let least = 2 * (stateless - EXAMPLES_OUTSIDE_THE_SPEC.len());
    assert!(
        parsed >= least,
        "{parsed} answers parsed, fewer than {least}"
    );
}

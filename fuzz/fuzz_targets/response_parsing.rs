//! (action, status, body) through the client's answer interpretation: the success-body
//! parse for 2xx, the error-body classification otherwise. Input: one byte choosing the
//! action (see `oos_fuzz::RESPONSE_ACTIONS`), the status as a big-endian u16, the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oos_api::operation::{list_execution_logs, list_executions, start_execution};
use oos_api::{interpret_answer, Error};

fn check<T, E>(status: u16, result: Result<T, Error<E>>) {
    match result {
        Ok(_) => assert!((200..300).contains(&status), "{status} parsed as a success"),
        Err(Error::Service(_)) => assert!(!(200..300).contains(&status)),
        Err(Error::Response { status: s, .. }) => assert_eq!(s, status),
        Err(_) => panic!("interpretation produced an error of another kind"),
    }
}

fuzz_target!(|data: &[u8]| {
    let [action, hi, lo, body @ ..] = data else {
        return;
    };
    let status = u16::from_be_bytes([*hi, *lo]);
    match action % 3 {
        0 => check(
            status,
            interpret_answer::<list_execution_logs::ListExecutionLogsInput>(status, body),
        ),
        1 => check(
            status,
            interpret_answer::<start_execution::StartExecutionInput>(status, body),
        ),
        _ => check(
            status,
            interpret_answer::<list_executions::ListExecutionsInput>(status, body),
        ),
    }
});

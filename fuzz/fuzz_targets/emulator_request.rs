//! A request (method, URI, headers, body; see `oos_fuzz::parse_request` for the format)
//! through the emulator's decoding and signature verification, V3 and RPC, with the clock
//! fixed; verified requests run their action on the demo data. Inputs marked `SIGN-V3` or
//! `SIGN-RPC` are signed before the check, so mutations reach past the signature.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((sign, mut request)) = oos_fuzz::parse_request(data) else {
        return;
    };
    oos_fuzz::sign(sign, &mut request);
    let _ = oos_emulator::check_request(
        &request.method,
        &request.uri,
        &request.headers,
        &request.body,
    );
});

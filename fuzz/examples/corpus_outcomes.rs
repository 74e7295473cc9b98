//! Tallies what `oos_emulator::check_request` answers over a directory of
//! `emulator_request` inputs, to see how deep a corpus reaches (how many verify and run).
//!
//! `cargo run --manifest-path fuzz/Cargo.toml --example corpus_outcomes -- fuzz/corpus/emulator_request`
use std::collections::BTreeMap;
fn main() {
    let dir = std::env::args().nth(1).expect("dir");
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        let key = match oos_fuzz::parse_request(&data) {
            None => "unparsed".to_owned(),
            Some((how, mut request)) => {
                oos_fuzz::sign(how, &mut request);
                match oos_emulator::check_request(
                    &request.method,
                    &request.uri,
                    &request.headers,
                    &request.body,
                ) {
                    Ok(_) => format!("{how:?} ok"),
                    Err(code) => format!("{how:?} {}", code.chars().take(40).collect::<String>()),
                }
            }
        };
        *tally.entry(key).or_default() += 1;
    }
    for (k, v) in tally {
        println!("{v:6} {k}");
    }
}

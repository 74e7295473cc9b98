//! `cargo bench -p oos-bench [-- SUITE...]`: runs the oos-bench suites (all by default; see
//! BENCHMARKS.md) with the counting allocator installed.

use oos_bench::alloc::CountingAlloc;

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn main() {
    // cargo passes `--bench`; suite names are the other arguments.
    let suites: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    oos_bench::suites::run(&suites);
}

//! A small timing harness: cases of a comparison run in interleaved rounds, and each is
//! reported by its median with the spread of its rounds and its ratio to the baseline.

use std::time::{Duration, Instant};

/// One case of a comparison: a name and a body that runs the measured work once.
pub struct Case<'a> {
    name: String,
    body: Box<dyn FnMut() + 'a>,
}

impl<'a> Case<'a> {
    /// A case named `name` that runs `body` once per iteration.
    pub fn new(name: impl Into<String>, body: impl FnMut() + 'a) -> Self {
        Self {
            name: name.into(),
            body: Box::new(body),
        }
    }
}

/// The measurements of one case: nanoseconds per iteration, one value per round.
#[derive(Clone, Debug)]
pub struct Measured {
    /// The case's name.
    pub name: String,
    /// Nanoseconds per iteration of each round, in round order.
    pub rounds: Vec<f64>,
}

impl Measured {
    fn sorted(&self) -> Vec<f64> {
        let mut sorted = self.rounds.clone();
        sorted.sort_by(f64::total_cmp);
        sorted
    }

    /// The median over rounds, in nanoseconds per iteration.
    pub fn median(&self) -> f64 {
        median(&self.sorted())
    }

    /// The fastest and slowest rounds.
    pub fn spread(&self) -> (f64, f64) {
        let sorted = self.sorted();
        (sorted[0], sorted[sorted.len() - 1])
    }

    /// The median of the round-by-round ratios to `base` (rounds ran side by side, so a change
    /// of machine load cancels out), or the ratio of the medians when the rounds do not pair.
    pub fn ratio_to(&self, base: &Measured) -> f64 {
        if self.rounds.len() != base.rounds.len() || self.rounds.is_empty() {
            return self.median() / base.median();
        }
        let mut ratios: Vec<f64> = self
            .rounds
            .iter()
            .zip(&base.rounds)
            .map(|(a, b)| a / b)
            .collect();
        ratios.sort_by(f64::total_cmp);
        median(&ratios)
    }
}

/// The median of `values`, which must be sorted and not empty.
pub fn median(values: &[f64]) -> f64 {
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// How long each round of each case lasts, and how many rounds there are.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// The target duration of one round of one case.
    pub round: Duration,
    /// The number of rounds.
    pub rounds: usize,
}

impl Plan {
    /// 31 rounds of 10 ms: about 0.3 s per case.
    pub const CPU: Plan = Plan {
        round: Duration::from_millis(10),
        rounds: 31,
    };
}

/// Runs `cases` in interleaved rounds and returns their measurements, the first case being
/// the baseline of [`report`].
pub fn compare(plan: Plan, cases: &mut [Case<'_>]) -> Vec<Measured> {
    // Warm up and find how many iterations fill a round.
    let iterations: Vec<u64> = cases
        .iter_mut()
        .map(|case| {
            let mut n: u64 = 1;
            loop {
                let start = Instant::now();
                for _ in 0..n {
                    (case.body)();
                }
                let took = start.elapsed();
                if took >= plan.round / 4 || n >= 1 << 30 {
                    let per = took.as_secs_f64() / n as f64;
                    break ((plan.round.as_secs_f64() / per).ceil() as u64).max(1);
                }
                n *= 2;
            }
        })
        .collect();
    let mut rounds: Vec<Vec<f64>> = vec![Vec::with_capacity(plan.rounds); cases.len()];
    for _ in 0..plan.rounds {
        for (i, case) in cases.iter_mut().enumerate() {
            let start = Instant::now();
            for _ in 0..iterations[i] {
                (case.body)();
            }
            rounds[i].push(start.elapsed().as_nanos() as f64 / iterations[i] as f64);
        }
    }
    cases
        .iter()
        .zip(rounds)
        .map(|(case, rounds)| Measured {
            name: case.name.clone(),
            rounds,
        })
        .collect()
}

/// CPU time used so far by every thread of this process, in nanoseconds.
pub fn process_cpu_ns() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write to; the clock id is a constant libc knows.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0.0;
    }
    ts.tv_sec as f64 * 1e9 + ts.tv_nsec as f64
}

/// A duration in nanoseconds, readably.
pub fn human_ns(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// Prints a table of `measured` with each case's ratio to the first one (time over the
/// baseline's time, the median of the paired round ratios: above 1 is slower).
pub fn report(title: &str, measured: &[Measured]) {
    println!("\n## {title}");
    println!(
        "{:<52} {:>12} {:>25} {:>9}",
        "case", "median", "rounds (min..max)", "ratio"
    );
    for m in measured {
        let (lo, hi) = m.spread();
        println!(
            "{:<52} {:>12} {:>25} {:>8.3}x",
            m.name,
            human_ns(m.median()),
            format!("{}..{}", human_ns(lo), human_ns(hi)),
            m.ratio_to(&measured[0])
        );
    }
}

//! What one jq evaluation may spend, and the natives that spend it. jaq has no hook into its
//! evaluation loop, so the budget is charged where values are generated: every output, every
//! item of `range`, every round of `repeat`, `recurse`, `while` and `until` (redefined here
//! over a charging native), which are the generators that can run without end.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::time::{Duration, Instant};

use jaq_core::load::parse::Def;
use jaq_core::native::{bome, v, Fun};
use jaq_core::{data, Error, Exn, Native, ValX};
use jaq_json::Val;

type Data = data::JustLut<Val>;

/// The limits of one evaluation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// How long it may run, measured by the thread that runs it.
    pub time: Duration,
    /// How many values it may generate (outputs and generator rounds).
    pub steps: u64,
    /// How deep its input may nest: as deep as serde_json reads text, and far from the
    /// stack's end, since jaq reads, compares and drops values recursively.
    pub input_depth: usize,
    /// How deep each output may nest: less than the input, so that the engine can put an
    /// output in a list or map, a loop's outputs or a parent's, and still read it back.
    pub depth: usize,
    /// How many values (scalars, lists and maps) its outputs may hold together.
    pub nodes: usize,
}

/// The limits every template's jq runs under: far above what the public templates' filters
/// need (microseconds, a handful of values), far below what holds or crashes the emulator.
pub(crate) const LIMITS: Limits = Limits {
    time: Duration::from_secs(1),
    steps: 100_000,
    input_depth: 128,
    depth: 64,
    nodes: 1_000_000,
};

/// How often (in steps) the clock is read: reading it costs more than a step.
const CLOCK_EVERY: u64 = 64;

struct Budget {
    limits: Limits,
    deadline: Instant,
    steps: u64,
    /// Why the budget ran out, kept so that a `try` inside the filter cannot hide it.
    exceeded: Option<String>,
}

thread_local! {
    static BUDGET: RefCell<Option<Budget>> = const { RefCell::new(None) };
}

/// The budget of the evaluation running on this thread, from now until it is dropped.
pub(super) struct Running;

impl Running {
    pub(super) fn start(limits: Limits) -> Self {
        BUDGET.with(|b| {
            *b.borrow_mut() = Some(Budget {
                limits,
                deadline: Instant::now() + limits.time,
                steps: 0,
                exceeded: None,
            })
        });
        Running
    }

    /// Why the budget ran out, if it did.
    pub(super) fn exceeded(&self) -> Option<String> {
        BUDGET.with(|b| b.borrow().as_ref().and_then(|b| b.exceeded.clone()))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        BUDGET.with(|b| *b.borrow_mut() = None);
    }
}

/// Charges one step; why not, once the steps or the time are spent. Without a running
/// budget (compiling, tests of the natives) it charges nothing.
pub(super) fn step() -> Result<(), String> {
    BUDGET.with(|b| {
        let mut b = b.borrow_mut();
        let Some(budget) = b.as_mut() else {
            return Ok(());
        };
        if let Some(why) = &budget.exceeded {
            return Err(why.clone());
        }
        budget.steps += 1;
        let why = if budget.steps > budget.limits.steps {
            format!(
                "steps: it generated more than {} values",
                budget.limits.steps
            )
        } else if budget.steps % CLOCK_EVERY == 0 && Instant::now() >= budget.deadline {
            time_exceeded(budget.limits)
        } else {
            return Ok(());
        };
        budget.exceeded = Some(why.clone());
        Err(why)
    })
}

/// What a filter that ran out of time is told.
pub(super) fn time_exceeded(limits: Limits) -> String {
    format!("time: it ran for more than {} ms", limits.time.as_millis())
}

/// The generators of jaq's core library that can run without end, each round charged.
/// Defined after the core library, they shadow its definitions.
const GENERATORS: &str = "
def repeat(f): def rec: f, (_emulator_step | rec); rec;
def recurse(f): def rec: ., (f | _emulator_step | rec); rec;
def recurse: recurse(.[]?);
def recurse(f; cond): recurse(f | select(cond));
def while(cond; update): def rec: if cond then ., (update | _emulator_step | rec) else empty end; rec;
def until(cond; update): def rec: if cond then . else update | _emulator_step | rec end; rec;
";

/// The definitions that shadow jaq's generators.
pub(super) fn defs() -> Result<Vec<Def<&'static str>>, String> {
    jaq_core::load::parse(GENERATORS, |p| p.defs())
        .ok_or_else(|| "the emulator's jq generators do not parse".to_owned())
}

/// The natives that charge the budget: `_emulator_step` (the input, charged) and `range/3`
/// (jaq's, with each item charged), which replaces jaq's own.
pub(super) fn funs() -> impl Iterator<Item = Fun<Data>> {
    let step: Fun<Data> = (
        "_emulator_step",
        v(0),
        Native::new(|cv| bome(step().map(|()| cv.1).map_err(Error::str))),
    );
    let range: Fun<Data> = (
        "range",
        v(3),
        Native::new(|mut cv| {
            let by = cv.0.pop_var();
            let to = cv.0.pop_var();
            let from = cv.0.pop_var();
            Box::new(range(from, to, by))
        }),
    );
    [step, range].into_iter()
}

/// jaq's `range($from; $to; $by)`, each item charged.
fn range<'a>(from: Val, to: Val, by: Val) -> impl Iterator<Item = ValX<'a, Val>> {
    let direction = by
        .partial_cmp(&Val::from(0isize))
        .unwrap_or(Ordering::Equal);
    let mut next: Option<ValX<'a, Val>> = Some(Ok(from));
    std::iter::from_fn(move || {
        let x = match next.take()? {
            Ok(x) => x,
            Err(e) => return Some(Err(e)),
        };
        let more = match direction {
            Ordering::Greater => x < to,
            Ordering::Less => x > to,
            Ordering::Equal => x != to,
        };
        if !more {
            return None;
        }
        if let Err(why) = step() {
            return Some(Err(Exn::from(Error::str(why))));
        }
        next = Some((x.clone() + by.clone()).map_err(Exn::from));
        Some(Ok(x))
    })
}

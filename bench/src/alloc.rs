//! A counting global allocator, counting only inside [`measure`] windows: the allocations
//! made and the peak growth of live bytes, by every thread of the process, and the
//! allocations of the thread that opened the window.
//!
//! Outside a window it adds one relaxed load to each allocation, so that the timed
//! benchmarks do not pay for contended counters (which would penalise allocation-heavy code
//! beyond what the system allocator costs). Inside a window every allocation and free is
//! counted whatever its origin, so the live-bytes figure is the net change since the window
//! opened and its peak the most memory the measured work held at once.
//!
//! The benchmark binary installs it with `#[global_allocator]`; where it is not installed
//! (the unit tests) [`installed`] is false.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicU64, Ordering};

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

/// The system allocator, counting inside [`measure`]. Install with
/// `#[global_allocator] static A: CountingAlloc = CountingAlloc;`.
pub struct CountingAlloc;

fn counting() -> bool {
    COUNTING.load(Ordering::Relaxed)
}

thread_local! {
    // A const-initialised `Cell` has no destructor, so the allocator may use it at any time.
    static ON_THIS_THREAD: Cell<u64> = const { Cell::new(0) };
}

fn allocated() {
    ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    let _ = ON_THIS_THREAD.try_with(|n| n.set(n.get() + 1));
}

fn grew(bytes: usize) {
    allocated();
    let live = LIVE.fetch_add(bytes as isize, Ordering::Relaxed) + bytes as isize;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

fn shrank(bytes: usize) {
    LIVE.fetch_sub(bytes as isize, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; only counters are updated beside it.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() && counting() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() && counting() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout` (see `alloc`).
        unsafe { System.dealloc(ptr, layout) };
        if counting() {
            shrank(layout.size());
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged; the caller upholds `realloc`'s contract.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() && counting() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                allocated();
                shrank(layout.size() - new_size);
            }
        }
        new
    }
}

/// What a [`measure`] window saw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Allocations and reallocations.
    pub allocations: u64,
    /// Those made by the thread that opened the window.
    pub on_this_thread: u64,
    /// The most the live bytes grew above their level when the window opened.
    pub peak_bytes: usize,
}

/// Runs `f` with counting on and returns its result and what was counted. Windows must not
/// overlap.
pub fn measure<R>(f: impl FnOnce() -> R) -> (R, Counts) {
    LIVE.store(0, Ordering::SeqCst);
    PEAK.store(0, Ordering::SeqCst);
    ALLOCATIONS.store(0, Ordering::SeqCst);
    let on_this_thread = ON_THIS_THREAD.with(Cell::get);
    COUNTING.store(true, Ordering::SeqCst);
    let result = f();
    COUNTING.store(false, Ordering::SeqCst);
    let counts = Counts {
        allocations: ALLOCATIONS.load(Ordering::SeqCst),
        on_this_thread: ON_THIS_THREAD.with(Cell::get) - on_this_thread,
        peak_bytes: PEAK.load(Ordering::SeqCst).max(0) as usize,
    };
    (result, counts)
}

/// Whether [`CountingAlloc`] is the global allocator of this process.
pub fn installed() -> bool {
    let ((), counts) = measure(|| {
        std::hint::black_box(Vec::<u8>::with_capacity(64));
    });
    counts.allocations > 0
}

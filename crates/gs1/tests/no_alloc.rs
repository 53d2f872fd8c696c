//! Proves the crate's claim that a valid element string is parsed and fully
//! validated without allocating: a counting global allocator wraps the system
//! one, and every benchmark input (real scan data from `benches/inputs/`) must
//! go through `Parser::scan`, `Parser::element_string` (and the bracketed and
//! unbracketed forms without escapes) with zero allocations.
//!
//! Implementing `GlobalAlloc` needs `unsafe impl` and calls into the system
//! allocator. That is the only way to observe allocations from safe test code,
//! so `unsafe` is allowed in this test file alone; the crate itself stays
//! `#![forbid(unsafe_code)]`.
#![allow(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use bedside_gs1::{Content, Parser};

thread_local! {
    // Const-initialised and without destructors: reading them never allocates.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

/// Counts allocations made by the current thread while counting is on, so
/// tests running in parallel on other threads do not disturb the count.
struct Counting;

fn note() {
    let _ = COUNTING.try_with(|on| {
        if on.get() {
            let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        }
    });
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged, so `System`'s guarantees carry over; the counting touches only
// const-initialised thread-locals, which neither allocate nor panic.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f` on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    ALLOCATIONS.with(|n| n.set(0));
    COUNTING.with(|on| on.set(true));
    let out = f();
    COUNTING.with(|on| on.set(false));
    (ALLOCATIONS.with(Cell::get), out)
}

const INPUTS: [(&str, &[u8]); 4] = [
    (
        "wristband",
        include_bytes!("../benches/inputs/wristband.txt"),
    ),
    ("staff", include_bytes!("../benches/inputs/staff.txt")),
    ("location", include_bytes!("../benches/inputs/location.txt")),
    ("medicine", include_bytes!("../benches/inputs/medicine.txt")),
];

fn lines(file: &[u8]) -> impl Iterator<Item = &[u8]> {
    file.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.is_empty())
}

#[test]
fn the_counter_counts() {
    let (n, v) = allocations(|| vec![1u8; 10]);
    assert_eq!(n, 1);
    drop(v);
    let (n, _) = allocations(|| 1 + 1);
    assert_eq!(n, 0);
}

#[test]
fn valid_scan_data_parses_without_allocating() {
    let p = Parser::default();
    let mut checked = 0;
    for (name, file) in INPUTS {
        for line in lines(file) {
            let (n, scan) = allocations(|| p.scan(line).map(|s| s.message().map(|m| m.len())));
            let show = String::from_utf8_lossy(line);
            assert!(
                matches!(scan, Ok(Some(k)) if k > 0),
                "{name}: {show:?} did not parse: {scan:?}"
            );
            assert_eq!(
                n, 0,
                "{name}: Parser::scan allocated {n} times for {show:?}"
            );

            let es = line
                .strip_prefix(b"]d2")
                .expect("benchmark inputs are ]d2 scan data");
            let (n, m) = allocations(|| p.element_string(es).map(|m| m.len()));
            assert!(m.is_ok(), "{name}: element string {show:?}: {m:?}");
            assert_eq!(
                n, 0,
                "{name}: Parser::element_string allocated {n} times for {show:?}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 400);
}

/// Bracketed input without `\(` and the unbracketed form borrow their input too.
#[test]
fn bracketed_and_unbracketed_without_escapes_parse_without_allocating() {
    let p = Parser::default();
    for (name, file) in INPUTS {
        for line in lines(file) {
            let m = p.scan(line).unwrap().into_message().unwrap();
            let (b, u) = (m.to_bracketed(), m.to_unbracketed());
            if !b.contains("\\(") {
                let (n, r) = allocations(|| p.bracketed(&b).map(|m| m.len()));
                assert!(r.is_ok());
                assert_eq!(
                    n, 0,
                    "{name}: Parser::bracketed allocated {n} times for {b}"
                );
            }
            let (n, r) = allocations(|| p.unbracketed(&u).map(|m| m.len()));
            assert!(r.is_ok());
            assert_eq!(
                n, 0,
                "{name}: Parser::unbracketed allocated {n} times for {u}"
            );
        }
    }
}

/// The scan is also allocation-free through the generic entry point.
#[test]
fn generic_parse_of_scan_data_does_not_allocate() {
    let p = Parser::default();
    for (_, file) in INPUTS {
        for line in lines(file) {
            let (n, r) =
                allocations(|| p.parse(line).map(|s| matches!(s.content, Content::Gs1(_))));
            assert_eq!(r, Ok(true));
            assert_eq!(n, 0, "{}", String::from_utf8_lossy(line));
        }
    }
}

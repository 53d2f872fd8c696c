//! The cost of the C ABI over the Rust API for the hot path of a ward: one
//! wristband scan checked (GS1 scan data parsed and validated, the DCB1077
//! band rules applied, the NHS number read out), and one GS1 parse of a
//! medicine pack. Each pair does the same work; the difference is the
//! boundary: UTF-8 check, panic guard, the boxed result handle, the info
//! struct and the free.
//!
//! Time is the benchmark thread's own CPU time (`CLOCK_THREAD_CPUTIME_ID`),
//! not wall time: on a shared machine wall time also counts the moments the
//! thread waits for a core, which swamps differences of tens of nanoseconds.
//!
//! Instruction counts, which no other load disturbs: `BEDSIDE_FFI_COUNT=MODE:N`
//! runs exactly N wristband checks by one path (`rust`, `c`, or `none` for
//! the fixed cost) and exits, for `valgrind --tool=cachegrind --cache-sim=no`;
//! see the README.
//!
//! `cargo bench -p bedside-ffi --bench wristband`; numbers in the README.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(unsafe_code)]

use std::hint::black_box;
use std::ptr;

use bedside_ffi::*;
use bedside_gs1::dict::Dictionary;
use bedside_gs1::{Content, Options, Parser};
use bedside_patient::{Policy, Wristband};
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, criterion_group};

/// CPU time consumed by the calling thread.
struct ThreadCpuTime;

fn thread_cpu_now() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write; the clock id is a constant.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap(),
        u32::try_from(ts.tv_nsec).unwrap(),
    )
}

static NANOSECONDS: WallTime = WallTime;

impl Measurement for ThreadCpuTime {
    type Intermediate = Duration;
    type Value = Duration;
    fn start(&self) -> Duration {
        thread_cpu_now()
    }
    fn end(&self, start: Duration) -> Duration {
        thread_cpu_now().saturating_sub(start)
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        // Values are nanoseconds, as wall time's are: reuse its formatting.
        NANOSECONDS.formatter()
    }
}

const BAND: &[u8] =
    b"]d28018952000099900012352\x1d80191\x1d725019800118\x1d72521\x1d7253SMITH\x1d7254John";
const PACK: &[u8] = b"]d201095060001343521727013110BATCH42\x1d21Ser1aL";

/// One wristband check through the Rust API: parse, band view, and the
/// fields `bedside_wristband_result_info` hands a C caller (NHS number, GSRN,
/// SRIN, names, date of birth, sex), so that both sides do the same work.
fn rust_check(policy: &Policy) -> usize {
    let p = Parser::new(Dictionary::embedded(), Options::default());
    let scan = p.scan(black_box(BAND)).unwrap();
    let Content::Gs1(m) = &scan.content else {
        panic!("not GS1")
    };
    let band = Wristband::from_message(m, policy).unwrap();
    let who = band.demographics();
    black_box((
        band.gsrn().as_str(),
        band.srin(),
        who.family.as_deref(),
        who.given.as_deref(),
        band.full_name(),
        who.date_of_birth,
        who.sex,
    ));
    black_box(band.nhs_number().as_str().len())
}

/// The same check through the C ABI, as a C caller makes it.
fn c_check(handle: *const BedsideWristbandPolicy) -> usize {
    let input = black_box(BAND);
    let mut result = ptr::null_mut();
    let mut info = BedsideWristbandInfo::default();
    // SAFETY: live policy handle, input valid for its length, valid
    // out-pointers; the result is freed once.
    unsafe {
        let s = bedside_wristband_check(
            handle,
            input.as_ptr(),
            input.len(),
            ptr::null(),
            &mut result,
        );
        assert_eq!(s, BedsideStatus::Ok);
        bedside_wristband_result_info(result, &mut info);
        assert_eq!(info.verdict, BedsideWristbandVerdict::Accepted);
        let n = black_box(info.nhs_number.len);
        bedside_wristband_result_free(result);
        n
    }
}

fn demo_policy_handle() -> *mut BedsideWristbandPolicy {
    let mut handle = ptr::null_mut();
    // SAFETY: a valid out-pointer.
    assert_eq!(
        unsafe { bedside_wristband_policy_demo(&mut handle) },
        BedsideStatus::Ok
    );
    handle
}

fn wristband(c: &mut Criterion<ThreadCpuTime>) {
    let mut g = c.benchmark_group("wristband_scan");
    let policy = Policy::demo();
    g.bench_function("rust_api", |b| b.iter(|| rust_check(&policy)));
    let handle = demo_policy_handle();
    g.bench_function("c_abi", |b| b.iter(|| c_check(handle)));
    g.finish();
    // SAFETY: the handle is freed once, after its last use.
    unsafe { bedside_wristband_policy_free(handle) };
}

/// `BEDSIDE_FFI_COUNT=MODE:N`: N checks by one path, nothing else.
fn count(spec: &str) {
    let (mode, n) = spec.split_once(':').expect("MODE:N");
    let n: usize = n.parse().expect("N");
    let policy = Policy::demo();
    let handle = demo_policy_handle();
    let mut sum = 0;
    for _ in 0..n {
        sum += match mode {
            "rust" => rust_check(&policy),
            "c" => c_check(handle),
            "none" => 0,
            other => panic!("unknown mode {other}"),
        };
    }
    // SAFETY: freed once.
    unsafe { bedside_wristband_policy_free(handle) };
    println!("{mode}: {n} checks ({sum})");
}

fn gs1_parse(c: &mut Criterion<ThreadCpuTime>) {
    let mut g = c.benchmark_group("gs1_parse_pack");
    g.bench_function("rust_api", |b| {
        b.iter(|| {
            let p = Parser::new(Dictionary::embedded(), Options::default());
            let scan = p.parse(black_box(PACK)).unwrap();
            black_box(scan.message().unwrap().len())
        })
    });
    g.bench_function("c_abi", |b| {
        b.iter(|| {
            let input = black_box(PACK);
            let mut result = ptr::null_mut();
            let mut info = BedsideGs1Info::default();
            // SAFETY: input valid for its length, valid out-pointers; the
            // result is freed once.
            unsafe {
                let s = bedside_gs1_parse(
                    BedsideInputForm::Auto as u32,
                    input.as_ptr(),
                    input.len(),
                    ptr::null(),
                    &mut result,
                );
                assert_eq!(s, BedsideStatus::Ok);
                bedside_gs1_result_info(result, &mut info);
                let n = black_box(info.element_count);
                bedside_gs1_result_free(result);
                n
            }
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = wristband, gs1_parse
}

fn main() {
    if let Ok(spec) = std::env::var("BEDSIDE_FFI_COUNT") {
        count(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

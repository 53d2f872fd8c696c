//! The cost of the C ABI over the Rust API for the hot path of a ward: one
//! wristband scan checked (GS1 scan data parsed and validated, the DCB1077
//! band rules applied, the NHS number read out), and one GS1 parse of a
//! medicine pack. Each pair does the same work; the difference is the
//! boundary: UTF-8 check, panic guard, the boxed result handle, the info
//! struct and the free.
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
use criterion::{Criterion, criterion_group, criterion_main};

const BAND: &[u8] =
    b"]d28018952000099900012352\x1d80191\x1d725019800118\x1d72521\x1d7253SMITH\x1d7254John";
const PACK: &[u8] = b"]d201095060001343521727013110BATCH42\x1d21Ser1aL";

fn wristband(c: &mut Criterion) {
    let mut g = c.benchmark_group("wristband_scan");
    let policy = Policy::demo();
    g.bench_function("rust_api", |b| {
        b.iter(|| {
            let p = Parser::new(Dictionary::embedded(), Options::default());
            let scan = p.scan(black_box(BAND)).unwrap();
            let Content::Gs1(m) = &scan.content else {
                panic!("not GS1")
            };
            let band = Wristband::from_message(m, &policy).unwrap();
            black_box(band.nhs_number().as_str().len())
        })
    });

    let mut handle = ptr::null_mut();
    // SAFETY: a valid out-pointer.
    assert_eq!(
        unsafe { bedside_wristband_policy_demo(&mut handle) },
        BedsideStatus::Ok
    );
    g.bench_function("c_abi", |b| {
        b.iter(|| {
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
        })
    });
    g.finish();
    // SAFETY: the handle is freed once, after its last use.
    unsafe { bedside_wristband_policy_free(handle) };
}

fn gs1_parse(c: &mut Criterion) {
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

criterion_group!(benches, wristband, gs1_parse);
criterion_main!(benches);

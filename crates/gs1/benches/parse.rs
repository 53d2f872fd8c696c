//! Parse + full validation throughput on real ward scan data.
//!
//! Inputs: `benches/inputs/{wristband,staff,location,medicine}.txt`, 100 valid
//! `]d2` scan-data lines each with real GS (0x1D) separators. One iteration
//! processes every line of a file; throughput is counted in inputs (lines),
//! so criterion's "elem/s" is inputs per second, and ns per input is the
//! iteration time divided by 100.
//!
//! Groups:
//! * `scan`: `Parser::scan` (AIM identifier, AI data, every component's
//!   syntax tests, message rules), the reader path;
//! * `scan+outputs`: the same plus `to_bracketed` and `hri`, like the GS1
//!   Barcode Syntax Engine's "setScanData + getAIdataStr + getHRI";
//! * `bracketed`, `digital_link`: the same data in those input forms;
//! * `render`: `to_bracketed` and `hri` alone on parsed messages;
//! * then, outside criterion, `cpu/scan` and `cpu/scan+outputs`: the first
//!   two timed in this thread's on-CPU nanoseconds
//!   (`/proc/thread-self/schedstat`, Linux) rather than wall time, which is
//!   what to compare on a loaded, shared machine (the engine's figures are
//!   process CPU time too). Run alone with the filter `cpu`.
//!
//! Reproduce: `CARGO_TARGET_DIR=/work/target-bench cargo bench -p bedside-gs1
//! --bench parse -- --warm-up-time 1 --measurement-time 3`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;

use bedside_gs1::dict::Dictionary;
use bedside_gs1::{Message, Parser};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};

/// On-CPU time of the current thread in nanoseconds, from the first field of
/// `/proc/thread-self/schedstat` (Linux). Falls back to 0 elsewhere.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

const INPUTS: [(&str, &[u8]); 4] = [
    ("wristband", include_bytes!("inputs/wristband.txt")),
    ("staff", include_bytes!("inputs/staff.txt")),
    ("location", include_bytes!("inputs/location.txt")),
    ("medicine", include_bytes!("inputs/medicine.txt")),
];

fn lines(file: &[u8]) -> Vec<&[u8]> {
    file.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.is_empty())
        .collect()
}

struct Workload {
    name: &'static str,
    scans: Vec<&'static [u8]>,
    bracketed: Vec<String>,
    digital_link: Vec<String>,
    messages: Vec<Message<'static>>,
}

fn workloads() -> Vec<Workload> {
    let p = Parser::default();
    let dict = Dictionary::embedded();
    INPUTS
        .iter()
        .map(|&(name, file)| {
            let scans = lines(file);
            let messages: Vec<Message<'static>> = scans
                .iter()
                .map(|l| {
                    p.scan(l)
                        .unwrap_or_else(|e| panic!("{name}: {}: {e}", String::from_utf8_lossy(l)))
                        .into_message()
                        .unwrap()
                        .into_owned()
                })
                .collect();
            let bracketed = messages.iter().map(Message::to_bracketed).collect();
            let digital_link = messages
                .iter()
                .map(|m| m.to_digital_link(dict, None).unwrap())
                .collect();
            Workload {
                name,
                scans,
                bracketed,
                digital_link,
                messages,
            }
        })
        .collect()
}

/// The reader path, with and without outputs.
fn scan_groups(c: &mut Criterion, loads: &[Workload]) {
    let p = Parser::default();
    let dict = Dictionary::embedded();
    let mut g = c.benchmark_group("scan");
    for w in loads {
        g.throughput(Throughput::Elements(w.scans.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(w.name), &w.scans, |b, scans| {
            b.iter(|| {
                for s in scans {
                    let scan = p.scan(black_box(s)).unwrap();
                    black_box(&scan);
                }
            });
        });
    }
    g.finish();

    let mut g = c.benchmark_group("scan+outputs");
    for w in loads {
        g.throughput(Throughput::Elements(w.scans.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(w.name), &w.scans, |b, scans| {
            b.iter(|| {
                for s in scans {
                    let scan = p.scan(black_box(s)).unwrap();
                    let m = scan.message().unwrap();
                    black_box((m.to_bracketed(), m.hri(Some(dict))));
                }
            });
        });
    }
    g.finish();
}

/// CPU time per input for the reader path, outside criterion: the thread's
/// on-CPU clock only advances in scheduler ticks, so each timing runs for about
/// half a second (tick error well under 1%), repeated `REPEATS` times.
fn cpu_report() {
    const REPEATS: usize = 5;
    let p = Parser::default();
    let dict = Dictionary::embedded();
    let loads = workloads();
    println!("\nCPU time per input (thread on-CPU clock, {REPEATS} runs of ~0.5 s): min / median");
    for outputs in [false, true] {
        for w in &loads {
            let pass = || {
                for s in &w.scans {
                    let scan = p.scan(black_box(s)).unwrap();
                    if outputs {
                        let m = scan.message().unwrap();
                        black_box((m.to_bracketed(), m.hri(Some(dict))));
                    }
                    black_box(&scan);
                }
            };
            // Calibrate: passes for ~0.5 s of CPU.
            let (t0, c0) = (std::time::Instant::now(), thread_cpu_ns());
            let mut calib = 0u64;
            while t0.elapsed().as_millis() < 100 {
                pass();
                calib += 1;
            }
            let per_pass = (thread_cpu_ns() - c0).max(1) / calib;
            let passes = (500_000_000 / per_pass.max(1)).max(10);
            let mut ns: Vec<f64> = (0..REPEATS)
                .map(|_| {
                    let start = thread_cpu_ns();
                    for _ in 0..passes {
                        pass();
                    }
                    (thread_cpu_ns() - start) as f64 / (passes * w.scans.len() as u64) as f64
                })
                .collect();
            ns.sort_by(f64::total_cmp);
            let (min, median) = (ns[0], ns[REPEATS / 2]);
            println!(
                "cpu/{}/{:<10} {:>7.0} / {:>7.0} ns per input  ({:>9.0} inputs/s at the min)",
                if outputs { "scan+outputs" } else { "scan" },
                w.name,
                min,
                median,
                1e9 / min
            );
        }
    }
}

fn bench(c: &mut Criterion) {
    let p = Parser::default();
    let dict = Dictionary::embedded();
    let loads = workloads();
    for w in &loads {
        let ais: usize = w.messages.iter().map(Message::len).sum();
        eprintln!(
            "{}: {} inputs, {:.1} bytes and {:.1} AIs per input",
            w.name,
            w.scans.len(),
            w.scans.iter().map(|s| s.len()).sum::<usize>() as f64 / w.scans.len() as f64,
            ais as f64 / w.scans.len() as f64
        );
    }

    scan_groups(c, &loads);

    let mut g = c.benchmark_group("bracketed");
    for w in &loads {
        g.throughput(Throughput::Elements(w.bracketed.len() as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(w.name),
            &w.bracketed,
            |b, texts| {
                b.iter(|| {
                    for t in texts {
                        black_box(p.bracketed(black_box(t)).unwrap());
                    }
                });
            },
        );
    }
    g.finish();

    let mut g = c.benchmark_group("digital_link");
    for w in &loads {
        g.throughput(Throughput::Elements(w.digital_link.len() as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(w.name),
            &w.digital_link,
            |b, uris| {
                b.iter(|| {
                    for u in uris {
                        black_box(p.digital_link(black_box(u)).unwrap());
                    }
                });
            },
        );
    }
    g.finish();

    let mut g = c.benchmark_group("render");
    for w in &loads {
        g.throughput(Throughput::Elements(w.messages.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("to_bracketed", w.name),
            &w.messages,
            |b, ms| {
                b.iter(|| {
                    for m in ms {
                        black_box(black_box(m).to_bracketed());
                    }
                });
            },
        );
        g.bench_with_input(BenchmarkId::new("hri", w.name), &w.messages, |b, ms| {
            b.iter(|| {
                for m in ms {
                    black_box(black_box(m).hri(Some(dict)));
                }
            });
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // Not in criterion's --test / --list modes, nor when a filter excludes it.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quiet = args.iter().any(|a| a == "--test" || a == "--list");
    let filtered = args
        .iter()
        .any(|a| !a.starts_with('-') && a.parse::<f64>().is_err() && !"cpu".contains(a.as_str()));
    if !quiet && !filtered {
        cpu_report();
    }
}

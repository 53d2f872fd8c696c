//! Reading full-size synthetic `f_amp` and `f_ampp` files (150 000 AMPs,
//! 170 000 AMPPs), with Python's `xml.etree.ElementTree.iterparse` walking the
//! same files in the same run as the peer (`benches/peer_iterparse.py`).
//!
//! `cargo bench -p bedside-dmd --features synth`
#![allow(clippy::expect_used, missing_docs)]

use std::convert::Infallible;
use std::fs::File;
use std::hint::black_box;
use std::io::BufReader;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use bedside_dmd::synth::{SynthSize, write_file};
use bedside_dmd::{FileKind, read};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn read_file(kind: FileKind, path: &Path) -> u64 {
    let input = BufReader::with_capacity(1 << 16, File::open(path).expect("open"));
    let counts = read(kind, "bench", input, |r| {
        black_box(r);
        Ok::<(), Infallible>(())
    })
    .expect("synthetic file reads");
    counts.total()
}

/// Runs the Python peer on `path` for the `records` elements; prints its own
/// timing line.
fn peer(path: &Path, records: &str) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peer_iterparse.py");
    match Command::new("python3")
        .arg(script)
        .arg(path)
        .arg(records)
        .output()
    {
        Ok(out) if out.status.success() => {
            print!("{}", String::from_utf8_lossy(&out.stdout));
        }
        Ok(out) => eprintln!("peer failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => eprintln!("peer not run (python3: {e})"),
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let size = SynthSize::full();
    let mut group = c.benchmark_group("dmd_read");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for (kind, records) in [
        (FileKind::Amp, "AMP,AP_ING,LIC_ROUTE"),
        (FileKind::Ampp, "AMPP"),
    ] {
        let path = write_file(kind, dir.path(), &size).expect("synthetic file");
        let bytes = std::fs::metadata(&path).expect("size").len();
        let total = read_file(kind, &path);
        println!(
            "{}: {bytes} bytes, {total} records ({records})",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("?")
        );
        group.throughput(Throughput::Bytes(bytes));
        group.bench_function(format!("{}_{total}", kind.file_word()), |b| {
            b.iter(|| read_file(kind, &path));
        });
        peer(&path, records);
        std::fs::remove_file(&path).expect("remove");
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

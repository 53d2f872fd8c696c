//! Reads every file of a dm+d release directory and prints the record counts,
//! the time each file took, and the first fault, if any.
//!
//! `cargo run --release -p bedside-dmd --example dmd_count -- examples/data/dmd`
#![allow(missing_docs)]

use std::convert::Infallible;
use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use bedside_dmd::{Release, read};

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: dmd_count <release directory>");
        return ExitCode::from(2);
    };
    let release = match Release::find(&dir) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!("release {}", release.release);
    let all = Instant::now();
    for (kind, path) in release.files() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let input = match File::open(path) {
            Ok(f) => BufReader::with_capacity(1 << 16, f),
            Err(e) => {
                eprintln!("{name}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let start = Instant::now();
        match read(kind, &name, input, |_| Ok::<(), Infallible>(())) {
            Ok(c) => println!(
                "{name:<28} {:>8} {kind} ({} records in all) in {:.3} s",
                c.main(kind),
                c.total(),
                start.elapsed().as_secs_f64()
            ),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("all files in {:.3} s", all.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}

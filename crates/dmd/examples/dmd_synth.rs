//! Writes a synthetic dm+d release in NHSBSA's format (feature `synth`).
//!
//! `cargo run --release -p bedside-dmd --features synth --example dmd_synth -- <dir> [full|small]`
#![allow(missing_docs)]

use std::path::PathBuf;
use std::process::ExitCode;

use bedside_dmd::synth::{SynthSize, write_release};

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: dmd_synth <directory> [full|small]");
        return ExitCode::from(2);
    };
    let size = match args.next().and_then(|s| s.into_string().ok()).as_deref() {
        None | Some("full") => SynthSize::full(),
        Some("small") => SynthSize::small(),
        Some(other) => {
            eprintln!("unknown size {other:?}: full or small");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| write_release(&dir, &size)) {
        eprintln!("{}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    println!("wrote {size:?} to {}", dir.display());
    ExitCode::SUCCESS
}

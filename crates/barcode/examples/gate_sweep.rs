//! Sweeps the reader's gate over generated frames (feature `synth`): every
//! damage class at the given seeds and sizes, counting frames *with* a symbol
//! that the gate would turn away (must be zero), and frames without one that
//! it turns away.
//!
//! `cargo run --release -p bedside-barcode --features synth --example gate_sweep -- PER_CLASS SEED...`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use bedside_barcode::datamatrix;
use bedside_barcode::reader::gate;
use bedside_barcode::synth::{Background, Damage, payloads, render_background, render_scene_sized};

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let per_class = args.first().copied().unwrap_or(20) as usize;
    let seeds = if args.len() > 1 {
        args[1..].to_vec()
    } else {
        vec![1, 7, 2026, 2027]
    };
    let mut turned_away = 0;
    let mut frames = 0;
    for &seed in &seeds {
        let pays = payloads(seed, per_class);
        for (w, h) in [(640, 480), (1280, 720)] {
            for (i, p) in pays.iter().enumerate() {
                let m = bedside_gs1::parse_bracketed(p).unwrap();
                let s = datamatrix::encode(&m, &Default::default()).unwrap();
                for damage in Damage::ALL {
                    let img = render_scene_sized(s.matrix(), damage, seed * 1000 + i as u64, w, h);
                    frames += 1;
                    let g = gate(&img);
                    if !g.datamatrix {
                        turned_away += 1;
                        println!("TURNED AWAY {damage:?} {w}x{h} seed {seed} #{i}: {g:?}");
                    }
                }
            }
            for kind in Background::ALL {
                let rejected = (0..per_class)
                    .filter(|&i| {
                        !gate(&render_background(kind, seed * 1000 + i as u64, w, h)).datamatrix
                    })
                    .count();
                println!(
                    "{w}x{h} seed {seed}: {} {rejected}/{per_class} turned away",
                    kind.name()
                );
            }
        }
    }
    println!("frames with a symbol: {frames}, turned away by the gate: {turned_away}");
}

//! The reader's cheap gate (feature `synth`, issue 17): frames with no
//! symbol are turned away before the cascade, and no frame holding a symbol
//! ever is — so the gate loses no read the cascade would make. The gate's
//! decision is asserted, never wall time.

use std::time::Duration;

use bedside_barcode::datamatrix;
use bedside_barcode::reader::{GrayImage, NoSymbol, Reader, ReaderOptions, gate};
use bedside_barcode::synth::{Background, Damage, payloads, render_background, render_scene_sized};

const SIZES: [(usize, usize); 2] = [(640, 480), (1280, 720)];
const SEEDS: [u64; 3] = [1, 7, 2027];

fn dm_only() -> ReaderOptions {
    ReaderOptions {
        code128: false,
        ..ReaderOptions::default()
    }
}

#[test]
fn blank_and_noise_only_frames_exit_at_the_gate() {
    let reader = Reader::default();
    for (w, h) in SIZES {
        for seed in SEEDS {
            let blank = render_background(Background::Uniform, seed, w, h);
            let out = reader.read(&blank);
            assert_eq!(out.no_symbol, Some(NoSymbol::Flat), "{w}x{h} seed {seed}");
            assert!(out.symbols.is_empty() && !out.timed_out);
            let noise = render_background(Background::Noise, seed, w, h);
            assert_eq!(
                reader.read(&noise).no_symbol,
                Some(NoSymbol::NoTexture),
                "noise {w}x{h} seed {seed} (gate {:?})",
                gate(&noise)
            );
        }
    }
    // Too small to hold a cell block, and all black.
    let tiny = GrayImage::from_raw(10, 10, vec![0; 100]).unwrap();
    assert_eq!(reader.read(&tiny).no_symbol, Some(NoSymbol::Flat));
}

#[test]
fn lines_and_a_1d_barcode_exit_at_the_gate_when_only_data_matrix_is_read() {
    let reader = Reader::new(dm_only());
    let mut lines_rejected = 0;
    let mut total = 0;
    for (w, h) in SIZES {
        for seed in SEEDS {
            // A 1-D barcode is not a Data Matrix...
            let bars = render_background(Background::Barcode1D, seed, w, h);
            assert_eq!(
                reader.read(&bars).no_symbol,
                Some(NoSymbol::NoTexture),
                "1-D {w}x{h} seed {seed}"
            );
            // ...but the default reader, which reads Code 128 too, lets it through.
            let g = gate(&bars);
            assert!(g.linear && !g.datamatrix, "{g:?}");
            assert_eq!(g.verdict(true, true), None);
            for i in 0..4 {
                let img = render_background(Background::Lines, seed * 10 + i, w, h);
                total += 1;
                if reader.read(&img).no_symbol.is_some() {
                    lines_rejected += 1;
                }
            }
        }
    }
    // Crossing rules can make a 2x2 block of corner texture: most, not all.
    assert!(
        lines_rejected * 4 >= total * 3,
        "only {lines_rejected} of {total} line frames turned away"
    );
}

#[test]
fn the_gate_passes_every_frame_with_a_symbol() {
    // Every damage class, three seeds, both frame sizes: the gate must pass
    // each one (so the gated reader runs exactly the cascade it always ran
    // and cannot lose a read). The benchmark checks this on 100 per class.
    for seed in SEEDS {
        for (i, p) in payloads(seed, 1).iter().enumerate() {
            let m = bedside_gs1::parse_bracketed(p).unwrap();
            let s = datamatrix::encode(&m, &Default::default()).unwrap();
            for (w, h) in SIZES {
                for damage in Damage::ALL {
                    let img = render_scene_sized(s.matrix(), damage, seed * 100 + i as u64, w, h);
                    let g = gate(&img);
                    assert!(
                        g.datamatrix,
                        "{damage:?} {w}x{h} seed {seed} #{i}: turned away ({g:?})"
                    );
                }
            }
        }
    }
}

#[test]
fn gated_reads_across_seeds_and_sizes_are_never_wrong_and_never_lost() {
    let gated = Reader::new(ReaderOptions {
        budget: Duration::from_millis(600),
        ..dm_only()
    });
    let mut read = 0;
    for seed in SEEDS {
        let p = &payloads(seed, 1)[0];
        let m = bedside_gs1::parse_bracketed(p).unwrap();
        let expected = m.to_element_string();
        let s = datamatrix::encode(&m, &Default::default()).unwrap();
        for (w, h) in SIZES {
            for damage in [
                Damage::Clean,
                Damage::Rotation,
                Damage::Noise,
                Damage::UnevenLight,
                Damage::Inverted,
                Damage::Clutter,
                Damage::Combined,
            ] {
                let img = render_scene_sized(s.matrix(), damage, seed, w, h);
                let out = gated.read(&img);
                assert_eq!(out.no_symbol, None, "{damage:?} {w}x{h} seed {seed}");
                for sym in &out.symbols {
                    assert_eq!(sym.aim(), "]d2", "{damage:?} {w}x{h} seed {seed}");
                    assert_eq!(
                        sym.data(),
                        expected.as_slice(),
                        "{damage:?} {w}x{h} seed {seed}: wrong payload"
                    );
                    read += 1;
                }
            }
        }
    }
    // These classes decode every time in the benchmark; a lost one is a
    // lost cascade step or a gate that turned a symbol away.
    assert!(read >= 3 * 2 * 7 - 2, "only {read} of 42 read");
}

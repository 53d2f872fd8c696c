//! Damaged images (feature `synth`): every class of the benchmark, a few
//! images each, through our reader. The hard requirement is checked here on
//! every run: no wrong payload, ever — a symbol either decodes to exactly the
//! encoded `]d2` data or is not reported as GS1. The decode rate itself is
//! measured by `benches/decode_rate.rs` (release build, with zxing-cpp).

use bedside_barcode::datamatrix;
use bedside_barcode::reader::Reader;
use bedside_barcode::synth::{Damage, payloads, render_scene};

#[test]
fn no_wrong_payloads_in_any_damage_class() {
    let reader = Reader::default();
    let pays = payloads(99, 3);
    let mut decoded = 0;
    for damage in Damage::ALL {
        for (i, p) in pays.iter().enumerate() {
            let m = bedside_gs1::parse_bracketed(p).unwrap();
            let expected = m.to_element_string();
            let s = datamatrix::encode(&m, &Default::default()).unwrap();
            let img = render_scene(s.matrix(), damage, 1000 + i as u64);
            let out = reader.read(&img);
            assert_eq!(out.contained_panics, 0, "{damage:?} #{i}");
            for g in out.gs1_symbols() {
                assert_eq!(g.aim(), "]d2", "{damage:?} #{i}");
                assert_eq!(
                    g.data(),
                    expected.as_slice(),
                    "{damage:?} #{i}: wrong payload"
                );
                decoded += 1;
            }
        }
    }
    // Sanity: the reader is not simply finding nothing.
    assert!(
        decoded >= Damage::ALL.len() * 3 / 2,
        "only {decoded} decodes"
    );
}

#[test]
fn clean_and_rotated_always_decode() {
    let reader = Reader::default();
    for (i, p) in payloads(98, 8).iter().enumerate() {
        let m = bedside_gs1::parse_bracketed(p).unwrap();
        let s = datamatrix::encode(&m, &Default::default()).unwrap();
        for damage in [Damage::Clean, Damage::Rotation] {
            let img = render_scene(s.matrix(), damage, i as u64);
            let out = reader.read(&img);
            assert_eq!(out.gs1_symbols().count(), 1, "{p} {damage:?}");
        }
    }
}

/// The scenes a bedside camera meets most: a band curved round a wrist, a
/// faint print on a band lying on a darker blanket, light-on-dark, and small
/// modules. Each has its own step in the reader (timing-pattern sampling, the
/// three-class split, the inverted read, grey-level sampling); if one is lost,
/// this fails. Fixed seeds; the benchmark measures the rate on 100 per class.
#[test]
fn wristband_scenes_decode() {
    let reader = Reader::default();
    let pays = payloads(97, 10);
    for (damage, need) in [
        (Damage::Cylinder, 9),
        (Damage::LowContrast, 9),
        (Damage::Inverted, 10),
        (Damage::SmallModules, 7),
    ] {
        let mut ok = 0;
        for (i, p) in pays.iter().enumerate() {
            let m = bedside_gs1::parse_bracketed(p).unwrap();
            let expected = m.to_element_string();
            let s = datamatrix::encode(&m, &Default::default()).unwrap();
            let img = render_scene(s.matrix(), damage, 500 + i as u64);
            let out = reader.read(&img);
            if out
                .gs1_symbols()
                .any(|g| g.aim() == "]d2" && g.data() == expected.as_slice())
            {
                ok += 1;
            }
        }
        assert!(
            ok >= need,
            "{damage:?}: {ok}/10 decoded, want at least {need}"
        );
    }
}

/// One reader shared by several threads, called again and again: its kept
/// worker is reused by one call at a time, the others start their own, and
/// every call gets its own image's answer.
#[test]
fn a_shared_reader_answers_every_caller_with_its_own_image() {
    let reader = std::sync::Arc::new(Reader::default());
    let pays = payloads(96, 4);
    let scenes: Vec<(Vec<u8>, bedside_barcode::reader::GrayImage)> = pays
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let m = bedside_gs1::parse_bracketed(p).unwrap();
            let s = datamatrix::encode(&m, &Default::default()).unwrap();
            (
                m.to_element_string(),
                render_scene(s.matrix(), Damage::Clean, i as u64),
            )
        })
        .collect();
    let scenes = std::sync::Arc::new(scenes);
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let reader = std::sync::Arc::clone(&reader);
            let scenes = std::sync::Arc::clone(&scenes);
            std::thread::spawn(move || {
                for k in 0..6 {
                    let (expected, img) = &scenes[(t + k) % scenes.len()];
                    let out = reader.read(img);
                    let got: Vec<_> = out.gs1_symbols().map(|g| g.data().to_vec()).collect();
                    assert_eq!(got, vec![expected.clone()], "thread {t} call {k}");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

/// A budget too short for any read: every call says it timed out, none
/// hangs, and the reader keeps working (a worker that ran out of time is
/// replaced, never reused while busy).
#[test]
fn a_budget_that_runs_out_is_reported_and_the_reader_recovers() {
    let reader = Reader::new(bedside_barcode::reader::ReaderOptions {
        budget: std::time::Duration::from_micros(1),
        ..Default::default()
    });
    let pays = payloads(95, 1);
    let m = bedside_gs1::parse_bracketed(&pays[0]).unwrap();
    let s = datamatrix::encode(&m, &Default::default()).unwrap();
    let img = render_scene(s.matrix(), Damage::Occlusion, 3);
    for _ in 0..5 {
        let out = reader.read(&img);
        assert!(out.timed_out);
    }
    let patient = Reader::default();
    let clean = render_scene(s.matrix(), Damage::Clean, 3);
    for _ in 0..3 {
        assert_eq!(patient.read(&clean).gs1_symbols().count(), 1);
    }
}

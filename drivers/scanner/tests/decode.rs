//! Byte-exact decoder tests from the published report layouts and recorded
//! traces, and property tests (round trips, no panics, no glued scans).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use bedside_scanner::decode::hidpos::{HidPosDecoder, HidPosError, HidPosLayout, encode_reports};
use bedside_scanner::decode::serial::{
    SerialConfig, SerialError, SerialFramer, Suffix, Terminator,
};
use bedside_scanner::decode::wedge::{
    BootReportDecoder, EvdevDecoder, EventSize, KeyEvent, Layout, WedgeConfig, WedgeDecoder,
    WedgeError, WedgeTerminator,
};
use bedside_scanner::decode::{Aim, Frame, Symbology};
use proptest::prelude::*;

/// The 99-byte GS1 wristband + medicine string the QEMU HID POS gadget sends.
const WRISTBAND: &[u8] = b"8018952000099900012352\x1d8019117\x1d91MRN0042\x1d010950600013435210ABC123456789\x1d17261231\x1d21SERIAL0001234567";

fn report(len: u8, aim: &[u8; 3], data: &[u8], code_id: u8, continued: bool) -> [u8; 64] {
    let mut r = [0u8; 64];
    r[0] = 0x02;
    r[1] = len;
    r[2..5].copy_from_slice(aim);
    r[5..5 + data.len()].copy_from_slice(data);
    r[61] = code_id;
    r[63] = u8::from(continued);
    r
}

// ---- AIM ------------------------------------------------------------------

#[test]
fn aim_identifiers_map_to_symbologies() {
    let cases: [(&[u8], Symbology, bool); 12] = [
        (b"]d1", Symbology::DataMatrix, false),
        (b"]d2", Symbology::DataMatrix, true),
        (b"]C0", Symbology::Code128, false),
        (b"]C1", Symbology::Code128, true),
        (b"]Q1", Symbology::QrCode, false),
        (b"]Q3", Symbology::QrCode, true),
        (b"]e0", Symbology::DataBar, true),
        (b"]E0", Symbology::EanUpc, false),
        (b"]E4", Symbology::Ean8, false),
        (b"]A0", Symbology::Code39, false),
        (b"]J1", Symbology::DotCode, true),
        (b"]L2", Symbology::Pdf417, false),
    ];
    for (bytes, sym, gs1) in cases {
        let a = Aim::parse(bytes).unwrap();
        assert_eq!(a.symbology(), sym, "{a}");
        assert_eq!(a.is_gs1(), gs1, "{a}");
        assert_eq!(&a.to_bytes(), bytes);
    }
    assert!(Aim::parse(b"[d2").is_err());
    assert!(Aim::parse(b"]2d").is_err());
    assert!(Aim::parse(b"]d\x1d").is_err());
}

// ---- HID POS ----------------------------------------------------------------

#[test]
fn hidpos_single_report_honeywell_layout() {
    // Honeywell HID POS: id 2, length, AIM, data, Code ID 'j' at 61, flag at 63.
    let r = report(7, b"]C0", b"MRN0042", b'j', false);
    let mut d = HidPosDecoder::new(HidPosLayout::STANDARD);
    let f = d.push(&r).unwrap().unwrap();
    assert_eq!(
        f,
        Frame {
            aim: Some(Aim::parse(b"]C0").unwrap()),
            data: b"MRN0042".to_vec()
        }
    );
}

#[test]
fn hidpos_access_is_60_byte_code_in_56_plus_4() {
    // Access-IS manual: a 60-byte code as a 56-byte report with byte 63 = 1 and
    // a 4-byte report with byte 63 = 0, unused bytes zero.
    let code: Vec<u8> = (0..60).map(|i| b'0' + (i % 10) as u8).collect();
    let first = report(56, b"]d1", &code[..56], b'w', true);
    let last = report(4, b"]d1", &code[56..], b'w', false);
    let mut d = HidPosDecoder::new(HidPosLayout::STANDARD);
    assert_eq!(d.push(&first), Ok(None));
    assert!(d.in_progress());
    let f = d.push(&last).unwrap().unwrap();
    assert_eq!(f.data, code);
    assert_eq!(f.aim.unwrap().to_string(), "]d1");
}

#[test]
fn hidpos_qemu_trace_two_reports_with_zero_length_completion() {
    // Recorded in the QEMU guest (f_hid gadget, 64-byte reports): report,
    // zero-length completion, report.
    let first = report(56, b"]d2", &WRISTBAND[..56], 0, true);
    let last = report(43, b"]d2", &WRISTBAND[56..], 0, false);
    assert_eq!(WRISTBAND.len(), 99);
    let mut d = HidPosDecoder::new(HidPosLayout::STANDARD);
    assert_eq!(d.push(&first), Ok(None));
    assert_eq!(d.push(&[]), Ok(None));
    let f = d.push(&last).unwrap().unwrap();
    assert_eq!(f.data, WRISTBAND);
    assert!(f.is_gs1());
    // And the encoder used by the gadget produces exactly these reports.
    let enc = encode_reports(&HidPosLayout::STANDARD, f.aim, WRISTBAND);
    assert_eq!(enc[0][..61], first[..61]);
    assert_eq!(enc[1][..61], last[..61]);
}

#[test]
fn hidpos_empty_report_between_scans_is_ignored() {
    let mut d = HidPosDecoder::new(HidPosLayout::STANDARD);
    assert_eq!(d.push(&report(0, b"\0\0\0", b"", 0, false)), Ok(None));
    assert!(!d.in_progress());
}

#[test]
fn hidpos_aim_in_data_when_field_empty() {
    let mut d = HidPosDecoder::new(HidPosLayout::STANDARD);
    let f = d
        .push(&report(6, b"\0\0\0", b"]E0123", 0, false))
        .unwrap()
        .unwrap();
    assert_eq!(f.aim.unwrap().to_string(), "]E0");
    assert_eq!(f.data, b"123");
}

#[test]
fn hidpos_faults_drop_the_rest_of_the_scan() {
    let mut d = HidPosDecoder::new(HidPosLayout::STANDARD);
    let mut bad = report(56, b"]d2", &[b'1'; 56], 0, true);
    bad[1] = 57; // more than fits
    assert_eq!(
        d.push(&bad),
        Err(HidPosError::BadLength {
            declared: 57,
            max: 56
        })
    );
    // The tail of that scan must not come out as a scan of its own.
    assert_eq!(d.push(&report(3, b"]d2", b"end", 0, false)), Ok(None));
    // The next scan is clean.
    let f = d
        .push(&report(2, b"]C0", b"ok", 0, false))
        .unwrap()
        .unwrap();
    assert_eq!(f.data, b"ok");
}

#[test]
fn hidpos_aim_change_mid_scan_is_a_fault() {
    let mut d = HidPosDecoder::new(HidPosLayout::STANDARD);
    assert_eq!(d.push(&report(56, b"]d2", &[b'1'; 56], 0, true)), Ok(None));
    assert_eq!(
        d.push(&report(1, b"]C0", b"2", 0, false)),
        Err(HidPosError::AimChanged)
    );
    assert!(!d.in_progress());
}

#[test]
fn hidpos_short_foreign_and_abort() {
    let mut d = HidPosDecoder::new(HidPosLayout::STANDARD);
    assert_eq!(
        d.push(&[2, 1, b']']),
        Err(HidPosError::Short { len: 3, need: 64 })
    );
    let mut foreign = report(1, b"]C0", b"x", 0, false);
    foreign[0] = 1;
    assert_eq!(
        d.push(&foreign),
        Err(HidPosError::ForeignReport { found: 1 })
    );
    assert_eq!(d.push(&report(56, b"]d2", &[b'1'; 56], 0, true)), Ok(None));
    assert_eq!(d.abort(), Some(HidPosError::Incomplete { len: 56 }));
    assert_eq!(d.abort(), None);
}

#[test]
fn hidpos_too_long_is_refused() {
    let mut d = HidPosDecoder::new(HidPosLayout::STANDARD);
    let chunk = report(56, b"]d1", &[b'x'; 56], 0, true);
    let mut result = Ok(None);
    for _ in 0..200 {
        result = d.push(&chunk);
        if result.is_err() {
            break;
        }
    }
    assert_eq!(result, Err(HidPosError::TooLong { max: 8192 }));
}

// ---- serial -------------------------------------------------------------------

fn frames(cfg: SerialConfig, input: &[u8]) -> Vec<Result<Frame, SerialError>> {
    let mut f = SerialFramer::new(cfg);
    let mut out = Vec::new();
    f.push(input, &mut out);
    out
}

#[test]
fn serial_suffixes() {
    for (suffix, input) in [
        (Suffix::Cr, &b"]C0A\r"[..]),
        (Suffix::Lf, b"]C0A\n"),
        (Suffix::Lf, b"]C0A\r\n"),
        (Suffix::CrLf, b"]C0A\r\n"),
        (Suffix::Etx, b"]C0A\x03"),
        (Suffix::Tab, b"]C0A\t"),
    ] {
        let cfg = SerialConfig {
            terminator: Terminator::Suffix(suffix),
            ..Default::default()
        };
        let out = frames(cfg, input);
        assert_eq!(out.len(), 1, "{suffix:?}");
        assert_eq!(out[0].as_ref().unwrap().data, b"A", "{suffix:?}");
    }
}

#[test]
fn serial_gs_kept_and_noise_skipped() {
    let out = frames(
        SerialConfig::default(),
        b"\0\x11\n]d28018952000099900012352\x1d80191\r\n\x13]C0B\r",
    );
    assert_eq!(out.len(), 2);
    assert_eq!(
        out[0].as_ref().unwrap().data,
        b"8018952000099900012352\x1d80191"
    );
    assert_eq!(out[1].as_ref().unwrap().data, b"B");
}

#[test]
fn serial_missing_suffix_is_never_glued() {
    let mut f = SerialFramer::new(SerialConfig::default());
    let mut out = Vec::new();
    f.push(b"]C0PART", &mut out);
    assert!(out.is_empty());
    assert_eq!(
        f.flush_idle(),
        Some(Err(SerialError::Incomplete { len: 7 }))
    );
    f.push(b"]C0NEXT\r", &mut out);
    assert_eq!(out[0].as_ref().unwrap().data, b"NEXT");
}

#[test]
fn serial_idle_framing_and_prefix() {
    let cfg = SerialConfig {
        terminator: Terminator::Idle,
        prefix: b"@".to_vec(),
        ..Default::default()
    };
    let mut f = SerialFramer::new(cfg);
    let mut out = Vec::new();
    f.push(b"@]E09501101530003", &mut out);
    assert!(out.is_empty());
    let fr = f.flush_idle().unwrap().unwrap();
    assert_eq!(
        (fr.aim.unwrap().to_string(), fr.data),
        ("]E0".into(), b"9501101530003".to_vec())
    );
    f.push(b"]E0950", &mut out);
    assert_eq!(f.flush_idle(), Some(Err(SerialError::MissingPrefix)));
}

#[test]
fn serial_stx_etx_packets() {
    let cfg = SerialConfig {
        terminator: Terminator::StxEtx,
        ..Default::default()
    };
    let out = frames(cfg.clone(), b"\x06\x02]C0A\x03\r\n\x02\x03xx\x02]C0B\x03");
    assert_eq!(out.len(), 2);
    assert_eq!(out[1].as_ref().unwrap().data, b"B");
    // A packet cut by a new STX is reported, not joined.
    let out = frames(cfg, b"\x02]C0CUT\x02]C0OK\x03");
    assert_eq!(out[0], Err(SerialError::Incomplete { len: 6 }));
    assert_eq!(out[1].as_ref().unwrap().data, b"OK");
}

#[test]
fn serial_overlong_frame_dropped_up_to_suffix() {
    let cfg = SerialConfig {
        max_len: 8,
        ..Default::default()
    };
    let out = frames(cfg, b"]C0123456789\r]C0OK\r");
    assert_eq!(out[0], Err(SerialError::TooLong { max: 8 }));
    assert_eq!(out[1].as_ref().unwrap().data, b"OK");
}

// ---- keyboard wedge --------------------------------------------------------------

fn boot(reports: &[[u8; 8]], cfg: WedgeConfig) -> Vec<Result<Frame, WedgeError>> {
    let mut b = BootReportDecoder::new();
    let mut w = WedgeDecoder::new(cfg);
    let mut keys = Vec::new();
    for r in reports {
        b.report(r, &mut keys).unwrap();
    }
    keys.into_iter().filter_map(|k| w.key(k)).collect()
}

const UP: [u8; 8] = [0; 8];

fn key(m: u8, k: u8) -> [u8; 8] {
    [m, 0, k, 0, 0, 0, 0, 0]
}

#[test]
fn wedge_boot_reports_ctrl_bracket_gs() {
    // "]C1" "01" Ctrl+] "1" Enter, as a US-layout scanner types it (press, release).
    let reports = [
        key(0, 0x30),
        UP,
        key(0x02, 0x06),
        key(0x02, 0),
        UP,
        key(0, 0x1E),
        UP, // ] C(shift) 1
        key(0, 0x27),
        UP,
        key(0, 0x1E),
        UP, // 0 1
        key(0x01, 0),
        key(0x01, 0x30),
        key(0x01, 0),
        UP, // Ctrl+]
        key(0, 0x1E),
        UP,
        key(0, 0x28),
        UP,
    ];
    let out = boot(
        &reports,
        WedgeConfig {
            layout: Layout::Us,
            ..Default::default()
        },
    );
    assert_eq!(out.len(), 1);
    let f = out[0].as_ref().unwrap();
    assert_eq!(f.aim.unwrap().to_string(), "]C1");
    assert_eq!(f.data, b"01\x1d1");
}

#[test]
fn wedge_alt_0029_gs() {
    // Left Alt held, keypad 0 0 2 9, Alt released.
    let reports = [
        key(0, 0x1E),
        UP,
        key(0x04, 0),
        key(0x04, 0x62),
        key(0x04, 0),
        key(0x04, 0x62),
        key(0x04, 0),
        key(0x04, 0x5A),
        key(0x04, 0),
        key(0x04, 0x61),
        key(0x04, 0),
        UP,
        key(0, 0x1F),
        UP,
        key(0, 0x58),
        UP,
    ];
    let out = boot(&reports, WedgeConfig::default());
    assert_eq!(out[0].as_ref().unwrap().data, b"1\x1d2");
}

#[test]
fn wedge_uk_and_us_layouts_differ_where_they_should() {
    // Shift+2 and Shift+' : UK types " and @, US types @ and ".
    let reports = [
        key(0x02, 0x1F),
        UP,
        key(0x20, 0x34),
        UP,
        key(0x02, 0x20),
        UP,
        key(0, 0x32),
        UP,
        key(0, 0x28),
        UP,
    ];
    let uk = boot(
        &reports,
        WedgeConfig {
            layout: Layout::Uk,
            ..Default::default()
        },
    );
    let us = boot(
        &reports,
        WedgeConfig {
            layout: Layout::Us,
            ..Default::default()
        },
    );
    assert_eq!(uk[0].as_ref().unwrap().data, "\"@£#".as_bytes());
    assert_eq!(us[0].as_ref().unwrap().data, b"@\"#\\");
}

#[test]
fn wedge_substitute_only_in_gs1_frames() {
    let cfg = WedgeConfig {
        gs_substitute: Some('|'),
        ..Default::default()
    };
    let mut w = WedgeDecoder::new(cfg);
    let mut out = Vec::new();
    for text in ["]d2010950600013435210A|17261231", "]C0A|B"] {
        for k in KeyEvent::type_str(text, Layout::Uk).unwrap() {
            out.extend(w.key(k));
        }
        out.extend(w.key(KeyEvent::press(0x28)));
    }
    assert_eq!(
        out[0].as_ref().unwrap().data,
        b"010950600013435210A\x1d17261231"
    );
    assert_eq!(out[1].as_ref().unwrap().data, b"A|B");
}

#[test]
fn wedge_unmapped_key_and_chords_fail_the_frame() {
    let out = boot(
        &[
            key(0, 0x1E),
            UP,
            key(0, 0x3A),
            UP,
            key(0, 0x1E),
            UP,
            key(0, 0x28),
            UP,
        ],
        WedgeConfig::default(),
    );
    assert_eq!(out, [Err(WedgeError::UnmappedKey { usage: 0x3A })]);
    let out = boot(
        &[key(0x08, 0x04), UP, key(0, 0x28), UP],
        WedgeConfig::default(),
    );
    assert!(matches!(out[0], Err(WedgeError::UnexpectedChord { .. })));
    let mut b = BootReportDecoder::new();
    assert_eq!(
        b.report(&[0, 0, 1, 1, 1, 1, 1, 1], &mut Vec::new()),
        Err(WedgeError::Rollover)
    );
}

#[test]
fn wedge_idle_terminator_and_incomplete() {
    let mut w = WedgeDecoder::new(WedgeConfig {
        terminator: WedgeTerminator::Idle,
        ..Default::default()
    });
    for k in KeyEvent::type_str("]E09501101530003", Layout::Uk).unwrap() {
        assert!(w.key(k).is_none());
    }
    assert_eq!(w.flush_idle().unwrap().unwrap().data, b"9501101530003");
    let mut w = WedgeDecoder::new(WedgeConfig::default());
    for k in KeyEvent::type_str("ABC", Layout::Uk).unwrap() {
        w.key(k);
    }
    assert_eq!(w.flush_idle(), Some(Err(WedgeError::Incomplete { len: 3 })));
}

#[test]
fn evdev_records_ctrl_rightbrace() {
    // EV_MSC scan code, EV_KEY, EV_SYN as the kernel emits them (x86_64 layout).
    let s = EventSize::Time64;
    let mut bytes = Vec::new();
    for (ty, code, value) in [
        (4u16, 4u16, 0x7001e),
        (1, 2, 1),
        (0, 0, 0),
        (1, 2, 0),
        (0, 0, 0), // "1"
        (1, 29, 1),
        (1, 27, 1),
        (1, 27, 2),
        (1, 27, 0),
        (1, 29, 0), // Ctrl+] with a repeat
        (1, 3, 1),
        (1, 3, 0),
        (1, 28, 1),
        (1, 28, 0), // "2" Enter
    ] {
        bytes.extend(EvdevDecoder::encode(s, ty, code, value));
    }
    let mut d = EvdevDecoder::new(s);
    let mut keys = Vec::new();
    // Split mid-record to prove reassembly.
    d.push(&bytes[..37], &mut keys);
    d.push(&bytes[37..], &mut keys);
    let mut w = WedgeDecoder::new(WedgeConfig::default());
    let out: Vec<_> = keys.into_iter().filter_map(|k| w.key(k)).collect();
    assert_eq!(out[0].as_ref().unwrap().data, b"1\x1d2");
}

// ---- properties -----------------------------------------------------------------

fn aim_strategy() -> impl Strategy<Value = Option<Aim>> {
    prop_oneof![
        Just(None),
        prop::sample::select(vec![
            &b"]d2"[..],
            b"]d1",
            b"]C1",
            b"]C0",
            b"]Q3",
            b"]e0",
            b"]E0"
        ])
        .prop_map(|a| Some(Aim::parse(a).unwrap())),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn hidpos_round_trip(aim in aim_strategy(), data in prop::collection::vec(any::<u8>(), 1..1500), gaps in prop::collection::vec(any::<bool>(), 0..40)) {
        // Data must not start with an AIM-looking prefix when the field is empty.
        prop_assume!(aim.is_some() || Aim::parse(&data).is_err());
        let mut d = HidPosDecoder::new(HidPosLayout::STANDARD);
        let mut got = Vec::new();
        for (i, r) in encode_reports(&HidPosLayout::STANDARD, aim, &data).iter().enumerate() {
            if gaps.get(i).copied().unwrap_or(false) {
                prop_assert_eq!(d.push(&[]), Ok(None));
            }
            if let Some(f) = d.push(r).unwrap() { got.push(f); }
        }
        prop_assert_eq!(got, vec![Frame { aim, data }]);
    }

    #[test]
    fn hidpos_never_panics(reports in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..80), 0..20)) {
        let mut d = HidPosDecoder::new(HidPosLayout::STANDARD);
        for r in &reports {
            if let Ok(Some(f)) = d.push(r) {
                prop_assert!(f.data.len() <= 8192);
            }
        }
        d.abort();
        let f = d.push(&report(2, b"]C0", b"ok", 0, false)).unwrap().unwrap();
        prop_assert_eq!(f.data, b"ok".to_vec());
    }

    #[test]
    fn serial_round_trip_any_split(scans in prop::collection::vec(prop::collection::vec(0x1du8..0x7f, 1..200), 1..20), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..10)) {
        let mut stream = Vec::new();
        for s in &scans {
            stream.extend_from_slice(b"]d2");
            stream.extend_from_slice(s);
            stream.push(b'\r');
        }
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(stream.len())).collect();
        points.sort_unstable();
        let mut f = SerialFramer::new(SerialConfig::default());
        let mut out = Vec::new();
        let mut at = 0;
        for p in points.into_iter().chain([stream.len()]) {
            f.push(&stream[at..p], &mut out);
            at = p;
        }
        let got: Vec<Vec<u8>> = out.into_iter().map(|r| r.unwrap().data).collect();
        prop_assert_eq!(got, scans);
    }

    #[test]
    fn serial_never_panics_and_never_exceeds_max(bytes in prop::collection::vec(any::<u8>(), 0..4000), max in 1usize..300, mode in 0u8..4) {
        let terminator = match mode { 0 => Terminator::Idle, 1 => Terminator::StxEtx, 2 => Terminator::Suffix(Suffix::CrLf), _ => Terminator::Suffix(Suffix::Etx) };
        let mut f = SerialFramer::new(SerialConfig { terminator, max_len: max, ..Default::default() });
        let mut out = Vec::new();
        f.push(&bytes, &mut out);
        out.extend(f.flush_idle());
        for r in out.into_iter().flatten() {
            prop_assert!(r.data.len() + 3 <= max + 3);
        }
    }

    #[test]
    fn wedge_round_trip(text in "[ -~]{1,120}", uk in any::<bool>(), gs_at in prop::collection::vec(any::<prop::sample::Index>(), 0..4)) {
        let layout = if uk { Layout::Uk } else { Layout::Us };
        let mut data: Vec<char> = text.chars().collect();
        for g in gs_at { let i = g.index(data.len() + 1); data.insert(i, '\u{1d}'); }
        let typed: String = data.iter().collect();
        let keys = KeyEvent::type_str(&typed, layout);
        // '£' and '¬' are not in [ -~]; every printable ASCII character has a key on both layouts.
        let keys = keys.unwrap();
        let mut w = WedgeDecoder::new(WedgeConfig { layout, ..Default::default() });
        let mut out: Vec<_> = keys.into_iter().filter_map(|k| w.key(k)).collect();
        out.extend(w.key(KeyEvent::press(0x28)));
        prop_assert_eq!(out.len(), 1);
        let f = out.pop().unwrap().unwrap();
        prop_assert_eq!(f.scan_data(), typed.into_bytes());
    }

    #[test]
    fn wedge_boot_and_evdev_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let mut b = BootReportDecoder::new();
        let mut e = EvdevDecoder::new(EventSize::Time64);
        let mut w = WedgeDecoder::new(WedgeConfig { max_len: 64, ..Default::default() });
        let mut keys = Vec::new();
        for r in bytes.chunks(8) { let _ = b.report(r, &mut keys); }
        e.push(&bytes, &mut keys);
        for k in keys { if let Some(Ok(f)) = w.key(k) { prop_assert!(f.data.len() <= 64); } }
        let _ = w.flush_idle();
    }
}

//! Fuzzes `bedside_scanner::decode::serial::SerialFramer` in every framing mode
//! (CR, CR LF, LF, ETX suffix; idle gap; STX/ETX packets; with and without a
//! prefix), feeding the input whole and byte by byte, with idle flushes where
//! the input has 0xFF.
//!
//! Asserts: no panic; no frame longer than the configured maximum; the frames
//! are the same whatever the read boundaries (whole vs byte-by-byte); in
//! suffix mode no frame contains the suffix byte.
#![no_main]

use bedside_scanner::decode::serial::{SerialConfig, SerialFramer, Suffix, Terminator};
use libfuzzer_sys::fuzz_target;

fn run(cfg: &SerialConfig, data: &[u8], bytewise: bool) -> Vec<String> {
    let mut f = SerialFramer::new(cfg.clone());
    let mut out = Vec::new();
    let mut log = Vec::new();
    for part in data.split(|&b| b == 0xFF) {
        if bytewise {
            for &b in part {
                out.extend(f.push_byte(b));
            }
        } else {
            f.push(part, &mut out);
        }
        out.extend(f.flush_idle());
    }
    for r in out {
        match r {
            Ok(frame) => {
                assert!(frame.scan_data().len() <= cfg.max_len);
                if let Terminator::Suffix(s) = cfg.terminator {
                    assert!(!frame.data.contains(&s.byte()));
                }
                log.push(format!("ok {:?}", frame));
            }
            Err(e) => log.push(format!("err {e:?}")),
        }
    }
    log
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, data)) = data.split_first() else { return };
    let terminator = match mode % 7 {
        0 => Terminator::Suffix(Suffix::Cr),
        1 => Terminator::Suffix(Suffix::CrLf),
        2 => Terminator::Suffix(Suffix::Lf),
        3 => Terminator::Suffix(Suffix::Etx),
        4 => Terminator::Suffix(Suffix::Tab),
        5 => Terminator::Idle,
        _ => Terminator::StxEtx,
    };
    let cfg = SerialConfig {
        terminator,
        prefix: if mode & 0x80 != 0 { b"@".to_vec() } else { Vec::new() },
        max_len: 1 + usize::from(mode >> 3) * 8,
        ..SerialConfig::default()
    };
    assert_eq!(run(&cfg, data, false), run(&cfg, data, true), "read boundaries changed the frames");
});

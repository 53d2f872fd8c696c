//! Parsing and validation: every input form ends in the same element checks
//! and the same message rules, so a verdict never depends on how data arrived.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use crate::Ai;
use crate::dict::{Dictionary, Entry};
use crate::error::{Error, ErrorKind};
use crate::lint::Linter;
use crate::message::{Kind, MAX_AIS, MAX_INPUT, Message, Slot, Slots};

pub(crate) mod dl;
mod rules;
mod scan;

pub use scan::{Content, Scan, Symbology};

/// FNC1 in the `^` (unbracketed) form.
pub(crate) const CARET: u8 = b'^';
/// The ASCII group separator that readers transmit for FNC1.
pub const GS: u8 = 0x1d;

/// Parsing options. The defaults are the strict ones.
///
/// ```
/// use bedside_gs1::Options;
/// let o = Options::default();
/// assert!(o.validate_requisites);
/// assert!(o.strip_line_endings);
/// assert!(o.gs_substitute.is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options<'s> {
    /// Check `req=` rules. Turn off only to validate part of a label; re-check once
    /// the data of every carrier on the item is combined.
    pub validate_requisites: bool,
    /// Accept a 13-, 12- or 8-digit GTIN in a Digital Link URI and pad it to 14.
    pub permit_zero_suppressed_gtin_in_dl: bool,
    /// Remove trailing CR and LF that keyboard-wedge scanners append.
    pub strip_line_endings: bool,
    /// A string some scanners send instead of GS (0x1D), e.g. `"<GS>"` or `"~"`;
    /// replaced by GS in scan data and element strings before parsing.
    pub gs_substitute: Option<&'s str>,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            validate_requisites: true,
            permit_zero_suppressed_gtin_in_dl: false,
            strip_line_endings: true,
            gs_substitute: None,
        }
    }
}

/// A parser bound to a dictionary and options. Cheap to copy; share freely.
///
/// ```
/// use bedside_gs1::{Parser, Options, dict::Dictionary};
/// let p = Parser::new(Dictionary::embedded(), Options { gs_substitute: Some("~"), ..Options::default() });
/// let scan = p.scan(b"]d2010950600013435210AB1~17261231\r\n").unwrap();
/// assert_eq!(scan.message().unwrap().to_bracketed(), "(01)09506000134352(10)AB1(17)261231");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Parser<'d> {
    pub(crate) dict: &'d Dictionary,
    pub(crate) opts: Options<'d>,
}

impl Default for Parser<'static> {
    fn default() -> Self {
        Parser::new(Dictionary::embedded(), Options::default())
    }
}

impl<'d> Parser<'d> {
    /// A parser over `dict` with `opts`.
    ///
    /// ```
    /// use bedside_gs1::{Parser, Options, dict::Dictionary};
    /// let p = Parser::new(Dictionary::embedded(), Options::default());
    /// assert!(p.bracketed("(01)09506000134352").is_ok());
    /// ```
    pub fn new(dict: &'d Dictionary, opts: Options<'d>) -> Parser<'d> {
        Parser { dict, opts }
    }

    /// The dictionary in use.
    ///
    /// ```
    /// let p = bedside_gs1::Parser::default();
    /// assert_eq!(p.dictionary().ai_count(), 541);
    /// ```
    pub fn dictionary(&self) -> &'d Dictionary {
        self.dict
    }

    /// The options in use.
    ///
    /// ```
    /// assert!(bedside_gs1::Parser::default().options().validate_requisites);
    /// ```
    pub fn options(&self) -> &Options<'d> {
        &self.opts
    }

    /// Parses bracketed AI syntax, `(01)09506000134352(17)261231(10)AB1`; a literal
    /// `(` in a value is written `\(`; `|` separates a composite component.
    ///
    /// ```
    /// let p = bedside_gs1::Parser::default();
    /// let m = p.bracketed("(01)09506000134352(10)AB\\(1").unwrap();
    /// assert_eq!(m.get_str("10"), Some("AB(1"));
    /// ```
    pub fn bracketed<'a>(&self, input: &'a str) -> Result<Message<'a>, Error> {
        // Bracketed text may be one byte longer than the other forms: it has no
        // leading FNC1. Beyond that it is refused whole, as the engine does.
        let bytes = input.as_bytes();
        check_input_len(bytes.len().saturating_sub(1))?;
        let mut msg = if bytes.windows(2).any(|w| w == b"\\(") {
            Message::empty(Cow::Owned(Vec::with_capacity(bytes.len())))
        } else {
            Message::empty(Cow::Borrowed(bytes))
        };
        let (linear, cc) = split_composite(bytes);
        // As in the unbracketed form, a composite component may stand alone
        // (`|(10)AB1`): that is what `to_bracketed` writes for such a message.
        if !(cc.is_some() && linear.is_empty()) {
            self.bracketed_part(linear, 0, &mut msg)?;
        }
        if let Some(cc) = cc {
            msg.composite_at = Some(msg.slots.len() as u8);
            self.bracketed_part(cc, linear.len() + 1, &mut msg)?;
        }
        // Phase 2: component checks, in order, only after every AI's length passed.
        for s in msg.slots.as_slice() {
            self.check_value(s, msg.value_of(s), usize::from(s.src))?;
        }
        rules::validate(self, &msg)?;
        Ok(msg)
    }

    fn bracketed_part(&self, data: &[u8], base: usize, msg: &mut Message<'_>) -> Result<(), Error> {
        let mut p = 0;
        if data.is_empty() {
            return Err(Error::new(ErrorKind::BadBracketSyntax, None, base, 0));
        }
        while p < data.len() {
            if data[p] != b'(' {
                return Err(Error::new(ErrorKind::BadBracketSyntax, None, base + p, 1));
            }
            let ai_start = p + 1;
            let close = data[ai_start..]
                .iter()
                .position(|&b| b == b')')
                .map(|i| ai_start + i)
                .ok_or_else(|| Error::new(ErrorKind::BadBracketSyntax, None, base + p, 1))?;
            let ai_text = &data[ai_start..close];
            let ai = Ai::new(ai_text);
            let entry_index = ai.and_then(|ai| self.dict.entry_index(ai));
            let (ai, entry_index) = match (ai, entry_index) {
                (Some(ai), Some(i)) => (ai, i),
                _ => {
                    return Err(Error::new(
                        ErrorKind::UnknownAi,
                        ai,
                        base + ai_start,
                        ai_text.len(),
                    ));
                }
            };
            let entry = self.entry(entry_index);
            let vstart = close + 1;
            if vstart >= data.len() {
                return Err(Error::new(
                    ErrorKind::MissingValue,
                    Some(ai),
                    base + close,
                    1,
                ));
            }
            // The value runs to the next unescaped '('.
            let mut q = vstart;
            let buf_start;
            match &mut msg.buf {
                Cow::Borrowed(_) => {
                    while q < data.len() && data[q] != b'(' {
                        q += 1;
                    }
                    buf_start = base + vstart;
                }
                Cow::Owned(out) => {
                    buf_start = out.len();
                    while q < data.len() {
                        if data[q] == b'(' {
                            if q > vstart && data[q - 1] == b'\\' {
                                out.pop();
                                out.push(b'(');
                                q += 1;
                                continue;
                            }
                            break;
                        }
                        out.push(data[q]);
                        q += 1;
                    }
                }
            }
            let value_len = match &msg.buf {
                Cow::Borrowed(_) => q - vstart,
                Cow::Owned(out) => out.len() - buf_start,
            };
            let value = msg
                .buf
                .get(buf_start..buf_start + value_len)
                .unwrap_or_default();
            length_content_check(ai, entry, value, base + vstart)?;
            push(
                &mut msg.slots,
                Slot {
                    ai: Some(ai),
                    entry: entry_index as u16,
                    start: buf_start as u16,
                    len: value_len as u16,
                    src: (base + vstart) as u16,
                    fnc1: entry.fnc1_required(),
                    dl_attr: entry.is_dl_attribute(),
                    kind: Kind::Value,
                },
                base + p,
            )?;
            p = q;
        }
        Ok(())
    }

    /// Parses the unbracketed `^` form, `^010950600013435217261231^10AB1`
    /// (`^` is FNC1 and must come first); `|` separates a composite component.
    ///
    /// ```
    /// let m = bedside_gs1::Parser::default().unbracketed("^010950600013435217261231^10AB1").unwrap();
    /// assert_eq!(m.to_bracketed(), "(01)09506000134352(17)261231(10)AB1");
    /// ```
    pub fn unbracketed<'a>(&self, input: &'a str) -> Result<Message<'a>, Error> {
        let bytes = input.as_bytes();
        check_input_len(bytes.len())?;
        let mut msg = Message::empty(Cow::Borrowed(bytes));
        let (linear, cc) = split_composite(bytes);
        if !(cc.is_some() && linear.is_empty()) {
            self.caret_part(linear, 0, &mut msg.slots)?;
        }
        if let Some(cc) = cc {
            msg.composite_at = Some(msg.slots.len() as u8);
            self.caret_part(cc, linear.len() + 1, &mut msg.slots)?;
        }
        rules::validate(self, &msg)?;
        Ok(msg)
    }

    fn caret_part(&self, data: &[u8], base: usize, slots: &mut Slots) -> Result<(), Error> {
        match data.first() {
            Some(&CARET) => {}
            _ => return Err(Error::new(ErrorKind::MissingFnc1, None, base, 0)),
        }
        self.ai_data(&data[1..], base + 1, base + 1, CARET, slots)
    }

    /// Parses a raw element string as a reader transmits it without a symbology
    /// identifier: AIs and values, GS (0x1D) after each variable-length value.
    ///
    /// ```
    /// let p = bedside_gs1::Parser::default();
    /// let m = p.element_string(b"010950600013435210AB1\x1d17261231").unwrap();
    /// assert_eq!(m.get_str("17"), Some("261231"));
    /// // A GS after a fixed-length value is allowed too.
    /// assert!(p.element_string(b"0109506000134352\x1d10AB1").is_ok());
    /// ```
    pub fn element_string<'a>(&self, input: &'a [u8]) -> Result<Message<'a>, Error> {
        let input = self.prepare(input);
        check_input_len(input.len())?;
        let mut msg = Message::empty(input);
        self.gs_message(&mut msg, 0)?;
        Ok(msg)
    }

    /// Parses and validates the AI data in `msg.buf[start..]`, with GS for
    /// FNC1, into `msg`.
    ///
    /// A `^` anywhere in the data is refused before any other error, as the
    /// reference engine does. No character set admits `^` and separators are
    /// GS, so data that passes every check holds none: the search for one is
    /// needed only to name a failure, and runs only then.
    pub(crate) fn gs_message(&self, msg: &mut Message<'_>, start: usize) -> Result<(), Error> {
        let data = msg.buf.get(start..).unwrap_or_default();
        let parsed = self
            .ai_data(data, start, start, GS, &mut msg.slots)
            .and_then(|()| rules::validate(self, msg));
        parsed.map_err(|e| match data.iter().position(|&b| b == CARET) {
            Some(i) => Error::new(ErrorKind::IllegalCaret, None, start + i, 1),
            None => e,
        })
    }

    /// Removes line endings and replaces a configured GS substitute.
    pub(crate) fn prepare<'a>(&self, input: &'a [u8]) -> Cow<'a, [u8]> {
        let input = self.trim_line_endings(input);
        match self.opts.gs_substitute.map(str::as_bytes) {
            Some(sub) if !sub.is_empty() && input.windows(sub.len()).any(|w| w == sub) => {
                let mut out = Vec::with_capacity(input.len());
                let mut i = 0;
                while i < input.len() {
                    if input[i..].starts_with(sub) {
                        out.push(GS);
                        i += sub.len();
                    } else {
                        out.push(input[i]);
                        i += 1;
                    }
                }
                Cow::Owned(out)
            }
            _ => Cow::Borrowed(input),
        }
    }

    /// `input` without trailing CR/LF when `strip_line_endings` is on.
    pub(crate) fn trim_line_endings<'a>(&self, input: &'a [u8]) -> &'a [u8] {
        let mut end = input.len();
        if self.opts.strip_line_endings {
            while end > 0 && matches!(input[end - 1], b'\r' | b'\n') {
                end -= 1;
            }
        }
        &input[..end]
    }

    pub(crate) fn entry(&self, i: usize) -> &'d Entry {
        // Indices come from the dictionary's own index.
        match self.dict.entry_at(i) {
            Some(e) => e,
            None => &self.dict.entries()[0],
        }
    }

    /// Processes AI data where `sep` stands for FNC1 (the reference engine's
    /// algorithm: the AI by prefix, the value to the next separator or the
    /// predefined length, components checked as they are consumed).
    /// `data` lies at `buf_base` in the message buffer and at `base` in the input.
    pub(crate) fn ai_data(
        &self,
        data: &[u8],
        base: usize,
        buf_base: usize,
        sep: u8,
        slots: &mut Slots,
    ) -> Result<(), Error> {
        if data.is_empty() {
            return Err(Error::new(ErrorKind::NoData, None, base, 0));
        }
        let mut p = 0;
        while p < data.len() {
            let (ai, entry_index) = self.dict.lookup_prefix_index(&data[p..]).ok_or_else(|| {
                Error::new(
                    ErrorKind::UnknownAi,
                    None,
                    base + p,
                    data.len().saturating_sub(p).min(4),
                )
            })?;
            let entry = self.entry(entry_index);
            let ai_at = p;
            p += ai.len();
            // The value runs to the next separator, and a predefined-length
            // value no further than its length (so the search stops there too).
            let end = if entry.fnc1_required() {
                data.len()
            } else {
                data.len().min(p + entry.max_length())
            };
            let window = data.get(p..end).unwrap_or_default();
            let r = p + window
                .iter()
                .position(|&b| b == sep)
                .unwrap_or(window.len());
            let consumed = self.check_value_raw(ai, entry, &data[p..r], base + p)?;
            push(
                slots,
                Slot {
                    ai: Some(ai),
                    entry: entry_index as u16,
                    start: (buf_base + p) as u16,
                    len: consumed as u16,
                    src: (base + p) as u16,
                    fnc1: entry.fnc1_required(),
                    dl_attr: entry.is_dl_attribute(),
                    kind: Kind::Value,
                },
                base + ai_at,
            )?;
            p += consumed;
            if entry.fnc1_required() && p < data.len() && data[p] != sep {
                return Err(Error::new(
                    ErrorKind::ValueTooLong {
                        max: entry.max_length(),
                    },
                    Some(ai),
                    base + p,
                    0,
                ));
            }
            if p < data.len() && data[p] == sep {
                p += 1;
            }
        }
        Ok(())
    }

    fn check_value(&self, s: &Slot, value: &[u8], src: usize) -> Result<(), Error> {
        let ai = match s.ai {
            Some(ai) => ai,
            None => return Ok(()),
        };
        let entry = self.entry(usize::from(s.entry));
        self.check_value_raw(ai, entry, value, src).map(|_| ())
    }

    /// Runs each component's length, charset and linters; returns bytes consumed.
    pub(crate) fn check_value_raw(
        &self,
        ai: Ai,
        entry: &Entry,
        value: &[u8],
        src: usize,
    ) -> Result<usize, Error> {
        if value.is_empty() {
            return Err(Error::new(ErrorKind::EmptyValue, Some(ai), src, 0));
        }
        let mut pos = 0;
        for c in entry.components() {
            let rest = value.get(pos..).unwrap_or_default();
            let complen = rest.len().min(c.max());
            if c.is_optional() && complen == 0 {
                continue;
            }
            if complen < c.min() {
                return Err(Error::new(
                    ErrorKind::ComponentLength,
                    Some(ai),
                    src + pos,
                    complen,
                ));
            }
            let comp = rest.get(..complen).unwrap_or_default();
            // The character set first, as a table walk; its linter runs only
            // to describe a failure.
            if !c.charset().admits(comp) {
                lint_failure(c.charset().linter(), ai, value, pos, comp, src)?;
            }
            for &linter in c.linters() {
                if linter.check(comp).is_err() {
                    lint_failure(linter, ai, value, pos, comp, src)?;
                }
            }
            pos += complen;
        }
        Ok(pos)
    }
}

/// The error for a component that `linter` refuses, with the value marked up
/// around the offending bytes. Kept out of line: valid data never gets here.
#[cold]
#[inline(never)]
fn lint_failure(
    linter: Linter,
    ai: Ai,
    value: &[u8],
    pos: usize,
    comp: &[u8],
    src: usize,
) -> Result<(), Error> {
    match linter.check(comp) {
        Ok(()) => Ok(()),
        Err(e) => {
            let at = pos + usize::from(e.offset);
            let len = usize::from(e.len);
            let mut markup = String::with_capacity(value.len() + 10);
            markup.push('(');
            markup.push_str(ai.as_str());
            markup.push(')');
            let show = |m: &mut String, b: &[u8]| m.extend(b.iter().map(|&c| char::from(c)));
            let end = (at + len).min(pos + comp.len());
            show(&mut markup, value.get(..at).unwrap_or_default());
            markup.push('|');
            show(&mut markup, value.get(at..end).unwrap_or_default());
            markup.push('|');
            show(
                &mut markup,
                value.get(end..pos + comp.len()).unwrap_or_default(),
            );
            let mut err = Error::new(ErrorKind::Lint(e.code), Some(ai), src + at, len);
            err.markup = Some(markup);
            Err(err)
        }
    }
}

/// The engine's parse-time check of a whole value: length bounds and no `^`.
pub(crate) fn length_content_check(
    ai: Ai,
    entry: &Entry,
    value: &[u8],
    src: usize,
) -> Result<(), Error> {
    if value.len() < entry.min_length() {
        let kind = ErrorKind::ValueTooShort {
            min: entry.min_length(),
        };
        return Err(Error::new(kind, Some(ai), src, value.len()));
    }
    if value.len() > entry.max_length() {
        let max = entry.max_length();
        return Err(Error::new(
            ErrorKind::ValueTooLong { max },
            Some(ai),
            src + max,
            value.len() - max,
        ));
    }
    if let Some(i) = value.iter().position(|&b| b == CARET) {
        return Err(Error::new(ErrorKind::IllegalCaret, Some(ai), src + i, 1));
    }
    Ok(())
}

pub(crate) fn push(slots: &mut Slots, slot: Slot, offset: usize) -> Result<(), Error> {
    if slots.push(slot) {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::TooManyAis { max: MAX_AIS },
            slot.ai,
            offset,
            0,
        ))
    }
}

pub(crate) fn check_input_len(len: usize) -> Result<(), Error> {
    if len > MAX_INPUT {
        Err(Error::new(
            ErrorKind::InputTooLong { max: MAX_INPUT },
            None,
            MAX_INPUT,
            len - MAX_INPUT,
        ))
    } else {
        Ok(())
    }
}

fn split_composite(bytes: &[u8]) -> (&[u8], Option<&[u8]>) {
    match bytes.iter().position(|&b| b == b'|') {
        Some(i) => (&bytes[..i], Some(&bytes[i + 1..])),
        None => (bytes, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorClass;

    /// The `^` search runs only when parsing fails: a `^` put anywhere in valid
    /// scan data or element strings must still be the error reported, at its
    /// position, whatever else it breaks.
    #[test]
    fn a_caret_anywhere_is_the_error_reported() {
        let p = Parser::default();
        let inputs = [
            &include_bytes!("../../benches/inputs/wristband.txt")[..],
            include_bytes!("../../benches/inputs/staff.txt"),
            include_bytes!("../../benches/inputs/location.txt"),
            include_bytes!("../../benches/inputs/medicine.txt"),
        ];
        let mut checked = 0;
        for line in inputs
            .iter()
            .flat_map(|f| f.split(|&b| b == b'\n'))
            .take(400)
        {
            if line.is_empty() {
                continue;
            }
            assert!(p.scan(line).is_ok());
            for at in 3..=line.len() {
                for replace in [false, true] {
                    let mut bad = line.to_vec();
                    if replace && at < line.len() {
                        bad[at] = CARET;
                    } else {
                        bad.insert(at, CARET);
                    }
                    let e = p.scan(&bad).unwrap_err();
                    assert_eq!(
                        (e.class(), e.offset),
                        (ErrorClass::BadCharset, at),
                        "{bad:?}"
                    );
                    assert_eq!(e.kind, ErrorKind::IllegalCaret, "{bad:?}");
                    let e = p.element_string(&bad[3..]).unwrap_err();
                    assert_eq!((e.kind, e.offset), (ErrorKind::IllegalCaret, at - 3));
                    checked += 1;
                }
            }
        }
        assert!(checked > 10_000);
    }
}

//! GS1 Digital Link URIs: `https://any.domain/any/stem/01/09506000134352/10/AB1?17=261231`.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use super::{Parser, check_input_len, length_content_check, push, rules};
use crate::Ai;
use crate::error::{Error, ErrorKind};
use crate::message::{Kind, Message, Slot};

fn is_uri_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&c)
}

fn is_bad_domain_char(c: u8) -> bool {
    b"_~?#@!$&'()*+,;=%".contains(&c)
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Why a URI component could not be percent-decoded.
pub(crate) enum Unescape {
    /// `%00`: a NUL may not be carried.
    Nul(usize),
    /// A `%` not followed by two hex digits, at this offset.
    BadPercent(usize),
}

/// Percent-decodes `input` onto `out` (`+` is a space in the query).
///
/// Stricter than the reference engine, which keeps a malformed `%` sequence as
/// data: RFC 3986 section 2.1 allows `%` only as the start of `%HH`, and a
/// Digital Link URI is an RFC 3986 URI, so `/10/AB%ZZ` is refused.
pub(crate) fn unescape(input: &[u8], query: bool, out: &mut Vec<u8>) -> Result<(), Unescape> {
    let mut i = 0;
    while i < input.len() {
        let c = input[i];
        if c == b'%' {
            let (Some(h), Some(l)) = (
                input.get(i + 1).copied().and_then(hex),
                input.get(i + 2).copied().and_then(hex),
            ) else {
                return Err(Unescape::BadPercent(i));
            };
            let b = (h << 4) | l;
            if b == 0 {
                return Err(Unescape::Nul(i));
            }
            out.push(b);
            i += 3;
            continue;
        }
        out.push(if query && c == b'+' { b' ' } else { c });
        i += 1;
    }
    Ok(())
}

fn unescape_error(e: Unescape, ai: Ai, at: usize, len: usize) -> Error {
    match e {
        Unescape::Nul(i) => Error::new(ErrorKind::DlNulInValue, Some(ai), at + i, 3),
        Unescape::BadPercent(i) => Error::new(
            ErrorKind::DlBadPercentEncoding,
            Some(ai),
            at + i,
            (len - i).min(3),
        ),
    }
}

/// One AI value as it stands in a Digital Link URI, before decoding.
struct DlValue<'u> {
    ai: Ai,
    entry_index: usize,
    raw: &'u [u8],
    /// Offset of `raw` in the input.
    src: usize,
    /// From the query (`+` is a space there, and an empty value is a query error).
    query: bool,
}

/// Percent-encodes a value for a URI path segment or query value.
pub(crate) fn escape(value: &[u8], query: bool, out: &mut alloc::string::String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &c in value {
        if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(c));
        } else if c == b' ' && query {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(c >> 4)]));
            out.push(char::from(HEX[usize::from(c & 15)]));
        }
    }
}

impl<'d> Parser<'d> {
    /// Parses a GS1 Digital Link URI with any stem: the primary key and its
    /// qualifiers from the path (in dictionary order), AI attributes from the
    /// query; other query parameters are kept and reported as ignored.
    ///
    /// ```
    /// use bedside_gs1::{Parser, ErrorClass};
    /// let p = Parser::default();
    /// let m = p.digital_link("https://example.nhs.uk/ward/01/09506000134352/10/AB1?17=261231").unwrap();
    /// assert_eq!(m.to_bracketed(), "(01)09506000134352(10)AB1(17)261231");
    /// let bad = p.digital_link("https://id.gs1.org/01/09506000134352?10=AB1").unwrap_err();
    /// assert_eq!(bad.class(), ErrorClass::DlKeyQualifier);
    /// ```
    pub fn digital_link<'a>(&self, input: &'a str) -> Result<Message<'a>, Error> {
        self.dl_from(Cow::Borrowed(input.as_bytes()), 0)
    }

    pub(crate) fn dl_from<'a>(
        &self,
        input: Cow<'a, [u8]>,
        start: usize,
    ) -> Result<Message<'a>, Error> {
        let uri = &input[start..];
        check_input_len(uri.len())?;
        let err = |kind, at: usize, len| Error::new(kind, None, start + at, len);
        if let Some(i) = uri.iter().position(|&c| !is_uri_char(c)) {
            return Err(err(ErrorKind::DlIllegalCharacter, i, 1));
        }
        let after_scheme = if uri.starts_with(b"https://") || uri.starts_with(b"HTTPS://") {
            8
        } else if uri.starts_with(b"http://") || uri.starts_with(b"HTTP://") {
            7
        } else {
            return Err(err(ErrorKind::DlScheme, 0, 0));
        };
        let mut r = after_scheme;
        while r < uri.len() && uri[r] != b'/' {
            if is_bad_domain_char(uri[r]) {
                return Err(err(ErrorKind::DlDomain, r, 1));
            }
            r += 1;
        }
        if r >= uri.len() || r == after_scheme {
            return Err(err(ErrorKind::DlMissingPath, after_scheme, 0));
        }
        let path_start = r;
        let data_end = uri[path_start..]
            .iter()
            .position(|&c| c == b'#')
            .map_or(uri.len(), |i| path_start + i);
        let (path_end, query) = match uri[path_start..data_end].iter().position(|&c| c == b'?') {
            Some(i) => (path_start + i, Some((path_start + i + 1, data_end))),
            None => (data_end, None),
        };

        // Path segments with their offsets (the path starts with '/').
        let mut segs: Vec<(usize, usize)> = Vec::new();
        let mut s = path_start + 1;
        loop {
            let e = uri[s..path_end]
                .iter()
                .position(|&c| c == b'/')
                .map_or(path_end, |i| s + i);
            segs.push((s, e));
            if e >= path_end {
                break;
            }
            s = e + 1;
        }
        let nsegs = segs.len();

        // Walk back pair by pair to the primary key.
        let mut key_at = None;
        let mut i = nsegs;
        while i >= 2 {
            let (a, b) = segs[i - 2];
            let Some(ai) = Ai::new(&uri[a..b]) else { break };
            let Some(entry) = self.dict.entry(ai) else {
                break;
            };
            if entry.dl_primary_key().is_some() {
                key_at = Some(i - 2);
                break;
            }
            i -= 2;
        }
        let Some(key_at) = key_at else {
            return Err(err(
                ErrorKind::DlNoPrimaryKey,
                path_start,
                path_end - path_start,
            ));
        };

        let mut buf = Vec::with_capacity(uri.len());
        let mut msg_slots = crate::message::Slots::default();
        let mut j = key_at;
        while j + 1 < nsegs {
            let (a, b) = segs[j];
            let (va, vb) = segs[j + 1];
            let (ai, entry_index) =
                match Ai::new(&uri[a..b]).and_then(|ai| Some((ai, self.dict.entry_index(ai)?))) {
                    Some(x) => x,
                    None => return Err(err(ErrorKind::UnknownAi, a, b - a)),
                };
            let value = DlValue {
                ai,
                entry_index,
                raw: &uri[va..vb],
                src: start + va,
                query: false,
            };
            self.push_dl_value(value, &mut buf, &mut msg_slots, start + a)?;
            j += 2;
        }
        let path_ais = msg_slots.len();

        if let Some((qs, qe)) = query {
            let mut p = qs;
            while p < qe {
                while p < qe && uri[p] == b'&' {
                    p += 1;
                }
                if p >= qe {
                    break;
                }
                let e = uri[p..qe]
                    .iter()
                    .position(|&c| c == b'&')
                    .map_or(qe, |i| p + i);
                let param = &uri[p..e];
                let eq = param.iter().position(|&c| c == b'=');
                let ai_entry = match eq {
                    Some(k) if param[..k].iter().all(u8::is_ascii_digit) => {
                        let found = Ai::new(&param[..k])
                            .and_then(|ai| Some((ai, self.dict.entry_index(ai)?)));
                        match found {
                            Some(x) => Some(x),
                            None => return Err(err(ErrorKind::DlUnknownQueryAi, p, k)),
                        }
                    }
                    _ => None,
                };
                match (ai_entry, eq) {
                    (Some((ai, entry_index)), Some(k)) => {
                        let value = DlValue {
                            ai,
                            entry_index,
                            raw: &uri[p + k + 1..e],
                            src: start + p + k + 1,
                            query: true,
                        };
                        self.push_dl_value(value, &mut buf, &mut msg_slots, start + p)?;
                    }
                    _ => {
                        // Not an AI: kept verbatim, reported as ignored.
                        let at = buf.len();
                        buf.extend_from_slice(param);
                        push(
                            &mut msg_slots,
                            Slot {
                                ai: None,
                                entry: 0,
                                start: at as u16,
                                len: param.len() as u16,
                                src: (start + p) as u16,
                                fnc1: false,
                                dl_attr: false,
                                kind: Kind::DlIgnored,
                            },
                            start + p,
                        )?;
                    }
                }
                p = e;
            }
        }

        let mut msg = Message::empty(Cow::Owned(buf));
        msg.slots = msg_slots;
        msg.dl_path = path_ais as u8;
        let slots = msg.slots.as_slice();

        // The path must be the key then qualifiers in an allowed order.
        let path: Vec<Ai> = slots[..path_ais].iter().filter_map(|s| s.ai).collect();
        if !self.valid_dl_path(&path) {
            let (a, _) = segs[key_at];
            return Err(err(
                ErrorKind::DlKeyQualifierSequence,
                a - 1,
                path_end - a + 1,
            ));
        }

        // No AI twice; attributes must be attributes, and not belong in the path.
        let mut sorted: Vec<(usize, &Slot)> = slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind == Kind::Value)
            .collect();
        sorted.sort_by_key(|(_, s)| s.ai);
        for w in sorted.windows(2) {
            if w[0].1.ai == w[1].1.ai {
                let s = w[1].1;
                return Err(Error::new(
                    ErrorKind::DlDuplicateAi,
                    s.ai,
                    usize::from(s.src),
                    0,
                ));
            }
        }
        for (_, s) in sorted.iter().filter(|(i, _)| *i >= path_ais) {
            let Some(ai) = s.ai else { continue };
            if !s.dl_attr {
                return Err(Error::new(
                    ErrorKind::DlNotAttribute,
                    Some(ai),
                    usize::from(s.src),
                    0,
                ));
            }
            for k in 1..=path.len() {
                let mut trial = path.clone();
                trial.insert(k, ai);
                if self.valid_dl_path(&trial) {
                    return Err(Error::new(
                        ErrorKind::DlShouldBeInPath(ai),
                        Some(ai),
                        usize::from(s.src),
                        0,
                    ));
                }
            }
        }

        // Every value's components, in URI order, then the message rules.
        for s in slots.iter().filter(|s| s.kind == Kind::Value) {
            if let Some(ai) = s.ai {
                let entry = self.entry(usize::from(s.entry));
                self.check_value_raw(ai, entry, msg.value_of(s), usize::from(s.src))?;
            }
        }
        rules::validate(self, &msg)?;
        // The message owns its decoded values; tie the lifetime to the input anyway.
        let _ = &input;
        Ok(msg)
    }

    /// Decodes one AI value from the path (`query == false`) or the query onto
    /// `buf`, checks its length and records it.
    fn push_dl_value(
        &self,
        v: DlValue<'_>,
        buf: &mut Vec<u8>,
        slots: &mut crate::message::Slots,
        at_ai: usize,
    ) -> Result<(), Error> {
        let (ai, entry) = (v.ai, self.entry(v.entry_index));
        if v.raw.is_empty() {
            let kind = if v.query {
                ErrorKind::DlEmptyQueryValue
            } else {
                ErrorKind::DlEmptyPathValue
            };
            return Err(Error::new(kind, Some(ai), v.src, 0));
        }
        let at = buf.len();
        if let Err(e) = unescape(v.raw, v.query, buf) {
            return Err(unescape_error(e, ai, v.src, v.raw.len()));
        }
        let pad = self.zero_pad_gtin(ai, buf, at);
        // Positions in the padded value are `pad` bytes past the input's.
        let src = v.src.saturating_sub(pad);
        length_content_check(ai, entry, &buf[at..], src)?;
        push(
            slots,
            Slot {
                ai: Some(ai),
                entry: v.entry_index as u16,
                start: at as u16,
                len: (buf.len() - at) as u16,
                src: src as u16,
                fnc1: entry.fnc1_required(),
                dl_attr: entry.is_dl_attribute(),
                kind: Kind::Value,
            },
            at_ai,
        )
    }

    /// Pads a zero-suppressed GTIN to 14 digits when allowed; returns the
    /// number of zeros added, so error offsets can still point into the input.
    fn zero_pad_gtin(&self, ai: Ai, buf: &mut Vec<u8>, at: usize) -> usize {
        let n = buf.len() - at;
        if self.opts.permit_zero_suppressed_gtin_in_dl
            && ai.as_bytes() == b"01"
            && matches!(n, 8 | 12 | 13)
        {
            let pad = 14 - n;
            buf.splice(at..at, core::iter::repeat_n(b'0', pad));
            pad
        } else {
            0
        }
    }

    /// Whether `path` (key first) is a valid key/qualifier sequence.
    pub(crate) fn valid_dl_path(&self, path: &[Ai]) -> bool {
        match path.split_first() {
            Some((key, qualifiers)) => self
                .dict
                .entry(*key)
                .and_then(|e| e.dl_primary_key())
                .is_some_and(|k| k.accepts(qualifiers)),
            None => false,
        }
    }
}

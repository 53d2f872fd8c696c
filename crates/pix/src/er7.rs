//! HL7 v2 ER7 ("pipe and hat") encoding: zero-copy parsing and an owned encoder.
//!
//! Parsing borrows the input: [`Message::parse`] only records where segments and fields
//! start and end. Values are split lazily ([`Value::repetition`], [`Value::component`],
//! [`Value::subcomponent`]) and unescaped only when their text is asked for
//! ([`Value::text`]), so escape sequences such as `\F\` can never be mistaken for
//! delimiters ("unescape after splitting, never before").
//!
//! Input rules: segments end with CR; CRLF and bare LF are tolerated and empty lines are
//! skipped. The character set declared in MSH-18 is enforced over the whole message:
//! empty or `ASCII` (7-bit), `UNICODE UTF-8` (also `UTF-8`), and `8859/1` (Latin-1) are
//! supported; any other value is rejected, as are bytes not valid in the declared set and
//! C0 control bytes other than TAB, CR and LF.
//!
//! ```
//! use bedside_pix::er7::Message;
//! let raw = b"MSH|^~\\&|A|B|C|D|20250314101500+0000||ACK^A01^ACK|1|P|2.5\rMSA|AA|X\\F\\Y\r";
//! let msg = Message::parse(raw)?;
//! assert_eq!(msg.control_id()?, "1");
//! let msa = msg.segment("MSA").ok_or(bedside_pix::er7::Er7Error::Empty)?;
//! assert_eq!(msa.field(2).text()?, "X|Y");
//! # Ok::<(), bedside_pix::er7::Er7Error>(())
//! ```

use std::borrow::Cow;

/// Errors found while parsing or decoding ER7. Every variant names the byte offset (from
/// the start of the message) and the rule that was broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Er7Error {
    /// The input holds no segment at all.
    #[error("empty message")]
    Empty,
    /// The first segment must be MSH.
    #[error("byte {offset}: message must start with an MSH segment")]
    MissingMsh {
        /// Byte offset of the first segment.
        offset: usize,
    },
    /// MSH-1/MSH-2 do not define five distinct, non-alphanumeric delimiters.
    #[error("byte {offset}: invalid delimiters in MSH-1/MSH-2 ({rule})")]
    BadDelimiters {
        /// Byte offset of the offending delimiter.
        offset: usize,
        /// Which rule was broken.
        rule: DelimiterRule,
    },
    /// A segment id is not three upper-case letters or digits followed by the field separator.
    #[error("byte {offset}: segment id must be three upper-case letters or digits")]
    BadSegmentId {
        /// Byte offset of the segment.
        offset: usize,
    },
    /// A second MSH segment was found.
    #[error("byte {offset}: more than one MSH segment")]
    DuplicateMsh {
        /// Byte offset of the second MSH.
        offset: usize,
    },
    /// MSH-18 names a character set this codec does not support.
    #[error("byte {offset}: unsupported character set in MSH-18")]
    UnsupportedCharset {
        /// Byte offset of MSH-18.
        offset: usize,
    },
    /// A byte is not valid in the declared character set.
    #[error("byte {offset}: byte 0x{byte:02X} is not valid in character set {charset:?}")]
    InvalidByte {
        /// Byte offset of the bad byte.
        offset: usize,
        /// The byte.
        byte: u8,
        /// The declared character set.
        charset: Charset,
    },
    /// A control byte (other than TAB, CR, LF) appeared in the message.
    #[error("byte {offset}: control byte 0x{byte:02X} is not allowed in ER7 data")]
    ControlByte {
        /// Byte offset of the bad byte.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// An escape sequence was opened but never closed.
    #[error("byte {offset}: unterminated escape sequence")]
    UnterminatedEscape {
        /// Byte offset of the opening escape character.
        offset: usize,
    },
    /// A `\Xhh…\` escape holds an odd number of digits or non-hex characters.
    #[error("byte {offset}: malformed \\Xhh\\ hexadecimal escape")]
    BadHexEscape {
        /// Byte offset of the opening escape character.
        offset: usize,
    },
    /// The unescaped bytes are not valid in the declared character set.
    #[error("byte {offset}: unescaped value is not valid {charset:?}")]
    BadUnescapedText {
        /// Byte offset of the value.
        offset: usize,
        /// The declared character set.
        charset: Charset,
    },
    /// A required MSH field (named) is empty.
    #[error("byte {offset}: required field {field} is empty")]
    MissingField {
        /// Byte offset of the segment.
        offset: usize,
        /// The field, e.g. `MSH-10`.
        field: &'static str,
    },
}

/// The delimiter rule broken in MSH-1/MSH-2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DelimiterRule {
    /// MSH is shorter than `MSH|^~\&`.
    TooShort,
    /// MSH-2 must hold four (or five, with the v2.7 truncation character) characters.
    EncodingCharacterCount,
    /// A delimiter is a letter, digit, space or control byte.
    NotPunctuation,
    /// Two delimiters are the same character.
    NotDistinct,
}

impl core::fmt::Display for DelimiterRule {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::TooShort => "MSH segment too short",
            Self::EncodingCharacterCount => "MSH-2 must have 4 or 5 characters",
            Self::NotPunctuation => "delimiters must be printable punctuation",
            Self::NotDistinct => "delimiters must be distinct",
        })
    }
}

/// The five ER7 delimiters declared by MSH-1 and MSH-2, and the optional v2.7
/// truncation character (a fifth MSH-2 character).
///
/// ```
/// let s = bedside_pix::er7::Separators::default();
/// assert_eq!((s.field, s.component, s.repetition, s.escape, s.subcomponent), (b'|', b'^', b'~', b'\\', b'&'));
/// assert_eq!(s.truncation, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Separators {
    /// Field separator (MSH-1), normally `|`.
    pub field: u8,
    /// Component separator, normally `^`.
    pub component: u8,
    /// Repetition separator, normally `~`.
    pub repetition: u8,
    /// Escape character, normally `\`.
    pub escape: u8,
    /// Sub-component separator, normally `&`.
    pub subcomponent: u8,
    /// The v2.7 truncation character (`#`), when MSH-2 declares one; it has no
    /// delimiting role and is kept so that a message re-encodes as it came.
    pub truncation: Option<u8>,
}

impl Default for Separators {
    fn default() -> Self {
        Self {
            field: b'|',
            component: b'^',
            repetition: b'~',
            escape: b'\\',
            subcomponent: b'&',
            truncation: None,
        }
    }
}

impl Separators {
    /// MSH-2 as text, e.g. `^~\&`.
    ///
    /// ```
    /// assert_eq!(bedside_pix::er7::Separators::default().encoding_characters(), "^~\\&");
    /// ```
    #[must_use]
    pub fn encoding_characters(&self) -> String {
        [
            self.component,
            self.repetition,
            self.escape,
            self.subcomponent,
        ]
        .iter()
        .chain(self.truncation.iter())
        .map(|b| char::from(*b))
        .collect()
    }
}

/// Character sets this codec accepts in MSH-18.
///
/// ```
/// use bedside_pix::er7::Charset;
/// assert_eq!(Charset::from_msh18(""), Some(Charset::Ascii));
/// assert_eq!(Charset::from_msh18("UNICODE UTF-8"), Some(Charset::Utf8));
/// assert_eq!(Charset::from_msh18("8859/1"), Some(Charset::Latin1));
/// assert_eq!(Charset::from_msh18("ISO IR87"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// 7-bit ASCII (MSH-18 empty or `ASCII`): the HL7 default.
    Ascii,
    /// UTF-8 (`UNICODE UTF-8`).
    Utf8,
    /// ISO 8859-1 (`8859/1`).
    Latin1,
}

impl Charset {
    /// Maps an MSH-18 value to a supported character set.
    ///
    /// ```
    /// assert!(bedside_pix::er7::Charset::from_msh18("UTF-8").is_some());
    /// ```
    #[must_use]
    pub fn from_msh18(value: &str) -> Option<Self> {
        // Only spaces are padding; any other byte makes the value unknown, so a
        // message never parses as one character set and re-encodes as another.
        match value.trim_matches(' ') {
            "" | "ASCII" => Some(Self::Ascii),
            "UNICODE UTF-8" | "UTF-8" => Some(Self::Utf8),
            "8859/1" => Some(Self::Latin1),
            _ => None,
        }
    }

    /// The MSH-18 value to send for this character set (`None` for ASCII, which is the default).
    ///
    /// ```
    /// assert_eq!(bedside_pix::er7::Charset::Utf8.msh18(), Some("UNICODE UTF-8"));
    /// ```
    #[must_use]
    pub fn msh18(self) -> Option<&'static str> {
        match self {
            Self::Ascii => None,
            Self::Utf8 => Some("UNICODE UTF-8"),
            Self::Latin1 => Some("8859/1"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ctx {
    seps: Separators,
    charset: Charset,
}

/// A parsed ER7 message borrowing its input.
///
/// ```
/// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A||||||ADT^A31^ADT_A05|9|P|2.5\r\nEVN|A31\r\n")?;
/// assert_eq!(m.segments().len(), 2);
/// assert_eq!(m.message_type().1, "A31");
/// # Ok::<(), bedside_pix::er7::Er7Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Message<'a> {
    raw: &'a [u8],
    ctx: Ctx,
    segments: Vec<Segment<'a>>,
}

/// One segment of a [`Message`].
///
/// ```
/// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A\rPID|||K1^^^X&1.2&ISO\r")?;
/// let pid = m.segment("PID").ok_or(bedside_pix::er7::Er7Error::Empty)?;
/// assert_eq!(pid.id(), "PID");
/// assert_eq!(pid.field(3).component(1).text()?, "K1");
/// # Ok::<(), bedside_pix::er7::Er7Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Segment<'a> {
    id: &'a str,
    offset: usize,
    ctx: Ctx,
    /// `fields[0]` is the segment id, `fields[n]` is field n.
    fields: Vec<(usize, &'a [u8])>,
}

/// A borrowed field, repetition, component or sub-component.
///
/// Splitting a lower-level value on a higher-level delimiter is a no-op, so
/// `component(n)` on a field means "component n of the first repetition" and
/// `subcomponent(n)` on a component means "sub-component n".
///
/// ```
/// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A\rPID|||A^^^N&1.2&ISO~B^^^M&3.4&ISO\r")?;
/// let pid3 = m.segment("PID").ok_or(bedside_pix::er7::Er7Error::Empty)?.field(3);
/// let second = pid3.repetition(2);
/// assert_eq!(second.component(4).subcomponent(2).text()?, "3.4");
/// assert_eq!(pid3.repetitions().count(), 2);
/// # Ok::<(), bedside_pix::er7::Er7Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Value<'a> {
    raw: &'a [u8],
    offset: usize,
    ctx: Ctx,
}

fn is_delim_ok(b: u8) -> bool {
    b.is_ascii_graphic() && !b.is_ascii_alphanumeric()
}

impl<'a> Message<'a> {
    /// Parses an ER7 message without copying it. Never panics.
    ///
    /// ```
    /// use bedside_pix::er7::{Er7Error, Message};
    /// assert!(matches!(Message::parse(b"PID|1"), Err(Er7Error::MissingMsh { offset: 0 })));
    /// assert!(Message::parse(b"MSH|^~\\&|A").is_ok());
    /// ```
    pub fn parse(raw: &'a [u8]) -> Result<Self, Er7Error> {
        // Find the first non-empty line.
        let start = raw
            .iter()
            .position(|b| *b != b'\r' && *b != b'\n')
            .ok_or(Er7Error::Empty)?;
        if !raw[start..].starts_with(b"MSH") {
            return Err(Er7Error::MissingMsh { offset: start });
        }
        let seps = parse_separators(raw, start)?;
        // Validate bytes before charset: control bytes are never allowed.
        for (i, b) in raw.iter().enumerate() {
            if *b < 0x20 && !matches!(*b, b'\r' | b'\n' | b'\t') || *b == 0x7F {
                return Err(Er7Error::ControlByte {
                    offset: i,
                    byte: *b,
                });
            }
        }
        let mut ctx = Ctx {
            seps,
            charset: Charset::Ascii,
        };
        let mut segments = Vec::new();
        let mut pos = 0usize;
        while pos < raw.len() {
            let end = raw[pos..]
                .iter()
                .position(|b| *b == b'\r' || *b == b'\n')
                .map_or(raw.len(), |p| pos + p);
            if end > pos {
                let seg = parse_segment(&raw[pos..end], pos, ctx, segments.is_empty())?;
                segments.push(seg);
            }
            pos = end + 1;
        }
        // MSH-18 decides the character set.
        let msh18 = segments[0].field(18).repetition(1);
        let cs_text = core::str::from_utf8(msh18.raw).unwrap_or("\u{FFFD}");
        let charset = Charset::from_msh18(cs_text).ok_or(Er7Error::UnsupportedCharset {
            offset: msh18.offset,
        })?;
        match charset {
            Charset::Ascii => {
                if let Some(i) = raw.iter().position(|b| !b.is_ascii()) {
                    return Err(Er7Error::InvalidByte {
                        offset: i,
                        byte: raw[i],
                        charset,
                    });
                }
            }
            Charset::Utf8 => {
                if let Err(e) = core::str::from_utf8(raw) {
                    let i = e.valid_up_to();
                    return Err(Er7Error::InvalidByte {
                        offset: i,
                        byte: raw[i],
                        charset,
                    });
                }
            }
            Charset::Latin1 => {}
        }
        ctx.charset = charset;
        for s in &mut segments {
            s.ctx = ctx;
        }
        Ok(Self { raw, ctx, segments })
    }

    /// The bytes this message was parsed from.
    ///
    /// ```
    /// let raw = b"MSH|^~\\&|A";
    /// assert_eq!(bedside_pix::er7::Message::parse(raw)?.raw(), raw);
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The delimiters declared in MSH-1/MSH-2.
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH#:;!$#A")?;
    /// assert_eq!(m.separators().component, b':');
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn separators(&self) -> Separators {
        self.ctx.seps
    }

    /// The character set declared in MSH-18.
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A")?;
    /// assert_eq!(m.charset(), bedside_pix::er7::Charset::Ascii);
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn charset(&self) -> Charset {
        self.ctx.charset
    }

    /// All segments in order (the first is MSH).
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A\rZZZ|1")?;
    /// assert_eq!(m.segments()[1].id(), "ZZZ");
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn segments(&self) -> &[Segment<'a>] {
        &self.segments
    }

    /// The MSH segment.
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|APP")?;
    /// assert_eq!(m.msh().field(3).text()?, "APP");
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn msh(&self) -> &Segment<'a> {
        &self.segments[0]
    }

    /// The first segment with this id.
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A")?;
    /// assert!(m.segment("PID").is_none());
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn segment(&self, id: &str) -> Option<&Segment<'a>> {
        self.segments.iter().find(|s| s.id == id)
    }

    /// All segments with this id.
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A\rNTE|1\rNTE|2")?;
    /// assert_eq!(m.segments_by_id("NTE").count(), 2);
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    pub fn segments_by_id<'s>(&'s self, id: &'s str) -> impl Iterator<Item = &'s Segment<'a>> + 's {
        self.segments.iter().filter(move |s| s.id == id)
    }

    /// MSH-9 as (message code, trigger event, message structure), raw (escape-free by rule).
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A||||||RSP^K23^RSP_K23|1|P|2.5")?;
    /// assert_eq!(m.message_type(), ("RSP", "K23", "RSP_K23"));
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn message_type(&self) -> (&'a str, &'a str, &'a str) {
        let f = self.msh().field(9);
        (
            f.component(1).as_str(),
            f.component(2).as_str(),
            f.component(3).as_str(),
        )
    }

    /// MSH-10, the message control id (must be non-empty).
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A||||||ACK|C1|P|2.5")?;
    /// assert_eq!(m.control_id()?, "C1");
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    pub fn control_id(&self) -> Result<Cow<'a, str>, Er7Error> {
        let f = self.msh().field(10);
        let t = f.text()?;
        if t.is_empty() {
            return Err(Er7Error::MissingField {
                offset: self.msh().offset,
                field: "MSH-10",
            });
        }
        Ok(t)
    }

    /// MSH-12, the version id (first component).
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A||||||ACK|C1|P|2.3.1")?;
    /// assert_eq!(m.version(), "2.3.1");
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn version(&self) -> &'a str {
        self.msh().field(12).component(1).as_str()
    }

    /// Decodes every value into an [`OwnedMessage`] (MSH-1/MSH-2 are kept as the separators).
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A\rNTE|1|a\\T\\b")?;
    /// let o = m.to_owned_message()?;
    /// assert_eq!(o.segments[1].fields[1].repetitions[0][0][0], "a&b");
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    pub fn to_owned_message(&self) -> Result<OwnedMessage, Er7Error> {
        let mut segments = Vec::with_capacity(self.segments.len());
        for s in &self.segments {
            let mut fields = Vec::new();
            for n in 1..=s.field_count() {
                let v = s.field(n);
                let mut reps = Vec::new();
                if s.id == "MSH" && n <= 2 {
                    reps.push(vec![vec![String::from_utf8_lossy(v.raw).into_owned()]]);
                } else {
                    for r in v.repetitions() {
                        let mut comps = Vec::new();
                        for c in r.components() {
                            let mut subs = Vec::new();
                            for sc in c.subcomponents() {
                                subs.push(sc.text()?.into_owned());
                            }
                            comps.push(subs);
                        }
                        reps.push(comps);
                    }
                }
                fields.push(OwnedField { repetitions: reps });
            }
            segments.push(OwnedSegment {
                id: s.id.to_owned(),
                fields,
            });
        }
        Ok(OwnedMessage { segments })
    }
}

fn parse_separators(raw: &[u8], start: usize) -> Result<Separators, Er7Error> {
    let msh = &raw[start..];
    if msh.len() < 8 {
        return Err(Er7Error::BadDelimiters {
            offset: start,
            rule: DelimiterRule::TooShort,
        });
    }
    let field = msh[3];
    let enc_end = msh[4..]
        .iter()
        .position(|b| *b == field || *b == b'\r' || *b == b'\n')
        .map_or(msh.len(), |p| p + 4);
    let enc = &msh[4..enc_end];
    if enc.len() != 4 && enc.len() != 5 {
        return Err(Er7Error::BadDelimiters {
            offset: start + 4,
            rule: DelimiterRule::EncodingCharacterCount,
        });
    }
    let truncation = enc.get(4).copied();
    let mut all = [field, enc[0], enc[1], enc[2], enc[3], 0];
    let n = if let Some(t) = truncation {
        all[5] = t;
        6
    } else {
        5
    };
    let all = &all[..n];
    for (i, b) in all.iter().enumerate() {
        if !is_delim_ok(*b) {
            return Err(Er7Error::BadDelimiters {
                offset: start + 3 + i,
                rule: DelimiterRule::NotPunctuation,
            });
        }
        if all[..i].contains(b) {
            return Err(Er7Error::BadDelimiters {
                offset: start + 3 + i,
                rule: DelimiterRule::NotDistinct,
            });
        }
    }
    Ok(Separators {
        field,
        component: enc[0],
        repetition: enc[1],
        escape: enc[2],
        subcomponent: enc[3],
        truncation,
    })
}

fn parse_segment<'a>(
    line: &'a [u8],
    offset: usize,
    ctx: Ctx,
    first: bool,
) -> Result<Segment<'a>, Er7Error> {
    let id_ok = line.len() >= 3
        && line[..3]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && (line.len() == 3 || line[3] == ctx.seps.field);
    if !id_ok {
        return Err(Er7Error::BadSegmentId { offset });
    }
    let id = core::str::from_utf8(&line[..3]).map_err(|_| Er7Error::BadSegmentId { offset })?;
    let is_msh = id == "MSH";
    if first && !is_msh {
        return Err(Er7Error::MissingMsh { offset });
    }
    if !first && is_msh {
        return Err(Er7Error::DuplicateMsh { offset });
    }
    let mut fields: Vec<(usize, &'a [u8])> = vec![(offset, &line[..3])];
    if line.len() > 3 {
        let body_start = 4;
        if is_msh {
            fields.push((offset + 3, &line[3..4]));
        }
        let mut s = body_start;
        for (i, b) in line.iter().enumerate().skip(body_start) {
            if *b == ctx.seps.field {
                fields.push((offset + s, &line[s..i]));
                s = i + 1;
            }
        }
        fields.push((offset + s, &line[s..]));
    }
    Ok(Segment {
        id,
        offset,
        ctx,
        fields,
    })
}

impl<'a> Segment<'a> {
    /// The three-character segment id.
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A")?;
    /// assert_eq!(m.msh().id(), "MSH");
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn id(&self) -> &'a str {
        self.id
    }

    /// Byte offset of the segment in the message.
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A\rPID|1")?;
    /// assert_eq!(m.segments()[1].offset(), 11);
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Number of the last field present (0 for a bare segment id).
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A\rPID|1||3")?;
    /// assert_eq!(m.segments()[1].field_count(), 3);
    /// assert_eq!(m.msh().field_count(), 3);
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn field_count(&self) -> usize {
        self.fields.len() - 1
    }

    /// Field `n` (1-based; for MSH, field 1 is the field separator and field 2 the encoding
    /// characters). A missing field is an empty value.
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A")?;
    /// assert_eq!(m.msh().field(1).as_str(), "|");
    /// assert!(m.msh().field(40).is_empty());
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn field(&self, n: usize) -> Value<'a> {
        match self.fields.get(n) {
            Some((offset, raw)) if n > 0 => Value {
                raw,
                offset: *offset,
                ctx: self.ctx,
            },
            _ => Value {
                raw: &[],
                offset: self.offset,
                ctx: self.ctx,
            },
        }
    }
}

impl<'a> Value<'a> {
    fn split(self, sep: u8) -> impl Iterator<Item = Value<'a>> {
        let ctx = self.ctx;
        let base = self.offset;
        let mut start = 0usize;
        let raw = self.raw;
        let mut done = false;
        core::iter::from_fn(move || {
            if done {
                return None;
            }
            let end = raw[start..]
                .iter()
                .position(|b| *b == sep)
                .map(|p| start + p);
            let (s, e) = match end {
                Some(e) => (start, e),
                None => {
                    done = true;
                    (start, raw.len())
                }
            };
            start = e + 1;
            Some(Value {
                raw: &raw[s..e],
                offset: base + s,
                ctx,
            })
        })
    }

    fn nth(self, sep: u8, n: usize) -> Value<'a> {
        let empty = Value {
            raw: &[],
            offset: self.offset + self.raw.len(),
            ctx: self.ctx,
        };
        if n == 0 {
            return empty;
        }
        self.split(sep).nth(n - 1).unwrap_or(empty)
    }

    /// Repetitions of this field (always at least one, possibly empty).
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A~B~")?;
    /// assert_eq!(m.msh().field(3).repetitions().count(), 3);
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    pub fn repetitions(self) -> impl Iterator<Item = Value<'a>> {
        self.split(self.ctx.seps.repetition)
    }

    /// Repetition `n` (1-based); empty when absent.
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A~B")?;
    /// assert_eq!(m.msh().field(3).repetition(2).as_str(), "B");
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn repetition(self, n: usize) -> Value<'a> {
        self.nth(self.ctx.seps.repetition, n)
    }

    /// Components of this value (of its first repetition when it is a field).
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A^B^C")?;
    /// assert_eq!(m.msh().field(3).components().count(), 3);
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    pub fn components(self) -> impl Iterator<Item = Value<'a>> {
        self.repetition(1).split(self.ctx.seps.component)
    }

    /// Component `n` (1-based) of the first repetition; empty when absent.
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A^B")?;
    /// assert_eq!(m.msh().field(3).component(2).as_str(), "B");
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn component(self, n: usize) -> Value<'a> {
        self.repetition(1).nth(self.ctx.seps.component, n)
    }

    /// Sub-components of this value (of its first component).
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A&B")?;
    /// assert_eq!(m.msh().field(3).subcomponents().count(), 2);
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    pub fn subcomponents(self) -> impl Iterator<Item = Value<'a>> {
        self.component(1).split(self.ctx.seps.subcomponent)
    }

    /// Sub-component `n` (1-based) of the first component; empty when absent.
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A&B")?;
    /// assert_eq!(m.msh().field(3).subcomponent(2).as_str(), "B");
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn subcomponent(self, n: usize) -> Value<'a> {
        self.component(1).nth(self.ctx.seps.subcomponent, n)
    }

    /// The raw (still escaped) bytes.
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|A\\F\\B")?;
    /// assert_eq!(m.msh().field(3).as_bytes(), b"A\\F\\B");
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn as_bytes(self) -> &'a [u8] {
        self.raw
    }

    /// The raw (still escaped) text, or `""` when the bytes are not UTF-8 (Latin-1 data).
    /// Use it for coded values that never carry escapes; use [`Value::text`] for data.
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|AA")?;
    /// assert_eq!(m.msh().field(3).as_str(), "AA");
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'a str {
        core::str::from_utf8(self.raw).unwrap_or("")
    }

    /// Byte offset of this value within the message.
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|AA")?;
    /// assert_eq!(m.msh().field(3).offset(), 9);
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn offset(self) -> usize {
        self.offset
    }

    /// True when the value holds no bytes.
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|")?;
    /// assert!(m.msh().field(3).is_empty());
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.raw.is_empty()
    }

    /// The unescaped text, decoded from the message's character set. Borrows when no
    /// escape is present and the bytes are already UTF-8.
    ///
    /// Handles `\F\ \S\ \T\ \R\ \E\` and `\Xhh…\`; other escape sequences (formatting
    /// such as `\.br\`, `\H\`) are kept verbatim.
    ///
    /// ```
    /// let m = bedside_pix::er7::Message::parse(b"MSH|^~\\&|\\E\\\\X41\\\\S\\")?;
    /// assert_eq!(m.msh().field(3).text()?, "\\A^");
    /// # Ok::<(), bedside_pix::er7::Er7Error>(())
    /// ```
    pub fn text(self) -> Result<Cow<'a, str>, Er7Error> {
        let seps = self.ctx.seps;
        let charset = self.ctx.charset;
        if !self.raw.contains(&seps.escape) {
            return decode_bytes(Cow::Borrowed(self.raw), charset, self.offset);
        }
        let mut out = Vec::with_capacity(self.raw.len());
        let mut i = 0usize;
        let raw = self.raw;
        while i < raw.len() {
            let b = raw[i];
            if b != seps.escape {
                out.push(b);
                i += 1;
                continue;
            }
            let close = raw[i + 1..]
                .iter()
                .position(|c| *c == seps.escape)
                .map(|p| i + 1 + p)
                .ok_or(Er7Error::UnterminatedEscape {
                    offset: self.offset + i,
                })?;
            let seq = &raw[i + 1..close];
            match seq {
                b"F" => out.push(seps.field),
                b"S" => out.push(seps.component),
                b"T" => out.push(seps.subcomponent),
                b"R" => out.push(seps.repetition),
                b"E" => out.push(seps.escape),
                [b'X', hex @ ..] => {
                    if hex.is_empty() || hex.len() % 2 != 0 {
                        return Err(Er7Error::BadHexEscape {
                            offset: self.offset + i,
                        });
                    }
                    for pair in hex.chunks(2) {
                        let hi = hex_val(pair[0]);
                        let lo = hex_val(pair[1]);
                        match (hi, lo) {
                            (Some(h), Some(l)) => out.push(h << 4 | l),
                            _ => {
                                return Err(Er7Error::BadHexEscape {
                                    offset: self.offset + i,
                                });
                            }
                        }
                    }
                }
                _ => out.extend_from_slice(&raw[i..=close]),
            }
            i = close + 1;
        }
        decode_bytes(Cow::Owned(out), charset, self.offset)
    }
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn decode_bytes(
    bytes: Cow<'_, [u8]>,
    charset: Charset,
    offset: usize,
) -> Result<Cow<'_, str>, Er7Error> {
    let bad = Er7Error::BadUnescapedText { offset, charset };
    match charset {
        Charset::Latin1 => {
            if bytes.is_ascii() {
                match bytes {
                    Cow::Borrowed(b) => core::str::from_utf8(b).map(Cow::Borrowed).map_err(|_| bad),
                    Cow::Owned(v) => String::from_utf8(v).map(Cow::Owned).map_err(|_| bad),
                }
            } else {
                Ok(Cow::Owned(bytes.iter().map(|b| char::from(*b)).collect()))
            }
        }
        Charset::Ascii | Charset::Utf8 => {
            if charset == Charset::Ascii && !bytes.is_ascii() {
                return Err(bad);
            }
            match bytes {
                Cow::Borrowed(b) => core::str::from_utf8(b).map(Cow::Borrowed).map_err(|_| bad),
                Cow::Owned(v) => String::from_utf8(v).map(Cow::Owned).map_err(|_| bad),
            }
        }
    }
}

/// Escapes text for use as one ER7 sub-component: delimiters become `\F\ \S\ \T\ \R\ \E\`
/// and control characters become `\Xhh\`.
///
/// ```
/// use bedside_pix::er7::{escape, Separators};
/// assert_eq!(escape("a|b^c&d~e\\f\r", &Separators::default()), "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X0D\\");
/// ```
#[must_use]
pub fn escape(text: &str, seps: &Separators) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        let code = u32::from(ch);
        let esc = char::from(seps.escape);
        if code < 0x80 {
            let b = code as u8;
            let letter = if b == seps.field {
                Some('F')
            } else if b == seps.component {
                Some('S')
            } else if b == seps.subcomponent {
                Some('T')
            } else if b == seps.repetition {
                Some('R')
            } else if b == seps.escape {
                Some('E')
            } else {
                None
            };
            if let Some(l) = letter {
                out.push(esc);
                out.push(l);
                out.push(esc);
                continue;
            }
            if b < 0x20 || b == 0x7F {
                out.push(esc);
                out.push_str(&format!("X{b:02X}"));
                out.push(esc);
                continue;
            }
        }
        out.push(ch);
    }
    out
}

/// An owned, decoded message, used to build messages and in round-trip checks.
///
/// ```
/// use bedside_pix::er7::{OwnedField, OwnedMessage, OwnedSegment, Separators};
/// let msg = OwnedMessage {
///     segments: vec![
///         OwnedSegment::new("MSH").with(3, OwnedField::text("APP")).with(9, OwnedField::components(&["ACK"])),
///         OwnedSegment::new("MSA").with(1, OwnedField::text("AA")),
///     ],
/// };
/// assert_eq!(msg.encode(&Separators::default()), b"MSH|^~\\&|APP||||||ACK\rMSA|AA\r");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OwnedMessage {
    /// The segments in order; the first must be MSH for the result to parse.
    pub segments: Vec<OwnedSegment>,
}

/// An owned segment. `fields[i]` is field `i + 1`; for MSH, `fields[0]` and `fields[1]`
/// (MSH-1, MSH-2) are ignored when encoding and written from the [`Separators`].
///
/// ```
/// let s = bedside_pix::er7::OwnedSegment::new("RCP").with(1, bedside_pix::er7::OwnedField::text("I"));
/// assert_eq!(s.fields.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OwnedSegment {
    /// Three-character segment id.
    pub id: String,
    /// Fields, from field 1.
    pub fields: Vec<OwnedField>,
}

/// An owned field: repetitions of components of sub-components (unescaped text).
///
/// ```
/// let f = bedside_pix::er7::OwnedField::components(&["a", "b"]);
/// assert_eq!(f.repetitions, vec![vec![vec!["a".to_string()], vec!["b".to_string()]]]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OwnedField {
    /// `repetitions[r][c][s]` is sub-component `s+1` of component `c+1` of repetition `r+1`.
    pub repetitions: Vec<Vec<Vec<String>>>,
}

impl OwnedField {
    /// A field with one plain text value.
    ///
    /// ```
    /// assert_eq!(bedside_pix::er7::OwnedField::text("x").repetitions[0][0][0], "x");
    /// ```
    #[must_use]
    pub fn text(s: &str) -> Self {
        Self {
            repetitions: vec![vec![vec![s.to_owned()]]],
        }
    }

    /// A field with one repetition made of these components.
    ///
    /// ```
    /// assert_eq!(bedside_pix::er7::OwnedField::components(&["Q23", "x"]).repetitions[0].len(), 2);
    /// ```
    #[must_use]
    pub fn components(parts: &[&str]) -> Self {
        Self {
            repetitions: vec![parts.iter().map(|p| vec![(*p).to_owned()]).collect()],
        }
    }

    /// Encodes this field with escaping.
    ///
    /// ```
    /// use bedside_pix::er7::{OwnedField, Separators};
    /// let f = OwnedField { repetitions: vec![vec![vec!["a".into(), "b|".into()]], vec![vec!["c".into()]]] };
    /// assert_eq!(f.encode(&Separators::default()), "a&b\\F\\~c");
    /// ```
    #[must_use]
    pub fn encode(&self, seps: &Separators) -> String {
        let mut out = String::new();
        for (ri, rep) in self.repetitions.iter().enumerate() {
            if ri > 0 {
                out.push(char::from(seps.repetition));
            }
            for (ci, comp) in rep.iter().enumerate() {
                if ci > 0 {
                    out.push(char::from(seps.component));
                }
                for (si, sub) in comp.iter().enumerate() {
                    if si > 0 {
                        out.push(char::from(seps.subcomponent));
                    }
                    out.push_str(&escape(sub, seps));
                }
            }
        }
        out
    }
}

impl OwnedSegment {
    /// An empty segment with this id.
    ///
    /// ```
    /// assert_eq!(bedside_pix::er7::OwnedSegment::new("QPD").id, "QPD");
    /// ```
    #[must_use]
    pub fn new(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            fields: Vec::new(),
        }
    }

    /// Sets field `n` (1-based), padding with empty fields.
    ///
    /// ```
    /// let s = bedside_pix::er7::OwnedSegment::new("PID").with(3, bedside_pix::er7::OwnedField::text("K1"));
    /// assert_eq!(s.fields.len(), 3);
    /// ```
    #[must_use]
    pub fn with(mut self, n: usize, field: OwnedField) -> Self {
        if n == 0 {
            return self;
        }
        while self.fields.len() < n {
            self.fields.push(OwnedField::text(""));
        }
        self.fields[n - 1] = field;
        self
    }
}

impl OwnedMessage {
    /// Encodes to ER7 bytes with CR after every segment.
    ///
    /// ```
    /// use bedside_pix::er7::{OwnedMessage, OwnedSegment, Separators};
    /// let m = OwnedMessage { segments: vec![OwnedSegment::new("MSH")] };
    /// assert_eq!(m.encode(&Separators::default()), b"MSH|^~\\&\r");
    /// ```
    #[must_use]
    pub fn encode(&self, seps: &Separators) -> Vec<u8> {
        let mut out = String::new();
        let fs = char::from(seps.field);
        for seg in &self.segments {
            out.push_str(&seg.id);
            if seg.id == "MSH" {
                out.push(fs);
                out.push_str(&seps.encoding_characters());
                for f in seg.fields.iter().skip(2) {
                    out.push(fs);
                    out.push_str(&f.encode(seps));
                }
            } else {
                for f in &seg.fields {
                    out.push(fs);
                    out.push_str(&f.encode(seps));
                }
            }
            out.push('\r');
        }
        if self.msh18_charset(seps) == Some(Charset::Latin1) {
            return latin1(&out, seps.escape);
        }
        out.into_bytes()
    }

    /// The character set MSH-18 of this message declares, if it has an MSH.
    ///
    /// Read the way [`Message::parse`] reads it: the whole first repetition as
    /// it stands on the wire, separators included, so that a value such as
    /// `8859/1` under a `/` subcomponent separator decides the same character
    /// set when encoding as it did when parsing.
    fn msh18_charset(&self, seps: &Separators) -> Option<Charset> {
        let msh = self.segments.first().filter(|s| s.id == "MSH")?;
        let first = msh
            .fields
            .get(17)
            .and_then(|f| f.repetitions.first())
            .cloned()
            .unwrap_or_default();
        let wire = OwnedField {
            repetitions: vec![first],
        }
        .encode(seps);
        Charset::from_msh18(&wire)
    }
}

/// ISO 8859-1 bytes for `text`; a character outside Latin-1 is written as the
/// hexadecimal escape of its UTF-8 bytes (`\XE1BBA5\`) so nothing is lost.
fn latin1(text: &str, escape: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        match u8::try_from(u32::from(c)) {
            Ok(b) => out.push(b),
            Err(_) => {
                let mut utf8 = [0u8; 4];
                out.push(escape);
                out.push(b'X');
                for b in c.encode_utf8(&mut utf8).bytes() {
                    out.extend_from_slice(format!("{b:02X}").as_bytes());
                }
                out.push(escape);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_blank_lines_tolerated() -> Result<(), Er7Error> {
        let m = Message::parse(b"\r\nMSH|^~\\&|A\r\n\r\nPID|1\r\n")?;
        assert_eq!(m.segments().len(), 2);
        Ok(())
    }

    #[test]
    fn errors_have_offsets() {
        assert_eq!(
            Message::parse(b"MSH|^~\\&|A\rpid|1").err(),
            Some(Er7Error::BadSegmentId { offset: 11 })
        );
        assert_eq!(
            Message::parse(b"MSH|^~\\&|A\\F").map(|m| m
                .msh()
                .field(3)
                .text()
                .map(|t| t.into_owned())),
            Ok(Err(Er7Error::UnterminatedEscape { offset: 10 }))
        );
        assert!(matches!(
            Message::parse(b"MSH|^^\\&|A"),
            Err(Er7Error::BadDelimiters {
                rule: DelimiterRule::NotDistinct,
                ..
            })
        ));
        assert!(matches!(
            Message::parse("MSH|^~\\&|Å".as_bytes()),
            Err(Er7Error::InvalidByte { offset: 9, .. })
        ));
        assert!(matches!(
            Message::parse(b"MSH|^~\\&|A\x00"),
            Err(Er7Error::ControlByte {
                offset: 10,
                byte: 0
            })
        ));
    }

    /// Found by the `pix_er7` fuzz target: with `/` as the subcomponent
    /// separator, MSH-18 `8859/1` is two subcomponents on the wire. Encoding
    /// must still write Latin-1, or the re-parsed message decodes differently.
    #[test]
    fn msh18_split_by_a_separator_keeps_latin1() -> Result<(), Er7Error> {
        let raw = b"MSH|^~\\/|A|||||||||||||||8859/1\rNTE|\xFF\xE9\r";
        let m = Message::parse(raw)?;
        assert_eq!(m.charset(), Charset::Latin1);
        let owned = m.to_owned_message()?;
        let wire = owned.encode(&m.separators());
        assert_eq!(wire, raw.to_vec());
        let back = Message::parse(&wire)?.to_owned_message()?;
        assert_eq!(back, owned);
        Ok(())
    }

    #[test]
    fn charsets() -> Result<(), Er7Error> {
        let m = Message::parse("MSH|^~\\&|Å|||||||||||||||UNICODE UTF-8".as_bytes())?;
        assert_eq!(m.msh().field(3).text()?, "Å");
        let m = Message::parse(b"MSH|^~\\&|\xC5|||||||||||||||8859/1")?;
        assert_eq!(m.msh().field(3).text()?, "Å");
        let m = Message::parse(b"MSH|^~\\&|\\XC385\\|||||||||||||||UNICODE UTF-8")?;
        assert_eq!(m.msh().field(3).text()?, "Å");
        let m = Message::parse(b"MSH|^~\\&|\\XC3\\")?;
        assert!(m.msh().field(3).text().is_err());
        assert!(matches!(
            Message::parse(b"MSH|^~\\&|A|||||||||||||||ISO IR87"),
            Err(Er7Error::UnsupportedCharset { .. })
        ));
        Ok(())
    }
}

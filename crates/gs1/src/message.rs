//! A parsed, validated GS1 message and its elements.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use crate::Ai;
use crate::dict::{Dictionary, Entry};

/// The most AIs one message may carry (as in the GS1 reference engine).
pub const MAX_AIS: usize = 64;
/// The longest input accepted, in bytes.
pub const MAX_INPUT: usize = 8191;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Kind {
    #[default]
    Value,
    /// A Digital Link query parameter that is not an AI, kept for reporting.
    DlIgnored,
}

/// One element's location; values live in the message buffer.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Slot {
    pub(crate) ai: Option<Ai>,
    pub(crate) entry: u16,
    pub(crate) start: u16,
    pub(crate) len: u16,
    /// Byte offset of the value in the original input.
    pub(crate) src: u16,
    pub(crate) fnc1: bool,
    pub(crate) dl_attr: bool,
    pub(crate) kind: Kind,
}

/// How many elements a message holds without allocating. Wristbands, badges,
/// locations and medicine packs carry 2 to 10; more spill to the heap, up to
/// [`MAX_AIS`].
const INLINE: usize = 16;

/// The element list: inline for ordinary messages, so that parsing allocates
/// nothing, and small, because a message is moved by value through the parser.
#[derive(Clone, Debug)]
pub(crate) struct Slots {
    inline: [Slot; INLINE],
    len: u8,
    /// All slots once there are more than `INLINE` (then `inline` is unused).
    spill: Vec<Slot>,
}

impl Default for Slots {
    fn default() -> Slots {
        Slots {
            inline: [Slot::default(); INLINE],
            len: 0,
            spill: Vec::new(),
        }
    }
}

impl Slots {
    /// Adds a slot; false when the message already has `MAX_AIS` elements.
    pub(crate) fn push(&mut self, s: Slot) -> bool {
        let n = usize::from(self.len);
        if n >= MAX_AIS {
            return false;
        }
        if n < INLINE {
            self.inline[n] = s;
        } else {
            if self.spill.is_empty() {
                self.spill.reserve_exact(MAX_AIS);
                self.spill.extend_from_slice(&self.inline);
            }
            self.spill.push(s);
        }
        self.len += 1;
        true
    }
    pub(crate) fn as_slice(&self) -> &[Slot] {
        let n = usize::from(self.len);
        if n <= INLINE {
            &self.inline[..n]
        } else {
            &self.spill[..n]
        }
    }
    pub(crate) fn len(&self) -> usize {
        usize::from(self.len)
    }
}

/// A GS1 message: AI elements in the order they were given, all validated.
///
/// A message borrows its input when it can (element strings, scan data,
/// bracketed input without escapes), so parsing a valid element string
/// allocates nothing. [`Message::into_owned`] detaches it.
///
/// ```
/// use bedside_gs1::parse_bracketed;
/// let m = parse_bracketed("(01)09506000134352(17)261231(10)AB1").unwrap();
/// assert_eq!(m.len(), 3);
/// assert_eq!(m.get("17".parse().unwrap()), Some("261231"));
/// assert_eq!(m.to_bracketed(), "(01)09506000134352(17)261231(10)AB1");
/// assert_eq!(m.to_unbracketed(), "^01095060001343521726123110AB1");
/// ```
#[derive(Clone, Debug)]
pub struct Message<'a> {
    pub(crate) buf: Cow<'a, [u8]>,
    pub(crate) slots: Slots,
    /// Index of the first element of a composite component (after `|`).
    pub(crate) composite_at: Option<u8>,
    /// Number of leading elements that formed a Digital Link path (0 otherwise).
    pub(crate) dl_path: u8,
}

/// One AI and its value.
///
/// ```
/// use bedside_gs1::parse_bracketed;
/// let m = parse_bracketed("(8018)952000099900012352(8019)1").unwrap();
/// let first = m.iter().next().unwrap();
/// assert_eq!((first.ai().as_str(), first.value()), ("8018", "952000099900012352"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Element<'m> {
    ai: Ai,
    value: &'m str,
    entry: usize,
    offset: usize,
    fnc1: bool,
}

impl<'m> Element<'m> {
    /// The Application Identifier.
    ///
    /// ```
    /// # let m = bedside_gs1::parse_bracketed("(00)095060001343520000").unwrap();
    /// assert_eq!(m.iter().next().unwrap().ai().as_str(), "00");
    /// ```
    pub fn ai(&self) -> Ai {
        self.ai
    }
    /// The value, exactly as encoded (percent-encoded names stay encoded).
    ///
    /// ```
    /// # let m = bedside_gs1::parse_bracketed("(00)095060001343520000").unwrap();
    /// assert_eq!(m.iter().next().unwrap().value(), "095060001343520000");
    /// ```
    pub fn value(&self) -> &'m str {
        self.value
    }
    /// Byte offset of the value in the original input.
    ///
    /// ```
    /// # let m = bedside_gs1::parse_bracketed("(00)095060001343520000").unwrap();
    /// assert_eq!(m.iter().next().unwrap().offset(), 4);
    /// ```
    pub fn offset(&self) -> usize {
        self.offset
    }
    /// Whether a separator must follow the value when another AI follows.
    ///
    /// ```
    /// # let m = bedside_gs1::parse_bracketed("(00)095060001343520000").unwrap();
    /// assert!(!m.iter().next().unwrap().fnc1_required());
    /// ```
    pub fn fnc1_required(&self) -> bool {
        self.fnc1
    }
    /// The dictionary entry, looked up in `dict` (the one the message was parsed with).
    ///
    /// ```
    /// use bedside_gs1::dict::Dictionary;
    /// # let m = bedside_gs1::parse_bracketed("(00)095060001343520000").unwrap();
    /// let e = m.iter().next().unwrap().entry(Dictionary::embedded()).unwrap();
    /// assert_eq!(e.title(), "SSCC");
    /// ```
    pub fn entry<'d>(&self, dict: &'d Dictionary) -> Option<&'d Entry> {
        dict.entry_at(self.entry).filter(|e| e.contains(self.ai))
    }
}

pub(crate) fn ascii(bytes: &[u8]) -> &str {
    // Values are validated to be in a GS1 character set (ASCII) before a
    // message exists; a failure here is impossible, and would show as "".
    core::str::from_utf8(bytes).unwrap_or("")
}

impl<'a> Message<'a> {
    pub(crate) fn empty(buf: Cow<'a, [u8]>) -> Message<'a> {
        Message {
            buf,
            slots: Slots::default(),
            composite_at: None,
            dl_path: 0,
        }
    }

    pub(crate) fn value_of(&self, s: &Slot) -> &[u8] {
        let start = usize::from(s.start);
        self.buf
            .get(start..start + usize::from(s.len))
            .unwrap_or_default()
    }

    fn element(&self, s: &Slot) -> Option<Element<'_>> {
        Some(Element {
            ai: s.ai?,
            value: ascii(self.value_of(s)),
            entry: usize::from(s.entry),
            offset: usize::from(s.src),
            fnc1: s.fnc1,
        })
    }

    /// The elements in input order.
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352(10)AB1").unwrap();
    /// let ais: Vec<_> = m.iter().map(|e| e.ai().to_string()).collect();
    /// assert_eq!(ais, ["01", "10"]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = Element<'_>> + '_ {
        self.slots
            .as_slice()
            .iter()
            .filter(|s| s.kind == Kind::Value)
            .filter_map(|s| self.element(s))
    }

    /// The number of AI elements.
    ///
    /// ```
    /// assert_eq!(bedside_gs1::parse_bracketed("(01)09506000134352").unwrap().len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether the message has no AI elements (plain data parsed as a message never is).
    ///
    /// ```
    /// assert!(!bedside_gs1::parse_bracketed("(01)09506000134352").unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of the first occurrence of `ai` (repeats always carry the same value).
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352(10)AB1").unwrap();
    /// assert_eq!(m.get("10".parse().unwrap()), Some("AB1"));
    /// assert_eq!(m.get("21".parse().unwrap()), None);
    /// ```
    pub fn get(&self, ai: Ai) -> Option<&str> {
        self.iter().find(|e| e.ai == ai).map(|e| e.value)
    }

    /// Like [`Message::get`] with the AI as text; `None` for malformed AI text too.
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352").unwrap();
    /// assert_eq!(m.get_str("01"), Some("09506000134352"));
    /// ```
    pub fn get_str(&self, ai: &str) -> Option<&str> {
        self.get(Ai::new(ai.as_bytes())?)
    }

    /// Whether the message was a composite (linear `|` 2D component), and where the
    /// composite component starts.
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352|(10)AB1").unwrap();
    /// assert_eq!(m.composite_index(), Some(1));
    /// ```
    pub fn composite_index(&self) -> Option<usize> {
        let at = usize::from(self.composite_at?);
        Some(
            self.slots.as_slice()[..at.min(self.slots.len())]
                .iter()
                .filter(|s| s.kind == Kind::Value)
                .count(),
        )
    }

    /// Query parameters of a Digital Link URI that are not AIs and were ignored,
    /// as given (`name=value` or a bare word).
    ///
    /// ```
    /// let m = bedside_gs1::parse_digital_link("https://id.gs1.org/01/09506000134352?src=ward7&17=261231").unwrap();
    /// assert_eq!(m.ignored_dl_params().collect::<Vec<_>>(), ["src=ward7"]);
    /// ```
    pub fn ignored_dl_params(&self) -> impl Iterator<Item = &str> + '_ {
        self.slots
            .as_slice()
            .iter()
            .filter(|s| s.kind == Kind::DlIgnored)
            .map(|s| ascii(self.value_of(s)))
    }

    /// Detaches the message from its input.
    ///
    /// ```
    /// let owned = {
    ///     let input = String::from("(01)09506000134352");
    ///     bedside_gs1::parse_bracketed(&input).unwrap().into_owned()
    /// };
    /// assert_eq!(owned.len(), 1);
    /// ```
    pub fn into_owned(self) -> Message<'static> {
        Message {
            buf: Cow::Owned(self.buf.into_owned()),
            slots: self.slots,
            composite_at: self.composite_at,
            dl_path: self.dl_path,
        }
    }

    /// The (AI, value) pairs, for consumers that want plain data.
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352(10)AB1").unwrap();
    /// assert_eq!(m.pairs()[1], ("10".parse().unwrap(), "AB1".to_string()));
    /// ```
    pub fn pairs(&self) -> Vec<(Ai, String)> {
        self.iter().map(|e| (e.ai, String::from(e.value))).collect()
    }
}

impl PartialEq for Message<'_> {
    /// Two messages are equal when they carry the same elements in the same order
    /// with the same composite split (how they were spelled does not matter).
    fn eq(&self, other: &Message<'_>) -> bool {
        self.iter()
            .map(|e| (e.ai, e.value))
            .eq(other.iter().map(|e| (e.ai, e.value)))
            && self.composite_index() == other.composite_index()
    }
}

impl Eq for Message<'_> {}

#[cfg(feature = "serde")]
impl serde::Serialize for Message<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for e in self.iter() {
            seq.serialize_element(&(e.ai.as_str(), e.value))?;
        }
        seq.end()
    }
}

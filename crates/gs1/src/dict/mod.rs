//! The GS1 Application Identifier dictionary: what each AI may contain and how
//! it relates to other AIs.
//!
//! The crate embeds the GS1 Barcode Syntax Dictionary (release
//! [`EMBEDDED_RELEASE`]) as a Rust table ([`Dictionary::embedded`]); the test
//! suite proves it equal, entry by entry, to the published text file. A hospital
//! can take a newer GS1 release without a rebuild by loading the text file at run
//! time with [`Dictionary::parse`].

use alloc::borrow::Cow;
use alloc::vec::Vec;

use crate::Ai;
use crate::lint::Linter;

mod load;
mod table;

pub use load::{DictionaryError, DictionaryErrorKind};

/// The release date of the embedded dictionary.
///
/// ```
/// assert_eq!(bedside_gs1::dict::EMBEDDED_RELEASE, "2026-01-27");
/// ```
pub const EMBEDDED_RELEASE: &str = "2026-01-27";

/// The character set of a component.
///
/// ```
/// use bedside_gs1::dict::Charset;
/// assert_eq!(Charset::X.linter().name(), "cset82");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Charset {
    /// Digits only.
    N,
    /// GS1 AI encodable character set 82.
    X,
    /// GS1 AI encodable character set 39.
    Y,
    /// File-safe base64url (character set 64).
    Z,
}

impl Charset {
    /// The linter that enforces this character set.
    ///
    /// ```
    /// use bedside_gs1::dict::Charset;
    /// assert_eq!(Charset::N.linter().name(), "csetnumeric");
    /// ```
    pub const fn linter(self) -> Linter {
        match self {
            Charset::N => Linter::CsetNumeric,
            Charset::X => Linter::Cset82,
            Charset::Y => Linter::Cset39,
            Charset::Z => Linter::Cset64,
        }
    }

    /// Whether [`Charset::linter`] passes `data` (every byte in the set; for
    /// `Z` the whole `cset64` rule, padding included), without describing a
    /// failure.
    #[inline]
    pub(crate) fn admits(self, data: &[u8]) -> bool {
        match self {
            Charset::N => crate::lint::first_non_digit(data).is_none(),
            Charset::X => crate::lint::cset82_admits(data),
            Charset::Y => crate::lint::cset39_admits(data),
            Charset::Z => self.linter().check(data).is_ok(),
        }
    }

    /// The dictionary letter (`N`, `X`, `Y`, `Z`).
    ///
    /// ```
    /// use bedside_gs1::dict::Charset;
    /// assert_eq!(Charset::Z.letter(), 'Z');
    /// ```
    pub const fn letter(self) -> char {
        match self {
            Charset::N => 'N',
            Charset::X => 'X',
            Charset::Y => 'Y',
            Charset::Z => 'Z',
        }
    }
}

/// One component of an AI's value, e.g. `N13,csum,gcppos1` or `[X..17]`.
///
/// ```
/// use bedside_gs1::dict::Dictionary;
/// let gdti = Dictionary::embedded().entry("253".parse().unwrap()).unwrap();
/// let parts = gdti.components();
/// assert_eq!((parts[0].min(), parts[0].max(), parts[0].is_optional()), (13, 13, false));
/// assert_eq!((parts[1].min(), parts[1].max(), parts[1].is_optional()), (1, 17, true));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    pub(crate) charset: Charset,
    pub(crate) min: u8,
    pub(crate) max: u8,
    pub(crate) optional: bool,
    pub(crate) linters: Cow<'static, [Linter]>,
}

impl Component {
    /// The character set.
    ///
    /// ```
    /// # use bedside_gs1::dict::{Dictionary, Charset};
    /// let e = Dictionary::embedded().entry("10".parse().unwrap()).unwrap();
    /// assert_eq!(e.components()[0].charset(), Charset::X);
    /// ```
    pub fn charset(&self) -> Charset {
        self.charset
    }
    /// Minimum length in characters.
    ///
    /// ```
    /// # use bedside_gs1::dict::Dictionary;
    /// let e = Dictionary::embedded().entry("10".parse().unwrap()).unwrap();
    /// assert_eq!(e.components()[0].min(), 1);
    /// ```
    pub fn min(&self) -> usize {
        usize::from(self.min)
    }
    /// Maximum length in characters.
    ///
    /// ```
    /// # use bedside_gs1::dict::Dictionary;
    /// let e = Dictionary::embedded().entry("10".parse().unwrap()).unwrap();
    /// assert_eq!(e.components()[0].max(), 20);
    /// ```
    pub fn max(&self) -> usize {
        usize::from(self.max)
    }
    /// Whether the component may be left out (written `[...]`).
    ///
    /// ```
    /// # use bedside_gs1::dict::Dictionary;
    /// let e = Dictionary::embedded().entry("01".parse().unwrap()).unwrap();
    /// assert!(!e.components()[0].is_optional());
    /// ```
    pub fn is_optional(&self) -> bool {
        self.optional
    }
    /// The linters named for this component, in order (the charset linter is implicit).
    ///
    /// ```
    /// # use bedside_gs1::dict::Dictionary;
    /// let e = Dictionary::embedded().entry("8018".parse().unwrap()).unwrap();
    /// let names: Vec<_> = e.components()[0].linters().iter().map(|l| l.name()).collect();
    /// assert_eq!(names, ["csum", "gcppos1"]);
    /// ```
    pub fn linters(&self) -> &[Linter] {
        &self.linters
    }
}

/// An AI pattern in a `req=` or `ex=` rule: digits with `n` as a one-digit wildcard (`310n`).
///
/// ```
/// use bedside_gs1::dict::Pattern;
/// let p = Pattern::new(b"31nn").unwrap();
/// assert!(p.matches("3103".parse().unwrap()));
/// assert!(!p.matches("310".parse().unwrap()));
/// assert_eq!(p.to_string(), "31nn");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pattern {
    chars: [u8; 4],
    len: u8,
    /// The bits of an [`Ai::key`] the pattern fixes (digits other than `n`, and
    /// the length), and their values: matching is one mask and compare.
    mask: u32,
    want: u32,
}

impl Pattern {
    /// Builds a pattern from 2 to 4 characters, each a digit or `n`, starting with a digit.
    ///
    /// ```
    /// use bedside_gs1::dict::Pattern;
    /// assert!(Pattern::new(b"01").is_some());
    /// assert!(Pattern::new(b"n1").is_none());
    /// ```
    pub const fn new(text: &[u8]) -> Option<Pattern> {
        if text.len() < 2 || text.len() > 4 || !text[0].is_ascii_digit() {
            return None;
        }
        let mut chars = [0u8; 4];
        let mut mask = [0u8; 4];
        let mut want = [0u8; 4];
        let mut i = 0;
        while i < text.len() {
            let c = text[i];
            if !(c.is_ascii_digit() || c == b'n') {
                return None;
            }
            chars[i] = c;
            if c != b'n' {
                mask[i] = 0xff;
                want[i] = c;
            }
            i += 1;
        }
        let len = text.len() as u8;
        // The length bits, placed as `Ai::key` places them.
        let len_bits = ((len & 3) as u32) << 30;
        Some(Pattern {
            chars,
            len,
            mask: u32::from_le_bytes(mask) | (3 << 30),
            want: u32::from_le_bytes(want) | len_bits,
        })
    }

    /// Whether `ai` matches: same length, each digit equal or wildcarded.
    ///
    /// ```
    /// use bedside_gs1::dict::Pattern;
    /// assert!(Pattern::new(b"01").unwrap().matches("01".parse().unwrap()));
    /// ```
    pub fn matches(&self, ai: Ai) -> bool {
        self.matches_key(ai.key())
    }

    /// [`Pattern::matches`] for an AI given by its [`Ai::key`].
    #[inline]
    pub(crate) fn matches_key(&self, key: u32) -> bool {
        key & self.mask == self.want
    }

    /// The pattern text.
    ///
    /// ```
    /// use bedside_gs1::dict::Pattern;
    /// assert_eq!(Pattern::new(b"35nn").unwrap().as_bytes(), b"35nn");
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.chars[..usize::from(self.len)]
    }
}

impl core::fmt::Display for Pattern {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(core::str::from_utf8(self.as_bytes()).unwrap_or("?"))
    }
}

impl core::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Pattern({self})")
    }
}

/// One group of a `req=` rule: every pattern in the group must be present (`01+21`).
pub type Group = Cow<'static, [Pattern]>;

/// One `req=` attribute: satisfied when *any* of its groups is wholly present.
///
/// ```
/// use bedside_gs1::dict::Dictionary;
/// let serial = Dictionary::embedded().entry("250".parse().unwrap()).unwrap();
/// assert_eq!(serial.requisites().len(), 2); // req=01,8006 req=21
/// assert_eq!(serial.requisites()[0].to_string(), "01,8006");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requisite {
    pub(crate) groups: Cow<'static, [Group]>,
}

impl Requisite {
    /// The alternative groups.
    ///
    /// ```
    /// use bedside_gs1::dict::Dictionary;
    /// let psim = Dictionary::embedded().entry("8043".parse().unwrap()).unwrap();
    /// assert_eq!(psim.requisites()[0].groups()[0].len(), 3); // 01+21+8040
    /// ```
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }
}

impl core::fmt::Display for Requisite {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (i, g) in self.groups.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            for (j, p) in g.iter().enumerate() {
                if j > 0 {
                    f.write_str("+")?;
                }
                write!(f, "{p}")?;
            }
        }
        Ok(())
    }
}

/// One `ex=` attribute: none of its patterns may be present (an AI never excludes itself).
///
/// ```
/// use bedside_gs1::dict::Dictionary;
/// let gtin = Dictionary::embedded().entry("01".parse().unwrap()).unwrap();
/// assert_eq!(gtin.exclusions()[0].patterns().len(), 2); // ex=255,37
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exclusion {
    pub(crate) patterns: Cow<'static, [Pattern]>,
}

impl Exclusion {
    /// The excluded patterns.
    ///
    /// ```
    /// use bedside_gs1::dict::Dictionary;
    /// let e = Dictionary::embedded().entry("8018".parse().unwrap()).unwrap();
    /// assert_eq!(e.exclusions()[0].patterns()[0].to_string(), "8017");
    /// ```
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }
}

/// A GS1 Digital Link primary key's qualifier sequences (`dlpkey=22,10,21|235`).
///
/// Each alternative lists qualifiers in the order they must appear in the path;
/// any of them may be left out. `dlpkey` alone is one empty alternative.
///
/// ```
/// use bedside_gs1::dict::Dictionary;
/// let gtin = Dictionary::embedded().entry("01".parse().unwrap()).unwrap();
/// let key = gtin.dl_primary_key().unwrap();
/// assert_eq!(key.alternatives().len(), 2);
/// assert_eq!(key.alternatives()[1][0].as_str(), "235");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DlKey {
    pub(crate) alternatives: Cow<'static, [Cow<'static, [Ai]>]>,
}

impl DlKey {
    /// The alternative ordered qualifier lists.
    ///
    /// ```
    /// use bedside_gs1::dict::Dictionary;
    /// let sscc = Dictionary::embedded().entry("00".parse().unwrap()).unwrap();
    /// assert_eq!(sscc.dl_primary_key().unwrap().alternatives(), [&[][..]]);
    /// ```
    pub fn alternatives(&self) -> &[Cow<'static, [Ai]>] {
        &self.alternatives
    }

    /// Whether `qualifiers` (in path order, after the key) is an order-preserving
    /// subset of one alternative.
    ///
    /// ```
    /// use bedside_gs1::{Ai, dict::Dictionary};
    /// let key = Dictionary::embedded().entry("01".parse().unwrap()).unwrap().dl_primary_key().unwrap();
    /// let q = |s: &str| s.parse::<Ai>().unwrap();
    /// assert!(key.accepts(&[q("22"), q("21")]));
    /// assert!(!key.accepts(&[q("21"), q("10")]));
    /// assert!(!key.accepts(&[q("10"), q("235")]));
    /// ```
    pub fn accepts(&self, qualifiers: &[Ai]) -> bool {
        self.alternatives.iter().any(|alt| {
            let mut it = alt.iter();
            qualifiers.iter().all(|q| it.any(|a| a == q))
        })
    }
}

/// One dictionary line: an AI or a range of AIs that share a specification.
///
/// ```
/// use bedside_gs1::dict::Dictionary;
/// let e = Dictionary::embedded().entry("3103".parse().unwrap()).unwrap();
/// assert_eq!((e.first().as_str(), e.last().as_str()), ("3100", "3105"));
/// assert!(!e.fnc1_required());
/// assert_eq!(e.title(), "NET WEIGHT (kg)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub(crate) first: Ai,
    pub(crate) last: Ai,
    pub(crate) fnc1: bool,
    pub(crate) dl_attr: bool,
    pub(crate) components: Cow<'static, [Component]>,
    pub(crate) requisites: Cow<'static, [Requisite]>,
    pub(crate) exclusions: Cow<'static, [Exclusion]>,
    pub(crate) dl_key: Option<DlKey>,
    pub(crate) title: Cow<'static, str>,
    /// [`Entry::min_length`] and [`Entry::max_length`], computed once from the
    /// components (see [`lengths`]) because the parser needs them for every value.
    pub(crate) min_len: u32,
    pub(crate) max_len: u32,
}

/// The shortest and longest value the components allow: the sum of the
/// mandatory components' minimums, and of every component's maximum.
pub(crate) const fn lengths(components: &[Component]) -> (u32, u32) {
    let (mut min, mut max) = (0u32, 0u32);
    let mut i = 0;
    while i < components.len() {
        let c = &components[i];
        if !c.optional {
            min = min.saturating_add(c.min as u32);
        }
        max = max.saturating_add(c.max as u32);
        i += 1;
    }
    (min, max)
}

impl Entry {
    /// The first AI of the range (the only one for a single AI).
    ///
    /// ```
    /// # use bedside_gs1::dict::Dictionary;
    /// assert_eq!(Dictionary::embedded().entry("91".parse().unwrap()).unwrap().first().as_str(), "91");
    /// ```
    pub fn first(&self) -> Ai {
        self.first
    }
    /// The last AI of the range.
    ///
    /// ```
    /// # use bedside_gs1::dict::Dictionary;
    /// assert_eq!(Dictionary::embedded().entry("91".parse().unwrap()).unwrap().last().as_str(), "99");
    /// ```
    pub fn last(&self) -> Ai {
        self.last
    }
    /// Whether `ai` lies in this entry's range.
    ///
    /// ```
    /// # use bedside_gs1::dict::Dictionary;
    /// let e = Dictionary::embedded().entry("91".parse().unwrap()).unwrap();
    /// assert!(e.contains("95".parse().unwrap()));
    /// ```
    pub fn contains(&self, ai: Ai) -> bool {
        ai.len() == self.first.len() && ai >= self.first && ai <= self.last
    }
    /// Whether a separator (FNC1 / GS) must follow this AI's value when another AI follows.
    /// False exactly for the predefined-length AIs (flag `*`).
    ///
    /// ```
    /// # use bedside_gs1::dict::Dictionary;
    /// let d = Dictionary::embedded();
    /// assert!(!d.entry("01".parse().unwrap()).unwrap().fnc1_required());
    /// assert!(d.entry("10".parse().unwrap()).unwrap().fnc1_required());
    /// ```
    pub fn fnc1_required(&self) -> bool {
        self.fnc1
    }
    /// Whether the AI may appear as a Digital Link query attribute (flag `?`).
    ///
    /// ```
    /// # use bedside_gs1::dict::Dictionary;
    /// let d = Dictionary::embedded();
    /// assert!(d.entry("17".parse().unwrap()).unwrap().is_dl_attribute());
    /// assert!(!d.entry("21".parse().unwrap()).unwrap().is_dl_attribute());
    /// ```
    pub fn is_dl_attribute(&self) -> bool {
        self.dl_attr
    }
    /// The value's components, in order.
    ///
    /// ```
    /// # use bedside_gs1::dict::Dictionary;
    /// assert_eq!(Dictionary::embedded().entry("8003".parse().unwrap()).unwrap().components().len(), 3);
    /// ```
    pub fn components(&self) -> &[Component] {
        &self.components
    }
    /// The `req=` rules; all must hold.
    ///
    /// ```
    /// # use bedside_gs1::dict::Dictionary;
    /// assert_eq!(Dictionary::embedded().entry("7250".parse().unwrap()).unwrap().requisites()[0].to_string(), "8018");
    /// ```
    pub fn requisites(&self) -> &[Requisite] {
        &self.requisites
    }
    /// The `ex=` rules.
    ///
    /// ```
    /// # use bedside_gs1::dict::Dictionary;
    /// assert_eq!(Dictionary::embedded().entry("7250".parse().unwrap()).unwrap().exclusions().len(), 1);
    /// ```
    pub fn exclusions(&self) -> &[Exclusion] {
        &self.exclusions
    }
    /// The Digital Link primary-key definition, when this AI is a DL primary key.
    ///
    /// ```
    /// # use bedside_gs1::dict::Dictionary;
    /// assert!(Dictionary::embedded().entry("8018".parse().unwrap()).unwrap().dl_primary_key().is_some());
    /// assert!(Dictionary::embedded().entry("10".parse().unwrap()).unwrap().dl_primary_key().is_none());
    /// ```
    pub fn dl_primary_key(&self) -> Option<&DlKey> {
        self.dl_key.as_ref()
    }
    /// The data title (`GSRN - RECIPIENT`), empty when the dictionary gives none.
    ///
    /// ```
    /// # use bedside_gs1::dict::Dictionary;
    /// assert_eq!(Dictionary::embedded().entry("8018".parse().unwrap()).unwrap().title(), "GSRN - RECIPIENT");
    /// ```
    pub fn title(&self) -> &str {
        &self.title
    }
    /// Sum of the mandatory components' minimum lengths.
    ///
    /// ```
    /// # use bedside_gs1::dict::Dictionary;
    /// assert_eq!(Dictionary::embedded().entry("253".parse().unwrap()).unwrap().min_length(), 13);
    /// ```
    pub fn min_length(&self) -> usize {
        self.min_len as usize
    }
    /// Sum of every component's maximum length.
    ///
    /// ```
    /// # use bedside_gs1::dict::Dictionary;
    /// assert_eq!(Dictionary::embedded().entry("253".parse().unwrap()).unwrap().max_length(), 30);
    /// ```
    pub fn max_length(&self) -> usize {
        self.max_len as usize
    }
}

/// Number of slots in the flat AI index: 100 two-digit, 1000 three-digit and
/// 10000 four-digit AIs.
const INDEX_SLOTS: usize = 100 + 1000 + 10000;
const NONE: u16 = u16::MAX;

const fn slot(ai: Ai) -> usize {
    let code = ai.code() as usize;
    match ai.len() {
        2 => code,
        3 => 100 + code,
        _ => 1100 + code,
    }
}

/// A complete AI dictionary with its lookup index.
///
/// The embedded one costs nothing to obtain; a loaded one is an ordinary owned
/// value that can be shared (`Arc<Dictionary>`) between threads.
///
/// ```
/// use bedside_gs1::dict::Dictionary;
/// let d = Dictionary::embedded();
/// assert_eq!(d.entries().len(), 224);
/// assert_eq!(d.ai_count(), 541);
/// ```
#[derive(Clone, Debug)]
pub struct Dictionary {
    entries: Cow<'static, [Entry]>,
    /// Entry index for each possible AI, `NONE` where there is none.
    index: Cow<'static, [u16]>,
    /// AI length (2, 3 or 4) implied by the first two digits, 0 where no AI starts so.
    len_by_prefix: [u8; 100],
}

static EMBEDDED: Dictionary = Dictionary {
    entries: Cow::Borrowed(&table::ENTRIES),
    index: Cow::Borrowed(&EMBEDDED_INDEX),
    len_by_prefix: EMBEDDED_PREFIX_LEN,
};

static EMBEDDED_INDEX: [u16; INDEX_SLOTS] = build_index(&table::ENTRIES);
const EMBEDDED_PREFIX_LEN: [u8; 100] = build_prefix_len(&table::ENTRIES);

const fn build_index(entries: &[Entry]) -> [u16; INDEX_SLOTS] {
    let mut index = [NONE; INDEX_SLOTS];
    let mut i = 0;
    while i < entries.len() {
        let e = &entries[i];
        let len = e.first.len();
        let mut code = e.first.code();
        while code <= e.last.code() {
            if let Some(ai) = Ai::from_code(code, len as u8) {
                index[slot(ai)] = i as u16;
            }
            code += 1;
        }
        i += 1;
    }
    index
}

const fn build_prefix_len(entries: &[Entry]) -> [u8; 100] {
    let mut out = [0u8; 100];
    let mut i = 0;
    while i < entries.len() {
        // A two-digit range such as 91-99 spans several prefixes.
        let (first, last) = (prefix_of(entries[i].first), prefix_of(entries[i].last));
        let mut p = first;
        while p <= last {
            out[p] = entries[i].first.len() as u8;
            p += 1;
        }
        i += 1;
    }
    out
}

/// The first two digits of an AI as a number.
pub(crate) const fn prefix_of(ai: Ai) -> usize {
    let code = ai.code() as usize;
    match ai.len() {
        2 => code,
        3 => code / 10,
        _ => code / 100,
    }
}

impl Dictionary {
    /// The dictionary compiled into the crate (release [`EMBEDDED_RELEASE`]).
    ///
    /// ```
    /// use bedside_gs1::dict::Dictionary;
    /// assert!(Dictionary::embedded().entry("8018".parse().unwrap()).is_some());
    /// ```
    pub fn embedded() -> &'static Dictionary {
        &EMBEDDED
    }

    /// Builds a dictionary from entries, checking the table's structural rules
    /// (ascending order, no AI in two entries, one AI length per two-digit prefix,
    /// DL qualifiers that exist).
    ///
    /// ```
    /// use bedside_gs1::dict::Dictionary;
    /// let d = Dictionary::from_entries(Dictionary::embedded().entries().to_vec()).unwrap();
    /// assert_eq!(d.ai_count(), 541);
    /// ```
    pub fn from_entries(entries: Vec<Entry>) -> Result<Dictionary, DictionaryError> {
        load::check_and_index(entries)
    }

    pub(crate) fn from_parts(
        entries: Vec<Entry>,
        index: Vec<u16>,
        len_by_prefix: [u8; 100],
    ) -> Dictionary {
        Dictionary {
            entries: Cow::Owned(entries),
            index: Cow::Owned(index),
            len_by_prefix,
        }
    }

    /// Every entry, in ascending AI order.
    ///
    /// ```
    /// use bedside_gs1::dict::Dictionary;
    /// assert_eq!(Dictionary::embedded().entries()[0].first().as_str(), "00");
    /// ```
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The number of AIs (ranges expanded).
    ///
    /// ```
    /// use bedside_gs1::dict::Dictionary;
    /// assert_eq!(Dictionary::embedded().ai_count(), 541);
    /// ```
    pub fn ai_count(&self) -> usize {
        self.entries
            .iter()
            .map(|e| usize::from(e.last.code() - e.first.code()) + 1)
            .sum()
    }

    /// Every AI, in ascending order.
    ///
    /// ```
    /// use bedside_gs1::dict::Dictionary;
    /// assert_eq!(Dictionary::embedded().ais().count(), 541);
    /// ```
    pub fn ais(&self) -> impl Iterator<Item = Ai> + '_ {
        self.entries.iter().flat_map(|e| {
            let len = e.first.len() as u8;
            (e.first.code()..=e.last.code()).filter_map(move |c| Ai::from_code(c, len))
        })
    }

    /// The entry for an AI, if the dictionary has it.
    ///
    /// ```
    /// use bedside_gs1::dict::Dictionary;
    /// assert_eq!(Dictionary::embedded().entry("17".parse().unwrap()).unwrap().title(), "USE BY or EXPIRY");
    /// assert!(Dictionary::embedded().entry("23".parse().unwrap()).is_none());
    /// ```
    pub fn entry(&self, ai: Ai) -> Option<&Entry> {
        self.entry_index(ai).and_then(|i| self.entries.get(i))
    }

    pub(crate) fn entry_index(&self, ai: Ai) -> Option<usize> {
        match self.index.get(slot(ai)) {
            Some(&i) if i != NONE => Some(usize::from(i)),
            _ => None,
        }
    }

    pub(crate) fn entry_at(&self, i: usize) -> Option<&Entry> {
        self.entries.get(i)
    }

    /// Finds the AI at the start of raw data (no separators), as a reader must: the
    /// first two digits fix the AI's length. Returns the AI and its entry.
    ///
    /// ```
    /// use bedside_gs1::dict::Dictionary;
    /// let (ai, entry) = Dictionary::embedded().lookup_prefix(b"801800952000").unwrap();
    /// assert_eq!(ai.as_str(), "8018");
    /// assert_eq!(entry.title(), "GSRN - RECIPIENT");
    /// assert!(Dictionary::embedded().lookup_prefix(b"2312345").is_none());
    /// ```
    pub fn lookup_prefix(&self, data: &[u8]) -> Option<(Ai, &Entry)> {
        let (ai, i) = self.lookup_prefix_index(data)?;
        Some((ai, self.entries.get(i)?))
    }

    /// As [`Dictionary::lookup_prefix`], with the entry's index. The AI's
    /// index slot is computed from the digits as they are read.
    #[inline]
    pub(crate) fn lookup_prefix_index(&self, data: &[u8]) -> Option<(Ai, usize)> {
        let digit = |i: usize| match data.get(i) {
            Some(&b) if b.is_ascii_digit() => Some(b),
            _ => None,
        };
        let (a, b) = (digit(0)?, digit(1)?);
        let prefix = usize::from(a - b'0') * 10 + usize::from(b - b'0');
        let len = *self.len_by_prefix.get(prefix)?;
        let (digits, slot) = match len {
            2 => ([a, b, b'0', b'0'], prefix),
            3 => {
                let c = digit(2)?;
                ([a, b, c, b'0'], 100 + prefix * 10 + usize::from(c - b'0'))
            }
            4 => {
                let (c, d) = (digit(2)?, digit(3)?);
                let low = usize::from(c - b'0') * 10 + usize::from(d - b'0');
                ([a, b, c, d], 1100 + prefix * 100 + low)
            }
            _ => return None,
        };
        match self.index.get(slot) {
            Some(&i) if i != NONE => Some((Ai::from_digits(digits, len), usize::from(i))),
            _ => None,
        }
    }

    /// The AI length (2 to 4) implied by the first two digits, if any AI starts so.
    ///
    /// ```
    /// use bedside_gs1::dict::Dictionary;
    /// assert_eq!(Dictionary::embedded().ai_length_for_prefix(80), Some(4));
    /// assert_eq!(Dictionary::embedded().ai_length_for_prefix(5), None);
    /// ```
    pub fn ai_length_for_prefix(&self, prefix: u8) -> Option<usize> {
        match self.len_by_prefix.get(usize::from(prefix)) {
            Some(&l) if l != 0 => Some(usize::from(l)),
            _ => None,
        }
    }

    /// Whether `ai` is a Digital Link primary key.
    ///
    /// ```
    /// use bedside_gs1::dict::Dictionary;
    /// assert!(Dictionary::embedded().is_dl_primary_key("414".parse().unwrap()));
    /// assert!(!Dictionary::embedded().is_dl_primary_key("254".parse().unwrap()));
    /// ```
    pub fn is_dl_primary_key(&self, ai: Ai) -> bool {
        self.entry(ai).is_some_and(|e| e.dl_key.is_some())
    }
}

pub(crate) const NO_ENTRY: u16 = NONE;
pub(crate) const SLOTS: usize = INDEX_SLOTS;

pub(crate) const fn index_slot(ai: Ai) -> usize {
    slot(ai)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    /// The definition: same length, each digit equal or wildcarded.
    fn matches_by_text(p: &Pattern, ai: Ai) -> bool {
        let (d, t) = (ai.as_bytes(), p.as_bytes());
        d.len() == t.len() && d.iter().zip(t).all(|(a, c)| *c == b'n' || a == c)
    }

    #[test]
    fn charset_admits_exactly_what_its_linter_passes() {
        let mut inputs: Vec<Vec<u8>> = vec![Vec::new()];
        for b in 0..=255u8 {
            inputs.push(vec![b]);
            inputs.push(vec![b'0', b, b'Z']);
            inputs.push(vec![b, b'=']);
            inputs.push(vec![b'A', b, b'=', b'=']);
        }
        for charset in [Charset::N, Charset::X, Charset::Y, Charset::Z] {
            for input in &inputs {
                assert_eq!(
                    charset.admits(input),
                    charset.linter().check(input).is_ok(),
                    "{charset:?} {input:?}"
                );
            }
        }
    }

    #[test]
    fn pattern_mask_matching_equals_the_definition() {
        let mut patterns: Vec<Pattern> = Dictionary::embedded()
            .entries()
            .iter()
            .flat_map(|e| {
                let ex = e.exclusions().iter().flat_map(|x| x.patterns().to_vec());
                let req = e
                    .requisites()
                    .iter()
                    .flat_map(|r| r.groups().iter().flat_map(|g| g.to_vec()));
                ex.chain(req).collect::<Vec<_>>()
            })
            .collect();
        patterns.dedup_by(|a, b| a == b);
        for text in [
            &b"00"[..],
            b"0n",
            b"9n",
            b"000",
            b"00n",
            b"0nn",
            b"3n1n",
            b"0000",
            b"nn",
            b"31nn",
            b"3nnn",
            b"01",
            b"010",
            b"0100",
            b"8n0n",
        ] {
            patterns.extend(Pattern::new(text));
        }
        assert!(patterns.len() > 100);
        for len in 2..=4u8 {
            for code in 0..10u16.pow(u32::from(len)) {
                let Some(ai) = Ai::from_code(code, len) else {
                    panic!("bad test AI")
                };
                for p in &patterns {
                    assert_eq!(p.matches(ai), matches_by_text(p, ai), "{p} vs {ai}");
                }
            }
        }
    }
}

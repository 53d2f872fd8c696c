//! Reading the GS1 Barcode Syntax Dictionary text format at run time.

use alloc::borrow::Cow;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use super::{
    Charset, Component, Dictionary, DlKey, Entry, Exclusion, Group, NO_ENTRY, Pattern, Requisite,
    SLOTS, index_slot, prefix_of,
};
use crate::Ai;
use crate::lint::Linter;

/// Why a dictionary text or table was refused, with the line (1-based) it was found on.
///
/// ```
/// use bedside_gs1::dict::{Dictionary, DictionaryErrorKind};
/// let err = Dictionary::parse("01 *? N14,nosuchlinter # GTIN\n").unwrap_err();
/// assert_eq!(err.line, 1);
/// assert!(matches!(err.kind, DictionaryErrorKind::UnknownLinter(ref n) if n == "nosuchlinter"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("syntax dictionary line {line}: {kind}")]
pub struct DictionaryError {
    /// The 1-based line number (0 when the problem concerns the table as a whole).
    pub line: usize,
    /// What rule was broken.
    pub kind: DictionaryErrorKind,
}

/// The rule a dictionary line or table broke.
///
/// ```
/// use bedside_gs1::dict::DictionaryErrorKind;
/// let k = DictionaryErrorKind::BadAi("1x".into());
/// assert_eq!(k.to_string(), "`1x` is not an AI or an AI range");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DictionaryErrorKind {
    /// The first field is not an AI (`01`) or a range (`3100-3105`).
    #[error("`{0}` is not an AI or an AI range")]
    BadAi(String),
    /// A component such as `N..20` or `[X1],hyphen` could not be read.
    #[error("`{0}` is not a component specification")]
    BadComponent(String),
    /// A linter name the crate does not implement.
    #[error("unknown linter `{0}`")]
    UnknownLinter(String),
    /// A `req=`, `ex=` or `dlpkey=` list that could not be read.
    #[error("`{0}` is not a valid attribute")]
    BadAttribute(String),
    /// A line with an AI but no component.
    #[error("no component specification")]
    NoComponents,
    /// A mandatory component after an optional one, or a variable-length component before the last.
    #[error("component layout not allowed: {0}")]
    BadLayout(&'static str),
    /// A `*` (predefined length) entry whose length is not fixed.
    #[error("a predefined-length AI must have a fixed length")]
    PredefinedNotFixed,
    /// Entries out of ascending order or overlapping.
    #[error("entries must be in strictly ascending AI order without overlap")]
    Order,
    /// Two AIs sharing their first two digits with different lengths.
    #[error("AIs starting `{0:02}` have different lengths")]
    PrefixLength(usize),
    /// A DL qualifier that is not itself in the dictionary.
    #[error("DL qualifier ({0}) is not in the dictionary")]
    UnknownQualifier(String),
    /// More entries than the index can address.
    #[error("too many entries")]
    TooManyEntries,
    /// The text has no entries at all.
    #[error("the dictionary is empty")]
    Empty,
}

impl Dictionary {
    /// Loads a dictionary from the GS1 Barcode Syntax Dictionary text format
    /// (`gs1-syntax-dictionary.txt`), so a hospital can take a newer GS1 release
    /// without rebuilding. Attributes this crate does not know are ignored, as
    /// the format intends; unknown linters are refused, because an AI whose
    /// syntax test cannot run must not pass silently.
    ///
    /// ```
    /// use bedside_gs1::dict::Dictionary;
    /// let text = "\
    /// 01  *?  N14,csum,gcppos2  ex=255,37 dlpkey=22,10,21|235  # GTIN
    /// 10   ?  X..20             req=01,02,03,8006,8026         # BATCH/LOT
    /// 21      X..20             req=01,03,8006 ex=235          # SERIAL
    /// 22      X..20             req=01                         # CPV
    /// 235     X..28             req=01                         # TPX
    /// ";
    /// let d = Dictionary::parse(text).unwrap();
    /// assert_eq!(d.ai_count(), 5);
    /// assert_eq!(d.entry("10".parse().unwrap()).unwrap().title(), "BATCH/LOT");
    /// ```
    pub fn parse(text: &str) -> Result<Dictionary, DictionaryError> {
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line_no = n + 1;
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let entry = parse_line(trimmed).map_err(|kind| DictionaryError {
                line: line_no,
                kind,
            })?;
            entries.push((line_no, entry));
        }
        check_and_index_lines(entries)
    }
}

fn parse_line(line: &str) -> Result<Entry, DictionaryErrorKind> {
    let (spec, title) = match line.find('#') {
        Some(i) => (&line[..i], line[i + 1..].trim()),
        None => (line, ""),
    };
    let mut tokens = spec.split_whitespace().peekable();
    let ais = tokens.next().ok_or(DictionaryErrorKind::NoComponents)?;
    let (first, last) = parse_range(ais)?;

    let mut fnc1 = true;
    let mut dl_attr = false;
    if let Some(tok) = tokens.peek()
        && tok.bytes().all(is_flag_char)
    {
        fnc1 = !tok.contains('*');
        dl_attr = tok.contains('?');
        tokens.next();
    }

    let mut components = Vec::new();
    while let Some(tok) = tokens.peek() {
        if tok.starts_with(['N', 'X', 'Y', 'Z', '[']) {
            components.push(parse_component(tok)?);
            tokens.next();
        } else {
            break;
        }
    }
    if components.is_empty() {
        return Err(DictionaryErrorKind::NoComponents);
    }

    let mut requisites = Vec::new();
    let mut exclusions = Vec::new();
    let mut dl_key = None;
    for tok in tokens {
        if let Some(list) = tok.strip_prefix("req=") {
            let groups = list
                .split(',')
                .map(|g| {
                    g.split('+')
                        .map(|p| pattern(p, tok))
                        .collect::<Result<Vec<_>, _>>()
                        .map(Cow::Owned)
                })
                .collect::<Result<Vec<Group>, _>>()?;
            requisites.push(Requisite {
                groups: Cow::Owned(groups),
            });
        } else if let Some(list) = tok.strip_prefix("ex=") {
            let patterns = list
                .split(',')
                .map(|p| pattern(p, tok))
                .collect::<Result<Vec<_>, _>>()?;
            exclusions.push(Exclusion {
                patterns: Cow::Owned(patterns),
            });
        } else if tok == "dlpkey" {
            dl_key = Some(DlKey {
                alternatives: Cow::Owned(vec![Cow::Owned(Vec::new())]),
            });
        } else if let Some(list) = tok.strip_prefix("dlpkey=") {
            let alternatives = list
                .split('|')
                .map(|alt| {
                    alt.split(',')
                        .map(|q| {
                            Ai::new(q.as_bytes())
                                .ok_or_else(|| DictionaryErrorKind::BadAttribute(tok.to_string()))
                        })
                        .collect::<Result<Vec<_>, _>>()
                        .map(Cow::Owned)
                })
                .collect::<Result<Vec<_>, _>>()?;
            dl_key = Some(DlKey {
                alternatives: Cow::Owned(alternatives),
            });
        } else if tok.starts_with(['N', 'X', 'Y', 'Z', '[']) {
            return Err(DictionaryErrorKind::BadComponent(tok.to_string()));
        }
        // Any other attribute is for other consumers of the format: ignored.
    }

    let (min_len, max_len) = super::lengths(&components);
    let entry = Entry {
        first,
        last,
        fnc1,
        dl_attr,
        components: Cow::Owned(components),
        requisites: Cow::Owned(requisites),
        exclusions: Cow::Owned(exclusions),
        dl_key,
        title: Cow::Owned(title.to_string()),
        min_len,
        max_len,
    };
    check_layout(&entry)?;
    Ok(entry)
}

fn is_flag_char(c: u8) -> bool {
    b"*!?\"$%&'()+,-./:;<=>@[\\]^_`{|}~".contains(&c)
}

fn pattern(text: &str, attr: &str) -> Result<Pattern, DictionaryErrorKind> {
    Pattern::new(text.as_bytes()).ok_or_else(|| DictionaryErrorKind::BadAttribute(attr.to_string()))
}

fn parse_range(text: &str) -> Result<(Ai, Ai), DictionaryErrorKind> {
    let bad = || DictionaryErrorKind::BadAi(text.to_string());
    match text.split_once('-') {
        None => {
            let ai = Ai::new(text.as_bytes()).ok_or_else(bad)?;
            Ok((ai, ai))
        }
        Some((a, b)) => {
            let first = Ai::new(a.as_bytes()).ok_or_else(bad)?;
            let last = Ai::new(b.as_bytes()).ok_or_else(bad)?;
            let (fa, la) = (first.as_bytes(), last.as_bytes());
            let same_stem = fa.len() == la.len() && fa[..fa.len() - 1] == la[..la.len() - 1];
            if !same_stem || first > last {
                return Err(bad());
            }
            Ok((first, last))
        }
    }
}

fn parse_component(tok: &str) -> Result<Component, DictionaryErrorKind> {
    let bad = || DictionaryErrorKind::BadComponent(tok.to_string());
    let (optional, body) = match tok.strip_prefix('[') {
        Some(rest) => {
            let close = rest.find(']').ok_or_else(bad)?;
            let inner = &rest[..close];
            let after = &rest[close + 1..];
            if !(after.is_empty() || after.starts_with(',')) {
                return Err(bad());
            }
            (true, (inner, after.strip_prefix(',').unwrap_or("")))
        }
        None => match tok.split_once(',') {
            Some((t, l)) => (false, (t, l)),
            None => (false, (tok, "")),
        },
    };
    let (type_and_maybe_linters, outer_linters) = body;
    // Inside brackets linters may also appear: `[N3,iso3166]`.
    let (type_spec, inner_linters) = match type_and_maybe_linters.split_once(',') {
        Some((t, l)) => (t, l),
        None => (type_and_maybe_linters, ""),
    };
    let mut chars = type_spec.chars();
    let charset = match chars.next() {
        Some('N') => Charset::N,
        Some('X') => Charset::X,
        Some('Y') => Charset::Y,
        Some('Z') => Charset::Z,
        _ => return Err(bad()),
    };
    let len_spec = chars.as_str();
    let (min, max) = match len_spec.split_once("..") {
        Some((lo, hi)) => {
            let lo = if lo.is_empty() {
                1
            } else {
                lo.parse::<u8>().map_err(|_| bad())?
            };
            (lo, hi.parse::<u8>().map_err(|_| bad())?)
        }
        None => {
            let n = len_spec.parse::<u8>().map_err(|_| bad())?;
            (n, n)
        }
    };
    if min == 0 || min > max || max > 90 {
        return Err(bad());
    }
    let mut linters = Vec::new();
    for name in inner_linters
        .split(',')
        .chain(outer_linters.split(','))
        .filter(|s| !s.is_empty())
    {
        linters.push(
            Linter::from_name(name)
                .ok_or_else(|| DictionaryErrorKind::UnknownLinter(name.to_string()))?,
        );
    }
    Ok(Component {
        charset,
        min,
        max,
        optional,
        linters: Cow::Owned(linters),
    })
}

fn check_layout(entry: &Entry) -> Result<(), DictionaryErrorKind> {
    let parts = entry.components();
    let mut seen_optional = false;
    for (i, c) in parts.iter().enumerate() {
        if seen_optional && !c.optional {
            return Err(DictionaryErrorKind::BadLayout(
                "a mandatory component follows an optional one",
            ));
        }
        seen_optional |= c.optional;
        if c.min != c.max && i + 1 != parts.len() {
            return Err(DictionaryErrorKind::BadLayout(
                "only the last component may have variable length",
            ));
        }
    }
    if !entry.fnc1 && parts.iter().any(|c| c.optional || c.min != c.max) {
        return Err(DictionaryErrorKind::PredefinedNotFixed);
    }
    Ok(())
}

pub(super) fn check_and_index(entries: Vec<Entry>) -> Result<Dictionary, DictionaryError> {
    for e in &entries {
        check_layout(e).map_err(|kind| DictionaryError { line: 0, kind })?;
    }
    check_and_index_lines(entries.into_iter().map(|e| (0, e)).collect())
}

fn check_and_index_lines(lines: Vec<(usize, Entry)>) -> Result<Dictionary, DictionaryError> {
    if lines.is_empty() {
        return Err(DictionaryError {
            line: 0,
            kind: DictionaryErrorKind::Empty,
        });
    }
    if lines.len() >= usize::from(NO_ENTRY) {
        return Err(DictionaryError {
            line: 0,
            kind: DictionaryErrorKind::TooManyEntries,
        });
    }
    let mut index = vec![NO_ENTRY; SLOTS];
    let mut len_by_prefix = [0u8; 100];
    let mut previous: Option<Ai> = None;
    for (i, (line, e)) in lines.iter().enumerate() {
        let err = |kind| DictionaryError { line: *line, kind };
        if let Some(p) = previous
            && lexical(e.first) <= lexical(p)
        {
            return Err(err(DictionaryErrorKind::Order));
        }
        previous = Some(e.last);
        let len = e.first.len() as u8;
        let prefixes = prefix_of(e.first)..=prefix_of(e.last);
        for (prefix, slot) in len_by_prefix.iter_mut().enumerate() {
            if !prefixes.contains(&prefix) {
                continue;
            }
            match *slot {
                0 => *slot = len,
                l if l == len => {}
                _ => return Err(err(DictionaryErrorKind::PrefixLength(prefix))),
            }
        }
        for code in e.first.code()..=e.last.code() {
            if let Some(ai) = Ai::from_code(code, len) {
                let s = &mut index[index_slot(ai)];
                if *s != NO_ENTRY {
                    return Err(err(DictionaryErrorKind::Order));
                }
                *s = i as u16;
            }
        }
    }
    for (line, e) in &lines {
        if let Some(key) = &e.dl_key {
            for q in key.alternatives.iter().flat_map(|a| a.iter()) {
                if index[index_slot(*q)] == NO_ENTRY {
                    return Err(DictionaryError {
                        line: *line,
                        kind: DictionaryErrorKind::UnknownQualifier(q.as_str().to_string()),
                    });
                }
            }
        }
    }
    let entries = lines.into_iter().map(|(_, e)| e).collect();
    Ok(Dictionary::from_parts(entries, index, len_by_prefix))
}

/// Lexical order key: digits padded on the right, then length.
fn lexical(ai: Ai) -> ([u8; 4], usize) {
    let mut k = [0u8; 4];
    k[..ai.len()].copy_from_slice(ai.as_bytes());
    (k, ai.len())
}

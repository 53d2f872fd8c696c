//! Message-level rules, in the reference engine's order: invalid pairs (`ex=`),
//! requisites (`req=`), conflicting repeats, DigSig serialised keys. Each rule
//! visits AIs in ascending AI order, so the AI named in an error is stable
//! whatever order the data came in.

use alloc::string::ToString;

use super::Parser;
use crate::Ai;
use crate::dict::Pattern;
use crate::error::{Error, ErrorKind};
use crate::message::{Kind, MAX_AIS, Message, Slot};

/// Element indices sorted by AI (stable), AI-valued elements only.
struct Sorted {
    idx: [u8; MAX_AIS],
    len: usize,
}

impl Sorted {
    fn new(slots: &[Slot]) -> Sorted {
        let mut idx = [0u8; MAX_AIS];
        let mut len = 0;
        for (i, s) in slots.iter().enumerate() {
            if s.kind != Kind::Value || s.ai.is_none() {
                continue;
            }
            // Insertion sort: messages are short, and this allocates nothing.
            let mut j = len;
            while j > 0 && slots[usize::from(idx[j - 1])].ai > s.ai {
                idx[j] = idx[j - 1];
                j -= 1;
            }
            idx[j] = i as u8;
            len += 1;
        }
        Sorted { idx, len }
    }

    fn iter<'s>(&'s self, slots: &'s [Slot]) -> impl Iterator<Item = &'s Slot> + 's {
        self.idx[..self.len]
            .iter()
            .map(move |&i| &slots[usize::from(i)])
    }
}

fn find<'s>(
    slots: &'s [Slot],
    sorted: &'s Sorted,
    pattern: &Pattern,
    ignore: Ai,
) -> Option<&'s Slot> {
    sorted
        .iter(slots)
        .find(|s| s.ai.is_some_and(|ai| ai != ignore && pattern.matches(ai)))
}

/// Whether every rule holds, checked in message order with AI keys (no sort,
/// no error reporting). `false` only means "not proved here": DigSig messages
/// always take the full path. Accepts exactly what [`validate_in_order`] accepts
/// otherwise, since the rules themselves do not depend on order; only which
/// violation is reported does.
fn all_rules_hold(parser: &Parser<'_>, msg: &Message<'_>) -> bool {
    let slots = msg.slots.as_slice();
    // Keys of the elements, slot by slot; `NOT_AN_AI` for slots that are not
    // AI values. Longer messages (rare) take the ordered path.
    let mut keys = [NOT_AN_AI; QUICK_MAX];
    if slots.len() > QUICK_MAX {
        return false;
    }
    for (k, s) in keys.iter_mut().zip(slots) {
        if let (Kind::Value, Some(ai)) = (s.kind, s.ai) {
            *k = ai.key();
        }
    }
    let keys = &keys[..slots.len()];
    // Present other than as `own`: `find` in the full path ignores the AI itself.
    let present = |pat: &Pattern, own: u32| keys.iter().any(|&k| k != own && pat.matches_key(k));
    let digsig = DIGSIG.key();
    for (j, (&key, s)) in keys.iter().zip(slots).enumerate() {
        if key == NOT_AN_AI {
            continue;
        }
        if key == digsig {
            return false;
        }
        // Repeats must agree (each pair is looked at once, from its later element).
        for (&other, t) in keys[..j].iter().zip(slots) {
            if other == key && msg.value_of(t) != msg.value_of(s) {
                return false;
            }
        }
        let entry = parser.entry(usize::from(s.entry));
        for ex in entry.exclusions() {
            if ex.patterns().iter().any(|pat| present(pat, key)) {
                return false;
            }
        }
        if parser.opts.validate_requisites {
            for req in entry.requisites() {
                let satisfied = req
                    .groups()
                    .iter()
                    .any(|g| g.iter().all(|pat| present(pat, key)));
                if !satisfied {
                    return false;
                }
            }
        }
    }
    true
}

/// The most elements [`all_rules_hold`] looks at (a message's inline capacity).
const QUICK_MAX: usize = 16;

/// A key no AI has and no pattern matches: every pattern fixes its first digit,
/// and a digit byte is never `0xff`.
const NOT_AN_AI: u32 = u32::MAX;

/// AI 8030, the digital signature (a bad literal would fail the build, not a scan).
#[allow(clippy::panic)]
const DIGSIG: Ai = match Ai::new(b"8030") {
    Some(ai) => ai,
    None => panic!("bad AI literal"),
};

pub(crate) fn validate(parser: &Parser<'_>, msg: &Message<'_>) -> Result<(), Error> {
    if all_rules_hold(parser, msg) {
        return Ok(());
    }
    validate_in_order(parser, msg)
}

/// Every rule in the reference engine's order, reporting the first violation.
fn validate_in_order(parser: &Parser<'_>, msg: &Message<'_>) -> Result<(), Error> {
    let slots = msg.slots.as_slice();
    let sorted = Sorted::new(slots);

    // Invalid pairs.
    for s in sorted.iter(slots) {
        let Some(ai) = s.ai else { continue };
        let entry = parser.entry(usize::from(s.entry));
        for ex in entry.exclusions() {
            for pat in ex.patterns() {
                if let Some(other) = find(slots, &sorted, pat, ai) {
                    let other_ai = other.ai.unwrap_or(ai);
                    return Err(Error::new(
                        ErrorKind::InvalidPair(other_ai),
                        Some(ai),
                        usize::from(s.src).saturating_sub(ai.len()),
                        ai.len(),
                    ));
                }
            }
        }
    }

    // Requisites.
    if parser.opts.validate_requisites {
        for s in sorted.iter(slots) {
            let Some(ai) = s.ai else { continue };
            let entry = parser.entry(usize::from(s.entry));
            for req in entry.requisites() {
                let satisfied = req
                    .groups()
                    .iter()
                    .any(|g| g.iter().all(|pat| find(slots, &sorted, pat, ai).is_some()));
                if !satisfied {
                    return Err(Error::new(
                        ErrorKind::MissingRequisite(req.to_string()),
                        Some(ai),
                        usize::from(s.src).saturating_sub(ai.len()),
                        ai.len(),
                    ));
                }
            }
        }
    }

    // Repeats must agree.
    let mut prev: Option<&Slot> = None;
    for s in sorted.iter(slots) {
        if let Some(p) = prev
            && p.ai == s.ai
            && msg.value_of(p) != msg.value_of(s)
        {
            return Err(Error::new(
                ErrorKind::ConflictingRepeat,
                s.ai,
                usize::from(s.src),
                usize::from(s.len),
            ));
        }
        prev = Some(s);
    }

    // A DigSig needs serialised keys.
    let has = |code: &[u8]| {
        let ai = Ai::new(code);
        sorted.iter(slots).find(move |s| s.ai == ai)
    };
    if has(b"8030").is_some() {
        for key in [&b"253"[..], b"255", b"8003"] {
            if let Some(s) = has(key) {
                let entry = parser.entry(usize::from(s.entry));
                if usize::from(s.len) == entry.min_length() {
                    return Err(Error::new(
                        ErrorKind::DigsigSerial,
                        s.ai,
                        usize::from(s.src),
                        usize::from(s.len),
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;
    use crate::dict::Dictionary;
    use alloc::borrow::Cow;
    use alloc::vec::Vec;

    /// AIs with and without rules, each with two values (repeats may conflict),
    /// including 8030 and the DigSig keys at and above their minimum lengths.
    const POOL: &[(&str, &str, &str)] = &[
        ("00", "095060001343520000", "195060001343520007"),
        ("01", "09506000134352", "09506000134369"),
        ("02", "09506000134352", "09506000134369"),
        ("03", "09506000134352", "09506000134369"),
        ("10", "AB1", "AB2"),
        ("17", "261231", "270101"),
        ("21", "S1", "S2"),
        ("22", "CPV", "CPW"),
        ("235", "TPX1", "TPX2"),
        ("250", "SEC", "SED"),
        ("253", "9506000134352", "9506000134352DOC1"),
        ("255", "9506000134352", "95060001343521"),
        ("37", "12", "13"),
        ("3103", "001234", "001235"),
        ("3922", "995", "996"),
        ("414", "9506000134352", "9506000134369"),
        ("254", "WARD7", "WARD8"),
        ("415", "9506000134352", "9506000134369"),
        ("8003", "09506000134352", "09506000134352A1"),
        ("8004", "9506ASSET", "9506ASSET2"),
        ("8006", "095060001343520102", "095060001343520202"),
        ("8026", "095060001343520102", "095060001343520202"),
        ("8017", "950600013435200008", "950600013435200015"),
        ("8018", "952000099900012352", "952000099900012369"),
        ("8019", "1", "2"),
        ("7250", "19800229", "19800301"),
        ("7251", "198002291200", "198002291300"),
        ("7252", "2", "1"),
        ("7253", "Smith", "Jones"),
        ("7254", "Anna", "Wei"),
        ("7256", "Dr%20A", "Dr%20B"),
        ("7259", "Baby", "Infant"),
        ("7258", "1/2", "2/2"),
        ("8030", "ABCdef", "ABCdeg"),
        ("8040", "123456789012345", "123456789012346"),
        ("91", "X", "Y"),
    ];

    /// A message with the given (pool index, value choice) elements; only the
    /// rules are under test, so values need not pass their linters.
    fn message(picks: &[(usize, usize)]) -> Message<'static> {
        let d = Dictionary::embedded();
        let mut buf = Vec::new();
        let mut slots = Vec::new();
        for &(i, v) in picks {
            let (ai, a, b) = POOL[i];
            let value = if v == 0 { a } else { b };
            let ai = Ai::new(ai.as_bytes()).unwrap();
            let entry = d.entry_index(ai).unwrap();
            slots.push(Slot {
                ai: Some(ai),
                entry: entry as u16,
                start: buf.len() as u16,
                len: value.len() as u16,
                src: buf.len() as u16,
                fnc1: true,
                dl_attr: false,
                kind: Kind::Value,
            });
            buf.extend_from_slice(value.as_bytes());
        }
        let mut m = Message::empty(Cow::Owned(buf));
        for s in slots {
            assert!(m.slots.push(s));
        }
        m
    }

    #[test]
    fn the_quick_check_accepts_exactly_what_the_ordered_rules_accept() {
        let strict = Parser::default();
        let lax = Parser::new(
            Dictionary::embedded(),
            Options {
                validate_requisites: false,
                ..Options::default()
            },
        );
        // xorshift: deterministic, no dependency.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let (mut accepted, mut refused) = (0, 0);
        for _ in 0..40_000 {
            // Mostly short messages; some around the quick check's 16-element limit.
            let len = if next(10) == 0 {
                14 + next(6)
            } else {
                1 + next(7)
            };
            let picks: Vec<_> = (0..len)
                .map(|_| (next(POOL.len()), usize::from(next(5) == 0)))
                .collect();
            let m = message(&picks);
            for p in [&strict, &lax] {
                let ordered = validate_in_order(p, &m);
                let quick = all_rules_hold(p, &m);
                let has_digsig = picks.iter().any(|&(i, _)| POOL[i].0 == "8030");
                if quick {
                    assert!(ordered.is_ok(), "{picks:?}: {ordered:?}");
                } else if !has_digsig && picks.len() <= QUICK_MAX {
                    assert!(ordered.is_err(), "{picks:?}");
                }
                assert_eq!(validate(p, &m).is_ok(), ordered.is_ok());
                if ordered.is_ok() {
                    accepted += 1;
                } else {
                    refused += 1;
                }
            }
        }
        // Both verdicts must be well represented for the comparison to mean anything.
        assert!(
            accepted > 5_000 && refused > 5_000,
            "{accepted} / {refused}"
        );
    }
}

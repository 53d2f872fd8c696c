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

pub(crate) fn validate(parser: &Parser<'_>, msg: &Message<'_>) -> Result<(), Error> {
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

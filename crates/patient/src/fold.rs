//! A small, explicit fold table from Latin letters with diacritics to upper-case ASCII.
//!
//! Covered blocks: Latin-1 Supplement (U+00C0-U+00FF), Latin Extended-A (U+0100-U+017F),
//! the canonically decomposable letters of Latin Extended-B (U+0180-U+024F: pinyin Ǎ-ǜ,
//! Vietnamese Ơ ơ Ư ư, Romanian Ș ș Ț ț, ...) and Latin Extended Additional
//! (U+1E00-U+1EFF, which holds the Vietnamese letters). Each letter maps
//! to its base letter(s) in upper case; ligatures and special letters expand (Æ → AE, Œ → OE,
//! ß/ẞ → SS, Þ → TH, Ĳ → IJ, Middle Welsh Ỻ → LL). Characters not in the table are returned unchanged.

/// Result of folding one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Folded {
    /// One upper-case ASCII letter.
    One(u8),
    /// Two upper-case ASCII letters (ligatures, ß, þ).
    Two(u8, u8),
    /// Not in the table.
    Unchanged,
}

/// U+00C0-U+00FF. `.` = not a letter to fold (× ÷), `*` = special (see `special`).
const LATIN1: &[u8; 64] = b"AAAAAA*CEEEEIIIIDNOOOOO.OUUUUY**AAAAAA*CEEEEIIIIDNOOOOO.OUUUUY*Y";

/// U+0100-U+017F.
const EXT_A: &[u8; 128] = b"AAAAAACCCCCCCCDDDDEEEEEEEEEEGGGGGGGGHHHHIIIIIIIIII**JJKKKLLLLLLLLLLNNNNNNNNNOOOOOO**RRRRRRSSSSSSSSTTTTTTUUUUUUUUUUUUWWYYYZZZZZZS";

/// U+0180-U+024F: only the letters with a canonical decomposition to a base Latin letter
/// plus combining marks (generated from the Unicode data, checked by a test).
const EXT_B: &[u8; 208] = b"................................OO.............UU............................AAIIOOUUUUUUUUUU.AAAA**..GGKKOOOO..J...GG..NNAA****AAAAEEEEIIIIOOOORRRRUUUUSSTT..HH......AAEEOOOOOOOOYY............................";

/// U+1E00-U+1EFF.
const EXT_ADDITIONAL: &[u8; 256] = b"AABBBBBBCCDDDDDDDDDDEEEEEEEEEEFFGGHHHHHHHHHHIIIIKKKKKKLLLLLLLLMMMMMMNNNNNNNNOOOOOOOOPPPPRRRRRRRRSSSSSSSSSSTTTTTTTTUUUUUUUUUUVVVVWWWWWWWWWWXXXXYYZZZZZZHTWYASSS*DAAAAAAAAAAAAAAAAAAAAAAAAEEEEEEEEEEEEEEEEIIIIOOOOOOOOOOOOOOOOOOOOOOOOUUUUUUUUUUUUUUYYYYYYYY**VVYY";

fn special(c: char) -> Folded {
    match c {
        'Æ' | 'æ' | 'Ǣ' | 'ǣ' | 'Ǽ' | 'ǽ' => Folded::Two(b'A', b'E'),
        'Ǿ' | 'ǿ' => Folded::One(b'O'),
        'Œ' | 'œ' => Folded::Two(b'O', b'E'),
        'ß' | 'ẞ' => Folded::Two(b'S', b'S'),
        'Þ' | 'þ' => Folded::Two(b'T', b'H'),
        'Ĳ' | 'ĳ' => Folded::Two(b'I', b'J'),
        // Middle Welsh LL.
        'Ỻ' | 'ỻ' => Folded::Two(b'L', b'L'),
        _ => Folded::Unchanged,
    }
}

fn from_table(table: &[u8], base: u32, c: char) -> Folded {
    let idx = (c as u32).wrapping_sub(base);
    match usize::try_from(idx).ok().and_then(|i| table.get(i)) {
        Some(b'*') => special(c),
        Some(b'.') | None => Folded::Unchanged,
        Some(&b) => Folded::One(b),
    }
}

/// Folds one character with the table above.
pub(crate) fn fold_char(c: char) -> Folded {
    match c {
        '\u{00C0}'..='\u{00FF}' => from_table(LATIN1, 0xC0, c),
        '\u{0100}'..='\u{017F}' => from_table(EXT_A, 0x100, c),
        '\u{1E00}'..='\u{1EFF}' => from_table(EXT_ADDITIONAL, 0x1E00, c),
        '\u{0180}'..='\u{024F}' => from_table(EXT_B, 0x180, c),
        _ => Folded::Unchanged,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    /// Cross-check against Unicode canonical decomposition: whenever NFD of a character in
    /// the covered blocks is an ASCII letter followed only by combining marks, the table
    /// must give that letter in upper case.
    #[test]
    fn agrees_with_nfd() {
        let blocks = [
            (0xC0u32, 0xFFu32),
            (0x100, 0x17F),
            (0x180, 0x24F),
            (0x1E00, 0x1EFF),
        ];
        let mut checked = 0;
        for (lo, hi) in blocks {
            for cp in lo..=hi {
                let Some(c) = char::from_u32(cp) else {
                    continue;
                };
                let nfd: alloc::vec::Vec<char> = core::iter::once(c).nfd().collect();
                let Some((&first, rest)) = nfd.split_first() else {
                    continue;
                };
                let decomposes_to_ascii = first.is_ascii_alphabetic()
                    && !rest.is_empty()
                    && rest.iter().all(|m| ('\u{300}'..='\u{36F}').contains(m));
                if decomposes_to_ascii {
                    assert_eq!(
                        fold_char(c),
                        Folded::One(first.to_ascii_uppercase() as u8),
                        "U+{cp:04X} {c}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked >= 480, "{checked}");
    }

    #[test]
    fn non_decomposable_letters() {
        assert_eq!(fold_char('Ø'), Folded::One(b'O'));
        assert_eq!(fold_char('ł'), Folded::One(b'L'));
        assert_eq!(fold_char('đ'), Folded::One(b'D'));
        assert_eq!(fold_char('Ð'), Folded::One(b'D'));
        assert_eq!(fold_char('ß'), Folded::Two(b'S', b'S'));
        assert_eq!(fold_char('Æ'), Folded::Two(b'A', b'E'));
        assert_eq!(fold_char('œ'), Folded::Two(b'O', b'E'));
        assert_eq!(fold_char('þ'), Folded::Two(b'T', b'H'));
        assert_eq!(fold_char('×'), Folded::Unchanged);
        assert_eq!(fold_char('÷'), Folded::Unchanged);
        assert_eq!(fold_char('ễ'), Folded::One(b'E'));
        assert_eq!(fold_char('ſ'), Folded::One(b'S'));
        assert_eq!(fold_char('ỻ'), Folded::Two(b'L', b'L'));
        assert_eq!(fold_char('Ỽ'), Folded::One(b'V'));
        assert_eq!(fold_char('ỿ'), Folded::One(b'Y'));
        assert_eq!(fold_char('Д'), Folded::Unchanged);
        assert_eq!(fold_char('a'), Folded::Unchanged);
    }

    /// Every table entry that folds is a letter whose lower/upper partner folds the same way.
    #[test]
    fn case_pairs_fold_alike() {
        for cp in (0xC0u32..=0x24F).chain(0x1E00..=0x1EFF) {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let mut upper = c.to_uppercase();
            if let (Some(u), None) = (upper.next(), upper.next())
                && u != c
                && fold_char(c) != Folded::Unchanged
                && fold_char(u) != Folded::Unchanged
            {
                assert_eq!(fold_char(c), fold_char(u), "U+{cp:04X}");
            }
        }
    }
}

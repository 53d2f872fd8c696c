//! Code 128 symbol characters back to data: the reader's interpretation of
//! what rxing's row decoder found, and the encoders' round-trip check.

/// Interprets Code 128 symbol characters (start, data, check, optional stop)
/// as ISO/IEC 15417 does: `]C1` when FNC1 follows the start character, FNC1
/// elsewhere as GS. Verifies the mod-103 check character. FNC2, FNC3, FNC4
/// (extended ASCII) and FNC1 in second position are refused: fail closed.
///
/// ```
/// use bedside_barcode::gs1_128::{decode_codewords, encode};
/// let m = bedside_gs1::parse_bracketed("(01)09506000134352(10)AB1").unwrap();
/// let s = encode(&m, &Default::default()).unwrap();
/// let (aim, data) = decode_codewords(s.codewords()).unwrap();
/// assert_eq!((aim.as_str(), data.as_slice()), ("]C1", &b"010950600013435210AB1"[..]));
/// ```
pub fn decode_codewords(raw: &[u8]) -> Option<(String, Vec<u8>)> {
    let codes = match raw.split_last() {
        Some((106, rest)) => rest,
        _ => raw,
    };
    let (&check, body) = codes.split_last()?;
    let (&start, data) = body.split_first()?;
    let sum = body
        .iter()
        .enumerate()
        .map(|(k, &v)| (k.max(1) as u32) * u32::from(v))
        .sum::<u32>();
    if sum % 103 != u32::from(check) {
        return None;
    }
    let mut set = match start {
        103 => 0,
        104 => 1,
        105 => 2,
        _ => return None,
    };
    let gs1 = data.first() == Some(&102);
    let mut out = Vec::new();
    let mut shift = false;
    for (k, &v) in data.iter().enumerate() {
        if v == 102 {
            if k > 0 {
                if !gs1 {
                    return None;
                }
                out.push(0x1d);
            }
            continue;
        }
        let cur = if shift { 1 - set } else { set };
        let was_shift = shift;
        shift = false;
        match cur {
            2 => match v {
                0..=99 => {
                    out.push(b'0' + v / 10);
                    out.push(b'0' + v % 10);
                }
                100 => set = 1,
                101 => set = 0,
                _ => return None,
            },
            _ => match v {
                0..=95 => out.push(if cur == 0 && v >= 64 { v - 64 } else { v + 32 }),
                98 if !was_shift => shift = true,
                99 if !was_shift => set = 2,
                100 if cur == 0 && !was_shift => set = 1,
                101 if cur == 1 && !was_shift => set = 0,
                _ => return None,
            },
        }
    }
    if out.is_empty() {
        return None;
    }
    Some((if gs1 { "]C1" } else { "]C0" }.to_owned(), out))
}

#[cfg(test)]
mod tests {
    use super::decode_codewords;

    #[test]
    fn code128_interpretation() {
        // START C, FNC1, 01 09 50 60 00 13 43 52, check, STOP
        let mut cw = vec![105u8, 102, 1, 9, 50, 60, 0, 13, 43, 52];
        let sum: u32 = cw
            .iter()
            .enumerate()
            .map(|(k, &v)| (k.max(1) as u32) * u32::from(v))
            .sum();
        cw.push((sum % 103) as u8);
        cw.push(106);
        let (aim, data) = decode_codewords(&cw).unwrap();
        assert_eq!(aim, "]C1");
        assert_eq!(data, b"0109506000134352");
        cw[3] = 10; // corrupt: the check character no longer matches
        assert!(decode_codewords(&cw).is_none());
    }
}

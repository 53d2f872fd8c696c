//! Shortest-codeword planning for GS1-128.
//!
//! A dynamic programme over (position, code set) finds the fewest symbol
//! characters: set C packs two digits per codeword, A and B carry single
//! characters, SHIFT borrows one character from the other of A/B, and FNC1 —
//! the GS1 flag after the start character, and the separator after
//! variable-length elements (GS in the element string) — exists in every set.

use bedside_gs1::{GS, Message};

use super::writer;
use crate::error::EncodeError;
use crate::matrix::ModuleMatrix;

/// GS1's limit on data characters in one GS1-128 symbol (AIs, data and FNC1
/// separators; GS1 General Specifications 5.4.1).
pub const MAX_DATA_CHARACTERS: usize = 48;

pub(crate) const FNC1: u8 = 102;
pub(crate) const SHIFT: u8 = 98;
pub(crate) const CODE_C: u8 = 99;
pub(crate) const CODE_B: u8 = 100;
pub(crate) const CODE_A: u8 = 101;
pub(crate) const START: [u8; 3] = [103, 104, 105];
pub(crate) const STOP: u8 = 106;

/// GS1-128 options.
///
/// ```
/// let o = bedside_barcode::gs1_128::Gs1_128Options::default();
/// assert_eq!(o.bar_height, 40);
/// assert!(o.enforce_length_limit);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Gs1_128Options {
    /// Bar height in modules in the module matrix.
    pub bar_height: usize,
    /// Refuse more than [`MAX_DATA_CHARACTERS`] data characters, as GS1 requires.
    pub enforce_length_limit: bool,
}

impl Default for Gs1_128Options {
    fn default() -> Self {
        Gs1_128Options {
            bar_height: 40,
            enforce_length_limit: true,
        }
    }
}

/// An encoded GS1-128 symbol.
///
/// ```
/// let m = bedside_gs1::parse_bracketed("(01)09506000134352").unwrap();
/// let s = bedside_barcode::gs1_128::encode(&m, &Default::default()).unwrap();
/// // START C, FNC1, 8 digit pairs, check, STOP
/// assert_eq!(s.codewords().len(), 12);
/// assert_eq!(s.width(), 11 * 11 + 13);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gs1_128Symbol {
    codewords: Vec<u8>,
    matrix: ModuleMatrix,
}

impl Gs1_128Symbol {
    /// Every symbol character: start, FNC1, data, check character, stop.
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352").unwrap();
    /// let s = bedside_barcode::gs1_128::encode(&m, &Default::default()).unwrap();
    /// assert_eq!(*s.codewords().last().unwrap(), 106);
    /// ```
    pub fn codewords(&self) -> &[u8] {
        &self.codewords
    }

    /// Width in modules without quiet zones.
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352").unwrap();
    /// assert_eq!(bedside_barcode::gs1_128::encode(&m, &Default::default()).unwrap().width(), 134);
    /// ```
    pub fn width(&self) -> usize {
        self.matrix.width()
    }

    /// The module matrix: the bar pattern repeated `bar_height` rows, quiet zone 10.
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352").unwrap();
    /// let s = bedside_barcode::gs1_128::encode(&m, &Default::default()).unwrap();
    /// assert_eq!(s.matrix().height(), 40);
    /// assert_eq!(s.matrix().quiet_zone(), 10);
    /// ```
    pub fn matrix(&self) -> &ModuleMatrix {
        &self.matrix
    }

    /// Takes the module matrix.
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352").unwrap();
    /// let matrix = bedside_barcode::gs1_128::encode(&m, &Default::default()).unwrap().into_matrix();
    /// assert_eq!(matrix.rects().len(), 37); // three bars per character, four in the stop
    /// ```
    pub fn into_matrix(self) -> ModuleMatrix {
        self.matrix
    }
}

/// Encodes a validated GS1 message.
///
/// ```
/// let m = bedside_gs1::parse_bracketed("(8018)952000099900012352(8019)1").unwrap();
/// let s = bedside_barcode::gs1_128::encode(&m, &Default::default()).unwrap();
/// assert_eq!(s.codewords()[0], 105);
/// ```
pub fn encode(message: &Message<'_>, opts: &Gs1_128Options) -> Result<Gs1_128Symbol, EncodeError> {
    if message.composite_index().is_some() {
        return Err(EncodeError::Composite);
    }
    if message.is_empty() {
        return Err(EncodeError::Empty);
    }
    encode_element_string(&message.to_element_string(), opts)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Start,
    Fnc1,
    Pair,
    Char,
    Shift,
    Switch,
}

#[derive(Clone, Copy)]
struct Cell {
    cost: u32,
    prev: Option<(usize, usize)>,
    op: Op,
}

const SET_A: usize = 0;
const SET_B: usize = 1;
const SET_C: usize = 2;

fn in_a(c: u8) -> bool {
    c < 96
}
fn in_b(c: u8) -> bool {
    (32..128).contains(&c)
}
fn value_in(set: usize, c: u8) -> u8 {
    if set == SET_A && c < 32 {
        c + 64
    } else {
        c - 32
    }
}

/// Encodes a GS1 element string (GS between elements, no leading FNC1) the
/// caller has validated; [`encode`] is the safe entry point. ASCII only.
///
/// ```
/// let s = bedside_barcode::gs1_128::encode_element_string(b"10AB\x1d0109506000134352", &Default::default()).unwrap();
/// assert!(s.codewords().contains(&102)); // FNC1 as separator
/// assert!(bedside_barcode::gs1_128::encode_element_string("é".as_bytes(), &Default::default()).is_err());
/// ```
pub fn encode_element_string(
    data: &[u8],
    opts: &Gs1_128Options,
) -> Result<Gs1_128Symbol, EncodeError> {
    if data.is_empty() {
        return Err(EncodeError::Empty);
    }
    if opts.enforce_length_limit && data.len() > MAX_DATA_CHARACTERS {
        return Err(EncodeError::TooLong {
            len: data.len(),
            max: MAX_DATA_CHARACTERS,
        });
    }
    if let Some((offset, &byte)) = data
        .iter()
        .enumerate()
        .find(|(_, b)| !(b.is_ascii() && (**b == GS || !b.is_ascii_control())))
    {
        return Err(EncodeError::UnsupportedByte { offset, byte });
    }
    let codewords = plan(data);
    let height = opts.bar_height.max(1);
    let row = writer::modules(&codewords);
    let width = row.len();
    let matrix = ModuleMatrix::from_modules(width, row.repeat(height))
        .ok_or(EncodeError::Internal)?
        .with_quiet_zone(10);
    Ok(Gs1_128Symbol { codewords, matrix })
}

/// The shortest codeword sequence: start, FNC1, data, check, stop.
fn plan(data: &[u8]) -> Vec<u8> {
    let n = data.len();
    let unset = Cell {
        cost: u32::MAX,
        prev: None,
        op: Op::Start,
    };
    let mut dp = vec![[unset; 3]; n + 1];
    for cell in &mut dp[0] {
        *cell = Cell {
            cost: 2,
            prev: None,
            op: Op::Start,
        };
    }
    let relax =
        |dp: &mut Vec<[Cell; 3]>, i: usize, s: usize, cost: u32, from: (usize, usize), op: Op| {
            if let Some(cell) = dp.get_mut(i).and_then(|r| r.get_mut(s))
                && cost < cell.cost
            {
                *cell = Cell {
                    cost,
                    prev: Some(from),
                    op,
                };
            }
        };
    for i in 0..=n {
        // Switching code set costs one codeword at the same position.
        for s in 0..3 {
            for t in 0..3 {
                let c = dp[i][s].cost;
                if s != t && c != u32::MAX {
                    relax(&mut dp, i, t, c + 1, (i, s), Op::Switch);
                }
            }
        }
        if i == n {
            break;
        }
        let ch = data[i];
        for s in 0..3 {
            let c = dp[i][s].cost;
            if c == u32::MAX {
                continue;
            }
            if ch == GS {
                relax(&mut dp, i + 1, s, c + 1, (i, s), Op::Fnc1);
                continue;
            }
            match s {
                SET_C => {
                    if ch.is_ascii_digit() && data.get(i + 1).is_some_and(u8::is_ascii_digit) {
                        relax(&mut dp, i + 2, s, c + 1, (i, s), Op::Pair);
                    }
                }
                _ => {
                    let (here, other) = if s == SET_A {
                        (in_a(ch), in_b(ch))
                    } else {
                        (in_b(ch), in_a(ch))
                    };
                    if here {
                        relax(&mut dp, i + 1, s, c + 1, (i, s), Op::Char);
                    } else if other {
                        relax(&mut dp, i + 1, s, c + 2, (i, s), Op::Shift);
                    }
                }
            }
        }
    }
    // Walk back from the cheapest end state.
    let mut end = 0;
    for s in 1..3 {
        if dp[n][s].cost < dp[n][end].cost {
            end = s;
        }
    }
    let mut steps = Vec::new();
    let mut at = (n, end);
    loop {
        let cell = dp[at.0][at.1];
        steps.push((at, cell.op));
        match cell.prev {
            Some(p) => at = p,
            None => break,
        }
    }
    steps.reverse();
    let mut out = Vec::with_capacity(steps.len() + 4);
    let mut set = SET_A;
    let mut pos = 0;
    for ((i, s), op) in steps {
        match op {
            Op::Start => {
                set = s;
                out.push(START[s]);
                out.push(FNC1);
            }
            Op::Switch => {
                out.push(match s {
                    SET_A => CODE_A,
                    SET_B => CODE_B,
                    _ => CODE_C,
                });
                set = s;
            }
            Op::Fnc1 => out.push(FNC1),
            Op::Pair => {
                let a = data[pos] - b'0';
                let b = data[pos + 1] - b'0';
                out.push(a * 10 + b);
            }
            Op::Char => out.push(value_in(set, data[pos])),
            Op::Shift => {
                out.push(SHIFT);
                out.push(value_in(
                    if set == SET_A { SET_B } else { SET_A },
                    data[pos],
                ));
            }
        }
        pos = i;
    }
    let check = out
        .iter()
        .enumerate()
        .map(|(k, &v)| (k.max(1) as u32) * u32::from(v))
        .sum::<u32>()
        % 103;
    out.push(check as u8);
    out.push(STOP);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_use_set_c_and_letters_switch() {
        let cw = plan(b"10AB1\x1d0109506000134352");
        // START B, FNC1, 1 0 A B 1, FNC1, CODE C, 8 pairs, check, stop
        // (or START C with "10" as a pair and CODE B: the same length)
        assert_eq!(cw[1], FNC1);
        assert_eq!(cw.len(), 2 + 5 + 1 + 1 + 8 + 2);
    }

    #[test]
    fn odd_digit_run_is_cheapest() {
        // 3 digits then a letter: C for the pair, then B for "1A" (or B for all 4).
        let cw = plan(b"123A");
        assert_eq!(cw.len(), 2 + 4 + 2);
    }
}

//! ZPL II for Zebra-class thermal wristband printers (203 and 300 dpi).
//!
//! The traps this module exists to avoid (see the crate README):
//! - `^BX` is always given its escape character explicitly (`_`): printers disagree on the
//!   default, and without it the leading `_1` is printed as data and the symbol decodes as
//!   plain `]d1` text instead of GS1. FNC1 is `_1` first (the GS1 flag) and between
//!   elements; a literal `_` in data is `__`.
//! - Text fields go through `^FH\` and every `^`, `~` and `\` in them is written as a hex
//!   escape, so a name can never become a command. The indicator is never the default `_`,
//!   which would collide with the `^BX` escapes.
//! - `^CI28`: field data is UTF-8 (Zoë, Nguyễn).
//! - `^PW`/`^LL` come from the media; `^PQ` sets the copies; an `^FX` comment carries a job
//!   id for traceability and never patient data.
//!
//! ```
//! use bedside_printer::layout::{Band, BandRequest, BandSize, Layout, Resolution};
//! use bedside_printer::zpl::{self, ZplOptions};
//! use bedside_patient::{NhsNumber, TestData};
//! let band = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "Smith", "John"))?;
//! let zpl = zpl::render(&Layout::new(&band, BandSize::Adult, Resolution::Dpi203)?, &ZplOptions::default())?;
//! let text = String::from_utf8(zpl)?;
//! assert!(text.starts_with("^XA") && text.trim_end().ends_with("^XZ"));
//! assert!(text.contains("^BXN,3,200,") && text.contains(",_^FD_18018952000099900012352_180191"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::Write as _;

use bedside_gs1::GS;
use thiserror::Error;

use crate::layout::{BandError, DataMatrixItem, Item, Layout, LinearItem, Measure, TextItem};
use crate::raster::Canvas;

/// Why ZPL could not be generated.
///
/// ```
/// use bedside_printer::zpl::{ZplError, ZplOptions};
/// assert_eq!(ZplOptions { copies: 0, ..ZplOptions::default() }.check(), Err(ZplError::Copies { copies: 0 }));
/// ```
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ZplError {
    /// Copies outside 1..=99.
    #[error("copies {copies}: between 1 and 99")]
    Copies {
        /// Requested copies.
        copies: u32,
    },
    /// A job id that is not 1-32 letters, digits or `-`.
    #[error(
        "job id: character {found:?} at position {position}; only letters, digits and '-' (1 to 32)"
    )]
    JobId {
        /// 0-based position (or the length when empty or too long).
        position: usize,
        /// The offending character (`'\0'` for a length fault).
        found: char,
    },
    /// Barcode data with a byte ZPL cannot carry inside `^FD` (a bug guard: band data is
    /// GS1 CSET 82).
    #[error("barcode data byte {byte:#04x} at offset {offset} cannot be written in ZPL")]
    BarcodeByte {
        /// Offset in the element string.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// The embedded font could not be read.
    #[error(transparent)]
    Band(#[from] BandError),
    /// A GS1-128 symbol character sequence ZPL's `^BC` invocation codes cannot express.
    #[error("GS1-128 symbol character {codeword} at position {position} has no ZPL invocation")]
    Linear {
        /// Position in the symbol characters.
        position: usize,
        /// The symbol character value.
        codeword: u8,
    },
}

/// Job options.
///
/// ```
/// let o = bedside_printer::zpl::ZplOptions::default();
/// assert_eq!(o.copies, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZplOptions {
    /// Copies to print (`^PQ`), 1-99.
    pub copies: u32,
    /// A job id written in an `^FX` comment (letters, digits, `-`), for tracing a job
    /// through spoolers and printer logs. Never patient data.
    pub job_id: Option<String>,
}

impl Default for ZplOptions {
    fn default() -> Self {
        ZplOptions {
            copies: 1,
            job_id: None,
        }
    }
}

impl ZplOptions {
    /// Checks the options.
    ///
    /// ```
    /// use bedside_printer::zpl::ZplOptions;
    /// assert!(ZplOptions { job_id: Some("job-42".into()), ..ZplOptions::default() }.check().is_ok());
    /// assert!(ZplOptions { job_id: Some("^XZ".into()), ..ZplOptions::default() }.check().is_err());
    /// ```
    pub fn check(&self) -> Result<(), ZplError> {
        if !(1..=99).contains(&self.copies) {
            return Err(ZplError::Copies {
                copies: self.copies,
            });
        }
        if let Some(id) = &self.job_id {
            if id.is_empty() || id.chars().count() > 32 {
                return Err(ZplError::JobId {
                    position: id.chars().count(),
                    found: '\0',
                });
            }
            if let Some((position, found)) = id
                .chars()
                .enumerate()
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-'))
            {
                return Err(ZplError::JobId { position, found });
            }
        }
        Ok(())
    }
}

/// Writes text field data for use after `^FH\`: `^`, `~`, `\` and control characters as
/// `\hh` hex escapes, everything else as UTF-8.
///
/// ```
/// assert_eq!(bedside_printer::zpl::escape_text("O'Brien ^XZ ~JA \\ Zoë_"), "O'Brien \\5EXZ \\7EJA \\5C Zoë_");
/// ```
#[must_use]
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '^' | '~' | '\\' => {
                let _ = write!(out, "\\{:02X}", u32::from(c));
            }
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "\\{b:02X}");
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Writes a GS1 element string as `^BX` field data with `_` as the escape character:
/// `_1` (FNC1) first and for every GS, `__` for a literal underscore.
///
/// ```
/// assert_eq!(bedside_printer::zpl::datamatrix_data(b"8018123\x1d7253A_B")?, "_18018123_17253A__B");
/// assert!(bedside_printer::zpl::datamatrix_data(b"91A^B").is_err());
/// # Ok::<(), bedside_printer::zpl::ZplError>(())
/// ```
pub fn datamatrix_data(element_string: &[u8]) -> Result<String, ZplError> {
    let mut out = String::from("_1");
    for (offset, &b) in element_string.iter().enumerate() {
        match b {
            GS => out.push_str("_1"),
            b'_' => out.push_str("__"),
            b'^' | b'~' | b'\\' => return Err(ZplError::BarcodeByte { offset, byte: b }),
            0x21..=0x7E => out.push(char::from(b)),
            _ => return Err(ZplError::BarcodeByte { offset, byte: b }),
        }
    }
    Ok(out)
}

/// Plans GS1-128 symbol characters that every ZPL `^BC` implementation draws the same way:
/// start C and FNC1, digit pairs in subset C (FNC1 for each GS), and — only where a digit
/// run is odd or a non-digit comes — one switch to subset B for the rest of the data, with
/// at least two characters in that run. This avoids mid-symbol switches back to C and
/// one-character runs, which ZPL renderers have been seen to mishandle (the crate README
/// lists the cases); the symbol is at most a few characters longer than the optimal plan.
/// Returns start, data, check character and stop.
///
/// ```
/// let cw = bedside_printer::zpl::gs1_128_plan(b"8018952000099900012352\x1d80191")?;
/// assert_eq!(bedside_printer::zpl::gs1_128_data(&cw)?, ">;>88018952000099900012352>880>6191");
/// # Ok::<(), bedside_printer::zpl::ZplError>(())
/// ```
pub fn gs1_128_plan(element_string: &[u8]) -> Result<Vec<u8>, ZplError> {
    const START_C: u8 = 105;
    const FNC1: u8 = 102;
    const CODE_B: u8 = 100;
    const STOP: u8 = 106;
    // Where subset C must end: the first odd digit run or non-digit.
    let mut switch_at = element_string.len();
    let mut i = 0;
    while i < element_string.len() {
        if element_string[i] == GS {
            i += 1;
            continue;
        }
        let run = element_string[i..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if run % 2 == 1 || run == 0 {
            // Keep every complete pair of this run in C; B takes the odd digit onwards.
            switch_at = i + run - run % 2;
            break;
        }
        i += run;
    }
    // At least two characters in the B run (ZPL renderers have dropped a lone last one).
    let b_chars = element_string[switch_at..]
        .iter()
        .filter(|b| **b != GS)
        .count();
    if b_chars == 1
        && switch_at >= 2
        && element_string[switch_at - 2..switch_at]
            .iter()
            .all(u8::is_ascii_digit)
    {
        switch_at -= 2;
    }
    let mut cw = vec![START_C, FNC1];
    let mut j = 0;
    while j < switch_at {
        if element_string[j] == GS {
            cw.push(FNC1);
            j += 1;
        } else {
            cw.push((element_string[j] - b'0') * 10 + (element_string[j + 1] - b'0'));
            j += 2;
        }
    }
    if switch_at < element_string.len() {
        cw.push(CODE_B);
        for (offset, &b) in element_string.iter().enumerate().skip(switch_at) {
            match b {
                GS => cw.push(FNC1),
                b' '..=b'~' if b != b'^' && b != b'~' => cw.push(b - 32),
                _ => return Err(ZplError::BarcodeByte { offset, byte: b }),
            }
        }
    }
    let data_chars = cw.len() - 1;
    if data_chars > bedside_barcode::gs1_128::MAX_DATA_CHARACTERS {
        return Err(ZplError::Linear {
            position: data_chars,
            codeword: 0,
        });
    }
    let check = cw
        .iter()
        .enumerate()
        .map(|(k, &v)| u32::from(v) * (k.max(1) as u32))
        .sum::<u32>()
        % 103;
    cw.push(check as u8);
    cw.push(STOP);
    Ok(cw)
}

/// Writes GS1-128 symbol characters (start, FNC1, data, check, stop — as
/// `bedside-barcode` plans them) as `^BC` field data with invocation codes, so the printer
/// draws a symbol of the same length: `>;`/`>:` start C/B, `>8` FNC1, `>5`/`>6` switch to
/// C/B, subset C digit pairs as two digits. Subset A runs (printable characters only) are
/// written in subset B.
///
/// ```
/// let m = bedside_gs1::parse_bracketed("(8018)952000099900012352(8019)1")?;
/// let s = bedside_barcode::gs1_128::encode(&m, &Default::default())?;
/// assert_eq!(bedside_printer::zpl::gs1_128_data(s.codewords())?, ">;>88018952000099900012352>88019>61");
/// let ours = bedside_printer::zpl::gs1_128_plan(&m.to_element_string())?;
/// assert_eq!(bedside_printer::zpl::gs1_128_data(&ours)?, ">;>88018952000099900012352>880>6191");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn gs1_128_data(codewords: &[u8]) -> Result<String, ZplError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Set {
        A,
        B,
        C,
    }
    let bad = |position: usize, codeword: u8| ZplError::Linear { position, codeword };
    let Some((&start, rest)) = codewords.split_first() else {
        return Err(bad(0, 0));
    };
    // Drop the check character and stop (the printer computes and draws them).
    let data = match rest.len() {
        n if n >= 2 => &rest[..n - 2],
        _ => return Err(bad(1, 0)),
    };
    let mut out = String::new();
    let mut set = match start {
        103 => {
            out.push_str(">:");
            Set::A
        }
        104 => {
            out.push_str(">:");
            Set::B
        }
        105 => {
            out.push_str(">;");
            Set::C
        }
        other => return Err(bad(0, other)),
    };
    for (i, &cw) in data.iter().enumerate() {
        let position = i + 1;
        match (set, cw) {
            (_, 102) => out.push_str(">8"),
            (Set::A | Set::B, 99) => {
                out.push_str(">5");
                set = Set::C;
            }
            (Set::A | Set::C, 100) => {
                out.push_str(">6");
                set = Set::B;
            }
            // Code set A is written as B: for the printable characters both share (all
            // that GS1 data uses) the symbol is the same length, and B is the subset every
            // ZPL implementation handles.
            (Set::B | Set::C, 101) => {
                out.push_str(">6");
                set = Set::A;
            }
            (Set::C, 0..=99) => {
                let _ = write!(out, "{cw:02}");
            }
            (Set::B, 0..=94) => {
                let c = char::from(cw + 32);
                match c {
                    '>' => out.push_str("><"),
                    '^' | '~' => return Err(bad(position, cw)),
                    c => out.push(c),
                }
            }
            (Set::A, 0..=63) => {
                let c = char::from(cw + 32);
                match c {
                    '>' => out.push_str("><"),
                    '^' | '~' => return Err(bad(position, cw)),
                    c => out.push(c),
                }
            }
            _ => return Err(bad(position, cw)),
        }
    }
    Ok(out)
}

fn datamatrix(out: &mut String, d: &DataMatrixItem) -> Result<(), ZplError> {
    let _ = writeln!(
        out,
        "^FO{},{}^BXN,{},200,{},{},6,_^FD{}^FS",
        d.x,
        d.y,
        d.module_dots,
        d.zpl_size,
        d.zpl_size,
        datamatrix_data(&d.data)?
    );
    Ok(())
}

/// Whether a printer's resident scalable font (font 0) can be trusted with this text:
/// printable ASCII and Latin-1 only. Anything else (Nguyễn, Łukasz) is sent as a graphic
/// drawn with the embedded font, so no character is ever dropped or replaced by a box.
fn resident_font_has(text: &str) -> bool {
    text.chars()
        .all(|c| (' '..='~').contains(&c) || ('\u{A0}'..='\u{FF}').contains(&c))
}

/// `^GFA` for one text line: its glyphs rasterised with the embedded font, 1 bit per dot.
fn text_graphic(out: &mut String, t: &TextItem, font: &ab_glyph::FontRef<'_>) {
    let w = t.height_dots + 2;
    let h = t.length_dots.max(1);
    let mut c = Canvas::new(w, h);
    c.text(font, t, -i64::from(t.x), -i64::from(t.y), 0);
    let bytes_per_row = w.div_ceil(8) as usize;
    let mut hex = String::with_capacity(bytes_per_row * h as usize * 2);
    for row in 0..h as usize {
        let mut bits = vec![0u8; bytes_per_row];
        for col in 0..w as usize {
            if c.px[row * w as usize + col] < 128 {
                bits[col / 8] |= 0x80 >> (col % 8);
            }
        }
        for b in bits {
            let _ = write!(hex, "{b:02X}");
        }
    }
    let total = bytes_per_row * h as usize;
    let _ = writeln!(
        out,
        "^FO{},{}{}^GFA,{total},{total},{bytes_per_row},{hex}^FS",
        t.x,
        t.y,
        if t.reverse { "^FR" } else { "" },
    );
}

fn text(out: &mut String, t: &TextItem, font: &ab_glyph::FontRef<'_>) {
    if t.reverse {
        // A dark box the text is reversed out of: visible on any band colour.
        let pad = (t.height_dots / 6).max(2);
        let _ = writeln!(
            out,
            "^FO{},{}^GB{},{},{},B,0^FS",
            t.x.saturating_sub(pad),
            t.y.saturating_sub(pad),
            t.height_dots + 2 * pad,
            t.length_dots + 2 * pad,
            t.height_dots + 2 * pad,
        );
    }
    if !resident_font_has(&t.text) {
        text_graphic(out, t, font);
        return;
    }
    let _ = writeln!(
        out,
        "^FO{},{}^A0R,{},{}{}^FH\\^FD{}^FS",
        t.x,
        t.y,
        t.height_dots,
        t.height_dots,
        if t.reverse { "^FR" } else { "" },
        escape_text(&t.text)
    );
}

fn linear(out: &mut String, l: &LinearItem) -> Result<(), ZplError> {
    let _ = writeln!(
        out,
        "^FO{},{}^BY{}^BCR,{},N,N,N,N^FD{}^FS",
        l.x,
        l.y,
        l.module_dots,
        l.bar_dots,
        gs1_128_data(&l.codewords)?
    );
    Ok(())
}

/// Renders a layout as one ZPL II label.
///
/// ```
/// use bedside_printer::layout::{Band, BandRequest, BandSize, Layout, Resolution};
/// use bedside_printer::zpl::{render, ZplOptions};
/// use bedside_patient::{NhsNumber, TestData};
/// let band = Band::new(&BandRequest::new(NhsNumber::parse("9990001235", TestData::Allow)?, "O'Brien^XZ", "Zoë"))?;
/// let l = Layout::new(&band, BandSize::Adult, Resolution::Dpi300)?;
/// let z = String::from_utf8(render(&l, &ZplOptions { copies: 2, job_id: Some("b-7".into()) })?)?;
/// assert!(z.contains("^PW305\n^LL3353") && z.contains("^PQ2,0,1,Y") && z.contains("^FX bedside job b-7"));
/// assert_eq!(z.matches("^XZ").count(), 1); // the name's "^XZ" is escaped
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render(layout: &Layout, opts: &ZplOptions) -> Result<Vec<u8>, ZplError> {
    opts.check()?;
    let measure = Measure::new()?;
    let mut out = String::with_capacity(2048);
    out.push_str("^XA\n");
    if let Some(id) = &opts.job_id {
        let _ = writeln!(out, "^FX bedside job {id}^FS");
    }
    let _ = writeln!(
        out,
        "^FX bedside wristband {} {} dpi{}^FS",
        layout.media().size,
        layout.resolution().dpi(),
        if layout.is_alert() { " alert" } else { "" }
    );
    out.push_str("^CI28\n");
    let _ = writeln!(
        out,
        "^PW{}\n^LL{}\n^LH0,0\n^PON",
        layout.width_dots(),
        layout.length_dots()
    );
    for item in layout.items() {
        match item {
            Item::DataMatrix(d) => datamatrix(&mut out, d)?,
            Item::Text(t) => text(&mut out, t, measure.font()),
            Item::Linear(l) => linear(&mut out, l)?,
        }
    }
    let _ = writeln!(out, "^PQ{},0,1,Y\n^XZ", opts.copies);
    Ok(out.into_bytes())
}

//! Code 128 symbol characters as bars and spaces (ISO/IEC 15417 widths).

/// Bar/space widths of the 107 symbol characters, bar first; 106 is the stop
/// pattern with its termination bar.
const WIDTHS: [&[u8]; 107] = [
    b"212222", b"222122", b"222221", b"121223", b"121322", b"131222", b"122213", b"122312",
    b"132212", b"221213", b"221312", b"231212", b"112232", b"122132", b"122231", b"113222",
    b"123122", b"123221", b"223211", b"221132", b"221231", b"213212", b"223112", b"312131",
    b"311222", b"321122", b"321221", b"312212", b"322112", b"322211", b"212123", b"212321",
    b"232121", b"111323", b"131123", b"131321", b"112313", b"132113", b"132311", b"211313",
    b"231113", b"231311", b"112133", b"112331", b"132131", b"113123", b"113321", b"133121",
    b"313121", b"211331", b"231131", b"213113", b"213311", b"213131", b"311123", b"311321",
    b"331121", b"312113", b"312311", b"332111", b"314111", b"221411", b"431111", b"111224",
    b"111422", b"121124", b"121421", b"141122", b"141221", b"112214", b"112412", b"122114",
    b"122411", b"142112", b"142211", b"241211", b"221114", b"413111", b"241112", b"134111",
    b"111242", b"121142", b"121241", b"114212", b"124112", b"124211", b"411212", b"421112",
    b"421211", b"212141", b"214121", b"412121", b"111143", b"111341", b"131141", b"114113",
    b"114311", b"411113", b"411311", b"113141", b"114131", b"311141", b"411131", b"211412",
    b"211214", b"211232", b"2331112",
];

/// The bar/space widths of a symbol character, bar first (`None` past 106).
///
/// ```
/// use bedside_barcode::gs1_128::writer::widths;
/// assert_eq!(widths(102), Some(&b"411131"[..])); // FNC1
/// assert_eq!(widths(107), None);
/// ```
pub fn widths(value: u8) -> Option<&'static [u8]> {
    WIDTHS.get(usize::from(value)).copied()
}

/// One row of modules (`true` = bar) for a codeword sequence; unknown values
/// are skipped.
///
/// ```
/// let row = bedside_barcode::gs1_128::writer::modules(&[105, 102, 106]);
/// assert_eq!(row.len(), 11 + 11 + 13);
/// assert!(row[0] && row[1] && !row[2]);
/// ```
pub fn modules(codewords: &[u8]) -> Vec<bool> {
    let mut row = Vec::with_capacity(codewords.len() * 11 + 2);
    for &cw in codewords {
        if let Some(w) = widths(cw) {
            for (k, &d) in w.iter().enumerate() {
                let dark = k % 2 == 0;
                row.extend(core::iter::repeat_n(dark, usize::from(d - b'0')));
            }
        }
    }
    row
}

impl super::Gs1_128Symbol {
    /// The symbol as an SVG document (quiet zone 10 modules).
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352").unwrap();
    /// let s = bedside_barcode::gs1_128::encode(&m, &Default::default()).unwrap();
    /// assert!(s.to_svg(&Default::default()).unwrap().contains("viewBox=\"0 0 154 60\""));
    /// ```
    pub fn to_svg(&self, opts: &crate::RenderOptions) -> Result<String, crate::RenderError> {
        self.matrix().to_svg(opts)
    }

    /// The symbol as a greyscale PNG.
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352").unwrap();
    /// let s = bedside_barcode::gs1_128::encode(&m, &Default::default()).unwrap();
    /// assert_eq!(&s.to_png(&Default::default()).unwrap()[1..4], b"PNG");
    /// ```
    pub fn to_png(&self, opts: &crate::RenderOptions) -> Result<Vec<u8>, crate::RenderError> {
        self.matrix().to_png(opts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for (v, w) in WIDTHS.iter().enumerate() {
            let sum: u32 = w.iter().map(|d| u32::from(d - b'0')).sum();
            let bars: u32 = w.iter().step_by(2).map(|d| u32::from(d - b'0')).sum();
            assert_eq!(sum, if v == 106 { 13 } else { 11 }, "value {v}");
            assert_eq!(bars % 2, 0, "bar modules must be even, value {v}");
            assert!(seen.insert(*w), "duplicate pattern at {v}");
        }
    }
}

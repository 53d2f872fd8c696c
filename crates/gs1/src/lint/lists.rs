//! Code-list linters: country, currency, sex, media type, package type and
//! other small closed sets.
//!
//! The lists are data facts taken from the GS1 Barcode Syntax Engine
//! (release matching Syntax Dictionary 2026-01-27). Numeric and two-letter
//! lists are turned into bitmaps at compile time, so a lookup is a couple of
//! instructions; the package type list is binary-searched.

use super::cset::CSET64;
use super::{LintCode, LintError, LintResult};

/// A bitmap of `W * 64` bits with the given positions set.
const fn bitmap<const W: usize>(positions: &[u16]) -> [u64; W] {
    let mut words = [0u64; W];
    let mut i = 0;
    while i < positions.len() {
        let p = positions[i] as usize;
        words[p / 64] |= 1 << (p % 64);
        i += 1;
    }
    words
}

fn bit_is_set(words: &[u64], index: usize) -> bool {
    words
        .get(index / 64)
        .is_some_and(|w| (w >> (index % 64)) & 1 == 1)
}

/// The value of exactly three ASCII digits, or `None`.
fn three_digits(data: &[u8]) -> Option<usize> {
    match *data {
        [a, b, c] if a.is_ascii_digit() && b.is_ascii_digit() && c.is_ascii_digit() => {
            Some(usize::from(a - b'0') * 100 + usize::from(b - b'0') * 10 + usize::from(c - b'0'))
        }
        _ => None,
    }
}

/// ISO 3166-1 numeric country codes.
const ISO3166_CODES: &[u16] = &[
    4, 8, 10, 12, 16, 20, 24, 28, 31, 32, 36, 40, 44, 48, 50, 51, 52, 56, 60, 64, 68, 70, 72, 74,
    76, 84, 86, 90, 92, 96, 100, 104, 108, 112, 116, 120, 124, 132, 136, 140, 144, 148, 152, 156,
    158, 162, 166, 170, 174, 175, 178, 180, 184, 188, 191, 192, 196, 203, 204, 208, 212, 214, 218,
    222, 226, 231, 232, 233, 234, 238, 239, 242, 246, 248, 250, 254, 258, 260, 262, 266, 268, 270,
    275, 276, 288, 292, 296, 300, 304, 308, 312, 316, 320, 324, 328, 332, 334, 336, 340, 344, 348,
    352, 356, 360, 364, 368, 372, 376, 380, 384, 388, 392, 398, 400, 404, 408, 410, 414, 417, 418,
    422, 426, 428, 430, 434, 438, 440, 442, 446, 450, 454, 458, 462, 466, 470, 474, 478, 480, 484,
    492, 496, 498, 499, 500, 504, 508, 512, 516, 520, 524, 528, 531, 533, 534, 535, 540, 548, 554,
    558, 562, 566, 570, 574, 578, 580, 581, 583, 584, 585, 586, 591, 598, 600, 604, 608, 612, 616,
    620, 624, 626, 630, 634, 638, 642, 643, 646, 652, 654, 659, 660, 662, 663, 666, 670, 674, 678,
    682, 686, 688, 690, 694, 702, 703, 704, 705, 706, 710, 716, 724, 728, 729, 732, 740, 744, 748,
    752, 756, 760, 762, 764, 768, 772, 776, 780, 784, 788, 792, 795, 796, 798, 800, 804, 807, 818,
    826, 831, 832, 833, 834, 840, 850, 854, 858, 860, 862, 876, 882, 887, 894,
];
static ISO3166: [u64; 16] = bitmap(ISO3166_CODES);

/// ISO 4217 numeric currency codes (including the X-codes such as 999).
const ISO4217_CODES: &[u16] = &[
    8, 12, 32, 36, 44, 48, 50, 51, 52, 60, 64, 68, 72, 84, 90, 96, 104, 108, 116, 124, 132, 136,
    144, 152, 156, 170, 174, 188, 192, 203, 208, 214, 222, 230, 232, 238, 242, 262, 270, 292, 320,
    324, 328, 332, 340, 344, 348, 352, 356, 360, 364, 368, 376, 388, 392, 396, 398, 400, 404, 408,
    410, 414, 417, 418, 422, 426, 430, 434, 446, 454, 458, 462, 480, 484, 496, 498, 504, 512, 516,
    524, 532, 533, 548, 554, 558, 566, 578, 586, 590, 598, 600, 604, 608, 634, 643, 646, 654, 682,
    690, 702, 704, 706, 710, 728, 748, 752, 756, 760, 764, 776, 780, 784, 788, 800, 807, 818, 826,
    834, 840, 858, 860, 882, 886, 901, 924, 925, 926, 927, 928, 929, 930, 933, 934, 936, 938, 940,
    941, 943, 944, 946, 947, 948, 949, 950, 951, 952, 953, 955, 956, 957, 958, 959, 960, 961, 962,
    963, 964, 965, 967, 968, 969, 970, 971, 972, 973, 975, 976, 977, 978, 979, 980, 981, 984, 985,
    986, 990, 994, 997, 999,
];
static ISO4217: [u64; 16] = bitmap(ISO4217_CODES);

/// ISO 3166-1 alpha-2 country codes.
const ALPHA2_CODES: &[[u8; 2]] = &[
    *b"AD", *b"AE", *b"AF", *b"AG", *b"AI", *b"AL", *b"AM", *b"AO", *b"AQ", *b"AR", *b"AS", *b"AT",
    *b"AU", *b"AW", *b"AX", *b"AZ", *b"BA", *b"BB", *b"BD", *b"BE", *b"BF", *b"BG", *b"BH", *b"BI",
    *b"BJ", *b"BL", *b"BM", *b"BN", *b"BO", *b"BQ", *b"BR", *b"BS", *b"BT", *b"BV", *b"BW", *b"BY",
    *b"BZ", *b"CA", *b"CC", *b"CD", *b"CF", *b"CG", *b"CH", *b"CI", *b"CK", *b"CL", *b"CM", *b"CN",
    *b"CO", *b"CR", *b"CU", *b"CV", *b"CW", *b"CX", *b"CY", *b"CZ", *b"DE", *b"DJ", *b"DK", *b"DM",
    *b"DO", *b"DZ", *b"EC", *b"EE", *b"EG", *b"EH", *b"ER", *b"ES", *b"ET", *b"FI", *b"FJ", *b"FK",
    *b"FM", *b"FO", *b"FR", *b"GA", *b"GB", *b"GD", *b"GE", *b"GF", *b"GG", *b"GH", *b"GI", *b"GL",
    *b"GM", *b"GN", *b"GP", *b"GQ", *b"GR", *b"GS", *b"GT", *b"GU", *b"GW", *b"GY", *b"HK", *b"HM",
    *b"HN", *b"HR", *b"HT", *b"HU", *b"ID", *b"IE", *b"IL", *b"IM", *b"IN", *b"IO", *b"IQ", *b"IR",
    *b"IS", *b"IT", *b"JE", *b"JM", *b"JO", *b"JP", *b"KE", *b"KG", *b"KH", *b"KI", *b"KM", *b"KN",
    *b"KP", *b"KR", *b"KW", *b"KY", *b"KZ", *b"LA", *b"LB", *b"LC", *b"LI", *b"LK", *b"LR", *b"LS",
    *b"LT", *b"LU", *b"LV", *b"LY", *b"MA", *b"MC", *b"MD", *b"ME", *b"MF", *b"MG", *b"MH", *b"MK",
    *b"ML", *b"MM", *b"MN", *b"MO", *b"MP", *b"MQ", *b"MR", *b"MS", *b"MT", *b"MU", *b"MV", *b"MW",
    *b"MX", *b"MY", *b"MZ", *b"NA", *b"NC", *b"NE", *b"NF", *b"NG", *b"NI", *b"NL", *b"NO", *b"NP",
    *b"NR", *b"NU", *b"NZ", *b"OM", *b"PA", *b"PE", *b"PF", *b"PG", *b"PH", *b"PK", *b"PL", *b"PM",
    *b"PN", *b"PR", *b"PS", *b"PT", *b"PW", *b"PY", *b"QA", *b"RE", *b"RO", *b"RS", *b"RU", *b"RW",
    *b"SA", *b"SB", *b"SC", *b"SD", *b"SE", *b"SG", *b"SH", *b"SI", *b"SJ", *b"SK", *b"SL", *b"SM",
    *b"SN", *b"SO", *b"SR", *b"SS", *b"ST", *b"SV", *b"SX", *b"SY", *b"SZ", *b"TC", *b"TD", *b"TF",
    *b"TG", *b"TH", *b"TJ", *b"TK", *b"TL", *b"TM", *b"TN", *b"TO", *b"TR", *b"TT", *b"TV", *b"TW",
    *b"TZ", *b"UA", *b"UG", *b"UM", *b"US", *b"UY", *b"UZ", *b"VA", *b"VC", *b"VE", *b"VG", *b"VI",
    *b"VN", *b"VU", *b"WF", *b"WS", *b"YE", *b"YT", *b"ZA", *b"ZM", *b"ZW",
];
static ALPHA2: [u64; 11] = {
    let mut positions = [0u16; ALPHA2_CODES.len()];
    let mut i = 0;
    while i < ALPHA2_CODES.len() {
        let [a, b] = ALPHA2_CODES[i];
        positions[i] = (a - b'A') as u16 * 26 + (b - b'A') as u16;
        i += 1;
    }
    bitmap(&positions)
};

/// Package type codes (UN/ECE Recommendation 21 plus GS1 additions), in
/// byte order for binary search.
const PACKAGE_TYPES: &[&[u8]] = &[
    b"1A", b"1B", b"1D", b"1F", b"1G", b"1W", b"200", b"201", b"202", b"203", b"204", b"205",
    b"206", b"210", b"211", b"212", b"2C", b"3A", b"3H", b"43", b"44", b"4A", b"4B", b"4C", b"4D",
    b"4F", b"4G", b"4H", b"5H", b"5L", b"5M", b"6H", b"6P", b"7A", b"7B", b"8", b"8A", b"8B",
    b"8C", b"9", b"AA", b"AB", b"AC", b"AD", b"AF", b"AG", b"AH", b"AI", b"AJ", b"AL", b"AM",
    b"AP", b"APE", b"AT", b"AV", b"B4", b"BB", b"BC", b"BD", b"BE", b"BF", b"BG", b"BGE", b"BH",
    b"BI", b"BJ", b"BK", b"BL", b"BM", b"BME", b"BN", b"BO", b"BP", b"BQ", b"BR", b"BRI", b"BS",
    b"BT", b"BU", b"BV", b"BW", b"BX", b"BY", b"BZ", b"CA", b"CB", b"CBL", b"CC", b"CCE", b"CD",
    b"CE", b"CF", b"CG", b"CH", b"CI", b"CJ", b"CK", b"CL", b"CM", b"CN", b"CO", b"CP", b"CQ",
    b"CR", b"CS", b"CT", b"CU", b"CV", b"CW", b"CX", b"CY", b"CZ", b"DA", b"DB", b"DC", b"DG",
    b"DH", b"DI", b"DJ", b"DK", b"DL", b"DM", b"DN", b"DP", b"DPE", b"DR", b"DS", b"DT", b"DU",
    b"DV", b"DW", b"DX", b"DY", b"E1", b"E2", b"E3", b"EC", b"ED", b"EE", b"EF", b"EG", b"EH",
    b"EI", b"EN", b"FB", b"FC", b"FD", b"FE", b"FI", b"FL", b"FO", b"FOB", b"FP", b"FPE", b"FR",
    b"FT", b"FW", b"FX", b"GB", b"GI", b"GL", b"GR", b"GU", b"GY", b"GZ", b"HA", b"HB", b"HC",
    b"HG", b"HN", b"HR", b"IA", b"IB", b"IC", b"ID", b"IE", b"IF", b"IG", b"IH", b"IK", b"IL",
    b"IN", b"IZ", b"JB", b"JC", b"JG", b"JR", b"JT", b"JY", b"KG", b"KI", b"LAB", b"LE", b"LG",
    b"LT", b"LU", b"LV", b"LZ", b"MA", b"MB", b"MC", b"ME", b"MPE", b"MR", b"MS", b"MT", b"MW",
    b"MX", b"NA", b"NE", b"NF", b"NG", b"NS", b"NT", b"NU", b"NV", b"OA", b"OB", b"OC", b"OD",
    b"OE", b"OF", b"OK", b"OPE", b"OT", b"OU", b"P2", b"PA", b"PAE", b"PB", b"PC", b"PD", b"PE",
    b"PF", b"PG", b"PH", b"PI", b"PJ", b"PK", b"PL", b"PLP", b"PN", b"PO", b"POP", b"PP", b"PPE",
    b"PR", b"PT", b"PU", b"PUE", b"PV", b"PX", b"PY", b"PZ", b"QA", b"QB", b"QC", b"QD", b"QF",
    b"QG", b"QH", b"QJ", b"QK", b"QL", b"QM", b"QN", b"QP", b"QQ", b"QR", b"QS", b"RB1", b"RB2",
    b"RB3", b"RCB", b"RD", b"RG", b"RJ", b"RK", b"RL", b"RO", b"RT", b"RZ", b"S1", b"SA", b"SB",
    b"SC", b"SD", b"SE", b"SEC", b"SH", b"SI", b"SK", b"SL", b"SM", b"SO", b"SP", b"SS", b"ST",
    b"STL", b"SU", b"SV", b"SW", b"SX", b"SY", b"SZ", b"T1", b"TB", b"TC", b"TD", b"TE", b"TEV",
    b"TG", b"THE", b"TI", b"TK", b"TL", b"TN", b"TO", b"TR", b"TRE", b"TS", b"TT", b"TTE", b"TU",
    b"TV", b"TW", b"TWE", b"TY", b"TZ", b"UC", b"UN", b"UUE", b"VA", b"VG", b"VI", b"VK", b"VL",
    b"VN", b"VO", b"VP", b"VQ", b"VR", b"VS", b"VY", b"WA", b"WB", b"WC", b"WD", b"WF", b"WG",
    b"WH", b"WJ", b"WK", b"WL", b"WM", b"WN", b"WP", b"WQ", b"WR", b"WRP", b"WS", b"WT", b"WU",
    b"WV", b"WW", b"WX", b"WY", b"WZ", b"X11", b"X12", b"X15", b"X16", b"X17", b"X18", b"X19",
    b"X20", b"X3", b"XA", b"XB", b"XC", b"XD", b"XF", b"XG", b"XH", b"XJ", b"XK", b"YA", b"YB",
    b"YC", b"YD", b"YF", b"YG", b"YH", b"YJ", b"YK", b"YL", b"YM", b"YN", b"YP", b"YQ", b"YR",
    b"YS", b"YT", b"YV", b"YW", b"YX", b"YY", b"YZ", b"ZA", b"ZB", b"ZC", b"ZD", b"ZF", b"ZG",
    b"ZH", b"ZJ", b"ZK", b"ZL", b"ZM", b"ZN", b"ZP", b"ZQ", b"ZR", b"ZS", b"ZT", b"ZU", b"ZV",
    b"ZW", b"ZX", b"ZY", b"ZZ",
];

/// `iso3166`: a known ISO 3166-1 numeric country code. Anything else
/// (including `999`) highlights the whole component.
pub(super) fn iso3166(data: &[u8]) -> LintResult {
    match three_digits(data) {
        Some(n) if bit_is_set(&ISO3166, n) => Ok(()),
        _ => Err(LintError::at(LintCode::NotIso3166, 0, data.len())),
    }
}

/// `iso3166999`: a known ISO 3166-1 numeric country code, or `999`.
pub(super) fn iso3166999(data: &[u8]) -> LintResult {
    if data == b"999" {
        return Ok(());
    }
    iso3166(data).map_err(|e| LintError {
        code: LintCode::NotIso3166Or999,
        ..e
    })
}

/// `iso3166alpha2`: a known ISO 3166-1 alpha-2 code, upper case.
pub(super) fn iso3166alpha2(data: &[u8]) -> LintResult {
    match *data {
        [a @ b'A'..=b'Z', b @ b'A'..=b'Z']
            if bit_is_set(&ALPHA2, usize::from(a - b'A') * 26 + usize::from(b - b'A')) =>
        {
            Ok(())
        }
        _ => Err(LintError::at(LintCode::NotIso3166Alpha2, 0, data.len())),
    }
}

/// `iso4217`: a known ISO 4217 numeric currency code.
pub(super) fn iso4217(data: &[u8]) -> LintResult {
    match three_digits(data) {
        Some(n) if bit_is_set(&ISO4217, n) => Ok(()),
        _ => Err(LintError::at(LintCode::NotIso4217, 0, data.len())),
    }
}

/// Exactly one byte, which must be one of `allowed`; otherwise `code` over
/// the whole component.
fn one_of(data: &[u8], allowed: &[u8], code: LintCode) -> LintResult {
    match *data {
        [b] if allowed.contains(&b) => Ok(()),
        _ => Err(LintError::at(code, 0, data.len())),
    }
}

/// `iso5218`: sex code 0 (not known), 1 (male), 2 (female) or 9 (not
/// applicable).
pub(super) fn iso5218(data: &[u8]) -> LintResult {
    one_of(data, b"0129", LintCode::InvalidBiologicalSexCode)
}

/// `winding`: 0 (still), 1 (clockwise) or 9 (undefined).
pub(super) fn winding(data: &[u8]) -> LintResult {
    one_of(data, b"019", LintCode::InvalidWindingDirection)
}

/// `yesno`: 0 or 1.
pub(super) fn yesno(data: &[u8]) -> LintResult {
    one_of(data, b"01", LintCode::NotZeroOrOne)
}

/// `importeridx`: one character of `-0-9A-Z_a-z`.
pub(super) fn importeridx(data: &[u8]) -> LintResult {
    match *data {
        [b] if CSET64[usize::from(b)] => Ok(()),
        [_] => Err(LintError::at(LintCode::InvalidImporterIdxCharacter, 0, 1)),
        _ => Err(LintError::at(
            LintCode::ImporterIdxMustBeOneCharacter,
            0,
            data.len(),
        )),
    }
}

/// `mediatype`: AIDC media type 01 to 10 (assigned) or 80 to 99 (local use).
pub(super) fn mediatype(data: &[u8]) -> LintResult {
    match *data {
        [a @ b'0'..=b'9', b @ b'0'..=b'9'] if matches!((a - b'0') * 10 + (b - b'0'), 1..=10 | 80..=99) => {
            Ok(())
        }
        _ => Err(LintError::at(LintCode::InvalidMediaType, 0, data.len())),
    }
}

/// `packagetype`: a known package type code.
pub(super) fn packagetype(data: &[u8]) -> LintResult {
    if PACKAGE_TYPES.binary_search(&data).is_ok() {
        Ok(())
    } else {
        Err(LintError::at(LintCode::InvalidPackageType, 0, data.len()))
    }
}

#[cfg(test)]
mod list_tests {
    use super::*;

    #[test]
    fn lists_are_sorted_unique_and_complete() {
        assert!(ISO3166_CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(ISO4217_CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(ALPHA2_CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(PACKAGE_TYPES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ISO3166_CODES.len(), 249);
        assert_eq!(ISO4217_CODES.len(), 179);
        assert_eq!(ALPHA2_CODES.len(), 249);
        assert_eq!(PACKAGE_TYPES.len(), 431);
        assert!(ISO3166_CODES.iter().all(|&c| c < 1000));
        assert!(ISO4217_CODES.iter().all(|&c| c < 1000));
    }
}

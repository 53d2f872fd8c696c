//! Unit tests for the linters: ported engine cases, Bedside's own cases,
//! exhaustive checks over small input domains, and property tests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use proptest::prelude::*;

use super::engine_cases::CASES;
use super::{LintCode, LintError, Linter, csum_alpha_pair, gs1_check_digit};
use crate::ErrorClass;

type Expect = Option<(LintCode, u16, u16)>;

fn outcome(linter: Linter, input: &[u8]) -> Expect {
    linter
        .check(input)
        .err()
        .map(|LintError { code, offset, len }| (code, offset, len))
}

fn show(input: &[u8]) -> String {
    String::from_utf8_lossy(input).into_owned()
}

/// Runs a table and reports every mismatch at once.
fn run_table(cases: &[(Linter, &[u8], Expect)]) -> usize {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|&(linter, input, expect)| {
            let got = outcome(linter, input);
            (got != expect).then(|| {
                format!(
                    "{} {:?} ({:?}): expected {:?}, got {:?}",
                    linter.name(),
                    show(input),
                    input,
                    expect,
                    got
                )
            })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    cases.len()
}

#[test]
fn engine_cases_pass() {
    let n = run_table(CASES);
    assert!(n > 2500, "only {n} ported cases");
}

/// Every linter name used by Syntax Dictionary release 2026-01-27, the
/// implied character-set linters, `yyyymmd0`, and the deprecated stubs.
const DICTIONARY_LINTERS: &[&str] = &[
    "couponcode",
    "couponposoffer",
    "csum",
    "csumalpha",
    "gcppos1",
    "gcppos2",
    "hasnondigit",
    "hh",
    "hhmi",
    "hyphen",
    "iban",
    "importeridx",
    "iso3166",
    "iso3166999",
    "iso3166alpha2",
    "iso4217",
    "iso5218",
    "latitude",
    "longitude",
    "mediatype",
    "mi",
    "nonzero",
    "nozeroprefix",
    "packagetype",
    "pcenc",
    "pieceoftotal",
    "posinseqslash",
    "ss",
    "winding",
    "yesno",
    "yymmd0",
    "yymmdd",
    "yyyymmdd",
    "zero",
];
const IMPLIED_LINTERS: &[&str] = &["csetnumeric", "cset82", "cset39", "cset64", "yyyymmd0"];
const STUBS: &[&str] = &[
    "key",
    "keyoff1",
    "hhmm",
    "iso3166list",
    "mmoptss",
    "yymmddhh",
];

#[test]
fn every_dictionary_linter_has_a_variant() {
    assert_eq!(DICTIONARY_LINTERS.len(), 34);
    for name in DICTIONARY_LINTERS
        .iter()
        .chain(IMPLIED_LINTERS)
        .chain(STUBS)
    {
        let linter = Linter::from_name(name).unwrap_or_else(|| panic!("no linter {name}"));
        assert_eq!(linter.name(), *name);
    }
    assert_eq!(
        Linter::ALL.len(),
        DICTIONARY_LINTERS.len() + IMPLIED_LINTERS.len() + STUBS.len()
    );
    for name in STUBS {
        let linter = Linter::from_name(name).unwrap_or_else(|| panic!("no linter {name}"));
        assert!(linter.is_deprecated_stub());
        assert_eq!(linter.check(b"TEST"), Ok(()));
        assert_eq!(linter.check(b""), Ok(()));
        assert_eq!(linter.check(b"\xff\x00"), Ok(()));
    }
    let stubs = Linter::ALL
        .iter()
        .filter(|l| l.is_deprecated_stub())
        .count();
    assert_eq!(stubs, STUBS.len());
}

#[test]
fn names_are_unique() {
    for (i, a) in Linter::ALL.iter().enumerate() {
        for b in &Linter::ALL[i + 1..] {
            assert_ne!(a.name(), b.name());
        }
    }
    for (i, a) in LintCode::ALL.iter().enumerate() {
        for b in &LintCode::ALL[i + 1..] {
            assert_ne!(a.engine_name(), b.engine_name());
            assert_ne!(a, b);
        }
    }
}

#[test]
fn lint_codes_have_messages_and_linter_classes() {
    let allowed = [
        ErrorClass::BadCharset,
        ErrorClass::BadCheckDigit,
        ErrorClass::BadDate,
        ErrorClass::BadTime,
        ErrorClass::BadCode,
        ErrorClass::BadValue,
        ErrorClass::BadLength,
    ];
    for code in LintCode::ALL {
        assert!(!code.message().is_empty());
        assert!(code.message().len() < 90, "{code:?} message too long");
        assert!(allowed.contains(&code.class()), "{code:?}");
    }
    // The classes the brief pins down.
    assert_eq!(LintCode::IllegalDay.class(), ErrorClass::BadDate);
    assert_eq!(LintCode::IllegalHour.class(), ErrorClass::BadTime);
    assert_eq!(LintCode::NotIso3166.class(), ErrorClass::BadCode);
    assert_eq!(
        LintCode::PieceNumberExceedsTotal.class(),
        ErrorClass::BadValue
    );
    assert_eq!(LintCode::NonDigitCharacter.class(), ErrorClass::BadCharset);
    assert_eq!(
        LintCode::IncorrectCheckDigit.class(),
        ErrorClass::BadCheckDigit
    );
    // The engine's 117 named failure codes minus CSET 32 (no linter returns
    // it) and GCP-lookup-offline (Bedside has no lookup hook).
    assert_eq!(LintCode::ALL.len(), 115);
}

#[test]
fn display_includes_message_and_position() {
    let err = LintError {
        code: LintCode::IllegalDay,
        offset: 4,
        len: 2,
    };
    assert_eq!(
        format!("{err}"),
        "that day does not exist in that month (at offset 4, length 2)"
    );
}

#[test]
fn component_type_linters() {
    assert_eq!(Linter::for_component_type(b'N'), Some(Linter::CsetNumeric));
    assert_eq!(Linter::for_component_type(b'X'), Some(Linter::Cset82));
    assert_eq!(Linter::for_component_type(b'Y'), Some(Linter::Cset39));
    assert_eq!(Linter::for_component_type(b'Z'), Some(Linter::Cset64));
    assert_eq!(Linter::for_component_type(b'n'), None);
}

/// Bedside's own cases, chosen for the hospital AIs and the edges of each
/// linter. Offsets are within the component.
#[rustfmt::skip]
const OWN_CASES: &[(Linter, &[u8], Expect)] = &[
    // csetnumeric / cset82 / cset39 / cset64
    (Linter::CsetNumeric, b"", None),
    (Linter::CsetNumeric, b"0123456789", None),
    (Linter::CsetNumeric, b"12 4", Some((LintCode::NonDigitCharacter, 2, 1))),
    (Linter::CsetNumeric, "١٢".as_bytes(), Some((LintCode::NonDigitCharacter, 0, 1))),
    (Linter::Cset82, b"Wilson-O'Brien", None),
    (Linter::Cset82, b"Wilson Fatima", Some((LintCode::InvalidCset82Character, 6, 1))),
    (Linter::Cset82, b"ABC\x1d123", Some((LintCode::InvalidCset82Character, 3, 1))),
    (Linter::Cset82, "Zoë".as_bytes(), Some((LintCode::InvalidCset82Character, 2, 1))),
    (Linter::Cset82, b"A^B", Some((LintCode::InvalidCset82Character, 1, 1))),
    (Linter::Cset39, b"AB-12#/", None),
    (Linter::Cset39, b"AB-12a", Some((LintCode::InvalidCset39Character, 5, 1))),
    (Linter::Cset64, b"ab_-09", None),
    (Linter::Cset64, b"abcd+f", Some((LintCode::InvalidCset64Character, 4, 1))),
    (Linter::Cset64, b"abcde=", None),
    (Linter::Cset64, b"abcd==", None),
    (Linter::Cset64, b"abcd=", Some((LintCode::InvalidCset64Padding, 4, 1))),
    // csum: GSRN of a patient (8018), GTIN, SSCC
    (Linter::Csum, b"795260646688514634", None),
    (Linter::Csum, b"795260646688514635", Some((LintCode::IncorrectCheckDigit, 17, 1))),
    (Linter::Csum, b"09506000134352", None),
    (Linter::Csum, b"09506000134353", Some((LintCode::IncorrectCheckDigit, 13, 1))),
    (Linter::Csum, b"0", None),
    (Linter::Csum, b"1", Some((LintCode::IncorrectCheckDigit, 0, 1))),
    (Linter::Csum, b"0950600013435X", Some((LintCode::NonDigitCharacter, 13, 1))),
    (Linter::Csum, b"", Some((LintCode::TooShortForCheckDigit, 0, 0))),
    // csumalpha
    (Linter::CsumAlpha, b"1987654Ad4X4bL5ttr2310c2K", None),
    (Linter::CsumAlpha, b"1987654Ad4X4bL5ttr2310c2k", Some((LintCode::IncorrectCheckPair, 23, 2))),
    (Linter::CsumAlpha, b"1987654Ad4X4bL5ttr2310c11", Some((LintCode::IncorrectCheckPair, 23, 2))),
    // gcppos1 / gcppos2
    (Linter::GcpPos1, b"9506", None),
    (Linter::GcpPos1, b"950", Some((LintCode::TooShortForGcp, 0, 3))),
    (Linter::GcpPos1, b"95A6XYZ", Some((LintCode::InvalidGcpPrefix, 2, 1))),
    (Linter::GcpPos2, b"09506000134352", None),
    (Linter::GcpPos2, b"0950", Some((LintCode::TooShortForGcp, 1, 3))),
    (Linter::GcpPos2, b"X", Some((LintCode::TooShortForGcp, 0, 1))),
    (Linter::GcpPos2, b"", Some((LintCode::TooShortForGcp, 0, 0))),
    (Linter::GcpPos2, b"0A506", Some((LintCode::InvalidGcpPrefix, 1, 1))),
    // hasnondigit, nonzero, zero, nozeroprefix
    (Linter::HasNonDigit, b"12345A", None),
    (Linter::HasNonDigit, b"123456", Some((LintCode::RequiresNonDigitCharacter, 0, 6))),
    (Linter::NonZero, b"0001", None),
    (Linter::NonZero, b"0000", Some((LintCode::IllegalZeroValue, 0, 4))),
    (Linter::NonZero, b"00A0", Some((LintCode::NonDigitCharacter, 2, 1))),
    (Linter::Zero, b"0", None),
    (Linter::Zero, b"1", Some((LintCode::NotZero, 0, 1))),
    (Linter::NoZeroPrefix, b"10", None),
    (Linter::NoZeroPrefix, b"0A", Some((LintCode::IllegalZeroPrefix, 0, 1))),
    (Linter::NoZeroPrefix, b"1A", Some((LintCode::NonDigitCharacter, 1, 1))),
    // yymmd0 (AI 17): day 00 allowed; yymmdd: not allowed
    (Linter::Yymmd0, b"250200", None),
    (Linter::Yymmd0, b"250230", Some((LintCode::IllegalDay, 4, 2))),
    (Linter::Yymmd0, b"251330", Some((LintCode::IllegalMonth, 2, 2))),
    (Linter::Yymmd0, b"280229", None),
    (Linter::Yymmd0, b"270229", Some((LintCode::IllegalDay, 4, 2))),
    (Linter::Yymmd0, b"2502", Some((LintCode::DateTooShort, 0, 4))),
    (Linter::Yymmdd, b"250200", Some((LintCode::IllegalDay, 4, 2))),
    (Linter::Yymmdd, b"250228", None),
    // yyyymmdd (AI 7250 date of birth)
    (Linter::Yyyymmdd, b"19840229", None),
    (Linter::Yyyymmdd, b"19000229", Some((LintCode::IllegalDay, 6, 2))),
    (Linter::Yyyymmdd, b"20000229", None),
    (Linter::Yyyymmdd, b"20230230", Some((LintCode::IllegalDay, 6, 2))),
    (Linter::Yyyymmdd, b"20231100", Some((LintCode::IllegalDay, 6, 2))),
    (Linter::Yyyymmdd, b"20230001", Some((LintCode::IllegalMonth, 4, 2))),
    (Linter::Yyyymmdd, b"2023-1-1", Some((LintCode::NonDigitCharacter, 4, 1))),
    (Linter::Yyyymmdd, b"00000101", None),
    (Linter::Yyyymmd0, b"20231100", None),
    (Linter::Yyyymmd0, b"202311001", Some((LintCode::DateTooLong, 0, 9))),
    // times
    (Linter::Hhmi, b"2359", None),
    (Linter::Hhmi, b"2400", Some((LintCode::IllegalHour, 0, 2))),
    (Linter::Hhmi, b"2360", Some((LintCode::IllegalMinute, 2, 2))),
    (Linter::Hhmi, b"23:5", Some((LintCode::NonDigitCharacter, 2, 1))),
    (Linter::Hh, b"24", Some((LintCode::IllegalHour, 0, 2))),
    (Linter::Mi, b"60", Some((LintCode::IllegalMinute, 0, 2))),
    (Linter::Ss, b"59", None),
    (Linter::Ss, b"5", Some((LintCode::SecondTooShort, 0, 1))),
    // code lists
    (Linter::Iso3166, b"826", None),
    (Linter::Iso3166, b"999", Some((LintCode::NotIso3166, 0, 3))),
    (Linter::Iso3166999, b"999", None),
    (Linter::Iso3166999, b"998", Some((LintCode::NotIso3166Or999, 0, 3))),
    (Linter::Iso3166Alpha2, b"GB", None),
    (Linter::Iso3166Alpha2, b"UK", Some((LintCode::NotIso3166Alpha2, 0, 2))),
    (Linter::Iso3166Alpha2, b"gb", Some((LintCode::NotIso3166Alpha2, 0, 2))),
    (Linter::Iso4217, b"826", None),
    (Linter::Iso4217, b"978", None),
    (Linter::Iso4217, b"000", Some((LintCode::NotIso4217, 0, 3))),
    // iso5218 (AI 7252)
    (Linter::Iso5218, b"0", None),
    (Linter::Iso5218, b"9", None),
    (Linter::Iso5218, b"M", Some((LintCode::InvalidBiologicalSexCode, 0, 1))),
    (Linter::Iso5218, b"12", Some((LintCode::InvalidBiologicalSexCode, 0, 2))),
    // iban
    (Linter::Iban, b"GB82WEST12345698765432", None),
    (Linter::Iban, b"GB82WEST12345698765433", Some((LintCode::IncorrectIbanChecksum, 2, 2))),
    (Linter::Iban, b"gb82WEST12345698765432", Some((LintCode::IllegalIbanCountryCode, 0, 2))),
    (Linter::Iban, b"GB8?WEST12345698765432", Some((LintCode::InvalidIbanCharacter, 3, 1))),
    (Linter::Iban, b"GB82WEST12", Some((LintCode::IbanTooShort, 0, 10))),
    // importeridx
    (Linter::ImporterIdx, b"_", None),
    (Linter::ImporterIdx, b"=", Some((LintCode::InvalidImporterIdxCharacter, 0, 1))),
    (Linter::ImporterIdx, b"", Some((LintCode::ImporterIdxMustBeOneCharacter, 0, 0))),
    // latitude / longitude
    (Linter::Latitude, b"1800000000", None),
    (Linter::Latitude, b"9999999999", Some((LintCode::InvalidLatitude, 0, 10))),
    (Linter::Longitude, b"9999999999", Some((LintCode::InvalidLongitude, 0, 10))),
    (Linter::Longitude, b"360000000", Some((LintCode::LongitudeInvalidLength, 0, 9))),
    // mediatype (AI 7241), packagetype (AI 7041)
    (Linter::MediaType, b"10", None),
    (Linter::MediaType, b"11", Some((LintCode::InvalidMediaType, 0, 2))),
    (Linter::MediaType, b"1", Some((LintCode::InvalidMediaType, 0, 1))),
    (Linter::PackageType, b"BX", None),
    (Linter::PackageType, b"bx", Some((LintCode::InvalidPackageType, 0, 2))),
    (Linter::PackageType, b"", Some((LintCode::InvalidPackageType, 0, 0))),
    // pcenc (person names, AIs 7253 to 7259)
    (Linter::PcEnc, b"O%27Brien", None),
    (Linter::PcEnc, b"100%", Some((LintCode::InvalidPercentSequence, 3, 1))),
    (Linter::PcEnc, b"A%2", Some((LintCode::InvalidPercentSequence, 1, 2))),
    (Linter::PcEnc, b"A%2G%41", Some((LintCode::InvalidPercentSequence, 1, 3))),
    (Linter::PcEnc, b"%%41", Some((LintCode::InvalidPercentSequence, 0, 3))),
    // pieceoftotal (8006, 8026)
    (Linter::PieceOfTotal, b"0102", None),
    (Linter::PieceOfTotal, b"0201", Some((LintCode::PieceNumberExceedsTotal, 0, 4))),
    (Linter::PieceOfTotal, b"0002", Some((LintCode::ZeroPieceNumber, 0, 2))),
    (Linter::PieceOfTotal, b"0100", Some((LintCode::ZeroTotalPieces, 2, 2))),
    (Linter::PieceOfTotal, b"010", Some((LintCode::InvalidLengthForPieceOfTotal, 0, 3))),
    // posinseqslash (AI 7258, birth sequence)
    (Linter::PosInSeqSlash, b"2/3", None),
    (Linter::PosInSeqSlash, b"3/2", Some((LintCode::PositionExceedsEnd, 0, 3))),
    (Linter::PosInSeqSlash, b"12/9", Some((LintCode::PositionExceedsEnd, 0, 4))),
    (Linter::PosInSeqSlash, b"9/12", None),
    (Linter::PosInSeqSlash, b"2/03", Some((LintCode::IllegalZeroPrefix, 2, 2))),
    (Linter::PosInSeqSlash, b"2-3", Some((LintCode::PositionInSequenceMalformed, 0, 3))),
    (Linter::PosInSeqSlash, b"2/3/4", Some((LintCode::PositionInSequenceMalformed, 0, 5))),
    // winding, yesno, hyphen
    (Linter::Winding, b"9", None),
    (Linter::Winding, b"2", Some((LintCode::InvalidWindingDirection, 0, 1))),
    (Linter::YesNo, b"1", None),
    (Linter::YesNo, b"Y", Some((LintCode::NotZeroOrOne, 0, 1))),
    (Linter::Hyphen, b"-", None),
    (Linter::Hyphen, b"+", Some((LintCode::NotHyphen, 0, 1))),
    // coupons
    (Linter::CouponCode, b"012345612345611110123", None),
    (Linter::CouponCode, b"0123456123456111101233991231", None),
    // Expiry 1999-12-31 before start 2000-01-01 is accepted (string compare).
    (Linter::CouponCode, b"01234561234561111012339912314000101", None),
    (Linter::CouponCode, b"01234561234561111012330001014991231", Some((LintCode::CouponExpirationBeforeStart, 21, 14))),
    (Linter::CouponPosOffer, b"001234561234560123456", None),
    (Linter::CouponPosOffer, b"00123456123456012345X", Some((LintCode::NonDigitCharacter, 20, 1))),
];

#[test]
fn own_cases_pass() {
    run_table(OWN_CASES);
}

/// Independent statement of each character set as the list of its members.
fn members(linter: Linter) -> &'static [u8] {
    match linter {
        Linter::CsetNumeric => b"0123456789",
        Linter::Cset82 => {
            b"!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
        }
        Linter::Cset39 => b"#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        Linter::Cset64 | Linter::ImporterIdx => {
            b"-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
        }
        _ => b"",
    }
}

#[test]
fn character_sets_are_exact_over_all_bytes() {
    assert_eq!(members(Linter::Cset82).len(), 82);
    assert_eq!(members(Linter::Cset39).len(), 39);
    assert_eq!(members(Linter::Cset64).len(), 64);
    for linter in [
        Linter::CsetNumeric,
        Linter::Cset82,
        Linter::Cset39,
        Linter::Cset64,
        Linter::ImporterIdx,
    ] {
        for b in 0..=255u8 {
            let ok = linter.check(&[b]).is_ok();
            // A lone '=' is a padding error for cset64.
            assert_eq!(
                ok,
                members(linter).contains(&b),
                "{} byte {b:#04x}",
                linter.name()
            );
            // In the middle of a longer value the position is reported.
            let value = [b'0', b'0', b, b'0'];
            match linter.check(&value) {
                Ok(()) => assert!(members(linter).contains(&b) || linter == Linter::ImporterIdx),
                Err(e) if linter == Linter::ImporterIdx => {
                    assert_eq!((e.offset, e.len), (0, 4));
                }
                Err(e) => assert_eq!((e.offset, e.len), (2, 1), "{} byte {b:#04x}", linter.name()),
            }
        }
    }
}

fn count_passing(linter: Linter, inputs: impl Iterator<Item = Vec<u8>>) -> usize {
    inputs
        .filter(|input| match linter.check(input) {
            Ok(()) => true,
            Err(e) => {
                assert_eq!((e.offset as usize, e.len as usize), (0, input.len()));
                false
            }
        })
        .count()
}

fn three_digit_strings() -> impl Iterator<Item = Vec<u8>> {
    (0..1000u32).map(|n| format!("{n:03}").into_bytes())
}

#[test]
fn numeric_code_lists_are_exact() {
    assert_eq!(count_passing(Linter::Iso3166, three_digit_strings()), 249);
    assert_eq!(count_passing(Linter::Iso4217, three_digit_strings()), 179);
    assert_eq!(
        count_passing(Linter::Iso3166999, three_digit_strings()),
        250
    );
    for n in three_digit_strings() {
        let country = Linter::Iso3166.check(&n).is_ok();
        assert_eq!(Linter::Iso3166999.check(&n).is_ok(), country || n == b"999");
        if let Err(e) = Linter::Iso3166999.check(&n) {
            assert_eq!(e.code, LintCode::NotIso3166Or999);
        }
    }
    // Spot checks against ISO 3166 / ISO 4217.
    for ok in [&b"004"[..], b"250", b"276", b"372", b"826", b"840", b"894"] {
        assert!(Linter::Iso3166.check(ok).is_ok());
    }
    for bad in [
        &b"000"[..],
        b"001",
        b"900",
        b"999",
        b"+82",
        b" 826",
        b"8260",
    ] {
        assert!(Linter::Iso3166.check(bad).is_err());
    }
    for ok in [&b"826"[..], b"840", b"978", b"999"] {
        assert!(Linter::Iso4217.check(ok).is_ok());
    }
}

#[test]
fn alpha2_list_is_exact() {
    let pairs = (b'A'..=b'Z').flat_map(|a| (b'A'..=b'Z').map(move |b| [a, b].to_vec()));
    assert_eq!(count_passing(Linter::Iso3166Alpha2, pairs), 249);
    for ok in ["GB", "IE", "FR", "DE", "US", "AD", "ZW"] {
        assert!(Linter::Iso3166Alpha2.check(ok.as_bytes()).is_ok(), "{ok}");
    }
    for bad in ["UK", "EU", "XK", "AA", "G", "GBR", "Gb"] {
        assert!(
            Linter::Iso3166Alpha2.check(bad.as_bytes()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn media_types_are_exact() {
    let two = (0..100u32).map(|n| format!("{n:02}").into_bytes());
    assert_eq!(count_passing(Linter::MediaType, two), 30);
}

#[test]
fn package_types_include_engine_samples() {
    for ok in [
        "1A", "200", "2C", "8", "9", "APE", "BX", "CT", "PX", "X3", "X20", "ZZ",
    ] {
        assert!(Linter::PackageType.check(ok.as_bytes()).is_ok(), "{ok}");
    }
    for bad in ["1", "1C", "20", "2000", "AA ", "XX", "ZZZ"] {
        assert!(Linter::PackageType.check(bad.as_bytes()).is_err(), "{bad}");
    }
}

/// Two-digit years: February 29 is valid exactly when YY is a multiple of 4
/// (the engine maps 72..99 to 19YY and 00..71 to 20YY; 2000 is a leap year).
#[test]
fn two_digit_leap_years_follow_engine_window() {
    for yy in 0..100u32 {
        let date = format!("{yy:02}0229").into_bytes();
        assert_eq!(Linter::Yymmdd.check(&date).is_ok(), yy % 4 == 0, "{yy}");
        assert_eq!(Linter::Yymmd0.check(&date).is_ok(), yy % 4 == 0, "{yy}");
    }
}

/// Four-digit years: Gregorian leap rules over the whole range.
#[test]
fn four_digit_leap_years_are_gregorian() {
    for year in [
        1600u32, 1700, 1800, 1900, 1996, 2000, 2023, 2024, 2100, 2400, 9996,
    ] {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let date = format!("{year:04}0229").into_bytes();
        assert_eq!(Linter::Yyyymmdd.check(&date).is_ok(), leap, "{year}");
    }
}

/// Every day of a non-leap and a leap year, against a day count.
#[test]
fn every_calendar_day() {
    let days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    for (year, leap) in [(2023u32, false), (2024, true)] {
        let mut valid = 0;
        for month in 0..=13u32 {
            for day in 0..=32u32 {
                let date = format!("{year}{month:02}{day:02}").into_bytes();
                if Linter::Yyyymmdd.check(&date).is_ok() {
                    valid += 1;
                    let max = days[(month - 1) as usize] + u32::from(leap && month == 2);
                    assert!((1..=max).contains(&day), "{year}-{month}-{day}");
                }
                // Day 00 differs only between the d0 and dd variants.
                let d0 = Linter::Yyyymmd0.check(&date).is_ok();
                let dd = Linter::Yyyymmdd.check(&date).is_ok();
                assert_eq!(d0, dd || (day == 0 && (1..=12).contains(&month)));
            }
        }
        assert_eq!(valid, if leap { 366 } else { 365 });
    }
}

#[test]
fn check_digit_helper_matches_known_keys() {
    // (key, expected check digit)
    let keys: &[(&[u8], u8)] = &[
        (b"09506000134352", b'2'),
        (b"795260646688514634", b'4'),
        (b"4006381333931", b'1'),
        (b"96385074", b'4'),
        (b"00", b'0'),
    ];
    for &(key, digit) in keys {
        assert_eq!(gs1_check_digit(key), Some(digit), "{}", show(key));
        assert!(Linter::Csum.check(key).is_ok());
    }
    assert_eq!(gs1_check_digit(b""), None);
    assert_eq!(gs1_check_digit(b"1 34"), None);
}

#[test]
fn csum_alpha_pair_limits() {
    // 99 characters is the longest supported component.
    let long = [b'z'; 99];
    assert!(csum_alpha_pair(&long).is_some());
    assert_eq!(csum_alpha_pair(&[b'z'; 100]), None);
    assert_eq!(csum_alpha_pair(b" 1AB"), None);
    assert_eq!(
        Linter::CsumAlpha.check(&[b'1'; 100]),
        Err(LintError {
            code: LintCode::TooLongForCheckPair,
            offset: 0,
            len: 100
        })
    );
}

#[test]
fn huge_input_saturates_positions() {
    let mut big = alloc::vec![b'1'; 70_000];
    if let Some(last) = big.last_mut() {
        *last = b'X';
    }
    let err = Linter::CsetNumeric.check(&big).unwrap_err();
    assert_eq!((err.offset, err.len), (u16::MAX, 1));
    let err = Linter::Hyphen.check(&big).unwrap_err();
    assert_eq!((err.offset, err.len), (0, u16::MAX));
}

/// The engine's own invariant on reported positions.
fn assert_position_in_bounds(linter: Linter, input: &[u8]) {
    if let Err(e) = linter.check(input) {
        let (offset, len) = (usize::from(e.offset), usize::from(e.len));
        assert!(
            offset < input.len() || offset == 0,
            "{}: offset {offset} for {:?}",
            linter.name(),
            input
        );
        assert!(
            offset + len <= input.len(),
            "{}: {offset}+{len} for {:?}",
            linter.name(),
            input
        );
    }
}

#[test]
fn ported_and_own_cases_respect_position_bounds() {
    for &(linter, input, _) in CASES.iter().chain(OWN_CASES) {
        for l in Linter::ALL {
            assert_position_in_bounds(*l, input);
        }
        assert_position_in_bounds(linter, input);
    }
}

fn coupon_like() -> impl Strategy<Value = Vec<u8>> {
    // Mostly valid coupon prefixes followed by random digits, to reach the
    // optional fields.
    (
        prop::sample::select(alloc::vec![
            &b""[..],
            b"012345612345611110123",
            b"0123456123456111101231",
            b"0123456123456111101232",
            b"0123456123456111101233",
            b"01234561234561111012339912314",
            b"0123456123456111101235",
            b"0123456123456111101236",
            b"0123456123456111101239",
            b"001234561234560",
        ]),
        "[0-9]{0,40}",
    )
        .prop_map(|(prefix, tail)| {
            let mut v = prefix.to_vec();
            v.extend_from_slice(tail.as_bytes());
            v
        })
}

/// Byte-by-byte definitions that the word-at-a-time digit scan and
/// check-digit sum must agree with.
fn first_non_digit_by_byte(data: &[u8]) -> Option<usize> {
    data.iter().position(|b| !b.is_ascii_digit())
}

fn check_digit_by_byte(digits: &[u8]) -> Option<u8> {
    let (_, body) = digits.split_last()?;
    let mut sum = 0u32;
    for (i, &b) in body.iter().rev().enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        let weight = if i % 2 == 0 { 3 } else { 1 };
        sum = (sum + weight * u32::from(b - b'0')) % 10;
    }
    Some(b'0' + ((10 - sum) % 10) as u8)
}

fn csum_by_byte(data: &[u8]) -> Expect {
    if data.is_empty() {
        return Some((LintCode::TooShortForCheckDigit, 0, 0));
    }
    if let Some(pos) = first_non_digit_by_byte(data) {
        return Some((LintCode::NonDigitCharacter, pos as u16, 1));
    }
    let last = data.len() - 1;
    (check_digit_by_byte(data) != Some(data[last])).then_some((
        LintCode::IncorrectCheckDigit,
        last as u16,
        1,
    ))
}

fn assert_digit_checks_agree(input: &[u8]) {
    assert_eq!(
        super::cset::first_non_digit(input),
        first_non_digit_by_byte(input),
        "{input:?}"
    );
    assert_eq!(
        gs1_check_digit(input),
        check_digit_by_byte(input),
        "{input:?}"
    );
    assert_eq!(
        outcome(Linter::Csum, input),
        csum_by_byte(input),
        "{input:?}"
    );
    assert_eq!(
        outcome(Linter::CsetNumeric, input),
        first_non_digit_by_byte(input).map(|p| (LintCode::NonDigitCharacter, p as u16, 1)),
        "{input:?}"
    );
}

#[test]
fn word_at_a_time_digit_checks_equal_the_byte_by_byte_definitions() {
    // Every byte value at every position of digit strings up to 26 long.
    for len in 0..=26usize {
        let digits: Vec<u8> = (0..len).map(|i| b'0' + (i * 7 % 10) as u8).collect();
        assert_digit_checks_agree(&digits);
        for at in 0..len {
            for b in 0..=255u8 {
                let mut v = digits.clone();
                v[at] = b;
                assert_digit_checks_agree(&v);
            }
        }
    }
    // Random digit strings (sums, weights' parity) with occasional
    // out-of-range bytes, borrows and carries among them.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..200_000 {
        let len = (next() % 41) as usize;
        let v: Vec<u8> = (0..len)
            .map(|_| {
                let r = next();
                if r % 50 == 0 {
                    (r >> 8) as u8
                } else {
                    b'0' + ((r >> 8) % 10) as u8
                }
            })
            .collect();
        assert_digit_checks_agree(&v);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_linter_panics_on_arbitrary_bytes(input in prop::collection::vec(any::<u8>(), 0..130)) {
        for l in Linter::ALL {
            assert_position_in_bounds(*l, &input);
        }
    }

    #[test]
    fn no_linter_panics_on_digit_strings(input in "[0-9/%=A-Z]{0,110}") {
        for l in Linter::ALL {
            assert_position_in_bounds(*l, input.as_bytes());
        }
    }

    #[test]
    fn coupon_linters_respect_bounds(input in coupon_like()) {
        assert_position_in_bounds(Linter::CouponCode, &input);
        assert_position_in_bounds(Linter::CouponPosOffer, &input);
    }

    #[test]
    fn csum_accepts_exactly_the_computed_digit(body in "[0-9]{0,30}", last in 0u8..10) {
        let mut key = body.into_bytes();
        key.push(b'0' + last);
        let expected = gs1_check_digit(&key);
        prop_assert!(expected.is_some());
        prop_assert_eq!(Linter::Csum.check(&key).is_ok(), expected == Some(b'0' + last));
    }

    #[test]
    fn csum_detects_every_single_digit_error(body in "[0-9]{1,20}", at in 0usize..20, delta in 1u8..10) {
        let mut key = body.into_bytes();
        key.push(b'0');
        let check = gs1_check_digit(&key).unwrap_or(b'0');
        if let Some(last) = key.last_mut() {
            *last = check;
        }
        prop_assert!(Linter::Csum.check(&key).is_ok());
        let i = at % key.len();
        key[i] = b'0' + (key[i] - b'0' + delta) % 10;
        prop_assert!(Linter::Csum.check(&key).is_err());
    }

    #[test]
    fn csumalpha_accepts_the_computed_pair(body in "[!-~]{0,97}") {
        // Keep CSET 82 characters only.
        let mut v: Vec<u8> = body.bytes().filter(|b| members(Linter::Cset82).contains(b)).collect();
        v.extend_from_slice(b"??");
        let pair = csum_alpha_pair(&v);
        prop_assert!(pair.is_some());
        if let Some(pair) = pair {
            let n = v.len();
            v[n - 2..].copy_from_slice(&pair);
            prop_assert_eq!(Linter::CsumAlpha.check(&v), Ok(()));
        }
    }
}

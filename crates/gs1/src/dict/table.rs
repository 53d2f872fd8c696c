//! The embedded GS1 AI table, release 2026-01-27, in this crate's own form.
//!
//! Written by `tools/gen-table.py`; `tests/dictionary.rs` proves it equal to the
//! published GS1 Barcode Syntax Dictionary text, entry by entry.

use alloc::borrow::Cow;

use super::Charset::{N, X, Y, Z};
use super::{Component, DlKey, Entry, Exclusion, Group, Pattern, Requisite};
use crate::Ai;
#[allow(clippy::enum_glob_use)]
use crate::lint::Linter::{self, *};

// Const constructors keep the table to one line per entry. A malformed literal
// here is a compile error, never a run-time panic.
#[allow(clippy::panic)]
const fn a(s: &[u8]) -> Ai {
    match Ai::new(s) {
        Some(ai) => ai,
        None => panic!("bad AI literal in table"),
    }
}
#[allow(clippy::panic)]
const fn p(s: &[u8]) -> Pattern {
    match Pattern::new(s) {
        Some(p) => p,
        None => panic!("bad pattern literal in table"),
    }
}
const fn c(
    charset: super::Charset,
    min: u8,
    max: u8,
    optional: bool,
    linters: &'static [Linter],
) -> Component {
    Component {
        charset,
        min,
        max,
        optional,
        linters: Cow::Borrowed(linters),
    }
}
const fn g(patterns: &'static [Pattern]) -> Group {
    Cow::Borrowed(patterns)
}
const fn r(groups: &'static [Group]) -> Requisite {
    Requisite {
        groups: Cow::Borrowed(groups),
    }
}
const fn x(patterns: &'static [Pattern]) -> Exclusion {
    Exclusion {
        patterns: Cow::Borrowed(patterns),
    }
}
const fn q(qualifiers: &'static [Ai]) -> Cow<'static, [Ai]> {
    Cow::Borrowed(qualifiers)
}
const fn k(alternatives: &'static [Cow<'static, [Ai]>]) -> DlKey {
    DlKey {
        alternatives: Cow::Borrowed(alternatives),
    }
}
#[allow(clippy::too_many_arguments)]
const fn e(
    first: Ai,
    last: Ai,
    fnc1: bool,
    dl_attr: bool,
    components: &'static [Component],
    requisites: &'static [Requisite],
    exclusions: &'static [Exclusion],
    dl_key: Option<DlKey>,
    title: &'static str,
) -> Entry {
    Entry {
        first,
        last,
        fnc1,
        dl_attr,
        components: Cow::Borrowed(components),
        requisites: Cow::Borrowed(requisites),
        exclusions: Cow::Borrowed(exclusions),
        dl_key,
        title: Cow::Borrowed(title),
        min_len: super::lengths(components).0,
        max_len: super::lengths(components).1,
    }
}

// One entry per line keeps diffs between GS1 releases readable. Arrays of
// values with destructors (Cow) cannot be const-promoted, so they are named.
#[rustfmt::skip]
pub(super) static ENTRIES: [Entry; 224] = [
    e(a(b"00"), a(b"00"), false, true, &C0, &[], &[], Some(k(&K0)), "SSCC"),
    e(a(b"01"), a(b"01"), false, true, &C1, &[], &X1, Some(k(&K1)), "GTIN"),
    e(a(b"02"), a(b"02"), false, true, &C2, &RS2, &X2, None, "CONTENT"),
    e(a(b"03"), a(b"03"), false, false, &C3, &[], &X3, None, "MTO GTIN"),
    e(a(b"10"), a(b"10"), true, true, &C4, &RS4, &[], None, "BATCH/LOT"),
    e(a(b"11"), a(b"11"), false, true, &C5, &RS5, &[], None, "PROD DATE"),
    e(a(b"12"), a(b"12"), false, true, &C6, &RS6, &[], None, "DUE DATE"),
    e(a(b"13"), a(b"13"), false, true, &C7, &RS7, &[], None, "PACK DATE"),
    e(a(b"15"), a(b"15"), false, true, &C8, &RS8, &[], None, "BEST BEFORE or BEST BY"),
    e(a(b"16"), a(b"16"), false, true, &C9, &RS9, &[], None, "SELL BY"),
    e(a(b"17"), a(b"17"), false, true, &C10, &RS10, &[], None, "USE BY or EXPIRY"),
    e(a(b"20"), a(b"20"), false, true, &C11, &RS11, &[], None, "VARIANT"),
    e(a(b"21"), a(b"21"), true, false, &C12, &RS12, &X12, None, "SERIAL"),
    e(a(b"22"), a(b"22"), true, false, &C13, &RS13, &[], None, "CPV"),
    e(a(b"235"), a(b"235"), true, false, &C14, &RS14, &[], None, "TPX"),
    e(a(b"240"), a(b"240"), true, true, &C15, &RS15, &[], None, "ADDITIONAL ID"),
    e(a(b"241"), a(b"241"), true, true, &C16, &RS16, &[], None, "CUST. PART No."),
    e(a(b"242"), a(b"242"), true, true, &C17, &RS17, &[], None, "MTO VARIANT"),
    e(a(b"243"), a(b"243"), true, true, &C18, &RS18, &[], None, "PCN"),
    e(a(b"250"), a(b"250"), true, true, &C19, &RS19, &[], None, "SECONDARY SERIAL"),
    e(a(b"251"), a(b"251"), true, true, &C20, &RS20, &[], None, "REF. TO SOURCE"),
    e(a(b"253"), a(b"253"), true, true, &C21, &[], &[], Some(k(&K21)), "GDTI"),
    e(a(b"254"), a(b"254"), true, false, &C22, &RS22, &[], None, "GLN EXTENSION COMPONENT"),
    e(a(b"255"), a(b"255"), true, true, &C23, &[], &X23, Some(k(&K23)), "GCN"),
    e(a(b"30"), a(b"30"), true, true, &C24, &RS24, &[], None, "VAR. COUNT"),
    e(a(b"3100"), a(b"3105"), false, true, &C25, &RS25, &X25, None, "NET WEIGHT (kg)"),
    e(a(b"3110"), a(b"3115"), false, true, &C26, &RS26, &X26, None, "LENGTH (m)"),
    e(a(b"3120"), a(b"3125"), false, true, &C27, &RS27, &X27, None, "WIDTH (m)"),
    e(a(b"3130"), a(b"3135"), false, true, &C28, &RS28, &X28, None, "HEIGHT (m)"),
    e(a(b"3140"), a(b"3145"), false, true, &C29, &RS29, &X29, None, "AREA (m²)"),
    e(a(b"3150"), a(b"3155"), false, true, &C30, &RS30, &X30, None, "NET VOLUME (l)"),
    e(a(b"3160"), a(b"3165"), false, true, &C31, &RS31, &X31, None, "NET VOLUME (m³)"),
    e(a(b"3200"), a(b"3205"), false, true, &C32, &RS32, &X32, None, "NET WEIGHT (lb)"),
    e(a(b"3210"), a(b"3215"), false, true, &C33, &RS33, &X33, None, "LENGTH (in)"),
    e(a(b"3220"), a(b"3225"), false, true, &C34, &RS34, &X34, None, "LENGTH (ft)"),
    e(a(b"3230"), a(b"3235"), false, true, &C35, &RS35, &X35, None, "LENGTH (yd)"),
    e(a(b"3240"), a(b"3245"), false, true, &C36, &RS36, &X36, None, "WIDTH (in)"),
    e(a(b"3250"), a(b"3255"), false, true, &C37, &RS37, &X37, None, "WIDTH (ft)"),
    e(a(b"3260"), a(b"3265"), false, true, &C38, &RS38, &X38, None, "WIDTH (yd)"),
    e(a(b"3270"), a(b"3275"), false, true, &C39, &RS39, &X39, None, "HEIGHT (in)"),
    e(a(b"3280"), a(b"3285"), false, true, &C40, &RS40, &X40, None, "HEIGHT (ft)"),
    e(a(b"3290"), a(b"3295"), false, true, &C41, &RS41, &X41, None, "HEIGHT (yd)"),
    e(a(b"3300"), a(b"3305"), false, true, &C42, &RS42, &X42, None, "GROSS WEIGHT (kg)"),
    e(a(b"3310"), a(b"3315"), false, true, &C43, &RS43, &X43, None, "LENGTH (m), log"),
    e(a(b"3320"), a(b"3325"), false, true, &C44, &RS44, &X44, None, "WIDTH (m), log"),
    e(a(b"3330"), a(b"3335"), false, true, &C45, &RS45, &X45, None, "HEIGHT (m), log"),
    e(a(b"3340"), a(b"3345"), false, true, &C46, &RS46, &X46, None, "AREA (m²), log"),
    e(a(b"3350"), a(b"3355"), false, true, &C47, &RS47, &X47, None, "VOLUME (l), log"),
    e(a(b"3360"), a(b"3365"), false, true, &C48, &RS48, &X48, None, "VOLUME (m³), log"),
    e(a(b"3370"), a(b"3375"), false, true, &C49, &RS49, &X49, None, "KG PER m²"),
    e(a(b"3400"), a(b"3405"), false, true, &C50, &RS50, &X50, None, "GROSS WEIGHT (lb)"),
    e(a(b"3410"), a(b"3415"), false, true, &C51, &RS51, &X51, None, "LENGTH (in), log"),
    e(a(b"3420"), a(b"3425"), false, true, &C52, &RS52, &X52, None, "LENGTH (ft), log"),
    e(a(b"3430"), a(b"3435"), false, true, &C53, &RS53, &X53, None, "LENGTH (yd), log"),
    e(a(b"3440"), a(b"3445"), false, true, &C54, &RS54, &X54, None, "WIDTH (in), log"),
    e(a(b"3450"), a(b"3455"), false, true, &C55, &RS55, &X55, None, "WIDTH (ft), log"),
    e(a(b"3460"), a(b"3465"), false, true, &C56, &RS56, &X56, None, "WIDTH (yd), log"),
    e(a(b"3470"), a(b"3475"), false, true, &C57, &RS57, &X57, None, "HEIGHT (in), log"),
    e(a(b"3480"), a(b"3485"), false, true, &C58, &RS58, &X58, None, "HEIGHT (ft), log"),
    e(a(b"3490"), a(b"3495"), false, true, &C59, &RS59, &X59, None, "HEIGHT (yd), log"),
    e(a(b"3500"), a(b"3505"), false, true, &C60, &RS60, &X60, None, "AREA (in²)"),
    e(a(b"3510"), a(b"3515"), false, true, &C61, &RS61, &X61, None, "AREA (ft²)"),
    e(a(b"3520"), a(b"3525"), false, true, &C62, &RS62, &X62, None, "AREA (yd²)"),
    e(a(b"3530"), a(b"3535"), false, true, &C63, &RS63, &X63, None, "AREA (in²), log"),
    e(a(b"3540"), a(b"3545"), false, true, &C64, &RS64, &X64, None, "AREA (ft²), log"),
    e(a(b"3550"), a(b"3555"), false, true, &C65, &RS65, &X65, None, "AREA (yd²), log"),
    e(a(b"3560"), a(b"3565"), false, true, &C66, &RS66, &X66, None, "NET WEIGHT (tr oz)"),
    e(a(b"3570"), a(b"3575"), false, true, &C67, &RS67, &X67, None, "NET VOLUME (oz)"),
    e(a(b"3600"), a(b"3605"), false, true, &C68, &RS68, &X68, None, "NET VOLUME (qt (US))"),
    e(a(b"3610"), a(b"3615"), false, true, &C69, &RS69, &X69, None, "NET VOLUME (gal.)"),
    e(a(b"3620"), a(b"3625"), false, true, &C70, &RS70, &X70, None, "VOLUME (qt (US)), log"),
    e(a(b"3630"), a(b"3635"), false, true, &C71, &RS71, &X71, None, "VOLUME (gal (US)), log"),
    e(a(b"3640"), a(b"3645"), false, true, &C72, &RS72, &X72, None, "NET VOLUME (in³)"),
    e(a(b"3650"), a(b"3655"), false, true, &C73, &RS73, &X73, None, "NET VOLUME (ft³)"),
    e(a(b"3660"), a(b"3665"), false, true, &C74, &RS74, &X74, None, "NET VOLUME (yd³)"),
    e(a(b"3670"), a(b"3675"), false, true, &C75, &RS75, &X75, None, "VOLUME (in³), log"),
    e(a(b"3680"), a(b"3685"), false, true, &C76, &RS76, &X76, None, "VOLUME (ft³), log"),
    e(a(b"3690"), a(b"3695"), false, true, &C77, &RS77, &X77, None, "VOLUME (yd³), log"),
    e(a(b"37"), a(b"37"), true, true, &C78, &RS78, &[], None, "COUNT"),
    e(a(b"3900"), a(b"3909"), true, true, &C79, &RS79, &X79, None, "AMOUNT"),
    e(a(b"3910"), a(b"3919"), true, true, &C80, &RS80, &X80, None, "AMOUNT"),
    e(a(b"3920"), a(b"3929"), true, true, &C81, &RS81, &X81, None, "PRICE"),
    e(a(b"3930"), a(b"3939"), true, true, &C82, &RS82, &X82, None, "PRICE"),
    e(a(b"3940"), a(b"3943"), true, true, &C83, &RS83, &X83, None, "PRCNT OFF"),
    e(a(b"3950"), a(b"3955"), true, true, &C84, &RS84, &X84, None, "PRICE/UoM"),
    e(a(b"400"), a(b"400"), true, true, &C85, &[], &[], None, "ORDER NUMBER"),
    e(a(b"401"), a(b"401"), true, true, &C86, &[], &[], Some(k(&K86)), "GINC"),
    e(a(b"402"), a(b"402"), true, true, &C87, &[], &[], Some(k(&K87)), "GSIN"),
    e(a(b"403"), a(b"403"), true, true, &C88, &RS88, &[], None, "ROUTE"),
    e(a(b"410"), a(b"410"), false, true, &C89, &[], &[], None, "SHIP TO LOC"),
    e(a(b"411"), a(b"411"), false, true, &C90, &[], &[], None, "BILL TO"),
    e(a(b"412"), a(b"412"), false, true, &C91, &[], &[], None, "PURCHASE FROM"),
    e(a(b"413"), a(b"413"), false, true, &C92, &[], &[], None, "SHIP FOR LOC"),
    e(a(b"414"), a(b"414"), false, true, &C93, &[], &[], Some(k(&K93)), "LOC No."),
    e(a(b"415"), a(b"415"), false, true, &C94, &RS94, &[], Some(k(&K94)), "PAY TO"),
    e(a(b"416"), a(b"416"), false, true, &C95, &[], &[], None, "PROD/SERV LOC"),
    e(a(b"417"), a(b"417"), false, true, &C96, &[], &[], Some(k(&K96)), "PARTY"),
    e(a(b"420"), a(b"420"), true, true, &C97, &[], &X97, None, "SHIP TO POST"),
    e(a(b"421"), a(b"421"), true, true, &C98, &[], &X98, None, "SHIP TO POST"),
    e(a(b"422"), a(b"422"), true, true, &C99, &RS99, &X99, None, "ORIGIN"),
    e(a(b"423"), a(b"423"), true, true, &C100, &RS100, &X100, None, "COUNTRY - INITIAL PROCESS"),
    e(a(b"424"), a(b"424"), true, true, &C101, &RS101, &X101, None, "COUNTRY - PROCESS"),
    e(a(b"425"), a(b"425"), true, true, &C102, &RS102, &X102, None, "COUNTRY - DISASSEMBLY"),
    e(a(b"426"), a(b"426"), true, true, &C103, &RS103, &[], None, "COUNTRY - FULL PROCESS"),
    e(a(b"427"), a(b"427"), true, true, &C104, &RS104, &[], None, "ORIGIN SUBDIVISION"),
    e(a(b"4300"), a(b"4300"), true, true, &C105, &RS105, &[], None, "SHIP TO COMP"),
    e(a(b"4301"), a(b"4301"), true, true, &C106, &RS106, &[], None, "SHIP TO NAME"),
    e(a(b"4302"), a(b"4302"), true, true, &C107, &RS107, &[], None, "SHIP TO ADD1"),
    e(a(b"4303"), a(b"4303"), true, true, &C108, &RS108, &[], None, "SHIP TO ADD2"),
    e(a(b"4304"), a(b"4304"), true, true, &C109, &RS109, &[], None, "SHIP TO SUB"),
    e(a(b"4305"), a(b"4305"), true, true, &C110, &RS110, &[], None, "SHIP TO LOC"),
    e(a(b"4306"), a(b"4306"), true, true, &C111, &RS111, &[], None, "SHIP TO REG"),
    e(a(b"4307"), a(b"4307"), true, true, &C112, &RS112, &[], None, "SHIP TO COUNTRY"),
    e(a(b"4308"), a(b"4308"), true, true, &C113, &RS113, &[], None, "SHIP TO PHONE"),
    e(a(b"4309"), a(b"4309"), true, true, &C114, &RS114, &[], None, "SHIP TO GEO"),
    e(a(b"4310"), a(b"4310"), true, true, &C115, &RS115, &[], None, "RTN TO COMP"),
    e(a(b"4311"), a(b"4311"), true, true, &C116, &RS116, &[], None, "RTN TO NAME"),
    e(a(b"4312"), a(b"4312"), true, true, &C117, &RS117, &[], None, "RTN TO ADD1"),
    e(a(b"4313"), a(b"4313"), true, true, &C118, &RS118, &[], None, "RTN TO ADD2"),
    e(a(b"4314"), a(b"4314"), true, true, &C119, &RS119, &[], None, "RTN TO SUB"),
    e(a(b"4315"), a(b"4315"), true, true, &C120, &RS120, &[], None, "RTN TO LOC"),
    e(a(b"4316"), a(b"4316"), true, true, &C121, &RS121, &[], None, "RTN TO REG"),
    e(a(b"4317"), a(b"4317"), true, true, &C122, &RS122, &[], None, "RTN TO COUNTRY"),
    e(a(b"4318"), a(b"4318"), true, true, &C123, &RS123, &[], None, "RTN TO POST"),
    e(a(b"4319"), a(b"4319"), true, true, &C124, &RS124, &[], None, "RTN TO PHONE"),
    e(a(b"4320"), a(b"4320"), true, true, &C125, &RS125, &[], None, "SRV DESCRIPTION"),
    e(a(b"4321"), a(b"4321"), true, true, &C126, &RS126, &[], None, "DANGEROUS GOODS"),
    e(a(b"4322"), a(b"4322"), true, true, &C127, &RS127, &[], None, "AUTH TO LEAVE"),
    e(a(b"4323"), a(b"4323"), true, true, &C128, &RS128, &[], None, "SIG REQUIRED"),
    e(a(b"4324"), a(b"4324"), true, true, &C129, &RS129, &[], None, "NOT BEF DEL DT"),
    e(a(b"4325"), a(b"4325"), true, true, &C130, &RS130, &[], None, "NOT AFT DEL DT"),
    e(a(b"4326"), a(b"4326"), true, true, &C131, &RS131, &[], None, "REL DATE"),
    e(a(b"4330"), a(b"4330"), true, true, &C132, &RS132, &X132, None, "MAX TEMP F."),
    e(a(b"4331"), a(b"4331"), true, true, &C133, &RS133, &X133, None, "MAX TEMP C."),
    e(a(b"4332"), a(b"4332"), true, true, &C134, &RS134, &X134, None, "MIN TEMP F."),
    e(a(b"4333"), a(b"4333"), true, true, &C135, &RS135, &X135, None, "MIN TEMP C."),
    e(a(b"7001"), a(b"7001"), true, true, &C136, &RS136, &[], None, "NSN"),
    e(a(b"7002"), a(b"7002"), true, true, &C137, &RS137, &[], None, "MEAT CUT"),
    e(a(b"7003"), a(b"7003"), true, true, &C138, &RS138, &[], None, "EXPIRY TIME"),
    e(a(b"7004"), a(b"7004"), true, true, &C139, &RS139, &[], None, "ACTIVE POTENCY"),
    e(a(b"7005"), a(b"7005"), true, true, &C140, &RS140, &[], None, "CATCH AREA"),
    e(a(b"7006"), a(b"7006"), true, true, &C141, &RS141, &[], None, "FIRST FREEZE DATE"),
    e(a(b"7007"), a(b"7007"), true, true, &C142, &RS142, &[], None, "HARVEST DATE"),
    e(a(b"7008"), a(b"7008"), true, true, &C143, &RS143, &[], None, "AQUATIC SPECIES"),
    e(a(b"7009"), a(b"7009"), true, true, &C144, &RS144, &[], None, "FISHING GEAR TYPE"),
    e(a(b"7010"), a(b"7010"), true, true, &C145, &RS145, &[], None, "PROD METHOD"),
    e(a(b"7011"), a(b"7011"), true, true, &C146, &RS146, &[], None, "TEST BY DATE"),
    e(a(b"7020"), a(b"7020"), true, true, &C147, &RS147, &[], None, "REFURB LOT"),
    e(a(b"7021"), a(b"7021"), true, true, &C148, &RS148, &[], None, "FUNC STAT"),
    e(a(b"7022"), a(b"7022"), true, true, &C149, &RS149, &[], None, "REV STAT"),
    e(a(b"7023"), a(b"7023"), true, true, &C150, &[], &[], None, "GIAI - ASSEMBLY"),
    e(a(b"7030"), a(b"7030"), true, true, &C151, &RS151, &[], None, "PROCESSOR # 0"),
    e(a(b"7031"), a(b"7031"), true, true, &C152, &RS152, &[], None, "PROCESSOR # 1"),
    e(a(b"7032"), a(b"7032"), true, true, &C153, &RS153, &[], None, "PROCESSOR # 2"),
    e(a(b"7033"), a(b"7033"), true, true, &C154, &RS154, &[], None, "PROCESSOR # 3"),
    e(a(b"7034"), a(b"7034"), true, true, &C155, &RS155, &[], None, "PROCESSOR # 4"),
    e(a(b"7035"), a(b"7035"), true, true, &C156, &RS156, &[], None, "PROCESSOR # 5"),
    e(a(b"7036"), a(b"7036"), true, true, &C157, &RS157, &[], None, "PROCESSOR # 6"),
    e(a(b"7037"), a(b"7037"), true, true, &C158, &RS158, &[], None, "PROCESSOR # 7"),
    e(a(b"7038"), a(b"7038"), true, true, &C159, &RS159, &[], None, "PROCESSOR # 8"),
    e(a(b"7039"), a(b"7039"), true, true, &C160, &RS160, &[], None, "PROCESSOR # 9"),
    e(a(b"7040"), a(b"7040"), true, false, &C161, &[], &[], None, "UIC+EXT"),
    e(a(b"7041"), a(b"7041"), true, false, &C162, &RS162, &[], None, "UFRGT UNIT TYPE"),
    e(a(b"710"), a(b"710"), true, true, &C163, &RS163, &[], None, "NHRN PZN"),
    e(a(b"711"), a(b"711"), true, true, &C164, &RS164, &[], None, "NHRN CIP"),
    e(a(b"712"), a(b"712"), true, true, &C165, &RS165, &[], None, "NHRN CN"),
    e(a(b"713"), a(b"713"), true, true, &C166, &RS166, &[], None, "NHRN DRN"),
    e(a(b"714"), a(b"714"), true, true, &C167, &RS167, &[], None, "NHRN AIM"),
    e(a(b"715"), a(b"715"), true, true, &C168, &RS168, &[], None, "NHRN NDC"),
    e(a(b"716"), a(b"716"), true, true, &C169, &RS169, &[], None, "NHRN AIC"),
    e(a(b"717"), a(b"717"), true, true, &C170, &RS170, &[], None, "NHRN SRN"),
    e(a(b"7230"), a(b"7230"), true, true, &C171, &RS171, &[], None, "CERT # 1"),
    e(a(b"7231"), a(b"7231"), true, true, &C172, &RS172, &[], None, "CERT # 2"),
    e(a(b"7232"), a(b"7232"), true, true, &C173, &RS173, &[], None, "CERT # 3"),
    e(a(b"7233"), a(b"7233"), true, true, &C174, &RS174, &[], None, "CERT # 4"),
    e(a(b"7234"), a(b"7234"), true, true, &C175, &RS175, &[], None, "CERT # 5"),
    e(a(b"7235"), a(b"7235"), true, true, &C176, &RS176, &[], None, "CERT # 6"),
    e(a(b"7236"), a(b"7236"), true, true, &C177, &RS177, &[], None, "CERT # 7"),
    e(a(b"7237"), a(b"7237"), true, true, &C178, &RS178, &[], None, "CERT # 8"),
    e(a(b"7238"), a(b"7238"), true, true, &C179, &RS179, &[], None, "CERT # 9"),
    e(a(b"7239"), a(b"7239"), true, true, &C180, &RS180, &[], None, "CERT # 10"),
    e(a(b"7240"), a(b"7240"), true, true, &C181, &RS181, &[], None, "PROTOCOL"),
    e(a(b"7241"), a(b"7241"), true, true, &C182, &RS182, &[], None, "AIDC MEDIA TYPE"),
    e(a(b"7242"), a(b"7242"), true, true, &C183, &RS183, &[], None, "VCN"),
    e(a(b"7250"), a(b"7250"), true, true, &C184, &RS184, &X184, None, "DOB"),
    e(a(b"7251"), a(b"7251"), true, true, &C185, &RS185, &X185, None, "DOB TIME"),
    e(a(b"7252"), a(b"7252"), true, true, &C186, &RS186, &[], None, "BIO SEX"),
    e(a(b"7253"), a(b"7253"), true, true, &C187, &RS187, &X187, None, "FAMILY NAME"),
    e(a(b"7254"), a(b"7254"), true, true, &C188, &RS188, &X188, None, "GIVEN NAME"),
    e(a(b"7255"), a(b"7255"), true, true, &C189, &RS189, &X189, None, "SUFFIX"),
    e(a(b"7256"), a(b"7256"), true, true, &C190, &RS190, &[], None, "FULL NAME"),
    e(a(b"7257"), a(b"7257"), true, true, &C191, &RS191, &[], None, "PERSON ADDR"),
    e(a(b"7258"), a(b"7258"), true, true, &C192, &RS192, &[], None, "BIRTH SEQUENCE"),
    e(a(b"7259"), a(b"7259"), true, true, &C193, &RS193, &X193, None, "BABY"),
    e(a(b"8001"), a(b"8001"), true, true, &C194, &RS194, &[], None, "DIMENSIONS"),
    e(a(b"8002"), a(b"8002"), true, true, &C195, &[], &[], None, "CMT No."),
    e(a(b"8003"), a(b"8003"), true, true, &C196, &[], &[], Some(k(&K196)), "GRAI"),
    e(a(b"8004"), a(b"8004"), true, true, &C197, &[], &[], Some(k(&K197)), "GIAI"),
    e(a(b"8005"), a(b"8005"), true, true, &C198, &RS198, &[], None, "PRICE PER UNIT"),
    e(a(b"8006"), a(b"8006"), true, true, &C199, &[], &X199, Some(k(&K199)), "ITIP"),
    e(a(b"8007"), a(b"8007"), true, true, &C200, &RS200, &[], None, "IBAN"),
    e(a(b"8008"), a(b"8008"), true, true, &C201, &RS201, &[], None, "PROD TIME"),
    e(a(b"8009"), a(b"8009"), true, true, &C202, &RS202, &[], None, "OPTSEN"),
    e(a(b"8010"), a(b"8010"), true, true, &C203, &[], &[], Some(k(&K203)), "CPID"),
    e(a(b"8011"), a(b"8011"), true, false, &C204, &RS204, &[], None, "CPID SERIAL"),
    e(a(b"8012"), a(b"8012"), true, true, &C205, &RS205, &[], None, "VERSION"),
    e(a(b"8013"), a(b"8013"), true, true, &C206, &[], &[], Some(k(&K206)), "GMN"),
    e(a(b"8014"), a(b"8014"), true, false, &C207, &RS207, &[], None, "MUDI"),
    e(a(b"8017"), a(b"8017"), true, true, &C208, &[], &X208, Some(k(&K208)), "GSRN - PROVIDER"),
    e(a(b"8018"), a(b"8018"), true, true, &C209, &[], &X209, Some(k(&K209)), "GSRN - RECIPIENT"),
    e(a(b"8019"), a(b"8019"), true, false, &C210, &RS210, &[], None, "SRIN"),
    e(a(b"8020"), a(b"8020"), true, false, &C211, &RS211, &[], None, "REF No."),
    e(a(b"8026"), a(b"8026"), true, true, &C212, &RS212, &X212, None, "ITIP CONTENT"),
    e(a(b"8030"), a(b"8030"), true, true, &C213, &RS213, &[], None, "DIGSIG"),
    e(a(b"8040"), a(b"8040"), true, false, &C214, &RS214, &[], None, "IMEI"),
    e(a(b"8041"), a(b"8041"), true, false, &C215, &RS215, &[], None, "IMEI2"),
    e(a(b"8042"), a(b"8042"), true, false, &C216, &RS216, &[], None, "ESIM"),
    e(a(b"8043"), a(b"8043"), true, false, &C217, &RS217, &[], None, "PSIM"),
    e(a(b"8110"), a(b"8110"), true, true, &C218, &[], &[], None, ""),
    e(a(b"8111"), a(b"8111"), true, true, &C219, &RS219, &[], None, "POINTS"),
    e(a(b"8112"), a(b"8112"), true, true, &C220, &[], &[], None, ""),
    e(a(b"8200"), a(b"8200"), true, false, &C221, &RS221, &[], None, "PRODUCT URL"),
    e(a(b"90"), a(b"90"), true, true, &C222, &[], &[], None, "INTERNAL"),
    e(a(b"91"), a(b"99"), true, true, &C223, &[], &[], None, "INTERNAL"),
];

#[rustfmt::skip]
mod parts {
    use super::*;
    pub(super) static C0: [Component; 1] = [c(N, 18, 18, false, &[Csum, GcpPos2])];
    pub(super) static K0: [Cow<'static, [Ai]>; 1] = [q(&[])];
    pub(super) static C1: [Component; 1] = [c(N, 14, 14, false, &[Csum, GcpPos2])];
    pub(super) static X1: [Exclusion; 1] = [x(&[p(b"255"), p(b"37")])];
    pub(super) static K1: [Cow<'static, [Ai]>; 2] = [q(&[a(b"22"), a(b"10"), a(b"21")]), q(&[a(b"235")])];
    pub(super) static R2_0: [Group; 1] = [g(&[p(b"37")])];
    pub(super) static C2: [Component; 1] = [c(N, 14, 14, false, &[Csum, GcpPos2])];
    pub(super) static RS2: [Requisite; 1] = [r(&R2_0)];
    pub(super) static X2: [Exclusion; 1] = [x(&[p(b"01"), p(b"03")])];
    pub(super) static C3: [Component; 1] = [c(N, 14, 14, false, &[Csum, GcpPos2])];
    pub(super) static X3: [Exclusion; 1] = [x(&[p(b"01"), p(b"02"), p(b"37")])];
    pub(super) static R4_0: [Group; 5] = [g(&[p(b"01")]), g(&[p(b"02")]), g(&[p(b"03")]), g(&[p(b"8006")]), g(&[p(b"8026")])];
    pub(super) static C4: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS4: [Requisite; 1] = [r(&R4_0)];
    pub(super) static R5_0: [Group; 5] = [g(&[p(b"01")]), g(&[p(b"02")]), g(&[p(b"03")]), g(&[p(b"8006")]), g(&[p(b"8026")])];
    pub(super) static C5: [Component; 1] = [c(N, 6, 6, false, &[Yymmd0])];
    pub(super) static RS5: [Requisite; 1] = [r(&R5_0)];
    pub(super) static R6_0: [Group; 1] = [g(&[p(b"8020")])];
    pub(super) static C6: [Component; 1] = [c(N, 6, 6, false, &[Yymmd0])];
    pub(super) static RS6: [Requisite; 1] = [r(&R6_0)];
    pub(super) static R7_0: [Group; 5] = [g(&[p(b"01")]), g(&[p(b"02")]), g(&[p(b"03")]), g(&[p(b"8006")]), g(&[p(b"8026")])];
    pub(super) static C7: [Component; 1] = [c(N, 6, 6, false, &[Yymmd0])];
    pub(super) static RS7: [Requisite; 1] = [r(&R7_0)];
    pub(super) static R8_0: [Group; 5] = [g(&[p(b"01")]), g(&[p(b"02")]), g(&[p(b"03")]), g(&[p(b"8006")]), g(&[p(b"8026")])];
    pub(super) static C8: [Component; 1] = [c(N, 6, 6, false, &[Yymmd0])];
    pub(super) static RS8: [Requisite; 1] = [r(&R8_0)];
    pub(super) static R9_0: [Group; 5] = [g(&[p(b"01")]), g(&[p(b"02")]), g(&[p(b"03")]), g(&[p(b"8006")]), g(&[p(b"8026")])];
    pub(super) static C9: [Component; 1] = [c(N, 6, 6, false, &[Yymmd0])];
    pub(super) static RS9: [Requisite; 1] = [r(&R9_0)];
    pub(super) static R10_0: [Group; 6] = [g(&[p(b"01")]), g(&[p(b"02")]), g(&[p(b"03")]), g(&[p(b"255")]), g(&[p(b"8006")]), g(&[p(b"8026")])];
    pub(super) static C10: [Component; 1] = [c(N, 6, 6, false, &[Yymmd0])];
    pub(super) static RS10: [Requisite; 1] = [r(&R10_0)];
    pub(super) static R11_0: [Group; 4] = [g(&[p(b"01")]), g(&[p(b"02")]), g(&[p(b"8006")]), g(&[p(b"8026")])];
    pub(super) static C11: [Component; 1] = [c(N, 2, 2, false, &[])];
    pub(super) static RS11: [Requisite; 1] = [r(&R11_0)];
    pub(super) static R12_0: [Group; 3] = [g(&[p(b"01")]), g(&[p(b"03")]), g(&[p(b"8006")])];
    pub(super) static C12: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS12: [Requisite; 1] = [r(&R12_0)];
    pub(super) static X12: [Exclusion; 1] = [x(&[p(b"235")])];
    pub(super) static R13_0: [Group; 1] = [g(&[p(b"01")])];
    pub(super) static C13: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS13: [Requisite; 1] = [r(&R13_0)];
    pub(super) static R14_0: [Group; 1] = [g(&[p(b"01")])];
    pub(super) static C14: [Component; 1] = [c(X, 1, 28, false, &[])];
    pub(super) static RS14: [Requisite; 1] = [r(&R14_0)];
    pub(super) static R15_0: [Group; 4] = [g(&[p(b"01")]), g(&[p(b"02")]), g(&[p(b"8006")]), g(&[p(b"8026")])];
    pub(super) static C15: [Component; 1] = [c(X, 1, 30, false, &[])];
    pub(super) static RS15: [Requisite; 1] = [r(&R15_0)];
    pub(super) static R16_0: [Group; 4] = [g(&[p(b"01")]), g(&[p(b"02")]), g(&[p(b"8006")]), g(&[p(b"8026")])];
    pub(super) static C16: [Component; 1] = [c(X, 1, 30, false, &[])];
    pub(super) static RS16: [Requisite; 1] = [r(&R16_0)];
    pub(super) static R17_0: [Group; 4] = [g(&[p(b"01")]), g(&[p(b"02")]), g(&[p(b"8006")]), g(&[p(b"8026")])];
    pub(super) static C17: [Component; 1] = [c(N, 1, 6, false, &[])];
    pub(super) static RS17: [Requisite; 1] = [r(&R17_0)];
    pub(super) static R18_0: [Group; 1] = [g(&[p(b"01")])];
    pub(super) static C18: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS18: [Requisite; 1] = [r(&R18_0)];
    pub(super) static R19_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"8006")])];
    pub(super) static R19_1: [Group; 1] = [g(&[p(b"21")])];
    pub(super) static C19: [Component; 1] = [c(X, 1, 30, false, &[])];
    pub(super) static RS19: [Requisite; 2] = [r(&R19_0), r(&R19_1)];
    pub(super) static R20_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"8006")])];
    pub(super) static C20: [Component; 1] = [c(X, 1, 30, false, &[])];
    pub(super) static RS20: [Requisite; 1] = [r(&R20_0)];
    pub(super) static C21: [Component; 2] = [c(N, 13, 13, false, &[Csum, GcpPos1]), c(X, 1, 17, true, &[])];
    pub(super) static K21: [Cow<'static, [Ai]>; 1] = [q(&[])];
    pub(super) static R22_0: [Group; 1] = [g(&[p(b"414")])];
    pub(super) static C22: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS22: [Requisite; 1] = [r(&R22_0)];
    pub(super) static C23: [Component; 2] = [c(N, 13, 13, false, &[Csum, GcpPos1]), c(N, 1, 12, true, &[])];
    pub(super) static X23: [Exclusion; 1] = [x(&[p(b"01"), p(b"02"), p(b"415"), p(b"8006"), p(b"8020"), p(b"8026")])];
    pub(super) static K23: [Cow<'static, [Ai]>; 1] = [q(&[])];
    pub(super) static R24_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C24: [Component; 1] = [c(N, 1, 8, false, &[])];
    pub(super) static RS24: [Requisite; 1] = [r(&R24_0)];
    pub(super) static R25_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C25: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS25: [Requisite; 1] = [r(&R25_0)];
    pub(super) static X25: [Exclusion; 1] = [x(&[p(b"310n")])];
    pub(super) static R26_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C26: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS26: [Requisite; 1] = [r(&R26_0)];
    pub(super) static X26: [Exclusion; 1] = [x(&[p(b"311n")])];
    pub(super) static R27_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C27: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS27: [Requisite; 1] = [r(&R27_0)];
    pub(super) static X27: [Exclusion; 1] = [x(&[p(b"312n")])];
    pub(super) static R28_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C28: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS28: [Requisite; 1] = [r(&R28_0)];
    pub(super) static X28: [Exclusion; 1] = [x(&[p(b"313n")])];
    pub(super) static R29_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C29: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS29: [Requisite; 1] = [r(&R29_0)];
    pub(super) static X29: [Exclusion; 1] = [x(&[p(b"314n")])];
    pub(super) static R30_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C30: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS30: [Requisite; 1] = [r(&R30_0)];
    pub(super) static X30: [Exclusion; 1] = [x(&[p(b"315n")])];
    pub(super) static R31_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C31: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS31: [Requisite; 1] = [r(&R31_0)];
    pub(super) static X31: [Exclusion; 1] = [x(&[p(b"316n")])];
    pub(super) static R32_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C32: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS32: [Requisite; 1] = [r(&R32_0)];
    pub(super) static X32: [Exclusion; 1] = [x(&[p(b"320n")])];
    pub(super) static R33_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C33: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS33: [Requisite; 1] = [r(&R33_0)];
    pub(super) static X33: [Exclusion; 1] = [x(&[p(b"321n")])];
    pub(super) static R34_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C34: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS34: [Requisite; 1] = [r(&R34_0)];
    pub(super) static X34: [Exclusion; 1] = [x(&[p(b"322n")])];
    pub(super) static R35_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C35: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS35: [Requisite; 1] = [r(&R35_0)];
    pub(super) static X35: [Exclusion; 1] = [x(&[p(b"323n")])];
    pub(super) static R36_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C36: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS36: [Requisite; 1] = [r(&R36_0)];
    pub(super) static X36: [Exclusion; 1] = [x(&[p(b"324n")])];
    pub(super) static R37_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C37: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS37: [Requisite; 1] = [r(&R37_0)];
    pub(super) static X37: [Exclusion; 1] = [x(&[p(b"325n")])];
    pub(super) static R38_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C38: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS38: [Requisite; 1] = [r(&R38_0)];
    pub(super) static X38: [Exclusion; 1] = [x(&[p(b"326n")])];
    pub(super) static R39_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C39: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS39: [Requisite; 1] = [r(&R39_0)];
    pub(super) static X39: [Exclusion; 1] = [x(&[p(b"327n")])];
    pub(super) static R40_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C40: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS40: [Requisite; 1] = [r(&R40_0)];
    pub(super) static X40: [Exclusion; 1] = [x(&[p(b"328n")])];
    pub(super) static R41_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C41: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS41: [Requisite; 1] = [r(&R41_0)];
    pub(super) static X41: [Exclusion; 1] = [x(&[p(b"329n")])];
    pub(super) static R42_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C42: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS42: [Requisite; 1] = [r(&R42_0)];
    pub(super) static X42: [Exclusion; 1] = [x(&[p(b"330n")])];
    pub(super) static R43_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C43: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS43: [Requisite; 1] = [r(&R43_0)];
    pub(super) static X43: [Exclusion; 1] = [x(&[p(b"331n")])];
    pub(super) static R44_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C44: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS44: [Requisite; 1] = [r(&R44_0)];
    pub(super) static X44: [Exclusion; 1] = [x(&[p(b"332n")])];
    pub(super) static R45_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C45: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS45: [Requisite; 1] = [r(&R45_0)];
    pub(super) static X45: [Exclusion; 1] = [x(&[p(b"333n")])];
    pub(super) static R46_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C46: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS46: [Requisite; 1] = [r(&R46_0)];
    pub(super) static X46: [Exclusion; 1] = [x(&[p(b"334n")])];
    pub(super) static R47_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C47: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS47: [Requisite; 1] = [r(&R47_0)];
    pub(super) static X47: [Exclusion; 1] = [x(&[p(b"335n")])];
    pub(super) static R48_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C48: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS48: [Requisite; 1] = [r(&R48_0)];
    pub(super) static X48: [Exclusion; 1] = [x(&[p(b"336n")])];
    pub(super) static R49_0: [Group; 1] = [g(&[p(b"01")])];
    pub(super) static C49: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS49: [Requisite; 1] = [r(&R49_0)];
    pub(super) static X49: [Exclusion; 1] = [x(&[p(b"337n")])];
    pub(super) static R50_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C50: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS50: [Requisite; 1] = [r(&R50_0)];
    pub(super) static X50: [Exclusion; 1] = [x(&[p(b"340n")])];
    pub(super) static R51_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C51: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS51: [Requisite; 1] = [r(&R51_0)];
    pub(super) static X51: [Exclusion; 1] = [x(&[p(b"341n")])];
    pub(super) static R52_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C52: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS52: [Requisite; 1] = [r(&R52_0)];
    pub(super) static X52: [Exclusion; 1] = [x(&[p(b"342n")])];
    pub(super) static R53_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C53: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS53: [Requisite; 1] = [r(&R53_0)];
    pub(super) static X53: [Exclusion; 1] = [x(&[p(b"343n")])];
    pub(super) static R54_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C54: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS54: [Requisite; 1] = [r(&R54_0)];
    pub(super) static X54: [Exclusion; 1] = [x(&[p(b"344n")])];
    pub(super) static R55_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C55: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS55: [Requisite; 1] = [r(&R55_0)];
    pub(super) static X55: [Exclusion; 1] = [x(&[p(b"345n")])];
    pub(super) static R56_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C56: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS56: [Requisite; 1] = [r(&R56_0)];
    pub(super) static X56: [Exclusion; 1] = [x(&[p(b"346n")])];
    pub(super) static R57_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C57: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS57: [Requisite; 1] = [r(&R57_0)];
    pub(super) static X57: [Exclusion; 1] = [x(&[p(b"347n")])];
    pub(super) static R58_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C58: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS58: [Requisite; 1] = [r(&R58_0)];
    pub(super) static X58: [Exclusion; 1] = [x(&[p(b"348n")])];
    pub(super) static R59_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C59: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS59: [Requisite; 1] = [r(&R59_0)];
    pub(super) static X59: [Exclusion; 1] = [x(&[p(b"349n")])];
    pub(super) static R60_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C60: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS60: [Requisite; 1] = [r(&R60_0)];
    pub(super) static X60: [Exclusion; 1] = [x(&[p(b"350n")])];
    pub(super) static R61_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C61: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS61: [Requisite; 1] = [r(&R61_0)];
    pub(super) static X61: [Exclusion; 1] = [x(&[p(b"351n")])];
    pub(super) static R62_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C62: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS62: [Requisite; 1] = [r(&R62_0)];
    pub(super) static X62: [Exclusion; 1] = [x(&[p(b"352n")])];
    pub(super) static R63_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C63: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS63: [Requisite; 1] = [r(&R63_0)];
    pub(super) static X63: [Exclusion; 1] = [x(&[p(b"353n")])];
    pub(super) static R64_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C64: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS64: [Requisite; 1] = [r(&R64_0)];
    pub(super) static X64: [Exclusion; 1] = [x(&[p(b"354n")])];
    pub(super) static R65_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C65: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS65: [Requisite; 1] = [r(&R65_0)];
    pub(super) static X65: [Exclusion; 1] = [x(&[p(b"355n")])];
    pub(super) static R66_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C66: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS66: [Requisite; 1] = [r(&R66_0)];
    pub(super) static X66: [Exclusion; 1] = [x(&[p(b"356n")])];
    pub(super) static R67_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C67: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS67: [Requisite; 1] = [r(&R67_0)];
    pub(super) static X67: [Exclusion; 1] = [x(&[p(b"357n")])];
    pub(super) static R68_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C68: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS68: [Requisite; 1] = [r(&R68_0)];
    pub(super) static X68: [Exclusion; 1] = [x(&[p(b"360n")])];
    pub(super) static R69_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C69: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS69: [Requisite; 1] = [r(&R69_0)];
    pub(super) static X69: [Exclusion; 1] = [x(&[p(b"361n")])];
    pub(super) static R70_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C70: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS70: [Requisite; 1] = [r(&R70_0)];
    pub(super) static X70: [Exclusion; 1] = [x(&[p(b"362n")])];
    pub(super) static R71_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C71: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS71: [Requisite; 1] = [r(&R71_0)];
    pub(super) static X71: [Exclusion; 1] = [x(&[p(b"363n")])];
    pub(super) static R72_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C72: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS72: [Requisite; 1] = [r(&R72_0)];
    pub(super) static X72: [Exclusion; 1] = [x(&[p(b"364n")])];
    pub(super) static R73_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C73: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS73: [Requisite; 1] = [r(&R73_0)];
    pub(super) static X73: [Exclusion; 1] = [x(&[p(b"365n")])];
    pub(super) static R74_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C74: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS74: [Requisite; 1] = [r(&R74_0)];
    pub(super) static X74: [Exclusion; 1] = [x(&[p(b"366n")])];
    pub(super) static R75_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C75: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS75: [Requisite; 1] = [r(&R75_0)];
    pub(super) static X75: [Exclusion; 1] = [x(&[p(b"367n")])];
    pub(super) static R76_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C76: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS76: [Requisite; 1] = [r(&R76_0)];
    pub(super) static X76: [Exclusion; 1] = [x(&[p(b"368n")])];
    pub(super) static R77_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C77: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS77: [Requisite; 1] = [r(&R77_0)];
    pub(super) static X77: [Exclusion; 1] = [x(&[p(b"369n")])];
    pub(super) static R78_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static R78_1: [Group; 2] = [g(&[p(b"02")]), g(&[p(b"8026")])];
    pub(super) static C78: [Component; 1] = [c(N, 1, 8, false, &[])];
    pub(super) static RS78: [Requisite; 2] = [r(&R78_0), r(&R78_1)];
    pub(super) static R79_0: [Group; 2] = [g(&[p(b"255")]), g(&[p(b"8020")])];
    pub(super) static C79: [Component; 1] = [c(N, 1, 15, false, &[])];
    pub(super) static RS79: [Requisite; 1] = [r(&R79_0)];
    pub(super) static X79: [Exclusion; 1] = [x(&[p(b"390n"), p(b"391n"), p(b"394n"), p(b"8111")])];
    pub(super) static R80_0: [Group; 1] = [g(&[p(b"8020")])];
    pub(super) static C80: [Component; 2] = [c(N, 3, 3, false, &[Iso4217]), c(N, 1, 15, false, &[])];
    pub(super) static RS80: [Requisite; 1] = [r(&R80_0)];
    pub(super) static X80: [Exclusion; 1] = [x(&[p(b"391n")])];
    pub(super) static R81_0: [Group; 1] = [g(&[p(b"01")])];
    pub(super) static R81_1: [Group; 5] = [g(&[p(b"30")]), g(&[p(b"31nn")]), g(&[p(b"32nn")]), g(&[p(b"35nn")]), g(&[p(b"36nn")])];
    pub(super) static C81: [Component; 1] = [c(N, 1, 15, false, &[])];
    pub(super) static RS81: [Requisite; 2] = [r(&R81_0), r(&R81_1)];
    pub(super) static X81: [Exclusion; 1] = [x(&[p(b"392n"), p(b"393n")])];
    pub(super) static R82_0: [Group; 5] = [g(&[p(b"30")]), g(&[p(b"31nn")]), g(&[p(b"32nn")]), g(&[p(b"35nn")]), g(&[p(b"36nn")])];
    pub(super) static C82: [Component; 2] = [c(N, 3, 3, false, &[Iso4217]), c(N, 1, 15, false, &[])];
    pub(super) static RS82: [Requisite; 1] = [r(&R82_0)];
    pub(super) static X82: [Exclusion; 1] = [x(&[p(b"393n")])];
    pub(super) static R83_0: [Group; 1] = [g(&[p(b"255")])];
    pub(super) static C83: [Component; 1] = [c(N, 4, 4, false, &[])];
    pub(super) static RS83: [Requisite; 1] = [r(&R83_0)];
    pub(super) static X83: [Exclusion; 1] = [x(&[p(b"394n"), p(b"8111")])];
    pub(super) static R84_0: [Group; 5] = [g(&[p(b"30")]), g(&[p(b"31nn")]), g(&[p(b"32nn")]), g(&[p(b"35nn")]), g(&[p(b"36nn")])];
    pub(super) static C84: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS84: [Requisite; 1] = [r(&R84_0)];
    pub(super) static X84: [Exclusion; 1] = [x(&[p(b"392n"), p(b"393n"), p(b"395n"), p(b"8005")])];
    pub(super) static C85: [Component; 1] = [c(X, 1, 30, false, &[])];
    pub(super) static C86: [Component; 1] = [c(X, 1, 30, false, &[GcpPos1])];
    pub(super) static K86: [Cow<'static, [Ai]>; 1] = [q(&[])];
    pub(super) static C87: [Component; 1] = [c(N, 17, 17, false, &[Csum, GcpPos1])];
    pub(super) static K87: [Cow<'static, [Ai]>; 1] = [q(&[])];
    pub(super) static R88_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C88: [Component; 1] = [c(X, 1, 30, false, &[])];
    pub(super) static RS88: [Requisite; 1] = [r(&R88_0)];
    pub(super) static C89: [Component; 1] = [c(N, 13, 13, false, &[Csum, GcpPos1])];
    pub(super) static C90: [Component; 1] = [c(N, 13, 13, false, &[Csum, GcpPos1])];
    pub(super) static C91: [Component; 1] = [c(N, 13, 13, false, &[Csum, GcpPos1])];
    pub(super) static C92: [Component; 1] = [c(N, 13, 13, false, &[Csum, GcpPos1])];
    pub(super) static C93: [Component; 1] = [c(N, 13, 13, false, &[Csum, GcpPos1])];
    pub(super) static K93: [Cow<'static, [Ai]>; 2] = [q(&[a(b"254")]), q(&[a(b"7040")])];
    pub(super) static R94_0: [Group; 1] = [g(&[p(b"8020")])];
    pub(super) static C94: [Component; 1] = [c(N, 13, 13, false, &[Csum, GcpPos1])];
    pub(super) static RS94: [Requisite; 1] = [r(&R94_0)];
    pub(super) static K94: [Cow<'static, [Ai]>; 1] = [q(&[a(b"8020")])];
    pub(super) static C95: [Component; 1] = [c(N, 13, 13, false, &[Csum, GcpPos1])];
    pub(super) static C96: [Component; 1] = [c(N, 13, 13, false, &[Csum, GcpPos1])];
    pub(super) static K96: [Cow<'static, [Ai]>; 1] = [q(&[a(b"7040")])];
    pub(super) static C97: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static X97: [Exclusion; 1] = [x(&[p(b"421")])];
    pub(super) static C98: [Component; 2] = [c(N, 3, 3, false, &[Iso3166]), c(X, 1, 9, false, &[])];
    pub(super) static X98: [Exclusion; 1] = [x(&[p(b"4307")])];
    pub(super) static R99_0: [Group; 4] = [g(&[p(b"01")]), g(&[p(b"02")]), g(&[p(b"8006")]), g(&[p(b"8026")])];
    pub(super) static C99: [Component; 1] = [c(N, 3, 3, false, &[Iso3166])];
    pub(super) static RS99: [Requisite; 1] = [r(&R99_0)];
    pub(super) static X99: [Exclusion; 1] = [x(&[p(b"426")])];
    pub(super) static R100_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C100: [Component; 5] = [c(N, 3, 3, false, &[Iso3166]), c(N, 3, 3, true, &[Iso3166]), c(N, 3, 3, true, &[Iso3166]), c(N, 3, 3, true, &[Iso3166]), c(N, 3, 3, true, &[Iso3166])];
    pub(super) static RS100: [Requisite; 1] = [r(&R100_0)];
    pub(super) static X100: [Exclusion; 1] = [x(&[p(b"426")])];
    pub(super) static R101_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C101: [Component; 1] = [c(N, 3, 3, false, &[Iso3166])];
    pub(super) static RS101: [Requisite; 1] = [r(&R101_0)];
    pub(super) static X101: [Exclusion; 1] = [x(&[p(b"426")])];
    pub(super) static R102_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C102: [Component; 5] = [c(N, 3, 3, false, &[Iso3166]), c(N, 3, 3, true, &[Iso3166]), c(N, 3, 3, true, &[Iso3166]), c(N, 3, 3, true, &[Iso3166]), c(N, 3, 3, true, &[Iso3166])];
    pub(super) static RS102: [Requisite; 1] = [r(&R102_0)];
    pub(super) static X102: [Exclusion; 1] = [x(&[p(b"426")])];
    pub(super) static R103_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C103: [Component; 1] = [c(N, 3, 3, false, &[Iso3166])];
    pub(super) static RS103: [Requisite; 1] = [r(&R103_0)];
    pub(super) static R104_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static R104_1: [Group; 1] = [g(&[p(b"422")])];
    pub(super) static C104: [Component; 1] = [c(X, 1, 3, false, &[])];
    pub(super) static RS104: [Requisite; 2] = [r(&R104_0), r(&R104_1)];
    pub(super) static R105_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C105: [Component; 1] = [c(X, 1, 35, false, &[PcEnc])];
    pub(super) static RS105: [Requisite; 1] = [r(&R105_0)];
    pub(super) static R106_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C106: [Component; 1] = [c(X, 1, 35, false, &[PcEnc])];
    pub(super) static RS106: [Requisite; 1] = [r(&R106_0)];
    pub(super) static R107_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C107: [Component; 1] = [c(X, 1, 70, false, &[PcEnc])];
    pub(super) static RS107: [Requisite; 1] = [r(&R107_0)];
    pub(super) static R108_0: [Group; 1] = [g(&[p(b"4302")])];
    pub(super) static C108: [Component; 1] = [c(X, 1, 70, false, &[PcEnc])];
    pub(super) static RS108: [Requisite; 1] = [r(&R108_0)];
    pub(super) static R109_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C109: [Component; 1] = [c(X, 1, 70, false, &[PcEnc])];
    pub(super) static RS109: [Requisite; 1] = [r(&R109_0)];
    pub(super) static R110_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C110: [Component; 1] = [c(X, 1, 70, false, &[PcEnc])];
    pub(super) static RS110: [Requisite; 1] = [r(&R110_0)];
    pub(super) static R111_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C111: [Component; 1] = [c(X, 1, 70, false, &[PcEnc])];
    pub(super) static RS111: [Requisite; 1] = [r(&R111_0)];
    pub(super) static R112_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C112: [Component; 1] = [c(X, 2, 2, false, &[Iso3166Alpha2])];
    pub(super) static RS112: [Requisite; 1] = [r(&R112_0)];
    pub(super) static R113_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C113: [Component; 1] = [c(X, 1, 30, false, &[])];
    pub(super) static RS113: [Requisite; 1] = [r(&R113_0)];
    pub(super) static R114_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C114: [Component; 2] = [c(N, 10, 10, false, &[Latitude]), c(N, 10, 10, false, &[Longitude])];
    pub(super) static RS114: [Requisite; 1] = [r(&R114_0)];
    pub(super) static R115_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C115: [Component; 1] = [c(X, 1, 35, false, &[PcEnc])];
    pub(super) static RS115: [Requisite; 1] = [r(&R115_0)];
    pub(super) static R116_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C116: [Component; 1] = [c(X, 1, 35, false, &[PcEnc])];
    pub(super) static RS116: [Requisite; 1] = [r(&R116_0)];
    pub(super) static R117_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C117: [Component; 1] = [c(X, 1, 70, false, &[PcEnc])];
    pub(super) static RS117: [Requisite; 1] = [r(&R117_0)];
    pub(super) static R118_0: [Group; 1] = [g(&[p(b"4312")])];
    pub(super) static C118: [Component; 1] = [c(X, 1, 70, false, &[PcEnc])];
    pub(super) static RS118: [Requisite; 1] = [r(&R118_0)];
    pub(super) static R119_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C119: [Component; 1] = [c(X, 1, 70, false, &[PcEnc])];
    pub(super) static RS119: [Requisite; 1] = [r(&R119_0)];
    pub(super) static R120_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C120: [Component; 1] = [c(X, 1, 70, false, &[PcEnc])];
    pub(super) static RS120: [Requisite; 1] = [r(&R120_0)];
    pub(super) static R121_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C121: [Component; 1] = [c(X, 1, 70, false, &[PcEnc])];
    pub(super) static RS121: [Requisite; 1] = [r(&R121_0)];
    pub(super) static R122_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C122: [Component; 1] = [c(X, 2, 2, false, &[Iso3166Alpha2])];
    pub(super) static RS122: [Requisite; 1] = [r(&R122_0)];
    pub(super) static R123_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C123: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS123: [Requisite; 1] = [r(&R123_0)];
    pub(super) static R124_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C124: [Component; 1] = [c(X, 1, 30, false, &[])];
    pub(super) static RS124: [Requisite; 1] = [r(&R124_0)];
    pub(super) static R125_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C125: [Component; 1] = [c(X, 1, 35, false, &[PcEnc])];
    pub(super) static RS125: [Requisite; 1] = [r(&R125_0)];
    pub(super) static R126_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C126: [Component; 1] = [c(N, 1, 1, false, &[YesNo])];
    pub(super) static RS126: [Requisite; 1] = [r(&R126_0)];
    pub(super) static R127_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C127: [Component; 1] = [c(N, 1, 1, false, &[YesNo])];
    pub(super) static RS127: [Requisite; 1] = [r(&R127_0)];
    pub(super) static R128_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C128: [Component; 1] = [c(N, 1, 1, false, &[YesNo])];
    pub(super) static RS128: [Requisite; 1] = [r(&R128_0)];
    pub(super) static R129_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C129: [Component; 2] = [c(N, 6, 6, false, &[Yymmd0]), c(N, 4, 4, false, &[Hhmi])];
    pub(super) static RS129: [Requisite; 1] = [r(&R129_0)];
    pub(super) static R130_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C130: [Component; 2] = [c(N, 6, 6, false, &[Yymmd0]), c(N, 4, 4, false, &[Hhmi])];
    pub(super) static RS130: [Requisite; 1] = [r(&R130_0)];
    pub(super) static R131_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C131: [Component; 1] = [c(N, 6, 6, false, &[Yymmdd])];
    pub(super) static RS131: [Requisite; 1] = [r(&R131_0)];
    pub(super) static R132_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C132: [Component; 2] = [c(N, 6, 6, false, &[]), c(X, 1, 1, true, &[Hyphen])];
    pub(super) static RS132: [Requisite; 1] = [r(&R132_0)];
    pub(super) static X132: [Exclusion; 1] = [x(&[p(b"4331")])];
    pub(super) static R133_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C133: [Component; 2] = [c(N, 6, 6, false, &[]), c(X, 1, 1, true, &[Hyphen])];
    pub(super) static RS133: [Requisite; 1] = [r(&R133_0)];
    pub(super) static X133: [Exclusion; 1] = [x(&[p(b"4330")])];
    pub(super) static R134_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C134: [Component; 2] = [c(N, 6, 6, false, &[]), c(X, 1, 1, true, &[Hyphen])];
    pub(super) static RS134: [Requisite; 1] = [r(&R134_0)];
    pub(super) static X134: [Exclusion; 1] = [x(&[p(b"4333")])];
    pub(super) static R135_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C135: [Component; 2] = [c(N, 6, 6, false, &[]), c(X, 1, 1, true, &[Hyphen])];
    pub(super) static RS135: [Requisite; 1] = [r(&R135_0)];
    pub(super) static X135: [Exclusion; 1] = [x(&[p(b"4332")])];
    pub(super) static R136_0: [Group; 4] = [g(&[p(b"01")]), g(&[p(b"02")]), g(&[p(b"8006")]), g(&[p(b"8026")])];
    pub(super) static C136: [Component; 1] = [c(N, 13, 13, false, &[])];
    pub(super) static RS136: [Requisite; 1] = [r(&R136_0)];
    pub(super) static R137_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C137: [Component; 1] = [c(X, 1, 30, false, &[])];
    pub(super) static RS137: [Requisite; 1] = [r(&R137_0)];
    pub(super) static R138_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C138: [Component; 2] = [c(N, 6, 6, false, &[Yymmdd]), c(N, 4, 4, false, &[Hhmi])];
    pub(super) static RS138: [Requisite; 1] = [r(&R138_0)];
    pub(super) static R139_0: [Group; 1] = [g(&[p(b"01"), p(b"10")])];
    pub(super) static C139: [Component; 1] = [c(N, 1, 4, false, &[])];
    pub(super) static RS139: [Requisite; 1] = [r(&R139_0)];
    pub(super) static R140_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C140: [Component; 1] = [c(X, 1, 12, false, &[])];
    pub(super) static RS140: [Requisite; 1] = [r(&R140_0)];
    pub(super) static R141_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C141: [Component; 1] = [c(N, 6, 6, false, &[Yymmdd])];
    pub(super) static RS141: [Requisite; 1] = [r(&R141_0)];
    pub(super) static R142_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C142: [Component; 2] = [c(N, 6, 6, false, &[Yymmdd]), c(N, 6, 6, true, &[Yymmdd])];
    pub(super) static RS142: [Requisite; 1] = [r(&R142_0)];
    pub(super) static R143_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C143: [Component; 1] = [c(X, 1, 3, false, &[])];
    pub(super) static RS143: [Requisite; 1] = [r(&R143_0)];
    pub(super) static R144_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C144: [Component; 1] = [c(X, 1, 10, false, &[])];
    pub(super) static RS144: [Requisite; 1] = [r(&R144_0)];
    pub(super) static R145_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C145: [Component; 1] = [c(X, 1, 2, false, &[])];
    pub(super) static RS145: [Requisite; 1] = [r(&R145_0)];
    pub(super) static R146_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C146: [Component; 2] = [c(N, 6, 6, false, &[Yymmdd]), c(N, 4, 4, true, &[Hhmi])];
    pub(super) static RS146: [Requisite; 1] = [r(&R146_0)];
    pub(super) static R147_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"8006")])];
    pub(super) static R147_1: [Group; 1] = [g(&[p(b"416")])];
    pub(super) static C147: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS147: [Requisite; 2] = [r(&R147_0), r(&R147_1)];
    pub(super) static R148_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"8006")])];
    pub(super) static C148: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS148: [Requisite; 1] = [r(&R148_0)];
    pub(super) static R149_0: [Group; 1] = [g(&[p(b"7021")])];
    pub(super) static C149: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS149: [Requisite; 1] = [r(&R149_0)];
    pub(super) static C150: [Component; 1] = [c(X, 1, 30, false, &[GcpPos1])];
    pub(super) static R151_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C151: [Component; 2] = [c(N, 3, 3, false, &[Iso3166999]), c(X, 1, 27, false, &[])];
    pub(super) static RS151: [Requisite; 1] = [r(&R151_0)];
    pub(super) static R152_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C152: [Component; 2] = [c(N, 3, 3, false, &[Iso3166999]), c(X, 1, 27, false, &[])];
    pub(super) static RS152: [Requisite; 1] = [r(&R152_0)];
    pub(super) static R153_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C153: [Component; 2] = [c(N, 3, 3, false, &[Iso3166999]), c(X, 1, 27, false, &[])];
    pub(super) static RS153: [Requisite; 1] = [r(&R153_0)];
    pub(super) static R154_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C154: [Component; 2] = [c(N, 3, 3, false, &[Iso3166999]), c(X, 1, 27, false, &[])];
    pub(super) static RS154: [Requisite; 1] = [r(&R154_0)];
    pub(super) static R155_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C155: [Component; 2] = [c(N, 3, 3, false, &[Iso3166999]), c(X, 1, 27, false, &[])];
    pub(super) static RS155: [Requisite; 1] = [r(&R155_0)];
    pub(super) static R156_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C156: [Component; 2] = [c(N, 3, 3, false, &[Iso3166999]), c(X, 1, 27, false, &[])];
    pub(super) static RS156: [Requisite; 1] = [r(&R156_0)];
    pub(super) static R157_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C157: [Component; 2] = [c(N, 3, 3, false, &[Iso3166999]), c(X, 1, 27, false, &[])];
    pub(super) static RS157: [Requisite; 1] = [r(&R157_0)];
    pub(super) static R158_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C158: [Component; 2] = [c(N, 3, 3, false, &[Iso3166999]), c(X, 1, 27, false, &[])];
    pub(super) static RS158: [Requisite; 1] = [r(&R158_0)];
    pub(super) static R159_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C159: [Component; 2] = [c(N, 3, 3, false, &[Iso3166999]), c(X, 1, 27, false, &[])];
    pub(super) static RS159: [Requisite; 1] = [r(&R159_0)];
    pub(super) static R160_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C160: [Component; 2] = [c(N, 3, 3, false, &[Iso3166999]), c(X, 1, 27, false, &[])];
    pub(super) static RS160: [Requisite; 1] = [r(&R160_0)];
    pub(super) static C161: [Component; 4] = [c(N, 1, 1, false, &[]), c(X, 1, 1, false, &[]), c(X, 1, 1, false, &[]), c(X, 1, 1, false, &[ImporterIdx])];
    pub(super) static R162_0: [Group; 1] = [g(&[p(b"00")])];
    pub(super) static C162: [Component; 1] = [c(X, 1, 4, false, &[PackageType])];
    pub(super) static RS162: [Requisite; 1] = [r(&R162_0)];
    pub(super) static R163_0: [Group; 1] = [g(&[p(b"01")])];
    pub(super) static C163: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS163: [Requisite; 1] = [r(&R163_0)];
    pub(super) static R164_0: [Group; 1] = [g(&[p(b"01")])];
    pub(super) static C164: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS164: [Requisite; 1] = [r(&R164_0)];
    pub(super) static R165_0: [Group; 1] = [g(&[p(b"01")])];
    pub(super) static C165: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS165: [Requisite; 1] = [r(&R165_0)];
    pub(super) static R166_0: [Group; 1] = [g(&[p(b"01")])];
    pub(super) static C166: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS166: [Requisite; 1] = [r(&R166_0)];
    pub(super) static R167_0: [Group; 1] = [g(&[p(b"01")])];
    pub(super) static C167: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS167: [Requisite; 1] = [r(&R167_0)];
    pub(super) static R168_0: [Group; 1] = [g(&[p(b"01")])];
    pub(super) static C168: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS168: [Requisite; 1] = [r(&R168_0)];
    pub(super) static R169_0: [Group; 1] = [g(&[p(b"01")])];
    pub(super) static C169: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS169: [Requisite; 1] = [r(&R169_0)];
    pub(super) static R170_0: [Group; 1] = [g(&[p(b"01")])];
    pub(super) static C170: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS170: [Requisite; 1] = [r(&R170_0)];
    pub(super) static R171_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"8004")])];
    pub(super) static C171: [Component; 2] = [c(X, 2, 2, false, &[]), c(X, 1, 28, false, &[])];
    pub(super) static RS171: [Requisite; 1] = [r(&R171_0)];
    pub(super) static R172_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"8004")])];
    pub(super) static C172: [Component; 2] = [c(X, 2, 2, false, &[]), c(X, 1, 28, false, &[])];
    pub(super) static RS172: [Requisite; 1] = [r(&R172_0)];
    pub(super) static R173_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"8004")])];
    pub(super) static C173: [Component; 2] = [c(X, 2, 2, false, &[]), c(X, 1, 28, false, &[])];
    pub(super) static RS173: [Requisite; 1] = [r(&R173_0)];
    pub(super) static R174_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"8004")])];
    pub(super) static C174: [Component; 2] = [c(X, 2, 2, false, &[]), c(X, 1, 28, false, &[])];
    pub(super) static RS174: [Requisite; 1] = [r(&R174_0)];
    pub(super) static R175_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"8004")])];
    pub(super) static C175: [Component; 2] = [c(X, 2, 2, false, &[]), c(X, 1, 28, false, &[])];
    pub(super) static RS175: [Requisite; 1] = [r(&R175_0)];
    pub(super) static R176_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"8004")])];
    pub(super) static C176: [Component; 2] = [c(X, 2, 2, false, &[]), c(X, 1, 28, false, &[])];
    pub(super) static RS176: [Requisite; 1] = [r(&R176_0)];
    pub(super) static R177_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"8004")])];
    pub(super) static C177: [Component; 2] = [c(X, 2, 2, false, &[]), c(X, 1, 28, false, &[])];
    pub(super) static RS177: [Requisite; 1] = [r(&R177_0)];
    pub(super) static R178_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"8004")])];
    pub(super) static C178: [Component; 2] = [c(X, 2, 2, false, &[]), c(X, 1, 28, false, &[])];
    pub(super) static RS178: [Requisite; 1] = [r(&R178_0)];
    pub(super) static R179_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"8004")])];
    pub(super) static C179: [Component; 2] = [c(X, 2, 2, false, &[]), c(X, 1, 28, false, &[])];
    pub(super) static RS179: [Requisite; 1] = [r(&R179_0)];
    pub(super) static R180_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"8004")])];
    pub(super) static C180: [Component; 2] = [c(X, 2, 2, false, &[]), c(X, 1, 28, false, &[])];
    pub(super) static RS180: [Requisite; 1] = [r(&R180_0)];
    pub(super) static R181_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"8006")])];
    pub(super) static C181: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS181: [Requisite; 1] = [r(&R181_0)];
    pub(super) static R182_0: [Group; 2] = [g(&[p(b"8017")]), g(&[p(b"8018")])];
    pub(super) static C182: [Component; 1] = [c(N, 2, 2, false, &[MediaType])];
    pub(super) static RS182: [Requisite; 1] = [r(&R182_0)];
    pub(super) static R183_0: [Group; 2] = [g(&[p(b"8017")]), g(&[p(b"8018")])];
    pub(super) static C183: [Component; 1] = [c(X, 1, 25, false, &[])];
    pub(super) static RS183: [Requisite; 1] = [r(&R183_0)];
    pub(super) static R184_0: [Group; 1] = [g(&[p(b"8018")])];
    pub(super) static C184: [Component; 1] = [c(N, 8, 8, false, &[Yyyymmdd])];
    pub(super) static RS184: [Requisite; 1] = [r(&R184_0)];
    pub(super) static X184: [Exclusion; 1] = [x(&[p(b"7251")])];
    pub(super) static R185_0: [Group; 1] = [g(&[p(b"8018")])];
    pub(super) static C185: [Component; 2] = [c(N, 8, 8, false, &[Yyyymmdd]), c(N, 4, 4, false, &[Hhmi])];
    pub(super) static RS185: [Requisite; 1] = [r(&R185_0)];
    pub(super) static X185: [Exclusion; 1] = [x(&[p(b"7250")])];
    pub(super) static R186_0: [Group; 1] = [g(&[p(b"8018")])];
    pub(super) static C186: [Component; 1] = [c(N, 1, 1, false, &[Iso5218])];
    pub(super) static RS186: [Requisite; 1] = [r(&R186_0)];
    pub(super) static R187_0: [Group; 2] = [g(&[p(b"8017")]), g(&[p(b"8018")])];
    pub(super) static C187: [Component; 1] = [c(X, 1, 40, false, &[PcEnc])];
    pub(super) static RS187: [Requisite; 1] = [r(&R187_0)];
    pub(super) static X187: [Exclusion; 1] = [x(&[p(b"7256"), p(b"7259")])];
    pub(super) static R188_0: [Group; 2] = [g(&[p(b"8017")]), g(&[p(b"8018")])];
    pub(super) static C188: [Component; 1] = [c(X, 1, 40, false, &[PcEnc])];
    pub(super) static RS188: [Requisite; 1] = [r(&R188_0)];
    pub(super) static X188: [Exclusion; 1] = [x(&[p(b"7256"), p(b"7259")])];
    pub(super) static R189_0: [Group; 2] = [g(&[p(b"8017")]), g(&[p(b"8018")])];
    pub(super) static C189: [Component; 1] = [c(X, 1, 10, false, &[])];
    pub(super) static RS189: [Requisite; 1] = [r(&R189_0)];
    pub(super) static X189: [Exclusion; 1] = [x(&[p(b"7256"), p(b"7259")])];
    pub(super) static R190_0: [Group; 2] = [g(&[p(b"8017")]), g(&[p(b"8018")])];
    pub(super) static C190: [Component; 1] = [c(X, 1, 90, false, &[PcEnc])];
    pub(super) static RS190: [Requisite; 1] = [r(&R190_0)];
    pub(super) static R191_0: [Group; 1] = [g(&[p(b"8018")])];
    pub(super) static C191: [Component; 1] = [c(X, 1, 70, false, &[PcEnc])];
    pub(super) static RS191: [Requisite; 1] = [r(&R191_0)];
    pub(super) static R192_0: [Group; 1] = [g(&[p(b"8018"), p(b"7259")])];
    pub(super) static C192: [Component; 1] = [c(X, 3, 3, false, &[PosInSeqSlash])];
    pub(super) static RS192: [Requisite; 1] = [r(&R192_0)];
    pub(super) static R193_0: [Group; 1] = [g(&[p(b"8018")])];
    pub(super) static C193: [Component; 1] = [c(X, 1, 40, false, &[PcEnc])];
    pub(super) static RS193: [Requisite; 1] = [r(&R193_0)];
    pub(super) static X193: [Exclusion; 1] = [x(&[p(b"7256")])];
    pub(super) static R194_0: [Group; 1] = [g(&[p(b"01")])];
    pub(super) static C194: [Component; 5] = [c(N, 4, 4, false, &[NonZero]), c(N, 5, 5, false, &[NonZero]), c(N, 3, 3, false, &[NonZero]), c(N, 1, 1, false, &[Winding]), c(N, 1, 1, false, &[])];
    pub(super) static RS194: [Requisite; 1] = [r(&R194_0)];
    pub(super) static C195: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static C196: [Component; 3] = [c(N, 1, 1, false, &[Zero]), c(N, 13, 13, false, &[Csum, GcpPos1]), c(X, 1, 16, true, &[])];
    pub(super) static K196: [Cow<'static, [Ai]>; 1] = [q(&[])];
    pub(super) static C197: [Component; 1] = [c(X, 1, 30, false, &[GcpPos1])];
    pub(super) static K197: [Cow<'static, [Ai]>; 1] = [q(&[a(b"7040")])];
    pub(super) static R198_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C198: [Component; 1] = [c(N, 6, 6, false, &[])];
    pub(super) static RS198: [Requisite; 1] = [r(&R198_0)];
    pub(super) static C199: [Component; 2] = [c(N, 14, 14, false, &[Csum, GcpPos2]), c(N, 4, 4, false, &[PieceOfTotal])];
    pub(super) static X199: [Exclusion; 1] = [x(&[p(b"01"), p(b"37")])];
    pub(super) static K199: [Cow<'static, [Ai]>; 1] = [q(&[a(b"22"), a(b"10"), a(b"21")])];
    pub(super) static R200_0: [Group; 1] = [g(&[p(b"415")])];
    pub(super) static C200: [Component; 1] = [c(X, 1, 34, false, &[Iban])];
    pub(super) static RS200: [Requisite; 1] = [r(&R200_0)];
    pub(super) static R201_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"02")])];
    pub(super) static C201: [Component; 4] = [c(N, 6, 6, false, &[Yymmdd]), c(N, 2, 2, false, &[Hh]), c(N, 2, 2, true, &[Mi]), c(N, 2, 2, true, &[Ss])];
    pub(super) static RS201: [Requisite; 1] = [r(&R201_0)];
    pub(super) static R202_0: [Group; 2] = [g(&[p(b"00")]), g(&[p(b"01")])];
    pub(super) static C202: [Component; 1] = [c(X, 1, 50, false, &[])];
    pub(super) static RS202: [Requisite; 1] = [r(&R202_0)];
    pub(super) static C203: [Component; 1] = [c(Y, 1, 30, false, &[GcpPos1])];
    pub(super) static K203: [Cow<'static, [Ai]>; 1] = [q(&[a(b"8011")])];
    pub(super) static R204_0: [Group; 1] = [g(&[p(b"8010")])];
    pub(super) static C204: [Component; 1] = [c(N, 1, 12, false, &[NoZeroPrefix])];
    pub(super) static RS204: [Requisite; 1] = [r(&R204_0)];
    pub(super) static R205_0: [Group; 2] = [g(&[p(b"01")]), g(&[p(b"8006")])];
    pub(super) static C205: [Component; 1] = [c(X, 1, 20, false, &[])];
    pub(super) static RS205: [Requisite; 1] = [r(&R205_0)];
    pub(super) static C206: [Component; 1] = [c(X, 1, 25, false, &[CsumAlpha, GcpPos1])];
    pub(super) static K206: [Cow<'static, [Ai]>; 1] = [q(&[])];
    pub(super) static R207_0: [Group; 1] = [g(&[p(b"01")])];
    pub(super) static C207: [Component; 1] = [c(X, 1, 25, false, &[CsumAlpha, GcpPos1, HasNonDigit])];
    pub(super) static RS207: [Requisite; 1] = [r(&R207_0)];
    pub(super) static C208: [Component; 1] = [c(N, 18, 18, false, &[Csum, GcpPos1])];
    pub(super) static X208: [Exclusion; 1] = [x(&[p(b"8018")])];
    pub(super) static K208: [Cow<'static, [Ai]>; 1] = [q(&[a(b"8019")])];
    pub(super) static C209: [Component; 1] = [c(N, 18, 18, false, &[Csum, GcpPos1])];
    pub(super) static X209: [Exclusion; 1] = [x(&[p(b"8017")])];
    pub(super) static K209: [Cow<'static, [Ai]>; 1] = [q(&[a(b"8019")])];
    pub(super) static R210_0: [Group; 2] = [g(&[p(b"8017")]), g(&[p(b"8018")])];
    pub(super) static C210: [Component; 1] = [c(N, 1, 10, false, &[])];
    pub(super) static RS210: [Requisite; 1] = [r(&R210_0)];
    pub(super) static R211_0: [Group; 1] = [g(&[p(b"415")])];
    pub(super) static C211: [Component; 1] = [c(X, 1, 25, false, &[])];
    pub(super) static RS211: [Requisite; 1] = [r(&R211_0)];
    pub(super) static R212_0: [Group; 1] = [g(&[p(b"37")])];
    pub(super) static C212: [Component; 2] = [c(N, 14, 14, false, &[Csum, GcpPos2]), c(N, 4, 4, false, &[PieceOfTotal])];
    pub(super) static RS212: [Requisite; 1] = [r(&R212_0)];
    pub(super) static X212: [Exclusion; 1] = [x(&[p(b"02"), p(b"8006")])];
    pub(super) static R213_0: [Group; 10] = [g(&[p(b"00")]), g(&[p(b"01"), p(b"21")]), g(&[p(b"253")]), g(&[p(b"255")]), g(&[p(b"8003")]), g(&[p(b"8004")]), g(&[p(b"8006"), p(b"21")]), g(&[p(b"8010"), p(b"8011")]), g(&[p(b"8017")]), g(&[p(b"8018")])];
    pub(super) static C213: [Component; 1] = [c(Z, 1, 90, false, &[])];
    pub(super) static RS213: [Requisite; 1] = [r(&R213_0)];
    pub(super) static R214_0: [Group; 1] = [g(&[p(b"01"), p(b"21")])];
    pub(super) static C214: [Component; 1] = [c(N, 15, 15, false, &[])];
    pub(super) static RS214: [Requisite; 1] = [r(&R214_0)];
    pub(super) static R215_0: [Group; 1] = [g(&[p(b"01"), p(b"21"), p(b"8040")])];
    pub(super) static C215: [Component; 1] = [c(N, 15, 15, false, &[])];
    pub(super) static RS215: [Requisite; 1] = [r(&R215_0)];
    pub(super) static R216_0: [Group; 1] = [g(&[p(b"01"), p(b"21"), p(b"8040")])];
    pub(super) static C216: [Component; 1] = [c(N, 32, 32, false, &[])];
    pub(super) static RS216: [Requisite; 1] = [r(&R216_0)];
    pub(super) static R217_0: [Group; 1] = [g(&[p(b"01"), p(b"21"), p(b"8040")])];
    pub(super) static C217: [Component; 2] = [c(N, 18, 18, false, &[]), c(N, 1, 2, true, &[])];
    pub(super) static RS217: [Requisite; 1] = [r(&R217_0)];
    pub(super) static C218: [Component; 1] = [c(X, 1, 70, false, &[CouponCode])];
    pub(super) static R219_0: [Group; 1] = [g(&[p(b"255")])];
    pub(super) static C219: [Component; 1] = [c(N, 4, 4, false, &[])];
    pub(super) static RS219: [Requisite; 1] = [r(&R219_0)];
    pub(super) static C220: [Component; 1] = [c(X, 1, 70, false, &[CouponPosOffer])];
    pub(super) static R221_0: [Group; 1] = [g(&[p(b"01")])];
    pub(super) static C221: [Component; 1] = [c(X, 1, 70, false, &[])];
    pub(super) static RS221: [Requisite; 1] = [r(&R221_0)];
    pub(super) static C222: [Component; 1] = [c(X, 1, 30, false, &[])];
    pub(super) static C223: [Component; 1] = [c(X, 1, 90, false, &[])];
}
use parts::*;

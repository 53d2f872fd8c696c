//! The demo release in `examples/data/dmd`: every file reads, the counts and
//! the pharmacy scenarios the service's checks rely on are there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use bedside_dmd::{
    Counts, Decimal, FileKind, GtinEntry, Record, Release, StrengthError, Vmp, Vpi, read,
    strength_per_unit,
};

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/data/dmd")
}

fn id(n: u32) -> String {
    format!("90000{n:03}1000001100")
}

fn load() -> (Release, Vec<Record>, HashMap<FileKind, Counts>) {
    let release = Release::find(&demo_dir()).expect("demo release");
    let mut all = Vec::new();
    let mut counts = HashMap::new();
    for (kind, path) in release.files() {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let input = BufReader::new(File::open(path).expect("open"));
        let c = read(kind, name, input, |r| {
            all.push(r);
            Ok::<(), Infallible>(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
        counts.insert(kind, c);
    }
    (release, all, counts)
}

fn vmp(all: &[Record], n: u32) -> Vmp {
    all.iter()
        .find_map(|r| match r {
            Record::Vmp(v) if v.vpid == id(n) => Some(v.clone()),
            _ => None,
        })
        .expect("vmp")
}

fn vpi(all: &[Record], n: u32) -> Vpi {
    all.iter()
        .find_map(|r| match r {
            Record::Vpi(v) if v.vpid == id(n) => Some(v.clone()),
            _ => None,
        })
        .expect("vpi")
}

fn gtins(all: &[Record]) -> Vec<GtinEntry> {
    all.iter()
        .filter_map(|r| match r {
            Record::Gtin(g) => Some(g.clone()),
            _ => None,
        })
        .collect()
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

#[test]
fn release_and_counts() {
    let (release, _, counts) = load();
    assert_eq!(release.release, "2026-12-01");
    let main: Vec<(FileKind, u64)> = FileKind::ALL
        .into_iter()
        .map(|k| (k, counts[&k].main(k)))
        .collect();
    assert_eq!(
        main,
        [
            (FileKind::Lookup, 40),
            (FileKind::Ingredient, 7),
            (FileKind::Vtm, 5),
            (FileKind::Vmp, 9),
            (FileKind::Amp, 10),
            (FileKind::Vmpp, 9),
            (FileKind::Ampp, 10),
            (FileKind::Gtin, 12),
        ]
    );
    let vmp = counts[&FileKind::Vmp];
    assert_eq!(
        (vmp.vpi, vmp.vmp_form, vmp.vmp_route, vmp.control_info),
        (9, 9, 11, 9)
    );
    let amp = counts[&FileKind::Amp];
    assert_eq!((amp.ap_ingredient, amp.licensed_route), (1, 12));
}

#[test]
fn strengths_per_unit() {
    let (_, all, _) = load();
    let per_unit = |n: u32| strength_per_unit(&vmp(&all, n), &vpi(&all, n));
    // Adenosine 6mg/2ml vials: VPI 3 mg / 1 ml, UDFS 2 ml → 6 mg per vial.
    let adenosine = per_unit(141).expect("adenosine");
    assert_eq!(adenosine.amount, dec("6"));
    assert_eq!(adenosine.amount_uom, "258684004");
    assert_eq!(adenosine.per_uom, "415818006");
    // Tablets: no denominator, the numerator is per tablet.
    let para = per_unit(101).expect("paracetamol");
    assert_eq!(para.amount.to_milli(), Some(500_000));
    assert_eq!(para.per_uom, "428673006");
    // Enoxaparin 100 mg/1 ml × 0.4 ml = 40 mg per syringe (the demo's 40_000 milli).
    assert_eq!(
        per_unit(131).expect("enoxaparin").amount.to_milli(),
        Some(40_000)
    );
    // Paracetamol infusion 10 mg/1 ml × 100 ml = 1 g per vial.
    assert_eq!(per_unit(102).expect("infusion").amount, dec("1000"));
    // Morphine oral solution is continuous: a concentration, no unit dose.
    assert_eq!(per_unit(121), Err(StrengthError::NoUnitDose(id(121))));
    let morph = vpi(&all, 121);
    assert_eq!(
        (morph.numerator, morph.denominator),
        (Some(dec("2")), Some(dec("1")))
    );
}

#[test]
fn gtins_both_shapes_padding_and_ended() {
    let (_, all, _) = load();
    let g = gtins(&all);
    assert_eq!(g.len(), 12);
    assert!(g.iter().all(|e| e.gtin.len() == 14));
    let of =
        |amppid: String| -> Vec<&GtinEntry> { g.iter().filter(|e| e.amppid == amppid).collect() };
    // Paracetamol: the GTIN-13 `9520000000011` is padded to the service demo's GTIN-14;
    // the ended GTIN is in a second <AMPP> element (the real file's shape).
    let para = of(id(401));
    assert_eq!(para.len(), 2);
    assert_eq!(para[0].gtin, "09520000000011");
    assert_eq!(para[0].end, None);
    assert_eq!(para[1].gtin, "09520000000110");
    assert_eq!(para[1].end, jiff::civil::Date::new(2024, 4, 30).ok());
    // Amoxicillin's GTIN is written with 14 digits already.
    assert_eq!(of(id(411))[0].gtin, "09520000000028");
    assert_eq!(of(id(421))[0].gtin, "09520000000035");
    assert_eq!(of(id(431))[0].gtin, "09520000000042");
    // Morphine ampoules: two <GTINDATA> under one <AMPP> (the XSD's shape).
    let amp = of(id(422));
    assert_eq!(amp.len(), 2);
    assert_eq!(amp[0].end, None);
    assert!(amp[1].end.is_some());
}

#[test]
fn pharmacy_scenarios() {
    let (_, all, _) = load();
    // INVALID VMP with a GTIN.
    assert!(vmp(&all, 103).invalid);
    assert!(gtins(&all).iter().any(|g| g.amppid == id(403)));
    // VPIDPREV.
    assert_eq!(vmp(&all, 101).vpid_prev, Some(id(199)));
    // Two AMPs of one VMP, one with arachis oil as excipient.
    let amox: Vec<String> = all
        .iter()
        .filter_map(|r| match r {
            Record::Amp(a) if a.vpid == id(111) => Some(a.apid.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(amox, [id(211), id(212)]);
    assert!(
        all.iter()
            .any(|r| matches!(r, Record::ApIngredient(x) if x.apid == id(212) && x.isid == id(57)))
    );
    // Controlled drugs: the morphine ampoules Schedule 2, the oral solution Schedule 5.
    let cds: Vec<(String, &str)> = all
        .iter()
        .filter_map(|r| match r {
            Record::ControlInfo(c) if c.category != "0000" => {
                Some((c.vpid.clone(), c.category.as_str()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(cds, [(id(121), "0009"), (id(122), "0002")]);
    // The IV-only paracetamol: one route, intravenous.
    let routes: Vec<&str> = all
        .iter()
        .filter_map(|r| match r {
            Record::VmpRoute(x) if x.vpid == id(102) => Some(x.route.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(routes, ["47625008"]);
    // An invalid supplier code in the lookup.
    assert!(
        all.iter()
            .any(|r| matches!(r, Record::Lookup(l) if l.table == "SUPPLIER" && l.invalid))
    );
}

#[test]
fn release_in_sub_folder_and_release_errors() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = demo_dir();
    let sub = tmp.path().join("week012026-r2_3-GTIN");
    std::fs::create_dir(&sub).expect("mkdir");
    for (kind, path) in Release::find(&dir).expect("demo").files() {
        let name = path.file_name().expect("name");
        let to = if kind == FileKind::Gtin {
            sub.join(name)
        } else {
            tmp.path().join(name)
        };
        std::fs::copy(path, to).expect("copy");
    }
    std::fs::write(tmp.path().join("f_bnf1_0011226.xml"), "<BNF_DETAILS/>").expect("bnf");
    let r = Release::find(tmp.path()).expect("with sub-folder");
    assert!(r.path(FileKind::Gtin).starts_with(&sub));

    std::fs::write(tmp.path().join("f_vmp2_3081226.xml"), "").expect("dup");
    let e = Release::find(tmp.path()).expect_err("duplicate");
    assert!(
        matches!(
            e,
            bedside_dmd::ReleaseError::Duplicate {
                kind: FileKind::Vmp,
                ..
            }
        ),
        "{e}"
    );
    std::fs::remove_file(tmp.path().join("f_vmp2_3011226.xml")).expect("rm");
    let e = Release::find(tmp.path()).expect_err("mismatch");
    assert!(
        matches!(e, bedside_dmd::ReleaseError::Mismatch { .. }),
        "{e}"
    );
    assert!(e.to_string().contains("2026-12-08"), "{e}");
    std::fs::remove_file(tmp.path().join("f_vmp2_3081226.xml")).expect("rm");
    let e = Release::find(tmp.path()).expect_err("missing");
    assert!(
        matches!(
            e,
            bedside_dmd::ReleaseError::Missing {
                kind: FileKind::Vmp,
                ..
            }
        ),
        "{e}"
    );
}

//! The demo data set: synthetic patients (999-range NHS numbers), their wristbands as raw
//! `]d2` scan data, special wristbands that show every refusal, staff badges, ward
//! locations, a small medicines catalogue with orders and recalls (the recalls through
//! `bedside import recalls` on `examples/data/demo-recalls.csv`), and one API token per
//! role. Everything is deterministic, so `bedside demo list` needs no database, and
//! [`seed`] writes it once (guarded by a `meta` row, safe with several instances).
//!
//! The patients' allergies arrive the way a trust's do: [`seed`] imports the embedded
//! ADT file `examples/data/demo-allergies.hl7` through the HL7 importer
//! ([`crate::import_hl7`]). Its `ADT^A08`s state "no known drug allergy" (AL1
//! `409137002`) for every demo patient except two: the second (a high-criticality
//! amoxicillin allergy, so scanning the demo amoxicillin for them is stopped) and the
//! sixth (no statement at all, so every check for them warns `allergies_not_recorded`).
//! Their prescriptions do too: [`seed_orders`] applies the embedded `RDE^O11` file
//! `examples/data/demo-orders.hl7` through the feed's reader and store, after
//! [`seed_catalogue`] has loaded the dm+d release the orders are checked against.
//! The staff badges and ward locations arrive the same way, through the registers'
//! importers ([`crate::staff`], [`crate::locations`]) from the embedded CSV files
//! `examples/data/demo-staff.csv` and `examples/data/demo-locations.csv`.

use bedside_patient::synthetic::Generator;
use bedside_patient::{Date, DateOfBirth, Demographics, Gsrn, GsrnPrefix, NhsGsrn, NhsNumber, Sex};
use serde::Serialize;
use sqlx::Row;

use crate::clock::now_ms;
use crate::crypto::{random_hex, sha256_hex, token_hash};
use crate::db::Db;

/// ASCII GS, the FNC1 separator in scan data (`bedside_gs1::GS` as a `char`).
pub const GS: char = bedside_gs1::GS as char;

/// The roles' names, in the order tokens are listed ([`bedside_ward::access::Role::ALL`]).
pub const ROLES: &[&str] = bedside_ward::access::Role::NAMES;

/// GS1 mod-10 check digit for the digits given (check digit position excluded), by
/// `bedside-gs1`, which owns the algorithm; `'0'` for input that is not digits.
#[must_use]
pub fn gs1_check_digit(digits: &str) -> char {
    let mut key = digits.as_bytes().to_vec();
    key.push(b'0');
    bedside_gs1::lint::gs1_check_digit(&key).map_or('0', char::from)
}

/// A demo patient.
#[derive(Debug, Clone, Serialize)]
pub struct DemoPatient {
    /// 10 digits.
    pub nhs_number: String,
    /// `999 000 1235`.
    pub nhs_number_display: String,
    /// Family name as recorded.
    pub family: String,
    /// Given name as recorded.
    pub given: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// `18-Jan-1980`.
    pub date_of_birth_display: String,
    /// ISO 5218 code.
    pub sex: String,
    /// Trust hospital number.
    pub mrn: String,
    /// The wristband as raw scan data (`]d2`, GS separators).
    pub wristband_scan: String,
}

/// A wristband showing one behaviour.
#[derive(Debug, Clone, Serialize)]
pub struct DemoBand {
    /// What it shows.
    pub label: String,
    /// Raw scan data.
    pub scan: String,
    /// Expected `status` from `POST /v1/identify` (without a PIX manager).
    pub expect_status: String,
    /// Expected first reason code (`None` for a match).
    pub expect_reason: Option<String>,
}

/// A staff badge.
#[derive(Debug, Clone, Serialize)]
pub struct DemoStaff {
    /// GSRN provider (8017).
    pub gsrn: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
    /// Whether the service knows the badge (an unknown badge is refused).
    pub registered: bool,
    /// Badge scan data.
    pub badge_scan: String,
}

/// A ward location.
#[derive(Debug, Clone, Serialize)]
pub struct DemoLocation {
    /// GLN (414).
    pub gln: String,
    /// Extension (254).
    pub extension: String,
    /// Name.
    pub name: String,
    /// Scan data.
    pub scan: String,
}

/// A medicine pack to scan.
#[derive(Debug, Clone, Serialize)]
pub struct DemoPack {
    /// What it shows.
    pub label: String,
    /// Scan data.
    pub scan: String,
}

/// A catalogue product.
#[derive(Debug, Clone, Serialize)]
pub struct DemoProduct {
    /// GTIN-14.
    pub gtin: String,
    /// Product name.
    pub name: String,
    /// dm+d-style VMP id.
    pub vmp_id: String,
    /// VMP name.
    pub vmp_name: String,
    /// Strength per unit, thousandths.
    pub strength_milli: i64,
    /// Strength unit (`mg`).
    pub strength_unit: String,
    /// The unit the strength is per (`tablet`, `ml`, …).
    pub per_unit: String,
    /// Allowed routes, comma separated.
    pub routes: String,
    /// High-risk: a second checker is required.
    pub high_risk: bool,
    /// Packs to scan.
    pub packs: Vec<DemoPack>,
}

/// A prescription.
#[derive(Debug, Clone, Serialize)]
pub struct DemoOrder {
    /// Order id.
    pub id: String,
    /// Patient.
    pub nhs_number: String,
    /// VMP.
    pub vmp_id: String,
    /// Dose, thousandths of `dose_unit`.
    pub dose_milli: i64,
    /// Dose unit.
    pub dose_unit: String,
    /// Route.
    pub route: String,
    /// `regular` or `prn`.
    pub kind: String,
    /// Regular times (Europe/London wall-clock `HH:MM`, comma separated).
    pub times: String,
    /// Due window, ± minutes.
    pub window_minutes: i64,
    /// PRN minimum interval, minutes.
    pub min_interval_minutes: i64,
    /// PRN maximum doses in 24 hours (0: none).
    pub max_per_24h: i64,
    /// PRN maximum amount in 24 hours, thousandths of `dose_unit`.
    pub max_amount_24h_milli: Option<i64>,
}

/// A demo recall, as `examples/data/demo-recalls.csv` (seeded through `bedside import
/// recalls`) states it.
#[derive(Debug, Clone, Serialize)]
pub struct DemoRecall {
    /// The notice reference.
    pub reference: String,
    /// MHRA class.
    pub class: String,
    /// `block` or `warn`.
    pub action: String,
    /// The products, `kind:code` (`ampp:900004011000001100`).
    pub products: Vec<String>,
    /// The batches (empty: every batch).
    pub batches: Vec<String>,
    /// Notice text.
    pub notice: String,
}

/// The demo's recalls (`examples/data/demo-recalls.csv`), seeded through the importer.
pub const DEMO_RECALLS_CSV: &str = include_str!("../../examples/data/demo-recalls.csv");

fn demo_recalls() -> Vec<DemoRecall> {
    // The file is embedded and its parse is tested (`demo_recalls_parse`); an empty list
    // here could only come from a broken build, and seeding would then fail loudly.
    crate::recalls::parse_csv(DEMO_RECALLS_CSV)
        .unwrap_or_default()
        .into_iter()
        .map(|r| DemoRecall {
            reference: r.recall.reference,
            class: r.recall.class.as_str().to_owned(),
            action: r.recall.action.as_str().to_owned(),
            products: r
                .recall
                .products
                .iter()
                .map(|p| format!("{}:{}", p.kind.as_str(), p.code))
                .collect(),
            batches: r.recall.batches,
            notice: r.recall.notice,
        })
        .collect()
}

/// A demo API token (the plaintext is shown here only; the database keeps a salted hash).
#[derive(Debug, Clone, Serialize)]
pub struct DemoToken {
    /// Role.
    pub role: String,
    /// `bsd.<id>.<secret>`.
    pub token: String,
}

/// The whole demo data set.
#[derive(Debug, Clone, Serialize)]
pub struct DemoData {
    /// Patients.
    pub patients: Vec<DemoPatient>,
    /// Bands that show refusals.
    pub wristbands: Vec<DemoBand>,
    /// Staff badges.
    pub staff: Vec<DemoStaff>,
    /// Locations.
    pub locations: Vec<DemoLocation>,
    /// Products.
    pub medicines: Vec<DemoProduct>,
    /// Orders.
    pub orders: Vec<DemoOrder>,
    /// Recalls.
    pub recalls: Vec<DemoRecall>,
    /// Tokens, one per role.
    pub tokens: Vec<DemoToken>,
    #[serde(skip)]
    extra_identifiers: Vec<IndexRow>,
    #[serde(skip)]
    extra_patients: Vec<(DemoPatient, Option<String>)>,
}

#[derive(Debug, Clone)]
struct IndexRow {
    domain: &'static str,
    value: String,
    nhs: String,
    status: &'static str,
    merged_into: Option<String>,
    expires_at: Option<i64>,
    source: &'static str,
}

fn band_scan(gsrn: &str, d: &Demographics, mrn: Option<&str>) -> String {
    let mut parts = vec![format!("8018{gsrn}"), "80191".to_owned()];
    if let Some(dob) = d.date_of_birth {
        let x = dob.date;
        parts.push(format!("7250{:04}{:02}{:02}", x.year(), x.month(), x.day()));
    }
    if let Some(s) = d.sex {
        parts.push(format!("7252{}", s.iso5218()));
    }
    if let Some(f) = &d.family {
        parts.push(format!("7253{}", bedside_patient::percent_encode(f)));
    }
    if let Some(g) = &d.given {
        parts.push(format!("7254{}", bedside_patient::percent_encode(g)));
    }
    if let Some(m) = mrn {
        parts.push(format!("91{m}"));
    }
    format!("]d2{}", parts.join(&GS.to_string()))
}

fn demo_patient(nhs: &NhsNumber, mrn: &str, d: &Demographics) -> DemoPatient {
    let gsrn = Gsrn::for_nhs_number(&GsrnPrefix::EXAMPLE, nhs);
    let dob = d.date_of_birth.map(|x| x.date);
    DemoPatient {
        nhs_number: nhs.as_str().to_owned(),
        nhs_number_display: nhs.to_string(),
        family: d.family.clone().unwrap_or_default(),
        given: d.given.clone().unwrap_or_default(),
        date_of_birth: dob.map(|x| x.to_iso8601()).unwrap_or_default(),
        date_of_birth_display: d.display_date_of_birth().unwrap_or_default(),
        sex: d.sex.map(|s| s.iso5218().to_string()).unwrap_or_default(),
        mrn: mrn.to_owned(),
        wristband_scan: band_scan(gsrn.as_str(), d, Some(mrn)),
    }
}

fn nhs9(first9: &[u8; 9]) -> Option<NhsNumber> {
    NhsNumber::from_first_nine(*first9)
}

/// The deterministic demo token secret of a role.
#[must_use]
pub fn demo_token(role: &str) -> String {
    let secret = &sha256_hex(format!("bedside-demo-token:{role}").as_bytes())[..32];
    format!("bsd.demo-{role}.{secret}")
}

fn staff_gsrn(n: u64) -> String {
    let body = format!("9520000{n:010}");
    let c = gs1_check_digit(&body);
    format!("{body}{c}")
}

/// dm+d VMP ids of the demo medicines, from the demo release in `examples/data/dmd`.
pub const PARACETAMOL_500_TABLETS: &str = "900001011000001100";
/// Amoxicillin 500mg capsules.
pub const AMOXICILLIN_500_CAPSULES: &str = "900001111000001100";
/// Morphine sulfate 10mg/5ml oral solution (Schedule 2 controlled drug).
pub const MORPHINE_10MG_5ML_SOLUTION: &str = "900001211000001100";
/// Enoxaparin sodium 40mg/0.4ml pre-filled syringes (on the trust's high-risk list).
pub const ENOXAPARIN_40MG_SYRINGES: &str = "900001311000001100";
/// The morphine VTM, listed as high risk (opioid) by the demo's `bedside import high-risk`:
/// its oral solution is only Schedule 5, so the schedule alone would not ask for a checker.
pub const MORPHINE_VTM: &str = "900000031000001100";
/// The enoxaparin VTM, listed as high risk by the demo's `bedside import high-risk`.
pub const ENOXAPARIN_VTM: &str = "900000041000001100";

fn gtin(n: u64) -> String {
    let body = format!("0952000{n:06}");
    let c = gs1_check_digit(&body);
    format!("{body}{c}")
}

fn pack_scan(gtin: &str, expiry: &str, batch: &str, serial: &str) -> String {
    format!("]d201{gtin}17{expiry}10{batch}{GS}21{serial}")
}

/// Builds the demo data set (pure; no database).
#[must_use]
pub fn data() -> DemoData {
    // The domain note's canonical test patient comes first.
    let mut smith = Demographics::new("Smith", "John").with_sex(Sex::Male);
    smith.date_of_birth = Date::new(1980, 1, 18).ok().map(DateOfBirth::from_date);
    let mut patients = Vec::new();
    let mut demos: Vec<(NhsNumber, String, Demographics)> = Vec::new();
    if let Some(n) = nhs9(b"999000123") {
        demos.push((n, "K1234567".into(), smith));
    }
    for p in Generator::new(2026) {
        if demos.len() >= 6 {
            break;
        }
        let fits = p
            .wristband_elements(&GsrnPrefix::EXAMPLE)
            .iter()
            .filter(|(ai, _)| *ai == "7253" || *ai == "7254")
            .count()
            == 2;
        if fits && !demos.iter().any(|(n, _, _)| n == &p.nhs_number) {
            demos.push((p.nhs_number, p.mrn.clone(), p.demographics.clone()));
        }
    }
    for (n, mrn, d) in &demos {
        patients.push(demo_patient(n, mrn, d));
    }

    let mut extra_identifiers = Vec::new();
    let mut extra_patients = Vec::new();
    let mut wristbands = Vec::new();
    let band = |label: &str, scan: String, status: &str, reason: Option<&str>| DemoBand {
        label: label.into(),
        scan,
        expect_status: status.into(),
        expect_reason: reason.map(Into::into),
    };
    for p in &patients {
        wristbands.push(band(
            &format!("{} {}", p.given, p.family),
            p.wristband_scan.clone(),
            "match",
            None,
        ));
    }
    let get = |i: usize| demos.get(i).cloned();
    if let (Some((n1, m1, d1)), Some((n2, m2, d2)), Some((n3, _, d3)), Some((n4, _, d4))) =
        (get(0), get(1), get(2), get(3))
    {
        let g = |n: &NhsNumber| {
            Gsrn::for_nhs_number(&GsrnPrefix::EXAMPLE, n)
                .as_str()
                .to_owned()
        };
        // A hospital number merged into the patient's current one.
        let old = "K7000001".to_owned();
        extra_identifiers.push(IndexRow {
            domain: "mrn",
            value: old.clone(),
            nhs: n2.as_str().into(),
            status: "merged",
            merged_into: Some(m2.clone()),
            expires_at: None,
            source: "feed",
        });
        wristbands.push(band(
            "band printed before a hospital-number merge",
            band_scan(&g(&n2), &d2, Some(&old)),
            "no_match",
            Some("merged_identifier"),
        ));
        // An NHS number superseded by another record.
        if let Some(old_nhs) = nhs9(b"999000004") {
            let mut p = demo_patient(&old_nhs, "K7000002", &d3);
            p.wristband_scan = band_scan(&g(&old_nhs), &d3, Some("K7000002"));
            wristbands.push(band(
                "band with a superseded NHS number",
                p.wristband_scan.clone(),
                "no_match",
                Some("merged_identifier"),
            ));
            extra_identifiers.push(IndexRow {
                domain: "mrn",
                value: "K7000002".into(),
                nhs: old_nhs.as_str().into(),
                status: "active",
                merged_into: None,
                expires_at: None,
                source: "feed",
            });
            extra_patients.push((p, Some(n3.as_str().to_owned())));
        }
        // A cached index entry past its expiry, with no PIX manager to refresh it.
        extra_identifiers.push(IndexRow {
            domain: "mrn",
            value: "K7000004".into(),
            nhs: n4.as_str().into(),
            status: "active",
            merged_into: None,
            expires_at: Some(1),
            source: "pix",
        });
        wristbands.push(band(
            "hospital number known only from an expired PIX answer",
            band_scan(&g(&n4), &d4, Some("K7000004")),
            "unavailable",
            Some("stale_index_entry"),
        ));
        // One hospital number linked to two NHS numbers.
        for n in [&n1, &n2] {
            extra_identifiers.push(IndexRow {
                domain: "mrn",
                value: "K7000003".into(),
                nhs: n.as_str().into(),
                status: "active",
                merged_into: None,
                expires_at: None,
                source: "feed",
            });
        }
        wristbands.push(band(
            "hospital number linked to two NHS numbers",
            band_scan(&g(&n1), &d1, Some("K7000003")),
            "ambiguous",
            Some("multiple_nhs_numbers"),
        ));
        wristbands.push(band(
            "another patient's hospital number",
            band_scan(&g(&n1), &d1, Some(&m2)),
            "no_match",
            Some("index_disagrees_with_band"),
        ));
        let mut smyth = d1.clone();
        smyth.family = Some("Smyth".into());
        wristbands.push(band(
            "name on the band differs from the record",
            band_scan(&g(&n1), &smyth, Some(&m1)),
            "no_match",
            Some("demographics_mismatch"),
        ));
        if let Some(unknown) = nhs9(b"999000005") {
            wristbands.push(band(
                "patient not known to this hospital",
                band_scan(&g(&unknown), &d1, None),
                "no_match",
                Some("unknown_identifier"),
            ));
        }
        // GSRN check digit right, embedded NHS number wrong (9990001234).
        let body = "95200009990001234";
        wristbands.push(band(
            "NHS number fails its check digit",
            band_scan(&format!("{body}{}", gs1_check_digit(body)), &d1, Some(&m1)),
            "no_match",
            Some("nhs_number_check_failed"),
        ));
        wristbands.push(band(
            "GSRN check digit wrong",
            band_scan(
                &format!(
                    "{body}{}",
                    if gs1_check_digit(body) == '0' {
                        '1'
                    } else {
                        '0'
                    }
                ),
                &d1,
                None,
            ),
            "no_match",
            Some("gs1_invalid"),
        ));
    }
    wristbands.push(band(
        "a staff badge, not a wristband",
        format!("]d28017{}{GS}80191", staff_gsrn(1)),
        "no_match",
        Some("not_a_wristband"),
    ));
    wristbands.push(band(
        "plain (non-GS1) barcode",
        "]d1HELLO".into(),
        "no_match",
        Some("not_gs1"),
    ));

    let staff_list = [
        (1, "Ada Okafor", "nurse", true),
        (2, "Ben Carter", "nurse", true),
        (3, "Chloe Davies", "pharmacist", true),
        (9, "Unregistered Badge", "nurse", false),
    ];
    let staff = staff_list
        .iter()
        .map(|(n, name, role, registered)| {
            let g = staff_gsrn(*n);
            DemoStaff {
                badge_scan: format!("]d28017{g}{GS}80191"),
                gsrn: g,
                name: (*name).into(),
                role: (*role).into(),
                registered: *registered,
            }
        })
        .collect();

    let gln_body = "952000000000";
    let gln = format!("{gln_body}{}", gs1_check_digit(gln_body));
    let locations = (1..=4)
        .map(|bed| {
            let ext = format!("WARD7-BED{bed}");
            DemoLocation {
                scan: format!("]d2414{gln}254{ext}"),
                gln: gln.clone(),
                extension: ext,
                name: format!("Ward 7, bed {bed}"),
            }
        })
        .collect();

    let para = gtin(1);
    let amox = gtin(2);
    let morph = gtin(3);
    let enox = gtin(4);
    let product = |gtin: &str,
                   name: &str,
                   vmp: &str,
                   vmp_name: &str,
                   s: i64,
                   per: &str,
                   routes: &str,
                   hr: bool,
                   packs: Vec<DemoPack>| DemoProduct {
        gtin: gtin.into(),
        name: name.into(),
        vmp_id: vmp.into(),
        vmp_name: vmp_name.into(),
        strength_milli: s,
        strength_unit: "mg".into(),
        per_unit: per.into(),
        routes: routes.into(),
        high_risk: hr,
        packs,
    };
    let pack = |label: &str, scan: String| DemoPack {
        label: label.into(),
        scan,
    };
    let medicines = vec![
        product(
            &para,
            "Paracetamol 500mg tablets (Demo Generics Ltd) 32 tablet",
            PARACETAMOL_500_TABLETS,
            "Paracetamol 500mg tablets",
            500_000,
            "tablet",
            "oral",
            false,
            vec![
                pack("in date", pack_scan(&para, "281231", "PA2811", "PSER0001")),
                pack(
                    "in date (second pack)",
                    pack_scan(&para, "281231", "PA2811", "PSER0002"),
                ),
                pack(
                    "expired (day 00 = end of January 2026)",
                    pack_scan(&para, "260100", "PA2601", "PSER0003"),
                ),
                pack(
                    "recalled batch (block)",
                    pack_scan(&para, "281231", "RCLBLOCK1", "PSER0004"),
                ),
            ],
        ),
        product(
            &amox,
            "Amoxicillin 500mg capsules (Demo Generics Ltd) 21 capsule",
            AMOXICILLIN_500_CAPSULES,
            "Amoxicillin 500mg capsules",
            500_000,
            "capsule",
            "oral",
            false,
            vec![
                pack("in date", pack_scan(&amox, "281231", "AM2812", "ASER0001")),
                pack(
                    "batch under a warning notice",
                    pack_scan(&amox, "281231", "RCLWARN1", "ASER0002"),
                ),
            ],
        ),
        product(
            &morph,
            "Morphine sulfate 10mg/5ml oral solution (Demo Generics Ltd) 100 ml",
            MORPHINE_10MG_5ML_SOLUTION,
            "Morphine sulfate 10mg/5ml oral solution",
            2_000,
            "ml",
            "oral",
            true,
            vec![pack(
                "in date",
                pack_scan(&morph, "281231", "MO2812", "MSER0001"),
            )],
        ),
        product(
            &enox,
            "Enoxademo 40mg/0.4ml solution for injection pre-filled syringes (Demo Brands Ltd) 10 pre-filled disposable injection",
            ENOXAPARIN_40MG_SYRINGES,
            "Enoxaparin sodium 40mg/0.4ml solution for injection pre-filled syringes",
            40_000,
            "pre-filled disposable injection",
            "subcutaneous",
            true,
            vec![pack(
                "in date",
                pack_scan(&enox, "281231", "EN2812", "ESER0001"),
            )],
        ),
    ];
    let n1 = patients
        .first()
        .map(|p| p.nhs_number.clone())
        .unwrap_or_default();
    // What `examples/data/demo-orders.hl7` prescribes (seeded through the feed's reader
    // and store by [`seed_orders`]; a test holds the two to each other).
    let order = |id: &str,
                 vmp: &str,
                 dose: i64,
                 route: &str,
                 kind: &str,
                 times: &str,
                 min_int: i64,
                 max_amount: Option<i64>| DemoOrder {
        id: id.into(),
        nhs_number: n1.clone(),
        vmp_id: vmp.into(),
        dose_milli: dose,
        dose_unit: "mg".into(),
        route: route.into(),
        kind: kind.into(),
        times: times.into(),
        window_minutes: 60,
        min_interval_minutes: min_int,
        max_per_24h: 0,
        max_amount_24h_milli: max_amount,
    };
    let orders = vec![
        order(
            "EPMA:ORD-0001",
            PARACETAMOL_500_TABLETS,
            1_000_000,
            "oral",
            "prn",
            "",
            240,
            Some(4_000_000),
        ),
        order(
            "EPMA:ORD-0002",
            AMOXICILLIN_500_CAPSULES,
            500_000,
            "oral",
            "regular",
            "06:00,14:00,22:00",
            0,
            None,
        ),
        order(
            "EPMA:ORD-0003",
            MORPHINE_10MG_5ML_SOLUTION,
            5_000,
            "oral",
            "prn",
            "",
            240,
            Some(30_000),
        ),
        order(
            "EPMA:ORD-0004",
            ENOXAPARIN_40MG_SYRINGES,
            40_000,
            "subcutaneous",
            "regular",
            "18:00",
            0,
            None,
        ),
    ];
    let recalls = demo_recalls();
    let tokens = ROLES
        .iter()
        .map(|r| DemoToken {
            role: (*r).into(),
            token: demo_token(r),
        })
        .collect();
    DemoData {
        patients,
        wristbands,
        staff,
        locations,
        medicines,
        orders,
        recalls,
        tokens,
        extra_identifiers,
        extra_patients,
    }
}

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// Database error.
    #[error("seeding the demo data: {0}")]
    Db(#[from] sqlx::Error),
    /// No randomness for token salts.
    #[error(transparent)]
    Random(#[from] crate::crypto::RandomError),
    /// The embedded allergy file does not import (a defect of this build).
    #[error("the demo allergy file does not import: {0}")]
    Allergies(String),
    /// The embedded order file does not apply (a defect of this build, or no catalogue).
    #[error("the demo order file does not apply: {0}")]
    Orders(#[from] crate::feed_orders::FileError),
    /// An embedded register file does not import (a defect of this build).
    #[error("the demo {0} file does not import: {1}")]
    Register(&'static str, String),
}

/// A demo user, signed in by name on the sign-in page when demo data is on and no OpenID
/// Connect provider is configured (`POST /auth/demo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoUser {
    /// Their user id.
    pub user: &'static str,
    /// Their name.
    pub display_name: &'static str,
    /// Their role.
    pub role: bedside_ward::access::Role,
    /// The demo badge linked to them at their first sign-in (the staff register's), if any.
    pub badge: Option<&'static str>,
}

/// The demo's users: the three registered staff of [`DEMO_STAFF_CSV`] with their badges,
/// and an admissions clerk and an administrator without badges.
pub const DEMO_USERS: &[DemoUser] = {
    use bedside_ward::access::Role;
    &[
        DemoUser {
            user: "demo:ada",
            display_name: "Ada Okafor",
            role: Role::Nurse,
            badge: Some("952000000000000019"),
        },
        DemoUser {
            user: "demo:ben",
            display_name: "Ben Carter",
            role: Role::Nurse,
            badge: Some("952000000000000026"),
        },
        DemoUser {
            user: "demo:chloe",
            display_name: "Chloe Davies",
            role: Role::Pharmacist,
            badge: Some("952000000000000033"),
        },
        DemoUser {
            user: "demo:dev",
            display_name: "Dev Patel",
            role: Role::Admissions,
            badge: None,
        },
        DemoUser {
            user: "demo:erin",
            display_name: "Erin Shaw",
            role: Role::Admin,
            badge: None,
        },
    ]
};

/// The demo staff register as `bedside import staff` reads it: the registered badges of
/// [`data`] (the unregistered one is left out, so it stays `unknown_staff`).
pub const DEMO_STAFF_CSV: &str = include_str!("../../examples/data/demo-staff.csv");

/// The demo locations register as `bedside import locations` reads it: [`data`]'s
/// locations.
pub const DEMO_LOCATIONS_CSV: &str = include_str!("../../examples/data/demo-locations.csv");

fn lines_error(what: &'static str, errs: &[crate::import::LineError]) -> SeedError {
    SeedError::Register(
        what,
        errs.iter()
            .map(|e| format!("line {}: {}", e.line, e.error))
            .collect::<Vec<_>>()
            .join("; "),
    )
}

/// The demo patient's prescriptions as the EPMA would send them: `RDE^O11` messages
/// (`EPMA:ORD-0001` to `EPMA:ORD-0004`, see [`data`]).
pub const DEMO_ORDERS_HL7: &str = include_str!("../../examples/data/demo-orders.hl7");

/// Applies [`DEMO_ORDERS_HL7`] through the feed's reader and store
/// ([`crate::feed_orders::apply_file_in`]), once (a `meta` row, safe with several
/// instances). Runs after [`seed_catalogue`]: orders are checked against the catalogue.
/// A demo database whose orders were seeded directly by an older build keeps them.
/// Returns `true` if this call applied the file.
///
/// # Errors
/// [`SeedError`]; nothing is changed then.
pub async fn seed_orders(db: &Db) -> Result<bool, SeedError> {
    let mut tx = db.pool.begin().await?;
    let claimed = sqlx::query(
        "INSERT INTO meta (key, value) VALUES ('demo_orders_seeded', $1) ON CONFLICT (key) DO NOTHING",
    )
    .bind(now_ms().to_string())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let legacy: i64 = sqlx::query("SELECT COUNT(*) FROM orders WHERE source = 'demo'")
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    if legacy == 0 {
        let opts = bedside_orders::hl7::ReadOptions {
            nhs_test_numbers: bedside_patient::TestData::Allow,
            ..Default::default()
        };
        crate::feed_orders::apply_file_in(&mut tx, DEMO_ORDERS_HL7.as_bytes(), &opts).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The demo patients' allergy statements as the PAS would send them (see the module
/// documentation).
pub const DEMO_ALLERGIES_HL7: &str = include_str!("../../examples/data/demo-allergies.hl7");

/// The HL7 importer's operations for [`DEMO_ALLERGIES_HL7`].
fn demo_allergy_ops() -> Result<Vec<crate::import_hl7::Op>, SeedError> {
    // The file names no hospital numbers: the domain is never matched.
    let domain = bedside_pix::domain::Domain::parse("DEMO_MRN&2.999.826.0.1.1&ISO")
        .map_err(|e| SeedError::Allergies(e.to_string()))?;
    crate::import_hl7::parse(
        DEMO_ALLERGIES_HL7.as_bytes(),
        bedside_patient::TestData::Allow,
        &domain,
    )
    .map_err(|errs| {
        SeedError::Allergies(
            errs.iter()
                .map(|e| format!("message {}: {}", e.message, e.error))
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

/// Writes the demo data once. Returns `true` if this call seeded it.
///
/// # Errors
/// Database errors.
pub async fn seed(db: &Db) -> Result<bool, SeedError> {
    let d = data();
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    let claimed = sqlx::query(
        "INSERT INTO meta (key, value) VALUES ('demo_seeded', $1) ON CONFLICT (key) DO NOTHING",
    )
    .bind(now.to_string())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let mut all_patients: Vec<(DemoPatient, Option<String>)> =
        d.patients.iter().cloned().map(|p| (p, None)).collect();
    all_patients.extend(d.extra_patients.iter().cloned());
    for (p, merged_into) in &all_patients {
        sqlx::query("INSERT INTO patients (nhs_number, family, given, birth_date, sex, merged_into, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&p.nhs_number).bind(&p.family).bind(&p.given).bind(&p.date_of_birth)
            .bind(&p.sex).bind(merged_into.clone()).bind(now)
            .execute(&mut *tx).await?;
    }
    let mut rows: Vec<IndexRow> = Vec::new();
    for p in &d.patients {
        let gsrn = format!(
            "9520000{}{}",
            p.nhs_number,
            gs1_check_digit(&format!("9520000{}", p.nhs_number))
        );
        rows.push(IndexRow {
            domain: "gsrn",
            value: gsrn,
            nhs: p.nhs_number.clone(),
            status: "active",
            merged_into: None,
            expires_at: None,
            source: "demo",
        });
        rows.push(IndexRow {
            domain: "mrn",
            value: p.mrn.clone(),
            nhs: p.nhs_number.clone(),
            status: "active",
            merged_into: None,
            expires_at: None,
            source: "demo",
        });
    }
    // Extra rows replace the plain ones for the same (domain, value).
    for x in &d.extra_identifiers {
        rows.retain(|r| !(r.domain == x.domain && r.value == x.value));
    }
    rows.extend(d.extra_identifiers.iter().cloned());
    for r in &rows {
        sqlx::query("INSERT INTO identifiers (domain, value, nhs_number, status, merged_into, source, expires_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(r.domain).bind(&r.value).bind(&r.nhs).bind(r.status).bind(r.merged_into.clone())
            .bind(r.source).bind(r.expires_at).bind(now)
            .execute(&mut *tx).await?;
    }
    // The registers, through their importers, in this transaction.
    let staff = crate::staff::parse_csv(DEMO_STAFF_CSV).map_err(|e| lines_error("staff", &e))?;
    crate::staff::import_in(&mut tx, db.backend, &staff, "system", now).await?;
    let places = crate::locations::parse_csv(DEMO_LOCATIONS_CSV)
        .map_err(|e| lines_error("locations", &e))?;
    crate::locations::import_in(&mut tx, db.backend, &places, "system", now).await?;
    // The allergy statements, through the HL7 importer, in this transaction (the
    // importer's demographics are the ones just written).
    crate::import_hl7::apply_in(&mut tx, &demo_allergy_ops()?, now).await?;
    for t in &d.tokens {
        let Some(rest) = t.token.strip_prefix("bsd.") else {
            continue;
        };
        let Some((id, secret)) = rest.split_once('.') else {
            continue;
        };
        let salt = random_hex(16)?;
        sqlx::query("INSERT INTO tokens (id, role, label, salt, secret_hash, staff_gsrn, created_at) VALUES ($1, $2, $3, $4, $5, NULL, $6)")
            .bind(id).bind(&t.role).bind(format!("demo {} token", t.role)).bind(&salt)
            .bind(token_hash(&salt, secret)).bind(now)
            .execute(&mut *tx).await?;
    }
    crate::audit::append_in(
        &mut tx,
        "system",
        "demo.seeded",
        &serde_json::json!({
            "patients": all_patients.len(), "identifiers": rows.len(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Inserts one order directly, bypassing the EPMA's formats (tests' own orders).
///
/// # Errors
/// Database errors.
pub async fn insert_order(
    conn: &mut sqlx::AnyConnection,
    o: &DemoOrder,
    starts_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO orders (id, namespace, number, source, nhs_number, level, dmd_id, dose_milli, dose_unit, route, kind, times, window_minutes, min_interval_minutes, max_per_24h, status, starts_at, ends_at, updated_at, max_amount_24h_milli) VALUES ($1, 'demo', $1, 'demo', $2, 'vmp', $3, $4, $5, $6, $7, $8, $9, $10, $11, 'active', $12, NULL, $12, $13)")
        .bind(&o.id).bind(&o.nhs_number).bind(&o.vmp_id).bind(o.dose_milli).bind(&o.dose_unit)
        .bind(&o.route).bind(&o.kind).bind(&o.times).bind(o.window_minutes)
        .bind(o.min_interval_minutes).bind(o.max_per_24h).bind(starts_at).bind(o.max_amount_24h_milli)
        .execute(&mut *conn).await?;
    Ok(())
}

/// The demo's dm+d release (`examples/data/dmd`), embedded so that any copy of the binary
/// seeds it through the real importer.
const DEMO_DMD: [(&str, &str); 8] = [
    (
        "f_lookup2_3011226.xml",
        include_str!("../../examples/data/dmd/f_lookup2_3011226.xml"),
    ),
    (
        "f_ingredient2_3011226.xml",
        include_str!("../../examples/data/dmd/f_ingredient2_3011226.xml"),
    ),
    (
        "f_vtm2_3011226.xml",
        include_str!("../../examples/data/dmd/f_vtm2_3011226.xml"),
    ),
    (
        "f_vmp2_3011226.xml",
        include_str!("../../examples/data/dmd/f_vmp2_3011226.xml"),
    ),
    (
        "f_amp2_3011226.xml",
        include_str!("../../examples/data/dmd/f_amp2_3011226.xml"),
    ),
    (
        "f_vmpp2_3011226.xml",
        include_str!("../../examples/data/dmd/f_vmpp2_3011226.xml"),
    ),
    (
        "f_ampp2_3011226.xml",
        include_str!("../../examples/data/dmd/f_ampp2_3011226.xml"),
    ),
    (
        "f_gtin2_0011226.xml",
        include_str!("../../examples/data/dmd/f_gtin2_0011226.xml"),
    ),
];

/// The demo's high-risk list, as `bedside import high-risk` reads it.
fn demo_high_risk_csv() -> String {
    format!(
        "dmd_id,note\n{ENOXAPARIN_VTM},anticoagulant (demo policy)\n{MORPHINE_VTM},opioid (demo policy)\n"
    )
}

/// Why the demo catalogue was not loaded.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueSeedError {
    /// Writing the embedded release to a temporary directory failed.
    #[error("writing the demo dm+d release: {0}")]
    Io(#[from] std::io::Error),
    /// The importer refused it.
    #[error("importing the demo dm+d release: {0}")]
    Import(#[from] crate::catalogue_import::DmdImportError),
    /// The high-risk list was refused.
    #[error("importing the demo high-risk list: {0}")]
    HighRisk(#[from] crate::catalogue::LocalImportError),
    /// The embedded high-risk list does not parse.
    #[error("the demo high-risk list does not parse")]
    HighRiskCsv,
    /// The embedded recall list does not parse.
    #[error("the demo recall list does not parse")]
    RecallsCsv,
    /// The recall list was refused.
    #[error("importing the demo recalls: {0}")]
    Recalls(#[from] crate::recalls::ImportError),
    /// Database error.
    #[error("seeding the demo catalogue: {0}")]
    Db(#[from] sqlx::Error),
}

/// Loads the demo medicines catalogue through the real importers (`bedside import dmd`
/// on the embedded release, then `bedside import high-risk` and `bedside import recalls`
/// on `examples/data/demo-recalls.csv`), unless a catalogue is
/// already loaded. Returns `true` if this call loaded it.
///
/// # Errors
/// [`CatalogueSeedError`]; nothing is changed then.
pub async fn seed_catalogue(db: &Db) -> Result<bool, CatalogueSeedError> {
    if crate::catalogue::current(db).await?.is_some() {
        return Ok(false);
    }
    let dir = std::env::temp_dir().join(format!(
        "bedside-demo-dmd-{}",
        random_hex(6).map_err(|_| std::io::Error::other("no randomness"))?
    ));
    std::fs::create_dir_all(&dir)?;
    let written = DEMO_DMD
        .iter()
        .try_for_each(|(name, text)| std::fs::write(dir.join(name), text));
    let imported = match written {
        Ok(()) => crate::catalogue_import::import_dmd_if_none(db, &dir, "system").await,
        Err(e) => Err(crate::catalogue_import::DmdImportError::Io {
            file: dir.display().to_string(),
            source: std::sync::Arc::new(e),
        }),
    };
    let _ = std::fs::remove_dir_all(&dir);
    if imported?.is_none() {
        // Another instance loaded a catalogue first.
        return Ok(false);
    }
    let rows = crate::catalogue::parse_high_risk(&demo_high_risk_csv())
        .map_err(|_| CatalogueSeedError::HighRiskCsv)?;
    crate::catalogue::apply_high_risk(db, &rows, "system").await?;
    let recalls =
        crate::recalls::parse_csv(DEMO_RECALLS_CSV).map_err(|_| CatalogueSeedError::RecallsCsv)?;
    crate::recalls::import(db, &recalls, "system", now_ms()).await?;
    Ok(true)
}

/// Whether the demo data has been seeded.
///
/// # Errors
/// Database errors.
pub async fn is_seeded(db: &Db) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT COUNT(*) FROM meta WHERE key = 'demo_seeded'")
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_recalls_parse() {
        let r = crate::recalls::parse_csv(DEMO_RECALLS_CSV).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(data().recalls.len(), 2);
    }

    #[test]
    fn every_demo_scan_is_valid_gs1_except_the_broken_ones() {
        let d = data();
        assert_eq!(d.patients.len(), 6);
        for p in &d.patients {
            let s = bedside_gs1::parse_scan(p.wristband_scan.as_bytes()).unwrap();
            let band = bedside_patient::Wristband::from_message(
                s.message().unwrap(),
                &bedside_patient::Policy::demo(),
            )
            .unwrap();
            assert_eq!(band.nhs_number().as_str(), p.nhs_number);
        }
        for s in &d.staff {
            let scan = bedside_gs1::parse_scan(s.badge_scan.as_bytes()).unwrap();
            bedside_gs1::keys::StaffBadge::from_message(scan.message().unwrap()).unwrap();
        }
        for l in &d.locations {
            let scan = bedside_gs1::parse_scan(l.scan.as_bytes()).unwrap();
            bedside_gs1::keys::Location::from_message(scan.message().unwrap()).unwrap();
        }
        for m in &d.medicines {
            for p in &m.packs {
                let scan = bedside_gs1::parse_scan(p.scan.as_bytes()).unwrap();
                bedside_gs1::keys::MedicinePack::from_message(scan.message().unwrap(), 2026)
                    .unwrap();
            }
        }
        assert_eq!(gs1_check_digit("95200009990001235"), '2');
        assert_eq!(d.tokens.len(), 5);
    }

    /// The embedded register files hold exactly the demo's registered badges and its
    /// locations, and import.
    #[test]
    fn the_demo_register_files_agree_with_the_demo_data() {
        let d = data();
        let staff = crate::staff::parse_csv(DEMO_STAFF_CSV).unwrap();
        let registered: Vec<_> = d.staff.iter().filter(|s| s.registered).collect();
        assert_eq!(staff.len(), registered.len());
        for (row, s) in staff.iter().zip(registered) {
            assert_eq!(
                (
                    row.gsrn.as_str(),
                    row.display_name.as_str(),
                    row.role.as_str()
                ),
                (s.gsrn.as_str(), s.name.as_str(), s.role.as_str())
            );
            assert!(row.active);
        }
        let places = crate::locations::parse_csv(DEMO_LOCATIONS_CSV).unwrap();
        assert_eq!(places.len(), d.locations.len());
        for (row, l) in places.iter().zip(&d.locations) {
            assert_eq!(
                (row.gln.as_str(), row.extension.as_str()),
                (l.gln.as_str(), l.extension.as_str())
            );
            assert_eq!(format!("{}, bed {}", row.ward, row.bed), l.name);
            assert!(row.active);
        }
    }

    /// The embedded allergy file names the demo patients exactly as seeded (an import
    /// updates demographics), links no hospital numbers, and states what the module
    /// documentation says.
    #[test]
    fn the_demo_allergy_file_agrees_with_the_demo_patients() {
        use bedside_orders::model::{AllergyStatement, Criticality};
        let d = data();
        let ops = demo_allergy_ops().unwrap();
        assert_eq!(ops.len(), 5);
        for (i, op) in ops.iter().enumerate() {
            let crate::import_hl7::Op::Upsert {
                nhs_number,
                family,
                given,
                date_of_birth,
                sex,
                mrns,
                allergies,
            } = op
            else {
                panic!("message {i} is not an update");
            };
            let p = &d.patients[i];
            assert_eq!(
                (nhs_number, family, given, date_of_birth, sex.as_deref()),
                (
                    &p.nhs_number,
                    &p.family,
                    &p.given,
                    &p.date_of_birth,
                    Some(p.sex.as_str())
                )
            );
            assert!(mrns.is_empty(), "{i}");
            match (i, allergies) {
                (1, Some(AllergyStatement::Allergies(list))) => {
                    assert_eq!(list.len(), 1);
                    assert_eq!(list[0].code, "900000021000001100");
                    assert_eq!(list[0].criticality, Criticality::High);
                }
                (1, other) => panic!("{other:?}"),
                (_, Some(AllergyStatement::NoneKnown)) => {}
                (_, other) => panic!("{i}: {other:?}"),
            }
        }
        // The sixth patient has no statement: "not recorded".
        assert_eq!(d.patients.len(), 6);
    }
}

//! Administrations out: a recorded dose as an HL7 v2.5 `RAS^O17` for the EPR.
//!
//! [`ras_o17`] is a pure function from an [`Administration`] (what the service stored)
//! and a [`Header`] (who sends to whom) to ER7 bytes. Every text value goes through the
//! ER7 escaping of `bedside_pix::er7` (`|^~\&` and control characters such as CR become
//! escape sequences), so a name or reason can never add a field, component or segment.
//!
//! Message layout (segments in the order of HL7 2.5's `RAS_O17` structure):
//!
//! ```text
//! MSH|^~\&|{MSH-3}|{MSH-4}|{MSH-5}|{MSH-6}|{MSH-7}||RAS^O17^RAS_O17|{MSH-10}|P|2.5||||||UNICODE UTF-8
//! PID|1||{NHS number}^^^NHS^NH||{family}^{given}
//! ORC|RE|{placer number}^{placer namespace}
//! RXA|0|1|{given}|{given}|{dm+d}^{name}^SCT|{amount}|{unit}||{override}^Override reason^99BEDSIDE|{gsrn}^{name}^^^^^^^GSRN~{checker}|{GLN extension}^^^{GLN}||||{batch}|{expiry}||||CP|{A|D}|{given}
//! RXR|{route}
//! ```

use bedside_pix::er7::{OwnedField, OwnedMessage, OwnedSegment, Separators};

/// Sending and receiving application and facility (MSH-3 to MSH-6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// MSH-3 sending application.
    pub sending_application: String,
    /// MSH-4 sending facility.
    pub sending_facility: String,
    /// MSH-5 receiving application.
    pub receiving_application: String,
    /// MSH-6 receiving facility.
    pub receiving_facility: String,
}

impl Default for Header {
    /// `BEDSIDE`, `BEDSIDE`, `EPR`, `EPR`.
    fn default() -> Self {
        Header {
            sending_application: "BEDSIDE".into(),
            sending_facility: "BEDSIDE".into(),
            receiving_application: "EPR".into(),
            receiving_facility: "EPR".into(),
        }
    }
}

/// RXA-21: what the message does to the EPR's copy of the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `A`: a dose was given and recorded.
    Add,
    /// `D`: the record was marked entered in error (a correction; the record is kept).
    Delete,
}

impl Action {
    /// `A` or `D` (HL7 table 0323).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Action::Add => "A",
            Action::Delete => "D",
        }
    }
}

/// A member of staff (RXA-10 repetition).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    /// Their badge's GSRN (XCN-1, assigning authority `GSRN`).
    pub gsrn: String,
    /// Their name as the staff register holds it (XCN-2, whole).
    pub name: Option<String>,
}

/// The scanned location (RXA-11: `{extension}^^^{gln}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// GLN (13 digits).
    pub gln: String,
    /// GLN extension (AI 254), possibly empty.
    pub extension: String,
}

/// One administration as the service stored it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Administration {
    /// MSH-10: fixed when the message is queued, the same on every retry.
    pub control_id: String,
    /// MSH-7: when the message was made (Unix ms).
    pub message_at_ms: i64,
    /// PID-3: NHS number.
    pub nhs_number: String,
    /// PID-5.1: the patient's family name (PID-5 is required in HL7 2.5).
    pub family_name: String,
    /// PID-5.2: their given name.
    pub given_name: String,
    /// ORC-2.1: the order's placer number.
    pub placer_number: String,
    /// ORC-2.2: the placer's namespace.
    pub placer_namespace: String,
    /// RXA-3/RXA-4/RXA-22: when the dose was given (Unix ms).
    pub given_at_ms: i64,
    /// RXA-5.1: dm+d AMP (or VMP) code.
    pub medicine_code: String,
    /// RXA-5.2: its name.
    pub medicine_name: String,
    /// RXA-6: the amount given, in thousandths of `unit`.
    pub amount_milli: i64,
    /// RXA-7: the amount's unit.
    pub unit: String,
    /// RXA-9: the override reason code, when warnings were overridden.
    pub override_reason: Option<String>,
    /// RXA-10 first repetition: who gave it.
    pub given_by: Staff,
    /// RXA-10 second repetition: the second checker, when there was one.
    pub checker: Option<Staff>,
    /// RXA-11: where.
    pub location: Option<Location>,
    /// RXA-15: batch.
    pub batch: Option<String>,
    /// RXA-16: expiry, `YYYYMMDD`.
    pub expiry: Option<String>,
    /// RXR-1: route, as the order names it (`oral`, `intravenous`, …).
    pub route: String,
    /// RXA-21.
    pub action: Action,
}

/// HL7 TS, UTC: `YYYYMMDDHHMMSS+0000`.
///
/// ```
/// assert_eq!(bedside_orders::hl7_out::ts(0), "19700101000000+0000");
/// ```
#[must_use]
pub fn ts(ms: i64) -> String {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(t) => t.strftime("%Y%m%d%H%M%S+0000").to_string(),
        Err(_) => String::new(),
    }
}

/// An expiry as the service displays it (`DD-Mmm-YYYY`) as HL7 DT `YYYYMMDD`; `None`
/// for anything else.
///
/// ```
/// assert_eq!(bedside_orders::hl7_out::expiry_dt("31-Dec-2027").as_deref(), Some("20271231"));
/// assert_eq!(bedside_orders::hl7_out::expiry_dt("2027-12-31"), None);
/// ```
#[must_use]
pub fn expiry_dt(display: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = display.split('-');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || d.len() != 2
        || y.len() != 4
        || !d.bytes().chain(y.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let month = MONTHS.iter().position(|x| *x == m)? + 1;
    Some(format!("{y}{month:02}{d}"))
}

/// A decimal in thousandths as HL7 NM: `1000` → `1`, `2500` → `2.5`, `-5` → `-0.005`.
///
/// ```
/// assert_eq!(bedside_orders::hl7_out::nm(2500), "2.5");
/// assert_eq!(bedside_orders::hl7_out::nm(1000), "1");
/// ```
#[must_use]
pub fn nm(milli: i64) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let v = milli.unsigned_abs();
    let (int, frac) = (v / 1000, v % 1000);
    if frac == 0 {
        format!("{sign}{int}")
    } else {
        let f = format!("{frac:03}");
        format!("{sign}{int}.{}", f.trim_end_matches('0'))
    }
}

/// HL7 table 0162 codes for the routes Bedside's orders name; others go as local text.
fn route_0162(route: &str) -> Option<(&'static str, &'static str)> {
    Some(match route.to_ascii_lowercase().as_str() {
        "oral" => ("PO", "Oral"),
        "intravenous" => ("IV", "Intravenous"),
        "intramuscular" => ("IM", "Intramuscular"),
        "subcutaneous" => ("SC", "Subcutaneous"),
        "rectal" => ("PR", "Rectal"),
        "sublingual" => ("SL", "Sublingual"),
        "topical" => ("TP", "Topical"),
        "inhalation" => ("IH", "Inhalation"),
        "nasal" => ("NS", "Nasal"),
        "transdermal" => ("TD", "Transdermal"),
        "buccal" => ("BUC", "Buccal"),
        "vaginal" => ("VG", "Vaginal"),
        "ophthalmic" => ("OP", "Ophthalmic"),
        "otic" => ("OT", "Otic"),
        _ => return None,
    })
}

fn xcn(s: &Staff) -> Vec<Vec<String>> {
    let mut c = vec![vec![String::new()]; 9];
    c[0] = vec![s.gsrn.clone()];
    c[1] = vec![s.name.clone().unwrap_or_default()];
    c[8] = vec!["GSRN".into()];
    c
}

/// Builds the `RAS^O17` for one administration (see the module's layout).
///
/// ```
/// use bedside_orders::hl7_out::*;
/// let a = Administration {
///     control_id: "BS0000000000000001".into(), message_at_ms: 0, nhs_number: "9990000018".into(),
///     family_name: "SMITH".into(), given_name: "John".into(),
///     placer_number: "ORD-1".into(), placer_namespace: "EPMA".into(), given_at_ms: 0,
///     medicine_code: "39720311000001101".into(), medicine_name: "Paracetamol 500mg tablets".into(),
///     amount_milli: 1_000_000, unit: "mg".into(), override_reason: None,
///     given_by: Staff { gsrn: "952000000000000019".into(), name: Some("Nora Nurse".into()) },
///     checker: None, location: None, batch: Some("B1".into()), expiry: Some("20271231".into()),
///     route: "oral".into(), action: Action::Add,
/// };
/// let text = String::from_utf8(ras_o17(&Header::default(), &a)).unwrap();
/// assert!(text.starts_with("MSH|^~\\&|BEDSIDE|BEDSIDE|EPR|EPR|19700101000000+0000||RAS^O17^RAS_O17|BS0000000000000001|P|2.5||||||UNICODE UTF-8\r"));
/// assert!(text.contains("\rRXA|0|1|19700101000000+0000|19700101000000+0000|39720311000001101^Paracetamol 500mg tablets^SCT|1000|mg|"));
/// ```
#[must_use]
pub fn ras_o17(header: &Header, a: &Administration) -> Vec<u8> {
    let t = OwnedField::text;
    let given = ts(a.given_at_ms);
    let msh = OwnedSegment::new("MSH")
        .with(3, t(&header.sending_application))
        .with(4, t(&header.sending_facility))
        .with(5, t(&header.receiving_application))
        .with(6, t(&header.receiving_facility))
        .with(7, t(&ts(a.message_at_ms)))
        .with(9, OwnedField::components(&["RAS", "O17", "RAS_O17"]))
        .with(10, t(&a.control_id))
        .with(11, t("P"))
        .with(12, t("2.5"))
        // Names are UTF-8; without MSH-18 a receiver must read 7-bit ASCII.
        .with(18, t("UNICODE UTF-8"));
    let pid = OwnedSegment::new("PID")
        .with(1, t("1"))
        .with(
            3,
            OwnedField::components(&[&a.nhs_number, "", "", "NHS", "NH"]),
        )
        .with(5, OwnedField::components(&[&a.family_name, &a.given_name]));
    let orc = OwnedSegment::new("ORC").with(1, t("RE")).with(
        2,
        OwnedField::components(&[&a.placer_number, &a.placer_namespace]),
    );
    let mut rxa = OwnedSegment::new("RXA")
        .with(1, t("0"))
        .with(2, t("1"))
        .with(3, t(&given))
        .with(4, t(&given))
        .with(
            5,
            OwnedField::components(&[&a.medicine_code, &a.medicine_name, "SCT"]),
        )
        .with(6, t(&nm(a.amount_milli)))
        .with(7, t(&a.unit));
    if let Some(r) = &a.override_reason {
        rxa = rxa.with(
            9,
            OwnedField::components(&[r, "Override reason", "99BEDSIDE"]),
        );
    }
    let mut providers = vec![xcn(&a.given_by)];
    if let Some(c) = &a.checker {
        providers.push(xcn(c));
    }
    rxa = rxa.with(
        10,
        OwnedField {
            repetitions: providers,
        },
    );
    if let Some(l) = &a.location {
        // LA2-1 point of care and LA2-4.1 facility namespace are at most 20 characters
        // in HL7 2.5: the GLN extension (AI 254, at most 20) and the GLN (13) fit; the
        // location's name has no slot.
        rxa = rxa.with(11, OwnedField::components(&[&l.extension, "", "", &l.gln]));
    }
    if let Some(b) = &a.batch {
        rxa = rxa.with(15, t(b));
    }
    if let Some(e) = &a.expiry {
        rxa = rxa.with(16, t(e));
    }
    rxa = rxa
        .with(20, t("CP"))
        .with(21, t(a.action.code()))
        .with(22, t(&given));
    let rxr = OwnedSegment::new("RXR").with(
        1,
        match route_0162(&a.route) {
            Some((code, text)) => OwnedField::components(&[code, text, "HL70162"]),
            None => OwnedField::components(&[&a.route, &a.route, "99BEDSIDE"]),
        },
    );
    OwnedMessage {
        segments: vec![msh, pid, orc, rxa, rxr],
    }
    .encode(&Separators::default())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use bedside_pix::er7::Message;

    fn sample() -> Administration {
        Administration {
            control_id: "BS00000000000000AB".into(),
            message_at_ms: 1_740_823_452_000,
            nhs_number: "9990000018".into(),
            family_name: "O'Brien^Smith".into(),
            given_name: "Siân".into(),
            placer_number: "ORD|7^8".into(),
            placer_namespace: "EPMA&X".into(),
            given_at_ms: 1_740_823_350_000,
            medicine_code: "39720311000001101".into(),
            medicine_name: "Paracetamol 500mg ~ tablets \\ (Example|Pharma)\rMSH|x".into(),
            amount_milli: 1_000_000,
            unit: "mg".into(),
            override_reason: Some("clinical_need_documented".into()),
            given_by: Staff {
                gsrn: "952000000000000019".into(),
                name: Some("O'Neill^Nora&Co".into()),
            },
            checker: Some(Staff {
                gsrn: "952000000000000026".into(),
                name: Some("Colin Checker".into()),
            }),
            location: Some(Location {
                gln: "5012345000017".into(),
                extension: "BED|4".into(),
            }),
            batch: Some("B~1|2".into()),
            expiry: Some("20271231".into()),
            route: "oral".into(),
            action: Action::Add,
        }
    }

    #[test]
    fn every_field_round_trips_through_the_reader() {
        let a = sample();
        let bytes = ras_o17(&Header::default(), &a);
        let msg = Message::parse(&bytes).unwrap();
        let ids: Vec<&str> = msg.segments().iter().map(|s| s.id()).collect();
        assert_eq!(ids, ["MSH", "PID", "ORC", "RXA", "RXR"]);
        assert_eq!(msg.message_type(), ("RAS", "O17", "RAS_O17"));
        assert_eq!(msg.control_id().unwrap(), "BS00000000000000AB");
        assert_eq!(msg.version(), "2.5");
        let msh = msg.msh();
        assert_eq!(msh.field(11).as_str(), "P");
        assert_eq!(msh.field(18).as_str(), "UNICODE UTF-8");
        assert_eq!(msh.field(7).as_str(), "20250301100412+0000");
        let pid = msg.segment("PID").unwrap();
        assert_eq!(pid.field(3).component(1).as_str(), "9990000018");
        assert_eq!(pid.field(3).component(5).as_str(), "NH");
        assert_eq!(pid.field(5).component(1).text().unwrap(), "O'Brien^Smith");
        assert_eq!(pid.field(5).component(2).text().unwrap(), "Siân");
        let orc = msg.segment("ORC").unwrap();
        assert_eq!(orc.field(1).as_str(), "RE");
        assert_eq!(orc.field(2).component(1).text().unwrap(), "ORD|7^8");
        assert_eq!(orc.field(2).component(2).text().unwrap(), "EPMA&X");
        let rxa = msg.segment("RXA").unwrap();
        assert_eq!(rxa.field(3).as_str(), "20250301100230+0000");
        assert_eq!(rxa.field(5).component(1).as_str(), "39720311000001101");
        assert_eq!(rxa.field(5).component(2).text().unwrap(), a.medicine_name);
        assert_eq!(rxa.field(6).as_str(), "1000");
        assert_eq!(rxa.field(7).as_str(), "mg");
        assert_eq!(
            rxa.field(9).component(1).as_str(),
            "clinical_need_documented"
        );
        let reps: Vec<_> = rxa.field(10).repetitions().collect();
        assert_eq!(reps.len(), 2);
        assert_eq!(reps[0].component(1).as_str(), "952000000000000019");
        assert_eq!(reps[0].component(2).text().unwrap(), "O'Neill^Nora&Co");
        assert_eq!(reps[0].component(9).as_str(), "GSRN");
        assert_eq!(reps[1].component(1).as_str(), "952000000000000026");
        assert_eq!(rxa.field(11).component(1).text().unwrap(), "BED|4");
        assert_eq!(rxa.field(11).component(4).as_str(), "5012345000017");
        assert_eq!(rxa.field(15).text().unwrap(), "B~1|2");
        assert_eq!(rxa.field(16).as_str(), "20271231");
        assert_eq!(rxa.field(20).as_str(), "CP");
        assert_eq!(rxa.field(21).as_str(), "A");
        let rxr = msg.segment("RXR").unwrap();
        assert_eq!(rxr.field(1).component(1).as_str(), "PO");
        assert_eq!(rxr.field(1).component(3).as_str(), "HL70162");
    }

    #[test]
    fn delimiters_and_cr_in_text_never_make_structure() {
        let bytes = ras_o17(&Header::default(), &sample());
        // Five segments, five CRs: the CR in the name is escaped.
        assert_eq!(bytes.iter().filter(|b| **b == b'\r').count(), 5);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains(
            "Paracetamol 500mg \\R\\ tablets \\E\\ (Example\\F\\Pharma)\\X0D\\MSH\\F\\x"
        ));
        assert!(text.contains("O'Neill\\S\\Nora\\T\\Co"));
    }

    #[test]
    fn optional_fields_are_empty_and_delete_says_d() {
        let mut a = sample();
        a.override_reason = None;
        a.checker = None;
        a.location = None;
        a.batch = None;
        a.expiry = None;
        a.route = "intrathecal".into();
        a.action = Action::Delete;
        let bytes = ras_o17(&Header::default(), &a);
        let msg = Message::parse(&bytes).unwrap();
        let rxa = msg.segment("RXA").unwrap();
        for f in [9, 11, 15, 16] {
            assert!(rxa.field(f).is_empty(), "RXA-{f}");
        }
        assert_eq!(rxa.field(10).repetitions().count(), 1);
        assert_eq!(rxa.field(21).as_str(), "D");
        let rxr = msg.segment("RXR").unwrap();
        assert_eq!(rxr.field(1).component(1).as_str(), "intrathecal");
        assert_eq!(rxr.field(1).component(3).as_str(), "99BEDSIDE");
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(nm(0), "0");
        assert_eq!(nm(500), "0.5");
        assert_eq!(nm(12_345), "12.345");
        assert_eq!(nm(-1500), "-1.5");
        assert_eq!(expiry_dt("01-Feb-2030").as_deref(), Some("20300201"));
        assert_eq!(expiry_dt("1-Feb-2030"), None);
        assert_eq!(expiry_dt("01-Fob-2030"), None);
        assert_eq!(expiry_dt("01-Feb-2030-1"), None);
    }
}

//! [`AdministrationRecord`] → `MedicationAdministration`, and the `_lastUpdated` search
//! parameter's values.

use serde_json::{Map, Value, json};

use super::json::{date_time_to_json, milli_to_json, parse_date_time};
use super::{DMD_SYSTEM, FHIR_ORDER_NAMESPACE, NHS_NUMBER_SYSTEM, SNOMED_SYSTEM, UCUM_SYSTEM};

/// The UK Core MedicationAdministration profile (written in `meta.profile`).
pub const MEDICATION_ADMINISTRATION_PROFILE: &str =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-MedicationAdministration";
/// The UK Core Medication profile (the contained `Medication`'s `meta.profile`).
pub const MEDICATION_PROFILE: &str =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Medication";
/// The code system of `performer.function` (`performer`, `verifier`, `witness`).
pub const PERFORM_FUNCTION_SYSTEM: &str =
    "http://terminology.hl7.org/CodeSystem/med-admin-perform-function";
/// The identifier system whose values are URIs: GS1 Digital Link URIs of the staff
/// badge's GSRN (`https://id.gs1.org/8017/{gsrn}`) and of the pack's GTIN
/// (`https://id.gs1.org/01/{gtin}`), as Bedside's `AuditEvent`s carry them. UK Core has
/// no identifier system of its own for a GS1 key.
pub const URI_SYSTEM: &str = "urn:ietf:rfc:3986";
/// Identifier system of Bedside's administration records (value: the record's id).
pub const ADMINISTRATION_SYSTEM: &str = "urn:bedside:administration";
/// Identifier system of orders the FHIR API does not serve (HL7 and demo orders; value:
/// `namespace:number`, the order id the ward knows).
pub const ORDER_SYSTEM: &str = "urn:bedside:order";

/// The dm+d product given, as recorded with the dose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdministeredMedicine {
    /// The dm+d id (APID or VPID).
    pub code: String,
    /// Its dm+d name on the day.
    pub name: String,
}

/// A member of staff: the GSRN of their badge and their name when the staff list has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    /// GS1 GSRN (AI 8017, 18 digits).
    pub gsrn: String,
    /// The name in the staff list.
    pub name: Option<String>,
}

/// The route the dose was given by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdministeredRoute {
    /// The route's name as recorded (`oral`).
    pub text: String,
    /// Its SNOMED CT code and dm+d name, when the catalogue knows the route.
    pub snomed: Option<(String, String)>,
}

/// A record marked entered in error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnteredInErrorMark {
    /// When (Unix ms).
    pub at: i64,
    /// Who (the audit actor, e.g. `token:…`).
    pub by: String,
    /// Why, in the words of the person who marked it.
    pub reason: String,
}

/// One recorded administration, as the service stores it: the input of
/// [`write_medication_administration`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdministrationRecord {
    /// The record's id (the resource id).
    pub id: i64,
    /// The patient's NHS number.
    pub nhs_number: String,
    /// The order given against (`namespace:number`).
    pub order_id: String,
    /// When it was given (Unix ms).
    pub given_at: i64,
    /// When the record last changed (Unix ms): given, or marked entered in error.
    pub updated_at: i64,
    /// What was given; `None` for records made before the product was kept with them.
    pub medicine: Option<AdministeredMedicine>,
    /// The pack's GTIN (14 digits).
    pub gtin: String,
    /// The pack's batch (AI 10).
    pub batch: Option<String>,
    /// The pack's expiry as recorded (`DD-Mmm-YYYY`, the last valid day).
    pub expiry: Option<String>,
    /// The dose in thousandths of [`Self::dose_unit`].
    pub dose_milli: i64,
    /// The dose unit (dm+d unit of measure name: `mg`, `microgram`, `ml`…).
    pub dose_unit: Option<String>,
    /// The route.
    pub route: Option<AdministeredRoute>,
    /// Who gave it.
    pub giver: StaffMember,
    /// The second checker, when one was scanned.
    pub checker: Option<StaffMember>,
    /// The override reason: its code and its words.
    pub override_reason: Option<(String, String)>,
    /// The correction, when the record was marked entered in error.
    pub entered_in_error: Option<EnteredInErrorMark>,
}

/// The UCUM code for a dm+d unit of measure name, for the units a ward doses by.
///
/// ```
/// use bedside_orders::fhir::ucum_for_dmd_unit;
/// assert_eq!(ucum_for_dmd_unit("microgram"), Some("ug"));
/// assert_eq!(ucum_for_dmd_unit("tablet"), None);
/// ```
#[must_use]
pub fn ucum_for_dmd_unit(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "mg" => "mg",
        "microgram" => "ug",
        "gram" => "g",
        "nanogram" => "ng",
        "ml" => "mL",
        "litre" => "L",
        _ => return None,
    })
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A recorded expiry (`DD-Mmm-YYYY`) as a FHIR date (`YYYY-MM-DD`); `None` when it is
/// not of that form or not a calendar date.
///
/// ```
/// use bedside_orders::fhir::expiry_as_fhir_date;
/// assert_eq!(expiry_as_fhir_date("31-Jan-2027").as_deref(), Some("2027-01-31"));
/// assert_eq!(expiry_as_fhir_date("31-Feb-2027"), None);
/// ```
#[must_use]
pub fn expiry_as_fhir_date(expiry: &str) -> Option<String> {
    let mut parts = expiry.split('-');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || d.len() != 2 || y.len() != 4 {
        return None;
    }
    let month = MONTHS.iter().position(|x| *x == m)? + 1;
    let day: i8 = d.parse().ok()?;
    let year: i16 = y.parse().ok()?;
    let date = jiff::civil::Date::new(year, i8::try_from(month).ok()?, day).ok()?;
    Some(date.to_string())
}

fn staff_reference(s: &StaffMember) -> Value {
    let mut r = Map::new();
    r.insert("type".into(), "Practitioner".into());
    r.insert(
        "identifier".into(),
        json!({ "system": URI_SYSTEM, "value": format!("https://id.gs1.org/8017/{}", s.gsrn) }),
    );
    if let Some(n) = &s.name {
        r.insert("display".into(), n.clone().into());
    }
    Value::Object(r)
}

fn performer(s: &StaffMember, function: &str) -> Value {
    json!({
        "function": { "coding": [{ "system": PERFORM_FUNCTION_SYSTEM, "code": function }] },
        "actor": staff_reference(s),
    })
}

fn medication(rec: &AdministrationRecord) -> Value {
    let mut m = Map::new();
    m.insert("resourceType".into(), "Medication".into());
    m.insert("id".into(), "med".into());
    m.insert("meta".into(), json!({ "profile": [MEDICATION_PROFILE] }));
    m.insert(
        "identifier".into(),
        json!([{ "system": URI_SYSTEM, "value": format!("https://id.gs1.org/01/{}", rec.gtin) }]),
    );
    let code = match &rec.medicine {
        Some(med) => json!({
            "coding": [{ "system": DMD_SYSTEM, "code": med.code, "display": med.name }],
            "text": med.name,
        }),
        None => json!({
            "text": format!(
                "not recorded: the dose was recorded before Bedside kept the dm+d product; the pack's GTIN was {}",
                rec.gtin
            ),
        }),
    };
    m.insert("code".into(), code);
    let mut batch = Map::new();
    if let Some(b) = &rec.batch {
        batch.insert("lotNumber".into(), b.clone().into());
    }
    if let Some(e) = rec.expiry.as_deref().and_then(expiry_as_fhir_date) {
        batch.insert("expirationDate".into(), e.into());
    }
    if !batch.is_empty() {
        m.insert("batch".into(), Value::Object(batch));
    }
    Value::Object(m)
}

fn request(order_id: &str) -> Value {
    match order_id.split_once(':') {
        Some((FHIR_ORDER_NAMESPACE, number)) => {
            json!({ "reference": format!("MedicationRequest/{number}") })
        }
        _ => json!({
            "type": "MedicationRequest",
            "identifier": { "system": ORDER_SYSTEM, "value": order_id },
        }),
    }
}

fn dosage(rec: &AdministrationRecord) -> Value {
    let amount = milli_to_json(rec.dose_milli);
    let mut d = Map::new();
    let mut words = vec![amount.to_string()];
    if let Some(u) = &rec.dose_unit {
        words.push(u.clone());
    }
    if let Some(r) = &rec.route {
        words.push(r.text.clone());
    }
    d.insert("text".into(), words.join(" ").into());
    if let Some(r) = &rec.route {
        let mut route = Map::new();
        if let Some((code, display)) = &r.snomed {
            route.insert(
                "coding".into(),
                json!([{ "system": SNOMED_SYSTEM, "code": code, "display": display }]),
            );
        }
        route.insert("text".into(), r.text.clone().into());
        d.insert("route".into(), Value::Object(route));
    }
    // A number without its unit is not a dose: without a unit the amount is only in the
    // text.
    if let Some(u) = &rec.dose_unit {
        let mut q = Map::new();
        q.insert("value".into(), amount);
        q.insert("unit".into(), u.clone().into());
        if let Some(code) = ucum_for_dmd_unit(u) {
            q.insert("system".into(), UCUM_SYSTEM.into());
            q.insert("code".into(), code.into());
        }
        d.insert("dose".into(), Value::Object(q));
    }
    Value::Object(d)
}

/// Writes a recorded administration as an R4 UK Core `MedicationAdministration`:
///
/// - `id`: the record's id; `identifier`: [`ADMINISTRATION_SYSTEM`] and the id;
///   `meta.lastUpdated`: [`AdministrationRecord::updated_at`].
/// - `status`: `completed`, or `entered-in-error` when the record was marked (the
///   marking's time, actor and reason then in a `note`).
/// - `medicationReference` → `#med`, a contained UK Core `Medication`: the dm+d AMP (or
///   VMP) coding and name as recorded (for a record made before they were kept, only a
///   `code.text` saying so), the pack's GTIN as a GS1 Digital Link URI identifier, and
///   `batch.lotNumber` / `batch.expirationDate` when the pack carried them.
/// - `subject.identifier`: the NHS number; `effectiveDateTime`: when it was given (UTC).
/// - `performer`: the giver (function `performer`) and the second checker (function
///   `verifier`), each a Practitioner identified by the badge's GSRN as
///   `https://id.gs1.org/8017/{gsrn}` ([`URI_SYSTEM`]), with the staff list's name.
/// - `request`: `MedicationRequest/{id}` for an order the FHIR API serves (`fhir:{id}`),
///   else an identifier ([`ORDER_SYSTEM`], `namespace:number`).
/// - `dosage`: `text` (amount, unit, route), `route` (SNOMED CT coding when known, and the
///   route's name as text), `dose` (UCUM when the unit maps, else the unit's name only).
/// - `note`: the override reason in words (and its code), at the time given.
///
/// An instant outside the years 0001 to 9999 is left out (FHIR cannot state it).
#[must_use]
pub fn write_medication_administration(rec: &AdministrationRecord) -> Value {
    let mut r = Map::new();
    r.insert("resourceType".into(), "MedicationAdministration".into());
    r.insert("id".into(), rec.id.to_string().into());
    let mut meta = Map::new();
    if let Some(t) = date_time_to_json(rec.updated_at) {
        meta.insert("lastUpdated".into(), t);
    }
    meta.insert("profile".into(), json!([MEDICATION_ADMINISTRATION_PROFILE]));
    r.insert("meta".into(), Value::Object(meta));
    r.insert("contained".into(), json!([medication(rec)]));
    r.insert(
        "identifier".into(),
        json!([{ "system": ADMINISTRATION_SYSTEM, "value": rec.id.to_string() }]),
    );
    let status = if rec.entered_in_error.is_some() {
        "entered-in-error"
    } else {
        "completed"
    };
    r.insert("status".into(), status.into());
    r.insert("medicationReference".into(), json!({ "reference": "#med" }));
    r.insert(
        "subject".into(),
        json!({ "identifier": { "system": NHS_NUMBER_SYSTEM, "value": rec.nhs_number } }),
    );
    if let Some(t) = date_time_to_json(rec.given_at) {
        r.insert("effectiveDateTime".into(), t);
    }
    let mut performers = vec![performer(&rec.giver, "performer")];
    if let Some(c) = &rec.checker {
        performers.push(performer(c, "verifier"));
    }
    r.insert("performer".into(), Value::Array(performers));
    r.insert("request".into(), request(&rec.order_id));
    let mut notes = Vec::new();
    if let Some((code, words)) = &rec.override_reason {
        let mut n = Map::new();
        if let Some(t) = date_time_to_json(rec.given_at) {
            n.insert("time".into(), t);
        }
        n.insert(
            "text".into(),
            format!("Given despite a warning. Override reason: {words} ({code}).").into(),
        );
        notes.push(Value::Object(n));
    }
    if let Some(e) = &rec.entered_in_error {
        let mut n = Map::new();
        n.insert("authorString".into(), e.by.clone().into());
        if let Some(t) = date_time_to_json(e.at) {
            n.insert("time".into(), t);
        }
        n.insert(
            "text".into(),
            format!("Entered in error: {}", e.reason).into(),
        );
        notes.push(Value::Object(n));
    }
    if !notes.is_empty() {
        r.insert("note".into(), Value::Array(notes));
    }
    r.insert("dosage".into(), dosage(rec));
    Value::Object(r)
}

/// A `_lastUpdated` search value as the half-open range of instants (Unix ms,
/// `[from, to)`) it asks for.
///
/// The value is a FHIR `dateTime` with an optional prefix `eq` (the default), `ge`,
/// `gt`, `le` or `lt`. The value itself stands for the span of its precision: a date is
/// its whole day in Europe/London, a time to the second that second, with a fraction that
/// fraction. Then `eq` is the span, `ge` from its start, `gt` from its end, `le` to its
/// end and `lt` to its start (unbounded sides are `i64::MIN` / `i64::MAX`).
///
/// # Errors
/// What is wrong with the value, for the 400's diagnostics.
///
/// ```
/// use bedside_orders::fhir::last_updated_range;
/// let (from, to) = last_updated_range("ge2026-01-15T08:00:00Z").unwrap();
/// assert_eq!((from, to), (1_768_464_000_000, i64::MAX));
/// let (from, to) = last_updated_range("2026-01-15").unwrap();
/// assert_eq!(to - from, 86_400_000);
/// assert!(last_updated_range("ne2026-01-15").is_err());
/// ```
pub fn last_updated_range(value: &str) -> Result<(i64, i64), String> {
    let (prefix, rest) = match value.get(..2) {
        Some(p @ ("eq" | "ge" | "gt" | "le" | "lt")) => (p, &value[2..]),
        Some(p) if p.bytes().all(|b| b.is_ascii_lowercase()) => {
            return Err(format!(
                "prefix {p:?} is not supported: use eq, ge, gt, le or lt"
            ));
        }
        _ => ("eq", value),
    };
    let start = parse_date_time(rest).map_err(|(_, msg)| msg)?;
    let end = span_end(rest, start)?;
    Ok(match prefix {
        "ge" => (start, i64::MAX),
        "gt" => (end, i64::MAX),
        "le" => (i64::MIN, end),
        "lt" => (i64::MIN, start),
        _ => (start, end),
    })
}

/// The end of the span a parsed `dateTime` stands for.
fn span_end(text: &str, start: i64) -> Result<i64, String> {
    if text.len() == 10 {
        // The next day's midnight in Europe/London (23 or 25 hours away on clock-change
        // days).
        let next = jiff::civil::Date::strptime("%Y-%m-%d", text)
            .ok()
            .and_then(|d| d.tomorrow().ok())
            .map(|d| d.to_string())
            .ok_or_else(|| format!("{text:?}: no next day"))?;
        return parse_date_time(&next).map_err(|(_, m)| m);
    }
    let frac = text
        .get(19..)
        .and_then(|r| r.strip_prefix('.'))
        .map_or(0, |r| r.bytes().take_while(u8::is_ascii_digit).count());
    let step = match frac {
        0 => 1000,
        1 => 100,
        2 => 10,
        _ => 1,
    };
    Ok(start.saturating_add(step))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> AdministrationRecord {
        AdministrationRecord {
            id: 42,
            nhs_number: "9434765919".into(),
            order_id: "fhir:ord-1".into(),
            given_at: 1_768_464_000_000,
            updated_at: 1_768_464_000_000,
            medicine: Some(AdministeredMedicine {
                code: "900001221000001100".into(),
                name: "Morphine 10mg/5ml oral solution (Demo)".into(),
            }),
            gtin: "09520000000035".into(),
            batch: Some("MO2811".into()),
            expiry: Some("31-Jan-2027".into()),
            dose_milli: 5000,
            dose_unit: Some("mg".into()),
            route: Some(AdministeredRoute {
                text: "oral".into(),
                snomed: Some(("26643006".into(), "Oral".into())),
            }),
            giver: StaffMember {
                gsrn: "952000000000000017".into(),
                name: Some("Nora Nurse".into()),
            },
            checker: Some(StaffMember {
                gsrn: "952000000000000024".into(),
                name: None,
            }),
            override_reason: Some((
                "timing_agreed_with_prescriber".into(),
                "Timing agreed with the prescriber".into(),
            )),
            entered_in_error: None,
        }
    }

    #[test]
    fn every_element_of_a_checked_and_overridden_dose() {
        let v = write_medication_administration(&record());
        assert_eq!(
            v,
            json!({
                "resourceType": "MedicationAdministration",
                "id": "42",
                "meta": {
                    "lastUpdated": "2026-01-15T08:00:00Z",
                    "profile": [MEDICATION_ADMINISTRATION_PROFILE],
                },
                "contained": [{
                    "resourceType": "Medication",
                    "id": "med",
                    "meta": { "profile": [MEDICATION_PROFILE] },
                    "identifier": [{ "system": URI_SYSTEM, "value": "https://id.gs1.org/01/09520000000035" }],
                    "code": {
                        "coding": [{ "system": DMD_SYSTEM, "code": "900001221000001100",
                            "display": "Morphine 10mg/5ml oral solution (Demo)" }],
                        "text": "Morphine 10mg/5ml oral solution (Demo)",
                    },
                    "batch": { "lotNumber": "MO2811", "expirationDate": "2027-01-31" },
                }],
                "identifier": [{ "system": ADMINISTRATION_SYSTEM, "value": "42" }],
                "status": "completed",
                "medicationReference": { "reference": "#med" },
                "subject": { "identifier": { "system": NHS_NUMBER_SYSTEM, "value": "9434765919" } },
                "effectiveDateTime": "2026-01-15T08:00:00Z",
                "performer": [
                    { "function": { "coding": [{ "system": PERFORM_FUNCTION_SYSTEM, "code": "performer" }] },
                      "actor": { "type": "Practitioner",
                        "identifier": { "system": URI_SYSTEM, "value": "https://id.gs1.org/8017/952000000000000017" },
                        "display": "Nora Nurse" } },
                    { "function": { "coding": [{ "system": PERFORM_FUNCTION_SYSTEM, "code": "verifier" }] },
                      "actor": { "type": "Practitioner",
                        "identifier": { "system": URI_SYSTEM, "value": "https://id.gs1.org/8017/952000000000000024" } } },
                ],
                "request": { "reference": "MedicationRequest/ord-1" },
                "note": [{
                    "time": "2026-01-15T08:00:00Z",
                    "text": "Given despite a warning. Override reason: Timing agreed with the prescriber (timing_agreed_with_prescriber).",
                }],
                "dosage": {
                    "text": "5 mg oral",
                    "route": {
                        "coding": [{ "system": SNOMED_SYSTEM, "code": "26643006", "display": "Oral" }],
                        "text": "oral",
                    },
                    "dose": { "value": 5, "unit": "mg", "system": UCUM_SYSTEM, "code": "mg" },
                },
            })
        );
    }

    #[test]
    fn entered_in_error_old_records_and_other_orders() {
        let mut rec = record();
        rec.medicine = None;
        rec.batch = None;
        rec.expiry = Some("not a date".into());
        rec.dose_milli = 2500;
        rec.dose_unit = Some("tablet".into());
        rec.route = Some(AdministeredRoute {
            text: "nasogastric".into(),
            snomed: None,
        });
        rec.checker = None;
        rec.override_reason = None;
        rec.order_id = "EPMA:778899".into();
        rec.updated_at = rec.given_at + 60_000;
        rec.entered_in_error = Some(EnteredInErrorMark {
            at: rec.given_at + 60_000,
            by: "token:demo-pharmacist".into(),
            reason: "wrong patient's chart".into(),
        });
        let v = write_medication_administration(&rec);
        assert_eq!(v["status"], "entered-in-error");
        assert_eq!(v["meta"]["lastUpdated"], "2026-01-15T08:01:00Z");
        assert_eq!(
            v["note"],
            json!([{ "authorString": "token:demo-pharmacist", "time": "2026-01-15T08:01:00Z",
                "text": "Entered in error: wrong patient's chart" }])
        );
        let med = &v["contained"][0];
        assert!(med["code"].get("coding").is_none(), "{med}");
        assert!(
            med["code"]["text"]
                .as_str()
                .unwrap_or_default()
                .contains("09520000000035")
        );
        assert!(med.get("batch").is_none(), "{med}");
        assert_eq!(v["performer"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            v["request"],
            json!({ "type": "MedicationRequest",
                "identifier": { "system": ORDER_SYSTEM, "value": "EPMA:778899" } })
        );
        assert_eq!(
            v["dosage"],
            json!({ "text": "2.5 tablet nasogastric", "route": { "text": "nasogastric" },
                "dose": { "value": 2.5, "unit": "tablet" } })
        );
        rec.dose_unit = None;
        rec.route = None;
        let v = write_medication_administration(&rec);
        assert_eq!(v["dosage"], json!({ "text": "2.5" }));
    }

    #[test]
    fn expiry_dates() {
        assert_eq!(
            expiry_as_fhir_date("29-Feb-2028").as_deref(),
            Some("2028-02-29")
        );
        for bad in ["29-Feb-2027", "1-Jan-2027", "01-jan-2027", "01-Jan-27", ""] {
            assert_eq!(expiry_as_fhir_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn last_updated_prefixes_and_precision() {
        let t = 1_768_464_000_000; // 2026-01-15T08:00:00Z
        assert_eq!(
            last_updated_range("2026-01-15T08:00:00Z"),
            Ok((t, t + 1000))
        );
        assert_eq!(
            last_updated_range("eq2026-01-15T08:00:00.5Z"),
            Ok((t + 500, t + 600))
        );
        assert_eq!(
            last_updated_range("gt2026-01-15T08:00:00Z"),
            Ok((t + 1000, i64::MAX))
        );
        assert_eq!(
            last_updated_range("le2026-01-15T08:00:00.123Z"),
            Ok((i64::MIN, t + 124))
        );
        assert_eq!(
            last_updated_range("lt2026-01-15T09:00:00+01:00"),
            Ok((i64::MIN, t))
        );
        // A day is its London day: 2026-03-29 (clocks go forward) has 23 hours.
        let (from, to) = last_updated_range("2026-03-29").unwrap_or((0, 0));
        assert_eq!(to - from, 23 * 3_600_000);
        let (from, _) = last_updated_range("ge2026-07-01").unwrap_or((0, 0));
        assert_eq!(date_time_to_json(from), Some(json!("2026-06-30T23:00:00Z")));
        for bad in [
            "",
            "ne2026-01-15",
            "sa2026-01-15",
            "2026-01",
            "2026-01-15T08:00",
            "2026-01-15T08:00:00",
            "ge",
            "2026-13-01",
        ] {
            assert!(last_updated_range(bad).is_err(), "{bad}");
        }
    }
}

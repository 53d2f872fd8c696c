//! The audit trail as FHIR R4 `AuditEvent` resources (a `searchset` Bundle for
//! `GET /v1/audit/fhir`, NDJSON for `bedside audit export`).
//!
//! One audit row becomes one `AuditEvent`, mapped with the DICOM audit event codes that
//! IHE ATNA uses for `type` (Query, Patient Record, Import, Security Alert, Audit Log
//! Used, Application Activity) and Bedside's own code system [`ACTION_SYSTEM`] for
//! `subtype` (the row's action name, e.g. `identify`). The agents, the patient entity and
//! its codes follow the IHE Basic Audit Log Patterns (BALP): the caller as the requesting
//! user agent (`IRCP` for look-ups, `AUT` for records, `INF` for imports) with its role,
//! the staff badge as performer and the second checker as verifier (GS1 GSRN as a Digital
//! Link URI), this service instance as destination, each patient concerned as an entity of
//! type Person / role Patient identified by NHS number. The events are not RESTful FHIR
//! interactions, so no BALP `meta.profile` is claimed.
//!
//! Tamper evidence travels with the export: the `bedside-audit-record` entity of every
//! event carries the row's sequence number, its time in Unix milliseconds, actor, action,
//! the stored detail JSON (base64, byte for byte), `prev_hash` and `hash`, so a reader can
//! recompute `hash = SHA-256(seq "\n" at "\n" actor "\n" action "\n" detail "\n" prev_hash)`
//! and check each `prev_hash` against the previous event, without the database.
//!
//! ```
//! use bedside::audit_fhir::{AuditRow, Context, audit_event};
//! let row = AuditRow {
//!     seq: 7,
//!     at: 1_764_000_000_000,
//!     actor: "token:demo-nurse".into(),
//!     action: "identify".into(),
//!     detail: r#"{"band_nhs_number":"9990001235","status":"match","reasons":[]}"#.into(),
//!     prev_hash: "00".repeat(32),
//!     hash: "11".repeat(32),
//! };
//! let ev = audit_event(&row, &Context::new("ward-7-server"));
//! assert_eq!(ev["resourceType"], "AuditEvent");
//! assert_eq!(ev["type"]["code"], "110112");
//! assert_eq!(ev["entity"][1]["what"]["identifier"]["value"], "9990001235");
//! ```

use std::collections::HashMap;

use base64::Engine as _;
use bedside_pix::pixm::percent_encode;
use serde_json::{Value, json};
use sqlx::Row;

use crate::db::Db;

/// Bedside's code system for `AuditEvent.subtype`: the audit row's action name.
pub const ACTION_SYSTEM: &str = "urn:bedside:audit-action";
/// Identifier system of audit rows (value: the sequence number, which is the `decision_id`).
pub const RECORD_SYSTEM: &str = "urn:bedside:audit";
/// Identifier system of API tokens (value: the token id).
pub const TOKEN_SYSTEM: &str = "urn:bedside:token";
/// The identifier system of people who sign in (`AuditEvent.agent.who`): the value is the
/// provider's `user_claim` (CIS2: the SDS user id), or `demo:<name>`.
pub const USER_SYSTEM: &str = "urn:bedside:user";
/// Identifier system of unauthenticated clients (value: the IP address).
pub const CLIENT_SYSTEM: &str = "urn:bedside:client";
/// Code system of Bedside roles (`nurse`, `pharmacist`, `admissions`, `integrator`, `admin`).
pub const ROLE_SYSTEM: &str = "urn:bedside:role";
/// Identifier system of service instances and internal actors (`feed`, `system`, `cli:…`).
pub const INSTANCE_SYSTEM: &str = "urn:bedside:instance";
/// The NHS number identifier system.
pub const NHS_NUMBER_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";
/// Identifiers whose value is a URI (GS1 Digital Link URIs for GSRN, GLN, GTIN).
pub const URI_SYSTEM: &str = "urn:ietf:rfc:3986";

const DCM: &str = "http://dicom.nema.org/resources/ontology/DCM";
const PARTICIPATION: &str = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
const ENTITY_TYPE: &str = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
const OBJECT_ROLE: &str = "http://terminology.hl7.org/CodeSystem/object-role";
const SOURCE_TYPE: &str = "http://terminology.hl7.org/CodeSystem/security-source-type";

/// One stored audit row, exactly as in the `audit` table (the trail's own
/// [`crate::audit::StoredEvent`]).
pub use crate::audit::StoredEvent as AuditRow;

/// What the mapping needs besides the row: this instance's name and the tokens' roles.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// This service instance (`AuditEvent.source.observer`, destination agent).
    pub instance: String,
    /// Token id → (role, label).
    pub tokens: HashMap<String, (String, String)>,
    /// User id (a person who signs in) → (role, display name).
    pub users: HashMap<String, (String, String)>,
}

impl Context {
    /// A context without token details.
    ///
    /// ```
    /// assert_eq!(bedside::audit_fhir::Context::new("x").instance, "x");
    /// ```
    #[must_use]
    pub fn new(instance: &str) -> Context {
        Context {
            instance: instance.to_owned(),
            tokens: HashMap::new(),
            users: HashMap::new(),
        }
    }

    /// This instance's name plus every token's role and label and every person's role
    /// and name, read from the database.
    ///
    /// # Errors
    /// Database errors.
    pub async fn load(db: &Db, instance: &str) -> Result<Context, sqlx::Error> {
        let rows = sqlx::query("SELECT id, role, label FROM tokens")
            .fetch_all(&db.pool)
            .await?;
        let mut tokens = HashMap::new();
        for r in rows {
            tokens.insert(r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?));
        }
        let rows = sqlx::query("SELECT user_id, role, display_name FROM users")
            .fetch_all(&db.pool)
            .await?;
        let mut users = HashMap::new();
        for r in rows {
            users.insert(r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?));
        }
        Ok(Context {
            instance: instance.to_owned(),
            tokens,
            users,
        })
    }
}

/// The name of this machine (for `source.observer`), from the kernel, else `bedside`.
///
/// ```
/// assert!(!bedside::audit_fhir::instance_name().is_empty());
/// ```
#[must_use]
pub fn instance_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty() && s.len() <= 255)
        .unwrap_or_else(|| "bedside".to_owned())
}

/// Reads up to `limit` rows with `seq > after` and `at >= since` (when given), in order.
///
/// # Errors
/// Database errors.
pub async fn read_rows(
    db: &Db,
    after: i64,
    since: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    crate::audit::select_events(
        db,
        "WHERE seq > $1 AND at >= $2 ORDER BY seq LIMIT $3",
        &[after, since.unwrap_or(i64::MIN), limit],
    )
    .await
}

fn coding(system: &str, code: &str, display: &str) -> Value {
    json!({"system": system, "code": code, "display": display})
}

/// (type code, type display, FHIR action code, user agent participation) per action.
fn classify(action: &str) -> (&'static str, &'static str, &'static str, &'static str) {
    match action {
        "identify" | "administration.verify" => ("110112", "Query", "E", "IRCP"),
        "administration.recorded" | "administration.refused" => {
            ("110110", "Patient Record", "C", "AUT")
        }
        "administration.replayed" => ("110110", "Patient Record", "R", "IRCP"),
        "index.feed" => ("110110", "Patient Record", "U", "INF"),
        "index.import" | "demo.seeded" | "staff.imported" | "locations.imported" => {
            ("110107", "Import", "C", "INF")
        }
        "token.created" | "token.revoked" => ("110113", "Security Alert", "E", "AUT"),
        "auth.refused" => ("110114", "User Authentication", "E", "AUT"),
        "audit.exported" => ("110101", "Audit Log Used", "R", "IRCP"),
        _ => ("110100", "Application Activity", "E", "AUT"),
    }
}

fn participation_display(code: &str) -> &'static str {
    match code {
        "IRCP" => "information recipient",
        "INF" => "informant",
        "PRF" => "performer",
        "VRF" => "verifier",
        _ => "author (originator)",
    }
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str().filter(|s| !s.is_empty())
}

fn push_unique(out: &mut Vec<String>, s: Option<&str>) {
    if let Some(s) = s
        && !out.iter().any(|x| x == s)
    {
        out.push(s.to_owned());
    }
}

/// The NHS numbers a row concerns, in a stable order: read through the row's typed facts
/// ([`bedside_ward::audit::Fact`]), so that a writer and this reader share one definition
/// of every key.
fn patients_of(action: &str, detail: &str, d: &Value) -> Vec<String> {
    match bedside_ward::audit::Fact::read(action, detail) {
        Ok(f) => f.patients(),
        // A row whose facts do not have their action's shape (written by a version before
        // the facts were typed, or by another tool): its keys are looked up by name, so
        // that no patient is dropped from the export.
        Err(_) => patients_by_key(action, d),
    }
}

/// [`patients_of`] for rows whose facts cannot be read as typed facts.
fn patients_by_key(action: &str, d: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let list = |out: &mut Vec<String>, key: &str| {
        if let Some(a) = d.get(key).and_then(Value::as_array) {
            for n in a {
                push_unique(out, n.as_str());
            }
        }
    };
    match action {
        "identify" => {
            push_unique(&mut out, str_at(d, &["band_nhs_number"]));
            push_unique(&mut out, str_at(d, &["open_record_nhs_number"]));
        }
        "index.feed" => {
            for k in [
                "nhs_numbers",
                "survivor_nhs_numbers",
                "subsumed_nhs_numbers",
            ] {
                list(&mut out, k);
            }
        }
        "index.import" => list(&mut out, "nhs_numbers"),
        _ => {
            push_unique(&mut out, str_at(d, &["nhs_number"]));
            push_unique(&mut out, str_at(d, &["identify", "band_nhs_number"]));
            push_unique(&mut out, str_at(d, &["identify", "open_record_nhs_number"]));
        }
    }
    // Only well-formed NHS numbers become identifiers.
    out.retain(|n| n.len() == 10 && n.bytes().all(|b| b.is_ascii_digit()));
    out
}

fn outcome_of(action: &str, d: &Value) -> (&'static str, String) {
    let reasons = d
        .get("reasons")
        .or_else(|| d.get("problems"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let with = |head: &str| {
        if reasons.is_empty() {
            head.to_owned()
        } else {
            format!("{head} ({reasons})")
        }
    };
    match action {
        "identify" => {
            let status = str_at(d, &["status"]).unwrap_or("unknown");
            let code = if status == "unavailable" { "4" } else { "0" };
            (code, with(&format!("decision: {status}")))
        }
        "administration.verify" | "administration.recorded" => {
            let o = str_at(d, &["outcome"]).unwrap_or("unknown");
            let mut desc = with(&format!("check outcome: {o}"));
            if let Some(r) = str_at(d, &["override_reason"]) {
                desc.push_str(&format!("; override reason: {r}"));
            }
            ("0", desc)
        }
        "administration.refused" => {
            let r = str_at(d, &["refused"]).unwrap_or("refused");
            ("4", with(&format!("not recorded: {r}")))
        }
        "auth.refused" => {
            let r = str_at(d, &["reason"]).unwrap_or("refused");
            ("4", format!("authentication refused: {r}"))
        }
        _ => ("0", "success".to_owned()),
    }
}

fn uri_identifier(uri: String) -> Value {
    json!({"identifier": {"system": URI_SYSTEM, "value": uri}})
}

fn gs1_location(d: &Value) -> Option<Value> {
    let loc = d.get("location")?.as_array()?;
    let gln = loc.first()?.as_str()?;
    let ext = loc.get(1).and_then(Value::as_str).unwrap_or("");
    if gln.len() != 13 || !gln.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut uri = format!("https://id.gs1.org/414/{gln}");
    if !ext.is_empty() {
        uri.push_str("/254/");
        uri.push_str(&percent_encode(ext));
    }
    Some(uri_identifier(uri))
}

fn agents(row: &AuditRow, d: &Value, user_type: &str, ctx: &Context) -> Vec<Value> {
    let mut out = Vec::new();
    let location = gs1_location(d);
    // The caller: a token (a person's device or an integration), or an internal actor.
    if let Some(id) = row.actor.strip_prefix("token:") {
        let mut a = json!({
            "type": {"coding": [coding(PARTICIPATION, user_type, participation_display(user_type))]},
            "who": {"identifier": {"system": TOKEN_SYSTEM, "value": id}},
            "altId": id,
            "requestor": true,
        });
        if let Some((role, label)) = ctx.tokens.get(id) {
            a["role"] = json!([{"coding": [{"system": ROLE_SYSTEM, "code": role}]}]);
            a["name"] = json!(label);
            a["who"]["display"] = json!(label);
        }
        if let Some(l) = &location {
            a["location"] = l.clone();
        }
        out.push(a);
    } else if let Some(id) = row.actor.strip_prefix("user:") {
        // A person signed in through the browser (OpenID Connect or the demo's users).
        let mut a = json!({
            "type": {"coding": [coding(PARTICIPATION, user_type, participation_display(user_type))]},
            "who": {"identifier": {"system": USER_SYSTEM, "value": id}},
            "altId": id,
            "requestor": true,
        });
        if let Some((role, name)) = ctx.users.get(id) {
            a["role"] = json!([{"coding": [{"system": ROLE_SYSTEM, "code": role}]}]);
            a["name"] = json!(name);
            a["who"]["display"] = json!(name);
        }
        if let Some(l) = &location {
            a["location"] = l.clone();
        }
        out.push(a);
    } else if let Some(ip) = row.actor.strip_prefix("client:") {
        // A client that did not authenticate: known only by its network address.
        out.push(json!({
            "type": {"coding": [coding(DCM, "110153", "Source Role ID")]},
            "who": {"identifier": {"system": CLIENT_SYSTEM, "value": ip}},
            "requestor": true,
            "network": {"address": ip, "type": "2"},
        }));
    } else {
        out.push(json!({
            "type": {"coding": [coding(DCM, "110150", "Application")]},
            "who": {"identifier": {"system": INSTANCE_SYSTEM, "value": row.actor}},
            "requestor": true,
        }));
    }
    // The people named by their badges.
    for (key, code) in [("staff", "PRF"), ("checker", "VRF")] {
        if let Some(gsrn) = str_at(d, &[key]).filter(|g| g.bytes().all(|b| b.is_ascii_digit())) {
            let mut a = json!({
                "type": {"coding": [coding(PARTICIPATION, code, participation_display(code))]},
                "who": uri_identifier(format!("https://id.gs1.org/8017/{gsrn}")),
                "requestor": false,
            });
            if let Some(l) = &location {
                a["location"] = l.clone();
            }
            out.push(a);
        }
    }
    // This service, which received the request and recorded the event.
    out.push(json!({
        "type": {"coding": [coding(DCM, "110152", "Destination Role ID")]},
        "who": {"identifier": {"system": INSTANCE_SYSTEM, "value": ctx.instance}},
        "requestor": false,
    }));
    out
}

fn record_entity(row: &AuditRow) -> Value {
    let b64 = base64::engine::general_purpose::STANDARD.encode(row.detail.as_bytes());
    json!({
        "what": {"identifier": {"system": RECORD_SYSTEM, "value": row.seq.to_string()}},
        "type": coding(ENTITY_TYPE, "2", "System Object"),
        "role": coding(OBJECT_ROLE, "13", "Security Resource"),
        "name": "bedside-audit-record",
        "description": "hash-chained audit row; hash = SHA-256(seq \\n at \\n actor \\n action \\n detail \\n prev_hash)",
        "detail": [
            {"type": "seq", "valueString": row.seq.to_string()},
            {"type": "at", "valueString": row.at.to_string()},
            {"type": "actor", "valueString": row.actor},
            {"type": "action", "valueString": row.action},
            {"type": "detail", "valueBase64Binary": b64},
            {"type": "prev_hash", "valueString": row.prev_hash},
            {"type": "hash", "valueString": row.hash},
        ],
    })
}

fn other_entities(d: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let object = |system: &str, value: String, name: &str| {
        json!({
            "what": {"identifier": {"system": system, "value": value}},
            "type": coding(ENTITY_TYPE, "2", "System Object"),
            "role": coding(OBJECT_ROLE, "4", "Domain Resource"),
            "name": name,
        })
    };
    if let Some(t) = str_at(d, &["token_id"]) {
        let mut e = object(TOKEN_SYSTEM, t.to_owned(), "API token");
        e["role"] = coding(OBJECT_ROLE, "13", "Security Resource");
        out.push(e);
    }
    if let Some(id) = d.get("administration_id").and_then(Value::as_i64) {
        out.push(object(
            "urn:bedside:administration",
            id.to_string(),
            "administration",
        ));
    }
    if let Some(o) = str_at(d, &["order"]) {
        out.push(object("urn:bedside:order", o.to_owned(), "order"));
    }
    if let Some(gtin) =
        str_at(d, &["pack", "gtin"]).filter(|g| g.bytes().all(|b| b.is_ascii_digit()))
    {
        let mut uri = format!("https://id.gs1.org/01/{gtin}");
        if let Some(b) = str_at(d, &["pack", "batch"]) {
            uri.push_str(&format!("/10/{}", percent_encode(b)));
        }
        if let Some(s) = str_at(d, &["pack", "serial"]) {
            uri.push_str(&format!("/21/{}", percent_encode(s)));
        }
        let mut e = object(URI_SYSTEM, uri, "medicine pack");
        if let Some(x) = str_at(d, &["pack", "expiry"]) {
            e["detail"] = json!([{"type": "expiry", "valueString": x}]);
        }
        out.push(e);
    }
    out
}

/// Maps one audit row to a FHIR R4 `AuditEvent` (see the module documentation).
///
/// A row whose detail is not JSON still maps (no patient entity, the detail kept in the
/// record entity), so an export never stops on one odd row.
#[must_use]
pub fn audit_event(row: &AuditRow, ctx: &Context) -> Value {
    let d: Value = serde_json::from_str(&row.detail).unwrap_or(Value::Null);
    let (type_code, type_display, action_code, user_type) = classify(&row.action);
    let mut subtype = vec![json!({"system": ACTION_SYSTEM, "code": row.action})];
    if row.action == "administration.recorded" && str_at(&d, &["override_reason"]).is_some() {
        subtype.push(json!({"system": ACTION_SYSTEM, "code": "administration.override"}));
    }
    if row.action == "auth.refused" {
        subtype.push(coding(DCM, "110122", "Login"));
    }
    if row.action == "index.feed"
        && let Some(ev) = str_at(&d, &["event"])
    {
        // ITI-8 carries link and merge; ITI-10 (A31) arrives as an update.
        let (code, display) = if ev == "update" {
            ("ITI-10", "PIX Update Notification")
        } else {
            ("ITI-8", "Patient Identity Feed")
        };
        subtype.push(coding("urn:ihe:event-type-code", code, display));
    }
    let (outcome, outcome_desc) = outcome_of(&row.action, &d);
    let mut entity = vec![record_entity(row)];
    for n in patients_of(&row.action, &row.detail, &d) {
        entity.push(json!({
            "what": {"identifier": {"system": NHS_NUMBER_SYSTEM, "value": n}},
            "type": coding(ENTITY_TYPE, "1", "Person"),
            "role": coding(OBJECT_ROLE, "1", "Patient"),
        }));
    }
    entity.extend(other_entities(&d));
    json!({
        "resourceType": "AuditEvent",
        "id": format!("bedside-audit-{}", row.seq),
        "type": coding(DCM, type_code, type_display),
        "subtype": subtype,
        "action": action_code,
        "recorded": crate::clock::rfc3339(row.at),
        "outcome": outcome,
        "outcomeDesc": outcome_desc,
        "agent": agents(row, &d, user_type, ctx),
        "source": {
            "site": ctx.instance,
            "observer": {
                "identifier": {"system": INSTANCE_SYSTEM, "value": ctx.instance},
                "display": "Bedside positive patient identification service",
            },
            "type": [coding(SOURCE_TYPE, "4", "Application Server")],
        },
        "entity": entity,
    })
}

/// A deterministic `urn:uuid:` for an event, from its row hash (stable across exports).
///
/// ```
/// let u = bedside::audit_fhir::entry_urn(&"ab".repeat(32));
/// assert_eq!(u, "urn:uuid:abababab-abab-8bab-abab-abababababab");
/// ```
#[must_use]
pub fn entry_urn(hash: &str) -> String {
    let h: String = hash
        .chars()
        .filter(char::is_ascii_hexdigit)
        .chain(std::iter::repeat('0'))
        .take(32)
        .collect();
    // RFC 9562 version 8 (custom) with the variant bits set, so it is a valid UUID.
    let variant = u8::from_str_radix(&h[16..17], 16).unwrap_or(0) & 0x3 | 0x8;
    format!(
        "urn:uuid:{}-{}-8{}-{:x}{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        variant,
        &h[17..20],
        &h[20..32]
    )
}

//! The JSON bodies of the HTTP API as Rust types: what each endpoint reads and answers.
//!
//! Domain values (`identify::Decision`, `medicines::Evaluation`, `audit::VerifyReport`, …)
//! are turned into these at the edge, field by field; the handlers serialise only these.
//! Every type derives [`JsonSchema`] with the real constraints (lengths, patterns, ranges,
//! enumerations), and `tests/openapi.rs` compares the schema of each with its component in
//! `openapi.json` keyword by keyword, so the document cannot drift from the code.
//!
//! Names on the wire are a scripted contract: an enum here lists every value a field can
//! take, and the `From` conversions are exhaustive matches, so a new domain value does not
//! compile until it is named here (and then the contract test asks for it in the document).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use crate::identify::{ConfirmPatient, Gs1Fault, Reason, ReasonCode, Status};
use crate::medicines::{
    Evaluation, OrderInfo, Outcome, OverrideReason, PackInfo, ProblemCode, ProductSource, Right,
    Severity,
};

/// Longest scan accepted (characters), in every request that carries one.
pub const MAX_SCAN: usize = 4096;

/// The format the document gives an NHS number in a request: ten digits, optionally grouped
/// 3 3 4 with single spaces, the tenth the modulus 11 check digit of the first nine, not all
/// ten the same digit (and outside the 999 test range unless `allow_test_nhs_numbers`). No
/// JSON Schema pattern can say the check digit, so the format carries the whole rule; the
/// service refuses a number that breaks it with 422 `invalid_request`.
pub const NHS_NUMBER_FORMAT: &str = "nhs-number";

fn nhs_number_input(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "anyOf": [
            { "type": "string", "format": NHS_NUMBER_FORMAT },
            { "type": "null" },
        ],
    })
}

fn nhs_number_input_required(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "format": NHS_NUMBER_FORMAT })
}

/// `POST /v1/identify` body.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentifyRequest {
    /// Raw scan data (AIM identifier, GS bytes or the configured substitute).
    #[schemars(length(min = 1, max = 4096))]
    pub scan: String,
    /// NHS number of the record open on the caller's screen (null: none).
    #[serde(default)]
    #[schemars(schema_with = "nhs_number_input")]
    pub open_patient_nhs_number: Option<String>,
}

/// The body of both administration endpoints (`POST /v1/administrations/verify` refuses
/// `override_reason`: the document's `AdministrationCheckRequest` says so).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdministrationRequest {
    /// Wristband scan.
    #[schemars(length(min = 1, max = 4096))]
    pub patient_scan: String,
    /// Medicine pack scan.
    #[schemars(length(min = 1, max = 4096))]
    pub product_scan: String,
    /// Giver's staff badge scan (8017).
    #[schemars(length(min = 1, max = 4096))]
    pub staff_scan: String,
    /// Second checker's badge scan (high-risk medicines).
    #[serde(default)]
    #[schemars(length(max = 4096))]
    pub checker_scan: Option<String>,
    /// The second checker's PIN (4 to 8 digits). Asked for when the caller is a person
    /// signed in through the browser and a checker badge is scanned (`checker_pin_required`
    /// otherwise); not asked of API tokens. Never stored or echoed; each one typed is
    /// audited (`pin.checked`) and five wrong in a row lock the badge for 15 minutes.
    #[serde(default)]
    #[schemars(regex(pattern = r"^[0-9]{4,8}$"))]
    pub checker_pin: Option<String>,
    /// Location scan (414 + 254).
    #[serde(default)]
    #[schemars(length(max = 4096))]
    pub location_scan: Option<String>,
    /// Units given (tablets, ml, syringes…), more than 0 and at most 1000.
    #[schemars(extend("exclusiveMinimum" = 0, "maximum" = 1000))]
    pub quantity: f64,
    /// Route of administration: 1 to 40 printable ASCII characters (route codes such as
    /// `oral`).
    #[schemars(length(min = 1, max = 40), regex(pattern = "^[ -~]+$"))]
    pub route: String,
    /// The order, when the patient has several for this medicine: 1 to 64 printable ASCII
    /// characters.
    #[serde(default)]
    #[schemars(length(min = 1, max = 64), regex(pattern = "^[ -~]+$"))]
    pub order_id: Option<String>,
    /// NHS number of the record open on screen (null: none).
    #[serde(default)]
    #[schemars(schema_with = "nhs_number_input")]
    pub open_patient_nhs_number: Option<String>,
    /// Reason code overriding `warn` problems (recording only; one of
    /// [`OverrideReason::NAMES`], checked by the handler so that a wrong value is never
    /// echoed).
    #[serde(default)]
    #[schemars(schema_with = "override_reason")]
    pub override_reason: Option<String>,
}

fn override_reason(_: &mut SchemaGenerator) -> Schema {
    let mut names: Vec<serde_json::Value> = OverrideReason::NAMES
        .iter()
        .map(|n| serde_json::Value::from(*n))
        .collect();
    names.push(serde_json::Value::Null);
    json_schema!({ "type": ["string", "null"], "enum": names })
}

fn override_reasons(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "items": { "type": "string", "enum": OverrideReason::NAMES },
        "minItems": 1,
    })
}

impl AdministrationRequest {
    /// The rules of the document that serde does not check: `route` and `order_id` are
    /// printable ASCII of 1 to 40 and 1 to 64 characters (the checks count their bytes).
    ///
    /// ```
    /// let mut r: bedside::server::dto::AdministrationRequest = serde_json::from_str(
    ///     r#"{"patient_scan":"a","product_scan":"b","staff_scan":"c","quantity":1,"route":"oral"}"#,
    /// ).unwrap();
    /// assert!(r.check().is_ok());
    /// r.route = "\u{e9}".repeat(30);
    /// assert!(r.check().is_err());
    /// ```
    ///
    /// # Errors
    /// What is wrong, in words that quote no value.
    pub fn check(&self) -> Result<(), &'static str> {
        let ascii = |s: &str, max: usize| {
            (1..=max).contains(&s.len()) && s.bytes().all(|b| (0x20..=0x7e).contains(&b))
        };
        if !ascii(&self.route, 40) {
            return Err("route must be 1 to 40 printable ASCII characters");
        }
        if self.order_id.as_deref().is_some_and(|o| !ascii(o, 64)) {
            return Err("order_id must be 1 to 64 printable ASCII characters");
        }
        if self
            .checker_pin
            .as_deref()
            .is_some_and(|p| !crate::users::pin_form(p))
        {
            return Err("checker_pin must be 4 to 8 digits");
        }
        Ok(())
    }
}

impl From<AdministrationRequest> for crate::medicines::AdministrationRequest {
    fn from(r: AdministrationRequest) -> Self {
        crate::medicines::AdministrationRequest {
            patient_scan: r.patient_scan,
            product_scan: r.product_scan,
            staff_scan: r.staff_scan,
            checker_scan: r.checker_scan,
            location_scan: r.location_scan,
            quantity: r.quantity,
            route: r.route,
            order_id: r.order_id,
            open_patient_nhs_number: r.open_patient_nhs_number,
            override_reason: r.override_reason,
        }
    }
}

/// `POST /v1/wristbands` body.
///
/// ```
/// use bedside::server::dto::WristbandRequest;
/// let r: WristbandRequest =
///     serde_json::from_str(r#"{"nhs_number":"9990001235","format":"pdf"}"#).unwrap();
/// assert_eq!(r.size, "adult");
/// assert!(serde_json::from_str::<WristbandRequest>(r#"{"nhs_number":"1","format":"pdf","family":"X"}"#).is_err());
/// ```
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WristbandRequest {
    /// The patient.
    #[schemars(schema_with = "nhs_number_input_required")]
    pub nhs_number: String,
    /// `pdf`, `png` or `zpl`; ignored when `printer` is given (ZPL is sent).
    #[serde(default = "default_format")]
    #[schemars(extend("enum" = ["pdf", "png", "zpl"]))]
    pub format: String,
    /// `adult`, `child` or `neonate`.
    #[serde(default = "default_size")]
    #[schemars(extend("enum" = ["adult", "child", "neonate"]))]
    pub size: String,
    /// 203 or 300.
    #[serde(default = "default_dpi", deserialize_with = "whole_number")]
    #[schemars(extend("enum" = [203, 300]))]
    pub dpi: u32,
    /// Alert band (red media).
    #[serde(default)]
    pub alert: bool,
    /// Add a GS1-128 of (8018)(8019).
    #[serde(default)]
    pub gs1_128: bool,
    /// Copies, 1-99.
    #[serde(default = "default_copies", deserialize_with = "whole_number")]
    #[schemars(range(min = 1, max = 99))]
    pub copies: u32,
    /// Which of the patient's hospital numbers to print, when there are several.
    #[serde(default)]
    pub hospital_number: Option<String>,
    /// PNG only: turned for a screen.
    #[serde(default)]
    pub landscape: bool,
    /// A printer named in the configuration (`printers`): print there and confirm. The
    /// committed document describes an instance without printers (only null); the
    /// document an instance serves lists its own names ([`served_document`]).
    #[serde(default)]
    #[schemars(schema_with = "no_printer")]
    pub printer: Option<String>,
}

fn no_printer(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "null" })
}

/// The OpenAPI document this instance serves: `openapi.json` as committed when no printer
/// is configured, otherwise with `WristbandRequest.printer` naming the configured printers
/// (any other name is refused, 422).
///
/// ```
/// use bedside::server::{OPENAPI, dto::served_document};
/// assert_eq!(served_document(&[]), OPENAPI);
/// let doc: serde_json::Value =
///     serde_json::from_str(&served_document(&["ward7".to_owned()])).unwrap();
/// assert_eq!(
///     doc["components"]["schemas"]["WristbandRequest"]["properties"]["printer"]["enum"],
///     serde_json::json!(["ward7", null])
/// );
/// ```
#[must_use]
pub fn served_document(printers: &[String]) -> String {
    if printers.is_empty() {
        return super::OPENAPI.to_owned();
    }
    let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(super::OPENAPI) else {
        return super::OPENAPI.to_owned();
    };
    if let Some(p) = doc
        .pointer_mut("/components/schemas/WristbandRequest/properties/printer")
        .and_then(serde_json::Value::as_object_mut)
    {
        let mut names: Vec<serde_json::Value> = printers
            .iter()
            .map(|n| serde_json::Value::String(n.clone()))
            .collect();
        names.push(serde_json::Value::Null);
        p.insert("type".into(), serde_json::json!(["string", "null"]));
        p.insert("enum".into(), serde_json::Value::Array(names));
    }
    serde_json::to_string_pretty(&doc).map_or_else(
        |_| super::OPENAPI.to_owned(),
        |mut t| {
            t.push('\n');
            t
        },
    )
}

/// A JSON Schema `integer` is any number without a fractional part, `2.0` included: read
/// it as such (serde alone refuses `2.0` for an integer field).
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    struct Whole;
    impl serde::de::Visitor<'_> for Whole {
        type Value = u32;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a whole number")
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<u32, E> {
            u32::try_from(v)
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<u32, E> {
            u32::try_from(v).map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(v), &self))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<u32, E> {
            if v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v) {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Ok(v as u32)
            } else {
                Err(E::invalid_value(serde::de::Unexpected::Float(v), &self))
            }
        }
    }
    d.deserialize_any(Whole)
}

fn default_format() -> String {
    "pdf".into()
}
fn default_size() -> String {
    "adult".into()
}
fn default_dpi() -> u32 {
    300
}
fn default_copies() -> u32 {
    1
}

/// `GET /healthz`: `{"status":"ok"}`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: Alive,
}

/// The one liveness answer.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(inline)]
pub enum Alive {
    /// The process answers.
    Ok,
}

/// `GET /readyz` when ready.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Ready {
    /// Always `ready`.
    pub status: Readiness,
    /// The database backend that answered.
    pub database: DatabaseKind,
    /// The PIX manager: `not_configured` or `reachable` (unreachable is a 503 problem).
    pub pix: PixReadiness,
}

/// The one readiness answer.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(inline)]
pub enum Readiness {
    /// Database and PIX manager (when configured) answer.
    Ready,
}

/// A database backend.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(inline)]
pub enum DatabaseKind {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl From<crate::db::Backend> for DatabaseKind {
    fn from(b: crate::db::Backend) -> Self {
        match b {
            crate::db::Backend::Sqlite => DatabaseKind::Sqlite,
            crate::db::Backend::Postgres => DatabaseKind::Postgres,
        }
    }
}

/// The PIX manager's state for readiness.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(inline)]
pub enum PixReadiness {
    /// No PIX manager is configured.
    NotConfigured,
    /// The PIX manager accepts connections.
    Reachable,
}

/// `POST /v1/administrations/{id}/entered-in-error` body.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnteredInErrorRequest {
    /// Why the record is wrong (kept with it and in the audit trail), e.g. "recorded
    /// against the wrong dose time; the dose was given at 14:00".
    #[schemars(length(min = 1, max = 500))]
    pub reason: String,
}

/// `POST /v1/administrations/{id}/entered-in-error` answer: the record's correction.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EnteredInErrorAnswer {
    /// The administration's id.
    pub administration_id: i64,
    /// When it was marked entered in error (Unix ms).
    pub entered_in_error_at: i64,
    /// Who marked it (the audit actor, `token:ID`).
    pub entered_in_error_by: String,
    /// Why.
    pub reason: String,
    /// True when the record was already marked before this request: the first marking
    /// stands and nothing changed.
    pub already: bool,
}

impl From<&crate::administrations::EnteredInError> for EnteredInErrorAnswer {
    fn from(m: &crate::administrations::EnteredInError) -> Self {
        Self {
            administration_id: m.administration_id,
            entered_in_error_at: m.at,
            entered_in_error_by: m.by.clone(),
            reason: m.reason.clone(),
            already: m.already,
        }
    }
}

/// How the caller signed in.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SignedInBy {
    /// An API token (`Authorization: Bearer`).
    Token,
    /// A browser session through the OpenID Connect provider.
    Oidc,
    /// A browser session as one of the demo's users (demo data on, no `oidc`).
    Demo,
}

/// `GET /v1/me` (and the answer to the sign-in and account operations): who is acting.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Me {
    /// The person acting (`user_claim` of their sign-in; in a hand-over, the person who
    /// took over), or `token:<id>` for an API token.
    pub user: String,
    /// Their name (a token's label).
    pub display_name: String,
    /// The role in force.
    #[schemars(schema_with = "role")]
    pub role: &'static str,
    /// How the caller signed in.
    pub signed_in_by: SignedInBy,
    /// The token id (tokens only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_id: Option<String>,
    /// The staff badge (GSRN) of the person acting: the one they linked, or the token's;
    /// null when none.
    pub badge: Option<String>,
    /// Whether the person acting has set a hand-over PIN (always false for tokens).
    pub has_pin: bool,
    /// When the session ends at the latest (RFC 3339; null for tokens).
    pub session_expires_at: Option<String>,
    /// Present while another person has taken over this session for one task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handover: Option<MeHandover>,
}

/// The session's own person while someone else acts in it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MeHandover {
    /// The person signed in on this device.
    pub signed_in_user: String,
    /// Their name.
    pub signed_in_display_name: String,
}

/// `POST /auth/logout` answer to `Accept: application/json`: where the browser goes next.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SignedOut {
    /// The provider's sign-out page, or this service's sign-in page.
    pub redirect: String,
}

/// A demo user offered by name on the sign-in page.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DemoUserBody {
    /// Their user id (`demo:<name>`), the body of `POST /auth/demo`.
    pub user: String,
    /// Their name.
    pub display_name: String,
    /// Their role.
    #[schemars(schema_with = "role")]
    pub role: &'static str,
}

/// `GET /auth/methods`: how people can sign in here (no authentication needed).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AuthMethods {
    /// Whether the OpenID Connect provider is configured (`GET /auth/login`).
    pub oidc: bool,
    /// The demo's users, signed in by name with `POST /auth/demo`; empty unless demo data
    /// is on and `oidc` is not configured.
    pub demo_users: Vec<DemoUserBody>,
    /// Whether API tokens are accepted (always true: machines use them).
    pub tokens: bool,
}

/// `POST /auth/demo` body.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DemoSignInRequest {
    /// A `user` from `GET /auth/methods`' `demo_users`.
    #[schemars(length(min = 1, max = 100))]
    pub user: String,
}

/// `PUT /v1/me/badge` body.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BadgeLinkRequest {
    /// The scan of the person's own staff badge (AI 8017), as the scanner sends it.
    #[schemars(length(min = 1, max = 4096))]
    pub badge_scan: String,
}

/// `PUT /v1/users/{user}/badge` body (admin).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BadgeSetRequest {
    /// The badge's GSRN (18 digits, GS1 check digit), an active badge of the staff register.
    #[schemars(regex(pattern = r"^[0-9]{18}$"))]
    pub badge: String,
}

/// `PUT /v1/users/{user}/badge` answer.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct UserBadge {
    /// The user.
    pub user: String,
    /// Their name.
    pub display_name: String,
    /// The linked badge (null after `DELETE`).
    pub badge: Option<String>,
}

/// `PUT /v1/me/pin` body.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PinRequest {
    /// The new PIN: 4 to 8 digits, not one digit repeated, not a run such as 1234.
    #[schemars(regex(pattern = r"^[0-9]{4,8}$"))]
    pub pin: String,
}

/// `POST /v1/me/handover` body.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverRequest {
    /// The scan of the badge of the person taking over (linked by them after signing in).
    #[schemars(length(min = 1, max = 4096))]
    pub badge_scan: String,
    /// Their PIN.
    #[schemars(regex(pattern = r"^[0-9]{4,8}$"))]
    pub pin: String,
}

/// `POST /v1/identify` answer.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct IdentifyResponse {
    /// The decision.
    #[schemars(schema_with = "identify_status")]
    pub status: &'static str,
    /// Why not a match (empty for a match).
    pub reasons: Vec<ReasonBody>,
    /// The audit row of the decision.
    pub decision_id: i64,
    /// For a match, the words to confirm with the patient; otherwise the first reason's.
    pub message: String,
    /// Only for a match: the identity to confirm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient: Option<PatientBody>,
    /// Only for a match: the sources that agreed (`band`, `index`, `pix`, `record`,
    /// `open_record`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "sources")]
    pub sources: Option<Vec<&'static str>>,
}

impl IdentifyResponse {
    /// The answer to `decision`, audited as row `decision_id`.
    #[must_use]
    pub fn new(decision: &crate::identify::Decision, decision_id: i64) -> Self {
        let reasons: Vec<ReasonBody> = decision.reasons().iter().map(ReasonBody::from).collect();
        match decision {
            crate::identify::Decision::Match(m) => {
                let p = m.confirm();
                IdentifyResponse {
                    status: decision.status().as_str(),
                    reasons,
                    decision_id,
                    message: format!(
                        "Confirm with the patient: {}, born {}, NHS number {}.",
                        p.display_name, p.date_of_birth, p.nhs_number_display
                    ),
                    patient: Some(PatientBody::from(&p)),
                    sources: Some(m.sources().to_vec()),
                }
            }
            _ => IdentifyResponse {
                status: decision.status().as_str(),
                message: reasons
                    .first()
                    .map(|r| r.message.clone())
                    .unwrap_or_default(),
                reasons,
                decision_id,
                patient: None,
                sources: None,
            },
        }
    }
}

/// The sources a match can name (`sources[]`).
pub const SOURCES: [&str; 5] = ["band", "index", "pix", "record", "open_record"];

fn sources(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": ["array", "null"],
        "items": { "type": "string", "enum": SOURCES },
        "minItems": 1,
        "uniqueItems": true,
    })
}

/// One identification reason.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "Reason")]
pub struct ReasonBody {
    /// Machine code.
    #[schemars(schema_with = "reason_code")]
    pub code: &'static str,
    /// Plain words, no patient data.
    pub message: String,
    /// GS1 details, only for `gs1_invalid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gs1: Option<Gs1FaultBody>,
}

impl From<&Reason> for ReasonBody {
    fn from(r: &Reason) -> Self {
        ReasonBody {
            code: r.code.as_str(),
            message: r.message.clone(),
            gs1: r.gs1.as_ref().map(Gs1FaultBody::from),
        }
    }
}

/// The GS1 fault behind `gs1_invalid`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(inline)]
pub struct Gs1FaultBody {
    /// Stable class name (`BAD_CHECK_DIGIT`, …).
    #[schemars(regex(pattern = "^[A-Z][A-Z0-9_]*$"))]
    pub class: &'static str,
    /// Byte offset in the scan.
    pub offset: u64,
    /// The AI at fault, if any.
    pub ai: Option<String>,
}

impl From<&Gs1Fault> for Gs1FaultBody {
    fn from(g: &Gs1Fault) -> Self {
        Gs1FaultBody {
            class: g.class,
            offset: u64::try_from(g.offset).unwrap_or(u64::MAX),
            ai: g.ai.clone(),
        }
    }
}

/// The identity to confirm with the patient, in NPSA display form.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "Patient")]
pub struct PatientBody {
    /// 10 digits.
    #[schemars(regex(pattern = "^[0-9]{10}$"))]
    pub nhs_number: String,
    /// `943 476 5919`.
    #[schemars(regex(pattern = "^[0-9]{3} [0-9]{3} [0-9]{4}$"))]
    pub nhs_number_display: String,
    /// FAMILY.
    pub family: String,
    /// Given.
    pub given: String,
    /// `18-Jan-1980`.
    pub date_of_birth: String,
    /// `FAMILY, Given`.
    pub display_name: String,
}

impl From<&ConfirmPatient> for PatientBody {
    fn from(p: &ConfirmPatient) -> Self {
        PatientBody {
            nhs_number: p.nhs_number.clone(),
            nhs_number_display: p.nhs_number_display.clone(),
            family: p.family.clone(),
            given: p.given.clone(),
            date_of_birth: p.date_of_birth.clone(),
            display_name: p.display_name.clone(),
        }
    }
}

/// A string whose values are a domain enum's names, taken from the domain's own table
/// (`ALL` and `as_str`): the wire names are written once, in `bedside-ward`.
fn names(values: impl IntoIterator<Item = &'static str>) -> Schema {
    let names: Vec<&str> = values.into_iter().collect();
    json_schema!({ "type": "string", "enum": names })
}

fn problem_code(_: &mut SchemaGenerator) -> Schema {
    names(ProblemCode::ALL.iter().map(|c| c.as_str()))
}

fn reason_code(_: &mut SchemaGenerator) -> Schema {
    names(ReasonCode::NAMES.iter().copied())
}

fn identify_status(_: &mut SchemaGenerator) -> Schema {
    names(Status::NAMES.iter().copied())
}

fn role(_: &mut SchemaGenerator) -> Schema {
    names(super::auth::Role::NAMES.iter().copied())
}

fn right(_: &mut SchemaGenerator) -> Schema {
    names(Right::NAMES.iter().copied())
}

fn severity(_: &mut SchemaGenerator) -> Schema {
    names(Severity::NAMES.iter().copied())
}

fn outcome(_: &mut SchemaGenerator) -> Schema {
    names(Outcome::NAMES.iter().copied())
}

fn outcome_or_null(g: &mut SchemaGenerator) -> Schema {
    let one = outcome(g);
    json_schema!({ "anyOf": [one, { "type": "null" }] })
}

/// One failed administration check.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "AdministrationProblem")]
pub struct ProblemItem {
    /// Which right.
    #[schemars(schema_with = "right")]
    pub right: &'static str,
    /// Machine code.
    #[schemars(schema_with = "problem_code")]
    pub code: &'static str,
    /// Block or warn.
    #[schemars(schema_with = "severity")]
    pub severity: &'static str,
    /// Plain words. No patient identifiers.
    pub message: String,
    /// For `patient_not_confirmed`: the identification reasons.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("minItems" = 1))]
    pub reasons: Vec<ReasonBody>,
}

impl From<&crate::medicines::Problem> for ProblemItem {
    fn from(p: &crate::medicines::Problem) -> Self {
        ProblemItem {
            right: p.right.as_str(),
            code: p.code.as_str(),
            severity: p.severity.as_str(),
            message: p.message.clone(),
            reasons: p.reasons.iter().map(ReasonBody::from).collect(),
        }
    }
}

/// The order a dose belongs to.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "Order")]
pub struct OrderBody {
    /// Order id.
    pub id: String,
    /// The dm+d id ordered: a VMP, or the VTM or AMP `level` names (the name is kept
    /// from when every order was at VMP level).
    pub vmp_id: String,
    /// `vtm`, `vmp` or `amp`: the level of `vmp_id`. A VTM order is met by any product of
    /// the moiety, an AMP order only by that brand.
    #[schemars(schema_with = "medicine_level")]
    pub level: String,
    /// Prescribed dose, e.g. `1 g`, or a range `2.5 mg to 5 mg`.
    pub dose: String,
    /// Route.
    pub route: String,
    /// `regular` or `prn`.
    #[schemars(extend("enum" = ["regular", "prn"]))]
    pub kind: String,
}

fn medicine_level(_: &mut SchemaGenerator) -> Schema {
    names(crate::medicines::MedicineLevel::NAMES.iter().copied())
}

impl From<&OrderInfo> for OrderBody {
    fn from(o: &OrderInfo) -> Self {
        OrderBody {
            id: o.id.clone(),
            vmp_id: o.vmp_id.clone(),
            level: o.level.as_str().to_owned(),
            dose: o.dose.clone(),
            route: o.route.clone(),
            kind: o.kind.as_str().to_owned(),
        }
    }
}

/// The medicine pack scanned.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "Pack")]
pub struct PackBody {
    /// GTIN (14 digits).
    #[schemars(regex(pattern = "^[0-9]{14}$"))]
    pub gtin: String,
    /// Product name, when known.
    pub name: Option<String>,
    /// Batch.
    pub batch: Option<String>,
    /// Expiry (`DD-Mmm-YYYY`, last valid day).
    pub expiry: Option<String>,
    /// Serial.
    pub serial: Option<String>,
    /// High risk: a second checker is required (a Schedule 2 or 3 controlled drug, or
    /// on the trust's high-risk list).
    pub high_risk: bool,
    /// Where the product's catalogue entry comes from; absent when the GTIN is unknown.
    pub catalogue: Option<CatalogueBody>,
}

/// The catalogue a product was found in.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CatalogueKind {
    /// NHSBSA dm+d.
    Dmd,
    /// The trust's list of packs missing from dm+d (`bedside import products`), which
    /// wins over dm+d for its GTIN.
    Local,
}

/// Where a product's catalogue entry comes from.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "CatalogueSource")]
pub struct CatalogueBody {
    /// `dmd` or `local`.
    pub source: CatalogueKind,
    /// The dm+d release (`YYYY-MM-DD`), for `dmd`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// Pharmacy's note on the local row, for `local`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl From<&PackInfo> for PackBody {
    fn from(p: &PackInfo) -> Self {
        PackBody {
            gtin: p.gtin.clone(),
            name: p.name.clone(),
            batch: p.batch.clone(),
            expiry: p.expiry.clone(),
            serial: p.serial.clone(),
            high_risk: p.high_risk,
            catalogue: p.catalogue.as_ref().map(|c| match c {
                ProductSource::Dmd { release } => CatalogueBody {
                    source: CatalogueKind::Dmd,
                    release: Some(release.clone()),
                    note: None,
                },
                ProductSource::Local { note } => CatalogueBody {
                    source: CatalogueKind::Local,
                    release: None,
                    note: Some(note.clone()),
                },
            }),
        }
    }
}

/// The answer of both administration endpoints: the check, and when recorded the record.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AdministrationCheck {
    /// Give, warn or stop.
    #[schemars(schema_with = "outcome")]
    pub outcome: &'static str,
    /// Failed checks.
    pub problems: Vec<ProblemItem>,
    /// The identity to confirm (null unless the patient was matched).
    pub patient: Option<PatientBody>,
    /// The order (null when none was found).
    pub order: Option<OrderBody>,
    /// The pack (null when the scan is not a medicine pack).
    pub pack: Option<PackBody>,
    /// The dose the scanned quantity gives, e.g. `1 g`.
    pub dose_given: Option<String>,
    /// Due time (Unix ms) of the dose this would record.
    pub due_at: Option<i64>,
    /// Due time for people, in London (`14:00 GMT on 25-Nov-2026`).
    pub due_display: Option<String>,
    /// Only on a clock-change day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_note: Option<String>,
    /// Only for `warn`: the override reason codes that answer every warning.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "override_reasons")]
    pub override_reasons: Vec<&'static str>,
    /// Recording only: the administration row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub administration_id: Option<i64>,
    /// Recording only: true when this repeated an already recorded dose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replayed: Option<bool>,
    /// The audit row.
    pub decision_id: i64,
}

impl AdministrationCheck {
    /// The answer to a check audited as row `decision_id`.
    #[must_use]
    pub fn checked(ev: &Evaluation, decision_id: i64) -> Self {
        AdministrationCheck {
            outcome: ev.outcome.as_str(),
            problems: ev.problems.iter().map(ProblemItem::from).collect(),
            patient: ev.patient.as_ref().map(PatientBody::from),
            order: ev.order.as_ref().map(OrderBody::from),
            pack: ev.pack.as_ref().map(PackBody::from),
            dose_given: ev.dose_given.clone(),
            due_at: ev.due_at,
            due_display: ev.due_display.clone(),
            due_note: ev.due_note.clone(),
            override_reasons: ev.override_reasons.iter().map(|r| r.as_str()).collect(),
            administration_id: None,
            replayed: None,
            decision_id,
        }
    }

    /// The answer to a recorded (or replayed) dose.
    #[must_use]
    pub fn recorded(ev: &Evaluation, rec: &crate::medicines::Recorded) -> Self {
        AdministrationCheck {
            administration_id: Some(rec.administration_id),
            replayed: Some(rec.replayed),
            ..AdministrationCheck::checked(ev, rec.decision_id)
        }
    }
}

/// `GET /v1/audit/verify` (and `verification` in `GET /v1/audit/events`).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AuditReport {
    /// Rows checked.
    #[schemars(range(min = 0))]
    pub rows: i64,
    /// True when every link holds and the head matches the last row.
    pub ok: bool,
    /// The first broken link (null when `ok`).
    pub first_broken: Option<BrokenLinkBody>,
}

/// The first broken link of the chain.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(inline)]
pub struct BrokenLinkBody {
    /// The row at fault (or the head's sequence number).
    pub seq: i64,
    /// What is wrong.
    pub reason: String,
}

impl From<&crate::audit::VerifyReport> for AuditReport {
    fn from(r: &crate::audit::VerifyReport) -> Self {
        AuditReport {
            rows: r.rows,
            ok: r.ok,
            first_broken: r.first_broken.as_ref().map(|b| BrokenLinkBody {
                seq: b.seq,
                reason: b.reason.clone(),
            }),
        }
    }
}

/// A SHA-256 in lower-case hex.
fn sha256_hex(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "pattern": "^[0-9a-f]{64}$" })
}

/// One audit row exactly as stored.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AuditEvent {
    /// Sequence number, 1, 2, ….
    #[schemars(range(min = 1))]
    pub seq: i64,
    /// Unix milliseconds.
    pub at: i64,
    /// Who: `user:<id>` (a person signed in), `token:<id>` (an API token),
    /// `client:<address>` (unauthenticated), or the service's own name.
    pub actor: String,
    /// A `user:` actor's name as they last signed in (not part of the hashed row); null
    /// for other actors.
    pub actor_name: Option<String>,
    /// What.
    pub action: String,
    /// The event's facts: JSON text exactly as stored and hashed.
    pub detail: String,
    /// The previous row's hash (64 zeros for row 1).
    #[schemars(schema_with = "sha256_hex")]
    pub prev_hash: String,
    /// This row's hash.
    #[schemars(schema_with = "sha256_hex")]
    pub hash: String,
}

impl From<&crate::audit::StoredEvent> for AuditEvent {
    fn from(e: &crate::audit::StoredEvent) -> Self {
        AuditEvent {
            seq: e.seq,
            at: e.at,
            actor: e.actor.clone(),
            actor_name: None,
            action: e.action.clone(),
            detail: e.detail.clone(),
            prev_hash: e.prev_hash.clone(),
            hash: e.hash.clone(),
        }
    }
}

/// `GET /v1/audit/events`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AuditEvents {
    /// Newest first.
    pub events: Vec<AuditEvent>,
    /// Pass as `before` for the next (older) page; null on the last page.
    #[schemars(range(min = 1))]
    pub next_before: Option<i64>,
    /// The whole chain recomputed; null with `verify=false`.
    pub verification: Option<AuditReport>,
}

/// `GET /v1/printers`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Printers {
    /// The configured printer names (never their addresses).
    pub printers: Vec<String>,
}

/// `POST /v1/wristbands` with `printer`: the printer's confirmation.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PrintConfirmation {
    /// Always true (a failure is a problem).
    pub printed: bool,
    /// The printer's name.
    pub printer: String,
    /// The job id printed on the label.
    pub job: String,
    /// Bytes sent.
    #[schemars(range(min = 0))]
    pub bytes: u64,
    /// What to do next.
    pub message: String,
}

/// `POST /v1/decode`: the symbols read in one camera frame. Nothing here is stored,
/// logged or audited; a symbol becomes a scan when the page sends its `scan` on to
/// `POST /v1/identify` or the medicines check.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DecodeAnswer {
    /// Every distinct symbol read, in the order found; empty when the frame held none the
    /// reader could read in its time budget.
    pub symbols: Vec<DecodedSymbol>,
    /// The reader's time budget for a camera frame ended before it had tried every step:
    /// the frame may hold a symbol not read this time, so send the next frame.
    pub timed_out: bool,
    /// The frame's width in pixels.
    #[schemars(range(min = 1))]
    pub width: u32,
    /// The frame's height in pixels.
    #[schemars(range(min = 1))]
    pub height: u32,
}

/// One symbol read from a camera frame.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DecodedSymbol {
    /// The AIM symbology identifier: `]d2` GS1 DataMatrix, `]d1` Data Matrix, `]C1`
    /// GS1-128, `]C0` Code 128 (and the other modifiers the reader reports).
    #[schemars(length(min = 3, max = 3), regex(pattern = r"^\][A-Za-z][0-9A-Za-z]$"))]
    pub aim: String,
    /// The data as a scanner sends it after the AIM identifier, FNC1 separators as GS
    /// (U+001D); bytes that are not UTF-8 show as U+FFFD (never the case for valid GS1).
    pub data: String,
    /// `aim` followed by `data`: exactly what a scanner in AIM mode sends, the `scan` to
    /// give `POST /v1/identify` or the medicines check.
    pub scan: String,
    /// Whether the AIM identifier says GS1 (`]d2`, `]C1`, `]Q3`) and the data passed GS1
    /// validation (syntax, check digits, the AI dictionary's rules).
    pub gs1: bool,
    /// Why the symbol is not valid GS1 (null when `gs1` is true).
    pub gs1_error: Option<String>,
    /// The validated GS1 message in bracketed form, `(8018)…(8019)…` (null unless `gs1`).
    pub hri: Option<String>,
    /// The symbol's outline in frame pixels as the reader found it (corners for Data
    /// Matrix, the ends of the scan line for Code 128); null when the reader gave none.
    pub position: Option<Vec<FramePoint>>,
}

/// A point in frame pixels (x to the right, y down, from the top left corner).
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
pub struct FramePoint {
    /// Column.
    pub x: f32,
    /// Row.
    pub y: f32,
}

impl From<&bedside_barcode::reader::Symbol> for DecodedSymbol {
    fn from(s: &bedside_barcode::reader::Symbol) -> Self {
        let data = String::from_utf8_lossy(s.data()).into_owned();
        let gs1 = s.gs1();
        DecodedSymbol {
            aim: s.aim().to_owned(),
            scan: format!("{}{data}", s.aim()),
            data,
            gs1: gs1.is_ok(),
            gs1_error: gs1.as_ref().err().map(ToString::to_string),
            hri: gs1.ok().map(|g| g.message().to_bracketed()),
            position: (!s.position().is_empty()).then(|| {
                s.position()
                    .iter()
                    .map(|p| FramePoint { x: p.x, y: p.y })
                    .collect()
            }),
        }
    }
}

/// An RFC 9457 problem as sent (`application/problem+json`).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "Problem")]
pub struct ProblemBody {
    /// `urn:bedside:problem:<code>`.
    #[serde(rename = "type")]
    #[schemars(regex(pattern = "^urn:bedside:problem:[a-z0-9_]+$"))]
    pub kind: String,
    /// Short summary.
    pub title: &'static str,
    /// The HTTP status.
    #[schemars(range(min = 400, max = 599))]
    pub status: u16,
    /// Explanation for this occurrence.
    pub detail: String,
    /// Stable machine code.
    #[schemars(regex(pattern = "^[a-z0-9_]+$"))]
    pub code: &'static str,
    /// Members some problems add.
    #[serde(flatten)]
    pub extra: ProblemExtras,
}

/// The members some problems add to RFC 9457's.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct ProblemExtras {
    /// Administration refusals (409): the check's outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "outcome_or_null")]
    pub outcome: Option<&'static str>,
    /// Administration refusals (409): the check's problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<ProblemItem>>,
    /// `choose_hospital_number` (409): the patient's active hospital numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hospital_numbers: Option<Vec<String>>,
    /// Print failures: the printer's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub printer: Option<String>,
    /// Print failures: whether the label may have printed anyway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub may_have_printed: Option<bool>,
    /// `pix_unreachable` (503): the database did answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<DatabaseState>,
    /// `recall_exists` (409): the active recall that already has the reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recall_id: Option<i64>,
    /// `invalid_request` (422) from `POST /v1/recalls`: every faulty field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldProblem>>,
    /// `pin_incorrect` (403): wrong PINs left before the badge locks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<i64>,
}

/// One faulty field of a request.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FieldProblem {
    /// The field's JSON path, e.g. `products[1].ampp`, `batches[0]`.
    pub field: String,
    /// The rule it breaks (never the value).
    pub rule: String,
}

/// The database's state in a readiness problem.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(inline)]
pub enum DatabaseState {
    /// The database answered.
    Ok,
}

/// A unit-only enum whose variants carry doc comments comes out of the generator as
/// `oneOf` string constants; the document says `enum`.
fn plain_enums(schema: &mut Schema) {
    schemars::transform::transform_subschemas(&mut plain_enums, schema);
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    let Some(serde_json::Value::Array(variants)) = obj.get("oneOf") else {
        return;
    };
    let names: Option<Vec<serde_json::Value>> = variants
        .iter()
        .map(|v| match (v.get("type"), v.get("const")) {
            (Some(t), Some(c)) if t == "string" && c.is_string() => Some(c.clone()),
            _ => None,
        })
        .collect();
    if let Some(names) = names {
        obj.remove("oneOf");
        obj.insert("type".into(), serde_json::json!("string"));
        obj.insert("enum".into(), serde_json::Value::Array(names));
    }
}

/// Every component of `openapi.json`: the JSON Schema (2020-12, the dialect of OpenAPI
/// 3.1, references to `#/components/schemas/`) of each request type as the service reads
/// it and of each response type as it writes it, by component name. `tests/openapi.rs`
/// compares the document with these.
#[must_use]
pub fn components() -> Vec<(String, Schema)> {
    let settings = || {
        schemars::generate::SchemaSettings::draft2020_12()
            .with(|s| s.definitions_path = Cow::Borrowed("/components/schemas/"))
            .with_transform(plain_enums)
    };
    let mut read = settings().for_deserialize().into_generator();
    read.subschema_for::<IdentifyRequest>();
    read.subschema_for::<AdministrationRequest>();
    read.subschema_for::<WristbandRequest>();
    read.subschema_for::<EnteredInErrorRequest>();
    read.subschema_for::<StaffPut>();
    read.subschema_for::<LocationPut>();
    read.subschema_for::<RecallRequest>();
    read.subschema_for::<RecallWithdrawRequest>();
    read.subschema_for::<DemoSignInRequest>();
    read.subschema_for::<BadgeLinkRequest>();
    read.subschema_for::<BadgeSetRequest>();
    read.subschema_for::<PinRequest>();
    read.subschema_for::<HandoverRequest>();
    let mut written = settings().for_serialize().into_generator();
    written.subschema_for::<IdentifyResponse>();
    written.subschema_for::<AdministrationCheck>();
    written.subschema_for::<AuditReport>();
    written.subschema_for::<AuditEvents>();
    written.subschema_for::<ProblemBody>();
    written.subschema_for::<Health>();
    written.subschema_for::<Ready>();
    written.subschema_for::<Me>();
    written.subschema_for::<Printers>();
    written.subschema_for::<PrintConfirmation>();
    written.subschema_for::<PatientMedications>();
    written.subschema_for::<EnteredInErrorAnswer>();
    written.subschema_for::<StaffBody>();
    written.subschema_for::<StaffList>();
    written.subschema_for::<LocationBody>();
    written.subschema_for::<LocationList>();
    written.subschema_for::<RecallBody>();
    written.subschema_for::<RecallList>();
    written.subschema_for::<AuthMethods>();
    written.subschema_for::<SignedOut>();
    written.subschema_for::<UserBadge>();
    written.subschema_for::<DecodeAnswer>();
    let mut named: Vec<(String, Schema)> = Vec::new();
    for (name, schema) in read
        .take_definitions(true)
        .into_iter()
        .chain(written.take_definitions(true))
    {
        if let Ok(s) = Schema::try_from(schema) {
            named.push((name, s));
        }
    }
    // `POST /v1/administrations/verify` refuses an override reason (422): only an absent
    // or null one is valid there.
    named.push((
        "AdministrationCheckRequest".to_owned(),
        json_schema!({
            "allOf": [
                { "$ref": "#/components/schemas/AdministrationRequest" },
                { "properties": { "override_reason": { "type": "null" } } },
            ],
        }),
    ));
    named
}

/// `GET /v1/patients/{nhs_number}/medications`: the patient's chart, allergies first.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PatientMedications {
    /// NHS number (10 digits).
    #[schemars(regex(pattern = "^[0-9]{10}$"))]
    pub nhs_number: String,
    /// What the record says about allergies; read it before anything else.
    pub allergies: ChartAllergies,
    /// The orders active or on hold, by order id.
    pub orders: Vec<ChartOrderBody>,
}

/// A patient's allergy statement and allergies.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ChartAllergies {
    /// `not_recorded` (no statement from any source: never read it as "none"), `none_known`
    /// (a positive "no known drug allergy") or `recorded`.
    #[schemars(extend("enum" = ["not_recorded", "none_known", "recorded"]))]
    pub status: String,
    /// The allergies, active ones first.
    pub entries: Vec<ChartAllergyBody>,
}

/// One allergy.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ChartAllergyBody {
    /// The substance as recorded (its code when no name was sent).
    pub substance: String,
    /// `dmd` or `snomed`.
    #[schemars(extend("enum" = ["dmd", "snomed"]))]
    pub system: String,
    /// The substance's code.
    pub code: String,
    /// `low`, `high` or `unable-to-assess`.
    #[schemars(extend("enum" = ["low", "high", "unable-to-assess"]))]
    pub criticality: String,
    /// `active`, `inactive` or `resolved`.
    #[schemars(extend("enum" = ["active", "inactive", "resolved"]))]
    pub clinical_status: String,
    /// Reactions as recorded.
    pub reactions: Vec<String>,
}

/// One order on the chart.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "ChartOrder")]
pub struct ChartOrderBody {
    /// Order id (the administration check's `order_id`).
    pub id: String,
    /// The medicine as dm+d names it (its id when the current release does not).
    pub medicine: String,
    /// `vtm`, `vmp` or `amp`: the level of `dmd_id`.
    #[schemars(schema_with = "chart_medicine_level")]
    pub level: String,
    /// The dm+d id prescribed.
    pub dmd_id: String,
    /// The dose in words (`1 g`, `2.5 mg to 5 mg`).
    pub dose: String,
    /// Route.
    pub route: String,
    /// `regular` or `prn`.
    #[schemars(extend("enum" = ["regular", "prn"]))]
    pub kind: String,
    /// Regular: London `HH:MM` times.
    pub times: Vec<String>,
    /// As needed: minimum minutes between doses.
    pub min_interval_minutes: Option<i64>,
    /// As needed: most doses in 24 hours.
    pub max_per_24h: Option<i64>,
    /// As needed: most amount in 24 hours, in words (`4 g`).
    pub max_amount_24h: Option<String>,
    /// `active` or `on-hold` (an on-hold order is refused at the bedside).
    #[schemars(extend("enum" = ["active", "on-hold"]))]
    pub status: String,
    /// Regular: the nearest due time; as needed: the earliest next dose after the minimum
    /// interval. RFC 3339, UTC.
    pub next_due: Option<String>,
    /// `next_due` for people: `14:00 GMT on 25-Nov-2026`.
    pub next_due_display: Option<String>,
    /// The last dose given under this order.
    pub last_given: Option<LastGivenBody>,
}

fn chart_medicine_level(_: &mut SchemaGenerator) -> Schema {
    names(crate::medicines::MedicineLevel::NAMES.iter().copied())
}

/// The last dose given.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct LastGivenBody {
    /// When, RFC 3339 UTC.
    pub at: String,
    /// `at` for people.
    pub display: String,
    /// Who gave it (name from the badge register, or the badge number).
    pub by: String,
}

impl From<&crate::chart::Chart> for PatientMedications {
    fn from(c: &crate::chart::Chart) -> Self {
        PatientMedications {
            nhs_number: c.nhs_number.clone(),
            allergies: ChartAllergies {
                status: c.allergy_status.clone(),
                entries: c
                    .allergies
                    .iter()
                    .map(|a| ChartAllergyBody {
                        substance: a.substance.clone(),
                        system: a.system.clone(),
                        code: a.code.clone(),
                        criticality: a.criticality.clone(),
                        clinical_status: a.clinical_status.clone(),
                        reactions: a.reactions.clone(),
                    })
                    .collect(),
            },
            orders: c
                .orders
                .iter()
                .map(|o| ChartOrderBody {
                    id: o.id.clone(),
                    medicine: o.medicine.clone(),
                    level: o.level.clone(),
                    dmd_id: o.dmd_id.clone(),
                    dose: o.dose.clone(),
                    route: o.route.clone(),
                    kind: o.kind.as_str().to_owned(),
                    times: o.times.clone(),
                    min_interval_minutes: o.min_interval_minutes,
                    max_per_24h: o.max_per_24h,
                    max_amount_24h: o.max_amount_24h.clone(),
                    status: o.status.clone(),
                    next_due: o.next_due.map(crate::clock::rfc3339),
                    next_due_display: o.next_due.map(crate::clock::london_when),
                    last_given: o.last_given.as_ref().map(|l| LastGivenBody {
                        at: crate::clock::rfc3339(l.at),
                        display: crate::clock::london_when(l.at),
                        by: l.by.clone(),
                    }),
                })
                .collect(),
        }
    }
}

fn staff_role(_: &mut SchemaGenerator) -> Schema {
    names(crate::staff::StaffRole::NAMES.iter().copied())
}

fn updated_at(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": ["string", "null"], "format": "date-time" })
}

fn rfc3339_or_null(ms: i64) -> Option<String> {
    (ms > 0).then(|| crate::clock::rfc3339(ms))
}

/// `PUT /v1/staff/{gsrn}` body: the whole row (create or replace).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "StaffRequest")]
pub struct StaffPut {
    /// The name the ward sees: 1 to 100 characters, no control characters, not only
    /// white space (leading and trailing white space is dropped).
    #[schemars(
        length(min = 1, max = 100),
        regex(pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")
    )]
    pub display_name: String,
    /// Professional role.
    #[schemars(schema_with = "staff_role")]
    pub role: String,
    /// NMC PIN, GPhC or GMC number: up to 20 letters and digits; empty or absent for none.
    #[serde(default)]
    #[schemars(length(max = 20), regex(pattern = "^[A-Za-z0-9]*$"))]
    pub professional_id: String,
    /// Whether the badge may be used (false: every scan of it is `unknown_staff`).
    pub active: bool,
}

/// A staff register row.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "Staff")]
pub struct StaffBody {
    /// The badge's GSRN (AI 8017), 18 digits with its check digit.
    #[schemars(regex(pattern = "^[0-9]{18}$"))]
    pub gsrn: String,
    /// The name the ward sees.
    pub display_name: String,
    /// Professional role.
    #[schemars(schema_with = "staff_role")]
    pub role: String,
    /// Professional registration number, or empty.
    pub professional_id: String,
    /// Whether the badge may be used.
    pub active: bool,
    /// Last change, RFC 3339 UTC; null for a row unchanged since before the register.
    #[schemars(schema_with = "updated_at")]
    pub updated_at: Option<String>,
}

impl From<&crate::staff::StaffRow> for StaffBody {
    fn from(r: &crate::staff::StaffRow) -> Self {
        StaffBody {
            gsrn: r.gsrn.clone(),
            display_name: r.display_name.clone(),
            role: r.role.clone(),
            professional_id: r.professional_id.clone(),
            active: r.active,
            updated_at: rfc3339_or_null(r.updated_at),
        }
    }
}

/// `GET /v1/staff`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StaffList {
    /// The rows, by GSRN.
    pub staff: Vec<StaffBody>,
}

/// `PUT /v1/locations/{gln}[/{extension}]` body: the whole row (create or replace).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "LocationRequest")]
pub struct LocationPut {
    /// Site: hospital name or ODS site code: 1 to 100 characters, no control characters,
    /// not only white space (leading and trailing white space is dropped, here and below).
    #[schemars(
        length(min = 1, max = 100),
        regex(pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")
    )]
    pub site: String,
    /// Ward or department: up to 100 characters, no control characters; empty for a whole
    /// site.
    #[serde(default)]
    #[schemars(length(max = 100), regex(pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"))]
    pub ward: String,
    /// Bed, bay or room: up to 20 characters, no control characters; may be empty.
    #[serde(default)]
    #[schemars(length(max = 20), regex(pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"))]
    pub bed: String,
    /// Whether scans of it are accepted (false: a scan of it is `unknown_location`).
    pub active: bool,
}

/// A locations register row.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "Location")]
pub struct LocationBody {
    /// GLN (AI 414), 13 digits with its check digit.
    #[schemars(regex(pattern = "^[0-9]{13}$"))]
    pub gln: String,
    /// GLN extension (AI 254), empty for the GLN alone.
    #[schemars(length(max = 20))]
    pub extension: String,
    /// Site.
    pub site: String,
    /// Ward.
    pub ward: String,
    /// Bed.
    pub bed: String,
    /// Whether scans of it are accepted.
    pub active: bool,
    /// Last change, RFC 3339 UTC; null for a row unchanged since before the register.
    #[schemars(schema_with = "updated_at")]
    pub updated_at: Option<String>,
}

impl From<&crate::locations::LocationRow> for LocationBody {
    fn from(r: &crate::locations::LocationRow) -> Self {
        LocationBody {
            gln: r.gln.clone(),
            extension: r.extension.clone(),
            site: r.site.clone(),
            ward: r.ward.clone(),
            bed: r.bed.clone(),
            active: r.active,
            updated_at: rfc3339_or_null(r.updated_at),
        }
    }
}

/// `GET /v1/locations`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct LocationList {
    /// The rows, by GLN and extension.
    pub locations: Vec<LocationBody>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names the document lists (each domain enum's `as_str`) are the names its values
    /// go out as.
    #[test]
    fn documented_names_are_the_wire_names() {
        fn same<T: serde::Serialize>(values: &[T], name: fn(&T) -> &'static str) {
            for v in values {
                assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(name(v)));
            }
        }
        same(ReasonCode::ALL, |c| c.as_str());
        same(ProblemCode::ALL, |c| c.as_str());
        same(Status::ALL, |s| s.as_str());
        same(super::super::auth::Role::ALL, |r| r.as_str());
        same(Right::ALL, |r| r.as_str());
        same(Severity::ALL, |s| s.as_str());
        same(Outcome::ALL, |o| o.as_str());
        same(OverrideReason::ALL, |r| r.as_str());
    }
}

/// `POST /v1/recalls` body: a recall notice the pharmacy enters.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecallRequest {
    /// The notice reference, e.g. `EL(26)A/01` (compared without white space and case:
    /// at most one active recall has it).
    #[schemars(length(min = 1, max = 40))]
    pub reference: String,
    /// The MHRA class: `1`, `2`, `3`, `4` or `caution`.
    #[schemars(extend("enum" = ["1", "2", "3", "4", "caution"]))]
    pub class: String,
    /// `block` (do not give) or `warn` (check before giving; needs `recall_notice_checked`).
    #[schemars(extend("enum" = ["block", "warn"]))]
    pub action: String,
    /// The products recalled, each exactly one of `gtin`, `ampp` or `amp`.
    #[schemars(length(min = 1, max = 100))]
    pub products: Vec<RecallProductRequest>,
    /// The batches recalled, as the notice prints them (1 to 20 GS1 AI 10 characters;
    /// compared trimmed and ignoring case). Absent or empty: every batch of the products.
    #[serde(default)]
    #[schemars(length(max = 500))]
    pub batches: Vec<String>,
    /// What the notice says to do.
    #[schemars(length(min = 1, max = 2000))]
    pub notice: String,
    /// The notice on the web (`http://` or `https://`).
    #[serde(default)]
    pub url: Option<String>,
}

impl From<RecallRequest> for crate::recalls::Draft {
    fn from(r: RecallRequest) -> Self {
        crate::recalls::Draft {
            reference: r.reference,
            class: r.class,
            action: r.action,
            products: r
                .products
                .into_iter()
                .map(|p| crate::recalls::DraftProduct {
                    gtin: p.gtin,
                    ampp: p.ampp,
                    amp: p.amp,
                })
                .collect(),
            batches: r.batches,
            notice: r.notice,
            url: r.url,
        }
    }
}

/// One product of a recall request: exactly one member.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecallProductRequest {
    /// A GTIN-8, -12, -13 or -14 (check digit verified) of the current dm+d release or
    /// the local pack list.
    #[serde(default)]
    pub gtin: Option<String>,
    /// An AMPP (APPID) of the current dm+d release: every GTIN of the pack.
    #[serde(default)]
    pub ampp: Option<String>,
    /// An AMP (APID) of the current dm+d release: every GTIN of every pack of it.
    #[serde(default)]
    pub amp: Option<String>,
}

/// `POST /v1/recalls/{id}/withdraw` body.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecallWithdrawRequest {
    /// Why the recall no longer applies.
    #[schemars(length(min = 1, max = 500))]
    pub reason: String,
}

/// `GET /v1/recalls`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RecallList {
    /// Newest first.
    pub recalls: Vec<RecallBody>,
}

/// One recall.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RecallBody {
    /// Id.
    pub id: i64,
    /// The notice reference.
    pub reference: String,
    /// The MHRA class; null for a recall carried over from the list before classes were
    /// recorded.
    #[schemars(extend("enum" = ["1", "2", "3", "4", "caution", null]))]
    pub class: Option<&'static str>,
    /// `block` or `warn`.
    #[schemars(extend("enum" = ["block", "warn"]))]
    pub action: &'static str,
    /// The products as named.
    pub products: Vec<RecallProductBody>,
    /// The batches as named; empty: every batch.
    pub batches: Vec<String>,
    /// True when no batch is named: every batch of the products is recalled.
    pub every_batch: bool,
    /// The notice text.
    pub notice: String,
    /// The notice on the web.
    pub url: Option<String>,
    /// When it was entered, RFC 3339 UTC.
    pub created_at: String,
    /// Who entered it (`token:<id>`, `cli:import`, `system`).
    pub created_by: String,
    /// False once withdrawn: it no longer applies.
    pub active: bool,
    /// The withdrawal, once withdrawn.
    pub withdrawn: Option<RecallWithdrawalBody>,
    /// The GTIN-14s the products cover now: AMPPs and AMPs resolved in the current dm+d
    /// release, and the local pack list's rows naming them.
    pub gtins: Vec<String>,
}

/// One product of a recall: exactly one member.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RecallProductBody {
    /// A GTIN-14.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gtin: Option<String>,
    /// An AMPP (APPID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ampp: Option<String>,
    /// An AMP (APID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amp: Option<String>,
}

/// A recall's withdrawal.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RecallWithdrawalBody {
    /// When, RFC 3339 UTC.
    pub at: String,
    /// Who.
    pub by: String,
    /// Why.
    pub reason: String,
}

impl From<&crate::recalls::RecallRecord> for RecallBody {
    fn from(r: &crate::recalls::RecallRecord) -> Self {
        use crate::recalls::ProductKind;
        RecallBody {
            id: r.id,
            reference: r.reference.clone(),
            class: r.class.map(crate::recalls::RecallClass::as_str),
            action: r.action.as_str(),
            products: r
                .products
                .iter()
                .map(|p| {
                    let code = Some(p.code.clone());
                    match p.kind {
                        ProductKind::Gtin => RecallProductBody {
                            gtin: code,
                            ampp: None,
                            amp: None,
                        },
                        ProductKind::Ampp => RecallProductBody {
                            gtin: None,
                            ampp: code,
                            amp: None,
                        },
                        ProductKind::Amp => RecallProductBody {
                            gtin: None,
                            ampp: None,
                            amp: code,
                        },
                    }
                })
                .collect(),
            every_batch: r.batches.is_empty(),
            batches: r.batches.clone(),
            notice: r.notice.clone(),
            url: r.url.clone(),
            created_at: crate::clock::rfc3339(r.created_at),
            created_by: r.created_by.clone(),
            active: r.withdrawn.is_none(),
            withdrawn: r.withdrawn.as_ref().map(|w| RecallWithdrawalBody {
                at: crate::clock::rfc3339(w.at),
                by: w.by.clone(),
                reason: w.reason.clone(),
            }),
            gtins: r.gtins.clone(),
        }
    }
}

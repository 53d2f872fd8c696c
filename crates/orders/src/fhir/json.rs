//! Walking a FHIR JSON resource while collecting every issue with its element path.

use bedside_patient::{NhsNumber, TestData};
use serde_json::Value;

use super::{Issue, IssueType, NHS_NUMBER_SYSTEM};

/// An element and its FHIRPath expression.
#[derive(Debug, Clone)]
pub(crate) struct Node<'a> {
    pub(crate) v: &'a Value,
    pub(crate) path: String,
}

impl<'a> Node<'a> {
    pub(crate) fn root(v: &'a Value, resource_type: &str) -> Node<'a> {
        Node {
            v,
            path: resource_type.to_owned(),
        }
    }

    /// The path of a child element.
    pub(crate) fn at(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    /// Whether the child element is present.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.v.as_object().is_some_and(|o| o.contains_key(key))
    }

    /// Whether the child element is absent.
    pub(crate) fn lacks(&self, key: &str) -> bool {
        !self.has(key)
    }

    /// The child element, if present (whatever its type).
    pub(crate) fn field(&self, key: &str) -> Option<Node<'a>> {
        self.v.as_object()?.get(key).map(|v| Node {
            v,
            path: self.at(key),
        })
    }
}

/// The issues found so far.
#[derive(Debug, Default)]
pub(crate) struct Ctx {
    pub(crate) issues: Vec<Issue>,
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Ctx {
    pub(crate) fn push(
        &mut self,
        code: IssueType,
        path: impl Into<String>,
        diag: impl Into<String>,
    ) {
        // Some elements are looked at twice (each coding system in turn): say it once.
        let issue = Issue::error(code, path, diag);
        if !self.issues.contains(&issue) {
            self.issues.push(issue);
        }
    }

    fn wrong_type(&mut self, n: &Node<'_>, want: &str) {
        let found = json_type(n.v);
        self.push(
            IssueType::Structure,
            n.path.clone(),
            format!("must be {want}, found {found}"),
        );
    }

    fn missing(&mut self, parent: &Node<'_>, key: &str, why: &str) {
        self.push(
            IssueType::Required,
            parent.at(key),
            format!("{key} is required{why}"),
        );
    }

    /// An object child; a present non-object is a structure issue.
    pub(crate) fn obj<'a>(&mut self, parent: &Node<'a>, key: &str) -> Option<Node<'a>> {
        let n = parent.field(key)?;
        if n.v.is_object() {
            Some(n)
        } else {
            self.wrong_type(&n, "an object");
            None
        }
    }

    /// A required object child.
    pub(crate) fn req_obj<'a>(
        &mut self,
        parent: &Node<'a>,
        key: &str,
        why: &str,
    ) -> Option<Node<'a>> {
        if parent.lacks(key) {
            self.missing(parent, key, why);
        }
        self.obj(parent, key)
    }

    /// A string child (FHIR forbids empty and whitespace-only strings).
    pub(crate) fn str_<'a>(&mut self, parent: &Node<'a>, key: &str) -> Option<&'a str> {
        // The common case without building the element's path.
        if let Some(Value::String(s)) = parent.v.get(key)
            && !s.trim().is_empty()
        {
            return Some(s.as_str());
        }
        let n = parent.field(key)?;
        match n.v {
            Value::String(s) if s.trim().is_empty() => {
                self.push(
                    IssueType::Value,
                    n.path,
                    "must not be empty or only whitespace",
                );
                None
            }
            Value::String(s) => Some(s.as_str()),
            _ => {
                self.wrong_type(&n, "a string");
                None
            }
        }
    }

    /// A required string child.
    pub(crate) fn req_str<'a>(
        &mut self,
        parent: &Node<'a>,
        key: &str,
        why: &str,
    ) -> Option<&'a str> {
        if parent.lacks(key) {
            self.missing(parent, key, why);
        }
        self.str_(parent, key)
    }

    /// A boolean child.
    pub(crate) fn bool_(&mut self, parent: &Node<'_>, key: &str) -> Option<bool> {
        if let Some(Value::Bool(b)) = parent.v.get(key) {
            return Some(*b);
        }
        let n = parent.field(key)?;
        match n.v {
            Value::Bool(b) => Some(*b),
            _ => {
                self.wrong_type(&n, "a boolean");
                None
            }
        }
    }

    /// An array child, its elements with their indexed paths (FHIR JSON forbids `[]`).
    pub(crate) fn arr<'a>(&mut self, parent: &Node<'a>, key: &str) -> Option<Vec<Node<'a>>> {
        let n = parent.field(key)?;
        match n.v {
            Value::Array(a) if a.is_empty() => {
                self.push(IssueType::Structure, n.path, "must not be an empty array");
                None
            }
            Value::Array(a) => Some(
                a.iter()
                    .enumerate()
                    .map(|(i, v)| Node {
                        v,
                        path: format!("{}[{i}]", n.path),
                    })
                    .collect(),
            ),
            _ => {
                self.wrong_type(&n, "an array");
                None
            }
        }
    }

    /// A required array child.
    pub(crate) fn req_arr<'a>(
        &mut self,
        parent: &Node<'a>,
        key: &str,
        why: &str,
    ) -> Option<Vec<Node<'a>>> {
        if parent.lacks(key) {
            self.missing(parent, key, why);
        }
        self.arr(parent, key)
    }

    /// Array elements that must be objects (others are reported and skipped).
    pub(crate) fn objects<'a>(&mut self, items: Vec<Node<'a>>) -> Vec<Node<'a>> {
        items
            .into_iter()
            .filter(|n| {
                let ok = n.v.is_object();
                if !ok {
                    self.wrong_type(n, "an object");
                }
                ok
            })
            .collect()
    }

    /// Refuses each present element in `keys` with `not-supported`.
    pub(crate) fn unsupported(&mut self, parent: &Node<'_>, keys: &[&str], why: &str) {
        for k in keys {
            if parent.has(k) {
                self.push(
                    IssueType::NotSupported,
                    parent.at(k),
                    format!("{k} is not supported: {why}"),
                );
            }
        }
    }

    /// A number child as thousandths (exact; finer than 0.001 is refused).
    pub(crate) fn milli(&mut self, parent: &Node<'_>, key: &str) -> Option<i64> {
        if let Some(m) = parent
            .v
            .get(key)
            .and_then(Value::as_number)
            .and_then(|n| to_milli(n).ok())
        {
            return Some(m);
        }
        let n = parent.field(key)?;
        match n.v {
            Value::Number(num) => match to_milli(num) {
                Ok(m) => Some(m),
                Err(why) => {
                    self.push(IssueType::Value, n.path, why);
                    None
                }
            },
            _ => {
                self.wrong_type(&n, "a number");
                None
            }
        }
    }

    /// A `positiveInt` child.
    pub(crate) fn positive_int(&mut self, parent: &Node<'_>, key: &str) -> Option<u32> {
        let n = parent.field(key)?;
        match n.v.as_u64() {
            Some(v) if v > 0 => match u32::try_from(v) {
                Ok(v) => Some(v),
                Err(_) => {
                    self.push(IssueType::Value, n.path, "too large");
                    None
                }
            },
            _ if n.v.is_number() => {
                self.push(IssueType::Value, n.path, "must be a positive whole number");
                None
            }
            _ => {
                self.wrong_type(&n, "a number");
                None
            }
        }
    }

    /// An NHS number from a `Reference.identifier` (`subject` or `patient`).
    pub(crate) fn nhs_number(&mut self, reference: &Node<'_>) -> Option<String> {
        let ident = self.req_obj(
            reference,
            "identifier",
            ": Bedside matches patients by NHS number, a reference alone is not enough",
        )?;
        let system = self.req_str(&ident, "system", "");
        let value = self.req_str(&ident, "value", "");
        if let Some(s) = system
            && s != NHS_NUMBER_SYSTEM
        {
            self.push(
                IssueType::Value,
                ident.at("system"),
                format!("must be {NHS_NUMBER_SYSTEM}, found {s}"),
            );
            return None;
        }
        let value = value?;
        system?;
        // The test range (999…) is accepted: whether test patients are allowed is the
        // service's policy, not the wire format's.
        match NhsNumber::parse_compact(value, TestData::Allow) {
            Ok(n) => Some(n.as_str().to_owned()),
            Err(e) => {
                self.push(
                    IssueType::Value,
                    ident.at("value"),
                    format!("not a valid NHS number: {e}"),
                );
                None
            }
        }
    }

    /// A FHIR `dateTime` as Unix ms: a full date and time with an offset (to the
    /// millisecond), or a date alone, read as the start of that day in London.
    pub(crate) fn date_time(&mut self, parent: &Node<'_>, key: &str) -> Option<i64> {
        let s = self.str_(parent, key)?;
        match parse_date_time(s) {
            Ok(ms) => Some(ms),
            Err((code, why)) => {
                self.push(code, parent.at(key), why);
                None
            }
        }
    }
}

/// A JSON value read with FHIR's rule that an object has no duplicate keys (serde_json's
/// own `Value` keeps the last one, so a body with two `status` would be read as either).
struct Strict(Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(k) = map.next_key::<String>()? {
            if out.contains_key(&k) {
                return Err(serde::de::Error::custom(format!("duplicate key {k:?}")));
            }
            let Strict(v) = map.next_value()?;
            out.insert(k, v);
        }
        Ok(Value::Object(out))
    }
}

/// Parses the body into a JSON object; the root's issues otherwise.
pub(crate) fn parse_root(body: &[u8], resource_type: &str) -> Result<Value, Vec<Issue>> {
    let v: Value = serde_json::from_slice::<Strict>(body)
        .map(|s| s.0)
        .map_err(|e| {
            vec![Issue::error(
                IssueType::Structure,
                "$",
                format!("the body is not JSON: {e}"),
            )]
        })?;
    if !v.is_object() {
        return Err(vec![Issue::error(
            IssueType::Structure,
            resource_type,
            format!(
                "the body must be a {resource_type} JSON object, found {}",
                json_type(&v)
            ),
        )]);
    }
    match v.get("resourceType") {
        None => Err(vec![Issue::error(
            IssueType::Required,
            format!("{resource_type}.resourceType"),
            "resourceType is required",
        )]),
        Some(Value::String(t)) if t == resource_type => Ok(v),
        Some(other) => Err(vec![Issue::error(
            IssueType::Structure,
            format!("{resource_type}.resourceType"),
            format!("must be {resource_type}, found {other}"),
        )]),
    }
}

/// Checks the resource id: present, a FHIR id, equal to the id in the URL (the update
/// interaction's rule). Returns it when all three hold.
pub(crate) fn resource_id(cx: &mut Ctx, r: &Node<'_>, id_in_url: &str) -> Option<String> {
    if !is_fhir_id(id_in_url) {
        cx.push(
            IssueType::Value,
            r.at("id"),
            format!("the id in the URL ({id_in_url:?}) is not a FHIR id (1-64 of A-Z a-z 0-9 - .)"),
        );
    }
    let id = cx.req_str(r, "id", ": an update must carry the id it is sent to")?;
    if !is_fhir_id(id) {
        cx.push(
            IssueType::Value,
            r.at("id"),
            "not a FHIR id (1-64 of A-Z a-z 0-9 - .)",
        );
        return None;
    }
    if id != id_in_url {
        cx.push(
            IssueType::Invariant,
            r.at("id"),
            format!("the body's id {id:?} is not the id in the URL {id_in_url:?}"),
        );
        return None;
    }
    Some(id.to_owned())
}

/// `[A-Za-z0-9\-\.]{1,64}`.
pub(crate) fn is_fhir_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// A SNOMED CT id as dm+d writes them: 6 to 18 digits, no leading zero.
pub(crate) fn is_sctid(s: &str) -> bool {
    (6..=18).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0')
}

/// A JSON number as exact thousandths.
pub(crate) fn to_milli(n: &serde_json::Number) -> Result<i64, String> {
    if let Some(i) = n.as_i64() {
        return i.checked_mul(1000).ok_or_else(|| "too large".to_owned());
    }
    if n.is_u64() {
        return Err("too large".to_owned());
    }
    let f = n.as_f64().ok_or_else(|| "not a number".to_owned())?;
    // `Display` of an f64 is the shortest decimal that reads back as the same f64,
    // never in exponent form.
    decimal_to_milli(&format!("{f}"))
}

/// `-12.345` → `-12345`; more than three decimals (after trailing zeros) is refused.
pub(crate) fn decimal_to_milli(s: &str) -> Result<i64, String> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let frac = frac.trim_end_matches('0');
    if frac.len() > 3 {
        return Err(format!(
            "{s} is finer than a thousandth; Bedside does not round doses"
        ));
    }
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(format!("{s} is not a decimal"));
    }
    let mut v: i64 = 0;
    for b in int.bytes() {
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
            .ok_or_else(|| "too large".to_owned())?;
    }
    let mut f: i64 = 0;
    for i in 0..3 {
        let d = frac.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
        f = f * 10 + d;
    }
    let m = v
        .checked_mul(1000)
        .and_then(|v| v.checked_add(f))
        .ok_or_else(|| "too large".to_owned())?;
    Ok(if neg { -m } else { m })
}

/// Thousandths as a JSON number: an integer when whole, else the shortest decimal.
pub(crate) fn milli_to_json(m: i64) -> Value {
    if m % 1000 == 0 {
        Value::from(m / 1000)
    } else {
        // Exact for |m| < 2^53: the nearest f64 to m/1000 prints as that decimal.
        #[allow(clippy::cast_precision_loss)]
        let f = m as f64 / 1000.0;
        Value::from(f)
    }
}

fn digits(s: &[u8]) -> bool {
    s.iter().all(u8::is_ascii_digit)
}

/// A FHIR `dateTime` (see [`Ctx::date_time`]).
pub(crate) fn parse_date_time(s: &str) -> Result<i64, (IssueType, String)> {
    let b = s.as_bytes();
    let shape = |ok: bool| {
        if ok {
            Ok(())
        } else {
            Err((
                IssueType::Value,
                format!(
                    "{s:?} is not a FHIR dateTime (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss[.sss]+hh:mm)"
                ),
            ))
        }
    };
    if b.len() == 4 || b.len() == 7 {
        shape(digits(&b[..4]) && (b.len() == 4 || (b[4] == b'-' && digits(&b[5..]))))?;
        return Err((
            IssueType::NotSupported,
            format!("{s:?} is only a year or a month; Bedside needs at least a date"),
        ));
    }
    if b.len() == 10 {
        shape(
            digits(&b[..4]) && b[4] == b'-' && digits(&b[5..7]) && b[7] == b'-' && digits(&b[8..]),
        )?;
        let date: jiff::civil::Date = s
            .parse()
            .map_err(|e| (IssueType::Value, format!("{s:?} is not a date: {e}")))?;
        let tz = jiff::tz::TimeZone::get("Europe/London").map_err(|e| {
            (
                IssueType::Processing,
                format!("no Europe/London time zone: {e}"),
            )
        })?;
        let z = date
            .to_zoned_datetime(tz)
            .map_err(|e| (IssueType::Value, format!("{s:?}: {e}")))?;
        return in_years(s, z.timestamp().as_millisecond());
    }
    // YYYY-MM-DDThh:mm:ss[.f+](Z|±hh:mm)
    let ok = b.len() >= 20
        && digits(&b[..4])
        && b[4] == b'-'
        && digits(&b[5..7])
        && b[7] == b'-'
        && digits(&b[8..10])
        && b[10] == b'T'
        && digits(&b[11..13])
        && b[13] == b':'
        && digits(&b[14..16])
        && b[16] == b':'
        && digits(&b[17..19]);
    shape(ok)?;
    let mut rest = &b[19..];
    if let Some(r) = rest.strip_prefix(b".") {
        let n = r.iter().take_while(|c| c.is_ascii_digit()).count();
        shape(n > 0)?;
        rest = &r[n..];
    }
    let zone_ok = rest == b"Z"
        || (rest.len() == 6
            && (rest[0] == b'+' || rest[0] == b'-')
            && digits(&rest[1..3])
            && rest[3] == b':'
            && digits(&rest[4..6]));
    if !zone_ok && rest.is_empty() {
        return Err((
            IssueType::Value,
            format!("{s:?} has a time but no offset; FHIR requires one (Z or +hh:mm)"),
        ));
    }
    shape(zone_ok)?;
    let ts: jiff::Timestamp = s.parse().map_err(|e| {
        (
            IssueType::Value,
            format!("{s:?} is not a valid instant: {e}"),
        )
    })?;
    if ts.subsec_nanosecond() % 1_000_000 != 0 {
        return Err((
            IssueType::Value,
            format!("{s:?} is finer than a millisecond"),
        ));
    }
    in_years(s, ts.as_millisecond())
}

/// 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z in Unix ms: FHIR years are 0001-9999,
/// and the writer's UTC form must be one the reader takes back.
const FIRST_MS: i64 = -62_135_596_800_000;
const END_MS: i64 = 253_402_300_800_000;

fn in_years(s: &str, ms: i64) -> Result<i64, (IssueType, String)> {
    if (FIRST_MS..END_MS).contains(&ms) {
        Ok(ms)
    } else {
        Err((
            IssueType::Value,
            format!("{s:?} is outside the years 0001 to 9999 (UTC)"),
        ))
    }
}

/// Unix ms as a FHIR `dateTime` in UTC (`2025-03-01T09:12:00Z`); `None` outside the
/// years 0001-9999.
pub(crate) fn date_time_to_json(ms: i64) -> Option<Value> {
    if !(FIRST_MS..END_MS).contains(&ms) {
        return None;
    }
    let ts = jiff::Timestamp::from_millisecond(ms).ok()?;
    Some(Value::String(ts.to_string()))
}

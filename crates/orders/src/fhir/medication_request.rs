//! `MedicationRequest` ⇄ [`Order`].

use serde_json::{Map, Value, json};

use super::json::{Ctx, Node, date_time_to_json, is_sctid, milli_to_json, parse_root, resource_id};
use super::{
    DMD_SYSTEM, Issue, IssueType, MEDICATION_REQUEST_PROFILE, NHS_NUMBER_SYSTEM, SNOMED_SYSTEM,
    UCUM_SYSTEM,
};
use crate::model::{
    Amount, DmdId, Dose, DoseUnit, Max24h, Medication, Order, OrderId, OrderStatus, Route,
    Schedule, TimeOfDay,
};

/// The [`OrderId::namespace`] of every order read from FHIR; its
/// [`OrderId::number`] is the resource id.
///
/// Why the resource id and not `identifier[]`: the FHIR API addresses a
/// MedicationRequest by its id (`PUT`/`GET /fhir/MedicationRequest/{id}`), and the id is
/// 1..1 and unique among this server's MedicationRequests, while `identifier` is 0..*
/// and need not be unique or stable. Keying the order by the id makes a `PUT` of the
/// same id replace the same order, whatever identifiers it carries. The namespace keeps
/// FHIR ids apart from HL7 placer numbers (an HL7 namespace is a sending application
/// or facility name, never this value).
pub const FHIR_ORDER_NAMESPACE: &str = "fhir";

const R: &str = "MedicationRequest";
const DOSE_SYSTEMS: &str =
    "http://unitsofmeasure.org, https://dmd.nhs.uk or http://snomed.info/sct";

/// Reads a `MedicationRequest` sent to `PUT /fhir/MedicationRequest/{id_in_url}`.
///
/// Accepted: `status` active, on-hold, cancelled, stopped, completed or
/// entered-in-error (`draft` and `unknown` are `not-supported`); `intent` `order` or
/// `original-order` (both are the prescriber's authorisation as written; `plan`,
/// `proposal`, `instance-order`, `filler-order`… are not orders to give against);
/// exactly one `https://dmd.nhs.uk` coding in `medicationCodeableConcept`; the NHS
/// number in `subject.identifier`; exactly one `dosageInstruction` with a SNOMED route,
/// one `doseQuantity` or `doseRange`, and clock times (`timing.repeat.timeOfDay`), an
/// interval (`frequency` 1 per `period` `periodUnit`) or as-needed. A regular order's
/// `maxDosePerPeriod` must not be below what its schedule gives in 24 hours (it is then
/// implied by the schedule and not stored); an as-needed order's becomes
/// [`Schedule::AsNeeded::max_24h`].
///
/// # Errors
///
/// Every issue found, each with the element's FHIRPath and issue type.
pub fn read_medication_request(body: &[u8], id_in_url: &str) -> Result<Order, Vec<Issue>> {
    let root = parse_root(body, R)?;
    let r = Node::root(&root, R);
    let mut cx = Ctx::default();
    let id = resource_id(&mut cx, &r, id_in_url);
    cx.unsupported(
        &r,
        &["modifierExtension"],
        "Bedside cannot know what an unknown modifier changes",
    );
    if cx.bool_(&r, "doNotPerform") == Some(true) {
        cx.push(
            IssueType::NotSupported,
            r.at("doNotPerform"),
            "a do-not-perform request is not an order to give",
        );
    }
    let status = status(&mut cx, &r);
    intent(&mut cx, &r);
    let medication = medication(&mut cx, &r);
    let nhs = cx
        .req_obj(&r, "subject", "")
        .and_then(|s| cx.nhs_number(&s));
    let stated_at = cx.date_time(&r, "authoredOn");
    let dosage = dosage(&mut cx, &r);
    match (id, status, medication, nhs, dosage) {
        (Some(id), Some(status), Some(medication), Some(nhs_number), Some(d))
            if cx.issues.is_empty() =>
        {
            Ok(Order {
                id: OrderId {
                    namespace: FHIR_ORDER_NAMESPACE.to_owned(),
                    number: id,
                },
                nhs_number,
                status,
                medication,
                dose: d.dose,
                route: d.route,
                schedule: d.schedule,
                starts_at: d.starts_at,
                ends_at: d.ends_at,
                stated_at,
                text: d.text,
            })
        }
        _ => {
            if cx.issues.is_empty() {
                cx.push(IssueType::Processing, R, "the resource could not be read");
            }
            Err(cx.issues)
        }
    }
}

fn status(cx: &mut Ctx, r: &Node<'_>) -> Option<OrderStatus> {
    let s = cx.req_str(r, "status", "")?;
    match OrderStatus::parse(s) {
        Some(st) => Some(st),
        None if s == "draft" || s == "unknown" => {
            cx.push(
                IssueType::NotSupported,
                r.at("status"),
                format!("status {s} is not supported: a ward can only act on a stated order"),
            );
            None
        }
        None => {
            cx.push(
                IssueType::CodeInvalid,
                r.at("status"),
                format!("{s:?} is not a MedicationRequest status"),
            );
            None
        }
    }
}

const INTENTS: [&str; 8] = [
    "proposal",
    "plan",
    "order",
    "original-order",
    "reflex-order",
    "filler-order",
    "instance-order",
    "option",
];

fn intent(cx: &mut Ctx, r: &Node<'_>) {
    let Some(s) = cx.req_str(r, "intent", "") else {
        return;
    };
    if s == "order" || s == "original-order" {
    } else if INTENTS.contains(&s) {
        cx.push(
            IssueType::NotSupported,
            r.at("intent"),
            format!("intent {s} is not supported: only order and original-order are given against"),
        );
    } else {
        cx.push(
            IssueType::CodeInvalid,
            r.at("intent"),
            format!("{s:?} is not a MedicationRequest intent"),
        );
    }
}

fn medication(cx: &mut Ctx, r: &Node<'_>) -> Option<Medication> {
    if r.has("medicationReference") {
        cx.push(
            IssueType::NotSupported,
            r.at("medicationReference"),
            "medicationReference is not supported: send medicationCodeableConcept with a https://dmd.nhs.uk coding",
        );
        return None;
    }
    let cc = cx.req_obj(r, "medicationCodeableConcept", "")?;
    let codings = cx.req_arr(&cc, "coding", ": Bedside needs the dm+d code")?;
    let codings = cx.objects(codings);
    let mut dmd = Vec::new();
    for c in codings {
        if cx.str_(&c, "system") == Some(DMD_SYSTEM) {
            dmd.push(c);
        }
    }
    let c = match dmd.as_slice() {
        [] => {
            cx.push(
                IssueType::CodeInvalid,
                cc.at("coding"),
                "no https://dmd.nhs.uk coding: Bedside matches packs to orders by dm+d",
            );
            return None;
        }
        [c] => c,
        [_, second, ..] => {
            cx.push(
                IssueType::Invariant,
                second.path.clone(),
                "a second https://dmd.nhs.uk coding: the medicine must be one dm+d concept",
            );
            return None;
        }
    };
    let code = cx.req_str(c, "code", "")?;
    if !is_sctid(code) {
        cx.push(
            IssueType::Value,
            c.at("code"),
            format!("{code:?} is not a dm+d id (6 to 18 digits)"),
        );
        return None;
    }
    let display = cx.str_(c, "display").or_else(|| cx.str_(&cc, "text"));
    Some(Medication {
        code: DmdId(code.to_owned()),
        display: display.map(str::to_owned),
    })
}

struct Dosage {
    dose: Dose,
    route: Route,
    schedule: Schedule,
    starts_at: Option<i64>,
    ends_at: Option<i64>,
    text: Option<String>,
}

fn dosage(cx: &mut Ctx, r: &Node<'_>) -> Option<Dosage> {
    let list = cx.req_arr(r, "dosageInstruction", "")?;
    if let Some(second) = list.get(1) {
        cx.push(
            IssueType::NotSupported,
            second.path.clone(),
            "more than one dosageInstruction is not supported (sequential or tapering doses): send one order per instruction",
        );
    }
    let d = cx.objects(list).into_iter().next()?;
    cx.unsupported(
        &d,
        &["modifierExtension"],
        "Bedside cannot know what an unknown modifier changes",
    );
    cx.unsupported(
        &d,
        &["maxDosePerAdministration", "maxDosePerLifetime"],
        "the ward checks only the dose and the 24-hour cap",
    );
    let text = cx.str_(&d, "text").map(str::to_owned);
    let route = route(cx, &d);
    let dose = dose(cx, &d);
    let (schedule, starts_at, ends_at) = schedule(cx, &d, dose.as_ref());
    Some(Dosage {
        dose: dose?,
        route: route?,
        schedule: schedule?,
        starts_at,
        ends_at,
        text,
    })
}

fn route(cx: &mut Ctx, d: &Node<'_>) -> Option<Route> {
    let rt = cx.req_obj(d, "route", ": the ward checks the route given")?;
    let codings = cx.req_arr(&rt, "coding", ": a SNOMED CT route is required")?;
    let codings = cx.objects(codings);
    let mut sct = Vec::new();
    for c in codings {
        if cx.str_(&c, "system") == Some(SNOMED_SYSTEM) {
            sct.push(c);
        }
    }
    let c = match sct.as_slice() {
        [] => {
            cx.push(
                IssueType::CodeInvalid,
                rt.at("coding"),
                "no http://snomed.info/sct coding: routes are SNOMED CT (dm+d ROUTE)",
            );
            return None;
        }
        [c] => c,
        [_, second, ..] => {
            cx.push(
                IssueType::Invariant,
                second.path.clone(),
                "a second SNOMED CT route: an order has one route",
            );
            return None;
        }
    };
    let code = cx.req_str(c, "code", "")?;
    if !is_sctid(code) {
        cx.push(
            IssueType::Value,
            c.at("code"),
            format!("{code:?} is not a SNOMED CT id (6 to 18 digits)"),
        );
        return None;
    }
    let display = cx.str_(c, "display").or_else(|| cx.str_(&rt, "text"));
    Some(Route {
        snomed: code.to_owned(),
        display: display.map(str::to_owned),
    })
}

/// A `Quantity` as an amount in a coded unit.
fn quantity(cx: &mut Ctx, q: &Node<'_>) -> Option<Amount> {
    if !q.v.is_object() {
        cx.push(IssueType::Structure, q.path.clone(), "must be an object");
        return None;
    }
    cx.unsupported(q, &["comparator"], "a dose is an amount, not a bound");
    if q.lacks("value") {
        cx.push(IssueType::Required, q.at("value"), "value is required");
    }
    let milli = cx.milli(q, "value");
    let system = cx.str_(q, "system");
    let code = cx.str_(q, "code");
    let unit = match system {
        None => {
            cx.push(
                IssueType::Required,
                q.at("system"),
                format!("a coded unit is required ({DOSE_SYSTEMS})"),
            );
            None
        }
        Some(s) if s == UCUM_SYSTEM || s == DMD_SYSTEM || s == SNOMED_SYSTEM => match code {
            None => {
                cx.push(
                    IssueType::Required,
                    q.at("code"),
                    "the unit's code is required",
                );
                None
            }
            Some(c) if s == UCUM_SYSTEM => Some(DoseUnit::Ucum(c.to_owned())),
            Some(c) if is_sctid(c) => Some(DoseUnit::Dmd(c.to_owned())),
            Some(c) => {
                cx.push(
                    IssueType::Value,
                    q.at("code"),
                    format!("{c:?} is not a dm+d unit of measure id"),
                );
                None
            }
        },
        Some(s) => {
            cx.push(
                IssueType::CodeInvalid,
                q.at("system"),
                format!("unit system {s} is not one of {DOSE_SYSTEMS}"),
            );
            None
        }
    };
    Some(Amount {
        milli: milli?,
        unit: unit?,
    })
}

fn positive(cx: &mut Ctx, a: Option<Amount>, path: String) -> Option<Amount> {
    let a = a?;
    if a.milli <= 0 {
        cx.push(IssueType::Value, path, "a dose must be more than zero");
        return None;
    }
    Some(a)
}

fn dose(cx: &mut Ctx, d: &Node<'_>) -> Option<Dose> {
    let list = cx.req_arr(d, "doseAndRate", ": the dose is required")?;
    if let Some(second) = list.get(1) {
        cx.push(
            IssueType::NotSupported,
            second.path.clone(),
            "more than one doseAndRate is not supported",
        );
    }
    let e = cx.objects(list).into_iter().next()?;
    cx.unsupported(
        &e,
        &["rateRatio", "rateRange", "rateQuantity"],
        "Bedside checks doses, not infusion rates",
    );
    match (e.field("doseQuantity"), e.field("doseRange")) {
        (Some(_), Some(_)) => {
            cx.push(
                IssueType::Structure,
                e.at("doseRange"),
                "dose[x] is one of doseQuantity or doseRange, not both",
            );
            None
        }
        (None, None) => {
            cx.push(
                IssueType::Required,
                e.at("doseQuantity"),
                "doseQuantity (or doseRange) is required",
            );
            None
        }
        (Some(q), None) => {
            let a = quantity(cx, &q);
            let min = positive(cx, a, q.at("value"))?;
            Some(Dose {
                min,
                max_milli: None,
            })
        }
        (None, Some(range)) => {
            if !range.v.is_object() {
                cx.push(
                    IssueType::Structure,
                    range.path.clone(),
                    "must be an object",
                );
                return None;
            }
            let low = cx.req_obj(&range, "low", ": a dose range needs both ends");
            let high = cx.req_obj(&range, "high", ": a dose range needs both ends");
            let low = low.and_then(|n| {
                let a = quantity(cx, &n);
                positive(cx, a, n.at("value"))
            });
            let high_n = high?;
            let high = quantity(cx, &high_n);
            let (low, high) = (low?, high?);
            if high.unit != low.unit {
                cx.push(
                    IssueType::Invariant,
                    high_n.path.clone(),
                    "the range's ends must be in the same unit",
                );
                return None;
            }
            if high.milli < low.milli {
                cx.push(
                    IssueType::Invariant,
                    high_n.at("value"),
                    "the high end is below the low end",
                );
                return None;
            }
            Some(Dose {
                min: low,
                max_milli: Some(high.milli),
            })
        }
    }
}

fn unit_minutes(u: &str) -> Option<i64> {
    match u {
        "min" => Some(1),
        "h" => Some(60),
        "d" => Some(1440),
        _ => None,
    }
}

/// `period` `periodUnit` as whole minutes.
fn period_minutes(cx: &mut Ctx, rep: &Node<'_>) -> Option<u32> {
    let period = cx.milli(rep, "period");
    let unit = cx.str_(rep, "periodUnit");
    if rep.has("period") && rep.lacks("periodUnit") {
        cx.push(
            IssueType::Required,
            rep.at("periodUnit"),
            "periodUnit is required with period",
        );
    }
    if rep.has("periodUnit") && rep.lacks("period") {
        cx.push(
            IssueType::Required,
            rep.at("period"),
            "period is required with periodUnit",
        );
    }
    let per_unit = match unit {
        Some(u) => match unit_minutes(u) {
            Some(m) => Some(m),
            None if ["s", "wk", "mo", "a"].contains(&u) => {
                cx.push(
                    IssueType::NotSupported,
                    rep.at("periodUnit"),
                    format!("periodUnit {u} is not supported (min, h or d)"),
                );
                None
            }
            None => {
                cx.push(
                    IssueType::CodeInvalid,
                    rep.at("periodUnit"),
                    format!("{u:?} is not a UCUM unit of time (min, h or d)"),
                );
                None
            }
        },
        None => None,
    };
    let (p, u) = (period?, per_unit?);
    let total = p.checked_mul(u);
    match total {
        Some(t) if t > 0 && t % 1000 == 0 => match u32::try_from(t / 1000) {
            Ok(m) => Some(m),
            Err(_) => {
                cx.push(IssueType::Value, rep.at("period"), "the period is too long");
                None
            }
        },
        Some(t) if t > 0 => {
            cx.push(
                IssueType::Value,
                rep.at("period"),
                "the period is not a whole number of minutes",
            );
            None
        }
        _ => {
            cx.push(
                IssueType::Value,
                rep.at("period"),
                "the period must be more than zero",
            );
            None
        }
    }
}

fn time_of_day(cx: &mut Ctx, n: &Node<'_>) -> Option<TimeOfDay> {
    let Some(s) = n.v.as_str() else {
        cx.push(IssueType::Structure, n.path.clone(), "must be a string");
        return None;
    };
    let b = s.as_bytes();
    let two = |i: usize| -> Option<u8> {
        let (x, y) = (*b.get(i)?, *b.get(i + 1)?);
        (x.is_ascii_digit() && y.is_ascii_digit()).then(|| (x - b'0') * 10 + (y - b'0'))
    };
    let frac_ok = match b.get(8..) {
        Some([]) => Some(true),
        Some([b'.', rest @ ..]) if !rest.is_empty() && rest.iter().all(u8::is_ascii_digit) => {
            Some(rest.iter().all(|c| *c == b'0'))
        }
        _ => None,
    };
    let parsed = (b.len() >= 8 && b[2] == b':' && b[5] == b':')
        .then(|| Some((two(0)?, two(3)?, two(6)?, frac_ok?)))
        .flatten();
    match parsed {
        Some((h, m, sec, whole)) if h < 24 && m < 60 && sec < 60 => {
            if sec != 0 || !whole {
                cx.push(
                    IssueType::Value,
                    n.path.clone(),
                    format!("{s:?}: seconds must be 00, doses are scheduled to the minute"),
                );
                return None;
            }
            Some(TimeOfDay { hour: h, minute: m })
        }
        _ => {
            cx.push(
                IssueType::Value,
                n.path.clone(),
                format!("{s:?} is not a FHIR time (hh:mm:ss)"),
            );
            None
        }
    }
}

/// The schedule, and the bounds period's start and end.
fn schedule(
    cx: &mut Ctx,
    d: &Node<'_>,
    dose: Option<&Dose>,
) -> (Option<Schedule>, Option<i64>, Option<i64>) {
    let timing = cx.obj(d, "timing");
    let repeat = timing.as_ref().and_then(|t| {
        cx.unsupported(
            t,
            &["event", "modifierExtension"],
            "Bedside schedules from timing.repeat alone",
        );
        cx.obj(t, "repeat")
    });
    let (mut starts_at, mut ends_at) = (None, None);
    if let Some(rep) = &repeat {
        cx.unsupported(
            rep,
            &[
                "boundsDuration",
                "boundsRange",
                "count",
                "countMax",
                "duration",
                "durationMax",
                "durationUnit",
                "frequencyMax",
                "periodMax",
                "dayOfWeek",
                "when",
                "offset",
            ],
            "the ward would not honour it",
        );
        if let Some(b) = cx.obj(rep, "boundsPeriod") {
            starts_at = cx.date_time(&b, "start");
            ends_at = cx.date_time(&b, "end");
            if let (Some(s), Some(e)) = (starts_at, ends_at)
                && e < s
            {
                cx.push(
                    IssueType::Invariant,
                    b.at("end"),
                    "the end is before the start",
                );
            }
        }
    }
    let as_bool = cx.bool_(d, "asNeededBoolean");
    let as_cc = cx.obj(d, "asNeededCodeableConcept");
    if d.has("asNeededBoolean") && d.has("asNeededCodeableConcept") {
        cx.push(
            IssueType::Structure,
            d.at("asNeededCodeableConcept"),
            "asNeeded[x] is one of asNeededBoolean or asNeededCodeableConcept, not both",
        );
        return (None, starts_at, ends_at);
    }
    let prn = as_bool == Some(true) || as_cc.is_some();
    let Some(rep) = repeat else {
        if prn {
            let max_24h = max_per_period(cx, d, dose);
            if d.has("maxDosePerPeriod") && max_24h.is_none() {
                return (None, starts_at, ends_at);
            }
            let reason = as_cc.and_then(|cc| reason(cx, &cc));
            let s = Schedule::AsNeeded {
                min_interval_minutes: None,
                max_24h,
                reason,
            };
            return (Some(s), starts_at, ends_at);
        }
        let at = match &timing {
            Some(t) => t.at("repeat"),
            None => d.at("timing"),
        };
        cx.push(
            IssueType::Required,
            at,
            "a regular order needs timing.repeat (timeOfDay, or frequency per period)",
        );
        return (None, starts_at, ends_at);
    };
    let times = cx.arr(&rep, "timeOfDay");
    let frequency = cx.positive_int(&rep, "frequency");
    let has_period = rep.has("period") || rep.has("periodUnit");
    let minutes = if has_period {
        period_minutes(cx, &rep)
    } else {
        None
    };
    let bad = |cx: &Ctx, before: usize| cx.issues.len() > before;
    let before = cx.issues.len();
    if prn {
        if let Some(t) = times.as_ref().and_then(|t| t.first()) {
            cx.push(
                IssueType::NotSupported,
                t.path.clone(),
                "as-needed doses at clock times are not supported",
            );
        }
        if let Some(f) = frequency
            && f > 1
        {
            cx.push(
                IssueType::NotSupported,
                rep.at("frequency"),
                "as-needed: only frequency 1 (a minimum interval) is supported; cap the doses with maxDosePerPeriod",
            );
        }
        if frequency.is_some() && !has_period {
            cx.push(
                IssueType::Required,
                rep.at("period"),
                "period is required with frequency",
            );
        }
        let max_24h = max_per_period(cx, d, dose);
        let reason = as_cc.and_then(|cc| reason(cx, &cc));
        if bad(cx, before) || (has_period && minutes.is_none()) {
            return (None, starts_at, ends_at);
        }
        let s = Schedule::AsNeeded {
            min_interval_minutes: minutes,
            max_24h,
            reason,
        };
        return (Some(s), starts_at, ends_at);
    }
    let sched = if let Some(times) = times {
        let mut out = Vec::new();
        for t in &times {
            if let Some(tod) = time_of_day(cx, t) {
                if out.contains(&tod) {
                    cx.push(IssueType::Value, t.path.clone(), "this time is given twice");
                }
                out.push(tod);
            }
        }
        if let Some(f) = frequency
            && usize::try_from(f).ok() != Some(times.len())
        {
            cx.push(
                IssueType::Invariant,
                rep.at("frequency"),
                format!(
                    "frequency {f} does not match the {} timeOfDay values",
                    times.len()
                ),
            );
        }
        if let Some(m) = minutes
            && m != 1440
        {
            cx.push(
                IssueType::NotSupported,
                rep.at("period"),
                "timeOfDay with a period other than one day is not supported",
            );
        }
        if bad(cx, before) || (has_period && minutes.is_none()) || out.len() != times.len() {
            return (None, starts_at, ends_at);
        }
        Schedule::Times(out)
    } else if has_period {
        let f = frequency.unwrap_or(1);
        if f > 1 {
            cx.push(
                IssueType::Required,
                rep.at("timeOfDay"),
                format!("frequency {f} per period needs timeOfDay: Bedside gives regular doses at stated clock times"),
            );
            return (None, starts_at, ends_at);
        }
        match minutes {
            Some(m) if !bad(cx, before) => Schedule::Every { minutes: m },
            _ => return (None, starts_at, ends_at),
        }
    } else {
        cx.push(
            IssueType::Required,
            rep.at("timeOfDay"),
            "a regular order needs timeOfDay, or frequency per period",
        );
        return (None, starts_at, ends_at);
    };
    // A regular order's cap: checked against the schedule, then implied by it.
    if d.has("maxDosePerPeriod")
        && let (Some(cap), Some(dose)) = (max_per_period(cx, d, dose), dose)
    {
        let per_day: i64 = match &sched {
            Schedule::Times(t) => i64::try_from(t.len()).unwrap_or(i64::MAX),
            Schedule::Every { minutes } => i64::from(1440u32.div_ceil((*minutes).max(1))),
            Schedule::AsNeeded { .. } => 0,
        };
        let ok = match &cap {
            Max24h::Doses(n) => i64::from(*n) >= per_day,
            Max24h::Amount(a) => dose
                .max_milli
                .unwrap_or(dose.min.milli)
                .checked_mul(per_day)
                .is_some_and(|need| a.milli >= need),
        };
        if !ok {
            cx.push(
                IssueType::Invariant,
                d.at("maxDosePerPeriod"),
                "the 24-hour cap is below what the schedule gives in 24 hours",
            );
            return (None, starts_at, ends_at);
        }
    }
    (Some(sched), starts_at, ends_at)
}

fn reason(cx: &mut Ctx, cc: &Node<'_>) -> Option<String> {
    if let Some(t) = cx.str_(cc, "text") {
        return Some(t.to_owned());
    }
    let codings = cx.arr(cc, "coding")?;
    let first = cx.objects(codings).into_iter().next()?;
    cx.str_(&first, "display").map(str::to_owned)
}

/// `maxDosePerPeriod` over 24 hours, in doses or in the dose's unit.
fn max_per_period(cx: &mut Ctx, d: &Node<'_>, dose: Option<&Dose>) -> Option<Max24h> {
    let m = cx.obj(d, "maxDosePerPeriod")?;
    let num = cx.req_obj(&m, "numerator", "");
    let den = cx.req_obj(&m, "denominator", "");
    let den_ok = den.and_then(|den| {
        let v = cx.milli(&den, "value");
        let system = cx.str_(&den, "system");
        let code = cx.str_(&den, "code").or_else(|| cx.str_(&den, "unit"));
        if system.is_some_and(|s| s != UCUM_SYSTEM) {
            cx.push(
                IssueType::CodeInvalid,
                den.at("system"),
                "the period's unit must be UCUM",
            );
            return None;
        }
        match (v, code) {
            (Some(24_000), Some("h")) | (Some(1000), Some("d")) => Some(()),
            (Some(_), Some(_)) => {
                cx.push(
                    IssueType::NotSupported,
                    den.path.clone(),
                    "only a cap per 24 hours (24 h or 1 d) is supported",
                );
                None
            }
            _ => {
                cx.push(
                    IssueType::Required,
                    den.path.clone(),
                    "the period needs a value and a UCUM code (24 h)",
                );
                None
            }
        }
    });
    let num = num?;
    let system = num.field("system").and_then(|v| v.v.as_str());
    let code = num.field("code").and_then(|v| v.v.as_str());
    let unit = num.field("unit").and_then(|v| v.v.as_str());
    let in_doses = match (system, code) {
        (Some(UCUM_SYSTEM) | None, Some("{dose}" | "{doses}")) => true,
        (None, None) => matches!(unit, Some("dose" | "doses")),
        _ => false,
    };
    let cap = if in_doses {
        let n = cx.positive_int(&num, "value");
        if num.lacks("value") {
            cx.push(IssueType::Required, num.at("value"), "value is required");
        }
        n.map(Max24h::Doses)
    } else {
        let q = quantity(cx, &num);
        let a = positive(cx, q, num.at("value"));
        match (a, dose) {
            (Some(a), Some(dose)) if a.unit != dose.min.unit => {
                cx.push(
                    IssueType::Invariant,
                    num.path.clone(),
                    "the cap must be in doses or in the dose's unit",
                );
                None
            }
            (a, _) => a.map(Max24h::Amount),
        }
    };
    den_ok?;
    cap
}

fn quantity_json(a: &Amount) -> Value {
    match &a.unit {
        DoseUnit::Ucum(code) => {
            json!({ "value": milli_to_json(a.milli), "system": UCUM_SYSTEM, "code": code })
        }
        DoseUnit::Dmd(code) => {
            json!({ "value": milli_to_json(a.milli), "system": DMD_SYSTEM, "code": code })
        }
    }
}

fn period_json(minutes: u32) -> (u32, &'static str) {
    if minutes.is_multiple_of(1440) {
        (minutes / 1440, "d")
    } else if minutes.is_multiple_of(60) {
        (minutes / 60, "h")
    } else {
        (minutes, "min")
    }
}

/// Writes an [`Order`] as an R4 UK Core `MedicationRequest` (id: the order number;
/// intent `order`; `substitution.allowedBoolean` false, as UK Core makes substitution
/// 1..1 and the ward gives what was ordered). For every order the readers accept,
/// `read_medication_request(write_medication_request(o), number) == o`.
///
/// An instant outside the years 0001 to 9999 (UTC) is left out: FHIR cannot state it.
#[must_use]
pub fn write_medication_request(order: &Order) -> Value {
    let mut coding = Map::new();
    coding.insert("system".into(), DMD_SYSTEM.into());
    coding.insert("code".into(), order.medication.code.0.clone().into());
    if let Some(d) = &order.medication.display {
        coding.insert("display".into(), d.clone().into());
    }
    let mut med = Map::new();
    med.insert("coding".into(), Value::Array(vec![Value::Object(coding)]));
    if let Some(d) = &order.medication.display {
        med.insert("text".into(), d.clone().into());
    }

    let mut route = Map::new();
    route.insert("system".into(), SNOMED_SYSTEM.into());
    route.insert("code".into(), order.route.snomed.clone().into());
    if let Some(d) = &order.route.display {
        route.insert("display".into(), d.clone().into());
    }

    let dose = match order.dose.max_milli {
        None => json!({ "doseQuantity": quantity_json(&order.dose.min) }),
        Some(high) => json!({ "doseRange": {
            "low": quantity_json(&order.dose.min),
            "high": quantity_json(&Amount { milli: high, unit: order.dose.min.unit.clone() }),
        }}),
    };

    let mut repeat = Map::new();
    let mut bounds = Map::new();
    if let Some(v) = order.starts_at.and_then(date_time_to_json) {
        bounds.insert("start".into(), v);
    }
    if let Some(v) = order.ends_at.and_then(date_time_to_json) {
        bounds.insert("end".into(), v);
    }
    if !bounds.is_empty() {
        repeat.insert("boundsPeriod".into(), Value::Object(bounds));
    }
    let mut dosage = Map::new();
    if let Some(t) = &order.text {
        dosage.insert("text".into(), t.clone().into());
    }
    match &order.schedule {
        Schedule::Times(times) => {
            repeat.insert("frequency".into(), times.len().into());
            repeat.insert("period".into(), 1.into());
            repeat.insert("periodUnit".into(), "d".into());
            let list: Vec<Value> = times
                .iter()
                .map(|t| format!("{:02}:{:02}:00", t.hour, t.minute).into())
                .collect();
            repeat.insert("timeOfDay".into(), Value::Array(list));
        }
        Schedule::Every { minutes } => {
            let (p, u) = period_json(*minutes);
            repeat.insert("frequency".into(), 1.into());
            repeat.insert("period".into(), p.into());
            repeat.insert("periodUnit".into(), u.into());
        }
        Schedule::AsNeeded {
            min_interval_minutes,
            max_24h,
            reason,
        } => {
            if let Some(m) = min_interval_minutes {
                let (p, u) = period_json(*m);
                repeat.insert("frequency".into(), 1.into());
                repeat.insert("period".into(), p.into());
                repeat.insert("periodUnit".into(), u.into());
            }
            match reason {
                Some(r) => dosage.insert("asNeededCodeableConcept".into(), json!({ "text": r })),
                None => dosage.insert("asNeededBoolean".into(), true.into()),
            };
            if let Some(cap) = max_24h {
                let numerator = match cap {
                    Max24h::Doses(n) => json!({
                        "value": n, "unit": "dose", "system": UCUM_SYSTEM, "code": "{dose}"
                    }),
                    Max24h::Amount(a) => quantity_json(a),
                };
                dosage.insert(
                    "maxDosePerPeriod".into(),
                    json!({
                        "numerator": numerator,
                        "denominator": { "value": 24, "unit": "hours", "system": UCUM_SYSTEM, "code": "h" },
                    }),
                );
            }
        }
    }
    if !repeat.is_empty() {
        dosage.insert("timing".into(), json!({ "repeat": repeat }));
    }
    dosage.insert("route".into(), json!({ "coding": [route] }));
    dosage.insert("doseAndRate".into(), json!([dose]));

    let mut r = Map::new();
    r.insert("resourceType".into(), "MedicationRequest".into());
    r.insert("id".into(), order.id.number.clone().into());
    r.insert(
        "meta".into(),
        json!({ "profile": [MEDICATION_REQUEST_PROFILE] }),
    );
    r.insert("status".into(), order.status.as_str().into());
    r.insert("intent".into(), "order".into());
    r.insert("medicationCodeableConcept".into(), Value::Object(med));
    r.insert(
        "subject".into(),
        json!({ "identifier": { "system": NHS_NUMBER_SYSTEM, "value": order.nhs_number } }),
    );
    if let Some(v) = order.stated_at.and_then(date_time_to_json) {
        r.insert("authoredOn".into(), v);
    }
    r.insert("dosageInstruction".into(), json!([dosage]));
    r.insert("substitution".into(), json!({ "allowedBoolean": false }));
    Value::Object(r)
}

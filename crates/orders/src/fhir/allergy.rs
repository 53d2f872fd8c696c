//! `AllergyIntolerance` ⇄ [`AllergyResource`].

use serde_json::{Map, Value, json};

use super::json::{Ctx, Node, is_sctid, parse_root, resource_id};
use super::{
    ALLERGY_INTOLERANCE_PROFILE, DMD_SYSTEM, Issue, IssueType, NHS_NUMBER_SYSTEM, SNOMED_SYSTEM,
};
use crate::model::{
    Allergy, AllergyClinicalStatus, Criticality, NO_KNOWN_ALLERGY_CODES, SubstanceSystem,
};

const R: &str = "AllergyIntolerance";
const CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
const VERIFICATION: &str = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";

/// What one `AllergyIntolerance` says.
///
/// "Not recorded" is not a variant: it is the absence of any resource for the patient,
/// and is never confused with [`AllergyEntry::NoneKnown`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllergyEntry {
    /// An allergy or intolerance to a substance (store it under the resource id,
    /// replacing any stored one).
    Allergy(Allergy),
    /// A positive, current "no known (drug) allergy" statement (SNOMED `409137002` or
    /// `716186003`, clinicalStatus active).
    NoneKnown,
    /// `verificationStatus` entered-in-error: the service removes whatever it stored
    /// under this id.
    EnteredInError,
}

/// An `AllergyIntolerance` read from `PUT /fhir/AllergyIntolerance/{id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllergyResource {
    /// The resource id (equal to the id in the URL).
    pub id: String,
    /// The patient's NHS number (`patient.identifier`, system
    /// `https://fhir.nhs.uk/Id/nhs-number`), modulus 11 checked.
    pub nhs_number: String,
    /// What it states.
    pub statement: AllergyEntry,
}

fn coding_code<'a>(cx: &mut Ctx, concept: &Node<'a>, system: &str) -> Option<(Node<'a>, &'a str)> {
    let codings = cx.arr(concept, "coding")?;
    for c in cx.objects(codings) {
        if cx.str_(&c, "system") == Some(system) {
            let code = cx.req_str(&c, "code", "")?;
            return Some((c, code));
        }
    }
    None
}

/// Reads an `AllergyIntolerance` sent to `PUT /fhir/AllergyIntolerance/{id_in_url}`.
///
/// The substance is the `https://dmd.nhs.uk` coding of `code` (VTM, VMP, AMP or
/// ingredient) or else its `http://snomed.info/sct` coding (matched to dm+d ingredients
/// by id); a SNOMED `409137002`/`716186003` is [`AllergyEntry::NoneKnown`], which must
/// be active (an inactive "none known" states nothing: withdraw it with
/// entered-in-error). `verificationStatus` entered-in-error is
/// [`AllergyEntry::EnteredInError`] and needs neither `code` nor `clinicalStatus`;
/// `refuted` is `not-supported` (the service keeps warning until the EPR withdraws the
/// entry); `unconfirmed` and `confirmed` are read alike. `criticality` absent is
/// unable-to-assess. Reactions are each `reaction[].manifestation[]`'s text, else its
/// first coding's display, else its first code.
///
/// # Errors
///
/// Every issue found, each with the element's FHIRPath and issue type.
pub fn read_allergy_intolerance(
    body: &[u8],
    id_in_url: &str,
) -> Result<AllergyResource, Vec<Issue>> {
    let root = parse_root(body, R)?;
    let r = Node::root(&root, R);
    let mut cx = Ctx::default();
    let id = resource_id(&mut cx, &r, id_in_url);
    cx.unsupported(
        &r,
        &["modifierExtension"],
        "Bedside cannot know what an unknown modifier changes",
    );
    let nhs = cx
        .req_obj(&r, "patient", "")
        .and_then(|p| cx.nhs_number(&p));
    let statement = statement(&mut cx, &r, id.as_deref());
    match (id, nhs, statement) {
        (Some(id), Some(nhs_number), Some(statement)) if cx.issues.is_empty() => {
            Ok(AllergyResource {
                id,
                nhs_number,
                statement,
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

fn statement(cx: &mut Ctx, r: &Node<'_>, id: Option<&str>) -> Option<AllergyEntry> {
    if let Some(vs) = cx.obj(r, "verificationStatus") {
        match coding_code(cx, &vs, VERIFICATION) {
            Some((_, "entered-in-error")) => return Some(AllergyEntry::EnteredInError),
            Some((c, "refuted")) => cx.push(
                IssueType::NotSupported,
                c.at("code"),
                "refuted is not supported: withdraw the entry with entered-in-error",
            ),
            Some((_, "confirmed" | "unconfirmed")) => {}
            Some((c, other)) => cx.push(
                IssueType::CodeInvalid,
                c.at("code"),
                format!("{other:?} is not an allergyintolerance-verification code"),
            ),
            None => cx.push(
                IssueType::CodeInvalid,
                vs.at("coding"),
                format!("no {VERIFICATION} coding"),
            ),
        }
    }
    let clinical = cx
        .req_obj(
            r,
            "clinicalStatus",
            " unless verificationStatus is entered-in-error",
        )
        .and_then(|cs| match coding_code(cx, &cs, CLINICAL) {
            Some((_, "active")) => Some(AllergyClinicalStatus::Active),
            Some((_, "inactive")) => Some(AllergyClinicalStatus::Inactive),
            Some((_, "resolved")) => Some(AllergyClinicalStatus::Resolved),
            Some((c, other)) => {
                cx.push(
                    IssueType::CodeInvalid,
                    c.at("code"),
                    format!("{other:?} is not active, inactive or resolved"),
                );
                None
            }
            None => {
                cx.push(
                    IssueType::CodeInvalid,
                    cs.at("coding"),
                    format!("no {CLINICAL} coding"),
                );
                None
            }
        });
    let criticality = match cx.str_(r, "criticality") {
        None => Some(Criticality::UnableToAssess),
        Some("low") => Some(Criticality::Low),
        Some("high") => Some(Criticality::High),
        Some("unable-to-assess") => Some(Criticality::UnableToAssess),
        Some(other) => {
            cx.push(
                IssueType::CodeInvalid,
                r.at("criticality"),
                format!("{other:?} is not low, high or unable-to-assess"),
            );
            None
        }
    };
    let reactions = reactions(cx, r);
    let code = cx.req_obj(r, "code", ": the substance (or a no-known-allergy code)")?;
    let (system, c, value) = if let Some((c, v)) = coding_code(cx, &code, DMD_SYSTEM) {
        (SubstanceSystem::Dmd, c, v)
    } else if let Some((c, v)) = coding_code(cx, &code, SNOMED_SYSTEM) {
        (SubstanceSystem::Snomed, c, v)
    } else {
        if code.lacks("coding")
            || !cx
                .issues
                .iter()
                .any(|i| i.expression.starts_with(&code.path))
        {
            cx.push(
                IssueType::CodeInvalid,
                code.at("coding"),
                "no https://dmd.nhs.uk or http://snomed.info/sct coding",
            );
        }
        return None;
    };
    if !is_sctid(value) {
        cx.push(
            IssueType::Value,
            c.at("code"),
            format!("{value:?} is not a SNOMED CT / dm+d id (6 to 18 digits)"),
        );
        return None;
    }
    let snomed_says_none = system == SubstanceSystem::Dmd
        && coding_code(cx, &code, SNOMED_SYSTEM)
            .is_some_and(|(_, v)| NO_KNOWN_ALLERGY_CODES.contains(&v));
    if system == SubstanceSystem::Dmd
        && (snomed_says_none || NO_KNOWN_ALLERGY_CODES.contains(&value))
    {
        cx.push(
            IssueType::Invariant,
            code.at("coding"),
            "a substance and a no-known-allergy code in one resource contradict each other",
        );
        return None;
    }
    let clinical = clinical?;
    if system == SubstanceSystem::Snomed && NO_KNOWN_ALLERGY_CODES.contains(&value) {
        if clinical != AllergyClinicalStatus::Active {
            cx.push(
                IssueType::NotSupported,
                r.at("clinicalStatus"),
                "a no-known-allergy statement must be active: withdraw it with verificationStatus entered-in-error",
            );
            return None;
        }
        return Some(AllergyEntry::NoneKnown);
    }
    let display = cx.str_(&c, "display").or_else(|| cx.str_(&code, "text"));
    Some(AllergyEntry::Allergy(Allergy {
        id: id?.to_owned(),
        system,
        code: value.to_owned(),
        display: display.map(str::to_owned),
        clinical_status: clinical,
        criticality: criticality?,
        reactions: reactions?,
    }))
}

fn reactions(cx: &mut Ctx, r: &Node<'_>) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let Some(list) = cx.arr(r, "reaction") else {
        return Some(out);
    };
    let before = cx.issues.len();
    for re in cx.objects(list) {
        let Some(ms) = cx.req_arr(&re, "manifestation", "") else {
            continue;
        };
        for m in cx.objects(ms) {
            if let Some(t) = cx.str_(&m, "text") {
                out.push(t.to_owned());
                continue;
            }
            let first = cx
                .arr(&m, "coding")
                .and_then(|c| cx.objects(c).into_iter().next());
            let named = first.and_then(|c| cx.str_(&c, "display").or_else(|| cx.str_(&c, "code")));
            match named {
                Some(n) => out.push(n.to_owned()),
                None => cx.push(
                    IssueType::Required,
                    m.path.clone(),
                    "a manifestation needs text, or a coding with a display or code",
                ),
            }
        }
    }
    (cx.issues.len() == before).then_some(out)
}

/// Writes an [`AllergyResource`] as an R4 UK Core `AllergyIntolerance`.
///
/// An allergy is written with its substance coding, clinicalStatus, criticality and one
/// `reaction` holding every manifestation as text; "none known" as SNOMED `409137002`
/// "No known drug allergy", active and confirmed; entered-in-error with
/// verificationStatus entered-in-error and no clinicalStatus (R4 invariant ait-2), and
/// `code.text` only, as the substance is not kept.
#[must_use]
pub fn write_allergy_intolerance(res: &AllergyResource) -> Value {
    let mut r = Map::new();
    r.insert("resourceType".into(), R.into());
    r.insert("id".into(), res.id.clone().into());
    r.insert(
        "meta".into(),
        json!({ "profile": [ALLERGY_INTOLERANCE_PROFILE] }),
    );
    let clinical = |code: &str| json!({ "coding": [{ "system": CLINICAL, "code": code }] });
    let verification = |code: &str| json!({ "coding": [{ "system": VERIFICATION, "code": code }] });
    match &res.statement {
        AllergyEntry::Allergy(a) => {
            let status = match a.clinical_status {
                AllergyClinicalStatus::Active => "active",
                AllergyClinicalStatus::Inactive => "inactive",
                AllergyClinicalStatus::Resolved => "resolved",
            };
            r.insert("clinicalStatus".into(), clinical(status));
            let system = match a.system {
                SubstanceSystem::Dmd => DMD_SYSTEM,
                SubstanceSystem::Snomed => SNOMED_SYSTEM,
            };
            let mut coding = Map::new();
            coding.insert("system".into(), system.into());
            coding.insert("code".into(), a.code.clone().into());
            if let Some(d) = &a.display {
                coding.insert("display".into(), d.clone().into());
            }
            let criticality = match a.criticality {
                Criticality::Low => "low",
                Criticality::High => "high",
                Criticality::UnableToAssess => "unable-to-assess",
            };
            r.insert("criticality".into(), criticality.into());
            r.insert("code".into(), json!({ "coding": [coding] }));
            if !a.reactions.is_empty() {
                let ms: Vec<Value> = a.reactions.iter().map(|t| json!({ "text": t })).collect();
                r.insert("reaction".into(), json!([{ "manifestation": ms }]));
            }
        }
        AllergyEntry::NoneKnown => {
            r.insert("clinicalStatus".into(), clinical("active"));
            r.insert("verificationStatus".into(), verification("confirmed"));
            r.insert(
                "code".into(),
                json!({ "coding": [{ "system": SNOMED_SYSTEM, "code": "409137002", "display": "No known drug allergy" }] }),
            );
        }
        AllergyEntry::EnteredInError => {
            r.insert(
                "verificationStatus".into(),
                verification("entered-in-error"),
            );
            r.insert("code".into(), json!({ "text": "entered in error" }));
        }
    }
    r.insert(
        "patient".into(),
        json!({ "identifier": { "system": NHS_NUMBER_SYSTEM, "value": res.nhs_number } }),
    );
    Value::Object(r)
}

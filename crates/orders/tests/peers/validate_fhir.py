"""Independent check of bedside-orders' FHIR output, and a source of FHIR input.

Uses PyPI `fhir.resources` (8.3.0, pinned in .ci/requirements.txt). Its top-level
models are R5 and it ships no R4 package; its `R4B` models are used because R4B left
MedicationRequest, MedicationAdministration, Medication, Dosage, AllergyIntolerance,
OperationOutcome and Bundle as they are in R4 (R5 is what changed them: `medication` became a CodeableReference, `asNeeded[x]` a
boolean plus `asNeededFor`, AllergyIntolerance.type a CodeableConcept,
MedicationAdministration.medication a CodeableReference and effective[x] occurence[x]), so an R4 resource
validates against R4B and an R5-shaped one does not.

    python3 validate_fhir.py            reads JSON on stdin: one resource, a Bundle, or
                                        a JSON array of them; validates every resource
                                        (entries too) and prints one JSON report:
                                        {"resources": N, "errors": [...]}.
                                        Exit 0 when all passed, 1 otherwise.
    python3 validate_fhir.py build      prints a JSON array of MedicationRequest and
                                        AllergyIntolerance resources built with the
                                        fhir.resources models (not written by hand).

Checks beyond the models: the UK Core profile in meta.profile, MedicationRequest
substitution present (UK Core 1..1), subject/patient identifier on the NHS number
system, medication coded in dm+d, OperationOutcome issue codes from the issue-type
value set, Bundle.total equal to the number of entries and absolute fullUrls; for a
MedicationAdministration: status completed or entered-in-error, medicationReference to a
contained UK Core Medication (itself validated) coded in dm+d or identified by GTIN,
performer functions from med-admin-perform-function with a GSRN identifier, and at most one
performer and one verifier.
"""

import json
import sys

from fhir.resources.R4B.allergyintolerance import AllergyIntolerance
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.dosage import Dosage, DosageDoseAndRate
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.medication import Medication
from fhir.resources.R4B.medicationadministration import MedicationAdministration
from fhir.resources.R4B.medicationrequest import MedicationRequest, MedicationRequestSubstitution
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.range import Range
from fhir.resources.R4B.ratio import Ratio
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.timing import Timing, TimingRepeat

MODELS = {
    "MedicationRequest": MedicationRequest,
    "MedicationAdministration": MedicationAdministration,
    "AllergyIntolerance": AllergyIntolerance,
    "OperationOutcome": OperationOutcome,
    "Bundle": Bundle,
}
PROFILES = {
    "MedicationRequest": "https://fhir.hl7.org.uk/StructureDefinition/UKCore-MedicationRequest",
    "MedicationAdministration": "https://fhir.hl7.org.uk/StructureDefinition/UKCore-MedicationAdministration",
    "AllergyIntolerance": "https://fhir.hl7.org.uk/StructureDefinition/UKCore-AllergyIntolerance",
}
NHS = "https://fhir.nhs.uk/Id/nhs-number"
ISSUE_TYPES = {
    "invalid", "structure", "required", "value", "invariant", "security", "login", "unknown",
    "expired", "forbidden", "suppressed", "processing", "not-supported", "duplicate",
    "multiple-matches", "not-found", "deleted", "too-long", "code-invalid", "extension",
    "too-costly", "business-rule", "conflict", "transient", "lock-error", "no-store",
    "exception", "timeout", "incomplete", "throttled", "informational",
}


def check(r, where, errors):
    """Validates one resource (and a Bundle's entries); appends what fails."""
    if not isinstance(r, dict):
        errors.append(f"{where}: not a JSON object")
        return 0
    t = r.get("resourceType")
    model = MODELS.get(t)
    if model is None:
        errors.append(f"{where}: unexpected resourceType {t!r}")
        return 0
    try:
        model.model_validate(r)
    except Exception as e:  # noqa: BLE001 - report every validation failure
        errors.append(f"{where} {t}/{r.get('id')}: {e}")
    count = 1
    if t in PROFILES and PROFILES[t] not in (r.get("meta") or {}).get("profile", []):
        errors.append(f"{where}: no UK Core profile in meta.profile")
    if t == "MedicationRequest":
        if "substitution" not in r:
            errors.append(f"{where}: UK Core requires substitution")
        if (r.get("subject") or {}).get("identifier", {}).get("system") != NHS:
            errors.append(f"{where}: subject.identifier is not an NHS number")
        codings = (r.get("medicationCodeableConcept") or {}).get("coding", [])
        if not any(c.get("system") == "https://dmd.nhs.uk" for c in codings):
            errors.append(f"{where}: medication not coded in dm+d")
    if t == "MedicationAdministration":
        check_administration(r, where, errors)
    if t == "AllergyIntolerance":
        if (r.get("patient") or {}).get("identifier", {}).get("system") != NHS:
            errors.append(f"{where}: patient.identifier is not an NHS number")
    if t == "OperationOutcome":
        for n, i in enumerate(r.get("issue", [])):
            if i.get("code") not in ISSUE_TYPES:
                errors.append(f"{where}: issue[{n}].code {i.get('code')!r} is not an issue type")
    if t == "Bundle":
        entries = r.get("entry", [])
        if r.get("total") != len(entries):
            errors.append(f"{where}: total is not the number of entries")
        for n, e in enumerate(entries):
            if not str(e.get("fullUrl", "")).startswith(("http://", "https://", "urn:")):
                errors.append(f"{where}: entry[{n}].fullUrl is not absolute")
            count += check(e.get("resource"), f"{where}.entry[{n}]", errors)
    return count


def check_administration(r, where, errors):
    """The MedicationAdministration checks beyond the model."""
    if r.get("status") not in ("completed", "entered-in-error"):
        errors.append(f"{where}: status {r.get('status')!r}")
    if (r.get("subject") or {}).get("identifier", {}).get("system") != NHS:
        errors.append(f"{where}: subject.identifier is not an NHS number")
    ref = (r.get("medicationReference") or {}).get("reference", "")
    contained = {c.get("id"): c for c in r.get("contained", []) if isinstance(c, dict)}
    med = contained.get(ref[1:]) if ref.startswith("#") else None
    if med is None or med.get("resourceType") != "Medication":
        errors.append(f"{where}: medicationReference is not a contained Medication")
    else:
        try:
            Medication.model_validate(med)
        except Exception as e:  # noqa: BLE001 - report every validation failure
            errors.append(f"{where} contained Medication: {e}")
        if "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Medication" not in (med.get("meta") or {}).get("profile", []):
            errors.append(f"{where}: contained Medication without the UK Core profile")
        dmd_coded = any(c.get("system") == "https://dmd.nhs.uk" for c in (med.get("code") or {}).get("coding", []))
        gtin = any(str(i.get("value", "")).startswith("https://id.gs1.org/01/") for i in med.get("identifier", []))
        if not (dmd_coded or gtin):
            errors.append(f"{where}: Medication neither dm+d coded nor identified by GTIN")
    functions = []
    for n, p in enumerate(r.get("performer", [])):
        codings = (p.get("function") or {}).get("coding", [])
        codes = [c.get("code") for c in codings
                 if c.get("system") == "http://terminology.hl7.org/CodeSystem/med-admin-perform-function"]
        if not codes or codes[0] not in ("performer", "verifier", "witness"):
            errors.append(f"{where}: performer[{n}].function not from med-admin-perform-function")
        functions += codes
        value = str(((p.get("actor") or {}).get("identifier") or {}).get("value", ""))
        if not value.startswith("https://id.gs1.org/8017/"):
            errors.append(f"{where}: performer[{n}].actor is not identified by a GSRN")
    if functions.count("performer") != 1 or functions.count("verifier") > 1:
        errors.append(f"{where}: expected one performer and at most one verifier, got {functions}")


def dmd(code, display):
    return CodeableConcept(coding=[Coding(system="https://dmd.nhs.uk", code=code, display=display)])


def ucum(value, code):
    return Quantity(value=value, system="http://unitsofmeasure.org", code=code)


def built():
    """Resources built with the models, serialised by fhir.resources itself."""
    subject = Reference(identifier=Identifier(system=NHS, value="9434765919"))
    oral = CodeableConcept(coding=[Coding(system="http://snomed.info/sct", code="26643006", display="Oral")])
    regular = MedicationRequest(
        id="py-regular",
        status="active",
        intent="order",
        subject=subject,
        authoredOn="2025-03-01T09:12:00+00:00",
        medicationCodeableConcept=dmd("39720311000001101", "Paracetamol 500mg tablets"),
        dosageInstruction=[Dosage(
            text="1 g twice a day",
            timing=Timing(repeat=TimingRepeat(
                frequency=2, period=1, periodUnit="d", timeOfDay=["08:00:00", "20:00:00"],
                boundsPeriod=Period(start="2025-03-01T10:00:00+00:00"),
            )),
            route=oral,
            doseAndRate=[DosageDoseAndRate(doseQuantity=ucum(1000, "mg"))],
        )],
        substitution=MedicationRequestSubstitution(allowedBoolean=False),
    )
    prn = MedicationRequest(
        id="py-prn",
        status="on-hold",
        intent="original-order",
        subject=subject,
        medicationCodeableConcept=dmd("36017011000001101", "Morphine 10mg/5ml oral solution"),
        dosageInstruction=[Dosage(
            timing=Timing(repeat=TimingRepeat(frequency=1, period=4, periodUnit="h")),
            asNeededCodeableConcept=CodeableConcept(text="for pain"),
            route=oral,
            doseAndRate=[DosageDoseAndRate(doseRange=Range(low=ucum(2.5, "mg"), high=ucum(5, "mg")))],
            maxDosePerPeriod=Ratio(numerator=Quantity(value=6, unit="dose"), denominator=ucum(24, "h")),
        )],
    )
    every = MedicationRequest(
        id="py-every",
        status="active",
        intent="order",
        subject=subject,
        medicationCodeableConcept=dmd("42206511000001102", "Gentamicin 80mg/2ml solution for injection"),
        dosageInstruction=[Dosage(
            timing=Timing(repeat=TimingRepeat(frequency=1, period=8, periodUnit="h")),
            route=CodeableConcept(coding=[Coding(system="http://snomed.info/sct", code="47625008")]),
            doseAndRate=[DosageDoseAndRate(doseQuantity=Quantity(
                value=2, system="https://dmd.nhs.uk", code="258684004"))],
        )],
    )
    allergy = AllergyIntolerance(
        id="py-allergy",
        clinicalStatus=CodeableConcept(coding=[Coding(
            system="http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", code="active")]),
        code=CodeableConcept(coding=[Coding(
            system="http://snomed.info/sct", code="372687004", display="Amoxicillin")]),
        criticality="high",
        patient=subject,
        reaction=[{"manifestation": [CodeableConcept(coding=[Coding(
            system="http://snomed.info/sct", code="247472004", display="Urticaria")])]}],
    )
    return [json.loads(x.model_dump_json(exclude_none=True)) for x in (regular, prn, every, allergy)]


def main() -> int:
    if sys.argv[1:] == ["build"]:
        print(json.dumps(built()))
        return 0
    errors = []
    try:
        whole = json.load(sys.stdin)
    except ValueError as e:
        print(json.dumps({"resources": 0, "errors": [f"stdin is not JSON: {e}"]}))
        return 1
    items = whole if isinstance(whole, list) else [whole]
    count = 0
    for n, r in enumerate(items):
        count += check(r, f"[{n}]", errors)
    print(json.dumps({"resources": count, "errors": errors[:50]}))
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())

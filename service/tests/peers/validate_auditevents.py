"""Independent check of Bedside's FHIR AuditEvent export.

Reads either one FHIR Bundle (JSON) or NDJSON AuditEvent resources from the file named
on the command line, validates every resource with the `fhir.resources` R4B models
(R4B's AuditEvent and Bundle are R4's), checks the value sets the models do not check
(action, outcome, DICOM event types, BALP patient entity codes), and recomputes the audit
hash chain from the exported record entities alone:

    hash = SHA-256(seq "\n" at "\n" actor "\n" action "\n" detail "\n" prev_hash)

Prints one JSON object: {"resources": N, "chain_ok": bool, "first_seq": ..., "last_seq": ...,
"errors": [...], "patients": {seq: [nhs numbers]}, "actions": {seq: action}}.
Exit status 0 when every check passed, 1 otherwise.
"""

import base64
import hashlib
import json
import sys

from fhir.resources.R4B.auditevent import AuditEvent
from fhir.resources.R4B.bundle import Bundle

DCM = "http://dicom.nema.org/resources/ontology/DCM"
DCM_EVENT_TYPES = {"110100", "110101", "110107", "110110", "110112", "110113", "110114"}
NHS = "https://fhir.nhs.uk/Id/nhs-number"


def main() -> int:
    text = open(sys.argv[1], encoding="utf-8").read()
    errors = []
    resources = []
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if isinstance(whole, dict) and whole.get("resourceType") == "Bundle":
        bundle = whole
        try:
            Bundle.model_validate(bundle)
        except Exception as e:  # noqa: BLE001 - report every validation failure
            errors.append(f"Bundle: {e}")
        if bundle.get("type") != "searchset":
            errors.append("Bundle.type is not searchset")
        for entry in bundle.get("entry", []):
            if not str(entry.get("fullUrl", "")).startswith("urn:uuid:"):
                errors.append("entry without a urn:uuid fullUrl")
            resources.append(entry["resource"])
    else:
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    resources.append(json.loads(line))
                except ValueError as e:
                    errors.append(f"line {n}: not JSON: {e}")

    prev_hash = None
    prev_seq = None
    first_seq = last_seq = None
    patients = {}
    actions = {}
    for r in resources:
        rid = r.get("id", "?")
        try:
            AuditEvent.model_validate(r)
        except Exception as e:  # noqa: BLE001
            errors.append(f"{rid}: {e}")
            continue
        if r["type"].get("system") != DCM or r["type"].get("code") not in DCM_EVENT_TYPES:
            errors.append(f"{rid}: type is not a DICOM audit event type")
        if r.get("action") not in {"C", "R", "U", "D", "E"}:
            errors.append(f"{rid}: bad action")
        if r.get("outcome") not in {"0", "4", "8", "12"}:
            errors.append(f"{rid}: bad outcome")
        if not any(a.get("requestor") for a in r["agent"]):
            errors.append(f"{rid}: no requesting agent")
        record = [e for e in r.get("entity", []) if e.get("name") == "bedside-audit-record"]
        if len(record) != 1:
            errors.append(f"{rid}: expected one bedside-audit-record entity")
            continue
        d = {x["type"]: x.get("valueString", x.get("valueBase64Binary")) for x in record[0]["detail"]}
        detail = base64.b64decode(d["detail"]).decode("utf-8")
        canonical = "\n".join([d["seq"], d["at"], d["actor"], d["action"], detail, d["prev_hash"]])
        if hashlib.sha256(canonical.encode("utf-8")).hexdigest() != d["hash"]:
            errors.append(f"{rid}: hash does not match the exported content")
        seq = int(d["seq"])
        if prev_seq is not None and seq == prev_seq + 1 and d["prev_hash"] != prev_hash:
            errors.append(f"{rid}: prev_hash is not the previous event's hash")
        if prev_seq is not None and seq <= prev_seq:
            errors.append(f"{rid}: sequence goes backwards")
        if seq == 1 and d["prev_hash"] != "0" * 64:
            errors.append(f"{rid}: first row does not start from the genesis hash")
        if rid != f"bedside-audit-{seq}":
            errors.append(f"{rid}: id does not name the sequence number")
        prev_hash, prev_seq = d["hash"], seq
        first_seq = seq if first_seq is None else first_seq
        last_seq = seq
        actions[seq] = d["action"]
        nhs = []
        for e in r.get("entity", []):
            ident = (e.get("what") or {}).get("identifier") or {}
            if ident.get("system") == NHS:
                if (e.get("type") or {}).get("code") != "1" or (e.get("role") or {}).get("code") != "1":
                    errors.append(f"{rid}: patient entity is not type Person / role Patient")
                nhs.append(ident.get("value"))
        patients[seq] = nhs

    print(json.dumps({
        "resources": len(resources),
        "chain_ok": not errors,
        "first_seq": first_seq,
        "last_seq": last_seq,
        "errors": errors[:20],
        "patients": patients,
        "actions": actions,
    }))
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())

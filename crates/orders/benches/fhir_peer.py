#!/usr/bin/env python3
"""The peer of benches/fhir.rs: fhir.resources reading the same MedicationRequest.

Reads the JSON body on stdin (benches/fhir.rs pipes the notes' worked MedicationRequest)
and prints the best per-body time of timeit repeats for fhir.resources' R4B model
(R4's MedicationRequest; the package's default models are R5): `model_validate_json`
on the bytes (parse + validate, what a server does with a PUT body), then reading the
fields our reader reads from the validated model.
"""
import sys
import timeit

try:
    from fhir.resources.R4B.medicationrequest import MedicationRequest
except ImportError as e:  # pragma: no cover
    sys.stderr.write("fhir_peer.py: missing Python package (%s); pip install -r .ci/requirements.txt\n" % e)
    sys.exit(3)

RAW = sys.stdin.buffer.read()


def parse():
    return MedicationRequest.model_validate_json(RAW)


def parse_and_read():
    m = parse()
    d = m.dosageInstruction[0]
    r = d.timing.repeat
    return (m.id, m.status, m.intent, m.subject.identifier.value,
            [c.code for c in m.medicationCodeableConcept.coding if c.system == "https://dmd.nhs.uk"],
            d.doseAndRate[0].doseQuantity.value, d.doseAndRate[0].doseQuantity.code,
            d.route.coding[0].code, list(r.timeOfDay or []), r.boundsPeriod.start, m.authoredOn)


def best(fn, number):
    return min(timeit.repeat(fn, number=number, repeat=5)) / number


if __name__ == "__main__":
    assert parse_and_read()[3] == "9990000018"
    import fhir.resources
    print("fhir.resources %s (R4B models), %d-byte MedicationRequest:" % (fhir.resources.__version__, len(RAW)))
    for name, fn in [("model_validate_json", parse), ("model_validate_json + read fields", parse_and_read)]:
        t = best(fn, 2000)
        print("  peer %-34s %8.2f us/body" % (name, t * 1e6))

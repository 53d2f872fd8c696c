#!/usr/bin/env python3
"""Builds HL7 v2.5 order and ADT messages with hl7apy, for bedside-orders' peer test.

Usage: build_rde.py. Each message is built field by field with hl7apy's object model
(hl7apy writes the delimiters and the escape sequences), validated strictly against
the HL7 v2.5 structure and datatypes, and printed as one JSON array of
{"name": ..., "er7": ...}. The expected readings live in the Rust test
(tests/hl7_peer.rs), not here. Exit status 3 when hl7apy is missing, 4 when a
message fails validation: the Rust test fails on either.
"""
import json
import sys

try:
    from hl7apy.consts import VALIDATION_LEVEL
    from hl7apy.core import Message
    from hl7apy.v2_5 import ST, TX
except ImportError as e:  # pragma: no cover
    sys.stderr.write("build_rde.py: missing Python package (%s); pip install -r .ci/requirements.txt\n" % e)
    sys.exit(3)

NHS = "9990000018^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH"


def header(m, structure, ctrl, when="20250601091500"):
    m.msh.msh_3 = "EPMA"
    m.msh.msh_4 = "RXX01"
    m.msh.msh_5 = "BEDSIDE"
    m.msh.msh_6 = "RXX01"
    m.msh.msh_7 = when
    m.msh.msh_9 = structure
    m.msh.msh_10 = ctrl
    m.msh.msh_11 = "P"
    m.msh.msh_12 = "2.5"


def patient(group):
    group.pid.pid_1 = "1"
    group.pid.pid_3 = NHS
    group.pid.add_field("PID_3").value = "K1234567^^^RXX01^MR"
    group.pid.pid_5 = "SMITH^JOHN"


def al1(parent, set_id, kind, code, severity, reactions):
    seg = parent.add_segment("AL1")
    seg.al1_1 = set_id
    seg.al1_2 = kind
    seg.al1_3 = code
    if severity:
        seg.al1_4 = severity
    for r in reactions:
        rep = seg.add_field("AL1_5")
        rep.value = ST(r)
    return seg


def rde_two_orders():
    m = Message("RDE_O11", version="2.5", validation_level=VALIDATION_LEVEL.STRICT)
    header(m, "RDE^O11^RDE_O11", "PEER-RDE-1")
    p = m.add_group("RDE_O11_PATIENT")
    patient(p)
    al1(p, "1", "DA^Drug allergy^HL70127", "372687004^Amoxicillin^SCT", "SV^Severe^HL70128",
        ["Anaphylaxis", "Rash | hives & wheals"])
    al1(p, "2", "FA^Food allergy^HL70127", "256349002^Peanut^SCT", "SV", ["Anaphylaxis"])

    # Order 1: a new regular order, dm+d VMP in the alternate triplet, times, start with
    # an offset and end in London summer time, SNOMED route only.
    o = m.add_group("RDE_O11_ORDER")
    o.orc.orc_1 = "NW"
    o.orc.orc_2 = "ORD-PEER-1^EPMA"
    o.orc.orc_9 = "20250601091200"
    o.rxe.rxe_2 = "P500^Paracetamol 500mg^99EPMA^42109611000001109^Paracetamol 500mg tablets^DMD"
    o.rxe.rxe_3 = "1000"
    o.rxe.rxe_5 = "mg^milligram^UCUM"
    o.rxe.rxe_7.ce_2 = ST("Swallow whole; 4 g max ^ day & no alcohol")
    t = o.add_group("RDE_O11_TIMING_ENCODED")
    t.tq1.tq1_1 = "1"
    t.tq1.tq1_3 = "TID&Three times a day&HL70335"
    t.tq1.tq1_4 = "0800"
    t.tq1.add_field("TQ1_4").value = "1400"
    t.tq1.add_field("TQ1_4").value = "2000"
    t.tq1.tq1_7 = "20250601100000+0100"
    t.tq1.tq1_8 = "20250608100000"
    o.rxr.rxr_1 = "26643006^Oral route^SCT"

    # Order 2: a change to an as-needed order with a range dose, a dm+d unit, a reason
    # holding delimiters, a total daily dose cap, and a 0162 route.
    o = m.add_group("RDE_O11_ORDER")
    o.orc.orc_1 = "XO"
    o.orc.orc_2 = "ORD-PEER-2^EPMA"
    o.orc.orc_9 = "20250601091300"
    o.rxe.rxe_2 = "900000031000001100^Morphine sulfate 10mg/5ml oral solution^SCT"
    o.rxe.rxe_3 = "2.5"
    o.rxe.rxe_4 = "5"
    o.rxe.rxe_5 = "258684004^milligram^SCT"
    o.rxe.rxe_19 = "30^mg&milligram&UCUM"
    t = o.add_group("RDE_O11_TIMING_ENCODED")
    t.tq1.tq1_1 = "1"
    t.tq1.tq1_3 = "Q4H&Every 4 hours&HL70335"
    t.tq1.tq1_9 = "PRN^As needed^HL70485"
    t.tq1.tq1_10 = TX("pain ^ breathlessness & distress")
    o.rxr.rxr_1 = "PO^Oral^HL70162"
    return m


def rde_discontinue():
    m = Message("RDE_O11", version="2.5", validation_level=VALIDATION_LEVEL.STRICT)
    header(m, "RDE^O11^RDE_O11", "PEER-RDE-2", "20250603120000")
    patient(m.add_group("RDE_O11_PATIENT"))
    o = m.add_group("RDE_O11_ORDER")
    o.orc.orc_1 = "DC"
    o.orc.orc_2 = "ORD-PEER-1^EPMA"
    o.orc.orc_9 = "20250603115900"
    o.rxe.rxe_2 = "42109611000001109^Paracetamol 500mg tablets^DMD"
    o.rxe.rxe_3 = "1000"
    o.rxe.rxe_5 = "mg^milligram^UCUM"
    t = o.add_group("RDE_O11_TIMING_ENCODED")
    t.tq1.tq1_1 = "1"
    o.rxr.rxr_1 = "PO^Oral^HL70162"
    return m


def omp():
    m = Message("OMP_O09", version="2.5", validation_level=VALIDATION_LEVEL.STRICT)
    header(m, "OMP^O09^OMP_O09", "PEER-OMP-1")
    patient(m.add_group("OMP_O09_PATIENT"))
    o = m.add_group("OMP_O09_ORDER")
    o.orc.orc_1 = "NW"
    o.orc.orc_2 = "ORD-PEER-3"
    t = o.add_group("OMP_O09_TIMING")
    t.tq1.tq1_1 = "1"
    t.tq1.tq1_3 = "Q6H&Every 6 hours&HL70335"
    o.rxo.rxo_1 = "3153111000001108^Panadol 500mg tablets^https://dmd.nhs.uk"
    o.rxo.rxo_2 = "500"
    o.rxo.rxo_4 = "mg^milligram^UCUM"
    o.rxr.rxr_1 = "IV^Intravenous^HL70162^47625008^Intravenous route^SCT"
    return m


def adt_nkda():
    m = Message("ADT_A01", version="2.5", validation_level=VALIDATION_LEVEL.STRICT)
    header(m, "ADT^A08^ADT_A01", "PEER-ADT-1")
    m.evn.evn_2 = "20250601091500"
    patient(m)
    m.pv1.pv1_2 = "I"
    al1(m, "1", "DA^Drug allergy^HL70127", "409137002^No known drug allergy^SCT", "", [])
    return m


def main():
    out = []
    for name, build in [("rde_two_orders", rde_two_orders), ("rde_discontinue", rde_discontinue),
                        ("omp", omp), ("adt_nkda", adt_nkda)]:
        m = build()
        try:
            m.validate()
        except Exception as e:  # hl7apy raises its own ValidationError subclasses
            sys.stderr.write("build_rde.py: %s does not validate: %s\n" % (name, e))
            sys.exit(4)
        out.append({"name": name, "er7": m.to_er7() + "\r"})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

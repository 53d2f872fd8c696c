#!/usr/bin/env python3
"""Builds the HL7 v2.5 prescription messages of service/tests/feed_orders.rs with hl7apy.

Usage: build_orders.py NHS_NUMBER START_TS UNKNOWN_NHS_NUMBER. Prints one JSON object {name: er7} of
messages built field by field with hl7apy's object model (hl7apy writes delimiters and
escapes) and validated strictly against HL7 v2.5: an RDE^O11 new VTM-level order with
explicit times and an NKDA AL1, its discontinue, a hold, a PRN order, and an ADT^A08
carrying a drug allergy. What the service must make of them is asserted in Rust.
Exit 3 when hl7apy is missing, 4 when a message fails validation.
"""
import json
import sys

try:
    from hl7apy.consts import VALIDATION_LEVEL
    from hl7apy.core import Message
except ImportError as e:  # pragma: no cover
    sys.stderr.write("build_orders.py: missing Python package (%s); pip install -r .ci/requirements.txt\n" % e)
    sys.exit(3)

NHS_DOMAIN = "NHS&2.16.840.1.113883.2.1.4.1&ISO"


def header(m, structure, ctrl):
    m.msh.msh_3 = "EPMA"
    m.msh.msh_4 = "RXX01"
    m.msh.msh_5 = "BEDSIDE"
    m.msh.msh_6 = "RXX01"
    m.msh.msh_7 = "20261207091500"
    m.msh.msh_9 = structure
    m.msh.msh_10 = ctrl
    m.msh.msh_11 = "P"
    m.msh.msh_12 = "2.5"


def rde(nhs, ctrl, orders, al1=None):
    m = Message("RDE_O11", version="2.5", validation_level=VALIDATION_LEVEL.STRICT)
    header(m, "RDE^O11^RDE_O11", ctrl)
    p = m.add_group("RDE_O11_PATIENT")
    p.pid.pid_1 = "1"
    p.pid.pid_3 = "%s^^^%s^NH" % (nhs, NHS_DOMAIN)
    p.pid.pid_5 = "DEMO^PATIENT"
    if al1:
        a = p.add_segment("AL1")
        a.al1_1 = "1"
        a.al1_2 = "DA^Drug allergy^HL70127"
        a.al1_3 = al1
    for o in orders:
        g = m.add_group("RDE_O11_ORDER")
        g.orc.orc_1 = o["control"]
        g.orc.orc_2 = "%s^EPMA" % o["placer"]
        g.orc.orc_9 = o["stated"]
        g.rxe.rxe_2 = "%s^%s^SCT" % (o["code"], o["name"])
        g.rxe.rxe_3 = o["dose"]
        g.rxe.rxe_5 = "mg^milligram^UCUM"
        t = g.add_group("RDE_O11_TIMING_ENCODED")
        t.tq1.tq1_1 = "1"
        for i, hhmm in enumerate(o.get("times", [])):
            if i == 0:
                t.tq1.tq1_4 = hhmm
            else:
                t.tq1.add_field("TQ1_4").value = hhmm
        if o.get("repeat"):
            t.tq1.tq1_3 = o["repeat"]
        t.tq1.tq1_7 = o["start"]
        if o.get("prn"):
            t.tq1.tq1_9 = "PRN^As needed^HL70485"
            t.tq1.tq1_10 = "for pain"
        r = g.add_segment("RXR")
        r.rxr_1 = "PO^Oral^HL70162^26643006^Oral route^SCT"
    m.validate()
    return m.to_er7()


def adt_a08(nhs, ctrl, allergen):
    m = Message("ADT_A01", version="2.5", validation_level=VALIDATION_LEVEL.STRICT)
    header(m, "ADT^A08^ADT_A01", ctrl)
    m.evn.evn_2 = "20261207091500"
    m.pid.pid_3 = "%s^^^%s^NH" % (nhs, NHS_DOMAIN)
    m.pid.pid_5 = "DEMO^PATIENT"
    m.pv1.pv1_2 = "I"
    a = m.add_segment("AL1")
    a.al1_1 = "1"
    a.al1_2 = "DA^Drug allergy^HL70127"
    a.al1_3 = allergen
    a.al1_4 = "SV^Severe^HL70128"
    a.al1_5 = "Anaphylaxis"
    m.validate()
    return m.to_er7()


def main():
    nhs, start = sys.argv[1], sys.argv[2]
    para_vtm = dict(code="900000011000001100", name="Paracetamol")
    new = dict(control="NW", placer="ORD-1", stated="20261207091000", dose="1000",
               times=["0800", "1400", "2000"], start=start, **para_vtm)
    msgs = {
        "new": rde(nhs, "RX-1", [new], al1="409137002^No known drug allergy^SCT"),
        "new_reused_id": rde(nhs, "RX-1", [dict(new, dose="500")]),
        "hold": rde(nhs, "RX-2", [dict(new, control="HD", stated="20261207092000")]),
        "change_while_held": rde(nhs, "RX-21", [dict(new, control="XO", stated="20261207092200", dose="500")]),
        "release": rde(nhs, "RX-3", [dict(new, control="RL", stated="20261207092500")]),
        "discontinue": rde(nhs, "RX-4", [dict(new, control="DC", stated="20261207093000")]),
        "release_after_stop": rde(nhs, "RX-41", [dict(new, control="RL", stated="20261207094000")]),
        "change_after_stop": rde(nhs, "RX-42", [dict(new, control="XO", stated="20261207094500")]),
        "prn": rde(nhs, "RX-5", [dict(control="NW", placer="ORD-2", stated="20261207091000",
                                      dose="500", repeat="Q4H", prn=True, start=start,
                                      code="900001011000001100", name="Paracetamol 500mg tablets")]),
        "unknown_code": rde(nhs, "RX-6", [dict(new, placer="ORD-3", code="123456789012345678")]),
        "unknown_patient": rde(sys.argv[3], "RX-7", [dict(new, placer="ORD-4")]),
        "adt_allergy": adt_a08(nhs, "ADT-1", "900000021000001100^Amoxicillin^DMD"),
    }
    print(json.dumps(msgs))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # validation failures and the like
        sys.stderr.write("build_orders.py: %s\n" % e)
        sys.exit(4)

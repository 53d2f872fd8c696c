#!/usr/bin/env python3
"""Builds the HL7 v2.5 RDE^O11 orders of service/tests/pharmacy_scenarios.rs with hl7apy.

Usage: build_scenarios.py JSON, where JSON maps each order's patient key ("p0" ... "p5")
to an NHS number. Prints one JSON object {name: er7}: every message is built field by
field with hl7apy's object model (which writes the delimiters and escapes) and validated
strictly against HL7 v2.5. Each order is a PRN order started in the past, so the check's
"due" rules never enter a row; what the service must make of each message is asserted in
Rust. Exit 3 when hl7apy is missing, 4 when a message fails validation.
"""
import json
import sys

try:
    from hl7apy.consts import VALIDATION_LEVEL
    from hl7apy.core import Message
except ImportError as e:  # pragma: no cover
    sys.stderr.write("build_scenarios.py: missing Python package (%s); pip install -r .ci/requirements.txt\n" % e)
    sys.exit(3)

NHS_DOMAIN = "NHS&2.16.840.1.113883.2.1.4.1&ISO"
ROUTES = {"PO": "PO^Oral^HL70162^26643006^Oral route^SCT",
          "IV": "IV^Intravenous^HL70162^47625008^Intravenous route^SCT"}

# Demo dm+d release ids (examples/data/dmd/README.md).
PARACETAMOL_VTM = ("900000011000001100", "Paracetamol")
AMOXICILLIN_VTM = ("900000021000001100", "Amoxicillin")
PARACETAMOL_500_TABLETS = ("900001011000001100", "Paracetamol 500mg tablets")
PARACETAMOL_PREVIOUS_VPID = ("900001991000001100", "Paracetamol 500mg tablets (previous id)")
AMOXICILLIN_500_CAPSULES = ("900001111000001100", "Amoxicillin 500mg capsules")
MORPHINE_AMPOULES = ("900001221000001100", "Morphine sulfate 10mg/1ml solution for injection ampoules")


def rde(nhs, ctrl, control, placer, product, dose, route="PO", al1=None):
    m = Message("RDE_O11", version="2.5", validation_level=VALIDATION_LEVEL.STRICT)
    m.msh.msh_3 = "EPMA"
    m.msh.msh_4 = "RXX01"
    m.msh.msh_5 = "BEDSIDE"
    m.msh.msh_6 = "RXX01"
    m.msh.msh_7 = "20261207091500"
    m.msh.msh_9 = "RDE^O11^RDE_O11"
    m.msh.msh_10 = ctrl
    m.msh.msh_11 = "P"
    m.msh.msh_12 = "2.5"
    p = m.add_group("RDE_O11_PATIENT")
    p.pid.pid_1 = "1"
    p.pid.pid_3 = "%s^^^%s^NH" % (nhs, NHS_DOMAIN)
    p.pid.pid_5 = "DEMO^PATIENT"
    if al1:
        a = p.add_segment("AL1")
        a.al1_1 = "1"
        a.al1_2 = "DA^Drug allergy^HL70127"
        a.al1_3 = al1
    g = m.add_group("RDE_O11_ORDER")
    g.orc.orc_1 = control
    g.orc.orc_2 = "%s^EPMA" % placer
    # Each later message about the order is stated later than the one before it.
    g.orc.orc_9 = "2026120709%02d00" % (10 + int(ctrl.rsplit("-", 1)[1]) % 50)
    code, name = product
    g.rxe.rxe_2 = "%s^%s^SCT" % (code, name)
    g.rxe.rxe_3 = dose
    g.rxe.rxe_5 = "mg^milligram^UCUM"
    t = g.add_group("RDE_O11_TIMING_ENCODED")
    t.tq1.tq1_1 = "1"
    t.tq1.tq1_3 = "Q4H"
    t.tq1.tq1_7 = "20261201080000"
    t.tq1.tq1_9 = "PRN^As needed^HL70485"
    t.tq1.tq1_10 = "as needed"
    r = g.add_segment("RXR")
    r.rxr_1 = ROUTES[route]
    m.validate()
    return m.to_er7()


def main():
    nhs = json.loads(sys.argv[1])
    n = iter(range(1, 1000))

    def msg(patient, control, placer, product, dose, **kw):
        return rde(nhs[patient], "SCN-%d" % next(n), control, placer, product, dose, **kw)

    msgs = {
        "vtm_generic": msg("p0", "NW", "SC-1", AMOXICILLIN_VTM, "500"),
        "vtm_brand": msg("p0", "NW", "SC-2", AMOXICILLIN_VTM, "500"),
        "strength_vtm": msg("p0", "NW", "SC-3", AMOXICILLIN_VTM, "500"),
        "strength_vmp": msg("p0", "NW", "SC-4", AMOXICILLIN_500_CAPSULES, "500"),
        "form_route": msg("p0", "NW", "SC-5", PARACETAMOL_VTM, "1000"),
        "ended_gtin": msg("p0", "NW", "SC-6", PARACETAMOL_500_TABLETS, "1000"),
        "invalid_vmp": msg("p0", "NW", "SC-7", PARACETAMOL_VTM, "1000"),
        "previous_vpid": msg("p0", "NW", "SC-8", PARACETAMOL_PREVIOUS_VPID, "1000"),
        "schedule2": msg("p0", "NW", "SC-9", MORPHINE_AMPOULES, "10", route="IV"),
        "excipient": msg("p2", "NW", "SC-10", AMOXICILLIN_VTM, "500"),
        "resolved": msg("p3", "NW", "SC-11", AMOXICILLIN_VTM, "500"),
        "nkda": msg("p4", "NW", "SC-12", PARACETAMOL_VTM, "1000",
                    al1="409137002^No known drug allergy^SCT"),
        "not_recorded": msg("p5", "NW", "SC-13", PARACETAMOL_VTM, "1000"),
        "dc_new": msg("p0", "NW", "SC-14", PARACETAMOL_VTM, "1000"),
        "dc": msg("p0", "DC", "SC-14", PARACETAMOL_VTM, "1000"),
        "hold_new": msg("p0", "NW", "SC-15", PARACETAMOL_VTM, "1000"),
        "hold": msg("p0", "HD", "SC-15", PARACETAMOL_VTM, "1000"),
        "xo_new": msg("p3", "NW", "SC-16", PARACETAMOL_500_TABLETS, "1000"),
        "xo": msg("p3", "XO", "SC-16", PARACETAMOL_500_TABLETS, "500"),
    }
    print(json.dumps(msgs))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # validation failures and the like
        sys.stderr.write("build_scenarios.py: %s\n" % e)
        sys.exit(4)

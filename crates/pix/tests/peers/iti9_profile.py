"""ITI-9 message profile for hl7apy.

Base HL7 v2.5 QPD has three fields (QPD-3 "varies"), so strict v2.5 validation rejects
every ITI-9 query. This builds the IHE Q23 query profile from hl7apy's own v2.5 reference
structures: QPD-1 CE 1..1, QPD-2 ST 1..1, QPD-3 CX 1..1 with CX.1 and CX.4 required,
QPD-4 CX 0..* with CX.4 required, MSH-3..7 and MSH-9..12 required (MSH-9 with all three
components), MSH-8 forbidden, RCP required.
"""
import copy

from hl7apy import load_reference
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message
from hl7apy.validation import Validator


def _tolist(t):
    if isinstance(t, (tuple, list)):
        return [_tolist(x) for x in t]
    return t


def build_profile():
    msg = _tolist(load_reference("QBP_Q21", "Message", "2.5"))
    cx = _tolist(load_reference("PID_3", "Field", "2.5"))
    for seg in msg[1]:
        name, ref = seg[0], seg[1]
        if name == "MSH":
            for f in ref[1]:
                n = int(f[0].split("_")[1])
                if n in (3, 4, 5, 6, 7, 9, 10, 11, 12):
                    f[2] = [1, 1]
                if n == 8:
                    f[2] = [0, 0]
                if n == 9:
                    for c in f[1][1]:
                        c[2] = [1, 1]
        elif name == "QPD":
            fields = ref[1]
            fields[1][2] = [1, 1]
            qpd3 = copy.deepcopy(cx)
            for c in qpd3[1]:
                if c[0] in ("CX_1", "CX_4"):
                    c[2] = [1, 1]
            qpd3[3] = "PERSON_IDENTIFIER"
            fields[2] = ["QPD_3", qpd3, [1, 1], "FIE"]
            qpd4 = copy.deepcopy(cx)
            for c in qpd4[1]:
                if c[0] == "CX_4":
                    c[2] = [1, 1]
            qpd4[3] = "WHAT_DOMAINS_RETURNED"
            fields.append(["QPD_4", qpd4, [0, -1], "FIE"])
        elif name == "RCP":
            seg[2] = [1, 1]
    return {"QBP_Q21": msg}


PROFILE = build_profile()


def validate_query(text):
    """Returns None when `text` is a profile-valid ITI-9 query, else the error text."""
    try:
        m = parse_message(text, validation_level=VALIDATION_LEVEL.STRICT, message_profile=PROFILE)
        Validator.validate(m, PROFILE["QBP_Q21"])
    except Exception as e:  # hl7apy raises many exception types
        return "%s: %s" % (type(e).__name__, e)
    if m.qpd.qpd_1.ce_1.to_er7() != "IHE PIX Query":
        return "QPD-1 is not 'IHE PIX Query'"
    if m.msh.msh_12.to_er7() != "2.5":
        return "MSH-12 is not 2.5"
    if m.rcp.rcp_1.to_er7() != "I":
        return "RCP-1 is not I"
    return None

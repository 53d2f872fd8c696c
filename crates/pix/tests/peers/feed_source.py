#!/usr/bin/env python3
"""An ITI-8 Patient Identity Source / ITI-10 PIX Manager notifier for bedside-pix's listener.

Usage: feed_source.py PORT. Sends each message below over one persistent MLLP connection
(stdlib socket), reads the ACK, validates it with hl7apy (strict, against the HL7 ACK
structure of the message's version) and prints one JSON line per message:
{"name", "msa1", "msa2", "err", "valid", "error"}.
"""
import json
import socket
import sys

try:
    from hl7apy.consts import VALIDATION_LEVEL
    from hl7apy.parser import parse_message
    from hl7apy.validation import Validator
except ImportError as e:  # pragma: no cover
    sys.stderr.write("feed_source.py: missing Python package (%s); pip install -r .ci/requirements.txt\n" % e)
    sys.exit(3)

SB, EB, CR = b"\x0b", b"\x1c", b"\x0d"
MRN = "TRUST_MRN&2.999.826.0.1.1&ISO"
NHS = "NHS&2.16.840.1.113883.2.1.4.1&ISO"


def adt(trigger, structure, ctrl, version, pid3, extra=""):
    msh = "MSH|^~\\&|PAS|RXX|BEDSIDE_PPID|BEDSIDE|20250314101500||ADT^%s^%s|%s|P|%s" % (trigger, structure, ctrl, version)
    return "\r".join([msh, "EVN|%s|20250314101500" % trigger, "PID|||%s||SMITH^JOHN" % pid3, "PV1||I"]) + "\r" + extra


MESSAGES = [
    ("a01", adt("A01", "ADT_A01", "F-A01", "2.3.1", "K1234567^^^%s^MR" % MRN)),
    ("a04", adt("A04", "ADT_A01", "F-A04", "2.3.1", "K2000004^^^%s^MR~9990000018^^^%s^NH" % (MRN, NHS))),
    ("a05", adt("A05", "ADT_A05", "F-A05", "2.3.1", "K2000005^^^%s^MR" % MRN)),
    ("a08", adt("A08", "ADT_A01", "F-A08", "2.3.1", "K1234567^^^%s^MR~9990001235^^^%s^NH" % (MRN, NHS))),
    ("a31", "MSH|^~\\&|PIX_MGR|HIE|BEDSIDE_PPID|BEDSIDE|20250314101500||ADT^A31^ADT_A05|F-A31|P|2.5\r"
            "EVN|A31|20250314101500\rPID|||K1234567^^^%s^MR~9990001235^^^%s^NH||~^^^^^^S\rPV1||N\r" % (MRN, NHS)),
    ("a40", "MSH|^~\\&|PAS|RXX|BEDSIDE_PPID|BEDSIDE|20250314101500||ADT^A40^ADT_A39|F-A40|P|2.3.1\r"
            "EVN|A40|20250314101500\rPID|||K7654321^^^%s^MR||SMITH^JOHN\rMRG|K1234567^^^%s^MR\r" % (MRN, MRN)),
    ("a02", adt("A02", "ADT_A02", "F-A02", "2.5", "K1234567^^^%s^MR" % MRN)),
    ("no_authority", adt("A01", "ADT_A01", "F-NOAA", "2.5", "K1234567^^^^MR")),
    ("a40_no_mrg", "MSH|^~\\&|PAS|RXX|BEDSIDE_PPID|BEDSIDE|20250314101500||ADT^A40^ADT_A39|F-NOMRG|P|2.5\r"
                   "EVN|A40\rPID|||K7654321^^^%s^MR\r" % MRN),
    ("garbage", "THIS IS NOT HL7\r"),
    ("a31_after_garbage", "MSH|^~\\&|PIX_MGR|HIE|BEDSIDE_PPID|BEDSIDE|20250314101500||ADT^A31^ADT_A05|F-A31B|P|2.5\r"
                          "EVN|A31\rPID|||K0000009^^^%s^MR||~^^^^^^S\rPV1||N\r" % MRN),
]


def read_frame(sock, buf):
    while True:
        s = buf.find(SB)
        e = buf.find(EB + CR, s + 1)
        if s >= 0 and e >= 0:
            return buf[s + 1:e].decode("utf-8"), buf[e + 2:]
        data = sock.recv(65536)
        if not data:
            raise EOFError("listener closed the connection")
        buf += data


def main():
    port = int(sys.argv[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    buf = b""
    for name, text in MESSAGES:
        sock.sendall(SB + text.encode("utf-8") + EB + CR)
        ack, buf = read_frame(sock, buf)
        segs = {l[:3]: l.split("|") for l in ack.split("\r") if l}
        msa = segs.get("MSA", [])
        err = segs.get("ERR")
        error = None
        try:
            m = parse_message(ack, validation_level=VALIDATION_LEVEL.STRICT)
            Validator.validate(m)
        except Exception as e:
            error = "%s: %s" % (type(e).__name__, e)
        print(json.dumps({"name": name, "msa1": msa[1] if len(msa) > 1 else None,
                          "msa2": msa[2] if len(msa) > 2 else None,
                          "err": "|".join(err) if err else None,
                          "type": segs.get("MSH", ["", "", "", "", "", "", "", "", "", ""])[8],
                          "valid": error is None, "error": error}), flush=True)
    sock.close()


if __name__ == "__main__":
    main()

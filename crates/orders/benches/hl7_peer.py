#!/usr/bin/env python3
"""The peer of benches/hl7.rs: hl7apy parsing the same worked RDE^O11 (rde_o11.er7).

Prints the best per-message time of timeit repeats for hl7apy's parse_message
(find_groups=True, so the RDE_O11 PATIENT/ORDER groups are built, as our reader
groups segments) and for parse + reading the fields our reader reads.
"""
import os
import sys
import timeit

try:
    from hl7apy.parser import parse_message
except ImportError as e:  # pragma: no cover
    sys.stderr.write("hl7_peer.py: missing Python package (%s); pip install -r .ci/requirements.txt\n" % e)
    sys.exit(3)

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "rde_o11.er7")) as f:
    RAW = f.read().strip("\n").replace("\n", "\r")


def parse():
    return parse_message(RAW, find_groups=True)


def parse_and_read():
    m = parse()
    out = []
    for o in m.children.get("RDE_O11_ORDER"):
        out.append((o.orc.orc_1.value, o.orc.orc_2.value, o.rxe.rxe_2.value, o.rxe.rxe_3.value,
                    o.rxe.rxe_5.value, o.rxr.rxr_1.value))
    return out


def best(fn, number):
    return min(timeit.repeat(fn, number=number, repeat=5)) / number


if __name__ == "__main__":
    assert len(parse_and_read()) == 2
    print("hl7apy %-28s %9.1f µs/message" % ("parse_message(find_groups)", best(parse, 200) * 1e6))
    print("hl7apy %-28s %9.1f µs/message" % ("parse + read fields", best(parse_and_read, 200) * 1e6))

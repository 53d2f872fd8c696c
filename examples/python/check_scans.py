#!/usr/bin/env python3
"""Checks a batch of scans with the bedside Python package, one scan per line.

For each line, prints one JSON object:

    {"line": 1, "verdict": "valid", "hri": [...], "elements": [[ai, value], ...],
     "wristband": {"nhs_number": "999 000 1235", "name": "SMITH, John", "date_of_birth": "1980-01-18"}}
    {"line": 7, "verdict": "valid", ..., "wristband": {"refused": "unexpected_ai"}}
    {"line": 3, "verdict": "invalid", "class": "BAD_CHECK_DIGIT", "ai": "8018", "offset": 24,
     "marked": "]d2801895200009990001235|3|<GS>80191", "message": "..."}
    {"line": 10, "verdict": "non-gs1"}

"wristband" is present for GS1 data that carries a GSRN (8018): the DCB1077 check
under the policy given (default: the demo policy, which refuses every real band).
Exit status 0 when no line was invalid, 1 otherwise, 2 on a usage or I/O error.

    python3 examples/python/check_scans.py examples/data/demo-scans.txt
    python3 examples/python/check_scans.py --gsrn-prefix 5012345 < scans.txt

Lines end at "\\n" only: GS (0x1D) inside a scan is data. Install the package
first: pip install ./bindings/python
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Dict, List, Optional

from bedside import gs1, wristband


def check_line(
    scan: str,
    *,
    gs_substitute: Optional[str],
    requisites: bool,
    policy: wristband.Policy,
) -> Dict[str, Any]:
    """The verdict on one scan, as a JSON-ready dict."""
    try:
        m = gs1.parse(scan, gs_substitute=gs_substitute, requisites=requisites)
    except gs1.Gs1Error as e:
        return {
            "verdict": "invalid",
            "class": e.error_class,
            "ai": e.ai,
            "offset": e.offset,
            "marked": e.marked,
            "message": str(e),
        }
    if not m.is_gs1:
        return {"verdict": "non-gs1"}
    out: Dict[str, Any] = {
        "verdict": "valid",
        "hri": m.hri(),
        "elements": [[e.ai, e.value] for e in m.elements],
    }
    if "8018" in m:
        try:
            band = wristband.check(m, policy=policy)
            dob = band.date_of_birth
            out["wristband"] = {
                "nhs_number": str(band.nhs_number),
                "name": band.display_name,
                "date_of_birth": dob.isoformat() if dob else None,
            }
        except wristband.WristbandError as e:
            out["wristband"] = {"refused": e.reason, "ai": e.ai, "index": e.index}
    return out


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="Check a batch of GS1 scans, one per line.")
    ap.add_argument("file", nargs="?", help="scans, one per line (default: standard input)")
    ap.add_argument("--gs-substitute", help='what the scanner sends instead of GS, e.g. "~"')
    ap.add_argument("--no-requisites", action="store_true", help="do not check req= rules")
    ap.add_argument("--gsrn-prefix", action="append", default=[],
                    help="a GSRN company prefix of your trust's bands (repeatable)")
    ap.add_argument("--allow-test", action="store_true", help="accept 999 test NHS numbers")
    a = ap.parse_args(argv)

    try:
        policy = (wristband.Policy(a.gsrn_prefix, allow_test=a.allow_test)
                  if a.gsrn_prefix else wristband.Policy.demo())
    except wristband.PolicyError as e:
        print(f"check_scans: {e}", file=sys.stderr)
        return 2
    try:
        if a.file:
            with open(a.file, encoding="utf-8", newline="") as f:
                text = f.read()
        else:
            text = sys.stdin.read()
    except (OSError, UnicodeDecodeError) as e:
        print(f"check_scans: {e}", file=sys.stderr)
        return 2

    any_invalid = False
    for number, scan in enumerate(text.split("\n"), start=1):
        if not scan.strip("\r"):
            continue
        result = check_line(scan, gs_substitute=a.gs_substitute,
                            requisites=not a.no_requisites, policy=policy)
        any_invalid |= result["verdict"] == "invalid"
        print(json.dumps({"line": number, **result}, ensure_ascii=False))
    return 1 if any_invalid else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Optional second opinion: run each generated case through PyPI `biip` and
write one {"biip": "valid"|"invalid"|"error"} per case (same order), for
classify.py --biip. "error" = biip raised something other than its own
ParseError/ValueError (a crash, not a verdict).

  python3 biip_verdicts.py --cases /tmp/cases.jsonl --out /tmp/biip.jsonl

Mode handling: bracketed -> GS1Message.parse_hri; unbracketed -> leading "^"
dropped, "^" used as separator, GS1Message.parse; dl ->
GS1DigitalLinkURI.parse; scan -> biip.parse (valid if it yields a GS1
message, DL URI, GTIN, UPC or SSCC without error).
"""
import argparse
import json

import biip
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_messages import GS1Message

CARET = biip.ParseConfig(separator_chars=["^"])


def verdict(mode, inp):
    try:
        if mode == "bracketed":
            GS1Message.parse_hri(inp)
        elif mode == "unbracketed":
            if not inp.startswith("^"):
                return "invalid"
            GS1Message.parse(inp[1:], config=CARET)
        elif mode == "dl":
            GS1DigitalLinkURI.parse(inp)
        else:
            r = biip.parse(inp)
            ok = any(getattr(r, f) is not None and getattr(r, f + "_error") is None
                     for f in ("gs1_message", "gs1_digital_link_uri", "gtin", "upc", "sscc"))
            return "valid" if ok else "invalid"
        return "valid"
    except (biip.ParseError, ValueError):
        return "invalid"
    except Exception:  # noqa: BLE001 - a crash is recorded, not raised
        return "error"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    with open(a.cases, encoding="utf-8") as f, open(a.out, "w", encoding="utf-8") as o:
        for line in f:
            c = json.loads(line)
            o.write(json.dumps({"biip": verdict(c["mode"], c["input"])}) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Join generated cases with the reference engine's raw verdicts and map each
engine error to one of Bedside's stable error classes.

Inputs:
  --cases  JSON lines from generate.py ({"mode","input","tag"})
  --raw    JSON lines from the engine batch driver, same order, one per case
           ({"ok","err","lint","msg","markup","ai","hri","dl",...}; string bytes
           >= 0x80 arrive as one \\u00XX code point per byte)
Output:
  --out    engine-verdicts.jsonl

The mapping from engine error (error code name + linter code name, both taken
from the engine's public headers) to class is the table CLASS_BY_ERR /
CLASS_BY_LINT below; README.md documents it.
"""

import argparse
import collections
import json
import re
import sys

CLASSES = ["UNKNOWN_AI", "BAD_LENGTH", "BAD_CHARSET", "BAD_CHECK_DIGIT", "BAD_DATE", "BAD_TIME", "BAD_CODE",
           "BAD_VALUE", "INVALID_PAIR", "MISSING_REQUISITE", "CONFLICTING_REPEAT", "DIGSIG_SERIAL", "DL_SYNTAX",
           "DL_KEY_QUALIFIER", "SCAN_AIM", "SYNTAX", "LIMIT"]

# engine error code (gs1_encoder_err_t without the gs1_encoder_e prefix) -> class
CLASS_BY_ERR = {
    "AI_UNRECOGNISED": "UNKNOWN_AI",
    "NO_AI_FOR_PREFIX": "UNKNOWN_AI",
    "UNKNOWN_AI_IN_QUERY_PARAMS": "UNKNOWN_AI",
    "AI_DATA_IS_EMPTY": "BAD_LENGTH",
    "AI_DATA_EMPTY": "BAD_LENGTH",
    "AI_DATA_HAS_INCORRECT_LENGTH": "BAD_LENGTH",
    "AI_VALUE_IS_TOO_SHORT": "BAD_LENGTH",
    "AI_VALUE_IS_TOO_LONG": "BAD_LENGTH",
    "AI_DATA_IS_TOO_LONG": "BAD_LENGTH",
    "AI_VALUE_PATH_ELEMENT_IS_EMPTY": "BAD_LENGTH",
    "AI_VALUE_QUERY_ELEMENT_IN_EMPTY": "BAD_LENGTH",
    "AI_CONTAINS_ILLEGAL_CARAT_CHARACTER": "BAD_CHARSET",
    "SCAN_DATA_CONTAINS_ILLEGAL_CARAT": "BAD_CHARSET",
    "DECODED_AI_FROM_DL_PATH_INFO_CONTAINS_ILLEGAL_NULL": "BAD_CHARSET",
    "DECODED_AI_VALUE_FROM_QUERY_PARAMS_CONTAINS_ILLEGAL_NULL": "BAD_CHARSET",
    "INVALID_AI_PAIRS": "INVALID_PAIR",
    "REQUIRED_AIS_NOT_SATISFIED": "MISSING_REQUISITE",
    "INSTANCES_OF_AI_HAVE_DIFFERENT_VALUES": "CONFLICTING_REPEAT",
    "SERIAL_NOT_PRESENT": "DIGSIG_SERIAL",
    "URI_CONTAINS_ILLEGAL_CHARACTERS": "DL_SYNTAX",
    "URI_CONTAINS_ILLEGAL_SCHEME": "DL_SYNTAX",
    "URI_MISSING_DOMAIN_AND_PATH_INFO": "DL_SYNTAX",
    "NO_GS1_DL_KEYS_FOUND_IN_PATH_INFO": "DL_SYNTAX",
    "DUPLICATE_AI": "DL_SYNTAX",
    "DL_URI_PARSE_FAILED": "DL_SYNTAX",
    "AI_IS_NOT_VALID_DATA_ATTRIBUTE": "DL_KEY_QUALIFIER",
    "INVALID_KEY_QUALIFIER_SEQUENCE": "DL_KEY_QUALIFIER",
    "AI_SHOULD_BE_IN_PATH_INFO": "DL_KEY_QUALIFIER",
    "TOO_MANY_DL_KEY_QUALIFIERS": "DL_KEY_QUALIFIER",
    "MISSING_SYMBOLOGY_IDENTIFIER": "SCAN_AIM",
    "UNSUPPORTED_SYMBOLOGY_IDENTIFIER": "SCAN_AIM",
    "FAILED_TO_PROCESS_SCAN_DATA": "SCAN_AIM",
    "PRIMARY_SCAN_DATA_IS_TOO_SHORT": "BAD_LENGTH",
    "PRIMARY_MESSAGE_IS_TOO_LONG": "BAD_LENGTH",
    "PRIMARY_MESSAGE_MAY_ONLY_CONTAIN_DIGITS": "BAD_CHARSET",
    "PRIMARY_MESSAGE_CHECK_DIGIT_IS_INCORRECT": "BAD_CHECK_DIGIT",
    "AI_PARSE_FAILED": "SYNTAX",
    "MISSING_FNC1_IN_FIRST_POSITION": "SYNTAX",
    "TOO_MANY_AIS": "LIMIT",
    "DATA_TOO_LONG": "LIMIT",
    "DL_URI_TOO_LONG": "LIMIT",
}

# linter code (gs1_lint_err_t without the GS1_LINTER_ prefix) -> class,
# used when the engine error is AI_LINTER_ERROR
CLASS_BY_LINT = {
    "NON_DIGIT_CHARACTER": "BAD_CHARSET",
    "INVALID_CSET82_CHARACTER": "BAD_CHARSET",
    "INVALID_CSET39_CHARACTER": "BAD_CHARSET",
    "INVALID_CSET32_CHARACTER": "BAD_CHARSET",
    "INVALID_CSET64_CHARACTER": "BAD_CHARSET",
    "INVALID_CSET64_PADDING": "BAD_CHARSET",
    "INVALID_IBAN_CHARACTER": "BAD_CHARSET",
    "INCORRECT_CHECK_DIGIT": "BAD_CHECK_DIGIT",
    "TOO_SHORT_FOR_CHECK_DIGIT": "BAD_CHECK_DIGIT",
    "INCORRECT_CHECK_PAIR": "BAD_CHECK_DIGIT",
    "TOO_SHORT_FOR_CHECK_PAIR": "BAD_CHECK_DIGIT",
    "TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION": "BAD_CHECK_DIGIT",
    "INCORRECT_IBAN_CHECKSUM": "BAD_CHECK_DIGIT",
    "DATE_TOO_SHORT": "BAD_DATE",
    "DATE_TOO_LONG": "BAD_DATE",
    "ILLEGAL_MONTH": "BAD_DATE",
    "ILLEGAL_DAY": "BAD_DATE",
    "HOUR_WITH_MINUTE_TOO_SHORT": "BAD_TIME",
    "HOUR_WITH_MINUTE_TOO_LONG": "BAD_TIME",
    "ILLEGAL_HOUR": "BAD_TIME",
    "ILLEGAL_MINUTE": "BAD_TIME",
    "ILLEGAL_SECOND": "BAD_TIME",
    "HOUR_TOO_SHORT": "BAD_TIME",
    "HOUR_TOO_LONG": "BAD_TIME",
    "MINUTE_TOO_SHORT": "BAD_TIME",
    "MINUTE_TOO_LONG": "BAD_TIME",
    "SECOND_TOO_SHORT": "BAD_TIME",
    "SECOND_TOO_LONG": "BAD_TIME",
    "NOT_ISO3166": "BAD_CODE",
    "NOT_ISO3166_OR_999": "BAD_CODE",
    "NOT_ISO3166_ALPHA2": "BAD_CODE",
    "NOT_ISO4217": "BAD_CODE",
    "ILLEGAL_IBAN_COUNTRY_CODE": "BAD_CODE",
    "INVALID_BIOLOGICAL_SEX_CODE": "BAD_CODE",
    "INVALID_MEDIA_TYPE": "BAD_CODE",
    "INVALID_PACKAGE_TYPE": "BAD_CODE",
    "INVALID_WINDING_DIRECTION": "BAD_CODE",
    "NOT_ZERO_OR_ONE": "BAD_CODE",
    "INVALID_IMPORT_IDX_CHARACTER": "BAD_CODE",
    "IBAN_TOO_SHORT": "BAD_LENGTH",
    "IBAN_TOO_LONG": "BAD_LENGTH",
    "IMPORTER_IDX_MUST_BE_ONE_CHARACTER": "BAD_LENGTH",
    "LATITUDE_INVALID_LENGTH": "BAD_LENGTH",
    "LONGITUDE_INVALID_LENGTH": "BAD_LENGTH",
    # everything else a linter reports (GCP, zero/non-zero, piece-of-total,
    # %hh, position-in-sequence, hyphen, lat/long range, coupons, ...)
}
LINT_DEFAULT = "BAD_VALUE"

MAX_DATA = 8191


def unbytes(s):
    """Driver strings carry one code point per byte; recover the UTF-8 text."""
    if s is None:
        return None
    return s.encode("latin-1").decode("utf-8", errors="backslashreplace")


def classify(raw, inp):
    if raw["ok"]:
        return None
    err, lint = raw["err"], raw.get("lint")
    if err == "AI_LINTER_ERROR":
        return CLASS_BY_LINT.get(lint, LINT_DEFAULT)
    if err == "AI_PARSE_FAILED" and len(inp.encode("utf-8")) > MAX_DATA:
        # bracketed input has no up-front length check: an oversized input
        # surfaces as a parse failure; we class it by its cause
        return "LIMIT"
    if err not in CLASS_BY_ERR:
        raise SystemExit(f"unmapped engine error {err!r} ({raw.get('msg')!r}) - extend CLASS_BY_ERR")
    return CLASS_BY_ERR[err]


AI_RE = [re.compile(r"AI \((\d{2,4})\)"), re.compile(r"Unrecognised AI: (\d+)"), re.compile(r"^\((\d{2,4})\)")]


def offending_ai(raw):
    for text in (raw.get("msg") or "", raw.get("markup") or ""):
        for rx in AI_RE:
            m = rx.search(text)
            if m:
                return m.group(1)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--raw", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--biip", help="optional JSON lines with {\"biip\": ...} per case, same order")
    a = ap.parse_args()
    cases = [json.loads(l) for l in open(a.cases, encoding="utf-8")]
    raws = [json.loads(l) for l in open(a.raw, encoding="utf-8")]
    biip = [json.loads(l) for l in open(a.biip, encoding="utf-8")] if a.biip else None
    if len(cases) != len(raws):
        raise SystemExit(f"{len(cases)} cases but {len(raws)} engine results")
    stats = collections.Counter()
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        for i, (c, r) in enumerate(zip(cases, raws)):
            if r.get("driver_error") or r.get("mode") != c["mode"]:
                raise SystemExit(f"case {i + 1}: driver problem {r}")
            ai_string = unbytes(r.get("ai"))
            if r["ok"]:
                verdict = "valid" if ai_string is not None else "non-gs1"
            else:
                verdict = "invalid"
            cls = classify(r, c["input"])
            rec = {
                "mode": c["mode"],
                "input": c["input"],
                "tag": c["tag"],
                "verdict": verdict,
                "class": cls,
                "ai": offending_ai(r) if cls else None,
                "engine_error": unbytes(r["msg"]),
                "engine_markup": unbytes(r["markup"]),
                "engine_code": r["err"] + ("/" + r["lint"] if r.get("lint") else ""),
                "ai_string": ai_string,
                "hri": [unbytes(h) for h in r.get("hri", [])],
                "dl": unbytes(r.get("dl")) if r["ok"] else None,
            }
            if r["ok"] and r.get("ignored_qp"):
                rec["dl_ignored_params"] = [unbytes(q) for q in r["ignored_qp"]]
            if biip is not None:
                rec["biip"] = biip[i]["biip"]
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            stats[(c["mode"], verdict, cls)] += 1
    for k, v in sorted(stats.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")):
        print(f"{v:5d} {k[0]:12s} {k[1]:8s} {k[2] or ''}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""The GS1 crate's engine-vector cases through Python.

``crates/gs1/tests/vectors/engine-verdicts.jsonl`` holds 3,357 inputs with the GS1
Barcode Syntax Engine's verdicts; ``crates/gs1/tests/engine_vectors.rs`` holds the
Rust API to them. Here every one goes through ``bedside.gs1.parse`` and must give
exactly what the Rust API gives -- verdict, error class, AI, byte offset and length,
and for valid inputs the bracketed form, HRI and elements -- and the engine's
verdict and class except for the same documented deviations as the Rust test.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

from bedside import gs1

from conftest import VECTORS, python_verdict, rust_verdicts

# The engine's modes and the Python API's forms.
FORMS = {"scan": "scan", "bracketed": "bracketed", "unbracketed": "unbracketed", "dl": "digital_link"}

# Where Bedside knowingly differs from the engine: the same list, for the same
# reasons, as DEVIATIONS in crates/gs1/tests/engine_vectors.rs.
DEVIATIONS = {
    "0109520000120610",
    "ftp://id.gs1.org/01/09520000479589",
    "https://id.gs1.org/01/09520000479589/10/AB%2",
    "https://id.gs1.org/01/09520000479589/10/AB%ZZ",
    "Https://id.gs1.org/01/09520000479589",
}


def _vectors() -> List[Dict[str, Any]]:
    return [json.loads(line) for line in VECTORS.read_text(encoding="utf-8").splitlines()]


def test_every_vector_agrees_with_the_rust_api() -> None:
    vectors = _vectors()
    assert len(vectors) > 3000, f"vector file too small: {len(vectors)}"
    # The engine reads CR/LF as data; the vector test keeps line endings (as Rust's does).
    rust = rust_verdicts(
        ({"form": FORMS[v["mode"]], "input": v["input"]} for v in vectors),
        "--keep-line-endings",
    )
    mismatches = []
    counts = {"valid": 0, "invalid": 0, "non-gs1": 0}
    for v, want in zip(vectors, rust):
        got = python_verdict(
            gs1.parse, gs1.Gs1Error, v["input"], form=FORMS[v["mode"]], strip_line_endings=False
        )
        counts[got["verdict"]] += 1
        if got != want:
            mismatches.append(f"{v['mode']} {v['input']!r}: rust {want}, python {got}")
    assert not mismatches, f"{len(mismatches)} of {len(vectors)} differ:\n" + "\n".join(mismatches[:20])
    # Every verdict occurs, and in the numbers tests/vectors/README.md records.
    assert counts["valid"] > 1900 and counts["invalid"] > 1200 and counts["non-gs1"] > 20, counts


def test_every_vector_agrees_with_the_engine_but_the_deviations() -> None:
    mismatches = []
    checked = 0
    for v in _vectors():
        if v["input"] in DEVIATIONS:
            continue
        checked += 1
        got = python_verdict(
            gs1.parse, gs1.Gs1Error, v["input"], form=FORMS[v["mode"]], strip_line_endings=False
        )
        if got["verdict"] != v["verdict"] or (
            v["verdict"] == "invalid" and got.get("class") != v["class"]
        ):
            mismatches.append(f"{v['mode']} {v['input']!r}: engine {v['verdict']} {v['class']}, python {got}")
            continue
        if got["verdict"] == "valid" and v.get("ai_string"):
            if got["bracketed"] != v["ai_string"]:
                mismatches.append(f"{v['input']!r}: ai_string engine {v['ai_string']}, python {got['bracketed']}")
            m = gs1.parse(v["input"], form=FORMS[v["mode"]], strip_line_endings=False)
            if v.get("hri") and m.hri(titles=False) != v["hri"]:
                mismatches.append(f"{v['input']!r}: HRI engine {v['hri']}, python {m.hri(titles=False)}")
            if v.get("dl"):
                try:
                    dl = m.digital_link()
                except gs1.Gs1Error as e:
                    dl = f"Gs1Error {e.error_class}"
                if dl != v["dl"]:
                    mismatches.append(f"{v['input']!r}: DL engine {v['dl']}, python {dl}")
    assert checked > 3000
    assert not mismatches, f"{len(mismatches)} differ from the engine:\n" + "\n".join(mismatches[:20])


def test_auto_form_agrees_with_the_rust_api_on_every_vector() -> None:
    # The same inputs told apart by their first bytes, with default options.
    vectors = _vectors()
    rust = rust_verdicts({"form": "auto", "input": v["input"]} for v in vectors)
    mismatches = [
        f"{v['input']!r}: rust {want}, python {got}"
        for v, want in zip(vectors, rust)
        if (got := python_verdict(gs1.parse, gs1.Gs1Error, v["input"])) != want
    ]
    assert not mismatches, "\n".join(mismatches[:20])


def test_bytes_and_str_inputs_agree() -> None:
    for v in _vectors():
        if v["mode"] != "scan":
            continue
        as_str = python_verdict(gs1.parse, gs1.Gs1Error, v["input"], form="scan")
        as_bytes = python_verdict(gs1.parse, gs1.Gs1Error, v["input"].encode("utf-8"), form="scan")
        assert as_str == as_bytes, v["input"]


def test_equal_messages_hash_alike_whatever_their_form() -> None:
    forms = ["(01)09506000134352(17)261231(10)AB1", "^010950600013435217261231^10AB1",
             "]d2010950600013435217261231\x1d10AB1", "010950600013435217261231\x1d10AB1"]
    messages = [gs1.parse(f) for f in forms]
    assert all(m == messages[0] for m in messages)
    assert len({hash(m) for m in messages}) == 1 and len(set(messages)) == 1
    other = gs1.parse("(01)09506000134352(17)261231(10)AB2")
    assert other != messages[0] and len(set(messages + [other])) == 2
    assert gs1.parse("]d1AB") == gs1.parse("]d1AB") and gs1.parse("]d1AB") != gs1.parse("]Q1AC")

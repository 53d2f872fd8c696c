#!/usr/bin/env python3
"""Throughput of ``bedside.gs1.parse`` against biip on the same mixed hospital
inputs, and how often each agrees with the Rust crate's verdict.

Inputs (all scan data with an AIM identifier and real GS separators, as a
scanner sends them):

* the GS1 crate's benchmark inputs, ``crates/gs1/benches/inputs/*.txt``: 100
  patient wristbands, 100 staff badges, 100 ward/bed locations, 100 medicine
  packs (GTIN, expiry, batch, serial);
* 100 invalid ones: the first 100 ``scan`` cases of the engine vectors
  (``crates/gs1/tests/vectors/engine-verdicts.jsonl``) that the GS1 Barcode
  Syntax Engine rejects (bad check digits, dates, lengths, requisites, ...).

Each tool is timed over the whole mix, 7 runs of at least ``--seconds`` each,
process CPU time; the table gives the best and the median run. A verdict is
``valid`` (GS1 AI data), ``non-gs1`` or ``invalid``; for biip it is decided the
way ``crates/gs1/tests/vectors/biip_verdicts.py`` decides it for scan data.

    python3 bindings/python/bench/bench_biip.py [--seconds 0.5]

Needs the installed ``bedside`` package, ``biip`` (pinned in
``.ci/requirements.txt``) and cargo (to build the Rust reference).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import biip

from bedside import gs1

PACKAGE = Path(__file__).resolve().parent.parent
REPO = PACKAGE.parent.parent
BENCH_INPUTS = REPO / "crates" / "gs1" / "benches" / "inputs"
VECTORS = REPO / "crates" / "gs1" / "tests" / "vectors" / "engine-verdicts.jsonl"
WORKLOADS = ["wristband", "staff", "location", "medicine"]


def load_inputs() -> List[Tuple[str, str]]:
    """``(workload, scan)`` pairs: 400 valid inputs and 100 invalid ones."""
    out = []
    for w in WORKLOADS:
        text = (BENCH_INPUTS / f"{w}.txt").read_text(encoding="utf-8")
        lines = [line for line in text.split("\n") if line]  # not splitlines(): GS is a line break there
        out += [(w, line) for line in lines]
    invalid = []
    for line in VECTORS.read_text(encoding="utf-8").splitlines():
        v = json.loads(line)
        if v["mode"] == "scan" and v["verdict"] == "invalid" and "\r" not in v["input"] and "\n" not in v["input"]:
            invalid.append(("invalid", v["input"]))
        if len(invalid) == 100:
            break
    return out + invalid


def rust_reference(inputs: List[str]) -> List[Dict]:
    """The Rust API's verdicts (``reference/``, built on the bedside-gs1 crate)."""
    subprocess.run(
        ["cargo", "build", "--release", "--locked", "--quiet", "--manifest-path",
         str(PACKAGE / "Cargo.toml"), "-p", "bedside-python-reference"],
        check=True,
    )
    target = Path(os.environ.get("CARGO_TARGET_DIR", PACKAGE / "target"))
    done = subprocess.run(
        [str(target / "release" / "gs1-reference")],
        input="".join(json.dumps({"form": "auto", "input": s}) + "\n" for s in inputs),
        capture_output=True, text=True, check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


def bedside_verdict(scan: str) -> Dict:
    try:
        m = gs1.parse(scan)
    except gs1.Gs1Error as e:
        return {"verdict": "invalid", "class": e.error_class, "ai": e.ai, "offset": e.offset}
    return {"verdict": "valid" if m.is_gs1 else "non-gs1"}


def biip_verdict(scan: str) -> str:
    try:
        r = biip.parse(scan)
    except (biip.ParseError, ValueError):
        return "invalid"
    ok = any(getattr(r, f) is not None and getattr(r, f + "_error") is None
             for f in ("gs1_message", "gs1_digital_link_uri", "gtin", "upc", "sscc"))
    return "valid" if ok else "invalid"


def bedside_parse(inputs: List[str]) -> None:
    parse, error = gs1.parse, gs1.Gs1Error
    for s in inputs:
        try:
            parse(s)
        except error:
            pass


def bedside_parse_elements(inputs: List[str]) -> None:
    parse, error = gs1.parse, gs1.Gs1Error
    for s in inputs:
        try:
            for e in parse(s).elements:
                e.value
        except error:
            pass


def biip_parse(inputs: List[str]) -> None:
    parse, error = biip.parse, (biip.ParseError, ValueError)
    for s in inputs:
        try:
            parse(s)
        except error:
            pass


def timed(fn: Callable[[List[str]], None], inputs: List[str], seconds: float, runs: int = 7) -> List[float]:
    """Per-input CPU nanoseconds of each run (each run repeats the mix for >= seconds)."""
    fn(inputs)  # warm up
    rounds = 1
    while True:
        t0 = time.process_time_ns()
        for _ in range(rounds):
            fn(inputs)
        if (time.process_time_ns() - t0) / 1e9 >= seconds / 4:
            break
        rounds *= 2
    per = max(1, int(rounds * seconds / max((time.process_time_ns() - t0) / 1e9, 1e-9)))
    out = []
    for _ in range(runs):
        t0 = time.process_time_ns()
        for _ in range(per):
            fn(inputs)
        out.append((time.process_time_ns() - t0) / (per * len(inputs)))
    return out


def machine() -> str:
    model = "unknown"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"lscpu model {model}, {os.cpu_count()} CPUs, load average {load:.2f}; "
            f"Python {platform.python_version()}, bedside {metadata.version('bedside')}, "
            f"biip {metadata.version('biip')}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=0.5, help="minimum CPU seconds per timed run")
    a = ap.parse_args()

    pairs = load_inputs()
    inputs = [s for _, s in pairs]
    rust = rust_reference(inputs)

    # Agreement with the Rust crate on every input.
    same_verdict = same_full = biip_same = 0
    by_workload: Dict[str, List[int]] = {}
    for (w, s), want in zip(pairs, rust):
        got = bedside_verdict(s)
        if got["verdict"] == want["verdict"]:
            same_verdict += 1
        wanted = {k: want.get(k) for k in got}
        if got == wanted:
            same_full += 1
        b = biip_verdict(s)
        agree = b == want["verdict"]
        biip_same += agree
        by_workload.setdefault(w, [0, 0])
        by_workload[w][0] += agree
        by_workload[w][1] += 1

    n = len(inputs)
    print(f"machine: {machine()}")
    print(f"inputs: {n} ({', '.join(f'{w} {c[1]}' for w, c in by_workload.items())})")
    print(f"bedside.gs1 vs the Rust crate: verdict {same_verdict}/{n}, "
          f"verdict+class+AI+offset {same_full}/{n}")
    print(f"biip vs the Rust crate: verdict {biip_same}/{n} ({100 * biip_same / n:.1f} %); "
          + ", ".join(f"{w} {c[0]}/{c[1]}" for w, c in by_workload.items()))

    rows = [
        ("bedside.gs1.parse", timed(bedside_parse, inputs, a.seconds)),
        ("bedside.gs1.parse + .elements", timed(bedside_parse_elements, inputs, a.seconds)),
        ("biip.parse", timed(biip_parse, inputs, a.seconds)),
    ]
    biip_best = min(rows[2][1])
    print()
    print("| parser | CPU ns/input, best / median | inputs/s (best) | biip ÷ this (best) |")
    print("| --- | --- | --- | --- |")
    for name, runs in rows:
        best, med = min(runs), statistics.median(runs)
        print(f"| {name} | {best:,.0f} / {med:,.0f} | {1e9 / best:,.0f} | {biip_best / best:.1f}x |")
    ok = same_verdict == n and same_full == n and biip_best / min(rows[0][1]) >= 50
    print()
    print("targets (>= 50x biip, every verdict equal to the Rust crate's):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

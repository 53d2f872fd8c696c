"""Shared helpers: the repository paths, and the Rust API's own verdicts.

The Rust verdicts come from ``reference/`` (``gs1-reference``), a small program on
the ``bedside-gs1`` crate itself, so the tests compare the Python binding with the
crate it wraps rather than with itself. A missing cargo, a failed build or a missing
peer package is a test FAILURE with what to install, never a skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, Iterable, List

import pytest

PACKAGE = Path(__file__).resolve().parent.parent
REPO = PACKAGE.parent.parent
VECTORS = REPO / "crates" / "gs1" / "tests" / "vectors" / "engine-verdicts.jsonl"
DEMO_SCANS = REPO / "examples" / "data" / "demo-scans.txt"

_built: Dict[str, Path] = {}


def reference_binary() -> Path:
    """Builds (once per session) and returns the ``gs1-reference`` binary."""
    if "bin" in _built:
        return _built["bin"]
    cargo = shutil.which("cargo")
    if cargo is None:
        pytest.fail("cargo is not on PATH: the Rust toolchain is needed to build gs1-reference")
    target = Path(os.environ.get("CARGO_TARGET_DIR", PACKAGE / "target"))
    cmd = [
        cargo,
        "build",
        "--release",
        "--locked",
        "--quiet",
        "--manifest-path",
        str(PACKAGE / "Cargo.toml"),
        "-p",
        "bedside-python-reference",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"building gs1-reference failed:\n{done.stderr}")
    binary = target / "release" / "gs1-reference"
    if not binary.exists():
        pytest.fail(f"gs1-reference was built but is not at {binary}")
    _built["bin"] = binary
    return binary


def rust_verdicts(records: Iterable[Dict[str, Any]], *args: str) -> List[Dict[str, Any]]:
    """The Rust API's verdict for each ``{"form", "input"[, "latin1"]}`` record, in order."""
    lines = [json.dumps(r) for r in records]
    done = subprocess.run(
        [str(reference_binary()), *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"gs1-reference failed ({done.returncode}):\n{done.stderr}")
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == len(lines), "gs1-reference answered a different number of lines"
    return out


def python_verdict(parse: Any, error: Any, data: Any, **kw: Any) -> Dict[str, Any]:
    """The Python binding's verdict in the reference program's shape."""
    try:
        m = parse(data, **kw)
    except error as e:
        return {
            "verdict": "invalid",
            "class": e.error_class,
            "ai": e.ai,
            "offset": e.offset,
            "len": e.length,
        }
    if not m.is_gs1:
        return {"verdict": "non-gs1"}
    return {
        "verdict": "valid",
        "bracketed": m.bracketed(),
        "hri": m.hri(),
        "elements": [[e.ai, e.value] for e in m.elements],
    }


def demo_scans() -> List[str]:
    """The demo scan lines (GS as 0x1D), as ``bedside gs1 check`` reads them."""
    # str.splitlines() would also split at GS (0x1D): lines end in "\n" only.
    return [line for line in DEMO_SCANS.read_text(encoding="utf-8").split("\n") if line]

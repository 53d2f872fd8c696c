"""examples/python/check_scans.py on the demo scans: one JSON line per scan, each
verdict, class, AI and offset the Rust crate's, the demo bands identified."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import DEMO_SCANS, REPO, demo_scans, rust_verdicts

SCRIPT = REPO / "examples" / "python" / "check_scans.py"


def _run(*args: str, stdin: str = ""):
    return subprocess.run([sys.executable, str(SCRIPT), *args], input=stdin,
                          capture_output=True, text=True, check=False)


def test_demo_scans_match_the_rust_crate() -> None:
    done = _run(str(DEMO_SCANS))
    assert done.returncode == 1, done.stderr  # some demo scans are invalid on purpose
    out = [json.loads(line) for line in done.stdout.splitlines()]
    scans = demo_scans()
    want = rust_verdicts({"form": "auto", "input": s} for s in scans)
    assert len(out) == len(scans)
    for got, w in zip(out, want):
        assert got["verdict"] == w["verdict"]
        if w["verdict"] == "invalid":
            assert (got["class"], got["ai"], got["offset"]) == (w["class"], w["ai"], w["offset"])
        if w["verdict"] == "valid":
            assert got["elements"] == w["elements"] and got["hri"] == w["hri"]
    bands = [o["wristband"] for o in out if "wristband" in o]
    assert bands[0] == {"nhs_number": "999 000 1235", "name": "SMITH, John", "date_of_birth": "1980-01-18"}
    assert bands[1]["nhs_number"] == "999 000 0018"


def test_stdin_policy_and_exit_status() -> None:
    smith = demo_scans()[0]
    done = _run(stdin=smith + "\n")
    assert done.returncode == 0 and json.loads(done.stdout)["wristband"]["name"] == "SMITH, John"
    done = _run("--gsrn-prefix", "5012345", stdin=smith + "\n")
    assert done.returncode == 0
    assert json.loads(done.stdout)["wristband"]["refused"] == "gsrn_prefix_not_allowed"
    done = _run("--gsrn-prefix", "12", stdin=smith + "\n")
    assert done.returncode == 2 and "GSRN" in done.stderr
    done = _run(str(REPO / "no-such-file.txt"))
    assert done.returncode == 2

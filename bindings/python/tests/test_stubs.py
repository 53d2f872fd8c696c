"""The type stubs (``.pyi``) describe the runtime exactly: every public name, every
public method and property, and every function's parameters, kinds and defaults."""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

import bedside

STUB_DIR = Path(bedside.__file__).resolve().parent
MODULES = ["gs1", "nhs", "wristband", "barcode"]


def _stub(module: str) -> ast.Module:
    path = STUB_DIR / f"{module}.pyi"
    assert path.exists(), f"{path} is not installed with the package"
    return ast.parse(path.read_text(encoding="utf-8"))


def _params(fn: ast.FunctionDef) -> List[Tuple[str, str, str]]:
    a = fn.args
    out = []
    positional = a.posonlyargs + a.args
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    for p, d in zip(positional, defaults):
        out.append((p.arg, "POSITIONAL_OR_KEYWORD", ast.unparse(d) if d is not None else ""))
    for p, d in zip(a.kwonlyargs, a.kw_defaults):
        out.append((p.arg, "KEYWORD_ONLY", ast.unparse(d) if d is not None else ""))
    return [p for p in out if p[0] != "self"]


def _runtime_params(obj) -> List[Tuple[str, str, str]]:
    sig = inspect.signature(obj)
    out = []
    for p in sig.parameters.values():
        if p.name == "self":
            continue
        default = "" if p.default is inspect.Parameter.empty else repr(p.default)
        out.append((p.name, p.kind.name.replace("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD"), default))
    return out


def _defs(body) -> Dict[str, ast.AST]:
    out: Dict[str, ast.AST] = {}
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out[node.target.id] = node
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    out[t.id] = node
    return out


@pytest.mark.parametrize("module", MODULES)
def test_stub_names_match_the_runtime(module: str) -> None:
    mod = importlib.import_module(f"bedside.{module}")
    defs = _defs(_stub(module).body)
    assert set(mod.__all__) <= set(defs), set(mod.__all__) - set(defs)
    for name in mod.__all__:
        obj = getattr(mod, name)
        node = defs[name]
        assert (getattr(obj, "__doc__", None) or isinstance(node, ast.AnnAssign)), f"{name} has no docstring"
        if inspect.isclass(obj) and isinstance(node, ast.ClassDef):
            members = _defs(node.body)
            public = {n for n, v in vars(obj).items() if not n.startswith("_")}
            if issubclass(obj, BaseException):
                continue  # attributes are set per instance; the stub declares them
            assert public <= set(members), f"{name}: not in the stub: {public - set(members)}"
            assert {n for n in members if not n.startswith("_")} <= public, f"{name}: stub has extra members"
            for m in public:
                assert getattr(obj, m).__doc__, f"{name}.{m} has no docstring"
                fn = members[m]
                if isinstance(fn, ast.FunctionDef) and not any(
                    isinstance(d, ast.Name) and d.id == "property" for d in fn.decorator_list
                ):
                    assert _params(fn) == _runtime_params(getattr(obj, m)), f"{name}.{m}"
        elif callable(obj) and isinstance(node, ast.FunctionDef):
            assert _params(node) == _runtime_params(obj), name


def test_exceptions_derive_from_bedside_error() -> None:
    for module in MODULES:
        mod = importlib.import_module(f"bedside.{module}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                assert issubclass(obj, bedside.BedsideError) and issubclass(obj, ValueError), name
                assert obj.__module__ == f"bedside.{module}", (name, obj.__module__)


def test_typed_marker_is_installed() -> None:
    assert (STUB_DIR / "py.typed").exists()
    assert (STUB_DIR / "__init__.pyi").exists()


def _mypy(args: List[str], cwd: Path) -> "subprocess.CompletedProcess[str]":
    try:
        import mypy  # noqa: F401 - only to fail with what to install
    except ImportError as missing:
        pytest.fail(f"{missing}: `pip install -r .ci/requirements.txt` (mypy is pinned there)")
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_mypy_stubtest_finds_the_stubs_true_to_the_runtime(tmp_path: Path) -> None:
    # mypy's own checker of stubs against the imported runtime: signatures
    # (including __new__), finality, __all__, positional-only dunder parameters.
    done = _mypy(["mypy.stubtest", "bedside"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_example_type_checks_strictly_against_the_stubs(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[3] / "examples" / "python" / "check_scans.py"
    done = _mypy(["mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(script)], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr

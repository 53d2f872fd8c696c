"""Hostile inputs: NUL bytes, invalid UTF-8, 1 MiB strings, None, wrong types and
random bytes give typed exceptions -- never a crash, never PyO3's PanicException
(a BaseException that an EPR's ``except Exception`` would not catch) -- and, for
GS1 data, exactly the Rust API's verdict and offset."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from bedside import BedsideError, barcode, gs1, nhs, wristband

from conftest import demo_scans, python_verdict, rust_verdicts

MIB = 1 << 20
FORMS = ["auto", "scan", "bracketed", "unbracketed", "element_string", "digital_link"]


def _typed(fn, *args, **kw) -> BaseException:
    """Calls fn and returns the exception; fails unless it is a typed Exception."""
    try:
        fn(*args, **kw)
    except Exception as e:  # noqa: BLE001 - the point is what it is
        assert type(e).__name__ != "PanicException"
        assert isinstance(e, (BedsideError, TypeError, UnicodeError)), repr(e)
        return e
    raise AssertionError(f"{fn.__name__}{args!r:.60} did not raise")


def test_none_and_wrong_types_are_type_errors() -> None:
    for fn in (gs1.parse, nhs.NhsNumber, nhs.is_valid, nhs.format, wristband.check,
               barcode.encode_datamatrix, barcode.encode_gs1_128, barcode.read, gs1.printable):
        for bad in (None, 12345, 1.5, ["(01)09506000134352"], object()):
            assert isinstance(_typed(fn, bad), TypeError), (fn, bad)
    assert isinstance(_typed(nhs.NhsNumber, b"9434765919"), TypeError)
    assert isinstance(_typed(barcode.read, "not bytes"), TypeError)
    with pytest.raises(TypeError):
        gs1.parse("(01)09506000134352", form=None, requisites="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        gs1.parse("(01)09506000134352", form="guess")
    with pytest.raises(ValueError):
        gs1.parse("(01)09506000134352", gs_substitute="")


def test_nul_bytes() -> None:
    for data in ["\x00", "]d2\x00", "]d201095060001343\x0052", "(01)0950600013\x004352",
                 "^01\x00", "https://id.gs1.org/01/\x0009506000134352", "\x00" * 1000]:
        e = _typed(gs1.parse, data)
        assert isinstance(e, gs1.Gs1Error) and e.error_class
        assert 0 <= e.offset <= len(data.encode())
        _typed(wristband.check, data)
        _typed(barcode.encode_datamatrix, data)
    assert _typed(nhs.NhsNumber, "943\x004765919").reason == "invalid_character"


def test_invalid_utf8_bytes_get_the_rust_verdict() -> None:
    samples = [b"\xff", b"\xc3(", b"]d2\xff\xfe", b"(01)\xed\xa0\x80", b"^01\x80", b"01\xc0\xaf",
               b"https://id.gs1.org/01/\xf0\x28\x8c\x28", b"]d1\xff", b"\xfe]d2"]
    records = [{"form": f, "input": s.decode("latin-1"), "latin1": True} for s in samples for f in FORMS]
    want = rust_verdicts(records)
    for r, w in zip(records, want):
        data = r["input"].encode("latin-1")
        got = python_verdict(gs1.parse, gs1.Gs1Error, data, form=r["form"])
        assert got == w, (data, r["form"])
    # A str cannot carry invalid UTF-8, but it can carry a lone surrogate.
    assert isinstance(_typed(gs1.parse, "]d2\udcff"), UnicodeError)
    assert isinstance(_typed(nhs.NhsNumber, "943\udcff"), UnicodeError)


def test_one_mib_inputs() -> None:
    big = [
        "]d2" + "0" * MIB,
        "(01)" + "9" * MIB,
        "^" + "10" * (MIB // 2),
        "https://id.gs1.org/01/" + "1" * MIB,
        "\x1d" * MIB,
        "(" * MIB,
        "9" * MIB,
    ]
    for data in big:
        for form in FORMS:
            e = _typed(gs1.parse, data, form=form)
            assert isinstance(e, gs1.Gs1Error)
        e = _typed(gs1.parse, data)
        assert e.error_class in ("LIMIT", "SYNTAX", "UNKNOWN_AI"), (data[:10], e.error_class)
        _typed(wristband.check, data)
        _typed(barcode.encode_datamatrix, data)
    assert _typed(gs1.parse, "]d2" + "0" * MIB).error_class == "LIMIT"
    assert _typed(nhs.NhsNumber, "9" * MIB).reason == "too_many_digits"
    assert _typed(barcode.read, b"\x89PNG\r\n\x1a\n" + b"\xff" * MIB).reason == "malformed"
    assert _typed(barcode.read, b"\xff\xd8\xff" + b"\x00" * MIB).reason == "malformed"


def test_random_bytes_get_the_rust_verdict_and_offset() -> None:
    rng = random.Random(20261207)
    prefixes = [b"", b"]d2", b"]C1", b"]Q3", b"]d1", b"]E0", b"(", b"(01)", b"^", b"^01",
                b"01", b"8018", b"https://id.gs1.org/", b"https://id.gs1.org/01/", b"|"]
    alphabet = b"0123456789()^|%\x1d]dCQ/?=&ABZaz-.\\\x00\xff\xc3\r\n"
    samples = []
    for i in range(2500):
        tail_len = rng.randrange(0, 60)
        if i % 3 == 0:
            tail = bytes(rng.randrange(256) for _ in range(tail_len))
        else:
            tail = bytes(rng.choice(alphabet) for _ in range(tail_len))
        samples.append(rng.choice(prefixes) + tail)
    # Edits of real scans: one byte replaced, inserted or removed (some stay valid).
    seeds = [line.encode("utf-8") for line in demo_scans()]
    for _ in range(2500):
        seed = bytearray(rng.choice(seeds))
        at = rng.randrange(len(seed))
        edit = rng.randrange(4)
        if edit == 0:
            seed[at] = rng.choice(alphabet)
        elif edit == 1:
            seed.insert(at, rng.randrange(256))
        elif edit == 2:
            del seed[at]
        samples.append(bytes(seed))
    records = [{"form": FORMS[i % len(FORMS)], "input": s.decode("latin-1"), "latin1": True}
               for i, s in enumerate(samples)]
    want = rust_verdicts(records)
    verdicts = set()
    for r, w in zip(records, want):
        data = r["input"].encode("latin-1")
        got = python_verdict(gs1.parse, gs1.Gs1Error, data, form=r["form"])
        assert got == w, (data, r["form"])
        verdicts.add(got["verdict"])
        if got["verdict"] == "invalid":
            assert 0 <= got["offset"] <= len(data)
    assert verdicts == {"valid", "invalid", "non-gs1"}


def test_rendering_plain_data_is_typed() -> None:
    plain = gs1.parse("]d19434765919")
    assert plain.kind == "plain" and not plain.is_gs1 and plain.plain_data == b"9434765919"
    assert plain.elements == () and len(plain) == 0 and plain.get("01") is None
    for render in (plain.bracketed, plain.unbracketed, plain.element_string, plain.hri,
                   plain.digital_link, plain.scan_data):
        with pytest.raises(gs1.NotGs1Error):
            render()


def test_many_threads_at_once() -> None:
    inputs = ["]d28018952000099900012352\x1d80191\x1d725019800118\x1d7253SMITH\x1d7254John",
              "(01)09506000134353", "]d1plain", "\xff" * 100] * 500

    def one(s: str) -> str:
        try:
            return gs1.parse(s).kind
        except gs1.Gs1Error as e:
            return e.error_class

    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(one, inputs))
    assert got == [one(s) for s in inputs]

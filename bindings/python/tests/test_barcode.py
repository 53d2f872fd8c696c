"""bedside.barcode: encode -> read round trips, cross-checked by zxing-cpp, an
independent decoder (PyPI zxing-cpp, pinned in .ci/requirements.txt)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest

from bedside import barcode, gs1
from bedside.barcode import EncodeError, ImageError

try:  # A missing peer is a failure, never a skip.
    import zxingcpp
    from PIL import Image
except ImportError as missing:  # pragma: no cover - reported as a failure
    raise ImportError(
        f"{missing}: the barcode tests need zxing-cpp and pillow; "
        "`pip install -r .ci/requirements.txt`"
    ) from missing

PAYLOADS = [
    "(8018)952000099900012352(8019)1(7250)19800118(7252)1(7253)SMITH(7254)John",
    "(8018)952000099900000182(8019)1(7250)20240229(7253)O%27BRIEN(7254)Zo%C3%AB",
    "(01)09506000134352(17)270131(10)BATCH42(21)Ser1aL",
    "(01)09506000134352(17)261231(10)AB1",
    "(414)9520000000004(254)WARD7-BED12",
    "(8017)952000000000000033(8019)1",
]


def _zxing(png: bytes) -> list:
    image = Image.open(io.BytesIO(png))
    return [
        (r.symbology_identifier, bytes(r.bytes))
        for r in zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    ]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_datamatrix_round_trip_and_zxing_cpp(payload: str) -> None:
    m = gs1.parse(payload)
    png = barcode.encode_datamatrix(m)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    found = barcode.read(png)
    assert len(found) == 1 and not found.timed_out
    sym = found.symbols[0]
    assert (sym.symbology, sym.aim) == ("datamatrix", "]d2")
    assert sym.message == m and sym.gs1_error is None
    assert sym.scan_data == m.scan_data("datamatrix").encode("ascii")
    assert found.messages[0].bracketed() == payload
    # The independent decoder reads the same symbol: ]d2 and the exact bytes, GS included.
    assert _zxing(png) == [("]d2", m.element_string().encode("ascii"))]


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if len(p) < 50])
def test_gs1_128_round_trip_and_zxing_cpp(payload: str) -> None:
    m = gs1.parse(payload)
    png = barcode.encode_gs1_128(payload, module_px=3)
    found = barcode.read(png)
    assert [s.aim for s in found.symbols] == ["]C1"]
    assert found.messages[0] == m
    assert _zxing(png) == [("]C1", m.element_string().encode("ascii"))]


def test_text_and_message_inputs_encode_alike() -> None:
    m = gs1.parse(PAYLOADS[0])
    assert barcode.encode_datamatrix(PAYLOADS[0]) == barcode.encode_datamatrix(m)
    assert barcode.encode_datamatrix(m.scan_data()) == barcode.encode_datamatrix(m)
    assert barcode.encode_datamatrix("]d2" + "8018952000099900012352~80191", gs_substitute="~") == (
        barcode.encode_datamatrix("(8018)952000099900012352(8019)1")
    )


def test_svg_is_well_formed_and_scales() -> None:
    svg = barcode.encode_datamatrix(PAYLOADS[3], format="svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert barcode.encode_gs1_128(PAYLOADS[3], format="svg").startswith(b"<")
    small = Image.open(io.BytesIO(barcode.encode_datamatrix(PAYLOADS[3], module_px=2)))
    large = Image.open(io.BytesIO(barcode.encode_datamatrix(PAYLOADS[3], module_px=8)))
    assert large.size == (small.size[0] * 4, small.size[1] * 4)


def test_shapes() -> None:
    square = Image.open(io.BytesIO(barcode.encode_datamatrix(PAYLOADS[0], module_px=1)))
    rect = Image.open(io.BytesIO(barcode.encode_datamatrix(PAYLOADS[4], module_px=1, shape="rectangular")))
    assert square.size[0] == square.size[1]
    assert rect.size[0] > rect.size[1]
    assert barcode.read(barcode.encode_datamatrix(PAYLOADS[4], shape="rectangular")).messages[0].bracketed() == PAYLOADS[4]


def test_encode_refusals_are_typed() -> None:
    with pytest.raises(EncodeError) as e:
        barcode.encode_gs1_128(PAYLOADS[0])  # over GS1-128's 48 characters
    assert e.value.reason == "too_long"
    with pytest.raises(EncodeError) as e:
        barcode.encode_datamatrix("(01)09506000134352|(10)AB1")
    assert e.value.reason == "composite"
    with pytest.raises(EncodeError) as e:
        barcode.encode_datamatrix(PAYLOADS[3], module_px=0)
    assert e.value.reason == "zero_module"
    with pytest.raises(EncodeError) as e:
        barcode.encode_datamatrix(PAYLOADS[3], module_px=100_000)
    assert e.value.reason == "too_large"
    # Quiet zones too large for any image, including ones whose doubling wraps 64 bits.
    for q in (10**9, 2**62, 2**63, 2**64 - 1):
        for encode in (barcode.encode_datamatrix, barcode.encode_gs1_128):
            for fmt in ("png", "svg"):
                with pytest.raises(EncodeError) as e:
                    encode(PAYLOADS[3], quiet_zone=q, format=fmt)
                assert e.value.reason == "too_large", (encode, q, fmt)
    with pytest.raises(gs1.Gs1Error):
        barcode.encode_datamatrix("(01)09506000134353")
    with pytest.raises(gs1.NotGs1Error):
        barcode.encode_datamatrix("]d1plain text")
    with pytest.raises(ValueError):
        barcode.encode_datamatrix(PAYLOADS[3], format="gif")
    with pytest.raises(ValueError):
        barcode.encode_datamatrix(PAYLOADS[3], shape="round")


def test_plain_and_unreadable_images() -> None:
    blank = io.BytesIO()
    Image.new("L", (120, 80), 255).save(blank, format="PNG")
    found = barcode.read(blank.getvalue())
    assert len(found) == 0 and found.messages == ()
    jpeg = io.BytesIO()
    Image.open(io.BytesIO(barcode.encode_datamatrix(PAYLOADS[2], module_px=6))).convert("L").save(jpeg, format="JPEG", quality=90)
    assert barcode.read(jpeg.getvalue()).messages[0].bracketed() == PAYLOADS[2]
    for bad, reason in [(b"", "unknown_format"), (b"GIF89a....", "unknown_format"), (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "malformed")]:
        with pytest.raises(ImageError) as e:
            barcode.read(bad)
        assert e.value.reason == reason

"""Bedside for Python: GS1 barcodes, NHS numbers, DCB1077 patient wristbands and
GS1 DataMatrix / GS1-128 symbols for positive patient identification.

The work is done by Bedside's Rust crates (``bedside-gs1``, ``bedside-patient``,
``bedside-barcode``) through one compiled extension module, ``bedside._native``.

Modules:

* :mod:`bedside.gs1` -- parse and validate GS1 data in every input form, render it;
* :mod:`bedside.nhs` -- the NHS number (parse, validate, format);
* :mod:`bedside.wristband` -- the DCB1077 patient wristband check;
* :mod:`bedside.barcode` -- encode GS1 DataMatrix / GS1-128 to PNG or SVG, read images.

Every error is an exception deriving from :class:`BedsideError` (a ``ValueError``)
with a stable machine-readable code in an attribute; wrong argument types raise
``TypeError``.
"""

from bedside._native import BedsideError, InternalError, __version__
from bedside import barcode, gs1, nhs, wristband

__all__ = [
    "BedsideError",
    "InternalError",
    "__version__",
    "barcode",
    "gs1",
    "nhs",
    "wristband",
]

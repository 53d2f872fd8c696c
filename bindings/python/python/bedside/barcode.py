"""GS1 symbols: encode GS1 DataMatrix and GS1-128 to PNG or SVG, and read symbols
from PNG or JPEG images. Only a symbol whose GS1 data passed full validation
carries a :class:`bedside.gs1.Message`.

>>> from bedside import barcode
>>> png = barcode.encode_datamatrix("(8018)952000099900012352(8019)1")
>>> barcode.read(png).messages[0].bracketed()
'(8018)952000099900012352(8019)1'
"""

from bedside._native import (
    EncodeError,
    ImageError,
    ReadResult,
    Symbol,
    encode_datamatrix,
    encode_gs1_128,
    read,
)

__all__ = [
    "EncodeError",
    "ImageError",
    "ReadResult",
    "Symbol",
    "encode_datamatrix",
    "encode_gs1_128",
    "read",
]

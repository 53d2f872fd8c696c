"""Bedside for Python: GS1 barcodes, NHS numbers, DCB1077 patient wristbands and
GS1 DataMatrix / GS1-128 symbols for positive patient identification."""

from bedside import barcode as barcode
from bedside import gs1 as gs1
from bedside import nhs as nhs
from bedside import wristband as wristband

__all__ = [
    "BedsideError",
    "InternalError",
    "__version__",
    "barcode",
    "gs1",
    "nhs",
    "wristband",
]

__version__: str

class BedsideError(ValueError):
    """Base class of every error raised by bedside (a ``ValueError``)."""

class InternalError(BedsideError):
    """A fault inside bedside that was contained instead of crashing the interpreter.
    Never expected; please report it."""

"""GS1 symbols: encode GS1 DataMatrix and GS1-128 to PNG or SVG, read PNG/JPEG images."""

from typing import List, Literal, Optional, Tuple, Union, final

from bedside import BedsideError
from bedside.gs1 import Message

__all__ = [
    "EncodeError",
    "ImageError",
    "ReadResult",
    "Symbol",
    "encode_datamatrix",
    "encode_gs1_128",
    "read",
]

_Data = Union[Message, str, bytes, bytearray]

class EncodeError(BedsideError):
    """A message that cannot be encoded as a symbol, or a symbol that cannot be drawn."""

    reason: Literal[
        "composite", "empty", "too_long", "no_size_allowed", "unsupported_byte", "internal",
        "not_gs1_symbology", "too_large", "zero_module", "png", "render",
    ]

class ImageError(BedsideError):
    """Image bytes that cannot be read."""

    reason: Literal["unknown_format", "malformed", "bad_dimensions", "bad_frame_length", "image"]

@final
class Symbol:
    """One symbol found in an image. Only one whose ``message`` is set may feed
    identification."""

    @property
    def symbology(self) -> Literal["datamatrix", "code128", "other"]: ...
    @property
    def aim(self) -> str:
        """The AIM symbology identifier, e.g. ``"]d2"``."""
    @property
    def data(self) -> bytes:
        """The decoded data (GS for FNC1), without the AIM identifier."""
    @property
    def scan_data(self) -> bytes:
        """The AIM identifier and the data: what a scanner would transmit."""
    @property
    def position(self) -> List[Tuple[float, float]]:
        """Corner points in image pixels."""
    @property
    def message(self) -> Optional[Message]:
        """The validated GS1 message; ``None`` for a plain or invalid symbol."""
    @property
    def gs1_error(self) -> Optional[str]:
        """Why the symbol is not usable as GS1, or ``None``."""

@final
class ReadResult:
    """What one ``read`` found."""

    @property
    def symbols(self) -> Tuple[Symbol, ...]:
        """Every distinct symbol, in the order found."""
    @property
    def messages(self) -> Tuple[Message, ...]:
        """The validated GS1 messages: the only results identification may use."""
    @property
    def timed_out(self) -> bool:
        """Whether the time budget ended before the reader had looked everywhere."""
    def __len__(self) -> int: ...

def encode_datamatrix(
    data: _Data,
    *,
    format: Literal["png", "svg"] = "png",
    module_px: int = 4,
    quiet_zone: Optional[int] = None,
    shape: Literal["square", "rectangular", "any", "rectangular_dmre", "any_dmre"] = "square",
    gs_substitute: Optional[str] = None,
) -> bytes:
    """A GS1 DataMatrix (ECC 200, FNC1 first) of validated GS1 data, as PNG bytes or
    UTF-8 SVG. Text is parsed in any form first (``Gs1Error`` if invalid)."""

def encode_gs1_128(
    data: _Data,
    *,
    format: Literal["png", "svg"] = "png",
    module_px: int = 2,
    quiet_zone: Optional[int] = None,
    bar_height: int = 40,
    enforce_length_limit: bool = True,
    gs_substitute: Optional[str] = None,
) -> bytes:
    """A GS1-128 symbol of validated GS1 data, as PNG bytes or UTF-8 SVG
    (GS1's 48-character limit enforced unless ``enforce_length_limit=False``)."""

def read(
    image_bytes: Union[bytes, bytearray],
    *,
    budget_ms: Optional[int] = None,
    datamatrix: bool = True,
    code128: bool = True,
    exhaustive: bool = False,
    max_symbols: int = 16,
) -> ReadResult:
    """Reads Data Matrix and Code 128 / GS1-128 symbols from PNG or JPEG bytes, within
    ``budget_ms`` (default 250 ms). Raises ``ImageError`` for bytes that are not a
    readable image. The GIL is released while reading."""

"""GS1 Application Identifier data: parse and fully validate every input form
(scan data with an AIM identifier, bracketed, ``^`` unbracketed, element strings,
GS1 Digital Link URIs) and render a message in every form."""

from typing import Iterator, List, Literal, Optional, Tuple, Union, final

from bedside import BedsideError

__all__ = [
    "DICTIONARY_RELEASE",
    "MAX_INPUT",
    "Element",
    "Gs1Error",
    "Message",
    "NotGs1Error",
    "ai_title",
    "parse",
    "printable",
]

_Form = Literal["auto", "scan", "bracketed", "unbracketed", "element_string", "digital_link"]
_Symbology = Literal["datamatrix", "qr", "gs1-128", "databar", "dotcode", "ean-13", "ean-8"]
_Kind = Literal["gs1", "digital_link", "plain", "primary"]
_ErrorClass = Literal[
    "UNKNOWN_AI", "BAD_LENGTH", "BAD_CHARSET", "BAD_CHECK_DIGIT", "BAD_DATE", "BAD_TIME",
    "BAD_CODE", "BAD_VALUE", "INVALID_PAIR", "MISSING_REQUISITE", "CONFLICTING_REPEAT",
    "DIGSIG_SERIAL", "DL_SYNTAX", "DL_KEY_QUALIFIER", "SCAN_AIM", "SYNTAX", "LIMIT",
]

DICTIONARY_RELEASE: str
"""The release of the embedded GS1 Barcode Syntax Dictionary, e.g. ``"2026-01-27"``."""
MAX_INPUT: int
"""The longest input accepted, in bytes (8,191)."""

class Gs1Error(BedsideError):
    """GS1 data that is not valid. ``str(e)`` is a message for people; the attributes
    are for programs."""

    error_class: _ErrorClass
    """The stable class, e.g. ``"BAD_CHECK_DIGIT"`` (the same names as ``bedside gs1 check``)."""
    ai: Optional[str]
    """The AI concerned, when there is one."""
    offset: int
    """Byte offset of the fault in the input as given (UTF-8 bytes for ``str`` input)."""
    length: int
    """How many bytes are at fault (0 for a position, such as a missing separator)."""
    markup: Optional[str]
    """For syntax-test failures, the AI's value with the fault between bars: ``(17)2502|30|``."""
    marked: str
    """The whole input, printable, with the fault between bars."""

class NotGs1Error(BedsideError):
    """A rendering asked of plain (non-GS1) data, which carries no AIs."""

@final
class Element:
    """One AI element of a message. ``ai, value = element`` unpacks it."""

    @property
    def ai(self) -> str:
        """The Application Identifier, e.g. ``"01"``."""
    @property
    def value(self) -> str:
        """The value exactly as encoded (percent-encoded names stay encoded)."""
    @property
    def title(self) -> str:
        """The AI's data title from the dictionary, e.g. ``"GTIN"``."""
    @property
    def offset(self) -> int:
        """Byte offset of the value in the input as given."""
    @property
    def fnc1_required(self) -> bool:
        """Whether a separator must follow the value when another AI follows."""
    def __iter__(self) -> Iterator[str]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Message:
    """A parsed, fully validated input: GS1 AI data, a Digital Link URI, or plain
    (non-GS1) data, which carries no AIs (``is_gs1`` false, no elements; its
    renderings raise ``NotGs1Error``)."""

    @property
    def elements(self) -> Tuple[Element, ...]:
        """The AI elements in input order (empty for plain data)."""
    @property
    def kind(self) -> _Kind:
        """What the input carried: GS1 AI data, a Digital Link URI, plain data or EAN/UPC."""
    @property
    def is_gs1(self) -> bool:
        """Whether the input carried GS1 AIs; plain data never does."""
    @property
    def symbology(self) -> Optional[_Symbology]:
        """The symbology named by the input's AIM identifier, or ``None``."""
    @property
    def plain_data(self) -> Optional[bytes]:
        """The data of a plain (non-GS1) symbol, or ``None``."""
    @property
    def primary(self) -> Optional[str]:
        """The EAN/UPC primary digits, or ``None``."""
    @property
    def composite_index(self) -> Optional[int]:
        """Index of the first element of a composite component (``|``), or ``None``."""
    @property
    def ignored_dl_params(self) -> List[str]:
        """Query parameters of a Digital Link URI that are not AIs and were ignored."""
    def get(self, ai: str, default: Optional[str] = None) -> Optional[str]:
        """The value of the first occurrence of ``ai``, or ``default``."""
    def __getitem__(self, ai: str, /) -> str:
        """The value of ``ai``; ``KeyError`` when absent."""
    def __contains__(self, ai: str, /) -> bool: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[Element]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def pairs(self) -> List[Tuple[str, str]]:
        """``(ai, value)`` pairs in input order."""
    def bracketed(self) -> str:
        """The canonical bracketed form, ``(01)09506000134352(10)AB1``."""
    def unbracketed(self) -> str:
        """The ``^`` form, ``^010950600013435210AB1``."""
    def element_string(self) -> str:
        """The element string a reader transmits: GS (``"\\x1d"``) separators, no AIM id."""
    def hri(self, titles: bool = True) -> List[str]:
        """Human-readable lines, ``GTIN (01) 09506000134352`` (no titles: ``(01) …``)."""
    def digital_link(self, stem: Optional[str] = None) -> str:
        """A GS1 Digital Link URI under ``stem`` (default ``https://id.gs1.org``);
        ``Gs1Error`` when the data has no primary key or a non-attribute AI."""
    def scan_data(self, symbology: _Symbology = "datamatrix") -> str:
        """AIM identifier plus element string, ``]d2…``; ``bedside.barcode.EncodeError``
        for EAN/UPC or a composite message."""

def parse(
    text: Union[str, bytes, bytearray],
    *,
    gs_substitute: Optional[str] = None,
    requisites: bool = True,
    strip_line_endings: bool = True,
    form: _Form = "auto",
    permit_zero_suppressed_gtin: bool = False,
) -> Message:
    """Parses and fully validates GS1 data with the embedded dictionary.

    ``form="auto"`` tells the forms apart by their first bytes (``]`` scan data,
    ``(`` bracketed, ``^`` unbracketed, ``http(s)://`` Digital Link, a digit an
    element string). ``gs_substitute`` is what a scanner sends instead of GS
    (e.g. ``"~"``); ``requisites=False`` skips ``req=`` rules (one label of several);
    ``strip_line_endings`` drops a keyboard wedge's trailing CR/LF.

    Raises ``Gs1Error`` for invalid data, ``TypeError`` for another type,
    ``UnicodeEncodeError`` for a ``str`` with a lone surrogate.
    """

def ai_title(ai: str) -> Optional[str]:
    """The data title of an AI in the embedded dictionary, or ``None`` if unknown."""

def printable(data: Union[str, bytes, bytearray]) -> str:
    """Scan bytes for a person: printable ASCII as is, GS as ``<GS>``, others ``<XX>``."""

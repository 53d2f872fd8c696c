"""The NHS number (and the CHI and H&C numbers that share its format and modulus-11 check)."""

from typing import Literal, Optional, final

from bedside import BedsideError

__all__ = ["NhsNumber", "NhsNumberError", "format", "is_valid"]

_Reason = Literal[
    "empty", "invalid_character", "misplaced_space", "too_few_digits", "too_many_digits",
    "check_value_ten", "check_digit_mismatch", "repdigit", "test_number_not_allowed", "invalid",
]

class NhsNumberError(BedsideError):
    """Not an acceptable NHS number. Messages never repeat the digits."""

    reason: _Reason
    """The stable reason code."""
    position: Optional[int]
    """0-based character position of the fault in the input, when there is one."""

@final
class NhsNumber:
    """A valid NHS number: 10 digits, modulus-11 check digit right (a check value of 10
    is never issued), not a repdigit, and from the 999 test range only with
    ``allow_test=True``. ``str()`` is ``943 476 5919``; equal, hashable and ordered
    by the digits."""

    def __new__(cls, text: str, *, allow_test: bool = False) -> "NhsNumber":
        """Parses 10 digits, optionally with single spaces at the 3 3 4 boundaries.
        Raises ``NhsNumberError``; ``TypeError`` for anything but ``str``."""
    @staticmethod
    def parse(text: str, *, allow_test: bool = False) -> "NhsNumber":
        """Same as the constructor."""
    @staticmethod
    def parse_compact(text: str, *, allow_test: bool = False) -> "NhsNumber":
        """Exactly 10 digits, no spaces (machine-to-machine form)."""
    @staticmethod
    def from_first_nine(first_nine: str) -> Optional["NhsNumber"]:
        """The number with these nine digits and its check digit; ``None`` when there is
        none (check value 10, repdigit, not nine digits). Test numbers are returned."""
    @property
    def digits(self) -> str:
        """The 10 digits, no spaces."""
    @property
    def is_test(self) -> bool:
        """Whether the number is from the 999 test range."""
    @property
    def issuing_range(
        self,
    ) -> Literal["england_wales_isle_of_man", "scotland_chi", "northern_ireland_hc", "test", "unlisted"]:
        """The published range the number falls in (informational only)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __lt__(self, other: "NhsNumber", /) -> bool: ...
    def __le__(self, other: "NhsNumber", /) -> bool: ...
    def __gt__(self, other: "NhsNumber", /) -> bool: ...
    def __ge__(self, other: "NhsNumber", /) -> bool: ...
    def __hash__(self) -> int: ...

def is_valid(text: str, *, allow_test: bool = False) -> bool:
    """Whether ``text`` is a valid NHS number; never raises for bad text."""

def format(text: str, *, allow_test: bool = False) -> str:
    """The ``943 476 5919`` form of a valid number; raises ``NhsNumberError``."""

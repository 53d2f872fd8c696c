"""The DCB1077 patient wristband check over a scanned GS1 band."""

import datetime
from typing import Iterable, List, Literal, Optional, Tuple, Union, final

from bedside import BedsideError
from bedside.gs1 import Message
from bedside.nhs import NhsNumber

__all__ = ["Policy", "PolicyError", "Wristband", "WristbandError", "check"]

class WristbandError(BedsideError):
    """A GS1 message that is not an acceptable patient wristband. Messages never
    contain names, dates of birth or NHS numbers."""

    reason: Literal[
        "not_gs1", "missing_gsrn", "unexpected_ai", "conflicting_repeat", "exclusive",
        "missing_requisite", "invalid_value", "invalid_gsrn", "gsrn_prefix_not_allowed",
        "embedded_nhs_number", "missing_name", "missing_date_of_birth",
        "date_of_birth_in_future", "invalid",
    ]
    """The stable reason code."""
    ai: Optional[str]
    """The AI concerned, when there is one."""
    index: Optional[int]
    """0-based index of the element concerned, when there is one."""
    detail: Optional[str]
    """For ``embedded_nhs_number``, the NHS number's reason code (see ``bedside.nhs``);
    for ``invalid_value`` and ``invalid_gsrn``, what is wrong with the value."""

class PolicyError(BedsideError):
    """A policy that cannot be built."""

    reason: Literal["no_gsrn_prefix", "bad_gsrn_prefix", "bad_today"]

@final
class Policy:
    """What a band must satisfy beyond the fixed DCB1077 rules."""

    def __new__(
        cls,
        gsrn_prefixes: Iterable[str],
        *,
        allow_test: bool = False,
        require_name: bool = True,
        require_date_of_birth: bool = True,
        allow_local_ais: bool = False,
        today: Optional[datetime.date] = None,
    ) -> "Policy":
        """``gsrn_prefixes``: the 7-digit GS1 company prefixes under which the trust
        embeds the NHS number in the GSRN. ``today``: a date of birth after it is
        refused. Raises ``PolicyError``."""
    @staticmethod
    def demo() -> "Policy":
        """The GS1 example prefix ``9520000`` only, 999 test numbers accepted. No real
        band is under that prefix, so this policy refuses every real band."""
    @property
    def gsrn_prefixes(self) -> List[str]:
        """The allowed GSRN company prefixes."""
    @property
    def allow_test(self) -> bool:
        """Whether 999 test-range NHS numbers are accepted."""

@final
class Wristband:
    """An accepted patient wristband. Names are decoded from GS1 percent-encoding."""

    @property
    def nhs_number(self) -> NhsNumber:
        """The NHS number embedded in GSRN digits 8-17."""
    @property
    def gsrn(self) -> str:
        """The 18-digit GSRN (8018)."""
    @property
    def srin(self) -> Optional[str]:
        """The service relation instance number (8019)."""
    @property
    def family(self) -> Optional[str]:
        """Family name."""
    @property
    def given(self) -> Optional[str]:
        """Given name."""
    @property
    def display_name(self) -> str:
        """The NPSA display name, ``SMITH, John``."""
    @property
    def date_of_birth(self) -> Optional[datetime.date]:
        """Date of birth (7250, or the date of 7251)."""
    @property
    def birth_time(self) -> Optional[Tuple[int, int]]:
        """``(hour, minute)`` of birth from (7251)."""
    @property
    def display_date_of_birth(self) -> Optional[str]:
        """The NPSA display form, ``18-Jan-1980``."""
    @property
    def sex(self) -> Optional[Literal["male", "female", "not_known", "not_applicable"]]:
        """ISO 5218 sex (7252)."""
    @property
    def suffix(self) -> Optional[str]:
        """Name suffix (7255)."""
    @property
    def full_name(self) -> Optional[str]:
        """Full name (7256)."""
    @property
    def address(self) -> Optional[str]:
        """Address (7257)."""
    @property
    def birth_sequence(self) -> Optional[Tuple[int, int]]:
        """``(position, total)`` of a multiple birth (7258)."""
    @property
    def baby_of(self) -> Optional[str]:
        """"Baby of" name (7259)."""
    @property
    def internal(self) -> List[Tuple[str, str]]:
        """DCB1077 internal AIs (91, 92, 93; 98, 99 if allowed) as raw ``(ai, value)``."""
    @property
    def message(self) -> Message:
        """The validated GS1 message the band was read from."""

def check(
    scan: Union[str, bytes, bytearray, Message],
    *,
    policy: Optional[Policy] = None,
    gs_substitute: Optional[str] = None,
    strip_line_endings: bool = True,
) -> Wristband:
    """Checks a scanned band (any GS1 input form, or a parsed ``Message``) against
    the DCB1077 rules and ``policy`` (default ``Policy.demo()``, which refuses every
    real band: pass your trust's policy). Raises ``bedside.gs1.Gs1Error`` for data
    that is not valid GS1 and ``WristbandError`` for valid GS1 that is not an
    acceptable band."""

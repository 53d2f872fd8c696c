"""bedside.wristband: the DCB1077 check on the demo bands and on generated bands."""

from __future__ import annotations

import datetime

import pytest

from bedside import gs1, wristband
from bedside.nhs import NhsNumber
from bedside.wristband import Policy, PolicyError, WristbandError

from conftest import demo_scans

GS = "\x1d"


def _gs1_check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit for a key without its check digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def _band(prefix: str, nhs: str, *extra: str) -> str:
    gsrn = prefix + nhs
    gsrn += _gs1_check_digit(gsrn)
    return "]d2" + GS.join(["8018" + gsrn, "80191", *extra])


def test_the_demo_bands() -> None:
    scans = demo_scans()
    smith = wristband.check(scans[0])
    assert str(smith.nhs_number) == "999 000 1235"
    assert (smith.family, smith.given, smith.display_name) == ("SMITH", "John", "SMITH, John")
    assert smith.date_of_birth == datetime.date(1980, 1, 18)
    assert smith.display_date_of_birth == "18-Jan-1980"
    assert smith.sex == "male" and smith.srin == "1"
    assert smith.gsrn == "952000099900012352"
    assert smith.message.bracketed().startswith("(8018)952000099900012352(8019)1")
    assert repr(smith) == "Wristband(nhs_number='999 000 1235')"  # no names in logs

    obrien = wristband.check(scans[1])
    assert str(obrien.nhs_number) == "999 000 0018"
    assert (obrien.family, obrien.given) == ("O'BRIEN", "Zo\u00eb")  # percent-decoded
    assert obrien.date_of_birth == datetime.date(2024, 2, 29) and obrien.sex == "female"


def test_every_demo_scan_is_accepted_or_refused_typed() -> None:
    accepted, refused = 0, {}
    for scan in demo_scans():
        try:
            wristband.check(scan)
            accepted += 1
        except WristbandError as e:
            refused[e.reason] = refused.get(e.reason, 0) + 1
        except gs1.Gs1Error as e:
            refused[e.error_class] = refused.get(e.error_class, 0) + 1
    assert accepted == 2
    # A staff badge, a location, medicine packs, plain data: not patient bands.
    assert refused["unexpected_ai"] >= 4 and refused["not_gs1"] == 1
    assert refused["BAD_CHECK_DIGIT"] == 1 and refused["CONFLICTING_REPEAT"] == 1


def test_generated_bands_carry_their_nhs_number() -> None:
    seen = 0
    for i in range(300):
        n = NhsNumber.from_first_nine(f"999{i * 3331 % 1_000_000:06d}")
        if n is None:
            continue
        scan = _band("9520000", n.digits, "725019800118", "7253DOE", "7254Jane")
        band = wristband.check(scan)
        assert band.nhs_number == n
        # The same band from its other forms, and as an already parsed Message.
        m = gs1.parse(scan)
        assert wristband.check(m.bracketed()).nhs_number == n
        assert wristband.check(m).nhs_number == n
        seen += 1
    assert seen > 250


def test_policy_prefixes_test_data_and_today() -> None:
    smith = demo_scans()[0]
    trust = Policy(["5012345"], allow_test=True)
    with pytest.raises(WristbandError) as e:
        wristband.check(smith, policy=trust)
    assert e.value.reason == "gsrn_prefix_not_allowed" and e.value.ai == "8018" and e.value.index == 0

    production = Policy(["9520000"])
    with pytest.raises(WristbandError) as e:
        wristband.check(smith, policy=production)
    assert e.value.reason == "embedded_nhs_number" and e.value.detail == "test_number_not_allowed"

    past = Policy(["9520000"], allow_test=True, today=datetime.date(1979, 12, 31))
    with pytest.raises(WristbandError) as e:
        wristband.check(smith, policy=past)
    assert e.value.reason == "date_of_birth_in_future" and e.value.index == 2

    relaxed = Policy(["9520000"], allow_test=True, require_name=False, require_date_of_birth=False)
    band = wristband.check("]d28018952000099900012352" + GS + "80191", policy=relaxed)
    assert band.family is None and band.date_of_birth is None
    with pytest.raises(WristbandError) as e:
        wristband.check("]d28018952000099900012352" + GS + "80191")
    assert e.value.reason == "missing_name"

    assert Policy.demo().gsrn_prefixes == ["9520000"] and Policy.demo().allow_test


def test_embedded_nhs_number_and_values_are_checked() -> None:
    # GSRN check digit right, embedded 9990001234 wrong by modulus 11.
    with pytest.raises(WristbandError) as e:
        wristband.check(_band("9520000", "9990001234", "725019800118", "7253DOE"))
    assert e.value.reason == "embedded_nhs_number" and e.value.detail == "check_digit_mismatch"
    # GS1-valid percent-encoding whose bytes are not UTF-8 text: the band refuses it.
    scan = _band("9520000", "9990001235", "725019800118", "7253DO%FFE")
    assert gs1.parse(scan).get("7253") == "DO%FFE"
    with pytest.raises(WristbandError) as e:
        wristband.check(scan)
    assert e.value.reason == "invalid_value" and e.value.ai == "7253" and e.value.index == 3


@pytest.mark.parametrize(
    ("prefixes", "reason"),
    [([], "no_gsrn_prefix"), (["95200"], "bad_gsrn_prefix"), (["952000A"], "bad_gsrn_prefix")],
)
def test_bad_policies_are_typed(prefixes: list, reason: str) -> None:
    with pytest.raises(PolicyError) as e:
        Policy(prefixes)
    assert e.value.reason == reason


def test_policy_arguments_are_typed() -> None:
    with pytest.raises(TypeError):
        Policy("9520000")  # one str is not a list of prefixes
    with pytest.raises(TypeError):
        Policy([9520000])
    with pytest.raises(TypeError):
        Policy(["9520000"], today="2026-01-01")

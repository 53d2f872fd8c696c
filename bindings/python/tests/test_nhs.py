"""bedside.nhs: the NHS number through Python, every refusal typed with its position."""

from __future__ import annotations

import pytest

from bedside import BedsideError, nhs
from bedside.nhs import NhsNumber, NhsNumberError


def _check_digit(nine: str) -> int:
    """Modulus 11 as the NHS Data Dictionary states it (10 means no valid number)."""
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1)))
    check = 11 - total % 11
    return 0 if check == 11 else check


def test_parse_format_and_digits() -> None:
    n = NhsNumber("943 476 5919")
    assert str(n) == "943 476 5919"
    assert n.digits == "9434765919"
    assert repr(n) == "NhsNumber('943 476 5919')"
    assert n == NhsNumber("9434765919") == NhsNumber.parse("943 4765919")
    assert hash(n) == hash(NhsNumber("9434765919"))
    assert not n.is_test
    assert n.issuing_range == "unlisted" or n.issuing_range.startswith("england")
    assert nhs.format("9434765919") == "943 476 5919"
    assert nhs.is_valid("943 476 5919") and not nhs.is_valid("943 476 5918")


def test_every_valid_check_digit_agrees_with_modulus_11() -> None:
    # 2,000 nine-digit stems across the number space: the binding accepts exactly the
    # number whose tenth digit is the modulus-11 check value, and nothing else.
    accepted = 0
    for i in range(2000):
        nine = f"{(400000000 + i * 179_999) % 1_000_000_000:09d}"
        want = _check_digit(nine)
        built = NhsNumber.from_first_nine(nine)
        if want == 10 or len(set(nine + str(want))) == 1:
            assert built is None, nine
            continue
        assert built is not None and built.digits == nine + str(want)
        for d in range(10):
            ok = nhs.is_valid(nine + str(d), allow_test=True)
            assert ok == (d == want), (nine, d)
        accepted += 1
    assert accepted > 1500


@pytest.mark.parametrize(
    ("text", "reason", "position"),
    [
        ("", "empty", None),
        ("943-476-5919", "invalid_character", 3),
        ("943  476 5919", "misplaced_space", 4),
        ("94 3476 5919", "misplaced_space", 2),
        ("943 476 591", "too_few_digits", None),
        ("943 476 59190", "too_many_digits", 12),
        ("943 476 5918", "check_digit_mismatch", 11),
        ("1111111111", "repdigit", None),
        ("999 000 1235", "test_number_not_allowed", None),
        (" 9434765919", "misplaced_space", 0),
        ("9434765919\n", "invalid_character", 10),
        ("\uff19434765919", "invalid_character", 0),
    ],
)
def test_refusals_are_typed_with_position(text: str, reason: str, position: object) -> None:
    with pytest.raises(NhsNumberError) as e:
        NhsNumber(text)
    assert e.value.reason == reason
    assert e.value.position == position
    assert isinstance(e.value, BedsideError) and isinstance(e.value, ValueError)
    assert not nhs.is_valid(text)


def test_check_value_ten_is_refused() -> None:
    stems = [f"{i:09d}" for i in range(400000000, 400000200) if _check_digit(f"{i:09d}") == 10]
    assert stems
    for nine in stems:
        with pytest.raises(NhsNumberError) as e:
            NhsNumber(nine + "0")
        assert e.value.reason == "check_value_ten"
        assert e.value.position == 9


def test_test_range_needs_allow_test() -> None:
    n = NhsNumber("999 000 1235", allow_test=True)
    assert n.is_test and n.issuing_range == "test"
    assert nhs.format("9990001235", allow_test=True) == "999 000 1235"
    with pytest.raises(NhsNumberError):
        nhs.format("9990001235")


def test_compact_form_refuses_spaces() -> None:
    assert NhsNumber.parse_compact("9434765919").digits == "9434765919"
    with pytest.raises(NhsNumberError) as e:
        NhsNumber.parse_compact("943 476 5919")
    assert e.value.reason == "invalid_character" and e.value.position == 3


def test_ordering_follows_the_digits() -> None:
    a, b = NhsNumber("4010232137"), NhsNumber("9434765919")
    assert a < b and sorted([b, a]) == [a, b]
    assert (a == "4010232137") is False
    assert len({a, NhsNumber("401 023 2137")}) == 1

"""Schemathesis hooks for service/tests/api_fuzz.rs: how to make the formats that
openapi.json names and JSON Schema cannot spell out.

`nhs-number`: ten digits (optionally grouped 3 3 4 with single spaces) whose tenth is the
modulus 11 check digit of the first nine, not all the same digit. Half the values are the
demo patients' numbers (BEDSIDE_FUZZ_NHS_NUMBERS, comma-separated), so that requests reach
real records, half are any valid number.
"""

import os

import schemathesis
from hypothesis import strategies as st


def check_digit(nine: str):
    """The modulus 11 check digit of nine digits, or None when the remainder gives 10."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(nine))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def _complete(nine: str):
    check = check_digit(nine)
    if check is None:
        return None
    number = nine + str(check)
    if len(set(number)) == 1:
        return None
    return number


_any = (
    st.from_regex(r"\A[0-9]{9}\Z", fullmatch=True)
    .map(_complete)
    .filter(lambda n: n is not None)
)
_demo = [n for n in os.environ.get("BEDSIDE_FUZZ_NHS_NUMBERS", "").split(",") if n]
_numbers = st.one_of(st.sampled_from(_demo), _any) if _demo else _any


@st.composite
def _written(draw):
    number = draw(_numbers)
    if draw(st.booleans()):
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    return number


schemathesis.openapi.format("nhs-number", _written())

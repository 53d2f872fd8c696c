"""The examples in the modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest

import pytest

import bedside
from bedside import barcode, gs1, nhs, wristband


@pytest.mark.parametrize("module", [bedside, gs1, nhs, wristband, barcode])
def test_module_examples(module) -> None:
    result = doctest.testmod(module, raise_on_error=False, verbose=False)
    assert result.failed == 0
    if module is not bedside:
        assert result.attempted > 0, f"{module.__name__} has no examples"

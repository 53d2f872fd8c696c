"""The NHS number (and the CHI and H&C numbers that share its format and
modulus-11 check).

>>> from bedside.nhs import NhsNumber
>>> str(NhsNumber("9434765919"))
'943 476 5919'
"""

from bedside._native import NhsNumber, NhsNumberError, format, is_valid

__all__ = ["NhsNumber", "NhsNumberError", "format", "is_valid"]

"""The DCB1077 patient wristband check: a scanned GS1 band is accepted only if its
GSRN (8018) check digit is right, its company prefix is allowed by the policy,
the NHS number embedded in it passes modulus 11, and it carries only patient
AIs with valid values.

>>> from bedside import wristband
>>> band = wristband.check("]d28018952000099900012352\\x1d80191\\x1d725019800118\\x1d7253SMITH\\x1d7254John")
>>> str(band.nhs_number), band.display_name
('999 000 1235', 'SMITH, John')
"""

from bedside._native import Policy, PolicyError, Wristband, WristbandError, check

__all__ = ["Policy", "PolicyError", "Wristband", "WristbandError", "check"]

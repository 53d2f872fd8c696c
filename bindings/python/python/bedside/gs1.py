"""GS1 Application Identifier data: parse and fully validate every input form
(scan data with an AIM identifier, bracketed, ``^`` unbracketed, element
strings, GS1 Digital Link URIs) and render a message in every form.

>>> from bedside import gs1
>>> m = gs1.parse("]d2010950600013435217261231\\x1d10AB1")
>>> m.bracketed()
'(01)09506000134352(17)261231(10)AB1'
>>> [(e.ai, e.title, e.value) for e in m.elements][0]
('01', 'GTIN', '09506000134352')
"""

from bedside._native import (
    DICTIONARY_RELEASE,
    MAX_INPUT,
    Element,
    Gs1Error,
    Message,
    NotGs1Error,
    ai_title,
    parse,
    printable,
)

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

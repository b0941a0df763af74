"""Stored text shown harmlessly: to a terminal, in an email, in a spreadsheet.

Imports and forms refuse control characters, but a database can hold them from before (legacy
data, an older import). Every piece of stored text that reaches a reader goes through here:

- ``shown``: control characters become visible symbols, so an escape sequence in a name cannot
  clear a terminal, retitle it or forge a line in an emailed digest. C0 controls and DEL become their
  Unicode control pictures (ESC is ``␛``, a line feed ``␊``); C1 controls, line and paragraph
  separators and the bidirectional overrides and isolates (which reorder what a reader sees) become
  escapes such as ``\\x9b`` and ``\\u202e``. ``lines=True`` keeps line breaks, for multi-line text shown
  as a block.
- ``to_csv`` / ``from_csv``: a CSV text cell that a spreadsheet would take for a formula (it starts
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, as OWASP lists them) is written with an
  apostrophe in front, as a spreadsheet user marks text. The importer takes one apostrophe off a cell
  that starts with an apostrophe followed by one of those characters or by another apostrophe; a text
  that itself starts so (``'=x``, ``''``) is given an apostrophe more on export. So every text survives
  the round trip exactly, and an apostrophe before anything else (``'Ohana``) is left alone both ways.
- ``json_text``: JSON as ``json.dumps(..., ensure_ascii=False)`` writes it, with the control characters
  it leaves raw (DEL, C1, the separators and overrides above) escaped as ``\\u`` too: the same data.
"""

from __future__ import annotations

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_QUOTED = (*FORMULA_START, "'")

_BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
_SHOWN: dict[int, str] = {
    **{c: chr(0x2400 + c) for c in range(0x20)},  # ␀ ... ␟
    0x7F: "\u2421",  # ␡
    **{c: f"\\x{c:02x}" for c in range(0x80, 0xA0)},
    **{c: f"\\u{c:04x}" for c in (0x2028, 0x2029, *_BIDI)},
}
_SHOWN_LINES = {c: s for c, s in _SHOWN.items() if c != 0x0A}
_JSON = {c: f"\\u{c:04x}" for c in _SHOWN if c >= 0x7F}


def shown(text: str, *, lines: bool = False) -> str:
    """``text`` with every control character visible, never acted on (``lines``: line breaks kept)."""
    if text.isprintable():  # the usual case, checked in C: nothing to do
        return text
    if lines:
        return text.replace("\r\n", "\n").translate(_SHOWN_LINES)
    return text.translate(_SHOWN)


def to_csv(text: str) -> str:
    """A text cell for a CSV file: never read as a formula (see the module's rule)."""
    return "'" + text if text.startswith(FORMULA_START) or from_csv(text) != text else text


def from_csv(text: str) -> str:
    """A CSV text cell as the text it stands for: the apostrophe ``to_csv`` added taken off."""
    return text[1:] if text.startswith("'") and text[1:2].startswith(_QUOTED) else text


def json_text(text: str) -> str:
    """JSON text (from ``json.dumps``) with no raw control character left in it, meaning the same."""
    return text if text.isprintable() or text.isascii() else text.translate(_JSON)

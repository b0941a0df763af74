"""Stored text and dates as the screens draw them."""

from __future__ import annotations

from rich.text import Text

from domain.harmless import shown


def uk_date(value: object, blank: str = "") -> str:
    """A date as the council writes it (22/11/2026); ``blank`` for none."""
    return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else (blank if value is None else str(value))


def plain(value: object, *, lines: bool = False) -> Text:
    """Stored text to draw: control characters shown harmlessly (``lines``: line breaks kept), and Text,
    not a string, so that ``[bold]`` in a name is drawn as written, never read as markup."""
    return Text(shown("" if value is None else str(value), lines=lines))

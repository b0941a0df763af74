"""A case's audit trail as text: one event a line, old -> new, with the reason given."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from domain.harmless import shown
from domain.vocab import display_value

if TYPE_CHECKING:
    from store.db.models import Event


def history_lines(reference: str, events: Sequence[Event]) -> list[str]:
    """A heading, then each event: when, who, what (and old -> new), and why. Stored text is shown
    harmlessly: one event, one line."""
    lines = [f"{shown(reference)}: {len(events)} event{'s' if len(events) != 1 else ''}"]
    who_width = max((len(shown(e.who)) for e in events), default=3)
    for e in events:
        what = e.action + (f" {e.detail}" if e.detail else "")
        change = ""
        if e.old is not None or e.new is not None:
            change = f"{display_value(e.old)} -> {display_value(e.new)}"
        line = f"{e.at:%d/%m/%Y %H:%M}  {shown(e.who):<{who_width}}  {what}" + (f": {change}" if change else "")
        if e.reason:
            line += f"  (reason: {e.reason})"
        lines.append(shown(line))
    return lines

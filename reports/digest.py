"""The daily digest's layouts: fixed-width text for people and email, JSON for programs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from domain.clock import State, due_phrase
from domain.harmless import shown
from domain.vocab import KIND_LABELS, Kind

if TYPE_CHECKING:
    from store.views.digest import DueItem, FollowUpItem


def label(item: DueItem) -> str:
    return KIND_LABELS.get(Kind(item.kind), item.kind)


def _table(title: str, rows: list[tuple[str, ...]]) -> list[str]:
    """A section of the digest: its title, then its rows in columns two spaces apart."""
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    return ["", title, *("  ".join(cell.ljust(widths[c]) for c, cell in enumerate(r)).rstrip() for r in rows)]


def followup_text(actions: Sequence[FollowUpItem], reviews: Sequence[FollowUpItem]) -> list[str]:
    """The digest's follow-up sections (none when nothing is due): learning actions overdue, then reviews of the
    persistent-complaints procedure due."""
    lines: list[str] = []
    if actions:
        lines += _table("Learning actions overdue", [("REFERENCE", "ACTION", "OWNER", "DUE"), *(
            (shown(a.reference), str(a.number), shown(a.who) or "—", f"{a.due:%d/%m/%Y}") for a in actions)])
    if reviews:
        lines += _table("Persistent-procedure reviews due", [("REFERENCE", "COMPLAINANT", "REVIEW"), *(
            (shown(r.reference), shown(r.who), f"{r.due:%d/%m/%Y}") for r in reviews)])
    return lines


def digest_text(items: list[DueItem], today: date, within: int, officer: str | None = None,
                actions: Sequence[FollowUpItem] = (), reviews: Sequence[FollowUpItem] = ()) -> str:
    """The digest as plain fixed-width text: it reads the same in a terminal and in an email. Follow-up due
    (``actions`` overdue, persistent-procedure ``reviews`` due) comes after the deadlines, in sections of its own."""
    after = followup_text(actions, reviews)
    overdue = sum(1 for i in items if i.state is State.OVERDUE)
    soon = len(items) - overdue
    who = f" for {shown(officer)}" if officer else ""
    soon_words = f"due within {within} working day{'s' if within != 1 else ''}"
    head = f"{overdue} overdue and {soon} {soon_words}{who}, as of {today:%A} {today.day} {today:%B %Y}"
    if not items:
        return "\n".join([head + "\nNothing is due.", *after])
    rows = [("", "REFERENCE", "KIND", "STAGE", "COMPLAINANT", "OFFICER", "DUE", "")]
    for i in items:  # stored text shown harmlessly: a name cannot clear the screen or forge a line
        name = shown(i.complainant) + (" [persistent]" if i.persistent else "")
        rows.append((i.state.symbol, shown(i.reference), label(i), i.stage, name, shown(i.officer),
                     f"{i.due:%d/%m/%Y}" + ("?" if i.provisional else ""), due_phrase(i.left, i.state)))
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(widths[c]) for c, cell in enumerate(r)).rstrip() for r in rows]
    legend = f"‼ overdue   ! {soon_words}   ~ relaxed timescale" + (
        "   ? provisional (until acknowledged)" if any(i.provisional for i in items) else "")
    return "\n".join([head, "", *lines, "", legend, *after])


def digest_json(items: list[DueItem], today: date, within: int, actions: Sequence[FollowUpItem] = (),
                reviews: Sequence[FollowUpItem] = ()) -> str:
    return json.dumps({"today": today.isoformat(), "within": within, "items": [i.as_json() for i in items],
                       "learning_actions_overdue": [a.as_json() for a in actions],
                       "persistent_reviews_due": [r.as_json() for r in reviews]}, indent=2)

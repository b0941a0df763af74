"""The daily digest's layouts: fixed-width text for people and email, JSON for programs.

The text groups the work by officer (unassigned work last) and keeps every line within ``WIDTH`` columns, so
that it survives an email client; ``ascii_only`` writes it in ASCII alone, as ``summary --ascii`` does.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from domain.clock import State, due_phrase
from domain.harmless import shown
from domain.vocab import KIND_LABELS, Kind

if TYPE_CHECKING:
    from store.views.digest import DueItem, FollowUpItem, WatchItem

WIDTH = 100  # columns: a line longer than this wraps in an email
NAME, STAGE = 22, 20  # a complainant's name and a stage's, at most, in the deadlines' table
NO_OFFICER = "No officer"
_ASCII = str.maketrans({"‼": "!!", "‖": "||", "✓": "v", "—": "-", "…": "...", "‘": "'", "’": "'", "“": '"',
                        "”": '"', "·": "-", "═": "="})


def label(item: DueItem) -> str:
    return KIND_LABELS.get(Kind(item.kind), item.kind)


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[:most - 1].rstrip() + "…"


def _table(title: str, rows: list[tuple[str, ...]], ascii_only: bool = False) -> list[str]:
    """A section of the digest: its title, then its rows in columns two spaces apart (``ascii_only``: each cell
    in ASCII before the columns are measured)."""
    if ascii_only:
        title, rows = _as_ascii(title), [tuple(_as_ascii(cell) for cell in r) for r in rows]
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    return ["", title, *("  ".join(cell.ljust(widths[c]) for c, cell in enumerate(r)).rstrip() for r in rows)]


def followup_text(actions: Sequence[FollowUpItem], reviews: Sequence[FollowUpItem],
                  ascii_only: bool = False) -> list[str]:
    """The digest's follow-up sections (none when nothing is due): learning actions overdue, then reviews of the
    persistent-complaints procedure due."""
    lines: list[str] = []
    if actions:
        lines += _table("Learning actions overdue", [("REFERENCE", "ACTION", "OWNER", "DUE"), *(
            (shown(a.reference), str(a.number), _cut(shown(a.who), 40) or "—", f"{a.due:%d/%m/%Y}")
            for a in actions)], ascii_only)
    if reviews:
        lines += _table("Persistent-procedure reviews due", [("REFERENCE", "COMPLAINANT", "REVIEW"), *(
            (shown(r.reference), _cut(shown(r.who), 40), f"{r.due:%d/%m/%Y}") for r in reviews)], ascii_only)
    return lines


def watch_text(watch: Sequence[WatchItem], ascii_only: bool = False) -> list[str]:
    """Statutory Stage 2s past 25 working days (‼: past 65), and panels due."""
    lines: list[str] = []
    long = [w for w in watch if w.what == "stage2"]
    panels = [w for w in watch if w.what == "panel"]
    if long:
        lines += _table("Stage 2s past 25 working days (‼ past 65)", [("", "REFERENCE", "STARTED", "WORKING DAYS"), *(
            ("‼" if w.days > 65 else "", shown(w.reference), f"{w.since:%d/%m/%Y}", str(w.days)) for w in long)],
            ascii_only)
    if panels:
        lines += _table("Panels due", [("REFERENCE", "DUE", "WORKING DAYS"), *(
            (shown(w.reference), f"{w.since:%d/%m/%Y}", due_phrase(w.days, State.OVERDUE if w.days < 0 else
                                                                   State.ON_TRACK, short=True))
            for w in panels)], ascii_only)
    return lines


def _deadlines(items: Sequence[DueItem], soon_words: str, ascii_only: bool) -> list[str]:
    overdue = sum(1 for i in items if i.state is State.OVERDUE)
    rows: list[tuple[str, ...]] = [("", "REFERENCE", "KIND", "STAGE", "COMPLAINANT", "DUE", "DAYS")]
    for i in items:  # stored text shown harmlessly: a name cannot clear the screen or forge a line
        name = _cut(shown(i.complainant), NAME - (4 if i.persistent else 0)) + (" [P]" if i.persistent else "")
        rows.append((i.state.symbol, shown(i.reference), label(i), _cut(i.stage, STAGE), name,
                     f"{i.due:%d/%m/%Y}" + ("?" if i.provisional else ""), due_phrase(i.left, i.state, short=True)))
    return _table(f"Deadlines: {overdue} overdue, {len(items) - overdue} {soon_words}", rows, ascii_only)


def _officers(*groups: Sequence[DueItem] | Sequence[FollowUpItem] | Sequence[WatchItem]) -> list[str]:
    """Every officer with something in the digest, by name; work with no officer last."""
    names = {item.officer for group in groups for item in group}
    return sorted(names - {""}) + ([""] if "" in names else [])


def digest_text(items: list[DueItem], today: date, within: int, officer: str | None = None,
                actions: Sequence[FollowUpItem] = (), reviews: Sequence[FollowUpItem] = (),
                watch: Sequence[WatchItem] = (), *, ascii_only: bool = False) -> str:
    """The digest as plain fixed-width text, grouped by officer: it reads the same in a terminal and in an email.

    Each officer's deadlines (overdue and due within ``within`` working days), then their Stage 2s past 25 working
    days and panels due (``watch``), learning ``actions`` overdue and persistent-procedure ``reviews`` due."""
    overdue = sum(1 for i in items if i.state is State.OVERDUE)
    who = f" for {shown(officer)}" if officer else ""
    soon_words = f"due within {within} working day{'s' if within != 1 else ''}"
    lines = [f"{overdue} overdue and {len(items) - overdue} {soon_words}{who}, as of {today:%A} {today.day} "
             f"{today:%B %Y}"]
    if not items:
        lines.append("Nothing is due.")
    for name in _officers(items, actions, reviews, watch):
        heading = _cut(shown(name) or NO_OFFICER, WIDTH)
        mine = [i for i in items if i.officer == name]
        sections = (_deadlines(mine, soon_words, ascii_only) if mine else []) \
            + watch_text([w for w in watch if w.officer == name], ascii_only) \
            + followup_text([a for a in actions if a.officer == name], [r for r in reviews if r.officer == name],
                            ascii_only)
        lines += ["", heading, "═" * len(heading), *sections[1:]]  # the first section right under its officer
    if items:
        provisional = "   ? provisional (until acknowledged)" if any(i.provisional for i in items) else ""
        lines += ["", f"‼ overdue   ! {soon_words}   ~ relaxed timescale{provisional}",
                  "DAYS: working days over or left   [P]: under the persistent-complaints procedure"]
    text = "\n".join(_cut(line, WIDTH) for line in lines)
    return _as_ascii(text) if ascii_only else text


def _as_ascii(text: str) -> str:
    """``text`` in ASCII alone: symbols spelt out, accents dropped (é -> e), anything else left out."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def digest_json(items: list[DueItem], today: date, within: int, actions: Sequence[FollowUpItem] = (),
                reviews: Sequence[FollowUpItem] = (), watch: Sequence[WatchItem] = ()) -> str:
    return json.dumps({"today": today.isoformat(), "within": within, "items": [i.as_json() for i in items],
                       "learning_actions_overdue": [a.as_json() for a in actions],
                       "persistent_reviews_due": [r.as_json() for r in reviews],
                       "stage2_past_25_days": [w.as_json() for w in watch if w.what == "stage2"],
                       "panels_due": [w.as_json() for w in watch if w.what == "panel"]}, indent=2)

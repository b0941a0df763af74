"""The contact log's rules: when a contact happened, as typed, and how far back or forward it may be."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from domain.limits import check_day, quoted
from domain.timescales import RuleError

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?")
_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2}))?")


def parse_when(text: str) -> datetime:
    """``2026-11-29 14:30``, ``29/11/2026 14:30`` (day first), or a date alone (at 00:00); RuleError if not."""
    text = text.strip()
    iso, uk = _ISO.fullmatch(text), _UK.fullmatch(text)
    if iso:
        y, mo, d, hh, mm = iso.groups()
    elif uk:
        d, mo, y, hh, mm = uk.groups()
    else:
        raise RuleError(f"{quoted(text)} is not a date and time: write 29/11/2026 14:30 or 2026-11-29 14:30")
    try:
        day = date(int(y), int(mo), int(d))
        at = time(int(hh), int(mm)) if hh is not None else time()
    except ValueError:
        raise RuleError(f"{quoted(text)} is not a date and time that exists") from None
    return datetime.combine(check_day(day), at)


def check_when(at: datetime, today: date) -> datetime:
    """A contact's time: from 1989 on and not after ``today`` (any time of today will do); to the minute."""
    check_day(at.date())
    if at.date() > today:
        raise RuleError(f"a contact's date cannot be in the future: {at:%d/%m/%Y} is after {today:%d/%m/%Y}")
    return at.replace(second=0, microsecond=0, tzinfo=None)


#: How a note's kind reads in a sentence ("phone call, in, with A. Parent").
KIND_WORDS = {"phone": "phone call", "email": "email", "letter": "letter", "meeting": "meeting", "visit": "visit",
              "note": "note"}


def contact_words(kind: str, direction: str | None, with_whom: str | None) -> str:
    """A note's contact in words: ``phone call, in, with A. Parent``."""
    words = [KIND_WORDS.get(kind, kind.replace("_", " "))]
    if direction:
        words.append(direction)
    if with_whom:
        words.append(f"with {with_whom}")
    return ", ".join(words)

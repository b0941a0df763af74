"""Reading one cell of a case register (``domain.register``): its text, as the kind of its column reads it.

A cell that cannot be read raises ``BadCell`` (a ``RuleError``), whose message is what the user sees.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain import limits
from domain.limits import check_day, check_money, check_text, quoted, whole_number
from domain.register import CHOICES, MULTI_LINE, TEXT_LIMITS
from domain.timescales import RuleError
from domain.vocab import FINDING_NAMES, Remedy

_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_MONEY = re.compile(r"([-−]?)£?\s*([-−]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]{1,2})?")


class BadCell(RuleError):
    """A cell that cannot be read; the message is what the user sees (a limit refuses with a RuleError too)."""


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value: Any) -> date:
    """``2024-04-03`` or day-first ``03/04/2024`` (Excel dates as they are); never month-first; from 1989 on."""
    if isinstance(value, datetime):
        return check_day(value.date())
    if isinstance(value, date):
        return check_day(value)
    text = _text(value)
    m = _ISO_DATE.fullmatch(text[:10]) if len(text) >= 10 else None
    if m and text[10:].strip(" T0:.") == "":  # a time of midnight, as some exports add, is no time
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif (m := _UK_DATE.fullmatch(text)) is not None:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        raise BadCell(f"{quoted(text)} is not a date: write 2024-04-03 or 03/04/2024 (day first)")
    try:
        day = date(y, mo, d)
    except ValueError:
        raise BadCell(f"{quoted(text)} is not a date that exists") from None
    return check_day(day)


def parse_money(value: Any) -> Decimal:
    """``4017.98`` or ``£4,017.98`` (or Excel's number), from 0 to what the money columns hold: the one rule for
    money however it comes (a form, the service, an import); ``-5`` is read, to be refused as below zero."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        text, amount = str(value), Decimal(str(value))
    else:
        text = _text(value).replace(" ", "")
        m = _MONEY.fullmatch(text)
        if not m:
            raise BadCell(f"{quoted(text)} is not an amount of money: write 4017.98 or £4,017.98")
        amount = Decimal(m.group(3).replace(",", "") + (m.group(4) or ""))
        if (m.group(1) or m.group(2)) and amount:
            amount = -amount
    try:
        return check_money(amount)
    except RuleError as exc:
        raise BadCell(f"{quoted(text)} {exc}") from None


_ALLOWED = {kind: frozenset(m.value for m in enum) for kind, enum in CHOICES.items()}
_REMEDIES = frozenset(r.value for r in Remedy)


def _choice(kind: str) -> Callable[[Any], str]:
    allowed = _ALLOWED[kind]

    def parse(value: Any) -> str:
        text = value if isinstance(value, str) else _text(value)
        if text in allowed:  # the usual case, checked first: an import reads millions of these
            return text
        text = text.strip().lower().replace(" ", "_").replace("-", "_")
        if text in allowed:
            return text
        raise BadCell(f"{quoted(_text(value))} is not one of: {', '.join(m.value for m in CHOICES[kind])}")

    return parse


def text_column(column: str) -> Callable[[Any], str | None]:
    """The parser of a text column: its cell stripped, within the column's limit."""
    limit, lines = TEXT_LIMITS[column], column in MULTI_LINE

    def parse(value: Any) -> str | None:
        return check_text(value if isinstance(value, str) else _text(value), limit, multiline=lines) or None

    return parse


def _parse_yesno(value: Any) -> bool:
    text = _text(value).lower()
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    raise BadCell(f"{quoted(_text(value))} is not yes or no")


def _parse_count(value: Any) -> int:
    """``stage1_reopened``: the register's only count."""
    return whole_number(_text(value), limits.REOPENINGS, "times one Stage 1 complaint is reopened")


def _parse_list(value: Any) -> tuple[str, ...]:
    """Themes: ``;``-separated names of the council's list, each at most once."""
    names = tuple(dict.fromkeys(t.strip() for t in _text(value).split(";") if t.strip()))
    if len(names) > limits.THEMES:
        raise BadCell(f"names {len(names):,} themes: a case has at most {limits.THEMES}")
    long = next((n for n in names if len(n) > limits.LIST_NAME), None)
    if long is not None:
        raise BadCell(f"names a theme {len(long):,} characters long: at most {limits.LIST_NAME} fit")
    return names


def _parse_remedy(value: Any) -> str | None:
    parts = list(dict.fromkeys(p.strip().lower() for p in _text(value).split(";") if p.strip()))
    wrong = [p for p in parts if p not in _REMEDIES]
    if wrong:
        raise BadCell(f"{quoted(wrong[0])} is not a remedy: {', '.join(r.value for r in Remedy)}")
    return ";".join(parts) or None


_COUNT = re.compile("[0-9]+")
_ISSUES = "issues in one statement of complaint"


def _parse_findings(value: Any) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    for part in (p.strip() for p in _text(value).split(";") if p.strip()):
        name, _, number = part.partition(":")
        name = name.strip().lower()
        if name not in FINDING_NAMES or not _COUNT.fullmatch(number.strip()):
            raise BadCell(f"{quoted(part)} is not finding:count, e.g. upheld:7;not_upheld:45 "
                       f"(findings: {', '.join(FINDING_NAMES)})")
        counts[name] = counts.get(name, 0) + whole_number(number, limits.ISSUES, _ISSUES)
    if sum(counts.values()) > limits.ISSUES:
        raise BadCell(f"counts {sum(counts.values()):,} issues: {limits.ISSUES:,} is the most {_ISSUES}")
    return tuple((k, counts[k]) for k in FINDING_NAMES if counts.get(k))


BY_KIND: dict[str, Callable[[Any], Any]] = {
    "date": parse_date, "money": parse_money, "yesno": _parse_yesno,
    "count": _parse_count, "list": _parse_list, "remedy": _parse_remedy, "findings": _parse_findings,
    **{kind: _choice(kind) for kind in CHOICES},
}

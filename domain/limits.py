"""The bounds every value keeps to, however it arrives: a register's cell, a form's field, a command's text.

Defined once, here, and checked at the door (``domain.register`` for imports, ``tui.actions`` for the
forms, ``cli`` for the commands), so SQLite and PostgreSQL take exactly the same things: no text longer
than its column (``store/db/models.py``; ``tests/test_limits.py`` holds the two together), no control
character, no amount past the money columns' precision, no count that would write millions of rows, no
date from before the procedure existed. A refusal says what is wrong and never repeats the text itself
(it may be personal data): a character is named by its code, such as U+001B.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from domain.timescales import RuleError

#: Texts, in characters.
REFERENCE = 40  # a case's reference; the Ombudsman's reference
EXTERNAL_ID = 64  # a complainant's id; an officer's login
NAME = 200  # a person's name (complainant, child, independent person, owner, contact), an organisation, an email
LIST_NAME = 120  # an entry of the council's lists: a theme, team, service area or officer
SHORT_TEXT = 200  # a pause's reason, the Ombudsman's remedies
TEXT = 10_000  # free text: a summary, a reason, contact arrangements, a learning action, an issue
CELL = 128 * 1024  # any cell of a register file, whatever its column
#: Money: the columns are NUMERIC(12, 2).
MONEY = Decimal("9999999999.99")
#: Counts: each row an import or form writes for them.
REOPENINGS = 50  # times one Stage 1 complaint is reopened
ISSUES = 100  # issues in one statement of complaint
THEMES = 50  # themes of one case
DOCUMENT_BYTES = 25 * 1024 * 1024  # one document attached to a case (a 20 MB Stage 2 report fits)
DOCUMENT_NAME = 255  # a document's file name
NOTES = 5_000  # contact-log notes on one case
DOCUMENTS = 1_000  # documents on one case
WHOLE_NUMBER = 999  # any other whole number a form takes (working days, a stage)
#: Dates: nothing the procedure records is older than the Children Act 1989.
EARLIEST = date(1989, 1, 1)

# C0 controls, DEL, C1 controls, the Unicode line and paragraph separators, and lone surrogates (which
# is what bytes that are not UTF-8 become when a file is read).
_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")  # tab and newline allowed
_DIGITS = re.compile("[0-9]{1,12}")


def code(character: str) -> str:
    """A character as its code point, e.g. U+001B: how a refusal names a character it will not show."""
    return f"U+{ord(character):04X}"


def control_problem(text: str, *, multiline: bool = False) -> str | None:
    """What is wrong with the characters of ``text``, or None. ``multiline``: tabs and newlines allowed."""
    found = (_LINES if multiline else _ONE_LINE).search(text)
    if found is None:
        return None
    ch = found.group()
    if "\udc80" <= ch <= "\udcff":  # a byte that did not decode
        return f"holds a byte that is not UTF-8 text (0x{ord(ch) - 0xDC00:02X}): save the file as UTF-8"
    if ch in "\n\r\u2028\u2029" or (ch == "\t" and not multiline):
        return f"holds a line break or tab ({code(ch)}): it must be one line"
    return f"holds a control character ({code(ch)}), which cannot be stored"


def text_problem(text: str, limit: int, *, multiline: bool = False) -> str | None:
    """What is wrong with ``text`` (already stripped), or None: its characters, then its length."""
    problem = control_problem(text, multiline=multiline)
    if problem is None and len(text) > limit:
        problem = f"is {len(text):,} characters long: at most {limit:,} fit"
    return problem


def check_text(text: str, limit: int, *, multiline: bool = False) -> str:
    """``text`` stripped (in several lines: with Windows line ends as newlines), or RuleError saying why not."""
    text = text.strip()
    if multiline:
        text = text.replace("\r\n", "\n")
    problem = text_problem(text, limit, multiline=multiline)
    if problem:
        raise RuleError(problem)
    return text


def quoted(text: str) -> str:
    """A short value quoted for a message, every character that is not printable escaped (``repr``)."""
    return repr(text if len(text) <= 30 else text[:27] + "...")


def whole_number(text: str, most: int, what: str = "") -> int:
    """A count written in digits 0-9, at most ``most`` (``what``: what it counts, for the message)."""
    text = text.strip()
    if not _DIGITS.fullmatch(text):
        if text.isascii() and text.isdigit():
            raise RuleError(f"{quoted(text)} is more than {most:,}" + (f", the most {what}" if what else ""))
        raise RuleError(f"{quoted(text)} is not a whole number")
    number = int(text)
    if number > most:
        raise RuleError(f"{number:,} is more than {most:,}" + (f", the most {what}" if what else ""))
    return number


def check_money(amount: Decimal) -> Decimal:
    """An amount of money in pence, or RuleError: not a number, below zero, or more than the columns hold."""
    try:
        if not amount.is_finite():
            raise RuleError("is not an amount of money: write 4017.98 or £4,017.98")
        if amount < 0:
            raise RuleError("is below zero: an amount of money is 0 or more")
        if amount > MONEY:
            raise RuleError(f"is more than £{MONEY:,}, the most an amount of money can be")
        return amount.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise RuleError("is not an amount of money: write 4017.98 or £4,017.98") from None


def check_day(day: date) -> date:
    """A date from 1 January 1989 on (an older one is a mistyped year)."""
    if day < EARLIEST:
        raise RuleError(f"{day.isoformat()} is before {EARLIEST.isoformat()}: nothing this tool records is older "
                        "(a mistyped year?)")
    return day

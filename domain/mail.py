"""An email read from its bytes: who sent it, when, its subject and its text. Pure: no file is opened here.

``.eml`` through the standard library's ``email`` package; Outlook's ``.msg`` through ``extract-msg`` (which
takes the bytes). Whatever is in the file, nothing here raises: a file that is not an email, or one too broken
to read, gives None (and the store keeps it inert, as any other document); a hostile one gives what could be
read, bounded and with its control characters taken out: headers and text never reach a terminal raw.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from typing import Any

from domain.documents import EMAIL, OLE, sniff
from domain.limits import EARLIEST, NAME

SUBJECT = 300  # the ``document`` table's columns
SENDER = 300
TEXT = 200_000  # an email's text kept for the case file, in characters
HTML = 2 * 1024 * 1024  # the most HTML turned into text
PARTS = 500  # the most MIME parts looked at
DEPTH = 20  # the deepest nesting of parts looked at

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]+")


@dataclass(frozen=True)
class Mail:
    """What an email says about itself. ``sent``: its Date header (aware), if it had a readable one. ``later``: the
    day a readable Date header gave past the years ``sent`` keeps (it is not stored); ``undated``: it had no Date
    header at all (so that a warning says what is true: no date, a date in the future, or one that could not be
    read)."""

    sender_name: str | None
    sender_address: str | None
    sent: datetime | None
    subject: str | None
    text: str
    kind: str  # eml or msg
    later: date | None = None
    undated: bool = False

    @property
    def sender(self) -> str | None:
        """The sender as one line: "Name <address>", or whichever of them there is."""
        if self.sender_name and self.sender_address:
            return f"{self.sender_name} <{self.sender_address}>"[:SENDER]
        return self.sender_name or self.sender_address

    def received(self, fallback: date) -> date:
        """The day it was sent, in England (the team's working day); ``fallback`` without a date."""
        if self.sent is None:
            return fallback
        try:
            from zoneinfo import ZoneInfo

            return self.sent.astimezone(ZoneInfo("Europe/London")).date()
        except Exception:  # noqa: BLE001 - no time zone data: the day as the sender wrote it
            return self.sent.date()

    def case_values(self, today: date) -> dict[str, Any]:
        """What a new case logged from this email starts with (the one rule for the TUI's form and the CLI's
        intake): received the day it was sent (today if it claims a later day), by email, from its sender, the
        subject as the summary."""
        received = self.received(today)
        if received > today or received < EARLIEST:
            received = today
        return {"received": received, "channel": "email",
                "complainant": (self.sender_name or self.sender_address or "")[:NAME] or None,
                "complainant_email": self.sender_address, "summary": self.subject}

    def warnings(self, today: date, given: Collection[str] = ()) -> list[str]:
        """What the officer must check in a case logged from this email (the one rule for the TUI's form and the
        CLI's intake): a date that could not be read or was moved to today, a sender or subject it lacks. A fact
        in ``given`` (typed by the officer) is theirs: nothing is said of it."""
        said = []
        received = self.case_values(today)["received"]
        if "received" not in given:
            said.extend(self._date_warnings(today, received))
        if "complainant" not in given and not (self.sender_name or self.sender_address):
            said.append("the email's sender could not be read; the complainant is left blank: fill it in")
        if "summary" not in given and not self.subject:
            said.append("the email has no subject; the summary is left blank")
        return said

    def _date_warnings(self, today: date, received: date) -> list[str]:
        """What is true of the email's date, if the officer must check the received date set from it."""
        dated = self.received(today) if self.sent is not None else self.later
        if dated is not None and dated > today:
            return [f"the email is dated {dated:%d/%m/%Y}, in the future: logged as received {today:%d/%m/%Y}; "
                    "check it"]
        if self.sent is None:
            why = "the email has no date" if self.undated else "the email's date could not be read"
            return [f"{why}; received date set to today ({today:%d/%m/%Y}); check it"]
        if received != dated:
            return [f"the email is dated {dated:%d/%m/%Y}: logged as received {received:%d/%m/%Y}"]
        return []

    @property
    def sent_utc(self) -> datetime | None:
        """``sent`` in UTC without a zone, as the database keeps times."""
        return self.sent.astimezone(UTC).replace(tzinfo=None) if self.sent is not None else None


def one_line(value: object, limit: int) -> str | None:
    """A header as one clean line: control characters (a folded or injected line break) become a space."""
    if value is None:
        return None
    text = " ".join(_ONE_LINE.sub(" ", str(value)).split())[:limit]
    return text or None


def clean_text(text: str) -> str:
    """Text kept with its line breaks and tabs, without any other control character, at most TEXT long."""
    text = text[: TEXT * 2].replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text[:TEXT]


def read_mail(name: str, content: bytes) -> Mail | None:
    """The email in ``content``; None when it is not one (told by its bytes, not its ``name``)."""
    kind = sniff(name, content)
    try:
        if kind == OLE:
            return _msg(content)
    except (Exception, RecursionError):  # noqa: BLE001 - a broken or hostile file is kept inert, never a crash
        return None
    if kind != EMAIL:
        return None
    try:  # thousands of parts would take the parser minutes: then its headers alone
        return _eml(content, headers_only=content.count(b"\n--") > PARTS * 4)
    except (Exception, RecursionError):  # noqa: BLE001 - its body too broken (parts nested thousands deep): its headers
        try:
            return _eml(content, headers_only=True)
        except (Exception, RecursionError):  # noqa: BLE001
            return None


# -- .eml -----------------------------------------------------------------------------------------


def _eml(content: bytes, *, headers_only: bool = False) -> Mail:
    from email import policy
    from email.parser import BytesParser
    from email.utils import parseaddr

    message = BytesParser(policy=policy.default).parsebytes(content, headersonly=headers_only)
    name, address = _header(message, "from", parseaddr)
    sent, later, undated = _date(message)
    subject = one_line(_safe(lambda: message["subject"]), SUBJECT)
    text = "" if headers_only else clean_text(_body(message))
    return Mail(one_line(name, SENDER), _address(address), sent, subject, text, "eml", later, undated)


def _safe(get: Callable[[], Any]) -> Any:
    try:
        return get()
    except Exception:  # noqa: BLE001 - a malformed header reads as none
        return None


def _header(message: Any, field: str, parse: Callable[[str], tuple[str, str]]) -> tuple[str, str]:
    raw = _safe(lambda: message[field])
    if raw is None:  # refused by the parser (a line break inside an encoded name): read as plain words
        raw = _raw(message, field)
    if raw is None:
        return "", ""
    try:
        addresses = getattr(raw, "addresses", ())
        if addresses:
            return str(addresses[0].display_name or ""), str(addresses[0].addr_spec or "")
        line = one_line(raw, 1000) or ""
        bracketed = re.fullmatch(r"(.*?)\s*<([^<>\s]+@[^<>\s]+)>", line)
        if bracketed:  # "Name <address>": the name as written, whatever it holds
            return bracketed.group(1).strip().strip('"'), bracketed.group(2)
        return parse(line)
    except Exception:  # noqa: BLE001
        return "", ""


def _raw(message: Any, field: str) -> str | None:
    """A header's value decoded by hand, for one the parser refused."""
    from email.header import decode_header, make_header

    value = next((v for k, v in _safe(message.raw_items) or () if k.lower() == field), None)
    if value is None:
        return None
    try:
        return str(make_header(decode_header(str(value))))
    except Exception:  # noqa: BLE001
        return str(value)


def _date(message: Any) -> tuple[datetime | None, date | None, bool]:
    """The email's date (1900 to 2200, as stored); else the day a later one gives (up to 9999, the last year a
    date can have: past it, or unparseable, it could not be read); and whether it has no Date header at all."""
    from email.utils import parsedate_to_datetime

    raw = _safe(lambda: message["date"])
    if raw is None:
        return None, None, not any(k.lower() == "date" for k, _ in _safe(message.raw_items) or ())
    try:
        sent = parsedate_to_datetime(str(raw))
    except Exception:  # noqa: BLE001 - an unreadable date is no date
        return None, None, False
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=UTC)
    if 1900 < sent.year < 2200:
        return sent, None, False
    return None, (sent.date() if sent.year >= 2200 else None), False


def _address(address: str | None) -> str | None:
    address = one_line(address, 200)
    return address if address and "@" in address and " " not in address else None


def _body(message: Any) -> str:
    """The first text/plain part, else the first text/html one as text; walked without recursion, bounded."""
    plain: str | None = None
    html: str | None = None
    stack: list[tuple[Any, int]] = [(message, 0)]
    seen = 0
    while stack and seen < PARTS and plain is None:
        part, depth = stack.pop()
        seen += 1
        if _safe(part.is_multipart):
            if depth < DEPTH:
                children = _safe(part.iter_parts)
                children = list(children)[:PARTS] if children is not None else []
                stack.extend((child, depth + 1) for child in reversed(children))
            continue
        if _safe(part.is_attachment):
            continue
        kind = _safe(part.get_content_type)
        if kind == "text/plain":
            plain = _content(part)
        elif kind == "text/html" and html is None:
            html = _content(part)
    if plain is not None:
        return plain
    return html_text(html) if html else ""


def _content(part: Any) -> str:
    try:
        value = part.get_content()
    except Exception:  # noqa: BLE001 - an unknown charset, say: the bytes as UTF-8, bad ones replaced
        payload = _safe(lambda: part.get_payload(decode=True))
        value = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return value if isinstance(value, str) else ""


class _Text(HTMLParser):
    """HTML to plain text: the words, a line break at each block, nothing of scripts or styles."""

    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(data)


def html_text(html: str) -> str:
    """An HTML body as text (bounded: at most HTML characters are read)."""
    parser = _Text()
    try:
        parser.feed(html[:HTML])
        parser.close()
    except Exception:  # noqa: BLE001 - what was read so far
        pass
    lines = (" ".join(line.split()) for line in "".join(parser.out).splitlines())
    return "\n".join(lines)


# -- .msg -----------------------------------------------------------------------------------------


def _msg(content: bytes) -> Mail | None:
    logging.getLogger("extract_msg").setLevel(logging.CRITICAL)  # its warnings can quote the message
    import extract_msg
    from extract_msg.msg_classes import MessageBase

    msg = extract_msg.openMsg(content, delayAttachments=True, strict=True)
    try:
        if not isinstance(msg, MessageBase):
            return None
        from email.utils import parseaddr

        name, address = parseaddr(str(_safe(lambda: msg.sender) or ""))
        sent = _safe(lambda: msg.date)
        if isinstance(sent, datetime) and sent.tzinfo is None:
            sent = sent.replace(tzinfo=UTC)
        body = _safe(lambda: msg.body)
        if not isinstance(body, str) or not body.strip():
            html = _safe(lambda: msg.htmlBody)
            body = html_text(html.decode("utf-8", "replace") if isinstance(html, bytes) else str(html or ""))
        return Mail(one_line(name, SENDER), _address(address), sent if isinstance(sent, datetime) else None,
                    one_line(_safe(lambda: msg.subject), SUBJECT), clean_text(body), "msg")
    finally:
        msg.close()

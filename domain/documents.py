"""A document kept with a case: what its name may be, how big it may be, and what it is (by its bytes).

Pure: the store reads the file and hands the bytes here. A file's type is found from its first bytes, never
from its extension alone: an ``.eml`` that is really a zip is kept as a zip (inert), never read as an email.
"""

from __future__ import annotations

import re

from domain import limits
from domain.harmless import shown
from domain.limits import control_problem
from domain.timescales import RuleError

#: What an Outlook message, and any other OLE2 compound file (old Word, Excel), starts with.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EMAIL = "message/rfc822"
OUTLOOK = "application/vnd.ms-outlook"
OLE = "application/x-ole-storage"
BINARY = "application/octet-stream"

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"{\\rtf", "application/rtf"),
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (OLE_MAGIC, OLE),
)
#: A zip's own kinds, told by the extension once the bytes say zip.
_ZIPS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
#: An email's first line: a header's name, a colon (an mbox's "From " line is allowed too).
_HEADER = re.compile(rb"^(?:[!-9;-~]{1,76}:|From )")
_EMAIL_HEADERS = (b"from:", b"subject:", b"date:", b"to:", b"message-id:", b"received:", b"mime-version:",
                  b"cc:", b"bcc:", b"reply-to:", b"sender:", b"return-path:", b"in-reply-to:", b"references:",
                  b"delivered-to:", b"content-type:", b"content-transfer-encoding:", b"x-mailer:", b"thread-topic:")
#: A header's line: its name, a colon; or the folded rest of the one above (it starts with a space or a tab).
_HEADER_LINE = re.compile(rb"[!-9;-~]{1,76}:|[ \t]")


def extension(name: str) -> str:
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


def sniff(name: str, content: bytes) -> str:
    """The media type of ``content``, from its first bytes; the extension only tells apart kinds of zip."""
    head = content[:8192]
    for magic, media in _MAGIC:
        if head.startswith(magic):
            return media
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _ZIPS.get(extension(name), "application/zip")
    if _looks_like_email(head):  # a NUL in its text is taken out when the text is read
        return EMAIL
    if b"\x00" in head:
        return BINARY
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not a character cut in two at the end of the head
            return BINARY
    return "text/plain"


def _looks_like_email(head: bytes) -> bool:
    """Headers first (a name, a colon), and among them at least two an email has; or one (an email saved without
    its From:, Subject: or Date:) when every line above the blank line that ends them is a header's."""
    block = head.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    if not _HEADER.match(block) or b"\x00" in block:
        return False
    names = {line.split(b":", 1)[0].strip().lower() + b":" for line in block.splitlines() if b":" in line}
    known = len(names.intersection(_EMAIL_HEADERS))
    if known >= 2:
        return True
    ended = len(block) < len(head)  # a blank line after the headers (the body follows)
    return known == 1 and ended and all(_HEADER_LINE.match(line) for line in block.splitlines())


def megabytes(size: int) -> str:
    """A size as an officer reads it: 25 MB, 30.2 MB, 412 KB."""
    if size >= 1024 * 1024:
        mb = size / (1024 * 1024)
        return f"{mb:.0f} MB" if mb == int(mb) else f"{mb:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def check_size(size: int, name: str) -> None:
    """RuleError naming the file (``name``: its base name, shown harmlessly and cut short) and the limit, said in
    MB, when it is too big to attach."""
    if size > limits.DOCUMENT_BYTES:
        raise RuleError(f"{named(name)} is {megabytes(size)}: at most {megabytes(limits.DOCUMENT_BYTES)} can be "
                        "attached to a case (save a smaller copy, or split it)")


def named(name: str, most: int = 80) -> str:
    """A file's base name for a message: no folder, its control characters shown harmlessly, at most ``most``
    characters (the middle left out, so that its extension still shows)."""
    base = shown(re.split(r"[/\\]", name.strip())[-1]) or "the file"
    return base if len(base) <= most else f"{base[: most - 12]}…{base[-11:]}"


def check_name(name: str) -> str:
    """A document's name: a plain file name (no folder, no control character), at most DOCUMENT_NAME long."""
    name = name.strip()
    if not name:
        raise RuleError("a document needs a file name")
    problem = control_problem(name)
    if problem:
        raise RuleError(f"the document's name {problem}")
    if "/" in name or "\\" in name or name in (".", ".."):
        raise RuleError("the document's name must be a file name alone, without a folder")
    if len(name) > limits.DOCUMENT_NAME:
        raise RuleError(f"the document's name is {len(name):,} characters long: at most {limits.DOCUMENT_NAME} fit")
    return name


def check_media_type(media_type: str) -> str:
    media_type = media_type.strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,60}/[a-z0-9][a-z0-9!#$&^_.+-]{0,58}", media_type):
        raise RuleError("a document's type must be a media type such as application/pdf")
    return media_type

"""Documents kept with a case: attaching a file (its bytes in the database, so a backup, ``copy`` and PostgreSQL
carry it), reading one back, saving it out owner-only, and removing one.

One set of rules for the TUI and the CLI: a plain file name, at most ``limits.DOCUMENT_BYTES`` (said in MB), at
most ``limits.DOCUMENTS`` on a case; its type found from its bytes (``domain.documents.sniff``); an email's
sender, date, subject and text read (``domain.mail``) and kept on the ``document`` row. Every change writes an
event: "document attached" (detail ``document <id>``, new: its name) or "document removed".
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain import limits
from domain.documents import OLE, OUTLOOK, check_media_type, check_name, check_size, sniff
from domain.lifecycle import require_manager
from domain.mail import Mail, read_mail
from domain.timescales import RuleError
from domain.vocab import Role
from store.db.location import APP_NAME, written_whole
from store.db.models import Case, Document, DocumentContent
from store.lifecycle.base import NotFound, ServiceBase, row_id
from store.lifecycle.numbers import next_number

if TYPE_CHECKING:
    from store.lifecycle.intake import IntakeMixin, Logged

ORIGINS = ("attached", "letter")


def documents_folder(*, create: bool = False) -> Path:
    """Where documents are saved out by default: a folder of the user's data directory only they can read
    (made so when ``create``)."""
    from platformdirs import user_data_path

    folder = user_data_path(APP_NAME) / "documents"
    if create:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
    return folder


def read_file(path: Path) -> tuple[str, bytes]:
    """A file to attach: its name and bytes. Its size is checked before it is read (a 4 GB file is refused
    unread); a folder, a missing or unreadable file is a RuleError saying so."""
    path = Path(path).expanduser()
    try:
        if not path.is_file():
            raise RuleError(f"{path} is not a file" if path.exists() else f"there is no file {path}")
        check_size(path.stat().st_size, path.name)
        with path.open("rb") as handle:
            content = handle.read(limits.DOCUMENT_BYTES + 1)
    except OSError as exc:
        raise RuleError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    check_size(len(content), path.name)  # it grew while being read
    return check_name(path.name), content


def save_file(path: Path, content: bytes, *, force: bool = False) -> Path:
    """``content`` written to ``path``, owner-only (0600) and whole; an existing file is kept unless ``force``."""
    path = Path(path).expanduser()
    if path.parent == documents_folder():
        documents_folder(create=True)
    if path.is_dir():
        raise RuleError(f"{path} is a folder: give a file name")
    if path.exists() and not force:
        raise RuleError(f"{path} already exists: nothing was written (choose another name, or --force)")
    try:
        with written_whole(path) as partial:
            partial.write_bytes(content)
    except OSError as exc:
        raise RuleError(f"cannot write {path}: {exc.strerror or type(exc).__name__}") from None
    return path


class DocumentsMixin(ServiceBase):
    def attach(self, reference: str, name: str, content: bytes, *, media_type: str | None = None,
               origin: str = "attached", expected_version: int | None = None) -> int:
        """Keep ``content`` with the case as the document ``name``; returns its id."""
        with self._writing() as session:
            return self.attach_in(session, reference, name, content, media_type=media_type, origin=origin,
                                  expected_version=expected_version)

    def attach_in(self, session: Session, reference: str, name: str, content: bytes, *,
                  media_type: str | None = None, origin: str = "attached", expected_version: int | None = None) -> int:
        """``attach`` within a transaction already open (a letter kept with its own event)."""
        name = check_name(name)
        check_size(len(content), name)
        if origin not in ORIGINS:
            raise RuleError("a document's origin is one of " + ", ".join(ORIGINS))
        found = sniff(name, content)
        mail = read_mail(name, content)  # None unless its bytes are an email's
        if media_type is not None:
            media_type = check_media_type(media_type)
        elif mail is not None and found == OLE:
            media_type = OUTLOOK
        else:
            media_type = found
        digest = hashlib.sha256(content).hexdigest()
        case = self._case(session, reference, expected_version)
        held = session.exec(select(sa.func.count()).select_from(Document)
                            .where(Document.case_id == case.id)).one()
        if held >= limits.DOCUMENTS:
            raise RuleError(f"{case.reference} already has {held:,} documents: at most {limits.DOCUMENTS:,}")
        document = Document(id=next_number(session, self.db.is_sqlite, Document), case_id=row_id(case), name=name,
                            size=len(content), media_type=media_type, sha256=digest, origin=origin, added_by=self.user,
                            added_at=datetime.now(UTC).replace(tzinfo=None), **_email_facts(mail))
        session.add(document)
        session.flush()
        session.add(DocumentContent(document_id=row_id(document), content=content))
        self._event(session, case, "document attached", f"document {row_id(document)}", None, name)
        self._touch(case)
        return row_id(document)

    def attach_file(self, reference: str, path: Path, *, expected_version: int | None = None) -> tuple[int, str]:
        """Attach the file at ``path`` (read here, its size checked first); its id and name."""
        name, content = read_file(path)
        return self.attach(reference, name, content, expected_version=expected_version), name

    def read_document_file(self, path: Path) -> tuple[str, bytes]:
        """A file's name and bytes, to attach (``read_file``)."""
        return read_file(path)

    def intake_email(self, kind: str, name: str, content: bytes, **overrides: object) -> Logged:
        """A new case from an email (``.eml`` or ``.msg``), the email attached to it; its reference. The case's
        facts are the email's (``Mail.case_values``), then ``overrides``."""
        name = check_name(name)
        check_size(len(content), name)
        mail = read_mail(name, content)
        if mail is None:
            raise RuleError(f"{name} is not an email that can be read (.eml or Outlook .msg): attach it to a case "
                            "instead")
        values = mail.case_values(self.today()) | {k: v for k, v in overrides.items() if v is not None}
        reference = cast("IntakeMixin", self).log(kind, **values)  # CaseService is both
        self.attach(reference, name, content)
        given = {k for k, v in overrides.items() if v is not None}  # what the email lacks is said, never quietly
        warnings = [*filter(None, [reference.warning]), *mail.warnings(self.today(), given)]
        reference.warning = "\n".join(warnings) or None  # a line each
        return reference

    def document(self, document_id: int, reference: str | None = None) -> tuple[Document, bytes]:
        """One document and its bytes; ``reference``: it must be that case's."""
        with self.db.read() as session:
            document = session.get(Document, document_id)
            case = session.get(Case, document.case_id) if document is not None else None
            if document is None or case is None or (reference is not None and case.reference != reference.strip()):
                where = f" on {reference.strip()}" if reference else ""
                raise NotFound(f"there is no document {document_id}{where}")
            content = session.get(DocumentContent, document_id)
            session.expunge(document)
            return document, content.content if content is not None else b""

    def save_document(self, document_id: int, path: Path, *, reference: str | None = None,
                      force: bool = False) -> tuple[Path, Document]:
        """Write a document's bytes to ``path``, owner-only; never over an existing file unless ``force``."""
        document, content = self.document(document_id, reference)
        return save_file(path, content, force=force), document

    def remove_document(self, document_id: int, reason: str, *, expected_version: int | None = None) -> None:
        """Remove a document (its bytes too): managers, or the one who added it; with a reason."""
        reason = limits.check_text(reason or "", limits.TEXT)
        if not reason:
            raise RuleError("removing a document needs a reason")
        with self._writing() as session:
            document = session.get(Document, document_id)
            case = session.get(Case, document.case_id) if document is not None else None
            if document is None or case is None:
                raise NotFound(f"there is no document {document_id}")
            if document.added_by != self.user and self.role is not Role.MANAGER:
                require_manager(self.role, "removing a document someone else added")
            case = self._case(session, case.reference, expected_version)
            content = session.get(DocumentContent, document_id)
            if content is not None:
                session.delete(content)
            session.flush()
            session.delete(document)
            self._event(session, case, "document removed", f"document {document_id}", document.name, None, reason)
            self._touch(case)

    def case_documents(self, reference: str) -> list[Document]:
        """The case's documents, oldest first, without their bytes."""
        with self.db.read() as session:
            case = self._case(session, reference)
            rows = list(session.exec(select(Document).where(Document.case_id == case.id)
                                     .order_by(col(Document.added_at), col(Document.id))))
            for row in rows:
                session.expunge(row)
            return rows


def _email_facts(mail: Mail | None) -> dict[str, Any]:
    if mail is None:
        return {}
    return {"email_from": mail.sender, "email_date": mail.sent_utc, "email_subject": mail.subject,
            "text": mail.text or None}

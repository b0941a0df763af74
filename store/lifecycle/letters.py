"""Letters produced from a case: filled in from the council's templates (``letters.engine``), kept in the case
file as a document (origin "letter") with an event ("Stage 1 response letter produced"), and saved out
owner-only as a Word letter, a draft email (the letter as its body, the .docx attached) or text.

One set of rules for the TUI and the CLI: what the case lacks for the letter (a postal address, an email
address) is said before anything is produced; recording the step the letter belongs to (acknowledged,
responded) is asked for, never done silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from domain.letters import FORMATS, LETTERS, Letter, LetterCase, LetterError, fits, letter_fields, letter_named
from domain.letters import missing_for as missing
from store.lifecycle.base import ServiceBase
from store.lifecycle.documents import documents_folder, save_file
from store.views.letters import letter_case

if TYPE_CHECKING:
    from store.lifecycle.service import CaseService

MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "eml": "message/rfc822", "text": "text/plain"}
SUFFIX = {"docx": ".docx", "eml": ".eml", "text": ".txt"}


@dataclass(frozen=True)
class Produced:
    letter: Letter
    path: Path | None  # where it was saved out (None: kept in the case file only)
    document_id: int
    name: str
    text: str
    recorded: str | None = None  # the step recorded with it ("acknowledged on ...")


def _letter(name: str) -> Letter:
    letter = letter_named(name)
    if letter is None:
        raise LetterError(f"there is no letter {name!r}: one of " + ", ".join(x.name for x in LETTERS))
    return letter


def draft_email(case: LetterCase, subject: str, text: str, attachment: tuple[str, bytes] | None,
                sender: str) -> bytes:
    """A draft email for the officer's mail client: To the complainant, the letter as its body."""
    message = EmailMessage()
    message["To"] = case.email or ""
    if sender:
        message["From"] = sender
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["X-Unsent"] = "1"  # Outlook opens it as a draft to send
    message.set_content(text)
    if attachment is not None:
        message.add_attachment(attachment[1], maintype="application", subtype=MEDIA["docx"].split("/")[1],
                               filename=attachment[0])
    return bytes(message)


class LettersMixin(ServiceBase):
    def templates_folder(self) -> Path:
        """The council's templates folder: ``letters`` beside the settings file."""
        from letters.engine import council_folder

        return council_folder(self.config.path)

    def letter_case(self, reference: str) -> LetterCase:
        return letter_case(self.db, reference, self.today(), self.calendar, self.rules)[0]

    def letters_that_fit(self, reference: str) -> list[str]:
        return fits(self.letter_case(reference))

    def letter_fields(self, reference: str, name: str) -> dict[str, Any]:
        case = self.letter_case(reference)
        return letter_fields(case, self.config.council, self.rules, self.calendar, self.today(), _letter(name))

    def letter_preview(self, reference: str, name: str) -> str:
        """The letter as text, filled in from the case as it is now; nothing is kept or written."""
        from letters.engine import render

        return render(_letter(name).name, self.letter_fields(reference, name), self.templates_folder()).text

    def produce_letter(self, reference: str, name: str, fmt: str = "docx", *, output: Path | None = None,
                       record: bool = False, outcome: str | None = None, force: bool = False,
                       expected_version: int | None = None) -> Produced:
        """Fill the letter ``name`` in, keep it with the case, and save it to ``output`` (owner-only).

        ``record``: record the step the letter belongs to first, today (an acknowledgement: acknowledged; a
        response letter: responded, with ``outcome``), so that the letter says what the case then says.
        """
        from letters.engine import render

        letter = _letter(name)
        if fmt not in FORMATS:
            raise LetterError(f"a letter's format is one of {', '.join(FORMATS)}")
        case = self.letter_case(reference)
        fitting = fits(case)
        if letter.name not in fitting:  # its dates and facts would be blank: "Please tell us by ."
            raise LetterError(f"the {letter.title.lower()} does not fit {case.reference} as it is now: nothing was "
                              f"produced (letters that fit: {', '.join(fitting) or 'none'})")
        problem = missing(case, fmt)
        if problem:
            raise LetterError(problem)
        if output is not None and Path(output).expanduser().exists() and not force:
            raise LetterError(f"{output} already exists: nothing was produced (choose another name, or --force)")
        recorded = None
        service = cast("CaseService", self)
        if record and letter.records == "acknowledge":
            service.acknowledge(reference, self.today(), expected_version=expected_version)
            recorded, expected_version = f"acknowledged on {self.today():%d/%m/%Y}", None
        elif record and letter.records == "respond":
            service.respond(reference, outcome, self.today(), expected_version=expected_version)
            recorded, expected_version = f"responded on {self.today():%d/%m/%Y}", None
        elif record:
            raise LetterError(f"a {letter.title.lower()} records no step of its own")
        if recorded is not None:
            case = self.letter_case(reference)
        fields = letter_fields(case, self.config.council, self.rules, self.calendar, self.today(), letter)
        rendered = render(letter.name, fields, self.templates_folder())
        base = f"{case.reference}-{letter.name}-{self.today():%Y-%m-%d}"  # as default_letter_path
        docx_name = base + ".docx"
        if fmt == "docx":
            content = rendered.docx
        elif fmt == "eml":
            content = draft_email(case, f"Your complaint, reference {case.reference}", rendered.text,
                                  (docx_name, rendered.docx), self.config.council.email)
        else:
            content = rendered.text.encode("utf-8")
        document_name = base + SUFFIX[fmt]
        ident = self._keep_letter(case.reference, letter, document_name, content, fmt, expected_version)
        path = None
        if output is not None:
            try:
                path = save_file(Path(output), content, force=force)
            except LetterError:
                raise
            except Exception as exc:
                raise LetterError(f"{exc} (the letter is kept in the case file as document {ident})") from None
        return Produced(letter, path, ident, document_name, rendered.text, recorded)

    def _keep_letter(self, reference: str, letter: Letter, name: str, content: bytes, fmt: str,
                     expected_version: int | None) -> int:
        """The letter kept in the case file (origin "letter"), with its event, in one transaction."""
        service = cast("CaseService", self)
        with self._writing() as session:
            ident = service.attach_in(session, reference, name, content, media_type=MEDIA[fmt], origin="letter",
                                      expected_version=expected_version)
            case = self._case(session, reference)
            self._event(session, case, f"{letter.title} produced", f"document {ident}", None, name,
                        f"produced by {self.user}")
            return ident

    def default_letter_path(self, reference: str, name: str, fmt: str) -> Path:
        """Where a letter is saved when no path is given: the user's own documents folder (owner-only)."""
        base = documents_folder(create=True) / f"{reference.strip()}-{name.strip()}-{self.today():%Y-%m-%d}"
        path, n = base.with_name(base.name + SUFFIX.get(fmt, "")), 1
        while path.exists():  # a second letter of the day beside the first, never over it
            n += 1
            path = base.with_name(f"{base.name}-{n}{SUFFIX.get(fmt, '')}")
        return path

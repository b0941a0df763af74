"""Actions of the case file: documents kept with a case, and a new case from an email.

``A`` attaches a file (read, hashed and stored in the app's worker: the screen never waits); ``N`` reads an
email and opens the New representation form filled in from it, the email attached when it is saved; ``v`` on
the case screen's Documents tab saves the chosen document out (``SAVE``, opened by the case screen).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain import limits
from domain.documents import megabytes
from domain.timescales import RuleError
from tui.action_kit import Action, Field

if TYPE_CHECKING:  # the service (and SQLAlchemy) loads in the worker that runs an action
    from tui.data import CaseService

PATH = limits.TEXT  # a path typed into a form, in characters


def _attach(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
    name, content = svc.read_document_file(Path(v["path"]))
    ident = svc.attach(ref or "", name, content, expected_version=version)
    return f"{ref}: attached {name} as document {ident} ({megabytes(len(content))})"


def _from_email(svc: CaseService, v: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any], str]:
    """The New representation form's texts from the email at ``path``, the email itself to attach, and what the
    officer should check (a date that could not be read, a sender it lacks: ``Mail.warnings``)."""
    from domain.mail import read_mail

    name, content = svc.read_document_file(Path(v["path"]))
    mail = read_mail(name, content)
    if mail is None:
        raise RuleError(f"{name} is not an email that can be read (.eml or Outlook .msg): open a case and "
                        "attach it (A) instead")
    values = mail.case_values(svc.today())
    initial = {field: value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else str(value)
               for field, value in values.items() if value}
    return initial, {"email": (name, content)}, "\n".join(mail.warnings(svc.today()))


def attach_email(svc: CaseService, reference: str, email: tuple[str, bytes] | None) -> None:
    """The email a new case was logged from, attached to it (the New representation form's save)."""
    if email is not None:
        svc.attach(reference, *email)


def _no_run(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
    raise RuleError("this form fills in another")  # never called: the app runs ``reads``


def open_with_system(path: Path) -> bool:
    """Open ``path`` with the desktop's opener, if there is one, without waiting for it."""
    opener = shutil.which("open" if sys.platform == "darwin" else "xdg-open")
    if opener is None:
        return False
    subprocess.Popen([opener, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,  # noqa: S603
                     stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
    return True


def _save(svc: CaseService, ref: str | None, v: dict[str, Any], _: int | None) -> str:
    ident = v.get("document_id")
    if ident is None:
        raise RuleError("choose a document on the case's Documents tab, then press v")
    path, row = svc.save_document(ident, Path(v["path"]), reference=ref)
    opened = v.get("open") == "yes" and open_with_system(path)
    how = " and opened it" if opened else (" (no program to open it with was found)" if v.get("open") == "yes"
                                           else "")
    return f"{ref}: saved {row.name} to {path}{how}"


ACTIONS: tuple[Action, ...] = (
    Action("attach", "Attach a document", (
        Field("path", "File", required=True, limit=PATH, placeholder="~/Documents/stage2-report.pdf"),),
        _attach, key="A", tooltip="Keep a file with the case: a letter, an email, a report (at most 25 MB)"),
    Action("email", "New case from an email", (
        Field("path", "Email (.eml or .msg)", required=True, limit=PATH, placeholder="~/Downloads/complaint.eml"),),
        _no_run, key="N", needs_case=False, reads=_from_email, opens="log",
        tooltip="Log a new case filled in from an email; the email is kept with it"),
)
#: Saving a document out: opened by the case screen's ``v`` with the chosen document (not a key of its own).
SAVE = Action("save_document", "Save a document", (
    Field("path", "Save to", required=True, limit=PATH),
    Field("open", "Open it after saving", "choice", choices=("yes", "no"), placeholder="yes | no")),
    _save, tooltip="Write the document to a file only you can read, and open it if you like")

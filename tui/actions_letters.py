"""Letters from the case screen: ``L`` offers the letters that fit the case's state, shows the first of them
filled in (``Action.preview``, read from the store when the form opens), and produces the one chosen: kept in
the case file with its event, saved owner-only as a Word letter, a draft email or text. Recording the step the
letter belongs to (acknowledged today, responded today) is a choice on the form, never done silently."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain import limits
from domain.letters import FORMATS, LETTERS
from domain.vocab import Outcome
from tui.action_kit import Action, Field, values

if TYPE_CHECKING:  # the service (and SQLAlchemy) loads in the worker that runs an action
    from tui.data import CaseService, Data

#: The letters as the form's choices (a choice is typed with "_" for "-").
CHOICES = tuple(letter.name.replace("-", "_") for letter in LETTERS)
PREVIEW_LINES = 24


def _preview(svc: CaseService, ref: str | None) -> str:
    fitting = svc.letters_that_fit(ref or "")
    if not fitting:
        return "No letter fits the case as it is now: one can be produced once the case reaches its step."
    first = fitting[0]
    lines = svc.letter_preview(ref or "", first).splitlines()
    more = f"\n… {len(lines) - PREVIEW_LINES} more lines" if len(lines) > PREVIEW_LINES else ""
    return (f"Letters that fit: {', '.join(name.replace('-', '_') for name in fitting)}\n"
            f"The {first.replace('-', ' ')} letter, as it would be today:\n\n"
            + "\n".join(lines[:PREVIEW_LINES]) + more)


def _none_fits(data: Data, ref: str | None) -> str | None:
    """Why L has nothing to offer: no letter fits the case's state."""
    if data.fitting(ACTIONS[0], ref):
        return None
    return f"No letter fits {ref} as it is now: one can be produced once the case reaches its step"


def _fitting(svc: CaseService, ref: str | None) -> tuple[str, ...]:
    """The letters the case's state allows, as the form's choices: the only ones it offers or accepts."""
    return tuple(name.replace("-", "_") for name in svc.letters_that_fit(ref or ""))


def _produce(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
    reference = ref or ""
    name = str(v["letter"]).replace("_", "-")
    fmt = v.get("format") or "docx"
    path = Path(v["path"]).expanduser() if v.get("path") else None
    if path is None and fmt != "text":
        path = svc.default_letter_path(reference, name, fmt)
    made = svc.produce_letter(reference, name, fmt, output=path, record=v.get("record") == "yes",
                              outcome=v.get("outcome"), expected_version=version)
    recorded = f"; {made.recorded}" if made.recorded else ""
    where = f", saved to {made.path}" if made.path else ", kept in the case file"
    return f"{reference}: {made.letter.title} produced{where}{recorded}"


ACTIONS: tuple[Action, ...] = (
    Action("letter", "Produce a letter", (
        Field("letter", "Letter", "choice", required=True, choices=CHOICES),
        Field("format", "As", "choice", choices=FORMATS, placeholder="docx (Word) | eml (draft email) | text"),
        Field("path", "Save to (blank: your documents folder)", limit=limits.TEXT),
        Field("record", "Also record the step today (acknowledged / responded)", "choice", choices=("yes", "no"),
              placeholder="no | yes"),
        Field("outcome", "Outcome, if recording a response", "choice", choices=values(Outcome))),
        _produce, key="L", preview=_preview, fitting=("letter", _fitting), empty=_none_fits,
        tooltip="A letter or email from the council's templates, filled in from the case, kept in its file"),
)

"""Actions of the case file: learning actions done, and the persistent-complaints procedure reviewed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain import limits
from domain.vocab import PersistentOutcome
from tui.action_kit import ON, Action, Field, on, values

if TYPE_CHECKING:  # the service (and SQLAlchemy) loads in the worker that runs an action
    from tui.data import CaseService, Data

#: A learning action's number as its case's Learning tab shows it (the row's id: any size of database).
ACTION_NUMBER = 10**15


def _done(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
    svc.complete_action(v["number"], v["note"], on(v), reference=ref or "", expected_version=version)
    return f"{ref}: learning action {v['number']} done"


def _review(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
    after = svc.review_persistent(ref or "", v["outcome"], next_review=v["next_review"], note=v["note"], on=on(v),
                                  contact=v["contact"], arrangements=v["arrangements"], expected_version=version)
    if after is None:
        return f"{ref}: the persistent-complaints procedure ended"
    said = "varied" if v["outcome"] == PersistentOutcome.VARY.value else "continues"
    return f"{ref}: the persistent-complaints procedure {said}; next review {after:%d/%m/%Y}"


def _none_open(data: Data, ref: str | None) -> str | None:
    """Why D has nothing to offer: the case has no learning action still to do."""
    if data.choices("learning_action", ref):
        return None
    return f"{ref} has no open learning actions to mark done (l adds one)"


ACTIONS: tuple[Action, ...] = (
    Action("action_done", "Learning action done", (
        Field("number", "Learning action", "int", True, most=ACTION_NUMBER, pick="learning_action",
              placeholder="type to choose, ↓ for the case's open actions"),
        Field("note", "What was done", required=True, placeholder="You said, we did", limit=limits.TEXT), ON),
        _done, key="D", empty=_none_open, tooltip="Mark a learning action done, with what was done"),
    Action("persistent_review", "Review the persistent procedure", (
        Field("outcome", "Outcome", "choice", True, values(PersistentOutcome)),
        Field("next_review", "Next review (blank: six months)", "date"),
        Field("note", "Note", limit=limits.TEXT),
        Field("contact", "New single point of contact (vary)"),
        Field("arrangements", "New arrangements (vary)", limit=limits.TEXT), ON),
        _review, key="F", tooltip="Continue, vary or end the persistent-complaints procedure"),
)

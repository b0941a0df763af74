"""Actions of the Ombudsman's Complaint Handling Code: a contact not accepted as a complaint, with its exclusion."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain import limits
from domain.vocab import Exclusion, label
from tui.action_kit import ON, Action, Field, on, values

if TYPE_CHECKING:  # the service (and SQLAlchemy) loads in the worker that runs an action
    from tui.data import CaseService


def _not_accepted(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
    svc.not_accepted(ref or "", v["exclusion"], v["note"], on(v), expected_version=version)
    return f"{ref}: not accepted as a complaint ({label(v['exclusion']).lower()}); closed"


ACTIONS: tuple[Action, ...] = (
    Action("not_accepted", "Not accepted as a complaint", (
        Field("exclusion", "Exclusion", "choice", True, values(Exclusion)), ON,
        Field("note", "Why, in words (needed for 'other')", "multiline", limit=limits.TEXT)),
        _not_accepted, key="R",
        tooltip="Record that a contact was not accepted as a complaint, and the exclusion that applied"),
)

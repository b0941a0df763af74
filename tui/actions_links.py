"""Actions of the case file: linking related cases, merging duplicates, and undoing a change.

A merge removes a case (or a person), so its form asks for a reason and for ``yes``; undoing a change shows
what will be undone (``Action.preview``, read from the store when the form opens) before it is saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain import limits
from tui.action_kit import Action, Field

if TYPE_CHECKING:  # the service (and SQLAlchemy) loads in the worker that runs an action
    from tui.data import CaseService, Data

CONFIRM = Field("confirm", "Type yes to confirm", "choice", True, ("yes",), placeholder="yes")
REASON = Field("reason", "Reason", required=True, limit=limits.TEXT)


def _link(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
    svc.link(ref or "", v["other"], v["reason"], expected_version=version)
    return f"{ref}: linked to {v['other']}"


def _unlink(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
    svc.unlink(ref or "", v["other"], expected_version=version)
    return f"{ref}: no longer linked to {v['other']}"


def _merge(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
    merged = svc.merge_cases(ref or "", v["into"], v["reason"], expected_version=version)
    return f"{ref} merged into {v['into']} and removed (merge {merged}: 'Undo a merge' puts it back)"


def _merge_person(svc: CaseService, ref: str | None, v: dict[str, Any], _: int | None) -> str:
    merged = svc.merge_people(svc.person_of(ref or ""), svc.person_of(v["into"]), v["reason"])
    return f"{ref}: its complainant merged into {v['into']}'s (merge {merged}: 'Undo a merge' puts them back)"


def _unmerge(svc: CaseService, _: str | None, v: dict[str, Any], __: int | None) -> str:
    return f"merge {v['merge']} undone: {svc.undo_merge(v['merge'], v['reason'])}"


def _undo(svc: CaseService, ref: str | None, _: dict[str, Any], version: int | None) -> str:
    return f"undone: {svc.undo_last(ref or '', expected_version=version)}"


def _undo_preview(svc: CaseService, ref: str | None) -> str:
    return f"This will undo {svc.undo_preview(ref or '')}. Save (ctrl+s) to undo it."


OTHER = Field("other", "Other case", required=True, limit=limits.REFERENCE, pick="case",
              placeholder="type a reference or a name, ↓ for the complainant's and recent cases")
LINKED = Field("other", "Linked case", required=True, limit=limits.REFERENCE, pick="linked_case",
               placeholder="type to choose, ↓ for the cases linked to this one")


def _none_linked(data: Data, ref: str | None) -> str | None:
    """Why "Unlink a case" has nothing to offer: no case is linked to this one."""
    return None if data.choices("linked_case", ref) else f"{ref} is linked to no case (j links one)"


INTO = Field("into", "Into the case (kept)", required=True, limit=limits.REFERENCE, pick="case",
             placeholder="type a reference or a name, ↓ for the complainant's and recent cases")

ACTIONS: tuple[Action, ...] = (
    Action("link", "Link a case", (OTHER, Field("reason", "Why (optional)", limit=limits.TEXT)), _link, key="j",
           tooltip="Link a related case: shown on both"),
    Action("unlink", "Unlink a case", (LINKED,), _unlink, empty=_none_linked,
           tooltip="Remove the link between two cases"),
    Action("merge", "Merge into another case", (INTO, REASON, CONFIRM), _merge, key="M", removes=True,
           tooltip="Managers: this case is a duplicate; move everything into the other and remove it (reversible)"),
    Action("merge_person", "Merge duplicate complainant", (
        Field("into", "Into the complainant of case", required=True, limit=limits.REFERENCE, pick="case",
              placeholder="type a reference or a name, ↓ for the complainant's and recent cases"),
        REASON, CONFIRM), _merge_person,
        tooltip="Managers: this case's complainant is recorded twice; their cases go to the other (reversible)"),
    Action("undo", "Undo my last change", (), _undo, key="z", preview=_undo_preview,
           tooltip="Undo your own last change to this case, unless a colleague has changed it since"),
    Action("unmerge", "Undo a merge", (Field("merge", "Merge number", "int", True),
                                        Field("reason", "Why (optional)", limit=limits.TEXT)), _unmerge,
           needs_case=False, tooltip="Managers: put a merged duplicate case or person back"),
)

"""Actions of the case file: changing what was recorded at intake, and reassigning cases.

"Edit the case" (E) opens with every field as the case has it now; only the fields changed are saved, each an
event of its own (the store compares: ``CaseService.edit_fields``). "Reassign" (g) gives the case, or on the
caseload every marked case (space marks), to another officer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain import limits
from domain.vocab import Advocate, ChildStatus, ComplainantGroup, Kind, PreferredContact
from tui.action_kit import Action, Field, values

if TYPE_CHECKING:
    from tui.data import CaseDetail, CaseService, Data

#: How the one-line form shows the lines of an address. The council's lists are chosen from (an edit adds no new
#: name: a new team or theme is added in Settings, or by "+ Add" when logging a case).
LINES = " / "

EDIT_FIELDS = (
    Field("complainant", "Complainant"), Field("complainant_id", "Complainant id", limit=limits.EXTERNAL_ID),
    Field("email", "Email"), Field("phone", "Phone", limit=limits.EXTERNAL_ID),
    Field("address", "Address", placeholder="1 High Street / Town / AB1 2CD", limit=limits.TEXT),
    Field("preferred_contact", "Preferred contact", "choice", choices=values(PreferredContact)),
    Field("salutation", "Salutation", placeholder="Dear Ms Khan", limit=limits.LIST_NAME),
    Field("group", "Complainant group", "choice", choices=values(ComplainantGroup)),
    Field("child_name", "Child"), Field("child_status", "Child status", "choice", choices=values(ChildStatus)),
    Field("advocate", "Advocate", "choice", choices=values(Advocate)),
    Field("service_area", "Service area", limit=limits.LIST_NAME, pick="service_area"),
    Field("team", "Team", limit=limits.LIST_NAME, pick="team"),
    Field("themes", "Themes", "list", limit=limits.LIST_NAME, most=limits.THEMES, pick="theme"),
    Field("summary", "Summary", "multiline", limit=limits.TEXT),  # the CLI and imports may give it several lines
    Field("officer", "Officer", limit=limits.LIST_NAME, pick="officer"),
    Field("kind", "Kind", "choice", True, values(Kind)),
)


def current(detail: CaseDetail) -> dict[str, str]:
    """The edit form's fields as the case has them now."""
    person = detail.person
    facts: dict[str, str | None] = {
        "complainant": person.name if person else None, "complainant_id": person.external_id if person else None,
        "email": person.email if person else None, "phone": person.phone if person else None,
        "address": (person.address or "").replace("\n", LINES) if person else None,
        "preferred_contact": person.preferred_contact if person else None,
        "salutation": person.salutation if person else None, "group": detail.group,
        "child_name": detail.child_name, "child_status": detail.child_status, "advocate": detail.advocate,
        "service_area": detail.service_area, "team": detail.team, "themes": "; ".join(detail.themes),
        "summary": detail.summary, "officer": detail.officer, "kind": detail.kind}
    return {name: value for name, value in facts.items() if value}


def _edit(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
    changes = {f.name: v[f.name] for f in EDIT_FIELDS}
    if changes["address"]:
        changes["address"] = "\n".join(line.strip() for line in changes["address"].split(LINES))
    changed = svc.edit_fields(ref or "", changes, reason=v["reason"], expected_version=version)
    if not changed:
        return f"{ref}: nothing changed"
    return f"{ref}: {', '.join(name.replace('_', ' ') for name in changed)} changed (each in the case's history)"


def _reassign(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
    references = (ref or "").split()
    versions = [version] if len(references) == 1 else None
    moved = svc.reassign(references, v["officer"], expected_versions=versions)
    if len(references) == 1:
        return f"{ref}: reassigned to {v['officer']}" if moved else f"{ref}: already {v['officer']}'s"
    return f"{moved} of {len(references)} marked cases reassigned to {v['officer']}"


def _no_officers(data: Data, _: str | None) -> str | None:
    """Why g has nothing to offer: no officer is on the council's list (the form takes only them)."""
    if data.picker_lists()["officer"][1]:
        return None
    return "No officers are on the list yet: add one first (ctrl+p, Add an officer)"


ACTIONS: tuple[Action, ...] = (
    Action("edit", "Edit the case", (*EDIT_FIELDS, Field("reason", "Reason for the change", limit=limits.TEXT)),
           _edit, key="E", prefill=current,
           tooltip="Put right what was recorded: the complainant's details, child, team, themes, officer, kind"),
    Action("reassign", "Reassign", (Field("officer", "To officer", required=True, limit=limits.LIST_NAME,
                                          pick="officer"),),
           _reassign, key="g", many=True, empty=_no_officers,
           tooltip="Give the case (or every marked case: space marks) to another officer"),
)

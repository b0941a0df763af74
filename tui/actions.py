"""Every lifecycle transition the store offers, as a form: its fields, their checks, and the call it makes.

One table drives the forms, the key bindings, the command palette and the help, so they always
agree. No widgets here: a field reads and checks text; an action turns checked values into one
``CaseService`` call (which does the domain's own checks and refuses with a ``RuleError``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from domain import limits
from domain.clock import late_extension_warning
from domain.timescales import RuleError
from domain.vocab import (
    FINDING_NAMES,
    Advocate,
    Channel,
    ChildStatus,
    ComplainantGroup,
    IndependentRole,
    Kind,
    LgoDecision,
    LgoEnquiryType,
    Outcome,
    Remedy,
)
from tui import (
    actions_code,
    actions_documents,
    actions_edits,
    actions_followup,
    actions_letters,
    actions_links,
    actions_notes,
)
from tui.action_kit import ON, Action, Field, add_chosen, done, none, on, simple, then, values

if TYPE_CHECKING:  # the service (and SQLAlchemy) loads in the worker that runs an action
    from tui.data import CaseService, Data

LISTS = ("theme", "team", "service_area", "officer", "independent_person")  # the council's lists


def _log(svc: CaseService, _: str | None, v: dict[str, Any], __: int | None) -> str:
    add_chosen(svc, v)
    ref = svc.log(v["kind"], v["received"], channel=v["channel"], complainant=v["complainant"],
                  complainant_id=v["complainant_id"], group=v["group"], child_status=v["child_status"],
                  child_name=v["child_name"], advocate=v["advocate"], service_area=v["service_area"],
                  team=v["team"], officer=v["officer"], themes=v["themes"], summary=v["summary"],
                  complainant_email=v.get("complainant_email"), new_names=False)
    actions_documents.attach_email(svc, ref, v.get("email"))  # logged from an email (N): the email goes with it
    return ref


def _compliment(svc: CaseService, _: str | None, v: dict[str, Any], __: int | None) -> str:
    add_chosen(svc, v)
    return svc.log("compliment", v["received"], complainant=v["complainant"], team=v["team"], summary=v["summary"],
                   new_names=False)


def _late_extension(v: dict[str, Any], due: date | None) -> str | None:
    on = v.get("on")
    return late_extension_warning(on, due) if on is not None and due is not None else None


def _extend(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
    due = svc.extend(ref or "", on(v), v["days"], reason=v.get("reason"), expected_version=version)
    if due < (on(v) or svc.today()):  # agreed after the timescale ran out: the deadline did not move
        return f"{ref}: extension recorded, but {late_extension_warning(on(v) or svc.today(), due)}"
    return f"{ref}: extended; now due {due:%d/%m/%Y}"


def _respond(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
    outcome = svc.respond(ref or "", v["outcome"], on(v), findings=v["findings"] or None,
                          override_reason=v["override_reason"], expected_version=version)
    return f"{ref}: responded, {outcome.value.replace('_', ' ')}"


def _cost(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
    amount: Decimal = svc.record_cost(ref or "", v["amount"], person=v["person"], number=v["number"], on=on(v),
                                      expected_version=version)
    return f"{ref}: cost £{amount:,.2f} recorded"


def _action_add(svc: CaseService, ref: str | None, v: dict[str, Any], _: int | None) -> str:
    svc.add_action(ref or "", v["description"], owner=v["owner"], due=v["due"])
    return f"{ref}: learning action added"


def _flag(svc: CaseService, ref: str | None, v: dict[str, Any], _: int | None) -> str:
    review = svc.flag_persistent(ref or "", contact=v["contact"], arrangements=v["arrangements"],
                                 start=v["start"], review=v["review"])
    return f"{ref}: complainant under the persistent-complaints procedure; review {review:%d/%m/%Y}"


def _nobody_in_pool(data: Data, _: str | None) -> str | None:
    """Why i has nothing to offer: no one is in the pool of independent people (the form takes only them)."""
    if data.picker_lists()["independent_person"][1]:
        return None
    return "No one is in the pool of independent people yet: add them first (ctrl+p, Add an independent person)"


LIFECYCLE: tuple[Action, ...] = (
    Action("log", "New representation", (
        Field("kind", "Kind", "choice", True, values(Kind)),
        Field("received", "Received", "date", default_today=True),
        Field("channel", "Channel", "choice", choices=values(Channel)),
        Field("complainant", "Complainant"), Field("complainant_id", "Complainant id", limit=limits.EXTERNAL_ID),
        Field("complainant_email", "Complainant email"),
        Field("group", "Complainant group", "choice", choices=values(ComplainantGroup)),
        Field("child_name", "Child"), Field("child_status", "Child status", "choice", choices=values(ChildStatus)),
        Field("advocate", "Advocate", "choice", choices=values(Advocate)),
        Field("service_area", "Service area", limit=limits.LIST_NAME, pick="service_area", new=True),
        Field("team", "Team", limit=limits.LIST_NAME, pick="team", new=True),
        Field("officer", "Officer", limit=limits.LIST_NAME, pick="officer", new=True),
        Field("themes", "Themes", "list", limit=limits.LIST_NAME, most=limits.THEMES, pick="theme", new=True),
        Field("summary", "Summary", limit=limits.TEXT)),
        _log, key="n", needs_case=False, creates=True, tooltip="Log a complaint, concern, enquiry or compliment",
        lookup=(("complainant", "complainant_id"),
                lambda data, v: data.persistent_warning(v.get("complainant"), v.get("complainant_id")))),
    Action("compliment", "Compliment", (
        Field("received", "Received", "date", default_today=True),
        Field("team", "Team praised", required=True, limit=limits.LIST_NAME, pick="team", new=True),
        Field("complainant", "From"), Field("summary", "What they said", limit=limits.TEXT)), _compliment,
        key="k", needs_case=False, creates=True, tooltip="Quick entry: a compliment for a team"),
    Action("acknowledge", "Acknowledge", (ON, Field("handler", "Stage 2 handler (Code escalations)",
                                                     limit=limits.LIST_NAME, pick="officer")),
           simple("acknowledge", "acknowledged", "handler"), key="a",
           tooltip="Record that receipt (or, under the Code, an escalation) was acknowledged"),
    Action("extend", "Extend", (ON, Field("days", "Working days (blank: the rule's)", "int"),
                                Field("reason", "Reason (the Code needs one)", limit=limits.TEXT)), _extend, key="x",
           tooltip="Record an extension agreed with the complainant", warn=_late_extension,
           preview=lambda svc, ref: svc.extension_preview(ref or "")),
    Action("pause", "Pause the clock", (Field("reason", "Reason", required=True, limit=limits.SHORT_TEXT), ON),
           simple("pause", "clock paused", "reason"), key="p", tooltip="Stop the clock, with a reason"),
    Action("resume", "Resume the clock", (ON,), simple("resume", "clock resumed"), key="u",
           tooltip="Start a paused clock again"),
    Action("respond", "Respond", (
        Field("outcome", "Outcome (blank: from findings)", "choice", choices=values(Outcome)), ON,
        Field("findings", "Findings per issue", "findings", choices=FINDING_NAMES, most=limits.ISSUES),
        Field("override_reason", "Reason for overriding the findings", limit=limits.TEXT)),
        _respond, key="o", tooltip="Record the response and its outcome"),
    Action("reopen", "Reopen Stage 1", (ON, Field("reason", "Reason", limit=limits.TEXT)),
           simple("reopen", "reopened", "reason"),
           tooltip="The complainant came back about the same matter"),
    Action("withdraw", "Withdraw", (ON, Field("reason", "Reason", limit=limits.TEXT)),
           simple("withdraw", "withdrawn", "reason"),
           tooltip="The complainant withdrew"),
    Action("close", "Close", (ON, Field("outcome", "Outcome", "choice", choices=values(Outcome))),
           simple("close", "closed", "outcome"), tooltip="Close an enquiry or concern"),
    Action("request2", "Request Stage 2", (ON,), lambda s, r, v, n: _stage(s, r, v, n, "request_stage", 2),
           key="e", tooltip="Escalate: the complainant asked for a Stage 2 investigation"),
    Action("request3", "Request Stage 3", (ON,), lambda s, r, v, n: _stage(s, r, v, n, "request_stage", 3),
           tooltip="The complainant asked for a review panel"),
    Action("accept", "Accept the request", (Field("number", "Stage", "int", True, most=3), ON),
           lambda s, r, v, n: _stage(s, r, v, n, "accept_stage", v["number"]),
           tooltip="Accept a Stage 2 or 3 request"),
    Action("decline", "Decline the request", (Field("number", "Stage", "int", True, most=3),
                                              Field("reason", "Reason", required=True, limit=limits.TEXT), ON),
           lambda s, r, v, n: _decline(s, r, v, n), tooltip="Decline a Stage 2 or 3 request, with a reason"),
    Action("statement", "Statement of complaint agreed", (
        Field("issues", "Issues", "issues", True, limit=limits.TEXT, most=limits.ISSUES), ON),
        lambda s, r, v, n: done(r, "statement agreed; due", s.agree_statement(r or "", v["issues"], on(v),
                                                                               expected_version=n)),
        tooltip="The Stage 2 terms of reference, issue by issue"),
    Action("assign", "Assign an independent person", (
        Field("person", "Name", required=True, pick="independent_person"),
        Field("role", "Role", "choice", True, values(IndependentRole)), ON),
        lambda s, r, v, n: then(r, "assigned", lambda: s.assign(r or "", v["person"], v["role"], on(v),
                                                                 expected_version=n)),
        key="i", empty=_nobody_in_pool, tooltip="Investigating Officer, Independent Person, panel chair or panellist"),
    Action("pool", "Add an independent person to the pool", (
        Field("name", "Name", required=True), Field("roles", "Roles", "list", True, values(IndependentRole)),
        Field("organisation", "Organisation")),
        lambda s, r, v, n: then(v["name"], "added to the pool of independent people",
                                 lambda: s.add_independent_person(v["name"], v["roles"], v["organisation"])),
        needs_case=False, tooltip="An Investigating Officer, Independent Person, panel chair or panellist"),
    Action("theme", "Add a theme", (Field("name", "Theme", required=True, limit=limits.LIST_NAME),),
           lambda s, r, v, n: then(v["name"], "added to the themes", lambda: s.add_to_list("theme", v["name"])),
           needs_case=False, tooltip="A theme complaints can be recorded under"),
    Action("team", "Add a team", (Field("name", "Team", required=True, limit=limits.LIST_NAME),
                                  Field("service_area", "Service area", limit=limits.LIST_NAME, pick="service_area",
                                        new=True)),
           lambda s, r, v, n: then(v["name"], "added to the teams", lambda: s.add_to_list(
               "team", v["name"], service_area=v["service_area"])),
           needs_case=False, tooltip="A team, in its service area (added too if new)"),
    Action("officer", "Add an officer, or link a login", (
        Field("name", "Name", required=True, limit=limits.LIST_NAME),
        Field("username", "Login", limit=limits.EXTERNAL_ID), Field("email", "Email")),
        lambda s, r, v, n: f"{v['name']}: " + ("login linked: My cases shows their work" if s.add_to_list(
            "officer", v["name"], username=v["username"], email=v["email"]) == "linked" else "added to the officers"),
        needs_case=False, tooltip="A complaints officer or responding manager; a login given to one already on the "
                                  "list links it: My cases then shows them their work"),
    Action("rename", "Rename a list entry", (
        Field("list", "List", "choice", True, LISTS), Field("name", "Now called", required=True, pick="@list"),
        Field("new_name", "New name", required=True)),
        lambda s, r, v, n: then(v["new_name"], f"renamed from {v['name']}, on every case",
                                 lambda: s.rename_in_list(v["list"], v["name"], _list_name(v))),
        needs_case=False, tooltip="Rename a theme, team, service area, officer or independent person everywhere"),
    Action("retire", "Retire or restore a list entry", (
        Field("list", "List", "choice", True, LISTS), Field("name", "Name", required=True, pick="@list"),
        Field("restore", "Restore it instead", "choice", choices=("yes", "no"), placeholder="no")),
        lambda s, r, v, n: then(v["name"], "restored" if v["restore"] == "yes" else
                                 "retired; it stays on its cases, and is not offered for new ones",
                                 lambda: s.retire_from_list(v["list"], v["name"], restore=v["restore"] == "yes")),
        needs_case=False, tooltip="Retire an entry no longer in use (its cases keep it), or restore one"),
    Action("cost", "Record a cost", (Field("amount", "Amount", "money", True),
                                     Field("person", "Person", pick="independent_person"),
                                     Field("number", "Stage", "int", most=3), ON), _cost,
           tooltip="What an independent person's work cost"),
    Action("panel", "Schedule the panel", (Field("panel_on", "Panel date", "date", True),),
           lambda s, r, v, n: none(r, "panel scheduled", s.schedule_panel(r or "", v["panel_on"],
                                                                           expected_version=n)),
           tooltip="The Stage 3 review panel's date"),
    Action("findings", "Panel findings received", (ON,),
           lambda s, r, v, n: done(r, "findings received; final response due",
                                    s.panel_findings(r or "", on(v), expected_version=n)),
           tooltip="The panel's findings arrived"),
    Action("lgo", "Ombudsman enquiry", (
        Field("on", "Received", "date", default_today=True),
        Field("enquiry_type", "Type", "choice", choices=values(LgoEnquiryType)),
        Field("respond_by", "Respond by", "date"),
        Field("lgo_reference", "Ombudsman's reference", limit=limits.REFERENCE)),
        lambda s, r, v, n: then(r, "Ombudsman enquiry logged", lambda: s.lgo_enquiry(
            r or "", on(v), enquiry_type=v["enquiry_type"], respond_by=v["respond_by"],
            lgo_reference=v["lgo_reference"], expected_version=n)),
        tooltip="The Ombudsman asked about this case"),
    Action("lgo_response", "Ombudsman: we responded", (ON,),
           simple("lgo_response", "response to the Ombudsman recorded"),
           tooltip="The council answered the Ombudsman"),
    Action("lgo_decision", "Ombudsman: decision", (
        Field("decision", "Decision", "choice", True, values(LgoDecision)), ON),
        simple("lgo_decision", "Ombudsman's decision recorded", "decision"),
        tooltip="The Ombudsman decided"),
    Action("lgo_remedy", "Ombudsman: remedy", (
        Field("remedies", "Remedies", "list", True, values(Remedy)), Field("payment", "Payment", "money"),
        Field("compliance_due", "Comply by", "date")),
        lambda s, r, v, n: then(r, "remedy recorded", lambda: s.lgo_remedy(
            r or "", v["remedies"], payment=v["payment"], compliance_due=v["compliance_due"], expected_version=n)),
        tooltip="What the Ombudsman asked the council to do"),
    Action("lgo_complied", "Ombudsman: complied", (ON,), simple("lgo_complied", "compliance recorded"),
           tooltip="The council did what the Ombudsman asked"),
    Action("action", "Add a learning action", (
        Field("description", "What will change", required=True, limit=limits.TEXT), Field("owner", "Owner"),
        Field("due", "Due", "date")), _action_add, key="l", tooltip="You said, we did"),
    Action("persistent", "Persistent-complaints procedure", (
        Field("contact", "Single point of contact", required=True),
        Field("arrangements", "Agreed contact arrangements", required=True, limit=limits.TEXT),
        Field("start", "Start", "date", default_today=True), Field("review", "Review (blank: six months)", "date")),
        _flag, key="f", tooltip="Flag the complainant under the persistent-complaints procedure"),
)
#: Every action: the lifecycle's, then the case file's, area by area.
ACTIONS: tuple[Action, ...] = (*LIFECYCLE, *actions_notes.ACTIONS, *actions_documents.ACTIONS, *actions_edits.ACTIONS,
                               *actions_links.ACTIONS, *actions_followup.ACTIONS, *actions_letters.ACTIONS,
                               *actions_code.ACTIONS)
ACTION_BY_ID = {a.id: a for a in ACTIONS}


def _stage(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None, method: str,
           number: int) -> str:
    result = getattr(svc, method)(ref or "", number, on(v), expected_version=version)
    notes = f" ({'; '.join(result)})" if isinstance(result, list) and result else ""
    return f"{ref}: Stage {number} {'requested' if method == 'request_stage' else 'accepted'}{notes}"


def _decline(svc: CaseService, ref: str | None, v: dict[str, Any], version: int | None) -> str:
    svc.decline_stage(ref or "", v["number"], v["reason"], on(v), expected_version=version)
    return f"{ref}: Stage {v['number']} request declined"


def _list_name(v: dict[str, Any]) -> str:
    """A new name for a list entry: a person's may be as long as a name, the other lists' less."""
    if v["list"] != "independent_person" and len(v["new_name"]) > limits.LIST_NAME:
        raise RuleError(f"a new name is at most {limits.LIST_NAME} characters; this one has {len(v['new_name']):,}")
    return str(v["new_name"])



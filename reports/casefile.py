"""A case's whole file as text and as JSON: facts, stages and deadlines, notes, documents, links, learning
actions and the audit trail. Stored text is shown harmlessly: no raw control character reaches a terminal."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from domain.clock import provisional_words, response_after
from domain.contact_log import contact_words
from domain.harmless import shown
from domain.vocab import KIND_LABELS, Kind, display_value, label

if TYPE_CHECKING:
    from store.views.casefile import CaseFile


def _day(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _kind(kind: str) -> str:
    return KIND_LABELS.get(Kind(kind), kind) if kind in Kind._value2member_map_ else label(kind)


def _size(size: int) -> str:
    return f"{size:,} bytes" if size < 1024 else f"{size / 1024:,.1f} KB" if size < 1024 * 1024 \
        else f"{size / 1024 / 1024:,.1f} MB"


def clock_words(file: CaseFile) -> str:
    """Where the case stands on the day it was read: the case screen's clock line, in words."""
    d = file.detail
    reading = d.clock
    if reading.deadline is None:
        return "closed" if d.closed else reading.state.label
    due = f"{d.due_for} due" if d.due_for else "due"
    return (f"{due} {reading.deadline.due:%d/%m/%Y}{provisional_words(reading.deadline)} · {reading.describe}"
            + response_after(reading.deadline, d.stage_clock.deadline))


def case_file_lines(file: CaseFile) -> list[str]:
    """The case file as text, section by section; every line shown harmlessly."""
    d = file.detail
    stage = d.stage or "no stage"
    where = stage if stage.lower().startswith(_kind(d.kind).lower()) else f"{_kind(d.kind)} · {stage}"
    out = [f"{d.reference} · {where} · {clock_words(file)}", "", "Facts"]
    person = d.person
    facts = [("Received", _day(d.received)), ("Channel", label(d.channel)), ("Acknowledged", _day(d.acknowledged)),
             ("Complainant", person.name + (f" ({person.external_id})" if person.external_id else "")
              if person else ""), ("Group", label(person.group) if person else ""),
             ("Service area", d.service_area or ""), ("Team", d.team or ""), ("Officer", d.officer or ""),
             ("Themes", "; ".join(d.themes)), ("Child", d.child_name or ""), ("Child status", label(d.child_status)),
             ("Advocate", label(d.advocate)), ("Closed", _day(d.closed))]
    out += [f"  {name:<13} {value}" for name, value in facts if value]
    if d.summary:
        out += _block("Summary", d.summary, 2)
    out += ["", f"Stages ({len(d.stages)})"]
    for s in d.stages:
        end = f"responded {_day(s.responded)}" if s.responded else f"declined {_day(s.declined)}" if s.declined \
            else f"due {_day(s.due)}" if s.due else ""
        extra = [f"extended {_day(s.extended_on)}" if s.extended_on else "", label(s.outcome)]
        out.append("  " + "  ".join(p for p in (s.name, f"requested {_day(s.requested)}", end, *extra) if p))
        out += [f"    issue: {issue}" + (f" ({label(finding)})" if finding else "") for issue, finding in s.findings]
        out += [f"    {role}: {name}" + (f" £{cost:,.2f}" if cost is not None else "") for role, name, cost in s.people]
    out += ["", f"Notes ({len(d.notes)})"]
    for n in d.notes:
        edited = f", edited {n.edited_at:%d/%m/%Y %H:%M}" if n.edited_at else ""
        contact = contact_words(n.kind, n.direction, n.with_whom)
        out.append(f"  note {n.id}  {n.at:%d/%m/%Y %H:%M}  {contact}  (by {n.added_by}{edited})")
        out += [f"    {line}" for line in n.text.split("\n")]
    out += ["", f"Documents ({len(file.documents)})"]
    for doc in file.documents:
        out.append(f"  document {doc.id}  {doc.name}  {_size(doc.size)}  {doc.media_type}  "
                   f"added {doc.added_at:%d/%m/%Y %H:%M} by {doc.added_by}")
        out.append(f"    SHA-256 {doc.sha256}")
        if doc.email_from or doc.email_subject:
            out.append(f"    email from {doc.email_from or '(unknown)'}"
                       + (f", {doc.email_date:%d/%m/%Y %H:%M}" if doc.email_date else "")
                       + (f": {doc.email_subject}" if doc.email_subject else ""))
    out += ["", f"Links ({len(file.links)})"]
    out += [f"  {link.reference}  {_kind(link.kind)}  received {_day(link.received)}  (linked by {link.linked_by} "
            f"on {link.linked_at:%d/%m/%Y})" for link in file.links]
    out += ["", f"Learning actions ({len(d.actions)})"]
    for ident, description, owner, due, done in d.actions:
        state = f"done {_day(done)}" if done else f"due {_day(due)}" if due else "open"
        out.append(f"  action {ident}  {state}" + (f"  owner {owner}" if owner else ""))
        out += [f"    {line}" for line in description.split("\n")]
        if ident in d.done_notes:  # what was done ("you said, we did")
            out += [f"    done: {line}" for line in d.done_notes[ident].split("\n")]
    out += ["", f"Audit trail ({len(d.events)})"]
    for at, who, action, what, old, new, reason in d.events:
        line = f"  {at:%d/%m/%Y %H:%M}  {who}  {action}" + (f" {what}" if what else "")
        if old is not None or new is not None:
            line += f": {display_value(old)} -> {display_value(new)}"
        out.append(line + (f"  (reason: {reason})" if reason else ""))
    return [shown(line) for line in out]


def _block(name: str, text: str, indent: int) -> list[str]:
    pad = " " * indent
    return [f"{pad}{name}"] + [f"{pad}  {line}" for line in text.split("\n")]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def case_file_record(file: CaseFile) -> dict[str, Any]:
    """The case file as plain values for JSON (``domain.harmless.json_text`` writes it safely)."""
    d = file.detail
    reading = d.clock
    person = d.person
    return {
        "reference": d.reference, "kind": d.kind, "version": d.version, "stage": d.stage,
        "clock": {"state": reading.state.name.lower(), "due": _plain(reading.deadline.due if reading.deadline
                                                                      else None),
                  "due_for": d.due_for, "working_days_left": reading.left, "says": clock_words(file)},
        "facts": {"received": _plain(d.received), "channel": d.channel, "acknowledged": _plain(d.acknowledged),
                  "complainant": person.name if person else None,
                  "complainant_id": person.external_id if person else None,
                  "group": person.group if person else None, "service_area": d.service_area, "team": d.team,
                  "officer": d.officer, "themes": d.themes, "child": d.child_name, "child_status": d.child_status,
                  "advocate": d.advocate, "summary": d.summary, "closed": _plain(d.closed)},
        "stages": [{"name": s.name, "requested": _plain(s.requested), "responded": _plain(s.responded),
                    "declined": _plain(s.declined), "extended_on": _plain(s.extended_on), "outcome": s.outcome,
                    "due": _plain(s.due), "issues": [{"issue": i, "finding": f} for i, f in s.findings],
                    "people": [{"role": r, "name": n, "cost": _plain(c)} for r, n, c in s.people]}
                   for s in d.stages],
        "notes": [{"id": n.id, "at": _plain(n.at), "kind": n.kind, "direction": n.direction,
                   "with_whom": n.with_whom, "text": n.text, "added_by": n.added_by, "added_at": _plain(n.added_at),
                   "edited_at": _plain(n.edited_at)} for n in d.notes],
        "documents": [{"id": doc.id, "name": doc.name, "size": doc.size, "media_type": doc.media_type,
                       "sha256": doc.sha256, "added_by": doc.added_by, "added_at": _plain(doc.added_at),
                       "email_from": doc.email_from, "email_date": _plain(doc.email_date),
                       "email_subject": doc.email_subject} for doc in file.documents],
        "links": [{"reference": link.reference, "kind": link.kind, "received": _plain(link.received),
                   "linked_by": link.linked_by, "linked_at": _plain(link.linked_at)} for link in file.links],
        "learning_actions": [{"id": i, "description": desc, "owner": owner, "due": _plain(due), "done": _plain(done),
                              "done_note": d.done_notes.get(i)} for i, desc, owner, due, done in d.actions],
        "audit_trail": [{"at": _plain(at), "who": who, "action": action, "detail": what, "old": old, "new": new,
                         "reason": reason} for at, who, action, what, old, new, reason in d.events],
    }

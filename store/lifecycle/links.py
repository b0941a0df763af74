"""Related and duplicate cases: linking two cases, merging a duplicate case or person into another, and undoing it.

A link is stored once (``CaseLink``, the lower case id first) and shown on both cases; the register's older
``case.linked_case_id`` counts as a link too. A merge moves everything of the duplicate into the other case
(notes, documents, learning actions, Ombudsman enquiries, themes, links) and then removes the duplicate, so
that the figures, the caseload and the register count the complaint once. What a merge removes is kept whole
in its ``MergeRecord``, which is what undoes it:

- the duplicate's **stages** (with their issues and independent people) are not merged: a duplicate logged
  twice has its own Stage 1, and two would count the complaint twice. They are kept in the record, and come
  back with the case if the merge is undone;
- the duplicate's **history** (events) is kept in the record too, not moved: on PostgreSQL no login may change
  an event (migration 0003), and deleting a case deletes its events and writes its "deleted" event (a trigger;
  the tool writes the same event on SQLite). The case it went into shows those events on its timeline, marked
  "from" the duplicate (``store.views.links``), and undoing the merge puts them back, same ids;
- the duplicate's **person** stays (merge the people too if the complainant was recorded twice).

A merge removes a case, so like deleting one it needs a manager and a reason; so does undoing it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.lifecycle import require_manager
from domain.timescales import RuleError
from store.db.models import (
    Assignment,
    Case,
    CaseLink,
    CaseTheme,
    ComplaintIssue,
    Document,
    Event,
    LearningAction,
    MergeRecord,
    Note,
    OmbudsmanEnquiry,
    PersistentReview,
    Person,
    Stage,
)
from store.lifecycle.base import NotFound, ServiceBase, row_id
from store.lifecycle.merge_rows import dumps, loads, restore, snapshot, table_of, typed

#: The rows of a duplicate case that move to the case it is merged into, by their name in ``MergeRecord.moved``.
MOVED: dict[str, Any] = {"note": Note, "document": Document, "learning_action": LearningAction,
                         "ombudsman_enquiry": OmbudsmanEnquiry}
#: The person's fields a merge fills in on the person kept, where theirs are blank.
PERSON_BLANKS = ("email", "phone", "address", "preferred_contact", "salutation", "complainant_group")
PERSISTENT = ("persistent", "persistent_start", "persistent_review", "persistent_contact", "persistent_arrangements",
              "persistent_ended")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _reason(reason: str | None, what: str) -> str:
    if not reason or not reason.strip():
        raise RuleError(f"{what} needs a reason")
    return reason.strip()


def merge_id_of(event_new: str | None) -> int | None:
    """The merge a "merged" event names in its ``new`` ("merge 12")."""
    if event_new and event_new.startswith("merge ") and event_new[6:].isdigit():
        return int(event_new[6:])
    return None


class LinkMixin(ServiceBase):
    # -- links ---------------------------------------------------------------------------------

    def link(self, reference: str, other: str, reason: str | None = None, *,
             expected_version: int | None = None) -> None:
        """Link two related cases (shown on both): one link, an event on each."""
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            second = self._case(session, other)
            self._link(session, case, second, "linked", reason)

    def unlink(self, reference: str, other: str, *, expected_version: int | None = None) -> None:
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            second = self._case(session, other)
            self._unlink(session, case, second, "unlinked")

    def _linked(self, session: Session, a: Case, b: Case) -> bool:
        low, high = sorted((row_id(a), row_id(b)))
        return (session.exec(select(CaseLink.id).where(CaseLink.case_id == low, CaseLink.other_id == high)).first()
                is not None or a.linked_case_id == b.id or b.linked_case_id == a.id)

    def _link(self, session: Session, case: Case, other: Case, action: str, reason: str | None,
              undoing: bool = False) -> None:
        """Link the two, with an event on each (``undoing``: on ``other`` only, the undo writes the case's)."""
        if case.id == other.id:
            raise RuleError(f"{case.reference} cannot be linked to itself")
        if self._linked(session, case, other):
            raise RuleError(f"{case.reference} and {other.reference} are already linked")
        low, high = sorted((row_id(case), row_id(other)))
        session.add(CaseLink(case_id=low, other_id=high, linked_by=self.user, linked_at=_now()))
        for a, b in ((case, other), (other, case))[undoing:]:
            self._event(session, a, "undone" if undoing else action, f"unlinked {b.reference}" if undoing
                        else b.reference, None, None, reason.strip() if reason else None)
            self._touch(a)

    def _unlink(self, session: Session, case: Case, other: Case, action: str, reason: str | None = None,
                undoing: bool = False) -> None:
        if not self._linked(session, case, other):
            raise RuleError(f"{case.reference} and {other.reference} are not linked")
        low, high = sorted((row_id(case), row_id(other)))
        session.execute(sa.delete(CaseLink).where(col(CaseLink.case_id) == low, col(CaseLink.other_id) == high))
        for a, b in ((case, other), (other, case)):
            if a.linked_case_id == b.id:  # the register's link
                a.linked_case_id = None
        for a, b in ((case, other), (other, case))[undoing:]:
            self._event(session, a, "undone" if undoing else action, f"linked {b.reference}" if undoing
                        else b.reference, None, None, reason)
            self._touch(a)

    # -- merging cases -----------------------------------------------------------------------------

    def merge_cases(self, duplicate: str, into: str, reason: str, *, expected_version: int | None = None) -> int:
        """Merge the case ``duplicate`` into ``into`` (see the module's docstring); returns the merge's id."""
        require_manager(self.role, "merging cases")
        why = _reason(reason, "merging cases")
        with self._writing() as session:
            dup = self._case(session, duplicate, expected_version)
            target = self._case(session, into)
            if dup.id == target.id:
                raise RuleError(f"{dup.reference} cannot be merged into itself")
            dup_id, into_id = row_id(dup), row_id(target)
            record = MergeRecord(kind="case", duplicate=dup.reference, into_case_id=into_id, moved="{}",
                                 merged_by=self.user, merged_at=_now())
            session.add(record)
            session.flush()
            stage_ids = [row_id(s) for s in self._stages(session, dup)]
            removed = {
                "case": snapshot(session, Case, table_of(Case).c.id == dup_id),
                "stage": snapshot(session, Stage, col(Stage.case_id) == dup_id),
                "complaint_issue": snapshot(session, ComplaintIssue, col(ComplaintIssue.stage_id).in_(stage_ids)),
                "assignment": snapshot(session, Assignment, col(Assignment.stage_id).in_(stage_ids)),
                "case_theme": snapshot(session, CaseTheme, col(CaseTheme.case_id) == dup_id),
                "case_link": snapshot(session, CaseLink, (col(CaseLink.case_id) == dup_id)
                                      | (col(CaseLink.other_id) == dup_id)),
                "event": snapshot(session, Event, col(Event.case_id) == dup_id),
            }
            moved: dict[str, list[int]] = {}
            for name, model in MOVED.items():
                ids = list(session.exec(select(model.id).where(model.case_id == dup_id)))
                moved[name] = ids
                if ids:
                    session.execute(sa.update(model).where(col(model.id).in_(ids)).values(case_id=into_id))
            has = set(session.exec(select(CaseTheme.theme_id).where(CaseTheme.case_id == into_id)))
            moved["themes_added"] = [r["theme_id"] for r in removed["case_theme"] if r["theme_id"] not in has]
            for theme_id in moved["themes_added"]:
                session.add(CaseTheme(case_id=into_id, theme_id=theme_id))
            moved["links_added"] = self._carry_links(session, removed["case_link"], dup_id, target)
            pointing = list(session.exec(select(Case.id).where(Case.linked_case_id == dup_id)))
            moved["pointed"] = [int(i) for i in pointing if i is not None]
            if pointing:
                session.execute(sa.update(Case).where(col(Case.linked_case_id) == dup_id).values(linked_case_id=sa.case(
                    (col(Case.id) == into_id, None), else_=into_id)))
            moved["merges"] = [int(i) for i in session.exec(select(MergeRecord.id).where(
                MergeRecord.into_case_id == dup_id)) if i is not None]
            if moved["merges"]:
                session.execute(sa.update(MergeRecord).where(col(MergeRecord.id).in_(moved["merges"]))
                                .values(into_case_id=into_id))
            said = f"merged into {target.reference} (merge {record.id}): {why}"
            by_the_server = self._server_keeps_the_trail(session, said)
            session.execute(sa.delete(ComplaintIssue).where(col(ComplaintIssue.stage_id).in_(stage_ids)))
            session.execute(sa.delete(Assignment).where(col(Assignment.stage_id).in_(stage_ids)))
            session.execute(sa.delete(Stage).where(col(Stage.case_id) == dup_id))
            session.execute(sa.delete(CaseTheme).where(col(CaseTheme.case_id) == dup_id))
            session.execute(sa.delete(CaseLink).where((col(CaseLink.case_id) == dup_id)
                                                      | (col(CaseLink.other_id) == dup_id)))
            if not by_the_server:
                session.execute(sa.delete(Event).where(col(Event.case_id) == dup_id))
            reference = dup.reference
            session.delete(dup)
            session.flush()
            if not by_the_server:
                self._event(session, None, "deleted", reference, None, None, said)
            record.moved = dumps({"moved": moved, "removed": removed})
            self._event(session, target, "merged", reference, None, f"merge {record.id}", why)
            self._touch(target)
            return row_id(record)

    def _carry_links(self, session: Session, links: list[dict[str, Any]], dup_id: int, target: Case) -> list[int]:
        """The duplicate's links, made links of the case it goes into (where it has none already)."""
        added = []
        for link in links:
            other_id = link["other_id"] if link["case_id"] == dup_id else link["case_id"]
            other = session.get(Case, other_id)
            if other is None or other.id == target.id or self._linked(session, target, other):
                continue
            low, high = sorted((row_id(target), other_id))
            row = CaseLink(case_id=low, other_id=high, linked_by=link["linked_by"],
                           linked_at=datetime.fromisoformat(link["linked_at"]))
            session.add(row)
            session.flush()
            added.append(row_id(row))
        return added

    # -- merging people ------------------------------------------------------------------------------

    def merge_people(self, duplicate_person: int, into_person: int, reason: str) -> int:
        """Every case of the duplicate person becomes the other's, the blanks of the one kept are filled from the
        duplicate (and its persistent-complaints procedure, if the one kept has none), and the duplicate is
        removed. Managers only, with a reason; returns the merge's id (``undo_merge`` undoes it)."""
        require_manager(self.role, "merging people")
        why = _reason(reason, "merging people")
        with self._writing() as session:
            dup, kept = session.get(Person, duplicate_person), session.get(Person, into_person)
            if dup is None or kept is None:
                raise NotFound(f"no person has the id {duplicate_person if dup is None else into_person}")
            if dup.id == kept.id:
                raise RuleError("a person cannot be merged into themself")
            record = MergeRecord(kind="person", duplicate=str(dup.id), into_person_id=kept.id, moved="{}",
                                 merged_by=self.user, merged_at=_now())
            session.add(record)
            session.flush()
            removed = {"person": snapshot(session, Person, table_of(Person).c.id == dup.id),
                       "kept": snapshot(session, Person, table_of(Person).c.id == kept.id)}
            cases = list(session.exec(select(Case).where(Case.person_id == dup.id).order_by(col(Case.id))))
            reviews = [int(i) for i in session.exec(select(PersistentReview.id).where(
                PersistentReview.person_id == dup.id)) if i is not None]
            for case in cases:
                case.person_id = kept.id
                self._event(session, case, "merged", "complainant", dup.name, kept.name, why)
                self._touch(case)
            if reviews:
                session.execute(sa.update(PersistentReview).where(col(PersistentReview.id).in_(reviews))
                                .values(person_id=kept.id))
            for name in PERSON_BLANKS + (PERSISTENT if dup.persistent and not kept.persistent else ()):
                if getattr(kept, name) in (None, False) and getattr(dup, name) not in (None, False):
                    setattr(kept, name, getattr(dup, name))
            external_id = dup.external_id
            session.flush()
            session.delete(dup)
            session.flush()
            if kept.external_id is None and external_id is not None:
                kept.external_id = external_id
            record.moved = dumps({"moved": {"case": [row_id(c) for c in cases], "persistent_review": reviews},
                                  "removed": removed})
            self._event(session, None, "merged", "complainant", None, f"merge {record.id}", why)
            return row_id(record)

    def person_of(self, reference: str) -> int:
        """The id of the complainant of the case ``reference``."""
        with self.db.read() as session:
            case = self._case(session, reference)
            if case.person_id is None:
                raise RuleError(f"{case.reference} has no complainant recorded")
            return case.person_id

    # -- undoing a merge -----------------------------------------------------------------------------

    def undo_merge(self, merge_id: int, reason: str | None = None) -> str:
        """Put back what merge ``merge_id`` removed and move back what it moved; returns what was put back."""
        require_manager(self.role, "undoing a merge")
        with self._writing() as session:
            return self._undo_merge(session, merge_id, reason)

    def _undo_merge(self, session: Session, merge_id: int, reason: str | None) -> str:
        record = session.get(MergeRecord, merge_id)
        if record is None:
            raise NotFound(f"there is no merge {merge_id}")
        if record.undone_at is not None:
            raise RuleError(f"merge {merge_id} was already undone on {record.undone_at:%d/%m/%Y %H:%M}")
        kept = loads(record.moved)
        if record.kind == "person":
            return self._undo_person_merge(session, record, kept, reason)
        target = session.get(Case, record.into_case_id) if record.into_case_id is not None else None
        if target is None:
            raise RuleError(f"the case {record.duplicate} was merged into has been deleted since: merge {merge_id} "
                            "cannot be undone")
        removed, moved = kept["removed"], kept["moved"]
        if session.exec(select(Case.id).where(Case.reference == record.duplicate)).first():
            raise RuleError(f"the reference {record.duplicate} is used by a case again: merge {merge_id} cannot be "
                            "undone")
        row = dict(removed["case"][0])
        if row.get("linked_case_id") is not None and session.get(Case, row["linked_case_id"]) is None:
            row["linked_case_id"] = None
        fresh = {"case": restore(session, Case, [row])}
        dup_id = fresh["case"].get(row["id"], row["id"])
        fresh["stage"] = restore(session, Stage, removed["stage"], fresh, {"case_id": "case"})
        for model in (ComplaintIssue, Assignment):
            restore(session, model, removed[table_of(model).name], fresh, {"stage_id": "stage"})
        restore(session, CaseTheme, removed["case_theme"], fresh, {"case_id": "case"})
        for name, model in MOVED.items():
            if moved[name]:
                session.execute(sa.update(model).where(col(model.id).in_(moved[name]), col(model.case_id) ==
                                                       target.id).values(case_id=dup_id))
        if moved["themes_added"]:
            session.execute(sa.delete(CaseTheme).where(col(CaseTheme.case_id) == target.id,
                                                       col(CaseTheme.theme_id).in_(moved["themes_added"])))
        if moved["links_added"]:
            session.execute(sa.delete(CaseLink).where(col(CaseLink.id).in_(moved["links_added"])))
        links = [link | {k: dup_id for k in ("case_id", "other_id") if link[k] == row["id"]}
                 for link in removed["case_link"]]
        restore(session, CaseLink, [link for link in links if self._can_relink(session, link)])
        if moved["pointed"]:
            session.execute(sa.update(Case).where(col(Case.id).in_(moved["pointed"])).values(linked_case_id=dup_id))
        if moved["merges"]:
            session.execute(sa.update(MergeRecord).where(col(MergeRecord.id).in_(moved["merges"]))
                            .values(into_case_id=dup_id))
        restore(session, Event, removed["event"], fresh, {"case_id": "case"})
        record.undone_at = _now()
        dup = session.get(Case, dup_id)
        assert dup is not None
        for a, b in ((dup, target), (target, dup)):
            self._event(session, a, "merge undone", b.reference, None, f"merge {merge_id}", reason)
            self._touch(a)
        return f"{record.duplicate} is back, apart from {target.reference}"

    def _can_relink(self, session: Session, link: dict[str, Any]) -> bool:
        ends = (session.get(Case, link["case_id"]), session.get(Case, link["other_id"]))
        return all(e is not None for e in ends) and session.exec(select(CaseLink.id).where(
            CaseLink.case_id == link["case_id"], CaseLink.other_id == link["other_id"])).first() is None

    def _undo_person_merge(self, session: Session, record: MergeRecord, kept: dict[str, Any],
                           reason: str | None) -> str:
        person = session.get(Person, record.into_person_id) if record.into_person_id is not None else None
        if person is None:
            raise RuleError(f"the person merge {record.id} went into has been removed since: it cannot be undone")
        before = kept["removed"]["kept"][0]
        dup_row = kept["removed"]["person"][0]
        session.flush()
        table = table_of(Person)  # the person kept as they were (their external id freed for the duplicate's)
        session.execute(sa.update(table).where(table.c.id == person.id).values(**typed(Person, before)))
        session.expire(person)
        dup_id = restore(session, Person, [dup_row]).get(dup_row["id"], dup_row["id"])
        cases = kept["moved"]["case"]
        for case in session.exec(select(Case).where(col(Case.id).in_(cases), Case.person_id == person.id)):
            case.person_id = dup_id
            self._event(session, case, "merge undone", "complainant", person.name, dup_row["name"], reason)
            self._touch(case)
        if kept["moved"]["persistent_review"]:
            session.execute(sa.update(PersistentReview).where(
                col(PersistentReview.id).in_(kept["moved"]["persistent_review"])).values(person_id=dup_id))
        record.undone_at = _now()
        self._event(session, None, "merge undone", "complainant", None, f"merge {record.id}", reason)
        return f"the complainant of {len(cases)} case{'s' if len(cases) != 1 else ''} is back as a person of their own"


"""Linking related cases, merging a duplicate case or person (and undoing it), and undoing one's own last change."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import select

from domain.config import Config
from domain.timescales import RuleError
from domain.year import FinancialYear
from store.db.database import open_database
from store.db.models import (
    Assignment,
    Case,
    Document,
    DocumentContent,
    Event,
    LearningAction,
    MergeRecord,
    Note,
    PersistentReview,
    Person,
    Stage,
)
from store.lifecycle.service import CaseService
from store.views.case import case_detail
from store.views.figures import year_figures
from tests.conftest import TODAY, manager

D = date
BOSS = Config(user="boss", managers=frozenset({"boss"}))


def as_user(service: CaseService, user: str, managers: frozenset[str] = frozenset()) -> CaseService:
    return CaseService(service.db, Config(user=user, managers=managers), today=service.today(),
                       calendar=service.calendar)


def tables(db, *, skip=("event", "merge_record")) -> dict[str, list[tuple]]:
    """Every table's rows, in id order; a case's version and time of change aside (each change bumps them)."""
    found = {}
    with db.read() as session:
        metadata = sa.MetaData()
        metadata.reflect(session.connection())
        for name, table in metadata.tables.items():
            if name in skip or name == "alembic_version" or (db.is_sqlite and name.startswith("search_")):
                continue  # SQLite's full-text index's own tables: compared by what they hold, below
            columns = [c for c in table.c if not (name == "case" and c.name in ("version", "updated_at"))]
            rows = session.execute(sa.select(*columns).order_by(*table.primary_key.columns)).all()
            found[name] = [tuple(r) for r in rows]
        if db.is_sqlite:  # the index: the same text for the same rows, however FTS5 stores it
            found["search_text"] = sorted(tuple(r) for r in session.execute(sa.text(
                "SELECT rowid, * FROM search_text")).all())
    return found


def events_of(db, reference: str) -> list[tuple]:
    with db.read() as session:
        case = session.exec(select(Case).where(Case.reference == reference)).one()
        return [(e.id, e.at, e.who, e.action, e.detail, e.old, e.new, e.reason)
                for e in session.exec(select(Event).where(Event.case_id == case.id).order_by(Event.id))]


def case_id(db, reference: str) -> int:
    with db.read() as session:
        return session.exec(select(Case.id).where(Case.reference == reference)).one()


def add_rows(db, reference: str, who: str = "tester") -> dict[str, int]:
    """A note, a document with its bytes and a learning action on the case, as the case-file helpers add them."""
    cid = case_id(db, reference)
    now = datetime(2026, 11, 20, 10, 0)
    with db.write() as session:
        note = Note(case_id=cid, contact_at=now, kind="phone", text="Rang about the delay", added_by=who,
                    added_at=now)
        doc = Document(case_id=cid, name="letter.pdf", size=3, media_type="application/pdf", sha256="0" * 64,
                       added_by=who, added_at=now)
        action = LearningAction(case_id=cid, description="Call back within a day", owner="Team lead")
        session.add_all([note, doc, action])
        session.flush()
        session.add(DocumentContent(document_id=doc.id, content=b"%PD"))
        return {"note": note.id, "document": doc.id, "action": action.id}


def statutory_count(db, year: int = 2026) -> int:
    figures = year_figures(db, Config(), FinancialYear(year), as_of=TODAY)
    return figures.table("representations_by_type").value("statutory", f"{year}/{str(year + 1)[2:]}")


# -- links -----------------------------------------------------------------------------------------------

def test_a_link_is_stored_once_and_shown_on_both_cases_with_an_event_on_each(service, db, calendar):
    first = service.log("statutory", D(2026, 11, 2), complainant="Ann Example")
    second = service.log("corporate", D(2026, 11, 9), complainant="Ann Example")
    service.link(second, first, reason="same family")
    with db.read() as session:
        rows = session.exec(sa.text("SELECT case_id, other_id, linked_by FROM case_link")).all()
    assert rows == [(case_id(db, first), case_id(db, second), "tester")]  # the lower id first
    one = case_detail(db, first, TODAY, calendar, service.rules)
    two = case_detail(db, second, TODAY, calendar, service.rules)
    assert one.case_links == [(second, "corporate", D(2026, 11, 9), "open")]
    assert two.case_links == [(first, "statutory", D(2026, 11, 2), "open")]
    assert events_of(db, first)[-1][3:] == ("linked", second, None, None, "same family")
    assert events_of(db, second)[-1][3:] == ("linked", first, None, None, "same family")
    with pytest.raises(RuleError, match="already linked"):
        service.link(first, second)
    with pytest.raises(RuleError, match="itself"):
        service.link(first, first)
    service.unlink(first, second)
    assert case_detail(db, first, TODAY, calendar, service.rules).case_links == []
    assert events_of(db, second)[-1][3:5] == ("unlinked", first)
    with pytest.raises(RuleError, match="not linked"):
        service.unlink(first, second)


def test_the_registers_linked_case_shows_as_a_link_both_ways_and_can_be_unlinked(service, db, calendar):
    first = service.log("statutory", D(2026, 11, 2))
    second = service.log("statutory", D(2026, 11, 3))
    with db.write() as session:
        session.execute(sa.text('UPDATE "case" SET linked_case_id = :a WHERE id = :b'),
                        {"a": case_id(db, first), "b": case_id(db, second)})
    assert [r[0] for r in case_detail(db, first, TODAY, calendar, service.rules).case_links] == [second]
    assert [r[0] for r in case_detail(db, second, TODAY, calendar, service.rules).case_links] == [first]
    with pytest.raises(RuleError, match="already linked"):
        service.link(first, second)
    service.unlink(second, first)
    assert case_detail(db, second, TODAY, calendar, service.rules).case_links == []


def test_deleting_a_linked_case_takes_its_links_with_it(service, db, calendar):
    first, second = service.log("statutory", D(2026, 11, 2)), service.log("statutory", D(2026, 11, 3))
    service.link(first, second)
    manager(service).delete_case(second, reason="logged in error")
    assert case_detail(db, first, TODAY, calendar, service.rules).case_links == []


# -- merging cases ---------------------------------------------------------------------------------------

def merge_pair(service: CaseService, db) -> tuple[str, str, str]:
    """A complaint logged twice (the duplicate with a note, a document, an action, a theme and a link of its
    own), and a third case linked to the duplicate."""
    kept = service.log("statutory", D(2026, 11, 2), complainant="Bea Example", themes=["Delays"])
    dup = service.log("statutory", D(2026, 11, 3), complainant="Bea Example", themes=["Delays", "Poor communication"])
    other = service.log("corporate", D(2026, 11, 4), complainant="Cal Example")
    service.acknowledge(dup, D(2026, 11, 4))
    service.link(dup, other)
    add_rows(db, dup)
    service.lgo_enquiry(dup, D(2026, 11, 10))
    with db.write() as session:  # a cost on its Stage 1, in pounds and pence
        stage = session.exec(select(Stage).where(Stage.case_id == case_id(db, dup))).one()
        session.add(Assignment(stage_id=stage.id, role="investigating_officer", cost=Decimal("1234.56"),
                               assigned_on=D(2026, 11, 5)))
    return kept, dup, other


def test_merging_moves_everything_counts_the_complaint_once_and_undoing_puts_it_back_exactly(service, db, calendar):
    kept, dup, other = merge_pair(service, db)
    before, dup_events = tables(db), events_of(db, dup)
    assert statutory_count(db) == 2
    boss = manager(service)
    merge = boss.merge_cases(dup, kept, "logged twice from the same email")
    assert statutory_count(db) == 1
    with db.read() as session:
        assert session.exec(select(Case).where(Case.reference == dup)).first() is None
        for model in (Note, Document, LearningAction):
            assert {r.case_id for r in session.exec(select(model))} == {case_id(db, kept)}
        deleted = session.exec(select(Event).where(Event.action == "deleted", Event.detail == dup)).one()
        assert deleted.case_id is None and deleted.reason.startswith(f"merged into {kept} (merge {merge})")
    detail = case_detail(db, kept, TODAY, calendar, service.rules)
    assert detail.themes == ["Delays", "Poor communication"]
    assert [r[0] for r in detail.case_links] == [other]  # the duplicate's link carried over
    assert len(detail.stages) == 1  # the duplicate's own Stage 1 is kept in the record, not counted
    assert any(e[2] == f"acknowledged (on {dup})" for e in detail.events)  # its history, marked
    assert detail.events[-1][2:] == ("merged", dup, None, f"merge {merge}", "logged twice from the same email")
    assert [r[0] for r in case_detail(db, other, TODAY, calendar, service.rules).case_links] == [kept]

    said = boss.undo_merge(merge, "not a duplicate after all")
    assert said == f"{dup} is back, apart from {kept}"
    assert tables(db) == before
    # its history back (same ids where free: SQLite gives the largest id again, to the events of the merge)
    assert [e[1:] for e in events_of(db, dup)[:len(dup_events)]] == [e[1:] for e in dup_events]
    assert events_of(db, dup)[-1][3:] == ("merge undone", kept, None, f"merge {merge}", "not a duplicate after all")
    assert events_of(db, kept)[-1][3:5] == ("merge undone", dup)
    assert statutory_count(db) == 2
    assert not any("(on " in e[2] for e in case_detail(db, kept, TODAY, calendar, service.rules).events)
    with pytest.raises(RuleError, match="already undone"):
        boss.undo_merge(merge)


def test_merging_needs_a_manager_and_a_reason_and_two_cases(service, db):
    first, second = service.log("statutory", D(2026, 11, 2)), service.log("statutory", D(2026, 11, 3))
    with pytest.raises(RuleError, match="manager"):
        service.merge_cases(second, first, "twice")
    boss = manager(service)
    with pytest.raises(RuleError, match="needs a reason"):
        boss.merge_cases(second, first, " ")
    with pytest.raises(RuleError, match="into itself"):
        boss.merge_cases(first, first, "twice")
    with pytest.raises(RuleError, match="no case has the reference"):
        boss.merge_cases("CS-1999-0001", first, "twice")
    with pytest.raises(RuleError, match="no merge 99"):
        boss.undo_merge(99)


def test_a_merge_into_a_case_merged_later_undoes_in_either_order(service, db):
    a, b, c = (service.log("statutory", D(2026, 11, n)) for n in (2, 3, 4))
    add_rows(db, a)
    before = tables(db)
    boss = manager(service)
    first = boss.merge_cases(a, b, "twice")
    second = boss.merge_cases(b, c, "three times")
    boss.undo_merge(first, "a was separate")  # its rows come back from c, where they are now
    with db.read() as session:
        assert session.exec(select(Note.case_id)).one() == case_id(db, a)
    boss.undo_merge(second)
    assert tables(db) == before


def test_a_merge_whose_reference_is_used_again_or_whose_target_was_deleted_is_not_undone(service, db):
    first, second = service.log("statutory", D(2026, 11, 2)), service.log("statutory", D(2026, 11, 3))
    boss = manager(service)
    merge = boss.merge_cases(second, first, "twice")
    boss.delete_case(first, reason="test data")
    with pytest.raises(RuleError, match="deleted since"):
        boss.undo_merge(merge)


# -- merging people --------------------------------------------------------------------------------------

def test_merging_people_moves_their_cases_and_reviews_and_undoing_restores_both(service, db):
    first = service.log("statutory", D(2026, 11, 2), complainant="Dee Example", complainant_id="P-1")
    second = service.log("corporate", D(2026, 11, 3), complainant="D. Example", complainant_id="P-2")
    third = service.log("concern", D(2026, 11, 5), complainant="D. Example", complainant_id="P-2")
    kept, dup = service.person_of(first), service.person_of(second)
    with db.write() as session:
        person = session.get(Person, dup)
        person.email, person.persistent = "d@example.org", True
        session.add(PersistentReview(person_id=dup, reviewed_on=D(2026, 11, 1), outcome="continue",
                                     reviewed_by="tester"))
    before = tables(db)
    boss = manager(service)
    with pytest.raises(RuleError, match="manager"):
        service.merge_people(dup, kept, "same person")
    merge = boss.merge_people(dup, kept, "same person, two ids")
    with db.read() as session:
        assert session.get(Person, dup) is None
        person = session.get(Person, kept)
        assert (person.email, person.persistent, person.external_id) == ("d@example.org", True, "P-1")
        assert {c.person_id for c in session.exec(select(Case))} == {kept}
        assert session.exec(select(PersistentReview.person_id)).one() == kept
    assert events_of(db, third)[-1][3:] == ("merged", "complainant", "D. Example", "Dee Example",
                                            "same person, two ids")
    assert service.person_of(second) == kept
    boss.undo_merge(merge)
    assert tables(db) == before
    assert events_of(db, second)[-1][3:5] == ("merge undone", "complainant")


def test_merging_people_carries_the_duplicates_external_id_to_one_without(service, db):
    first = service.log("statutory", D(2026, 11, 2), complainant="Eve Example")
    second = service.log("statutory", D(2026, 11, 3), complainant_id="P-9", complainant="Eve Example (P-9)")
    kept, dup = service.person_of(first), service.person_of(second)
    before = tables(db)
    boss = manager(service)
    merge = boss.merge_people(dup, kept, "same")
    with db.read() as session:
        assert session.get(Person, kept).external_id == "P-9"
    boss.undo_merge(merge)
    assert tables(db) == before


# -- undo ------------------------------------------------------------------------------------------------

def event(db, reference: str, action: str, detail: str, old=None, new=None, who: str = "tester") -> None:
    """An event as the other helpers' transitions write it (their contract), for the undo to read."""
    with db.write() as session:
        session.add(Event(case_id=case_id(db, reference), at=datetime.now(UTC).replace(tzinfo=None), who=who,
                          action=action, detail=detail, old=old, new=new))


def test_undo_takes_back_a_link_as_a_change_of_its_own(service, db, calendar):
    first, second = service.log("statutory", D(2026, 11, 2)), service.log("statutory", D(2026, 11, 3))
    service.link(first, second)
    assert service.undo_preview(first).startswith(f"your last change to {first}: linked {second}")
    said = service.undo_last(first)
    assert said.startswith(f"your last change to {first}: linked {second}")
    assert case_detail(db, first, TODAY, calendar, service.rules).case_links == []
    assert events_of(db, first)[-1][3:5] == ("undone", f"linked {second}")
    assert events_of(db, second)[-1][3:5] == ("undone", f"linked {first}")
    with pytest.raises(RuleError, match="was an undo"):
        service.undo_last(first)


def test_undo_is_refused_when_a_colleague_changed_the_case_since(service, db):
    ref = service.log("statutory", D(2026, 11, 2))
    as_user(service, "bina").acknowledge(ref, D(2026, 11, 3))
    with pytest.raises(RuleError, match=r"^bina changed the case since: acknowledged acknowledged"):
        service.undo_last(ref)


def test_undo_of_an_acknowledgement_extension_and_pause_restores_the_clock(service, db):
    ref = service.log("statutory", D(2026, 11, 2))
    due = service.clock(ref).reading.deadline.due
    service.acknowledge(ref, D(2026, 11, 3))
    service.undo_last(ref)
    with db.read() as session:
        case = session.exec(select(Case).where(Case.reference == ref)).one()
        assert case.acknowledged is None and case.ack_due is not None
    service.extend(ref, D(2026, 11, 10))
    assert service.clock(ref).reading.deadline.due > due
    service.undo_last(ref)
    assert service.clock(ref).reading.deadline.due == due
    service.pause(ref, "waiting for the complainant", D(2026, 11, 12))
    service.undo_last(ref)
    assert service.clock(ref).reading.state.name != "PAUSED"
    assert [e[3] for e in events_of(db, ref)][-2:] == ["paused", "undone"]


def test_undo_of_notes_documents_and_done_actions_by_their_event_contracts(service, db):
    ref = service.log("statutory", D(2026, 11, 2))
    ids = add_rows(db, ref)
    event(db, ref, "note edited", f"note {ids['note']}", old="Rang", new="Rang about the delay")
    service.undo_last(ref)
    with db.read() as session:
        assert session.get(Note, ids["note"]).text == "Rang"
    event(db, ref, "note added", f"note {ids['note']}")
    service.undo_last(ref)
    event(db, ref, "document attached", f"document {ids['document']}")
    service.undo_last(ref)
    with db.write() as session:
        action = session.get(LearningAction, ids["action"])
        action.done, action.done_note = D(2026, 11, 20), "Done"
    event(db, ref, "action done", f"action {ids['action']}", new="2026-11-20")
    service.undo_last(ref)
    with db.read() as session:
        assert session.get(Note, ids["note"]) is None
        assert session.get(Document, ids["document"]) is None
        assert session.get(DocumentContent, ids["document"]) is None
        assert session.get(LearningAction, ids["action"]).done is None
    assert [e[3:5] for e in events_of(db, ref)][-2:] == [("action done", f"action {ids['action']}"),
                                                         ("undone", f"action done action {ids['action']}")]


def test_undo_of_an_edit_goes_through_edit_case(service, db, monkeypatch):
    ref = service.log("statutory", D(2026, 11, 2), team="Alpha")
    calls = []

    def edit_case(reference, field, value, *, reason=None, expected_version=None):  # the edits helper's method
        calls.append((reference, field, value, reason))

    monkeypatch.setattr(service, "edit_case", edit_case, raising=False)
    event(db, ref, "edited", "team", old="Alpha", new="Beta")
    assert service.undo_last(ref).startswith(f"your last change to {ref}: edited team (Alpha → Beta)")
    assert calls == [(ref, "team", "Alpha", "undo")]
    assert events_of(db, ref)[-1][3:7] == ("undone", "edited team", "Beta", "Alpha")


def test_undo_of_a_merge_through_the_last_change_of_the_case_it_went_into(service, db):
    first, second = service.log("statutory", D(2026, 11, 2)), service.log("statutory", D(2026, 11, 3))
    before = tables(db)
    boss = manager(service)
    boss.merge_cases(second, first, "twice")
    with pytest.raises(RuleError, match="tester changed|boss changed"):
        service.undo_last(first)  # the manager's change, not the officer's
    boss.undo_last(first)
    assert tables(db) == before


@pytest.mark.parametrize("change, instead", [
    (lambda s, r: s.respond(r, "upheld", D(2026, 11, 20)), "complaints correct"),
    (lambda s, r: s.withdraw(r, D(2026, 11, 20)), "withdraw"),
])
def test_undo_refuses_a_change_it_cannot_take_back_saying_what_to_do(service, change, instead):
    ref = service.log("statutory", D(2026, 11, 2))
    change(service, ref)
    with pytest.raises(RuleError, match=f"cannot be undone: .*{instead}"):
        service.undo_last(ref)


def test_undo_with_nothing_to_undo_and_a_stale_version(service, db):
    ref = service.log("statutory", D(2026, 11, 2))
    with pytest.raises(RuleError, match="cannot be undone: a case logged in error"):
        service.undo_last(ref)
    with pytest.raises(RuleError, match="after you opened it"):
        service.undo_last(ref, expected_version=99)


# -- PostgreSQL: the guards of migration 0003 -----------------------------------------------------------

def test_merge_and_undo_on_postgresql_under_the_audit_trails_guards(postgres_server):
    from tests.conftest import no_server

    if postgres_server is None:
        no_server()
    db = open_database(postgres_server.new_database(), BOSS)
    try:
        boss = CaseService(db, BOSS, today=TODAY)
        officer = as_user(boss, "tester")
        kept, dup, other = merge_pair(officer, db)
        before, dup_events = tables(db), events_of(db, dup)
        merge = boss.merge_cases(dup, kept, "logged twice")
        with db.read() as session:
            deleted = session.exec(select(Event).where(Event.action == "deleted", Event.detail == dup)).all()
            assert [(e.who, e.reason) for e in deleted] == [("boss", f"merged into {kept} (merge {merge}): "
                                                            "logged twice")]  # the server's trigger, once
        assert statutory_count(db) == 1
        boss.undo_merge(merge)
        assert tables(db) == before
        assert events_of(db, dup)[:len(dup_events)] == dup_events
        assert statutory_count(db) == 2
        with db.read() as session:
            assert session.exec(select(MergeRecord)).one().undone_at is not None
    finally:
        db.close()


def test_the_deleted_case_ids_come_back_but_new_ids_never_collide(service, db):
    first, second = service.log("statutory", D(2026, 11, 2)), service.log("statutory", D(2026, 11, 3))
    boss = manager(service)
    merge = boss.merge_cases(second, first, "twice")
    boss.undo_merge(merge)
    third = service.log("statutory", D(2026, 11, 4))
    assert case_id(db, third) > case_id(db, second)


def test_a_duplicate_whose_id_was_given_again_comes_back_under_a_new_one(service, db, calendar):
    first, second = service.log("statutory", D(2026, 11, 2)), service.log("statutory", D(2026, 11, 3))
    service.acknowledge(second, D(2026, 11, 4))
    old_id = case_id(db, second)
    boss = manager(service)
    merge = boss.merge_cases(second, first, "twice")
    third = service.log("statutory", D(2026, 11, 5))  # SQLite gives it the duplicate's id
    boss.undo_merge(merge)
    back = case_detail(db, second, TODAY, calendar, service.rules)
    assert back.acknowledged == D(2026, 11, 4) and len(back.stages) == 1
    assert [e[2] for e in back.events][:2] == ["logged", "acknowledged"]
    assert case_id(db, third) == old_id or case_id(db, second) == old_id
    assert statutory_count(db) == 3


def test_a_number_freed_by_undo_is_never_given_again(service, db):
    """The tryout: a note taken back by undo gave its number to the next note, so "note 3" in the history named
    two notes. The same for a document."""
    ref = service.log("statutory", D(2026, 11, 2))
    first = service.add_note(ref, "Rang the complainant")
    taken_back = service.add_note(ref, "Typed on the wrong case")
    service.undo_last(ref)
    again = service.add_note(ref, "Emailed the team")
    assert first < taken_back < again
    document = service.attach(ref, "letter.txt", b"Dear Ms Example")
    service.undo_last(ref)
    assert service.attach(ref, "report.txt", b"Stage 2 report") > document
    other = service.log("statutory", D(2026, 11, 3))
    assert service.add_note(other, "A note on another case") > again
    with db.read() as session:
        numbers = [e.detail for e in session.exec(select(Event).where(Event.action == "note added"))]
    assert len(numbers) == len(set(numbers)) == 4

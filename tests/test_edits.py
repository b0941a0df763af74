"""Editing what intake recorded, and reassigning cases: each field, the refusals, the events old -> new."""

from datetime import date

import pytest
from sqlmodel import select

from domain.config import Config
from domain.timescales import RuleError
from domain.year import FinancialYear
from store.db.models import Case, Event, Officer, Person, Stage
from store.lifecycle.base import ConflictError
from store.lifecycle.edits import FIELDS
from store.lifecycle.service import CaseService
from store.views.case import case_detail
from store.views.figures import year_figures
from tests.conftest import TODAY, manager

D = date


def edits(service, ref):
    with service.db.read() as s:
        case = s.exec(select(Case).where(Case.reference == ref)).one()
        return [(e.action, e.detail, e.old, e.new, e.reason) for e in s.exec(
            select(Event).where(Event.case_id == case.id, Event.action.in_(("edited", "reassigned")))
            .order_by(Event.id))]


def the_case(service, ref):
    with service.db.read() as s:
        return s.exec(select(Case).where(Case.reference == ref)).one()


def first_stage(service, ref):
    with service.db.read() as s:
        case = s.exec(select(Case).where(Case.reference == ref)).one()
        return s.exec(select(Stage).where(Stage.case_id == case.id, Stage.number == 1)).one()


@pytest.fixture
def lists(service):
    _lists(service)


def _lists(service):
    for team in ("CIN North", "CIN South"):
        service.add_to_list("team", team)
    for theme in ("Delays", "Placement", "Poor communication"):
        service.add_to_list("theme", theme)
    service.add_to_list("service area", "Early Help")
    for name, login in (("Sam Officer", "sam"), ("Jo Officer", "jo")):
        service.add_to_list("officer", name, username=login)


NOV_2 = D(2026, 11, 2)


def logged(service, kind="statutory", received=NOV_2, **kw):
    kw = {"complainant": "Alex Example", "group": "parent", "team": "CIN North", "themes": ["Delays"],
          "officer": "Sam Officer"} | kw
    return service.log(kind, received, **kw)


EDITS = [  # field, value, as the event records it
    ("complainant", "Alex Sample", "Alex Sample"),
    ("complainant_id", "P0009", "P0009"),
    ("email", "alex@example.org", "alex@example.org"),
    ("phone", "+44 (0)1632 960001", "+44 (0)1632 960001"),
    ("address", "1 Test Street\nTestville", "1 Test Street\nTestville"),
    ("preferred_contact", "Email", "email"),
    ("salutation", "Dear Alex", "Dear Alex"),
    ("group", "foster carer", "foster_carer"),
    ("child_name", "Robin Example", "Robin Example"),
    ("child_status", "CLA", "cla"),
    ("advocate", "nyas", "nyas"),
    ("service_area", "early help", "Early Help"),
    ("team", "cin south", "CIN South"),
    ("themes", "Placement; poor communication", "Placement; Poor communication"),
    ("summary", "Delay in the assessment", "Delay in the assessment"),
    ("officer", "jo", "Jo Officer"),
    ("kind", "corporate", "corporate"),
]


def test_every_field_can_be_edited_and_each_change_is_one_event(service, lists):
    assert [f for f, _, _ in EDITS] == list(FIELDS)
    ref = logged(service)
    version = the_case(service, ref).version
    for field, value, _ in EDITS:
        assert service.edit_case(ref, field, value, reason="typed wrongly") is True
        assert service.edit_case(ref, field, value) is False  # unchanged: nothing written
    trail = edits(service, ref)
    assert [(d, n) for _, d, _, n, _ in trail] == [(f, r) for f, _, r in EDITS]
    assert {a for a, *_ in trail} == {"edited"}
    old = dict((d, o) for _, d, o, _, _ in trail)
    assert old["complainant"] == "Alex Example" and old["team"] == "CIN North" and old["themes"] == "Delays"
    assert old["officer"] == "Sam Officer" and old["kind"] == "statutory" and old["email"] is None
    assert the_case(service, ref).version == version + len(EDITS)
    detail = case_detail(service.db, ref, TODAY, service.calendar, service.rules)
    assert (detail.team, detail.officer, detail.themes, detail.kind) == ("CIN South", "Jo Officer",
                                                                         ["Placement", "Poor communication"],
                                                                         "corporate")
    with service.db.read() as s:
        person = s.exec(select(Person)).one()
        assert (person.name, person.external_id, person.address, person.preferred_contact) == (
            "Alex Sample", "P0009", "1 Test Street\nTestville", "email")
    assert first_stage(service, ref).procedure == "corporate"


def test_blank_clears_and_an_edit_writes_an_event_with_old_and_new(service, lists):
    ref = logged(service, child_name="Robin")
    assert service.edit_fields(ref, {"child_name": "", "team": None, "themes": "", "summary": "s"}) == [
        "child_name", "team", "themes", "summary"]
    assert [e[1:4] for e in edits(service, ref)] == [("child_name", "Robin", None), ("team", "CIN North", None),
                                                     ("themes", "Delays", None), ("summary", None, "s")]


@pytest.mark.parametrize(("field", "value", "said"), [
    ("team", "CIN Nroth", "team: 'CIN Nroth' is not on the council's list of teams"),
    ("themes", "Delays; Poor comms", "theme: 'Poor comms' is not on the council's list of themes"),
    ("service_area", "Nowhere", "Settings"),
    ("officer", "Nobody", "list of officers"),
    ("group", "aunt", "group 'aunt' is not one of: child, parent"),
    ("preferred_contact", "pigeon", "preferred_contact 'pigeon' is not one of: email, phone, letter, text"),
    ("kind", "complaint", "kind 'complaint' is not one of"),
    ("kind", "", "kind: a case needs a kind"),
    ("kind", "compliment", "kind: statutory cannot become compliment"),
    ("email", "not an address", "email: 'not an address' is not an email address"),
    ("phone", "call me", "phone: 'call me' is not a phone number"),
    ("complainant", "x" * 201, "complainant: is 201 characters long: at most 200"),
    ("summary", "a\x1bb", "summary: holds a control character"),
    ("complainant", "", "complainant: a complainant's name cannot be blank"),
    ("received", "2026-11-01", "complaints correct"),
    ("stage1_responded", "2026-11-01", "complaints correct"),
    ("colour", "red", "'colour' is not a field that can be edited: one of complainant, complainant_id"),
])
def test_refusals_name_the_field_and_what_is_allowed(service, lists, field, value, said):
    ref = logged(service)
    with pytest.raises(RuleError, match=None) as refused:
        service.edit_case(ref, field, value)
    assert said in str(refused.value)
    assert edits(service, ref) == []


def test_a_retired_entry_is_refused_for_new_work_but_kept_when_unchanged(service, lists):
    ref = logged(service)
    service.retire_from_list("team", "CIN North")
    service.retire_from_list("team", "CIN South")
    assert service.edit_case(ref, "team", "CIN North") is False  # what it has: no change, no refusal
    with pytest.raises(RuleError, match="CIN South was retired"):
        service.edit_case(ref, "team", "CIN South")


def test_a_stale_version_is_a_conflict(service, lists):
    ref = logged(service)
    version = the_case(service, ref).version
    service.edit_case(ref, "summary", "first")
    with pytest.raises(ConflictError):
        service.edit_case(ref, "summary", "second", expected_version=version)


def test_person_fields_change_the_person_on_every_case_and_say_so(service, lists):
    one = logged(service, complainant_id="P1")
    two = logged(service, complainant_id="P1")
    service.edit_case(one, "phone", "01632 960002", reason="new number")
    assert edits(service, one)[0][4] == "new number; the complainant's, on all 2 of their cases"
    detail = case_detail(service.db, two, TODAY, service.calendar, service.rules)
    assert detail.person is not None and detail.person.phone == "01632 960002"
    logged(service, complainant="Other Person", complainant_id="P2")
    with pytest.raises(RuleError, match="another person's id"):
        service.edit_case(one, "complainant_id", "P2")


def test_a_case_without_a_complainant_gets_one_by_name_first(service, lists):
    ref = service.log("concern", D(2026, 11, 2))
    with pytest.raises(RuleError, match="has no complainant yet"):
        service.edit_case(ref, "email", "a@example.org")
    service.edit_case(ref, "complainant", "New Person")
    service.edit_case(ref, "email", "a@example.org")
    assert case_detail(service.db, ref, TODAY, service.calendar, service.rules).person.name == "New Person"


def test_a_concern_becoming_a_complaint_starts_its_clocks_on_that_day(service, lists):
    ref = logged(service, "concern", D(2026, 10, 1))
    service.acknowledge(ref, D(2026, 10, 2))
    assert service.edit_case(ref, "kind", "statutory", reason="the complainant asked for a formal complaint")
    case, stage = the_case(service, ref), first_stage(service, ref)
    assert case.received == D(2026, 10, 1)  # its history: received as a concern
    assert (stage.procedure, stage.requested) == ("statutory", TODAY)  # Stage 1 from the day it became one
    assert stage.due == service.calendar.add(TODAY, 10)
    assert case.acknowledged is None and case.ack_due == service.calendar.add(TODAY, 2)  # owed as a complaint
    with service.db.read() as s:
        actions = [e.action for e in s.exec(select(Event).where(Event.case_id == case.id).order_by(Event.id))]
    assert actions[:2] == ["logged", "acknowledged"] and "edited" in actions
    assert "complaint's clock started" in actions


def test_a_closed_concern_becomes_a_complaint_only_by_a_manager_with_a_reason(service, lists):
    ref = logged(service, "concern", D(2026, 10, 1))
    service.close(ref, D(2026, 10, 9), "not_upheld")
    with pytest.raises(RuleError, match="manager"):
        service.edit_case(ref, "kind", "statutory", reason="asked")
    boss = manager(service)
    with pytest.raises(RuleError, match="needs a reason"):
        boss.edit_case(ref, "kind", "statutory")
    boss.edit_case(ref, "kind", "statutory", reason="unhappy with the reply: a formal complaint")
    case, stage = the_case(service, ref), first_stage(service, ref)
    assert case.closed is None and stage.responded is None and stage.outcome is None and stage.due is not None
    history = [(e[1], e[2]) for e in _events(service, ref, "complaint's clock started")]
    assert ("responded", "2026-10-09") in history and ("closed", "2026-10-09") in history


def _events(service, ref, action):
    with service.db.read() as s:
        case = s.exec(select(Case).where(Case.reference == ref)).one()
        return [(e.action, e.detail, e.old, e.new) for e in s.exec(
            select(Event).where(Event.case_id == case.id, Event.action == action))]


def test_a_case_past_stage_1_keeps_its_kind(service, lists):
    ref = logged(service, received=D(2026, 10, 1))
    service.respond(ref, "not_upheld", D(2026, 10, 8))
    service.request_stage(ref, 2, D(2026, 10, 12))
    with pytest.raises(RuleError, match="gone past Stage 1"):
        manager(service).edit_case(ref, "kind", "corporate", reason="wrong procedure")


def test_the_years_figures_count_a_changed_kind_once_under_its_final_kind(service, lists):
    """A concern received on 1 October 2025 that became a statutory complaint: 2025/26 counts one statutory
    complaint and no concern, however many times its kind changed."""
    received = D(2025, 10, 1)
    service = CaseService(service.db, service.config, today=D(2025, 10, 20), calendar=service.calendar)
    ref = logged(service, "concern", received)
    other = logged(service, "concern", received)
    service.edit_case(ref, "kind", "statutory")
    service.edit_case(other, "kind", "corporate")
    service.edit_case(other, "kind", "statutory")
    figures = year_figures(service.db, Config(user="tester"), FinancialYear(2025), as_of=TODAY)
    by_type = figures.table("representations_by_type")
    assert by_type.value("statutory", "2025/26") == 2
    assert by_type.value("concern", "2025/26") == 0
    assert by_type.value("corporate", "2025/26") == 0
    assert by_type.value("total", "2025/26") == 2
    activity = figures.table("stage_activity")
    assert activity.value("concern", "worked_with") == 0
    assert activity.value("statutory_stage1", "worked_with") == 2
    assert figures.table("stage1_timeliness").value("responded") == 0
    # 9 working days after it became a complaint: on time
    CaseService(service.db, service.config, today=TODAY).respond(ref, "upheld", D(2025, 10, 31))
    figures = year_figures(service.db, Config(user="tester"), FinancialYear(2025), as_of=TODAY)
    assert figures.table("stage1_timeliness").value("within_timescale") == 1


def test_reassign_many_in_one_transaction(service, lists):
    refs = [logged(service) for _ in range(3)]
    versions = [the_case(service, r).version for r in refs]
    assert service.reassign(refs, "Jo Officer", expected_versions=versions) == 3
    assert service.reassign(refs, "jo") == 0  # already theirs
    assert edits(service, refs[0]) == [("reassigned", "officer", "Sam Officer", "Jo Officer", None)]
    with pytest.raises(ConflictError):  # one stale case: none moves
        service.reassign(refs, "Sam Officer", expected_versions=[*versions[:2], versions[2]])
    with pytest.raises(RuleError, match="list of officers"):
        service.reassign(refs, "Nobody")
    with service.db.read() as s:
        jo = s.exec(select(Officer).where(Officer.username == "jo")).one()
        assert {c.officer_id for c in s.exec(select(Case))} == {jo.id}


def test_an_officer_gets_a_login_linked_from_the_settings(service, lists):
    service.add_to_list("officer", "New Starter")
    assert service.add_to_list("officer", "new starter", username="newbie") == "linked"
    with service.db.read() as s:
        assert s.exec(select(Officer).where(Officer.name == "New Starter")).one().username == "newbie"
    with pytest.raises(RuleError, match="already belongs to another officer"):
        service.add_to_list("officer", "Jo Officer", username="newbie")
    with pytest.raises(RuleError, match="already on the list"):
        service.add_to_list("officer", "Jo Officer")


# -- the command line -------------------------------------------------------------------------------------

@pytest.fixture
def cli_db(tmp_path, config):
    from store.db.database import open_database

    path = tmp_path / "c.db"
    db = open_database(path, config)
    svc = CaseService(db, config, today=TODAY)
    svc.add_to_list("team", "CIN North")
    svc.add_to_list("officer", "Kim Lee", username="kim")
    svc.log("statutory", NOV_2, complainant="Alex Example", officer="Sam Patel", team="CIN South")
    svc.log("corporate", NOV_2, complainant="Bo Sample", officer="Sam Patel")
    db.close()
    return str(path)


def run(*args):
    from typer.testing import CliRunner

    import cli

    return CliRunner().invoke(cli.app, list(args), env={"COMPLAINTS_TODAY": "2026-11-22"})


def test_cli_edit_changes_a_field_and_names_what_is_allowed(cli_db):
    result = run("edit", "CS-2026-00001", "team", "cin north", "--reason", "typed wrongly", "--db", cli_db)
    assert (result.exit_code, result.output) == (0, "CS-2026-00001: team changed (in its history)\n")
    result = run("edit", "CS-2026-00001", "team", "CIN North", "--db", cli_db)
    assert result.output == "CS-2026-00001: team already had that value; nothing changed\n"
    result = run("history", "CS-2026-00001", "--db", cli_db)
    assert "CIN South" in result.output and "CIN North" in result.output and "typed wrongly" in result.output
    result = run("edit", "CS-2026-00001", "team", "CIN Nroth", "--db", cli_db)
    assert result.exit_code == 1
    assert result.output.startswith("Error: team: 'CIN Nroth' is not on the council's list of teams")
    result = run("edit", "CS-2026-00001", "group", "aunt", "--db", cli_db)
    assert result.output == ("Error: group 'aunt' is not one of: child, parent, relative, foster_carer, adopter, "
                             "special_guardian, professional, other\n")
    result = run("edit", "CS-2026-00001", "received", "2026-11-01", "--db", cli_db)
    assert result.exit_code == 1 and "complaints correct" in result.output


def test_cli_reassign_moves_every_case_named(cli_db):
    result = run("reassign", "CS-2026-00001", "CC-2026-00001", "--to", "kim", "--db", cli_db)
    assert (result.exit_code, result.output) == (0, "2 cases reassigned to kim\n")
    result = run("reassign", "CS-2026-00001", "--to", "Kim Lee", "--db", cli_db)
    assert result.output == "0 cases reassigned to Kim Lee (1 already theirs)\n"
    result = run("reassign", "CS-2026-00001", "--to", "Nobody", "--db", cli_db)
    assert result.exit_code == 1 and "not on the council's list of officers" in result.output


def test_cli_help_lists_the_fields_the_store_takes():
    from commands.edits import FIELDS_HELP

    assert FIELDS_HELP.split(", ") == list(FIELDS)
    for command in ("edit", "reassign"):
        assert "Example: complaints " + command in run(command, "--help").output


def test_edits_and_reassign_alike_on_sqlite_and_postgresql(database_url, config):
    from store.db.database import open_database
    from store.views.council_lists import officer_of

    db = open_database(database_url, config)
    try:
        service = CaseService(db, config, today=TODAY)
        _lists(service)
        ref = logged(service, "concern", D(2026, 11, 2))
        assert service.edit_fields(ref, {"team": "cin south", "themes": "delays; placement", "email": "a@b.org",
                                         "kind": "corporate"}) == ["team", "themes", "email", "kind"]
        assert service.reassign([ref], "jo") == 1
        assert [e[:2] for e in edits(service, ref)] == [("edited", "team"), ("edited", "themes"),
                                                        ("edited", "email"), ("edited", "kind"),
                                                        ("reassigned", "officer")]
        with db.dbapi() as connection:
            assert officer_of(connection, "jo", db.placeholder) == "Jo Officer"
            assert officer_of(connection, "Sam Officer", db.placeholder) == "Sam Officer"
            assert officer_of(connection, "newbie", db.placeholder) is None
    finally:
        db.close()


def test_a_refused_list_name_says_which_names_the_list_has(service, lists):
    ref = logged(service)
    with pytest.raises(RuleError) as refused:
        service.edit_case(ref, "team", "CIN Nroth")
    assert str(refused.value) == ("team: 'CIN Nroth' is not on the council's list of teams (CIN North, CIN South); "
                                  "adding one is deliberate: add it in Settings (or choose '+ Add' in a form's "
                                  "list), then choose it")


def test_undo_puts_back_an_edited_team_and_a_reassignment_through_edit_case(service, lists):
    """Undo (store/lifecycle/undo.py) reverses an 'edited' or 'reassigned' event through the same edit_case: the
    old team and officer come back, and the undo is a change of its own in the history."""
    ref = logged(service, officer="Sam Officer")
    service.edit_case(ref, "team", "CIN South", reason="typed wrongly")
    assert the_case(service, ref).team_id is not None
    said = service.undo_last(ref)
    assert "team" in said
    detail = case_detail(service.db, ref, TODAY, service.calendar, service.rules)
    assert detail.team == "CIN North"
    service.reassign([ref], "Jo Officer")
    service.undo_last(ref)
    assert case_detail(service.db, ref, TODAY, service.calendar, service.rules).officer == "Sam Officer"
    assert [e[:4] for e in edits(service, ref)] == [
        ("edited", "team", "CIN North", "CIN South"), ("edited", "team", "CIN South", "CIN North"),
        ("reassigned", "officer", "Sam Officer", "Jo Officer"), ("edited", "officer", "Jo Officer", "Sam Officer")]
    with service.db.read() as s:
        case = s.exec(select(Case).where(Case.reference == ref)).one()
        assert len(list(s.exec(select(Event).where(Event.case_id == case.id, Event.action == "undone")))) == 2


def test_undo_of_an_edit_is_refused_once_a_colleague_has_changed_the_case(service, lists, db):
    ref = logged(service)
    service.edit_case(ref, "team", "CIN South")
    colleague = CaseService(db, Config(user="colleague"), today=TODAY)
    colleague.edit_case(ref, "summary", "Missed visits")
    with pytest.raises(RuleError, match="colleague changed the case since"):
        service.undo_last(ref)
    assert case_detail(service.db, ref, TODAY, service.calendar, service.rules).team == "CIN South"


def _stage_row(service, ref):
    stage = first_stage(service, ref)
    return {k: v for k, v in stage.model_dump().items() if k != "id"}


def _case_row(service, ref):
    return {k: v for k, v in the_case(service, ref).model_dump().items() if k not in ("version", "updated_at")}


@pytest.mark.parametrize("kind, new, close", [("concern", "statutory", False), ("concern", "statutory", True),
                                              ("statutory", "concern", False), ("statutory", "corporate", False)])
def test_undoing_a_change_of_kind_puts_back_the_kind_the_clocks_and_the_acknowledgement(service, lists, kind, new,
                                                                                        close):
    """The tryout: `z` after a concern became a complaint said "make the opposite change yourself" naming
    ``ack_due``, and changing it back by hand lost the concern's acknowledgement. Undo puts the case back whole."""
    ref = logged(service, kind, D(2026, 10, 1))
    service.acknowledge(ref, D(2026, 10, 2))
    boss = manager(service)
    if close:
        service.close(ref, D(2026, 10, 9), "not_upheld")
    case_before, stage_before = _case_row(service, ref), _stage_row(service, ref)
    (boss if close else service).edit_case(ref, "kind", new, reason="the complainant asked")
    assert the_case(service, ref).kind == new
    assert (boss if close else service).undo_preview(ref).startswith(f"your last change to {ref}: edited kind "
                                                                     f"({kind} → {new})")
    said = (boss if close else service).undo_last(ref)
    assert "ack_due" not in said and "clock" not in said
    assert _case_row(service, ref) == case_before
    assert _stage_row(service, ref) == stage_before
    assert the_case(service, ref).acknowledged == D(2026, 10, 2)
    assert _events(service, ref, "undone")[-1] == ("undone", "edited kind", new, kind)

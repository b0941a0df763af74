"""Every transition of the lifecycle service, valid and refused, and what it writes."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from domain.clock import State
from domain.config import Config
from domain.timescales import RuleError
from store.db.models import Assignment, Case, ComplaintIssue, Event, OmbudsmanEnquiry, Person, Stage
from store.lifecycle.base import ConflictError, NotFound
from store.lifecycle.service import CaseService
from tests.conftest import manager

D = date


def events(service, ref):
    with service.db.read() as s:
        case = s.exec(select(Case).where(Case.reference == ref)).one()
        return [e.action for e in s.exec(select(Event).where(Event.case_id == case.id).order_by(Event.id))]


def stages(service, ref):
    with service.db.read() as s:
        case = s.exec(select(Case).where(Case.reference == ref)).one()
        return list(s.exec(select(Stage).where(Stage.case_id == case.id).order_by(Stage.number, Stage.round)))


NOV_2 = D(2026, 11, 2)


def complaint(service, received=NOV_2, **kw):
    return service.log("statutory", received, complainant="Alex Example", group="parent", **kw)


def test_log_starts_the_clocks_and_writes_an_event(service):
    ref = complaint(service, channel="email", themes=["Delays", "Delays", "Placement"], team="CIN North")
    assert ref == "CS-2026-00001"
    clock = service.clock(ref)
    assert clock.stage == "Statutory Stage 1"
    assert clock.reading.deadline.due == D(2026, 11, 16)
    assert clock.reading.state is State.OVERDUE and clock.reading.left == -4
    assert events(service, ref) == ["logged"]
    assert complaint(service) == "CS-2026-00002"


def test_log_refuses_bad_values_naming_them(service):
    with pytest.raises(RuleError, match="kind 'complaint' is not one of"):
        service.log("complaint")
    with pytest.raises(RuleError, match="channel 'fax' is not one of"):
        service.log("statutory", channel="fax")
    with pytest.raises(RuleError, match="after today"):
        service.log("statutory", D(2026, 12, 1))
    ref = complaint(service)
    with pytest.raises(RuleError, match="already used"):
        service.log("statutory", reference=ref)


def test_compliments_and_referrals_have_no_clock(service):
    ref = service.log("compliment", D(2026, 11, 10), team="Fostering")
    assert service.clock(ref).reading.state is State.CLOSED
    with pytest.raises(RuleError, match="not acknowledged"):
        service.acknowledge(ref)


def test_people_are_matched_by_id_then_by_normalised_name(service):
    a = service.log("statutory", D(2026, 11, 2), complainant="Alex  Example")
    b = service.log("concern", D(2026, 11, 3), complainant="alex example.")
    c = service.log("concern", D(2026, 11, 3), complainant="Alex Example", complainant_id="X1")
    with service.db.read() as s:
        ids = [s.exec(select(Case.person_id).where(Case.reference == r)).one() for r in (a, b, c)]
        assert ids[0] == ids[1] != ids[2]
        assert len(s.exec(select(Person)).all()) == 2


def test_acknowledge_once_and_not_before_receipt(service):
    ref = complaint(service)
    with pytest.raises(RuleError, match="before the date received"):
        service.acknowledge(ref, D(2026, 11, 1))
    service.acknowledge(ref, D(2026, 11, 3))
    with pytest.raises(RuleError, match="already acknowledged"):
        service.acknowledge(ref)


def test_extend_moves_the_due_date_and_refuses_beyond_the_maximum(service):
    ref = complaint(service)
    with pytest.raises(RuleError, match="at most 20 working days"):
        service.extend(ref, D(2026, 11, 10), days=25)
    with pytest.raises(RuleError, match="beyond the 10 working days"):
        service.extend(ref, D(2026, 11, 10), days=10)
    assert service.extend(ref, D(2026, 11, 10)) == D(2026, 11, 30)
    with pytest.raises(RuleError, match="already extended"):
        service.extend(ref, D(2026, 11, 11))
    assert service.clock(ref).reading.state is State.ON_TRACK
    with service.db.read() as s:
        ev = s.exec(select(Event).where(Event.action == "extended")).one()
        assert (ev.old, ev.new, ev.who) == ("2026-11-16", "2026-11-30", "tester")


def test_an_extension_agreed_after_day_10_does_not_move_the_deadline_and_says_why(service):
    """The annual figures count such a reply late, so the caseload must not show the case on track."""
    from domain.clock import late_extension_note

    ref = complaint(service)  # received 2 November: day 10 is 16 November; today is 22 November
    assert service.extend(ref, D(2026, 11, 20)) == D(2026, 11, 16)
    reading = service.clock(ref).reading
    assert reading.state is State.OVERDUE and reading.deadline.due == D(2026, 11, 16)
    assert reading.deadline.late_extension == D(2026, 11, 30)
    assert late_extension_note(reading.deadline) == (
        "extension agreed after day 10 (16/11/2026): the reply will count as outside timescale "
        "(the extension would have given 30/11/2026)")
    with service.db.read() as s:
        ev = s.exec(select(Event).where(Event.action == "extended")).one()
        assert ev.reason == ("extension agreed on 20/11/2026: 20 working days; agreed after day 10 (16/11/2026): "
                             "the reply will count as outside timescale, and the case stays overdue")
    on_time = complaint(service)
    assert service.extend(on_time, D(2026, 11, 16)) == D(2026, 11, 30)  # on day 10 itself: in time
    assert service.clock(on_time).reading.deadline.late_extension is None


def test_a_response_or_closure_settles_an_acknowledgement_still_owed(service):
    """The digest showed an acknowledgement 126 working days overdue on a case already at Stage 2."""
    from store.views.digest import due_items

    ref = complaint(service, received=D(2026, 10, 1))
    concern = service.log("concern", D(2026, 10, 1), complainant="Bo Sample")
    with service.db.dbapi() as conn:
        owed = {(i.reference, i.stage) for i in due_items(conn, D(2026, 11, 22), config=service.config)}
    assert {(ref, "Acknowledgement"), (concern, "Acknowledgement")} <= owed
    service.respond(ref, "upheld", D(2026, 10, 14))
    service.close(concern, D(2026, 10, 20))
    with service.db.dbapi() as conn:
        assert not [i for i in due_items(conn, D(2026, 11, 22), config=service.config) if i.stage == "Acknowledgement"]
    with service.db.read() as s:
        assert [c.ack_due for c in s.exec(select(Case))] == [None, None]


def test_correcting_the_received_date_moves_the_acknowledgement_due(service):
    ref = complaint(service)  # received Monday 2 November: acknowledgement due in 2 working days
    with service.db.read() as s:
        assert s.exec(select(Case.ack_due)).one() == D(2026, 11, 4)
    service.correct_date(ref, "received", D(2026, 11, 5))
    with service.db.read() as s:
        assert s.exec(select(Case.ack_due)).one() == D(2026, 11, 9)


def test_reopening_a_database_settles_acknowledgements_its_cases_no_longer_owe(tmp_path, config):
    """Databases written before responses settled acknowledgements are put right when next opened."""
    import sqlite3

    from store.db.database import open_database

    path = tmp_path / "old.db"
    db = open_database(path, config)
    svc = CaseService(db, config, today=D(2026, 11, 22))
    ref = svc.log("statutory", D(2026, 10, 1), complainant="Alex Example")
    svc.respond(ref, "upheld", D(2026, 10, 14))
    db.close()
    conn = sqlite3.connect(path)  # as an older version left it: still owed, under an older fingerprint
    conn.execute("UPDATE \"case\" SET ack_due = '2026-10-05'")
    conn.execute("UPDATE setting SET value = 'older' WHERE key = 'calendar'")
    conn.commit()
    conn.close()
    open_database(path, config).close()
    assert sqlite3.connect(path).execute('SELECT ack_due FROM "case"').fetchall() == [(None,)]


def test_pause_and_resume_push_the_deadline_by_the_paused_working_days(service):
    ref = complaint(service)
    with pytest.raises(RuleError, match="needs a reason"):
        service.pause(ref, " ", D(2026, 11, 4))
    with pytest.raises(RuleError, match="is not paused"):
        service.resume(ref, D(2026, 11, 4))
    service.pause(ref, "awaiting consent", D(2026, 11, 4))
    assert service.clock(ref).reading.state is State.PAUSED
    with pytest.raises(RuleError, match="paused since"):
        service.pause(ref, "again", D(2026, 11, 5))
    with pytest.raises(RuleError, match="resume it before responding"):
        service.respond(ref, "upheld", D(2026, 11, 6))
    assert service.resume(ref, D(2026, 11, 11)) == D(2026, 11, 21 + 2)  # 5 working days later: Mon 23rd


def test_respond_closes_the_stage_and_refuses_a_second_response(service):
    ref = complaint(service)
    with pytest.raises(RuleError, match="needs an outcome"):
        service.respond(ref, on=D(2026, 11, 12))
    with pytest.raises(RuleError, match="outcome 'great' is not one of"):
        service.respond(ref, "great", D(2026, 11, 12))
    assert service.respond(ref, "not_upheld", D(2026, 11, 12)).value == "not_upheld"
    assert service.clock(ref).reading.state is State.CLOSED
    with pytest.raises(RuleError, match="no open stage"):
        service.respond(ref, "upheld", D(2026, 11, 13))


def test_reopen_runs_stage1_again_on_a_new_clock(service):
    ref = complaint(service)
    with pytest.raises(RuleError, match="still open"):
        service.reopen(ref, D(2026, 11, 10))
    service.respond(ref, "not_upheld", D(2026, 11, 12))
    assert service.reopen(ref, D(2026, 11, 16), "further concerns") == D(2026, 11, 30)
    assert [(s.number, s.round) for s in stages(service, ref)] == [(1, 0), (1, 1)]
    assert service.clock(ref).stage == "Statutory Stage 1"


def test_stage2_request_decline_and_late_flag(service):
    ref = complaint(service, received=D(2026, 8, 3))
    with pytest.raises(RuleError, match="only after the Stage 1 response"):
        service.request_stage(ref, 2, D(2026, 8, 10))
    service.respond(ref, "not_upheld", D(2026, 8, 14))
    warnings = service.request_stage(ref, 2, D(2026, 10, 1))
    assert "flagged as late" in warnings[0]
    with pytest.raises(RuleError, match="already been requested"):
        service.request_stage(ref, 2, D(2026, 10, 2))
    with pytest.raises(RuleError, match="needs a reason"):
        service.decline_stage(ref, 2, "")
    service.decline_stage(ref, 2, "already fully considered", D(2026, 10, 5))
    with pytest.raises(RuleError, match="was declined"):
        service.request_stage(ref, 3, D(2026, 10, 6))


def escalated(service):
    ref = complaint(service, received=D(2026, 6, 1))
    service.respond(ref, "not_upheld", D(2026, 6, 12))
    assert service.request_stage(ref, 2, D(2026, 6, 15)) == []
    service.add_independent_person("Ira Investigator", ["investigating_officer"])
    service.add_independent_person("Ida Independent", ["independent_person"])
    return ref


def test_stage2_statement_investigators_costs_and_findings(service):
    ref = escalated(service)
    service.accept_stage(ref, 2, D(2026, 6, 16))
    with pytest.raises(RuleError, match="at least one issue"):
        service.agree_statement(ref, [" "], D(2026, 6, 22))
    assert service.agree_statement(ref, ["delay", "attitude", "records"], D(2026, 6, 22)) == D(2026, 7, 27)
    with pytest.raises(RuleError, match="not in the pool of independent persons"):
        service.assign(ref, "Ira Investigator", "independent_person")
    service.assign(ref, "Ira Investigator", "investigating_officer")
    service.assign(ref, "Ida Independent", "independent_person")
    with pytest.raises(RuleError, match="no request for Stage 3"):
        service.assign(ref, "Ira Investigator", "panel_chair")
    assert service.record_cost(ref, "£4,017.98", person="Ira Investigator") == Decimal("4017.98")
    with pytest.raises(RuleError, match="the cost: '-5' is below zero"):
        service.record_cost(ref, "-5", person="Ida Independent")
    with pytest.raises(RuleError, match="3 issues; 2 findings"):
        service.respond(ref, findings=["upheld", "upheld"], on=D(2026, 7, 20))
    outcome = service.respond(ref, findings=["upheld", "not_upheld", "not_determined"], on=D(2026, 7, 20))
    assert outcome.value == "partially_upheld"
    with service.db.read() as s:
        assert [i.finding for i in s.exec(select(ComplaintIssue).order_by(ComplaintIssue.number))] == [
            "upheld", "not_upheld", "not_determined"]
        assert s.exec(select(Assignment).where(Assignment.cost.is_not(None))).one().cost == Decimal("4017.98")


def test_only_a_manager_overrides_a_derived_outcome_and_with_a_reason(service):
    ref = escalated(service)
    service.agree_statement(ref, ["delay"], D(2026, 6, 22))
    with pytest.raises(RuleError, match="only a manager may override"):
        service.respond(ref, "upheld", D(2026, 7, 20), findings=["not_upheld"])
    boss = manager(service)
    with pytest.raises(RuleError, match="needs a reason"):
        boss.respond(ref, "upheld", D(2026, 7, 20), findings=["not_upheld"])
    assert boss.respond(ref, "upheld", D(2026, 7, 20), findings=["not_upheld"],
                        override_reason="adjudicator's view").value == "upheld"
    assert stages(service, ref)[-1].outcome_overridden


def test_stage3_panel_findings_and_final_response(service):
    ref = escalated(service)
    service.agree_statement(ref, ["delay"], D(2026, 6, 22))
    service.respond(ref, findings=["not_upheld"], on=D(2026, 7, 20))
    service.request_stage(ref, 3, D(2026, 7, 27))
    service.add_independent_person("Pam Chair", ["panel_chair"])
    service.assign(ref, "Pam Chair", "panel_chair")
    with pytest.raises(RuleError, match="follows the panel's findings"):
        service.respond(ref, "not_upheld", D(2026, 9, 1))
    with pytest.raises(RuleError, match="record the panel's date"):
        service.panel_findings(ref, D(2026, 9, 1))
    warnings = service.schedule_panel(ref, D(2026, 10, 30))
    assert warnings == ["the panel meets more than 30 working days after the request"]
    assert service.panel_findings(ref, D(2026, 11, 4)) == service.calendar.add(D(2026, 11, 4), 15)
    service.record_cost(ref, "850", number=3)
    assert service.respond(ref, "not_upheld", D(2026, 11, 20)).value == "not_upheld"
    with pytest.raises(RuleError, match="3 stages: there is no Stage 4"):
        service.request_stage(ref, 4, D(2026, 11, 20))


def test_corporate_procedure_with_two_stages_has_no_stage3(db):
    cfg = Config(user="t", rules=Config().rules.with_overrides([], corporate_stages=2))
    svc = CaseService(db, cfg, today=D(2026, 11, 22))
    ref = svc.log("corporate", D(2026, 6, 1))
    svc.respond(ref, "not_upheld", D(2026, 6, 5))
    svc.request_stage(ref, 2, D(2026, 6, 8))
    svc.respond(ref, "not_upheld", D(2026, 6, 19))
    with pytest.raises(RuleError, match="corporate procedure has 2 stages"):
        svc.request_stage(ref, 3, D(2026, 6, 22))


def test_ombudsman_enquiry_decision_remedy_and_compliance(service):
    ref = complaint(service, received=D(2026, 3, 2))
    with pytest.raises(RuleError, match="no Ombudsman enquiry"):
        service.lgo_decision(ref, "invalid")
    service.lgo_enquiry(ref, D(2026, 9, 1), enquiry_type="detailed_investigation", respond_by=D(2026, 9, 29))
    service.lgo_response(ref, D(2026, 9, 20))
    with pytest.raises(RuleError, match="decision 'guilty' is not one of"):
        service.lgo_decision(ref, "guilty")
    service.lgo_decision(ref, "investigated_fault", D(2026, 10, 20))
    with pytest.raises(RuleError, match="no remedy"):
        service.lgo_complied(ref)
    service.lgo_remedy(ref, ["apology"], payment="£300", compliance_due=D(2026, 12, 20))
    with service.db.read() as s:
        enquiry = s.exec(select(OmbudsmanEnquiry)).one()
        assert (enquiry.remedy, enquiry.payment, enquiry.due) == ("apology;payment", Decimal("300.00"), D(2026, 12, 20))
    service.lgo_complied(ref, D(2026, 11, 20))
    with service.db.read() as s:
        assert s.exec(select(OmbudsmanEnquiry)).one().due is None


def test_withdraw_and_close(service):
    ref = complaint(service)
    service.withdraw(ref, D(2026, 11, 5), "resolved informally")
    assert stages(service, ref)[0].outcome == "withdrawn"
    with pytest.raises(RuleError, match="no open stage to withdraw"):
        service.withdraw(ref)
    with pytest.raises(RuleError, match="closes with a response"):
        service.close(ref)
    concern = service.log("concern", D(2026, 11, 2))
    service.close(concern, D(2026, 11, 6))
    with pytest.raises(RuleError, match="already closed"):
        service.close(concern)


def test_learning_actions_and_persistent_complainants(service):
    ref = complaint(service)
    action = service.add_action(ref, "Team to return calls within 2 days", owner="CIN manager", due=D(2026, 12, 31))
    service.complete_action(action, "Calls now returned within 2 days", D(2026, 11, 20))
    with pytest.raises(RuleError, match="was done on"):
        service.complete_action(action, "again")
    with pytest.raises(RuleError, match="single point of contact"):
        service.flag_persistent(ref, contact="", arrangements="")
    assert service.flag_persistent(ref, contact="Complaints manager", arrangements="weekly call",
                                   start=D(2026, 11, 1)) == D(2027, 5, 1)
    service.unflag_persistent(ref, "review found contact now reasonable")
    assert "persistent procedure" in events(service, ref)


def test_a_stale_version_is_refused_as_a_conflict_and_nothing_is_saved(service):
    ref = complaint(service)
    version = service.clock(ref).version
    service.acknowledge(ref, D(2026, 11, 3))  # someone else's change
    with pytest.raises(ConflictError, match="was changed by tester"):
        service.extend(ref, D(2026, 11, 10), expected_version=version)
    assert stages(service, ref)[0].extended_on is None
    service.extend(ref, D(2026, 11, 10), expected_version=service.clock(ref).version)


def test_a_refusal_part_way_leaves_nothing_half_written(service):
    ref = escalated(service)
    service.agree_statement(ref, ["one", "two"], D(2026, 6, 22))
    before = events(service, ref)
    with pytest.raises(RuleError):
        service.respond(ref, findings=["upheld"], on=D(2026, 7, 1))
    assert events(service, ref) == before and stages(service, ref)[-1].responded is None


def test_unknown_reference_and_auditor_role(service):
    with pytest.raises(NotFound, match="no case has the reference 'XX-1'"):
        service.extend("XX-1")
    ref = complaint(service)
    auditor = CaseService(service.db, Config(user="audit", auditors=frozenset({"audit"})), today=service.today())
    with pytest.raises(RuleError, match="auditor role can read everything and change nothing"):
        auditor.acknowledge(ref)

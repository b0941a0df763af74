"""The Complaint Handling Code's clocks: from the acknowledgement, provisional until one is recorded, across
English bank holidays (Easter, the late May and August holidays, Christmas 2026); the Code from 1 April 2026."""

from datetime import date

import pytest

from domain.clock import StageDates, deadline
from domain.config import from_settings
from domain.lifecycle import check_extend
from domain.timescales import RuleBook, RuleError

D = date
RULES = RuleBook()


APRIL_1 = D(2026, 4, 1)


def corporate(number=1, requested=APRIL_1, received=None, **kw) -> StageDates:
    return StageDates("corporate", number, requested, case_received=received or requested, **kw)


def test_a_case_received_on_31_march_keeps_the_old_rules_and_one_on_1_april_gets_the_code(calendar):
    old, code = corporate(requested=D(2026, 3, 31)), corporate(requested=D(2026, 4, 1))
    assert not RULES.under_code("corporate", D(2026, 3, 31)) and RULES.under_code("corporate", D(2026, 4, 1))
    # the old rule: 10 working days from receipt (Good Friday 3 and Easter Monday 6 April not counted)
    assert deadline(old, RULES, calendar).due == D(2026, 4, 16)
    assert not deadline(old, RULES, calendar).provisional
    assert RULES.stages("corporate", D(2026, 3, 31)) == 3 and RULES.stages("corporate", D(2026, 4, 1)) == 2
    # the Code: acknowledge in 5 (Fri 10 April), respond in 10 from it: provisional until acknowledged
    dl = deadline(code, RULES, calendar)
    assert (dl.start, dl.due, dl.provisional) == (D(2026, 4, 10), D(2026, 4, 24), True)
    code.acknowledged = D(2026, 4, 2)
    dl = deadline(code, RULES, calendar)
    assert (dl.start, dl.due, dl.provisional) == (D(2026, 4, 2), D(2026, 4, 20), False)
    assert RULES.timescale("corporate", "acknowledgement", D(2026, 3, 31), D(2026, 3, 31)).days == 2
    assert RULES.timescale("corporate", "acknowledgement", D(2026, 4, 1), D(2026, 4, 1)).days == 5
    # statutory complaints are untouched by the Code
    assert not RULES.under_code("statutory", D(2026, 4, 1))


def test_stage1_extension_at_its_cap_and_past_it_across_the_early_may_holiday(calendar):
    stage = corporate(acknowledged=D(2026, 4, 2))
    today = D(2026, 4, 20)
    with pytest.raises(RuleError, match="needs a reason"):
        check_extend(stage, today, 20, RULES, today)
    with pytest.raises(RuleError, match=r"at most 20 working days from the acknowledgement \(10 more\); 21"):
        check_extend(stage, today, 21, RULES, today, "awaiting records")
    assert check_extend(stage, today, None, RULES, today, "awaiting records") == 20
    stage.extended_on, stage.extended_days = today, 20
    assert deadline(stage, RULES, calendar).due == D(2026, 5, 5)  # Mon 4 May is a bank holiday


def test_late_may_bank_holiday_with_and_without_an_acknowledgement(calendar):
    stage = corporate(requested=D(2026, 5, 18))
    assert deadline(stage, RULES, calendar).due == D(2026, 6, 9)  # ack due Tue 26 May (Mon 25th a holiday)
    stage.acknowledged = D(2026, 5, 22)
    assert deadline(stage, RULES, calendar).due == D(2026, 6, 8)


def test_stage2_from_its_own_acknowledgement_across_the_august_holiday_with_its_cap(calendar):
    stage = corporate(2, D(2026, 8, 24), received=D(2026, 6, 1))
    dl = deadline(stage, RULES, calendar)
    assert (dl.step, dl.start, dl.due, dl.provisional) == ("stage2", D(2026, 9, 1), D(2026, 9, 29), True)
    stage.acknowledged = D(2026, 8, 27)
    assert deadline(stage, RULES, calendar).due == D(2026, 9, 25)
    today = D(2026, 9, 20)
    with pytest.raises(RuleError, match=r"at most 40 working days from the acknowledgement \(20 more\); 41"):
        check_extend(stage, today, 41, RULES, today, "an interview")
    stage.extended_on, stage.extended_days = today, check_extend(stage, today, None, RULES, today, "an interview")
    assert stage.extended_days == 40 and deadline(stage, RULES, calendar).due == D(2026, 10, 23)


def test_christmas_2026_friday_25th_and_monday_28th_as_boxing_days_substitute(calendar):
    stage = corporate(requested=D(2026, 12, 21))
    dl = deadline(stage, RULES, calendar)
    assert (dl.start, dl.due) == (D(2026, 12, 30), D(2027, 1, 14))
    stage.acknowledged = D(2026, 12, 24)
    assert deadline(stage, RULES, calendar).due == D(2027, 1, 12)


def test_a_council_says_when_it_adopted_the_code_and_its_own_variants_in_settings():
    later = from_settings({"procedure": {"code_from": D(2026, 7, 1)}}, login="x").rules
    assert not later.under_code("corporate", D(2026, 6, 30)) and later.under_code("corporate", D(2026, 7, 1))
    never = from_settings({"procedure": {"code_from": False}}, login="x").rules
    assert not never.under_code("corporate", D(2027, 1, 1))
    own = from_settings({"timescale": [{"procedure": "corporate", "step": "stage1", "days": 8, "extended_days": 18,
                                        "code": True}]}, login="x").rules
    rule = own.timescale("corporate", "stage1", D(2026, 5, 1), D(2026, 5, 1))
    assert (rule.days, rule.extended_days, rule.starts) == (8, 18, "acknowledgement")
    with pytest.raises(RuleError, match="starts 'the moon' is not one of: receipt, acknowledgement"):
        from_settings({"timescale": [{"procedure": "corporate", "step": "stage1", "days": 8, "starts": "the moon"}]},
                      login="x")
    assert own.fingerprint() != RULES.fingerprint() != never.fingerprint()


# -- the store: acknowledging moves the due date; Stage 2's handler is not Stage 1's --------------------

def _stages(service, ref):
    from sqlmodel import select

    from store.db.models import Case, Stage
    with service.db.read() as s:
        case = s.exec(select(Case).where(Case.reference == ref)).one()
        return case, list(s.exec(select(Stage).where(Stage.case_id == case.id).order_by(Stage.number)))


def test_the_code_case_from_logging_to_stage2_acknowledged_by_another_handler(service):
    ref = service.log("corporate", D(2026, 4, 1), complainant="Alex Example", officer="Sam Stage-One")
    case, (one,) = _stages(service, ref)
    assert (case.ack_due, one.due, one.case_received) == (D(2026, 4, 10), D(2026, 4, 24), D(2026, 4, 1))
    assert service.clock(ref, D(2026, 4, 2)).reading.deadline.provisional
    service.acknowledge(ref, D(2026, 4, 6))  # Easter Monday: the clock starts from it all the same
    case, (one,) = _stages(service, ref)
    assert (case.ack_due, one.acknowledged, one.due) == (None, D(2026, 4, 6), D(2026, 4, 20))
    assert not service.clock(ref, D(2026, 4, 7)).reading.deadline.provisional
    with pytest.raises(RuleError, match="needs a reason"):
        service.extend(ref, D(2026, 4, 20))
    service.extend(ref, D(2026, 4, 20), reason="awaiting the placement's records")
    service.respond(ref, "not_upheld", D(2026, 4, 28))
    service.request_stage(ref, 2, D(2026, 8, 24))
    case, (_, two) = _stages(service, ref)
    assert (case.ack_due, two.due) == (D(2026, 9, 1), D(2026, 9, 29))
    with pytest.raises(RuleError, match="the person who handled Stage 1 must not handle Stage 2"):
        service.acknowledge(ref, D(2026, 8, 27), handler="Sam Stage-One")
    with pytest.raises(RuleError, match="names its handler"):
        service.acknowledge(ref, D(2026, 8, 27))
    service.log("corporate", D(2026, 8, 1), complainant="Other", officer="Jo Stage-Two")  # on the list
    service.acknowledge(ref, D(2026, 8, 27), handler="Jo Stage-Two")
    case, (one, two) = _stages(service, ref)
    assert (two.acknowledged, two.due, case.ack_due) == (D(2026, 8, 27), D(2026, 9, 25), None)
    assert two.handler_id == case.officer_id != one.handler_id
    service.respond(ref, "upheld", D(2026, 9, 10))
    with pytest.raises(RuleError, match="corporate procedure has 2 stages under the Complaint Handling Code"):
        service.request_stage(ref, 3, D(2026, 9, 11))


def test_a_corporate_case_received_before_the_code_keeps_three_stages_and_its_clocks(service):
    ref = service.log("corporate", D(2026, 3, 31), complainant="Alex Example")
    case, (one,) = _stages(service, ref)
    assert (case.ack_due, one.due) == (D(2026, 4, 2), D(2026, 4, 16))
    service.respond(ref, "upheld", D(2026, 4, 10))
    service.request_stage(ref, 2, D(2026, 5, 1))
    case, (_, two) = _stages(service, ref)
    assert two.due == D(2026, 5, 18) and case.ack_due is None  # 10 from the request (Mon 4 May a holiday)


def test_correcting_the_received_date_moves_a_case_in_or_out_of_the_code(service):
    ref = service.log("corporate", D(2026, 4, 1), complainant="Alex Example")
    service.correct_date(ref, "received", D(2026, 3, 31))
    case, (one,) = _stages(service, ref)
    assert (one.case_received, one.due, one.provisional) == (D(2026, 3, 31), D(2026, 4, 16), False)

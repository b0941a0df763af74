"""Timescale rules, the clock of a stage, and outcome derivation: pure domain, no database."""

from datetime import date

import pytest

from domain.clock import StageDates, State, classify, deadline, read_clock, within_timescale
from domain.config import ConfigError
from domain.outcomes import derive_outcome
from domain.timescales import RuleBook, RuleError
from store.db.config_file import load_config


def Facts(procedure: str = "statutory", number: int = 1, requested: date = date(2026, 11, 2), **kw) -> StageDates:
    return StageDates(procedure, number, requested, **kw)


RULES = RuleBook()


def test_default_timescales_match_the_domain_readme():
    on = date(2026, 1, 1)
    stage1, stage2 = RULES.timescale("statutory", "stage1", on), RULES.timescale("statutory", "stage2", on)
    assert (stage1.days, stage1.extended_days) == (10, 20)
    assert (stage2.days, stage2.extended_days) == (25, 65)
    assert RULES.timescale("statutory", "stage3_panel", on).days == 30
    assert RULES.timescale("statutory", "stage3_findings", on).days == 5
    assert RULES.timescale("statutory", "stage3_response", on).days == 15
    assert RULES.timescale("statutory", "acknowledgement", on).days == 2
    assert RULES.timescale("corporate", "stage1", on).extended_days == 20
    assert RULES.timescale("concern", "response", on).days == 10


def test_a_councils_new_timescale_applies_only_from_its_date():
    rules = RULES.with_overrides([{"procedure": "corporate", "step": "stage1", "days": 15, "extended_days": 25,
                                   "from": date(2027, 4, 1)}])
    assert rules.timescale("corporate", "stage1", date(2027, 3, 31)).days == 10
    assert rules.timescale("corporate", "stage1", date(2027, 4, 1)).days == 15
    assert rules.fingerprint() != RULES.fingerprint()


@pytest.mark.parametrize("raw, message", [
    ({"procedure": "nope", "step": "stage1", "days": 5}, "procedure 'nope'"),
    ({"procedure": "corporate", "step": "stage9", "days": 5}, "step 'stage9'"),
    ({"procedure": "corporate", "step": "stage1", "days": 0}, "days must be"),
    ({"procedure": "corporate", "step": "stage1", "days": 10, "extended_days": 5}, "extended_days"),
    ({"procedure": "corporate", "step": "stage1", "days": 10, "from": "31/02/2027"}, "not a date"),
])
def test_bad_timescale_rules_are_refused_with_the_entry_named(raw, message):
    with pytest.raises(RuleError, match=message) as err:
        RULES.with_overrides([raw])
    assert "timescale 1" in str(err.value)


def test_config_file_errors_name_the_file_and_setting(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[calendar]\nregion = "FR"\n')
    with pytest.raises(ConfigError, match=r"config.toml: \[calendar\] region 'FR'"):
        load_config(path)
    path.write_text("[calendar\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)
    path.write_text('user = "Sam"\n')  # a setting where a section belongs
    with pytest.raises(ConfigError, match=r"config.toml: user must be a section: write \[user\]"):
        load_config(path)
    path.write_text('[calendar]\nclosures = [2026-12-29]\n[user]\nname = "Sam"\n[roles]\nmanagers = ["Sam"]\n')
    cfg = load_config(path)
    assert cfg.closures == (date(2026, 12, 29),) and cfg.role.value == "manager"


def test_stage1_deadline_extension_and_pause(calendar):
    facts = Facts()
    assert deadline(facts, RULES, calendar).due == date(2026, 11, 16)
    facts.extended_on, facts.extended_days = date(2026, 11, 10), 20
    assert deadline(facts, RULES, calendar).due == date(2026, 11, 30)
    facts.paused_days = 3
    assert deadline(facts, RULES, calendar).due == date(2026, 12, 3)


def test_stage2_clock_starts_at_the_statement_else_the_request(calendar):
    facts = Facts(number=2, requested=date(2026, 9, 1))
    assert deadline(facts, RULES, calendar).start == date(2026, 9, 1)
    facts.statement_agreed = date(2026, 9, 14)
    assert deadline(facts, RULES, calendar) .start == date(2026, 9, 14)
    assert deadline(facts, RULES, calendar).due == calendar.add(date(2026, 9, 14), 25)


def test_stage3_runs_panel_then_findings_then_final_response(calendar):
    facts = Facts(number=3, requested=date(2026, 6, 1))
    assert deadline(facts, RULES, calendar).step == "stage3_panel"
    facts.panel_on = date(2026, 7, 1)
    assert deadline(facts, RULES, calendar).due == calendar.add(date(2026, 7, 1), 5)
    facts.findings_on = date(2026, 7, 6)
    assert deadline(facts, RULES, calendar).due == calendar.add(date(2026, 7, 6), 15)


def test_2020_stage3_deadlines_are_relaxed_not_late(calendar):
    facts = Facts(number=3, requested=date(2020, 4, 1))
    reading = read_clock(facts, RULES, calendar, date(2020, 8, 1))
    assert reading.state is State.RELAXED
    facts.requested = date(2020, 10, 1)
    assert read_clock(facts, RULES, calendar, date(2021, 1, 5)).state is State.OVERDUE


def test_states_on_a_given_day(calendar):
    due = date(2026, 11, 24)  # Tuesday
    assert classify(due, date(2026, 11, 16), calendar)[0] is State.ON_TRACK
    assert classify(due, date(2026, 11, 22), calendar) == (State.DUE_SOON, 2)
    assert classify(due, date(2026, 11, 24), calendar) == (State.DUE_SOON, 0)
    assert classify(due, date(2026, 11, 25), calendar) == (State.OVERDUE, -1)
    assert classify(date(2026, 11, 20), date(2026, 11, 22), calendar)[0] is State.OVERDUE  # Friday, seen on Sunday
    assert classify(due, date(2026, 11, 30), calendar, paused=True)[0] is State.PAUSED
    assert read_clock(Facts(responded=date(2026, 11, 5)), RULES, calendar, date(2026, 11, 22)).state is State.CLOSED


def test_within_timescale_needs_an_extension_agreed_by_day_10(calendar):
    received = date(2026, 11, 2)
    day15 = calendar.add(received, 15)
    assert within_timescale(received, calendar.add(received, 10), None, 10, 20, calendar)
    assert not within_timescale(received, day15, None, 10, 20, calendar)
    assert within_timescale(received, day15, calendar.add(received, 10), 10, 20, calendar)
    assert not within_timescale(received, day15, calendar.add(received, 11), 10, 20, calendar)
    assert not within_timescale(received, calendar.add(received, 21), received, 10, 20, calendar)


@pytest.mark.parametrize("findings, expected", [
    (["upheld", "upheld"], "upheld"),
    (["upheld", "not_upheld"], "partially_upheld"),
    (["partially_upheld", "not_upheld"], "partially_upheld"),
    (["not_upheld", "not_determined"], "not_upheld"),
    (["not_determined", "not_determined"], "not_determined"),
    (["upheld", "not_determined"], "partially_upheld"),
    ([], None),
])
def test_overall_outcome_is_derived_from_findings(findings, expected):
    result = derive_outcome(findings)
    assert (result.value if result else None) == expected


def test_a_finding_must_be_a_finding():
    with pytest.raises(ValueError, match="not a finding"):
        derive_outcome(["withdrawn"])


@pytest.mark.parametrize(("left", "state", "long", "short"), [
    (-3, State.OVERDUE, "3 working days overdue", "3 over"),
    (-1, State.OVERDUE, "1 working day overdue", "1 over"),
    (0, State.OVERDUE, "overdue since the last working day", "overdue"),
    (0, State.DUE_SOON, "due today", "due today"),
    (1, State.DUE_SOON, "1 working day left", "1 left"),
    (7, State.ON_TRACK, "7 working days left", "7 left"),
    (4, State.PAUSED, "paused", "paused"),
])
def test_due_phrases_long_for_the_digest_and_short_for_the_caseload(left, state, long, short):
    from domain.clock import due_phrase

    assert (due_phrase(left, state), due_phrase(left, state, short=True)) == (long, short)


def test_every_vocabulary_value_has_a_display_name_and_stages_use_them():
    """'Mp enquiry' and 'early_help' showed through: a person reads display names, never stored values."""
    from enum import StrEnum

    from domain import vocab
    from domain.lifecycle import stage_name

    enums = [v for v in vars(vocab).values() if isinstance(v, type) and issubclass(v, StrEnum) and v is not StrEnum
             and v is not vocab.Role]
    missing = [f"{e.__name__}.{m.name}" for e in enums for m in e if m.value not in vocab.DISPLAY]
    assert missing == []
    assert [vocab.label(v) for v in ("mp_enquiry", "early_help", "cin", "nyas", "not_upheld", None, "CIN North")] == [
        "MP enquiry", "Early help", "Child in need", "NYAS", "Not upheld", "", "CIN North"]
    assert stage_name(StageDates("mp_enquiry", 1, date(2026, 11, 2))) == "MP enquiry"
    assert stage_name(StageDates("councillor_enquiry", 1, date(2026, 11, 2))) == "Councillor enquiry"

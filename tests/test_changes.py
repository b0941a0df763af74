"""The rules for changing a stored case: the same answer, in the same words, from a form, `correct` and an import."""

from __future__ import annotations

from datetime import date

import pytest

from domain.changes import StoredCase, check_change, check_outcome
from domain.register import RegisterRow
from domain.timescales import RuleError
from domain.vocab import Role
from store.db.database import open_database
from store.lifecycle.service import CaseService
from tests.test_cli import run
from tests.test_register import write

D = date
OPEN = StoredCase(closed=False, closed_stages=frozenset())
ANSWERED = StoredCase(closed=False, closed_stages=frozenset({1}))  # Stage 1 responded to, Stage 2 open


def refusal(stored: StoredCase, column: str, old: object, new: object, role: Role = Role.OFFICER,
            reason: str | None = None) -> str | None:
    try:
        check_change(stored, column, old, new, role, reason)
    except RuleError as exc:
        return str(exc)
    return None


def test_what_an_open_stage_records_any_writer_changes():
    assert refusal(OPEN, "stage1_extended", None, D(2024, 5, 10)) is None  # an extension, as the form records
    assert refusal(OPEN, "stage1_responded", None, D(2024, 5, 20)) is None  # a response
    assert refusal(OPEN, "received", D(2024, 5, 2), D(2024, 5, 3)) is None  # as `correct` allows
    assert refusal(ANSWERED, "stage2_extended", None, D(2024, 6, 10)) is None  # Stage 2 is still open
    assert refusal(OPEN, "closed", None, D(2024, 5, 9)) is None  # closing a concern
    assert refusal(ANSWERED, "stage1_reopened", 0, 1) is None  # reopening, as the form does
    assert refusal(ANSWERED, "summary", "Calls", "Letters") is None  # no stage's record


def test_what_a_closed_stage_or_case_records_only_a_manager_changes_with_a_reason():
    closed_concern = StoredCase(closed=True, closed_stages=frozenset())
    for stored, column, old, new, what in [
            (ANSWERED, "stage1_extended", None, D(2024, 5, 10), "changing stage1 extended of a closed stage"),
            (ANSWERED, "stage1_outcome", "upheld", "not_upheld", "changing stage1 outcome of a closed stage"),
            (ANSWERED, "received", D(2024, 5, 2), D(2024, 5, 3), "changing received of a closed stage"),
            (closed_concern, "received", D(2024, 5, 2), D(2024, 5, 3), "changing received of a closed case"),
            (closed_concern, "closed", D(2024, 5, 9), D(2024, 5, 15), "changing closed of a closed case"),
            (closed_concern, "closed", D(2024, 5, 9), None, "changing closed of a closed case"),
            (ANSWERED, "stage1_reopened", 2, 1, "removing 1 reopening of Stage 1"),
            (OPEN, "stage1_reopened", 3, 0, "removing 3 reopenings of Stage 1")]:
        assert refusal(stored, column, old, new) == f"{what} needs the manager role"
        assert refusal(stored, column, old, new, Role.MANAGER, "  ") == f"{what} needs a reason"
        assert refusal(stored, column, old, new, Role.MANAGER, "letter on file") is None


def test_the_register_view_of_a_stored_case():
    assert StoredCase.of_row(RegisterRow(kind="statutory", stage1_responded=D(2024, 5, 20),
                                         stage2_requested=D(2024, 5, 21), stage2_declined=D(2024, 5, 22))) \
        == StoredCase(closed=False, closed_stages=frozenset({1, 2}))
    assert StoredCase.of_row(RegisterRow(kind="concern", closed=D(2024, 5, 9))).closed
    assert StoredCase.of_row(RegisterRow(kind="compliment")).closed  # closed the day it came, unshown


def test_an_outcome_against_its_findings_is_a_managers_override_with_a_reason():
    assert check_outcome("partially_upheld", ["upheld", "not_upheld"], Role.OFFICER, None) is False
    assert check_outcome(None, ["upheld"], Role.OFFICER, None) is False  # nothing to override
    with pytest.raises(RuleError, match="^the findings give partially_upheld; only a manager may override"):
        check_outcome("upheld", ["upheld", "not_upheld"], Role.OFFICER, "why")
    with pytest.raises(RuleError, match=r"^overriding the derived outcome \(not_upheld\) with upheld needs a reason"):
        check_outcome("upheld", ["not_upheld"], Role.MANAGER, None)
    assert check_outcome("upheld", ["not_upheld"], Role.MANAGER, "adjudicator's view") is True


@pytest.fixture
def answered(tmp_path, config):
    """CS-2026-00001: answered at Stage 1, Stage 2 under way with its statement agreed."""
    path = tmp_path / "c.db"
    db = open_database(path, config)
    svc = CaseService(db, config, today=D(2026, 11, 22))
    ref = svc.log("statutory", D(2026, 9, 1), complainant="Alex Example", complainant_id="P1")
    svc.respond(ref, "not_upheld", D(2026, 9, 10))
    svc.request_stage(ref, 2, D(2026, 9, 14))
    svc.agree_statement(ref, ["delay", "tone"], D(2026, 9, 21))
    db.close()
    return str(path), ref, svc


def test_a_form_correct_and_an_import_refuse_the_same_change_in_the_same_words(answered, tmp_path):
    path, ref, svc = answered
    corrected = run("correct", ref, "stage1_responded", "11/09/2026", "--db", path)
    register = run("export", "--register", "--db", path).stdout.splitlines()
    moved = write(tmp_path / "moved.csv", register[0], register[1].replace("2026-09-10", "2026-09-11"))
    imported = run("import", moved, "--db", path)
    assert corrected.stderr == "Error: changing stage1 responded of a closed stage needs the manager role\n"
    assert imported.stderr.splitlines()[1] == (
        "  row 2, stage1_responded: changing stage1 responded of a closed stage needs the manager role")

    db = open_database(path, svc.config)
    with pytest.raises(RuleError) as refused:
        CaseService(db, svc.config, today=D(2026, 11, 22)).respond(ref, "upheld", D(2026, 10, 30),
                                                                   findings=["upheld", "not_upheld"])
    db.close()
    columns = register[0].split(",")
    cells = register[1].split(",")
    cells[columns.index("stage2_responded")], cells[columns.index("stage2_outcome")] = "2026-10-30", "upheld"
    cells[columns.index("stage2_findings")] = "upheld:1;not_upheld:1"
    imported = run("import", write(tmp_path / "answer.csv", register[0], ",".join(cells)), "--db", path)
    assert str(refused.value) == "the findings give partially_upheld; only a manager may override the outcome " \
                                 "with upheld"
    assert imported.stderr.splitlines()[1:] == [f"  row 2, stage2_outcome: {refused.value}"]

"""The Complaint Handling Code's commands: not-accepted, letter, assess, and `show` with a provisional date."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from typer.testing import CliRunner

import cli
from domain.config import Config
from store.db.database import open_database
from store.db.models import Case, CodeSelfAssessment, OmbudsmanLetter
from store.lifecycle.service import CaseService

runner = CliRunner()
TODAY = date(2026, 11, 22)


def run(*args):
    return runner.invoke(cli.app, list(args), env={"COMPLAINTS_TODAY": "2026-11-22"})


@pytest.fixture
def path(tmp_path, monkeypatch):
    (tmp_path / "officer.toml").write_text('[user]\nname = "olu"\n')
    monkeypatch.setenv("COMPLAINTS_CONFIG", str(tmp_path / "officer.toml"))
    path = tmp_path / "c.db"
    config = Config(user="olu")
    db = open_database(path, config)
    svc = CaseService(db, config, today=TODAY)
    svc.log("corporate", date(2026, 11, 16), complainant="Ann Example")
    svc.log("corporate", date(2026, 11, 17), complainant="Bo Example")
    db.close()
    return str(path)


def read(path, model):
    db = open_database(path, Config(user="olu"))
    try:
        with db.read() as s:
            return list(s.exec(select(model)))
    finally:
        db.close()


def test_not_accepted_records_the_exclusion_and_closes_the_case(path):
    done = run("not-accepted", "CC-2026-00001", "--exclusion", "service_request", "--db", path)
    assert done.exit_code == 0, done.output
    assert done.output == "CC-2026-00001: not accepted as a complaint (service request)\n"
    case = next(c for c in read(path, Case) if c.reference == "CC-2026-00001")
    assert (case.not_accepted, case.exclusion, case.closed, case.ack_due) == (TODAY, "service_request", TODAY, None)
    again = run("not-accepted", "CC-2026-00001", "--exclusion", "legal_proceedings", "--db", path)
    assert again.exit_code == 1 and "was already recorded as not accepted on 22/11/2026" in again.output
    other = run("not-accepted", "CC-2026-00002", "--exclusion", "other", "--db", path)
    assert other.exit_code == 1 and "an exclusion of 'other' needs the reason in words" in other.output
    assert "Example: complaints not-accepted" in run("not-accepted", "--help").output


def test_letter_and_self_assessment_are_entered_per_year(path):
    done = run("ombudsman-letter", "--year", "2026", "--received", "14", "--decided", "12", "--upheld", "5",
               "--compliance", "100", "--remedied", "1", "--db", path)
    assert done.output == "Ombudsman letter 2026/27: 14 received, 12 decided, 5 upheld\n"
    bad = run("ombudsman-letter", "--year", "2026", "--received", "1", "--decided", "2", "--upheld", "3", "--db", path)
    assert bad.exit_code == 1 and "upheld (3) cannot exceed its decisions (2)" in bad.output
    (row,) = read(path, OmbudsmanLetter)
    assert (row.year, row.received, row.upheld, row.compliance_percent, row.entered_by) == (2026, 14, 5, 100, "olu")
    done = run("assess", "--year", "2026", "--section", "stages", "--compliance", "partly",
               "--actions", "Train Stage 2 handlers", "--db", path)
    assert done.output == "Self-assessment 2026/27, stages: partly\n"
    run("assess", "--year", "2026", "--section", "stages", "--compliance", "complies", "--db", path)
    (row,) = read(path, CodeSelfAssessment)
    assert (row.section, row.compliance, row.actions) == ("stages", "complies", None)


def test_show_says_the_response_date_is_provisional_until_acknowledged(path):
    shown = run("show", "CC-2026-00002", "--db", path)
    assert shown.exit_code == 0, shown.output
    # received Tue 17/11: acknowledgement due in 5 (24/11), the response 10 after that (08/12), provisional
    assert "Acknowledgement due 24/11/2026" in shown.output
    assert "response due 08/12/2026 (provisional until acknowledged)" in shown.output


def test_the_digest_marks_a_provisional_date(path):
    due = run("due", "--db", path, "--within", "15")
    assert due.exit_code == 0, due.output
    line = next(x for x in due.output.splitlines() if "CC-2026-00002" in x and "Stage 1" in x)
    assert "08/12/2026?" in line
    assert any(line.endswith("? provisional (until acknowledged)") for line in due.output.splitlines())  # legend

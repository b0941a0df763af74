"""The Complaint Handling Code's annual report for a synthetic 2026/27: every figure counted by hand below."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

import cli
from domain.code_report import compute
from domain.config import Config
from domain.year import FinancialYear
from store.db.database import open_database
from store.lifecycle.service import CaseService
from store.views.code_report import code_facts

D = date
TODAY = D(2027, 4, 10)
runner = CliRunner()


@pytest.fixture
def year_db(tmp_path, monkeypatch, calendar):
    (tmp_path / "officer.toml").write_text('[user]\nname = "olu"\n')
    monkeypatch.setenv("COMPLAINTS_CONFIG", str(tmp_path / "officer.toml"))
    path = tmp_path / "c.db"
    config = Config(user="olu")
    db = open_database(path, config)
    svc = CaseService(db, config, today=TODAY, calendar=calendar)
    h = svc.log("statutory", D(2026, 5, 1), complainant="H Example", officer="Jo Two")  # not under the Code
    svc.not_accepted(svc.log("statutory", D(2026, 6, 2), complainant="G"), "over_12_months", on=D(2026, 6, 3))
    a = svc.log("corporate", D(2026, 3, 31), complainant="A Example")  # received before the Code
    svc.acknowledge(a, D(2026, 4, 1))
    svc.respond(a, "upheld", D(2026, 4, 10))
    b = svc.log("corporate", D(2026, 4, 1), complainant="B Example")
    svc.acknowledge(b, D(2026, 4, 2))  # 1 working day: within 5
    svc.respond(b, "upheld", D(2026, 4, 20))  # the 10th working day from the acknowledgement: within 10
    c = svc.log("corporate", D(2026, 5, 18), complainant="C Example", officer="Sam One")
    svc.acknowledge(c, D(2026, 5, 27))  # 6 working days (Mon 25 May a holiday): late
    svc.extend(c, D(2026, 6, 1), reason="awaiting records")  # due 10/06, extended to 24/06
    svc.respond(c, "partially_upheld", D(2026, 6, 15))  # after 10, within the extension
    svc.request_stage(c, 2, D(2026, 6, 22))  # escalated
    svc.acknowledge(c, D(2026, 6, 24), handler="Jo Two")  # 2 working days: within 5
    svc.respond(c, "not_upheld", D(2026, 8, 20))  # due 22/07: late
    d = svc.log("corporate", D(2026, 12, 21), complainant="D Example")  # never acknowledged
    svc.respond(d, "upheld", D(2027, 1, 20))  # due 14/01 from the acknowledgement's deadline (30/12): late
    svc.not_accepted(svc.log("corporate", D(2026, 6, 1), complainant="E"), "service_request", on=D(2026, 6, 1))
    svc.not_accepted(svc.log("corporate", D(2026, 7, 1), complainant="F"), "legal_proceedings", on=D(2026, 7, 2))
    action = svc.add_action(b, "Train the duty team on call-backs")
    svc.complete_action(action, "Duty team trained: calls returned within 2 days", D(2026, 9, 1))
    svc.complete_action(svc.add_action(h, "A statutory lesson"), "done", D(2026, 9, 2))  # not corporate
    svc.record_letter(2026, received=14, decided=12, upheld=5, compliance_percent=100, remedied_by_council=1)
    svc.assess(2026, "stages", "partly", evidence="Stage 2 handled apart", actions="=SUM(A1) train handlers")
    yield path, db, config, calendar
    db.close()


def test_the_code_report_matches_the_figures_counted_by_hand(year_db):
    path, db, config, calendar = year_db
    sections = {s.id: s for s in compute(code_facts(db, config, FinancialYear(2026)), calendar, config.rules)}
    assert sections["code_timeliness"].rows == [
        ["Acknowledged", 2, 1], ["Acknowledged within 5 working days", 1, 1], ["Responded", 3, 1],
        ["Responded within 10 / 20 working days", 1, 0], ["Responded within an agreed extension", 1, 0],
        ["Responded late", 1, 1], ["Extended", 1, 0], ["Escalated to Stage 2", 1, None]]
    assert sections["code_outcomes"].rows == [["Upheld", 2, 0], ["Partially upheld", 1, 0], ["Not upheld", 0, 1],
                                              ["Total", 3, 1]]
    refused = {r[0]: r[1] for r in sections["code_refused"].rows}
    assert (refused["A service request"], refused["Legal proceedings"], refused["Over 12 months old"],
            refused["Total"]) == (1, 1, 0, 2)
    assert sections["code_improvements"].rows == [["01/09/2026", "Train the duty team on call-backs",
                                                    "Duty team trained: calls returned within 2 days"]]
    assert sections["code_ombudsman"].rows[:4] == [["Complaints and enquiries received", 14, 0],
                                                   ["Decisions made", 12, 0], ["Upheld", 5, 0],
                                                   ["Upheld rate (%)", 42, None]]
    stages = next(r for r in sections["code_self_assessment"].rows if r[0] == "The stages")
    assert stages == ["The stages", "Partly", "Stage 2 handled apart", "=SUM(A1) train handlers"]
    assert sum(1 for r in sections["code_self_assessment"].rows if r[1] == "Not assessed") == 8


def test_summary_code_in_text_markdown_html_and_an_xlsx_whose_text_is_never_a_formula(year_db, tmp_path):
    path = str(year_db[0])
    env = {"COMPLAINTS_TODAY": "2027-04-10"}
    text = runner.invoke(cli.app, ["summary", "--code", "--year", "2026", "--format", "text", "--db", path], env=env)
    assert text.exit_code == 0, text.output
    assert text.output.startswith("Complaint Handling Code: annual report 2026/27\n")
    lines = {" ".join(line.split()) for line in text.output.splitlines()}
    assert {"Responded within an agreed extension 1 0", "Escalated to Stage 2 1", "Legal proceedings 1",
            "Upheld rate (%) 42", "01/09/2026 Train the duty team on call-backs Duty team trained: calls returned "
            "within 2 days"} <= lines
    md = runner.invoke(cli.app, ["summary", "--code", "--year", "2026", "--format", "markdown", "--db", path],
                       env=env)
    assert "| Escalated to Stage 2 | 1 |  |" in md.output and "## Complaints not accepted, by exclusion" in md.output
    page = runner.invoke(cli.app, ["summary", "--code", "--year", "2026", "--format", "html", "--db", path], env=env)
    assert "<td>Legal proceedings</td><td>1</td>" in page.output
    out = tmp_path / "code.xlsx"
    done = runner.invoke(cli.app, ["export", "--code", "--year", "2026", "--output", str(out), "--db", path], env=env)
    assert done.exit_code == 0, done.output
    from openpyxl import load_workbook

    ws = load_workbook(out)["code_self_assessment"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "=SUM(A1) train handlers")
    assert cell.data_type == "s"
    refused = runner.invoke(cli.app, ["export", "--code", "--output", str(tmp_path / "x.csv"), "--db", path],
                            env=env)
    assert refused.exit_code == 1 and "give --output a file ending .xlsx" in refused.output


def test_the_register_carries_the_code_year_whole_and_the_report_is_the_same_after_a_round_trip(year_db, tmp_path):
    path = str(year_db[0])
    env = {"COMPLAINTS_TODAY": "2027-04-10"}
    out = tmp_path / "register.csv"
    assert runner.invoke(cli.app, ["export", "--register", "--db", path, "--output", str(out)],
                         env=env).exit_code == 0
    text = out.read_text(encoding="utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert header[-5:] == ["stage2_acknowledged", "stage2_handler", "not_accepted", "exclusion", "exclusion_note"]
    assert "2026-06-24,Jo Two" in text and ",2026-06-01,service_request," in text
    copy = str(tmp_path / "copy.db")
    done = runner.invoke(cli.app, ["import", str(out), "--db", copy], env=env)
    assert done.exit_code == 0, done.output
    again = tmp_path / "again.csv"
    runner.invoke(cli.app, ["export", "--register", "--db", copy, "--output", str(again)], env=env)
    assert again.read_text(encoding="utf-8-sig") == text
    first = runner.invoke(cli.app, ["summary", "--code", "--year", "2026", "--format", "text", "--db", path], env=env)
    second = runner.invoke(cli.app, ["summary", "--code", "--year", "2026", "--format", "text", "--db", copy],
                           env=env)
    # the letter and the self-assessment are entered per database, not carried by the register of cases
    cut = "Self-assessment against the Code"
    assert first.output.split("Corporate complaints under")[1].split("Service improvements")[0] == \
        second.output.split("Corporate complaints under")[1].split("Service improvements")[0], cut


def test_an_import_refuses_a_refusal_without_its_exclusion_or_with_a_response(tmp_path):
    reg = tmp_path / "reg.csv"
    reg.write_text("kind,received,not_accepted,exclusion,stage1_responded\n"
                   "corporate,2026-06-01,2026-06-02,,\n"
                   "corporate,2026-06-01,2026-06-02,legal_proceedings,2026-06-05\n"
                   "corporate,2026-06-01,2026-06-02,service_request,\n", encoding="utf-8")
    done = runner.invoke(cli.app, ["import", str(reg), "--db", str(tmp_path / "c.db")],
                         env={"COMPLAINTS_TODAY": "2026-11-22"})
    assert done.exit_code == 1
    assert "row 2, exclusion: a contact not accepted as a complaint needs its exclusion" in done.output
    assert "row 3, not_accepted: a contact not accepted as a complaint has no response or later stage" in done.output

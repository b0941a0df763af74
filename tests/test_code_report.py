"""The Complaint Handling Code's annual report for a synthetic 2026/27: every figure counted by hand below."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from typer.testing import CliRunner

import cli
from domain.code_report import compute
from domain.config import Config
from domain.year import FinancialYear
from store.db.database import open_database
from store.db.models import Case, Person
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
    assert header == [*FORMAT, "stage1_reopened_on", "stage1_reopened_responded", "stage2_handler", "not_accepted_on",
                      "exclusion_note"]  # the format's columns in its order, then the tool's own
    rows = [dict(zip(header, line.split(","), strict=True)) for line in text.splitlines()[1:]]
    assert [(r["kind"], r["received"], r["not_accepted"], r["not_accepted_on"], r["closed"]) for r in rows
            if r["not_accepted"]] == [("statutory", "2026-06-02", "over_12_months", "2026-06-03", "2026-06-03"),
                                      ("corporate", "2026-06-01", "service_request", "2026-06-01", "2026-06-01"),
                                      ("corporate", "2026-07-01", "legal_proceedings", "2026-07-02", "2026-07-02")]
    assert [(r["stage2_acknowledged"], r["stage2_handler"]) for r in rows if r["stage2_handler"]] == [
        ("2026-06-24", "Jo Two")]
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


def test_an_import_refuses_what_the_format_does_not_allow_of_a_contact_not_accepted(tmp_path):
    reg = tmp_path / "reg.csv"
    reg.write_text("kind,received,not_accepted,not_accepted_on,closed,stage1_responded,exclusion_note\n"
                   "corporate,2026-06-01,other_appeal_route,,,,\n"  # the format's spelling is other_route
                   "corporate,2026-06-01,legal_proceedings,2026-06-02,,2026-06-05,\n"
                   "corporate,2026-06-01,,2026-06-02,,,\n"
                   "corporate,2026-06-01,,,,,A note\n"
                   "corporate,2026-06-01,service_request,2026-06-02,2026-06-03,,\n"
                   "corporate,2026-06-03,service_request,2026-06-02,,,\n"
                   "concern,2026-06-03,outside_remit,,2026-06-02,,\n"
                   "corporate,2026-06-01,other_route,,2026-06-04,,Tribunal\n", encoding="utf-8")
    done = runner.invoke(cli.app, ["import", str(reg), "--db", str(tmp_path / "c.db")],
                         env={"COMPLAINTS_TODAY": "2026-11-22"})
    assert done.exit_code == 1
    assert done.stderr.splitlines()[1:] == [
        "  row 2, not_accepted: 'other_appeal_route' is not one of: service_request, legal_proceedings, "
        "over_12_months, other_route, already_considered, outside_remit, other",
        "  row 3, not_accepted: a contact not accepted as a complaint has no response or later stage",
        "  row 4, not_accepted_on: needs the exclusion under which the contact was not accepted as a complaint "
        "(not_accepted)",
        "  row 5, exclusion_note: needs the exclusion under which the contact was not accepted as a complaint "
        "(not_accepted)",
        "  row 6, closed: a contact not accepted as a complaint closed the day it was not accepted "
        "(not_accepted_on, 2026-06-02)",
        "  row 7, not_accepted_on: 2026-06-02 is before received (2026-06-03)",
        "  row 8, closed: 2026-06-02 is before received (2026-06-03)"]  # row 9: closed is the date it was not


#: The case register's own columns, in its order (../shared/formats/case-register.md).
FORMAT = ["reference", "kind", "received", "channel", "complainant_id", "complainant", "complainant_group",
          "persistent", "child_status", "advocate", "service_area", "team", "themes", "summary", "officer",
          "acknowledged", "persistent_start", "persistent_review", "persistent_end", "not_accepted", "closed",
          "stage1_extended", "stage1_responded", "stage1_outcome", "stage1_reopened", "stage2_requested",
          "stage2_declined", "stage2_acknowledged", "stage2_started", "stage2_extended", "stage2_responded",
          "stage2_outcome", "stage2_findings", "stage2_cost", "stage3_requested", "stage3_panel",
          "stage3_responded", "stage3_outcome", "stage3_cost", "lgo_received", "lgo_decision", "lgo_closed",
          "lgo_remedy", "lgo_payment"]
#: A register written to the format alone: contacts not accepted (their date from closed, else received),
#: a person whose persistent procedure ended, one under it, and a complaint the Code's way.
WRITTEN = [
    {"reference": "CC-2026-00001", "kind": "corporate", "received": "01/06/2026", "complainant": "Ann Example",
     "not_accepted": "other_route", "closed": "03/06/2026"},
    {"reference": "CC-2026-00002", "kind": "corporate", "received": "2026-06-05", "complainant_id": "P2",
     "complainant": "Bo Example", "not_accepted": "Service request"},
    {"reference": "CN-2026-00003", "kind": "concern", "received": "2026-06-02", "not_accepted": "outside_remit",
     "closed": "2026-06-04"},
    {"reference": "CS-2026-00004", "kind": "statutory", "received": "2026-05-01", "complainant_id": "P4",
     "complainant": "Cy Example", "persistent": "no", "persistent_start": "2026-01-05",
     "persistent_end": "2026-07-01"},
    {"reference": "CS-2026-00005", "kind": "statutory", "received": "2026-05-02", "complainant_id": "P5",
     "complainant": "Di Example", "persistent": "yes", "persistent_start": "2026-02-01",
     "persistent_review": "2027-02-01"},
    {"reference": "CC-2026-00006", "kind": "corporate", "received": "2026-06-08", "acknowledged": "2026-06-09",
     "stage1_responded": "2026-06-19", "stage1_outcome": "upheld", "stage2_requested": "2026-06-22",
     "stage2_acknowledged": "2026-06-23"},
]


def test_a_register_written_to_the_format_imports_and_its_export_round_trips_byte_for_byte(tmp_path):
    env = {"COMPLAINTS_TODAY": "2026-11-22"}
    reg = tmp_path / "format.csv"
    reg.write_text("\n".join([",".join(FORMAT)] + [",".join(row.get(c, "") for c in FORMAT) for row in WRITTEN])
                   + "\n", encoding="utf-8")
    path = str(tmp_path / "c.db")
    done = runner.invoke(cli.app, ["import", str(reg), "--db", path], env=env)
    assert done.exit_code == 0, done.output
    db = open_database(path, Config(user="olu"))
    try:
        with db.read() as s:
            cases = {c.reference: c for c in s.exec(select(Case))}
            people = {p.external_id: p for p in s.exec(select(Person))}
    finally:
        db.close()
    assert [(c.not_accepted, c.exclusion, c.closed) for c in cases.values() if c.exclusion] == [
        (D(2026, 6, 3), "other_route", D(2026, 6, 3)), (D(2026, 6, 5), "service_request", D(2026, 6, 5)),
        (D(2026, 6, 4), "outside_remit", D(2026, 6, 4))]
    assert (people["P4"].persistent, people["P4"].persistent_start, people["P4"].persistent_ended) == (
        False, D(2026, 1, 5), D(2026, 7, 1))
    assert (people["P5"].persistent, people["P5"].persistent_ended) == (True, None)
    out, again = tmp_path / "out.csv", tmp_path / "again.csv"
    runner.invoke(cli.app, ["export", "--register", "--db", path, "--output", str(out)], env=env)
    text = out.read_text(encoding="utf-8-sig")
    rows = [dict(zip(text.splitlines()[0].split(","), line.split(","), strict=True)) for line in text.splitlines()[1:]]
    assert [(r["not_accepted"], r["not_accepted_on"], r["persistent_end"]) for r in rows] == [
        ("other_route", "2026-06-03", ""), ("service_request", "2026-06-05", ""), ("outside_remit", "2026-06-04", ""),
        ("", "", "2026-07-01"), ("", "", ""), ("", "", "")]
    copy = str(tmp_path / "copy.db")
    assert runner.invoke(cli.app, ["import", str(out), "--db", copy], env=env).exit_code == 0
    runner.invoke(cli.app, ["export", "--register", "--db", copy, "--output", str(again)], env=env)
    assert again.read_bytes() == out.read_bytes()
    same = runner.invoke(cli.app, ["import", str(reg), "--db", path], env=env)  # the format's file again: no change
    assert same.exit_code == 0 and same.stdout.splitlines()[0].endswith("0 updated, 6 unchanged."), same.output


def test_a_reimport_corrects_a_contact_not_accepted_under_the_rules_for_changes_and_ends_a_procedure(tmp_path):
    env = {"COMPLAINTS_TODAY": "2026-11-22"}
    header = "reference,kind,received,complainant_id,persistent,persistent_start,persistent_end,not_accepted"
    path = str(tmp_path / "c.db")
    first = tmp_path / "a.csv"
    first.write_text(f"{header}\nCC-1,corporate,2026-06-01,P1,yes,2026-01-05,,service_request\n"
                     "CC-2,corporate,2026-06-02,P2,,,,\n", encoding="utf-8")
    assert runner.invoke(cli.app, ["import", str(first), "--db", path], env=env).exit_code == 0
    later = tmp_path / "b.csv"
    later.write_text(f"{header}\nCC-1,corporate,2026-06-01,P1,,2026-01-05,2026-09-01,other_route\n"
                     "CC-2,corporate,2026-06-02,P2,,,,legal_proceedings\n", encoding="utf-8")
    refused = runner.invoke(cli.app, ["import", str(later), "--db", path], env=env)
    assert refused.exit_code == 1 and refused.stderr.splitlines()[1:] == [
        "  row 2, not_accepted: changing not accepted of a contact not accepted needs the manager role",
        "  row 3, not_accepted: an import does not record a contact not accepted as a complaint: use complaints "
        "not-accepted (R on the case)"]
    later.write_text(f"{header}\nCC-1,corporate,2026-06-01,P1,,2026-01-05,2026-09-01,other_route\n"
                     "CC-2,corporate,2026-06-02,P2,,,,\n", encoding="utf-8")
    boss = tmp_path / "boss.toml"
    boss.write_text('[user]\nname = "boss"\n[roles]\nmanagers = ["boss"]\n')
    done = runner.invoke(cli.app, ["import", str(later), "--db", path, "--reason", "a tribunal's matter"],
                         env={**env, "COMPLAINTS_CONFIG": str(boss)})
    assert done.exit_code == 0, done.output
    assert "  updated CC-1: persistent, persistent_end, not_accepted" in done.stdout.splitlines()
    db = open_database(path, Config(user="olu"))
    try:
        with db.read() as s:
            case = s.exec(select(Case).where(Case.reference == "CC-1")).one()
            person = s.exec(select(Person).where(Person.external_id == "P1")).one()
    finally:
        db.close()
    assert (case.exclusion, case.not_accepted, case.closed) == ("other_route", D(2026, 6, 1), D(2026, 6, 1))
    assert (person.persistent, person.persistent_ended) == (False, D(2026, 9, 1))

"""The case register: reading cells, whole-file imports, updates with history, export and round trips."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from openpyxl import Workbook, load_workbook

from domain.config import Config
from domain.register import COLUMNS, match_header
from domain.register_cells import parse_date, parse_money
from domain.register_rows import read_row
from domain.year import FinancialYear
from store.db.database import open_database
from store.housekeeping.demo import generate
from store.views.figures import year_figures
from tests.test_cli import run

TODAY = date(2026, 11, 22)
HEADER = "reference,kind,received,complainant_id,complainant,themes,stage1_responded,stage1_outcome,stage2_cost"


def write(path, *lines, bom=False):
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def count(db_path, table='"case"'):
    return sqlite3.connect(db_path).execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# -- cells -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, day", [("2024-04-03", date(2024, 4, 3)), ("03/04/2024", date(2024, 4, 3)),
                                       ("3/4/2024", date(2024, 4, 3)), ("2024-04-03 00:00:00", date(2024, 4, 3))])
def test_dates_are_iso_or_day_first(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text, message", [("12/31/2024", "not a date that exists"),  # month-first is never read
                                           ("31/02/2024", "not a date that exists"),
                                           ("April 3rd", "not a date: write 2024-04-03 or 03/04/2024")])
def test_impossible_or_ambiguous_dates_are_errors_not_guesses(text, message):
    with pytest.raises(ValueError, match=message):
        parse_date(text)


@pytest.mark.parametrize("text, amount", [("4017.98", "4017.98"), ("£4,017.98", "4017.98"), ("£ 250", "250.00"),
                                          ("1,000,000", "1000000.00")])
def test_money_with_or_without_pounds_and_commas(text, amount):
    assert parse_money(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["4,01", "12.345", "ten pounds", "5-"])
def test_money_that_is_not_money(text):
    with pytest.raises(ValueError, match="is not an amount of money"):
        parse_money(text)


def test_a_row_reports_every_wrong_cell_and_never_echoes_free_text():
    cells = {"kind": "complaint", "received": "31/02/2024", "complainant": "Jane Example",
             "stage2_findings": "upheld:two", "persistent": "maybe"}
    row, errors = read_row(cells, 7, TODAY)
    assert row is None
    assert [str(e) for e in errors] == [
        "row 7, kind: 'complaint' is not one of: statutory, corporate, concern, mp_enquiry, councillor_enquiry, "
        "compliment, comment, referred_elsewhere",
        "row 7, received: '31/02/2024' is not a date that exists",
        "row 7, stage2_findings: 'upheld:two' is not finding:count, e.g. upheld:7;not_upheld:45 (findings: "
        "upheld, partially_upheld, not_upheld, not_determined)",
        "row 7, persistent: 'maybe' is not yes or no"]
    assert not any("Jane" in str(e) for e in errors)


def test_rules_across_a_row():
    cells = {"kind": "statutory", "received": "2024-05-10", "stage1_responded": "2024-05-01",
             "stage1_extended": "2024-06-01", "stage2_declined": "2024-06-03", "stage2_responded": "2024-07-01",
             "stage3_outcome": "upheld", "lgo_decision": "invalid"}
    _, errors = read_row(cells, 3, TODAY)
    assert [f"{e.column}: {e.message}" for e in errors] == [
        "stage1_responded: 2024-05-01 is before received (2024-05-10)",
        "stage3_outcome: an outcome needs the Stage 3 response date (stage3_responded)",
        "stage2_declined: Stage 2 needs the date it was requested (stage2_requested)",
        "stage2_responded: a declined Stage 2 has no other Stage 2 dates or results",
        "stage3_outcome: Stage 3 needs the date it was requested (stage3_requested)",
        "stage1_extended: 2024-06-01 is outside Stage 1 (from its start to its response)",
        "lgo_received: the Ombudsman's other columns need the date the enquiry was received",
        "lgo_closed: a decision needs the date the Ombudsman closed the enquiry"]


def test_header_names_map_and_ignore():
    where, errors = match_header([" Reference ", "KIND", "Date received", "Notes"], {"date received": "received"},
                                 {"notes"})
    assert errors == [] and where == {"reference": 0, "kind": 1, "received": 2}
    _, errors = match_header(["kind", "Date received", "Caseworker"], {}, set())
    assert [str(e) for e in errors] == [
        "row 1, Date received: is not a register column: rename it, or use --map \"Date received=COLUMN\" or "
        "--ignore \"Date received\"",
        "row 1, Caseworker: is not a register column: rename it, or use --map \"Caseworker=COLUMN\" or --ignore "
        "\"Caseworker\""]


# -- whole files -----------------------------------------------------------------------------------

@pytest.fixture
def db_path(tmp_path, config):
    path = tmp_path / "c.db"
    open_database(path, config).close()
    return str(path)


def test_a_file_with_mistakes_is_refused_whole_with_every_error(tmp_path, db_path):
    path = write(tmp_path / "reg.csv", HEADER,
                 "CS-1,statutory,02/05/2024,P1,Ann Example,Delays,14/05/2024,upheld,",
                 "CS-2,statutory,2024-13-01,P2,Bob Example,,,,",
                 'CS-3,complaint,03/05/2024,P3,Cy Example,,,,"£1,2"',
                 "CS-1,statutory,06/05/2024,P4,Di Example,,,,",
                 "CS-4,statutory,07/05/2024,P5,Ed Example,,,,£1,2")
    result = run("import", path, "--db", db_path)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "reg.csv: 5 errors; nothing was imported."
    assert lines[1:] == [
        "  row 3, received: '2024-13-01' is not a date that exists",
        "  row 4, kind: 'complaint' is not one of: statutory, corporate, concern, mp_enquiry, councillor_enquiry, "
        "compliment, comment, referred_elsewhere",
        "  row 4, stage2_cost: '£1,2' is not an amount of money: write 4017.98 or £4,017.98",
        "  row 5, reference: 'CS-1' is also on row 2",
        "  row 6, (whole row): has 10 cells but the header names 9 columns (a comma in a value that is not in "
        "quotes?)"]
    assert count(db_path) == 0


def test_the_corrected_file_imports_and_a_second_import_changes_nothing(tmp_path, db_path):
    path = write(tmp_path / "reg.csv", HEADER,
                 "CS-1,statutory,02/05/2024,P1,Ann Example,Delays;Placement,14/05/2024,upheld,",
                 ",statutory,2024-06-03,,Bob Example,Delays,,,",
                 "CN-9,concern,03/05/2024,P1,Ann Example,,,,", bom=True)
    result = run("import", path, "--db", db_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Imported reg.csv into {db_path}: 3 created, 0 updated, 0 unchanged.",
        "Added to the council's themes: Delays, Placement"]
    conn = sqlite3.connect(db_path)
    assert conn.execute('SELECT reference FROM "case" ORDER BY id').fetchall() == [
        ("CS-1",), ("CS-2024-00001",), ("CN-9",)]
    assert conn.execute("SELECT count(*) FROM person").fetchone()[0] == 2  # Ann twice, by complainant_id
    again = run("import", path, "--db", db_path)
    assert again.stdout.splitlines()[0] == f"Imported reg.csv into {db_path}: 0 created, 0 updated, 3 unchanged."


def test_a_changed_row_updates_the_case_and_its_history(tmp_path, db_path):
    first = write(tmp_path / "a.csv", HEADER, "CS-1,statutory,02/05/2024,P1,Ann Example,Delays,,,")
    run("import", first, "--db", db_path)
    second = write(tmp_path / "b.csv", HEADER,
                   "CS-1,statutory,02/05/2024,P1,Ann Example,Delays;Placement,14/05/2024,partially_upheld,")
    dry = run("import", second, "--db", db_path, "--dry-run")
    assert dry.stdout.splitlines()[:2] == [
        f"Dry run of b.csv against {db_path}: nothing was written. It would create 0, update 1 and leave 0 "
        "unchanged.",
        "  updated CS-1: themes, stage1_responded, stage1_outcome"]
    assert count(db_path, "stage WHERE responded IS NOT NULL") == 0
    result = run("import", second, "--db", db_path)
    assert "  updated CS-1: themes, stage1_responded, stage1_outcome" in result.stdout
    history = run("history", "CS-1", "--db", db_path).stdout.splitlines()
    changes = [line.split("  ", 2)[2] for line in history[1:]]
    assert changes == [
        "imported from a.csv",
        "changed by import themes: Delays -> Delays;Placement  (reason: import of b.csv)",
        "changed by import stage1_responded: (none) -> 14/05/2024  (reason: import of b.csv)",
        "changed by import stage1_outcome: (none) -> Partially upheld  (reason: import of b.csv)"]
    reg = run("export", "--register", "--db", db_path).stdout.splitlines()
    assert reg[1].startswith("CS-1,statutory,2024-05-02,,P1,Ann Example,,,,,,,Delays;Placement,,,,,,,,,,2024-05-14,"
                             "partially_upheld,")


def test_changing_a_closed_stages_date_by_import_needs_a_manager(tmp_path, db_path, monkeypatch):
    run("import", write(tmp_path / "a.csv", HEADER, "CS-1,statutory,02/05/2024,,,,14/05/2024,upheld,"),
        "--db", db_path)
    later = write(tmp_path / "b.csv", HEADER, "CS-1,statutory,02/05/2024,,,,20/05/2024,upheld,")
    result = run("import", later, "--db", db_path)
    assert result.exit_code == 1 and result.stderr.splitlines()[1] == (
        "  row 2, stage1_responded: changing stage1 responded of a closed stage needs the manager role")
    cfg = tmp_path / "boss.toml"
    cfg.write_text(MANAGER)
    result = run("import", later, "--db", db_path, COMPLAINTS_CONFIG=str(cfg))
    assert result.exit_code == 1 and result.stderr.splitlines()[1] == (  # as complaints correct asks
        "  row 2, stage1_responded: changing stage1 responded of a closed stage needs a reason")
    result = run("import", later, "--db", db_path, "--reason", "letter posted late", COMPLAINTS_CONFIG=str(cfg))
    assert result.exit_code == 0, result.output


#: Four stored cases, imported by an officer: a late Stage 1 (11 working days), a Stage 2 under way,
#: a closed concern and a Stage 1 reopened twice.
RULED = ("reference,kind,received,closed,stage1_extended,stage1_responded,stage1_outcome,stage1_reopened,"
         "stage2_requested,stage2_started,stage2_responded,stage2_outcome,stage2_findings")
STORED = ("CS-1,statutory,02/05/2024,,,20/05/2024,not_upheld,,,,,,",
          "CS-2,statutory,02/05/2024,,,10/05/2024,not_upheld,,13/05/2024,20/05/2024,,,",
          "CN-3,concern,02/05/2024,09/05/2024,,,,,,,,,",
          "CS-4,statutory,02/05/2024,,,10/05/2024,not_upheld,2,,,,,")
#: What only a manager may change, with a reason: an extension of the closed, late Stage 1 (it would be
#: "within timescale"), a Stage 2 outcome against its findings, the concern's closing date, the reopenings.
CHANGED = ("CS-1,statutory,02/05/2024,,10/05/2024,20/05/2024,not_upheld,,,,,,",
           "CS-2,statutory,02/05/2024,,,10/05/2024,not_upheld,,13/05/2024,20/05/2024,01/07/2024,upheld,"
           "upheld:1;not_upheld:2",
           "CN-3,concern,02/05/2024,15/05/2024,,,,,,,,,",
           "CS-4,statutory,02/05/2024,,,10/05/2024,not_upheld,,,,,,")
MANAGER = '[user]\nname = "boss"\n[roles]\nmanagers = ["boss"]\n'


def stage1_within_timescale(db: str) -> object:
    figures = year_figures(open_database(db, Config(user="t")), Config(user="t"), FinancialYear(2024))
    return figures.table("stage1_timeliness").value("within_timescale", "percent")


def test_an_officers_import_is_refused_every_change_only_a_manager_may_make(tmp_path, db_path):
    assert run("import", write(tmp_path / "a.csv", RULED, *STORED), "--db", db_path).exit_code == 0
    before = run("export", "--register", "--db", db_path).stdout
    share = stage1_within_timescale(db_path)
    result = run("import", write(tmp_path / "b.csv", RULED, *CHANGED), "--db", db_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "b.csv: 4 errors; nothing was imported.",
        "  row 2, stage1_extended: changing stage1 extended of a closed stage needs the manager role",
        "  row 3, stage2_outcome: the findings give partially_upheld; only a manager may override the outcome "
        "with upheld",
        "  row 4, closed: changing closed of a closed case needs the manager role",
        "  row 5, stage1_reopened: removing 2 reopenings of Stage 1 needs the manager role"]
    assert run("export", "--register", "--db", db_path).stdout == before
    assert stage1_within_timescale(db_path) == share
    assert count(db_path, "stage WHERE number = 1 AND round > 0") == 2


def test_a_managers_import_makes_those_changes_with_a_reason_kept_in_the_history(tmp_path, db_path):
    boss = tmp_path / "boss.toml"
    boss.write_text(MANAGER)
    run("import", write(tmp_path / "a.csv", RULED, *STORED), "--db", db_path)
    changed = write(tmp_path / "b.csv", RULED, *CHANGED)
    no_reason = run("import", changed, "--db", db_path, COMPLAINTS_CONFIG=str(boss))
    assert no_reason.exit_code == 1 and no_reason.stderr.splitlines()[1:] == [
        "  row 2, stage1_extended: changing stage1 extended of a closed stage needs a reason",
        "  row 3, stage2_outcome: overriding the derived outcome (partially_upheld) with upheld needs a reason",
        "  row 4, closed: changing closed of a closed case needs a reason",
        "  row 5, stage1_reopened: removing 2 reopenings of Stage 1 needs a reason"]
    assert stage1_within_timescale(db_path) == Fraction(2, 3)  # CS-1's reply took 11 working days
    done = run("import", changed, "--db", db_path, "--reason", "checked against the letters on file",
               COMPLAINTS_CONFIG=str(boss))
    assert done.exit_code == 0, done.output
    assert stage1_within_timescale(db_path) == 1  # CS-1's reply is now within its extension
    history = run("history", "CS-2", "--db", db_path).stdout.splitlines()
    assert history[-2].split("  ", 2)[2] == (
        "changed by import stage2_outcome: (none) -> Upheld  "
        "(reason: import of b.csv: checked against the letters on file)")
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT outcome, outcome_overridden, override_reason FROM stage WHERE number = 2").fetchall() \
        == [("upheld", 1, "checked against the letters on file")]
    assert count(db_path, "stage WHERE number = 1 AND round > 0") == 0
    assert conn.execute("SELECT closed FROM \"case\" WHERE reference = 'CN-3'").fetchone() == ("2024-05-15",)


def test_strict_refuses_names_not_on_the_lists(tmp_path, db_path):
    path = write(tmp_path / "reg.csv", "kind,received,themes,team", "statutory,02/05/2024,Delays,North")
    result = run("import", path, "--db", db_path, "--strict")
    assert result.exit_code == 1 and result.stderr.splitlines()[1:] == [
        "  row 2, themes: 'Delays' is not on the council's list (--strict)",
        "  row 2, team: 'North' is not on the council's list (--strict)"]


def test_an_auditor_cannot_import(tmp_path, db_path):
    path = write(tmp_path / "reg.csv", HEADER, "CS-1,statutory,02/05/2024,P1,Ann Example,Delays,14/05/2024,upheld,")
    (tmp_path / "auditor.toml").write_text('[user]\nname = "carl"\n[roles]\nauditors = ["carl"]\n')
    result = run("import", path, "--db", db_path, COMPLAINTS_CONFIG=str(tmp_path / "auditor.toml"))
    assert (result.exit_code, result.stderr) == (1, "Error: the auditor role can read everything and change nothing\n")
    assert count(db_path) == 0


def test_unknown_columns_need_a_map_or_an_ignore(tmp_path, db_path):
    path = write(tmp_path / "reg.csv", "Type,Date received,Officer", "statutory,02/05/2024,Sam")
    assert run("import", path, "--db", db_path).exit_code == 1
    result = run("import", path, "--db", db_path, "--map", "Type=kind", "--map", "date received=received",
                 "--ignore", "Officer")
    assert result.exit_code == 0, result.output and count(db_path) == 1


def test_an_excel_register_with_real_dates_and_numbers(tmp_path, db_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Kind", "Received", "stage1_responded", "stage2_requested", "stage2_started",
                  "stage2_responded", "stage2_cost", "stage2_findings"])
    sheet.append(["statutory", date(2024, 5, 2), "14/05/2024", date(2024, 6, 3), date(2024, 6, 10),
                  date(2024, 9, 2), 4017.98, "upheld:2;not_upheld:3"])
    sheet.append([None] * 8)  # a blank line is not a row
    book.save(tmp_path / "reg.xlsx")
    result = run("import", str(tmp_path / "reg.xlsx"), "--db", db_path)
    assert result.exit_code == 0, result.output
    costs = year_figures(open_database(db_path, Config(user="t")), Config(user="t"), FinancialYear(2024))
    assert costs.table("costs").row("stage2").values == [1, Decimal("4017.98"), Decimal("4017.98")]
    assert costs.table("stage2_findings").value("total") == 5


def test_a_missing_or_unreadable_file_is_named(tmp_path, db_path):
    assert run("import", str(tmp_path / "none.csv"), "--db", db_path).stderr == (
        f"Error: {tmp_path / 'none.csv'}: no such file\n")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    assert "not a readable Excel workbook" in run("import", str(tmp_path / "bad.xlsx"), "--db", db_path).stderr
    (tmp_path / "reg.ods").write_text("x")
    assert "a register is a .csv or .xlsx file" in run("import", str(tmp_path / "reg.ods"), "--db", db_path).stderr


# -- round trip ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("round") / "demo.db"
    cfg = Config(user="tester")
    db = open_database(path, cfg)
    generate(db, cfg, cases=2500, seed=21, today=TODAY)
    db.close()
    return str(path)


def test_round_trip_gives_identical_cases_and_figures(demo_db, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.csv"
    assert run("export", "--register", "--db", demo_db, "--output", str(first)).exit_code == 0
    assert first.stat().st_mode & 0o777 == 0o600
    assert load_workbook(first).active.max_row == 2501
    copy = str(tmp_path / "copy.db")
    result = run("import", str(first), "--db", copy)
    assert result.exit_code == 0 and "2,500 created" in result.stdout, result.output
    run("export", "--register", "--db", demo_db, "--output", str(tmp_path / "original.csv"))
    run("export", "--register", "--db", copy, "--output", str(second))
    assert (tmp_path / "original.csv").read_text() == second.read_text()  # identical cases
    for year in ("2023", "2024", "2025"):
        before = json.loads(run("export", "--db", demo_db, "--year", year).stdout)["tables"]
        after = json.loads(run("export", "--db", copy, "--year", year).stdout)["tables"]
        # learning actions are not part of the register format, so they do not travel
        assert [t for t in before if t["id"] != "actions"] == [t for t in after if t["id"] != "actions"]


def test_export_register_for_one_year(demo_db):
    lines = run("export", "--register", "--db", demo_db, "--year", "2024/25").stdout.splitlines()
    assert lines[0] == ",".join(COLUMNS)
    received = [line.split(",")[2] for line in lines[1:]]
    assert received and all("2024-04-01" <= r <= "2025-03-31" for r in received)


def test_findings_are_the_domains_one_vocabulary(tmp_path, db_path):
    path = write(tmp_path / "reg.csv", "kind,received,stage1_responded,stage2_requested,stage2_started,"
                                       "stage2_responded,stage2_outcome,stage2_findings",
                 "statutory,02/05/2024,10/05/2024,13/05/2024,20/05/2024,01/07/2024,upheld,upheld:1;outside_remit:2")
    result = run("import", path, "--db", db_path)
    assert result.exit_code == 1 and result.stderr.splitlines()[1:] == [
        "  row 2, stage2_findings: 'outside_remit:2' is not finding:count, e.g. upheld:7;not_upheld:45 (findings: "
        "upheld, partially_upheld, not_upheld, not_determined)"]
    figures = year_figures(open_database(db_path, Config(user="t")), Config(user="t"), FinancialYear(2024))
    assert [row.key for row in figures.table("stage2_findings").rows] == [
        "upheld", "partially_upheld", "not_upheld", "not_determined", "total"]


# -- the same file again, the register's own columns, people matched by name -------------------------

def history_of(db_path, reference):
    return [line.split("  ", 2)[2] for line in run("history", reference, "--db", db_path).stdout.splitlines()[1:]]


def test_the_same_file_again_changes_nothing_whatever_the_order_of_its_lists(tmp_path, db_path):
    path = write(tmp_path / "reg.csv", "reference,kind,received,complainant_id,complainant,persistent,themes,"
                                       "lgo_received,lgo_decision,lgo_closed,lgo_remedy",
                 "CS-1,statutory,02/05/2024,P1,Ann Example,no,Delays;Communication;Delays,03/06/2024,"
                 "investigated_fault,01/07/2024,payment;apology")
    assert run("import", path, "--db", db_path).exit_code == 0
    again = run("import", path, "--db", db_path)
    assert again.stdout.splitlines()[0] == f"Imported reg.csv into {db_path}: 0 created, 0 updated, 1 unchanged."
    assert history_of(db_path, "CS-1") == ["imported from reg.csv"]
    stored = run("export", "--register", "--db", db_path).stdout  # the stored order, sorted
    assert ",Communication;Delays," in stored and ",apology;payment," not in stored


def test_the_registers_own_columns_officer_acknowledged_persistence_and_the_last_reopening(tmp_path, db_path):
    header = ("reference,kind,received,complainant_id,complainant,persistent,officer,acknowledged,persistent_start,"
              "persistent_review,stage1_responded,stage1_outcome,stage1_reopened,stage1_reopened_on,"
              "stage1_reopened_responded")
    path = write(tmp_path / "reg.csv", header,
                 "CS-1,statutory,02/11/2026,P1,Ann Example,yes,Sam Patel,,01/10/2026,01/04/2027,,,,,",
                 "CS-2,statutory,02/10/2026,P2,Bob Example,,Kim Lee,05/10/2026,,,09/10/2026,upheld,2,02/11/2026,",
                 "CN-3,concern,18/11/2026,P2,Bob Example,,Kim Lee,,,,,,,,")
    result = run("import", path, "--db", db_path)
    assert result.exit_code == 0, result.output
    assert "Added to the council's officers: Kim Lee, Sam Patel" in result.stdout.splitlines()
    exported = run("export", "--register", "--db", db_path).stdout.splitlines()
    assert [dict(zip(exported[0].split(","), line.split(","), strict=True)) for line in exported[1:]] == [
        {**dict.fromkeys(COLUMNS, ""), **row} for row in (
            {"reference": "CS-1", "kind": "statutory", "received": "2026-11-02", "complainant_id": "P1",
             "complainant": "Ann Example", "persistent": "yes", "officer": "Sam Patel",
             "persistent_start": "2026-10-01", "persistent_review": "2027-04-01"},
            {"reference": "CS-2", "kind": "statutory", "received": "2026-10-02", "complainant_id": "P2",
             "complainant": "Bob Example", "officer": "Kim Lee", "acknowledged": "2026-10-05",
             "stage1_responded": "2026-10-09", "stage1_outcome": "upheld", "stage1_reopened": "2",
             "stage1_reopened_on": "2026-11-02"},
            {"reference": "CN-3", "kind": "concern", "received": "2026-11-18", "complainant_id": "P2",
             "complainant": "Bob Example", "officer": "Kim Lee"})]
    due = run("due", "--db", db_path, "--format", "json")
    assert [(i["reference"], i["stage"], i["officer"], i["due"]) for i in json.loads(due.stdout)["items"]] == [
        ("CS-1", "Acknowledgement", "Sam Patel", "2026-11-04"),  # not acknowledged, and nothing answered yet
        ("CS-1", "Stage 1", "Sam Patel", "2026-11-16"),
        ("CS-2", "Stage 1 (reopened)", "Kim Lee", "2026-11-16"),  # the reopening still open
        ("CN-3", "Acknowledgement", "Kim Lee", "2026-11-20")]
    assert run("import", path, "--db", db_path).stdout.splitlines()[0].endswith("0 updated, 3 unchanged.")


def test_the_new_columns_follow_the_formats_rules(tmp_path, db_path):
    header = ("kind,received,acknowledged,persistent_start,persistent_review,stage1_responded,stage1_reopened,"
              "stage1_reopened_on,stage1_reopened_responded,stage2_requested")
    result = run("import", write(tmp_path / "bad.csv", header,
                                 "compliment,02/05/2024,03/05/2024,,,,,,,",
                                 "statutory,02/05/2024,01/05/2024,01/03/2024,01/03/2024,,,,,",
                                 "statutory,02/05/2024,,01/03/2024,,10/05/2024,,13/05/2024,,",
                                 "statutory,02/05/2024,,,,10/05/2024,1,09/05/2024,08/05/2024,",
                                 "statutory,02/05/2024,,,,10/05/2024,1,13/05/2024,,20/05/2024",
                                 "statutory,02/05/2024,,,,10/05/2024,1,13/05/2024,20/05/2024,17/05/2024",
                                 "statutory,02/05/2024,,01/03/2024,2027-01-01,,,,,",
                                 "statutory,02/05/2024,,,,,,,20/05/2024,"), "--db", db_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        "  row 2, acknowledged: a compliment is not acknowledged",
        "  row 3, acknowledged: 2024-05-01 is before received (2024-05-02)",
        "  row 3, persistent_review: 2024-03-01 is not after persistent_start (2024-03-01)",
        "  row 4, stage1_reopened_on: needs how many times Stage 1 was reopened (stage1_reopened)",
        "  row 5, stage1_reopened_on: 2024-05-09 is before stage1_responded (2024-05-10)",
        "  row 5, stage1_reopened_responded: 2024-05-08 is before stage1_reopened_on (2024-05-09)",
        "  row 6, stage2_requested: Stage 2 follows the response to the reopened Stage 1 (stage1_reopened_responded)",
        "  row 7, stage2_requested: 2024-05-17 is before stage1_reopened_responded (2024-05-20)",
        "  row 9, stage1_reopened_responded: needs the date Stage 1 was last reopened (stage1_reopened_on)"]
    # row 8: a review date may lie ahead (it is planned); every other date has happened


def test_an_ended_persistent_procedure_is_no_longer_persistent_and_ends_after_it_started():
    cells = {"kind": "statutory", "received": "2024-05-02", "persistent": "yes", "persistent_start": "2024-01-05",
             "persistent_end": "2024-03-01"}
    assert [str(e) for e in read_row(cells, 2, TODAY)[1]] == [
        "row 2, persistent_end: the procedure has ended: leave persistent empty (or no), or persistent_end empty"]
    cells.update(persistent="", persistent_end="2024-01-04")
    assert [str(e) for e in read_row(cells, 3, TODAY)[1]] == [
        "row 3, persistent_end: 2024-01-04 is before persistent_start (2024-01-05)"]
    cells.update(persistent_end="2030-01-04")  # an end has happened (only a review lies ahead)
    assert [str(e) for e in read_row(cells, 4, TODAY)[1]] == ["row 4, persistent_end: 2030-01-04 is in the future"]
    row, errors = read_row({**cells, "persistent_end": "2024-05-01"}, 5, TODAY)
    assert errors == [] and row is not None and row.persistent_end == date(2024, 5, 1)


def test_a_not_accepted_row_takes_its_date_from_closed_else_from_received():
    row, _ = read_row({"kind": "corporate", "received": "2026-06-01", "not_accepted": "other route"}, 2, TODAY)
    assert row is not None and (row.not_accepted, row.not_accepted_on, row.closed) == (
        "other_route", date(2026, 6, 1), date(2026, 6, 1))
    row, _ = read_row({"kind": "corporate", "received": "2026-06-01", "not_accepted": "other",
                       "closed": "03/06/2026", "exclusion_note": "Asked for a new bin"}, 2, TODAY)
    assert row is not None and (row.not_accepted_on, row.closed, row.exclusion_note) == (
        date(2026, 6, 3), date(2026, 6, 3), "Asked for a new bin")


def test_a_file_without_a_column_leaves_what_is_stored_in_it(tmp_path, db_path):
    run("import", write(tmp_path / "a.csv", "reference,kind,received,officer,acknowledged",
                        "CS-1,statutory,02/11/2026,Sam Patel,03/11/2026"), "--db", db_path)
    older = write(tmp_path / "b.csv", "reference,kind,received", "CS-1,statutory,02/11/2026")  # an older register
    assert run("import", older, "--db", db_path).stdout.splitlines()[0].endswith("0 updated, 1 unchanged.")
    blanked = write(tmp_path / "c.csv", "reference,kind,received,officer,acknowledged", "CS-1,statutory,02/11/2026,,")
    assert "  updated CS-1: officer, acknowledged" in run("import", blanked, "--db", db_path).stdout.splitlines()
    due = json.loads(run("due", "--db", db_path, "--format", "json").stdout)["items"]
    assert [(i["stage"], i["officer"]) for i in due] == [("Acknowledgement", ""), ("Stage 1", "")]


def test_a_reimport_sets_the_new_columns_of_stored_cases_under_the_rules_for_changes(tmp_path, db_path):
    header = ("reference,kind,received,complainant_id,complainant,persistent,persistent_start,officer,acknowledged,"
              "stage1_responded,stage1_outcome,stage1_reopened,stage1_reopened_on,stage1_reopened_responded")
    run("import", write(tmp_path / "a.csv", header,
                        "CS-1,statutory,02/10/2026,P1,Ann Example,,,Sam Patel,,09/10/2026,upheld,1,02/11/2026,"),
        "--db", db_path)
    answered = write(tmp_path / "b.csv", header, "CS-1,statutory,02/10/2026,P1,Ann Example,yes,01/10/2026,Kim Lee,"
                                                 "05/10/2026,09/10/2026,upheld,1,02/11/2026,12/11/2026")
    result = run("import", answered, "--db", db_path)  # an officer answers the reopening: a transition
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "  updated CS-1: persistent, officer, acknowledged, persistent_start, stage1_reopened_responded",
        "Added to the council's officers: Kim Lee"]
    assert history_of(db_path, "CS-1")[1:] == [
        f"changed by import {column}: {old} -> {new}  (reason: import of b.csv)" for column, old, new in (
            ("persistent", "(none)", "yes"), ("officer", "Sam Patel", "Kim Lee"),
            ("acknowledged", "(none)", "05/10/2026"), ("persistent_start", "(none)", "01/10/2026"),
            ("stage1_reopened_responded", "(none)", "12/11/2026"))]
    assert json.loads(run("due", "--db", db_path, "--format", "json").stdout)["items"] == []
    redated = write(tmp_path / "c.csv", header, "CS-1,statutory,02/10/2026,P1,Ann Example,yes,01/10/2026,Kim Lee,"
                                                "05/10/2026,09/10/2026,upheld,1,02/11/2026,13/11/2026")
    refused = run("import", redated, "--db", db_path)
    assert refused.exit_code == 1 and refused.stderr.splitlines()[1:] == [
        "  row 2, stage1_reopened_responded: changing stage1 reopened responded of an answered reopening needs the "
        "manager role"]


def test_people_matched_by_name_alone_are_named_by_their_rows(tmp_path, db_path):
    header = "reference,kind,received,complainant_id,complainant"
    first = write(tmp_path / "a.csv", header, "CS-1,statutory,02/05/2024,,Ann Example",
                  "CS-2,statutory,03/05/2024,,Bob Example", "CS-3,statutory,04/05/2024,,ANN  example",
                  "CS-4,statutory,05/05/2024,P9,Ann Example", "CS-5,statutory,06/05/2024,,Ann Example")
    result = run("import", first, "--db", db_path)
    assert result.stdout.splitlines()[1:] == [
        "1 person matched by name alone, with no complainant_id (give one to keep different people apart):",
        "  rows 2, 4, 6: one person"]
    later = write(tmp_path / "b.csv", header, "CS-6,statutory,02/06/2024,,Bob Example",
                  "CS-7,statutory,03/06/2024,,Cy Example", "CS-8,statutory,04/06/2024,,Ann Example",
                  "CS-9,statutory,05/06/2024,,Ann Example")
    result = run("import", later, "--db", db_path, "--dry-run")
    assert result.stdout.splitlines()[1:] == [
        "2 people matched by name alone, with no complainant_id (give one to keep different people apart):",
        "  row 2: a person already stored",
        "  rows 4, 5: one person, already stored"]


def test_a_demo_register_round_trip_keeps_what_is_due_and_a_second_import_changes_nothing(tmp_path):
    """A few hundred invented cases: officers on every case, acknowledgements, persistent complainants, a
    reopened Stage 1 still open and overdue (the round trip lost all of those)."""
    demo, copy = str(tmp_path / "demo.db"), str(tmp_path / "copy.db")
    cfg = Config(user="tester")
    db = open_database(demo, cfg)
    generate(db, cfg, cases=600, seed=3, today=TODAY)
    db.close()
    register, back = tmp_path / "register.csv", tmp_path / "back.csv"
    assert run("export", "--register", "--db", demo, "--output", str(register)).exit_code == 0
    imported = run("import", str(register), "--db", copy)
    assert imported.exit_code == 0 and "600 created" in imported.stdout, imported.output
    assert run("export", "--register", "--db", copy, "--output", str(back)).exit_code == 0
    assert back.read_bytes() == register.read_bytes()
    rows = list(csv.DictReader(register.open(encoding="utf-8")))
    assert all(r["officer"] for r in rows) and sum(bool(r["acknowledged"]) for r in rows) > 400
    assert any(r["persistent"] == "yes" and r["persistent_start"] and r["persistent_review"] for r in rows)
    # the digest, as JSON; learning actions are not columns of the register: their part is left out
    before, after = ({k: v for k, v in json.loads(run("due", "--db", d, "--within", "10", "--format", "json").stdout)
                      .items() if k != "learning_actions_overdue"} for d in (demo, copy))
    assert before["items"] and after == before
    assert {"Stage 1 (reopened)", "Acknowledgement"} <= {i["stage"] for i in before["items"]}
    items = json.loads(run("due", "--db", demo, "--format", "json").stdout)["items"]
    assert items == json.loads(run("due", "--db", copy, "--format", "json").stdout)["items"]
    # (the reopened Stage 1 is kept open, asserted above: under the Complaint Handling Code the demo's is on track)
    assert all(i["officer"] for i in items)
    same = run("import", str(register), "--db", demo)
    assert same.stdout.splitlines() == [f"Imported register.csv into {demo}: 0 created, 0 updated, 600 unchanged."]

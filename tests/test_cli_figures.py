"""`complaints summary` and `complaints export`: exact text, every format, bad input, and anonymity."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date

import pytest
from openpyxl import load_workbook

from domain.config import Config
from domain.figures import TABLE_IDS
from store.db.database import open_database
from store.housekeeping.demo import generate
from tests.registers import Register
from tests.test_cli import run

D = date


@pytest.fixture
def tiny_db(tmp_path, config):
    """Four complaints and a compliment in 2024/25, two complaints in 2023/24."""
    path = tmp_path / "tiny.db"
    db = open_database(path, config)
    reg = Register(db)
    reg.complaint(D(2024, 5, 1), 8, channel="email", group="parent", themes=("Delays",), outcome="upheld")
    reg.complaint(D(2024, 6, 3), 14, channel="phone", group="child", themes=("Delays", "Placement"))
    reg.complaint(D(2024, 7, 1), 25, channel="email", group="parent", themes=("Placement",))
    reg.complaint(D(2025, 3, 24), None, channel="letter", group="relative")
    reg.case("compliment", D(2024, 9, 2), channel="email", area="Fostering")
    reg.complaint(D(2023, 5, 1), 9, channel="email", group="parent")
    reg.complaint(D(2023, 8, 1), 9, channel="email", group="parent")
    reg.save()
    db.close()
    return str(path)


def test_summary_text_is_exact(tiny_db):
    result = run("summary", "--db", tiny_db, "--year", "2024/25", "--format", "text",
                 "--tables", "stage1_response_times,contact_channel")
    assert result.exit_code == 0, result.output
    assert result.stdout == """\
Children's complaints: year-end figures 2024/25 (1 April 2024 to 31 March 2025)
═══════════════════════════════════════════════════════════════════════════════
Figures in brackets are for 2023/24.

↑ 1 (0) compliments received, new this year
↑ 4 (2) Stage 1 statutory complaints received, a 100% increase; 1 (0) still ongoing at the year's end
↓ 33% (100%) of Stage 1 statutory responses within timescale, 67 percentage points lower
↔ 0% (0%) of Stage 1 statutory responses went on to Stage 2 (escalation rate), no change

Statutory Stage 1 response times
(statutory Stage 1 responses in the year; reopened responses not counted again)
┌────────────────────────┬────────┬─────────────┐
│                        │ Number │           % │
├────────────────────────┼────────┼─────────────┤
│ Within 10 working days │  1 (2) │  33% (100%) │
│ 11 to 20 working days  │  1 (0) │    33% (0%) │
│ Over 20 working days   │  1 (0) │    33% (0%) │
├────────────────────────┼────────┼─────────────┤
│ Total                  │  3 (2) │ 100% (100%) │
└────────────────────────┴────────┴─────────────┘

Method of contact
(all representations received)
┌────────┬────────┬─────────────┐
│        │ Number │           % │
├────────┼────────┼─────────────┤
│ Email  │  3 (2) │  60% (100%) │
│ Phone  │  1 (0) │    20% (0%) │
│ Letter │  1 (0) │    20% (0%) │
├────────┼────────┼─────────────┤
│ Total  │  5 (2) │ 100% (100%) │
└────────┴────────┴─────────────┘
"""


def test_summary_in_every_format_on_an_empty_year_counts_nothing_without_failing(tiny_db):
    for fmt in ("rich", "text", "markdown", "html"):
        result = run("summary", "--db", tiny_db, "--year", "2019", "--format", fmt)
        assert result.exit_code == 0, (fmt, result.output)
        assert "no cases were received in 2019/20" in result.stderr
    html = run("summary", "--db", tiny_db, "--year", "2024", "--format", "html").stdout
    assert html.startswith('<div style="') and "<table style=" in html and "<style" not in html
    markdown = run("summary", "--db", tiny_db, "--year", "2024", "--format", "markdown", "--no-compare").stdout
    assert "| Email | 3 | 60% |" in markdown and "(2)" not in markdown


def test_ascii_text_has_no_box_drawing_arrows_or_pound_signs(tiny_db):
    result = run("summary", "--db", tiny_db, "--year", "2024", "--format", "text", "--ascii")
    assert result.exit_code == 0
    assert result.stdout.isascii()
    assert "+ 4 (2) Stage 1 statutory complaints received" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["--year", "2024/26"], "Error: --year: '2024/26' is not a financial year: the second year must follow "
                            "the first (did you mean 2024/25?)"),
    (["--year", "next"], "Error: --year: 'next' is not a financial year: write 2024, 2024/25 or 2024-25"),
    (["--tables", "themes,colours"], "Error: --tables: no table called colours. The tables are: "),
])
def test_bad_input_is_named(tiny_db, args, message):
    for command in ("summary", "export"):
        result = run(command, "--db", tiny_db, *args)
        assert result.exit_code == 1 and message in result.stderr, (command, result.output)


def test_export_json_follows_the_format_spec(tiny_db):
    result = run("export", "--db", tiny_db, "--year", "2024-25")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["year"], doc["start"], doc["end"]) == ("2024/25", "2024-04-01", "2025-03-31")
    assert [t["id"] for t in doc["tables"]] == list(TABLE_IDS)
    channel = next(t for t in doc["tables"] if t["id"] == "contact_channel")
    assert channel["columns"] == ["count", "percent"]
    assert channel["rows"] == [["email", 3, 60.0], ["phone", 1, 20.0], ["letter", 1, 20.0], ["total", 5, 100.0]]
    themes = next(t for t in doc["tables"] if t["id"] == "themes")
    assert themes["rows"][0] == ["Delays", 2, 50.0, 1]  # the council's own category, as recorded


def test_export_trend_columns(tiny_db):
    doc = json.loads(run("export", "--db", tiny_db, "--year", "2024", "--years", "4",
                         "--tables", "representations_by_type,monthly_received").stdout)
    by_type, monthly = doc["tables"]
    assert by_type["columns"] == ["2024/25", "2023/24", "2022/23", "2021/22"]
    assert by_type["rows"][0] == ["statutory", 4, 2, 0, 0]
    assert monthly["columns"] == ["2024/25", "2023/24", "2022/23", "2021/22"]
    assert len(monthly["rows"]) == 12 and monthly["rows"][1] == ["may", 1, 1, 0, 0]


def test_export_csv_writes_one_owner_only_file_per_table(tiny_db, tmp_path):
    folder = tmp_path / "figures"
    result = run("export", "--db", tiny_db, "--year", "2024", "--format", "csv", "--output", str(folder))
    assert result.exit_code == 0, result.output
    files = sorted(folder.iterdir())
    assert len(files) == 21 and all(f.stat().st_mode & 0o777 == 0o600 for f in files)
    assert (folder / "2024-stage1_response_times.csv").read_bytes().decode() == (
        "key,count,percent\r\nwithin_10,1,33.3\r\n11_to_20,1,33.3\r\nover_20,1,33.3\r\ntotal,3,100.0\r\n")


def test_export_xlsx_has_a_sheet_per_table_with_numbers_and_percentages(tiny_db, tmp_path):
    path = tmp_path / "figures.xlsx"
    result = run("export", "--db", tiny_db, "--year", "2024", "--format", "xlsx", "--output", str(path))
    assert result.exit_code == 0, result.output
    assert path.stat().st_mode & 0o777 == 0o600
    wb = load_workbook(path)
    assert wb.sheetnames == ["Summary", *TABLE_IDS]
    ws = wb["contact_channel"]
    assert [c.value for c in ws[5]] == ["Email", 3, 0.6]
    assert ws["C5"].number_format == "0.0%"
    assert "Stage 1 statutory complaints received" in " ".join(str(c.value) for c in wb["Summary"]["A"])


def test_export_to_an_unwritable_place_says_where(tiny_db, tmp_path):
    result = run("export", "--db", tiny_db, "--format", "xlsx", "--output", str(tmp_path / "no" / "such" / "x.xlsx"))
    assert result.exit_code == 1 and f"cannot write {tmp_path / 'no' / 'such' / 'x.xlsx'}" in result.stderr
    result = run("export", "--db", tiny_db, "--format", "csv")
    assert result.exit_code == 1 and "--format csv needs --output (a folder)" in result.stderr


def test_list_tables(tiny_db):
    result = run("summary", "--list-tables")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 21
    assert result.stdout.startswith("representations_by_type  Representations received by type")


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("anon") / "demo.db"
    cfg = Config(user="tester")
    db = open_database(path, cfg)
    generate(db, cfg, cases=2500, seed=9, today=date(2026, 11, 22))
    db.close()
    return path


def test_no_output_names_or_references_anyone(demo_path, tmp_path):
    """Every summary and export format of a demo database, scanned for every name and reference held."""
    db = str(demo_path)
    outputs = []
    for year in ("2024", "2025"):
        for fmt in ("rich", "text", "markdown", "html"):
            outputs.append(run("summary", "--db", db, "--year", year, "--format", fmt).stdout)
        outputs.append(run("export", "--db", db, "--year", year, "--years", "5").stdout)
        folder = tmp_path / f"csv{year}"
        run("export", "--db", db, "--year", year, "--format", "csv", "--output", str(folder))
        outputs += [f.read_text() for f in folder.iterdir()]
        xlsx = tmp_path / f"{year}.xlsx"
        run("export", "--db", db, "--year", year, "--format", "xlsx", "--output", str(xlsx))
        wb = load_workbook(xlsx)
        outputs += [" ".join(str(c.value) for row in ws.iter_rows() for c in row) for ws in wb]
    text = "\n".join(outputs)
    assert "Stage 1 statutory complaints received" in text and len(outputs) == 2 * (5 + 21 + 22)
    conn = sqlite3.connect(demo_path)
    names = {n for (n,) in conn.execute("SELECT name FROM person UNION SELECT child_name FROM \"case\" "
                                        "UNION SELECT persistent_contact FROM person") if n}
    references = {r for (r,) in conn.execute('SELECT reference FROM "case"')}
    assert len(names) > 1000 and len(references) == 2500
    assert not [n for n in names if n in text]
    assert not [r for r in references if r in text]
    assert not [e for (e,) in conn.execute("SELECT email FROM person") if e and e in text]
    assert os.stat(demo_path).st_mode & 0o777 == 0o600


def test_a_year_that_has_not_started_is_an_error_not_a_year_of_zeros(tiny_db, tmp_path):
    for command in (["summary"], ["export"], ["export", "--register", "--output", str(tmp_path / "r.csv")]):
        result = run(*command, "--db", tiny_db, "--year", "2030")
        assert result.exit_code == 1, (command, result.output)
        assert result.stderr == ("Error: --year: 2030/31 has not started: it begins on 1 April 2030 "
                                 "(today is 22 November 2026)\n")


@pytest.fixture
def current_db(tmp_path, config):
    """This year so far (2026/27, today 22 November 2026) beside the same months and the rest of 2025/26."""
    path = tmp_path / "current.db"
    db = open_database(path, config)
    reg = Register(db)
    reg.complaint(D(2026, 5, 1), 8, channel="email")
    reg.complaint(D(2026, 11, 2), None, channel="email")  # still open today
    reg.complaint(D(2025, 6, 2), 9, channel="email")  # the same months last year
    reg.complaint(D(2025, 11, 3), 9, channel="email")
    reg.complaint(D(2025, 11, 24), 9, channel="email")  # after 22 November: not in the comparison
    reg.complaint(D(2026, 2, 2), 30, channel="email")  # the rest of last year
    reg.save()
    db.close()
    return str(path)


def test_a_year_in_progress_says_so_and_compares_with_the_same_months(current_db):
    result = run("summary", "--db", current_db, "--year", "2026/27", "--format", "text",
                 "--tables", "stage_activity")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == ("Children's complaints: figures for 2026/27 so far (1 April to 22 November 2026, "
                        "8 of 12 months)")
    assert lines[2] == "Figures in brackets are for the same months of 2025/26 (1 April to 22 November 2025)."
    assert ("↔ 2 (2) Stage 1 statutory complaints received, no change; 1 (0) still ongoing on 22 November"
            in lines)
    assert "year's end" not in result.stdout and "year-end" not in result.stdout
    whole = run("summary", "--db", current_db, "--year", "2025/26", "--format", "text", "--no-compare")
    assert whole.stdout.startswith("Children's complaints: year-end figures 2025/26 (1 April 2025 to 31 March 2026)")
    assert "↔ 4 Stage 1 statutory complaints received; 0 still ongoing at the year's end" in whole.stdout \
        or "4 Stage 1 statutory complaints received; 0 still ongoing at the year's end" in whole.stdout


def test_a_year_in_progress_exports_say_where_it_ends(current_db, tmp_path):
    doc = json.loads(run("export", "--db", current_db, "--year", "2026", "--tables", "representations_by_type").stdout)
    assert (doc["year"], doc["start"], doc["end"], doc["complete"]) == ("2026/27", "2026-04-01", "2026-11-22", False)
    assert doc["tables"][0]["rows"][0] == ["statutory", 2, 2, 0]  # each year cut at 22 November
    path = tmp_path / "so-far.xlsx"
    result = run("export", "--db", current_db, "--year", "2026", "--format", "xlsx", "--output", str(path))
    assert result.exit_code == 0, result.output
    assert "Wrote the 2026/27 figures so far (1 April to 22 November 2026)" in result.stderr
    assert load_workbook(path)["Summary"]["A1"].value == (
        "Figures for 2026/27 so far (1 April to 22 November 2026, 8 of 12 months)")


def test_arrows_are_coloured_by_whether_the_change_is_good(tiny_db):
    """Fewer complaints and more compliments are good news; a lower timeliness rate is bad news."""
    from rich.console import Console

    html = run("summary", "--db", tiny_db, "--year", "2024", "--format", "html").stdout
    good, bad = "#1a7f37", "#b42318"
    lines = {line.split("</span> ", 1)[1]: line for line in html.splitlines() if "</span> " in line}
    assert good in lines["1 (0) compliments received, new this year</li>"]  # up, and good
    assert bad in next(v for k, v in lines.items() if k.startswith("4 (2) Stage 1 statutory"))  # up, and bad
    assert bad in next(v for k, v in lines.items() if k.startswith("33% (100%) of Stage 1"))  # down, and bad

    from domain.headlines import Headline

    fewer = Headline("Stage 1 statutory complaints received", 3, 5)
    more_on_time = Headline("within timescale", 1, 0, rate=True, better="up")
    assert (fewer.direction, fewer.verdict) == ("down", "good")
    assert (more_on_time.direction, more_on_time.verdict) == ("up", "good")
    from reports.summary import VERDICT_COLOURS, render_rich

    console = Console(record=True, color_system="truecolor", width=120)
    for item in render_rich(*_tiny_figures(tiny_db)):
        console.print(item)
    assert VERDICT_COLOURS == {"good": "green", "bad": "red", "level": "yellow"}
    text = console.export_text(styles=True)
    compliments = next(line for line in text.splitlines() if "compliments received" in line)
    complaints = next(line for line in text.splitlines() if "Stage 1 statutory complaints received" in line)
    assert compliments.startswith("\x1b[32m") and complaints.startswith("\x1b[31m")  # green up, red up


def _tiny_figures(path):
    from domain.year import FinancialYear
    from store.views.figures import year_figures

    db = open_database(path, Config(user="t"))
    try:
        return (year_figures(db, Config(user="t"), FinancialYear(2024)),
                year_figures(db, Config(user="t"), FinancialYear(2023)))
    finally:
        db.close()


def _stage2_costing(path: str, amount: str) -> None:
    """One more statutory Stage 2, answered in 2024/25, that cost ``amount``."""
    db = open_database(path, Config(user="t"))
    r = Register(db)
    r.ids, r.stage_ids, r.seq = iter(range(100, 200)), iter(range(100, 200)), iter(range(100, 200))
    cid = r.case("statutory", D(2024, 4, 2))
    r.cost(r.stage(cid, "statutory", 2, D(2024, 4, 10), responded=D(2024, 9, 2), outcome="upheld"), amount)
    r.save()
    db.close()


def test_xlsx_columns_fit_and_headers_stay_in_view(tiny_db, tmp_path):
    """No '###': every column is as wide as its widest value as Excel shows it; frozen header rows."""
    _stage2_costing(tiny_db, "1234567.89")
    path = tmp_path / "figures.xlsx"
    assert run("export", "--db", tiny_db, "--year", "2024", "--format", "xlsx", "--output", str(path)).exit_code == 0
    wb = load_workbook(path)
    costs = wb["costs"]
    assert costs.freeze_panes == "B5"
    for column in ("B", "C", "D"):
        widest = max(len(f"£{c.value:,.2f}") if isinstance(c.value, float) else len(str(c.value or ""))
                     for c in costs[column][3:])
        assert costs.column_dimensions[column].width >= widest + 1, column
    assert costs.column_dimensions["C"].width >= len("£1,234,567.89") + 1


def test_csv_money_always_has_its_pence(tiny_db, tmp_path):
    _stage2_costing(tiny_db, "8370")
    folder = tmp_path / "csv"
    assert run("export", "--db", tiny_db, "--year", "2024", "--format", "csv", "--output", str(folder)).exit_code == 0
    assert (folder / "2024-costs.csv").read_text().splitlines() == [
        "key,cases,total_cost,average_cost", "stage2,1,8370.00,8370.00", "stage3,0,0.00,",
        "total,1,8370.00,8370.00"]


def test_register_xlsx_has_a_frozen_header_filters_and_widths(tiny_db, tmp_path):
    from domain.register import COLUMNS

    path = tmp_path / "register.xlsx"
    assert run("export", "--register", "--db", tiny_db, "--output", str(path)).exit_code == 0
    ws = load_workbook(path)["register"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=len(COLUMNS)).column_letter}8"
    assert all(ws.column_dimensions[c.column_letter].width >= len(str(c.value)) for c in ws[1])


@pytest.mark.parametrize("option", [["--format", "json"], ["--years", "3"], ["--tables", "R1"]])
def test_export_register_refuses_the_year_end_tables_options_rather_than_ignore_them(tiny_db, option):
    result = run("export", "--register", "--db", str(tiny_db), *option)
    assert result.exit_code == 1
    assert result.output == (f"Error: {option[0]} is for the year-end tables; --register writes CSV, or XLSX when "
                             "--output ends .xlsx\n")

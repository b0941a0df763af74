"""The door: one set of limits, checked with a row and column (or the field, or the argument) however a value
arrives (a register file, a form, a command), and identical on SQLite and PostgreSQL; files that are not what
they claim are named, never "unexpected"."""

from __future__ import annotations

import re
import sqlite3
import zipfile
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from sqlmodel import SQLModel

from domain import limits
from domain.config import Config
from store.db.database import open_database
from tests.test_cli import run
from tui.actions import ACTION_BY_ID

CFG = Config(user="tester")


def write(path, *lines, encoding="utf-8"):
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return str(path)


def cases(url: str) -> list[tuple]:
    db = open_database(url, CFG)
    try:
        with db.engine.connect() as conn:
            return list(conn.execute(sa.text('SELECT c.reference, p.name, c.summary FROM "case" c '
                                             "LEFT JOIN person p ON p.id = c.person_id ORDER BY c.id")))
    finally:
        db.close()


def refused(result) -> list[str]:
    """The errors an import lists, after its first line."""
    assert result.exit_code == 1, result.output
    assert "unexpected" not in result.output
    return result.stderr.splitlines()[1:]


# -- the limits and the columns ------------------------------------------------------------------------

def test_the_limits_fit_the_columns_they_guard():
    tables = SQLModel.metadata.tables

    def length(name: str) -> int:
        table, column = name.split(".")
        return tables[table].c[column].type.length

    guarded = {limits.REFERENCE: ["case.reference", "ombudsman_enquiry.lgo_reference"],
               limits.EXTERNAL_ID: ["person.external_id", "officer.username"],
               limits.NAME: ["person.name", "person.name_key", "case.child_name", "independent_person.name",
                             "independent_person.organisation", "learning_action.owner", "person.persistent_contact",
                             "officer.email"],
               limits.LIST_NAME: ["theme.name", "team.name", "service_area.name", "officer.name"],
               limits.SHORT_TEXT: ["stage.paused_reason", "ombudsman_enquiry.remedy"]}
    assert {limit: [c for c in columns if length(c) < limit] for limit, columns in guarded.items()} == {
        limit: [] for limit in guarded}
    for column in ("assignment.cost", "ombudsman_enquiry.payment"):
        money = tables[column.split(".")[0]].c[column.split(".")[1]].type
        most = Decimal(10) ** (money.precision - money.scale) - Decimal(10) ** -money.scale
        assert most == limits.MONEY


# -- a register past the limits: refused at its rows and columns, alike on both databases --------------------

def test_a_register_past_the_limits_is_refused_cell_by_cell_on_either_database(tmp_path, database_url):
    path = write(tmp_path / "reg.csv",
                 "reference,kind,received,complainant,summary,themes,stage1_responded,stage1_reopened,"
                 "stage2_requested,stage2_findings,stage2_cost",
                 f"{'R' * 41},statutory,02/05/2024,{'N' * 201},,,,,,,",
                 "CS-3,statutory,02/05/2024,Ann\x00Example,,,03/05/2024,99999999999,,,",
                 'CS-4,statutory,02/05/2024,"Ann\x1b]0;owned\x07",,,03/05/2024,²,,,',
                 'CS-5,statutory,02/05/2024,"Ann\r\nExample","one\x9btwo",,03/05/2024,,04/05/2024,upheld:300000,'
                 "10000000000.00",
                 f"CS-6,statutory,15/01/0001,Bo,,{';'.join(f'T{i}' for i in range(51))},,,,,",
                 f"CS-7,statutory,02/05/2024,Cy,{'S' * 10_001},{'T' * 121},03/05/2024,,04/05/2024,upheld:²,1e308",
                 "CS-8,statutory,02/05/2024,Di,,,03/05/2024,,04/05/2024,upheld:60;not_upheld:41,")
    result = run("import", path, "--db", database_url)
    assert refused(result) == [
        "  row 2, reference: is 41 characters long: at most 40 fit",
        "  row 2, complainant: is 201 characters long: at most 200 fit",
        "  row 3, complainant: holds a control character (U+0000), which cannot be stored",
        "  row 3, stage1_reopened: 99,999,999,999 is more than 50, the most times one Stage 1 complaint is reopened",
        "  row 4, complainant: holds a control character (U+001B), which cannot be stored",
        "  row 4, stage1_reopened: '²' is not a whole number",
        "  row 5, complainant: holds a line break or tab (U+000D): it must be one line",
        "  row 5, summary: holds a control character (U+009B), which cannot be stored",
        "  row 5, stage2_findings: 300,000 is more than 100, the most issues in one statement of complaint",
        "  row 5, stage2_cost: '10000000000.00' is more than £9,999,999,999.99, the most an amount of money can be",
        "  row 6, received: 0001-01-15 is before 1989-01-01: nothing this tool records is older (a mistyped year?)",
        "  row 6, themes: names 51 themes: a case has at most 50",
        "  row 7, summary: is 10,001 characters long: at most 10,000 fit",
        "  row 7, themes: names a theme 121 characters long: at most 120 fit",
        "  row 7, stage2_findings: 'upheld:²' is not finding:count, e.g. upheld:7;not_upheld:45 (findings: upheld, "
        "partially_upheld, not_upheld, not_determined)",
        "  row 7, stage2_cost: '1e308' is not an amount of money: write 4017.98 or £4,017.98",
        "  row 8, stage2_findings: counts 101 issues: 100 is the most issues in one statement of complaint"]
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", result.stderr)  # no character shown raw
    assert cases(database_url) == []


def test_values_at_the_limits_import_alike_on_either_database(tmp_path, database_url):
    reference, name, folded = "R" * 40, "N" * 200, "ß" * 150  # a name whose matching key is longer than it
    path = write(tmp_path / "reg.csv",
                 "reference,kind,received,complainant,summary,stage1_responded,stage1_reopened,stage2_requested,"
                 "stage2_findings,stage2_cost",
                 f"{reference},statutory,02/05/2024,{name},,03/05/2024,50,04/05/2024,upheld:60;not_upheld:40,"
                 "9999999999.99",
                 f'CS-2,statutory,02/05/2024,{folded},"First line\r\nsecond\tline",,,,,')
    result = run("import", path, "--db", database_url)
    assert result.exit_code == 0, result.output
    assert cases(database_url) == [(reference, name, None), ("CS-2", folded, "First line\nsecond\tline")]
    exported = run("export", "--register", "--db", database_url).stdout.splitlines()
    assert exported[1].endswith(",2024-05-03,,50,2024-05-04,,,,,,,upheld:60;not_upheld:40,9999999999.99" + "," * 15)


# -- Excel workbooks ------------------------------------------------------------------------------------------

def workbook(path, rows, patches=()):
    """An .xlsx of ``rows``, its first sheet's XML then edited (``patches``: pairs of old, new text)."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode().replace(" />", "/>")  # as openpyxl writes it with lxml or not
    for old, new in patches:
        assert old in xml, old
        xml = xml.replace(old, new)
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return str(path)


def test_every_row_of_a_workbook_is_read_whatever_its_dimension_says(tmp_path):
    db = str(tmp_path / "c.db")
    rows = [["kind", "received", "complainant"]] + [["statutory", f"0{i}/05/2024", f"Person {i}"] for i in range(1, 6)]
    path = workbook(tmp_path / "reg.xlsx", rows, [('<dimension ref="A1:C6"/>', '<dimension ref="A1:B2"/>')])
    result = run("import", path, "--db", db)
    assert result.exit_code == 0 and "5 created" in result.stdout, result.output
    assert [name for _, name, _ in cases(f"sqlite:///{db}")] == [f"Person {i}" for i in range(1, 6)]


@pytest.mark.filterwarnings("ignore:Cell B5 is marked as a date")  # openpyxl's; the CLI hides them
def test_excel_formulas_errors_and_numbers_are_checked_cell_by_cell(tmp_path):
    rows = [["kind", "received", "complainant", "stage1_responded", "stage1_reopened", "stage2_requested",
             "stage2_cost"],
            ["statutory", date(2024, 5, 2), "=A1", None, None, None, None],
            ["statutory", date(2024, 5, 2), "Ann", date(2024, 5, 3), "²", date(2024, 5, 4), -5],
            ["statutory", 45000, "Bo", date(2024, 5, 3), 3.5, date(2024, 5, 4), 1e308],  # NaN, below
            ["statutory", date(2024, 5, 2), "Cy", None, None, None, None],
            ["statutory", date(2024, 5, 2), "Di", None, None, None, None]]
    path = workbook(tmp_path / "reg.xlsx", rows, [
        ('<c r="B4" t="n"><v>45000</v></c>', '<c r="B4" s="1" t="n"><v>NaN</v></c>'),  # a date that is no number
        ('<c r="B5" s="1" t="n"><v>45414</v></c>', '<c r="B5" s="1" t="n"><v>1e20</v></c>'),  # a date past 9999
        ('<c r="C5" t="inlineStr"><is><t>Cy</t></is></c>', '<c r="C5" t="e"><v>#REF!</v></c>'),
        ('<c r="B6" s="1" t="n"><v>45414</v></c>', '<c r="B6" s="1" t="n"><v>-693579</v></c>')])  # 15/01/0001
    db = str(tmp_path / "c.db")
    assert refused(run("import", path, "--db", db)) == [
        "  row 2, complainant: is a formula with no saved value: open the file in Excel and save it again, or type "
        "the value in",
        "  row 3, stage1_reopened: '²' is not a whole number",
        "  row 3, stage2_cost: '-5' is below zero: an amount of money is 0 or more",
        "  row 4, received: cannot be read: it is no number, text or date that Excel writes",
        "  row 4, stage1_reopened: '3.5' is not a whole number",
        "  row 4, stage2_cost: '1e+308' is more than £9,999,999,999.99, the most an amount of money can be",
        "  row 5, received: is marked as a date, but its number is no date Excel can show",
        "  row 5, complainant: is Excel's error #REF!",
        "  row 6, received: 0001-01-15 is before 1989-01-01: nothing this tool records is older (a mistyped year?)"]
    assert count(db) == 0


def test_a_formula_with_a_saved_value_imports_the_value(tmp_path):
    path = workbook(tmp_path / "reg.xlsx", [["kind", "received", "complainant"], ["statutory", "02/05/2024", "x"]],
                    [('<c r="C2" t="inlineStr"><is><t>x</t></is></c>',
                      '<c r="C2" t="str"><f>"Ann"&amp;" Example"</f><v>Ann Example</v></c>')])
    db = str(tmp_path / "c.db")
    assert run("import", path, "--db", db).exit_code == 0
    assert [name for _, name, _ in cases(f"sqlite:///{db}")] == ["Ann Example"]


def count(db: str) -> int:
    return sqlite3.connect(db).execute('SELECT count(*) FROM "case"').fetchone()[0]


def _zip(path, parts: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text)


def _broken_sheet(path) -> None:
    workbook(path, [["kind", "received"], ["statutory", "02/05/2024"], ["statutory", "03/05/2024"]],
             [('<row r="3">', '<row r="3"><c r="A3" t="inlineStr"><is><t>&undefined;</t></is></c>')])


def _truncated(path) -> None:
    workbook(path, [["kind", "received"], ["statutory", "02/05/2024"]])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b"kind,received\n"), "not a readable Excel workbook (File is not a zip file)"),
    (lambda p: _zip(p, {"notes.txt": "hello"}), "not a readable Excel workbook (\"There is no item named "
                                                 "'[Content_Types].xml' in the archive\")"),
    # the XML parser's own words follow: the standard library's, or lxml's where it is installed (python-docx brings it)
    (lambda p: _zip(p, {"[Content_Types].xml": "<Types"}), "not a readable Excel workbook ("),
    (_truncated, "not a readable Excel workbook (File is not a zip file)"),
    (_broken_sheet, "the worksheet cannot be read after row 2 (undefined entity: line 1, column "),
], ids=["not a zip", "a zip of something else", "no workbook inside", "cut short", "a broken sheet"])
def test_a_workbook_that_cannot_be_read_is_named(tmp_path, make, message):
    path = tmp_path / "reg.xlsx"
    make(path)
    result = run("import", str(path), "--db", str(tmp_path / "c.db"))
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: {path}: {message}"), result.output


# -- text files ---------------------------------------------------------------------------------------------

def test_csv_files_in_other_encodings_or_with_huge_cells(tmp_path):
    db = str(tmp_path / "c.db")
    utf16 = write(tmp_path / "utf16.csv", "kind,received", "statutory,02/05/2024", encoding="utf-16")
    assert run("import", utf16, "--db", db).stderr == (
        f"Error: {utf16}: is UTF-16 text, which an import does not read: save it as CSV UTF-8 (in Excel: Save As, "
        "CSV UTF-8 (Comma delimited))\n")
    bare = write(tmp_path / "utf16le.csv", "kind,received", "statutory,02/05/2024", encoding="utf-16-le")
    assert run("import", bare, "--db", db).stderr == (
        f"Error: {bare}: its first line holds NUL characters, so it is not CSV UTF-8 text (UTF-16?): save it as "
        "CSV UTF-8\n")
    latin = write(tmp_path / "latin1.csv", "kind,received,complainant,stage2_cost", "statutory,02/05/2024,Ann,",
                  "statutory,02/05/2024,Zoë Example,£5", encoding="latin-1")
    assert refused(run("import", latin, "--db", db)) == [
        "  row 3, complainant: holds a byte that is not UTF-8 text (0xEB): save the file as UTF-8",
        "  row 3, stage2_cost: holds a byte that is not UTF-8 text (0xA3): save the file as UTF-8"]
    big = write(tmp_path / "big.csv", "kind,received,summary", "statutory,02/05/2024,short",
                f"{'x' * 200_000},02/05/2024,{'y' * 200_000}")
    assert refused(run("import", big, "--db", db)) == [
        "  row 3, kind: is 200,000 characters long: at most 131,072 fit",
        "  row 3, summary: is 200,000 characters long: at most 10,000 fit"]
    huge = write(tmp_path / "huge.csv", "kind,received,summary", "statutory,02/05/2024,short",
                 f"statutory,02/05/2024,{'y' * (64 * limits.CELL + 1)}")
    assert run("import", huge, "--db", db).stderr.strip() == (  # (after a big file's progress bar)
        f"Error: {huge}: row 3 cannot be read (field larger than field limit (8388608)); a cell holds at most "
        "131,072 characters")
    assert count(db) == 0


def test_a_header_with_control_characters_is_named_by_position(tmp_path):
    path = write(tmp_path / "reg.csv", "kind,received,\x1b[2Jnotes", "statutory,02/05/2024,x")
    assert refused(run("import", path, "--db", str(tmp_path / "c.db"))) == [
        "  row 1, column 3: holds a control character (U+001B), which cannot be stored"]


# -- forms -----------------------------------------------------------------------------------------------------

def field(action: str, name: str):  # type: ignore[no-untyped-def]
    return next(f for f in ACTION_BY_ID[action].fields if f.name == name)


@pytest.mark.parametrize("action, name, text, message", [
    ("log", "complainant", "Ann\x1b[2J", "holds a control character (U+001B), which cannot be stored"),
    ("log", "complainant", "N" * 201, "is 201 characters long: at most 200 fit"),
    ("log", "complainant_id", "P" * 65, "is 65 characters long: at most 64 fit"),
    ("log", "team", "T" * 121, "is 121 characters long: at most 120 fit"),
    ("log", "summary", "one\ntwo", "holds a line break or tab (U+000A): it must be one line"),
    ("log", "summary", "S" * 10_001, "is 10,001 characters long: at most 10,000 fit"),
    ("log", "themes", ";".join(f"T{i}" for i in range(51)), "51 given: at most 50"),
    ("log", "themes", "Delays;La\x85te", "holds a control character (U+0085), which cannot be stored"),
    ("log", "received", "15/01/0001", "0001-01-15 is before 1989-01-01: nothing this tool records is older "
                                      "(a mistyped year?)"),
    ("pause", "reason", "R" * 201, "is 201 characters long: at most 200 fit"),
    ("accept", "number", "²", "'²' is not a whole number"),
    ("accept", "number", "4", "4 is more than 3"),
    ("extend", "days", "99999999999", "99,999,999,999 is more than 999"),
    ("cost", "amount", "10000000000", "'10000000000' is more than £9,999,999,999.99, the most an amount of money "
                                      "can be"),
    ("lgo", "lgo_reference", "L" * 41, "is 41 characters long: at most 40 fit"),
    ("statement", "issues", "\n".join(f"issue {i}" for i in range(101)), "101 given: at most 100"),
], ids=lambda value: value[:12].encode("unicode_escape").decode())
def test_form_fields_keep_to_the_limits(action, name, text, message):
    with pytest.raises(ValueError) as refusal:
        field(action, name).read(text)
    assert str(refusal.value) == message


def test_form_fields_at_the_limits_are_taken():
    assert field("log", "complainant").read(" " + "N" * 200 + " ") == "N" * 200
    assert field("accept", "number").read("3") == 3
    assert field("cost", "amount").read("£9,999,999,999.99") == Decimal("9999999999.99")
    assert field("log", "received").read("01/01/1989") == date(1989, 1, 1)


async def test_a_form_with_a_control_character_stays_open_and_saves_nothing(tmp_path):
    from tests.tui_helpers import settle
    from tui.app import create_app
    from tui.form import FormScreen

    path = tmp_path / "c.db"
    open_database(path, CFG).close()
    app = create_app(f"sqlite:///{path}", config=CFG, today=date(2026, 11, 22))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-kind").value = "statutory"
        form.query_one("#field-complainant").value = "Robin\x1b]0;owned\x07Example"
        await pilot.pause()
        assert str(form.query_one("#error-complainant").render()) == (
            "holds a control character (U+001B), which cannot be stored")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "need correcting" in str(form.query_one("#form-error").render())
    assert count(str(path)) == 0


# -- commands --------------------------------------------------------------------------------------------------

def test_commands_refuse_control_characters_in_their_text(tmp_path):
    db = str(tmp_path / "c.db")
    open_database(db, CFG).close()
    assert run("correct", "CS-2024-00001", "received", "02/05/2024", "--reason", "typo\x1b[2J", "--db", db
               ).stderr == "Error: --reason holds a control character (U+001B), which cannot be stored\n"
    assert run("delete", "CS-2024-00001", "--reason", "dup\r\nforged line", "--db", db
               ).stderr == "Error: --reason holds a line break or tab (U+000D): it must be one line\n"
    assert run("delete", "CS-2024-00001", "--reason", "R" * 10_001, "--db", db
               ).stderr == "Error: --reason is 10,001 characters long: at most 10,000 fit\n"
    assert run("history", "CS\x1b[2J", "--db", db).stderr == (
        "Error: REFERENCE holds a control character (U+001B), which cannot be stored\n")
    assert run("due", "--officer", "Sam\x07", "--db", db).stderr == (
        "Error: --officer holds a control character (U+0007), which cannot be stored\n")
    path = write(tmp_path / "reg.csv", "kind,received", "statutory,02/05/2024")
    assert run("import", path, "--map", "Date\x1b=received", "--db", db).stderr == (
        "Error: --map holds a control character (U+001B), which cannot be stored\n")
    assert count(db) == 0


# -- copy ------------------------------------------------------------------------------------------------------

def test_copy_names_a_stored_value_the_other_database_could_not_hold(tmp_path, database_url):
    source = tmp_path / "old.db"
    open_database(source, CFG).close()
    conn = sqlite3.connect(source)  # written before the door checked: as an older version let it in
    conn.execute("INSERT INTO person (id, name, name_key, persistent, anonymised) VALUES (1, 'Ann', 'ann', 0, 0)")
    conn.execute('INSERT INTO "case" (id, reference, kind, received, person_id, version) '
                 f"VALUES (1, 'CS-1', 'concern', '2024-05-02', 1, 1), (2, '{'R' * 41}', 'concern', '2024-05-03', 1, 1)")
    conn.commit()
    conn.close()
    result = run("copy", "--db", str(source), "--to", database_url)
    assert (result.exit_code, result.stderr) == (1, "Error: cannot copy: case (id 2), reference is 41 characters "
                                                    "long: at most 40 fit; nothing was copied. Correct it in the "
                                                    "database copied from, then copy again\n")
    assert cases(database_url) == []



"""Defects found after issues 17-19: each test failed before its fix (letters, years, money, restore, extend,
Ctrl-C during an export, the caseload's count)."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from domain.config import Config
from store.db.database import open_database
from store.db.location import resolve_url
from store.housekeeping.demo import generate
from store.lifecycle.service import CaseService
from tests.test_cli import run
from tests.tui_helpers import settle

TODAY = date(2026, 11, 22)
CONFIG = Config(user="tester")


# -- 9. the caseload's count follows the rows read ---------------------------------------------------------

@pytest.mark.parametrize("view", ["8"], ids=["history"])
async def test_the_status_line_counts_every_row_read_as_the_officer_pages(tmp_path, monkeypatch, view):
    """View 8 (All history) said "20+ cases" however far the officer paged, and never the whole count."""
    import tui.caseload
    import tui.caseload_window
    from store.views.caseload import VIEW_BY_ID, CaseloadQuery, caseload_page
    from tui.app import create_app
    from tui.caseload import CaseloadTable

    path = tmp_path / "demo.db"
    db = open_database(path, CONFIG)
    generate(db, CONFIG, cases=400, seed=5, today=TODAY)
    db.close()
    monkeypatch.setattr(tui.caseload, "WINDOW", 60)
    monkeypatch.setattr(tui.caseload_window, "PAGE_SIZE", 20)
    monkeypatch.setattr(tui.caseload_window, "PREFETCH", 10)
    query = CaseloadQuery(view=next(v.id for v in VIEW_BY_ID.values() if v.key == view))
    connection = sqlite3.connect(path)
    everything = caseload_page(connection, TODAY, CONFIG.calendar(), CONFIG.rules, query=query, limit=100_000)
    connection.close()
    assert len(everything) > 60
    late = [r.state.value == "overdue" for r in everything]
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(160, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press(view)
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        name = VIEW_BY_ID[query.view].name
        what = "cases"

        def status() -> str:
            return " · ".join(str(app.query_one("#status").render()).split(" · ")[:2])

        for _ in range(len(everything) // 5):
            await pilot.press("pagedown")
            await settle(app, pilot)
            read = table.first + table.row_count
            more = "" if app.caseload.exhausted else "+"
            overdue = sum(late[:read])
            assert status() == f"{view} {name}: {read}{more} {what} · {overdue}{more if overdue else ''} overdue"
        assert table.current_reference == everything[-1].reference and table.first > 0
        assert status() == f"{view} {name}: {len(everything)} {what} · {sum(late)} overdue"
        for _ in range(len(everything) // 5):  # back up: the rows above are read again, the count stays whole
            await pilot.press("pageup")
            await settle(app, pilot)
        read = table.first + table.row_count
        more = "" if app.caseload.exhausted else "+"
        overdue = sum(late[:read])
        assert status() == f"{view} {name}: {read}{more} {what} · {overdue}{more if overdue else ''} overdue"


# -- 4. a year out of all reason -----------------------------------------------------------------------------

RANGE = "is out of range: a financial year from 1991/92 (the Children Act 1989's procedure began in October 1991) " \
        "to this one\n"


@pytest.mark.parametrize("year", ["1900", "1990/91", "99999", "2201", "9" * 5000])
@pytest.mark.parametrize("command", ["summary", "export"])
def test_an_absurd_year_is_refused_naming_the_option(tmp_path, year, command):
    path = tmp_path / "y.db"
    open_database(path, CONFIG).close()
    result = run(command, "--year", year, "--db", str(path), "--today", "2026-11-22")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == f"Error: --year: {year[:20]!r} " + RANGE


def test_the_first_year_of_the_procedure_is_reported(tmp_path):
    path = tmp_path / "y.db"
    open_database(path, CONFIG).close()
    result = run("summary", "--year", "1991/92", "--format", "text", "--db", str(path), "--today", "2026-11-22")
    assert result.exit_code == 0 and "1991/92" in result.stdout


# -- 6. a restore of the database onto itself --------------------------------------------------------------

def test_restoring_the_database_onto_itself_is_refused_and_changes_nothing(tmp_path):
    from store.db.database import StoreError
    from store.housekeeping.backup import restore

    path = tmp_path / "live.db"
    db = open_database(path, CONFIG)
    CaseService(db, CONFIG, today=TODAY).log("statutory", TODAY, complainant="Alex Example")
    db.close()
    before = path.read_bytes()
    (tmp_path / "link.db").symlink_to(path)
    for source in (path, tmp_path / "link.db", tmp_path / "sub" / ".." / "live.db"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(StoreError, match="is the database itself, not a backup of it: nothing was restored"):
            restore(resolve_url(path), source, force=True)
        result = run("restore", str(source), "--force", "--db", str(path))
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr == (f"Error: {source} is the database itself, not a backup of it: nothing was "
                                 f"restored (give a backup file, such as one in {tmp_path / 'backups'})\n")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.db", "live.db", "sub"]  # nothing kept aside


# -- 5. a negative amount of money, however it comes ---------------------------------------------------------

BELOW = "'-5' is below zero: an amount of money is 0 or more"


@pytest.mark.parametrize("typed", ["-5", "£-5", "-£5", " -5.00", "−5"])
def test_a_negative_amount_in_a_form_says_it_is_below_zero(typed):
    from domain.timescales import RuleError
    from tui.action_kit import Field

    with pytest.raises(RuleError) as caught:
        Field("payment", "Payment", "money").read(typed)
    assert str(caught.value) == f"{typed.strip()!r} is below zero: an amount of money is 0 or more"
    assert Field("payment", "Payment", "money").read("-0") == 0


def test_the_service_names_the_amount_it_refuses(tmp_path):
    from domain.timescales import RuleError

    db = open_database(tmp_path / "m.db", CONFIG)
    svc = CaseService(db, CONFIG, today=TODAY)
    ref = svc.log("statutory", date(2026, 11, 2), complainant="Alex Example")
    svc.lgo_enquiry(ref, date(2026, 11, 10))
    with pytest.raises(RuleError) as caught:
        svc.lgo_remedy(ref, ["apology"], payment="-5")
    assert str(caught.value) == f"the Ombudsman payment: {BELOW}"
    with pytest.raises(RuleError) as caught:
        svc.record_cost(ref, "-5")
    assert str(caught.value) == f"the cost: {BELOW}"
    db.close()


def test_an_import_names_the_row_and_column_of_a_negative_amount(tmp_path):
    path = tmp_path / "reg.csv"
    path.write_text("reference,kind,received,complainant,stage2_cost,lgo_payment\n"
                    "CS-1,statutory,02/05/2024,Ann Example,-5,\n"
                    "CS-2,statutory,02/05/2024,Bob Example,,-5\n", encoding="utf-8")
    db = tmp_path / "i.db"
    open_database(db, CONFIG).close()
    result = run("import", str(path), "--db", str(db))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [f"  row 2, stage2_cost: {BELOW}", f"  row 3, lgo_payment: {BELOW}"]


# -- 7. a stage already extended ------------------------------------------------------------------------------

AGAIN = "{} Stage 1 was already extended on 10/11/2026 to 20 working days: a stage is extended once, to its " \
        "maximum, and cannot be extended again"


def test_a_second_extension_is_refused_as_such_even_under_the_code(tmp_path):
    """Under the Complaint Handling Code a second extension without a reason was refused for want of a reason."""
    from domain.timescales import RuleError

    db = open_database(tmp_path / "x.db", CONFIG)
    svc = CaseService(db, CONFIG, today=TODAY)
    for kind in ("statutory", "corporate"):
        ref = svc.log(kind, date(2026, 11, 2), complainant="Alex Example")
        svc.acknowledge(ref, date(2026, 11, 3))
        assert svc.extension_preview(ref).startswith(f"{kind.capitalize()} Stage 1 is due ")
        svc.extend(ref, date(2026, 11, 10), reason="awaiting records")
        for reason in (None, "more records"):
            with pytest.raises(RuleError) as caught:
                svc.extend(ref, date(2026, 11, 12), reason=reason)
            assert str(caught.value) == AGAIN.format(kind.capitalize())
        with pytest.raises(RuleError) as caught:
            svc.extension_preview(ref)
        assert str(caught.value) == AGAIN.format(kind.capitalize())
    db.close()


def test_the_next_steps_of_an_extended_stage_offer_no_second_extension():
    from domain.clock import StageDates
    from domain.next_steps import next_steps

    stage = StageDates("statutory", 1, date(2026, 11, 2), acknowledged=date(2026, 11, 3))
    assert "extend" in next_steps("statutory", [stage], acknowledged=True, closed=False)[0].actions
    stage.extended_on, stage.extended_days = date(2026, 11, 10), 20
    [step] = next_steps("statutory", [stage], acknowledged=True, closed=False)
    assert step.says == "Stage 1 under way (extended on 10/11/2026): respond or pause the clock"
    assert step.actions == ("respond", "pause")


async def test_x_on_an_extended_stage_says_so_as_the_form_opens_and_saves_nothing(tmp_path):
    from textual.widgets import Static

    from tui.app import create_app
    from tui.case_screen import CaseScreen
    from tui.form import FormScreen

    path = tmp_path / "x.db"
    db = open_database(path, CONFIG)
    svc = CaseService(db, CONFIG, today=TODAY)
    ref = svc.log("statutory", date(2026, 11, 2), complainant="Alex Example")
    svc.acknowledge(ref, date(2026, 11, 3))
    fresh = svc.log("statutory", date(2026, 11, 20), complainant="Bea Example")
    svc.extend(ref, date(2026, 11, 10))
    db.close()
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("/", *ref, "enter")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.detail.reference == ref
        version = app.screen.detail.version
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.action.id == "extend"
        assert str(app.screen.query_one("#form-error", Static).render()) == AGAIN.format("Statutory")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        assert str(app.screen.query_one("#form-error", Static).render()) == AGAIN.format("Statutory")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.detail.version == version
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("escape", "/", *fresh, "enter")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert str(app.screen.query_one("#form-preview", Static).render()) == (
            "Statutory Stage 1 is due 04/12/2026; it may be extended once, to at most 20 working days from receipt")
        assert str(app.screen.query_one("#form-error", Static).render()) == ""


# -- 1. the letter form offers the letters that fit ------------------------------------------------------

async def test_l_offers_only_the_letters_that_fit_and_refuses_another_as_it_is_typed(tmp_path):
    from textual.widgets import Input, Label, Static

    from tui.app import create_app
    from tui.case_screen import CaseScreen
    from tui.form import FormScreen
    from tui.picker import Picker

    path = tmp_path / "l.db"
    db = open_database(path, CONFIG)
    svc = CaseService(db, CONFIG, today=TODAY)
    ref = svc.log("statutory", date(2026, 11, 16), complainant="Alex Example")
    svc.edit_fields(ref, {"address": "1 High Street\nAnytown AN1 1AA"})
    db.close()
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("L")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.action.id == "letter"
        assert form.query_one("#picker-letter", Picker).labels == ["Acknowledgement", "Stage1 response"]
        form.query_one("#field-letter", Input).value = "stage2_adjudication"
        await settle(app, pilot)
        said = ("Stage2 adjudication does not fit the case as it is now (these do: Acknowledgement, "
                "Stage1 response)")
        assert str(form.query_one("#error-letter", Label).render()) == said
        form.query_one("#field-path", Input).value = str(tmp_path / "x.docx")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert str(form.query_one("#form-error", Static).render()) == (
            f"Some fields need correcting (see beside them): Letter, {said}")
        form.query_one("#field-letter", Input).value = "acknowledgement"
        await settle(app, pilot)
        assert str(form.query_one("#error-letter", Label).render()) == ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
    assert (tmp_path / "x.docx").exists()


# -- 2. a template the sandbox blocks, said in plain words ------------------------------------------------

def _template(path, *paragraphs: str) -> None:
    from docx import Document as WordDocument

    document = WordDocument()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))


def test_check_says_what_a_blocked_template_does_and_in_which_paragraph(tmp_path):
    folder = tmp_path / "letters"
    folder.mkdir()
    _template(folder / "acknowledgement.docx", "Dear {{ complainant.salutation }}", "{{ reference() }}")
    _template(folder / "extension.docx", "Hello", "", "{{ reference.__len__() }}")
    _template(folder / "member-reply.docx", "{{ 'a' * 10 ** 10 }}")  # all the machine's memory, before
    _template(folder / "stage1-response.docx", "{% for x in range(10 ** 9) %}{{ x }}{% endfor %}")
    result = run("letter", "--check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "acknowledgement.docx: paragraph 2: it uses a field in a way that cannot work ('str' object is not callable)",
        "extension.docx: paragraph 3: it tries to access '__len__', which a letter's template may not use (only the "
        "letter's fields and plain tags such as {% if %} and {% for %})",
        "member-reply.docx: paragraph 1: it asks for a repeat longer than 100,000, which a letter's template may "
        "not do",
        "stage1-response.docx: paragraph 1: it asks for more than a letter can hold (a range or a repeat far too "
        "long)"]
    assert "TypeError" not in result.output and "Error" not in result.stdout
    assert result.stderr == "Error: 4 templates of 4 need putting right\n"


def test_producing_from_a_blocked_template_says_so_in_plain_words(tmp_path):
    from domain.letters import LetterError

    config = Config(user="tester", path=tmp_path / "config.toml")
    folder = tmp_path / "letters"
    folder.mkdir()
    _template(folder / "acknowledgement.docx", "{{ reference + 1 }}")
    db = open_database(tmp_path / "p.db", config)
    svc = CaseService(db, config, today=TODAY)
    ref = svc.log("statutory", date(2026, 11, 16), complainant="Alex Example")
    with pytest.raises(LetterError) as caught:
        svc.produce_letter(ref, "acknowledgement", "text")
    assert str(caught.value) == ("acknowledgement.docx: it uses a field in a way that cannot work (can only "
                                 "concatenate str (not \"int\") to str) (check it: complaints letter --check)")
    db.close()


# -- 3. --output - is standard output ---------------------------------------------------------------------

@pytest.fixture
def letter_db(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a file named "-" would be written here
    path = tmp_path / "l.db"
    db = open_database(path, CONFIG)
    svc = CaseService(db, CONFIG, today=TODAY)
    ref = svc.log("statutory", date(2026, 11, 16), complainant="Alex Example")
    svc.edit_fields(ref, {"address": "1 High Street\nAnytown AN1 1AA", "email": "alex@example.org"})
    db.close()
    return str(path), ref


def _kept(path: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM document").fetchone()[0])
    finally:
        conn.close()


def test_output_dash_writes_a_text_letter_or_an_email_to_standard_output(letter_db, tmp_path):
    import email

    path, ref = letter_db
    result = run("letter", ref, "acknowledgement", "--format", "text", "--output", "-", "--db", path,
                 "--today", "2026-11-22")
    assert result.exit_code == 0, result.output
    assert "Our reference: " + ref in result.stdout and "kept as document" not in result.stdout
    assert result.stderr == f"{ref}: Acknowledgement letter kept as document 1, written to standard output\n"
    result = run("letter", ref, "acknowledgement", "--format", "eml", "--output", "-", "--db", path,
                 "--today", "2026-11-22")
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes(result.stdout_bytes)
    assert message["To"] == "alex@example.org" and message["X-Unsent"] == "1"
    assert result.stderr == f"{ref}: Acknowledgement letter kept as document 2, written to standard output\n"
    assert not (tmp_path / "-").exists() and _kept(path) == 2


def test_output_dash_writes_a_word_letter_into_a_pipe_but_never_onto_a_terminal(letter_db, tmp_path, monkeypatch):
    import io

    from docx import Document as WordDocument

    import commands.letters

    path, ref = letter_db
    result = run("letter", ref, "acknowledgement", "--output", "-", "--db", path, "--today", "2026-11-22")
    assert result.exit_code == 0, result.output
    assert "Alex Example" in [p.text for p in WordDocument(io.BytesIO(result.stdout_bytes)).paragraphs]
    monkeypatch.setattr(commands.letters, "_terminal", lambda: True)
    result = run("letter", ref, "acknowledgement", "--output", "-", "--db", path, "--today", "2026-11-22")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == ("Error: a Word letter is a binary file and is not written to a terminal: redirect it "
                             "(--output - > letter.docx), save it (--output FILE), or print it as text (--format "
                             "text --output -)\n")
    assert not (tmp_path / "-").exists() and _kept(path) == 1  # the refused one was not kept


# -- 8. Ctrl-C during an export ---------------------------------------------------------------------------

@pytest.fixture
def register_db(tmp_path):
    path = tmp_path / "r.db"
    db = open_database(path, CONFIG)
    generate(db, CONFIG, cases=150, seed=2, today=TODAY)
    db.close()
    return str(path)


@pytest.mark.parametrize("how", ["raised", "swallowed"])
@pytest.mark.parametrize("where", ["stdout", "csv", "xlsx"])
def test_ctrl_c_during_a_register_export_exits_130_saying_so_and_leaves_no_file(register_db, tmp_path, monkeypatch,
                                                                                how, where):
    """A Ctrl-C swallowed by a finalizer (``cli.INTERRUPTED`` set, no KeyboardInterrupt seen) used to let the export
    run to the end and exit 0; one raised gave no word on standard error when the export went to standard output."""
    import cli
    from store.register.export import RegisterReader

    reading = RegisterReader.rows

    def interrupted(self, year=None):  # type: ignore[no-untyped-def]
        for n, row in enumerate(reading(self, year)):
            if n == 40:
                if how == "raised":
                    raise KeyboardInterrupt
                monkeypatch.setattr(cli, "INTERRUPTED", [True])
            yield row

    monkeypatch.setattr(RegisterReader, "rows", interrupted)
    out = tmp_path / "out" / f"register.{where}"
    out.parent.mkdir()
    result = run("export", "--register", "--db", register_db, *(["--output", str(out)] if where != "stdout" else []))
    assert result.exit_code == 130 and not isinstance(result.exception, KeyboardInterrupt | AssertionError)
    assert "Traceback" not in result.output
    if where == "stdout":
        assert 0 < len(result.stdout.splitlines()) < 150
        assert result.stderr == ("\nInterrupted: the register on standard output stops part-way; export it again "
                                 "for the whole of it.\n")
    else:
        assert result.stdout == "" and result.stderr == f"register.{where}: interrupted; nothing was written.\n"
        assert list(out.parent.iterdir()) == []  # no file, whole or half, and no partial one beside it

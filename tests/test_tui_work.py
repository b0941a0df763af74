"""A morning's work in the TUI: views, filter, sort, the case screen, forms valid and refused, conflicts."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import TextArea

from domain.config import Config
from store.db.database import open_database
from store.db.location import resolve_url
from store.housekeeping.demo import generate
from store.lifecycle.service import CaseService
from store.views.caseload import VIEWS
from tests.tui_helpers import settle
from tui.actions import ACTIONS
from tui.app import ComplaintsApp, create_app
from tui.case_screen import CaseScreen
from tui.caseload import CaseloadTable
from tui.form import FormScreen

TODAY = date(2026, 11, 22)
CONFIG = Config(user="tester")


@pytest.fixture
def demo_db(tmp_path):
    path = tmp_path / "demo.db"
    db = open_database(path, CONFIG)
    generate(db, CONFIG, cases=1200, seed=5, today=TODAY)
    db.close()
    return path




def column(table: CaseloadTable, index: int) -> list[str]:
    return [str(table.get_row_at(i)[index]) for i in range(table.row_count)]


def unextended(path) -> set[str]:
    """Open Stage 1 statutory complaints without an extension, with a running clock and no acknowledgement
    owed (so that the Stage 1's deadline is the case's only row, and its clock)."""
    rows = sqlite3.connect(path).execute(
        'SELECT c.reference FROM stage s JOIN "case" c ON c.id = s.case_id WHERE s.due IS NOT NULL AND '
        "c.kind = 'statutory' AND s.number = 1 AND s.round = 0 AND s.extended_on IS NULL AND s.paused_since IS NULL "
        "AND c.ack_due IS NULL")
    return {r for (r,) in rows}


def text(widget) -> str:  # type: ignore[no-untyped-def]
    """What a Static shows, as plain text (its content may be a Rich table)."""
    from rich.console import Console

    console = Console(width=120, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(widget.content)
    return console.export_text()


def stage1(path, reference: str, column: str):
    """A column of the first Stage 1 row of a case, straight from the file."""
    return sqlite3.connect(path).execute(
        f'SELECT s.{column} FROM stage s JOIN "case" c ON c.id = s.case_id WHERE c.reference = ? '
        "AND s.number = 1 AND s.round = 0", (reference,)).fetchone()[0]


def pick(table: CaseloadTable, references: set[str]) -> str:
    row = next(i for i, r in enumerate(column(table, 1)) if r in references)
    table.move_cursor(row=row)
    return table.current_reference or ""


async def open_unextended(app, pilot, path) -> str:  # type: ignore[no-untyped-def]
    """Open, from the caseload, a Stage 1 complaint that can still be extended; its reference."""
    reference = pick(app.query_one(CaseloadTable), unextended(path))
    await pilot.press("enter")
    await settle(app, pilot)
    return reference


async def test_saved_views_filter_and_sort(demo_db):
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        everything = table.row_count
        await pilot.press("4")
        await settle(app, pilot)
        assert 0 < table.row_count < everything and set(column(table, 0)) == {"‼"}
        await pilot.press("7")
        await settle(app, pilot)
        kinds = {k.split(" · ")[0] for k in column(table, 2)}
        assert kinds and kinds <= {"Concern", "MP enquiry", "Councillor enquiry", "Comment"}
        await pilot.press("8")
        await settle(app, pilot)
        assert table.row_count == 200  # the first page of 1,200 cases, newest first
        table.move_cursor(row=190)  # near the end of the page: the next one comes from SQL
        await settle(app, pilot)
        assert table.row_count == 400 and len(set(column(table, 1))) == 400
        received = [date.fromisoformat("-".join(reversed(r.split("/")))) for r in column(table, 8)]
        assert received == sorted(received, reverse=True)
        await pilot.press("1", "s")
        await settle(app, pilot)
        assert "by received" in str(app.query_one("#status").render())
        reference = column(table, 1)[3]
        await pilot.press("slash", *reference[-5:])
        await settle(app, pilot)
        assert reference in column(table, 1) and table.row_count < everything
        await pilot.press("escape")
        await settle(app, pilot)
        assert table.row_count == everything


async def test_open_a_case_extend_it_and_see_the_due_date_move(demo_db):
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        reference = await open_unextended(app, pilot, demo_db)
        assert isinstance(app.screen, CaseScreen) and app.screen.reference == reference
        before = str(app.screen.query_one("#case-clock").render())
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen), app.screen.query_one("#form-error").render()
        after = str(app.screen.query_one("#case-clock").render())
        assert before != after and "due" in after
    assert stage1(demo_db, reference, "extended_on") == "2026-11-22"


async def test_an_auditor_reads_every_case_and_is_offered_no_form(demo_db):
    auditor = Config(user="carl", auditors=frozenset({"carl"}))
    app = create_app(resolve_url(demo_db), config=auditor, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen)
        assert [n.message for n in app._notifications] == ["The auditor role can read everything and change nothing"]
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)


async def test_a_form_checks_as_you_type_and_keeps_the_stores_refusal(demo_db):
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.action.id == "log"
        await pilot.press(*"complaint")
        assert "one of Statutory, Corporate" in str(form.query_one("#error-kind").render())
        form.query_one("#field-kind").value = "statutory"
        form.query_one("#field-received").value = "31/02/2026"
        await pilot.pause()
        assert "not a date that exists" in str(form.query_one("#error-received").render())
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "need correcting" in str(form.query_one("#form-error").render())
        form.query_one("#field-received").value = "01/12/2026"  # in the future: the store refuses
        form.query_one("#field-complainant").value = "Robin Example"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "dates cannot be in the future" in str(form.query_one("#form-error").render())
        form.query_one("#field-received").value = "20/11/2026"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen)
    conn = sqlite3.connect(demo_db)
    assert conn.execute('SELECT count(*) FROM "case" c JOIN person p ON p.id = c.person_id '
                        "WHERE p.name = 'Robin Example' AND c.received = '2026-11-20'").fetchone()[0] == 1


async def test_respond_with_findings_and_a_refused_resume(demo_db):
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        reference = pick(table, unextended(demo_db))
        await pilot.press("u")  # resume a clock that is not paused
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen) and "not paused" in str(app.screen.query_one("#form-error").render())
        await pilot.press("escape", "o")
        await settle(app, pilot)
        app.screen.query_one("#field-findings").value = "upheld; not_upheld"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen)
    assert stage1(demo_db, reference, "outcome") == "partially_upheld"  # derived from the findings


async def test_a_persistent_complainant_banner_stays_until_acknowledged(demo_db):
    db = open_database(demo_db, CONFIG)
    service = CaseService(db, CONFIG, today=TODAY)
    reference = service.log("statutory", date(2026, 11, 16), complainant="Pat Persistent")
    service.flag_persistent(reference, contact="Jo Lead", arrangements="One call a week, on Mondays")
    db.close()
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_case(reference)
        await settle(app, pilot)
        banner = app.screen.query_one("#persistent-banner")
        assert banner.display and "Jo Lead" in str(banner.render()) and "One call a week" in str(banner.render())
        await pilot.press("tab", "tab")
        assert banner.display
        await pilot.press("enter")
        assert not banner.display


async def test_the_next_case_opens_as_the_first_did(demo_db):
    """The case screen is kept between cases: the next opens on its overview, scrolled to the top, with its own
    persistent-complainant banner, not left as the last case was."""
    from textual.containers import VerticalScroll
    from textual.widgets import TabbedContent

    db = open_database(demo_db, CONFIG)
    service = CaseService(db, CONFIG, today=TODAY)
    flagged = service.log("statutory", date(2026, 11, 16), complainant="Pat Again")
    service.flag_persistent(flagged, contact="Jo Lead", arrangements="Email only")
    db.close()
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_case(flagged)
        await settle(app, pilot)
        first = app.screen
        assert isinstance(first, CaseScreen) and first.query_one("#persistent-banner").display
        await pilot.press("enter")  # the banner acknowledged
        first.query_one("#case-tabs", TabbedContent).active = "tab-timeline"
        await pilot.press("escape")
        await settle(app, pilot)
        other = app.query_one(CaseloadTable).rows[3].reference
        app.open_case(other)
        await settle(app, pilot)
        assert app.screen is first and first.reference == other
        assert first.query_one("#case-tabs", TabbedContent).active == "tab-overview"
        assert all(scroll.scroll_y == 0 for scroll in first.query(VerticalScroll))
        assert other in str(first.query_one("#case-clock").render())
        await pilot.press("escape")
        await settle(app, pilot)
        app.open_case(flagged)  # its banner again, as for a case opened the first time
        await settle(app, pilot)
        assert app.screen.query_one("#persistent-banner").display


async def test_a_stale_save_shows_the_conflict_and_saves_nothing(demo_db):
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        reference = await open_unextended(app, pilot, demo_db)
        other = open_database(demo_db, Config(user="colleague"))
        CaseService(other, Config(user="colleague"), today=TODAY).pause(reference, "awaiting consent")
        other.close()
        await pilot.press("x", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        error = str(app.screen.query_one("#form-error").render())
        assert "changed" in error and "colleague" in error
    assert stage1(demo_db, reference, "extended_on") is None


async def test_a_colleagues_change_while_the_form_is_open_is_refused_as_theirs_even_if_the_case_is_read_again(
        demo_db):
    """The form saves against the case as it was when the form opened: the case screen under it read again
    meanwhile (it was, under load, in a team's two-terminal test) must not make a colleague's extension pass
    for the officer's own view, refused only as "already extended" rather than as their change."""
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        reference = await open_unextended(app, pilot, demo_db)
        await pilot.press("x")
        await settle(app, pilot)
        form = app.screen
        other = open_database(demo_db, Config(user="colleague"))
        CaseService(other, Config(user="colleague"), today=TODAY).extend(reference, TODAY)
        other.close()
        app.screen_stack[-2].reload()  # the case screen under the form, read again
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        error = str(form.query_one("#form-error").render())
        assert "changed by colleague" in error, error


async def test_the_command_palette_offers_the_same_commands(demo_db):
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", *"Overdue")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.caseload.query_state.view == "overdue"


def test_every_action_has_a_form_a_tooltip_and_a_unique_key():
    keys = [a.key for a in ACTIONS if a.key]
    assert len(keys) == len(set(keys))
    assert not set(keys) & {"q", "r", "s", "y", "comma", "slash", "question_mark", *"123456789"}
    for action in ACTIONS:
        assert action.tooltip and action.title and (action.fields or action.preview), action.id  # a form to save
    for binding in ComplaintsApp.BINDINGS:
        assert binding.id and binding.tooltip, binding.key
    for owner in (CaseScreen, FormScreen):
        for binding in owner.BINDINGS:
            assert binding.id and binding.tooltip, (owner.__name__, binding.key)


async def test_keys_are_remapped_from_the_config(demo_db):
    from tui.person_screen import PersonScreen

    config = Config(user="tester", keys={"action.extend": "ctrl+e", "case.person": "ctrl+o"})
    app = create_app(resolve_url(demo_db), config=config, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.action.id == "extend"
        await pilot.press("escape", "enter")  # a screen's own keys are remapped too
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        assert isinstance(app.screen, PersonScreen)


async def test_leaving_the_year_end_screen_while_the_workbook_is_written_still_says_where_it_went(demo_db,
                                                                                                    monkeypatch):
    """x then Escape at once: the workbook is the app's work, so its notice outlives the screen."""
    import threading

    import reports.export
    from tui.reports_screen import ReportsScreen

    release, write = threading.Event(), reports.export.write_xlsx

    def slow(*args: Any, **kwargs: Any) -> Any:
        release.wait(10)
        return write(*args, **kwargs)

    monkeypatch.setattr(reports.export, "write_xlsx", slow)
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen)
        await pilot.press("x", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReportsScreen)
        release.set()
        await settle(app, pilot)
        said = [n.message for n in app._notifications]
        assert any(m.startswith("Saved the 2025/26 tables to ") for m in said), said
        assert (demo_db.parent / "figures-2025-26.xlsx").exists()


async def test_copy_and_export_wait_for_the_year_on_screen(demo_db, monkeypatch):
    """[ then x at once: the figures on screen are still the year before's, so nothing is copied or saved
    under the wrong year; once the year shows, x saves that year."""
    import threading

    import tui.data
    from tui.reports_screen import ReportsScreen

    release, read = threading.Event(), tui.data.Data.figures

    def slow(self: Any, year: Any) -> Any:
        if year.first == 2024:
            release.wait(10)
        return read(self, year)

    monkeypatch.setattr(tui.data.Data, "figures", slow)
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen)
        await pilot.press("left_square_bracket", "x", "c")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert sum(m.startswith("Still working out the figures for 2024/25") for m in said) == 2, said
        assert not any(w.group == "export" for w in app.workers)
        assert app.clipboard == ""
        release.set()
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert any(n.message.startswith("Saved the 2024/25 tables") for n in app._notifications)
        assert not (demo_db.parent / "figures-2025-26.xlsx").exists()


async def test_sort_and_filter_keys_do_nothing_to_a_caseload_hidden_behind_another_screen(demo_db):
    """s and / on the year-end or case screen changed the caseload behind it; a view's key goes back to it."""
    from tui.reports_screen import ReportsScreen

    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        sort, view = app.caseload.query_state.sort, app.caseload.query_state.view
        for screen_key in ("y", "enter"):
            await pilot.press(screen_key)
            await settle(app, pilot)
            assert len(app.screen_stack) == 2
            await pilot.press("s", "slash")
            await settle(app, pilot)
            assert (app.caseload.query_state.sort, len(app.screen_stack)) == (sort, 2)
            await pilot.press("escape")
            await settle(app, pilot)
        assert app.focused is not None and app.focused.id != "filter"
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen)
        await pilot.press("4")
        await settle(app, pilot)
        assert len(app.screen_stack) == 1 and app.caseload.query_state.view != view


async def test_year_end_figures_screen_with_charts_copy_and_year_change(demo_db):
    from tui.reports_screen import ReportsScreen

    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert "Year-end figures 2025/26" in str(app.screen.query_one("#reports-status").render())
        await pilot.press("c")
        assert app.clipboard.startswith("Children's complaints: year-end figures 2025/26")
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert "Year-end figures 2024/25" in str(app.screen.query_one("#reports-status").render())
        await pilot.press("right_square_bracket", "right_square_bracket")  # into the year in progress
        await settle(app, pilot)
        status = str(app.screen.query_one("#reports-status").render())
        assert "Figures for 2026/27 so far (1 April to 22 November 2026, 8 of 12 months)" in status
        assert "brackets: the same months of 2025/26" in status
        await pilot.press("right_square_bracket")  # 2027/28 has not started: the screen stays on 2026/27
        await settle(app, pilot)
        assert app.screen.year.label == "2026/27"
        assert "2026/27 so far" in str(app.screen.query_one("#reports-status").render())


async def test_year_end_figures_are_kept_until_a_write_by_this_app_or_another(demo_db):
    """The figures read after the database opens are shown on `y` while nothing has changed; a case logged here,
    or by another connection, makes the next `y` show figures that count it (never stale ones)."""
    from tui.reports_screen import ReportsScreen

    def statutory(app: ComplaintsApp) -> Any:
        assert isinstance(app.screen, ReportsScreen) and app.screen.figures is not None
        return app.screen.figures[0].table("representations_by_type").value("statutory", "2025/26")

    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.data is not None
        app.data.warm_figures(app.reports_year())  # as the warm-up after opening does
        await pilot.press("y")
        await settle(app, pilot)
        kept = app.screen.figures
        before = statutory(app)
        await pilot.press("escape", "y")
        await settle(app, pilot)
        assert app.screen.figures is not None and app.screen.figures[0] is kept[0]  # type: ignore[index]
        await pilot.press("escape", "n")  # a complaint received in 2025/26, logged in this app
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.action.id == "log"
        form.query_one("#field-kind").value = "statutory"
        form.query_one("#field-received").value = "15/01/2026"
        form.query_one("#field-complainant").value = "Robin Example"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert statutory(app) == before + 1
        other = open_database(demo_db, CONFIG)  # another connection: seen through the database's data version
        CaseService(other, Config(user="colleague"), today=TODAY).log("statutory", date(2026, 2, 2),
                                                                       complainant="Sam Example")
        other.close()
        await pilot.press("escape", "y")
        await settle(app, pilot)
        assert statutory(app) == before + 2


async def test_an_unexpected_error_shows_no_traceback_or_personal_data(demo_db, monkeypatch):
    monkeypatch.delenv("COMPLAINTS_DEBUG", raising=False)
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        try:
            raise ValueError("Robin Example, child of Sam Example")
        except ValueError:
            app._fatal_error()
        text = "".join(segment.text for rendered in app._exit_renderables for segment in rendered.segments)
    assert "ValueError" in text and "COMPLAINTS_DEBUG" in text
    assert "Robin" not in text and "Traceback" not in text


def test_the_example_settings_list_every_key_id_that_exists():
    from domain.config import EXAMPLE
    from tui.dashboard_screen import DashboardScreen
    from tui.demo_offer import DemoOffer
    from tui.person_screen import PersonScreen
    from tui.reports_screen import ReportsScreen
    from tui.settings_screen import SettingsScreen

    ids = {b.id for owner in (ComplaintsApp, CaseloadTable, CaseScreen, PersonScreen, SettingsScreen, ReportsScreen,
                              FormScreen, DemoOffer, DashboardScreen) for b in owner.BINDINGS}
    listed = {word.strip(",") for line in EXAMPLE.splitlines() if line.startswith("# ids:") or
              line.startswith("# view.") or line.startswith("# action.") or line.startswith("# on screens:") or
              line.startswith("#   ") for word in line[2:].split()
              if word.strip(",") and word not in ("ids:", "on", "screens:")}
    assert listed == ids


async def test_compliments_view_and_settings_screen(demo_db):
    from tui.settings_screen import SettingsScreen

    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("9")
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        assert table.row_count > 0 and {k.split(" · ")[0] for k in column(table, 2)} == {"Compliment"}
        everything = table.row_count
        teams = column(table, 6)
        groups = [t for i, t in enumerate(teams) if i == 0 or teams[i - 1] != t]
        assert len(groups) == len(set(groups)) > 1  # grouped by team: each team's compliments together
        received = [(teams[i], date.fromisoformat("-".join(reversed(r.split("/")))))
                    for i, r in enumerate(column(table, 8))]
        assert all(a[1] >= b[1] for a, b in zip(received, received[1:], strict=False) if a[0] == b[0])
        await pilot.press("k")  # quick entry
        await settle(app, pilot)
        assert await fill_and_save(app, pilot, team="Fostering", complainant="Grateful Parent",
                                   summary="Thank you for the help") == "saved"
        assert table.row_count == everything + 1
        (new,) = sqlite3.connect(demo_db).execute(
            'SELECT c.reference FROM "case" c JOIN person p ON p.id = c.person_id WHERE p.name = ?',
            ("Grateful Parent",)).fetchone()
        assert table.current_reference == new and column(table, 6)[table.cursor_row] == "Fostering"
        await pilot.press("comma")
        await settle(app, pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert "│ Statutory" in text(app.screen.query_one("#settings-timescales"))
        assert "Stage 2 request" in text(app.screen.query_one("#settings-timescales"))
        assert "Poor communication" in text(app.screen.query_one("#settings-themes"))
        assert "Fostering" in text(app.screen.query_one("#settings-areas"))
        await pilot.press("m")  # add a team, from the settings screen
        await settle(app, pilot)
        assert await fill_and_save(app, pilot, name="Short Breaks", service_area="Disabled Children") == "saved"
        assert isinstance(app.screen, SettingsScreen)
        assert "Short Breaks" in text(app.screen.query_one("#settings-areas"))
        await pilot.press("m")
        await settle(app, pilot)
        assert "already on the list of teams" in await fill_and_save(app, pilot, name="Short Breaks")
        await pilot.press("escape", "r")  # close the refused form; rename the team
        await settle(app, pilot)
        assert await fill_and_save(app, pilot, list="team", name="Short Breaks", new_name="Short Breaks Service"
                                   ) == "saved"
        assert "Short Breaks Service" in text(app.screen.query_one("#settings-areas"))
        await pilot.press("x")  # and retire it
        await settle(app, pilot)
        assert await fill_and_save(app, pilot, list="team", name="Short Breaks Service") == "saved"
        assert "Short Breaks Service (retired)" in text(app.screen.query_one("#settings-areas"))
        await pilot.press("escape", "k")  # a compliment for a retired team is refused, beside the form
        await settle(app, pilot)
        assert "Short Breaks Service was retired from the teams" in await fill_and_save(
            app, pilot, team="Short Breaks Service")


BAD = {"date": "31/02/2026", "money": "ten pounds", "int": "two", "choice": "maybe", "list": "", "text": "",
       "issues": "", "findings": "maybe"}  # the statement's issue list, a finding per issue: widgets of their own


def _something_to_choose(demo_db, action_id: str) -> str | None:  # type: ignore[no-untyped-def]
    """A case with something for the form to choose (``Action.empty``): an open learning action, a note, a link
    (the last two made here: the demo has none)."""
    connection = sqlite3.connect(demo_db)
    first, second = (r for (r,) in connection.execute('SELECT reference FROM "case" ORDER BY id LIMIT 2'))
    if action_id == "action_done":
        return str(connection.execute('SELECT c.reference FROM learning_action a JOIN "case" c ON c.id = a.case_id '
                                      "WHERE a.done IS NULL ORDER BY a.id LIMIT 1").fetchone()[0])
    if action_id not in ("note_edit", "unlink"):
        return None
    db = open_database(demo_db, CONFIG)
    svc = CaseService(db, CONFIG, today=TODAY)
    if action_id == "note_edit":
        svc.add_note(first, "Rang about the visit", kind="phone")
    else:
        svc.link(first, second, None)
    db.close()
    return str(first)


@pytest.mark.parametrize("action", [a for a in ACTIONS if any(f.required or f.kind in ("date", "money", "int",
                                                                                       "choice") for f in a.fields)],
                         ids=lambda a: a.id)
async def test_every_form_refuses_bad_input_beside_the_field_and_saves_nothing(demo_db, action):
    field = next(f for f in action.fields if f.kind in ("date", "money", "int", "choice") or f.required)
    reference = _something_to_choose(demo_db, action.id)
    before = sqlite3.connect(demo_db).execute("SELECT count(*) FROM event").fetchone()[0]
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        if reference is not None:  # on a case with something to choose: else a notice says it has none
            app.open_case(reference)
            await settle(app, pilot)
        app.action_form(action.id)
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.action is action
        form.query_one(f"#field-{field.name}").value = BAD[field.kind] if not field.required or field.kind != "text" \
            else ""
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert str(form.query_one(f"#error-{field.name}").render()).strip()
        assert "need correcting" in str(form.query_one("#form-error").render())
    assert sqlite3.connect(demo_db).execute("SELECT count(*) FROM event").fetchone()[0] == before


async def fill_and_save(app, pilot, **values: str) -> str:  # type: ignore[no-untyped-def]
    """Fill the open form's fields, save, and return what the store said (the form closes on success)."""
    form = app.screen
    assert isinstance(form, FormScreen), type(form)
    for name, value in values.items():
        widget = form.query_one(f"#field-{name}")
        if isinstance(widget, TextArea):
            widget.text = value
        else:
            widget.value = value
    await pilot.pause()
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    if app.screen is form:
        return "refused: " + str(form.query_one("#form-error").render())
    return "saved"


async def test_a_mornings_work_from_the_keyboard(demo_db):
    """Triage the overdue list, log a phone complaint, extend one, respond with findings, escalate and assign
    investigators, flag a persistent complainant: all through keys and forms."""
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")  # the overdue list, most overdue first
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        assert table.row_count and set(column(table, 0)) == {"‼"}
        await pilot.press("1", "n")
        await settle(app, pilot)
        assert await fill_and_save(app, pilot, kind="statutory", channel="phone", complainant="Morgan Example",
                                   group="parent", themes="Delays") == "saved"
        await pilot.press("slash", *"morgan ex", "enter")
        await settle(app, pilot)
        reference = table.current_reference
        assert reference and reference.startswith("CS-2026-")
        await pilot.press("x")
        await settle(app, pilot)
        assert await fill_and_save(app, pilot) == "saved"
        await pilot.press("o")
        await settle(app, pilot)
        assert await fill_and_save(app, pilot, findings="upheld; not_upheld") == "saved"
        await pilot.press("8")  # answered, it left the open views: find it in all history (the filter stays)
        await settle(app, pilot)
        assert table.current_reference == reference
        await pilot.press("e")  # escalate: the complainant asks for Stage 2
        await settle(app, pilot)
        assert await fill_and_save(app, pilot) == "saved"
        app.action_form("accept")
        await settle(app, pilot)
        assert await fill_and_save(app, pilot, number="2") == "saved"
        for person, role in (("Ivy Investigator", "investigating_officer"), ("Ian Independent", "independent_person")):
            await pilot.press("i")
            await settle(app, pilot)
            outcome = await fill_and_save(app, pilot, person=person, role=role)
            if outcome != "saved":  # a new name: add them to the pool of independent people, then assign
                assert "no independent person" in outcome.lower() or "not in the pool" in outcome.lower(), outcome
                await pilot.press("escape")
                app.action_form("pool")
                await settle(app, pilot)
                assert await fill_and_save(app, pilot, name=person, roles=role) == "saved"
                await pilot.press("i")
                await settle(app, pilot)
                assert await fill_and_save(app, pilot, person=person, role=role) == "saved"
        await pilot.press("f")
        await settle(app, pilot)
        assert await fill_and_save(app, pilot, contact="Jo Lead", arrangements="One call a week") == "saved"
    conn = sqlite3.connect(demo_db)
    actions = [a for (a,) in conn.execute('SELECT e.action FROM event e JOIN "case" c ON c.id = e.case_id '
                                          "WHERE c.reference = ? ORDER BY e.id", (reference,))]
    assert actions[0] == "logged" and "responded" in actions and actions.count("assigned") == 2
    assert stage1(demo_db, reference, "outcome") == "partially_upheld"
    assert conn.execute("SELECT p.persistent FROM person p WHERE p.name = 'Morgan Example'").fetchone()[0] == 1


async def test_the_caseload_and_a_form_work_on_postgresql_too(database_url):
    """The same screens over PostgreSQL (the first page then comes the full way, not from a file)."""
    db = open_database(database_url, CONFIG)
    generate(db, CONFIG, cases=600, seed=5, today=TODAY)
    db.close()
    app = create_app(database_url, config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        assert table.row_count > 0
        await pilot.press("8")
        await settle(app, pilot)
        assert table.row_count == 200
        await pilot.press("1", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("l")
        await settle(app, pilot)
        assert await fill_and_save(app, pilot, description="Call back within a day", due="30/11/2026") == "saved"
        assert "Call back within a day" in text(app.screen.query_one("#case-learning"))


async def test_clicking_a_column_header_sorts_by_it(demo_db):
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        span = table.column_span("Reference")
        await pilot.click(CaseloadTable, offset=(span.start + len(span) // 2, 0))
        await settle(app, pilot)
        assert app.caseload.query_state.sort == "reference"
        references = column(table, 1)
        assert references == sorted(references)


async def test_each_filter_keystroke_shows_what_sql_would(demo_db):
    """Typing narrows rows already loaded, backspace goes back to what was shown: both must equal SQL's answer."""
    from domain.calendar import WorkingCalendar
    from store.views.caseload import CaseloadQuery, caseload_page
    from tui.caseload_window import PAGE_SIZE, SEARCH_FIRST

    connection = sqlite3.connect(demo_db)
    calendar = WorkingCalendar.for_region("ENG")
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        name = table.get_row_at(0)[5].split(" [")[0]
        await pilot.press("8", "slash")  # all history: 1,200 cases
        await settle(app, pilot)
        for key in (*name[:6].lower(), "backspace", "backspace", "backspace", "x", "backspace", "backspace"):
            await pilot.press(key)
            await settle(app, pilot)
            text = app.query_one("#filter").value
            expected = [r.reference for r in caseload_page(connection, TODAY, calendar, CONFIG.rules, limit=(
                SEARCH_FIRST if text.strip() else PAGE_SIZE), query=CaseloadQuery(view="history", text=text))]
            assert column(table, 1) == expected, text
    connection.close()


def _answered(svc: CaseService) -> str:
    ref = svc.log("statutory", date(2026, 9, 1), complainant="Pat Example", summary="Late assessment")
    svc.respond(ref, "not_upheld", date(2026, 9, 10))
    return ref


def _stage2(svc: CaseService, *, statement: bool = True) -> str:
    ref = _answered(svc)
    svc.request_stage(ref, 2, date(2026, 9, 15))
    svc.accept_stage(ref, 2, date(2026, 9, 16))
    if statement:
        svc.agree_statement(ref, ["Delay", "Rudeness"], date(2026, 9, 20))
    return ref


def _stage3(svc: CaseService, *, panel: bool = False) -> str:
    ref = _stage2(svc)
    svc.respond(ref, on=date(2026, 10, 20), findings=["upheld", "not_upheld"])
    svc.request_stage(ref, 3, date(2026, 10, 25))
    svc.accept_stage(ref, 3, date(2026, 10, 26))
    if panel:
        svc.schedule_panel(ref, date(2026, 11, 10))
    return ref


def _ombudsman(svc: CaseService, *steps: str) -> str:
    ref = _answered(svc)
    svc.lgo_enquiry(ref, date(2026, 11, 2))
    if "decision" in steps:
        svc.lgo_decision(ref, "investigated_fault", date(2026, 11, 12))
    if "remedy" in steps:
        svc.lgo_remedy(ref, ["apology"], compliance_due=date(2026, 12, 1))
    return ref


def _open(svc: CaseService) -> str:
    return svc.log("statutory", date(2026, 11, 16), complainant="Pat Example")


def _paused(svc: CaseService) -> str:
    ref = _open(svc)
    svc.pause(ref, "waiting for the complainant", date(2026, 11, 18))
    return ref


def _fostering(svc: CaseService) -> None:
    """A team on the council's list: a form chooses from the list (a new name only by an explicit add)."""
    svc.add_to_list("team", "Fostering")


def _pool(svc: CaseService) -> str:
    ref = _stage2(svc)
    svc.add_independent_person("Ivy Vestigator", ["investigating_officer"])
    return ref


#: Files the attach and email forms read (written once, at import).
SAMPLES = Path(tempfile.mkdtemp(prefix="complaints-forms-"))
(SAMPLES / "stage2-report.pdf").write_bytes(b"%PDF-1.4\n% a synthetic report\n")
(SAMPLES / "complaint.eml").write_bytes(
    b"From: Robin Example <robin@example.org>\r\nTo: complaints@example.gov.uk\r\n"
    b"Date: Mon, 16 Nov 2026 09:30:00 +0000\r\nSubject: Missed visits\r\n\r\nNobody came on Tuesday.\r\n")


#: For every form: the state its case must be in, and valid input as an officer would type it.
VALID: dict[str, tuple[Any, dict[str, str]]] = {
    "compliment": (_fostering, {"team": "Fostering", "complainant": "Grateful Parent"}),
    "theme": (None, {"name": "Transport to school"}),
    "team": (lambda svc: _listed(svc, "service_area", "Disabled Children"),
             {"name": "Short Breaks", "service_area": "Disabled Children"}),
    "officer": (None, {"name": "Sam Patel", "username": "spatel", "email": "sam.patel@example.org"}),
    "rename": (lambda svc: _listed(svc, "theme", "Comms"), {"list": "theme", "name": "Comms",
                                                           "new_name": "Poor communication"}),
    "retire": (lambda svc: _listed(svc, "team", "Leaving Care"), {"list": "team", "name": "Leaving Care"}),
    "log": (_fostering, {"kind": "corporate", "channel": "email", "complainant": "Robin Example", "team": "Fostering"}),
    "acknowledge": (_open, {}),
    "not_accepted": (_open, {"exclusion": "service_request"}),
    "extend": (_open, {"days": "20"}),
    "pause": (_open, {"reason": "waiting for the complainant"}),
    "resume": (_paused, {}),
    "respond": (_open, {"outcome": "partially_upheld"}),
    "reopen": (_answered, {"reason": "came back about the same matter"}),
    "withdraw": (_open, {"reason": "resolved by phone"}),
    "close": (lambda svc: svc.log("concern", date(2026, 11, 16), complainant="Pat Example"), {}),
    "request2": (_answered, {}),
    "request3": (lambda svc: _stage3_requested(svc), {}),
    "accept": (lambda svc: _requested(svc), {"number": "2"}),
    "decline": (lambda svc: _requested(svc), {"number": "2", "reason": "the matter was fully answered"}),
    "statement": (lambda svc: _stage2(svc, statement=False), {"issues": "Delay in assessment\nRude on the phone"}),
    "assign": (_pool, {"person": "Ivy Vestigator", "role": "investigating_officer"}),
    "pool": (None, {"name": "Indy Pendent", "roles": "independent_person; panellist", "organisation": "Example"}),
    "cost": (_stage2, {"amount": "£1,250.50"}),
    "panel": (_stage3, {"panel_on": "09/12/2026"}),
    "findings": (lambda svc: _stage3(svc, panel=True), {}),
    "lgo": (_answered, {"enquiry_type": "detailed_investigation", "lgo_reference": "25 000 123"}),
    "lgo_response": (_ombudsman, {}),
    "lgo_decision": (_ombudsman, {"decision": "investigated_no_fault"}),
    "lgo_remedy": (lambda svc: _ombudsman(svc, "decision"), {"remedies": "apology; payment", "payment": "£250",
                                                             "compliance_due": "22/12/2026"}),
    "lgo_complied": (lambda svc: _ombudsman(svc, "decision", "remedy"), {}),
    "action": (_answered, {"description": "Return calls within a day", "owner": "Team manager"}),
    "persistent": (_open, {"contact": "Complaints manager", "arrangements": "One weekly email"}),
    "edit": (_open, {"summary": "Delay in the assessment", "reason": "typed wrongly at intake"}),
    "reassign": (lambda svc: (svc.add_to_list("officer", "Kim Lee"), _open(svc))[1], {"officer": "Kim Lee"}),
    "action_done": (lambda svc: _with_action(svc), {"number": "1", "note": "Calls now returned the same day"}),
    "persistent_review": (lambda svc: _flagged(svc), {"outcome": "vary", "contact": "Sam Other"}),
    "link": (lambda svc: _two(svc), {"other": "CS-2026-00002", "reason": "same family"}),
    "unlink": (lambda svc: _two(svc, link=True), {"other": "CS-2026-00002"}),
    "undo": (lambda svc: _two(svc, link=True), {}),
    "merge": (lambda svc: _two(svc), {"into": "CS-2026-00002", "reason": "logged twice", "confirm": "yes"}),
    "merge_person": (lambda svc: _two(svc), {"into": "CS-2026-00002", "reason": "one person", "confirm": "yes"}),
    "unmerge": (lambda svc: _merged(svc), {"merge": "1", "reason": "not the same after all"}),
    "note": (_open, {"kind": "phone", "direction": "in", "with_whom": "Pat Example", "text": "Rang about the visit"}),
    "note_edit": (lambda svc: _noted(svc), {"note": "1", "text": "Rang about the home visit", "reason": "clearer"}),
    "attach": (_open, {"path": str(SAMPLES / "stage2-report.pdf")}),
    "email": (None, {"path": str(SAMPLES / "complaint.eml")}),
    "letter": (lambda svc: _addressed(svc), {"letter": "acknowledgement", "format": "docx",
                                              "path": str(SAMPLES / "acknowledgement.docx")}),
}
#: The forms only a manager may save (a merge removes a case or a person).
MANAGERS_ONLY = {"merge", "merge_person", "unmerge"}
MANAGER = Config(user="boss", managers=frozenset({"boss"}))


def _listed(svc: CaseService, kind: str, name: str) -> None:
    """A list entry (a form names it); no case."""
    svc.add_to_list(kind, name)


def _addressed(svc: CaseService) -> str:
    ref = _open(svc)
    svc.edit_case(ref, "address", "1 High Street\nExampletown\nEX1 2MP")
    return ref


def _noted(svc: CaseService) -> str:
    ref = _open(svc)
    svc.add_note(ref, "Rang about the visit", kind="phone")
    return ref


def _two(svc: CaseService, link: bool = False) -> str:
    """Two cases, of two people (CS-2026-00001 and CS-2026-00002), linked if asked; the first."""
    first, second = _open(svc), svc.log("statutory", date(2026, 11, 17), complainant="Pat Sample")
    if link:
        svc.link(first, second)
    return first


def _merged(svc: CaseService) -> None:
    _two(svc)
    CaseService(svc.db, MANAGER, today=TODAY).merge_cases("CS-2026-00001", "CS-2026-00002", "twice")


def _with_action(svc: CaseService) -> str:
    ref = _answered(svc)
    svc.add_action(ref, "Return calls within a day", owner="Team manager")
    return ref


def _flagged(svc: CaseService) -> str:
    ref = _open(svc)
    svc.flag_persistent(ref, contact="Complaints manager", arrangements="One weekly email")
    return ref


def _requested(svc: CaseService) -> str:
    ref = _answered(svc)
    svc.request_stage(ref, 2, date(2026, 9, 15))
    return ref


def _stage3_requested(svc: CaseService) -> str:
    ref = _stage2(svc)
    svc.respond(ref, on=date(2026, 10, 20), findings=["upheld", "not_upheld"])
    return ref


def test_every_form_has_a_valid_input_test():
    assert set(VALID) == {a.id for a in ACTIONS}


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.id)
async def test_every_form_saves_valid_input_and_the_history_shows_it(tmp_path, action):
    path = tmp_path / "forms.db"
    db = open_database(path, CONFIG)
    svc = CaseService(db, CONFIG, today=TODAY)
    setup, values = VALID[action.id]
    reference = setup(svc) if setup else None
    db.close()
    before = sqlite3.connect(path).execute("SELECT count(*) FROM event").fetchone()[0]
    app = create_app(resolve_url(path), config=MANAGER if action.id in MANAGERS_ONLY else CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        if reference:
            app.open_case(reference)
            await settle(app, pilot)
            assert isinstance(app.screen, CaseScreen) and app.screen.reference == reference
        app.action_form(action.id)
        await settle(app, pilot)
        assert await fill_and_save(app, pilot, **values) == "saved"
        if action.opens:  # the form it read opens next, filled in: an officer chooses the kind and saves
            assert isinstance(app.screen, FormScreen) and app.screen.action.id == action.opens
            assert await fill_and_save(app, pilot, kind="corporate") == "saved"
        if reference:
            assert isinstance(app.screen, CaseScreen) != action.removes  # a merged duplicate's screen closes
    after = sqlite3.connect(path).execute("SELECT count(*) FROM event").fetchone()[0]
    assert after > before
    if action.id == "pool":
        assert sqlite3.connect(path).execute("SELECT roles FROM independent_person WHERE name = 'Indy Pendent'"
                                             ).fetchone() == ("independent_person,panellist",)


async def test_after_an_edit_the_caseload_changes_by_difference_and_the_cursor_stays(demo_db):
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        reference = pick(table, unextended(demo_db))
        others = [r for r in column(table, 1) if r != reference]
        before = table.cursor_row
        await pilot.press("x")
        await settle(app, pilot)
        assert await fill_and_save(app, pilot) == "saved"
        assert table.current_reference == reference  # the cursor followed the case to its new place
        assert table.cursor_row != before  # extended: due later, so further down
        top = int(table.scroll_y)
        assert top <= table.cursor_row < top + table.scrollable_content_region.height - 1  # and on screen
        assert [r for r in column(table, 1) if r != reference] == others
        assert "after the change: 1 changed, 0 new, 0 gone" in str(app.query_one("#status").render())


async def test_the_person_screen_lists_every_contact_and_opens_one(demo_db):
    from tui.person_screen import PersonScreen

    connection = sqlite3.connect(demo_db)
    reference, person_id = connection.execute(
        'SELECT c.reference, c.person_id FROM "case" c WHERE c.person_id IN (SELECT person_id FROM "case" '
        "GROUP BY person_id HAVING count(*) > 2) ORDER BY c.reference LIMIT 1").fetchone()
    theirs = [r for (r,) in connection.execute('SELECT reference FROM "case" WHERE person_id = ? '
                                               "ORDER BY received DESC, id DESC", (person_id,))]
    connection.close()
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_case(reference)
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, PersonScreen)
        assert [c.reference for c in app.screen.person.contacts] == theirs
        assert "repeat complainant" in text(app.screen.query_one("#person-about"))
        other = next(i for i, r in enumerate(theirs) if r != reference)
        for _ in range(other):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.reference == theirs[other]
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.reference == reference


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.id)
async def test_every_view_shows_exactly_its_rows(demo_db, view):
    """Each number key shows its view, named on the status line, with the rows SQL gives for it."""
    from domain.calendar import WorkingCalendar
    from store.views.caseload import CaseloadQuery, caseload_page

    (officer,) = sqlite3.connect(demo_db).execute(  # an officer with open work, for "My cases"
        'SELECT o.name FROM stage s JOIN "case" c ON c.id = s.case_id JOIN officer o ON o.id = c.officer_id '
        "WHERE s.due IS NOT NULL ORDER BY o.name LIMIT 1").fetchone()
    mine = Config(user=officer)
    app = create_app(resolve_url(demo_db), config=mine, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press(view.key)
        await settle(app, pilot)
        assert f"{view.key} {view.name}:" in str(app.query_one("#status").render())
        connection = sqlite3.connect(demo_db)
        expected = caseload_page(connection, TODAY, WorkingCalendar.for_region("ENG"), mine.rules,
                                 query=CaseloadQuery(view=view.id, user=officer))
        connection.close()
        shown = column(app.query_one(CaseloadTable), 1)
        assert shown == [r.reference for r in expected]
        assert shown or view.id in ("stage2_long",), "the demo should have rows for this view"


@pytest.mark.parametrize("view", ["8", "9"], ids=["history, by key", "compliments, by offset"])
async def test_paging_far_keeps_a_window_of_rows_and_coming_back_reads_them_again(demo_db, monkeypatch, view):
    """However far the officer pages, the table holds at most a window of rows; going back up reads the
    rows above again, and every row is where it belongs in the view."""
    import tui.caseload
    import tui.caseload_window
    from store.views.caseload import VIEW_BY_ID, CaseloadQuery, caseload_page

    monkeypatch.setattr(tui.caseload, "WINDOW", 60)  # small, so 1,200 cases cross it many times
    monkeypatch.setattr(tui.caseload_window, "PAGE_SIZE", 20)
    monkeypatch.setattr(tui.caseload_window, "PREFETCH", 10)
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press(view)
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        query = CaseloadQuery(view=next(v.id for v in VIEW_BY_ID.values() if v.key == view))
        connection = sqlite3.connect(demo_db)
        everything = [r.reference for r in caseload_page(connection, TODAY, CONFIG.calendar(), CONFIG.rules,
                                                         query=query, limit=100_000)]
        assert len(everything) > 3 * 60

        def in_place() -> None:
            assert table.row_count <= 60
            assert table.current_reference == everything[table.first + table.cursor_row]
            assert table.references == everything[table.first:table.first + table.row_count]

        deepest = 0
        for _ in range(len(everything) // 10):
            await pilot.press("pagedown")
            await settle(app, pilot)
            in_place()
            deepest = max(deepest, table.first)
        assert deepest > 60 and table.current_reference == everything[-1]
        shown = (table.first, table.references)
        app.caseload.refresh_in_place()  # what an edit does: the window read again from its first row, in place
        await settle(app, pilot)
        assert (table.first, table.references) == shown
        assert "after the change: 0 changed, 0 new, 0 gone" in str(app.query_one("#status").render())
        for _ in range(len(everything) // 10):
            await pilot.press("pageup")
            await settle(app, pilot)
            in_place()
        assert (table.first, table.cursor_row) == (0, 0)
        for _ in range(20):
            await pilot.press("pagedown")
        await settle(app, pilot)
        assert table.first > 0
        await pilot.press("home")  # from far down: the view from its start
        await settle(app, pilot)
        assert (table.first, table.cursor_row, table.current_reference) == (0, 0, everything[0])


async def test_an_extension_agreed_too_late_is_warned_in_the_form_and_noted_on_the_case(tmp_path):
    path = tmp_path / "late.db"
    db = open_database(path, CONFIG)
    service = CaseService(db, CONFIG, today=TODAY)
    service.acknowledge(service.log("statutory", date(2026, 11, 2), complainant="Alex Example"), date(2026, 11, 3))
    db.close()
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        warning = app.screen.query_one("#form-warning")
        assert "the reply will count as outside timescale" in str(warning.render())  # today, 22/11, is late
        await pilot.press("ctrl+u", *"16/11/2026")  # day 10 itself: in time
        assert str(warning.render()) == ""
        await pilot.press("ctrl+u", *"20/11/2026")
        assert str(warning.render()) == ("agreed after the timescale ran out (16/11/2026): the reply will count as "
                                         "outside timescale, and the case stays overdue")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        clock = str(app.screen.query_one("#case-clock").render())
        assert "‼" in clock and "due Mon 16/11/2026" in clock
        assert "extension agreed after day 10 (16/11/2026): the reply will count as outside timescale" in clock


async def test_the_case_screen_reads_display_names_and_uk_dates(tmp_path):
    """'Child status early_help', 'Mp enquiry' and ISO dates in the audit trail showed through."""
    path = tmp_path / "names.db"
    db = open_database(path, CONFIG)
    svc = CaseService(db, CONFIG, today=TODAY)
    ref = svc.log("statutory", date(2026, 11, 2), complainant="Alex Example", group="foster_carer",
                  child_name="Sam Example", child_status="early_help", channel="web_form")
    svc.correct_date(ref, "received", date(2026, 11, 3))
    db.close()
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        overview = text(app.screen.query_one("#case-overview"))
        assert "Child status  Early help" in overview and "Channel       Web form" in overview
        assert "early_help" not in overview and "web_form" not in overview
        assert "Foster carer" in text(app.screen.query_one("#case-people"))
        timeline = text(app.screen.query_one("#case-timeline"))
        assert "02/11/2026 → 03/11/2026" in timeline and "2026-11" not in timeline

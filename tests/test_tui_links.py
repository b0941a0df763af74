"""The keys of linking, merging and undoing on the case screen: j links, z shows what it will undo and undoes it,
M merges a duplicate (a manager, with a reason and a yes)."""

from __future__ import annotations

import os
import sqlite3
from datetime import date

from domain.config import Config
from store.db.database import open_database
from store.db.location import resolve_url
from store.lifecycle.service import CaseService
from tests.tui_helpers import settle
from tui.app import create_app
from tui.case_screen import CaseScreen
from tui.caseload import CaseloadTable
from tui.form import FormScreen

TODAY = date(2026, 11, 22)
OFFICER = Config(user="tester")
BOSS = Config(user="boss", managers=frozenset({"boss"}))


def three_cases(tmp_path) -> tuple[str, list[str]]:
    path = tmp_path / "c.db"
    db = open_database(path, OFFICER)
    svc = CaseService(db, OFFICER, today=TODAY)
    refs = [svc.log("statutory", date(2026, 11, n), complainant=f"Person {n}") for n in (2, 3, 4)]
    db.close()
    return str(path), refs


def text(widget) -> str:  # type: ignore[no-untyped-def]
    from rich.console import Console

    console = Console(width=120, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(widget.content)
    return console.export_text()


async def open_case(app, pilot, reference: str) -> CaseScreen:  # type: ignore[no-untyped-def]
    table = app.query_one(CaseloadTable)
    table.move_cursor(row=next(i for i in range(table.row_count) if str(table.get_row_at(i)[1]) == reference))
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, CaseScreen) and app.screen.reference == reference
    return app.screen


def links(path: str) -> list[tuple[int, int]]:
    return sqlite3.connect(path).execute("SELECT case_id, other_id FROM case_link").fetchall()


async def test_j_links_a_case_and_z_shows_what_it_will_undo_then_undoes_it(tmp_path):
    path, (a, b, _) = three_cases(tmp_path)
    app = create_app(resolve_url(path), config=OFFICER, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await open_case(app, pilot, a)
        await pilot.press("j")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.action.id == "link"
        await pilot.press(*b)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen, text(app.screen.query_one("#form-error"))
        assert f"Linked case  {b} · Statutory · received 03/11/2026 · open" in text(
            screen.query_one("#case-overview"))
        assert links(path) == [(1, 2)]
        await pilot.press("z")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.action.id == "undo"
        assert text(form.query_one("#form-preview")).startswith(
            f"This will undo your last change to {a}: linked {b}")
        await pilot.press("enter")  # no field: the Save button has the focus
        await settle(app, pilot)
        assert app.screen is screen
        assert "Linked case" not in text(screen.query_one("#case-overview"))
        assert links(path) == []
        await pilot.press("z")  # the last change is now the undo: refused, saying why, before saving
        await settle(app, pilot)
        assert "was an undo" in text(app.screen.query_one("#form-error"))


async def test_capital_m_merges_the_duplicate_into_another_case_for_a_manager(tmp_path):
    path, (a, b, _) = three_cases(tmp_path)
    app = create_app(resolve_url(path), config=BOSS, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_case(app, pilot, b)
        await pilot.press("M")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.action.id == "merge"
        await pilot.press(*a)
        form.query_one("#field-reason").value = "the same email, logged twice"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "need correcting" in text(form.query_one("#form-error"))  # no yes yet
        form.query_one("#field-confirm").value = "yes"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen | CaseScreen), text(form.query_one("#form-error"))
        said = [str(n.message) for n in app._notifications]
        assert len(said) == 1 and said[0].startswith(f"{b} merged into {a} and removed (merge 1")  # no error
        assert b not in [str(table.get_row_at(i)[1]) for table in app.query(CaseloadTable)
                         for i in range(table.row_count)]
    conn = sqlite3.connect(path)
    assert conn.execute('SELECT reference FROM "case" ORDER BY id').fetchall() == [(a,), ("CS-2026-00003",)]
    assert conn.execute("SELECT kind, duplicate, undone_at FROM merge_record").fetchall() == [("case", b, None)]


async def test_an_officer_is_refused_a_merge_in_the_form(tmp_path):
    path, (a, b, _) = three_cases(tmp_path)
    app = create_app(resolve_url(path), config=OFFICER, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_case(app, pilot, b)
        await pilot.press("M")
        await settle(app, pilot)
        form = app.screen
        await pilot.press(*a)
        form.query_one("#field-reason").value = "twice"
        form.query_one("#field-confirm").value = "yes"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "manager" in text(form.query_one("#form-error"))
    assert len(sqlite3.connect(path).execute('SELECT id FROM "case"').fetchall()) == 3


async def test_a_linked_case_opens_from_the_palette(tmp_path):
    path, (a, b, _) = three_cases(tmp_path)
    db = open_database(path, OFFICER)
    CaseService(db, OFFICER, today=TODAY).link(a, b)
    db.close()
    app = create_app(resolve_url(path), config=OFFICER, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_case(app, pilot, a)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*f"open linked case {b}")
        await pilot.pause(0.5)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.reference == b


def offered(form: FormScreen, name: str) -> list[str]:
    from textual.widgets import OptionList

    from tui.picker import Picker

    picker = form.query_one(f"#picker-{name}", Picker)
    options = picker.query_one(OptionList)
    return [str(getattr(options.get_option_at_index(i).prompt, "plain", "")) for i in range(options.option_count)] \
        if picker.display else []


async def test_the_case_to_merge_into_is_chosen_from_the_complainants_and_recent_cases_or_as_typed(tmp_path):
    """The tryout: the case to merge into was typed, not picked. ↓ offers the same complainant's cases, then the
    newest; typing a name or a reference asks the store again (a LIMIT), never for the whole table."""
    path, (a, b, c) = three_cases(tmp_path)
    db = open_database(path, OFFICER)
    again = CaseService(db, OFFICER, today=TODAY).log("statutory", date(2026, 11, 5), complainant="Person 2")
    db.close()
    app = create_app(resolve_url(path), config=BOSS, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_case(app, pilot, again)
        await pilot.press("M")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.focused is form.query_one("#field-into")
        await pilot.press("down")
        assert offered(form, "into") == [f"{a} · Person 2, statutory, received 02/11/2026, the same complainant",
                                         f"{c} · Person 4, statutory, received 04/11/2026",
                                         f"{b} · Person 3, statutory, received 03/11/2026"]
        await pilot.press("escape", *"Person 3")
        await pilot.pause(0.5)
        await settle(app, pilot)
        assert offered(form, "into") == [f"{b} · Person 3, statutory, received 03/11/2026"]
        await pilot.press("ctrl+u", *a)  # a reference
        await pilot.pause(0.5)
        await settle(app, pilot)
        assert offered(form, "into")[0].startswith(f"{a} · Person 2")
        await pilot.press("enter")
        assert form.query_one("#field-into").value.startswith(f"{a} · Person 2") and app.screen is form
        form.query_one("#field-reason").value = "the same email, logged twice"
        form.query_one("#field-confirm").value = "yes"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen), text(form.query_one("#form-error"))
    assert sqlite3.connect(path).execute("SELECT duplicate FROM merge_record").fetchall() == [(again,)]

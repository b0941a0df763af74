"""Views of their own: V saves the view, search and sort on shift+1..9; renamed and deleted from the palette's
actions; kept by login in the database, so they survive a restart; the built-in views stay."""

from __future__ import annotations

from datetime import date

import pytest

from domain.config import Config
from store.db.database import open_database
from store.db.location import resolve_url
from store.housekeeping.demo import generate
from store.views.saved import saved_views
from tests.tui_helpers import settle
from tui.app import create_app
from tui.caseload import CaseloadTable

TODAY = date(2026, 11, 22)
CONFIG = Config(user="tester")


@pytest.fixture
def demo_db(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "demo.db"
    db = open_database(path, CONFIG)
    generate(db, CONFIG, cases=300, seed=5, today=TODAY)
    db.close()
    return path


def _saved(path) -> list[tuple[int, str, str, str, str]]:  # type: ignore[no-untyped-def]
    db = open_database(path, CONFIG)
    try:
        return [(v.slot, v.name, v.view, v.text, v.sort) for v in saved_views(db, "tester")]
    finally:
        db.close()


async def test_save_choose_rename_delete_and_keep_after_a_restart(demo_db):
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("8", "s")  # all history (its own order), then search
        await pilot.press("slash", *"fostering", "enter")
        await settle(app, pilot)
        await pilot.press("V")
        await settle(app, pilot)
        await pilot.press("slash", "escape", "4")  # no search; overdue, sorted by due
        await settle(app, pilot)
        await pilot.press("V")
        await settle(app, pilot)
        assert [s[:2] for s in _saved(demo_db)] == [(1, "All history · “fostering” · by due"), (2, "Overdue · by due")]
        assert [v.slot for v in app.saved] == [1, 2]  # the palette lists them
        await pilot.press("1")
        await settle(app, pilot)
        await pilot.press("exclamation_mark")  # shift+1
        await settle(app, pilot)
        state = app.caseload.query_state
        assert (state.view, state.text) == ("history", "fostering")
        assert app.query_one("#filter").value == "fostering"
        table = app.query_one(CaseloadTable)
        assert table.row_count and "matching “fostering”" in str(app.query_one("#status").render())
        await pilot.press("escape")  # the search box: back to the table
        app.rename_view(app.saved[1])
        await settle(app, pilot)
        box = app.screen.query_one("#view_name")
        box.value = ""
        await pilot.press(*"late", "enter")
        await settle(app, pilot)
        assert [s[:2] for s in _saved(demo_db)] == [(1, "All history · “fostering” · by due"), (2, "late")]
        app.delete_view(app.saved[0])
        await settle(app, pilot)
        await pilot.press("exclamation_mark")
        await settle(app, pilot)
        assert [s[:2] for s in _saved(demo_db)] == [(2, "late")]
        await pilot.press("1")  # the built-in views stay
        await settle(app, pilot)
        assert app.caseload.query_state.view == "open"
    app = create_app(resolve_url(demo_db), config=CONFIG, today=TODAY)  # a restart
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("at")  # shift+2
        await settle(app, pilot)
        assert app.caseload.query_state.view == "overdue"
        await pilot.press("V")  # saved again: the first free key
        await settle(app, pilot)
        assert [s[0] for s in _saved(demo_db)] == [1, 2]


def test_nine_at_most_and_another_users_are_theirs(tmp_path):
    from store.views.saved import save_view

    db = open_database(tmp_path / "c.db", CONFIG)
    for _ in range(9):
        save_view(db, "tester", "open", "", "due")
    with pytest.raises(Exception, match="all 9 keys of saved views are taken"):
        save_view(db, "tester", "open", "", "due")
    assert save_view(db, "someone", "history", "x", "due").slot == 1
    assert len(saved_views(db, "someone")) == 1
    db.close()

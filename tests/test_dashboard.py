"""The team dashboard: its figures against SQL's own counts, and a figure opening the cases behind it."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from textual.widgets import DataTable

from domain.config import Config
from store.db.database import open_database
from store.housekeeping.demo import generate
from store.views.dashboard import dashboard
from store.views.digest import stored_calendar
from tests.tui_helpers import settle
from tui.app import create_app
from tui.dashboard_screen import COLUMNS, TEAM, DashboardScreen

TODAY = date(2026, 11, 22)
CONFIG = Config(user="tester")


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("dash") / "dash.db"
    db = open_database(path, CONFIG)
    generate(db, CONFIG, cases=1500, seed=7, today=TODAY)
    db.close()
    return path


def sql_counts(path) -> dict[str, int]:
    """The figures as SQL counts them, written out here independently of the dashboard's rules."""
    c = sqlite3.connect(path)
    one = lambda sql, *args: c.execute(sql, args).fetchone()[0]  # noqa: E731
    today = TODAY.isoformat()
    return {
        "open": one("SELECT count(*) FROM stage WHERE due IS NOT NULL")
        + one('SELECT count(*) FROM "case" WHERE ack_due IS NOT NULL')
        + one("SELECT count(*) FROM ombudsman_enquiry WHERE due IS NOT NULL"),
        "stage2": one("SELECT count(*) FROM stage WHERE due IS NOT NULL AND number = 2 "
                      "AND procedure IN ('statutory', 'corporate')"),
        "ack": one('SELECT count(*) FROM "case" WHERE ack_due IS NOT NULL'),
        "overdue": one("SELECT count(*) FROM stage WHERE due < ? AND paused_since IS NULL", today)
        + one('SELECT count(*) FROM "case" WHERE ack_due < ?', today)
        + one("SELECT count(*) FROM ombudsman_enquiry WHERE due < ?", today),
        "panels": one("SELECT count(*) FROM stage WHERE due IS NOT NULL AND step = 'stage3_panel'"),
        "actions": one("SELECT count(*) FROM learning_action WHERE due < ? AND done IS NULL", today),
        "received": one('SELECT count(*) FROM "case" WHERE received BETWEEN ? AND ?', "2026-04-01", today),
        "received_before": one('SELECT count(*) FROM "case" WHERE received BETWEEN ? AND ?', "2025-04-01",
                               "2025-11-22"),
    }


def officer_open(path) -> dict[str, int]:
    c = sqlite3.connect(path)
    counts: dict[str, int] = {}
    for sql in ('SELECT o.name, count(*) FROM stage s JOIN "case" x ON x.id = s.case_id LEFT JOIN officer o '
                "ON o.id = x.officer_id WHERE s.due IS NOT NULL GROUP BY o.name",
                'SELECT o.name, count(*) FROM "case" x LEFT JOIN officer o ON o.id = x.officer_id '
                "WHERE x.ack_due IS NOT NULL GROUP BY o.name",
                'SELECT o.name, count(*) FROM ombudsman_enquiry e JOIN "case" x ON x.id = e.case_id '
                "LEFT JOIN officer o ON o.id = x.officer_id WHERE e.due IS NOT NULL GROUP BY o.name"):
        for name, n in c.execute(sql):
            counts[name or ""] = counts.get(name or "", 0) + n
    return counts


def test_every_figure_agrees_with_sql(small_db):
    connection = sqlite3.connect(small_db)
    figures = dashboard(connection, TODAY, stored_calendar(connection.cursor(), CONFIG))
    expected = sql_counts(small_db)
    assert {k: figures.totals[k] for k in expected} == expected
    assert all(expected.values())  # every kind is there to count
    assert figures.totals["stage2_25"] > figures.totals["stage2_65"] > 0
    assert {name: counts["open"] for name, counts in figures.officers.items() if counts.get("open")} \
        == officer_open(small_db)
    assert sum(c.get("overdue", 0) for c in figures.teams.values()) == expected["overdue"]


async def test_the_dashboard_shows_the_figures_and_each_opens_its_cases(small_db):
    expected = sql_counts(small_db)
    app = create_app(str(small_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        team = screen.query_one("#dashboard-team", DataTable)
        shown = {TEAM[i]: int(str(team.get_row_at(i)[1]).replace(",", "")) for i in range(team.row_count)}
        assert shown["stage2"] == expected["stage2"] and shown["received"] == expected["received"]
        assert shown["received_before"] == expected["received_before"]
        people = screen.query_one("#dashboard-people", DataTable)
        whole = [int(str(v).replace(",", "")) for v in people.get_row_at(0)[1:]]
        figures = dict(zip([f for f, _ in COLUMNS], whole, strict=True))
        assert figures["open"] == expected["open"] and figures["overdue"] == expected["overdue"]
        assert figures["actions"] == expected["actions"] and figures["panels"] == expected["panels"]
        # The first officer's overdue work: the cell opens the caseload on exactly those rows.
        row = max(range(1, len(screen.people)), key=lambda i: int(str(people.get_row_at(i)[2]).replace(",", "")))
        officer = str(people.get_row_at(row)[0])
        mine = int(str(people.get_row_at(row)[2]).replace(",", ""))
        assert mine > 0 and screen.people[row] == ("officer", officer)
        people.focus()
        people.move_cursor(row=row, column=2)
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, DashboardScreen)
        table = app.caseload.table
        assert table.row_count == mine
        assert app.caseload.query_state.figure == "overdue"
        assert app.caseload.query_state.who == ("officer", officer)
        status = str(app.caseload.query_one("#status").render())
        assert status.startswith(f"Overdue · {officer}: {mine} deadline")
        # A view's key leaves the figure behind.
        await pilot.press("1")
        await settle(app, pilot)
        assert app.caseload.query_state.figure == "" and table.row_count > mine
        # The team table: Stage 2 opens every open Stage 2.
        await pilot.press("b")
        await settle(app, pilot)
        team = app.screen.query_one("#dashboard-team", DataTable)
        team.focus()
        team.move_cursor(row=TEAM.index("stage2"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.caseload.table.row_count == expected["stage2"]


async def test_enter_on_a_dashboard_just_opened_opens_the_figure_not_the_caseload_case(small_db):
    """b then enter, no other key: the team table has the focus, so enter opens its first figure's cases (the
    scrolling body had it, and enter fell through to the app's "open the case under the caseload's cursor")."""
    app = create_app(str(small_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.focused is app.screen.query_one("#dashboard-team", DataTable)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is app.caseload.screen and app.caseload.query_state.figure == TEAM[0]


async def test_a_case_key_on_the_dashboard_acts_on_no_case_out_of_sight(small_db):
    """The tryout: x (extend) on the dashboard opened a form for the caseload's row, which cannot be seen there."""
    from tui.form import FormScreen

    app = create_app(str(small_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen) and not isinstance(app.screen, FormScreen)
        assert [n.message for n in app._notifications][-1] == "Choose a case first"

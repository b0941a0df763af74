"""Learning the tool from the screen: `?` lists this screen's own keys first, grouped; the palette opens on the
app's commands and every transition, Textual's own after them."""

from __future__ import annotations

import os
from datetime import date

import pytest
from textual.command import CommandList, CommandPalette

from domain.config import Config
from store.db.database import open_database
from store.housekeeping.demo import generate
from tests.tui_helpers import settle
from tui.actions import ACTIONS
from tui.app import create_app
from tui.caseload import COLUMNS
from tui.help_panel import AppHelpPanel

TODAY = date(2026, 11, 22)
CONFIG = Config(user="tester")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("learn") / "learn.db"
    db = open_database(path, CONFIG)
    generate(db, CONFIG, cases=300, seed=3, today=TODAY)
    db.close()
    return path


def plain(renderable) -> list[str]:  # type: ignore[no-untyped-def]
    from rich.console import Console

    console = Console(width=60, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(renderable)
    return [line.rstrip() for line in console.export_text().splitlines()]


async def test_help_lists_the_apps_keys_first_grouped(demo_db):
    app = create_app(str(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        panel = app.screen.query_one(AppHelpPanel)
        lines = plain(panel.grouped())
        headings = [line for line in lines if line in ("Work on a case", "Views", "Reports", "The app")]
        assert headings == ["Work on a case", "Views", "Reports", "The app"]
        assert lines[0] == "Work on a case"  # nothing generic before the app's own
        assert any(line.split()[:2] == ["a", "Acknowledge"] for line in lines)
        assert any(line.split() == ["b", "Dashboard"] for line in lines)
        assert lines.index("Reports") < lines.index(next(line for line in lines if line.split() == ["y", "Year-end"]))
        assert lines.index("Views") < next(i for i, line in enumerate(lines) if "All open" in line)
        # Above Textual's own panel of keys (its generic cursor keys come after).
        children = list(panel.children)
        assert children.index(panel.query_one("#app-keys-scroll")) < children.index(panel.query_one("#keys-help"))
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert not app.screen.query(AppHelpPanel)
        # On the dashboard, its own keys come first.
        await pilot.press("b")
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        lines = plain(app.screen.query_one(AppHelpPanel).grouped())
        assert lines[0] == "This screen" and lines[1].split()[1:] == ["Back"] and lines[2].split() == ["r", "Refresh"]


async def test_the_palette_opens_on_the_apps_commands_then_textuals(demo_db):
    app = create_app(str(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.pause(0.3)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        listed = palette.query_one(CommandList)
        names = [str(listed.get_option_at_index(i).prompt).split("\n")[0] for i in range(listed.option_count)]
        assert names[0] == "Team dashboard"
        titles = {a.title for a in ACTIONS}
        assert titles <= set(names)  # every transition, by name, keyed or not
        textual = [names.index(n) for n in ("Keys", "Quit", "Theme") if n in names]
        assert textual and min(textual) > max(names.index(t) for t in titles)
        assert "Accept the request" in names and "Schedule the panel" in names


async def test_at_80_by_24_nothing_an_officer_needs_is_cut_off(demo_db):
    from textual.widgets import Footer

    from tui.form import FormScreen

    app = create_app(str(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        keys = [k for k in app.screen.query_one(Footer).children if k.region.width]
        assert all(k.region.right <= 80 for k in keys)
        actions = {getattr(k, "action", None) for k in keys}
        assert {"quit", "help", "filter", "form('log')", "command_palette"} <= actions  # the essentials stay
        table = app.caseload.table
        header = "".join(s.text for s in table._line(COLUMNS, table.rich_style, None))
        assert "Complainant" in header and "Received" not in header and len(header.rstrip()) <= 80
        # A form's field error wraps inside the screen.
        app.action_form("log")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        errors = [e for e in app.screen.query(".form-field-error") if str(e.render()).strip()]
        assert errors and all(e.region.right <= 80 for e in errors)
    app = create_app(str(demo_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        header = "".join(s.text for s in app.caseload.table._line(COLUMNS, app.caseload.table.rich_style, None))
        assert "Received" in header and "Team" in header

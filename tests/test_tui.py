"""The TUI driven with Pilot, workers awaited rather than slept on, and a snapshot of each main screen."""

from datetime import date
from pathlib import Path

import pytest

from domain.config import Config
from store.db.database import open_database
from store.db.location import resolve_url
from store.housekeeping.demo import generate
from tests.tui_helpers import settle, still
from tui.app import create_app
from tui.caseload import CaseloadTable
from tui.demo_offer import DemoOffer

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("tui") / "demo.db"
    cfg = Config(user="tester")
    db = open_database(path, cfg)
    generate(db, cfg, cases=1500, seed=3, today=TODAY)
    db.close()
    return path




async def test_caseload_lists_open_work_most_urgent_first(demo_db):
    app = create_app(resolve_url(demo_db), config=Config(user="tester"), today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        assert table.row_count > 5
        dues = [date.fromisoformat("-".join(reversed(str(table.get_row_at(i)[3]).rstrip("?").split("/"))))
                for i in range(table.row_count)]
        assert dues == sorted(dues)
        first = table.get_row_at(0)
        assert str(first[0]) == "‼" and str(first[4]).endswith(" over")
        late = next(i for i in range(1, table.row_count) if table.get_row_at(i)[0] == "‼")  # not the cursor's row
        drawn = [seg for seg in table.render_line(late + 1) if table.get_row_at(late)[1] in seg.text]  # 0: header
        error = app.theme_variables["text-error"]  # the theme's red, tinted to read on its background
        assert drawn and drawn[0].style.bold and drawn[0].style.color.triplet.hex == error.lower()
        await pilot.press("pagedown")
        assert table.cursor_row > 10
        await pilot.press("q")
    assert app.return_code == 0


async def test_first_run_offers_a_demo_and_keeps_it_apart(tmp_path):
    real, demo = tmp_path / "real.db", tmp_path / "demo.db"
    app = create_app(resolve_url(real), config=Config(user="tester"), today=TODAY, offer_demo=True,
                     demo_path=str(demo))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, DemoOffer)
        await pilot.press("d")
        await settle(app, pilot)
        assert app.title == "complaints — DEMO"
        assert app.query_one(CaseloadTable).row_count > 0
    import sqlite3
    assert sqlite3.connect(real).execute('SELECT count(*) FROM "case"').fetchone() == (0,)
    assert sqlite3.connect(demo).execute('SELECT count(*) FROM "case"').fetchone()[0] > 1000
    again = create_app(resolve_url(real), config=Config(user="tester"), today=TODAY, offer_demo=True,
                       demo_path=str(demo))
    async with again.run_test(size=(120, 40)) as pilot:  # the demo chosen again, from an existing file
        await settle(again, pilot)
        assert isinstance(again.screen, DemoOffer)
        await pilot.press("d")
        await settle(again, pilot)
        assert again.title == "complaints — DEMO"
        assert again.query_one(CaseloadTable).row_count > 0  # it stayed blank until r was pressed


async def test_the_demo_opened_by_its_path_is_titled_demo_and_a_real_database_is_not(demo_db, tmp_path):
    """The tryout: `complaints --db demo.db` dropped the DEMO title shown when the app made the demo itself. The
    title follows the database (the demo builder's mark), not how it was opened."""
    app = create_app(resolve_url(demo_db), config=Config(user="tester"), today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.title == "complaints — DEMO"
    real = create_app(resolve_url(tmp_path / "real.db"), config=Config(user="tester"), today=TODAY)
    async with real.run_test(size=(120, 40)) as pilot:
        await settle(real, pilot)
        assert real.title == "complaints"


async def test_declining_the_demo_shows_an_empty_caseload(tmp_path):
    app = create_app(resolve_url(tmp_path / "real.db"), config=Config(user="tester"), today=TODAY,
                     offer_demo=True, demo_path=str(tmp_path / "demo.db"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        assert app.query_one(CaseloadTable).row_count == 0
    assert not (tmp_path / "demo.db").exists()


def test_caseload_snapshot(snap_compare, demo_db):
    app = create_app(resolve_url(demo_db), config=Config(user="tester"), today=TODAY)

    async def wait(pilot):
        await still(app, pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=wait)


def test_every_binding_has_an_id_and_a_tooltip():
    from tui.app import ComplaintsApp
    from tui.case_screen import CaseScreen
    from tui.person_screen import PersonScreen
    from tui.settings_screen import SettingsScreen

    for owner in (ComplaintsApp, CaseloadTable, DemoOffer, CaseScreen, PersonScreen, SettingsScreen):
        for binding in owner.BINDINGS:
            assert binding.id and binding.tooltip, (owner.__name__, binding.key)
    assert Path(__file__).parent.parent.joinpath("tui", "app.tcss").exists()


def test_case_screen_snapshot(snap_compare, demo_db):
    app = create_app(resolve_url(demo_db), config=Config(user="tester"), today=TODAY)

    async def open_case(pilot):
        await settle(app, pilot)
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)
        await pilot.press("right")  # the Stages tab
        await still(app, pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=open_case)


def test_form_with_errors_snapshot(snap_compare, demo_db):
    app = create_app(resolve_url(demo_db), config=Config(user="tester"), today=TODAY)

    async def fill(pilot):
        await settle(app, pilot)
        await pilot.press("n", *"grievance", "tab", "end", "ctrl+u", *"31/02/2026")  # on no list: refused
        await still(app, pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=fill)


def repeat_case(path) -> str:
    """A case whose complainant has several, the most contacts first."""
    import sqlite3

    return sqlite3.connect(path).execute(
        'SELECT c.reference FROM "case" c JOIN stage s ON s.case_id = c.id AND s.due IS NOT NULL '
        'WHERE c.person_id IN (SELECT person_id FROM "case" GROUP BY person_id HAVING count(*) > 1) '
        'ORDER BY (SELECT count(*) FROM "case" x WHERE x.person_id = c.person_id) DESC, c.reference '
        "LIMIT 1").fetchone()[0]


@pytest.mark.parametrize("screen", ["person", "year_end", "settings"])
def test_screen_snapshot(snap_compare, demo_db, screen):
    """The person screen (c on a repeat complainant's case), the year-end figures (y) and settings (,)."""
    app = create_app(resolve_url(demo_db), config=Config(user="tester"), today=TODAY)

    async def open_screen(pilot):
        await settle(app, pilot)
        if screen == "person":
            app.open_case(repeat_case(demo_db))
            await settle(app, pilot)
        await pilot.press({"person": "c", "year_end": "y", "settings": "comma"}[screen])
        await still(app, pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=open_screen)


def test_the_app_module_leaves_the_database_layer_for_after_the_first_paint():
    """The first page is read with sqlite3 straight from the file; SQLAlchemy and friends load in a worker after."""
    import subprocess
    import sys

    code = ("import sys, tui.app\n"
            "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'alembic', 'holidays', 'openpyxl') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent).stdout
    assert out.strip() == "[]"


def test_the_first_page_is_drawn_before_the_database_layer_loads(demo_db, tmp_path):
    """The command's own way in (``cli._run_tui``) and the first page drawn: SQLAlchemy and friends are not
    imported yet (they cost 0.5-0.8 s before it, when the CLI imported its StoreError from store.db.database)."""
    import subprocess
    import sys

    code = f"""
import asyncio, sys
from datetime import date
import cli, textual.app, tui.app
from domain.config import Config
from tui.caseload import CaseloadTable

real_run = textual.app.App.run
textual.app.App.run = lambda self, *a, **k: None  # the command's path to the app, without a terminal
cli._run_tui({str(demo_db)!r}, date(2026, 11, 22))
tui.app.ComplaintsApp.open_store = lambda self: None  # the store would open next: stop before it

async def first_page():
    app = tui.app.create_app("sqlite:///" + {str(demo_db)!r}, config=Config(user="t"), today=date(2026, 11, 22))
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(CaseloadTable)
        while not table.drawn:
            await pilot.pause(0.01)
        await pilot.pause(0.1)

asyncio.run(first_page())
print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'alembic', 'holidays', 'openpyxl') if m in sys.modules))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent, env={**__import__("os").environ,
                                                                 "COMPLAINTS_CONFIG": str(tmp_path / "none.toml")})
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("key", ["enter", "y"])
async def test_a_key_pressed_while_the_store_opens_is_done_once_it_is_open(demo_db, key):
    """The first page shows before the store opens (a second, on a slow machine): Enter or y pressed then
    opens the case or the year-end figures once it is open, rather than being lost."""
    from tui.app import ComplaintsApp
    from tui.case_screen import CaseScreen
    from tui.reports_screen import ReportsScreen

    app = create_app(resolve_url(demo_db), config=Config(user="tester"), today=TODAY)
    opening = ComplaintsApp.open_store
    app.open_store = lambda: None  # type: ignore[method-assign]  # held back until the key is pressed
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(CaseloadTable)
        while not table.drawn:
            await pilot.pause(0.01)
        assert app.data is None
        await pilot.press(key)
        opening(app)
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen if key == "enter" else ReportsScreen)
        if key == "enter":
            assert app.screen.reference == table.rows[0].reference


def test_the_holidays_version_is_read_as_importlib_metadata_reads_it():
    """It is part of the calendar's fingerprint stored in every database: the quick read must agree."""
    from importlib.metadata import version

    from domain.config import holidays_version

    assert holidays_version() == version("holidays")


def _contrast(segment, background) -> float:
    """The WCAG contrast ratio of a drawn segment's text on its background (reverse video swapped)."""
    from textual.color import Color

    style = segment.style
    fg = Color.from_rich_color(style.color) if style.color else Color(224, 224, 224)
    bg = Color.from_rich_color(style.bgcolor) if style.bgcolor else background
    if style.reverse:
        fg, bg = bg, fg

    def luminance(c: Color) -> float:
        def channel(v: int) -> float:
            v = v / 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)

    high, low = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("no_color", [False, True])
async def test_overdue_rows_stand_out_in_colour_and_in_monochrome(demo_db, monkeypatch, no_color):
    """Under NO_COLOR the overdue rows were grey 237 on 234 (about 1.5:1): the most urgent, the hardest to read."""
    from domain.clock import State

    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = create_app(resolve_url(demo_db), config=Config(user="tester"), today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        assert app.no_color is no_color
        overdue = next(i for i, row in enumerate(table.rows) if row.state is State.OVERDUE and i != table.cursor_row)
        segments = list(table.render_line(overdue + 1))
        background = app.screen.background_colors[1]
        for drawn in app._filters:  # as the terminal gets them: ANSI colours to the theme's, or to greys
            segments = drawn.apply(segments, background)
        text = [s for s in segments if s.text.strip()]
        assert text and all(s.style.bold for s in text)
        assert min(_contrast(s, background) for s in text) >= 4.5
        if no_color:
            assert all(s.style.reverse for s in text)


@pytest.fixture(scope="module")
def case_file_db(demo_db, tmp_path_factory):
    """The demo with one case's file filled in (notes, an email and a report, a link), at fixed times: its
    reference and the database. Written as the store writes these rows, without the clock of today's events."""
    import hashlib
    import shutil
    import sqlite3

    path = tmp_path_factory.mktemp("casefile") / "demo.db"
    shutil.copy(demo_db, path)
    with sqlite3.connect(path) as conn:
        case_id, reference = conn.execute('SELECT c.id, c.reference FROM "case" c JOIN stage s ON s.case_id = c.id '
                                          "AND s.due IS NOT NULL WHERE c.kind = 'statutory' ORDER BY c.id "
                                          "LIMIT 1").fetchone()
        other = conn.execute('SELECT id FROM "case" WHERE id > ? ORDER BY id LIMIT 1', (case_id,)).fetchone()[0]
        notes = [("2026-11-03 10:15:00", "phone", "in", "The complainant", "Rang to ask when the visit will be.\n"
                  "Told her the social worker will call by Friday."),
                 ("2026-11-05 16:40:00", "email", "out", "Team manager, CIN North", "Asked for the visit records."),
                 ("2026-11-10 09:00:00", "meeting", None, "The complainant and her advocate", "Agreed the issues.")]
        for at, kind, direction, who, text in notes:
            conn.execute("INSERT INTO note (case_id, contact_at, kind, direction, with_whom, text, added_by, added_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, 'tester', ?)", (case_id, at, kind, direction, who, text, at))
        documents = [("complaint.eml", "message/rfc822", b"From: Jo Example <jo@example.org>\r\n\r\nMissed visits.",
                      "Jo Example <jo@example.org>", "2026-11-02 08:30:00", "Missed visits in October",
                      "Nobody came on the 14th or the 21st."),
                     ("stage1-response.pdf", "application/pdf", b"%PDF-1.4 synthetic", None, None, None, None)]
        for name, media, content, sender, sent, subject, text in documents:
            cursor = conn.execute(
                "INSERT INTO document (case_id, name, size, media_type, sha256, origin, added_by, added_at, "
                "email_from, email_date, email_subject, text) VALUES (?, ?, ?, ?, ?, 'attached', 'tester', "
                "'2026-11-04 11:00:00', ?, ?, ?, ?)",
                (case_id, name, len(content), media, hashlib.sha256(content).hexdigest(), sender, sent, subject, text))
            conn.execute("INSERT INTO document_content (document_id, content) VALUES (?, ?)",
                         (cursor.lastrowid, content))
        conn.execute("INSERT INTO case_link (case_id, other_id, linked_by, linked_at) VALUES (?, ?, 'tester', "
                     "'2026-11-06 12:00:00')", (case_id, other))
    return reference, path


@pytest.mark.parametrize("tab", ["overview", "timeline", "documents"])
def test_case_file_snapshot(snap_compare, case_file_db, tab):
    """The case file: its links on the overview, notes on the timeline among the stages' events, documents."""
    from textual.widgets import TabbedContent

    reference, path = case_file_db
    app = create_app(resolve_url(path), config=Config(user="tester"), today=TODAY)

    async def open_case(pilot):
        await settle(app, pilot)
        app.open_case(reference)
        await settle(app, pilot)
        app.screen.query_one("#case-tabs", TabbedContent).active = f"tab-{tab}"
        await still(app, pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=open_case)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("key", ["b", "question_mark"], ids=["dashboard", "help"])
def test_dashboard_and_help_snapshot(snap_compare, demo_db, key, size):
    """The team dashboard (b) and the help (?) that lists this screen's own keys first, at both sizes."""
    app = create_app(resolve_url(demo_db), config=Config(user="tester"), today=TODAY)

    async def press(pilot):
        from textual.widgets import DataTable

        await settle(app, pilot)
        await pilot.press(key)
        await still(app, pilot)
        for table in app.screen.query(DataTable):  # its header is drawn again at the widths its rows gave it
            table.refresh(layout=True)
        await still(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=press)


async def test_the_case_screen_is_built_before_the_first_case_is_opened_and_restyled_for_a_new_theme(demo_db):
    """The first Enter finds the case screen composed and styled (built while the app warms up), shows the case
    asked for on it, and a theme chosen while it was away still reaches it (it skips restyling only otherwise)."""
    from textual.widgets import Static

    from tui.case_screen import CaseScreen

    app = create_app(resolve_url(demo_db), config=Config(user="tester"), today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.pause(0.5)  # the warm-up starts 0.3 s after the store opens
        await settle(app, pilot)
        assert app.is_screen_installed("case")
        built = app.get_screen("case")
        assert isinstance(built, CaseScreen) and built.is_running and built.query_one("#case-overview", Static)
        table = app.query_one(CaseloadTable)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert app.screen is built and built.reference == str(table.get_row_at(1)[1])
        await pilot.press("escape")
        await settle(app, pilot)
        before = built.styles.background
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is built and built.styles.background != before
        assert built.styles.background == app.screen_stack[0].styles.background  # the caseload's, in the new theme

"""The Complaint Handling Code in the TUI: a provisional response date turns fixed once acknowledged (`a`),
a contact recorded as not accepted (`R`), and the year-end screen's Code report (`h`)."""

from __future__ import annotations

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

TODAY = date(2026, 11, 22)  # a Sunday
CONFIG = Config(user="tester")


def one_case(tmp_path, kind="corporate", received=date(2026, 11, 17)):
    path = tmp_path / "code.db"
    db = open_database(path, CONFIG)
    ref = CaseService(db, CONFIG, today=TODAY).log(kind, received, complainant="Alex Example")
    db.close()
    return path, ref


def dues(app) -> list[str]:  # type: ignore[no-untyped-def]
    table = app.query_one(CaseloadTable)
    return [str(table.get_row_at(i)[3]) for i in range(table.row_count)]


async def test_the_provisional_response_date_turns_fixed_after_acknowledging(tmp_path):
    path, ref = one_case(tmp_path)
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        assert "08/12/2026?" in dues(app)  # the caseload marks the provisional date
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.reference == ref
        before = str(app.screen.query_one("#case-clock").render())
        assert "response due 08/12/2026 (provisional until acknowledged)" in before
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        await pilot.press("ctrl+s")  # acknowledged today, Sunday 22/11: 10 working days on is Fri 04/12
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen), app.screen.query_one("#form-error").render()
        after = str(app.screen.query_one("#case-clock").render())
        assert "04/12/2026" in after and "provisional" not in after
        await pilot.press("escape")
        await settle(app, pilot)
        assert "04/12/2026" in dues(app) and not any(d.endswith("?") for d in dues(app))


async def test_R_records_a_contact_not_accepted_with_its_exclusion(tmp_path):
    path, ref = one_case(tmp_path)
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"service request")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen), app.screen.query_one("#form-error").render()
    db = open_database(path, CONFIG)
    try:
        from sqlmodel import select

        from store.db.models import Case
        with db.read() as s:
            case = s.exec(select(Case).where(Case.reference == ref)).one()
        assert (case.not_accepted, case.exclusion, case.closed) == (TODAY, "service_request", TODAY)
    finally:
        db.close()


async def test_h_on_the_year_end_screen_shows_the_codes_report_and_again_the_tables(tmp_path):
    from rich.text import Text

    from tui.reports_screen import ReportsScreen

    path, _ = one_case(tmp_path)
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen)
        await pilot.press("right_square_bracket")  # the year in progress, 2026/27
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        shown = app.screen.query_one("#reports-tables").content
        assert isinstance(shown, Text) and "Complaint Handling Code: annual report 2026/27" in shown.plain
        lines = {" ".join(line.split()) for line in shown.plain.splitlines()}
        assert "Acknowledged within 5 working days 0 0" in lines  # logged, not yet acknowledged
        await pilot.press("h")
        await settle(app, pilot)
        assert not isinstance(app.screen.query_one("#reports-tables").content, Text)

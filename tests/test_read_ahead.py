"""The case under the caseload's resting cursor is read ahead of Enter, and used only while nothing has been written."""

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
from tui.data import Data

TODAY = date(2026, 11, 22)
CONFIG = Config(user="tester")


def _two_cases(path) -> CaseService:  # type: ignore[no-untyped-def]
    service = CaseService(open_database(path, CONFIG), CONFIG, today=TODAY)
    service.log("statutory", date(2026, 11, 2), complainant="Ottoline Quillfeather", summary="Saltmarsh placement")
    service.log("corporate", date(2026, 11, 3), complainant="Rowan Ashby", summary="Letter about transport")
    return service


async def test_enter_shows_the_case_read_ahead_and_a_write_since_is_never_missed(tmp_path, monkeypatch):
    path = tmp_path / "c.db"
    service = _two_cases(path)
    reads: list[str] = []
    case = Data.case

    def counted(self, reference):  # type: ignore[no-untyped-def]
        reads.append(reference)
        return case(self, reference)

    monkeypatch.setattr(Data, "case", counted)
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.pause(0.2)  # the cursor rests on the first row: its case is read ahead
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        first = table.current_reference
        assert first is not None and app.ahead is not None and app.ahead.detail.reference == first
        reads.clear()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.reference == first
        assert reads == []  # shown without a read

        await pilot.press("escape")
        await settle(app, pilot)
        service.edit_case(first, "summary", "Changed by a colleague")  # another connection writes
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.detail.summary == "Changed by a colleague"
        assert reads == [first]  # the case read ahead was older than the write: read again

        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("down")  # held keys read nothing; a rest reads the case there
        await pilot.pause(0.2)
        await settle(app, pilot)
        second = table.current_reference
        assert second != first and app.ahead is not None and app.ahead.detail.reference == second
    service.db.close()

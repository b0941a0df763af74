"""The next steps a case's state allows: the domain's rule, and the case screen showing them."""

from __future__ import annotations

from datetime import date

from domain.clock import StageDates
from domain.next_steps import Enquiry, Step, next_steps

D = date


def stage(number: int, procedure: str = "statutory", **dates: date | None) -> StageDates:
    return StageDates(procedure, number, dates.pop("requested", D(2026, 9, 1)), **dates)  # type: ignore[arg-type]


def test_each_state_offers_its_steps():
    assert next_steps("statutory", [stage(1)], acknowledged=False, closed=False) == [
        Step("Not acknowledged yet: acknowledge it", ("acknowledge",)),
        Step("Stage 1 under way: respond, extend or pause the clock", ("respond", "extend", "pause"))]
    first = stage(1, responded=D(2026, 9, 20))
    assert next_steps("statutory", [first, stage(2)], acknowledged=True, closed=False, accepted=[True, False]) == [
        Step("Stage 2 requested: accept or decline", ("accept", "decline"))]
    assert next_steps("statutory", [first, stage(2)], acknowledged=True, closed=False, accepted=[True, True])[0] \
        .actions == ("statement", "assign")
    assert next_steps("statutory", [first], acknowledged=True, closed=False)[0].actions == ("request2", "reopen")
    assert next_steps("statutory", [stage(3, panel_on=D(2026, 10, 1))], acknowledged=True, closed=False,
                      accepted=[True]) == [Step("Panel on 01/10/2026: record its findings", ("findings",))]
    assert next_steps("statutory", [stage(1, paused_since=D(2026, 9, 5))], acknowledged=True, closed=False)[0] \
        .actions == ("resume",)
    assert next_steps("compliment", [], acknowledged=True, closed=True)[0].actions == ()
    ombudsman = next_steps("statutory", [stage(1, responded=D(2026, 9, 20))], acknowledged=True, closed=True,
                           enquiries=[Enquiry(D(2026, 10, 1), False, False, False)])
    assert ombudsman == [Step("Ombudsman enquiry of 01/10/2026: respond to it", ("lgo_response",))]


async def test_the_case_screen_shows_the_next_steps_and_they_follow_the_state(tmp_path):
    from domain.config import Config
    from store.db.database import open_database
    from store.lifecycle.service import CaseService
    from tests.tui_helpers import settle
    from tui.app import create_app
    from tui.case_screen import CaseScreen

    config, today = Config(user="tester"), D(2026, 11, 22)
    path = tmp_path / "steps.db"
    db = open_database(path, config)
    service = CaseService(db, config, today=today)
    ref = service.log("statutory", D(2026, 9, 1), complainant="Alex Example", officer="Sam Patel")
    service.acknowledge(ref, D(2026, 9, 2))
    service.respond(ref, "upheld", D(2026, 9, 10))
    service.request_stage(ref, 2, D(2026, 9, 20))
    db.close()
    app = create_app(str(path), config=config, today=today)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_case(ref)
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        shown = str(app.screen.query_one("#case-next").render())
        assert shown == ("Next: Stage 2 requested: accept or decline · Accept the request (ctrl+p), Decline the "
                         "request (ctrl+p)")
        app.action_form("accept")
        await settle(app, pilot)
        await pilot.press("2", "ctrl+s")  # the stage accepted
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        assert str(app.screen.query_one("#case-next").render()).startswith(
            "Next: Stage 2 accepted: agree the statement of complaint")

"""The contact log: adding and correcting notes, their rules, their events, and the case screen's read."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import col, select

from domain import limits
from domain.contact_log import parse_when
from domain.timescales import RuleError
from store.db.models import Event, Note
from store.lifecycle.base import ConflictError, NotFound
from store.views.case import case_detail
from tests.conftest import TODAY


def events(service, action):
    from sqlmodel import select

    with service.db.read() as session:
        return list(session.exec(select(Event).where(Event.action == action).order_by(Event.id)))


def test_a_note_is_added_with_its_event_and_bumps_the_version(service, calendar):
    ref = service.log("statutory", date(2026, 11, 2), complainant="Avery Example")
    before = service.clock(ref).version
    ident = service.add_note(ref, "Rang to say\nthe letter is late.", kind="phone", direction="in",
                             with_whom="Avery Example", at=datetime(2026, 11, 20, 14, 30), expected_version=before)
    assert service.clock(ref).version == before + 1
    [event] = events(service, "note added")
    assert (event.detail, event.old, event.new, event.who) == (
        f"note {ident}", None, "Rang to say\nthe letter is late.", "tester")
    detail = case_detail(service.db, ref, TODAY, calendar, service.rules)
    [note] = detail.notes
    assert (note.id, note.at, note.kind, note.direction, note.with_whom) == (
        ident, datetime(2026, 11, 20, 14, 30), "phone", "in", "Avery Example")
    assert note.text == "Rang to say\nthe letter is late." and note.added_by == "tester"


def test_a_note_defaults_to_now_on_today(service):
    ref = service.log("concern", date(2026, 11, 2))
    ident = service.add_note(ref, "Left a message.")
    with service.db.read() as session:
        note = session.get(Note, ident)
    assert note is not None and note.contact_at.date() == TODAY and note.kind == "note" and note.direction is None


def test_a_note_refuses_the_future_bad_kinds_empty_and_hostile_text(service):
    ref = service.log("concern", date(2026, 11, 2))
    with pytest.raises(RuleError, match="future"):
        service.add_note(ref, "x", at=datetime(2026, 11, 23, 0, 1))
    service.add_note(ref, "later today is fine", at=datetime(2026, 11, 22, 23, 59))
    with pytest.raises(RuleError, match="kind of contact 'fax' is not one of"):
        service.add_note(ref, "x", kind="fax")
    with pytest.raises(RuleError, match="direction"):
        service.add_note(ref, "x", direction="sideways")
    with pytest.raises(RuleError, match="empty"):
        service.add_note(ref, "  \n ")
    with pytest.raises(RuleError, match="U\\+001B"):
        service.add_note(ref, "bad \x1b[2J text")
    with pytest.raises(RuleError, match="at most 10,000"):
        service.add_note(ref, "x" * (limits.TEXT + 1))
    with pytest.raises(NotFound):
        service.add_note("CS-NOPE", "x")


def test_a_stale_version_is_a_conflict(service):
    ref = service.log("concern", date(2026, 11, 2))
    version = service.clock(ref).version
    service.add_note(ref, "first")
    with pytest.raises(ConflictError):
        service.add_note(ref, "second", expected_version=version)


def test_notes_on_a_case_are_limited(service, monkeypatch):
    monkeypatch.setattr(limits, "NOTES", 2)
    ref = service.log("concern", date(2026, 11, 2))
    service.add_note(ref, "one")
    service.add_note(ref, "two")
    with pytest.raises(RuleError, match="at most 2 fit"):
        service.add_note(ref, "three")


def test_an_edit_keeps_the_old_text_in_the_audit_trail(service, calendar):
    ref = service.log("concern", date(2026, 11, 2))
    ident = service.add_note(ref, "Spoke to the grandmother.")
    version = service.clock(ref).version
    service.edit_note(ident, "Spoke to the aunt.", reason="wrong relative", expected_version=version)
    assert service.clock(ref).version == version + 1
    [event] = events(service, "note edited")
    assert (event.detail, event.old, event.new, event.reason) == (
        f"note {ident}", "Spoke to the grandmother.", "Spoke to the aunt.", "wrong relative")
    [note] = case_detail(service.db, ref, TODAY, calendar, service.rules).notes
    assert note.text == "Spoke to the aunt." and note.edited_at is not None
    with pytest.raises(ConflictError):
        service.edit_note(ident, "again", expected_version=version)
    with pytest.raises(NotFound):
        service.edit_note(9999, "nothing")
    with pytest.raises(RuleError, match="already says"):
        service.edit_note(ident, "Spoke to the aunt.")
    assert service.note_case(ident) == ref and service.note_case(9999) is None


def test_when_a_contact_happened_is_read_as_typed():
    assert parse_when("2026-11-29 14:30") == datetime(2026, 11, 29, 14, 30)
    assert parse_when("29/11/2026 14:30") == datetime(2026, 11, 29, 14, 30)
    assert parse_when("29/11/2026") == datetime(2026, 11, 29)
    for wrong in ("11/29/2026 14:30", "29/11/2026 25:00", "yesterday", "1980-01-01"):
        with pytest.raises(RuleError):
            parse_when(wrong)


async def test_t_notes_a_call_and_the_timeline_shows_it(tmp_path):
    from domain.config import Config
    from store.db.database import open_database
    from store.db.location import resolve_url
    from store.lifecycle.service import CaseService
    from tests.test_tui_work import text
    from tests.tui_helpers import settle
    from tui.app import create_app
    from tui.case_screen import CaseScreen
    from tui.form import FormScreen

    config = Config(user="tester")
    path = tmp_path / "notes.db"
    db = open_database(path, config)
    ref = CaseService(db, config, today=TODAY).log("statutory", date(2026, 11, 2), complainant="Avery Example")
    db.close()
    app = create_app(resolve_url(path), config=config, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_case(ref)
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("t")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.action.id == "note"
        await pilot.press("tab", "tab", *"23/11/2026 09:00", "tab", "tab", *"x", "ctrl+s")  # tomorrow: refused
        await settle(app, pilot)
        assert app.screen is form and "future" in str(form.query_one("#form-error").render())
        form.query_one("#field-at").value = "31/11/2026 09:00"
        await pilot.pause()
        assert "not a date and time that exists" in str(form.query_one("#error-at").render())
        form.query_one("#field-at").value = ""
        form.query_one("#field-text").text = ""
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "shift+tab")  # back to the kind
        await pilot.press(*"phone", "tab", "i", "n", "tab", *"20/11/2026 14:30", "tab", *"Avery Example", "tab")
        await pilot.press(*"Rang about the delay.", "enter", *"Will write by Friday.")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen), str(app.screen.query_one("#form-error").render())
        shown = text(app.screen.query_one("#case-timeline"))
        assert "note 1: phone call, in, with Avery Example" in shown
        assert "20/11/2026 14:30" in shown
        assert "Rang about the delay." in shown and "Will write by Friday." in shown
        await pilot.press("T")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.action.id == "note_edit"
        await pilot.press("1", "tab", *"Rang about the delay of the letter.", "tab", *"fuller")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen), str(app.screen.query_one("#form-error").render())
        shown = text(app.screen.query_one("#case-timeline"))
        assert "of the letter." in shown and "(edited)" in shown and "note edited note 1" in shown


def test_the_timeline_shows_events_in_the_officers_clock_beside_notes_typed_in_it(service, calendar):
    """Events are stored in UTC; in British Summer Time an event at 11:00 UTC happened at 12:00 on the officer's
    clock, after a call noted at 11:30 (conftest sets the council's zone, Europe/London)."""
    ref = service.log("statutory", date(2026, 6, 29), complainant="Sam Example")
    service.add_note(ref, "Rang about the visit", kind="phone", at=datetime(2026, 7, 1, 11, 30))
    with service.db.write() as session:
        case_id = session.exec(select(Event.case_id).where(col(Event.case_id).is_not(None))).first()
        session.add(Event(case_id=case_id, at=datetime(2026, 7, 1, 11, 0), who="tester", action="acknowledged"))
    detail = case_detail(service.db, ref, TODAY, calendar, service.rules)
    assert [e[0] for e in detail.events if e[2] == "acknowledged"] == [datetime(2026, 7, 1, 12, 0)]
    assert [n.at for n in detail.notes] == [datetime(2026, 7, 1, 11, 30)]

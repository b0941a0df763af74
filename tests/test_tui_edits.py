"""Editing and reassigning from the keyboard: E opens the case's facts as they are, space marks cases and g
reassigns them all, and "My cases" tells a newcomer how to see their work."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from textual.widgets import Input, Static

from domain.config import Config
from store.db.database import open_database
from store.db.location import resolve_url
from store.db.models import Case, Officer
from store.lifecycle.edits import FIELDS
from store.lifecycle.service import CaseService
from tests.test_tui_work import text
from tests.tui_helpers import settle
from tui.actions_edits import EDIT_FIELDS
from tui.app import create_app
from tui.case_screen import CaseScreen
from tui.caseload import CaseloadTable
from tui.form import FormScreen

TODAY = date(2026, 11, 22)
CONFIG = Config(user="tester")


@pytest.fixture
def small_db(tmp_path):
    path = tmp_path / "c.db"
    db = open_database(path, CONFIG)
    svc = CaseService(db, CONFIG, today=TODAY)
    for team in ("CIN North", "CIN South"):
        svc.add_to_list("team", team)
    svc.add_to_list("theme", "Delays")
    svc.add_to_list("officer", "Sam Officer", username="sam")
    svc.add_to_list("officer", "Jo Officer")
    for n in range(3):
        svc.log("statutory", date(2026, 11, 2 + n), complainant=f"Person {n}", team="CIN North", themes=["Delays"],
                officer="Sam Officer")
    db.close()
    return path


def officers(path) -> dict[str, str | None]:
    db = open_database(path, CONFIG)
    try:
        with db.read() as s:
            names = {o.id: o.name for o in s.exec(select(Officer))}
            return {c.reference: names.get(c.officer_id) for c in s.exec(select(Case))}
    finally:
        db.close()


def field(app, name: str) -> Input:  # type: ignore[no-untyped-def]
    return app.screen.query_one(f"#field-{name}", Input)


def test_the_form_edits_every_field_the_store_takes():
    assert [f.name for f in EDIT_FIELDS] == list(FIELDS)


async def test_e_opens_the_case_prefilled_and_a_changed_team_is_saved_and_shown(small_db):
    app = create_app(resolve_url(small_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        reference = app.screen.reference
        await pilot.press("E")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        assert field(app, "team").value == "CIN North" and field(app, "kind").value == "Statutory"
        assert field(app, "themes").value == "Delays" and field(app, "officer").value == "Sam Officer"
        assert field(app, "complainant").value.startswith("Person ")
        field(app, "team").value = "cin south"
        field(app, "reason").value = "typed wrongly"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen), app.screen.query_one("#form-error").render()
        assert app.screen.detail.team == "CIN South"
        timeline = "".join(text(s) for s in app.screen.query(Static))
        assert "edited team" in timeline and "CIN North → CIN South" in timeline and "typed wrongly" in timeline
        assert [e[2:4] for e in app.screen.detail.events if e[2] == "edited"] == [("edited", "team")]
        await pilot.press("E")  # from the case screen again: saved as it was, nothing changes
        await settle(app, pilot)
        assert field(app, "team").value == "CIN South"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert len([e for e in app.screen.detail.events if e[2] == "edited"]) == 1
        await pilot.press("escape")
        await settle(app, pilot)
        app.query_one(CaseloadTable).move_cursor(row=0)
        await pilot.press("E")  # from the caseload: the case is read, then the form opens on it
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.reference is not None
        assert field(app, "officer").value == "Sam Officer"
        field(app, "team").value = "CIN Nroth"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "'CIN Nroth': not on the list" in str(app.screen.query_one("#form-error").render())  # the picker's
    assert reference


async def test_space_marks_two_cases_and_g_reassigns_both(small_db):
    app = create_app(resolve_url(small_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        await pilot.press("space", "space")
        marked = list(table.marked)
        assert len(marked) == 2 and len(set(marked)) == 2
        shown = [table.get_row_at(i) for i in range(table.row_count)]
        assert {r[1] for r in shown} >= set(marked)
        lines = [str(table.render_line(y).text) for y in range(1, table.row_count + 1)]
        assert sum(line.lstrip().startswith("✓") for line in lines) >= 2
        await pilot.press("g")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.reference == " ".join(marked)
        assert str(app.screen.query_one("#form-title", Static).render()) == (
            f"Reassign · 2 marked cases: {marked[0]} {marked[1]}")
        field(app, "officer").value = "Jo Officer"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen)
        assert table.marked == []
    now = officers(small_db)
    assert {now[r] for r in marked} == {"Jo Officer"}
    assert list(now.values()).count("Sam Officer") == 1


async def test_my_cases_tells_a_newcomer_how_and_the_settings_link_their_login(small_db):
    app = create_app(resolve_url(small_db), config=Config(user="newbie"), today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        status = str(app.query_one("#status", Static).render())
        assert status == "2 My cases: no officer has your login newbie. To link it: Settings (,), w, your name as " \
                         "listed, login newbie"
        await pilot.press("comma")
        await settle(app, pilot)
        await pilot.press("w")
        await settle(app, pilot)
        field(app, "name").value = "Sam Officer"
        field(app, "username").value = "newbie"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen), app.screen.query_one("#form-error").render()
        await pilot.press("2")
        await settle(app, pilot)
        assert app.query_one(CaseloadTable).row_count >= 3
        assert "no officer has your login" not in str(app.query_one("#status", Static).render())


async def test_e_shows_each_vocabulary_value_by_the_label_the_new_case_form_offers(tmp_path):
    """The tryout: E showed the kind as "statutory" where n offers "Statutory". Every choice of the edit form (kind,
    group, child status, advocate, preferred contact) starts as its picker spells it, and saves back unchanged."""
    from tui.picker import Picker

    path = tmp_path / "v.db"
    db = open_database(path, CONFIG)
    svc = CaseService(db, CONFIG, today=TODAY)
    ref = svc.log("statutory", date(2026, 11, 2), complainant="Pat Example", group="parent", child_name="Sam",
                  child_status="cin", advocate="nyas")
    svc.edit_fields(ref, {"preferred_contact": "text"})
    db.close()
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("E")
        await settle(app, pilot)
        edits = [e for e in app.screen_stack[-2].detail.events if e[2] == "edited"]
        form = app.screen
        assert isinstance(form, FormScreen)
        shown = {name: field(app, name).value for name in ("kind", "group", "child_status", "advocate",
                                                           "preferred_contact")}
        assert shown == {"kind": "Statutory", "group": "Parent or step-parent", "child_status": "Child in need",
                         "advocate": "NYAS", "preferred_contact": "Text message"}
        for name, value in shown.items():  # the very entry its picker offers
            assert value in form.query_one(f"#picker-{name}", Picker).labels
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen), form.query_one("#form-error").render()
        assert [e for e in app.screen.detail.events if e[2] == "edited"] == edits  # nothing changed: none recorded

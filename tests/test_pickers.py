"""Choosing, never typing, from a list: type-ahead pickers, a new name only by an explicit add, the statement's
issue list and a finding beside each issue; and the store's refusal of a name a form did not choose to add."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from textual.widgets import Input, OptionList

from domain.config import Config
from domain.timescales import RuleError
from store.db.database import open_database
from store.db.location import resolve_url
from store.lifecycle.service import CaseService
from tests.tui_helpers import settle
from tui.app import create_app
from tui.form import FormScreen
from tui.issue_list import IssueFindings, IssueList
from tui.picker import Picker

TODAY = date(2026, 11, 22)
CONFIG = Config(user="tester")


def test_a_form_may_refuse_a_name_not_on_the_list_and_an_import_still_adds_it(service):
    service.add_to_list("team", "Fostering")
    service.add_to_list("theme", "Delays")
    with pytest.raises(RuleError, match="team: 'CIN Nroth' is not on the council's list of teams"):
        service.log("statutory", date(2026, 11, 2), team="CIN Nroth", new_names=False)
    with pytest.raises(RuleError, match="theme: 'Poor comms' is not on the council's list of themes"):
        service.log("statutory", date(2026, 11, 2), themes=["Delays", "Poor comms"], new_names=False)
    ref = service.log("statutory", date(2026, 11, 2), team="fostering", themes=["delays"], new_names=False)
    with service.db.read() as session:
        from sqlmodel import select

        from store.db.models import Team, Theme
        assert [t.name for t in session.exec(select(Team))] == ["Fostering"]  # nothing was added by the refusals
        assert [t.name for t in session.exec(select(Theme))] == ["Delays"]
    assert ref.startswith("CS-")
    service.log("statutory", date(2026, 11, 2), team="CIN North")  # the default (imports, the CLI): added
    with service.db.read() as session:
        assert sorted(t.name for t in session.exec(select(Team))) == ["CIN North", "Fostering"]


def test_a_name_added_again_by_a_form_tried_again_is_kept_not_refused(service):
    service.add_to_list("team", "Short Breaks")
    with pytest.raises(RuleError, match="Short Breaks is already on the list of teams"):
        service.add_to_list("team", "short breaks")
    service.add_to_list("team", "short breaks", if_new=True)  # the same one: nothing added, nothing refused
    with service.db.read() as session:
        from sqlmodel import select

        from store.db.models import Team
        assert [t.name for t in session.exec(select(Team))] == ["Short Breaks"]


@pytest.fixture
def lists_db(tmp_path):
    path = tmp_path / "pickers.db"
    db = open_database(path, CONFIG)
    svc = CaseService(db, CONFIG, today=TODAY)
    svc.add_to_list("service_area", "Children in Need")
    for team in ("Fostering", "Family Support", "CIN North"):
        svc.add_to_list("team", team, service_area="Children in Need")
    svc.add_to_list("team", "Old Team")
    svc.retire_from_list("team", "Old Team")
    svc.add_to_list("theme", "Delays")
    svc.add_to_list("theme", "Poor communication")
    db.close()
    return path


def shown_options(form: FormScreen, name: str) -> list[str]:
    picker = form.query_one(f"#picker-{name}", Picker)
    options = picker.query_one(OptionList)
    return [str(getattr(options.get_option_at_index(i).prompt, "plain", "")) for i in range(options.option_count)] \
        if picker.display else []


async def open_log(app, pilot) -> FormScreen:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    await pilot.press("n")
    await settle(app, pilot)
    form = app.screen
    assert isinstance(form, FormScreen) and form.action.id == "log"
    return form


async def test_type_ahead_narrows_and_picks_a_team_and_a_kind_by_its_label(lists_db):
    app = create_app(resolve_url(lists_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_log(app, pilot)
        await pilot.press(*"stat")  # the kind field has the focus
        assert shown_options(form, "kind") == ["Statutory"]
        await pilot.press("enter")  # takes it; the form is not saved
        assert app.screen is form and form.query_one("#field-kind", Input).value == "Statutory"
        form.query_one("#field-team", Input).focus()
        await pilot.press("f")
        assert shown_options(form, "team") == ["Family Support", "Fostering", "+ Add 'f' as a new team"]
        await pilot.press(*"am")
        assert shown_options(form, "team") == ["Family Support", "+ Add 'fam' as a new team"]
        await pilot.press("backspace", "backspace", "backspace", *"old")  # a retired team is not offered
        assert shown_options(form, "team") == ["+ Add 'old' as a new team"]
        await pilot.press("ctrl+u", *"cin", "tab")
        assert form.query_one("#field-team", Input).value == "CIN North"
        form.query_one("#field-themes", Input).focus()
        await pilot.press(*"del", "enter", *"poor", "enter")  # several, one after another
        assert form.query_one("#field-themes", Input).value == "Delays; Poor communication; "
        await pilot.press(*"Transport")
        assert shown_options(form, "themes") == ["+ Add 'Transport' as a new theme"]
        await pilot.press("enter")  # a new theme, chosen deliberately
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen)
    row = sqlite3.connect(lists_db).execute(
        'SELECT c.kind, t.name FROM "case" c JOIN team t ON t.id = c.team_id').fetchone()
    assert row == ("statutory", "CIN North")
    assert sorted(n for (n,) in sqlite3.connect(lists_db).execute(
        "SELECT th.name FROM case_theme ct JOIN theme th ON th.id = ct.theme_id")) == ["Delays", "Poor communication",
                                                                                     "Transport"]


async def test_an_unlisted_team_is_refused_until_add_is_chosen_then_the_team_exists(lists_db):
    app = create_app(resolve_url(lists_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_log(app, pilot)
        await pilot.press(*"stat", "enter")
        form.query_one("#field-team", Input).focus()
        await pilot.press(*"Short Breaks")
        assert shown_options(form, "team") == ["+ Add 'Short Breaks' as a new team"]
        await pilot.press("escape")  # the list hidden, the name as typed: not chosen
        assert app.screen is form
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert "not on the list: choose one, or add it" in str(form.query_one("#error-team").render())
        assert sqlite3.connect(lists_db).execute("SELECT count(*) FROM team WHERE name = 'Short Breaks'"
                                                 ).fetchone()[0] == 0
        form.query_one("#field-team", Input).focus()
        await pilot.press("end", "backspace", "s")  # the list again, with its "Add"
        await pilot.press("enter")
        assert not str(form.query_one("#error-team").render()).strip()
        form.query_one("#field-received", Input).value = "01/12/2026"  # the store refuses the case...
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "future" in str(form.query_one("#form-error").render())
        form.query_one("#field-received", Input).value = "20/11/2026"  # ...and the save tried again is not
        await pilot.press("ctrl+s")  # refused for the team its first try added
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen), form.query_one("#form-error").render()
    conn = sqlite3.connect(lists_db)
    assert conn.execute("SELECT count(*) FROM team WHERE name = 'Short Breaks'").fetchone()[0] == 1
    assert conn.execute('SELECT t.name FROM "case" c JOIN team t ON t.id = c.team_id').fetchone() == ("Short Breaks",)
    assert conn.execute("SELECT count(*) FROM event WHERE action = 'team added' AND new = 'Short Breaks'"
                        ).fetchone()[0] == 1  # as Settings adds a team: in the audit trail


def stage2_without_statement(path) -> str:  # type: ignore[no-untyped-def]
    db = open_database(path, CONFIG)
    svc = CaseService(db, CONFIG, today=TODAY)
    ref = svc.log("statutory", date(2026, 9, 1), complainant="Pat Example")
    svc.respond(ref, "not_upheld", date(2026, 9, 10))
    svc.request_stage(ref, 2, date(2026, 9, 15))
    svc.accept_stage(ref, 2, date(2026, 9, 16))
    db.close()
    return ref


def issues_of(path, ref: str, number: int) -> list[tuple[int, str | None, str | None]]:  # type: ignore[no-untyped-def]
    return list(sqlite3.connect(path).execute(
        'SELECT i.number, i.description, i.finding FROM complaint_issue i JOIN stage s ON s.id = i.stage_id '
        'JOIN "case" c ON c.id = s.case_id WHERE c.reference = ? AND s.number = ? ORDER BY i.number', (ref, number)))


async def test_the_statement_editor_adds_reorders_edits_and_saves_issues_in_order(lists_db):
    ref = stage2_without_statement(lists_db)
    app = create_app(resolve_url(lists_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_case(ref)
        await settle(app, pilot)
        app.action_form("statement")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        editor = form.query_one("#field-issues", IssueList)
        assert form.focused is form.query_one("#issues-new", Input)  # the first thing to type
        for issue in ("Delay in assessment", "Rude on the phone", "No reply to letters"):
            await pilot.press(*issue, "enter")
        assert app.screen is form and editor.items == ["Delay in assessment", "Rude on the phone",
                                                       "No reply to letters"]
        form.query_one("#issues-list").focus()
        await pilot.press("end", "shift+up", "shift+up")  # the third issue first
        assert editor.items == ["No reply to letters", "Delay in assessment", "Rude on the phone"]
        await pilot.press("down", "down", "enter", "ctrl+u", *"Rude to the complainant on the phone", "enter")
        assert editor.items[2] == "Rude to the complainant on the phone"
        await pilot.press(*"Typed, not yet added")  # saved too: what the officer sees is what is saved
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen), form.query_one("#form-error").render()
    assert issues_of(lists_db, ref, 2) == [(1, "No reply to letters", None), (2, "Delay in assessment", None),
                                           (3, "Rude to the complainant on the phone", None),
                                           (4, "Typed, not yet added", None)]


async def test_an_empty_statement_is_refused_and_delete_removes_an_issue(lists_db):
    ref = stage2_without_statement(lists_db)
    app = create_app(resolve_url(lists_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_case(ref)
        await settle(app, pilot)
        app.action_form("statement")
        await settle(app, pilot)
        form = app.screen
        await pilot.press(*"Only issue", "enter")
        form.query_one("#issues-list").focus()
        await pilot.press("delete", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "required" in str(form.query_one("#error-issues").render())
    assert issues_of(lists_db, ref, 2) == []


async def test_respond_chooses_a_finding_beside_each_issue(lists_db):
    ref = stage2_without_statement(lists_db)
    db = open_database(lists_db, CONFIG)
    CaseService(db, CONFIG, today=TODAY).agree_statement(ref, ["Delay", "Rudeness"], date(2026, 9, 20))
    db.close()
    app = create_app(resolve_url(lists_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_case(ref)
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        findings = form.query_one("#field-findings", IssueFindings)
        assert findings.issues == ("Delay", "Rudeness")
        texts = [str(s.render()) for s in findings.query(".issue-text")]
        assert texts == ["1. Delay", "2. Rudeness"]
        form.query_one("#finding-0", Input).focus()
        await pilot.press(*"not u", "enter")
        assert form.query_one("#finding-0", Input).value == "Not upheld"
        await pilot.press("ctrl+s")  # one issue without its finding: refused beside the field
        await settle(app, pilot)
        assert app.screen is form and "issue 2" in str(form.query_one("#error-findings").render())
        form.query_one("#finding-1", Input).focus()
        await pilot.press(*"uph", "enter")
        assert form.query_one("#finding-1", Input).value == "Upheld"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen), form.query_one("#form-error").render()
    assert issues_of(lists_db, ref, 2) == [(1, "Delay", "not_upheld"), (2, "Rudeness", "upheld")]


async def test_rename_and_retire_pick_from_the_list_the_form_names_retired_entries_too(lists_db):
    app = create_app(resolve_url(lists_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.action_form("retire")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press(*"tea", "enter")
        assert form.query_one("#field-list", Input).value == "Team"
        form.query_one("#field-name", Input).focus()
        await pilot.press(*"old")
        assert shown_options(form, "name") == ["Old Team"]  # retired: offered here, to be restored
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        app.action_form("rename")
        await settle(app, pilot)
        form = app.screen
        await pilot.press(*"them", "enter")
        form.query_one("#field-name", Input).focus()
        await pilot.press(*"d")
        assert shown_options(form, "name") == ["Delays"]  # the themes now, not the teams
        await pilot.press("enter")
        form.query_one("#field-new_name", Input).focus()
        await pilot.press(*"Delay", "ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen), form.query_one("#form-error").render()
    assert sqlite3.connect(lists_db).execute("SELECT name FROM theme ORDER BY name").fetchall() == [
        ("Delay",), ("Poor communication",)]


def test_the_pickers_keys_have_ids_and_tooltips():
    from tui.issue_list import IssueOptions

    for owner in (Picker, IssueOptions):
        for binding in owner.BINDINGS:
            assert binding.id and binding.tooltip, (owner.__name__, binding.key)


async def test_a_near_miss_is_offered_before_adding_it_as_new(lists_db):
    """The tryout: "CIN Nroth" offered only "+ Add CIN Nroth"; a near miss now offers the team meant, first."""
    app = create_app(resolve_url(lists_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_log(app, pilot)
        form.query_one("#field-team", Input).focus()
        await pilot.press(*"CIN Nroth")
        assert shown_options(form, "team") == ["CIN North", "+ Add 'CIN Nroth' as a new team"]
        await pilot.press("enter")
        assert form.query_one("#field-team", Input).value == "CIN North"
        form.query_one("#field-themes", Input).focus()
        await pilot.press(*"Dleays")
        assert shown_options(form, "themes")[0] == "Delays"
        form.query_one("#field-team", Input).focus()
        await pilot.press("ctrl+u", *"fam sup")  # the letters of its words, in order
        assert shown_options(form, "team")[0] == "Family Support"


async def test_enter_in_a_picker_takes_what_is_typed_and_moves_on_never_saves(lists_db):
    """The tryout: enter in a picker whose text was already an entry saved the whole form. Enter chooses (or moves
    on); ctrl+s saves."""
    app = create_app(resolve_url(lists_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_log(app, pilot)
        kind = form.query_one("#field-kind", Input)
        await pilot.press(*"statutory")  # the whole entry, in other letters: no list shown
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is form and kind.value == "Statutory" and not kind.has_focus
        form.query_one("#field-team", Input).focus()
        await pilot.press(*"CIN North", "enter")
        await settle(app, pilot)
        assert app.screen is form and form.query_one("#field-team", Input).value == "CIN North"
        assert sqlite3.connect(lists_db).execute('SELECT count(*) FROM "case"').fetchone()[0] == 0
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen), form.query_one("#form-error").render()
    assert sqlite3.connect(lists_db).execute('SELECT count(*) FROM "case"').fetchone()[0] == 1


async def test_a_dropdown_closes_when_the_terminal_is_resized_and_down_opens_it_under_its_field(lists_db):
    """The tryout: a team's dropdown stayed where it was drawn after the terminal was resized, away from its field
    (the form's columns move). It closes on a resize; ↓ opens it again, under the field where it is now."""
    app = create_app(resolve_url(lists_db), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_log(app, pilot)
        team = form.query_one("#field-team", Input)
        team.focus()
        await pilot.press("f")
        picker = form.query_one("#picker-team", Picker)
        assert picker.display and shown_options(form, "team")[0] == "Family Support"
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        assert not picker.display and team.has_focus and team.value == "f"
        await pilot.press("down")
        await settle(app, pilot)
        x, _ = team.cursor_screen_offset  # under the field (the form may scroll a line to make room)
        assert picker.display and picker.region.x == x - 1 and team.region.y < picker.region.y <= team.region.bottom
        await pilot.resize_terminal(120, 40)  # back again
        await settle(app, pilot)
        assert not picker.display

"""Follow-up that gets chased: learning actions done ("you said, we did"), the persistent-complaints procedure
reviewed, varied and ended, what is due in the digest and in view 0, and the warning when logging a new case."""

from datetime import date, datetime

import pytest
from sqlmodel import select
from typer.testing import CliRunner

import cli
from domain.timescales import RuleError
from reports.digest import digest_text
from store.db.models import Case, Event, LearningAction, PersistentReview, Person
from store.lifecycle.service import CaseService
from store.views.caseload import CaseloadQuery, caseload_page, work_of
from store.views.digest import due_items, followup_items
from tests.conftest import TODAY

D = date
runner = CliRunner()


def case_events(service, ref, action):
    with service.db.read() as s:
        case = s.exec(select(Case).where(Case.reference == ref)).one()
        return [(e.detail, e.old, e.new, e.reason) for e in s.exec(
            select(Event).where(Event.case_id == case.id, Event.action == action).order_by(Event.id))]


def version(service, ref):
    with service.db.read() as s:
        return s.exec(select(Case).where(Case.reference == ref)).one().version


def person(service, ref):
    with service.db.read() as s:
        case = s.exec(select(Case).where(Case.reference == ref)).one()
        return s.get(Person, case.person_id)


def reviews(service):
    with service.db.read() as s:
        return [(r.outcome, r.reviewed_on, r.next_review, r.note) for r in s.exec(
            select(PersistentReview).order_by(PersistentReview.id))]


# -- learning actions --------------------------------------------------------------------------------------


def test_an_action_is_done_with_what_was_done_and_the_event_says_it(service):
    ref = service.log("statutory", D(2026, 11, 2), complainant="Alex Example")
    action = service.add_action(ref, "Return calls within 2 days", owner="CIN manager", due=D(2026, 11, 30))
    before = version(service, ref)
    with pytest.raises(RuleError, match="say what was done"):
        service.complete_action(action, "  ", reference=ref)
    with pytest.raises(RuleError, match="at most 10,000"):
        service.complete_action(action, "x" * 10_001, reference=ref)
    other = service.log("concern", D(2026, 11, 3), complainant="Bo Sample")
    with pytest.raises(RuleError, match="is not one of"):
        service.complete_action(action, "Done", reference=other)
    service.complete_action(action, "Calls now returned the same day", D(2026, 11, 20), reference=ref,
                            expected_version=before)
    assert version(service, ref) == before + 1
    with service.db.read() as s:
        row = s.get(LearningAction, action)
        assert (row.done, row.done_note) == (D(2026, 11, 20), "Calls now returned the same day")
    assert case_events(service, ref, "action done") == [(f"action {action}", None,
                                                         "Calls now returned the same day", None)]
    with pytest.raises(RuleError, match="was done on 20/11/2026"):
        service.complete_action(action, "again")


# -- the persistent-complaints procedure -------------------------------------------------------------------


def flagged(service, name="Pat Persist"):
    ref = service.log("statutory", D(2026, 5, 1), complainant=name)
    service.flag_persistent(ref, contact="Jo Lead", arrangements="One call a week", start=D(2026, 5, 11))
    return ref


def test_a_review_continues_the_procedure_six_months_on_by_default(service):
    ref = flagged(service)
    with pytest.raises(RuleError, match="not one of: continue, vary, end"):
        service.review_persistent(ref, "maybe")
    assert service.review_persistent(ref, "continue", note="Still many calls", on=D(2026, 11, 10)) == D(2027, 5, 10)
    assert service.review_persistent(ref, "continue", next_review=D(2027, 1, 4), on=D(2026, 11, 20)) == D(2027, 1, 4)
    with pytest.raises(RuleError, match="must come after"):
        service.review_persistent(ref, "continue", next_review=D(2026, 11, 1))
    assert reviews(service) == [("continue", D(2026, 11, 10), D(2027, 5, 10), "Still many calls"),
                                ("continue", D(2026, 11, 20), D(2027, 1, 4), None)]
    assert person(service, ref).persistent_review == D(2027, 1, 4)
    assert case_events(service, ref, "persistent review")[:2] == [
        ("outcome", None, "continue", "Still many calls"),
        ("persistent_review", "2026-11-11", "2027-05-10", "Still many calls")]


def test_varying_changes_the_contact_or_the_arrangements(service):
    ref = flagged(service)
    with pytest.raises(RuleError, match="needs a new single point of contact"):
        service.vary_persistent(ref)
    with pytest.raises(RuleError, match="when varying"):
        service.review_persistent(ref, "continue", contact="Sam Other")
    service.vary_persistent(ref, contact="Sam Other", arrangements="Email only, answered on Fridays",
                            note="Calls became abusive")
    who = person(service, ref)
    assert (who.persistent, who.persistent_contact, who.persistent_arrangements) == (
        True, "Sam Other", "Email only, answered on Fridays")
    assert reviews(service)[0][0] == "vary"
    assert ("persistent_contact", "Jo Lead", "Sam Other", "Calls became abusive") in case_events(
        service, ref, "persistent review")


def test_ending_clears_the_flag_and_keeps_the_history(service):
    ref = flagged(service)
    with pytest.raises(RuleError, match="no next review"):
        service.review_persistent(ref, "end", next_review=D(2027, 1, 1))
    assert service.review_persistent(ref, "end", note="Contact is reasonable now", on=D(2026, 11, 20)) is None
    who = person(service, ref)
    assert (who.persistent, who.persistent_ended, who.persistent_review) == (False, D(2026, 11, 20), None)
    assert who.persistent_contact == "Jo Lead"  # kept, with the reviews
    assert reviews(service) == [("end", D(2026, 11, 20), None, "Contact is reasonable now")]
    with pytest.raises(RuleError, match="not under the persistent-complaints procedure"):
        service.review_persistent(ref, "continue")


def test_logging_for_a_persistent_person_or_their_name_warns_and_records_it(service):
    flagged(service)
    same = service.log("concern", D(2026, 11, 20), complainant="PAT  persist")
    assert same.warning == ("Pat Persist is under the persistent-complaints procedure since 11/05/2026: single "
                            "point of contact Jo Lead, arrangements One call a week")
    assert case_events(service, same, "persistent warning") == [(None, None, None, same.warning)]
    assert service.log("concern", D(2026, 11, 20), complainant="Pat Other").warning is None


# -- what is due: the digest and view 0 ---------------------------------------------------------------------


@pytest.fixture
def due_db(service):
    """A small invented set: one action overdue, one not yet due, one done late; one review due, one not."""
    a = service.log("statutory", D(2026, 9, 1), complainant="Alex Example", officer="Sam Patel")
    b = service.log("corporate", D(2026, 9, 2), complainant="Bo Sample", officer="Kim Lee")
    late = service.add_action(a, "Train the duty team", owner="Duty manager", due=D(2026, 11, 13))
    service.add_action(b, "Letter templates", owner="Comms", due=D(2026, 12, 31))
    done = service.add_action(b, "Apologise", due=D(2026, 10, 1))
    service.complete_action(done, "Apology sent")
    service.flag_persistent(a, contact="Jo Lead", arrangements="Weekly call", start=D(2026, 5, 20),
                            review=D(2026, 11, 26))
    c = service.log("concern", D(2026, 9, 3), complainant="Cy Test")
    service.flag_persistent(c, contact="Jo Lead", arrangements="Email", start=D(2026, 9, 3), review=D(2027, 3, 1))
    return service, a, b, late


def test_the_digest_lists_actions_overdue_and_reviews_due_exactly(due_db):
    service, a, _, late = due_db
    with service.db.dbapi() as conn:
        actions, due_reviews = followup_items(conn, TODAY, config=service.config)
        items = due_items(conn, TODAY, config=service.config)
    text = digest_text(items, TODAY, 2, None, actions, due_reviews)
    assert (  # under the officer of the action's case (and of the person's latest case)
        "\nSam Patel\n═════════\n"
        "Deadlines: 2 overdue, 0 due within 2 working days\n"
        "   REFERENCE      KIND       STAGE            COMPLAINANT       DUE         DAYS\n"
        f"‼  {a}  Statutory  Acknowledgement  Alex Example [P]  03/09/2026  56 over\n"
        f"‼  {a}  Statutory  Stage 1          Alex Example [P]  15/09/2026  48 over\n"
        "\n"
        "Learning actions overdue\n"
        "REFERENCE      ACTION  OWNER         DUE\n"
        f"{a}  {late}       Duty manager  13/11/2026\n"
        "\n"
        "Persistent-procedure reviews due\n"
        "REFERENCE      COMPLAINANT   REVIEW\n"
        f"{a}  Alex Example  26/11/2026\n\nNo officer\n") in text
    assert digest_text([], TODAY, 2, None, [], due_reviews) == (
        "0 overdue and 0 due within 2 working days, as of Sunday 22 November 2026\nNothing is due.\n\n"
        "Sam Patel\n═════════\n"
        "Persistent-procedure reviews due\nREFERENCE      COMPLAINANT   REVIEW\n"
        f"{a}  Alex Example  26/11/2026")


def test_view_0_lists_each_follow_up_saying_which(due_db):
    service, a, _, late = due_db
    with service.db.dbapi() as conn:
        rows = caseload_page(conn, TODAY, service.calendar, service.config.rules,
                             query=CaseloadQuery(view="followup"))
        assert [(r.reference, r.stage, r.due, r.state.value) for r in rows] == [
            (a, f"Action #{late}", D(2026, 11, 13), "overdue"),
            (a, "Persistent review", D(2026, 11, 26), "on_track")]
        assert rows[1].persistent and rows[0].officer == "Sam Patel"
        second = caseload_page(conn, TODAY, service.calendar, service.config.rules,
                               query=CaseloadQuery(view="followup"), after=rows[0].key("followup"), limit=5)
        assert [r.stage for r in second] == ["Persistent review"]
    assert [work_of(r.stage_id) for r in rows] == [("learning_action", late),
                                                   ("persistent_review", person(service, a).id)]


def test_view_0_reads_through_the_indexes():
    """At any size: each arm is a range of its index, never a scan of the learning actions or the people."""
    import sqlite3

    from domain.calendar import WorkingCalendar
    from store.db.sql import for_driver
    from store.views.caseload import FOLLOWUP_ARMS, _where

    conn = sqlite3.connect(":memory:")
    conn.executescript("""
        CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT, name_key TEXT, persistent BOOLEAN,
            persistent_review DATE, complainant_group TEXT);
        CREATE INDEX ix_person_persistent_review ON person (persistent_review);
        CREATE TABLE "case" (id INTEGER PRIMARY KEY, reference TEXT, kind TEXT, person_id INTEGER,
            complainant_group TEXT, advocate TEXT, team_id INTEGER, officer_id INTEGER, received DATE, summary TEXT);
        CREATE INDEX ix_case_person_id ON "case" (person_id);
        CREATE TABLE team (id INTEGER PRIMARY KEY, name TEXT);
        CREATE TABLE officer (id INTEGER PRIMARY KEY, name TEXT, username TEXT);
        CREATE TABLE learning_action (id INTEGER PRIMARY KEY, case_id INTEGER, due DATE, done DATE);
        CREATE INDEX ix_learning_action_due ON learning_action (due);
        CREATE INDEX ix_learning_action_done ON learning_action (done);""")
    query = CaseloadQuery(view="followup")
    for arm in FOLLOWUP_ARMS:
        where, args = _where(query, TODAY, WorkingCalendar.for_region("ENG"), False, arm)
        sql = f"{arm.sql} WHERE {' AND '.join(where)} ORDER BY {arm.due}, {arm.id} LIMIT 200"
        plan = " ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + for_driver(sql, "?"),
                                                   {**{k: str(v) for k, v in args.items()}, "limit": 200}))
        assert "USING INDEX ix_learning_action" in plan or "USING INDEX ix_person_persistent_review" in plan, plan
        assert "SCAN la" not in plan and "SCAN p " not in plan + " ", plan


# -- the command line ---------------------------------------------------------------------------------------


def run(*args):
    return runner.invoke(cli.app, list(args), env={"COMPLAINTS_TODAY": "2026-11-22"})


@pytest.fixture
def cli_db(tmp_path, config):
    from store.db.database import open_database

    path = tmp_path / "c.db"
    db = open_database(path, config)
    svc = CaseService(db, config, today=TODAY)
    ref = svc.log("statutory", D(2026, 9, 1), complainant="Alex Example", officer="Sam Patel")
    svc.add_action(ref, "Train the duty team", owner="Duty manager", due=D(2026, 11, 13))
    svc.flag_persistent(ref, contact="Jo Lead", arrangements="Weekly call", start=D(2026, 5, 20),
                        review=D(2026, 11, 26))
    db.close()
    return str(path)


def test_cli_action_done_and_the_digest_after(cli_db):
    before = run("due", "--db", cli_db)
    assert "Learning actions overdue\nREFERENCE      ACTION  OWNER         DUE\n" \
           "CS-2026-00001  1       Duty manager  13/11/2026\n" in before.output
    result = run("action-done", "CS-2026-00001", "1", "Duty team trained", "--date", "20/11/2026", "--db", cli_db)
    assert (result.exit_code, result.output) == (0, "CS-2026-00001: learning action 1 done\n")
    again = run("action-done", "CS-2026-00001", "1", "Again", "--db", cli_db)
    assert (again.exit_code, again.output) == (1, "Error: learning action 1 was done on 20/11/2026\n")
    blank = run("action-done", "CS-2026-00001", "1", " ", "--db", cli_db)
    assert blank.exit_code == 1 and "say what was done" in blank.output
    assert "Learning actions overdue" not in run("due", "--db", cli_db).output
    assert "Example: complaints action-done" in run("action-done", "--help").output


def test_cli_persistent_review_continue_vary_end(cli_db):
    result = run("persistent", "CS-2026-00001", "--review", "continue", "--next", "01/06/2027", "--note",
                 "Calls still daily", "--db", cli_db)
    assert (result.exit_code, result.output) == (
        0, "CS-2026-00001: persistent-complaints procedure continues; next review 01/06/2027\n")
    vary = run("persistent", "CS-2026-00001", "--review", "vary", "--db", cli_db)
    assert vary.exit_code == 1 and "needs a new single point of contact" in vary.output
    vary = run("persistent", "CS-2026-00001", "--review", "vary", "--contact", "Sam Other", "--db", cli_db)
    assert vary.output == "CS-2026-00001: persistent-complaints arrangements varied; next review 22/05/2027\n"
    end = run("persistent", "CS-2026-00001", "--review", "end", "--note", "Reasonable now", "--db", cli_db)
    assert (end.exit_code, end.output) == (0, "CS-2026-00001: persistent-complaints procedure ended\n")
    assert "Example: complaints persistent" in run("persistent", "--help").output


# -- the TUI -------------------------------------------------------------------------------------------------


@pytest.fixture
def tui_db(tmp_path, config):
    """Two cases: one with an overdue learning action, one whose complainant's persistent review is due."""
    from store.db.database import open_database

    path = tmp_path / "tui.db"
    db = open_database(path, config)
    svc = CaseService(db, config, today=TODAY)
    first = svc.log("statutory", D(2026, 9, 1), complainant="Alex Example", officer="Sam Patel")
    svc.add_action(first, "Train the duty team", owner="Duty manager", due=D(2026, 11, 13))
    second = svc.log("corporate", D(2026, 9, 2), complainant="Pat Persistent-Longname Example", officer="Kim Lee")
    svc.flag_persistent(second, contact="Jo Lead", arrangements="One call a week", start=D(2026, 5, 20),
                        review=D(2026, 11, 26))
    db.close()
    return path, first, second


def app_for(path):
    from store.db.location import resolve_url
    from tui.app import create_app

    return create_app(resolve_url(path), config=CONFIG, today=TODAY)


CONFIG = __import__("domain.config", fromlist=["Config"]).Config(user="tester")


def shown_text(widget) -> str:
    import os

    from rich.console import Console

    console = Console(width=160, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(widget.content)
    return console.export_text()


async def test_D_marks_an_action_done_and_the_learning_tab_shows_what_was_done(tui_db):
    from tests.tui_helpers import settle
    from tui.case_screen import CaseScreen
    from tui.form import FormScreen

    path, first, _ = tui_db
    app = app_for(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_case(first)
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        assert "(D marks it done)" in shown_text(app.screen.query_one("#case-learning"))
        await pilot.press("D")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.action.id == "action_done"
        form.query_one("#field-number").value = "1"
        form.query_one("#field-note").value = "Duty team trained on call-backs"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        learning = shown_text(app.screen.query_one("#case-learning"))
        assert "Duty team trained on call-backs" in learning and "22/11/2026" in learning


async def test_view_0_lists_an_overdue_action_and_a_review_due(tui_db):
    from tests.tui_helpers import settle
    from tui.caseload import CaseloadTable

    path, first, second = tui_db
    app = app_for(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("0")
        await settle(app, pilot)
        assert "0 Follow-up due:" in str(app.query_one("#status").render())
        table = app.query_one(CaseloadTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [(r[1], r[2]) for r in rows] == [(first, "Action #1 · Statutory"),
                                                (second, "Persistent review · Corporate")]


async def test_typing_a_persistent_persons_name_in_the_new_form_warns_without_blocking(tui_db):
    from tests.tui_helpers import settle
    from tui.form import FormScreen

    path, _, _ = tui_db
    app = app_for(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-kind").value = "concern"
        form.query_one("#field-complainant").focus()
        await pilot.press(*"pat persistent longname example")
        await pilot.pause(FormScreen.LOOKUP_AFTER + 0.2)
        await settle(app, pilot)
        warning = str(form.query_one("#form-warning").render())
        assert warning.startswith("Pat Persistent-Longname Example is under the persistent-complaints procedure "
                                  "since 20/05/2026: single point of contact Jo Lead, arrangements One call a week")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is not form  # saved: the warning never blocks, and the result says it again
        assert any("Pat Persistent-Longname Example is under the persistent-complaints procedure" in n.message
                   for n in app._notifications)


async def test_the_persistent_marker_is_visible_at_80_columns(tui_db):
    from tests.tui_helpers import settle
    from tui.caseload import CaseloadTable

    path, _, second = tui_db
    for size in ((80, 24), (120, 40)):
        app = app_for(path)
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            table = app.query_one(CaseloadTable)
            index = next(i for i, r in enumerate(table.rows) if r.reference == second)
            line = table.render_line(index + 1)  # 0: the header
            drawn = "".join(segment.text for segment in line)
            assert len(drawn) == table.scrollable_content_region.width <= size[0]  # all of it is on the screen
            assert drawn.lstrip().split()[1] == "P", drawn  # the state's symbol, then the marker
            assert any(segment.text == "P" and segment.style and segment.style.reverse for segment in line)


async def test_F_reviews_the_procedure_and_the_person_screen_shows_the_review(tui_db):
    from tests.tui_helpers import settle
    from tui.case_screen import CaseScreen
    from tui.form import FormScreen
    from tui.person_screen import PersonScreen

    path, _, second = tui_db
    app = app_for(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_case(second)
        await settle(app, pilot)
        await pilot.press("F")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.action.id == "persistent_review"
        for name, value in {"outcome": "vary", "contact": "Sam Other", "note": "Calls became abusive"}.items():
            form.query_one(f"#field-{name}").value = value
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, PersonScreen)
        about = shown_text(app.screen.query_one("#person-about"))
        assert "Sam Other" in about
        assert "Reviewed 22/11/2026  Vary the arrangements, next review 22/05/2027: Calls became abusive (tester)" \
            in about


def test_follow_up_reads_alike_on_sqlite_and_postgresql(database_url, config):
    """View 0, the digest's sections and the log's warning: the same SQL on both databases."""
    from store.db.database import open_database

    db = open_database(database_url, config)
    try:
        svc = CaseService(db, config, today=TODAY)
        a = svc.log("statutory", D(2026, 9, 1), complainant="Alex Example", officer="Sam Patel")
        late = svc.add_action(a, "Train the duty team", owner="Duty manager", due=D(2026, 11, 13))
        svc.flag_persistent(a, contact="Jo Lead", arrangements="Weekly call", start=D(2026, 5, 20),
                            review=D(2026, 11, 26))
        assert svc.log("concern", D(2026, 11, 20), complainant="alex example", officer="Sam Patel").warning
        with db.dbapi() as conn:
            rows = caseload_page(conn, TODAY, svc.calendar, config.rules, query=CaseloadQuery(view="followup"),
                                 placeholder=db.placeholder)
            actions, due_reviews = followup_items(conn, TODAY, officer="Sam Patel", config=config,
                                                  placeholder=db.placeholder)
        assert [(r.stage, r.due) for r in rows] == [(f"Action #{late}", D(2026, 11, 13)),
                                                    ("Persistent review", D(2026, 11, 26))]
        assert [(i.reference, i.who, i.number) for i in actions] == [(a, "Duty manager", late)]
        assert [(i.who, i.due) for i in due_reviews] == [("Alex Example", D(2026, 11, 26))]
    finally:
        db.close()


async def test_D_chooses_the_learning_action_from_the_cases_open_ones(tui_db):
    """The tryout: D asked for an action's number, typed. Now the case's open actions are offered with their text."""
    from textual.widgets import OptionList

    from tests.tui_helpers import settle
    from tui.case_screen import CaseScreen
    from tui.form import FormScreen
    from tui.picker import Picker

    path, first, _ = tui_db
    app = app_for(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_case(first)
        await settle(app, pilot)
        await pilot.press("D")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.focused is form.query_one("#field-number")
        await pilot.press(*"duty")
        options = form.query_one("#picker-number", Picker).query_one(OptionList)
        assert [str(options.get_option_at_index(i).prompt.plain) for i in range(options.option_count)] == [
            "1 · Train the duty team (Duty manager, due 13/11/2026)"]
        await pilot.press("enter", "enter", *"Duty team trained on call-backs")  # taken; then on to the next
        assert form.query_one("#field-number").value.startswith("1 · Train")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen), form.query_one("#form-error").render()
        assert "Duty team trained on call-backs" in shown_text(app.screen.query_one("#case-learning"))


async def test_D_refuses_an_entry_with_more_typed_after_it(tui_db):
    """The tryout: the action chosen, the officer typed on into its field ("1 · Train the duty team… trained"):
    read as action 1 and saved, the text lost. It is no entry of the list: said so, nothing saved."""
    from tests.tui_helpers import settle
    from tui.form import FormScreen

    path, first, _ = tui_db
    app = app_for(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_case(first)
        await settle(app, pilot)
        await pilot.press("D")
        await settle(app, pilot)
        form = app.screen
        await pilot.press(*"duty")
        await settle(app, pilot)
        await pilot.press("enter")  # the entry chosen, the cursor still in the field
        form.query_one("#field-number").value += " trained on call-backs"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen)
        assert "not an entry of the list" in str(form.query_one("#error-number").render())
        assert app.screen is form


async def test_D_on_a_case_without_open_learning_actions_says_so_and_opens_no_form(tui_db, config):
    """The tryout: D on a case with no learning actions (or none open) opened an empty form. It says so instead,
    from the case screen and from the caseload; with an open action the form opens as before."""
    from store.db.database import open_database
    from tests.tui_helpers import settle
    from tui.case_screen import CaseScreen
    from tui.caseload import CaseloadTable
    from tui.form import FormScreen

    path, first, second = tui_db
    app = app_for(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_case(second)
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("D")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.form is None
        assert [n.message for n in app._notifications][-1] == (
            f"{second} has no open learning actions to mark done (l adds one)")
        await pilot.press("escape")
        app.open_case(first)
        await settle(app, pilot)
        await pilot.press("D")  # an open action: the form, with it to choose
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.action.id == "action_done"
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        db = open_database(path, config)
        svc = CaseService(db, config, today=TODAY)
        svc.complete_action(1, "Duty team trained", reference=first)  # the case's one action (tui_db)
        db.close()
        table = app.query_one(CaseloadTable)
        table.move_cursor(row=next(i for i in range(table.row_count) if str(table.get_row_at(i)[1]) == first))
        await pilot.press("D")  # from the caseload: its only action is done now
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen)
        assert [n.message for n in app._notifications][-1] == (
            f"{first} has no open learning actions to mark done (l adds one)")


async def test_a_form_whose_list_would_be_empty_says_why_instead(tmp_path, config):
    """Like D: a letter (L) for a case no letter fits, an independent person (i) with nobody in the pool and a
    reassignment (g) with no officer on the list each say why in a notice, and open no form."""
    from store.db.database import open_database
    from tests.tui_helpers import settle
    from tui.case_screen import CaseScreen

    path = tmp_path / "e.db"
    db = open_database(path, config)
    ref = CaseService(db, config, today=TODAY).log("compliment", D(2026, 11, 2), complainant="Alex Example")
    db.close()
    app = app_for(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_case(ref)
        await settle(app, pilot)
        said = []
        for key in ("L", "i", "g"):
            await pilot.press(key)
            await settle(app, pilot)
            assert isinstance(app.screen, CaseScreen) and app.form is None, key
            said.append([n.message for n in app._notifications][-1])
        assert said == [
            f"No letter fits {ref} as it is now: one can be produced once the case reaches its step",
            "No one is in the pool of independent people yet: add them first (ctrl+p, Add an independent person)",
            "No officers are on the list yet: add one first (ctrl+p, Add an officer)"]


async def test_edit_a_note_and_unlink_choose_from_the_case_own_notes_and_links_or_say_there_are_none(tmp_path,
                                                                                                    config):
    """T (edit a note) and "Unlink a case" on a case with no notes, no links: a notice, no form. With them, the
    form's list holds the case's own notes (newest first) and the cases linked to it, never recent cases."""
    from store.db.database import open_database
    from tests.tui_helpers import settle
    from tui.case_screen import CaseScreen
    from tui.form import FormScreen

    path = tmp_path / "n.db"
    db = open_database(path, config)
    svc = CaseService(db, config, today=TODAY)
    ref = svc.log("statutory", D(2026, 11, 2), complainant="Alex Example")
    other = svc.log("corporate", D(2026, 11, 3), complainant="Sam Example")
    db.close()
    app = app_for(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_case(ref)
        await settle(app, pilot)
        await pilot.press("T")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.form is None
        assert [n.message for n in app._notifications][-1] == f"{ref} has no notes to edit (t adds one)"
        app.action_form("unlink")  # as the palette runs it
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.form is None
        assert [n.message for n in app._notifications][-1] == f"{ref} is linked to no case (j links one)"

        db = open_database(path, config)
        svc = CaseService(db, config, today=TODAY)
        svc.add_note(ref, "Rang about the visit", kind="phone", at=datetime(2026, 11, 18, 9, 0))
        svc.add_note(ref, "Wrote back", kind="email", at=datetime(2026, 11, 19, 9, 0))
        svc.link(ref, other, None)
        db.close()
        app.screen.reload()
        await settle(app, pilot)
        await pilot.press("T")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.action.id == "note_edit"
        assert app.data is not None
        assert app.data.choices("note", ref) == ["2 · 19/11/2026, email: Wrote back",
                                                 "1 · 18/11/2026, phone: Rang about the visit"]
        assert app.data.choices("linked_case", ref) == [f"{other} · Sam Example, corporate, received 03/11/2026"]

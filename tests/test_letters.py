"""Letters: every default template filled in for a case in the state it belongs to and read back with python-docx;
dates from the case screen's own clock; the council's templates; checks; hostile values; the record kept."""

from __future__ import annotations

import email
import io
import stat
from datetime import date

import pytest
from docx import Document as WordDocument
from sqlmodel import select

from domain.calendar import WorkingCalendar
from domain.config import Config
from domain.letters import LETTERS, Council, LetterError, long_date, sample_fields
from store.db.database import open_database
from store.db.models import Document, Event
from store.lifecycle.service import CaseService
from store.views.case import case_detail
from store.views.letters import letter_case
from tests.test_cli import run

CALENDAR = WorkingCalendar.for_region("ENG")
ISSUES = ["Visits were cancelled without notice", "No one returned calls about Sam's placement"]


class Clock:
    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def clock():
    return Clock(date(2026, 11, 16))


@pytest.fixture
def svc(tmp_path, clock):
    config = Config(user="tester", managers=frozenset({"tester"}), path=tmp_path / "config.toml",
                    council=Council(name="Anytown Borough Council", phone="01234 567890",
                                    email="complaints@anytown.example"))
    db = open_database(tmp_path / "c.db", config)
    yield CaseService(db, config, today=clock, calendar=CALENDAR)
    db.close()


def new_case(svc: CaseService, received: date, kind: str = "statutory", **person: str) -> str:
    ref = svc.log(kind, received, complainant="Alex Example", group="parent", child_name="Sam Example",
                  officer="Jo Officer")
    values = {"address": "1 High Street\nAnytown AN1 1AA", "salutation": "Dear Mx Example",
              "email": "alex@example.org"} | person
    svc.edit_fields(ref, {k: v for k, v in values.items() if v})
    return ref


def words(content: bytes) -> list[str]:
    """The paragraphs of a Word document, as a reader of .docx files sees them."""
    return [p.text for p in WordDocument(io.BytesIO(content)).paragraphs]


def produce(svc: CaseService, ref: str, name: str, **kw: object) -> list[str]:
    made = svc.produce_letter(ref, name, "docx", **kw)  # type: ignore[arg-type]
    _, content = svc.document(made.document_id)
    text = words(content)
    whole = "\n".join(text)
    assert "Alex Example" in whole and ref in whole and "Dear Mx Example," in text
    assert "{{" not in whole and "{%" not in whole and "}}" not in whole, whole
    return text


def screen_due(svc: CaseService, ref: str) -> str:
    """The running due date as the case screen shows it, written as letters write it."""
    detail = case_detail(svc.db, ref, svc.today(), svc.calendar, svc.rules)
    assert detail.stage_clock.deadline is not None
    return long_date(detail.stage_clock.deadline.due)


def test_every_default_letter_for_a_case_in_its_state(svc, clock):
    done: set[str] = set()
    ref = new_case(svc, date(2026, 11, 16))
    clock.day = date(2026, 11, 17)
    assert svc.letters_that_fit(ref)[0] == "acknowledgement"
    text = produce(svc, ref, "acknowledgement", record=True)
    assert f"We will send you our response by {screen_due(svc, ref)}." in text
    assert screen_due(svc, ref) == "Monday 30 November 2026"
    assert any(t.startswith("Sam Example can have an advocate") for t in text)
    done.add("acknowledgement")

    clock.day = date(2026, 11, 27)
    svc.extend(ref)
    assert "extension" in svc.letters_that_fit(ref)
    text = produce(svc, ref, "extension")
    assert f"We will now send you our response by {screen_due(svc, ref)}." in text
    assert screen_due(svc, ref) == "Monday 14 December 2026"
    done.add("extension")

    clock.day = date(2026, 12, 10)
    text = produce(svc, ref, "stage1-response", record=True, outcome="not_upheld")
    # Thursday 10 December + 20 working days, over Christmas and Boxing Day (Monday 28th) and New Year
    assert any("Please tell us by Tuesday 12 January 2027" in t for t in text)
    assert any("your complaint is not upheld" in t for t in text)
    done.add("stage1-response")

    clock.day = date(2026, 12, 14)
    svc.request_stage(ref, 2)
    svc.accept_stage(ref, 2)
    svc.agree_statement(ref, ISSUES)
    for name, role in (("Ira Investigator", "investigating_officer"), ("Pat Person", "independent_person")):
        svc.add_independent_person(name, [role])
        svc.assign(ref, name, role)
    text = produce(svc, ref, "stage2-statement")
    assert text[text.index(f"1. {ISSUES[0]}") + 1] == f"2. {ISSUES[1]}"
    assert any("investigated by Ira Investigator, and Pat Person" in t for t in text)
    assert f"We will send you our response by {screen_due(svc, ref)}." in text
    done.add("stage2-statement")

    svc.add_action(ref, "Managers will check visit rotas weekly", owner="Team manager", due=date(2027, 2, 1))
    clock.day = date(2027, 1, 15)
    svc.respond(ref, findings=["upheld", "not_upheld"])
    text = produce(svc, ref, "stage2-adjudication")
    assert f"1. {ISSUES[0]}: upheld." in text and f"2. {ISSUES[1]}: not upheld." in text
    assert "1. Managers will check visit rotas weekly (by Monday 1 February 2027)" in text
    assert any("Please tell us by Friday 12 February 2027" in t for t in text)
    done.add("stage2-adjudication")

    clock.day = date(2027, 1, 20)
    svc.request_stage(ref, 3)
    svc.schedule_panel(ref, date(2027, 2, 10))
    for name in ("Chris Chair", "Pen Panellist"):
        svc.add_independent_person(name, ["panel_chair", "panellist"])
    svc.assign(ref, "Chris Chair", "panel_chair")
    svc.assign(ref, "Pen Panellist", "panellist")
    text = produce(svc, ref, "stage3-panel-invitation")
    assert any("Wednesday 10 February 2027" in t for t in text)
    assert "Chris Chair (Panel chair)" in text and any("bring someone" in t for t in text)
    done.add("stage3-panel-invitation")

    clock.day = date(2027, 2, 12)
    svc.panel_findings(ref)
    text = produce(svc, ref, "stage3-final-response", record=True, outcome="partially_upheld")
    assert any("0300 061 0614" in t for t in text)
    done.add("stage3-final-response")

    clock.day = date(2027, 3, 1)
    svc.lgo_enquiry(ref, date(2027, 3, 1))
    text = produce(svc, ref, "ombudsman-response")
    assert any("on Monday 1 March 2027" in t for t in text)
    assert not any("Sam Example" in t for t in text)  # not a letter to the family
    done.add("ombudsman-response")

    svc.flag_persistent(ref, contact="Jo Officer", arrangements="One call a week, on Tuesdays")
    text = produce(svc, ref, "persistent-procedure")
    assert "Your single point of contact is Jo Officer." in text
    done.add("persistent-procedure")

    member = new_case(svc, date(2027, 3, 1), "mp_enquiry")
    assert "member-reply" in svc.letters_that_fit(member)
    produce(svc, member, "member-reply")
    done.add("member-reply")

    declined = new_case(svc, date(2026, 11, 16))
    svc.respond(declined, "not_upheld", date(2026, 11, 20))
    svc.request_stage(declined, 2, date(2027, 3, 1))
    svc.decline_stage(declined, 2, "it is the same matter as an earlier complaint", date(2027, 3, 1))
    text = produce(svc, declined, "stage2-declined")
    assert any("same matter as an earlier complaint" in t for t in text)
    done.add("stage2-declined")
    assert done == {letter.name for letter in LETTERS}


def test_a_letter_quotes_the_case_screens_dates_over_pauses_and_bank_holidays(svc, clock):
    clock.day = date(2026, 12, 22)
    ref = new_case(svc, date(2026, 12, 21))  # Christmas, Boxing Day (Monday 28th) and New Year inside the clock
    fields = svc.letter_fields(ref, "acknowledgement")
    assert fields["response_due"] == screen_due(svc, ref) == "Thursday 7 January 2027"
    svc.pause(ref, "awaiting consent", date(2026, 12, 22))
    clock.day = date(2027, 1, 4)
    svc.resume(ref, date(2027, 1, 4))
    assert svc.letter_fields(ref, "extension")["response_due"] == screen_due(svc, ref) == "Friday 15 January 2027"
    svc.extend(ref, date(2027, 1, 4))
    fields = svc.letter_fields(ref, "extension")
    assert fields["extended_date"] == fields["response_due"] == screen_due(svc, ref)
    detail = case_detail(svc.db, ref, svc.today(), svc.calendar, svc.rules)
    case, _ = letter_case(svc.db, ref, svc.today(), svc.calendar, svc.rules)
    assert case.acknowledgement_due == (detail.clock.deadline.due if detail.due_for else case.acknowledgement_due)


def test_what_was_produced_is_kept_with_an_event_and_saved_owner_only(svc, clock, tmp_path):
    ref = new_case(svc, date(2026, 11, 16))
    clock.day = date(2026, 11, 17)
    made = svc.produce_letter(ref, "acknowledgement", "eml", output=tmp_path / "ack.eml")
    assert made.recorded is None and svc.letter_case(ref).acknowledged is None  # never recorded unasked
    assert stat.S_IMODE((tmp_path / "ack.eml").stat().st_mode) == 0o600
    message = email.message_from_bytes((tmp_path / "ack.eml").read_bytes())
    assert message["To"] == "alex@example.org" and message["From"] == "complaints@anytown.example"
    [body, attached] = [p for p in message.walk() if not p.is_multipart()]
    assert "We will send you our response by Monday 30 November 2026." in body.get_payload(decode=True).decode()
    assert attached.get_filename() == f"{ref}-acknowledgement-2026-11-17.docx"
    assert "Alex Example" in words(attached.get_payload(decode=True))
    with svc.db.read() as session:
        [doc] = session.exec(select(Document)).all()
        assert (doc.origin, doc.name, doc.media_type) == ("letter", f"{ref}-acknowledgement-2026-11-17.eml",
                                                         "message/rfc822")
        actions = [e.action for e in session.exec(select(Event).where(Event.case_id == doc.case_id))]
        produced = session.exec(select(Event).where(Event.action == "Acknowledgement letter produced")).one()
    assert actions[-2:] == ["document attached", "Acknowledgement letter produced"]
    assert produced.reason == "produced by tester" and produced.new == doc.name


def test_missing_data_is_said_before_anything_is_produced(svc, clock, tmp_path):
    ref = new_case(svc, date(2026, 11, 16), address="", email="")
    with pytest.raises(LetterError, match="has no postal address"):
        svc.produce_letter(ref, "acknowledgement", "docx", output=tmp_path / "a.docx", record=True)
    with pytest.raises(LetterError, match="has no email address"):
        svc.produce_letter(ref, "acknowledgement", "eml", output=tmp_path / "a.eml")
    assert not list(tmp_path.glob("a.*"))
    case = svc.letter_case(ref)
    assert case.acknowledged is None
    with svc.db.read() as session:
        assert session.exec(select(Document)).all() == []
    assert svc.produce_letter(ref, "acknowledgement", "text").text.startswith("Anytown Borough Council")


def test_hostile_values_print_as_text_and_a_template_cannot_run_code(svc, clock, tmp_path):
    hostile = "Ann {{ 7*7 }} {% for x in range(3) %}x{% endfor %} <w:fldSimple w:instr=\"DATE\"/> & \x13DATE\x15"
    ref = svc.log("statutory", date(2026, 11, 16), complainant=hostile)
    svc.edit_fields(ref, {"address": "1 <b>High</b> Street", "salutation": "Dear {{ reference }}"})
    made = svc.produce_letter(ref, "acknowledgement", "docx")
    _, content = svc.document(made.document_id)
    text = words(content)
    assert "Ann {{ 7*7 }} {% for x in range(3) %}x{% endfor %} <w:fldSimple w:instr=\"DATE\"/> & ␓DATE␕" in text
    assert "Dear {{ reference }}," in text and "1 <b>High</b> Street" in text
    assert b"fldSimple w:instr" not in content  # no field code: it is all in one escaped text run
    folder = tmp_path / "letters"
    folder.mkdir()
    document = WordDocument()
    document.add_paragraph("{{ reference.__class__.__mro__[1].__subclasses__() }}")
    document.save(str(folder / "acknowledgement.docx"))
    with pytest.raises(LetterError, match="unsafe|not safely|access"):
        svc.produce_letter(ref, "acknowledgement", "text")


def test_a_council_template_edited_in_its_folder_is_used_and_checked(svc, clock, tmp_path):
    ref = new_case(svc, date(2026, 11, 16))
    result = run("letter", "--templates", "--copy")
    assert result.exit_code == 0 and result.stdout.startswith(f"Copied 11 templates to {tmp_path / 'letters'}")
    path = tmp_path / "letters" / "acknowledgement.docx"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    document = WordDocument(str(path))
    document.paragraphs[0].text = "Anytown Children's Services: we care"
    document.save(str(path))
    assert svc.letter_preview(ref, "acknowledgement").startswith("Anytown Children's Services: we care\n")
    assert run("letter", "--check").stdout.splitlines()[0] == "acknowledgement.docx: ok"
    document.add_paragraph("Hello {{ complainant.nmae }}")
    document.add_paragraph("{{ mp_name }}")
    document.save(str(path))
    last = len(document.paragraphs)
    broken = WordDocument(str(tmp_path / "letters" / "extension.docx"))
    broken.paragraphs[15].text = "{% if extended %} more time"
    broken.save(str(tmp_path / "letters" / "extension.docx"))
    result = run("letter", "--check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"acknowledgement.docx: paragraph {last}: unknown field 'mp_name'"
    assert lines[1].startswith("extension.docx: paragraph 16: {% if %} is never closed (add {% endif %}")
    assert lines[2:] == [f"{letter}.docx: ok" for letter in sorted(
        x.name for x in LETTERS if x.name not in ("acknowledgement", "extension"))]
    assert result.stderr == "Error: 2 templates of 11 need putting right\n"
    document = WordDocument(str(path))
    document.paragraphs[-1].text = ""
    document.save(str(path))
    assert run("letter", "--check").stdout.splitlines()[0] == ("acknowledgement.docx: paragraph "
                                                                f"{last - 1}: unknown field 'complainant.nmae'")


def test_the_sample_fields_fill_every_default_template():
    from letters.engine import DEFAULTS, check

    assert check(DEFAULTS, sample_fields()) == {f"{x.name}.docx": [] for x in LETTERS}


def test_the_command_line_produces_keeps_and_lists(tmp_path, config):
    path = tmp_path / "cli.db"
    db = open_database(path, config)
    svc = CaseService(db, config, today=date(2026, 11, 17), calendar=CALENDAR)
    ref = new_case(svc, date(2026, 11, 16))
    db.close()
    result = run("letter", ref, "--list", "--db", str(path), "--today", "2026-11-17")
    assert result.exit_code == 0, result.output
    assert result.stdout == "acknowledgement\nstage1-response\n"
    out = tmp_path / "ack.docx"
    result = run("letter", ref, "acknowledgement", "--record", "--output", str(out), "--db", str(path),
                 "--today", "2026-11-17")
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"{ref}: acknowledged on 17/11/2026\n"
                             f"{ref}: Acknowledgement letter kept as document 1, saved to {out}\n")
    assert "We will send you our response by Monday 30 November 2026." in words(out.read_bytes())
    result = run("letter", ref, "acknowledgement", "--output", str(out), "--db", str(path))
    assert result.exit_code == 1 and "already exists: nothing was produced" in result.stderr
    result = run("letter", ref, "nonsense", "--db", str(path))
    assert result.exit_code == 1 and result.stderr.startswith("Error: there is no letter 'nonsense': one of ack")
    result = run("letter", ref, "extension", "--format", "text", "--db", str(path), "--today", "2026-11-17")
    assert result.exit_code == 1 and "does not fit" in result.stderr  # not extended: its new date would be blank
    result = run("letter", ref, "stage1-response", "--format", "text", "--db", str(path), "--today", "2026-11-17")
    assert result.exit_code == 0 and "Our reference: " + ref in result.stdout
    assert result.stdout.splitlines()[-1] == f"{ref}: Stage 1 response letter kept as document 2"


async def test_l_on_the_case_screen_previews_produces_and_records_the_acknowledgement(tmp_path, config):
    from textual.widgets import Input, Static

    from store.db.location import resolve_url
    from tests.tui_helpers import settle
    from tui.app import create_app
    from tui.case_screen import CaseScreen
    from tui.form import FormScreen

    path = tmp_path / "t.db"
    db = open_database(path, config)
    svc = CaseService(db, config, today=date(2026, 11, 17), calendar=CALENDAR)
    ref = new_case(svc, date(2026, 11, 16))
    db.close()
    out = tmp_path / "ack.docx"
    app = create_app(resolve_url(path), config=config, today=date(2026, 11, 17))
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("L")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.action.id == "letter"
        preview = str(app.screen.query_one("#form-preview", Static).render())
        assert "Letters that fit: acknowledgement, stage1_response" in preview
        assert "We will send you our response by Monday 30 November 2026." in preview
        app.screen.query_one("#field-letter", Input).value = "acknowledgement"
        app.screen.query_one("#field-path", Input).value = str(out)
        app.screen.query_one("#field-record", Input).value = "yes"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen), app.screen.query_one("#form-error").render()
    assert "Alex Example" in words(out.read_bytes()) and stat.S_IMODE(out.stat().st_mode) == 0o600
    db = open_database(path, config)
    try:
        svc = CaseService(db, config, today=date(2026, 11, 17), calendar=CALENDAR)
        assert svc.letter_case(ref).acknowledged == date(2026, 11, 17)
        with db.read() as session:
            assert session.exec(select(Document.origin)).all() == ["letter"]
    finally:
        db.close()


def test_letters_are_in_a_subject_access_export_and_removed_by_retention(tmp_path, config):
    import json
    import sqlite3

    from store.housekeeping.privacy import Retention

    path = tmp_path / "p.db"
    db = open_database(path, config)
    svc = CaseService(db, config, today=date(2018, 3, 14), calendar=CALENDAR)
    ref = svc.log("statutory", date(2018, 3, 1), complainant="Quinn Example", complainant_id="Q1")
    svc.edit_fields(ref, {"address": "2 Low Road\nAnytown"})
    svc.respond(ref, "upheld", date(2018, 3, 14))
    saved = svc.default_letter_path(ref, "stage1-response", "docx")  # the tool's own folder, as the CLI saves it
    made = svc.produce_letter(ref, "stage1-response", "docx", output=saved)
    db.close()
    assert saved.exists()
    out = tmp_path / "sar.json"
    result = run("person", "Q1", "--export", str(out), "--db", str(path))
    assert result.exit_code == 0, result.output
    [doc] = json.loads(out.read_text())["cases"][0]["documents"]
    assert doc["origin"] == "letter" and doc["bytes_match"] is True
    assert "Quinn Example" in words((tmp_path / doc["file"]).read_bytes())
    boss = Config(user="boss", managers=frozenset({"boss"}))
    db = open_database(path, boss)
    assert Retention(db, boss, today=date(2026, 11, 22)).apply(6).references == [ref]
    db.close()
    assert not saved.exists()  # the copy the tool saved goes with the case's personal data
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM document WHERE id = ?", (made.document_id,)).fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM document_content").fetchone() == (0,)


def test_a_council_text_template_is_the_emails_body_and_is_checked(svc, clock, tmp_path):
    ref = new_case(svc, date(2026, 11, 16))
    clock.day = date(2026, 11, 17)
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "acknowledgement.txt").write_text("{{ complainant.salutation }},\nWe reply by {{ response_due }}.\n"
                                                "Ref {{ reference }}\n", encoding="utf-8")
    svc.produce_letter(ref, "acknowledgement", "eml", output=tmp_path / "a.eml")
    message = email.message_from_bytes((tmp_path / "a.eml").read_bytes())
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert body == f"Dear Mx Example,\nWe reply by Monday 30 November 2026.\nRef {ref}\n"
    (folder / "extension.txt").write_text("Hello\n{% for x in issues %}{{ x.nmae }}\n", encoding="utf-8")
    assert run("letter", "--check").stdout.splitlines() == [
        "acknowledgement.txt: ok", "extension.txt: line 2: {% for %} is never closed (add {% endfor %} where it "
        "should end), in '{% for x in issues %}{{ x.nmae }}'"]


def test_a_letter_that_does_not_fit_the_case_is_refused_before_anything_is_kept(svc, clock, tmp_path):
    """A Stage 2 adjudication for a case at Stage 1 would print "Please tell us by ." and be kept as sent."""
    ref = new_case(svc, date(2026, 11, 16))
    with pytest.raises(LetterError, match="does not fit .*letters that fit: acknowledgement, stage1-response"):
        svc.produce_letter(ref, "stage2-adjudication", "docx", output=tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()
    assert run("letter", ref, "stage2-adjudication").exit_code == 1

"""Issue 16's tryout: a file too big names itself; an email without a readable date, sender or subject is taken,
with a warning the officer sees (on the form filled in from it, and from ``complaints intake`` on stderr); what is
not an email is still refused."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.documents import EMAIL, sniff
from domain.mail import read_mail
from domain.timescales import RuleError
from store.db.database import open_database
from store.db.location import resolve_url
from store.lifecycle.service import CaseService
from store.views.case import case_detail
from tests.conftest import TODAY
from tests.msg_file import msg_bytes
from tests.test_cli import run
from tests.tui_helpers import settle

UNDATED = (b'From: "Ann Example" <ann@example.org>\r\nTo: complaints@council.example\r\n'
           b"Subject: Late reply\r\nDate: the Tuesday after half term\r\n\r\nStill waiting.\r\n")
NO_FROM = b"Subject: Missed visit\r\nX-Saved-By: Outlook Web\r\n\r\nNobody came on Tuesday.\r\n"
FROM_ONLY = b"From: Bo Sample <bo@example.net>\r\n\r\nNobody came.\r\n"
DATE_WARNING = "the email's date could not be read; received date set to today (22/11/2026); check it"
NO_DATE_WARNING = "the email has no date; received date set to today (22/11/2026); check it"
SENDER_WARNING = "the email's sender could not be read; the complainant is left blank: fill it in"
SUBJECT_WARNING = "the email has no subject; the summary is left blank"


def _database(path, config) -> None:  # type: ignore[no-untyped-def]
    db = open_database(path, config)
    CaseService(db, config, today=TODAY).log("statutory", date(2026, 11, 2), complainant="Alex Example")
    db.close()


@pytest.fixture
def cli_db(tmp_path, config):
    _database(tmp_path / "c.db", config)
    return str(tmp_path / "c.db")


def _big(path, megabytes: int = 26):  # type: ignore[no-untyped-def]
    with path.open("wb") as f:
        f.truncate(megabytes * 1024 * 1024)
    return path


# -- 1. a file too big is named ---------------------------------------------------------------------------


def test_a_file_too_big_is_named_harmlessly_with_the_limit(service, tmp_path):
    reference = service.log("statutory", date(2026, 11, 2), complainant="Alex Example")
    with pytest.raises(RuleError) as caught:
        service.attach_file(reference, _big(tmp_path / "stage2\x1b[2J-report.pdf"))
    assert str(caught.value) == ("stage2␛[2J-report.pdf is 26 MB: at most 25 MB can be attached to a case (save a "
                                 "smaller copy, or split it)")
    with pytest.raises(RuleError, match=r"^x{68}…xxxxxxx\.pdf is 26 MB: at most 25 MB"):
        service.attach_file(reference, _big(tmp_path / ("x" * 200 + ".pdf")))


def test_cli_attach_names_the_file_too_big(cli_db, tmp_path):
    result = run("attach", "CS-2026-00001", str(_big(tmp_path / "scan\x1b]0;pwned\x07.pdf")), "--db", cli_db)
    assert result.exit_code == 1
    assert result.stderr == ("Error: scan␛]0;pwned␇.pdf is 26 MB: at most 25 MB can be attached to a case (save a "
                             "smaller copy, or split it)\n")


async def test_the_attach_form_names_the_file_too_big(tmp_path, config):
    from textual.widgets import Input

    from tui.app import create_app
    from tui.form import FormScreen

    _database(tmp_path / "t.db", config)
    big = _big(tmp_path / "scan.pdf")
    app = create_app(resolve_url(tmp_path / "t.db"), config=config, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("A")
        await settle(app, pilot)
        app.screen.query_one("#field-path", Input).value = str(big)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.action.id == "attach"
        assert "scan.pdf is 26 MB: at most 25 MB can be attached" in str(app.screen.query_one("#form-error").render())


# -- 2. an email's date that cannot be read: today, said ------------------------------------------------------


def test_an_undated_email_is_received_today_with_a_warning(service):
    logged = service.intake_email("statutory", "late.eml", UNDATED)
    shown = case_detail(service.db, logged, TODAY, service.calendar, service.rules)
    assert (shown.received, shown.person.name) == (TODAY, "Ann Example")
    assert logged.warning == DATE_WARNING
    dated = service.intake_email("statutory", "late.eml", UNDATED, received=date(2026, 11, 17))
    assert dated.warning is None  # the officer gave the date: nothing to check


def test_an_outlook_message_without_a_date_or_sender_says_so(service):
    mail = read_mail("visit.msg", msg_bytes(subject="Missed visit", sender_name="", sender_email="",
                                            body="Nobody came.", sent=None))
    assert mail is not None and (mail.sent, mail.sender) == (None, None)
    assert mail.warnings(TODAY) == [DATE_WARNING, SENDER_WARNING]
    dated = read_mail("visit.msg", msg_bytes(subject="Missed visit", sender_name="Bo", sender_email="bo@example.net",
                                             body="x", sent=datetime(2026, 11, 12, tzinfo=UTC)))
    assert dated is not None and dated.warnings(TODAY) == []


def test_cli_intake_warns_of_an_unreadable_date_on_stderr(cli_db, tmp_path):
    source = tmp_path / "late.eml"
    source.write_bytes(UNDATED)
    result = run("intake", str(source), "--db", cli_db)
    assert result.exit_code == 0
    assert result.stdout == "CS-2026-00002\n"
    assert result.stderr == f"Warning: {DATE_WARNING}\n"


async def test_the_form_from_an_undated_email_warns_and_says_today(tmp_path, config):
    from textual.widgets import Input, Static

    from tui.app import create_app
    from tui.form import FormScreen

    _database(tmp_path / "t.db", config)
    source = tmp_path / "late.eml"
    source.write_bytes(UNDATED)
    app = create_app(resolve_url(tmp_path / "t.db"), config=config, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("N")
        await settle(app, pilot)
        app.screen.query_one("#field-path", Input).value = str(source)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.action.id == "log", form.query_one("#form-error").render()
        assert form.query_one("#field-received", Input).value == "22/11/2026"
        assert DATE_WARNING in str(form.query_one("#form-warning", Static).render())
        form.query_one("#field-complainant", Input).value = "Ann Example"  # typing keeps the warning
        await settle(app, pilot)
        assert DATE_WARNING in str(form.query_one("#form-warning", Static).render())


# -- 3. an email without From:, Subject: or a body is still an email ---------------------------------------------


@pytest.mark.parametrize("content", [NO_FROM, FROM_ONLY, UNDATED, b"From: a@example.org\r\nDate: x\r\n"])
def test_an_email_lacking_headers_is_still_an_email(content):
    assert sniff("x.eml", content) == EMAIL and read_mail("x.eml", content) is not None


@pytest.mark.parametrize("content", [
    b"PK\x03\x04" + bytes(100),  # a zip renamed .eml
    bytes(range(256)) * 4,  # binary junk
    b"just some words\n",
    b"Note: ring back on Monday\n\nShe was out.\n",  # a line like a header, but no email has it
    b"Subject: x\r\nthen a line that is no header\r\n\r\nbody\r\n",
    b"\x89PNG\r\n\x1a\n" + bytes(50)])
def test_what_is_not_an_email_is_still_refused(service, content):
    assert read_mail("x.eml", content) is None
    with pytest.raises(RuleError, match="x.eml is not an email that can be read"):
        service.intake_email("statutory", "x.eml", content)


def test_an_email_without_a_sender_is_taken_with_the_complainant_blank(service):
    logged = service.intake_email("statutory", "visit.eml", NO_FROM)
    shown = case_detail(service.db, logged, TODAY, service.calendar, service.rules)
    assert (shown.person, shown.summary, shown.channel) == (None, "Missed visit", "email")
    assert [d.name for d in shown.documents] == ["visit.eml"]
    assert logged.warning == f"{NO_DATE_WARNING}\n{SENDER_WARNING}"
    named = service.intake_email("statutory", "visit.eml", NO_FROM, complainant="Bo Sample")
    assert named.warning == NO_DATE_WARNING  # the officer named the complainant


def test_cli_intake_takes_an_email_without_sender_or_subject(cli_db, tmp_path):
    source = tmp_path / "visit.eml"
    source.write_bytes(NO_FROM)
    result = run("intake", str(source), "--db", cli_db)
    assert result.exit_code == 0 and result.stdout == "CS-2026-00002\n", result.output
    assert result.stderr == f"Warning: {NO_DATE_WARNING}\nWarning: {SENDER_WARNING}\n"
    source.write_bytes(b"From: Bo Sample <bo@example.net>\r\nDate: Thu, 12 Nov 2026 16:45:00 +0000\r\n\r\n")
    result = run("intake", str(source), "--db", cli_db)
    assert result.exit_code == 0 and result.stdout == "CS-2026-00003\n", result.output
    assert result.stderr == f"Warning: {SUBJECT_WARNING}\n"


# -- 4. what is true of an email's date: in the future, none, or one that could not be read ----------------------


def _dated(header: bytes) -> bytes:
    return b"From: Bo Sample <bo@example.net>\r\nSubject: Missed visit\r\n" + header + b"\r\nNobody came.\r\n"


@pytest.mark.parametrize(("header", "warning"), [
    (b"Date: Mon, 23 Nov 3026 10:00:00 +0000\r\n",
     "the email is dated 23/11/3026, in the future: logged as received 22/11/2026; check it"),
    (b"Date: Fri, 01 Jan 2027 10:00:00 +0000\r\n",
     "the email is dated 01/01/2027, in the future: logged as received 22/11/2026; check it"),
    (b"Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n", "the email is dated 01/01/1970: logged as received 22/11/2026"),
    (b"", NO_DATE_WARNING),
    (b"Date: Sat, 01 Jan 10000 10:00:00 +0000\r\n", DATE_WARNING),  # past 9999: no date has such a year
    (b"Date: Mon, 01 Jan 1800 10:00:00 +0000\r\n", DATE_WARNING),
    (b"Date: \r\n", DATE_WARNING),
    (b"Date: the Tuesday after half term\r\n", DATE_WARNING)])
def test_an_emails_date_is_warned_as_what_it_is(service, header, warning):
    mail = read_mail("x.eml", _dated(header))
    assert mail is not None and mail.warnings(TODAY) == [warning]
    assert mail.case_values(TODAY)["received"] == TODAY
    logged = service.intake_email("statutory", "visit.eml", _dated(header))
    assert logged.warning == warning


def test_cli_intake_says_an_email_is_dated_in_the_future(cli_db, tmp_path):
    source = tmp_path / "future.eml"
    source.write_bytes(_dated(b"Date: Mon, 23 Nov 3026 10:00:00 +0000\r\n"))
    result = run("intake", str(source), "--db", cli_db)
    assert result.exit_code == 0 and result.stdout == "CS-2026-00002\n", result.output
    assert result.stderr.startswith("Warning: the email is dated 23/11/3026, in the future: logged as received ")

"""Documents kept with a case, and a new case from an email: the store, hostile files, the CLI and the TUI."""

from __future__ import annotations

import hashlib
import io
import re
import stat
import zipfile
from datetime import UTC, date, datetime

import pytest
from typer.testing import CliRunner

import cli
from domain import limits
from domain.config import Config
from domain.documents import sniff
from domain.mail import read_mail
from domain.timescales import RuleError
from store.db.database import open_database
from store.db.location import resolve_url
from store.db.models import Document, Event
from store.lifecycle.service import CaseService
from store.views.case import case_detail
from tests.conftest import TODAY, manager
from tests.tui_helpers import settle

EML = (b'From: "Ann Example" <ann@example.org>\r\n'
       b"To: complaints@council.example\r\n"
       b"Subject: Delay in my son's assessment\r\n"
       b"Date: Mon, 16 Nov 2026 09:30:00 +0000\r\n"
       b"Message-ID: <1@example.org>\r\n"
       b"Content-Type: multipart/alternative; boundary=b\r\n\r\n"
       b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nWe have waited six weeks.\r\n"
       b"--b\r\nContent-Type: text/html\r\n\r\n<p>We have waited <b>six</b> weeks.</p>\r\n--b--\r\n")


@pytest.fixture
def case(service):
    return service.log("statutory", date(2026, 11, 2), complainant="Alex Example")


def detail(service, reference):
    return case_detail(service.db, reference, TODAY, service.calendar, service.rules)


# -- the store --------------------------------------------------------------------------------------


def test_attach_keeps_bytes_hash_who_and_an_emails_facts(service, case):
    ident = service.attach(case, "complaint.eml", EML)
    document, content = service.document(ident)
    assert content == EML and document.sha256 == hashlib.sha256(EML).hexdigest() and document.size == len(EML)
    assert document.media_type == "message/rfc822" and document.added_by == "tester"
    assert document.email_from == "Ann Example <ann@example.org>"
    assert document.email_date == datetime(2026, 11, 16, 9, 30)
    assert document.email_subject == "Delay in my son's assessment"
    assert document.text == "We have waited six weeks."
    shown = detail(service, case)
    assert [(d.id, d.name, d.text) for d in shown.documents] == [(ident, "complaint.eml", document.text)]
    assert shown.events[-1][2:6] == ("document attached", f"document {ident}", None, "complaint.eml")
    assert shown.version == 2  # attaching is a change to the case


def test_documents_alike_on_either_database(database_url, config, calendar):
    db = open_database(database_url, config)
    try:
        service = CaseService(db, config, today=TODAY, calendar=calendar)
        reference = service.intake_email("statutory", "complaint.eml", EML)
        photo = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 1000
        ident = service.attach(reference, "photo.png", photo)
        assert service.document(ident)[1] == photo
        lines = detail(service, reference).documents
        assert [(d.name, d.media_type, d.text, d.text_length) for d in lines] == [
            ("complaint.eml", "message/rfc822", "We have waited six weeks.", 25), ("photo.png", "image/png", None, 0)]
    finally:
        db.close()


def test_attach_checks_the_version_shown(service, case):
    with pytest.raises(RuleError, match="was changed"):
        service.attach(case, "a.txt", b"x", expected_version=7)


@pytest.mark.parametrize(("name", "why"), [
    ("../etc/passwd", "file name alone"), ("a\x1b[2Jb.txt", "U+001B"), ("", "needs a file name"),
    ("x" * 256, "at most 255")])
def test_a_name_must_be_a_plain_file_name(service, case, name, why):
    with pytest.raises(RuleError, match=re.escape(why)):
        service.attach(case, name, b"x")


def test_too_big_is_said_in_megabytes(service, case, tmp_path):
    with pytest.raises(RuleError, match=r"^big\.pdf is 25\.0 MB: at most 25 MB can be attached"):
        service.attach(case, "big.pdf", b"%PDF-" + bytes(limits.DOCUMENT_BYTES))
    big = tmp_path / "big.bin"
    with big.open("wb") as f:
        f.truncate(30 * 1024 * 1024)
    with pytest.raises(RuleError, match=r"^big\.bin is 30 MB: at most 25 MB can be attached"):
        service.attach_file(case, big)


def test_at_most_so_many_documents(service, case, monkeypatch):
    monkeypatch.setattr(limits, "DOCUMENTS", 2)
    service.attach(case, "a.txt", b"a")
    service.attach(case, "b.txt", b"b")
    with pytest.raises(RuleError, match="already has 2 documents: at most 2"):
        service.attach(case, "c.txt", b"c")


def test_a_zip_bomb_named_eml_is_kept_inert(service, case):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.txt", b"0" * 50_000_000)
    ident = service.attach(case, "complaint.eml", buffer.getvalue())
    document, _ = service.document(ident)
    assert document.media_type == "application/zip" and document.email_from is None and document.text is None


def test_binary_junk_named_msg_is_kept_inert(service, case):
    for junk in (bytes(range(256)) * 40, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 4000):
        ident = service.attach(case, "message.msg", junk)
        document, content = service.document(ident)
        assert content == junk and document.email_subject is None and document.text is None
        assert document.media_type in ("application/octet-stream", "application/x-ole-storage")


def test_header_injection_and_control_characters_never_reach_the_case_file(service, case):
    hostile = (b"From: =?utf-8?q?Evil=0D=0ABcc=3A_x=40y?= <evil@example.org>\r\n"
               b"Subject: =?utf-8?q?Hello=1B]0;owned=07_there=0D=0AX-Injected=3A_1?=\r\n"
               b"Date: Mon, 16 Nov 2026 09:30:00 +0000\r\n\r\nBody \x1b[31mred\x1b[0m\x00 text\r\n")
    ident = service.attach(case, "evil.eml", hostile)
    document, _ = service.document(ident)
    for value in (document.email_from, document.email_subject, document.text):
        assert value is not None and not any(ord(c) < 32 and c not in "\n\t" for c in value)
    assert document.email_subject == "Hello ]0;owned there X-Injected: 1"
    assert document.email_from == "Evil Bcc: x@y <evil@example.org>"


def test_a_deeply_nested_email_is_read_as_far_as_it_can_be(service, case):
    nested = b"From: a@example.org\r\nSubject: nested\r\nDate: Mon, 16 Nov 2026 09:30:00 +0000\r\n" + \
        b'Content-Type: multipart/mixed; boundary="0"\r\n\r\n' + b"".join(
            b'--%d\r\nContent-Type: multipart/mixed; boundary="%d"\r\n\r\n' % (i, i + 1) for i in range(3000))
    ident = service.attach(case, "nested.eml", nested)
    document, _ = service.document(ident)
    assert document.email_subject == "nested" and document.email_from == "a@example.org"


def outlook() -> bytes:
    from tests.msg_file import msg_bytes

    return msg_bytes(subject="Missed visit on Tuesday", sender_name="Bo Sample", sender_email="bo@example.net",
                     body="Nobody came.\r\nBo", sent=datetime(2026, 11, 12, 16, 45, tzinfo=UTC))


def test_an_outlook_msg_is_read_by_its_bytes_whatever_its_name(service, case):
    for name in ("visit.msg", "visit.eml", "visit"):
        ident = service.attach(case, name, outlook())
        document, _ = service.document(ident)
        assert (document.media_type, document.email_from, document.email_date, document.email_subject,
                document.text) == ("application/vnd.ms-outlook", "Bo Sample <bo@example.net>",
                                   datetime(2026, 11, 12, 16, 45), "Missed visit on Tuesday", "Nobody came.\nBo")


def test_intake_from_an_outlook_msg(service):
    reference = service.intake_email("statutory", "visit.msg", outlook())
    shown = detail(service, reference)
    assert (shown.received, shown.channel, shown.summary, shown.person.name if shown.person else None) == (
        date(2026, 11, 12), "email", "Missed visit on Tuesday", "Bo Sample")


def test_an_email_of_a_hundred_thousand_parts_is_read_by_its_headers_at_once():
    import time

    many = (b"From: a@example.org\r\nSubject: parts\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
            + b"--b\r\nContent-Type: application/octet-stream\r\n\r\nxx\r\n" * 100_000 + b"--b--\r\n")
    started = time.monotonic()
    mail = read_mail("many.eml", many)
    assert mail is not None and mail.subject == "parts" and mail.text == ""
    assert time.monotonic() - started < 5  # the whole parse took 35-75 s


def test_the_type_comes_from_the_bytes_not_the_extension():
    assert sniff("report.pdf", b"PK\x03\x04rest") == "application/zip"
    assert sniff("letter.docx", b"PK\x03\x04rest").endswith("wordprocessingml.document")
    assert sniff("photo.eml", b"\x89PNG\r\n\x1a\nxx") == "image/png"
    assert sniff("notes.txt", EML) == "message/rfc822"
    assert sniff("notes.eml", b"just some words\n") == "text/plain"
    assert read_mail("notes.eml", b"just some words\n") is None


def test_html_only_email_is_read_as_text():
    mail = read_mail("x.eml", b"From: a@example.org\r\nSubject: s\r\nContent-Type: text/html\r\n\r\n"
                              b"<html><head><style>p{}</style></head><body><p>One</p><p>Two &amp; three</p>"
                              b"<script>alert(1)</script></body></html>")
    assert mail is not None and mail.text == "One\n\nTwo & three"


def test_remove_a_document_the_adder_or_a_manager_with_a_reason(service, case):
    ident = service.attach(case, "a.txt", b"a")
    other = CaseService(service.db, Config(user="someone"), today=TODAY, calendar=service.calendar)
    with pytest.raises(RuleError, match="manager"):
        other.remove_document(ident, "not mine")
    with pytest.raises(RuleError, match="needs a reason"):
        service.remove_document(ident, " ")
    manager(service).remove_document(ident, "attached to the wrong case")
    with pytest.raises(RuleError, match=f"no document {ident}"):
        service.document(ident)
    last = detail(service, case).events[-1]
    assert last[1:] == ("boss", "document removed", f"document {ident}", "a.txt", None, "attached to the wrong case")


def test_deleting_a_case_deletes_its_documents(service, case):
    ident = service.attach(case, "a.txt", b"personal data")
    manager(service).delete_case(case, reason="duplicate")
    with service.db.read() as session:
        from sqlmodel import select

        from store.db.models import DocumentContent
        assert session.exec(select(Document)).all() == [] and session.exec(select(DocumentContent)).all() == []
    with pytest.raises(RuleError, match=f"no document {ident}"):
        service.document(ident)


def test_a_document_of_another_case_is_not_found_under_this_one(service, case):
    other = service.log("corporate", date(2026, 11, 3), complainant="Bo Sample")
    ident = service.attach(other, "a.txt", b"a")
    with pytest.raises(RuleError, match=f"no document {ident} on {case}"):
        service.document(ident, case)


def test_intake_email_logs_a_case_from_its_facts_and_attaches_it(service):
    reference = service.intake_email("statutory", "complaint.eml", EML)
    shown = detail(service, reference)
    assert (shown.received, shown.channel, shown.summary) == (date(2026, 11, 16), "email",
                                                              "Delay in my son's assessment")
    assert shown.person is not None and shown.person.name == "Ann Example"
    assert [d.name for d in shown.documents] == ["complaint.eml"]
    from sqlmodel import select

    from store.db.models import Person
    with service.db.read() as session:
        assert session.exec(select(Person.email).where(Person.name == "Ann Example")).one() == "ann@example.org"
    with pytest.raises(RuleError, match="is not an email"):
        service.intake_email("statutory", "notes.eml", b"just words")


def test_an_email_from_the_future_is_received_today(service):
    future = EML.replace(b"Mon, 16 Nov 2026", b"Fri, 01 Jan 2027")
    reference = service.intake_email("corporate", "later.eml", future)
    assert detail(service, reference).received == TODAY


# -- the command line ------------------------------------------------------------------------------


runner = CliRunner()


def run(*args):
    return runner.invoke(cli.app, list(args), env={"COMPLAINTS_TODAY": "2026-11-22"})


@pytest.fixture
def cli_db(tmp_path, config):
    path = tmp_path / "c.db"
    db = open_database(path, config)
    CaseService(db, config, today=TODAY).log("statutory", date(2026, 11, 2), complainant="Alex Example")
    db.close()
    return str(path)


def test_cli_attach_then_document_saves_it_owner_only_and_whole(cli_db, tmp_path):
    source = tmp_path / "complaint.eml"
    source.write_bytes(EML)
    result = run("attach", "CS-2026-00001", str(source), "--db", cli_db)
    assert result.exit_code == 0, result.output
    assert result.output == "CS-2026-00001: attached complaint.eml as document 1 (384 bytes)\n"
    out = tmp_path / "out" / "saved.eml"
    out.parent.mkdir()
    result = run("document", "CS-2026-00001", "1", "--output", str(out), "--db", cli_db)
    digest = hashlib.sha256(EML).hexdigest()
    assert result.exit_code == 0, result.output
    assert result.output == f"Saved document 1 (complaint.eml, SHA-256 {digest}) to {out}\n"
    assert out.read_bytes() == EML and hashlib.sha256(out.read_bytes()).hexdigest() == digest
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    again = run("document", "CS-2026-00001", "1", "--output", str(out), "--db", cli_db)
    assert again.exit_code == 1 and again.output == (
        f"Error: {out} already exists: nothing was written (choose another name, or --force)\n")
    out.write_bytes(b"changed")
    forced = run("document", "CS-2026-00001", "1", "--output", str(out), "--force", "--db", cli_db)
    assert forced.exit_code == 0 and out.read_bytes() == EML
    missing = run("document", "CS-2026-00001", "9", "--output", str(tmp_path / "x"), "--db", cli_db)
    assert missing.exit_code == 1 and missing.output == f"Error: there is no document 9 on CS-2026-00001 in {cli_db}\n"


def test_cli_attach_refuses_a_file_too_big_in_megabytes(cli_db, tmp_path):
    big = tmp_path / "scan.pdf"
    with big.open("wb") as f:
        f.truncate(26 * 1024 * 1024)
    result = run("attach", "CS-2026-00001", str(big), "--db", cli_db)
    assert result.exit_code == 1
    assert result.output == ("Error: scan.pdf is 26 MB: at most 25 MB can be attached to a case (save a smaller "
                             "copy, or split it)\n")
    result = run("attach", "CS-2026-00001", str(tmp_path / "nothing.pdf"), "--db", cli_db)
    assert result.output == f"Error: there is no file {tmp_path / 'nothing.pdf'}\n"


def test_cli_intake_prints_the_new_reference_and_attaches_the_email(cli_db, tmp_path, config):
    source = tmp_path / "complaint.eml"
    source.write_bytes(EML)
    result = run("intake", str(source), "--kind", "corporate", "--db", cli_db)
    assert result.exit_code == 0 and result.output == "CC-2026-00001\n", result.output
    db = open_database(cli_db, config)
    try:
        service = CaseService(db, config, today=TODAY)
        shown = detail(service, "CC-2026-00001")
        assert (shown.channel, shown.summary, shown.received) == ("email", "Delay in my son's assessment",
                                                                  date(2026, 11, 16))
        assert [d.sha256 for d in shown.documents] == [hashlib.sha256(EML).hexdigest()]
    finally:
        db.close()
    visit = tmp_path / "visit.msg"
    visit.write_bytes(outlook())
    result = run("intake", str(visit), "--db", cli_db)
    assert result.exit_code == 0 and result.output == "CS-2026-00002\n", result.output
    junk = tmp_path / "junk.msg"
    junk.write_bytes(bytes(range(256)) * 4)
    result = run("intake", str(junk), "--db", cli_db)
    assert result.exit_code == 1 and "junk.msg is not an email that can be read" in result.output


def test_cli_document_commands_have_examples():
    for name in ("attach", "document", "intake"):
        result = run(name, "--help")
        assert result.exit_code == 0 and "Example:" in result.output, name


# -- the TUI ---------------------------------------------------------------------------------------


@pytest.fixture
def tui_db(tmp_path, config):
    path = tmp_path / "t.db"
    db = open_database(path, config)
    CaseService(db, config, today=TODAY).log("statutory", date(2026, 11, 2), complainant="Alex Example")
    db.close()
    return path


async def test_a_attaches_a_file_and_the_documents_tab_lists_it(tui_db, tmp_path, config):
    from textual.widgets import DataTable, Input, TabbedContent

    from tui.app import create_app
    from tui.case_screen import CaseScreen
    from tui.form import FormScreen

    source = tmp_path / "complaint.eml"
    source.write_bytes(EML)
    app = create_app(resolve_url(tui_db), config=config, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("A")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.action.id == "attach"
        app.screen.query_one("#field-path", Input).value = str(source)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen), app.screen.query_one("#form-error").render()
        app.screen.query_one("#case-tabs", TabbedContent).active = "tab-documents"
        await settle(app, pilot)
        table = app.screen.query_one("#documents-table", DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[1]) == "complaint.eml"
        shown = str(app.screen.query_one("#document-detail").render())
        assert "Ann Example <ann@example.org>" in shown or "Ann Example" in _text(app.screen)
        save_to = tmp_path / "saved.eml"
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.action.id == "save_document"
        app.screen.query_one("#field-path", Input).value = str(save_to)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen), app.screen.query_one("#form-error").render()
    assert save_to.read_bytes() == EML and stat.S_IMODE(save_to.stat().st_mode) == 0o600
    db = open_database(tui_db, config)
    try:
        with db.read() as session:
            from sqlmodel import select

            assert session.exec(select(Document.name)).all() == ["complaint.eml"]
            assert session.exec(select(Event.action).where(Event.action == "document attached")).all()
    finally:
        db.close()


def _text(screen) -> str:  # type: ignore[no-untyped-def]
    import os

    from rich.console import Console

    console = Console(width=120, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(screen.query_one("#document-detail").content)
    return console.export_text()


async def test_n_opens_the_new_case_form_filled_in_from_an_email_and_attaches_it(tui_db, tmp_path, config):
    from textual.widgets import Input

    from tui.app import create_app
    from tui.form import FormScreen

    source = tmp_path / "complaint.eml"
    source.write_bytes(EML)
    app = create_app(resolve_url(tui_db), config=config, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("N")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.action.id == "email"
        app.screen.query_one("#field-path", Input).value = str(source)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.action.id == "log", form.query_one("#form-error").render()
        filled = {name: form.query_one(f"#field-{name}", Input).value
                  for name in ("received", "channel", "complainant", "complainant_email", "summary")}
        assert filled == {"received": "16/11/2026", "channel": "Email", "complainant": "Ann Example",
                          "complainant_email": "ann@example.org", "summary": "Delay in my son's assessment"}
        form.query_one("#field-kind", Input).value = "corporate"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen), app.screen.query_one("#form-error").render()
    db = open_database(tui_db, config)
    try:
        service = CaseService(db, config, today=TODAY)
        shown = detail(service, "CC-2026-00001")
        assert (shown.channel, shown.received, shown.summary) == ("email", date(2026, 11, 16),
                                                                  "Delay in my son's assessment")
        assert [d.name for d in shown.documents] == ["complaint.eml"]
    finally:
        db.close()


async def test_n_refuses_a_file_that_is_not_an_email_and_keeps_the_form(tui_db, tmp_path, config):
    from textual.widgets import Input

    from tui.app import create_app
    from tui.form import FormScreen

    junk = tmp_path / "junk.eml"
    junk.write_bytes(b"PK\x03\x04" + bytes(100))
    app = create_app(resolve_url(tui_db), config=config, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("N")
        await settle(app, pilot)
        app.screen.query_one("#field-path", Input).value = str(junk)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.action.id == "email"
        assert "junk.eml is not an email" in str(app.screen.query_one("#form-error").render())


def test_a_case_from_an_email_belongs_to_the_address_never_to_a_namesake(service, cli_db, tmp_path):
    """Two families can share a name: an email from ann@example.org is Ann Example with that address, or a new
    person, never the Ann Example on record with another address (a letter would go to her); the officer is told."""
    known = service.log("statutory", date(2026, 11, 2), complainant="Ann Example", complainant_email="ann@family.org")
    first = service.intake_email("statutory", "complaint.eml", EML)
    assert detail(service, first).person.name == "Ann Example"
    assert "someone else named Ann Example is on record" in (first.warning or "")
    again = service.intake_email("corporate", "complaint.eml", EML)  # the same address: the same person
    assert not again.warning
    ids = {reference: detail(service, reference).person for reference in (known, first, again)}
    assert ids[first] == ids[again] and ids[first] != ids[known]
    source = tmp_path / "complaint.eml"
    source.write_bytes(EML)
    result = run("intake", str(source), "--db", cli_db)
    assert result.exit_code == 0 and result.stdout.count("\n") == 1  # the reference alone on stdout
    future = tmp_path / "future.eml"
    future.write_bytes(EML.replace(b"Mon, 16 Nov 2026", b"Fri, 01 Jan 2027"))
    result = run("intake", str(future), "--db", cli_db)
    assert result.exit_code == 0
    assert "Warning: the email is dated 01/01/2027, in the future: logged as received" in result.stderr

"""``complaints note`` and ``complaints show``: exact output of a small synthetic case."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime

import pytest

from store.db.database import open_database
from store.db.models import CaseLink, Document, DocumentContent
from store.lifecycle.service import CaseService
from tests.test_cli import run

AT = "2026-11-20 09:00:00.000000"


@pytest.fixture
def case_db(tmp_path, config):
    path = tmp_path / "c.db"
    db = open_database(path, config)
    svc = CaseService(db, config, today=date(2026, 11, 22))
    ref = svc.log("statutory", date(2026, 11, 2), complainant="Alex Example", officer="Sam Patel",
                  summary="Late assessment")
    other = svc.log("concern", date(2026, 11, 3), complainant="Alex Example")
    svc.add_note(ref, "Rang to chase.\nPromised a reply.", kind="phone", direction="in", with_whom="Alex Example",
                 at=datetime(2026, 11, 4, 10, 15))
    with db.write() as session:  # another part of the case file writes these: here, rows as they would be
        doc = Document(case_id=1, name="letter.pdf", size=2048, media_type="application/pdf", sha256="ab" * 32,
                       added_by="tester", added_at=datetime(2026, 11, 5, 11, 0))
        session.add(doc)
        session.flush()
        session.add(DocumentContent(document_id=doc.id or 0, content=b"%PDF-1.4 synthetic"))
        session.add(CaseLink(case_id=1, other_id=2, linked_by="tester", linked_at=datetime(2026, 11, 6, 12, 0)))
    db.close()
    sqlite3.connect(path).execute(f"UPDATE event SET at = '{AT}'").connection.commit()
    return str(path), ref, other


def test_show_text_is_exact(case_db):
    path, ref, other = case_db
    result = run("show", ref, "--db", path)
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{ref} · Statutory Stage 1 · Acknowledgement due 04/11/2026 · 12 working days overdue\n"
        "\n"
        "Facts\n"
        "  Received      02/11/2026\n"
        "  Complainant   Alex Example\n"
        "  Officer       Sam Patel\n"
        "  Summary\n"
        "    Late assessment\n"
        "\n"
        "Stages (1)\n"
        "  Statutory Stage 1  requested 02/11/2026  due 16/11/2026\n"
        "\n"
        "Notes (1)\n"
        "  note 1  04/11/2026 10:15  phone call, in, with Alex Example  (by tester)\n"
        "    Rang to chase.\n"
        "    Promised a reply.\n"
        "\n"
        "Documents (1)\n"
        "  document 1  letter.pdf  2.0 KB  application/pdf  added 05/11/2026 11:00 by tester\n"
        f"    SHA-256 {'ab' * 32}\n"
        "\n"
        "Links (1)\n"
        f"  {other}  Concern  received 03/11/2026  (linked by tester on 06/11/2026)\n"
        "\n"
        "Learning actions (0)\n"
        "\n"
        "Audit trail (2)\n"
        "  20/11/2026 09:00  tester  logged kind: (none) -> Statutory\n"
        "  20/11/2026 09:00  tester  note added note 1: (none) -> Rang to chase.␊Promised a reply.\n"
    )


def test_show_json_has_the_whole_file(case_db):
    path, ref, other = case_db
    result = run("show", ref, "--db", path, "--format", "json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["reference"] == ref and record["clock"]["due"] == "2026-11-04"
    assert record["notes"][0]["text"] == "Rang to chase.\nPromised a reply."
    assert record["documents"][0]["sha256"] == "ab" * 32 and record["links"][0]["reference"] == other
    assert [e["action"] for e in record["audit_trail"]] == ["logged", "note added"]


def test_show_refuses_an_unknown_case(case_db):
    result = run("show", "CS-NOPE", "--db", case_db[0])
    assert result.exit_code == 1 and result.output == f"Error: no case has the reference 'CS-NOPE' in {case_db[0]}\n"


def test_note_adds_a_note_and_refuses_bad_input(case_db):
    path, ref, _ = case_db
    result = run("note", ref, "Emailed the\nStage 1 letter", "--kind", "email", "--direction", "out", "--with",
                 "Alex Example", "--date", "21/11/2026 16:05", "--db", path)
    assert (result.exit_code, result.output) == (0, f"{ref}: note 2 added to the contact log\n")
    row = sqlite3.connect(path).execute("SELECT kind, direction, with_whom, text, contact_at FROM note WHERE id = 2")
    assert row.fetchone() == ("email", "out", "Alex Example", "Emailed the\nStage 1 letter",
                              "2026-11-21 16:05:00.000000")
    result = run("note", ref, "x", "--date", "23/11/2026", "--db", path)
    assert result.exit_code == 1 and "future" in result.output
    result = run("note", ref, "x", "--date", "soon", "--db", path)
    assert result.exit_code == 1 and result.output.startswith("Error: --date: 'soon' is not a date and time")
    result = run("note", ref, "x", "--kind", "fax", "--db", path)
    assert result.exit_code == 1 and "kind of contact 'fax' is not one of" in result.output
    result = run("note", ref, "bad\x1b[2Jtext", "--db", path)
    assert result.exit_code == 1 and "U+001B" in result.output and "\x1b" not in result.output


def test_help_has_examples():
    for command in ("note", "show"):
        assert "Example: complaints " + command in run(command, "--help").output


def test_show_never_prints_a_raw_control_character(case_db):
    path, ref, _ = case_db
    conn = sqlite3.connect(path)  # text from before the rules (a legacy import): stored as it came
    conn.execute("UPDATE note SET text = 'evil \x1b[2J\x9b text\u202e', with_whom = 'A\x07B' WHERE id = 1")
    conn.execute("UPDATE document SET name = 'x\x1b]0;title\x07.pdf' WHERE id = 1")
    conn.commit()
    for fmt in ("text", "json"):
        result = run("show", ref, "--db", path, "--format", fmt)
        assert result.exit_code == 0, result.output
        assert not any(c in result.output for c in "\x1b\x07\x9b\u202e"), fmt
    assert "evil ␛[2J\\x9b text\\u202e" in run("show", ref, "--db", path).output
    assert json.loads(run("show", ref, "--db", path, "--format", "json").output)["notes"][0]["with_whom"] == "A\x07B"


def test_show_says_what_was_done_for_a_learning_action(tmp_path, config):
    """"You said, we did": a done action's note is in the case file, text and JSON (it was only in the history)."""
    path = tmp_path / "l.db"
    db = open_database(path, config)
    svc = CaseService(db, config, today=date(2026, 11, 22))
    ref = svc.log("statutory", date(2026, 11, 2), complainant="Alex Example")
    done = svc.add_action(ref, "Train the duty team", owner="Team manager", due=date(2026, 11, 30))
    svc.add_action(ref, "Review the leaflet")
    svc.complete_action(done, "Trained on 20 November\nCalls now returned in 2 days", date(2026, 11, 20),
                        reference=ref)
    db.close()
    text = run("show", ref, "--db", str(path)).output
    assert ("  action 1  done 20/11/2026  owner Team manager\n    Train the duty team\n"
            "    done: Trained on 20 November\n    done: Calls now returned in 2 days\n"
            "  action 2  open\n    Review the leaflet\n") in text
    actions = json.loads(run("show", ref, "--db", str(path), "--format", "json").output)["learning_actions"]
    assert [a["done_note"] for a in actions] == ["Trained on 20 November\nCalls now returned in 2 days", None]

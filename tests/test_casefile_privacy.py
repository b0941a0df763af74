"""The case file is personal data: exported whole for a subject access request (documents as files beside the
JSON), and gone, from the database file itself, when retention anonymises its case."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import stat
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from domain.config import Config
from store.db.database import open_database
from store.db.models import (
    CaseLink,
    Document,
    DocumentContent,
    MergeRecord,
    Note,
    PersistentReview,
    Person,
)
from store.housekeeping.privacy import Retention
from store.housekeeping.privacy_casefile import file_name
from store.lifecycle.service import CaseService
from tests.test_cli import run

TODAY = date(2026, 11, 22)
BOSS = Config(user="boss", managers=frozenset({"boss"}))
NOTE = "Quinn Example rang: the foster carer Wren Sample was not told"
BYTES = b"SYNTHETIC-LETTER-TO-QUINN-" * 2000  # 52 KB: overflow pages
MOVED = '{"person": {"name": "Quinn Exampel", "phone": "07700 900123"}}'


def _build(db, config) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Quinn Example's complaint of 2018 (closed) with a note, a document, a link, a merge and a review; a
    colleague's note on Bo Sample's open case that names Quinn. The two references."""
    svc = CaseService(db, config, today=TODAY)
    old = svc.log("statutory", date(2018, 3, 1), complainant="Quinn Example", complainant_id="Q1")
    svc.respond(old, "upheld", date(2018, 3, 14))
    svc.add_note(old, NOTE + "\nsecond line", kind="phone", direction="in", with_whom="Quinn Example",
                 at=datetime(2018, 3, 2, 9, 30))
    kept = svc.log("corporate", date(2026, 11, 16), complainant="Bo Sample")
    svc.add_note(kept, "Bo mentioned Quinn Example's complaint", at=datetime(2026, 11, 17, 10, 0))
    with db.write() as session:  # rows as the documents, links and merges helpers write them
        doc = Document(case_id=1, name="../letter\x1b.pdf", size=len(BYTES), media_type="application/pdf",
                       sha256=hashlib.sha256(BYTES).hexdigest(), added_by="tester", added_at=datetime(2018, 3, 3))
        session.add(doc)
        session.flush()
        session.add(DocumentContent(document_id=doc.id or 0, content=BYTES))
        session.add(CaseLink(case_id=1, other_id=2, linked_by="tester", linked_at=datetime(2026, 11, 17)))
        session.add(MergeRecord(kind="case", duplicate="CS-2018-00099", into_case_id=1, moved=MOVED,
                                merged_by="tester", merged_at=datetime(2018, 3, 4)))
        session.add(MergeRecord(kind="person", duplicate="7", into_person_id=1, moved=MOVED, merged_by="tester",
                                merged_at=datetime(2018, 3, 4)))
        session.add(PersistentReview(person_id=1, reviewed_on=date(2018, 9, 1), outcome="continue",
                                     note="Quinn Example still rings daily", reviewed_by="tester"))
        person = session.get(Person, 1)
        assert person is not None
        person.salutation, person.preferred_contact = "Dear Quinn", "phone"
    return old, kept


@pytest.fixture
def case_file(tmp_path, config):
    path = tmp_path / "p.db"
    db = open_database(path, config)
    old, kept = _build(db, config)
    db.close()
    return {"db": str(path), "old": old, "kept": kept}


def test_subject_access_exports_the_case_file_and_documents_beside_it(case_file, tmp_path):
    out = tmp_path / "sar" / "q.json"
    out.parent.mkdir()
    result = run("person", "Q1", "--export", str(out), "--db", case_file["db"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"and 1 document kept with their cases to {out.parent / 'q-documents'}"
    record = json.loads(out.read_text())
    [case] = record["cases"]
    assert [n["text"] for n in case["notes"]] == [NOTE + "\nsecond line"]
    [doc] = case["documents"]
    assert doc["sha256"] == hashlib.sha256(BYTES).hexdigest() and doc["bytes_match"] is True
    assert doc["file"] == "q-documents/1-letter_.pdf" and file_name(3, "..") == "3-document"
    written = out.parent / doc["file"]
    assert written.read_bytes() == BYTES
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(written.parent.stat().st_mode) == 0o700
    assert case["links"] == [{"reference": case_file["kept"], "linked_by": "tester",
                              "linked_at": "2026-11-17T00:00:00"}]
    assert [m["moved"] for m in case["merges"]] == [MOVED]
    person = record["person"]
    assert person["salutation"] == "Dear Quinn" and person["preferred_contact"] == "phone"
    assert [r["note"] for r in person["persistent_reviews"]] == ["Quinn Example still rings daily"]
    assert [m["duplicate"] for m in person["merges"]] == ["7"]
    elsewhere = [r for r in record["other_records"] if r["record"] == "note"]
    assert elsewhere == [{"names_them_as": "named in a case's note", "record": "note", "field": "text",
                          "reference": case_file["kept"], "text": "Bo mentioned Quinn Example's complaint"}]


def _file_bytes(db: str) -> bytes:
    """Everything in the database's files, free pages and all (what `strings` would read)."""
    return b"".join(Path(f"{db}{s}").read_bytes() for s in ("", "-wal") if Path(f"{db}{s}").exists())


def test_retention_removes_the_case_file_from_the_database_file(case_file):
    db_path = case_file["db"]
    before = _file_bytes(db_path)
    assert NOTE.encode() in before and BYTES[:100] in before and b"07700 900123" in before
    db = open_database(db_path, BOSS)
    done = Retention(db, BOSS, today=TODAY).apply(6)
    db.close()
    assert done.references == [case_file["old"]]
    text = _file_bytes(db_path)
    for gone in (NOTE.encode(), b"SYNTHETIC-LETTER-TO-QUINN", b"07700 900123", b"still rings daily", b"Dear Quinn",
                 b"Quinn Example rang"):
        assert gone not in text, gone
    assert b"Bo mentioned" in text  # a case retention keeps keeps its notes
    conn = sqlite3.connect(db_path)
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("note", "document", "document_content", "merge_record", "persistent_review")}
    assert counts == {"note": 1, "document": 0, "document_content": 0, "merge_record": 0, "persistent_review": 0}
    assert conn.execute("SELECT salutation, preferred_contact FROM person WHERE id = 1").fetchone() == (None, None)


def test_the_year_end_figures_never_read_the_case_file():
    root = Path(__file__).resolve().parent.parent
    for module in ("store/views/figures.py", "domain/figures.py", "domain/headlines.py"):
        source = (root / module).read_text(encoding="utf-8")
        for table in ("Note", "Document", "CaseLink", "MergeRecord", "PersistentReview", '"note"', "document"):
            assert table not in source, (module, table)


def test_retention_removes_the_case_file_on_both_databases(database_url):
    db = open_database(database_url, BOSS)
    try:
        old, kept = _build(db, BOSS)
        assert Retention(db, BOSS, today=TODAY).apply(6).references == [old]
        with db.read() as session:
            assert [n.text for n in session.exec(select(Note))] == ["Bo mentioned Quinn Example's complaint"]
            for model in (Document, DocumentContent, MergeRecord, PersistentReview):
                assert session.exec(select(model)).all() == [], model
            person = session.get(Person, 1)
            assert person is not None and (person.salutation, person.preferred_contact) == (None, None)
    finally:
        db.close()

"""`complaints copy` and the search index: the index's triggers set aside while the rows go in, the index built
once at the end in the copy's transaction, whole and the same as the source's; the triggers back afterwards,
and after a copy that failed; documents' bytes carried a bounded chunk at a time."""

from __future__ import annotations

import hashlib
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from domain.config import Config
from store.db import search_index
from store.db.database import Database, open_database
from store.housekeeping import copy as copying
from store.housekeeping.demo import generate
from store.lifecycle.service import CaseService
from store.views.search import search

TODAY = date(2026, 11, 22)
CONFIG = Config(user="tester")
EML = (b'From: "Ann Example" <ann@example.org>\r\nTo: complaints@council.example\r\n'
       b"Subject: Respite weekends cancelled\r\nDate: Mon, 16 Nov 2026 09:30:00 +0000\r\n"
       b"Content-Type: text/plain; charset=utf-8\r\n\r\nThe Kestrelwood unit cancelled three weekends.\r\n")


def _source(path: Path, cases: int = 200) -> tuple[str, str]:
    """A SQLite database of demo cases, and one case with a theme, a note and an email of words no other has."""
    db = open_database(path, CONFIG)
    try:
        generate(db, CONFIG, cases=cases, seed=7, today=TODAY)
        svc = CaseService(db, CONFIG, today=TODAY)
        first = svc.log("statutory", date(2026, 11, 2), complainant="Ottoline Quillfeather",
                        themes=["Drizzlewick delays", "Communication"], summary="Saltmarsh placement ended")
        svc.add_note(first, "Phoned about the Honeysuckle visit", kind="phone", with_whom="Ms Teasel")
        svc.attach(first, "complaint.eml", EML)
        second = svc.log("corporate", date(2026, 11, 3), complainant="Rowan Ashby")
    finally:
        db.close()
    return first, second


def _index(db: Database) -> list[tuple[object, ...]]:
    """Every row of the search index, by id; a case's themes as a sorted list (neither database orders them)."""
    sql = f"SELECT {'id' if not db.is_sqlite else 'rowid'}, case_id, {', '.join(search_index.COLUMNS)} FROM search_text"
    with db.engine.connect() as conn:
        rows = [list(r) for r in conn.execute(sa.text(sql))]
    themes = 2 + search_index.COLUMNS.index("themes")
    for row in rows:
        row[0], row[1] = int(row[0]), int(row[1])
        row[themes] = sorted(row[themes].split(", ")) if row[themes] else row[themes]
    return sorted(tuple(r) for r in rows)


def _triggers_on(db: Database) -> set[str]:
    """The search index's triggers in place and enabled."""
    with db.engine.connect() as conn:
        if db.is_sqlite:
            return set(conn.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                            "AND name LIKE 'search%'")).scalars())
        return set(conn.execute(sa.text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'O' "
                                        "AND tgname LIKE 'search%'")).scalars())


def _expected_triggers(db: Database) -> set[str]:
    return (set(search_index.SQLITE_TRIGGER_NAMES) if db.is_sqlite
            else {name for name, _, _ in search_index.POSTGRES_TRIGGERS()})


def _found(db: Database, text: str) -> list[tuple[str, list[str]]]:
    with db.dbapi() as connection:
        return [(h.reference, h.where) for h in search(connection, text, placeholder=db.placeholder)]


def test_the_copy_indexes_every_case_note_and_document_once_as_the_source_has_them(tmp_path, database_url):
    first, second = _source(tmp_path / "source.db")
    source, target = open_database(tmp_path / "source.db", CONFIG), open_database(database_url, CONFIG)
    try:
        report = copying.copy_database(source, target, CONFIG)
        assert report.mismatches == []
        copied = _index(target)
        assert copied == _index(source) and len(copied) == report.counts["case"] + report.counts["note"] + \
            report.counts["document"]
        assert _found(target, "honeysuckle") == [(first, ["note 1: Ms Teasel Phoned about the Honeysuckle visit"])]
        assert [r for r, _ in _found(target, "kestrelwood")] == [first]
        assert [r for r, _ in _found(target, "drizzlewick")] == [first]
        assert [r for r, _ in _found(target, "rowan ashby")] == [second]
        assert _triggers_on(target) == _expected_triggers(target)
        svc = CaseService(target, CONFIG, today=TODAY)  # and they keep the index current from here on
        svc.add_note(second, "Spoke to the Periwinkle team", kind="phone")
        third = svc.log("statutory", TODAY, complainant="Tamsin Gorsefield", themes=["Drizzlewick delays"])
        assert [r for r, _ in _found(target, "periwinkle")] == [second]
        assert [r for r, _ in _found(target, "gorsefield")] == [third]
        assert [r for r, _ in _found(target, "drizzlewick")] == [third, first]
    finally:
        source.close()
        target.close()


def test_on_postgresql_the_copy_writes_each_index_row_once(tmp_path, database_url):
    """Row by row, each case's themes would rewrite its row again (each one a DELETE and an INSERT): the
    server's own counts of the index's rows say whether the triggers ran."""
    if database_url.startswith("sqlite"):
        pytest.skip("the server's statistics are PostgreSQL's")
    _source(tmp_path / "source.db")
    source, target = open_database(tmp_path / "source.db", CONFIG), open_database(database_url, CONFIG)
    try:
        report = copying.copy_database(source, target, CONFIG)
        assert report.counts["case_theme"] > report.counts["case"] / 2  # enough themes to have rewritten rows
        rows = report.counts["case"] + report.counts["note"] + report.counts["document"]
    finally:
        source.close()
        target.close()  # its sessions end, and send their counts
    engine = sa.create_engine(database_url)
    try:
        for _ in range(100):
            with engine.connect() as conn:
                written = conn.execute(sa.text("SELECT n_tup_ins, n_tup_del FROM pg_stat_user_tables "
                                               "WHERE relname = 'search_text'")).one()
            if written[0] >= rows:
                break
            time.sleep(0.1)
        assert tuple(written) == (rows, 0)
    finally:
        engine.dispose()


def test_a_copy_that_fails_half_way_leaves_nothing_and_the_triggers_in_place(tmp_path, database_url):
    first, _ = _source(tmp_path / "source.db", cases=50)
    source, target = open_database(tmp_path / "source.db", CONFIG), open_database(database_url, CONFIG)

    def fail(table: str, _copied: int) -> None:
        if table == "note":
            raise KeyboardInterrupt

    try:
        with pytest.raises(KeyboardInterrupt):
            copying.copy_database(source, target, CONFIG, progress=fail)
        with target.engine.connect() as conn:
            assert conn.execute(sa.text('SELECT count(*) FROM "case"')).scalar() == 0
            assert conn.execute(sa.text("SELECT count(*) FROM search_text")).scalar() == 0
        assert _triggers_on(target) == _expected_triggers(target)
        assert copying.copy_database(source, target, CONFIG).mismatches == []  # and the next copy is whole
        assert _index(target) == _index(source)
        assert [r for r, _ in _found(target, "honeysuckle")] == [first]
    finally:
        source.close()
        target.close()


def test_the_triggers_are_off_only_inside_the_loads_transaction(database_url):
    db = open_database(database_url, CONFIG)
    try:
        with db.write_engine.begin() as conn:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            aside = search_index.TriggersAside(cursor, not db.is_sqlite)
            assert aside.aside  # the tests' server login owns the tables
            conn.execute(sa.text("INSERT INTO person (id, name, name_key, persistent, anonymised) "
                                 "VALUES (1, 'Ann Quillfeather', 'ann quillfeather', false, false)"))
            conn.execute(sa.text('INSERT INTO "case" (id, reference, kind, received, person_id, version) '
                                 "VALUES (1, 'CS-1', 'concern', '2024-05-02', 1, 1)"))
            assert conn.execute(sa.text("SELECT count(*) FROM search_text")).scalar() == 0  # no trigger ran
            aside.restore()
            assert conn.execute(sa.text("SELECT count(*) FROM search_text")).scalar() == 1  # built once
        assert _triggers_on(db) == _expected_triggers(db) and [r for r, _ in _found(db, "quillfeather")] == ["CS-1"]
        with pytest.raises(RuntimeError), db.write_engine.begin() as conn:
            search_index.TriggersAside(conn.connection.driver_connection.cursor(),  # type: ignore[union-attr]
                                       not db.is_sqlite)
            raise RuntimeError
        assert _triggers_on(db) == _expected_triggers(db)  # a rollback puts them back
    finally:
        db.close()


def test_documents_travel_a_bounded_chunk_at_a_time_and_arrive_whole(tmp_path, database_url, monkeypatch):
    path = tmp_path / "source.db"
    db = open_database(path, CONFIG)
    svc = CaseService(db, CONFIG, today=TODAY)
    reference = svc.log("statutory", date(2026, 11, 2), complainant="Ann Example")
    contents = [bytes([i]) * (100_000 + i) for i in range(5)]
    for i, content in enumerate(contents):
        svc.attach(reference, f"report-{i}.pdf", b"%PDF-1.4\n" + content)
    db.close()
    monkeypatch.setattr(copying, "CHUNK_BYTES", 250_000)  # a chunk: as many documents as reach 250 kB
    chunks: list[int] = []
    source, target = open_database(path, CONFIG), open_database(database_url, CONFIG)
    try:
        copying.copy_database(source, target, CONFIG,
                              progress=lambda table, n: chunks.append(n) if table == "document_content" else None)
        assert chunks == [3, 5]
        with target.engine.connect() as conn:
            kept = conn.execute(sa.text("SELECT content FROM document_content ORDER BY document_id")).scalars().all()
        assert [hashlib.sha256(bytes(k)).digest() for k in kept] == [
            hashlib.sha256(b"%PDF-1.4\n" + c).digest() for c in contents]
    finally:
        source.close()
        target.close()

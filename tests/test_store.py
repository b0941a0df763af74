"""Opening databases: creation, permissions, WAL, migrations, and the errors a user can act on."""

import os
import sqlite3
import stat
from datetime import date

import pytest
import sqlalchemy as sa

from domain.config import Config
from store.db import schema, search_index
from store.db.database import StoreError, open_database
from store.db.location import resolve_url


def test_first_use_creates_an_owner_only_wal_database(tmp_path, config):
    path = tmp_path / "sub" / "c.db"
    db = open_database(path, config)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert schema.current_revision(conn) == schema.HEAD
    db.close()


def test_revisions_constant_matches_the_migration_scripts():
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(schema.alembic_config())
    assert scripts.get_current_head() == schema.HEAD
    assert [s.revision for s in reversed(list(scripts.walk_revisions()))] == list(schema.REVISIONS)


def test_migrated_schema_matches_the_models(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    with db.engine.connect() as conn:
        def ours(name, type_, parent):  # type: ignore[no-untyped-def]  # the search index is the migration's alone
            return not (type_ == "table" and str(name).startswith(("search_text", "search_name")))

        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": ours})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_an_existing_database_is_kept_not_recreated(tmp_path, config, service):
    ref = service.log("statutory")
    service.db.close()
    again = open_database(service.db.path, config)
    with again.engine.connect() as conn:
        assert conn.execute(sa.text('SELECT reference FROM "case"')).scalar() == ref
    again.close()


def test_a_corrupt_file_gets_its_own_message(tmp_path, config):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a complaints database"):
        open_database(bad, config)


def test_a_database_from_a_newer_version_is_refused(tmp_path, config):
    path = tmp_path / "new.db"
    open_database(path, config).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match="newer version of complaints"):
        open_database(path, config)


def test_someone_elses_sqlite_file_is_refused(tmp_path, config):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER)")
    with pytest.raises(StoreError, match="not a complaints database"):
        open_database(path, config)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_an_unwritable_folder_gets_its_own_message(tmp_path, config):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(StoreError, match="not writable"):
        open_database(locked / "c.db", config)


def test_a_path_that_is_a_folder_is_refused(tmp_path, config):
    with pytest.raises(StoreError, match="is a folder"):
        open_database(tmp_path, config)


def test_urls_resolve_from_option_then_environment(tmp_path, monkeypatch):
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("COMPLAINTS_DB", str(tmp_path / "env.db"))
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    assert resolve_url(tmp_path / "x.db") == f"sqlite:///{tmp_path / 'x.db'}"


def test_changing_closure_days_recomputes_open_deadlines(tmp_path, service):
    from datetime import date

    from store.lifecycle.calendar_sync import sync_calendar
    from store.lifecycle.service import CaseService

    ref = service.log("statutory", date(2026, 11, 16))
    assert service.clock(ref).reading.deadline.due == date(2026, 11, 30)
    closed = Config(user="tester", closures=(date(2026, 11, 20),))
    assert sync_calendar(service.db, closed)
    with service.db.read() as s:
        from sqlmodel import select

        from store.db.models import Stage
        assert s.exec(select(Stage.due)).one() == date(2026, 12, 1)
    assert CaseService(service.db, closed, today=service.today()).clock(ref).reading.deadline.due == date(2026, 12, 1)


def test_a_database_at_an_older_schema_is_migrated_with_its_cases_intact(tmp_path, config):
    """A 0001 database (as the first release wrote it) gains 0002's indexes and keeps every row."""
    from store.db.database import Database, _sqlite_engine

    path = tmp_path / "old.db"
    url = resolve_url(path)
    old = Database(url, _sqlite_engine(url, immediate=False), _sqlite_engine(url, immediate=True))
    schema.upgrade(old, "0001")
    with old.write_engine.begin() as conn:
        conn.execute(sa.text('INSERT INTO "case" (reference, kind, received, version) '
                             "VALUES ('CS-2019-00001', 'statutory', '2019-05-01', 1)"))
        assert schema.current_revision(conn) == "0001"
    old.close()
    db = open_database(path, config)
    with db.engine.connect() as conn:
        assert schema.current_revision(conn) == schema.HEAD == "0009"
        assert conn.execute(sa.text('SELECT reference FROM "case"')).scalar() == "CS-2019-00001"
        indexes = {ix["name"] for ix in sa.inspect(conn).get_indexes("stage")}
        assert {"ix_stage_requested", "ix_stage_declined"} <= indexes
    db.close()


def test_a_database_of_the_case_file_release_with_stages_issues_and_a_stage_3_migrates_to_head(tmp_path, config):
    """0006 added columns to ``stage``: a batch that recreated the table failed on a real database (SQLite will not
    drop a table whose rows issues refer to), and a corporate Stage 3 begun before the Code's clocks had no rule."""
    from store.db.database import Database, _sqlite_engine
    from store.lifecycle.service import CaseService

    path = tmp_path / "0005.db"
    url = resolve_url(path)
    old = Database(url, _sqlite_engine(url, immediate=False), _sqlite_engine(url, immediate=True))
    schema.upgrade(old, "0005")
    with old.write_engine.begin() as conn:
        conn.execute(sa.text('INSERT INTO "case" (id, reference, kind, received, version) '
                             "VALUES (1, 'CC-2026-00001', 'corporate', '2026-05-04', 1)"))
        for number, requested, responded in ((1, "2026-05-04", "2026-05-20"), (2, "2026-06-01", "2026-07-10"),
                                             (3, "2026-07-20", None)):
            conn.execute(sa.text("INSERT INTO stage (id, case_id, procedure, number, round, requested, responded, "
                                 "late_request, paused_days, outcome_overridden, due) VALUES (:n, 1, 'corporate', :n, "
                                 "0, :r, :d, 0, 0, 0, :due)"),
                         {"n": number, "r": requested, "d": responded, "due": None if responded else "2026-08-17"})
        conn.execute(sa.text("INSERT INTO complaint_issue (stage_id, number, description) VALUES (2, 1, 'Delay')"))
    old.close()
    db = open_database(path, config)
    with db.engine.connect() as conn:
        assert schema.current_revision(conn) == schema.HEAD
        assert conn.execute(sa.text("SELECT count(*) FROM complaint_issue")).scalar() == 1
    clock = CaseService(db, config, today=date(2026, 11, 22)).clock("CC-2026-00001")
    assert clock.stage == "Corporate Stage 3" and clock.reading.deadline is not None  # the rules it began under
    db.close()


def test_a_database_of_the_search_release_gets_its_index_made_again_in_order_and_finds_what_it_held(tmp_path,
                                                                                                    config):
    """0009 makes SQLite's search index again in row id order (0007 had filled it a segment per case) with prefix
    indexes; what an 0008 database held is found, and the triggers keep new writes in it."""
    from store.db.database import Database, _sqlite_engine
    from store.views.search import search

    person = "INSERT INTO person (id, name, name_key, persistent, anonymised) VALUES (:id, :name, lower(:name), 0, 0)"
    case = ('INSERT INTO "case" (id, reference, kind, received, version, person_id) '
            "VALUES (:id, :ref, :kind, :day, 1, :id)")
    path = tmp_path / "0008.db"
    url = resolve_url(path)
    old = Database(url, _sqlite_engine(url, immediate=False), _sqlite_engine(url, immediate=True))
    schema.upgrade(old, "0008")
    with old.write_engine.begin() as conn:
        for n in range(1, 301):
            conn.execute(sa.text(person), {"id": n, "name": f"Zara Quennell{n}"})
            conn.execute(sa.text(case), {"id": n, "ref": f"CS-2026-{n:05d}", "kind": "statutory", "day": "2026-05-04"})
    with old.write_engine.begin() as conn:  # the index as 0007 built it for what a database held: out of order
        conn.execute(sa.text("DELETE FROM search_text"))
        conn.execute(sa.text("DELETE FROM search_name"))
        for sql in search_index.rebuild_statements(postgres=False)[2:]:
            conn.execute(sa.text(sql.replace(" ORDER BY c.id DESC", " ORDER BY c.id")))
        before = conn.execute(sa.text("SELECT count(*) FROM search_text_data")).scalar()
    old.close()
    db = open_database(path, config)
    with db.engine.begin() as conn:
        assert schema.current_revision(conn) == schema.HEAD
        assert conn.execute(sa.text("SELECT count(*) FROM search_text_data")).scalar() < before * 2  # + prefixes
        for table in ("search_text", "search_name"):
            assert search_index.PREFIX in conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = :t"),
                                                       {"t": table}).scalar()
        conn.execute(sa.text(person), {"id": 301, "name": "Quentin Zeal"})
        conn.execute(sa.text(case), {"id": 301, "ref": "CS-2026-00301", "kind": "statutory", "day": "2026-05-05"})
    with db.dbapi() as connection:
        assert [h.reference for h in search(connection, "Quennell300")] == ["CS-2026-00300"]
        assert [h.reference for h in search(connection, "zeal")] == ["CS-2026-00301"]
    db.close()

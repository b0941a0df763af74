"""New references and ids never collide: odd imported references, migrated databases, copies, and officers and
imports working at the same moment, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from domain.config import Config
from store.db import schema
from store.db.database import Database, open_database
from store.housekeeping.demo import generate
from store.lifecycle.service import CaseService
from tests.test_cli import run

TODAY = date(2026, 11, 22)
CFG = Config(user="tester")
ROOT = Path(__file__).resolve().parent.parent
ID_TABLES = ("case", "person", "stage", "event")


def write(path: Path, *lines: str) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def references(url: str) -> list[str]:
    db = open_database(url, CFG)
    try:
        with db.engine.connect() as conn:
            return list(conn.execute(sa.text('SELECT reference FROM "case" ORDER BY id')).scalars())
    finally:
        db.close()


def at_once(url: str, jobs: list[tuple[int, int, str]]) -> list[list[str]]:
    """Run ``tests.concurrency_worker`` processes (seed, count, mode), started together once all are ready."""
    open_database(url, CFG).close()  # created and migrated before, so the workers only work
    workers = [subprocess.Popen([sys.executable, "-m", "tests.concurrency_worker", url, str(seed), str(count), mode],
                                cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for seed, count, mode in jobs]
    try:
        for worker in workers:
            assert worker.stdout is not None and worker.stdout.readline() == "ready\n", worker.stderr
        for worker in workers:  # go, all together
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        results = []
        for worker in workers:
            out, err = worker.communicate(timeout=600)
            assert worker.returncode == 0, err[-3000:]  # an IntegrityError, a lock timeout: any failure fails here
            results.append(json.loads(out)["references"])
        return results
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


def test_a_sqlite_write_transaction_holds_the_write_lock_from_its_start(tmp_path):
    """What numbering on SQLite relies on: nobody else can write between a transaction's first read and its end."""
    path = tmp_path / "c.db"
    db = open_database(path, CFG)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with db.write() as session:
            session.connection()  # the transaction has begun, and read nothing yet
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()
        db.close()


def test_four_officers_logging_at_once_get_eighty_distinct_references(database_url):
    """4 processes x 20 new cases at the same moment: 80 cases, numbered 1 to 80 without a gap or a clash."""
    done = at_once(database_url, [(seed, 20, "log") for seed in range(4)])
    assert [len(refs) for refs in done] == [20, 20, 20, 20]
    made = [ref for refs in done for ref in refs]
    assert sorted(made) == [f"CS-2026-{n:05d}" for n in range(1, 81)]
    assert sorted(references(database_url)) == sorted(made)
    for refs in done:  # each officer's own cases in the order logged
        assert refs == sorted(refs)


def test_two_imports_and_two_officers_at_once_all_succeed(database_url, tmp_path):
    """Two registers imported while two officers log cases: every row lands, every id and reference once."""
    files, generated = [], {"CS-2026-": 40, "CC-2026-": 0, "CN-2026-": 0, "CP-2026-": 0}  # + the officers' cases
    for f in range(2):
        rows = ["reference,kind,received,complainant_id,complainant,themes,stage1_responded"]
        for n in range(150):
            reference = f"OWN/{f}/{n}" if n % 3 == 0 else ""  # a council's own scheme, and none (generated)
            kind = ("statutory", "corporate", "concern", "compliment")[n % 4]
            if not reference:
                generated[("CS-2026-", "CC-2026-", "CN-2026-", "CP-2026-")[n % 4]] += 1
            responded = "2026-11-20" if n % 2 and kind in ("statutory", "corporate") else ""
            rows.append(f"{reference},{kind},2026-10-{1 + n % 28:02d},P{f}-{n % 40},Person {f} {n % 40},"
                        f"Theme {n % 5},{responded}")
        files.append(write(tmp_path / f"register{f}.csv", *rows))
    done = at_once(database_url, [(0, 0, f"import:{files[0]}"), (1, 0, f"import:{files[1]}"),
                                  (2, 20, "log"), (3, 20, "log")])
    assert [len(refs) for refs in done] == [150, 150, 20, 20]
    made = [ref for refs in done for ref in refs]
    stored = references(database_url)
    assert len(stored) == len(set(stored)) == 340 and sorted(stored) == sorted(made)
    assert {ref for ref in made if ref.startswith("OWN/")} == {f"OWN/{f}/{n}" for f in range(2)
                                                               for n in range(0, 150, 3)}
    # every generated number of a kind and year taken once, from 1 up without a gap
    for prefix, count in generated.items():
        assert sorted(ref for ref in made if ref.startswith(prefix)) == [f"{prefix}{n:05d}"
                                                                          for n in range(1, count + 1)], prefix
    db = open_database(database_url, CFG)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM event WHERE action = 'imported'")).scalar() == 300
        assert conn.execute(sa.text("SELECT count(DISTINCT external_id) FROM person")).scalar() == 80
    db.close()


def test_odd_imported_references_never_block_numbering(database_url, tmp_path):
    register = write(tmp_path / "odd.csv", "reference,kind,received",
                     "CP-2026-ZZ,compliment,01/11/2026", "CS-2026-99999,statutory,02/11/2026",
                     "CS-2026-Z/17,statutory,02/11/2026", "CS-2026-00002,statutory,02/11/2026")
    assert run("import", register, "--db", database_url).exit_code == 0
    db = open_database(database_url, CFG)
    try:
        service = CaseService(db, CFG, today=TODAY)
        assert [service.log("compliment", date(2026, 11, 3)) for _ in range(2)] == ["CP-2026-00001", "CP-2026-00002"]
        assert [service.log("statutory", date(2026, 11, 3)) for _ in range(3)] == [  # 00002 is taken: skipped
            "CS-2026-00001", "CS-2026-00003", "CS-2026-00004"]
        assert service.log("statutory", date(2026, 11, 3), reference="CS-2026-00005") == "CS-2026-00005"
        assert service.log("statutory", date(2026, 11, 3)) == "CS-2026-00006"
    finally:
        db.close()
    more = write(tmp_path / "more.csv", "reference,kind,received",
                 ",statutory,04/11/2026", "CS-2026-00008,statutory,04/11/2026", ",statutory,04/11/2026",
                 ",compliment,04/11/2026")
    imported = run("import", more, "--db", database_url)
    assert imported.exit_code == 0 and "4 created" in imported.stdout, imported.output
    assert references(database_url)[-4:] == ["CS-2026-00007", "CS-2026-00008", "CS-2026-00009", "CP-2026-00003"]


def test_a_generated_reference_skips_the_references_further_down_the_file(database_url, tmp_path):
    """A row without a reference never takes one that a row of the same file gives, before or after it."""
    register = write(tmp_path / "mixed.csv", "reference,kind,received",
                     ",statutory,02/11/2026", "CS-2026-00001,statutory,02/11/2026", ",statutory,02/11/2026",
                     "CS-2026-00004,statutory,02/11/2026")
    imported = run("import", register, "--db", database_url)
    assert imported.exit_code == 0 and "4 created" in imported.stdout, imported.output
    assert references(database_url) == ["CS-2026-00002", "CS-2026-00001", "CS-2026-00003", "CS-2026-00004"]


def test_an_import_numbers_on_and_keeps_the_counters(tmp_path):
    path = str(tmp_path / "c.db")
    db = open_database(path, CFG)
    assert CaseService(db, CFG, today=TODAY).log("statutory", date(2026, 11, 2)) == "CS-2026-00001"
    db.close()
    register = write(tmp_path / "more.csv", "reference,kind,received", ",statutory,03/11/2026",
                     "CS-2026-00003,statutory,03/11/2026", ",statutory,03/11/2026", ",concern,03/11/2026")
    imported = run("import", register, "--db", path)
    assert imported.exit_code == 0 and "4 created" in imported.stdout, imported.output
    assert references(f"sqlite:///{path}")[1:] == ["CS-2026-00002", "CS-2026-00003", "CS-2026-00004",
                                                   "CN-2026-00001"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT prefix, last_number FROM reference_counter ORDER BY prefix").fetchall() == [
            ("CN-2026", 1), ("CS-2026", 4)]


def test_a_generated_reference_that_a_later_chunk_names_is_an_error_at_that_row(tmp_path):
    """Beyond the chunk being planned, the plan cannot look ahead: the clash is named, row and column."""
    from store.register.files import CHUNK

    rows = [f"X-{n},concern,02/11/2026" for n in range(CHUNK)]
    register = write(tmp_path / "late.csv", "reference,kind,received", ",statutory,02/11/2026", *rows,
                     "CS-2026-00001,statutory,02/11/2026")
    imported = run("import", register, "--db", str(tmp_path / "c.db"))
    assert imported.exit_code == 1
    assert imported.stderr.splitlines()[1:] == [
        f"  row {CHUNK + 3}, reference: 'CS-2026-00001' is the reference given to the new case of row 2, which "
        "had none: give that row a reference of its own"]


def test_a_migrated_database_numbers_on_from_the_references_it_holds(database_url):
    """A database written before reference counters: each kind and year carries on after its highest number
    (ids given without their sequence, as a hand-made load might, are passed too)."""
    if database_url.startswith("sqlite"):
        from store.db.database import _sqlite_engine

        old = Database(database_url, _sqlite_engine(database_url, immediate=False),
                       _sqlite_engine(database_url, immediate=True))
    else:
        engine = sa.create_engine(database_url)
        old = Database(database_url, engine, engine)
    schema.upgrade(old, "0002")
    with old.write_engine.begin() as conn:
        for n, reference in enumerate(("CS-2019-00007", "CS-2019-00003", "CS-2019-ZZ", "CP-2019-00010",
                                       "OWN/1", "CS-2019-" + "9" * 30, "CS-2020-00001"), start=1):
            conn.execute(sa.text('INSERT INTO "case" (id, reference, kind, received, version) '
                                 "VALUES (:id, :ref, 'statutory', '2019-05-01', 1)"), {"id": n, "ref": reference})
    old.close()
    db = open_database(database_url, CFG)
    try:
        service = CaseService(db, CFG, today=TODAY)
        assert service.log("statutory", date(2019, 6, 3)) == "CS-2019-00008"
        assert service.log("compliment", date(2019, 6, 3)) == "CP-2019-00011"
        assert service.log("concern", date(2019, 6, 3)) == "CN-2019-00001"
        assert service.log("statutory", date(2020, 6, 3)) == "CS-2020-00002"
        assert references(database_url)[7:] == ["CS-2019-00008", "CP-2019-00011", "CN-2019-00001", "CS-2020-00002"]
    finally:
        db.close()


def _top_ids(url: str) -> dict[str, int]:
    db = open_database(url, CFG)
    try:
        with db.engine.connect() as conn:
            return {t: conn.execute(sa.text(f'SELECT max(id) FROM "{t}"')).scalar() or 0 for t in ID_TABLES}
    finally:
        db.close()


def test_a_copy_carries_on_numbering_after_the_copied_ids_and_references(database_url, tmp_path):
    source = f"sqlite:///{tmp_path / 'source.db'}"
    db = open_database(source, CFG)
    generate(db, CFG, cases=300, seed=5, today=TODAY)
    db.close()
    last = max(int(ref[-5:]) for ref in references(source) if ref.startswith("CS-2026-"))
    copied = _top_ids(source)
    assert run("copy", "--db", source, "--to", database_url).exit_code == 0
    target = open_database(database_url, CFG)
    try:
        assert CaseService(target, CFG, today=TODAY).log("statutory", TODAY, complainant="New Person") == (
            f"CS-2026-{last + 1:05d}")
    finally:
        target.close()
    register = write(tmp_path / "new.csv", "kind,received,complainant,stage1_responded",
                     "statutory,2026-11-02,Another Person,2026-11-10")
    imported = run("import", register, "--db", database_url)
    assert imported.exit_code == 0 and "1 created" in imported.stdout, imported.output
    after = _top_ids(database_url)
    assert all(after[t] > copied[t] for t in ID_TABLES), (copied, after)
    assert references(database_url)[-1] == f"CS-2026-{last + 2:05d}"

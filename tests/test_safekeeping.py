"""Audit, corrections, backup and restore, subject access, retention; and imports that cannot half-happen."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.config import Config
from domain.year import FinancialYear
from store.db.database import open_database
from store.lifecycle.service import CaseService
from store.register.importer import ImportRefused, RegisterImport
from store.views.figures import year_figures
from tests.test_cli import run

TODAY = date(2026, 11, 22)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def boss(tmp_path):
    path = tmp_path / "boss.toml"
    path.write_text('[user]\nname = "boss"\n[roles]\nmanagers = ["boss"]\n')
    return str(path)


@pytest.fixture
def answered(tmp_path, config):
    """One statutory complaint received 2 Nov 2026 and answered 13 Nov."""
    path = tmp_path / "c.db"
    db = open_database(path, config)
    svc = CaseService(db, config, today=TODAY)
    ref = svc.log("statutory", date(2026, 11, 2), complainant="Alex Example", complainant_id="P1",
                  child_name="Sam Example", summary="Calls not returned")
    svc.respond(ref, "upheld", date(2026, 11, 13))
    db.close()
    return str(path), ref


def test_correcting_a_closed_stages_date_needs_a_manager_and_a_reason(answered, boss):
    db, ref = answered
    officer = run("correct", ref, "stage1_responded", "16/11/2026", "--db", db)
    assert officer.exit_code == 1
    assert officer.stderr == "Error: changing stage1 responded of a closed stage needs the manager role\n"
    no_reason = run("correct", ref, "stage1_responded", "16/11/2026", "--db", db, COMPLAINTS_CONFIG=boss)
    assert no_reason.stderr == "Error: changing stage1 responded of a closed stage needs a reason\n"
    done = run("correct", ref, "stage1_responded", "16/11/2026", "--db", db, "--reason", "letter posted late",
               COMPLAINTS_CONFIG=boss)
    assert done.exit_code == 0, done.output
    last = run("history", ref, "--db", db).stdout.splitlines()[-1]
    assert last.endswith("boss    date corrected stage1_responded: 13/11/2026 -> 16/11/2026  "
                         "(reason: letter posted late)")
    assert run("correct", ref, "stage2_responded", "2026-11-16", "--db", db).stderr == (
        f"Error: {ref} has no Stage 2\n")


def test_backup_is_consistent_while_in_use_and_restore_keeps_what_it_replaces(answered, tmp_path):
    db, ref = answered
    writer = sqlite3.connect(db)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute('UPDATE "case" SET summary = \'not yet committed\'')
    result = run("backup", str(tmp_path / "b.db"), "--db", db)
    writer.rollback()
    assert result.exit_code == 0 and result.stdout == f"Backed up to {tmp_path / 'b.db'}\n"
    assert (tmp_path / "b.db").stat().st_mode & 0o777 == 0o600
    copy = sqlite3.connect(tmp_path / "b.db")
    assert copy.execute('SELECT reference, summary FROM "case"').fetchall() == [(ref, "Calls not returned")]
    writer.execute('DELETE FROM event')
    writer.commit()
    refused = run("restore", str(tmp_path / "b.db"), "--db", db)
    assert refused.exit_code == 1 and "already exists: restoring would replace it. Run again with --force" in (
        refused.stderr)
    restored = run("restore", str(tmp_path / "b.db"), "--db", db, "--force")
    assert restored.exit_code == 0, restored.output
    kept = Path(restored.stdout.split("kept as ")[1].strip())
    assert sqlite3.connect(kept).execute("SELECT count(*) FROM event").fetchone()[0] == 0
    assert sqlite3.connect(db).execute("SELECT count(*) FROM event").fetchone()[0] > 0
    assert kept.stat().st_mode & 0o777 == 0o600 and Path(db).stat().st_mode & 0o777 == 0o600
    (tmp_path / "junk.db").write_bytes(b"junk" * 100)
    assert "is not a complaints database" in run("restore", str(tmp_path / "junk.db"), "--db", db, "--force").stderr


def test_backup_of_a_postgresql_database_points_to_pg_dump():
    result = run("backup", "--db", "postgresql://officer@db.example/complaints")
    assert result.exit_code == 1 and result.stderr == (
        "Error: postgresql+psycopg://officer@db.example/complaints is a PostgreSQL database: back it up with "
        "pg_dump / "
        "pg_restore (see 'For a team' in the README)\n")


def test_subject_access_export_holds_everything_about_one_person(answered, tmp_path):
    db, ref = answered
    out = tmp_path / "sar.json"
    result = run("person", "P1", "--export", str(out), "--db", db)
    assert result.exit_code == 0 and result.stdout == (
        f"Wrote 1 case held about this person to {out} (complainant: 1)\n")
    assert out.stat().st_mode & 0o777 == 0o600
    record = json.loads(out.read_text())
    assert record["person"]["name"] == "Alex Example"
    case = record["cases"][0]
    assert (case["reference"], case["child_name"], case["summary"]) == (ref, "Sam Example", "Calls not returned")
    assert [e["action"] for e in case["history"]][:2] == ["logged", "responded"]
    assert run("person", "Nobody Here", "--export", str(out), "--db", db).stderr == (
        "Error: no person has that complainant_id or name\n")


def test_retention_lists_then_anonymises_keeping_the_figures(answered, boss, config):
    db, ref = answered
    later = "2033-01-10"
    listed = run("retention", "--older-than", "6", "--db", db, "--today", later)
    assert listed.stdout.splitlines() == ["1 case closed before 10/01/2027 (1 person) would be anonymised:",
                                          f"  {ref}", "Run again with --apply to anonymise them (managers only)."]
    assert run("retention", "--older-than", "6", "--apply", "--db", db, "--today", later).stderr == (
        "Error: anonymising old cases needs the manager role\n")
    database = open_database(db, config)
    before = year_figures(database, config, FinancialYear(2026))
    applied = run("retention", "--older-than", "6", "--apply", "--db", db, "--today", later, COMPLAINTS_CONFIG=boss)
    assert applied.stdout == "Anonymised 1 case closed before 10/01/2027 (1 person).\n"
    after = year_figures(database, config, FinancialYear(2026))
    database.close()
    assert before.tables == after.tables
    dump = "\n".join(sqlite3.connect(db).iterdump())
    assert "Alex Example" not in dump and "Sam Example" not in dump and "Calls not returned" not in dump
    assert run("retention", "--older-than", "6", "--db", db, "--today", later).stdout.startswith("No cases")


# -- imports are all or nothing ---------------------------------------------------------------------

def _big_register(path: Path, rows: int) -> None:
    lines = ["reference,kind,received,complainant_id,complainant,themes,stage1_responded,stage1_outcome"]
    for i in range(rows):  # one in ten still open at Stage 1, so with a deadline worked out on import
        answer = f"{1 + i % 28:02d}/1{i % 2}/2024,not_upheld" if i % 10 else ","
        lines.append(f"K-{i:06d},statutory,{1 + i % 28:02d}/0{1 + i % 9}/2024,P{i % 5000},Person {i % 5000},"
                     f"Delays;Theme {i % 7},{answer}")
    path.write_text("\n".join(lines) + "\n")


def _snapshot(db: str) -> list[tuple]:
    """Each table's rows (how many, the last id) and the schema, indexes and all."""
    conn = sqlite3.connect(db)
    try:
        return [conn.execute(f'SELECT count(*), coalesce(max(id), 0) FROM "{t}"').fetchone()
                for t in ("case", "stage", "person", "event", "theme")] + [
            tuple(conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall())]
    finally:
        conn.close()


def _wait_for_no_process_reading(path: Path) -> None:
    """Wait (up to 10 s) until no process has ``path`` on its command line; fail if one stays (Linux only)."""
    for _ in range(100):
        if not (alive := _processes_reading(path)):
            return
        time.sleep(0.1)
    raise AssertionError(f"processes {alive} still run the killed import")


def _processes_reading(path: Path) -> list[str]:
    """The ids of processes with ``path`` on their command line (none where there is no /proc)."""
    needle, found = str(path).encode(), []
    for entry in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if needle in entry.read_bytes():
                found.append(entry.parent.name)
        except OSError:
            continue
    return found


def _has_open(pid: int, path: Path) -> bool:
    """Whether process ``pid`` has ``path`` open (Linux only)."""
    try:
        return any(Path(fd).resolve() == path.resolve() for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


@pytest.mark.parametrize("first", [False, True], ids=["in use", "first import"])
def test_killing_an_import_at_any_moment_leaves_the_database_as_it_was(tmp_path, config, first):
    """In use, and empty: a first import sets the indexes aside while writing (store.register.bulk.IndexesSetAside)."""
    pristine, db = tmp_path / "pristine.db", str(tmp_path / "k.db")
    database = open_database(pristine, config)
    if not first:
        CaseService(database, config, today=TODAY).log("statutory", date(2026, 1, 5), complainant="Kept Example")
    database.close()
    sqlite3.connect(pristine).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    before = _snapshot(str(pristine))
    register = tmp_path / "big.csv"
    _big_register(register, 20_000)
    env = {**os.environ, "COMPLAINTS_CONFIG": str(tmp_path / "none.toml"), "COMPLAINTS_TODAY": "2026-11-22"}
    command = [sys.executable, "-c", "import cli; cli.main()", "import", str(register), "--db", db]

    def fresh() -> None:
        for leftover in tmp_path.glob("k.db*"):
            leftover.unlink()
        shutil.copy(pristine, db)

    fresh()
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    full = time.perf_counter() - start
    imported = _snapshot(db)
    assert imported[0][0] == 20_000 + (not first) and imported[-1] == before[-1]  # the same indexes as before
    rng, kills = random.Random(7), 0
    for _ in range(12):
        fresh()
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, full * 0.8))  # from start-up, through checking, to the writing
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        _wait_for_no_process_reading(register)
        after = _snapshot(db)
        # all or nothing: as before, or (killed after its commit, or finished) exactly the whole import
        assert after in (before, imported), after
        assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert kills >= 4  # most runs are cut short; one that finishes first must have written everything


def test_a_ctrl_c_that_a_finalizer_swallowed_still_stops_the_import_at_its_next_step(tmp_path, config, monkeypatch):
    """Python raises KeyboardInterrupt wherever the main thread is; raised inside a finalizer the collector ran,
    it was printed as "Exception ignored" and lost, and the import carried on to the end (seen in CI as exit 0
    after Ctrl-C). The handler remembers it; the import's next step raises it again."""
    import cli

    db = tmp_path / "i.db"
    open_database(db, config).close()
    before = _snapshot(str(db))
    register = tmp_path / "big.csv"
    _big_register(register, 2_000)
    monkeypatch.setattr(cli, "INTERRUPTED", [True])  # pressed, and its KeyboardInterrupt lost
    result = run("import", str(register), "--db", str(db))
    assert (result.exit_code, result.output.splitlines()[-1]) == (130, "big.csv: interrupted; nothing was imported.")
    assert _snapshot(str(db)) == before


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see when the import has started")
def test_ctrl_c_during_an_import_says_nothing_was_imported(tmp_path, config):
    db = tmp_path / "i.db"
    open_database(db, config).close()
    before = _snapshot(str(db))
    register = tmp_path / "big.csv"
    _big_register(register, 40_000)
    env = {**os.environ, "COMPLAINTS_CONFIG": str(tmp_path / "none.toml"), "COMPLAINTS_TODAY": "2026-11-22"}
    proc = subprocess.Popen([sys.executable, "-c", "import cli; cli.main()", "import", str(register), "--db", str(db)],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(500):  # until the import has the file open: the database is open by then
        if proc.poll() is not None or _has_open(proc.pid, register):
            break
        time.sleep(0.01)
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert (proc.returncode, err.strip().splitlines()[-1]) == (130, "big.csv: interrupted; nothing was imported.")
    _wait_for_no_process_reading(register)
    assert _snapshot(str(db)) == before


CELLS = {
    "kind": st.sampled_from(["statutory", "corporate", "concern", "compliment", "Statutory", "complaint", ""]),
    "received": st.one_of(st.dates(date(2015, 1, 1), date(2027, 12, 31)).map(lambda d: d.strftime("%d/%m/%Y")),
                          st.sampled_from(["31/02/2024", "2024-02-30", "12/31/2024", "", "soon"])),
    "stage1_responded": st.one_of(st.dates(date(2015, 1, 1), date(2026, 12, 31)).map(str), st.just("")),
    "stage1_outcome": st.sampled_from(["", "upheld", "not_upheld", "partly", "withdrawn"]),
    "stage2_requested": st.one_of(st.dates(date(2015, 1, 1), date(2026, 12, 31)).map(str), st.just("")),
    "stage2_cost": st.sampled_from(["", "£4,017.98", "100", "1,2", "-3", "£"]),
    "themes": st.sampled_from(["", "Delays", "Delays;Placement", ";;"]),
    "complainant": st.text(alphabet="abc ,'\"\n;", max_size=12),
}


@st.composite
def valid_rows(draw: st.DrawFn) -> dict[str, str]:
    """A row that keeps every rule: a real kind, dates in order and in the past, money that is money."""
    kind = draw(st.sampled_from(["statutory", "corporate", "concern", "compliment"]))
    received = draw(st.dates(date(2015, 1, 1), date(2026, 6, 30)))
    complaint = kind in ("statutory", "corporate")
    responded = received + timedelta(days=draw(st.integers(0, 60))) if complaint and draw(st.booleans()) else None
    escalated = responded is not None and draw(st.booleans())
    return {"kind": kind, "received": received.strftime(draw(st.sampled_from(["%d/%m/%Y", "%Y-%m-%d"]))),
            "stage1_responded": str(responded or ""),
            "stage1_outcome": draw(st.sampled_from(["upheld", "not_upheld"])) if responded else "",
            "stage2_requested": str(responded + timedelta(days=5)) if escalated and responded else "",
            "stage2_cost": draw(st.sampled_from(["", "£4,017.98", "100"])) if escalated else "",
            "themes": draw(CELLS["themes"]), "complainant": draw(CELLS["complainant"])}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.lists(valid_rows(), min_size=1, max_size=6),
                 st.lists(st.one_of(valid_rows(), st.fixed_dictionaries(CELLS)), min_size=1, max_size=6)))
def test_generated_registers_import_whole_or_not_at_all_and_never_crash(tmp_path_factory, rows):
    import csv

    folder = tmp_path_factory.mktemp("hyp")
    path = folder / "reg.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(list(CELLS))
        writer.writerows([list(r.values()) for r in rows])
    cfg = Config(user="tester")
    db = open_database(folder / "h.db", cfg)
    before = _snapshot(str(folder / "h.db"))
    try:
        result = RegisterImport(db, cfg, today=TODAY).import_file(path)
        assert len(result.created) == len(rows)
        after = _snapshot(str(folder / "h.db"))
        assert after[0][0] == len(rows) and after[-1] == before[-1]  # the indexes set aside are back
    except ImportRefused as refused:
        assert refused.errors and all(e.row >= 1 and e.column for e in refused.errors)
        assert _snapshot(str(folder / "h.db")) == before
    finally:
        db.close()


def test_deleting_a_case_needs_a_manager_and_a_reason_and_leaves_one_event(answered, boss, config):
    db, ref = answered
    officer = run("delete", ref, "--reason", "duplicate", "--db", db)
    assert officer.exit_code == 1 and officer.stderr == "Error: deleting a case needs the manager role\n"
    no_reason = run("delete", ref, "--db", db, COMPLAINTS_CONFIG=boss)
    assert no_reason.stderr == "Error: deleting a case needs a reason\n"
    database = open_database(db, config)
    svc = CaseService(database, config, today=TODAY)
    kept = svc.log("statutory", date(2026, 11, 3), complainant="Alex Example", complainant_id="P1")
    other = svc.log("corporate", date(2026, 11, 4), complainant="Bo Sample")
    database.close()
    done = run("delete", other, "--reason", "entered twice", "--db", db, COMPLAINTS_CONFIG=boss)
    assert done.stdout == f"{other} deleted (the audit trail keeps who, when and why)\n"
    history = run("history", other, "--db", db).stdout.splitlines()
    assert history[0] == f"{other}: 1 event"
    assert history[1].endswith(f"boss  deleted {other}  (reason: entered twice)")
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM person WHERE name = 'Bo Sample'").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM event WHERE new LIKE '%Bo Sample%' OR old LIKE '%Bo Sample%'"
                        ).fetchone() == (0,)
    assert conn.execute("SELECT reference FROM \"case\" ORDER BY reference").fetchall() == [(ref,), (kept,)]
    conn.close()
    run("delete", ref, "--reason", "wrong person", "--db", db, COMPLAINTS_CONFIG=boss)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM person WHERE name = 'Alex Example'").fetchone() == (1,)  # kept's
    assert conn.execute("SELECT count(*) FROM stage").fetchone() == (1,)
    conn.close()
    assert run("delete", "CS-1999-00001", "--reason", "x", "--db", db, COMPLAINTS_CONFIG=boss).stderr == (
        f"Error: no case has the reference 'CS-1999-00001' in {db}\n")

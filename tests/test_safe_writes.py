"""Restore, backup and long writes (issue 13 §3): killed at any moment, a restore leaves the old database or the
new one, whole, and a backup no partial copy; a restore reaches whoever has the database open; after demo data
and imports the .db file alone is complete; a write that meets a busy database waits, then says so plainly
(the TUI's form still open with what was typed, the CLI with a message and a non-zero exit); no database error
closes the TUI, and after a fatal error its exit code is not zero."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from domain.config import Config
from store.db.database import open_database
from store.db.location import resolve_url, sqlite_path
from store.housekeeping.demo import generate
from store.lifecycle.service import CaseService
from tests.test_cli import run
from tests.test_safekeeping import _snapshot
from tests.tui_helpers import settle
from tui.app import create_app
from tui.case_screen import CaseScreen
from tui.form import FormScreen

TODAY = date(2026, 11, 22)
CONFIG = Config(user="tester")
ROOT = Path(__file__).resolve().parent.parent
BUSY = "the database is busy: another user or command is writing; try again"
BUSY_LINE = f"Error: {BUSY}\n"


@pytest.fixture
def short_wait(monkeypatch):
    """A busy database is waited for a tenth of a second here, not thirty."""
    monkeypatch.setattr("store.db.database.BUSY_TIMEOUT_MS", 100)


def _log(url_or_path, *names: str) -> list[str]:
    db = open_database(url_or_path, CONFIG)
    try:
        service = CaseService(db, CONFIG, today=TODAY)
        return [service.log("statutory", date(2026, 11, 2), complainant=name) for name in names]
    finally:
        db.close()


def _names(path: Path) -> set[str]:
    """The complainants of the cases in the database file, read by a connection of its own."""
    conn = sqlite3.connect(path)
    try:
        return {n for (n,) in conn.execute('SELECT p.name FROM "case" c JOIN person p ON p.id = c.person_id')}
    finally:
        conn.close()


def _checkpointed(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


# -- killed at any moment ---------------------------------------------------------------------------

def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "import cli; cli.main()", *args]


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "COMPLAINTS_CONFIG": str(tmp_path / "none.toml"), "COMPLAINTS_TODAY": "2026-11-22"}


def _wait_for_work(proc: subprocess.Popen, folder: Path, before: set[str]) -> float:
    """When the command first made a file in ``folder`` (its copying has begun), or ended."""
    while proc.poll() is None and not set(os.listdir(folder)) - before:
        time.sleep(0.001)
    return time.perf_counter()


def _kill_while_working(command: list[str], env: dict[str, str], folder: Path, fresh: Callable[[], None],
                        check: Callable[[], None], runs: int = 12) -> int:
    """Run ``command`` once whole, to time its work, then ``runs`` times killed (SIGKILL) at a random moment of
    that work, from its first file in ``folder`` to its end; ``check`` after each. How many were killed."""
    fresh()
    before = set(os.listdir(folder))
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = _wait_for_work(proc, folder, before)
    assert proc.wait() == 0
    work = time.perf_counter() - started
    check()
    rng, kills = random.Random(13), 0
    for _ in range(runs):
        fresh()
        before = set(os.listdir(folder))
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_work(proc, folder, before)
        time.sleep(rng.uniform(0, work))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        check()
    return kills


@pytest.fixture
def big(tmp_path) -> tuple[Path, Path]:
    """A database of a few megabytes and, in a folder of its own, a backup of it from before one more case."""
    path = tmp_path / "big.db"
    db = open_database(path, CONFIG)
    generate(db, CONFIG, cases=6000, seed=3, today=TODAY)
    db.close()
    backups = tmp_path / "backups"
    backups.mkdir()
    shutil.copy(path, backups / "before.db")
    _log(path, "One More Example")
    _checkpointed(path)
    return path, backups / "before.db"


def test_a_restore_killed_at_any_moment_leaves_the_old_database_or_the_new_whole(tmp_path, big):
    pristine, backup = big
    work = tmp_path / "work"
    work.mkdir()
    db = work / "k.db"
    old, new = _snapshot(str(pristine)), _snapshot(str(backup))
    assert old != new

    def fresh() -> None:
        for leftover in work.iterdir():
            leftover.unlink()
        shutil.copy(pristine, db)

    def check() -> None:
        assert _snapshot(str(db)) in (old, new)
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.close()
        for kept in work.glob("k.db.replaced-*"):  # what was replaced, kept whole, or not at all
            if ".partial" not in kept.name:  # a copy cut short keeps its temporary name (and its -journal)
                assert _snapshot(str(kept)) == old, kept

    kills = _kill_while_working(_cli("restore", str(backup), "--db", str(db), "--force"), _env(tmp_path), work,
                                fresh, check)
    assert kills >= 4  # most runs are cut short; one that finishes first must have done it whole


def test_a_backup_killed_at_any_moment_leaves_no_partial_copy_under_its_name(tmp_path, big):
    db, _ = big
    out = tmp_path / "out"
    out.mkdir()
    target = out / "copy.db"
    whole = _snapshot(str(db))

    def fresh() -> None:
        for leftover in out.iterdir():
            leftover.unlink()

    def check() -> None:
        if target.exists():
            assert _snapshot(str(target)) == whole
        for file in out.iterdir():
            assert file.stat().st_mode & 0o777 == 0o600, file

    kills = _kill_while_working(_cli("backup", str(target), "--db", str(db)), _env(tmp_path), out, fresh, check)
    assert kills >= 4  # most runs are cut short; one that finishes first must have done it whole


# -- a restore while the database is open elsewhere ---------------------------------------------------

def test_a_restore_reaches_whoever_has_the_database_open(tmp_path):
    path = tmp_path / "c.db"
    db = open_database(path, CONFIG)  # open all along, as an officer's TUI is
    service = CaseService(db, CONFIG, today=TODAY)
    try:
        service.log("statutory", date(2026, 11, 2), complainant="Before Backup")
        assert run("backup", str(tmp_path / "b.db"), "--db", str(path)).exit_code == 0
        service.log("statutory", date(2026, 11, 3), complainant="After Backup")
        restored = run("restore", str(tmp_path / "b.db"), "--db", str(path), "--force")
        assert restored.exit_code == 0, restored.output
        kept = Path(restored.stdout.split("kept as ")[1].strip())
        reference = service.log("statutory", date(2026, 11, 4), complainant="After Restore")
        with db.dbapi() as connection:  # read back where it was written
            assert connection.execute('SELECT count(*) FROM "case" WHERE reference = ?', (reference,)).fetchone() == (
                1,)
    finally:
        db.close()
    assert _names(path) == {"Before Backup", "After Restore"}
    assert _names(kept) == {"Before Backup", "After Backup"}


def test_a_save_just_before_a_restore_is_in_the_copy_kept_aside(tmp_path, monkeypatch):
    """Someone saves after the replaced database was copied aside, before the restore takes the lock: the copy is
    taken again, so the kept database is exactly the one replaced."""
    import store.housekeeping.backup

    path = tmp_path / "c.db"
    _log(path, "Before Backup")
    assert run("backup", str(tmp_path / "b.db"), "--db", str(path)).exit_code == 0
    copy, kept_copies = store.housekeeping.backup._copy, []

    def copy_then_someone_saves(source, target):  # type: ignore[no-untyped-def]
        copy(source, target)
        if ".replaced-" in target.name:
            kept_copies.append(target)
            if len(kept_copies) == 1:
                _log(path, "Saved In Between")

    monkeypatch.setattr(store.housekeeping.backup, "_copy", copy_then_someone_saves)
    restored = run("restore", str(tmp_path / "b.db"), "--db", str(path), "--force")
    assert restored.exit_code == 0, restored.output
    kept = Path(restored.stdout.split("kept as ")[1].strip())
    assert _names(kept) == {"Before Backup", "Saved In Between"} and _names(path) == {"Before Backup"}
    assert len(kept_copies) == 2


async def test_a_save_in_a_tui_open_during_a_restore_is_in_the_restored_database(tmp_path):
    path = tmp_path / "c.db"
    _log(path, "Before Backup")
    assert run("backup", str(tmp_path / "b.db"), "--db", str(path)).exit_code == 0
    _log(path, "After Backup")
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)

    async def log(name: str) -> None:
        await pilot.press("n")
        await settle(app, pilot)
        app.screen.query_one("#field-kind").value = "statutory"
        app.screen.query_one("#field-complainant").value = name
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen)
        assert [n.message for n in app._notifications][-1].startswith("Logged ")

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await log("Saved Before Restore")
        restored = run("restore", str(tmp_path / "b.db"), "--db", str(path), "--force")
        assert restored.exit_code == 0, restored.output
        await log("Saved After Restore")
    assert _names(path) == {"Before Backup", "Saved After Restore"}
    kept = Path(restored.stdout.split("kept as ")[1].strip())
    assert _names(kept) == {"Before Backup", "After Backup", "Saved Before Restore"}


# -- the .db file alone is complete after demo data and imports ----------------------------------------

def _cases_in_the_file_alone(path: Path, tmp_path: Path) -> int | None:
    """How many cases a copy of the .db file alone (no -wal beside it) holds; None if it holds no database."""
    alone = tmp_path / "alone" / "copy.db"
    alone.parent.mkdir(exist_ok=True)
    alone.unlink(missing_ok=True)
    shutil.copyfile(path, alone)
    conn = sqlite3.connect(alone)
    try:
        return int(conn.execute('SELECT count(*) FROM "case"').fetchone()[0])
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()


def test_after_demo_data_and_an_import_the_db_file_alone_holds_every_case(tmp_path):
    path = tmp_path / "c.db"
    open_database(path, CONFIG).close()
    elsewhere = sqlite3.connect(path)  # someone has it open: the last to close it is not the command
    assert elsewhere.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    try:
        assert run("demo", "--cases", "40", "--db", str(path)).exit_code == 0
        assert _cases_in_the_file_alone(path, tmp_path) == 40
        register = tmp_path / "reg.csv"
        register.write_text("reference,kind,received,complainant\n" + "".join(
            f"IMP-{i:03d},statutory,0{1 + i % 9}/10/2026,Imported {i}\n" for i in range(25)))
        imported = run("import", str(register), "--db", str(path))
        assert imported.exit_code == 0, imported.output
        assert _cases_in_the_file_alone(path, tmp_path) == 65
    finally:
        elsewhere.close()


# -- a write that meets a busy database ---------------------------------------------------------------

@contextmanager
def write_lock(url: str) -> Iterator[Callable[[], None]]:
    """Another connection holding the write lock (SQLite's BEGIN IMMEDIATE; on PostgreSQL, the tables locked
    against writers) until the release it yields is called. A PostgreSQL holder lets go by itself after 20 s,
    so code that waits for ever fails the test instead of hanging it."""
    path = sqlite_path(url)
    if path is not None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn.rollback
        finally:
            conn.close()
        return
    engine = sa.create_engine(url)
    holder = engine.connect()
    holder.exec_driver_sql("SET idle_in_transaction_session_timeout = '20s'")
    holder.exec_driver_sql('LOCK TABLE "case", stage, person, event IN EXCLUSIVE MODE')
    try:
        yield holder.rollback
    finally:
        holder.close()
        engine.dispose()


@pytest.fixture
def boss(tmp_path) -> str:
    path = tmp_path / "boss.toml"
    path.write_text('[user]\nname = "boss"\n[roles]\nmanagers = ["boss"]\n')
    return str(path)


@pytest.mark.parametrize("command", ["correct", "delete", "import", "demo", "restore"])
def test_a_cli_write_that_meets_a_busy_database_waits_then_says_so(tmp_path, short_wait, boss, command):
    path = tmp_path / "c.db"
    env = {"COMPLAINTS_CONFIG": boss}
    if command == "demo":
        open_database(path, CONFIG).close()
        args = ["demo", "--cases", "5"]
    else:
        reference = _log(path, "Kept Example")[0]
        args = {"correct": ["correct", reference, "received", "03/11/2026"],
                "delete": ["delete", reference, "--reason", "entered twice"],
                "import": ["import", str(tmp_path / "reg.csv")],
                "restore": ["restore", str(tmp_path / "b.db"), "--force"]}[command]
        (tmp_path / "reg.csv").write_text("reference,kind,received,complainant\nIMP-1,statutory,01/10/2026,Im Port\n")
        assert run("backup", str(tmp_path / "b.db"), "--db", str(path)).exit_code == 0
    before = _snapshot(str(path))
    with write_lock(resolve_url(path)) as release:
        busy = run(*args, "--db", str(path), **env)
        assert (busy.exit_code, busy.stdout, busy.stderr) == (1, "", BUSY_LINE)
        release()
    assert _snapshot(str(path)) == before
    assert not list(tmp_path.glob("c.db.replaced-*"))  # a restore that did not happen keeps nothing aside
    done = run(*args, "--db", str(path), **env)
    assert done.exit_code == 0, done.output


def test_a_cli_write_that_meets_a_locked_table_on_either_database_says_so(database_url, short_wait):
    reference = _log(database_url, "Kept Example")[0]
    with write_lock(database_url) as release:
        busy = run("correct", reference, "received", "03/11/2026", "--db", database_url)
        assert (busy.exit_code, busy.stderr) == (1, BUSY_LINE)
        release()
    done = run("correct", reference, "received", "03/11/2026", "--db", database_url)
    assert done.exit_code == 0, done.output


async def test_a_tui_save_that_meets_a_busy_database_keeps_the_form_then_saves(database_url, short_wait):
    _log(database_url, "Kept Example")
    app = create_app(database_url, config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        typed = {"kind": "statutory", "complainant": "Robin Example", "summary": "Letters unanswered"}
        for name, value in typed.items():
            form.query_one(f"#field-{name}").value = value
        with write_lock(database_url) as release:
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert app.is_running and app.screen is form
            assert str(form.query_one("#form-error").render()) == BUSY
            assert {name: form.query_one(f"#field-{name}").value for name in typed} == typed
            release()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FormScreen)
    assert app.return_code in (None, 0)
    db = open_database(database_url, CONFIG)
    try:
        with db.dbapi() as connection:
            cursor = connection.cursor()
            cursor.execute("SELECT count(*) FROM person WHERE name = 'Robin Example'")
            assert cursor.fetchone()[0] == 1
    finally:
        db.close()


async def test_no_database_error_closes_the_tui(tmp_path, monkeypatch):
    """A worker's failure is shown (by kind only: a driver's message can quote personal data) and the app
    carries on; the same step works once the database does."""
    import store.views.case

    monkeypatch.delenv("COMPLAINTS_DEBUG", raising=False)
    path = tmp_path / "c.db"
    _log(path, "Robin Example")
    works = store.views.case.case_detail

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise sa.exc.OperationalError("SELECT * FROM person WHERE name = ?", ("Robin Example",),
                                      sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(store.views.case, "case_detail", failing)
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.is_running and not isinstance(app.screen, CaseScreen)
        shown = [n.message for n in app._notifications]
        assert shown[-1] == ("unexpected OperationalError; nothing more was saved, and complaints carries on "
                             "(COMPLAINTS_DEBUG=1 shows the details)")
        assert not any("Robin" in message for message in shown)
        monkeypatch.setattr(store.views.case, "case_detail", works)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
    assert app.return_code in (None, 0)


def test_after_a_fatal_error_the_tuis_exit_code_is_not_zero(tmp_path, monkeypatch):
    from textual.app import App

    from tui.app import ComplaintsApp

    monkeypatch.delenv("COMPLAINTS_DEBUG", raising=False)
    path = tmp_path / "c.db"
    _log(path, "Robin Example")

    def broken(self) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("Robin Example")

    monkeypatch.setattr(ComplaintsApp, "on_mount", broken)
    monkeypatch.setattr(ComplaintsApp, "run", lambda self: App.run(self, headless=True))
    result = run("--db", str(path))
    assert result.exit_code == 1
    assert "complaints stopped after an unexpected error (RuntimeError)" in result.stderr
    assert "Robin" not in result.output


def _register_rows(stop_after: int) -> Iterator[dict[str, str]]:
    """Register rows, then Ctrl-C (KeyboardInterrupt) as the officer presses it mid-export."""
    from domain.register import COLUMNS

    for n in range(stop_after):
        yield {column: "" for column in COLUMNS} | {"reference": f"CS-2026-{n:05d}", "kind": "statutory",
                                                     "received": "2026-04-01"}
    raise KeyboardInterrupt


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_interrupted_register_export_leaves_the_old_file_as_it_was_and_nothing_half_written(tmp_path, suffix):
    """Ctrl-C mid-export: the file already there is untouched (it was cut short), no partial file stays, and
    the workbook's stream is closed there and then (at exit it printed 'Exception ignored ... closed file')."""
    import gc

    from store.register.files import write_register

    out = tmp_path / f"register{suffix}"
    out.write_bytes(b"the export of last week")
    unraisable: list[object] = []
    hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        with pytest.raises(KeyboardInterrupt):
            write_register(out, _register_rows(500))
        gc.collect()
    finally:
        sys.unraisablehook = hook
    assert unraisable == []
    assert out.read_bytes() == b"the export of last week"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]
    assert write_register(out, iter([])) == 0  # and written whole, owner-only, when not interrupted
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_ctrl_c_during_a_register_export_says_nothing_was_written(tmp_path, monkeypatch):
    import store.register.files

    def interrupted(path: Path, rows: object) -> int:
        raise KeyboardInterrupt

    db = tmp_path / "c.db"
    assert run("demo", "--cases", "20", "--db", str(db)).exit_code == 0
    monkeypatch.setattr(store.register.files, "write_register", interrupted)
    result = run("export", "--register", "--db", str(db), "--output", str(tmp_path / "r.csv"))
    assert result.exit_code == 130
    assert "r.csv: interrupted; nothing was written." in result.output

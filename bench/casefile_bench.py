"""The case file at scale, measured as an officer meets it (issue 16's performance targets).

`python bench/run.py --only casefile` runs these rows:
- a case with 200 notes and 50 documents (20 MB in all) inside the 1,000,000-case demo: Enter on it to the case
  screen painted, p95 of 20, through the real terminal (bench/term_bench.py), beside a case with nothing attached;
- attaching a 20 MB file never blocks the screen: while the attach runs in its worker, Escape to the caseload
  painted, beside the same key with nothing running;
- `complaints backup`, and `complaints copy` to a throwaway PostgreSQL server, of a 100,000-case database holding
  10,000 documents (about 200 MB), each checked afterwards (documents counted at both ends).

The big databases are copies of the cached demos in bench/data/ with the case file added; the copies are deleted.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import term_bench as tb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOTES, DOCUMENTS, DOCUMENT_BYTES = 200, 50, 400 * 1024  # 50 x 400 KiB = 20 MB
BACKUP_DOCUMENTS, BACKUP_BYTES = 10_000, 20 * 1024


def open_reference(db: str, skip: int = 0) -> str:
    """An open case of the database (its newest but ``skip``)."""
    with sqlite3.connect(db) as conn:
        row = conn.execute('SELECT reference FROM "case" WHERE closed IS NULL ORDER BY id DESC LIMIT 1 OFFSET ?',
                           (skip,)).fetchone()
    return str(row[0])


def fill_case_file(db: str, reference: str) -> None:
    """200 notes and 50 documents of 400 KiB on ``reference``, through the service as the TUI and CLI write them."""
    from domain.config import Config
    from store.db.database import open_database
    from store.lifecycle.service import CaseService

    config = Config(user="bench")
    database = open_database(db, config)
    try:
        service = CaseService(database, config, today=date(2026, 11, 22))
        began = datetime(2026, 6, 1, 9, 0)
        for i in range(NOTES):
            service.add_note(reference, f"Call {i}: spoke to the complainant about the visit arrangements.\n" * 3,
                             kind="phone", direction="in", with_whom="Complainant", at=began + timedelta(hours=i))
        for i in range(DOCUMENTS):
            service.attach(reference, f"report-{i:02d}.pdf", b"%PDF-1.4\n" + os.urandom(DOCUMENT_BYTES - 9))
    finally:
        database.close()


def filtered_to(term: tb.Terminal, reference: str) -> None:
    """The caseload filtered to one case, the cursor on it."""
    term.press(b"/")
    time.sleep(0.3)
    term.press(reference.encode())
    term.press(tb.ENTER)
    term.wait_for(lambda lines: any("best first" in line for line in lines)  # the search's results, on the status
                  and sum(1 for line in lines if reference in line) >= 2)  # line and in the one row found
    term.idle()


def open_times(db: str, reference: str, runs: int) -> list[float]:
    """Milliseconds from Enter on ``reference`` to its case screen painted, back to the caseload between tries."""
    with tempfile.TemporaryDirectory() as home:
        term = tb.Terminal([*tb.complaints_command(), "--db", db, "--today", tb.TODAY], home)
        try:
            term.wait_for(tb.rows_shown)
            term.idle()
            filtered_to(term, reference)
            took = []
            for _ in range(runs):
                began = term.press(tb.ENTER)
                took.append((term.wait_for(tb.case_shown) - began) * 1000)
                term.idle(quiet=0.2)
                term.press(tb.ESCAPE)
                term.wait_for(lambda lines: not tb.case_shown(lines))
                term.idle(quiet=0.2)
            return took
        finally:
            term.close()


def escape_times(db: str, reference: str, big_file: Path | None, runs: int) -> list[float]:
    """Escape from the case screen to the caseload painted (ms); with ``big_file``, pressed just after saving the
    form that attaches it, so the attach is running in its worker when the key arrives."""
    with tempfile.TemporaryDirectory() as home:
        term = tb.Terminal([*tb.complaints_command(), "--db", db, "--today", tb.TODAY], home)
        try:
            term.wait_for(tb.rows_shown)
            term.idle()
            filtered_to(term, reference)
            took = []
            for _ in range(runs):
                term.press(tb.ENTER)
                term.wait_for(tb.case_shown)
                term.idle(quiet=0.2)
                if big_file is not None:
                    term.press(b"A")
                    term.wait_for(lambda lines: any("Attach" in line for line in lines))
                    term.idle(quiet=0.2)
                    term.press(str(big_file).encode())
                    term.press(b"\x13")  # ctrl+s: save the form; the attach starts
                    term.wait_for(lambda lines: not any("Attach a document" in line for line in lines))
                began = term.press(tb.ESCAPE)
                took.append((term.wait_for(lambda lines: not tb.case_shown(lines)) - began) * 1000)
                term.idle(quiet=0.5)
            return took
        finally:
            term.close()


def casefile_rows(big: str, runs: int) -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory(dir=Path(big).parent) as tmp:
        db = str(Path(tmp) / "casefile.db")
        shutil.copy(big, db)
        reference, plain = open_reference(db), open_reference(db, skip=1)
        fill_case_file(db, reference)
        ms = open_times(db, reference, runs)
        bare = open_times(db, plain, runs)
        rows = [(f"Enter to a case with {NOTES} notes and {DOCUMENTS} documents (20 MB), 1,000,000 cases "
                 f"(p95 of {runs})", f"{tb.p95(ms):.0f} ms (median {statistics.median(ms):.0f}; a case without: "
                 f"p95 {tb.p95(bare):.0f})", "<= 100 ms")]
        big_file = Path(tmp) / "stage2-report.pdf"
        big_file.write_bytes(b"%PDF-1.4\n" + os.urandom(20 * 1024 * 1024))
        idle = escape_times(db, plain, None, 5)
        busy = escape_times(db, plain, big_file, 5)
        rows.append(("Escape to the caseload while a 20 MB file is being attached (median of 5)",
                     f"{statistics.median(busy):.0f} ms (nothing running: {statistics.median(idle):.0f} ms)",
                     "never blocks (<= 100 ms)"))
        return rows


def copied_documents(url: str) -> str:
    """What arrived: the documents' bytes, and the search index's rows for documents, on the server."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            kept = conn.execute(sa.text("SELECT count(*) FROM document_content")).scalar()
            indexed = conn.execute(sa.text("SELECT count(*) FROM search_text WHERE id > 0 AND id % 2 = 1")).scalar()
    finally:
        engine.dispose()
    return f"compared equal; {kept:,} documents there, {indexed:,} in its search index"


def backup_rows(exe: list[str], small: str) -> list[tuple[str, str, str]]:
    """10,000 documents in a 100,000-case database: backed up, and copied to PostgreSQL, each checked."""
    from tests.postgres import running_server

    with tempfile.TemporaryDirectory(dir=Path(small).parent) as tmp:
        db = str(Path(tmp) / "documents.db")
        shutil.copy(small, db)
        with sqlite3.connect(db) as conn:
            cases = [r[0] for r in conn.execute('SELECT id FROM "case" ORDER BY id LIMIT ?', (BACKUP_DOCUMENTS,))]
            for i, case_id in enumerate(cases):
                content = os.urandom(BACKUP_BYTES)
                cursor = conn.execute(
                    "INSERT INTO document (case_id, name, size, media_type, sha256, origin, added_by, added_at) "
                    "VALUES (?, ?, ?, 'application/octet-stream', ?, 'attached', 'bench', ?)",
                    (case_id, f"letter-{i}.bin", len(content), "0" * 64, "2026-11-22 09:00:00"))
                conn.execute("INSERT INTO document_content (document_id, content) VALUES (?, ?)",
                             (cursor.lastrowid, content))
        size = Path(db).stat().st_size / 1e6
        began = time.perf_counter()
        subprocess.run([*exe, "backup", str(Path(tmp) / "backup.db"), "--db", db], check=True, capture_output=True)
        took = time.perf_counter() - began
        with sqlite3.connect(Path(tmp) / "backup.db") as conn:
            kept = conn.execute("SELECT count(*) FROM document_content").fetchone()[0]
        rows = [(f"complaints backup, 100,000 cases with {BACKUP_DOCUMENTS:,} documents ({size:,.0f} MB)",
                 f"{took:.1f} s ({kept:,} documents in the backup)", "works; every document kept")]
        servers = running_server()
        server = next(servers)
        try:
            if server is None:
                return [*rows, ("complaints copy with documents", "no PostgreSQL binaries", "")]
            url = server.new_database()
            began = time.perf_counter()
            done = subprocess.run([*exe, "copy", "--to", url, "--db", db], capture_output=True, text=True)
            took = time.perf_counter() - began
            there = copied_documents(url) if done.returncode == 0 else "FAILED: " + done.stderr.strip()[-200:]
            rows.append((f"complaints copy to PostgreSQL, the same {BACKUP_DOCUMENTS:,} documents",
                         f"{took:.1f} s ({there})", "works; every count compared"))
        finally:
            next(servers, None)
        return rows

"""A smoke test in a real terminal (tmux): open a case on a demo database, extend it, see the due date move."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from domain.calendar import WorkingCalendar
from domain.config import Config
from store.db.database import open_database
from store.housekeeping.demo import generate

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed: the real-terminal smoke test needs it")
ROOT = Path(__file__).resolve().parent.parent


def screen(session: str) -> str:
    return subprocess.run([TMUX or "tmux", "capture-pane", "-t", session, "-p"], capture_output=True,
                          text=True).stdout


def wait_for(session: str, text: str, timeout: float = 15) -> str:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        shown = screen(session)
        if text in shown:
            return shown
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen(session)}")


def test_open_extend_and_see_the_due_date_move(tmp_path):
    path = tmp_path / "demo.db"
    cfg = Config(user="tester")
    db = open_database(path, cfg)
    generate(db, cfg, cases=1500, seed=3, today=date(2026, 11, 22))
    db.close()
    reference, received = sqlite3.connect(path).execute(
        'SELECT c.reference, c.received FROM stage s JOIN "case" c ON c.id = s.case_id WHERE s.due IS NOT NULL '
        "AND c.kind = 'statutory' AND s.number = 1 AND s.round = 0 AND s.extended_on IS NULL "
        "AND s.paused_since IS NULL ORDER BY s.due LIMIT 1").fetchone()
    extended_due = WorkingCalendar.for_region("ENG").add(date.fromisoformat(received), 20)
    session = f"complaints-smoke-{os.getpid()}"
    env = f"COMPLAINTS_CONFIG={tmp_path / 'none.toml'} COMPLAINTS_TODAY=2026-11-22"
    command = f"cd {ROOT} && {env} {sys.executable} -c 'import cli; cli.main()' --db {path}"
    subprocess.run([TMUX or "tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", command],
                   check=True)
    keys = lambda *k: subprocess.run([TMUX or "tmux", "send-keys", "-t", session, *k], check=True)  # noqa: E731
    try:
        wait_for(session, "All open:")
        keys("/")
        wait_for(session, "Search: anything")
        keys("-l", reference)
        wait_for(session, f"matching “{reference}”")
        keys("Enter")
        time.sleep(0.3)
        keys("Enter")
        wait_for(session, f"{reference} · Statutory Stage 1 · due")
        keys("x")
        wait_for(session, f"Extend · {reference}")
        keys("C-s")
        shown = wait_for(session, f"due {extended_due:%a %d/%m/%Y}")
        assert "extended; now due" in shown or f"{extended_due:%d/%m/%Y}" in shown
        keys("q")
    finally:
        subprocess.run([TMUX or "tmux", "kill-session", "-t", session], capture_output=True)
    assert sqlite3.connect(path).execute(
        'SELECT s.extended_on FROM stage s JOIN "case" c ON c.id = s.case_id WHERE c.reference = ? '
        "AND s.number = 1 AND s.round = 0", (reference,)).fetchone()[0] == "2026-11-22"

"""The digest for a team: grouped by officer, within 100 columns, in ASCII on request, and covering every kind
of deadline the dashboard counts (its figures and the digest's lines agree)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from typer.testing import CliRunner

import cli
from domain.config import Config
from store.db.database import open_database
from store.housekeeping.demo import generate
from store.views.dashboard import dashboard
from store.views.digest import stored_calendar

TODAY = date(2026, 11, 22)
runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli.app, list(args), env={"COMPLAINTS_TODAY": TODAY.isoformat()})


@pytest.fixture(scope="module")
def team_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("digest") / "team.db"
    db = open_database(path, Config())
    generate(db, Config(), cases=1500, seed=7, today=TODAY)
    db.close()
    return str(path)


def test_the_team_digest_groups_by_officer_and_covers_the_dashboards_deadlines(team_db):
    connection = sqlite3.connect(team_db)
    figures = dashboard(connection, TODAY, stored_calendar(connection.cursor(), Config()))
    text = run("due", "--db", team_db, "--within", "5").output
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    officers = [name for name in figures.officers if name]
    headings = [lines[i - 1] for i, line in enumerate(lines) if line and set(line) == {"═"}]
    assert headings[:-1] == sorted(headings[:-1]) and set(officers) <= set(headings)
    data = json.loads(run("due", "--db", team_db, "--within", "5", "--format", "json").output)
    assert len(data["stage2_past_25_days"]) == figures.totals["stage2_25"] > 0
    assert sum(1 for w in data["stage2_past_25_days"] if w["working_days"] > 65) == figures.totals["stage2_65"]
    assert len(data["panels_due"]) == figures.totals["panels"]
    assert len(data["learning_actions_overdue"]) == figures.totals["actions"]
    assert len(data["persistent_reviews_due"]) == figures.totals["reviews"]
    overdue = sum(1 for i in data["items"] if i["state"] == "overdue")
    assert overdue == figures.totals["overdue"]
    assert text.count("Stage 2s past 25 working days") == sum(1 for c in figures.officers.values()
                                                              if c.get("stage2_25"))
    # One officer: their part alone, the same lines as in the team's digest.
    name = max(officers, key=lambda n: figures.officers[n].get("overdue", 0))
    mine = run("due", "--db", team_db, "--within", "5", "--officer", name).output
    start = lines.index(name)
    part = mine.splitlines()[2:-3]
    assert lines[start:start + len(part)] == part
    assert f"{figures.officers[name].get('overdue', 0)} overdue" in mine.splitlines()[0]


def test_the_ascii_digest_is_ascii_and_aligned(team_db):
    text = run("due", "--db", team_db, "--ascii").output
    assert text.isascii() and "!! overdue" in text and "=====" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    rows = [line for line in text.splitlines() if line.startswith(("!! ", "!  ", "   REFERENCE"))]
    assert rows and len({line.index("CS-") if "CS-" in line else line.index("REFERENCE") for line in rows
                         if "CS-" in line or "REFERENCE" in line}) >= 1

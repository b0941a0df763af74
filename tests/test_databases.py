"""The same work on SQLite and on PostgreSQL: lifecycle, conflicts, demo, digest, figures, register round trip."""

from __future__ import annotations

import json
from datetime import date

import pytest

from domain.config import Config
from store.database import open_database
from store.demo import generate
from store.service import CaseService
from store.service_base import ConflictError
from tests.test_cli import run

TODAY = date(2026, 11, 22)
CFG = Config(user="tester")


def test_lifecycle_and_a_stale_save(database_url):
    db = open_database(database_url, CFG)
    try:
        service = CaseService(db, CFG, today=TODAY)
        ref = service.log("statutory", date(2026, 11, 2), complainant="Alex Example", themes=["Delays"])
        version = service.clock(ref).version
        service.extend(ref, date(2026, 11, 10))
        with pytest.raises(ConflictError, match="was changed by tester"):
            service.pause(ref, "awaiting consent", expected_version=version)
        service.respond(ref, "upheld", date(2026, 11, 20))
        assert service.clock(ref).reading.state.value == "closed"
        assert service.log("concern", date(2026, 11, 3)).startswith("CN-2026-")  # ids carry on after the first
    finally:
        db.close()


def test_demo_digest_figures_and_register_round_trip(database_url, postgres_server, tmp_path):
    db = open_database(database_url, CFG)
    generate(db, CFG, cases=800, seed=2, today=TODAY)
    db.close()
    due = run("due", "--db", database_url, "--format", "json")
    assert due.exit_code == 0 and json.loads(due.stdout)["items"], due.output
    figures = run("export", "--db", database_url, "--year", "2025")
    assert figures.exit_code == 0, figures.output
    register = tmp_path / "register.csv"
    assert run("export", "--register", "--db", database_url, "--output", str(register)).exit_code == 0
    if database_url.startswith("sqlite"):
        copy = f"sqlite:///{tmp_path / 'copy.db'}"
    elif postgres_server is not None:
        copy = postgres_server.new_database()
    imported = run("import", str(register), "--db", copy)
    assert imported.exit_code == 0 and "800 created" in imported.stdout, imported.output
    again = run("import", str(register), "--db", copy)
    assert "0 created, 0 updated, 800 unchanged" in again.stdout
    back = tmp_path / "back.csv"
    run("export", "--register", "--db", copy, "--output", str(back))
    assert back.read_text() == register.read_text()
    before = [t for t in json.loads(figures.stdout)["tables"] if t["id"] != "actions"]
    after = [t for t in json.loads(run("export", "--db", copy, "--year", "2025").stdout)["tables"]
             if t["id"] != "actions"]
    assert before == after
    later = CaseService(open_database(copy, CFG), CFG, today=TODAY)
    assert later.log("statutory", TODAY).startswith("CS-2026-")  # sequences moved past the bulk ids

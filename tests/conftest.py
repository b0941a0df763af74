"""Shared fixtures: a fresh database per test in tmp_path, a frozen today, the default rules."""

from __future__ import annotations

import os
import time
from datetime import date

import pytest

from domain.calendar import WorkingCalendar
from domain.config import Config
from store.db.database import Database, open_database
from store.lifecycle.service import CaseService

# The officer's clock is the council's: the timeline shows events (stored in UTC) in it beside notes typed in it.
# Tests and snapshots run in it whatever the machine's zone.
os.environ["TZ"] = "Europe/London"
time.tzset()

TODAY = date(2026, 11, 22)  # a Sunday
_CALENDAR = WorkingCalendar.for_region("ENG")


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No test reads the real user's config or database."""
    monkeypatch.setenv("COMPLAINTS_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the default database's folder
    monkeypatch.delenv("COMPLAINTS_DB", raising=False)
    monkeypatch.delenv("COMPLAINTS_TODAY", raising=False)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return _CALENDAR


@pytest.fixture
def config() -> Config:
    return Config(user="tester")


@pytest.fixture
def db(tmp_path, config) -> Database:
    database = open_database(tmp_path / "complaints.db", config)
    yield database
    database.close()


@pytest.fixture
def service(db, config) -> CaseService:
    return CaseService(db, config, today=TODAY, calendar=_CALENDAR)


def manager(service: CaseService) -> CaseService:
    cfg = Config(user="boss", managers=frozenset({"boss"}))
    return CaseService(service.db, cfg, today=service.today(), calendar=service.calendar)


@pytest.fixture(scope="session")
def postgres_server():
    """One throwaway PostgreSQL server per test process (None when the server binaries are missing)."""
    from tests.postgres import running_server

    yield from running_server()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database URL: a SQLite file, then a PostgreSQL database on the throwaway server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'complaints.db'}"
    server = request.getfixturevalue("postgres_server")
    if server is None:
        no_server()
    return server.new_database()


def no_server() -> None:
    """No PostgreSQL server binaries: skip, saying why; in CI (.ci/run sets CI=1), fail."""
    message = "no PostgreSQL server binaries (initdb, pg_ctl) on this machine"
    if os.environ.get("CI"):  # a CI machine must test both databases
        pytest.fail(f"{message}: CI must run the PostgreSQL tests")
    pytest.skip(f"{message}: PostgreSQL tests skipped")

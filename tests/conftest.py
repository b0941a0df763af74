"""Shared fixtures: a fresh database per test in tmp_path, a frozen today, the default rules."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendar import WorkingCalendar
from domain.config import Config
from store.database import Database, open_database
from store.service import CaseService

TODAY = date(2026, 11, 22)  # a Sunday
_CALENDAR = WorkingCalendar.for_region("ENG")


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No test reads the real user's config or database."""
    monkeypatch.setenv("COMPLAINTS_CONFIG", str(tmp_path / "config.toml"))
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

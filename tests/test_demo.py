"""The demo history: shaped like the seed reports, complete in what it exercises, readable by the ORM."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from domain.config import Config
from store.db.database import open_database
from store.db.models import Assignment, Case, Event, Stage
from store.housekeeping.demo import generate
from tests.conftest import TODAY


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    cfg = Config(user="tester")
    db = open_database(path, cfg)
    stats = generate(db, cfg, cases=4000, seed=11, today=TODAY)
    yield db, sqlite3.connect(path), stats
    db.close()


def one(conn, sql, *args):
    return conn.execute(sql, args).fetchone()[0]


def test_kinds_come_in_proportions_like_the_seeds(demo):
    _, conn, stats = demo
    assert stats.cases == 4000 == one(conn, 'SELECT count(*) FROM "case"')
    share = dict(conn.execute('SELECT kind, count(*) * 100.0 / 4000 FROM "case" GROUP BY kind').fetchall())
    # Cumbria 2014/15 (seed 000, table 1): Children Act 30%, concerns 26%, compliments 15%, corporate 8%,
    # referred elsewhere 21%; Cambridgeshire adds MP and councillor enquiries.
    assert 25 <= share["statutory"] <= 35
    assert 18 <= share["concern"] <= 30
    assert 10 <= share["compliment"] <= 20
    assert 5 <= share["corporate"] <= 13
    assert set(share) == {"statutory", "corporate", "concern", "mp_enquiry", "councillor_enquiry", "compliment",
                          "comment", "referred_elsewhere"}


def test_stage1_replies_spread_over_the_seed_buckets(demo):
    _, conn, _ = demo
    rows = conn.execute("""SELECT s.requested, s.responded, s.extended_on FROM stage s JOIN "case" c ON c.id = s.case_id
                           WHERE c.kind = 'statutory' AND s.number = 1 AND s.round = 0
                             AND s.responded IS NOT NULL""").fetchall()
    from domain.calendar import WorkingCalendar

    cal = WorkingCalendar.for_region("ENG")
    days = [cal.elapsed(date.fromisoformat(a), date.fromisoformat(b)) for a, b, _ in rows]
    within = sum(d <= 10 for d in days) / len(days)
    over20 = sum(d > 20 for d in days) / len(days)
    # Cumbria 34% / 25% / 41%, Doncaster 30% / 35% / 35%, Northamptonshire 40% / 31% / 29%
    assert 0.25 <= within <= 0.6 and 0.1 <= over20 <= 0.45
    assert sum(1 for *_, ext in rows if ext) > 0.1 * len(rows)


def test_the_history_holds_every_thing_a_report_counts(demo):
    _, conn, _ = demo
    assert one(conn, "SELECT count(*) FROM stage WHERE number = 2 AND declined IS NOT NULL") > 0
    assert one(conn, "SELECT count(*) FROM stage WHERE number = 3 AND panel_on IS NOT NULL") > 0
    assert one(conn, "SELECT count(*) FROM stage WHERE round > 0") > 0
    assert one(conn, "SELECT count(*) FROM assignment WHERE cost IS NOT NULL") > 0
    assert one(conn, "SELECT count(*) FROM complaint_issue WHERE finding IS NOT NULL") > 0
    assert one(conn, "SELECT count(*) FROM ombudsman_enquiry WHERE decision IS NOT NULL") > 0
    assert one(conn, "SELECT count(*) FROM learning_action WHERE done IS NOT NULL") > 0
    assert one(conn, "SELECT count(*) FROM person WHERE persistent") > 0
    repeaters = one(conn, 'SELECT count(*) FROM (SELECT person_id FROM "case" GROUP BY person_id HAVING count(*) > 1)')
    assert repeaters > 0
    assert one(conn, "SELECT count(*) FROM \"case\" WHERE advocate = 'nyas'") > 0
    years = one(conn, "SELECT count(DISTINCT substr(received, 1, 4)) FROM \"case\"")
    assert years >= 4


def test_open_work_falls_around_today(demo):
    _, conn, _ = demo
    overdue = one(conn, "SELECT count(*) FROM stage WHERE due < ?", TODAY.isoformat())
    coming = one(conn, "SELECT count(*) FROM stage WHERE due >= ? AND due <= '2026-12-10'", TODAY.isoformat())
    assert overdue > 0 and coming > 0


def test_rows_written_by_the_fast_path_read_back_through_the_orm(demo):
    """The demo bypasses SQLAlchemy's type processing: dates, timestamps and money must still round-trip."""
    db, _, _ = demo
    with db.read() as session:
        case = session.exec(select(Case).where(Case.kind == "statutory")).first()
        assert isinstance(case.received, date) and case.version == 1
        stage = session.exec(select(Stage).where(Stage.responded.is_not(None))).first()
        assert isinstance(stage.responded, date)
        cost = session.exec(select(Assignment.cost).where(Assignment.cost.is_not(None))).first()
        assert isinstance(cost, Decimal) and cost == cost.quantize(Decimal("0.01"))
        event = session.exec(select(Event)).first()
        assert event.at.year >= 2016 and event.who == "demo"



def test_the_demo_database_has_every_index_a_new_database_has(demo, tmp_path):
    """The demo sets the plain indexes aside while it writes (store.register.bulk.IndexesSetAside); all are back."""
    _, conn, _ = demo
    open_database(tmp_path / "new.db", Config(user="tester")).close()
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    assert conn.execute(schema).fetchall() == sqlite3.connect(tmp_path / "new.db").execute(schema).fetchall()

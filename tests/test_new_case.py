"""A new case is the same rows whichever way it comes in: logged, imported from a register, or made by the demo.

All three build it with ``domain.new_case``; this test holds them to it, on the stored rows. The council's
acknowledgement timescale is set to 5 working days, so the one rule (``domain.clock.acknowledgement_due``)
shows against the 2 days the demo used to fix.
"""

from __future__ import annotations

import csv
import sqlite3
from datetime import date

import pytest

from domain.calendar import WorkingCalendar
from domain.clock import StageDates
from domain.new_case import as_columns, new_case
from domain.timescales import RuleBook
from domain.vocab import Kind
from store.db.config_file import load_config
from store.db.database import open_database
from store.housekeeping.demo import generate
from store.lifecycle.service import CaseService
from tests.conftest import TODAY
from tests.test_cli import run

ACK_DAYS = 5
CONFIG = "".join(f'[[timescale]]\nprocedure = "{kind}"\nstep = "acknowledgement"\ndays = {ACK_DAYS}\n\n'
                 for kind in Kind if Kind(kind).has_clock)

CASE = """SELECT c.reference, c.kind, c.received, c.channel, c.complainant_group, c.child_name, c.child_status,
                 c.advocate, c.summary, c.acknowledged, c.ack_due, c.closed, c.closed_reason, c.withdrawn,
                 c.linked_case_id, c.version, p.name, p.external_id, p.complainant_group, a.name, t.name, o.name
          FROM "case" c LEFT JOIN person p ON p.id = c.person_id LEFT JOIN service_area a ON a.id = c.service_area_id
               LEFT JOIN team t ON t.id = c.team_id LEFT JOIN officer o ON o.id = c.officer_id
          WHERE c.reference = ?"""
STAGES = """SELECT s.procedure, s.number, s.round, s.requested, s.accepted, s.declined, s.declined_reason,
                   s.late_request, s.statement_agreed, s.extended_on, s.extended_days, s.paused_since,
                   s.paused_reason, s.paused_days, s.panel_on, s.findings_on, s.responded, s.outcome,
                   s.outcome_overridden, s.override_reason, s.step, s.due
            FROM stage s JOIN "case" c ON c.id = s.case_id WHERE c.reference = ? ORDER BY s.id"""
THEMES = """SELECT th.name FROM case_theme ct JOIN theme th ON th.id = ct.theme_id JOIN "case" c ON c.id = ct.case_id
            WHERE c.reference = ? ORDER BY th.name"""
EVENT = """SELECT e.action, e.detail, e.old, e.new FROM event e JOIN "case" c ON c.id = e.case_id
           WHERE c.reference = ? ORDER BY e.id"""


def rows(conn: sqlite3.Connection, reference: str) -> dict[str, list[tuple]]:
    return {name: conn.execute(sql, (reference,)).fetchall()
            for name, sql in (("case", CASE), ("stages", STAGES), ("themes", THEMES), ("events", EVENT))}


@pytest.fixture
def three_ways(tmp_path):
    """New cases of the demo, and the same cases logged by an officer and imported from the demo's register."""
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")  # the fixtures' COMPLAINTS_CONFIG
    cfg = load_config()
    made = tmp_path / "demo.db"
    db = open_database(made, cfg)
    generate(db, cfg, cases=1500, seed=4, today=TODAY)
    db.close()
    demo = sqlite3.connect(made)
    # cases as they arrive: one stage at most, still open and not yet acknowledged; and cases without a clock
    chosen = [ref for ref, kind in demo.execute(
        """SELECT c.reference, c.kind FROM "case" c WHERE c.acknowledged IS NULL
           AND NOT EXISTS (SELECT 1 FROM stage s WHERE s.case_id = c.id AND (s.responded IS NOT NULL
                           OR s.paused_since IS NOT NULL OR s.extended_on IS NOT NULL OR s.round > 0 OR s.number > 1))
           AND NOT EXISTS (SELECT 1 FROM ombudsman_enquiry e WHERE e.case_id = c.id)
           ORDER BY c.received DESC, c.id""")]
    kinds = {demo.execute('SELECT kind FROM "case" WHERE reference = ?', (ref,)).fetchone()[0] for ref in chosen}
    # the seed gives a complaint, a kind without a clock, and another kind with one
    assert {"statutory", "compliment"} <= kinds and kinds & {"concern", "mp_enquiry", "councillor_enquiry"}, kinds

    register = tmp_path / "register.csv"
    exported = run("export", "--register", "--db", str(made), "--output", str(register))
    assert exported.exit_code == 0, exported.output
    with register.open(encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f))
    wanted = [r for r in table if r["reference"] in chosen]
    only = tmp_path / "new.csv"
    with only.open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(table[0]))
        out.writeheader()
        out.writerows(wanted)
    imported = run("import", str(only), "--db", str(tmp_path / "imported.db"))
    assert imported.exit_code == 0 and f"{len(chosen)} created" in imported.stdout, imported.output

    db = open_database(tmp_path / "logged.db", cfg)
    service = CaseService(db, cfg, today=TODAY)
    for ref in chosen:
        (kind, received, channel, group, child_name, status, advocate, summary, name, external, area, team,
         officer) = demo.execute(
            """SELECT c.kind, c.received, c.channel, c.complainant_group, c.child_name, c.child_status, c.advocate,
                      c.summary, p.name, p.external_id, a.name, t.name, o.name
               FROM "case" c LEFT JOIN person p ON p.id = c.person_id
               LEFT JOIN service_area a ON a.id = c.service_area_id LEFT JOIN team t ON t.id = c.team_id
               LEFT JOIN officer o ON o.id = c.officer_id WHERE c.reference = ?""", (ref,)).fetchone()
        themes = [t for (t,) in demo.execute(THEMES, (ref,))]
        service.log(kind, date.fromisoformat(received), channel=channel, complainant=name, complainant_id=external,
                    group=group, child_status=status, child_name=child_name, advocate=advocate, service_area=area,
                    team=team, officer=officer, themes=themes, summary=summary, reference=ref)
    db.close()
    yield chosen, demo, sqlite3.connect(tmp_path / "logged.db"), sqlite3.connect(tmp_path / "imported.db")


def test_the_three_ways_in_give_a_new_case_the_same_rows(three_ways):
    chosen, demo, logged, imported = three_ways
    calendar = WorkingCalendar.for_region("ENG")
    for ref in chosen:
        made, by_hand, by_file = rows(demo, ref), rows(logged, ref), rows(imported, ref)
        assert by_hand == made, ref
        # the register has no column for the child's name: the import knows all else
        case = list(made["case"][0])
        case[5] = None
        assert by_file == {**made, "case": [tuple(case)], "events": [("imported", "from new.csv", None, None)]}, ref
        assert made["events"][0] == ("logged", "kind", None, made["case"][0][1])
        # the acknowledgement is owed by the council's timescale, as the one rule says, in all three
        kind, received, ack_due = made["case"][0][1], date.fromisoformat(made["case"][0][2]), made["case"][0][10]
        owed = calendar.add(received, ACK_DAYS) if Kind(kind).has_clock else None
        assert ack_due == (owed.isoformat() if owed else None), ref


def test_new_case_rows_follow_the_one_rule():
    rules, calendar = RuleBook(), WorkingCalendar.for_region("ENG")
    day = date(2026, 11, 2)
    fresh = new_case(rules, calendar, "statutory", day, "ST-1", theme_ids=[3, 3, 1])
    assert fresh.case.ack_due == calendar.add(day, 2) and fresh.case.closed is None
    assert fresh.stage is not None and (fresh.stage.step, fresh.stage.due) == ("stage1", calendar.add(day, 10))
    assert [link.theme_id for link in fresh.themes] == [3, 1]
    assert as_columns(fresh.event) == {"action": "logged", "detail": "kind", "old": None, "new": "statutory"}
    replied = new_case(rules, calendar, "concern", day, "CN-1", first_stage=StageDates("concern", 1, day,
                                                                                        responded=day),
                       closed=day, source="old.csv")
    assert replied.case.ack_due is None and replied.stage is not None and replied.stage.due is None
    assert (replied.event.action, replied.event.detail) == ("imported", "from old.csv")
    thanks = new_case(rules, calendar, "compliment", day, "CO-1")
    assert thanks.stage is None and thanks.case.closed == day and thanks.case.ack_due is None

"""Merging on a team's PostgreSQL server, as its logins: the guards of migration 0003 hold (no login changes an
event; only managers delete a case) and a merge and its undo still work, as a manager, and only as one."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from domain.config import Config
from domain.timescales import RuleError
from tests.test_team import bare_server, server, service  # noqa: F401 - the team server's fixtures, this module's own


def snapshot(svc) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    with svc.db.read() as session:
        return {t: [tuple(r) for r in session.execute(sa.text(f'SELECT * FROM "{t}" ORDER BY 1')).all()]
                for t in ("stage", "note", "case_link", "case_theme", "learning_action")}


def test_a_manager_merges_and_unmerges_a_duplicate_an_officer_cannot(server):  # noqa: F811
    alice, bina = service(server, "alice", Config()), service(server, "bina", Config())
    try:
        kept = alice.log("statutory", date(2026, 11, 2), complainant="Hal Example", themes=["Delays"])
        dup = alice.log("statutory", date(2026, 11, 3), complainant="Hal Example", themes=["Poor communication"])
        other = alice.log("corporate", date(2026, 11, 4), complainant="Ida Example")
        alice.acknowledge(dup, date(2026, 11, 4))
        alice.link(dup, other)
        with alice.db.write() as session:
            session.execute(sa.text("INSERT INTO note (case_id, contact_at, kind, text, added_by, added_at) "
                                    "SELECT id, now(), 'phone', 'Rang', 'alice', now() FROM \"case\" "
                                    "WHERE reference = :r"), {"r": dup})
        with pytest.raises(RuleError, match="manager"):
            alice.merge_cases(dup, kept, "twice")
        before = snapshot(bina)
        with bina.db.read() as session:
            events = session.execute(sa.text('SELECT e.* FROM event e JOIN "case" c ON c.id = e.case_id '
                                             "WHERE c.reference = :r ORDER BY e.id"), {"r": dup}).all()
        merge = bina.merge_cases(dup, kept, "the same letter, logged twice")
        with bina.db.read() as session:
            left = session.execute(sa.text('SELECT count(*) FROM "case" WHERE reference = :r'), {"r": dup}).scalar()
            assert left == 0
            assert session.execute(sa.text("SELECT who, reason FROM event WHERE action = 'deleted' AND detail = :r"),
                                   {"r": dup}).all() == [("bina", f"merged into {kept} (merge {merge}): the same "
                                                                  "letter, logged twice")]
        bina.undo_merge(merge, "not the same after all")
        assert snapshot(bina) == before
        with bina.db.read() as session:
            back = session.execute(sa.text('SELECT e.* FROM event e JOIN "case" c ON c.id = e.case_id '
                                           "WHERE c.reference = :r ORDER BY e.id"), {"r": dup}).all()
        assert back[:len(events)] == events  # the same events, the same ids
        assert back[-1].action == "merge undone" and back[-1].who == "bina"
    finally:
        for svc in (alice, bina):
            svc.db.close()

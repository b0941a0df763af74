"""Keeping the stored calendar and the stored deadlines in step with the council's settings.

Due dates are stored (indexed) so that "what is due" never scans history; the non-working days
are stored so that the daily digest can count working days without loading the holiday library.
Both depend on the calendar and the timescale rules: when their fingerprint changes, the stored
days are rewritten and every open deadline is computed again, in one transaction.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.calendar import WorkingCalendar
from domain.clock import acknowledgement_due, deadline, escalation_ack_due
from domain.config import Config
from domain.timescales import RuleBook
from store.db.database import Database
from store.db.models import Case, NonWorkingDay, Setting, Stage

CALENDAR_KEY = "calendar"
YEARS_KEY = "calendar_years"
FIRST_YEAR = 2000
YEARS_AHEAD = 10


def stored_setting(session: Session, key: str) -> str | None:
    row = session.get(Setting, key)
    return row.value if row else None


def sync_calendar(db: Database, config: Config, *, force: bool = False) -> bool:
    """Rewrite the stored calendar and open deadlines if the settings changed; True if it did."""
    fingerprint = config.calendar_fingerprint()
    with db.read() as session:
        if not force and stored_setting(session, CALENDAR_KEY) == fingerprint:
            return False
    calendar = config.calendar()
    last = date.today().year + YEARS_AHEAD
    days = calendar.non_working_weekdays(FIRST_YEAR, last)
    with db.write() as session:
        session.execute(sa.delete(NonWorkingDay))
        session.add_all(NonWorkingDay(day=d) for d in days)
        refresh_deadlines(session, config.rules, calendar)
        session.merge(Setting(key=CALENDAR_KEY, value=fingerprint))
        session.merge(Setting(key=YEARS_KEY, value=f"{FIRST_YEAR}-{last}"))
    return True


def refresh_deadlines(session: Session, rules: RuleBook, calendar: WorkingCalendar) -> None:
    """Recompute every open stage's deadline and every owed acknowledgement."""
    for stage in session.exec(select(Stage).where(col(Stage.due).is_not(None))):
        dl = deadline(stage, rules, calendar)
        stage.due = dl.due if dl else None
        stage.step = dl.step if dl else None
        stage.provisional = bool(dl and dl.provisional)
    answered = select(Stage.case_id).where(col(Stage.responded).is_not(None))
    for case in session.exec(select(Case).where(col(Case.ack_due).is_not(None))):
        # a response (below) or a closing settles what an acknowledgement is owed
        case.ack_due = acknowledgement_due(rules, calendar, case.kind, case.received, case.acknowledged,
                                           settled=case.closed is not None)
    session.execute(sa.update(Case).where(col(Case.ack_due).is_not(None), col(Case.id).in_(answered))
                    .values(ack_due=None))
    for stage in session.exec(select(Stage).where(col(Stage.due).is_not(None), col(Stage.number) > 1,
                                                  col(Stage.acknowledged).is_(None))):
        owed = escalation_ack_due(stage, rules, calendar)
        escalated = session.get(Case, stage.case_id) if owed is not None else None
        if escalated is not None:
            escalated.ack_due = owed
    # Ombudsman dates are set by the Ombudsman, not computed: nothing to recompute there.

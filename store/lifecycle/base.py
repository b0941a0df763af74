"""What every transition of the lifecycle service shares: finding rows, events, conflicts, clocks.

Each public transition runs in one write transaction (``Database.write``): its checks (from
``domain.lifecycle``) run before anything is written, and an error rolls the whole of it back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from domain.calendar import WorkingCalendar
from domain.clock import deadline
from domain.config import Config
from domain.lifecycle import require_writer
from domain.timescales import NotFound, RuleError  # noqa: F401 - NotFound: the services raise it from here
from domain.vocab import Role
from store.db.database import Database
from store.db.models import Case, Event, Officer, Person, Stage
from store.db.names import name_key


def same_name(session: Session, model: Any, name: str) -> Any:
    """The entry of a council list (``model``) named ``name``, letter case aside ("delays" is "Delays": two
    spellings would split a theme's figures in two), or None. One rule for the forms, the CLI and the import
    (``store.register.plan.ListNames``). The lists are short (tens of themes, hundreds of officers): compared in
    Python, so that SQLite and PostgreSQL fold letters alike."""
    exact = session.exec(select(model).where(model.name == name)).first()
    if exact is not None:
        return exact
    folded = name.casefold()
    return next((row for row in session.exec(select(model)) if row.name.casefold() == folded), None)


class ConflictError(RuleError):
    """The case changed since the user read it; ``changes`` are the other user's events."""

    def __init__(self, message: str, changes: list[Event]) -> None:
        super().__init__(message)
        self.changes = changes


def row_id(row: Any) -> int:
    """The primary key of a row that has been flushed (SQLModel types it as optional)."""
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} has no id yet: flush the session first")
    return int(row.id)


def _describe(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class ServiceBase:
    """Shared machinery of the lifecycle service."""

    def __init__(self, db: Database, config: Config, *, today: date | Callable[[], date] | None = None,
                 calendar: WorkingCalendar | None = None) -> None:
        self.db = db
        self.config = config
        self.rules = config.rules
        self._today = today
        self._calendar = calendar

    # -- context ---------------------------------------------------------------------------

    @property
    def calendar(self) -> WorkingCalendar:
        if self._calendar is None:
            self._calendar = self.config.calendar()
        return self._calendar

    def today(self) -> date:
        if self._today is None:
            return date.today()
        return self._today() if callable(self._today) else self._today

    @property
    def user(self) -> str:
        return self.db.user(self.config)

    @property
    def role(self) -> Role:
        return self.db.role(self.config)

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """A write transaction for a transition; a concurrent update surfaces as a conflict."""
        require_writer(self.role)
        try:
            with self.db.write() as session:
                yield session
        except StaleDataError:
            raise ConflictError("the case was changed by someone else while you were saving: "
                                "nothing was saved; reload it and try again", []) from None

    # -- finding rows ----------------------------------------------------------------------

    def _case(self, session: Session, reference: str, expected_version: int | None = None) -> Case:
        case = session.exec(select(Case).where(Case.reference == reference.strip())).first()
        if case is None:
            raise NotFound(f"no case has the reference {reference!r}")
        if expected_version is not None and case.version != expected_version:
            changes = list(session.exec(
                select(Event).where(Event.case_id == case.id).order_by(col(Event.id).desc()).limit(5)))
            last = changes[0] if changes else None
            by = f" by {last.who} ({last.action}, {last.at:%d/%m/%Y %H:%M})" if last else ""
            raise ConflictError(f"{case.reference} was changed{by} after you opened it: nothing was "
                                "saved; reload the case to see the change and try again", changes)
        return case

    def _stages(self, session: Session, case: Case) -> list[Stage]:
        return list(session.exec(select(Stage).where(Stage.case_id == case.id)
                                 .order_by(col(Stage.number), col(Stage.round))))

    def _live_stage(self, session: Session, case: Case) -> Stage:
        live = [s for s in self._stages(session, case) if s.due is not None]
        if not live:
            raise RuleError(f"{case.reference} has no open stage")
        return live[-1]

    def _named(self, session: Session, model: type[Any], name: str | None, *, for_new_work: bool = False,
               new: bool = True) -> Any:
        """The row of a council list (service area, team, theme, officer) with this name, added if new.

        ``for_new_work``: refuse a retired entry (records of the past, such as imports, may name one).
        ``new``: add a name not on the list (an import's registers from the past); False refuses it, for a form
        whose officer did not choose to add it (a new team is a deliberate act, not a typing slip).
        """
        if name is None or not name.strip():
            return None
        name = name.strip()
        row = same_name(session, model, name)
        if row is None and model is Officer:
            row = session.exec(select(Officer).where(Officer.username == name)).first()
        if row is not None and for_new_work and not row.active:
            kind = model.__tablename__.replace("_", " ")
            raise RuleError(f"{row.name} was retired from the {kind}s: restore it in Settings, or choose another")
        if row is None and not new:
            kind = model.__tablename__.replace("_", " ")
            listed = sorted(r.name for r in session.exec(select(model)) if r.active)
            some = ", ".join(listed[:12]) + (f" and {len(listed) - 12} more" if len(listed) > 12 else "")
            known = f" ({some})" if listed else " (none yet)"
            raise RuleError(f"{kind}: {name!r} is not on the council's list of {kind}s{known}; adding one is "
                            "deliberate: add it in Settings (or choose '+ Add' in a form's list), then choose it")
        if row is None:
            row = model(name=name)
            session.add(row)
            session.flush()
        return row

    def _person(self, session: Session, name: str | None, external_id: str | None,
                group: str | None) -> Person | None:
        """The complainant: matched by their stable id, else by normalised name, else created."""
        if not name and not external_id:
            return None
        person = None
        if external_id:
            person = session.exec(select(Person).where(Person.external_id == external_id)).first()
        elif name:
            person = session.exec(select(Person).where(Person.name_key == name_key(name))
                                  .order_by(col(Person.id))).first()
        if person is None:
            person = Person(name=name or external_id or "", name_key=name_key(name or external_id or ""),
                            external_id=external_id, complainant_group=group)
            session.add(person)
            session.flush()
        return person

    # -- writing ---------------------------------------------------------------------------

    def _event(self, session: Session, case: Case | None, action: str, detail: str | None = None,
               old: Any = None, new: Any = None, reason: str | None = None) -> None:
        session.add(Event(case_id=case.id if case else None, at=datetime.now(UTC).replace(tzinfo=None),
                          who=self.user, action=action, detail=detail, old=_describe(old),
                          new=_describe(new), reason=reason))

    def _server_keeps_the_trail(self, session: Session, reason: str | None = None) -> bool:
        """On PostgreSQL the database itself deletes a deleted case's history, writes its "deleted" event and
        anonymises events (migration 0003: no login may edit an event; store/housekeeping/privacy.py calls its
        functions):
        tell it who and why for this transaction and say True. On SQLite, False: the tool does these itself."""
        if self.db.is_sqlite:
            return False
        session.execute(sa.text("SELECT set_config('complaints.user', :who, true), "
                                "set_config('complaints.reason', :why, true)"), {"who": self.user, "why": reason or ""})
        return True

    def _set(self, session: Session, case: Case, target: Any, field: str, value: Any, action: str,
             reason: str | None = None) -> None:
        """Change one field and write the change to the event log, old -> new."""
        old = getattr(target, field)
        setattr(target, field, value)
        self._event(session, case, action, field, old, value, reason)

    def _touch(self, case: Case) -> None:
        """Every transition bumps the case's version, so a stale editor sees a conflict."""
        case.updated_at = datetime.now(UTC).replace(tzinfo=None)

    def _refresh(self, stage: Stage) -> None:
        """Store the stage's running deadline (NULL once closed)."""
        dl = deadline(stage, self.rules, self.calendar)
        stage.due = dl.due if dl else None
        stage.step = dl.step if dl else None
        stage.provisional = bool(dl and dl.provisional)

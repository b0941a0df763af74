"""The lifecycle service: one object that performs every transition of a case, and reads clocks.

    service = CaseService(open_database(path, config), config, today=date(2026, 11, 22))
    ref = service.log("statutory", complainant="A. Parent", group="parent")
    service.extend(ref)

Every transition checks the domain rules first (refusals are ``RuleError`` naming the rule),
runs in one transaction, bumps the case's version and writes an event: who, when, what, old -> new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.clock import ClockReading, State, read_clock
from domain.lifecycle import stage_name
from store.db.models import Stage
from store.lifecycle.corrections import CorrectionMixin
from store.lifecycle.council_list_edits import ListEditMixin
from store.lifecycle.documents import DocumentsMixin
from store.lifecycle.edits import EditMixin
from store.lifecycle.followup import FollowUpMixin
from store.lifecycle.intake import IntakeMixin
from store.lifecycle.letters import LettersMixin
from store.lifecycle.notes import NotesMixin
from store.lifecycle.undo import UndoMixin


@dataclass(frozen=True)
class CaseClock:
    """Where a case stands on a day: its current stage and that stage's clock."""

    reference: str
    stage: str | None
    reading: ClockReading
    version: int


class CaseService(IntakeMixin, FollowUpMixin, CorrectionMixin, ListEditMixin, NotesMixin, EditMixin,
                  DocumentsMixin, UndoMixin, LettersMixin):
    def clock(self, reference: str, today: date | None = None) -> CaseClock:
        """The current stage, due date, working days left and state of a case on ``today``."""
        today = today or self.today()
        with self.db.read() as session:
            case = self._case(session, reference)
            stages = self._stages(session, case)
            live: list[Stage] = [s for s in stages if s.due is not None]
            if not live:
                last = stages[-1] if stages else None
                return CaseClock(case.reference, stage_name(last) if last else None,
                                 ClockReading(State.CLOSED, None, None), case.version)
            stage = live[-1]
            return CaseClock(case.reference, stage_name(stage), read_clock(stage, self.rules, self.calendar, today),
                             case.version)

"""Correcting a case's dates after the fact, with the audit trail to show it.

Councils found that back-dating received and response dates distorted their timeliness figures:
once a stage is closed, changing the date it was received or answered needs the manager role
and a reason, and the change (old -> new, who, why) is kept in the case's history.
"""

from __future__ import annotations

from datetime import date

from domain.lifecycle import check_date, require_manager
from domain.timescales import RuleError
from store.service_base import ServiceBase

#: The dates that can be corrected, by their register column names.
CORRECTABLE = {"received": 1, "stage1_responded": 1, "stage2_responded": 2, "stage3_responded": 3}


class CorrectionMixin(ServiceBase):
    def correct_date(self, reference: str, field: str, value: date, *, reason: str | None = None,
                     expected_version: int | None = None) -> None:
        """Set ``received`` or ``stageN_responded`` to ``value``; closed stages need a manager and a reason."""
        if field not in CORRECTABLE:
            raise RuleError(f"{field!r} cannot be corrected here: one of {', '.join(CORRECTABLE)}")
        check_date(field, value, self.today())
        with self._writing() as session:
            case = self._case(session, reference, expected_version)
            stages = {(s.number, s.round): s for s in self._stages(session, case)}
            stage = stages.get((CORRECTABLE[field], 0))
            if field != "received" and stage is None:
                raise RuleError(f"{case.reference} has no Stage {CORRECTABLE[field]}")
            closed = stage is not None and (stage.responded is not None or stage.declined is not None)
            if field == "received":
                closed = closed or case.closed is not None
            if closed:
                require_manager(self.role, f"changing {field.replace('_', ' ')} of a closed stage")
                if not reason or not reason.strip():
                    raise RuleError(f"changing {field.replace('_', ' ')} of a closed stage needs a reason")
            if field == "received":
                if stage is not None and stage.responded is not None and value > stage.responded:
                    raise RuleError(f"received {value.isoformat()} would be after the Stage 1 response "
                                    f"({stage.responded.isoformat()})")
                self._event(session, case, "date corrected", field, case.received, value, reason)
                case.received = value
                if stage is not None:
                    stage.requested = value
            else:
                assert stage is not None
                if stage.responded is None:
                    raise RuleError(f"Stage {stage.number} of {case.reference} has no response to correct: "
                                    "record the response instead")
                start = stage.requested
                if value < start:
                    raise RuleError(f"{value.isoformat()} is before Stage {stage.number} began "
                                    f"({start.isoformat()})")
                self._event(session, case, "date corrected", field, stage.responded, value, reason)
                stage.responded = value
            for s in stages.values():
                self._refresh(s)
            self._touch(case)

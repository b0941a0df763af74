"""The rules for changing what a stored case records, however the change arrives.

A change comes from a form, from `complaints correct` or from an import of the register that
updates stored cases. `correct` and the import ask ``check_change`` before they write; the import
asks ``check_outcome`` of an outcome, which is the response form's own rule (``resolve_outcome``);
the forms' transitions never reach a closed stage (``check_open``). So the same change is allowed
or refused the same way, in the same words:

- What a closed stage records (its dates, its extension, its outcome and findings) and a closed
  case's received and closing dates are what the council has reported: only a manager changes
  them, with a reason. Removing a Stage 1 reopening deletes its round: the same; and so is changing
  the dates of the last reopening once it was answered (answering it is a transition).
- An outcome against the findings on each issue is a manager's override, with a reason
  (``domain.lifecycle.resolve_outcome``), whether the stage is open or closed.
- The kind of a case decides the table the year's figures count it in: once the case is closed, or its
  first stage answered, changing it is a manager's, with a reason (``check_kind`` adds what may become what).

Changes are named by the register's columns (``domain.register.COLUMNS``) and their typed values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from domain.lifecycle import require_manager, resolve_outcome
from domain.register import RegisterRow
from domain.timescales import RuleError
from domain.vocab import Kind, Outcome, Role

#: The columns that are a stage's record, by the stage's number; ``closed`` (0) is the case's own.
RECORDS: dict[str, int] = {
    "received": 1, "closed": 0,
    "stage1_extended": 1, "stage1_responded": 1, "stage1_outcome": 1, "stage1_reopened": 1,
    "stage2_requested": 2, "stage2_declined": 2, "stage2_started": 2, "stage2_extended": 2,
    "stage2_responded": 2, "stage2_outcome": 2, "stage2_findings": 2,
    "stage3_requested": 3, "stage3_panel": 3, "stage3_responded": 3, "stage3_outcome": 3,
}
#: The dates of the last reopening of Stage 1 (the register's); ``stage1_reopened`` is its count.
REOPENING = ("stage1_reopened_on", "stage1_reopened_responded")


@dataclass(frozen=True)
class StoredCase:
    """What the rules for changes ask of a stored case: whether it, and each of its stages, is closed."""

    closed: bool  # the case has a closing date (a concern's reply; a compliment from the day it came)
    closed_stages: frozenset[int]  # the stages (their first round) responded to or declined
    reopening_closed: bool = False  # Stage 1 was reopened and its last reopening answered

    @classmethod
    def of_row(cls, row: RegisterRow) -> StoredCase:
        """A stored case as the register shows it (the import compares files with this view); the
        register leaves a compliment's closing date out, but it is closed from the day it came."""
        done = {1: row.stage1_responded, 2: row.stage2_responded or row.stage2_declined, 3: row.stage3_responded}
        open_again = row.stage1_reopened_on is not None and row.stage1_reopened_responded is None
        return cls(row.closed is not None or row.kind == Kind.COMPLIMENT,
                   frozenset(n for n, on in done.items() if on is not None),
                   row.stage1_reopened > 0 and not open_again)


def check_change(stored: StoredCase, column: str, old: Any, new: Any, role: Role, reason: str | None) -> None:
    """Whether ``role`` may change ``column`` of a stored case from ``old`` to ``new``, with ``reason``.

    RuleError naming the rule if not (see the module's docstring). Columns that are no stage's
    record (names, themes, the Ombudsman's enquiry...) any writer may change. The dates of a new
    reopening are not asked about here (they are not a change to a closed one).
    """
    if column in REOPENING:
        if not stored.reopening_closed:
            return
        what = f"changing {column.replace('_', ' ')} of an answered reopening"
    elif column == "kind":
        if not stored.closed and not stored.closed_stages:
            return
        what = "changing the kind of a closed case" if stored.closed else "changing the kind of an answered case"
    elif column not in RECORDS:
        return
    elif column == "stage1_reopened":
        if new >= old:  # reopening again is a transition every writer makes
            return
        what = f"removing {old - new} reopening{'s' if old - new != 1 else ''} of Stage 1"
    elif column == "closed" and old is not None:  # closing a case is a transition; changing its date is not
        what = "changing closed of a closed case"
    elif RECORDS[column] in stored.closed_stages:
        what = f"changing {column.replace('_', ' ')} of a closed stage"
    elif column == "received" and stored.closed:
        what = "changing received of a closed case"
    else:
        return
    require_manager(role, what)
    if not (reason or "").strip():
        raise RuleError(f"{what} needs a reason")


def check_outcome(outcome: str | None, findings: Iterable[str], role: Role, reason: str | None) -> bool:
    """Whether a recorded outcome overrides the one its findings give; RuleError if ``role`` may not.

    The rule is the response form's (``resolve_outcome``); without an outcome or findings there is
    nothing to override.
    """
    found = [Outcome(f) for f in findings]
    if outcome is None or not found:
        return False
    return resolve_outcome(Outcome(outcome), found, reason, role)[1]


def check_kind(stored: StoredCase, old: str, new: str, later_stages: bool, role: Role, reason: str | None) -> None:
    """Whether a case of kind ``old`` may become ``new`` (``later_stages``: it has gone past its first stage).

    A kind with a clock (complaints, concerns, enquiries, comments) becomes another kind with a clock, and a
    kind without one (compliments, referrals elsewhere) another without one; a case past Stage 1 keeps its
    kind (its Stage 2 and 3 are the procedure's). A closed or answered case: a manager, with a reason.
    """
    before, after = Kind(old), Kind(new)
    if before is after:
        return
    if before.has_clock != after.has_clock:
        ends = "close or withdraw it" if before.has_clock else "log the new representation"
        raise RuleError(f"kind: {old} cannot become {new} (one has a clock and the other none): {ends}, or "
                        "delete it (managers) and log it again")
    if later_stages:
        raise RuleError(f"kind: a {old} case that has gone past Stage 1 keeps its kind")
    check_change(stored, "kind", old, new, role, reason)

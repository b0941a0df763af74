"""What a case's state allows next: the steps the case screen offers ("Stage 2 requested: accept or decline").

Pure: from the case's kind, whether it is acknowledged and closed, its stages and its Ombudsman enquiries to a
few steps, each a sentence and the transitions (by id, as ``tui.actions`` names them) that take it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.clock import StageFacts
from domain.vocab import COMPLAINT_KINDS, NO_CLOCK_KINDS


@dataclass(frozen=True)
class Step:
    """A sentence saying where the case stands and what may be done, and the transitions that do it."""

    says: str
    actions: tuple[str, ...]


@dataclass(frozen=True)
class Enquiry:
    """An Ombudsman enquiry, as far as its next step goes."""

    received: date
    responded: bool  # the council has answered it (its due date is spent)
    decided: bool
    remedy: bool  # a remedy was set, not yet complied with


def next_steps(kind: str, stages: Sequence[StageFacts], *, acknowledged: bool, closed: bool,
               accepted: Sequence[bool] = (), most: int = 3, enquiries: Sequence[Enquiry] = ()) -> list[Step]:
    """The steps open to a case of ``kind`` with ``stages`` (oldest first; ``accepted``: each stage's request
    accepted), ``most`` stages in its procedure and ``enquiries`` from the Ombudsman."""
    steps: list[Step] = []
    if kind in NO_CLOCK_KINDS:
        return [Step("Nothing is due: no response is owed", ())]
    if not acknowledged and not closed:
        steps.append(Step("Not acknowledged yet: acknowledge it", ("acknowledge",)))
    live = [(s, ok) for s, ok in zip(stages, [*accepted, *[False] * len(stages)], strict=False)
            if s.responded is None and s.declined is None]
    if live:
        steps += _live(*live[-1])
    elif stages and not closed and kind in COMPLAINT_KINDS:
        last = stages[-1]
        if last.declined is not None:
            steps.append(Step(f"Stage {last.number} declined: close the case", ("close",)))
        elif last.number < most:
            steps.append(Step(f"Stage {last.number} responded: if the complainant asks, request Stage "
                              f"{last.number + 1}; or reopen Stage 1", (f"request{last.number + 1}", "reopen")))
    elif not closed and kind not in COMPLAINT_KINDS:
        steps.append(Step("Responded: close it", ("close",)))
    for e in enquiries:
        if not e.responded:
            steps.append(Step(f"Ombudsman enquiry of {e.received:%d/%m/%Y}: respond to it", ("lgo_response",)))
        elif not e.decided:
            steps.append(Step(f"Ombudsman enquiry of {e.received:%d/%m/%Y}: record its decision",
                              ("lgo_decision",)))
        elif e.remedy:
            steps.append(Step("Ombudsman remedy: record compliance", ("lgo_complied",)))
    if closed and not steps:
        steps.append(Step("Closed: nothing is due", ()))
    return steps


def _live(stage: StageFacts, accepted: bool) -> list[Step]:
    """The live stage's steps, by where its clock stands."""
    n = stage.number
    if stage.paused_since is not None:
        return [Step(f"Stage {n}'s clock is paused since {stage.paused_since:%d/%m/%Y}: resume it", ("resume",))]
    if stage.procedure not in COMPLAINT_KINDS:
        return [_running(stage, "Awaiting the response")]
    if n > 1 and not accepted and stage.statement_agreed is None:
        return [Step(f"Stage {n} requested: accept or decline", ("accept", "decline"))]
    if stage.procedure == "statutory" and n == 2 and stage.statement_agreed is None:
        return [Step("Stage 2 accepted: agree the statement of complaint, and assign the investigator and "
                     "independent person", ("statement", "assign"))]
    if stage.procedure == "statutory" and n == 3:
        if stage.panel_on is None:
            return [Step("Stage 3 accepted: schedule the review panel", ("panel", "assign"))]
        if stage.findings_on is None:
            return [Step(f"Panel on {stage.panel_on:%d/%m/%Y}: record its findings", ("findings",))]
        return [Step("Findings received: send the final response", ("respond",))]
    return [_running(stage, f"Stage {n} under way")]


def _running(stage: StageFacts, what: str) -> Step:
    """A running clock's step: respond, extend (once: never a stage already extended) or pause."""
    if stage.extended_on is not None:
        return Step(f"{what} (extended on {stage.extended_on:%d/%m/%Y}): respond or pause the clock",
                    ("respond", "pause"))
    return Step(f"{what}: respond, extend or pause the clock", ("respond", "extend", "pause"))

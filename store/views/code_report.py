"""A year's facts for the Complaint Handling Code's annual report (``domain.code_report`` counts them)."""

from __future__ import annotations

from sqlmodel import col, select

from domain.clock import StageDates
from domain.code_report import CodeFacts, EnquiryFact, LetterFigures
from domain.config import Config
from domain.year import FinancialYear
from store.db.database import Database
from store.db.models import Case, CodeSelfAssessment, LearningAction, OmbudsmanEnquiry, OmbudsmanLetter, Stage


def code_facts(db: Database, config: Config, year: FinancialYear) -> CodeFacts:
    """Corporate stages of cases under the Code with a date in or before the year, refusals, improvements, the
    letter, the council's Ombudsman enquiries and the self-assessment of ``year``."""
    rules = config.rules
    with db.read() as session:
        stages, outcomes = [], []
        query = (select(Stage).where(Stage.procedure == "corporate", col(Stage.requested) <= year.end)
                 .order_by(col(Stage.case_id), col(Stage.number), col(Stage.round)))
        for s in session.exec(query):
            if not rules.under_code("corporate", s.case_received):
                continue
            stages.append(StageDates(s.procedure, s.number, s.requested, s.statement_agreed, s.extended_on,
                                     s.extended_days, s.paused_since, s.paused_days, s.panel_on, s.findings_on,
                                     s.responded, s.declined, s.acknowledged, s.case_received))
            outcomes.append(s.outcome)
        refused: list[tuple[str, str | None]] = [(c.exclusion or "other", c.kind) for c in session.exec(
            select(Case).where(col(Case.not_accepted) >= year.start, col(Case.not_accepted) <= year.end,
                               Case.kind == "corporate"))]
        improvements = [(a.done, a.description, a.done_note) for a, _ in session.exec(
            select(LearningAction, Case).join(Case, col(Case.id) == LearningAction.case_id)
            .where(col(LearningAction.done) >= year.start, col(LearningAction.done) <= year.end,
                   Case.kind == "corporate")) if a.done is not None]
        row = session.get(OmbudsmanLetter, year.first)
        letter = LetterFigures(row.received, row.decided, row.upheld, row.compliance_percent,
                               row.remedied_by_council) if row else None
        enquiries = [EnquiryFact(e.received, e.decided, e.decision, e.compliance_due, e.complied)
                     for e in session.exec(select(OmbudsmanEnquiry).where(col(OmbudsmanEnquiry.received) <= year.end))]
        assessments = {a.section: (a.compliance, a.evidence, a.actions, a.assessed_on) for a in session.exec(
            select(CodeSelfAssessment).where(CodeSelfAssessment.year == year.first))}
    return CodeFacts(year, stages, outcomes, refused, improvements, letter, enquiries, assessments)

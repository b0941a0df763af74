"""What a year-end table looks like to a reader: labels, cells with last year beside them, kept rows.

Shared by every display format (terminal, text, Markdown, HTML) so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from domain.figures import Figures, Row, Table, Value
from domain.harmless import shown
from domain.vocab import DISPLAY
from domain.year import half_up

#: Tables whose columns are already years: they carry their own comparison.
TREND_TABLES = frozenset({"representations_by_type", "monthly_received"})
MONEY_COLUMNS = frozenset({"total_cost", "average_cost", "amount"})

#: Row labels: the vocabulary's display names (``domain.vocab.DISPLAY``), and the figures' own names
#: for kinds as counted ("Compliments"), buckets and rows.
LABELS = {
    **DISPLAY,
    "statutory": "Statutory (Children Act) complaints", "corporate": "Corporate complaints",
    "concern": "Concerns and enquiries", "mp_enquiry": "MP enquiries", "councillor_enquiry": "Councillor enquiries",
    "compliment": "Compliments", "comment": "Comments", "referred_elsewhere": "Referred elsewhere",
    "email": "Email", "phone": "Phone", "letter": "Letter", "web_form": "Web form",
    "complaint_form": "Complaint form", "in_person": "In person", "meeting": "Meeting", "advocate": "Advocate",
    "app": "App", "text": "Text message", "other": "Other", "not_recorded": "Not recorded", "total": "Total",
    "child": "Child or young person", "parent": "Parent or step-parent", "relative": "Other relative",
    "foster_carer": "Foster carer", "adopter": "Adopter", "special_guardian": "Special guardian",
    "professional": "Professional",
    "within_10": "Within 10 working days", "11_to_20": "11 to 20 working days", "over_20": "Over 20 working days",
    "responded": "Responded to", "extended": "Extended (by agreement)", "within_timescale": "Within timescale",
    "outside_timescale": "Outside timescale",
    "within_25": "Within 25 working days", "26_to_65": "26 to 65 working days", "over_65": "Over 65 working days",
    "average_working_days": "Average working days",
    "upheld": "Upheld", "partially_upheld": "Partially upheld", "not_upheld": "Not upheld",
    "not_determined": "Not determined", "withdrawn": "Withdrawn", "outside_remit": "Outside the remit",
    "not_qualified": "Did not qualify (advice)", "legal_proceedings": "Legal proceedings pending",
    "not_pursued": "Not pursued",
    "stage2_requested": "Stage 2 requested", "stage2_declined": "Stage 2 declined",
    "stage2_started": "Stage 2 started", "stage3_requested": "Stage 3 requested",
    "stage3_panels": "Stage 3 panels held", "escalation_rate": "Escalation rate (Stage 1 to Stage 2)",
    "statutory_stage1": "Statutory Stage 1", "statutory_stage2": "Statutory Stage 2",
    "statutory_stage3": "Statutory Stage 3", "corporate_stage1": "Corporate Stage 1",
    "corporate_stage2": "Corporate Stage 2", "corporate_stage3": "Corporate Stage 3",
    "lgo": "Ombudsman enquiries",
    "apr": "April", "may": "May", "jun": "June", "jul": "July", "aug": "August", "sep": "September",
    "oct": "October", "nov": "November", "dec": "December", "jan": "January", "feb": "February", "mar": "March",
    "reopened_complaints": "Complaints reopened", "reopenings": "Reopenings in all",
    "reopened_more_than_once": "Reopened more than once",
    "from_child": "From a child or young person", "with_advocate": "With an advocate",
    "with_nyas": "With NYAS", "stage2": "Stage 2", "stage3": "Stage 3",
    "received": "Received", "closed": "Closed", "payments": "Payments",
    "closed_after_initial_enquiries": "Closed after initial enquiries", "invalid": "Invalid or incomplete",
    "premature": "Premature (referred back)", "outside_jurisdiction": "Outside jurisdiction",
    "investigated_fault": "Investigated: fault found", "investigated_no_fault": "Investigated: no fault",
    "open": "Open", "done": "Done", "overdue": "Overdue",
}
COLUMN_LABELS = {
    "count": "Number", "percent": "%", "upheld_or_partly": "Upheld or partly", "people": "People",
    "contacts": "Contacts", "cases": "Cases", "total_cost": "Total cost", "average_cost": "Average cost",
    "amount": "Amount", "carried_forward": "Carried forward", "received": "Received",
    "worked_with": "Worked with", "concluded": "Concluded", "ongoing": "Ongoing", "upheld": "Upheld",
    "partially_upheld": "Partly upheld", "not_upheld": "Not upheld", "other": "Other", "total": "Total",
}


def row_label(table_id: str, key: str) -> str:
    if table_id == "repeat_complainants" and key.isdigit():
        return f"{key} contacts"
    return LABELS.get(key) or shown(key)  # the council's own categories are shown as recorded, harmlessly


def show(value: Value, column: str = "", currency: str = "£") -> str:
    """A value as a reader sees it: whole percentages, pounds and pence, thousands separated."""
    if value is None:
        return "-"
    if isinstance(value, Fraction):
        return f"{half_up(value * 100)}%"
    if isinstance(value, Decimal):
        return f"{currency}{value:,.2f}" if column in MONEY_COLUMNS else f"{value}"
    return f"{value:,}"


@dataclass
class Shown:
    """A table laid out for display: header and rows of strings, the total row marked."""

    id: str
    title: str
    basis: str
    header: list[str]
    rows: list[list[str]]
    total_rows: set[int]


def lay_out(table: Table, previous: Table | None, currency: str = "£") -> Shown:
    """Rows of ``table`` with last year's figure in brackets; rows empty in both years left out."""
    compare = previous is not None and table.id not in TREND_TABLES
    before: dict[str, Row] = {r.key: r for r in previous.rows} if compare and previous else {}
    rows: list[list[str]] = []
    totals: set[int] = set()
    for row in table.shown_rows(previous if compare else None):
        old = before.get(row.key)
        cells = [row_label(table.id, row.key)]
        for i, (column, value) in enumerate(zip(table.columns, row.values, strict=True)):
            cell = show(value, column, currency)
            if compare and value is not None:
                cell += f" ({show(old.values[i] if old else 0, column, currency)})"
            cells.append(cell)
        if row.key == "total":
            totals.add(len(rows))
        rows.append(cells)
    header = ["", *(COLUMN_LABELS.get(c, c) for c in table.columns)]
    return Shown(table.id, table.title, table.basis, header, rows, totals)


def chosen(figures: Figures, table_ids: list[str] | None) -> list[Table]:
    if not table_ids:
        return figures.tables
    return [figures.table(t) for t in table_ids]

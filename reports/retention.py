"""What retention says: the long-closed cases it would anonymise, or did (by reference only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.harmless import shown

if TYPE_CHECKING:
    from store.housekeeping.privacy import RetentionPlan

LISTED = 200  # references listed before "... and N more"


def retained(plan: RetentionPlan) -> str:
    """'3 cases closed before 10/01/2027 (2 people)'."""
    count = len(plan.references)
    people = f"{plan.people:,} {'person' if plan.people == 1 else 'people'}"
    return f"{count:,} case{'s' if count != 1 else ''} closed before {plan.cutoff:%d/%m/%Y} ({people})"


def retention_lines(plan: RetentionPlan, applied: bool) -> list[str]:
    """What was anonymised (``applied``), or else what would be, listed by reference, and how to do it."""
    count, deleted = len(plan.references), plan.deleted_events
    reasons = f"the reasons given for deleting {deleted:,} case{'s' if deleted != 1 else ''}"
    if applied:
        return [f"Anonymised {retained(plan)}" + (f" in {plan.batches:,} batches" if plan.batches > 1 else "")
                + (f"; {reasons} went too." if deleted else ".")]
    lines = [f"{retained(plan)} would be anonymised:" if count else
             f"No cases closed before {plan.cutoff:%d/%m/%Y} still hold personal details."]
    lines += [f"  {shown(reference)}" for reference in plan.references[:LISTED]]
    if count > LISTED:
        lines.append(f"  ... and {count - LISTED:,} more")
    if deleted:
        lines.append(f"{reasons[0].upper()}{reasons[1:]} (naming them, or given before "
                     f"{plan.cutoff:%d/%m/%Y}) would go too.")
    if count or deleted:
        lines.append("Run again with --apply to anonymise them (managers only).")
    return lines

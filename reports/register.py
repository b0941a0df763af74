"""What an import of the case register says it did: counts, changed cases, names added, people merged.

Stored text is shown harmlessly; the people taken as one by their name alone are given by row only
(names are personal data).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.harmless import shown

if TYPE_CHECKING:
    from store.register.plan import ImportResult

UPDATED_LISTED = 50  # changed cases named, one a line
MERGED_LISTED = 20  # groups of rows taken as one person

LIST_LABELS = {"themes": "themes", "team": "teams", "service_area": "service areas", "officer": "officers"}


def import_summary(file_name: str, where: str, result: ImportResult) -> list[str]:
    counts = (f"{len(result.created):,} created, {len(result.updated):,} updated, "
              f"{result.unchanged:,} unchanged")
    if result.dry_run:
        lines = [f"Dry run of {file_name} against {where}: nothing was written. It would create "
                 f"{len(result.created):,}, update {len(result.updated):,} and leave {result.unchanged:,} "
                 "unchanged."]
    else:
        lines = [f"Imported {file_name} into {where}: {counts}."]
    for reference, columns in list(result.updated.items())[:UPDATED_LISTED]:
        lines.append(f"  updated {shown(reference)}: {', '.join(columns)}")
    if len(result.updated) > UPDATED_LISTED:
        lines.append(f"  ... and {len(result.updated) - UPDATED_LISTED:,} more updated (see each case's history)")
    for column, names in result.new_names.items():
        if names:
            lines.append(f"{'Would add' if result.dry_run else 'Added'} to the council's {LIST_LABELS[column]}: "
                         f"{shown(', '.join(names))}")
    return lines + merged_by_name(result.merged_by_name)


def merged_by_name(groups: list[tuple[list[int], bool]], most: int = MERGED_LISTED) -> list[str]:
    """The rows taken as one person by their name alone: by row only (names are personal data)."""
    if not groups:
        return []
    lines = [f"{len(groups):,} {'people' if len(groups) != 1 else 'person'} matched by name alone, with no "
             "complainant_id (give one to keep different people apart):"]
    for rows, stored in groups[:most]:
        listed = ", ".join(map(str, rows[:10])) + (f" and {len(rows) - 10:,} more" if len(rows) > 10 else "")
        who = ("one person, already stored" if len(rows) > 1 else "a person already stored") if stored \
            else "one person"
        lines.append(f"  row{'s' if len(rows) != 1 else ''} {listed}: {who}")
    if len(groups) > most:
        lines.append(f"  ... and {len(groups) - most:,} more")
    return lines

"""Related and duplicate cases from the command line: ``link`` two cases, ``merge`` a duplicate into another
(``unmerge`` puts it back), and ``undo`` your own last change to a case. The store's rules, as the TUI's keys."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import DbOption, check_text, opened
from domain.harmless import shown

ReasonOption = Annotated[str | None, typer.Option("--reason", help="Why (kept in the audit trail).")]


def link(
    reference: Annotated[str, typer.Argument(help="The case's reference.")],
    other: Annotated[str, typer.Argument(help="The related case's reference.")],
    reason: ReasonOption = None,
    remove: Annotated[bool, typer.Option("--remove", help="Unlink the two instead.")] = False,
    db: DbOption = None,
) -> None:
    """Link two related cases (shown on both, recorded on both), or unlink them with --remove.

    Example: complaints link CS-2026-00042 CC-2026-00007 --reason "same family, same social worker"
    """
    from domain.limits import TEXT
    from store.lifecycle.service import CaseService

    for value, what in ((reference, "REFERENCE"), (other, "OTHER")):
        check_text(value, what)
    check_text(reason, "--reason", TEXT)
    with opened(db) as (database, config):
        service = CaseService(database, config)
        if remove:
            service.unlink(reference, other)
        else:
            service.link(reference, other, reason)
    typer.echo(f"{reference.strip()} and {other.strip()} {'unlinked' if remove else 'linked'}")


def merge(
    duplicate: Annotated[str, typer.Argument(help="The duplicate case's reference: it is removed.")],
    into: Annotated[str, typer.Argument(help="The reference of the case it is merged into: it is kept.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit trail).")] = "",
    complainant: Annotated[bool, typer.Option(
        "--complainant", help="Merge the two cases' complainants instead (one person recorded twice).")] = False,
    db: DbOption = None,
) -> None:
    """Merge a duplicate case into another (managers only, with a reason); `complaints unmerge` undoes it.

    Its notes, documents, learning actions, Ombudsman enquiries, themes and links move to the case kept; its
    own stages and history are kept in the merge's record (the year's figures count the complaint once), and
    come back if the merge is undone. With --complainant, every case of the duplicate case's complainant
    becomes the other's, and the duplicate person is removed.

    Example: complaints merge CS-2026-00043 CS-2026-00042 --reason "the same email logged twice"
    """
    from domain.limits import TEXT
    from store.lifecycle.service import CaseService

    for value, what in ((duplicate, "DUPLICATE"), (into, "INTO")):
        check_text(value, what)
    check_text(reason, "--reason", TEXT)
    with opened(db) as (database, config):
        service = CaseService(database, config)
        if complainant:
            merged = service.merge_people(service.person_of(duplicate), service.person_of(into), reason)
            what = f"the complainant of {duplicate.strip()} merged into the complainant of {into.strip()}"
        else:
            merged = service.merge_cases(duplicate, into, reason)
            what = f"{duplicate.strip()} merged into {into.strip()}"
    typer.echo(f"{what} (merge {merged}; undo it with: complaints unmerge {merged})")


def unmerge(
    merge_id: Annotated[int, typer.Argument(metavar="MERGE_ID", help="The merge's number, as `merge` printed it.")],
    reason: ReasonOption = None,
    db: DbOption = None,
) -> None:
    """Undo a merge: the duplicate case (or person) is put back as it was, and what moved goes back to it.

    Example: complaints unmerge 7 --reason "not the same complaint after all"
    """
    from domain.limits import TEXT
    from store.lifecycle.service import CaseService

    check_text(reason, "--reason", TEXT)
    with opened(db) as (database, config):
        said = CaseService(database, config).undo_merge(merge_id, reason)
    typer.echo(f"merge {merge_id} undone: {shown(said)}")


def undo(
    reference: Annotated[str, typer.Argument(help="The case's reference.")],
    db: DbOption = None,
) -> None:
    """Undo your own last change to a case, recorded as a change of its own.

    Refused, saying why, if a colleague has changed the case since, or if that change cannot be undone
    (then it says what to do instead).

    Example: complaints undo CS-2026-00042
    """
    from store.lifecycle.service import CaseService

    check_text(reference, "REFERENCE")
    with opened(db) as (database, config):
        said = CaseService(database, config).undo_last(reference)
    typer.echo(f"undone: {shown(said)}")

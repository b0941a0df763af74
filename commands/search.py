"""``complaints search``: every case whose reference, people, team, service area, officer, themes, summary,
notes or documents hold the words, best first, each with where it matched."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cli import DbOption, Format, check_text, opened
from domain.harmless import json_text, shown


def search(
    text: Annotated[str, typer.Argument(help="The words to find (the last may be the start of a word).")],
    fmt: Annotated[Format, typer.Option("--format", help="text for people, json for programs.")] = Format.text,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="At most this many cases.")] = 50,
    db: DbOption = None,
) -> None:
    """Find cases by anything they hold: reference, complainant, child, advocate, contact, team, service area,
    officer, themes, summary, notes and documents (an email's sender, subject and text).

    Every word must be in one place (the case's own details, one note or one document); the last word may be
    the start of one ("Khan fost" finds Fostering). Symbols (quotes, *, -, :) only separate words, never syntax.

    Example: complaints search "Fostering Khan" --format json
    """
    from datetime import date

    from domain.limits import TEXT
    from store.views.search import search as find

    check_text(text, "TEXT", TEXT)
    with opened(db, read_only=True, today=date.today()) as reading:
        hits = find(reading.conn, text, limit=limit + 1, placeholder=reading.placeholder)
    more, hits = len(hits) > limit, hits[:limit]
    if more:  # said apart from the answer (stderr), so that a program reading the JSON is not disturbed
        typer.echo(f"More cases hold it than the first {limit} shown: --limit for more, or more words.", err=True)
    if fmt is Format.json:
        records = [{"reference": h.reference, "kind": h.kind, "complainant": h.name, "closed": h.closed,
                    "matched": h.where} for h in hits]
        typer.echo(json_text(json.dumps(records, indent=2, ensure_ascii=False)))
        return
    if not hits:
        typer.echo(f"No case holds {shown(text.strip())!r}.")
        return
    for hit in hits:
        state = "closed" if hit.closed else "open"
        typer.echo(shown(f"{hit.reference}  {hit.name or '(no complainant)'}  ({hit.kind}, {state})"))
        for where in hit.where:
            typer.echo(shown(f"    {where}"))

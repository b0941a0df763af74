"""Search everything: cases found by the full-text index (``store.db.search_index``), best first, each with where
it matched ("complainant: Jo Example", "note 3: ...phoned about the visit...").

What is typed is only ever words: letters and digits, each searched as the start of a word, all of them in one
row (a case's own fields, one note or one document). Quotes, ``*``, ``NEAR``, ``-`` or ``:`` are never the
index's syntax; the text is cut at ``SEARCH_TEXT`` characters and ``SEARCH_WORDS`` words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from store.db.search_index import COLUMNS, WEIGHTS
from store.db.sql import fetch

SEARCH_TEXT = 200  # characters of a search read; the rest is ignored
SEARCH_WORDS = 8
_WORD = re.compile(r"[^\W_]+")
LABELS = {"reference": "reference", "complainant": "complainant", "child": "child", "advocate": "advocate",
          "contact": "contact", "team": "team", "area": "service area", "officer": "officer", "themes": "themes",
          "summary": "summary"}
SHOWN = 70  # characters of matched text shown


@dataclass
class SearchHit:
    """One case found: its reference, kind, complainant, and where it matched, best first."""

    reference: str
    kind: str
    name: str | None
    closed: bool
    where: list[str] = field(default_factory=list)


def words(text: str) -> list[str]:
    """The words searched for in ``text``: letters and digits only, folded, at most ``SEARCH_WORDS``."""
    return [_fold(w) for w in _WORD.findall(text[:SEARCH_TEXT])][:SEARCH_WORDS]


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def fts_query(found: list[str], postgres: bool) -> str:
    """The index's query for these words (each only letters and digits: never the index's syntax)."""
    if postgres:
        return " & ".join(f"{w}:*" for w in found)
    return " ".join(f'"{w}"*' for w in found)


def matching_cases_sql(postgres: bool) -> str:
    """SQL for the ids of cases matching ``:fts`` (the caseload's filter)."""
    if postgres:
        return "SELECT case_id FROM search_text WHERE tsv @@ to_tsquery('simple', :fts)"
    return "SELECT case_id FROM search_text WHERE search_text MATCH :fts"


def search(connection: Any, text: str, *, limit: int = 50, placeholder: str = "?") -> list[SearchHit]:
    """The first ``limit`` cases matching ``text``, best first."""
    found = words(text)
    if not found:
        return []
    postgres = placeholder != "?"
    cols = ", ".join(f"s.{c}" for c in COLUMNS)
    if postgres:
        sql = (f"SELECT s.case_id, s.id AS row_id, {cols} FROM search_text s WHERE s.tsv @@ to_tsquery('simple', "
               ":fts) ORDER BY ts_rank(s.tsv, to_tsquery('simple', :fts)) DESC, s.id LIMIT :rows")
    else:
        weights = ", ".join(str(WEIGHTS[c][0]) for c in COLUMNS)
        sql = (f"SELECT s.case_id, s.rowid AS row_id, {cols} FROM search_text s WHERE search_text MATCH :fts "
               f"ORDER BY bm25(search_text, 0, {weights}), s.rowid LIMIT :rows")
    cursor = connection.cursor()
    rows = fetch(cursor, sql, {"fts": fts_query(found, postgres), "rows": limit * 4}, placeholder)
    order: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        order.setdefault(int(row["case_id"]), []).append(row)
    chosen = list(order)[:limit]
    if not chosen:
        return []
    marks = ", ".join(f":c{i}" for i in range(len(chosen)))
    ids = {f"c{i}": case_id for i, case_id in enumerate(chosen)}
    cases = {r["id"]: r for r in fetch(cursor, f"""SELECT c.id, c.reference, c.kind, p.name, c.closed
        FROM "case" c LEFT JOIN person p ON p.id = c.person_id WHERE c.id IN ({marks})""", ids, placeholder)}
    hits = []
    for case_id in chosen:
        case = cases.get(case_id)
        if case is None:
            continue
        hit = SearchHit(case["reference"], case["kind"], case["name"], case["closed"] is not None)
        for row in order[case_id]:
            hit.where += _where(cursor, row, found, placeholder)
        hits.append(hit)
    return hits


def _where(cursor: Any, row: dict[str, Any], found: list[str], placeholder: str) -> list[str]:
    """Where a row matched: each of its fields holding one of the words, with the text around it."""
    row_id = int(row["row_id"])
    if row_id > 0:
        return [f"{_ordinal(cursor, row_id, placeholder)}: {_around(row['text'] or '', found)}"]
    return [f"{LABELS[c]}: {_around(row[c], found)}" for c in COLUMNS[:-1]
            if row[c] and any(_starts(w, row[c]) for w in found)]


def _ordinal(cursor: Any, row_id: int, placeholder: str) -> str:
    """"note 3" or "document 2": the row's place on its case, oldest first (as the case screen lists them)."""
    table, at, item = ("note", "contact_at", row_id // 2) if row_id % 2 == 0 else ("document", "added_at", row_id // 2)
    place = fetch(cursor, f"""SELECT count(*) AS n FROM {table} x JOIN {table} y ON y.case_id = x.case_id
        WHERE x.id = :item AND (y.{at} < x.{at} OR (y.{at} = x.{at} AND y.id <= x.id))""", {"item": item}, placeholder)
    return f"{table} {place[0]['n']}"


def _starts(word: str, text: str) -> bool:
    return any(w.startswith(word) for w in (_fold(t) for t in _WORD.findall(text)))


def _around(text: str, found: list[str]) -> str:
    """The text around the first word matched, on one line, cut to ``SHOWN`` characters."""
    text = " ".join(text.split())
    if len(text) <= SHOWN:
        return text
    start = 0
    for match in _WORD.finditer(text):
        if any(_fold(match.group()).startswith(w) for w in found):
            start = match.start()
            break
    begin = max(0, start - 20)
    piece = text[begin:begin + SHOWN]
    return ("..." if begin else "") + piece + ("..." if begin + SHOWN < len(text) else "")

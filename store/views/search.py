"""Search everything: cases found by the full-text index (``store.db.search_index``), best first, each with where
it matched ("complainant: Jo Example", "note 3: ...phoned about the visit...").

What is typed is only ever words: letters and digits, whole words but the last, which may be the start of a
word (it may be still being typed), all of them in one row (a case's own fields, one note or one document).
Quotes, ``*``, ``NEAR``, ``-`` or ``:`` are never the index's syntax; the text is cut at ``SEARCH_TEXT``
characters and ``SEARCH_WORDS`` words.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from domain.vocab import label
from store.db.search_index import COLUMNS, TIERS
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


def words(text: str, postgres: bool = False) -> list[str]:
    """The words searched for in ``text``: letters and digits only, folded, at most ``SEARCH_WORDS``.

    SQLite's index folds accents ("zoe" finds Zoë); PostgreSQL's (the "simple" configuration, no extension
    needed) keeps them, so there only the case is folded."""
    found = _WORD.findall(text[:SEARCH_TEXT])[:SEARCH_WORDS]
    return [w.casefold() for w in found] if postgres else [_fold(w) for w in found]


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def tier_query(found: list[str], tier: int, postgres: bool, whole: bool = False) -> str:
    """The index's query for the rows of ``TIERS[tier]``: every word in the row, one of them in the tier's
    columns (SQLite's first tier: every word in the names' own index); ``whole``: every word in the tier's columns
    (``STEPS``)."""
    if postgres:
        letter, above = "ABCD"[tier], "ABCD"[:tier]
        typed = [f"{w}:" for w in found[:-1]] + [f"{found[-1]}:*"]  # the last word may be still being typed
        if whole:
            head = f"({' & '.join(f'{t}{letter}' for t in typed)})"
        else:
            head = f"({' & '.join(t.rstrip(':') for t in typed)}) & ({' | '.join(f'{t}{letter}' for t in typed)})"
        return head + (f" & !({' | '.join(f'{t}{above}' for t in typed)})" if above else "")
    typed = [f'"{w}"' for w in found[:-1]] + [f'"{found[-1]}"*']  # the last word may be still being typed
    every = " ".join(typed)
    if tier == 0:
        return every
    anyone = " OR ".join(typed)
    columns = f"{{{' '.join(TIERS[tier])}}}"
    query = f"{columns} : ({every})" if whole else f"({every}) AND {columns} : ({anyone})"
    if tier == 2:
        query += f" NOT {{{' '.join(TIERS[1])}}} : ({anyone})"
    return query


#: The order the tiers are read in: in the case's own tiers, a case whose every word is in the tier's columns
#: comes before one whose words are spread over its fields (``whole``). It is also the cheaper query: a team's
#: name at 1,000,000 cases, 9 ms for its first 200 rows where every word somewhere in the row took 30-46 ms.
#: ``None``: the text is exactly a team's, service area's, officer's or theme's name (``named``): that one's cases,
#: before those whose service area merely holds the team's words ("Fostering" before "Fostering and Adoption").
STEPS: tuple[tuple[int, bool | None], ...] = ((0, False), (1, None), (1, True), (1, False), (2, True), (2, False),
                                              (3, False))
#: The council's lists a name is looked up in: the table, the case's column (or ``None``: ``case_theme``) and the
#: index column holding it.
NAMED = (("team", "team_id", "team"), ("service_area", "service_area_id", "area"), ("officer", "officer_id", "officer"),
         ("theme", None, "themes"))
NAMES_READ = 2_000  # names read of each list at most (the lists are tens of names)


def _key(text: str) -> str:
    """A name as compared: case and accents folded, runs of spaces as one."""
    return " ".join(_fold(text).split())


def named(cursor: Any, text: str, placeholder: str = "?") -> dict[str, list[int]]:
    """The team, service area, officer and theme ids whose name is exactly ``text`` (``_key``), by table."""
    key = _key(text[:SEARCH_TEXT])
    if not key:
        return {}
    found: dict[str, list[int]] = {}
    for table, _, _ in NAMED:
        for row in fetch(cursor, f"SELECT id, name FROM {table} ORDER BY id LIMIT :n", {"n": NAMES_READ}, placeholder):
            if _key(row["name"]) == key:
                found.setdefault(table, []).append(int(row["id"]))
    return found


def named_sql(found: dict[str, list[int]], text: str, postgres: bool) -> tuple[str, dict[str, Any]]:
    """The named step's read: the cases of the teams, areas, officers and themes ``found``, newest first, each with
    its case row of the index (as the tiers read it), without ``:rows``.

    There is no index on a case's team or service area (nor on a theme's cases by case), and no migration here:
    read from the case, a team's name with few cases scanned every case (120 ms at 1,000,000). On SQLite the index
    is read instead: the rows holding the name as a phrase in its column, newest first, kept when the case is that
    team's (its primary key), so a name costs the rows holding its words, not every case; at 1,000,000 cases 1-5 ms
    for a team, area or theme, up to 90-120 ms for one with few cases whose words are in a busy one's name ("Early
    Help" beside "Early Help North"). An officer's cases are read by its index, on both; PostgreSQL's planner reads
    the case table (its primary key backwards, or the officer's or theme's index)."""
    cols = ", ".join(f"s.{c}" for c in COLUMNS)
    args: dict[str, Any] = {}
    tests, phrases = [], []
    for table, column, indexed in NAMED:
        ids = found.get(table, [])
        if not ids:
            continue
        marks = ", ".join(f":{table}{n}" for n in range(len(ids)))
        args |= {f"{table}{n}": i for n, i in enumerate(ids)}
        tests.append(f"c.{column} IN ({marks})" if column else
                     f"EXISTS (SELECT 1 FROM case_theme ct WHERE ct.case_id = c.id AND ct.theme_id IN ({marks}))")
        phrases.append(f'{{{indexed}}} : "{" ".join(words(text))}"')
    where = " OR ".join(f"({t})" for t in tests)
    if postgres or set(found) == {"officer"}:  # an officer's cases: its index, newest first
        row_id = "id" if postgres else "rowid"
        return (f"SELECT s.case_id, s.{row_id} AS row_id, {cols} FROM (SELECT c.id FROM \"case\" c WHERE {where} "
                f"ORDER BY c.id DESC LIMIT :rows) k JOIN search_text s ON s.{row_id} = -k.id ORDER BY k.id DESC"), args
    args["fts"] = " OR ".join(phrases)
    return (f"SELECT s.case_id, s.rowid AS row_id, {cols} FROM search_text s JOIN \"case\" c ON c.id = -s.rowid "
            f"WHERE search_text MATCH :fts AND s.rowid < 0 AND ({where}) LIMIT :rows"), args


def matching(connection: Any, text: str, limit: int, placeholder: str = "?") -> list[tuple[int, list[dict[str, Any]]]]:
    """The first ``limit`` cases matching ``text``, best first (``STEPS``), each with its rows that matched.

    Each step is read in the index's order (newest case first) and stops at the rows it needs; a case already
    found in a step above is passed over."""
    postgres = placeholder != "?"
    found = words(text, postgres)
    if not found:
        return []
    cursor = connection.cursor()
    order: dict[int, list[dict[str, Any]]] = {}
    last = len(TIERS) - 1
    for tier, whole in STEPS:
        want = limit - len(order)
        if want <= 0:
            break
        if len(found) == 1 and whole is False and (tier, True) in STEPS:  # one word: its whole step was the same
            continue
        # notes and documents may be several of one case: read more of them
        rows = len(order) + (want if tier < last else want * 4)
        if whole is None:
            names = named(cursor, text, placeholder)
            if not names:
                continue
            sql, args = named_sql(names, text, postgres)
            args["rows"] = rows
        else:
            sql, args = _tier_sql(tier, postgres), {"fts": tier_query(found, tier, postgres, whole), "rows": rows}
        seen = set(order)
        for row in fetch(cursor, sql, args, placeholder):
            case_id = int(row["case_id"])
            if case_id not in seen and (case_id in order or len(order) < limit):
                order.setdefault(case_id, []).append(row)
    return list(order.items())[:limit]


def _tier_sql(tier: int, postgres: bool) -> str:
    """The read of one tier's step (``:fts``, ``:rows``), in the index's order."""
    cols = ", ".join(f"s.{c}" for c in COLUMNS)
    if postgres:
        return (f"SELECT s.case_id, s.id AS row_id, {cols} FROM search_text s WHERE s.tsv @@ to_tsquery('simple', "
                ":fts) ORDER BY s.id LIMIT :rows")
    if tier == 0:
        return (f"SELECT s.case_id, s.rowid AS row_id, {cols} FROM search_name n CROSS JOIN search_text s "
                "ON s.rowid = n.rowid WHERE search_name MATCH :fts LIMIT :rows")
    side = "s.rowid > 0" if tier == len(TIERS) - 1 else "s.rowid < 0"  # case rows are below zero, notes' above
    return (f"SELECT s.case_id, s.rowid AS row_id, {cols} FROM search_text s WHERE search_text MATCH :fts "
            f"AND {side} LIMIT :rows")


def search(connection: Any, text: str, *, limit: int = 50, placeholder: str = "?") -> list[SearchHit]:
    """The first ``limit`` cases matching ``text``, best first, each with where it matched."""
    found = words(text)
    chosen = matching(connection, text, limit, placeholder)
    if not chosen:
        return []
    cursor = connection.cursor()
    marks = ", ".join(f":c{i}" for i in range(len(chosen)))
    ids = {f"c{i}": case_id for i, (case_id, _) in enumerate(chosen)}
    cases = {r["id"]: r for r in fetch(cursor, f"""SELECT c.id, c.reference, c.kind, p.name, c.closed
        FROM "case" c LEFT JOIN person p ON p.id = c.person_id WHERE c.id IN ({marks})""", ids, placeholder)}
    hits = []
    for case_id, rows in chosen:
        case = cases.get(case_id)
        if case is None:
            continue
        hit = SearchHit(case["reference"], case["kind"], case["name"], case["closed"] is not None)
        for row in rows:
            hit.where += where_matched(cursor, row, found, placeholder)
        hits.append(hit)
    return hits


def where_matched(cursor: Any, row: dict[str, Any], found: list[str], placeholder: str) -> list[str]:
    """Where a row matched: each of its fields holding one of the words, with the text around it."""
    row_id = int(row["row_id"])
    if row_id > 0:
        return [f"{_ordinal(cursor, row_id, placeholder)}: {_around(row['text'] or '', found)}"]
    return [f"{LABELS[c]}: {_around(label(row[c]) if c == 'advocate' else row[c], found)}" for c in COLUMNS[:-1]
            if row[c] and any(_starts(w, row[c]) for w in found)]  # an advocate is stored as its vocabulary's code


def _ordinal(cursor: Any, row_id: int, placeholder: str) -> str:
    """"note 3" or "document 2": the row's place on its case, oldest first (as the case screen lists them)."""
    table, at, item = ("note", "contact_at", row_id // 2) if row_id % 2 == 0 else ("document", "added_at", row_id // 2)
    place = fetch(cursor, f"""SELECT count(*) AS n FROM {table} x JOIN {table} y ON y.case_id = x.case_id
        WHERE x.id = :item AND (y.{at} < x.{at} OR (y.{at} = x.{at} AND y.id <= x.id))""", {"item": item}, placeholder)
    return f"{table} {place[0]['n']}"


def _starts(word: str, text: str) -> bool:
    return any(w.startswith(word) for w in _folded_words(text))


@functools.lru_cache(maxsize=4_096)
def _folded_words(text: str) -> tuple[str, ...]:
    """The words of a field, folded as the index folds them. Kept: teams, areas, officers and themes repeat on
    every row, and folding them again for each of 200 rows was 15 of the 50 ms of a team searched at 1,000,000
    cases. Bounded; it holds field values already on screen."""
    return tuple(_fold(t) for t in _WORD.findall(text))


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

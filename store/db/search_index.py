"""The search index: one row per case, per note and per document, kept by the database's own triggers.

SQLite holds it in an FTS5 table, PostgreSQL in a table with a ``tsvector`` column and a GIN index. The
triggers (created by migration 0007 from the SQL here) rewrite a case's row whenever what it shows changes
(the case, its complainant, team, service area, officer or themes) and a note's or document's row with it, in
the same transaction as the write, whatever makes it: a form, the import, an edit, a merge, retention.
Triggers rather than the services: every write path is covered, the ones to come as well, on both databases.
A bulk load into a database without cases (a first import on SQLite, a copy) sets them aside and builds the
index once at the end, in its own transaction (``TriggersAside``; the import's ``IndexesSetAside``).

Row ids: a case's row is ``-case.id``, a note's ``2 * note.id``, a document's ``2 * document.id + 1``.

SQLite, filling the index in bulk (``sqlite_rows``): tried once the rows went in row id order, each alone, and not
taken, none buying 1.5x (100,000 imported cases, index statements' CPU, medians of 5 on a shared two-core machine;
ordered: 1.17 s, 100.4 MB): ``columnsize=0`` 1.15 s, 95.9 MB; ``detail=column`` on search_text 1.09 s, 96.1 MB;
``detail=none`` on search_name 1.10 s, 98.9 MB (its one- and two-letter searches twice as slow); search_name
contentless 1.00 s, 94.3 MB (median of 3); search_name filled from search_text 1.21 s; ``pgsz`` 4050,
``automerge`` 0 or 16: 1.06-1.15 s; ``prefix='2 3'`` 1.78 s, 123.4 MB (two-letter searches up to 5.8x quicker, but
all under 2 ms before).
"""

from __future__ import annotations

from typing import Any

#: The searched columns, in order; the FTS5 table and the PostgreSQL table both have them after ``case_id``.
COLUMNS = ("reference", "complainant", "child", "advocate", "contact", "team", "area", "officer", "themes",
           "summary", "text")
#: Best first: a match in a case's reference or people, then in its team, service area, officer, advocate,
#: contact or themes, then its summary, then a note or document; newest case first within each. Each tier is an
#: FTS5 column filter (SQLite) or a weight letter of the tsvector (PostgreSQL), so that the first screenful is
#: read in index order and stops there, whatever the number of matches (ranking every match by score was
#: 300 ms for a surname at 1,000,000 cases).
TIERS = (("reference", "complainant", "child"), ("contact", "team", "area", "officer", "advocate", "themes"),
         ("summary",), ("text",))
WEIGHT = {column: "ABCD"[n] for n, tier in enumerate(TIERS) for column in tier}

_NAMES = ", ".join(COLUMNS[:-1])
#: A case's row: the cases chosen by ``{where}`` (on ``c``).
CASE_ROWS = f"""INSERT INTO search_text (id_, case_id, {_NAMES})
SELECT -c.id, c.id, c.reference, trim(coalesce(p.name, '') || ' ' || coalesce(p.email, '')), c.child_name,
       c.advocate, p.persistent_contact, t.name, a.name, o.name,
       (SELECT {{concat}} FROM case_theme ct JOIN theme th ON th.id = ct.theme_id WHERE ct.case_id = c.id),
       c.summary
  FROM "case" c LEFT JOIN person p ON p.id = c.person_id LEFT JOIN team t ON t.id = c.team_id
  LEFT JOIN service_area a ON a.id = c.service_area_id LEFT JOIN officer o ON o.id = c.officer_id
 WHERE {{where}}"""
#: SQLite: a case's reference and people again, in an index of their own: the first tier (every word in a name
#: or the reference) reads only the cases whose names hold the words, not every case whose team does.
NAME_ROWS = """INSERT INTO search_name (rowid, reference, complainant, child)
SELECT -c.id, c.reference, trim(coalesce(p.name, '') || ' ' || coalesce(p.email, '')), c.child_name
  FROM "case" c LEFT JOIN person p ON p.id = c.person_id WHERE {where}"""
NOTE_ROWS = """INSERT INTO search_text (id_, case_id, text)
SELECT 2 * n.id, n.case_id, trim(coalesce(n.with_whom, '') || ' ' || n.text) FROM note n WHERE {where}"""
DOCUMENT_ROWS = """INSERT INTO search_text (id_, case_id, text)
SELECT 2 * d.id + 1, d.case_id, trim(d.name || ' ' || coalesce(d.email_from, '') || ' ' ||
       coalesce(d.email_subject, '') || ' ' || coalesce(d.text, '')) FROM document d WHERE {where}"""

SQLITE_THEMES = "group_concat(th.name, ', ')"
POSTGRES_THEMES = "string_agg(th.name, ', ')"


#: SQLite: the index also keeps every word's first 1, 2 and 3 letters, so that a word still being typed ("c",
#: "chi") is one lookup, not a merge of every word it starts. At 1,000,000 cases, on the index in row id order,
#: "Leaving C" read 390 ms for its first tier and "C" 350 ms without them, 14 ms and 1 ms with them; through the
#: terminal, `/` and a team's name typed: p95 436-460 ms without (30 Nov 2026). Migration 0009 adds them.
PREFIX = "prefix = '1 2 3', "


def sqlite_tables(prefix: bool = True) -> list[str]:
    """The FTS5 tables; ``prefix``: with the prefix indexes (``PREFIX``; migration 0007 made them without)."""
    cols = ", ".join(COLUMNS)
    tokens = (PREFIX if prefix else "") + "tokenize = 'unicode61 remove_diacritics 2'"
    return [f"CREATE VIRTUAL TABLE search_text USING fts5(case_id UNINDEXED, {cols}, {tokens})",
            f"CREATE VIRTUAL TABLE search_name USING fts5({', '.join(TIERS[0])}, {tokens})"]


def _sqlite(sql: str, where: str) -> str:
    return sql.replace("id_,", "rowid,").replace("{concat}", SQLITE_THEMES).replace("{where}", where)


def _cases(where: str) -> str:
    """SQLite: rewrite the rows of the cases ``where`` (on ``c``) chooses."""
    return (f"DELETE FROM search_text WHERE rowid IN (SELECT -c.id FROM \"case\" c WHERE {where});\n"
            f"  DELETE FROM search_name WHERE rowid IN (SELECT -c.id FROM \"case\" c WHERE {where});\n"
            f"  {_sqlite(CASE_ROWS, where)};\n  {_sqlite(NAME_ROWS, where)};")


def sqlite_triggers() -> list[str]:
    """The SQLite triggers that keep ``search_text`` current."""
    shown = "reference, person_id, child_name, advocate, team_id, service_area_id, officer_id, summary"
    made = [
        ("search_case_ai", 'AFTER INSERT ON "case"',
         _sqlite(CASE_ROWS, "c.id = NEW.id") + ";\n  " + _sqlite(NAME_ROWS, "c.id = NEW.id") + ";"),
        ("search_case_au", f'AFTER UPDATE OF {shown} ON "case"', _cases("c.id = NEW.id")),
        ("search_case_ad", 'AFTER DELETE ON "case"',
         "DELETE FROM search_text WHERE rowid = -OLD.id;\n  DELETE FROM search_name WHERE rowid = -OLD.id;"),
        ("search_person_au", "AFTER UPDATE OF name, email, persistent_contact ON person",
         _cases("c.person_id = NEW.id")),
        ("search_team_au", "AFTER UPDATE OF name ON team", _cases("c.team_id = NEW.id")),
        ("search_area_au", "AFTER UPDATE OF name ON service_area", _cases("c.service_area_id = NEW.id")),
        ("search_officer_au", "AFTER UPDATE OF name ON officer", _cases("c.officer_id = NEW.id")),
        ("search_theme_au", "AFTER UPDATE OF name ON theme",
         _cases("c.id IN (SELECT case_id FROM case_theme WHERE theme_id = NEW.id)")),
        ("search_case_theme_ai", "AFTER INSERT ON case_theme", _cases("c.id = NEW.case_id")),
        ("search_case_theme_ad", "AFTER DELETE ON case_theme", _cases("c.id = OLD.case_id")),
        ("search_note_ai", "AFTER INSERT ON note", _sqlite(NOTE_ROWS, "n.id = NEW.id") + ";"),
        ("search_note_au", "AFTER UPDATE ON note",
         "DELETE FROM search_text WHERE rowid = 2 * OLD.id;\n  " + _sqlite(NOTE_ROWS, "n.id = NEW.id") + ";"),
        ("search_note_ad", "AFTER DELETE ON note", "DELETE FROM search_text WHERE rowid = 2 * OLD.id;"),
        ("search_document_ai", "AFTER INSERT ON document", _sqlite(DOCUMENT_ROWS, "d.id = NEW.id") + ";"),
        ("search_document_au", "AFTER UPDATE ON document",
         "DELETE FROM search_text WHERE rowid = 2 * OLD.id + 1;\n  " + _sqlite(DOCUMENT_ROWS, "d.id = NEW.id") + ";"),
        ("search_document_ad", "AFTER DELETE ON document", "DELETE FROM search_text WHERE rowid = 2 * OLD.id + 1;"),
    ]
    return [f"CREATE TRIGGER {name} {when} BEGIN\n  {body}\nEND" for name, when, body in made]


SQLITE_TRIGGER_NAMES = [sql.split()[2] for sql in sqlite_triggers()]


def _pg(sql: str, where: str) -> str:
    return sql.replace("id_,", "id,").replace("{concat}", POSTGRES_THEMES).replace("{where}", where)


def postgres_table() -> list[str]:
    # Words are runs of letters and digits, as SQLite's tokenizer has them: PostgreSQL's parser would read
    # "CS-2026-00001" as a word and two negative numbers, and an email address as one word.
    words = "regexp_replace(coalesce({c}, ''), '[[:space:][:punct:]]+', ' ', 'g')"
    vector = " || ".join(f"setweight(to_tsvector('simple', {words.format(c=c)}), '{WEIGHT[c]}')" for c in COLUMNS)
    cols = ", ".join(f"{c} text" for c in COLUMNS)
    return [f"CREATE TABLE search_text (id bigint PRIMARY KEY, case_id integer NOT NULL, {cols}, "
            f"tsv tsvector GENERATED ALWAYS AS ({vector}) STORED)",
            "CREATE INDEX ix_search_text_tsv ON search_text USING gin (tsv)",
            "CREATE INDEX ix_search_text_case ON search_text (case_id)"]


def _refresh(cases: str) -> str:
    return f"PERFORM complaints_search_cases(ARRAY({cases}));\n    RETURN NULL;"


def postgres_functions(schema: str) -> list[str]:
    """PostgreSQL: one function refreshing cases' rows, the trigger functions, and the triggers."""
    head = f"LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$\nBEGIN\n"
    refresh = (f"CREATE FUNCTION complaints_search_cases(ids integer[]) RETURNS void {head}"
               "    DELETE FROM search_text WHERE id = ANY (SELECT -x FROM unnest(ids) x);\n"
               f"    {_pg(CASE_ROWS, 'c.id = ANY (ids)')};\nEND\n$$")
    bodies = {
        "complaints_search_case": """IF TG_OP <> 'INSERT' THEN DELETE FROM search_text WHERE id = -OLD.id; END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM complaints_search_cases(ARRAY[NEW.id]); END IF;
    RETURN NULL;""",
        "complaints_search_person": _refresh('SELECT id FROM "case" WHERE person_id = NEW.id'),
        "complaints_search_team": _refresh('SELECT id FROM "case" WHERE team_id = NEW.id'),
        "complaints_search_area": _refresh('SELECT id FROM "case" WHERE service_area_id = NEW.id'),
        "complaints_search_officer": _refresh('SELECT id FROM "case" WHERE officer_id = NEW.id'),
        "complaints_search_theme": _refresh('SELECT case_id FROM case_theme WHERE theme_id = NEW.id'),
        "complaints_search_case_theme": """IF TG_OP = 'DELETE' THEN PERFORM complaints_search_cases(ARRAY[OLD.case_id]);
    ELSE PERFORM complaints_search_cases(ARRAY[NEW.case_id]); END IF;
    RETURN NULL;""",
        "complaints_search_note": f"""IF TG_OP <> 'INSERT' THEN DELETE FROM search_text WHERE id = 2 * OLD.id; END IF;
    IF TG_OP <> 'DELETE' THEN {_pg(NOTE_ROWS, 'n.id = NEW.id')}; END IF;
    RETURN NULL;""",
        "complaints_search_document": f"""IF TG_OP <> 'INSERT' THEN
        DELETE FROM search_text WHERE id = 2 * OLD.id + 1;
    END IF;
    IF TG_OP <> 'DELETE' THEN {_pg(DOCUMENT_ROWS, 'd.id = NEW.id')}; END IF;
    RETURN NULL;""",
    }
    made = [refresh] + [f"CREATE FUNCTION {name}() RETURNS trigger {head}    {body}\nEND\n$$"
                        for name, body in bodies.items()]
    shown = "reference, person_id, child_name, advocate, team_id, service_area_id, officer_id, summary"
    for name, when, function in POSTGRES_TRIGGERS(shown):
        made.append(f"CREATE TRIGGER {name} {when} FOR EACH ROW EXECUTE FUNCTION {function}()")
    return made


def POSTGRES_TRIGGERS(shown: str = "") -> list[tuple[str, str, str]]:  # noqa: N802 - a table of constants
    return [("search_case_ai", 'AFTER INSERT OR DELETE ON "case"', "complaints_search_case"),
            ("search_case_au", f'AFTER UPDATE OF {shown} ON "case"', "complaints_search_case"),
            ("search_person_au", "AFTER UPDATE OF name, email, persistent_contact ON person",
             "complaints_search_person"),
            ("search_team_au", "AFTER UPDATE OF name ON team", "complaints_search_team"),
            ("search_area_au", "AFTER UPDATE OF name ON service_area", "complaints_search_area"),
            ("search_officer_au", "AFTER UPDATE OF name ON officer", "complaints_search_officer"),
            ("search_theme_au", "AFTER UPDATE OF name ON theme", "complaints_search_theme"),
            ("search_case_theme_aid", "AFTER INSERT OR DELETE ON case_theme", "complaints_search_case_theme"),
            ("search_note_aiud", "AFTER INSERT OR UPDATE OR DELETE ON note", "complaints_search_note"),
            ("search_document_aiud", "AFTER INSERT OR UPDATE OR DELETE ON document", "complaints_search_document")]


POSTGRES_FUNCTIONS = ["complaints_search_cases(integer[])", "complaints_search_case()", "complaints_search_person()",
                      "complaints_search_team()", "complaints_search_area()", "complaints_search_officer()",
                      "complaints_search_theme()", "complaints_search_case_theme()", "complaints_search_note()",
                      "complaints_search_document()"]


def sqlite_rows(case: str = "1", note: str = "1", document: str = "1") -> list[str]:
    """SQLite: the index's rows for the cases, notes and documents chosen (on ``c``, ``n``, ``d``), many at once.

    In ascending row id order (a case's is ``-id``: newest first). FTS5 writes what it holds in memory to a new
    segment whenever a row id is not above the last one, so ``-c.id`` in ``c.id`` order made a segment per case,
    merged again and again, and left the content tables' pages half empty. Measured alone: a 100,000-row import's
    index 8.7 -> 2.8 s (CPU 4.9 -> 1.2 s, medians of 5), the whole import 16.3 -> 12.2 s (medians of 6), the
    database 127 -> 101 MB; the 1,000,000-case demo migrated from 0005 to 0008 in 147 -> 39-73 s (CPU 65 -> 25 s),
    1.61 -> 1.28 GB. Searches are unchanged (the same cases in the same order, in the same time)."""
    return [_sqlite(CASE_ROWS, case) + " ORDER BY c.id DESC", _sqlite(NAME_ROWS, case) + " ORDER BY c.id DESC",
            _sqlite(NOTE_ROWS, note) + " ORDER BY n.id", _sqlite(DOCUMENT_ROWS, document) + " ORDER BY d.id"]


def rebuild_statements(postgres: bool) -> list[str]:
    """Fill the index from scratch (the migration): every case, note and document."""
    if postgres:
        return ["DELETE FROM search_text", _pg(CASE_ROWS, "TRUE"), _pg(NOTE_ROWS, "TRUE"), _pg(DOCUMENT_ROWS, "TRUE")]
    return ["DELETE FROM search_text", "DELETE FROM search_name", *sqlite_rows()]


def rebuild(cursor: Any, postgres: bool) -> None:
    """Fill the index from scratch on a DB-API cursor, in the caller's transaction."""
    for sql in rebuild_statements(postgres):
        cursor.execute(sql)


#: SQLite: the largest case, note and document ids stored, which ``index_after`` takes (the rows above are new).
SQLITE_LAST_IDS = ('SELECT (SELECT coalesce(max(id), 0) FROM "case"), (SELECT coalesce(max(id), 0) FROM note), '
                   "(SELECT coalesce(max(id), 0) FROM document)")


def index_after(cursor: Any, last: tuple[int, int, int]) -> None:
    """SQLite: index the cases, notes and documents above ``last`` (``SQLITE_LAST_IDS`` read before a bulk load
    written without the triggers), in the caller's transaction; the rows below are indexed already."""
    case, note, document = (int(n) for n in last)
    for sql in sqlite_rows(f"c.id > {case}", f"n.id > {note}", f"d.id > {document}"):
        cursor.execute(sql)


#: SQLite: merge the index into one segment, so that the words of deleted rows leave it (FTS5 keeps them in old
#: segments, marked deleted, until a merge). Retention runs it after anonymising.
SEARCH_PURGE = ("INSERT INTO search_text (search_text) VALUES ('optimize')",
                "INSERT INTO search_name (search_name) VALUES ('optimize')")


class TriggersAside:
    """A bulk load (a copy, an import): the search index's triggers off while the rows go in, then on again and
    the new rows indexed once, in the load's transaction.

    Row by row the triggers cost more than the load itself (PostgreSQL: each case, then each of its themes,
    rewrites the case's row; a 10,000-case copy took 85 s, 80 of them in the triggers). Both databases' DDL is
    transactional, so a rollback (a refused value, a kill) leaves the triggers exactly as they were.
    SQLite: the triggers dropped and created again from their stored SQL, and the cases, notes and documents
    above the largest ids stored before indexed (``index_after``). PostgreSQL (a copy into an empty database):
    ``ALTER TABLE ... DISABLE TRIGGER`` by name (only the search triggers; the team guards of migration 0003 stay
    on), which needs the tables' owner, who is the one README tells to copy; ``session_replication_role`` would
    need a superuser and would switch the guards off too; then the whole index built. A login that does not own
    the tables (a team's manager) keeps the triggers: slower, but the index is just as whole.
    """

    def __init__(self, cursor: Any, postgres: bool) -> None:
        self.cursor, self.postgres = cursor, postgres
        self.sqlite_triggers: list[tuple[str, str]] = []
        self.postgres_triggers: list[tuple[str, str]] = []
        self.last: tuple[int, int, int] = (0, 0, 0)
        if postgres:
            made = [(name, when.split(" ON ")[1]) for name, when, _ in POSTGRES_TRIGGERS()]
            tables = ", ".join(sorted({f"'{table}'::regclass" for _, table in made}))
            cursor.execute(f"SELECT bool_and(pg_has_role(current_user, relowner, 'MEMBER')) FROM pg_class "
                           f"WHERE oid IN ({tables})")
            if cursor.fetchone()[0]:
                self.postgres_triggers = made
            for name, table in self.postgres_triggers:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
        else:
            cursor.execute(SQLITE_LAST_IDS)
            self.last = cursor.fetchone()
            names = ", ".join(f"'{name}'" for name in SQLITE_TRIGGER_NAMES)
            cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({names}) "
                           "ORDER BY name")
            self.sqlite_triggers = list(cursor.fetchall())
            for name, _ in self.sqlite_triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')

    @property
    def aside(self) -> bool:
        """Were the triggers set aside (else they indexed every row as it went in)?"""
        return bool(self.sqlite_triggers or self.postgres_triggers)

    def restore(self) -> None:
        """The triggers back, and the rows written meanwhile indexed (once)."""
        if not self.aside:
            return
        for name, table in self.postgres_triggers:
            self.cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {name}")
        for _, sql in self.sqlite_triggers:
            self.cursor.execute(sql)
        if self.postgres:
            rebuild(self.cursor, postgres=True)
        else:
            index_after(self.cursor, self.last)

"""Search everything: each field the index covers, best first, where it matched, kept current by every write,
hostile text, both databases, the caseload's `/` and `complaints search`."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from domain.config import Config
from store.db import search_index
from store.db.database import open_database
from store.db.location import resolve_url
from store.lifecycle.service import CaseService
from store.views.search import search
from tests.test_cli import run
from tests.tui_helpers import settle
from tui.app import create_app
from tui.caseload import CaseloadTable

TODAY = date(2026, 11, 22)
CONFIG = Config(user="tester")
EML = (b'From: "Ann Example" <ann@example.org>\r\nTo: complaints@council.example\r\n'
       b"Subject: Respite weekends cancelled\r\nDate: Mon, 16 Nov 2026 09:30:00 +0000\r\n"
       b"Content-Type: text/plain; charset=utf-8\r\n\r\nThe Kestrelwood unit cancelled three weekends.\r\n")

#: What is typed, and where each one is expected to have matched (the first case logged holds them all).
FIELDS = [("CS-2026-00001", "reference: CS-2026-00001"), ("Quillfeather", "complainant: Ottoline Quillfeather"),
          ("Brackenbury", "child: Jasper Brackenbury"), ("nyas", "advocate: NYAS"),
          ("Marchbank", "team: Marchbank Fostering"), ("Lantern", "service area: Lantern Services"),
          ("Wintergreen", "officer: Posy Wintergreen"), ("Drizzlewick", "themes: Drizzlewick delays"),
          ("Saltmarsh", "summary: Saltmarsh placement ended without notice"),
          ("Honeysuckle", "note 1: Ms Teasel Phoned about the Honeysuckle visit"),
          ("Kestrelwood", "document 1: ...kends cancelled The Kestrelwood unit cancelled three weekends.")]


def _cases(db, today=TODAY) -> tuple[CaseService, str, str]:  # type: ignore[no-untyped-def]
    svc = CaseService(db, CONFIG, today=today)
    first = svc.log("statutory", date(2026, 11, 2), complainant="Ottoline Quillfeather",
                    child_name="Jasper Brackenbury", advocate="nyas", service_area="Lantern Services",
                    team="Marchbank Fostering", officer="Posy Wintergreen", themes=["Drizzlewick delays"],
                    summary="Saltmarsh placement ended without notice")
    svc.add_note(first, "Phoned about the Honeysuckle visit", kind="phone", with_whom="Ms Teasel")
    svc.attach(first, "complaint.eml", EML)
    second = svc.log("corporate", date(2026, 11, 3), complainant="Rowan Ashby",
                     summary="Letter mentions Quillfeather once")
    return svc, first, second


@pytest.fixture
def both(database_url):  # type: ignore[no-untyped-def]
    db = open_database(database_url, CONFIG)
    yield (db, *_cases(db))
    db.close()


def _search(db, text: str) -> list[tuple[str, list[str]]]:  # type: ignore[no-untyped-def]
    with db.dbapi() as connection:
        return [(h.reference, h.where) for h in search(connection, text, placeholder=db.placeholder)]


def test_every_field_is_found_and_says_where_it_matched(both):
    db, _, first, _ = both
    for typed, where in FIELDS:
        found = _search(db, typed)
        assert found and found[0] == (first, [where]), typed
        assert _search(db, typed.lower()[:5])[0][0] == first  # the start of a word (the last), any case


def test_best_first_a_name_before_a_mention(both):
    db, _, first, second = both
    assert _search(db, "quillfeather") == [(first, ["complainant: Ottoline Quillfeather"]),
                                          (second, ["summary: Letter mentions Quillfeather once"])]
    assert _search(db, "quillfeather rowan") == [  # every word in one place: the case's own details
        (second, ["complainant: Rowan Ashby", "summary: Letter mentions Quillfeather once"])]
    assert _search(db, "quillfeather honeysuckle") == []  # one in the case, the other in a note
    assert _search(db, "letter quill") == [(second, ["summary: Letter mentions Quillfeather once"])]


def test_every_word_in_a_team_comes_before_words_spread_over_a_case(database_url):
    """A team's name typed: its cases first, before a newer case whose team holds one word and its summary the
    other (``STEPS``: the tier's whole step), on both databases."""
    db = open_database(database_url, CONFIG)
    try:
        svc = CaseService(db, CONFIG, today=TODAY)
        older = svc.log("corporate", date(2026, 11, 2), team="Marchbank Fostering", summary="Visits")
        newer = svc.log("corporate", date(2026, 11, 3), team="Fostering Hub", summary="Marchbank visits")
        assert [r for r, _ in _search(db, "marchbank fostering")] == [older, newer]
        assert [r for r, _ in _search(db, "fostering")] == [newer, older]  # one word: newest first
    finally:
        db.close()


def test_a_teams_exact_name_lists_its_cases_before_an_area_holding_the_word(database_url):
    """A team's (or area's) name typed exactly, in any case and spacing: its cases first, newest first, then a newer
    case whose service area holds the word; a partial name keeps the index's order (newest first)."""
    db = open_database(database_url, CONFIG)
    try:
        svc = CaseService(db, CONFIG, today=TODAY)
        team = [svc.log("corporate", date(2026, 11, d), team="Fostering", summary="Visits") for d in (2, 3)]
        area = svc.log("corporate", date(2026, 11, 4), team="Adoption Support", service_area="Fostering and Adoption")
        assert _search(db, "Fostering") == [(team[1], ["team: Fostering"]), (team[0], ["team: Fostering"]),
                                            (area, ["service area: Fostering and Adoption"])]
        assert [r for r, _ in _search(db, "  fOSTERING ")] == [team[1], team[0], area]
        assert [r for r, _ in _search(db, "Foster")] == [area, team[1], team[0]]  # not a name: newest first
        assert [r for r, _ in _search(db, "fostering   and adoption")] == [area]
    finally:
        db.close()


def test_an_officers_or_themes_exact_name_lists_their_cases_first(database_url):
    """An officer's name typed (case, spaces and accents folded): the officer's cases before a newer case whose
    team holds the same words; a theme's name likewise."""
    db = open_database(database_url, CONFIG)
    try:
        svc = CaseService(db, CONFIG, today=TODAY)
        mine = svc.log("corporate", date(2026, 11, 2), officer="Zoë Ashdown", themes=["Respite"])
        other = svc.log("corporate", date(2026, 11, 3), team="Ashdown Zoë Outreach", summary="Respite cut")
        assert _search(db, "Zoë Ashdown") == [(mine, ["officer: Zoë Ashdown"]), (other, ["team: Ashdown Zoë Outreach"])]
        assert _search(db, "zoe  ASHDOWN")[0][0] == mine  # PostgreSQL's index keeps accents; the names' step not
        assert [r for r, _ in _search(db, "Zoë Ash")] == [other, mine]  # not a name: newest first
        assert [r for r, _ in _search(db, "respite")] == [mine, other]  # a theme's name, before a summary's word
        team = svc.log("corporate", date(2026, 11, 4), team="Respite")  # a team's and a theme's name: both's cases
        assert [r for r, _ in _search(db, "Respite")] == [team, mine, other]
    finally:
        db.close()


@pytest.mark.parametrize("typed", ['"', '"quill', "quill*", "NEAR(quill)", "-quill", "summary:quill", "quill OR x",
                                   "(", "'); DROP TABLE search_text; --", "^quill", "a" * 5000, "%", "\\", "{}"])
def test_hostile_text_is_searched_as_words_never_syntax(both, typed):
    db, _, first, _ = both
    found = _search(db, typed)
    if "quill" in typed.lower() and not any(w in typed for w in ("NEAR", "summary", " OR ")):
        assert found[0][0] == first, typed
    elif "quill" not in typed.lower():
        assert first not in [r for r, _ in found]


def test_kept_current_by_an_edit_a_note_an_edited_note_a_rename_and_a_merge(both):
    db, svc, first, second = both
    svc.edit_case(first, "summary", "Gorsebrook transport")
    assert _search(db, "saltmarsh") == [] and _search(db, "gorsebrook")[0][0] == first
    note = svc.add_note(second, "Emailed Mr Pimpernel", kind="email")
    assert _search(db, "pimpernel") == [(second, ["note 1: Emailed Mr Pimpernel"])]
    svc.edit_note(note, "Emailed Mr Foxglove", reason="wrong name")
    assert _search(db, "pimpernel") == [] and _search(db, "foxglove")[0][0] == second
    svc.edit_case(first, "complainant", "Ottoline Ravensworth")
    assert _search(db, "ravensworth")[0] == (first, ["complainant: Ottoline Ravensworth"])
    svc.edit_case(second, "team", "Marchbank Fostering")
    assert sorted(r for r, _ in _search(db, "marchbank")) == sorted([first, second])
    manager = CaseService(db, Config(user="boss", managers=("boss",)), today=TODAY)
    manager.merge_cases(second, first, "the same letter")
    assert [r for r, _ in _search(db, "foxglove")] == [first]


def test_an_import_is_searchable_at_once(tmp_path, database_url):
    """On both databases; a first import into PostgreSQL sets the search triggers aside and builds the index
    once (``IndexesSetAside``), and they are on again after it."""
    path = tmp_path / "reg.csv"
    path.write_text("reference,kind,received,complainant,themes,team\n"
                    "CS-1,statutory,02/05/2024,Ann Thistlewood,Delays,Fostering\n"
                    "CS-2,corporate,03/05/2024,Bo Sample,Bins,Thistle Team\n", encoding="utf-8")
    assert run("import", str(path), "--db", database_url).exit_code == 0
    assert run("search", "thistle", "--db", database_url).stdout == (  # a name weighs more than a team
        "CS-1  Ann Thistlewood  (statutory, open)\n    complainant: Ann Thistlewood\n"
        "CS-2  Bo Sample  (corporate, open)\n    team: Thistle Team\n")
    db = open_database(database_url, CONFIG)
    try:
        CaseService(db, CONFIG, today=TODAY).edit_case("CS-2", "summary", "Gorsebrook transport")
        assert _search(db, "gorsebrook") == [("CS-2", ["summary: Gorsebrook transport"])]  # the triggers are on
        if db.placeholder != "?":
            with db.dbapi() as connection:
                cursor = connection.cursor()
                cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'search%' AND tgenabled = 'D'")
                assert cursor.fetchone()[0] == 0
    finally:
        db.close()


def _index(conn: sqlite3.Connection) -> tuple[list[tuple], list[tuple]]:
    return (sorted(conn.execute("SELECT rowid, * FROM search_text")),
            sorted(conn.execute("SELECT rowid, * FROM search_name")))


def test_an_import_into_a_database_holding_cases_indexes_the_new_ones_and_brings_the_triggers_back(tmp_path):
    """An import sets the search triggers aside (store.register.bulk.IndexesSetAside) and indexes the new cases
    at the end, those alone: the index then holds what a rebuild from scratch would."""
    path = tmp_path / "c.db"
    db = open_database(path, CONFIG)
    _, first, _ = _cases(db)
    db.close()
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    with sqlite3.connect(path) as conn:
        before = conn.execute(schema).fetchall()
    register = tmp_path / "reg.csv"
    register.write_text("reference,kind,received,complainant,themes,team\n"
                        "CS-1,statutory,02/05/2024,Ann Thistlewood,Drizzlewick delays,Marchbank Fostering\n"
                        "CS-2,corporate,03/05/2024,Bo Sample,Bins,Thistle Team\n", encoding="utf-8")
    assert run("import", str(register), "--db", str(path)).exit_code == 0
    conn = sqlite3.connect(path, isolation_level=None)
    assert conn.execute(schema).fetchall() == before  # every trigger back, as it was
    held = _index(conn)
    assert len(held[0]) == 2 + 1 + 1 + 2 and len(held[1]) == 2 + 2
    conn.execute("BEGIN")
    for sql in search_index.rebuild_statements(postgres=False):
        conn.execute(sql)
    assert _index(conn) == held
    conn.execute("ROLLBACK")
    conn.execute("INSERT INTO search_text (search_text, rank) VALUES ('integrity-check', 1)")
    conn.execute("INSERT INTO search_name (search_name, rank) VALUES ('integrity-check', 1)")
    conn.close()
    db = open_database(path, CONFIG)
    try:
        assert [r for r, _ in _search(db, "marchbank")] == ["CS-1", first]  # newest first
        CaseService(db, CONFIG, today=TODAY).edit_case("CS-2", "summary", "Gorsebrook transport")
        assert _search(db, "gorsebrook") == [("CS-2", ["summary: Gorsebrook transport"])]  # the triggers work
    finally:
        db.close()


def test_the_index_is_filled_in_row_id_order(tmp_path):
    """FTS5 starts a new segment each time a row id is not above the last one written: the bulk statements
    (a migration, an import, the demo) give theirs in ascending order (see ``search_index.sqlite_rows``)."""
    path = tmp_path / "c.db"
    db = open_database(path, CONFIG)
    svc, first, second = _cases(db)
    svc.add_note(second, "Emailed Mr Pimpernel", kind="email")
    svc.attach(second, "complaint.eml", EML)
    db.close()
    with sqlite3.connect(path) as conn:
        for sql in search_index.sqlite_rows():
            ids = [row[0] for row in conn.execute(sql.split("\n", 1)[1])]  # the SELECT of the INSERT
            assert len(ids) == 2 and ids == sorted(ids), sql


def test_the_cli_prints_cases_best_first_with_where_and_json(tmp_path):
    db = tmp_path / "c.db"
    database = open_database(db, CONFIG)
    _, first, second = _cases(database)
    database.close()
    said = run("search", "Quillfeather", "--db", str(db))
    assert said.exit_code == 0 and said.stdout == (
        f"{first}  Ottoline Quillfeather  (statutory, open)\n    complainant: Ottoline Quillfeather\n"
        f"{second}  Rowan Ashby  (corporate, open)\n    summary: Letter mentions Quillfeather once\n")
    assert json.loads(run("search", "honeysuckle", "--format", "json", "--db", str(db)).stdout) == [
        {"reference": first, "kind": "statutory", "complainant": "Ottoline Quillfeather", "closed": False,
         "matched": ["note 1: Ms Teasel Phoned about the Honeysuckle visit"]}]
    assert run("search", '"NEAR*', "--db", str(db)).stdout == "No case holds '\"NEAR*'.\n"
    assert run("search", "x\x1b[2Jy", "--db", str(db)).exit_code != 0  # a control character: refused


def test_the_cli_says_when_more_cases_match_than_it_shows(tmp_path):
    """Cut at --limit, it says so (on stderr: the JSON stays a list); with all shown it says nothing."""
    db = tmp_path / "c.db"
    database = open_database(db, CONFIG)
    _, first, _ = _cases(database)
    database.close()
    cut = run("search", "Quillfeather", "--limit", "1", "--db", str(db))
    assert cut.exit_code == 0 and cut.stdout.startswith(first) and cut.stdout.count("(statutory") == 1
    assert cut.stderr == "More cases hold it than the first 1 shown: --limit for more, or more words.\n"
    cut = run("search", "Quillfeather", "--limit", "1", "--format", "json", "--db", str(db))
    assert [r["reference"] for r in json.loads(cut.stdout)] == [first] and "--limit" in cut.stderr
    whole = run("search", "Quillfeather", "--limit", "2", "--db", str(db))
    assert whole.stderr == "" and whole.stdout.count("    ") == 2


def test_retention_takes_anonymised_text_out_of_the_index_and_the_file(tmp_path):
    from store.housekeeping.privacy import Retention

    path = tmp_path / "c.db"
    db = open_database(path, CONFIG)
    svc, first, _ = _cases(db)
    svc.withdraw(first, date(2026, 11, 20), reason="sorted")
    boss = Config(user="boss", managers=("boss",))
    Retention(db, boss, today=date(2033, 1, 10)).apply(6)
    assert _search(db, "quillfeather")[0][1] == ["summary: Letter mentions Quillfeather once"]
    assert _search(db, "brackenbury") == _search(db, "honeysuckle") == _search(db, "kestrelwood") == []
    db.close()
    raw = b"".join(Path(f"{path}{s}").read_bytes() for s in ("", "-wal") if Path(f"{path}{s}").exists())
    assert [w for w in (b"brackenbury", b"honeysuckle", b"kestrelwood", b"saltmarsh")
            if w in raw.lower()] == []


async def test_slash_searches_everything_from_the_caseload(tmp_path):
    path = tmp_path / "c.db"
    db = open_database(path, CONFIG)
    _, first, second = _cases(db)
    db.close()
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        await pilot.press("8", "slash")  # all history
        await settle(app, pilot)
        for typed, where in FIELDS[:1] + FIELDS[2:]:  # the complainant's name is in the other case's summary too
            app.query_one("#filter").value = ""
            await settle(app, pilot)
            if typed.isalpha():
                await pilot.press(*typed.lower())  # typed, a key at a time
            else:
                app.query_one("#filter").value = typed
            await settle(app, pilot)
            assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == [first], typed
            assert table.get_row_at(0)[-1] == where  # each result says where it matched, in a column of its own
        app.query_one("#filter").value = ""
        await pilot.press(*"quillfeather")
        await settle(app, pilot)
        assert table.row_count == 2
        await pilot.press("quotation_mark", "asterisk")  # syntax characters are not syntax: no error
        await settle(app, pilot)
        assert table.row_count == 2 and app.is_running
        app.query_one("#filter").value = ""
        await pilot.press("quotation_mark", "asterisk", "minus", "colon")  # no word at all: nothing found
        await settle(app, pilot)
        assert table.row_count == 0 and app.is_running


def test_the_index_matches_sql_on_the_raw_file(tmp_path):
    """The index holds one row per case, note and document (SQLite: read straight from the file)."""
    path = tmp_path / "c.db"
    db = open_database(path, CONFIG)
    _cases(db)
    db.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM search_text").fetchone()[0] == 2 + 1 + 1
    conn.close()


def test_a_copy_is_searchable_there_too(tmp_path, database_url):
    """`complaints copy` to PostgreSQL or another SQLite file: the search triggers set aside, the rows indexed once
    at the end, the triggers back (see test_copy_search)."""
    source = tmp_path / "source.db"
    db = open_database(source, CONFIG)
    _, first, second = _cases(db)
    db.close()
    assert run("copy", "--db", str(source), "--to", database_url).exit_code == 0
    copied = open_database(database_url, CONFIG)
    try:
        assert _search(copied, "kestrelwood")[0][0] == first
        assert _search(copied, "honeysuckle") == [(first, ["note 1: Ms Teasel Phoned about the Honeysuckle visit"])]
        assert [r for r, _ in _search(copied, "quillfeather")] == [first, second]
        CaseService(copied, CONFIG, today=TODAY).edit_case(second, "summary", "Gorsebrook transport")
        assert _search(copied, "gorsebrook") == [(second, ["summary: Gorsebrook transport"])]  # the triggers work
    finally:
        copied.close()


def _slow_search(monkeypatch, rest: float, laps: int):  # type: ignore[no-untyped-def]
    """Each search's read made slow on its own connection (one statement of ``laps`` rests of ``rest`` seconds,
    which ``Data.stop_search`` can stop): what each read was for, how many ran at once, and which stopped."""
    import threading
    import time

    import tui.data
    from store.db.database import is_interrupted

    reads: list[str] = []
    stopped: list[str] = []
    running, most = [0], [0]
    lock = threading.Lock()
    page = tui.data.caseload_page

    def slow(connection, today, calendar, rules, *, query, **kwargs):  # type: ignore[no-untyped-def]
        if query.searching:
            with lock:
                reads.append(query.text)
                running[0] += 1
                most[0] = max(most[0], running[0])
            try:
                if hasattr(connection.driver_connection, "create_function"):  # SQLite: steps between the rests
                    connection.driver_connection.create_function("rest", 1, time.sleep)
                    connection.cursor().execute(
                        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < ?) "
                        "SELECT max(rest(?)) FROM r", (laps, rest)).fetchall()
                else:
                    connection.cursor().execute(f"SELECT pg_sleep({rest * laps})").fetchall()
            except Exception as exc:
                if is_interrupted(exc):
                    stopped.append(query.text)
                raise
            finally:
                with lock:
                    running[0] -= 1
        return page(connection, today, calendar, rules, query=query, **kwargs)

    monkeypatch.setattr(tui.data, "caseload_page", slow)
    return reads, stopped, most


async def test_keys_typed_while_a_search_is_read_stop_it_and_only_the_last_text_is_read(tmp_path, monkeypatch):
    """A slow search (a big database) while the officer types: a key typed stops the read under way (it no longer
    waits for it), one read at a time, and what shows in the end is the whole text's answer."""
    path = tmp_path / "c.db"
    db = open_database(path, CONFIG)
    _, first, _ = _cases(db)
    db.close()
    reads, stopped, most = _slow_search(monkeypatch, 0.002, 200)
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("8", "slash", *"brackenbury")
        await settle(app, pilot)
        await pilot.pause(0.6)
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == [first]
        assert most[0] == 1 and reads[-1] == "brackenbury" and len(reads) < len("brackenbury"), reads
        assert stopped and "brackenbury" not in stopped, (reads, stopped)  # stopped by the keys typed after


def test_a_search_read_is_stopped_on_either_database(database_url, monkeypatch):
    """``Data.stop_search`` stops the read under way from another thread (sqlite3's interrupt, PostgreSQL's
    cancel): the read gives None at once, and the next read on the pool is answered whole."""
    import threading
    import time

    from domain.calendar import WorkingCalendar
    from store.views.caseload import CaseloadQuery
    from tui.data import Data

    data = Data.open(database_url, CONFIG, TODAY, WorkingCalendar.for_region("ENG"))
    try:
        _, first, _ = _cases(data.db)
        reads, stopped, _ = _slow_search(monkeypatch, 0.01, 2_000)
        answer: list[object] = []
        began = time.perf_counter()
        reader = threading.Thread(target=lambda: answer.append(
            data.search_page(CaseloadQuery(view="open", text="brackenbury"), limit=50)))
        reader.start()
        while data._searching is None and reader.is_alive():  # the read has begun
            time.sleep(0.01)
        data.stop_search()
        reader.join(10)
        assert answer == [None] and stopped == ["brackenbury"] and time.perf_counter() - began < 5
        monkeypatch.undo()
        assert [row.reference for row in data.search_page(CaseloadQuery(view="open", text="brackenbury"),
                                                          limit=50) or []] == [first]
        data.stop_search()  # nothing under way: nothing happens
    finally:
        data.close()


async def test_keys_typed_straight_after_slash_are_the_searchs_never_the_caseloads(tmp_path):
    """A fast typist's "/quill" arrives in one read: every key after "/" is the search's ("q" is not Quit, nor "n"
    the new representation form), and nothing typed is lost."""
    from textual import events

    from tui.form import FormScreen

    path = tmp_path / "c.db"
    db = open_database(path, CONFIG)
    _cases(db)
    db.close()
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for key in ("slash", "n", "q", "u", "i", "l", "l"):
            app.post_message(events.Key(key, "/" if key == "slash" else key))  # all queued before any is handled
        await settle(app, pilot)
        assert app.is_running and not isinstance(app.screen, FormScreen)
        assert app.query_one("#filter").value == "nquill" and app.focused is app.query_one("#filter")


async def test_the_hidden_search_box_never_has_the_keyboard(tmp_path):
    """The tryout: "/Fostering" typed as the app started searched "F", and the other letters acted as the caseload's
    keys: the app's first focus had gone to the box, hidden, before the caseload put the keyboard on its table."""
    path = tmp_path / "c.db"
    db = open_database(path, CONFIG)
    _cases(db)
    db.close()
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        box, table = app.query_one("#filter"), app.query_one(CaseloadTable)
        assert app.focused is table and not box.focusable
        app.screen.set_focus(box)  # as the app's first focus did
        await pilot.pause()
        assert app.focused is table
        await pilot.press("slash", *"quill")
        await settle(app, pilot)
        assert app.focused is box and box.value == "quill" and box.selection.is_empty
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.focused is table and not box.focusable


async def test_slash_in_the_search_box_is_never_searched_for_it_selects_what_is_typed(tmp_path):
    """The tryout: a second "/" was typed into the box and searched for. Pressed while the box is empty it does
    nothing (a double press, even queued with the first); pressed over a search it selects the text, so the next
    key typed replaces it, as a browser's find bar does."""
    from textual import events
    from textual.widgets import Input

    path = tmp_path / "c.db"
    db = open_database(path, CONFIG)
    _cases(db)
    db.close()
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        box = app.query_one("#filter", Input)
        await pilot.press("slash", "slash", *"quill")
        await settle(app, pilot)
        assert box.value == "quill" and app.focused is box
        table = app.query_one(CaseloadTable)
        assert table.row_count == 2
        await pilot.press("slash")
        assert box.value == "quill" and box.selected_text == "quill"
        await pilot.press(*"zzz")  # replaces it: a search of its own
        await settle(app, pilot)
        assert box.value == "zzz" and table.row_count == 0
        await pilot.press("escape")
        await settle(app, pilot)
        for key in ("slash", "slash", "q", "u", "i", "l", "l", "slash", "z"):  # all queued before any is handled
            app.post_message(events.Key(key, "/" if key == "slash" else key))
        await settle(app, pilot)
        assert box.value == "z" and app.focused is box


async def test_a_view_key_ends_the_search_and_down_goes_to_the_cases_found(tmp_path):
    """The tryout: after a search, pressing a view's key showed the view under a box still holding the old text;
    down in the box typed nothing and went nowhere. The status line says a search is a search, not the view."""
    from textual.widgets import Input, Static

    path = tmp_path / "c.db"
    db = open_database(path, CONFIG)
    _cases(db)
    db.close()
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        box = app.query_one("#filter", Input)
        await pilot.press("8", "slash", *"quill")
        await settle(app, pilot)
        assert str(app.query_one("#status", Static).render()).startswith("Search everything: 2 cases matching")
        await pilot.press("down")
        assert app.focused is app.query_one(CaseloadTable) and box.value == "quill"
        await pilot.press("1")
        await settle(app, pilot)
        assert box.value == "" and not box.display
        assert "matching" not in str(app.query_one("#status", Static).render())

"""What is due, one answer everywhere: the caseload's views, the case screen's clock and the digest all
read open work (live stages, acknowledgements owed, Ombudsman deadlines) from ``store.views.caseload``."""

from __future__ import annotations

from datetime import date

import pytest

from domain.config import Config
from store.db.database import open_database
from store.lifecycle.service import CaseService
from store.views.caseload import CaseloadQuery, caseload_page
from store.views.digest import due_items

TODAY = date(2026, 11, 22)  # a Sunday
CONFIG = Config(user="tester")

#: (reference, stage, due) of every deadline of ``cases``, most urgent first: what "All open" shows.
OPEN = [
    ("CS-2026-00002", "Stage 1", date(2026, 11, 16)),  # overdue
    ("CS-2026-00001", "Acknowledgement", date(2026, 11, 23)),  # due tomorrow, the next working day
    ("CS-2026-00004", "Stage 1", date(2026, 11, 23)),  # paused: shown, but its clock is stopped
    ("CN-2026-00001", "Acknowledgement", date(2026, 11, 24)),
    ("CS-2026-00001", "Stage 1", date(2026, 12, 3)),
    ("CS-2026-00003", "Ombudsman", date(2026, 12, 4)),  # the case's only deadline
    ("CN-2026-00001", "Response", date(2026, 12, 4)),  # after the Ombudsman's, due the same day
]


def cases(service: CaseService) -> None:
    """A small caseload: each kind of deadline, due at different times."""
    assert service.log("statutory", date(2026, 11, 19), complainant="Ann Owed") == "CS-2026-00001"
    late = service.log("statutory", date(2026, 11, 2), complainant="Bea Late")
    service.acknowledge(late, date(2026, 11, 3))
    lgo = service.log("statutory", date(2026, 10, 1), complainant="Cal Ombudsman")
    service.acknowledge(lgo, date(2026, 10, 2))
    service.respond(lgo, "not_upheld", date(2026, 10, 14))
    service.lgo_enquiry(lgo, date(2026, 11, 20), respond_by=date(2026, 12, 4))
    paused = service.log("statutory", date(2026, 11, 9), complainant="Dee Paused")
    service.acknowledge(paused, date(2026, 11, 9))
    service.pause(paused, "awaiting the complainant's consent", date(2026, 11, 18))
    service.log("concern", date(2026, 11, 20), complainant="Eve Concern")
    done = service.log("statutory", date(2026, 11, 2), complainant="Fay Done")  # nothing due
    service.acknowledge(done, date(2026, 11, 3))
    service.respond(done, "upheld", date(2026, 11, 13))


@pytest.fixture
def database(database_url):
    db = open_database(database_url, CONFIG)
    cases(CaseService(db, CONFIG, today=TODAY))
    yield db
    db.close()


def rows(db, view: str, **options) -> list[tuple[str, str, date | None]]:  # type: ignore[no-untyped-def]
    with db.dbapi() as connection:
        return [(r.reference, r.stage, r.due) for r in caseload_page(
            connection, TODAY, CONFIG.calendar(), CONFIG.rules, query=CaseloadQuery(view=view, **options),
            limit=1_000, placeholder=db.placeholder)]


def test_every_view_of_open_work_shows_acknowledgements_and_ombudsman_deadlines(database):
    assert rows(database, "open") == OPEN
    week = [r for r in OPEN if r[2] <= date(2026, 11, 27)]  # 5 working days on
    assert ("CS-2026-00001", "Acknowledgement", date(2026, 11, 23)) in week
    assert rows(database, "week") == week
    assert rows(database, "overdue") == OPEN[:1]
    assert rows(database, "enquiries") == [r for r in OPEN if r[0].startswith("CN-")]
    # typed text searches everything (issue 18): the results are cases, one row each, best first
    assert [r[0] for r in rows(database, "open", text="ombudsman")] == ["CS-2026-00003"]
    assert rows(database, "awaiting") == [r for r in OPEN if r[1] in ("Stage 1", "Response") and
                                          r[0] != "CS-2026-00004"]  # stages only, running
    for sort, key in (("reference", lambda r: r[0]), ("received", None)):
        assert sorted(rows(database, "open", sort=sort)) == sorted(OPEN)
        if key:
            assert [r[0] for r in rows(database, "open", sort=sort)] == sorted(r[0] for r in OPEN)


def test_open_work_pages_by_key_across_every_kind_of_deadline(database):
    """Pages of two rows, forwards and back, each starting where the last ended: every row once, in order."""
    query = CaseloadQuery()
    with database.dbapi() as connection:
        def page(**where):  # type: ignore[no-untyped-def]
            return caseload_page(connection, TODAY, CONFIG.calendar(), CONFIG.rules, query=query, limit=2,
                                 placeholder=database.placeholder, **where)

        forwards = page()
        while more := page(after=forwards[-1].key("open")):
            forwards += more
        backwards = forwards[-1:]
        while more := page(before=backwards[0].key("open")):
            backwards = more + backwards
    assert [(r.reference, r.stage, r.due) for r in forwards] == OPEN
    assert backwards == forwards
    assert len({r.stage_id for r in forwards}) == len(OPEN)  # no two rows share an id


def test_the_digest_lists_what_the_caseload_shows_due(database):
    """The digest is "Due this week" for its number of working days, less the paused stages."""
    running = [r for r in OPEN if r[0] != "CS-2026-00004"]
    with database.dbapi() as connection:
        for within, cutoff in ((0, TODAY), (1, date(2026, 11, 23)), (5, date(2026, 11, 27))):
            items = due_items(connection, TODAY, within=within, config=CONFIG, placeholder=database.placeholder)
            assert sorted((i.reference, i.stage, i.due) for i in items) == sorted(r for r in running
                                                                                  if r[2] <= cutoff)
            if within == 5:  # what "Due this week" shows, but for its paused stage
                assert [r for r in rows(database, "week") if r[0] != "CS-2026-00004"] == [
                    (i.reference, i.stage, i.due) for i in items]
        assert [i.stage for i in due_items(connection, TODAY, within=10, config=CONFIG,
                                           placeholder=database.placeholder)].count("Ombudsman") == 1


def test_the_case_screens_clock_is_the_cases_first_row_of_open_work(database):
    from store.views.case import case_detail

    for reference in sorted({r[0] for r in OPEN} | {"CS-2026-00005"}):
        detail = case_detail(database, reference, TODAY, CONFIG.calendar(), CONFIG.rules)
        first = next((r for r in OPEN if r[0] == reference), None)
        assert (detail.clock.deadline.due if detail.clock.deadline else None) == (first[2] if first else None)
        assert detail.due_for == (first[1] if first and first[1] in ("Acknowledgement", "Ombudsman") else None)


async def test_the_caseload_the_case_screen_and_the_digest_agree(tmp_path):
    """Pilot: each view shows SQL's rows; each case's clock is its first row; the digest lists the same."""
    from reports.digest import digest_text
    from store.db.location import resolve_url
    from tests.tui_helpers import settle
    from tui.app import create_app
    from tui.case_screen import CaseScreen
    from tui.caseload import CaseloadTable

    path = tmp_path / "due.db"
    db = open_database(path, CONFIG)
    cases(CaseService(db, CONFIG, today=TODAY))
    with db.dbapi() as connection:
        items = due_items(connection, TODAY, within=5, config=CONFIG)
    week = rows(db, "week")
    db.close()
    app = create_app(resolve_url(path), config=CONFIG, today=TODAY)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        for key, expected in (("3", week), ("1", OPEN)):
            await pilot.press(key)
            await settle(app, pilot)
            shown = [table.get_row_at(i) for i in range(table.row_count)]
            assert [(cells[1], cells[2].split(" · ")[1], cells[3]) for cells in shown] == [
                (ref, stage, f"{due:%d/%m/%Y}") for ref, stage, due in expected]
        assert ("CS-2026-00001", "Acknowledgement", date(2026, 11, 23)) in week
        for reference in dict.fromkeys(r[0] for r in OPEN):  # each case, from its first (earliest) row
            table.move_cursor(row=table.references.index(reference))
            _, stage, due = next(r for r in OPEN if r[0] == reference)
            assert table.current_due == (due if stage in ("Stage 1", "Response") else None)
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, CaseScreen) and app.screen.reference == reference
            clock = str(app.screen.query_one("#case-clock").render())
            what = f"{stage} due" if stage in ("Acknowledgement", "Ombudsman") else " · due"
            assert f"{what} {due:%a %d/%m/%Y}" in clock, clock
            if reference == "CS-2026-00001":  # an extension is measured against the stage's own deadline
                assert app.current_due() == date(2026, 12, 3)
            await pilot.press("escape")
            await settle(app, pilot)
    running = [r for r in week if r[0] != "CS-2026-00004"]  # the digest leaves the paused stage out
    assert [(i.reference, i.stage, i.due) for i in items] == running
    # The digest's lines, grouped by officer: each officer's in the same order as the caseload's.
    text = digest_text(items, TODAY, 5).splitlines()
    lines = [line for line in text if len(line.split()) > 1 and line.split()[1][:3] in ("CS-", "CC-", "CN-", "ME-",
                                                                                       "CE-", "CM-")]
    assert sorted(line.split()[1] for line in lines) == sorted(r[0] for r in running)
    for officer in {i.officer for i in items}:
        start = text.index(officer or "No officer")
        theirs = [r for r, i in zip(running, items, strict=True) if i.officer == officer]
        shown = text[start + 4:start + 4 + len(theirs)]
        assert [f"{due:%d/%m/%Y}" in line and f" {stage} " in line and ref in line
                for line, (ref, stage, due) in zip(shown, theirs, strict=True)] == [True] * len(theirs)

"""Search at scale: surnames and teams through `complaints search` (store.views.search) and the caseload's `/`
(caseload_page, the first page of 200), milliseconds per query on a demo database.
Usage: python bench/search_bench.py DATABASE; or `python bench/run.py --only search`."""

from __future__ import annotations

import sqlite3
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.calendar import WorkingCalendar  # noqa: E402
from domain.config import Config  # noqa: E402
from store.views.caseload import CaseloadQuery, caseload_page  # noqa: E402
from store.views.search import search  # noqa: E402


def search_rows(path: str) -> list[tuple[str, str, str]]:
    """One row per kind of text and way in: median and p95 of the queries, against the issue's 100 ms."""
    connection = sqlite3.connect(path)
    calendar, rules = WorkingCalendar.for_region("ENG"), Config(user="bench").rules
    cases = connection.execute('SELECT count(*) FROM "case"').fetchone()[0]
    surnames = sorted({r[0].split()[-1] for r in connection.execute("SELECT name FROM person WHERE id % 997 = 7 "
                                                                      "LIMIT 40")})[:20]
    teams = [r[0] for r in connection.execute("SELECT name FROM team ORDER BY id LIMIT 10")]
    rows = []
    for label, terms in (("a surname", surnames), ("a team", teams)):
        for way in ("complaints search (50 cases)", "caseload / (first 200 rows)"):
            times = []
            for _ in range(2):
                for term in terms:
                    start = time.perf_counter()
                    if way.startswith("complaints"):
                        search(connection, term, limit=50)
                    else:
                        caseload_page(connection, date(2026, 11, 22), calendar, rules,
                                      query=CaseloadQuery(view="open", text=term), limit=200)
                    times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            rows.append((f"search {label}, {way}, {cases:,} cases", f"median {statistics.median(times):.1f} ms, "
                         f"p95 {p95:.1f} ms", "p95 < 100 ms"))
    connection.close()
    return rows


if __name__ == "__main__":
    for row in search_rows(sys.argv[1]):
        print(" | ".join(row))

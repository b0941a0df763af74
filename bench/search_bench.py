"""Search at scale: a surname and a team through `complaints search` (store.views.search) and the caseload's `/`
(caseload_page), times per query. Usage: python bench/search_bench.py DATABASE (a migrated demo copy)."""

import sqlite3
import statistics
import sys
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
from datetime import date

from domain.calendar import WorkingCalendar
from domain.config import Config
from store.views.caseload import CaseloadQuery, caseload_page
from store.views.search import search

c = sqlite3.connect(sys.argv[1])
cal = WorkingCalendar.for_region("ENG")
cfg = Config(user="x")
names = [r[0].split()[-1] for r in c.execute("select name from person where id % 50000 = 7 limit 20")]
teams = [r[0] for r in c.execute("select name from team limit 6")]
print(names[:5], teams)
for label, terms in (("surname", names), ("team", teams)):
    for what in ("search", "open", "history"):
        times = []
        for t in terms:
            s = time.perf_counter()
            if what == "search":
                n = len(search(c, t, limit=50))
            else:
                query = CaseloadQuery(view=what, text=t)
                n = len(caseload_page(c, date(2026, 11, 22), cal, cfg.rules, query=query, limit=200))
            times.append((time.perf_counter() - s) * 1000)
        times.sort()
        print(label, what, f"median {statistics.median(times):.1f} ms max {times[-1]:.1f} ms", n)

"""Benchmarks: `python bench/run.py [--quick] [--import | --only terminal | --only search]` prints a table of
measured figures beside their targets (`--import`, `--only terminal`, `--only search`: those rows alone).

Rows:
- `complaints due` on a 30,000-case demo database (target 0.25 s wall, the time Taskwarrior needs
  for the same on these machines);
- `complaints demo` throughput (target: 1,000,000 cases in under 2 minutes; --quick measures
  100,000 and scales);
- `complaints summary` (text, with last year beside it) for one year of about 5,000 cases inside
  a 10,000-case history and inside a 1,000,000-case history (200 years of 5,000; --quick: 100,000
  cases over 20 years). Target: at most 1 s, and at most 2x the small-history time.
- `complaints import` of a 100,000-row register (a demo's own export) into an empty database, with
  full validation, beside `sqlite-utils insert` of the same CSV (`pip install -e '.[bench]'`).
  Target: at least 20,000 rows/s and within 2x of sqlite-utils.
- the TUI (bench/tui_bench.py): first paint on 100,000 and 1,000,000 cases against a bare Textual
  app (header, 50-row DataTable, footer); key press to the first frame showing its effect, p95 at
  1,000,000 (cursor moves and page down through all history, 40 filter keystrokes typing and erasing
  four surnames; the bare app's moves beside them); resident memory afterwards.
- the TUI in a real terminal (bench/term_bench.py: `complaints --db DB` on a pseudo-terminal, read by a
  terminal emulator): start to the first caseload rows on screen at 100,000 and 1,000,000 cases (--quick:
  100,000 only) against bench/bare_app.py started the same way, runs interleaved (target: at most 1.5x);
  Enter on a row to the case screen painted, y to the year-end figures and b to the team dashboard painted,
  p95 of 20 each once the app is idle (targets 100 ms, 300 ms and 300 ms). Its databases are kept in
  bench/data/ between runs.
- the case file (bench/casefile_bench.py; `--only casefile` runs these alone): a case with 200 notes and 50
  documents opened at 1,000,000 cases (target p95 100 ms), Escape while a 20 MB file is being attached, and
  backup and copy to PostgreSQL of 10,000 documents.
- edits per second with 5 processes saving at once, on SQLite and on a throwaway PostgreSQL server;
- the big database copied to PostgreSQL (`complaints copy`), then the TUI's first paint and the year
  summary on it, beside the same on SQLite.
Every figure is the median wall time of the command as a user runs it, in a fresh process.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TODAY = "2026-11-22"
LAST_YEAR = "2025/26"


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def median_of(cmd: list[str], runs: int = 7) -> float:
    wall(cmd)  # warm the OS cache once
    return statistics.median(wall(cmd) for _ in range(runs))


def tui(*args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("tui_bench.py")), *args], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def tui_rows(tmp: Path, big: str, n: int) -> list[tuple[str, str, str]]:
    """First paint against a bare Textual app, key-to-repaint at the big database, memory."""
    hundred = str(tmp / "100k.db")
    wall([sys.executable, "-c", "import cli; cli.main()", "demo", "--db", hundred, "--cases", "100000",
          "--today", TODAY])
    bare = statistics.median(tui("bare")["seconds"] for _ in range(5))
    rows = []
    for label, db, target in (("100,000", hundred, 1.5), (f"{n:,}", big, 2.0)):
        tui("paint", db)  # warm the OS cache once
        paint = statistics.median(tui("paint", db)["seconds"] for _ in range(5))
        rows.append((f"TUI first paint, {label} cases (bare app {bare:.2f} s)", f"{paint:.2f} s ({paint / bare:.2f}x)",
                     f"<= {target}x the bare app"))
    keys, base = tui("keys", big), tui("bare-keys")
    for name in ("move", "page", "filter"):
        own, bare_key = keys[f"{name}_p95_ms"], base.get(f"bare_{name}_p95_ms")
        rows.append((f"TUI key to frame p95, {name}, {n:,} cases", f"{own:.0f} ms" + (
            f" (bare app {bare_key:.0f} ms)" if bare_key else ""), "<= 50 ms"))
    rows.append((f"TUI resident memory, {n:,} cases", f"{keys['rss_mb']:.0f} MB", "<= 150 MB"))
    far = tui("far", big)
    rows.append((f"TUI resident memory after paging {far['rows']:,.0f} rows down all history",
                 f"{far['rss_mb']:.0f} MB ({far['held']:,.0f} rows held)", "<= 150 MB"))
    return rows


DATA = Path(__file__).with_name("data")


def cached_demo(exe: list[str], cases: int) -> str:
    """A demo database of ``cases`` kept in bench/data/ (a 1,000,000-case one takes minutes to make), named by
    the schema revision it was made with: a database the app would have to migrate first measures nothing."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from store.db.schema import HEAD

    path = DATA / f"demo-{cases}-r{HEAD}.db"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        partial = path.with_suffix(".partial")
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        older = sorted(DATA.glob(f"demo-{cases}-r*.db"))
        if older:  # an older schema's demo, migrated as a user's database is: minutes quicker than a new demo
            shutil.copy(older[-1], partial)
            wall([*exe, "migrate", "--db", str(partial)])
        else:
            wall([*exe, "demo", "--db", str(partial), "--cases", str(cases), "--today", TODAY])
        for leftover in (Path(f"{partial}-wal"), Path(f"{partial}-shm")):  # checkpointed and empty once closed
            leftover.unlink(missing_ok=True)
        partial.rename(path)
    return str(path)


def terminal_rows(exe: list[str], quick: bool) -> list[tuple[str, str, str]]:
    """First paint, case and year-end keys through a real pseudo-terminal (bench/term_bench.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import term_bench as tb

    runs, tries = (5, 10) if quick else (9, 20)
    sizes = [100_000] if quick else [100_000, 1_000_000]
    dbs = {n: cached_demo(exe, n) for n in sizes}
    command = tb.complaints_command()
    plan = {"bare": (tb.bare_command(), tb.bare_rows_shown)}
    plan |= {n: ([*command, "--db", db, "--today", TODAY], tb.rows_shown) for n, db in dbs.items()}
    took: dict[object, list[float]] = {what: [] for what in plan}
    for argv, shows in plan.values():
        tb.first_paint(argv, shows)  # warm the OS cache once (and bring a database's calendar up to date)
    for _ in range(runs):  # interleaved: the machine's load moves all of them alike
        for what, (argv, shows) in plan.items():
            took[what].append(tb.first_paint(argv, shows))
    bare = statistics.median(took["bare"])
    rows = []
    for n in sizes:
        paint = statistics.median(took[n])
        rows.append((f"TUI first rows in a terminal, {n:,} cases (bare app {bare:.2f} s; median of {runs})",
                     f"{paint:.2f} s ({paint / bare:.2f}x; {min(took[n]):.2f}-{max(took[n]):.2f})",
                     "<= 1.5x the bare app"))
    for n, db in dbs.items():
        for what, name, target in (("case", "Enter to the case screen", 100), ("year", "y to the year-end figures",
                                                                               300),
                                   ("dashboard", "b to the team dashboard", 300)):
            ms = tb.keys(db, what, tries)
            rows.append((f"TUI {name} in a terminal, {n:,} cases (p95 of {tries})",
                         f"{tb.p95(ms):.0f} ms (median {statistics.median(ms):.0f}, first {ms[0]:.0f})",
                         f"<= {target} ms"))
    return rows


def edit_rows(tmp: Path) -> list[tuple[str, str, str]]:
    """5 processes x 200 edits of three cases at once, on SQLite and (when its binaries exist) PostgreSQL."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from datetime import date

    from domain.config import Config
    from store.db.database import open_database
    from store.lifecycle.service import CaseService
    from tests.postgres import running_server

    rows = []
    servers = running_server()
    server = next(servers)
    urls = [("SQLite", f"sqlite:///{tmp / 'edits.db'}")]
    if server is not None:
        urls.append(("PostgreSQL", server.new_database()))
    for label, url in urls:
        db = open_database(url, Config(user="bench"))
        service = CaseService(db, Config(user="bench"), today=date(2026, 11, 22))
        for officer in ("Sam Patel", "Kim Lee", "Jo Bloggs"):
            service.log("statutory", date(2026, 11, 2), officer=officer)
        db.close()
        began = time.perf_counter()
        workers = [subprocess.Popen([sys.executable, "-m", "tests.concurrency_worker", url, str(seed), "200"],
                                    cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.PIPE, text=True)
                   for seed in range(5)]
        conflicts = sum(json.loads(w.communicate()[0])["conflicts"] for w in workers)
        took = time.perf_counter() - began
        rows.append((f"5 concurrent writers x 200 edits, {label}", f"{1000 / took:,.0f} edits/s "
                     f"({conflicts} conflicts refused)", "no edit lost (tested)"))
    next(servers, None)  # stops the server
    return rows


def postgres_rows(exe: list[str], big: str, n: int) -> list[tuple[str, str, str]]:
    """The big SQLite database copied to a throwaway PostgreSQL server; first paint and summary on both."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.postgres import running_server

    servers = running_server()
    server = next(servers)
    if server is None:
        return [("PostgreSQL rows", "no server binaries (initdb, pg_ctl)", "")]
    try:
        url = server.new_database()
        took = wall([*exe, "copy", "--to", url, "--db", big])
        rows = [(f"complaints copy, {n:,} cases, SQLite to PostgreSQL (then every count and year compared)",
                 f"{took:.0f} s", "")]
        paints = {}
        for label, db in (("SQLite", big), ("PostgreSQL", url)):
            tui("paint", db)  # warm the caches once
            paints[label] = statistics.median(tui("paint", db)["seconds"] for _ in range(5))
        rows.append((f"TUI first paint, {n:,} cases, PostgreSQL (SQLite beside it)",
                     f"{paints['PostgreSQL']:.2f} s (SQLite {paints['SQLite']:.2f} s)", "beside the SQLite figure"))
        summary = [*exe, "summary", "--year", LAST_YEAR, "--format", "text", "--today", TODAY, "--db"]
        on_pg, on_sqlite = median_of([*summary, url], runs=5), median_of([*summary, big], runs=5)
        rows.append((f"complaints summary {LAST_YEAR} of the {n:,}-case database, PostgreSQL (SQLite beside it)",
                     f"{on_pg:.2f} s (SQLite {on_sqlite:.2f} s)", "beside the SQLite figure"))
        return rows
    finally:
        next(servers, None)  # stops the server


def import_rows(exe: list[str], tmp: Path, n: int) -> list[tuple[str, str, str]]:
    source, register = str(tmp / "source.db"), str(tmp / "register.csv")
    wall([*exe, "demo", "--db", source, "--cases", str(n), "--today", TODAY])
    wall([*exe, "export", "--register", "--db", source, "--output", register])
    wall([*exe, "import", register, "--db", str(tmp / "warm-up.db"), "--today", TODAY])  # warm the OS cache once,
    runs = []                                                                           # as median_of does
    for i in range(3):  # each into a new database, as a council's first import is
        runs.append(wall([*exe, "import", register, "--db", str(tmp / f"imported-{i}.db"), "--today", TODAY]))
    took = statistics.median(runs)
    rows = [(f"complaints import, {n:,}-row register (median of 3)", f"{took:.1f} s ({n / took:,.0f} rows/s)",
             ">= 20,000 rows/s")]
    sqlite_utils = Path(sys.executable).with_name("sqlite-utils")
    if sqlite_utils.exists():
        other = wall([str(sqlite_utils), "insert", str(tmp / "su.db"), "register", register, "--csv"])
        rows.append(("sqlite-utils insert of the same CSV (no validation)", f"{other:.1f} s "
                     f"(complaints: {took / other:.2f}x)", "complaints within 2x"))
    else:
        rows.append(("sqlite-utils insert of the same CSV", "not installed", "pip install -e '.[bench]'"))
    return rows


def main() -> None:
    quick = "--quick" in sys.argv
    exe = [sys.executable, "-c", "import cli; cli.main()"]
    rows = []
    if "--only" in sys.argv and sys.argv[sys.argv.index("--only") + 1] == "terminal":  # the real-terminal rows
        show(terminal_rows(exe, quick))
        return
    if "--only" in sys.argv and sys.argv[sys.argv.index("--only") + 1] == "casefile":  # the case file's rows
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import casefile_bench

        rows = casefile_bench.casefile_rows(cached_demo(exe, 100_000 if quick else 1_000_000), 10 if quick else 20)
        show(rows + casefile_bench.backup_rows(exe, cached_demo(exe, 100_000)))
        return
    if "--only" in sys.argv and sys.argv[sys.argv.index("--only") + 1] == "search":  # search everything's rows
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import search_bench
        import term_bench as tb

        db, tries = cached_demo(exe, 100_000 if quick else 1_000_000), 10 if quick else 20
        ms = tb.keys(db, "search", tries)
        show([*search_bench.search_rows(db), (f"TUI / a surname or a team typed, to the cases painted in a terminal "
                                              f"(p95 of {tries})", f"{tb.p95(ms):.0f} ms (median "
                                              f"{statistics.median(ms):.0f}, first {ms[0]:.0f})", "<= 100 ms")])
        return
    if "--import" in sys.argv:  # the import rows alone
        with tempfile.TemporaryDirectory() as tmp:
            show(import_rows(exe, Path(tmp), 20_000 if quick else 100_000))
        return
    with tempfile.TemporaryDirectory() as tmp:
        db30 = str(Path(tmp) / "30k.db")
        wall([*exe, "demo", "--db", db30, "--cases", "30000", "--today", TODAY])
        took = median_of([*exe, "due", "--db", db30, "--today", TODAY])
        rows.append(("complaints due, 30,000 cases (median of 7)", f"{took:.3f} s", "<= 0.25 s"))

        n = 100_000 if quick else 1_000_000
        big = str(Path(tmp) / "big.db")
        took = wall([*exe, "demo", "--db", big, "--cases", str(n), "--today", TODAY])
        per_million = took * 1_000_000 / n
        rows.append((f"complaints demo, {n:,} cases", f"{took:.1f} s ({n / took:,.0f} cases/s)",
                     "1,000,000 in < 120 s" + (f" (scaled: {per_million:.0f} s)" if quick else "")))
        rows += tui_rows(Path(tmp), big, n)
        rows += terminal_rows(exe, quick)
        rows += postgres_rows(exe, big, n)

        small, large = str(Path(tmp) / "10k.db"), str(Path(tmp) / "history.db")
        wall([*exe, "demo", "--db", small, "--cases", "10000", "--years", "2", "--today", TODAY])
        big_cases, big_years = (100_000, 20) if quick else (1_000_000, 200)
        wall([*exe, "demo", "--db", large, "--cases", str(big_cases), "--years", str(big_years), "--today", TODAY])
        summary = ["summary", "--year", LAST_YEAR, "--format", "text", "--today", TODAY]
        base = median_of([*exe, *summary, "--db", small])
        rows.append((f"complaints summary {LAST_YEAR}, ~5,000-case year in 10,000 cases", f"{base:.3f} s",
                     "<= 1 s"))
        took = median_of([*exe, *summary, "--db", large])
        rows.append((f"complaints summary {LAST_YEAR}, ~5,000-case year in {big_cases:,} cases", f"{took:.3f} s "
                     f"({took / base:.2f}x)", "<= 1 s and <= 2x the row above"))
        rows += import_rows(exe, Path(tmp), 20_000 if quick else 100_000)
        rows += edit_rows(Path(tmp))
    show(rows)


def show(rows: list[tuple[str, str, str]]) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark'.ljust(width)}  {'measured':<28}  target")
    for name, measured, target in rows:
        print(f"{name.ljust(width)}  {measured:<28}  {target}")


if __name__ == "__main__":
    main()

"""Benchmarks: `python bench/run.py [--quick]` prints a table of measured figures beside their targets.

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
Every figure is the median wall time of the command as a user runs it, in a fresh process.
"""

from __future__ import annotations

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


def import_rows(exe: list[str], tmp: Path, n: int) -> list[tuple[str, str, str]]:
    source, register = str(tmp / "source.db"), str(tmp / "register.csv")
    wall([*exe, "demo", "--db", source, "--cases", str(n), "--today", TODAY])
    wall([*exe, "export", "--register", "--db", source, "--output", register])
    took = wall([*exe, "import", register, "--db", str(tmp / "imported.db"), "--today", TODAY])
    rows = [(f"complaints import, {n:,}-row register", f"{took:.1f} s ({n / took:,.0f} rows/s)",
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
    with tempfile.TemporaryDirectory() as tmp:
        db30 = str(Path(tmp) / "30k.db")
        wall([*exe, "demo", "--db", db30, "--cases", "30000", "--today", TODAY])
        took = median_of([*exe, "due", "--db", db30, "--today", TODAY])
        rows.append(("complaints due, 30,000 cases (median of 7)", f"{took:.3f} s", "<= 0.25 s"))

        n = 100_000 if quick else 1_000_000
        took = wall([*exe, "demo", "--db", str(Path(tmp) / "big.db"), "--cases", str(n), "--today", TODAY])
        per_million = took * 1_000_000 / n
        rows.append((f"complaints demo, {n:,} cases", f"{took:.1f} s ({n / took:,.0f} cases/s)",
                     "1,000,000 in < 120 s" + (f" (scaled: {per_million:.0f} s)" if quick else "")))

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
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark'.ljust(width)}  {'measured':<28}  target")
    for name, measured, target in rows:
        print(f"{name.ljust(width)}  {measured:<28}  {target}")


if __name__ == "__main__":
    main()

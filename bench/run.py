"""Benchmarks: `python bench/run.py [--quick]` prints a table of measured figures beside their targets.

Rows: `complaints due` on a 30,000-case demo database (target 0.25 s wall, the time Taskwarrior
needs for the same on these machines) and `complaints demo` throughput (target: 1,000,000 cases
in under 2 minutes; --quick measures 100,000 and scales).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    quick = "--quick" in sys.argv
    exe = [sys.executable, "-c", "import cli; cli.main()"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        db30 = str(Path(tmp) / "30k.db")
        wall([*exe, "demo", "--db", db30, "--cases", "30000", "--today", "2026-11-22"])
        wall([*exe, "due", "--db", db30, "--today", "2026-11-22"])  # warm the OS cache once
        runs = [wall([*exe, "due", "--db", db30, "--today", "2026-11-22"]) for _ in range(7)]
        rows.append(("complaints due, 30,000 cases (median of 7)", f"{statistics.median(runs):.3f} s", "<= 0.25 s"))
        n = 100_000 if quick else 1_000_000
        took = wall([*exe, "demo", "--db", str(Path(tmp) / "big.db"), "--cases", str(n), "--today", "2026-11-22"])
        per_million = took * 1_000_000 / n
        rows.append((f"complaints demo, {n:,} cases", f"{took:.1f} s ({n / took:,.0f} cases/s)",
                     "1,000,000 in < 120 s" + (f" (scaled: {per_million:.0f} s)" if quick else "")))
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark'.ljust(width)}  {'measured':<28}  target")
    for name, measured, target in rows:
        print(f"{name.ljust(width)}  {measured:<28}  {target}")


if __name__ == "__main__":
    main()

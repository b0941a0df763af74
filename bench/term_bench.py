"""Real-terminal measurements: the `complaints` command as a user starts it, in a pseudo-terminal.

`python bench/term_bench.py paint|bare|case|year|dashboard [DB] [--runs N] [--command PATH]` prints one JSON object.

The program runs as its own process on the slave side of a pty (120x40, TERM=xterm-256color); what
it writes is read on the master side by a thread that stamps each chunk with the time it arrived,
and fed to a terminal emulator (pyte) that keeps the screen as a user would see it. A figure is
the time from the start (the fork, or the key's bytes written to the terminal) to the arrival of
the chunk after which the screen first shows the thing awaited: the emulator's own parsing is not
counted (it runs beside the reader, which keeps stamping while it parses).

- paint: start to the first caseload rows on screen (`complaints --db DB`), in seconds;
- bare: the same for bench/bare_app.py (header, a 50-row DataTable, footer) started the same way;
- case: once the app is idle, Enter on a row to the case screen painted, row after row (ms, each try);
- year: `y` to the year-end figures painted (ms, each try);
- dashboard: `b` to the team dashboard painted with its figures (ms, each try).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import queue
import re
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pyte

COLS, ROWS = 120, 40
TODAY = "2026-11-22"
REFERENCE = re.compile(r"\b[A-Z]{2}-\d{4}-\d{5}\b")
DOWN, ENTER, ESCAPE = b"\x1b[B", b"\r", b"\x1b"


def complaints_command() -> list[str]:
    """The installed console script beside this interpreter (as a user runs it), else the module;
    `--command PATH` runs another build instead (an A/B comparison)."""
    if "--command" in sys.argv:
        return [sys.argv[sys.argv.index("--command") + 1]]
    script = Path(sys.executable).with_name("complaints")
    return [str(script)] if script.exists() else [sys.executable, "-c", "import cli; cli.main()"]


def bare_command() -> list[str]:
    return [sys.executable, str(Path(__file__).with_name("bare_app.py"))]


class Terminal:
    """A program on a pseudo-terminal, and the screen it has drawn so far."""

    def __init__(self, argv: list[str], home: str) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("TMUX", "TEXTUAL", "COMPLAINTS_", "COLUMNS", "LINES"))}
        env.update(TERM="xterm-256color", COLORTERM="truecolor", HOME=home, XDG_CONFIG_HOME=f"{home}/.config",
                   XDG_DATA_HOME=f"{home}/.local/share", COMPLAINTS_CONFIG=f"{home}/none.toml")
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.chunks: queue.Queue[tuple[float, bytes] | None] = queue.Queue()
        self.master = master
        self.began = time.perf_counter()
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=home,
                                        start_new_session=True, preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 1 << 16)
            except OSError:  # the program has gone (EIO)
                data = b""
            if not data:
                self.chunks.put(None)
                return
            self.chunks.put((time.perf_counter(), data))

    def lines(self) -> list[str]:
        return self.screen.display

    def wait_for(self, shows: Callable[[list[str]], bool], timeout: float = 60.0) -> float:
        """The arrival time of the chunk after which the screen first ``shows`` what is awaited."""
        if shows(self.lines()):
            return time.perf_counter()
        deadline = time.perf_counter() + timeout
        while True:
            try:
                chunk = self.chunks.get(timeout=max(0.0, deadline - time.perf_counter()))
            except queue.Empty:
                raise TimeoutError("\n".join(self.lines())) from None
            if chunk is None:
                raise RuntimeError("the program ended:\n" + "\n".join(self.lines()))
            stamp, data = chunk
            self.stream.feed(data)
            if shows(self.lines()):
                return stamp

    def drain(self) -> None:
        """Feed what has arrived so far."""
        while True:
            try:
                chunk = self.chunks.get_nowait()
            except queue.Empty:
                return
            if chunk is not None:
                self.stream.feed(chunk[1])

    def press(self, keys: bytes) -> float:
        self.drain()
        stamp = time.perf_counter()
        os.write(self.master, keys)
        return stamp

    def idle(self, quiet: float = 0.4, timeout: float = 60.0) -> None:
        """Wait until the program has used (almost) no CPU for ``quiet`` seconds: every background load done."""
        def used() -> int:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks, all threads

        deadline, last, since = time.perf_counter() + timeout, used(), time.perf_counter()
        while time.perf_counter() < deadline:
            time.sleep(0.05)
            self.drain()
            now = used()
            if now - last > 1:
                last, since = now, time.perf_counter()
            elif time.perf_counter() - since >= quiet:
                return
        raise TimeoutError("the program never went idle")

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        os.close(self.master)
        self.reader.join(timeout=5)


def rows_shown(lines: list[str]) -> bool:
    return sum(1 for line in lines if REFERENCE.search(line)) >= 5


def bare_rows_shown(lines: list[str]) -> bool:
    return sum(1 for line in lines if "x" * 10 in line and "y" * 10 in line) >= 5


def case_shown(lines: list[str]) -> bool:
    return any("Overview" in line and "Timeline" in line for line in lines)


def year_shown(lines: list[str]) -> bool:
    return any("brackets:" in line for line in lines)


def dashboard_shown(lines: list[str]) -> bool:
    return any("Team dashboard as of" in line for line in lines)


def caseload_back(lines: list[str]) -> bool:
    return rows_shown(lines) and not case_shown(lines) and not any("Year before" in line for line in lines) \
        and not dashboard_shown(lines)


def first_paint(argv: list[str], shows: Callable[[list[str]], bool]) -> float:
    with tempfile.TemporaryDirectory() as home:
        term = Terminal(argv, home)
        try:
            return term.wait_for(shows) - term.began
        finally:
            term.close()


def search_terms(db: str) -> list[str]:
    """Surnames and teams of the database, to type into `/`."""
    import sqlite3

    connection = sqlite3.connect(db)
    try:
        names = sorted({n.split()[-1] for (n,) in connection.execute("SELECT name FROM person WHERE id % 997 = 7 "
                                                                      "LIMIT 20")})[:10]
        return [t for pair in zip(names, (t for (t,) in connection.execute("SELECT name FROM team LIMIT 10")),
                                  strict=False) for t in pair]
    finally:
        connection.close()


def searched(typed: str) -> Callable[[list[str]], bool]:
    def shows(lines: list[str]) -> bool:
        return any(f"matching “{typed}”" in line for line in lines) and any(REFERENCE.search(line) for line in lines)
    return shows


def keys(db: str, what: str, runs: int) -> list[float]:
    """Milliseconds from each key press to the screen it opens, painted; back to the caseload between tries.
    ``search``: `/`, a surname or a team typed, from its last key to the cases found, painted."""
    terms = search_terms(db) if what == "search" else []
    with tempfile.TemporaryDirectory() as home:
        term = Terminal([*complaints_command(), "--db", db, "--today", TODAY], home)
        try:
            term.wait_for(rows_shown)
            term.idle()
            took = []
            for _ in range(runs):
                if what == "search":
                    typed = terms[len(took) % len(terms)]
                    term.press(b"/")
                    time.sleep(0.15)  # the search box opens
                    for char in typed[:-1]:
                        term.press(char.encode())
                        time.sleep(0.03)  # a fast typist
                    began = term.press(typed[-1].encode())
                    took.append((term.wait_for(searched(typed)) - began) * 1000)
                    term.press(ESCAPE)  # the search cleared, the view again
                    term.wait_for(caseload_back)
                    term.idle(quiet=0.2)
                    continue
                if what == "case":
                    term.press(DOWN)  # another case each time
                    time.sleep(0.1)
                    began = term.press(ENTER)
                    took.append((term.wait_for(case_shown) - began) * 1000)
                elif what == "dashboard":
                    began = term.press(b"b")
                    took.append((term.wait_for(dashboard_shown) - began) * 1000)
                else:
                    began = term.press(b"y")
                    took.append((term.wait_for(year_shown) - began) * 1000)
                term.press(ESCAPE)
                term.wait_for(caseload_back)
                term.idle(quiet=0.2)
            return took
        finally:
            term.close()


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main() -> None:
    what = sys.argv[1]
    rest = [str(Path(a).resolve()) for a in sys.argv[2:3]]  # the program starts in a home of its own
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 20
    if what == "bare":
        out: dict[str, object] = {"seconds": first_paint(bare_command(), bare_rows_shown)}
    elif what == "paint":
        out = {"seconds": first_paint([*complaints_command(), "--db", rest[0], "--today", TODAY], rows_shown)}
    else:
        took = keys(rest[0], what, runs)
        out = {"ms": took, "p95_ms": p95(took), "median_ms": statistics.median(took), "first_ms": took[0]}
    print(json.dumps(out))


if __name__ == "__main__":
    main()

"""TUI measurements, each in a fresh process: `python bench/tui_bench.py paint|bare|keys|bare-keys DB`.

- paint: process start to the caseload's first page on screen (headless), in seconds;
- bare: the same for a bare Textual app (header, a 50-row DataTable, footer), the yardstick;
- keys: key press to the first frame showing its effect, for cursor moves, page down and filter
  keystrokes (p95, ms; see FrameClock), and the resident memory afterwards (MB);
- bare-keys: the same moves on the bare app, with 2,000 rows.
Prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import sys
import time

START = time.perf_counter()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def bare() -> float:
    from bare_app import Bare  # the yardstick the terminal rows start as a program of its own (bench/ is on the path)

    app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        return time.perf_counter() - START


async def bare_keys() -> dict[str, float]:
    """The same key timings on the bare app: what the harness itself costs per key."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable(cursor_type="row")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("a", "b", "c")
            table.add_rows([(str(i), "x" * 10, "y" * 10) for i in range(2000)])
            table.focus()

    app = Bare()
    timings: dict[str, list[float]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await time_keys(app, pilot, timings, app.query_one(DataTable), MOVES)
    return {f"bare_{k}_p95_ms": v for k, v in p95(timings).items()}


#: Filter keystrokes: four surnames typed and erased again, letter by letter (40 keys).
FILTER_KEYS = tuple(k for name in ("smith", "jones", "patel", "ward") for k in (*name, *["backspace"] * len(name)))

#: The keys timed on both apps: (what, key, how many presses).
MOVES = (("move", "down", 150), ("page", "pagedown", 30))


class FrameClock:
    """Times a key press to the first frame the app composes that shows its effect.

    Every frame goes through ``App._display`` (a headless app composes it and writes nothing);
    ``shows`` says whether the app's state already reflects the key when a frame is composed. The
    harness's own waiting after a key (Pilot waits for idle and for animations) is not counted.
    """

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app, self.shows, self.frame = app, None, 0.0
        composed = app._display

        def display(screen, renderable) -> None:  # type: ignore[no-untyped-def]
            composed(screen, renderable)
            if renderable is not None and self.shows is not None and self.shows():
                self.frame, self.shows = time.perf_counter(), None

        app._display = display

    async def press(self, pilot, key: str, shows) -> float:  # type: ignore[no-untyped-def]
        self.shows, self.frame = shows, 0.0
        began = time.perf_counter()
        await pilot.press(key)
        await settle(self.app, pilot)
        if not self.frame:
            raise RuntimeError(f"no frame showed the effect of {key!r}")
        return (self.frame - began) * 1000


async def time_keys(app, pilot, timings: dict[str, list[float]], table,  # type: ignore[no-untyped-def]
                    plan: tuple[tuple[str, str, int], ...] = ()) -> None:
    """Press each key of ``plan`` and time it to the frame where the cursor has moved, in milliseconds."""
    clock = FrameClock(app)
    for name, key, count in plan:
        for _ in range(count):
            before = table.cursor_row
            timings.setdefault(name, []).append(await clock.press(pilot, key, lambda b=before: table.cursor_row != b))


def p95(timings: dict[str, list[float]]) -> dict[str, float]:
    return {k: statistics.quantiles(v, n=20)[-1] if len(v) > 1 else v[0] for k, v in timings.items()}


async def settle(app, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def paint(db: str) -> float:
    from datetime import date

    from domain.config import Config
    from store.db.location import resolve_url
    from tui.app import create_app
    from tui.caseload import CaseloadTable

    app = create_app(resolve_url(db), config=Config(user="bench"), today=date(2026, 11, 22))
    async with app.run_test(size=(120, 40)) as pilot:
        while app.query_one(CaseloadTable).row_count == 0:  # rows on screen, whatever is still loading
            await pilot.pause(0.005)
        return time.perf_counter() - START


async def keys(db: str) -> dict[str, float]:
    from datetime import date

    from domain.config import Config
    from store.db.location import resolve_url
    from tui.app import create_app
    from tui.caseload import CaseloadTable

    app = create_app(resolve_url(db), config=Config(user="bench"), today=date(2026, 11, 22))
    timings: dict[str, list[float]] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("8")  # all history: a million rows to page through
        await settle(app, pilot)
        await time_keys(app, pilot, timings, app.query_one(CaseloadTable), MOVES)
        await pilot.press("1", "slash")  # all open work, then the filter box
        await settle(app, pilot)
        clock = FrameClock(app)
        for key in FILTER_KEYS:  # each keystroke: the frame that shows the rows matching what is typed so far
            typed = app.caseload.generation
            timings.setdefault("filter", []).append(
                await clock.press(pilot, key, lambda t=typed: app.caseload.shown_generation > t))
    result = {f"{k}_p95_ms": v for k, v in p95(timings).items()}
    result["rss_mb"] = rss_mb()
    return result


async def far(db: str, rows: int = 20_000) -> dict[str, float]:
    """Page down ``rows`` rows of all history: the table keeps a window, so memory stays where it was."""
    from datetime import date

    from domain.config import Config
    from store.db.location import resolve_url
    from tui.app import create_app
    from tui.caseload import CaseloadTable

    app = create_app(resolve_url(db), config=Config(user="bench"), today=date(2026, 11, 22))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("8")
        await settle(app, pilot)
        table = app.query_one(CaseloadTable)
        start, began = rss_mb(), time.perf_counter()
        while table.first + table.cursor_row < rows:
            for _ in range(10):
                await pilot.press("pagedown")
            await settle(app, pilot)
        return {"rows": table.first + table.cursor_row, "held": table.row_count, "rss_before_mb": start,
                "rss_mb": rss_mb(), "seconds": time.perf_counter() - began}


def main() -> None:
    what, db = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else ""
    if what == "bare":
        out: object = {"seconds": asyncio.run(bare())}
    elif what == "paint":
        out = {"seconds": asyncio.run(paint(db))}
    elif what == "bare-keys":
        out = asyncio.run(bare_keys())
    elif what == "far":
        out = asyncio.run(far(db))
    else:
        out = asyncio.run(keys(db))
    print(json.dumps(out))


if __name__ == "__main__":
    main()

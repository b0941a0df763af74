"""The collector kept off the officer's keys: tidyings only in pauses, and removed footer keys not kept alive."""

from __future__ import annotations

import gc
from datetime import date

from domain.config import Config
from store.db.database import open_database
from store.db.location import resolve_url
from store.housekeeping.demo import generate
from tests.tui_helpers import settle
from tui import tidy
from tui.app import create_app

TODAY = date(2026, 11, 22)


def test_a_tidying_waits_for_a_pause_and_a_whole_one_for_a_longer_one_now_and_then(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(tidy.time, "monotonic", lambda: now[0])
    done: list[str] = []
    monkeypatch.setattr(tidy.gc, "unfreeze", lambda: done.append("unfreeze"))
    monkeypatch.setattr(tidy.gc, "collect", lambda: done.append("collect") or 0)
    monkeypatch.setattr(tidy.gc, "freeze", lambda: done.append("freeze"))
    keeper = tidy.Tidy()
    assert keeper.tick() is None  # nothing done yet: nothing to tidy
    keeper.touched()
    now[0] += tidy.QUICK / 2
    assert keeper.tick() is None and not done  # still typing
    now[0] += tidy.QUICK
    assert keeper.tick() == "quick" and done == ["collect", "freeze"]
    assert keeper.tick() is None  # nothing done since
    now[0] += tidy.FULL_EVERY
    keeper.touched()
    now[0] += tidy.QUICK
    assert keeper.tick() == "quick"
    now[0] += tidy.FULL
    done.clear()
    assert keeper.tick() == "full" and done == ["unfreeze", "collect", "freeze"]
    assert keeper.tick() is None


async def test_opening_cases_leaves_no_removed_footer_keys_alive(tmp_path):
    """Each footer key bound itself to the footer's ``compact``, and Textual kept removed ones in that list:
    30 cases opened left 1,072 of them, and every full pass of the collector walked them."""
    from textual.widgets._footer import FooterKey

    path = tmp_path / "c.db"
    cfg = Config(user="tester")
    db = open_database(path, cfg)
    generate(db, cfg, cases=300, seed=3, today=TODAY)
    db.close()
    app = create_app(resolve_url(path), config=cfg, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for _ in range(12):
            await pilot.press("down", "enter")
            await settle(app, pilot)
            await pilot.press("escape")
            await settle(app, pilot)
        gc.collect()
        removed = [k for k in gc.get_objects() if isinstance(k, FooterKey) and not k.is_attached]
        assert len(removed) <= 12, len(removed)  # the last rebuild's, at most

"""Waiting for the app to be still: every worker done and every message they posted handled."""

from __future__ import annotations


async def settle(app, pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until two rounds in a row find no worker running (a handler may start the next one)."""
    quiet = 0
    for _ in range(40):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if any(worker.is_running for worker in app.workers):
            quiet = 0
            continue
        quiet += 1
        if quiet == 2:
            return


async def still(app, pilot) -> None:  # type: ignore[no-untyped-def]
    """Settle, then stop every text cursor blinking: a snapshot must not depend on when it is taken."""
    from textual.widgets import Input, TextArea

    await settle(app, pilot)
    for field in app.screen.query(Input):
        field.cursor_blink = False
    for area in app.screen.query(TextArea):  # a form's multi-line field
        area.cursor_blink = False
    await pilot.pause()

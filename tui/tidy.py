"""The collector's passes done while the officer is not typing, not in the middle of a key's work.

Python collects reference cycles in generations; its full pass walks every object not frozen, and the app's
grow as it is used (pages of the caseload, cases read, Textual's caches). Measured at 100,000 cases, 40 cases
opened one after another: the full passes took 40-110 ms each, one every few cases, and those that fell while a
case was opening made it the slowest of the forty (115-120 ms against a median of 32 ms).

So the app tidies when the officer pauses. A short pause (``QUICK``): what was made since the last tidying is
collected and what is left frozen, out of every later pass's way: a few milliseconds, since little is new, and
Python's own full passes then walk only the little made since. A longer pause (``FULL``, at most every
``FULL_EVERY`` seconds): everything collected, the frozen too, so that what has died since it was frozen (a
form closed, a case screen's old contents) is freed, then frozen again: 100-300 ms, while nobody is typing.
"""

from __future__ import annotations

import gc
import time

QUICK = 0.25  # seconds without a key or a click before the quick tidying (and how often it is looked at)
FULL = 2.0  # seconds without one before the whole tidying
FULL_EVERY = 60.0  # seconds at least between two whole tidyings


class Tidy:
    """When the officer last did something, and when the heap was last collected and frozen."""

    def __init__(self) -> None:
        self.input_at = 0.0
        self.tidied_at = 0.0  # the last tidying of either kind
        self.full_at = time.monotonic()

    def touched(self) -> None:
        """A key or a click: the officer is at work."""
        self.input_at = time.monotonic()

    def tick(self) -> str | None:
        """Tidy if the officer has done something since the last time and has now paused: "quick" or "full"."""
        now = time.monotonic()
        idle = now - self.input_at
        whole = self.input_at > self.full_at and idle >= FULL and now - self.full_at >= FULL_EVERY
        if not whole and (self.input_at <= self.tidied_at or idle < QUICK):
            return None
        if whole:
            gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.tidied_at = time.monotonic()
        if whole:
            self.full_at = self.tidied_at
            return "full"
        return "quick"

"""Actions of the case file: learning actions done, and the persistent-complaints procedure reviewed."""

from __future__ import annotations

from tui.action_kit import Action

ACTIONS: tuple[Action, ...] = ()

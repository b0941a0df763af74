"""Actions of the case file: changing what was recorded at intake, and reassigning cases."""

from __future__ import annotations

from tui.action_kit import Action

ACTIONS: tuple[Action, ...] = ()

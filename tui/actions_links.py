"""Actions of the case file: linking related cases, merging duplicates, and undoing a change."""

from __future__ import annotations

from tui.action_kit import Action

ACTIONS: tuple[Action, ...] = ()

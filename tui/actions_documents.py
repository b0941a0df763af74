"""Actions of the case file: documents kept with a case, and a new case from an email."""

from __future__ import annotations

from tui.action_kit import Action

ACTIONS: tuple[Action, ...] = ()

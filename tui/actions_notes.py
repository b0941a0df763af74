"""Actions of the case file: the contact log: notes of calls, emails, letters, meetings and visits."""

from __future__ import annotations

from tui.action_kit import Action

ACTIONS: tuple[Action, ...] = ()

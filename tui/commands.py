"""The command palette offers what the keys do: the app's screens, every view and every transition, by name.

It is the palette's only provider (``ComplaintsApp.COMMANDS``), and lists Textual's own commands (Keys,
Maximize, Quit, Screenshot, Theme: ``App.get_system_commands``) after the app's, so that an officer opening
it sees the app's actions first: discovery hits all score alike, and are shown in the order they arrive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.actions import ACTIONS
from tui.base import complaints_app
from tui.data import VIEWS


class ComplaintsCommands(Provider):
    def entries(self) -> Iterator[tuple[str, Callable[[], Any], str]]:
        """Every command, in the order the palette lists them on opening: (name, what it does, help)."""
        app = complaints_app(self.app)
        yield ("Team dashboard", app.action_dashboard,
               "The team's work at a glance; each figure opens the cases behind it (key b)")
        for view in VIEWS:
            yield f"View: {view.name}", partial(app.action_view, view.id), f"{view.tooltip} (key {view.key})"
        for action in ACTIONS:
            key = f" (key {action.key})" if action.key else ""
            yield action.title, partial(app.action_form, action.id), action.tooltip + key
        for saved in app.saved:  # the user's own views (tui.saved_views)
            yield (f"Saved view {saved.slot}: {saved.name}", partial(app.action_saved_view, saved.slot),
                   f"Show it (shift+{saved.slot})")
            yield f"Rename saved view {saved.slot}: {saved.name}", partial(app.rename_view, saved), "Give it a new name"
            yield (f"Delete saved view {saved.slot}: {saved.name}", partial(app.delete_view, saved),
                   "The built-in views stay")
        detail = getattr(self.screen, "detail", None)  # a case on screen: its linked cases open from here
        for reference, kind, received, state in getattr(detail, "case_links", ()):
            yield (f"Open linked case {reference}", partial(app.open_case, reference),
                   f"{kind.replace('_', ' ')}, received {received:%d/%m/%Y}, {state}")
        yield ("Complainant: every contact", app.action_person,
               "The complainant of the case on screen, and the persistent-complaints procedure (key c)")
        yield "Year-end figures", app.action_reports, "The annual report's tables and charts (key y)"
        yield ("Settings and council lists", app.action_settings,
               "Timescales, themes, teams, officers, independent people (key ,)")
        for command in app.get_system_commands(self.screen):  # Textual's own, last
            yield command.title, command.callback, command.help

    async def discover(self) -> Hits:
        for name, run, help_ in self.entries():
            yield DiscoveryHit(name, run, help=help_)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_ in self.entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_)

"""The command palette offers what the keys do: every view and every transition, by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import Hit, Hits, Provider

from tui.actions import ACTIONS
from tui.base import complaints_app
from tui.data import VIEWS


class ComplaintsCommands(Provider):
    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = complaints_app(self.app)
        for view in VIEWS:
            name = f"View: {view.name}"
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(app.action_view, view.id),
                          help=f"{view.tooltip} (key {view.key})")
        for action in ACTIONS:
            name = action.title
            score = matcher.match(name)
            if score > 0:
                key = f" (key {action.key})" if action.key else ""
                yield Hit(score, matcher.highlight(name), partial(app.action_form, action.id),
                          help=action.tooltip + key)
        for saved in app.saved:  # the user's own views (tui.saved_views)
            views: tuple[tuple[str, Callable[[], None], str], ...] = ((f"Saved view {saved.slot}: {saved.name}",
                                      partial(app.action_saved_view, saved.slot), f"Show it (shift+{saved.slot})"),
                                     (f"Rename saved view {saved.slot}: {saved.name}", partial(app.rename_view, saved),
                                      "Give it a new name"),
                                     (f"Delete saved view {saved.slot}: {saved.name}", partial(app.delete_view, saved),
                                      "The built-in views stay"))
            for name, run, help_ in views:
                score = matcher.match(name)
                if score > 0:
                    yield Hit(score, matcher.highlight(name), run, help=help_)
        detail = getattr(self.screen, "detail", None)  # a case on screen: its linked cases open from here
        for reference, kind, received, state in getattr(detail, "case_links", ()):
            name = f"Open linked case {reference}"
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(app.open_case, reference),
                          help=f"{kind.replace('_', ' ')}, received {received:%d/%m/%Y}, {state}")
        for name, run, help_ in (
                ("Complainant: every contact", app.action_person,
                 "The complainant of the case on screen, and the persistent-complaints procedure (key c)"),
                ("Year-end figures", app.action_reports, "The annual report's tables and charts (key y)"),
                ("Settings and council lists", app.action_settings,
                 "Timescales, themes, teams, officers, independent people (key ,)")):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_)

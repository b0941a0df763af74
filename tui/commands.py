"""The command palette offers what the keys do: every view and every transition, by name."""

from __future__ import annotations

from functools import partial

from textual.command import Hit, Hits, Provider

from store.views.caseload import VIEWS
from tui.actions import ACTIONS


class ComplaintsCommands(Provider):
    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = self.app
        for view in VIEWS:
            name = f"View: {view.name}"
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(app.action_view, view.id),  # type: ignore[attr-defined]
                          help=f"{view.tooltip} (key {view.key})")
        for action in ACTIONS:
            name = action.title
            score = matcher.match(name)
            if score > 0:
                key = f" (key {action.key})" if action.key else ""
                yield Hit(score, matcher.highlight(name), partial(app.action_form, action.id),  # type: ignore[attr-defined]
                          help=action.tooltip + key)
        for name, run, help_ in (
                ("Complainant: every contact", app.action_person,  # type: ignore[attr-defined]
                 "The complainant of the case on screen, and the persistent-complaints procedure (key c)"),
                ("Year-end figures", app.action_reports, "The annual report's tables and charts (key y)"),  # type: ignore[attr-defined]
                ("Settings and council lists", app.action_settings,  # type: ignore[attr-defined]
                 "Timescales, themes, teams, officers, independent people (key ,)")):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_)

"""The app's keys for the team dashboard (``b``), the cases behind a figure, and the help panel (``?``).

Mixed into ``ComplaintsApp`` (before Textual's App); the screens load when first asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.app import ComplaintsApp
    from tui.data import CaseloadQuery


class DashboardKeys:
    def action_dashboard(self) -> None:
        from tui.dashboard_screen import DashboardScreen
        from tui.form import FormScreen

        app: ComplaintsApp = self  # type: ignore[assignment]  # mixed into the app
        if app.data is None:
            app.pending = app.action_dashboard
        elif not isinstance(app.screen, DashboardScreen | FormScreen):
            if not app.is_screen_installed("dashboard"):  # built once and kept, as the case screen is
                app.install_screen(DashboardScreen(), "dashboard")
            app.push_screen("dashboard")

    def show_behind(self, query: CaseloadQuery) -> None:
        """The caseload, showing the cases behind a dashboard figure (``data.behind``)."""
        app: ComplaintsApp = self  # type: ignore[assignment]
        query.user = app.caseload.query_state.user
        app.caseload.query_state = query
        app.caseload.set_search(query.text)
        while len(app.screen_stack) > 1:
            app.pop_screen()
        app.action_reload()

    def show_help(self) -> None:
        """This screen's own keys first, grouped, then Textual's generic ones (``tui.help_panel``)."""
        from tui.help_panel import AppHelpPanel

        app: Any = self
        app.screen.mount(AppHelpPanel())

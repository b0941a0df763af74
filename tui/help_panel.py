"""The help panel (``?``): this screen's own keys first, grouped, then Textual's generic keys (its KeyPanel).

Textual's HelpPanel lists every binding of the focused widget's chain, cursor keys first and the app's own
80 rows down; this one starts with what an officer can do here: this screen's keys, work on a case, views,
reports, then the rest. Each shows the key in force (a key remapped in the settings shows as remapped).
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import HelpPanel, KeyPanel, Markdown, Static

GROUPS = ("This screen", "Work on a case", "Views", "Reports", "The app")
VIEWING = ("filter", "sort", "reload")
REPORTING = ("dashboard", "reports", "settings")


def group_of(action: str, on_screen: bool) -> str:
    """Which group a binding's ``action`` belongs to (``on_screen``: bound by the screen, not the app)."""
    name = action.removeprefix("app.")
    if name.startswith("form("):
        return "Work on a case"
    if name.startswith("view(") or name in VIEWING:
        return "Views"
    if name in REPORTING:
        return "Reports"
    return "This screen" if on_screen else "The app"


class AppHelpPanel(HelpPanel):
    """Textual's help panel, with the app's own keys, grouped, above its generic ones."""

    DEFAULT_CSS = """
    AppHelpPanel #app-keys-scroll { height: 2fr; }
    AppHelpPanel KeyPanel#keys-help { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="app-keys-scroll"):
            yield Static(self.grouped(), id="app-keys")
        yield Markdown(id="widget-help")
        yield KeyPanel(id="keys-help")

    def grouped(self) -> Table:
        """The screen's active bindings of the app's own (each has an id), grouped, each with its key as the officer
        would press it."""
        groups: dict[str, list[tuple[str, str]]] = {name: [] for name in GROUPS}
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not active.enabled or binding.action in seen or not binding.description or binding.id is None:
                continue  # without an id: Textual's own (cursor keys, focus), listed by its panel below
            seen.add(binding.action)
            group = group_of(binding.action, active.node is self.screen)
            groups[group].append((self.app.get_key_display(binding), binding.description or key))
        table = Table.grid(padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for name, rows in groups.items():
            if rows:
                table.add_row(Text(name, style="underline"), "")
                for key, what in rows:
                    table.add_row(key, what)
        return table

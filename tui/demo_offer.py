"""First run: offer a demo database, kept apart from the real one, so a newcomer sees real work."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.footer import Footer


class DemoOffer(ModalScreen[bool]):
    """Dismissed with True to open the demo database, False to start with the empty one."""

    BINDINGS = [
        Binding("d", "choose(True)", "Demo", id="demo_offer.demo", tooltip="Open a demo database"),
        Binding("escape,e", "choose(False)", "Empty", id="demo_offer.empty", tooltip="Start with the empty database"),
    ]

    def __init__(self, real_path: str, demo_path: str) -> None:
        super().__init__()
        self.real_path, self.demo_path = real_path, demo_path

    def compose(self) -> ComposeResult:
        with Vertical(id="demo-offer"):
            yield Static("[b]Welcome to complaints[/b]", id="demo-title")
            yield Static(
                f"Your database is empty:\n  {self.real_path}\n\n"
                "Would you like a first look at a demo database? It holds a few years of invented "
                "complaints, concerns, enquiries and compliments, with an open caseload due around today. "
                f"It is kept apart from your own data, in\n  {self.demo_path}",
                id="demo-text",
            )
            with Horizontal(id="demo-buttons"):
                yield Button("Open the demo (d)", id="demo", variant="primary")
                yield Button("Start empty (e)", id="empty")
        yield Footer()  # its own keys, over the caseload's (which do nothing while it asks)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "demo")

    def action_choose(self, demo: bool) -> None:
        self.dismiss(demo)

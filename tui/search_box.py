"""The caseload's search box: ``/`` pressed again in it acts as a browser's find bar does, never typed as text."""

from __future__ import annotations

from textual.events import Key
from textual.widget import Widget
from textual.widgets import Input


def is_search_key(widget: Widget, key: str) -> bool:
    """Whether ``key`` is the app's search key on ``widget``'s screen (``/`` unless the settings moved it)."""
    active = widget.screen.active_bindings.get(key)
    return active is not None and active.binding.action == "filter" and active.enabled


class SearchBox(Input):
    """An ``Input`` whose search key, pressed in it, is no character: while the box is empty it does nothing (the
    key pressed twice); once something is typed it selects it all, so the next key typed replaces it."""

    async def _on_key(self, event: Key) -> None:
        """(Textual runs ``Input._on_key`` after this one, unless the default is prevented here.)"""
        if event.is_printable and is_search_key(self, event.key):
            event.stop()
            event.prevent_default()
            self.again()

    def again(self) -> None:
        """The search key pressed while the box has the keyboard."""
        if self.value:
            self.select_all()

    def type_in(self, character: str) -> None:
        """``character`` typed, over what is selected, as a key pressed in the box would be."""
        if self.selection.is_empty:
            self.insert_text_at_cursor(character)
        else:
            self.replace(character, *self.selection)

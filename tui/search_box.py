"""The caseload's search box: ``/`` pressed again in it acts as a browser's find bar does, never typed as text."""

from __future__ import annotations

from typing import Any

from textual.events import Key
from textual.widget import Widget
from textual.widgets import Input


def is_search_key(widget: Widget, key: str) -> bool:
    """Whether ``key`` is the app's search key on ``widget``'s screen (``/`` unless the settings moved it)."""
    active = widget.screen.active_bindings.get(key)
    return active is not None and active.binding.action == "filter" and active.enabled


class SearchBox(Input):
    """An ``Input`` whose search key, pressed in it, is no character: while the box is empty it does nothing (the
    key pressed twice); once something is typed it selects it all, so the next key typed replaces it.

    Its text is not selected as it takes the keyboard (``select_on_focus``): a letter typed straight after ``/``,
    put in before the focus arrived, was selected by it and replaced by the next ("/Fostering" searched "ostering").
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)
        self.shown = False

    def show(self, shown: bool) -> None:
        """Show or hide the box. Hidden, it can never have the keyboard: the app's first focus went to it, hidden,
        before the caseload had put the keyboard on its table, so that "/Fostering" typed as the app started
        searched "F" and the other letters acted as the caseload's keys (s sorted, n opened a form)."""
        self.shown = shown
        self.display = shown

    def allow_focus(self) -> bool:
        return self.shown and super().allow_focus()

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

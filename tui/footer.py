"""The footer of every screen: Textual's own, rebuilt only when the keys it would show change.

Textual's Footer builds its keys again (a widget per key, each styled) whenever the screen's
bindings may have changed: focus moved, a screen was pushed or resumed. Starting the caseload
that was five times in a row for the same eleven keys, 15-50 ms each, on the main thread while
the first page was being drawn; opening a case, two or three more. A rebuild that would show the
same keys is skipped.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

#: Under this many columns the footer keeps only the essential keys: the screen's own (Back, say) and these of
#: the app's; the rest are one `?` (or ctrl+p) away. At 80 columns all of them showed cut off past "Dashboard".
NARROW = 100
ESSENTIAL = ("quit", "help", "filter", "open_case", "form('log')", "form('respond')", "command_palette")
#: In a narrow terminal these lead, in this order (the sort is stable: the rest keep theirs).
FIRST = {"app.pop_screen": 0, "dismiss(None)": 0, "cancel": 0, "help": 1, "quit": 2}


class Footer(TextualFooter):
    """Textual's Footer; ``recompose`` is skipped when the keys shown would be the same."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[object, ...] | None = None

    def _keys(self) -> tuple[object, ...]:
        """What ``compose`` would draw: every shown binding, as drawn and as it acts, and the footer's style."""
        if not self._bindings_ready:
            return ()
        bindings = self.screen.active_bindings
        shown = tuple((binding.key, self.app.get_key_display(binding), binding.description, binding.action,
                       binding.group, enabled, tooltip, binding.tooltip)
                      for _, binding, enabled, tooltip in bindings.values() if binding.show)
        palette = bindings.get(self.app.COMMAND_PALETTE_BINDING)
        palette_key = (palette[1].key, palette[1].description, palette[2], palette[1].tooltip) if palette else None
        return (self._narrow(), self.compact, self.show_command_palette, self.combine_groups,
                self.app.ENABLE_COMMAND_PALETTE, shown, palette_key)

    def _narrow(self) -> bool:
        return self.app.size.width < NARROW

    def compose(self) -> ComposeResult:
        """Textual's keys; in a narrow terminal, only the essential ones (``ESSENTIAL`` and the screen's own), the
        way back, help and quit first: a screen with many keys of its own (the year-end's) pushed them off."""
        narrow = self._narrow()
        own = {active.binding.action for active in self.screen.active_bindings.values()
               if active.node is not self.app} if narrow else set()
        widgets = [widget for widget in super().compose() if not (
            narrow and isinstance(widget, FooterKey) and widget.action not in ESSENTIAL and widget.action not in own)]
        if narrow:
            widgets.sort(key=lambda widget: FIRST.get(getattr(widget, "action", ""), len(FIRST)))
        yield from widgets

    def on_resize(self, _: events.Resize) -> None:
        if self._shown is not None and self._shown[:1] != (self._narrow(),):
            self.call_later(self.recompose)

    async def recompose(self) -> None:
        """Rebuilt only on the screen on top, and only when its keys change. A screen's bindings are refreshed as it
        is left too, when the app's checks already answer for the screen on top (the caseload's Filter and Sort
        hidden): each case opened rebuilt both screens' footers twice, 40 keys in all, 10-15 ms each time."""
        if not self.is_attached or self._pruning or self.screen is not self.app.screen:
            return
        keys = self._keys()
        if keys == self._shown:
            return
        await super().recompose()
        self._shown = keys
        self._forget_removed_keys()

    def _forget_removed_keys(self) -> None:
        """Each key Textual's Footer draws binds itself to the footer's ``compact``; a key removed stays in that
        list (and alive, with its styles and caches) until ``compact`` next changes, which it never does here:
        30 cases opened left 1,072 removed keys and 166,000 objects that every full pass of the collector walked
        (it grew from 60 to 260 ms). Textual's own pruning, done now."""
        watchers = getattr(self, "__watchers", {})
        for pairs in watchers.values():
            pairs[:] = [(node, callback) for node, callback in pairs if node.is_attached]

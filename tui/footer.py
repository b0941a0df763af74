"""The footer of every screen: Textual's own, rebuilt only when the keys it would show change.

Textual's Footer builds its keys again (a widget per key, each styled) whenever the screen's
bindings may have changed: focus moved, a screen was pushed or resumed. Starting the caseload
that was five times in a row for the same eleven keys, 15-50 ms each, on the main thread while
the first page was being drawn; opening a case, two or three more. A rebuild that would show the
same keys is skipped.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Footer as TextualFooter


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
        return (self.compact, self.show_command_palette, self.combine_groups, self.app.ENABLE_COMMAND_PALETTE,
                shown, palette_key)

    async def recompose(self) -> None:
        if not self.is_attached or self._pruning:
            return
        keys = self._keys()
        if keys == self._shown:
            return
        await super().recompose()
        self._shown = keys

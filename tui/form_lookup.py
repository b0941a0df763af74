"""A form's warning that needs the database (``Action.lookup``): looked up in a worker a moment after the
typing stops, shown beside the action's own warning, never blocking the save."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message
from textual.timer import Timer

if TYPE_CHECKING:
    from tui.action_kit import Action


class LookedUp(Message):
    """The action's database warning for ``values`` (as typed when it was asked): ``text``, or None."""

    def __init__(self, values: dict[str, Any], text: str | None) -> None:
        super().__init__()
        self.values, self.text = values, text


class LookupMixin:
    """Mixed into the form (before its Textual class). The form supplies ``action``, ``_typed()`` (the values as
    typed now) and ``_warn()`` (which shows ``looked_up`` with the action's own warning)."""

    LOOKUP_AFTER = 0.3  # seconds after the last keystroke: a name is looked up once typed, not at each letter
    action: Action
    looked_up: str = ""  # the warning the last lookup gave, for what is typed now
    _lookup_timer: Timer | None = None

    def _typed(self) -> dict[str, Any]:
        raise NotImplementedError

    def _warn(self) -> None:
        raise NotImplementedError

    def look_up_soon(self, field: str) -> None:
        """``field`` was typed in: look up the action's warning once the typing stops (if ``field`` is one of its)."""
        if self.action.lookup is None or field not in self.action.lookup[0]:
            return
        if self._lookup_timer is not None:
            self._lookup_timer.stop()
        self._lookup_timer = self.set_timer(  # type: ignore[attr-defined]  # the Textual class's
            self.LOOKUP_AFTER, lambda: self._look_up(self._typed()))

    @work(thread=True, exclusive=True, group="form-lookup")
    def _look_up(self, values: dict[str, Any]) -> None:
        """Off the UI thread, touching no widget; a failure only leaves the warning unsaid (it is advisory)."""
        data = getattr(self.app, "data", None)  # type: ignore[attr-defined]
        if data is None or self.action.lookup is None:
            return
        try:
            text = self.action.lookup[1](data, values)
        except Exception:  # noqa: BLE001 - the save checks nothing of it: the store's own rules do
            text = None
        self.post_message(LookedUp(values, text))  # type: ignore[attr-defined]

    def on_looked_up(self, message: LookedUp) -> None:
        if self.action.lookup is None:
            return
        now = self._typed()
        if all(now.get(f) == message.values.get(f) for f in self.action.lookup[0]):  # not a name since changed
            self.looked_up = message.text or ""
            self._warn()

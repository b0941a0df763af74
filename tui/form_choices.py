"""A form's lists that the store reads for its case (``tui.action_kit.FROM_STORE``): the cases a merge or a link
may mean, read again a moment after the typing stops; a case's open learning actions, read as the form opens.
Read in a worker that touches no widget (``Data.choices``: a few rows, a LIMIT in the SQL)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.timer import Timer

from tui.action_kit import FROM_STORE, SAID

if TYPE_CHECKING:
    from tui.action_kit import Action, Field


class ChoicesRead(Message):
    """The entries of the field ``name``, read for what was typed (``typed``)."""

    def __init__(self, name: str, labels: list[str]) -> None:
        super().__init__()
        self.name, self.labels = name, labels


class ChoicesMixin:
    """Mixed into the form (before its Textual class), which supplies ``action``, ``reference`` and its pickers."""

    CHOOSE_AFTER = 0.25  # seconds after the last keystroke
    action: Action
    reference: str | None
    _choice_timers: dict[str, Timer]

    def read_choices(self, field: Field, typed: str = "", *, soon: bool = False) -> None:
        """Read ``field``'s entries for ``typed``: now, or (``soon``) once the typing stops."""
        if field.pick not in FROM_STORE:
            return
        timers = self.__dict__.setdefault("_choice_timers", {})
        if field.name in timers:
            timers.pop(field.name).stop()
        if soon:
            timers[field.name] = self.set_timer(  # type: ignore[attr-defined]  # the Textual class's
                self.CHOOSE_AFTER, lambda: self.read_choices(field, typed))
            return
        self.run_worker(partial(self._choices, field.name, field.pick, typed), thread=True,  # type: ignore[attr-defined]
                        group=f"form-choices-{field.name}", exclusive=True, exit_on_error=False)

    def typed_in(self, field: Field, typed: str) -> None:
        """The officer typed in ``field``: a list searched as typed is read again once they stop."""
        if FROM_STORE.get(field.pick):
            self.read_choices(field, typed, soon=True)

    def _choices(self, name: str, pick: str, typed: str) -> None:
        """Off the UI thread: the entries, posted (a failure is the app's to say: the form still works)."""
        data: Any = getattr(self.app, "data", None)  # type: ignore[attr-defined]
        if data is not None:
            self.post_message(ChoicesRead(name, data.choices(pick, self.reference, typed)))  # type: ignore[attr-defined]

    def stray(self, field: Field, typed: str) -> str | None:
        """Why ``typed`` is no entry of ``field``'s list, or None: an entry with more typed after it ("10 · Share
        the learning… at the team meeting", an action's text run on into its field) was read as entry 10."""
        text = typed.strip()
        offered = self.__dict__.get("_offered", {}).get(field.name)
        if field.pick not in FROM_STORE or SAID not in text or offered is None or text in offered:
            return None
        return "not an entry of the list: choose one (↓), or type only its number or reference"

    def on_choices_read(self, message: ChoicesRead) -> None:
        from tui.picker import Picker

        self.__dict__.setdefault("_offered", {}).setdefault(message.name, []).extend(message.labels)

        for picker in self.query(f"#picker-{message.name}").results(Picker):  # type: ignore[attr-defined]
            picker.offer(message.labels)

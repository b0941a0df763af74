"""Views of their own: `V` saves the caseload's view, search and sort on the next free key, shift+1..9 shows one
again; the palette renames and deletes them. The built-in views keep 1-9 and 0.

Shift+1..9: what a terminal sends for them is the character, so the keys are ``!@#$%^&*(``, and on a UK keyboard
``"`` (shift+2) and ``£`` (shift+3) too. Ctrl+1..9 reach few terminals at all (most send the digit or nothing).
"""

from __future__ import annotations

from copy import copy
from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui.data import Refused

if TYPE_CHECKING:
    from tui.app import ComplaintsApp
    from tui.data import CaseloadQuery, Data, Saved

#: Slot -> the keys that choose it (shift and the digit, on US and UK keyboards).
SLOT_KEYS = {1: "exclamation_mark", 2: "at,quotation_mark", 3: "number_sign,pound_sign", 4: "dollar_sign",
             5: "percent_sign", 6: "circumflex_accent", 7: "ampersand", 8: "asterisk", 9: "left_parenthesis"}

SAVED_VIEW_KEYS = [
    Binding("V", "save_view", "Save view", id="save_view", show=False,
            tooltip="Save this view, search and sort as a view of your own, on shift+1..9"),
    *(Binding(keys, f"saved_view({slot})", f"Saved view {slot}", id=f"saved_view.{slot}", show=False,
              tooltip=f"Show your saved view {slot} (shift+{slot})") for slot, keys in SLOT_KEYS.items()),
]


class ViewsChanged(Message):
    """A saved view was saved, renamed or deleted (``said``), or could not be (``refused``)."""

    def __init__(self, said: str, refused: bool = False) -> None:
        super().__init__()
        self.said, self.refused = said, refused


class ViewChosen(Message):
    """A saved view to show (None: nothing on that key)."""

    def __init__(self, slot: int, saved: Saved | None) -> None:
        super().__init__()
        self.slot, self.saved = slot, saved


class ViewsListed(Message):
    def __init__(self, views: list[Saved]) -> None:
        super().__init__()
        self.views = views


class RenameView(ModalScreen[str]):
    """The new name of a saved view: enter saves it, escape leaves it."""

    BINDINGS = [Binding("escape", "dismiss('')", "Cancel", id="cancel_rename", tooltip="Keep the name it has")]

    def __init__(self, saved: Saved) -> None:
        super().__init__()
        self.saved = saved

    def compose(self) -> ComposeResult:
        yield Label(f"Rename saved view {self.saved.slot}:")
        yield Input(value=self.saved.name, max_length=120, id="view_name")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


class SavedViewActions:
    """The app's part in saved views: keys, workers (which only post messages) and their handlers."""

    saved: tuple[Saved, ...] = ()  # this user's own views, as last read (for the palette)

    def action_save_view(self) -> None:
        app = self._app()
        if app.data is not None:
            self._change_views(app.data, "save", query=copy(app.caseload.query_state))

    def action_saved_view(self, slot: int) -> None:
        app = self._app()
        if app.data is not None:
            self._choose_view(app.data, slot)

    def rename_view(self, saved: Saved) -> None:
        app = self._app()

        def renamed(name: str | None) -> None:
            if name and name.strip() and app.data is not None:
                self._change_views(app.data, "rename", slot=saved.slot, name=name)

        app.push_screen(RenameView(saved), renamed)

    def delete_view(self, saved: Saved) -> None:
        app = self._app()
        if app.data is not None:
            self._change_views(app.data, "delete", slot=saved.slot)

    def list_views(self) -> None:
        """Read the saved views for the palette (it lists what was read last)."""
        app = self._app()
        if app.data is not None:
            self._list_views(app.data)

    @work(thread=True, exclusive=True, group="views")
    def _change_views(self, store: Data, change: str, *, slot: int = 0, query: CaseloadQuery | None = None,
                      name: str = "") -> None:
        app = self._app()
        try:
            said = store.change_views(change, slot, query, name)
        except Refused as exc:
            app.post_message(ViewsChanged(str(exc), refused=True))
            return
        app.post_message(ViewsChanged(said))
        app.post_message(ViewsListed(store.saved_views()))

    @work(thread=True, exclusive=True, group="views")
    def _choose_view(self, store: Data, slot: int) -> None:
        found = [v for v in store.saved_views() if v.slot == slot]
        self._app().post_message(ViewChosen(slot, found[0] if found else None))

    @work(thread=True, exclusive=True, group="views")
    def _list_views(self, store: Data) -> None:
        self._app().post_message(ViewsListed(store.saved_views()))

    def on_views_changed(self, message: ViewsChanged) -> None:
        self._app().notify(message.said, severity="error" if message.refused else "information", markup=False)

    def on_views_listed(self, message: ViewsListed) -> None:
        self.saved = tuple(message.views)

    def on_view_chosen(self, message: ViewChosen) -> None:
        app = self._app()
        if message.saved is None:
            app.notify(f"No saved view on shift+{message.slot}: press V to save this one", markup=False)
            return
        chosen, caseload = message.saved, app.caseload
        while len(app.screen_stack) > 1:
            app.pop_screen()
        caseload.query_state.view, caseload.query_state.sort = chosen.view, chosen.sort
        caseload.set_search(chosen.text)
        app.action_reload()

    def _app(self) -> ComplaintsApp:
        """The app this is mixed into."""
        return cast("ComplaintsApp", self)

"""Choosing, never typing, from a list: a type-ahead dropdown under a form's field.

Built on textual-autocomplete: typing narrows the list (a name's words, in any letter case; then the entries with
the letters typed in order, the library's fuzzy match; then near misses, "CIN Nroth" for "CIN North"), up and
down move, enter or tab takes the highlighted entry (tab then moves on, as it does anywhere); escape hides the list.
Enter never saves the form: with no list shown it takes an entry typed in full, as the list spells it, and the
form moves on (ctrl+s saves). The
field shows an entry's display label (``domain.vocab.label``); the form reads it back to the stored value. A field
of several values (themes, remedies) takes one entry after another, ``;`` between them. A council list that may
grow offers, for a typed name that is not on it, an explicit "Add 'name' as a new team": the one way a new name
gets into a form.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input
from textual_autocomplete import AutoComplete, DropdownItem, TargetState

from domain.harmless import shown
from tui.action_kit import SAID

SEPARATOR = ";"
NEAR = 0.75  # how alike a typed name and an entry are (difflib's ratio) for the entry to be offered as meant


class Picker(AutoComplete):
    """The dropdown of one field's ``Input``: its entries (display labels), and what a new name would be."""

    BINDINGS = [Binding("escape", "hide", "Hide the list", show=False, id="picker.hide",
                        tooltip="Hide the list of choices (escape again closes the form)")]
    DEFAULT_CSS = """
    Picker { max-height: 10; border-left: wide $accent; }
    """

    class Chosen(Message):
        """An entry was taken into the field (``added``: the new name the officer chose to add, if that)."""

        def __init__(self, picker: Picker, added: str | None) -> None:
            super().__init__()
            self.picker, self.added = picker, added

    def __init__(self, target: Input | str, labels: Sequence[str] = (), *, many: bool = False, new: str = "",
                 searched: bool = False, id: str | None = None) -> None:
        # tab takes the entry and, for one value, goes on to the next field as tab always does; for several
        # (themes), it stays for the next one
        super().__init__(target, candidates=None, id=id, prevent_default_tab=many)
        self.labels: list[str] = [shown(label) for label in labels]
        self.many = many
        self.new = new  # what a new entry is called ("team"), when the officer may add one here
        self._adding: dict[str, str] = {}  # an "Add ..." entry's words -> the name it adds
        self.searched = searched  # the store chose the entries for what is typed (other cases): shown as they come

    def on_mount(self) -> None:
        """(Textual runs the library's own ``on_mount`` too.) A terminal resized moves the field under the list, which
        floats at the screen offset it was given: the list closes; ↓ opens it again under the field."""
        self._size_seen = self.app.size
        self.screen.screen_layout_refresh_signal.subscribe(self, self._laid_out)

    def _laid_out(self, _: object = None) -> None:
        size = self.app.size
        if size != self._size_seen:
            self._size_seen = size
            self.action_hide()

    def offer(self, labels: Sequence[str]) -> None:
        """The entries, once read (a council's lists are read in a worker when the form opens)."""
        self.labels = [shown(label) for label in labels]
        if self.is_attached and self.target.has_focus:
            self._handle_target_update()

    def align(self) -> None:
        """Under the field's cursor again (the form scrolled when the field took the focus)."""
        if self.is_attached:
            self._align_to_target()

    def _listen_to_messages(self, event: events.Event) -> None:
        """Down opens the whole list: from where the field is now (the form may have scrolled since)."""
        if isinstance(event, events.Key) and event.key == "down" and not self.display:
            self.align()
        super()._listen_to_messages(event)

    def get_search_string(self, target_state: TargetState) -> str:
        text = target_state.text[: target_state.cursor_position]
        return (text.rsplit(SEPARATOR, 1)[-1] if self.many else text).strip()

    def get_candidates(self, target_state: TargetState) -> list[DropdownItem]:
        taken = {t.strip().casefold() for t in target_state.text.split(SEPARATOR)} if self.many else set()
        return [DropdownItem(label) for label in self.labels if label.casefold() not in taken]

    def match(self, query: str, candidate: str) -> tuple[float, tuple[int, ...]]:
        """A word of the entry starting as typed first, then the entry holding it anywhere, then the entry with
        the letters typed in order ("fam sup"), then a near miss ("CIN Nroth", "Dleays")."""
        at = candidate.casefold().find(query.casefold())
        if at >= 0:
            offsets = tuple(range(at, at + len(query)))
            starts_word = at == 0 or not candidate[at - 1].isalnum()
            return (2.0 if at == 0 else 1.5 if starts_word else 1.0), offsets
        score, letters = self._fuzzy_search.match(query, candidate)
        if score > 0:
            return 0.6 + min(score, 30.0) / 100, tuple(letters)
        near = near_miss(query, candidate)
        return (0.2 + near * 0.3, ()) if near >= NEAR else (0, ())

    def get_matches(self, target_state: TargetState, candidates: list[DropdownItem],
                    search_string: str) -> list[DropdownItem]:
        if self.searched:  # the store's search chose and ordered them; none once one is taken
            typed = search_string.casefold()
            return [] if any(c.value.casefold() == typed for c in candidates) else candidates
        matches = super().get_matches(target_state, candidates, search_string)
        self._adding.clear()
        if self.new and search_string and search_string.casefold() not in {x.casefold() for x in self.labels}:
            words = f"Add '{shown(search_string)}' as a new {self.new}"
            self._adding[words] = search_string
            matches.append(DropdownItem(words, prefix="+ "))
        return matches

    def should_show_dropdown(self, search_string: str) -> bool:
        if not search_string:
            return False
        count = self.option_list.option_count
        only = self.option_list.get_option_at_index(0).prompt if count == 1 else None
        return count > 1 or (count == 1 and str(getattr(only, "plain", only)).casefold() != search_string.casefold())

    def take_typed(self) -> bool:
        """Enter with no list shown: an entry typed in full (in any letter case) taken as the list spells it.
        False if what is typed is no entry (the form checks it, and says so)."""
        state = self._get_target_state()
        typed = self.get_search_string(state).casefold()
        entry = next((label for label in self.labels  # an entry's words, or its value (a reference, a number)
                      if typed in (label.casefold(), label.split(SAID, 1)[0].casefold())), None) if typed else None
        if entry is None:
            return False
        with self.prevent(Input.Changed):
            self.apply_completion(entry, state)
        self.action_hide()
        return True

    def apply_completion(self, value: str, state: TargetState) -> None:
        added = self._adding.get(value)
        chosen = added if added is not None else value
        if self.many:
            kept = [t.strip() for t in state.text[: state.cursor_position].split(SEPARATOR)[:-1] if t.strip()]
            text = f"{SEPARATOR} ".join([*kept, chosen]) + f"{SEPARATOR} "
        else:
            text = chosen
        self.target.value = text
        self.target.cursor_position = len(text)
        self.post_message(self.Chosen(self, added))


def near_miss(query: str, candidate: str) -> float:
    """How alike a name typed (3 letters or more) is to an entry, or to as much of its start (0 to 1)."""
    typed, entry = query.casefold().strip(), candidate.casefold()
    if len(typed) < 3:
        return 0.0
    return max(SequenceMatcher(None, typed, entry).ratio(), SequenceMatcher(None, typed, entry[: len(typed)]).ratio())

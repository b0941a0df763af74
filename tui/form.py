"""A form for one transition: fields checked as you type, errors beside them, refusals at the top.

The form checks what it can (dates, choices, money, required fields) on every keystroke; the
store's own rules are checked when it is saved. Saving runs the action in a worker (the app's),
and the form stays open with the store's message if the store refuses. A field whose values come
from a list is chosen with type-ahead (``tui.picker``): the fixed vocabularies at once, the council's
lists once a worker has read them; a name not on its list is refused unless the officer chose to add it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static, TextArea
from textual.worker import Worker, WorkerState

from domain.vocab import label
from tui.action_kit import FROM_STORE, Field
from tui.actions import Action
from tui.base import NeverClosesTheApp, the_app
from tui.footer import Footer
from tui.form_choices import ChoicesMixin
from tui.form_lookup import LookupMixin
from tui.issue_list import IssueFindings, IssueList
from tui.picker import Picker
from tui.text import plain

NOT_LISTED = "not on the list: choose one, or add it"
NOT_IN_POOL = "not in the pool of independent people: choose one, or add them to the pool first"


def _shown(choice: str) -> str:
    """A choice as the picker shows it: its display label, with a capital ("team": "Team")."""
    text = label(choice)
    return text[:1].upper() + text[1:]


def _initial(field: Field, text: str) -> str:
    """A field's text to start with (an edit's, an email's): a choice given as its stored value ("statutory",
    "parent") shown as its picker offers it ("Statutory", "Parent or step-parent"), the one label on every form."""
    if not field.choices:
        return text
    if field.kind == "list":
        items = [t.strip() for t in text.split(";") if t.strip()]
        return "; ".join(_shown(t) if t in field.choices else t for t in items)
    return _shown(text) if text in field.choices else text


class ListsRead(Message):
    """The council's lists (``Data.picker_lists``) and the live stage's issues, read for an open form."""

    def __init__(self, lists: dict[str, tuple[list[str], list[str]]] | None, issues: list[str] | None) -> None:
        super().__init__()
        self.lists, self.issues = lists, issues


class FormScreen(ChoicesMixin, LookupMixin, NeverClosesTheApp, ModalScreen[dict[str, Any] | None]):
    """Posts ``Submitted`` with the checked values on save; the app runs the action and closes the form."""

    class Submitted(Message):
        def __init__(self, form: FormScreen, values: dict[str, Any]) -> None:
            super().__init__()
            self.form, self.values = form, values

    class Fitted(Message):
        """The choices of a field that fit the case as it is (``Action.fitting``), read in the form's worker."""

        def __init__(self, choices: tuple[str, ...]) -> None:
            super().__init__()
            self.choices = choices

    class Previewed(Message):
        """What saving will do (or why it would be refused), read from the store in the form's worker."""

        def __init__(self, text: str, refused: bool) -> None:
            super().__init__()
            self.text, self.refused = text, refused

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close the form without saving"),
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Check the form and save it"),
    ]

    app = the_app()

    def __init__(self, action: Action, reference: str | None, today: date, due: date | None = None, *,
                 initial: dict[str, str] | None = None, extra: dict[str, Any] | None = None,
                 version: int | None = None, warning: str = "") -> None:
        super().__init__()
        self.action, self.reference, self.today = action, reference, today
        self.due = due  # the case's running due date, for the action's warnings
        self.initial = initial or {}  # fields' texts to start with (an edit's form, a form filled in from an email)
        self.extra = extra or {}  # values saved with the form's own, never shown (the email's bytes)
        self.version = version  # the case's version that text was read at, when no case screen is under the form
        self.filled_warning = warning  # what to check in the texts it was filled in with (an email's unread date)
        self.lists: dict[str, tuple[list[str], list[str]]] | None = None  # list -> (every name, those offered)
        self.added: dict[str, list[str]] = {}  # field -> the new names the officer chose to add
        self.fits: tuple[str, ...] | None = None  # the choices that fit the case (``Action.fitting``), once read

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form"):
            title = self.action.title + (f" · {self.reference}" if self.reference else "")
            if self.reference and " " in self.reference:  # the caseload's marked cases, all at once
                title = f"{self.action.title} · {len(self.reference.split())} marked cases: {self.reference}"
            yield Static(plain(title), id="form-title")
            yield Static("", id="form-error")
            yield Static("", id="form-warning")
            yield Static("", id="form-preview")
            with Grid(id="form-fields"):
                for field in self.action.fields:
                    yield from self._field(field)
            with Horizontal(id="form-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="form-save")
                yield Button("Cancel (esc)", id="form-cancel")
        for field in self.action.fields:  # the dropdowns float over the form, outside its grid
            if (field.choices or field.pick) and field.kind not in ("issues", "findings"):  # those have their own
                yield self._picker(field)
        yield Footer()  # the form's own keys, over the footer of the screen underneath (whose keys do nothing here)

    def _field(self, field: Field) -> Iterator[Widget]:
        """A field's label, its input (or editor) and the place for its error: three cells of the grid."""
        yield Label(field.label + (" *" if field.required else ""), classes="form-label")
        if field.kind in ("issues", "findings"):  # a wide editor: the input's and the error's cells, the error below
            yield (IssueList if field.kind == "issues" else IssueFindings)(id=f"field-{field.name}")
            yield Label("", id=f"error-{field.name}", classes="form-field-error form-wide-error")
            return
        value = self.today.strftime("%d/%m/%Y") if field.default_today else ""
        value = _initial(field, self.initial[field.name]) if field.name in self.initial else value
        placeholder = field.placeholder or {"date": "dd/mm/yyyy", "money": "£0.00"}.get(field.kind, "")
        if (field.choices or field.pick) and not placeholder:
            placeholder = "type to choose, ↓ for all" + ("; several" if field.kind == "list" else "")
        if field.kind == "multiline":  # several lines: ctrl+s saves, enter starts a line
            yield TextArea(value, id=f"field-{field.name}", classes="form-multiline")
        else:
            yield Input(value=value, placeholder=placeholder, id=f"field-{field.name}")
        yield Label("", id=f"error-{field.name}", classes="form-field-error")

    def _picker(self, field: Field) -> Picker:
        new = field.pick.replace("_", " ") if field.new else ""
        return Picker(f"#field-{field.name}", [_shown(c) for c in field.choices], many=field.kind == "list", new=new,
                      searched=FROM_STORE.get(field.pick, False), id=f"picker-{field.name}")

    def on_mount(self) -> None:
        inputs = self.query(Input)
        (inputs.first() if inputs else self.query_one("#form-save", Button)).focus()  # a form may have no field
        self._warn()
        picks = any(f.pick and f.pick not in FROM_STORE for f in self.action.fields)
        for field in self.action.fields:
            self.read_choices(field)  # another case, a learning action: the store's, for this case
        findings = self.reference is not None and any(f.kind == "findings" for f in self.action.fields)
        if picks or findings:
            self._read(picks, findings)
        data = getattr(self.app, "data", None)
        self.query_one("#form-preview", Static).display = self.action.preview is not None
        if self.action.preview is not None and data is not None:
            self.query_one("#form-preview", Static).update("Reading what this will do…")
            self._preview(data)
        if self.action.fitting is not None and data is not None:
            self._fit(data)

    @work(thread=True, exclusive=True, group="fitting", exit_on_error=False)  # a failure: said by the app
    def _fit(self, data: Any) -> None:
        from tui.data import Refused

        try:
            self.post_message(self.Fitted(data.fitting(self.action, self.reference)))
        except Refused:  # the preview says why
            return

    def on_form_screen_fitted(self, message: Fitted) -> None:
        """Only the choices that fit are offered from now on; one typed already is checked again."""
        assert self.action.fitting is not None
        self.fits = message.choices
        name = self.action.fitting[0]
        self.query_one(f"#picker-{name}", Picker).offer([_shown(c) for c in message.choices])
        if self._text(name).strip():
            self._check(name)

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)  # a failure: said by the app
    def _preview(self, data: Any) -> None:
        from tui.data import Refused

        try:
            self.post_message(self.Previewed(data.preview(self.action, self.reference), False))
        except Refused as exc:
            self.post_message(self.Previewed(str(exc), True))

    def on_form_screen_previewed(self, message: Previewed) -> None:
        self.query_one("#form-preview", Static).update("" if message.refused else plain(message.text, lines=True))
        if message.refused:
            self.refused(message.text)

    @work(thread=True, exclusive=True, group="form-lists")
    def _read(self, picks: bool, findings: bool) -> None:
        """The council's lists and the live stage's issues, read off the UI thread as the form opens."""
        store = self.app.data
        if store is None:
            return
        lists = store.picker_lists() if picks else None
        issues = store.live_issues(self.reference or "") if findings else None
        self.post_message(ListsRead(lists, issues))

    async def on_lists_read(self, message: ListsRead) -> None:
        if message.lists is not None:
            self.lists = message.lists
            self._offer()
        if message.issues:
            for widget in self.query(IssueFindings):
                await widget.show_issues(message.issues)

    def _list_of(self, field: Field) -> str:
        """The council list a field picks from: its own, or (``@other``) the one another field names."""
        if not field.pick.startswith("@"):
            return field.pick
        other = next(f for f in self.action.fields if f.name == field.pick[1:])
        try:
            return str(other.choose(self.query_one(f"#field-{other.name}", Input).value))
        except ValueError:
            return ""

    def _offer(self) -> None:
        """Each council-list field's entries: the active ones for new work; every one to rename or retire."""
        if self.lists is None:
            return
        for field in self.action.fields:
            if field.pick and field.pick not in FROM_STORE:
                every, active = self.lists.get(self._list_of(field), ([], []))
                self.query_one(f"#picker-{field.name}", Picker).offer(every if field.pick.startswith("@") else active)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:  # the form still works: the store checks the names on save
            self.app.worker_failed(event.worker)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A field with a list comes to the middle of the form: room below it for the list to drop into."""
        for picker in self.query(Picker):
            if picker.target is event.widget:
                self.query_one("#form", VerticalScroll).scroll_to_center(event.widget, animate=False)

    def on_picker_chosen(self, message: Picker.Chosen) -> None:
        """An entry was taken (or a new name chosen to be added): checked again at once."""
        name = (message.picker.id or "").removeprefix("picker-")
        if message.added is not None:
            self.added.setdefault(name, []).append(message.added)
        if any(f.name == name for f in self.action.fields):
            self._changed(name)
        else:
            self._check_editors()

    def on_issue_list_changed(self, message: IssueList.Changed) -> None:
        self._check((message.issues.id or "").removeprefix("field-"))

    def _typed(self) -> dict[str, Any]:
        """Every field's value as typed now (None where it does not read)."""
        values = {}
        for field in self.action.fields:
            try:
                values[field.name] = field.read(self._text(field.name))
            except ValueError:
                values[field.name] = None
        return values

    def _warn(self) -> None:
        """The action's warnings for what is typed now (a late extension; a persistent complainant, looked up):
        shown, never blocking."""
        if self.action.warn is None and self.action.lookup is None and not self.filled_warning:
            return
        said = self.action.warn(self._typed(), self.due) if self.action.warn is not None else None
        warnings = (self.filled_warning, said, self.looked_up)
        self.query_one("#form-warning", Static).update(plain("\n".join(w for w in warnings if w), lines=True))

    def _text(self, name: str) -> str:
        """What a field holds as text: an input's, a text area's, or an editor's (``IssueList``,
        ``IssueFindings``)."""
        widget: Any = self.query_one(f"#field-{name}")
        return str(widget.text if isinstance(widget, TextArea) else widget.value)

    def _listed(self, field: Field, value: Any) -> Any:
        """``value`` as its list spells it; ValueError for a name neither on the list nor chosen to be added.
        Before the lists are read, the store checks (it refuses a name the officer did not choose to add)."""
        if not field.pick or field.pick in FROM_STORE or self.lists is None or value is None:
            return value  # a case or an action that is no longer there: the store says so
        every = {n.casefold(): n for n in self.lists.get(self._list_of(field), ([], []))[0]}
        added = {n.casefold() for n in self.added.get(field.name, [])}
        names = value if isinstance(value, list) else [value]
        for name in names:
            if name.casefold() not in every and name.casefold() not in added:
                raise ValueError(f"{name!r}: " + (NOT_IN_POOL if self._list_of(field) == "independent_person"
                                                   else NOT_LISTED))
        spelt = [every.get(n.casefold(), n) for n in names]
        return spelt if isinstance(value, list) else spelt[0]

    def _fitted(self, field: Field, value: Any) -> Any:
        """``value``, or ValueError if it is a choice that does not fit the case as it is (``Action.fitting``).
        Before the choices are read, the store checks on save (it refuses a letter that does not fit)."""
        fitting = self.action.fitting
        if fitting is None or fitting[0] != field.name or self.fits is None or value is None or value in self.fits:
            return value
        fit = ", ".join(_shown(c) for c in self.fits) or "none"
        raise ValueError(f"{_shown(value)} does not fit the case as it is now (these do: {fit})")

    def _narrowing(self, field: Field, text: str) -> bool:
        """Whether what is typed (its last item, in a list) still narrows the field's list to some entries: the
        officer is choosing, and the field says nothing yet (a near miss is offered, and the field says why)."""
        typed = (text.rsplit(";", 1)[-1] if field.kind == "list" else text).strip().casefold()
        picker = next(iter(self.query(f"#picker-{field.name}").results(Picker)), None) if typed else None
        return picker is not None and any(typed in entry.casefold() for entry in picker.labels)

    def _check(self, name: str, saving: bool = False) -> tuple[bool, Any]:
        field = next(f for f in self.action.fields if f.name == name)
        widget: Any = self.query_one(f"#field-{name}")
        error = self.query_one(f"#error-{name}", Label)
        try:
            problem = (widget.problem() if hasattr(widget, "problem") else None) or self.stray(field, self._text(name))
            if problem:
                raise ValueError(problem)
            value = self._fitted(field, self._listed(field, field.read(self._text(name))))
        except ValueError as exc:
            if not saving and self._narrowing(field, self._text(name)):
                error.update("")
                return False, None
            error.update(plain(str(exc)))  # it can quote what was typed: never read as markup
            return False, None
        error.update("")
        return True, value

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id and event.input.id.startswith("field-"):
            self._changed(event.input.id.removeprefix("field-"))
            field = next((f for f in self.action.fields if f.name == event.input.id.removeprefix("field-")), None)
            if field is not None:
                self.typed_in(field, event.value)
        else:
            self._check_editors()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id and event.text_area.id.startswith("field-"):
            self._check(event.text_area.id.removeprefix("field-"))

    def _changed(self, name: str) -> None:
        """A field's text changed (typed, or taken from its list): checked, and what depends on it follows."""
        self._check(name)
        self._warn()
        self.look_up_soon(name)  # a warning that needs the database (``Action.lookup``)
        for field in self.action.fields:
            if field.pick == f"@{name}":  # the list this field names: the other's entries change with it
                self._offer()
                if self._text(field.name).strip():
                    self._check(field.name)

    def _check_editors(self) -> None:
        """A finding chosen or typed beside its issue: the findings field checked again."""
        for widget in self.query(IssueFindings):
            self._check((widget.id or "").removeprefix("field-"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter saves from a plain field; in a field with a list it takes what is typed and moves on (a list of
        several values stays for the next one): a choice is never a save (ctrl+s is)."""
        picker = next((p for p in self.query(Picker) if p.target is event.input), None)
        if picker is None:
            self.action_save()
            return
        event.stop()
        if not (picker.take_typed() and picker.many):
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "form-save":
            self.action_save()
        else:
            self.action_cancel()

    def values(self) -> dict[str, Any] | None:
        """Every field checked; None (with the errors shown) if any is wrong. ``new_names``: by council list,
        the names the officer chose to add (the action adds them, then refuses any other new name)."""
        values: dict[str, Any] = {}
        ok = True
        for field in self.action.fields:
            good, value = self._check(field.name, saving=True)
            ok = ok and good
            values[field.name] = value
        new_names: dict[str, list[str]] = {}
        for field in self.action.fields:
            chosen = values.get(field.name)
            for name in self.added.get(field.name, []):
                if name in (chosen if isinstance(chosen, list) else [chosen]):
                    new_names.setdefault(field.pick, []).append(name)
        values["new_names"] = new_names
        return values | self.extra if ok else None

    def action_save(self) -> None:
        values = self.values()
        if values is None:
            first = next((f for f in self.action.fields if str(self.query_one(f"#error-{f.name}", Label).render())
                          .strip()), None)
            said = f": {first.label}, {self.query_one(f'#error-{first.name}', Label).render()}" if first else ""
            self.refused("Some fields need correcting (see beside them)" + said)
            return
        self.refused("")
        self.post_message(self.Submitted(self, values))

    def refused(self, message: str) -> None:
        self.query_one("#form-error", Static).update(plain(message))  # it can name stored text

    def action_cancel(self) -> None:
        self.dismiss(None)

"""A form for one transition: fields checked as you type, errors beside them, refusals at the top.

The form checks what it can (dates, choices, money, required fields) on every keystroke; the
store's own rules are checked when it is saved. Saving runs the action in a worker (the app's),
and the form stays open with the store's message if the store refuses.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from tui.actions import Action
from tui.form_lookup import LookupMixin
from tui.text import plain


class FormScreen(LookupMixin, ModalScreen[dict[str, Any] | None]):
    """Posts ``Submitted`` with the checked values on save; the app runs the action and closes the form."""

    class Submitted(Message):
        def __init__(self, form: FormScreen, values: dict[str, Any]) -> None:
            super().__init__()
            self.form, self.values = form, values

    class Previewed(Message):
        """What saving will do (or why it would be refused), read from the store in the form's worker."""

        def __init__(self, text: str, refused: bool) -> None:
            super().__init__()
            self.text, self.refused = text, refused

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close the form without saving"),
        Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Check the form and save it"),
    ]

    def __init__(self, action: Action, reference: str | None, today: date, due: date | None = None, *,
                 initial: dict[str, str] | None = None, extra: dict[str, Any] | None = None,
                 version: int | None = None) -> None:
        super().__init__()
        self.action, self.reference, self.today = action, reference, today
        self.due = due  # the case's running due date, for the action's warnings
        self.initial = initial or {}  # fields' texts to start with (an edit's form, a form filled in from an email)
        self.extra = extra or {}  # values saved with the form's own, never shown (the email's bytes)
        self.version = version  # the case's version that text was read at, when no case screen is under the form

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
                    yield Label(field.label + (" *" if field.required else ""), classes="form-label")
                    value = self.today.strftime("%d/%m/%Y") if field.default_today else ""
                    value = self.initial.get(field.name, value)
                    placeholder = field.placeholder or {"date": "dd/mm/yyyy", "money": "£0.00"}.get(field.kind, "")
                    if field.choices and not placeholder:
                        placeholder = " | ".join(field.choices[:4]) + (" | …" if len(field.choices) > 4 else "")
                    if field.kind == "multiline":  # several lines: ctrl+s saves, enter starts a line
                        yield TextArea(value, id=f"field-{field.name}", classes="form-multiline")
                    else:
                        yield Input(value=value, placeholder=placeholder, id=f"field-{field.name}")
                    yield Label("", id=f"error-{field.name}", classes="form-field-error")
            with Horizontal(id="form-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="form-save")
                yield Button("Cancel (esc)", id="form-cancel")

    def on_mount(self) -> None:
        inputs = self.query(Input)
        (inputs.first() if inputs else self.query_one("#form-save", Button)).focus()  # a form may have no field
        self._warn()
        data = getattr(self.app, "data", None)
        self.query_one("#form-preview", Static).display = self.action.preview is not None
        if self.action.preview is not None and data is not None:
            self.query_one("#form-preview", Static).update("Reading what this will do…")
            self._preview(data)

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)  # a failure: said by the app
    def _preview(self, data: Any) -> None:
        from tui.data import Refused

        try:
            self.post_message(self.Previewed(data.preview(self.action, self.reference), False))
        except Refused as exc:
            self.post_message(self.Previewed(str(exc), True))

    def on_form_screen_previewed(self, message: Previewed) -> None:
        self.query_one("#form-preview", Static).update("" if message.refused else plain(message.text))
        if message.refused:
            self.refused(message.text)

    def _typed(self) -> dict[str, Any]:
        """Every field's value as typed now (None where it does not read)."""
        values = {}
        for field in self.action.fields:
            try:
                values[field.name] = field.read(self._text_of(field.name))
            except ValueError:
                values[field.name] = None
        return values

    def _warn(self) -> None:
        """The action's warnings for what is typed now (a late extension; a persistent complainant, looked up):
        shown, never blocking."""
        if self.action.warn is None and self.action.lookup is None:
            return
        said = self.action.warn(self._typed(), self.due) if self.action.warn is not None else None
        self.query_one("#form-warning", Static).update(plain("\n".join(w for w in (said, self.looked_up) if w)))

    def _text_of(self, name: str) -> str:
        """What is in a field: an input's value, or a text area's text."""
        widget = self.query_one(f"#field-{name}")
        return widget.text if isinstance(widget, TextArea) else self.query_one(f"#field-{name}", Input).value

    def _check(self, name: str) -> tuple[bool, Any]:
        field = next(f for f in self.action.fields if f.name == name)
        text = self._text_of(name)
        error = self.query_one(f"#error-{name}", Label)
        try:
            value = field.read(text)
        except ValueError as exc:
            error.update(plain(str(exc)))  # it can quote what was typed: never read as markup
            return False, None
        error.update("")
        return True, value

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id and event.input.id.startswith("field-"):
            name = event.input.id.removeprefix("field-")
            self._check(name)
            self._warn()
            self.look_up_soon(name)  # a warning that needs the database (``Action.lookup``)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id and event.text_area.id.startswith("field-"):
            self._check(event.text_area.id.removeprefix("field-"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "form-save":
            self.action_save()
        else:
            self.action_cancel()

    def values(self) -> dict[str, Any] | None:
        """Every field checked; None (with the errors shown) if any is wrong."""
        values, ok = {}, True
        for field in self.action.fields:
            good, value = self._check(field.name)
            ok = ok and good
            values[field.name] = value
        return values | self.extra if ok else None

    def action_save(self) -> None:
        values = self.values()
        if values is None:
            self.refused("Some fields need correcting (see beside them)")
            return
        self.refused("")
        self.post_message(self.Submitted(self, values))

    def refused(self, message: str) -> None:
        self.query_one("#form-error", Static).update(plain(message))  # it can name stored text

    def action_cancel(self) -> None:
        self.dismiss(None)

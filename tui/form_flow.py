"""How the app runs a form: opening it (filled in from the case, or from what another form read), running its
action in a worker against the version on screen, and what follows a save or a refusal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.screen import Screen

from domain.harmless import shown
from domain.vocab import Role
from tui.actions import ACTION_BY_ID, Action
from tui.data import Data, Refused
from tui.messages import ActionDone, ActionRan, ActionRefused, FormChecked, FormFilled, FormPrepared, LoadFailed

if TYPE_CHECKING:
    from tui.case_screen import CaseScreen
    from tui.caseload_window import CaseloadWindow
    from tui.form import FormScreen


class FormFlow(App[None]):
    """The app's forms; mixed into ``ComplaintsApp``, which supplies the state below."""

    data: Data | None
    form: FormScreen | None
    today: date
    _case_on_top: Callable[[], CaseScreen | None]
    _leave_case: Callable[[str | None], None]
    current_due: Callable[[], date | None]
    current_reference: Callable[[], str | None]

    @property
    def caseload(self) -> CaseloadWindow:
        raise NotImplementedError  # the app's own

    @work(thread=True, exclusive=True, group="case")
    def _fill_form(self, store: Data, action_id: str, reference: str) -> None:
        """The case an edit's form opens on (from the caseload: no case screen holds it)."""
        try:
            self.post_message(FormFilled(action_id, store.case(reference)))
        except Refused as exc:
            self.post_message(LoadFailed(str(exc)))

    @work(thread=True, exclusive=True, group="form-check")
    def _check_form(self, store: Data, action: Action, reference: str | None, due: date | None,
                    version: int | None) -> None:
        """Whether the case has anything for the form to offer (``Action.empty``), before it opens."""
        assert action.empty is not None
        try:
            said = action.empty(store, reference)
        except Refused as exc:
            self.post_message(LoadFailed(str(exc)))
            return
        self.post_message(FormChecked(action.id, reference, said, due, version))

    def on_form_checked(self, message: FormChecked) -> None:
        """The form opens, or the notice says why there is nothing to choose in it (no empty form is shown)."""
        if message.said is not None:
            self.notify(shown(message.said), severity="warning", timeout=6, markup=False)  # it can name stored text
        elif self.form is None:
            self.open_form(ACTION_BY_ID[message.action_id], message.reference, message.due, version=message.version)

    @work(thread=True, exclusive=True, group="action")
    def _perform(self, store: Data, action: Action, reference: str | None, values: dict[str, Any],
                 version: int | None) -> None:
        try:
            if action.reads is not None and action.opens is not None:  # it fills in another form
                initial, extra, check = store.prepare(action, values)
                self.post_message(FormPrepared(action.opens, initial, extra, check))
                return
            message = store.perform(action, reference, values, version)
        except Refused as exc:  # a conflict names who changed the case; a busy database says so
            self.post_message(ActionRefused(reference, str(exc)))
            return
        if action.creates:
            warning = getattr(message, "warning", None)  # the store's Logged: a persistent complainant, say
            self.post_message(ActionDone(message, f"Logged {message}" + (f". {warning}" if warning else ""),
                                         created=True))
        else:
            self.post_message(ActionDone(reference, message, removed=action.removes))

    def _under_form(self) -> Screen[Any] | None:
        """The screen the open form was opened over."""
        stack = self.screen_stack
        return stack[stack.index(self.form) - 1] if self.form in stack else None

    def on_form_screen_submitted(self, message: FormScreen.Submitted) -> None:
        """The form's values are checked: run the transition in a worker, against the version on screen."""
        if self.data is None:
            return
        if any(worker.group == "action" and worker.is_running for worker in self.workers):
            self.notify("Still saving: waiting for the database", timeout=4)  # never the same save twice
            return
        from tui.case_screen import CaseScreen

        below = self._under_form()  # the version the form was opened on: a colleague's change since is refused
        version = message.form.version if message.form.version is not None else (
            below.detail.version if isinstance(below, CaseScreen) else None)
        self._perform(self.data, message.form.action, message.form.reference, message.values, version)

    def on_action_done(self, message: ActionDone) -> None:
        below = self._under_form() or self.screen
        if self.form is not None:
            self.form.dismiss(None)
            self.form = None
        self.notify(shown(message.message), timeout=6, markup=False)  # messages can name stored text
        if message.removed:  # the case is no more: its screen closes, the caseload is read again
            self.call_after_refresh(self._leave_case, message.reference)
            self.caseload.refresh_in_place(None)
            return
        below.post_message(ActionRan(message.reference, saved=True))  # the case or the lists read again
        if message.reference is not None:
            if " " in message.reference:  # the marked cases were acted on together: the marks have done their work
                self.caseload.table.clear_marks()
            self.caseload.refresh_in_place(message.reference if message.created else None)

    def on_form_prepared(self, message: FormPrepared) -> None:
        """The form that was read (an email's path) gives way to the one it filled in."""
        if self.form is not None:
            self.form.dismiss(None)
        self.open_form(ACTION_BY_ID[message.action], None, initial=message.initial, extra=message.extra,
                       warning=message.warning)

    def open_form(self, action: Action, reference: str | None, due: date | None = None, *,
                  initial: dict[str, str] | None = None, extra: dict[str, Any] | None = None,
                  version: int | None = None, warning: str = "") -> None:
        """A form for ``action`` over whatever is on screen; ``initial``: its fields' texts to start with;
        ``version``: the case's version they were read at (the case screen's, when it is under the form);
        ``warning``: what the officer should check in those texts (an email's date that could not be read)."""
        from tui.form import FormScreen

        form = self.form = FormScreen(action, reference, self.today, due, initial=initial, extra=extra,
                                      version=version, warning=warning)
        self.push_screen(form, lambda _: setattr(self, "form", None) if self.form is form else None)

    def on_action_refused(self, message: ActionRefused) -> None:
        if self.form is None:
            self.notify(shown(message.error), severity="error", timeout=8, markup=False)
            return
        self.form.refused(message.error)
        below = self._under_form()
        if below is not None and message.reference:
            below.post_message(ActionRan(message.reference, saved=False))  # show what changed underneath

    def action_form(self, action_id: str) -> None:
        from tui.demo_offer import DemoOffer
        from tui.form import FormScreen

        if isinstance(self.screen, FormScreen | DemoOffer) or self.data is None:
            return
        if self.data.role() is Role.AUDITOR:
            self.notify("The auditor role can read everything and change nothing", severity="warning")
            return
        action = ACTION_BY_ID[action_id]
        reference = self.current_reference() if action.needs_case else None
        if action.needs_case and reference is None:
            self.notify("Choose a case first", severity="warning")
            return
        case = self._case_on_top()
        if action.many and case is None and self.caseload.table.marked:
            reference = " ".join(self.caseload.table.marked)  # every marked case, in the order marked
        if action.prefill is not None and reference is not None and case is None:
            self._fill_form(self.data, action.id, reference)  # read the case first: the form shows it as it is
        elif action.empty is not None:  # the form opens once the store says it has something to choose
            self._check_form(self.data, action, reference, self.current_due() if action.warn else None,
                             case.detail.version if case is not None else None)
        else:
            initial = action.prefill(case.detail) if action.prefill and case else None
            self.open_form(action, reference, self.current_due() if action.warn else None, initial=initial,
                           version=case.detail.version if case is not None else None)

    def on_form_filled(self, message: FormFilled) -> None:
        action = ACTION_BY_ID[message.action_id]
        if action.prefill is not None and self.form is None:
            self.open_form(action, message.detail.reference, initial=action.prefill(message.detail),
                           version=message.detail.version)

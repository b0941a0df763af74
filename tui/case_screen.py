"""The case screen: the clock in the header, then overview, stages, timeline, learning and people.

A complainant under the persistent-complaints procedure gets a banner that stays until the
officer acknowledges it (``enter``), so the agreed arrangements cannot be missed. Stored text is
drawn through ``plain``: its control characters shown harmlessly, any markup in it never read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static, TabbedContent, TabPane

from domain.clock import State, late_extension_note, provisional_words, response_after
from domain.contact_log import contact_words
from domain.harmless import shown
from domain.vocab import COMPLAINT_KINDS, KIND_LABELS, Kind, display_value, label
from tui.base import ComplaintsScreen
from tui.caseload import state_style
from tui.data import Refused
from tui.documents_pane import DocumentsPane
from tui.footer import Footer
from tui.messages import ActionRan, CaseRefreshed, LoadFailed, PersonLoaded
from tui.person_screen import PersonScreen
from tui.text import plain, uk_date

if TYPE_CHECKING:
    from tui.data import CaseDetail, Data, NoteLine


def clock_line(detail: CaseDetail, app: App[Any]) -> Text:
    reading = detail.clock
    kind = KIND_LABELS.get(Kind(detail.kind), detail.kind)
    stage = detail.stage or "no stage"
    complaint = detail.kind in COMPLAINT_KINDS
    where = (stage if stage.lower().startswith(kind.lower()) else f"{kind} · {stage}") if complaint else kind
    text = Text(f"{reading.state.symbol} {shown(detail.reference)} · {where} · ")
    if reading.deadline is None:
        text.append("closed" if reading.state is State.CLOSED else reading.state.label)
    else:
        due = f"{detail.due_for} due" if detail.due_for else "due"  # an acknowledgement owed, the Ombudsman
        text.append(f"{due} {reading.deadline.due:%a %d/%m/%Y}{provisional_words(reading.deadline)} · "
                    f"{reading.describe}", style=state_style(app, reading.state))
        text.append(response_after(reading.deadline, detail.stage_clock.deadline))
    note = late_extension_note(detail.stage_clock.deadline) if detail.stage_clock.deadline else None
    if note:
        text.append(f" · {note}", style=state_style(app, State.OVERDUE))
    return text


def steps_text(detail: CaseDetail) -> Text:
    """The next steps the case's state allows (``domain.next_steps``), each with its transitions' keys."""
    from tui.actions import ACTION_BY_ID

    text = Text()
    for step in detail.next_steps:
        doing = [ACTION_BY_ID[a] for a in step.actions if a in ACTION_BY_ID]
        how = ", ".join(f"{a.title} ({a.key})" if a.key else f"{a.title} (ctrl+p)" for a in doing)
        text.append(("\n" if text else "") + "Next: ", style="bold")
        text.append(step.says + (f" · {how}" if how else ""))
    return text


def overview(detail: CaseDetail) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    rows = [("Received", uk_date(detail.received)), ("Channel", label(detail.channel)),
            ("Acknowledged", uk_date(detail.acknowledged)),
            ("Service area", detail.service_area), ("Team", detail.team), ("Officer", detail.officer),
            ("Themes", "; ".join(detail.themes)), ("Child", detail.child_name),
            ("Child status", label(detail.child_status)),
            ("Advocate", label(detail.advocate)), ("Summary", detail.summary), ("Closed", uk_date(detail.closed))]
    for name, value in rows:
        if value:
            table.add_row(name, plain(value, lines=name == "Summary"))
    for reference, kind, received, state in detail.case_links:  # each opens from the palette (ctrl+p)
        table.add_row("Linked case", plain(f"{reference} · {KIND_LABELS.get(Kind(kind), kind)} · received "
                                           f"{uk_date(received)} · {state}"))
    return table


def stages(detail: CaseDetail) -> Table:
    table = Table("Stage", "Requested", "Extended", "Responded", "Outcome", "Due", expand=True)
    for s in detail.stages:
        end = uk_date(s.responded) or (f"declined {uk_date(s.declined)}" if s.declined else "")
        table.add_row(plain(s.name), uk_date(s.requested), uk_date(s.extended_on), end,
                      plain(label(s.outcome)), uk_date(s.due))
        for issue, finding in s.findings:
            table.add_row("", plain(f"  issue: {issue}"), "", "", plain(label(finding)), "")
        for role, name, cost in s.people:
            table.add_row("", plain(f"  {role}: {name}"), "", "", f"£{cost:,.2f}" if cost is not None else "", "")
    for received, decision, decided, remedy, payment in detail.ombudsman:
        table.add_row("Ombudsman", uk_date(received), "", uk_date(decided), plain(label(decision)),
                      plain(f"{label(remedy)} {f'£{payment:,.2f}' if payment else ''}".strip()))
    return table


def timeline(detail: CaseDetail) -> Table:
    """The stages' events and the contact log's notes, one list by time (a note at when the contact was; its
    edits as events, old -> new)."""
    table = Table("When", "Who", "What", "Change", expand=True)
    rows: list[tuple[datetime, int, tuple[Text | str, ...]]] = []
    for at, who, action, what, old, new, reason in detail.events:
        if action == "note added" and detail.notes:  # the note itself is on the timeline, at its contact's time
            continue
        change = f"{display_value(old)} → {display_value(new)}" if old is not None or new is not None else ""
        if reason:
            change += f"  (reason: {reason})"
        rows.append((at, 0, (f"{at:%d/%m/%Y %H:%M}", plain(who), plain(action + (f" {what}" if what else "")),
                             plain(change, lines=True))))
    for note in detail.notes:
        rows.append((note.at, 1, (f"{note.at:%d/%m/%Y %H:%M}", plain(note.added_by), plain(note_heading(note)),
                                  plain(note.text, lines=True))))
    for _, _, cells in sorted(rows, key=lambda row: (row[0], row[1])):
        table.add_row(*cells)
    return table


def note_heading(note: NoteLine) -> str:
    """A note as the timeline names it: ``note 12: phone call, in, with A. Parent`` (edited: said so)."""
    return (f"note {note.id}: {contact_words(note.kind, note.direction, note.with_whom)}"
            + (" (edited)" if note.edited_at else ""))


def learning(detail: CaseDetail) -> Table | Text:
    if not detail.actions:
        return Text("No learning actions yet (l adds one).", style="dim")
    table = Table("#", "What will change", "Owner", "Due", "Done", "What was done", expand=True)
    for ident, description, owner, due, done in detail.actions:
        table.add_row(str(ident), plain(description, lines=True), plain(owner), uk_date(due), uk_date(done),
                      plain(detail.done_notes.get(ident, "—" if done else "(D marks it done)"), lines=True))
    return table


def people(detail: CaseDetail) -> Table | Text:
    person = detail.person
    if person is None:
        return Text("No complainant recorded.", style="dim")
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("Complainant", plain(person.name + (f" ({person.external_id})" if person.external_id else "")))
    table.add_row("Group", plain(label(person.group)))
    table.add_row("Contacts", f"{person.contacts} case{'s' if person.contacts != 1 else ''} in all")
    if person.persistent:
        table.add_row("Persistent",
                      f"since {uk_date(person.persistent_start)}, review {uk_date(person.persistent_review)}")
        table.add_row("Single contact", plain(person.persistent_contact))
        table.add_row("Arrangements", plain(person.persistent_arrangements, lines=True))
    for reference, kind, received, state in detail.linked:
        table.add_row("Also", plain(f"{reference} · {KIND_LABELS.get(Kind(kind), kind)} · {uk_date(received)} · "
                                    f"{state}"))
    return table


#: Each tab's content, drawn from the case; the documents' tab (None) is a pane of its own (``DocumentsPane``).
TABS: dict[str, Callable[[CaseDetail], Table | Text] | None] = {
    "tab-overview": overview, "tab-stages": stages, "tab-timeline": timeline, "tab-learning": learning,
    "tab-people": people, "tab-documents": None}


class CaseScreen(ComplaintsScreen[None]):
    """One case. Actions on it use the same keys as on the caseload. It reads its case again (after an
    action, or when asked) and its complainant, in workers of its own."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="case.back", tooltip="Back to the caseload"),
        Binding("enter", "acknowledge_banner", "Got it", id="case.banner", show=False,
                tooltip="Acknowledge the persistent-complainant banner"),
        Binding("c", "person", "Complainant", id="case.person",
                tooltip="The complainant: every contact, and the persistent-complaints procedure"),
        Binding("v", "save_document", "Save document", id="case.save_document", show=False,
                tooltip="Save the document chosen on the Documents tab to a file only you can read"),
    ]

    def __init__(self, detail: CaseDetail) -> None:
        super().__init__()
        self.detail = detail
        self._stale: set[str] = set()  # tabs not yet drawn from ``detail``

    @property
    def reference(self) -> str:
        return self.detail.reference

    @property
    def due(self) -> date | None:
        """The running due date of the case's stage."""
        deadline = self.detail.stage_clock.deadline
        return deadline.due if deadline else None

    # -- workers (no widgets touched here) ------------------------------------------------------

    @work(thread=True, exclusive=True, group="case")
    def _read_case(self, store: Data, reference: str) -> None:
        try:
            self.post_message(CaseRefreshed(store.case(reference)))
        except Refused as exc:
            self.post_message(LoadFailed(str(exc)))  # the app shows it

    @work(thread=True, exclusive=True, group="person")
    def _read_person(self, store: Data, reference: str) -> None:
        try:
            self.post_message(PersonLoaded(store.person(reference)))
        except Refused as exc:
            self.post_message(LoadFailed(str(exc)))

    # -- handlers (the UI thread) ---------------------------------------------------------------

    def reload(self) -> None:
        """Read the case again: the screen shows it when it comes."""
        if self.app.data is not None:
            self._read_case(self.app.data, self.reference)

    def on_case_refreshed(self, message: CaseRefreshed) -> None:
        if message.detail.reference == self.reference:
            self.show(message.detail)

    def on_action_ran(self, message: ActionRan) -> None:
        """An action on this case was saved, or refused (a colleague's change, say): show the case as it is."""
        if message.reference == self.reference:
            self.reload()

    def action_person(self) -> None:
        """The complainant of the case: their details and every contact, on a screen over this one."""
        if self.app.data is not None:
            self._read_person(self.app.data, self.reference)

    def on_person_loaded(self, message: PersonLoaded) -> None:
        if not self.is_current:  # the officer has moved on
            return
        here = self.reference

        def chosen(reference: str | None) -> None:  # another of their cases opens over this one
            if reference and reference != here:
                self.app.open_case(reference)

        self.app.push_screen(PersonScreen(message.person), chosen)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="case-clock")
        yield Static(id="case-next")
        yield Static(id="persistent-banner")
        with TabbedContent(id="case-tabs"):
            with TabPane("Overview", id="tab-overview"), VerticalScroll():
                yield Static(id="case-overview")
            with TabPane("Stages", id="tab-stages"), VerticalScroll():
                yield Static(id="case-stages")
            with TabPane("Timeline", id="tab-timeline"), VerticalScroll():
                yield Static(id="case-timeline")
            with TabPane("Learning", id="tab-learning"), VerticalScroll():
                yield Static(id="case-learning")
            with TabPane("People", id="tab-people"), VerticalScroll():
                yield Static(id="case-people")
            with TabPane("Documents", id="tab-documents"):
                yield DocumentsPane()
        yield Footer()

    def on_mount(self) -> None:
        self.show(self.detail)

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Kept between cases, the screen is styled once: Textual styles every node of a screen again each time it
        is pushed (40-60 ms of the 90 ms from Enter to a case painted), though nothing here changes its style while
        it is away. The app's CSS changing (a theme chosen) still styles it again. Textual's own handler runs next.
        """
        styled = getattr(self.app, "_css_update_count", None)
        if styled is not None and styled == getattr(self, "_styled_at", None):
            event.refresh_styles = False
        self._styled_at = styled

    def open(self, detail: CaseDetail) -> None:
        """Another case on this screen, kept between cases (building its tabs took 100-200 ms a case): shown as
        a new screen would show it, on its first tab, scrolled to the top, the banner not yet acknowledged."""
        self.banner_seen = False
        self.query_one("#case-tabs", TabbedContent).active = "tab-overview"
        for scroll in self.query(VerticalScroll):
            scroll.scroll_home(animate=False, immediate=True)
        self.show(detail)

    def show(self, detail: CaseDetail) -> None:
        """Show (or refresh, after an action) the case."""
        self.detail = detail
        self.query_one("#case-clock", Static).update(clock_line(detail, self.app))
        self.query_one("#case-next", Static).update(steps_text(detail))
        banner = self.query_one("#persistent-banner", Static)
        person = detail.person
        if person is not None and person.persistent and not getattr(self, "banner_seen", False):
            banner.update(Text(shown(f"PERSISTENT-COMPLAINTS PROCEDURE · contact only through "
                                     f"{person.persistent_contact or '(not named)'} · "
                                     f"{person.persistent_arrangements or ''} · review "
                                     f"{uk_date(person.persistent_review)} · press enter to acknowledge"),
                               style="bold black on yellow"))
            banner.display = True
        else:
            banner.display = False
        # The tab on screen first; the others once this frame is drawn (a case with 200 notes and 50 documents:
        # its timeline and documents were 10 of the 40 ms of UI work before the case showed), or when chosen.
        self._stale = set(TABS)
        self._fill(self.query_one("#case-tabs", TabbedContent).active)
        self.call_after_refresh(self._fill_rest)

    def _fill(self, tab: str) -> None:
        """Draw ``tab`` from the case shown, if it is not drawn from it yet."""
        if tab not in self._stale:
            return
        self._stale.discard(tab)
        draw = TABS[tab]
        if draw is None:
            self.query_one(DocumentsPane).show(self.detail.documents)
        else:
            self.query_one(f"#case-{tab.removeprefix('tab-')}", Static).update(draw(self.detail))

    def _fill_rest(self) -> None:
        for tab in list(self._stale):
            self._fill(tab)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            self._fill(event.pane.id)

    def action_acknowledge_banner(self) -> None:
        self.banner_seen = True
        self.query_one("#persistent-banner", Static).display = False

    def action_save_document(self) -> None:
        """Save the chosen document out: a form asks where (the private documents folder unless told)."""
        from tui.actions_documents import SAVE
        from tui.data import documents_folder

        document = self.query_one(DocumentsPane).chosen()
        if document is None:
            self.notify("Choose a document on the Documents tab first", severity="warning")
            return
        path = documents_folder() / document.name
        for n in range(2, 1000):  # never over a copy saved before
            if not path.exists():
                break
            path = path.with_name(f"{Path(document.name).stem} ({n}){Path(document.name).suffix}")
        self.app.open_form(SAVE, self.reference, initial={"path": str(path), "open": "no"},
                           extra={"document_id": document.id})

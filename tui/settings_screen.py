"""Settings: the council's lists (themes, teams, service areas, officers, independent people) and the
timescales in force today, with where each comes from (the statutory default or the council's file)."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from rich.table import Table
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static, TabbedContent, TabPane

from domain.timescales import STEPS, RuleBook, RuleError
from domain.vocab import KIND_LABELS, Kind
from tui.base import ComplaintsScreen
from tui.footer import Footer
from tui.messages import ActionRan, ListsLoaded
from tui.text import plain

KINDS = {k.value for k in Kind}

if TYPE_CHECKING:
    from tui.data import CouncilLists, Data


def timescales(rules: RuleBook, today: date) -> Table:
    table = Table("Procedure", "Step", "Working days", "Extended to", "From", expand=True)
    for procedure, steps in STEPS.items():
        for step in steps:
            try:
                rule = rules.timescale(procedure, step, today, today)  # the rules of a case received today
            except RuleError:
                continue
            source = "council" if rule in rules.extra + rules.code_extra else (
                "the Code" if rules.under_code(procedure, today) else "default")
            step_name = re.sub(r"stage(\d)", r"Stage \1", step).replace("_", " ")
            step_name += f" (from {rule.starts_label})" if rule.starts not in ("receipt", "request") else ""
            table.add_row(KIND_LABELS.get(Kind(procedure), procedure) if procedure in KINDS else
                          procedure.replace("_", " ").capitalize(), step_name.capitalize() if step_name[0].islower()
                          else step_name, str(rule.days),
                          str(rule.extended_days or ""), f"{rule.valid_from:%d/%m/%Y}" if rule.valid_from else source)
    return table


def _shown(name: str, active: bool) -> str:
    return name if active else f"{name} (retired)"


def lists_tables(lists: CouncilLists) -> tuple[Table, Table, Table]:
    """The council's lists, their names drawn through ``plain`` (stored text: shown harmlessly)."""
    themes = Table("Theme", "Complaints", expand=True)
    for name, active, count in lists.themes:
        themes.add_row(plain(_shown(name, active)), f"{count:,}")
    areas = Table("Service area", "Teams", expand=True)
    for (area, active), teams in lists.areas:
        areas.add_row(plain(_shown(area, active)), plain("; ".join(_shown(*team) for team in teams)))
    people = Table("Name", "Role", "Organisation or login", expand=True)
    for name, active, login in lists.officers:
        people.add_row(plain(_shown(name, active)), "officer", plain(login))
    for name, active, roles, organisation in lists.independent:
        people.add_row(plain(_shown(name, active)), plain(roles), plain(organisation))
    return themes, areas, people


class SettingsScreen(ComplaintsScreen[None]):
    """The timescales in force, and the council's lists (read in a worker, and again after a change)."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="settings.back", tooltip="Back to the caseload"),
        Binding("t", "app.form('theme')", "Add theme", id="settings.theme", tooltip="Add a theme to the list"),
        Binding("m", "app.form('team')", "Add team", id="settings.team",
                tooltip="Add a team, in its service area"),
        Binding("w", "app.form('officer')", "Add officer or link login", id="settings.officer",
                tooltip="Add a complaints officer or responding manager, or give one on the list your login "
                        "(My cases then shows your work)"),
        Binding("i", "app.form('pool')", "Add independent person", id="settings.pool",
                tooltip="Add an Investigating Officer, Independent Person, panel chair or panellist"),
        Binding("r", "app.form('rename')", "Rename", id="settings.rename",
                tooltip="Rename a theme, team, service area, officer or independent person, on every case"),
        Binding("x", "app.form('retire')", "Retire or restore", id="settings.retire",
                tooltip="Retire an entry no longer in use (its cases keep it), or restore one"),
    ]

    def __init__(self, rules: RuleBook, today: date) -> None:
        super().__init__()
        self.rules, self.today = rules, today

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="settings-tabs"):
            with TabPane("Timescales", id="tab-timescales"), VerticalScroll():
                yield Static(timescales(self.rules, self.today), id="settings-timescales")
            with TabPane("Themes", id="tab-themes"), VerticalScroll():
                yield Static("Reading the lists…", id="settings-themes")
            with TabPane("Service areas and teams", id="tab-areas"), VerticalScroll():
                yield Static(id="settings-areas")
            with TabPane("People", id="tab-people"), VerticalScroll():
                yield Static(id="settings-people")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="lists")
    def _read_lists(self, store: Data) -> None:
        self.post_message(ListsLoaded(store.lists()))

    def reload(self) -> None:
        if self.app.data is not None:
            self._read_lists(self.app.data)

    def on_lists_loaded(self, message: ListsLoaded) -> None:
        self.show(message.lists)

    def on_action_ran(self, message: ActionRan) -> None:
        if message.saved:  # a list changed: show it
            self.reload()

    def show(self, lists: CouncilLists) -> None:
        themes, areas, people = lists_tables(lists)
        self.query_one("#settings-themes", Static).update(themes)
        self.query_one("#settings-areas", Static).update(areas)
        self.query_one("#settings-people", Static).update(people)

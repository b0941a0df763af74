"""The issues of a complaint in a form: a statement's list to add to, edit and reorder, and a finding per issue.

``IssueList`` edits the statement of complaint: type an issue and press enter to add it; in the list, enter
edits the highlighted issue (enter again saves it), shift+up and shift+down move it, delete removes it.
``IssueFindings`` shows each issue of the case's live stage beside a picker of its finding (a stage without a
statement takes findings in order, as a list). Both give the form their ``value`` as text, as a field's input
does: the issues one a line, the findings ``;``-separated.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from domain.vocab import FINDING_NAMES, label
from tui.picker import Picker
from tui.text import plain


class IssueList(Vertical):
    """An ordered list of issues, edited in place."""

    DEFAULT_CSS = """
    IssueList { height: auto; }
    IssueList OptionList { height: auto; max-height: 8; }
    """

    class Changed(Message):
        def __init__(self, issues: IssueList) -> None:
            super().__init__()
            self.issues = issues

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[str] = []
        self.editing: int | None = None  # the issue being edited in the input, if one is

    def compose(self) -> ComposeResult:
        options = IssueOptions(id="issues-list")
        options.border_subtitle = "enter edit · shift+↑↓ move · del remove"
        yield options
        yield Input(placeholder="Type an issue, enter to add it", id="issues-new")

    @property
    def value(self) -> str:
        """The issues, one a line; with one typed and not yet added (or an edit not yet saved): what is seen."""
        items = list(self.items)
        pending = self.query_one("#issues-new", Input).value.strip() if self.is_mounted else ""
        if pending and self.editing is not None and self.editing < len(items):
            items[self.editing] = pending
        elif pending:
            items.append(pending)
        return "\n".join(items)

    @value.setter
    def value(self, text: str) -> None:
        self.items = [line.strip() for line in text.split("\n") if line.strip()]
        self.show()

    def show(self, highlight: int | None = None) -> None:
        options = self.query_one(IssueOptions)
        options.clear_options()
        options.add_options([Option(plain(f"{n}. {item}")) for n, item in enumerate(self.items, start=1)])
        if highlight is not None and self.items:
            options.highlighted = max(0, min(highlight, len(self.items) - 1))
        self.post_message(self.Changed(self))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the input adds the issue typed (or saves the one being edited); never saves the form."""
        event.stop()
        text = event.value.strip()
        if not text:
            return
        if self.editing is not None and self.editing < len(self.items):
            self.items[self.editing] = text
            at = self.editing
        else:
            self.items.append(text)
            at = len(self.items) - 1
        self.editing = None
        event.input.value = ""
        event.input.placeholder = "Type an issue, enter to add it"
        self.show(at)

    def edit(self, index: int) -> None:
        self.editing = index
        field = self.query_one("#issues-new", Input)
        field.value = self.items[index]
        field.placeholder = f"Issue {index + 1}: enter to save it"
        field.focus()

    def move(self, index: int, by: int) -> None:
        to = index + by
        if 0 <= index < len(self.items) and 0 <= to < len(self.items):
            self.items[index], self.items[to] = self.items[to], self.items[index]
            self.show(to)

    def delete(self, index: int) -> None:
        if 0 <= index < len(self.items):
            del self.items[index]
            self.editing = None
            self.show(index)


class IssueOptions(OptionList):
    """The issues, numbered in order; the keys act on the highlighted one."""

    BINDINGS = [
        Binding("enter", "edit", "Edit", id="issues.edit", tooltip="Edit the highlighted issue in the box below"),
        Binding("shift+up", "move(-1)", "Move up", id="issues.up", tooltip="Move the highlighted issue up"),
        Binding("shift+down", "move(1)", "Move down", id="issues.down", tooltip="Move the highlighted issue down"),
        Binding("delete", "delete", "Delete", id="issues.delete", tooltip="Remove the highlighted issue"),
    ]

    @property
    def issues(self) -> IssueList:
        parent = self.parent
        assert isinstance(parent, IssueList)
        return parent

    def action_edit(self) -> None:
        if self.highlighted is not None:
            self.issues.edit(self.highlighted)

    def action_move(self, by: int) -> None:
        if self.highlighted is not None:
            self.issues.move(self.highlighted, by)

    def action_delete(self) -> None:
        if self.highlighted is not None:
            self.issues.delete(self.highlighted)


class IssueFindings(Vertical):
    """A finding chosen beside each issue of the live stage; without a statement, findings in order."""

    DEFAULT_CSS = """
    IssueFindings { height: auto; }
    IssueFindings Horizontal { height: auto; }
    IssueFindings .issue-text { width: 1fr; padding: 1 1 0 0; }
    IssueFindings Horizontal Input { width: 24; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.issues: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        labels = [label(f) for f in FINDING_NAMES]
        if not self.issues:
            field = Input(placeholder="Upheld; Not upheld (one per issue)", id="findings-any")
            yield field
            yield Picker(field, labels, many=True)
            return
        for n, issue in enumerate(self.issues):
            with Horizontal():
                yield Static(plain(f"{n + 1}. {issue}"), classes="issue-text")
                field = Input(placeholder="type to choose", id=f"finding-{n}")
                yield field
            yield Picker(field, labels)

    async def show_issues(self, issues: Sequence[str]) -> None:
        """The live stage's issues, once read: a picker beside each (what was typed before is kept in order)."""
        before = [v.strip() for v in self.value.split(";")]
        self.issues = tuple(issues)
        await self.recompose()
        if any(before):
            self.value = "; ".join(before)

    def _fields(self) -> list[Input]:
        return list(self.query(Input))

    @property
    def value(self) -> str:
        fields = self._fields()
        if not self.issues:
            return fields[0].value if fields else ""
        return "; ".join(f.value.strip() for f in fields) if any(f.value.strip() for f in fields) else ""

    @value.setter
    def value(self, text: str) -> None:
        fields = self._fields()
        if not self.issues:
            if fields:
                fields[0].value = text
            return
        for field, finding in zip(fields, [t.strip() for t in text.split(";")] + [""] * len(fields), strict=False):
            field.value = label(finding.lower().replace(" ", "_")) if finding.lower().replace(" ", "_") in \
                FINDING_NAMES else finding

    def problem(self) -> str | None:
        """Why the findings cannot be saved as they are: some issues given a finding, and not every one."""
        blank = [n for n, f in enumerate(self._fields(), start=1) if not f.value.strip()]
        if self.issues and blank and len(blank) < len(self.issues):
            return f"choose a finding for issue {blank[0]} too (one for each issue)"
        return None

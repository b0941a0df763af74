"""The caseload table: open work, one row per deadline, drawn line by line from the rows loaded so far.

A Line API widget (``ScrollView.render_line``) rather than a DataTable: a frame draws only the
visible lines, each a handful of segments, so paging through a million cases and typing in the
filter repaint in a few milliseconds. Rows come a page at a time from ``store.views.caseload``; the app
asks for the next page (``Highlighted``) when the cursor nears the end of what is loaded, and for
the page above when it nears the top of a window that no longer starts at the first row.
Columns shrink to the terminal's width, the free-text ones first, so every column stays in view.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from domain.clock import State, due_phrase
from domain.harmless import shown
from domain.vocab import KIND_LABELS, Kind
from tui.data import CaseloadRow

#: How each state draws, from the theme's own text colours (tinted by Textual to read on its background).
#: Under NO_COLOR colours become greys (bold red was grey 237 on 234, about 1.5:1), so there the most urgent
#: rows are drawn in reverse video of the screen's own text and background instead.
STATE_STYLE = {State.OVERDUE: "bold $text-error", State.DUE_SOON: "bold $text-warning", State.PAUSED: "grey50",
               State.RELAXED: "italic $text-accent", State.ON_TRACK: "", State.CLOSED: "dim"}
MONOCHROME_STATE_STYLE = {State.OVERDUE: "bold reverse", State.DUE_SOON: "bold underline", State.PAUSED: "italic",
                          State.RELAXED: "italic", State.ON_TRACK: "", State.CLOSED: "dim"}


def state_style(app: App[object], state: State) -> Style:
    """The style of ``state`` in ``app``'s theme, or in monochrome under NO_COLOR."""
    if app.no_color:
        return _style(MONOCHROME_STATE_STYLE[state])
    spec = STATE_STYLE[state]
    if "$" in spec:
        variables = app.theme_variables or app.get_css_variables()
        spec = " ".join(variables.get(word[1:], "red") if word.startswith("$") else word for word in spec.split())
    return _style(spec)


COLUMNS = ("", "Reference", "Kind / stage", "Due", "Working days", "Complainant", "Team", "Officer", "Received",
           "Found in")
#: The narrowest each column may become in a narrow terminal; None: it keeps its width (dates, references).
MINIMUM = (None, None, 19, None, None, 10, 6, 6, None, 16)  # 19: 'Statutory · Stage 1'
FOUND = 9  # the column of where a search's case matched
FOUND_WIDE, NARROW_TABLE = 30, 100  # its narrowest in a terminal this wide or wider (the others go first)
#: The widths the columns start from before any row: "Found in" (a search's, where each case matched) is not drawn
#: until a row has something in it.
HEADER_WIDTHS = [len(c) for c in COLUMNS[:-1]] + [0]
GAP = 1  # space between columns
#: Columns dropped, in this order, when even at their narrowest the row is wider than the terminal: when the case
#: came in, then the team, then the officer (the reference, state, due date and complainant always stay); a
#: search's rows, where each matched then stays at 80 columns in place of the working days left (the due date says).
DROPPED = (8, 6, 7, 4)
#: Rows kept at most. Past it, the half farthest from the cursor goes, and is read again if the officer
#: comes back: paging through a million cases never holds more than this.
WINDOW = 2_000


def markers(row: CaseloadRow) -> str:
    """Who the complainant is, in letters that survive monochrome: P persistent, R repeat, C child, A advocate."""
    return "".join(m for m, on in (("P", row.persistent), ("R", row.repeat), ("C", row.child), ("A", row.advocate))
                   if on)


def overdue(rows: list[CaseloadRow]) -> int:
    return sum(1 for r in rows if r.state is State.OVERDUE)


def texts(row: CaseloadRow) -> list[str]:
    """The row's cells as plain text, in the order of COLUMNS (the first: the state's symbol, then the markers);
    stored text shown harmlessly."""
    flags = markers(row)
    kind = KIND_LABELS.get(Kind(row.kind), row.kind)
    due = (f"{row.due:%d/%m/%Y}" + ("?" if row.provisional else "")) if row.due else ""
    left = due_phrase(row.left, row.state, short=True) if row.left is not None else row.state.label
    name = shown(row.complainant)
    # The markers lead the row, after the state's symbol: the first cells are never cut, at any width (beside the
    # name they went at 80 columns, where the row is wider than the screen).
    return [f"{row.state.symbol} {flags}" if flags else row.state.symbol, shown(row.reference),
            f"{row.stage} · {kind}" if row.is_followup else f"{kind} · {row.stage}", due, left, name,
            shown(row.team), shown(row.officer),
            f"{row.received:%d/%m/%Y}", shown(row.found)]


def fit(natural: list[int], width: int) -> list[int]:
    """Column widths within ``width``: the widest free-text columns give way first, down to MINIMUM; then whole
    columns go, in the order of DROPPED (a width of 0: not drawn)."""
    widths = list(natural)
    excess = sum(widths) + GAP * (sum(1 for w in widths if w) - 1) + 1 - width  # a width of 0 has no gap
    dropping = list(DROPPED)
    floors = list(MINIMUM)
    floors[FOUND] = FOUND_WIDE if width >= NARROW_TABLE else MINIMUM[FOUND]
    while excess > 0:
        shrinkable = [i for i, floor in enumerate(floors) if floor is not None and widths[i] > floor]
        # where a search's case matched is what the officer reads it for: it gives way after the others
        shrinkable = [i for i in shrinkable if i != FOUND] or shrinkable
        if not shrinkable:
            if not dropping:
                break
            gone = dropping.pop(0)  # then the rest start again from their natural widths, to use the room it frees
            widths = [0 if w == 0 or i == gone else natural[i] for i, w in enumerate(widths)]
            excess = sum(widths) + GAP * (sum(1 for w in widths if w) - 1) + 1 - width
            continue
        widest = max(widths[i] for i in shrinkable)
        for i in shrinkable:
            if widths[i] == widest and excess > 0:
                widths[i] -= 1
                excess -= 1
    return widths


def clip(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut with an ellipsis."""
    return text.ljust(width) if len(text) <= width else text[:max(0, width - 1)] + "…"


@lru_cache(maxsize=64)
def _style(spec: str) -> Style:
    return Style.parse(spec) if spec else Style()


class CaseloadTable(ScrollView, can_focus=True):
    """Caseload rows with a cursor; a header line that sorts when clicked."""

    COMPONENT_CLASSES = {"caseload--header", "caseload--cursor", "caseload--stripe"}

    BINDINGS = [
        Binding("down", "cursor(1)", "Down", show=False, id="caseload.down", tooltip="The next row"),
        Binding("up", "cursor(-1)", "Up", show=False, id="caseload.up", tooltip="The row above"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="caseload.page_down",
                tooltip="Move a screenful down, without animation"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="caseload.page_up",
                tooltip="Move a screenful up, without animation"),
        Binding("home", "first", "First", show=False, id="caseload.first", tooltip="The first row"),
        Binding("end", "last", "Last loaded", show=False, id="caseload.last",
                tooltip="The last row loaded so far (more load as you go)"),
        Binding("enter", "open", "Open", show=False, id="caseload.open", tooltip="Open the case under the cursor"),
        Binding("space", "mark", "Mark", show=False, id="caseload.mark",
                tooltip="Mark or unmark the case under the cursor (✓); g reassigns every marked case"),
    ]

    class Highlighted(Message):
        """The cursor moved to ``cursor_row``."""

        def __init__(self, cursor_row: int) -> None:
            super().__init__()
            self.cursor_row = cursor_row

    class Selected(Message):
        """Enter (or a click on the cursor's row) on the case ``reference``."""

        def __init__(self, reference: str) -> None:
            super().__init__()
            self.reference = reference

    class Top(Message):
        """Home, in a window that no longer holds the first row: the view must be read from its start."""

    class Drawn(Message):
        """A frame has drawn rows for the first time (the app then loads what can wait for the first page)."""

    class HeaderSelected(Message):
        """A click on the header of the column ``label``."""

        def __init__(self, label: str) -> None:
            super().__init__()
            self.label = label

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.rows: list[CaseloadRow] = []
        self._texts: list[list[str]] = []
        self._natural = list(HEADER_WIDTHS)
        self._fitted: tuple[int, list[int]] = (-1, [])
        self.cursor_row = 0
        self.first = 0  # the place in the whole view of ``rows[0]``
        self.overdue_above = 0  # overdue rows of the view above the window (dropped from its top)
        self.drawn = False  # a frame has drawn rows
        self.marked: list[str] = []  # the references marked (space), in the order marked

    # -- data -------------------------------------------------------------------------------

    def show(self, rows: list[CaseloadRow], *, reset: bool) -> None:
        """Show ``rows``: instead of what is there (``reset``), or after it (the next page)."""
        if reset:
            self.rows, self._texts, self._natural = [], [], list(HEADER_WIDTHS)
            self.cursor_row, self.first, self.overdue_above = 0, 0, 0
            self.scroll_to(y=0, animate=False, immediate=True)
        cells = [texts(r) for r in rows]
        self.rows += rows
        self._texts += cells
        self._measure(cells)
        if len(self.rows) > WINDOW:
            self._drop(top=True)

    def prepend(self, rows: list[CaseloadRow]) -> bool:
        """Show ``rows``, the page above the window, before the others; the screen stays on the same rows.
        True if that made rows at the bottom go (the app then reads them again as the next pages)."""
        count = len(rows)
        cells = [texts(r) for r in rows]
        self.rows[:0], self._texts[:0] = rows, cells
        self.first -= count
        self.overdue_above = max(0, self.overdue_above - overdue(rows))
        self.cursor_row += count
        self._measure(cells)
        self.scroll_to(y=self.scroll_y + count, animate=False, immediate=True)
        return len(self.rows) > WINDOW and self._drop(top=False) > 0

    def _drop(self, *, top: bool) -> int:
        """Keep half the window, the half where the screen is; never a row on the screen."""
        top_of_screen = int(self.scroll_y)
        below_screen = len(self.rows) - (top_of_screen + self.scrollable_content_region.height)
        gone = min(len(self.rows) - WINDOW // 2, top_of_screen if top else below_screen)
        if gone <= 0:
            return 0
        if top:
            self.overdue_above += overdue(self.rows[:gone])
            del self.rows[:gone], self._texts[:gone]
            self.first += gone
            self.cursor_row = max(0, self.cursor_row - gone)
            self._size_to_rows()
            self.scroll_to(y=max(0, self.scroll_y - gone), animate=False, immediate=True)
        else:
            del self.rows[-gone:], self._texts[-gone:]
            self.cursor_row = min(self.cursor_row, len(self.rows) - 1)
            self._size_to_rows()
        self.refresh()
        return gone

    def replace(self, rows: list[CaseloadRow]) -> tuple[int, int, int]:
        """The same view read again after an edit: the cursor stays on its row (or its place), the screen
        where it was. Returns how many rows are new, gone and changed."""
        def key(row: CaseloadRow) -> tuple[int, int]:
            return row.case_id, row.stage_id

        before = {key(r): t for r, t in zip(self.rows, self._texts, strict=True)}
        here = key(self.rows[self.cursor_row]) if 0 <= self.cursor_row < len(self.rows) else None
        cells = [texts(r) for r in rows]
        after = {key(r): t for r, t in zip(rows, cells, strict=True)}
        self.rows, self._texts, self._natural = list(rows), cells, list(HEADER_WIDTHS)
        self._measure(cells)
        keys = [key(r) for r in rows]
        self.cursor_row = keys.index(here) if here in after else min(self.cursor_row, max(0, len(rows) - 1))
        self._reveal(self.cursor_row)
        changed = sum(1 for k, t in after.items() if k in before and before[k] != t)
        return len(after.keys() - before.keys()), len(before.keys() - after.keys()), changed

    def _measure(self, cells: list[list[str]]) -> None:
        """Widen the columns for newly shown ``cells``; size the scrolling to the rows; redraw."""
        for row_cells in cells:
            self._natural = [max(n, len(c)) for n, c in zip(self._natural, row_cells, strict=True)]
        self._fitted = (-1, [])
        self._size_to_rows()
        self.refresh()

    def on_resize(self, _: events.Resize) -> None:
        self._size_to_rows()

    def _size_to_rows(self) -> None:
        """Scroll over the rows; never less than the screen, so a short result (a filter's, usually) changes
        nothing in the layout and the rows show without one."""
        size = Size(self.size.width, max(len(self.rows) + 1, self.scrollable_content_region.height))
        if size != self.virtual_size:
            self.virtual_size = size

    @property
    def references(self) -> list[str]:
        return [r.reference for r in self.rows]

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def get_row_at(self, index: int) -> list[str]:
        """The cells of row ``index`` as shown, untruncated."""
        return self._texts[index]

    @property
    def current_reference(self) -> str | None:
        """The reference of the case under the cursor."""
        return self.rows[self.cursor_row].reference if 0 <= self.cursor_row < len(self.rows) else None

    @property
    def current_due(self) -> date | None:
        """The running due date of the stage under the cursor (None on an acknowledgement or Ombudsman row)."""
        row = self.rows[self.cursor_row] if 0 <= self.cursor_row < len(self.rows) else None
        return row.due if row is not None and row.is_stage else None

    # -- the cursor -------------------------------------------------------------------------

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        """Put the cursor on ``row`` (clamped), scroll it into view, say so."""
        row = max(0, min(row, len(self.rows) - 1))
        if row == self.cursor_row:
            return
        self.cursor_row = row
        self._reveal(row)
        self.post_message(self.Highlighted(row))

    def _reveal(self, row: int) -> None:
        """Scroll (without animation) just enough that ``row`` is on screen, and redraw."""
        visible = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False, immediate=True)
        self.refresh()

    def _page_size(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def action_cursor(self, step: int) -> None:
        self.move_cursor(row=self.cursor_row + step)

    def action_page(self, direction: int) -> None:
        self.move_cursor(row=self.cursor_row + direction * self._page_size())

    def action_first(self) -> None:
        if self.first:
            self.post_message(self.Top())
        else:
            self.move_cursor(row=0)

    def action_last(self) -> None:
        self.move_cursor(row=len(self.rows) - 1)

    def action_mark(self) -> None:
        """Mark the case under the cursor (or unmark it), then go to the next case's row."""
        reference = self.current_reference
        if reference is None:
            return
        if reference in self.marked:
            self.marked.remove(reference)
        else:
            self.marked.append(reference)
        after = next((i for i in range(self.cursor_row + 1, len(self.rows)) if self.rows[i].reference != reference),
                     self.cursor_row)
        self.move_cursor(row=after)
        self.refresh()
        count = len(self.marked)
        self.notify(f"{count} case{'s' if count != 1 else ''} marked: g reassigns {'them' if count != 1 else 'it'}"
                    if count else "No case marked", timeout=3)

    def clear_marks(self) -> None:
        self.marked = []
        self.refresh()

    def action_open(self) -> None:
        if self.current_reference is not None:
            self.post_message(self.Selected(self.current_reference))

    # -- the mouse --------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            label = self._column_at(offset.x)
            if label:
                self.post_message(self.HeaderSelected(label))
            return
        row = int(self.scroll_y) + offset.y - 1
        if row >= len(self.rows):
            return
        if row == self.cursor_row:
            self.action_open()
        else:
            self.move_cursor(row=row)

    def column_span(self, label: str) -> range:
        """The x offsets of the column ``label`` as drawn now."""
        start = 1
        for name, width in zip(COLUMNS, self._widths(), strict=True):
            if name == label:
                return range(start, start + width)
            start += width + GAP if width else 0  # a dropped column takes no room
        raise KeyError(label)

    def _column_at(self, x: int) -> str | None:
        return next((label for label in COLUMNS if label and x in self.column_span(label)), None)

    # -- drawing ----------------------------------------------------------------------------

    def _widths(self) -> list[int]:
        width = self.scrollable_content_region.width
        if self._fitted[0] != width:
            self._fitted = (width, fit(self._natural, width))
        return self._fitted[1]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            strip = self._line(COLUMNS, self.get_component_rich_style("caseload--header"), None)
        else:
            index = int(self.scroll_y) + y - 1
            if index >= len(self.rows):
                return Strip.blank(width, self.rich_style)
            row = self.rows[index]
            if not self.drawn:  # said once the frame is composed (this runs while the screen composes it)
                self.drawn = True
                self.call_later(lambda: self.post_message(self.Drawn()))  # sent by the table: it reaches the app
            style = self.rich_style
            if (self.first + index) % 2:  # by the place in the view: the stripes stay put as the window moves
                style += self.get_component_rich_style("caseload--stripe")
            style += state_style(self.app, row.state)
            if index == self.cursor_row:  # the cursor's colours win; the state's symbol still shows
                style += self.get_component_rich_style("caseload--cursor")
            cells = self._texts[index]
            if self.marked and row.reference in self.marked:  # the mark takes the state's place: its colour stays
                cells = ["✓", *cells[1:]]
            strip = self._line(cells, style, row)
        return strip.crop(0, width).extend_cell_length(width, self.rich_style)

    def _line(self, cells: tuple[str, ...] | list[str], style: Style, row: CaseloadRow | None) -> Strip:
        segments = [Segment(" ", style)]
        gap = Segment(" " * GAP, style)
        for i, (cell, width) in enumerate(zip(cells, self._widths(), strict=True)):
            if not width:  # dropped in a narrow terminal (``fit``)
                continue
            if i:
                segments.append(gap)
            if i == 0 and row is not None and row.persistent:  # the persistent marker stands out: reverse video
                text = clip(cell, width)
                cut = len(row.state.symbol) + 1  # "‼ PR": the P
                segments += [Segment(text[:cut], style), Segment(text[cut:cut + 1], style + Style(reverse=True)),
                             Segment(text[cut + 1:], style)]
            else:
                segments.append(Segment(clip(cell, width), style))
        return Strip(segments)

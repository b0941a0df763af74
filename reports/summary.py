"""The year-end summary in four display formats: terminal (Rich), plain text, Markdown and HTML.

Text is what survives being pasted into an email: fixed-width, box drawing (or ``ascii_only``
for clients that mangle it). HTML carries inline styles only, because email clients drop
style sheets; it pastes with its tables intact.
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from domain.figures import Figures
from domain.headlines import Headline, headlines
from domain.year import FinancialYear
from reports.layout import Shown, chosen, lay_out

if TYPE_CHECKING:
    from rich.console import RenderableType

FORMATS = ("rich", "text", "markdown", "html")


def _shown(now: Figures, before: Figures | None, table_ids: list[str] | None, currency: str = "£") -> list[Shown]:
    tables = chosen(now, table_ids)
    return [lay_out(t, before.table(t.id) if before else None, currency) for t in tables]


def title(y: FinancialYear) -> str:
    """'Year-end figures 2024/25 (…)'; a year in progress says so, and how much of it has passed."""
    if y.complete:
        return f"Year-end figures {y.label} ({y.period})"
    return f"Figures for {y.label} so far ({y.period}, {y.months} of 12 months)"


def heading(now: Figures) -> str:
    t = title(now.year)
    return f"Children's complaints: {t[0].lower()}{t[1:]}"


def note(before: Figures | None) -> str:
    """What the brackets hold: last year, or the same months of it for a year in progress."""
    if before is None:
        return ""
    y = before.year
    if y.complete:
        return f"Figures in brackets are for {y.label}."
    return f"Figures in brackets are for the same months of {y.label} ({y.period})."


#: Arrow colours by what a change means (``Headline.verdict``), not by its direction.
VERDICT_COLOURS = {"good": "green", "bad": "red", "level": "yellow"}


def render_rich(now: Figures, before: Figures | None, table_ids: list[str] | None = None) -> list[RenderableType]:
    """Renderables for a Rich console: heading, summary lines, then one table per figure table."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    out: list[RenderableType] = [Text(heading(now), style="bold")]
    if before is not None:
        out.append(Text(note(before), style="dim"))
    out.append(Text(""))
    for h in headlines(now, before):
        colour = VERDICT_COLOURS.get(h.verdict or "", "")
        line = Text(h.line())
        if colour:
            line.stylize(colour, 0, 1)
        out.append(line)
    for shown in _shown(now, before, table_ids):
        table = Table(title=shown.title, caption=shown.basis, box=box.SIMPLE_HEAD, title_justify="left",
                      caption_justify="left", title_style="bold", caption_style="dim")
        for i, name in enumerate(shown.header):
            table.add_column(name, justify="left" if i == 0 else "right")
        for n, row in enumerate(shown.rows):
            table.add_row(*map(Text, row), style="bold" if n in shown.total_rows else None,
                          end_section=n + 1 in shown.total_rows)
        out.append(Text(""))
        out.append(table)
    return out


def render_text(now: Figures, before: Figures | None, table_ids: list[str] | None = None, *,
                ascii_only: bool = False, width: int = 110) -> str:
    """Plain fixed-width text: box-drawn tables (ASCII with ``ascii_only``), no colour codes."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, legacy_windows=False,
                      emoji=False, highlight=False)
    title = heading(now)
    console.print(title, markup=False)
    console.print("=" * len(title) if ascii_only else "═" * len(title), markup=False)
    if before is not None:
        console.print(note(before), markup=False)
    console.print()
    for h in headlines(now, before):
        console.print(h.line(ascii_only=ascii_only), markup=False)
    for shown in _shown(now, before, table_ids, "GBP " if ascii_only else "£"):
        console.print()
        console.print(shown.title, markup=False)
        console.print(f"({shown.basis})", markup=False)
        table = Table(box=box.ASCII if ascii_only else box.SQUARE, show_edge=True, pad_edge=True)
        for i, name in enumerate(shown.header):
            table.add_column(name, justify="left" if i == 0 else "right", overflow="fold")
        for n, row in enumerate(shown.rows):
            table.add_row(*map(Text, row), end_section=n + 1 in shown.total_rows)
        console.print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_[]|"})


def _md_cell(text: str) -> str:
    """A table cell's text as Markdown shows it literally: HTML escaped (as the HTML format does), and
    the characters that would end the cell, or make emphasis, code or a link, backslashed."""
    return html.escape(text, quote=False).translate(_MARKDOWN)


def render_markdown(now: Figures, before: Figures | None, table_ids: list[str] | None = None) -> str:
    lines = [f"# {html.escape(heading(now), quote=False)}", ""]
    if before is not None:
        lines += [f"_{html.escape(note(before), quote=False)}_", ""]
    lines += [f"- {html.escape(h.line(), quote=False)}" for h in headlines(now, before)]
    for shown in _shown(now, before, table_ids):
        lines += ["", f"## {html.escape(shown.title, quote=False)}", "",
                  f"_{html.escape(shown.basis, quote=False)}_", ""]
        lines.append("| " + " | ".join(_md_cell(h) for h in shown.header) + " |")
        lines.append("|" + "|".join([":---"] + ["---:"] * (len(shown.header) - 1)) + "|")
        for n, row in enumerate(shown.rows):
            cells = [f"**{_md_cell(c)}**" if n in shown.total_rows else _md_cell(c) for c in row]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


_FONT = "font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222"
_TABLE = "border-collapse:collapse;margin:4px 0 18px 0;" + _FONT
_TH = "border:1px solid #999;background:#e8eef4;padding:4px 8px;text-align:{align};font-weight:bold"
_TD = "border:1px solid #bbb;padding:4px 8px;text-align:{align}"
_ARROW_COLOURS = {"good": "#1a7f37", "bad": "#b42318", "level": "#8a6d00"}


def _html_line(h: Headline) -> str:
    arrow = {"up": "&#8593;", "down": "&#8595;", "level": "&#8596;"}.get(h.direction or "", "")
    colour = _ARROW_COLOURS.get(h.verdict or "", "#222")
    text = html.escape(h.line()[2:] if arrow else h.line())
    mark = f'<span style="color:{colour};font-weight:bold">{arrow}</span> ' if arrow else ""
    return f'<li style="margin:2px 0">{mark}{text}</li>'


def render_html(now: Figures, before: Figures | None, table_ids: list[str] | None = None) -> str:
    """An HTML fragment with inline styles, for pasting into an email."""
    parts = [f'<div style="{_FONT}">',
             f'<h2 style="font-size:18px;margin:0 0 4px 0">{html.escape(heading(now))}</h2>']
    if before is not None:
        parts.append(f'<p style="margin:0 0 8px 0;color:#555">{html.escape(note(before))}</p>')
    parts.append('<ul style="margin:0 0 16px 18px;padding:0">')
    parts += [_html_line(h) for h in headlines(now, before)]
    parts.append("</ul>")
    for shown in _shown(now, before, table_ids):
        parts.append(f'<h3 style="font-size:15px;margin:14px 0 2px 0">{html.escape(shown.title)}</h3>')
        parts.append(f'<p style="margin:0 0 4px 0;color:#555;font-size:12px">{html.escape(shown.basis)}</p>')
        parts.append(f'<table style="{_TABLE}">')
        parts.append("<tr>" + "".join(
            f'<th style="{_TH.format(align="left" if i == 0 else "right")}">{html.escape(h)}</th>'
            for i, h in enumerate(shown.header)) + "</tr>")
        for n, row in enumerate(shown.rows):
            weight = ";font-weight:bold;background:#f4f4f4" if n in shown.total_rows else ""
            parts.append("<tr>" + "".join(
                f'<td style="{_TD.format(align="left" if i == 0 else "right")}{weight}">{html.escape(c)}</td>'
                for i, c in enumerate(row)) + "</tr>")
        parts.append("</table>")
    parts.append("</div>")
    return "\n".join(parts) + "\n"


def render(fmt: str, now: Figures, before: Figures | None, table_ids: Iterable[str] | None = None, *,
           ascii_only: bool = False) -> str:
    ids = list(table_ids) if table_ids else None
    if fmt == "text":
        return render_text(now, before, ids, ascii_only=ascii_only)
    if fmt == "markdown":
        return render_markdown(now, before, ids)
    if fmt == "html":
        return render_html(now, before, ids)
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")

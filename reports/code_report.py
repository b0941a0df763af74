"""The Complaint Handling Code's annual report laid out: text, Markdown, HTML and an XLSX workbook.

Stored text (actions, evidence, what was done) is shown harmlessly; a workbook's text cells are never formulas.
"""

from __future__ import annotations

import html
from pathlib import Path

from domain.code_report import Cell, Section
from domain.harmless import shown
from domain.year import FinancialYear
from reports.export import ExportError
from store.db.location import save_owner_only
from store.register.files import text_cell

_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_[]|"})


def heading(year: FinancialYear) -> str:
    return f"Complaint Handling Code: annual report {year.label}"


def _text(cell: Cell) -> str:
    return "" if cell is None else str(cell) if isinstance(cell, int) else shown(cell).replace("\n", " ")


def render_text(year: FinancialYear, sections: list[Section]) -> str:
    title = heading(year)
    out = [title, "=" * len(title)]
    for s in sections:
        rows = [[_text(c) for c in s.header], *([_text(c) for c in r] for r in s.rows)]
        widths = [max(len(r[i]) for r in rows) for i in range(len(s.header))]
        out += ["", s.title, f"({s.basis})"]
        if not s.rows:
            out.append("  none")
            continue
        for n, r in enumerate(rows):
            out.append("  ".join(c.rjust(widths[i]) if i and isinstance((s.rows[n - 1] if n else s.header)[i], int)
                                 else c.ljust(widths[i]) for i, c in enumerate(r)).rstrip())
            if n == 0:
                out.append("  ".join("-" * w for w in widths))
    return "\n".join(out) + "\n"


def render_markdown(year: FinancialYear, sections: list[Section]) -> str:
    def cell(c: Cell) -> str:
        return html.escape(_text(c), quote=False).translate(_MARKDOWN)

    out = [f"# {heading(year)}"]
    for s in sections:
        out += ["", f"## {s.title}", "", f"*{cell(s.basis)}*", ""]
        if not s.rows:
            out.append("None.")
            continue
        out.append("| " + " | ".join(cell(c) for c in s.header) + " |")
        out.append("|" + "|".join("---" for _ in s.header) + "|")
        out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in s.rows]
    return "\n".join(out) + "\n"


def render_html(year: FinancialYear, sections: list[Section]) -> str:
    def cell(c: Cell) -> str:
        return html.escape(_text(c))

    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{html.escape(heading(year))}</title></head><body>", f"<h1>{html.escape(heading(year))}</h1>"]
    for s in sections:
        out += [f"<h2>{cell(s.title)}</h2>", f"<p><em>{cell(s.basis)}</em></p>"]
        if not s.rows:
            out.append("<p>None.</p>")
            continue
        out.append("<table><thead><tr>" + "".join(f"<th>{cell(c)}</th>" for c in s.header) + "</tr></thead><tbody>")
        out += ["<tr>" + "".join(f"<td>{cell(c)}</td>" for c in r) + "</tr>" for r in s.rows]
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render(fmt: str, year: FinancialYear, sections: list[Section]) -> str:
    return {"text": render_text, "markdown": render_markdown, "html": render_html}[fmt](year, sections)


def write_xlsx(year: FinancialYear, sections: list[Section], path: Path) -> list[Path]:
    """A workbook, one sheet per section; numbers as numbers, text as text (never a formula)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for s in sections:
        ws = wb.create_sheet(s.id[:31])
        ws.append([text_cell(ws, shown(s.title))])
        ws.append([text_cell(ws, shown(s.basis))])
        ws.append([])
        ws.append([text_cell(ws, shown(c)) if isinstance(c, str) else c for c in s.header])
        for r in s.rows:
            ws.append([text_cell(ws, shown(c)) if isinstance(c, str) else c for c in r])
    try:
        save_owner_only(path, wb.save)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return [path]

"""Builds the default Word templates in ``letters/templates`` from ``letters.wording`` (python-docx).

    python -m letters.build_templates

Run it after changing the wording, and commit the .docx files: they are what a council copies and edits in
Word. A heading line ("# ...") becomes a Heading 1; a control line ("{%p ...") its own paragraph.
"""

from __future__ import annotations

import sys
from pathlib import Path

from letters.engine import DEFAULTS
from letters.wording import BODIES, paragraphs


def build(name: str, target: Path) -> None:
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    style.paragraph_format.space_after = Pt(5)
    for section in document.sections:  # one page for the usual letter
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin = section.right_margin = Cm(2.2)
    document.core_properties.title = name
    document.core_properties.author = "complaints"
    for line in paragraphs(name):
        if line.startswith("# "):
            document.add_heading(line[2:], level=1)
        else:
            document.add_paragraph(line)
    document.save(str(target))


def main() -> None:
    DEFAULTS.mkdir(exist_ok=True)
    for name in BODIES:
        build(name, DEFAULTS / f"{name}.docx")
        print(DEFAULTS / f"{name}.docx", file=sys.stderr)


if __name__ == "__main__":
    main()

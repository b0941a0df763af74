"""Filling a letter in: the council's Word template (docxtpl: Jinja in a .docx) or a text template (Jinja2),
both in a SANDBOXED environment (``letters.sandbox``: a template cannot call code, import or read files, and the
work it may do is bounded), values escaped for the XML, control characters shown as symbols (a hostile name
cannot become markup, a field code or a template).

Templates are found in the council's folder first (``letters`` beside the settings file), then in the defaults
shipped in ``letters/templates``. ``check`` says which paragraph of a template is wrong.
"""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, UndefinedError, meta
from jinja2.exceptions import SecurityError

from domain.harmless import shown
from domain.letters import FIELDS, LETTERS, LetterError
from letters.sandbox import environment

DEFAULTS = Path(__file__).parent / "templates"
FOLDER_NAME = "letters"
_DOCXTPL_TAG = re.compile(r"([{][{%])([prc]|tr|tc) ")


def in_plain_words(exc: BaseException) -> str:
    """What is wrong with a template that could not be filled in, for a council officer (never "TypeError")."""
    message = str(getattr(exc, "message", None) or exc)
    if isinstance(exc, SecurityError):
        reached = re.search(r"attribute '(\w+)'", message)
        if reached:
            return (f"it tries to access {reached.group(1)!r}, which a letter's template may not use (only the "
                    "letter's fields and plain tags such as {% if %} and {% for %})")
        return f"it asks for {message}, which a letter's template may not do"
    if isinstance(exc, UndefinedError):
        return f"it names a field the letter does not have ({shown(message[:120])})"
    if isinstance(exc, OverflowError | MemoryError | RecursionError):
        return "it asks for more than a letter can hold (a range or a repeat far too long)"
    if isinstance(exc, TypeError | ValueError | ArithmeticError | LookupError):
        return f"it uses a field in a way that cannot work ({shown(message[:120])})"
    return f"it cannot be filled in ({shown(message[:120]) or type(exc).__name__})"


def template_line(exc: BaseException) -> int:
    """The line of the template (a paragraph, as ``check`` joins them) where filling it in failed; 0: unknown."""
    line, trace = int(getattr(exc, "lineno", None) or 0), exc.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == "<template>":  # Jinja puts the template's own lines in the trace
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def council_folder(settings: Path | None) -> Path:
    """The council's own templates folder: ``letters`` beside the settings file."""
    if settings is None:
        from platformdirs import user_config_path

        return user_config_path("complaints") / FOLDER_NAME
    return Path(settings).parent / FOLDER_NAME


def copy_defaults(folder: Path) -> list[Path]:
    """The default templates copied into ``folder`` (made owner-only); one already there is kept."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    copied = []
    for source in sorted(DEFAULTS.glob("*.docx")):
        target = folder / source.name
        if not target.exists():
            shutil.copyfile(source, target)
            target.chmod(0o600)
            copied.append(target)
    return copied


def template_for(name: str, folder: Path | None, suffix: str = ".docx") -> Path | None:
    """The council's template ``name`` if it has one, else the default (None for a text template it lacks)."""
    if folder is not None and (folder / f"{name}{suffix}").is_file():
        return folder / f"{name}{suffix}"
    default = DEFAULTS / f"{name}{suffix}"
    return default if default.is_file() else None


@dataclass(frozen=True)
class Rendered:
    docx: bytes
    text: str
    template: Path


def _paragraph_texts(document: Any) -> list[str]:
    """Every paragraph's text, in order: the body's, its tables' cells', then headers' and footers'."""
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts += [p.text for p in cell.paragraphs]
    for section in document.sections:
        for part in (section.header, section.footer):
            texts += [p.text for p in part.paragraphs]
    return texts


def text_of(docx: bytes) -> str:
    """A filled-in letter's text, one paragraph a line (the body of an email, the terminal's preview)."""
    from docx import Document

    lines = _paragraph_texts(Document(io.BytesIO(docx)))
    text = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text) + "\n"


def render(name: str, fields: dict[str, Any], folder: Path | None) -> Rendered:
    """The letter ``name`` filled in with ``fields``; LetterError saying what is wrong with the template."""
    from docxtpl import DocxTemplate

    path = template_for(name, folder)
    if path is None:
        raise LetterError(f"there is no template {name!r} (complaints letter --list shows them)")
    try:
        template = DocxTemplate(str(path))
        template.init_docx()
        problems = _problems_in(_paragraph_texts(template.docx), "paragraph", None)
    except Exception as exc:  # a damaged .docx: python-docx and lxml raise many kinds
        raise LetterError(f"{path.name} cannot be read as a Word template ({type(exc).__name__})") from None
    if problems:  # as --check says: docxtpl would fill in what it could read, and drop the rest without a word
        raise LetterError(f"{path.name}: {problems[0]} (check it: complaints letter --check)")
    try:
        template.render(fields, jinja_env=environment(autoescape=True), autoescape=True)
        out = io.BytesIO()
        template.save(out)
    except TemplateSyntaxError as exc:
        raise LetterError(f"{path.name}: {exc.message or 'not a template'} (check it: complaints letter "
                          "--check)") from None
    except Exception as exc:  # noqa: BLE001 - a council's template can fail in any way: said in plain words
        raise LetterError(f"{path.name}: {in_plain_words(exc)} (check it: complaints letter --check)") from None
    docx = out.getvalue()
    text_path = template_for(name, folder, ".txt")
    if text_path is not None:  # a council's own wording for the email body
        try:
            text = environment(autoescape=False).from_string(text_path.read_text(encoding="utf-8")).render(fields)
        except TemplateSyntaxError as exc:
            raise LetterError(f"{text_path.name}: {exc.message or 'not a template'}") from None
        except Exception as exc:  # noqa: BLE001 - as the Word template's
            raise LetterError(f"{text_path.name}: {in_plain_words(exc)} (check it: complaints letter --check)"
                              ) from None
    else:
        text = text_of(docx)
    return Rendered(docx, text, path)


def _problems_in(lines: list[str], where: str, sample: dict[str, Any] | None) -> list[str]:
    """A template's paragraphs (or lines) checked: syntax, unknown fields, and a trial fill-in with ``sample``
    (None: none, the letter itself is being filled in)."""
    env = environment(autoescape=False)
    source = "\n".join(_DOCXTPL_TAG.sub(r"\1 ", line) for line in lines)
    try:
        parsed = env.parse(source)
    except TemplateSyntaxError as exc:
        number = exc.lineno or 0
        message = exc.message or "not a template"
        opened = _unclosed(lines) if "end of template" in message else None
        if opened is not None:
            number, tag = opened
            message = f"{{% {tag} %}} is never closed (add {{% end{tag} %}} where it should end)"
        text = lines[number - 1] if 0 < number <= len(lines) else ""
        return [f"{where} {number}: {message}, in {shown(text[:80])!r}"]
    problems = []
    for unknown in sorted(meta.find_undeclared_variables(parsed) - FIELDS):
        number = next((i for i, line in enumerate(lines, start=1) if re.search(rf"\b{re.escape(unknown)}\b", line)),
                      0)
        problems.append(f"{where} {number}: unknown field {unknown!r}")
    if not problems and sample is not None:
        try:
            env.from_string(source).render(sample)
        except UndefinedError as exc:
            message = exc.message or type(exc).__name__
            attribute = re.search(r"no attribute '(\w+)'", message)
            number, field = 0, None
            if attribute:
                pattern = re.compile(rf"([\w.]+)\.{re.escape(attribute.group(1))}\b")
                for number, line in enumerate(lines, start=1):  # noqa: B007 - the line is wanted after
                    found = pattern.search(line)
                    if found:
                        field = found.group(0)
                        break
            problems.append(f"{where} {number}: unknown field {field!r}" if field else f"{where}: {message}")
        except Exception as exc:  # noqa: BLE001 - the sandbox's refusals, and whatever else a template does
            number = template_line(exc)
            problems.append(f"{where} {number}: {in_plain_words(exc)}" if number else
                            f"{where} unknown: {in_plain_words(exc)}")
    return problems


_BLOCK = re.compile(r"\{%-?\s*(\w+)")


def _unclosed(lines: list[str]) -> tuple[int, str] | None:
    """The innermost block tag (if, for, ...) that is opened and never closed: its line and its name."""
    stack: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        for tag in _BLOCK.findall(_DOCXTPL_TAG.sub(r"\1 ", line)):
            if tag in ("if", "for", "macro", "block", "filter", "with", "call", "raw"):
                stack.append((number, tag))
            elif tag.startswith("end") and stack and stack[-1][1] == tag[3:]:
                stack.pop()
    return stack[-1] if stack else None


def check(folder: Path, sample: dict[str, Any]) -> dict[str, list[str]]:
    """Every template in ``folder`` checked: its name -> what is wrong (empty when it is fine)."""
    from docx import Document

    known = {letter.name for letter in LETTERS}
    found: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.docx")) + sorted(folder.glob("*.txt")):
        if path.name.startswith("~$"):  # Word's lock file beside an open document
            continue
        problems = [] if path.stem in known else [f"{path.stem!r} is not one of the letters (--list)"]
        try:
            if path.suffix == ".docx":
                problems += _problems_in(_paragraph_texts(Document(str(path))), "paragraph", sample)
            else:
                problems += _problems_in(path.read_text(encoding="utf-8").splitlines(), "line", sample)
        except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
            problems.append(f"cannot be read ({type(exc).__name__})")
        except Exception as exc:  # a damaged .docx (zip or XML errors)
            problems.append(f"cannot be read as a Word document ({type(exc).__name__})")
        found[path.name] = problems
    return found

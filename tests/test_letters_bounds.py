"""Issue 16's tryout: a council's template could still take all the memory through nested loops. The work a
template may do is bounded (``letters.sandbox``): its loops' turns, its text, and what one string method may make;
said naming the template and the bound, from ``letter --check`` and when a letter is made."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from docx import Document as WordDocument

from domain.config import Config
from domain.letters import LetterError
from letters.sandbox import MOST_OUTPUT, MOST_TURNS, environment
from store.db.database import open_database
from store.lifecycle.service import CaseService
from tests.conftest import TODAY
from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent
NESTED = ("{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}x{% endfor %}{% endfor %}"
          "{% endfor %}")


def _template(path: Path, *paragraphs: str) -> None:
    document = WordDocument()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))


def test_check_names_each_template_and_the_bound_it_passes(tmp_path):
    folder = tmp_path / "letters"
    folder.mkdir()
    _template(folder / "acknowledgement.docx", "Dear reader", NESTED)
    _template(folder / "extension.docx", "{% set ns = namespace(s='ab') %}",
              "{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}")
    _template(folder / "member-reply.docx", "{% for i in range(9000) %}{{ range(100000)|join(',') }}{% endfor %}")
    _template(folder / "stage1-response.docx", "Hello", "{% macro m() %}{% endmacro %}")
    _template(folder / "stage2-declined.docx", "{{ 'x'.center(10 ** 9) }}")
    _template(folder / "stage2-statement.docx", "{% for i in issues %}{{ i.text }}{% endfor %} fine")
    result = run("letter", "--check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "acknowledgement.docx: paragraph 2: it asks for more than 10,000 turns of its loops, which a letter's "
        "template may not do",
        "extension.docx: paragraph 2: it asks for a text longer than 1,000,000 characters, which a letter's template "
        "may not do",
        "member-reply.docx: paragraph unknown: it asks for a letter longer than 1,000,000 characters, which a "
        "letter's template may not do",
        "stage1-response.docx: paragraph 2: it asks for a macro ({% macro %}), which a letter's template may not do",
        "stage2-declined.docx: paragraph 1: it asks for a text longer than 1,000,000 characters, which a letter's "
        "template may not do",
        "stage2-statement.docx: ok"]
    assert result.stderr == "Error: 5 templates of 6 need putting right\n"


def test_making_a_letter_from_nested_loops_over_the_cases_lists_is_refused_naming_it(tmp_path):
    config = Config(user="tester", path=tmp_path / "config.toml")
    folder = tmp_path / "letters"
    folder.mkdir()
    _template(folder / "stage2-statement.docx", "{% for a in issues %}{% for b in issues %}{% for c in issues %}"
              "{{ a.number }}{{ b.number }}{{ c.number }}{% endfor %}{% endfor %}{% endfor %}")
    db = open_database(tmp_path / "p.db", config)
    try:
        svc = CaseService(db, config, today=TODAY)
        ref = svc.log("statutory", date(2026, 11, 2), complainant="Alex Example")
        svc.produce_letter(ref, "stage1-response", "text", record=True, outcome="not_upheld")
        svc.request_stage(ref, 2)
        svc.accept_stage(ref, 2)
        svc.agree_statement(ref, [f"Issue number {i}" for i in range(30)])  # 30 x 30 x 30 = 27,000 turns
        kept = len(svc.case_documents(ref))
        with pytest.raises(LetterError) as caught:
            svc.produce_letter(ref, "stage2-statement", "text")
        assert str(caught.value) == ("stage2-statement.docx: it asks for more than 10,000 turns of its loops, which "
                                     "a letter's template may not do (check it: complaints letter --check)")
        assert len(svc.case_documents(ref)) == kept  # nothing kept
    finally:
        db.close()


@pytest.mark.parametrize("source", [
    "{% for i in [1, 2, 3] %}{{ i }}{{ loop.index }}{% endfor %}", "{{ 'a' ~ 'b' + 'c' }}", "{{ 'x'|center(5) }}",
    "{{ '%d days' % 20 }}", "{{ '{} and {}'.format(1, 2) }}", "{{ ['a', 'b']|join(', ') }}",
    "{{ 'a b'.replace(' ', '-') }}", "{{ '%s!'|format('hi') }}", "{{ 'x' * 5 }}", "{{ 2 ** 10 }}", "{{ 9 ** 64 }}",
    "{{ 3 * 4 * 2 ** 60 }}", "{{ [1, 'a'] * 2 }}", "{{ ('a',) * 3 }}", "{{ [1] + [2] }}", "{{ {'a': [1, 2]} }}",
    "{{ 'a' ~ [1] ~ {'b': 2} }}", "{{ [1, 2]|string|upper }}", "{{ '%s' % ([1],) }}", "{{ [[1], [2]]|join(',') }}"])
def test_what_a_letter_does_is_untouched(source):
    jinja = __import__("jinja2").Environment()
    assert environment(autoescape=False).from_string(source).render() == jinja.from_string(source).render()


def test_the_bounds_are_a_letters_many_times_over():
    assert MOST_TURNS >= 1_000 and MOST_OUTPUT >= 100 * 4_000  # a default letter's Word text is about 4,000


CHILD = textwrap.dedent("""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1024 ** 3, 1024 ** 3))
        from jinja2.exceptions import SecurityError
        from letters.sandbox import environment
        for source in sys.argv[1:]:
            try:
                environment(autoescape=True).from_string(source).render(issues=[{"n": i} for i in range(100)])
            except SecurityError as exc:
                print("refused:", exc)
        """)


def _refused_in_a_child(hostile: list[str], timeout: int = 60) -> list[str]:
    done = subprocess.run([sys.executable, "-c", CHILD, *hostile], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.splitlines()


def test_a_hostile_template_is_refused_within_a_small_memory(tmp_path):
    """In a child held to 1 GB of address space, each hostile template is refused at once (before: minutes of
    work, then all the memory)."""
    hostile = [NESTED, "{% for a in issues %}{% for b in issues %}{% for c in issues %}{{ a.n }}{% endfor %}"
               "{% endfor %}{% endfor %}", "{% set a = 'x' * 100000 %}{{ a|replace('x', a) }}",
               "{% set a = 'x' * 100000 %}{{ a.join(range(100000)|map('string')) }}",
               "{{ '{:>1000000000}'.format(1) }}", "{{ '%*d' % (10 ** 9, 1) }}"]
    assert _refused_in_a_child(hostile) == ["refused: more than 10,000 turns of its loops"] * 2 + [
        "refused: a text longer than 1,000,000 characters"] * 4


POWERS = "{{ (((((9 ** 64) ** 64) ** 64) ** 64) ** 64) }}"
REPEATED = "{{ ['x' * 100000] * 10000 }}"
TOO_BIG = "a number of more than 4,096 bits"
TOO_LONG = "a text longer than 1,000,000 characters"
GROWN = "{% set a = ['x' * 100000] %}{% for i in range(9000) %}{% if a.append(a[0]) %}{% endif %}{% endfor %}"
NESTED_LISTS = ("{% set s = 'x' * 100000 %}{% set a = [s, s, s, s, s, s, s, s, s] %}"
                "{% set b = [a, a, a, a, a, a, a, a, a, a] %}{% set c = [b, b, b, b, b, b, b, b, b, b] %}"
                "{% set d = [c, c, c, c, c, c, c, c, c, c] %}")  # 900 million characters as text, in little memory


def test_chained_powers_and_repeated_lists_are_refused_at_once_within_a_small_memory():
    """The tryout's: each ``**`` was at most 64, but chained they ran for minutes; a list of 10,000 texts of
    100,000 characters was shown whole (2 GB) before the letter's bound applied. Now measured before made."""
    hostile = [POWERS, "{% set n = 2 ** 64 %}{{ " + " * ".join(["n"] * 70) + " }}",
               REPEATED, "{{ ('x' * 100000,) * 100 }}", "{{ ['x' * 100000] * 10 + ['y'] }}",
               GROWN + "{{ a|map('upper')|list|length }}", GROWN + "{{ a }}",
               *(NESTED_LISTS + shown for shown in ("{{ d }}", "{{ d|string }}", "{{ 'a' ~ d }}", "{{ '%s' % (d,) }}",
                                                     "{{ '{}'.format(d) }}", "{{ [d]|join }}", "{{ {'a': d} }}",
                                                     "{{ d|tojson }}", "{{ d|map('upper')|list }}"))]
    assert _refused_in_a_child(hostile, timeout=20) == [f"refused: {TOO_BIG}"] * 2 + [f"refused: {TOO_LONG}"] * 14


def test_check_and_a_letter_refuse_chained_powers_and_repeated_lists_naming_the_template(tmp_path):
    folder = tmp_path / "letters"
    folder.mkdir()
    _template(folder / "acknowledgement.docx", "Dear reader", POWERS)
    _template(folder / "extension.docx", REPEATED)
    result = run("letter", "--check")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        f"acknowledgement.docx: paragraph 2: it asks for {TOO_BIG}, which a letter's template may not do",
        f"extension.docx: paragraph 1: it asks for {TOO_LONG}, which a letter's template may not do"]
    config = Config(user="tester", path=tmp_path / "config.toml")
    db = open_database(tmp_path / "p.db", config)
    try:
        svc = CaseService(db, config, today=TODAY)
        ref = svc.log("statutory", date(2026, 11, 2), complainant="Alex Example")
        for source, bound in ((POWERS, TOO_BIG), (REPEATED, TOO_LONG)):
            _template(folder / "acknowledgement.docx", source)
            with pytest.raises(LetterError) as caught:
                svc.produce_letter(ref, "acknowledgement", "text")
            assert str(caught.value) == (f"acknowledgement.docx: it asks for {bound}, which a letter's template may "
                                         "not do (check it: complaints letter --check)")
    finally:
        db.close()


def test_a_letter_is_never_made_from_a_template_that_check_refuses(tmp_path):
    """The second tryout: an unclosed ``{{`` (which --check names) still made a letter, the council's name and address
    silently gone, and kept it in the case file; ``lipsum(10**6)`` ran for minutes. Both refused, saying why."""
    from store.views.case import case_detail

    folder = tmp_path / "letters"
    folder.mkdir()
    config = Config(user="tester", path=tmp_path / "config.toml")
    db = open_database(tmp_path / "b.db", config)
    try:
        svc = CaseService(db, config, today=TODAY)
        ref = svc.log("statutory", date(2026, 11, 2), complainant="Alex Example")
        for source, said in (("{{ oops ", "paragraph 3: expected token 'end of print statement'"),
                             ("{{ lipsum(10**6) }}", "paragraph 2: unknown field 'lipsum'")):
            _template(folder / "acknowledgement.docx", "Dear reader", source, "{{ council.name }}")
            with pytest.raises(LetterError) as caught:
                svc.produce_letter(ref, "acknowledgement", "text")
            assert str(caught.value).startswith(f"acknowledgement.docx: {said}"), str(caught.value)
            assert str(caught.value).endswith("(check it: complaints letter --check)")
        assert case_detail(db, ref, TODAY, svc.calendar, svc.rules).documents == []  # no letter kept
        assert environment(autoescape=False).globals.get("lipsum") is None
    finally:
        db.close()

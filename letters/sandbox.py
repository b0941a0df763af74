"""The sandbox a council's letter template runs in, with the work it may do bounded.

Jinja's sandbox stops a template calling code or reading files, and keeps ``range`` to 100,000 numbers; it does
not stop a template that works too hard: ``{{ 'a' * 10 ** 10 }}`` took all the memory, and so did three nested
``{% for %}`` over ``range(1000)`` (a thousand million turns). Here, per letter:

- ``*`` makes at most MOST_REPEATED characters or items, ``**`` raises to at most MOST_POWER, and ``+`` and ``~``
  make at most MOST_OUTPUT characters (a text doubled in a loop);
- a whole number made by ``**`` or ``*`` has at most MOST_BITS bits, measured before it is made (each power was
  bounded, but ``(((9 ** 64) ** 64) ** 64) ** 64`` ran for minutes);
- a list, tuple or dict is measured as the text it would become (item by item, without making it) before it is
  repeated, added to, or turned into text (``['x' * 100000] * 10000`` took 2 GB as it was shown), and what a
  letter's ``append`` (and the like) adds to its lists is at most MOST_OUTPUT characters in all;
- the loops turn at most MOST_TURNS times in all, however they nest (each loop's body counts a turn first: the
  code Jinja makes for the template is changed through ``code_generator_class``, its documented way in);
- the letter's text, and any text a tag puts together (``concat``), is at most MOST_OUTPUT characters in all,
  counted as it is made, so a template stops before it holds more than that;
- a string's padding, ``replace``, ``join`` and ``format`` (as methods, as filters and as ``%``) are measured
  before they run: a text over MOST_OUTPUT is refused before it is made;
- a template may not define macros, ``{% call %}`` or ``{% filter %}`` blocks, ``{% set %}`` blocks or recursive
  loops: a letter needs none, and their text is gathered out of the count's sight.

A template over a bound is refused with ``SecurityError`` naming the bound (the engine says which template).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from domain.harmless import shown

#: The most characters (or items) a template's ``*`` may make, and the largest power its ``**`` may raise to: a
#: template's ``{{ 'a' * 10 ** 10 }}`` took all the memory of the machine checking it.
MOST_REPEATED = 100_000
MOST_POWER = 64
#: The most turns of a letter's loops, all of them together (a letter lists a case's issues, findings, actions:
#: tens, never thousands).
MOST_TURNS = 10_000
#: The most characters a letter's text may have (a default letter's Word text, with its markup, is about 4,000).
MOST_OUTPUT = 1_000_000
#: The most bits of a whole number a template makes (a letter's numbers are days, counts and years).
MOST_BITS = 4_096


#: String methods (and filters) that pad a text to a width given as a number.
_PADDING = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "indent", "wordwrap"})
_WIDE = re.compile(r"\d{7,}|\*")  # a width of a million or more in a format, or one given as an argument


def _too_long() -> SecurityError:
    return SecurityError(f"a text longer than {MOST_OUTPUT:,} characters")


def _text_size(value: Any, limit: int = MOST_OUTPUT) -> int:
    """About how many characters ``value`` would be as text (its ``str``), counted without making it: a list,
    tuple, set or dict (or a namespace) item by item, a string by its length; the count stops once past ``limit``."""
    size, stack = 0, [value]
    while stack and size <= limit:  # a list shown many times is counted each time; one that holds itself, past limit
        item = stack.pop()
        if isinstance(item, str):
            size += len(item) + 2
        elif isinstance(item, list | tuple | set | frozenset | dict):
            size += 2 + 2 * len(item)
            stack.extend(item.items() if isinstance(item, dict) else item)
        elif isinstance(getattr(item, "_Namespace__attrs", None), dict):  # jinja's namespace(): its attributes
            stack.append(item._Namespace__attrs)
        else:
            size += len(str(item))
    return size


def _as_text(value: Any) -> Any:
    """``value``, if it is not a list, tuple or dict (or any other value) that would be too long a text."""
    if not isinstance(value, str) and _text_size(value) > MOST_OUTPUT:
        raise _too_long()
    return value


def _too_big() -> SecurityError:
    return SecurityError(f"a number of more than {MOST_BITS:,} bits")


def _measure(name: str, text: str, args: tuple[Any, ...] | list[Any], kwargs: dict[str, Any]) -> None:
    """A string method's (or filter's) call on ``text`` refused before it runs if it would make too long a text."""
    given = (*args, *kwargs.values())
    if name in _PADDING and any(isinstance(n, int) and n > MOST_OUTPUT for n in given):
        raise _too_long()
    if name == "replace" and len(given) >= 2 and isinstance(given[0], str) and isinstance(given[1], str):
        times = text.count(given[0]) if given[0] else len(text) + 1
        if len(text) + times * len(given[1]) > MOST_OUTPUT:
            raise _too_long()
    if name == "join" and given and isinstance(given[0], list | tuple) and \
            len(text) * len(given[0]) + sum(len(i) if isinstance(i, str) else _text_size(i) for i in given[0]) \
            > MOST_OUTPUT:
        raise _too_long()
    if name in ("format", "format_map", "%") and (_WIDE.search(text) or any(
            isinstance(n, int) and n > MOST_OUTPUT for n in given) or sum(map(_text_size, given)) > MOST_OUTPUT):
        raise _too_long()


def _measured(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """A filter measured (``_measure``) before it runs; Jinja's own context argument, if it takes one, kept."""
    skip = 1 if hasattr(original, "jinja_pass_arg") else 0

    @functools.wraps(original)
    def measured(*args: Any, **kwargs: Any) -> Any:
        value, *rest = args[skip:] or ("",)
        if name not in _MEASURED:  # a filter that makes text of its value: the value measured as text first
            _as_text(value)
        elif name == "join":  # value|join(separator): the separator's str.join, on a list (counted) of the items
            value = _listed(value)
            args = (*args[:skip], value, *rest)
            _measure(name, str(kwargs.get("d", rest[0] if rest else "")), [value], {})
        elif name == "format":  # text|format(...): text % (...)
            _measure("%", str(value), rest, kwargs)
        else:
            _measure(name, str(_as_text(value)), rest, kwargs)
        return original(*args, **kwargs)

    return measured


#: Filters measured by ``_measure``; and filters that turn their value into text, which is measured first.
_MEASURED = ("center", "indent", "wordwrap", "replace", "join", "format")
_TEXT_FILTERS = ("string", "e", "escape", "forceescape", "safe", "upper", "lower", "title", "capitalize", "trim",
                 "striptags", "truncate", "wordcount", "urlencode", "urlize", "pprint", "tojson", "xmlattr")


#: The methods that grow a list, dict or set.
_GROWING = frozenset({"append", "extend", "insert", "update", "add", "setdefault"})


def _listed(items: Any) -> Any:
    """Items to join as a list, to be measured (at most MOST_OUTPUT of them: a range is at most 100,000)."""
    if isinstance(items, str | list | tuple) or not hasattr(items, "__iter__"):
        return items
    listed = []
    for item in items:
        listed.append(item)
        if len(listed) > MOST_OUTPUT:
            raise _too_long()
    return listed


class Refused(SecurityError):
    """A tag a letter's template may not use, found as the template is compiled; ``lineno``: where."""

    def __init__(self, message: str, lineno: int) -> None:
        super().__init__(message)
        self.lineno = lineno


class _Generator(CodeGenerator):
    """Jinja's code for a template, with a turn counted at the top of every loop's body."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        if node.recursive:
            raise Refused("a recursive loop (loop(...))", node.lineno)
        turn = nodes.ExprStmt(nodes.Call(nodes.EnvironmentAttribute("turn"), [], [], None, None), lineno=node.lineno)
        turn.set_environment(self.environment)
        turn.node.set_lineno(node.lineno)
        node.body = [turn, *node.body]
        super().visit_For(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        """``a ~ b``: each part measured as text before it is made one (``as_text``), the whole after."""
        parts: list[nodes.Expr] = []
        for part in node.nodes:
            measured = nodes.Call(nodes.EnvironmentAttribute("as_text"), [part], [], None, None, lineno=node.lineno)
            measured.set_environment(self.environment)
            parts.append(measured)
        node.nodes = parts
        self.write("environment.bounded(")
        super().visit_Concat(node, frame)
        self.write(")")

    def visit_Macro(self, node: nodes.Macro, frame: Frame) -> None:
        raise Refused("a macro ({% macro %})", node.lineno)

    def visit_CallBlock(self, node: nodes.CallBlock, frame: Frame) -> None:
        raise Refused("a {% call %} block", node.lineno)

    def visit_FilterBlock(self, node: nodes.FilterBlock, frame: Frame) -> None:
        raise Refused("a {% filter %} block", node.lineno)

    def visit_AssignBlock(self, node: nodes.AssignBlock, frame: Frame) -> None:
        raise Refused("a {% set %} block (set a name to a value instead: {% set x = ... %})", node.lineno)


class Sandbox(SandboxedEnvironment):
    """The sandbox, with the work a template may do kept to what a letter could need. One per letter: it counts
    the letter's turns and text."""

    code_generator_class = _Generator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.turns = 0
        self.output = 0
        self.grown = 0  # the text a letter's appends (and the like) have added to its lists, all together
        for name in (*_MEASURED, *_TEXT_FILTERS):
            self.filters[name] = _measured(name, self.filters[name])
        self.as_text = _as_text
        self.globals.pop("lipsum", None)  # no letter needs filler text, and lipsum(10**6) ran for minutes

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - as Jinja's
        """A call from the template: a string's method measured before it runs, what it made after."""
        method = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        text = getattr(method, "__self__", None)
        if isinstance(text, str):
            name = getattr(method, "__name__", "")
            if name == "join" and args:
                args = (_listed(args[0]), *args[1:])
            _measure(name, text, args, kwargs)
        elif isinstance(text, list | dict | set) and getattr(method, "__name__", "") in _GROWING:
            args = tuple(_listed(a) for a in args)  # a generator's items, to be measured
            __self.grown += sum(map(_text_size, (*args, *kwargs.values())))
            if __self.grown > MOST_OUTPUT:  # a list grown in a loop, then mapped: 900 MB of copies
                raise _too_long()
        return __self.bounded(super().call(__context, __obj, *args, **kwargs))

    def turn(self) -> None:
        """A loop's body begins: one turn more."""
        self.turns += 1
        if self.turns > MOST_TURNS:
            raise SecurityError(f"more than {MOST_TURNS:,} turns of its loops")

    def bounded(self, value: Any) -> Any:
        """``value`` if it is not too long a text (or list) for a letter."""
        if isinstance(value, str | list | tuple) and len(value) > MOST_OUTPUT:
            raise _too_long()
        return value

    def concat(self, parts: Iterable[str]) -> str:
        """The text of a letter (or of a tag), counted as it is made: stopped once the letter's text passes
        MOST_OUTPUT characters."""
        gathered = []
        for part in parts:
            self.output += len(part)
            if self.output > MOST_OUTPUT:
                raise SecurityError(f"a letter longer than {MOST_OUTPUT:,} characters")
            gathered.append(part)
        return "".join(gathered)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > MOST_POWER:
            raise SecurityError(f"a power of more than {MOST_POWER}")
        whole = isinstance(left, int) and isinstance(right, int)
        if whole and operator == "**" and right > 0 and max(abs(left).bit_length(), 1) * right > MOST_BITS:
            raise _too_big()  # measured before it is made: bits of the base times the power
        if whole and operator == "*" and abs(left).bit_length() + abs(right).bit_length() > MOST_BITS:
            raise _too_big()
        if operator == "*":
            times, repeated = (right, left) if isinstance(left, str | list | tuple) else (left, right)
            if isinstance(repeated, str | list | tuple) and isinstance(times, int) and \
                    len(repeated) * times > MOST_REPEATED:
                raise SecurityError(f"a repeat longer than {MOST_REPEATED:,}")
            if isinstance(repeated, list | tuple) and isinstance(times, int) and times > 0 and \
                    _text_size(repeated) * times > MOST_OUTPUT:  # the text it would become
                raise _too_long()
        if operator == "%" and isinstance(left, str):
            _measure("%", left, right if isinstance(right, tuple) else (right,), {})
        sized = isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple)
        if operator == "+" and sized and len(left) + len(right) > MOST_OUTPUT:  # measured before it is made
            raise _too_long()
        if operator == "+" and sized and not isinstance(left, str) and \
                _text_size(left) + _text_size(right) > MOST_OUTPUT:
            raise _too_long()
        return super().call_binop(context, operator, left, right)


def _finalize(value: Any) -> Any:
    """A value shown in the letter: a text made harmless; a list or dict measured before it is made text."""
    return shown(value, lines=True) if isinstance(value, str) else _as_text(value)


def environment(*, autoescape: bool) -> Sandbox:
    """The one template environment: sandboxed, bounded, strict (an unknown field is an error, never a blank)."""
    return Sandbox(autoescape=autoescape, undefined=StrictUndefined, finalize=_finalize, keep_trailing_newline=True)

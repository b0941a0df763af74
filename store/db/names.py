"""Matching people by name: the one normalisation every part of the store uses (no database needed)."""

from __future__ import annotations

import re
from collections.abc import Collection

from domain.limits import NAME

_NOT_WORDS = re.compile(r"[^\w]+")


def name_key(name: str) -> str:
    """A person's name normalised for matching: case, spacing and punctuation ignored; no longer than a
    name may be (case-folding can lengthen one: ß is ss)."""
    return _NOT_WORDS.sub(" ", name.casefold()).strip()[:NAME]


def name_words(name: str) -> list[str]:
    """The words of a name as written (case kept), without the spaces and punctuation between them."""
    return [w for w in _NOT_WORDS.split(name) if w]


def mentions(text: str | None, keys: Collection[str]) -> bool:
    """Whether ``text`` names anyone of ``keys`` (name keys) as whole words, however spaced or written.

    "Sam Example" is mentioned in "Phoned SAM  EXAMPLE's school", not in "Samuel Example".
    """
    if not text or not keys:
        return False
    words = name_key(text).split()
    lengths = {len(k.split()) for k in keys}
    return any(" ".join(words[i:i + n]) in keys for n in lengths for i in range(len(words) - n + 1))

"""Matching people by name: the one normalisation every part of the store uses (no database needed)."""

from __future__ import annotations

import re

from domain.limits import NAME

_NOT_WORDS = re.compile(r"[^\w]+")


def name_key(name: str) -> str:
    """A person's name normalised for matching: case, spacing and punctuation ignored; no longer than a
    name may be (case-folding can lengthen one: ß is ss)."""
    return _NOT_WORDS.sub(" ", name.casefold()).strip()[:NAME]

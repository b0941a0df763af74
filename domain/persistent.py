"""The persistent-complaints procedure's words: the warning an officer sees when logging a new case."""

from __future__ import annotations

from datetime import date


def persistent_warning(name: str, since: date | None, contact: str | None, arrangements: str | None) -> str:
    """What logging a case for someone under the procedure says at once (it never blocks the save)."""
    started = f" since {since:%d/%m/%Y}" if since else ""
    return (f"{name} is under the persistent-complaints procedure{started}: single point of contact "
            f"{contact or '(none recorded)'}, arrangements {arrangements or '(none recorded)'}")

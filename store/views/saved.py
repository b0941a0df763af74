"""A user's own views of the caseload: a view, the text searched and a sort, saved under a name on a key of their
own (slots 1-9), by login. The only writes of ``store.views``: a user's preference, never a case (no event)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from domain import limits
from domain.errors import ComplaintsError
from store.db.database import Database
from store.db.models import SavedView
from store.views.caseload import SORTS, VIEW_BY_ID

SLOTS = 9


class NoSuchView(ComplaintsError):
    """No saved view on that key."""


@dataclass(frozen=True)
class Saved:
    slot: int
    name: str
    view: str
    text: str
    sort: str


def saved_views(db: Database, login: str) -> list[Saved]:
    """The user's saved views, by slot."""
    with db.read() as session:
        rows = session.exec(select(SavedView).where(SavedView.login == login).order_by(col(SavedView.slot)))
        return [Saved(r.slot, r.name, r.view, r.text, r.sort) for r in rows]


def describe(view: str, text: str, sort: str) -> str:
    """A saved view's first name: what it shows ("Overdue · “fostering” · by received")."""
    parts = [VIEW_BY_ID[view].name] + ([f"“{text.strip()}”"] if text.strip() else []) + [f"by {sort}"]
    return " · ".join(parts)[:120]


def save_view(db: Database, login: str, view: str, text: str, sort: str, name: str | None = None) -> Saved:
    """Save a view on the first free slot; ComplaintsError when all nine are taken."""
    if view not in VIEW_BY_ID or sort not in SORTS:
        raise ComplaintsError(f"no view {view!r} sorted by {sort!r}")
    text = limits.check_text(text.strip(), 200) if text.strip() else ""
    name = limits.check_text(name, 120) if name else describe(view, text, sort)
    with db.write() as session:
        taken = set(session.exec(select(SavedView.slot).where(SavedView.login == login)))
        free = [n for n in range(1, SLOTS + 1) if n not in taken]
        if not free:
            raise ComplaintsError(f"all {SLOTS} keys of saved views are taken: delete one first (ctrl+p)")
        session.add(SavedView(login=login, slot=free[0], name=name, view=view, text=text, sort=sort))
    return Saved(free[0], name, view, text, sort)


def rename_view(db: Database, login: str, slot: int, name: str) -> None:
    name = limits.check_text(name.strip(), 120)
    if not name:
        raise ComplaintsError("a saved view needs a name")
    with db.write() as session:
        _one(session, login, slot).name = name


def delete_view(db: Database, login: str, slot: int) -> None:
    with db.write() as session:
        session.delete(_one(session, login, slot))


def _one(session: Session, login: str, slot: int) -> SavedView:
    found = session.exec(select(SavedView).where(SavedView.login == login, SavedView.slot == slot)).first()
    if found is None:
        raise NoSuchView(f"no saved view on key {slot}")
    return found

"""Keeping the council's lists: add, rename, retire and restore themes, teams, service areas, officers
and independent people. Every change is an event in the audit trail.

Cases point at list entries by id, so a rename shows everywhere at once, in past years' figures
too: that is what tidying a list means. Nothing is ever deleted, because cases still point at it;
a retired entry stays on every case that has it but cannot be given to new work.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, select

from domain.timescales import RuleError
from domain.vocab import IndependentRole, parse_choice
from store.db.models import IndependentPerson, Officer, ServiceArea, Team, Theme
from store.lifecycle.base import ServiceBase, same_name

#: The lists, by the name officers use for them.
LISTS: dict[str, Any] = {"theme": Theme, "service area": ServiceArea, "team": Team, "officer": Officer,
                         "independent person": IndependentPerson}


def _list(kind: str) -> tuple[str, Any]:
    kind = kind.strip().lower().replace("_", " ")
    if kind not in LISTS:
        raise RuleError(f"{kind!r} is not a list: one of {', '.join(LISTS)}")
    return kind, LISTS[kind]


class ListEditMixin(ServiceBase):
    def add_to_list(self, kind: str, name: str, *, service_area: str | None = None, username: str | None = None,
                    email: str | None = None, if_new: bool = False) -> str:
        """Add a theme, service area, team (in its service area) or officer to the council's lists: "added".

        An officer already on the list, given a login, is linked to it ("linked"): "My cases" then shows a
        newcomer their work. ``if_new``: a name already on the list is left as it is, not refused ("kept": a
        form's save tried again after the store refused the case it was adding the name for)."""
        kind, model = _list(kind)
        if model is IndependentPerson:
            raise RuleError("add an independent person with their roles (add_independent_person)")
        if not name or not name.strip():
            raise RuleError(f"a {kind} needs a name")
        name = name.strip()
        with self._writing() as session:
            same = same_name(session, model, name)
            login = (username or "").strip() or None
            if login and kind == "officer":
                owner = session.exec(select(Officer).where(Officer.username == login)).first()
                if owner is not None and owner is not same:
                    raise RuleError(f"the login {login} already belongs to another officer ({owner.name})")
                if same is not None and same.username != login:
                    self._event(session, None, "officer login linked", same.name, same.username, login)
                    same.username = login
                    return "linked"
            if same is not None and if_new:
                return "kept"
            if same is not None:
                raise RuleError(f"{same.name} is already on the list of {kind}s")
            row = model(name=name)
            if kind == "team" and service_area:
                row.service_area_id = self._named(session, ServiceArea, service_area, for_new_work=True).id
            if kind == "officer":
                row.username, row.email = login, (email or "").strip() or None
            session.add(row)
            self._event(session, None, f"{kind} added", None, None, name)
            return "added"

    def add_independent_person(self, name: str, roles: Iterable[str], organisation: str | None = None) -> None:
        try:
            values = sorted({str(parse_choice(IndependentRole, r, "role").value) for r in roles})
        except ValueError as exc:
            raise RuleError(str(exc)) from None
        if not name.strip() or not values:
            raise RuleError("an independent person needs a name and at least one role")
        with self._writing() as session:
            same = same_name(session, IndependentPerson, name.strip())
            if same is not None:
                raise RuleError(f"{same.name} is already in the pool")
            session.add(IndependentPerson(name=name.strip(), roles=",".join(values), organisation=organisation))
            self._event(session, None, "independent person added", None, None, ",".join(values))

    def rename_in_list(self, kind: str, name: str, new_name: str) -> None:
        """Rename an entry of a list; every case that has it shows the new name."""
        kind, model = _list(kind)
        new_name = (new_name or "").strip()
        if not new_name:
            raise RuleError(f"the {kind} needs a new name")
        with self._writing() as session:
            row = self._entry(session, kind, model, name)
            if new_name == row.name:
                raise RuleError(f"{row.name} already has that name")
            same = same_name(session, model, new_name)
            if same is not None and same.id != row.id:  # "delays" to "Delays" is a rename of the same entry
                raise RuleError(f"{same.name} is already on the list of {kind}s")
            old, row.name = row.name, new_name
            self._event(session, None, f"{kind} renamed", "name", old, new_name)

    def retire_from_list(self, kind: str, name: str, *, restore: bool = False) -> None:
        """Retire an entry (it stays on its cases but cannot be given to new work), or restore it."""
        kind, model = _list(kind)
        with self._writing() as session:
            row = self._entry(session, kind, model, name)
            if row.active == restore:
                raise RuleError(f"{row.name} is {'not retired' if restore else 'already retired'}")
            row.active = restore
            self._event(session, None, f"{kind} {'restored' if restore else 'retired'}", None, None, row.name)

    def _entry(self, session: Session, kind: str, model: Any, name: str) -> Any:
        row = session.exec(select(model).where(model.name == (name or "").strip())).first()
        if row is None:
            raise RuleError(f"{(name or '').strip()!r} is not on the list of {kind}s")
        return row

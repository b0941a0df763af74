"""Roles on a team's PostgreSQL server: the server, not each officer's settings file, says who may do what.

When the server has the roles ``complaints_officer``, ``complaints_manager`` and ``complaints_auditor``
(README, "For a team"), the login's membership decides its role, and the login name is the name
written in the audit trail: an officer cannot make themselves a manager by editing their own settings.
The grants behind the roles make an auditor's connection read-only in the server itself. Without those
roles (SQLite, or a server nobody set up for a team), roles come from the settings file. The
database's owner, who creates and upgrades the tables, counts as a manager.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.errors import ComplaintsError
from domain.vocab import Role

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

#: The server roles, most powerful first: a login in several gets the first.
SERVER_ROLES = (("complaints_manager", Role.MANAGER), ("complaints_auditor", Role.AUDITOR),
                ("complaints_officer", Role.OFFICER))


class NoServerRole(ComplaintsError):
    """The server has the complaints roles, but the login is in none of them."""


@dataclass(frozen=True)
class Identity:
    """Who the server says the user is."""

    user: str
    role: Role


def server_identity(engine: Engine) -> Identity | None:
    """The login and its role from role membership, or None where the server has no complaints roles."""
    import sqlalchemy as sa

    names = [name for name, _ in SERVER_ROLES]
    with engine.connect() as conn:
        present = set(conn.execute(sa.text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"),
                                   {"names": names}).scalars())
        if not present:
            return None
        user = str(conn.execute(sa.text("SELECT session_user")).scalar())
        owner = conn.execute(sa.text("SELECT pg_has_role(session_user, datdba, 'MEMBER') FROM pg_database "
                                     "WHERE datname = current_database()")).scalar()
        if owner:  # the tables' owner (and a superuser) can do anything in the database anyway
            return Identity(user, Role.MANAGER)
        for name, role in SERVER_ROLES:
            if name in present and conn.execute(sa.text("SELECT pg_has_role(session_user, :r, 'MEMBER')"),
                                                {"r": name}).scalar():
                return Identity(user, role)
    raise NoServerRole(f"the login {user!r} has no complaints role on this server: ask whoever runs it to "
                       f"GRANT complaints_officer (or complaints_manager, complaints_auditor) TO {user}")

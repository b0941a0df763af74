"""What a form offers to choose that is neither a fixed vocabulary nor a council list: another case (to merge
into or link to), a case linked to this one (to unlink), and a case's own learning actions and notes, each as its
value and a few words saying which it is.

A few rows at a time (``CHOICES``, a LIMIT in the SQL), never a whole table: with nothing typed, the cases of the
same complainant and then the newest; as a reference or a name is typed, the references that start so and the
cases the search index finds (``store.views.search``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from store.db.sql import fetch
from store.db.values import day
from store.views.search import matching

CHOICES = 20


@dataclass(frozen=True)
class Choice:
    """One entry of a form's list: what the field stores (a reference, an action's number) and what it is."""

    value: str
    said: str


def other_cases(connection: Any, reference: str, typed: str, *, limit: int = CHOICES,
                placeholder: str = "?") -> list[Choice]:
    """Cases other than ``reference`` that ``typed`` may mean, best first, at most ``limit``."""
    cursor = connection.cursor()
    me = fetch(cursor, 'SELECT id, person_id FROM "case" WHERE reference = :ref', {"ref": reference.strip()},
               placeholder)
    own, person = (me[0]["id"], me[0]["person_id"]) if me else (None, None)
    text = typed.strip()
    ids: list[int] = []
    same: set[int] = set()
    if text:
        start = text.upper()
        ids += [r["id"] for r in fetch(cursor, 'SELECT id FROM "case" WHERE reference >= :lo AND reference < :hi '
                                       "ORDER BY reference DESC LIMIT :n",
                                       {"lo": start, "hi": start + "\uffff", "n": limit + 1}, placeholder)]
        ids += [case_id for case_id, _ in matching(connection, text, limit + 1, placeholder)]
    else:
        if person is not None:
            same = {r["id"] for r in fetch(cursor, 'SELECT id FROM "case" WHERE person_id = :p ORDER BY id DESC '
                                           "LIMIT :n", {"p": person, "n": limit + 1}, placeholder)}
            ids += sorted(same, reverse=True)
        ids += [r["id"] for r in fetch(cursor, 'SELECT id FROM "case" ORDER BY id DESC LIMIT :n', {"n": limit + 1},
                                       placeholder)]
    chosen = [i for i in dict.fromkeys(ids) if i != own][:limit]
    if not chosen:
        return []
    marks = ", ".join(f":c{n}" for n in range(len(chosen)))
    rows = {r["id"]: r for r in fetch(cursor, f"""SELECT c.id, c.reference, c.kind, c.received, p.name
        FROM "case" c LEFT JOIN person p ON p.id = c.person_id WHERE c.id IN ({marks})""",
                                      {f"c{n}": i for n, i in enumerate(chosen)}, placeholder)}
    said = []
    for case_id in chosen:
        row = rows.get(case_id)
        if row is not None:
            said.append(_case(row, "the same complainant" if case_id in same else None))
    return said


def _case(row: dict[str, Any], whose: str | None = None) -> Choice:
    """A case as a list offers it: its reference, then its complainant, kind and when it was received."""
    received = day(row["received"])
    return Choice(row["reference"], ", ".join(w for w in (
        row["name"] or "no complainant", row["kind"].replace("_", " "),
        f"received {received:%d/%m/%Y}" if received else None, whose) if w))


def open_actions(connection: Any, reference: str, *, limit: int = 100, placeholder: str = "?") -> list[Choice]:
    """The learning actions of the case ``reference`` not yet done, by number, with what each is."""
    rows = fetch(connection.cursor(), """SELECT a.id, a.description, a.owner, a.due FROM learning_action a
        JOIN "case" c ON c.id = a.case_id WHERE c.reference = :ref AND a.done IS NULL ORDER BY a.id LIMIT :n""",
                 {"ref": reference.strip(), "n": limit}, placeholder)
    choices = []
    for row in rows:
        due = day(row["due"])
        extra = ", ".join(w for w in (row["owner"], f"due {due:%d/%m/%Y}" if due else None) if w)
        choices.append(Choice(str(row["id"]), row["description"] + (f" ({extra})" if extra else "")))
    return choices


def linked(connection: Any, reference: str, *, limit: int = 100, placeholder: str = "?") -> list[Choice]:
    """The cases linked to ``reference``, either way (a link made here, or the register's ``linked_case_id``),
    oldest first, with what each is: what "Unlink a case" chooses from."""
    rows = fetch(connection.cursor(), """SELECT o.reference, o.kind, o.received, p.name FROM "case" c
        JOIN "case" o ON o.id <> c.id AND (o.id = c.linked_case_id OR o.linked_case_id = c.id OR EXISTS (
            SELECT 1 FROM case_link l WHERE (l.case_id = c.id AND l.other_id = o.id)
                                         OR (l.case_id = o.id AND l.other_id = c.id)))
        LEFT JOIN person p ON p.id = o.person_id
        WHERE c.reference = :ref ORDER BY o.received, o.id LIMIT :n""", {"ref": reference.strip(), "n": limit},
                 placeholder)
    return [_case(row) for row in rows]


def notes(connection: Any, reference: str, *, limit: int = 100, placeholder: str = "?") -> list[Choice]:
    """The case's notes, newest contact first (at most ``limit``), by number, with when, what and its first words:
    what "Edit a note" chooses from."""
    rows = fetch(connection.cursor(), """SELECT n.id, n.contact_at, n.kind, substr(n.text, 1, 60) AS start
        FROM note n JOIN "case" c ON c.id = n.case_id WHERE c.reference = :ref
        ORDER BY n.contact_at DESC, n.id DESC LIMIT :n""", {"ref": reference.strip(), "n": limit}, placeholder)
    said = []
    for row in rows:
        when = day(row["contact_at"])
        said.append(Choice(str(row["id"]), f"{when:%d/%m/%Y}, {row['kind']}: {' '.join((row['start'] or '').split())}"))
    return said

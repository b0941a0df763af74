"""Rows as JSON and back, exactly: what a merge removes is kept whole in its ``MergeRecord``, so that undoing
the merge puts the same rows back, with the same ids (dates, times, money and bytes each by their column's type).
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session


def _out(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _in(column: sa.Column[Any], value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, sa.Date):
        return date.fromisoformat(value)
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return Decimal(value)
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode(value)
    return value


def table_of(model: Any) -> sa.Table:
    table = model.__table__
    assert isinstance(table, sa.Table)
    return table


def snapshot(session: Session, model: Any, where: Any) -> list[dict[str, Any]]:
    """Every row of ``model`` matching ``where``, whole, as JSON-ready values, in id order where there is one."""
    table = table_of(model)
    query = sa.select(table).where(where)
    if "id" in table.c:
        query = query.order_by(table.c.id)
    return [{k: _out(v) for k, v in row._mapping.items()} for row in session.execute(query)]


def restore(session: Session, model: Any, rows: list[dict[str, Any]], fresh: dict[str, dict[int, int]] | None = None,
            refs: dict[str, str] | None = None) -> dict[int, int]:
    """Insert ``rows`` (from ``snapshot``) as they were, ids and all (plain inserts: a case keeps its version).

    An id taken since (SQLite gives the largest id again once it is deleted) is given a new one; returns those,
    old id -> new. ``refs``: a column naming another table's row (``{"case_id": "case"}``), changed where
    ``fresh[that table]`` gave that row a new id."""
    table = table_of(model)
    given: dict[int, int] = {}
    for row in rows:
        values = {k: _in(table.c[k], v) for k, v in row.items()}
        for column, other in (refs or {}).items():
            values[column] = (fresh or {}).get(other, {}).get(values[column], values[column])
        if "id" in table.c and session.execute(sa.select(table.c.id).where(table.c.id == values["id"])).first():
            old = values.pop("id")
            done: Any = session.execute(sa.insert(table).values(**values))
            given[old] = int(done.inserted_primary_key[0])
        else:
            session.execute(sa.insert(table).values(**values))
    return given


def typed(model: Any, row: dict[str, Any]) -> dict[str, Any]:
    """A row from ``snapshot`` as column values, its id aside (to put a changed row back as it was)."""
    table = table_of(model)
    return {k: _in(table.c[k], v) for k, v in row.items() if k != "id"}


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def loads(text: str) -> dict[str, Any]:
    value = json.loads(text)
    assert isinstance(value, dict)
    return value

"""Hand-written SQL in one style: named parameters (``:name``, given as a dict) and rows read by column name.

The reads that skip SQLAlchemy (the CLI's summary, due list and export start sooner without importing it) run
on a DB-API cursor: sqlite3 reads ``:name`` itself, and is given dates as ISO text (as SQLAlchemy stores
them); psycopg is given the statement with ``%(name)s`` written for each name, and dates as dates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

_NAMED = re.compile(r"(?<![:\w]):(\w+)")  # :name, not a PostgreSQL cast (::date) nor a time (12:30)


def for_driver(sql: str, placeholder: str) -> str:
    """``sql`` written with ``:name`` parameters, in the paramstyle of the driver whose placeholder is given."""
    return sql if placeholder == "?" else _NAMED.sub(r"%(\1)s", sql)


def driver_params(params: Mapping[str, Any], placeholder: str) -> dict[str, Any]:
    """The parameters as the driver takes them: dates as ISO text for sqlite3."""
    if placeholder != "?":
        return dict(params)
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}


def execute(cursor: Any, sql: str, params: Mapping[str, Any], placeholder: str) -> Any:
    """Run ``sql`` with named ``params`` on a DB-API cursor; the cursor, to read from."""
    cursor.execute(for_driver(sql, placeholder), driver_params(params, placeholder))
    return cursor


def mappings(cursor: Any) -> list[dict[str, Any]]:
    """The rest of the cursor's rows, each as column name -> value (name a computed column with AS)."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def fetch(cursor: Any, sql: str, params: Mapping[str, Any], placeholder: str) -> list[dict[str, Any]]:
    """``execute`` and ``mappings`` in one."""
    return mappings(execute(cursor, sql, params, placeholder))

"""Reading values back from a DB-API row, whichever driver wrote them.

SQLite hands back dates as ISO text and money as a REAL; PostgreSQL as ``date`` and ``Decimal``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any


def day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def money(value: Any) -> Decimal | None:
    """Exact pence (a REAL's shortest text is the amount that was stored)."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))

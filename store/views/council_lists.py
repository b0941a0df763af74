"""The council's own lists, as the settings screen shows them: themes, teams, areas, people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class CouncilLists:
    """Each entry with whether it is in use (False: retired)."""

    themes: list[tuple[str, bool, int]]  # name, active, complaints carrying it
    areas: list[tuple[tuple[str, bool], list[tuple[str, bool]]]]  # service area, its teams
    officers: list[tuple[str, bool, str | None]]  # name, active, login
    independent: list[tuple[str, bool, str, str | None]]  # name, active, roles, organisation


def council_lists(connection: Any) -> CouncilLists:
    cursor = connection.cursor()

    def rows(sql: str) -> list[Any]:
        cursor.execute(sql)
        return cursor.fetchall()

    themes = [(n, bool(a), c) for n, a, c in rows(
        "SELECT t.name, t.active, count(ct.case_id) FROM theme t LEFT JOIN case_theme ct ON ct.theme_id = t.id "
        "GROUP BY t.id, t.name, t.active ORDER BY t.name")]
    teams: dict[tuple[str, bool], list[tuple[str, bool]]] = {}
    for area, area_active, team, active in rows(
            "SELECT a.name, a.active, t.name, t.active FROM service_area a "
            "LEFT JOIN team t ON t.service_area_id = a.id ORDER BY a.name, t.name"):
        teams.setdefault((area, bool(area_active)), [])
        if team:
            teams[area, bool(area_active)].append((team, bool(active)))
    loose = [(t, bool(a)) for t, a in rows("SELECT name, active FROM team WHERE service_area_id IS NULL ORDER BY name")]
    areas = list(teams.items()) + ([(("(no service area)", True), loose)] if loose else [])
    officers = [(n, bool(a), u) for n, a, u in rows("SELECT name, active, username FROM officer ORDER BY name")]
    independent = [(n, bool(a), r.replace(",", ", ").replace("_", " "), o) for n, a, r, o in
                   rows("SELECT name, active, roles, organisation FROM independent_person ORDER BY name")]
    return CouncilLists(themes, areas, officers, independent)


def officer_of(connection: Any, login: str, placeholder: str = "?") -> str | None:
    """The officer whose login (or name) is ``login``: whose work "My cases" shows; None if no one's."""
    cursor = connection.cursor()
    cursor.execute(f"SELECT name FROM officer WHERE username = {placeholder} OR name = {placeholder} "
                   "ORDER BY username IS NULL LIMIT 1", (login, login))
    row = cursor.fetchone()
    return str(row[0]) if row else None

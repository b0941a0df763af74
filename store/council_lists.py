"""The council's own lists, as the settings screen shows them: themes, teams, areas, people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class CouncilLists:
    themes: list[tuple[str, int]]  # name, complaints carrying it
    areas: list[tuple[str, list[str]]]  # service area, its teams
    officers: list[tuple[str, str | None]]  # name, login
    independent: list[tuple[str, str, str | None]]  # name, roles, organisation


def council_lists(connection: Any) -> CouncilLists:
    cursor = connection.cursor()

    def rows(sql: str) -> list[Any]:
        cursor.execute(sql)
        return cursor.fetchall()

    themes = [(n, c) for n, c in rows("SELECT t.name, count(ct.case_id) FROM theme t LEFT JOIN case_theme ct "
                                      "ON ct.theme_id = t.id GROUP BY t.id, t.name ORDER BY t.name")]
    teams: dict[str, list[str]] = {}
    for area, team in rows("SELECT a.name, t.name FROM service_area a LEFT JOIN team t ON t.service_area_id = a.id "
                           "ORDER BY a.name, t.name"):
        teams.setdefault(area, [])
        if team:
            teams[area].append(team)
    loose = [t for (t,) in rows("SELECT name FROM team WHERE service_area_id IS NULL ORDER BY name")]
    areas = list(teams.items()) + ([("(no service area)", loose)] if loose else [])
    officers = [(n, u) for n, u in rows("SELECT name, username FROM officer ORDER BY name")]
    independent = [(n, r.replace(",", ", ").replace("_", " "), o) for n, r, o in
                   rows("SELECT name, roles, organisation FROM independent_person ORDER BY name")]
    return CouncilLists(themes, areas, officers, independent)

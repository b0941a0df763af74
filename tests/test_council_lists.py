"""Keeping the council's lists: rename and retire entries, every change in the audit trail."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import col, select

from domain.timescales import RuleError
from store.db.models import Event, Theme
from store.register.importer import RegisterImport
from store.views.case import case_detail

NOV_2 = date(2026, 11, 2)


def list_events(service) -> list[tuple[str, str | None, str | None, str | None]]:
    with service.db.read() as session:
        return [(e.action, e.detail, e.old, e.new) for e in session.exec(
            select(Event).where(col(Event.case_id).is_(None)).order_by(col(Event.id)))]


def detail(service, reference: str):
    return case_detail(service.db, reference, service.today(), service.calendar, service.rules)


def themes_of(service, reference: str) -> list[str]:
    return list(detail(service, reference).themes)


def test_a_renamed_theme_shows_on_every_case_and_the_rename_is_logged(service):
    first = service.log("statutory", NOV_2, complainant="Ann Example", themes=["Comms"])
    second = service.log("concern", NOV_2, complainant="Bob Example", themes=["Comms", "Delays"])
    service.rename_in_list("theme", "Comms", "Poor communication")
    assert themes_of(service, first) == ["Poor communication"]
    assert sorted(themes_of(service, second)) == ["Delays", "Poor communication"]
    assert list_events(service)[-1] == ("theme renamed", "name", "Comms", "Poor communication")


@pytest.mark.parametrize(("kind", "name", "new", "message"), [
    ("theme", "Nope", "Other", "'Nope' is not on the list of themes"),
    ("theme", "Delays", "Comms", "Comms is already on the list of themes"),
    ("theme", "Delays", "COMMS", "Comms is already on the list of themes"),  # letter case aside
    ("theme", "Delays", " ", "the theme needs a new name"),
    ("colour", "Delays", "Red", "'colour' is not a list: one of theme, service area, team, officer, "
                                "independent person"),
])
def test_a_rename_that_cannot_be_done_says_why_and_changes_nothing(service, kind, name, new, message):
    service.log("statutory", NOV_2, complainant="Ann Example", themes=["Delays", "Comms"])
    before = list_events(service)
    with pytest.raises(RuleError) as refused:
        service.rename_in_list(kind, name, new)
    assert str(refused.value) == message
    assert list_events(service) == before


def test_a_name_already_on_a_list_but_for_letter_case_is_refused_and_a_case_only_rename_is_not(service):
    service.log("statutory", NOV_2, complainant="Ann Example", themes=["Delays"])
    with pytest.raises(RuleError) as refused:
        service.add_to_list("theme", "delays")
    assert str(refused.value) == "Delays is already on the list of themes"
    service.add_independent_person("Pat Reviewer", ["investigating_officer"])
    with pytest.raises(RuleError, match="Pat Reviewer is already in the pool"):
        service.add_independent_person("pat reviewer", ["investigating_officer"])
    service.rename_in_list("theme", "Delays", "DELAYS")
    assert list_events(service)[-1] == ("theme renamed", "name", "Delays", "DELAYS")


def test_a_retired_team_stays_on_its_cases_but_new_work_cannot_have_it(service):
    old = service.log("statutory", NOV_2, complainant="Ann Example", team="Leaving Care")
    service.retire_from_list("team", "Leaving Care")
    assert detail(service, old).team == "Leaving Care"
    with pytest.raises(RuleError) as refused:
        service.log("statutory", NOV_2, complainant="Bob Example", team="Leaving Care")
    assert str(refused.value) == ("Leaving Care was retired from the teams: restore it in Settings, or choose "
                                  "another")
    with pytest.raises(RuleError, match="already retired"):
        service.retire_from_list("team", "Leaving Care")
    service.retire_from_list("team", "Leaving Care", restore=True)
    service.log("statutory", NOV_2, complainant="Bob Example", team="Leaving Care")
    assert [e[0] for e in list_events(service)][-2:] == ["team retired", "team restored"]


def test_a_register_of_past_years_may_still_name_a_retired_theme(service, config, tmp_path):
    service.log("statutory", NOV_2, complainant="Ann Example", themes=["Transport"])
    service.retire_from_list("theme", "Transport")
    register = tmp_path / "old.csv"
    register.write_text("reference,kind,received,themes\nCS-OLD-1,statutory,01/05/2019,Transport\n")
    result = RegisterImport(service.db, config, today=service.today()).import_file(register)
    assert result.created == ["CS-OLD-1"]
    with service.db.read() as session:
        assert [t.name for t in session.exec(select(Theme))] == ["Transport"]  # the same, still retired


def test_a_name_in_another_letter_case_is_the_listed_one_however_the_case_arrives(service, config, tmp_path):
    """One rule for a form (or the CLI) and an import: "delays" is the listed "Delays", never a second theme."""
    first = service.log("statutory", NOV_2, complainant="Ann Example", themes=["Delays"], team="Leaving Care")
    logged = service.log("statutory", NOV_2, complainant="Bob Example", themes=["DELAYS"], team="leaving care")
    register = tmp_path / "r.csv"
    register.write_text("reference,kind,received,themes,team\n"
                        "CS-OLD-1,statutory,01/05/2019,delays;Transport,LEAVING CARE\n"
                        "CS-OLD-2,statutory,01/05/2019,transport,Leaving care\n")
    result = RegisterImport(service.db, config, today=service.today()).import_file(register)
    assert result.created == ["CS-OLD-1", "CS-OLD-2"] and result.new_names["themes"] == ["Transport"]
    with service.db.read() as session:
        assert sorted(t.name for t in session.exec(select(Theme))) == ["Delays", "Transport"]
    assert themes_of(service, logged) == themes_of(service, first) == ["Delays"]
    assert detail(service, logged).team == detail(service, "CS-OLD-1").team == "Leaving Care"
    assert sorted(themes_of(service, "CS-OLD-1")) == ["Delays", "Transport"]
    register.write_text("reference,kind,received,themes,team\n"  # spelt otherwise again: nothing changes
                        "CS-OLD-2,statutory,01/05/2019,TRANSPORT,leaving CARE\n")
    again = RegisterImport(service.db, config, today=service.today()).import_file(register)
    assert (again.created, again.updated, again.unchanged) == ([], {}, 1)


def test_a_retired_independent_person_cannot_be_assigned(service):
    service.add_independent_person("Ira Investigator", ["investigating_officer"])
    service.retire_from_list("independent_person", "Ira Investigator")
    ref = service.log("statutory", date(2026, 9, 1), complainant="Ann Example")
    service.respond(ref, "not_upheld", date(2026, 9, 10))
    service.request_stage(ref, 2, date(2026, 9, 15))
    with pytest.raises(RuleError, match="Ira Investigator was retired from the pool"):
        service.assign(ref, "Ira Investigator", "investigating_officer", date(2026, 9, 16))

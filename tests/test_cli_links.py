"""`complaints link`, `merge`, `unmerge` and `undo`: exact output, the store's refusals, examples in the help."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

import cli
from domain.config import Config
from store.db.database import open_database
from store.lifecycle.service import CaseService
from store.views.case import case_detail

runner = CliRunner()
TODAY = date(2026, 11, 22)


def run(*args, config=None):
    env = {"COMPLAINTS_TODAY": "2026-11-22"}
    if config is not None:
        env["COMPLAINTS_CONFIG"] = str(config)
    return runner.invoke(cli.app, list(args), env=env)


@pytest.fixture
def cases(tmp_path):
    path = tmp_path / "c.db"
    (tmp_path / "officer.toml").write_text('[user]\nname = "olu"\n')
    (tmp_path / "boss.toml").write_text('[user]\nname = "boss"\n[roles]\nmanagers = ["boss"]\n')
    config = Config(user="olu")
    db = open_database(path, config)
    svc = CaseService(db, config, today=TODAY)
    refs = [svc.log("statutory", date(2026, 11, 2), complainant="Ann Example"),
            svc.log("statutory", date(2026, 11, 3), complainant="Ann Example"),
            svc.log("corporate", date(2026, 11, 4), complainant="A. Example")]
    db.close()
    return str(path), refs, tmp_path / "officer.toml", tmp_path / "boss.toml"


def detail(path: str, reference: str):
    db = open_database(path, Config())
    try:
        return case_detail(db, reference, TODAY, Config().calendar(), Config().rules)
    finally:
        db.close()


def test_link_and_unlink(cases):
    path, (a, b, c), officer, _ = cases
    result = run("link", a, c, "--reason", "same family", "--db", path, config=officer)
    assert (result.exit_code, result.output) == (0, f"{a} and {c} linked\n")
    assert [r[0] for r in detail(path, c).case_links] == [a]
    result = run("link", a, c, "--db", path, config=officer)
    assert (result.exit_code, result.output) == (1, f"Error: {a} and {c} are already linked\n")
    result = run("link", c, a, "--remove", "--db", path, config=officer)
    assert (result.exit_code, result.output) == (0, f"{c} and {a} unlinked\n")


def test_merge_and_unmerge_a_duplicate_case(cases):
    path, (a, b, _), officer, boss = cases
    result = run("merge", b, a, "--reason", "logged twice", "--db", path, config=officer)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "manager" in result.output
    result = run("merge", b, a, "--reason", "logged twice", "--db", path, config=boss)
    assert (result.exit_code, result.output) == (0, f"{b} merged into {a} (merge 1; undo it with: "
                                                    "complaints unmerge 1)\n")
    result = run("unmerge", "1", "--reason", "separate after all", "--db", path, config=boss)
    assert (result.exit_code, result.output) == (0, f"merge 1 undone: {b} is back, apart from {a}\n")
    assert detail(path, b).events[-1][2] == "merge undone"
    result = run("unmerge", "1", "--db", path, config=boss)
    assert result.exit_code == 1 and "already undone" in result.output


def test_merge_the_complainants_of_two_cases(cases):
    path, (a, _, c), _, boss = cases
    result = run("merge", c, a, "--complainant", "--reason", "same person", "--db", path, config=boss)
    assert (result.exit_code, result.output) == (
        0, f"the complainant of {c} merged into the complainant of {a} (merge 1; undo it with: complaints unmerge 1)\n")
    assert detail(path, c).person.name == "Ann Example"
    assert run("unmerge", "1", "--db", path, config=boss).exit_code == 0
    assert detail(path, c).person.name == "A. Example"


def test_undo_your_own_last_change_and_the_refusals(cases):
    path, (a, b, _), officer, boss = cases
    run("link", a, b, "--db", path, config=officer)
    result = run("undo", a, "--db", path, config=officer)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"undone: your last change to {a}: linked {b}, ")
    assert detail(path, a).case_links == []
    result = run("undo", a, "--db", path, config=officer)
    assert result.exit_code == 1 and "was an undo" in result.output
    run("link", a, b, "--db", path, config=boss)
    result = run("undo", a, "--db", path, config=officer)
    assert result.exit_code == 1 and result.output.startswith(f"Error: boss changed the case since: linked {b}")


@pytest.mark.parametrize("command", ["link", "merge", "unmerge", "undo"])
def test_help_has_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0 and "Example: complaints " + command in result.output

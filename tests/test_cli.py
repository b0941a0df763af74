"""The command line: exact output, help with examples everywhere, and no Textual on the CLI path."""

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from store.db.database import open_database
from store.lifecycle.service import CaseService

runner = CliRunner()
README = (Path(cli.__file__).parent / "README.md").read_text(encoding="utf-8")


def run(*args, **env):
    return runner.invoke(cli.app, list(args), env={"COMPLAINTS_TODAY": "2026-11-22", **env})


@pytest.fixture
def small_db(tmp_path, config):
    path = tmp_path / "c.db"
    db = open_database(path, config)
    svc = CaseService(db, config, today=date(2026, 11, 22))
    svc.log("statutory", date(2026, 11, 2), complainant="Alex Example", officer="Sam Patel")
    late = svc.log("corporate", date(2026, 11, 10), complainant="Bo Sample", officer="Kim Lee")
    svc.acknowledge(late, date(2026, 11, 10))
    svc.log("concern", date(2026, 10, 1), complainant="Cy Test")
    svc.close("CN-2026-00001", date(2026, 10, 5))
    db.close()
    return str(path)


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and result.output == "complaints 0.1.0\n"


def test_config_path_honours_the_environment(tmp_path):
    result = run("config", "--path", COMPLAINTS_CONFIG=str(tmp_path / "c.toml"))
    assert result.output == f"{tmp_path / 'c.toml'}\n"


def test_due_text_is_exact(small_db):
    result = run("due", "--db", small_db)
    assert result.exit_code == 0, result.output
    assert result.output == (  # grouped by officer, each line within 100 columns for an email
        "2 overdue and 1 due within 2 working days, as of Sunday 22 November 2026\n"
        "\n"
        "Kim Lee\n"
        "═══════\n"
        "Deadlines: 0 overdue, 1 due within 2 working days\n"
        "   REFERENCE      KIND       STAGE    COMPLAINANT  DUE         DAYS\n"
        "!  CC-2026-00001  Corporate  Stage 1  Bo Sample    24/11/2026  2 left\n"
        "\n"
        "Sam Patel\n"
        "═════════\n"
        "Deadlines: 2 overdue, 0 due within 2 working days\n"
        "   REFERENCE      KIND       STAGE            COMPLAINANT   DUE         DAYS\n"
        "‼  CS-2026-00001  Statutory  Acknowledgement  Alex Example  04/11/2026  12 over\n"
        "‼  CS-2026-00001  Statutory  Stage 1          Alex Example  16/11/2026  4 over\n"
        "\n"
        "‼ overdue   ! due within 2 working days   ~ relaxed timescale\n"
        "DAYS: working days over or left   [P]: under the persistent-complaints procedure\n"
    )


def test_due_for_one_officer_in_ascii_is_exact(small_db):
    result = run("due", "--db", small_db, "--officer", "sam", "--ascii")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "2 overdue and 0 due within 2 working days for Sam Patel, as of Sunday 22 November 2026\n"
        "\n"
        "Sam Patel\n"
        "=========\n"
        "Deadlines: 2 overdue, 0 due within 2 working days\n"
        "    REFERENCE      KIND       STAGE            COMPLAINANT   DUE         DAYS\n"
        "!!  CS-2026-00001  Statutory  Acknowledgement  Alex Example  04/11/2026  12 over\n"
        "!!  CS-2026-00001  Statutory  Stage 1          Alex Example  16/11/2026  4 over\n"
        "\n"
        "!! overdue   ! due within 2 working days   ~ relaxed timescale\n"
        "DAYS: working days over or left   [P]: under the persistent-complaints procedure\n"
    )
    assert result.output.isascii()


def test_due_json_and_officer_filter(small_db):
    result = run("due", "--db", small_db, "--format", "json", "--officer", "kim lee", "--within", "0")
    data = json.loads(result.output)
    assert data["items"] == []
    result = run("due", "--db", small_db, "--format", "json", "--officer", "Kim Lee")
    assert [(i["reference"], i["state"], i["working_days_left"]) for i in json.loads(result.output)["items"]] == [
        ("CC-2026-00001", "due_soon", 2)]


def test_options_before_the_command_reach_it_and_its_own_win(small_db):
    due = run("--db", small_db, "due")
    assert due.exit_code == 0 and due.output == run("due", "--db", small_db).output
    assert due.output.startswith("2 overdue and 1 due within 2 working days, as of Sunday 22 November 2026\n")
    for command in (["summary", "--year", "2026", "--format", "text"], ["export", "--year", "2026"]):
        before = run("--db", small_db, *command)
        assert before.exit_code == 0 and before.output == run(*command, "--db", small_db).output
        assert "2026/27" in before.output
    # --today before the command beats COMPLAINTS_TODAY; the command's own --today beats both
    assert run("--today", "2026-11-24", "due", "--db", small_db).output.startswith(
        "2 overdue and 1 due within 2 working days, as of Tuesday 24 November 2026\n")
    assert run("--today", "2026-11-24", "due", "--today", "2026-11-23", "--db", small_db).output.startswith(
        "2 overdue and 1 due within 2 working days, as of Monday 23 November 2026\n")


def test_a_bad_date_before_the_command_is_an_error(small_db):
    result = run("--today", "2026-13-01", "due", "--db", small_db)
    assert (result.exit_code, result.output) == (1, "Error: --today '2026-13-01' is not a date like 2026-11-22\n")


def test_an_option_before_a_command_that_does_not_take_it_is_refused(small_db):
    result = run("--today", "2026-11-22", "history", "CS-2026-00001", "--db", small_db)
    assert (result.exit_code, result.output) == (2, "Error: history does not take --today\n")
    result = run("--db", small_db, "config", "--path")
    assert (result.exit_code, result.output) == (2, "Error: config does not take --db\n")


def _no_database(path, hint):
    return (f"Error: there is no database at {path}; nothing was created. Create it by opening the caseload "
            f"(complaints{hint}), or with invented cases to try things on (complaints demo{hint}).\n")


READERS = [["due"], ["summary"], ["export"], ["export", "--register"], ["history", "CS-2026-00001"],
           ["person", "Alex Example", "--export", "{out}"], ["retention"],
           ["correct", "CS-2026-00001", "received", "2026-11-01"], ["delete", "CS-2026-00001", "--reason", "dup"],
           ["copy", "--to", "{out}"]]


@pytest.mark.parametrize("before", [False, True], ids=["--db after", "--db before"])
@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c[:2]))
def test_commands_that_read_refuse_a_missing_database_and_create_nothing(tmp_path, command, before):
    missing = tmp_path / "nowhere" / "x.db"
    args = [a.format(out=tmp_path / "out") for a in command]
    result = run("--db", str(missing), *args) if before else run(*args, "--db", str(missing))
    assert (result.exit_code, result.output) == (1, _no_database(missing, f" --db {missing}"))
    assert not missing.parent.exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [["due"], ["summary"], ["history", "CS-2026-00001"]])
def test_the_default_database_missing_is_refused_too(tmp_path, command):
    default = tmp_path / "data" / "complaints" / "complaints.db"  # XDG_DATA_HOME is tmp_path/data (conftest)
    result = run(*command)
    assert (result.exit_code, result.output) == (1, _no_database(default, ""))
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("command", [["migrate"], ["demo", "--cases", "5"]])
def test_commands_that_write_create_a_missing_database_with_its_folder(tmp_path, command):
    after, before = tmp_path / "a" / "x.db", tmp_path / "b" / "x.db"
    assert run(*command, "--db", str(after)).exit_code == 0
    assert run("--db", str(before), *command).exit_code == 0
    assert after.is_file() and before.is_file()
    assert run("due", "--db", str(before)).exit_code == 0


def test_an_unknown_officer_is_an_error_that_lists_the_officers(small_db):
    result = run("due", "--db", small_db, "--officer", "Nobody Here")
    assert (result.exit_code, result.output) == (
        1, "Error: --officer: no officer has the name or login 'Nobody Here'. The officers are Kim Lee and "
           "Sam Patel\n")
    import sqlite3

    with sqlite3.connect(small_db) as conn:  # a long list is cut short: 40 names, the rest counted
        conn.executemany("INSERT INTO officer (name, active) VALUES (?, 1)", [(f"Officer {n:02}",) for n in range(45)])
    conn.close()
    result = run("due", "--db", small_db, "--officer", "Nobody Here")
    assert result.output.endswith(", Officer 38 and 7 more\n")


def test_a_first_name_names_the_officer_when_only_one_has_it(small_db, config):
    result = run("due", "--db", small_db, "--officer", "Kim")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 overdue and 1 due within 2 working days for Kim Lee, as of Sunday")
    assert "CC-2026-00001" in result.output and "CS-2026-00001" not in result.output
    db = open_database(small_db, config)
    CaseService(db, config, today=date(2026, 11, 22)).log("statutory", date(2026, 11, 3), complainant="Di Sample",
                                                          officer="Sam Jones")
    db.close()
    result = run("due", "--db", small_db, "--officer", "sam")
    assert (result.exit_code, result.output) == (
        1, "Error: --officer: 'sam' could be Sam Jones or Sam Patel: give more of the name\n")
    assert run("due", "--db", small_db, "--officer", "sam p").output.startswith(
        "2 overdue and 0 due within 2 working days for Sam Patel,")


def test_due_names_officers_alike_on_both_databases(database_url, config):
    db = open_database(database_url, config)
    CaseService(db, config, today=date(2026, 11, 22)).log("statutory", date(2026, 11, 3), complainant="Di Sample",
                                                          officer="Kim Lee")
    db.close()
    result = run("due", "--db", database_url, "--officer", "KIM")
    assert result.exit_code == 0 and "for Kim Lee," in result.output and "CS-2026-00001" in result.output
    result = run("due", "--db", database_url, "--officer", "Lee")
    assert (result.exit_code, result.output) == (
        1, "Error: --officer: no officer has the name or login 'Lee'. The only officer is Kim Lee\n")


@pytest.mark.parametrize(("within", "words"), [("5", "5 working days"), ("1", "1 working day")])
def test_the_legend_follows_within(small_db, within, words):
    result = run("due", "--db", small_db, "--within", within)
    assert result.output.endswith(f"\n\n‼ overdue   ! due within {words}   ~ relaxed timescale\n"
                                  "DAYS: working days over or left   [P]: under the persistent-complaints procedure\n")


def test_bad_input_gets_a_clear_message_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    result = run("due", "--db", str(bad))
    assert result.exit_code == 1 and "is not a complaints database" in result.output
    assert "Traceback" not in result.output
    assert "is not a date" in run("due", "--today", "22/11/2026").output
    assert run("due", "--within", "-1").exit_code == 2


def test_demo_is_deterministic_and_refuses_a_database_with_cases(tmp_path, small_db):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    assert run("demo", "--db", str(a), "--cases", "300", "--seed", "4").exit_code == 0
    assert run("demo", "--db", str(b), "--cases", "300", "--seed", "4").exit_code == 0
    dump = ["SELECT reference, kind, received, channel FROM \"case\" ORDER BY id",
            "SELECT number, requested, responded, outcome, due FROM stage ORDER BY id"]
    import sqlite3
    for q in dump:
        assert sqlite3.connect(a).execute(q).fetchall() == sqlite3.connect(b).execute(q).fetchall()
    result = run("demo", "--db", small_db)
    assert result.exit_code == 1 and "already holds cases" in result.output


def test_every_command_has_help_with_an_example():
    import typer.main

    group = typer.main.get_command(cli.app)
    for name in [None, *group.commands]:
        args = [name, "--help"] if name else ["--help"]
        result = run(*args)
        assert result.exit_code == 0 and "Example:" in result.output, name


@pytest.mark.parametrize("command", [["due"], ["summary", "--year", "2026", "--format", "text"]])
def test_the_cli_never_imports_textual_and_due_and_summary_stay_light(small_db, command):
    code = (f"import sys, cli; sys.argv=['complaints',*{command!r},'--db',{small_db!r},'--today','2026-11-22']\n"
            "try: cli.main()\nexcept SystemExit: pass\n"
            "print(sorted(m for m in ('textual','sqlalchemy','holidays','alembic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_the_readme_names_the_commands_that_take_today():
    import typer.main

    sentence = re.search(r"take `--today YYYY-MM-DD`[^:]*: (.*?)\.", README, re.S)
    assert sentence, "the README says which commands take --today"
    named = set(re.findall(r"`([\w-]+)`", sentence.group(1)))
    group = typer.main.get_command(cli.app)
    takes = {name for name, command in group.commands.items() if any(p.name == "today" for p in command.params)}
    assert named == takes | {"complaints"}


def test_the_readme_cron_line_works_in_crons_bare_environment(tmp_path, config):
    line = re.search(r"```cron\n(.*)\n```", README).group(1)
    program, digest = line.split(None, 5)[5].split("|")[0].split(None, 1)
    assert Path(program).is_absolute() and Path(program).name == "complaints"
    installed = Path(sys.executable).parent / "complaints"  # this virtual environment's, as the README says
    assert installed.is_file()
    home = tmp_path / "home"
    home.mkdir()

    def cron():  # what cron gives a job: HOME, LOGNAME, SHELL and PATH=/usr/bin:/bin, nothing else
        env = {"HOME": str(home), "LOGNAME": "officer", "SHELL": "/bin/sh", "PATH": "/usr/bin:/bin"}
        return subprocess.run(["/bin/sh", "-c", f"{installed} {digest}"], env=env, capture_output=True, text=True)

    default = home / ".local" / "share" / "complaints" / "complaints.db"
    missing = cron()
    assert (missing.returncode, missing.stdout) == (1, _no_database(default, ""))
    assert not (home / ".local").exists()
    db = open_database(default, config)
    CaseService(db, config).log("statutory", date(2024, 1, 8), complainant="Alex Example", officer="Sam Patel")
    db.close()
    found = cron()
    assert found.returncode == 0, found.stdout
    assert found.stdout.startswith("2 overdue and 0 due within 3 working days, as of ")
    assert "CS-2024-00001" in found.stdout


def test_due_on_a_database_that_never_held_a_case_says_so(tmp_path, config):
    """Having only looked at the demo, a new user's real database is empty: cron must not mail a bare
    'Nothing is due' from it every morning without a word."""
    path = tmp_path / "empty.db"
    open_database(path, config).close()
    result = run("due", "--db", str(path))
    assert result.exit_code == 0 and result.stdout.endswith("Nothing is due.\n")
    assert result.stderr == (f"Note: {path} holds no cases at all: is it the database you meant? "
                             "(--db PATH, or COMPLAINTS_DB)\n")

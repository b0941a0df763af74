"""Team mode: the README's server set-up run as written on a fresh PostgreSQL server, then each role at work.

The server is this test module's own: the complaints roles are server-wide, and would change who
the other tests' connections are.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from domain.config import Config
from domain.timescales import RuleError
from domain.vocab import Role
from store.database import StoreError, open_database
from store.service import CaseService
from store.team_roles import Identity
from tests.conftest import no_server
from tests.postgres import Server, server_binaries

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)
SERVER_IN_README = "@db.council.example/complaints"


@pytest.fixture(scope="module")
def bare_server():
    bin_dir = server_binaries()
    if bin_dir is None:
        no_server()
    assert bin_dir is not None
    running = Server(bin_dir)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def server(bare_server, tmp_path_factory):
    """The server after the README's set-up, run as written."""
    run_setup_as_written(bare_server, tmp_path_factory.mktemp("setup"))
    return bare_server


def readme_blocks(section: str) -> list[list[str]]:
    """The ```sh blocks of one README section, as lists of lines."""
    text = (ROOT / "README.md").read_text()
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return [block.strip().splitlines() for block in re.findall(r"```sh\n(.*?)```", body, re.S)]


def url(server: Server, login: str) -> str:
    return f"postgresql+psycopg://{login}@/complaints?host={server.root}"


def run_setup_as_written(server: Server, tmp_path: Path) -> None:
    """Each line of the README's set-up block: the superuser's lines as that user, then complaints migrate."""
    script = Path(sys.executable).with_name("complaints")
    env = {**os.environ, "PGHOST": str(server.root), "PGUSER": "complaints",  # the test server's superuser
           "COMPLAINTS_CONFIG": str(tmp_path / "none.toml")}
    for line in readme_blocks("For a team")[0]:
        if line.startswith("sudo -u postgres "):
            command = line.removeprefix("sudo -u postgres ")
        else:
            assert line.startswith("complaints ") and SERVER_IN_README in line, line
            command = f"{script} {line.removeprefix('complaints ')}".replace(
                SERVER_IN_README, f"@/complaints?host={server.root}")
        done = subprocess.run(command, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{line}\n{done.stderr}"
    assert done.stdout.endswith(": tables at schema 0002, the newest this version knows\n")


def service(server: Server, login: str, config: Config) -> CaseService:
    return CaseService(open_database(url(server, login), config), config, today=TODAY)


def test_the_readme_set_up_works_and_the_server_decides_each_role(server):
    # each login's own settings say she is a manager called "the boss": the server's roles win
    claims = Config(user="the boss", managers=frozenset({"the boss", "alice", "carl"}))

    alice = service(server, "alice", claims)
    assert alice.db.identity == Identity("alice", Role.OFFICER)
    ref = alice.log("statutory", date(2026, 11, 2), complainant="Alex Example", summary="Calls not returned")
    alice.respond(ref, "upheld", date(2026, 11, 13))
    with pytest.raises(RuleError, match="needs the manager role"):
        alice.correct_date(ref, "stage1_responded", date(2026, 11, 16), reason="posted late")
    with pytest.raises(RuleError, match="deleting a case needs the manager role"):
        alice.delete_case(ref, reason="duplicate")

    bina = service(server, "bina", claims)
    assert bina.db.identity == Identity("bina", Role.MANAGER)
    bina.correct_date(ref, "stage1_responded", date(2026, 11, 16), reason="posted late")
    spare = bina.log("corporate", date(2026, 11, 3), complainant="Bo Sample")
    bina.delete_case(spare, reason="entered twice")

    carl = service(server, "carl", claims)
    assert carl.db.identity == Identity("carl", Role.AUDITOR)
    with carl.db.read() as session:
        who = session.execute(sa.text("SELECT who, action FROM event ORDER BY id")).all()
    assert [tuple(r) for r in who] == [("alice", "logged"), ("alice", "responded"), ("bina", "date corrected"),
                                       ("bina", "deleted")]  # the deleted case's own history went with it
    with pytest.raises(RuleError, match="the auditor role can read everything and change nothing"):
        carl.log("statutory", date(2026, 11, 4), complainant="Cy Test")
    with carl.db.engine.begin() as conn, pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
        conn.execute(sa.text("UPDATE \"case\" SET summary = 'changed behind the tool'"))  # the server refuses too

    for svc in (alice, bina, carl):
        svc.db.close()

    subprocess.run(["psql", "-h", str(server.root), "-U", "complaints", "-c", "CREATE ROLE dave LOGIN",
                    "complaints"], check=True, capture_output=True)
    with pytest.raises(StoreError, match="permission denied for database"):  # a login in no role cannot even look
        open_database(url(server, "dave"), claims)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed: the two-officer test needs it")
def test_two_officers_in_two_terminals_the_second_save_shows_the_conflict(server, tmp_path):
    alice = service(server, "alice", Config())
    ref = alice.log("statutory", date(2026, 11, 16), complainant="Dana Example", summary="Two officers, one case")
    alice.db.close()
    sessions = {}
    for login in ("alice", "bina"):
        sessions[login] = name = f"complaints-{login}-{os.getpid()}"
        env = (f"COMPLAINTS_CONFIG={tmp_path / 'none.toml'} COMPLAINTS_TODAY=2026-11-22 "
               f"COMPLAINTS_DB='{url(server, login)}'")
        subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                        f"cd {ROOT} && {env} {Path(sys.executable).with_name('complaints')}"], check=True)
    try:
        for login, name in sessions.items():  # both open the case before either saves
            wait_for(name, f"{login} (")
            keys(name, "/")
            wait_for(name, "Filter: reference")
            keys(name, "-l", ref)
            wait_for(name, f"matching “{ref}”")
            keys(name, "Enter")
            time.sleep(0.3)
            keys(name, "Enter")
            wait_for(name, f"{ref} · Statutory Stage 1 · Acknowledgement due")  # its earliest deadline
        for name in sessions.values():
            keys(name, "x")
            wait_for(name, f"Extend · {ref}")
        keys(sessions["alice"], "C-s")
        wait_for(sessions["alice"], "extended")
        keys(sessions["bina"], "C-s")
        shown = wait_for(sessions["bina"], f"{ref} was changed by alice (extended")
        assert "nothing was saved" in " ".join(shown.split())
    finally:
        for name in sessions.values():
            subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    auditor = open_database(url(server, "carl"), Config())
    with auditor.read() as session:
        events = session.execute(sa.text("SELECT e.who, e.action FROM event e JOIN \"case\" c ON c.id = e.case_id "
                                         "WHERE c.reference = :r ORDER BY e.id"), {"r": ref}).all()
    auditor.close()
    assert [tuple(e) for e in events] == [("alice", "logged"), ("alice", "extended")]


def screen(name: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-t", name, "-p"], capture_output=True, text=True).stdout


def keys(name: str, *sent: str) -> None:
    subprocess.run(["tmux", "send-keys", "-t", name, *sent], check=True)


def wait_for(name: str, text: str, timeout: float = 20) -> str:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        shown = screen(name)
        if text in shown or text in " ".join(shown.split()):
            return shown
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared in {name}; the screen was:\n{screen(name)}")


@pytest.mark.parametrize("ci", ["1", ""])
def test_missing_server_binaries_skip_here_and_fail_in_ci(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    outcome = pytest.fail.Exception if ci else pytest.skip.Exception
    with pytest.raises(outcome, match="no PostgreSQL server binaries"):
        no_server()
    assert "export CI=1" in (ROOT / ".ci" / "run").read_text()

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
from store.db.database import StoreError, open_database
from store.db.team_roles import Identity
from store.housekeeping.privacy import Retention
from store.lifecycle.service import CaseService
from store.views.search import search
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
    assert done.stdout.endswith(": tables at schema 0009, the newest this version knows\n")


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


ALL, WRITERS = ("alice", "bina", "carl"), ("alice", "carl")  # officer, manager, auditor; the officer and auditor
#: Each statement a login must not run on the team server, and the logins the server refuses it to.
FORBIDDEN = [
    ("UPDATE event SET who = 'someone else'", ALL),
    ("UPDATE event SET old = NULL, new = NULL, reason = NULL", ALL),
    ("DELETE FROM event", ALL),
    ("DELETE FROM event WHERE case_id = :case", ALL),
    ("TRUNCATE event", ALL),
    ("UPDATE alembic_version SET version_num = '9999'", ALL),
    ("DELETE FROM alembic_version", ALL),
    ("INSERT INTO alembic_version VALUES ('9999')", ALL),
    ("TRUNCATE alembic_version", ALL),
    ("UPDATE setting SET value = 'moved'", WRITERS),
    ("DELETE FROM setting", WRITERS),
    ("INSERT INTO setting VALUES ('moved', 'moved')", WRITERS),
    ("UPDATE non_working_day SET day = '1999-12-31' WHERE day = (SELECT min(day) FROM non_working_day)", WRITERS),
    ("DELETE FROM non_working_day", WRITERS),
    ("INSERT INTO non_working_day VALUES ('2026-12-01', 'a closure nobody agreed')", WRITERS),
    ('DELETE FROM "case" WHERE id = :case', WRITERS),
    ("SELECT complaints_anonymise_events(CAST(ARRAY[:case] AS bigint[]), 'quietly')", WRITERS),
    ("SELECT complaints_forget_deleted_events((SELECT coalesce(array_agg(id), '{}') FROM event "
     "WHERE case_id IS NULL AND action = 'deleted'), 'quietly')", WRITERS),
]


def as_login(server: Server, login: str, statement: str, params: dict[str, object]) -> str | None:
    """Run one statement as ``login`` and roll it back: the server's refusal, or None when it ran."""
    engine = sa.create_engine(url(server, login))
    try:
        with engine.connect() as conn:
            try:
                conn.execute(sa.text(statement), params)
            except sa.exc.DBAPIError as exc:
                return str(exc.orig).splitlines()[0]
            finally:
                conn.rollback()
        return None
    finally:
        engine.dispose()


def guarded_tables(server: Server) -> list[list[tuple[object, ...]]]:
    """What the forbidden statements would change, as the owner sees it."""
    engine = sa.create_engine(url(server, "complaints_admin"))
    with engine.connect() as conn:
        rows = [[tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {t} ORDER BY 1"))]
                for t in ("event", "alembic_version", "setting", "non_working_day", '"case"')]
    engine.dispose()
    return rows


def test_role_matrix_no_login_touches_the_audit_trail_and_only_managers_the_calendar_and_deletes(server):
    alice = service(server, "alice", Config())
    ref = alice.log("statutory", date(2026, 11, 5), complainant="Eve Example", summary="Letters unanswered")
    alice.respond(ref, "not upheld", date(2026, 11, 12))
    alice.db.close()
    before = guarded_tables(server)
    assert before[0] and before[2] and before[3]  # events, the calendar's settings and days are there to change
    case = next(row[0] for row in before[4] if row[1] == ref)

    for statement, refused_to in FORBIDDEN:
        for login in ALL:
            said = as_login(server, login, statement, {"case": case})
            if login in refused_to:
                assert said is not None and said.startswith("permission denied"), (login, statement, said)
            else:  # a manager may write the calendar and delete a case (rolled back here)
                assert said is None or "violates foreign key constraint" in said, (login, statement, said)
    assert guarded_tables(server) == before


def test_deleting_a_case_by_hand_or_with_complaints_leaves_its_deleted_event(server):
    alice, bina = service(server, "alice", Config()), service(server, "bina", Config())
    with bina.db.read() as session:
        last = session.execute(sa.text("SELECT coalesce(max(id), 0) FROM event")).scalar()
    by_tool = alice.log("statutory", date(2026, 11, 6), complainant="Finn Example")
    by_hand = alice.log("corporate", date(2026, 11, 9), complainant="Gail Example", summary="Bins")
    bina.delete_case(by_tool, reason="entered twice")
    with bina.db.write() as session:  # a manager's hand-written delete: the stage first, then the case
        session.execute(sa.text('DELETE FROM stage WHERE case_id = (SELECT id FROM "case" WHERE reference = :r)'),
                        {"r": by_hand})
        session.execute(sa.text('DELETE FROM "case" WHERE reference = :r'), {"r": by_hand})
    with bina.db.read() as session:
        deleted = session.execute(sa.text("SELECT who, action, detail, reason, case_id, at FROM event "
                                          "WHERE detail IN (:a, :b) AND id > :last ORDER BY id"),
                                  {"a": by_tool, "b": by_hand, "last": last}).all()
        left = session.execute(sa.text('SELECT count(*) FROM "case" WHERE reference IN (:a, :b)'),
                               {"a": by_tool, "b": by_hand}).scalar()
        now = session.execute(sa.text("SELECT now() AT TIME ZONE 'UTC'")).scalar()
    assert [tuple(r)[:5] for r in deleted] == [
        ("bina", "deleted", by_tool, "entered twice", None),  # once, with the reason: no second event
        ("bina", "deleted", by_hand, "deleted outside complaints: no reason given", None)]
    assert all(abs((now - r.at).total_seconds()) < 600 for r in deleted)  # stamped in UTC, as the tool does
    assert left == 0
    for svc in (alice, bina):
        svc.db.close()


def test_retention_as_a_manager_anonymises_events_through_the_owners_function(server):
    alice = service(server, "alice", Config())
    old = alice.log("statutory", date(2018, 3, 1), complainant="Hana Example", summary="Old complaint")
    alice.correct_date(old, "received", date(2018, 3, 2), reason="Hana Example rang on the 2nd")
    alice.respond(old, "upheld", date(2018, 3, 9))
    alice.db.close()
    bina = open_database(url(server, "bina"), Config())
    retention = Retention(bina, Config(), today=TODAY)
    officer = open_database(url(server, "alice"), Config())
    with pytest.raises(RuleError, match="needs the manager role"):
        Retention(officer, Config(), today=TODAY).apply(6)
    officer.close()
    assert old in retention.apply(6).references
    with bina.read() as session:
        events = session.execute(sa.text('SELECT e.who, e.action, e.detail, e.old, e.new, e.reason FROM event e '
                                          'JOIN "case" c ON c.id = e.case_id WHERE c.reference = :r ORDER BY e.id'),
                                 {"r": old}).all()
    bina.close()
    assert [tuple(e) for e in events] == [
        ("alice", "logged", "kind", None, None, None), ("alice", "date corrected", "received", None, None, None),
        ("alice", "responded", "Statutory Stage 1", None, None, None),
        ("bina", "anonymised", "retention", None, None, "closed before 2026-11-22 less the retention period")]


def test_retention_apply_on_the_team_server_clears_a_deleted_cases_reason_naming_a_child(server, tmp_path):
    alice, bina = service(server, "alice", Config()), service(server, "bina", Config())
    old = alice.log("statutory", date(2018, 4, 3), complainant="Lou Example", child_name="Kit Example")
    alice.respond(old, "upheld", date(2018, 4, 10))
    twice = alice.log("statutory", date(2026, 11, 10), complainant="Lou Example")
    bina.delete_case(twice, reason="entered twice: it is Kit Example's case again")
    with bina.db.read() as session:
        deleted = session.execute(sa.text("SELECT id FROM event WHERE case_id IS NULL AND action = 'deleted' "
                                          "AND detail = :r"), {"r": twice}).scalar_one()
    for svc in (alice, bina):
        svc.db.close()
    officer = open_database(url(server, "alice"), Config())
    with pytest.raises(RuleError, match="needs the manager role"):
        Retention(officer, Config(), today=TODAY).apply(6)
    officer.close()
    for login in ("alice", "carl"):  # nor may an officer or auditor call the owner's function behind the tool
        said = as_login(server, login, "SELECT complaints_forget_deleted_events(CAST(ARRAY[:e] AS bigint[]), 'x')",
                        {"e": deleted})
        assert (said or "").startswith("permission denied for function"), (login, said)

    script = Path(sys.executable).with_name("complaints")
    env = {**os.environ, "COMPLAINTS_CONFIG": str(tmp_path / "none.toml"), "COMPLAINTS_TODAY": TODAY.isoformat()}
    done = subprocess.run([script, "retention", "--older-than", "6", "--apply", "--db", url(server, "bina")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Anonymised ") and "the reasons given for deleting 1 case went too." in done.stdout

    auditor = open_database(url(server, "carl"), Config())
    with auditor.read() as session:
        left = session.execute(sa.text("SELECT who, action, detail, old, new, reason FROM event WHERE id = :e"),
                               {"e": deleted}).one()
        recorded = session.execute(sa.text("SELECT who, action, detail, new, reason FROM event WHERE id > :e AND "
                                           "case_id IS NULL AND action = 'anonymised'"), {"e": deleted}).all()
        case = session.execute(sa.text('SELECT child_name, closed_reason FROM "case" WHERE reference = :r'),
                               {"r": old}).one()
    auditor.close()
    assert tuple(left) == ("bina", "deleted", twice, None, None, None)  # the child's name is gone, the fact stays
    assert [tuple(r) for r in recorded] == [
        ("bina", "anonymised", "deleted cases", "1", "events of deleted cases, under the retention policy")]
    assert case.child_name is None and case.closed_reason is not None


def test_an_officer_with_another_calendar_opens_the_team_database_without_moving_its_deadlines(server):
    closures = Config(closures=(date(2026, 12, 29), date(2026, 12, 30)))
    before = guarded_tables(server)
    officer = service(server, "alice", closures)  # her settings file names two closure days the team never agreed
    officer.db.close()
    assert guarded_tables(server)[2:4] == before[2:4]
    manager = service(server, "bina", closures)  # a manager's calendar is the team's
    manager.db.close()
    after = guarded_tables(server)
    assert (date(2026, 12, 29), "") in after[3] and after[2] != before[2]
    service(server, "bina", Config()).db.close()  # and back, for the other tests


def test_copy_and_migrate_as_the_owner_still_work_with_the_guards(server, tmp_path):
    source = tmp_path / "officer.db"
    cfg = Config(user="dee")
    svc = CaseService(open_database(source, cfg), cfg, today=TODAY)
    kept = svc.log("statutory", date(2026, 11, 2), complainant="Ivy Example")
    gone = svc.log("statutory", date(2026, 11, 3), complainant="Jo Example")
    CaseService(svc.db, Config(user="dee", managers=frozenset({"dee"})), today=TODAY).delete_case(gone, reason="dup")
    svc.db.close()
    subprocess.run(["psql", "-h", str(server.root), "-U", "complaints", "-c",
                    "CREATE DATABASE copied OWNER complaints_admin", "postgres"], check=True, capture_output=True)
    script = Path(sys.executable).with_name("complaints")
    env = {**os.environ, "COMPLAINTS_CONFIG": str(tmp_path / "none.toml")}
    officer = subprocess.run([script, "copy", "--db", str(source), "--to", url(server, "alice")], env=env,
                             capture_output=True, text=True, timeout=120)
    assert (officer.returncode, officer.stderr) == (1, f"Error: {url(server, 'alice')} is a team server: copy into "
                                                        "it as the tables' owner (README, \"For a team\")\n")
    target = url(server, "complaints_admin").replace("/complaints?", "/copied?")
    done = subprocess.run([script, "copy", "--db", str(source), "--to", target], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "Checked: every table has the same number of rows" in done.stdout, done.stderr
    engine = sa.create_engine(target)
    with engine.connect() as conn:
        events = conn.execute(sa.text("SELECT who, action, detail FROM event ORDER BY id")).all()
    engine.dispose()
    assert [tuple(e) for e in events] == [("dee", "logged", "kind"), ("dee", "deleted", gone)] and kept
    assert search_state(target) == (1, 10)  # the owner set the index's triggers aside, built it, turned them on
    again = subprocess.run([script, "migrate", "--db", target], env=env, capture_output=True, text=True, timeout=120)
    assert again.stdout.endswith(": tables at schema 0009, the newest this version knows\n"), again.stderr


def search_state(target: str) -> tuple[int, int]:
    """The search index's rows, and its triggers enabled (10: all of them)."""
    engine = sa.create_engine(target)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT count(*) FROM search_text")).scalar()
        on = conn.execute(sa.text("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'O' "
                                  "AND tgname LIKE 'search%'")).scalar()
    engine.dispose()
    return int(rows or 0), int(on or 0)


def test_a_manager_who_does_not_own_the_tables_copies_with_the_triggers_indexing_each_row(server, tmp_path):
    """ALTER TABLE ... DISABLE TRIGGER is the owner's: a manager's copy keeps the triggers, and the index is whole."""
    source = tmp_path / "manager.db"
    cfg = Config(user="bina")
    svc = CaseService(open_database(source, cfg), cfg, today=TODAY)
    ref = svc.log("statutory", date(2026, 11, 2), complainant="Ivy Quillfeather", themes=["Respite"])
    svc.add_note(ref, "Phoned about the Honeysuckle visit", kind="phone")
    svc.db.close()
    psql(server, "CREATE DATABASE by_manager OWNER complaints_admin", "postgres")
    grants = (ROOT / "docs" / "team-roles.sql").read_text().split("CREATE ROLE complaints_auditor NOLOGIN;", 1)[1]
    psql(server, grants.replace("DATABASE complaints", "DATABASE by_manager"), "by_manager")
    target = url(server, "complaints_admin").replace("/complaints?", "/by_manager?")
    open_database(target).close()  # the owner creates the tables
    manager = open_database(target.replace("complaints_admin@", "bina@"), cfg)
    try:
        from store.housekeeping.copy import copy_database

        assert copy_database(open_database(source, cfg), manager, cfg).mismatches == []
        with manager.dbapi() as connection:
            assert [h.reference for h in search(connection, "honeysuckle", placeholder=manager.placeholder)] == [ref]
    finally:
        manager.close()
    assert search_state(target) == (2, 10)


def psql(server: Server, sql: str, database: str = "complaints") -> None:
    subprocess.run(["psql", "-h", str(server.root), "-U", "complaints", "-v", "ON_ERROR_STOP=1", "-c", sql, database],
                   check=True, capture_output=True)


def test_the_trail_stays_the_owners_even_where_someone_granted_officers_everything(server):
    forbidden_to_all = [statement for statement, refused_to in FORBIDDEN if refused_to is ALL]
    psql(server, "GRANT ALL ON event, alembic_version TO complaints_officer")
    try:
        for statement in forbidden_to_all:  # the tables' own triggers refuse what the grants no longer do
            said = as_login(server, "alice", statement, {"case": 1})
            assert said is not None and said.startswith("permission denied for table"), (statement, said)
            assert "only its owner may" in said, (statement, said)
    finally:
        psql(server, "REVOKE ALL ON event, alembic_version FROM complaints_officer; "
                     "GRANT SELECT, INSERT ON event TO complaints_officer; "
                     "GRANT SELECT ON alembic_version TO complaints_officer")


def test_the_guards_come_and_go_with_their_migration(server):
    from alembic import command

    from store.db import schema

    owner = open_database(url(server, "complaints_admin"))

    def functions() -> list[str]:
        with owner.engine.connect() as conn:
            return sorted(conn.execute(sa.text("SELECT proname FROM pg_proc WHERE proname LIKE 'complaints%' "
                                               "AND proname NOT LIKE 'complaints_search%'"))  # 0007's index
                          .scalars())

    assert functions() == ["complaints_anonymise_events", "complaints_case_deleted",
                           "complaints_forget_deleted_events", "complaints_login", "complaints_owner_only"]
    try:
        with owner.write_engine.begin() as conn:
            command.downgrade(schema.alembic_config(conn), schema.REVISIONS[schema.REVISIONS.index("0003") - 1])
        assert functions() == []
        assert as_login(server, "alice", "UPDATE event SET who = 'someone else'", {}) is None  # as before 0003
        assert as_login(server, "alice", "DELETE FROM setting", {}) is None
    finally:
        schema.upgrade(owner)
    assert functions() == ["complaints_anonymise_events", "complaints_case_deleted",
                           "complaints_forget_deleted_events", "complaints_login", "complaints_owner_only"]
    assert (as_login(server, "alice", "UPDATE event SET who = 'someone else'", {}) or "").startswith("permission")
    owner.close()


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
            wait_for(name, "Search: anything")
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
        wait_for(sessions["alice"], f"{ref}: extended; now due")  # saved (the form itself says "may be extended")
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

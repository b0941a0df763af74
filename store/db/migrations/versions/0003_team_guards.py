"""team server guards: an untouchable audit trail, managers-only calendar and deletes (PostgreSQL only)

On a team's PostgreSQL server (README, "For a team"; docs/team-roles.sql) no login but the tables'
owner may update or delete an event or touch ``alembic_version``; only managers may write the stored
calendar (``setting``, ``non_working_day``, which move everyone's deadlines) or delete a case. Deleting
a case, however it is done, deletes its own history and writes its "deleted" event in the same
transaction (a trigger); retention blanks what cases' events say through the owner's function
``complaints_anonymise_events``, and what deleted cases' "deleted" events say through
``complaints_forget_deleted_events``, each recording that it did so (managers only; one call for a batch
of cases or events). The tool tells the server who (where the server has no complaints roles) and why
with the transaction's settings ``complaints.user`` and ``complaints.reason``. SQLite has no logins: there
the tool itself writes these events.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OFFICER, MANAGER = "complaints_officer", "complaints_manager"

#: Who did it: the server's login where it has the complaints roles (as store/db/team_roles.py decides),
#: else the name the tool gives for the transaction.
LOGIN = """
CREATE FUNCTION complaints_login() RETURNS text LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT CASE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname IN
                             ('complaints_officer', 'complaints_manager', 'complaints_auditor'))
                THEN session_user::text
                ELSE coalesce(nullif(current_setting('complaints.user', true), ''), session_user::text) END
$$"""

#: Refuses the statement unless the one running it is (a member of) the table's owner. Inside the
#: owner's SECURITY DEFINER functions the one running it is the owner.
OWNER_ONLY = """
CREATE FUNCTION complaints_owner_only() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        RAISE EXCEPTION 'permission denied for table %: only its owner may %', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$$"""

CASE_DELETED = """
CREATE FUNCTION complaints_case_deleted() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = {schema}, pg_temp AS $$
BEGIN
    DELETE FROM event WHERE case_id = OLD.id;
    INSERT INTO event (case_id, at, who, action, detail, reason)
    VALUES (NULL, now() AT TIME ZONE 'UTC', complaints_login(), 'deleted', OLD.reference,
            coalesce(nullif(current_setting('complaints.reason', true), ''),
                     'deleted outside complaints: no reason given'));
    RETURN OLD;
END
$$"""

ANONYMISE = """
CREATE FUNCTION complaints_anonymise_events(anonymised_cases bigint[], why text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    missing bigint;
    blanked integer;
BEGIN
    SELECT id INTO missing FROM unnest(anonymised_cases) AS wanted(id)
    WHERE NOT EXISTS (SELECT FROM "case" WHERE "case".id = wanted.id) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'no case has the id %', missing;
    END IF;
    UPDATE event SET old = NULL, new = NULL, reason = NULL WHERE case_id = ANY (anonymised_cases);
    GET DIAGNOSTICS blanked = ROW_COUNT;
    INSERT INTO event (case_id, at, who, action, detail, reason)
    SELECT DISTINCT id, now() AT TIME ZONE 'UTC', complaints_login(), 'anonymised', 'retention', why
    FROM unnest(anonymised_cases) AS anonymised(id) ORDER BY id;
    RETURN blanked;
END
$$"""

#: Blanks what the "deleted" events of deleted cases say (only those: no other event), and records how many.
FORGET = """
CREATE FUNCTION complaints_forget_deleted_events(forgotten bigint[], why text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    blanked integer;
BEGIN
    IF EXISTS (SELECT FROM unnest(forgotten) AS wanted(id) WHERE NOT EXISTS (
               SELECT FROM event WHERE event.id = wanted.id AND case_id IS NULL AND action = 'deleted')) THEN
        RAISE EXCEPTION 'only the "deleted" events of deleted cases may be forgotten';
    END IF;
    UPDATE event SET old = NULL, new = NULL, reason = NULL WHERE id = ANY (forgotten);
    GET DIAGNOSTICS blanked = ROW_COUNT;
    IF blanked > 0 THEN
        INSERT INTO event (case_id, at, who, action, detail, new, reason)
        VALUES (NULL, now() AT TIME ZONE 'UTC', complaints_login(), 'anonymised', 'deleted cases', blanked::text,
                why);
    END IF;
    RETURN blanked;
END
$$"""

#: (trigger, table, when, function)
TRIGGERS = [
    ("event_owner_only", "event", "BEFORE UPDATE OR DELETE OR TRUNCATE", "FOR EACH STATEMENT", "complaints_owner_only"),
    ("alembic_version_owner_only", "alembic_version", "BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE",
     "FOR EACH STATEMENT", "complaints_owner_only"),
    ("case_deleted", '"case"', "BEFORE DELETE", "FOR EACH ROW", "complaints_case_deleted"),
]
FUNCTIONS = ["complaints_anonymise_events(bigint[], text)", "complaints_forget_deleted_events(bigint[], text)",
             "complaints_case_deleted()", "complaints_owner_only()", "complaints_login()"]
#: What docs/team-roles.sql's default privileges give officers (and so managers) that only the owner keeps,
#: or, for the calendar that moves everyone's deadlines and deleting a case, that managers keep.
OFFICER_LOSES = [("UPDATE, DELETE", "event"), ("INSERT, UPDATE, DELETE", "alembic_version"), ("DELETE", '"case"'),
                 ("INSERT, UPDATE, DELETE", "setting"), ("INSERT, UPDATE, DELETE", "non_working_day")]
MANAGER_GAINS = [("DELETE", '"case"'), ("INSERT, UPDATE, DELETE", "setting"),
                 ("INSERT, UPDATE, DELETE", "non_working_day"),
                 ("EXECUTE", "FUNCTION complaints_anonymise_events(bigint[], text)"),
                 ("EXECUTE", "FUNCTION complaints_forget_deleted_events(bigint[], text)")]


def _role_exists(name: str) -> bool:
    return bool(op.get_bind().execute(sa.text("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = :r)"),
                                      {"r": name}).scalar())


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = op.get_bind().execute(sa.text("SELECT quote_ident(current_schema())")).scalar()
    for sql in (LOGIN, OWNER_ONLY, CASE_DELETED, ANONYMISE, FORGET):
        op.execute(sql.replace("{schema}", str(schema)))
    for function in FUNCTIONS[:-1]:  # complaints_login() stays everyone's: it tells only who is asking
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
    for name, table, when, each, function in TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} {when} ON {table} {each} EXECUTE FUNCTION {function}()")
    if _role_exists(OFFICER):  # the roles' grants, where the server has them (docs/team-roles.sql)
        for privileges, table in OFFICER_LOSES:
            op.execute(f"REVOKE {privileges} ON {table} FROM {OFFICER}")
    if _role_exists(MANAGER):
        for privileges, table in MANAGER_GAINS:
            op.execute(f"GRANT {privileges} ON {table} TO {MANAGER}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    if _role_exists(MANAGER):
        for privileges, table in MANAGER_GAINS:
            op.execute(f"REVOKE {privileges} ON {table} FROM {MANAGER}")
    if _role_exists(OFFICER):
        for privileges, table in OFFICER_LOSES:
            op.execute(f"GRANT {privileges} ON {table} TO {OFFICER}")
    for name, table, *_ in reversed(TRIGGERS):
        op.execute(f"DROP TRIGGER {name} ON {table}")
    for function in FUNCTIONS:
        op.execute(f"DROP FUNCTION {function}")

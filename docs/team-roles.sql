-- The three roles of complaints on a team's PostgreSQL server (README, "For a team").
-- Run once, as the server's superuser, in the complaints database:
--     psql -v ON_ERROR_STOP=1 --file=docs/team-roles.sql complaints
-- complaints_admin owns the tables: it creates and upgrades them with `complaints migrate`, which narrows the
-- grants below table by table (store/db/migrations/versions/0003_team_guards.py): no login but the owner changes
-- or deletes an event or touches alembic_version; only managers write the calendar (setting,
-- non_working_day), delete a case or run retention's complaints_anonymise_events and
-- complaints_forget_deleted_events.
-- A login's membership decides what the tool lets it do, and the login is the name in the audit trail;
-- an auditor's connection cannot change anything, whatever program it runs.

CREATE ROLE complaints_officer NOLOGIN;                              -- cases, forms, imports
CREATE ROLE complaints_manager NOLOGIN IN ROLE complaints_officer;   -- and closed dates, overrides, deletes, retention, calendar
CREATE ROLE complaints_auditor NOLOGIN;                              -- reads everything, changes nothing

REVOKE ALL ON DATABASE complaints FROM PUBLIC;
GRANT CONNECT ON DATABASE complaints TO complaints_officer, complaints_auditor;
GRANT USAGE ON SCHEMA public TO complaints_officer, complaints_auditor;

ALTER DEFAULT PRIVILEGES FOR ROLE complaints_admin IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO complaints_officer;
ALTER DEFAULT PRIVILEGES FOR ROLE complaints_admin IN SCHEMA public
    GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO complaints_officer;
ALTER DEFAULT PRIVILEGES FOR ROLE complaints_admin IN SCHEMA public
    GRANT SELECT ON TABLES TO complaints_auditor;

"""The council's configuration: calendar, timescales, who the user is, roles, key bindings.

The settings' values and their checks; the file they come from is read by ``store.db.config_file``
(``complaints config --path`` prints where it is). No setting given means the defaults of the domain README.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.calendar import REGIONS, WorkingCalendar
from domain.clock import CLOCK_VERSION
from domain.errors import ComplaintsError
from domain.letters import Council
from domain.timescales import RuleBook
from domain.vocab import Role

if TYPE_CHECKING:
    from pathlib import Path

EXAMPLE = """\
# complaints: the council's settings. Every section is optional.

[calendar]
region = "ENG"                       # ENG, WLS, SCT or NIR bank holidays
closures = []                        # extra closure days, e.g. [2026-12-29, 2026-12-30]

[user]
# name = "A. Officer"                # who events are recorded as (default: your login name)

[roles]
managers = []                        # login names with the manager role
auditors = []                        # login names that may read but change nothing

[procedure]
corporate_stages = 3                 # 2 or 3 (corporate complaints received before the Code)
# code_from = 2026-04-01             # the Ombudsman's Complaint Handling Code governs corporate complaints
                                     # received from this day (the default); false: not adopted

# A council's own timescales, in force from a date (earlier cases keep the old rule):
# [[timescale]]
# procedure = "corporate"
# step = "stage1"
# days = 15
# extended_days = 25
# from = 2027-04-01
# starts = "receipt"                 # receipt, acknowledgement, request, statement_agreed, panel, findings,
                                     # previous_response
# code = true                        # a variant of the Complaint Handling Code's clock (cases under the Code)

[retention]
years = 6

[council]
# Printed on letters (complaints letter --templates says where the council's own templates go):
# name = "Anytown Borough Council"
# address = "Town Hall, High Street, Anytown AN1 1AA"
# phone = "01234 567890"
# email = "complaints@anytown.example"
# website = "www.anytown.example"
# advocacy = "NYAS (National Youth Advocacy Service), 0808 808 1001"
# panel_place = "Committee Room 2, Town Hall"
# ombudsman_name = "Local Government and Social Care Ombudsman"
# ombudsman_website = "www.lgo.org.uk"
# ombudsman_phone = "0300 061 0614"

[keys]
# Remap any key of the caseload by its binding id, e.g.:
# "action.extend" = "ctrl+e"
# ids: quit, reload, filter, sort, open_case, help, reports, settings, view.open, view.mine, view.week,
# view.overdue, view.stage2_long, view.awaiting, view.enquiries, view.history, view.compliments, action.log,
# action.compliment, action.acknowledge, action.extend, action.pause, action.resume, action.respond,
# action.request2, action.assign, action.action, action.persistent, view.followup, action.note, action.note_edit,
# action.attach, action.email, action.edit, action.reassign, action.link, action.merge, action.undo,
# action.action_done, action.persistent_review, action.letter, action.not_accepted, dashboard, save_view,
#   saved_view.1, saved_view.2, saved_view.3, saved_view.4, saved_view.5, saved_view.6, saved_view.7, saved_view.8,
#   saved_view.9
# on screens: caseload.down, caseload.up, caseload.page_down, caseload.page_up, caseload.first, caseload.last,
#   caseload.open, caseload.mark, case.back, case.banner, case.person, case.save_document, person.back,
#   person.open, settings.back, settings.theme,
#   settings.team, settings.officer, settings.pool, settings.rename, settings.retire, reports.back,
#   reports.previous, reports.next, reports.copy, reports.export, reports.code, form.cancel, form.save, demo_offer.demo,
#   demo_offer.empty, dashboard.back, dashboard.refresh
"""


class ConfigError(ValueError, ComplaintsError):
    """The configuration file is wrong; the message names the file and the setting."""


@dataclass(frozen=True)
class Config:
    region: str = "ENG"
    closures: tuple[date, ...] = ()
    rules: RuleBook = field(default_factory=RuleBook)
    user: str = "unknown"  # the settings file's reader makes it the login name when the file names no one
    managers: frozenset[str] = frozenset()
    auditors: frozenset[str] = frozenset()
    retention_years: int = 6
    keys: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    council: Council = field(default_factory=Council)

    @property
    def role(self) -> Role:
        return self.role_of(self.user)

    def role_of(self, user: str) -> Role:
        if user in self.managers:
            return Role.MANAGER
        if user in self.auditors:
            return Role.AUDITOR
        return Role.OFFICER

    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar.for_region(self.region, self.closures)

    def calendar_fingerprint(self) -> str:
        """Changes whenever a setting that moves a due date changes."""
        lib = holidays_version()
        closures = ",".join(sorted(d.isoformat() for d in self.closures))
        return (f"{self.region}|{closures}|holidays {lib}|rules {self.rules.fingerprint()}"
                f"|clock {CLOCK_VERSION}")


@cache
def holidays_version() -> str:
    """The installed holidays library's version, as ``importlib.metadata.version`` gives it.

    Read from the METADATA beside the package without importing importlib.metadata, which costs
    40-50 ms on the TUI's first page (this is asked before it is read); that lookup is the fallback.
    """
    from importlib.util import find_spec

    try:
        spec = find_spec("holidays")
        folder = Path(spec.origin).parent.parent if spec and spec.origin else None
        found = [d for d in folder.iterdir() if d.name.lower().startswith("holidays-")
                 and d.name.endswith(".dist-info")] if folder else []
        if len(found) == 1:
            for line in (found[0] / "METADATA").read_text(encoding="utf-8").splitlines():
                if line.startswith("Version:"):
                    return line.partition(":")[2].strip()
                if not line:
                    break
    except (OSError, ValueError, ImportError):
        pass
    from importlib.metadata import version

    try:
        return version("holidays")
    except Exception:  # pragma: no cover - holidays is a dependency
        return "?"


def _str_list(raw: Any, where: str) -> frozenset[str]:
    if raw is None:
        return frozenset()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise ConfigError(f"{where} must be a list of names, like [\"asmith\"]")
    return frozenset(raw)


SECTIONS = ("calendar", "user", "roles", "procedure", "retention", "keys", "council")
COUNCIL_FIELDS = tuple(Council.__dataclass_fields__)


def _council(raw: dict[str, Any]) -> Council:
    """The ``[council]`` section: the council's and the Ombudsman's details printed on letters."""
    unknown = sorted(set(raw) - set(COUNCIL_FIELDS))
    if unknown:
        raise ConfigError(f"[council] {unknown[0]} is not a setting: use {', '.join(COUNCIL_FIELDS)}")
    for key, value in raw.items():
        if not isinstance(value, str) or len(value) > 500 or any(c < " " and c != "\n" for c in value):
            raise ConfigError(f"[council] {key} must be text (at most 500 characters, no control characters)")
    return Council(**raw)


def from_settings(data: dict[str, Any], *, login: str, path: Path | None = None) -> Config:
    """The configuration the settings ``data`` (a TOML file's tables) give; ``login`` is the user unless
    ``[user] name`` says otherwise. ConfigError, or the rules' RuleError, names the setting that is wrong."""
    for section in SECTIONS:
        if section in data and not isinstance(data[section], dict):
            raise ConfigError(f"{section} must be a section: write [{section}] on a line of its own, "
                              "then its settings beneath it (see complaints config --example)")
    cal = data.get("calendar", {})
    region = str(cal.get("region", "ENG")).upper()
    if region not in REGIONS:
        raise ConfigError(f"[calendar] region {region!r} is not one of: {', '.join(REGIONS)}")
    closures = []
    for i, raw in enumerate(cal.get("closures", [])):
        if isinstance(raw, date):
            closures.append(raw)
            continue
        try:
            closures.append(date.fromisoformat(str(raw)))
        except ValueError:
            raise ConfigError(f"[calendar] closures item {i + 1}: {raw!r} is not a date like 2026-12-29") from None
    procedure = data.get("procedure", {})
    rules = RuleBook().with_overrides(data.get("timescale", []), procedure.get("corporate_stages"),
                                      data.get("relaxation", []), procedure.get("code_from", "default"))
    roles = data.get("roles", {})
    retention = data.get("retention", {}).get("years", 6)
    if not isinstance(retention, int) or retention < 1:
        raise ConfigError("[retention] years must be a whole number of years, at least 1")
    keys = data.get("keys", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise ConfigError("[keys] maps an action's id to a key, like quit = \"ctrl+q\"")
    user = data.get("user", {}).get("name") or login
    return Config(region=region, closures=tuple(closures), rules=rules, user=str(user),
                  managers=_str_list(roles.get("managers"), "[roles] managers"),
                  auditors=_str_list(roles.get("auditors"), "[roles] auditors"),
                  retention_years=retention, keys=dict(keys), path=path,
                  council=_council(data.get("council", {})))

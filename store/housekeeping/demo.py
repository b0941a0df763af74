"""Synthetic history for a first look and for benchmarks: every kind, several years, deterministic.

Proportions follow the seed reports (Cumbria 2014/15 and the rest): about a third statutory
complaints, a quarter concerns, compliments and enquiries; on-time and late responses,
extensions, reopenings, Stage 2 and 3 with costs, the Ombudsman, repeat and persistent
complainants, learning actions; and an open caseload whose deadlines fall around ``today``.
Everything is invented by ``faker``: no real person is in it.

Rows are written with explicit ids straight through the DB-API driver's ``executemany`` in large
batches (SQLAlchemy's per-row parameter processing was a third of the run): a million cases take
well under two minutes rather than an hour of ORM objects.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from domain.calendar import WorkingCalendar
from domain.clock import StageDates
from domain.config import Config
from domain.new_case import arrival, as_columns, new_case, stage_row
from domain.outcomes import derive_outcome
from domain.timescales import RuleBook
from domain.vocab import COMPLAINT_KINDS, COMPLAINTS_AND_CONCERNS, FINDING_NAMES, NO_CLOCK_KINDS, UPHELD_OUTCOMES
from store.db.database import Database
from store.db.models import (
    Assignment,
    Case,
    CaseTheme,
    ComplaintIssue,
    Event,
    IndependentPerson,
    LearningAction,
    Officer,
    OmbudsmanEnquiry,
    Person,
    ServiceArea,
    Setting,
    Stage,
    Team,
    Theme,
)
from store.lifecycle.base import name_key
from store.lifecycle.references import Numbers, lock_for_bulk, prefix_of
from store.register.bulk import BulkWriter, IndexesSetAside
from store.views.caseload import DEMO_SETTING

KINDS = {"statutory": 30, "corporate": 9, "concern": 24, "mp_enquiry": 8, "councillor_enquiry": 3,
         "compliment": 15, "comment": 2, "referred_elsewhere": 9}
CHANNELS = {"email": 37, "letter": 20, "phone": 25, "web_form": 6, "complaint_form": 5, "in_person": 1,
            "meeting": 1, "advocate": 2, "app": 1, "text": 1, None: 1}
GROUPS = {"parent": 62, "child": 14, "relative": 11, "foster_carer": 4, "adopter": 2, "special_guardian": 2,
          "professional": 3, "other": 2}
STATUSES = {"cin": 30, "cp": 20, "cla": 25, "care_leaver": 8, "disabled": 7, "send": 5, "early_help": 3,
            "other": 2}
OUTCOMES = {"upheld": 19, "partially_upheld": 25, "not_upheld": 44, "withdrawn": 4, "not_determined": 2,
            "outside_remit": 2, "not_qualified": 1, "legal_proceedings": 1, "referred_elsewhere": 1,
            "not_pursued": 1}
FINDINGS = dict(zip(FINDING_NAMES, (20, 20, 50, 10), strict=True))  # upheld, partially, not upheld, not determined
LGO_DECISIONS = {"closed_after_initial_enquiries": 40, "premature": 20, "outside_jurisdiction": 12,
                 "invalid": 5, "investigated_fault": 13, "investigated_no_fault": 10}
SERVICE_AREAS = {
    "Children in Need": ["CIN North", "CIN South", "Duty and Assessment"],
    "Child Protection": ["Child Protection East", "Child Protection West", "Safeguarding Hub"],
    "Children Looked After": ["Children in Care", "Leaving Care", "Independent Reviewing"],
    "Fostering and Adoption": ["Fostering", "Adoption Support"],
    "Disabled Children": ["Children with Disabilities", "SEND Assessment"],
    "Early Help": ["Early Help North", "Early Help South"],
}
THEMES = ["Poor communication", "Actions or attitude of staff", "Decision making", "Delays",
          "Financial issues", "Placement", "Breach of confidentiality", "Accuracy of assessments or reports",
          "Bias or discrimination", "Policy or procedure", "Service provision", "Family time arrangements"]
SUMMARIES = {
    "Poor communication": "Calls and emails to the social worker not returned for several weeks",
    "Actions or attitude of staff": "Unhappy with how the worker spoke to the family at a home visit",
    "Decision making": "Disagrees with the decision to end support under a child in need plan",
    "Delays": "Assessment has taken far longer than the family were told",
    "Financial issues": "Allowance payments late for two months",
    "Placement": "Concerned the placement does not meet the young person's needs",
    "Breach of confidentiality": "Report shared with an ex-partner without consent",
    "Accuracy of assessments or reports": "Assessment contains factual errors about the family",
    "Bias or discrimination": "Feels the family was treated unfairly because of their background",
    "Policy or procedure": "Review meeting held without the parent being invited",
    "Service provision": "Promised respite support has not been provided",
    "Family time arrangements": "Contact sessions cancelled at short notice",
}
REMEDIES = ["apology", "payment", "review", "actions"]


def _pick(rng: random.Random, weights: dict[Any, int]) -> Callable[[], Any]:
    """A weighted chooser; the same draw as ``rng.choices(keys, weights)`` without its overhead."""
    keys, cum = list(weights), list(itertools.accumulate(weights.values()))
    total, draw = cum[-1], rng.random

    def pick() -> Any:
        return keys[bisect.bisect(cum, draw() * total)]

    return pick


@dataclass
class DemoStats:
    cases: int = 0
    people: int = 0
    stages: int = 0
    events: int = 0


def generate(db: Database, config: Config, *, cases: int = 3000, seed: int = 1, today: date | None = None,
             years: int | None = None, progress: Callable[[int], None] | None = None) -> DemoStats:
    """Fill an empty database with ``cases`` synthetic representations ending around ``today``.

    ``years`` of history (default: 3 to 10, more for more cases).
    """
    from faker import Faker

    today = today or date.today()
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    calendar, rules = config.calendar(), config.rules
    years = years or max(3, min(10, math.ceil(cases / 800)))
    first_day = date(today.year - years, today.month, 1)
    span = (today - first_day).days
    stats = DemoStats()
    with db.write_engine.begin() as conn:
        lock_for_bulk(conn)
        if conn.execute(sa.select(sa.func.count()).select_from(sa.table("case"))).scalar():
            raise ValueError(f"{db.describe()} already holds cases: demo data goes into an empty database")
        aside = IndexesSetAside.for_bulk_load(conn)
        w = BulkWriter(conn)
        numbers = Numbers(conn, stored=False)
        gen = _Generator(rng, fake, calendar, rules, today, w, stats, numbers)
        gen.reference_data()
        # received dates spread over the span, slightly more in recent years, in date order
        received = sorted(first_day + timedelta(days=int(span * rng.random() ** 0.9)) for _ in range(cases))
        for i, day in enumerate(received):
            gen.case(day)
            w.flush_if_full()
            if progress and i % 10_000 == 0:
                progress(i)
        w.finish()
        numbers.finish()
        if aside is not None:
            aside.restore()
        conn.execute(sa.insert(Setting), [{"key": DEMO_SETTING, "value": f"seed {seed}, {cases} cases"}])
    db.checkpoint()  # the .db file alone holds it all
    return stats


class _Generator:
    def __init__(self, rng: random.Random, fake: Any, calendar: WorkingCalendar, rules: RuleBook, today: date,
                 writer: BulkWriter, stats: DemoStats, numbers: Numbers) -> None:
        self.rng, self.fake, self.cal, self.rules, self.today, self.w, self.stats = (
            rng, fake, calendar, rules, today, writer, stats)
        self.received_now: date | None = None  # the complaint being made: the rules its stages run under
        self.reference = numbers.next
        # the same few thousand (day, n) pairs recur across a million cases
        self.add = functools.lru_cache(maxsize=1 << 18)(calendar.add)
        self.kind, self.channel, self.group = _pick(rng, KINDS), _pick(rng, CHANNELS), _pick(rng, GROUPS)
        self.status, self.outcome, self.finding = _pick(rng, STATUSES), _pick(rng, OUTCOMES), _pick(rng, FINDINGS)
        self.decision = _pick(rng, LGO_DECISIONS)
        self.first_names = [fake.first_name() for _ in range(400)]
        self.last_names = [fake.last_name() for _ in range(400)]
        self.repeaters: list[tuple[int, str, str]] = []
        self.with_enquiry: set[int] = set()
        self.first: tuple[int, StageDates, str | None] | None = None  # a case's first stage, for new_case to write

    # -- reference data -----------------------------------------------------------------------

    def reference_data(self) -> None:
        w = self.w
        self.officers = []
        for _ in range(5):
            oid = w.next_id("officer")
            name = self.fake.unique.name()
            w.add(Officer, {"id": oid, "name": name, "username": name.split()[0].lower() + str(oid), "active": True})
            self.officers.append(oid)
        self.teams: list[tuple[int, int]] = []
        for area, teams in SERVICE_AREAS.items():
            aid = w.next_id("service_area")
            w.add(ServiceArea, {"id": aid, "name": area, "active": True})
            for team in teams:
                tid = w.next_id("team")
                w.add(Team, {"id": tid, "name": team, "service_area_id": aid, "active": True})
                self.teams.append((aid, tid))
        self.themes = []
        for theme in THEMES:
            thid = w.next_id("theme")
            w.add(Theme, {"id": thid, "name": theme, "active": True})
            self.themes.append((thid, theme))
        self.pool: dict[str, list[int]] = {}
        for role, count in (("investigating_officer", 8), ("independent_person", 6), ("panel_chair", 3),
                            ("panellist", 6)):
            for _ in range(count):
                pid = w.next_id("independent_person")
                w.add(IndependentPerson, {"id": pid, "name": self.fake.unique.name(), "roles": role,
                                          "organisation": self.fake.company(), "active": True})
                self.pool.setdefault(role, []).append(pid)

    # -- people ------------------------------------------------------------------------------

    def person(self, group: str, received: date) -> tuple[int, str, str]:
        rng = self.rng
        if self.repeaters and rng.random() < 0.16:
            return rng.choice(self.repeaters[-400:])
        pid = self.w.next_id("person")
        first, last = rng.choice(self.first_names), rng.choice(self.last_names)
        name = f"{first} {last}"
        persistent = rng.random() < 0.004
        self.w.add(Person, {
            "id": pid, "external_id": f"P{pid:07d}", "name": name, "name_key": name_key(name),
            "complainant_group": group, "email": f"{first}.{last}{pid}@example.org".lower().replace("'", ""),
            "phone": None, "address": None, "persistent": persistent, "anonymised": False,
            "persistent_start": received if persistent else None,
            "persistent_review": received + timedelta(days=182) if persistent else None,
            "persistent_contact": self.fake.name() if persistent else None,
            "persistent_arrangements": "One weekly phone call with the named contact; emails answered weekly"
            if persistent else None,
        })
        self.stats.people += 1
        entry = (pid, last, group)
        if rng.random() < 0.08 or persistent:
            self.repeaters.append(entry)
        return entry

    # -- events and stages ---------------------------------------------------------------------

    def event(self, case_id: int, on: date, action: str, detail: str | None = None, new: Any = None,
              old: Any = None) -> None:
        self.w.add(Event, {"id": self.w.next_id("event"), "case_id": case_id,
                           "at": datetime(on.year, on.month, on.day, 9 + self.rng.randrange(8), self.rng.randrange(60)),
                           "who": "demo", "action": action, "detail": detail,
                           "old": None if old is None else str(old), "new": None if new is None else str(new),
                           "reason": None})
        self.stats.events += 1

    def first_stage(self, st: StageDates, outcome: str | None) -> None:
        """A case's first stage: its id taken now, before its later stages', its row written by ``new_case``."""
        self.first = (self.w.next_id("stage"), st, outcome)
        self.stats.stages += 1

    def stage(self, case_id: int, st: StageDates, outcome: str | None = None, *, round: int = 0,  # noqa: A002
              **extra: Any) -> int:
        """A later stage: ``extra`` gives columns the stage row leaves to their defaults (accepted, a reason)."""
        sid = self.w.next_id("stage")
        st.case_received = st.case_received or self.received_now
        if st.number > 1 and st.acknowledged is None and self.rules.under_code(st.procedure, st.case_received):
            acknowledged = self.add(st.requested, 3)  # the Code's escalation, acknowledged (no draw: same data)
            st.acknowledged = acknowledged if acknowledged <= self.today else None
        row = stage_row(st, self.rules, self.cal, id=sid, case_id=case_id, outcome=outcome, round=round)
        self.w.add(Stage, as_columns(row) | extra)
        self.stats.stages += 1
        return sid

    def respond_after(self, start: date, late_share: float) -> tuple[int, date | None]:
        """Working days taken and the response date; None when that date is still to come."""
        rng = self.rng
        r = rng.random()
        days = rng.randint(3, 10) if r > late_share else rng.randint(11, 20) if r > late_share / 2.2 \
            else rng.randint(21, 45)
        on = self.add(start, days)
        return days, (on if on <= self.today else None)

    # -- one case ------------------------------------------------------------------------------

    def case(self, received: date) -> None:
        rng, w = self.rng, self.w
        kind = self.kind()
        cid = w.next_id("case")
        group = self.group()
        pid, last, group = self.person(group, received)
        area, team = rng.choice(self.teams)
        ref = self.reference(prefix_of(kind, received))
        themes = rng.sample(self.themes, rng.choice((1, 1, 2, 2, 3))) if kind in COMPLAINTS_AND_CONCERNS else []
        child = group == "child"
        has_clock = kind not in NO_CLOCK_KINDS
        ack_on = self.add(received, rng.choice((0, 1, 1, 2, 2, 3))) if has_clock else None
        if ack_on is not None and ack_on > self.today:
            ack_on = None
        channel = self.channel()
        status = self.status() if has_clock else None
        child_name = f"{rng.choice(self.first_names)} {last}" if kind in COMPLAINT_KINDS else None
        advocate = ("nyas" if rng.random() < 0.85 else "other") if child and rng.random() < 0.55 else None
        officer = rng.choice(self.officers)
        self.stats.cases += 1
        logged = arrival(kind)
        self.event(cid, received, logged.action, logged.detail, new=logged.new, old=logged.old)
        self.first = None
        closed = None
        if kind in COMPLAINT_KINDS:
            closed = self.complaint(cid, kind, received)
        elif has_clock:
            _, responded = self.respond_after(received, 0.15)
            self.first_stage(StageDates(kind, 1, received, responded=responded),
                             "not_determined" if responded else None)
            closed = responded
            if responded:
                self.event(cid, responded, "closed", None, responded)
        sid, first, outcome = self.first or (None, None, None)
        rows = new_case(self.rules, self.cal, kind, received, ref, id=cid, channel=channel, person_id=pid,
                        complainant_group=group, child_name=child_name, child_status=status, advocate=advocate,
                        service_area_id=area, team_id=team, officer_id=officer,
                        summary=SUMMARIES[themes[0][1]] if themes else None, theme_ids=[t for t, _ in themes],
                        acknowledged=ack_on, first_stage=first, stage_id=sid, outcome=outcome, closed=closed)
        w.add(Case, as_columns(rows.case))
        if rows.stage is not None:
            w.add(Stage, as_columns(rows.stage))
        for link in rows.themes:
            w.add(CaseTheme, as_columns(link))

    def complaint(self, cid: int, kind: str, received: date) -> date | None:
        """Stages of a complaint; returns the date it closed, None while open."""
        rng = self.rng
        self.received_now = received
        st = StageDates(kind, 1, received)
        days, responded = self.respond_after(received, 0.55)
        if days > 10 and rng.random() < 0.6:
            # agreed before the reply, and mostly in time (by day 10); some too late to count
            st.extended_on = self.add(received, min(days, rng.randint(5, 10) if rng.random() < 0.85 else 12))
            st.extended_days = 20
            if st.extended_on > self.today:
                st.extended_on, st.extended_days = None, None
        if responded is None and rng.random() < 0.04:
            st.paused_since = min(self.today, self.add(received, 3))
        st.responded = responded
        outcome = self.outcome() if responded else None
        self.first_stage(st, outcome)
        if responded is None:
            return None
        self.event(cid, responded, "responded", "Stage 1", outcome)
        if rng.random() < 0.03 and outcome != "withdrawn":
            again = self.add(responded, rng.randint(2, 30))
            if again <= self.today:
                re = StageDates(kind, 1, again)
                _, re.responded = self.respond_after(again, 0.3)
                self.stage(cid, re, self.outcome() if re.responded else None, round=1)
                self.event(cid, again, "reopened", "Stage 1", 1, old=0)  # round 0 -> 1, as the service writes it
                if re.responded is None:
                    return None
                responded = re.responded
        self.learning(cid, outcome, responded)
        if outcome == "withdrawn" or rng.random() > (0.11 if kind == "statutory" else 0.15):
            return responded
        return self.stage2(cid, kind, responded)

    def stage2(self, cid: int, kind: str, after: date) -> date | None:
        rng = self.rng
        requested = self.add(after, rng.randint(3, 25))
        if requested > self.today:
            return after
        st = StageDates(kind, 2, requested)
        if rng.random() < 0.15:
            st.declined = self.add(requested, rng.randint(2, 10))
            if st.declined > self.today:
                st.declined = None
            self.stage(cid, st, declined_reason="Matters already fully considered at Stage 1"
                       if st.declined else None)
            return st.declined
        statutory = kind == "statutory"
        if statutory:
            st.statement_agreed = self.add(requested, rng.randint(3, 15))
            if st.statement_agreed > self.today:
                st.statement_agreed = None
        start = st.statement_agreed or requested
        long = rng.random() < 0.6
        days = rng.randint(40, 95) if statutory and long else rng.randint(15, 25) if statutory else rng.randint(8, 22)
        if long or days > 10:
            st.extended_on = self.add(start, min(days, rng.randint(5, 20)))
            st.extended_days = 65 if statutory else 20
            if st.extended_on > self.today:
                st.extended_on, st.extended_days = None, None
        finish = self.add(start, days)
        done = finish <= self.today and (st.statement_agreed is not None or not statutory)
        st.responded = finish if done else None
        issues = [self.finding() for _ in range(rng.randint(2, 8))] if statutory and st.statement_agreed else []
        outcome = str(derive_outcome(issues) or self.outcome()) if st.responded else None
        sid = self.stage(cid, st, outcome,
                         accepted=st.statement_agreed or requested)
        for n, finding in enumerate(issues, start=1):
            self.w.add(ComplaintIssue, {"id": self.w.next_id("complaint_issue"), "stage_id": sid, "number": n,
                                        "description": f"Issue {n}", "finding": finding if st.responded else None})
        for role in ("investigating_officer", "independent_person"):
            cost = Decimal(rng.randint(1200, 6500) if role.startswith("inv") else rng.randint(300, 1500)) \
                + Decimal(rng.randint(0, 99)) / 100
            self.w.add(Assignment, {"id": self.w.next_id("assignment"), "stage_id": sid,
                                    "person_id": rng.choice(self.pool[role]), "role": role, "assigned_on": requested,
                                    "cost": cost if st.responded else None,
                                    "cost_recorded_on": st.responded})
        if st.responded is None:
            return None
        self.event(cid, st.responded, "responded", "Stage 2", outcome)
        if rng.random() < 0.06:
            self.ombudsman(cid, st.responded)
        if rng.random() > 0.25:
            return st.responded
        return self.stage3(cid, kind, st.responded)

    def stage3(self, cid: int, kind: str, after: date) -> date | None:
        rng = self.rng
        requested = self.add(after, rng.randint(5, 20))
        if requested > self.today:
            return after
        st = StageDates(kind, 3, requested)
        if kind == "statutory":
            st.panel_on = self.add(requested, rng.randint(15, 40))
            st.findings_on = self.add(st.panel_on, rng.randint(2, 7))
            finish = self.add(st.findings_on, rng.randint(8, 18))
            if st.panel_on > self.today:
                st.panel_on = st.findings_on = None
            elif st.findings_on > self.today:
                st.findings_on = None
        else:
            finish = self.add(requested, rng.randint(8, 22))
        st.responded = finish if finish <= self.today and (kind != "statutory" or st.findings_on) else None
        outcome = self.outcome() if st.responded else None
        if self.rules.under_code(kind, self.received_now):  # two stages under the Code: drawn, not written
            if st.responded and rng.random() < 0.2:
                self.ombudsman(cid, after)
            return after
        sid = self.stage(cid, st, outcome, accepted=requested)
        for role in ("panel_chair", "panellist", "panellist") if kind == "statutory" else ():
            self.w.add(Assignment, {"id": self.w.next_id("assignment"), "stage_id": sid,
                                    "person_id": rng.choice(self.pool[role]), "role": role, "assigned_on": requested,
                                    "cost": Decimal(rng.randint(250, 900)) if st.responded else None,
                                    "cost_recorded_on": st.responded})
        if st.responded:
            self.event(cid, st.responded, "responded", "Stage 3", outcome)
            if rng.random() < 0.2:
                self.ombudsman(cid, st.responded)
        return st.responded

    def ombudsman(self, cid: int, after: date) -> None:
        """At most one Ombudsman enquiry per case, as the case register records them."""
        rng = self.rng
        if cid in self.with_enquiry:
            return
        received = self.add(after, rng.randint(20, 120))
        if received > self.today:
            return
        respond_by = self.add(received, 20)
        responded = self.add(received, rng.randint(5, 22))
        decided = self.add(responded, rng.randint(10, 80))
        decision = self.decision() if decided <= self.today else None
        fault = decision == "investigated_fault"
        remedy = ";".join(sorted(rng.sample(REMEDIES, rng.randint(1, 3)) + ["apology"])) if fault else None
        payment = Decimal(rng.choice((150, 250, 300, 500, 1000, 3000))) if fault and rng.random() < 0.6 else None
        compliance_due = self.add(decided, 60) if fault else None
        complied = self.add(decided, rng.randint(10, 55)) if fault else None
        row = {"id": self.w.next_id("ombudsman_enquiry"), "case_id": cid, "lgo_reference": None,
               "received": received, "enquiry_type": "detailed_investigation" if fault else "initial_assessment",
               "respond_by": respond_by, "responded": responded if responded <= self.today else None,
               "decision": decision, "decided": decided if decision else None,
               "remedy": remedy if decision else None, "payment": payment if decision else None,
               "compliance_due": compliance_due if decision else None,
               "complied": complied if complied and decision and complied <= self.today else None}
        row["due"] = (respond_by if row["responded"] is None and not decision else
                      compliance_due if decision and compliance_due and row["complied"] is None else None)
        self.w.add(OmbudsmanEnquiry, row)
        self.with_enquiry.add(cid)

    def learning(self, cid: int, outcome: str | None, responded: date) -> None:
        if outcome not in UPHELD_OUTCOMES or self.rng.random() > 0.4:
            return
        due = responded + timedelta(days=self.rng.randint(20, 90))
        done = due - timedelta(days=self.rng.randint(0, 30)) if self.rng.random() < 0.8 else None
        self.w.add(LearningAction, {"id": self.w.next_id("learning_action"), "case_id": cid,
                                    "description": "Share the learning from this complaint at the team meeting",
                                    "owner": "Team manager", "due": due,
                                    "done": done if done and done <= self.today else None})

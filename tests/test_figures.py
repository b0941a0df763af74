"""Year-end figures against the seed reports' printed tables, and the counting rules at their edges.

Each register is built to the seed's own description; where a seed's printed number disagrees with
its own counts (rules-reference.md lists where), the test asserts the rule, not the misprint.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from domain.config import Config
from domain.headlines import headlines
from domain.year import FinancialYear, YearError
from reports.export import plain
from reports.layout import show
from store.db.database import open_database
from store.views.figures import year_figures
from tests.registers import CAL, Register, spread

D = date
CFG = Config(user="tester")


def back(day: date, n: int) -> date:
    """The day ``n`` working days before ``day`` (so that elapsed(result, day) == n)."""
    start = day
    while CAL.elapsed(start, day) < n or not CAL.is_working_day(start):
        start -= timedelta(days=1)
    return start


def column(table, name="count"):
    i = table.columns.index(name)
    return {r.key: r.values[i] for r in table.rows}


@pytest.fixture
def db(database_url):
    """Every seed table is counted on SQLite and on PostgreSQL alike."""
    database = open_database(database_url, CFG)
    yield database
    database.close()


def figures(db, first_year, **kw):
    return year_figures(db, CFG, FinancialYear(first_year), as_of=D(2026, 11, 22), **kw)


# -- Cumbria 2014/15 (seed 000), tables 1 to 6 ------------------------------------------------------

CUMBRIA_TYPES = {  # Table 1: 2014/15, 2013/14, 2012/13
    "statutory": (111, 128, 148), "compliment": (56, 53, 57), "corporate": (29, 29, 65),
    "concern": (97, 106, 0), "referred_elsewhere": (79, 53, 39)}
CUMBRIA_THEMES = {  # Table 6, 2014/15: 251 theme mentions over 111 complaints
    "Breach of confidentiality": 9, "Delayed service": 17, "Financial issues": 8,
    "Lack of evidence based information used": 16, "Lack of support for Foster Carers": 2, "Other": 3,
    "Placement issues": 19, "Poor attitude or conduct of staff": 40, "Poor communication": 63,
    "Service provision": 74}


@pytest.fixture
def cumbria(db):
    reg = Register(db)
    for n, first in enumerate((2014, 2013, 2012)):
        for kind, counts in CUMBRIA_TYPES.items():
            if n == 0 and kind == "statutory":
                continue
            for day in spread(counts[n], D(first, 4, 7), 300):
                reg.case(kind, day, channel=None if n else "tbd")
    # 2014/15's Children Act complaints: groups (Table 3), themes (6), Stage 1 response times (4)
    groups = ["child"] * 28 + ["foster_carer"] * 3 + ["parent"] * 77 + ["other"] * 3
    themes: list[list[str]] = [[] for _ in range(111)]
    pointer = 0
    for theme, count in CUMBRIA_THEMES.items():
        for i in range(count):
            themes[(pointer + i) % 111].append(theme)
        pointer += count
    taken = [8] * 26 + [15] * 19 + [30] * 32 + [None] * 34
    for i, day in enumerate(spread(111, D(2014, 4, 7), 150)):
        reg.complaint(day, taken[i], group=groups[i], themes=tuple(themes[i]), channel="tbd")
    # Table 5: 17 Stage 2 investigations concluded in 2014/15, on earlier complaints
    for i, days in enumerate([40] * 3 + [80] * 14):
        cid = reg.case("statutory", D(2011, 6, 3))  # outside the three years of Table 1
        agreed = D(2014, 4, 1) + timedelta(days=i)
        reg.stage(cid, "statutory", 2, agreed - timedelta(days=14), statement_agreed=agreed,
                  responded=CAL.add(agreed, days), accepted=agreed)
    reg.save()
    # Table 2: method of contact for all 372 representations of 2014/15
    channels = ["web_form"] * 20 + ["email"] * 139 + ["letter"] * 113 + ["phone"] * 100
    import sqlalchemy as sa
    with db.write_engine.begin() as conn:
        ids = conn.execute(sa.text('SELECT id FROM "case" WHERE channel = \'tbd\' ORDER BY id')).scalars().all()
        assert len(ids) == 372
        conn.execute(sa.text('UPDATE "case" SET channel = :c WHERE id = :i'),
                     [{"c": c, "i": i} for c, i in zip(channels, ids, strict=True)])
    return db


def test_cumbria_table1_representations_by_type_over_three_years(cumbria):
    table = figures(cumbria, 2014).table("representations_by_type")
    assert table.columns == ["2014/15", "2013/14", "2012/13"]
    for kind, counts in CUMBRIA_TYPES.items():
        assert tuple(table.row(kind).values) == counts
    assert table.row("total").values == [372, 369, 309]


def test_cumbria_table2_method_of_contact(cumbria):
    table = figures(cumbria, 2014).table("contact_channel")
    counts = column(table)
    assert (counts["web_form"], counts["email"], counts["letter"], counts["phone"], counts["total"]) == (
        20, 139, 113, 100, 372)
    pct = column(table, "percent")
    # the seed prints 6% for e-Form; 20 of 372 is 5.4%, which rounds to 5%
    assert [plain(pct[k]) for k in ("web_form", "email", "letter", "phone")] == [5.4, 37.4, 30.4, 26.9]
    assert [show(pct[k]) for k in ("web_form", "email", "letter", "phone")] == ["5%", "37%", "30%", "27%"]


def test_cumbria_table3_complainant_groups(cumbria):
    counts = column(figures(cumbria, 2014).table("complainant_group"))
    assert (counts["child"], counts["foster_carer"], counts["parent"], counts["other"], counts["total"]) == (
        28, 3, 77, 3, 111)


def test_cumbria_table4_stage1_response_times(cumbria):
    table = figures(cumbria, 2014).table("stage1_response_times")
    assert column(table) == {"within_10": 26, "11_to_20": 19, "over_20": 32, "total": 77}
    assert [show(v) for v in column(table, "percent").values()] == ["34%", "25%", "42%", "100%"]


def test_cumbria_table5_stage2_durations(cumbria):
    table = figures(cumbria, 2014).table("stage2_durations")
    counts = column(table)
    assert (counts["within_25"], counts["26_to_65"], counts["over_65"], counts["total"]) == (0, 3, 14, 17)
    assert [show(column(table, "percent")[k]) for k in ("26_to_65", "over_65")] == ["18%", "82%"]
    assert counts["average_working_days"] == Decimal("72.9")  # (3 x 40 + 14 x 80) / 17 = 72.94


def test_cumbria_table6_themes(cumbria):
    table = figures(cumbria, 2014).table("themes")
    counts = column(table)
    assert {k: v for k, v in counts.items() if k != "total"} == CUMBRIA_THEMES
    assert counts["total"] == 251
    assert show(column(table, "percent")["Service provision"]) == "29%"


# -- Doncaster 2017/18 (seed 003): tables 9, 12 and 13 ------------------------------------------------

DONCASTER_THEMES = {  # Table 13: received, upheld or partly upheld
    "Accuracy of Assessment/Reports": (19, 7), "Actions of Worker": (69, 16), "Changes in Social Worker": (6, 3),
    "Decision making": (27, 3), "Delays in receiving services": (23, 13),
    "Delays in sharing Minutes/Reports": (7, 6), "Family time arrangements": (6, 5),
    "Financial assistance": (15, 9), "Poor communication": (49, 35), "Unhappy with placement": (8, 4)}
DONCASTER_REPEATS = {2: 15, 3: 6, 4: 5, 5: 1, 12: 1, 25: 1}  # Table 9: contacts -> people


@pytest.fixture
def doncaster(db):
    reg = Register(db)
    contacts = [f"R{p}-{n}" for n, people in DONCASTER_REPEATS.items() for p in range(people) for _ in range(n)]
    people = [c.split("-")[0] + f"-{c.split('-')[1]}" for c in contacts]
    assert len(people) == 110
    days = spread(229, D(2017, 4, 3), 300)
    n = 0
    for theme, (received, upheld) in DONCASTER_THEMES.items():
        for i in range(received):
            person = people[n] if n < 85 else f"U{n}"  # 85 of the 110 repeat contacts were Stage 1 complaints
            outcome = ("upheld", "partially_upheld")[i % 2] if i < upheld else "not_upheld"
            reg.complaint(days[n], 8, outcome=outcome, themes=(theme,), person=person)
            n += 1
    for i, person in enumerate(people[85:]):
        reg.case("concern", D(2017, 9, 4) + timedelta(days=i), person=person)
    # Table 12: Stage 2 costs. 2017/18: two investigations (77 and 99 working days), one paid in two parts
    for closed, days, costs in ((D(2017, 4, 18), 77, ("5000.00", "1265.11")), (D(2018, 3, 28), 99, ("3027.22",))):
        cid = reg.case("statutory", D(2016, 6, 1))
        sid = reg.stage(cid, "statutory", 2, back(closed, days), responded=closed, accepted=back(closed, days))
        for cost in costs:
            reg.cost(sid, cost)
    for i, cost in enumerate(("4000.00", "4000.00", "4000.00", "4000.00", "4089.91")):  # 2016/17: £20,089.91
        cid = reg.case("statutory", D(2015, 6, 1))
        sid = reg.stage(cid, "statutory", 2, D(2016, 5, 2), responded=D(2016, 9, 1) + timedelta(days=i))
        reg.cost(sid, cost)
    reg.save()
    return db


def test_doncaster_table9_repeat_complainants(doncaster):
    table = figures(doncaster, 2017).table("repeat_complainants")
    assert {k: v for k, v in column(table, "people").items() if k != "total"} == {
        str(n): p for n, p in DONCASTER_REPEATS.items()}
    assert table.row("total").values == [29, 110]


def test_doncaster_table13_themes_with_upheld_or_partly(doncaster):
    table = figures(doncaster, 2017).table("themes")
    counts, upheld = column(table), column(table, "upheld_or_partly")
    assert {k: (counts[k], upheld[k]) for k in DONCASTER_THEMES} == DONCASTER_THEMES
    assert (counts["total"], upheld["total"]) == (229, 101)


def test_doncaster_table12_stage2_costs_exact_and_rounded_half_up(doncaster):
    now, before = figures(doncaster, 2017), figures(doncaster, 2016)
    costs = now.table("costs")
    assert costs.row("stage2").values == [2, Decimal("9292.33"), Decimal("4646.17")]  # 4,646.165 rounds up
    assert before.table("costs").row("stage2").values == [5, Decimal("20089.91"), Decimal("4017.98")]
    assert now.table("stage2_durations").value("average_working_days") == Decimal("88.0")


# -- Cambridgeshire 2017/18 (seed 001): worked with, carried forward, ongoing, reopened -----------------

@pytest.fixture
def cambridgeshire(db):
    reg = Register(db)
    # 2016/17: 164 Stage 1 statutory complaints, 11 still open at 31 March 2017 (answered in April)
    for day in spread(153, D(2016, 4, 4), 200):
        reg.complaint(day, 12)
    carried = [reg.complaint(D(2017, 3, 20) + timedelta(days=i % 4), None) for i in range(11)]
    reg.save()
    import sqlalchemy as sa
    with db.write_engine.begin() as conn:  # answered in April 2017
        conn.execute(sa.text("UPDATE stage SET responded = '2017-04-12', outcome = 'upheld' WHERE case_id IN "
                             f"({','.join(map(str, carried))})"))
    # 2017/18: 190 received, 178 answered in the year, 12 unanswered
    answered = []
    for i, day in enumerate(spread(190, D(2017, 4, 3), 280)):
        cid = reg.complaint(day, 10 if i < 178 else None)
        if i < 178:
            answered.append((cid, CAL.add(day, 10)))
    # 60 of the year's answered complaints reopened: 45 once, 13 twice, 2 three times = 77 reopenings;
    # the last reopening of 4 of them is still open at the year's end
    plan = [1] * 45 + [2] * 13 + [3] * 2
    for n, ((cid, responded), times) in enumerate(zip(answered[:60], plan, strict=True)):
        on = responded
        for r in range(1, times + 1):
            again = CAL.add(on, 3)
            still_open = n < 4 and r == times
            on = CAL.add(again, 5)
            reg.stage(cid, "statutory", 1, again, round=r, responded=None if still_open else on, outcome="upheld")
    # Stage 2 statutory: 5 carried forward, 3 started in the year, 6 concluded, 2 ongoing
    for started, responded in ([(D(2017, 2, 1), D(2017, 5, 2))] * 5 + [(D(2017, 6, 1), D(2017, 9, 1))]
                               + [(D(2018, 1, 8), None)] * 2):
        cid = reg.case("statutory", D(2015, 5, 5))
        reg.stage(cid, "statutory", 2, started, accepted=started, responded=responded)
    # Stage 3 statutory: 1 carried forward, 2 received, all 3 concluded
    for started in (D(2017, 3, 1), D(2017, 5, 1), D(2017, 8, 1)):
        cid = reg.case("statutory", D(2015, 5, 5))
        reg.stage(cid, "statutory", 3, started, accepted=started, responded=CAL.add(started, 40))
    # enquiries: (kind, carried forward, received in the year, ongoing at its end)
    for kind, cf, received, ongoing in (("mp_enquiry", 5, 66, 2), ("councillor_enquiry", 1, 13, 1),
                                        ("concern", 2, 46, 0), ("corporate", 1, 63, 1)):
        for _ in range(cf):
            cid = reg.case(kind, D(2017, 3, 27))
            reg.stage(cid, kind, 1, D(2017, 3, 27), responded=D(2017, 4, 7))
        for i, day in enumerate(spread(received, D(2017, 4, 10), 300)):
            cid = reg.case(kind, day)
            reg.stage(cid, kind, 1, day, responded=None if i < ongoing else CAL.add(day, 8))
    # Ombudsman: 7 received in the year, 5 closed in it
    for i in range(7):
        cid = reg.case("statutory", D(2015, 5, 5))
        reg.lgo(cid, D(2017, 6, 1), D(2017, 11, 1) if i < 5 else None, "outside_jurisdiction" if i < 5 else None)
    reg.save()
    return db


def test_cambridgeshire_worked_with_carried_forward_and_ongoing(cambridgeshire):
    activity = figures(cambridgeshire, 2017).table("stage_activity")
    rows = {r.key: r.values for r in activity.rows}
    # carried forward, received, worked with, concluded, ongoing
    # The seed's text says 16 ongoing (201 - 189 + 4 reopened and still open); its own outcome list says 12,
    # which is what the format's definition gives: worked with and not concluded (answered) by the year's end.
    assert rows["statutory_stage1"] == [11, 190, 201, 189, 12]
    assert rows["statutory_stage2"] == [5, 3, 8, 6, 2]
    assert rows["statutory_stage3"] == [1, 2, 3, 3, 0]
    assert rows["corporate_stage1"] == [1, 63, 64, 63, 1]
    assert rows["mp_enquiry"] == [5, 66, 71, 69, 2]
    assert rows["councillor_enquiry"] == [1, 13, 14, 13, 1]
    assert rows["concern"] == [2, 46, 48, 48, 0]
    assert rows["lgo"] == [0, 7, 7, 5, 2]


def test_cambridgeshire_reopened_complaints(cambridgeshire):
    reopened = column(figures(cambridgeshire, 2017).table("reopened"))
    assert reopened == {"reopened_complaints": 60, "reopenings": 77, "reopened_more_than_once": 15}
    responses = figures(cambridgeshire, 2017).table("stage1_response_times").value("total")
    assert responses == 189  # reopened responses are not counted again


def test_cambridgeshire_headline_in_the_seeds_style(cambridgeshire):
    now, before = figures(cambridgeshire, 2017), figures(cambridgeshire, 2016)
    lines = {h.what: h for h in headlines(now, before)}
    line = lines["Stage 1 statutory complaints received"].line()
    assert line == ("↑ 190 (164) Stage 1 statutory complaints received, a 16% increase; "
                    "12 (11) still ongoing at the year's end")
    assert lines["Stage 1 statutory complaints received"].line(ascii_only=True).startswith("+ 190 (164)")
    assert lines["Ombudsman enquiries worked with"].line() == "↑ 7 (0) Ombudsman enquiries worked with, new this year"


# -- the clock at bank holidays and year boundaries ----------------------------------------------------

def test_responses_count_in_the_year_of_their_date_across_easter(db):
    reg = Register(db)
    # received Thu 26 March 2015, answered Thu 9 April: Good Friday and Easter Monday are not counted
    cid = reg.case("statutory", D(2015, 3, 26))
    reg.stage(cid, "statutory", 1, D(2015, 3, 26), responded=D(2015, 4, 9), outcome="upheld")
    # received and answered on the last day of 2015/16; received on the first day of 2016/17
    cid = reg.case("statutory", D(2016, 3, 31))
    reg.stage(cid, "statutory", 1, D(2016, 3, 31), responded=D(2016, 3, 31), outcome="not_upheld")
    reg.case("statutory", D(2016, 4, 1))
    reg.save()
    y2014, y2015 = figures(db, 2014), figures(db, 2015)
    assert y2014.table("stage1_response_times").value("total") == 0
    assert column(y2015.table("stage1_response_times"))["within_10"] == 2  # 8 working days, and 0
    assert y2014.table("stage_activity").row("statutory_stage1").values == [0, 1, 1, 0, 1]
    assert y2015.table("stage_activity").row("statutory_stage1").values == [1, 1, 2, 2, 0]
    assert y2015.table("representations_by_type").value("statutory", "2015/16") == 1


def test_an_extension_agreed_after_day_10_does_not_rescue_a_late_reply(db):
    reg = Register(db)
    received = D(2022, 5, 23)  # the 2022 jubilee days (2 and 3 June) fall inside these clocks
    on_day_10, on_day_11 = CAL.add(received, 10), CAL.add(received, 11)
    reg.complaint(received, 15, extended_on=on_day_10)  # extended in time: within
    reg.complaint(received, 15, extended_on=on_day_11)  # extended too late: outside
    reg.complaint(received, 21, extended_on=on_day_10)  # beyond 20 even when extended: outside
    reg.complaint(received, 10)  # day 10 itself: within
    reg.save()
    assert CAL.elapsed(received, D(2022, 6, 7)) == 9  # 24-27 May, 30 May-1 June, 6-7 June
    timeliness = column(figures(db, 2022).table("stage1_timeliness"))
    assert timeliness == {"responded": 4, "extended": 3, "within_timescale": 2, "outside_timescale": 2}


def test_a_year_without_data_gives_tables_of_zeros(db):
    f = figures(db, 2030)
    assert f.table("representations_by_type").row("total").values == [0, 0, 0]
    assert f.table("stage1_timeliness").value("responded") == 0
    assert f.table("costs").row("total").values == [0, Decimal("0.00"), None]
    assert all(h.value in (0, None) for h in headlines(f, figures(db, 2029)))


def test_lgo_payments_and_learning_actions(db):
    reg = Register(db)
    cid = reg.case("statutory", D(2023, 5, 2))
    reg.lgo(cid, D(2023, 6, 1), D(2023, 9, 1), "investigated_fault", "250.50")
    reg.lgo(cid, D(2023, 6, 1), D(2023, 10, 2), "investigated_fault", "1000")
    reg.lgo(cid, D(2023, 7, 3), D(2024, 4, 2), "premature", "75")  # closed (and paid) next year
    reg.lgo(cid, D(2023, 2, 1), D(2023, 5, 2), "investigated_fault", "99.99")  # received the year before
    reg.action(cid, D(2023, 8, 1), D(2023, 7, 30))
    reg.action(cid, D(2023, 9, 1))  # never done: overdue
    reg.action(cid, D(2024, 3, 28), D(2024, 4, 5))  # done after the year: overdue at its end
    reg.action(cid, D(2024, 3, 31))  # due on the year's last day: not yet overdue on it
    reg.save()
    lgo = figures(db, 2023).table("lgo")
    assert column(lgo)["received"] == 3 and column(lgo)["closed"] == 3
    assert column(lgo)["investigated_fault"] == 3
    assert lgo.row("payments").values == [3, Decimal("1350.49")]
    assert column(figures(db, 2023).table("actions")) == {"open": 1, "done": 1, "overdue": 2}


# -- the financial year ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["2024", "2024/25", "2024-25", " 2024 / 25 ", "2024/2025"])
def test_years_are_read_in_every_usual_spelling(text):
    year = FinancialYear.parse(text)
    assert (year.label, year.start, year.end) == ("2024/25", D(2024, 4, 1), D(2025, 3, 31))


@pytest.mark.parametrize("text, message", [("2024/26", "did you mean 2024/25"), ("24/25", "not a financial year"),
                                           ("last year", "not a financial year"), ("1850", "out of range")])
def test_a_wrong_year_is_refused_with_a_reason(text, message):
    with pytest.raises(YearError, match=message):
        FinancialYear.parse(text)


def test_percentages_round_half_up_in_displays_and_to_one_place_in_exports():
    assert show(Fraction(1, 8)) == "13%"  # 12.5 -> 13, not banker's 12
    assert plain(Fraction(1, 16)) == 6.3  # 6.25 -> 6.3
    assert show(Fraction(0, 1)) == "0%"


def test_stages_spanning_whole_years_and_declines_across_a_year_end(db):
    reg = Register(db)
    long = reg.case("statutory", D(2015, 5, 5))
    reg.stage(long, "statutory", 2, D(2016, 12, 1), accepted=D(2016, 12, 1), responded=D(2018, 5, 1))
    late = reg.case("statutory", D(2015, 5, 6))
    reg.stage(late, "statutory", 2, D(2018, 3, 28), declined=D(2018, 4, 3))
    still = reg.case("statutory", D(2015, 5, 7))
    reg.stage(still, "statutory", 3, D(2016, 2, 1), accepted=D(2016, 2, 1))  # never answered
    reg.save()
    y2017, y2018 = figures(db, 2017), figures(db, 2018)
    assert y2017.table("stage_activity").row("statutory_stage2").values == [1, 0, 1, 0, 1]
    assert y2018.table("stage_activity").row("statutory_stage2").values == [1, 0, 1, 1, 0]
    assert y2017.table("stage_activity").row("statutory_stage3").values == [1, 0, 1, 0, 1]
    assert column(y2017.table("escalations"))["stage2_requested"] == 1
    assert column(y2017.table("escalations"))["stage2_declined"] == 0
    assert column(y2018.table("escalations"))["stage2_declined"] == 1


def test_stage2_starts_on_the_accepted_requests_date_not_the_statements(db):
    """A request of 20 March 2025, accepted and its statement agreed in April: Stage 2 work began in 2024/25
    (stage_activity counts it received there); the investigation started in 2025/26 (escalations)."""
    reg = Register(db)
    case = reg.case("statutory", D(2025, 1, 6))
    reg.stage(case, "statutory", 2, D(2025, 3, 20), accepted=D(2025, 4, 2), statement_agreed=D(2025, 4, 10))
    unanswered = reg.case("statutory", D(2025, 1, 7))
    reg.stage(unanswered, "statutory", 2, D(2025, 3, 21))  # neither accepted nor declined yet
    reg.save()
    y2024, y2025 = figures(db, 2024), figures(db, 2025)
    assert column(y2024.table("stage_activity"), "received")["statutory_stage2"] == 2
    assert column(y2025.table("stage_activity"), "carried_forward")["statutory_stage2"] == 2
    assert column(y2024.table("escalations"))["stage2_started"] == 0
    assert column(y2025.table("escalations"))["stage2_started"] == 1


def test_a_year_in_progress_is_cut_at_today_and_a_future_year_refused():
    today = D(2026, 11, 29)
    so_far = FinancialYear.parse("2026/27").so_far(today)
    assert (so_far.end, so_far.complete, so_far.months) == (today, False, 8)
    assert so_far.period == "1 April to 29 November 2026"
    assert (so_far.previous.end, so_far.previous.period) == (D(2025, 11, 29), "1 April to 29 November 2025")
    assert FinancialYear(2025).so_far(today) == FinancialYear(2025) and FinancialYear(2025).complete
    assert FinancialYear(2023).so_far(D(2024, 2, 29)).back(1).end == D(2023, 2, 28)
    assert FinancialYear(2026).so_far(D(2027, 1, 15)).period == "1 April 2026 to 15 January 2027"
    with pytest.raises(YearError, match="2027/28 has not started: it begins on 1 April 2027"):
        FinancialYear(2027).so_far(today)


@pytest.mark.parametrize("now, before, change", [(108, 100, "an 8% increase"), (111, 100, "an 11% increase"),
                                                 (118, 100, "an 18% increase"), (185, 100, "an 85% increase"),
                                                 (116, 100, "a 16% increase"), (92, 100, "an 8% reduction"),
                                                 (1900, 100, "a 1800% increase"), (8100, 100, "an 8000% increase"),
                                                 (100, 100, "no change")])
def test_headline_changes_read_as_english(now, before, change):
    from domain.headlines import Headline

    assert Headline("things", now, before).change() == change

"""Table-driven tests of reading reported figures and counts into intervals
(reconcile.normalise.quantities)."""

from __future__ import annotations

import math

import pytest

from reconcile.errors import FieldProblem
from reconcile.models import Interval
from reconcile.normalise.quantities import parse_count, parse_quantity, rounding_step

INF = math.inf
MI = 1.609344
NMI = 1.852
FT = 0.0003048
MACH = 1225.0


def _q(raw: str, unit: str = "km") -> Interval:
    got = parse_quantity(raw, unit)
    assert isinstance(got, Interval), got
    return got


def _same(got: Interval, lo: float, hi: float, best: float) -> None:
    assert (got.lo, got.hi, got.best) == (pytest.approx(lo), pytest.approx(hi), pytest.approx(best))


# (raw, unit, lo, hi, best)
STEP_CASES = [
    pytest.param("500", "km", 475, 525, 500, id="500-step-50"),
    pytest.param("650", "km", 625, 675, 650, id="650-step-50"),
    pytest.param("480", "km", 475, 485, 480, id="480-step-10"),
    pytest.param("2000", "km", 1950, 2050, 2000, id="2000-step-100"),
    pytest.param("7", "km", 6.75, 7.25, 7, id="7-step-0.5"),
    pytest.param("1.5", "km", 1.45, 1.55, 1.5, id="1.5-step-0.1"),
    pytest.param("350 km", "km", 345, 355, 350, id="350-step-10"),
    pytest.param("25 km", "km", 24.5, 25.5, 25, id="25-step-1"),
    pytest.param("0.5 km", "km", 0.475, 0.525, 0.5, id="0.5-step-0.05"),
]


@pytest.mark.parametrize(("raw", "unit", "lo", "hi", "best"), STEP_CASES)
def test_a_bare_number_spans_half_its_rounding_step(raw, unit, lo, hi, best):
    _same(_q(raw, unit), lo, hi, best)


@pytest.mark.parametrize(
    ("x", "step"),
    [(500, 50), (650, 50), (480, 10), (2000, 100), (1050, 50), (100, 10), (7, 0.5), (25, 1), (1.5, 0.1),
     (12, 1), (0.3, 0.01)],
    ids=lambda v: str(v),
)
def test_rounding_step_is_the_largest_step_dividing_x_within_ten_percent(x, step):
    assert rounding_step(x) == pytest.approx(step)
    assert rounding_step(x) <= 0.1 * x + 1e-9


HEDGE_CASES = [
    pytest.param("about 500 km", 450, 550, 500, id="about"),
    pytest.param("around 500km", 450, 550, 500, id="around-no-space"),
    pytest.param("approximately 500 km", 450, 550, 500, id="approximately"),
    pytest.param("approx. 500 km", 450, 550, 500, id="approx-dot"),
    pytest.param("約500キロ", 450, 550, 500, id="ja-yaku"),
    pytest.param("약 500km", 450, 550, 500, id="ko-yak"),
    pytest.param("500여km", 450, 550, 500, id="ko-yeo-suffix"),
    pytest.param("about 7 km", 6.3, 7.7, 7, id="about-widens-past-step"),
    pytest.param("about 2000 km", 1800, 2200, 2000, id="about-2000"),
    pytest.param("more than 500 km", 500, INF, 500, id="more-than"),
    pytest.param("at least 500 km", 500, INF, 500, id="at-least"),
    pytest.param("over 500 km", 500, INF, 500, id="over"),
    pytest.param("500 km or more", 500, INF, 500, id="or-more"),
    pytest.param("500km 이상", 500, INF, 500, id="ko-isang"),
    pytest.param("500キロ以上", 500, INF, 500, id="ja-ijou"),
    pytest.param("less than 500km", 0, 500, 500, id="less-than"),
    pytest.param("under 500 km", 0, 500, 500, id="under"),
    pytest.param("500km 미만", 0, 500, 500, id="ko-miman"),
    pytest.param("between 300 and 350 km", 300, 350, 325, id="between-and"),
    pytest.param("between 350 and 300 km", 300, 350, 325, id="between-reversed"),
    pytest.param("300-350 km", 300, 350, 325, id="hyphen-range"),
    pytest.param("300–350 km", 300, 350, 325, id="en-dash-range"),
    pytest.param("300 to 350 km", 300, 350, 325, id="to-range"),
    pytest.param("300~350km", 300, 350, 325, id="tilde-range"),
    pytest.param("300〜350キロ", 300, 350, 325, id="wave-dash-range-ja"),
    pytest.param("about 500 to 600 km", 450, 660, 550, id="about-range-widens-both-ends"),
]


@pytest.mark.parametrize(("raw", "lo", "hi", "best"), HEDGE_CASES)
def test_hedges(raw, lo, hi, best):
    _same(_q(raw), lo, hi, best)


@pytest.mark.parametrize("raw", ["about 500 km", "around 500km", "약 500km", "約500キロ", "500여km",
                                 "about 7 km", "about 30 minutes"])
def test_about_widens_to_at_least_ten_percent(raw):
    got = parse_quantity(raw, "min" if "minutes" in raw else "km")
    assert isinstance(got, Interval)
    assert got.lo <= 0.9 * got.best + 1e-9
    assert got.hi >= 1.1 * got.best - 1e-9
    assert got.rule.startswith("hedge:about")


UNIT_CASES = [
    pytest.param("500 km", "km", 475, 525, 500, id="km"),
    pytest.param("500 kilometres", "km", 475, 525, 500, id="kilometres"),
    pytest.param("500 kilometers", "km", 475, 525, 500, id="kilometers"),
    pytest.param("310 miles", "km", 305 * MI, 315 * MI, 310 * MI, id="miles"),
    pytest.param("270 nautical miles", "km", 265 * NMI, 275 * NMI, 270 * NMI, id="nautical-miles"),
    pytest.param("500 m", "km", 0.475, 0.525, 0.5, id="metres"),
    pytest.param("4,000m", "km", 3.95, 4.05, 4.0, id="metres-thousands"),
    pytest.param("50,000 feet", "km", 49950 * FT, 50050 * FT, 50000 * FT, id="feet"),
    pytest.param("500 キロ", "km", 475, 525, 500, id="ja-kiro"),
    pytest.param("500キロメートル", "km", 475, 525, 500, id="ja-kiromeetoru"),
    pytest.param("500킬로미터", "km", 475, 525, 500, id="ko-kilometer"),
    pytest.param("Mach 10", "mach", 9.5, 10.5, 10, id="mach"),
    pytest.param("마하 10", "mach", 9.5, 10.5, 10, id="ko-mach"),
    pytest.param("12,000 km/h", "mach", 11950 / MACH, 12050 / MACH, 12000 / MACH, id="km-per-hour"),
    pytest.param("30 minutes", "min", 29.5, 30.5, 30, id="minutes"),
    pytest.param("30 min", "min", 29.5, 30.5, 30, id="min"),
    pytest.param("90 seconds", "min", 87.5 / 60, 92.5 / 60, 1.5, id="seconds"),
    pytest.param("1.5 hours", "min", 87, 93, 90, id="hours"),
    pytest.param("30分", "min", 29.5, 30.5, 30, id="ja-fun"),
    pytest.param("68 minutes", "min", 67.5, 68.5, 68, id="68-minutes"),
]


@pytest.mark.parametrize(("raw", "unit", "lo", "hi", "best"), UNIT_CASES)
def test_units_convert_to_the_canonical_unit(raw, unit, lo, hi, best):
    got = _q(raw, unit)
    assert got.unit == unit
    _same(got, lo, hi, best)


@pytest.mark.parametrize(
    ("raw", "lo", "hi", "best"),
    [
        pytest.param("1,000 km", 950, 1050, 1000, id="comma-thousands"),
        pytest.param("1,500km", 1450, 1550, 1500, id="comma-thousands-no-space"),
        pytest.param("6,000 km", 5950, 6050, 6000, id="comma-6000"),
        pytest.param("1,000キロ", 950, 1050, 1000, id="comma-thousands-ja"),
        pytest.param("１０００ｋｍ", 950, 1050, 1000, id="full-width-digits-and-unit"),
        pytest.param("５００キロ", 475, 525, 500, id="full-width-digits-ja"),
        pytest.param("１，０００km", 950, 1050, 1000, id="full-width-comma"),
        pytest.param("500 km.", 475, 525, 500, id="trailing-full-stop"),
    ],
)
def test_number_forms(raw, lo, hi, best):
    _same(_q(raw), lo, hi, best)


@pytest.mark.parametrize(
    ("raw", "unit", "rule"),
    [
        pytest.param("500", "km", "step:50", id="step"),
        pytest.param("about 500 km", "km", "hedge:about", id="about"),
        pytest.param("more than 500 km", "km", "more-than", id="more"),
        pytest.param("less than 500 km", "km", "less-than", id="less"),
        pytest.param("300-350 km", "km", "range", id="range"),
        pytest.param("310 miles", "km", "step:10;unit:miles", id="unit-recorded"),
    ],
)
def test_the_rule_applied_is_recorded(raw, unit, rule):
    got = _q(raw, unit)
    assert got.rule == rule
    assert got.raw == raw


@pytest.mark.parametrize(
    ("raw", "unit", "words"),
    [
        pytest.param("far", "km", ["no number", "far"], id="no-number"),
        pytest.param("", "km", ["no number"], id="empty"),
        pytest.param("Mach ten", "mach", ["no number", "Mach ten"], id="number-in-words"),
        pytest.param("500 parsecs", "km", ["unknown unit", "parsecs"], id="unknown-unit"),
        pytest.param("about 30 minutes", "km", ["unknown unit", "minutes"], id="unit-of-another-dimension"),
        pytest.param("Mach 10", "km", ["unknown unit", "mach"], id="mach-as-distance"),
        pytest.param("500km", "mach", ["unknown unit", "km"], id="distance-as-speed"),
        pytest.param("500 km 600 km", "km", ["more than one number", "500 km 600 km"], id="two-numbers"),
        pytest.param("-1.2 km", "km", ["negative value"], id="negative"),  # never read as 1.2 km
        pytest.param("−5 km", "km", ["negative value"], id="negative-unicode-minus"),
    ],
)
def test_errors_are_field_problems_naming_the_bad_text(raw, unit, words):
    got = parse_quantity(raw, unit)
    assert isinstance(got, FieldProblem)
    assert got.value == raw
    for word in words:
        assert word in got.reason
    assert repr(raw) in got.reason


@pytest.mark.parametrize("raw", ["a distance of about 500 km", "flew about 500 km"])
def test_a_hedge_after_leading_words_still_widens(raw):
    _same(_q(raw), 450, 550, 500)


def test_korean_thousand_multiplier():
    got = parse_quantity("약 6천km", "km")
    assert isinstance(got, Interval)
    _same(got, 5400, 6600, 6000)


def test_a_speed_is_not_a_distance():
    assert isinstance(parse_quantity("500 km/h", "km"), FieldProblem)


@pytest.mark.parametrize("raw", ["Mach 5 or higher", "Mach 5 or above"])
def test_or_higher_is_open_ended(raw):
    got = parse_quantity(raw, "mach")
    assert isinstance(got, Interval)
    assert (got.lo, got.hi) == (5.0, INF)


# ------------------------------------------------------------------------------------------------------------
# counts

COUNT_CASES = [
    pytest.param("2", 2, 2, id="digit"),
    pytest.param("12", 12, 12, id="two-digits"),
    pytest.param("two", 2, 2, id="word"),
    pytest.param("Two", 2, 2, id="word-capitalised"),
    pytest.param("twelve", 12, 12, id="word-twelve"),
    pytest.param("one", 1, 1, id="one"),
    pytest.param("a ballistic missile", 1, 1, id="a-missile"),
    pytest.param("three missiles", 3, 3, id="word-with-noun"),
    pytest.param("두 발", 2, 2, id="ko-du-bal"),
    pytest.param("두발", 2, 2, id="ko-du-bal-no-space"),
    pytest.param("세 발", 3, 3, id="ko-se-bal"),
    pytest.param("2발", 2, 2, id="ko-digit-bal"),
    pytest.param("二発", 2, 2, id="ja-ni-hatsu"),
    pytest.param("三発", 3, 3, id="ja-san-hatsu"),
    pytest.param("2発", 2, 2, id="ja-digit-hatsu"),
    pytest.param("at least two", 2, INF, id="at-least-two"),
    pytest.param("at least 2", 2, INF, id="at-least-digit"),
    pytest.param("more than two", 2, INF, id="more-than-two"),
    pytest.param("3 or more", 3, INF, id="or-more"),
    pytest.param("2발 이상", 2, INF, id="ko-isang"),
    pytest.param("up to three", 0, 3, id="up-to"),
    pytest.param("about three", 2, 4, id="about-three"),
    pytest.param("2 or 3", 2, 3, id="two-or-three-digits"),
    pytest.param("two or three", 2, 3, id="two-or-three-words"),
    pytest.param("two to three", 2, 3, id="two-to-three"),
    pytest.param("2-3", 2, 3, id="hyphen-range"),
    pytest.param("between two and three", 2, 3, id="between"),
    pytest.param("several", 3, 9, id="several"),
    pytest.param("several missiles", 3, 9, id="several-missiles"),
    pytest.param("multiple", 2, INF, id="multiple"),
    pytest.param("複数", 2, INF, id="ja-fukusuu"),
    pytest.param("수 발", 2, 9, id="ko-su-bal"),
    pytest.param("2 short-range ballistic missiles", 2, 2, id="number-and-description"),
    pytest.param("two short-range ballistic missiles", 2, 2, id="word-and-description"),
    pytest.param("at least three SRBMs", 3, INF, id="at-least-with-description"),
]


@pytest.mark.parametrize(("raw", "lo", "hi"), COUNT_CASES)
def test_counts(raw, lo, hi):
    got = parse_count(raw)
    assert isinstance(got, Interval), got
    assert (got.lo, got.hi) == (lo, hi)
    assert got.unit == "count"
    assert got.lo <= got.best <= got.hi


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("none", id="word-not-a-number"),
        pytest.param("", id="empty"),
        pytest.param("2.5", id="fraction"),
        pytest.param("minus two", id="minus"),
        pytest.param("two missiles and one rocket", id="two-counts"),
    ],
)
def test_count_errors_name_the_text(raw):
    got = parse_count(raw)
    assert isinstance(got, FieldProblem)
    assert repr(raw) in got.reason


@pytest.mark.parametrize(("raw", "lo", "hi"), [("a few", 2, 5), ("a couple of missiles", 2, 3)])
def test_vague_counts_starting_with_a(raw, lo, hi):
    got = parse_count(raw)
    assert isinstance(got, Interval)
    assert (got.lo, got.hi) == (lo, hi)


def test_hyphenated_number_word_is_not_a_range():
    got = parse_count("twenty-one")
    assert isinstance(got, FieldProblem) or (got.lo, got.hi) == (21, 21)


@pytest.mark.parametrize(
    ("raw", "unit", "lo", "hi", "rule"),
    [
        ("500 kilometers (310 miles)", "km", 475.0, 525.0, "step:50"),
        ("some 500 kilometers (about 310 miles)", "km", 450.0, 550.0, "hedge:about"),
        ("1000+ km", "km", 1000.0, math.inf, "more-than"),
        ("Mach 5+", "mach", 5.0, math.inf, "more-than"),
        ("~500 km", "km", 450.0, 550.0, "hedge:about"),
        ("500-odd km", "km", 450.0, 550.0, "hedge:about"),
        ("1 hour 10 minutes", "min", 69.5, 70.5, "compound"),
        ("5분 30초", "min", 5.5 - 1 / 120, 5.5 + 1 / 120, "compound"),
        ("about an hour", "min", 54.0, 66.0, "hedge:about;unit:hour"),
    ],
    ids=["dual-units-one-value", "dual-units-hedged", "plus-suffix", "mach-plus", "tilde", "odd",
         "hours-and-minutes", "korean-minutes-seconds", "an-hour"],
)
def test_more_ways_figures_are_written(raw, unit, lo, hi, rule):
    got = parse_quantity(raw, unit)
    assert isinstance(got, Interval), got
    assert (got.lo, got.hi) == pytest.approx((lo, hi))
    assert got.rule == rule


def test_an_unspecified_number_is_not_one():
    got = parse_count("an unspecified number")
    assert isinstance(got, Interval) and (got.lo, got.hi) == (1.0, math.inf)


@pytest.mark.parametrize(("raw", "unit", "lo", "hi", "best"), [
    ("16.6 ± 2.1 km", "km", 14.5, 18.7, 16.6),
    ("16.6 +/- 2.1", "km", 14.5, 18.7, 16.6),
    ("0.4 ± 0.1 s", "s", 0.3, 0.5, 0.4),
    ("1.2 sec", "s", 1.15, 1.25, 1.2),
    ("250 ms", "s", 0.245, 0.255, 0.25),  # step 10 ms
    ("6.1", "mag", 6.05, 6.15, 6.1),
])
def test_stated_errors_and_the_new_units(raw, unit, lo, hi, best):
    got = parse_quantity(raw, unit)
    assert not isinstance(got, FieldProblem), got
    assert (got.lo, got.hi, got.best) == pytest.approx((lo, hi, best))

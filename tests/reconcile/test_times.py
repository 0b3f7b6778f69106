"""Table-driven tests of reading reported times into intervals of UTC instants (reconcile.normalise.times).

Every case gives the expected interval in UTC and the precision rule: a second is itself, a minute is that
minute (lo .. lo+59 s, best at +30 s), an hour alone is +/- 30 min, a date alone is the whole local day;
"around" widens to at least +/- 5 min.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.errors import FieldProblem
from reconcile.models import Interval
from reconcile.normalise.times import format_instant, parse_time


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: float = 0) -> float:
    return datetime(y, mo, d, h, mi, tzinfo=UTC).timestamp() + s


def minute(y: int, mo: int, d: int, h: int, mi: int) -> tuple[float, float, float]:
    t = utc(y, mo, d, h, mi)
    return t, t + 59, t + 30


def around_minute(y: int, mo: int, d: int, h: int, mi: int) -> tuple[float, float, float]:
    best = utc(y, mo, d, h, mi) + 30
    return best - 300, best + 300, best


def hour(y: int, mo: int, d: int, h: int) -> tuple[float, float, float]:
    t = utc(y, mo, d, h)
    return t - 1800, t + 1800, t


def day(lo: float) -> tuple[float, float, float]:
    return lo, lo + 86399, lo + 86399 / 2


# Issued 2022-01-05 10:00 KST/JST (01:00 UTC): supplies missing dates and years.
REF = utc(2022, 1, 5, 1, 0)
TYO, SEL, HNL, PYO = "Asia/Tokyo", "Asia/Seoul", "Pacific/Honolulu", "Asia/Pyongyang"
P = pytest.param

# (raw, source zone, issued_at, (lo, hi, best) in UTC, precision)
CASES = [
    # ISO 8601
    P("2022-01-05T08:07:00+09:00", "UTC", None, minute(2022, 1, 4, 23, 7), "minute",
                 id="iso-offset-hh:mm:00-is-a-minute"),
    P("2022-01-04T23:07:00Z", TYO, None, minute(2022, 1, 4, 23, 7), "minute", id="iso-Z"),
    P("2022-01-05T08:07", TYO, None, minute(2022, 1, 4, 23, 7), "minute",
                 id="iso-no-offset-source-zone-tokyo"),
    P("2022-01-05T08:07", HNL, None, minute(2022, 1, 5, 18, 7), "minute",
                 id="iso-no-offset-source-zone-honolulu"),
    P("2022-01-05T08:07:30+09:00", "UTC", None, (utc(2022, 1, 4, 23, 7, 30),) * 3, "second",
                 id="iso-seconds"),
    P("2022-01-05T08:07+0900", "UTC", None, minute(2022, 1, 4, 23, 7), "minute", id="iso-basic-offset"),
    P("2022-01-05 08:07:45", SEL, None, (utc(2022, 1, 4, 23, 7, 45),) * 3, "second",
                 id="iso-space-seconds-source-zone"),
    P("2022-01-05", TYO, None, day(utc(2022, 1, 4, 15)), "date", id="iso-date-alone-tokyo-day"),
    P("2022-01-05", "UTC", None, day(utc(2022, 1, 5)), "date", id="iso-date-alone-utc-day"),
    # ISO with a zone abbreviation, and English prose
    P("2022-01-05 08:07 JST", "UTC", None, minute(2022, 1, 4, 23, 7), "minute", id="iso-JST"),
    P("2022-01-05 08:07 KST", "UTC", None, minute(2022, 1, 4, 23, 7), "minute", id="iso-KST"),
    P("around 8:07 a.m. KST on Jan. 5, 2022", "UTC", None, around_minute(2022, 1, 4, 23, 7), "minute",
                 id="around-prose-KST"),
    P("Jan. 4, 2022 3:07 p.m. HST", "UTC", None, minute(2022, 1, 5, 1, 7), "minute",
                 id="HST-pm-crosses-date"),
    P("Wednesday, January 5, 2022 at 8:07 a.m. KST", "UTC", None, minute(2022, 1, 4, 23, 7), "minute",
                 id="weekday-and-at"),
    P("5 January 2022, 08:07 JST", "UTC", None, minute(2022, 1, 4, 23, 7), "minute", id="day-month-year"),
    P("12:30 p.m. Jan 5, 2022 KST", "UTC", None, minute(2022, 1, 5, 3, 30), "minute", id="half-past-noon"),
    P("Jan. 5, 2022", SEL, None, day(utc(2022, 1, 4, 15)), "date", id="prose-date-alone"),
    P("Jan. 5, 2022 8 a.m.", SEL, None, hour(2022, 1, 4, 23), "hour", id="hour-alone"),
    P("8 a.m.", TYO, REF, hour(2022, 1, 4, 23), "hour", id="hour-alone-date-from-issued"),
    P("Jan 4, 2022 8 p.m. HST", "UTC", None, hour(2022, 1, 5, 6), "hour", id="hour-pm-HST"),
    # offsets and local time
    P("Jan. 5, 2022 8:07 UTC+9", "UTC", None, minute(2022, 1, 4, 23, 7), "minute", id="UTC+9"),
    P("Jan. 5, 2022 8:07 (UTC+09:00)", "UTC", None, minute(2022, 1, 4, 23, 7), "minute",
                 id="UTC+09:00-in-brackets"),
    P("Jan 5, 2022 08:07 GMT+9", "UTC", None, minute(2022, 1, 4, 23, 7), "minute", id="GMT+9"),
    P("Jan 5, 2022 08:07 UTC-10", "UTC", None, minute(2022, 1, 5, 18, 7), "minute", id="UTC-10"),
    P("8:07 a.m. local time Jan 5, 2022", PYO, None, minute(2022, 1, 4, 23, 7), "minute",
                 id="local-time-is-source-zone"),
    P("Jan. 5, 2022, at 7:55 a.m. (Japan time)", "UTC", None, minute(2022, 1, 4, 22, 55), "minute",
                 id="japan-time"),
    # Japanese
    P("2022年1月5日 8時07分頃", TYO, None, around_minute(2022, 1, 4, 23, 7), "minute",
                 id="ja-full-goro"),
    P("2022年1月5日午前8時07分", TYO, None, minute(2022, 1, 4, 23, 7), "minute",
                 id="ja-gozen"),
    P("1月5日 8時07分頃", TYO, REF, around_minute(2022, 1, 4, 23, 7), "minute",
                 id="ja-year-from-issued"),
    # Korean
    P("2022년 1월 5일 오전 8시 10분경", SEL, None, around_minute(2022, 1, 4, 23, 10), "minute",
                 id="ko-full-gyeong"),
    P("오전 8시 10분경", SEL, REF, around_minute(2022, 1, 4, 23, 10), "minute",
                 id="ko-time-alone-date-from-issued"),
    P("오전 8시경", SEL, REF, hour(2022, 1, 4, 23), "hour", id="ko-hour-alone-around"),
    P("2022년 1월 5일", SEL, None, day(utc(2022, 1, 4, 15)), "date", id="ko-date-alone"),
    # missing year or date from issued_at
    P("Jan. 5 8:07 a.m. KST", "UTC", REF, minute(2022, 1, 4, 23, 7), "minute", id="year-from-issued"),
    P("Dec. 31 11:00 p.m. KST", "UTC", REF, minute(2021, 12, 31, 14, 0), "minute",
                 id="previous-year-when-this-year-is-future"),
    P("1월 5일", SEL, REF, day(utc(2022, 1, 4, 15)), "date", id="ko-date-year-from-issued"),
    P("오후 3시 10분", SEL, REF, minute(2022, 1, 4, 6, 10), "minute",
                 id="time-later-than-issue-is-the-day-before"),
    P("08:07 KST", "UTC", REF, minute(2022, 1, 4, 23, 7), "minute", id="time-with-zone-date-from-issued"),
]


@pytest.mark.parametrize(("raw", "zone", "ref", "expected", "precision"), CASES)
def test_parse_time(raw, zone, ref, expected, precision):
    got = parse_time(raw, zone_name=zone, ref=ref)
    assert isinstance(got, Interval), got
    lo, hi, best = expected
    assert (format_instant(got.lo), format_instant(got.hi), format_instant(got.best)) == (
        format_instant(lo), format_instant(hi), format_instant(best))
    assert (got.lo, got.hi, got.best) == (pytest.approx(lo, abs=0.5), pytest.approx(hi, abs=0.5),
                                          pytest.approx(best, abs=0.5))
    assert got.rule.split(";")[0] == precision
    assert got.unit == "s"
    assert got.raw == raw


@pytest.mark.parametrize(
    ("raw", "zone", "ref"),
    [
        pytest.param("around 8:07 a.m. KST on Jan. 5, 2022", "UTC", None, id="around"),
        pytest.param("2022年1月5日 8時07分頃", "Asia/Tokyo", None, id="ja-goro"),
        pytest.param("오전 8시 10분경", "Asia/Seoul", REF, id="ko-gyeong"),
    ],
)
def test_around_widens_a_minute_to_at_least_five_minutes_each_side(raw, zone, ref):
    got = parse_time(raw, zone_name=zone, ref=ref)
    assert isinstance(got, Interval)
    assert got.best - got.lo >= 300 and got.hi - got.best >= 300
    assert "around" in got.rule.split(";")


def test_around_does_not_narrow_an_hour():
    got = parse_time("around 8 a.m. Jan. 5, 2022", zone_name="Asia/Seoul")
    assert isinstance(got, Interval)
    assert (got.lo, got.hi) == hour(2022, 1, 4, 23)[:2]


def test_tolerances_come_from_the_caller():
    got = parse_time("around 8:07 a.m. KST on Jan. 5, 2022", zone_name="UTC", around=900, hour_only=600)
    assert isinstance(got, Interval)
    assert got.hi - got.lo == 1800
    h = parse_time("Jan. 5, 2022 8 a.m. KST", zone_name="UTC", hour_only=600)
    assert isinstance(h, Interval)
    assert h.hi - h.lo == 1200


def test_a_stated_zone_beats_the_source_zone():
    a = parse_time("2022-01-05 08:07 KST", zone_name="Pacific/Honolulu")
    b = parse_time("2022-01-05 08:07", zone_name="Pacific/Honolulu")
    assert isinstance(a, Interval) and isinstance(b, Interval)
    assert a.lo == utc(2022, 1, 4, 23, 7)
    assert b.lo == utc(2022, 1, 5, 18, 7)


@pytest.mark.parametrize(
    ("raw", "ref", "words"),
    [
        pytest.param("soon", None, ["soon"], id="no-date-at-all"),
        pytest.param("8:07 a.m.", None, ["issued_at"], id="time-without-date-or-ref"),
        pytest.param("오전 8시 10분경", None, ["issued_at"], id="ko-time-without-date-or-ref"),
        pytest.param("Jan 5", None, ["year", "issued_at"], id="date-without-year-or-ref"),
        pytest.param("", None, ["empty"], id="empty"),
        pytest.param("Feb. 30, 2022", None, ["Feb. 30, 2022"], id="impossible-date"),
        pytest.param("Feb 30 2022 h", 1.64e9, ["not a valid date", "out of range"], id="impossible-date-from-issued"),
        pytest.param("Nov 31, 0001 Z", 1.64e9, ["not a valid date"], id="impossible-date-year-one"),
        pytest.param("9999-12-31", None, ["not a valid date"], id="last-day-of-the-calendar-iso"),
        pytest.param("December 31, 9999", None, ["not a valid date"], id="last-day-of-the-calendar"),
        pytest.param("25:00 Jan 5, 2022", None, ["not a valid date"], id="hour-25"),
        pytest.param("8:07 UTC+99 Jan 5, 2022", None, ["not a zone offset", "UTC+99"], id="offset-beyond-any-zone"),
        pytest.param("9" * 40 + "hours Jan.", None, ["cannot read"], id="absurdly-long-figure"),
    ],
)
def test_errors_are_field_problems(raw, ref, words):
    got = parse_time(raw, zone_name="UTC", ref=ref)
    assert isinstance(got, FieldProblem), got
    for word in words:
        assert word in got.reason


@pytest.mark.parametrize("raw", [pytest.param("2022年1月5日 8時7分", id="ja-8h7m"),
                                 pytest.param("2022年1月5日(水)8時7分", id="ja-weekday-8h7m")])
def test_one_digit_cjk_minute_is_a_minute(raw):
    got = parse_time(raw, zone_name="Asia/Tokyo")
    assert isinstance(got, Interval)
    assert (got.lo, got.hi) == minute(2022, 1, 4, 23, 7)[:2]


def test_day_without_month_takes_month_from_issued_at():
    got = parse_time("5일 오전 8시 10분", zone_name="Asia/Seoul", ref=REF)
    assert isinstance(got, Interval)
    assert (got.lo, got.hi) == minute(2022, 1, 4, 23, 10)[:2]


@pytest.mark.parametrize(
    "raw",
    ["2022-02-30 08:00 KST", "2022-02-30", "2022-13-01T08:00+09:00", "2022-01-05T25:00+09:00", "Feb 30, 2022 8:00"],
    ids=["iso-with-zone-word", "iso-date", "iso-month-13", "iso-hour-25", "words-feb-30"],
)
def test_the_shape_of_a_date_that_is_no_date_is_a_problem_not_a_crash(raw):
    from reconcile.normalise.times import parse_instant

    result = parse_time(raw, zone_name="Asia/Seoul")
    assert isinstance(result, FieldProblem) and raw in result.reason
    assert isinstance(parse_instant(raw, zone_name="Asia/Seoul"), FieldProblem)


REF_WED_2100_JST = datetime(2022, 1, 5, 12, 0, tzinfo=UTC).timestamp()  # Wednesday 5 January 2022, 21:00 JST


@pytest.mark.parametrize(
    ("raw", "start_utc", "precision"),
    [
        ("20220105T0807+0900", "2022-01-04T23:07:00Z", "minute"),
        ("20220105T080712Z", "2022-01-05T08:07:12Z", "second"),
        ("0807 KST", "2022-01-04T23:07:00Z", "minute"),
        ("2307Z Jan 4 2022", "2022-01-04T23:07:00Z", "minute"),
        ("5 Jan 2022 0807L", "2022-01-04T23:07:00Z", "minute"),
        ("1/5/2022 0807 hrs", "2022-01-04T23:07:00Z", "minute"),
        ("12:30 p.m. Jan 5, 2022 KST", "2022-01-05T03:30:00Z", "minute"),
        ("8:07 a.m. Wednesday (2307 GMT Tuesday)", "2022-01-04T23:07:00Z", "minute"),
        ("8:07 a.m. Tuesday", "2022-01-03T23:07:00Z", "minute"),
        ("令和4年1月5日午前8時7分頃", "2022-01-04T23:02:30Z", "minute"),
        ("平成31年4月1日", "2019-03-31T15:00:00Z", "date"),
        ("Jan 5th, 2022 around 8 in the morning", "2022-01-04T22:30:00Z", "hour"),
        ("8 at night Jan 4 2022", "2022-01-04T10:30:00Z", "hour"),
    ],
    ids=["basic-iso-offset", "basic-iso-z", "military-kst", "military-zulu", "military-local", "military-hrs",
         "year-before-zone-is-a-year", "weekday-with-alternate-gmt", "weekday-earlier-in-week", "reiwa-era",
         "heisei-era", "in-the-morning", "at-night"],
)
def test_more_ways_agencies_write_a_time(raw, start_utc, precision):
    result = parse_time(raw, zone_name="Asia/Tokyo", ref=REF_WED_2100_JST)
    assert isinstance(result, Interval), result
    assert format_instant(result.lo) == start_utc
    assert result.rule.split(";")[0] == precision


# --- the direct reading of common English forms is the general reading, faster ---

_HEDGES = st.sampled_from(["", "", "", "around ", "About ", "approximately ", "roughly ", "early ", "approx. "])
_MONTH_WORDS = st.sampled_from(["Jan.", "Jan", "January", "Feb.", "March", "Mar.", "May", "May.", "June", "Jun.",
                                "Sept.", "Sep.", "September", "Oct", "Nov.", "Dec.", "DEC.", "january", "Janx",
                                "August."])
_ZONES = st.sampled_from(["", " KST", " JST", " HST", " kst", " UTC", " GMT", " PYT", " EST", " local time",
                          " UTC+9", " Korea time", "", " KST", " JST"])


@st.composite
def english_times(draw):
    hour = draw(st.integers(0, 23) | st.integers(0, 25))  # mostly real clock times, some not
    minute = draw(st.integers(0, 59) | st.integers(0, 61))
    clock = f"{hour}:{minute:02d}" + draw(st.sampled_from(["", ":00", ":30", ":07.5"]))
    clock += draw(st.sampled_from(["", " a.m.", " p.m.", " AM", " pm", " a. m.", "am", " A.M."]))
    clock += draw(_ZONES)
    date = f"{draw(_MONTH_WORDS)} {draw(st.integers(0, 32))}{draw(st.sampled_from([', ', ' ', ',']))}"
    date += str(draw(st.integers(1990, 2030)))
    hedge = draw(_HEDGES)
    shape = draw(st.sampled_from(["clock-date", "date-clock", "date"]))
    if shape == "date":
        return hedge + date
    if shape == "clock-date":
        return hedge + clock + draw(st.sampled_from([" on ", " ", ", "])) + date
    return hedge + date + draw(st.sampled_from([" ", " at ", ", "])) + clock


@settings(max_examples=1500, deadline=None)
@given(raw=english_times(), zone=st.sampled_from(["Asia/Tokyo", "Asia/Seoul", "Pacific/Honolulu", "UTC"]),
       zero=st.booleans())
def test_the_direct_english_reading_is_the_general_one(raw, zone, zero):
    from reconcile.normalise import times

    fast = times.parse_time.__wrapped__(raw, zone_name=zone, ref=1.6e9, zero_seconds=zero)
    real = times._english
    times._english = lambda *a, **k: None
    try:
        slow = times.parse_time.__wrapped__(raw, zone_name=zone, ref=1.6e9, zero_seconds=zero)
    finally:
        times._english = real
    assert fast == slow


@pytest.mark.parametrize("raw", ["around 8:07 a.m. KST on Jan. 5, 2022", "Jan. 4, 2022 3:07 p.m. HST",
                                 "January 5, 2022", "8:07 a.m. JST Jan 5 2022", "Sept. 1, 2022 at 23:59:30 UTC"])
def test_common_english_forms_take_the_direct_reading(raw):
    from reconcile.normalise import times

    assert isinstance(times._english(raw, raw, "Asia/Tokyo", around=300.0, hour_only=1800.0, zero_seconds=False),
                      Interval)

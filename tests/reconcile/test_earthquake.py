"""The earthquake profile through the one engine: reading agency solutions, association, conflicts and the
preferred-solution consensus. Figures are from the 2011 Tohoku sequence (USGS ComCat, JMA, Global CMT) unless said.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile import load_profile, reconcile_reports
from reconcile.errors import ReportError
from reconcile.models import Interval, Point, Term
from reconcile.normalise import normalise_report
from reconcile.pipeline import explain_pair


@pytest.fixture(scope="module")
def quake():
    return load_profile("earthquake")


def _norm(record, profile):
    return normalise_report({"id": "x", "source": "NEIC", "time": "2011-03-11T05:46:24.12Z", **record}, profile)


# --- reading -------------------------------------------------------------------------------------------------

def test_fields_expand_one_per_magnitude_type(quake):
    assert [n for n in quake.fields if n.startswith("magnitude.")][:4] == [
        "magnitude.Mw", "magnitude.mb", "magnitude.mB", "magnitude.Ms"]
    assert "magnitude" not in quake.fields


@pytest.mark.parametrize(("raw", "field", "best"), [
    ("Mww 9.1", "magnitude.Mw", 9.1),
    ("Mwc 9.1", "magnitude.Mw", 9.1),
    ("mb 7.9", "magnitude.mb", 7.9),
    ("MB 5.1", "magnitude.mb", 5.1),  # the ISC's old spelling of body-wave mb
    ("mB 8.3", "magnitude.mB", 8.3),  # broadband mB is another type, kept apart from mb
    ("MS 8.0", "magnitude.Ms", 8.0),
    ("MJMA 9.0", "magnitude.Mj", 9.0),
    ("ML 3.8", "magnitude.ML", 3.8),
    ("4.5", "magnitude.M", 4.5),
])
def test_magnitude_types(quake, raw, field, best):
    r = _norm({"magnitude": raw}, quake)
    assert list(k for k in r.values if k.startswith("magnitude")) == [field]
    v = r.values[field]
    assert v.best == pytest.approx(best)
    assert (v.lo, v.hi) == pytest.approx((best - 0.2, best + 0.2))  # the profile's default error


def test_a_list_of_magnitudes_and_a_stated_error(quake):
    r = _norm({"magnitude": ["Mw 6.1 ± 0.05", "mb 5.8", {"type": "Ms", "value": 6.0, "error": 0.3}]}, quake)
    assert (r.values["magnitude.Mw"].lo, r.values["magnitude.Mw"].hi) == pytest.approx((6.05, 6.15))
    assert r.values["magnitude.mb"].best == 5.8
    assert (r.values["magnitude.Ms"].lo, r.values["magnitude.Ms"].hi) == pytest.approx((5.7, 6.3))


def test_an_undeclared_magnitude_type_is_kept_and_not_compared(quake):
    r = _norm({"magnitude": ["Mw 6.1", "Mx 3.2"]}, quake)
    assert "magnitude.Mw" in r.values
    assert r.extra["magnitude"] == ["Mx 3.2"]
    assert any("'Mx'" in w and "not compared" in w for w in r.warnings)


@pytest.mark.parametrize(("depth", "assumed", "best"), [
    ("10 km fixed", True, 10.0),
    ("10f", True, 10.0),
    ("33 (fixed)", True, 33.0),
    ("0 km fixed", True, 0.0),
    ("10 km", False, 10.0),
    (16.6, False, 16.6),
    ("16.6 ± 2.1 km", False, 16.6),
    ("-1.5 km", False, -1.5),  # above sea level: the profile declares depth signed
    (-1.5, False, -1.5),
])
def test_fixed_depths_are_assumptions(quake, depth, assumed, best):
    v = _norm({"depth": depth}, quake).values["depth"]
    assert v.assumed is assumed
    assert v.best == pytest.approx(best)


def test_stated_errors_widen_values_and_defaults_apply_without_them(quake):
    r = _norm({"time_error": 0.5, "latitude": 38.297, "longitude": 142.373, "location_error": "6.2 km",
               "depth": "29 km", "depth_error": 3.2}, quake)
    t = r.values["time"]
    assert (t.hi - t.lo) == pytest.approx(1.0) and "error:0.5" in t.rule
    assert r.values["epicentre"].radius == pytest.approx(6.2)
    assert (r.values["depth"].lo, r.values["depth"].hi) == pytest.approx((25.8, 32.2))
    bare = _norm({"latitude": 38.297, "longitude": 142.373, "depth": "29 km"}, quake)
    assert (bare.values["time"].hi - bare.values["time"].lo) == pytest.approx(2.0)
    assert "default-error:1" in bare.values["time"].rule
    assert bare.values["epicentre"].radius == pytest.approx(10.0)


def test_positions_from_either_form(quake):
    a = _norm({"latitude": "36.12S", "longitude": "72.90W"}, quake).values["epicentre"]
    b = _norm({"latitude": "36.12S 72.90W"}, quake).values["epicentre"]
    c = _norm({"epicentre": "36.12S, 72.90W"}, quake).values["epicentre"]
    for p in (a, b, c):
        assert isinstance(p, Point) and (p.lat, p.lon) == pytest.approx((-36.12, -72.90))


def test_local_times_with_fractions(quake):
    r = normalise_report({"id": "j", "source": "気象庁", "time": "2011-03-11 14:46:18.1"}, quake)
    assert r.source == "JMA"
    assert r.values["time"].best == pytest.approx(1299822378.1)  # 05:46:18.1 UTC: JMA's zone is Tokyo


@pytest.mark.parametrize(("record", "field", "reason"), [
    ({"latitude": 123.4, "longitude": 142.0}, "latitude", "outside -90..90"),
    ({"latitude": 38.0}, "longitude", "missing"),
    ({"latitude": 38.0, "longitude": "far east"}, "longitude", "not a coordinate"),
    ({"depth": "deep"}, "depth", "no number"),
    ({"magnitude": "big"}, "magnitude", "expected a type and a figure"),
    ({"time": "yesterday-ish"}, "time", "cannot read"),
    ({"time_error": "soon"}, "time_error", "no number"),
    ({"depth": "10 km", "depth_error": -2}, "depth_error", "not an error"),
])
def test_bad_records_name_the_field(quake, record, field, reason):
    with pytest.raises(ReportError) as err:
        _norm(record, quake)
    problems = {p.field: p.reason for p in err.value.problems}
    assert field in problems and reason in problems[field], problems


# --- association ---------------------------------------------------------------------------------------------

MAIN = [  # 2011-03-11 Tohoku mainshock
    {"id": "usp000hvnu", "source": "USGS", "time": "2011-03-11T05:46:24.12Z", "latitude": 38.297,
     "longitude": 142.373, "depth": "29 km", "magnitude": "Mww 9.1"},
    {"id": "jma-20110311144618", "source": "JMA", "time": "2011-03-11 14:46:18.1 JST", "latitude": "38°06.2'N",
     "longitude": "142°51.6'E", "depth": "24 km", "magnitude": ["MJMA 9.0", "Mw 9.0"]},
    {"id": "gcmt-C201103110546A", "source": "GCMT", "time": "2011-03-11T05:47:32.8Z", "latitude": 37.52,
     "longitude": 143.05, "depth": "20 km", "magnitude": "Mw 9.1", "solution": "centroid"},
    {"id": "usp000hvnu-ww", "source": "USGS", "time": "2011-03-11T05:47:31Z", "latitude": 37.6,
     "longitude": 143.0, "depth": "20 km", "magnitude": "Mww 9.1", "solution": "W-phase moment tensor"},
]
AFTER = [  # the Ibaraki-oki aftershock 29 minutes later, and the outer-rise one 10 minutes after that
    {"id": "usp000hvpf", "source": "USGS", "time": "2011-03-11T06:15:40.28Z", "latitude": 36.281,
     "longitude": 141.111, "depth": "42.6 km", "magnitude": "Mww 7.9"},
    {"id": "jma-20110311151534", "source": "JMA", "time": "2011-03-11 15:15:34.4 JST", "latitude": 36.12,
     "longitude": 141.25, "depth": "43 km", "magnitude": "MJMA 7.6"},
    {"id": "usp000hvpp", "source": "USGS", "time": "2011-03-11T06:25:50.30Z", "latitude": 38.058,
     "longitude": 144.590, "depth": "19.7 km", "magnitude": "Mw 7.7"},
    {"id": "jma-20110311152544", "source": "JMA", "time": "2011-03-11 15:25:44.0 JST", "latitude": 37.84,
     "longitude": 144.89, "depth": "34 km", "magnitude": "MJMA 7.5"},
]


def _events(records, profile):
    result = reconcile_reports(records, profile)
    assert not result.rejects, [r.errors for r in result.rejects]
    return result, {frozenset(r.id for r in e.reports) for e in result.events}


def test_a_quake_with_hypocentres_and_centroids_is_one_event(quake):
    _, events = _events(MAIN, quake)
    assert events == {frozenset(r["id"] for r in MAIN)}  # USGS twice: its hypocentre and its centroid


def test_aftershocks_stay_apart(quake):
    _, events = _events(MAIN + AFTER, quake)
    assert events == {frozenset(r["id"] for r in MAIN), frozenset({"usp000hvpf", "jma-20110311151534"}),
                      frozenset({"usp000hvpp", "jma-20110311152544"})}


def test_two_hypocentres_of_one_agency_never_share_an_event(quake):
    # a burst: two M4.6 events 40 s apart and 15 km apart, each located by two agencies
    records = [
        {"id": "a1", "source": "NEIC", "time": "2016-04-16T01:46:10Z", "latitude": 32.90, "longitude": 130.90,
         "magnitude": "mb 4.6"},
        {"id": "b1", "source": "EMSC", "time": "2016-04-16T01:46:11.5Z", "latitude": 32.92, "longitude": 130.88,
         "magnitude": "mb 4.5"},
        {"id": "a2", "source": "NEIC", "time": "2016-04-16T01:46:50Z", "latitude": 33.02, "longitude": 130.95,
         "magnitude": "mb 4.6"},
        {"id": "b2", "source": "EMSC", "time": "2016-04-16T01:46:51Z", "latitude": 33.03, "longitude": 130.97,
         "magnitude": "mb 4.6"},
    ]
    _, events = _events(records, quake)
    assert events == {frozenset({"a1", "b1"}), frozenset({"a2", "b2"})}


def test_windows_widen_with_magnitude(quake):
    # the same 25 s between two agencies' origin times: apart for an M4.5, together for an M7.5
    def pair(mag):
        return [{"id": "p", "source": "NEIC", "time": "2020-01-01T00:00:00Z", "latitude": 10.0, "longitude": 120.0,
                 "magnitude": f"Mw {mag}"},
                {"id": "q", "source": "GFZ", "time": "2020-01-01T00:00:25Z", "latitude": 10.1, "longitude": 120.1,
                 "magnitude": f"Mw {mag}"}]
    assert len(_events(pair(4.5), quake)[1]) == 2
    assert len(_events(pair(7.5), quake)[1]) == 1
    small = explain_pair(*[normalise_report(r, quake) for r in pair(4.5)], quake)
    assert small.decision == "split" and "window" in small.reason


def test_a_revision_replaces_the_first_solution(quake):
    records = [
        {"id": "emsc-auto", "source": "EMSC", "time": "2023-02-06T01:17:36Z", "latitude": 37.1,
         "longitude": 37.2, "magnitude": "Mw 7.4", "issued_at": "2023-02-06T01:30:00Z"},
        {"id": "emsc-rev", "source": "CSEM", "supersedes": "emsc-auto", "time": "2023-02-06T01:17:35.8Z",
         "latitude": 37.17, "longitude": 37.08, "magnitude": "Mw 7.8", "issued_at": "2023-02-06T03:00:00Z"},
        {"id": "us6000jllz", "source": "us", "time": "2023-02-06T01:17:34.9Z", "latitude": 37.226,
         "longitude": 37.014, "depth": "10 km fixed", "magnitude": "Mww 7.8"},
    ]
    result, events = _events(records, quake)
    assert events == {frozenset({"emsc-auto", "emsc-rev", "us6000jllz"})}
    event = result.events[0]
    assert set(event.current) == {"emsc-rev", "us6000jllz"}
    assert [h.report for h in event.history] == ["emsc-auto"]
    assert not any(c.field == "magnitude.Mw" for c in event.conflicts)  # the revised 7.8 agrees with USGS


# --- conflicts -----------------------------------------------------------------------------------------------

def _conflicts(records, profile):
    result, events = _events(records, profile)
    assert len(events) == 1, events
    return {c.field: c for c in result.events[0].conflicts}, result.events[0]


BASE_A = {"id": "a", "source": "NEIC", "time": "2020-05-01T10:00:00.0Z", "latitude": 35.0, "longitude": 140.0,
          "depth": "30 km", "magnitude": "Mw 6.5"}
BASE_B = {"id": "b", "source": "GFZ", "time": "2020-05-01T10:00:00.0Z", "latitude": 35.0, "longitude": 140.0,
          "depth": "30 km", "magnitude": "Mw 6.5"}


@pytest.mark.parametrize(("change", "field", "severity"), [
    ({}, None, None),
    ({"time": "2020-05-01T10:00:01.5Z"}, None, None),  # within both default errors (±1 s)
    ({"time": "2020-05-01T10:00:04Z"}, "time", "minor"),
    ({"time": "2020-05-01T10:00:12Z"}, "time", "major"),  # more than 10 s apart
    ({"latitude": 35.15}, None, None),  # 17 km: within 10 + 10 km
    ({"latitude": 35.3}, "epicentre", "minor"),  # 33 km
    ({"latitude": 35.5}, "epicentre", "major"),  # 56 km: past 50 km
    ({"depth": "45 km"}, "depth", "minor"),
    ({"depth": "65 km"}, "depth", "major"),  # 35 km deeper
    ({"depth": "65 km fixed"}, None, None),  # a fixed depth is never compared
    ({"magnitude": "Mw 6.8"}, None, None),  # within ±0.2 each
    ({"magnitude": "Mw 7.0"}, "magnitude.Mw", "minor"),
    ({"magnitude": "Mw 7.1"}, "magnitude.Mw", "major"),  # 0.6 apart
    ({"magnitude": "mb 5.6"}, None, None),  # mb beside Mw: another type, never flagged
    ({"event_type": "explosion"}, "event_type", "major"),
])
def test_conflict_rules(quake, change, field, severity):
    conflicts, _ = _conflicts([{**BASE_A, "event_type": "earthquake"}, {**BASE_B, **change}], quake)
    if field is None:
        assert not conflicts, {f: c.message for f, c in conflicts.items()}
    else:
        assert set(conflicts) == {field} and conflicts[field].severity == severity, conflicts[field].message


def test_centroids_are_compared_with_centroids_only(quake):
    conflicts, event = _conflicts(MAIN, quake)
    # the centroids lie 70 s and 90 km from the hypocentres: neither time nor epicentre is a conflict for that
    assert "time" not in conflicts or "centroids" not in conflicts["time"].message
    for c in conflicts.values():
        assert {v.report for v in c.values} <= {"usp000hvnu", "jma-20110311144618"}, c.message
    # USGS (JMA's 38.10N 142.86E lies 48 km away: a minor epicentre conflict between hypocentres)
    assert conflicts["epicentre"].severity == "minor"
    assert "hypocentres" in event.consensus["time"].reason


def test_the_consensus_names_its_preferred_solution(quake):
    records = [*MAIN, {"id": "isc-1", "source": "ISC", "time": "2011-03-11T05:46:23.28Z", "latitude": 38.30,
                       "longitude": 142.50, "depth": "19.7 km", "time_error": 0.2}]
    result, _ = _events(records, quake)
    cons = result.events[0].consensus
    assert cons["time"].preferred == "ISC/isc-1"
    assert "highest-ranked agency" in cons["time"].reason
    assert cons["time"].best == pytest.approx(1299822383.28)
    assert cons["epicentre"].preferred == "ISC/isc-1"
    assert (cons["epicentre"].lat, cons["epicentre"].lon) == pytest.approx((38.30, 142.50))


def test_assumed_depths_alone_make_a_consensus_without_conflict(quake):
    conflicts, event = _conflicts([{**BASE_A, "depth": "10 km fixed"}, {**BASE_B, "depth": "33 km fixed"}], quake)
    assert "depth" not in conflicts
    assert "assumed" in event.consensus["depth"].reason


# --- properties ----------------------------------------------------------------------------------------------

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.permutations(MAIN + AFTER))
def test_order_does_not_matter(quake, records):
    want = _events(MAIN + AFTER, quake)[1]
    assert _events(list(records), quake)[1] == want


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(MAIN + AFTER), st.sampled_from(MAIN + AFTER))
def test_scoring_is_symmetric(quake, a, b):
    ra, rb = normalise_report(a, quake), normalise_report(b, quake)
    assert explain_pair(ra, rb, quake).score == pytest.approx(explain_pair(rb, ra, quake).score)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(MAIN + AFTER))
def test_values_keep_their_provenance(quake, record):
    r = normalise_report(record, quake)
    for value in r.values.values():
        assert isinstance(value, Interval | Point | Term)
        assert value.raw and value.rule


def test_explain_tells_solution_kinds_apart(quake):
    hypo, centroid = (normalise_report(r, quake) for r in (MAIN[0], MAIN[3]))  # USGS hypocentre and W-phase
    joined = explain_pair(hypo, centroid, quake)
    assert joined.decision == "join" and "never share" not in joined.reason
    other = normalise_report({**MAIN[0], "id": "another", "time": "2011-03-11T05:46:25Z"}, quake)
    split = explain_pair(hypo, other, quake)
    assert split.decision == "split" and "NEIC (hypocentres)" in split.reason


def test_a_preferred_best_comes_with_its_own_range(quake):
    # EMSC 10 km and JMA 16 km agree (±5 each); JMA is preferred: 16 km within JMA's 11..21, not the overlap 11..15
    records = [{**BASE_A, "source": "EMSC", "depth": "10 km"}, {**BASE_B, "source": "JMA", "depth": "16 km"},
               {**BASE_B, "id": "c", "source": "NEIC", "depth": "10 km fixed"}]
    _, event = _conflicts(records, quake)
    depth = event.consensus["depth"]
    assert depth.agree and depth.preferred == "JMA/b"
    assert depth.low <= depth.best <= depth.high
    assert (depth.best, depth.low, depth.high) == pytest.approx((16.0, 11.0, 21.0))


def test_the_kind_of_solution_counts_reports_that_give_none(quake):
    # two hypocentres that say nothing of their kind and one centroid: mostly hypocentres, and no conflict
    records = [BASE_A, BASE_B, {**BASE_B, "id": "g", "source": "GCMT", "solution": "centroid",
                                "time": "2020-05-01T10:00:04Z"}]
    conflicts, event = _conflicts(records, quake)
    assert "solution" not in conflicts
    assert event.consensus["solution"].code == "hypocentre"


def test_one_solution_gives_the_origin(quake):
    """Time, epicentre and depth come from one solution (an origin no agency computed is no origin): the one
    preferred for the time, unless it gives no measured value for a field."""
    records = [
        {"id": "isc", "source": "ISC", "time": "2020-05-01T10:00:00.4Z", "time_error": 0.2, "latitude": 35.02,
         "longitude": 140.0, "location_error": 12.0, "depth": "10 km fixed", "magnitude": "mb 6.0"},
        {"id": "neic", "source": "NEIC", "time": "2020-05-01T10:00:00.0Z", "latitude": 35.0, "longitude": 140.01,
         "location_error": 4.0, "depth": "33 km", "magnitude": "mb 6.1"},
    ]
    _, event = _conflicts(records, quake)
    cons = event.consensus
    assert cons["time"].preferred == "ISC/isc"
    assert cons["epicentre"].preferred == "ISC/isc"  # though NEIC's is the smaller ellipse
    assert "preferred for time" in cons["epicentre"].reason
    assert cons["depth"].preferred == "NEIC/neic"  # ISC's depth is fixed
    assert "gives no measured value" in cons["depth"].reason


def test_a_time_to_the_minute_is_not_preferred(quake):
    records = [{**BASE_A, "time": "2020-05-01T10:00Z", "magnitude": "Mw 6.5"},  # NEIC, to the minute
               {**BASE_B, "time": "2020-05-01T10:00:32.4Z"}]  # GFZ, to the tenth of a second
    _, event = _conflicts(records, quake)
    assert event.consensus["time"].preferred == "GFZ/b"
    assert event.consensus["time"].best == pytest.approx(1588327232.4)
    assert "NEIC" in event.consensus["time"].reason


@pytest.mark.parametrize(("depth", "lo", "hi"), [
    ("700 km", 695.0, 705.0),  # a bulletin's 700 km is 700 (default error ±5), not "about 700" (±25)
    ("6.0 km", 1.0, 11.0),
    ("about 700 km", 630.0, 770.0),  # a hedge is still a hedge
])
def test_depths_are_known_to_their_last_digit(quake, depth, lo, hi):
    v = _norm({"depth": depth}, quake).values["depth"]
    assert (v.lo, v.hi) == pytest.approx((lo, hi))


def test_magnitudes_of_unknown_type_are_never_compared(quake):
    conflicts, event = _conflicts([{**BASE_A, "magnitude": "4.5"}, {**BASE_B, "magnitude": "M 5.3"}], quake)
    assert "magnitude.M" not in conflicts
    assert event.consensus["magnitude.M"].reason == "shown, not compared"


def test_a_disputed_type_takes_the_weightier_agency(quake):
    # GFZ (1.5) says explosion, NEIC (2) earthquake: a major conflict, and the consensus is NEIC's
    conflicts, event = _conflicts([{**BASE_A, "event_type": "earthquake"}, {**BASE_B, "event_type": "explosion"}],
                                  quake)
    assert conflicts["event_type"].severity == "major"
    assert event.consensus["event_type"].code == "earthquake"


def test_explain_and_conflicts_agree_on_touching_intervals(quake):
    # NIED Mw 8.7 and NEIC Mw 9.1, each ±0.2: the intervals touch (8.7 + 0.2 = 9.1 - 0.2 to a rounding error)
    a, b = {**BASE_A, "magnitude": "Mw 9.1"}, {**BASE_B, "source": "NIED", "magnitude": "Mw 8.7"}
    conflicts, _ = _conflicts([a, b], quake)
    assert "magnitude.Mw" not in conflicts
    pair = explain_pair(normalise_report(a, quake), normalise_report(b, quake), quake)
    evidence = {e.field: e for e in pair.evidence}
    assert evidence["magnitude.Mw"].weight > 0, evidence["magnitude.Mw"].reason

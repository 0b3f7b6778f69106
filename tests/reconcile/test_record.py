"""One input record to one normalised Report, or a ReportError naming every problem
(reconcile.normalise.record)."""

from __future__ import annotations

import math

import pytest

from reconcile import ReportError, normalise_report
from reconcile.models import Interval, Term

T = "2022-01-05T08:07+09:00"


def _problems(record, profile) -> dict[str, str]:
    with pytest.raises(ReportError) as info:
        normalise_report(record, profile)
    return {p.field: p.reason for p in info.value.problems}


def test_a_good_record(profile):
    record = {"id": "jmod-1", "source": "Japan Ministry of Defense", "time": T,
              "issued_at": "2022-01-05T09:00+09:00", "distance": "about 500 km", "event_type": "SRBM",
              "launch_site": "Sunan area, Pyongyang", "landing_area": "Sea of Japan, outside Japan's EEZ",
              "count": "two", "text": "Two SRBMs."}
    r = normalise_report(record, profile, position=3, origin="in.jsonl", line=4)
    assert r.key == ("JMOD", "jmod-1")
    assert r.source_raw == "Japan Ministry of Defense"
    assert r.issued_at == 1641340800.0  # 2022-01-05 00:00 UTC
    distance = r.values["distance"]
    assert isinstance(distance, Interval) and (distance.lo, distance.hi) == (450, 550)
    assert r.values["event_type"] == Term("srbm", "SRBM", "alias")
    assert r.values["launch_site"].code == "sunan"
    assert r.values["landing_area"].qualifier == "outside:japan_eez"
    assert r.values["count"].lo == r.values["count"].hi == 2
    assert r.text == "Two SRBMs."
    assert (r.position, r.origin) == (3, "in.jsonl")
    assert r.extra == {} and r.warnings == ()


def test_unknown_fields_are_kept_in_extra(profile):
    r = normalise_report({"id": "a", "source": "JMOD", "time": T, "foo": "bar", "nested": {"x": [1, 2]},
                          "warhead": None}, profile)
    assert r.extra == {"foo": "bar", "nested": {"x": [1, 2]}, "warhead": None}
    assert "foo" not in r.values


def test_every_problem_is_reported_at_once_with_field_names(profile):
    record = {"distance": "far", "time": "soon", "count": [1, 2], "apogee": "50 parsecs"}
    with pytest.raises(ReportError) as info:
        normalise_report(record, profile, origin="in.jsonl", line=7)
    err = info.value
    problems = {p.field: p for p in err.problems}
    assert set(problems) == {"id", "source", "distance", "time", "count", "apogee"}
    assert problems["id"].reason == "missing" and problems["source"].reason == "missing"
    assert "'far'" in problems["distance"].reason and problems["distance"].value == "far"
    assert "'soon'" in problems["time"].reason
    assert "list" in problems["count"].reason and problems["count"].value == [1, 2]
    assert "parsecs" in problems["apogee"].reason
    assert (err.file, err.line, err.report_id, err.source) == ("in.jsonl", 7, None, None)
    assert str(err).startswith("in.jsonl:7: report: ")
    assert "distance: no number in 'far'" in str(err)


def test_the_error_names_the_report_and_its_canonical_source(profile):
    with pytest.raises(ReportError) as info:
        normalise_report({"id": "x1", "source": "防衛省", "time": T, "distance": "far"}, profile)
    assert (info.value.report_id, info.value.source) == ("x1", "JMOD")
    assert str(info.value) == "report 'x1' from 'JMOD': distance: no number in 'far'"
    assert info.value.problems[0].as_dict() == {"field": "distance", "reason": "no number in 'far'",
                                                "value": "far"}


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        pytest.param("distance", 500, (475, 525), id="int-distance-like-its-text"),
        pytest.param("distance", 500.0, (475, 525), id="float-distance"),
        pytest.param("distance", "500", (475, 525), id="string-distance"),
        pytest.param("apogee", 50.5, (50.25, 50.75), id="decimal-apogee"),
        pytest.param("count", 2, (2, 2), id="int-count"),
        pytest.param("count", 2.0, (2, 2), id="integral-float-count"),
        pytest.param("count", "2", (2, 2), id="string-count"),
    ],
)
def test_numbers_and_strings_read_alike(profile, field, value, expected):
    r = normalise_report({"id": "a", "source": "JMOD", "time": T, field: value}, profile)
    v = r.values[field]
    assert isinstance(v, Interval)
    assert (v.lo, v.hi) == expected


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        pytest.param("distance", -5, "negative", id="negative-distance"),
        pytest.param("distance", math.nan, "finite", id="nan-distance"),
        pytest.param("distance", True, "bool", id="bool-distance"),
        pytest.param("count", 2.5, "not a count", id="fractional-count"),
        pytest.param("count", -1, "not a count", id="negative-count"),
        pytest.param("time", 1641337620, "must be text", id="numeric-time"),
        pytest.param("launch_site", {"name": "Sunan"}, "dict", id="object-place"),
    ],
)
def test_bad_values(profile, field, value, words):
    problems = _problems({"id": "a", "source": "JMOD", "time": T, field: value}, profile)
    assert list(problems) == [field]
    assert words in problems[field]


def test_numeric_ids_are_text(profile):
    r = normalise_report({"id": 7, "source": "JMOD", "time": T, "supersedes": 6}, profile)
    assert (r.id, r.supersedes) == ("7", "6")


def test_a_boolean_id_is_refused(profile):
    assert "id" in _problems({"id": True, "source": "JMOD", "time": T}, profile)


def test_blank_id_and_source_are_missing(profile):
    assert _problems({"id": "  ", "source": "", "time": T}, profile) == {"id": "missing", "source": "missing"}


def test_a_record_must_be_an_object(profile):
    assert _problems(["not", "a", "dict"], profile) == {"record": "expected an object, got list"}


def test_neither_time_nor_issued_at_is_refused_naming_the_field(profile):
    problems = _problems({"id": "a", "source": "JMOD", "distance": "500 km"}, profile)
    assert list(problems) == ["time"]
    assert "issued_at" in problems["time"]


def test_issued_at_alone_places_the_report(profile):
    r = normalise_report({"id": "a", "source": "JMOD", "issued_at": "2022-01-05T09:00+09:00"}, profile)
    assert "time" not in r.values and r.issued_at == 1641340800.0


def test_a_bad_issued_at_is_a_problem_of_its_own(profile):
    problems = _problems({"id": "a", "source": "JMOD", "issued_at": "garbage"}, profile)
    assert list(problems) == ["issued_at"]
    assert "'garbage'" in problems["issued_at"]


def test_issued_at_supplies_the_date_in_the_sources_zone(profile):
    r = normalise_report({"id": "a", "source": "합참", "issued_at": "2022-01-05T10:00+09:00",
                          "time": "오전 8시 10분경"}, profile)
    t = r.values["time"]
    assert isinstance(t, Interval) and t.best == 1641337830.0  # 2022-01-05 08:10:30 KST


def test_unknown_source_and_vocabulary_give_warnings_not_errors(profile):
    r = normalise_report({"id": "a", "source": "Reuters", "time": T, "event_type": "artillery"}, profile)
    assert r.source == "Reuters"
    assert r.values["event_type"].code == ""
    assert any("Reuters" in w for w in r.warnings)
    assert any("artillery" in w for w in r.warnings)


def test_missing_time_is_reported_alongside_other_problems(profile):
    problems = _problems({"source": "JMOD", "distance": "500 km"}, profile)
    assert set(problems) == {"id", "time"}


def test_a_time_after_the_issue_is_kept_with_a_warning(profile):
    report = normalise_report({"id": "a", "source": "JMOD", "issued_at": "2022-01-05T09:00+09:00",
                               "time": "2022-01-06 08:07 JST"}, profile)
    assert "time" in report.values
    assert any("after the report was issued" in w for w in report.warnings)
    fine = normalise_report({"id": "b", "source": "JMOD", "issued_at": "2022-01-05T09:00+09:00",
                             "time": "2022-01-05 08:07 JST"}, profile)
    assert fine.warnings == ()

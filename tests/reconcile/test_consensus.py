"""Reconciling one event: conflicts and their severities, the latest revision, consensus values
(reconcile.consensus)."""

from __future__ import annotations

import pytest

from reconcile import normalise_report, reconcile_reports
from reconcile.consensus import reconcile_event
from reconcile.models import Conflict, Consensus

T = "2022-01-05T08:07+09:00"


def _reconcile(profile, *records: dict) -> tuple[dict[str, Consensus], list[Conflict], list, list]:
    return reconcile_event([normalise_report(r, profile) for r in records], profile)


def _pair(profile, field: str, a, b, sources=("JMOD", "KCNA")) -> tuple[Conflict | None, Consensus]:
    ra = {"id": "a", "source": sources[0], "time": T, field: a}
    rb = {"id": "b", "source": sources[1], "time": T, field: b}
    consensus, conflicts, _, _ = _reconcile(profile, ra, rb)
    found = [c for c in conflicts if c.field == field]
    assert len(found) <= 1, "one conflict per (event, field)"
    assert [c.field for c in conflicts if c.field != field] == []
    return (found[0] if found else None), consensus[field]


# (field, value a, value b, expected severity or None)
SEVERITY_CASES = [
    # quantities: major when the gap exceeds 10% of the larger value
    pytest.param("distance", "500", "about 500 km", None, id="distance-bare-vs-about-same"),
    pytest.param("distance", "about 500 km", "700 km", "major", id="distance-about-500-vs-700-major"),
    pytest.param("distance", "480", "500", None, id="distance-480-overlaps-500"),
    pytest.param("distance", "500", "540", "minor", id="distance-small-gap-minor"),
    pytest.param("distance", "310 miles", "500 km", None, id="distance-miles-vs-km-overlap"),
    pytest.param("distance", "more than 500 km", "700 km", None, id="distance-open-ended-contains"),
    pytest.param("distance", "less than 500 km", "700 km", "major", id="distance-less-than-vs-above"),
    pytest.param("apogee", "about 50 km", "60 km", "minor", id="apogee-minor"),
    pytest.param("speed", "Mach 5", "Mach 10", "major", id="speed-major"),
    pytest.param("flight_time", "about 30 minutes", "35 minutes", "minor", id="flight-time-minor"),
    # counts: any non-overlap is major
    pytest.param("count", "2", "3", "major", id="count-2-vs-3-major"),
    pytest.param("count", "at least two", "3", None, id="count-at-least-two-vs-3"),
    pytest.param("count", "2 or 3", "3", None, id="count-2-or-3-vs-3"),
    pytest.param("count", "two", 2, None, id="count-word-vs-number"),
    pytest.param("count", "several", "2", "major", id="count-several-vs-2"),
    # times: more than 10 minutes apart, or another date in Pyongyang, is major; a small gap minor
    pytest.param("time", T, "2022-01-05T08:20+09:00", "major", id="time-13-min-major"),
    pytest.param("time", T, "2022-01-05T08:10+09:00", "minor", id="time-3-min-minor"),
    pytest.param("time", "2022-01-05", "2022-01-06", "major", id="time-another-date-major"),
    pytest.param("time", "2022-01-05", T, None, id="time-date-contains-minute"),
    pytest.param("time", "2022-01-05T23:58+09:00", "2022-01-06T00:01+09:00", "major",
                 id="time-3-min-across-midnight-major"),
    pytest.param("time", "around 8:05 a.m. KST on Jan. 5, 2022", T, None, id="time-around-overlaps"),
    # places
    pytest.param("launch_site", "Pyongyang", "Sunan", None, id="place-less-vs-more-specific"),
    pytest.param("launch_site", "North Korea", "Tongchang-ri", None, id="place-country-vs-site"),
    pytest.param("launch_site", "Sunan", "Ryongsong", None, id="place-overlapping-areas-agree"),
    pytest.param("launch_site", "Sunan", "Anju", "minor", id="place-disjoint-near-minor"),
    pytest.param("launch_site", "Sohae", "Hamhung", "major", id="place-far-major"),
    pytest.param("landing_area", "Sea of Japan, inside Japan's EEZ", "Sea of Japan, outside Japan's EEZ",
                 "major", id="place-inside-vs-outside-eez-major"),
    pytest.param("landing_area", "East Sea", "Sea of Japan, outside Japan's EEZ", None,
                 id="place-unqualified-vs-outside-eez"),
    pytest.param("landing_area", "동해상", "日本海", None, id="place-same-sea-two-languages"),
    # event types
    pytest.param("event_type", "SRBM", "ICBM", "minor", id="type-srbm-vs-icbm-minor"),
    pytest.param("event_type", "satellite launch vehicle", "ballistic missile", "major",
                 id="type-slv-vs-bm-major"),
    pytest.param("event_type", "cruise missile", "ballistic missile", "major", id="type-cruise-vs-bm-major"),
    pytest.param("event_type", "hypersonic missile", "ICBM", None, id="type-hypersonic-vs-icbm"),
    pytest.param("event_type", "missile", "SRBM", None, id="type-missile-vs-srbm"),
    pytest.param("direction", "east", "northeast", None, id="direction-compatible"),
    pytest.param("direction", "eastward", "서쪽", "major", id="direction-opposite"),
]


@pytest.mark.parametrize(("field", "a", "b", "severity"), SEVERITY_CASES)
def test_conflict_severity(profile, field, a, b, severity):
    conflict, consensus = _pair(profile, field, a, b)
    assert (conflict.severity if conflict else None) == severity
    assert consensus.agree is (severity is None)
    assert consensus.sources == ("JMOD", "KCNA")
    if conflict is not None:
        assert {v.report for v in conflict.values} == {"a", "b"}


def test_severity_does_not_depend_on_which_source_said_what(profile):
    for p in SEVERITY_CASES:
        field, a, b, severity = p.values
        conflict, _ = _pair(profile, field, b, a)
        assert (conflict.severity if conflict else None) == severity, p.id


def test_conflict_message_names_sources_values_and_relative_gap(profile):
    consensus, conflicts, _, _ = _reconcile(
        profile,
        {"id": "kcna-1", "source": "KCNA", "time": "2022-01-05", "distance": "700 km"},
        {"id": "jmod-1", "source": "JMOD", "time": T, "distance": "about 500 km"},
    )
    (conflict,) = conflicts
    assert conflict.field == "distance" and conflict.severity == "major"
    assert conflict.message == "JMOD: about 500 km; KCNA: 700 km (+40%)"
    assert [(v.report, v.source, v.value, v.low, v.high) for v in conflict.values] == [
        ("jmod-1", "JMOD", "about 500 km", 450.0, 550.0), ("kcna-1", "KCNA", "700 km", 675.0, 725.0)]


def test_time_conflict_message_shows_local_times_and_minutes(profile):
    conflict, _ = _pair(profile, "time", T, "2022-01-05 08:20 KST", sources=("JMOD", "JCS"))
    assert conflict is not None
    assert conflict.message == ("JMOD: 2022-01-05T08:07+09:00 (2022-01-05 08:07 JST); "
                                "JCS: 2022-01-05 08:20 KST (+13 min)")


def test_converted_units_are_shown_in_the_message(profile):
    conflict, _ = _pair(profile, "distance", "310 miles", "about 700 km")
    assert conflict is not None
    assert conflict.message.startswith("JMOD: 310 miles (~499 km); KCNA: about 700 km")


def test_one_conflict_per_field_with_the_worst_severity(profile):
    consensus, conflicts, _, _ = _reconcile(
        profile,
        {"id": "a", "source": "JMOD", "time": T, "distance": "500"},
        {"id": "b", "source": "JCS", "time": T, "distance": "540"},
        {"id": "c", "source": "KCNA", "time": T, "distance": "800"},
    )
    assert [(c.field, c.severity) for c in conflicts] == [("distance", "major")]
    assert [v.source for v in conflicts[0].values] == ["JMOD", "JCS", "KCNA"]


def test_a_wide_value_that_fits_everyone_stays_out_of_the_dispute(profile):
    _, conflicts, _, _ = _reconcile(
        profile,
        {"id": "a", "source": "JMOD", "time": T, "distance": "500"},
        {"id": "b", "source": "JCS", "time": T, "distance": "between 400 and 900 km"},
        {"id": "c", "source": "KCNA", "time": T, "distance": "800"},
    )
    assert [v.source for v in conflicts[0].values] == ["JMOD", "KCNA"]


def test_an_unqualified_and_an_unknown_place_do_not_conflict(profile):
    conflict, consensus = _pair(profile, "launch_site", "Sunan", "somewhere inland")
    assert conflict is None and consensus.code == "sunan"


# ------------------------------------------------------------------------------------------------------------
# consensus values


def test_agreeing_intervals_give_their_intersection_and_the_most_precise_best(profile):
    conflict, c = _pair(profile, "distance", "about 500 km", "480")
    assert conflict is None
    assert (c.low, c.high, c.best, c.unit) == (475.0, 485.0, 480.0, "km")


def test_an_open_ended_value_leaves_the_bound_open(profile):
    conflict, c = _pair(profile, "distance", "more than 500 km", "at least 600 km")
    assert conflict is None
    assert (c.low, c.high) == (600.0, None)


def test_disagreeing_intervals_give_the_envelope_of_the_dispute(profile):
    conflict, c = _pair(profile, "distance", "about 500 km", "700 km")
    assert conflict is not None
    assert (c.low, c.high) == (450.0, 725.0)
    assert c.low <= c.best <= c.high
    assert not c.agree


def test_time_consensus_is_inside_every_agreeing_interval(profile):
    _, c = _pair(profile, "time", "2022-01-05", "around 8:07 a.m. KST on Jan. 5, 2022")
    assert c.agree
    assert (c.low, c.high) == (1641337350.0, 1641337950.0)
    assert c.low <= c.best <= c.high


def test_place_consensus_is_the_most_specific_agreeing_place(profile):
    _, c = _pair(profile, "launch_site", "North Korea", "Sunan area, Pyongyang")
    assert c.code == "sunan"
    _, c = _pair(profile, "landing_area", "East Sea", "Sea of Japan, outside Japan's EEZ")
    assert (c.code, c.qualifier) == ("east_sea", "outside:japan_eez")


def test_type_consensus_is_the_most_specific_term(profile):
    _, c = _pair(profile, "event_type", "ballistic missile", "SRBM")
    assert c.code == "srbm"


# ------------------------------------------------------------------------------------------------------------
# revisions


def test_the_latest_revision_is_used_and_the_earlier_one_is_history(profile):
    consensus, conflicts, history, current = _reconcile(
        profile,
        {"id": "jmod-0", "source": "JMOD", "issued_at": "2022-01-05T08:30+09:00", "time": T,
         "distance": "about 400 km", "count": "1"},
        {"id": "jmod-1", "source": "JMOD", "issued_at": "2022-01-05T11:00+09:00", "supersedes": "jmod-0",
         "time": T, "distance": "about 500 km", "count": "1"},
        {"id": "jcs-1", "source": "JCS", "time": T, "distance": "500"},
    )
    assert [r.id for r in current] == ["jmod-1", "jcs-1"]
    assert conflicts == []  # the 400 km of the withdrawn report no longer counts
    assert consensus["distance"].sources == ("JMOD", "JCS")
    (h,) = history
    assert (h.report, h.source, h.superseded_by) == ("jmod-0", "JMOD", "jmod-1")
    assert h.changes == {"distance": ("about 400 km", "about 500 km")}


def test_a_chain_of_revisions_is_history_in_order(profile):
    _, _, history, current = _reconcile(
        profile,
        {"id": "r1", "source": "JMOD", "issued_at": "2022-01-05T08:30+09:00", "time": T, "distance": "400"},
        {"id": "r3", "source": "JMOD", "issued_at": "2022-01-05T12:30+09:00", "supersedes": "r2", "time": T,
         "distance": "600"},
        {"id": "r2", "source": "JMOD", "issued_at": "2022-01-05T10:30+09:00", "supersedes": "r1", "time": T,
         "distance": "500", "count": "2"},
    )
    assert [r.id for r in current] == ["r3"]
    assert {(h.report, h.superseded_by) for h in history} == {("r1", "r2"), ("r2", "r3")}
    changes = {h.report: h.changes for h in history}
    assert changes["r1"] == {"count": (None, "2"), "distance": ("400", "500")}
    assert changes["r2"] == {"count": ("2", None), "distance": ("500", "600")}


def test_history_reaches_the_batch_output(profile):
    result = reconcile_reports([
        {"id": "jmod-0", "source": "JMOD", "issued_at": "2022-01-05T08:30+09:00", "time": T,
         "distance": "400"},
        {"id": "jmod-1", "source": "JMOD", "issued_at": "2022-01-05T09:30+09:00", "supersedes": "jmod-0",
         "time": T, "distance": "500"},
    ], profile)
    (event,) = result.events
    assert event.current == ("jmod-1",)
    assert [(h.report, h.superseded_by) for h in event.history] == [("jmod-0", "jmod-1")]


def test_a_revision_that_says_the_same_in_another_language_changes_nothing(profile):
    first = {"id": "c1", "source": "JCS", "time": "2022-01-05T08:10+09:00", "direction": "eastward",
             "event_type": "ballistic missile", "distance": "about 500 km"}
    second = {"id": "c2", "source": "JCS", "supersedes": "c1", "time": "2022-01-05T08:10+09:00",
              "direction": "동쪽", "event_type": "탄도미사일", "distance": "약 600km"}
    _, _, history, _ = _reconcile(profile, first, second)
    assert [h.changes for h in history] == [{"distance": ("about 500 km", "약 600km")}]


@pytest.mark.parametrize(
    "text",
    ["弾道ミサイルの可能性があるもの", "possible ballistic missile", "탄도미사일 추정 발사체"],
    ids=["jmod-standard-phrase", "english-hedge", "jcs-presumed"],
)
def test_a_hedged_ballistic_missile_is_a_ballistic_missile(rt, text):
    assert rt.category("event_type", text)[0] == "ballistic_missile"


def test_the_launching_states_claim_counts_half_in_the_best_value(profile):
    consensus, conflicts, _, _ = _reconcile(
        profile,
        {"id": "j", "source": "JMOD", "time": "2022-01-05T08:07+09:00", "distance": "about 500 km"},
        {"id": "k", "source": "KCNA", "time": "2022-01-05", "distance": "700 km"},
    )
    assert [(c.field, c.severity) for c in conflicts] == [("distance", "major")]
    # KCNA's bare 700 is twice as precise as JMOD's "about 500", but the profile gives KCNA half a vote
    assert consensus["distance"].best == 500.0
    assert (consensus["distance"].low, consensus["distance"].high) == (450.0, 725.0)

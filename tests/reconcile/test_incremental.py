"""Incremental reconciliation in the core: windows, the reports a new one touches, and analyst constraints.

The store-level equality (one by one == batch) is tested in tests/api/test_incremental.py; here the building
blocks, on small hand-made archives."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile import normalise_report
from reconcile.incremental import merge_windows, pair_key, restrict, search_window, time_span, touched
from reconcile.models import Constraints
from reconcile.pipeline import cluster_components, cluster_reports


def _r(profile, **fields):
    return normalise_report(fields, profile)


@pytest.fixture
def launch_day(profile):
    """Two launches on 2022-01-05, 40 minutes apart, each reported by JMOD and JCS; a KCNA date-only statement."""
    return [
        _r(profile, id="jmod-1", source="JMOD", time="2022-01-05 08:07 JST", distance="about 500 km"),
        _r(profile, id="jcs-1", source="JCS", time="2022-01-05 08:10 KST", distance="about 500 km"),
        _r(profile, id="jmod-2", source="JMOD", time="2022-01-05 08:50 JST", distance="about 300 km"),
        _r(profile, id="jcs-2", source="JCS", time="2022-01-05 08:52 KST", distance="about 300 km"),
        _r(profile, id="far", source="JCS", time="2022-03-05 08:52 KST"),
    ]


@pytest.mark.parametrize(("fields", "width"), [
    ({"time": "2022-01-05 08:07 JST"}, 60.0),
    ({"time": "2022-01-05"}, 86400.0),
    ({"issued_at": "2022-01-05T12:00:00+09:00"}, None),  # no time: the window before the issue time
])
def test_time_span_matches_the_features_of_the_sweep(profile, fields, width):
    from reconcile.cluster.features import build_features

    r = _r(profile, id="x", source="JCS", **fields)
    lo, hi = time_span(r, profile)
    f = build_features([r], profile)
    assert (lo, hi) == (f.t_lo[0], f.t_hi[0])
    expected = width if width is not None else profile.clustering.no_time_window
    assert expected - 1 <= hi - lo <= expected  # a minute is [08:07:00, 08:07:59]


def test_search_window_covers_every_candidate_start(profile):
    gap = profile.clustering.split_gap
    lo, hi = search_window((1000.0, 1060.0), profile, max_width=86400.0)
    assert lo == 1000.0 - gap - 86400.0
    assert hi == 1060.0 + gap


@pytest.mark.parametrize(("windows", "merged"), [
    ([], []),
    ([(0, 1)], [(0, 1)]),
    ([(5, 6), (0, 2), (1, 3)], [(0, 3), (5, 6)]),
    ([(0, 10), (2, 3)], [(0, 10)]),
    ([(0, 1), (1, 2)], [(0, 2)]),
    ([(float("inf"), float("inf")), (0, 1)], [(0, 1)]),
])
def test_merge_windows(windows, merged):
    assert merge_windows(windows) == merged


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-1e6, 1e6), st.floats(0, 1e4)), max_size=20))
def test_merged_windows_cover_exactly_the_inputs(pairs):
    windows = [(lo, lo + w) for lo, w in pairs]
    merged = merge_windows(windows)
    assert all(a[1] < b[0] for a, b in zip(merged, merged[1:], strict=False))  # disjoint, sorted
    for lo, hi in windows:
        assert any(m[0] <= lo and hi <= m[1] for m in merged)
    for m in merged:  # nothing covered that no input covers: every merged range starts and ends at an input's
        assert any(lo == m[0] for lo, _ in windows) and any(hi == m[1] for _, hi in windows)


def test_touched_finds_the_reports_a_new_one_links_to(profile, launch_day):
    new = _r(profile, id="indo-1", source="INDOPACOM", time="Jan. 4, 2022 1:08 p.m. HST")
    hit = touched([new], launch_day, profile)
    assert sorted(launch_day[i].id for i in hit) == ["jcs-1", "jmod-1"]


def test_touched_follows_revisions_wherever_they_lie(profile, launch_day):
    revision = _r(profile, id="jmod-1b", source="JMOD", supersedes="jmod-1", time="2022-03-05 08:52 JST")
    hit = touched([revision], launch_day, profile)
    assert "jmod-1" in {launch_day[i].id for i in hit}


def test_touched_follows_analyst_links(profile, launch_day):
    new = _r(profile, id="kcna-1", source="KCNA", time="2022-06-01")
    assert touched([new], launch_day, profile) == []
    link = Constraints(must=frozenset({pair_key(new.key, ("JCS", "far"))}))
    assert [launch_day[i].id for i in touched([new], launch_day, profile, link)] == ["far"]


def test_two_salvos_stay_apart_and_constraints_override(profile, launch_day):
    groups = {frozenset(r.id for r in g) for g in cluster_reports(launch_day, profile)}
    assert frozenset({"jmod-1", "jcs-1"}) in groups and frozenset({"jmod-2", "jcs-2"}) in groups
    # an analyst splits the first pair
    split = Constraints(cannot=frozenset({pair_key(("JMOD", "jmod-1"), ("JCS", "jcs-1"))}))
    groups = {frozenset(r.id for r in g) for g in cluster_reports(launch_day, profile, constraints=split)}
    assert frozenset({"jmod-1"}) in groups or frozenset({"jcs-1"}) in groups
    assert not any({"jmod-1", "jcs-1"} <= g for g in groups)
    # an analyst merges the two salvos: one source twice and 40 minutes apart, the override wins
    keys = [r.key for r in launch_day[:4]]
    merge = Constraints(must=frozenset(pair_key(a, b) for i, a in enumerate(keys) for b in keys[i + 1:]))
    groups = {frozenset(r.id for r in g) for g in cluster_reports(launch_day, profile, constraints=merge)}
    assert frozenset({"jmod-1", "jcs-1", "jmod-2", "jcs-2"}) in groups


def test_component_labels_group_what_was_decided_together(profile, launch_day):
    labelled = cluster_components(launch_day, profile)
    by_label: dict[int, set[str]] = {}
    for label, members in labelled:
        by_label.setdefault(label, set()).update(r.id for r in members)
    # the far report is alone; each salvo is its own component (nothing links them)
    assert {"far"} in by_label.values()
    assert all(0 <= label < len(launch_day) for label in by_label)


def test_restrict_keeps_only_pairs_inside(profile):
    a, b, c = ("JCS", "1"), ("JMOD", "2"), ("KCNA", "3")
    cons = Constraints(must=frozenset({pair_key(a, b), pair_key(b, c)}), cannot=frozenset({pair_key(a, c)}))
    inside = restrict(cons, {a, b})
    assert inside.must == frozenset({pair_key(a, b)}) and not inside.cannot


def test_clustering_under_constraints_ignores_input_order(profile, launch_day):
    split = Constraints(cannot=frozenset({pair_key(("JMOD", "jmod-2"), ("JCS", "jcs-2"))}))
    want = {frozenset(r.key for r in g) for g in cluster_reports(sorted(launch_day, key=lambda r: r.key), profile,
                                                                 constraints=split)}
    for seed in range(5):
        shuffled = launch_day[:]
        random.Random(seed).shuffle(shuffled)
        got = {frozenset(r.key for r in g)
               for g in cluster_reports(sorted(shuffled, key=lambda r: r.key), profile, constraints=split)}
        assert got == want

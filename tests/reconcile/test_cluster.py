"""Clustering: connected components against networkx, the candidate sweep against brute force, and the
clustering decisions on small hand-made archives."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile import explain_pair, normalise_report, reconcile_reports
from reconcile.cluster import graph
from reconcile.cluster.evidence import comparators
from reconcile.cluster.features import Features, build_features
from reconcile.cluster.graph import candidate_pairs, components, scored_edges


def _partition(labels: np.ndarray) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for node, label in enumerate(labels.tolist()):
        groups.setdefault(label, set()).add(node)
    return {frozenset(g) for g in groups.values()}


def _nx_partition(n: int, edges: list[tuple[int, int]]) -> set[frozenset[int]]:
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    return {frozenset(c) for c in nx.connected_components(g)}


@st.composite
def graphs(draw, max_n: int = 60) -> tuple[int, list[tuple[int, int]]]:
    n = draw(st.integers(1, max_n))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=2 * n))
    return n, edges


@settings(max_examples=100, deadline=None)
@given(graphs())
def test_components_equal_networkx(g):
    n, edges = g
    a = np.array([x for x, _ in edges], dtype=np.int64)
    b = np.array([y for _, y in edges], dtype=np.int64)
    assert _partition(components(n, a, b)) == _nx_partition(n, edges)


@pytest.mark.parametrize(("n", "p"), [(1, 0.0), (10, 0.1), (100, 0.02), (500, 0.004), (2000, 0.0008)],
                         ids=lambda v: str(v))
def test_components_equal_networkx_on_seeded_random_graphs(n, p):
    g = nx.gnp_random_graph(n, p, seed=n)
    # a long path in shuffled order: the worst case for label propagation
    path = list(range(n))
    random.Random(n).shuffle(path)
    edges = list(g.edges()) + list(zip(path[: n // 3], path[1: n // 3 + 1], strict=True))
    a = np.array([x for x, _ in edges], dtype=np.int64)
    b = np.array([y for _, y in edges], dtype=np.int64)
    assert _partition(components(n, a, b)) == _nx_partition(n, edges)


def test_components_without_edges_are_singletons():
    labels = components(4, np.array([], dtype=np.int64), np.array([], dtype=np.int64))
    assert _partition(labels) == {frozenset({i}) for i in range(4)}


# ------------------------------------------------------------------------------------------------------------
# candidate sweep


def _features(lo: list[float], hi: list[float]) -> Features:
    n = len(lo)
    return Features(n=n, t_lo=np.array(lo, dtype=float), t_hi=np.array(hi, dtype=float),
                    source=np.arange(n, dtype=np.int32), lineage=np.arange(n, dtype=np.int64),
                    timeless=np.zeros(n, dtype=bool), current=np.ones(n, dtype=bool))


def _sweep_pairs(f: Features, split_gap: float) -> list[frozenset[int]]:
    order, stop = candidate_pairs(f, split_gap)
    out = []
    for k in range(f.n):
        for m in range(k + 1, int(stop[k])):
            out.append(frozenset((int(order[k]), int(order[m]))))
    return out


@st.composite
def intervals(draw) -> tuple[list[float], list[float]]:
    # a coarse grid so that equal starts and gaps of exactly split_gap happen often
    n = draw(st.integers(0, 40))
    lo = draw(st.lists(st.integers(0, 60), min_size=n, max_size=n))
    width = draw(st.lists(st.integers(0, 8), min_size=n, max_size=n))
    return [x * 300.0 for x in lo], [(x + w) * 300.0 for x, w in zip(lo, width, strict=True)]


@settings(max_examples=100, deadline=None)
@given(intervals(), st.sampled_from([0.0, 600.0, 1200.0, 3000.0]))
def test_sweep_finds_exactly_the_pairs_within_split_gap(iv, split_gap):
    lo, hi = iv
    f = _features(lo, hi)
    found = _sweep_pairs(f, split_gap)
    assert len(found) == len(set(found)), "a pair is produced twice"
    brute = {frozenset((i, j)) for i in range(len(lo)) for j in range(i + 1, len(lo))
             if max(0.0, lo[j] - hi[i], lo[i] - hi[j]) <= split_gap}
    assert set(found) == brute


def test_scored_edges_do_not_depend_on_the_block_size(profile, monkeypatch):
    records = [{"id": f"r{i}", "source": ["JMOD", "JCS", "KCNA", "INDOPACOM"][i % 4],
                "time": f"2022-01-05T08:{(i * 7) % 60:02d}+09:00", "launch_site": ["Sunan", "Sohae"][i % 2]}
               for i in range(23)]
    reports = [normalise_report(r, profile) for r in records]
    f = build_features(reports, profile)
    comps = comparators(profile)

    def edges() -> set[tuple[int, int, float]]:
        a, b, w = scored_edges(f, comps, profile)
        return {(min(x, y), max(x, y), s) for x, y, s in zip(a.tolist(), b.tolist(), w.tolist(), strict=True)}

    whole = edges()
    monkeypatch.setattr(graph, "BLOCK", 4)
    assert edges() == whole
    assert whole, "the archive has edges to compare"


# ------------------------------------------------------------------------------------------------------------
# clustering decisions


def _groups(result) -> list[list[tuple[str, str]]]:
    return sorted(sorted(r.key for r in e.reports) for e in result.events)


def _rec(rid: str, source: str, time: str, **fields: str) -> dict[str, str]:
    return {"id": rid, "source": source, "time": time, **fields}


@pytest.mark.parametrize("minutes", [21, 28, 45], ids=lambda m: f"{m}-min")
def test_same_day_salvos_twenty_minutes_apart_stay_apart(profile, minutes):
    second = f"2022-01-05T{8 + (7 + minutes) // 60:02d}:{(7 + minutes) % 60:02d}+09:00"
    result = reconcile_reports([
        _rec("j1", "JMOD", "2022-01-05T08:07+09:00", launch_site="Sunan", event_type="SRBM"),
        _rec("c1", "JCS", "2022-01-05T08:08+09:00", launch_site="Sunan", event_type="SRBM"),
        _rec("j2", "JMOD", second, launch_site="Sunan", event_type="SRBM"),
        _rec("c2", "JCS", second, launch_site="Sunan", event_type="SRBM"),
    ], profile)
    assert _groups(result) == [[("JCS", "c1"), ("JMOD", "j1")], [("JCS", "c2"), ("JMOD", "j2")]]


def test_two_reports_of_one_source_never_share_an_event(profile):
    result = reconcile_reports([
        _rec("j1", "JMOD", "2022-01-05T08:07+09:00", launch_site="Sunan", distance="500 km"),
        _rec("j2", "JMOD", "2022-01-05T08:07+09:00", launch_site="Sunan", distance="500 km"),
        _rec("c1", "JCS", "2022-01-05T08:07+09:00", launch_site="Sunan", distance="500 km"),
    ], profile)
    assert len(result.events) == 2
    for e in result.events:
        assert len({r.source for r in e.reports}) == len(e.reports)


CHAIN = [
    {"id": "j1", "source": "JMOD", "issued_at": "2022-01-05T08:30+09:00", "time": "2022-01-05T08:07+09:00",
     "distance": "about 400 km"},
    {"id": "j2", "source": "JMOD", "issued_at": "2022-01-05T10:30+09:00", "supersedes": "j1",
     "time": "2022-01-05T09:07+09:00", "distance": "about 500 km"},
    {"id": "j3", "source": "JMOD", "issued_at": "2022-01-05T12:30+09:00", "supersedes": "j2",
     "time": "2022-01-05T10:07+09:00"},
]


def test_a_supersedes_chain_stays_together_when_the_revision_moves_the_time(profile):
    result = reconcile_reports([*CHAIN, _rec("c1", "JCS", "2022-01-05T10:07+09:00")], profile)
    assert _groups(result) == [[("JCS", "c1"), ("JMOD", "j1"), ("JMOD", "j2"), ("JMOD", "j3")]]
    assert result.events[0].current == ("c1", "j3")


def test_a_revised_chain_joins_the_report_that_matches_its_current_time(profile):
    result = reconcile_reports([*CHAIN, _rec("c1", "JCS", "2022-01-05T10:07+09:00"),
                                _rec("c0", "JCS", "2022-01-05T08:07+09:00")], profile)
    by_member = {r.key: e for e in result.events for r in e.reports}
    assert by_member["JMOD", "j1"] is by_member["JMOD", "j2"] is by_member["JMOD", "j3"]
    assert by_member["JMOD", "j3"].current == ("c1", "j3")


def test_a_supersedes_naming_an_unknown_report_is_just_a_report(profile):
    result = reconcile_reports([
        {"id": "j2", "source": "JMOD", "supersedes": "not-in-input", "time": "2022-01-05T08:07+09:00"},
        {"id": "c1", "source": "JCS", "supersedes": "j2", "time": "2022-01-05T08:07+09:00"},  # another source
    ], profile)
    assert _groups(result) == [[("JCS", "c1"), ("JMOD", "j2")]]
    assert result.events[0].history == ()


def test_distant_launch_sites_split(profile):
    result = reconcile_reports([
        _rec("j1", "JMOD", "2022-01-05T08:07+09:00", launch_site="Sohae"),
        _rec("c1", "JCS", "2022-01-05T08:08+09:00", launch_site="Hamhung"),
    ], profile)
    assert _groups(result) == [[("JCS", "c1")], [("JMOD", "j1")]]


def test_nearby_launch_sites_join(profile):
    result = reconcile_reports([
        _rec("j1", "JMOD", "2022-01-05T08:07+09:00", launch_site="Pyongyang"),
        _rec("c1", "JCS", "2022-01-05T08:08+09:00", launch_site="Sunan"),
    ], profile)
    assert _groups(result) == [[("JCS", "c1"), ("JMOD", "j1")]]


@pytest.mark.parametrize(("source_a", "source_c"), [("JMOD", "JCS"), ("JMOD", "JMOD")],
                         ids=["two-sources", "one-source"])
def test_a_date_only_report_does_not_chain_two_launches(profile, source_a, source_c):
    result = reconcile_reports([
        _rec("a", source_a, "2022-01-05T08:07+09:00", launch_site="Sunan"),
        _rec("b", "KCNA", "2022-01-05"),
        _rec("c", source_c, "2022-01-05T15:07+09:00", launch_site="Sunan"),
    ], profile)
    by_member = {r.key: e.id for e in result.events for r in e.reports}
    assert by_member[source_a, "a"] != by_member[source_c, "c"]
    assert len(result.events) == 2
    assert by_member["KCNA", "b"] in (by_member[source_a, "a"], by_member[source_c, "c"])


def test_explanation_sums_the_evidence_the_clustering_used(profile):
    a = normalise_report(_rec("j1", "JMOD", "2022-01-05T08:07+09:00", launch_site="Hamhung", distance="500"),
                         profile)
    b = normalise_report(_rec("c1", "JCS", "2022-01-05T08:08+09:00", launch_site="Sohae", distance="700"),
                         profile)
    x = explain_pair(a, b, profile)
    assert x.score == pytest.approx(sum(e.weight for e in x.evidence))
    assert x.decision == ("join" if x.score > profile.clustering.threshold else "split")
    fields = {e.field: e for e in x.evidence}
    assert fields["launch_site"].weight == profile.fields["launch_site"].far
    assert fields["apogee"].weight == 0 and "not reported" in fields["apogee"].reason


def test_explanation_of_two_reports_of_one_source(profile):
    a = normalise_report(_rec("j1", "JMOD", "2022-01-05T08:07+09:00"), profile)
    b = normalise_report(_rec("j2", "JMOD", "2022-01-05T08:07+09:00"), profile)
    c = normalise_report({**_rec("j3", "JMOD", "2022-01-05T18:07+09:00"), "supersedes": "j1"}, profile)
    assert explain_pair(a, b, profile).decision == "split"
    assert "never share an event" in explain_pair(a, b, profile).reason
    assert explain_pair(a, c, profile).decision == "join"
    assert "revises" in explain_pair(a, c, profile).reason

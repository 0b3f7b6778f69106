"""Clustering in independent blocks (``independent_blocks``, ``summary_blocks``, ``plan_reports`` per block):
blocks are cut only at quiet times that no candidate pair and no revision crosses, so clustering block by block
gives exactly the events of clustering everything at once, in the same order (``reconcile batch`` does it in
worker processes, see tests/cli/test_sharded.py)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile import load_profile
from reconcile.cluster.features import time_bounds
from reconcile.formats import read_records
from reconcile.pipeline import (
    cluster_reports,
    independent_blocks,
    normalise_all,
    plan_reports,
    summary_blocks,
)
from tests.strategies import archives

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from gen_quakes import generate as generate_quakes  # noqa: E402
from generate import generate  # noqa: E402


def _reports(path: Path, profile):
    with path.open(encoding="utf-8") as fh:
        reports, _ = normalise_all(read_records(fh, fmt="jsonl"), profile)
    reports.sort(key=lambda r: r.key)
    return reports


def _archive(tmp_path_factory, make, kind: str):
    """A generated archive of 6,000 reports, normalised under its profile."""
    out = tmp_path_factory.mktemp(kind)
    make(reports=6000, seed=11, out=out)
    profile = load_profile(kind)
    return profile, _reports(out / "reports.jsonl", profile)


@pytest.fixture(scope="module")
def launches(tmp_path_factory):
    return _archive(tmp_path_factory, generate, "missile_launch")


@pytest.fixture(scope="module")
def quakes(tmp_path_factory):
    return _archive(tmp_path_factory, generate_quakes, "earthquake")


def _events(groups):
    return {frozenset(r.key for r in g) for g in groups}


def _check_blocks(reports, profile, blocks):
    n = len(reports)
    flat = [i for b in blocks for i in b]
    assert sorted(flat) == list(range(n))  # a partition
    assert all(b == sorted(b) for b in blocks)  # each in the input's order
    lo, hi = time_bounds(reports, profile)
    gap = profile.clustering.split_gap
    for left, right in zip(blocks, blocks[1:], strict=False):  # no candidate pair across a cut
        assert np.max(hi[left] + gap) < np.min(lo[right])
    where = {i: k for k, b in enumerate(blocks) for i in b}
    by_key = {r.key: i for i, r in enumerate(reports)}
    for i, r in enumerate(reports):  # no revision across a cut
        j = by_key.get((r.source, r.supersedes)) if r.supersedes else None
        assert j is None or where[i] == where[j]


def _by_blocks(reports, profile, blocks):
    """The batch's events block by block, concatenated in block order."""
    return [g for b in blocks for g in plan_reports([reports[i] for i in b], profile)]


def _keys(groups):
    return [sorted(r.key for r in g) for g in groups]


@pytest.mark.parametrize("data", ["launches", "quakes"])
@pytest.mark.parametrize("parts", [2, 3, 7])
def test_blocks_are_independent_and_cluster_to_the_same_events(data, parts, request):
    profile, reports = request.getfixturevalue(data)
    blocks = independent_blocks(reports, profile, parts)
    assert len(blocks) == parts  # these archives have quiet times enough
    assert max(map(len, blocks)) < 2 * len(reports) / parts  # of similar sizes
    _check_blocks(reports, profile, blocks)
    whole = plan_reports(reports, profile)
    assert _keys(_by_blocks(reports, profile, blocks)) == _keys(whole)  # the same events, in the same order


@pytest.mark.parametrize("data", ["launches", "quakes"])
def test_blocks_from_summaries_are_the_blocks_of_the_reports(data, request):
    """``summary_blocks`` sees only keys, revision links and sweep intervals, in input order (shuffled here): its
    blocks hold the same reports as ``independent_blocks`` over the reports in key order."""
    profile, reports = request.getfixturevalue(data)
    shuffled = reports[:]
    random.Random(3).shuffle(shuffled)
    lo, hi = time_bounds(shuffled, profile)
    got = summary_blocks([r.key for r in shuffled], [r.supersedes for r in shuffled], lo, hi, profile, 3)
    want = independent_blocks(reports, profile, 3)
    assert [{shuffled[i].key for i in b} for b in got] == [{reports[i].key for i in b} for b in want]


def test_no_quiet_time_means_one_block():
    profile = load_profile("missile_launch")
    records = [{"id": f"r{k}", "source": "JMOD", "time": f"2022-01-05T08:{k:02d}:00+09:00"} for k in range(30)]
    reports, _ = normalise_all(records, profile)
    assert len(independent_blocks(reports, profile, 4)) == 1  # a minute apart each: every cut is crossed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(archives(max_size=12), st.integers(2, 5))
def test_blocks_of_any_archive(records, parts):
    profile = load_profile("missile_launch")
    reports, _ = normalise_all(records, profile)
    reports.sort(key=lambda r: r.key)
    if not reports:
        return
    blocks = independent_blocks(reports, profile, parts)
    _check_blocks(reports, profile, blocks)
    assert _keys(_by_blocks(reports, profile, blocks)) == _keys(plan_reports(reports, profile))
    assert _events(cluster_reports(reports, profile)) == _events(_by_blocks(reports, profile, blocks))

"""Incremental reconciliation: what a store must recompute when new reports arrive.

The clustering decides each connected component of the evidence graph on its own (``cluster_components``): the
events of a component depend only on that component's reports. A new report can only join the components it
links to (and, by superseding a report, cut links inside one). So a store that keeps each report's component
label recomputes exactly this:

1. ``time_span`` of each new report, and the ``search_window`` of stored reports that could be its candidates
   (the same sweep as the batch: intervals within ``split_gap`` of each other);
2. ``touched``: which of those stored reports (plus revisions and analyst links, wherever they lie in time)
   the new reports connect to;
3. the whole stored components of the touched reports, with the new reports, clustered again by
   ``cluster_components``.

The result equals the batch clustering of everything stored, whatever the order of submission.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .cluster.evidence import comparators
from .cluster.features import build_features
from .cluster.graph import component_labels, scored_edges
from .models import Constraints, Interval, Key, Report
from .profile import Profile


def time_span(report: Report, profile: Profile) -> tuple[float, float]:
    """The interval the sweep places a report on (as ``build_features`` does): its time, else the window before
    its issue time, else nowhere (infinite)."""
    time_field = profile.runtime().time_field
    v = report.values.get(time_field) if time_field else None
    if isinstance(v, Interval):
        return v.lo, v.hi
    if report.issued_at is not None:
        return report.issued_at - profile.clustering.no_time_window, report.issued_at
    return float("inf"), float("inf")


def search_window(span: tuple[float, float], profile: Profile, max_width: float) -> tuple[float, float]:
    """Bounds on the *start* of the stored reports that can be candidates of a report with ``span``, given the
    widest span stored (``max_width``): candidates start before ``hi + split_gap`` and end after
    ``lo - split_gap``."""
    gap = profile.clustering.split_gap
    return span[0] - gap - max_width, span[1] + gap


def merge_windows(windows: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping windows as few ranges as possible (one query each)."""
    out: list[tuple[float, float]] = []
    for lo, hi in sorted(w for w in windows if np.isfinite(w[0]) or np.isfinite(w[1])):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def touched(new: list[Report], nearby: list[Report], profile: Profile,
            constraints: Constraints | None = None) -> list[int]:
    """Indices into ``nearby`` of the reports connected to any ``new`` report in the evidence graph of the two
    lists together (pairs above the threshold, revisions, analyst links)."""
    if not nearby:
        return []
    reports = [*new, *nearby]
    feats = build_features(reports, profile)
    a, b, w = scored_edges(feats, comparators(profile), profile)
    if constraints and constraints.must:
        index = {r.key: i for i, r in enumerate(reports)}
        must = [(index[x], index[y]) for x, y in constraints.must if x in index and y in index]
        if must:
            ma, mb = np.array(must, dtype=np.int64).T
            a, b, w = np.concatenate([a, ma]), np.concatenate([b, mb]), np.concatenate([w, np.ones(len(ma))])
    label = component_labels(feats, a, b, w)
    reached = set(label[: len(new)].tolist())
    return [i for i in range(len(nearby)) if int(label[len(new) + i]) in reached]


def restrict(constraints: Constraints, keys: set[Key]) -> Constraints:
    """The constraints between reports of ``keys``."""
    return Constraints(must=frozenset(p for p in constraints.must if p[0] in keys and p[1] in keys),
                       cannot=frozenset(p for p in constraints.cannot if p[0] in keys and p[1] in keys))


def pair_key(a: Key, b: Key) -> tuple[Key, Key]:
    """A constraint pair in canonical order."""
    return (a, b) if a <= b else (b, a)

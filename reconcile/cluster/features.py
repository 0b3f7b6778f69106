"""Reports as columns: the numpy arrays that candidate generation and pair scoring work on.

One row per report. Times and numeric fields as lo/hi/best float columns (NaN when absent); places and categories
as code numbers into the profile's vocabularies (-1 when absent or unrecognised); sources as small integers;
lineages (a report and the revisions that supersede it) as integers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..models import Interval, Report, Term
from ..profile import Profile


@dataclass
class Column:
    kind: str
    lo: np.ndarray | None = None
    hi: np.ndarray | None = None
    best: np.ndarray | None = None
    code: np.ndarray | None = None


@dataclass
class Features:
    n: int
    t_lo: np.ndarray
    t_hi: np.ndarray
    source: np.ndarray
    lineage: np.ndarray
    timeless: np.ndarray  # no time of its own: placed in the window before its issue time
    current: np.ndarray  # not superseded by another report of the input: the revision that speaks for its lineage
    columns: dict[str, Column] = field(default_factory=dict)
    time_field: str | None = None


def lineages(reports: list[Report]) -> np.ndarray:
    """Group each report with the revisions that supersede it (same source, ``supersedes`` naming an id of that
    source present in the input). Returns one lineage number per report."""
    parent = list(range(len(reports)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_key = {r.key: i for i, r in enumerate(reports)}
    for i, r in enumerate(reports):
        if r.supersedes is not None:
            j = by_key.get((r.source, r.supersedes))
            if j is not None and j != i:
                a, b = find(i), find(j)
                parent[max(a, b)] = min(a, b)
    return np.fromiter((find(i) for i in range(len(reports))), dtype=np.int64, count=len(reports))


def build_features(reports: list[Report], profile: Profile) -> Features:
    n = len(reports)
    rt = profile.runtime()
    time_field = next((name for name, s in profile.fields.items() if s.kind == "time"), None)
    t_lo = np.empty(n)
    t_hi = np.empty(n)
    timeless = np.zeros(n, dtype=bool)
    window = profile.clustering.no_time_window
    for i, r in enumerate(reports):
        v = r.values.get(time_field) if time_field else None
        if isinstance(v, Interval):
            t_lo[i], t_hi[i] = v.lo, v.hi
        elif r.issued_at is not None:
            t_lo[i], t_hi[i] = r.issued_at - window, r.issued_at
            timeless[i] = True
        else:  # the normaliser refuses such reports; keep them out of every window all the same
            t_lo[i], t_hi[i] = np.inf, np.inf
    codes: dict[str, int] = {}
    source = np.fromiter((codes.setdefault(r.source, len(codes)) for r in reports), dtype=np.int32, count=n)
    superseded = {(r.source, r.supersedes) for r in reports if r.supersedes is not None}
    current = np.fromiter((r.key not in superseded for r in reports), dtype=bool, count=n)
    feats = Features(n=n, t_lo=t_lo, t_hi=t_hi, source=source, lineage=lineages(reports), timeless=timeless,
                     current=current, time_field=time_field)
    for name, spec in profile.fields.items():
        if spec.kind == "time":
            continue
        if spec.kind in ("quantity", "count"):
            lo, hi, best = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
            for i, r in enumerate(reports):
                v = r.values.get(name)
                if isinstance(v, Interval):
                    lo[i], hi[i], best[i] = v.lo, v.hi, v.best
            feats.columns[name] = Column(spec.kind, lo=lo, hi=hi, best=best)
        else:
            index = rt.gazetteer.index if spec.kind == "place" else rt.taxonomies[spec.taxonomy].index
            code = np.full(n, -1, dtype=np.int32)
            for i, r in enumerate(reports):
                v = r.values.get(name)
                if isinstance(v, Term) and v.code:
                    code[i] = index[v.code]
            feats.columns[name] = Column(spec.kind, code=code)
    return feats

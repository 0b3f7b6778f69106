"""Reports as columns: the numpy arrays that candidate generation and pair scoring work on.

One row per report. Times and numeric fields as lo/hi/best float columns (NaN when absent); places and categories
as code numbers into the profile's vocabularies (-1 when absent or unrecognised); sources as small integers;
lineages (a report and the revisions that supersede it) as integers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..models import Interval, Point, Report, Term
from ..profile import Profile


@dataclass
class Column:
    kind: str
    lo: np.ndarray | None = None
    hi: np.ndarray | None = None
    best: np.ndarray | None = None
    code: np.ndarray | None = None
    lat: np.ndarray | None = None  # positions: degrees, and the radius (km) they are known within
    lon: np.ndarray | None = None
    radius: np.ndarray | None = None


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
    scale: np.ndarray | None = None  # per report, the value its windows widen with (clustering.scale), NaN if none


def lineages(reports: list[Report]) -> np.ndarray:
    """Group each report with the revisions that supersede it (same source, ``supersedes`` naming an id of that
    source present in the input). Returns one lineage number per report."""
    return lineage_numbers([r.key for r in reports], [r.supersedes for r in reports])


def lineage_numbers(keys: list[tuple[str, str]], supersedes: list[str | None]) -> np.ndarray:
    """``lineages`` from each report's (source, id) and the id it supersedes, if any: the lowest index of its
    lineage, per report."""
    parent = list(range(len(keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_key = {k: i for i, k in enumerate(keys)}
    for i, (key, old) in enumerate(zip(keys, supersedes, strict=True)):
        if old is not None:
            j = by_key.get((key[0], old))
            if j is not None and j != i:
                a, b = find(i), find(j)
                parent[max(a, b)] = min(a, b)
    return np.fromiter((find(i) for i in range(len(keys))), dtype=np.int64, count=len(keys))


def time_bounds(reports: list[Report], profile: Profile) -> tuple[np.ndarray, np.ndarray]:
    """The interval the sweep places each report on: its time, else the window before its issue time."""
    return _time_bounds(reports, profile)[:2]


def _time_bounds(reports: list[Report], profile: Profile) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(reports)
    time_field = profile.runtime().time_field
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
    return t_lo, t_hi, timeless


def build_features(reports: list[Report], profile: Profile) -> Features:
    n = len(reports)
    rt = profile.runtime()
    time_field = rt.time_field
    t_lo, t_hi, timeless = _time_bounds(reports, profile)
    codes: dict[tuple[str, str], int] = {}
    # what may appear once per event: the source (and its kind of solution, where the profile allows several)
    source = np.fromiter((codes.setdefault(rt.identity(r), len(codes)) for r in reports), dtype=np.int32, count=n)
    superseded = {(r.source, r.supersedes) for r in reports if r.supersedes is not None}
    current = np.fromiter((r.key not in superseded for r in reports), dtype=bool, count=n)
    feats = Features(n=n, t_lo=t_lo, t_hi=t_hi, source=source, lineage=lineages(reports), timeless=timeless,
                     current=current, time_field=time_field)
    # one pass over the values each report has (a handful), not over every field of every report;
    # numeric values are gathered in lists and written into the columns at once
    numeric: dict[str, tuple[list[int], list[float], list[float], list[float]]] = {}
    coded: dict[str, tuple[list[int], list[int]]] = {}
    index_of: dict[str, dict[str, int]] = {}
    points: dict[str, tuple[list[int], list[float], list[float], list[float]]] = {}
    for name, spec in profile.fields.items():
        if not spec.compare or spec.kind == "text":
            continue
        if spec.kind in ("quantity", "count"):
            numeric[name] = ([], [], [], [])
        elif spec.kind == "point":
            points[name] = ([], [], [], [])
        elif spec.kind in ("place", "category"):
            coded[name] = ([], [])
            index_of[name] = rt.gazetteer.index if spec.kind == "place" else rt.taxonomies[spec.taxonomy].index
    for i, r in enumerate(reports):
        for name, v in r.values.items():
            if name in numeric:
                if isinstance(v, Interval) and not v.assumed:
                    rows, lo, hi, best = numeric[name]
                    rows.append(i)
                    lo.append(v.lo)
                    hi.append(v.hi)
                    best.append(v.best)
            elif name in points and isinstance(v, Point):
                rows, lat, lon, radius = points[name]
                rows.append(i)
                lat.append(v.lat)
                lon.append(v.lon)
                radius.append(v.radius)
            elif name in coded and isinstance(v, Term) and v.code:
                rows_c, codes_c = coded[name]
                rows_c.append(i)
                codes_c.append(index_of[name][v.code])
    for name, (rows, lo, hi, best) in numeric.items():
        col = Column(profile.fields[name].kind, lo=np.full(n, np.nan), hi=np.full(n, np.nan), best=np.full(n, np.nan))
        assert col.lo is not None and col.hi is not None and col.best is not None
        col.lo[rows], col.hi[rows], col.best[rows] = lo, hi, best
        feats.columns[name] = col
    for name, (rows, lat, lon, radius) in points.items():
        col = Column("point", lat=np.full(n, np.nan), lon=np.full(n, np.nan), radius=np.full(n, np.nan))
        assert col.lat is not None and col.lon is not None and col.radius is not None
        col.lat[rows], col.lon[rows], col.radius[rows] = lat, lon, radius
        feats.columns[name] = col
    scale = profile.clustering.scale
    if scale is not None:
        feats.scale = _scale(reports, profile, scale.field)
    for name, (rows_c, codes_c) in coded.items():
        code = np.full(n, -1, dtype=np.int32)
        code[rows_c] = codes_c
        feats.columns[name] = Column(profile.fields[name].kind, code=code)
    return feats


def _scale(reports: list[Report], profile: Profile, name: str) -> np.ndarray:
    """Per report, its largest measured value of field ``name`` or of any of its types (NaN when none)."""
    fields = {n for n, s in profile.fields.items() if n == name or s.group == name}
    out = np.full(len(reports), np.nan)
    for i, r in enumerate(reports):
        best = [v.best for n, v in r.values.items() if n in fields and isinstance(v, Interval) and not v.assumed]
        if best:
            out[i] = max(best)
    return out

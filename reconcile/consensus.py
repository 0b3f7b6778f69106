"""Reconciling one event: the latest revision of each source, a consensus per field, conflict flags, history.

- Numeric fields (times, quantities, counts): sources agree when their intervals share a point. The consensus
  interval is their intersection when they agree, the disputed range otherwise; the best value is the weighted
  median of the sources' best values (weights: each value's precision times the source's weight in the profile),
  kept inside the intersection when there is one.
- A conflict is raised per field wherever two sources' intervals do not overlap. It is major when the gap exceeds
  ``major_rel`` of the larger value (times: ``major_gap`` seconds or another calendar date in ``date_zone``;
  counts: any gap), minor otherwise.
- Places: a less vs more specific place is no conflict; disjoint places conflict, major past ``major_km``; inside
  vs outside a declared zone (Japan's EEZ) is major. Categories: by the taxonomy (families).
"""

from __future__ import annotations

import math
from itertools import combinations

from .models import Conflict, ConflictValue, Consensus, Interval, Report, Revision, Term
from .normalise.times import format_local, local_date
from .profile import FieldSpec, Profile
from .vocab import MAJOR, MINOR, NONE, SEVERITY_NAMES


def current_reports(reports: list[Report]) -> tuple[list[Report], list[Revision]]:
    """The latest revision of each lineage (a report nobody in the event supersedes; the latest issued among
    several), and the history of the earlier ones with what their successor changed."""
    by_key = {r.key: r for r in reports}
    successor: dict[tuple[str, str], Report] = {}
    for r in reports:
        if r.supersedes is not None and (r.source, r.supersedes) in by_key:
            prev = successor.get((r.source, r.supersedes))
            if prev is None or _later(r, prev):
                successor[(r.source, r.supersedes)] = r
    heads: dict[str, Report] = {}
    for r in reports:
        if r.key not in successor:
            prev = heads.get(r.source)
            if prev is None or _later(r, prev):
                heads[r.source] = r
    history = []
    for r in reports:
        nxt = successor.get(r.key)
        if nxt is None and heads.get(r.source) is not r:
            nxt = heads[r.source]  # a stray head of the same source: the latest one stands
        if nxt is not None:
            history.append(Revision(r.id, r.source, nxt.id, _changes(r, nxt)))
    current = [r for r in reports if heads.get(r.source) is r]
    return current, history


def _later(a: Report, b: Report) -> bool:
    return (a.issued_at or -math.inf, a.id) > (b.issued_at or -math.inf, b.id)


def _changes(old: Report, new: Report) -> dict[str, tuple[str | None, str | None]]:
    """What a revision changed, as reported (raw text), where the normalised value changed: "eastward" revised
    to "동쪽" is the same direction, "about 400 km" to "about 500 km" is a change."""
    out = {}
    for name in sorted(set(old.values) | set(new.values)):
        a, b = old.values.get(name), new.values.get(name)
        if _meaning(a) != _meaning(b):
            out[name] = (a.raw if a else None, b.raw if b else None)
    return out


def _meaning(v: Interval | Term | None) -> tuple[object, ...] | None:
    if v is None:
        return None
    if isinstance(v, Term):
        return (v.code or v.raw, v.qualifier)
    return (v.lo, v.hi)


def reconcile_event(reports: list[Report], profile: Profile) -> tuple[dict[str, Consensus], list[Conflict],
                                                                      list[Revision], list[Report]]:
    current, history = current_reports(reports)
    consensus: dict[str, Consensus] = {}
    conflicts: list[Conflict] = []
    for name, spec in profile.fields.items():
        vals = [(r, r.values[name]) for r in current if name in r.values]
        if not vals:
            continue
        if spec.kind in ("time", "quantity", "count"):
            nums = [(r, v) for r, v in vals if isinstance(v, Interval)]
            cons, conflict = _numeric(name, spec, nums, profile)
        else:
            terms = [(r, v) for r, v in vals if isinstance(v, Term)]
            cons, conflict = _categorical(name, spec, terms, profile)
        if cons is not None:
            consensus[name] = cons
        if conflict is not None:
            conflicts.append(conflict)
    return consensus, conflicts, history, current


def _weighted_median(values: list[float], weights: list[float]) -> float:
    pairs = sorted(zip(values, weights, strict=True))
    half = sum(weights) / 2
    acc = 0.0
    for v, w in pairs:
        acc += w
        if acc >= half:
            return v
    return pairs[-1][0]


def _numeric(name: str, spec: FieldSpec, vals: list[tuple[Report, Interval]],
             profile: Profile) -> tuple[Consensus | None, Conflict | None]:
    if not vals:
        return None, None
    lo = max(v.lo for _, v in vals)
    hi = min(v.hi for _, v in vals)
    agree = lo <= hi
    # a source counts by the precision of its value and by the weight the profile gives the source
    trust = {code: src.weight for code, src in profile.sources.items()}
    weights = [trust.get(r.source, 1.0) / max(v.hi - v.lo, 1e-9 + abs(v.best) * 1e-3,
                                               1.0 if spec.kind == "time" else 1e-6)
               if math.isfinite(v.hi) else 1e-9 for r, v in vals]
    best = _weighted_median([v.best for _, v in vals], weights)
    sources = tuple(r.source for r, _ in vals)
    unit = vals[0][1].unit
    if agree:
        best = min(max(best, lo), hi)
        return Consensus(name, True, sources, best=best, low=lo, high=_finite(hi), unit=unit), None
    worst = NONE
    involved: set[int] = set()
    for (ia, (_, a)), (ib, (_, b)) in combinations(enumerate(vals), 2):
        if a.overlaps(b):
            continue
        worst = max(worst, _numeric_severity(spec, a, b, profile))
        involved |= {ia, ib}
    # the range spans the values in dispute; a wide value that fits everyone (a date alone) does not widen it,
    # and the conflict shows only the sources that disagree with someone
    disputed = [vals[i] for i in sorted(involved)]
    lo, hi = min(v.lo for _, v in disputed), max(v.hi for _, v in disputed)
    cons = Consensus(name, False, sources, best=best, low=lo, high=_finite(hi), unit=unit)
    return cons, _conflict(name, SEVERITY_NAMES[worst], disputed, spec, profile)


def _finite(x: float) -> float | None:
    return None if math.isinf(x) else x


def _numeric_severity(spec: FieldSpec, a: Interval, b: Interval, profile: Profile) -> int:
    gap = a.gap(b)
    if spec.kind == "count":
        return MAJOR
    if spec.kind == "time":
        other_date = spec.date_major and local_date(a.best, profile.date_zone) != local_date(b.best, profile.date_zone)
        return MAJOR if gap > spec.major_gap or other_date else MINOR
    return MAJOR if gap > spec.major_rel * max(a.best, b.best) else MINOR


def _display(v: Interval, spec: FieldSpec, profile: Profile, source_zone: str) -> str:
    if spec.kind == "time":
        if v.rule.startswith("date"):
            return v.raw
        shown = format_local(v.best, source_zone)
        return v.raw if v.raw.strip() == shown else f"{v.raw} ({shown})"
    if spec.kind == "quantity" and ";unit:" in v.rule:
        return f"{v.raw} (~{v.best:,.0f} {v.unit})"
    return v.raw


def _conflict(name: str, severity: str, vals: list[tuple[Report, Interval]], spec: FieldSpec,
              profile: Profile) -> Conflict:
    rt = profile.runtime()
    ordered = sorted(vals, key=lambda rv: (rv[1].best, rv[0].source))
    ref = ordered[0][1].best
    parts = []
    for k, (r, v) in enumerate(ordered):
        text = f"{r.source}: {_display(v, spec, profile, rt.zone_for(r.source))}"
        if k:
            if spec.kind == "time":
                text += f" ({(v.best - ref) / 60:+.0f} min)"
            elif ref > 0:
                text += f" ({(v.best - ref) / ref:+.0%})"
            else:
                text += f" ({v.best - ref:+g})"
        parts.append(text)
    values = tuple(ConflictValue(r.id, r.source, v.raw, v.lo, None if math.isinf(v.hi) else v.hi)
                   for r, v in ordered)
    return Conflict(name, "major" if severity == "major" else "minor", "; ".join(parts), values)


def _categorical(name: str, spec: FieldSpec, vals: list[tuple[Report, Term]],
                 profile: Profile) -> tuple[Consensus | None, Conflict | None]:
    rt = profile.runtime()
    known = [(r, t) for r, t in vals if t.code]
    if spec.kind == "place":
        tree = rt.gazetteer
        def severity(a: str, b: str) -> int:
            return MAJOR if tree.distance_km(a, b) > spec.major_km else MINOR
        agree = tree.agree
    else:
        tax = rt.taxonomies[spec.taxonomy]
        tree = tax
        severity, agree = tax.severity, tax.agree
    worst = NONE
    for (_, a), (_, b) in combinations(known, 2):
        if not agree(a.code, b.code):
            worst = max(worst, severity(a.code, b.code))
    qualifiers = {t.qualifier for _, t in vals if t.qualifier}
    zones = [q.split(":", 1)[1] for q in qualifiers]
    if len(zones) != len(set(zones)):  # inside and outside the same zone
        worst = MAJOR
    code = None
    if known:
        # the most specific value that every source's value contains (or the first source's when they disagree)
        code = known[0][1].code
        for _, t in known[1:]:
            if tree.is_ancestor_or_self(code, t.code) and agree(code, t.code):
                code = t.code
    sources = tuple(r.source for r, _ in vals)
    cons = Consensus(name, worst == NONE, sources, code=code,
                     qualifier=next(iter(qualifiers)) if len(qualifiers) == 1 else None)
    if worst == NONE:
        return cons, None
    parts, values = [], []
    for r, t in vals:
        shown = t.raw + (f" [{t.qualifier.replace(':', ' ').replace('_', ' ')}]" if t.qualifier else "")
        parts.append(f"{r.source}: {shown}")
        values.append(ConflictValue(r.id, r.source, t.raw, code=t.code or None, qualifier=t.qualifier))
    return cons, Conflict(name, "major" if worst == MAJOR else "minor", "; ".join(parts), tuple(values))

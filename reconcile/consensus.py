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
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from itertools import combinations

from .models import ROUNDING, Conflict, ConflictValue, Consensus, Interval, Point, Report, Revision, Severity, Term
from .normalise.position import great_circle_km
from .normalise.times import format_instant, format_local, local_date
from .profile import FieldSpec, Profile
from .vocab import MAJOR, MINOR, NONE, SEVERITY_NAMES


def current_reports(reports: list[Report], identity: Callable[[Report], object] | None = None
                    ) -> tuple[list[Report], list[Revision]]:
    """The latest revision of each lineage (a report nobody in the event supersedes; the latest issued among
    several), and the history of the earlier ones with what their successor changed. ``identity`` says what
    speaks once per event (by default the source; a profile may let a source speak once per kind of solution)."""
    who: Callable[[Report], object] = identity or (lambda r: r.source)
    if all(r.supersedes is None for r in reports) and len({who(r) for r in reports}) == len(reports):
        return list(reports), []  # (most events) one report per source, no revisions: all current, no history
    by_key = {r.key: r for r in reports}
    successor: dict[tuple[str, str], Report] = {}
    for r in reports:
        if r.supersedes is not None and (r.source, r.supersedes) in by_key:
            prev = successor.get((r.source, r.supersedes))
            if prev is None or _later(r, prev):
                successor[(r.source, r.supersedes)] = r
    heads: dict[object, Report] = {}
    for r in reports:
        if r.key not in successor:
            prev = heads.get(who(r))
            if prev is None or _later(r, prev):
                heads[who(r)] = r
    history = []
    for r in reports:
        nxt = successor.get(r.key)
        if nxt is None and heads.get(who(r)) is not r:
            nxt = heads[who(r)]  # a stray head of the same source: the latest one stands
        if nxt is not None:
            history.append(Revision(r.id, r.source, nxt.id, _changes(r, nxt)))
    current = [r for r in reports if heads.get(who(r)) is r]
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


def _meaning(v: Interval | Term | Point | None) -> tuple[object, ...] | None:
    if v is None:
        return None
    if isinstance(v, Term):
        return (v.code or v.raw, v.qualifier)
    if isinstance(v, Point):
        return (v.lat, v.lon, v.radius)
    return (v.lo, v.hi, v.assumed)


def reconcile_event(reports: list[Report], profile: Profile) -> tuple[dict[str, Consensus], list[Conflict],
                                                                      list[Revision], list[Report]]:
    rt = profile.runtime()
    current, history = current_reports(reports, rt.identity)
    consensus: dict[str, Consensus] = {}
    conflicts: list[Conflict] = []
    given: dict[str, list[Pair]] = {}  # one pass over the values the reports have, not one per field
    for r in current:
        for name, v in r.values.items():
            given.setdefault(name, []).append((r, v))
    for name, spec in profile.fields.items():
        vals = given.get(name, [])
        if spec.default is not None and len(vals) < len(current):  # "the value of a report that gives none"
            have = {r.key for r, _ in vals}
            default = Term(spec.default, "(not given)", "default")
            vals = vals + [(r, default) for r in current if r.key not in have]
        if not vals:
            continue
        leader = consensus.get(spec.prefer_with) if spec.prefer_with else None
        follow: Follow = None
        if spec.prefer_with and leader is not None and leader.preferred:
            follow = (spec.prefer_with, leader.preferred)
        if spec.within is None:
            cons, conflict = _field(name, spec, vals, profile, follow)
        else:
            cons, conflict = _within(name, spec, vals, profile, follow)
        if cons is not None:
            consensus[name] = cons
        if conflict is not None:
            conflicts.append(conflict)
    return consensus, conflicts, history, current


Pair = tuple[Report, "Interval | Term | Point"]


def _field(name: str, spec: FieldSpec, vals: list[Pair], profile: Profile,
           follow: Follow = None) -> tuple[Consensus | None, Conflict | None]:
    if spec.kind == "text":
        return _text(name, vals, profile), None
    if spec.kind == "point":
        return _point(name, spec, [(r, v) for r, v in vals if isinstance(v, Point)], profile, follow)
    if spec.kind in ("time", "quantity", "count"):
        nums = [(r, v) for r, v in vals if isinstance(v, Interval)]
        if not spec.compare:  # shown side by side, never a conflict
            cons, _ = _numeric(name, spec, nums, profile, follow)
            return (replace(cons, agree=True, reason="shown, not compared") if cons is not None else None), None
        measured = [(r, v) for r, v in nums if not v.assumed]
        if not measured:  # assumptions alone ("10 km fixed"): shown as the consensus, never in conflict
            cons, _ = _numeric(name, spec, nums, profile, follow)
            return (replace(cons, reason="assumed values only (fixed by the agencies, not measured)")
                    if cons is not None else None), None
        return _numeric(name, spec, measured, profile, follow)
    terms = [(r, v) for r, v in vals if isinstance(v, Term)]
    return _categorical(name, spec, terms, profile)


def _within(name: str, spec: FieldSpec, vals: list[Pair], profile: Profile,
            follow: Follow = None) -> tuple[Consensus | None, Conflict | None]:
    """A field compared within kinds of solution only: a consensus from the most preferred kind present (the
    others are shown in their own conflicts, never against it), one conflict holding each kind's disagreements."""
    assert spec.within is not None
    rt = profile.runtime()
    order = profile.fields[spec.within].prefer
    groups: dict[str, list[Pair]] = {}
    for r, v in vals:
        groups.setdefault(rt.partition(r, spec.within), []).append((r, v))
    kinds = sorted(groups, key=lambda k: (order.index(k) if k in order else len(order), k))
    results = {k: _field(name, spec, groups[k], profile, follow) for k in kinds}
    cons = results[kinds[0]][0]
    if cons is not None and len(kinds) > 1:
        others = ", ".join(_kind_label(profile, spec.within, k, len(groups[k])) for k in kinds[1:])
        first = _kind_label(profile, spec.within, kinds[0], len(groups[kinds[0]]))
        note = f"from {first}; {others} compared separately"
        cons = replace(cons, sources=tuple(r.source for r, _ in vals),
                       reason=f"{cons.reason}; {note}" if cons.reason else note)
    flagged = [(k, c) for k in kinds if (c := results[k][1]) is not None]
    if not flagged:
        return cons, None
    if cons is not None:  # the field is in conflict (among centroids, say): its sources do not all agree
        cons = replace(cons, agree=False)
    if len(flagged) == 1 and len(kinds) == 1:
        return cons, flagged[0][1]
    severity: Severity = "major" if any(c.severity == "major" for _, c in flagged) else "minor"
    message = " | ".join(f"{_kind_label(profile, spec.within, k, None)}: {c.message}" for k, c in flagged)
    return cons, Conflict(name, severity, message, tuple(v for _, c in flagged for v in c.values))


def _kind_label(profile: Profile, field: str, code: str, count: int | None) -> str:
    """"3 hypocentres", "1 centroid"; without a count, the plural alone: "centroids"."""
    spec = profile.fields[field]
    labels = profile.runtime().taxonomies[spec.taxonomy].labels if spec.taxonomy else {}
    word = (labels.get(code) or code or "unspecified").split(" (")[0].lower()
    if count is None:
        return f"{word}s"
    return f"{count} {word}" + ("" if count == 1 else "s")


def _text(name: str, vals: list[Pair], profile: Profile) -> Consensus:
    """The most reported text; between texts reported as often, that of the source the profile weighs most."""
    trust = profile.runtime().trust
    counts = Counter(v.raw for _, v in vals if isinstance(v, Term))
    weight: dict[str, float] = {}
    for r, v in vals:
        if isinstance(v, Term):
            weight[v.raw] = max(weight.get(v.raw, 0.0), trust.get(r.source, 1.0))
    text = max(counts, key=lambda t: (counts[t], weight[t], -len(t))) if counts else None
    return Consensus(name, True, tuple(r.source for r, _ in vals), text=text)


Follow = tuple[str, str] | None  # (field, "SOURCE/id"): the report another field preferred, to take again


def _preferred(vals: list[tuple[Report, Interval]] | list[tuple[Report, Point]], profile: Profile,
               width: Callable[[Interval | Point], float], unit: str, follow: Follow = None) -> tuple[int, str]:
    """The report whose value the consensus takes, and the reason in words: the report another field preferred
    (``follow``: an origin's time, place and depth come from one solution) when it gives this field too; else the
    highest source weight, then the smallest uncertainty, then the latest issued, then the first by name. A value
    an order of magnitude coarser than the finest (a time to the minute beside times to the second) is not
    preferred, whoever gives it."""
    aside = ""
    if follow is not None:
        k = next((k for k, (r, _) in enumerate(vals) if f"{r.source}/{r.id}" == follow[1]), None)
        if k is not None:
            return k, f"{vals[k][0].source}: the solution preferred for {follow[0]}"
        aside = f"; the solution preferred for {follow[0]} ({follow[1].split('/')[0]}) gives no measured value"
    trust = profile.runtime().trust
    widths = [width(v) for _, v in vals]
    finest = min(widths)
    coarse = {k for k, w in enumerate(widths) if finest > 0 and w > 10 * finest}
    ranked = sorted(range(len(vals)), key=lambda k: (k in coarse, -trust.get(vals[k][0].source, 1.0), widths[k],
                                                    -(vals[k][0].issued_at or -math.inf), vals[k][0].key))
    k = ranked[0]
    r = vals[k][0]
    passed = sorted({vals[j][0].source for j in coarse if trust.get(vals[j][0].source, 1.0) > trust.get(r.source, 1.0)})
    note = f" ({', '.join(passed)}: too coarse, ±{widths[min(coarse)] / 2:.3g} {unit})" if passed else ""
    if len(vals) == 1:
        return k, f"{r.source}: the only solution{aside}"
    weight = trust.get(r.source, 1.0)
    runner_r = vals[ranked[1]][0]
    if ranked[1] in coarse:  # every other value is an order of magnitude coarser
        coarsest = ", ".join(sorted({vals[j][0].source for j in coarse}))
        return k, (f"{r.source}: the only value of {len(vals)} known finely (±{widths[k] / 2:.3g} {unit}; "
                   f"{coarsest}: ±{widths[ranked[1]] / 2:.3g} {unit} or coarser){aside}")
    if trust.get(runner_r.source, 1.0) < weight:
        return k, f"{r.source}: the highest-ranked agency ({weight:g}) of {len(vals)} solutions{note}{aside}"
    if widths[ranked[1]] > widths[k]:
        return k, (f"{r.source}: the smallest uncertainty (±{widths[k] / 2:.3g} {unit}) among agencies ranked "
                   f"{weight:g}{note}{aside}")
    later = (r.issued_at or -math.inf) > (runner_r.issued_at or -math.inf)
    other = f"its other solution {runner_r.id}" if runner_r.source == r.source else runner_r.source
    return k, (f"{r.source}: tied with {other} on rank ({weight:g}) and uncertainty "
               f"(±{widths[k] / 2:.3g} {unit}); " + ("the later issued" if later else "first by name") + note + aside)


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
             profile: Profile, follow: Follow = None) -> tuple[Consensus | None, Conflict | None]:
    if not vals:
        return None, None
    if len(vals) == 1 and spec.best != "preferred":  # (most fields of most events) the one value is the consensus
        r, v = vals[0]
        one = _one_value.__wrapped__ if spec.kind == "time" else _one_value  # (times are all different: no cache)
        return one(name, r.source, v.best, v.lo, v.hi, v.unit), None
    lo = max(v.lo for _, v in vals)
    hi = min(v.hi for _, v in vals)
    # intervals that all meet share a point (on a line, pairwise overlaps imply a common one); touching ends
    # count as meeting, as in ``Interval.overlaps``
    agree = lo <= hi or (math.isfinite(lo - hi) and lo - hi <= ROUNDING * max(1.0, abs(lo)))
    if agree and lo > hi:
        lo = hi = (lo + hi) / 2
    # a source counts by the precision of its value and by the weight the profile gives the source
    trust = profile.runtime().trust
    weights = [trust.get(r.source, 1.0) / max(v.hi - v.lo, 1e-9 + abs(v.best) * 1e-3,
                                               1.0 if spec.kind == "time" else 1e-6)
               if math.isfinite(v.hi) else 1e-9 for r, v in vals]
    best = _weighted_median([v.best for _, v in vals], weights)
    sources = tuple(r.source for r, _ in vals)
    unit = vals[0][1].unit
    preferred = reason = None
    chosen: Interval | None = None
    if spec.best == "preferred":
        k, reason = _preferred(vals, profile, lambda v: v.hi - v.lo if isinstance(v, Interval) else 0.0, unit,
                               follow)
        preferred, chosen = f"{vals[k][0].source}/{vals[k][0].id}", vals[k][1]
        best = chosen.best
    if agree:
        if chosen is not None:  # the preferred solution's value, within its own uncertainty
            lo, hi = chosen.lo, chosen.hi
        else:
            best = min(max(best, lo), hi)
        return Consensus(name, True, sources, best=best, low=lo, high=_finite(hi), unit=unit,
                         preferred=preferred, reason=reason), None
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
    cons = Consensus(name, False, sources, best=best, low=lo, high=_finite(hi), unit=unit, preferred=preferred,
                     reason=reason)
    return cons, _conflict(name, SEVERITY_NAMES[worst], disputed, spec, profile)


# The consensus of a field one source gives: the same few figures and terms recur across thousands of events, and
# a consensus is immutable, so one object serves them all.
@lru_cache(maxsize=1 << 14)
def _one_value(name: str, source: str, best: float, lo: float, hi: float, unit: str) -> Consensus:
    return Consensus(name, True, (source,), best=min(max(best, lo), hi), low=lo, high=_finite(hi), unit=unit)


@lru_cache(maxsize=1 << 12)
def _one_term(name: str, source: str, code: str | None, qualifier: str | None) -> Consensus:
    return Consensus(name, True, (source,), code=code, qualifier=qualifier)


def _finite(x: float) -> float | None:
    return None if math.isinf(x) else x


def _numeric_severity(spec: FieldSpec, a: Interval, b: Interval, profile: Profile) -> int:
    gap = a.gap(b) if spec.major_on == "gap" else abs(a.best - b.best)
    if spec.kind == "count":
        return MAJOR
    if spec.kind == "time":
        other_date = spec.date_major and local_date(a.best, profile.date_zone) != local_date(b.best, profile.date_zone)
        return MAJOR if gap > spec.major_gap or other_date else MINOR
    limit = spec.major_abs if spec.major_abs is not None else spec.major_rel * max(a.best, b.best)
    return MAJOR if gap > limit else MINOR


def _display(v: Interval, spec: FieldSpec, profile: Profile, source_zone: str) -> str:
    if spec.kind == "time":
        if v.rule.startswith("date"):
            return v.raw
        if spec.error is not None:  # measured to fractions of a second: a local time shown in UTC too
            local = "zone:" in v.rule and "zone:UTC" not in v.rule and "zone:source=UTC" not in v.rule
            shown = f"{v.raw} ({format_instant(v.best, precise=True)})" if local else v.raw
            return shown + (f" ±{(v.hi - v.lo) / 2:.2g} s" if "error:" in v.rule else "")
        shown = format_local(v.best, source_zone)
        return v.raw if v.raw.strip() == shown else f"{v.raw} ({shown})"
    if spec.kind == "quantity" and ";unit:" in v.rule:
        return f"{v.raw} (~{v.best:,.0f} {v.unit})"
    if "error:" in v.rule and "±" not in v.raw and spec.kind != "time":
        return f"{v.raw} ±{(v.hi - v.lo) / 2:.2g}"
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
            if spec.kind == "time" and spec.major_gap < 120:
                text += f" ({v.best - ref:+.1f} s)"
            elif spec.kind == "time":
                text += f" ({(v.best - ref) / 60:+.0f} min)"
            elif spec.major_abs is not None:
                text += f" ({v.best - ref:+.3g} {'' if v.unit == 'mag' else v.unit})".replace(" )", ")")
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
    if len(vals) == 1 and spec.compare:  # (most fields of most events) the one value is the consensus
        r, t = vals[0]
        return _one_term(name, r.source, t.code or None, t.qualifier or None), None
    rt = profile.runtime()
    known = [(r, t) for r, t in vals if t.code]
    if not spec.compare:  # what kind of report each is: shown, the most reported kind first, never a conflict
        counts = Counter(t.code for _, t in known)
        order = {c: k for k, c in enumerate(spec.prefer)}  # ties go to the kind the profile prefers
        code = max(counts, key=lambda c: (counts[c], -order.get(c, len(order)), c)) if counts else None
        return Consensus(name, True, tuple(r.source for r, _ in vals), code=code,
                         reason="shown, not compared" if len(counts) > 1 else None), None
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
    if len({t.code for _, t in known}) > 1:  # (most often every source names the same code)
        for (_, a), (_, b) in combinations(known, 2):
            if not agree(a.code, b.code):
                worst = max(worst, severity(a.code, b.code))
    qualifiers = {t.qualifier for _, t in vals if t.qualifier}
    zones = [q.split(":", 1)[1] for q in qualifiers]
    if len(zones) != len(set(zones)):  # inside and outside the same zone
        worst = MAJOR
    code = None
    if known:
        # the most specific value that every source's value contains; when they disagree, that of the source the
        # profile weighs most (then the most reported, then the first)
        trust = rt.trust
        if worst != NONE:
            counts = Counter(t.code for _, t in known)
            code = max(known, key=lambda rt_: (trust.get(rt_[0].source, 1.0), counts[rt_[1].code]))[1].code
        else:
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


def _point(name: str, spec: FieldSpec, vals: list[tuple[Report, Point]],
           profile: Profile, follow: Follow = None) -> tuple[Consensus | None, Conflict | None]:
    """Positions agree when every two lie within the sum of their radii; a conflict otherwise, major past
    ``major_km`` (the distance, or with ``major_on = "gap"`` the distance beyond the radii). The consensus is the
    preferred report's position, or the weighted mean (by source weight and precision)."""
    if not vals:
        return None, None
    worst, involved = NONE, set()
    for (ia, (_, a)), (ib, (_, b)) in combinations(enumerate(vals), 2):
        d = great_circle_km(a.lat, a.lon, b.lat, b.lon)
        if d <= a.radius + b.radius:
            continue
        measure = d if spec.major_on == "difference" else d - a.radius - b.radius
        worst = max(worst, MAJOR if measure > spec.major_km else MINOR)
        involved |= {ia, ib}
    sources = tuple(r.source for r, _ in vals)
    if spec.best == "preferred":
        k, reason = _preferred(vals, profile, lambda v: 2 * v.radius if isinstance(v, Point) else 0.0, "km", follow)
        r, v = vals[k]
        lat, lon, radius, preferred = v.lat, v.lon, v.radius, f"{r.source}/{r.id}"
    else:
        lat, lon = _mean_position(vals, profile)
        radius, preferred, reason = min(v.radius for _, v in vals), None, None
    cons = Consensus(name, worst == NONE, sources, lat=lat, lon=lon, radius=radius, unit="km",
                     preferred=preferred, reason=reason)
    if worst == NONE:
        return cons, None
    disputed = [vals[i] for i in sorted(involved)]
    ref_r, ref = disputed[0]
    parts = [f"{ref_r.source}: {_show_point(ref)}"]
    for r, v in disputed[1:]:
        parts.append(f"{r.source}: {_show_point(v)} ({great_circle_km(ref.lat, ref.lon, v.lat, v.lon):.0f} km away)")
    values = tuple(ConflictValue(r.id, r.source, v.raw, lat=v.lat, lon=v.lon, radius=v.radius) for r, v in disputed)
    return cons, Conflict(name, SEVERITY_NAMES[worst], "; ".join(parts), values)  # type: ignore[arg-type]


def _show_point(v: Point) -> str:
    return (f"{abs(v.lat):.2f}{'N' if v.lat >= 0 else 'S'} {abs(v.lon):.2f}{'E' if v.lon >= 0 else 'W'}"
            f" ±{v.radius:.0f} km")


def _mean_position(vals: list[tuple[Report, Point]], profile: Profile) -> tuple[float, float]:
    """The weighted mean of positions on the sphere (as unit vectors, so that 179E and 179W average to 180)."""
    trust = profile.runtime().trust
    x = y = z = 0.0
    for r, v in vals:
        w = trust.get(r.source, 1.0) / max(v.radius, 0.1) ** 2
        p, q = math.radians(v.lat), math.radians(v.lon)
        x, y, z = x + w * math.cos(p) * math.cos(q), y + w * math.cos(p) * math.sin(q), z + w * math.sin(p)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))

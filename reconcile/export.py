"""Results as plain data: the JSON document of ``reconcile batch``, CSV rows, GeoJSON features."""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache
from typing import Any

from .models import BatchResult, ConflictValue, Consensus, Event, Interval, Point, Report, Term
from .normalise.times import format_instant
from .profile import Profile


def _num(x: float | None) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return round(x, 3)


def value_dict(v: Interval | Term | Point, kind: str, *, precise: bool = False) -> dict[str, Any]:
    """A value as plain data; ``precise`` times (fields with stated errors) keep hundredths of a second."""
    if kind != "time":  # places, types and figures repeat across reports: the same objects, the same dicts
        return dict(_static_value_dict(v))
    return _value_dict(v, kind, precise)


@lru_cache(maxsize=100_000)
def _static_value_dict(v: Interval | Term | Point) -> dict[str, Any]:
    return _value_dict(v, "")


def _value_dict(v: Interval | Term | Point, kind: str, precise: bool = False) -> dict[str, Any]:
    if isinstance(v, Term):
        out: dict[str, Any] = {"code": v.code or None, "raw": v.raw, "rule": v.rule}
        if v.qualifier:
            out["qualifier"] = v.qualifier
        return out
    if isinstance(v, Point):
        return {"lat": round(v.lat, 5), "lon": round(v.lon, 5), "radius": _num(v.radius), "unit": "km",
                "raw": v.raw, "rule": v.rule}
    if kind == "time":
        out = {"best": format_instant(v.best, precise=precise), "low": format_instant(v.lo, precise=precise),
               "high": format_instant(v.hi, precise=precise), "raw": v.raw, "rule": v.rule}
    else:
        out = {"best": _num(v.best), "low": _num(v.lo), "high": _num(v.hi), "unit": v.unit, "raw": v.raw,
               "rule": v.rule}
    if v.assumed:
        out["assumed"] = True
    return out


def report_dict(r: Report, profile: Profile, *, current: bool, superseded_by: str | None) -> dict[str, Any]:
    values = {k: value_dict(v, profile.fields[k].kind, precise=profile.fields[k].error is not None)
              for k, v in r.values.items()}
    out: dict[str, Any] = {
        "id": r.id, "source": r.source, "source_raw": r.source_raw,
        "issued_at": format_instant(r.issued_at) if r.issued_at is not None else None,
        "supersedes": r.supersedes, "superseded_by": superseded_by, "current": current, "values": values,
    }
    if r.extra:
        out["extra"] = r.extra
    if r.text:
        out["text"] = r.text
    if r.warnings:
        out["warnings"] = list(r.warnings)
    return out


def consensus_dict(c: Consensus, profile: Profile) -> dict[str, Any]:
    kind = profile.fields[c.field].kind
    base: dict[str, Any] = {"agree": c.agree, "sources": list(c.sources)}
    if c.preferred is not None:
        base["preferred"] = c.preferred
    if c.reason is not None:
        base["reason"] = c.reason
    if kind == "text":
        return {"text": c.text, **base}
    if kind == "point":
        return {"lat": None if c.lat is None else round(c.lat, 5), "lon": None if c.lon is None else round(c.lon, 5),
                "radius": _num(c.radius), "unit": "km", **base}
    if c.code is not None or kind in ("place", "category"):
        rt = profile.runtime()
        out: dict[str, Any] = {"code": c.code}
        if kind == "place" and c.code:
            place = rt.gazetteer.places[c.code]
            coords = rt.gazetteer.coordinates(c.code)
            out.update(name=place.name, lat=coords[0] if coords else None, lon=coords[1] if coords else None)
        elif c.code:
            out["label"] = rt.taxonomies[profile.fields[c.field].taxonomy].labels[c.code]
        if c.qualifier:
            out["qualifier"] = c.qualifier
        return {**out, **base}
    if kind == "time":
        precise = profile.fields[c.field].error is not None
        return {"best": format_instant(c.best, precise=precise) if c.best is not None else None,
                "low": format_instant(c.low, precise=precise) if c.low is not None else None,
                "high": format_instant(c.high, precise=precise) if c.high is not None else None, **base}
    return {"best": _num(c.best), "low": _num(c.low), "high": _num(c.high), "unit": c.unit, **base}


def event_dict(e: Event, profile: Profile) -> dict[str, Any]:
    successor = {h.report: h.superseded_by for h in e.history}
    current = set(e.current)
    out: dict[str, Any] = {
        "id": e.id,
        "reports": [report_dict(r, profile, current=r.id in current and r.id not in successor,
                                superseded_by=successor.get(r.id)) for r in e.reports],
    }
    for name in profile.fields:
        if name in e.consensus:
            out[name] = consensus_dict(e.consensus[name], profile)
    out["conflicts"] = [
        {"field": c.field, "severity": c.severity, "message": c.message,
         "values": [_conflict_value(v, profile, c.field) for v in c.values]}
        for c in e.conflicts
    ]
    out["history"] = [{"report": h.report, "source": h.source, "superseded_by": h.superseded_by,
                       "changes": {k: list(v) for k, v in h.changes.items()}} for h in e.history]
    if e.links:
        out["links"] = [{"a": list(link.a), "b": list(link.b), "score": round(link.score, 3)} for link in e.links]
    return out


def _conflict_value(v: ConflictValue, profile: Profile, field: str) -> dict[str, Any]:
    out: dict[str, Any] = {"report": v.report, "source": v.source, "value": v.value}
    if v.lat is not None:
        out.update(lat=round(v.lat, 5), lon=None if v.lon is None else round(v.lon, 5), radius=_num(v.radius))
    elif v.code is not None or v.qualifier is not None:
        out.update(code=v.code, qualifier=v.qualifier)
    else:
        out.update(low=_fmt_bound(v.low, profile, field), high=_fmt_bound(v.high, profile, field))
    return out


def _fmt_bound(x: Any, profile: Profile, field: str) -> Any:
    if isinstance(x, float) and profile.fields[field].kind == "time":
        return format_instant(x, precise=profile.fields[field].error is not None)
    return _num(x) if isinstance(x, float) else x


class Tally:
    """The summary's counts, kept as events and rejects go by (so a stream of events needs no list of them)."""

    def __init__(self) -> None:
        self.in_events = self.events = self.rejects = self.with_conflicts = 0
        self.by_field: dict[str, Counter[str]] = {}

    def add_event(self, e: Event) -> None:
        self.events += 1
        self.in_events += len(e.reports)
        self.with_conflicts += bool(e.conflicts)
        for c in e.conflicts:
            self.by_field.setdefault(c.field, Counter())[c.severity] += 1

    def merge(self, other: Tally) -> None:
        self.events += other.events
        self.in_events += other.in_events
        self.rejects += other.rejects
        self.with_conflicts += other.with_conflicts
        for f, c in other.by_field.items():
            self.by_field.setdefault(f, Counter()).update(c)

    def as_dict(self) -> dict[str, Any]:
        return {
            "reports": self.in_events + self.rejects,
            "reported_in_events": self.in_events,
            "events": self.events,
            "rejects": self.rejects,
            "events_with_conflicts": self.with_conflicts,
            "conflicts": {f: {"major": c["major"], "minor": c["minor"]} for f, c in sorted(self.by_field.items())},
        }


def summary(result: BatchResult) -> dict[str, Any]:
    tally = Tally()
    for e in result.events:
        tally.add_event(e)
    tally.rejects = len(result.rejects)
    return tally.as_dict()


def result_dict(result: BatchResult, profile: Profile) -> dict[str, Any]:
    return {
        "profile": result.profile,
        "summary": summary(result),
        "events": [event_dict(e, profile) for e in result.events],
        "rejects": [r.model_dump() for r in result.rejects],
    }


def csv_header(profile: Profile) -> list[str]:
    cols = ["event_id", "reports", "sources"]
    for name, spec in profile.fields.items():
        if spec.kind in ("time", "quantity", "count"):
            cols += [f"{name}", f"{name}_low", f"{name}_high"]
        elif spec.kind == "point":
            cols += [f"{name}_lat", f"{name}_lon", f"{name}_radius_km"]
        else:
            cols.append(name)
    return [*cols, "conflicts_major", "conflicts_minor", "conflict_messages"]


def csv_row(e: Event, profile: Profile) -> list[Any]:
    sources = sorted({r.source for r in e.reports})
    row: list[Any] = [e.id, len(e.reports), " ".join(sources)]
    for name, spec in profile.fields.items():
        c = e.consensus.get(name)
        if spec.kind in ("time", "quantity", "count"):
            if c is None:
                row += ["", "", ""]
            else:
                d = consensus_dict(c, profile)
                row += [d["best"], d["low"], d["high"]]
        elif spec.kind == "point":
            row += ["", "", ""] if c is None else [c.lat, c.lon, _num(c.radius)]
        elif spec.kind == "text":
            row.append(c.text if c is not None and c.text else "")
        else:
            row.append(c.code if c is not None and c.code else "")
    major = sum(1 for c in e.conflicts if c.severity == "major")
    return [*row, major, len(e.conflicts) - major, " | ".join(f"{c.field}: {c.message}" for c in e.conflicts)]


def geojson_feature(e: Event, profile: Profile) -> dict[str, Any] | None:
    """A feature per event located by its consensus places: a point at the launch site (or the only known place),
    a line from launch site to landing area when both are known. None when no place has coordinates."""
    rt = profile.runtime()
    points = []
    for name, spec in profile.fields.items():
        c = e.consensus.get(name)
        if spec.kind == "point" and c is not None and c.lat is not None:
            points.append([c.lon, c.lat])
        elif spec.kind == "place" and c is not None and c.code:
            coords = rt.gazetteer.coordinates(c.code)
            if coords is not None:
                points.append([coords[1], coords[0]])
    if not points:
        return None
    geometry = {"type": "Point", "coordinates": points[0]} if len(points) == 1 else \
        {"type": "LineString", "coordinates": points}
    props = {k: v for k, v in event_dict(e, profile).items() if k not in ("reports", "history", "links")}
    props["reports"] = [f"{r.source}:{r.id}" for r in e.reports]
    return {"type": "Feature", "id": e.id, "geometry": geometry, "properties": props}

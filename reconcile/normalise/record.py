"""One input record to one normalised ``Report``, or a ``ReportError`` with every problem found in it."""

from __future__ import annotations

import math
import re
import sys
from dataclasses import replace
from typing import Any, NamedTuple

from pydantic import ValidationError

from ..errors import FieldProblem, ReportError
from ..models import NO_EXTRA, Interval, Point, Report, ReportIn, Term, Value
from ..profile import FieldSpec, Profile
from ..runtime import Runtime
from .position import coordinate, position, precision_radius, typed_figure
from .quantities import parse_count, parse_quantity
from .times import parse_instant, parse_time

ENVELOPE = frozenset(("id", "source", "issued_at", "supersedes", "text"))


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Envelope(NamedTuple):
    id: str
    source: str
    issued_at: str | None
    supersedes: str | None
    text: str | None


def _plain_envelope(record: dict[str, Any]) -> _Envelope | None:
    """The envelope of an ordinary record (text id and source, text or absent issued_at/supersedes/text), built
    without the validator; None for anything else, which ``ReportIn`` then validates."""
    rid, source = record.get("id"), record.get("source")
    if not (type(rid) is str and type(source) is str):
        return None
    rid, source = rid.strip(), source.strip()
    if not (0 < len(rid) <= 200 and 0 < len(source) <= 200):
        return None
    rest = {}
    for key in ("issued_at", "supersedes", "text"):
        value = record.get(key)
        if value is None or value == "":
            continue
        if type(value) is not str:
            return None
        rest[key] = value.strip() or None
    return _Envelope(rid, source, rest.get("issued_at"), rest.get("supersedes"), rest.get("text"))


def normalise_report(
    record: Any, profile: Profile, *, position: int = 0, origin: str | None = None, line: int | None = None
) -> Report:
    """Validate and normalise one record (a dict as parsed from JSON or CSV). Raises ``ReportError`` naming
    every problem (field and reason) at once."""
    rid = record.get("id") if isinstance(record, dict) else None
    if not isinstance(record, dict):
        raise ReportError([FieldProblem("record", f"expected an object, got {type(record).__name__}")],
                          file=origin, line=line, record=record)
    problems: list[FieldProblem] = []
    envelope = _plain_envelope(record)
    if envelope is None:  # anything unusual goes through pydantic, which says what is wrong, field by field
        try:
            valid = ReportIn.model_validate({k: record.get(k) for k in ENVELOPE if not _absent(record.get(k))})
            envelope = _Envelope(valid.id, valid.source, valid.issued_at, valid.supersedes, valid.text)
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "record"
                problems.append(FieldProblem(field, "missing" if err["type"] == "missing" else err["msg"],
                                             err.get("input") if err["type"] != "missing" else None))
    rt = profile.runtime()
    source_raw = sys.intern(str(record.get("source") or "").strip())  # a few spellings, a million times
    source, source_rule = rt.source(source_raw) if source_raw else ("", "missing")
    zone = rt.zone_for(source)
    warnings: list[str] = []
    if source_rule == "unknown-source":
        warnings.append(f"source: {source_raw!r} is not a known agency; kept under its own name")

    issued_at = None
    if envelope is not None and envelope.issued_at:
        parsed = parse_instant(envelope.issued_at, zone_name=zone)
        if isinstance(parsed, FieldProblem):
            problems.append(FieldProblem("issued_at", parsed.reason, envelope.issued_at))
        else:
            issued_at = parsed

    values: dict[str, Value] = {}
    extra: dict[str, Any] = {}
    fields = profile.fields
    inputs = rt.inputs
    saw_time = False
    parts: dict[str, dict[str, tuple[str, Any]]] = {}  # positions: latitude and longitude as reported
    stated: dict[str, tuple[str, Any]] = {}  # stated errors: field -> (key, value as reported)
    typed: list[tuple[str, Any, str | None]] = []  # typed figures: (key, value, the type its key names if any)
    for name, raw in record.items():  # one pass over what the record has, in its own order
        target = inputs.get(name)
        if target is None:
            if name not in ENVELOPE:
                extra[name] = raw
            continue
        if _absent(raw):
            continue
        field, role = target
        if role == "value":
            spec = fields[field]
            saw_time = saw_time or spec.kind == "time"
            result = _normalise_value(raw, spec, rt=rt, zone=zone, ref=issued_at)
            if isinstance(result, FieldProblem):
                problems.append(FieldProblem(name, result.reason, raw))
            else:
                values[field] = result
                if isinstance(result, Term) and not result.code and result.qualifier is None and spec.kind != "text":
                    warnings.append(f"{name}: {raw!r} is not in the profile's vocabulary; kept as text")
        elif role in ("typed", "typed-as"):
            typed.append((name, raw, field if role == "typed-as" else None))
        elif role == "error":
            stated[field] = (name, raw)
        else:
            parts.setdefault(field, {})[role] = (name, raw)
    # a figure under its type's own key ("magnitude.Mw") before the typed list ("magnitude"), whatever the order
    # of keys in the record: a second figure of one type is left out with a warning
    for name, raw, forced in sorted(typed, key=lambda t: t[2] is None):
        _typed(name, raw, rt, values, problems, warnings, extra, forced=forced)
    for field, got in parts.items():
        point = _point(got, fields[field])
        if isinstance(point, FieldProblem):
            problems.append(point)
        elif field not in values:
            values[field] = point
    for field in rt.uncertain:
        if field in values:
            sent = stated.pop(field, None)
            error = _stated_error(sent, fields[field], problems)
            value = values[field]
            if sent is not None and isinstance(value, Interval) and value.assumed:
                extra[sent[0]] = sent[1]  # the error of an assumed value ("10 km fixed"): kept as sent, not applied
            values[field] = with_error(value, fields[field], error)
    for field, (name, raw) in stated.items():
        if field not in values:
            extra[name] = raw  # an error without its figure: kept as sent

    time_field = rt.time_field
    if time_field and not saw_time and issued_at is None and not any(p.field == "issued_at" for p in problems):
        problems.append(FieldProblem(time_field, "missing, and no issued_at to place the report in time"))
    if problems:
        raise ReportError(problems, report_id=None if rid is None else str(rid),
                          source=source or None, file=origin, line=line, record=record)
    when = values.get(time_field) if time_field else None
    if isinstance(when, Interval) and issued_at is not None and when.lo > issued_at + 3600:
        warnings.append(f"{time_field}: {when.raw!r} is after the report was issued; check its date and zone")
    assert envelope is not None
    # a report naming itself as what it supersedes is a correction in place (the service replaces the stored
    # version); within one set of reports it revises nothing
    supersedes = None if envelope.supersedes == envelope.id else envelope.supersedes
    return Report(
        id=envelope.id, source=source, source_raw=source_raw, issued_at=issued_at,
        supersedes=supersedes, values=values, extra=extra or NO_EXTRA, text=envelope.text,
        position=position, origin=origin, line=line, warnings=tuple(warnings),
    )


def _normalise_value(raw: Any, spec: FieldSpec, *, rt: Runtime, zone: str,
                     ref: float | None) -> Value | FieldProblem:
    kind = spec.kind
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return FieldProblem("", f"expected text or a number, got {type(raw).__name__}", raw)
    if isinstance(raw, float) and not math.isfinite(raw):
        return FieldProblem("", f"not a finite number: {raw!r}", raw)
    if kind == "time":
        if not isinstance(raw, str):
            return FieldProblem("", "a time must be text (ISO 8601 or as reported)", raw)
        return parse_time(raw.strip(), zone_name=zone, ref=ref, around=spec.around, hour_only=spec.hour_only,
                          zero_seconds=spec.zero_seconds)
    if kind == "quantity":
        if isinstance(raw, int | float):
            if raw < 0 and not spec.signed:
                return FieldProblem("", f"negative value {raw!r}", raw)
            raw = f"{raw + 0.0:g}" if isinstance(raw, float) else str(raw)  # (+ 0.0: a JSON -0.0 is 0)
        if spec.signed and raw.lstrip().startswith(("-", "−")):  # "-1.2 km": the figure, below zero
            v = _normalise_value(raw.lstrip()[1:], spec, rt=rt, zone=zone, ref=ref)
            if isinstance(v, Interval):
                return replace(v, lo=0.0 - v.hi, hi=0.0 - v.lo, best=0.0 - v.best, raw=raw)  # "-0 km" is 0, not -0.0
            return v
        assert spec.unit is not None
        assumed = rt.assumed(spec, raw) if spec.assumed else None
        if assumed is not None:  # "10 km fixed": the figure without the word, marked as an assumption
            figure, word = assumed
            v = (parse_quantity(figure, spec.unit, spec.about_rel, spec.rounding == "digits") if figure
                 else FieldProblem("", "no figure", raw))
            if isinstance(v, FieldProblem):
                return FieldProblem("", v.reason.replace(repr(figure), repr(raw)), raw)
            return replace(v, raw=raw, rule=f"{v.rule};assumed:{word}", assumed=True)
        return parse_quantity(raw.strip(), spec.unit, spec.about_rel, spec.rounding == "digits")
    if kind == "count":
        if isinstance(raw, int | float):
            if raw < 0 or int(raw) != raw:
                return FieldProblem("", f"not a count: {raw!r}", raw)
            n = float(raw) + 0.0  # (a JSON -0.0 is the count 0)
            return Interval(n, n, n, "count", str(int(raw)), "exact")
        return parse_count(raw.strip())
    text = str(raw).strip()
    if kind == "point":
        both = position(text)
        if isinstance(both, FieldProblem):
            return both
        (lat, lat_step), (lon, lon_step) = both
        return Point(lat, lon, precision_radius(lat, lat_step, lon_step), text, "position")
    if kind == "text":
        return Term("", text, "text")
    if kind == "place":
        return rt.place_term(text, tuple(spec.zones), tuple(spec.prefer_kinds))
    assert spec.taxonomy is not None
    return rt.category_term(spec.taxonomy, text)


def _point(got: dict[str, tuple[str, Any]], spec: FieldSpec) -> Point | FieldProblem:
    """A position from its latitude and longitude keys; the latitude key may hold both ("36.67S 73.48W")."""
    if "lat" in got and "lon" not in got and isinstance(got["lat"][1], str):
        name, raw = got["lat"]
        both = position(raw)
        if isinstance(both, FieldProblem):
            return FieldProblem(name, both.reason, raw)
        (lat, lat_step), (lon, lon_step) = both
        return Point(lat, lon, precision_radius(lat, lat_step, lon_step), raw, "position")
    read: dict[str, tuple[float, float]] = {}
    for axis in ("lat", "lon"):
        if axis not in got:
            other = got["lon" if axis == "lat" else "lat"][0]
            missing = spec.inputs[0 if axis == "lat" else 1]
            return FieldProblem(missing, f"missing, and {other} alone is no position")
        name, raw = got[axis]
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            return FieldProblem(name, f"expected text or a number, got {type(raw).__name__}", raw)
        value = coordinate(raw.strip() if isinstance(raw, str) else raw, axis)
        if isinstance(value, FieldProblem):
            return FieldProblem(name, value.reason, raw)
        read[axis] = value
    (lat, lat_step), (lon, lon_step) = read["lat"], read["lon"]
    raw_text = f"{got['lat'][1]}, {got['lon'][1]}"
    return Point(lat, lon, precision_radius(lat, lat_step, lon_step), raw_text, "position")


_DECIMAL_COMMA = re.compile(r"(\d),(\d)")
_TYPED_SEPARATOR = re.compile(r";|,")


def _typed(name: str, raw: Any, rt: Runtime, values: dict[str, Value], problems: list[FieldProblem],
           warnings: list[str], extra: dict[str, Any], forced: str | None = None) -> None:
    """Figures that carry their type ("Mw 6.1", or a list of them): each to the field of its type. A type the
    profile does not declare is kept with the record, not compared. ``forced``: the figures were written under one
    type's own key ("magnitude.Mw": 6.1), which is their type; whichever key comes first, a second figure of one
    type is left out with a warning."""
    items = raw if isinstance(raw, list) else [raw]
    group = rt.profile.fields[forced].group or name if forced else name
    unknown: list[Any] = []
    for item in items:
        if isinstance(item, str) and any(sep in item for sep in ",;"):
            # "Mw 6.1, mb 5.8" or "Mw 6.1; mb 5.8" are two figures; "Mw 6,1" is one, with a decimal comma
            parts: list[Any] = [p for p in _TYPED_SEPARATOR.split(_DECIMAL_COMMA.sub(r"\1.\2", item)) if p.strip()]
        else:
            parts = [item]
        for part in parts:
            read = _typed_one(part)
            if isinstance(read, FieldProblem):
                problems.append(FieldProblem(name, read.reason, part))
                continue
            kind, value, error, shown = read
            field = rt.type_field(group, kind) if forced is None else forced
            if forced is not None and kind and rt.type_field(group, kind) != forced:
                problems.append(FieldProblem(name, f"{part!r} is not a {forced.split('.', 1)[-1]} figure", part))
                continue
            if field is None:
                unknown.append(part)
                warnings.append(f"{name}: type {kind!r} of {str(part).strip()!r} is not declared in the profile; "
                                "kept, not compared")
                continue
            if field in values:
                warnings.append(f"{name}: a second {field.split('.', 1)[-1]} figure {str(part).strip()!r} left out")
                continue
            spec = rt.profile.fields[field]
            decimals = len(shown.split(".")[1]) if "." in shown else 0
            half = 10.0 ** -decimals / 2
            text = str(part).strip() if not isinstance(part, dict) else f"{kind} {shown}".strip()
            v = Interval(value - half, value + half, value, spec.unit or "", text, f"step:{2 * half:g}")
            values[field] = with_error(v, spec, error)
    if unknown:
        extra[name] = unknown if isinstance(raw, list) else raw


def _typed_one(item: Any) -> tuple[str, float, float | None, str] | FieldProblem:
    if isinstance(item, bool):
        return FieldProblem("", "expected a figure such as 'Mw 6.1'", item)
    if isinstance(item, int | float):
        if not math.isfinite(item):
            return FieldProblem("", f"not a finite number: {item!r}", item)
        return "", float(item), None, repr(float(item)) if isinstance(item, float) else str(item)
    if isinstance(item, dict):  # {"type": "Mw", "value": 6.1, "error": 0.1}
        kind, value, error = item.get("type", ""), item.get("value"), item.get("error")
        if not isinstance(kind, str) or isinstance(value, bool) or not isinstance(value, int | float) or not (
                error is None or (isinstance(error, int | float) and not isinstance(error, bool) and error >= 0)):
            return FieldProblem("", "expected {'type': text, 'value': number, 'error': number or absent}", item)
        if not math.isfinite(value) or (error is not None and not math.isfinite(error)):
            return FieldProblem("", f"not a finite figure: {item!r}", item)
        return kind.strip(), float(value), None if error is None else float(error), f"{value}"
    if isinstance(item, str):
        return typed_figure(item)
    return FieldProblem("", f"expected text, a number or an object, got {type(item).__name__}", item)


def _stated_error(got: tuple[str, Any] | None, spec: FieldSpec, problems: list[FieldProblem]) -> float | None:
    """A stated error as a number in the field's error unit; a bad one is a problem of its own key."""
    if got is None:
        return None
    name, raw = got
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        problems.append(FieldProblem(name, f"expected a number, got {type(raw).__name__}", raw))
        return None
    if isinstance(raw, int | float):
        if not math.isfinite(raw) or raw < 0:
            problems.append(FieldProblem(name, f"not an error: {raw!r}", raw))
            return None
        return float(raw)
    unit = spec.error_unit or ("s" if spec.kind == "time" else "km" if spec.kind == "point" else spec.unit or "")
    v = parse_quantity(raw.strip(), unit)
    if isinstance(v, FieldProblem):
        problems.append(FieldProblem(name, v.reason, raw))
        return None
    return v.best


def with_error(v: Value, spec: FieldSpec, error: float | None) -> Value:
    """A value widened to its stated error, else to the field's default error (a figure is never narrower than
    its own precision, nor than the error it states in its own text: "16.6 ± 2.1 km")."""
    stated_in_text = isinstance(v, Interval) and v.rule.startswith("error:")  # "16.6 ± 2.1 km"
    if isinstance(v, Term) or (isinstance(v, Interval) and (v.assumed or stated_in_text and error is None)):
        return v
    e = error if error is not None else spec.default_error
    if e is None:
        return v
    note = f"error:{e:g}" if error is not None else f"default-error:{e:g}"
    if isinstance(v, Point):
        return Point(v.lat, v.lon, max(v.radius, e), v.raw, f"{v.rule};{note}")
    return replace(v, lo=min(v.lo, v.best - e), hi=max(v.hi, v.best + e), rule=f"{v.rule};{note}")

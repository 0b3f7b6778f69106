"""One input record to one normalised ``Report``, or a ``ReportError`` with every problem found in it."""

from __future__ import annotations

import math
import sys
from typing import Any, NamedTuple

from pydantic import ValidationError

from ..errors import FieldProblem, ReportError
from ..models import NO_EXTRA, Interval, Report, ReportIn, Term, Value
from ..profile import FieldSpec, Profile
from ..runtime import Runtime
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
    saw_time = False
    for name, raw in record.items():  # one pass over what the record has, in its own order
        spec = fields.get(name)
        if spec is None:
            if name not in ENVELOPE:
                extra[name] = raw
            continue
        if _absent(raw):
            continue
        saw_time = saw_time or spec.kind == "time"
        result = _normalise_value(raw, spec, rt=rt, zone=zone, ref=issued_at)
        if isinstance(result, FieldProblem):
            problems.append(FieldProblem(name, result.reason, raw))
        else:
            values[name] = result
            if isinstance(result, Term) and not result.code and result.qualifier is None:
                warnings.append(f"{name}: {raw!r} is not in the profile's vocabulary; kept as text")

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
        return parse_time(raw.strip(), zone_name=zone, ref=ref, around=spec.around, hour_only=spec.hour_only)
    if kind == "quantity":
        if isinstance(raw, int | float):
            if raw < 0:
                return FieldProblem("", f"negative value {raw!r}", raw)
            raw = f"{raw:g}" if isinstance(raw, float) else str(raw)
        assert spec.unit is not None
        return parse_quantity(raw.strip(), spec.unit, spec.about_rel)
    if kind == "count":
        if isinstance(raw, int | float):
            if raw < 0 or int(raw) != raw:
                return FieldProblem("", f"not a count: {raw!r}", raw)
            n = float(raw)
            return Interval(n, n, n, "count", str(int(raw)), "exact")
        return parse_count(raw.strip())
    text = str(raw).strip()
    if kind == "place":
        return rt.place_term(text, tuple(spec.zones), tuple(spec.prefer_kinds))
    assert spec.taxonomy is not None
    return rt.category_term(spec.taxonomy, text)

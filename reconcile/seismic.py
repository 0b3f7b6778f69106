"""Seismological bulletins as input records: ISF (the IMS1.0 bulletin text the ISC publishes) and QuakeML, read
through ObsPy (the optional extra ``pip install 'reconcile[seismic]'``; imported only when a bulletin is read).

Pure functions over text or bytes: the caller opens files. One record per ORIGIN (one agency's solution), not per
bulletin event: the bulletin's own grouping is kept as the extra key ``bulletin_event`` (and ``prime: true`` marks
the event's preferred origin), so that ``truth_from_catalog`` can turn it into a truth file against which the
engine's grouping is scored. The record fields are those of docs/earthquakes.md:

- ``id``: the origin's id as the bulletin gives it (ISF: the OrigID column; QuakeML: the tail of the resource id
  after ``originId=`` or ``/origin/``, or the whole id when two origins of one source would share a tail);
- ``source``: the agency (creation info's agency id, else its author: the ISF ``Author`` column);
- ``time``: ISO 8601 UTC with the decimals the bulletin gives (ISF: as written in the origin line);
- ``depth``: ``"11.0 km"``, with ``" fixed"`` only when ObsPy's depth type is ``operator assigned`` (ISF flag
  ``f``); a depth constrained by depth phases (ISF flag ``d``) is a measurement, kept as ``depth_type``;
- ``magnitude``: the magnitudes that name this origin (``"mb 5.0"``, ``"M 4.5"`` without a type);
- ``solution``: ``centroid`` for an origin of type centroid or commented ``#CENTROID`` (ISC's mark of GCMT
  centroids, which ObsPy's ISF reader keeps only as a comment), else ``hypocentre``.

Errors and zero uncertainties (which bulletins write for "not given") are left out, never passed on as zero.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import InputError
from .pipeline import InputRecord

__all__ = [
    "FIXED_DEPTH_TYPES",
    "depth_text",
    "read_isf",
    "read_quakeml",
    "records_from_catalog",
    "truth_from_catalog",
    "truth_from_document",
]

INSTALL_HINT = "reading ISF and QuakeML needs ObsPy: pip install 'reconcile[seismic]'"
# ObsPy's depth types (QuakeML's OriginDepthType) that mean the depth was assumed, not measured. "constrained by
# depth phases" (ISF flag 'd') and the other "constrained by"/"from" types are determinations.
FIXED_DEPTH_TYPES = frozenset({"operator assigned"})
KM_PER_DEGREE = 111.195
_OBSPY_FORMATS = {"isf": "IMS10BULLETIN", "quakeml": "QUAKEML"}
_NAMES = {"isf": "ISF (IMS1.0)", "quakeml": "QuakeML"}
_ISF_ORIGIN_LINE = re.compile(r"\d{4}/\d\d/\d\d \d\d:\d\d:")
_ISF_DATA_TYPE = re.compile(rb"^\s*DATA_TYPE\s+BULLETIN\s+IMS1\.0", re.IGNORECASE | re.MULTILINE)


def _obspy(origin: str | None) -> Any:
    try:
        with warnings.catch_warnings():
            # obspy's plugin registry uses a deprecated importlib.metadata interface on Python 3.11
            warnings.simplefilter("ignore", DeprecationWarning)
            import obspy
    except ImportError as exc:
        raise InputError(INSTALL_HINT, file=origin) from exc
    return obspy


# ------------------------------------------------------------------------------------------------ reading


@dataclass(frozen=True, slots=True)
class _Row:
    """An ISF origin line: where it is and how many decimals its seconds have."""

    line: int
    decimals: int


def _isf_rows(text: str) -> dict[str, _Row]:
    """OrigID -> the origin line of an ISF bulletin (line numbers as an editor counts them)."""
    rows: dict[str, _Row] = {}
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > 128 and _ISF_ORIGIN_LINE.match(line):
            seconds = line[17:22].strip()
            rows.setdefault(line[128:136].strip(), _Row(number, len(seconds.partition(".")[2])))
    return rows


def _as_bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def _as_text(data: str | bytes) -> str:
    return data if isinstance(data, str) else data.decode("utf-8", "replace")


def _isf_failure_line(data: bytes) -> int | None:
    """The line ObsPy's ISF reader stopped at, by running it again (its own exceptions carry no line); None when
    that cannot be told (ObsPy's reader changed, or it did not stop inside the text)."""
    try:
        from obspy.io.iaspei.core import ISFReader

        reader = ISFReader(io.BytesIO(data))
    except Exception:
        return None
    physical = [n for n, line in enumerate(data.split(b"\n"), 1) if line.strip()]
    if len(physical) != len(reader.lines):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader.deserialize()
    except Exception:
        consumed = len(physical) - len(reader.lines)
        return physical[consumed - 1] if 0 < consumed <= len(physical) else None
    return None


def _xml_error(data: bytes) -> tuple[str, int | None] | None:
    """lxml's own account of malformed XML (ObsPy's QuakeML reader hides it), with its line."""
    try:
        from lxml import etree

        etree.fromstring(data)
    except Exception as exc:
        line = getattr(exc, "lineno", None)
        return str(getattr(exc, "msg", None) or exc), line if isinstance(line, int) and line > 0 else None
    return None


def read_catalog(data: str | bytes, fmt: str, origin: str | None = None) -> tuple[Any, list[str]]:
    """An ObsPy ``Catalog`` from a bulletin's content (``fmt``: ``isf`` or ``quakeml``) and the warnings ObsPy gave
    while reading it. Anything ObsPy cannot read is an ``InputError`` naming the file (and the line when known)."""
    if fmt not in _OBSPY_FORMATS:
        raise InputError(f"unknown bulletin format {fmt!r}; expected isf or quakeml", file=origin)
    obspy = _obspy(origin)
    raw = _as_bytes(data)
    name = _NAMES[fmt]
    if not raw.strip():
        raise InputError(f"empty file: nothing to read as {name}", file=origin)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            catalog = obspy.read_events(io.BytesIO(raw), format=_OBSPY_FORMATS[fmt])
        except Exception as exc:  # ObsPy raises whatever its parser met: ValueError, lxml's errors, ...
            raise _unreadable(exc, raw, fmt, origin) from exc
    if not hasattr(catalog, "events"):  # ObsPy's ISF reader returns False for some unreadable inputs
        raise InputError(f"ObsPy cannot read it as {name}", file=origin)
    notes = [str(w.message) for w in caught if not issubclass(w.category, DeprecationWarning)]
    return catalog, notes


def _unreadable(exc: Exception, raw: bytes, fmt: str, origin: str | None) -> InputError:
    name = _NAMES[fmt]
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if fmt == "quakeml":
        syntax = _xml_error(raw)
        if syntax is not None:
            return InputError(f"not well-formed XML, so not {name}: {syntax[0]}", file=origin, line=syntax[1])
        return InputError(f"ObsPy cannot read it as {name} ({what})", file=origin)
    if not _ISF_DATA_TYPE.search(raw):
        return InputError(f"no line 'DATA_TYPE BULLETIN IMS1.0', so not {name}", file=origin)
    if isinstance(exc, StopIteration):  # ObsPy's end-of-file signal, met where a block was still expected
        what = "the bulletin ends inside a block, or has no Event line"
    return InputError(f"ObsPy cannot read it as {name} ({what})", file=origin, line=_isf_failure_line(raw))


def read_isf(text: str | bytes, origin: str | None = None) -> Iterator[InputRecord]:
    """The origins of an ISF (IMS1.0 short) bulletin as input records, each with the line number of its origin
    line. Phase blocks are blanked before ObsPy reads the text: no phase is used, and ObsPy spends some 70 ms on an
    event's few hundred phase lines (a day of the ISC bulletin would take minutes; without them, seconds)."""
    content = _without_phases(_as_text(text))
    catalog, notes = read_catalog(content, "isf", origin)
    yield from _with_notes(catalog, notes, origin, _isf_rows(content))


def _without_phases(text: str) -> str:
    """The bulletin with every line of its phase blocks (from a ``Sta ... Phase`` header to the next blank line,
    event or STOP line) made blank, so that line numbers stay those of the file."""
    out: list[str] = []
    inside = False
    for line in text.split("\n"):
        if inside and line.strip() and not line.startswith(("Event", "EVENT", "STOP")):
            out.append("")
            continue
        inside = line.startswith("Sta ") and "Phase" in line
        out.append("" if inside else line)
    return "\n".join(out)


def read_quakeml(data: str | bytes, origin: str | None = None) -> Iterator[InputRecord]:
    """The origins of a QuakeML document as input records. Its phase data (picks, arrivals, amplitudes, station
    magnitudes) is left out before ObsPy reads it: none of it is used, and ObsPy spends some 100 ms an event on it
    (300 events of a bulletin with phases: 30 s; without them, a second)."""
    catalog, notes = read_catalog(_without_phase_elements(_as_bytes(data)), "quakeml", origin)
    yield from _with_notes(catalog, notes, origin, {})


# the QuakeML elements that carry phase data, none of them nested in another of them; an origin's arrivals are
# children of the origin, a magnitude's station contributions children of the magnitude
_PHASE_ELEMENTS = re.compile(
    rb"<((?:[A-Za-z_][\w.-]*:)?(?:pick|arrival|amplitude|stationMagnitude|stationMagnitudeContribution))\b"
    rb"(?:[^>]*?/>|[^>]*>.*?</\1\s*>)", re.S)


def _without_phase_elements(data: bytes) -> bytes:
    return _PHASE_ELEMENTS.sub(b"", data)


def read_bulletin(data: str | bytes, fmt: str, origin: str | None = None) -> Iterator[InputRecord]:
    return read_isf(data, origin) if fmt == "isf" else read_quakeml(data, origin)


def _with_notes(catalog: Any, notes: list[str], origin: str | None, rows: Mapping[str, _Row]
                ) -> Iterator[InputRecord]:
    """The records, then one unusable record per event ObsPy dropped (so that the loss reaches the rejects).
    ObsPy's warnings about phase blocks are dropped (no phase is read); its others are passed on as warnings."""
    for _, _, record in _catalog_records(catalog, origin, rows):
        yield record
    for note in notes:
        if "will be ignored" in note and "event" in note.lower():
            yield InputRecord(None, origin, None, f"ObsPy dropped an event of the bulletin: {note}")
        elif "phase" not in note.lower():
            warnings.warn(f"{origin or 'bulletin'}: ObsPy: {note}", UserWarning, stacklevel=3)


def records_from_catalog(catalog: Any, origin: str | None = None) -> Iterator[InputRecord]:
    """One input record per origin of an ObsPy ``Catalog`` (``obspy.core.event.Catalog``)."""
    for _, _, record in _catalog_records(catalog, origin, {}):
        yield record


# ------------------------------------------------------------------------------------------------ mapping


def _catalog_records(catalog: Any, origin: str | None, rows: Mapping[str, _Row]
                     ) -> list[tuple[int, str, InputRecord]]:
    """(event index, the event's short id, record) per origin, in bulletin order."""
    out: list[tuple[int, str, dict[str, Any], str, int | None]] = []
    for n, event in enumerate(catalog.events):
        event_id = _short_id(_rid(event.resource_id), "event")
        for data, full_id in _event_records(event, event_id, catalog, rows):
            row = rows.get(data["id"])
            out.append((n, event_id, data, full_id, row.line if row else None))
    # a short id must stay unique within its source: where two origins would share one, both keep the full id
    owners: dict[tuple[Any, str], set[str]] = defaultdict(set)
    for _, _, data, full_id, _ in out:
        owners[(data.get("source"), data["id"])].add(full_id)
    for _, _, data, full_id, _ in out:
        if len(owners[(data.get("source"), data["id"])]) > 1:
            data["id"] = full_id
    return [(n, event_id, InputRecord(data, origin, line)) for n, event_id, data, _, line in out]


def _event_records(event: Any, event_id: str, catalog: Any, rows: Mapping[str, _Row]
                   ) -> Iterator[tuple[dict[str, Any], str]]:
    origins = list(event.origins)
    by_id = {_rid(o.resource_id): o for o in origins}
    # ObsPy's ISF reader misses the #PRIME of an event whose origin block ends the bulletin: read it here too
    primed = [_rid(o.resource_id) for o in origins if any("#PRIME" in (c.text or "").upper() for c in o.comments)]
    preferred = _rid(event.preferred_origin_id) or (primed[-1] if primed else "")
    home = by_id.get(preferred) if preferred else (origins[0] if len(origins) == 1 else None)
    fallback_source = _agency(event.creation_info) or _agency(getattr(catalog, "creation_info", None))
    sources = {_rid(o.resource_id): _agency(o.creation_info) or fallback_source for o in origins}

    mags: dict[str, list[str]] = defaultdict(list)
    others: list[str] = []
    for m in event.magnitudes:
        if m.mag is None:
            continue
        text = _magnitude_text(m)
        target = _rid(m.origin_id)
        if target in by_id:
            mags[target].append(text)
            continue
        # a magnitude that names no origin of the event belongs to the preferred origin only when it comes from
        # the same agency (or says not whose it is); another agency's is kept aside, not attributed
        if home is None:
            continue
        home_id = _rid(home.resource_id)
        by = _agency(m.creation_info)
        if by is None or (sources[home_id] or "").casefold() == by.casefold():
            mags[home_id].append(text)
        else:
            others.append(f"{text} ({by})")

    region = _region(event)
    event_type = _event_type(event)
    for o in origins:
        full_id = _rid(o.resource_id)
        short = _short_id(full_id, "origin")
        row = rows.get(short)
        data: dict[str, Any] = {"id": short}
        if sources[full_id]:
            data["source"] = sources[full_id]
        created = getattr(o.creation_info, "creation_time", None)
        if created is not None:
            data["issued_at"] = iso_time(created)
        if event_type:
            data["event_type"] = event_type
        if o.time is not None:
            data["time"] = iso_time(o.time, row.decimals if row else None)
        time_error = _positive(_uncertainty(o.time_errors))
        if time_error is not None:
            data["time_error"] = time_error
        if o.latitude is not None and o.longitude is not None:
            data["latitude"], data["longitude"] = float(o.latitude), float(o.longitude)
            location_error = _location_error(o)
            if location_error is not None:
                data["location_error"] = location_error
        depth_type = None if o.depth_type is None else str(o.depth_type)
        if o.depth is not None:
            data["depth"] = depth_text(o.depth, depth_type, decimals=1 if row else None)
            depth_error = _positive(_uncertainty(o.depth_errors))
            if depth_error is not None:
                data["depth_error"] = _round(depth_error / 1000)
        magnitudes = list(dict.fromkeys(mags.get(full_id, ())))
        if magnitudes:
            data["magnitude"] = magnitudes
        if region:
            data["region"] = region
        data["solution"] = "centroid" if _is_centroid(o) else "hypocentre"
        data["bulletin_event"] = event_id
        if o is home and preferred:
            data["prime"] = True
            if others:
                data["other_magnitudes"] = others
        if o.time_fixed:
            data["time_fixed"] = True
        if o.epicenter_fixed:
            data["epicentre_fixed"] = True
        if depth_type and depth_type != "from location" and o.depth is not None:
            data["depth_type"] = depth_type
        author = getattr(o.creation_info, "author", None) or _uri_tail(getattr(o.creation_info, "author_uri", None))
        if author and author != data.get("source"):
            data["author"] = author
        yield data, full_id


def depth_text(depth_m: float, depth_type: str | None, *, decimals: int | None = None) -> str:
    """ObsPy's depth (metres) and depth type as a record's depth: ``"11.0 km"``, ``"10.0 km fixed"``.
    ``decimals``: as many as the bulletin writes (ISF: one); by default the shortest form to a metre."""
    km = depth_m / 1000
    figure = f"{km:.{decimals}f}" if decimals is not None else _figure(km)
    return f"{figure} km fixed" if depth_type in FIXED_DEPTH_TYPES else f"{figure} km"


def iso_time(t: Any, decimals: int | None = None) -> str:
    """An ObsPy ``UTCDateTime`` as ISO 8601 UTC (``Z``), with ``decimals`` digits of the second (by default as
    many as it has, to the nanosecond, without trailing zeros)."""
    ns = int(t.ns)
    if decimals is not None:
        step = 10 ** (9 - decimals)
        ns = (ns + step // 2) // step * step
    seconds, fraction = divmod(ns, 10**9)
    stamp = (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")
    digits = f"{fraction:09d}"[:decimals] if decimals is not None else f"{fraction:09d}".rstrip("0")
    return f"{stamp}.{digits}Z" if digits else f"{stamp}Z"


def _figure(x: float) -> str:
    """The shortest decimal form of ``x`` to three decimals: 14.4, 1.0, 0.01."""
    return repr(_round(x))


def _round(x: float) -> float:
    return float(round(x, 3))


def _rid(value: Any) -> str:
    return "" if value is None else str(getattr(value, "id", value) or "")


def _short_id(rid: str, kind: str) -> str:
    """The bulletin's own id inside a resource id: after ``originId=`` (``eventid=``), else after ``/origin/``
    (``/event/``), else the whole id."""
    m = re.search(rf"[?&;]{kind}_?id=([^&;]+)", rid, re.IGNORECASE)
    if m:
        return m.group(1)
    m = re.search(rf"(?:^|[/:]){kind}[/#](.+)$", rid, re.IGNORECASE)
    return m.group(1) if m else rid


def _uri_tail(uri: Any) -> str | None:
    text = _rid(uri)
    tail = re.split(r"[/#:]", text.rstrip("/"))[-1] if text else ""
    return tail or None


def _agency(info: Any) -> str | None:
    """An agency from a creation info: its agency id, else its author, else the tail of their URIs."""
    if info is None:
        return None
    for value in (info.agency_id, info.author):
        if value and str(value).strip():
            return str(value).strip()
    return _uri_tail(info.agency_uri) or _uri_tail(info.author_uri)


def _uncertainty(errors: Any) -> float | None:
    value = getattr(errors, "uncertainty", None) if errors is not None else None
    return None if value is None else float(value)


def _positive(value: float | None) -> float | None:
    """An error as given, or None when absent, zero or not a number (bulletins write 0 for "not given")."""
    return value if value is not None and math.isfinite(value) and value > 0 else None


def _location_error(o: Any) -> float | None:
    """km: the horizontal uncertainty (or the ellipse's semi-major axis, as the bulletin prefers), else the larger
    of the latitude and longitude errors (degrees)."""
    u = o.origin_uncertainty
    if u is not None:
        horizontal = _positive(u.horizontal_uncertainty)
        major = _positive(u.max_horizontal_uncertainty)
        picks = (major, horizontal) if u.preferred_description == "uncertainty ellipse" else (horizontal, major)
        for metres in picks:
            if metres is not None:
                return _round(metres / 1000)
    lat = _positive(_uncertainty(o.latitude_errors))
    lon = _positive(_uncertainty(o.longitude_errors))
    if lat is None and lon is None:
        return None
    lon_km = (lon or 0) * KM_PER_DEGREE * math.cos(math.radians(o.latitude))
    return _round(max((lat or 0) * KM_PER_DEGREE, lon_km))


def _magnitude_text(m: Any) -> str:
    text = f"{(m.magnitude_type or '').strip() or 'M'} {_figure(float(m.mag))}"
    error = _positive(_uncertainty(m.mag_errors))
    return f"{text} ± {error:g}" if error is not None else text


def _region(event: Any) -> str | None:
    texts = {str(d.type): (d.text or "").strip() for d in event.event_descriptions if d.type is not None}
    for kind in ("Flinn-Engdahl region", "region name"):
        if texts.get(kind):
            return texts[kind]
    return None


def _event_type(event: Any) -> str | None:
    kind = event.event_type
    return None if kind is None or str(kind) == "not reported" else str(kind)


def _is_centroid(o: Any) -> bool:
    if o.origin_type is not None and str(o.origin_type) == "centroid":
        return True
    return any("#CENTROID" in (c.text or "").upper() for c in o.comments)


# ------------------------------------------------------------------------------------------------ truth


def truth_from_catalog(catalog: Any, *, source: Callable[[str], str] | None = None) -> dict[str, Any]:
    """A truth file (docs/formats.md) from a bulletin's own grouping: one event per bulletin event, listing its
    origins as reports ``{"source", "id"}``, with no conflicts. ``source`` maps an agency as written to the code
    the profile gives it (the truth names reports as the engine's output does)."""
    canon = source or (lambda s: s)
    events: list[dict[str, Any]] = []
    index: dict[int, dict[str, Any]] = {}
    used: set[str] = set()
    for n, event_id, record in _catalog_records(catalog, None, {}):
        data = record.data
        if n not in index:
            name, k = event_id, 2
            while name in used:
                name, k = f"{event_id}#{k}", k + 1
            used.add(name)
            index[n] = {"id": name, "reports": []}
            events.append(index[n])
        if data.get("source"):
            index[n]["reports"].append({"source": canon(str(data["source"]).strip()), "id": data["id"]})
    return {"description": getattr(catalog, "description", None) or None, "events": events}


def truth_from_document(data: str | bytes, fmt: str, origin: str | None = None, *,
                        source: Callable[[str], str] | None = None) -> dict[str, Any]:
    """``truth_from_catalog`` of an ISF or QuakeML document."""
    catalog, _ = read_catalog(data, fmt, origin)
    return truth_from_catalog(catalog, source=source)

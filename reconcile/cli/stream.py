"""Writing a batch while it is reconciled.

After clustering, the events are independent of each other. They are built and serialised in worker processes
forked at that point: the workers share the clustered reports with this process (copy-on-write, nothing
pickled on the way in) and send back only the serialised bytes and their counts, which are written here in
order. No list of events is ever held, so memory stays at what the reports themselves take.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import IO, Any

import orjson

from ..export import Tally, csv_header, csv_row, event_dict, geojson_feature
from ..models import Reject, Report
from ..pipeline import build_event
from ..profile import Profile

CHUNK = 2_000  # events per task
PARALLEL_FROM = 20_000  # events from which worker processes pay for themselves

_GROUPS: list[list[Report]] = []
_PROFILE: Profile | None = None
_FORMAT = "json"
_LINKS = False


def _dumps(obj: Any) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS)


def _render(span: tuple[int, int]) -> tuple[list[bytes], Tally]:
    """Build and serialise the events of groups[start:end] (in a worker, or here)."""
    assert _PROFILE is not None
    return render_groups(_GROUPS[span[0]:span[1]], _PROFILE, fmt=_FORMAT, links=_LINKS)


def render_groups(groups: list[list[Report]], profile: Profile, *, fmt: str,
                  links: bool = False) -> tuple[list[bytes], Tally]:
    """Build the events of ``groups`` and serialise each in ``fmt`` (GeoJSON leaves out events without a
    position); with the counts for the summary."""
    tally = Tally()
    out: list[bytes] = []
    for group in groups:
        event = build_event(group, profile, links=links)
        tally.add_event(event)
        if fmt == "json":
            out.append(_dumps(event_dict(event, profile)))
        elif fmt == "geojson":
            feature = geojson_feature(event, profile)
            if feature is not None:
                out.append(_dumps(feature))
        else:
            buf = io.StringIO()
            csv.writer(buf).writerow(csv_row(event, profile))
            out.append(buf.getvalue().encode())
    return out, tally


def render(groups: list[list[Report]], profile: Profile, *, fmt: str, links: bool = False,
           workers: int = 1) -> Iterator[tuple[list[bytes], Tally]]:
    """Serialised events chunk by chunk, in order; in ``workers`` forked processes for large batches."""
    global _GROUPS, _PROFILE, _FORMAT, _LINKS
    _GROUPS, _PROFILE, _FORMAT, _LINKS = groups, profile, fmt, links
    spans = [(i, min(i + CHUNK, len(groups))) for i in range(0, len(groups), CHUNK)]
    try:
        fork = "fork" in multiprocessing.get_all_start_methods()
        if workers <= 1 or len(groups) < PARALLEL_FROM or not fork:
            yield from map(_render, spans)
            return
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            yield from pool.map(_render, spans)
    finally:
        _GROUPS, _PROFILE = [], None


SEPARATOR = {"json": b",\n", "geojson": b",\n", "csv": b""}  # between two serialised events


def stream_head(profile: Profile, fmt: str) -> bytes:
    return {"json": b'{"profile":' + _dumps(profile.name) + b',"events":[',
            "geojson": b'{"type":"FeatureCollection","features":[',
            "csv": _csv_line(csv_header(profile))}[fmt]


def stream_tail(rejects: list[Reject], tally: Tally, fmt: str) -> bytes:
    if fmt == "json":
        return (b'],\n"rejects":[' + b",\n".join(_dumps(r.model_dump()) for r in rejects)
                + b'],\n"summary":' + _dumps(tally.as_dict()) + b"}\n")
    return b"]}\n" if fmt == "geojson" else b""


def write_stream(groups: list[list[Report]], rejects: list[Reject], profile: Profile, out: IO[bytes], *,
                 fmt: str, links: bool = False, workers: int = 1) -> Tally:
    """Write the whole result in ``fmt`` (json, csv, geojson); returns the counts for the summary."""
    tally = Tally()
    tally.rejects = len(rejects)
    out.write(stream_head(profile, fmt))
    tally.merge(write_events(render(groups, profile, fmt=fmt, links=links, workers=workers), out, fmt)[0])
    out.write(stream_tail(rejects, tally, fmt))
    return tally


def write_events(rendered: Iterable[tuple[list[bytes], Tally]], out: IO[bytes], fmt: str) -> tuple[Tally, bool]:
    """Serialised events, chunk by chunk as they come, separated as ``fmt`` wants; their counts, and whether
    anything was written."""
    tally = Tally()
    first = True
    for blobs, counts in rendered:
        tally.merge(counts)
        if blobs:
            out.write((b"" if first else SEPARATOR[fmt]) + SEPARATOR[fmt].join(blobs))
            first = False
    return tally, not first


def _csv_line(row: list[Any]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerow(row)
    return buf.getvalue().encode()

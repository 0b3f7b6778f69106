"""File handling for the CLI: opening archives (or standard input) as record streams, writing results."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from ..errors import InputError
from ..export import csv_header, csv_row, event_dict, geojson_feature, summary
from ..formats import detect_format, read_records
from ..models import BatchResult
from ..pipeline import InputRecord
from ..profile import Profile


def iter_inputs(paths: list[str], fmt: str | None = None) -> Iterator[InputRecord]:
    """Records from every input in turn; ``-`` is standard input."""
    for path in paths:
        if path == "-":
            lines = list(sys.stdin)
            yield from read_records(lines, fmt=fmt or detect_format("", "".join(lines[:1])), origin="<stdin>")
            continue
        p = Path(path)
        if not p.is_file():
            raise InputError("no such file", file=path)
        with p.open(encoding="utf-8-sig", newline="") as fh:
            try:
                head = fh.read(256)
                fh.seek(0)
                yield from read_records(fh, fmt=fmt or detect_format(p.name, head), origin=path)
            except UnicodeDecodeError as exc:
                raise InputError(f"not UTF-8 text: {exc}", file=path) from exc


def count_lines(paths: list[str]) -> int | None:
    total = 0
    for path in paths:
        if path == "-" or not Path(path).is_file():
            return None
        with open(path, "rb") as fh:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    return total


def _dumps(obj: Any) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS)


def write_json(result: BatchResult, profile: Profile, out: IO[bytes]) -> None:
    """The batch document, written event by event so that a million reports never sit in memory twice."""
    out.write(b'{"profile":' + _dumps(result.profile) + b',"summary":' + _dumps(summary(result)) + b',"events":[')
    for k, e in enumerate(result.events):
        if k:
            out.write(b",\n")
        out.write(_dumps(event_dict(e, profile)))
    out.write(b'],\n"rejects":[')
    for k, r in enumerate(result.rejects):
        if k:
            out.write(b",\n")
        out.write(_dumps(r.model_dump()))
    out.write(b"]}\n")


def write_csv(result: BatchResult, profile: Profile, out: IO[str]) -> None:
    writer = csv.writer(out)
    writer.writerow(csv_header(profile))
    for e in result.events:
        writer.writerow(csv_row(e, profile))


def write_geojson(result: BatchResult, profile: Profile, out: IO[bytes]) -> None:
    out.write(b'{"type":"FeatureCollection","features":[')
    first = True
    for e in result.events:
        feature = geojson_feature(e, profile)
        if feature is None:
            continue
        out.write((b"" if first else b",\n") + _dumps(feature))
        first = False
    out.write(b"]}\n")

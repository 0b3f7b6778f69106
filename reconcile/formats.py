"""Reading archives into records, from lines of text: JSON Lines, a JSON array or object, CSV; and, as whole
documents read through ObsPy (``reconcile.seismic``, the optional extra ``seismic``), seismological bulletins:
ISF (IMS1.0) and QuakeML.

Pure functions over iterables of strings: the caller opens files (or streams an upload). A line that is not JSON
becomes an ``InputRecord`` with ``error`` set, so it reaches the rejects with its line number rather than
stopping the run.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator

import orjson

from .errors import InputError
from .pipeline import InputRecord

FORMATS = ("jsonl", "json", "csv", "isf", "quakeml")
DOCUMENT_FORMATS = frozenset({"isf", "quakeml"})  # read whole (by ObsPy), not line by line
_EXTENSIONS = ((".jsonl", "jsonl"), (".ndjson", "jsonl"), (".csv", "csv"), (".json", "json"), (".isf", "isf"),
               (".ims", "isf"), (".quakeml", "quakeml"), (".qml", "quakeml"), (".xml", "quakeml"))
_ISF_HEAD = re.compile(r"^\s*(?:DATA_TYPE\s+BULLETIN|BEGIN\s+IMS1\.0)", re.IGNORECASE | re.MULTILINE)
_QUAKEML_HEAD = re.compile(r"<(?:[\w.-]+:)?quakeml\b", re.IGNORECASE)


def detect_format(name: str, head: str) -> str:
    """The format of an archive from its name, else from its first non-blank character, else from its head: a
    line ``DATA_TYPE BULLETIN``/``BEGIN IMS1.0`` is ISF, a ``<quakeml`` element QuakeML; anything else is CSV."""
    lower = name.lower()
    for ext, fmt in _EXTENSIONS:
        if lower.endswith(ext):
            return fmt
    first = head.lstrip()[:1]
    if first in ("[", "{"):
        return "json" if first == "[" else "jsonl"
    if _ISF_HEAD.search(head):
        return "isf"
    if _QUAKEML_HEAD.search(head):
        return "quakeml"
    return "csv"


def read_jsonl(lines: Iterable[str], origin: str | None = None, *, defer: bool = False) -> Iterator[InputRecord]:
    """One record per non-blank line. With ``defer`` the lines are passed on unparsed (``InputRecord.text``)
    and parsed where they are normalised, e.g. in a worker process."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if defer:
            yield InputRecord(None, origin, number, text=line)
            continue
        yield parse_line(line, origin, number)


def parse_line(line: str, origin: str | None, number: int | None) -> InputRecord:
    """A JSON line as a record, or as an unusable one saying why."""
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return InputRecord(line.rstrip("\n"), origin, number, f"not valid JSON: {exc}")
    if not isinstance(data, dict):
        return InputRecord(data, origin, number, f"expected a JSON object, got {type(data).__name__}")
    return InputRecord(data, origin, number)


def read_json(text: str, origin: str | None = None) -> Iterator[InputRecord]:
    """A JSON document holding one report or an array of reports (item k is reported as line k)."""
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc}", file=origin) from exc
    items = data if isinstance(data, list) else [data]
    for number, item in enumerate(items, 1):
        if isinstance(item, dict):
            yield InputRecord(item, origin, number)
        else:
            yield InputRecord(item, origin, number, f"expected a JSON object, got {type(item).__name__}")


def read_csv(lines: Iterable[str], origin: str | None = None) -> Iterator[InputRecord]:
    """CSV with a header row of report field names; empty cells are absent values. Line numbers count the header
    as line 1."""
    reader = csv.DictReader(lines)
    if reader.fieldnames is None:
        return
    missing = [c for c in ("id", "source") if c not in reader.fieldnames]
    if missing:
        raise InputError(f"CSV header lacks column(s) {', '.join(missing)}", file=origin, line=1)
    for row in reader:
        line = reader.line_num
        if None in row:  # more cells than the header names
            extra = row.pop(None)  # type: ignore[call-overload]
            yield InputRecord(row, origin, line, f"{len(extra)} more cell(s) than the header has columns")
            continue
        yield InputRecord({k: v for k, v in row.items() if v not in (None, "")}, origin, line)


def read_records(lines: Iterable[str], *, fmt: str, origin: str | None = None,
                 defer: bool = False) -> Iterator[InputRecord]:
    if fmt == "jsonl":
        return read_jsonl(lines, origin, defer=defer)
    if fmt == "csv":
        return read_csv(lines, origin)
    if fmt == "json":
        return read_json("".join(lines), origin)
    if fmt in DOCUMENT_FORMATS:
        return read_document("".join(lines), fmt=fmt, origin=origin)
    raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}", file=origin)


def read_document(data: str | bytes, *, fmt: str, origin: str | None = None) -> Iterator[InputRecord]:
    """A whole seismological bulletin (``fmt``: ``isf`` or ``quakeml``): one record per origin; needs ObsPy."""
    from .seismic import read_bulletin

    return read_bulletin(data, fmt, origin)

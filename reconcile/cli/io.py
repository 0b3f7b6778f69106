"""File handling for the CLI: opening archives (or standard input) as record streams."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..formats import DOCUMENT_FORMATS, detect_format, read_document, read_records
from ..pipeline import InputRecord

HEAD_BYTES = 4096  # enough to find an ISF bulletin's DATA_TYPE line after an e-mail or AutoDRM preamble


def iter_inputs(paths: list[str], fmt: str | None = None, *, defer: bool = False) -> Iterator[InputRecord]:
    """Records from every input in turn; ``-`` is standard input. ``defer``: JSON lines are parsed later, where
    they are normalised (in worker processes). Bulletins (ISF, QuakeML) are read whole, as bytes."""
    for path in paths:
        if path == "-":
            lines = list(sys.stdin)
            chosen = fmt or detect_format("", "".join(lines[:40]))
            yield from read_records(lines, fmt=chosen, origin="<stdin>")
            continue
        p = Path(path)
        if not p.is_file():
            raise InputError("no such file", file=path)
        with p.open("rb") as raw:
            head = raw.read(HEAD_BYTES).decode("utf-8-sig", "replace")
        chosen = fmt or detect_format(p.name, head)
        if chosen in DOCUMENT_FORMATS:
            yield from read_document(p.read_bytes(), fmt=chosen, origin=path)
            continue
        with p.open(encoding="utf-8-sig", newline="") as fh:
            try:
                yield from read_records(fh, fmt=chosen, origin=path, defer=defer)
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

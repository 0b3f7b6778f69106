"""Archive uploads processed in the background, resumably.

An upload is streamed to a file under ``data_dir`` (never held in memory), then a batch row is queued. A runner
thread claims queued batches, and batches whose runner stopped beating (a killed process), and works through the
file a chunk of records at a time: the chunk's reports, its rejects and the batch's new byte offset are written
in one transaction. A batch killed mid-way therefore resumes at the first chunk not committed, and a chunk
submitted twice is harmless anyway (a report already stored with the same content is "unchanged").
"""

from __future__ import annotations

import csv
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, insert, or_, select, update

from reconcile.formats import detect_format

from .store import Store
from .tables import BatchRejectRow, BatchRow

log = logging.getLogger("reconcile.batches")
FORMATS = ("jsonl", "csv")


class UploadTooLarge(Exception):
    pass


def new_batch_id() -> str:
    return "B-" + uuid.uuid4().hex[:16]


def batch_format(filename: str, declared: str | None, head: bytes) -> str:
    if declared:
        return declared
    return detect_format(filename, head[:200].decode("utf-8", "replace"))


def _records(path: Path, fmt: str, offset: int, first_line: int) -> Iterator[tuple[Any, int, int, str | None]]:
    """(record, line number, byte offset after it, error) from ``offset`` on. Line numbers count every physical
    line of the file, as an editor does."""
    with path.open("rb") as f:
        if fmt == "csv":
            header_line = f.readline()
            header_end = f.tell()
            fields = next(csv.reader([header_line.decode("utf-8-sig")]), [])
            start = max(offset, header_end)
            f.seek(start)
            line_no = max(first_line, 1)
            ends: list[int] = []
            pos = start

            def lines() -> Iterator[str]:
                nonlocal pos
                for raw in f:
                    pos += len(raw)
                    ends.append(pos)
                    yield raw.decode("utf-8", "replace")

            reader = csv.reader(lines())
            consumed = 0
            for row in reader:
                used = reader.line_num - consumed
                consumed = reader.line_num
                line_no += used
                end = ends[consumed - 1]
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) > len(fields):
                    yield (dict(zip(fields, row, strict=False)), line_no, end,
                           f"{len(row) - len(fields)} more cell(s) than the header has columns")
                    continue
                yield {k: v for k, v in zip(fields, row, strict=False) if v != ""}, line_no, end, None
            return
        f.seek(offset)
        line_no = first_line
        pos = offset
        for raw in f:
            pos += len(raw)
            line_no += 1
            if not raw.strip():
                continue
            try:
                data = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                yield raw.decode("utf-8", "replace").rstrip("\n"), line_no, pos, f"not valid JSON: {exc}"
                continue
            if not isinstance(data, dict):
                yield data, line_no, pos, f"expected a JSON object, got {type(data).__name__}"
                continue
            yield data, line_no, pos, None


class BatchRunner:
    """Claims and processes batches in a background thread of the service process."""

    def __init__(self, store: Store, *, chunk: int = 500, stale_after: float = 30.0, poll: float = 0.5) -> None:
        self.store = store
        self.db = store.db
        self.chunk = chunk
        self.stale_after = stale_after
        self.poll = poll
        self.owner = uuid.uuid4().hex
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="batch-runner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def wake(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                batch_id = self._claim()
                if batch_id is not None:
                    self._process(batch_id)
                    continue
            except Exception:  # a broken batch must not stop the runner; it is marked failed in _process
                log.exception("batch runner")
            self._wake.wait(self.poll)
            self._wake.clear()

    def _claim(self) -> str | None:
        with self.db.read() as conn:  # an idle runner polls with a read; it takes the write lock only to claim
            waiting = conn.execute(select(BatchRow.id).where(or_(
                BatchRow.status == "queued",
                (BatchRow.status == "running") & (BatchRow.heartbeat < time.time() - self.stale_after),
            )).limit(1)).first()
        if waiting is None:
            return None

        def work(conn: Connection) -> str | None:
            now = time.time()
            row = conn.execute(select(BatchRow.id).where(or_(
                BatchRow.status == "queued",
                (BatchRow.status == "running") & (BatchRow.heartbeat < now - self.stale_after),
            )).order_by(BatchRow.created_at).limit(1)).first()
            if row is None:
                return None
            conn.execute(update(BatchRow).where(BatchRow.id == row.id).values(
                status="running", owner=self.owner, heartbeat=now, updated_at=now))
            return str(row.id)

        return self.db.write(work)

    def _process(self, batch_id: str) -> None:
        with self.db.read() as conn:
            b = conn.execute(select(BatchRow).where(BatchRow.id == batch_id)).one()
        allowed = None if b.sources == "*" else frozenset(s for s in b.sources.split("|") if s)
        path = Path(b.path)
        try:
            records = _records(path, b.format, b.offset, b.lines_done)
            chunk: list[tuple[Any, int, int, str | None]] = []
            for item in records:
                chunk.append(item)
                if len(chunk) >= self.chunk:
                    if not self._commit(b, chunk, allowed):
                        return
                    chunk = []
                if self._stop.is_set():
                    break
            if chunk and not self._commit(b, chunk, allowed):
                return
            if self._stop.is_set():  # a graceful stop: hand the batch back, the next runner resumes at once
                self.db.write(lambda conn: conn.execute(update(BatchRow).where(
                    BatchRow.id == batch_id, BatchRow.owner == self.owner).values(
                    status="queued", owner=None, updated_at=time.time())))
                return
            self.db.write(lambda conn: conn.execute(update(BatchRow).where(
                BatchRow.id == batch_id, BatchRow.owner == self.owner).values(
                status="done", updated_at=time.time(), heartbeat=time.time())))
            path.unlink(missing_ok=True)
        except Exception as exc:
            log.exception("batch %s failed", batch_id)
            error = f"{type(exc).__name__}: {exc}"
            self.db.write(lambda conn: conn.execute(update(BatchRow).where(BatchRow.id == batch_id).values(
                status="failed", error=error, updated_at=time.time())))

    def _commit(self, b: Any, chunk: list[tuple[Any, int, int, str | None]],
                allowed: frozenset[str] | None) -> bool:
        """One chunk in one transaction with the batch's progress; False when another runner owns the batch."""
        good = [(rec, line) for rec, line, _, error in chunk if error is None]
        bad = [{"line": line, "id": None, "source": None, "errors": [{"field": "record", "reason": error}],
                "record": rec} for rec, line, _, error in chunk if error is not None]
        incoming, rejects = self.store.prepare([r for r, _ in good], allowed=allowed,
                                               lines=[line for _, line in good], origin=b.filename, lenient=True)
        end = chunk[-1][2]
        last_line = chunk[-1][1]

        def work(conn: Connection) -> bool:
            now = time.time()
            mine = conn.execute(update(BatchRow).where(BatchRow.id == b.id, BatchRow.owner == self.owner)
                                .values(heartbeat=now, updated_at=now))
            if mine.rowcount == 0:
                return False
            result = self.store.apply(conn, incoming, actor=b.submitted_by, batch_id=b.id, lenient=True)
            all_rejects = bad + rejects + result.rejects
            if all_rejects:
                conn.execute(insert(BatchRejectRow), [
                    {"batch_id": b.id, "line": r.get("line"), "detail": orjson.dumps(r, default=str).decode()}
                    for r in all_rejects])
            created = sum(1 for r in result.reports if r["status"] in ("created", "replaced"))
            unchanged = sum(1 for r in result.reports if r["status"] == "unchanged")
            conn.execute(update(BatchRow).where(BatchRow.id == b.id).values(
                offset=end, lines_done=last_line, created=BatchRow.created + created,
                unchanged=BatchRow.unchanged + unchanged, rejected=BatchRow.rejected + len(all_rejects)))
            return True

        return self.db.write(work)


def save_upload(chunks: Iterator[bytes] | Any, path: Path, limit: int) -> int:
    """Write an upload to ``path`` chunk by chunk; raises ``UploadTooLarge`` past ``limit`` bytes."""
    size = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        for piece in chunks:
            size += len(piece)
            if size > limit:
                raise UploadTooLarge(size)
            f.write(piece)
    return size


def batch_dict(b: Any, rejects: list[dict[str, Any]], total_rejects: int) -> dict[str, Any]:
    done = b.status == "done"
    progress = 1.0 if done else (b.offset / b.bytes if b.bytes else 0.0)
    return {"id": b.id, "status": b.status, "filename": b.filename, "format": b.format, "bytes": b.bytes,
            "progress": round(progress, 4), "lines_done": b.lines_done,
            "counts": {"created": b.created, "unchanged": b.unchanged, "rejected": b.rejected},
            "error": b.error, "submitted_by": b.submitted_by, "created_at": b.created_at, "updated_at": b.updated_at,
            "rejects": rejects, "rejects_total": total_rejects}


"""Large batches end to end in blocks: each block clustered, built and serialised in one worker process.

The normalising workers send back each chunk's reports serialised (pickled) with a summary of them: keys,
revision links and the interval the sweep places each on (``ChunkSummary``). That is all it takes to cut the batch
at quiet times into blocks that share no candidate pair and no revision (``summary_blocks``), so this process never
rebuilds a million reports: workers forked afterwards inherit the serialised chunks, each loads the reports of its
block only, clusters them (``plan_reports``), builds and serialises their events into a file of its own, and this
process joins the files in block order. Blocks come in time order, so their events do too: the output is byte for
byte that of normalising, clustering and writing in one piece (tested).

When there is no fork (Windows, macOS's default) or the batch does not divide, the reports are loaded here and
the batch takes the one-piece path (``plan_reports``, ``write_stream``).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, TimeoutError
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from ..export import Tally
from ..models import Reject, Report
from ..pipeline import (
    ChunkSummary,
    Ledger,
    Progress,
    mapped_chunks,
    plan_reports,
    record_of,
    summary_blocks,
)
from ..profile import Profile
from .stream import CHUNK, SEPARATOR, render_groups, stream_head, stream_tail, write_events, write_stream

Packed = tuple[bytes, ChunkSummary]
BLOCKS_FROM = 10_000  # reports from which a batch is written block by block (measured: 25k reports 2.5 -> 1.8 s)


@dataclass
class ShardedBatch:
    """A normalised batch held as its workers sent it: serialised chunks, and per admitted report (in input order)
    its chunk, position, key, revision link and sweep interval."""

    profile: Profile
    blobs: list[bytes] = field(default_factory=list)
    chunk_of: list[int] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    keys: list[tuple[str, str]] = field(default_factory=list)
    supersedes: list[str | None] = field(default_factory=list)
    t_lo: list[np.ndarray] = field(default_factory=list)
    t_hi: list[np.ndarray] = field(default_factory=list)
    ledger: Ledger = field(default_factory=Ledger)

    @property
    def rejects(self) -> list[Reject]:
        return self.ledger.rejects

    def add(self, records: dict[int, Any], blob: bytes, summary: ChunkSummary) -> int:
        """Take one chunk's result; returns the number of records it held."""
        c = len(self.blobs)
        self.blobs.append(blob)
        n, keys, seen = len(summary.positions), summary.keys, self.ledger.seen
        if seen.keys().isdisjoint(keys) and len(set(keys)) == n:  # (nearly always) no id seen before: all admitted
            seen.update(zip(keys, ((o, ln, d) for (o, ln), d in zip(summary.origins, summary.digests, strict=True)),
                            strict=True))
            self.ledger.rejects.extend(r for _, r in summary.rejects)
            self.chunk_of.extend([c] * n)
            self.positions.extend(summary.positions)
            self.keys.extend(keys)
            self.supersedes.extend(summary.supersedes)
            self.t_lo.append(summary.t_lo)
            self.t_hi.append(summary.t_hi)
            return n + len(summary.rejects)
        admitted = np.zeros(n, dtype=bool)
        rejects = iter(summary.rejects)
        pending = next(rejects, None)
        for k, position in enumerate(summary.positions):  # in input order: rejects and reports interleaved
            while pending is not None and pending[0] < position:
                self.ledger.rejects.append(pending[1])
                pending = next(rejects, None)
            key = summary.keys[k]
            origin, line = summary.origins[k]
            if self.ledger.admit(key, origin, line, summary.digests[k], record_of(records, position)):
                admitted[k] = True
                self.chunk_of.append(c)
                self.positions.append(position)
                self.keys.append(key)
                self.supersedes.append(summary.supersedes[k])
        while pending is not None:
            self.ledger.rejects.append(pending[1])
            pending = next(rejects, None)
        self.t_lo.append(summary.t_lo[admitted])
        self.t_hi.append(summary.t_hi[admitted])
        return n + len(summary.rejects)

    def blocks(self, parts: int) -> list[np.ndarray]:
        if not self.keys:
            return []
        return summary_blocks(self.keys, self.supersedes, np.concatenate(self.t_lo), np.concatenate(self.t_hi),
                              self.profile, parts)

    def reports(self, indices: Iterable[int] | None = None) -> list[Report]:
        """The admitted reports (those ``indices`` name, or all, in input order), loaded from their chunks."""
        wanted: dict[int, set[int]] = {}
        for i in range(len(self.keys)) if indices is None else indices:
            wanted.setdefault(self.chunk_of[i], set()).add(self.positions[i])
        out: list[Report] = []
        for c in sorted(wanted):
            ps = wanted[c]
            out.extend(r for p, r, _ in pickle.loads(self.blobs[c]) if p in ps and isinstance(r, Report))
        return out


def gather(records: Iterable[Any], profile: Profile, normalise_map: Callable[[Iterable[Any]], Iterable[Packed]],
           progress: Progress | None = None) -> ShardedBatch:
    """Normalise ``records`` through ``normalise_map`` (``ProcessMap(packed=True)``) into a ``ShardedBatch``."""
    batch = ShardedBatch(profile)
    for chunk, (blob, summary) in mapped_chunks(records, normalise_map):
        n = batch.add(chunk, blob, summary)
        if progress is not None:
            progress("normalise", n)
    return batch


def write_sharded(batch: ShardedBatch, out: IO[bytes], *, fmt: str, links: bool = False, workers: int = 2,
                  progress: Progress | None = None, scratch: Path | None = None) -> Tally:
    """Cluster, build and write ``batch``: block by block in forked workers when it is large and divides (and the
    blocks' files fit in ``scratch``, by default the system's temporary directory, ``TMPDIR``), else in one piece."""
    fork = "fork" in multiprocessing.get_all_start_methods()
    blocks = batch.blocks(workers) if fork and workers > 1 and len(batch.keys) >= BLOCKS_FROM else []
    scratch = scratch or Path(tempfile.gettempdir())
    if len(blocks) < 2 or not _room_for(batch, scratch, links=links):
        reports = batch.reports()
        batch.blobs.clear()
        groups = plan_reports(reports, batch.profile, progress=progress)
        return write_stream(groups, batch.rejects, batch.profile, out, fmt=fmt, links=links, workers=workers)
    tally = Tally()
    tally.rejects = len(batch.rejects)
    out.write(stream_head(batch.profile, fmt))
    with tempfile.TemporaryDirectory(prefix="reconcile-", dir=scratch) as tmp, _terminated_as_exit(), \
            closing(_run_blocks(batch, blocks, fmt, links, workers, Path(tmp), progress)) as results:
        first = True
        # each block's file is appended, then deleted, as soon as it and every block before it are done
        for path, written, counts in results:
            tally.merge(counts)
            if written:
                if not first:
                    out.write(SEPARATOR[fmt])
                _append(out, path)
                first = False
            os.unlink(path)
    out.write(stream_tail(batch.rejects, tally, fmt))
    return tally


OUTPUT_PER_BLOB = 8  # bytes written per byte of serialised report, with room to spare (measured: 4.6; links add)


def _room_for(batch: ShardedBatch, scratch: Path, *, links: bool) -> bool:
    """Whether ``scratch`` can hold the blocks' files (about the whole output) with room to spare."""
    need = OUTPUT_PER_BLOB * (2 if links else 1) * sum(len(b) for b in batch.blobs)
    try:
        return shutil.disk_usage(scratch).free > need
    except OSError:
        return False


@contextmanager
def _terminated_as_exit() -> Iterator[None]:
    """While blocks are written, SIGTERM ends this process as an exception would: block workers stopped, the
    blocks' files removed. (Only in the main thread, where Python lets a handler be set.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _append(out: IO[bytes], path: str) -> None:
    """Copy a block's file to ``out``: inside the kernel when ``out`` is a file (a gigabyte in a fraction of a
    second), else through a buffer."""
    with open(path, "rb") as part:
        try:
            fd = out.fileno()
        except (AttributeError, OSError, ValueError):  # a stream without a descriptor (a test's capture, say)
            fd = -1
        if fd >= 0 and hasattr(os, "sendfile"):
            out.flush()
            size, sent = os.fstat(part.fileno()).st_size, 0
            try:
                while sent < size:
                    n = os.sendfile(fd, part.fileno(), sent, size - sent)
                    if n == 0:
                        break
                    sent += n
                return
            except OSError:  # a descriptor sendfile cannot write to (macOS: sockets only)
                if sent:
                    raise
        shutil.copyfileobj(part, out, 1 << 22)


# --- the block workers: forked after normalisation, they inherit the batch instead of receiving it ---

_JOB: tuple[ShardedBatch, list[np.ndarray], str, bool, Path, Any] | None = None


def _block(b: int) -> tuple[str, bool, Tally]:
    """Load, cluster, build and serialise block ``b`` into a file of its own; progress goes up the queue."""
    assert _JOB is not None
    batch, blocks, fmt, links, tmp, updates = _JOB
    gc.disable()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # (forked from a process that turns it into an exception)
    reports = batch.reports(blocks[b].tolist())
    groups = plan_reports(reports, batch.profile)
    updates.put(("cluster", len(reports)))

    def rendered() -> Iterator[tuple[list[bytes], Tally]]:
        for start in range(0, len(groups), CHUNK):
            part = groups[start:start + CHUNK]
            yield render_groups(part, batch.profile, fmt=fmt, links=links)
            updates.put(("write", sum(len(g) for g in part)))

    path = tmp / f"block-{b:04d}"
    with open(path, "wb") as fh:
        tally, written = write_events(rendered(), fh, fmt)
    return str(path), written, tally


def _run_blocks(batch: ShardedBatch, blocks: list[np.ndarray], fmt: str, links: bool, workers: int, tmp: Path,
                progress: Progress | None) -> Generator[tuple[str, bool, Tally], None, None]:
    """Each block's (file, whether it holds anything, counts), in block order, as soon as it is done."""
    global _JOB
    ctx = multiprocessing.get_context("fork")
    updates = ctx.SimpleQueue()
    _JOB = (batch, blocks, fmt, links, tmp, updates)
    pool = ProcessPoolExecutor(min(workers, len(blocks)), mp_context=ctx)
    try:
        futures: list[Future[tuple[str, bool, Tally]]] = [pool.submit(_block, b) for b in range(len(blocks))]
        for future in futures:
            while True:
                try:
                    result = future.result(timeout=0.2)
                    break
                except TimeoutError:
                    pass
                finally:
                    while not updates.empty():
                        stage, n = updates.get()
                        if progress is not None:
                            progress(stage, n)
            yield result
    except BaseException:
        # a failed block, an interrupt or SIGTERM: stop the other blocks now rather than wait for them
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _JOB = None

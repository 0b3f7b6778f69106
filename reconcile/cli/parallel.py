"""Normalisation in worker processes, for large archives.

The core stays pure (``normalise_chunk`` is a function of a chunk and a profile); this module owns the
processes. Each worker loads the profile once and runs without the cyclic collector (what it builds is acyclic
and leaves with the chunk); chunks go out with a bounded number in flight, so an archive is never held in
memory whole, and results come back in input order.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from ..pipeline import Chunk, ChunkResult, ChunkSummary, normalise_chunk, summarise_chunk
from ..profile import Profile, load_profile

_PROFILE: Profile | None = None


def _init(profile: str | None) -> None:
    global _PROFILE
    gc.disable()
    if profile is not None:  # spawned: load it; forked workers inherit the parent's, compiled already
        _PROFILE = load_profile(profile)


def _ready() -> bool:
    return _PROFILE is not None


def _work(chunk: Chunk) -> ChunkResult:
    assert _PROFILE is not None
    return normalise_chunk(chunk, _PROFILE)


def _work_packed(chunk: Chunk) -> tuple[bytes, ChunkSummary]:
    """The chunk's result serialised, with its summary: the receiving process need not rebuild the reports."""
    assert _PROFILE is not None
    result = normalise_chunk(chunk, _PROFILE)
    return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), summarise_chunk(result, _PROFILE)


class ProcessMap:
    """A ``normalise_map`` for ``plan_events`` backed by a process pool; use as a context manager."""

    def __init__(self, profile: Profile, source: str, workers: int, *, packed: bool = False) -> None:
        """``profile`` as loaded here; ``source`` the name or path it was loaded from (for spawned workers).
        ``packed``: each chunk comes back as ``(pickled ChunkResult, ChunkSummary)`` (see ``sharded``)."""
        global _PROFILE
        self.task = _work_packed if packed else _work
        fork = "fork" in multiprocessing.get_all_start_methods()
        _PROFILE = profile
        self.workers = workers
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork" if fork else "spawn"),
                                        initializer=_init, initargs=(None if fork else source,))
        # start the workers now, while this process is small and before a progress bar starts its thread
        for future in [self.pool.submit(_ready) for _ in range(workers)]:
            future.result()

    def __call__(self, chunks: Iterable[Chunk]) -> Iterator[Any]:
        pending: deque[Future[Any]] = deque()
        for chunk in chunks:
            pending.append(self.pool.submit(self.task, chunk))
            if len(pending) >= 3 * self.workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def __enter__(self) -> ProcessMap:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(cancel_futures=True)

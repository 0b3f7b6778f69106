"""Benchmark the service: single-report submit latency and concurrent submit throughput over a large store.

    python bench/service.py --stored 100000 --backend sqlite [--seed 1] [--keep DIR] [--json FILE]
    python bench/service.py --stored 1000000 --backend postgresql [--profile 300] [--after-import SQL]

1. Generates a labelled archive of ``stored + held-out`` reports (bench/generate.py, fixed seed; reused from
   ``--keep DIR`` when it already holds that archive). The held-out reports are drawn at random (seeded) from
   the whole archive, among the records that normalise cleanly, so they interleave in time with the stored ones:
   each lands among existing events, and the incremental path must find its candidates among all stored reports.
2. Bulk-imports the other ``stored`` records into a fresh store (a SQLite file in a temporary directory, or a new
   PostgreSQL database created from ``--pg-admin`` and dropped afterwards) with ``Store.bulk_import``, in a child
   process: its wall time and peak RSS are reported. On PostgreSQL the database is then ANALYZEd (autovacuum
   would do it soon after a load of that size, where it is on); SQLite is left as the service leaves it.
3. Starts the real service (``python -m uvicorn api.app:create_app --factory``, one worker, access log off) with
   a submitter key for every source, and POSTs the latency set to /reports one report per request, sequentially,
   from one keep-alive httpx client (after ``--warmup`` requests not counted): p50/p90/p99/max in ms, client side.
4. Restarts it with ``--workers`` (2) and submits the throughput set from ``--clients`` (8) threads, each with its
   own httpx.Client, pulling the next report from a shared queue: reports/s over the wall time of the measured
   part, and latency p50/p99 under that load. The client threads run in this process, on the same 2 cores.
5. Optionally (``--profile N``) submits N further held-out reports in-process through ``Store.submit`` under
   cProfile, timing every SQL statement (by statement text) and counting how many stored reports the window
   query returned and how many were clustered again, and prints where the time goes: the first half timed
   plainly (inclusive wall time of the store's steps, SQLAlchemy's ``Connection.execute``, each statement's
   driver call), the second half under cProfile.

``--after-import SQL`` runs a statement on the store after the import (e.g. ``CREATE INDEX ...``), to measure a
schema change before making it in api/. The machine's busy cores during each phase are reported: a phase that
shows more busy cores than its own processes can use shared the machine with other work.

Prints one markdown table row per measurement (and JSON with ``--json``). The server is killed, the PostgreSQL
database dropped and the temporary files removed in any case.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import io
import json
import multiprocessing as mp
import os
import pstats
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import orjson

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
for p in (str(ROOT), str(BENCH)):
    if p not in sys.path:
        sys.path.insert(0, p)

from generate import HOURS_PER_EPISODE, SALVO_SHARE, generate  # noqa: E402
from run import _cached  # noqa: E402  (the archive cache check of the engine benchmark)

PG_ADMIN = os.environ.get("RECONCILE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
SOURCES = ("JMOD", "JCS", "INDOPACOM", "KCNA", "JCG")
API_KEY = "bench-submitter-key"


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------ the archive


def load_archive(work: Path, *, total: int, seed: int, keep: bool) -> tuple[list[bytes], float | None]:
    """The archive's lines (bytes, without the newline) and the generation time (None when reused)."""
    shape = (HOURS_PER_EPISODE, SALVO_SHARE)
    seconds = None
    if keep and _cached(work, reports=total, seed=seed, shape=shape):
        say(f"using the archive in {work}")
    else:
        t0 = time.perf_counter()
        stats = generate(reports=total, seed=seed, out=work)
        seconds = time.perf_counter() - t0
        say(f"generated {stats.reports:,} reports ({stats.episodes:,} episodes) in {seconds:.1f} s")
    lines = (work / "reports.jsonl").read_bytes().split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    if len(lines) != total:
        raise SystemExit(f"{work / 'reports.jsonl'} holds {len(lines)} lines, expected {total}")
    return lines, seconds


def pick_held_out(lines: list[bytes], sizes: dict[str, int], seed: int) -> dict[str, list[int]]:
    """Line indices (0-based) held out of the store, by phase: drawn at random from the whole archive among the
    records that normalise without error (a malformed record would only measure a 422), each phase's list in
    archive order (the order of publication)."""
    from reconcile.errors import ReportError
    from reconcile.normalise import normalise_report
    from reconcile.profile import load_profile

    profile = load_profile("missile_launch")
    rng = random.Random(f"held-out/{seed}")
    order = list(range(len(lines)))
    rng.shuffle(order)
    need = sum(sizes.values())
    chosen: list[int] = []
    seen: set[tuple[str, str]] = set()
    for i in order:
        if len(chosen) == need:
            break
        try:
            rec = orjson.loads(lines[i])
            report = normalise_report(rec, profile)
        except (orjson.JSONDecodeError, ReportError, AttributeError, TypeError):
            continue
        if report.key in seen:
            continue
        seen.add(report.key)
        chosen.append(i)
    if len(chosen) < need:
        raise SystemExit(f"only {len(chosen)} usable records to hold out, {need} needed")
    out: dict[str, list[int]] = {}
    k = 0
    for phase, n in sizes.items():
        out[phase] = sorted(chosen[k:k + n])
        k += n
    return out


# ------------------------------------------------------------------------------------------------ the store


def pg_create(admin: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin.rsplit("/", 1)[0] + "/" + name


def pg_drop(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _import_child(url: str, archive: str, skip: list[int], out: Any) -> None:
    """In a child process (for a clean peak RSS): migrate, then bulk-import every line not in ``skip``."""
    from api.db import Database
    from api.store import Store
    from reconcile.formats import parse_line
    from reconcile.profile import load_profile

    try:
        skipped = set(skip)
        t0 = time.perf_counter()
        with open(archive, encoding="utf-8") as f:
            inputs = [parse_line(line, "reports.jsonl", n) for n, line in enumerate(f, 1) if n - 1 not in skipped]
        t_read = time.perf_counter() - t0
        db = Database(url)
        t0 = time.perf_counter()
        db.migrate()
        t_migrate = time.perf_counter() - t0
        store = Store(db, load_profile("missile_launch"))
        marks: dict[str, float] = {}
        t0 = time.perf_counter()
        stored, rejects = store.bulk_import(inputs, progress=lambda what, n: marks.setdefault(what,
                                                                                             time.perf_counter()))
        t_import = time.perf_counter() - t0
        db.dispose()
        out.send({"records": len(inputs), "stored": stored, "rejects": len(rejects), "read_s": t_read,
                  "migrate_s": t_migrate, "import_s": t_import,
                  "clustered_s": (marks["clustered"] - t0) if "clustered" in marks else None,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        import traceback

        out.send({"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()})
        raise


def bulk_import(url: str, archive: Path, skip: list[int]) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_import_child, args=(url, str(archive), skip, send), name="bulk-import")
    t0 = time.perf_counter()
    proc.start()
    send.close()
    try:
        result = recv.recv()
    except EOFError:
        result = {"error": "the import process died without a result"}
    proc.join()
    result["wall_s"] = time.perf_counter() - t0
    if "error" in result:
        raise SystemExit(f"bulk import failed: {result['error']}\n{result.get('traceback', '')}")
    return result


def store_size_mb(url: str) -> float | None:
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        return row[0] / 2**20 if row else None


def store_facts(url: str) -> dict[str, Any]:
    """What the incremental path works against: rows stored, and the widest time span stored (``max_width``,
    which widens every window query)."""
    from sqlalchemy import text

    from api.db import Database

    db = Database(url)
    try:
        with db.read() as conn:
            q = lambda sql: conn.execute(text(sql)).scalar()  # noqa: E731
            width = q("SELECT value FROM meta WHERE key = 'max_width'")
            return {"reports": q("SELECT count(*) FROM reports"), "events": q("SELECT count(*) FROM events"),
                    "conflicts": q("SELECT count(*) FROM conflicts"),
                    "max_width_h": width / 3600 if width is not None else None}
    finally:
        db.dispose()


def run_sql(url: str, sql: str) -> float:
    """Run one statement on the store (``--after-import``: try a schema change without touching api/)."""
    from sqlalchemy import text

    from api.db import Database

    db = Database(url)
    t0 = time.perf_counter()
    try:
        with db.engine.connect() as conn:
            conn.execute(text(sql))
            conn.commit()
    finally:
        db.dispose()
    return time.perf_counter() - t0


def pg_analyze(url: str) -> float:
    import psycopg

    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    return time.perf_counter() - t0


# ------------------------------------------------------------------------------------------------ the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``python -m uvicorn api.app:create_app --factory`` in its own process group, killed on exit."""

    def __init__(self, url: str, work: Path, *, workers: int, tag: str) -> None:
        from api.auth import hash_key

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        keys = [{"name": "bench", "role": "submitter", "sha256": hash_key(API_KEY), "sources": list(SOURCES)}]
        self.env = {**os.environ, "RECONCILE_DATABASE_URL": url, "RECONCILE_API_KEYS": json.dumps(keys),
                    "RECONCILE_DEV_MODE": "0", "RECONCILE_DATA_DIR": str(work / "server-data"),
                    "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
        self.cmd = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host", "127.0.0.1",
                    "--port", str(self.port), "--workers", str(workers), "--no-access-log", "--log-level",
                    "warning"]
        self.log = work / f"server-{tag}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        with self.log.open("wb") as log:
            # cwd: the work directory, so that no .env of the checkout or of the caller is read
            self.proc = subprocess.Popen(self.cmd, cwd=self.log.parent, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 300
        with httpx.Client(base_url=self.base, timeout=60) as client:
            while True:
                if self.proc.poll() is not None:
                    raise SystemExit(f"the server exited ({self.proc.returncode}):\n{self.tail()}")
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"the server did not answer /health in 300 s:\n{self.tail()}")
                time.sleep(0.2)
        return self

    def tail(self, n: int = 3000) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-n:]
        except OSError:
            return ""

    def pids(self) -> list[int]:
        """The server and its descendants (workers)."""
        if self.proc is None:
            return []
        out, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            with contextlib.suppress(OSError):
                for task in Path(f"/proc/{pid}/task").iterdir():
                    todo += [int(c) for c in (task / "children").read_text().split()]
        return out

    def peak_rss_mb(self) -> float | None:
        """The largest VmHWM (peak RSS) among the server's processes."""
        peaks = []
        for pid in self.pids():
            with contextlib.suppress(OSError):
                m = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
                if m:
                    peaks.append(int(m.group(1)) / 1024)
        return max(peaks) if peaks else None

    def __exit__(self, *exc: object) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()  # uvicorn stops its workers on SIGTERM
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # the group this benchmark created for it
            proc.wait(10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # workers left behind, if any


# ------------------------------------------------------------------------------------------------ measuring


def pct(ms: list[float]) -> dict[str, float | None]:
    if not ms:
        return {"p50": None, "p90": None, "p99": None, "max": None, "mean": None}
    a = np.asarray(ms)
    return {"p50": float(np.percentile(a, 50)), "p90": float(np.percentile(a, 90)),
            "p99": float(np.percentile(a, 99)), "max": float(a.max()), "mean": float(a.mean())}


class MachineCpu:
    """How busy the whole machine was over a phase (cores, from /proc/stat): the benchmark shares the machine, so
    a phase that shows far more busy cores than its own processes can use was disturbed by other work."""

    def __init__(self) -> None:
        self.start = self.sample()

    @staticmethod
    def sample() -> tuple[int, int] | None:
        try:
            f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        except (OSError, ValueError):
            return None
        idle = f[3] + (f[4] if len(f) > 4 else 0)
        return sum(f) - idle, sum(f)

    def busy_cores(self) -> float | None:
        end = self.sample()
        if self.start is None or end is None or end[1] == self.start[1]:
            return None
        return (end[0] - self.start[0]) / (end[1] - self.start[1]) * (os.cpu_count() or 1)


class Tally:
    """Statuses and what the responses said, across threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: dict[int, int] = defaultdict(int)
        self.report_status: dict[str, int] = defaultdict(int)
        self.errors: list[str] = []
        self.events_changed: list[int] = []

    def add(self, resp: httpx.Response) -> None:
        with self.lock:
            self.statuses[resp.status_code] += 1
            if resp.status_code != 200:
                if len(self.errors) < 5:
                    self.errors.append(f"{resp.status_code}: {resp.text[:300]}")
                return
            body = resp.json()
            for r in body["reports"]:
                self.report_status[r["status"]] += 1
            self.events_changed.append(len(body["events_changed"]))

    def as_dict(self) -> dict[str, Any]:
        ev = self.events_changed
        return {"http": dict(self.statuses), "reports": dict(self.report_status), "errors": self.errors,
                "events_changed_mean": float(np.mean(ev)) if ev else None}


def _client(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=120,
                        headers={"X-API-Key": API_KEY, "Content-Type": "application/json"})


def sequential(base: str, lines: list[bytes], warm: list[int], measured: list[int]) -> dict[str, Any]:
    tally = Tally()
    ms: list[float] = []
    with _client(base) as client:
        for i in warm:
            client.post("/reports", content=lines[i])
        t_start = time.perf_counter()
        for i in measured:
            t0 = time.perf_counter()
            resp = client.post("/reports", content=lines[i])
            ms.append((time.perf_counter() - t0) * 1000)
            tally.add(resp)
        wall = time.perf_counter() - t_start
    return {"n": len(measured), "warmup": len(warm), "wall_s": wall, "reports_per_s": len(measured) / wall,
            **pct(ms), **tally.as_dict()}


def concurrent(base: str, lines: list[bytes], warm: list[int], measured: list[int], clients: int) -> dict[str, Any]:
    def run(todo: list[int], record: bool) -> tuple[list[float], float, Tally]:
        tally = Tally()
        lock = threading.Lock()
        it = iter(todo)
        ms: list[list[float]] = [[] for _ in range(clients)]
        barrier = threading.Barrier(clients + 1)
        failures: list[BaseException] = []

        def worker(k: int) -> None:
            try:
                with _client(base) as client:
                    client.get("/health")  # open the connection before the clock starts
                    barrier.wait()
                    while True:
                        with lock:
                            i = next(it, None)
                        if i is None:
                            return
                        t0 = time.perf_counter()
                        resp = client.post("/reports", content=lines[i])
                        ms[k].append((time.perf_counter() - t0) * 1000)
                        tally.add(resp)
            except BaseException as exc:  # noqa: BLE001
                failures.append(exc)
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.abort()

        threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(clients)]
        for t in threads:
            t.start()
        barrier.wait()
        t_start = time.perf_counter()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t_start
        if failures:
            raise failures[0]
        return [x for m in ms for x in m], wall, tally

    run(warm, False)
    ms, wall, tally = run(measured, True)
    return {"n": len(measured), "warmup": len(warm), "clients": clients, "wall_s": wall,
            "reports_per_s": len(measured) / wall, **pct(ms), **tally.as_dict()}


# ------------------------------------------------------------------------------------------------ profiling


def profile_submits(url: str, lines: list[bytes], todo: list[int], top: int = 30) -> dict[str, Any]:
    """Submit ``todo`` in-process through ``Store.submit`` (what one POST /reports runs) under cProfile, timing
    every SQL statement; returns (and prints) where the time goes."""
    from sqlalchemy import event

    import api.store as store_mod
    from api.db import Database
    from api.store import Store
    from reconcile.profile import load_profile

    db = Database(url)
    store = Store(db, load_profile("missile_launch"))
    sql: dict[str, list[float]] = defaultdict(list)
    starts: dict[int, float] = {}

    @functools.lru_cache(maxsize=4096)
    def shape(statement: str) -> str:
        """The statement with its parameter lists collapsed, so that one query shape is one entry."""
        s = re.sub(r"\s+", " ", statement).strip()
        s = re.sub(r"%\(\w+\)s|\$\d+", "?", s)
        s = re.sub(r"::[A-Z]+(?:\(\d+\))?", "", s)  # PostgreSQL casts
        s = re.sub(r"\?(?:, \?)+", "?…", s)
        s = re.sub(r"\(\?…?\)(?:, \(\?…?\))+", "(?…), …", s)
        return s[:240]

    @event.listens_for(db.engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
        starts[id(cursor)] = time.perf_counter()

    @event.listens_for(db.engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
        t0 = starts.pop(id(cursor), None)
        if t0 is not None:
            sql[shape(statement)].append((time.perf_counter() - t0) * 1000)

    # what the incremental path works on, and inclusive wall time per step (wrapping names in the store's module
    # and methods of this store instance, in this process only; the service's code is not changed)
    sizes: dict[str, list[int]] = defaultdict(list)
    steps: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)

    def timed(name: str, fn: Callable[..., Any], count: Callable[..., None] | None = None) -> Callable[..., Any]:
        def wrapper(*a: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                out = fn(*a, **kw)
            finally:
                steps[name] += time.perf_counter() - t0
                calls[name] += 1
            if count is not None:
                count(a, out)
            return out
        return wrapper

    def count_touched(a: Any, out: Any) -> None:
        sizes["window candidates (stored reports in the time window)"].append(len(a[1]))
        sizes["touched (stored reports linked to the new one)"].append(len(out))

    def count_clustered(a: Any, out: Any) -> None:
        sizes["reports clustered again"].append(len(a[0]))

    patched = {"touched": timed("touched (evidence scoring)", store_mod.touched, count_touched),
               "cluster_components": timed("cluster_components", store_mod.cluster_components, count_clustered),
               "build_event": timed("build_event", store_mod.build_event),
               "event_dict": timed("event_dict", store_mod.event_dict),
               "normalise_report": timed("normalise_report (cache misses of stored rows, and the new one)",
                                         store_mod.normalise_report)}
    originals = {k: getattr(store_mod, k) for k in patched}
    for name in ("prepare", "apply", "_rows_by_key", "_insert", "_update_around", "_recluster", "_constraints",
                 "_event_ids_of", "_write_conflicts", "_conflict_rows", "_new_event_id"):
        if hasattr(store, name):
            setattr(store, name, timed(f"Store.{name}", getattr(store, name)))
    for k, v in patched.items():
        setattr(store_mod, k, v)
    # SQLAlchemy's part: Connection.execute is the statement's compilation (cached), parameter processing, the
    # driver call and result set-up; the SQL table below is the driver call alone
    from sqlalchemy.engine import Connection

    orig_execute = Connection.execute
    Connection.execute = timed("Connection.execute (SQLAlchemy + driver)", orig_execute)  # type: ignore[method-assign]
    half = len(todo) // 2
    ms: list[float] = []
    prof = cProfile.Profile()
    try:
        for n, i in enumerate(todo):
            rec = orjson.loads(lines[i])
            if n == half:  # the first half timed plainly; the second under cProfile
                sql_timed = {k: list(v) for k, v in sql.items()}
                steps_timed, calls_timed = dict(steps), dict(calls)
                prof.enable()
            t0 = time.perf_counter()
            store.submit([rec], actor="bench", allowed=None)
            if n < half:
                ms.append((time.perf_counter() - t0) * 1000)
        prof.disable()
    finally:
        for k, v in originals.items():
            setattr(store_mod, k, v)
        Connection.execute = orig_execute  # type: ignore[method-assign]
        db.dispose()
    total_ms = sum(ms)
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.sort_stats("cumulative").print_stats(r"(api/|reconcile/|sqlalchemy/engine/base|sqlite3|psycopg)", top)
    stats.sort_stats("tottime").print_stats(top)
    queries: list[dict[str, Any]] = sorted(
        ({"statement": k, "calls": len(v), "total_ms": sum(v), "mean_ms": sum(v) / len(v), "max_ms": max(v),
          "share": sum(v) / total_ms if total_ms else None} for k, v in sql_timed.items()),
        key=lambda q: -q["total_ms"])
    return {"n": half, "n_cprofile": len(todo) - half, **pct(ms), "total_ms": total_ms,
            "sql_total_ms": sum(q["total_ms"] for q in queries),
            "steps": sorted(({"step": k, "calls": calls_timed[k], "total_ms": v * 1000,
                              "per_submit_ms": v * 1000 / half, "share": v * 1000 / total_ms}
                             for k, v in steps_timed.items()), key=lambda s: -s["total_ms"]),
            "sizes": {k: {"mean": float(np.mean(v[:half])), "p50": float(np.percentile(v[:half], 50)),
                          "p99": float(np.percentile(v[:half], 99)), "max": int(max(v[:half]))}
                      for k, v in sizes.items() if v},
            "queries": queries, "cprofile": buf.getvalue()}


def print_profile(p: dict[str, Any]) -> None:
    print(f"\nIn-process Store.submit, {p['n']} held-out reports (no profiler): p50 {p['p50']:.1f} ms, "
          f"p90 {p['p90']:.1f}, p99 {p['p99']:.1f}, max {p['max']:.1f}; SQL execution "
          f"{p['sql_total_ms'] / max(p['total_ms'], 1e-9):.0%} of the time, "
          f"{sum(q['calls'] for q in p['queries']) / max(p['n'], 1):.1f} statements per submit")
    for k, v in p["sizes"].items():
        print(f"  {k}: mean {v['mean']:.1f}, p50 {v['p50']:.0f}, p99 {v['p99']:.0f}, max {v['max']}")
    print("\n| step (inclusive, nested) | calls | ms per submit | share of submit time |\n|---|---|---|---|")
    for st in p["steps"]:
        print(f"| {st['step']} | {st['calls']} | {st['per_submit_ms']:.2f} | {st['share']:.1%} |")
    print("\n| SQL statement | calls | total ms | mean ms | max ms | share of submit time |\n|---|---|---|---|---|---|")
    for q in p["queries"][:15]:
        print(f"| `{q['statement'][:160]}` | {q['calls']} | {q['total_ms']:.0f} | {q['mean_ms']:.2f} | "
              f"{q['max_ms']:.1f} | {q['share']:.1%} |")
    print(f"\ncProfile of {p['n_cprofile']} more submits:\n" + p["cprofile"])


# ------------------------------------------------------------------------------------------------ output


HEADER = ("| backend | stored | measurement | n | p50 ms | p90 ms | p99 ms | max ms | reports/s | notes |\n"
          "|---|---|---|---|---|---|---|---|---|---|")


def _f(x: Any, spec: str = ".1f") -> str:
    return "" if x is None else format(x, spec)


def rows(summary: dict[str, Any]) -> list[str]:
    b, n = summary["backend"], f"{summary['stored']:,}"
    out = []
    imp = summary.get("import")
    if imp:
        note = (f"{imp['stored']:,} stored, {imp['rejects']} rejected; peak RSS {imp['peak_rss_mb']:,.0f} MB; "
                f"clustered after {_f(imp.get('clustered_s'), '.0f')} s; "
                f"store {_f(summary.get('store_mb'), ',.0f')} MB")
        facts = summary.get("store_facts") or {}
        if facts:
            note += (f"; {facts['events']:,} events, widest stored time span {_f(facts.get('max_width_h'), '.1f')}"
                     " h")
        note += f"; machine busy {_f(imp.get('machine_busy_cores'), '.2f')} cores"
        for a in summary.get("after_import", []):
            note += f"; then `{a['sql']}` ({a['seconds']:.1f} s)"
        if summary.get("analyze_s") is not None:
            note += f"; ANALYZE {summary['analyze_s']:.1f} s"
        rate = imp["records"] / imp["import_s"]
        out.append(f"| {b} | {n} | bulk import | {imp['records']:,} | | | | | {rate:,.0f} | "
                   f"{imp['import_s']:.1f} s; {note} |")
    for key, label in (("latency", "submit latency, 1 client, 1 worker"),
                       ("throughput", "submit throughput, {clients} clients, {workers} workers")):
        m = summary.get(key)
        if not m:
            continue
        label = label.format(clients=m.get("clients"), workers=summary.get("workers"))
        bad = {k: v for k, v in m["http"].items() if int(k) != 200}
        note = (f"server peak RSS {_f(m.get('server_peak_rss_mb'), ',.0f')} MB; machine busy "
                f"{_f(m.get('machine_busy_cores'), '.2f')} cores")
        if bad:
            note += f"; non-200: {bad}"
        out.append(f"| {b} | {n} | {label} | {m['n']:,} | {_f(m['p50'])} | {_f(m['p90'])} | {_f(m['p99'])} | "
                   f"{_f(m['max'])} | {m['reports_per_s']:,.1f} | {note} |")
    return out


def git_state() -> dict[str, Any]:
    """The commit measured, and the uncommitted changes to the service and the engine (None outside a checkout)."""

    def git(*args: str) -> str | None:
        try:
            proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return proc.stdout.strip() if proc.returncode == 0 else None

    return {"commit": git("rev-parse", "--short", "HEAD"), "dirty": git("status", "--porcelain", "api", "reconcile")}


# ------------------------------------------------------------------------------------------------ main


@contextlib.contextmanager
def fresh_store(backend: str, work: Path, admin: str) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{work / 'store.db'}"
        return
    name = f"reconcile_bench_{os.getpid()}_{int(time.time())}"
    url = pg_create(admin, name)
    say(f"created PostgreSQL database {name}")
    try:
        yield url
    finally:
        pg_drop(admin, name)
        say(f"dropped PostgreSQL database {name}")


def run(args: argparse.Namespace) -> dict[str, Any]:
    sizes = {"latency_warmup": args.warmup, "latency": args.latency, "throughput_warmup": args.warmup,
             "throughput": args.throughput, "profile": args.profile}
    total = args.stored + sum(sizes.values())
    keep = args.keep is not None
    work = Path(tempfile.mkdtemp(prefix="reconcile-service-bench-"))
    archive_dir = args.keep or work / "archive"
    summary: dict[str, Any] = {"backend": args.backend, "stored": args.stored, "seed": args.seed, "archive": total,
                               "workers": args.workers, "git": git_state(), "held_out": sizes}
    try:
        lines, gen_s = load_archive(archive_dir, total=total, seed=args.seed, keep=keep)
        summary["generate_s"] = gen_s
        held = pick_held_out(lines, sizes, args.seed)
        skip = sorted(i for v in held.values() for i in v)
        with fresh_store(args.backend, work, args.pg_admin) as url:
            say(f"bulk-importing {total - len(skip):,} records into {args.backend} ...")
            cpu = MachineCpu()
            summary["import"] = imp = bulk_import(url, archive_dir / "reports.jsonl", skip)
            imp["machine_busy_cores"], imp["loadavg"] = cpu.busy_cores(), os.getloadavg()
            say(f"bulk import: {imp['stored']:,} stored, {imp['rejects']} rejects, {imp['import_s']:.1f} s "
                f"(clustered at {_f(imp.get('clustered_s'))} s), peak RSS {imp['peak_rss_mb']:,.0f} MB")
            for sql in args.after_import:
                say(f"after import: {sql}")
                summary.setdefault("after_import", []).append({"sql": sql, "seconds": run_sql(url, sql)})
            if args.backend == "postgresql":
                summary["analyze_s"] = pg_analyze(url)
            summary["store_mb"] = store_size_mb(url)
            summary["store_facts"] = facts = store_facts(url)
            say(f"store: {facts}")
            if args.latency:
                with Server(url, work, workers=1, tag="latency") as server:
                    say(f"latency: {args.latency} sequential submits (+{args.warmup} warm-up) on {server.base}")
                    cpu = MachineCpu()
                    m = sequential(server.base, lines, held["latency_warmup"], held["latency"])
                    m["machine_busy_cores"], m["loadavg"] = cpu.busy_cores(), os.getloadavg()
                    m["server_peak_rss_mb"] = server.peak_rss_mb()
                    summary["latency"] = m
                    say(f"latency: p50 {m['p50']:.1f} ms, p90 {m['p90']:.1f}, p99 {m['p99']:.1f}, "
                        f"max {m['max']:.1f}; {m['http']}")
            if args.throughput:
                with Server(url, work, workers=args.workers, tag="throughput") as server:
                    say(f"throughput: {args.throughput} submits from {args.clients} clients, "
                        f"{args.workers} workers")
                    cpu = MachineCpu()
                    m = concurrent(server.base, lines, held["throughput_warmup"], held["throughput"], args.clients)
                    m["machine_busy_cores"], m["loadavg"] = cpu.busy_cores(), os.getloadavg()
                    m["server_peak_rss_mb"] = server.peak_rss_mb()
                    summary["throughput"] = m
                    say(f"throughput: {m['reports_per_s']:.1f} reports/s, p50 {m['p50']:.1f} ms, "
                        f"p99 {m['p99']:.1f}; {m['http']}")
            if args.profile:
                say(f"profiling {args.profile} in-process submits")
                try:
                    summary["profile"] = profile_submits(url, lines, held["profile"])
                except Exception as exc:  # noqa: BLE001 - the measurements above still stand
                    summary["profile_error"] = f"{type(exc).__name__}: {exc}"
                    say(f"profiling failed: {summary['profile_error']}")
        print(HEADER)
        print("\n".join(rows(summary)))
        if "profile" in summary:
            print_profile(summary["profile"])
        if args.json_path is not None:
            args.json_path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        return summary
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stored", type=int, required=True, help="reports bulk-imported before measuring")
    ap.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--latency", type=int, default=1500, help="held-out reports submitted one by one")
    ap.add_argument("--throughput", type=int, default=2000, help="held-out reports submitted concurrently")
    ap.add_argument("--warmup", type=int, default=20, help="unmeasured submits before each phase")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2, help="server workers for the throughput phase")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="then submit N more held-out reports in-process under cProfile, timing each SQL query")
    ap.add_argument("--after-import", action="append", default=[], metavar="SQL",
                    help="a statement to run on the store after the import (e.g. a CREATE INDEX to try); repeatable")
    ap.add_argument("--pg-admin", default=PG_ADMIN, help="PostgreSQL URL to create the bench database from")
    ap.add_argument("--keep", type=Path, help="directory to generate the archive into (or reuse it from)")
    ap.add_argument("--json", type=Path, dest="json_path", help="write the figures as JSON to this file")
    args = ap.parse_args(argv)
    if args.stored < 1:
        ap.error("--stored must be at least 1")
    if args.profile == 1:
        ap.error("--profile needs at least 2 reports (half timed plainly, half under cProfile)")
    run(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A real service process for the tests that need one, and what they check it with.

``LiveServer`` runs ``uvicorn api.app:create_app --factory`` in its own process group, configured only through
``RECONCILE_*`` variables (keys from ``conftest.key_specs``, serialised to JSON), on a free port, its output in a log
file. ``start`` waits for ``GET /health``; ``stop`` is a SIGTERM to the server (a graceful shutdown, checked), ``kill``
a SIGKILL to its whole process group (the supervisor and every worker). Every wait has a deadline, so a hang fails
the test instead of blocking CI, and ``live_server`` registers a finaliser that kills whatever is still running.

``check_store`` reads a store directly and checks its invariants; ``fixture_records`` and ``wire_keys`` give the
usable fixture reports and a key that may submit all of them.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import func, select

from api.auth import hash_key
from api.db import Database
from api.settings import KeySpec
from api.tables import ConflictRow, EventRow, ReportRow
from reconcile.errors import ReportError
from reconcile.normalise import normalise_report
from reconcile.profile import load_profile

from .conftest import key_specs

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures" / "launches"
WIRE_KEY = "test-key-wire"


def fixture_records() -> list[tuple[str, dict[str, Any]]]:
    """Every usable record of fixtures/launches/*.jsonl with its file, file by file (lines that are not JSON
    objects, or that the normaliser rejects, are skipped: a strict POST would refuse them)."""
    profile = load_profile("missile_launch")
    out = []
    for path in sorted(FIXTURES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if not isinstance(record, dict):
                continue
            try:
                normalise_report(record, profile)
            except ReportError:
                continue
            out.append((path.name, record))
    return out


def wire_keys(records: list[dict[str, Any]]) -> list[KeySpec]:
    """The test keys plus "wire": a submitter bound to every source of ``records`` (WIRE_KEY)."""
    profile = load_profile("missile_launch")
    sources = sorted({normalise_report(r, profile).source for r in records})
    return [*key_specs(), KeySpec(name="wire", role="submitter", sources=sources, sha256=hash_key(WIRE_KEY))]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, workdir: Path, database_url: str, *, workers: int = 2, keys: list[KeySpec] | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        self.database_url = database_url
        self.workers = workers
        self.keys = key_specs() if keys is None else keys
        self.extra_env = env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.starts = 0
        self.log_path = workdir / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, **kw: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=kw.pop("timeout", 60.0), **kw)

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RECONCILE_")}
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
        env.update({
            "RECONCILE_DATABASE_URL": self.database_url,
            "RECONCILE_DATA_DIR": str(self.workdir / "data"),
            "RECONCILE_API_KEYS": json.dumps([k.model_dump() for k in self.keys]),
            "RECONCILE_DEV_MODE": "0",
            **self.extra_env,
        })
        return env

    def start(self, timeout: float = 60.0) -> None:
        for _ in range(3):  # the free port may be taken between the probe and the bind: try another
            if self._start(timeout):
                return
        pytest.fail(f"the server could not bind a port:\n{self.log_tail()}")

    def _start(self, timeout: float) -> bool:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.starts += 1
        self.port = free_port()
        mark = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start {self.starts} on port {self.port}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host", "127.0.0.1",
                 "--port", str(self.port), "--workers", str(self.workers), "--log-level", "info", "--no-access-log"],
                cwd=self.workdir, env=self._env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self._reap_group()
                with self.log_path.open("rb") as f:
                    f.seek(mark)
                    if b"address already in use" in f.read().lower():
                        return False
                pytest.fail(f"the server exited with {self.proc.returncode} at start-up:\n{self.log_tail()}")
            try:
                if httpx.get(self.url + "/health", timeout=2.0).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.kill()
        pytest.fail(f"the server did not answer /health within {timeout}s:\n{self.log_tail()}")

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM to the server, as a process manager stops it; fails unless it shuts down cleanly in time: exit
        status 0 or death by the SIGTERM it re-raises after a graceful shutdown (uvicorn does with one worker),
        and every worker's lifespan shutdown complete."""
        assert self.proc is not None
        mark = self.log_path.stat().st_size
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"the server did not stop within {timeout}s of SIGTERM:\n{self.log_tail()}")
        self._reap_group()
        with self.log_path.open("rb") as f:
            f.seek(mark)
            shutdown = f.read().decode("utf-8", "replace")
        assert rc in (0, -signal.SIGTERM), f"the server exited with {rc} on SIGTERM:\n{self.log_tail()}"
        assert shutdown.count("Application shutdown complete") == self.workers, \
            f"not every worker shut down cleanly:\n{self.log_tail()}"

    def kill(self) -> None:
        """SIGKILL to the whole process group: the supervisor and its workers die at once, mid-transaction."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        self._reap_group()

    def _reap_group(self) -> None:
        """Wait (bounded) until no process of the group is left, killing stragglers (workers of a dead
        supervisor would otherwise keep the port and the database)."""
        assert self.proc is not None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"


def live_server(request: pytest.FixtureRequest, workdir: Path, database_url: str, **kw: Any) -> LiveServer:
    """A server (not started) that is killed, with its whole process group, when the test ends."""
    server = LiveServer(workdir, database_url, **kw)
    request.addfinalizer(server.kill)
    return server


@dataclass
class StoreState:
    keys: list[tuple[str, str]]  # every report row's (source, id), in row order
    events: dict[int, Any]  # the live events (not merged away, holding reports) by pk
    members: dict[int, set[tuple[str, str]]]  # event pk -> the reports whose rows point at it
    docs: dict[int, dict[str, Any]]  # event pk -> its stored document


def check_store(url: str) -> StoreState:
    """Read the store directly and check that it is consistent: no (source, id) twice, every report in a live
    event, each event's document listing exactly the reports that point at it, its counts agreeing with its
    document and its active conflict rows, no live event without reports, no event id twice."""
    db = Database(url)
    try:
        with db.read() as conn:
            rows = list(conn.execute(select(ReportRow.source, ReportRow.report_id, ReportRow.event_pk)))
            events = {e.pk: e for e in conn.execute(select(EventRow).where(EventRow.redirect_to.is_(None),
                                                                           EventRow.n_reports > 0))}
            active = Counter(c.event_pk for c in conn.execute(select(ConflictRow.event_pk)
                                                              .where(ConflictRow.active)))
            emptied = conn.execute(select(func.count()).select_from(EventRow).where(
                EventRow.redirect_to.is_(None), EventRow.n_reports == 0)).scalar_one()
    finally:
        db.dispose()
    keys = [(r.source, r.report_id) for r in rows]
    twice = [k for k, n in Counter(keys).items() if n > 1]
    assert not twice, f"reports stored more than once: {twice[:20]}"
    homeless = [(r.source, r.report_id) for r in rows if r.event_pk not in events]
    assert not homeless, f"{len(homeless)} reports in no live event, e.g. {homeless[:20]}"
    assert emptied == 0, f"{emptied} live event rows hold no report"
    members: dict[int, set[tuple[str, str]]] = {}
    for r in rows:
        members.setdefault(r.event_pk, set()).add((r.source, r.report_id))
    docs = {pk: orjson.loads(e.doc) for pk, e in events.items()}
    for pk, e in events.items():
        listed = [(r["source"], r["id"]) for r in docs[pk]["reports"]]
        assert sorted(listed) == sorted(members.get(pk, ())), f"event {e.id}: its document and its rows disagree"
        assert e.n_reports == len(listed), f"event {e.id}: n_reports {e.n_reports}, document {len(listed)}"
        n_major = sum(1 for c in docs[pk]["conflicts"] if c["severity"] == "major")
        assert (e.n_major, e.n_minor) == (n_major, len(docs[pk]["conflicts"]) - n_major), e.id
        assert active[pk] == len(docs[pk]["conflicts"]), f"event {e.id}: active conflict rows != its document's"
    assert len({e.id for e in events.values()}) == len(events), "an event id twice"
    return StoreState(keys, events, members, docs)

"""Submitting reports one by one equals ``reconcile batch`` over the same reports.

The store re-clusters only the components a submission touches (``reconcile.incremental``). Whatever the order and
grouping of submissions, the stored events must be the events ``reconcile_reports`` makes of everything submitted:
the same members, consensus, conflicts and history (``event_dict``), event ids aside (the store keeps ids stable
across merges; the batch derives them from members). Checked on the golden fixtures in shuffled orders, one at a
time and in lists of random sizes, after every single submission for one order; on archives of the benchmark
generator and on small dense archives of ``tests/strategies.py`` (hypothesis); and once on PostgreSQL.
"""

from __future__ import annotations

import random
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.db import Database
from api.settings import Settings
from api.store import Store
from reconcile import load_profile, reconcile_reports
from reconcile.errors import ReportError
from reconcile.export import event_dict
from reconcile.normalise import normalise_report
from reconcile.profile import Profile
from tests.strategies import archives

from .conftest import fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from generate import generate  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "launches"
PROFILE = load_profile()


def valid_records(lines: list[str], profile: Profile = PROFILE) -> list[dict[str, Any]]:
    """The records of JSONL lines that the profile's normaliser accepts (the malformed lines are the batch's
    rejects)."""
    out = []
    for line in lines:
        try:
            rec = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(rec, dict):
            continue
        try:
            normalise_report(rec, profile)
        except ReportError:
            continue
        out.append(rec)
    return out


FIXTURE_RECORDS = valid_records([line for p in sorted(FIXTURES.glob("*.jsonl"))
                                 for line in p.read_text(encoding="utf-8").splitlines()])


def _members(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((r["source"], r["id"]) for r in doc["reports"])


def canonical(docs: Any) -> list[dict[str, Any]]:
    """Event documents without their ids, in order of their members."""
    return sorted(({k: v for k, v in d.items() if k != "id"} for d in docs), key=_members)


def reference(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return canonical(event_dict(e, PROFILE) for e in reconcile_reports(records, PROFILE).events)


def stored(store: Store) -> list[dict[str, Any]]:
    return canonical(store.iter_event_docs({}))


def assert_same_events(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> None:
    """Equal event documents; on failure, the first difference first (by members, then by key)."""
    got_members, want_members = [_members(d) for d in got], [_members(d) for d in want]
    assert got_members == want_members, "the store groups the reports otherwise than the batch"
    for g, w in zip(got, want, strict=True):
        for key in sorted(set(g) | set(w)):
            assert g.get(key) == w.get(key), f"event {_members(w)}: {key} differs"
    assert got == want


def in_lists(records: list[dict[str, Any]], rng: random.Random, most: int) -> Iterator[list[dict[str, Any]]]:
    """The records in consecutive lists of 1..``most``."""
    i = 0
    while i < len(records):
        k = rng.randint(1, most)
        yield records[i:i + k]
        i += k


def shuffled(records: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    out = records[:]
    rng.shuffle(out)
    return out


def fresh_store(directory: Path) -> tuple[Database, Store]:
    db = Database(f"sqlite:///{directory / 'store.db'}")
    db.migrate()
    return db, Store(db, PROFILE)


@pytest.fixture
def sqlite_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'store.db'}", data_dir=tmp_path / "data",
                        dev_mode=True, _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        yield c


def _submit(client: TestClient, body: Any) -> dict[str, Any]:
    r = client.post("/reports", json=body)
    assert r.status_code == 200, r.text
    return r.json()


ORDERS = {
    "file-order-one-by-one": lambda recs, rng: [[r] for r in recs],
    "reversed-one-by-one": lambda recs, rng: [[r] for r in reversed(recs)],
    "shuffled-one-by-one": lambda recs, rng: [[r] for r in shuffled(recs, rng)],
    "shuffled-lists-up-to-8": lambda recs, rng: list(in_lists(shuffled(recs, rng), rng, 8)),
    "shuffled-lists-up-to-40": lambda recs, rng: list(in_lists(shuffled(recs, rng), rng, 40)),
}


@pytest.mark.parametrize("order", list(ORDERS))
def test_fixtures_submitted_in_any_order_equal_the_batch(sqlite_client, order) -> None:
    """Every valid fixture report, submitted through the API in this order (singly, or in lists of random sizes):
    the stored events equal the batch's."""
    assert len(FIXTURE_RECORDS) == 162
    rng = random.Random(order)
    submissions = ORDERS[order](FIXTURE_RECORDS, rng)
    assert sorted(orjson.dumps(r) for s in submissions for r in s) == sorted(orjson.dumps(r) for r in FIXTURE_RECORDS)
    for body in submissions:
        result = _submit(sqlite_client, body if len(body) > 1 else body[0])
        assert {r["status"] for r in result["reports"]} == {"created"}
    assert_same_events(stored(sqlite_client.app.state.store), reference(FIXTURE_RECORDS))


def test_after_every_single_submission_the_store_equals_the_batch_so_far(sqlite_client) -> None:
    """Not only at the end: after each report of a shuffled order, the stored events are the batch's events of
    the reports submitted so far (every intermediate merge and split included)."""
    order = shuffled(FIXTURE_RECORDS, random.Random(7))
    store = sqlite_client.app.state.store
    for k, rec in enumerate(order, 1):
        _submit(sqlite_client, rec)
        assert_same_events(stored(store), reference(order[:k]))


def test_resubmitting_everything_changes_nothing(sqlite_client) -> None:
    """After the fixtures are stored, submitting them all again (another order, one list) is "unchanged" for
    every report and leaves the events as they were."""
    _submit(sqlite_client, FIXTURE_RECORDS)
    before = stored(sqlite_client.app.state.store)
    again = _submit(sqlite_client, shuffled(FIXTURE_RECORDS, random.Random(3)))
    assert {r["status"] for r in again["reports"]} == {"unchanged"}
    assert again["events_changed"] == [] and again["conflicts_created"] == again["conflicts_cleared"] == []
    assert stored(sqlite_client.app.state.store) == before == reference(FIXTURE_RECORDS)


def test_postgresql_store_equals_the_batch(tmp_path, request) -> None:
    """The same on PostgreSQL: the fixtures shuffled, in lists of 1..6, equal the batch."""
    url = fresh_database("postgresql", tmp_path, request)
    settings = Settings(database_url=url, data_dir=tmp_path / "data", dev_mode=True,
                        _env_file=None)  # type: ignore[call-arg]
    rng = random.Random(11)
    with TestClient(create_app(settings)) as client:
        for body in in_lists(shuffled(FIXTURE_RECORDS, rng), rng, 6):
            _submit(client, body)
        assert_same_events(stored(client.app.state.store), reference(FIXTURE_RECORDS))


# ------------------------------------------------------------------------------------------------ properties

DENSITIES = [(72.0, 0.25), (6.0, 0.5), (1.0, 0.8)]  # the generator's default, its stress setting, denser still


@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(60, 150), seed=st.integers(0, 2**20), density=st.sampled_from(DENSITIES),
       rng=st.randoms(use_true_random=False), most=st.sampled_from([1, 3, 12]))
def test_generated_archives_submitted_incrementally_equal_the_batch(n, seed, density, rng, most) -> None:
    """A labelled archive of the benchmark generator (60-150 reports, seeded), its valid reports submitted to a
    fresh store shuffled, in lists of 1..``most``: the stored events equal the batch's."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "archive"
        generate(reports=n, seed=seed, out=out, hours_per_episode=density[0], salvo_share=density[1])
        records = valid_records((out / "reports.jsonl").read_text(encoding="utf-8").splitlines())
        assert len(records) >= n - 3
        db, store = fresh_store(Path(tmp))
        try:
            for body in in_lists(shuffled(records, rng), rng, most):
                store.submit(body, actor="test")
            assert_same_events(stored(store), reference(records))
        finally:
            db.dispose()


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(records=archives(max_size=10), rng=st.randoms(use_true_random=False))
def test_small_dense_archives_submitted_one_by_one_equal_the_batch(records, rng) -> None:
    """Small archives around one or two moments (many candidate pairs, revisions, unknown agencies), the valid
    reports submitted one by one in a random order: the stored events equal the batch's."""
    records = [r for r in records if valid_records([orjson.dumps(r).decode()])]
    with tempfile.TemporaryDirectory() as tmp:
        db, store = fresh_store(Path(tmp))
        try:
            for rec in shuffled(records, rng):
                store.submit([rec], actor="test")
            assert_same_events(stored(store), reference(records))
        finally:
            db.dispose()

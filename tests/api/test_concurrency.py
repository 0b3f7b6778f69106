"""Concurrent submitters against a real server (uvicorn, two worker processes) on both backends.

Eight threads submit the fixture reports at once, in rounds: in each round every thread posts one report, and the
eight reports of a round are neighbouring lines of the fixtures, so reports of one launch reach the two workers at
the same moment. Serialised writes must make the result the same as one batch run over the same records: every
report stored once, in exactly one event, no event twice, and the events (members, conflicts, consensus) equal to
``reconcile.pipeline.reconcile_reports``. Eight threads posting the very same report must create it once.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from reconcile.export import event_dict
from reconcile.pipeline import reconcile_reports
from reconcile.profile import load_profile

from .live import WIRE_KEY, LiveServer, check_store, fixture_records, live_server, wire_keys

THREADS = 8


def in_rounds(records: list[tuple[str, dict[str, Any]]], seed: int = 7) -> list[list[dict[str, Any] | None]]:
    """rounds[k][t]: what thread t posts in round k (None: nothing). Lines of one file are shuffled (a revision may
    arrive before the report it supersedes) but stay together, so a round holds reports of one launch."""
    rng = random.Random(seed)
    by_file: dict[str, list[dict[str, Any]]] = {}
    for name, r in records:
        by_file.setdefault(name, []).append(r)
    ordered: list[dict[str, Any]] = []
    for group in by_file.values():
        rng.shuffle(group)
        ordered += group
    rounds: list[list[dict[str, Any] | None]] = []
    for k in range(0, len(ordered), THREADS):
        part: list[dict[str, Any] | None] = list(ordered[k:k + THREADS])
        rounds.append(part + [None] * (THREADS - len(part)))
    return rounds


def run_threads(server: LiveServer, per_thread: list[list[Any]], key: str) -> list[list[httpx.Response]]:
    """Thread t posts per_thread[t][k] in round k; all threads start each round together (a barrier). Each
    thread's responses, in order; an exception in a thread fails the test."""
    barrier = threading.Barrier(THREADS, timeout=60)
    results: list[list[httpx.Response]] = [[] for _ in range(THREADS)]
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            with server.client(headers={"X-API-Key": key}) as client:
                for body in per_thread[t]:
                    barrier.wait()
                    if body is not None:
                        results[t].append(client.post("/reports", content=orjson.dumps(body),
                                                      headers={"Content-Type": "application/json"}))
        except BaseException as exc:  # noqa: BLE001 - reported below, in the test's thread
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(t,), name=f"submitter-{t}") for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=300)
    assert not any(th.is_alive() for th in threads), "a submitter thread hung"
    assert not errors, f"submitter threads failed: {errors!r}\n{server.log_tail()}"
    return results


def _without_id(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "id"}


def test_eight_concurrent_submitters_build_what_one_batch_builds(database_url: str, tmp_path: Path,
                                                                request: pytest.FixtureRequest) -> None:
    """162 fixture reports from 8 threads, 8 at a time, to 2 workers: each is created once, lands in exactly one
    event, no event is duplicated, and the events equal a batch run over the same records (ids aside)."""
    named = fixture_records()
    records = [r for _, r in named]
    assert len(records) >= 150  # the fixtures hold 162 usable reports; a much smaller number means a broken filter
    server = live_server(request, tmp_path, database_url, keys=wire_keys(records))
    server.start()

    rounds = in_rounds(named)
    per_thread = [[rounds[k][t] for k in range(len(rounds))] for t in range(THREADS)]
    results = run_threads(server, per_thread, WIRE_KEY)

    statuses: Counter[str] = Counter()
    event_of_response: dict[tuple[str, str], str] = {}
    for responses in results:
        for r in responses:
            assert r.status_code == 200, r.text
            for item in r.json()["reports"]:
                statuses[item["status"]] += 1
                assert item["event"], item
                event_of_response[(item["source"], item["id"])] = item["event"]
    assert statuses == {"created": len(records)}

    batch = reconcile_reports(records, load_profile("missile_launch"))
    assert batch.rejects == []
    expected_keys = sorted(r.key for e in batch.events for r in e.reports)
    assert len(expected_keys) == len(records) == len(set(expected_keys))

    state = check_store(database_url)
    assert sorted(state.keys) == expected_keys
    assert set(event_of_response) == set(state.keys)

    stored_partition = {frozenset(m) for m in state.members.values()}
    batch_partition = {frozenset(r.key for r in e.reports) for e in batch.events}
    assert len(stored_partition) == len(state.members)  # no two events with the same reports
    assert stored_partition == batch_partition

    profile = load_profile("missile_launch")
    expected = {frozenset(r.key for r in e.reports): _without_id(event_dict(e, profile)) for e in batch.events}
    for pk, doc in state.docs.items():
        want = expected[frozenset(state.members[pk])]
        assert doc["conflicts"] == want["conflicts"], doc["id"]
        assert _without_id(doc) == want, doc["id"]

    # what the API says agrees with the store
    with server.client(headers={"X-API-Key": "test-key-reader"}) as client:
        health = client.get("/health").json()
        assert (health["reports"], health["events"]) == (len(records), len(batch.events))
        assert client.get("/events", params={"limit": 1}).json()["total"] == len(batch.events)
        for pk, e in state.events.items():
            got = client.get(f"/events/{e.id}")
            assert got.status_code == 200, got.text
            assert {(r["source"], r["id"]) for r in got.json()["reports"]} == state.members[pk]


def test_eight_threads_posting_the_same_report_create_it_once(database_url: str, tmp_path: Path,
                                                             request: pytest.FixtureRequest) -> None:
    """The same report from 8 threads at the same instant: one "created", seven "unchanged", all naming the
    same event; one row, one event."""
    server = live_server(request, tmp_path, database_url)
    server.start()
    report = {"id": "jcs-same-1", "source": "JCS", "time": "2022-01-05 08:10 KST", "distance": "700 km",
              "landing_area": "East Sea"}
    results = run_threads(server, [[report]] * THREADS, "test-key-jcs")

    items = []
    for responses in results:
        assert len(responses) == 1
        assert responses[0].status_code == 200, responses[0].text
        items += responses[0].json()["reports"]
    assert sorted(i["status"] for i in items) == ["created"] + ["unchanged"] * (THREADS - 1)
    assert {(i["source"], i["id"]) for i in items} == {("JCS", "jcs-same-1")}
    assert len({i["event"] for i in items}) == 1

    state = check_store(database_url)
    assert state.keys == [("JCS", "jcs-same-1")]
    assert [e.id for e in state.events.values()] == [items[0]["event"]]

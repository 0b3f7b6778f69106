"""The service survives its own end: a graceful restart keeps everything, and a server killed with SIGKILL in the
middle of a large batch resumes it after a restart, from where it stopped, with every report stored exactly once.

Both run a real server (uvicorn) on both backends, stopped and killed as a process manager or
the kernel would: SIGTERM to the server, SIGKILL to its whole process group.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from api.auth import hash_key
from api.settings import KeySpec
from reconcile.errors import ReportError
from reconcile.normalise import normalise_report
from reconcile.profile import load_profile

from .conftest import headers, key_specs
from .live import REPO, WIRE_KEY, LiveServer, check_store, fixture_records, live_server, wire_keys

WIRE = {"X-API-Key": WIRE_KEY}


def _all_pages(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        page = client.get(path, params={**params, "limit": 500, "offset": len(items)})
        assert page.status_code == 200, page.text
        body = page.json()
        items += body["items"]
        if len(items) >= body["total"] or not body["items"]:
            return items


def _snapshot(server: LiveServer, keys: list[tuple[str, str]]) -> dict[str, Any]:
    """What a reader sees: the event list, each event in full (the audit too where there are conflicts, which
    is where reviews are recorded), the conflicts, every seventh report."""
    with server.client(headers=headers("analyst")) as c:
        events = _all_pages(c, "/events")
        full = {}
        for e in events:
            r = c.get(f"/events/{e['id']}")
            assert r.status_code == 200, r.text
            full[e["id"]] = {"event": r.json()}
            if e["conflicts"]["major"] + e["conflicts"]["minor"]:
                audit = c.get(f"/events/{e['id']}/audit")
                assert audit.status_code == 200, audit.text
                full[e["id"]]["audit"] = audit.json()
        reports = {}
        for source, rid in keys[::7]:
            r = c.get(f"/reports/{source}/{rid}")
            assert r.status_code == 200, r.text
            reports[f"{source}/{rid}"] = r.json()
        return {"health": c.get("/health").json(), "events": events, "full": full,
                "conflicts": _all_pages(c, "/conflicts")}


def test_a_graceful_restart_keeps_reports_events_and_reviews(database_url: str, tmp_path: Path,
                                                             request: pytest.FixtureRequest) -> None:
    """Submit the fixtures, acknowledge a conflict, SIGTERM the server (it exits 0), start it again on the same
    database: the reports, events, conflicts, the review and the audit are all there, unchanged, and submitting
    a file again changes nothing."""
    named = fixture_records()
    records = [r for _, r in named]
    # one worker: restarting is what is under test here, and with two, uvicorn answers each request on a
    # kept-alive connection ~40 ms late (three snapshots of ~100 requests)
    server = live_server(request, tmp_path, database_url, keys=wire_keys(records), workers=1)
    server.start()
    by_file: dict[str, list[dict[str, Any]]] = {}
    for name, r in named:
        by_file.setdefault(name, []).append(r)
    with server.client(headers=WIRE) as c:
        for name, recs in by_file.items():
            r = c.post("/reports", json=recs)
            assert r.status_code == 200, f"{name}: {r.text}"
            assert {x["status"] for x in r.json()["reports"]} == {"created"}
    with server.client(headers=headers("analyst")) as c:
        conflicts = _all_pages(c, "/conflicts")
        assert conflicts, "the fixtures raise conflicts (17 of them)"
        target = next(x for x in conflicts if x["field"] == "distance" and x["severity"] == "major")
        r = c.patch(f"/conflicts/{target['id']}", json={"status": "acknowledged", "note": "before the restart",
                                                         "accepted": 500})
        assert r.status_code == 200, r.text
        reviewed = r.json()
        assert reviewed["status"] == "acknowledged" and reviewed["reviewed_by"] == "analyst"

    state = check_store(database_url)
    keys = sorted(state.keys)
    before = _snapshot(server, keys)
    assert before["health"]["reports"] == len(records)

    server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url + "/health", timeout=2)
    server.start()
    after = _snapshot(server, keys)
    assert after == before
    got = next(x for x in after["conflicts"] if x["id"] == target["id"])
    assert (got["status"], got["note"], got["accepted"], got["reviewed_by"]) == ("acknowledged",
                                                                                "before the restart", 500, "analyst")
    assert sorted(check_store(database_url).keys) == keys

    first_file, recs = next(iter(by_file.items()))
    with server.client(headers=WIRE) as c:
        r = c.post("/reports", json=recs)
        assert r.status_code == 200, r.text
        assert {x["status"] for x in r.json()["reports"]} == {"unchanged"}, first_file
        assert r.json()["events_changed"] == []
    with server.client(headers=headers("analyst")) as c:
        assert (_all_pages(c, "/events"), _all_pages(c, "/conflicts")) == (after["events"], after["conflicts"])


# ------------------------------------------------------------------------------------------------ kill -9


def _archive(tmp_path: Path, n: int) -> Path:
    """A generated archive of ``n`` reports (bench/generate.py, ~0.2% malformed lines), plus, far apart from
    their originals (other chunks), an exact repeat of an early line, the same id with other content, and blank
    lines."""
    out = tmp_path / "gen"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), "--reports", str(n), "--seed", "11",
                    "--out", str(out)], check=True, timeout=120, capture_output=True)
    lines = (out / "reports.jsonl").read_bytes().splitlines()
    first = orjson.loads(lines[0])
    other = {**first, "distance": "about 9,999 km"}
    assert other != first
    lines += [b"", lines[0], b"   ", orjson.dumps(other)]
    path = tmp_path / "archive.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _expected(path: Path) -> tuple[set[tuple[str, str]], dict[str, int], set[str]]:
    """What a batch of this archive must end with: the keys stored, the counts (created, unchanged, rejected) and
    the canonical sources (for the uploader's key). Computed line by line, as the service defines them: a line
    that is not a JSON object or does not normalise is rejected; a known id with the same content is unchanged,
    with other content rejected (the archive has no correction in place)."""
    profile = load_profile("missile_launch")
    seen: dict[tuple[str, str], bytes] = {}
    counts = {"created": 0, "unchanged": 0, "rejected": 0}
    for line in path.read_bytes().splitlines():
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
            if not isinstance(record, dict):
                raise ValueError
            report = normalise_report(record, profile)
        except (orjson.JSONDecodeError, ValueError, ReportError):
            counts["rejected"] += 1
            continue
        assert report.supersedes != report.id
        blob = orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
        if report.key not in seen:
            seen[report.key] = blob
            counts["created"] += 1
        elif seen[report.key] == blob:
            counts["unchanged"] += 1
        else:
            counts["rejected"] += 1
    return set(seen), counts, {s for s, _ in seen}


def _poll_batch(server: LiveServer, batch_id: str, until: Any, timeout: float, what: str) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    last: dict[str, Any] = {}
    with server.client(headers=WIRE, timeout=10) as c:
        while time.monotonic() < deadline:
            r = c.get(f"/batches/{batch_id}")
            assert r.status_code == 200, r.text
            last = r.json()
            assert last["status"] != "failed", last["error"]
            if until(last):
                return last
            time.sleep(0.05)
    pytest.fail(f"batch {batch_id}: not {what} within {timeout}s; last seen {last}\n{server.log_tail()}")


def test_a_batch_killed_mid_way_resumes_after_a_restart(database_url: str, tmp_path: Path,
                                                        request: pytest.FixtureRequest) -> None:
    """Upload a 3,000-report archive (chunks of 200), SIGKILL the server's process group once the batch has made
    progress, start it again: the batch is reclaimed (stale after 1 s) and finishes; its counts add up to the
    archive's non-blank lines exactly (nothing counted twice, nothing lost), every valid report is stored exactly
    once and in an event, the store is consistent, and the uploaded file is gone."""
    archive = _archive(tmp_path, 3_000)  # 4-10 s of work for the runner (~700 reports/s on SQLite, ~300 on PG)
    expected_keys, expected_counts, sources = _expected(archive)
    n_lines = sum(1 for line in archive.read_bytes().splitlines() if line.strip())
    assert sum(expected_counts.values()) == n_lines
    assert expected_counts["unchanged"] >= 1 and expected_counts["rejected"] >= 2

    keys = [*key_specs(), KeySpec(name="wire", role="submitter", sources=sorted(sources), sha256=hash_key(WIRE_KEY))]
    server = live_server(request, tmp_path, database_url, keys=keys,
                         env={"RECONCILE_BATCH_CHUNK": "200", "RECONCILE_BATCH_STALE_SECONDS": "1"})
    server.start()
    with server.client(headers={**WIRE, "Content-Type": "application/x-ndjson"}, timeout=120) as c:
        with archive.open("rb") as f:
            r = c.post("/batches", params={"filename": "archive.jsonl"}, content=f)
    assert r.status_code == 202, r.text
    batch_id = r.json()["id"]
    assert r.json()["bytes"] == archive.stat().st_size

    seen = _poll_batch(server, batch_id, lambda b: b["status"] == "running" and b["progress"] > 0, 60,
                       "running with progress")
    server.kill()
    assert seen["status"] == "running" and 0 < seen["progress"] < 1, "the batch must be killed mid-way"

    server.start()
    done = _poll_batch(server, batch_id, lambda b: b["status"] == "done", 180, "done")

    counts = done["counts"]
    assert sum(counts.values()) == n_lines, counts
    assert counts == expected_counts
    assert done["rejects_total"] == expected_counts["rejected"]
    assert done["progress"] == 1.0

    state = check_store(database_url)
    assert set(state.keys) == expected_keys
    assert len(state.keys) == len(expected_keys)
    assert not list((tmp_path / "data").glob("*.upload")), "the archive of a finished batch is removed"
    with server.client(headers=headers("reader")) as c:
        health = c.get("/health").json()
    assert (health["reports"], health["events"]) == (len(expected_keys), len(state.events))

"""The service end to end on both backends: a seed-launch submission, the event it makes, the conflict it raises."""

from __future__ import annotations

import pytest

from .conftest import headers

JMOD = {"id": "jmod-1", "source": "Japan Ministry of Defense", "time": "around 8:07 a.m. JST on Jan. 5, 2022",
        "distance": "about 500 km", "landing_area": "Sea of Japan, outside Japan's EEZ"}
JCS = {"id": "jcs-1", "source": "JCS", "time": "2022-01-05 08:10 KST", "distance": "700 km",
       "landing_area": "East Sea"}


def test_two_agencies_make_one_event_with_a_distance_conflict(client) -> None:
    r = client.post("/reports", json=JMOD, headers=headers("jmod"))
    assert r.status_code == 200, r.text
    first = r.json()
    assert first["reports"][0]["status"] == "created"
    r = client.post("/reports", json=JCS, headers=headers("jcs"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["reports"][0]["event"] == first["reports"][0]["event"]
    assert [c["field"] for c in body["conflicts_created"]] == ["distance"]
    assert body["conflicts_created"][0]["severity"] == "major"
    event = client.get(f"/events/{body['reports'][0]['event']}", headers=headers("reader")).json()
    assert sorted(r["source"] for r in event["reports"]) == ["JCS", "JMOD"]
    assert event["conflicts"][0]["status"] == "open"


def test_a_report_twice_in_one_submission_is_answered_twice(client) -> None:
    """The same report twice in one list: created once, the copy answered "unchanged", one row."""
    r = client.post("/reports", json=[JCS, JCS], headers=headers("jcs"))
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["reports"]] == ["created", "unchanged"]
    assert client.get("/health").json()["reports"] == 1


def test_a_line_repeated_in_a_batch_counts_as_unchanged(client) -> None:
    """Every line of an archive is accounted for, a repeated line as "unchanged"."""
    import json
    import time

    body = (json.dumps(JCS) + "\n") * 2
    r = client.post("/batches", content=body, headers={**headers("jcs"), "content-type": "application/x-ndjson"})
    assert r.status_code == 202, r.text
    batch = r.json()["id"]
    deadline = time.monotonic() + 30
    while (b := client.get(f"/batches/{batch}", headers=headers("jcs")).json())["status"] != "done":
        assert b["status"] in ("queued", "running") and time.monotonic() < deadline, b
        time.sleep(0.05)
    assert b["counts"] == {"created": 1, "unchanged": 1, "rejected": 0}


@pytest.mark.parametrize(("q", "found"), [
    ("jcs-1", 1), ("JMOD", 1), ("sea of japan", 1), ("east_sea", 1), ("jcs-1 jmod", 1), ("jcs-1 kcna", 0),
    ("100%_", 0), ("", 1),
])
def test_search_matches_ids_sources_and_places_as_reported(client, q, found) -> None:
    client.post("/reports", json=JMOD, headers=headers("jmod"))
    client.post("/reports", json=JCS, headers=headers("jcs"))
    r = client.get("/events", params={"q": q}, headers=headers("reader"))
    assert r.status_code == 200, r.text
    assert r.json()["total"] == found

"""The service end to end on both backends: a seed-launch submission, the event it makes, the conflict it raises."""

from __future__ import annotations

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

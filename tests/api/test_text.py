"""POST /reports/text: prose in, one report per attributed agency submitted, spans kept."""

from __future__ import annotations

import pytest

from .conftest import headers

TEXT = ("TOKYO (Kyodo) -- North Korea fired a ballistic missile on Wednesday, Japan's Defense Ministry said, "
        "adding it flew about 500 kilometers. South Korea's Joint Chiefs of Staff said the missile was launched "
        "eastward at 8:10 a.m. and flew 700 km.")


@pytest.fixture
def analyst_dev_client(settings, tmp_path):
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(settings.model_copy(update={"dev_mode": True}))) as c:
        yield c


def test_a_story_quoting_two_agencies_makes_two_reports_of_one_event(analyst_dev_client) -> None:
    r = analyst_dev_client.post("/reports/text", json={"text": TEXT, "published": "2022-01-05T12:00:00+09:00"})
    assert r.status_code == 200, r.text
    body = r.json()
    by_source = {rep["source"]: rep for rep in body["reports"]}
    assert set(by_source) == {"JMOD", "JCS"}
    jmod = by_source["JMOD"]
    start, end = jmod["fields"]["distance"]["spans"][0]
    assert "500 kilometers" in TEXT[start:end]
    assert "700" not in str(jmod["record"].get("distance"))
    events = {x["event"] for x in body["submission"]["reports"]}
    assert len(events) == 1 and all(x["status"] == "created" for x in body["submission"]["reports"])
    assert [c["field"] for c in body["submission"]["conflicts_created"]] == ["distance"]
    again = analyst_dev_client.post("/reports/text", json={"text": TEXT, "published": "2022-01-05T12:00:00+09:00"})
    assert [x["status"] for x in again.json()["submission"]["reports"]] == ["unchanged", "unchanged"]


def test_a_submitter_key_submits_only_its_own_agency(client) -> None:
    r = client.post("/reports/text", json={"text": TEXT, "published": "2022-01-05"}, headers=headers("jcs"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert [x["source"] for x in body["submission"]["reports"]] == ["JCS"]
    assert [x["source"] for x in body["not_submitted"]] == ["JMOD"]
    assert client.get("/health").json()["reports"] == 1


def test_dry_run_stores_nothing(client) -> None:
    r = client.post("/reports/text", json={"text": TEXT, "published": "2022-01-05", "dry_run": True},
                    headers=headers("jcs"))
    assert r.status_code == 200 and r.json()["submission"] is None
    assert client.get("/health").json()["reports"] == 0


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"text": TEXT, "published": "not a date at all"}, 422, "published"),
    ({"text": ""}, 422, "text"),
    ({"text": TEXT, "unknown": 1}, 422, "unknown"),
])
def test_bad_text_submissions(client, body, status, field) -> None:
    r = client.post("/reports/text", json=body, headers=headers("jcs"))
    assert r.status_code == status, r.text
    assert field in {p["field"] for p in r.json()["error"]["problems"]}


def test_text_needs_a_submitting_key(client) -> None:
    assert client.post("/reports/text", json={"text": TEXT}).status_code == 401
    assert client.post("/reports/text", json={"text": TEXT}, headers=headers("reader")).status_code == 403

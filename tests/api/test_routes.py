"""Every route of the service, its happy path and its error paths, on SQLite and PostgreSQL.

Checked here: authentication (401) and roles (403) on every protected route; 404 for unknown events, reports,
conflicts and batches; 409 for an id reused with other content (and "replaced" for a correction in place); 413 for
oversized bodies and uploads; 422 with every problem listed; idempotent submission; the verbatim and normalised
report; event filters and pagination against the event documents themselves; conflict review and its audit trail;
analyst splits and merges that later submissions respect; an event absorbed by a bridging report answering 308;
the CSV and GeoJSON exports; archive uploads (JSONL, CSV, multipart) processed to the end by the background runner
with every line either stored or rejected at its line number.
"""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import hash_key
from api.settings import KeySpec, Settings
from reconcile import load_profile, reconcile_reports
from reconcile.errors import ReportError
from reconcile.normalise import normalise_report

from .conftest import fresh_database, headers, key_of, key_specs

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "launches"
PROFILE = load_profile()
ALL_SOURCES = ["JMOD", "JCS", "INDOPACOM", "KCNA", "JPGOV", "USFK", "JCG"]
# keys beyond conftest's: a wire service for the third sources, and an aggregator that may submit as anyone
EXTRA_KEYS = {"wire": ["KCNA", "INDOPACOM", "JCG"], "all": ALL_SOURCES}


def _extra_specs() -> list[KeySpec]:
    return [KeySpec(name=n, role="submitter", sources=s, sha256=hash_key(key_of(n))) for n, s in EXTRA_KEYS.items()]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """conftest's settings with the two extra submitter keys."""
    return settings.model_copy(update={"api_keys": [*settings.api_keys, *_extra_specs()]})


# ------------------------------------------------------------------------------------------------ data

# the seed launch as two agencies saw it: one event, a major distance conflict (500 vs 700 km)
JMOD = {"id": "jmod-1", "source": "Japan Ministry of Defense", "time": "around 8:07 a.m. JST on Jan. 5, 2022",
        "distance": "about 500 km", "landing_area": "Sea of Japan, outside Japan's EEZ"}
JCS = {"id": "jcs-1", "source": "JCS", "time": "2022-01-05 08:10 KST", "distance": "700 km",
       "landing_area": "East Sea"}

# A and B are 16 minutes apart with different sites: two events. C, between them, bridges them into one.
A = {"id": "a-1", "source": "JMOD", "time": "2022-03-01 08:00 JST", "launch_site": "Sunan"}
B = {"id": "b-1", "source": "JCS", "time": "2022-03-01 08:17 KST", "launch_site": "Kaechon"}
C = {"id": "c-1", "source": "KCNA", "time": "2022-03-01 08:08 KST"}
D = {"id": "d-1", "source": "JCG", "time": "2022-03-01 08:09 JST"}
KEY_OF = {"JMOD": "jmod", "JCS": "jcs", "KCNA": "wire", "JCG": "wire"}


def fixture_lines(name: str) -> list[str]:
    return (FIXTURES / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()


def is_valid(record: Any) -> bool:
    try:
        normalise_report(record, PROFILE)
    except ReportError:
        return False
    return True


def parsed(line: str) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return None


def valid_fixture_records() -> list[dict[str, Any]]:
    out = []
    for path in sorted(FIXTURES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = parsed(line)
            if isinstance(rec, dict) and is_valid(rec):
                out.append(rec)
    return out


# ------------------------------------------------------------------------------------------------ helpers


def post(client: TestClient, key: str | None, *records: dict[str, Any]) -> Any:
    body: Any = records[0] if len(records) == 1 else list(records)
    return client.post("/reports", json=body, headers=headers(key) if key else {})


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def submit(client: TestClient, *records: dict[str, Any]) -> dict[str, Any]:
    """Submit each record with the key of its source; returns the last response body."""
    body: dict[str, Any] = {}
    for rec in records:
        source = PROFILE.runtime().source(rec["source"])[0]
        body = ok(post(client, KEY_OF[source], rec))
    return body


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The error body, checked for its documented shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert err["status"] == status and err["code"] == code
    assert isinstance(err["message"], str) and err["message"]
    assert isinstance(err["problems"], list)
    for p in err["problems"]:
        assert "reason" in p and "field" in p
    return err


def event_of(client: TestClient, source: str, rid: str) -> str:
    return ok(client.get(f"/reports/{quote(source)}/{quote(rid)}", headers=headers("reader")))["event"]


def wait_batch(client: TestClient, batch_id: str, key: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        b = ok(client.get(f"/batches/{batch_id}", headers=headers(key)))
        if b["status"] in ("done", "failed"):
            return b
        assert time.monotonic() < deadline, f"batch still {b['status']} after {timeout}s: {b}"
        time.sleep(0.05)


# ------------------------------------------------------------------------------------------------ 401 / 403

PROTECTED = [
    ("POST", "/reports", JMOD),
    ("GET", "/reports/JMOD/jmod-1", None),
    ("GET", "/events", None),
    ("GET", "/events.csv", None),
    ("GET", "/events.geojson", None),
    ("GET", "/events/E-000000000000", None),
    ("GET", "/events/E-000000000000/audit", None),
    ("POST", "/events/E-000000000000/split", {"parts": [[{"source": "JCS", "id": "jcs-1"}]]}),
    ("POST", "/events/merge", {"events": ["E-1", "E-2"]}),
    ("GET", "/conflicts", None),
    ("PATCH", "/conflicts/1", {"status": "resolved"}),
    ("GET", "/explain?a_source=JCS&a_id=x&b_source=JMOD&b_id=y", None),
    ("POST", "/batches", None),
    ("GET", "/batches/B-0000000000000000", None),
]


@pytest.mark.parametrize("key", [None, "not-a-configured-key"], ids=["no-key", "unknown-key"])
@pytest.mark.parametrize(("method", "path", "body"), PROTECTED, ids=[f"{m} {p.split('?')[0]}" for m, p, _ in PROTECTED])
def test_every_protected_route_answers_401_without_a_known_key(archive_client, method, path, body, key) -> None:
    """No key, or a key that is not configured: 401 with a WWW-Authenticate challenge, before anything else."""
    client = archive_client[0]
    hdrs = {} if key is None else {"X-API-Key": key}
    kwargs: dict[str, Any] = {"json": body} if body is not None else {}
    if path == "/batches":
        kwargs = {"content": orjson.dumps(JCS) + b"\n"}
        hdrs["content-type"] = "application/x-ndjson"
    r = client.request(method, path, headers=hdrs, **kwargs)
    err = error(r, 401, "unauthorized")
    assert r.headers["www-authenticate"] == "Bearer"
    assert ("unknown" if key else "required") in err["message"]


def test_a_bearer_token_works_like_the_header(client) -> None:
    """`Authorization: Bearer KEY` authenticates as X-API-Key does; an unknown bearer is 401."""
    assert client.get("/events", headers={"Authorization": f"Bearer {key_of('reader')}"}).status_code == 200
    error(client.get("/events", headers={"Authorization": "Bearer nope"}), 401, "unauthorized")


FORBIDDEN = [
    ("jcs submits a JMOD report", "jcs", "POST", "/reports", JMOD),
    ("reader submits", "reader", "POST", "/reports", JCS),
    ("analyst submits", "analyst", "POST", "/reports", JCS),
    ("submitter lists events", "jcs", "GET", "/events", None),
    ("submitter reads an event", "jcs", "GET", "/events/E-000000000000", None),
    ("submitter exports CSV", "jmod", "GET", "/events.csv", None),
    ("submitter exports GeoJSON", "jmod", "GET", "/events.geojson", None),
    ("submitter lists conflicts", "jcs", "GET", "/conflicts", None),
    ("submitter asks explain", "jcs", "GET", "/explain?a_source=JCS&a_id=x&b_source=JMOD&b_id=y", None),
    ("submitter reads another source's report", "jcs", "GET", "/reports/JMOD/jmod-1", None),
    ("reader reviews a conflict", "reader", "PATCH", "/conflicts/1", {"status": "acknowledged"}),
    ("submitter reviews a conflict", "jmod", "PATCH", "/conflicts/1", {"status": "acknowledged"}),
    ("reader merges", "reader", "POST", "/events/merge", {"events": ["E-1", "E-2"]}),
    ("reader splits", "reader", "POST", "/events/E-1/split", {"parts": [[{"source": "JCS", "id": "x"}]]}),
    ("reader uploads", "reader", "POST", "/batches", None),
]


@pytest.mark.parametrize(("key", "method", "path", "body"), [f[1:] for f in FORBIDDEN], ids=[f[0] for f in FORBIDDEN])
def test_roles_are_enforced_with_403(archive_client, key, method, path, body) -> None:
    """A known key whose role (or bound sources) does not allow the action: 403, and nothing is stored."""
    client = archive_client[0]
    before = ok(client.get("/health"))
    kwargs: dict[str, Any] = {"json": body} if body is not None else {}
    hdrs = headers(key)
    if path == "/batches":
        kwargs = {"content": orjson.dumps(JCS) + b"\n"}
        hdrs["content-type"] = "application/x-ndjson"
    error(client.request(method, path, headers=hdrs, **kwargs), 403, "forbidden")
    assert ok(client.get("/health")) == before


def test_a_forbidden_source_in_a_list_refuses_the_whole_list(client) -> None:
    """The JCS key submitting [JCS, JMOD]: 403 naming the JMOD record, and the JCS record is not stored either."""
    err = error(post(client, "jcs", JCS, JMOD), 403, "forbidden")
    assert [(p["record"], p["source"], p["field"]) for p in err["problems"]] == [(1, "JMOD", "source")]
    error(client.get("/reports/JCS/jcs-1", headers=headers("reader")), 404, "not_found")


# ------------------------------------------------------------------------------------------------ submitting


def test_health_is_public_and_counts(client) -> None:
    """GET /health needs no key and counts reports and events."""
    submit(client, JMOD, JCS)
    h = ok(client.get("/health"))
    assert h == {"status": "ok", "database": client.app.state.store.db.dialect, "profile": "missile_launch",
                 "reports": 2, "events": 1, "dev_mode": False}


def test_the_same_content_twice_is_unchanged_in_the_same_event(client) -> None:
    """Idempotent on (source, id): the same content again (even with its keys in another order) is "unchanged",
    changes no event and raises no conflict."""
    first = ok(post(client, "jmod", JMOD))
    assert first["reports"] == [{"source": "JMOD", "id": "jmod-1", "status": "created",
                                 "event": first["events_changed"][0]}]
    for again in (JMOD, dict(reversed(list(JMOD.items())))):
        body = ok(post(client, "jmod", again))
        assert body == {"reports": [{**first["reports"][0], "status": "unchanged"}], "conflicts_created": [],
                        "conflicts_cleared": [], "events_changed": []}
    assert ok(client.get("/health"))["reports"] == 1


@pytest.mark.parametrize("changed", [
    {"distance": "about 600 km"},
    {"landing_area": None},
    {"supersedes": "jmod-0"},
    {"source": "JMOD"},  # the same agency, spelt differently: other content all the same
], ids=["value", "field-dropped", "supersedes-another", "source-spelling"])
def test_an_id_reused_with_other_content_is_409(client, changed) -> None:
    """Other content under a stored (source, id) is refused with 409 naming the record and the id; the stored
    report is left as it was."""
    ok(post(client, "jmod", JMOD))
    other = {k: v for k, v in {**JMOD, **changed}.items() if v is not None}
    err = error(post(client, "jmod", other), 409, "id_conflict")
    assert [(p["record"], p["source"], p["id"], p["field"]) for p in err["problems"]] == [(0, "JMOD", "jmod-1", "id")]
    assert ok(client.get("/reports/JMOD/jmod-1", headers=headers("reader")))["submitted"] == JMOD


def test_one_list_naming_an_id_twice_with_other_content_is_409(client) -> None:
    """Within one submission: the same report twice is stored once and every record is answered (the repeat as
    "unchanged", in the same event); the same id with other content is 409."""
    body = ok(post(client, "jcs", JCS, JCS))
    assert [r["status"] for r in body["reports"]] == ["created", "unchanged"]
    assert body["reports"][0]["event"] == body["reports"][1]["event"] is not None
    assert ok(client.get("/health"))["reports"] == 1
    err = error(post(client, "jmod", JMOD, {**JMOD, "distance": "800 km"}), 409, "id_conflict")
    assert [(p["record"], p["field"]) for p in err["problems"]] == [(1, "id")]
    error(client.get("/reports/JMOD/jmod-1", headers=headers("reader")), 404, "not_found")


def test_a_report_superseding_its_own_id_replaces_it_in_place(client) -> None:
    """A correction in place (``supersedes`` = its own id) is "replaced", not 409: the stored report takes the new
    content, stays in its event, and the event is reconciled with the new values (the distance conflict with JCS
    goes away when JMOD corrects 500 km to 700 km)."""
    submit(client, JMOD, JCS)
    event = event_of(client, "JMOD", "jmod-1")
    assert event_of(client, "JCS", "jcs-1") == event
    corrected = {**JMOD, "distance": "about 700 km", "supersedes": "jmod-1"}
    body = ok(post(client, "jmod", corrected))
    assert body["reports"] == [{"source": "JMOD", "id": "jmod-1", "status": "replaced", "event": event}]
    assert [c["field"] for c in body["conflicts_cleared"]] == ["distance"]
    report = ok(client.get("/reports/JMOD/jmod-1", headers=headers("reader")))
    assert report["submitted"] == corrected
    assert report["normalised"]["values"]["distance"]["raw"] == "about 700 km"
    doc = ok(client.get(f"/events/{event}", headers=headers("reader")))
    assert sorted((r["source"], r["id"]) for r in doc["reports"]) == [("JCS", "jcs-1"), ("JMOD", "jmod-1")]
    assert doc["conflicts"] == []
    assert doc["distance"]["best"] == pytest.approx(700.0, abs=25)  # the corrected JMOD value counts
    assert sorted(doc["time"]["sources"]) == ["JCS", "JMOD"]
    assert any(a["action"] == "report_replaced" for a in ok(client.get(f"/events/{event}/audit",
                                                                      headers=headers("reader"))))


def test_a_revision_under_a_new_id_clears_the_conflict_and_the_old_flag_cannot_be_reviewed(client) -> None:
    """A revision with its own id superseding jmod-1 joins the event and clears the distance conflict; the
    cleared flag can no longer be reviewed (422)."""
    body = submit(client, JMOD, JCS)
    (flag,) = body["conflicts_created"]
    rev = {**JMOD, "id": "jmod-2", "supersedes": "jmod-1", "distance": "about 700 km"}
    body = ok(post(client, "jmod", rev))
    assert body["reports"][0]["event"] == flag["event"]
    assert [c["id"] for c in body["conflicts_cleared"]] == [flag["id"]]
    doc = ok(client.get(f"/events/{flag['event']}", headers=headers("reader")))
    assert doc["conflicts"] == [] and doc["review"] == "none"
    assert [(h["report"], h["superseded_by"]) for h in doc["history"]] == [("jmod-1", "jmod-2")]
    err = error(client.patch(f"/conflicts/{flag['id']}", json={"status": "resolved"}, headers=headers("analyst")),
                422, "invalid_request")
    assert err["problems"][0]["field"] == "id"


INVALID_BODIES = [
    ("not JSON", b'{"id": "x", "source": "JCS",', "invalid_json", ["body"]),
    ("empty list", b"[]", "invalid_request", ["body"]),
    ("two bad records", orjson.dumps([
        {"id": "ok-1", "source": "JCS", "time": "2022-01-05 08:10 KST"},
        {"id": "bad-1", "source": "JCS", "time": "soon"},
        {"source": "JCS", "time": "2022-01-05 08:10 KST", "distance": "far"},
    ]), "invalid_report", [(1, "time"), (2, "id"), (2, "distance")]),
]


@pytest.mark.parametrize(("body", "code", "expected"), [c[1:] for c in INVALID_BODIES],
                         ids=[c[0] for c in INVALID_BODIES])
def test_invalid_submissions_are_422_with_every_problem(client, body, code, expected) -> None:
    """Malformed JSON, an empty list, or a list with several invalid records: 422, every problem listed with its
    record index and field, and nothing stored (the valid record of the list included)."""
    err = error(client.post("/reports", content=body, headers={**headers("jcs"), "content-type": "application/json"}),
                422, code)
    if expected and isinstance(expected[0], tuple):
        got = {(p["record"], p["field"]) for p in err["problems"]}
        assert set(expected) <= got
        assert {p["record"] for p in err["problems"]} == {1, 2}
    else:
        assert [p["field"] for p in err["problems"]] == expected
    assert ok(client.get("/health"))["reports"] == 0


# ------------------------------------------------------------------------------------------------ reading reports


@pytest.mark.parametrize(("name", "key"), [("JMOD", "reader"), ("Japan Ministry of Defense", "analyst"),
                                           ("防衛省", "jmod"), ("Japanese MoD", "reader")])
def test_a_report_reads_verbatim_and_normalised_under_any_source_alias(client, name, key) -> None:
    """GET /reports/{source}/{id}: the submission verbatim, each normalised value with its raw text and rule,
    whatever name of the agency the path uses; readers, analysts and the submitter of that source may read it."""
    event = ok(post(client, "jmod", JMOD))["reports"][0]["event"]
    r = ok(client.get(f"/reports/{quote(name)}/jmod-1", headers=headers(key)))
    assert r["source"] == "JMOD" and r["id"] == "jmod-1" and r["event"] == event
    assert r["submitted"] == JMOD
    assert r["submitted_by"] == "jmod" and r["batch"] is None
    n = r["normalised"]
    assert n["source"] == "JMOD" and n["source_raw"] == "Japan Ministry of Defense"
    assert n["values"]["distance"] == {"best": 500.0, "low": 450.0, "high": 550.0, "unit": "km",
                                       "raw": "about 500 km", "rule": "hedge:about"}
    assert n["values"]["time"]["raw"] == JMOD["time"] and n["values"]["time"]["low"] == "2022-01-04T23:02:30Z"
    assert n["values"]["landing_area"] == {"code": "east_sea", "raw": JMOD["landing_area"], "rule": "alias",
                                           "qualifier": "outside:japan_eez"}
    for value in n["values"].values():
        assert value["raw"] and value["rule"]


@pytest.mark.parametrize("path", ["/reports/JMOD/nope", "/reports/JCS/jmod-1", "/reports/NOT-AN-AGENCY/jmod-1"])
def test_an_unknown_report_is_404(client, path) -> None:
    """An id not stored, or stored under another source: 404."""
    ok(post(client, "jmod", JMOD))
    error(client.get(path, headers=headers("reader")), 404, "not_found")


# ------------------------------------------------------------------------------------------------ events


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/events/E-000000000000", None),
    ("GET", "/events/E-000000000000/audit", None),
    ("POST", "/events/E-000000000000/split", {"parts": [[{"source": "JCS", "id": "jcs-1"}]]}),
    ("POST", "/events/merge", {"events": ["E-000000000000", "__EVENT__"]}),
    ("PATCH", "/conflicts/987654", {"status": "acknowledged"}),
    ("GET", "/batches/B-0000000000000000", None),
    ("GET", "/explain?a_source=JCS&a_id=jcs-1&b_source=JMOD&b_id=nope", None),
], ids=["event", "audit", "split", "merge", "conflict", "batch", "explain"])
def test_unknown_things_are_404(client, method, path, body) -> None:
    """Unknown event, conflict, batch or report, with real data in the store: 404 in the common error body."""
    event = submit(client, JMOD, JCS)["events_changed"][0]
    if body and "events" in body:
        body = {"events": [e.replace("__EVENT__", event) for e in body["events"]]}
    key = "jcs" if path.startswith("/batches") else "analyst"
    error(client.request(method, path, json=body, headers=headers(key)), 404, "not_found")


def test_event_document_and_explain(client) -> None:
    """GET /events/{id}: reports, consensus, conflicts with their review state, evidence; GET /explain: the
    per-field evidence between two stored reports."""
    body = submit(client, JMOD, JCS)
    eid = body["reports"][0]["event"]
    doc = ok(client.get(f"/events/{eid}", headers=headers("reader")))
    assert doc["id"] == eid and doc["review"] == "unreviewed" and doc["absorbed"] == []
    assert [(c["field"], c["severity"], c["status"], c["active"]) for c in doc["conflicts"]] == [
        ("distance", "major", "open", True)]
    assert doc["conflicts"][0]["id"] == body["conflicts_created"][0]["id"]
    assert [(e["a"], e["b"]) for e in doc["evidence"]] == [(["JCS", "jcs-1"], ["JMOD", "jmod-1"])]
    assert [h["action"] for h in doc["history_of_clustering"]] == ["created", "reports_added"]
    ex = ok(client.get("/explain", params={"a_source": "합동참모본부", "a_id": "jcs-1", "b_source": "防衛省",
                                           "b_id": "jmod-1"}, headers=headers("reader")))
    assert ex["a"] == ["JCS", "jcs-1"] and ex["b"] == ["JMOD", "jmod-1"]
    assert ex["decision"] == "join" and ex["same_event"] is True
    assert {f["field"] for f in ex["fields"]} >= {"time", "distance"}


def test_a_bridging_report_merges_two_events_under_the_older_id(client) -> None:
    """A and B are two events; C, between them, joins them: the survivor is the older event (A's), B's event
    answers 308 to it, lists it as absorbed, and leaves the listing."""
    ea = submit(client, A)["reports"][0]["event"]
    eb = submit(client, B)["reports"][0]["event"]
    assert ea != eb
    assert ok(client.get("/events", headers=headers("reader")))["total"] == 2
    body = submit(client, C)
    assert body["reports"][0]["event"] == ea
    r = client.get(f"/events/{eb}", headers=headers("reader"), follow_redirects=False)
    assert r.status_code == 308
    assert r.headers["location"].endswith(f"/events/{ea}")
    doc = ok(client.get(f"/events/{eb}", headers=headers("reader")))  # followed
    assert doc["id"] == ea and doc["absorbed"] == [eb]
    assert sorted(r["id"] for r in doc["reports"]) == ["a-1", "b-1", "c-1"]
    listing = ok(client.get("/events", headers=headers("reader")))
    assert [e["id"] for e in listing["items"]] == [ea] and listing["total"] == 1
    assert [a["action"] for a in ok(client.get(f"/events/{eb}/audit", headers=headers("reader")))][-1] == "merged_into"
    err = error(client.post(f"/events/{eb}/split", json={"parts": [[{"source": "JCS", "id": "b-1"}]]},
                            headers=headers("analyst")), 409, "event_merged")
    assert ea in err["problems"][0]["reason"]


def test_a_split_is_respected_by_later_submissions(client) -> None:
    """An analyst splits B off the bridged event; D, which would join all four (as the batch shows), arrives later
    and the split holds: B stays apart from A and C. The audit records the split with its note."""
    assert [len(e.reports) for e in reconcile_reports([A, B, C, D], PROFILE).events] == [4]
    submit(client, A, B, C)
    eid = event_of(client, "JMOD", "a-1")
    body = ok(client.post(f"/events/{eid}/split", headers=headers("analyst"), json={
        "parts": [[{"source": "South Korea's Joint Chiefs of Staff", "id": "b-1"}]], "note": "two launches"}))
    assert body["event"] == eid and len(set(body["events"])) == 2
    assert event_of(client, "JCS", "b-1") != eid
    assert event_of(client, "KCNA", "c-1") == eid
    submit(client, D)
    assert event_of(client, "JMOD", "a-1") == event_of(client, "KCNA", "c-1")
    assert event_of(client, "JCS", "b-1") != event_of(client, "JMOD", "a-1")
    split = [a for a in ok(client.get(f"/events/{eid}/audit", headers=headers("reader"))) if a["action"] == "split"]
    assert split and split[0]["actor"] == "analyst" and split[0]["detail"]["note"] == "two launches"


@pytest.mark.parametrize(("body", "status", "code", "field"), [
    ({"parts": []}, 422, "invalid_request", "parts"),
    ({"parts": [[{"source": "JCS", "id": "b-1"}]], "extra": 1}, 422, "invalid_request", "extra"),
    ({"parts": [[{"source": "JCS"}]]}, 422, "invalid_request", "parts.0.0.id"),
    ({"parts": [[{"source": "JCS", "id": "not-in-event"}]]}, 422, "invalid_request", "parts[0]"),
    ({"parts": [[{"source": "JMOD", "id": "a-1"}, {"source": "KCNA", "id": "c-1"}, {"source": "JCS", "id": "b-1"}]]},
     422, "invalid_request", "parts"),
    ({"parts": [[{"source": "JCS", "id": "b-1"}], [{"source": "JCS", "id": "b-1"}]]}, 422, "invalid_request",
     "parts[1]"),
], ids=["no-parts", "extra-field", "ref-without-id", "report-not-in-event", "one-part-of-everything", "named-twice"])
def test_invalid_splits_are_422(client, body, status, code, field) -> None:
    """Split bodies that are malformed or name reports wrongly: 422 naming the field; the event is unchanged."""
    submit(client, A, B, C)
    eid = event_of(client, "JMOD", "a-1")
    err = error(client.post(f"/events/{eid}/split", json=body, headers=headers("analyst")), status, code)
    assert field in [p["field"] for p in err["problems"]]
    assert event_of(client, "JCS", "b-1") == eid


def test_a_merge_joins_two_events_and_later_submissions_keep_it(client) -> None:
    """POST /events/merge of A's and B's events: one event under the older id, the other redirects; the audit
    has the merge with its note; C arriving later changes nothing about it."""
    ea = submit(client, A)["reports"][0]["event"]
    eb = submit(client, B)["reports"][0]["event"]
    body = ok(client.post("/events/merge", json={"events": [eb, ea], "note": "one launch"},
                          headers=headers("analyst")))
    assert body["event"] == ea
    assert event_of(client, "JCS", "b-1") == ea
    assert client.get(f"/events/{eb}", headers=headers("reader"), follow_redirects=False).status_code == 308
    merges = [a for a in ok(client.get(f"/events/{ea}/audit", headers=headers("reader"))) if a["action"] == "merge"]
    assert merges and merges[0]["detail"]["note"] == "one launch" and merges[0]["actor"] == "analyst"
    submit(client, C)
    assert {event_of(client, s, i) for s, i in (("JMOD", "a-1"), ("JCS", "b-1"), ("KCNA", "c-1"))} == {ea}
    err = error(client.post("/events/merge", json={"events": [eb, ea]}, headers=headers("analyst")), 409,
                "event_merged")
    assert err["problems"][0]["field"] == "events"


@pytest.mark.parametrize(("body", "field"), [
    ({"events": ["__A__"]}, "events"),
    ({"events": ["__A__", "__A__"]}, "events"),
    ({"events": "__A__"}, "events"),
    ({"events": ["__A__", "__B__"], "why": "x"}, "why"),
    ({"events": ["__A__", "__B__"], "note": "x" * 5001}, "note"),
], ids=["one-event", "same-event-twice", "not-a-list", "extra-field", "note-too-long"])
def test_invalid_merges_are_422(client, body, field) -> None:
    """Merge bodies naming fewer than two different events, or malformed: 422 naming the field."""
    ea = submit(client, A)["reports"][0]["event"]
    eb = submit(client, B)["reports"][0]["event"]
    raw = json.dumps(body).replace("__A__", ea).replace("__B__", eb)
    err = error(client.post("/events/merge", content=raw, headers={**headers("analyst"),
                                                                   "content-type": "application/json"}),
                422, "invalid_request")
    assert field in [p["field"] for p in err["problems"]]
    assert event_of(client, "JCS", "b-1") == eb


# ------------------------------------------------------------------------------------------------ review


@pytest.mark.parametrize(("status", "note", "accepted"), [
    ("acknowledged", "looking into it", None),
    ("resolved", "JMOD corrected it by phone", 500),
    ("resolved", None, "JMOD"),
])
def test_reviewing_a_conflict_is_audited_and_changes_the_event_review(client, status, note, accepted) -> None:
    """PATCH /conflicts/{id}: the flag takes the status, note and accepted value with the reviewer; the event
    goes from unreviewed to reviewed; the audit shows the review; GET /conflicts and the event filters see it.
    Reopening the flag makes the event unreviewed again."""
    flag = submit(client, JMOD, JCS)["conflicts_created"][0]
    page = ok(client.get("/conflicts", headers=headers("reader")))
    assert page["total"] == 1 and page["items"][0]["status"] == "open" and page["items"][0]["id"] == flag["id"]
    assert ok(client.get(f"/events/{flag['event']}", headers=headers("reader")))["review"] == "unreviewed"

    c = ok(client.patch(f"/conflicts/{flag['id']}", json={"status": status, "note": note, "accepted": accepted},
                        headers=headers("analyst")))
    assert (c["status"], c["note"], c["accepted"], c["reviewed_by"]) == (status, note, accepted, "analyst")
    assert c["reviewed_at"] is not None and c["active"] is True
    doc = ok(client.get(f"/events/{flag['event']}", headers=headers("reader")))
    assert doc["review"] == "reviewed"
    assert (doc["conflicts"][0]["status"], doc["conflicts"][0]["accepted"]) == (status, accepted)
    audit = ok(client.get(f"/events/{flag['event']}/audit", headers=headers("reader")))
    last = audit[-1]
    assert (last["action"], last["actor"], last["conflict"]) == (f"conflict_{status}", "analyst", flag["id"])
    assert last["detail"] == {"field": "distance", "from": "open", "to": status, "note": note, "accepted": accepted}
    assert [e["id"] for e in ok(client.get("/events?review=reviewed", headers=headers("reader")))["items"]] == [
        flag["event"]]
    assert ok(client.get("/events?review=unreviewed", headers=headers("reader")))["total"] == 0
    assert ok(client.get(f"/conflicts?status={status}", headers=headers("reader")))["total"] == 1
    assert ok(client.get("/conflicts?status=open", headers=headers("reader")))["total"] == 0

    ok(client.patch(f"/conflicts/{flag['id']}", json={"status": "open"}, headers=headers("analyst")))
    assert ok(client.get(f"/events/{flag['event']}", headers=headers("reader")))["review"] == "unreviewed"


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/conflicts/1", {"status": "done"}, "status"),
    ("/conflicts/1", {}, "status"),
    ("/conflicts/1", {"status": "resolved", "by": "me"}, "by"),
    ("/conflicts/1", {"status": "resolved", "note": "x" * 5001}, "note"),
    ("/conflicts/0", {"status": "resolved"}, "conflict_id"),
    ("/conflicts/one", {"status": "resolved"}, "conflict_id"),
], ids=["bad-status", "no-status", "extra-field", "note-too-long", "id-zero", "id-not-int"])
def test_invalid_reviews_are_422(client, path, body, field) -> None:
    """Review bodies and ids that do not validate: 422 naming the field; the flag stays open."""
    submit(client, JMOD, JCS)
    err = error(client.patch(path, json=body, headers=headers("analyst")), 422, "invalid_request")
    assert field in [p["field"] for p in err["problems"]]
    assert ok(client.get("/conflicts?status=open", headers=headers("reader")))["total"] == 1


# ------------------------------------------------------------------------------------------------ filters, pages


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def archive_client(request, tmp_path_factory):
    """A client over a store holding every valid fixture report (loaded once per backend for the read-only
    tests below), with each event's summary and document."""
    tmp = tmp_path_factory.mktemp("archive")
    url = fresh_database(request.param, tmp, request)
    settings = Settings(database_url=url, data_dir=tmp / "data", api_keys=[*key_specs(), *_extra_specs()],
                        _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        ok(c.post("/reports", json=valid_fixture_records(), headers=headers("all")))
        listing = ok(c.get("/events", params={"limit": 500}, headers=headers("reader")))
        docs = {e["id"]: ok(c.get(f"/events/{e['id']}", headers=headers("reader"))) for e in listing["items"]}
        yield c, listing["items"], docs


def test_the_archive_makes_the_batch_events(archive_client) -> None:
    """The stored fixtures make as many events as `reconcile batch` over the same reports, with the same members."""
    _, items, docs = archive_client
    batch = reconcile_reports(valid_fixture_records(), PROFILE)
    assert len(items) == len(batch.events)
    assert sorted(sorted(r.key for r in e.reports) for e in batch.events) == sorted(
        sorted((r["source"], r["id"]) for r in d["reports"]) for d in docs.values())


def _overlaps(e: dict[str, Any], start: str | None, end: str | None) -> bool:
    t = e["time"]
    if start and (t is not None and t["high"] < start):
        return False
    return not (end and (t is None or t["low"] > end))


FILTERS: list[tuple[str, dict[str, str], Any]] = [
    ("source", {"source": "KCNA"}, lambda e, d: "KCNA" in e["sources"]),
    ("source-alias", {"source": "조선중앙통신"}, lambda e, d: "KCNA" in e["sources"]),
    ("event-type", {"event_type": "satellite_launch_vehicle"},
     lambda e, d: e["event_type"] == "satellite_launch_vehicle"),
    ("has-conflicts", {"has_conflicts": "true"}, lambda e, d: bool(d["conflicts"])),
    ("no-conflicts", {"has_conflicts": "false"}, lambda e, d: not d["conflicts"]),
    ("field", {"field": "distance"}, lambda e, d: any(c["field"] == "distance" for c in d["conflicts"])),
    ("severity", {"severity": "minor"}, lambda e, d: any(c["severity"] == "minor" for c in d["conflicts"])),
    ("field-and-severity", {"field": "event_type", "severity": "major"},
     lambda e, d: any(c["field"] == "event_type" and c["severity"] == "major" for c in d["conflicts"])),
    ("review", {"review": "unreviewed"}, lambda e, d: e["review"] == "unreviewed"),
    ("review-none", {"review": "none"}, lambda e, d: e["review"] == "none"),
    ("start", {"start": "2023-01-01T00:00:00Z"}, lambda e, d: _overlaps(e, "2023-01-01T00:00:00Z", None)),
    ("end", {"end": "2022-03-01T00:00:00+00:00"}, lambda e, d: _overlaps(e, None, "2022-03-01T00:00:00Z")),
    ("time-range", {"start": "2022-05-01T00:00:00Z", "end": "2022-11-02T23:59:59Z"},
     lambda e, d: _overlaps(e, "2022-05-01T00:00:00Z", "2022-11-02T23:59:59Z")),
    ("source-and-conflicts", {"source": "JCG", "has_conflicts": "true"},
     lambda e, d: "JCG" in e["sources"] and bool(d["conflicts"])),
]


@pytest.mark.parametrize(("query", "keep"), [f[1:] for f in FILTERS], ids=[f[0] for f in FILTERS])
def test_event_filters_select_exactly_the_matching_events(archive_client, query, keep) -> None:
    """Each filter of GET /events returns exactly the events whose summary and document match it, in the order
    of the full listing, with ``total`` counting them; the CSV export applies the same filter."""
    client, items, docs = archive_client
    expected = [e["id"] for e in items if keep(e, docs[e["id"]])]
    assert 0 < len(expected) < len(items), "the fixtures should hold events on both sides of every filter"
    page = ok(client.get("/events", params={**query, "limit": 500}, headers=headers("reader")))
    assert [e["id"] for e in page["items"]] == expected
    assert page["total"] == len(expected)
    r = client.get("/events.csv", params=query, headers=headers("reader"))
    assert r.status_code == 200
    assert sorted(row["event_id"] for row in csv.DictReader(io.StringIO(r.text))) == sorted(expected)


def test_conflict_listing_matches_the_event_documents(archive_client) -> None:
    """GET /conflicts lists every active flag of every event (paged), and filters by field and severity."""
    client, _, docs = archive_client
    flags = {(d["id"], c["field"], c["severity"]) for d in docs.values() for c in d["conflicts"]}
    seen = []
    offset = 0
    while True:
        page = ok(client.get("/conflicts", params={"limit": 4, "offset": offset}, headers=headers("reader")))
        assert page["total"] == len(flags) and page["limit"] == 4 and page["offset"] == offset
        seen += [(c["event"], c["field"], c["severity"]) for c in page["items"]]
        if len(page["items"]) < 4:
            break
        offset += 4
    assert len(seen) == len(flags) and set(seen) == flags
    major_distance = ok(client.get("/conflicts", params={"field": "distance", "severity": "major"},
                                   headers=headers("reader")))
    assert {(c["event"], c["field"], c["severity"]) for c in major_distance["items"]} == {
        f for f in flags if f[1:] == ("distance", "major")}


@pytest.mark.parametrize("limit", [1, 7, 50])
def test_pages_tile_the_listing(archive_client, limit) -> None:
    """limit/offset pages concatenate to the full listing, each with the same total; past the end is empty."""
    client, items, _ = archive_client
    got: list[str] = []
    for offset in range(0, len(items), limit):
        page = ok(client.get("/events", params={"limit": limit, "offset": offset}, headers=headers("reader")))
        assert (page["total"], page["limit"], page["offset"]) == (len(items), limit, offset)
        assert len(page["items"]) == min(limit, len(items) - offset)
        got += [e["id"] for e in page["items"]]
    assert got == [e["id"] for e in items]
    past = ok(client.get("/events", params={"offset": len(items)}, headers=headers("reader")))
    assert past["items"] == [] and past["total"] == len(items)


@pytest.mark.parametrize(("path", "query", "fields"), [
    ("/events", {"start": "not-a-date"}, ["start"]),
    ("/events", {"start": "2022-01-01", "end": "yesterday"}, ["end"]),
    ("/events", {"start": "nope", "end": "2022-13-45T00:00:00Z"}, ["start", "end"]),
    ("/events", {"severity": "huge"}, ["severity"]),
    ("/events", {"review": "maybe"}, ["review"]),
    ("/events", {"has_conflicts": "perhaps"}, ["has_conflicts"]),
    ("/events", {"limit": "0"}, ["limit"]),
    ("/events", {"limit": "501"}, ["limit"]),
    ("/events", {"offset": "-1"}, ["offset"]),
    ("/events", {"limit": "0", "severity": "huge"}, ["severity", "limit"]),
    ("/conflicts", {"status": "closed"}, ["status"]),
    ("/conflicts", {"end": "2022-02-30T00:00:00Z"}, ["end"]),
    ("/events.csv", {"start": "not-a-date"}, ["start"]),
    ("/events.geojson", {"severity": "all"}, ["severity"]),
], ids=lambda v: "&".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else None)
def test_bad_filter_values_are_422(archive_client, path, query, fields) -> None:
    """Filter values that do not parse: 422 listing a problem for each bad parameter, by name."""
    client, _, _ = archive_client
    err = error(client.get(path, params=query, headers=headers("reader")), 422, "invalid_request")
    assert sorted(p["field"] for p in err["problems"]) == sorted(fields)


def test_csv_export(archive_client) -> None:
    """GET /events.csv: a header of the profile's columns and one row per event, consensus and conflicts filled."""
    client, items, docs = archive_client
    r = client.get("/events.csv", headers=headers("reader"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert sorted(row["event_id"] for row in rows) == sorted(e["id"] for e in items)
    for row in rows:
        d = docs[row["event_id"]]
        assert int(row["reports"]) == len(d["reports"])
        assert row["sources"] == " ".join(sorted({x["source"] for x in d["reports"]}))
        majors = sum(c["severity"] == "major" for c in d["conflicts"])
        assert (int(row["conflicts_major"]), int(row["conflicts_minor"])) == (majors, len(d["conflicts"]) - majors)
        assert row["time"] == (d["time"]["best"] if "time" in d else "")
        assert row["event_type"] == ((d.get("event_type") or {}).get("code") or "")


def test_geojson_export(archive_client) -> None:
    """GET /events.geojson: a FeatureCollection with a feature for every event located by a consensus place, a
    point or a line from the launch site to the landing area; filters apply."""
    client, items, docs = archive_client
    r = client.get("/events.geojson", headers=headers("reader"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    assert fc["type"] == "FeatureCollection"
    located = {eid for eid, d in docs.items()
               if any(isinstance(d.get(p), dict) and d[p].get("lat") is not None
                      for p in ("launch_site", "landing_area"))}
    assert {f["id"] for f in fc["features"]} == located and located
    for f in fc["features"]:
        d = docs[f["id"]]
        places = [d[p] for p in ("launch_site", "landing_area")
                  if isinstance(d.get(p), dict) and d[p].get("lat") is not None]
        coords = [[p["lon"], p["lat"]] for p in places]
        assert f["geometry"] == ({"type": "Point", "coordinates": coords[0]} if len(coords) == 1
                                 else {"type": "LineString", "coordinates": coords})
        assert sorted(f["properties"]["reports"]) == sorted(f"{x['source']}:{x['id']}" for x in d["reports"])
    kcna = client.get("/events.geojson", params={"source": "KCNA"}, headers=headers("reader")).json()
    assert {f["id"] for f in kcna["features"]} == {e["id"] for e in items if "KCNA" in e["sources"]} & located


# ------------------------------------------------------------------------------------------------ 413


@pytest.fixture
def small_client(settings):
    """An app with small limits: 2 KiB JSON bodies, 4 KiB uploads."""
    with TestClient(create_app(settings.model_copy(update={"max_body_bytes": 2048,
                                                           "max_upload_bytes": 4096}))) as c:
        yield c


def _chunked(data: bytes):
    for i in range(0, len(data), 512):
        yield data[i:i + 512]


BIG = orjson.dumps([{**JCS, "id": f"jcs-{i}", "text": "x" * 40} for i in range(60)])


@pytest.mark.parametrize(("method", "path", "key", "body"), [
    ("POST", "/reports", "jcs", BIG),
    ("POST", "/events/merge", "analyst", orjson.dumps({"events": ["E-1", "E-2"], "note": "x" * 4000})),
    ("PATCH", "/conflicts/1", "analyst", orjson.dumps({"status": "resolved", "note": "x" * 3000})),
], ids=["reports", "merge", "review"])
@pytest.mark.parametrize("how", ["content-length", "chunked"])
def test_a_body_over_max_body_bytes_is_413(small_client, method, path, key, body, how) -> None:
    """A JSON body over ``max_body_bytes`` is 413, whether its Content-Length says so or it arrives chunked
    without one; nothing is stored."""
    assert len(body) > 2048
    content = body if how == "content-length" else _chunked(body)
    r = small_client.request(method, path, content=content,
                             headers={**headers(key), "content-type": "application/json"})
    error(r, 413, "body_too_large")
    assert ok(small_client.get("/health"))["reports"] == 0


@pytest.mark.parametrize("how", ["raw", "multipart"])
def test_an_upload_over_max_upload_bytes_is_413(small_client, how) -> None:
    """An archive over ``max_upload_bytes`` (while smaller bodies elsewhere are capped lower) is 413; the upload is
    not kept."""
    data = b"\n".join(orjson.dumps({**JCS, "id": f"jcs-{i}", "text": "y" * 60}) for i in range(60)) + b"\n"
    assert len(data) > 4096
    if how == "raw":
        r = small_client.post("/batches", content=data, headers={**headers("jcs"),
                                                                   "content-type": "application/x-ndjson"})
    else:
        r = small_client.post("/batches", files={"file": ("a.jsonl", data)}, headers=headers("jcs"))
    error(r, 413, "upload_too_large")
    data_dir = small_client.app.state.settings.data_dir
    assert not list(Path(data_dir).glob("*.upload"))


def test_too_many_reports_in_one_request_is_413(client) -> None:
    """More than 10000 reports in one request: 413 pointing to /batches."""
    records = [{"id": str(i), "source": "JCS"} for i in range(10_001)]
    err = error(post(client, "jcs", *records), 413, "too_many_reports")
    assert "/batches" in err["message"]


# ------------------------------------------------------------------------------------------------ batches

EXTRA_ROW = {"id": "jcs-multi", "source": "JCS", "time": "2022-11-02 09:40 KST",
             "text": "a note\nover two lines, with \"quotes\""}


def _archive_lines() -> list[str]:
    """Two fixture files with their malformed lines, a blank line between them, and a multi-line text."""
    return [*fixture_lines("2022-05-12"), "", *fixture_lines("2022-11-02"), json.dumps(EXTRA_ROW),
            json.dumps({"id": "late", "source": "JCS", "time": "much later"})]


def _jsonl_archive() -> tuple[bytes, dict[int, Any]]:
    """The archive as JSONL, and per line number the record (or None when the line is not JSON; blank lines
    are left out)."""
    lines = _archive_lines()
    return ("\n".join(lines) + "\n").encode(), {n: parsed(s) for n, s in enumerate(lines, 1) if s.strip()}


def _csv_archive() -> tuple[bytes, dict[int, Any]]:
    """The archive's JSON records as CSV (header line 1), plus a row with one cell too many; per *physical* line
    number of each row the record (None for the broken row)."""
    records = [r for r in (parsed(s) for s in _archive_lines() if s.strip()) if isinstance(r, dict)]
    cols = sorted({k for r in records for k in r}, key=lambda k: (k not in ("id", "source"), k))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    rows: dict[int, Any] = {}
    line = 1  # the last physical line written
    for r in records:
        cells = ["" if r.get(c) is None else str(r[c]) for c in cols]
        w.writerow(cells)
        rows[line + 1] = {k: str(v) for k, v in r.items()}
        line += 1 + sum(c.count("\n") for c in cells)
    w.writerow(["jcs-extra", "JCS", *([""] * (len(cols) - 2)), "one too many"])
    rows[line + 1] = None
    return buf.getvalue().encode(), rows


def _expected(by_line: dict[int, Any], allowed: set[str] | None) -> tuple[set[int], set[int]]:
    stored, rejected = set(), set()
    for n, rec in by_line.items():
        good = isinstance(rec, dict) and is_valid(rec)
        if good and allowed is not None:
            good = PROFILE.runtime().source(rec["source"])[0] in allowed
        (stored if good else rejected).add(n)
    return stored, rejected


@pytest.mark.parametrize(("how", "key"), [("jsonl", "all"), ("csv", "all"), ("multipart", "all"), ("jsonl", "jcs")])
def test_an_uploaded_archive_is_processed_with_every_line_stored_or_rejected(client, how, key) -> None:
    """POST /batches (raw JSONL, raw CSV, or a multipart file) answers 202 and the runner works through it: the
    batch ends "done" with progress 1; counts add up to the lines; each malformed or refused line is among the
    rejects with its line number; each other line's report is stored and names the batch. A second upload of the
    same archive stores nothing new ("unchanged")."""
    data, by_line = _csv_archive() if how == "csv" else _jsonl_archive()
    allowed = None if key == "all" else {"JCS"}
    stored, rejected = _expected(by_line, allowed)
    assert stored and rejected and len(stored) + len(rejected) == len(by_line)

    def upload() -> dict[str, Any]:
        if how == "multipart":
            r = client.post("/batches", files={"file": ("launches.jsonl", data, "application/octet-stream")},
                            headers=headers(key))
        else:
            ctype = "text/csv" if how == "csv" else "application/x-ndjson"
            r = client.post("/batches", content=data, params={"filename": f"upload.{how}"},
                            headers={**headers(key), "content-type": ctype})
        assert r.status_code == 202, r.text
        return r.json()

    queued = upload()
    assert queued["status"] in ("queued", "running", "done") and queued["bytes"] == len(data)
    assert queued["format"] == ("csv" if how == "csv" else "jsonl") and queued["submitted_by"] == key
    b = wait_batch(client, queued["id"], key)
    assert b["status"] == "done" and b["error"] is None and b["progress"] == 1.0
    assert b["counts"] == {"created": len(stored), "unchanged": 0, "rejected": len(rejected)}
    assert b["rejects_total"] == len(rejected) == len(b["rejects"])
    assert sorted(r["line"] for r in b["rejects"]) == sorted(rejected)
    assert all(r["errors"] and r["errors"][0]["reason"] for r in b["rejects"])
    assert b["lines_done"] == max(by_line)
    if how == "multipart":
        assert b["filename"] == "launches.jsonl"
    for n in stored:
        rec = by_line[n]
        r = ok(client.get(f"/reports/{quote(rec['source'])}/{quote(str(rec['id']))}", headers=headers("reader")))
        assert r["batch"] == b["id"] and r["submitted_by"] == key
    assert ok(client.get("/health"))["reports"] == len(stored)

    again = wait_batch(client, upload()["id"], key)
    assert again["counts"] == {"created": 0, "unchanged": len(stored), "rejected": len(rejected)}


def test_batch_visibility_and_upload_errors(client) -> None:
    """A submitter sees only its own batches (403 for another's, 200 for readers); an empty upload, a multipart
    form without `file`, and an unsupported format are 422."""
    b = client.post("/batches", content=orjson.dumps(JCS) + b"\n",
                    headers={**headers("jcs"), "content-type": "application/x-ndjson"})
    assert b.status_code == 202, b.text
    bid = b.json()["id"]
    error(client.get(f"/batches/{bid}", headers=headers("jmod")), 403, "forbidden")
    assert ok(client.get(f"/batches/{bid}", headers=headers("reader")))["id"] == bid
    assert wait_batch(client, bid, "jcs")["counts"]["created"] == 1
    ndjson = {**headers("jcs"), "content-type": "application/x-ndjson"}
    assert error(client.post("/batches", content=b"", headers=ndjson), 422, "invalid_request")["problems"][0][
        "field"] == "body"
    assert error(client.post("/batches", files={"other": ("a.jsonl", b"{}")}, headers=headers("jcs")), 422,
                 "invalid_request")["problems"][0]["field"] == "file"
    assert error(client.post("/batches", content=b"[{}]", params={"filename": "a.json"},
                             headers={**headers("jcs"), "content-type": "application/json"}), 422,
                 "invalid_request")["problems"][0]["field"] == "format"
    assert error(client.post("/batches", content=b"{}\n", params={"format": "xml"}, headers=ndjson), 422,
                 "invalid_request")["problems"][0]["field"] == "format"

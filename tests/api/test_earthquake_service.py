"""The service with the earthquake profile (``Settings(profile="earthquake")``, ``RECONCILE_PROFILE``).

- Incremental equals batch: the golden earthquake fixtures, submitted through the API one report at a time in
  shuffled orders and in lists of random sizes, give the events ``reconcile_reports`` makes of everything (event
  ids aside); the same for a generated archive (``bench/gen_quakes.py``) dense enough to hold aftershock sequences
  and centroids beside hypocentres of the same agency, which exercises the store's search windows under the
  magnitude-scaled association windows and the one-source-per-solution-kind rule (``clustering.distinct_by``).
- The routes on SQLite and PostgreSQL: reports with several magnitudes, a fixed depth, a JST local time and
  coordinates as strings; events with the epicentre's consensus (position, radius, preferred solution and why);
  conflicts; CSV and GeoJSON exports; a 422 naming the field; a review, a split and a merge.
- The review page in Debian's Chromium on the earthquake demo store: the epicentre as a position in the reports
  table, the preferred solution's reason in the consensus, the positions sketch, acknowledging a conflict. With
  ``RECONCILE_SCREENSHOT=1`` it writes ``docs/screenshot-earthquake.png``.
"""

from __future__ import annotations

import csv
import io
import os
import random
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, expect

from api.app import create_app
from api.db import Database
from api.settings import Settings
from api.store import Store
from reconcile import load_profile, reconcile_reports
from reconcile.cli.serve import load_demo
from reconcile.export import event_dict

from .conftest import fresh_database
from .test_incremental import assert_same_events, canonical, in_lists, shuffled, stored, valid_records
from .test_ui import TIMEOUT_MS, Tab, ThreadServer

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures" / "earthquakes"
PROFILE = load_profile("earthquake")

sys.path.insert(0, str(REPO / "bench"))

from gen_quakes import generate  # noqa: E402

FIXTURE_RECORDS = valid_records([line for p in sorted(FIXTURES.glob("*.jsonl"))
                                 for line in p.read_text(encoding="utf-8").splitlines()], PROFILE)


def reference(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return canonical(event_dict(e, PROFILE) for e in reconcile_reports(records, PROFILE).events)


def quake_settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path / "data", dev_mode=True, profile="earthquake",
                    _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def quake_client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(quake_settings(f"sqlite:///{tmp_path / 'store.db'}", tmp_path))) as c:
        yield c


def _submit(client: TestClient, body: Any) -> dict[str, Any]:
    r = client.post("/reports", json=body)
    assert r.status_code == 200, r.text
    return r.json()


# ------------------------------------------------------------------------------------------------ incremental


def test_the_profile_comes_from_the_settings_or_the_environment(monkeypatch, tmp_path) -> None:
    """RECONCILE_PROFILE=earthquake selects the profile; /health names it."""
    monkeypatch.setenv("RECONCILE_PROFILE", "earthquake")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", data_dir=tmp_path / "d", dev_mode=True,
                        _env_file=None)  # type: ignore[call-arg]
    assert settings.profile == "earthquake"
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").json()["profile"] == "earthquake"
        assert any(f["name"] == "epicentre" and f["kind"] == "point"
                   for f in client.get("/ui/profile.json").json()["fields"])


ORDERS = {
    "shuffled-one-by-one-a": (1, 1),
    "shuffled-one-by-one-b": (2, 1),
    "shuffled-one-by-one-c": (3, 1),
    "shuffled-lists-up-to-5": (4, 5),
    "shuffled-lists-up-to-20": (5, 20),
}


@pytest.mark.parametrize("order", list(ORDERS))
def test_fixtures_submitted_in_any_order_equal_the_batch(quake_client, order) -> None:
    """Every valid earthquake fixture report, shuffled, through POST /reports one at a time or in lists of random
    sizes: the stored events equal the batch's."""
    assert len(FIXTURE_RECORDS) == 55
    seed, most = ORDERS[order]
    rng = random.Random(seed)
    for body in in_lists(shuffled(FIXTURE_RECORDS, rng), rng, most):
        result = _submit(quake_client, body if len(body) > 1 else body[0])
        assert {r["status"] for r in result["reports"]} == {"created"}
    assert_same_events(stored(quake_client.app.state.store), reference(FIXTURE_RECORDS))


def test_after_every_single_submission_the_store_equals_the_batch_so_far(quake_client) -> None:
    order = shuffled(FIXTURE_RECORDS, random.Random(17))
    store = quake_client.app.state.store
    for k, rec in enumerate(order, 1):
        _submit(quake_client, rec)
        assert_same_events(stored(store), reference(order[:k]))


@pytest.fixture(scope="module")
def archive() -> list[dict[str, Any]]:
    """300 generated solutions (seed 15: four aftershock sequences, ten centroids, same-agency hypocentre and
    centroid pairs, revisions), the valid ones."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "archive"
        stats = generate(reports=300, seed=15, out=out)
        records = valid_records((out / "reports.jsonl").read_text(encoding="utf-8").splitlines(), PROFILE)
    assert stats.aftershocks >= 10 and stats.sequences >= 2 and stats.centroids >= 5 and stats.revisions >= 20
    return records


def test_the_archive_is_dense_enough_to_test_anything(archive) -> None:
    """The batch of the archive holds aftershocks minutes apart as separate events, and events where one agency
    appears twice: its hypocentre and its centroid."""
    events = reconcile_reports(archive, PROFILE).events
    rt = PROFILE.runtime()
    doubled = 0
    for e in events:
        kinds: dict[str, set[str]] = defaultdict(set)
        for r in e.reports:
            kinds[r.source].add(rt.partition(r, "solution"))
        doubled += any(len(k) > 1 for k in kinds.values())
    assert doubled >= 3
    times = sorted(e.consensus["time"].best for e in events if "time" in e.consensus)
    assert sum(1 for a, b in zip(times, times[1:], strict=False) if b - a < 600) >= 5


@pytest.mark.parametrize("seed,most", [(1, 1), (2, 1), (3, 1), (4, 7), (5, 30)])
def test_archive_submitted_incrementally_equals_the_batch(archive, tmp_path, seed, most) -> None:
    """The generated archive shuffled, submitted to a fresh store one report at a time (three orders) or in lists
    of 1..``most``: the stored events equal the batch's."""
    db = Database(f"sqlite:///{tmp_path / 'store.db'}")
    db.migrate()
    store = Store(db, PROFILE)
    try:
        rng = random.Random(seed)
        for body in in_lists(shuffled(archive, rng), rng, most):
            store.submit(body, actor="test")
        assert_same_events(stored(store), reference(archive))
    finally:
        db.dispose()


def test_postgresql_store_equals_the_batch(tmp_path, request, archive) -> None:
    """The same on PostgreSQL: the fixtures and the archive shuffled, in lists of 1..6."""
    url = fresh_database("postgresql", tmp_path, request)
    rng = random.Random(23)
    records = FIXTURE_RECORDS + archive
    with TestClient(create_app(quake_settings(url, tmp_path))) as client:
        for body in in_lists(shuffled(records, rng), rng, 6):
            _submit(client, body)
        assert_same_events(stored(client.app.state.store), reference(records))


# ------------------------------------------------------------------------------------------------ routes

NOTO = [
    {"id": "us-1", "source": "USGS", "event_type": "earthquake", "time": "2024-01-01T07:10:09.5Z",
     "latitude": "37.49N", "longitude": "137.27E", "location_error": 6.5, "depth": "10 km fixed",
     "magnitude": ["Mww 7.5", "mb 6.9"], "region": "NOTO PENINSULA, JAPAN"},
    {"id": "jma-1", "source": "気象庁", "event_type": "地震", "time": "2024-01-01 16:10:09.4 JST",
     "latitude": "37.50", "longitude": "137.27", "depth": "16 km", "magnitude": "Mj 7.6"},
    {"id": "emsc-1", "source": "CSEM", "event_type": "earthquake", "time": "2024-01-01T07:10:10Z",
     "latitude": 37.2, "longitude": 136.1, "depth": 10, "magnitude": ["Mw 7.5", "mb 6.0"]},
    {"id": "gcmt-1", "source": "GCMT", "solution": "centroid", "time": "2024-01-01T07:10:20Z",
     "latitude": 37.3, "longitude": 137.0, "depth": 15, "magnitude": "Mw 7.5"},
    {"id": "us-c1", "source": "USGS", "solution": "W-phase", "time": "2024-01-01T07:10:21Z",
     "latitude": "37.35", "longitude": "137.05", "depth": 14, "magnitude": "Mww 7.5"},
]


@pytest.fixture(params=["sqlite", "postgresql"])
def routes_client(request, tmp_path) -> Iterator[TestClient]:
    url = fresh_database(request.param, tmp_path, request)
    with TestClient(create_app(quake_settings(url, tmp_path))) as c:
        yield c


def test_routes_with_earthquake_reports(routes_client) -> None:
    """Submit, read, list, export, review, split and merge an earthquake event."""
    c = routes_client
    result = _submit(c, NOTO)
    assert [(r["source"], r["id"], r["status"]) for r in result["reports"]] == [
        ("NEIC", "us-1", "created"), ("JMA", "jma-1", "created"), ("EMSC", "emsc-1", "created"),
        ("GCMT", "gcmt-1", "created"), ("NEIC", "us-c1", "created")]
    eid = result["reports"][0]["event"]
    assert {r["event"] for r in result["reports"]} == {eid}, "the hypocentres and centroids of one quake: one event"
    assert sorted(x["field"] for x in result["conflicts_created"]) == ["epicentre", "magnitude.mb"]

    # the reports as normalised: the JST time, hemisphere strings, the fixed depth, one field per magnitude type
    us = c.get("/reports/USGS/us-1").json()
    assert us["source"] == "NEIC" and us["submitted"]["depth"] == "10 km fixed"
    v = us["normalised"]["values"]
    assert (v["epicentre"]["lat"], v["epicentre"]["lon"], v["epicentre"]["radius"]) == (37.49, 137.27, 6.5)
    assert "assumed" in v["depth"]["rule"]
    assert v["magnitude.Mw"]["best"] == 7.5 and v["magnitude.mb"]["best"] == 6.9
    jma = c.get("/reports/JMA/jma-1").json()["normalised"]["values"]
    assert jma["time"]["best"] == "2024-01-01T07:10:09.40Z" and jma["event_type"]["code"] == "earthquake"

    events = c.get("/events").json()
    assert events["total"] == 1
    item = events["items"][0]
    assert item["id"] == eid and item["sources"] == ["EMSC", "GCMT", "JMA", "NEIC"] and item["reports"] == 5
    assert item["conflicts"] == {"major": 2, "minor": 0, "open": 2} and item["event_type"] == "earthquake"
    # the profile's key figures (summary = magnitude, epicentre, depth) come with the list
    assert list(item["figures"]) == ["magnitude.Mw", "magnitude.mb", "magnitude.Mj", "epicentre", "depth"]
    assert item["figures"]["magnitude.Mw"]["best"] == 7.5 and item["figures"]["epicentre"]["lat"] == 37.5
    assert c.get("/events", params={"source": "CSEM"}).json()["total"] == 1
    assert c.get("/events", params={"start": "2024-01-02T00:00:00Z"}).json()["total"] == 0

    doc = c.get(f"/events/{eid}").json()
    epi = doc["epicentre"]
    # one solution gives the origin: JMA's time (tied with NEIC on weight and error, first by name), and so its
    # epicentre and its depth (NEIC's depth is fixed anyway)
    assert doc["time"]["preferred"] == "JMA/jma-1" and "tied with NEIC" in doc["time"]["reason"]
    assert (epi["lat"], epi["lon"], epi["radius"]) == (37.5, 137.27, 10.0)
    assert epi["preferred"] == "JMA/jma-1" and epi["agree"] is False
    assert epi["reason"].startswith("JMA: the solution preferred for time")
    assert "2 centroids compared separately" in epi["reason"]
    assert doc["depth"]["preferred"] == "JMA/jma-1", "the fixed depth is no measurement to prefer"
    assert doc["magnitude.Mw"]["best"] == 7.5 and doc["magnitude.Mj"]["best"] == 7.6
    conflicts = {x["field"]: x for x in doc["conflicts"]}
    assert conflicts["epicentre"]["severity"] == "major" and conflicts["epicentre"]["status"] == "open"
    assert {x["report"] for x in conflicts["epicentre"]["values"]} == {"emsc-1", "jma-1", "us-1"}
    assert conflicts["magnitude.mb"]["message"] == "EMSC: mb 6.0 ±0.2; NEIC: mb 6.9 ±0.2 (+0.9)"
    assert doc["evidence"] and doc["review"] == "unreviewed"

    listed = c.get("/conflicts").json()
    assert listed["total"] == 2
    assert [x["field"] for x in c.get("/conflicts", params={"field": "epicentre"}).json()["items"]] == ["epicentre"]

    rows = list(csv.DictReader(io.StringIO(c.get("/events.csv").text)))
    assert len(rows) == 1
    row = rows[0]
    assert (row["epicentre_lat"], row["epicentre_lon"], row["epicentre_radius_km"]) == ("37.5", "137.27", "10.0")
    assert row["magnitude.Mw"] == "7.5" and row["conflicts_major"] == "2" and row["event_id"] == eid

    geo = c.get("/events.geojson")
    assert geo.headers["content-type"].startswith("application/geo+json")
    feature = geo.json()["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [137.27, 37.5]}
    assert feature["properties"]["epicentre"]["preferred"] == "JMA/jma-1"

    bad = c.post("/reports", json={**NOTO[0], "id": "us-bad", "latitude": "95.2N"})
    assert bad.status_code == 422
    problem = bad.json()["error"]["problems"][0]
    assert problem["field"] == "latitude" and "95.2" in problem["reason"] and problem["id"] == "us-bad"
    bad = c.post("/reports", json={**NOTO[0], "id": "us-bad", "latitude": "somewhere"})
    assert bad.status_code == 422 and bad.json()["error"]["problems"][0]["field"] == "latitude"
    assert c.get("/reports/NEIC/us-bad").status_code == 404

    # review: the epicentre flag acknowledged, with NEIC's position accepted
    cid = conflicts["epicentre"]["id"]
    r = c.patch(f"/conflicts/{cid}", json={"status": "acknowledged", "note": "EMSC's early automatic location",
                                             "accepted": "37.49N 137.27E"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["reviewed_by"], r.json()["accepted"]) == ("acknowledged", "dev",
                                                                                  "37.49N 137.27E")
    assert c.get("/events", params={"status": "acknowledged"}).json()["total"] == 1
    assert c.get(f"/events/{eid}/audit").json()[-1]["action"] == "conflict_acknowledged"

    # split EMSC's solution off: both its conflicts leave with it; merge it back: they return, the review kept
    r = c.post(f"/events/{eid}/split", json={"parts": [[{"source": "CSEM", "id": "emsc-1"}]],
                                            "note": "another quake"})
    assert r.status_code == 200, r.text
    split = r.json()
    assert split["event"] == eid and len(split["events"]) == 2
    other = next(e for e in split["events"] if e != eid)
    assert c.get("/reports/EMSC/emsc-1").json()["event"] == other
    assert c.get(f"/events/{eid}").json()["conflicts"] == []
    assert c.get("/events").json()["total"] == 2
    r = c.post("/events/merge", json={"events": [eid, other], "note": "the same quake"})
    assert r.status_code == 200, r.text
    assert r.json()["event"] == eid
    doc = c.get(f"/events/{eid}").json()
    conflicts = {x["field"]: x for x in doc["conflicts"]}
    assert sorted(conflicts) == ["epicentre", "magnitude.mb"]
    assert conflicts["epicentre"]["status"] == "acknowledged" and conflicts["magnitude.mb"]["status"] == "open"
    assert c.get(f"/events/{other}", follow_redirects=False).status_code == 308
    assert c.get("/events").json()["total"] == 1

    # a later submission keeps the analyst's merge: a revised EMSC solution stays in the event
    revised = {**NOTO[2], "id": "emsc-2", "supersedes": "emsc-1", "latitude": 37.45, "longitude": 137.2,
               "magnitude": ["Mw 7.5", "mb 6.8"]}
    result = _submit(c, revised)
    assert result["reports"][0]["event"] == eid
    assert {x["field"] for x in result["conflicts_cleared"]} == {"epicentre", "magnitude.mb"}
    assert c.get(f"/events/{eid}").json()["conflicts"] == []


# ------------------------------------------------------------------------------------------------ the page

CAUCASUS = ("ISC", "1838613")  # the 1967 Caucasus quake: six agencies, conflicts on time, epicentre, depth


@pytest.fixture
def quake_browser(browser: Browser) -> Browser:
    """The session's Chromium (tests/api/conftest.py), shared with tests/api/test_ui.py."""
    return browser


@pytest.fixture
def quake_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadServer]:
    """The service on the earthquake demo store, as `reconcile serve --profile earthquake --demo` loads it."""
    tmp = tmp_path_factory.mktemp("quake-ui")
    url = f"sqlite:///{tmp / 'demo.db'}"
    stored_n, rejected = load_demo(url, sorted(FIXTURES.glob("*.jsonl")), "earthquake")
    assert (stored_n, rejected) == (55, 2)
    server = ThreadServer(quake_settings(url, tmp))
    server.start()
    yield server
    server.stop()


def test_earthquake_event_page(quake_browser: Browser, quake_server: ThreadServer) -> None:
    """The Caucasus event: the epicentres as positions in the reports table, the preferred solution and why in
    the consensus, one mark per report on the positions sketch, the origin times charted in seconds; the depth
    conflict acknowledged with a note."""
    base = quake_server.url
    eid = httpx.get(f"{base}/reports/{CAUCASUS[0]}/{CAUCASUS[1]}").json()["event"]
    doc = httpx.get(f"{base}/events/{eid}").json()
    current = [r for r in doc["reports"] if r["current"]]
    t = Tab(quake_browser, base, width=1440, height=1860)
    page: Page = t.page
    try:
        page.goto("/")
        row = page.locator(f"tr[data-id='{eid}']")
        expect(row).to_contain_text("1967-01-30 01:20:28.17 UTC")
        # the key figures of the list: ISC's and the others' mb, then IASPEI's epicentre (it gives the origin)
        expect(row.locator("td.figures")).to_contain_text("mb 5")
        expect(row.locator("td.figures")).to_contain_text("41.05°N 44.27°E")
        expect(page.locator("table.events thead")).to_contain_text("Figures")
        expect(row).to_contain_text("Earthquake")
        expect(row.locator(".sev-major")).to_have_text("1 major")
        row.locator("td.time a").click()
        expect(page.locator("h1")).to_have_text(f"Event {eid}")
        expect(page.locator("#audit table")).to_be_visible()

        table = page.locator("table.reports")
        expect(table.locator("thead th[data-report]")).to_have_count(len(current))
        epicentre = table.locator("tr#row-epicentre")
        expect(epicentre.locator("td[data-report='1838613']")).to_contain_text("41.09°N 44.31°E ±4 km")
        expect(epicentre.locator("td[data-report='1838612']")).to_contain_text("40.90°N 44.30°E ±10 km")
        # IASPEI's ground-truth solution gives the origin (the finest time), so its epicentre is the consensus
        expect(epicentre.locator("td.consensus")).to_contain_text("41.05°N 44.27°E ±4 km")
        expect(epicentre.locator("td.consensus")).to_contain_text(
            f"preferred: {doc['epicentre']['reason']}")
        expect(table.locator("tr#row-depth td[data-report='9212463']")).to_contain_text(
            "10 km: assumed (fixed), not compared")
        expect(table.locator("tr#row-magnitude\\.mb th")).to_contain_text("Magnitude mb")
        expect(table.locator("tr#row-time td.consensus")).to_contain_text(
            f"preferred: {doc['time']['reason']}")

        sketch = page.locator("#map svg.map-sketch")
        expect(sketch.locator("circle.mark")).to_have_count(len(current))
        for r in current:
            expect(sketch.locator(f"circle.mark[data-report='{r['id']}']")).to_have_count(1)
        expect(sketch.locator("desc")).to_contain_text("Consensus 41.05°N 44.27°E (IASPEI/9093437)")
        width, height = sketch.evaluate("svg => [svg.viewBox.baseVal.width, svg.viewBox.baseVal.height]")
        circles = sketch.locator("circle.uncertainty").evaluate_all(
            "cs => cs.map((c) => [c.cx.baseVal.value, c.cy.baseVal.value, c.r.baseVal.value])")
        assert len(circles) == len(current)
        for cx, cy, r in circles:
            assert r <= cx <= width - r and r <= cy <= height - r, "each uncertainty circle whole in the picture"
        chart = page.locator("#intervals figure.chart[data-field='time']")
        expect(chart.locator("svg")).to_contain_text(re.compile(r"span \d+ s\)"))

        card = page.locator("article.conflict[data-field='depth']")
        expect(card).to_have_attribute("data-status", "open")
        card.get_by_label("Note").fill("MOS's 33 km is a standard depth")
        card.get_by_label("Accepted value (km), optional").fill("11")
        card.get_by_role("button", name="Acknowledge").click()
        expect(page.locator("#flash")).to_have_text("Acknowledged the depth conflict.")
        expect(page.locator("article.conflict[data-field='depth']")).to_have_attribute("data-status",
                                                                                      "acknowledged")
        conflict = next(c for c in httpx.get(f"{base}/events/{eid}").json()["conflicts"] if c["field"] == "depth")
        assert (conflict["status"], conflict["accepted"], conflict["note"]) == (
            "acknowledged", 11, "MOS's 33 km is a standard depth")

        if os.environ.get("RECONCILE_SCREENSHOT") == "1":
            page.reload()
            expect(page.locator("#audit table")).to_be_visible()
            target = REPO / "docs" / "screenshot-earthquake.png"
            page.screenshot(path=str(target), full_page=False, timeout=TIMEOUT_MS)
            assert target.stat().st_size > 10_000
    finally:
        t.close()

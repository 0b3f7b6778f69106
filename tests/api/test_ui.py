"""The review page at ``/``, driven in a real Chromium (Debian's ``chromium`` through Playwright) against a real
server (uvicorn in a thread) on a copy of the demo store (the fixtures, as ``reconcile serve --demo`` loads them).

Checked here: the page and its assets come from the service alone (no request leaves it, none of the files names
another host) and stay out of the OpenAPI schema; the event list shows UTC and KST/JST times, sources, conflicts by
severity and review status, and filters, searches and pages; the seed launch's event shows its reports side by
side with the distance conflict highlighted and its message, a chart per numeric field, the map sketch, the
revision history, the evidence and the audit log; acknowledging the conflict with a note and a value survives a
reload and is in the audit log; a split and a merge back; a report submitted through the form and an archive
uploaded with its progress followed to the end; an API key entered once; labels, keyboard use, a phone's width.

Set ``RECONCILE_UI_SCREENSHOT=docs/screenshot-event.png`` to write the README's screenshot of the event page.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, expect

from api.app import create_app
from api.settings import Settings
from api.ui import STATIC, mount_ui
from reconcile.cli.serve import load_demo

from .conftest import CHROMIUM, CHROMIUM_ARGS, key_of, key_specs  # noqa: F401  (the page tests share them)

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures" / "launches"
SEED_MESSAGE = "JMOD: 約500km; KCNA: 700 km (+40%)"
TIMEOUT_MS = 20_000

expect.set_options(timeout=TIMEOUT_MS)


# ------------------------------------------------------------------------------------------------ fixtures


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data loaded once; each test gets its own copy of the file."""
    path = tmp_path_factory.mktemp("ui-demo") / "demo.db"
    load_demo(f"sqlite:///{path}", sorted(FIXTURES.glob("*.jsonl")), "missile_launch")
    return path


class ThreadServer:
    """The app under uvicorn in a thread of the test process, on a free port."""

    def __init__(self, settings: Settings) -> None:
        app = create_app(settings)
        mount_ui(app)
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, name="ui-test-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("the UI test server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture
def serve(demo_store: Path, tmp_path: Path) -> Iterator[Callable[..., ThreadServer]]:
    """Start a server on a copy of the demo store: ``serve()`` in development mode, ``serve(dev_mode=False)``
    with the test keys."""
    servers: list[ThreadServer] = []

    def start(*, dev_mode: bool = True) -> ThreadServer:
        db = tmp_path / f"store{len(servers)}.db"
        shutil.copyfile(demo_store, db)
        settings = Settings(database_url=f"sqlite:///{db}", data_dir=tmp_path / "data", dev_mode=dev_mode,
                            api_keys=[] if dev_mode else key_specs(), _env_file=None)  # type: ignore[call-arg]
        server = ThreadServer(settings)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def server(serve: Callable[..., ThreadServer]) -> ThreadServer:
    return serve()


class Tab:
    """A page on the test server that fails the test on any script error or any request to another origin."""

    def __init__(self, browser: Browser, base: str, *, width: int = 1280, height: int = 900) -> None:
        self.base = base
        self.context = browser.new_context(base_url=base, viewport={"width": width, "height": height})
        self.context.set_default_timeout(TIMEOUT_MS)
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.requests: list[str] = []
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}")
                     if m.type == "error" and "status of 4" not in m.text else None)

    def _route(self, route: Any) -> None:
        url = route.request.url
        self.requests.append(f"{route.request.method} {url}")
        if url.startswith(self.base + "/"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def close(self) -> None:
        self.context.close()
        assert not self.errors, self.errors
        assert not self.outside, f"requests outside the service: {self.outside}"


@pytest.fixture
def tab(browser: Browser, server: ThreadServer) -> Iterator[Page]:
    t = Tab(browser, server.url)
    yield t.page
    t.close()


def seed_event(server: ThreadServer) -> str:
    """The event holding the seed launch's JMOD report."""
    return str(httpx.get(f"{server.url}/reports/JMOD/jmod-20220105-2").json()["event"])


def open_event(page: Page, event_id: str) -> None:
    page.goto(f"/#/events/{event_id}")
    expect(page.locator("h1")).to_have_text(f"Event {event_id}")
    expect(page.locator("#audit table")).to_be_visible()


# ------------------------------------------------------------------------------------------------ serving


def test_page_and_assets_are_served_by_the_service_and_stay_out_of_the_schema(demo_store: Path,
                                                                            tmp_path: Path) -> None:
    """GET / is the page (with a same-origin-only CSP), /static serves its modules, /ui/profile.json the field
    kinds and coordinates; no asset names another host; '/' is not in the OpenAPI schema; mounting twice is
    harmless."""
    shutil.copyfile(demo_store, tmp_path / "s.db")
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", data_dir=tmp_path / "d",
                              dev_mode=True, _env_file=None))  # type: ignore[call-arg]
    mount_ui(app)
    mount_ui(app)
    with TestClient(app) as client:
        index = client.get("/")
        assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in index.headers["content-security-policy"]
        assert '<script type="module" src="/static/js/main.js">' in index.text
        js = client.get("/static/js/main.js")
        assert js.status_code == 200 and "javascript" in js.headers["content-type"]
        assert js.headers["cache-control"] == "no-cache"
        assert client.get("/static/js/nothing.js").status_code == 404
        profile = client.get("/ui/profile.json").json()
        kinds = {f["name"]: f["kind"] for f in profile["fields"]}
        assert kinds["distance"] == "quantity" and kinds["time"] == "time" and kinds["launch_site"] == "place"
        jagang = next(p for p in profile["places"] if p["id"] == "jagang")
        assert (jagang["lat"], jagang["lon"]) == (40.9, 126.6)
        paths = client.get("/openapi.json").json()["paths"]
        assert "/" not in paths and "/ui/profile.json" not in paths and "/events" in paths
    for path in STATIC.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js", ".css"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"""(src|href)=["']?(https?:)?//|@import\s+url\(["']?https?:|from\s+["']https?:""",
                                 text), f"{path.name} loads something from another host"


# ------------------------------------------------------------------------------------------------ the list


def test_event_list_shows_times_sources_conflicts_and_review(tab: Page, server: ThreadServer) -> None:
    """Each row: the time in UTC and in KST/JST, the type, the sources as badges, conflicts by severity and the
    review status; the total comes from the server."""
    seed = seed_event(server)
    total = httpx.get(f"{server.url}/events").json()["total"]
    tab.goto("/")
    expect(tab.locator("#list-summary")).to_have_text(f"Showing 1–{total} of {total} events.")
    row = tab.locator(f"tr[data-id='{seed}']")
    expect(row).to_contain_text("2022-01-04 23:07:30 UTC")
    expect(row).to_contain_text("2022-01-05 08:07:30 KST/JST")
    expect(row).to_contain_text("Ballistic missile")
    for source in ("INDOPACOM", "JCG", "JCS", "JMOD", "KCNA"):
        expect(row.locator(".badge.source", has_text=source)).to_be_visible()
    expect(row.locator(".sev-major")).to_have_text("1 major")
    expect(row.locator(".rv-unreviewed")).to_have_text("Unreviewed (1 open)")


def test_event_list_filters_search_and_pages(tab: Page, server: ThreadServer) -> None:
    """Filters go to the server and into the address (a reload keeps them); typing in the search narrows the page
    shown, Enter searches every event on the server; pages of 25 step through the list."""
    seed = seed_event(server)
    api = httpx.get(f"{server.url}/events", params={"review": "unreviewed", "field": "distance"}).json()
    tab.goto("/")
    tab.get_by_label("Unreviewed only").check()
    tab.get_by_label("Conflict on field").select_option("distance")
    tab.get_by_role("button", name="Apply filters").click()
    expect(tab.locator("#list-summary")).to_have_text(f"Showing 1–{api['total']} of {api['total']} events.")
    assert "unreviewed=1" in tab.url and "field=distance" in tab.url
    tab.reload()
    expect(tab.locator("#list-summary")).to_have_text(f"Showing 1–{api['total']} of {api['total']} events.")
    expect(tab.get_by_label("Unreviewed only")).to_be_checked()
    ids = [e["id"] for e in api["items"]]
    expect(tab.locator("tbody tr[data-id]")).to_have_count(len(ids))

    tab.get_by_role("button", name="Clear filters").click()
    tab.get_by_label("From (UTC date)").fill("2022-01-04")
    tab.get_by_label("To (UTC date)").fill("2022-01-05")
    tab.get_by_label("Source").select_option("KCNA")
    tab.get_by_role("button", name="Apply filters").click()
    expect(tab.locator("tbody tr[data-id]")).to_have_count(1)
    expect(tab.locator(f"tr[data-id='{seed}']")).to_be_visible()

    tab.get_by_role("button", name="Clear filters").click()
    expect(tab.locator("tbody tr[data-id]")).not_to_have_count(1)
    tab.get_by_label("Search events").fill(seed[:8])
    expect(tab.locator("tbody tr[data-id]:visible")).to_have_count(1)
    tab.get_by_label("Search events").fill("hypersonic nothing-like-this")
    expect(tab.locator("tbody tr[data-id]:visible")).to_have_count(0)
    # Enter searches every event on the server: a report id and a place as one agency wrote it
    search = tab.get_by_label("Search events")
    search.fill("kcna-20220106-1")
    search.press("Enter")
    expect(tab.locator("#list-summary")).to_have_text("Showing 1–1 of 1 events.")
    expect(tab.locator(f"tr[data-id='{seed}']")).to_be_visible()
    assert "q=kcna-20220106-1" in tab.url
    search.fill("")
    search.press("Enter")

    total = httpx.get(f"{server.url}/events").json()["total"]
    tab.get_by_label("Per page").select_option("25")
    expect(tab.locator("#list-summary")).to_have_text(f"Showing 1–25 of {total} events.")
    tab.get_by_role("button", name="Next").click()
    expect(tab.locator("#list-summary")).to_have_text(f"Showing 26–{min(50, total)} of {total} events.")
    expect(tab.get_by_role("button", name="Previous")).to_be_enabled()


# ------------------------------------------------------------------------------------------------ the event


def test_seed_event_shows_the_distance_conflict_highlighted(tab: Page, server: ThreadServer) -> None:
    """From the list to the seed launch's event: the reports side by side with the consensus, the JMOD and KCNA
    distances highlighted with the conflict's message, a chart per numeric field (the distance chart marks both),
    the map sketch, the revision history, the evidence and the audit log."""
    seed = seed_event(server)
    tab.goto("/")
    tab.locator(f"tr[data-id='{seed}'] td.time a").click()
    expect(tab.locator("h1")).to_have_text(f"Event {seed}")

    reports = tab.locator("table.reports")
    for rid in ("indopacom-20220104-1", "jcg-20220105-1", "jcs-20220105-2", "jmod-20220105-2", "kcna-20220106-1"):
        expect(reports.locator(f"thead th[data-report='{rid}']")).to_be_visible()
    distance = reports.locator("tr#row-distance")
    expect(distance).to_have_class(re.compile(r"\bhas-conflict\b.*\bmajor\b"))
    expect(distance.locator(".conflict-message")).to_have_text(SEED_MESSAGE)
    expect(distance.locator("td.disagree")).to_have_count(2)
    expect(distance.locator("td.disagree[data-report='jmod-20220105-2']")).to_contain_text("約500km")
    expect(distance.locator("td.disagree[data-report='kcna-20220106-1']")).to_contain_text("700 km")
    expect(distance.locator("td.consensus")).to_contain_text("500 km")
    expect(reports.locator("tr#row-time td.disagree")).to_have_count(0)

    card = tab.locator("article.conflict[data-field='distance']")
    expect(card.locator(".message")).to_have_text(SEED_MESSAGE)
    expect(card).to_have_attribute("data-status", "open")
    expect(card.locator("figure.chart g.row.conflict")).to_have_count(2)

    for field in ("time", "distance", "count"):
        expect(tab.locator(f"#intervals figure.chart[data-field='{field}'] svg[role='img']")).to_be_visible()
    chart = tab.locator("#intervals figure.chart[data-field='distance']")
    expect(chart.locator("g.row.conflict")).to_have_count(2)
    expect(chart.locator("desc")).to_contain_text("Consensus: 450–725 km, best 500")
    sketch = tab.locator("svg.map-sketch")
    expect(sketch.locator("desc")).to_contain_text("Launch site: Jagang Province")
    expect(sketch.locator("desc")).to_contain_text("Landing area: East Sea / Sea of Japan")

    expect(tab.locator("#revisions")).to_contain_text("jcs-20220105-1 → jcs-20220105-2")
    expect(tab.locator("#revisions")).to_contain_text("約500km")
    expect(tab.locator("#evidence details.link")).to_have_count(
        len(httpx.get(f"{server.url}/events/{seed}").json()["evidence"]))
    expect(tab.locator("#audit tr[data-action='created']")).to_contain_text("KCNA kcna-20220106-1")


def test_acknowledge_with_a_note_survives_a_reload_and_is_audited(tab: Page, server: ThreadServer) -> None:
    """Acknowledging the distance conflict with a note and the accepted value: the result is announced, a reload
    shows it acknowledged with both, the audit log records it, and the API stored the number 500."""
    seed = seed_event(server)
    open_event(tab, seed)
    card = tab.locator("article.conflict[data-field='distance']")
    card.get_by_label("Note").fill("KCNA's own claim; JMOD's estimate accepted")
    card.get_by_label("Accepted value (km), optional").fill("500")
    card.get_by_role("button", name="Acknowledge").click()
    expect(tab.locator("#flash")).to_have_text("Acknowledged the distance conflict.")
    expect(tab.locator("#announce")).to_have_text("Acknowledged the distance conflict.")

    tab.reload()
    card = tab.locator("article.conflict[data-field='distance']")
    expect(card).to_have_attribute("data-status", "acknowledged")
    expect(card.locator(".reviewed")).to_contain_text("Acknowledged by dev")
    expect(card.locator(".reviewed .note")).to_have_text("KCNA's own claim; JMOD's estimate accepted")
    expect(card.locator(".reviewed .accepted")).to_have_text("500 km")
    expect(tab.locator("tr#row-distance .st-acknowledged")).to_be_visible()
    audit = tab.locator("#audit tr[data-action='conflict_acknowledged']")
    expect(audit).to_contain_text("distance: open → acknowledged")
    expect(audit).to_contain_text("KCNA's own claim")
    expect(audit).to_contain_text("dev")

    conflict = httpx.get(f"{server.url}/events/{seed}").json()["conflicts"][0]
    assert (conflict["status"], conflict["accepted"], conflict["reviewed_by"]) == ("acknowledged", 500, "dev")
    tab.goto("/")
    expect(tab.locator(f"tr[data-id='{seed}'] .rv-reviewed")).to_have_text("Reviewed")


def test_split_off_a_report_then_merge_it_back(tab: Page, server: ThreadServer) -> None:
    """Splitting KCNA's report off the seed event makes a new event (linked from the result) and clears the
    distance conflict; merging the new event back (chosen among the events nearby) restores both; the audit log
    shows both actions and the absorbed event's address leads to the survivor."""
    seed = seed_event(server)
    open_event(tab, seed)
    split = tab.locator("form.split-form")
    split.get_by_label(re.compile("kcna-20220106-1")).check()
    split.get_by_label("Note").fill("KCNA describes another test")
    split.get_by_role("button", name="Split event").click()
    expect(tab.locator("#flash")).to_contain_text("Split: kcna-20220106-1 now in event")
    new_id = tab.locator("#flash a").inner_text()
    assert new_id != seed
    expect(tab.locator("table.reports thead th[data-report='kcna-20220106-1']")).to_have_count(0)
    expect(tab.locator("#conflicts-h")).to_have_text("Conflicts (0)")
    expect(tab.locator("#audit tr[data-action='split']")).to_contain_text("KCNA describes another test")
    assert httpx.get(f"{server.url}/reports/KCNA/kcna-20220106-1").json()["event"] == new_id

    merge = tab.locator("form.merge-form")
    merge.get_by_label(re.compile(new_id)).check()
    merge.get_by_label("Note").fill("same launch after all")
    merge.get_by_role("button", name="Merge events").click()
    expect(tab.locator("#flash")).to_contain_text(f"into {seed}")
    expect(tab.locator("table.reports thead th[data-report='kcna-20220106-1']")).to_be_visible()
    expect(tab.locator("#conflicts-h")).to_have_text("Conflicts (1)")
    expect(tab.locator("#audit tr[data-action='merge']")).to_contain_text("same launch after all")

    tab.goto(f"/#/events/{new_id}")
    expect(tab.locator("h1")).to_have_text(f"Event {seed}")
    expect(tab.locator("#flash")).to_contain_text(f"Event {new_id} was merged into {seed}")


# ------------------------------------------------------------------------------------------------ upload


UPLOAD = [
    {"id": "ui-up-1", "source": "JCS", "issued_at": "2021-03-25T07:30:00+09:00", "event_type": "ballistic missile",
     "time": "7:06 a.m. KST", "distance": "450 km"},
    {"id": "ui-up-2", "source": "JMOD", "issued_at": "2021-03-25T08:00:00+09:00", "event_type": "ballistic missile",
     "time": "7:04 a.m. JST", "distance": "about 450 km"},
]


def test_submit_a_report_through_the_form(tab: Page, server: ThreadServer) -> None:
    """A figure the service cannot read marks its input invalid with the reason; corrected, the report is
    created and its event linked."""
    tab.goto("/#/upload")
    form = tab.locator("form.report-form")
    form.get_by_label("Report id (required)").fill("ui-form-1")
    form.get_by_label("Source (required)").fill("JCS")
    form.get_by_label("Issued at").fill("2021-03-25T07:30:00+09:00")
    form.get_by_label("Time", exact=True).fill("7:06 a.m. KST")
    form.get_by_label("Distance", exact=True).fill("far away")
    form.get_by_role("button", name="Submit report").click()
    expect(form.locator(".error")).to_contain_text("distance: no number in 'far away'")
    expect(form.get_by_label("Distance", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Distance", exact=True)).to_be_focused()

    form.get_by_label("Distance", exact=True).fill("about 450 km")
    form.get_by_role("button", name="Submit report").click()
    expect(form.locator(".success")).to_contain_text("Report JCS ui-form-1: created.")
    event_id = httpx.get(f"{server.url}/reports/JCS/ui-form-1").json()["event"]
    form.locator(".success a").click()
    expect(tab.locator("h1")).to_have_text(f"Event {event_id}")


def test_upload_an_archive_and_follow_its_progress(browser: Browser, server: ThreadServer) -> None:
    """A JSONL archive with two reports and one broken line: the upload and the service's progress bars reach
    the end, the page polled the batch, and the counts and the rejected line are shown."""
    t = Tab(browser, server.url)
    page = t.page
    page.goto("/#/upload")
    body = "\n".join([json.dumps(UPLOAD[0]), "{not json", json.dumps(UPLOAD[1])]) + "\n"
    page.get_by_label("Archive (JSON Lines or CSV)").set_input_files(
        files=[{"name": "ui.jsonl", "mimeType": "application/x-ndjson", "buffer": body.encode()}])
    page.get_by_role("button", name="Upload archive").click()
    expect(page.locator("#batch-status")).to_contain_text(re.compile(r"done, 100% — 3 lines, 2 created, "
                                                                     r"0 unchanged, 1 rejected"))
    assert page.locator("#upload-bytes").evaluate("el => el.value") == 1
    assert page.locator("#batch-progress").evaluate("el => el.value") == 1
    expect(page.locator("#batch-details table")).to_contain_text("Rejected lines (1)")
    expect(page.locator("#batch-details tbody tr")).to_have_count(1)
    expect(page.locator("#batch-details tbody tr td").first).to_have_text("2")
    assert any(r.startswith("POST ") and "/batches" in r for r in t.requests)
    assert any(re.match(r"GET .*/batches/B-", r) for r in t.requests)
    t.close()


# ------------------------------------------------------------------------------------------------ access


def test_an_api_key_entered_once_serves_the_session(browser: Browser, serve: Callable[..., ThreadServer]) -> None:
    """Without development mode the list says a key is needed; an analyst's key entered in the page is sent as
    X-API-Key, kept through a reload (sessionStorage), and lets the analyst acknowledge a conflict."""
    server = serve(dev_mode=False)
    t = Tab(browser, server.url)
    page = t.page
    page.goto("/")
    expect(page.locator(".error")).to_contain_text("an API key is required")
    page.locator("#key-panel summary").click()
    page.get_by_label("API key").fill(key_of("analyst"))
    page.get_by_role("button", name="Use key").click()
    expect(page.locator("#key-state")).to_have_text("set")
    expect(page.locator("tbody tr[data-id]").first).to_be_visible()
    page.reload()
    expect(page.locator("tbody tr[data-id]").first).to_be_visible()
    seed = str(httpx.get(f"{server.url}/reports/JMOD/jmod-20220105-2",
                         headers={"X-API-Key": key_of("analyst")}).json()["event"])
    open_event(page, seed)
    page.locator("article.conflict").get_by_role("button", name="Resolve").click()
    expect(page.locator("#flash")).to_have_text("Resolved the distance conflict.")
    expect(page.locator("#audit tr[data-action='conflict_resolved']")).to_contain_text("analyst")
    t.close()


UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea, button')]
  .filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
    && !el.getAttribute('aria-labelledby') && !(el.tagName === 'BUTTON' && el.textContent.trim()))
  .map((el) => el.outerHTML.slice(0, 80))"""
UNNAMED_IMAGES = """() => [...document.querySelectorAll('svg[role=img]')]
  .filter((svg) => !(svg.getAttribute('aria-labelledby') || '').split(' ').map((id) => document.getElementById(id))
    .every((el) => el && el.textContent.trim()))
  .map((svg) => svg.outerHTML.slice(0, 80))"""


def test_every_control_is_labelled_and_the_review_works_by_keyboard(tab: Page, server: ThreadServer) -> None:
    """On the list, the event page and the upload page every control has a label and every chart a text
    description; the skip link comes first; on the event page Tab reaches the note, the accepted value and the
    Acknowledge button in that order, with a visible focus ring, and Enter acknowledges."""
    seed = seed_event(server)
    for address in ("/", f"/#/events/{seed}", "/#/upload"):
        tab.goto(address)
        expect(tab.locator("h1")).to_be_visible()
        expect(tab.locator("main .loading")).to_have_count(0)
        if "events" in address:
            expect(tab.locator("#audit table")).to_be_visible()
        assert tab.evaluate(UNLABELLED) == [], address
        assert tab.evaluate(UNNAMED_IMAGES) == [], address

    tab.goto("/")
    expect(tab.locator("tbody tr[data-id]").first).to_be_visible()
    tab.keyboard.press("Tab")
    expect(tab.get_by_role("link", name="Skip to content")).to_be_focused()

    open_event(tab, seed)
    card = tab.locator("article.conflict[data-field='distance']")
    note = card.get_by_label("Note")
    note.focus()
    tab.keyboard.type("checked by keyboard")
    tab.keyboard.press("Tab")
    expect(card.get_by_label("Accepted value (km), optional")).to_be_focused()
    tab.keyboard.press("Tab")
    button = card.get_by_role("button", name="Acknowledge")
    expect(button).to_be_focused()
    assert button.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    tab.keyboard.press("Enter")
    expect(tab.locator("#flash")).to_have_text("Acknowledged the distance conflict.")
    expect(tab.locator("article.conflict[data-field='distance'] h3")).to_be_focused()


@pytest.mark.parametrize("address", ["/", "event", "/#/upload"], ids=["list", "event", "upload"])
def test_a_phone_width_needs_no_sideways_scrolling(browser: Browser, server: ThreadServer, address: str) -> None:
    """At 390 px wide the page itself never scrolls sideways (wide tables scroll inside their own box)."""
    t = Tab(browser, server.url, width=390, height=844)
    page = t.page
    if address == "event":
        open_event(page, seed_event(server))
    else:
        page.goto(address)
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator("main .loading")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    t.close()


def test_screenshot_of_the_event_page(tab: Page, server: ThreadServer, tmp_path: Path) -> None:
    """The event page renders to an image (written to RECONCILE_UI_SCREENSHOT when set: the README's)."""
    tab.set_viewport_size({"width": 1440, "height": 1860})
    open_event(tab, seed_event(server))
    expect(tab.locator("#intervals figure.chart[data-field='distance']")).to_be_visible()
    target = Path(os.environ.get("RECONCILE_UI_SCREENSHOT") or tmp_path / "event.png")
    tab.screenshot(path=str(target), full_page=False)
    assert target.stat().st_size > 10_000

"""The service against its own OpenAPI schema (schemathesis): for every operation, generated requests (valid and
invalid) never get a 5xx, and every response conforms to the schema (status code documented, content type,
body shape).

The app runs in dev mode (no key needed) on SQLite holding the golden fixtures and one finished batch, so reads
hit real data: path parameters are drawn half of the time from the ids actually stored (events, an event merged
into another, conflicts, reports, the batch). Deterministic: a fixed seed, derandomized Hypothesis, no example
database; in-process over ASGI, no network.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.settings import Settings
from reconcile import load_profile
from reconcile.errors import ReportError
from reconcile.normalise import normalise_report

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "launches"
PROFILE = load_profile()
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _valid_records() -> list[dict[str, Any]]:
    out = []
    for path in sorted(FIXTURES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                rec = orjson.loads(line)
                normalise_report(rec, PROFILE)
            except (orjson.JSONDecodeError, ReportError, TypeError):
                continue
            out.append(rec)
    return out


def _load(client: TestClient) -> dict[str, list[Any]]:
    """Store the fixtures, upload a small archive and wait for it, merge two events; the ids to draw from."""
    def ok(r: Any) -> Any:
        assert r.status_code in (200, 202), r.text
        return r.json()

    ok(client.post("/reports", json=_valid_records()))
    batch = ok(client.post("/batches", content=(FIXTURES / "2022-11-02.jsonl").read_bytes(),
                           headers={"content-type": "application/x-ndjson"}))
    deadline = time.monotonic() + 30
    while ok(client.get(f"/batches/{batch['id']}"))["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    events = [e["id"] for e in ok(client.get("/events", params={"limit": 500}))["items"]]
    ok(client.post("/events/merge", json={"events": events[-2:], "note": "schema test"}))
    conflicts = [c["id"] for c in ok(client.get("/conflicts", params={"limit": 500}))["items"]]
    records = _valid_records()
    return {"events": events, "conflicts": conflicts, "batches": [batch["id"]],
            "sources": sorted({r["source"] for r in records}), "reports": sorted({str(r["id"]) for r in records})}


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory) -> Iterator[Any]:
    tmp = tmp_path_factory.mktemp("schema")
    settings_ = Settings(database_url=f"sqlite:///{tmp / 'store.db'}", data_dir=tmp / "data", dev_mode=True,
                         _env_file=None)  # type: ignore[call-arg]
    app = create_app(settings_)
    with TestClient(app) as client:
        ids = _load(client)
    half = 0.5
    config = schemathesis.Config.from_dict({
        "seed": 20240601,
        "generation": {"deterministic": True},
        "dictionaries": {name: {"values": values} for name, values in ids.items()},
        "parameters": {
            "path.event_id": {"dictionary": "events", "probability": half},
            "path.conflict_id": {"dictionary": "conflicts", "probability": half},
            "path.batch_id": {"dictionary": "batches", "probability": half},
            "path.source": {"dictionary": "sources", "probability": half},
            "path.report_id": {"dictionary": "reports", "probability": half},
            "query.a_source": {"dictionary": "sources", "probability": half},
            "query.b_source": {"dictionary": "sources", "probability": half},
            "query.a_id": {"dictionary": "reports", "probability": half},
            "query.b_id": {"dictionary": "reports", "probability": half},
        },
    })
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    yield schema
    shutdown_lifespans()  # the app's lifespan (batch runner, engine), started by schemathesis


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=50, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_every_operation_conforms_to_its_schema(case) -> None:
    """No 5xx, a documented status code, the documented content type and a body matching the response schema."""
    case.call_and_validate(checks=CHECKS)

"""Service fixtures: a fresh store on each backend (SQLite file; a new PostgreSQL database on the local server),
an app over it, and clients with keys of each role.

PostgreSQL: ``RECONCILE_TEST_PG`` (default ``postgresql://postgres@127.0.0.1:5432/test``) names the server; each
store gets its own database, created from it and dropped afterwards. ``.ci/run`` makes sure the server runs.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from api.auth import hash_key
from api.settings import KeySpec, Settings

PG_ADMIN = os.environ.get("RECONCILE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")

KEYS = {
    "jcs": ("submitter", ["JCS"]),
    "jmod": ("submitter", ["Japan Ministry of Defense"]),
    "analyst": ("analyst", []),
    "reader": ("reader", []),
}


def key_of(name: str) -> str:
    return f"test-key-{name}"


def key_specs() -> list[KeySpec]:
    return [KeySpec(name=n, role=role, sources=sources, sha256=hash_key(key_of(n)))  # type: ignore[arg-type]
            for n, (role, sources) in KEYS.items()]


def _pg_url(admin: str, name: str) -> str:
    return admin.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[str]:
    engine = create_engine(PG_ADMIN.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # CI starts the server; a developer without one gets a clear failure, not a skip
        pytest.fail(f"PostgreSQL at {PG_ADMIN} is not reachable ({exc}); start it or set RECONCILE_TEST_PG")
    yield PG_ADMIN
    engine.dispose()


def fresh_database(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A URL to an empty database of ``backend``, removed at the end of the test."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    admin = request.getfixturevalue("pg_admin")
    name = f"reconcile_t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    request.addfinalizer(drop)
    return _pg_url(admin, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    return fresh_database(backend, tmp_path, request)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path / "data", api_keys=key_specs(), dev_mode=False,
                    batch_stale_seconds=2.0, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def app(settings: Settings):
    from api.app import create_app

    return create_app(settings)


@pytest.fixture
def client(app):
    """A client without a key; ``headers(name)`` gives a role's key header."""
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


def headers(name: str) -> dict[str, str]:
    return {"X-API-Key": key_of(name)}


# --- the browser for the page tests (tests/api/test_ui.py, tests/api/test_earthquake_service.py): one Playwright and
# one Chromium for the whole session, since Playwright's sync API cannot run twice at once in one process ---

CHROMIUM = Path(os.environ.get("RECONCILE_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `apt-get install chromium` (.ci/run does), or set "
                    "RECONCILE_TEST_CHROMIUM")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()

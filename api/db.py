"""The database: engine set-up per backend, migrations, and the one way to write (``Database.write``).

Writes are serialised: on SQLite a write transaction starts with ``BEGIN IMMEDIATE`` (the database's write lock,
shared by every process on the file); on PostgreSQL it takes a transaction-scoped advisory lock. An incremental
update reads a time window and the components around it, then rewrites them; serialising those transactions is
what guarantees that two workers submitting reports of one launch at once never create two events for it. The
unique constraints stay as the last line of defence, and a transaction that fails on a lock timeout, a
serialisation failure or a unique violation is retried from the start.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

T = TypeVar("T")
WRITE_LOCK = 0x5EC0C11E  # the advisory lock id on PostgreSQL


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, pool_pre_ping=False)

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None  # transactions are begun below, not by the driver
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision (idempotent; safe with several workers starting)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.connect() as conn:
        conn = conn.execution_options(write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    if isinstance(exc, OperationalError | DBAPIError):
        msg = str(exc).lower()
        return any(s in msg for s in ("locked", "busy", "deadlock", "could not serialize", "serialization"))
    return False


class Database:
    def __init__(self, url: str, *, retries: int = 8) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.retries = retries
        self.dialect = self.engine.dialect.name

    def migrate(self) -> None:
        migrate(self.engine)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one serialised write transaction, retried on lock and uniqueness failures. ``work``
        must do all its reading inside the transaction (it may run more than once)."""
        for attempt in range(self.retries + 1):
            try:
                with self.engine.connect() as conn:
                    conn = conn.execution_options(write=True)
                    with conn.begin():
                        if self.dialect == "postgresql":
                            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})
                        return work(conn)
            except Exception as exc:
                if attempt == self.retries or not _retryable(exc):
                    raise
                time.sleep(min(1.0, 0.01 * 2**attempt) * (0.5 + random.random()))
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()

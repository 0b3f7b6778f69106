"""Migrations: the schema comes from Alembic, upgrades keep data, and the models match the migrated schema."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

import api
from api.db import Database
from api.tables import Base

MIGRATIONS = Path(api.__file__).parent / "migrations"


def _config(conn) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def test_upgrade_from_the_first_revision_fills_the_search_words(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    doc = {"id": "E-1", "reports": [{"id": "jcs-1", "source": "JCS", "source_raw": "합동참모본부",
                                     "values": {"launch_site": {"code": "sunan", "raw": "순안"}}}],
           "launch_site": {"code": "sunan", "name": "Sunan"}, "conflicts": []}
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0001")
        conn.execute(text("INSERT INTO events (id, sources, n_reports, n_major, n_minor, n_open, review, doc, "
                          "created_at, updated_at) VALUES ('E-1', '|JCS|', 1, 0, 0, 0, 'none', :doc, 0, 0)"),
                     {"doc": orjson.dumps(doc).decode()})
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    db.migrate()
    with db.read() as conn:
        words = conn.execute(text("SELECT search FROM events WHERE id = 'E-1'")).scalar_one()
    assert {"e-1", "jcs-1", "합동참모본부", "순안", "sunan"} <= set(words.split())
    db.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    """No difference between what the migrations build and what the code queries (autogenerate finds nothing)."""
    from alembic.autogenerate import compare_metadata

    db = Database(database_url)
    db.migrate()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    db.dispose()
    assert diff == []


def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 's.db'}")
    db.migrate()
    db.migrate()
    with db.read() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0002"
    db.dispose()

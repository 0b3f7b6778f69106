"""``reconcile serve``: the service (``api``), optionally on a fresh demo database loaded with the fixtures;
``reconcile keys new``: an API key and the configuration entry that admits it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .app import app

out = Console(stderr=True)
keys_app = typer.Typer(help="API keys for the service.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


DEMO_DATA = {"missile_launch": "launches", "earthquake": "earthquakes"}  # each built-in profile's fixtures


def _demo_fixtures(explicit: Path | None, profile: str = "missile_launch") -> list[Path]:
    folder = DEMO_DATA.get(profile, "launches")
    candidates = [explicit] if explicit else [Path.cwd() / "fixtures" / folder,
                                              Path(__file__).resolve().parents[2] / "fixtures" / folder]
    for d in candidates:
        if d is not None and d.is_dir():
            files = sorted(d.glob("*.jsonl"))
            if files:
                return files
    raise typer.BadParameter("no demo fixtures found: run from the project checkout or pass --demo-data DIR",
                             param_hint="--demo-data")


def load_demo(database_url: str, files: list[Path], profile: str) -> tuple[int, int]:
    """Submit the fixture archives to the store, as a batch would (bad lines are counted, not fatal)."""
    from api.db import Database
    from api.store import Store
    from reconcile.formats import read_records
    from reconcile.profile import load_profile

    db = Database(database_url)
    db.migrate()
    store = Store(db, load_profile(profile))
    stored = rejected = 0
    for path in files:
        with path.open(encoding="utf-8") as f:
            recs = [r for r in read_records(f, fmt="jsonl", origin=path.name)]
        good = [r for r in recs if r.error is None]
        rejected += len(recs) - len(good)
        result = store.submit([r.data for r in good], actor="demo", lines=[r.line for r in good],
                              origin=path.name, lenient=True)
        stored += len(result.reports)
        rejected += len(result.rejects)
    db.dispose()
    return stored, rejected


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    demo: Annotated[bool, typer.Option("--demo", help="A fresh SQLite file with the fixtures loaded, development "
                                                      "mode on (no key needed).")] = False,
    demo_data: Annotated[Path | None, typer.Option(help="Fixture directory for --demo.")] = None,
    database_url: Annotated[str | None, typer.Option(help="Overrides RECONCILE_DATABASE_URL.")] = None,
    dev: Annotated[bool, typer.Option("--dev", help="Development mode: requests without a key act as an "
                                                    "analyst who may submit for any source.")] = False,
    profile: Annotated[str | None, typer.Option(
        "--profile", "-p", help="Incident kind (overrides RECONCILE_PROFILE): missile_launch, earthquake or a TOML "
                                "file.")] = None,
) -> None:
    """Run the reconciliation service (HTTP API, OpenAPI docs at /docs)."""
    if database_url:
        os.environ["RECONCILE_DATABASE_URL"] = database_url
    if profile:
        os.environ["RECONCILE_PROFILE"] = profile
    if dev or demo:
        os.environ["RECONCILE_DEV_MODE"] = "1"
    if demo:
        path = Path(os.environ.get("RECONCILE_DEMO_DB", "reconcile-demo.db")).resolve()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        os.environ["RECONCILE_DATABASE_URL"] = url
        kind = os.environ.get("RECONCILE_PROFILE", "missile_launch")
        stored, rejected = load_demo(url, _demo_fixtures(demo_data, kind), kind)
        out.print(f"demo: {stored} reports stored in {path}, {rejected} fixture lines rejected on purpose "
                  "(malformed examples)")
        out.print("[yellow]development mode:[/] no API key needed; do not expose this server")
    out.print(f"reconcile service on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    from api.server import run

    run(host=host, port=port, workers=workers)


@keys_app.command("new")
def new_key(
    name: Annotated[str, typer.Option(help="Shown in the audit log.")],
    role: Annotated[str, typer.Option(help="submitter, analyst or reader.")],
    source: Annotated[list[str] | None, typer.Option(help="A source a submitter may submit as (repeat).")] = None,
) -> None:
    """Print a new API key (keep it secret) and the entry to add to RECONCILE_API_KEYS or the keys file."""
    from api.auth import hash_key
    from api.auth import new_key as make

    if role not in ("submitter", "analyst", "reader"):
        raise typer.BadParameter("role must be submitter, analyst or reader", param_hint="--role")
    if role == "submitter" and not source:
        raise typer.BadParameter("a submitter key needs at least one --source", param_hint="--source")
    key = make()
    entry = {"name": name, "role": role, "sha256": hash_key(key), "sources": source or []}
    print(key)
    out.print("configuration entry (the key itself is not stored anywhere):")
    out.print(json.dumps(entry), highlight=False)

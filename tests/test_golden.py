"""Golden end-to-end cases: every fixture archive with its expected events, conflicts and rejects, for each
built-in profile.

Each ``fixtures/launches/NAME.jsonl`` (missile launches) and ``fixtures/earthquakes/NAME.jsonl`` (agency solutions
of real earthquakes, transcribed from public bulletins and the bulletin files that ship with ObsPy's tests; where
each figure comes from is in fixtures/earthquakes/SOURCES.md) has a ``NAME.expected.json`` (truth format,
docs/formats.md) written by hand from the agencies' statements and the rules of the profile, not from the engine's
output.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reconcile import load_profile, reconcile_reports
from reconcile.formats import detect_format, read_records

ROOT = Path(__file__).resolve().parent.parent / "fixtures"
KINDS = {"missile_launch": ROOT / "launches", "earthquake": ROOT / "earthquakes"}
CASES = [(kind, p) for kind, folder in KINDS.items()
         for p in sorted(folder.glob("*.jsonl")) if p.with_suffix(".expected.json").exists()]
# events of these types are man-made (or follow a man-made one): not counted as real earthquakes
NOT_A_QUAKE = re.compile(r"explosion|blast|collapse", re.IGNORECASE)


@pytest.fixture(scope="module")
def profiles():
    return {kind: load_profile(kind) for kind in KINDS}


def _run(path: Path, profile):
    with path.open(encoding="utf-8") as fh:
        records = list(read_records(fh, fmt=detect_format(path.name, ""), origin=path.name))
    return reconcile_reports(records, profile), len(records)


def test_there_are_enough_golden_cases():
    assert sum(kind == "missile_launch" for kind, _ in CASES) >= 21


def test_there_are_enough_real_earthquakes():
    """At least 12 distinct real earthquakes (true events, explosions and collapses left out) over all files."""
    quakes = set()
    for kind, path in CASES:
        if kind != "earthquake":
            continue
        types = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                types[str(record.get("id"))] = str(record.get("event_type") or "")
        expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
        for event in expected["events"]:
            if not any(NOT_A_QUAKE.search(types.get(str(r["id"]), "")) for r in event["reports"]):
                quakes.add((path.stem, event["id"]))
    assert len(quakes) >= 12, sorted(quakes)


@pytest.mark.parametrize(("kind", "path"), CASES, ids=[f"{k}:{p.stem}" for k, p in CASES])
def test_golden(kind: str, path: Path, profiles):
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    result, n_records = _run(path, profiles[kind])

    # nothing is lost: every record is in one event or in the rejects
    placed = sum(len(e.reports) for e in result.events) + len(result.rejects)
    assert placed == n_records

    got_rejects = sorted(str(r.id) for r in result.rejects)
    want_rejects = sorted(str(r.get("id")) for r in expected.get("rejects", []))
    assert got_rejects == want_rejects, [r.errors for r in result.rejects]

    def members(reports):
        return frozenset((r["source"], str(r["id"])) for r in reports)

    want = {members(e["reports"]): e for e in expected["events"]}
    got = {frozenset(r.key for r in e.reports): e for e in result.events}
    assert set(got) == set(want), _partition_diff(got, want)

    for key, event in got.items():
        want_conflicts = sorted((c["field"], c["severity"]) for c in want[key].get("conflicts", []))
        got_conflicts = sorted((c.field, c.severity) for c in event.conflicts)
        shown = "; ".join(f"{c.field}/{c.severity}: {c.message}" for c in event.conflicts)
        assert got_conflicts == want_conflicts, f"event {want[key].get('id')}: {shown}"


def _partition_diff(got, want) -> str:
    extra = [sorted(k) for k in got if k not in want]
    missing = [sorted(k) for k in want if k not in got]
    return f"\nengine events not expected: {extra}\nexpected events not found: {missing}"

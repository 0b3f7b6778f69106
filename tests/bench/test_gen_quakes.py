"""The earthquake benchmark's generator: exact sizes, complete and consistent labels, the same archive for the
same seed, and the hard cases it promises (aftershocks seconds apart, hypocentre and centroid of one agency)."""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from gen_quakes import CANONICAL, generate  # noqa: E402

N = 2000
SEEDS = (5, 6)  # two seeds whose 2,000 reports hold every kind of injected conflict


def _load(d: Path) -> tuple[list[bytes], dict]:
    return ((d / "reports.jsonl").read_bytes().splitlines(),
            json.loads((d / "truth.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module", params=SEEDS)
def archive(request, tmp_path_factory) -> tuple[int, Path, list[bytes], dict]:
    out = tmp_path_factory.mktemp(f"quakes{request.param}")
    generate(reports=N, seed=request.param, out=out, detail=True)
    return (request.param, out, *_load(out))


def _records(lines: list[bytes]) -> dict[str, dict]:
    out = {}
    for line in lines:
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict) and "id" in rec:
            out.setdefault(rec["id"], rec)
    return out


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def test_the_same_seed_gives_the_same_archive(archive, tmp_path):
    seed, out, _, _ = archive
    generate(reports=N, seed=seed, out=tmp_path, detail=True)
    assert (tmp_path / "reports.jsonl").read_bytes() == (out / "reports.jsonl").read_bytes()
    assert (tmp_path / "truth.json").read_bytes() == (out / "truth.json").read_bytes()


def test_seeds_differ(tmp_path):
    generate(reports=300, seed=1, out=tmp_path / "a")
    generate(reports=300, seed=2, out=tmp_path / "b")
    assert (tmp_path / "a" / "reports.jsonl").read_bytes() != (tmp_path / "b" / "reports.jsonl").read_bytes()


def test_every_record_is_in_exactly_one_truth_event_or_reject(archive):
    _, _, lines, truth = archive
    assert len(lines) == N
    listed = Counter((r["source"], r["id"]) for e in truth["events"] for r in e["reports"])
    assert max(listed.values()) == 1
    rejects = truth["rejects"]
    assert rejects and all(isinstance(r["line"], int) for r in rejects)
    assert len(listed) + len(rejects) == N
    reject_lines = {r["line"] for r in rejects}
    assert len(reject_lines) == len(rejects)
    ids = Counter()
    for n, line in enumerate(lines, 1):
        try:
            rec = json.loads(line)
        except ValueError:
            assert n in reject_lines  # a line that is not JSON is an expected reject
            continue
        ids[(rec.get("source"), rec["id"])] += 1
        if n in reject_lines:
            continue
        assert any((code, rec["id"]) in listed for code in CANONICAL)
    assert max(ids.values()) == 1
    # ids are unique within each agency, as the contract says
    assert len({(r["source"], r["id"]) for e in truth["events"] for r in e["reports"]}) == len(listed)


def test_reports_come_in_order_of_publication_and_supersede_their_own_agency(archive):
    _, _, lines, truth = archive
    recs = _records(lines)
    issued = [_epoch(r["issued_at"]) for r in recs.values()]
    assert issued == sorted(issued)
    source_of = {r["id"]: r["source"] for e in truth["events"] for r in e["reports"]}
    event_of = {r["id"]: e["id"] for e in truth["events"] for r in e["reports"]}
    revisions = [r for r in recs.values() if "supersedes" in r]
    assert revisions
    for r in revisions:
        assert source_of[r["supersedes"]] == source_of[r["id"]]
        assert event_of[r["supersedes"]] == event_of[r["id"]]
        assert _epoch(recs[r["supersedes"]]["issued_at"]) < _epoch(r["issued_at"])


def test_injected_conflicts_are_labelled_major(archive):
    _, _, _, truth = archive
    fields = Counter(c["field"].split(".")[0] for e in truth["events"] for c in e["conflicts"])
    assert {"time", "epicentre", "depth", "magnitude", "event_type"} <= set(fields), fields
    assert all(c["severity"] == "major" for e in truth["events"] for c in e["conflicts"])
    assert truth["meta"]["injected"] == {f: fields[f] for f in truth["meta"]["injected"]}


def test_every_canonical_source_and_the_written_forms_appear(archive):
    _, _, lines, truth = archive
    sources = {r["source"] for e in truth["events"] for r in e["reports"]}
    assert set(CANONICAL) <= sources
    recs = list(_records(lines).values())
    depths = [r["depth"] for r in recs if isinstance(r.get("depth"), str)]
    assert any("fixed" in d for d in depths) and any(d.endswith("f") for d in depths)
    assert any(r["time"].endswith("JST") for r in recs)
    assert any(isinstance(r.get("latitude"), str) and r["latitude"][-1] in "NS" for r in recs)
    assert any(isinstance(r.get("magnitude"), list) for r in recs)
    assert any("time_error" in r for r in recs) and any("time_error" not in r for r in recs)
    assert {"NEIC", "USGS", "us"} <= {r.get("source") for r in recs}
    assert any(r.get("event_type") in ("quarry blast", "explosion") for r in recs)


def test_an_agency_gives_a_hypocentre_and_a_centroid_of_one_event(archive):
    _, _, lines, truth = archive
    recs = _records(lines)
    both = 0
    for e in truth["events"]:
        kinds: dict[str, set[str]] = {}
        for r in e["reports"]:
            kinds.setdefault(r["source"], set()).add(recs[r["id"]].get("solution", "hypocentre"))
        both += any(k == {"hypocentre", "centroid"} for k in kinds.values())
    assert both >= 1


def _km(a: dict, b: dict) -> float:
    p1, p2 = math.radians(a["latitude"]), math.radians(b["latitude"])
    dl = math.radians(b["longitude"] - a["longitude"])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def test_aftershocks_seconds_to_minutes_apart_and_a_few_km_apart(archive):
    _, _, _, truth = archive
    quakes = sorted((_epoch(e["truth"]["time"]), e["truth"]) for e in truth["events"])
    assert any(q["kind"] == "aftershock" for _, q in quakes)
    close = []
    for i, (t, q) in enumerate(quakes):
        for t2, q2 in quakes[i + 1:i + 30]:
            if t2 - t > 600:
                break
            if _km(q, q2) < 30:
                close.append(t2 - t)
                assert t2 - t >= 10  # decidable: further apart than any unlabelled scatter
    assert close and min(close) < 120


def test_unlabelled_solutions_stay_inside_the_major_thresholds(archive):
    """Spot-check of the labels on what was written: in an event without a time or epicentre label, the current
    hypocentres of different agencies are less than 10 s and 50 km apart."""
    _, _, lines, truth = archive
    recs = _records(lines)
    superseded = {r["supersedes"] for r in recs.values() if "supersedes" in r}
    checked = 0
    for e in truth["events"]:
        labelled = {c["field"] for c in e["conflicts"]}
        hyp = [(r["source"], recs[r["id"]]) for r in e["reports"]
               if r["id"] not in superseded and recs[r["id"]].get("solution", "hypocentre") == "hypocentre"
               and isinstance(recs[r["id"]]["latitude"], float) and "Z" in recs[r["id"]]["time"]]
        for i, (sa, a) in enumerate(hyp):
            for sb, b in hyp[i + 1:]:
                if sa == sb:
                    continue
                checked += 1
                if "time" not in labelled:
                    assert abs(_epoch(a["time"]) - _epoch(b["time"])) < 10, (e["id"], a, b)
                if "epicentre" not in labelled:
                    assert _km(a, b) < 50, (e["id"], a, b)
    assert checked > 100

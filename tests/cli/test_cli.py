"""The command line: ``reconcile batch`` and ``reconcile explain`` on small archives written to a temp dir."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reconcile.cli import app

REPORTS = [
    {"id": "jmod-1", "source": "Japan Ministry of Defense", "time": "2022-01-05T08:07+09:00",
     "distance": "about 500 km", "launch_site": "Jagang",
     "landing_area": "Sea of Japan, outside Japan's EEZ"},
    {"id": "kcna-1", "source": "KCNA", "time": "2022-01-05", "distance": "700 km",
     "event_type": "hypersonic missile"},
    {"id": "jcs-1", "source": "합동참모본부", "time": "2022-01-05 08:08 KST",
     "launch_site": "inland Jagang Province", "event_type": "ballistic missile"},
    {"id": "jmod-2", "source": "JMOD", "time": "2022-01-06T14:00+09:00", "launch_site": "Sunan"},
]
BAD_LINES = [
    "this is not json",
    json.dumps({"id": "nosrc", "time": "2022-01-05"}),
    json.dumps({"id": "far-1", "source": "JMOD", "time": "2022-01-05", "distance": "far"}),
    json.dumps({"id": "soon-1", "source": "JCS", "time": "soon"}),
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _flat(text: str) -> str:
    """Console output with rich's wrapping and box drawing undone, for substring checks."""
    return " ".join(text.replace("│", " ").replace("┃", " ").split())


def _jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return _jsonl(tmp_path / "in.jsonl", [json.dumps(r, ensure_ascii=False) for r in REPORTS] + BAD_LINES)


def _batch(runner: CliRunner, *args: str) -> tuple[int, dict, str]:
    result = runner.invoke(app, ["batch", *args])
    doc = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    return result.exit_code, doc, result.stderr


def test_batch_writes_the_documented_json(runner, archive, tmp_path):
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["batch", str(archive), "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert set(doc) == {"profile", "summary", "events", "rejects"}
    assert doc["profile"] == "missile_launch"
    assert doc["summary"]["reports"] == 8 and doc["summary"]["events"] == 2 and doc["summary"]["rejects"] == 4
    assert doc["summary"]["conflicts"]["distance"] == {"major": 1, "minor": 0}

    first = next(e for e in doc["events"] if len(e["reports"]) == 3)
    assert first["id"].startswith("E-")
    assert {(r["source"], r["id"]) for r in first["reports"]} == {("JMOD", "jmod-1"), ("KCNA", "kcna-1"),
                                                                  ("JCS", "jcs-1")}
    jmod = next(r for r in first["reports"] if r["id"] == "jmod-1")
    assert jmod["source_raw"] == "Japan Ministry of Defense"
    assert jmod["current"] is True and jmod["superseded_by"] is None
    assert jmod["values"]["distance"] == {"best": 500.0, "low": 450.0, "high": 550.0, "unit": "km",
                                          "raw": "about 500 km", "rule": "hedge:about"}
    assert first["time"]["low"] == "2022-01-04T23:07:00Z"
    assert first["time"]["sources"] == ["JCS", "JMOD", "KCNA"]
    assert first["launch_site"]["code"] == "jagang" and first["launch_site"]["name"] == "Jagang Province"
    assert first["landing_area"]["qualifier"] == "outside:japan_eez"
    assert first["event_type"]["agree"] is True
    (conflict,) = [c for c in first["conflicts"] if c["field"] == "distance"]
    assert conflict["severity"] == "major"
    assert conflict["message"] == "JMOD: about 500 km; KCNA: 700 km (+40%)"
    assert conflict["values"] == [
        {"report": "jmod-1", "source": "JMOD", "value": "about 500 km", "low": 450.0, "high": 550.0},
        {"report": "kcna-1", "source": "KCNA", "value": "700 km", "low": 675.0, "high": 725.0}]
    assert first["history"] == []

    rejects = {r["line"]: r for r in doc["rejects"]}
    assert set(rejects) == {5, 6, 7, 8}
    assert rejects[5]["errors"][0]["field"] == "record"
    assert "not valid JSON" in rejects[5]["errors"][0]["reason"]
    assert rejects[6]["errors"] == [{"field": "source", "reason": "missing"}] and rejects[6]["id"] == "nosrc"
    assert rejects[7]["errors"] == [{"field": "distance", "reason": "no number in 'far'", "value": "far"}]
    assert rejects[7]["source"] == "JMOD" and rejects[7]["record"]["id"] == "far-1"
    assert rejects[8]["errors"][0]["field"] == "time" and "'soon'" in rejects[8]["errors"][0]["reason"]
    assert all(r["file"] == str(archive) for r in doc["rejects"])

    said = _flat(result.stderr)
    assert "8 reports: 4 in 2 events, 4 rejected" in said
    assert str(out) in said
    assert "no number in 'far'" in said  # the rejects table


def test_batch_writes_json_to_standard_output(runner, archive):
    code, doc, _ = _batch(runner, str(archive), "--quiet")
    assert code == 0
    assert doc["summary"]["events"] == 2


def test_every_input_line_is_accounted_for(runner, archive):
    code, doc, _ = _batch(runner, str(archive), "-q")
    lines = [x for x in archive.read_text(encoding="utf-8").splitlines() if x.strip()]
    in_events = sum(len(e["reports"]) for e in doc["events"])
    assert in_events + len(doc["rejects"]) == len(lines) == doc["summary"]["reports"]


def test_several_inputs_are_read_in_turn(runner, tmp_path):
    a = _jsonl(tmp_path / "a.jsonl", [json.dumps(REPORTS[0])])
    b = _jsonl(tmp_path / "b.jsonl", [json.dumps(REPORTS[1])])
    code, doc, _ = _batch(runner, str(a), str(b), "-q")
    assert code == 0
    assert [len(e["reports"]) for e in doc["events"]] == [2]


def test_json_array_input(runner, tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps([*REPORTS[:2], 5]), encoding="utf-8")
    code, doc, _ = _batch(runner, str(path), "-q")
    assert code == 0
    assert doc["summary"]["events"] == 1 and doc["summary"]["rejects"] == 1
    assert doc["rejects"][0]["line"] == 3
    assert "expected a JSON object" in doc["rejects"][0]["errors"][0]["reason"]


def test_json_single_object_input(runner, tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(REPORTS[0]), encoding="utf-8")
    code, doc, _ = _batch(runner, str(path), "-q")
    assert code == 0 and doc["summary"]["events"] == 1


def test_csv_input(runner, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("id,source,time,distance,launch_site\n"
                    "jmod-1,JMOD,2022-01-05T08:07+09:00,about 500 km,Jagang\n"
                    "kcna-1,KCNA,2022-01-05,700 km,\n"
                    "bad-1,JCS,2022-01-05,far,\n", encoding="utf-8")
    code, doc, _ = _batch(runner, str(path), "-q")
    assert code == 0
    (event,) = doc["events"]
    assert {r["id"] for r in event["reports"]} == {"jmod-1", "kcna-1"}
    kcna = next(r for r in event["reports"] if r["id"] == "kcna-1")
    assert "launch_site" not in kcna["values"]  # an empty cell is an absent value
    assert [(r["id"], r["line"]) for r in doc["rejects"]] == [("bad-1", 4)]


def test_a_csv_row_with_extra_cells_is_rejected_with_its_line(runner, tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text("id,source,time\nj1,JMOD,2022-01-05,surplus\nj2,JCS,2022-01-05\n", encoding="utf-8")
    code, doc, _ = _batch(runner, str(path), "-q")
    assert code == 0
    (reject,) = doc["rejects"]
    assert reject["line"] == 2
    assert reject["errors"] == [{"field": "record", "reason": "1 more cell(s) than the header has columns"}]


def test_a_row_refused_before_normalisation_keeps_its_id_and_source(runner, tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text("id,source,time\nj1,JMOD,2022-01-05,surplus\n", encoding="utf-8")
    _, doc, _ = _batch(runner, str(path), "-q")
    assert (doc["rejects"][0]["id"], doc["rejects"][0]["source"]) == ("j1", "JMOD")


def test_csv_output_parses(runner, archive):
    result = runner.invoke(app, ["batch", str(archive), "--format", "csv", "-q"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 2
    three = next(r for r in rows if r["reports"] == "3")
    assert three["sources"] == "JCS JMOD KCNA"
    assert (three["distance_low"], three["distance_high"]) == ("450.0", "725.0")
    assert three["conflicts_major"] == "1"
    assert "distance: JMOD: about 500 km; KCNA: 700 km (+40%)" in three["conflict_messages"]


def test_geojson_output_parses(runner, archive, tmp_path):
    out = tmp_path / "out.geojson"
    result = runner.invoke(app, ["batch", str(archive), "--format", "geojson", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == 2
    for feature in doc["features"]:
        assert feature["type"] == "Feature" and feature["id"].startswith("E-")
        assert feature["geometry"]["type"] in ("Point", "LineString")
    line = next(f for f in doc["features"] if f["geometry"]["type"] == "LineString")
    assert line["geometry"]["coordinates"][0] == [126.6, 40.9]  # lon, lat of Jagang
    assert "JMOD:jmod-1" in line["properties"]["reports"]


# ------------------------------------------------------------------------------------------------------------
# malformed input: a clear message and a status, never a traceback


def test_an_empty_jsonl_file_is_an_empty_result(runner, tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("", encoding="utf-8")
    code, doc, said = _batch(runner, str(path))
    assert code == 0
    assert doc["events"] == [] and doc["rejects"] == [] and doc["summary"]["reports"] == 0
    assert "0 reports" in _flat(said)


def test_an_empty_json_file_is_an_input_error(runner, tmp_path):
    path = tmp_path / "empty.json"
    path.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["batch", str(path)])
    assert result.exit_code == 2
    assert f"{path}: not valid JSON" in _flat(result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_csv_without_an_id_column_is_an_input_error(runner, tmp_path):
    path = tmp_path / "noid.csv"
    path.write_text("source,time\nJMOD,2022-01-05\n", encoding="utf-8")
    result = runner.invoke(app, ["batch", str(path)])
    assert result.exit_code == 2
    assert "CSV header lacks column(s) id" in _flat(result.stderr)
    assert isinstance(result.exception, SystemExit)


def test_a_nonexistent_file_is_an_input_error(runner, tmp_path):
    missing = tmp_path / "nope.jsonl"
    result = runner.invoke(app, ["batch", str(missing)])
    assert result.exit_code == 2
    assert f"{missing}: no such file" in _flat(result.stderr)
    assert isinstance(result.exception, SystemExit)


def test_an_unknown_profile_is_an_error(runner, archive):
    result = runner.invoke(app, ["batch", str(archive), "--profile", "no_such_profile"])
    assert result.exit_code == 2
    assert "profile error" in _flat(result.stderr)


def test_the_installed_command_reports_a_missing_file_without_a_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "reconcile", "batch", str(tmp_path / "nope.jsonl")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "no such file" in _flat(proc.stderr)
    assert "Traceback" not in proc.stderr


def test_a_file_that_is_not_utf8_is_an_input_error(runner, tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"id": "a", "source": "JMOD", "time": "2022-01-05", "text": "caf\xe9"}\n')
    result = runner.invoke(app, ["batch", str(path)])
    assert result.exit_code == 2
    assert "not UTF-8" in _flat(result.stderr)


@pytest.mark.parametrize(("rejected", "code"), [(True, 1), (False, 0)], ids=["with-rejects", "clean"])
def test_strict_exits_1_when_something_was_rejected(runner, tmp_path, rejected, code):
    lines = [json.dumps(REPORTS[0])] + ([BAD_LINES[2]] if rejected else [])
    path = _jsonl(tmp_path / "in.jsonl", lines)
    result = runner.invoke(app, ["batch", str(path), "--strict", "-q"])
    assert result.exit_code == code
    assert json.loads(result.stdout)["summary"]["rejects"] == int(rejected)


# ------------------------------------------------------------------------------------------------------------
# explain


def test_explain_prints_per_field_evidence_and_the_decision(runner, archive):
    result = runner.invoke(app, ["explain", str(archive), "jmod-1", "JCS:jcs-1"])
    assert result.exit_code == 0, result.output
    said = _flat(result.stdout)
    assert "JMOD:jmod-1 vs JCS:jcs-1" in said
    assert "-> join" in said and "final result: same event" in said
    for field in ("time", "launch_site", "distance", "event_type"):
        assert field in said
    assert "jagang and jagang: same place or one within the other" in said


def test_explain_json(runner, archive):
    result = runner.invoke(app, ["explain", str(archive), "jmod-1", "jmod-2", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["a"] == ["JMOD", "jmod-1"] and doc["b"] == ["JMOD", "jmod-2"]
    assert doc["decision"] == "split" and doc["same_event"] is False
    assert doc["events"][0] != doc["events"][1]
    assert "never share an event" in doc["reason"]
    assert [e["field"] for e in doc["evidence"]][:2] == ["time", "event_type"]
    assert {"field", "weight", "reason"} == set(doc["evidence"][0])


def test_explain_json_evidence_sums_to_the_score(runner, archive):
    doc = json.loads(runner.invoke(app, ["explain", str(archive), "kcna-1", "jcs-1", "--json"]).stdout)
    assert doc["score"] == pytest.approx(sum(e["weight"] for e in doc["evidence"]))
    assert doc["decision"] == "join"


@pytest.mark.parametrize(
    ("ref", "words"),
    [
        pytest.param("zzz", "no report 'zzz' in the input", id="unknown"),
        pytest.param("far-1", "report 'far-1' was rejected (distance: no number in 'far')", id="rejected"),
    ],
)
def test_explain_unknown_id_is_an_error(runner, archive, ref, words):
    result = runner.invoke(app, ["explain", str(archive), "jmod-1", ref])
    assert result.exit_code == 2
    assert words in _flat(result.output)


def test_explain_needs_two_ids(runner, archive):
    result = runner.invoke(app, ["explain", str(archive), "jmod-1"])
    assert result.exit_code == 2
    assert "two report ids" in _flat(result.output)


def test_explain_an_ambiguous_bare_id_asks_for_source_and_id(runner, tmp_path):
    path = _jsonl(tmp_path / "in.jsonl", [json.dumps({"id": "1", "source": "JMOD", "time": "2022-01-05"}),
                                          json.dumps({"id": "1", "source": "JCS", "time": "2022-01-05"})])
    result = runner.invoke(app, ["explain", str(path), "1", "JCS:1"])
    assert result.exit_code == 2
    assert "'1' names 2 reports; write it as SOURCE:ID (JCS:1, JMOD:1)" in _flat(result.output)
    ok = runner.invoke(app, ["explain", str(path), "JMOD:1", "JCS:1", "--json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["same_event"] is True


def test_batch_reads_standard_input(runner):
    lines = "\n".join(json.dumps(r) for r in REPORTS[:2]) + "\n"
    result = runner.invoke(app, ["batch", "-", "-q"], input=lines)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["events"] == 1


@pytest.mark.parametrize("fmt", ["json", "csv", "geojson"])
def test_worker_processes_write_exactly_what_one_process_writes(runner, tmp_path, monkeypatch, fmt):
    """The parallel paths (normalising in a pool, building events in forked workers) start at 20k lines; forced
    on for a small archive, with chunks small enough that several workers share it, they change nothing."""
    import importlib

    cli_app = importlib.import_module("reconcile.cli.app")  # the module, not the Typer app of that name
    stream = importlib.import_module("reconcile.cli.stream")
    pipeline = importlib.import_module("reconcile.pipeline")

    fixtures = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "launches").glob("*.jsonl"))
    outs = {}
    for workers in (1, 2):
        monkeypatch.setattr(cli_app, "PARALLEL_FROM", 0)
        monkeypatch.setattr(stream, "PARALLEL_FROM", 0)
        monkeypatch.setattr(stream, "CHUNK", 3)
        monkeypatch.setattr(pipeline, "CHUNK", 7)
        out = tmp_path / f"out-{workers}.{fmt}"
        result = runner.invoke(app, ["batch", *map(str, fixtures), "-o", str(out), "--format", fmt, "-q",
                                     "--workers", str(workers)])
        assert result.exit_code == 0, result.output
        outs[workers] = out.read_bytes()
    assert outs[1] == outs[2]
    if fmt == "json":
        doc = json.loads(outs[2])
        assert doc["summary"]["events"] == len(doc["events"]) == 47
        assert doc["summary"]["rejects"] == len(doc["rejects"]) == 4


def test_the_streamed_document_is_the_library_result(runner, tmp_path):
    """`reconcile batch` writes events as they are built; the library's `result_dict` of `reconcile_reports`
    over the same records is the same document."""
    from reconcile import load_profile, reconcile_reports
    from reconcile.export import result_dict
    from reconcile.formats import read_jsonl

    fixtures = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "launches").glob("*.jsonl"))
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["batch", *map(str, fixtures), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    records = [rec for path in fixtures
               for rec in read_jsonl(path.read_text(encoding="utf-8").splitlines(keepends=True), str(path))]
    expected = json.loads(json.dumps(result_dict(reconcile_reports(records, load_profile()), load_profile())))
    assert json.loads(out.read_text(encoding="utf-8")) == expected

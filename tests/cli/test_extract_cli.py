"""``reconcile extract`` (text in, JSON lines out, ready for ``reconcile batch``) and ``reconcile evaluate
--extraction`` (field precision/recall/F1 over labelled texts)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reconcile.cli import app

TEXTS = Path(__file__).resolve().parents[2] / "fixtures" / "texts"
SEED = TEXTS / "tune" / "2022-01-05-epochtimes-seed.txt"
KCNA = TEXTS / "tune" / "2022-01-06-kcna.txt"
SENTENCE = ("Japan's defence ministry said the missile flew about 500 km, while Seoul's Joint Chiefs of Staff put it "
            "at 700 km.")

RELEASE = "本日8時07分頃、北朝鮮内陸部から、弾道ミサイルの可能性があるものが東方向に発射されました。"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_extract_prints_one_record_per_agency(runner):
    result = runner.invoke(app, ["extract", str(SEED)])  # the header gives the publication time
    assert result.exit_code == 0, result.output
    records = {r["source"]: r for r in _lines(result.stdout)}
    assert set(records) == {"JMOD", "JCS"}
    jmod = records["JMOD"]
    assert jmod["issued_at"] == "2022-01-05T12:00:00+09:00"
    assert jmod["distance"] == "about 500 kilometers (about 310 miles)"
    assert set(jmod["spans"]) == {"event_type", "time", "landing_area", "distance"}
    assert records["JCS"] == records["JCS"] | {"direction": "eastward"}
    assert "2 report(s)" in result.stderr


def test_extract_reads_standard_input_with_options(runner):
    result = runner.invoke(app, ["extract", "-", "--published", "2022-03-05T12:30:00+09:00"], input=SENTENCE)
    assert result.exit_code == 0, result.output
    assert {r["source"]: r["distance"] for r in _lines(result.stdout)} == {"JMOD": "about 500 km", "JCS": "700 km"}


def test_extract_takes_the_source_of_a_press_release(runner, tmp_path):
    path = tmp_path / "release.txt"
    path.write_text(RELEASE, encoding="utf-8")
    plain = runner.invoke(app, ["extract", str(path), "--published", "2022-01-05T10:00:00+09:00"])
    assert plain.exit_code == 0 and _lines(plain.stdout) == []
    given = runner.invoke(app, ["extract", str(path), "--published", "2022-01-05T10:00:00+09:00",
                                "--source", "防衛省"])
    (rec,) = _lines(given.stdout)
    assert rec["source"] == "JMOD" and rec["time"] == "8時07分頃" and rec["direction"] == "東方向"


def test_extract_reads_a_json_document(runner, tmp_path):
    path = tmp_path / "doc.json"
    path.write_text(json.dumps({"text": SENTENCE, "published": "2022-03-05T12:30:00+09:00"}), encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    assert len(_lines(result.stdout)) == 2


def test_extract_with_evidence(runner):
    result = runner.invoke(app, ["extract", str(SEED), "--evidence"])
    assert result.exit_code == 0, result.output
    jmod = next(r for r in _lines(result.stdout) if r["source"] == "JMOD")
    assert jmod["named_as"] == "Japanese Ministry of Defense"
    distance = jmod["fields"]["distance"]
    text = SEED.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    (s, e), = distance["spans"]
    assert text[s:e] == distance["value"]
    assert distance["sentence_text"] == text[distance["sentence"][0]:distance["sentence"][1]]
    assert jmod["record"]["id"].startswith("jmod-text-")


def test_extracted_records_are_batch_input(runner, tmp_path):
    lines = []
    for path in (SEED, KCNA):
        result = runner.invoke(app, ["extract", str(path)])
        assert result.exit_code == 0, result.output
        lines += [line for line in result.stdout.splitlines() if line.strip()]
    archive = tmp_path / "extracted.jsonl"
    archive.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "events.json"
    result = runner.invoke(app, ["batch", str(archive), "-o", str(out), "--strict"])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    (event,) = doc["events"]
    assert {r["source"] for r in event["reports"]} == {"JMOD", "JCS", "KCNA"}
    assert [(c["field"], c["severity"]) for c in event["conflicts"]] == [("distance", "major")]


@pytest.mark.parametrize(("args", "message"), [
    (["extract", "no/such/file.txt"], "no such file"),
    (["extract", "-", "--published", "not a date"], "published"),
])
def test_extract_errors_exit_2(runner, args, message):
    result = runner.invoke(app, args, input=SENTENCE)
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.fixture
def labelled(tmp_path) -> Path:
    """Two labelled texts of the tuning set in a directory of their own, one of them split in a subdirectory."""
    for name in ("2022-01-05-epochtimes-seed", "2022-03-05-reuters"):
        for suffix in (".txt", ".expected.json"):
            shutil.copy(TEXTS / "tune" / f"{name}{suffix}", tmp_path / f"{name}{suffix}")
    return tmp_path


def test_evaluate_extraction_prints_field_scores(runner, labelled):
    result = runner.invoke(app, ["evaluate", "--extraction", str(labelled)])
    assert result.exit_code == 0, result.output
    assert "2 texts" in result.stdout
    assert "fields (all)" in result.stdout and "1.000  1.000  1.000" in result.stdout
    assert "distance" in result.stdout


def test_evaluate_extraction_json_and_misses(runner, labelled):
    expected = labelled / "2022-03-05-reuters.expected.json"
    doc = json.loads(expected.read_text(encoding="utf-8"))
    doc["reports"][0]["distance"] = "300 km"  # now wrong on purpose
    expected.write_text(json.dumps(doc), encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "--extraction", str(labelled), "--json", "--misses"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)[labelled.name]
    assert scores["texts"] == 2
    assert scores["by_field"]["distance"]["fp"] == 1 and scores["by_field"]["distance"]["fn"] == 1
    assert scores["misses"] == [{"text": "2022-03-05-reuters", "source": "JCS", "field": "distance",
                                 "expected": "300 km", "extracted": "270 km"}]


def test_evaluate_extraction_scores_subdirectories_apart_and_together(runner, labelled):
    sub = labelled / "second"
    sub.mkdir()
    for p in labelled.glob("2022-03-05-reuters.*"):
        p.rename(sub / p.name)
    result = runner.invoke(app, ["evaluate", "--extraction", str(labelled), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {labelled.name, "second", "all"}
    assert (doc[labelled.name]["texts"], doc["second"]["texts"], doc["all"]["texts"]) == (1, 1, 2)


def test_evaluate_needs_a_truth_or_an_extraction_directory(runner, tmp_path):
    assert runner.invoke(app, ["evaluate"]).exit_code == 2
    empty = runner.invoke(app, ["evaluate", "--extraction", str(tmp_path)])
    assert empty.exit_code == 2 and "no NAME.txt" in empty.stderr
    missing = runner.invoke(app, ["evaluate", "--extraction", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "not a directory" in missing.stderr

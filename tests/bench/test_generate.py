"""The benchmark's generator: exact sizes, complete labels, the same archive for the same seed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import orjson
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from generate import generate  # noqa: E402

from reconcile import load_profile, reconcile_reports  # noqa: E402
from reconcile.evaluate import evaluate_clusters  # noqa: E402
from reconcile.export import result_dict  # noqa: E402
from reconcile.formats import read_jsonl  # noqa: E402


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("archive")
    generate(reports=600, seed=3, out=out)
    return out


def test_every_generated_record_is_labelled(archive):
    lines = (archive / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    truth = json.loads((archive / "truth.json").read_text(encoding="utf-8"))
    assert len(lines) == 600
    labelled = sum(len(e["reports"]) for e in truth["events"]) + len(truth["rejects"])
    assert labelled == 600


def test_the_same_seed_gives_the_same_archive(archive, tmp_path):
    generate(reports=600, seed=3, out=tmp_path)
    assert (tmp_path / "reports.jsonl").read_bytes() == (archive / "reports.jsonl").read_bytes()


def test_the_engine_scores_well_on_a_small_archive(archive):
    profile = load_profile()
    text = (archive / "reports.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    result = reconcile_reports(read_jsonl(text, "reports.jsonl"), profile)
    output = orjson.loads(orjson.dumps(result_dict(result, profile), option=orjson.OPT_NON_STR_KEYS))
    report = evaluate_clusters(output, json.loads((archive / "truth.json").read_text(encoding="utf-8")))
    assert report.rejects is not None and report.rejects.rejected == report.rejects.expected
    assert report.coverage.missing == 0
    assert report.pairwise.f1 is not None and report.pairwise.f1 > 0.9
    assert report.timed_pairwise is not None and report.timed_pairwise.f1 is not None
    assert report.timed_pairwise.f1 > 0.98

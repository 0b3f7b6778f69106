"""Large batches block by block (``cli/sharded.py``): chunks come back serialised with a summary, the batch is cut
into independent blocks from the summaries alone, and each block is loaded, clustered, built and written in a
worker of its own. Forced on for small archives here (a batch does it from 10,000 reports), the document written
is byte for byte the one-process document, in every format, whatever the input order."""

from __future__ import annotations

import importlib
import json
import pickle
import random
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reconcile import load_profile
from reconcile.cli import app
from reconcile.formats import read_records
from reconcile.pipeline import normalise_all

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402

cli_app = importlib.import_module("reconcile.cli.app")  # the module, not the Typer app of that name
sharded = importlib.import_module("reconcile.cli.sharded")
stream = importlib.import_module("reconcile.cli.stream")
pipeline = importlib.import_module("reconcile.pipeline")


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """6,000 generated reports (revisions, KCNA's date-only statements, garbled lines), plus exact duplicates and
    id clashes, in shuffled order: rejects of both kinds fall among the reports of every chunk."""
    out = tmp_path_factory.mktemp("sharded")
    generate(reports=6000, seed=5, out=out)
    lines = (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    rng = random.Random(5)
    records = [json.loads(line) for line in lines[:4000:97] if line.startswith("{")]
    lines += [json.dumps(r, ensure_ascii=False) for r in records[:20]]  # the same report twice
    lines += [json.dumps({**r, "distance": "123 km"}, ensure_ascii=False) for r in records[20:30]]  # an id clash
    rng.shuffle(lines)
    path = out / "shuffled.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(runner: CliRunner, monkeypatch, inputs: list[Path], out: Path | None, *, workers: int, fmt: str = "json",
         extra: tuple[str, ...] = ()) -> bytes:
    monkeypatch.setattr(cli_app, "PARALLEL_FROM", 0)
    monkeypatch.setattr(stream, "PARALLEL_FROM", 0)
    monkeypatch.setattr(pipeline, "CHUNK", 250)  # several chunks per worker
    monkeypatch.setattr(sharded, "BLOCKS_FROM", 0)
    args = ["batch", *map(str, inputs), "--format", fmt, "-q", "--workers", str(workers), *extra]
    result = runner.invoke(app, args + (["-o", str(out)] if out else []))
    assert result.exit_code == 0, result.output
    return out.read_bytes() if out else result.stdout_bytes


@pytest.mark.parametrize("fmt", ["json", "csv", "geojson"])
def test_blocks_write_exactly_what_one_process_writes(archive, tmp_path, monkeypatch, fmt):
    runner = CliRunner()
    one = _run(runner, monkeypatch, [archive], tmp_path / f"one.{fmt}", workers=1, fmt=fmt)
    for workers in (2, 3):
        assert _run(runner, monkeypatch, [archive], tmp_path / f"w{workers}.{fmt}", workers=workers, fmt=fmt) == one
    if fmt == "json":
        doc = json.loads(one)
        lines = archive.read_text(encoding="utf-8").count("\n")
        assert doc["summary"]["reports"] == lines == len(doc["rejects"]) + sum(len(e["reports"]) for e in doc["events"])
        reasons = " ".join(e["reason"] for r in doc["rejects"] for e in r["errors"])
        assert "duplicate of the report at" in reasons and "with different content" in reasons


def test_blocks_are_really_used(archive, tmp_path, monkeypatch):
    """The block path runs (several blocks, each in a worker) rather than falling back to one piece."""
    seen: list[int] = []
    real = sharded._run_blocks

    def spy(batch, blocks, *args, **kwargs):
        seen.append(len(blocks))
        assert sum(len(b) for b in blocks) == len(batch.keys)
        return real(batch, blocks, *args, **kwargs)

    monkeypatch.setattr(sharded, "_run_blocks", spy)
    _run(CliRunner(), monkeypatch, [archive], tmp_path / "out.json", workers=2)
    assert seen == [2]


def test_to_standard_output_with_links_and_several_inputs(archive, tmp_path, monkeypatch):
    runner = CliRunner()
    fixtures = sorted((ROOT / "fixtures" / "launches").glob("*.jsonl"))
    inputs = [archive, *fixtures]
    one = _run(runner, monkeypatch, inputs, None, workers=1, extra=("--links",))
    assert _run(runner, monkeypatch, inputs, None, workers=2, extra=("--links",)) == one
    assert any(e.get("links") for e in json.loads(one)["events"])


def test_one_piece_when_the_batch_does_not_divide(tmp_path, monkeypatch):
    """Every report within reach of the next: no quiet time to cut at, so the batch is written in one piece."""
    reports = [{"id": f"r{k}", "source": ["JMOD", "JCS"][k % 2], "time": f"2022-01-05T08:{k:02d}+09:00"}
               for k in range(40)]
    path = tmp_path / "dense.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in reports) + "\n", encoding="utf-8")
    runner = CliRunner()
    one = _run(runner, monkeypatch, [path], tmp_path / "one.json", workers=1)
    assert _run(runner, monkeypatch, [path], tmp_path / "two.json", workers=2) == one


def test_a_block_loads_only_its_own_reports(archive):
    """``ShardedBatch.reports`` of a block: exactly the reports its indices name, as normalised in one process."""
    profile = load_profile()
    with archive.open(encoding="utf-8") as fh:
        records = list(read_records(fh, fmt="jsonl", origin=str(archive)))
    batch = sharded.ShardedBatch(profile)
    chunks = [list(enumerate(records))[k:k + 500] for k in range(0, len(records), 500)]
    for chunk in chunks:
        result = pipeline.normalise_chunk(chunk, profile)
        batch.add(dict(chunk), pickle.dumps(result), pipeline.summarise_chunk(result, profile))
    expected, rejects = normalise_all(records, profile)
    assert [r.key for r in batch.reports()] == [r.key for r in expected]
    assert [(r.line, r.errors) for r in batch.rejects] == [(r.line, r.errors) for r in rejects]
    blocks = batch.blocks(4)
    assert len(blocks) == 4
    loaded = [batch.reports(b.tolist()) for b in blocks]
    assert sorted(r.key for part in loaded for r in part) == sorted(r.key for r in expected)
    assert all({r.key for r in part} == {batch.keys[i] for i in b} for part, b in zip(loaded, blocks, strict=True))


def test_minus_zero_is_written_as_zero_whatever_the_blocks(tmp_path, monkeypatch):
    """A JSON -0.0 is the count 0: caches that treat 0.0 and -0.0 as one key (consensus, value dicts) would
    otherwise write whichever sign their block saw first."""
    lines = ['{"id":"a","source":"JMOD","time":"2022-01-05T08:00:00+09:00","count":0}',
             '{"id":"b","source":"JMOD","time":"2022-03-05T08:00:00+09:00","count":-0.0}']
    path = tmp_path / "zero.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    one = _run(runner, monkeypatch, [path], tmp_path / "one.json", workers=1)
    assert _run(runner, monkeypatch, [path], tmp_path / "two.json", workers=2) == one
    assert b"-0.0" not in one


def test_without_room_for_the_blocks_the_batch_is_written_in_one_piece(archive, tmp_path, monkeypatch):
    """The blocks' files take about the output's size in the temporary directory: when it lacks the room, no
    block worker runs and the document is the same."""
    runner = CliRunner()
    one = _run(runner, monkeypatch, [archive], tmp_path / "one.json", workers=1)

    class Full:
        free = 1024

    def no_blocks(*args, **kwargs):
        raise AssertionError("block workers started without room for their files")

    monkeypatch.setattr(sharded.shutil, "disk_usage", lambda path: Full())
    monkeypatch.setattr(sharded, "_run_blocks", no_blocks)
    assert _run(runner, monkeypatch, [archive], tmp_path / "two.json", workers=2) == one


def test_a_failing_block_fails_the_batch_and_leaves_no_files(archive, tmp_path, monkeypatch):
    """An error in one block worker stops the others and removes the blocks' files."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(sharded.tempfile, "tempdir", str(scratch))
    real = sharded.plan_reports

    def failing(reports, profile, **kwargs):  # runs in the forked block workers
        if any(r.source == "KCNA" for r in reports):
            raise RuntimeError("block failed")
        return real(reports, profile, **kwargs)

    monkeypatch.setattr(sharded, "plan_reports", failing)
    monkeypatch.setattr(cli_app, "PARALLEL_FROM", 0)
    monkeypatch.setattr(sharded, "BLOCKS_FROM", 0)
    result = CliRunner().invoke(app, ["batch", str(archive), "-o", str(tmp_path / "out.json"), "-q",
                                      "--workers", "2"])
    assert result.exit_code != 0
    assert "block failed" in repr(result.exception)
    assert list(scratch.iterdir()) == []

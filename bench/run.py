"""Benchmark reconcile end to end on a generated archive: speed, memory and accuracy.

    python bench/run.py --reports 100000 [--seed 1] [--profile earthquake] [--keep DIR] [--json FILE]

Generates DIR/reports.jsonl and DIR/truth.json (bench/generate.py for missile launches, the default;
bench/gen_quakes.py with ``--profile earthquake``; reused when DIR already holds an archive of that profile,
generator version, size, seed and shape), runs ``python -m reconcile batch DIR/reports.jsonl -o DIR/out.json
--quiet`` (with ``--profile earthquake`` for earthquakes) as a child process, measuring its wall time and peak
RSS, then scores DIR/out.json against the truth with ``reconcile.evaluate`` and prints a table (and JSON with
``--json``). Without ``--keep`` a temporary directory is used and removed afterwards.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
try:
    from reconcile.evaluate import EvaluationReport, evaluate_clusters, render_text
except ImportError:  # run from a checkout without installing the package
    sys.path.insert(0, str(ROOT))
    from reconcile.evaluate import EvaluationReport, evaluate_clusters, render_text

from gen_quakes import QUAKES_PER_DAY  # noqa: E402  (bench/ is on the path when run as a script)
from gen_quakes import VERSION as QUAKE_VERSION  # noqa: E402
from gen_quakes import generate as generate_quakes  # noqa: E402
from generate import HOURS_PER_EPISODE, SALVO_SHARE, VERSION, generate  # noqa: E402

MISSILE, EARTHQUAKE = "missile_launch", "earthquake"
PROFILES = (MISSILE, EARTHQUAKE)

try:
    import orjson

    def _load(path: Path) -> Any:
        return orjson.loads(path.read_bytes())
except ImportError:  # pragma: no cover - orjson is a dependency of reconcile
    def _load(path: Path) -> Any:
        return json.loads(path.read_text(encoding="utf-8"))


def _cached(d: Path, *, reports: int, seed: int, shape: tuple[float, ...], profile: str = MISSILE) -> bool:
    """Whether ``d`` already holds the archive for (profile, reports, seed, shape) of the current generator version;
    reads only the truth file's tail."""
    truth, archive = d / "truth.json", d / "reports.jsonl"
    if not (truth.is_file() and archive.is_file()):
        return False
    with truth.open("rb") as f:
        f.seek(max(0, truth.stat().st_size - 4096))
        tail = f.read().decode("utf-8", "replace")
    marker = tail.rfind('"meta": ')
    if marker < 0:
        return False
    try:
        meta = json.loads(tail[marker + 8:].rstrip().removesuffix("}"))
    except ValueError:
        return False
    if meta.get("profile", MISSILE) != profile:
        return False
    if profile == EARTHQUAKE:
        return ((meta.get("reports"), meta.get("seed"), meta.get("version"), (meta.get("quakes_per_day"),))
                == (reports, seed, QUAKE_VERSION, shape))
    return ((meta.get("reports"), meta.get("seed"), meta.get("version"),
             (meta.get("hours_per_episode"), meta.get("salvo_share"))) == (reports, seed, VERSION, shape))


def run_engine(archive: Path, out: Path, *, timeout: float | None = None, profile: str = MISSILE) -> dict[str, Any]:
    """Run the CLI on ``archive`` in a child process: exit code, wall seconds, peak RSS (MB), stderr tail."""
    cmd = [sys.executable, "-m", "reconcile", "batch", str(archive), "-o", str(out), "--quiet"]
    if profile != MISSILE:
        cmd[5:5] = ["--profile", profile]
    paths = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}  # the checkout, installed or not
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              timeout=timeout, env=env)
        code, err = proc.returncode, proc.stderr
    except subprocess.TimeoutExpired as exc:
        code, err = -9, (exc.stderr or b"") + f"\ntimed out after {timeout} s".encode()
    seconds = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    return {"command": cmd, "returncode": code, "seconds": seconds, "peak_rss_mb": peak_kb / 1024,
            "stderr_tail": err.decode("utf-8", "replace")[-2000:]}


def summarise(*, reports: int, engine: dict[str, Any], report: EvaluationReport,
              profile: str = MISSILE) -> dict[str, Any]:
    s = engine["seconds"]
    return {
        "profile": profile,
        "reports": reports,
        "seconds": round(s, 3),
        "reports_per_s": round(reports / s, 1) if s > 0 else None,
        "peak_rss_mb": round(engine["peak_rss_mb"], 1),
        "pairwise_precision": report.pairwise.precision,
        "pairwise_recall": report.pairwise.recall,
        "pairwise_f1": report.pairwise.f1,
        "major_conflict_recall": report.conflicts.major_recall,
        "false_major_rate": report.conflicts.false_major_rate,
        "reject_rate": report.rejects.rate if report.rejects else None,
        "evaluation": report.model_dump(mode="json"),
    }


def render_table(summary: dict[str, Any]) -> str:
    def f(x: Any, spec: str) -> str:
        return "n/a" if x is None else format(x, spec)

    rows = [
        ("reports", f(summary["reports"], ",d")),
        ("seconds", f(summary["seconds"], ".2f")),
        ("reports/s", f(summary["reports_per_s"], ",.0f")),
        ("peak RSS (MB)", f(summary["peak_rss_mb"], ",.0f")),
        ("pairwise P / R / F1", " / ".join(f(summary[k], ".4f") for k in
                                         ("pairwise_precision", "pairwise_recall", "pairwise_f1"))),
        ("major-conflict recall", f(summary["major_conflict_recall"], ".4f")),
        ("false-major rate", f(summary["false_major_rate"], ".4f")),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def run(*, reports: int, seed: int = 1, keep: Path | None = None, timeout: float | None = None,
        json_path: Path | None = None, quiet: bool = False, hours_per_episode: float = HOURS_PER_EPISODE,
        salvo_share: float = SALVO_SHARE, profile: str = MISSILE,
        quakes_per_day: float = QUAKES_PER_DAY) -> dict[str, Any]:
    """Generate (or reuse), run the engine, evaluate. Returns the summary (``{"error": ...}`` on failure)."""
    if profile not in PROFILES:
        raise ValueError(f"no generator for profile {profile!r} (known: {', '.join(PROFILES)})")
    work = keep or Path(tempfile.mkdtemp(prefix="reconcile-bench-"))
    say = (lambda *_: None) if quiet else (lambda msg: print(msg, file=sys.stderr))
    shape: tuple[float, ...] = (quakes_per_day,) if profile == EARTHQUAKE else (hours_per_episode, salvo_share)
    try:
        if keep is not None and _cached(work, reports=reports, seed=seed, shape=shape, profile=profile):
            say(f"using the archive in {work}")
        elif profile == EARTHQUAKE:
            qs = generate_quakes(reports=reports, seed=seed, out=work, quakes_per_day=quakes_per_day)
            say(f"generated {qs.reports:,} reports ({qs.quakes:,} quakes, {qs.aftershocks:,} of them aftershocks) "
                f"in {qs.seconds:.1f} s")
        else:
            stats = generate(reports=reports, seed=seed, out=work, hours_per_episode=hours_per_episode,
                             salvo_share=salvo_share)
            say(f"generated {stats.reports:,} reports ({stats.episodes:,} episodes) in {stats.seconds:.1f} s")
        out = work / "out.json"
        out.unlink(missing_ok=True)
        engine = run_engine(work / "reports.jsonl", out, timeout=timeout, profile=profile)
        if engine["returncode"] != 0 or not out.is_file():
            summary: dict[str, Any] = {
                "profile": profile, "reports": reports, "error": f"engine exited {engine['returncode']}",
                "seconds": round(engine["seconds"], 3), "stderr": engine["stderr_tail"]}
        else:
            output, truth = _load(out), _load(work / "truth.json")
            gc.freeze()  # millions of parsed objects: keep the collector from rescanning them
            report = evaluate_clusters(output, truth)
            summary = summarise(reports=reports, engine=engine, report=report, profile=profile)
            if not quiet:
                print(render_table(summary))
                print()
                print(render_text(report))
        if json_path is not None:
            json_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return summary
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", choices=PROFILES, default=MISSILE,
                    help="which archive to generate and which profile the engine runs (default: missile_launch)")
    ap.add_argument("--keep", type=Path, help="directory to generate into (or reuse) and keep")
    ap.add_argument("--json", type=Path, dest="json_path", help="write the figures as JSON to this file")
    ap.add_argument("--timeout", type=float, help="stop the engine after this many seconds")
    ap.add_argument("--hours-per-episode", type=float, default=HOURS_PER_EPISODE,
                    help="mean time between true launches (6 for the stress setting)")
    ap.add_argument("--salvo-share", type=float, default=SALVO_SHARE,
                    help="share of launch days with several launches (0.5 for the stress setting)")
    ap.add_argument("--quakes-per-day", type=float, default=QUAKES_PER_DAY,
                    help="earthquake profile: background rate of M >= 3.5 quakes, aftershocks on top")
    args = ap.parse_args(argv)
    summary = run(reports=args.reports, seed=args.seed, keep=args.keep, timeout=args.timeout,
                  json_path=args.json_path, hours_per_episode=args.hours_per_episode, salvo_share=args.salvo_share,
                  profile=args.profile, quakes_per_day=args.quakes_per_day)
    if "error" in summary:
        print(f"{summary['error']}\n{summary.get('stderr', '')}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

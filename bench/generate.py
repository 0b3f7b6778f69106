"""Seeded generator of labelled launch-report archives for benchmarking reconcile.

    python bench/generate.py --reports 100000 --seed 1 --out DIR

writes DIR/reports.jsonl (one report a line, in order of publication) and DIR/truth.json (docs/formats.md:
true events with their reports and injected conflicts, expected rejects). Output is streamed: reports are
written as soon as no later episode can publish before them, truth events go to a side file that is stitched
into truth.json at the end, so memory stays flat at any size.

True episodes: launch days spread over time (one episode per ``--hours-per-episode`` on average, 72 h by
default), a ``--salvo-share`` of launch days (0.25) holding several launches 20-120 minutes apart (same or
another site). Each is reported by 2-5 agencies in their
own styles (bench/gen_styles.py), some JMOD/JCS reports as a flash later superseded by a revision. Every
reported value contains the truth under the reconcile rules, except the injected disagreements, labelled
major in the truth: distance or apogee (one source off by 25-60%), event type (satellite launch vehicle vs
ballistic missile), count, inside vs outside Japan's EEZ, time (15-19 minutes off). About 0.2% of records
are malformed and listed as expected rejects (with their ``line``: a line that is not JSON has no id).
"""

from __future__ import annotations

import argparse
import heapq
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gen_catalog as cat
from gen_report import INJECT_RATES, Picker, dumps, render_episode
from gen_styles import PYONGYANG, local

_TYPE = Picker((t, t.weight) for t in cat.TYPES)
_SITES = {t.name: Picker(t.sites) for t in cat.TYPES}
_LANDINGS = {t.name: Picker(t.landings) for t in cat.TYPES}
_MODES = {t.name: Picker((m, m.weight) for m in t.modes) for t in cat.TYPES}
_COUNTS = {t.name: Picker(zip((1, 2, 3, 4), t.counts, strict=True)) for t in cat.TYPES}
_DIRS = {k: Picker(v) for k, v in cat.DIRECTIONS.items()}
VERSION = 2  # bump when the archives change, so that cached ones are regenerated (bench/run.py)
# Defaults close to 2022, the busiest year on record: a launch episode every ~3 days, one launch day in four
# holding several separate launches. ``--hours-per-episode 6 --salvo-share 0.5`` is the stress setting.
HOURS_PER_EPISODE = 72.0
SALVO_SHARE = 0.25


def _salvo_picker(share: float) -> tuple[Picker, float]:
    """How many separate launches a launch day holds: 1 with probability 1 - share, else 2-5."""
    sizes = ((1, 1 - share), (2, 0.44 * share), (3, 0.30 * share), (4, 0.16 * share), (5, 0.10 * share))
    return Picker(sizes), sum(k * p for k, p in sizes)
_CRUISE_WEIGHTS = {**cat.SOURCE_WEIGHT, "JMOD": 0.3, "JCG": 0.05}  # Japan rarely announces cruise missiles


@dataclass(slots=True)
class Episode:
    n: int
    t: float
    spec: cat.TypeSpec
    site: str
    landing: str
    eez: bool | None
    direction: str
    count: int
    distance: float
    apogee: float | None
    flight_min: float
    mach: float | None
    sources: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Stats:
    reports: int = 0
    episodes: int = 0
    rejects: int = 0
    revisions: int = 0
    injected: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class _Writer:
    """Reports through a heap keyed by publication time; truth events to a side file."""

    def __init__(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.reports = (out / "reports.jsonl").open("wb", buffering=1 << 20)
        self.events_path = out / ".truth-events.jsonl"
        self.events = self.events_path.open("wb", buffering=1 << 20)
        self.heap: list[tuple[float, int, bytes, dict[str, Any] | None]] = []
        self.seq = self.line = self.n_events = 0
        self.rejects: list[dict[str, Any]] = []

    def push(self, issued: float, payload: bytes, reject: dict[str, Any] | None = None) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (issued, self.seq, payload, reject))

    def flush(self, until: float) -> None:
        heap, write = self.heap, self.reports.write
        while heap and heap[0][0] < until:
            payload, reject = heapq.heappop(heap)[2:]
            self.line += 1
            write(payload)
            write(b"\n")
            if reject is not None:
                self.rejects.append({**reject, "line": self.line})

    def event(self, obj: dict[str, Any]) -> None:
        if self.n_events:
            self.events.write(b",\n")
        self.events.write(dumps(obj))
        self.n_events += 1

    def close(self, meta: dict[str, Any]) -> None:
        self.flush(float("inf"))
        self.reports.close()
        self.events.close()
        with (self.out / "truth.json").open("wb") as f:
            f.write(b'{"events": [\n')
            with self.events_path.open("rb") as src:
                while chunk := src.read(1 << 20):
                    f.write(chunk)
            f.write(b'\n],\n"rejects": ' + dumps(self.rejects) + b',\n"meta": ' + dumps(meta) + b"}\n")
        self.events_path.unlink()


class Generator:
    def __init__(self, *, seed: int, hours_per_episode: float = HOURS_PER_EPISODE, salvo_share: float = SALVO_SHARE,
                 detail: bool = False) -> None:
        self.rng = random.Random(seed)
        self.hours = hours_per_episode
        self.salvo_size, self.mean_salvo = _salvo_picker(salvo_share)
        self.detail = detail
        self.debt = dict.fromkeys(INJECT_RATES, 0)
        self.ids = dict.fromkeys(cat.SOURCES, 0)
        self.stats = Stats(injected=dict.fromkeys(("distance", "apogee", *list(INJECT_RATES)[1:]), 0))

    # -- episodes -----------------------------------------------------------------------------------------
    def salvo(self, start: float, n0: int) -> list[Episode]:
        rng = self.rng
        eps: list[Episode] = []
        t = start
        for k in range(self.salvo_size(rng)):
            if k:
                t += rng.uniform(21, 120) * 60
            t = t - t % 60 + rng.randint(5, 54)  # clear of the minute's ends
            pyt = datetime.fromtimestamp(t, PYONGYANG)
            if pyt.hour == 23 and pyt.minute >= 50 or pyt.hour == 0 and pyt.minute < 10:
                t += 20 * 60  # clear of the date line between Pyongyang days
            prev = eps[-1] if eps else None
            spec = prev.spec if prev and rng.random() < 0.7 else _TYPE(rng)
            same_site = prev is not None and rng.random() < 0.5 and any(s == prev.site for s, _ in spec.sites)
            site = prev.site if same_site and prev else _SITES[spec.name](rng)
            landing = _LANDINGS[spec.name](rng)
            if landing == "yellow_sea" and site not in cat.WEST_SITES:
                landing = "east_sea"  # an east-coast site fires into the East Sea
            mode = _MODES[spec.name](rng)
            eez = rng.random() < spec.eez_inside if landing != "yellow_sea" else None
            eps.append(Episode(
                n=n0 + k, t=float(t), spec=spec, site=site, landing=landing, eez=eez,
                direction="south" if spec.family == "slv" else _DIRS[landing](rng),
                count=_COUNTS[spec.name](rng),
                distance=round(rng.uniform(*mode.distance), 1),
                apogee=round(rng.uniform(*mode.apogee), 1) if mode.apogee else None,
                flight_min=rng.uniform(*spec.flight_min),
                mach=round(rng.uniform(5, 10)) if spec.name in ("hypersonic missile", "SRBM") else None,
            ))
        return eps

    def next_start(self, last: float) -> float:
        """Launch days: the mean time between launches is ``hours``, less what salvos spend inside a day."""
        gap_h = max(0.0, self.hours * self.mean_salvo - (self.mean_salvo - 1) * 70 / 60 - 0.75)
        return last + 45 * 60 + self.rng.expovariate(1 / (gap_h * 3600)) if gap_h else last + 45 * 60

    def pick_sources(self, ep: Episode, k: int) -> list[str]:
        """``k`` agencies drawn without replacement by how often each covers such a launch."""
        weights = _CRUISE_WEIGHTS if ep.spec.family == "cruise" else cat.SOURCE_WEIGHT
        pool = list(cat.SOURCES)
        chosen: list[str] = []
        while len(chosen) < k and pool:
            x = self.rng.random() * sum(weights[s] for s in pool)
            for s in pool:
                x -= weights[s]
                if x < 0:
                    break
            chosen.append(s)
            pool.remove(s)
        return chosen

    # -- reports ------------------------------------------------------------------------------------------
    def new_id(self, src: str, issued: float) -> str:
        self.ids[src] += 1
        n, d = self.ids[src], local(issued, -10 if src == "INDOPACOM" else 9)
        ymd = f"{d.year}{d.month:02d}{d.day:02d}"
        return {"JMOD": f"jmod-{ymd}-{n:06d}", "JCS": f"JCS-{d.year}-{n:06d}",
                "INDOPACOM": f"indopacom-{n:07d}", "KCNA": f"kcna-{ymd}-{n:06d}",
                "JCG": f"jcg-nw-{n:06d}"}[src]

    def issued_at(self, ep: Episode, src: str) -> float:
        rng, t = self.rng, ep.t
        if src == "KCNA":  # next morning, Pyongyang time
            d = local(t, 9)
            return t + (24 - d.hour - d.minute / 60) * 3600 + rng.uniform(5.5, 8.0) * 3600
        lo, hi = {"JMOD": (8, 90), "JCS": (3, 60), "INDOPACOM": (60, 360), "JCG": (2, 15)}[src]
        return t + rng.uniform(lo, hi) * 60


def generate(*, reports: int, seed: int, out: Path, start: str = "2019-01-01T00:00:00Z",
             hours_per_episode: float = HOURS_PER_EPISODE, salvo_share: float = SALVO_SHARE,
             detail: bool = False) -> Stats:
    """Generate exactly ``reports`` records into ``out`` (reports.jsonl, truth.json)."""
    t0 = time.perf_counter()
    gen = Generator(seed=seed, hours_per_episode=hours_per_episode, salvo_share=salvo_share, detail=detail)
    w = _Writer(out)
    t = datetime.fromisoformat(start.replace("Z", "+00:00")).astimezone(UTC).timestamp()
    made = 0
    while made < reports:
        eps = gen.salvo(t, gen.stats.episodes + 1)
        for ep in eps:
            if made >= reports:
                break
            w.flush(ep.t)
            made += render_episode(gen, ep, w, budget=reports - made)
            gen.stats.episodes += 1
        t = gen.next_start(eps[-1].t)
    s = gen.stats
    s.reports, s.seconds = made, time.perf_counter() - t0
    w.close({"generator": "bench/generate.py", "version": VERSION, "seed": seed, "reports": made,
             "episodes": s.episodes, "revisions": s.revisions, "injected": s.injected, "start": start,
             "hours_per_episode": hours_per_episode, "salvo_share": salvo_share})
    s.rejects = len(w.rejects)
    return s


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, required=True, help="number of records to write")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True, help="directory for reports.jsonl and truth.json")
    ap.add_argument("--start", default="2019-01-01T00:00:00Z", help="UTC start of the first launch day")
    ap.add_argument("--hours-per-episode", type=float, default=HOURS_PER_EPISODE,
                    help="mean time between true launches (default: about 2022's pace)")
    ap.add_argument("--salvo-share", type=float, default=SALVO_SHARE,
                    help="share of launch days holding several separate launches")
    ap.add_argument("--detail", action="store_true", help="add each event's true values to truth.json")
    args = ap.parse_args(argv)
    if args.reports < 1:
        ap.error("--reports must be at least 1")
    s = generate(reports=args.reports, seed=args.seed, out=args.out, start=args.start,
                 hours_per_episode=args.hours_per_episode, salvo_share=args.salvo_share, detail=args.detail)
    print(f"{s.reports} reports, {s.episodes} episodes, {s.revisions} revisions, {s.rejects} malformed, "
          f"injected {s.injected} in {s.seconds:.1f}s ({s.reports / max(s.seconds, 1e-9):,.0f} reports/s) "
          f"-> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Field-level precision and recall of extraction against expected reports.

A text's expected reports are records in the engine's input format (any wording the engine reads: "about 500
km", "約500km"). Reports are matched by canonical source; then, per (source, field):

- both give the field and the engine reads the same value from both: a true positive (the same interval, to a
  second for times and a millionth for figures; the same code and zone qualifier for places and categories);
- both give it with different values: a false positive and a false negative;
- only the extraction gives it: a false positive; only the expectation: a false negative.

An extracted value the engine cannot read counts as wrong. Pure: texts, expectations and extractions in, figures
out; reading fixture files is the caller's business.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..errors import ReportError
from ..models import Interval, Term
from ..normalise import normalise_report
from ..profile import Profile

_DUMMY_ISSUE = "2000-01-01T00:00:00Z"


class ExtractionCase(BaseModel):
    """One labelled text: its name, publication time, expected reports and what was extracted."""

    model_config = ConfigDict(frozen=True)

    name: str
    published: str | None = None
    expected: list[dict[str, Any]]
    extracted: list[dict[str, Any]]


class Counts(BaseModel):
    model_config = ConfigDict(frozen=True)

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        d = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / d if d else None

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision, "recall": self.recall,
                "f1": self.f1}


class Miss(BaseModel):
    """A field the extraction got wrong: what was expected and what it gave (None: nothing)."""

    model_config = ConfigDict(frozen=True)

    text: str
    source: str
    field: str
    expected: str | None
    extracted: str | None


class ExtractionScores(BaseModel):
    model_config = ConfigDict(frozen=True)

    texts: int
    reports: Counts  # agencies found (a report per expected agency)
    fields: Counts  # all (agency, field) values
    by_field: dict[str, Counts]
    misses: list[Miss]

    def as_dict(self) -> dict[str, Any]:
        return {"texts": self.texts, "reports": self.reports.as_dict(), "fields": self.fields.as_dict(),
                "by_field": {k: v.as_dict() for k, v in self.by_field.items()},
                "misses": [m.model_dump() for m in self.misses]}


def _read(record: dict[str, Any], field: str, profile: Profile, published: str | None) -> Any:
    """The engine's reading of one field of a record, or None when it cannot read it."""
    probe = {"id": "probe", "source": record["source"], "issued_at": published or _DUMMY_ISSUE,
             field: record[field]}
    try:
        return normalise_report(probe, profile).values.get(field)
    except ReportError:
        return None


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return False
    if isinstance(a, Interval) and isinstance(b, Interval):
        tol = 1.0 if a.unit == "s" else 1e-6 * max(1.0, abs(a.best), abs(b.best))
        return all(x == y or (math.isfinite(x) and math.isfinite(y) and abs(x - y) <= tol)
                   for x, y in ((a.lo, b.lo), (a.hi, b.hi)))
    if isinstance(a, Term) and isinstance(b, Term):
        return (a.code, a.qualifier) == (b.code, b.qualifier)
    return False


def score_extraction(cases: Iterable[ExtractionCase], profile: Profile) -> ExtractionScores:
    rt = profile.runtime()
    envelope = {"id", "source", "issued_at", "supersedes", "text"}
    per_field: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    reports = [0, 0, 0]
    misses: list[Miss] = []
    n = 0
    for case in cases:
        n += 1
        exp = {rt.source(str(r["source"]))[0]: r for r in case.expected}
        got = {rt.source(str(r["source"]))[0]: r for r in case.extracted}
        reports[0] += len(exp.keys() & got.keys())
        reports[1] += len(got.keys() - exp.keys())
        reports[2] += len(exp.keys() - got.keys())
        for code in sorted(exp.keys() | got.keys()):
            e, g = exp.get(code, {}), got.get(code, {})
            names = {k for k in (*e, *g) if k not in envelope and k in profile.fields}
            for name in sorted(names):
                counts = per_field[name]
                ev = _read(e, name, profile, case.published) if name in e else None
                gv = _read(g, name, profile, case.published) if name in g else None
                if name in e and name in g and _same(ev, gv):
                    counts[0] += 1
                    continue
                if name in g:
                    counts[1] += 1
                if name in e:
                    counts[2] += 1
                misses.append(Miss(text=case.name, source=code, field=name,
                                   expected=None if name not in e else str(e[name]),
                                   extracted=None if name not in g else str(g[name])))
    by_field = {k: Counts(tp=v[0], fp=v[1], fn=v[2]) for k, v in sorted(per_field.items())}
    total = Counts(tp=sum(c.tp for c in by_field.values()), fp=sum(c.fp for c in by_field.values()),
                   fn=sum(c.fn for c in by_field.values()))
    return ExtractionScores(texts=n, reports=Counts(tp=reports[0], fp=reports[1], fn=reports[2]), fields=total,
                            by_field=by_field, misses=misses)


def render_scores(scores: ExtractionScores, title: str = "") -> str:
    """The figures as aligned lines for a terminal."""

    def fmt(x: float | None) -> str:
        return "  n/a" if x is None else f"{x:.3f}"

    width = max([len("reports (agencies)"), *(len(k) for k in scores.by_field)])
    lines = [f"{title}{' ' if title else ''}{scores.texts} texts",
             f"{'':<{width}}  {'P':>5}  {'R':>5}  {'F1':>5}  {'tp':>4} {'fp':>4} {'fn':>4}"]

    def row(label: str, c: Counts) -> str:
        return (f"{label:<{width}}  {fmt(c.precision)}  {fmt(c.recall)}  {fmt(c.f1)}  "
                f"{c.tp:>4} {c.fp:>4} {c.fn:>4}")

    lines.append(row("fields (all)", scores.fields))
    lines.append(row("reports (agencies)", scores.reports))
    lines += [row(f"  {k}", c) for k, c in scores.by_field.items()]
    return "\n".join(lines)

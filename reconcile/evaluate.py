"""Scoring a batch output against a truth file: clustering, conflict flags and rejects.

Pure functions over already-parsed dicts (the output of ``reconcile batch`` and a truth file, see
docs/formats.md); nothing here reads files or knows about missiles: fields and severities are plain strings.

Reports are keyed by (canonical source code, id).

- Clustering: pairwise precision / recall / F1 over same-event report pairs, computed from the contingency
  counts between predicted and true clusters (sum of C(n, 2)); all pairs are never enumerated. The universe is
  the set of reports of the truth's events; a truth report that the output rejected or left out entirely is a
  singleton on the predicted side. Output reports that no truth event lists are counted (``extra``) but not
  scored.
- Conflicts: for each true (event, field) conflict, the predicted event holding most of that true event's
  reports (ties: first in output order) must flag the field. For each predicted flag, the true event holding
  most of that predicted event's reports (ties: first in truth order) must have a conflict on the field, else
  it is a false alarm. Scored at the major level and, as extra information, at any severity.
- Rejects (when the truth lists ``rejects``): an expected reject is matched by an output reject with the same
  (source, id); failing that the same id (the output may name the source differently, or not at all); failing
  that the same ``line`` when the truth entry gives one (a line that was not JSON has no id to match).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

__all__ = [
    "ConflictScores",
    "Coverage",
    "EvaluationReport",
    "FieldConflictScores",
    "PairwiseScores",
    "RejectScores",
    "evaluate_clusters",
    "render_text",
]

Key = tuple[str | None, str]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Coverage(_Result):
    """Where the truth's reports ended up in the output."""

    truth_events: int
    predicted_events: int
    truth_reports: int
    clustered: int  # truth reports found in an output event
    rejected: int  # truth reports the output rejected (scored as singletons)
    missing: int  # truth reports absent from the output entirely (scored as singletons)
    extra: int  # reports of output events that no truth event lists (not scored)
    duplicates: int  # report keys listed more than once in the truth or the output (first one kept)


class PairwiseScores(_Result):
    """Same-event pairs. A ratio is None when its denominator is zero."""

    true_pairs: int
    predicted_pairs: int
    shared_pairs: int
    precision: float | None
    recall: float | None
    f1: float | None


class FieldConflictScores(_Result):
    true_major: int = 0
    found_major: int = 0
    predicted_major: int = 0
    false_major: int = 0


class ConflictScores(_Result):
    true_major: int  # true (event, field) conflicts of major severity
    found_major: int  # ... flagged major on the best-overlapping predicted event
    major_recall: float | None
    found_major_any_severity: int  # ... flagged at any severity there
    predicted_major: int  # predicted (event, field) major flags
    false_major: int  # ... whose best-overlapping true event has no major conflict on the field
    false_major_rate: float | None
    true_any: int  # true (event, field) conflicts of any severity
    found_any: int  # ... flagged at any severity on the best-overlapping predicted event
    any_recall: float | None
    predicted_any: int  # predicted (event, field) flags of any severity
    false_any: int  # ... whose best-overlapping true event has no conflict on the field
    false_any_rate: float | None
    by_field: dict[str, FieldConflictScores]


class RejectScores(_Result):
    expected: int  # rejects listed by the truth
    rejected: int  # ... that the output rejected
    missed: int  # ... that it did not
    accepted: int  # ... that it placed in an event
    unexpected: int  # output rejects that the truth does not list
    rate: float | None  # rejected / expected


class EvaluationReport(_Result):
    coverage: Coverage
    pairwise: PairwiseScores
    timed_pairwise: PairwiseScores | None = None  # the same, over reports that give a clock time
    conflicts: ConflictScores
    rejects: RejectScores | None


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _pairs(counts: np.ndarray) -> int:
    c = counts.astype(np.int64)
    return int((c * (c - 1) // 2).sum())


def _key(rep: Mapping[str, Any]) -> Key | None:
    """(source, id) as given (numbers as text); None without an id."""
    rid = rep.get("id")
    if rid is None:
        return None
    src = rep.get("source")
    return (src if src is None or type(src) is str else str(src), rid if type(rid) is str else str(rid))


Flags = tuple[frozenset[str], frozenset[str]]
_NO_FLAGS: Flags = (frozenset(), frozenset())


def _flags(events: list[dict[str, Any]], major: str) -> dict[int, Flags]:
    """Per event index, for events with conflicts only: (fields flagged major, fields flagged at any
    severity)."""
    out: dict[int, Flags] = {}
    for n, ev in enumerate(events):
        conflicts = ev.get("conflicts")
        if conflicts:
            fields = [(str(c.get("field")), c.get("severity") == major) for c in conflicts]
            out[n] = (frozenset(f for f, is_major in fields if is_major), frozenset(f for f, _ in fields))
    return out


class _RejectIndex:
    """Output rejects, looked up by (source, id), by id alone, or by line."""

    def __init__(self, rejects: Iterable[Mapping[str, Any]]) -> None:
        self.items = list(rejects)
        self.keys: set[Key] = set()
        self.ids: set[str] = set()
        self.lines: set[int] = set()
        for r in self.items:
            key = _key(r)
            if key is not None:
                self.keys.add(key)
                self.ids.add(key[1])
            if isinstance(r.get("line"), int):
                self.lines.add(r["line"])

    def has(self, key: Key, line: Any = None) -> bool:
        return key in self.keys or key[1] in self.ids or (isinstance(line, int) and line in self.lines)


def _best(rows: np.ndarray, cols: np.ndarray, counts: np.ndarray, size: int) -> np.ndarray:
    """For each row label below ``size``, the column label sharing the most items with it (ties: the smallest
    column label); -1 where the row shares none."""
    best = np.full(size, -1, dtype=np.int64)
    if len(rows):
        order = np.lexsort((cols, -counts, rows))
        first = np.unique(rows[order], return_index=True)[1]
        best[rows[order][first]] = cols[order][first]
    return best


def evaluate_clusters(
    output: dict[str, Any], truth: dict[str, Any], *, major: str = "major"
) -> EvaluationReport:
    """Compare the ``events`` (and ``rejects``) of a batch output with a truth file's. ``major`` is the
    severity string that counts as major."""
    duplicates = 0
    true_label: dict[Key, int] = {}
    true_events = list(truth.get("events") or [])
    for j, ev in enumerate(true_events):
        for rep in ev.get("reports") or ():
            key = _key(rep)
            if key is None:
                raise ValueError(f"truth event {ev.get('id', j)!r} lists a report without an id")
            if key in true_label:
                duplicates += 1
            else:
                true_label[key] = j

    pred_events = list(output.get("events") or [])
    pred_label: dict[Key, int] = {}
    timed: set[Key] = set()
    extra = 0
    for i, ev in enumerate(pred_events):
        for rep in ev.get("reports") or ():
            key = _key(rep)
            if key is None:
                continue
            if key in pred_label:
                duplicates += 1
                continue
            pred_label[key] = i
            if _is_timed(rep):
                timed.add(key)
            if key not in true_label:
                extra += 1

    out_rejects = _RejectIndex(output.get("rejects") or ())
    n_pred = len(pred_events)
    universe = list(true_label)
    t_arr = np.fromiter((true_label[k] for k in universe), dtype=np.int64, count=len(universe))
    p_list: list[int] = []
    rejected = missing = 0
    for k in universe:
        found = pred_label.get(k)
        if found is None:  # a singleton of its own on the predicted side
            if out_rejects.has(k):
                rejected += 1
            else:
                missing += 1
        p_list.append(n_pred + len(p_list) if found is None else found)
    p_arr = np.asarray(p_list, dtype=np.int64)

    n_true = max(len(true_events), 1)
    cells_k, cells_n = np.unique(p_arr * n_true + t_arr, return_counts=True)
    pairwise = _pairwise(p_arr, t_arr, n_true)
    # the same over the reports that give a clock time (not a date alone, not nothing): what the evidence
    # can decide, apart from the state-media and no-time statements that days of several launches make ambiguous
    timed_mask = np.fromiter((k in timed for k in universe), dtype=bool, count=len(universe))
    timed_pairwise = _pairwise(p_arr[timed_mask], t_arr[timed_mask], n_true) if timed else None

    real = cells_k // n_true < n_pred  # predicted singletons are no event
    c_pred, c_true, c_n = cells_k[real] // n_true, cells_k[real] % n_true, cells_n[real]
    conflicts = _score_conflicts(
        true_flags=_flags(true_events, major), pred_flags=_flags(pred_events, major),
        best_pred=_best(c_true, c_pred, c_n, len(true_events)),  # true event -> predicted event
        best_true=_best(c_pred, c_true, c_n, n_pred),  # predicted event -> true event
    )
    coverage = Coverage(
        truth_events=len(true_events), predicted_events=n_pred, truth_reports=len(universe),
        clustered=len(universe) - rejected - missing, rejected=rejected, missing=missing, extra=extra,
        duplicates=duplicates,
    )
    rejects = None
    if "rejects" in truth and truth["rejects"] is not None:
        rejects = _score_rejects(truth["rejects"], out_rejects, pred_label)
    return EvaluationReport(coverage=coverage, pairwise=pairwise, timed_pairwise=timed_pairwise,
                            conflicts=conflicts, rejects=rejects)


_CLOCK_RULES = ("minute", "second", "hour")


def _is_timed(rep: Mapping[str, Any]) -> bool:
    values = rep.get("values") or {}
    return any(isinstance(v, Mapping) and str(v.get("rule", "")).startswith(_CLOCK_RULES) for v in values.values())


def _pairwise(p_arr: np.ndarray, t_arr: np.ndarray, n_true: int) -> PairwiseScores:
    """Pairwise scores from the contingency of predicted and true labels (never by listing pairs)."""
    shared = _pairs(np.unique(p_arr * n_true + t_arr, return_counts=True)[1]) if len(p_arr) else 0
    predicted_pairs = _pairs(np.unique(p_arr, return_counts=True)[1]) if len(p_arr) else 0
    true_pairs = _pairs(np.unique(t_arr, return_counts=True)[1]) if len(t_arr) else 0
    return PairwiseScores(
        true_pairs=true_pairs, predicted_pairs=predicted_pairs, shared_pairs=shared,
        precision=_ratio(shared, predicted_pairs), recall=_ratio(shared, true_pairs),
        f1=_ratio(2 * shared, predicted_pairs + true_pairs),
    )


def _score_conflicts(
    *, true_flags: dict[int, Flags], pred_flags: dict[int, Flags], best_pred: np.ndarray,
    best_true: np.ndarray,
) -> ConflictScores:
    fields: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    t_major = f_major = f_major_any = t_any = f_any = 0
    for j, (majors, anys) in true_flags.items():
        p_majors, p_anys = pred_flags.get(int(best_pred[j]), _NO_FLAGS)
        for field in majors:
            t_major += 1
            fields[field]["true_major"] += 1
            if field in p_majors:
                f_major += 1
                fields[field]["found_major"] += 1
            f_major_any += field in p_anys
        t_any += len(anys)
        f_any += len(anys & p_anys)
    p_major = false_major = p_any = false_any = 0
    for i, (majors, anys) in pred_flags.items():
        t_majors, t_anys = true_flags.get(int(best_true[i]), _NO_FLAGS)
        for field in majors:
            p_major += 1
            fields[field]["predicted_major"] += 1
            if field not in t_majors:
                false_major += 1
                fields[field]["false_major"] += 1
        p_any += len(anys)
        false_any += len(anys - t_anys)
    return ConflictScores(
        true_major=t_major, found_major=f_major, major_recall=_ratio(f_major, t_major),
        found_major_any_severity=f_major_any,
        predicted_major=p_major, false_major=false_major, false_major_rate=_ratio(false_major, p_major),
        true_any=t_any, found_any=f_any, any_recall=_ratio(f_any, t_any),
        predicted_any=p_any, false_any=false_any, false_any_rate=_ratio(false_any, p_any),
        by_field={f: FieldConflictScores(**counts) for f, counts in sorted(fields.items())},
    )


def _score_rejects(
    expected: Iterable[Mapping[str, Any]], out: _RejectIndex, pred_label: Mapping[Key, int]
) -> RejectScores:
    exp = list(expected)
    exp_keys: set[Key] = set()
    exp_ids: set[str] = set()
    exp_lines: set[int] = set()
    n = rejected = accepted = 0
    for r in exp:
        key = _key(r)
        line = r.get("line")
        if isinstance(line, int):
            exp_lines.add(line)
        n += 1
        if key is not None:
            exp_keys.add(key)
            exp_ids.add(key[1])
        if (out.has(key, line) if key is not None else isinstance(line, int) and line in out.lines):
            rejected += 1
        elif key is not None and key in pred_label:
            accepted += 1
    unexpected = 0
    for r in out.items:
        key = _key(r)
        line = r.get("line")
        hit = key is not None and (key in exp_keys or key[1] in exp_ids)
        if not hit and not (isinstance(line, int) and line in exp_lines):
            unexpected += 1
    return RejectScores(expected=n, rejected=rejected, missed=n - rejected, accepted=accepted,
                        unexpected=unexpected, rate=_ratio(rejected, n))


_W = 18  # label column


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def render_text(report: EvaluationReport) -> str:
    """The figures as a few aligned lines for a terminal."""
    c, p, k = report.coverage, report.pairwise, report.conflicts
    lines = [
        f"{'events':<{_W}}truth {c.truth_events}  predicted {c.predicted_events}",
        f"{'reports':<{_W}}truth {c.truth_reports}  clustered {c.clustered}  rejected {c.rejected}  "
        f"missing {c.missing}  extra {c.extra}" + (f"  duplicates {c.duplicates}" if c.duplicates else ""),
        f"{'pairwise':<{_W}}P {_fmt(p.precision)}  R {_fmt(p.recall)}  F1 {_fmt(p.f1)}  "
        f"(shared {p.shared_pairs} / predicted {p.predicted_pairs} / true {p.true_pairs} pairs)",
        *([f"{'  clock-timed':<{_W}}P {_fmt(t.precision)}  R {_fmt(t.recall)}  F1 {_fmt(t.f1)}  "
           f"(pairs of reports that give a clock time)"] if (t := report.timed_pairwise) is not None else []),
    ]
    if k.true_any == 0:  # a bulletin's grouping (reconcile bulletin-truth) says nothing of conflicts
        lines.append(f"{'conflicts':<{_W}}not scored: the truth lists none "
                     f"({k.predicted_major} major and {k.predicted_any - k.predicted_major} minor flagged)")
        by_field: dict[str, Any] = {}
    else:
        lines += [
            f"{'major conflicts':<{_W}}recall {_fmt(k.major_recall)} ({k.found_major}/{k.true_major}, "
            f"{k.found_major_any_severity} at any severity)  "
            f"false-major rate {_fmt(k.false_major_rate)} ({k.false_major}/{k.predicted_major})",
            f"{'any severity':<{_W}}recall {_fmt(k.any_recall)} ({k.found_any}/{k.true_any})  "
            f"false rate {_fmt(k.false_any_rate)} ({k.false_any}/{k.predicted_any})",
        ]
        by_field = k.by_field
    width = max((len(f) for f in by_field), default=0)
    for n, (field, s) in enumerate(by_field.items()):
        label = "by field" if n == 0 else ""
        lines.append(f"{label:<{_W}}{field:<{width}}  found {s.found_major}/{s.true_major}  "
                     f"false {s.false_major}/{s.predicted_major}")
    r = report.rejects
    if r is not None:
        lines.append(f"{'rejects':<{_W}}{r.rejected}/{r.expected} rejected ({_fmt(r.rate)})  "
                     f"accepted {r.accepted}  unexpected {r.unexpected}")
    return "\n".join(lines)

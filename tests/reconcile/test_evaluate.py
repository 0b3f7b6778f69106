"""Table-driven tests of reconcile.evaluate on tiny outputs and truths with known answers, and a property
test of the pairwise counts against brute force."""

from __future__ import annotations

from itertools import combinations
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.evaluate import EvaluationReport, evaluate_clusters, render_text

Conflicts = list[tuple[str, str]]


def _reps(spec: str) -> list[dict[str, Any]]:
    """'JMOD:a JCS:b' -> [{"source": "JMOD", "id": "a"}, {"source": "JCS", "id": "b"}]."""
    out = []
    for item in spec.split():
        source, rid = item.split(":")
        out.append({"source": source, "id": rid})
    return out


def _events(*events: tuple[str, Conflicts]) -> list[dict[str, Any]]:
    return [
        {"id": f"E{n}", "reports": _reps(spec),
         "conflicts": [{"field": f, "severity": s} for f, s in conflicts]}
        for n, (spec, conflicts) in enumerate(events)
    ]


def _output(*events: tuple[str, Conflicts], rejects: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"profile": "test", "summary": {}, "events": _events(*events), "rejects": rejects or []}


def _truth(*events: tuple[str, Conflicts], rejects: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"events": _events(*events)}
    if rejects is not None:
        doc["rejects"] = rejects
    return doc


DIST = [("distance", "major")]

# (output, truth, expected figures: dotted path -> value)
CLUSTER_CASES = [
    pytest.param(
        _output(("JMOD:a JCS:b KCNA:c", DIST), ("JMOD:d JCS:e", [])),
        _truth(("JMOD:a JCS:b KCNA:c", DIST), ("JMOD:d JCS:e", [])),
        {"pairwise.true_pairs": 4, "pairwise.predicted_pairs": 4, "pairwise.shared_pairs": 4,
         "pairwise.precision": 1.0, "pairwise.recall": 1.0, "pairwise.f1": 1.0,
         "conflicts.major_recall": 1.0, "conflicts.false_major_rate": 0.0,
         "coverage.clustered": 5, "coverage.missing": 0, "coverage.extra": 0},
        id="perfect",
    ),
    pytest.param(
        _output(("JMOD:a JCS:b KCNA:c", []), ("JCG:d", [])),
        _truth(("JMOD:a JCS:b KCNA:c JCG:d", [])),
        {"pairwise.true_pairs": 6, "pairwise.predicted_pairs": 3, "pairwise.shared_pairs": 3,
         "pairwise.precision": 1.0, "pairwise.recall": 0.5, "pairwise.f1": pytest.approx(2 / 3),
         "coverage.predicted_events": 2},
        id="one-split",
    ),
    pytest.param(
        _output(("JMOD:a JCS:b JMOD:c JCS:d", [])),
        _truth(("JMOD:a JCS:b", []), ("JMOD:c JCS:d", [])),
        {"pairwise.true_pairs": 2, "pairwise.predicted_pairs": 6, "pairwise.shared_pairs": 2,
         "pairwise.precision": pytest.approx(1 / 3), "pairwise.recall": 1.0, "pairwise.f1": 0.5},
        id="wrong-merge",
    ),
    pytest.param(
        _output(("JMOD:a JCS:b", []), rejects=[{"source": "KCNA", "id": "c", "line": 3}]),
        _truth(("JMOD:a JCS:b KCNA:c JCG:d", [])),
        {"pairwise.true_pairs": 6, "pairwise.predicted_pairs": 1, "pairwise.shared_pairs": 1,
         "pairwise.precision": 1.0, "pairwise.recall": pytest.approx(1 / 6),
         "pairwise.f1": pytest.approx(2 / 7),
         "coverage.truth_reports": 4, "coverage.clustered": 2, "coverage.rejected": 1, "coverage.missing": 1},
        id="rejected-and-missing-are-singletons",
    ),
    pytest.param(
        _output(("JMOD:a JCS:b JCG:x", [])),
        _truth(("JMOD:a JCS:b", [])),
        {"pairwise.true_pairs": 1, "pairwise.predicted_pairs": 1, "pairwise.f1": 1.0, "coverage.extra": 1},
        id="extra-output-report-not-scored",
    ),
    pytest.param(
        _output(("JMOD:a", []), ("JCS:b", [])),
        _truth(("JMOD:a", []), ("JCS:b", [])),
        {"pairwise.true_pairs": 0, "pairwise.predicted_pairs": 0, "pairwise.precision": None,
         "pairwise.recall": None, "pairwise.f1": None, "conflicts.major_recall": None,
         "conflicts.false_major_rate": None},
        id="all-singletons-no-ratios",
    ),
    pytest.param(
        _output(("JMOD:a JCS:b", [("distance", "major"), ("count", "major"), ("time", "minor")]),
                ("JMOD:c JCS:d", [("apogee", "minor")])),
        _truth(("JMOD:a JCS:b", [("distance", "major"), ("time", "major")]),
               ("JMOD:c JCS:d", [("apogee", "minor")])),
        {"conflicts.true_major": 2, "conflicts.found_major": 1, "conflicts.major_recall": 0.5,
         "conflicts.found_major_any_severity": 2,
         "conflicts.predicted_major": 2, "conflicts.false_major": 1, "conflicts.false_major_rate": 0.5,
         "conflicts.true_any": 3, "conflicts.found_any": 3, "conflicts.any_recall": 1.0,
         "conflicts.predicted_any": 4, "conflicts.false_any": 1, "conflicts.false_any_rate": 0.25,
         "conflicts.by_field.count.false_major": 1, "conflicts.by_field.time.true_major": 1,
         "conflicts.by_field.time.found_major": 0, "conflicts.by_field.distance.found_major": 1},
        id="conflicts-found-missed-false",
    ),
    pytest.param(
        _output(("JMOD:a", []), ("JCS:b KCNA:c", DIST)),
        _truth(("JMOD:a JCS:b KCNA:c", DIST)),
        {"conflicts.found_major": 1, "conflicts.major_recall": 1.0, "conflicts.false_major": 0},
        id="conflict-on-larger-piece-of-split-found",
    ),
    pytest.param(
        _output(("JMOD:a", DIST), ("JCS:b KCNA:c", [])),
        _truth(("JMOD:a JCS:b KCNA:c", DIST)),
        {"conflicts.found_major": 0, "conflicts.major_recall": 0.0,
         "conflicts.predicted_major": 1, "conflicts.false_major": 0},
        id="conflict-on-smaller-piece-missed-but-not-false",
    ),
    pytest.param(
        _output(("JMOD:a", []), ("JCS:b", DIST)),
        _truth(("JMOD:a JCS:b", DIST)),
        {"conflicts.found_major": 0, "conflicts.found_major_any_severity": 0},
        id="tie-goes-to-first-predicted-event",
    ),
    pytest.param(
        _output(("JMOD:a JCS:b KCNA:c", DIST)),
        _truth(("JMOD:a", []), ("JCS:b KCNA:c", [])),
        {"conflicts.true_major": 0, "conflicts.major_recall": None, "conflicts.predicted_major": 1,
         "conflicts.false_major": 1, "conflicts.false_major_rate": 1.0},
        id="false-major-on-wrong-merge",
    ),
    pytest.param(
        _output(("JMOD:x JCS:y", DIST)),
        _truth(("JMOD:a JCS:b", [])),
        {"conflicts.predicted_major": 1, "conflicts.false_major": 1, "coverage.missing": 2,
         "coverage.extra": 2},
        id="flag-on-event-of-unknown-reports-is-false",
    ),
    pytest.param(
        _output(("JMOD:a JCS:b", [("distance", "minor")])),
        _truth(("JMOD:a JCS:b", DIST)),
        {"conflicts.found_major": 0, "conflicts.found_major_any_severity": 1, "conflicts.any_recall": 1.0},
        id="major-flagged-as-minor",
    ),
]


def _docs(param: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (output, truth) of a pytest.param case."""
    return cast(tuple[dict[str, Any], dict[str, Any]], tuple(param.values[:2]))


def _get(report: EvaluationReport, path: str) -> Any:
    obj: Any = report
    for part in path.split("."):
        obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
    return obj


@pytest.mark.parametrize(("output", "truth", "expected"), CLUSTER_CASES)
def test_evaluate_clusters(output: dict[str, Any], truth: dict[str, Any], expected: dict[str, Any]) -> None:
    report = evaluate_clusters(output, truth)
    for path, value in expected.items():
        assert _get(report, path) == value, path
    assert report.rejects is None  # these truths list no rejects


REJECT_CASES = [
    pytest.param(
        _output(("JMOD:a JCS:b KCNA:w", []), rejects=[
            {"source": "JMOD", "id": "x", "line": 1},
            {"source": None, "id": "y", "line": 2},
            {"source": None, "id": None, "line": 7},
            {"source": "JCG", "id": "v", "line": 9},
        ]),
        _truth(("JMOD:a JCS:b", []), rejects=[
            {"source": "JMOD", "id": "x"}, {"source": None, "id": "y"},
            {"source": "JCS", "id": "z", "line": 7}, {"source": "KCNA", "id": "w"},
        ]),
        {"expected": 4, "rejected": 3, "missed": 1, "accepted": 1, "unexpected": 1, "rate": 0.75},
        id="by-key-by-null-source-by-line-accepted-unexpected",
    ),
    pytest.param(
        _output(("JMOD:a", []), rejects=[{"source": "Japan Ministry of Defense", "id": "x"}]),
        _truth(("JMOD:a", []), rejects=[{"source": "JMOD", "id": "x"}]),
        {"expected": 1, "rejected": 1, "unexpected": 0},
        id="source-named-otherwise-matches-by-id",
    ),
    pytest.param(
        _output(("JMOD:a", []), rejects=[{"source": "JMOD", "id": "a2"}]),
        _truth(("JMOD:a JMOD:a2", []), rejects=[]),
        {"expected": 0, "rejected": 0, "rate": None, "unexpected": 1},
        id="valid-report-rejected-is-unexpected",
    ),
]


@pytest.mark.parametrize(("output", "truth", "expected"), REJECT_CASES)
def test_reject_agreement(output: dict[str, Any], truth: dict[str, Any], expected: dict[str, Any]) -> None:
    report = evaluate_clusters(output, truth)
    assert report.rejects is not None
    for name, value in expected.items():
        assert getattr(report.rejects, name) == value, name


def test_rejected_truth_report_is_counted_as_rejected_not_missing() -> None:
    report = evaluate_clusters(_output(("JMOD:a", []), rejects=[{"source": "JMOD", "id": "a2"}]),
                               _truth(("JMOD:a JMOD:a2", []), rejects=[]))
    assert (report.coverage.rejected, report.coverage.missing) == (1, 0)


def test_duplicates_are_counted_and_first_kept() -> None:
    report = evaluate_clusters(_output(("JMOD:a JCS:b", []), ("JCS:b", [])), _truth(("JMOD:a JCS:b", [])))
    assert report.coverage.duplicates == 1
    assert report.pairwise.f1 == 1.0


def test_custom_major_label() -> None:
    out = _output(("JMOD:a JCS:b", [("distance", "high")]))
    truth = _truth(("JMOD:a JCS:b", [("distance", "high")]))
    assert evaluate_clusters(out, truth, major="high").conflicts.major_recall == 1.0
    assert evaluate_clusters(out, truth).conflicts.major_recall is None


def test_truth_report_without_id_is_an_error() -> None:
    with pytest.raises(ValueError, match="without an id"):
        evaluate_clusters(_output(), {"events": [{"id": "T1", "reports": [{"source": "JMOD"}]}]})


def test_render_text_and_json() -> None:
    case = next(c for c in CLUSTER_CASES if c.id == "conflicts-found-missed-false")
    report = evaluate_clusters(*_docs(case))
    text = render_text(report)
    assert "pairwise" in text and "F1 1.000" in text
    assert "recall 0.500 (1/2" in text and "false-major rate 0.500 (1/2)" in text
    assert "count" in text and "rejects" not in text
    lines = text.splitlines()
    assert all(line[17] == " " and line[18] != " " for line in lines)  # figures start in one column
    assert EvaluationReport.model_validate_json(report.model_dump_json()) == report
    with_rejects = evaluate_clusters(*_docs(REJECT_CASES[0]))
    assert "rejects" in render_text(with_rejects)


# -- property: contingency pair counts equal brute force over all pairs ---------------------------------

MISSING, REJECTED = -2, -1


@st.composite
def _partitions(draw: st.DrawFn) -> tuple[list[int], list[int]]:
    n = draw(st.integers(0, 24))
    true = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    pred = draw(st.lists(st.integers(MISSING, 5), min_size=n, max_size=n))
    return true, pred


@settings(max_examples=300, deadline=None)
@given(_partitions(), st.randoms(use_true_random=False))
def test_pairwise_counts_match_brute_force(parts: tuple[list[int], list[int]], rnd: Any) -> None:
    true, pred = parts
    sources = ["JMOD", "JCS", "KCNA"]
    keys = [(rnd.choice(sources), f"r{i}") for i in range(len(true))]
    t_events: dict[int, list[str]] = {}
    p_events: dict[int, list[str]] = {}
    rejects = []
    for (src, rid), t, p in zip(keys, true, pred, strict=True):
        t_events.setdefault(t, []).append(f"{src}:{rid}")
        if p >= 0:
            p_events.setdefault(p, []).append(f"{src}:{rid}")
        elif p == REJECTED:
            rejects.append({"source": src, "id": rid})
    order = list(p_events)
    rnd.shuffle(order)  # event order must not matter
    output = _output(*((" ".join(p_events[p]), []) for p in order), rejects=rejects)
    truth = _truth(*((" ".join(v), []) for v in t_events.values()))

    report = evaluate_clusters(output, truth)

    same_true = same_pred = both = 0
    for i, j in combinations(range(len(true)), 2):
        st_ = true[i] == true[j]
        sp = pred[i] == pred[j] and pred[i] >= 0
        same_true += st_
        same_pred += sp
        both += st_ and sp
    pw = report.pairwise
    assert (pw.true_pairs, pw.predicted_pairs, pw.shared_pairs) == (same_true, same_pred, both)
    assert report.coverage.missing == pred.count(MISSING)
    assert report.coverage.rejected == pred.count(REJECTED)
    if same_pred:
        assert pw.precision == pytest.approx(both / same_pred)
    if same_true:
        assert pw.recall == pytest.approx(both / same_true)


def test_clock_timed_pairs_are_scored_apart_from_date_only_reports() -> None:
    def rep(source: str, rid: str, rule: str) -> dict[str, Any]:
        return {"source": source, "id": rid, "values": {"time": {"rule": rule}}}

    truth = {"events": [
        {"id": "T1", "reports": [{"source": "A", "id": "a1"}, {"source": "B", "id": "b1"},
                                 {"source": "K", "id": "k1"}]},
        {"id": "T2", "reports": [{"source": "A", "id": "a2"}, {"source": "K", "id": "k2"}]},
    ]}
    # the two date-only state-media reports are swapped; every clock-timed report is placed right
    output = {"events": [
        {"reports": [rep("A", "a1", "minute;iso"), rep("B", "b1", "minute;zone:UTC"), rep("K", "k2", "date")]},
        {"reports": [rep("A", "a2", "hour"), rep("K", "k1", "date;iso")]},
    ]}
    report = evaluate_clusters(output, truth)
    assert report.pairwise.f1 is not None and report.pairwise.f1 < 1.0
    timed = report.timed_pairwise
    assert timed is not None and (timed.shared_pairs, timed.true_pairs, timed.predicted_pairs) == (1, 1, 1)
    assert timed.f1 == 1.0
    assert "clock-timed" in render_text(report)

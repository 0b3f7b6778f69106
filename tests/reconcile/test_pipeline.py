"""The pipeline's bookkeeping: duplicates, chunked normalisation, event order."""

from __future__ import annotations

import pytest

from reconcile import reconcile_reports
from reconcile.pipeline import InputRecord, normalise_all, normalise_chunk, plan_events

T = "2022-01-05T08:07+09:00"


def _rec(rid: str, source: str = "JMOD", time: str = T, **extra) -> dict:
    return {"id": rid, "source": source, "time": time, **extra}


@pytest.mark.parametrize(
    ("second", "reason"),
    [
        (_rec("a"), "duplicate of the report at in.jsonl:1"),
        # another spelling of the agency is other content, even though it names the same source
        (_rec("a", source="Japan MoD"), "id already used by another report of JMOD at in.jsonl:1 with different"),
        (_rec("a", time="2022-01-05T09:07+09:00"), "id already used by another report of JMOD at in.jsonl:1"),
    ],
    ids=["identical", "same-agency-other-spelling", "different-content"],
)
def test_a_second_report_under_the_same_id_is_rejected_with_its_record(profile, second, reason):
    records = [InputRecord(_rec("a"), "in.jsonl", 1), InputRecord(second, "in.jsonl", 2)]
    reports, rejects = normalise_all(records, profile)
    assert [r.key for r in reports] == [("JMOD", "a")]
    (reject,) = rejects
    assert (reject.file, reject.line, reject.id, reject.source) == ("in.jsonl", 2, "a", "JMOD")
    assert reject.errors[0]["field"] == "id" and reject.errors[0]["reason"].startswith(reason)
    assert reject.record == second  # nothing is lost: the refused record travels with its reason


def test_a_chunk_mapper_gets_the_same_result_as_the_default(profile, monkeypatch):
    import reconcile.pipeline as pipeline

    monkeypatch.setattr(pipeline, "CHUNK", 3)
    records = [_rec(f"r{i}", source=["JMOD", "JCS", "KCNA"][i % 3], distance=f"{400 + 10 * i} km")
               for i in range(10)] + [_rec("r0"), {"source": "JCS"}]
    calls = []

    def mapper(chunks):
        for chunk in chunks:
            calls.append(len(chunk))
            yield normalise_chunk(chunk, profile)

    default = normalise_all(records, profile)
    mapped = normalise_all(records, profile, normalise_map=mapper)
    assert calls == [3, 3, 3, 3]
    assert [r.key for r in mapped[0]] == [r.key for r in default[0]]
    assert [r.errors for r in mapped[1]] == [r.errors for r in default[1]]


def test_events_come_in_order_of_their_earliest_reported_time(profile):
    records = [_rec("late", time="2022-01-05T15:00+09:00", launch_site="Sohae"),
               _rec("early", source="JCS", time="2022-01-05T06:00+09:00", launch_site="Sinpo"),
               _rec("mid", source="KCNA", time="2022-01-05T10:00+09:00", launch_site="Hamhung")]
    groups, _ = plan_events(records, profile)
    assert [g[0].id for g in groups] == ["early", "mid", "late"]
    assert [e.reports[0].id for e in reconcile_reports(records, profile).events] == ["early", "mid", "late"]


def test_results_serialise_through_pydantic(profile):
    from pydantic import TypeAdapter

    from reconcile.models import Event

    result = reconcile_reports([_rec("a", distance="about 500 km"), _rec("b", source="KCNA", distance="700 km",
                                                                          note="kept as extra")], profile)
    (event,) = result.events
    doc = TypeAdapter(Event).dump_python(event, mode="json")
    assert {r["id"]: r["extra"] for r in doc["reports"]} == {"a": {}, "b": {"note": "kept as extra"}}
    assert [c["field"] for c in doc["conflicts"]] == ["distance"]
    with pytest.raises(TypeError):
        event.reports[0].extra["x"] = 1  # type: ignore[index]


def test_a_report_superseding_its_own_id_revises_nothing(profile):
    """"supersedes" naming the report itself is a correction in place: within one set of reports the report is
    current, keeps its values and joins its event as any report would."""
    from reconcile import reconcile_reports

    records = [
        {"id": "jmod-1", "source": "JMOD", "time": "2022-01-05 08:07 JST", "distance": "about 700 km",
         "supersedes": "jmod-1"},
        {"id": "jcs-1", "source": "JCS", "time": "2022-01-05 08:07 KST", "distance": "700 km"},
    ]
    result = reconcile_reports(records, profile)
    assert len(result.events) == 1
    event = result.events[0]
    assert set(event.current) == {"jmod-1", "jcs-1"} and not event.history
    assert "distance" in event.consensus and not event.conflicts


def test_a_reader_failing_unexpectedly_costs_one_record_not_the_batch(profile, monkeypatch):
    """Whatever a reader raises beyond the field problems it knows, the record becomes a reject saying so, and the
    rest of the batch goes on."""
    import reconcile.pipeline as pipeline

    real = pipeline.normalise_report

    def flaky(data, *args, **kwargs):
        if data.get("id") == "b":
            raise ValueError("a bug")
        return real(data, *args, **kwargs)

    monkeypatch.setattr(pipeline, "normalise_report", flaky)
    records = [InputRecord(_rec("a"), "in.jsonl", 1), InputRecord(_rec("b", source="JCS"), "in.jsonl", 2)]
    reports, rejects = normalise_all(records, profile)
    assert [r.key for r in reports] == [("JMOD", "a")]
    (reject,) = rejects
    assert (reject.line, reject.id, reject.source) == (2, "b", "JCS")
    assert "ValueError: a bug" in reject.errors[0]["reason"] and reject.record == _rec("b", source="JCS")


@pytest.mark.parametrize(("field", "raw"), [("count", -0.0), ("count", "0"), ("distance", -0.0)])
def test_minus_zero_is_zero(profile, field, raw):
    import math

    from reconcile.normalise import normalise_report

    report = normalise_report(_rec("a", **{field: raw}), profile)
    assert math.copysign(1.0, report.values[field].best) == 1.0

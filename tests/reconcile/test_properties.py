"""Properties over generated archives and values (strategies in tests/strategies.py):

1. the result does not depend on the order of the input;
2. normalising twice changes nothing: a value written back in canonical form reads back as itself;
3. pair scoring is symmetric;
4. every input record ends up in exactly one event or in the rejects.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile import BatchResult, normalise_report, reconcile_reports
from reconcile.cluster.evidence import comparators, score_pairs
from reconcile.cluster.features import build_features
from reconcile.errors import ReportError
from reconcile.models import Interval
from reconcile.normalise.quantities import parse_quantity
from reconcile.normalise.text import text_key
from reconcile.normalise.times import format_instant, parse_time
from tests.strategies import PROFILE, archives, distances, instants, places, sources, times

RT = PROFILE.runtime()
FEW = settings(max_examples=50, deadline=None)
SOME = settings(max_examples=100, deadline=None)


def _digest(result: BatchResult) -> tuple[dict, set]:
    """What a result says, independent of the order it was computed in."""
    events = {
        frozenset(r.key for r in e.reports): (
            e.id,
            e.current,
            tuple((c.field, c.severity, c.message) for c in e.conflicts),
            tuple((h.report, h.superseded_by, tuple(sorted(h.changes.items()))) for h in e.history),
            tuple(sorted((k, c.agree, c.best, c.low, c.high, c.code) for k, c in e.consensus.items())),
        )
        for e in result.events
    }
    rejects = {(r.id, r.source, tuple(str(x) for x in r.errors)) for r in result.rejects}
    return events, rejects


# 1 ----------------------------------------------------------------------------------------------------------

@FEW
@given(archives(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_input_order(archive, rnd):
    shuffled = list(archive)
    rnd.shuffle(shuffled)
    assert _digest(reconcile_reports(shuffled, PROFILE)) == _digest(reconcile_reports(archive, PROFILE))


def test_input_order_on_a_fixed_archive(profile):
    archive = [
        {"id": "j1", "source": "JMOD", "time": "2022-01-05T08:07+09:00", "distance": "about 500 km"},
        {"id": "c1", "source": "JCS", "time": "2022-01-05T08:08+09:00", "distance": "700"},
        {"id": "k1", "source": "KCNA", "time": "2022-01-05"},
        {"id": "j2", "source": "JMOD", "time": "2022-01-05T08:40+09:00"},
        {"id": "c2", "source": "JCS", "time": "2022-01-05T08:41+09:00"},
    ]
    assert _digest(reconcile_reports(archive[::-1], profile)) == _digest(reconcile_reports(archive, profile))


# 2 ----------------------------------------------------------------------------------------------------------

@SOME
@given(st.integers(0, 2_000_000), st.integers(0, 2_000_000))
def test_a_range_written_back_reads_back_as_itself(a, b):
    lo, hi = sorted((a / 100, b / 100))
    got = parse_quantity(f"between {lo} and {hi} km", "km")
    assert isinstance(got, Interval)
    assert (got.lo, got.hi) == (lo, hi)


@SOME
@given(instants().filter(lambda t: t % 60 != 0))
def test_an_iso_utc_instant_with_seconds_reads_back_as_itself(t):
    got = parse_time(format_instant(t), zone_name="Asia/Tokyo")
    assert isinstance(got, Interval)
    assert got.lo == got.hi == got.best == t


@SOME
@given(instants())
def test_an_iso_utc_instant_on_the_minute_reads_back_as_that_minute(t):
    t -= t % 60
    got = parse_time(format_instant(t), zone_name="Asia/Tokyo")
    assert isinstance(got, Interval)
    assert (got.lo, got.hi) == (t, t + 59)


@SOME
@given(times())
def test_a_time_written_in_any_form_and_zone_contains_its_instant(written):
    t, text = written
    got = parse_time(text, zone_name="UTC")
    assert isinstance(got, Interval), got
    assert got.lo <= t <= got.hi, (text, format_instant(got.lo), format_instant(got.hi), format_instant(t))
    assert got.hi - got.lo <= 86400


@SOME
@given(distances())
def test_a_distance_in_any_hedge_and_unit_contains_its_value(written):
    km, text = written
    got = parse_quantity(text, "km")
    assert isinstance(got, Interval), got
    assert got.lo <= km * (1 + 1e-9) and km * (1 - 1e-9) <= got.hi


@pytest.mark.parametrize("code", sorted(PROFILE.sources))
def test_a_sources_canonical_code_and_name_resolve_to_itself(code):
    assert RT.source(code) == (code, "alias")
    assert RT.source(PROFILE.sources[code].name) == (code, "alias")


@SOME
@given(sources(unknown=False))
def test_every_written_form_of_a_source_resolves_to_its_code(form):
    code, written = form
    assert RT.source(written)[0] == code
    assert RT.source(RT.source(written)[0])[0] == code


@SOME
@given(st.sampled_from(["Yonhap News Agency", "  Reuters  ", "NHK World", "Korea  Herald"]))
def test_an_unknown_source_is_a_fixed_point(name):
    once = RT.source(name)[0]
    assert RT.source(once) == (once, "unknown-source")


def test_every_gazetteer_name_and_alias_resolves_to_its_place():
    wrong = [(p.id, form, RT.place(form, ())[0]) for p in PROFILE.places for form in (p.name, *p.aliases)
             if RT.place(form, ())[0] != p.id]
    assert wrong == []


@SOME
@given(places())
def test_a_resolved_place_name_resolves_to_the_same_place(form):
    place_id, written = form
    code = RT.place(written, ())[0]
    assert code == place_id
    name = RT.gazetteer.places[code].name
    assert RT.place(name, ())[0] == code


def test_every_taxonomy_code_resolves_to_itself():
    wrong = [(t, c, RT.category(t, c)[0]) for t, tax in RT.taxonomies.items() for c in tax.codes
             if RT.category(t, c)[0] != c]
    assert wrong == []


def test_every_taxonomy_label_resolves_to_its_term():
    wrong = [(t, c, label, RT.category(t, label)[0]) for t, tax in RT.taxonomies.items()
             for c, label in tax.labels.items() if RT.category(t, label)[0] != c]
    assert wrong == []


@SOME
@given(st.text())
def test_text_key_is_idempotent(text):
    assert text_key(text_key(text)) == text_key(text)


# 3 ----------------------------------------------------------------------------------------------------------

@FEW
@given(archives(max_size=8))
def test_pair_scoring_is_symmetric(archive):
    reports = []
    for rec in archive:
        try:
            reports.append(normalise_report(rec, PROFILE))
        except ReportError:
            continue
    if len(reports) < 2:
        return
    f = build_features(reports, PROFILE)
    comps = comparators(PROFILE)
    a, b = np.triu_indices(len(reports), k=1)
    forward = score_pairs(f, a, b, comps)
    backward = score_pairs(f, b, a, comps)
    assert np.array_equal(forward, backward)
    for comp in comps:
        assert np.array_equal(comp.weights(f, a, b), comp.weights(f, b, a)), comp.name


# 4 ----------------------------------------------------------------------------------------------------------

@FEW
@given(archives())
def test_every_record_is_in_exactly_one_event_or_in_the_rejects(archive):
    result = reconcile_reports(archive, PROFILE)
    placed = [r.id for e in result.events for r in e.reports] + [r.id for r in result.rejects]
    assert sorted(placed) == sorted(str(rec["id"]) for rec in archive)
    for e in result.events:
        assert e.reports, "no empty events"
        assert set(e.current) <= {r.id for r in e.reports}


def test_records_that_cannot_be_read_are_accounted_for(profile):
    result = reconcile_reports([{"id": "a", "source": "JMOD", "time": "2022-01-05"}, "not a record",
                                {"id": "a", "source": "JMOD", "time": "2022-01-06"}, {"id": "b"}], profile)
    assert sum(len(e.reports) for e in result.events) + len(result.rejects) == 4
    assert [r.errors[0]["field"] for r in result.rejects] == ["record", "id", "source"]
    assert "another report of JMOD" in result.rejects[1].errors[0]["reason"]


def test_strategies_cover_what_they_promise():
    """The generated archives are not trivial: they include revisions, rejects and multi-report events."""
    seen = {"supersedes": False, "reject": False, "joined": False}

    @settings(max_examples=60, deadline=None)
    @given(archives())
    def look(archive):
        result = reconcile_reports(archive, PROFILE)
        seen["supersedes"] |= any("supersedes" in r for r in archive)
        seen["reject"] |= bool(result.rejects)
        seen["joined"] |= any(len(e.reports) > 1 for e in result.events)

    look()
    assert all(seen.values()), seen



_PIECES = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.sampled_from(["about", "km", "miles", "KST", "JST", "8:07", "a.m.", "2022-01-05", "오전", "시", "분", "時",
                     "分", "頃", "약", "約", "EEZ", "外", "-", "~", "between", "and", "more than", "1,000", "0",
                     "99999999999999999999", "Mach", "13:61", "24:00", "2022-02-29", "12月", "31日", "年"]),
)
_VALUES = st.one_of(st.lists(_PIECES, max_size=6).map(" ".join), st.integers(), st.floats(allow_nan=True),
                    st.none(), st.booleans(), st.lists(st.integers(), max_size=2))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["time", "issued_at", "distance", "apogee", "speed", "flight_time", "count",
                                        "launch_site", "landing_area", "event_type", "direction", "supersedes",
                                        "id", "source"]), _VALUES, max_size=8))
def test_any_record_is_a_report_or_a_report_error(profile, record):
    """Whatever a record holds, normalising it gives a report or a ReportError naming fields: never a crash."""
    record.setdefault("id", "x")
    record.setdefault("source", "JMOD")
    try:
        report = normalise_report(record, profile)
    except ReportError as err:
        assert err.problems and all(p.field for p in err.problems)
    else:
        assert report.id and report.source

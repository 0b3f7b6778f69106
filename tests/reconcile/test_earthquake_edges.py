"""Edge cases of the earthquake generalisation, each found in review and fixed: the docstrings say what went wrong
before and why it matters. Only the public functions are used (normalise_report, reconcile_reports, parse_profile,
the format readers)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from reconcile import ProfileError, ReportError, load_profile, normalise_report, parse_profile, reconcile_reports
from reconcile.formats import read_csv, read_jsonl

EQ_TOML = (Path(__file__).resolve().parents[2] / "reconcile" / "profiles" / "earthquake.toml").read_text("utf-8")
BASE = {"time": "2011-03-11T05:46:24Z", "latitude": 38.3, "longitude": 142.37}


@pytest.fixture(scope="module")
def quake():
    return load_profile("earthquake")


def _values(record, profile):
    return normalise_report({"id": "a", "source": "NEIC", **BASE, **record}, profile).values


# --- typed figures -------------------------------------------------------------------------------------------------

def test_decimal_comma_magnitude_is_not_split_into_two_figures(quake):
    """"Mw 6,1" (a decimal comma, as European agencies and spreadsheets write it) is split on the comma by
    ``record._typed`` into "Mw 6" and "1": the report silently gets Mw 6.0 (±0.5, wrong figure) plus an invented
    untyped magnitude M 1.0 that is then compared with other agencies' M figures. A wrong magnitude also moves the
    clustering windows (clustering.scale). Expected: Mw 6.1, or a reject naming `magnitude` - never Mw 6 + M 1."""
    try:
        values = _values({"magnitude": "Mw 6,1"}, quake)
    except ReportError as exc:
        assert [p.field for p in exc.problems] == ["magnitude"]
        return
    assert "magnitude.M" not in values, f"an invented M figure: {values.get('magnitude.M')}"
    assert values["magnitude.Mw"].best == pytest.approx(6.1)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_magnitude_object_with_non_finite_value_is_rejected(quake, bad):
    """``record._typed_one`` checks finiteness for a bare number but not for the object form
    {"type": "Mw", "value": NaN}: the NaN/inf figure is accepted (the HTTP API's JSON parser accepts NaN and
    Infinity). Downstream a NaN or infinite magnitude "agrees" with every other (``Interval.gap`` and the ROUNDING
    tolerance in ``consensus._numeric`` both treat NaN/inf as overlapping) and, being the only figure of the
    highest-ranked agency, becomes the event's consensus magnitude (best = nan/inf). It must be a reject naming
    the magnitude field."""
    with pytest.raises(ReportError) as info:
        _values({"magnitude": {"type": "Mw", "value": bad}}, quake)
    assert [p.field for p in info.value.problems] == ["magnitude"]


def test_non_finite_magnitude_never_agrees_as_consensus(quake):
    """Consequence of the test above, through reconcile_reports: NEIC's {"type": "Mw", "value": inf} and GFZ's
    Mw 6.0 are reported as agreeing with consensus Mw = inf. A figure that cannot be compared must not produce an
    agreeing consensus (nor be chosen as the preferred value)."""
    recs = [{"id": "a", "source": "NEIC", **BASE, "magnitude": {"type": "Mw", "value": float("inf")}},
            {"id": "b", "source": "GFZ", **BASE, "magnitude": "Mw 6.0"}]
    res = reconcile_reports(recs, quake)
    for e in res.events:
        c = e.consensus.get("magnitude.Mw")
        if c is not None:
            assert c.best is not None and math.isfinite(c.best), c


# --- depths ----------------------------------------------------------------------------------------------------------

def test_negative_depth_text_keeps_its_sign(quake):
    """A depth above sea level is negative in every modern catalogue (ComCat, QuakeML ``depth`` < 0 for events
    under volcanoes and mountains), and ``seismic.depth_text`` writes such an origin as "-1.2 km". The quantity
    reader drops the minus sign: the depth becomes +1.2 km (best 1.2, interval 1.15..1.25 widened by the default
    error), a wrong value that is then compared and may be the consensus. (The number -1.2 is instead rejected,
    which loses the whole solution.) Expected: best -1.2, or a reject naming `depth` - never +1.2."""
    from reconcile.seismic import depth_text

    raw = depth_text(-1200.0, None)
    try:
        values = _values({"depth": raw}, quake)
    except ReportError as exc:
        assert [p.field for p in exc.problems] == ["depth"]
        return
    assert values["depth"].best == pytest.approx(-1.2), f"{raw!r} read as {values['depth']}"


# --- positions: the same archive in CSV and JSON Lines ---------------------------------------------------------------

def test_csv_and_jsonl_give_the_same_epicentre(quake):
    """``position.coordinate`` says a number "(JSON, CSV)" is taken as known to at least a hundredth of a degree,
    but CSV cells arrive as text, so "38","142" in a CSV is a 1-degree cell: a 71 km radius instead of the 10 km
    default the same record gets from JSON Lines. The same two solutions 42 km apart are an epicentre conflict in
    JSONL and agree in CSV: results depend on the file format. Expected: the same radius (and conflicts) for both."""
    jsonl = [
        '{"id":"a","source":"NEIC","time":"2011-03-11T05:46:24Z","latitude":38,"longitude":142,"magnitude":"Mw 6.0"}',
        '{"id":"b","source":"GFZ","time":"2011-03-11T05:46:24Z","latitude":38.3,"longitude":142.3,'
        '"magnitude":"Mw 6.0"}',
    ]
    csv_lines = [
        "id,source,time,latitude,longitude,magnitude\n",
        "a,NEIC,2011-03-11T05:46:24Z,38,142,Mw 6.0\n",
        "b,GFZ,2011-03-11T05:46:24Z,38.3,142.3,Mw 6.0\n",
    ]

    def summary(records):
        res = reconcile_reports([r.data for r in records], quake)
        radii = {r.id: round(r.values["epicentre"].radius, 3) for e in res.events for r in e.reports}
        conflicts = sorted((c.field, c.severity) for e in res.events for c in e.conflicts)
        return radii, conflicts

    assert summary(read_csv(csv_lines)) == summary(read_jsonl(jsonl))


# --- typed fields written under their own key -------------------------------------------------------------------------

def test_per_type_key_takes_the_default_error(quake):
    """``Runtime.inputs`` accepts the per-type key ("magnitude.Mw", the column name the CSV export writes) as an
    input, but ``Runtime.uncertain`` excludes typed fields, so a figure given that way never gets the profile's
    default error (±0.2): Mw 6.1 is 6.05..6.15 instead of 5.9..6.3. GFZ's "Mw 6.4" is then in conflict with
    NEIC's {"magnitude.Mw": 6.1} but not with NEIC's {"magnitude": "Mw 6.1"}: a conflict from a key spelling."""
    via_type_key = _values({"magnitude.Mw": 6.1}, quake)["magnitude.Mw"]
    via_group = _values({"magnitude": "Mw 6.1"}, quake)["magnitude.Mw"]
    assert (via_type_key.lo, via_type_key.hi) == pytest.approx((via_group.lo, via_group.hi))


def test_per_type_key_and_typed_figure_do_not_depend_on_key_order(quake):
    """A record with both "magnitude": "Mw 6.1" and "magnitude.Mw": 7.0: with "magnitude" first, the per-type key
    silently overwrites Mw 6.1 (no warning); with "magnitude.Mw" first, Mw 6.1 is ignored with a warning. The
    normalised report depends on the order of keys in the record (JSON objects are unordered)."""
    first = normalise_report({"id": "a", "source": "NEIC", **BASE, "magnitude": "Mw 6.1", "magnitude.Mw": 7.0}, quake)
    second = normalise_report({"id": "a", "source": "NEIC", **BASE, "magnitude.Mw": 7.0, "magnitude": "Mw 6.1"}, quake)
    assert first.values.get("magnitude.Mw") == second.values.get("magnitude.Mw")
    assert sorted(first.warnings) == sorted(second.warnings)


# --- solution kinds: consensus vs conflicts ------------------------------------------------------------------

def test_within_consensus_does_not_agree_while_the_field_is_in_conflict(quake):
    """With ``within = "solution"``, ``consensus._within`` takes ``agree`` from the preferred kind only: two
    hypocentres that agree and two centroids 6 s apart give time.agree = True *and* a time conflict. Until this
    change ``agree`` was False exactly when the field had a conflict; the review page shows its "sources
    disagree" badge from ``agree === false`` (api/static/js/event.js) and so hides this one."""
    b = {"latitude": 0, "longitude": 0, "magnitude": "Mw 6.0"}
    recs = [
        {"id": "a", "source": "NEIC", "time": "2011-03-11T05:46:24Z", **b},
        {"id": "b", "source": "GFZ", "time": "2011-03-11T05:46:24Z", **b},
        {"id": "c", "source": "GCMT", "solution": "centroid", "time": "2011-03-11T05:46:34Z", **b},
        {"id": "d", "source": "NEIC", "solution": "centroid", "time": "2011-03-11T05:46:40Z", **b},
    ]
    res = reconcile_reports(recs, quake)
    assert len(res.events) == 1
    e = res.events[0]
    in_conflict = {c.field for c in e.conflicts}
    assert "time" in in_conflict
    assert e.consensus["time"].agree is False


# --- profile checks --------------------------------------------------------------------------------------------------

def test_profile_refuses_two_fields_reading_one_input_key():
    """``Runtime._inputs`` maps each input key to one (field, role); when two fields declare the same key (here
    epicentre.error and depth.error both "depth_error") the later silently wins: the epicentre never gets its
    stated error and nobody is told. With ``error = "time"`` on a field, the time key is taken away from the time
    field altogether. The profile checks accept both; a profile whose fields claim one input key is broken and must
    be refused with the key named."""
    broken = EQ_TOML.replace('error = "location_error"', 'error = "depth_error"', 1)
    assert broken != EQ_TOML
    with pytest.raises(ProfileError, match="depth_error"):
        parse_profile(broken)


def test_profile_refuses_scale_on_a_field_without_figures():
    """``clustering.scale.field`` is only checked to exist: ``field = "event_type"`` (a category) or ``"time"`` is
    accepted. ``features._scale`` then reads no figure at all (every pair gets the ``missing`` windows) or, for a
    time, epoch seconds (every pair gets the widest window): the scaling silently does nothing or the wrong thing.
    The checks must require a quantity field (or a typed group of quantities)."""
    for field in ("event_type", "time"):
        broken = EQ_TOML.replace('field = "magnitude"', f'field = "{field}"', 1)
        assert broken != EQ_TOML
        with pytest.raises(ProfileError, match="clustering.scale.field"):
            parse_profile(broken)

"""Incident kinds are data: the profile checks for the field features the earthquake profile introduced, and a
third kind (tropical-cyclone advisories, fixtures/profiles/cyclone.toml) that runs on the same engine without a
line of code of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconcile import load_profile, reconcile_reports
from reconcile.errors import ProfileError
from reconcile.profile import parse_profile

CYCLONE = Path(__file__).resolve().parents[2] / "fixtures" / "profiles" / "cyclone.toml"

BASE = """
name = "t"
title = "t"
[sources.A]
name = "A"
[fields.time]
kind = "time"
[fields.kind]
kind = "category"
taxonomy = "k"
[taxonomies.k]
root = "any"
[taxonomies.k.terms.any]
label = "any"
[taxonomies.k.terms.one]
label = "one"
parent = "any"
"""


@pytest.mark.parametrize(("extra", "problem"), [
    ('[fields.size]\nkind = "quantity"\nunit = "number"\ntypes = "nope"\n', "fields.size.types: unknown types table"),
    ('[fields.where]\nkind = "point"\ninputs = ["a", "b", "c"]\n', "read from one key or from two"),
    ('[fields.size]\nkind = "quantity"\nunit = "number"\nwithin = "time"\n', "'time' is not a category field"),
    ('[fields.size]\nkind = "quantity"\nunit = "number"\nerror_unit = "parsec"\n', "not a canonical unit"),
    ('[fields.other]\nkind = "category"\ntaxonomy = "k"\nprefer = ["two"]\n', "prefer: unknown term 'two'"),
    ('[fields.other]\nkind = "category"\ntaxonomy = "k"\ndefault = "two"\n', "default: unknown term 'two'"),
    ('[clustering]\ndistinct_by = "time"\n', "clustering.distinct_by: 'time' is not a category field"),
    ('[clustering.scale]\nfield = "size"\nat = [1, 2]\n[clustering.scale.windows]\ntime = [10, 20]\n',
     "clustering.scale.field: unknown field 'size'"),
    ('[clustering.scale]\nfield = "time"\nat = [2, 1]\n[clustering.scale.windows]\ntime = [10, 20]\n',
     "increasing order"),
    ('[clustering.scale]\nfield = "time"\nat = [1, 2]\n[clustering.scale.windows]\ntime = [10]\n',
     "1 windows for 2 values"),
    ('[clustering.scale]\nfield = "time"\nat = [1, 2]\n[clustering.scale.windows]\ntime = [10, 5000]\n',
     "windows past clustering.split_gap"),
    ('[clustering.scale]\nfield = "time"\nat = [1, 2]\n[clustering.scale.windows]\nkind = [10, 20]\n',
     "not a time or point field"),
    ('[clustering.scale]\nfield = "time"\nat = [1, 2]\nmissing = 3\n[clustering.scale.windows]\ntime = [10, 20]\n',
     "clustering.scale.missing: 3 is outside 1..2"),
    ('[clustering.scale]\nfield = "time"\nat = [1, 2]\n[clustering.scale.windows]\ntime = [0, 20]\n',
     "windows must be positive"),
    ('[fields.size]\nkind = "quantity"\nunit = "number"\ndefault_error = -1\n', "greater than or equal to 0"),
    ('[fields.size]\nkind = "quantity"\nunit = "number"\ntypes = "t"\n[types.t]\n"a.b" = []\n', "has no dot"),
    ('[fields.size]\nkind = "quantity"\nunit = "number"\ntypes = "t"\n[types.t]\nA = ["x"]\nB = ["x"]\n',
     "'x' is a spelling of A and B"),
    ('[fields.size]\nkind = "quantity"\nunit = "number"\nerror = "time"\n', "the key 'time' is read by size and time"),
    ('[fields.size]\nkind = "quantity"\nunit = "number"\nbest = "preferred"\nprefer_with = "time"\n',
     "must be a field with best"),
])
def test_profile_problems_are_named(extra, problem):
    with pytest.raises(ProfileError) as err:
        parse_profile(BASE + extra)
    assert problem in str(err.value)


def test_a_summary_names_fields():
    with pytest.raises(ProfileError) as err:
        parse_profile('summary = ["nope"]\n' + BASE)
    assert "summary: unknown field 'nope'" in str(err.value)
    assert parse_profile('summary = ["kind"]\n' + BASE).summary == ["kind"]


def test_the_built_in_earthquake_profile_loads_and_declares_its_kind_as_data():
    p = load_profile("earthquake")
    assert p.clustering.distinct_by == "solution" and p.clustering.scale is not None
    assert p.fields["magnitude.Mw"].group == "magnitude" and "Mww" in p.fields["magnitude.Mw"].aliases
    assert p.fields["depth"].assumed and p.fields["epicentre"].kind == "point"


ADVISORIES = [  # Typhoon Hagibis, 2019-10-10 00 UTC fixes (JTWC best track / RSMC Tokyo advisory style)
    {"id": "jtwc-20", "source": "JTWC", "time": "2019-10-10T00:00:00Z", "lat": "24.6N", "lon": "137.9E",
     "wind": "V1 130", "pressure": "925", "name": "Hagibis"},
    {"id": "jma-2019", "source": "RSMC Tokyo", "time": "2019-10-10 09:00 JST", "lat": "24.5N", "lon": "138.0E",
     "wind": "V10 100", "pressure": "915", "name": "HAGIBIS (1919)"},
    {"id": "hko-1", "source": "HKO", "time": "2019-10-10T00:00:00Z", "lat": "24.7N", "lon": "137.7E",
     "wind": "V10 95", "pressure": "935", "name": "Hagibis"},
    {"id": "jtwc-21", "source": "JTWC", "time": "2019-10-10T06:00:00Z", "lat": "25.3N", "lon": "137.6E",
     "wind": "V1 125", "name": "Hagibis"},
]


def test_a_third_kind_runs_on_the_same_engine():
    profile = load_profile(CYCLONE)
    result = reconcile_reports(ADVISORIES, profile)
    assert not result.rejects
    events = {frozenset(r.id for r in e.reports) for e in result.events}
    assert events == {frozenset({"jtwc-20", "jma-2019", "hko-1"}), frozenset({"jtwc-21"})}
    event = next(e for e in result.events if len(e.reports) == 3)
    conflicts = {c.field: c.severity for c in event.conflicts}
    # 1-minute and 10-minute winds side by side, never flagged; JMA's 915 hPa vs HKO's 935 hPa: 20 hPa, major
    assert "wind.V1" not in conflicts and "wind.V10" not in conflicts
    assert conflicts == {"pressure": "major"}
    assert event.consensus["centre"].preferred == "JMA/jma-2019"
    assert event.consensus["name"].text == "Hagibis"

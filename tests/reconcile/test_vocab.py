"""Taxonomies and the gazetteer compiled from the missile-launch profile (reconcile.vocab)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reconcile.vocab import MAJOR, MINOR, NONE, haversine_km

# (a, b, agree, severity)
TAXONOMY_CASES = [
    pytest.param("srbm", "icbm", False, MINOR, id="srbm-vs-icbm-same-family-minor"),
    pytest.param("irbm", "slbm", False, MINOR, id="irbm-vs-slbm-minor"),
    pytest.param("satellite_launch_vehicle", "ballistic_missile", False, MAJOR, id="slv-vs-ballistic-major"),
    pytest.param("satellite_launch_vehicle", "icbm", False, MAJOR, id="slv-vs-icbm-major"),
    pytest.param("cruise_missile", "ballistic_missile", False, MAJOR, id="cruise-vs-ballistic-major"),
    pytest.param("cruise_missile", "hypersonic_missile", False, MAJOR, id="cruise-vs-hypersonic-major"),
    pytest.param("hypersonic_missile", "ballistic_missile", True, NONE,
                 id="hypersonic-vs-ballistic-compatible"),
    pytest.param("hypersonic_missile", "icbm", True, NONE, id="hypersonic-vs-icbm-inherited-compatibility"),
    pytest.param("missile", "srbm", True, NONE, id="missile-vs-srbm-less-specific"),
    pytest.param("launch", "cruise_missile", True, NONE, id="root-agrees-with-everything"),
    pytest.param("srbm", "large_rocket", True, NONE, id="srbm-vs-large-rocket-declared-compatible"),
    pytest.param("icbm", "icbm", True, NONE, id="same-term"),
]


@pytest.mark.parametrize(("a", "b", "agree", "severity"), TAXONOMY_CASES)
def test_event_type_agreement_and_severity(rt, a, b, agree, severity):
    tax = rt.taxonomies["event_type"]
    assert tax.agree(a, b) is agree and tax.agree(b, a) is agree
    assert tax.severity(a, b) == severity == tax.severity(b, a)
    i, j = tax.index[a], tax.index[b]
    assert tax.related_m[i, j] == agree and tax.severity_m[i, j] == severity


@pytest.mark.parametrize(
    ("a", "b", "agree", "severity"),
    [
        pytest.param("east", "northeast", True, NONE, id="east-vs-northeast-compatible"),
        pytest.param("east", "west", False, MAJOR, id="east-vs-west"),
        pytest.param("any", "south", True, NONE, id="unspecified-vs-south"),
    ],
)
def test_direction_agreement(rt, a, b, agree, severity):
    tax = rt.taxonomies["direction"]
    assert tax.agree(a, b) is agree
    assert tax.severity(a, b) == severity


def test_severity_matrix_is_symmetric(rt):
    for tax in rt.taxonomies.values():
        assert np.array_equal(tax.severity_m, tax.severity_m.T)
        assert np.array_equal(tax.related_m, tax.related_m.T)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("SRBM", "srbm", id="abbreviation"),
        pytest.param("short-range ballistic missile", "srbm", id="english"),
        pytest.param("단거리탄도미사일", "srbm", id="korean"),
        pytest.param("弾道ミサイル", "ballistic_missile", id="japanese"),
        pytest.param("an unidentified ballistic missile", "ballistic_missile", id="alias-in-phrase"),
        pytest.param("Hwasong-17 ICBM", "icbm", id="name-and-class"),
        pytest.param("ICBM級弾道ミサイル", "icbm", id="ja-icbm-class"),
        pytest.param("military reconnaissance satellite", "satellite_launch_vehicle", id="satellite"),
        pytest.param("cruise missiles", "cruise_missile", id="plural"),
        pytest.param("hypersonic", "hypersonic_missile", id="hypersonic"),
    ],
)
def test_event_type_aliases(rt, text, code):
    assert rt.category("event_type", text)[0] == code


def test_unknown_event_type_has_no_code(rt):
    assert rt.category("event_type", "artillery") == ("", "unrecognised")


# ------------------------------------------------------------------------------------------------------------
# gazetteer


@pytest.mark.parametrize(
    ("outer", "inner"),
    [("pyongyang", "sunan"), ("north_korea", "pyongyang"), ("north_korea", "sunan"), ("sunan", "sunan"),
     ("east_sea", "wonsan_bay"), ("jagang", "kanggye")],
    ids=lambda v: v,
)
def test_containment(rt, outer, inner):
    g = rt.gazetteer
    assert g.is_ancestor_or_self(outer, inner)
    assert g.related(inner, outer) and g.related(outer, inner)
    assert g.distance_km(outer, inner) == 0.0
    if outer != inner:
        assert not g.is_ancestor_or_self(inner, outer)


def test_unrelated_places(rt):
    g = rt.gazetteer
    assert not g.related("sunan", "wonsan")
    assert not g.related("north_korea", "japan")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("Sunan area, Pyongyang", "sunan", id="district-and-city"),
        pytest.param("Pyongyang", "pyongyang", id="city"),
        pytest.param("North Korea", "north_korea", id="country"),
        pytest.param("inland Jagang Province", "jagang", id="province"),
        pytest.param("순안", "sunan", id="ko-sunan"),
        pytest.param("Tongchang-ri", "sohae", id="tongchang-ri"),
        pytest.param("Dongchang-ri", "sohae", id="dongchang-ri"),
        pytest.param("Tongch'ang-ni", "sohae", id="mccune-reischauer"),
        pytest.param("동창리", "sohae", id="ko-dongchangri"),
        pytest.param("東倉里", "sohae", id="ja-tonchanri"),
        pytest.param("Sohae", "sohae", id="sohae"),
        pytest.param("East Sea", "east_sea", id="east-sea"),
        pytest.param("Sea of Japan", "east_sea", id="sea-of-japan"),
        pytest.param("동해상", "east_sea", id="ko-donghaesang"),
        pytest.param("日本海", "east_sea", id="ja-nihonkai"),
        pytest.param("Pyongyang Sunan International Airport", "pyongyang_international_airport",
                     id="most-specific"),
    ],
)
def test_place_aliases(rt, text, code):
    assert rt.place(text, ())[0] == code


def test_east_sea_and_sea_of_japan_are_the_same_place(rt):
    assert rt.place("East Sea", ())[0] == rt.place("Sea of Japan", ())[0] == rt.place("日本海", ())[0]


@pytest.mark.parametrize(
    ("text", "code"),
    [("Pyongyng", "pyongyang"), ("Sunann", "sunan"), ("Tongchang-rri", "sohae"),
     ("Punggye-rie", "punggye_ri"), ("Wonsann", "wonsan")],
    ids=lambda v: v,
)
def test_fuzzy_misspellings(rt, text, code):
    got, rule, _ = rt.place(text, ())
    assert got == code
    assert rule.startswith("fuzzy:")


def test_unknown_place(rt):
    assert rt.place("Xyzzy", ()) == ("", "unrecognised", None)


def test_haversine():
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.195, abs=0.01)  # one degree of a great circle
    there = haversine_km(39.03, 125.75, 39.15, 127.44)
    assert there == pytest.approx(haversine_km(39.15, 127.44, 39.03, 125.75))
    assert haversine_km(10, 20, 10, 20) == 0


def test_distance_is_between_areas_not_centres(rt):
    g = rt.gazetteer
    a, b = g.places["pyongyang"], g.places["wonsan"]
    centres = haversine_km(a.lat, a.lon, b.lat, b.lon)
    assert g.distance_km("pyongyang", "wonsan") == pytest.approx(centres - a.radius_km - b.radius_km)
    assert g.distance_km("wonsan", "pyongyang") == g.distance_km("pyongyang", "wonsan")
    assert 100 < g.distance_km("pyongyang", "wonsan") < 120


def test_near_and_far_places(rt):
    g = rt.gazetteer
    assert g.distance_km("sunan", "ryongsong") < 100  # neighbouring districts of Pyongyang
    assert g.distance_km("sohae", "tonghae_launch_site") > 150  # the two coasts


def test_coordinates_fall_back_to_the_nearest_ancestor(rt):
    g = rt.gazetteer
    assert g.coordinates("sunan") == (39.2, 125.69)
    for code in g.codes:
        coords = g.coordinates(code)
        assert coords is None or (-90 <= coords[0] <= 90 and -180 <= coords[1] <= 180)


def test_distance_matrix_matches_the_scalar(rt):
    g = rt.gazetteer
    for a, b in [("sunan", "wonsan"), ("sohae", "hamhung"), ("pyongyang", "sunan")]:
        d = g.distance_m[g.index[a], g.index[b]]
        assert d == pytest.approx(g.distance_km(a, b), rel=1e-5)
        assert not math.isnan(d)

"""Coordinates, positions and typed figures as reported (reconcile.normalise.position), table-driven."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconcile.errors import FieldProblem
from reconcile.normalise.position import (
    coordinate,
    great_circle_km,
    position,
    precision_radius,
    typed_figure,
)


@pytest.mark.parametrize(("raw", "axis", "value", "step"), [
    (38.297, "lat", 38.297, 0.001),
    (-36.122, "lat", -36.122, 0.001),
    (142, "lon", 142.0, 0.01),  # a number's digits say little: at least a hundredth of a degree
    (35.0, "lat", 35.0, 0.01),
    ("38.297", "lat", 38.297, 0.001),
    ("38", "lat", 38.0, 0.01),  # a bare decimal as text (a CSV cell) is a number: at least 0.01 degree
    ("36.67S", "lat", -36.67, 0.01),
    ("73.48W", "lon", -73.48, 0.01),
    ("S36.67", "lat", -36.67, 0.01),
    ("36.67 S", "lat", -36.67, 0.01),
    ("-36.67", "lat", -36.67, 0.01),
    ("38°06.2'N", "lat", 38 + 6.2 / 60, 0.1 / 60),
    ("142°51.6'E", "lon", 142 + 51.6 / 60, 0.1 / 60),
    ("38° 06' 12\" N", "lat", 38 + 6 / 60 + 12 / 3600, 1 / 3600),
    ("北緯38.1度", "lat", 38.1, 0.1),
    ("東経142.9度", "lon", 142.9, 0.1),
    ("북위 41.3", "lat", 41.3, 0.1),
    ("190.5", "lon", -169.5, 0.01),  # 0..360 longitudes are folded to -180..180
    ("18.5593 E", "lon", 18.5593, 0.0001),
])
def test_coordinates(raw, axis, value, step):
    got = coordinate(raw, axis)
    assert not isinstance(got, FieldProblem), got
    assert got[0] == pytest.approx(value)
    assert got[1] == pytest.approx(step)


@pytest.mark.parametrize(("raw", "axis", "reason"), [
    (123.4, "lat", "outside -90..90"),
    ("91N", "lat", "outside -90..90"),
    ("400", "lon", "outside -180..360"),
    ("73.48W", "lat", "is a longitude, not a latitude"),
    ("36.67S", "lon", "is a latitude, not a longitude"),
    ("north of Tokyo", "lat", "not a coordinate"),
    ("36.67S 73.48W", "lat", "expected one latitude, found 2"),
    ("", "lat", "not a coordinate"),
    (float("nan"), "lat", "not a finite latitude"),
])
def test_bad_coordinates_say_why(raw, axis, reason):
    got = coordinate(raw, axis)
    assert isinstance(got, FieldProblem)
    assert reason in got.reason


@pytest.mark.parametrize(("raw", "lat", "lon"), [
    ("36.67S 73.48W", -36.67, -73.48),
    ("36.67S, 73.48W", -36.67, -73.48),
    ("38.30, 142.37", 38.30, 142.37),
    ("142.37E 38.30N", 38.30, 142.37),  # longitude first, said so by the hemispheres
    ("N38.30 E142.37", 38.30, 142.37),
    ("38°06.2'N 142°51.6'E", 38 + 6.2 / 60, 142 + 51.6 / 60),
])
def test_positions(raw, lat, lon):
    got = position(raw)
    assert not isinstance(got, FieldProblem), got
    assert got[0][0] == pytest.approx(lat)
    assert got[1][0] == pytest.approx(lon)


@pytest.mark.parametrize(("raw", "reason"), [
    ("36.67S", "expected a latitude and a longitude"),
    ("36.67S 73.48S", "two latitudes or two longitudes"),
    ("100N 20E", "outside -90..90"),
])
def test_bad_positions(raw, reason):
    got = position(raw)
    assert isinstance(got, FieldProblem)
    assert reason in got.reason


@pytest.mark.parametrize(("raw", "kind", "value", "error", "shown"), [
    ("Mw 6.1", "Mw", 6.1, None, "6.1"),
    ("6.1 Mw", "Mw", 6.1, None, "6.1"),
    ("Mw6.1", "Mw", 6.1, None, "6.1"),
    ("Mww 9.1", "Mww", 9.1, None, "9.1"),
    ("mb1mx 4.2", "mb1mx", 4.2, None, "4.2"),
    ("Ms_20 5.1", "Ms_20", 5.1, None, "5.1"),
    ("MJMA 7.3", "MJMA", 7.3, None, "7.3"),
    ("Mw 6.1 ± 0.1", "Mw", 6.1, 0.1, "6.1"),
    ("Mw 6.1 +/- 0.12", "Mw", 6.1, 0.12, "6.1"),
    ("ML -0.4", "ML", -0.4, None, "-0.4"),
    ("M 4.5", "M", 4.5, None, "4.5"),
    ("4.5", "", 4.5, None, "4.5"),
    ("Mw: 6.1", "Mw", 6.1, None, "6.1"),
])
def test_typed_figures(raw, kind, value, error, shown):
    assert typed_figure(raw) == (kind, value, error, shown)


@pytest.mark.parametrize("raw", ["Mw", "Mw 6.1 mb", "big", "6.1 Mw 5"])
def test_bad_typed_figures(raw):
    assert isinstance(typed_figure(raw), FieldProblem)


def test_precision_radius_is_half_the_cells_diagonal():
    # 0.1 degree at the equator: a cell 11.1 km square, half its diagonal 7.9 km
    assert precision_radius(0.0, 0.1, 0.1) == pytest.approx(math.hypot(5.56, 5.56), rel=1e-3)
    # longitude degrees shrink towards the poles
    assert precision_radius(60.0, 0.1, 0.1) < precision_radius(0.0, 0.1, 0.1)


@pytest.mark.parametrize(("a", "b", "km"), [
    ((0.0, 0.0), (0.0, 1.0), 111.19),
    ((38.297, 142.373), (38.103, 142.86), 47.7),  # USGS vs JMA, Tohoku 2011
    ((0.0, 179.5), (0.0, -179.5), 111.19),  # across the antimeridian
    ((90.0, 0.0), (90.0, 120.0), 0.0),
])
def test_great_circle(a, b, km):
    assert great_circle_km(*a, *b) == pytest.approx(km, abs=0.5)


@given(st.floats(-90, 90), st.floats(-180, 180), st.floats(-90, 90), st.floats(-180, 180))
def test_great_circle_is_a_symmetric_bounded_distance(lat1, lon1, lat2, lon2):
    d = great_circle_km(lat1, lon1, lat2, lon2)
    assert d == pytest.approx(great_circle_km(lat2, lon2, lat1, lon1), abs=1e-6)
    assert 0.0 <= d <= math.pi * 6371.0 + 1e-6


@given(st.floats(-90, 90, allow_nan=False).map(lambda x: round(x, 3)),
       st.floats(-180, 180, allow_nan=False).map(lambda x: round(x, 3)))
def test_a_position_written_with_hemispheres_reads_back(lat, lon):
    text = f"{abs(lat):.3f}{'N' if lat >= 0 else 'S'} {abs(lon):.3f}{'E' if lon >= 0 else 'W'}"
    got = position(text)
    assert not isinstance(got, FieldProblem)
    assert got[0][0] == pytest.approx(lat, abs=1e-9)
    assert got[1][0] == pytest.approx(lon if lon != -180.0 else -180.0, abs=1e-9)


@pytest.mark.parametrize("text", ["0.0S 120.0E", "0.0 S, 120 E", "-0.0 120.0"])
def test_the_equator_south_is_zero_not_minus_zero(text):
    (lat, _), _ = position(text)
    assert lat == 0.0 and math.copysign(1.0, lat) == 1.0

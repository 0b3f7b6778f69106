"""Positions and typed figures: latitude/longitude as reported, and figures that carry their own type ("Mw 6.1").

Coordinates come as decimal degrees (``-36.67``), with a hemisphere (``36.67S``, ``S36.67``), in degrees and
minutes (``38°06.2'N``), with Japanese or Korean hemisphere words (``北緯38.1度``, ``북위 38.1``), or both in one
text (``"36.67S 73.48W"``, ``"38.30, 142.37"``). A coordinate written as text is known to its last digit:
``"38.1N"`` is ``38.05..38.15``, which sets the least radius of the position (about 7 km here); a bare number (JSON,
or a CSV cell) has lost its trailing zeros and is taken as known to at least a hundredth of a degree.

A typed figure is a type code and a number in either order (``Mw 6.1``, ``6.1 Mw``, ``Mw6.1``, ``MJMA 7.3``) with an
optional stated error (``Mw 6.1 ± 0.1``); a figure without a type has type ``""``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

from ..errors import FieldProblem

KM_PER_DEGREE = 111.195  # a degree of latitude (mean Earth radius 6,371 km)

_HEMI = {"n": 1, "s": -1, "e": 1, "w": -1, "north": 1, "south": -1, "east": 1, "west": -1,
         "北緯": 1, "南緯": -1, "東経": 1, "西経": -1, "북위": 1, "남위": -1, "동경": 1, "서경": -1}
_AXIS = {"n": "lat", "s": "lat", "north": "lat", "south": "lat", "北緯": "lat", "南緯": "lat", "북위": "lat",
         "남위": "lat", "e": "lon", "w": "lon", "east": "lon", "west": "lon", "東経": "lon", "西経": "lon",
         "동경": "lon", "서경": "lon"}
_COORD = re.compile(
    r"""(?P<pre>北緯|南緯|東経|西経|북위|남위|동경|서경|[NSEW](?![a-z]))?\s*
        (?P<sign>[-+])?\s*
        (?P<deg>\d+(?:\.\d+)?)\s*(?:°|º|度|deg(?:rees)?(?![a-z])|d(?![a-z]))?\s*
        (?:(?P<min>\d+(?:\.\d+)?)\s*(?:'|′|’|分|m(?:in)?(?![a-z]))\s*)?
        (?:(?P<sec>\d+(?:\.\d+)?)\s*(?:"|″|”|''|秒)\s*)?
        (?P<post>north|south|east|west|[NSEW](?![a-z]))?""",
    re.X | re.I,
)
_SEPARATORS = re.compile(r"^[\s,;/]*$")
_PLAIN = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _clean(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).replace("−", "-").strip()


def _one(m: re.Match[str]) -> tuple[float, float, str | None]:
    """(signed degrees, the precision in degrees, the axis its hemisphere names if any)."""
    deg = float(m.group("deg"))
    last = m.group("deg")
    scale = 1.0
    if m.group("min"):
        deg += float(m.group("min")) / 60
        last, scale = m.group("min"), 1 / 60
    if m.group("sec"):
        deg += float(m.group("sec")) / 3600
        last, scale = m.group("sec"), 1 / 3600
    decimals = len(last.split(".")[1]) if "." in last else 0
    precision = scale * 10.0 ** -decimals
    hemi = (m.group("pre") or m.group("post") or "").lower()
    sign = -1.0 if m.group("sign") == "-" else 1.0
    if hemi:
        sign = float(_HEMI[hemi]) if sign > 0 else -float(_HEMI[hemi])
    return sign * deg + 0.0, precision, _AXIS.get(hemi)  # + 0.0: "0.0 S" is the equator, not -0.0


@lru_cache(maxsize=50_000)
def parse_coordinates(raw: str) -> list[tuple[float, float, str | None]] | FieldProblem:
    """The coordinates in a text, in order: (degrees, precision in degrees, axis named by a hemisphere or None)."""
    text = _clean(raw)
    found, pos = [], 0
    for m in _COORD.finditer(text):
        if not m.group("deg"):
            continue
        if not _SEPARATORS.match(text[pos:m.start()]):
            return FieldProblem("", f"not a coordinate: {raw!r}", raw)
        found.append(_one(m))
        pos = m.end()
    if not found or not _SEPARATORS.match(text[pos:]):
        return FieldProblem("", f"not a coordinate: {raw!r}", raw)
    return found


def coordinate(raw: str | int | float, axis: str) -> tuple[float, float] | FieldProblem:
    """One latitude or longitude (``axis`` 'lat' or 'lon'): (degrees, precision in degrees)."""
    if isinstance(raw, str) and _PLAIN.fullmatch(raw.strip()):
        raw_number: int | float = float(raw)  # a bare decimal (a CSV cell) is a number, as in JSON
    elif isinstance(raw, int | float):
        raw_number = raw
    else:
        raw_number = math.nan
    if isinstance(raw, int | float) or not math.isnan(raw_number):
        # a number has lost its trailing zeros (JSON and CSV write 35.0 as 35.0 or 35): its digits say little of
        # its precision, so it is taken as given to at least the hundredth of a degree (about a kilometre)
        text = repr(float(raw_number)) if isinstance(raw_number, float) else str(raw_number)
        decimals = len(text.split(".")[1].rstrip("0")) if "." in text and "e" not in text else 0
        return _in_range(float(raw_number), axis, raw, min(10.0 ** -decimals, 0.01))
    found = parse_coordinates(raw)
    if isinstance(found, FieldProblem):
        return found
    if len(found) != 1:
        return FieldProblem("", f"expected one {_NAMES[axis]}, found {len(found)} in {raw!r}", raw)
    value, precision, named = found[0]
    if named is not None and named != axis:
        return FieldProblem("", f"{raw!r} is a {_NAMES[named]}, not a {_NAMES[axis]}", raw)
    return _in_range(value, axis, raw, precision)


_NAMES = {"lat": "latitude", "lon": "longitude"}


def _in_range(value: float, axis: str, raw: object, precision: float) -> tuple[float, float] | FieldProblem:
    if not math.isfinite(value):
        return FieldProblem("", f"not a finite {_NAMES[axis]}: {raw!r}", raw)
    if axis == "lat" and not -90.0 <= value <= 90.0:
        return FieldProblem("", f"latitude {value:g} is outside -90..90", raw)
    if axis == "lon":
        if not -180.0 <= value <= 360.0:
            return FieldProblem("", f"longitude {value:g} is outside -180..360", raw)
        if value > 180.0:
            value -= 360.0
    return value, precision


def position(raw: str) -> tuple[tuple[float, float], tuple[float, float]] | FieldProblem:
    """Latitude and longitude from one text ("36.67S 73.48W", "38.30, 142.37", "142.37E 38.30N"):
    ((lat, its precision), (lon, its precision))."""
    found = parse_coordinates(raw)
    if isinstance(found, FieldProblem):
        return found
    if len(found) != 2:
        return FieldProblem("", f"expected a latitude and a longitude in {raw!r}", raw)
    (a, pa, axis_a), (b, pb, axis_b) = found
    if axis_a == "lon" or axis_b == "lat":  # written longitude first
        (a, pa, axis_a), (b, pb, axis_b) = (b, pb, axis_b), (a, pa, axis_a)
    if axis_a == "lon" or axis_b == "lat":
        return FieldProblem("", f"two latitudes or two longitudes in {raw!r}", raw)
    lat, lon = _in_range(a, "lat", raw, pa), _in_range(b, "lon", raw, pb)
    if isinstance(lat, FieldProblem):
        return lat
    if isinstance(lon, FieldProblem):
        return lon
    return lat, lon


def precision_radius(lat: float, lat_step: float, lon_step: float) -> float:
    """The radius (km) a position given to these steps (degrees) is known within: half the diagonal of its cell."""
    dy = lat_step / 2 * KM_PER_DEGREE
    dx = lon_step / 2 * KM_PER_DEGREE * math.cos(math.radians(lat))
    return math.hypot(dx, dy)


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


_TYPED = re.compile(
    r"""^\s*(?P<t1>[^\W\d][\w()/-]*?)?\s*[:=]?\s*
        (?P<num>[-+]?\d+(?:\.\d+)?)
        (?:\s*(?:±|\+/-|\+-)\s*(?P<err>\d+(?:\.\d+)?))?
        \s*(?P<t2>[^\W\d][\w()/-]*)?\s*$""",
    re.X,
)


@lru_cache(maxsize=20_000)
def typed_figure(raw: str) -> tuple[str, float, float | None, str] | FieldProblem:
    """(type as written, value, stated error or None, the figure as written) from "Mw 6.1", "6.1 Mw", "Mw6.1 ± 0.1"."""
    m = _TYPED.match(_clean(raw))
    if m is None or (m.group("t1") and m.group("t2")):
        return FieldProblem("", f"expected a type and a figure such as 'Mw 6.1', got {raw!r}", raw)
    kind = m.group("t1") or m.group("t2") or ""
    return kind, float(m.group("num")), float(m.group("err")) if m.group("err") else None, m.group("num")

"""Seeded generator of labelled earthquake archives (agency solutions) for benchmarking the earthquake profile.

    python bench/gen_quakes.py --reports 100000 --seed 1 --out DIR

writes DIR/reports.jsonl (one agency solution a line, in order of publication) and DIR/truth.json
(docs/formats.md: true events with their solutions and injected conflicts, expected rejects). Output is streamed
as in bench/generate.py: a solution is written once no later quake can publish before it, truth events go to a
side file stitched into truth.json at the end, so memory stays flat at any size (what is held is bounded by the
rate of quakes times the longest publication delay, ISC's).

The model (docs/earthquakes.md is the contract the labels follow):

- Quakes: a Poisson background (``--quakes-per-day``, 80 by default: the global rate of M >= 3.5) on real
  seismic belts (Japan trench, Kuril/Izu, Chile, Peru, Mexico, Sumatra/Java/Banda, Philippines, PNG/Vanuatu,
  Tonga/Fiji, Aleutians/Alaska, California, Turkey/Aegean, Hindu Kush/Himalaya, Iran, Mid-Atlantic ridge).
  Magnitudes Gutenberg-Richter (b = 1, M 3.5-9); depths mostly shallow, with intermediate and deep shares per
  belt. Quarry blasts and explosions (about 2%) on land belts in daytime, M < 4.3.
- Aftershocks: every M >= 5.5 starts an Omori sequence (p = 1, c = 7 min, over 45 days) of
  10^(M - 4.7) aftershocks (at most 400), Gutenberg-Richter up to M - 0.5, along the belt over the rupture length
  (Wells-Coppersmith). None is catalogued inside the mainshock's coda (1.5 x its association window + 10 s);
  any two quakes within 200 km stand at least 10 s apart. Early aftershocks come several a minute, seconds to
  minutes apart and a few km apart: the hard case.
- Agencies: NEIC always from M 4.5 (and in the US belts), EMSC, GFZ, IDC from M 4, JMA near Japan, AFAD/KOERI
  near Turkey and the Aegean, CSN in Chile, ISC as a reviewed bulletin 30-90 days later, GCMT centroids from
  M 5.5, and from M 5.5 some NEIC (W-phase) and GFZ centroids besides their hypocentres. 2-8 agencies a quake.
  Some NEIC/EMSC/GFZ/JMA/AFAD solutions and most IDC ones come first as an automatic solution superseded by the
  reviewed one. Names in several spellings, coordinates as numbers or hemisphere strings, JMA times in JST,
  fixed depths ("10 km fixed", "10f", "33f", "0 km fixed", "12 km fixed"), several magnitude types a solution.
- Scatter of unlabelled solutions stays inside the rules: time within +/- 3.5 s of the truth, epicentre within
  20 km, measured depth within 12 km, each magnitude type within 0.15 of that type's value; stated errors mostly
  cover the solution's own deviation. Centroids are the true centroid (seconds later, 10-40 km off) with their
  own scatter, compared only with centroids.
- Injected disagreements, labelled major: time (12-30 s off), epicentre (60-150 km off), both only where the
  offset stays inside 0.7 of the association window for the offender's magnitude and no other quake is near;
  depth (40-80 km off, both measured); one magnitude type (0.7-1.2 units off); event type (explosion vs
  earthquake). Labels are derived from the values written: a field is labelled when some pair of current
  solutions (of two agencies, of one solution kind) is apart beyond the major threshold even counting both
  errors, and every other pair of every field is checked to stay below the threshold by a margin.
- About 0.2% of records are malformed and listed as expected rejects.
"""

from __future__ import annotations

import argparse
import bisect
import heapq
import math
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from gen_report import dumps, push_malformed
from generate import _Writer

VERSION = 2  # bump when the archives change, so that cached ones are regenerated (bench/run.py)
QUAKES_PER_DAY = 80.0
START = "2010-01-01T00:00:00Z"
DAY = 86400.0
LOOK = 600.0  # a quake is rendered once every quake up to this many seconds after it exists
M_MIN, M_MAX = 3.5, 9.0
EARTH_KM = 6371.0

# -- the contract's thresholds (docs/earthquakes.md) and the margins the labels keep ------------------------------
DEFAULT_ERR = {"time": 1.0, "epicentre": 10.0, "depth": 5.0, "magnitude": 0.2}
MAJOR = {"time": 10.0, "epicentre": 50.0, "depth": 30.0, "magnitude": 0.5}
MARGIN = {"time": 0.5, "epicentre": 2.0, "depth": 2.0, "magnitude": 0.05}
CLIP = {"time": 3.5, "epicentre": 20.0, "depth": 12.0, "magnitude": 0.1}  # unlabelled deviation from the truth
WINDOWS = ((4.0, 10.0, 50.0), (5.0, 20.0, 100.0), (6.0, 30.0, 150.0), (7.0, 60.0, 250.0), (8.0, 90.0, 400.0),
           (9.0, 120.0, 600.0))

INJECT_RATES = {"time": 0.004, "epicentre": 0.004, "depth": 0.015, "magnitude": 0.025, "event_type": 0.008}
MALFORMED_RATE = 0.0021
EXPLOSIVE = ("explosion", "quarry blast")

MAG_GROUP = {"Mw": "Mw", "MW": "Mw", "Mww": "Mw", "Mwc": "Mw", "Mwb": "Mw", "Mwr": "Mw", "mb": "mb", "mb1mx": "mb",
             "Ms": "Ms", "MS": "Ms", "Ms_20": "Ms", "Ms1mx": "Ms", "ML": "ML", "Ml": "ML", "MLv": "ML", "Mj": "Mj",
             "Md": "Md"}


def window(m: float) -> tuple[float, float]:
    """The association window (seconds, km) for a magnitude, interpolated as the contract says."""
    if m <= WINDOWS[0][0]:
        return WINDOWS[0][1], WINDOWS[0][2]
    for (m0, t0, d0), (m1, t1, d1) in zip(WINDOWS, WINDOWS[1:], strict=False):
        if m <= m1:
            f = (m - m0) / (m1 - m0)
            return t0 + f * (t1 - t0), d0 + f * (d1 - d0)
    return WINDOWS[-1][1], WINDOWS[-1][2]


class Picker:
    def __init__(self, items: Any) -> None:
        pairs = list(items)
        self.values = [v for v, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


# -- geography ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Belt:
    a: tuple[float, float]  # (lat, lon) ends; lon may run past 180 to cross the date line
    b: tuple[float, float]
    width: float  # km, across the belt (one sigma)
    names: tuple[str, ...]  # Flinn-Engdahl regions along the belt
    weight: float
    p_int: float = 0.0  # share of intermediate (70-300 km) and deep (300-650 km) quakes
    p_deep: float = 0.0
    tags: frozenset[str] = frozenset()
    jp: tuple[str, ...] = ()  # JMA's own region names along the belt


def _b(a, b, width, names, weight, p_int=0.0, p_deep=0.0, tags="", jp=()) -> Belt:  # noqa: ANN001
    return Belt(a, b, width, tuple(names), weight, p_int, p_deep, frozenset(tags.split()), tuple(jp))


BELTS = (
    _b((41.5, 143.8), (38.0, 143.2), 40, ["OFF EAST COAST OF HONSHU, JAPAN"], 3.0, 0.10, 0.0, "japan", ["三陸沖"]),
    _b((38.6, 142.0), (35.6, 141.2), 30, ["NEAR EAST COAST OF HONSHU, JAPAN"], 3.0, 0.20, 0.0, "japan",
       ["宮城県沖", "福島県沖"]),
    _b((43.2, 146.5), (41.8, 142.8), 40, ["HOKKAIDO, JAPAN REGION"], 1.5, 0.25, 0.0, "japan", ["十勝沖"]),
    _b((34.5, 139.6), (30.0, 140.8), 40, ["IZU ISLANDS, JAPAN REGION"], 1.5, 0.30, 0.15, "japan", ["伊豆諸島近海"]),
    _b((33.4, 131.8), (30.8, 131.0), 35, ["KYUSHU, JAPAN"], 1.0, 0.15, 0.0, "japan", ["日向灘"]),
    _b((45.5, 151.0), (49.5, 156.5), 50, ["KURIL ISLANDS"], 1.5, 0.20, 0.05),
    _b((-18.5, -70.8), (-24.0, -70.6), 55, ["TARAPACA, CHILE", "ANTOFAGASTA, CHILE"], 2.0, 0.35, 0.0, "chile"),
    _b((-30.0, -71.8), (-38.0, -73.6), 45, ["NEAR COAST OF CENTRAL CHILE", "OFFSHORE BIO-BIO, CHILE"], 2.5,
       0.15, 0.0, "chile"),
    _b((-6.0, -81.0), (-17.0, -74.0), 70, ["NEAR COAST OF NORTHERN PERU", "NEAR COAST OF PERU"], 1.5, 0.30, 0.03),
    _b((19.0, -105.5), (15.0, -94.0), 55, ["GUERRERO, MEXICO", "OAXACA, MEXICO"], 1.5, 0.15),
    _b((5.0, 95.0), (-5.5, 102.0), 60, ["NORTHERN SUMATRA, INDONESIA", "SOUTHERN SUMATRA, INDONESIA"], 3.0, 0.15),
    _b((-8.5, 106.0), (-9.0, 118.0), 70, ["JAVA, INDONESIA", "SUMBAWA REGION, INDONESIA"], 2.0, 0.30, 0.15),
    _b((-6.0, 124.0), (-7.5, 130.0), 100, ["BANDA SEA"], 1.5, 0.30, 0.30),
    _b((18.5, 121.0), (6.0, 126.5), 60, ["LUZON, PHILIPPINES", "MINDANAO, PHILIPPINES"], 2.0, 0.15),
    _b((-5.5, 146.0), (-10.0, 161.0), 70, ["NEW BRITAIN REGION, P.N.G.", "SOLOMON ISLANDS"], 2.5, 0.20),
    _b((-13.0, 166.5), (-21.0, 169.5), 55, ["VANUATU"], 2.0, 0.20, 0.03),
    _b((-15.0, -173.5), (-25.0, -176.0), 70, ["TONGA ISLANDS", "SOUTH OF TONGA ISLANDS"], 2.5, 0.25, 0.25),
    _b((-17.5, 181.5), (-22.0, 179.5), 90, ["FIJI ISLANDS REGION", "SOUTH OF FIJI ISLANDS"], 1.5, 0.20, 0.60),
    _b((51.4, 178.0), (52.8, 193.5), 50, ["RAT ISLANDS, ALEUTIAN ISLANDS", "ANDREANOF ISLANDS, ALEUTIAN IS."],
       2.0, 0.10, 0.0, "us"),
    _b((53.5, 196.0), (59.5, 213.0), 60, ["ALASKA PENINSULA", "SOUTHERN ALASKA"], 1.5, 0.20, 0.0, "us land"),
    _b((40.5, -124.8), (37.0, -121.5), 35, ["OFFSHORE NORTHERN CALIFORNIA", "NORTHERN CALIFORNIA"], 1.0, 0.0, 0.0,
       "us land"),
    _b((36.5, -120.8), (32.8, -115.5), 45, ["CENTRAL CALIFORNIA", "SOUTHERN CALIFORNIA"], 1.5, 0.0, 0.0,
       "us land"),
    _b((40.7, 26.5), (40.8, 31.5), 35, ["WESTERN TURKEY", "TURKEY"], 1.0, 0.0, 0.0, "turkey land"),
    _b((39.5, 39.5), (37.0, 36.0), 45, ["EASTERN TURKEY", "CENTRAL TURKEY"], 1.5, 0.0, 0.0, "turkey land"),
    _b((38.8, 22.0), (37.0, 26.5), 55, ["GREECE", "AEGEAN SEA"], 1.5, 0.05, 0.0, "aegean land"),
    _b((35.0, 24.5), (35.5, 27.5), 45, ["CRETE, GREECE", "DODECANESE ISLANDS, GREECE"], 0.7, 0.10, 0.0,
       "aegean"),
    _b((36.3, 70.3), (36.7, 71.5), 35, ["HINDU KUSH REGION, AFGHANISTAN"], 1.0, 0.70),
    _b((34.0, 73.5), (27.5, 88.0), 70, ["NORTHWESTERN KASHMIR", "NEPAL"], 1.5, 0.0, 0.0, "land"),
    _b((29.5, 95.0), (33.0, 104.0), 90, ["EASTERN XIZANG", "SICHUAN, CHINA"], 1.0, 0.0, 0.0, "land"),
    _b((34.5, 46.0), (27.0, 57.0), 90, ["WESTERN IRAN", "SOUTHERN IRAN"], 1.5, 0.0, 0.0, "land"),
    _b((35.0, -35.5), (-1.0, -15.0), 35, ["NORTHERN MID-ATLANTIC RIDGE", "CENTRAL MID-ATLANTIC RIDGE"], 1.0, 0.0,
       0.0, "remote"),
)
_BELT = Picker((b, b.weight) for b in BELTS)


def wrap(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def move(lat: float, lon: float, km: float, bearing: float) -> tuple[float, float]:
    """The point ``km`` away from (lat, lon) on a bearing in radians (great circle)."""
    d = km / EARTH_KM
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
    l2 = l1 + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), wrap(math.degrees(l2))


def belt_bearing(belt: Belt) -> float:
    (la, lo), (lb, lob) = belt.a, belt.b
    y = math.sin(math.radians(lob - lo)) * math.cos(math.radians(lb))
    x = math.cos(math.radians(la)) * math.sin(math.radians(lb)) - math.sin(math.radians(la)) * math.cos(
        math.radians(lb)) * math.cos(math.radians(lob - lo))
    return math.atan2(y, x)


# -- agencies --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Agency:
    code: str
    names: tuple[tuple[str, float], ...]
    sigma: tuple[float, float, float]  # time s, epicentre km, depth km (one sigma, hypocentres)
    t_dec: int  # decimals of the seconds written
    c_dec: int  # decimals of coordinates written as numbers
    p_terr: float  # share of solutions stating time_error, location_error, depth_error
    p_lerr: float
    p_derr: float
    floors: tuple[float, float, float]  # smallest stated errors
    p_fixed: float  # share of shallow solutions with a fixed depth
    fixed_forms: tuple[str, ...]
    p_type: float  # share of solutions giving event_type
    p_auto: float  # share first published as an automatic solution, superseded by the reviewed one
    delay: tuple[float, float]  # minutes after the origin: the (reviewed) solution
    auto_delay: tuple[float, float] = (2.0, 15.0)
    zone: tuple[int, str] | None = None  # (hours, abbreviation) of the local time it sometimes writes


AGENCIES = {a.code: a for a in (
    Agency("NEIC", (("NEIC", 0.4), ("USGS", 0.35), ("us", 0.25)), (0.5, 5.0, 4.0), 3, 3, 0.4, 0.5, 0.5,
           (0.2, 3.0, 1.5), 0.3, ("10 km fixed", "10 km fixed", "33f"), 0.9, 0.2, (15, 120), (5, 20)),
    Agency("EMSC", (("EMSC", 0.7), ("CSEM", 0.3)), (0.7, 6.0, 5.0), 1, 2, 0.0, 0.3, 0.0,
           (0.3, 4.0, 2.0), 0.4, ("10f", "10 km fixed", "2f"), 0.7, 0.2, (20, 240), (3, 15)),
    Agency("GFZ", (("GFZ", 0.5), ("GEOFON", 0.5)), (0.7, 7.0, 5.0), 2, 2, 0.3, 0.3, 0.0,
           (0.2, 4.0, 2.0), 0.3, ("10 km fixed", "10f"), 0.3, 0.3, (20, 180), (5, 15)),
    Agency("IDC", (("IDC", 0.6), ("CTBTO", 0.4)), (0.9, 9.0, 7.0), 2, 4, 1.0, 1.0, 0.5,
           (0.3, 6.0, 3.0), 0.45, ("0 km fixed", "0f"), 0.0, 0.6, (2 * 1440, 10 * 1440), (60, 240)),
    Agency("JMA", (("JMA", 0.7), ("気象庁", 0.3)), (0.3, 3.0, 3.0), 1, 2, 0.7, 0.0, 0.0,
           (0.1, 2.0, 1.0), 0.05, ("10 km fixed",), 0.0, 0.2, (3, 30), (1.5, 3), (9, "JST")),
    Agency("AFAD", (("AFAD", 1.0),), (0.4, 3.0, 3.0), 2, 4, 0.0, 0.0, 0.0,
           (0.2, 2.0, 1.0), 0.1, ("7 km fixed",), 0.6, 0.15, (20, 120), (4, 15), (3, "+03:00")),
    Agency("KOERI", (("KOERI", 1.0),), (0.5, 4.0, 4.0), 1, 2, 0.0, 0.0, 0.0,
           (0.2, 2.0, 1.0), 0.15, ("5 km fixed",), 0.5, 0.0, (10, 60)),
    Agency("CSN", (("CSN", 1.0),), (0.4, 4.0, 4.0), 1, 3, 0.0, 0.3, 0.3,
           (0.2, 2.0, 1.0), 0.1, ("10 km fixed",), 0.5, 0.0, (10, 90)),
    Agency("ISC", (("ISC", 1.0),), (0.3, 3.0, 3.0), 2, 3, 1.0, 1.0, 1.0,
           (0.1, 2.0, 1.0), 0.1, ("10 km fixed", "35f"), 1.0, 0.0, (30 * 1440, 90 * 1440)),
    Agency("GCMT", (("GCMT", 1.0),), (1.0, 6.0, 5.0), 1, 2, 0.0, 0.0, 0.0,
           (0.2, 3.0, 1.0), 0.3, ("12 km fixed",), 0.0, 0.0, (60, 720)),
)}
CANONICAL = tuple(AGENCIES)
_NAMES = {code: Picker(a.names) for code, a in AGENCIES.items()}
ID_PREFIX = {"NEIC": "us", "EMSC": "", "GFZ": "gfz", "IDC": "", "JMA": "", "AFAD": "", "KOERI": "koeri",
             "CSN": "cs", "ISC": "", "GCMT": "C"}
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def base36(n: int, width: int) -> str:
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = _B36[r] + out
    return out.rjust(width, "0")


# -- the model -------------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class Quake:
    n: int
    t: float
    lat: float
    lon: float
    depth: float
    m: float
    belt: Belt
    frac: float  # position along the belt (0-1): which region name
    kind: str = "background"  # background | mainshock | aftershock
    main: int | None = None
    event_type: str = "earthquake"
    mags: dict[str, float] = field(default_factory=dict)
    reporters: frozenset[str] | None = None  # agencies with a hypocentre of it, once rendered


@dataclass(slots=True)
class Sol:
    """One agency solution, with the values as written (rounded) and the errors it states."""
    agency: str
    kind: str  # hypocentre | centroid
    auto: bool  # an automatic solution, superseded by the agency's next one
    t: float
    lat: float
    lon: float
    depth: float
    fixed: str | None  # the fixed-depth form, when the depth is an assumption
    t_err: float | None = None
    l_err: float | None = None
    d_err: float | None = None
    mags: list[tuple[str, float, float | None]] = field(default_factory=list)  # (type as written, value, ± stated)
    event_type: str | None = None
    issued: float = 0.0
    id: str = ""

    def mag(self, group: str) -> tuple[float, float | None] | None:
        for typ, v, e in self.mags:
            if MAG_GROUP.get(typ, typ) == group:
                return v, e
        return None

    def max_mag(self) -> float:
        return max((v for _, v, _ in self.mags), default=M_MIN)


@dataclass(slots=True)
class Stats:
    reports: int = 0
    quakes: int = 0
    aftershocks: int = 0
    sequences: int = 0
    blasts: int = 0
    revisions: int = 0
    centroids: int = 0
    rejects: int = 0
    injected: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _gr(rng: random.Random, lo: float, hi: float) -> float:
    """Gutenberg-Richter (b = 1) magnitude in [lo, hi]."""
    span = 1 - 10 ** (lo - hi)
    return lo - math.log10(1 - rng.random() * span)


def _trunc(rng: random.Random, sigma: float, clip: float) -> float:
    """A normal deviate inside +/- clip (drawn again when outside)."""
    for _ in range(12):
        x = rng.gauss(0, sigma)
        if abs(x) <= clip:
            return x
    return rng.uniform(-clip, clip)


def _type_values(rng: random.Random, m: float) -> dict[str, float]:
    """The value each magnitude type takes for a quake of moment magnitude ``m`` (mb and Mj saturate, Ms falls
    below Mw for small quakes)."""
    g = rng.gauss
    mb = m + g(0, 0.12) if m < 5.5 else min(5.5 + 0.6 * (m - 5.5) + g(0, 0.12), 6.6)
    ms = m - 0.3 * (6.5 - m) + g(0, 0.12) if m < 6.5 else min(m + g(0, 0.1), 8.6)
    ml = m + g(0, 0.15) if m < 6.5 else 6.5 + 0.4 * (m - 6.5)
    mj = m + g(0, 0.1) if m < 8 else 8.0 + 0.3 * (m - 8)
    return {"Mw": m, "mb": max(mb, 3.0), "Ms": max(ms, 3.0), "ML": max(ml, 3.0), "Mj": mj, "Md": max(ml - 0.1, 3.0)}


class Generator:
    def __init__(self, *, seed: int, quakes_per_day: float = QUAKES_PER_DAY, start: float = 0.0,
                 detail: bool = False) -> None:
        self.rng = random.Random(seed)
        self.rate = quakes_per_day / DAY
        self.detail = detail
        self.stats = Stats(injected=dict.fromkeys(INJECT_RATES, 0))
        self.debt = dict.fromkeys(INJECT_RATES, 0)
        self.ids = dict.fromkeys(AGENCIES, 0)
        self.pending: list[tuple[float, int, Quake]] = []
        self.buckets: dict[int, list[Quake]] = {}
        self.oldest = int(start // 60)
        self.next_bg = start + self.rng.expovariate(self.rate)
        self.n = 0
        self.gcmt: dict[str, int] = {}  # GCMT's letter per minute (C201103110546A, ...B)

    # -- quakes ---------------------------------------------------------------------------------------------------
    def _near(self, t: float, lat: float, lon: float, dt: float, km: float, skip: Quake | None = None) -> list[Quake]:
        out = []
        for b in range(int((t - dt) // 60), int((t + dt) // 60) + 1):
            for q in self.buckets.get(b, ()):
                if q is not skip and abs(q.t - t) < dt and distance_km(q.lat, q.lon, lat, lon) < km:
                    out.append(q)
        return out

    def _add(self, q: Quake) -> None:
        self.buckets.setdefault(int(q.t // 60), []).append(q)
        heapq.heappush(self.pending, (q.t, q.n, q))

    def _clear_of_midnight(self, t: float) -> float:
        s = t % DAY
        return t + 90 if s < 60 or s > DAY - 30 else t  # no solution's time may fall on another UTC date

    def _place(self, belt: Belt) -> tuple[float, float, float]:
        rng = self.rng
        f = rng.random()
        lat = belt.a[0] + f * (belt.b[0] - belt.a[0])
        lon = belt.a[1] + f * (belt.b[1] - belt.a[1])
        lat, lon = move(lat, wrap(lon), abs(rng.gauss(0, belt.width)), belt_bearing(belt) + math.pi / 2 *
                        (1 if rng.random() < 0.5 else -1))
        return lat, lon, f

    def _depth(self, belt: Belt) -> float:
        rng, r = self.rng, self.rng.random()
        if r < belt.p_deep:
            return rng.uniform(300, 650)
        if r < belt.p_deep + belt.p_int:
            return rng.uniform(70, 300)
        return rng.triangular(2, 40, 12)

    def _background(self) -> None:
        rng = self.rng
        t = self._clear_of_midnight(self.next_bg)
        self.next_bg += rng.expovariate(self.rate)
        belt = _BELT(rng)
        lat, lon, f = self._place(belt)
        m = _gr(rng, M_MIN, M_MAX)
        etype = "earthquake"
        solar = ((t % DAY) / 3600 + lon / 15) % 24
        if "land" in belt.tags and m < 4.3 and 8 <= solar <= 17 and rng.random() < 0.25:
            etype = "quarry blast" if rng.random() < 0.75 else "explosion"
        depth = rng.uniform(0.2, 1.5) if etype != "earthquake" else self._depth(belt)
        while self._near(t, lat, lon, 10.0, 200.0):
            t += 11.0
        self.n += 1
        q = Quake(self.n, t, lat, lon, depth, m, belt, f, event_type=etype, mags=_type_values(rng, m))
        self._add(q)
        if etype == "earthquake" and m >= 5.5:
            self._sequence(q)

    def _sequence(self, main: Quake) -> None:
        """Omori aftershocks along the belt over the rupture length."""
        rng = self.rng
        main.kind = "mainshock"
        count = min(400, round(10 ** (main.m - 4.7) * rng.uniform(0.6, 1.4)))
        c, span = 0.005 * DAY, 45 * DAY
        coda = 1.5 * window(main.m)[0] + 10
        length = 10 ** (-2.44 + 0.59 * main.m)  # km (Wells & Coppersmith 1994)
        strike = belt_bearing(main.belt)
        for _ in range(count):
            for _try in range(20):
                dt = c * ((span + c) / c) ** rng.random() - c
                t = self._clear_of_midnight(main.t + max(coda, dt))
                along = max(-length, min(length, rng.gauss(0, length / 3)))
                across = rng.gauss(0, max(2.0, length / 8))
                lat, lon = move(main.lat, main.lon, along, strike)
                lat, lon = move(lat, lon, across, strike + math.pi / 2)
                if rng.random() < 0.1:  # right next to the mainshock's hypocentre
                    lat, lon = move(main.lat, main.lon, rng.uniform(0, 5), rng.uniform(0, 2 * math.pi))
                if not self._near(t, lat, lon, 10.0, 200.0):
                    break
            else:
                continue
            m = _gr(rng, M_MIN, max(M_MIN + 0.1, main.m - 0.5))
            depth = max(1.0, main.depth + rng.gauss(0, 6 if main.depth < 70 else 10))
            self.n += 1
            self._add(Quake(self.n, t, lat, lon, depth, m, main.belt, main_frac(main, along, length), "aftershock",
                            main.n, mags=_type_values(rng, m)))

    def next_quake(self) -> Quake:
        while not self.pending or self.next_bg < self.pending[0][0] + LOOK:
            self._background()
        q = heapq.heappop(self.pending)[2]
        keep = int((q.t - 2 * LOOK) // 60)
        while self.oldest < keep:
            self.buckets.pop(self.oldest, None)
            self.oldest += 1
        return q

    # -- agencies ---------------------------------------------------------------------------------------------------
    def agencies(self, q: Quake) -> list[str]:
        rng, m, tags = self.rng, q.m, q.belt.tags
        p = {
            "NEIC": 1.0 if m >= 4.5 or "us" in tags else 0.5 if m >= 4 else 0.15,
            "EMSC": 1.0 if tags & {"turkey", "aegean"} else 0.9 if m >= 4.5 else 0.6 if m >= 4 else 0.3,
            "GFZ": 0.9 if m >= 5 else 0.7 if m >= 4.5 else 0.35 if m >= 4 else 0.05,
            "IDC": 0.85 if m >= 4.5 else 0.6 if m >= 4 else 0.0,
            "JMA": 1.0 if "japan" in tags else 0.0,
            "AFAD": 1.0 if "turkey" in tags else 0.3 if "aegean" in tags else 0.0,
            "KOERI": 0.8 if "turkey" in tags else 0.5 if "aegean" in tags else 0.0,
            "CSN": 1.0 if "chile" in tags else 0.0,
            "ISC": 0.6 if m >= 4 else 0.2,
            "GCMT": 0.9 if m >= 5.5 else 0.0,
        }
        if "remote" in tags:
            p["EMSC"] *= 0.7
        if q.event_type != "earthquake":
            p["GCMT"] = p["IDC"] = 0.0
        chosen = [a for a in CANONICAL if rng.random() < p[a]]
        for extra in ("EMSC", "NEIC", "GFZ"):
            if len(chosen) >= 2:
                break
            if extra not in chosen:
                chosen.append(extra)
        while len(chosen) > 8:
            chosen.remove(rng.choice([a for a in chosen if a not in ("NEIC", "GCMT", "JMA")]))
        return chosen

    def _mag_list(self, q: Quake, agency: str, kind: str, auto: bool) -> list[tuple[str, float, float | None]]:
        rng, m, tags = self.rng, q.m, q.belt.tags
        if kind == "centroid":
            types = [{"GCMT": "Mwc" if rng.random() < 0.3 else "Mw", "NEIC": "Mww"}.get(agency, "Mw")]
        elif agency == "NEIC":
            if m >= 5.5:
                types = ["Mww", "mb"]
            elif m >= 4.5:
                types = ["mb", "Mwr"] if rng.random() < 0.3 else ["mb"]
            else:
                types = ["ML"] if "us" in tags else ["mb"]
        elif agency == "EMSC":
            types = ["Mw"] if m >= 5 else ["ML"] if tags & {"turkey", "aegean"} or m < 4 else ["mb"]
        elif agency == "GFZ":
            types = ["Mw", "mb"] if m >= 5 else ["mb"]
        elif agency == "IDC":
            types = ["mb1mx" if rng.random() < 0.2 else "mb"] + (["Ms1mx" if rng.random() < 0.3 else "Ms"]
                                                                 if m >= 4.5 else [])
            if rng.random() < 0.3:
                types.append("ML")
        elif agency == "JMA":
            types = ["Mj", "Mw"] if m >= 6.5 else ["Mj"]
        elif agency in ("AFAD", "CSN"):
            types = ["ML", "Mw"] if m >= 4.5 else ["ML"]
            if agency == "AFAD" and rng.random() < 0.3:
                types.append("MLv" if "ML" not in types else "Mw")
        elif agency == "KOERI":
            types = ["ML", "Md"] if rng.random() < 0.3 else ["ML"]
        elif agency == "ISC":
            types = ["mb", "MS"] if m >= 5 else ["mb"]
        else:
            types = ["Mw"]
        if auto:
            types = types[:1]
        out: list[tuple[str, float, float | None]] = []
        seen: set[str] = set()
        for typ in types:
            g = MAG_GROUP.get(typ, typ)
            if g in seen:
                continue
            seen.add(g)
            v = round(q.mags[g] + rng.uniform(-CLIP["magnitude"], CLIP["magnitude"]), 1)
            err = rng.choice((0.1, 0.2)) if agency in ("GFZ", "NEIC") and rng.random() < 0.15 else None
            out.append((typ, v, err))
        return out

    def _solution(self, q: Quake, agency: str, kind: str, auto: bool, centroid: tuple[float, ...]) -> Sol:
        rng, a = self.rng, AGENCIES[agency]
        st, sl, sd = a.sigma
        if kind == "centroid":
            st, sl, sd = 1.0, 6.0, 5.0
        boost = (1.5 if q.m >= 7 else 1.0) * (1.5 if "remote" in q.belt.tags else 1.0) * (1.4 if auto else 1.0)
        t0, lat0, lon0, d0 = centroid if kind == "centroid" else (q.t, q.lat, q.lon, q.depth)
        dt = _trunc(rng, st * boost, CLIP["time"])
        dl = abs(_trunc(rng, sl * boost * 1.2, CLIP["epicentre"]))
        dd = _trunc(rng, sd * boost + 0.01 * d0, CLIP["depth"])
        lat, lon = move(lat0, lon0, dl, rng.uniform(0, 2 * math.pi))
        depth = max(0.0, d0 + dd)
        fixed = None
        shallow = d0 < 40
        if q.event_type != "earthquake":
            fixed = "0 km fixed" if rng.random() < 0.4 else None
        elif agency == "GCMT" and kind == "centroid" and shallow and rng.random() < 0.3:
            fixed = "12 km fixed"
        elif shallow and rng.random() < a.p_fixed * (1.5 if auto else 1.0):
            fixed = rng.choice(a.fixed_forms)
        if fixed is not None:
            depth = float(fixed.split()[0].rstrip("f"))
        s = Sol(agency, kind, auto, round(t0 + dt, a.t_dec), round(lat, a.c_dec), round(lon, a.c_dec),
                round(depth, 0 if agency == "JMA" else 1), fixed)

        def stated(dev: float, floor: float) -> float:
            if rng.random() < 0.1:
                return max(floor, abs(dev) * rng.uniform(0.3, 0.9))
            return max(floor, abs(dev) * rng.uniform(1.05, 1.6))

        if not auto or agency == "IDC":
            if rng.random() < a.p_terr:
                s.t_err = round(stated(dt, a.floors[0]), 2)
            if rng.random() < a.p_lerr:
                s.l_err = round(stated(dl, a.floors[1]), 1)
            if fixed is None and rng.random() < a.p_derr:
                s.d_err = round(stated(dd, a.floors[2]), 1)
        s.mags = self._mag_list(q, agency, kind, auto)
        if kind == "hypocentre" and rng.random() < a.p_type:
            if q.event_type == "earthquake":
                s.event_type = "earthquake" if rng.random() < 0.85 else "Earthquake"
            else:
                s.event_type = q.event_type
        return s

    def solutions(self, q: Quake, agencies: list[str], full: bool) -> list[Sol]:
        rng = self.rng
        centroid: tuple[float, ...] = ()
        if q.m >= 5.5 and q.event_type == "earthquake":
            wt, wd = window(q.m)
            hd = 1.05e-8 * (10 ** (1.5 * q.m + 16.1)) ** (1 / 3)  # half duration, s (M0 in dyne-cm)
            shift_t = min(0.35 * wt, hd * rng.uniform(0.7, 1.3) + abs(rng.gauss(0, 1)))
            shift_l = min(0.3 * wd, rng.uniform(10, 40))
            clat, clon = move(q.lat, q.lon, shift_l, rng.uniform(0, 2 * math.pi))
            centroid = (q.t + shift_t, clat, clon, max(5.0, q.depth + rng.gauss(0, 8)))
        out: list[Sol] = []
        for ag in agencies:
            a = AGENCIES[ag]
            kinds = ["centroid"] if ag == "GCMT" else ["hypocentre"]
            if centroid and (ag == "NEIC" and rng.random() < 0.35 or ag == "GFZ" and rng.random() < 0.25):
                kinds.append("centroid")
            for kind in kinds:
                if kind == "centroid" and not centroid:
                    continue
                if full and kind == "hypocentre" and rng.random() < a.p_auto:
                    out.append(self._solution(q, ag, kind, True, centroid))
                out.append(self._solution(q, ag, kind, False, centroid))
        return out

    # -- publication ------------------------------------------------------------------------------------------------
    def publish(self, q: Quake, sols: list[Sol]) -> None:
        rng = self.rng
        last: dict[tuple[str, str], Sol] = {}
        for s in sols:
            a = AGENCIES[s.agency]
            prev = last.get((s.agency, s.kind))
            if s.auto:
                s.issued = q.t + rng.uniform(*a.auto_delay) * 60
            elif s.kind == "centroid" and s.agency != "GCMT":
                s.issued = q.t + rng.uniform(20, 90) * 60
            else:
                s.issued = q.t + rng.uniform(*a.delay) * 60
            if prev is not None and s.issued <= prev.issued:
                s.issued = prev.issued + rng.uniform(10, 120) * 60
            s.id = self.new_id(s.agency, s.t)
            last[(s.agency, s.kind)] = s

    def new_id(self, agency: str, t: float) -> str:
        self.ids[agency] += 1
        n = self.ids[agency]
        d = datetime.fromtimestamp(t, UTC)
        if agency == "NEIC":
            return f"us7{base36(n, 6)}"
        if agency == "EMSC":
            return f"{d:%Y%m%d}_{n:07d}"
        if agency == "GFZ":
            return f"gfz{d.year}{base36(n, 5)}"
        if agency == "IDC":
            return str(20_000_000 + n)
        if agency == "JMA":
            return f"{d + timedelta(hours=9):%Y%m%d%H%M%S}{n % 1000:03d}"
        if agency == "AFAD":
            return f"{d:%Y%m%d}{n:06d}"
        if agency == "KOERI":
            return f"koeri{d:%Y%m%d}{n:05d}"
        if agency == "CSN":
            return f"cs{d.year}{n:07d}"
        if agency == "ISC":
            return str(600_000_000 + n)
        minute = f"{d:%Y%m%d%H%M}"
        k = self.gcmt.get(minute, -1) + 1
        self.gcmt[minute] = k
        if len(self.gcmt) > 256:  # solutions come in time order, give or take a few minutes
            for old in sorted(self.gcmt)[:128]:
                del self.gcmt[old]
        return f"C{minute}{_B36[10 + k % 26].upper()}{k // 26 or ''}"


def main_frac(main: Quake, along: float, length: float) -> float:
    return min(1.0, max(0.0, main.frac + (along / max(length, 1.0)) * 0.1))


# -- injected disagreements and labels --------------------------------------------------------------------------
def _err(stated: float | None, default: float, step: float) -> float:
    return max(stated or 0.0, default, step)


def _pair_values(a: Sol, b: Sol) -> dict[str, tuple[float, float]]:
    """Per field the pair compares: (difference of the values, gap between the intervals counting the largest
    error the engine could use)."""
    out: dict[str, tuple[float, float]] = {}
    if a.kind == b.kind:
        d = abs(a.t - b.t)
        out["time"] = (d, d - _err(a.t_err, 1.0, 10 ** -AGENCIES[a.agency].t_dec)
                       - _err(b.t_err, 1.0, 10 ** -AGENCIES[b.agency].t_dec))
        d = distance_km(a.lat, a.lon, b.lat, b.lon)
        out["epicentre"] = (d, d - _err(a.l_err, 10.0, 1.2) - _err(b.l_err, 10.0, 1.2))
        if a.fixed is None and b.fixed is None:
            d = abs(a.depth - b.depth)
            out["depth"] = (d, d - _err(a.d_err, 5.0, 0.5) - _err(b.d_err, 5.0, 0.5))
    for typ, va, ea in a.mags:
        g = MAG_GROUP.get(typ, typ)
        vb = b.mag(g)
        if vb is not None:
            d = abs(va - vb[0])
            out[f"magnitude.{g}"] = (d, d - _err(ea, 0.2, 0.05) - _err(vb[1], 0.2, 0.05))
    if a.event_type and b.event_type:
        ea_, eb_ = a.event_type.lower() in EXPLOSIVE, b.event_type.lower() in EXPLOSIVE
        out["event_type"] = (float(ea_ != eb_), float(ea_ != eb_))
    return out


def labels(sols: list[Sol]) -> tuple[set[str], set[str]]:
    """(fields in major conflict, fields whose figures stand too near a threshold to say). A field is major when a
    pair of current solutions of two agencies, of one kind, is apart beyond the threshold even counting both
    errors; every other pair (superseded solutions and centroid-hypocentre magnitudes included) must stay below
    the threshold by a margin."""
    major: set[str] = set()
    near: set[str] = set()
    for i, a in enumerate(sols):
        for b in sols[i + 1:]:
            if a.agency == b.agency:
                continue
            compared = not a.auto and not b.auto and a.kind == b.kind
            for f, (diff, gap) in _pair_values(a, b).items():
                base = "magnitude" if f.startswith("magnitude.") else f
                if base == "event_type":
                    if diff:
                        (major if compared else near).add(f)
                    continue
                if compared and gap > MAJOR[base] + MARGIN[base]:
                    major.add(f)
                elif diff > MAJOR[base] - MARGIN[base]:
                    near.add(f)
    return major, near - major


def _crowded(gen: Generator, q: Quake) -> bool:
    wt, wd = window(max(q.m, 6.0))
    return bool(gen._near(q.t, q.lat, q.lon, 1.5 * wt + 10, wd + 200, skip=q))


def _scalar(s: Sol, f: str, g: str = "") -> tuple[float, float]:
    """(value, error the label check counts) of a scalar field of a solution."""
    if f == "time":
        return s.t, _err(s.t_err, 1.0, 10 ** -AGENCIES[s.agency].t_dec)
    if f == "depth":
        return s.depth, _err(s.d_err, 5.0, 0.5)
    v = s.mag(g)
    assert v is not None
    return v[0], _err(v[1], 0.2, 0.05)


def _offset(rng: random.Random, off: Sol, partners: list[Sol], f: str, v0: float, lo: float, hi: float,
            g: str = "") -> float | None:
    """How far from the truth ``v0`` (signed) the offender's value goes: at least ``lo``, at most ``hi``, and far
    enough from some partner that the gap between the intervals passes the threshold by a margin."""
    base = "magnitude" if g else f
    e_off = _scalar(off, f, g)[1]
    for sign in rng.sample((-1, 1), 2):
        need = min(sign * (_scalar(p, f, g)[0] - v0) + MAJOR[base] + MARGIN[base] + e_off + _scalar(p, f, g)[1]
                   for p in partners) + {"time": 0.2, "depth": 0.6, "magnitude": 0.06}[base]
        low = max(lo, need)
        top = min(hi, low + (hi - lo) / 2)
        if low <= hi and (f != "depth" or v0 + sign * top >= 0):
            return sign * rng.uniform(low, max(low, top))
    return None


def inject(gen: Generator, q: Quake, sols: list[Sol]) -> set[str]:
    """Apply this quake's injected disagreements to ``sols``; the fields injected. Rates accrue as debt paid by
    the next quake where the disagreement can be made and labelled."""
    rng = gen.rng
    for kind, rate in INJECT_RATES.items():
        gen.debt[kind] += rng.random() < rate
    cur = [s for s in sols if not s.auto and s.kind == "hypocentre"]
    done: set[str] = set()
    if len({s.agency for s in cur}) < 2:
        return done

    offenders: set[str] = set()  # one disagreement per offending solution: a second would move its window

    def attempt(debt: str, name: str, apply: Any, candidates: list[Sol]) -> None:
        candidates = [s for s in candidates if s.agency not in offenders]
        rng.shuffle(candidates)
        for off in candidates[:3]:
            saved = (off.t, off.lat, off.lon, off.depth, list(off.mags), off.event_type)
            partners = [s for s in cur if s.agency != off.agency]
            if partners and apply(off, partners):
                major, near = labels(sols)
                if major == done | {name} and not near:
                    done.add(name)
                    offenders.add(off.agency)
                    gen.debt[debt] -= 1
                    return
            off.t, off.lat, off.lon, off.depth, off.mags, off.event_type = saved

    crowded = (gen.debt["time"] or gen.debt["epicentre"]) and _crowded(gen, q)
    if gen.debt["time"] and not crowded and q.event_type == "earthquake":
        def shift_time(off: Sol, partners: list[Sol]) -> bool:
            d = _offset(rng, off, partners, "time", q.t, 12.0, min(30.0, 0.7 * window(off.max_mag())[0]))
            if d is not None:
                off.t = round(q.t + d, AGENCIES[off.agency].t_dec)
            return d is not None
        attempt("time", "time", shift_time, list(cur))
    if gen.debt["epicentre"] and not crowded and "time" not in done:
        def shift_epicentre(off: Sol, partners: list[Sol]) -> bool:
            limit = min(150.0, 0.7 * window(off.max_mag())[1])
            e_off = _err(off.l_err, 10.0, 1.2)
            need = min(distance_km(q.lat, q.lon, p.lat, p.lon) + _err(p.l_err, 10.0, 1.2) for p in partners)
            need = max(60.0, need + e_off + MAJOR["epicentre"] + MARGIN["epicentre"] + 1.0)
            if need > limit:
                return False
            dec = AGENCIES[off.agency].c_dec
            lat, lon = move(q.lat, q.lon, rng.uniform(need, limit), rng.uniform(0, 2 * math.pi))
            off.lat, off.lon = round(lat, dec), round(lon, dec)
            return True
        attempt("epicentre", "epicentre", shift_epicentre, list(cur))
    if gen.debt["depth"]:
        measured = [s for s in cur if s.fixed is None]
        if len({s.agency for s in measured}) >= 2:
            def shift_depth(off: Sol, partners: list[Sol]) -> bool:
                d = _offset(rng, off, [p for p in partners if p.fixed is None], "depth", q.depth, 36.0, 90.0)
                if d is not None:
                    off.depth = round(q.depth + d, 0 if off.agency == "JMA" else 1)
                return d is not None
            attempt("depth", "depth", shift_depth, measured)
    if gen.debt["magnitude"]:
        groups: dict[str, set[str]] = {}
        for s in cur:
            for typ, _, _ in s.mags:
                groups.setdefault(MAG_GROUP.get(typ, typ), set()).add(s.agency)
        shared = sorted(g for g, ags in groups.items() if len(ags) >= 2)
        if shared:
            g = rng.choice(shared)

            def shift_mag(off: Sol, partners: list[Sol]) -> bool:
                d = _offset(rng, off, [p for p in partners if p.mag(g) is not None], "magnitude", q.mags[g],
                            0.7, 1.6, g)
                if d is None or not 2.0 <= q.mags[g] + d <= 9.8:
                    return False
                off.mags = [(typ, round(q.mags[g] + d, 1) if MAG_GROUP.get(typ, typ) == g else v, e)
                            for typ, v, e in off.mags]
                return True
            attempt("magnitude", f"magnitude.{g}", shift_mag, [s for s in cur if s.mag(g) is not None])
    if gen.debt["event_type"] and q.event_type in ("earthquake", "explosion"):
        typed = [s for s in cur if s.event_type]
        if len({s.agency for s in typed}) >= 2:
            def flip(off: Sol, partners: list[Sol]) -> bool:
                off.event_type = "explosion" if q.event_type == "earthquake" else "earthquake"
                return True
            attempt("event_type", "event_type", flip, typed)
    return done


# -- rendering ---------------------------------------------------------------------------------------------------
def _iso(t: float, dec: int, offset_h: int = 0, suffix: str = "Z", sep: str = "T") -> str:
    scale = 10 ** dec
    total = round(t * scale)
    secs, frac = divmod(total, scale)
    d = datetime.fromtimestamp(secs, UTC) + timedelta(hours=offset_h)
    frac_s = f".{frac:0{dec}d}" if dec else ""
    return f"{d:%Y-%m-%d}{sep}{d:%H:%M:%S}{frac_s}{suffix}"


def _hemi(v: float, pos: str, neg: str, dec: int = 2) -> str:
    return f"{abs(v):.{dec}f}{pos if v >= 0 else neg}"


def _dm(v: float, pos: str, neg: str) -> str:
    a = abs(v)
    deg = int(a)
    minutes = round((a - deg) * 60, 1)
    if minutes >= 60:
        deg, minutes = deg + 1, 0.0
    return f"{deg}°{minutes:04.1f}'{pos if v >= 0 else neg}"


def render(gen: Generator, q: Quake, s: Sol, supersedes: str | None) -> dict[str, Any]:
    rng, a = gen.rng, AGENCIES[s.agency]
    rec: dict[str, Any] = {"id": s.id, "source": _NAMES[s.agency](rng), "issued_at": _iso(s.issued, 0)}
    if supersedes:
        rec["supersedes"] = supersedes
    if s.event_type:
        rec["event_type"] = s.event_type
    if a.zone and rng.random() < 0.7:
        hours, name = a.zone
        rec["time"] = (_iso(s.t, a.t_dec, hours, f" {name}", " ") if name.isalpha()
                       else _iso(s.t, a.t_dec, hours, name))
    else:
        rec["time"] = _iso(s.t, a.t_dec)
    if s.t_err is not None:
        rec["time_error"] = s.t_err if rng.random() < 0.7 else f"{s.t_err:g} s"
    roll = rng.random()
    if s.agency in ("GFZ", "CSN") and roll < 0.5 or s.agency == "EMSC" and roll < 0.1:
        if s.agency == "CSN" and roll < 0.2:
            rec["latitude"] = f"{_hemi(s.lat, 'N', 'S')} {_hemi(s.lon, 'E', 'W')}"
        else:
            rec["latitude"], rec["longitude"] = _hemi(s.lat, "N", "S"), _hemi(s.lon, "E", "W")
    elif s.agency == "JMA" and roll < 0.25:
        rec["latitude"], rec["longitude"] = _dm(s.lat, "N", "S"), _dm(s.lon, "E", "W")
    else:
        rec["latitude"], rec["longitude"] = round(s.lat, a.c_dec), round(s.lon, a.c_dec)
    if s.l_err is not None:
        rec["location_error"] = s.l_err
    if s.fixed is not None:
        rec["depth"] = s.fixed
    elif s.agency == "JMA":
        rec["depth"] = f"{s.depth:.0f} km"
    else:
        rec["depth"] = s.depth if rng.random() < 0.6 else f"{s.depth:.1f} km"
    if s.d_err is not None:
        rec["depth_error"] = s.d_err
    mags = []
    for typ, v, e in s.mags:
        r = rng.random()
        mags.append(f"{typ} {v:.1f} ± {e:g}" if e is not None else f"{v:.1f} {typ}" if r < 0.2 else f"{typ} {v:.1f}")
    if mags:
        rec["magnitude"] = mags[0] if len(mags) == 1 else mags
    if s.agency == "JMA" and q.belt.jp and rng.random() < 0.5:
        rec["region"] = q.belt.jp[min(len(q.belt.jp) - 1, int(q.frac * len(q.belt.jp)))]
    elif s.agency not in ("IDC", "AFAD") or rng.random() < 0.5:
        name = q.belt.names[min(len(q.belt.names) - 1, int(q.frac * len(q.belt.names)))]
        rec["region"] = name.title() if s.agency in ("GFZ", "GCMT") else name
    if s.kind == "centroid":
        rec["solution"] = "centroid"
    elif rng.random() < 0.1:
        rec["solution"] = "hypocentre"
    return rec


def _malformed(gen: Generator, w: _Writer, rec: dict[str, Any], agency: str, at: float) -> None:
    """A garbled sibling of ``rec``: a time that is no time, a depth without a number, no source, or a line that is
    not JSON. Listed in the truth's rejects."""
    bad = dict(rec)
    bad.pop("supersedes", None)
    bad["id"] = gen.new_id(agency, at)
    bad["issued_at"] = _iso(at, 0)
    kind = gen.rng.choice(("time", "depth", "source", "json"))
    source: str | None = agency
    if kind == "time":
        bad["time"] = "soon"
    elif kind == "depth":
        bad["depth"] = "shallow"
    elif kind == "source":
        del bad["source"]
        source = None
    push_malformed(w, at, bad, kind, source)


SHARE_ORDER = ("NEIC", "EMSC", "JMA", "ISC", "IDC", "GFZ", "AFAD", "KOERI", "CSN")


def share_agency(gen: Generator, q: Quake, agencies: list[str]) -> None:
    """Two quakes whose solutions could fall in one association window are reported by at least one common
    agency, so that which solution belongs to which quake is decidable (one agency, one hypocentre per event);
    quakes further apart are told apart by the windows themselves. The window is taken for the larger magnitude
    plus what an injected magnitude may add, and widened by the scatter of times and epicentres."""
    mine = set(agencies) - {"GCMT"}
    for n in gen._near(q.t, q.lat, q.lon, WINDOWS[-1][1] + 2 * CLIP["time"], WINDOWS[-1][2] + 2 * 20.0, skip=q):
        if n.reporters is None or n.reporters & mine:
            continue
        wt, wd = window(max(q.m, n.m) + 1.4)
        if abs(n.t - q.t) < wt + 2 * CLIP["time"] and distance_km(q.lat, q.lon, n.lat, n.lon) < wd + 40:
            add = next(a for a in SHARE_ORDER if a in n.reporters)
            agencies.append(add)
            mine.add(add)


def render_quake(gen: Generator, q: Quake, w: _Writer, *, budget: int) -> int:
    rng = gen.rng
    full = budget >= 24
    agencies = gen.agencies(q)
    share_agency(gen, q, agencies)
    sols = gen.solutions(q, agencies, full)
    if len(sols) > budget:
        sols = sols[:budget]
    done = inject(gen, q, sols) if full else set()
    major, near = labels(sols)
    assert major == done and not near, (q, major, done, near)
    gen.publish(q, sols)
    q.reporters = frozenset(s.agency for s in sols if s.kind == "hypocentre" and not s.auto)
    members: list[dict[str, Any]] = []
    made = 0
    prev: dict[tuple[str, str], Sol] = {}
    for s in sols:
        p = prev.get((s.agency, s.kind))
        sup = p.id if p is not None and p.auto else None
        rec = render(gen, q, s, sup)
        w.push(s.issued, dumps(rec))
        members.append({"source": s.agency, "id": s.id})
        made += 1
        gen.stats.revisions += sup is not None
        gen.stats.centroids += s.kind == "centroid"
        prev[(s.agency, s.kind)] = s
        if full and not s.auto and rng.random() < MALFORMED_RATE:
            _malformed(gen, w, rec, s.agency, s.issued + rng.uniform(1, 30) * 60)
            made += 1
    conflicts = [{"field": f, "severity": "major"} for f in sorted(done)]
    for f in done:
        gen.stats.injected[f.split(".")[0]] += 1
    event: dict[str, Any] = {"id": f"Q{q.n}", "reports": members, "conflicts": conflicts}
    if gen.detail:
        event["truth"] = {"time": _iso(q.t, 2), "latitude": round(q.lat, 4), "longitude": round(q.lon, 4),
                          "depth": round(q.depth, 1), "magnitude": round(q.m, 2), "event_type": q.event_type,
                          "kind": q.kind, "mainshock": f"Q{q.main}" if q.main else None,
                          "region": q.belt.names[min(len(q.belt.names) - 1, int(q.frac * len(q.belt.names)))]}
    w.event(event)
    return made


def generate(*, reports: int, seed: int, out: Path, start: str = START, quakes_per_day: float = QUAKES_PER_DAY,
             detail: bool = False) -> Stats:
    """Generate exactly ``reports`` records into ``out`` (reports.jsonl, truth.json)."""
    t0 = time.perf_counter()
    t_start = datetime.fromisoformat(start.replace("Z", "+00:00")).astimezone(UTC).timestamp()
    gen = Generator(seed=seed, quakes_per_day=quakes_per_day, start=t_start, detail=detail)
    w = _Writer(out)
    made = 0
    while made < reports:
        q = gen.next_quake()
        w.flush(q.t)
        made += render_quake(gen, q, w, budget=reports - made)
        gen.stats.quakes += 1
        gen.stats.blasts += q.event_type != "earthquake"
        gen.stats.aftershocks += q.kind == "aftershock"
        gen.stats.sequences += q.kind == "mainshock"
    s = gen.stats
    s.reports, s.seconds = made, time.perf_counter() - t0
    w.close({"generator": "bench/gen_quakes.py", "profile": "earthquake", "version": VERSION, "seed": seed,
             "reports": made, "quakes": s.quakes, "aftershocks": s.aftershocks, "sequences": s.sequences,
             "blasts": s.blasts, "revisions": s.revisions, "centroids": s.centroids, "injected": s.injected,
             "start": start, "quakes_per_day": quakes_per_day})
    s.rejects = len(w.rejects)
    return s


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, required=True, help="number of records to write")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True, help="directory for reports.jsonl and truth.json")
    ap.add_argument("--start", default=START, help="UTC start of the catalogue")
    ap.add_argument("--quakes-per-day", type=float, default=QUAKES_PER_DAY,
                    help="background rate of M >= 3.5 quakes (aftershocks come on top)")
    ap.add_argument("--detail", action="store_true", help="add each quake's true values to truth.json")
    args = ap.parse_args(argv)
    if args.reports < 1:
        ap.error("--reports must be at least 1")
    s = generate(reports=args.reports, seed=args.seed, out=args.out, start=args.start,
                 quakes_per_day=args.quakes_per_day, detail=args.detail)
    print(f"{s.reports} reports, {s.quakes} quakes ({s.aftershocks} aftershocks in {s.sequences} sequences, "
          f"{s.blasts} blasts), {s.revisions} revisions, {s.centroids} centroids, {s.rejects} malformed, "
          f"injected {s.injected} in {s.seconds:.1f}s ({s.reports / max(s.seconds, 1e-9):,.0f} reports/s) "
          f"-> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

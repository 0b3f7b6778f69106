"""How agencies write figures and times, with the interval the reconcile rules read from each form.

The generator only ever emits forms whose interval it knows, so that it can label conflicts exactly:

- a bare number was rounded to a step: the largest of 100, 50, 10, 5, 1 (then 0.5, 0.1) that divides it and
  is at most 10% of it; interval +/- half the step in the unit written, converted to km after;
- "about" / 約 / 약 widens to at least +/- 10%; "between A and B" is [A, B];
- a time to the minute is [mm:00, mm:59]; "around" / 頃 / 경 widens to +/- 5 minutes around the middle of that
  minute; a date alone is the whole local day.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

MILE = 1.609344
NMILE = 1.852
_STEPS = (100.0, 50.0, 10.0, 5.0, 1.0, 0.5, 0.1)
AROUND = 300.0

Num = tuple[object, float, float]  # (value as written in the report, low km, high km)
Tm = tuple[str, float, float]  # (time as written, low, high: epoch seconds)


def step_of(x: float) -> float:
    for step in _STEPS:
        if step <= 0.1 * x + 1e-9 and abs(x / step - round(x / step)) < 1e-6:
            return step
    return 0.1


def interval(x: float, *, about: bool) -> tuple[float, float]:
    half = step_of(x) / 2
    if about:
        half = max(half, 0.1 * x)
    return x - half, x + half


def inside(v: float, lo: float, hi: float) -> bool:
    """``v`` inside [lo, hi] away from the ends (a twentieth of the half-width), so that boundary arithmetic
    in the engine cannot turn agreement into a conflict."""
    pad = (hi - lo) / 40
    return lo + pad <= v <= hi - pad


def _fit(v: float, steps: tuple[float, ...], *, about: bool) -> float | None:
    """The coarsest rounding of ``v`` among ``steps`` whose interval still contains ``v``."""
    for step in steps:
        r = round(v / step) * step
        if r > 0 and inside(v, *interval(r, about=about)):
            return r
    return None


def _num(x: float, *, commas: bool) -> str:
    if float(x).is_integer():
        return f"{int(x):,}" if commas else str(int(x))
    return f"{x:,.1f}" if commas else f"{x:.1f}"


def quantity(rng: random.Random, v: float, source: str, lang: str, *, tight: bool = False) -> Num:
    """``v`` km as ``source`` would write it; its interval contains ``v``. ``tight``: a bare, finely rounded
    figure (used where an injected disagreement must stand out clearly)."""
    commas = v >= 1000 and rng.random() < 0.5
    if source == "INDOPACOM":
        unit, factor = ("miles", MILE) if rng.random() < 0.7 else ("nautical miles", NMILE)
        u = v / factor
        about = not tight and rng.random() < 0.7
        steps = ((50.0, 10.0, 5.0, 1.0) if u >= 1000 else (10.0, 5.0, 1.0)) if not tight else (10.0, 5.0, 1.0)
        ru = _fit(u, steps, about=about)
        if ru is None:
            ru, about = round(u), True
        lo, hi = interval(ru, about=about)
        return (f"about {_num(ru, commas=commas)} {unit}" if about else f"{_num(ru, commas=commas)} {unit}",
                lo * factor, hi * factor)
    if source == "KCNA":
        roll = rng.random()
        if roll < 0.5:
            r: float | None = round(v, 1)  # KCNA's precise-looking figure
        else:  # or a rounder one, still within the rounding of the truth
            r = _fit(v, (10.0, 5.0, 1.0) if roll < 0.8 else (100.0, 50.0, 10.0, 5.0, 1.0), about=False)
        r = r or round(v, 1)
        lo, hi = interval(r, about=False)
        return f"{_num(r, commas=commas)} km", lo, hi
    if tight:
        r = _fit(v, (10.0, 5.0, 1.0), about=False) or round(v, 1)
        lo, hi = interval(r, about=False)
        if float(r).is_integer() and rng.random() < 0.5:
            return int(r), lo, hi
        return f"{_num(r, commas=commas)} km", lo, hi
    roll = rng.random()
    if source == "JCS" and roll < 0.3:  # a bare figure, as a JSON number or text
        r = _fit(v, (10.0, 5.0, 1.0), about=False)
        if r is not None:
            lo, hi = interval(r, about=False)
            return (int(r) if roll < 0.2 else f"{int(r)} km"), lo, hi
    if source == "JCS" and roll > 0.95:
        a = math.floor(v / 50) * 50
        if a > 0 and inside(v, a, a + 50):
            return f"between {a} and {a + 50} km", float(a), float(a + 50)
    coarse = (100.0, 50.0, 10.0, 5.0, 1.0) if v >= 1000 else (50.0, 10.0, 5.0, 1.0)
    r = _fit(v, coarse if source in ("JMOD", "JCG") else (10.0, 5.0, 1.0), about=True) or round(v)
    lo, hi = interval(r, about=True)
    n = _num(r, commas=commas)
    if lang == "ja":
        return f"約{n}km", lo, hi
    if lang == "ko":
        return f"약 {n}km", lo, hi
    return (f"approximately {n} km" if rng.random() < 0.15 else f"about {n} km"), lo, hi


def overlap_gap(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The gap between two intervals (0 when they overlap)."""
    return max(0.0, max(a[0], b[0]) - min(a[1], b[1]))


# -- times ----------------------------------------------------------------------------------------------

_TZ = {9: timezone(timedelta(hours=9)), -10: timezone(timedelta(hours=-10)), 0: UTC}
PYONGYANG = ZoneInfo("Asia/Pyongyang")
_MON = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
_MONTH = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def local(ts: float, offset: int) -> datetime:
    return datetime.fromtimestamp(ts, _TZ[offset])


def _h12(dt: datetime) -> tuple[int, str]:
    h = dt.hour % 12 or 12
    return h, ("a.m." if dt.hour < 12 else "p.m.")


def _en_date(dt: datetime) -> str:
    return f"{_MON[dt.month - 1]} {dt.day}, {dt.year}"


def minute_interval(m: float, *, around: bool) -> tuple[float, float]:
    return (m + 30 - AROUND, m + 30 + AROUND) if around else (m, m + 59.0)


def time_form(rng: random.Random, t: float, source: str, lang: str, *, issued: float, exact: bool = False,
              shift_min: int = 0) -> Tm:
    """The launch instant ``t`` as ``source`` writes it. ``exact``: minute forms only (no "around"), used
    where an injected time disagreement must stand out. ``shift_min``: report the minute this far off the
    truth."""
    if source == "KCNA":
        dt = datetime.fromtimestamp(t, PYONGYANG)
        day0 = dt.replace(hour=0, minute=0, second=0, microsecond=0)
        lo = day0.timestamp()
        hi = (day0 + timedelta(days=1)).timestamp() - 1.0
        roll = rng.random()
        if roll < 0.45:
            text = f"{dt.year}-{dt.month:02d}-{dt.day:02d}"
        elif roll < 0.75:
            text = _en_date(dt)
        elif roll < 0.9:
            text = f"{_MONTH[dt.month - 1]} {dt.day}, {dt.year}"
        else:
            text = f"{dt.year}년 {dt.month}월 {dt.day}일"
        return text, lo, hi
    offset = -10 if source == "INDOPACOM" else 9
    zname = {"JMOD": "JST", "JCG": "JST", "JCS": "KST", "INDOPACOM": "HST"}[source]
    floor_m = t - (t % 60) + 60 * shift_min
    around = not exact and rng.random() < {"JMOD": 0.55, "JCS": 0.5, "INDOPACOM": 0.2, "JCG": 0.0}[source]
    if around:  # the reported minute may be a little off, or rounded to 5 minutes
        if source == "JCS" and rng.random() < 0.6:
            m = floor_m + 60 * (round(local(floor_m, 9).minute / 5) * 5 - local(floor_m, 9).minute)
        else:
            m = floor_m + 60 * rng.choice((-1, 0, 0, 0, 1))
    else:
        m = floor_m
    dt = local(m, offset)
    lo, hi = minute_interval(m, around=around)
    h12, ampm = _h12(dt)
    ymd = f"{dt.year}-{dt.month:02d}-{dt.day:02d}"
    hm = f"{dt.hour:02d}:{dt.minute:02d}"
    roll = rng.random()
    if roll < 0.2:  # ISO 8601 with the agency's offset
        off = "+09:00" if offset == 9 else "-10:00"
        if around:
            return f"around {h12}:{dt.minute:02d} {ampm} {zname} on {_en_date(dt)}", lo, hi
        return f"{ymd}T{hm}{':00' if rng.random() < 0.5 else ''}{off}", lo, hi
    if lang == "ja":
        idt = local(issued, 9)
        year = f"{dt.year}年" if rng.random() < 0.85 or idt.year != dt.year else ""
        return f"{year}{dt.month}月{dt.day}日 {dt.hour}時{dt.minute:02d}分{'頃' if around else ''}", lo, hi
    if lang == "ko" and around:
        idt = local(issued, 9)
        if (idt.date() == dt.date() and dt.hour % 12 != 0 and dt.minute != 0 and issued > m + 120
                and rng.random() < 0.7):
            return f"{'오전' if dt.hour < 12 else '오후'} {dt.hour % 12}시 {dt.minute}분경", lo, hi
        half = "오전" if dt.hour < 12 else "오후"
        clock = f"{dt.hour}시" if dt.hour % 12 == 0 else f"{half} {dt.hour % 12}시"
        return f"{dt.year}년 {dt.month}월 {dt.day}일 {clock} {dt.minute}분경", lo, hi
    if around:
        return f"around {h12}:{dt.minute:02d} {ampm} {zname} on {_en_date(dt)}", lo, hi
    if source == "INDOPACOM" or rng.random() < 0.3:
        return f"{_en_date(dt)} {h12}:{dt.minute:02d} {ampm} {zname}", lo, hi
    return f"{ymd} {hm} {zname}", lo, hi


def iso_instant(ts: float, offset: int) -> str:
    dt = local(round(ts), offset)
    if offset == 0:
        return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return dt.isoformat()

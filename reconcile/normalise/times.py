"""Times as intervals of UTC instants (float seconds since the epoch).

The reported precision becomes the interval: a second is itself, a minute is that minute, an hour alone ("8 a.m.")
is +/- ``hour_only``, a date alone is that whole day in the stated or the source's zone; "around" (頃, 경)
widens to at least +/- ``around``. Zones come from the text (offsets, JST/KST/HST..., "local time", "日本時間"),
else from the source (JMOD: Tokyo, INDOPACOM: Honolulu ...). A missing year or date is taken from ``issued_at``.

ISO 8601 goes through ``datetime.fromisoformat``; everything else is rewritten into English tokens (Japanese and
Korean date and time markers, a.m./p.m.) and parsed by dateutil, twice with different defaults so that what the text
did not say (year, month, day, hour) is detected rather than silently filled in.
"""

from __future__ import annotations

import re
import sys
import unicodedata
import warnings
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil import parser as du_parser

from ..errors import FieldProblem
from ..models import Interval

DAY = 86400.0

ZONE_WORDS: dict[str, str] = {
    "jst": "Asia/Tokyo", "kst": "Asia/Seoul", "hst": "Pacific/Honolulu", "pyt": "Asia/Pyongyang",
    "utc": "UTC", "gmt": "UTC", "z": "UTC", "est": "America/New_York", "edt": "America/New_York",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles",
    "japan time": "Asia/Tokyo", "tokyo time": "Asia/Tokyo", "日本時間": "Asia/Tokyo",
    "korea time": "Asia/Seoul", "korean time": "Asia/Seoul", "seoul time": "Asia/Seoul", "한국시간": "Asia/Seoul",
    "한국 시간": "Asia/Seoul", "pyongyang time": "Asia/Pyongyang", "hawaii time": "Pacific/Honolulu",
    "washington time": "America/New_York", "eastern time": "America/New_York", "universal time": "UTC",
}
_LOCAL = re.compile(r"\blocal time\b|현지시간|現地時間|\blocal\b", re.I)
_AROUND = re.compile(
    r"\b(?:around|about|approximately|approx\.?|roughly|circa|ca\.|some time around|sometime around|"
    r"shortly (?:after|before)|just (?:after|before)|soon after|early|late)\b|頃|ごろ|경|쯤|께|前後|무렵", re.I)
_ZONE_RE = re.compile(
    r"(?<![a-z])(" + "|".join(re.escape(w) for w in sorted(ZONE_WORDS, key=len, reverse=True) if w != "z")
    + r")(?![a-z])", re.I)
_OFFSET = re.compile(r"\(?\b(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\)?", re.I)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_ISO_OFFSET = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})")
_ISO_ZONE = re.compile(r"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?)\s+([A-Za-z]{1,4})")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

_CJK_YMD = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")
_CJK_MD = re.compile(r"(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")
_CJK_HM = re.compile(r"(午前|午後|오전|오후|새벽|아침|저녁|밤)?\s*(\d{1,2})\s*[時시]\s*(?:(\d{1,2})\s*[分분])?(?:\s*(\d{1,2})\s*[秒초])?")
_CJK_WEEKDAY = re.compile(r"[(（]\s*[月火水木金土日월화수목금토일]\s*[)）]|[月火水木金土日]曜日|[월화수목금토일]요일")
_AMPM = re.compile(r"\b([ap])\.?\s?m\.?(?![a-z])", re.I)
_SECONDS = re.compile(r"\d{1,2}:\d{2}:\d{2}")
_MINUTES = re.compile(r"\d{1,2}:\d{2}")
_HOUR = re.compile(r"\b\d{1,2}\s*(?:AM|PM)\b")
_DEFAULTS = (datetime(2000, 1, 1, 0, 0, 0), datetime(2001, 2, 2, 1, 1, 1))
_ISO_BASIC = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{2}:?\d{2})?")
_ALTERNATE = re.compile(r"\((?![^()]*(?:UTC|GMT)\s*[+-])[^()]*\b(?:GMT|UTC|Zulu)\b[^()]*\)", re.I)
_MILITARY = re.compile(r"(?<![\d:])([01]\d|2[0-3])([0-5]\d)\s*(hrs|hr|h|L|Z|KST|JST|HST|PYT|UTC|GMT)\b")
_ERAS = {"令和": 2018, "平成": 1988}
_ERA = re.compile(r"(令和|平成)\s*(\d{1,2}|元)\s*年")
_DAYPART = re.compile(r"\b(\d{1,2})\s+(in the morning|in the afternoon|in the evening|at night)\b", re.I)
_WEEKDAY = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b", re.I)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NOON = re.compile(r"\bnoon\b", re.I)
_MIDNIGHT = re.compile(r"\bmidnight\b", re.I)
_MONTH_DOT = re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.", re.I)
_ORDINAL = re.compile(r"(\d)(st|nd|rd|th)\b")
_GLUE = re.compile(r"\b(on|at|of|the|hours|hrs|h)\b", re.I)
_AM_WORDS = {"午前": "AM", "오전": "AM", "새벽": "AM", "아침": "AM", "午後": "PM", "오후": "PM", "저녁": "PM", "밤": "PM"}


@lru_cache(maxsize=64)
def zone(name: str) -> tzinfo:
    return UTC if name == "UTC" else ZoneInfo(name)


def _military(m: re.Match[str]) -> str:
    """0807 KST, 2307Z, 0807L (local), 0807 hrs -> 08:07 with the zone kept; "2022 KST" stays a year."""
    if m.group(1) in ("19", "20") and m.group(3).lower() not in ("hrs", "hr", "h", "l", "z"):
        return m.group(0)
    suffix = {"l": "", "h": "", "hr": "", "hrs": "", "z": " UTC"}.get(m.group(3).lower(), f" {m.group(3)}")
    return f"{m.group(1)}:{m.group(2)}{suffix}"


def _cjk_time(m: re.Match[str]) -> str:
    marker, hour, minute, second = m.group(1), m.group(2), m.group(3), m.group(4)
    text = f"{hour}:{int(minute or 0):02d}" + (f":{int(second):02d}" if second else "")
    if marker:
        text += " " + _AM_WORDS[marker]
    return f" {text} " + ("" if minute else "@hour ")


def _rewrite(text: str) -> tuple[str, bool]:
    """CJK markers and a.m./p.m. into tokens dateutil reads; whether only an hour was given in CJK form. Each
    rewrite runs only when its marker can be in the text: most times are short ASCII strings."""
    hour_only = False
    if not text.isascii():
        text = _CJK_WEEKDAY.sub(" ", text)
        text = _CJK_YMD.sub(lambda m: f" {m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d} ", text)
        text = _CJK_MD.sub(lambda m: f" {_MONTHS[int(m.group(1)) - 1]} {int(m.group(2))} ", text)
        text = _CJK_HM.sub(_cjk_time, text)
        hour_only = "@hour" in text
        text = text.replace("@hour", " ")
    lower = text.lower()
    if "m" in lower:
        text = _AMPM.sub(lambda m: m.group(1).upper() + "M", text)
    if "noon" in lower:
        text = _NOON.sub("12:00 PM", text)
    if "midnight" in lower:
        text = _MIDNIGHT.sub("12:00 AM", text)
    if "." in text:
        text = _MONTH_DOT.sub(r"\1", text)
    if any(suffix in lower for suffix in ("st", "nd", "rd", "th")):
        text = _ORDINAL.sub(r"\1", text)
    return text, hour_only


@lru_cache(maxsize=16_384)  # repeats (a day's date-only statements) come close together; the rest are unique
def parse_time(raw: str, *, zone_name: str, ref: float | None = None, around: float = 300.0,
               hour_only: float = 1800.0, zero_seconds: bool = False) -> Interval | FieldProblem:
    """Read a reported time into an interval of UTC instants. ``zone_name``: the zone of bare local times (the
    source's); ``ref``: the issue time that supplies a missing year or date."""
    text = (raw if raw.isascii() else unicodedata.normalize("NFKC", raw)).strip()
    if not text:
        return FieldProblem("", "empty time", raw)
    rules: list[str] = []
    basic = _ISO_BASIC.fullmatch(text)
    if basic:  # 20220105T0807+0900 -> 2022-01-05T08:07+09:00
        y, mo, d, h, mi, sec, off = basic.groups()
        text = f"{y}-{mo}-{d}T{h}:{mi}" + (f":{sec}" if sec else "") + (off or "")
    try:
        if _ISO.fullmatch(text):
            return _from_iso(text, raw, zone_name, zero_seconds=zero_seconds)
        m = _ISO_ZONE.fullmatch(text)
        if m and m.group(2).lower() in ZONE_WORDS:
            stated = ZONE_WORDS[m.group(2).lower()]
            return _from_iso(m.group(1), raw, stated, rule=f"iso;zone:{stated}", zero_seconds=zero_seconds)
    except (ValueError, OverflowError) as exc:  # the shape of a date, not a date: 2022-02-30, 25:00, 9999-12-31
        return _invalid(raw, exc)

    plain = _english(text, raw, zone_name, around=around, hour_only=hour_only, zero_seconds=zero_seconds)
    if plain is not None:
        return plain
    # each rewrite runs only where its marker can be in the text
    if "(" in text:
        text = _ALTERNATE.sub(" ", text)  # "(2307 GMT Tuesday)": the same instant written another way
    text = _MILITARY.sub(_military, text)
    if not text.isascii():
        text = _ERA.sub(lambda m: f"{_ERAS[m.group(1)] + (1 if m.group(2) == '元' else int(m.group(2)))}年", text)
    lower = text.lower()
    if "in the" in lower or "at night" in lower:
        text = _DAYPART.sub(lambda m: f"{m.group(1)} {'AM' if m.group(2).lower().endswith('morning') else 'PM'}",
                            text)
    text, hedges = _AROUND.subn(" ", text)
    hedged = hedges > 0
    tz_name = zone_name
    off = _OFFSET.search(text) if ("utc" in text.lower() or "gmt" in text.lower()) else None
    explicit_tz: tzinfo | None = None
    if off:
        sign = 1 if off.group(1) == "+" else -1
        hours, minutes = int(off.group(2)), int(off.group(3) or 0)
        if hours > 14 or minutes > 59:  # zones run from UTC-12 to UTC+14
            return FieldProblem("", f"not a zone offset: {off.group(0).strip()!r} in {raw!r}", raw)
        explicit_tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
        text = text[: off.start()] + " " + text[off.end():]
        rules.append("zone:offset")
    else:
        zm = _ZONE_RE.search(text)
        if zm:
            tz_name = ZONE_WORDS[zm.group(1).lower()]
            text = text[: zm.start()] + " " + text[zm.end():]
            rules.append(f"zone:{tz_name}")
        else:
            text, said_local = _LOCAL.subn(" ", text)
            rules.append(f"zone:local={tz_name}" if said_local else f"zone:source={tz_name}")
    text, cjk_hour_only = _rewrite(text)
    text = _GLUE.sub(" ", text)
    fields = _fast_fields(text)
    if fields is None:
        try:
            fields = _dateutil_fields(text)
        except (ValueError, ArithmeticError) as exc:  # (dateutil: decimal errors on absurdly long figures)
            return FieldProblem("", f"cannot read a date or time in {raw!r} ({exc})", raw)
    year, month, day, hour, minute, second, parsed_tz = fields
    if cjk_hour_only:
        minute = None
    tz = explicit_tz or parsed_tz or zone(tz_name)
    missing = [name for name, v in (("year", year), ("month", month), ("day", day)) if v is None]
    if missing:
        try:
            taken = _from_issued(text, raw, (year, month, day, hour, minute), missing, ref, tz, rules)
        except (ValueError, OverflowError) as exc:  # "Feb 30 2022 h": a date that does not exist, whatever the year
            return _invalid(raw, exc)
        if isinstance(taken, FieldProblem):
            return taken
        year, month, day = taken
    assert year is not None and month is not None and day is not None
    return _interval(raw, (year, month, day, hour, minute, second), tz, rules, hedged, around=around,
                     hour_only=hour_only, zero_seconds=zero_seconds)


def _invalid(raw: str, exc: Exception) -> FieldProblem:
    return FieldProblem("", f"not a valid date or time in {raw!r} ({exc})", raw)


def _from_issued(text: str, raw: str, fields: tuple[int | None, ...], missing: list[str], ref: float | None,
                 tz: tzinfo, rules: list[str]) -> tuple[int, int, int] | FieldProblem:
    """The year, month and day a time leaves out, from the issue time ``ref`` (noted in ``rules``)."""
    year, month, day, hour, minute = fields
    if ref is None:
        return FieldProblem("", f"no {'/'.join(missing)} in {raw!r} and no issued_at to take it from", raw)
    ref_local = datetime.fromtimestamp(ref, tz).replace(tzinfo=None)
    if day is None and (month is not None or year is not None):
        return FieldProblem("", f"no day in {raw!r}", raw)
    if day is not None and month is None:  # "5일 오전 8시": the month (and year) of the issue, or the one before
        year, month = ref_local.year, ref_local.month
        if day > ref_local.day + 1:
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        rules.append("month-from-issued")
    elif day is None:  # a time alone: the day of the issue, or the day before when that would be later
        candidate = datetime(ref_local.year, ref_local.month, ref_local.day, hour or 0, minute or 0)
        named = _WEEKDAY.search(text)
        if named:  # "8:07 a.m. Wednesday": the latest such day up to the issue
            back = (candidate.weekday() - _WEEKDAYS.index(named.group(1).lower()[:3])) % 7
            candidate -= timedelta(days=back)
        if candidate > ref_local + timedelta(hours=1):
            candidate -= timedelta(days=7 if named else 1)
        year, month, day = candidate.year, candidate.month, candidate.day
        rules.append("date-from-issued")
    elif year is None:
        assert month is not None
        year = ref_local.year
        if datetime(year, month, day) > ref_local + timedelta(days=1):
            year -= 1
        rules.append("year-from-issued")
    assert year is not None and month is not None and day is not None
    return year, month, day


def _interval(raw: str, fields: tuple[int, int, int, int | None, int | None, float | None], tz: tzinfo,
              rules: list[str], hedged: bool, *, around: float, hour_only: float,
              zero_seconds: bool) -> Interval | FieldProblem:
    """The interval a local date and time stand for, to the precision given (``rules``: how the zone was found;
    the precision goes first, "around" last)."""
    year, month, day, hour, minute, second = fields
    try:  # a date that does not exist, or one at the very end of the calendar (9999-12-31 in a zone behind UTC)
        local = datetime(year, month, day, hour or 0, minute or 0, int(second or 0))
        start = local.replace(tzinfo=tz).timestamp() + ((second or 0) - int(second or 0))  # "14:46:18.1"
        if second or (second is not None and zero_seconds):
            lo, hi, best, prec = start, start, start, "second"
        elif minute is not None:
            lo, hi, best, prec = start, start + 59.0, start + 30.0, "minute"
        elif hour is not None:
            lo, hi, best, prec = start - hour_only, start + hour_only, start, "hour"
        else:
            lo = datetime(year, month, day, tzinfo=tz).timestamp()
            hi = (datetime(year, month, day) + timedelta(days=1)).replace(tzinfo=tz).timestamp() - 1.0
            best, prec = (lo + hi) / 2, "date"
    except (ValueError, OverflowError) as exc:
        return _invalid(raw, exc)
    rules.insert(0, prec)
    if hedged and prec != "date":
        lo, hi = min(lo, best - around), max(hi, best + around)
        rules.append("around")
    return Interval(lo, hi, best, "s", raw, sys.intern(";".join(rules)))


_EN_HEDGE = r"(?:(?P<hedge>around|about|approximately|roughly)\s+)?"
_EN_CLOCK = (r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}(?:\.\d+)?))?"
             r"(?:\s+(?P<ap>[ap])\.?\s?m\.?)?(?:\s+(?P<zone>jst|kst|hst|pyt|utc|gmt|est|edt|pst|pdt))?")
_EN_DATE = (r"(?P<month>(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?)\s+(?P<d>\d{1,2}),?\s+"
            r"(?P<y>\d{4})")
_DOTTED = frozenset(("jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec."))
_EN_FORMS = (  # "around 8:07 a.m. KST on Jan. 5, 2022", "Jan. 4, 2022 3:07 p.m. HST", "January 5, 2022"
    re.compile(_EN_HEDGE + _EN_CLOCK + r"(?:\s+on)?,?\s+" + _EN_DATE, re.I),
    re.compile(_EN_HEDGE + _EN_DATE + r",?\s+(?:at\s+)?" + _EN_CLOCK, re.I),
    re.compile(_EN_DATE, re.I),
)


def _english(text: str, raw: str, zone_name: str, *, around: float, hour_only: float,
             zero_seconds: bool) -> Interval | FieldProblem | None:
    """The common English forms read directly, exactly as the general path reads them (tested against it) in a
    fifth of the time; None for anything else."""
    if not text.isascii():
        return None
    for form in _EN_FORMS:
        m = form.fullmatch(text)
        if m:
            break
    else:
        return None
    g = m.groupdict()
    if g["month"].endswith(".") and g["month"].lower() not in _DOTTED:
        return None  # "May.", "January.": the general path reads only abbreviations with a dot
    hour = minute = None
    second: float | None = None
    if g.get("h") is not None:
        hour, minute = int(g["h"]), int(g["mi"])
        second = float(g["s"]) if g["s"] else None
        if g["ap"]:
            if not 1 <= hour <= 12:
                return None  # "13:00 p.m.": the general path says what is wrong
            hour = hour % 12 + (12 if g["ap"].lower() == "p" else 0)
    zone_word = g.get("zone")
    tz_name = ZONE_WORDS[zone_word.lower()] if zone_word else zone_name
    rules = [f"zone:{tz_name}" if zone_word else f"zone:source={tz_name}"]
    fields = (int(g["y"]), _MON[g["mon"].lower()], int(g["d"]), hour, minute, second)
    return _interval(raw, fields, zone(tz_name), rules, g.get("hedge") is not None, around=around,
                     hour_only=hour_only, zero_seconds=zero_seconds)


_Fields = tuple[int | None, int | None, int | None, int | None, int | None, float | None, tzinfo | None]
_MON = {m.lower(): i + 1 for i, m in enumerate(_MONTHS)}
_MON_RE = r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_DATE_FORMS = (
    re.compile(r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(_MON_RE + r"\s+(?P<d>\d{1,2})(?:\s*,?\s*(?P<y>\d{4}))?", re.I),
    re.compile(r"(?P<d>\d{1,2})\s+" + _MON_RE + r"(?:\s*,?\s*(?P<y>\d{4}))?", re.I),
)
_TIME_FORM = re.compile(
    r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}(?:\.\d+)?))?(?:\s*(?P<ap>AM|PM))?|(?P<h2>\d{1,2})\s*(?P<ap2>AM|PM)")
_FILLER = re.compile(
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\b|[\s,.;:()\-]",
    re.I)


def _fast_fields(text: str) -> _Fields | None:
    """The common shapes ("Jan 5, 2022 8:07 AM", "2022-01-05 8:07", "8:10 AM") without dateutil; None when
    anything else is left in the text."""
    rest = text
    year = month = day = hour = minute = second = None
    for form in _DATE_FORMS:
        m = form.search(rest)
        if m:
            g = m.groupdict()
            year = int(g["y"]) if g.get("y") else None
            month = int(g["mo"]) if g.get("mo") else _MON[g["mon"][:3].lower()]
            day = int(g["d"])
            rest = rest[: m.start()] + " " + rest[m.end():]
            break
    m = _TIME_FORM.search(rest)
    if m:
        ap = m.group("ap") or m.group("ap2")
        hour = int(m.group("h") or m.group("h2"))
        minute = int(m.group("mi")) if m.group("mi") else None
        second = float(m.group("s")) if m.group("s") else None
        if ap:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if ap.upper() == "PM" else 0)
        rest = rest[: m.start()] + " " + rest[m.end():]
    if _FILLER.sub("", rest) or (day is None and hour is None):
        return None
    return year, month, day, hour, minute, second, None


def _dateutil_fields(text: str) -> _Fields:
    """dateutil for everything else, parsed twice with different defaults to tell what the text left out."""
    with warnings.catch_warnings():  # an unknown zone name is simply not a zone: the source's applies
        warnings.simplefilter("ignore", du_parser.UnknownTimezoneWarning)
        a, b = (du_parser.parse(text, default=d, fuzzy=True) for d in _DEFAULTS)
    has_minutes = bool(_MINUTES.search(text))
    has_time = a.hour == b.hour or has_minutes or bool(_HOUR.search(text))
    return (
        a.year if a.year == b.year else None,
        a.month if a.month == b.month else None,
        a.day if a.day == b.day else None,
        a.hour if has_time else None,
        a.minute if has_minutes else None,
        a.second + a.microsecond / 1e6 if _SECONDS.search(text) else None,
        a.tzinfo,
    )


def _from_iso(text: str, raw: str, zone_name: str, rule: str = "iso", *, zero_seconds: bool = False) -> Interval:
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    rules = [rule]
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=zone(zone_name))
        if rule == "iso":
            rules.append(f"zone:source={zone_name}")
    if len(text) == 10:  # a date alone
        lo = dt.timestamp()
        hi = (dt + timedelta(days=1)).timestamp() - 1.0
        return Interval(lo, hi, (lo + hi) / 2, "s", raw, sys.intern(";".join(["date", *rules])))
    t = dt.timestamp()
    # hh:mm:00 is a minute written out, not a measured second (unless the field's times are measured to the second)
    if dt.second or dt.microsecond or (zero_seconds and _SECONDS.search(text)):
        return Interval(t, t, t, "s", raw, sys.intern(";".join(["second", *rules])))
    return Interval(t, t + 59.0, t + 30.0, "s", raw, sys.intern(";".join(["minute", *rules])))


_EPOCH = datetime(1970, 1, 1)


def parse_instant(raw: str, *, zone_name: str) -> float | FieldProblem:
    """A publication time as one instant (its start, or the middle of a date given alone). Not cached: issue
    times are unique, and a cache would only hold a million of them."""
    if _ISO_OFFSET.fullmatch(raw):  # the usual form, with its offset: no zone to look up, no interval to build
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()
        except (ValueError, OverflowError):
            pass  # not a real date: the general path says why
    parsed = parse_time.__wrapped__(raw, zone_name=zone_name)
    if isinstance(parsed, FieldProblem):
        return parsed
    return parsed.best if parsed.rule.startswith("date") else parsed.lo


@lru_cache(maxsize=1 << 16)  # a batch writes each report's time three times, and events share minutes
def format_instant(t: float, *, precise: bool = False) -> str:
    """An instant as ISO 8601 UTC with a Z, to the second (naive arithmetic + isoformat: 4x strftime's speed,
    which counts when a million reports are written); ``precise``: to the hundredth where it has a fraction."""
    if precise:
        hundredths = round(t * 100)
        if hundredths % 100:
            text = (_EPOCH + timedelta(seconds=hundredths // 100)).isoformat()
            return f"{text}.{hundredths % 100:02d}Z"
    return (_EPOCH + timedelta(seconds=round(t))).isoformat() + "Z"


def format_local(t: float, zone_name: str) -> str:
    return datetime.fromtimestamp(round(t), zone(zone_name)).strftime("%Y-%m-%d %H:%M %Z")


def local_date(t: float, zone_name: str) -> str:
    return datetime.fromtimestamp(t, zone(zone_name)).strftime("%Y-%m-%d")

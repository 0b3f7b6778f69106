"""Quantities and counts as intervals.

A reported figure is read as: an optional hedge, one number or a range, an optional unit. The unit table is a
small explicit table rather than pint: the profile needs a dozen units in three dimensions, the factors are exact
by definition (a mile is 1.609344 km, a nautical mile 1.852 km), the reports write units in Korean and Japanese
that pint does not know, and a dictionary lookup costs nothing per report where pint's parser would dominate the
run time of a million-report archive. Mach is taken at 1,225 km/h (sea level, 15 °C), the figure agencies use.

Rules (documented in the README and tested table-driven):
- a bare number was rounded to a step: the largest of 100, 50, 10, 5, 1 (then 0.5, 0.1, ...) that divides it and
  is at most 10% of it; the interval is +/- half that step, in the unit as reported, converted after;
- "about" widens to at least +/- ``about_rel`` (10%); "more than X" -> [X, inf); "less than X" -> [0, X];
  "between A and B" / "A-B" / "A to B" -> [A, B].
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

from ..errors import FieldProblem
from ..models import Interval

_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
_NOT_KEPT = re.compile(r"[^\w\s.~\-/]|_")


def _fold(raw: str) -> str:
    """Like ``text_key`` but keeps what numbers need: decimal points, ranges (-, ~) and slashes (km/h)."""
    text = unicodedata.normalize("NFKC", raw).casefold()
    text = _THOUSANDS.sub("", text).replace("–", "-").replace("—", "-").replace("〜", "~")
    text = _NOT_KEPT.sub(" ", text)
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)  # full stops, not decimal points
    return " ".join(text.split())

MACH_KMH = 1225.0

# canonical unit -> {unit key: factor to the canonical unit}
UNITS: dict[str, dict[str, float]] = {
    "km": {
        "km": 1.0, "kms": 1.0, "kilometer": 1.0, "kilometers": 1.0, "kilometre": 1.0, "kilometres": 1.0,
        "キロ": 1.0, "キロメートル": 1.0, "킬로미터": 1.0, "킬로": 1.0, "키로": 1.0, "公里": 1.0,
        "m": 0.001, "meter": 0.001, "meters": 0.001, "metre": 0.001, "metres": 0.001, "미터": 0.001,
        "メートル": 0.001,
        "mi": 1.609344, "mile": 1.609344, "miles": 1.609344, "마일": 1.609344, "マイル": 1.609344,
        "nm": 1.852, "nmi": 1.852, "nautical mile": 1.852, "nautical miles": 1.852, "해리": 1.852, "海里": 1.852,
        "ft": 0.0003048, "feet": 0.0003048, "foot": 0.0003048, "피트": 0.0003048, "フィート": 0.0003048,
    },
    "mach": {
        "mach": 1.0, "마하": 1.0, "マッハ": 1.0,
        "km h": 1 / MACH_KMH, "kmh": 1 / MACH_KMH, "kph": 1 / MACH_KMH, "km per hour": 1 / MACH_KMH,
        "km s": 3600 / MACH_KMH, "m s": 3.6 / MACH_KMH, "mph": 1.609344 / MACH_KMH,
        "miles per hour": 1.609344 / MACH_KMH, "knots": 1.852 / MACH_KMH, "kt": 1.852 / MACH_KMH,
    },
    "min": {
        "min": 1.0, "mins": 1.0, "minute": 1.0, "minutes": 1.0, "분": 1.0, "分": 1.0, "分間": 1.0,
        "s": 1 / 60, "sec": 1 / 60, "secs": 1 / 60, "second": 1 / 60, "seconds": 1 / 60, "초": 1 / 60, "秒": 1 / 60,
        "h": 60.0, "hr": 60.0, "hrs": 60.0, "hour": 60.0, "hours": 60.0, "시간": 60.0, "時間": 60.0,
    },
    "count": {},
    "s": {
        "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0, "ms": 0.001, "초": 1.0, "秒": 1.0,
        "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
    },
    # magnitudes have no unit; their type ("Mw") is read by the typed-field reader before the figure gets here
    "mag": {"mag": 1.0, "magnitude": 1.0},
    "number": {},  # a plain figure in whatever unit the profile's field is reported in (hPa, knots)
}

_ABOUT: tuple[str, ...] = ("about", "around", "approximately", "approx", "roughly", "some", "nearly", "almost", "close to",
          "an estimated", "estimated", "an approximate", "약", "대략", "約", "およそ", "おおよそ", "ca")
_MORE: tuple[str, ...] = ("more than", "over", "above", "exceeding", "exceeded", "exceeds", "in excess of", "at least", "no less than", "upwards of", "최소", "적어도", "少なくとも", "最低")
_LESS: tuple[str, ...] = ("less than", "under", "below", "up to", "at most", "no more than", "within", "최대")
_SUFFIX_ABOUT: tuple[str, ...] = ("여", "余り", "余", "程度", "前後", "ほど", "가량", "정도", "쯤")
_SUFFIX_MORE: tuple[str, ...] = ("を大きく超える", "を大きく超え", "を超える", "を超え", "を上回る", "이상", "以上", "超", "超え", "넘게", "넘는", "or more", "or higher", "or above", "or greater",
                "or longer", "plus")
_SUFFIX_LESS: tuple[str, ...] = ("미만", "이하", "以下", "未満", "or less", "or lower", "or below", "or shorter", "이내", "以内")

_NUM = r"\d+(?:\.\d+)?"
_ALT_UNIT = re.compile(r"\s*[(（][^()（）]*\d[^()（）]*[)）]\s*$")
_PLUS = re.compile(r"\d\s*(?:[^\W\d_]+\s*)?\+")
_ODD = re.compile(r"(\d)\s*-?\s*odd\b")
_QTY_WORDS = re.compile(r"\b(half an|half a|an|a|one)\b(?=\s+(?:hour|minute|second|mile|kilomet))")
_QTY_WORD_VALUES = {"half an": "0.5", "half a": "0.5", "an": "1", "a": "1", "one": "1"}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(hours?|hrs?|h|minutes?|mins?|seconds?|secs?|s|시간|분|초|時間|分|秒)(?![a-z])")
_DURATION_GLUE = re.compile(r"^(?:\s|,|and|about|around|approximately|약|約)*$")
_DASH = re.compile(r"(\d)\s*-\s*(\d)")
_MULTIPLIERS = {"천": 1_000.0, "만": 10_000.0, "千": 1_000.0, "万": 10_000.0, "thousand": 1_000.0}
_MULTIPLIER = re.compile(r"(\d+(?:\.\d+)?)\s*(천|만|千|万|thousand)")
_RANGE = re.compile(rf"(?:between\s+)?({_NUM})\s*(?:and|to|-|~|〜|～|or|에서)\s*({_NUM})")
_ONE = re.compile(_NUM)
_STEPS = (100.0, 50.0, 10.0, 5.0, 1.0, 0.5, 0.1, 0.05, 0.01)


def rounding_step(x: float) -> float:
    """The largest step of 100, 50, 10, 5, 1, 0.5 ... that divides ``x`` and is at most 10% of it."""
    if x <= 0:
        return 0.0
    for step in _STEPS:
        if step <= 0.1 * x + 1e-9:
            ratio = x / step
            if abs(ratio - round(ratio)) < 1e-6:
                return step
    # no step fits (small integers, long decimals): the number was given to its last digit
    decimals = len(repr(float(x)).split(".")[1].rstrip("0")) if not float(x).is_integer() else 0
    return 10.0 ** -decimals


@lru_cache(maxsize=64)
def _folded(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted((_fold(w) for w in words), key=len, reverse=True))


def _strip_affixes(key: str, words: tuple[str, ...], *, prefix: bool) -> tuple[str, bool]:
    for wk in _folded(words):
        if prefix and (key == wk or key.startswith(wk + " ") or (not wk.isascii() and key.startswith(wk))):
            return key[len(wk):].strip(), True
        if not prefix and key.endswith(wk) and (not wk.isascii() or key == wk or key[-len(wk) - 1] == " "):
            return key[: -len(wk)].strip(), True
    return key, False


_NEGATIVE = re.compile(r"^\s*[-−–]\s*\d")
_PLUS_MINUS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:±|\+/-|\+-)\s*(\d+(?:\.\d+)?)\s*(.*?)\s*$")


@lru_cache(maxsize=100_000)
def parse_quantity(raw: str, unit: str, about_rel: float = 0.10, digits: bool = False) -> Interval | FieldProblem:
    """Read a reported figure into an interval in ``unit`` (a key of ``UNITS``). ``digits``: a bare figure is
    known to its last written digit ("700 km" is 699.5..700.5, as a bulletin's depth is), not rounded to a step."""
    if _NEGATIVE.match(raw):  # "-1.2 km" must not read as 1.2 km
        return FieldProblem("", f"negative value {raw!r}", raw)
    stated = _PLUS_MINUS.match(raw.replace(",", ""))
    if stated:  # "16.6 ± 2.1 km": the figure with its stated error
        x, e = float(stated.group(1)), float(stated.group(2))
        factor, unit_rule = _unit_factor(_fold(stated.group(3)), unit)
        if factor is None:
            return FieldProblem("", f"unknown unit {stated.group(3)!r} in {raw!r} (expected a {unit} quantity)", raw)
        rule = f"error:{e:g}" + (f";unit:{unit_rule}" if unit_rule else "")
        return Interval(max(0.0, x - e) * factor, (x + e) * factor, x * factor, unit, raw, rule)
    # "500 km (about 310 miles)": the same figure in another unit; the first is the one reported
    text = _ALT_UNIT.sub("", raw) if _ALT_UNIT.search(raw) and _ALT_UNIT.sub("", raw).strip() else raw
    compound = _compound_duration(text) if unit == "min" else None
    if compound is not None:
        return compound
    key = _fold(text).replace("/", " per ")
    key = _QTY_WORDS.sub(lambda m: _QTY_WORD_VALUES[m.group(1)], key)
    prefix_hedge = None
    if key.startswith("~"):
        key, prefix_hedge = key[1:].strip(), "about"
    odd = _ODD.search(key)
    if odd:  # "500-odd km": about
        key, prefix_hedge = (key[: odd.start()] + odd.group(1) + key[odd.end():]).strip(), "about"
    if _PLUS.search(text):  # "1000+ km", "Mach 5+": more than
        prefix_hedge = "more"
    key = _DASH.sub(r"\1 - \2", key)
    key = _MULTIPLIER.sub(lambda m: f"{float(m.group(1)) * _MULTIPLIERS[m.group(2)]:g}", key)
    rate = " per " in f" {key} " and unit != "mach"
    # leading words before the figure ("a distance of about 500 km", "flew about 500 km") keep their hedge
    first_digit = next((k for k, c in enumerate(key) if c.isdigit()), None)
    if first_digit:
        lead = key[:first_digit]
        for words in (_ABOUT, _MORE, _LESS, ("between",)):
            word = next((w for w in _folded(words) if lead.endswith(w) or lead.endswith(w + " ")), None)
            if word is not None:
                key = key[lead.rindex(word):]
                break
    hedge = prefix_hedge or "exact"
    for words, name, prefix in ((_ABOUT, "about", True), (_MORE, "more", True), (_LESS, "less", True),
                                (_SUFFIX_ABOUT, "about", False), (_SUFFIX_MORE, "more", False),
                                (_SUFFIX_LESS, "less", False)):
        key, hit = _strip_affixes(key, words, prefix=prefix)
        if hit:
            hedge = name
    # a hedge may also sit between number and unit ("500여km", "700km 이상")
    for words, name in ((_SUFFIX_ABOUT, "about"), (_SUFFIX_MORE, "more"), (_SUFFIX_LESS, "less")):
        for w in words:
            if not w.isascii() and w in key:
                key, hedge = key.replace(w, " ").strip(), name
    key = key.replace("  ", " ")
    rng = _RANGE.search(key)
    written = ""
    if rng:
        lo, hi = float(rng.group(1)), float(rng.group(2))
        rest = (key[: rng.start()] + " " + key[rng.end():]).strip()
    else:
        numbers = _ONE.findall(key)
        if not numbers:
            return FieldProblem("", f"no number in {raw!r}", raw)
        if len(numbers) > 1:
            return FieldProblem("", f"more than one number in {raw!r}", raw)
        lo = hi = float(numbers[0])
        written = numbers[0]
        m = _ONE.search(key)
        assert m is not None
        rest = (key[: m.start()] + " " + key[m.end():]).strip()
    rest = re.sub(r"\bbetween\b|\band\b|\bthe\b|\ba\b|\bof\b", " ", rest).strip()
    rest = " ".join(rest.split())
    factor, unit_rule = _unit_factor(rest, unit)
    if rate:
        factor = None  # "500 km/h" is a speed, not a distance
    if factor is None:
        return FieldProblem("", f"unknown unit {rest!r} in {raw!r} (expected a {unit} quantity)", raw)
    if rng:
        if lo > hi:
            lo, hi = hi, lo
        best, rule = (lo + hi) / 2, "range"
        if hedge == "about":
            lo, hi, rule = lo * (1 - about_rel), hi * (1 + about_rel), "range+about"
    elif hedge == "more":
        best, hi, rule = lo, math.inf, "more-than"
    elif hedge == "less":
        best, lo, rule = hi, 0.0, "less-than"
    else:
        x = lo
        step = 10.0 ** -len(written.partition(".")[2]) if digits else rounding_step(x)
        half = step / 2
        rule = f"{'digits' if digits else 'step'}:{step:g}"
        if hedge == "about":
            half, rule = max(half, about_rel * x), "hedge:about"
        best, lo, hi = x, max(0.0, x - half), x + half
    if unit_rule:
        rule += f";unit:{unit_rule}"
    return Interval(lo * factor, hi * factor, best * factor, unit, raw, rule)


def _compound_duration(raw: str) -> Interval | None:
    """"1 hour 10 minutes", "5분 30초": the parts added up, to the precision of the smallest unit given."""
    folded = _fold(raw)
    parts = _DURATION_PART.findall(folded)
    if len(parts) < 2 or not _DURATION_GLUE.match(_DURATION_PART.sub(" ", folded)):
        return None
    table = UNITS["min"]
    try:
        factors = [table[u] if u in table else table[u + "s"] for _, u in parts]
    except KeyError:
        return None
    total = sum(float(n) * f for (n, _), f in zip(parts, factors, strict=True))
    half = min(factors) / 2
    return Interval(total - half, total + half, total, "min", raw, "compound")


def _unit_factor(rest: str, unit: str) -> tuple[float | None, str]:
    if not rest:
        return 1.0, ""
    table = UNITS.get(unit, {})
    rest = rest.replace(" per ", " ").replace("per ", "").strip()
    if rest in table:
        return table[rest], ("" if table[rest] == 1.0 else rest)
    # leading or trailing words around the unit ("km flight", "distance of 500 km")
    for word in sorted(table, key=len, reverse=True):
        if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", rest):
            return table[word], ("" if table[word] == 1.0 else word)
    return None, ""


_WORDS = {"zero": 0, "one": 1, "a": 1, "an": 1, "single": 1, "a single": 1, "two": 2, "a pair of": 2, "pair": 2,
          "twin": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
          "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "twenty": 20,
          "한": 1, "두": 2, "세": 3, "네": 4, "하나": 1, "둘": 2, "셋": 3, "넷": 4, "다섯": 5,
          "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}
_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50})
_TENS = re.compile(r"\b(twenty|thirty|forty|fifty)[- ](one|two|three|four|five|six|seven|eight|nine)\b")
_VAGUE = {"unspecified number": (1.0, math.inf), "undisclosed number": (1.0, math.inf),
          "unknown number": (1.0, math.inf), "number": (1.0, math.inf), "an unspecified number": (1.0, math.inf),
          "an undisclosed number": (1.0, math.inf), "an unknown number": (1.0, math.inf),
          "a number": (1.0, math.inf),"several": (3.0, 9.0), "a few": (2.0, 5.0), "few": (2.0, 5.0), "multiple": (2.0, math.inf),
          "some": (2.0, math.inf), "a couple of": (2.0, 3.0), "a couple": (2.0, 3.0), "couple": (2.0, 3.0), "a salvo of": (2.0, math.inf),
          "여러": (2.0, math.inf), "수": (2.0, 9.0), "数": (2.0, 9.0), "複数": (2.0, math.inf), "dozens": (24.0, 99.0),
          "more than 20": (21.0, math.inf)}
_COUNT_NOUNS = re.compile(r"(발|発|기|基|missiles?|rockets?|projectiles?|launches|rounds?|shots?|times)$")


@lru_cache(maxsize=20_000)
def parse_count(raw: str) -> Interval | FieldProblem:
    """Read a count: an integer, a number word, a hedged count ("at least two", "2 or 3", "several")."""
    key = _fold(raw)
    key = _COUNT_NOUNS.sub("", key).strip()
    key = _COUNT_NOUNS.sub("", re.sub(r"\s+of$", "", key)).strip()
    if key in _VAGUE:  # before number words turn "a few" into "1 few"
        lo, hi = _VAGUE[key]
        return Interval(lo, hi, lo, "count", raw, "vague")
    key = _TENS.sub(lambda m: str(_WORDS[m.group(1)] + _WORDS[m.group(2)]), key)
    key = re.sub(r"(\d)\s*(발|発|기|基)\b", r"\1", key)
    for word, n in sorted(_WORDS.items(), key=lambda kv: -len(kv[0])):
        key = re.sub(rf"(?<![a-z]){re.escape(word)}(?![a-z])" if word.isascii() else re.escape(word), str(n), key)
    key = _COUNT_NOUNS.sub("", key).strip()
    if key in _VAGUE or key.rstrip(" 발発") in _VAGUE:
        lo, hi = _VAGUE.get(key) or _VAGUE[key.rstrip(" 발発")]
        return Interval(lo, hi, lo, "count", raw, "vague")
    hedge = "exact"
    for words, name in ((_MORE, "more"), (_LESS, "less"), (_ABOUT, "about")):
        key, hit = _strip_affixes(key, words, prefix=True)
        if hit:
            hedge = name
    for words, name in ((_SUFFIX_MORE, "more"), (_SUFFIX_LESS, "less"), (_SUFFIX_ABOUT, "about")):
        key, hit = _strip_affixes(key, words, prefix=False)
        if hit:
            hedge = name
    rng = _RANGE.fullmatch(key) or _RANGE.match(key)
    if rng and not re.search(r"\d", key[rng.end():]):
        lo, hi = sorted((float(rng.group(1)), float(rng.group(2))))
        return Interval(lo, hi, lo, "count", raw, "range")
    lead = re.match(r"(\d+)\b(.*)$", key)
    if lead and not re.search(r"\d", lead.group(2)):
        key = lead.group(1)  # "2 short-range ballistic missiles"
    if not re.fullmatch(r"\d+", key):
        return FieldProblem("", f"not a count: {raw!r}", raw)
    count = float(key)
    if hedge == "more":
        return Interval(count, math.inf, count, "count", raw, "at-least")
    if hedge == "less":
        return Interval(0.0, count, count, "count", raw, "at-most")
    if hedge == "about":
        return Interval(max(0.0, count - 1), count + 1, count, "count", raw, "hedge:about")
    return Interval(count, count, count, "count", raw, "exact")


# The words the parsers above read, for code that has to find figures in prose before reading them
# (reconcile.extract): prefixed and suffixed hedges by meaning, and the words a count can be written in.
HEDGE_PREFIXES: dict[str, tuple[str, ...]] = {"about": _ABOUT, "more": _MORE, "less": _LESS}
HEDGE_SUFFIXES: dict[str, tuple[str, ...]] = {"about": _SUFFIX_ABOUT, "more": _SUFFIX_MORE, "less": _SUFFIX_LESS}
COUNT_WORDS: tuple[str, ...] = tuple(w for w in (*_WORDS, *_VAGUE) if w.isascii() and not w[0].isdigit())

"""Finding the phrases that carry a report's values, with their spans: figures with units and hedges, clock times
and dates, event types, places, zone qualifiers, bearings and counts.

Finders only find and classify; the values are read later by the engine's own normalisers from the phrase text.
The words come from the profile (units and hedges from the normalisers' tables, vocabularies and cues from the
profile); what is here is the grammar of figures and clock times, which does not change with the incident kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..normalise.quantities import COUNT_WORDS, HEDGE_PREFIXES, HEDGE_SUFFIXES, UNITS
from ..normalise.times import ZONE_WORDS
from .lexicon import Lexicon, alternation
from .text import Folded


@dataclass(frozen=True, slots=True)
class Phrase:
    """A phrase found in the text. ``kind``: for figures the unit dimension (the canonical unit); for times
    ``clock``/``date``/``month``; for places ``place``/``zone``/``relative``; else the field's role."""

    kind: str
    start: int
    end: int
    text: str
    code: str = ""
    field: str = ""  # the field a figure was assigned to by its cue words ("" when none fits)


# ---------------------------------------------------------------------------------------------------------------
# figures

_NUM = r"\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SHORT_UNITS = {"m", "s", "h", "mi", "nm", "ft", "kt", "km h", "kmh", "km s", "m s"}


def _unit_alternation(table: dict[str, float]) -> str:
    words = [w for w in table if w not in _SHORT_UNITS and not w.startswith(("km ", "m "))]
    return alternation(words)


def _hedge_alternation(prefix: bool) -> str:
    table = HEDGE_PREFIXES if prefix else HEDGE_SUFFIXES
    return alternation([w for words in table.values() for w in words])


_HEDGE_BEFORE = _hedge_alternation(True)
_HEDGE_AFTER = _hedge_alternation(False)
_ALT = r"(?:\s*[(（][^()（）]{0,40}\d[^()（）]{0,40}[)）])?"  # "(about 310 miles)": the same figure in another unit
_RANGE_SEP = r"\s*(?:-|–|~|〜|～|(?i:to))\s*"


def _figure_pattern(units: str) -> re.Pattern[str]:
    n = rf"(?:\d+(?:\.\d+)?\s*(?:천|만|千|万)|{_NUM})"  # "6천km", "1万5000キロ" is read as 15000 by the normaliser
    number = rf"(?:(?i:between)\s+{n}\s*(?i:and)\s*{n}|{n}(?:{_RANGE_SEP}{n})?)"
    return re.compile(
        rf"(?:(?:{_HEDGE_BEFORE})\s*)?{number}\s*(?:여|余)?\s*-?\s*(?:{units})(?:\s*(?:{_HEDGE_AFTER}))?{_ALT}")


_MACH = re.compile(rf"(?:(?:{_HEDGE_BEFORE})\s*)?(?:(?i:mach)|마하|マッハ)\s*(?:{_NUM})(?:{_RANGE_SEP}(?:{_NUM}))?"
                   rf"(?:\s*(?:{_HEDGE_AFTER}))?")


@dataclass(frozen=True)
class _FigureGrammar:
    patterns: tuple[tuple[str, re.Pattern[str]], ...]


_GRAMMARS: dict[tuple[str, ...], _FigureGrammar] = {}


def _grammar(units: tuple[str, ...]) -> _FigureGrammar:
    g = _GRAMMARS.get(units)
    if g is None:
        pats = tuple((u, _figure_pattern(_unit_alternation(UNITS[u]))) for u in units if u != "mach" and UNITS.get(u))
        g = _GRAMMARS[units] = _FigureGrammar(pats)
    return g


_REL_AFTER = re.compile(r"^\s*(?i:(?:north|south)?(?:east|west)(?:ern)?|north(?:ern)?|south(?:ern)?)\s+(?i:of)\b"
                        r"|^\s*(?i:off)\b|^\s*(?i:from\s+the\s+coast)")
_REL_BEFORE = re.compile(r"(?:北|南|東|西|北東|北西|南東|南西|서쪽|동쪽|남쪽|북쪽|북동쪽|남동쪽)(?:方|方向)?[\s、,]*$")
_LATERAL = re.compile(r"^\s*(?i:lateral|sideways)")


def find_figures(text: str, lex: Lexicon, units: tuple[str, ...]) -> list[Phrase]:
    """Figures with a unit, hedge and range, each assigned to a field by its cue words when one fits."""
    found: list[Phrase] = []
    taken: list[tuple[int, int]] = []
    for m in _MACH.finditer(text):
        found.append(Phrase("mach", m.start(), m.end(), m.group()))
        taken.append(m.span())
    for unit, pat in _grammar(units).patterns:
        for m in pat.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            found.append(Phrase(unit, m.start(), m.end(), m.group()))
            taken.append(m.span())
    found = _join_durations(text, sorted(found, key=lambda p: p.start))
    assigned: list[Phrase] = []
    for p in found:
        assigned.append(_assign(text, p, found, lex, assigned))
    return assigned


_GLUE = re.compile(r"^\s*(?:,|and|,\s*and)?\s*$")


def _join_durations(text: str, figures: list[Phrase]) -> list[Phrase]:
    """"1 hour and 11 minutes", "1時間13分": adjacent durations are one figure."""
    out: list[Phrase] = []
    for p in figures:
        if out and p.kind == "min" and out[-1].kind == "min" and _GLUE.match(text[out[-1].end:p.start]):
            prev = out.pop()
            p = Phrase("min", prev.start, p.end, text[prev.start:p.end])
        out.append(p)
    return out


def _assign(text: str, p: Phrase, figures: list[Phrase], lex: Lexicon, before: list[Phrase]) -> Phrase:
    after = text[p.end:p.end + 30]
    before_text = text[max(0, p.start - 60):p.start]
    if p.kind == "km":
        if _REL_AFTER.match(after) or _REL_BEFORE.search(before_text) or _LATERAL.match(after):
            return Phrase("relative", p.start, p.end, p.text)
    # the words before: back to the previous figure of the same dimension, other figures written "#"
    lo = max(0, p.start - 80)
    for q in figures:
        if q.kind == p.kind and q.end <= p.start:
            lo = max(lo, q.end)
    window = text[lo:p.start]
    for q in figures:
        if q.kind != p.kind and lo <= q.start and q.end <= p.start:
            window = window.replace(q.text, "#")
    best: tuple[int, str] | None = None
    candidates = [c for c in lex.field_cues if c.unit == p.kind]
    for cue in candidates:
        b = cue.before.search(window)
        if b:
            dist = len(window) - b.start()
            best = min(best, (dist, cue.field)) if best else (dist, cue.field)
        a = cue.after.match(after)
        if a:
            dist = a.end()
            best = min(best, (dist, cue.field)) if best else (dist, cue.field)
    if best is None and lex.echo_before.search(window):
        # "X said it flew 500 km, while Y put it at 700 km": the field of the figure it answers
        prev = [q for q in before if q.kind == p.kind and p.start - q.end < 200 and q.field]
        if prev:
            best = (0, prev[-1].field)
    if best is None:
        free = [c for c in candidates if not c.cue_required]
        if len(free) == 1:
            best = (0, free[0].field)
    return Phrase(p.kind, p.start, p.end, p.text, field=best[1] if best else "")


# ---------------------------------------------------------------------------------------------------------------
# times

_ZONES = alternation([*ZONE_WORDS, "local time", "Hawaii Standard Time", "Korea Standard Time", "Japan Standard Time"])
_TIME_HEDGE = alternation([*HEDGE_PREFIXES["about"], "shortly after", "just after", "just before", "circa"])
_CLOCK_EN = re.compile(
    rf"(?:(?:{_TIME_HEDGE})\s+)?"
    rf"(?:\d{{1,2}}(?::[0-5]\d)?\s*(?i:[ap]\.\s?m\.|[ap]m)(?![A-Za-z])|(?<![\d:.,])(?:[01]?\d|2[0-3]):[0-5]\d(?![\d:]))"
    rf"(?:\s*(?:\(\s*)?(?:{_ZONES})(?:\s*\))?)?")
_CJK_DAY = r"(?:(?:(?:令和|平成)\s*\d{1,2}|\d{4})\s*[年년]\s*)?(?:\d{1,2}\s*[月월]\s*)?\d{1,2}\s*[日일]"
_CLOCK_CJK = re.compile(
    rf"(?:{_CJK_DAY}\s*)?(?:午前|午後|오전|오후|새벽|아침|저녁|밤)?\s*\d{{1,2}}\s*(?:時(?!間)|시(?!간))"
    r"(?:\s*\d{1,2}\s*[分분](?!間))?(?:\s*\d{1,2}\s*[秒초])?(?:\s*(?:頃|ごろ|ころ|경|쯤|께|すぎ|過ぎ))?")
_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
           r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_WEEKDAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DATE_EN = re.compile(
    rf"(?<![A-Za-z]){_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?![\d:])(?:,?\s+\d{{4}})?"
    rf"|(?<![\d.])\d{{1,2}}\s+{_MONTHS}\.?(?:,?\s+\d{{4}})?(?![A-Za-z])"
    rf"|(?<![A-Za-z]){_WEEKDAYS}(?![A-Za-z])")
_MONTH_YEAR = re.compile(rf"(?<![A-Za-z]){_MONTHS}\.?\s+(?:of\s+)?\d{{4}}|(?<![A-Za-z])(?:in|since)\s+(?:19|20)\d\d\b")
_DATE_CJK = re.compile(rf"(?<!\d){_CJK_DAY}(?![本간間])")
_ALTERNATE = re.compile(r"\([^()]*\b(?:GMT|UTC)\b[^()]*\)")
_HAS_DAY = re.compile(r"\d\s*[日일]")


def has_day(clock: str) -> bool:
    """Whether a clock phrase carries its day ("18日午前8時24分ごろ")."""
    return _HAS_DAY.search(clock) is not None


def find_times(text: str) -> list[Phrase]:
    """Clock times (with their hedge and zone; CJK ones with their day) and dates, outside brackets that repeat
    the time in GMT."""
    masked = _ALTERNATE.sub(lambda m: " " * len(m.group()), text)
    found: list[Phrase] = []
    for kind, pat in (("clock", _CLOCK_CJK), ("clock", _CLOCK_EN), ("date", _DATE_CJK), ("date", _DATE_EN),
                      ("month", _MONTH_YEAR)):
        for m in pat.finditer(masked):
            s, e = m.start(), m.end()
            while e > s and masked[e - 1].isspace():
                e -= 1
            while s < e and masked[s].isspace():
                s += 1
            if e <= s or any(p.start < e and s < p.end for p in found):
                continue
            found.append(Phrase(kind, s, e, text[s:e]))
    return sorted(found, key=lambda p: p.start)


# ---------------------------------------------------------------------------------------------------------------
# categories, places, zones, counts


_COUNTED = re.compile(rf"\s(?:{alternation(list(COUNT_WORDS))}|\d{{1,2}})\s+$")  # "the two missiles": "the" counts


def find_types(text: str, folded: Folded, lex: Lexicon) -> list[Phrase]:
    out = []
    for code, s, e in lex.types.find(folded):
        words = text[s:e].casefold()
        anaphoric = words in lex.anaphoric_types and (
            lex.determiner_before.search(_COUNTED.sub("", text[max(0, s - 24):s])) is not None
            or (not words.isascii() and lex.topic_after.match(text[e:e + 4]) is not None))
        out.append(Phrase("what", s, e, text[s:e], code, field="anaphoric" if anaphoric else ""))
    return out


def find_places(text: str, folded: Folded, lex: Lexicon) -> list[Phrase]:
    return [Phrase("place", s, e, text[s:e], code) for code, s, e in lex.places.find(folded)]


def find_bearings(text: str, folded: Folded, lex: Lexicon, places: list[Phrase]) -> list[Phrase]:
    out = []
    marks = [m.casefold() for m in lex.bearing_marks]
    for code, s, e in lex.bearings.find(folded):
        if any(p.start < e and s < p.end for p in places):
            continue  # "East Sea" is a place
        words = text[s:e].casefold()
        before = text[max(0, s - 24):s].casefold().rstrip()
        after = text[e:e + 12].casefold().lstrip()
        if any(words.endswith(m) or after.startswith(m) or before.endswith(m) for m in marks):
            if re.match(r"(?:of|coast|sea)\b", after):
                continue  # "east of Okushiri", "east coast"
            out.append(Phrase("bearing", s, e, text[s:e], code))
    return out


def find_zones(text: str, lex: Lexicon) -> list[Phrase]:
    """Mentions of the profile's zones ("outside Japan's exclusive economic zone", "EEZ外", "EEZ 밖"), from the
    inside/outside word before to the bracket or suffix after."""
    out: list[Phrase] = []
    for name, z in lex.profile.zones.items():
        mention = re.compile("|".join(z.mention), re.I)
        owner = "|".join(z.owner) or "(?!)"
        word = alternation([*z.outside, "inside", "within", "in", "into", "of", "beyond"])
        left = re.compile(rf"(?:(?:{word})\s+){{0,2}}(?:(?:the\s+)?(?:{owner}|its|their)\s*)?$", re.I)
        right = re.compile(r"^(?:\s*[(（][^()（）]{0,20}[)）]"  # "（EEZ）"
                           r"|\s*[＝=]\s*[^\s、。,()（）]{1,12}?(?=の|외|밖|外|内|안|\s|、|。|$))?"
                           r"(?:の?\s*(?:外側|外|内側|内|以外)|\s*(?:밖|바깥|안|내|외)(?=[에의으]|[^가-힣]|$))?")
        spans: list[tuple[int, int]] = []
        straight = text.replace("’", "'").replace("‘", "'")  # "Japan’s": the owner patterns are written with '
        for m in mention.finditer(straight):
            s, e = m.span()
            lm = left.search(straight[max(0, s - 30):s])
            if lm:
                s -= len(lm.group())
            rm = right.match(straight[e:e + 30])
            if rm:
                e += len(rm.group())
            if spans and s <= spans[-1][1] + 1:
                spans[-1] = (spans[-1][0], max(e, spans[-1][1]))
            else:
                spans.append((s, e))
        out += [Phrase("zone", s, e, text[s:e], name) for s, e in spans]
    return out


_COUNT_WORD = alternation([w for w in COUNT_WORDS if w not in ("a", "an", "number", "some", "pair", "couple", "few",
                                                                "zero", "single")])
_COUNT_BEFORE = re.compile(
    rf"(?:(?:{_HEDGE_BEFORE})\s+)?(?:{_COUNT_WORD}|(?<![\d,.\-])\d{{1,2}}(?![\d,.:]))"
    r"(?:\s+(?:[A-Za-z][\w\-]*))?(?:\s+(?:[A-Za-z][\w\-]*))?\s+$")
_COUNTER = re.compile(r"(?<![\d,.])\d{1,3} ?(?:発|발)(?![射사표견생전행언동])")  # not 発射, 발사, 발표


def find_counts(text: str, types: list[Phrase]) -> list[Phrase]:
    """A number of projectiles: a count word right before an event type ("two short-range ballistic missiles",
    "at least six missiles"), or a Japanese/Korean counter ("1発", "2발")."""
    out: list[Phrase] = []
    for t in types:
        m = _COUNT_BEFORE.search(text[max(0, t.start - 48):t.start])
        if m:
            s = t.start - len(m.group())
            words = re.match(rf"(?:(?:{_HEDGE_BEFORE})\s+)?(?:{_COUNT_WORD}|\d{{1,2}})", text[s:t.start])
            if words:
                out.append(Phrase("count", s, s + words.end(), words.group()))
    for m in _COUNTER.finditer(text):
        out.append(Phrase("count", m.start(), m.end(), m.group()))
    return sorted(out, key=lambda p: p.start)

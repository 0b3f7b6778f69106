"""The context of a text's statements: headings and datelines (no statements; maybe the issuer), the publication
time, clauses set aside (another event, negations) and the launch's date.

Pure functions of the text, its sentences and the profile's vocabulary."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..errors import FieldProblem, InputError
from ..models import Interval
from ..normalise.times import local_date, parse_instant, parse_time
from ..profile import Profile
from .attribute import clause_start
from .lexicon import Lexicon
from .phrases import Phrase, find_times, has_day
from .text import Sentence

Span = tuple[int, int]

TERMINAL = re.compile(r"[.!?。！？][\"'”’」』)）\]]*\s*$")
_DATELINE = re.compile(
    r"\((?:[^=()]{1,12})=(?P<ko>[^()]{1,20})\)\s*"
    r"|[A-Z][\w.\-/, ]{1,50}?\s*\((?P<agency>[^()]{1,40})\)\s*(?:--|-|—|–)\s*"
    r"|[A-Z][\w.\-/, ]{1,50}?\s+(?P<bare>Kyodo|Yonhap|KCNA)\s*(?:--|-|—|–)\s*")


def headings(text: str, sents: list[Sentence]) -> set[int]:
    """Sentences without a final stop: headlines, bylines, letterheads (unless nothing has a stop at all)."""
    heads = {n for n, s in enumerate(sents) if not TERMINAL.search(text[s.start:s.end])}
    return heads if len(heads) < len(sents) else set()


def dateline(text: str, sents: list[Sentence], rt: Any) -> tuple[list[Span], str | None]:
    """Datelines at the start of paragraphs, and the agency of the first one when it is a known source."""
    spans: list[Span] = []
    source = None
    for s in sents:
        if s.index != 0:
            continue
        m = _DATELINE.match(text, s.start, s.end)
        if m is None:
            continue
        spans.append((m.start(), m.end()))
        name = m.group("agency") or m.group("bare") or m.group("ko")
        code, rule = rt.source(name.strip())
        if source is None and rule != "unknown-source":
            source = code
    return spans, source


def published(published: str | None, text: str, sents: list[Sentence], profile: Profile) -> tuple[str | None,
                                                                                                  float | None]:
    if published is not None and published.strip():
        ts = parse_instant(published.strip(), zone_name=profile.date_zone)
        if isinstance(ts, FieldProblem):
            raise InputError(f"published: {ts.reason}")
        return published.strip(), ts
    # no publication time given: a full date near the top (a letterhead, a byline)
    for s in sents[:6]:
        for p in find_times(text[s.start:s.end]):
            if p.kind == "date" and re.search(r"\d{4}|令和|平成", p.text):
                ts = parse_instant(p.text, zone_name=profile.date_zone)
                if not isinstance(ts, FieldProblem):
                    return p.text, ts
    return None, None


def set_aside(text: str, sents: list[Sentence], headings: set[int], lex: Lexicon) -> list[Span]:
    """Clauses about another event (background cues) or stating nothing (negations): from the clause's start to
    the end of the sentence."""
    out: list[Span] = []
    for n, s in enumerate(sents):
        if n in headings:
            continue
        for pattern in (lex.background, lex.negations):
            m = pattern.search(text, s.start, s.end)
            if m is not None:
                out.append((clause_start(text, s.start, m.start()), s.end))
    return out


def _resolve(p: Phrase, profile: Profile, ref: float | None) -> Interval | None:
    got = parse_time(p.text, zone_name=profile.date_zone, ref=ref)
    return got if isinstance(got, Interval) else None


def main_date(text: str, sents: list[Sentence], headings: set[int], times: list[Phrase], excluded: list[Span],
               lex: Lexicon, profile: Profile, ref: float | None) -> tuple[Phrase | None, str] | None:
    """The launch's date: the first date given in a sentence about a launch (the phrase and the local date), or
    the publication date."""
    for n, s in enumerate(sents):
        if n in headings or not lex.launch_words.search(text, s.start, s.end):
            continue
        for p in times:
            if s.start <= p.start < s.end and not any(a <= p.start < b for a, b in excluded) and \
                    not lex.verb_before.search(text[s.start:p.start]) and (
                    p.kind == "date" or (p.kind == "clock" and has_day(p.text))):
                got = _resolve(p, profile, ref)
                if got is not None:
                    return (p if p.kind == "date" else None), local_date(got.best, profile.date_zone)
    if ref is not None:
        return None, local_date(ref, profile.date_zone)
    return None


def foreign_dates(text: str, sents: list[Sentence], headings: set[int], times: list[Phrase], main: str,
                   profile: Profile, ref: float | None) -> list[Span]:
    """Clauses dated more than a day away from the launch: another event."""
    day = date.fromisoformat(main)
    out: list[Span] = []
    for n, s in enumerate(sents):
        if n in headings:
            continue
        for p in times:
            if not s.start <= p.start < s.end or p.kind == "clock" and not has_day(p.text):
                continue
            if p.kind == "month":
                foreign = _another_month(p.text, day)
            else:
                got = _resolve(p, profile, ref)
                foreign = got is not None and abs((date.fromisoformat(local_date(got.best, profile.date_zone))
                                                   - day).days) > 1
            if foreign:
                out.append((clause_start(text, s.start, p.start), s.end))
    return out


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _month_of(text: str) -> int:
    low = text.lower()
    return next((k + 1 for k, m in enumerate(_MONTHS) if low.startswith(m)), 0)


def _another_month(text: str, day: date) -> bool:
    """"November 2017", "in 2017": another year, or another month of the launch's year."""
    years = re.findall(r"(?:19|20)\d\d", text)
    if not years:
        return False
    month = _month_of(text)
    return int(years[0]) != day.year or (month != 0 and month != day.month)

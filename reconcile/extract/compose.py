"""From the phrases in an agency's regions to one value per field.

- the event type: the most specific type it named ("a ballistic missile ... an ICBM" -> ICBM), not the words that
  refer back to the launch ("the missile");
- the time: its first clock time of the launch (not of the landing or of a pass over Japan), on the launch date it
  gave, else on the date the text gives for the launch; a date alone when it gave no clock time;
- figures: the first figure of each field; the count: the first count;
- the launch site: the first place named as the origin, refined by more specific ones ("Jagang ... Mupyong-ri"),
  below the level of a country;
- the landing area: the first sea or relative position ("200 km west of Okushiri") with the zone qualifier it gave
  ("outside Japan's EEZ"), adjacent phrases read as one;
- the bearing: the first one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import Lexicon
from .phrases import Phrase, has_day

Span = tuple[int, int]


@dataclass
class Value:
    text: str
    spans: list[Span]


@dataclass
class Scope:
    """Everything one agency is responsible for: its phrases, in text order, and its regions' sentences."""

    phrases: list[Phrase] = field(default_factory=list)
    statement_dates: set[int] = field(default_factory=set)  # starts of dates that say when it spoke


def _context(text: str, sent: Span, p: Phrase, lex: Lexicon) -> bool | None:
    """True when the nearest event word around ``p`` in its sentence is a launch word, False when it is another
    event (landing, passing over), None when there is neither."""
    s0, s1 = sent
    best: tuple[int, bool] | None = None
    for pattern, is_launch in ((lex.launch_words, True), (lex.other_events, False)):
        for m in pattern.finditer(text, s0, s1):
            if m.end() <= p.start:
                d = p.start - m.end()
            elif m.start() >= p.end:
                d = m.start() - p.end
            else:
                continue
            if best is None or d < best[0]:
                best = (d, is_launch)
    return None if best is None else best[1]


def event_type(scope: Scope, lex: Lexicon) -> Value | None:
    types = [p for p in scope.phrases if p.kind == "what" and p.field != "anaphoric"]
    if not types:
        return None
    best = max(types, key=lambda p: (lex.depth(p.code), -p.start))
    return Value(best.text, [(best.start, best.end)])


def first(scope: Scope, kind: str) -> Value | None:
    p = next((p for p in scope.phrases if p.kind == kind), None)
    return None if p is None else Value(p.text, [(p.start, p.end)])


def figure(scope: Scope, name: str) -> Value | None:
    p = next((p for p in scope.phrases if p.field == name and p.kind != "relative"), None)
    return None if p is None else Value(p.text, [(p.start, p.end)])


def launch_time(text: str, scope: Scope, sentence_of: dict[int, Span], lex: Lexicon,
                main_date: Phrase | None) -> Value | None:
    """The clock time of the launch with its date (see the module docstring)."""
    clocks = [p for p in scope.phrases if p.kind == "clock"
              and _context(text, sentence_of[p.start], p, lex) is not False]
    dates = [p for p in scope.phrases if p.kind == "date" and p.start not in scope.statement_dates
             and lex.launch_words.search(text, *sentence_of[p.start])
             and _context(text, sentence_of[p.start], p, lex) is not False
             and not lex.verb_before.search(text[sentence_of[p.start][0]:p.start])]
    if not clocks:
        return Value(dates[0].text, [(dates[0].start, dates[0].end)]) if dates else None
    clock = clocks[0]
    if has_day(clock.text):
        return Value(clock.text, [(clock.start, clock.end)])
    same = [d for d in dates if sentence_of[d.start] == sentence_of[clock.start]]
    date = same[0] if same else dates[0] if dates else main_date
    if date is None:
        return Value(clock.text, [(clock.start, clock.end)])
    return Value(f"{clock.text} {date.text}", [(clock.start, clock.end), (date.start, date.end)])


def launch_site(scope: Scope, lex: Lexicon, origins: set[int]) -> Value | None:
    best: Phrase | None = None
    for p in scope.phrases:
        if p.kind != "place" or p.start not in origins:
            continue
        if best is None:
            best = p
        elif lex.gazetteer.is_ancestor_or_self(best.code, p.code):
            best = p
    return None if best is None else Value(best.text, [(best.start, best.end)])


_ADJACENT = re.compile(r"^[\s,、の・]{0,3}$")


def landing_area(text: str, scope: Scope, destinations: set[int]) -> Value | None:
    """The first area (a sea, a position relative to a landmark) and the first zone qualifier, each with the
    phrases right next to it: "the Sea of Japan within Japan's EEZ, approximately 200 km west of Oshima-Oshima"."""
    pool = sorted((p for p in scope.phrases if p.kind == "zone" or (p.start in destinations and p.kind in
                   ("place", "relative_place"))), key=lambda p: p.start)
    if not pool:
        return None
    chains: list[list[Phrase]] = []
    for p in pool:
        if chains and p.start >= chains[-1][-1].end and _ADJACENT.match(text[chains[-1][-1].end:p.start]):
            chains[-1].append(p)
        elif chains and p.start < chains[-1][-1].end:
            if p.end > chains[-1][-1].end:
                chains[-1].append(p)
        else:
            chains.append([p])
    wanted = []
    for kinds in (("place", "relative_place"), ("zone",)):
        chain = next((c for c in chains if any(p.kind in kinds for p in c)), None)
        if chain is not None and chain not in wanted:
            wanted.append(chain)
    spans = sorted((c[0].start, max(p.end for p in c)) for c in wanted)
    return Value(" ".join(text[s:e] for s, e in spans), spans)

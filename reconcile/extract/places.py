"""Places in a text: which name the origin of a launch and which its landing area, and landing positions given
from a landmark ("about 200 km west of Oshima-Oshima island")."""

from __future__ import annotations

import re

from .lexicon import Lexicon
from .phrases import Phrase

Span = tuple[int, int]

_REL_PLACE_AFTER = re.compile(r"\s*(?:\([^()]*\)\s*)?(?i:(?:north|south)?(?:east|west)(?:ern)?|north(?:ern)?|"
                              r"south(?:ern)?)\s+(?i:of)\s+(?:(?i:the)\s+)?(?:(?i:island\s+of)\s+)?")


def relative_places(text: str, figures: list[Phrase], places: list[Phrase]) -> list[Phrase]:
    """"about 200 km west of Oshima-Oshima island, Hokkaido", "北海道の奥尻島の西、およそ250キロ": a landing
    position given from a landmark, as one phrase."""
    out = []
    for f in figures:
        if f.kind != "relative":
            continue
        m = _REL_PLACE_AFTER.match(text, f.end)
        if m is not None:
            place = next((p for p in places if p.start == m.end()), None)
            if place is not None:
                end = place.end
                tail = re.match(r"\s*(?:island|Island|Peninsula|peninsula)?(?:['’]s\s+|,\s*|\s+in\s+)",
                                text[end:end + 20])
                nxt = next((p for p in places if tail and p.start == end + tail.end()), None)
                out.append(Phrase("relative_place", f.start, nxt.end if nxt else end,
                                  text[f.start:nxt.end if nxt else end], place.code))
                continue
        before = [p for p in places if p.end <= f.start and f.start - p.end <= 14]
        if before:
            first = before[0]
            for p in reversed(places):
                if p.end <= first.start and first.start - p.end <= 2:
                    first = p
            out.append(Phrase("relative_place", first.start, f.end, text[first.start:f.end], before[-1].code))
    return out


def classify_places(text: str, places: list[Phrase], sentence_of: dict[int, Span],
                     lex: Lexicon) -> tuple[set[int], set[int]]:
    """Which place phrases name the origin (from, から, 에서; any place within the profile's ``origin_area`` in a
    sentence about a launch) and which the landing area (seas; places after into, toward, に落下)."""
    origins: set[int] = set()
    destinations: set[int] = set()
    gaz = lex.gazetteer
    origin_area = lex.origin_area
    for p in places:
        kind = lex.place_kind.get(p.code, "")
        before = text[max(0, p.start - 30):p.start]
        after = text[p.end:p.end + 12]
        if lex.passing_before.search(before) or re.match(r"\s*(?:上空|상공)", after):
            continue
        if kind in ("sea", "ocean"):
            destinations.add(p.start)
            continue
        if kind == "country":
            continue
        sent = sentence_of.get(p.start)
        launch = sent is not None and lex.launch_words.search(text, *sent)
        in_launching_state = origin_area is not None and gaz.is_ancestor_or_self(origin_area, p.code)
        if (lex.origin_before.search(before) or lex.origin_after.match(after)) and launch:
            origins.add(p.start)
        elif lex.destination_after.match(after) or (lex.destination_before.search(before) and not in_launching_state):
            destinations.add(p.start)
        elif in_launching_state and launch:
            origins.add(p.start)
    return origins, destinations

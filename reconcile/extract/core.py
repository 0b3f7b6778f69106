"""``extract_reports``: a text in, one report per attributed agency out.

The steps, each a pure function of the text and the profile:

1. geometry: sentences and paragraphs; headings (lines without a final stop: headlines, bylines, letterheads)
   carry no statements but may name the text's issuer; a dateline ("Pyongyang, January 6 (KCNA) --") is masked
   and may name it too;
2. phrases: figures, times, event types, places, zone qualifiers, bearings, counts (``phrases``);
3. context: clauses about another event are set aside — background cues ("last week", "days after"), dates more
   than a day from the launch's, negations ("not immediately"); the launch's date is the first date given in a
   sentence about the launch;
4. attribution: who speaks for each part of each sentence (``attribute``);
5. composition: one value per field per agency (``compose``), read by the engine's own normalisers to make sure
   the record is accepted; a value they reject is left out.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ..errors import FieldProblem, InputError, ReportError
from ..models import Interval
from ..normalise import normalise_report
from ..normalise.times import local_date, parse_instant, parse_time
from ..profile import Profile
from . import compose
from .attribute import Speaker, attribute, groups
from .lexicon import Lexicon, lexicon
from .model import ExtractedReport, FieldEvidence
from .phrases import (
    Phrase,
    find_bearings,
    find_counts,
    find_figures,
    find_places,
    find_times,
    find_types,
    find_zones,
)
from .text import Folded, Sentence, sentences

Span = tuple[int, int]

_TERMINAL = re.compile(r"[.!?。！？][\"'”’」』)）\]]*\s*$")
_DATELINE = re.compile(
    r"\((?:[^=()]{1,12})=(?P<ko>[^()]{1,20})\)\s*"
    r"|[A-Z][\w.\-/, ]{1,50}?\s*\((?P<agency>[^()]{1,40})\)\s*(?:--|-|—|–)\s*"
    r"|[A-Z][\w.\-/, ]{1,50}?\s+(?P<bare>Kyodo|Yonhap|KCNA)\s*(?:--|-|—|–)\s*")


def extract_reports(text: str, profile: Profile, *, published: str | None = None,
                    source: str | None = None) -> list[ExtractedReport]:
    """The reports a text gives, one per agency it attributes statements to, each with only that agency's
    figures. ``published``: when the text was published (ISO 8601 or any form the engine reads as a time): it
    supplies missing dates and years, and becomes the reports' ``issued_at``. ``source``: the agency whose text
    it is (a press release, a statement); statements the text attributes to nobody are that agency's.

    Raises ``InputError`` when ``published`` cannot be read."""
    lex = lexicon(profile)
    rt = profile.runtime()
    sents = sentences(text)
    folded = Folded(text)
    headings = _headings(text, sents)
    masked, dateline_source = _dateline(text, sents, rt)
    published, ref = _published(published, text, sents, profile)
    speaker_groups = groups(text, folded, lex)
    issuer = _issuer(source, rt, text, sents, headings, dateline_source, speaker_groups, lex)

    units = tuple(sorted({f.unit for f in profile.fields.values() if f.kind == "quantity" and f.unit}))
    times = find_times(text)
    figures = [f for f in find_figures(text, lex, units) if not any(t.start < f.end and f.start < t.end for t in times)]
    # words inside an agency's name are not values ("위성" in "방위성", "South Korea" in "South Korea's military")
    names = [(g.start, g.end) for g in speaker_groups if g.kind in ("src", "ana", "other")
             or (g.kind == "meto" and lex.verb_after.match(text, g.end))]  # "Pyongyang said": a speaker here
    types = [p for p in find_types(text, folded, lex) if not _inside(p, names)]
    places = [p for p in find_places(text, folded, lex) if not _inside(p, names)]
    phrases = [*figures, *times, *types, *places, *find_zones(text, lex), *find_bearings(text, folded, lex, places),
               *find_counts(text, types)]
    phrases += _relative_places(text, figures, places)
    phrases.sort(key=lambda p: (p.start, -p.end))

    excluded = [*masked, *(_span(sents[n]) for n in headings)]
    excluded += _set_aside(text, sents, headings, lex)
    main = _main_date(text, sents, headings, times, excluded, lex, profile, ref)
    if main is not None:
        excluded += _foreign_dates(text, sents, headings, times, main[1], profile, ref)
    regions = attribute(text, sents, folded, lex, issuer=issuer, skip=headings, speaker_groups=speaker_groups)

    sentence_of = {p.start: _span(s) for s in sents for p in phrases if s.start <= p.start < s.end}
    origins, destinations = _classify_places(text, places, sentence_of, lex)
    destinations |= {p.start for p in phrases if p.kind == "relative_place"}
    scopes: dict[str, compose.Scope] = {}
    named: dict[str, str] = {}
    for region in regions:
        code = region.speaker.source
        if code is None:
            continue
        scope = scopes.setdefault(code, compose.Scope())
        named.setdefault(code, region.speaker.raw)
        scope.statement_dates |= {p.start for p in times if region.speaker.said <= p.start <= region.speaker.said + 2}
        scope.phrases += [p for p in phrases if region.start <= p.start < region.end and p.end <= region.end + 1
                          and not any(s <= p.start < e for s, e in excluded)]
    out = []
    for code, scope in scopes.items():
        report = _report(text, code, named[code], scope, lex, profile, published, sentence_of, origins,
                         destinations, main[0] if main else None)
        if report is not None:
            out.append(report)
    return out


def _inside(p: Phrase, spans: list[Span]) -> bool:
    return any(s < p.end and p.start < e for s, e in spans)


def _span(s: Sentence) -> Span:
    return (s.start, s.end)


def _headings(text: str, sents: list[Sentence]) -> set[int]:
    """Sentences without a final stop: headlines, bylines, letterheads (unless nothing has a stop at all)."""
    heads = {n for n, s in enumerate(sents) if not _TERMINAL.search(text[s.start:s.end])}
    return heads if len(heads) < len(sents) else set()


def _dateline(text: str, sents: list[Sentence], rt: Any) -> tuple[list[Span], str | None]:
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


def _published(published: str | None, text: str, sents: list[Sentence], profile: Profile) -> tuple[str | None,
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


def _issuer(source: str | None, rt: Any, text: str, sents: list[Sentence], headings: set[int],
            dateline_source: str | None, speaker_groups: list[Any], lex: Lexicon) -> Speaker | None:
    """The agency whose text it is: given, named in a dateline, or named in a letterhead ("防衛省", "[합참 공지]",
    "U.S. Indo-Pacific Command Statement ...")."""
    code = None
    raw = ""
    if source is not None and source.strip():
        raw = source.strip()
        code = rt.source(raw)[0]
    elif dateline_source is not None:
        code, raw = dateline_source, dateline_source
    else:
        candidates = [n for n in sorted(headings) if n < 6 or n >= len(sents) - 2]
        for n in candidates:
            s = sents[n]
            names = [g for g in speaker_groups if s.start <= g.start and g.end <= s.end and g.kind == "src"]
            if len(names) != 1:
                continue
            rest = text[s.start:names[0].start] + " " + text[names[0].end:s.end]
            if lex.titles.search(text, s.start, s.end) or len(re.findall(r"\w+", rest)) <= 3:
                code, raw = names[0].source, text[names[0].start:names[0].end]
                break
    if code is None:
        return None
    return Speaker(code, raw, "src", -1, -1, -1, False, True)


def _set_aside(text: str, sents: list[Sentence], headings: set[int], lex: Lexicon) -> list[Span]:
    """Clauses about another event (background cues) or stating nothing (negations): from the clause's start to
    the end of the sentence."""
    from .attribute import clause_start

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


def _main_date(text: str, sents: list[Sentence], headings: set[int], times: list[Phrase], excluded: list[Span],
               lex: Lexicon, profile: Profile, ref: float | None) -> tuple[Phrase | None, str] | None:
    """The launch's date: the first date given in a sentence about a launch (the phrase and the local date), or
    the publication date."""
    for n, s in enumerate(sents):
        if n in headings or not lex.launch_words.search(text, s.start, s.end):
            continue
        for p in times:
            if s.start <= p.start < s.end and not any(a <= p.start < b for a, b in excluded) and \
                    not lex.verb_before.search(text[s.start:p.start]) and (
                    p.kind == "date" or (p.kind == "clock" and compose._CJK_DAY.search(p.text))):
                got = _resolve(p, profile, ref)
                if got is not None:
                    return (p if p.kind == "date" else None), local_date(got.best, profile.date_zone)
    if ref is not None:
        return None, local_date(ref, profile.date_zone)
    return None


def _foreign_dates(text: str, sents: list[Sentence], headings: set[int], times: list[Phrase], main: str,
                   profile: Profile, ref: float | None) -> list[Span]:
    """Clauses dated more than a day away from the launch: another event."""
    from datetime import date

    from .attribute import clause_start

    day = date.fromisoformat(main)
    out: list[Span] = []
    for n, s in enumerate(sents):
        if n in headings:
            continue
        for p in times:
            if not s.start <= p.start < s.end or p.kind == "clock" and not compose._CJK_DAY.search(p.text):
                continue
            if p.kind == "month":
                years = re.findall(r"(?:19|20)\d\d", p.text)
                foreign = bool(years) and (int(years[0]) != day.year or not p.text[:1].isdigit()
                                           and not p.text.lower().startswith(("in", "since"))
                                           and _month_of(p.text) != day.month)
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


_REL_PLACE_AFTER = re.compile(r"\s*(?:\([^()]*\)\s*)?(?i:(?:north|south)?(?:east|west)(?:ern)?|north(?:ern)?|"
                              r"south(?:ern)?)\s+(?i:of)\s+(?:(?i:the)\s+)?(?:(?i:island\s+of)\s+)?")


def _relative_places(text: str, figures: list[Phrase], places: list[Phrase]) -> list[Phrase]:
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


def _classify_places(text: str, places: list[Phrase], sentence_of: dict[int, Span],
                     lex: Lexicon) -> tuple[set[int], set[int]]:
    """Which place phrases name the origin (from, から, 에서; any place of the launching country in a sentence
    about a launch) and which the landing area (seas; places after into, toward, に落下)."""
    origins: set[int] = set()
    destinations: set[int] = set()
    gaz = lex.gazetteer
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
        in_launching_state = gaz.is_ancestor_or_self("north_korea", p.code) if "north_korea" in gaz.index else False
        if (lex.origin_before.search(before) or lex.origin_after.match(after)) and launch:
            origins.add(p.start)
        elif lex.destination_after.match(after) or (lex.destination_before.search(before) and not in_launching_state):
            destinations.add(p.start)
        elif in_launching_state and launch:
            origins.add(p.start)
    return origins, destinations


def _report(text: str, code: str, named_as: str, scope: compose.Scope, lex: Lexicon, profile: Profile,
            published: str | None, sentence_of: dict[int, Span], origins: set[int], destinations: set[int],
            main_date: Phrase | None) -> ExtractedReport | None:
    roles = lex.roles
    values: dict[str, compose.Value | None] = {
        roles.get("what", ""): compose.event_type(scope, lex),
        roles.get("when", ""): compose.launch_time(text, scope, sentence_of, lex, main_date),
        roles.get("origin", ""): compose.launch_site(scope, lex, origins),
        roles.get("destination", ""): compose.landing_area(text, scope, destinations),
        roles.get("bearing", ""): compose.first(scope, "bearing"),
        roles.get("count", ""): compose.first(scope, "count"),
    }
    for cue in lex.field_cues:
        values[cue.field] = compose.figure(scope, cue.field)
    found = {k: v for k, v in values.items() if k and v is not None}
    rid = f"{code.lower().replace(' ', '-')}-text-" + hashlib.sha256(f"{text}\0{code}".encode()).hexdigest()[:12]
    record: dict[str, Any] = {"id": rid, "source": code}
    if published:
        record["issued_at"] = published
    record.update({k: v.text for k, v in found.items()})
    for _ in range(2):  # what the engine cannot read is left out
        try:
            normalise_report(record, profile)
            break
        except ReportError as exc:
            bad = {p.field for p in exc.problems}
            if not bad & set(found):
                return None  # nothing to drop: no time and no publication date
            for f in bad & set(found):
                record.pop(f, None)
                found.pop(f)
    if not found:
        return None
    evidence = {}
    for name, v in found.items():
        sent = sentence_of.get(v.spans[0][0], v.spans[0])
        evidence[name] = FieldEvidence(value=v.text, spans=v.spans, sentence=sent,
                                       sentence_text=text[sent[0]:sent[1]])
    sentence_spans = sorted({e.sentence for e in evidence.values()})
    record["text"] = " ".join(text[s:e] for s, e in sentence_spans)
    record["spans"] = {k: [list(s) for s in e.spans] for k, e in evidence.items()}
    record["sentences"] = {k: list(e.sentence) for k, e in evidence.items()}
    return ExtractedReport(source=code, named_as=named_as, fields=evidence, record=record)


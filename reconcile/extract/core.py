"""``extract_reports``: a text in, one report per attributed agency out.

The steps, each a pure function of the text and the profile:

1. geometry (``text``, ``context``): sentences and paragraphs; headings (lines without a final stop:
   headlines, bylines, letterheads) carry no statements but may name the text's issuer; a dateline ("Pyongyang,
   January 6 (KCNA) --") is masked and may name it too;
2. phrases (``phrases``, ``places``): figures, times, event types, places (origin or landing area), zone
   qualifiers, bearings, counts;
3. context (``context``): clauses about another event are set aside — background cues ("last week", "days
   after"), dates more than a day from the launch's, negations ("not immediately"); the launch's date is the first
   date given in a sentence about the launch;
4. attribution: who speaks for each part of each sentence (``attribute``);
5. composition: one value per field per agency (``compose``), read by the engine's own normalisers to make sure
   the record is accepted; a value they reject is left out.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ..errors import ReportError
from ..normalise import normalise_report
from ..profile import Profile
from . import compose, context
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
from .places import classify_places, relative_places
from .text import Folded, Sentence, sentences

Span = tuple[int, int]


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
    headings = context.headings(text, sents)
    masked, dateline_source = context.dateline(text, sents, rt)
    published, ref = context.published(published, text, sents, profile)
    speaker_groups = groups(text, folded, lex)
    issuer = _issuer(source, rt, text, sents, headings, dateline_source, speaker_groups, lex)

    units = tuple(sorted({f.unit for f in profile.fields.values() if f.kind == "quantity" and f.unit}))
    times = find_times(text)
    figures = [f for f in find_figures(text, lex, units) if not any(t.start < f.end and f.start < t.end for t in times)]
    # words inside an agency's name are not values ("위성" in "방위성", "South" in "the South Korean military")
    names = [(g.start, g.end) for g in speaker_groups if g.kind in ("src", "ana", "other")
             or (g.kind == "meto" and lex.verb_after.match(text, g.end))]  # "Pyongyang said": a speaker here
    types = [p for p in find_types(text, folded, lex) if not _inside(p, names)]
    places = [p for p in find_places(text, folded, lex) if not _inside(p, names)]
    bearings = [p for p in find_bearings(text, folded, lex, places) if not _inside(p, names)]
    phrases = [*figures, *times, *types, *places, *find_zones(text, lex), *bearings, *find_counts(text, types)]
    phrases += relative_places(text, figures, places)
    phrases.sort(key=lambda p: (p.start, -p.end))

    excluded = [*masked, *(_span(sents[n]) for n in headings)]
    excluded += context.set_aside(text, sents, headings, lex)
    main = context.main_date(text, sents, headings, times, excluded, lex, profile, ref)
    if main is not None:
        excluded += context.foreign_dates(text, sents, headings, times, main[1], profile, ref)
    regions = attribute(text, sents, folded, lex, issuer=issuer, skip=headings, speaker_groups=speaker_groups)

    sentence_of = {p.start: _span(s) for s in sents for p in phrases if s.start <= p.start < s.end}
    origins, destinations = classify_places(text, places, sentence_of, lex)
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


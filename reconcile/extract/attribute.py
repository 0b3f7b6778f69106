"""Attribution: which agency says each part of a text.

A *speaker* is a phrase naming an agency (an alias, an official's title, "state media"), a metonym ("Japan said"),
an anaphor ("the ministry") or a pronoun ("It said"), or someone who is no source of the profile ("analysts said",
"Reuters") — with the word that makes it speak: a verb after it ("said", "put it at"), a lead-in before it
("according to"), or a particle after it (防衛省によると, 합참은). A speaker's *region* is the part of its sentence
it is responsible for:

- "X said A, while Y put it at B": X has A, Y has B (forward speakers, split at the clause separator);
- "A, X said" and "A, according to X": X has A (backward); "A, X said, adding B": X has both;
- "X and Y said A": both have A;
- a sentence without a speaker continues the last speaker of its paragraph (or, with a reported-speech ending like
  ということです, the last speaker anywhere); failing that it is the issuer's (the text's own agency), or nobody's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import Lexicon
from .text import Folded, Sentence

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_CLAUSE_START = re.compile(r"(?:^|[,;:]\s*|(?<![A-Za-z])and\s+|[\"“‘']\s*)$")
_GROUP_GAP = re.compile(r"^[ \t]*(?:['’]s|の|\(|（|of|the)?[ \t]*$")  # on one line
_PREPOSITION = re.compile(r"(?<![A-Za-z])(?i:in|of|from|to|by|for|with|near|over|against|between|and)\s+$")
_AND = re.compile(r"^\s*(?:,|and|,\s*and|及び|と|와|과|、)\s*$")
_STRONG_SEP = re.compile(r",?\s+(?:while|whereas|but|although|though)\s+|;\s*|、一方|一方、")
_AND_SEP = re.compile(r",\s*and\s+")
_COMMA = re.compile(r",\s*")
_AFTER_VERB = re.compile(
    r"^(?:\s+(?:in\s+a\s+(?:statement|text\s+message|press\s+release|briefing|report)(?:\s+to\s+reporters)?|"
    r"on\s+\w+day|\w+day|late\s+\w+day|early\s+\w+day|later|earlier|separately|today|tonight|"
    r"(?:at|in)\s+a\s+(?:press\s+conference|news\s+conference|briefing)|reporters|to\s+reporters))*\s*(?=[,.;:]|$)")


@dataclass(frozen=True, slots=True)
class Speaker:
    source: str | None  # the profile's code; None: someone who is no source of the profile
    raw: str  # the words that named it
    kind: str  # src (a name), ana (the ministry), meto (Japan), other (no source), pron (it, he)
    start: int
    end: int
    said: int  # end of the attributing word (verb, particle) or of the name
    backward: bool  # responsible for the text before it
    forward: bool  # responsible for the text after it


@dataclass(frozen=True, slots=True)
class Region:
    start: int
    end: int
    speaker: Speaker
    sentence: Sentence
    inherited: bool = False


@dataclass
class _Group:
    kind: str  # src | ana | meto | other | pron
    source: str | None
    start: int
    end: int


def groups(text: str, folded: Folded, lex: Lexicon) -> list[_Group]:
    """Speaker phrases, adjacent ones joined ("North Korea's state news agency KCNA", "韓国軍の合同参謀本部")."""
    rank = {"src": 0, "ana": 1, "meto": 2, "other": 3, "pron": 4}
    out: list[_Group] = []
    for code, s, e in lex.speakers.find(folded):
        kind, _, source = code.partition(":")
        if out and _GROUP_GAP.match(text[out[-1].end:s]):
            g = out[-1]
            if rank[kind] < rank[g.kind]:
                g.kind, g.source = kind, source or None
            g.end = e
            continue
        out.append(_Group(kind, source or None, s, e))
    for g in out:  # "(JCS)": the closing bracket belongs to the name
        close = re.match(r"\s*[)）]", text[g.end:g.end + 3])
        if close and "(" in text[g.start:g.end] + "（":
            g.end += close.end()
    return out


def find_speakers(text: str, sentence: Sentence, groups: list[_Group], lex: Lexicon) -> list[Speaker]:
    """The speakers of one sentence, with what makes each speak and which way its region runs."""
    inside = [g for g in groups if sentence.start <= g.start and g.end <= sentence.end]
    found: list[tuple[_Group, int, bool, bool]] = []  # group, said, backward, forward
    for g in inside:
        raw = text[g.start:g.end]
        before = text[max(sentence.start, g.start - 40):g.start]
        if _CJK.search(raw):  # Japanese and Korean: a particle after the name
            after = text[g.end:g.end + 12]
            m = lex.particle_after.match(after)
            if m is None and g.kind in ("src", "ana"):
                m = lex.topic_after.match(after)
            if m is not None:
                found.append((g, g.end + m.end(), False, True))
            continue
        if g.kind == "pron" and not _CLAUSE_START.search(text[sentence.start:g.start]):
            continue  # "the JCS said it detected": the JCS's own words, not a new speaker
        verb = lex.verb_after.match(text, g.end, sentence.end)
        if verb is not None:
            if g.kind == "meto" and _PREPOSITION.search(before):
                continue  # "authorities in Japan ... say"
            said = verb.end()
            rest = _AFTER_VERB.match(text[said:sentence.end])
            backward = rest is not None
            forward = not backward
            if rest is not None:
                tail = text[said + rest.end():sentence.end]
                forward = bool(lex.continuation.match(tail.lstrip(",").lstrip()))
            found.append((g, said, backward, forward))
            continue
        lead = lex.lead_in_before.search(before)
        if lead is not None:
            first = not text[sentence.start:g.start - len(lead.group())].strip(" ,\"'“")
            found.append((g, g.end, not first, first))
    # "X and Y said": X speaks with Y's verb
    joined: list[tuple[_Group, int, bool, bool]] = []
    for g in inside:
        if any(g is f[0] for f in found) or g.kind in ("pron",):
            continue
        nxt = next((f for f in found if f[0].start > g.end), None)
        if nxt is not None and _AND.match(text[g.end:nxt[0].start]) and not _PREPOSITION.search(
                text[max(sentence.start, g.start - 20):g.start]):
            joined.append((g, nxt[1], nxt[2], nxt[3]))
    found = sorted(found + joined, key=lambda f: f[0].start)
    return [Speaker(g.source if g.kind != "other" else None, text[g.start:g.end], g.kind, g.start, g.end, said, back,
                    fwd) for g, said, back, fwd in found]


def _separator(text: str, lo: int, hi: int) -> int:
    """Where the clause before ``hi`` starts: after the last strong separator (while, but, ;) between ``lo`` and
    ``hi``, else the last ", and", else the last comma, else ``hi`` itself."""
    for pat in (_STRONG_SEP, _AND_SEP, _COMMA):
        last = None
        for m in pat.finditer(text, lo, hi):
            last = m
        if last is not None:
            return last.start()
    return hi


def clause_start(text: str, lo: int, pos: int) -> int:
    """Where the clause holding ``pos`` starts (its separator), or ``lo`` when nothing separates it."""
    sep = _separator(text, lo, pos)
    return lo if sep == pos else sep


def sentence_regions(text: str, sentence: Sentence, speakers: list[Speaker]) -> list[tuple[int, int, Speaker]]:
    """Split a sentence among its speakers (see the module docstring)."""
    out: list[tuple[int, int, Speaker]] = []
    cursor = sentence.start
    joint: list[Speaker] = []
    for i, sp in enumerate(speakers):
        nxt = speakers[i + 1] if i + 1 < len(speakers) else None
        if nxt is not None and nxt.said == sp.said:  # "X and Y said": one region for both
            joint.append(sp)
            continue
        boundary = sentence.end if nxt is None else _separator(text, sp.said, nxt.start)
        if sp.backward:
            start, end = cursor, (boundary if sp.forward else sp.said)
        else:
            start = _separator(text, cursor, sp.start)
            if start == sp.start and not text[cursor:sp.start].strip(" \t\"'“‘「『"):
                start = cursor
            end = boundary
        for s in (*joint, sp):
            out.append((start, max(start, end), s))
        joint = []
        cursor = max(cursor, end)
    return out


def attribute(text: str, sents: list[Sentence], folded: Folded, lex: Lexicon, *, issuer: Speaker | None,
              skip: set[int], speaker_groups: list[_Group] | None = None) -> list[Region]:
    """Regions of the whole text. ``skip``: indexes of sentences that are headings (used for nothing)."""
    found_groups = speaker_groups if speaker_groups is not None else groups(text, folded, lex)
    regions: list[Region] = []
    last: Speaker | None = None  # the last speaker so far
    para_last: dict[int, Speaker] = {}  # per paragraph
    for n, sent in enumerate(sents):
        if n in skip:
            continue
        speakers = []
        for sp in find_speakers(text, sent, found_groups, lex):
            if sp.kind == "pron":  # "It said", "He says", "We are aware": the last speaker, or the issuer
                ref = last or issuer
                if ref is None:
                    continue
                sp = Speaker(ref.source, ref.raw, ref.kind, sp.start, sp.end, sp.said, sp.backward, sp.forward)
            speakers.append(sp)
        if speakers:
            for s, e, sp in sentence_regions(text, sent, speakers):
                regions.append(Region(s, e, sp, sent))
            last = speakers[-1]
            para_last[sent.paragraph] = last
            continue
        ref = para_last.get(sent.paragraph)
        if ref is None and last is not None and lex.reported.search(text, sent.start, sent.end):
            ref = last
        if ref is None:
            ref = issuer
        if ref is not None:
            regions.append(Region(sent.start, sent.end, ref, sent, inherited=True))
            para_last[sent.paragraph] = ref
    return regions

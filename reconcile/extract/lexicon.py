"""A profile's extraction vocabulary compiled for use: phrase indexes (speakers, types, bearings, places) and the
cue-word patterns, built once per profile.

Everything here comes from the profile (``[extraction]`` in the TOML, the sources' aliases, the taxonomies and the
gazetteer); this module only knows how to turn word lists into patterns: Latin words on word boundaries, case,
spaces, hyphens and apostrophes free ("Japan's defense ministry" = "Japans Defense-Ministry").
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

from ..profile import Profile
from .text import PhraseIndex

_ORDERED_WORD = re.compile(r"[A-Za-z]")


def alternation(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation of ``words`` (longest first); never matches when the list is empty."""
    parts = []
    for w in sorted({w for w in words if w.strip()}, key=len, reverse=True):
        pieces = [re.escape(p) for p in re.split(r"\s+", w.strip())]
        body = r"\s+".join(pieces)
        body = body.replace(r"\-", r"[-‐‑\s]?").replace("'", "['’]?").replace("’", "['’]?")
        if _ORDERED_WORD.match(w[0]):
            body = r"(?<![A-Za-z])" + body
        if _ORDERED_WORD.match(w[-1]):
            body += r"(?![A-Za-z])"
        parts.append(body)
    return "(?i:" + "|".join(parts) + ")" if parts else "(?!)"


def ends_with(words: list[str]) -> re.Pattern[str]:
    """Matches text ending in one of ``words`` (then only spaces)."""
    return re.compile(rf"(?:{alternation(words)})[\s,、]*$")


def starts_with(words: list[str]) -> re.Pattern[str]:
    return re.compile(rf"^[\s,、]*(?:{alternation(words)})")


def anywhere(words: list[str]) -> re.Pattern[str]:
    return re.compile(alternation(words))


@dataclass(frozen=True)
class FieldCues:
    """Which field a figure in ``unit`` belongs to, by the words before or after it."""

    field: str
    unit: str
    before: re.Pattern[str]
    after: re.Pattern[str]
    cue_required: bool


# Words that may stand between a speaker and the verb: names after a title ("Defense Minister Nobuo Kishi said"),
# auxiliaries and adverbs ("had estimated", "later said").
_FILLER = r"(?:[A-Z][\w'’.\-]*|(?i:has|had|have|also|later|earlier|initially|separately|then|further|again|" \
          r"on\s+\w+day|itself))"


# Between a field's cue word and its figure: articles, prepositions, particles, adjectives of extent, and other
# figures already read (written "#": "flew # for 4,015 seconds").
_CUE_FILLER = (r"(?:[\s,、:：]*(?:(?<![A-Za-z])(?i:of|at|to|an?|the|its|a|maximum|max|top|peak|highest|is|was|were|"
               r"for|estimated|an\s+estimated|total|flight|with)(?![A-Za-z])|は|는|은|이|가|を|が|で|の|#))*[\s,、:：]*")


class Lexicon:
    def __init__(self, profile: Profile) -> None:
        ex = profile.extraction
        self.profile = profile
        self.roles = dict(ex.roles)
        speakers: list[tuple[str, str]] = []
        for code, s in profile.sources.items():
            speakers += [(f"src:{code}", a) for a in (code, s.name, *s.aliases, *ex.cues.get(code, ()))]
        speakers += [(f"ana:{code}", a) for code, names in ex.anaphora.items() for a in names]
        speakers += [(f"meto:{code}", a) for code, names in ex.metonyms.items() for a in names]
        speakers += [("other:", a) for a in ex.others]
        speakers += [("pron:", a) for a in ex.pronouns]
        self.speakers = PhraseIndex(speakers)

        self.types = self._taxonomy_index(profile, self.roles.get("what"))
        self.bearings = self._taxonomy_index(profile, self.roles.get("bearing"))
        self.places = PhraseIndex([(p.id, a) for p in profile.places for a in (p.name, *p.aliases)])
        self.place_kind = {p.id: p.kind for p in profile.places}
        self.origin_area = ex.origin_area if ex.origin_area in self.place_kind else None
        rt = profile.runtime()
        self.gazetteer = rt.gazetteer
        what = self.roles.get("what")
        self.taxonomy = rt.taxonomies.get(profile.fields[what].taxonomy) if what else None

        self.verb_after = re.compile(
            rf"(?:\s*[(（][^)）]{{1,40}}[)）])?\s*,?(?:\s+{_FILLER}){{0,4}}\s*,?\s+(?:{alternation(ex.verbs)})")
        self.verb_before = re.compile(rf"(?:{alternation(ex.verbs)})\s+(?:(?i:on)\s+)?$")
        self.lead_in_before = re.compile(rf"(?:{alternation(ex.lead_ins)})\s+(?:(?i:the)\s+)?$")
        self.particle_after = starts_with(ex.particles)
        self.topic_after = re.compile(rf"^(?:[(（][^)）]{{1,20}}[)）])?\s?(?:{alternation(ex.topic_particles)})")
        self.continuation = starts_with(ex.continuations)
        self.reported = anywhere(ex.reported)
        self.titles = anywhere(ex.titles)
        self.launch_words = anywhere(ex.launch_words)
        self.echo_before = ends_with(ex.echoes)
        self.other_events = anywhere(ex.other_events)
        self.background = anywhere(ex.background)
        self.negations = anywhere(ex.negations)
        self.anaphoric_types = {w.casefold() for w in ex.anaphoric_types}
        self.determiner_before = ends_with(ex.determiners)
        self.origin_before = ends_with(ex.origin_before)
        self.origin_after = starts_with(ex.origin_after)
        self.destination_before = ends_with(ex.destination_before)
        self.destination_after = starts_with(ex.destination_after)
        self.passing_before = ends_with(ex.passing)
        self.bearing_marks = ex.bearing_marks

        self.field_cues: list[FieldCues] = []
        for name, spec in ex.fields.items():
            unit = profile.fields[name].unit or ""
            self.field_cues.append(FieldCues(
                name, unit, re.compile(rf"(?:{alternation(spec.before)}){_CUE_FILLER}$"),
                re.compile(rf"^[\s]*(?:를|을|を|で|の|는|은)?\s*(?:{alternation(spec.after)})"),
                spec.cue_required))

    @staticmethod
    def _taxonomy_index(profile: Profile, field: str | None) -> PhraseIndex:
        if not field:
            return PhraseIndex([])
        tax = profile.taxonomies[profile.fields[field].taxonomy or ""]
        return PhraseIndex([(c, a) for c, t in tax.terms.items() for a in (*t.aliases, t.label, c.replace("_", " "))])

    def depth(self, code: str) -> int:
        """How specific an event type is (the root: 0)."""
        return len(self.taxonomy.ancestors.get(code, ())) - 1 if self.taxonomy else 0


_CACHE: dict[int, Lexicon] = {}


def lexicon(profile: Profile) -> Lexicon:
    """The compiled vocabulary of ``profile``, built on first use and kept while the profile lives."""
    key = id(profile)
    lex = _CACHE.get(key)
    if lex is None or lex.profile is not profile:
        lex = _CACHE[key] = Lexicon(profile)
        weakref.finalize(profile, _CACHE.pop, key, None)
    return lex

"""A profile compiled for use: source and vocabulary matchers, the gazetteer, zone qualifiers. Built once per
profile (``Profile.runtime()``) and shared by every stage."""

from __future__ import annotations

import re
from functools import lru_cache

from .models import Term
from .normalise.text import AliasMatcher, text_key
from .profile import Profile
from .vocab import Gazetteer, Taxonomy


class ZoneQualifier:
    """Says whether a place phrase puts the value inside or outside a declared zone (e.g. Japan's EEZ)."""

    def __init__(self, name: str, mention: list[str], outside: list[str], owner: list[str]) -> None:
        self.name = name
        self._mention = re.compile("|".join(mention), re.I)
        owners = "|".join(owner) or "(?!)"
        self._phrase = re.compile(rf"(?:(?:{owners})\s*)?(?:{'|'.join(mention)})", re.I)
        self._outside = re.compile("|".join(outside), re.I)

    def qualify(self, text: str) -> str | None:
        """``outside:NAME`` or ``inside:NAME`` when the phrase mentions the zone, else None."""
        m = self._mention.search(text)
        if m is None:
            return None
        # the qualifier words closest before the mention decide ("outside Japan's EEZ", "EEZ 밖")
        before, after = text[: m.start()][-40:], text[m.end():][:12]
        if self._outside.search(before) or self._outside.search(after):
            return f"outside:{self.name}"
        # "inside Japan's EEZ", or the zone named as the place itself ("Japan's EEZ, west of Hokkaido")
        return f"inside:{self.name}"

    def strip(self, text: str) -> str:
        """The phrase without the zone's mention ("Japan's EEZ" must not read as the place Japan)."""
        return self._phrase.sub(" ", text)


class Runtime:
    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.sources = AliasMatcher(
            [(code, a) for code, s in profile.sources.items() for a in (code, s.name, *s.aliases)], cutoff=90.0
        )
        self.taxonomies = {name: Taxonomy(spec) for name, spec in profile.taxonomies.items()}
        self.gazetteer = Gazetteer(profile.places)
        self.zones = {
            name: ZoneQualifier(name, z.mention, z.outside, z.owner) for name, z in profile.zones.items()
        }
        self.source_zone = {code: s.zone for code, s in profile.sources.items()}
        self.time_field = next((name for name, f in profile.fields.items() if f.kind == "time"), None)
        self._source = lru_cache(maxsize=10_000)(self._resolve_source)
        self._place = lru_cache(maxsize=100_000)(self._resolve_place)
        self._category = lru_cache(maxsize=100_000)(self._resolve_category)
        self._place_term = lru_cache(maxsize=100_000)(self._make_place_term)
        self._category_term = lru_cache(maxsize=100_000)(self._make_category_term)

    def source(self, raw: str) -> tuple[str, str]:
        """The canonical source code for a written agency name, and the rule that found it. An agency the
        profile does not know keeps its own name (folded to a stable form)."""
        return self._source(raw)

    def _resolve_source(self, raw: str) -> tuple[str, str]:
        code = self.sources.exact(raw)
        if code is not None:
            return code, "alias"
        found = self.sources.find(raw)
        if found:
            return found[0][0], "alias-in-text"
        fuzzy = self.sources.fuzzy(raw)
        if fuzzy is not None:
            return fuzzy[0], f"fuzzy:{fuzzy[1]:.0f}"
        return " ".join(raw.split()), "unknown-source"

    def zone_for(self, source: str) -> str:
        return self.source_zone.get(source, self.profile.default_zone)

    def place(self, raw: str, zones: tuple[str, ...], prefer: tuple[str, ...] = ()) -> tuple[str, str, str | None]:
        return self._place(raw, zones, prefer)

    def _resolve_place(self, raw: str, zones: tuple[str, ...], prefer: tuple[str, ...]) -> tuple[str, str, str | None]:
        qualifier = None
        text = raw
        for z in zones:
            qualifier = self.zones[z].qualify(raw) or qualifier
            text = self.zones[z].strip(text)
        code, rule = self.gazetteer.match(text, prefer) if text_key(text) else (None, "zone-only")
        return code or "", rule, qualifier

    def place_term(self, raw: str, zones: tuple[str, ...], prefer: tuple[str, ...] = ()) -> Term:
        """The normalised place: one shared ``Term`` per distinct text (places repeat by the thousand)."""
        return self._place_term(raw, zones, prefer)

    def _make_place_term(self, raw: str, zones: tuple[str, ...], prefer: tuple[str, ...]) -> Term:
        code, rule, qualifier = self.place(raw, zones, prefer)
        return Term(code, raw, rule, qualifier)

    def category_term(self, taxonomy: str, raw: str) -> Term:
        return self._category_term(taxonomy, raw)

    def _make_category_term(self, taxonomy: str, raw: str) -> Term:
        code, rule = self.category(taxonomy, raw)
        return Term(code, raw, rule)

    def category(self, taxonomy: str, raw: str) -> tuple[str, str]:
        return self._category(taxonomy, raw)

    def _resolve_category(self, taxonomy: str, raw: str) -> tuple[str, str]:
        code, rule = self.taxonomies[taxonomy].match(raw)
        return code or "", rule

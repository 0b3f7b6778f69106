"""A profile compiled for use: source and vocabulary matchers, the gazetteer, zone qualifiers. Built once per
profile (``Profile.runtime()``) and shared by every stage."""

from __future__ import annotations

import re
from functools import lru_cache

from .models import Report, Term
from .normalise.text import AliasMatcher, text_key
from .profile import FieldSpec, Profile
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
        self.trust = {code: s.weight for code, s in profile.sources.items()}  # weights in a consensus
        self.time_field = next((name for name, f in profile.fields.items() if f.kind == "time"), None)
        self.inputs = self._inputs(profile)
        # typed fields: per group (the key reports write), each spelling of a type -> the field of that type;
        # spellings are exact first (mb is not mB), then case-folded where that is unambiguous
        self.types: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
        for name, spec in profile.fields.items():
            if spec.group is None or spec.label is None:
                continue
            exact, folded = self.types.setdefault(spec.group, ({}, {}))
            for spelling in (spec.label, *spec.aliases):
                exact.setdefault(spelling, name)
        for exact, folded in self.types.values():
            by_fold: dict[str, set[str]] = {}
            for spelling, name in exact.items():
                by_fold.setdefault(spelling.casefold(), set()).add(name)
            folded.update({k: next(iter(v)) for k, v in by_fold.items() if len(v) == 1})
        self.partitions = {name: self._partition_of(name) for name in self._partition_fields(profile)}
        # fields whose values take a stated or default error after reading (typed figures take theirs as read)
        self.uncertain = tuple(n for n, f in profile.fields.items()
                               if (f.error or f.default_error is not None) and f.group is None)
        self._assumed = {  # per list of words marking an assumption, the pattern that finds them
            tuple(f.assumed): re.compile(r"(?<![^\W\d_])(" + "|".join(
                re.escape(w) for w in sorted(f.assumed, key=len, reverse=True)) + r")(?![^\W\d_])", re.I)
            for f in profile.fields.values() if f.assumed
        }
        self._source = lru_cache(maxsize=10_000)(self._resolve_source)
        self._place = lru_cache(maxsize=100_000)(self._resolve_place)
        self._category = lru_cache(maxsize=100_000)(self._resolve_category)
        self._place_term = lru_cache(maxsize=100_000)(self._make_place_term)
        self._category_term = lru_cache(maxsize=100_000)(self._make_category_term)

    @staticmethod
    def _inputs(profile: Profile) -> dict[str, tuple[str, str]]:
        """Each key a report may carry -> (the field it feeds, its role: value, lat, lon, error, typed)."""
        out: dict[str, tuple[str, str]] = {}
        for name, spec in profile.fields.items():
            if spec.group is not None:
                out.setdefault(spec.group, (spec.group, "typed"))
                out[name] = (name, "typed-as")  # "magnitude.Mw": 6.1, the figure of one type under its own key
                continue
            if spec.kind == "point" and len(spec.inputs) == 2:
                out[spec.inputs[0]] = (name, "lat")
                out[spec.inputs[1]] = (name, "lon")
            elif spec.kind == "point" and spec.inputs:
                out[spec.inputs[0]] = (name, "value")
            out.setdefault(name, (name, "value"))
            if spec.error:
                out[spec.error] = (name, "error")
        return out

    def assumed(self, spec: FieldSpec, raw: str) -> tuple[str, str] | None:
        """For a figure marked as an assumption ("10 km fixed", "10f", "33 (fixed)"): the figure without the mark,
        and the mark; None for a measured figure."""
        pattern = self._assumed.get(tuple(spec.assumed))
        m = pattern.search(raw) if pattern is not None else None
        if m is None:
            return None
        figure = (raw[: m.start()] + " " + raw[m.end():]).replace("()", " ").replace("( )", " ")
        return " ".join(figure.split()).strip(" ,;"), m.group(1).lower()

    def type_field(self, group: str, written: str) -> str | None:
        """The field of a typed figure ("magnitude", "Mww" -> "magnitude.Mw"), or None for a type not declared."""
        exact, folded = self.types.get(group, ({}, {}))
        return exact.get(written) or folded.get(written.casefold())

    @staticmethod
    def _partition_fields(profile: Profile) -> set[str]:
        names = {s.within for s in profile.fields.values() if s.within}
        if profile.clustering.distinct_by:
            names.add(profile.clustering.distinct_by)
        return names

    def _partition_of(self, name: str) -> dict[str, str]:
        """For a category field that partitions comparisons: each term code -> its kind (the nearest ancestor
        listed in the field's ``prefer``, else the code itself)."""
        spec = self.profile.fields[name]
        assert spec.taxonomy is not None
        tax = self.taxonomies[spec.taxonomy]
        return {code: next((a for a in tax.ancestors[code] if a in spec.prefer), code) for code in tax.codes}

    def partition(self, report: Report, name: str) -> str:
        """The kind of solution (or whatever the field sorts reports by) of a report: its value's kind, else the
        field's default ("" when neither)."""
        v = report.values.get(name)
        code = v.code if isinstance(v, Term) and v.code else self.profile.fields[name].default
        return self.partitions[name].get(code, code) if code else ""

    def identity(self, report: Report) -> tuple[str, str]:
        """What may appear once per event: the source, and its kind of solution where the profile allows one
        source several (``clustering.distinct_by``)."""
        by = self.profile.clustering.distinct_by
        return (report.source, self.partition(report, by) if by else "")

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


"""Vocabularies compiled from a profile: taxonomies of terms and the gazetteer of places.

Both answer the same questions about two codes, as scalars (for explanations and reconciliation) and as small
dense matrices indexed by code number (for vectorised pair scoring):

- ``related``: one is the other or contains it (a less vs more specific value: never a conflict);
- ``severity``: 0 none, 1 minor, 2 major when they are not related;
- ``specificity``: how much a match says (a match on a country says little, on a launch pad a lot).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .normalise.text import AliasMatcher
from .profile import PlaceSpec, TaxonomySpec

NONE, MINOR, MAJOR = 0, 1, 2
SEVERITY_NAMES = {MINOR: "minor", MAJOR: "major"}


class _Tree:
    """Codes with parents; ancestors and depth; the alias matcher; the most specific consistent match."""

    def __init__(self, parents: dict[str, str | None], aliases: list[tuple[str, str]]) -> None:
        self.codes = list(parents)
        self.index = {c: i for i, c in enumerate(self.codes)}
        self.parents = parents
        self.ancestors: dict[str, tuple[str, ...]] = {}
        for code in self.codes:
            chain: list[str] = []
            node: str | None = code
            while node is not None:
                chain.append(node)
                node = parents.get(node)
            self.ancestors[code] = tuple(chain)  # self first, root last
        self.matcher = AliasMatcher(aliases)

    def matrix(self, fn: Callable[[str, str], Any], dtype: Any) -> np.ndarray:
        """``fn`` over every pair of codes, as a dense matrix indexed by code number."""
        return np.array([[fn(a, b) for b in self.codes] for a in self.codes], dtype=dtype).reshape(
            len(self.codes), len(self.codes))

    def is_ancestor_or_self(self, a: str, b: str) -> bool:
        """True when ``a`` is ``b`` or contains it."""
        return a in self.ancestors[b]

    def related(self, a: str, b: str) -> bool:
        return self.is_ancestor_or_self(a, b) or self.is_ancestor_or_self(b, a)

    def preferred(self, code: str, prefer: tuple[str, ...]) -> bool:
        return False

    def match(self, text: str, prefer: tuple[str, ...] = ()) -> tuple[str | None, str]:
        """The code a phrase names, and the rule that found it. The first alias found wins (the first of a
        ``prefer``red kind when there is one); later aliases refine it only when they are more specific parts of it
        ("Sunan area, Pyongyang" -> Sunan)."""
        found = self.matcher.find(text)
        if prefer:
            start = next((k for k, (code, _) in enumerate(found) if self.preferred(code, prefer)), 0)
            found = found[start:]
        if found:
            best = found[0][0]
            for code, _ in found[1:]:
                if self.is_ancestor_or_self(best, code):
                    best = code
                elif not self.is_ancestor_or_self(code, best):
                    break
            return best, "alias"
        fuzzy = self.matcher.fuzzy(text)
        if fuzzy is not None:
            return fuzzy[0], f"fuzzy:{fuzzy[1]:.0f}"
        return None, "unrecognised"


class Taxonomy(_Tree):
    """A tree of terms (event types, directions). Unrelated terms conflict: minor inside one family, major across
    families; pairs declared ``compatible`` never conflict."""

    def __init__(self, spec: TaxonomySpec) -> None:
        super().__init__(
            {c: t.parent for c, t in spec.terms.items()},
            [(c, a) for c, t in spec.terms.items() for a in (*t.aliases, t.label, c.replace("_", " "))],
        )
        self.spec = spec
        self.labels = {c: t.label for c, t in spec.terms.items()}
        self.compatible = {(a, b) for a, t in spec.terms.items() for b in t.compatible}
        self.compatible |= {(b, a) for a, b in self.compatible}
        self.related_m = self.matrix(self.agree, bool)
        self.severity_m = self.matrix(self.severity, np.int8)
        self.specificity_m = self.matrix(self.specificity, np.float32)

    def family(self, code: str) -> str | None:
        return next((c for c in self.ancestors[code] if self.spec.terms[c].family), None)

    def agree(self, a: str, b: str) -> bool:
        if self.related(a, b) or (a, b) in self.compatible:
            return True
        # compatibility is inherited: an ICBM agrees with a hypersonic missile as a ballistic missile does
        return any((x, y) in self.compatible for x in self.ancestors[a] for y in self.ancestors[b])

    def severity(self, a: str, b: str) -> int:
        if self.agree(a, b):
            return NONE
        fa, fb = self.family(a), self.family(b)
        return MINOR if fa is not None and fa == fb else MAJOR

    def specificity(self, a: str, b: str) -> float:
        """A match counts by the depth of the more general of the two terms (root: nothing)."""
        depth = min(len(self.ancestors[a]), len(self.ancestors[b])) - 1
        return min(1.0, depth / 2.0)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


_KIND_SPECIFICITY = {"country": 0.2, "sea": 0.3, "ocean": 0.2, "region": 0.4, "province": 0.6}


class Gazetteer(_Tree):
    """Places with containment and coordinates. Two places are related when one contains the other; unrelated
    places are apart by the distance between their areas (centre distance less both radii)."""

    def __init__(self, places: list[PlaceSpec]) -> None:
        super().__init__(
            {p.id: p.parent for p in places},
            [(p.id, a) for p in places for a in (p.name, *p.aliases)],
        )
        self.places = {p.id: p for p in places}
        self.related_m = self.matrix(self.related, bool)  # one contains the other
        self.distance_m = self.matrix(self.distance_km, np.float32)  # 0 when nested or overlapping
        self.specificity_m = self.matrix(self.specificity, np.float32)

    def preferred(self, code: str, prefer: tuple[str, ...]) -> bool:
        return self.places[code].kind in prefer

    def agree(self, a: str, b: str) -> bool:
        """Places agree when one contains the other or their areas overlap: both can be right."""
        return self.related(a, b) or self.distance_km(a, b) == 0.0

    def coordinates(self, code: str) -> tuple[float, float] | None:
        """The place's own coordinates, or its nearest ancestor's."""
        for c in self.ancestors[code]:
            p = self.places[c]
            if p.lat is not None and p.lon is not None:
                return p.lat, p.lon
        return None

    def distance_km(self, a: str, b: str) -> float:
        if self.related(a, b):
            return 0.0
        ca, cb = self.coordinates(a), self.coordinates(b)
        if ca is None or cb is None:
            return math.inf
        gap = haversine_km(*ca, *cb) - self.places[a].radius_km - self.places[b].radius_km
        return max(0.0, gap)

    def specificity(self, a: str, b: str) -> float:
        general = a if self.is_ancestor_or_self(a, b) else b
        return _KIND_SPECIFICITY.get(self.places[general].kind, 1.0)

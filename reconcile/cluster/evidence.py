"""Per-field evidence for or against two reports describing one launch.

One comparator per field kind, each with a single vectorised method ``weights(f, a, b)`` over arrays of report
indices (used for millions of candidate pairs at once) and ``reason(...)`` to say in words what it found for one
pair. ``explain_pair`` uses the very same ``weights`` on a pair of length one, so an explanation can never disagree
with the decision it explains.

Weights are log-odds-like: positive when the field agrees within the reports' precision, negative when it does
not, zero when either report lacks the field. Quantities are weak evidence on purpose.
"""

from __future__ import annotations

import math

import numpy as np

from ..models import ROUNDING
from ..profile import FieldSpec, Profile, ScaleSpec
from ..vocab import MAJOR, Gazetteer, Taxonomy
from .features import Features

MUST_LINK = 1e6
CANNOT_LINK = -1e6
_LOG_DAY = math.log(1440.0)


class Comparator:
    def __init__(self, name: str, spec: FieldSpec, scale: ScaleSpec | None = None) -> None:
        self.name, self.spec, self.scale = name, spec, scale

    def window(self, f: Features, a: np.ndarray, b: np.ndarray, fixed: float) -> np.ndarray | float:
        """The window of each pair: ``fixed``, or (``clustering.scale``) by the larger scale value of the two,
        that of ``scale.missing`` when neither has one."""
        scale = self.scale
        if scale is None or f.scale is None or self.name not in scale.windows:
            return fixed
        larger = np.fmax(f.scale[a], f.scale[b])
        larger = np.where(np.isnan(larger), scale.at[0] if scale.missing is None else scale.missing, larger)
        return np.interp(larger, scale.at, scale.windows[self.name])

    def weights(self, f: Features, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def reason(self, f: Features, i: int, j: int, weight: float) -> str:
        raise NotImplementedError


class TimeComparator(Comparator):
    """Overlapping times are strong evidence, more so the more precise they are (a minute: the full weight; a
    whole day: a quarter); the support fades linearly with the gap between them, and a gap of ``split_gap`` or
    more is final: separate launches. (A source that times a launch 15 minutes off is a conflict to flag.)
    A report without a time is about a launch shortly before it was issued: its evidence decays with the delay
    between the other report's time and its issue time (half-life ``no_time_decay``)."""

    def __init__(self, name: str, spec: FieldSpec, split_gap: float, decay: float,
                 scale: ScaleSpec | None = None) -> None:
        super().__init__(name, spec, scale)
        self.split_gap = split_gap
        self.decay = decay

    def weights(self, f: Features, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        lo_a, hi_a, lo_b, hi_b = f.t_lo[a], f.t_hi[a], f.t_lo[b], f.t_hi[b]
        gap = np.maximum(0.0, np.maximum(lo_b - hi_a, lo_a - hi_b))
        width = np.maximum(hi_a - lo_a, hi_b - lo_b)
        spec = np.clip(1.0 - 0.75 * np.log(np.maximum(width, 60.0) / 60.0) / _LOG_DAY, 0.25, 1.0)
        window = self.window(f, a, b, self.split_gap)
        w = self.spec.match * spec * (1.0 - gap / (self.spec.zero_at * window))
        ta, tb = f.timeless[a], f.timeless[b]
        one = ta ^ tb
        if one.any():
            issued = np.where(ta, hi_a, hi_b)
            other = np.where(ta, (lo_b + hi_b) / 2, (lo_a + hi_a) / 2)
            delay = np.maximum(0.0, issued - other)
            w = np.where(one & (gap == 0), self.spec.match * 0.5 * np.exp2(-delay / self.decay), w)
        return np.where(gap >= window, CANNOT_LINK, w)

    def reason(self, f: Features, i: int, j: int, weight: float) -> str:
        gap = max(0.0, f.t_lo[j] - f.t_hi[i], f.t_lo[i] - f.t_hi[j])
        window = float(np.asarray(self.window(f, np.array([i]), np.array([j]), self.split_gap)).ravel()[0])
        if gap >= window:
            if window < 1200:
                return f"times {gap:.1f} s apart beyond their errors (>= {window:.0f} s window: separate events)"
            return f"times {gap / 60:.0f} min apart (>= {window / 60:.0f} min: separate events)"
        if window < 1200 and gap > 0:
            return f"times {gap:.1f} s apart beyond their errors (window {window:.0f} s)"
        width = max(f.t_hi[i] - f.t_lo[i], f.t_hi[j] - f.t_lo[j])
        if gap == 0 and f.timeless[i] != f.timeless[j]:
            return "one report has no time: it was issued after the other's time"
        if gap == 0:
            return f"times overlap (widest interval {width / 60:.0f} min)"
        return f"times {gap / 60:.1f} min apart"


class NumericComparator(Comparator):
    """Quantities and counts: overlap agrees; a gap counts against, fully past the major tolerance."""

    def weights(self, f: Features, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        col = f.columns[self.name]
        assert col.lo is not None and col.hi is not None and col.best is not None
        lo_a, hi_a, lo_b, hi_b = col.lo[a], col.hi[a], col.lo[b], col.hi[b]
        present = ~(np.isnan(lo_a) | np.isnan(lo_b))
        with np.errstate(invalid="ignore"):
            gap = np.maximum(0.0, np.maximum(lo_b - hi_a, lo_a - hi_b))
            larger = np.maximum(col.best[a], col.best[b])
            # ends that touch to a rounding error overlap, as in the conflicts (``Interval.gap``)
            gap = np.where(gap <= ROUNDING * np.maximum(1.0, np.abs(larger)), 0.0, gap)
            if self.spec.kind == "count":
                limit: np.ndarray | float = 0.0
            elif self.spec.major_abs is not None:
                limit = self.spec.major_abs
            else:
                limit = self.spec.major_rel * larger
            major = gap > limit
            rel = np.minimum(1.0, gap / np.maximum(larger if self.spec.major_abs is None
                                                   else 10 * self.spec.major_abs, 1e-9))
        # a gap within the major tolerance counts half; past it, more the wider it is (500 vs 700 km: -1.2x,
        # 220 vs 710 km: -2.4x): a wildly different figure more likely describes another launch
        far = self.spec.mismatch * (1.0 + 2.0 * rel) if self.spec.kind != "count" else self.spec.mismatch
        w = np.where(gap > 0, np.where(major, far, self.spec.mismatch / 2), self.spec.match)
        return np.where(present, w, 0.0)

    def reason(self, f: Features, i: int, j: int, weight: float) -> str:
        if weight == 0:
            return "not reported by both"
        return "values overlap" if weight > 0 else "values do not overlap"


class PointComparator(Comparator):
    """Positions: the distance beyond both radii against the window (``far_km``, or by ``clustering.scale``). Within
    their radii: the full match; the support falls to zero at ``zero_at`` of the window, below after it; past the
    window, ``far``: another event."""


    def _gap(self, f: Features, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        col = f.columns[self.name]
        assert col.lat is not None and col.lon is not None and col.radius is not None
        distance = great_circle_km(col.lat[a], col.lon[a], col.lat[b], col.lon[b])
        return distance, np.maximum(0.0, distance - col.radius[a] - col.radius[b])

    def weights(self, f: Features, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        distance, gap = self._gap(f, a, b)
        window = self.window(f, a, b, self.spec.far_km)
        with np.errstate(invalid="ignore"):
            w = np.where(gap >= window, self.spec.far, self.spec.match * (1.0 - gap / (self.spec.zero_at * window)))
        return np.where(np.isnan(distance), 0.0, w)

    def reason(self, f: Features, i: int, j: int, weight: float) -> str:
        distance, gap = (float(x[0]) for x in self._gap(f, np.array([i]), np.array([j])))
        if math.isnan(distance):
            return "not reported by both"
        window = float(np.asarray(self.window(f, np.array([i]), np.array([j]), self.spec.far_km)).ravel()[0])
        if gap >= window:
            return f"{distance:.0f} km apart (beyond the {window:.0f} km window: separate events)"
        if gap == 0:
            return f"{distance:.0f} km apart, within their uncertainties"
        return f"{distance:.0f} km apart, {gap:.0f} km beyond their uncertainties (window {window:.0f} km)"


def great_circle_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Haversine distances (km) on a sphere of the Earth's mean radius, elementwise."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


class _CodeComparator(Comparator):
    """Shared by places and categories: both compare code numbers through small dense matrices."""

    def _codes(self, f: Features, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Which pairs have both codes, and the codes (0 where absent, masked out by the caller)."""
        code = f.columns[self.name].code
        assert code is not None
        ca, cb = code[a], code[b]
        present = (ca >= 0) & (cb >= 0)
        return present, np.where(present, ca, 0), np.where(present, cb, 0)

    def _pair(self, f: Features, i: int, j: int, codes: list[str]) -> tuple[str, str] | None:
        code = f.columns[self.name].code
        assert code is not None
        if code[i] < 0 or code[j] < 0:
            return None
        return codes[code[i]], codes[code[j]]


class PlaceComparator(_CodeComparator):
    """Places agree when one contains the other (a province and a site in it), by how specific the more general
    one is; overlapping areas are neutral; disjoint places count against, strongly past ``far_km``."""

    def __init__(self, name: str, spec: FieldSpec, gazetteer: Gazetteer) -> None:
        super().__init__(name, spec)
        self.g = gazetteer

    def weights(self, f: Features, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if not len(self.g.codes):
            return np.zeros(len(a))
        present, ia, ib = self._codes(f, a, b)
        distance = self.g.distance_m[ia, ib]
        apart = np.where(distance > self.spec.far_km, self.spec.far, np.where(distance > 0, self.spec.mismatch, 0.0))
        w = np.where(self.g.related_m[ia, ib], self.spec.match * self.g.specificity_m[ia, ib], apart)
        return np.where(present, w, 0.0)

    def reason(self, f: Features, i: int, j: int, weight: float) -> str:
        pair = self._pair(f, i, j, self.g.codes)
        if pair is None:
            return "not reported by both (or not in the gazetteer)"
        a, b = pair
        if self.g.related(a, b):
            return f"{a} and {b}: same place or one within the other"
        if self.g.agree(a, b):
            return f"{a} and {b}: areas overlap"
        return f"{a} and {b} are {self.g.distance_km(a, b):.0f} km apart"


class CategoryComparator(_CodeComparator):
    """Terms agree when one is the other's ancestor or they are compatible; otherwise a major disagreement
    (across families) counts ``mismatch``, a minor one half of it."""

    def __init__(self, name: str, spec: FieldSpec, taxonomy: Taxonomy) -> None:
        super().__init__(name, spec)
        self.t = taxonomy

    def weights(self, f: Features, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        present, ia, ib = self._codes(f, a, b)
        w = np.where(self.t.related_m[ia, ib], self.spec.match * self.t.specificity_m[ia, ib],
                     np.where(self.t.severity_m[ia, ib] == MAJOR, self.spec.mismatch, self.spec.mismatch / 2))
        return np.where(present, w, 0.0)

    def reason(self, f: Features, i: int, j: int, weight: float) -> str:
        pair = self._pair(f, i, j, self.t.codes)
        if pair is None:
            return "not reported by both"
        a, b = pair
        return f"{a} vs {b}: " + ("compatible" if self.t.agree(a, b) else "incompatible")


def comparators(profile: Profile) -> list[Comparator]:
    rt = profile.runtime()
    out: list[Comparator] = []
    rules = profile.clustering
    for name, spec in profile.fields.items():
        if not spec.compare or spec.kind == "text":
            continue
        if spec.kind == "time":
            out.append(TimeComparator(name, spec, rules.split_gap, rules.no_time_decay, rules.scale))
        elif spec.kind in ("quantity", "count"):
            out.append(NumericComparator(name, spec))
        elif spec.kind == "point":
            out.append(PointComparator(name, spec, rules.scale))
        elif spec.kind == "place":
            out.append(PlaceComparator(name, spec, rt.gazetteer))
        else:
            assert spec.taxonomy is not None
            out.append(CategoryComparator(name, spec, rt.taxonomies[spec.taxonomy]))
    return out


def score_pairs(f: Features, a: np.ndarray, b: np.ndarray, comps: list[Comparator]) -> np.ndarray:
    """Total evidence for each pair (a[k], b[k]). Two reports of one source: must-link when one revises the
    other (same lineage), cannot-link otherwise."""
    total = np.zeros(len(a))
    for comp in comps:
        total += comp.weights(f, a, b)
    same_source = f.source[a] == f.source[b]
    same_lineage = f.lineage[a] == f.lineage[b]
    total = np.where(same_source, np.where(same_lineage, MUST_LINK, CANNOT_LINK), total)
    return total

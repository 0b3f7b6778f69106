"""Profiles: an incident kind declared as data (sources, fields, kinds, tolerances, vocabularies, gazetteer).

``parse_profile`` is pure (text in, model out). ``load_profile`` reads a built-in profile by name, or a TOML file
by path, with the gazetteer it names beside it; it is the one place the library reads a file, and only when asked.
Every problem in a profile is collected and reported at once.
"""

from __future__ import annotations

import json
import re
import tomllib
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import ProfileError
from .normalise.quantities import UNITS

FieldKind = Literal["time", "quantity", "count", "place", "category", "point", "text"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceSpec(_Spec):
    name: str
    zone: str = "UTC"
    weight: float = Field(default=1.0, gt=0)  # how much the source counts in a consensus best value
    aliases: list[str] = Field(default_factory=list)


class FieldSpec(_Spec):
    kind: FieldKind
    unit: str | None = None
    taxonomy: str | None = None
    zones: list[str] = Field(default_factory=list)
    prefer_kinds: list[str] = Field(default_factory=list)  # places: when a phrase names several, these win
    # evidence weights for clustering
    match: float = 0.5
    mismatch: float = -0.5
    far: float = -1.0
    # tolerances
    major_rel: float = 0.10
    about_rel: float = 0.10
    major_km: float = 100.0
    far_km: float = 150.0
    around: float = 300.0
    hour_only: float = 1800.0
    major_gap: float = 600.0
    date_major: bool = True
    zero_seconds: bool = False  # times: "05:46:00" is a measured second, not a minute written out
    # severity measured on the gap between the two intervals (the default) or on the difference of best values;
    # quantities: an absolute threshold in the field's unit instead of ``major_rel`` when set
    major_on: Literal["gap", "difference"] = "gap"
    major_abs: float | None = None
    # points: the input keys holding latitude and longitude (or one key holding both); else the field's own key
    inputs: list[str] = Field(default_factory=list)
    # a stated uncertainty: the input key holding it, its unit (default: the field's), and the value assumed when
    # a report states none; a value is never narrower than its own precision
    error: str | None = None
    error_unit: str | None = None
    default_error: float | None = Field(default=None, ge=0)
    # quantities: a bare figure was rounded to a step ("500 km": to 50, +/- 25) or is known to its last digit
    # ("700 km" in a bulletin: +/- 0.5)
    rounding: Literal["steps", "digits"] = "steps"
    signed: bool = False  # quantities: a negative figure is a value (a depth above sea level), not an error
    # False: shown and kept, never a conflict nor evidence (what kind of solution a report is)
    compare: bool = True
    # words that mark a value as an assumption, not a measurement ("10 km fixed"): shown, never compared
    assumed: list[str] = Field(default_factory=list)
    # times and points: the evidence for joining falls to zero at this fraction of the window, and below after it
    zero_at: float = Field(default=1.0, gt=0, le=1.0)
    # the best value of the consensus: the weighted median of the sources, or the value of one preferred report
    # (by the order of the ``within`` partition, then the source's weight, then the smallest interval)
    best: Literal["median", "preferred"] = "median"
    prefer_with: str | None = None  # take the report preferred for that field when it gives this one too
    # compare (conflicts, consensus) only among reports of the same kind by this category field (a centroid's
    # time is never compared with a hypocentre's)
    within: str | None = None
    # categories: the value of a report that gives none, and (for a ``within`` partition) the order of preference
    default: str | None = None
    prefer: list[str] = Field(default_factory=list)
    # typed quantities (magnitudes): the [types.NAME] table; the field becomes one field per type, "NAME.TYPE"
    types: str | None = None
    group: str | None = None  # set on the fields a typed field expands to: the field reports are written under,
    label: str | None = None  # ... the type,
    aliases: list[str] = Field(default_factory=list)  # ... and its spellings ("Mww", "Mwc" for Mw)


class TermSpec(_Spec):
    label: str
    parent: str | None = None
    family: bool = False
    compatible: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)


class TaxonomySpec(_Spec):
    root: str
    terms: dict[str, TermSpec]


class ZoneSpec(_Spec):
    name: str
    mention: list[str]
    owner: list[str] = Field(default_factory=list)
    outside: list[str]  # words that put a value outside the zone; any other mention of the zone is inside it


class ScaleSpec(_Spec):
    """Windows that widen with a field's value (an earthquake's magnitude): at each value of ``at``, the window of
    each field named in ``windows`` (times in seconds, points in km), interpolated between, for the larger value
    of a pair (a report's value: its largest of that field, or of any of its types)."""

    field: str
    at: list[float]
    windows: dict[str, list[float]]
    missing: float | None = None  # the value of a pair neither of which gives one (default: the first of ``at``)


class ClusteringSpec(_Spec):
    split_gap: float = 1200.0
    threshold: float = 0.0
    non_edge: float = -2.0
    no_time_window: float = 172800.0
    no_time_decay: float = 21600.0
    # one source appears twice in an event when its reports differ by this category field (a hypocentre and a
    # centroid of one agency); otherwise only when one report revises the other
    distinct_by: str | None = None
    scale: ScaleSpec | None = None


class PlaceSpec(_Spec):
    id: str
    name: str
    kind: str
    parent: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_km: float = 10.0
    aliases: list[str] = Field(default_factory=list)


class ExtractionFieldSpec(_Spec):
    """Words around a figure that say which field it is ("altitude of 60 km", "700 km away", "約500km飛翔")."""

    before: list[str] = Field(default_factory=list)
    after: list[str] = Field(default_factory=list)
    cue_required: bool = True  # False: a figure in this field's unit is this field's even without a cue (Mach)


class ExtractionSpec(_Spec):
    """The vocabulary for reading reports out of prose (``reconcile.extract``): who is speaking, which words
    attribute a statement, which words tell what a figure measures. Empty by default: a profile without it
    extracts nothing but what its aliases name."""

    roles: dict[str, str] = Field(default_factory=dict)  # what | when | origin | destination | bearing | count -> field
    cues: dict[str, list[str]] = Field(default_factory=dict)  # source -> more names in prose (officials' titles)
    metonyms: dict[str, list[str]] = Field(default_factory=dict)  # source -> names that speak for it with a verb
    anaphora: dict[str, list[str]] = Field(default_factory=dict)  # source -> phrases referring back to it
    others: list[str] = Field(default_factory=list)  # speakers who are no source: news agencies, analysts, ...
    pronouns: list[str] = Field(default_factory=list)  # "it", "he": the last speaker
    verbs: list[str] = Field(default_factory=list)  # after the speaker: said, put it at, is aware
    lead_ins: list[str] = Field(default_factory=list)  # before the speaker: according to, citing
    particles: list[str] = Field(default_factory=list)  # after a speaker in Japanese and Korean: によると, 에 따르면
    topic_particles: list[str] = Field(default_factory=list)  # after a named speaker only: は, 은, 는
    continuations: list[str] = Field(default_factory=list)  # ", adding": the speaker goes on after the verb
    reported: list[str] = Field(default_factory=list)  # reported-speech endings that carry the speaker over
    titles: list[str] = Field(default_factory=list)  # a heading naming a source with these is the text's issuer
    launch_words: list[str] = Field(default_factory=list)
    other_events: list[str] = Field(default_factory=list)  # landing, passing over: a time by these is not the launch
    background: list[str] = Field(default_factory=list)  # another event: "last week", "days after"
    negations: list[str] = Field(default_factory=list)  # "not immediately": the clause states nothing
    anaphoric_types: list[str] = Field(default_factory=list)  # "the missile" refers back; it is no type claim
    determiners: list[str] = Field(default_factory=list)
    origin_area: str | None = None  # a place of the gazetteer: a place within it, in a launch sentence, is the origin
    origin_before: list[str] = Field(default_factory=list)  # "from", "near"
    origin_after: list[str] = Field(default_factory=list)  # "から", "에서"
    destination_before: list[str] = Field(default_factory=list)  # "into", "toward"
    destination_after: list[str] = Field(default_factory=list)  # "に落下", "으로"
    passing: list[str] = Field(default_factory=list)  # "over", "上空": passed over, not landed in
    bearing_marks: list[str] = Field(default_factory=list)  # what makes a compass word a bearing: "ward", "方向"
    echoes: list[str] = Field(default_factory=list)  # "put it at": the figure answers the one said before it
    fields: dict[str, ExtractionFieldSpec] = Field(default_factory=dict)


class Profile(_Spec):
    """An incident kind. Build with ``parse_profile`` or ``load_profile``."""

    name: str
    title: str
    date_zone: str = "UTC"
    default_zone: str = "UTC"
    gazetteer: str | None = None
    sources: dict[str, SourceSpec]
    fields: dict[str, FieldSpec]
    taxonomies: dict[str, TaxonomySpec] = Field(default_factory=dict)
    zones: dict[str, ZoneSpec] = Field(default_factory=dict)
    clustering: ClusteringSpec = Field(default_factory=ClusteringSpec)
    places: list[PlaceSpec] = Field(default_factory=list)
    extraction: ExtractionSpec = Field(default_factory=ExtractionSpec)
    types: dict[str, dict[str, Any]] = Field(default_factory=dict)  # typed fields: type -> its spellings (or a table)
    # the figures an event list shows beside time and type (a typed field's name shows each of its types)
    summary: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _expand_types(cls, data: Any) -> Any:
        """A typed field ("magnitude" with types Mw, mb, ...) becomes one field per type ("magnitude.Mw"), in its
        place: every stage then compares like with like without knowing about types."""
        if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
            return data
        fields: dict[str, Any] = {}
        for name, spec in data["fields"].items():
            table = spec.get("types") if isinstance(spec, dict) else None
            if not table:
                fields[name] = spec
                continue
            kinds = data.get("types", {}).get(table)
            if not isinstance(kinds, dict):
                fields[name] = spec  # reported by the checks: unknown types table
                continue
            for label, kind in kinds.items():
                # a type is its spellings, or a table {aliases = [...], compare = false} (an unknown type: shown,
                # never compared, since "M 4.5" and "M 5.0" may be two different magnitudes)
                table = kind if isinstance(kind, dict) else {"aliases": kind}
                fields[f"{name}.{label}"] = {**spec, "types": None, "group": name, "label": label,
                                             "aliases": list(table.get("aliases") or []),
                                             **({"compare": table["compare"]} if "compare" in table else {})}
        return {**data, "fields": fields}

    @cached_property
    def _compiled(self) -> Any:
        from .runtime import Runtime

        return Runtime(self)

    def runtime(self) -> Any:
        """The compiled lookup structures (vocabularies, gazetteer, matchers), built once per profile."""
        return self._compiled


def _check(profile: Profile) -> list[str]:
    """Every cross-reference problem of a profile, as 'where: what' lines."""
    problems: list[str] = []
    for zone_field in ("date_zone", "default_zone"):
        problems += _zone_problem(getattr(profile, zone_field), zone_field)
    for code, src in profile.sources.items():
        problems += _zone_problem(src.zone, f"sources.{code}.zone")
    for name, spec in profile.fields.items():
        where = f"fields.{name}"
        if spec.kind == "category" and spec.taxonomy not in profile.taxonomies:
            problems.append(f"{where}.taxonomy: unknown taxonomy {spec.taxonomy!r}")
        if spec.kind == "quantity" and spec.unit not in UNITS:
            problems.append(f"{where}.unit: {spec.unit!r} is not a canonical unit (one of {', '.join(UNITS)})")
        for zone in spec.zones:
            if zone not in profile.zones:
                problems.append(f"{where}.zones: unknown zone {zone!r}")
        problems += _field_problems(profile, name, spec)
    for tname, tax in profile.taxonomies.items():
        if tax.root not in tax.terms:
            problems.append(f"taxonomies.{tname}.root: {tax.root!r} is not a term")
        for code, term in tax.terms.items():
            where = f"taxonomies.{tname}.terms.{code}"
            if term.parent is not None and term.parent not in tax.terms:
                problems.append(f"{where}.parent: unknown term {term.parent!r}")
            problems += [f"{where}.compatible: unknown term {c!r}" for c in term.compatible if c not in tax.terms]
        problems += _cycles({c: t.parent for c, t in tax.terms.items()}, f"taxonomies.{tname}")
    for zname, zspec in profile.zones.items():
        for key in ("mention", "owner", "outside"):
            for pattern in getattr(zspec, key):
                try:
                    re.compile(pattern)
                except re.error as exc:
                    problems.append(f"zones.{zname}.{key}: bad pattern {pattern!r}: {exc}")
    problems += [f"summary: unknown field {name!r}" for name in profile.summary
                 if name not in profile.fields and not any(s.group == name for s in profile.fields.values())]
    problems += _input_problems(profile)
    problems += _clustering_problems(profile)
    problems += _extraction_problems(profile)
    ids = [p.id for p in profile.places]
    problems += [f"places: duplicate id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    known = set(ids)
    problems += [f"places.{p.id}.parent: unknown place {p.parent!r}" for p in profile.places
                 if p.parent is not None and p.parent not in known]
    problems += _cycles({p.id: p.parent for p in profile.places}, "places")
    return problems


def _field_problems(profile: Profile, name: str, spec: FieldSpec) -> list[str]:
    where = f"fields.{name}"
    problems = []
    if spec.types is not None:
        problems.append(f"{where}.types: unknown types table {spec.types!r}")
    if spec.kind == "point" and len(spec.inputs) > 2:
        problems.append(f"{where}.inputs: a position is read from one key or from two (latitude, longitude)")
    if spec.error_unit is not None and spec.error_unit not in UNITS:
        problems.append(f"{where}.error_unit: {spec.error_unit!r} is not a canonical unit (one of {', '.join(UNITS)})")
    if spec.prefer_with is not None:
        leader = profile.fields.get(spec.prefer_with)
        if leader is None or leader.best != "preferred" or spec.best != "preferred":
            problems.append(f"{where}.prefer_with: {spec.prefer_with!r} must be a field with best = \"preferred\", "
                            "as this one")
        elif list(profile.fields).index(spec.prefer_with) > list(profile.fields).index(name):
            problems.append(f"{where}.prefer_with: {spec.prefer_with!r} must come before this field")
    if spec.within is not None:
        part = profile.fields.get(spec.within)
        if part is None or part.kind != "category":
            problems.append(f"{where}.within: {spec.within!r} is not a category field")
    if spec.kind == "category" and spec.taxonomy in profile.taxonomies:
        terms = profile.taxonomies[spec.taxonomy].terms
        problems += [f"{where}.{key}: unknown term {code!r}"
                     for key, codes in (("default", [spec.default] if spec.default else []), ("prefer", spec.prefer))
                     for code in codes if code not in terms]
    return problems


def _input_problems(profile: Profile) -> list[str]:
    """Every key a report may carry feeds one field: a key read by two fields (an error key naming another field,
    two positions reading one latitude) would leave one of them silently without it; and a type's spelling names
    one type."""
    claims: dict[str, set[str]] = {}
    spellings: dict[tuple[str, str], set[str]] = {}
    problems = []
    for name, spec in profile.fields.items():
        owner = spec.group or name
        keys = [name, *spec.inputs, *([spec.error] if spec.error else [])]
        if spec.group is not None:
            keys.append(spec.group)
            if spec.label is not None and "." in spec.label:
                problems.append(f"types.{spec.group}.{spec.label}: a type's name has no dot")
            for spelling in (spec.label or "", *spec.aliases):
                spellings.setdefault((spec.group, spelling), set()).add(spec.label or "")
        for key in keys:
            claims.setdefault(key, set()).add(owner)
    problems += [f"fields: the key {key!r} is read by {' and '.join(sorted(owners))}"
                 for key, owners in claims.items() if len(owners) > 1]
    problems += [f"types.{group}: {spelling!r} is a spelling of {' and '.join(sorted(labels))}"
                 for (group, spelling), labels in spellings.items() if len(labels) > 1]
    return problems


def _clustering_problems(profile: Profile) -> list[str]:
    rules, problems = profile.clustering, []
    if rules.distinct_by is not None:
        part = profile.fields.get(rules.distinct_by)
        if part is None or part.kind != "category":
            problems.append(f"clustering.distinct_by: {rules.distinct_by!r} is not a category field")
    scale = rules.scale
    if scale is None:
        return problems
    scaled = [s for n, s in profile.fields.items() if n == scale.field or s.group == scale.field]
    if not scaled:
        problems.append(f"clustering.scale.field: unknown field {scale.field!r}")
    elif any(s.kind != "quantity" for s in scaled):
        problems.append(f"clustering.scale.field: {scale.field!r} is not a quantity (its figures set the windows)")
    if not scale.at or any(b <= a for a, b in zip(scale.at, scale.at[1:], strict=False)):
        problems.append("clustering.scale.at: expected values in increasing order")
    if scale.missing is not None and scale.at and not scale.at[0] <= scale.missing <= scale.at[-1]:
        problems.append(f"clustering.scale.missing: {scale.missing:g} is outside {scale.at[0]:g}..{scale.at[-1]:g}")
    for name, windows in scale.windows.items():
        spec = profile.fields.get(name)
        if spec is None or spec.kind not in ("time", "point"):
            problems.append(f"clustering.scale.windows.{name}: not a time or point field")
        if len(windows) != len(scale.at):
            problems.append(f"clustering.scale.windows.{name}: {len(windows)} windows for {len(scale.at)} values")
        if any(w <= 0 for w in windows):
            problems.append(f"clustering.scale.windows.{name}: windows must be positive")
        elif spec is not None and spec.kind == "time" and max(windows) > rules.split_gap:
            problems.append(f"clustering.scale.windows.{name}: windows past clustering.split_gap "
                            f"({rules.split_gap:g} s), which bounds every candidate search")
    return problems


def _extraction_problems(profile: Profile) -> list[str]:
    ex = profile.extraction
    problems = [f"extraction.roles.{role}: unknown field {f!r}" for role, f in ex.roles.items()
                if f not in profile.fields]
    problems += [f"extraction.fields.{f}: unknown field" for f in ex.fields if f not in profile.fields]
    if ex.origin_area is not None and ex.origin_area not in {p.id for p in profile.places}:
        problems.append(f"extraction.origin_area: unknown place {ex.origin_area!r}")
    for key in ("cues", "metonyms", "anaphora"):
        problems += [f"extraction.{key}.{code}: unknown source" for code in getattr(ex, key)
                     if code not in profile.sources]
    return problems


def _zone_problem(zone: str, where: str) -> list[str]:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return [f"{where}: unknown time zone {zone!r}"]
    return []


def _cycles(parents: dict[str, str | None], where: str) -> list[str]:
    problems = []
    for start in parents:
        seen: set[str] = set()
        node: str | None = start
        while node is not None and node in parents:
            if node in seen:
                problems.append(f"{where}.{start}: parent chain loops")
                break
            seen.add(node)
            node = parents[node]
    return problems


def parse_profile(text: str, *, places: list[dict[str, Any]] | None = None, where: str = "profile") -> Profile:
    """Build a profile from TOML text and (optionally) a gazetteer's place list. Raises ``ProfileError``
    listing every problem found."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"not valid TOML: {exc}", where=where) from exc
    if places is not None:
        data["places"] = places
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        lines = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise ProfileError("; ".join(lines), where=where) from exc
    problems = _check(profile)
    if problems:
        raise ProfileError("; ".join(problems), where=where)
    return profile


BUILTIN_PROFILES = ("missile_launch", "earthquake")


def load_profile(name_or_path: str | Path = "missile_launch") -> Profile:
    """Load a built-in profile by name (``missile_launch``) or a profile TOML file by path; a gazetteer named in
    the profile is read from beside it."""
    path = Path(name_or_path)
    if str(name_or_path) in BUILTIN_PROFILES:
        base = resources.files("reconcile") / "profiles"
        text = (base / f"{name_or_path}.toml").read_text(encoding="utf-8")
        read_beside = lambda name: (base / name).read_text(encoding="utf-8")  # noqa: E731
    elif path.is_file():
        text = path.read_text(encoding="utf-8")
        read_beside = lambda name: (path.parent / name).read_text(encoding="utf-8")  # noqa: E731
    else:
        builtin = ", ".join(BUILTIN_PROFILES)
        raise ProfileError(f"no built-in profile or file {str(name_or_path)!r}; built-in: {builtin}")
    gazetteer = tomllib.loads(text).get("gazetteer")
    places = None
    if gazetteer:
        try:
            places = json.loads(read_beside(gazetteer))["places"]
        except (OSError, ValueError, KeyError) as exc:
            raise ProfileError(f"cannot read gazetteer {gazetteer!r}: {exc}", where=str(name_or_path)) from exc
    return parse_profile(text, places=places, where=str(name_or_path))

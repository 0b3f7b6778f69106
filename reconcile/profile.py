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

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ProfileError
from .normalise.quantities import UNITS

FieldKind = Literal["time", "quantity", "count", "place", "category"]


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


class ClusteringSpec(_Spec):
    split_gap: float = 1200.0
    threshold: float = 0.0
    non_edge: float = -2.0
    no_time_window: float = 172800.0
    no_time_decay: float = 21600.0


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
    problems += _extraction_problems(profile)
    ids = [p.id for p in profile.places]
    problems += [f"places: duplicate id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    known = set(ids)
    problems += [f"places.{p.id}.parent: unknown place {p.parent!r}" for p in profile.places
                 if p.parent is not None and p.parent not in known]
    problems += _cycles({p.id: p.parent for p in profile.places}, "places")
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


BUILTIN_PROFILES = ("missile_launch",)


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

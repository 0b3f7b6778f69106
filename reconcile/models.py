"""The models the pipeline passes between its stages.

``ReportIn`` is a report as submitted, validated at the boundary with pydantic; so are ``Reject`` and
``BatchResult``. Everything the library builds in between (``Report``, its ``Interval`` and ``Term`` values, an
``Event`` with its ``Consensus`` per field and its ``Conflict`` flags) is a frozen dataclass with slots: made only
by the library, which checks what it puts in them, and made by the million, where a validating constructor would
cost a third of the run time and a ``BaseModel`` instance several times the memory. Pydantic validates and
serialises them like any dataclass (``TypeAdapter(Event)``), and models holding them keep them as they are.
Times are float seconds since the Unix epoch (UTC); quantities are in the profile's canonical unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints


def _scalar_to_str(value: Any) -> Any:
    if isinstance(value, bool):
        return value  # let validation refuse it: True is not an id
    if isinstance(value, int | float):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return value


ReportId = Annotated[
    str, BeforeValidator(_scalar_to_str), StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]
SourceName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Severity = Literal["major", "minor"]


class ReportIn(BaseModel):
    """A report as submitted. Only the envelope is typed; the profile's fields arrive as extras and are
    normalised by the profile's declared kinds. Unknown fields are kept, never rejected."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    id: ReportId
    source: SourceName
    issued_at: str | None = None
    supersedes: Annotated[str | None, BeforeValidator(_scalar_to_str)] = None
    text: str | None = None


ROUNDING = 1e-12  # relative: two ends closer than this are one point (about a millisecond on an epoch time)


@dataclass(slots=True, frozen=True)
class Interval:
    """A numeric value as an interval [lo, hi] with a best estimate, and where it came from.

    ``raw`` is the text as reported, ``rule`` the normalisation rule applied (e.g. ``step:50``,
    ``hedge:about``, ``minute``); ``unit`` the canonical unit (``s`` for times: epoch seconds UTC)."""

    lo: float
    hi: float
    best: float
    unit: str
    raw: str
    rule: str
    assumed: bool = False  # an assumption, not a measurement ("10 km fixed"): shown, never compared

    def __reduce__(self) -> tuple[Any, ...]:  # plain tuples: 3x faster to pickle to and from workers
        return (Interval, (self.lo, self.hi, self.best, self.unit, self.raw, self.rule, self.assumed))

    def overlaps(self, other: Interval) -> bool:
        """Whether the intervals share a point; intervals that touch do ([8.5, 8.9] and [8.9, 9.3]), even where
        floating point puts one end a rounding error past the other (8.7 + 0.2 < 9.1 - 0.2)."""
        return self.gap(other) == 0.0

    def gap(self, other: Interval) -> float:
        """Distance between the two intervals; 0 when they overlap (or touch, to a rounding error)."""
        gap = max(0.0, other.lo - self.hi, self.lo - other.hi)
        return 0.0 if gap <= ROUNDING * max(1.0, abs(self.best), abs(other.best)) else gap


@dataclass(slots=True, frozen=True)
class Term:
    """A categorical value (a place, an event type, a direction): a code of the profile's vocabulary,
    an optional qualifier (e.g. ``outside:japan_eez``), and where it came from."""

    code: str
    raw: str
    rule: str
    qualifier: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        return (Term, (self.code, self.raw, self.rule, self.qualifier))


@dataclass(slots=True, frozen=True)
class Point:
    """A position on the Earth: latitude and longitude in degrees, with the radius (km) within which it is known,
    and where it came from (``raw``: the text or numbers as reported; ``rule``: how the radius was set)."""

    lat: float
    lon: float
    radius: float
    raw: str
    rule: str

    def __reduce__(self) -> tuple[Any, ...]:
        return (Point, (self.lat, self.lon, self.radius, self.raw, self.rule))


Value = Interval | Term | Point
class _Frozen(dict[str, Any]):
    """A dict that refuses changes: the one shared "nothing else" most reports carry as their extras."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("a report's extras are read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]


NO_EXTRA: Mapping[str, Any] = _Frozen()


@dataclass(slots=True, frozen=True)
class Report:
    """A normalised report. ``key`` (source, id) identifies it across the system."""

    id: str
    source: str
    source_raw: str
    issued_at: float | None
    supersedes: str | None
    values: dict[str, Value]
    extra: Mapping[str, Any]
    text: str | None = None
    position: int = 0
    origin: str | None = None
    line: int | None = None
    warnings: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.id)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Report, (self.id, self.source, self.source_raw, self.issued_at, self.supersedes, self.values,
                         dict(self.extra) or None, self.text, self.position, self.origin, self.line, self.warnings))

    def __post_init__(self) -> None:
        if self.extra is None:  # unpickled without extras: back to the one shared empty mapping
            object.__setattr__(self, "extra", NO_EXTRA)


Key = tuple[str, str]


@dataclass(slots=True, frozen=True)
class Constraints:
    """An analyst's overrides of the clustering, as pairs of report keys: ``must`` pairs share an event whatever
    the evidence and the usual hard rules say (a merge); ``cannot`` pairs never do (a split)."""

    must: frozenset[tuple[Key, Key]] = frozenset()
    cannot: frozenset[tuple[Key, Key]] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.must or self.cannot)


@dataclass(slots=True, frozen=True)
class Evidence:
    """The contribution of one field to the decision to join or split two reports."""

    field: str
    weight: float
    reason: str


@dataclass(slots=True, frozen=True)
class PairExplanation:
    """Why two reports were (or would be) joined or kept apart."""

    a: tuple[str, str]
    b: tuple[str, str]
    score: float
    decision: Literal["join", "split"]
    reason: str
    evidence: tuple[Evidence, ...]
    same_event: bool | None = None


@dataclass(slots=True, frozen=True)
class ConflictValue:
    """One source's side of a conflict: the value as reported and as normalised (an interval, a code, or a
    position with its radius)."""

    report: str
    source: str
    value: str
    low: float | None = None
    high: float | None = None
    code: str | None = None
    qualifier: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius: float | None = None


@dataclass(slots=True, frozen=True)
class Conflict:
    """Sources disagree on ``field`` beyond what their own precision allows."""

    field: str
    severity: Severity
    message: str
    values: tuple[ConflictValue, ...]


@dataclass(slots=True, frozen=True)
class Consensus:
    """The reconciled value of one field: best, low, high (numeric) or a code (categorical)."""

    field: str
    agree: bool
    sources: tuple[str, ...]
    best: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    code: str | None = None
    qualifier: str | None = None
    lat: float | None = None  # positions: the consensus point and its radius (km)
    lon: float | None = None
    radius: float | None = None
    text: str | None = None  # text fields: the most reported text
    preferred: str | None = None  # the report whose value is the best one, when the field prefers a solution
    reason: str | None = None  # why that report (or why this best value)


@dataclass(slots=True, frozen=True)
class Revision:
    """An earlier report of a source, kept in the event's history, with what its successor changed."""

    report: str
    source: str
    superseded_by: str
    changes: dict[str, tuple[str | None, str | None]]


@dataclass(slots=True, frozen=True)
class Link:
    """An edge of the tree of strongest links that holds an event together."""

    a: tuple[str, str]
    b: tuple[str, str]
    score: float


@dataclass(slots=True, frozen=True)
class Event:
    id: str
    reports: tuple[Report, ...]
    current: tuple[str, ...]  # ids of the latest revision of each source, in report order
    consensus: dict[str, Consensus]
    conflicts: tuple[Conflict, ...]
    history: tuple[Revision, ...]
    links: tuple[Link, ...] = ()


class Reject(BaseModel):
    """An input record that could not be used, with every reason."""

    file: str | None = None
    line: int | None = None
    id: str | None = None
    source: str | None = None
    errors: list[dict[str, Any]]
    record: Any = None


class BatchResult(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    profile: str
    events: list[Event] = Field(default_factory=list)
    rejects: list[Reject] = Field(default_factory=list)

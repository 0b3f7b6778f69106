"""The whole pipeline, top-down: normalise -> candidates -> score -> cluster -> reconcile.

``reconcile_reports`` takes records (dicts, or ``InputRecord`` with their position in a file) and a profile and
returns every event and every reject: each input record ends up in exactly one of the two.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import networkx as nx
import numpy as np
import orjson

from .cluster.evidence import CANNOT_LINK, MUST_LINK, comparators, score_pairs
from .cluster.features import build_features, lineage_numbers, lineages, time_bounds
from .cluster.graph import cluster, component_labels, scored_edges
from .consensus import reconcile_event
from .errors import FieldProblem, ReportError
from .models import BatchResult, Constraints, Event, Evidence, Interval, Link, PairExplanation, Reject, Report
from .normalise import normalise_report
from .profile import Profile

Progress = Callable[[str, int], None]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class InputRecord:
    """A record with where it came from; ``error`` set when the line could not even be parsed; ``text`` the
    line itself when its parsing was deferred to normalisation (see ``formats.read_jsonl``)."""

    data: Any
    origin: str | None = None
    line: int | None = None
    error: str | None = None
    text: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:  # a plain tuple: twice as fast to send to a worker as the default
        return InputRecord, (self.data, self.origin, self.line, self.error, self.text)

    def parsed(self) -> InputRecord:
        if self.text is None:
            return self
        from .formats import parse_line

        return parse_line(self.text, self.origin, self.line)


def _reject(err: ReportError) -> Reject:
    return Reject(file=err.file, line=err.line, id=err.report_id, source=err.source,
                  errors=[p.as_dict() for p in err.problems], record=err.record)


Chunk = list[tuple[int, InputRecord]]
ChunkResult = list[tuple[int, "Report | Reject", int]]
NormaliseMap = Callable[[Iterable[Chunk]], Iterable[ChunkResult]]
CHUNK = 2_000


def normalise_chunk(chunk: Chunk, profile: Profile) -> ChunkResult:
    """Normalise a chunk of (position, record): each becomes a ``Report`` or a ``Reject``, with a digest of the
    record's content (to tell a repeated report from a different one under the same id). Pure, so that a caller
    may run chunks in parallel processes."""
    out: ChunkResult = []
    for position, sent in chunk:
        rec = sent.parsed()
        if rec.error is not None:
            out.append((position, _record_reject(rec, rec.error), 0))
            continue
        try:
            report = normalise_report(rec.data, profile, position=position, origin=rec.origin, line=rec.line)
        except ReportError as err:
            out.append((position, _reject(err), 0))
            continue
        except Exception as exc:  # noqa: BLE001 - a reader's bug must cost one record, never the whole batch
            reason = f"could not be read ({type(exc).__name__}: {exc}); please report this record"
            out.append((position, _record_reject(rec, reason), 0))
            continue
        out.append((position, report, _digest(rec.data)))
    return out


def _record_reject(rec: InputRecord, reason: str) -> Reject:
    """A record refused as a whole (not JSON, not an object, unreadable), with the id and source it names if any."""
    data = rec.data if isinstance(rec.data, dict) else {}
    return Reject(file=rec.origin, line=rec.line, id=_text(data.get("id")), source=_text(data.get("source")),
                  errors=[{"field": "record", "reason": reason}], record=rec.data)


def _text(value: Any) -> str | None:
    return None if value is None or isinstance(value, dict | list) else str(value)


def _digest(data: Any) -> int:
    """A digest of a record's content, the same in every process (unlike ``hash``, which is salted per process)."""
    try:
        blob = orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    except TypeError:
        blob = repr(data).encode()
    return int.from_bytes(hashlib.blake2b(blob, digest_size=8).digest(), "big")


def _chunks(records: Iterable[Any]) -> Iterator[Chunk]:
    chunk: Chunk = []
    for position, item in enumerate(records):
        chunk.append((position, item if isinstance(item, InputRecord) else InputRecord(item)))
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Ledger:
    """Which normalised reports are admitted, in input order: the first report under each (source, id); a later
    one is rejected as a duplicate of it (same content) or as a clash (different content under the same id)."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], tuple[str | None, int | None, int]] = {}
        self.rejects: list[Reject] = []

    def admit(self, key: tuple[str, str], origin: str | None, line: int | None, digest: int,
              record: Callable[[], Any]) -> bool:
        """True for the first report under ``key``; otherwise a reject is kept, with ``record()`` as its record."""
        first = self.seen.get(key)
        if first is None:
            self.seen[key] = (origin, line, digest)
            return True
        where = ":".join(str(p) for p in first[:2] if p is not None) or "earlier"
        reason = (f"duplicate of the report at {where}" if first[2] == digest
                  else f"id already used by another report of {key[0]} at {where} with different content")
        self.rejects.append(_reject(ReportError([FieldProblem("id", reason, key[1])], report_id=key[1],
                                                source=key[0], file=origin, line=line, record=record())))
        return False


def normalise_all(records: Iterable[Any], profile: Profile, progress: Progress | None = None, *,
                  normalise_map: NormaliseMap | None = None) -> tuple[list[Report], list[Reject]]:
    """Normalise every record; the unusable ones (malformed, unparseable, duplicate ids) become rejects.
    ``normalise_map`` maps ``normalise_chunk`` over chunks (in order), e.g. in a process pool; by default here."""
    reports: list[Report] = []
    ledger = Ledger()
    mapped = normalise_map or (lambda chunks: (normalise_chunk(c, profile) for c in chunks))
    for chunk, result in mapped_chunks(records, mapped):
        if progress is not None:
            progress("normalise", len(result))
        for position, item, digest in result:
            if isinstance(item, Reject):
                ledger.rejects.append(item)
            elif ledger.admit(item.key, item.origin, item.line, digest, record_of(chunk, position)):
                reports.append(item)
    return reports, ledger.rejects


def record_of(chunk: dict[int, InputRecord], position: int) -> Callable[[], Any]:
    return lambda: chunk[position].parsed().data


def mapped_chunks(records: Iterable[Any], mapper: Callable[[Iterable[Chunk]], Iterable[T]]
                  ) -> Iterator[tuple[dict[int, InputRecord], T]]:
    """``records`` in chunks through ``mapper`` (which keeps their order): each result with its chunk's records
    by position (a rejected duplicate keeps its record). Only the chunks in flight are held."""
    in_flight: deque[Chunk] = deque()

    def sent() -> Iterator[Chunk]:
        for chunk in _chunks(records):
            in_flight.append(chunk)
            yield chunk

    for result in mapper(sent()):
        yield dict(in_flight.popleft()), result


@dataclass(slots=True)
class ChunkSummary:
    """What deciding a large batch's blocks needs of a normalised chunk, without its reports: per report, its
    position, key, the id it supersedes, where it was read, its content digest and the interval the sweep places it
    on; and the chunk's rejects. (The reports themselves can then stay serialised until a block needs them.)"""

    positions: list[int]
    keys: list[tuple[str, str]]
    supersedes: list[str | None]
    origins: list[tuple[str | None, int | None]]
    digests: list[int]
    t_lo: np.ndarray
    t_hi: np.ndarray
    rejects: list[tuple[int, Reject]]


def summarise_chunk(result: ChunkResult, profile: Profile) -> ChunkSummary:
    reports = [(p, r, d) for p, r, d in result if isinstance(r, Report)]
    t_lo, t_hi = time_bounds([r for _, r, _ in reports], profile)
    return ChunkSummary(
        positions=[p for p, _, _ in reports], keys=[r.key for _, r, _ in reports],
        supersedes=[r.supersedes for _, r, _ in reports], origins=[(r.origin, r.line) for _, r, _ in reports],
        digests=[d for _, _, d in reports], t_lo=t_lo, t_hi=t_hi,
        rejects=[(p, r) for p, r, _ in result if isinstance(r, Reject)])


def event_id(reports: Iterable[Report]) -> str:
    """A stable id: the hash of the event's first report key, whatever order the input came in."""
    first = min(r.key for r in reports)
    return "E-" + hashlib.sha1(f"{first[0]}\x1f{first[1]}".encode()).hexdigest()[:12]


def cluster_reports(reports: list[Report], profile: Profile, progress: Progress | None = None, *,
                    constraints: Constraints | None = None) -> list[list[Report]]:
    """Group normalised reports into events (lists of reports), under an analyst's ``constraints`` if any."""
    return [g for _, g in _cluster(reports, profile, progress, constraints, labels=False)]


def independent_blocks(reports: list[Report], profile: Profile, parts: int) -> list[list[int]]:
    """Report indices in up to ``parts`` blocks of similar size that share no candidate pair and no revision link,
    so that clustering each block alone gives the events of clustering all together (see ``cut_blocks``)."""
    t_lo, t_hi = time_bounds(reports, profile)
    return [b.tolist() for b in cut_blocks(t_lo, t_hi, lineages(reports), profile.clustering.split_gap, parts)]


def cut_blocks(t_lo: np.ndarray, t_hi: np.ndarray, lineage: np.ndarray, split_gap: float,
               parts: int) -> list[np.ndarray]:
    """Indices in up to ``parts`` blocks of similar size, cut at quiet times: where every report before the cut ends
    ``split_gap`` before the next one starts (the sweep's own rule) and no lineage has revisions on both sides.
    Each block lists its indices in increasing order, as the whole input has them: every tie-break inside a
    component is decided as it would be in one piece. Blocks come in time order: every report of a block ends
    before any report of the next one starts."""
    n = len(t_lo)
    if n == 0:
        return []
    order = np.argsort(t_lo, kind="stable")
    with np.errstate(invalid="ignore"):
        reach = np.maximum.accumulate(t_hi[order] + split_gap)
    safe = reach[:-1] < t_lo[order][1:]  # a cut between sorted positions k and k + 1
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    first = np.full(n, n, dtype=np.int64)
    last = np.full(n, -1, dtype=np.int64)
    np.minimum.at(first, lineage, position)
    np.maximum.at(last, lineage, position)
    spread = first < last  # lineages with revisions at several places in time
    crossing = np.zeros(n + 1, dtype=np.int64)
    np.add.at(crossing, first[spread], 1)
    np.add.at(crossing, last[spread], -1)
    safe &= np.cumsum(crossing)[: n - 1] == 0  # no lineage has a member at or before k and one after it
    candidates = np.flatnonzero(safe)
    cuts: list[int] = []
    for k in range(1, parts):
        if not len(candidates):
            break
        target = k * n // parts
        cut = int(candidates[np.argmin(np.abs(candidates - target))]) + 1
        if (not cuts or cut > cuts[-1]) and 0 < cut < n:
            cuts.append(cut)
    return [np.sort(part) for part in np.split(order, cuts) if len(part)]


def summary_blocks(keys: list[tuple[str, str]], supersedes: list[str | None], t_lo: np.ndarray, t_hi: np.ndarray,
                   profile: Profile, parts: int) -> list[np.ndarray]:
    """``independent_blocks`` from the reports' summaries (``ChunkSummary``) rather than the reports: indices into
    ``keys``, block by block in time order. (The blocks are those of the reports in key order: cuts fall only
    between distinct start times, where the order of ties does not matter.)"""
    lineage = lineage_numbers(keys, supersedes)
    return cut_blocks(t_lo, t_hi, lineage, profile.clustering.split_gap, parts)


def cluster_components(reports: list[Report], profile: Profile, progress: Progress | None = None, *,
                       constraints: Constraints | None = None) -> list[tuple[int, list[Report]]]:
    """Like ``cluster_reports``, each group with the index (into ``reports``) of the first report of its
    connected component: groups of one component were decided together, those of different components were not
    (an incremental update recomputes whole components, see ``incremental``)."""
    return _cluster(reports, profile, progress, constraints, labels=True)


def _cluster(reports: list[Report], profile: Profile, progress: Progress | None, constraints: Constraints | None, *,
             labels: bool) -> list[tuple[int, list[Report]]]:
    if not reports:
        return []
    feats = build_features(reports, profile)
    comps = comparators(profile)
    a, b, w = scored_edges(feats, comps, profile,
                           progress=None if progress is None else (lambda k: progress("cluster", k)))
    cannot = None
    if constraints:
        index = {r.key: i for i, r in enumerate(reports)}
        must = [(index[x], index[y]) for x, y in constraints.must if x in index and y in index]
        if must:
            ma, mb = np.array(must, dtype=np.int64).T
            a, b, w = np.concatenate([a, ma]), np.concatenate([b, mb]), np.concatenate([w, np.full(len(ma), MUST_LINK)])
        split = [(index[x], index[y]) for x, y in constraints.cannot if x in index and y in index]
        if split:
            ca, cb = np.array(split, dtype=np.int64).T
            cannot = (ca, cb)
    groups = cluster(feats, a, b, w, profile, cannot=cannot)
    if not labels:
        return [(0, [reports[i] for i in g]) for g in groups]
    label = component_labels(feats, a, b, w)
    return [(int(label[g[0]]), [reports[i] for i in g]) for g in groups]


def build_event(members: list[Report], profile: Profile, *, links: bool = False) -> Event:
    members = sorted(members, key=lambda r: r.key)
    consensus, conflicts, history, current = reconcile_event(members, profile)
    return Event(
        id=event_id(members), reports=tuple(members), current=tuple(r.id for r in current),
        consensus=consensus, conflicts=tuple(conflicts), history=tuple(history),
        links=event_links(members, profile) if links else (),
    )


def _in_output_order(groups: list[list[Report]], profile: Profile) -> list[list[Report]]:
    time_field = profile.runtime().time_field
    groups.sort(key=lambda g: (_earliest(g, time_field), event_id(g)))
    return groups


def plan_events(records: Iterable[Any], profile: Profile, *, progress: Progress | None = None,
                normalise_map: NormaliseMap | None = None) -> tuple[list[list[Report]], list[Reject]]:
    """Normalise and cluster: the reports of every event, in output order (by the earliest time reported in the
    event, then id), and the rejects. Reconciling each group is then independent of every other."""
    reports, rejects = normalise_all(records, profile, progress, normalise_map=normalise_map)
    return plan_reports(reports, profile, progress=progress), rejects


def plan_reports(reports: list[Report], profile: Profile, *, progress: Progress | None = None) -> list[list[Report]]:
    """``plan_events`` of reports normalised already (and admitted: one per key). For the reports of one
    independent block (``cut_blocks``): exactly the groups, in the order, that the whole batch gives them."""
    reports = sorted(reports, key=lambda r: r.key)  # downstream order, so every tie-break, is independent of input
    return _in_output_order(cluster_reports(reports, profile, progress), profile)


def _earliest(group: list[Report], time_field: str | None) -> float:
    times = [v.lo for r in group if isinstance(v := r.values.get(time_field or ""), Interval)]
    if not times:
        times = [r.issued_at for r in group if r.issued_at is not None]
    return min(times, default=float("inf"))


def reconcile_reports(records: Iterable[Any], profile: Profile, *, progress: Progress | None = None,
                      links: bool = False, normalise_map: NormaliseMap | None = None) -> BatchResult:
    """Normalise, cluster and reconcile ``records``. Every record ends up in one event or in ``rejects``.
    ``progress(stage, n)`` is called as work advances; ``links`` adds to each event the strongest pairwise
    links that hold it together. Events come in order of the earliest time reported in each."""
    groups, rejects = plan_events(records, profile, progress=progress, normalise_map=normalise_map)
    events = []
    for k, group in enumerate(groups):
        events.append(build_event(group, profile, links=links))
        if progress is not None and k % 10_000 == 9_999:
            progress("reconcile", 10_000)
    return BatchResult(profile=profile.name, events=events, rejects=rejects)


def pair_evidence(a: Report, b: Report, profile: Profile) -> tuple[float, tuple[Evidence, ...]]:
    """Per-field evidence for two reports, computed by the same vectorised code the clustering uses."""
    feats = build_features([a, b], profile)
    ia, ib = np.array([0]), np.array([1])
    evidence = []
    for comp in comparators(profile):
        if profile.fields[comp.name].group is not None and comp.name not in a.values and comp.name not in b.values:
            continue  # a type neither reports (of the dozen magnitude types, most): nothing to say
        weight = float(comp.weights(feats, ia, ib)[0])
        evidence.append(Evidence(comp.name, weight, comp.reason(feats, 0, 1, weight)))
    score = float(score_pairs(feats, ia, ib, comparators(profile))[0])
    return score, tuple(evidence)


def explain_pair(a: Report, b: Report, profile: Profile, *, same_event: bool | None = None) -> PairExplanation:
    """Why two reports join or stay apart: each field's evidence, the total, and the deciding rule."""
    score, evidence = pair_evidence(a, b, profile)
    threshold = profile.clustering.threshold
    if score >= MUST_LINK / 2:
        reason = "one report revises the other (supersedes): always the same event"
    elif profile.runtime().identity(a) == profile.runtime().identity(b):
        kind = f" ({profile.runtime().identity(a)[1]}s)" if profile.clustering.distinct_by else ""
        reason = f"two reports of {a.source}{kind} that do not revise each other never share an event"
    elif score <= CANNOT_LINK / 2:
        reason = next((e.reason for e in evidence if e.weight <= CANNOT_LINK / 2), "hard split")
    elif score > threshold:
        reason = f"evidence {score:+.2f} above the threshold {threshold:+.2f}"
    else:
        reason = f"evidence {score:+.2f} at or below the threshold {threshold:+.2f}"
    decision: Literal["join", "split"] = "join" if score > threshold else "split"
    if same_event is not None and (same_event != (decision == "join")):
        reason += ("; joined through the other reports of the event" if same_event
                   else "; kept apart by average linkage with the other reports (or by a source already present)")
    return PairExplanation(a.key, b.key, score, decision, reason, evidence, same_event)


def event_links(members: list[Report], profile: Profile) -> tuple[Link, ...]:
    """The maximum spanning tree of pairwise evidence over an event's reports: the links that hold it together."""
    if len(members) < 2:
        return ()
    feats = build_features(members, profile)
    ia, ib = np.triu_indices(len(members), k=1)
    w = score_pairs(feats, ia, ib, comparators(profile))
    g = nx.Graph()
    g.add_weighted_edges_from(zip(ia.tolist(), ib.tolist(), w.tolist(), strict=True))
    tree = nx.maximum_spanning_tree(g)
    return tuple(Link(members[x].key, members[y].key, float(d["weight"]))
                 for x, y, d in sorted(tree.edges(data=True)))

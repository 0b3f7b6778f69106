"""The store: every read and write of the service, each write one serialised transaction (``Database.write``).

Submitting reports runs the incremental update of ``reconcile.incremental``: find the stored reports the new ones
can link to (a window on time, plus revisions and analyst links), take their whole components, cluster them again
with the new reports, and rewrite the events of those components only. Event ids are stable: a group keeps the id
of the oldest event it holds most of; an event absorbed by a merge keeps its row and redirects to the survivor.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, and_, delete, exists, func, insert, or_, select, tuple_, update

from reconcile.errors import ReportError
from reconcile.export import event_dict, report_dict
from reconcile.incremental import merge_windows, pair_key, restrict, search_window, time_span, touched
from reconcile.models import Constraints, Key, Report
from reconcile.normalise import normalise_report
from reconcile.pipeline import build_event, cluster_components, event_id, event_links, explain_pair
from reconcile.profile import Profile

from .db import Database
from .tables import AuditRow, ConflictRow, ConstraintRow, EventRow, MetaRow, ReportRow

SYSTEM = "engine"
IN_CHUNK = 400  # keys per IN (...) list


# ------------------------------------------------------------------------------------------------ errors


class StoreError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, problems: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class InvalidReports(StoreError):
    status, code = 422, "invalid_report"


class IdConflict(StoreError):
    status, code = 409, "id_conflict"


class Forbidden(StoreError):
    status, code = 403, "forbidden"


class NotFound(StoreError):
    status, code = 404, "not_found"


class Invalid(StoreError):
    status, code = 422, "invalid_request"


@dataclass
class Moved(Exception):
    """The event was merged into another: ``target`` answers for it."""

    target: str


# ------------------------------------------------------------------------------------------------ results


@dataclass
class Submitted:
    reports: list[dict[str, Any]] = field(default_factory=list)  # source, id, status, event
    created: list[dict[str, Any]] = field(default_factory=list)  # conflicts this submission raised
    cleared: list[dict[str, Any]] = field(default_factory=list)  # conflicts it cleared
    events: list[str] = field(default_factory=list)  # the events it changed
    rejects: list[dict[str, Any]] = field(default_factory=list)  # batch mode: records refused, with reasons

    def as_dict(self) -> dict[str, Any]:
        return {"reports": self.reports, "conflicts_created": self.created, "conflicts_cleared": self.cleared,
                "events_changed": self.events}


@dataclass
class _Incoming:
    index: int
    record: dict[str, Any]
    report: Report
    digest: str
    raw: str
    line: int | None = None
    repeat: bool = False  # the same report (same content) again within one submission


def _digest(record: Any) -> str:
    blob = orjson.dumps(record, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.blake2b(blob, digest_size=16).hexdigest()


def _signature(conflict: dict[str, Any]) -> str:
    values = sorted((v["source"], v["report"], v["value"]) for v in conflict["values"])
    return hashlib.blake2b(orjson.dumps([conflict["field"], values]), digest_size=16).hexdigest()


def search_text(doc: dict[str, Any]) -> str:
    """What the event list's search matches, lower-cased: the event's id, its reports' ids and sources as given,
    and every categorical value (places, types, directions) as reported and as coded, with consensus names."""
    words: list[str] = [doc["id"]]
    for r in doc["reports"]:
        words += [r["id"], r["source"], r.get("source_raw") or ""]
        for v in r["values"].values():
            if "code" in v:
                words += [v.get("raw") or "", v.get("code") or ""]
    for v in doc.values():
        if isinstance(v, dict) and "code" in v:
            words += [v.get("name") or "", v.get("label") or ""]
    return " ".join(dict.fromkeys(w for w in words if w)).lower()


def _chunks(seq: Sequence[Any], n: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


# ------------------------------------------------------------------------------------------------ the store


class Store:
    def __init__(self, db: Database, profile: Profile, *, cache_size: int = 200_000) -> None:
        self.db = db
        self.profile = profile
        self._cache: OrderedDict[tuple[int, str], Report] = OrderedDict()
        self._cache_size = cache_size
        rt = profile.runtime()
        self._time_field = rt.time_field
        self._type_field = "event_type" if "event_type" in profile.fields else None
        # the fields an event list shows (a typed field: each of its types, in the profile's order)
        self._summary = [name for wanted in profile.summary for name, spec in profile.fields.items()
                         if name == wanted or spec.group == wanted]

    # -------------------------------------------------------------------------------- normalisation

    def normalise(self, records: Sequence[Any], *, origin: str | None = None,
                  lines: Sequence[int | None] | None = None) -> tuple[list[_Incoming], list[dict[str, Any]]]:
        """Normalise submitted records; returns the usable ones and the problems of the others (by record)."""
        ok: list[_Incoming] = []
        problems: list[dict[str, Any]] = []
        for k, record in enumerate(records):
            line = lines[k] if lines is not None else None
            try:
                report = normalise_report(record, self.profile, position=k, origin=origin, line=line)
            except ReportError as err:
                for p in err.problems:
                    problems.append({"record": k, "line": line, "id": err.report_id, "source": err.source,
                                     **p.as_dict()})
                continue
            raw = orjson.dumps(record).decode()
            ok.append(_Incoming(k, record, report, _digest(record), raw, line))
        return ok, problems

    def _report(self, pk: int, digest: str, raw: str) -> Report:
        key = (pk, digest)
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        report = normalise_report(orjson.loads(raw), self.profile)
        self._cache[key] = report
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return report

    def canonical_source(self, name: str) -> str:
        """The canonical code of an agency name, as the normaliser resolves it ("防衛省" -> "JMOD")."""
        return self.profile.runtime().source(name)[0]

    # -------------------------------------------------------------------------------- submitting

    def submit(self, records: Sequence[Any], *, actor: str, allowed: set[str] | frozenset[str] | None = None,
               batch_id: str | None = None, lines: Sequence[int | None] | None = None,
               origin: str | None = None, lenient: bool = False) -> Submitted:
        """Store and reconcile reports. Strict (the API): any invalid record, a source the key may not submit
        as, or an id reused with other content refuses the whole submission. ``lenient`` (batches): those
        records become rejects and the others are stored."""
        incoming, rejects = self.prepare(records, allowed=allowed, lines=lines, origin=origin, lenient=lenient)
        result = self.db.write(lambda conn: self.apply(conn, incoming, actor=actor, batch_id=batch_id,
                                                       lenient=lenient))
        result.rejects = rejects + result.rejects
        return result

    def prepare(self, records: Sequence[Any], *, allowed: set[str] | frozenset[str] | None = None,
                lines: Sequence[int | None] | None = None, origin: str | None = None,
                lenient: bool = False) -> tuple[list[_Incoming], list[dict[str, Any]]]:
        """The part of a submission that needs no database: normalisation and the checks on each record alone.
        Returns the records to apply and (lenient) the rejects."""
        incoming, problems = self.normalise(records, origin=origin, lines=lines)
        rejects: list[dict[str, Any]] = []
        if problems:
            if not lenient:
                raise InvalidReports(f"{len({p['record'] for p in problems})} of {len(records)} report(s) are "
                                     "invalid", problems)
            by_record: dict[int, list[dict[str, Any]]] = defaultdict(list)
            for p in problems:
                by_record[p["record"]].append(p)
            for ps in by_record.values():
                rejects.append({"line": ps[0]["line"], "id": ps[0]["id"], "source": ps[0]["source"],
                                "errors": [{"field": p["field"], "reason": p["reason"]} for p in ps]})
        if allowed is not None:
            refused = [i for i in incoming if i.report.source not in allowed]
            if refused and not lenient:
                names = ", ".join(sorted({i.report.source for i in refused}))
                raise Forbidden(f"this key may not submit reports of {names}",
                                [{"record": i.index, "id": i.report.id, "source": i.report.source,
                                  "field": "source", "reason": "not a source of this key"} for i in refused])
            for i in refused:
                rejects.append({"line": i.line, "id": i.report.id, "source": i.report.source,
                                "errors": [{"field": "source", "reason": "not a source of the uploader's key"}]})
            incoming = [i for i in incoming if i.report.source in allowed]
        # one submission naming a report twice: the same content once; other content is an id conflict
        unique: dict[Key, _Incoming] = {}
        dupes: list[tuple[_Incoming, str]] = []
        for i in incoming:
            prev = unique.get(i.report.key)
            if prev is None:
                unique[i.report.key] = i
            elif prev.digest == i.digest:
                i.repeat = True  # answered as "unchanged", like the same report sent again later
            else:
                dupes.append((i, f"id already used in this submission (record {prev.index}) with other content"))
        if dupes and not lenient:
            raise IdConflict("a report id is used twice with different content",
                             [{"record": i.index, "id": i.report.id, "source": i.report.source, "field": "id",
                               "reason": why} for i, why in dupes])
        for i, why in dupes:
            rejects.append({"line": i.line, "id": i.report.id, "source": i.report.source,
                            "errors": [{"field": "id", "reason": why}]})
        return [i for i in incoming if i.repeat or unique.get(i.report.key) is i], rejects

    def apply(self, conn: Connection, incoming: list[_Incoming], *, actor: str, batch_id: str | None = None,
              lenient: bool = False) -> Submitted:
        """Within a write transaction: store prepared records and reconcile what they touch."""
        out = Submitted()
        now = time.time()
        existing = self._rows_by_key(conn, [i.report.key for i in incoming])
        fresh: list[_Incoming] = []
        replaced: dict[Key, Any] = {}
        conflicts: list[tuple[_Incoming, str]] = []
        status: dict[Key, str] = {}
        for i in incoming:
            if i.repeat:
                continue
            row = existing.get(i.report.key)
            if row is None:
                fresh.append(i)
                status[i.report.key] = "created"
            elif row.digest == i.digest:
                status[i.report.key] = "unchanged"
            elif isinstance(i.record, dict) and str(i.record.get("supersedes", "")).strip() == i.report.id:
                fresh.append(i)
                replaced[i.report.key] = row
                status[i.report.key] = "replaced"
            else:
                conflicts.append((i, f"{i.report.source} report {i.report.id!r} already exists with different "
                                     "content; to correct it, submit it with \"supersedes\" set to its own id, "
                                     "or submit a new id that supersedes it"))
        if conflicts and not lenient:
            raise IdConflict("report id already used with different content",
                             [{"record": i.index, "id": i.report.id, "source": i.report.source, "field": "id",
                               "reason": why} for i, why in conflicts])
        for i, why in conflicts:
            out.rejects.append({"line": i.line, "id": i.report.id, "source": i.report.source,
                                "errors": [{"field": "id", "reason": why}]})
            status.pop(i.report.key, None)
        if fresh:
            max_width = self._insert(conn, fresh, replaced, actor, batch_id, now)
            self._update_around(conn, [i.report for i in fresh], max_width,
                                {row.component for row in replaced.values()}, actor, now, out,
                                reason={"action": "reports_added"})
        answered = [i for i in incoming if i.report.key in status]
        events = self._event_ids_of(conn, [i.report.key for i in answered])
        out.reports = [{"source": i.report.source, "id": i.report.id,
                        "status": "unchanged" if i.repeat else status[i.report.key], "event": events.get(i.report.key)}
                       for i in sorted(answered, key=lambda i: i.index)]
        return out

    def _rows_by_key(self, conn: Connection, keys: Sequence[Key]) -> dict[Key, Any]:
        out: dict[Key, Any] = {}
        for part in _chunks(list(set(keys))):
            rows = conn.execute(select(ReportRow.pk, ReportRow.source, ReportRow.report_id, ReportRow.digest,
                                       ReportRow.raw, ReportRow.component, ReportRow.event_pk)
                                .where(tuple_(ReportRow.source, ReportRow.report_id).in_(list(part))))
            for r in rows:
                out[(r.source, r.report_id)] = r
        return out

    def _event_ids_of(self, conn: Connection, keys: Sequence[Key]) -> dict[Key, str]:
        out: dict[Key, str] = {}
        for part in _chunks(list(set(keys))):
            rows = conn.execute(select(ReportRow.source, ReportRow.report_id, EventRow.id)
                                .join(EventRow, EventRow.pk == ReportRow.event_pk)
                                .where(tuple_(ReportRow.source, ReportRow.report_id).in_(list(part))))
            for r in rows:
                out[(r.source, r.report_id)] = r.id
        return out

    def _insert(self, conn: Connection, fresh: list[_Incoming], replaced: dict[Key, Any], actor: str,
                batch_id: str | None, now: float) -> float:
        """Store the fresh rows (or replace the stored versions); returns the widest time span now stored."""
        width = 0.0
        new_rows = []
        for i in fresh:
            lo, hi = time_span(i.report, self.profile)
            if math.isfinite(hi - lo):
                width = max(width, hi - lo)
            values = {"source": i.report.source, "report_id": i.report.id, "digest": i.digest, "raw": i.raw,
                      "supersedes": i.report.supersedes, "t_lo": lo, "t_hi": hi}
            old = replaced.get(i.report.key)
            if old is not None:
                conn.execute(update(ReportRow).where(ReportRow.pk == old.pk).values(**values, received_at=now,
                                                                                    submitted_by=actor))
                conn.execute(insert(AuditRow).values(
                    event_id=self._event_id_by_pk(conn, old.event_pk) or "", actor=actor, action="report_replaced",
                    detail=orjson.dumps({"report": list(i.report.key), "previous": orjson.loads(old.raw)}).decode(),
                    at=now))
            else:
                new_rows.append({**values, "component": 0, "batch_id": batch_id, "submitted_by": actor,
                                 "received_at": now})
        if new_rows:
            conn.execute(insert(ReportRow), new_rows)
        current = conn.execute(select(MetaRow.value).where(MetaRow.key == "max_width")).scalar()
        if current is None:
            conn.execute(insert(MetaRow).values(key="max_width", value=width))
        elif width > current:
            conn.execute(update(MetaRow).where(MetaRow.key == "max_width").values(value=width))
        return max(width, current or 0.0)

    def _event_id_by_pk(self, conn: Connection, pk: int | None) -> str | None:
        if pk is None:
            return None
        return conn.execute(select(EventRow.id).where(EventRow.pk == pk)).scalar()

    # -------------------------------------------------------------------------------- the incremental update

    def _update_around(self, conn: Connection, fresh: list[Report], max_width: float, extra_comps: set[int],
                       actor: str, now: float, out: Submitted, *, reason: dict[str, Any]) -> None:
        """Re-cluster the components the ``fresh`` (already stored) reports touch, and rewrite their events.
        ``max_width``: the widest time span stored, which bounds the window query."""
        fresh_keys = {r.key for r in fresh}
        spans = {r.key: time_span(r, self.profile) for r in fresh}
        windows = merge_windows(search_window(s, self.profile, max_width) for s in spans.values())
        gap = self.profile.clustering.split_gap
        low_end = min((s[0] for s in spans.values()), default=math.inf) - gap
        cols = (ReportRow.pk, ReportRow.source, ReportRow.report_id, ReportRow.digest, ReportRow.raw,
                ReportRow.component, ReportRow.event_pk, ReportRow.t_hi)
        nearby: dict[Key, Any] = {}
        for lo, hi in windows:
            for r in conn.execute(select(*cols).where(ReportRow.t_lo >= lo, ReportRow.t_lo <= hi,
                                                      ReportRow.t_hi >= low_end)):
                nearby[(r.source, r.report_id)] = r
        # revisions, wherever they lie in time: what a fresh report supersedes and what supersedes it
        rel = [(r.source, r.supersedes) for r in fresh if r.supersedes is not None]
        for part in _chunks(rel):
            for r in conn.execute(select(*cols).where(tuple_(ReportRow.source, ReportRow.report_id).in_(list(part)))):
                nearby[(r.source, r.report_id)] = r
        for part in _chunks(sorted(fresh_keys)):
            for r in conn.execute(select(*cols).where(tuple_(ReportRow.source, ReportRow.supersedes)
                                                      .in_(list(part)))):
                nearby[(r.source, r.report_id)] = r
        constraints = self._constraints(conn, set(nearby) | fresh_keys)
        for x, y in constraints.must:  # analyst links, wherever they lie in time
            for k in (x, y):
                if k not in nearby:
                    row = self._rows_by_key(conn, [k]).get(k)
                    if row is not None:
                        nearby[k] = row
        others = [(k, row) for k, row in nearby.items() if k not in fresh_keys]
        reached = touched(fresh, [self._report(row.pk, row.digest, row.raw) for _, row in others], self.profile,
                          constraints)
        comps = {others[i][1].component for i in reached}
        comps |= extra_comps  # the components of the reports replaced in place
        self._recluster(conn, comps, fresh_keys, actor, now, out, reason=reason)

    def _recluster(self, conn: Connection, comps: set[int], extra_keys: set[Key], actor: str, now: float,
                   out: Submitted, *, reason: dict[str, Any]) -> None:
        """Cluster again every report of the components ``comps`` plus the reports ``extra_keys``; rewrite their
        events, component labels, conflicts and audit."""
        cols = (ReportRow.pk, ReportRow.source, ReportRow.report_id, ReportRow.digest, ReportRow.raw,
                ReportRow.component, ReportRow.event_pk)
        rows: dict[Key, Any] = {}
        comp_list = sorted(c for c in comps if c)
        for part in _chunks(comp_list):
            for r in conn.execute(select(*cols).where(ReportRow.component.in_(list(part)))):
                rows[(r.source, r.report_id)] = r
        missing = [k for k in extra_keys if k not in rows]
        rows.update(self._rows_by_key(conn, missing))
        keys = sorted(rows)
        reports = [self._report(rows[k].pk, rows[k].digest, rows[k].raw) for k in keys]
        constraints = restrict(self._constraints(conn, set(keys)), set(keys))
        groups = cluster_components(reports, self.profile, constraints=constraints)
        # the component label stored: the smallest report pk of the component
        label_pk: dict[int, int] = {}
        for label, members in groups:
            m = min(rows[r.key].pk for r in members)
            label_pk[label] = min(label_pk.get(label, m), m)
        old_event_pks = sorted({r.event_pk for r in rows.values() if r.event_pk is not None})
        old_events = {e.pk: e for e in conn.execute(select(EventRow.pk, EventRow.id, EventRow.created_at, EventRow.doc)
                                                    .where(EventRow.pk.in_(old_event_pks)))} if old_event_pks else {}
        # stable ids: in order of age, each old event goes to the group holding most of its reports
        assigned: dict[int, int] = {}  # group index -> old event pk
        member_groups: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for g, (_, members) in enumerate(groups):
            for rep in members:
                pk = rows[rep.key].event_pk
                if pk is not None:
                    member_groups[pk][g] += 1
        redirect: dict[int, int] = {}  # old event pk -> group index that absorbed it
        for pk in sorted(old_events, key=lambda p: (old_events[p].created_at, p)):
            counts = member_groups.get(pk, {})
            if not counts:
                continue
            best = max(counts, key=lambda g: (counts[g], -g))
            if best not in assigned:
                assigned[best] = pk
            else:
                redirect[pk] = best
        old_conflicts = self._conflict_rows(conn, list(old_events))
        carried: dict[tuple[str, str], Any] = {}  # (field, signature) -> a review to carry across a merge/split
        for cs in old_conflicts.values():
            for c in cs.values():
                if c.status != "open":
                    carried[(c.field, c.signature)] = c
        group_event: dict[int, tuple[int, str]] = {}
        for g, (label, members) in enumerate(groups):
            event = build_event(members, self.profile)
            pk = assigned.get(g)
            if pk is None:
                new_id = self._new_event_id(conn, members)
                doc = event_dict(event, self.profile)
                doc["id"] = new_id
                pk = conn.execute(insert(EventRow).values(id=new_id, created_at=now, updated_at=now,
                                                          **self._event_columns(doc))).inserted_primary_key
                assert pk is not None
                pk = pk[0]
                conn.execute(insert(AuditRow).values(
                    event_id=new_id, actor=actor, action="created",
                    detail=orjson.dumps({**reason, "reports": [list(r.key) for r in members],
                                         "from": sorted({old_events[p].id for p in member_groups
                                                         if g in member_groups[p] and p in old_events})}).decode(),
                    at=now))
                eid = new_id
            else:
                eid = old_events[pk].id
                doc = event_dict(event, self.profile)
                doc["id"] = eid
                before = {rows[k].event_pk for k in (r.key for r in members) if k in rows}
                joined = [list(r.key) for r in members if rows[r.key].event_pk != pk]
                left = [list(k) for k, row in rows.items() if row.event_pk == pk
                        and k not in {r.key for r in members}]
                if (not joined and not left and orjson.dumps(doc).decode() == old_events[pk].doc
                        and all(rows[r.key].component == label_pk[label] for r in members)):
                    group_event[g] = (pk, eid)  # recomputed, and nothing changed: no rewrite
                    continue
                if joined or left:
                    conn.execute(insert(AuditRow).values(
                        event_id=eid, actor=actor, action=reason.get("action", "updated"),
                        detail=orjson.dumps({**reason, "joined": joined, "left": left,
                                             "absorbed": sorted(old_events[p].id for p in before
                                                                if p is not None and p in redirect)}).decode(),
                        at=now))
            group_event[g] = (pk, eid)
            self._write_conflicts(conn, pk, eid, doc, old_conflicts.get(pk, {}), carried, actor, now, out)
            cols_now = self._event_columns(doc)
            conn.execute(update(EventRow).where(EventRow.pk == pk).values(**cols_now, updated_at=now,
                                                                          redirect_to=None))
            member_pks = [rows[r.key].pk for r in members]
            for part in _chunks(member_pks):
                conn.execute(update(ReportRow).where(ReportRow.pk.in_(list(part)))
                             .values(event_pk=pk, component=label_pk[label]))
            out.events.append(eid)
        for pk, g in redirect.items():
            target = group_event[g][1]
            old = old_events[pk]
            for c in old_conflicts.get(pk, {}).values():
                if c.active:
                    conn.execute(update(ConflictRow).where(ConflictRow.pk == c.pk).values(active=False,
                                                                                          updated_at=now))
                    out.cleared.append(self._conflict_brief(c, old.id))
            conn.execute(update(EventRow).where(or_(EventRow.pk == pk, EventRow.redirect_to == old.id))
                         .values(redirect_to=target, n_reports=0, n_major=0, n_minor=0, n_open=0, review="none",
                                 updated_at=now))
            conn.execute(insert(AuditRow).values(event_id=old.id, actor=actor, action="merged_into",
                                                 detail=orjson.dumps({**reason, "into": target}).decode(), at=now))
            conn.execute(insert(AuditRow).values(event_id=target, actor=actor, action="absorbed",
                                                 detail=orjson.dumps({**reason, "event": old.id}).decode(), at=now))

    def _new_event_id(self, conn: Connection, members: list[Report]) -> str:
        base = event_id(members)
        candidate, n = base, 1
        while conn.execute(select(EventRow.pk).where(EventRow.id == candidate)).first() is not None:
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def _event_columns(self, doc: dict[str, Any]) -> dict[str, Any]:
        t = doc.get(self._time_field or "") if self._time_field else None

        def instant(x: Any) -> float | None:
            if not isinstance(x, str):
                return None
            try:
                return _finite(datetime.fromisoformat(x.replace("Z", "+00:00")).timestamp())
            except ValueError:
                return None

        kind = doc.get(self._type_field) if self._type_field else None
        conflicts = doc["conflicts"]
        major = sum(1 for c in conflicts if c["severity"] == "major")
        sources = sorted({r["source"] for r in doc["reports"]})
        return {
            "t_best": instant(t.get("best")) if isinstance(t, dict) else None,
            "t_lo": instant(t.get("low")) if isinstance(t, dict) else None,
            "t_hi": instant(t.get("high")) if isinstance(t, dict) else None,
            "event_type": kind.get("code") if isinstance(kind, dict) else None,
            "sources": "|" + "|".join(sources) + "|",
            "n_reports": len(doc["reports"]),
            "n_major": major,
            "n_minor": len(conflicts) - major,
            "doc": orjson.dumps(doc).decode(),
            "search": search_text(doc),
        }

    def _conflict_rows(self, conn: Connection, event_pks: list[int]) -> dict[int, dict[str, Any]]:
        """Every conflict row (active or cleared) of the events, by event and field."""
        out: dict[int, dict[str, Any]] = defaultdict(dict)
        for part in _chunks(event_pks):
            for c in conn.execute(select(ConflictRow).where(ConflictRow.event_pk.in_(list(part)))):
                out[c.event_pk][c.field] = c
        return out

    def _write_conflicts(self, conn: Connection, pk: int, eid: str, doc: dict[str, Any], old: dict[str, Any],
                         carried: dict[tuple[str, str], Any], actor: str, now: float, out: Submitted) -> None:
        """Bring the event's conflict rows in line with its document; counts of open flags into the event."""
        seen = set()
        n_open = 0
        for c in doc["conflicts"]:
            fld = c["field"]
            seen.add(fld)
            sig = _signature(c)
            values = orjson.dumps(c["values"]).decode()
            row = old.get(fld)
            base = {"severity": c["severity"], "message": c["message"], "values": values, "signature": sig,
                    "updated_at": now}
            if row is None:
                prior = carried.get((fld, sig))
                review = ({"status": prior.status, "note": prior.note, "accepted": prior.accepted,
                           "reviewed_by": prior.reviewed_by, "reviewed_at": prior.reviewed_at}
                          if prior is not None else {"status": "open"})
                cpk = conn.execute(insert(ConflictRow).values(event_pk=pk, field=fld, active=True, created_at=now,
                                                              **base, **review)).inserted_primary_key
                assert cpk is not None
                cpk = cpk[0]
                out.created.append({"id": cpk, "event": eid, "field": fld, "severity": c["severity"],
                                    "message": c["message"]})
                n_open += review["status"] == "open"
                continue
            status = row.status
            if not row.active:
                out.created.append({"id": row.pk, "event": eid, "field": fld, "severity": c["severity"],
                                    "message": c["message"]})
            if sig != row.signature and status != "open":
                status = "open"
                conn.execute(insert(AuditRow).values(
                    event_id=eid, conflict_pk=row.pk, actor=actor, action="conflict_reopened",
                    detail=orjson.dumps({"field": fld, "reason": "the values in conflict changed",
                                         "message": c["message"]}).decode(), at=now))
            conn.execute(update(ConflictRow).where(ConflictRow.pk == row.pk).values(**base, active=True,
                                                                                      status=status))
            n_open += status == "open"
        for fld, row in old.items():
            if fld not in seen and row.active:
                conn.execute(update(ConflictRow).where(ConflictRow.pk == row.pk).values(active=False,
                                                                                          updated_at=now))
                out.cleared.append(self._conflict_brief(row, eid))
        total = len(doc["conflicts"])
        conn.execute(update(EventRow).where(EventRow.pk == pk).values(
            n_open=n_open, review="none" if total == 0 else "unreviewed" if n_open else "reviewed"))

    @staticmethod
    def _conflict_brief(c: Any, eid: str) -> dict[str, Any]:
        return {"id": c.pk, "event": eid, "field": c.field, "severity": c.severity, "message": c.message}

    def _constraints(self, conn: Connection, keys: set[Key]) -> Constraints:
        must: set[tuple[Key, Key]] = set()
        cannot: set[tuple[Key, Key]] = set()
        ks = sorted(keys)
        for part in _chunks(ks):
            q = select(ConstraintRow).where(or_(tuple_(ConstraintRow.a_source, ConstraintRow.a_id).in_(list(part)),
                                                tuple_(ConstraintRow.b_source, ConstraintRow.b_id).in_(list(part))))
            for c in conn.execute(q):
                pair = pair_key((c.a_source, c.a_id), (c.b_source, c.b_id))
                (must if c.kind == "must" else cannot).add(pair)
        return Constraints(must=frozenset(must), cannot=frozenset(cannot))

    # -------------------------------------------------------------------------------- bulk import

    def bulk_import(self, records: Sequence[Any], *, actor: str = "import", origin: str | None = None,
                    progress: Any = None) -> tuple[int, list[dict[str, Any]]]:
        """Load an archive into an EMPTY store at batch speed: the batch pipeline clusters everything at once,
        then rows are written in bulk, in one transaction. The result is the store that submitting the same
        records one by one would build (ids aside). Returns (reports stored, rejects)."""
        from reconcile.pipeline import InputRecord, normalise_all

        inputs = [r if isinstance(r, InputRecord) else InputRecord(r, origin) for r in records]
        reports, rejects = normalise_all(inputs, self.profile)
        reports.sort(key=lambda r: r.key)
        groups = cluster_components(reports, self.profile)
        if progress:
            progress("clustered", len(reports))

        def work(conn: Connection) -> int:
            if conn.execute(select(func.count()).select_from(ReportRow)).scalar_one():
                raise Invalid("bulk import needs an empty store; submit to a store in use through /batches",
                              [{"field": "store", "reason": "not empty"}])
            now = time.time()
            pk_of = {r.key: k + 1 for k, r in enumerate(reports)}
            width = 0.0
            event_rows, conflict_rows, report_event = [], [], {}
            used: set[str] = set()
            for g, (label, members) in enumerate(groups, 1):
                event = build_event(members, self.profile)
                doc = event_dict(event, self.profile)
                eid = doc["id"]
                n = 1
                while eid in used:
                    n += 1
                    eid = f"{doc['id']}-{n}"
                used.add(eid)
                doc["id"] = eid
                cols = self._event_columns(doc)
                total = len(doc["conflicts"])
                event_rows.append({"pk": g, "id": eid, "created_at": now, "updated_at": now, **cols,
                                   "n_open": total, "review": "unreviewed" if total else "none"})
                for c in doc["conflicts"]:
                    conflict_rows.append({"event_pk": g, "field": c["field"], "severity": c["severity"],
                                          "message": c["message"], "values": orjson.dumps(c["values"]).decode(),
                                          "signature": _signature(c), "active": True, "status": "open",
                                          "created_at": now, "updated_at": now})
                for r in members:
                    report_event[r.key] = (g, label + 1)
            for part in _chunks(event_rows, 5000):
                conn.execute(insert(EventRow), list(part))
            for part in _chunks(conflict_rows, 5000):
                conn.execute(insert(ConflictRow), list(part))
            rows = []
            for r in reports:
                rec = inputs[r.position].parsed().data
                lo, hi = time_span(r, self.profile)
                if math.isfinite(hi - lo):
                    width = max(width, hi - lo)
                g, comp = report_event[r.key]
                rows.append({"pk": pk_of[r.key], "source": r.source, "report_id": r.id, "digest": _digest(rec),
                             "raw": orjson.dumps(rec).decode(), "supersedes": r.supersedes, "t_lo": lo, "t_hi": hi,
                             "component": comp, "event_pk": g, "batch_id": None, "submitted_by": actor,
                             "received_at": now})
                if len(rows) == 5000:
                    conn.execute(insert(ReportRow), rows)
                    rows = []
            if rows:
                conn.execute(insert(ReportRow), rows)
            conn.execute(delete(MetaRow).where(MetaRow.key == "max_width"))
            conn.execute(insert(MetaRow).values(key="max_width", value=width))
            if conn.dialect.name == "postgresql":  # explicit pks: move the sequences past them
                for table in ("reports", "events"):
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'pk'), "
                                         f"(SELECT COALESCE(MAX(pk), 1) FROM {table}))")
            return len(reports)

        stored = self.db.write(work)
        return stored, [r.model_dump() for r in rejects]

    # -------------------------------------------------------------------------------- analyst overrides

    def split(self, eid: str, parts: list[list[Key]], *, actor: str, note: str | None = None) -> dict[str, Any]:
        """Split an event: each part becomes an event of its own (the reports not named form one more part).
        Stored as constraints, so that later submissions respect it."""
        return self.db.write(lambda conn: self._split(conn, eid, parts, actor, note))

    def _split(self, conn: Connection, eid: str, parts: list[list[Key]], actor: str,
               note: str | None) -> dict[str, Any]:
        ev = self._event_row(conn, eid)
        members = {(r.source, r.report_id): r for r in conn.execute(
            select(ReportRow.source, ReportRow.report_id, ReportRow.component).where(ReportRow.event_pk == ev.pk))}
        named: list[list[Key]] = []
        seen: set[Key] = set()
        problems = []
        for k, part in enumerate(parts):
            group = []
            for key in part:
                if key not in members:
                    problems.append({"field": f"parts[{k}]", "reason": f"{key[0]} report {key[1]!r} is not in "
                                                                       f"event {ev.id}"})
                elif key in seen:
                    problems.append({"field": f"parts[{k}]", "reason": f"{key[0]} report {key[1]!r} is named twice"})
                else:
                    group.append(key)
                    seen.add(key)
            if group:
                named.append(group)
        rest = [k for k in sorted(members) if k not in seen]
        if rest:
            named.append(rest)
        if problems:
            raise Invalid("the split names reports that are not in the event", problems)
        if len(named) < 2:
            raise Invalid("a split needs at least two non-empty parts", [{"field": "parts", "reason":
                                                                           "name the reports to split off"}])
        now = time.time()
        for a_idx, a in enumerate(named):
            for b in named[a_idx + 1:]:
                for x in a:
                    for y in b:
                        self._set_constraint(conn, "cannot", x, y, actor, now)
            for i, x in enumerate(a):
                for y in a[i + 1:]:
                    self._set_constraint(conn, "must", x, y, actor, now)
        out = Submitted()
        comps = {r.component for r in members.values()}
        self._recluster(conn, comps, set(members), actor, now, out,
                        reason={"action": "split", "by": actor, "note": note, "parts": [[list(k) for k in p]
                                                                                         for p in named]})
        return {"event": ev.id, "events": self._event_ids_for_parts(conn, named), **out.as_dict()}

    def merge(self, ids: list[str], *, actor: str, note: str | None = None) -> dict[str, Any]:
        return self.db.write(lambda conn: self._merge(conn, ids, actor, note))

    def _merge(self, conn: Connection, ids: list[str], actor: str, note: str | None) -> dict[str, Any]:
        evs = [self._event_row(conn, i) for i in dict.fromkeys(ids)]
        evs = list({e.pk: e for e in evs}.values())
        if len(evs) < 2:
            raise Invalid("a merge needs at least two different events", [{"field": "events",
                                                                            "reason": "name two or more events"}])
        groups = []
        comps: set[int] = set()
        for e in evs:
            rows = list(conn.execute(select(ReportRow.source, ReportRow.report_id, ReportRow.component)
                                     .where(ReportRow.event_pk == e.pk)))
            groups.append([(r.source, r.report_id) for r in rows])
            comps |= {r.component for r in rows}
        now = time.time()
        every = [k for g in groups for k in g]
        for i, x in enumerate(every):
            for y in every[i + 1:]:
                self._set_constraint(conn, "must", x, y, actor, now)
        out = Submitted()
        self._recluster(conn, comps, set(every), actor, now, out,
                        reason={"action": "merge", "by": actor, "note": note, "events": [e.id for e in evs]})
        target = self._event_ids_of(conn, [every[0]])[every[0]]
        return {"event": target, **out.as_dict()}

    def _set_constraint(self, conn: Connection, kind: str, x: Key, y: Key, actor: str, now: float) -> None:
        a, b = pair_key(x, y)
        where = and_(ConstraintRow.a_source == a[0], ConstraintRow.a_id == a[1], ConstraintRow.b_source == b[0],
                     ConstraintRow.b_id == b[1])
        conn.execute(delete(ConstraintRow).where(where))
        conn.execute(insert(ConstraintRow).values(kind=kind, a_source=a[0], a_id=a[1], b_source=b[0], b_id=b[1],
                                                  created_by=actor, at=now))

    def _event_ids_for_parts(self, conn: Connection, parts: list[list[Key]]) -> list[str]:
        ids = self._event_ids_of(conn, [p[0] for p in parts])
        return [ids[p[0]] for p in parts]

    # -------------------------------------------------------------------------------- review

    def review(self, conflict_id: int, *, status: str, note: str | None, accepted: Any, actor: str) -> dict[str, Any]:
        def work(conn: Connection) -> dict[str, Any]:
            c = conn.execute(select(ConflictRow).where(ConflictRow.pk == conflict_id)).first()
            if c is None:
                raise NotFound(f"no conflict {conflict_id}")
            ev = conn.execute(select(EventRow).where(EventRow.pk == c.event_pk)).first()
            assert ev is not None
            if not c.active:
                raise Invalid(f"conflict {conflict_id} was cleared by later reports; nothing to review",
                              [{"field": "id", "reason": "conflict no longer active"}])
            now = time.time()
            accepted_json = orjson.dumps(accepted).decode() if accepted is not None else None
            conn.execute(update(ConflictRow).where(ConflictRow.pk == c.pk).values(
                status=status, note=note, accepted=accepted_json, reviewed_by=actor, reviewed_at=now,
                updated_at=now))
            conn.execute(insert(AuditRow).values(
                event_id=ev.id, conflict_pk=c.pk, actor=actor, action=f"conflict_{status}",
                detail=orjson.dumps({"field": c.field, "from": c.status, "to": status, "note": note,
                                     "accepted": accepted}).decode(), at=now))
            n_open = conn.execute(select(func.count()).select_from(ConflictRow).where(
                ConflictRow.event_pk == ev.pk, ConflictRow.active, ConflictRow.status == "open")).scalar_one()
            conn.execute(update(EventRow).where(EventRow.pk == ev.pk).values(
                n_open=n_open, review="unreviewed" if n_open else "reviewed"))
            row = conn.execute(select(ConflictRow).where(ConflictRow.pk == c.pk)).one()
            return self._conflict_dict(row, ev.id)

        return self.db.write(work)

    # -------------------------------------------------------------------------------- reading

    def _event_row(self, conn: Connection, eid: str, *, follow: bool = False) -> Any:
        ev = conn.execute(select(EventRow).where(EventRow.id == eid)).first()
        if ev is None:
            raise NotFound(f"no event {eid!r}")
        if ev.redirect_to is not None:
            if follow:
                return self._event_row(conn, ev.redirect_to, follow=True)
            raise Moved(ev.redirect_to)
        return ev

    def get_report(self, source: str, rid: str) -> dict[str, Any]:
        canonical = self.canonical_source(source) or source
        with self.db.read() as conn:
            row = conn.execute(select(ReportRow).where(ReportRow.source == canonical,
                                                       ReportRow.report_id == rid)).first()
            if row is None:
                raise NotFound(f"no {canonical} report {rid!r}")
            eid = self._event_id_by_pk(conn, row.event_pk)
            successor = conn.execute(select(ReportRow.report_id).where(
                ReportRow.source == canonical, ReportRow.supersedes == rid, ReportRow.report_id != rid)
                .order_by(ReportRow.pk.desc()).limit(1)).scalar()
        report = self._report(row.pk, row.digest, row.raw)
        normalised = report_dict(report, self.profile, current=successor is None, superseded_by=successor)
        return {"source": row.source, "id": row.report_id, "event": eid, "submitted": orjson.loads(row.raw),
                "normalised": normalised, "warnings": list(report.warnings), "received_at": row.received_at,
                "submitted_by": row.submitted_by, "batch": row.batch_id}

    def get_event(self, eid: str, *, evidence: bool = True) -> dict[str, Any]:
        with self.db.read() as conn:
            ev = self._event_row(conn, eid)
            conflicts = list(conn.execute(select(ConflictRow).where(ConflictRow.event_pk == ev.pk,
                                                                    ConflictRow.active)
                                          .order_by(ConflictRow.field)))
            audit = self._audit(conn, ev.id)
            absorbed = [r.id for r in conn.execute(select(EventRow.id).where(EventRow.redirect_to == ev.id))]
            rows = list(conn.execute(select(ReportRow.pk, ReportRow.digest, ReportRow.raw)
                                     .where(ReportRow.event_pk == ev.pk)))
        doc = orjson.loads(ev.doc)
        by_field = {c.field: self._conflict_dict(c, ev.id) for c in conflicts}
        doc["conflicts"] = [{**c, **by_field.get(c["field"], {})} for c in doc["conflicts"]]
        doc["review"] = ev.review
        doc["created_at"], doc["updated_at"] = ev.created_at, ev.updated_at
        doc["absorbed"] = absorbed
        doc["history_of_clustering"] = [a for a in audit if a["action"] in (
            "created", "reports_added", "split", "merge", "merged_into", "absorbed")]
        if evidence:
            members = sorted((self._report(r.pk, r.digest, r.raw) for r in rows), key=lambda r: r.key)
            doc["evidence"] = [self._link_dict(members, link.a, link.b) for link in
                               event_links(members, self.profile)]
        return doc

    def _link_dict(self, members: list[Report], a: Key, b: Key) -> dict[str, Any]:
        by_key = {r.key: r for r in members}
        ex = explain_pair(by_key[a], by_key[b], self.profile, same_event=True)
        return {"a": list(a), "b": list(b), "score": round(ex.score, 3), "decision": ex.decision,
                "reason": ex.reason,
                "fields": [{"field": e.field, "weight": round(e.weight, 3), "reason": e.reason} for e in ex.evidence]}

    def explain(self, a: Key, b: Key) -> dict[str, Any]:
        with self.db.read() as conn:
            ra = self._rows_by_key(conn, [a]).get(a)
            rb = self._rows_by_key(conn, [b]).get(b)
        if ra is None or rb is None:
            k = a if ra is None else b
            raise NotFound(f"no {k[0]} report {k[1]!r}")
        x, y = self._report(ra.pk, ra.digest, ra.raw), self._report(rb.pk, rb.digest, rb.raw)
        ex = explain_pair(x, y, self.profile, same_event=ra.event_pk == rb.event_pk)
        return {"a": list(a), "b": list(b), "score": round(ex.score, 3), "decision": ex.decision,
                "reason": ex.reason, "same_event": ex.same_event,
                "fields": [{"field": e.field, "weight": round(e.weight, 3), "reason": e.reason} for e in ex.evidence]}

    def audit(self, eid: str) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            ev = conn.execute(select(EventRow.id).where(EventRow.id == eid)).first()
            if ev is None:
                raise NotFound(f"no event {eid!r}")
            return self._audit(conn, eid)

    def _audit(self, conn: Connection, eid: str) -> list[dict[str, Any]]:
        return [{"at": a.at, "actor": a.actor, "action": a.action, "conflict": a.conflict_pk,
                 "detail": orjson.loads(a.detail)}
                for a in conn.execute(select(AuditRow).where(AuditRow.event_id == eid).order_by(AuditRow.pk))]

    def _conflict_dict(self, c: Any, eid: str) -> dict[str, Any]:
        return {"id": c.pk, "event": eid, "field": c.field, "severity": c.severity, "message": c.message,
                "values": orjson.loads(c.values), "status": c.status, "active": c.active, "note": c.note,
                "accepted": orjson.loads(c.accepted) if c.accepted is not None else None,
                "reviewed_by": c.reviewed_by, "reviewed_at": c.reviewed_at}

    def _event_filters(self, f: dict[str, Any]) -> list[Any]:
        where: list[Any] = [EventRow.redirect_to.is_(None), EventRow.n_reports > 0]
        if f.get("start") is not None:
            where.append(or_(EventRow.t_hi >= f["start"], EventRow.t_hi.is_(None)))
        if f.get("end") is not None:
            where.append(EventRow.t_lo <= f["end"])
        if f.get("source"):
            where.append(EventRow.sources.like(f"%|{f['source']}|%"))
        if f.get("event_type"):
            where.append(EventRow.event_type == f["event_type"])
        if f.get("has_conflicts") is not None:
            where.append((EventRow.n_major + EventRow.n_minor > 0) if f["has_conflicts"]
                         else (EventRow.n_major + EventRow.n_minor == 0))
        if f.get("review"):
            where.append(EventRow.review == f["review"])
        for word in (f.get("q") or "").lower().split():
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append(EventRow.search.like(f"%{escaped}%", escape="\\"))
        cond = self._conflict_filters(f)
        if cond:
            where.append(exists().where(ConflictRow.event_pk == EventRow.pk, ConflictRow.active, *cond))
        return where

    @staticmethod
    def _conflict_filters(f: dict[str, Any]) -> list[Any]:
        """The filters on a conflict's own columns (field, severity, review status)."""
        return [getattr(ConflictRow, name) == f[name] for name in ("field", "severity", "status") if f.get(name)]

    def list_events(self, filters: dict[str, Any], *, limit: int, offset: int) -> dict[str, Any]:
        where = self._event_filters(filters)
        with self.db.read() as conn:
            total = conn.execute(select(func.count()).select_from(EventRow).where(*where)).scalar_one()
            rows = list(conn.execute(select(EventRow).where(*where)
                                     .order_by(EventRow.t_best.desc().nulls_last(), EventRow.pk.desc())
                                     .limit(limit).offset(offset)))
        return {"total": total, "limit": limit, "offset": offset, "items": [self._event_summary(r) for r in rows]}

    def _event_summary(self, r: Any) -> dict[str, Any]:
        doc = orjson.loads(r.doc)
        out = {"id": r.id, "time": doc.get(self._time_field) if self._time_field else None,
               "event_type": r.event_type, "sources": [s for s in r.sources.split("|") if s],
               "reports": r.n_reports, "conflicts": {"major": r.n_major, "minor": r.n_minor, "open": r.n_open},
               "review": r.review, "updated_at": r.updated_at}
        if self._summary:  # the profile's key figures (an earthquake's magnitudes, epicentre, depth)
            out["figures"] = {name: doc[name] for name in self._summary if isinstance(doc.get(name), dict)}
        return out

    def iter_event_docs(self, filters: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every matching event's document, oldest first, read in pages of 1000 (exports of any size)."""
        where = self._event_filters(filters)
        last: tuple[float, int] | None = None
        while True:
            q = select(EventRow.pk, EventRow.doc, EventRow.t_best).where(*where)
            if last is not None:
                q = q.where(EventRow.pk > last[1])
            with self.db.read() as conn:
                rows = list(conn.execute(q.order_by(EventRow.pk).limit(1000)))
            if not rows:
                return
            for r in rows:
                yield orjson.loads(r.doc)
            last = (0.0, rows[-1].pk)

    def list_conflicts(self, filters: dict[str, Any], *, limit: int, offset: int) -> dict[str, Any]:
        ev_filters = {k: v for k, v in filters.items() if k not in ("field", "severity", "status")}
        where: list[Any] = [ConflictRow.active, *self._event_filters(ev_filters), *self._conflict_filters(filters)]
        with self.db.read() as conn:
            base = select(ConflictRow, EventRow.id.label("event_id")).join(EventRow,
                                                                           EventRow.pk == ConflictRow.event_pk)
            total = conn.execute(select(func.count()).select_from(ConflictRow)
                                 .join(EventRow, EventRow.pk == ConflictRow.event_pk).where(*where)).scalar_one()
            rows = list(conn.execute(base.where(*where).order_by(EventRow.t_best.desc().nulls_last(), ConflictRow.pk)
                                     .limit(limit).offset(offset)))
        return {"total": total, "limit": limit, "offset": offset,
                "items": [self._conflict_dict(r, r.event_id) for r in rows]}

    def counts(self) -> dict[str, int]:
        with self.db.read() as conn:
            return {
                "reports": conn.execute(select(func.count()).select_from(ReportRow)).scalar_one(),
                "events": conn.execute(select(func.count()).select_from(EventRow)
                                       .where(EventRow.redirect_to.is_(None), EventRow.n_reports > 0)).scalar_one(),
            }

    def all_keys(self) -> Iterable[Key]:
        with self.db.read() as conn:
            return [(r.source, r.report_id) for r in conn.execute(select(ReportRow.source, ReportRow.report_id))]

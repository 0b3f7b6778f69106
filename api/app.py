"""HTTP routes: each translates a request into one call on the store and the result into JSON.

Every error has the same body: ``{"error": {"status", "code", "message", "problems": [{"field", "reason", ...}]}}``.
"""


import csv
import io
import logging
import math
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal

import orjson
from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, insert, select
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reconcile.export import csv_header
from reconcile.models import ReportIn
from reconcile.profile import Profile, load_profile

from .auth import DEV, KeyRing, Principal
from .batches import FORMATS, BatchRunner, batch_dict, batch_format, new_batch_id
from .db import Database
from .settings import Settings
from .store import Moved, Store, StoreError
from .tables import BatchRejectRow, BatchRow
from .ui import mount_ui

log = logging.getLogger("reconcile.api")


# ------------------------------------------------------------------------------------------------ schemas


class Problem(BaseModel):
    model_config = ConfigDict(extra="allow")
    field: str | None = None
    reason: str


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    problems: list[Problem] = Field(default_factory=list)


class ErrorOut(BaseModel):
    error: ErrorBody


class ReportStatus(BaseModel):
    source: str
    id: str
    status: Literal["created", "unchanged", "replaced"]
    event: str | None


class ConflictBrief(BaseModel):
    id: int
    event: str
    field: str
    severity: Literal["major", "minor"]
    message: str


class SubmitOut(BaseModel):
    reports: list[ReportStatus]
    conflicts_created: list[ConflictBrief]
    conflicts_cleared: list[ConflictBrief]
    events_changed: list[str]


class TextIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=200_000)
    published: str | None = Field(default=None, max_length=100,
                                  description="when the text was published; supplies missing dates and years")
    source: str | None = Field(default=None, max_length=200,
                               description="the agency whose text it is (a press release, a statement)")
    dry_run: bool = False


class TextOut(BaseModel):
    reports: list[dict[str, Any]]
    submission: SubmitOut | None
    not_submitted: list[dict[str, Any]]


class ReportOut(BaseModel):
    source: str
    id: str
    event: str | None
    submitted: dict[str, Any]
    normalised: dict[str, Any]
    warnings: list[str]
    received_at: float
    submitted_by: str
    batch: str | None


class ConflictOut(BaseModel):
    id: int
    event: str
    field: str
    severity: Literal["major", "minor"]
    message: str
    values: list[dict[str, Any]]
    status: Literal["open", "acknowledged", "resolved"]
    active: bool
    note: str | None
    accepted: Any = None
    reviewed_by: str | None
    reviewed_at: float | None


class ConflictPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ConflictOut]


class EventSummary(BaseModel):
    id: str
    time: dict[str, Any] | None
    event_type: str | None
    sources: list[str]
    reports: int
    conflicts: dict[str, int]
    review: Literal["none", "unreviewed", "reviewed"]
    updated_at: float
    figures: dict[str, dict[str, Any]] | None = Field(
        default=None, description="The profile's key figures (its `summary`), as in the event document; "
                                  "absent when the profile declares none")


class EventPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[EventSummary]


class EventOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    reports: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    history: list[dict[str, Any]]
    review: str
    absorbed: list[str]
    history_of_clustering: list[dict[str, Any]]
    evidence: list[dict[str, Any]] = Field(default_factory=list)


class AuditEntry(BaseModel):
    at: float
    actor: str
    action: str
    conflict: int | None
    detail: dict[str, Any]


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["open", "acknowledged", "resolved"]
    note: str | None = Field(default=None, max_length=5000)
    accepted: Any = Field(default=None, description="the value the analyst accepts, e.g. 500 or \"JMOD\"")


class ReportRef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(min_length=1, max_length=200)
    id: str = Field(min_length=1, max_length=200)


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    parts: list[list[ReportRef]] = Field(min_length=1, max_length=100,
                                         description="groups of reports that each become an event; the reports "
                                                     "not named form one more event")
    note: str | None = Field(default=None, max_length=5000)


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    events: list[str] = Field(min_length=2, max_length=100)
    note: str | None = Field(default=None, max_length=5000)


class OverrideOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    event: str
    events_changed: list[str]
    conflicts_created: list[ConflictBrief]
    conflicts_cleared: list[ConflictBrief]


class BatchOut(BaseModel):
    id: str
    status: Literal["uploading", "queued", "running", "done", "failed"]
    filename: str
    format: str
    bytes: int
    progress: float
    lines_done: int
    counts: dict[str, int]
    error: str | None
    submitted_by: str
    created_at: float
    updated_at: float
    rejects: list[dict[str, Any]]
    rejects_total: int


class HealthOut(BaseModel):
    status: Literal["ok"]
    database: str
    profile: str
    reports: int
    events: int
    dev_mode: bool


class ExplainOut(BaseModel):
    a: list[str]
    b: list[str]
    score: float
    decision: Literal["join", "split"]
    reason: str
    same_event: bool | None
    fields: list[dict[str, Any]]


# ------------------------------------------------------------------------------------------------ errors


def error_response(status: int, code: str, message: str, problems: list[dict[str, Any]] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": {"status": status, "code": code, "message": message, "problems": problems or []}}
    return JSONResponse(body, status_code=status, headers=headers)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, problems: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.problems, self.headers = status, code, message, problems, headers


class BodyLimit:
    """Refuses request bodies over the limit with 413, by Content-Length or by counting what arrives, before
    the route reads them. Uploads to /batches have their own (larger) limit, enforced while streaming."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/batches"):
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await error_response(413, "body_too_large", f"request body over {self.limit} bytes")(scope, receive,
                                                                                                 send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:  # an HTTPException: FastAPI turns anything else raised here into a 400
                    raise StarletteHTTPException(413, f"request body over {self.limit} bytes")
            return message

        await self.app(scope, counted, send)


def _loc_field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


# ------------------------------------------------------------------------------------------------ the app


def create_app(settings: Settings | None = None, *, profile: Profile | None = None) -> FastAPI:
    settings = settings or Settings()
    profile = profile or load_profile(settings.profile)
    db = Database(settings.database_url, retries=settings.write_retries)
    store = Store(db, profile)
    rt = profile.runtime()
    canonical = {name: rt.source(name)[0] for spec in settings.all_keys() for name in spec.sources}
    keys = KeyRing(settings.all_keys(), canonical)
    runner = BatchRunner(store, chunk=settings.batch_chunk, stale_after=settings.batch_stale_seconds)
    data_dir = FsPath(settings.data_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db.migrate()
        data_dir.mkdir(parents=True, exist_ok=True)
        if not settings.dev_mode and not len(keys):
            log.warning("no API keys configured and dev mode off: every request will be refused (401)")
        runner.start()
        yield
        runner.stop()
        db.dispose()

    app = FastAPI(
        title="reconcile",
        version="0.1.0",
        lifespan=lifespan,
        description="Reports of one incident from several agencies, reconciled into events with consensus values "
                    "and conflict flags. Authenticate with `X-API-Key` (or `Authorization: Bearer`).",
        responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 413: {"model": ErrorOut},
                   422: {"model": ErrorOut}},
    )
    app.state.store = store
    app.state.runner = runner
    app.state.settings = settings
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)  # type: ignore[arg-type]

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.problems, exc.headers)

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.problems)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"field": _loc_field(e.get("loc", ())), "reason": e.get("msg", "invalid")}
                    for e in exc.errors()]
        return error_response(422, "invalid_request", "the request is invalid", problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # a body FastAPI or Starlette could not decode (bad UTF-8, broken multipart)
            return error_response(422, "invalid_body", f"the request body could not be read: {exc.detail}",
                                  [{"field": "body", "reason": str(exc.detail)}])
        code = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(exc.status_code,
                                                                                       "http_error")
        return error_response(exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None))

    # ---------------------------------------------------------------------------- auth

    def principal(request: Request) -> Principal:
        key = request.headers.get("x-api-key")
        auth = request.headers.get("authorization", "")
        if key is None and auth.lower().startswith("bearer "):
            key = auth[7:].strip()
        if key:
            found = keys.lookup(key)
            if found is None:
                raise ApiError(401, "unauthorized", "unknown API key", headers={"WWW-Authenticate": "Bearer"})
            return found
        if settings.dev_mode:
            return DEV
        raise ApiError(401, "unauthorized", "an API key is required (X-API-Key header)",
                       headers={"WWW-Authenticate": "Bearer"})

    def needs(permission: str) -> Any:
        def check(who: Annotated[Principal, Depends(principal)]) -> Principal:
            if permission not in who.permissions:
                raise ApiError(403, "forbidden", f"the {who.role} key {who.name!r} may not {permission}")
            return who
        return check

    Reader = Annotated[Principal, Depends(needs("read"))]
    Reviewer = Annotated[Principal, Depends(needs("review"))]
    Submitter = Annotated[Principal, Depends(needs("submit"))]
    Anyone = Annotated[Principal, Depends(principal)]

    # ---------------------------------------------------------------------------- routes

    @app.get("/health", response_model=HealthOut, tags=["service"])
    def health() -> dict[str, Any]:
        counts = store.counts()
        return {"status": "ok", "database": db.dialect, "profile": profile.name, "dev_mode": settings.dev_mode,
                **counts}

    report_schema = ReportIn.model_json_schema(ref_template="#/components/schemas/{model}")

    @app.post("/reports", response_model=SubmitOut, tags=["reports"], status_code=200,
              responses={409: {"model": ErrorOut}},
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                  "anyOf": [report_schema, {"type": "array", "items": report_schema, "maxItems": 10000}]}}}}})
    async def submit(request: Request, who: Submitter) -> Any:
        """Submit one report or a list. Idempotent on (source, id): the same content again is "unchanged"; other
        content under a stored id is 409 unless the report `supersedes` its own id (a correction in place).
        The whole submission is one transaction: any invalid report refuses it all (422, every problem listed)."""
        body = await request.body()
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise ApiError(422, "invalid_json", f"the body is not valid JSON: {exc}",
                           [{"field": "body", "reason": str(exc)}]) from exc
        records = data if isinstance(data, list) else [data]
        if not records:
            raise ApiError(422, "invalid_request", "no reports in the body", [{"field": "body", "reason": "empty"}])
        if len(records) > 10_000:
            raise ApiError(413, "too_many_reports", "at most 10000 reports per request; upload an archive to "
                                                    "/batches instead")
        allowed = who.sources
        result = await _run(lambda: store.submit(records, actor=who.name, allowed=allowed))
        return result.as_dict()

    @app.post("/reports/text", response_model=TextOut, tags=["reports"])
    async def submit_text(body: TextIn, who: Submitter) -> Any:
        """Reports from prose (a press release, a wire story): one report per agency the text attributes
        statements to, each with only that agency's figures and the character spans they came from. They are
        submitted as `POST /reports` would (idempotent: the ids derive from the text and the agency), except
        those of agencies this key may not submit for, which are returned under `not_submitted`. `dry_run`
        extracts without storing."""
        from reconcile.errors import InputError
        from reconcile.extract import extract_reports

        try:
            found = extract_reports(body.text, profile, published=body.published, source=body.source)
        except InputError as exc:
            raise ApiError(422, "invalid_request", str(exc), [{"field": "published", "reason": str(exc)}]) from exc
        allowed = [r for r in found if who.may_submit_as(r.source)]
        refused = [{"source": r.source, "id": r.id, "reason": f"the key {who.name!r} may not submit reports of "
                                                              f"{r.source}"} for r in found if r not in allowed]
        submission = None
        if allowed and not body.dry_run:
            records = [r.record for r in allowed]
            result = await _run(lambda: store.submit(records, actor=who.name, allowed=who.sources))
            submission = result.as_dict()
        return {"reports": [r.model_dump() for r in found], "submission": submission, "not_submitted": refused}

    @app.get("/reports/{source}/{report_id}", response_model=ReportOut, tags=["reports"],
             responses={404: {"model": ErrorOut}})
    def get_report(source: str, report_id: str, who: Anyone) -> Any:
        """A report as submitted (verbatim) and as normalised, each value with its original text and rule."""
        canonical = store.canonical_source(source)
        if "read" not in who.permissions and not who.may_submit_as(canonical):  # a submitter reads its own sources
            raise ApiError(403, "forbidden", f"the key {who.name!r} may not read reports of {canonical}")
        return store.get_report(source, report_id)

    def event_filters(
        start: Annotated[str | None, Query(description="events ending at or after (ISO 8601)")] = None,
        end: Annotated[str | None, Query(description="events starting at or before (ISO 8601)")] = None,
        source: Annotated[str | None, Query(max_length=200)] = None,
        event_type: Annotated[str | None, Query(max_length=100)] = None,
        has_conflicts: bool | None = None,
        field: Annotated[str | None, Query(max_length=100)] = None,
        severity: Literal["major", "minor"] | None = None,
        review: Literal["none", "unreviewed", "reviewed"] | None = None,
        status: Literal["open", "acknowledged", "resolved"] | None = None,
        q: Annotated[str | None, Query(max_length=200, description="words that must all occur in the event's id, "
                                                                  "its reports' ids and sources, or its places "
                                                                  "and types as reported")] = None,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {"has_conflicts": has_conflicts, "field": field, "severity": severity,
                               "review": review, "status": status, "event_type": event_type, "q": q}
        problems = []
        for name, value in (("start", start), ("end", end)):
            if value is not None:
                try:
                    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
                    out[name] = dt.timestamp()
                    if not math.isfinite(out[name]):
                        raise ValueError
                except (ValueError, OverflowError, OSError):
                    problems.append({"field": name, "reason": f"not an ISO 8601 date or time: {value!r}"})
        if source:
            out["source"] = store.canonical_source(source)
        if problems:
            raise ApiError(422, "invalid_request", "invalid filters", problems)
        return out

    Filters = Annotated[dict[str, Any], Depends(event_filters)]
    Limit = Annotated[int, Query(ge=1, le=500)]
    Offset = Annotated[int, Query(ge=0, le=10_000_000)]

    @app.get("/events", response_model=EventPage, tags=["events"])
    def list_events(who: Reader, filters: Filters, limit: Limit = 50, offset: Offset = 0) -> Any:
        """Events, latest first, filtered by time range, source, type, conflicts (field, severity, review)."""
        return store.list_events(filters, limit=limit, offset=offset)

    @app.get("/events.csv", tags=["exports"], response_class=StreamingResponse,
             responses={200: {"content": {"text/csv": {}}}})
    def export_csv(who: Reader, filters: Filters) -> StreamingResponse:
        return StreamingResponse(_csv_rows(store, profile, filters), media_type="text/csv",
                                 headers={"Content-Disposition": 'attachment; filename="events.csv"'})

    @app.get("/events.geojson", tags=["exports"], response_class=StreamingResponse,
             responses={200: {"content": {"application/geo+json": {}}}})
    def export_geojson(who: Reader, filters: Filters) -> StreamingResponse:
        return StreamingResponse(_geojson(store, profile, filters), media_type="application/geo+json")

    @app.get("/events/{event_id}", response_model=EventOut, tags=["events"],
             responses={404: {"model": ErrorOut}, 308: {"description": "merged into another event"}})
    def get_event(event_id: str, who: Reader, request: Request) -> Any:
        """An event: its reports, consensus, conflicts (with review), revision history, the pairwise evidence
        that joined its reports, and its clustering history (merges, splits). A merged event redirects (308)."""
        try:
            return store.get_event(event_id)
        except Moved as moved:
            return RedirectResponse(str(request.url_for("get_event", event_id=moved.target)), status_code=308)

    @app.get("/events/{event_id}/audit", response_model=list[AuditEntry], tags=["events"],
             responses={404: {"model": ErrorOut}})
    def get_audit(event_id: str, who: Reader) -> Any:
        """Every change to the event, oldest first: reports joining, merges, splits, reviews, by whom."""
        return store.audit(event_id)

    @app.post("/events/{event_id}/split", response_model=OverrideOut, tags=["review"],
              responses={404: {"model": ErrorOut}, 308: {"description": "merged into another event"}})
    async def split(event_id: str, body: SplitIn, who: Reviewer, request: Request) -> Any:
        parts = [[(store.canonical_source(r.source), r.id) for r in part] for part in body.parts]
        try:
            return await _run(lambda: store.split(event_id, parts, actor=who.name, note=body.note))
        except Moved as moved:
            raise ApiError(409, "event_merged", f"event {event_id} was merged into {moved.target}",
                           [{"field": "event_id", "reason": f"now {moved.target}"}]) from None

    @app.post("/events/merge", response_model=OverrideOut, tags=["review"], responses={404: {"model": ErrorOut}})
    async def merge(body: MergeIn, who: Reviewer) -> Any:
        try:
            return await _run(lambda: store.merge(body.events, actor=who.name, note=body.note))
        except Moved as moved:
            raise ApiError(409, "event_merged", f"an event was merged into {moved.target}",
                           [{"field": "events", "reason": f"use {moved.target}"}]) from None

    @app.get("/conflicts", response_model=ConflictPage, tags=["review"])
    def list_conflicts(who: Reader, filters: Filters, limit: Limit = 50, offset: Offset = 0) -> Any:
        return store.list_conflicts(filters, limit=limit, offset=offset)

    @app.patch("/conflicts/{conflict_id}", response_model=ConflictOut, tags=["review"],
               responses={404: {"model": ErrorOut}})
    async def review(conflict_id: Annotated[int, Path(ge=1, le=2**62)], body: ReviewIn,
                     who: Reviewer) -> Any:
        """Acknowledge or resolve a flag (or reopen it), with a note and optionally the value accepted."""
        return await _run(lambda: store.review(conflict_id, status=body.status, note=body.note,
                                               accepted=body.accepted, actor=who.name))

    @app.get("/explain", response_model=ExplainOut, tags=["events"], responses={404: {"model": ErrorOut}})
    def explain(a_source: str, a_id: str, b_source: str, b_id: str, who: Reader) -> Any:
        """The per-field evidence behind joining or splitting two stored reports."""
        canon = store.canonical_source
        return store.explain((canon(a_source), a_id), (canon(b_source), b_id))

    # ---------------------------------------------------------------------------- batches

    @app.post("/batches", response_model=BatchOut, status_code=202, tags=["batches"],
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/x-ndjson": {"schema": {"type": "string", "format": "binary"}},
                  "text/csv": {"schema": {"type": "string", "format": "binary"}},
                  "multipart/form-data": {"schema": {"type": "object", "properties": {
                      "file": {"type": "string", "format": "binary"}}, "required": ["file"]}}}}})
    async def upload(request: Request, who: Submitter,
                     filename: Annotated[str, Query(max_length=300)] = "upload.jsonl",
                     format: Literal["jsonl", "csv"] | None = None) -> Any:
        """Upload an archive (JSONL or CSV, as the raw body or a multipart `file`); it is processed in the
        background. Poll `GET /batches/{id}` for progress, counts and rejects."""
        batch_id = new_batch_id()
        path = data_dir / f"{batch_id}.upload"
        ctype = request.headers.get("content-type", "")
        size = 0
        head = b""
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("wb") as f:
                if ctype.startswith("multipart/form-data"):
                    async with request.form(max_files=1, max_fields=10,
                                            max_part_size=settings.max_upload_bytes) as form:
                        upload_file = form.get("file")
                        if upload_file is None or isinstance(upload_file, str):
                            raise ApiError(422, "invalid_request", "a multipart upload needs a `file` part",
                                           [{"field": "file", "reason": "missing"}])
                        filename = upload_file.filename or filename
                        while piece := await upload_file.read(1 << 20):
                            size += len(piece)
                            if size > settings.max_upload_bytes:
                                raise ApiError(413, "upload_too_large",
                                               f"upload over {settings.max_upload_bytes} bytes")
                            head = head or piece[:512]
                            f.write(piece)
                else:
                    async for piece in request.stream():
                        size += len(piece)
                        if size > settings.max_upload_bytes:
                            raise ApiError(413, "upload_too_large", f"upload over {settings.max_upload_bytes} bytes")
                        head = head or piece[:512]
                        f.write(piece)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        if size == 0:
            path.unlink(missing_ok=True)
            raise ApiError(422, "invalid_request", "the upload is empty", [{"field": "body", "reason": "empty"}])
        declared = format or ("csv" if "csv" in ctype else "jsonl" if "ndjson" in ctype or "jsonl" in ctype
                              else None)
        fmt = batch_format(filename, declared, head)
        if fmt not in FORMATS:
            path.unlink(missing_ok=True)
            raise ApiError(422, "invalid_request", f"batches take JSONL or CSV, not {fmt}",
                           [{"field": "format", "reason": f"unsupported: {fmt}"}])
        now = time.time()
        sources = "*" if who.sources is None else "|" + "|".join(sorted(who.sources)) + "|"

        def work(conn: Any) -> None:
            conn.execute(insert(BatchRow).values(id=batch_id, status="queued", filename=filename, path=str(path),
                                                 format=fmt, bytes=size, submitted_by=who.name, sources=sources,
                                                 created_at=now, updated_at=now))

        await _run(lambda: db.write(work))
        runner.wake()
        return _batch(batch_id, who)

    def _batch(batch_id: str, who: Principal) -> dict[str, Any]:
        with db.read() as conn:
            b = conn.execute(select(BatchRow).where(BatchRow.id == batch_id)).first()
            if b is None:
                raise ApiError(404, "not_found", f"no batch {batch_id!r}")
            if "read" not in who.permissions and b.submitted_by != who.name:
                raise ApiError(403, "forbidden", "a submitter sees only its own batches")
            total = conn.execute(select(func.count()).select_from(BatchRejectRow)
                                 .where(BatchRejectRow.batch_id == batch_id)).scalar_one()
            rejects = [orjson.loads(r.detail) for r in conn.execute(
                select(BatchRejectRow.detail).where(BatchRejectRow.batch_id == batch_id)
                .order_by(BatchRejectRow.pk).limit(1000))]
        return batch_dict(b, rejects, total)

    @app.get("/batches/{batch_id}", response_model=BatchOut, tags=["batches"], responses={404: {"model": ErrorOut}})
    def get_batch(batch_id: str, who: Anyone) -> Any:
        """A batch's progress (0..1), counts, and its rejects (the first 1000; `rejects_total` counts all)."""
        return _batch(batch_id, who)

    mount_ui(app)
    return app


async def _run(fn: Any) -> Any:
    """Blocking store work off the event loop."""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn)


def _csv_rows(store: Store, profile: Profile, filters: dict[str, Any]) -> Iterator[str]:
    cols = csv_header(profile)  # the columns of `reconcile batch --format csv`
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(cols)
    for doc in store.iter_event_docs(filters):
        row: list[Any] = [doc["id"], len(doc["reports"]), " ".join(sorted({r["source"] for r in doc["reports"]}))]
        for name, spec in profile.fields.items():
            c = doc.get(name)
            if spec.kind in ("time", "quantity", "count"):
                row += ["", "", ""] if c is None else [c.get("best"), c.get("low"), c.get("high")]
            elif spec.kind == "point":
                row += ["", "", ""] if c is None else [c.get("lat"), c.get("lon"), c.get("radius")]
            else:
                row.append(c.get("text" if spec.kind == "text" else "code") or "" if c else "")
        major = sum(1 for c in doc["conflicts"] if c["severity"] == "major")
        row += [major, len(doc["conflicts"]) - major,
                " | ".join(f"{c['field']}: {c['message']}" for c in doc["conflicts"])]
        writer.writerow(row)
        if buf.tell() > 65536:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def _geojson(store: Store, profile: Profile, filters: dict[str, Any]) -> Iterator[bytes]:
    places = [n for n, s in profile.fields.items() if s.kind in ("point", "place")]
    yield b'{"type": "FeatureCollection", "features": ['
    first = True
    for doc in store.iter_event_docs(filters):
        points = [[doc[p]["lon"], doc[p]["lat"]] for p in places
                  if isinstance(doc.get(p), dict) and doc[p].get("lat") is not None]
        if not points:
            continue
        geometry = ({"type": "Point", "coordinates": points[0]} if len(points) == 1
                    else {"type": "LineString", "coordinates": points})
        props = {k: v for k, v in doc.items() if k not in ("reports", "history", "links")}
        props["reports"] = [f"{r['source']}:{r['id']}" for r in doc["reports"]]
        feature = {"type": "Feature", "id": doc["id"], "geometry": geometry, "properties": props}
        yield (b"" if first else b",") + orjson.dumps(feature)
        first = False
    yield b"]}"


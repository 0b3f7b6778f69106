"""The store's tables. The schema is created and upgraded by Alembic (``api/migrations``), never by
``create_all``; these classes are what the queries are written against."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ReportRow(Base):
    """A report as submitted (``raw``, verbatim JSON) with what the incremental clustering needs to find it:
    its time span, its lineage link, its component and its event."""

    __tablename__ = "reports"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(100))
    report_id: Mapped[str] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(String(32))
    raw: Mapped[str] = mapped_column(Text)
    supersedes: Mapped[str | None] = mapped_column(String(200), nullable=True)
    t_lo: Mapped[float] = mapped_column(Float)
    t_hi: Mapped[float] = mapped_column(Float)
    component: Mapped[int] = mapped_column(Integer, default=0)
    event_pk: Mapped[int | None] = mapped_column(ForeignKey("events.pk"), nullable=True)
    batch_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    submitted_by: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[float] = mapped_column(Float)
    __table_args__ = (
        UniqueConstraint("source", "report_id", name="uq_reports_source_id"),
        Index("ix_reports_t_lo", "t_lo"),
        Index("ix_reports_component", "component"),
        Index("ix_reports_event", "event_pk"),
        Index("ix_reports_supersedes", "source", "supersedes"),
    )


class EventRow(Base):
    """An event: the engine's document (``doc``) plus the columns the lists filter and sort on. An event merged
    into another keeps its row, with ``redirect_to`` naming the survivor."""

    __tablename__ = "events"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    redirect_to: Mapped[str | None] = mapped_column(String(40), nullable=True)
    t_best: Mapped[float | None] = mapped_column(Float, nullable=True)
    t_lo: Mapped[float | None] = mapped_column(Float, nullable=True)
    t_hi: Mapped[float | None] = mapped_column(Float, nullable=True)
    event_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    sources: Mapped[str] = mapped_column(String(1000), default="")  # "|JCS|JMOD|": a LIKE finds a source
    n_reports: Mapped[int] = mapped_column(Integer, default=0)
    n_major: Mapped[int] = mapped_column(Integer, default=0)
    n_minor: Mapped[int] = mapped_column(Integer, default=0)
    n_open: Mapped[int] = mapped_column(Integer, default=0)  # conflicts not yet acknowledged or resolved
    review: Mapped[str] = mapped_column(String(20), default="none")  # none | unreviewed | reviewed
    doc: Mapped[str] = mapped_column(Text, default="{}")
    search: Mapped[str] = mapped_column(Text, default="")  # lower-cased words the list's search matches
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)
    __table_args__ = (
        Index("ix_events_t_best", "t_best"),
        Index("ix_events_review", "review", "t_best"),
        Index("ix_events_redirect", "redirect_to"),  # what was merged into an event (every read and merge)
    )


class ConflictRow(Base):
    """A conflict flag: one per event and field. Cleared flags stay (``active`` false) with their review; a flag
    that comes back with the same values keeps its review, with other values it is open again."""

    __tablename__ = "conflicts"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_pk: Mapped[int] = mapped_column(ForeignKey("events.pk"))
    field: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    values: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | acknowledged | resolved
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    accepted: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    reviewed_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)
    __table_args__ = (
        UniqueConstraint("event_pk", "field", name="uq_conflicts_event_field"),
        Index("ix_conflicts_filter", "active", "severity", "status"),
        Index("ix_conflicts_event", "event_pk", "active", "severity", "status"),  # the lists' EXISTS per event
    )


class AuditRow(Base):
    """Every change to an event: reports joining, merges and splits (by the engine or an analyst), reviews."""

    __tablename__ = "audit"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(40))
    conflict_pk: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    at: Mapped[float] = mapped_column(Float)
    __table_args__ = (Index("ix_audit_event", "event_id", "pk"),)


class ConstraintRow(Base):
    """An analyst's override between two reports: ``must`` (merged) or ``cannot`` (split)."""

    __tablename__ = "constraints"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    a_source: Mapped[str] = mapped_column(String(100))
    a_id: Mapped[str] = mapped_column(String(200))
    b_source: Mapped[str] = mapped_column(String(100))
    b_id: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(100))
    at: Mapped[float] = mapped_column(Float)
    __table_args__ = (
        UniqueConstraint("a_source", "a_id", "b_source", "b_id", name="uq_constraints_pair"),
        Index("ix_constraints_b", "b_source", "b_id"),
    )


class BatchRow(Base):
    """An uploaded archive and how far its processing got: ``offset`` (bytes) and ``lines_done`` advance in the
    same transaction as the reports of each chunk, so a killed batch resumes exactly where it stopped."""

    __tablename__ = "batches"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))  # uploading | queued | running | done | failed
    filename: Mapped[str] = mapped_column(String(300))
    path: Mapped[str] = mapped_column(String(1000))
    format: Mapped[str] = mapped_column(String(10))
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    lines_done: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    submitted_by: Mapped[str] = mapped_column(String(100))
    sources: Mapped[str] = mapped_column(Text, default="*")  # the sources the uploader may submit as
    owner: Mapped[str | None] = mapped_column(String(60), nullable=True)
    heartbeat: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)


class BatchRejectRow(Base):
    __tablename__ = "batch_rejects"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id"))
    line: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text)
    __table_args__ = (Index("ix_batch_rejects_batch", "batch_id", "line"),)


class MetaRow(Base):
    """Store-wide numbers: ``max_width``, the widest time span stored (bounds every window query)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[float] = mapped_column(Float)

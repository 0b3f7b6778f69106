"""Event search words; indexes for the per-event conflict filters and for merged events

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

The event list's filters on conflict field/severity/status run an EXISTS over each event's conflicts; without an
index led by the event, SQLite scanned every conflict of that severity per event (minutes at 100k events). Every
event read and every merge looks up the events redirected to it: without an index, a scan of all events.
"""

from __future__ import annotations

import orjson
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from api.store import search_text

    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(sa.Column("search", sa.Text(), nullable=False, server_default=""))
    op.create_index("ix_conflicts_event", "conflicts", ["event_pk", "active", "severity", "status"])
    op.create_index("ix_events_redirect", "events", ["redirect_to"])
    conn = op.get_bind()
    events = sa.table("events", sa.column("pk", sa.Integer), sa.column("doc", sa.Text),
                      sa.column("search", sa.Text))
    last = 0
    while True:  # existing events, a page at a time
        rows = conn.execute(sa.select(events.c.pk, events.c.doc).where(events.c.pk > last)
                            .order_by(events.c.pk).limit(2000)).all()
        if not rows:
            break
        for pk, doc in rows:
            data = orjson.loads(doc)
            if data.get("reports"):
                conn.execute(events.update().where(events.c.pk == pk).values(search=search_text(data)))
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_events_redirect", table_name="events")
    op.drop_index("ix_conflicts_event", table_name="conflicts")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("search")

"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-24 22:37:03.453670
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('audit',
    sa.Column('pk', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.String(length=40), nullable=False),
    sa.Column('conflict_pk', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('pk')
    )
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event', ['event_id', 'pk'], unique=False)

    op.create_table('batches',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('path', sa.String(length=1000), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('bytes', sa.BigInteger(), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('lines_done', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('submitted_by', sa.String(length=100), nullable=False),
    sa.Column('sources', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=60), nullable=True),
    sa.Column('heartbeat', sa.Float(), nullable=True),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('constraints',
    sa.Column('pk', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('a_source', sa.String(length=100), nullable=False),
    sa.Column('a_id', sa.String(length=200), nullable=False),
    sa.Column('b_source', sa.String(length=100), nullable=False),
    sa.Column('b_id', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('a_source', 'a_id', 'b_source', 'b_id', name='uq_constraints_pair')
    )
    with op.batch_alter_table('constraints', schema=None) as batch_op:
        batch_op.create_index('ix_constraints_b', ['b_source', 'b_id'], unique=False)

    op.create_table('events',
    sa.Column('pk', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('redirect_to', sa.String(length=40), nullable=True),
    sa.Column('t_best', sa.Float(), nullable=True),
    sa.Column('t_lo', sa.Float(), nullable=True),
    sa.Column('t_hi', sa.Float(), nullable=True),
    sa.Column('event_type', sa.String(length=100), nullable=True),
    sa.Column('sources', sa.String(length=1000), nullable=False),
    sa.Column('n_reports', sa.Integer(), nullable=False),
    sa.Column('n_major', sa.Integer(), nullable=False),
    sa.Column('n_minor', sa.Integer(), nullable=False),
    sa.Column('n_open', sa.Integer(), nullable=False),
    sa.Column('review', sa.String(length=20), nullable=False),
    sa.Column('doc', sa.Text(), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('id')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_review', ['review', 't_best'], unique=False)
        batch_op.create_index('ix_events_t_best', ['t_best'], unique=False)

    op.create_table('meta',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('batch_rejects',
    sa.Column('pk', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.String(length=40), nullable=False),
    sa.Column('line', sa.Integer(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], ),
    sa.PrimaryKeyConstraint('pk')
    )
    with op.batch_alter_table('batch_rejects', schema=None) as batch_op:
        batch_op.create_index('ix_batch_rejects_batch', ['batch_id', 'line'], unique=False)

    op.create_table('conflicts',
    sa.Column('pk', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('event_pk', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=100), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('values', sa.Text(), nullable=False),
    sa.Column('signature', sa.String(length=40), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('accepted', sa.Text(), nullable=True),
    sa.Column('reviewed_by', sa.String(length=100), nullable=True),
    sa.Column('reviewed_at', sa.Float(), nullable=True),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['event_pk'], ['events.pk'], ),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('event_pk', 'field', name='uq_conflicts_event_field')
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index('ix_conflicts_filter', ['active', 'severity', 'status'], unique=False)

    op.create_table('reports',
    sa.Column('pk', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('report_id', sa.String(length=200), nullable=False),
    sa.Column('digest', sa.String(length=32), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('supersedes', sa.String(length=200), nullable=True),
    sa.Column('t_lo', sa.Float(), nullable=False),
    sa.Column('t_hi', sa.Float(), nullable=False),
    sa.Column('component', sa.Integer(), nullable=False),
    sa.Column('event_pk', sa.Integer(), nullable=True),
    sa.Column('batch_id', sa.String(length=40), nullable=True),
    sa.Column('submitted_by', sa.String(length=100), nullable=False),
    sa.Column('received_at', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['event_pk'], ['events.pk'], ),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('source', 'report_id', name='uq_reports_source_id')
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_component', ['component'], unique=False)
        batch_op.create_index('ix_reports_event', ['event_pk'], unique=False)
        batch_op.create_index('ix_reports_supersedes', ['source', 'supersedes'], unique=False)
        batch_op.create_index('ix_reports_t_lo', ['t_lo'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_t_lo')
        batch_op.drop_index('ix_reports_supersedes')
        batch_op.drop_index('ix_reports_event')
        batch_op.drop_index('ix_reports_component')

    op.drop_table('reports')
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index('ix_conflicts_filter')

    op.drop_table('conflicts')
    with op.batch_alter_table('batch_rejects', schema=None) as batch_op:
        batch_op.drop_index('ix_batch_rejects_batch')

    op.drop_table('batch_rejects')
    op.drop_table('meta')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_t_best')
        batch_op.drop_index('ix_events_review')

    op.drop_table('events')
    with op.batch_alter_table('constraints', schema=None) as batch_op:
        batch_op.drop_index('ix_constraints_b')

    op.drop_table('constraints')
    op.drop_table('batches')
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event')

    op.drop_table('audit')


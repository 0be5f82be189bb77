"""Audit every change of data: the record a line is about and the records it belongs to

Revision ID: 5b1d0c7e2a90
Revises: 12789997bc1f
Create Date: 2026-12-08 04:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '5b1d0c7e2a90'
down_revision = '12789997bc1f'
branch_labels = None
depends_on = None


# Plain ADD COLUMN (no batch rebuild): rebuilding audit_event on SQLite would drop its append-only triggers.
def upgrade() -> None:
    op.add_column('audit_event', sa.Column('record', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                                           server_default=''))
    op.add_column('audit_event', sa.Column('subjects', sa.Text(), nullable=False, server_default=''))
    op.create_index(op.f('ix_audit_event_record'), 'audit_event', ['record'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_audit_event_record'), table_name='audit_event')
    if op.get_bind().dialect.name == "postgresql":
        op.drop_column('audit_event', 'subjects')
        op.drop_column('audit_event', 'record')
    else:  # SQLite 3.35+ drops a column in place, keeping the triggers
        op.execute("ALTER TABLE audit_event DROP COLUMN subjects")
        op.execute("ALTER TABLE audit_event DROP COLUMN record")

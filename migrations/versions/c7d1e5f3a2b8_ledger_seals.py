"""The ledger's seals: one HMAC-SHA-256 per ballot event, chained over the whole ledger (docs/ledger.md)

Revision ID: c7d1e5f3a2b8
Revises: a3f9d2c4e611
Create Date: 2026-12-08 05:00:00

Events written before this revision are sealed, in their stored order, by the application the first time it
seals (tracker/services/seals.py `seal_legacy`): the key is kept outside the database, where a migration does
not look.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'c7d1e5f3a2b8'
down_revision = 'a3f9d2c4e611'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ledger_seal',
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('key_id', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('prev_mac', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('mac', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['ballot_event.id'], name=op.f('fk_ledger_seal_event_id_ballot_event')),
    sa.PrimaryKeyConstraint('position', name=op.f('pk_ledger_seal')),
    sa.UniqueConstraint('event_id', name=op.f('uq_ledger_seal_event_id'))
    )
    if op.get_bind().dialect.name == "postgresql":  # tracker_refuse_change() comes with the ballot event log
        op.execute("CREATE TRIGGER ledger_seal_append_only BEFORE UPDATE OR DELETE ON ledger_seal FOR EACH ROW "
                   "EXECUTE FUNCTION tracker_refuse_change()")
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER ledger_seal_append_only_{event.lower()} BEFORE {event} ON ledger_seal "
                   "FOR EACH ROW BEGIN SELECT RAISE(ABORT, 'tracker: ledger_seal rows cannot be changed'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER ledger_seal_append_only ON ledger_seal")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER ledger_seal_append_only_{event}")
    op.drop_table('ledger_seal')

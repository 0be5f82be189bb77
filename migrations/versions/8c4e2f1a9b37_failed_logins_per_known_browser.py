"""Failed logins counted per known browser (device cookies)

Revision ID: 8c4e2f1a9b37
Revises: 5b1d0c7e2a90
Create Date: 2026-12-08 04:20:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '8c4e2f1a9b37'
down_revision = '5b1d0c7e2a90'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_column('device')

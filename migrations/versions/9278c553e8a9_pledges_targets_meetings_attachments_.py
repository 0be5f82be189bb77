"""pledges targets meetings attachments score sheets

Revision ID: 9278c553e8a9
Revises: e4935f4313d7
Create Date: 2026-11-24
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '9278c553e8a9'
down_revision = 'e4935f4313d7'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cluster_year_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('group', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('max_points', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cluster_year_id'], ['cluster_year.id'], name=op.f('fk_criterion_cluster_year_id_cluster_year'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criterion')),
    sa.UniqueConstraint('cluster_year_id', 'code', name='uq_criterion_cluster_year_code')
    )
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criterion_cluster_year_id'), ['cluster_year_id'], unique=False)

    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cluster_year_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('group', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cluster_year_id'], ['cluster_year.id'], name=op.f('fk_indicator_cluster_year_id_cluster_year'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
    sa.UniqueConstraint('cluster_year_id', 'name', name='uq_indicator_cluster_year_name')
    )
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_cluster_year_id'), ['cluster_year_id'], unique=False)

    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cluster_year_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('host_board_id', sa.Integer(), nullable=True),
    sa.Column('delegates', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('decisions', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cluster_year_id'], ['cluster_year.id'], name=op.f('fk_meeting_cluster_year_id_cluster_year'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['host_board_id'], ['board.id'], name=op.f('fk_meeting_host_board_id_board')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_cluster_year_id'), ['cluster_year_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_host_board_id'), ['host_board_id'], unique=False)

    op.create_table('pledge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cluster_year_id', sa.Integer(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('host_board_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cluster_year_id'], ['cluster_year.id'], name=op.f('fk_pledge_cluster_year_id_cluster_year'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['host_board_id'], ['board.id'], name=op.f('fk_pledge_host_board_id_board')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge')),
    sa.UniqueConstraint('cluster_year_id', name=op.f('uq_pledge_cluster_year_id'))
    )
    with op.batch_alter_table('pledge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledge_host_board_id'), ['host_board_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('original_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('caption', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_attachment_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by'], ['user.id'], name=op.f('fk_attachment_uploaded_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachment_stored_name'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_uploaded_by'), ['uploaded_by'], unique=False)

    op.create_table('meeting_board',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['board.id'], name=op.f('fk_meeting_board_board_id_board')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_board_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'board_id', name=op.f('pk_meeting_board'))
    )
    op.create_table('score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('self_score', sa.String(length=40), nullable=True),
    sa.Column('agreed', sa.String(length=40), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['board.id'], name=op.f('fk_score_board_id_board')),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], name=op.f('fk_score_criterion_id_criterion'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score')),
    sa.UniqueConstraint('criterion_id', 'board_id', name='uq_score_criterion_board')
    )
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_criterion_id'), ['criterion_id'], unique=False)

    op.create_table('signature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('signed', sa.Boolean(), nullable=False),
    sa.Column('signer', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['board.id'], name=op.f('fk_signature_board_id_board')),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id'], name=op.f('fk_signature_pledge_id_pledge'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signature')),
    sa.UniqueConstraint('pledge_id', 'board_id', name='uq_signature_pledge_board')
    )
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signature_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signature_pledge_id'), ['pledge_id'], unique=False)

    op.create_table('target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=40), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('actual', sa.String(length=40), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['board.id'], name=op.f('fk_target_board_id_board')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_target_indicator_id_indicator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target')),
    sa.UniqueConstraint('indicator_id', 'board_id', name='uq_target_indicator_board')
    )
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_target_indicator_id'), ['indicator_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_indicator_id'))
        batch_op.drop_index(batch_op.f('ix_target_board_id'))

    op.drop_table('target')
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signature_pledge_id'))
        batch_op.drop_index(batch_op.f('ix_signature_board_id'))

    op.drop_table('signature')
    with op.batch_alter_table('score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_criterion_id'))
        batch_op.drop_index(batch_op.f('ix_score_board_id'))

    op.drop_table('score')
    op.drop_table('meeting_board')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_uploaded_by'))
        batch_op.drop_index(batch_op.f('ix_attachment_meeting_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('pledge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledge_host_board_id'))

    op.drop_table('pledge')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_host_board_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_cluster_year_id'))

    op.drop_table('meeting')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_cluster_year_id'))

    op.drop_table('indicator')
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criterion_cluster_year_id'))

    op.drop_table('criterion')


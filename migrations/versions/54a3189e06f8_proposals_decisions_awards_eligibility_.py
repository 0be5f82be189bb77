"""proposals decisions awards eligibility rules

Revision ID: 54a3189e06f8
Revises: 9278c553e8a9
Create Date: 2026-11-24
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '54a3189e06f8'
down_revision = '9278c553e8a9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('signer_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('signer_title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('scan_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('scan_original', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('scan_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['authority.id'], name=op.f('fk_decision_authority_id_authority')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision')),
    sa.UniqueConstraint('number', 'decided_on', name='uq_decision_number_decided_on')
    )
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_authority_id'), ['authority_id'], unique=False)

    op.create_table('eligibility_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('award_type_id', sa.Integer(), nullable=True),
    sa.Column('required_award_type_id', sa.Integer(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.Column('citation', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('from_year', sa.Integer(), nullable=True),
    sa.Column('to_year', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['award_type_id'], ['award_type.id'], name=op.f('fk_eligibility_rule_award_type_id_award_type')),
    sa.ForeignKeyConstraint(['required_award_type_id'], ['award_type.id'], name=op.f('fk_eligibility_rule_required_award_type_id_award_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eligibility_rule'))
    )
    with op.batch_alter_table('eligibility_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eligibility_rule_award_type_id'), ['award_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_eligibility_rule_required_award_type_id'), ['required_award_type_id'], unique=False)

    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cluster_year_id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('award_type_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('votes', sa.Integer(), nullable=True),
    sa.Column('share', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('submission_number', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('submission_date', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('override_reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['award_type_id'], ['award_type.id'], name=op.f('fk_proposal_award_type_id_award_type')),
    sa.ForeignKeyConstraint(['board_id'], ['board.id'], name=op.f('fk_proposal_board_id_board')),
    sa.ForeignKeyConstraint(['cluster_year_id'], ['cluster_year.id'], name=op.f('fk_proposal_cluster_year_id_cluster_year')),
    sa.ForeignKeyConstraint(['round_id'], ['ballot_round.id'], name=op.f('fk_proposal_round_id_ballot_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal')),
    sa.UniqueConstraint('cluster_year_id', 'board_id', 'award_type_id', name='uq_proposal_cluster_year_board_award')
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_award_type_id'), ['award_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_cluster_year_id'), ['cluster_year_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_round_id'), ['round_id'], unique=False)

    op.create_table('award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('award_type_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['award_type_id'], ['award_type.id'], name=op.f('fk_award_award_type_id_award_type')),
    sa.ForeignKeyConstraint(['board_id'], ['board.id'], name=op.f('fk_award_board_id_board')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_award_decision_id_decision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_award_proposal_id_proposal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award')),
    sa.UniqueConstraint('board_id', 'award_type_id', 'year', name='uq_award_board_award_year')
    )
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_award_type_id'), ['award_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposal_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_event_proposal_id_proposal')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_proposal_event_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_event'))
    )
    with op.batch_alter_table('proposal_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_event_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_event_user_id'), ['user_id'], unique=False)

    # The two rules the law states for every year (domain.md section 4); administrators add the others.
    op.execute(sa.text(
        "INSERT INTO eligibility_rule (kind, award_type_id, required_award_type_id, count, citation, from_year, "
        "to_year, active, version) VALUES ('one_per_year', NULL, NULL, NULL, :one, NULL, NULL, :yes, 1)"
    ).bindparams(one="Một thành tích chỉ được đề nghị một hình thức khen thưởng (Luật Thi đua, khen thưởng "
                     "số 06/2022/QH15).", yes=True))
    op.execute(sa.text(
        "INSERT INTO eligibility_rule (kind, award_type_id, required_award_type_id, count, citation, from_year, "
        "to_year, active, version) SELECT 'leads_cluster', id, NULL, NULL, :lead, NULL, NULL, :yes, 1 "
        "FROM award_type WHERE code = 'CO_CP'"
    ).bindparams(lead="Cờ thi đua của Chính phủ xét tặng cho tập thể tiêu biểu trong số các đơn vị dẫn đầu cụm, "
                      "khối thi đua (Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 25).", yes=True))


def downgrade() -> None:
    with op.batch_alter_table('proposal_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_event_user_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_event_proposal_id'))

    op.drop_table('proposal_event')
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_award_decision_id'))
        batch_op.drop_index(batch_op.f('ix_award_board_id'))
        batch_op.drop_index(batch_op.f('ix_award_award_type_id'))

    op.drop_table('award')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_round_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_cluster_year_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_board_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_award_type_id'))

    op.drop_table('proposal')
    with op.batch_alter_table('eligibility_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eligibility_rule_required_award_type_id'))
        batch_op.drop_index(batch_op.f('ix_eligibility_rule_award_type_id'))

    op.drop_table('eligibility_rule')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_authority_id'))

    op.drop_table('decision')

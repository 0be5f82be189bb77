"""A round keeps the voting rule it was opened with (its second entry included)

Revision ID: a3f9d2c4e611
Revises: 8c4e2f1a9b37
Create Date: 2026-12-08 04:40:00

Rounds opened before this migration are given their year's rule as saved now: the best record there is of the
rule they were opened with (the counts each revision stored keep the quorum, threshold, base and tie-break they
were counted under in any case).
"""
import json

import sqlalchemy as sa
from alembic import op

revision = 'a3f9d2c4e611'
down_revision = '8c4e2f1a9b37'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('ballot_round', sa.Column('rule', sa.Text(), nullable=False, server_default=''))
    connection = op.get_bind()
    rules = connection.execute(sa.text(
        "SELECT cluster_year_id, quorum_num, quorum_den, threshold_num, threshold_den, base, strict, tie_break, "
        "second_entry, citation FROM voting_rule")).all()
    for row in rules:
        kept = json.dumps({"quorum": f"{row.quorum_num}/{row.quorum_den}",
                           "threshold": f"{row.threshold_num}/{row.threshold_den}", "base": row.base,
                           "strict": bool(row.strict), "tie_break": row.tie_break,
                           "second_entry": bool(row.second_entry), "citation": row.citation},
                          sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        connection.execute(sa.text("UPDATE ballot_round SET rule = :rule WHERE cluster_year_id = :cy"),
                           {"rule": kept, "cy": row.cluster_year_id})


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_column('ballot_round', 'rule')
    else:
        op.execute("ALTER TABLE ballot_round DROP COLUMN rule")

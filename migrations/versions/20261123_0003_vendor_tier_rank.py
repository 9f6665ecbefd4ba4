"""vendor.tier_rank: sort and filter "riskiest first" on an index

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

RANKS = {"low": 0, "medium": 1, "high": 2, "critical": 3}


def upgrade() -> None:
    with op.batch_alter_table('vendor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tier_rank', sa.SmallInteger(), nullable=True))
    cases = " ".join(f"WHEN '{tier}' THEN {rank}" for tier, rank in RANKS.items())
    op.execute(f"UPDATE vendor SET tier_rank = CASE tier {cases} END")
    with op.batch_alter_table('vendor', schema=None) as batch_op:
        batch_op.alter_column('tier_rank', existing_type=sa.SmallInteger(), nullable=False)
        batch_op.create_index(batch_op.f('ix_vendor_tier_rank'), ['tier_rank'], unique=False)
        batch_op.create_index('ix_vendor_status_tier_rank', ['status', 'tier_rank'], unique=False)
        batch_op.create_index('ix_vendor_owner_id_tier_rank', ['owner_id', 'tier_rank'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('vendor', schema=None) as batch_op:
        batch_op.drop_index('ix_vendor_owner_id_tier_rank')
        batch_op.drop_index('ix_vendor_status_tier_rank')
        batch_op.drop_index(batch_op.f('ix_vendor_tier_rank'))
        batch_op.drop_column('tier_rank')

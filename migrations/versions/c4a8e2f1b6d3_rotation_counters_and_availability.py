"""rotation_counters (rotate-owner turns) and users.available (rotations may skip users who are away)

Revision ID: c4a8e2f1b6d3
Revises: b7e3c1d2a9f4
Create Date: 2026-12-05 07:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a8e2f1b6d3'
down_revision = 'b7e3c1d2a9f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rotation_counters',
        sa.Column('workflow_id', sa.Integer(), nullable=False),
        sa.Column('node_id', sa.String(length=100), nullable=False),
        sa.Column('taken', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['workflow_id'], ['workflows.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('workflow_id', 'node_id'))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('available', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('available')
    op.drop_table('rotation_counters')

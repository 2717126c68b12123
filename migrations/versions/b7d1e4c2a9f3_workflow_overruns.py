"""workflows.overruns: advances over their CPU budget, counted to pause a workflow that keeps overrunning

Revision ID: b7d1e4c2a9f3
Revises: b7e1c2d3f4a5
Create Date: 2026-12-04 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d1e4c2a9f3'
down_revision = 'b7e1c2d3f4a5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('workflows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overruns', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('workflows', schema=None) as batch_op:
        batch_op.drop_column('overruns')

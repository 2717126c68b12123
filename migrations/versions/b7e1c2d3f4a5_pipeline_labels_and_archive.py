"""pipeline labels and archived stages

Revision ID: b7e1c2d3f4a5
Revises: 16c8bfdfb076
Create Date: 2026-12-04 15:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1c2d3f4a5'
down_revision = '16c8bfdfb076'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('object_types') as batch:
        batch.add_column(sa.Column('pipeline_meta', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('object_types') as batch:
        batch.drop_column('pipeline_meta')

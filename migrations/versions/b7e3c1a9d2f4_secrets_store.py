"""secrets store: named, encrypted credentials for webhooks

Revision ID: b7e3c1a9d2f4
Revises: b7d1e4c2a9f3
Create Date: 2026-12-04 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import store.db  # noqa: F401  (custom column types used below)


# revision identifiers, used by Alembic.
revision = 'b7e3c1a9d2f4'
down_revision = 'b7d1e4c2a9f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('secrets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('sealed_value', sa.Text(), nullable=False),
    sa.Column('created_at', store.db.UTCDateTime(), nullable=True),
    sa.Column('updated_at', store.db.UTCDateTime(), nullable=True),
    sa.Column('updated_by', sa.String(length=80), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_secrets')),
    sa.UniqueConstraint('name', name=op.f('uq_secrets_name'))
    )


def downgrade():
    op.drop_table('secrets')

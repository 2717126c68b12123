"""audit: who did what to which workflow, setting, user, token or task, and when

Revision ID: c4a9e2f1b7d3
Revises: c4a8e2f1b6d3
Create Date: 2026-12-05 07:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a9e2f1b7d3'
down_revision = 'c4a8e2f1b6d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=True),
        sa.Column('actor', sa.String(length=80), nullable=False),
        sa.Column('via', sa.String(length=10), nullable=False),
        sa.Column('token_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('object_type', sa.String(length=30), nullable=False),
        sa.Column('object_id', sa.String(length=100), nullable=False),
        sa.Column('object_name', sa.String(length=200), nullable=True),
        sa.Column('summary', sa.String(length=500), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit')),
    )
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_actor'), ['actor'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_action'), ['action'], unique=False)
        batch_op.create_index('ix_audit_object', ['object_type', 'object_id'], unique=False)


def downgrade():
    op.drop_table('audit')

"""record related link and filtered-out enrollments

A task record names the record it is about (records.related_id); an enrollment refusal says whether
the workflow refused the record or its trigger's filter left it out (enrollment_refusals.kind).

Revision ID: b3e1f0a7c2d4
Revises: b7e3c1a9d2f4
Create Date: 2026-12-04 15:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b3e1f0a7c2d4'
down_revision = 'b7e3c1a9d2f4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('related_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_records_related_id'), ['related_id'], unique=False)
    with op.batch_alter_table('enrollment_refusals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), nullable=False, server_default='refused'))
        batch_op.create_index('ix_enrollment_refusals_record_id', ['record_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('enrollment_refusals', schema=None) as batch_op:
        batch_op.drop_index('ix_enrollment_refusals_record_id')
        batch_op.drop_column('kind')
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_records_related_id'))
        batch_op.drop_column('related_id')

"""folders for workflows, and the enrollment history (every outcome, not only refusals)

Workflows may sit in a folder (folders, workflows.folder_id). enrollment_refusals becomes enrollments: it also
keeps the enrolled outcome with its run (run_id), and is indexed for a workflow's history and for pruning old
filter-outs. A partial index on failed runs serves the list's "failures in 7 days".

Revision ID: c5a8e2f1d3b7
Revises: d5b8f3a2c6e1
Create Date: 2026-12-05 07:30:00

"""
from alembic import op
import sqlalchemy as sa

import store.db


revision = 'c5a8e2f1d3b7'
down_revision = 'd5b8f3a2c6e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('folders',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('name', sa.String(length=100), nullable=False),
                    sa.Column('created_at', store.db.UTCDateTime(), nullable=True),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_folders')))
    op.create_index('uq_folders_name_lower', 'folders', [sa.text('lower(name)')], unique=True)
    with op.batch_alter_table('workflows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('folder_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_workflows_folder_id'), ['folder_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_workflows_folder_id_folders'), 'folders', ['folder_id'], ['id'],
                                    ondelete='SET NULL')
    with op.batch_alter_table('enrollment_refusals', schema=None) as batch_op:
        batch_op.drop_index('ix_enrollment_refusals_record_id')
        batch_op.drop_index('ix_enrollment_refusals_workflow_id')
    op.rename_table('enrollment_refusals', 'enrollments')
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('run_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_enrollments_record_id', ['record_id', 'id'], unique=False)
        batch_op.create_index('ix_enrollments_workflow_id', ['workflow_id', 'id'], unique=False)
        batch_op.create_index('ix_enrollments_kind_created', ['kind', 'created_at'], unique=False)
    op.create_index('ix_runs_failed', 'runs', ['workflow_id', 'finished_at'], unique=False,
                    sqlite_where=sa.text("status = 'failed'"), postgresql_where=sa.text("status = 'failed'"))


def downgrade():
    op.drop_index('ix_runs_failed', table_name='runs')
    op.execute("DELETE FROM enrollments WHERE kind = 'enrolled'")
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_index('ix_enrollments_kind_created')
        batch_op.drop_index('ix_enrollments_workflow_id')
        batch_op.drop_index('ix_enrollments_record_id')
        batch_op.drop_column('run_id')
    op.rename_table('enrollments', 'enrollment_refusals')
    with op.batch_alter_table('enrollment_refusals', schema=None) as batch_op:
        batch_op.create_index('ix_enrollment_refusals_workflow_id', ['workflow_id'], unique=False)
        batch_op.create_index('ix_enrollment_refusals_record_id', ['record_id', 'id'], unique=False)
    with op.batch_alter_table('workflows', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_workflows_folder_id_folders'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_workflows_folder_id'))
        batch_op.drop_column('folder_id')
    op.drop_index('uq_folders_name_lower', table_name='folders')
    op.drop_table('folders')

"""failure alerts: failures waiting for the daily digest, and the digests sent

Revision ID: d5b8f3a2c6e1
Revises: c4a9e2f1b7d3
Create Date: 2026-12-05 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5b8f3a2c6e1'
down_revision = 'c4a9e2f1b7d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'alert_digests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_digests')),
        sa.UniqueConstraint('due_at', name=op.f('uq_alert_digests_due_at')),
    )
    op.create_table(
        'failure_alerts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workflow_id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=True),
        sa.Column('workflow_name', sa.String(length=200), nullable=False),
        sa.Column('node_id', sa.String(length=100), nullable=True),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('failed_at', sa.DateTime(), nullable=True),
        sa.Column('recipients', sa.JSON(), nullable=False),
        sa.Column('digest_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['digest_id'], ['alert_digests.id'],
                                name=op.f('fk_failure_alerts_digest_id_alert_digests'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_failure_alerts_run_id_runs'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['workflow_id'], ['workflows.id'],
                                name=op.f('fk_failure_alerts_workflow_id_workflows'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_failure_alerts')),
    )
    with op.batch_alter_table('failure_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_failure_alerts_digest_id'), ['digest_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_failure_alerts_workflow_id'), ['workflow_id'], unique=False)


def downgrade():
    op.drop_table('failure_alerts')
    op.drop_table('alert_digests')

"""report indexes: the period's dossiers and handovers read from covering indexes

Revision ID: b71e5d3c9a20
Revises: a8d2c4e7f105
Create Date: 2026-11-24 16:30:00
"""

from alembic import op


revision = 'b71e5d3c9a20'
down_revision = 'a8d2c4e7f105'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_unit_received')
        batch_op.create_index('ix_dossier_report', ['unit_id', 'received_at', 'finished_at', 'procedure_id', 'due_at',
                                                    'supplement_count', 'status', 'channel', 'paused_at',
                                                    'work_minutes'], unique=False)
        batch_op.create_index('ix_dossier_finished_received', ['finished_at', 'received_at', 'unit_id'], unique=False)
    with op.batch_alter_table('dossier_handover', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_handover_report', ['at', 'dossier_id', 'step_position', 'step_result',
                                                             'giver_user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dossier_handover', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_handover_report')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_finished_received')
        batch_op.drop_index('ix_dossier_report')
        batch_op.create_index('ix_dossier_unit_received', ['unit_id', 'received_at'], unique=False)

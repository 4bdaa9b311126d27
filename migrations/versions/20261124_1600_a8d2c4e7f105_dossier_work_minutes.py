"""dossier.work_minutes: working time from reception to finish (QĐ 766 indicator 2.2)

Revision ID: a8d2c4e7f105
Revises: e4beddb46ff6
Create Date: 2026-11-24 16:00:00

Dossiers finished before this revision get their value from the nightly
job (``app.services.reports.fill_work_minutes``), which needs each unit's
calendar: a migration does not load the application.
"""

from alembic import op
import sqlalchemy as sa


revision = 'a8d2c4e7f105'
down_revision = 'e4beddb46ff6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('work_minutes', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_column('work_minutes')

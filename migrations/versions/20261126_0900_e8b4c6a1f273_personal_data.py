"""personal data: when a dossier's or a turned-away request's personal data was erased at the end of its
retention; dossiers found by the applicant's ID number (access requests)

Revision ID: e8b4c6a1f273
Revises: d5a7e2c91f38
Create Date: 2026-11-26 09:00:00
"""

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime


revision = 'e8b4c6a1f273'
down_revision = 'd5a7e2c91f38'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_data_erased_at', UTCDateTime(), nullable=True))
        batch_op.create_index('ix_dossier_applicant_id_number', ['applicant_id_number'], unique=False)
    with op.batch_alter_table('non_reception', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_data_erased_at', UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('non_reception', schema=None) as batch_op:
        batch_op.drop_column('personal_data_erased_at')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_applicant_id_number')
        batch_op.drop_column('personal_data_erased_at')

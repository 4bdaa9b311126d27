"""dossier key index: the reports' handover join reads a dossier's unit and procedure index-only (PostgreSQL)

Revision ID: c3f19a7d2b64
Revises: b71e5d3c9a20
Create Date: 2026-11-25 09:00:00
"""

from alembic import op


revision = 'c3f19a7d2b64'
down_revision = 'b71e5d3c9a20'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index('ix_dossier_key', 'dossier', ['id'], unique=False,
                        postgresql_include=['unit_id', 'procedure_id'])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_dossier_key', table_name='dossier')

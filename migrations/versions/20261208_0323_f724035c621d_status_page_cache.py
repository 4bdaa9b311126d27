"""status page cache: the citizen's status page as last rendered, shared by every worker (issue 23)

Revision ID: f724035c621d
Revises: 9c79ef440500
Create Date: 2026-12-08 03:23:06.321143
"""

from alembic import op
import sqlalchemy as sa
import models.base


revision = 'f724035c621d'
down_revision = '9c79ef440500'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('status_page_cache',
    sa.Column('token', sa.String(length=43), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('etag', sa.String(length=40), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('made_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('valid_until', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_status_page_cache_dossier_id_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_status_page_cache'))
    )
    with op.batch_alter_table('status_page_cache', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_page_cache_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_status_page_cache_unit_id'), ['unit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('status_page_cache', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_page_cache_unit_id'))
        batch_op.drop_index(batch_op.f('ix_status_page_cache_dossier_id'))

    op.drop_table('status_page_cache')

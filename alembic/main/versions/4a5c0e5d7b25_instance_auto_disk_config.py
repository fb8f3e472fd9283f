"""Whether a server's disk is partitioned automatically (OS-DCF:diskConfig).

Revision ID: 4a5c0e5d7b25
Revises: 4a4c0e5d7b24
Create Date: 2026-12-08 00:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = '4a5c0e5d7b25'
down_revision = '4a4c0e5d7b24'
branch_labels = None
depends_on = None


def upgrade():
    # OS-DCF:diskConfig AUTO (true) or MANUAL (false, or NULL for the
    # servers that existed before the column, which were all MANUAL).
    op.add_column('instances', sa.Column('auto_disk_config', sa.Boolean))


def downgrade():
    # nova schemas only move forward; restore a backup to go back.
    raise NotImplementedError('downgrades are not supported')

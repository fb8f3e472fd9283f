"""The network information cache of instances.

Revision ID: 4a4c0e5d7b24
Revises: 4a3c0e5d7b23
Create Date: 2026-12-07 00:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = '4a4c0e5d7b24'
down_revision = '4a3c0e5d7b23'
branch_labels = None
depends_on = None


def upgrade():
    # The server's VIFs as JSON, beside its flavor: read with the
    # instance row, so listing servers costs no extra query.
    op.add_column('instance_extra', sa.Column('network_info', sa.Text))

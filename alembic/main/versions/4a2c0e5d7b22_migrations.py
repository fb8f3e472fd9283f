"""Migrations; old and new flavor of a resize.

Revision ID: 4a2c0e5d7b22
Revises: 4a1c0e5d7b21
Create Date: 2026-11-24 00:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = '4a2c0e5d7b22'
down_revision = '4a1c0e5d7b21'
branch_labels = None
depends_on = None

TABLE_KWARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


def _common():
    return [sa.Column('created_at', sa.DateTime),
            sa.Column('updated_at', sa.DateTime),
            sa.Column('deleted_at', sa.DateTime),
            sa.Column('deleted', sa.Integer, nullable=False)]


def upgrade():
    op.create_table(
        'migrations',
        *_common(),
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('uuid', sa.String(36)),
        sa.Column('source_compute', sa.String(255)),
        sa.Column('dest_compute', sa.String(255)),
        sa.Column('dest_host', sa.String(255)),
        sa.Column('status', sa.String(255)),
        sa.Column('instance_uuid', sa.String(36),
                  sa.ForeignKey('instances.uuid')),
        sa.Column('old_instance_type_id', sa.Integer),
        sa.Column('new_instance_type_id', sa.Integer),
        sa.Column('source_node', sa.String(255)),
        sa.Column('dest_node', sa.String(255)),
        sa.Column('migration_type', sa.String(255)),
        sa.Column('hidden', sa.Boolean),
        sa.Column('memory_total', sa.BigInteger),
        sa.Column('memory_processed', sa.BigInteger),
        sa.Column('memory_remaining', sa.BigInteger),
        sa.Column('disk_total', sa.BigInteger),
        sa.Column('disk_processed', sa.BigInteger),
        sa.Column('disk_remaining', sa.BigInteger),
        sa.Column('cross_cell_move', sa.Boolean),
        sa.Column('user_id', sa.String(255)),
        sa.Column('project_id', sa.String(255)),
        sa.UniqueConstraint('uuid', name='uniq_migrations0uuid'),
        sa.Index('migrations_by_host_nodes_and_status_idx', 'deleted',
                 'source_compute', 'dest_compute', 'status'),
        sa.Index('migrations_instance_uuid_and_status_idx', 'deleted',
                 'instance_uuid', 'status'),
        sa.Index('migrations_updated_at_idx', 'updated_at'),
        **TABLE_KWARGS)

    # The flavors of a resize in flight: the one to go back to on revert
    # and the one being moved to.
    op.add_column('instance_extra', sa.Column('old_flavor', sa.Text))
    op.add_column('instance_extra', sa.Column('new_flavor', sa.Text))

"""Initial schema of the API database.

Revision ID: 8f2b6c1d0a01
Revises:
Create Date: 2024-01-01 00:00:00
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '8f2b6c1d0a01'
down_revision = None
branch_labels = None
depends_on = None

# Migrations are frozen: they spell out their column types instead of
# importing them from the models, which keep changing.
MediumText = sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql')
TABLE_KWARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


def _timestamps():
    return [sa.Column('created_at', sa.DateTime),
            sa.Column('updated_at', sa.DateTime)]


def upgrade():
    op.create_table(
        'cell_mappings',
        *_timestamps(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('name', sa.String(255)),
        sa.Column('transport_url', sa.Text),
        sa.Column('database_connection', sa.Text),
        sa.Column('disabled', sa.Boolean, nullable=False),
        sa.UniqueConstraint('uuid', name='uniq_cell_mappings0uuid'),
        **TABLE_KWARGS)

    op.create_table(
        'host_mappings',
        *_timestamps(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('cell_id', sa.Integer, sa.ForeignKey('cell_mappings.id'),
                  nullable=False),
        sa.Column('host', sa.String(255), nullable=False),
        sa.UniqueConstraint('host', name='uniq_host_mappings0host'),
        **TABLE_KWARGS)

    op.create_table(
        'instance_mappings',
        *_timestamps(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('instance_uuid', sa.String(36), nullable=False),
        sa.Column('cell_id', sa.Integer, sa.ForeignKey('cell_mappings.id'),
                  nullable=True),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('user_id', sa.String(255)),
        sa.Column('queued_for_delete', sa.Boolean),
        sa.UniqueConstraint('instance_uuid',
                            name='uniq_instance_mappings0instance_uuid'),
        sa.Index('instance_mappings_project_id_idx', 'project_id'),
        **TABLE_KWARGS)

    op.create_table(
        'flavors',
        *_timestamps(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('flavorid', sa.String(255), nullable=False),
        sa.Column('memory_mb', sa.Integer, nullable=False),
        sa.Column('vcpus', sa.Integer, nullable=False),
        sa.Column('root_gb', sa.Integer, nullable=False),
        sa.Column('ephemeral_gb', sa.Integer, nullable=False),
        sa.Column('swap', sa.Integer, nullable=False),
        sa.Column('rxtx_factor', sa.Float),
        sa.Column('vcpu_weight', sa.Integer),
        sa.Column('disabled', sa.Boolean),
        sa.Column('is_public', sa.Boolean),
        sa.Column('description', sa.Text),
        sa.UniqueConstraint('flavorid', name='uniq_flavors0flavorid'),
        sa.UniqueConstraint('name', name='uniq_flavors0name'),
        **TABLE_KWARGS)

    op.create_table(
        'flavor_extra_specs',
        *_timestamps(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('key', sa.String(255), nullable=False),
        sa.Column('value', sa.String(255)),
        sa.Column('flavor_id', sa.Integer, sa.ForeignKey('flavors.id'),
                  nullable=False),
        sa.UniqueConstraint('flavor_id', 'key',
                            name='uniq_flavor_extra_specs0flavor_id0key'),
        **TABLE_KWARGS)

    op.create_table(
        'flavor_projects',
        *_timestamps(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('flavor_id', sa.Integer, sa.ForeignKey('flavors.id'),
                  nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.UniqueConstraint('flavor_id', 'project_id',
                            name='uniq_flavor_projects0flavor_id0project_id'),
        **TABLE_KWARGS)

    op.create_table(
        'key_pairs',
        *_timestamps(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('user_id', sa.String(255), nullable=False),
        sa.Column('fingerprint', sa.String(255)),
        sa.Column('public_key', sa.Text),
        sa.Column('type', sa.String(16), nullable=False),
        sa.UniqueConstraint('user_id', 'name',
                            name='uniq_key_pairs0user_id0name'),
        **TABLE_KWARGS)

    op.create_table(
        'request_specs',
        *_timestamps(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('instance_uuid', sa.String(36), nullable=False),
        sa.Column('spec', MediumText, nullable=False),
        sa.UniqueConstraint('instance_uuid',
                            name='uniq_request_specs0instance_uuid'),
        **TABLE_KWARGS)

    op.create_table(
        'build_requests',
        *_timestamps(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('instance_uuid', sa.String(36), nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('instance', MediumText),
        sa.Column('block_device_mappings', MediumText),
        sa.Column('tags', sa.Text),
        sa.UniqueConstraint('instance_uuid',
                            name='uniq_build_requests0instance_uuid'),
        sa.Index('build_requests_project_id_idx', 'project_id'),
        **TABLE_KWARGS)


def downgrade():
    # nova schemas only move forward; restore a backup to go back.
    raise NotImplementedError('downgrades are not supported')

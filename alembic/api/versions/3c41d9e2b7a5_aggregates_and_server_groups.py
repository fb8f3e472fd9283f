"""Host aggregates and server groups.

Revision ID: 3c41d9e2b7a5
Revises: 8f2b6c1d0a01
Create Date: 2024-06-01 00:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = '3c41d9e2b7a5'
down_revision = '8f2b6c1d0a01'
branch_labels = None
depends_on = None

TABLE_KWARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


def _timestamps():
    return [sa.Column('created_at', sa.DateTime),
            sa.Column('updated_at', sa.DateTime)]


def upgrade():
    op.create_table(
        'aggregates',
        *_timestamps(),
        sa.Column('deleted_at', sa.DateTime),
        sa.Column('deleted', sa.Integer, nullable=False),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.UniqueConstraint('uuid', name='uniq_aggregates0uuid'),
        sa.UniqueConstraint('name', 'deleted',
                            name='uniq_aggregates0name0deleted'),
        **TABLE_KWARGS)

    op.create_table(
        'aggregate_hosts',
        *_timestamps(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('host', sa.String(255), nullable=False),
        sa.Column('aggregate_id', sa.Integer,
                  sa.ForeignKey('aggregates.id'), nullable=False),
        sa.UniqueConstraint('host', 'aggregate_id',
                            name='uniq_aggregate_hosts0host0aggregate_id'),
        sa.Index('aggregate_hosts_host_idx', 'host'),
        **TABLE_KWARGS)

    op.create_table(
        'aggregate_metadata',
        *_timestamps(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('key', sa.String(255), nullable=False),
        sa.Column('value', sa.String(255), nullable=False),
        sa.Column('aggregate_id', sa.Integer,
                  sa.ForeignKey('aggregates.id'), nullable=False),
        sa.UniqueConstraint('aggregate_id', 'key',
                            name='uniq_aggregate_metadata0aggregate_id0key'),
        sa.Index('aggregate_metadata_key_idx', 'key'),
        **TABLE_KWARGS)

    op.create_table(
        'instance_groups',
        *_timestamps(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('name', sa.String(255)),
        sa.Column('user_id', sa.String(255)),
        sa.Column('project_id', sa.String(255)),
        sa.UniqueConstraint('uuid', name='uniq_instance_groups0uuid'),
        sa.Index('instance_groups_project_id_idx', 'project_id'),
        **TABLE_KWARGS)

    op.create_table(
        'instance_group_policy',
        *_timestamps(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('policy', sa.String(255)),
        sa.Column('rules', sa.Text),
        sa.Column('group_id', sa.Integer,
                  sa.ForeignKey('instance_groups.id'), nullable=False),
        sa.Index('instance_group_policy_policy_idx', 'policy'),
        **TABLE_KWARGS)

    op.create_table(
        'instance_group_member',
        *_timestamps(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('instance_uuid', sa.String(255), nullable=False),
        sa.Column('group_id', sa.Integer,
                  sa.ForeignKey('instance_groups.id'), nullable=False),
        sa.UniqueConstraint(
            'group_id', 'instance_uuid',
            name='uniq_instance_group_member0group_id0instance_uuid'),
        sa.Index('instance_group_member_instance_idx', 'instance_uuid'),
        **TABLE_KWARGS)


def downgrade():
    # nova schemas only move forward; restore a backup to go back.
    raise NotImplementedError('downgrades are not supported')

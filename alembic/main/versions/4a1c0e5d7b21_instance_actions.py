"""Instance actions and their events.

Revision ID: 4a1c0e5d7b21
Revises: 3c9e4a7b5d01
Create Date: 2026-11-24 00:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = '4a1c0e5d7b21'
down_revision = '3c9e4a7b5d01'
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
        'instance_actions',
        *_common(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('action', sa.String(255)),
        sa.Column('instance_uuid', sa.String(36),
                  sa.ForeignKey('instances.uuid')),
        sa.Column('request_id', sa.String(255)),
        sa.Column('user_id', sa.String(255)),
        sa.Column('project_id', sa.String(255)),
        sa.Column('start_time', sa.DateTime),
        sa.Column('finish_time', sa.DateTime),
        sa.Column('message', sa.String(255)),
        sa.Index('instance_actions_instance_uuid_idx', 'instance_uuid'),
        sa.Index('instance_actions_request_id_idx', 'request_id'),
        sa.Index('instance_actions_instance_uuid_updated_at_idx',
                 'instance_uuid', 'updated_at'),
        **TABLE_KWARGS)

    op.create_table(
        'instance_actions_events',
        *_common(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('event', sa.String(255)),
        sa.Column('action_id', sa.Integer,
                  sa.ForeignKey('instance_actions.id')),
        sa.Column('start_time', sa.DateTime),
        sa.Column('finish_time', sa.DateTime),
        sa.Column('result', sa.String(255)),
        sa.Column('traceback', sa.Text),
        sa.Column('host', sa.String(255)),
        sa.Column('details', sa.Text),
        sa.Index('instance_actions_events_action_id_idx', 'action_id'),
        **TABLE_KWARGS)


def downgrade():
    raise NotImplementedError('downgrades are not supported')

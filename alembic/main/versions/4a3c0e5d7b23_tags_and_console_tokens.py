"""Server tags and console auth tokens.

Revision ID: 4a3c0e5d7b23
Revises: 4a2c0e5d7b22
Create Date: 2026-11-24 00:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = '4a3c0e5d7b23'
down_revision = '4a2c0e5d7b22'
branch_labels = None
depends_on = None

TABLE_KWARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


def upgrade():
    # One row per (server, tag); tags go with their server (no soft
    # delete), as upstream keeps them.
    op.create_table(
        'tags',
        sa.Column('resource_id', sa.String(36), primary_key=True,
                  nullable=False),
        sa.Column('tag', sa.String(80), primary_key=True, nullable=False),
        sa.Index('tags_tag_idx', 'tag'),
        **TABLE_KWARGS)

    # Console connections authorized for a while: only the hash of the
    # token is stored.
    op.create_table(
        'console_auth_tokens',
        sa.Column('created_at', sa.DateTime),
        sa.Column('updated_at', sa.DateTime),
        sa.Column('id', sa.Integer, primary_key=True, nullable=False),
        sa.Column('token_hash', sa.String(255), nullable=False),
        sa.Column('console_type', sa.String(255), nullable=False),
        sa.Column('host', sa.String(255), nullable=False),
        sa.Column('port', sa.Integer, nullable=False),
        sa.Column('tls_port', sa.Integer),
        sa.Column('internal_access_path', sa.String(255)),
        sa.Column('instance_uuid', sa.String(36), nullable=False),
        sa.Column('expires', sa.Integer, nullable=False),
        sa.Column('access_url_base', sa.String(255)),
        sa.UniqueConstraint('token_hash',
                            name='uniq_console_auth_tokens0token_hash'),
        sa.Index('console_auth_tokens_instance_uuid_idx', 'instance_uuid'),
        sa.Index('console_auth_tokens_host_expires_idx', 'host', 'expires'),
        sa.Index('console_auth_tokens_token_hash_instance_uuid_idx',
                 'token_hash', 'instance_uuid'),
        **TABLE_KWARGS)

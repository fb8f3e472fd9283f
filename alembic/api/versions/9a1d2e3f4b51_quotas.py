"""Quotas: per project, per user and per class.

Revision ID: 9a1d2e3f4b51
Revises: 3c41d9e2b7a5
Create Date: 2026-11-24 00:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = '9a1d2e3f4b51'
down_revision = '3c41d9e2b7a5'
branch_labels = None
depends_on = None

TABLE_KWARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


def _timestamps():
    return [sa.Column('created_at', sa.DateTime),
            sa.Column('updated_at', sa.DateTime)]


def upgrade():
    # A project's own limits (overriding the class and the [quota]
    # defaults).
    op.create_table(
        'quotas',
        *_timestamps(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('project_id', sa.String(255)),
        sa.Column('resource', sa.String(255), nullable=False),
        sa.Column('hard_limit', sa.Integer),
        sa.UniqueConstraint('project_id', 'resource',
                            name='uniq_quotas0project_id0resource'),
        **TABLE_KWARGS)

    # A user's limits within a project.
    op.create_table(
        'project_user_quotas',
        *_timestamps(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('user_id', sa.String(255), nullable=False),
        sa.Column('project_id', sa.String(255), nullable=False),
        sa.Column('resource', sa.String(255), nullable=False),
        sa.Column('hard_limit', sa.Integer),
        sa.UniqueConstraint(
            'user_id', 'project_id', 'resource',
            name='uniq_project_user_quotas0user_id0project_id0resource'),
        sa.Index('project_user_quotas_project_id_idx', 'project_id'),
        sa.Index('project_user_quotas_user_id_idx', 'user_id'),
        **TABLE_KWARGS)

    # Limits of a quota class; the class "default" overrides the [quota]
    # options for every project.
    op.create_table(
        'quota_classes',
        *_timestamps(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('class_name', sa.String(255)),
        sa.Column('resource', sa.String(255)),
        sa.Column('hard_limit', sa.Integer),
        sa.Index('quota_classes_class_name_idx', 'class_name'),
        **TABLE_KWARGS)

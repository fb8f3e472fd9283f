"""Initial schema of a cell database.

Revision ID: 3c9e4a7b5d01
Revises:
Create Date: 2024-01-01 00:00:00
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '3c9e4a7b5d01'
down_revision = None
branch_labels = None
depends_on = None

# Migrations are frozen: they spell out their column types instead of
# importing them from the models, which keep changing.
MediumText = sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql')
TABLE_KWARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


def _common():
    """created_at/updated_at plus the soft-delete pair."""
    return [sa.Column('created_at', sa.DateTime),
            sa.Column('updated_at', sa.DateTime),
            sa.Column('deleted_at', sa.DateTime),
            sa.Column('deleted', sa.Integer, nullable=False)]


def upgrade():
    op.create_table(
        'services',
        *_common(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('host', sa.String(255), nullable=False),
        sa.Column('binary', sa.String(255), nullable=False),
        sa.Column('topic', sa.String(255)),
        sa.Column('report_count', sa.Integer, nullable=False),
        sa.Column('disabled', sa.Boolean),
        sa.Column('disabled_reason', sa.String(255)),
        sa.Column('last_seen_up', sa.DateTime),
        sa.Column('forced_down', sa.Boolean),
        sa.Column('version', sa.Integer),
        sa.UniqueConstraint('host', 'topic', 'deleted',
                            name='uniq_services0host0topic0deleted'),
        sa.UniqueConstraint('host', 'binary', 'deleted',
                            name='uniq_services0host0binary0deleted'),
        sa.UniqueConstraint('uuid', name='uniq_services0uuid'),
        **TABLE_KWARGS)

    op.create_table(
        'compute_nodes',
        *_common(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('service_id', sa.Integer),
        sa.Column('host', sa.String(255)),
        sa.Column('hypervisor_hostname', sa.String(255)),
        sa.Column('hypervisor_type', sa.String(255)),
        sa.Column('hypervisor_version', sa.Integer),
        sa.Column('host_ip', sa.String(39)),
        sa.Column('cpu_info', sa.Text),
        sa.Column('vcpus', sa.Integer, nullable=False),
        sa.Column('memory_mb', sa.Integer, nullable=False),
        sa.Column('local_gb', sa.Integer, nullable=False),
        sa.Column('vcpus_used', sa.Integer, nullable=False),
        sa.Column('memory_mb_used', sa.Integer, nullable=False),
        sa.Column('local_gb_used', sa.Integer, nullable=False),
        sa.Column('free_ram_mb', sa.Integer),
        sa.Column('free_disk_gb', sa.Integer),
        sa.Column('disk_available_least', sa.Integer),
        sa.Column('running_vms', sa.Integer),
        sa.Column('current_workload', sa.Integer),
        sa.Column('cpu_allocation_ratio', sa.Float),
        sa.Column('ram_allocation_ratio', sa.Float),
        sa.Column('disk_allocation_ratio', sa.Float),
        sa.Column('mapped', sa.Integer),
        sa.UniqueConstraint(
            'host', 'hypervisor_hostname', 'deleted',
            name='uniq_compute_nodes0host0hypervisor_hostname0deleted'),
        sa.UniqueConstraint('uuid', name='uniq_compute_nodes0uuid'),
        **TABLE_KWARGS)

    op.create_table(
        'instances',
        *_common(),
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column('user_id', sa.String(255)),
        sa.Column('project_id', sa.String(255)),
        sa.Column('image_ref', sa.String(255)),
        sa.Column('kernel_id', sa.String(255)),
        sa.Column('ramdisk_id', sa.String(255)),
        sa.Column('hostname', sa.String(255)),
        sa.Column('display_name', sa.String(255)),
        sa.Column('display_description', sa.Text),
        sa.Column('host', sa.String(255)),
        sa.Column('node', sa.String(255)),
        sa.Column('launched_on', sa.Text),
        sa.Column('instance_type_id', sa.Integer),
        sa.Column('memory_mb', sa.Integer),
        sa.Column('vcpus', sa.Integer),
        sa.Column('root_gb', sa.Integer),
        sa.Column('ephemeral_gb', sa.Integer),
        sa.Column('vm_state', sa.String(255)),
        sa.Column('task_state', sa.String(255)),
        sa.Column('power_state', sa.Integer),
        sa.Column('launched_at', sa.DateTime),
        sa.Column('terminated_at', sa.DateTime),
        sa.Column('availability_zone', sa.String(255)),
        sa.Column('key_name', sa.String(255)),
        sa.Column('key_data', MediumText),
        sa.Column('user_data', MediumText),
        sa.Column('reservation_id', sa.String(255)),
        sa.Column('launch_index', sa.Integer),
        sa.Column('locked', sa.Boolean),
        sa.Column('locked_by', sa.String(16)),
        sa.Column('config_drive', sa.String(255)),
        sa.Column('access_ip_v4', sa.String(39)),
        sa.Column('access_ip_v6', sa.String(39)),
        sa.Column('progress', sa.Integer),
        sa.Column('root_device_name', sa.String(255)),
        sa.Column('cleaned', sa.Integer),
        sa.UniqueConstraint('uuid', name='uniq_instances0uuid'),
        sa.Index('instances_project_id_deleted_idx', 'project_id',
                 'deleted'),
        sa.Index('instances_host_deleted_idx', 'host', 'deleted'),
        sa.Index('instances_updated_at_project_id_idx', 'updated_at',
                 'project_id'),
        sa.Index('instances_created_at_idx', 'created_at'),
        **TABLE_KWARGS)

    op.create_table(
        'instance_extra',
        *_common(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('instance_uuid', sa.String(36),
                  sa.ForeignKey('instances.uuid'), nullable=False),
        sa.Column('flavor', sa.Text),
        sa.Index('instance_extra_idx', 'instance_uuid'),
        **TABLE_KWARGS)

    op.create_table(
        'instance_metadata',
        *_common(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('key', sa.String(255)),
        sa.Column('value', sa.String(255)),
        sa.Column('instance_uuid', sa.String(36),
                  sa.ForeignKey('instances.uuid')),
        sa.Index('instance_metadata_instance_uuid_idx', 'instance_uuid'),
        **TABLE_KWARGS)

    op.create_table(
        'instance_system_metadata',
        *_common(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('key', sa.String(255), nullable=False),
        sa.Column('value', sa.String(255)),
        sa.Column('instance_uuid', sa.String(36),
                  sa.ForeignKey('instances.uuid'), nullable=False),
        sa.Index('instance_uuid', 'instance_uuid'),
        **TABLE_KWARGS)

    op.create_table(
        'instance_faults',
        *_common(),
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('instance_uuid', sa.String(36),
                  sa.ForeignKey('instances.uuid')),
        sa.Column('code', sa.Integer, nullable=False),
        sa.Column('message', sa.String(255)),
        sa.Column('details', MediumText),
        sa.Column('host', sa.String(255)),
        sa.Index('instance_faults_instance_uuid_deleted_created_at_idx',
                 'instance_uuid', 'deleted', 'created_at'),
        **TABLE_KWARGS)


def downgrade():
    # nova schemas only move forward; restore a backup to go back.
    raise NotImplementedError('downgrades are not supported')

"""Tables of a cell database (cell0 and cell1..N share this schema)."""

import sqlalchemy as sa
from sqlalchemy import orm

from nova.db import base

BASE = base.declarative_base()


class Service(BASE, base.TimestampMixin, base.SoftDeleteMixin):
    __tablename__ = 'services'
    __table_args__ = (
        sa.UniqueConstraint('host', 'topic', 'deleted',
                            name='uniq_services0host0topic0deleted'),
        sa.UniqueConstraint('host', 'binary', 'deleted',
                            name='uniq_services0host0binary0deleted'),
        sa.UniqueConstraint('uuid', name='uniq_services0uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    host = sa.Column(sa.String(255), nullable=False)
    binary = sa.Column(sa.String(255), nullable=False)
    topic = sa.Column(sa.String(255))
    report_count = sa.Column(sa.Integer, nullable=False, default=0)
    disabled = sa.Column(sa.Boolean, default=False)
    disabled_reason = sa.Column(sa.String(255))
    last_seen_up = sa.Column(sa.DateTime)
    forced_down = sa.Column(sa.Boolean, default=False)
    version = sa.Column(sa.Integer, default=0)


class ComputeNode(BASE, base.TimestampMixin, base.SoftDeleteMixin):
    __tablename__ = 'compute_nodes'
    __table_args__ = (
        sa.UniqueConstraint('host', 'hypervisor_hostname', 'deleted',
                            name='uniq_compute_nodes0host0'
                                 'hypervisor_hostname0deleted'),
        sa.UniqueConstraint('uuid', name='uniq_compute_nodes0uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    service_id = sa.Column(sa.Integer)
    host = sa.Column(sa.String(255))
    hypervisor_hostname = sa.Column(sa.String(255))
    hypervisor_type = sa.Column(sa.String(255))
    hypervisor_version = sa.Column(sa.Integer)
    host_ip = sa.Column(sa.String(39))
    cpu_info = sa.Column(sa.Text)
    vcpus = sa.Column(sa.Integer, nullable=False)
    memory_mb = sa.Column(sa.Integer, nullable=False)
    local_gb = sa.Column(sa.Integer, nullable=False)
    vcpus_used = sa.Column(sa.Integer, nullable=False, default=0)
    memory_mb_used = sa.Column(sa.Integer, nullable=False, default=0)
    local_gb_used = sa.Column(sa.Integer, nullable=False, default=0)
    free_ram_mb = sa.Column(sa.Integer)
    free_disk_gb = sa.Column(sa.Integer)
    disk_available_least = sa.Column(sa.Integer)
    running_vms = sa.Column(sa.Integer, default=0)
    current_workload = sa.Column(sa.Integer, default=0)
    cpu_allocation_ratio = sa.Column(sa.Float)
    ram_allocation_ratio = sa.Column(sa.Float)
    disk_allocation_ratio = sa.Column(sa.Float)
    # Set once nova-manage cell_v2 discover_hosts mapped the host.
    mapped = sa.Column(sa.Integer, default=0)


class Instance(BASE, base.TimestampMixin, base.SoftDeleteMixin):
    __tablename__ = 'instances'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_instances0uuid'),
        sa.Index('instances_project_id_deleted_idx', 'project_id', 'deleted'),
        sa.Index('instances_host_deleted_idx', 'host', 'deleted'),
        sa.Index('instances_updated_at_project_id_idx', 'updated_at',
                 'project_id'),
        sa.Index('instances_created_at_idx', 'created_at'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    user_id = sa.Column(sa.String(255))
    project_id = sa.Column(sa.String(255))
    image_ref = sa.Column(sa.String(255))
    kernel_id = sa.Column(sa.String(255))
    ramdisk_id = sa.Column(sa.String(255))
    hostname = sa.Column(sa.String(255))
    display_name = sa.Column(sa.String(255))
    display_description = sa.Column(sa.Text)
    host = sa.Column(sa.String(255))
    node = sa.Column(sa.String(255))
    launched_on = sa.Column(sa.Text)
    instance_type_id = sa.Column(sa.Integer)
    memory_mb = sa.Column(sa.Integer)
    vcpus = sa.Column(sa.Integer)
    root_gb = sa.Column(sa.Integer)
    ephemeral_gb = sa.Column(sa.Integer)
    vm_state = sa.Column(sa.String(255))
    task_state = sa.Column(sa.String(255))
    power_state = sa.Column(sa.Integer)
    launched_at = sa.Column(sa.DateTime)
    terminated_at = sa.Column(sa.DateTime)
    availability_zone = sa.Column(sa.String(255))
    key_name = sa.Column(sa.String(255))
    key_data = sa.Column(base.MediumText)
    user_data = sa.Column(base.MediumText)
    reservation_id = sa.Column(sa.String(255))
    launch_index = sa.Column(sa.Integer)
    locked = sa.Column(sa.Boolean, default=False)
    locked_by = sa.Column(sa.String(16))
    config_drive = sa.Column(sa.String(255))
    access_ip_v4 = sa.Column(sa.String(39))
    access_ip_v6 = sa.Column(sa.String(39))
    progress = sa.Column(sa.Integer)
    root_device_name = sa.Column(sa.String(255))
    cleaned = sa.Column(sa.Integer, default=0)

    extra = orm.relationship('InstanceExtra', uselist=False, lazy='joined',
                             cascade='all, delete-orphan')
    metadata_items = orm.relationship(
        'InstanceMetadata', lazy='selectin', cascade='all, delete-orphan',
        primaryjoin='and_(Instance.uuid == InstanceMetadata.instance_uuid,'
                    'InstanceMetadata.deleted == 0)')
    system_metadata_items = orm.relationship(
        'InstanceSystemMetadata', lazy='selectin',
        cascade='all, delete-orphan',
        primaryjoin='and_(Instance.uuid == '
                    'InstanceSystemMetadata.instance_uuid,'
                    'InstanceSystemMetadata.deleted == 0)')


class InstanceExtra(BASE, base.TimestampMixin, base.SoftDeleteMixin):
    __tablename__ = 'instance_extra'
    __table_args__ = (sa.Index('instance_extra_idx', 'instance_uuid'),)
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36),
                              sa.ForeignKey('instances.uuid'),
                              nullable=False)
    # The serialized Flavor object the instance was built (or resized) with.
    flavor = sa.Column(sa.Text)


class InstanceMetadata(BASE, base.TimestampMixin, base.SoftDeleteMixin):
    __tablename__ = 'instance_metadata'
    __table_args__ = (sa.Index('instance_metadata_instance_uuid_idx',
                               'instance_uuid'),)
    id = sa.Column(sa.Integer, primary_key=True)
    key = sa.Column(sa.String(255))
    value = sa.Column(sa.String(255))
    instance_uuid = sa.Column(sa.String(36),
                              sa.ForeignKey('instances.uuid'))


class InstanceSystemMetadata(BASE, base.TimestampMixin,
                             base.SoftDeleteMixin):
    __tablename__ = 'instance_system_metadata'
    __table_args__ = (sa.Index('instance_uuid', 'instance_uuid'),)
    id = sa.Column(sa.Integer, primary_key=True)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255))
    instance_uuid = sa.Column(sa.String(36),
                              sa.ForeignKey('instances.uuid'),
                              nullable=False)


class InstanceFault(BASE, base.TimestampMixin, base.SoftDeleteMixin):
    __tablename__ = 'instance_faults'
    __table_args__ = (sa.Index('instance_faults_instance_uuid_deleted_'
                               'created_at_idx', 'instance_uuid', 'deleted',
                               'created_at'),)
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36),
                              sa.ForeignKey('instances.uuid'))
    code = sa.Column(sa.Integer, nullable=False)
    message = sa.Column(sa.String(255))
    details = sa.Column(base.MediumText)
    host = sa.Column(sa.String(255))

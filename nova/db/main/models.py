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
    # OS-DCF:diskConfig: AUTO (true) or MANUAL (false or NULL).
    auto_disk_config = sa.Column(sa.Boolean)

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
    # The flavors of a resize in flight (serialized Flavor objects).
    old_flavor = sa.Column(sa.Text)
    new_flavor = sa.Column(sa.Text)
    # The network information cache: the server's VIFs as JSON
    # (nova.network.model), refreshed from the network service.
    network_info = sa.Column(sa.Text)


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


class InstanceAction(BASE, base.TimestampMixin, base.SoftDeleteMixin):
    """One user request on an instance (os-instance-actions)."""
    __tablename__ = 'instance_actions'
    __table_args__ = (
        sa.Index('instance_actions_instance_uuid_idx', 'instance_uuid'),
        sa.Index('instance_actions_request_id_idx', 'request_id'),
        sa.Index('instance_actions_instance_uuid_updated_at_idx',
                 'instance_uuid', 'updated_at'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    action = sa.Column(sa.String(255))
    instance_uuid = sa.Column(sa.String(36),
                              sa.ForeignKey('instances.uuid'))
    request_id = sa.Column(sa.String(255))
    user_id = sa.Column(sa.String(255))
    project_id = sa.Column(sa.String(255))
    start_time = sa.Column(sa.DateTime)
    finish_time = sa.Column(sa.DateTime)
    message = sa.Column(sa.String(255))


class InstanceActionEvent(BASE, base.TimestampMixin, base.SoftDeleteMixin):
    """One step of an instance action, run by a service on a host."""
    __tablename__ = 'instance_actions_events'
    __table_args__ = (
        sa.Index('instance_actions_events_action_id_idx', 'action_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    event = sa.Column(sa.String(255))
    action_id = sa.Column(sa.Integer, sa.ForeignKey('instance_actions.id'))
    start_time = sa.Column(sa.DateTime)
    finish_time = sa.Column(sa.DateTime)
    result = sa.Column(sa.String(255))
    traceback = sa.Column(sa.Text)
    host = sa.Column(sa.String(255))
    details = sa.Column(sa.Text)


class Migration(BASE, base.TimestampMixin, base.SoftDeleteMixin):
    """A move of an instance: resize, cold or live migration, evacuation."""
    __tablename__ = 'migrations'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_migrations0uuid'),
        sa.Index('migrations_by_host_nodes_and_status_idx', 'deleted',
                 'source_compute', 'dest_compute', 'status'),
        sa.Index('migrations_instance_uuid_and_status_idx', 'deleted',
                 'instance_uuid', 'status'),
        sa.Index('migrations_updated_at_idx', 'updated_at'),
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36))
    source_compute = sa.Column(sa.String(255))
    dest_compute = sa.Column(sa.String(255))
    dest_host = sa.Column(sa.String(255))
    status = sa.Column(sa.String(255))
    instance_uuid = sa.Column(sa.String(36),
                              sa.ForeignKey('instances.uuid'))
    old_instance_type_id = sa.Column(sa.Integer)
    new_instance_type_id = sa.Column(sa.Integer)
    source_node = sa.Column(sa.String(255))
    dest_node = sa.Column(sa.String(255))
    migration_type = sa.Column(sa.String(255))
    hidden = sa.Column(sa.Boolean, default=False)
    memory_total = sa.Column(sa.BigInteger)
    memory_processed = sa.Column(sa.BigInteger)
    memory_remaining = sa.Column(sa.BigInteger)
    disk_total = sa.Column(sa.BigInteger)
    disk_processed = sa.Column(sa.BigInteger)
    disk_remaining = sa.Column(sa.BigInteger)
    cross_cell_move = sa.Column(sa.Boolean, default=False)
    user_id = sa.Column(sa.String(255))
    project_id = sa.Column(sa.String(255))


class Tag(BASE):
    """A tag of a server (resource_id is the instance uuid)."""
    __tablename__ = 'tags'
    __table_args__ = (sa.Index('tags_tag_idx', 'tag'),)
    resource_id = sa.Column(sa.String(36), primary_key=True, nullable=False)
    tag = sa.Column(sa.String(80), primary_key=True, nullable=False)


# Loaded with every instance: the API shows them from 2.26.
Instance.tags = orm.relationship(
    Tag, lazy='selectin', viewonly=True,
    primaryjoin='Instance.uuid == Tag.resource_id',
    foreign_keys=[Tag.resource_id])


class ConsoleAuthToken(BASE, base.TimestampMixin):
    __tablename__ = 'console_auth_tokens'
    __table_args__ = (
        sa.UniqueConstraint('token_hash',
                            name='uniq_console_auth_tokens0token_hash'),
        sa.Index('console_auth_tokens_instance_uuid_idx', 'instance_uuid'),
        sa.Index('console_auth_tokens_host_expires_idx', 'host', 'expires'),
        sa.Index('console_auth_tokens_token_hash_instance_uuid_idx',
                 'token_hash', 'instance_uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True, nullable=False)
    token_hash = sa.Column(sa.String(255), nullable=False)
    console_type = sa.Column(sa.String(255), nullable=False)
    host = sa.Column(sa.String(255), nullable=False)
    port = sa.Column(sa.Integer, nullable=False)
    tls_port = sa.Column(sa.Integer)
    internal_access_path = sa.Column(sa.String(255))
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    expires = sa.Column(sa.Integer, nullable=False)
    access_url_base = sa.Column(sa.String(255))

"""Tables of the API database (one per deployment)."""

import sqlalchemy as sa
from sqlalchemy import orm

from nova.db import base

BASE = base.declarative_base()


class CellMapping(BASE, base.TimestampMixin):
    __tablename__ = 'cell_mappings'
    __table_args__ = (sa.UniqueConstraint('uuid', name='uniq_cell_mappings0uuid'),)
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    name = sa.Column(sa.String(255))
    transport_url = sa.Column(sa.Text)
    database_connection = sa.Column(sa.Text)
    disabled = sa.Column(sa.Boolean, default=False, nullable=False)


class HostMapping(BASE, base.TimestampMixin):
    __tablename__ = 'host_mappings'
    __table_args__ = (sa.UniqueConstraint('host', name='uniq_host_mappings0host'),)
    id = sa.Column(sa.Integer, primary_key=True)
    cell_id = sa.Column(sa.Integer, sa.ForeignKey('cell_mappings.id'),
                        nullable=False)
    host = sa.Column(sa.String(255), nullable=False)
    cell_mapping = orm.relationship(CellMapping, lazy='joined')


class InstanceMapping(BASE, base.TimestampMixin):
    __tablename__ = 'instance_mappings'
    __table_args__ = (
        sa.UniqueConstraint('instance_uuid',
                            name='uniq_instance_mappings0instance_uuid'),
        sa.Index('instance_mappings_project_id_idx', 'project_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    cell_id = sa.Column(sa.Integer, sa.ForeignKey('cell_mappings.id'),
                        nullable=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255))
    queued_for_delete = sa.Column(sa.Boolean, default=False)
    cell_mapping = orm.relationship(CellMapping, lazy='joined')


class Flavor(BASE, base.TimestampMixin):
    __tablename__ = 'flavors'
    __table_args__ = (
        sa.UniqueConstraint('flavorid', name='uniq_flavors0flavorid'),
        sa.UniqueConstraint('name', name='uniq_flavors0name'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(255), nullable=False)
    flavorid = sa.Column(sa.String(255), nullable=False)
    memory_mb = sa.Column(sa.Integer, nullable=False)
    vcpus = sa.Column(sa.Integer, nullable=False)
    root_gb = sa.Column(sa.Integer, nullable=False, default=0)
    ephemeral_gb = sa.Column(sa.Integer, nullable=False, default=0)
    swap = sa.Column(sa.Integer, nullable=False, default=0)
    rxtx_factor = sa.Column(sa.Float, default=1.0)
    vcpu_weight = sa.Column(sa.Integer)
    disabled = sa.Column(sa.Boolean, default=False)
    is_public = sa.Column(sa.Boolean, default=True)
    description = sa.Column(sa.Text)
    extra_specs = orm.relationship('FlavorExtraSpec', lazy='selectin',
                                   cascade='all, delete-orphan')
    projects = orm.relationship('FlavorProject', lazy='selectin',
                                cascade='all, delete-orphan')


class FlavorExtraSpec(BASE, base.TimestampMixin):
    __tablename__ = 'flavor_extra_specs'
    __table_args__ = (
        sa.UniqueConstraint('flavor_id', 'key',
                            name='uniq_flavor_extra_specs0flavor_id0key'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255))
    flavor_id = sa.Column(sa.Integer, sa.ForeignKey('flavors.id'),
                          nullable=False)


class FlavorProject(BASE, base.TimestampMixin):
    __tablename__ = 'flavor_projects'
    __table_args__ = (
        sa.UniqueConstraint('flavor_id', 'project_id',
                            name='uniq_flavor_projects0flavor_id0project_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    flavor_id = sa.Column(sa.Integer, sa.ForeignKey('flavors.id'),
                          nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)


class KeyPair(BASE, base.TimestampMixin):
    __tablename__ = 'key_pairs'
    __table_args__ = (
        sa.UniqueConstraint('user_id', 'name',
                            name='uniq_key_pairs0user_id0name'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255), nullable=False)
    fingerprint = sa.Column(sa.String(255))
    public_key = sa.Column(sa.Text)
    type = sa.Column(sa.String(16), nullable=False, default='ssh')


class RequestSpec(BASE, base.TimestampMixin):
    __tablename__ = 'request_specs'
    __table_args__ = (
        sa.UniqueConstraint('instance_uuid',
                            name='uniq_request_specs0instance_uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    # The serialized RequestSpec object.
    spec = sa.Column(base.MediumText, nullable=False)


class BuildRequest(BASE, base.TimestampMixin):
    __tablename__ = 'build_requests'
    __table_args__ = (
        sa.UniqueConstraint('instance_uuid',
                            name='uniq_build_requests0instance_uuid'),
        sa.Index('build_requests_project_id_idx', 'project_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)
    # The serialized Instance object the API answers with until the
    # instance exists in a cell.
    instance = sa.Column(base.MediumText)
    block_device_mappings = sa.Column(base.MediumText)
    tags = sa.Column(sa.Text)


# Host aggregates. Aggregates are soft-deleted (``deleted`` becomes the
# row id) so a name can be reused once its aggregate is gone; hosts and
# metadata of a deleted aggregate are removed outright.

class Aggregate(BASE, base.TimestampMixin, base.SoftDeleteMixin):
    __tablename__ = 'aggregates'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_aggregates0uuid'),
        sa.UniqueConstraint('name', 'deleted',
                            name='uniq_aggregates0name0deleted'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    name = sa.Column(sa.String(255), nullable=False)
    hosts = orm.relationship('AggregateHost', lazy='selectin',
                             cascade='all, delete-orphan')
    metadata_items = orm.relationship('AggregateMetadata', lazy='selectin',
                                      cascade='all, delete-orphan')


class AggregateHost(BASE, base.TimestampMixin):
    __tablename__ = 'aggregate_hosts'
    __table_args__ = (
        sa.UniqueConstraint('host', 'aggregate_id',
                            name='uniq_aggregate_hosts0host0aggregate_id'),
        sa.Index('aggregate_hosts_host_idx', 'host'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    host = sa.Column(sa.String(255), nullable=False)
    aggregate_id = sa.Column(sa.Integer, sa.ForeignKey('aggregates.id'),
                             nullable=False)


class AggregateMetadata(BASE, base.TimestampMixin):
    __tablename__ = 'aggregate_metadata'
    __table_args__ = (
        sa.UniqueConstraint('aggregate_id', 'key',
                            name='uniq_aggregate_metadata0aggregate_id0key'),
        sa.Index('aggregate_metadata_key_idx', 'key'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255), nullable=False)
    aggregate_id = sa.Column(sa.Integer, sa.ForeignKey('aggregates.id'),
                             nullable=False)


# Server groups (instance groups in the code). One policy per group since
# microversion 2.64; its rules are a JSON object in ``rules``.

class InstanceGroup(BASE, base.TimestampMixin):
    __tablename__ = 'instance_groups'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_instance_groups0uuid'),
        sa.Index('instance_groups_project_id_idx', 'project_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    name = sa.Column(sa.String(255))
    user_id = sa.Column(sa.String(255))
    project_id = sa.Column(sa.String(255))
    policies = orm.relationship('InstanceGroupPolicy', lazy='selectin',
                                cascade='all, delete-orphan')
    members = orm.relationship('InstanceGroupMember', lazy='selectin',
                               cascade='all, delete-orphan',
                               order_by='InstanceGroupMember.id')


class InstanceGroupPolicy(BASE, base.TimestampMixin):
    __tablename__ = 'instance_group_policy'
    __table_args__ = (
        sa.Index('instance_group_policy_policy_idx', 'policy'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    policy = sa.Column(sa.String(255))
    rules = sa.Column(sa.Text)
    group_id = sa.Column(sa.Integer, sa.ForeignKey('instance_groups.id'),
                         nullable=False)


class InstanceGroupMember(BASE, base.TimestampMixin):
    __tablename__ = 'instance_group_member'
    __table_args__ = (
        sa.UniqueConstraint(
            'group_id', 'instance_uuid',
            name='uniq_instance_group_member0group_id0instance_uuid'),
        sa.Index('instance_group_member_instance_idx', 'instance_uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(255), nullable=False)
    group_id = sa.Column(sa.Integer, sa.ForeignKey('instance_groups.id'),
                         nullable=False)


# Quotas. Usage is counted from the resources themselves, so only the
# limits are stored: per project, per user of a project, per class.

class Quota(BASE, base.TimestampMixin):
    __tablename__ = 'quotas'
    __table_args__ = (
        sa.UniqueConstraint('project_id', 'resource',
                            name='uniq_quotas0project_id0resource'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    project_id = sa.Column(sa.String(255))
    resource = sa.Column(sa.String(255), nullable=False)
    hard_limit = sa.Column(sa.Integer)


class ProjectUserQuota(BASE, base.TimestampMixin):
    __tablename__ = 'project_user_quotas'
    __table_args__ = (
        sa.UniqueConstraint(
            'user_id', 'project_id', 'resource',
            name='uniq_project_user_quotas0user_id0project_id0resource'),
        sa.Index('project_user_quotas_project_id_idx', 'project_id'),
        sa.Index('project_user_quotas_user_id_idx', 'user_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.String(255), nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)
    resource = sa.Column(sa.String(255), nullable=False)
    hard_limit = sa.Column(sa.Integer)


class QuotaClass(BASE, base.TimestampMixin):
    __tablename__ = 'quota_classes'
    __table_args__ = (
        sa.Index('quota_classes_class_name_idx', 'class_name'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    class_name = sa.Column(sa.String(255))
    resource = sa.Column(sa.String(255))
    hard_limit = sa.Column(sa.Integer)

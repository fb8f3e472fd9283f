"""Tables of the placement database.

The store modules query these with SQLAlchemy Core (``Model.__table__``)
rather than through ORM objects: placement's hot paths read thousands of
rows per request and only need tuples.
"""

import sqlalchemy as sa

from nova.db import base

BASE = base.declarative_base()

_MYSQL = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


class ResourceProvider(BASE, base.TimestampMixin):
    __tablename__ = 'resource_providers'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_resource_providers0uuid'),
        sa.UniqueConstraint('name', name='uniq_resource_providers0name'),
        sa.Index('resource_providers_root_provider_id_idx',
                 'root_provider_id'),
        sa.Index('resource_providers_parent_provider_id_idx',
                 'parent_provider_id'),
        _MYSQL,
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    name = sa.Column(sa.Unicode(200), nullable=False)
    generation = sa.Column(sa.Integer, nullable=False, default=0)
    # A root provider is its own root; parent is NULL for roots.
    root_provider_id = sa.Column(sa.Integer, nullable=True)
    parent_provider_id = sa.Column(sa.Integer, nullable=True)


class Inventory(BASE, base.TimestampMixin):
    __tablename__ = 'inventories'
    __table_args__ = (
        sa.UniqueConstraint('resource_provider_id', 'resource_class_id',
                            name='uniq_inventories0rp0rc'),
        sa.Index('inventories_resource_class_id_idx', 'resource_class_id'),
        _MYSQL,
    )
    id = sa.Column(sa.Integer, primary_key=True)
    resource_provider_id = sa.Column(sa.Integer, nullable=False)
    resource_class_id = sa.Column(sa.Integer, nullable=False)
    total = sa.Column(sa.Integer, nullable=False)
    reserved = sa.Column(sa.Integer, nullable=False)
    min_unit = sa.Column(sa.Integer, nullable=False)
    max_unit = sa.Column(sa.Integer, nullable=False)
    step_size = sa.Column(sa.Integer, nullable=False)
    allocation_ratio = sa.Column(sa.Float, nullable=False)


class Allocation(BASE, base.TimestampMixin):
    __tablename__ = 'allocations'
    __table_args__ = (
        # Covers the "used per provider and class" sums of the capacity
        # checks without touching the table rows.
        sa.Index('allocations_rp_rc_used_idx', 'resource_provider_id',
                 'resource_class_id', 'used'),
        sa.Index('allocations_consumer_id_idx', 'consumer_id'),
        sa.Index('allocations_resource_class_id_idx', 'resource_class_id'),
        _MYSQL,
    )
    id = sa.Column(sa.Integer, primary_key=True)
    resource_provider_id = sa.Column(sa.Integer, nullable=False)
    consumer_id = sa.Column(sa.String(36), nullable=False)
    resource_class_id = sa.Column(sa.Integer, nullable=False)
    used = sa.Column(sa.Integer, nullable=False)


class Project(BASE, base.TimestampMixin):
    __tablename__ = 'projects'
    __table_args__ = (
        sa.UniqueConstraint('external_id', name='uniq_projects0external_id'),
        _MYSQL,
    )
    id = sa.Column(sa.Integer, primary_key=True)
    external_id = sa.Column(sa.String(255), nullable=False)


class User(BASE, base.TimestampMixin):
    __tablename__ = 'users'
    __table_args__ = (
        sa.UniqueConstraint('external_id', name='uniq_users0external_id'),
        _MYSQL,
    )
    id = sa.Column(sa.Integer, primary_key=True)
    external_id = sa.Column(sa.String(255), nullable=False)


class ConsumerType(BASE, base.TimestampMixin):
    __tablename__ = 'consumer_types'
    __table_args__ = (
        sa.UniqueConstraint('name', name='uniq_consumer_types0name'),
        _MYSQL,
    )
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(255), nullable=False)


class Consumer(BASE, base.TimestampMixin):
    __tablename__ = 'consumers'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_consumers0uuid'),
        sa.Index('consumers_project_id_user_id_uuid_idx', 'project_id',
                 'user_id', 'uuid'),
        _MYSQL,
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    project_id = sa.Column(sa.Integer, nullable=False)
    user_id = sa.Column(sa.Integer, nullable=False)
    generation = sa.Column(sa.Integer, nullable=False, default=0)
    consumer_type_id = sa.Column(sa.Integer, nullable=True)


class ResourceClass(BASE, base.TimestampMixin):
    __tablename__ = 'resource_classes'
    __table_args__ = (
        sa.UniqueConstraint('name', name='uniq_resource_classes0name'),
        _MYSQL,
    )
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=False)
    name = sa.Column(sa.String(255), nullable=False)


class Trait(BASE, base.TimestampMixin):
    __tablename__ = 'traits'
    __table_args__ = (
        sa.UniqueConstraint('name', name='uniq_traits0name'),
        _MYSQL,
    )
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.Unicode(255), nullable=False)


class ResourceProviderTrait(BASE, base.TimestampMixin):
    __tablename__ = 'resource_provider_traits'
    __table_args__ = (
        sa.Index('resource_provider_traits_trait_id_idx', 'trait_id',
                 'resource_provider_id'),
        _MYSQL,
    )
    resource_provider_id = sa.Column(sa.Integer, primary_key=True)
    trait_id = sa.Column(sa.Integer, primary_key=True)


class PlacementAggregate(BASE, base.TimestampMixin):
    __tablename__ = 'placement_aggregates'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_placement_aggregates0uuid'),
        _MYSQL,
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)


class ResourceProviderAggregate(BASE, base.TimestampMixin):
    __tablename__ = 'resource_provider_aggregates'
    __table_args__ = (
        sa.Index('resource_provider_aggregates_aggregate_id_idx',
                 'aggregate_id', 'resource_provider_id'),
        _MYSQL,
    )
    resource_provider_id = sa.Column(sa.Integer, primary_key=True)
    aggregate_id = sa.Column(sa.Integer, primary_key=True)


RP = ResourceProvider.__table__
INV = Inventory.__table__
ALLOC = Allocation.__table__
PROJECT = Project.__table__
USER = User.__table__
CONSUMER = Consumer.__table__
CONSUMER_TYPE = ConsumerType.__table__
RC = ResourceClass.__table__
TRAIT = Trait.__table__
RP_TRAIT = ResourceProviderTrait.__table__
AGG = PlacementAggregate.__table__
RP_AGG = ResourceProviderAggregate.__table__

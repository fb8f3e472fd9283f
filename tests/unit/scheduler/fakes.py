"""Builders of host states, request specs, aggregates and server groups for
the filter and weigher tests (no database involved)."""

import datetime
import uuid

from nova import objects
from nova.scheduler import host_state

objects.register_all()

NOW = datetime.datetime(2024, 1, 1, 12, 0, 0)


def compute_node(**kwargs):
    values = dict(uuid=str(uuid.uuid4()), host='host1',
                  hypervisor_hostname='node1', vcpus=8, memory_mb=16384,
                  local_gb=200, vcpus_used=0, memory_mb_used=0,
                  local_gb_used=0, free_ram_mb=None, free_disk_gb=None,
                  running_vms=0, hypervisor_type='QEMU',
                  hypervisor_version=6002000, cpu_info=None,
                  cpu_allocation_ratio=4.0, ram_allocation_ratio=1.0,
                  disk_allocation_ratio=1.0, updated_at=NOW)
    values.update(kwargs)
    return objects.ComputeNode(**values)


class Extra:
    """A compute node stand-in with fields ComputeNode does not have yet."""

    def __init__(self, node, **extra):
        self._node = node
        self.__dict__.update(extra)

    def __getattr__(self, name):
        return getattr(self._node, name)


def service(up=True, disabled=False, reason=None, forced_down=False):
    return {'up': up, 'disabled': disabled, 'disabled_reason': reason,
            'forced_down': forced_down}


def aggregate(name='agg', hosts=(), metadata=None, **kwargs):
    metadata = dict(metadata or {})
    agg = objects.Aggregate(id=kwargs.pop('id', 1), uuid=str(uuid.uuid4()),
                            name=name, hosts=list(hosts), metadata=metadata)
    return agg


class Instance:
    def __init__(self, uuid_=None, project_id='p1', task_state=None,
                 vm_state='active'):
        self.uuid = uuid_ or str(uuid.uuid4())
        self.project_id = project_id
        self.task_state = task_state
        self.vm_state = vm_state


def host(name='host1', node=None, aggregates=(), instances=(), svc=None,
         extra=None, cell_uuid=None, **node_kwargs):
    """A HostState as the host manager builds it."""
    node = node or name
    cn = compute_node(host=name, hypervisor_hostname=node, **node_kwargs)
    if extra:
        cn = Extra(cn, **extra)
    hs = host_state.HostState(name, node, cell_uuid or 'cell1')
    hs.update(cn, svc or service(), list(aggregates),
              {inst.uuid: inst for inst in instances})
    return hs


def flavor(extra_specs=None, **kwargs):
    values = dict(id=1, name='m1.small', flavorid='2', memory_mb=2048,
                  vcpus=2, root_gb=20, ephemeral_gb=0, swap=0,
                  extra_specs=dict(extra_specs or {}))
    values.update(kwargs)
    return objects.Flavor(**values)


def group(policy='anti-affinity', members=(), hosts=(), rules=None):
    return objects.InstanceGroup(
        uuid=str(uuid.uuid4()), name='g', policy=policy,
        members=list(members), hosts=list(hosts), rules=dict(rules or {}),
        project_id='p1', user_id='u1')


def spec(extra_specs=None, image_props=None, image_id=None, hints=None,
         az=None, group=None, project_id='p1', instance_uuid=None,
         flavor_kwargs=None):
    image = objects.ImageMeta.from_dict(
        {'id': image_id, 'properties': image_props or {}})
    return objects.RequestSpec(
        instance_uuid=instance_uuid or str(uuid.uuid4()),
        project_id=project_id, user_id='u1',
        flavor=flavor(extra_specs, **(flavor_kwargs or {})), image=image,
        num_instances=1, availability_zone=az,
        scheduler_hints=dict(hints or {}), ignore_hosts=None,
        force_hosts=None, force_nodes=None, instance_group=group)


def passes(host_filter, hs, spec_obj):
    """The filter's answer both ways: host_passes and filter_all agree."""
    one = host_filter.host_passes(hs, spec_obj)
    many = host_filter.filter_all([hs], spec_obj) == [hs]
    assert one == many, (one, many)
    return one

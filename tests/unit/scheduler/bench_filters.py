"""Micro-benchmark: the default filters and all weighers over many hosts.

Run: python -m tests.unit.scheduler.bench_filters [--hosts N] [--rounds R]

Host states are built the way the host manager builds them (a ComputeNode
object per node, a service, aggregates for some hosts, a few instances);
building them is timed separately from filtering and weighing, since the
host manager caches them between requests.
"""

import argparse
import random
import statistics
import time
import uuid

import nova  # noqa: F401  (picks the oslo.service backend first)
import nova.conf
from nova import objects
from nova.scheduler import filters
from nova.scheduler import host_state
from nova.scheduler import weights

CONF = nova.conf.CONF


def build_nodes(count, rng):
    objects.register_all()
    aggs = [objects.Aggregate(id=i, uuid=str(uuid.uuid4()), name='agg%d' % i,
                              hosts=[], metadata={'availability_zone': 'az1',
                                                  'ram_weight_multiplier':
                                                  '1.5'})
            for i in range(5)]
    nodes = []
    for i in range(count):
        name = 'compute%05d' % i
        node = objects.ComputeNode(
            uuid=str(uuid.uuid4()), host=name, hypervisor_hostname=name,
            vcpus=64, vcpus_used=rng.randint(0, 64), memory_mb=262144,
            memory_mb_used=rng.randint(0, 200000), local_gb=2000,
            local_gb_used=rng.randint(0, 1500), free_ram_mb=None,
            free_disk_gb=None, running_vms=rng.randint(0, 40),
            hypervisor_type='QEMU', hypervisor_version=8002000,
            cpu_info='{"arch": "x86_64"}', cpu_allocation_ratio=4.0,
            ram_allocation_ratio=1.0, disk_allocation_ratio=1.0,
            updated_at=None)
        service = {'up': i % 97 != 0, 'disabled': i % 89 == 0,
                   'disabled_reason': None, 'forced_down': False}
        host_aggs = [aggs[i % 5]] if i % 10 == 0 else []
        instances = {}
        nodes.append((name, node, service, host_aggs, instances))
    return nodes


def build_states(nodes):
    states = []
    for name, node, service, aggs, instances in nodes:
        hs = host_state.HostState(name, name, 'cell1')
        hs.update(node, service, aggs, instances)
        states.append(hs)
    return states


def make_spec(group_policy=None):
    flavor = objects.Flavor(id=1, name='m1.small', flavorid='1',
                            memory_mb=2048, vcpus=2, root_gb=20,
                            ephemeral_gb=0, swap=0,
                            extra_specs={'hw:cpu_policy': 'shared'})
    group = None
    if group_policy:
        group = objects.InstanceGroup(uuid=str(uuid.uuid4()),
                                      policy=group_policy,
                                      members=[str(uuid.uuid4())], hosts=[],
                                      rules={})
    return objects.RequestSpec(
        instance_uuid=str(uuid.uuid4()), project_id='p', user_id='u',
        flavor=flavor, image=objects.ImageMeta.from_dict(
            {'id': str(uuid.uuid4()), 'properties': {}}),
        num_instances=1, availability_zone=None, scheduler_hints={},
        ignore_hosts=None, force_hosts=None, force_nodes=None,
        instance_group=group)


def timed(fn, rounds):
    samples = []
    result = None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--hosts', type=int, default=10000)
    parser.add_argument('--rounds', type=int, default=20)
    args = parser.parse_args()
    CONF([], project='nova')
    rng = random.Random(42)
    nodes = build_nodes(args.hosts, rng)
    med, best, states = timed(lambda: build_states(nodes), 5)
    print('%d hosts' % args.hosts)
    print('build host states:            median %6.2f ms  best %6.2f ms'
          % (med, best))

    def refresh():
        for (name, node, service, aggs, instances), hs in zip(nodes,
                                                             states):
            hs.update(node, service, aggs, instances)
    med, best, _ = timed(refresh, 5)
    print('update cached host states:    median %6.2f ms  best %6.2f ms'
          % (med, best))
    handler = filters.HostFilterHandler()
    weigher_handler = weights.WeightHandler()
    default_filters = filters.load_filters(
        CONF.filter_scheduler.enabled_filters)
    every_filter = filters.load_filters(
        [cls.__name__ for cls in filters.all_filters()])
    all_weighers = weights.load_weighers(['all'])
    for label, spec in (('no group', make_spec()),
                        ('anti-affinity group', make_spec('anti-affinity'))):
        med, best, passed = timed(lambda: handler.get_filtered_objects(
            default_filters, states, spec, 0, report=[]), args.rounds)
        print('default filters (%s):%s median %6.2f ms  best %6.2f ms  '
              '(%d pass)' % (label, ' ' * (10 - len(label)), med, best,
                             len(passed)))
    spec = make_spec()
    med, best, passed = timed(lambda: handler.get_filtered_objects(
        every_filter, states, spec, 0, report=[]), args.rounds)
    print('all 14 filters:               median %6.2f ms  best %6.2f ms  '
          '(%d pass)' % (med, best, len(passed)))
    med, best, _ = timed(lambda: weigher_handler.get_weighed_objects(
        all_weighers, passed, spec), args.rounds)
    print('all weighers:                 median %6.2f ms  best %6.2f ms'
          % (med, best))

    def both():
        hosts = handler.get_filtered_objects(default_filters, states, spec,
                                             0, report=[])
        return weigher_handler.get_weighed_objects(all_weighers, hosts, spec)
    med, best, _ = timed(both, args.rounds)
    print('default filters + weighers:   median %6.2f ms  best %6.2f ms'
          % (med, best))


if __name__ == '__main__':
    main()

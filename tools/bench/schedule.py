#!/usr/bin/env python3
"""Scheduling benchmark: select_destinations and GET /allocation_candidates
with many fake compute nodes.

    python tools/bench/schedule.py --nodes 10000 --state-dir /tmp/sched10k
        [-n 200] [--port 18774] [--keep]

Starts (or reuses, when the state directory holds a running one) a
nova-local deployment with one fake compute host exposing ``--nodes``
nodes over RabbitMQ, waits until placement has a provider for each of
them, then measures:

  1. select_destinations over RPC (what the conductor does for a boot):
     single-instance requests for a 1 VCPU / 512 MB / 1 GB flavor, each
     claiming in placement; the claims are freed after each timed call;
  2. GET /allocation_candidates?resources=VCPU:1,MEMORY_MB:512,DISK_GB:1
     &limit=1000, and the same with required=HW_CPU_X86_SSE2 (every node
     has it) and with required=CUSTOM_BENCH_RARE (one node in 100 has it).

Prints the median and p99 of ``-n`` runs of each, after 5 warm-up runs.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid

RESOURCES = 'VCPU:1,MEMORY_MB:512,DISK_GB:1'


def percentile(values, pct):
    ordered = sorted(values)
    index = min(len(ordered) - 1, int(round(pct / 100.0 * len(ordered))) - 1)
    return ordered[max(index, 0)]


def report(label, seconds):
    ms = [s * 1000 for s in seconds]
    print('%-58s median %7.1f ms   p99 %7.1f ms   (n=%d)' % (
        label, statistics.median(ms), percentile(ms, 99), len(ms)),
        flush=True)


def placement_get(endpoint, path, version='1.36'):
    req = urllib.request.Request(endpoint + path)
    req.add_header('X-Auth-Token', 'admin')
    req.add_header('OpenStack-API-Version', 'placement ' + version)
    req.add_header('Accept', 'application/json')
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read())


def placement_put(endpoint, path, body, version='1.6'):
    req = urllib.request.Request(endpoint + path, method='PUT',
                                 data=json.dumps(body).encode())
    req.add_header('X-Auth-Token', 'admin')
    req.add_header('OpenStack-API-Version', 'placement ' + version)
    req.add_header('Content-Type', 'application/json')
    with urllib.request.urlopen(req, timeout=120) as resp:
        return resp.status


def start_deployment(args):
    from nova.local import deployment
    from nova.local import layout
    state = os.path.join(args.state_dir, 'deployment.json')
    if os.path.exists(state):
        dep = deployment.Deployment.load(args.state_dir)
        if all(p.alive() for p in dep.processes.values()):
            return dep
        dep.stop()
    settings = layout.Settings(
        state_dir=args.state_dir, computes=('bench1',),
        fake_nodes=args.nodes, api_port=args.port,
        placement_port=args.port + 4, api_workers=1,
        # Many nodes: report rarely, so the measurement is not competing
        # with periodic refreshes.
        extra_conf={'compute': {'resource_update_interval': 600},
                    'scheduler': {'instance_sync_interval': -1}})
    dep = deployment.Deployment(settings, mode=deployment.MODE_PROCESSES)
    dep.setup()
    started = time.monotonic()
    dep.start(timeout=1800)
    print('Deployment with %d nodes ready in %.0f s' % (
        args.nodes, time.monotonic() - started), flush=True)
    return dep


def wait_for_providers(endpoint, count, timeout=1800):
    deadline = time.monotonic() + timeout
    while True:
        have = len(placement_get(endpoint, '/resource_providers',
                                 '1.14')['resource_providers'])
        if have >= count:
            return have
        if time.monotonic() > deadline:
            raise RuntimeError('only %d of %d providers in placement' %
                               (have, count))
        time.sleep(2)


def tag_rare_nodes(endpoint, every=100):
    """Give one provider in ``every`` the trait CUSTOM_BENCH_RARE."""
    placement_put(endpoint, '/traits/CUSTOM_BENCH_RARE', None)
    providers = placement_get(endpoint, '/resource_providers',
                              '1.14')['resource_providers']
    tagged = 0
    for provider in providers[::every]:
        path = '/resource_providers/%s/traits' % provider['uuid']
        current = placement_get(endpoint, path, '1.6')
        traits = sorted(set(current['traits']) | {'CUSTOM_BENCH_RARE'})
        placement_put(endpoint, path, {
            'traits': traits, 'resource_provider_generation':
            current['resource_provider_generation']})
        tagged += 1
    return tagged


def bench_candidates(endpoint, runs):
    queries = [
        ('plain, limit=1000', 'resources=%s&limit=1000' % RESOURCES),
        ('required=HW_CPU_X86_SSE2, limit=1000',
         'resources=%s&required=HW_CPU_X86_SSE2&limit=1000' % RESOURCES),
        ('required=CUSTOM_BENCH_RARE (1% of nodes), limit=1000',
         'resources=%s&required=CUSTOM_BENCH_RARE&limit=1000' % RESOURCES),
    ]
    for label, query in queries:
        times = []
        count = 0
        for i in range(runs + 5):
            start = time.perf_counter()
            body = placement_get(endpoint, '/allocation_candidates?' + query)
            elapsed = time.perf_counter() - start
            count = len(body['allocation_requests'])
            if i >= 5:
                times.append(elapsed)
        report('GET /allocation_candidates %s [%d]' % (label, count), times)


def _select_destinations(conf_path, runs):
    """Runs in a child process with the deployment's scheduler config, so
    this process's CONF is not touched."""
    from nova.cmd import common
    from nova import context as nova_context
    from nova import objects
    from nova.scheduler.client import report as report_client
    from nova.scheduler import rpcapi
    from nova import service
    common.init(['--config-file', conf_path], 'schedule-bench')
    service.setup_remote_objects()
    scheduler = rpcapi.SchedulerAPI()
    placement = report_client.SchedulerReportClient()
    ctx = nova_context.get_admin_context()
    flavor = objects.Flavor(id=1, flavorid='bench', name='bench', vcpus=1,
                            memory_mb=512, root_gb=1, ephemeral_gb=0,
                            swap=0, extra_specs={}, projects=[],
                            is_public=True, disabled=False)
    times = []
    hosts = set()
    for i in range(runs + 5):
        instance_uuid = str(uuid.uuid4())
        spec = objects.RequestSpec(
            instance_uuid=instance_uuid, project_id='bench',
            user_id='bench', flavor=flavor,
            image=objects.ImageMeta(properties={}), num_instances=1,
            availability_zone=None, scheduler_hints={}, ignore_hosts=None,
            force_hosts=None, force_nodes=None, instance_group=None)
        start = time.perf_counter()
        selections = scheduler.select_destinations(
            ctx, spec, [instance_uuid], return_alternates=True)
        elapsed = time.perf_counter() - start
        hosts.add(selections[0][0].nodename)
        placement.delete_allocation_for_instance(ctx, instance_uuid)
        if i >= 5:
            times.append(elapsed)
    report('select_destinations (RPC, incl. placement claim) [%d nodes '
           'picked]' % len(hosts), times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--nodes', type=int, default=1000)
    parser.add_argument('--state-dir', required=True)
    parser.add_argument('-n', '--runs', type=int, default=200)
    parser.add_argument('--port', type=int, default=18774)
    parser.add_argument('--keep', action='store_true',
                        help='Leave the deployment running afterwards.')
    parser.add_argument('--select-only', action='store_true',
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.select_only:
        _select_destinations(os.path.join(args.state_dir, 'etc',
                                          'nova-scheduler.conf'), args.runs)
        return 0
    dep = start_deployment(args)
    try:
        endpoint = dep.settings.placement_endpoint
        have = wait_for_providers(endpoint, args.nodes)
        print('%d resource providers in placement; %d tagged '
              'CUSTOM_BENCH_RARE' % (have, tag_rare_nodes(endpoint)),
              flush=True)
        bench_candidates(endpoint, args.runs)
        subprocess.run([sys.executable, __file__, '--select-only',
                        '--state-dir', args.state_dir, '-n',
                        str(args.runs)], check=True)
    finally:
        if not args.keep:
            dep.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())

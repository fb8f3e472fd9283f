#!/usr/bin/env python3
"""Boot benchmark against a running deployment with fake computes.

    python tools/bench/boot.py [--endpoint http://127.0.0.1:8774/v2.1]
        [-n 200] [--image ID] [--flavor ID] [--state-dir DIR]

Phases, each timed:
  1. one POST /servers with min_count = max_count = N (networks "none",
     or --network UUID: one port each from Neutron);
  2. poll GET /servers/detail?reservation_id=... until all N are ACTIVE;
  3. 20x GET /servers/detail (all servers of the project), median and p90;
  4. DELETE every server, then poll until none is left.

With --state-dir (a nova-local deployment) the endpoint is read from it,
and a flavor and an image are created if none are given; with --network
the computes' logs there also tell the time spent on Neutron: creating
and binding ports ("Allocated ... in") and waiting for its
network-vif-plugged events ("Waited ... for Neutron"), summed over the
servers and set against the builds' own time. Only the standard library
is needed.
"""

import argparse
import glob
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

MICROVERSION = '2.37'


class Client:
    def __init__(self, endpoint, token):
        self.endpoint = endpoint.rstrip('/')
        self.token = token

    def request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.endpoint + path, data=data,
                                     method=method)
        req.add_header('X-Auth-Token', self.token)
        if method != 'DELETE':
            req.add_header('Accept', 'application/json')
        req.add_header('OpenStack-API-Version', 'compute ' + MICROVERSION)
        if data is not None:
            req.add_header('Content-Type', 'application/json')
        try:
            with urllib.request.urlopen(req, timeout=300) as resp:
                raw = resp.read()
                status = resp.status
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            status = exc.code
        if status >= 400:
            raise RuntimeError('%s %s: %s %s' % (method, path, status,
                                                 raw[:500]))
        return json.loads(raw) if raw else None


def _timed(label, func):
    start = time.monotonic()
    result = func()
    elapsed = time.monotonic() - start
    print('%-34s %8.2f s' % (label, elapsed), flush=True)
    return result, elapsed


def _poll(what, func, timeout, interval=0.2):
    deadline = time.monotonic() + timeout
    while True:
        result = func()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            raise RuntimeError('timed out waiting for %s' % what)
        time.sleep(interval)


def _setup_from_state_dir(args, client):
    if not args.flavor:
        flavors = client.request('GET', '/flavors')['flavors']
        found = [f for f in flavors if f['name'] == 'bench.tiny']
        if found:
            args.flavor = found[0]['id']
        else:
            args.flavor = client.request('POST', '/flavors', {'flavor': {
                'name': 'bench.tiny', 'vcpus': 1, 'ram': 64,
                'disk': 1}})['flavor']['id']
    if not args.image:
        path = os.path.join(args.state_dir, 'bench-image.raw')
        with open(path, 'wb') as f:
            f.write(b'\0' * 65536)
        manage = os.path.join(os.path.dirname(sys.executable), 'nova-manage')
        out = subprocess.run(
            [manage, '--config-file',
             os.path.join(args.state_dir, 'etc', 'nova-manage.conf'),
             'image', 'import', path, '--name', 'bench-image'],
            capture_output=True, text=True, check=True).stdout
        args.image = out.strip().splitlines()[-1]


_ALLOCATED = re.compile(r'Allocated \d+ port\(s\) in ([0-9.]+) s')
_WAITED = re.compile(r'Waited ([0-9.]+) s for Neutron')
_BUILT = re.compile(r'Instance built and running')


def _neutron_share(state_dir, since):
    """(seconds allocating, seconds waiting, builds) from the compute
    logs of ``state_dir``, lines written after ``since`` (epoch)."""
    allocating = waiting = 0.0
    built = 0
    stamp = re.compile(r'^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)')
    for path in glob.glob(os.path.join(state_dir, 'log',
                                       'nova-compute*.log')):
        with open(path, errors='replace') as f:
            for line in f:
                match = stamp.match(line)
                if match and time.mktime(time.strptime(
                        match.group(1), '%Y-%m-%d %H:%M:%S')) < since - 1:
                    continue
                found = _ALLOCATED.search(line)
                if found:
                    allocating += float(found.group(1))
                found = _WAITED.search(line)
                if found:
                    waiting += float(found.group(1))
                if _BUILT.search(line):
                    built += 1
    return allocating, waiting, built


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--endpoint', default='http://127.0.0.1:8774/v2.1')
    parser.add_argument('--token', default='admin:admin')
    parser.add_argument('--state-dir',
                        help='a nova-local deployment to read settings from')
    parser.add_argument('-n', '--count', type=int, default=200)
    parser.add_argument('--image', help='image id')
    parser.add_argument('--flavor', help='flavor id')
    parser.add_argument('--list-repeats', type=int, default=20)
    parser.add_argument('--timeout', type=int, default=600)
    parser.add_argument('--network', help='boot on this network (Neutron)')
    args = parser.parse_args(argv)

    if args.state_dir:
        with open(os.path.join(args.state_dir, 'deployment.json')) as f:
            settings = json.load(f)['settings']
        args.endpoint = 'http://%s:%d/v2.1' % (settings['api_host'],
                                               settings['api_port'])
    client = Client(args.endpoint, args.token)
    if args.state_dir:
        _setup_from_state_dir(args, client)
    if not (args.image and args.flavor):
        parser.error('--image and --flavor are needed without --state-dir')

    n = args.count
    print('Booting %d servers at %s (image %s, flavor %s)'
          % (n, args.endpoint, args.image, args.flavor))
    total_start = time.monotonic()
    wall_start = time.time()

    body, t_post = _timed('POST /servers (N=%d)' % n, lambda: client.request(
        'POST', '/servers', {'server': {
            'name': 'bench', 'imageRef': args.image,
            'flavorRef': args.flavor,
            'networks': ([{'uuid': args.network}] if args.network
                         else 'none'),
            'min_count': n, 'max_count': n,
            'return_reservation_id': True}}))
    rid = body['reservation_id']

    def all_active():
        servers = client.request(
            'GET', '/servers/detail?reservation_id=%s' % rid)['servers']
        errors = [s for s in servers if s['status'] == 'ERROR']
        if errors:
            raise RuntimeError('%d servers in ERROR, first fault: %s' % (
                len(errors), errors[0].get('fault')))
        active = [s for s in servers if s['status'] == 'ACTIVE']
        return servers if len(active) == n else None

    servers, t_active = _timed(
        'until all ACTIVE', lambda: _poll('ACTIVE', all_active,
                                          args.timeout))
    print('%-34s %8.2f s' % ('POST + ACTIVE', t_post + t_active))
    hosts = {}
    for server in servers:
        host = server.get('OS-EXT-SRV-ATTR:host')
        hosts[host] = hosts.get(host, 0) + 1
    print('servers per host: %s' % ', '.join(
        '%s=%d' % kv for kv in sorted(hosts.items())))

    if args.network and args.state_dir:
        allocating, waiting, built = _neutron_share(args.state_dir,
                                                    wall_start)
        per = max(built, 1)
        print('%-34s %8.3f s per server (%d builds)' % (
            'Neutron: create + bind ports', allocating / per, built))
        print('%-34s %8.3f s per server' % (
            'Neutron: wait for vif-plugged', waiting / per))

    times = []
    for _ in range(args.list_repeats):
        start = time.monotonic()
        listed = client.request('GET', '/servers/detail')['servers']
        times.append(time.monotonic() - start)
    times.sort()
    print('%-34s %8.1f ms median, %.1f ms p90, %.1f ms max (%d servers)' % (
        'GET /servers/detail x%d' % args.list_repeats,
        statistics.median(times) * 1000,
        times[int(len(times) * 0.9) - 1] * 1000, times[-1] * 1000,
        len(listed)))

    def delete_all():
        for server in servers:
            client.request('DELETE', '/servers/%s' % server['id'])
        return _poll('deletion', lambda: True if not client.request(
            'GET', '/servers?reservation_id=%s' % rid)['servers'] else None,
            args.timeout)

    _timed('DELETE all, until gone', delete_all)
    print('%-34s %8.2f s' % ('total', time.monotonic() - total_start))
    return 0


if __name__ == '__main__':
    sys.exit(main())

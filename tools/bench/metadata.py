#!/usr/bin/env python3
"""Metadata service benchmark: what a guest's poll costs, with the cache
and without it.

    python tools/bench/metadata.py --state-dir DIR [-n 10] [--requests 500]

Against a running nova-local deployment (fake computes, networks "none"):
boots N servers, then starts two nova-metadata-api processes of its own
from the deployment's configuration, both trusting signed X-Instance-ID
headers (a secret of the benchmark's) on free ports, one with [api]
metadata_cache_expiration 15 and one with 0, and sends each the requests
Neutron's metadata proxy would (GET /openstack/latest/meta_data.json of
a random server, one after the other). Prints the median and p90 latency
of each, and the requests per second of 8 concurrent clients. Deletes
its servers at the end. Only the standard library is needed.
"""

import argparse
import concurrent.futures
import hashlib
import hmac
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boot  # noqa: E402  (the API client and set-up of the boot benchmark)

SECRET = 'bench-metadata-secret'
PATH = '/openstack/latest/meta_data.json'


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class MetadataService:
    """A nova-metadata-api of the deployment with its own port, secret and
    cache expiration."""

    def __init__(self, state_dir, cache_seconds, tmp):
        self.port = _free_port()
        self.override = os.path.join(tmp, 'metadata-%d.conf' % cache_seconds)
        self.log = os.path.join(tmp, 'metadata-%d.log' % cache_seconds)
        with open(self.override, 'w') as f:
            f.write('[DEFAULT]\nlog_file = %s\ndebug = false\n'
                    '[api]\nmetadata_cache_expiration = %d\n'
                    '[neutron]\nservice_metadata_proxy = true\n'
                    'metadata_proxy_shared_secret = %s\n'
                    '[metadata_api]\nbind_host = 127.0.0.1\n'
                    'bind_port = %d\nworkers = 1\nthreads = 8\n'
                    % (self.log, cache_seconds, SECRET, self.port))
        conf = os.path.join(state_dir, 'etc', 'nova-metadata-api.conf')
        self.proc = subprocess.Popen(
            [sys.executable, '-m', 'nova.cmd.metadata_api',
             '--config-file', conf, '--config-file', self.override],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(('127.0.0.1', self.port), 1).close()
                break
            except OSError:
                if self.proc.poll() is not None or \
                        time.monotonic() > deadline:
                    raise RuntimeError('nova-metadata-api did not start; '
                                       'see %s' % self.log)
                time.sleep(0.2)

    def get(self, server):
        req = urllib.request.Request(
            'http://127.0.0.1:%d%s' % (self.port, PATH), headers={
                'X-Instance-ID': server['id'],
                'X-Instance-ID-Signature': hmac.new(
                    SECRET.encode(), server['id'].encode(),
                    hashlib.sha256).hexdigest(),
                'X-Tenant-ID': server['tenant_id'],
                'X-Forwarded-For': '10.0.0.2'})
        start = time.perf_counter()
        with urllib.request.urlopen(req, timeout=30) as resp:
            body = json.loads(resp.read())
        elapsed = time.perf_counter() - start
        if body['uuid'] != server['id']:
            raise RuntimeError('metadata of %s answered for %s'
                               % (body['uuid'], server['id']))
        return elapsed

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)


def _measure(service, servers, requests):
    # One round first: the cached service then answers from its cache.
    for server in servers:
        service.get(server)
    times = [service.get(random.choice(servers)) for _ in range(requests)]
    times.sort()
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: service.get(random.choice(servers)),
                      range(requests)))
    rate = requests / (time.monotonic() - start)
    return (statistics.median(times) * 1000,
            times[int(len(times) * 0.9)] * 1000, rate)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--state-dir', required=True,
                        help='a running nova-local deployment')
    parser.add_argument('--token', default='admin:admin')
    parser.add_argument('-n', '--count', type=int, default=10,
                        help='servers (the default quota allows 10)')
    parser.add_argument('--requests', type=int, default=500)
    args = parser.parse_args(argv)
    args.image = args.flavor = None

    with open(os.path.join(args.state_dir, 'deployment.json')) as f:
        settings = json.load(f)['settings']
    client = boot.Client('http://%s:%d/v2.1' % (settings['api_host'],
                                                settings['api_port']),
                         args.token)
    boot._setup_from_state_dir(args, client)
    body = client.request('POST', '/servers', {'server': {
        'name': 'bench-md', 'imageRef': args.image, 'flavorRef': args.flavor,
        'networks': 'none', 'min_count': args.count,
        'max_count': args.count, 'metadata': {'bench': 'metadata'},
        'user_data': 'IyEvYmluL3NoCmVjaG8gaGkK',
        'return_reservation_id': True}})
    rid = body['reservation_id']

    def all_active():
        servers = client.request(
            'GET', '/servers/detail?reservation_id=%s' % rid)['servers']
        active = [s for s in servers if s['status'] == 'ACTIVE']
        return active if len(active) == args.count else None

    servers = boot._poll('ACTIVE', all_active, 600)
    tmp = tempfile.mkdtemp(prefix='bench-metadata-')
    try:
        for cache_seconds in (15, 0):
            service = MetadataService(args.state_dir, cache_seconds, tmp)
            try:
                median, p90, rate = _measure(service, servers,
                                             args.requests)
            finally:
                service.stop()
            print('cache %2d s: meta_data.json median %6.2f ms, p90 %6.2f '
                  'ms, %6.0f requests/s with 8 clients'
                  % (cache_seconds, median, p90, rate), flush=True)
    finally:
        for server in servers:
            client.request('DELETE', '/servers/%s' % server['id'])


if __name__ == '__main__':
    main()

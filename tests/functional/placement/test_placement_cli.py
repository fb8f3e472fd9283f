"""nova-placement-api as a real process, driven by the real openstack
client and its osc-placement plugin (noauth2: any token is an admin)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid

import pytest

pytestmark = pytest.mark.functional

PORT_RANGE = range(18800, 18900)


def _free_port():
    for port in PORT_RANGE:
        with socket.socket() as sock:
            try:
                sock.bind(('127.0.0.1', port))
            except OSError:
                continue
            return port
    pytest.skip('no free port in the placement helper range')


def _script(name):
    path = os.path.join(os.path.dirname(sys.executable), name)
    return path if os.path.exists(path) else shutil.which(name)


@pytest.fixture(scope='module')
def endpoint(tmp_path_factory):
    if not _script('openstack'):
        pytest.skip('the openstack client is not installed')
    tmp = tmp_path_factory.mktemp('placement')
    port = _free_port()
    conf = tmp / 'nova.conf'
    conf.write_text(
        '[placement_database]\n'
        'connection = sqlite:///%s\n'
        'sync_on_startup = true\n'
        '[placement_api]\n'
        'bind_port = %d\n'
        'workers = 1\n' % (tmp / 'placement.sqlite', port))
    log = open(tmp / 'placement.log', 'w')
    proc = subprocess.Popen(
        [_script('nova-placement-api'), '--config-file', str(conf)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = 'http://127.0.0.1:%d' % port
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError('nova-placement-api did not start:\n'
                                     + (tmp / 'placement.log').read_text())
            time.sleep(0.2)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def osc(endpoint, *args, version='1.39', expect_ok=True):
    env = dict(os.environ, OS_PLACEMENT_API_VERSION=version)
    for key in list(env):
        if key.startswith('OS_') and key != 'OS_PLACEMENT_API_VERSION':
            del env[key]
    cmd = [_script('openstack'), '--os-auth-type', 'admin_token',
           '--os-token', 'admin', '--os-endpoint', endpoint] + list(args)
    result = subprocess.run(cmd, env=env, capture_output=True, text=True,
                            timeout=120)
    if expect_ok:
        assert result.returncode == 0, (cmd, result.stdout, result.stderr)
    return result


def osc_json(endpoint, *args, **kw):
    return json.loads(osc(endpoint, *args, '-f', 'json', **kw).stdout)


def test_provider_inventory_traits_candidates_usage(endpoint):
    name = 'cn-%s' % uuid.uuid4().hex[:8]
    rp = osc_json(endpoint, 'resource', 'provider', 'create', name)
    assert rp['name'] == name and rp['generation'] == 0
    listed = osc_json(endpoint, 'resource', 'provider', 'list')
    assert rp['uuid'] in [p['uuid'] for p in listed]
    shown = osc_json(endpoint, 'resource', 'provider', 'show', rp['uuid'])
    assert shown['root_provider_uuid'] == rp['uuid']

    osc(endpoint, 'resource', 'provider', 'inventory', 'set', rp['uuid'],
        '--resource', 'VCPU=8', '--resource', 'MEMORY_MB=4096',
        '--resource', 'DISK_GB=100')
    inventory = osc_json(endpoint, 'resource', 'provider', 'inventory',
                         'list', rp['uuid'])
    assert {i['resource_class']: i['total'] for i in inventory} == {
        'VCPU': 8, 'MEMORY_MB': 4096, 'DISK_GB': 100}

    osc(endpoint, 'resource', 'provider', 'trait', 'set', rp['uuid'],
        '--trait', 'HW_CPU_X86_AVX2')
    traits = osc_json(endpoint, 'resource', 'provider', 'trait', 'list',
                      rp['uuid'])
    assert [t['name'] for t in traits] == ['HW_CPU_X86_AVX2']

    cands = osc_json(endpoint, 'allocation', 'candidate', 'list',
                     '--resource', 'VCPU=1', '--resource', 'MEMORY_MB=512',
                     '--required', 'HW_CPU_X86_AVX2')
    assert [c['resource provider'] for c in cands] == [rp['uuid']]
    cands = osc_json(endpoint, 'allocation', 'candidate', 'list',
                     '--resource', 'VCPU=1', '--forbidden',
                     'HW_CPU_X86_AVX2')
    assert cands == []

    consumer = str(uuid.uuid4())
    osc(endpoint, 'resource', 'provider', 'allocation', 'set', consumer,
        '--allocation', 'rp=%s,VCPU=2,MEMORY_MB=1024' % rp['uuid'],
        '--project-id', 'p', '--user-id', 'u', '--consumer-type',
        'INSTANCE')
    usage = osc_json(endpoint, 'resource', 'provider', 'usage', 'show',
                     rp['uuid'])
    assert {u['resource_class']: u['usage'] for u in usage} == {
        'VCPU': 2, 'MEMORY_MB': 1024, 'DISK_GB': 0}

    # A provider with allocations cannot go; once they are gone it can.
    result = osc(endpoint, 'resource', 'provider', 'delete', rp['uuid'],
                 expect_ok=False)
    assert result.returncode != 0
    osc(endpoint, 'resource', 'provider', 'allocation', 'delete', consumer)
    osc(endpoint, 'resource', 'provider', 'delete', rp['uuid'])
    listed = osc_json(endpoint, 'resource', 'provider', 'list')
    assert rp['uuid'] not in [p['uuid'] for p in listed]


def test_old_microversion_clients_work(endpoint):
    rp = osc_json(endpoint, 'resource', 'provider', 'create', 'old-%s'
                  % uuid.uuid4().hex[:8], version='1.0')
    assert 'root_provider_uuid' not in rp
    osc(endpoint, 'resource', 'provider', 'delete', rp['uuid'],
        version='1.0')

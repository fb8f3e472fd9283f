"""The four daemons as real processes over RabbitMQ, on SQLite and on
MariaDB, driven only through the REST API.

One deployment per database kind (module scope): nova-conductor,
nova-scheduler, nova-compute on two fake hosts and nova-api, each a
process with its own configuration file; only the conductor's has
database options. report_interval 1 and service_down_time 5 make a
stopped compute turn "down" within seconds. The test that stops a
compute runs last in the module.
"""

import json
import subprocess
import sys
import uuid

import pytest

from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(600)]

DB_KINDS = [
    pytest.param('sqlite', id='sqlite'),
    pytest.param('mysql', id='mysql', marks=pytest.mark.mysql),
]


@pytest.fixture(scope='module', params=DB_KINDS)
def cloud(request, tmp_path_factory, rabbit_available):
    if request.param == 'mysql':
        request.getfixturevalue('mysql_available')
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('cloud-%s' % request.param),
        db=request.param, computes=('fc1', 'fc2'),
        extra_conf=conftest.UNLIMITED_QUOTA)
    try:
        cloud.flavor = cloud.create_flavor('ft.small', vcpus=1, ram=128,
                                           disk=1)
        cloud.image_id = cloud.import_image('ft-image')
        yield cloud
    finally:
        cleanup()


def _unique(prefix):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:6])


def test_every_service_registers_and_is_up(cloud):
    services = cloud.get('/os-services')['services']
    by_binary = {}
    for svc in services:
        by_binary.setdefault(svc['binary'], set()).add(svc['host'])
        assert svc['state'] == 'up', svc
    assert by_binary['nova-compute'] == {'fc1', 'fc2'}
    assert 'nova-conductor' in by_binary
    assert 'nova-scheduler' in by_binary


def test_boot_spreads_servers_over_both_hosts(cloud):
    name = _unique('spread')
    body = cloud.boot(name, cloud.flavor['id'], cloud.image_id, count=4)
    reservation_id = body['reservation_id']

    def all_active():
        servers = cloud.servers_detail(reservation_id=reservation_id)
        errors = [s for s in servers if s['status'] == 'ERROR']
        assert not errors, errors[0].get('fault')
        if len(servers) == 4 and all(s['status'] == 'ACTIVE'
                                     for s in servers):
            return servers
        return None

    servers = cloud.wait_for('4 servers of %s to be ACTIVE' % reservation_id,
                             all_active)
    hosts = {s['OS-EXT-SRV-ATTR:host'] for s in servers}
    assert hosts == {'fc1', 'fc2'}
    assert sorted(s['name'] for s in servers) == [
        '%s-%d' % (name, n) for n in range(1, 5)]
    for server in servers:
        assert server['OS-EXT-STS:vm_state'] == 'active'
        assert server['OS-EXT-STS:power_state'] == 1
        assert server['addresses'] == {}
    for server in servers:
        cloud.request('DELETE', '/servers/%s' % server['id'], expect=204)
    for server in servers:
        cloud.wait_gone(server['id'])


def test_list_show_rename_and_delete(cloud):
    prefix = _unique('life')
    ids = []
    for n in range(3):
        body = cloud.boot('%s-%d' % (prefix, n), cloud.flavor['id'],
                          cloud.image_id)
        ids.append(body['server']['id'])
    for server_id in ids:
        cloud.wait_status(server_id, 'ACTIVE')

    # List and detail, filtered by name.
    brief = cloud.get('/servers', params={'name': prefix})['servers']
    assert sorted(s['id'] for s in brief) == sorted(ids)
    assert set(brief[0]) >= {'id', 'name', 'links'}
    detail = cloud.servers_detail(name=prefix)
    assert {s['status'] for s in detail} == {'ACTIVE'}
    assert cloud.servers_detail(name=prefix, status='ERROR') == []
    assert len(cloud.servers_detail(name=prefix, status='ACTIVE')) == 3

    # Paging: limit + marker, with a "next" link while more remain.
    page1 = cloud.get('/servers/detail', params={'name': prefix,
                                                 'limit': 2})
    assert len(page1['servers']) == 2
    next_links = [link['href'] for link in page1.get('servers_links', [])
                  if link['rel'] == 'next']
    assert len(next_links) == 1
    page2 = cloud.get('/servers/detail', params={
        'name': prefix, 'limit': 2, 'marker': page1['servers'][-1]['id']})
    assert len(page2['servers']) == 1
    seen = [s['id'] for s in page1['servers'] + page2['servers']]
    assert sorted(seen) == sorted(ids)
    followed = cloud.get(next_links[0])
    assert [s['id'] for s in followed['servers']] == [
        s['id'] for s in page2['servers']]

    # Show and rename.
    shown = cloud.server(ids[0])
    assert shown['name'] == '%s-0' % prefix
    assert shown['flavor']['id'] == cloud.flavor['id']
    assert shown['image']['id'] == cloud.image_id
    renamed = cloud.request('PUT', '/servers/%s' % ids[0],
                            json={'server': {'name': prefix + '-renamed'}},
                            expect=200).json()['server']
    assert renamed['name'] == prefix + '-renamed'
    assert cloud.server(ids[0])['name'] == prefix + '-renamed'

    # Delete and wait until gone from show and list.
    for server_id in ids:
        cloud.request('DELETE', '/servers/%s' % server_id, expect=204)
    for server_id in ids:
        cloud.wait_gone(server_id)
    assert cloud.servers_detail(name=prefix) == []


def test_flavor_too_big_for_any_host_ends_in_error_with_reason(cloud):
    huge = cloud.create_flavor(_unique('ft.huge'), vcpus=4096,
                               ram=64 * 1024 * 1024, disk=1)
    body = cloud.boot(_unique('toobig'), huge['id'], cloud.image_id)
    server = cloud.wait_status(body['server']['id'], 'ERROR')
    fault = server.get('fault') or {}
    message = fault.get('message', '')
    assert 'valid host' in message.lower() or 'no host' in message.lower(), (
        fault)
    cloud.request('DELETE', '/servers/%s' % server['id'], expect=204)
    cloud.wait_gone(server['id'])


NO_DB_PROBE = r'''
import json, sys
import nova.conf
from nova import context, exception
CONF = nova.conf.CONF
CONF(['--config-file', sys.argv[1]], project='nova')
results = {}
from nova.db import session
try:
    with session.cell_session():
        pass
    results['cell_session'] = 'connected'
except exception.DatabaseNotConfigured as exc:
    results['cell_session'] = exc.format_message()
try:
    with session.api_session():
        pass
    results['api_session'] = 'connected'
except exception.DatabaseNotConfigured as exc:
    results['api_session'] = exc.format_message()
from nova.db.main import api as db
try:
    db.service_get_by_host_and_binary(context.get_admin_context(), 'x',
                                      'nova-compute')
    results['db_api'] = 'connected'
except exception.DatabaseNotConfigured as exc:
    results['db_api'] = exc.format_message()
except exception.ServiceNotFound:
    results['db_api'] = 'connected'
print(json.dumps(results))
'''


@pytest.mark.parametrize('conf_name', ['nova-compute-fc1', 'nova-api',
                                       'nova-scheduler',
                                       'nova-metadata-api'])
def test_services_without_db_config_cannot_reach_the_database(cloud,
                                                               conf_name):
    conf_file = cloud.settings.conf_path(conf_name)
    with open(conf_file) as f:
        text = f.read()
    assert '[database]' not in text and '[api_database]' not in text
    result = subprocess.run([sys.executable, '-c', NO_DB_PROBE, conf_file],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    results = json.loads(result.stdout.strip().splitlines()[-1])
    for key, message in results.items():
        assert message != 'connected', key
        assert 'no [' in message and 'connection configured' in message, (
            key, message)
        assert 'nova-conductor' in message, (key, message)
    assert '[database]' in results['cell_session']
    assert '[api_database]' in results['api_session']


def test_conductor_config_has_the_databases(cloud):
    with open(cloud.settings.conf_path('nova-conductor')) as f:
        text = f.read()
    assert '[database]' in text and '[api_database]' in text


# Keep last: it stops a compute of the module's deployment.
def test_stopped_compute_is_reported_down(cloud):
    assert cloud.dep.compute_services() == {'fc1': 'up', 'fc2': 'up'}
    assert cloud.dep.stop_process('nova-compute-fc2', timeout=30), (
        'nova-compute did not stop on SIGTERM')
    states = cloud.wait_for(
        'nova-compute on fc2 to be reported down',
        lambda: (lambda s: s if s.get('fc2') == 'down' else None)(
            cloud.dep.compute_services()),
        timeout=cloud.settings.service_down_time * 6)
    assert states == {'fc1': 'up', 'fc2': 'down'}
    hypervisors = cloud.get('/os-hypervisors/detail')['hypervisors']
    by_host = {h['service']['host']: h for h in hypervisors}
    assert by_host['fc2']['state'] == 'down'
    assert by_host['fc1']['state'] == 'up'
    # Started again, it heartbeats and is up again.
    cloud.dep.start_process('nova-compute-fc2')
    cloud.wait_for('nova-compute on fc2 to be up again',
                   lambda: cloud.dep.compute_services().get('fc2') == 'up',
                   timeout=90)

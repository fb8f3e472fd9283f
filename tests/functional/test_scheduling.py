"""Scheduling through placement with every service a real process:
placement, conductor, scheduler, five fake computes and the API over
RabbitMQ, on SQLite.

The hosts differ on purpose:
- sc3 reports the trait CUSTOM_GOLD;
- the image "flaky" fails to spawn on sc1, sc2, sc4 and sc5 (so builds
  are rescheduled until they reach sc3), the image "broken" everywhere.
"""

import concurrent.futures
import uuid

import pytest

from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(900)]

HOSTS = ('sc1', 'sc2', 'sc3', 'sc4', 'sc5')
# The default filters plus those the hint tests need.
FILTERS = ('ComputeFilter', 'AvailabilityZoneFilter',
           'ComputeCapabilitiesFilter', 'ImagePropertiesFilter',
           'ServerGroupAntiAffinityFilter', 'ServerGroupAffinityFilter',
           'SameHostFilter', 'DifferentHostFilter', 'JsonFilter')


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbit_available):
    host_conf = {}
    for host in HOSTS:
        fail = ['broken'] + ([] if host == 'sc3' else ['flaky'])
        fake = {'fail_spawn_images': ','.join(fail)}
        if host == 'sc3':
            fake['traits'] = 'HW_CPU_X86_SSE2,CUSTOM_GOLD'
        host_conf[host] = {'fake': fake}
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('sched'), computes=HOSTS,
        host_conf=host_conf,
        # The flaky image may need all five hosts to reach sc3.
        extra_conf={**conftest.UNLIMITED_QUOTA,
                    'scheduler': {'max_attempts': 5},
                    'filter_scheduler': {'enabled_filters': ','.join(
                        FILTERS)}})
    try:
        cloud.flavor = cloud.create_flavor('sched.small', vcpus=1, ram=128,
                                           disk=1)
        cloud.image_id = cloud.import_image('plain')
        cloud.flaky_id = cloud.import_image('flaky')
        cloud.broken_id = cloud.import_image('broken')
        cloud.nodes = {h['hypervisor_hostname']: h['id'] for h in cloud.get(
            '/os-hypervisors', headers={
                'OpenStack-API-Version': 'compute 2.53'})['hypervisors']}
        yield cloud
    finally:
        cleanup()


def _name(prefix):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:6])


def _allocations(cloud, consumer):
    return cloud.placement('GET', '/allocations/%s' % consumer,
                           expect=200).json()['allocations']


def _delete_all(cloud, ids):
    for server_id in ids:
        cloud.request('DELETE', '/servers/%s' % server_id)
    for server_id in ids:
        cloud.wait_gone(server_id)


def _boot_and_wait(cloud, name, status='ACTIVE', flavor=None, image=None,
                   **extra):
    server = cloud.boot(name, flavor or cloud.flavor['id'],
                        image or cloud.image_id, **extra)['server']
    return cloud.wait_status(server['id'], status, timeout=90)


def _host(server):
    return server['OS-EXT-SRV-ATTR:host']


def test_every_node_is_a_resource_provider_with_inventory(cloud):
    providers = cloud.placement('GET', '/resource_providers',
                                expect=200).json()['resource_providers']
    by_name = {p['name']: p for p in providers}
    assert set(HOSTS) <= set(by_name)
    inv = cloud.placement(
        'GET', '/resource_providers/%s/inventories' % by_name['sc1']['uuid'],
        expect=200).json()['inventories']
    assert set(inv) == {'VCPU', 'MEMORY_MB', 'DISK_GB'}
    assert inv['VCPU']['allocation_ratio'] == 16.0
    assert inv['MEMORY_MB']['reserved'] == 512
    traits = cloud.placement(
        'GET', '/resource_providers/%s/traits' % by_name['sc3']['uuid'],
        expect=200).json()['traits']
    assert {'COMPUTE_NODE', 'CUSTOM_GOLD'} <= set(traits)


def test_boot_claims_allocations_and_delete_frees_them(cloud):
    server = _boot_and_wait(cloud, _name('claim'))
    allocations = _allocations(cloud, server['id'])
    node_uuid = cloud.nodes[server['OS-EXT-SRV-ATTR:hypervisor_hostname']]
    assert allocations == {node_uuid: {
        'generation': allocations[node_uuid]['generation'],
        'resources': {'VCPU': 1, 'MEMORY_MB': 128, 'DISK_GB': 1}}}
    usages = cloud.placement('GET', '/resource_providers/%s/usages' %
                             node_uuid, expect=200).json()['usages']
    assert usages['VCPU'] >= 1
    _delete_all(cloud, [server['id']])
    assert _allocations(cloud, server['id']) == {}


def test_flavor_trait_sends_the_server_to_the_host_with_it(cloud):
    gold = cloud.create_flavor(_name('gold'), vcpus=1, ram=128, disk=1)
    cloud.post('/flavors/%s/os-extra_specs' % gold['id'],
               {'extra_specs': {'trait:CUSTOM_GOLD': 'required'}},
               expect=200)
    servers = [_boot_and_wait(cloud, _name('gold'), flavor=gold['id'])
               for _ in range(2)]
    assert {_host(s) for s in servers} == {'sc3'}
    _delete_all(cloud, [s['id'] for s in servers])


def test_novalidhost_names_the_missing_resources(cloud):
    huge = cloud.create_flavor(_name('huge'), vcpus=1, ram=10 ** 8, disk=1)
    server = _boot_and_wait(cloud, _name('huge'), 'ERROR', flavor=huge['id'])
    message = server['fault']['message']
    assert 'No valid host' in message or 'Placement' in message, message
    assert 'Placement found no compute node with enough free resources' \
        in message, message
    assert 'MEMORY_MB=100000000' in message, message
    _delete_all(cloud, [server['id']])


def test_novalidhost_names_the_missing_trait(cloud):
    platinum = cloud.create_flavor(_name('plat'), vcpus=1, ram=128, disk=1)
    cloud.post('/flavors/%s/os-extra_specs' % platinum['id'],
               {'extra_specs': {'trait:CUSTOM_PLATINUM': 'required'}},
               expect=200)
    server = _boot_and_wait(cloud, _name('plat'), 'ERROR',
                            flavor=platinum['id'])
    message = server['fault']['message']
    # No host has ever reported the trait, so placement does not know it.
    assert 'Placement refused the request for' in message, message
    assert 'required traits CUSTOM_PLATINUM' in message, message
    assert 'No such trait' in message, message

    # A trait placement knows but that no host with room has.
    cloud.placement('PUT', '/traits/CUSTOM_SILVER', expect=201)
    silver = cloud.create_flavor(_name('silver'), vcpus=1, ram=128, disk=1)
    cloud.post('/flavors/%s/os-extra_specs' % silver['id'],
               {'extra_specs': {'trait:CUSTOM_SILVER': 'required'}},
               expect=200)
    other = _boot_and_wait(cloud, _name('silver'), 'ERROR',
                           flavor=silver['id'])
    message = other['fault']['message']
    assert 'Placement found 5 compute node(s) with enough free resources, '\
        'but none that also matches the traits' in message, message
    _delete_all(cloud, [server['id'], other['id']])


def test_anti_affinity_spreads_then_explains_the_filter(cloud):
    group = cloud.post('/os-server-groups', {'server_group': {
        'name': _name('anti'), 'policies': ['anti-affinity']}},
        expect=200).json()['server_group']
    hint = {'hints': {'group': group['id']}}
    servers = [_boot_and_wait(cloud, _name('anti'), **hint)
               for _ in HOSTS]
    assert sorted(_host(s) for s in servers) == sorted(HOSTS)
    extra = cloud.boot(_name('anti'), cloud.flavor['id'], cloud.image_id,
                       **hint)['server']
    failed = cloud.wait_status(extra['id'], 'ERROR', timeout=90)
    message = failed['fault']['message']
    assert 'ServerGroupAntiAffinityFilter removed 5 of 5' in message, message
    members = cloud.get('/os-server-groups/%s' % group['id'])[
        'server_group']['members']
    assert {s['id'] for s in servers} <= set(members)
    _delete_all(cloud, [s['id'] for s in servers] + [extra['id']])


def test_affinity_keeps_the_group_on_one_host(cloud):
    group = cloud.post('/os-server-groups', {'server_group': {
        'name': _name('aff'), 'policies': ['affinity']}},
        expect=200).json()['server_group']
    hint = {'hints': {'group': group['id']}}
    servers = [_boot_and_wait(cloud, _name('aff'), **hint)
               for _ in range(3)]
    assert len({_host(s) for s in servers}) == 1
    _delete_all(cloud, [s['id'] for s in servers])


def test_different_host_and_same_host_hints(cloud):
    first = _boot_and_wait(cloud, _name('hint'))
    other = _boot_and_wait(cloud, _name('hint'),
                           hints={'different_host': [first['id']]})
    same = _boot_and_wait(cloud, _name('hint'),
                          hints={'same_host': [first['id']]})
    assert _host(other) != _host(first)
    assert _host(same) == _host(first)
    _delete_all(cloud, [first['id'], other['id'], same['id']])


def test_failed_spawn_is_rescheduled_to_an_alternate(cloud):
    servers = [_boot_and_wait(cloud, _name('flaky'), image=cloud.flaky_id)
               for _ in range(3)]
    assert {_host(s) for s in servers} == {'sc3'}
    sc3 = cloud.nodes['sc3']
    for server in servers:
        # Only the host that built it holds its resources: the hosts
        # that failed gave theirs back.
        assert list(_allocations(cloud, server['id'])) == [sc3]
    _delete_all(cloud, [s['id'] for s in servers])


def test_build_failing_everywhere_ends_in_error_naming_the_hosts(cloud):
    server = _boot_and_wait(cloud, _name('broken'), 'ERROR',
                            image=cloud.broken_id)
    message = server['fault']['message']
    assert 'Exceeded maximum number of retries' in message, message
    assert 'broken' in message, message
    assert _allocations(cloud, server['id']) == {}
    _delete_all(cloud, [server['id']])


def test_concurrent_boots_spread_over_the_hosts(cloud):
    def boot(i):
        return cloud.boot(_name('burst'), cloud.flavor['id'],
                          cloud.image_id)['server']['id']
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        ids = list(pool.map(boot, range(100)))
    hosts = {}
    for server_id in ids:
        server = cloud.wait_status(server_id, 'ACTIVE', timeout=180)
        hosts[_host(server)] = hosts.get(_host(server), 0) + 1
    assert set(hosts) == set(HOSTS), hosts
    # An even spread is 20 each; no host may get more than twice that.
    assert max(hosts.values()) <= 40 and min(hosts.values()) >= 5, hosts
    _delete_all(cloud, ids)


def test_heal_allocations_and_audit(cloud):
    server = _boot_and_wait(cloud, _name('heal'))
    node_uuid = cloud.nodes[server['OS-EXT-SRV-ATTR:hypervisor_hostname']]
    cloud.placement('DELETE', '/allocations/%s' % server['id'], expect=204)
    result = cloud.dep.manage('placement', 'heal_allocations', '--verbose',
                              check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(_allocations(cloud, server['id'])) == [node_uuid]
    result = cloud.dep.manage('placement', 'heal_allocations', check=False)
    assert result.returncode == 4, result.stdout + result.stderr

    orphan = str(uuid.uuid4())
    cloud.placement('PUT', '/allocations/%s' % orphan, expect=204, json={
        'allocations': {node_uuid: {'resources': {'VCPU': 1}}},
        'project_id': 'ghost', 'user_id': 'ghost',
        'consumer_generation': None}, version='1.28')
    result = cloud.dep.manage('placement', 'audit', check=False)
    assert result.returncode == 3, result.stdout + result.stderr
    assert orphan in result.stdout
    result = cloud.dep.manage('placement', 'audit', '--delete', check=False)
    assert result.returncode == 4, result.stdout + result.stderr
    assert _allocations(cloud, orphan) == {}
    result = cloud.dep.manage('placement', 'audit', check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    _delete_all(cloud, [server['id']])

"""Live migration of a real guest between two libvirt hosts on this one
machine, through the whole control plane.

The hosts are the two libvirtds of tools/libvirt/two-hosts.sh, each in
network, mount and UTS namespaces of its own (10.254.0.1 and 10.254.0.2),
reached by the deployment's two nova-compute processes through their
unix sockets. Each compute keeps its instances in a directory of its
own, so "auto" means a block migration: the destination makes the
instance directory over its own copy of the image and libvirt copies the
guest's memory and what it wrote to its disk, peer to peer over TCP
between the namespaces. The copy runs at [libvirt]
live_migration_bandwidth = BANDWIDTH MiB/s so that its progress can be
watched, and aborted or forced to complete, while it runs.

The guest must not reboot on the way: its console log on the destination
shows the boot id it printed on the source and no other.

Needs root (namespaces); skipped where the hosts cannot start, unless
NOVA_TEST_REQUIRE_LIBVIRT=1.
"""

import os
import shutil
import subprocess
import time

import pytest

from tests.functional.libvirt import conftest as lv

pytestmark = [pytest.mark.libvirt, pytest.mark.timeout(900)]

TWO_HOSTS = os.path.join(lv.REPO, 'tools', 'libvirt', 'two-hosts.sh')
HOSTS = ('lma', 'lmb')
ADDRS = {'lma': '10.254.0.1', 'lmb': '10.254.0.2'}
BANDWIDTH = 16
MIGRATION_TIMEOUT = 180
VERSION = '2.30'
SHUTDOWN = 4


def _two_hosts(*args):
    return subprocess.run(['bash', TWO_HOSTS] + list(args),
                          capture_output=True, text=True, timeout=300)


def _env():
    out = _two_hosts('env').stdout
    env = {}
    for line in out.splitlines():
        key, _, value = line.partition('=')
        env[key] = value.strip("'")
    return env


def unusable_reason():
    if os.geteuid() != 0:
        return 'two libvirt hosts need root (network and mount namespaces)'
    for tool in ('ip', 'unshare', 'libvirtd', 'virsh'):
        if shutil.which(tool) is None:
            return '%s is not installed' % tool
    result = _two_hosts('start')
    if result.returncode != 0:
        return 'tools/libvirt/two-hosts.sh start failed: %s%s' % (
            result.stdout, result.stderr)
    return None


@pytest.fixture(scope='module')
def two_hosts(libvirt_host):
    """{compute host: libvirt URI} of the two namespaced libvirtds."""
    was_up = _two_hosts('status').returncode == 0
    reason = unusable_reason()
    if reason:
        if lv.REQUIRE:
            pytest.fail('NOVA_TEST_REQUIRE_LIBVIRT=1: ' + reason)
        pytest.skip(reason)
    env = _env()
    try:
        yield {'lma': env['NOVA_LM_HOST_A_URI'],
               'lmb': env['NOVA_LM_HOST_B_URI']}
    finally:
        if not was_up:
            _two_hosts('stop')


@pytest.fixture(scope='module')
def cloud(two_hosts, test_guest, rabbit_available):
    host_conf = {}
    for host in HOSTS:
        host_conf[host] = {
            'libvirt': {'connection_uri': two_hosts[host],
                        'live_migration_inbound_addr': ADDRS[host],
                        'live_migration_bandwidth': BANDWIDTH},
            'vnc': {'server_listen': ADDRS[host],
                    'server_proxyclient_address': ADDRS[host]},
        }
    cloud, cleanup = lv.start_libvirt_cloud(
        'lm', computes=HOSTS, libvirt_uri=two_hosts['lma'],
        host_conf=host_conf)
    cloud.uris = two_hosts
    try:
        cloud.flavor = cloud.create_flavor('lm.tiny', vcpus=1, ram=128,
                                           disk=1)
        cloud.image_id = lv.upload_test_guest(cloud, test_guest,
                                              prefix='lm')
        yield cloud
    finally:
        state_dir = cloud.settings.state_dir
        try:
            cleanup()
        finally:
            # The cleanup looks at host A's libvirt only.
            lv.remove_domains(state_dir, uri=two_hosts['lmb'])


def _version():
    return {'OpenStack-API-Version': 'compute %s' % VERSION}


def _other(host):
    return [h for h in HOSTS if h != host][0]


def _boot(cloud, name):
    server = cloud.boot(name, cloud.flavor['id'],
                        cloud.image_id)['server']
    server = cloud.wait_status(server['id'], 'ACTIVE',
                               timeout=lv.STATE_TIMEOUT)
    boot_id = lv.wait_booted(cloud, server['id'])
    return server, boot_id


def _live_migrate(cloud, server_id, host):
    cloud.request('POST', '/servers/%s/action' % server_id, 202,
                  json={'os-migrateLive': {'host': host,
                                           'block_migration': 'auto'}},
                  headers=_version())


def _in_progress(cloud, server_id):
    return cloud.get('/servers/%s/migrations' % server_id,
                     headers=_version())['migrations']


def _migrations(cloud, server_id):
    return cloud.get('/os-migrations', params={'instance_uuid': server_id},
                     headers={'OpenStack-API-Version': 'compute 2.59'})[
        'migrations']


def _wait_running(cloud, server_id):
    """The in-progress migration once libvirt's copy reports progress."""
    def running():
        for migration in _in_progress(cloud, server_id):
            if migration['status'] == 'running' and \
                    migration['memory_total_bytes']:
                return migration
        return None
    return cloud.wait_for('the live migration of %s to run' % server_id,
                          running, timeout=MIGRATION_TIMEOUT, interval=0.2)


def _wait_finished(cloud, server_id, progress=None):
    """The migration record once it ended; ``progress`` collects what
    /servers/{id}/migrations showed meanwhile."""
    def finished():
        if progress is not None:
            progress.extend(_in_progress(cloud, server_id))
        for migration in _migrations(cloud, server_id):
            if migration['status'] in ('completed', 'error', 'failed',
                                       'cancelled'):
                return migration
        return None
    return cloud.wait_for('the live migration of %s to end' % server_id,
                          finished, timeout=MIGRATION_TIMEOUT, interval=0.2)


def _wait_settled(cloud, server_id):
    def settled():
        server = cloud.server(server_id)
        if server['status'] in ('ACTIVE', 'ERROR') and \
                server['OS-EXT-STS:task_state'] is None:
            return server
        return None
    return cloud.wait_for('server %s to settle' % server_id, settled,
                          timeout=lv.STATE_TIMEOUT)


def _instance_dir(cloud, host, server_id):
    return cloud.settings.path('instances', host, server_id)


def _domain_state(cloud, host, server_id):
    result = lv.virsh('domstate', server_id, uri=cloud.uris[host],
                      check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def test_block_live_migration_keeps_the_guest_running(cloud):
    started = time.monotonic()
    server, boot_id = _boot(cloud, 'lm-guest')
    sid = server['id']
    source = server['OS-EXT-SRV-ATTR:host']
    dest = _other(source)
    assert _domain_state(cloud, source, sid) == 'running'

    migrate_started = time.monotonic()
    _live_migrate(cloud, sid, dest)
    progress = []
    migration = _wait_finished(cloud, sid, progress)
    migrate_seconds = time.monotonic() - migrate_started
    assert migration['status'] == 'completed', migration
    assert (migration['source_compute'], migration['dest_compute']) == (
        source, dest)

    # libvirt's job statistics reached the migration record while the
    # copy ran: memory (and the disk's top layer) going over.
    running = [m for m in progress if m['status'] == 'running' and
               m['memory_total_bytes']]
    assert running, progress
    assert all(m['memory_processed_bytes'] <= m['memory_total_bytes']
               for m in running)
    processed = [m['memory_processed_bytes'] for m in running]
    assert processed == sorted(processed)
    assert processed[-1] > 0

    server = _wait_settled(cloud, sid)
    assert server['status'] == 'ACTIVE'
    assert server['OS-EXT-SRV-ATTR:host'] == dest
    # The guest runs on the destination only, persistent there, with its
    # files there; the source kept nothing.
    assert _domain_state(cloud, dest, sid) == 'running'
    assert lv.virsh('dominfo', sid, uri=cloud.uris[dest]).stdout.count(
        'Persistent:     yes') == 1
    assert _domain_state(cloud, source, sid) is None
    assert os.path.exists(os.path.join(_instance_dir(cloud, dest, sid),
                                       'disk'))
    assert not os.path.exists(_instance_dir(cloud, source, sid))

    # Same boot: the console log on the destination (its history carried
    # over) shows the source's boot id and no new one.
    assert lv.boot_ids(lv.console_output(cloud, sid)) == [boot_id]
    # The guest answers on the destination: its ACPI button handler
    # powers it off, still without booting again.
    cloud.post('/servers/%s/action' % sid, {'os-stop': None}, expect=202)
    server = cloud.wait_status(sid, 'SHUTOFF', timeout=lv.STATE_TIMEOUT)
    assert server['OS-EXT-STS:power_state'] == SHUTDOWN
    assert server['OS-EXT-SRV-ATTR:host'] == dest
    assert lv.boot_ids(lv.console_output(cloud, sid)) == [boot_id]

    cloud.request('DELETE', '/servers/%s' % sid, 204)
    cloud.wait_gone(sid, timeout=lv.STATE_TIMEOUT)
    assert _domain_state(cloud, dest, sid) is None
    assert not os.path.exists(_instance_dir(cloud, dest, sid))
    print('boot to delete %.1fs, live migration %.1fs'
          % (time.monotonic() - started, migrate_seconds))


def test_aborted_live_migration_leaves_the_guest_on_the_source(cloud):
    server, boot_id = _boot(cloud, 'lm-abort')
    sid = server['id']
    source = server['OS-EXT-SRV-ATTR:host']
    dest = _other(source)
    _live_migrate(cloud, sid, dest)
    migration = _wait_running(cloud, sid)
    cloud.request('DELETE', '/servers/%s/migrations/%s' % (
        sid, migration['id']), 202, headers=_version())
    migration = _wait_finished(cloud, sid)
    assert migration['status'] == 'cancelled', migration

    server = _wait_settled(cloud, sid)
    assert server['status'] == 'ACTIVE'
    assert server['OS-EXT-SRV-ATTR:host'] == source
    assert _domain_state(cloud, source, sid) == 'running'
    # The destination forgot it: no domain, no instance directory.
    assert _domain_state(cloud, dest, sid) is None
    assert not os.path.exists(_instance_dir(cloud, dest, sid))
    assert lv.boot_ids(lv.console_output(cloud, sid)) == [boot_id]
    cloud.request('DELETE', '/servers/%s' % sid, 204)
    cloud.wait_gone(sid, timeout=lv.STATE_TIMEOUT)


def test_forced_completion_moves_the_guest(cloud):
    server, boot_id = _boot(cloud, 'lm-force')
    sid = server['id']
    dest = _other(server['OS-EXT-SRV-ATTR:host'])
    _live_migrate(cloud, sid, dest)
    migration = _wait_running(cloud, sid)
    cloud.request('POST', '/servers/%s/migrations/%s/action' % (
        sid, migration['id']), 202, json={'force_complete': None},
        headers=_version())
    migration = _wait_finished(cloud, sid)
    assert migration['status'] == 'completed', migration
    server = _wait_settled(cloud, sid)
    assert server['status'] == 'ACTIVE'
    assert server['OS-EXT-SRV-ATTR:host'] == dest
    # Paused to converge on the source, running again on the destination.
    assert _domain_state(cloud, dest, sid) == 'running'
    assert lv.boot_ids(lv.console_output(cloud, sid)) == [boot_id]
    cloud.request('DELETE', '/servers/%s' % sid, 204)
    cloud.wait_gone(sid, timeout=lv.STATE_TIMEOUT)



@pytest.fixture
def shared_cloud(two_hosts, test_guest, rabbit_available):
    """A deployment whose two computes keep their instances in one
    directory, as over a shared file system: "auto" then means a plain
    live migration (memory only)."""
    shared = lv.make_state_dir('lm-shared-instances')
    host_conf = {}
    for host in HOSTS:
        host_conf[host] = {
            'libvirt': {'connection_uri': two_hosts[host],
                        'instances_path': shared,
                        'live_migration_inbound_addr': ADDRS[host],
                        'live_migration_bandwidth': BANDWIDTH},
            'vnc': {'server_listen': ADDRS[host],
                    'server_proxyclient_address': ADDRS[host]},
        }
    try:
        cloud, cleanup = lv.start_libvirt_cloud(
            'lmshared', computes=HOSTS, libvirt_uri=two_hosts['lma'],
            host_conf=host_conf)
    except BaseException:
        shutil.rmtree(shared, ignore_errors=True)
        raise
    cloud.uris = two_hosts
    cloud.shared = shared
    try:
        cloud.flavor = cloud.create_flavor('lm.tiny', vcpus=1, ram=128,
                                           disk=1)
        cloud.image_id = lv.upload_test_guest(cloud, test_guest,
                                              prefix='lms')
        yield cloud
    finally:
        try:
            cleanup()
        finally:
            for uri in two_hosts.values():
                lv.remove_domains(shared, uri=uri)
            shutil.rmtree(shared, ignore_errors=True)


def test_live_migration_over_shared_instance_storage(shared_cloud):
    cloud = shared_cloud
    server, boot_id = _boot(cloud, 'lm-shared')
    sid = server['id']
    source = server['OS-EXT-SRV-ATTR:host']
    dest = _other(source)
    directory = os.path.join(cloud.shared, sid)
    disk_inode = os.stat(os.path.join(directory, 'disk')).st_ino
    _live_migrate(cloud, sid, dest)
    progress = []
    migration = _wait_finished(cloud, sid, progress)
    assert migration['status'] == 'completed', migration
    # Memory only: no disk went over.
    running = [m for m in progress if m['memory_total_bytes']]
    assert running, progress
    assert all(not m['disk_total_bytes'] for m in running)
    server = _wait_settled(cloud, sid)
    assert server['status'] == 'ACTIVE'
    assert server['OS-EXT-SRV-ATTR:host'] == dest
    assert _domain_state(cloud, dest, sid) == 'running'
    assert _domain_state(cloud, source, sid) is None
    # The same files serve the guest on the destination.
    assert os.stat(os.path.join(directory, 'disk')).st_ino == disk_inode
    # The destination's QEMU appends to the same console log.
    assert lv.boot_ids(lv.console_output(cloud, sid)) == [boot_id]
    cloud.request('DELETE', '/servers/%s' % sid, 204)
    cloud.wait_gone(sid, timeout=lv.STATE_TIMEOUT)
    assert not os.path.exists(directory)

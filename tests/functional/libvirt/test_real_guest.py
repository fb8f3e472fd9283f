"""A real guest through the whole control plane: nova-api, conductor,
scheduler, placement and one nova-compute with the libvirt driver, the
guest a Debian kernel with a busybox initramfs booted by QEMU (TCG) from
images uploaded through the image API (see conftest.py).

One server lives through the module, in order: boot and console log, stop
(the guest powers off on the ACPI button) and start, soft and hard reboot,
pause, suspend (managed save: resume restores the same boot), rescue,
snapshot (a server booted from it boots too), a power-off behind nova's back (libvirt's lifecycle event makes
it SHUTOFF within seconds), and delete, after which libvirt knows no
domain of it and its directory is gone. Every boot is checked by a new
boot id on the console: each costs about 5 s under TCG, so there are few.
"""

import os
import subprocess
import time

import pytest

from tests.functional.libvirt import conftest as lv

pytestmark = [pytest.mark.libvirt, pytest.mark.timeout(900)]

RUNNING = 1
PAUSED = 3
SHUTDOWN = 4
SUSPENDED = 7


def _action(cloud, server_id, body, expect=202):
    return cloud.post('/servers/%s/action' % server_id, body, expect=expect)


@pytest.fixture(scope='module')
def server(libvirt_cloud):
    """{'id', 'domain', 'boots': [boot ids seen so far]} of the module's
    server, ACTIVE and booted."""
    cloud = libvirt_cloud
    started = time.monotonic()
    body = cloud.boot('lv-guest', cloud.flavor['id'], cloud.image_id)
    server_id = body['server']['id']
    cloud.wait_status(server_id, 'ACTIVE', timeout=lv.STATE_TIMEOUT)
    boot_id = lv.wait_booted(cloud, server_id)
    print('POST /servers to the boot marker: %.1fs'
          % (time.monotonic() - started))
    # virsh takes the domain's UUID, the server's.
    return {'id': server_id, 'domain': server_id, 'boots': [boot_id]}


def _new_boot(cloud, server):
    boot_id = lv.wait_booted(cloud, server['id'], seen=server['boots'])
    server['boots'].append(boot_id)
    return boot_id


def test_boot_shows_marker_and_a_running_domain(libvirt_cloud, server):
    cloud = libvirt_cloud
    srv = cloud.server(server['id'])
    assert srv['OS-EXT-STS:power_state'] == RUNNING
    assert srv['OS-EXT-SRV-ATTR:host'] == 'lvc1'
    assert lv.domain_state(server['domain']) == 'running'
    xml = lv.virsh('dumpxml', server['domain']).stdout
    assert "type='qemu'" in xml.split('\n', 1)[0]
    assert lv.COMMAND_LINE in xml
    # The guest's files live under the compute's instances_path.
    instances = cloud.settings.path('instances', 'lvc1')
    assert any(server['id'] in name for name in os.listdir(instances))


def test_stop_powers_off_by_acpi_then_start_boots_again(libvirt_cloud,
                                                         server):
    cloud = libvirt_cloud

    # Booted without a config drive, the guest found none (it looks for
    # 20 s after its boot marker).
    def no_drive():
        output = lv.console_output(cloud, server['id'])
        return 'TESTGUEST-CONFIGDRIVE none' in output
    cloud.wait_for('the guest to report no config drive', no_drive,
                   timeout=60, interval=1)
    _action(cloud, server['id'], {'os-stop': None})
    srv = cloud.wait_status(server['id'], 'SHUTOFF', timeout=lv.STATE_TIMEOUT)
    assert srv['OS-EXT-STS:power_state'] == SHUTDOWN
    assert lv.domain_state(server['domain']) == 'shut off'
    # The guest went down through its ACPI power button handler, not a
    # hard power off.
    assert lv.POWEROFF_MARKER in lv.console_output(cloud, server['id'])
    _action(cloud, server['id'], {'os-start': None})
    cloud.wait_status(server['id'], 'ACTIVE', timeout=lv.STATE_TIMEOUT)
    _new_boot(cloud, server)
    assert lv.domain_state(server['domain']) == 'running'


def test_soft_and_hard_reboot(libvirt_cloud, server):
    cloud = libvirt_cloud
    for kind in ('SOFT', 'HARD'):
        _action(cloud, server['id'], {'reboot': {'type': kind}})
        cloud.wait_status(server['id'], 'ACTIVE', timeout=lv.STATE_TIMEOUT)
        _new_boot(cloud, server)
        assert lv.domain_state(server['domain']) == 'running'


def test_pause_and_suspend_keep_the_running_guest(libvirt_cloud, server):
    cloud = libvirt_cloud
    booted = len(server['boots'])
    _action(cloud, server['id'], {'pause': None})
    srv = cloud.wait_status(server['id'], 'PAUSED')
    assert srv['OS-EXT-STS:power_state'] == PAUSED
    assert lv.domain_state(server['domain']) == 'paused'
    _action(cloud, server['id'], {'unpause': None})
    cloud.wait_status(server['id'], 'ACTIVE')
    assert lv.domain_state(server['domain']) == 'running'

    _action(cloud, server['id'], {'suspend': None})
    srv = cloud.wait_status(server['id'], 'SUSPENDED',
                            timeout=lv.STATE_TIMEOUT)
    # Suspended to a managed save image: not running, restorable (the
    # driver reports such a domain SUSPENDED, as the fake driver does).
    assert srv['OS-EXT-STS:power_state'] == SUSPENDED
    assert lv.domain_state(server['domain']) == 'shut off'
    assert 'yes' in lv.virsh('dominfo', server['domain']).stdout.split(
        'Managed save:')[1].splitlines()[0]
    _action(cloud, server['id'], {'resume': None})
    cloud.wait_status(server['id'], 'ACTIVE', timeout=lv.STATE_TIMEOUT)
    assert lv.domain_state(server['domain']) == 'running'
    # Restored, not booted: no new boot on the console.
    time.sleep(1)
    assert set(lv.boot_ids(lv.console_output(cloud, server['id']))) <= set(
        server['boots'])
    assert len(server['boots']) == booted


def test_rescue_and_unrescue(libvirt_cloud, server):
    cloud = libvirt_cloud
    resp = _action(cloud, server['id'], {'rescue': {}}, expect=200)
    assert resp.json().get('adminPass')
    cloud.wait_status(server['id'], 'RESCUE', timeout=lv.STATE_TIMEOUT)
    # The rescue guest boots the rescue image (the server's own here) with
    # the original root disk attached as a second disk.
    _new_boot(cloud, server)
    xml = lv.virsh('dumpxml', server['domain']).stdout
    assert xml.count('<disk ') >= 2, xml
    _action(cloud, server['id'], {'unrescue': None})
    cloud.wait_status(server['id'], 'ACTIVE', timeout=lv.STATE_TIMEOUT)
    _new_boot(cloud, server)
    assert not any(name.endswith('.rescue') for name in os.listdir(
        _instance_dir(cloud, server)))


def _instance_dir(cloud, server):
    instances = cloud.settings.path('instances', 'lvc1')
    return os.path.join(instances, server['id'])


def test_snapshot_uploads_the_root_disk(libvirt_cloud, server):
    cloud = libvirt_cloud
    resp = _action(cloud, server['id'],
                   {'createImage': {'name': 'lv-snap'}})
    image_id = resp.headers['Location'].rsplit('/', 1)[-1]
    base = cloud.settings.image_endpoint + '/v2/images/' + image_id

    def active():
        image = cloud.http.get(base, timeout=60).json()
        return image if image.get('status') == 'active' else None
    image = cloud.wait_for('snapshot %s to be active' % image_id, active,
                           timeout=lv.STATE_TIMEOUT)
    assert image['disk_format'] == 'qcow2'
    assert image['size'] > 0
    cloud.wait_status(server['id'], 'ACTIVE', timeout=lv.STATE_TIMEOUT)
    srv = cloud.server(server['id'])
    assert srv['OS-EXT-STS:task_state'] is None
    assert lv.domain_state(server['domain']) == 'running'
    # The snapshot is a valid qcow2 image of the root disk's size.
    data = cloud.http.get(base + '/file', timeout=120)
    assert data.status_code == 200
    path = cloud.settings.path('snapshot.qcow2')
    with open(path, 'wb') as f:
        f.write(data.content)
    info = subprocess.run(['qemu-img', 'info', '--output', 'json', path],
                          capture_output=True, text=True, check=True).stdout
    assert '"format": "qcow2"' in info
    assert '"virtual-size": %d' % (1024 ** 3) in info
    # It keeps the direct kernel boot properties of the server's image:
    # a server booted from it boots the same guest.
    props = cloud.http.get(base, timeout=60).json()
    assert props['kernel_id'] and props['ramdisk_id']
    assert props['os_command_line'] == lv.COMMAND_LINE
    assert props['image_type'] == 'snapshot'
    assert props['instance_uuid'] == server['id']
    body = cloud.boot('lv-from-snap', cloud.flavor['id'], image_id)
    other = body['server']['id']
    cloud.wait_status(other, 'ACTIVE', timeout=lv.STATE_TIMEOUT)
    lv.wait_booted(cloud, other)
    cloud.request('DELETE', '/servers/%s' % other)
    cloud.wait_gone(other, timeout=lv.STATE_TIMEOUT)
    assert other not in lv.domain_uuids()


def test_guest_powering_itself_off_shows_shutoff(libvirt_cloud, server):
    cloud = libvirt_cloud
    # Behind nova's back: the ACPI button, the guest powers off.
    lv.virsh('shutdown', server['domain'])
    started = time.monotonic()
    srv = cloud.wait_status(server['id'], 'SHUTOFF', timeout=20)
    took = time.monotonic() - started
    assert srv['OS-EXT-STS:power_state'] == SHUTDOWN
    print('power off behind nova\'s back to SHUTOFF: %.1fs' % took)
    # libvirt's lifecycle event, not a periodic task, got it there.
    assert took < 15
    _action(cloud, server['id'], {'os-start': None})
    cloud.wait_status(server['id'], 'ACTIVE', timeout=lv.STATE_TIMEOUT)
    _new_boot(cloud, server)


def test_delete_leaves_nothing(libvirt_cloud, server):
    cloud = libvirt_cloud
    instance_dir = _instance_dir(cloud, server)
    assert os.path.isdir(instance_dir)
    resp = cloud.request('DELETE', '/servers/%s' % server['id'])
    assert resp.status_code == 204, resp.text
    cloud.wait_gone(server['id'], timeout=lv.STATE_TIMEOUT)
    assert server['id'] not in lv.domain_uuids()
    instances = os.path.dirname(instance_dir)
    assert not [name for name in os.listdir(instances)
                if server['id'] in name]
    # Placement gave the resources back.
    providers = cloud.placement('GET', '/resource_providers',
                                expect=200).json()['resource_providers']
    for rp in providers:
        usages = cloud.placement(
            'GET', '/resource_providers/%s/usages' % rp['uuid'],
            expect=200).json()['usages']
        assert not any(usages.values()), usages

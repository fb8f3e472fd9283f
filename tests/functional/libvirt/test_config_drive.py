"""A config drive read by a real guest, the server made with the real
``openstack`` CLI (python-openstackclient) on the libvirt deployment of
conftest.py.

``openstack server create --config-drive true --user-data FILE --key-name
K --no-network`` boots the test guest of tools/libvirt/build-test-guest.sh
with the drive attached as a cdrom (the IDE bus of the pc machine type).
The guest finds the drive by its label config-2, mounts it and prints on
its serial console what openstack/latest/meta_data.json and user_data say:

    TESTGUEST-CONFIGDRIVE-UUID <"uuid">
    TESTGUEST-CONFIGDRIVE-KEY <first line of the first "public_keys" value>
    TESTGUEST-CONFIGDRIVE-USERDATA <first line of the user data>

which the test reads back with ``openstack console log show``. A hard
reboot redefines the domain: the guest reads the same drive again. An
image with ``hw_machine_type=q35`` gets the drive on the SATA bus instead.
"""

import os
import re
import uuid

import pytest

from tests.functional.libvirt import conftest as lv
from tests.integration import test_clients

pytestmark = [pytest.mark.libvirt, pytest.mark.timeout(900)]

MARKER_RE = re.compile(
    r'TESTGUEST-CONFIGDRIVE(?:-(UUID|KEY|USERDATA))? ([^\r\n]*)')
USER_DATA = '#!/bin/sh\necho "config drive user data"\n'
# The guest gives up looking for the drive 20 s after its boot marker.
DRIVE_WAIT = 60


def _ed25519_public_key(comment):
    """A fresh OpenSSH public key line."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    blob = key.public_bytes(serialization.Encoding.OpenSSH,
                            serialization.PublicFormat.OpenSSH).decode()
    return '%s %s' % (blob, comment)


def openstack(cloud, *args, parse=True):
    return test_clients.openstack(cloud, *args, parse=parse)


def _drive_markers(output, boot_id):
    """{'': device or 'none', 'UUID': ..., 'KEY': ..., 'USERDATA': ...}
    printed after the boot marker of ``boot_id``."""
    start = output.index('%s %s' % (lv.BOOT_MARKER, boot_id))
    return {kind: value.strip()
            for kind, value in MARKER_RE.findall(output[start:])}


def _wait_drive_markers(cloud, server_id, boot_id):
    """The markers of the boot ``boot_id`` once the guest printed them
    all, read with ``openstack console log show``."""
    def complete():
        output = openstack(cloud, 'console', 'log', 'show', server_id,
                           parse=False)
        markers = _drive_markers(output, boot_id)
        if markers.get('') == 'none' or 'USERDATA' in markers:
            return markers, output
        return None
    return cloud.wait_for('the config drive lines of boot %s on the console '
                          'of %s' % (boot_id, server_id), complete,
                          timeout=DRIVE_WAIT, interval=2)


@pytest.fixture(scope='module')
def inputs(libvirt_cloud, tmp_path_factory):
    """A key pair and a user data file: {'key_name', 'public_key',
    'user_data'}."""
    if test_clients._openstack_exe() is None:
        reason = 'python-openstackclient is not installed (the test extra)'
        if lv.REQUIRE:
            pytest.fail('NOVA_TEST_REQUIRE_LIBVIRT=1: ' + reason)
        pytest.skip(reason)
    tmp = tmp_path_factory.mktemp('config-drive')
    suffix = uuid.uuid4().hex[:6]
    public_key = _ed25519_public_key('cd-%s@nova-test' % suffix)
    key_file = os.path.join(tmp, 'key.pub')
    with open(key_file, 'w') as f:
        f.write(public_key + '\n')
    user_data = os.path.join(tmp, 'user-data')
    with open(user_data, 'w') as f:
        f.write(USER_DATA)
    key_name = 'cd-key-' + suffix
    openstack(libvirt_cloud, 'keypair', 'create', '--public-key', key_file,
              key_name)
    return {'key_name': key_name, 'public_key': public_key,
            'user_data': user_data}


def _create(cloud, inputs, image_id):
    """A server with a config drive, the user data and the key pair,
    made with the CLI and booted: {'id', 'public_key', 'boots'}."""
    created = openstack(
        cloud, 'server', 'create', '--config-drive', 'true',
        '--user-data', inputs['user_data'], '--key-name', inputs['key_name'],
        '--image', image_id, '--flavor', cloud.flavor['name'],
        '--no-network', '--wait', 'cd-' + uuid.uuid4().hex[:6])
    assert created['status'] == 'ACTIVE', created
    boot_id = lv.wait_booted(cloud, created['id'])
    return {'id': created['id'], 'public_key': inputs['public_key'],
            'boots': [boot_id]}


@pytest.fixture(scope='module')
def server(libvirt_cloud, inputs):
    """The module's server, on the test guest's image (pc machine)."""
    return _create(libvirt_cloud, inputs, libvirt_cloud.image_id)


def _cdrom_bus(server_id):
    """The bus of the domain's cdrom (None: it has none)."""
    xml = lv.virsh('dumpxml', server_id).stdout
    cdrom = re.search(r"<disk [^>]*device='cdrom'.*?</disk>", xml, re.S)
    bus = cdrom and re.search(r"<target [^>]*bus='(\w+)'", cdrom.group(0))
    return bus.group(1) if bus else None


def _assert_drive_of(server, markers, output):
    assert markers.get('') not in (None, 'none'), output
    assert markers.get('UUID') == server['id'], output
    assert markers.get('KEY') == server['public_key'], output
    assert markers.get('USERDATA') == USER_DATA.splitlines()[0], output


def test_guest_reads_uuid_key_and_user_data_from_the_drive(libvirt_cloud,
                                                           server):
    cloud = libvirt_cloud
    shown = openstack(cloud, 'server', 'show', server['id'])
    assert shown['config_drive'] in (True, 'True'), shown
    # The drive is a cdrom of the domain, on the IDE bus of the pc
    # machine type.
    assert _cdrom_bus(server['id']) == 'ide'
    markers, output = _wait_drive_markers(cloud, server['id'],
                                          server['boots'][-1])
    _assert_drive_of(server, markers, output)
    print('config drive on %s: %s' % (markers[''], markers))


def test_hard_reboot_keeps_the_drive(libvirt_cloud, server):
    cloud = libvirt_cloud
    openstack(cloud, 'server', 'reboot', '--hard', '--wait', server['id'],
              parse=False)
    boot_id = lv.wait_booted(cloud, server['id'], seen=server['boots'])
    server['boots'].append(boot_id)
    markers, output = _wait_drive_markers(cloud, server['id'], boot_id)
    _assert_drive_of(server, markers, output)


def test_q35_guest_reads_the_drive_on_sata(libvirt_cloud, inputs,
                                           test_guest):
    cloud = libvirt_cloud
    image = cloud.http.get('%s/v2/images/%s' % (
        cloud.settings.image_endpoint, cloud.image_id), timeout=60).json()
    q35_image = lv.upload_image(
        cloud, 'lv-disk-q35', test_guest['disk'], 'qcow2',
        kernel_id=image['kernel_id'], ramdisk_id=image['ramdisk_id'],
        os_command_line=lv.COMMAND_LINE, hw_machine_type='q35')
    server = _create(cloud, inputs, q35_image)
    xml = lv.virsh('dumpxml', server['id']).stdout
    assert "machine='pc-q35" in xml, xml
    assert _cdrom_bus(server['id']) == 'sata'
    markers, output = _wait_drive_markers(cloud, server['id'],
                                          server['boots'][-1])
    _assert_drive_of(server, markers, output)
    openstack(cloud, 'server', 'delete', '--wait', server['id'],
              parse=False)

"""Fixtures of the libvirt suite: real guests under QEMU through the whole
control plane.

Every test of this directory is marked ``libvirt`` (the suite of that name
in tools/run-tests.sh runs them; the functional suite leaves them out).
Those also marked ``neutron`` (they wait for the lock of Neutron's fixed
ports) run after the others.

``libvirt_host`` checks that this machine can run guests: libvirt-python,
a libvirtd answering at $NOVA_TEST_LIBVIRT_URI (qemu:///system; set up by
tools/libvirt/setup.sh start) with QEMU for x86_64, and the libvirt driver
of the project. Without them the tests that use it skip, or fail when
NOVA_TEST_REQUIRE_LIBVIRT=1 (as in CI).

``test_guest`` is the tiny guest of tools/libvirt/build-test-guest.sh (a
Debian kernel and a busybox initramfs that prints ``NOVA-TEST-GUEST-BOOTED
<boot id>`` on ttyS0 and powers off on the ACPI power button), built once
into $NOVA_TEST_GUEST_DIR (<tmp>/nova-test-guest) and reused.

``libvirt_cloud`` is a deployment (processes over RabbitMQ, SQLite) with
one libvirt compute ``lvc1`` (virt_type qemu, i.e. TCG), the guest's
kernel, ramdisk and disk uploaded through the image API as images of
formats aki, ari and qcow2, the disk's image naming the other two
(kernel_id, ramdisk_id, os_command_line), and a flavor ``lv.tiny``. Its
state directory is outside pytest's private temporary directory: QEMU runs
as libvirt-qemu and must reach the disks. At the end, servers left over
are deleted through the API, and domains still known to libvirt whose
files are in the deployment's state directory are removed, then the state
directory (kept with NOVA_TEST_LIBVIRT_KEEP=1).
"""

import fcntl
import os
import re
import shutil
import subprocess
import tempfile
import time

import pytest

from tests import conftest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
BUILD_GUEST = os.path.join(REPO, 'tools', 'libvirt', 'build-test-guest.sh')

URI = os.environ.get('NOVA_TEST_LIBVIRT_URI', 'qemu:///system')
REQUIRE = os.environ.get('NOVA_TEST_REQUIRE_LIBVIRT') == '1'
GUEST_DIR = (os.environ.get('NOVA_TEST_GUEST_DIR') or
             os.path.join(tempfile.gettempdir(), 'nova-test-guest'))
# Where the deployments' state directories go: traversable by QEMU's user.
STATE_BASE = os.environ.get('NOVA_TEST_LIBVIRT_STATE_BASE', '/var/tmp')
# Keep them (logs, configuration) after the tests, to look into a failure.
KEEP = os.environ.get('NOVA_TEST_LIBVIRT_KEEP') == '1'

BOOT_MARKER = 'NOVA-TEST-GUEST-BOOTED'
BOOT_RE = re.compile(BOOT_MARKER + r' ([0-9a-f-]{36})')
# The guest kernel's last words when it powers itself off (a hard power
# off by the host leaves nothing).
POWEROFF_MARKER = 'reboot: Power down'
COMMAND_LINE = 'console=ttyS0 quiet'
# Seconds for a guest to boot under TCG (about 5 s on an idle machine; CI
# runs other suites beside this one).
BOOT_TIMEOUT = 90
# For the API to report a state once the guest got there.
STATE_TIMEOUT = 120


def _ours(item):
    return str(item.fspath).startswith(HERE + os.sep)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if _ours(item):
            item.add_marker(pytest.mark.libvirt)
    # The modules marked neutron wait for the lock of Neutron's fixed
    # ports, which Tempest or the neutron suite may hold for many minutes
    # (in CI they run beside this suite): they go last, so that the
    # guests that need no lock do not wait with them.
    items.sort(key=lambda item: _ours(item) and
               item.get_closest_marker('neutron') is not None)


def unusable_reason(uri=URI):
    """Why this machine cannot run the libvirt tests, or None."""
    try:
        import libvirt
    except ImportError:
        return ('libvirt-python is not installed (pip install '
                '".[libvirt]")')
    try:
        from importlib import metadata
        names = {ep.name for ep in
                 metadata.entry_points(group='nova.compute.drivers')}
    except Exception:  # noqa: BLE001 - reported below as missing
        names = set()
    if 'libvirt' not in names:
        return ('no "libvirt" entry point in nova.compute.drivers (pip '
                'install -e . again?)')
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    try:
        conn = libvirt.open(uri)
    except libvirt.libvirtError as exc:
        return ('libvirtd does not answer at %s (tools/libvirt/setup.sh '
                'start): %s' % (uri, exc))
    try:
        caps = conn.getCapabilities()
    finally:
        conn.close()
    if "<domain type='qemu'" not in caps or 'x86_64' not in caps:
        return 'libvirt at %s offers no QEMU guest for x86_64' % uri
    return None


@pytest.fixture(scope='session')
def libvirt_host():
    """The libvirt URI, once this machine is known to run guests."""
    reason = unusable_reason()
    if reason:
        if REQUIRE:
            pytest.fail('NOVA_TEST_REQUIRE_LIBVIRT=1: ' + reason)
        pytest.skip(reason)
    return URI


def build_test_guest(directory=GUEST_DIR):
    """{'kernel', 'ramdisk', 'disk'} paths of the test guest, built into
    ``directory`` unless there already (one builder at a time)."""
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, '.lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = subprocess.run(['bash', BUILD_GUEST, directory],
                                capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError('%s failed (exit %d):\n%s%s' % (
            BUILD_GUEST, result.returncode, result.stdout, result.stderr))
    return {'kernel': os.path.join(directory, 'vmlinuz'),
            'ramdisk': os.path.join(directory, 'initrd.img'),
            'disk': os.path.join(directory, 'disk.qcow2')}


@pytest.fixture(scope='session')
def test_guest(libvirt_host):
    return build_test_guest()


# -- helpers on a conftest.Cloud --------------------------------------------

def upload_image(cloud, name, path, disk_format, container_format='bare',
                 **properties):
    """Create an image through the image API (POST /v2/images, then PUT
    its file) and return its id."""
    base = cloud.settings.image_endpoint + '/v2/images'
    body = dict(properties, name=name, disk_format=disk_format,
                container_format=container_format)
    resp = cloud.http.post(base, json=body, timeout=60)
    assert resp.status_code == 201, resp.text
    image_id = resp.json()['id']
    with open(path, 'rb') as f:
        resp = cloud.http.put(
            '%s/%s/file' % (base, image_id), data=f, timeout=120,
            headers={'Content-Type': 'application/octet-stream'})
    assert resp.status_code == 204, resp.text
    image = cloud.http.get('%s/%s' % (base, image_id), timeout=60).json()
    assert image['status'] == 'active', image
    return image_id


def upload_test_guest(cloud, guest, prefix='lv'):
    """The three images of the test guest; returns the disk image's id."""
    kernel = upload_image(cloud, prefix + '-kernel', guest['kernel'], 'aki',
                          'aki')
    ramdisk = upload_image(cloud, prefix + '-ramdisk', guest['ramdisk'],
                           'ari', 'ari')
    return upload_image(cloud, prefix + '-disk', guest['disk'], 'qcow2',
                        kernel_id=kernel, ramdisk_id=ramdisk,
                        os_command_line=COMMAND_LINE)


def console_output(cloud, server_id):
    """The guest's serial console log, through os-getConsoleOutput."""
    resp = cloud.post('/servers/%s/action' % server_id,
                      {'os-getConsoleOutput': {}})
    assert resp.status_code == 200, resp.text
    return resp.json()['output']


def boot_ids(output):
    return BOOT_RE.findall(output)


def wait_booted(cloud, server_id, seen=(), timeout=BOOT_TIMEOUT):
    """Wait until the console log shows a boot whose id is not in
    ``seen``; returns that boot id."""
    def new_boot():
        for boot_id in boot_ids(console_output(cloud, server_id)):
            if boot_id not in seen:
                return boot_id
        return None
    return cloud.wait_for('server %s to show a new %s line' % (
        server_id, BOOT_MARKER), new_boot, timeout=timeout, interval=0.5)


def virsh(*args, uri=URI, check=True):
    result = subprocess.run(['virsh', '-c', uri] + list(args),
                            capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, (
            'virsh %s: %s%s' % (' '.join(args), result.stdout,
                                result.stderr))
    return result


def domain_uuids(uri=URI):
    """UUIDs of every domain libvirt knows, running or not."""
    out = virsh('list', '--all', '--uuid', uri=uri).stdout
    return {line.strip() for line in out.splitlines() if line.strip()}


def domain_state(domain, uri=URI):
    """virsh domstate (of a name or UUID): 'running', 'paused',
    'shut off', ..."""
    return virsh('domstate', domain, uri=uri).stdout.strip()


def remove_domains(directory, uri=URI):
    """Destroy and undefine the domains with files under ``directory`` (a
    deployment's leftovers); returns their names. A libvirtd that no
    longer answers has nothing left to remove."""
    import libvirt
    from nova.virt.libvirt import config
    try:
        conn = libvirt.open(uri)
    except libvirt.libvirtError as exc:
        print('cannot look for leftover domains at %s: %s' % (uri, exc))
        return []
    removed = []
    directory = directory.rstrip(os.sep) + os.sep
    try:
        for dom in conn.listAllDomains():
            try:
                parsed = config.parse_domain(dom.XMLDesc(0))
            except Exception:  # noqa: BLE001 - not one of ours to judge
                continue
            paths = list(parsed.disk_paths) + [parsed.serial_log_path or '']
            if not any(p and p.startswith(directory) for p in paths):
                continue
            removed.append(dom.name())
            try:
                if dom.isActive():
                    dom.destroy()
            except libvirt.libvirtError:
                pass
            try:
                dom.undefineFlags(
                    libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                    libvirt.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                    libvirt.VIR_DOMAIN_UNDEFINE_NVRAM)
            except libvirt.libvirtError:
                pass
    finally:
        conn.close()
    return removed


def make_state_dir(name):
    """A fresh state directory that QEMU's user can traverse."""
    path = tempfile.mkdtemp(prefix='nova-%s-' % name, dir=STATE_BASE)
    os.chmod(path, 0o755)
    return path


def start_libvirt_cloud(name, computes=('lvc1',), **settings):
    """A deployment with libvirt computes: (Cloud, cleanup). The cleanup
    deletes the servers left, stops the deployment, removes the domains
    it left in libvirt and its state directory."""
    state_dir = make_state_dir(name)
    settings.setdefault('compute_driver', 'libvirt')
    settings.setdefault('libvirt_uri', URI)
    settings.setdefault('libvirt_virt_type', 'qemu')
    try:
        cloud, stop = conftest.start_cloud(state_dir, computes=computes,
                                           **settings)
    except BaseException:
        shutil.rmtree(state_dir, ignore_errors=True)
        raise
    def cleanup():
        try:
            delete_all_servers(cloud)
        finally:
            try:
                stop()
            finally:
                left = remove_domains(state_dir,
                                      uri=settings['libvirt_uri'])
                if left:
                    print('removed domains left by %s: %s'
                          % (state_dir, ', '.join(left)))
                if KEEP:
                    print('kept %s' % state_dir)
                else:
                    shutil.rmtree(state_dir, ignore_errors=True)
    return cloud, cleanup


def delete_all_servers(cloud, timeout=60):
    try:
        servers = cloud.servers_detail(all_tenants=1)
    except Exception:  # noqa: BLE001 - the deployment may be broken
        return
    for server in servers:
        cloud.request('DELETE', '/servers/%s' % server['id'])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if not cloud.servers_detail(all_tenants=1):
                return
        except Exception:  # noqa: BLE001
            return
        time.sleep(0.5)


@pytest.fixture(scope='module')
def libvirt_cloud(libvirt_host, test_guest, rabbit_available):
    cloud, cleanup = start_libvirt_cloud('libvirt', libvirt_uri=libvirt_host)
    try:
        cloud.flavor = cloud.create_flavor('lv.tiny', vcpus=1, ram=128,
                                           disk=1)
        cloud.image_id = upload_test_guest(cloud, test_guest)
        yield cloud
    finally:
        cleanup()

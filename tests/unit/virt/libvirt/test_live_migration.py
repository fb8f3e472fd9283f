"""Live migration steps of the libvirt driver (LiveMigrationSteps).

Each host is a libvirt test driver of its own (test:///<node file>: every
connection to it has its own state) holding the instance's running
domain, with real instance directories, a real image cache (qemu-img) and
a local image source. libvirt's test driver has no migration job: the
copy itself is played by a domain wrapper (MigratingDomain), the one
stand-in of these tests.
"""

import base64
import contextlib
import os
import shutil
import threading
import time
import types

import pytest

from nova import exception
from nova.image import api as image_api
from nova.image import local
from nova import objects
from nova.virt.libvirt import config
from nova.virt.libvirt import disks
from nova.virt.libvirt import guest as libvirt_guest
from nova.virt.libvirt import host as libvirt_host
from nova.virt.libvirt import imagecache
from nova.virt.libvirt import images
from nova.virt.libvirt import live_migration

libvirt = pytest.importorskip('libvirt')
pytestmark = pytest.mark.skipif(shutil.which('qemu-img') is None,
                                reason='qemu-img is not installed')

UUID = '0c6f8a52-7a55-4a8e-9a57-2f1b7b3f6e01'
MiB = 1024 ** 2

NODE_XML = """<node>
  <cpu><mhz>2000</mhz><model>i686</model><active>2</active><max>2</max></cpu>
  <memory>4194304</memory>
  %(domain)s
</node>"""

DOMAIN_XML = """<domain type='test'>
  <name>instance-%(uuid)s</name>
  <uuid>%(uuid)s</uuid>
  <memory>131072</memory>
  <vcpu>1</vcpu>
  <os><type>hvm</type><kernel>%(dir)s/kernel</kernel></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='%(dir)s/disk'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <source file='%(dir)s/disk.config'/>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>
    <serial type='file'>
      <source path='%(dir)s/console.log'/>
      <target port='0'/>
    </serial>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>
  </devices>
</domain>"""


@contextlib.contextmanager
def _as_host(conf, name):
    """Run a step as compute host ``name`` ([DEFAULT] host)."""
    conf.config(host=name)
    yield


class Host:
    """A compute host: the steps over its own libvirt and instances."""

    def __init__(self, name, uri, instances_path, source):
        self.name = name
        self.driver = live_migration.LiveMigrationSteps()
        self.driver._host = libvirt_host.Host(uri)
        cache = imagecache.ImageCache(os.path.join(instances_path, '_base'),
                                      image_api.API(source))
        self.driver._disks = disks.InstanceDisks(instances_path, cache)
        self.instances_path = instances_path

    def guest(self, instance):
        return self.driver._host.get_guest(instance)

    def has_guest(self, instance):
        try:
            self.guest(instance)
        except exception.InstanceNotFoundOnHypervisor:
            return False
        return True


@pytest.fixture
def source(tmp_path):
    objects.register_all()
    return local.LocalImageSource(str(tmp_path / 'images'))


@pytest.fixture
def image(tmp_path, source):
    path = str(tmp_path / 'upload.qcow2')
    images.create(path, 'qcow2', 16 * MiB)
    with open(path, 'rb') as data:
        return source.create(None, dict(name='img', disk_format='qcow2',
                                        visibility='public'), data=data)


@pytest.fixture
def instance(image):
    flavor = types.SimpleNamespace(root_gb=1, ephemeral_gb=0, swap=0,
                                   name='f')
    return types.SimpleNamespace(uuid=UUID, image_ref=image['id'],
                                 flavor=flavor, system_metadata={})


def _node_uri(tmp_path, name, domain_dir=None):
    """A test:/// URI of a host running the instance's domain (files under
    ``domain_dir``), or none."""
    domain = (DOMAIN_XML % {'uuid': UUID, 'dir': domain_dir}
              if domain_dir else '')
    path = tmp_path / ('node-%s.xml' % name)
    path.write_text(NODE_XML % {'domain': domain})
    return 'test://%s' % path


def _make_hosts(tmp_path, source, instance, shared=False):
    src_path = str(tmp_path / 'src-instances')
    dst_path = src_path if shared else str(tmp_path / 'dst-instances')
    src = Host('src', _node_uri(tmp_path, 'src',
                                os.path.join(src_path, UUID)),
               src_path, source)
    dst = Host('dst', _node_uri(tmp_path, 'dst'), dst_path, source)
    # The instance runs on the source with its files made there.
    src.driver._disks.prepare(None, instance, None)
    with open(src.driver._disks.console_log_path(instance), 'wb') as f:
        f.write(b'NOVA-TEST-GUEST-BOOTED 1234\n')
    return src, dst


@pytest.fixture
def hosts(tmp_path, source, instance):
    return _make_hosts(tmp_path, source, instance)


@pytest.fixture
def shared_hosts(tmp_path, source, instance):
    return _make_hosts(tmp_path, source, instance, shared=True)


def _checks(conf, src, dst, instance, block_migration=None, **kw):
    with _as_host(conf, dst.name):
        dest_check = dst.driver.check_can_live_migrate_destination(
            None, instance, {}, {}, block_migration, **kw)
    with _as_host(conf, src.name):
        return src.driver.check_can_live_migrate_source(None, instance,
                                                        dest_check)


def _prepared(conf, src, dst, instance, block_migration=None):
    data = _checks(conf, src, dst, instance, block_migration)
    with _as_host(conf, dst.name):
        return dst.driver.pre_live_migration(None, instance, None, [], None,
                                             data)


# ----------------------------------------------------------------------
# Checks
# ----------------------------------------------------------------------
def test_separate_instance_storage_means_a_block_migration(conf, hosts,
                                                           instance):
    src, dst = hosts
    conf.config(live_migration_inbound_addr='10.254.0.2', group='libvirt')
    conf.config(server_listen='10.254.0.2', group='vnc')
    data = _checks(conf, src, dst, instance)
    assert data['block_migration'] is True
    assert data['shared_instance_path'] is False
    assert data['dest_uri'] == 'qemu+tcp://10.254.0.2/system'
    assert data['dest_addr'] == '10.254.0.2'
    assert data['dest_vnc_listen'] == '10.254.0.2'
    assert data['source_instance_dir'] == os.path.join(src.instances_path,
                                                       UUID)
    # The serial log so far travels with the data.
    assert base64.b64decode(data['console_log']) == \
        b'NOVA-TEST-GUEST-BOOTED 1234\n'
    # The destination keeps its marker; the source does not see it.
    assert os.path.exists(os.path.join(dst.instances_path,
                                       live_migration.marker_name('dst')))
    assert not os.path.exists(os.path.join(
        src.instances_path, live_migration.marker_name('dst')))


def test_shared_instance_storage_means_no_block_migration(conf, shared_hosts,
                                                          instance):
    src, dst = shared_hosts
    data = _checks(conf, src, dst, instance)
    assert data['shared_instance_path'] is True
    assert data['block_migration'] is False
    assert 'console_log' not in data


def test_block_migration_refused_over_shared_storage(conf, shared_hosts,
                                                     instance):
    src, dst = shared_hosts
    with pytest.raises(exception.MigrationPreCheckError,
                       match='share their instance storage'):
        _checks(conf, src, dst, instance, block_migration=True)


def test_plain_migration_refused_without_shared_storage(conf, hosts,
                                                        instance):
    src, dst = hosts
    with pytest.raises(exception.MigrationPreCheckError,
                       match='a block migration is needed'):
        _checks(conf, src, dst, instance, block_migration=False)


def test_destination_without_room_for_the_disks_is_refused(conf, hosts,
                                                           instance):
    src, dst = hosts
    with _as_host(conf, dst.name):
        dest_check = dst.driver.check_can_live_migrate_destination(
            None, instance, {}, {}, None)
    dest_check['dest_disk_free'] = 1024
    with _as_host(conf, src.name):
        with pytest.raises(exception.MigrationPreCheckError,
                           match='bytes free'):
            src.driver.check_can_live_migrate_source(None, instance,
                                                     dest_check)
        dest_check['disk_over_commit'] = True
        assert src.driver.check_can_live_migrate_source(
            None, instance, dest_check)['block_migration'] is True


def test_stopped_guest_cannot_live_migrate(conf, hosts, instance):
    src, dst = hosts
    src.guest(instance).poweroff()
    with pytest.raises(exception.MigrationPreCheckError,
                       match='not running'):
        _checks(conf, src, dst, instance)


def test_destination_that_has_the_guest_refuses_it(conf, hosts, instance,
                                                   tmp_path):
    src, dst = hosts
    dst.driver._host = libvirt_host.Host(_node_uri(
        tmp_path, 'dst2', os.path.join(dst.instances_path, UUID)))
    with pytest.raises(exception.MigrationPreCheckError,
                       match='already exists'):
        _checks(conf, src, dst, instance)


def test_migration_uri_template_wins_over_the_scheme(conf):
    conf.config(live_migration_scheme='tls', group='libvirt')
    assert live_migration.destination_uri('h2') == 'qemu+tls://h2/system'
    assert live_migration.destination_uri('fd00::2') == \
        'qemu+tls://[fd00::2]/system'
    conf.config(live_migration_uri='qemu+ssh://nova@%s/system',
                group='libvirt')
    assert live_migration.destination_uri('h2') == \
        'qemu+ssh://nova@h2/system'


# ----------------------------------------------------------------------
# Destination preparation
# ----------------------------------------------------------------------
def test_pre_live_migration_makes_the_instance_directory(conf, hosts,
                                                         instance):
    src, dst = hosts
    data = _prepared(conf, src, dst, instance)
    directory = os.path.join(dst.instances_path, UUID)
    assert data['dest_instance_dir'] == directory
    assert data['dest_made_instance_dir'] is True
    assert 'console_log' not in data
    # The root disk is an overlay over the destination's own copy of the
    # image, of the source's virtual size: the copy sends the top only.
    root = images.info(os.path.join(directory, 'disk'))
    assert root.format == 'qcow2'
    assert root.backing_file.startswith(
        os.path.join(dst.instances_path, '_base') + os.sep)
    assert root.virtual_size == images.info(
        os.path.join(src.instances_path, UUID, 'disk')).virtual_size
    with open(os.path.join(directory, 'console.log'), 'rb') as f:
        assert f.read() == b'NOVA-TEST-GUEST-BOOTED 1234\n'


def test_pre_live_migration_refuses_a_leftover_directory(conf, hosts,
                                                         instance):
    src, dst = hosts
    leftover = os.path.join(dst.instances_path, UUID)
    os.makedirs(leftover)
    with pytest.raises(exception.MigrationError, match='already exists'):
        _prepared(conf, src, dst, instance)
    assert os.listdir(leftover) == []


def test_pre_live_migration_failure_removes_what_it_made(conf, hosts,
                                                         instance):
    src, dst = hosts
    data = _checks(conf, src, dst, instance)
    instance.image_ref = 'no-such-image'
    with _as_host(conf, dst.name):
        with pytest.raises(exception.ImageNotFound):
            dst.driver.pre_live_migration(None, instance, None, [], None,
                                          data)
    assert not os.path.exists(os.path.join(dst.instances_path, UUID))


def test_pre_live_migration_on_shared_storage_makes_nothing(
        conf, shared_hosts, instance):
    src, dst = shared_hosts
    before = sorted(os.listdir(os.path.join(src.instances_path, UUID)))
    data = _prepared(conf, src, dst, instance)
    assert data['dest_made_instance_dir'] is False
    assert data['dest_instance_dir'] == os.path.join(src.instances_path,
                                                     UUID)
    assert sorted(os.listdir(data['dest_instance_dir'])) == before


def _give_config_drive(host, instance):
    files = [('openstack/latest/meta_data.json', b'{"uuid": "%s"}' % (
        UUID.encode()))]
    host.driver._disks.make_config_drive(instance, types.SimpleNamespace(
        config_drive_files=lambda: iter(files)))
    return host.driver._disks.path(instance, 'disk.config')


def test_pre_live_migration_copies_the_config_drive(conf, hosts, instance):
    src, dst = hosts
    source_drive = _give_config_drive(src, instance)
    data = _checks(conf, src, dst, instance)
    assert data['source_config_drive'] == source_drive
    assert data['source_addr']
    with _as_host(conf, dst.name):
        data = dst.driver.pre_live_migration(None, instance, None, [], None,
                                             data)
    copied = os.path.join(data['dest_instance_dir'], 'disk.config')
    with open(copied, 'rb') as a, open(source_drive, 'rb') as b:
        assert a.read() == b.read()
    assert dst.driver._disks.disk_format(data['dest_instance_dir'],
                                         'disk.config') == 'raw'


def test_config_drive_of_another_machine_comes_by_the_transport(
        conf, hosts, instance, monkeypatch):
    src, dst = hosts
    conf.config(remote_filesystem_transport='rsync', group='libvirt')
    copies = []

    def copy(src_path, dst_path, source_host=None, transport='local'):
        copies.append((src_path, source_host, transport))
        with open(dst_path, 'wb') as f:
            f.write(b'CD001')
    monkeypatch.setattr(live_migration.cold_moves, 'copy_file', copy)
    data = _checks(conf, src, dst, instance)
    data.update(source_config_drive='/elsewhere/%s/disk.config' % UUID,
                source_addr='192.0.2.1')
    with _as_host(conf, dst.name):
        dst.driver.pre_live_migration(None, instance, None, [], None, data)
    assert copies == [('/elsewhere/%s/disk.config' % UUID, '192.0.2.1',
                       'rsync')]


def test_failed_config_drive_copy_removes_the_directory(conf, hosts,
                                                        instance):
    src, dst = hosts
    data = _checks(conf, src, dst, instance)
    data.update(source_config_drive='/elsewhere/%s/disk.config' % UUID,
                source_addr='192.0.2.1')
    conf.config(remote_filesystem_transport='local', group='libvirt')
    with _as_host(conf, dst.name):
        with pytest.raises(exception.MigrationError):
            dst.driver.pre_live_migration(None, instance, None, [], None,
                                          data)
    assert not os.path.exists(os.path.join(dst.instances_path, UUID))


def test_no_config_drive_to_copy_over_shared_storage(conf, shared_hosts,
                                                     instance):
    src, dst = shared_hosts
    _give_config_drive(src, instance)
    data = _checks(conf, src, dst, instance)
    assert 'source_config_drive' not in data


# ----------------------------------------------------------------------
# The destination's domain XML
# ----------------------------------------------------------------------
def test_destination_xml_moves_files_and_vnc(tmp_path):
    src_dir, dst_dir = '/srv/a/' + UUID, '/srv/b/' + UUID
    xml = DOMAIN_XML % {'uuid': UUID, 'dir': src_dir}
    xml = xml.replace(
        "<source file='%s/disk'/>" % src_dir,
        "<source file='%s/disk'/><backingStore type='file'><format "
        "type='raw'/><source file='/srv/a/_base/x'/></backingStore>"
        % src_dir)
    moved = live_migration.destination_xml(xml, src_dir, dst_dir,
                                           '10.254.0.2')
    parsed = config.parse_domain(moved)
    assert parsed.disk_paths == [dst_dir + '/disk', dst_dir + '/disk.config']
    assert parsed.serial_log_path == dst_dir + '/console.log'
    assert parsed.os.kernel == dst_dir + '/kernel'
    assert parsed.vnc.listen == '10.254.0.2'
    import xml.etree.ElementTree as ET
    root = ET.fromstring(moved)
    # No backing chain: the destination finds its own.
    assert root.find('./devices/disk/backingStore') is None
    # The destination's QEMU appends to the serial log.
    assert root.find('./devices/serial/source').get('append') == 'on'


def test_destination_xml_keeps_paths_outside_the_instance_directory():
    xml = DOMAIN_XML % {'uuid': UUID, 'dir': '/elsewhere'}
    moved = live_migration.destination_xml(xml, '/srv/a/' + UUID,
                                           '/srv/b/' + UUID)
    parsed = config.parse_domain(moved)
    assert parsed.disk_paths == ['/elsewhere/disk', '/elsewhere/disk.config']
    assert parsed.vnc.listen == '127.0.0.1'


def test_block_migration_copies_writable_disks_only():
    xml = DOMAIN_XML % {'uuid': UUID, 'dir': '/srv/a'}
    assert live_migration.migrated_disks(xml) == [('vda', '/srv/a/disk')]
    # A FAT config drive is a writable disk: copied over the copy
    # pre_live_migration made.
    fat = xml.replace("device='cdrom'", "device='disk'").replace(
        "<readonly/>", "")
    assert live_migration.migrated_disks(fat) == [
        ('vda', '/srv/a/disk'), ('hdc', '/srv/a/disk.config')]


# ----------------------------------------------------------------------
# The copy
# ----------------------------------------------------------------------
class MigratingDomain:
    """The instance's test-driver domain with the migration job libvirt's
    test driver lacks: migrateToURI3 copies ``memory`` bytes in ``steps``
    ticks of ``tick`` seconds, then the domain leaves the source (as with
    VIR_MIGRATE_UNDEFINE_SOURCE)."""

    def __init__(self, domain, memory=100 * MiB, steps=10, tick=0.05,
                 fail=None):
        self._domain = domain
        self.memory = memory
        self.steps = steps
        self.tick = tick
        self.fail = fail
        self.calls = []
        self.done = 0
        self.aborted = threading.Event()
        self.postcopy = False
        self.running = False

    def __getattr__(self, name):
        return getattr(self._domain, name)

    def migrateToURI3(self, uri, params, flags):
        self.calls.append((uri, params, flags))
        self.running = True
        try:
            while self.done < self.steps:
                if self.aborted.is_set():
                    raise _libvirt_error(libvirt.VIR_ERR_OPERATION_ABORTED,
                                         'migration out job: canceled by '
                                         'client')
                if self.fail is not None and self.done >= self.steps // 2:
                    raise _libvirt_error(libvirt.VIR_ERR_OPERATION_FAILED,
                                         self.fail)
                time.sleep(self.tick)
                # A paused guest (or post-copy) finishes at once.
                paused = self._domain.state()[0] == libvirt.VIR_DOMAIN_PAUSED
                self.done = self.steps if (paused or self.postcopy) \
                    else self.done + 1
        finally:
            self.running = False
        self._domain.destroy()
        self._domain.undefine()

    def jobStats(self, flags=0):
        if not self.running:
            return {'type': libvirt.VIR_DOMAIN_JOB_NONE}
        processed = self.memory * self.done // self.steps
        return {'type': libvirt.VIR_DOMAIN_JOB_UNBOUNDED,
                'memory_total': self.memory, 'memory_processed': processed,
                'memory_remaining': self.memory - processed,
                'disk_total': 0, 'disk_processed': 0, 'disk_remaining': 0}

    def abortJob(self):
        if not self.running:
            raise _libvirt_error(libvirt.VIR_ERR_OPERATION_INVALID,
                                 'no job is active on the domain')
        self.aborted.set()

    def migrateStartPostCopy(self, flags=0):
        self.postcopy = True


def _libvirt_error(code, message):
    exc = libvirt.libvirtError(message)
    exc.err = (code, 0, message, 2, None, None, None, 0, 0)
    return exc


class Outcome:
    """The callbacks the compute manager hands to live_migration()."""

    def __init__(self):
        self.posted = None
        self.recovered = None
        self.progress = []

    def post(self, context, instance, dest, block_migration, migrate_data):
        self.posted = (dest, block_migration, migrate_data)

    def recover(self, context, instance, dest, migrate_data, exc):
        self.recovered = exc

    def report(self, **amounts):
        self.progress.append(amounts)


def _with_job(src, instance, monkeypatch, **kw):
    domain = MigratingDomain(src.guest(instance).domain, **kw)
    monkeypatch.setattr(src.driver._host, 'get_guest',
                        lambda inst: libvirt_guest.Guest(domain))
    return domain


def _migrate(conf, src, dst, instance, data, outcome=None, during=None):
    outcome = outcome or Outcome()
    with _as_host(conf, src.name):
        runner = threading.Thread(
            target=src.driver.live_migration,
            args=(None, instance, dst.name, outcome.post, outcome.recover,
                  data['block_migration'], data),
            kwargs={'progress': outcome.report})
        runner.start()
        if during is not None:
            during()
        runner.join(30)
    assert not runner.is_alive()
    return outcome


def test_block_migration_reports_progress_then_posts(conf, hosts, instance,
                                                     monkeypatch):
    src, dst = hosts
    conf.config(live_migration_inbound_addr='10.254.0.2', group='libvirt')
    conf.config(live_migration_bandwidth=50, group='libvirt')
    data = _prepared(conf, src, dst, instance)
    domain = _with_job(src, instance, monkeypatch)
    outcome = _migrate(conf, src, dst, instance, data)

    assert outcome.recovered is None
    dest, block, posted = outcome.posted
    assert (dest, block) == ('dst', True)
    assert 'forced_pause' not in posted
    [(uri, params, flags)] = domain.calls
    assert uri == 'qemu+tcp://10.254.0.2/system'
    wanted = (libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_PEER2PEER |
              libvirt.VIR_MIGRATE_PERSIST_DEST |
              libvirt.VIR_MIGRATE_UNDEFINE_SOURCE |
              libvirt.VIR_MIGRATE_NON_SHARED_INC)
    assert flags == wanted
    assert params[libvirt.VIR_MIGRATE_PARAM_URI] == 'tcp://10.254.0.2'
    assert params[libvirt.VIR_MIGRATE_PARAM_BANDWIDTH] == 50
    assert params[libvirt.VIR_MIGRATE_PARAM_MIGRATE_DISKS] == ['vda']
    parsed = config.parse_domain(params[libvirt.VIR_MIGRATE_PARAM_DEST_XML])
    assert parsed.root_disk.source_path == os.path.join(
        dst.instances_path, UUID, 'disk')
    # Progress grew while the copy ran and ended complete.
    processed = [p['memory_processed'] for p in outcome.progress]
    assert processed == sorted(processed)
    assert 0 < processed[0] < 100 * MiB
    assert outcome.progress[-1] == {
        'memory_total': 100 * MiB, 'memory_processed': 100 * MiB,
        'memory_remaining': 0, 'disk_total': 0, 'disk_processed': 0,
        'disk_remaining': 0}
    # The domain left the source.
    monkeypatch.undo()
    assert not src.has_guest(instance)


def test_shared_storage_migration_flags(conf, shared_hosts, instance,
                                        monkeypatch):
    src, dst = shared_hosts
    conf.config(live_migration_permit_auto_converge=True, group='libvirt')
    data = _prepared(conf, src, dst, instance)
    domain = _with_job(src, instance, monkeypatch, steps=2)
    outcome = _migrate(conf, src, dst, instance, data)
    assert outcome.posted[1] is False
    [(uri, params, flags)] = domain.calls
    # Our marker, not libvirt's guess, says the storage is shared.
    assert flags & libvirt.VIR_MIGRATE_UNSAFE
    assert flags & libvirt.VIR_MIGRATE_AUTO_CONVERGE
    assert not flags & libvirt.VIR_MIGRATE_NON_SHARED_INC
    assert libvirt.VIR_MIGRATE_PARAM_MIGRATE_DISKS not in params
    # No inbound address: libvirt picks the migration stream's address.
    assert libvirt.VIR_MIGRATE_PARAM_URI not in params
    assert data['dest_uri'] == 'qemu+tcp://dst/system'


def test_libvirt_refusing_the_migration_recovers(conf, hosts, instance):
    src, dst = hosts
    data = _prepared(conf, src, dst, instance)
    # libvirt's test driver has no peer-to-peer migration.
    outcome = _migrate(conf, src, dst, instance, data)
    assert outcome.posted is None
    assert isinstance(outcome.recovered, exception.LiveMigrationFailed)
    assert 'p2p migration is not supported' in str(outcome.recovered)
    assert src.guest(instance).is_active()


def test_copy_failing_half_way_recovers(conf, hosts, instance, monkeypatch):
    src, dst = hosts
    data = _prepared(conf, src, dst, instance)
    _with_job(src, instance, monkeypatch, fail='connection reset')
    outcome = _migrate(conf, src, dst, instance, data)
    assert outcome.posted is None
    assert isinstance(outcome.recovered, exception.LiveMigrationFailed)
    assert 'connection reset' in str(outcome.recovered)


def test_abort_stops_the_copy_and_recovers_as_aborted(conf, hosts, instance,
                                                      monkeypatch):
    src, dst = hosts
    data = _prepared(conf, src, dst, instance)
    domain = _with_job(src, instance, monkeypatch, steps=1000, tick=0.01)

    def abort():
        _wait(lambda: domain.running)
        src.driver.live_migration_abort(instance)
    outcome = _migrate(conf, src, dst, instance, data, during=abort)
    assert outcome.posted is None
    assert isinstance(outcome.recovered, exception.LiveMigrationAborted)
    monkeypatch.undo()
    assert src.guest(instance).is_active()
    with pytest.raises(exception.LiveMigrationNotRunning):
        src.driver.live_migration_abort(instance)


def test_force_complete_pauses_the_guest(conf, hosts, instance, monkeypatch):
    src, dst = hosts
    data = _prepared(conf, src, dst, instance)
    domain = _with_job(src, instance, monkeypatch, steps=1000, tick=0.01)

    def force():
        _wait(lambda: domain.running)
        src.driver.live_migration_force_complete(instance)
    outcome = _migrate(conf, src, dst, instance, data, during=force)
    assert outcome.recovered is None
    assert outcome.posted[2]['forced_pause'] is True
    assert domain.done == domain.steps


def test_force_complete_switches_to_post_copy_when_permitted(
        conf, hosts, instance, monkeypatch):
    src, dst = hosts
    conf.config(live_migration_permit_post_copy=True, group='libvirt')
    data = _prepared(conf, src, dst, instance)
    domain = _with_job(src, instance, monkeypatch, steps=1000, tick=0.01)

    def force():
        _wait(lambda: domain.running)
        src.driver.live_migration_force_complete(instance)
    outcome = _migrate(conf, src, dst, instance, data, during=force)
    assert domain.postcopy
    assert domain.calls[0][2] & libvirt.VIR_MIGRATE_POSTCOPY
    assert 'forced_pause' not in outcome.posted[2]


def test_completion_timeout_aborts(conf, hosts, instance, monkeypatch):
    src, dst = hosts
    conf.config(live_migration_completion_timeout=1, group='libvirt')
    data = _prepared(conf, src, dst, instance)
    _with_job(src, instance, monkeypatch, steps=10000, tick=0.01)
    started = time.monotonic()
    outcome = _migrate(conf, src, dst, instance, data)
    assert isinstance(outcome.recovered, exception.LiveMigrationAborted)
    assert time.monotonic() - started < 10


def test_force_complete_without_a_migration_is_refused(conf, hosts,
                                                       instance):
    src, _dst = hosts
    with pytest.raises(exception.LiveMigrationNotRunning):
        src.driver.live_migration_force_complete(instance)


def _wait(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, 'timed out'
        time.sleep(0.01)


# ----------------------------------------------------------------------
# After the copy
# ----------------------------------------------------------------------
def _arrive(dst, instance, persistent=False):
    """The guest as libvirt leaves it on the destination."""
    conn = dst.driver._host.get_connection()
    xml = DOMAIN_XML % {'uuid': UUID,
                        'dir': os.path.join(dst.instances_path, UUID)}
    if persistent:
        conn.defineXML(xml).create()
    else:
        conn.createXML(xml, 0)


def test_post_at_destination_makes_the_guest_persistent(conf, hosts,
                                                        instance):
    src, dst = hosts
    data = _prepared(conf, src, dst, instance)
    _arrive(dst, instance)
    assert not dst.guest(instance).domain.isPersistent()
    dst.driver.post_live_migration_at_destination(None, instance, [], True,
                                                  None, data)
    assert dst.guest(instance).domain.isPersistent()
    assert dst.guest(instance).is_active()


def test_post_at_destination_resumes_a_guest_paused_to_complete(
        conf, hosts, instance):
    src, dst = hosts
    data = _prepared(conf, src, dst, instance)
    _arrive(dst, instance, persistent=True)
    dst.guest(instance).pause()
    dst.driver.post_live_migration_at_destination(
        None, instance, [], True, None, dict(data, forced_pause=True))
    assert dst.guest(instance).state()[0] == libvirt.VIR_DOMAIN_RUNNING


def test_post_at_source_removes_unshared_files(conf, hosts, instance):
    src, dst = hosts
    data = _prepared(conf, src, dst, instance)
    src.guest(instance).poweroff()
    src.guest(instance).undefine()
    src.driver.post_live_migration(None, instance, None, data)
    assert not os.path.exists(os.path.join(src.instances_path, UUID))
    assert os.path.isdir(os.path.join(dst.instances_path, UUID))


def test_post_at_source_keeps_shared_files(conf, shared_hosts, instance):
    src, dst = shared_hosts
    data = _prepared(conf, src, dst, instance)
    # A definition left behind goes.
    src.guest(instance).poweroff()
    src.driver.post_live_migration(None, instance, None, data)
    assert not src.has_guest(instance)
    assert os.path.isdir(os.path.join(src.instances_path, UUID))


def test_rollback_at_destination_removes_guest_and_files(conf, hosts,
                                                         instance):
    src, dst = hosts
    data = _prepared(conf, src, dst, instance)
    _arrive(dst, instance, persistent=True)
    dst.driver.rollback_live_migration_at_destination(
        None, instance, [], None, migrate_data=data)
    assert not dst.has_guest(instance)
    assert not os.path.exists(os.path.join(dst.instances_path, UUID))
    # The source is untouched.
    assert src.guest(instance).is_active()
    assert os.path.isdir(os.path.join(src.instances_path, UUID))


def test_rollback_at_destination_keeps_shared_files(conf, shared_hosts,
                                                    instance):
    src, dst = shared_hosts
    data = _prepared(conf, src, dst, instance)
    dst.driver.rollback_live_migration_at_destination(
        None, instance, [], None, migrate_data=data)
    assert os.path.isdir(os.path.join(src.instances_path, UUID))


def test_rollback_before_preparation_removes_nothing(conf, hosts, instance):
    src, dst = hosts
    data = _checks(conf, src, dst, instance)
    os.makedirs(os.path.join(dst.instances_path, UUID))
    dst.driver.rollback_live_migration_at_destination(
        None, instance, [], None, migrate_data=data)
    # Not made by this migration: not removed by it.
    assert os.path.isdir(os.path.join(dst.instances_path, UUID))


# ----------------------------------------------------------------------
# VIFs: plugged on the destination before the guest comes, unplugged
# where it left
# ----------------------------------------------------------------------
VIF = {'id': 'port-1', 'type': 'ovs', 'address': 'fa:16:3e:00:00:01'}


class RecordingVifs:
    def __init__(self):
        self.calls = []

    def plug_all(self, instance, network_info):
        self.calls += [('plug', v['id']) for v in network_info or ()]

    def unplug_all(self, instance, network_info):
        self.calls += [('unplug', v['id']) for v in network_info or ()]


def test_vifs_follow_the_guest(conf, hosts, instance):
    from nova.network import model
    src, dst = hosts
    src.driver._vifs, dst.driver._vifs = RecordingVifs(), RecordingVifs()
    data = _checks(conf, src, dst, instance)
    with _as_host(conf, dst.name):
        data = dst.driver.pre_live_migration(None, instance, None, [VIF],
                                             None, data)
    assert dst.driver._vifs.calls == [('plug', 'port-1')]
    # The source gets no network_info: the instance's cache says.
    instance.network_info = model.dump([VIF])
    src.guest(instance).poweroff()
    src.guest(instance).undefine()
    src.driver.post_live_migration(None, instance, None, data)
    assert src.driver._vifs.calls == [('unplug', 'port-1')]


def test_rollback_at_destination_unplugs(conf, hosts, instance):
    src, dst = hosts
    dst.driver._vifs = RecordingVifs()
    data = _prepared(conf, src, dst, instance)
    dst.driver.rollback_live_migration_at_destination(
        None, instance, [VIF], None, migrate_data=data)
    assert dst.driver._vifs.calls == [('unplug', 'port-1')]


def test_source_keeps_the_taps_of_a_guest_running_on_a_shared_daemon(
        conf, hosts, instance):
    from nova.network import model
    src, dst = hosts
    src.driver._vifs = RecordingVifs()
    data = _prepared(conf, src, dst, instance)
    instance.network_info = model.dump([VIF])
    # The guest of that uuid still runs on the daemon: the destination's.
    src.driver.post_live_migration(None, instance, None, data)
    assert src.driver._vifs.calls == []

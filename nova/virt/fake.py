"""A hypervisor that only exists on disk, for tests and scale runs.

The fake driver behaves like a real one from nova-compute's point of view:
it exposes CONF.fake.node_count nodes of CONF.fake.vcpus / memory_mb /
local_gb each, keeps a record per guest with its power state, counts the
guests' flavors against their node, and remembers everything across a
restart of nova-compute.

Storage: one small JSON file per guest, ``<state_dir>/<uuid>.json``,
replaced atomically (write to a temporary file in the same directory, then
os.replace) on every change. A change therefore costs one small write
whatever the number of guests, and a restart reads one file per guest. The
driver keeps all guests in memory (plus per-node usage totals) and only
reads the directory when it starts, so listing 10,000 nodes or reporting
one node's usage never touches the disk.

The move steps (live migration, resize, cold migration) are in
nova.virt.fake_moves.

Config drives: a guest that gets one (nova.metadata.configdrive.required)
has a real image built at spawn, ``<config_drive_dir>/<uuid>.config``
([fake] config_drive_dir, else config-drives/ in the state directory),
named in its record and in ``config_drives``; it goes with the guest.
The admin password a guest was built with or last given
(set_admin_password) is kept in its record, as a guest would hold it.

Node names: with one node, the node is named after the host (CONF.host);
with more, they are ``<host>-node-1`` .. ``<host>-node-<n>``.
"""

import base64
import json
import os
import shutil
import tempfile
import threading
import time
import uuid as uuidlib

from oslo_log import log as logging

from nova import conf as nova_conf
from nova import exception
from nova.metadata import configdrive
from nova.states import power_state
from nova.virt import driver
from nova.virt import fake_moves
from nova.virt import fake_vifs

CONF = nova_conf.CONF
LOG = logging.getLogger(__name__)

HYPERVISOR_TYPE = 'fake'
# Diagnostics name a driver the API's clients know (Tempest checks it
# against the in-tree list): like upstream's fake, this one says libvirt.
DIAGNOSTICS_DRIVER = 'libvirt'
HYPERVISOR_VERSION = 1000
RECORD_VERSION = 1
CONSOLE_LINES_KEPT = 50
# What a new guest writes to its serial console while it boots (clients
# and Tempest expect a console log of some length).
_BOOT_LINES = (
    'fake firmware: booting from disk',
    'Linux version 6.1.0-fake (fake@nova) #1 SMP',
    'Command line: root=/dev/vda1 ro console=ttyS0',
    'smp: Brought up 1 node, %(vcpus)d CPUs',
    'Memory: %(memory_mb)dMB available',
    'virtio_blk virtio1: [vda] attached',
    'EXT4-fs (vda1): mounted filesystem',
    'systemd[1]: Reached target Basic System.',
    'cloud-init: running modules for config',
    'cloud-init: finished',
    'fake login:',
)


def node_names(host, count):
    """The node names a fake host with ``count`` nodes exposes."""
    if count == 1:
        return [host]
    return ['%s-node-%d' % (host, n) for n in range(1, count + 1)]


def _image_id(image_meta):
    if image_meta is None:
        return None
    if isinstance(image_meta, dict):
        return image_meta.get('id')
    return fake_moves.read_attr(image_meta, 'id')


def _recorded_files(injected_files):
    """The injected files as the guest record keeps them (JSON): path
    and base64 contents, what a config drive of the guest is made of."""
    return [{'path': path,
             'contents': base64.b64encode(contents).decode('ascii')}
            for path, contents in injected_files or ()]


class FakeDriver(fake_moves.FakeMoveSteps, driver.ComputeDriver):
    """Guests as JSON records; see the module docstring."""

    capabilities = dict(driver.ComputeDriver.capabilities,
                        supports_pause=True,
                        supports_suspend=True,
                        supports_rescue=True,
                        supports_console_output=True,
                        supports_set_admin_password=True,
                        supports_live_migration=True)

    def __init__(self, virtapi=None, host=None, state_dir=None):
        super().__init__(virtapi)
        self._lock = threading.RLock()
        self._host = host or CONF.host
        self._state_dir_override = state_dir
        self._state_dir = None
        self._nodes = None
        self._node_set = frozenset()
        self._cpu_info = None
        # uuid -> guest record (dict); None until loaded from disk.
        self._guests = None
        # node -> {'vcpus', 'memory_mb', 'local_gb', 'count'} of its guests.
        self._usage = {}
        # uuids being spawned, and those destroyed while being spawned.
        self._spawning = set()
        self._cancelled = set()
        # uuid -> _LiveMigration of the guests leaving this host.
        self._migrating = {}

    # ------------------------------------------------------------------
    # Set-up and storage
    # ------------------------------------------------------------------
    @property
    def state_dir(self):
        """The directory holding this host's guest records."""
        if self._state_dir is None:
            self._state_dir = (self._state_dir_override or
                               CONF.fake.state_dir or
                               os.path.join(CONF.state_path, 'fake-virt',
                                            self._host))
        return self._state_dir

    def node_identity_dir(self):
        # Several fake hosts share one state_path; each has its own
        # directory.
        return self.state_dir

    @property
    def config_drive_dir(self):
        """The directory of this host's config drives."""
        if CONF.fake.config_drive_dir:
            return os.path.join(CONF.fake.config_drive_dir, self._host)
        return os.path.join(self.state_dir, 'config-drives')

    def _config_drive_path(self, instance_uuid):
        return os.path.join(self.config_drive_dir,
                            '%s.config' % instance_uuid)

    @property
    def config_drives(self):
        """{instance uuid: path} of the config drives of this host's
        guests."""
        with self._lock:
            self._ensure_loaded()
            return {uuid: record['config_drive']['path']
                    for uuid, record in self._guests.items()
                    if record.get('config_drive')}

    def init_host(self, host):
        with self._lock:
            if host and host != self._host:
                self._host = host
                self._state_dir = None
                self._nodes = None
                self._guests = None
            self._ensure_loaded()
            LOG.info('Fake driver serving host %s: %d node(s), %d guest(s) '
                     'in %s', self._host, len(self._nodes),
                     len(self._guests), self.state_dir)

    def cleanup_host(self, host):
        # Every change is already on disk; nothing to flush.
        LOG.debug('Fake driver for host %s stopping', host)

    def _ensure_loaded(self):
        # Caller holds self._lock.
        if self._nodes is None:
            self._load_nodes()
        if self._guests is not None:
            return
        path = self.state_dir
        os.makedirs(path, exist_ok=True)
        guests = {}
        for entry in os.scandir(path):
            if entry.name.startswith('.'):
                if entry.name.endswith('.tmp'):
                    # Left behind by a write cut short; the real file is
                    # either the old or the new version, both complete.
                    self._unlink(entry.path)
                continue
            if not entry.name.endswith('.json'):
                continue
            try:
                with open(entry.path) as f:
                    record = json.load(f)
                guests[record['uuid']] = record
            except (OSError, ValueError, KeyError, TypeError) as exc:
                LOG.warning('Ignoring unreadable fake guest record %s: %s',
                            entry.path, exc)
        self._guests = guests
        self._usage = {}
        for record in guests.values():
            self._count(record, 1)

    def _load_nodes(self):
        self._nodes = node_names(self._host, CONF.fake.node_count)
        self._node_set = frozenset(self._nodes)
        self._cpu_info = json.dumps({
            'arch': 'x86_64',
            'model': 'fake',
            'vendor': 'fake',
            'topology': {'sockets': 1, 'cores': CONF.fake.vcpus,
                         'threads': 1},
            'features': [],
        }, sort_keys=True)

    def _guest_path(self, instance_uuid):
        return os.path.join(self.state_dir, '%s.json' % instance_uuid)

    def _persist(self, record):
        # Caller holds self._lock, so writes of one guest never interleave.
        record['updated_at'] = time.time()
        fd, tmp = tempfile.mkstemp(dir=self.state_dir,
                                   prefix='.%s.' % record['uuid'],
                                   suffix='.tmp')
        try:
            with os.fdopen(fd, 'w') as f:
                json.dump(record, f, sort_keys=True)
            os.replace(tmp, self._guest_path(record['uuid']))
        except BaseException:
            self._unlink(tmp)
            raise

    @staticmethod
    def _unlink(path):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass

    def _count(self, record, sign):
        usage = self._usage.setdefault(
            record['node'],
            {'vcpus': 0, 'memory_mb': 0, 'local_gb': 0, 'count': 0})
        usage['vcpus'] += sign * record['vcpus']
        usage['memory_mb'] += sign * record['memory_mb']
        usage['local_gb'] += sign * (record['root_gb'] +
                                     record['ephemeral_gb'])
        usage['count'] += sign

    def _get_record(self, instance):
        # Caller holds self._lock.
        self._ensure_loaded()
        record = self._guests.get(instance.uuid)
        if record is None:
            raise exception.InstanceNotFoundOnHypervisor(
                instance_id=instance.uuid)
        return record

    def _change(self, instance, state, event, **fields):
        with self._lock:
            record = self._get_record(instance)
            record['power_state'] = state
            record.update(fields)
            self._log_console(record, event)
            self._persist(record)
        LOG.debug('Fake guest %s: %s, now %s', instance.uuid, event,
                  power_state.name(state))

    @staticmethod
    def _log_console(record, line):
        console = record.setdefault('console', [])
        console.append('[%.3f] %s' % (time.time(), line))
        del console[:-CONSOLE_LINES_KEPT]

    # ------------------------------------------------------------------
    # Nodes and resources
    # ------------------------------------------------------------------
    def get_available_nodes(self, refresh=False):
        with self._lock:
            if refresh or self._nodes is None:
                self._load_nodes()
            return list(self._nodes)

    def node_is_available(self, nodename):
        with self._lock:
            if self._nodes is None:
                self._load_nodes()
            return nodename in self._node_set

    def get_available_resource(self, nodename):
        with self._lock:
            self._ensure_loaded()
            if nodename not in self._node_set:
                raise exception.ComputeHostNotFoundByNode(nodename=nodename)
            used = dict(self._usage.get(nodename) or
                        {'vcpus': 0, 'memory_mb': 0, 'local_gb': 0,
                         'count': 0})
            cpu_info = self._cpu_info
        local_gb = CONF.fake.local_gb
        return {
            'vcpus': CONF.fake.vcpus,
            'memory_mb': CONF.fake.memory_mb,
            'local_gb': local_gb,
            'vcpus_used': used['vcpus'],
            'memory_mb_used': used['memory_mb'],
            'local_gb_used': used['local_gb'],
            'hypervisor_type': CONF.fake.hypervisor_type,
            'hypervisor_version': HYPERVISOR_VERSION,
            'hypervisor_hostname': nodename,
            'cpu_info': cpu_info,
            'disk_available_least': local_gb - used['local_gb'],
            'running_vms': used['count'],
        }

    def get_traits(self, nodename):
        return sorted({'COMPUTE_NODE'} | set(CONF.fake.traits))

    # ------------------------------------------------------------------
    # Listing
    # ------------------------------------------------------------------
    def list_instances(self):
        with self._lock:
            self._ensure_loaded()
            return [g['name'] for g in self._guests.values()]

    def list_instance_uuids(self, node=None):
        """Uuids of the guests on this host, or only on ``node``."""
        with self._lock:
            self._ensure_loaded()
            if node is None:
                return list(self._guests)
            return [u for u, g in self._guests.items() if g['node'] == node]

    def instance_exists(self, instance):
        with self._lock:
            self._ensure_loaded()
            return instance.uuid in self._guests

    def get_num_instances(self):
        with self._lock:
            self._ensure_loaded()
            return len(self._guests)

    def get_info(self, instance):
        with self._lock:
            record = self._get_record(instance)
            return driver.InstanceInfo(state=record['power_state'],
                                       internal_id=record['internal_id'])

    # ------------------------------------------------------------------
    # Guest life cycle
    # ------------------------------------------------------------------
    def _node_for(self, instance):
        node = fake_moves.read_attr(instance, 'node')
        if not node:
            if len(self._nodes) == 1:
                return self._nodes[0]
            raise exception.InstanceSpawnFailed(
                instance_uuid=instance.uuid,
                reason='the instance names no node and host %s has %d'
                       % (self._host, len(self._nodes)))
        if node not in self._node_set:
            raise exception.InstanceSpawnFailed(
                instance_uuid=instance.uuid,
                reason='node %s is not on host %s' % (node, self._host))
        return node

    def _guest_name(self, instance):
        return instance.name or 'instance-%s' % instance.uuid

    @staticmethod
    def _size(instance, name):
        value = fake_moves.read_attr(instance, name)
        if value is None:
            value = fake_moves.read_attr(fake_moves.read_attr(instance, 'flavor'), name)
        return int(value or 0)

    def spawn(self, context, instance, image_meta, injected_files,
              admin_password, allocations, network_info=None,
              block_device_info=None):
        instance_uuid = instance.uuid
        name = self._guest_name(instance)
        with self._lock:
            self._ensure_loaded()
            if (instance_uuid in self._guests or
                    instance_uuid in self._spawning):
                raise exception.InstanceExists(name=name)
            node = self._node_for(instance)
            self._spawning.add(instance_uuid)
        try:
            image_ref = (fake_moves.read_attr(instance, 'image_ref') or
                         _image_id(image_meta))
            if CONF.fake.spawn_delay:
                time.sleep(CONF.fake.spawn_delay)
            image_name = (image_meta.get('name')
                          if isinstance(image_meta, dict)
                          else fake_moves.read_attr(image_meta, 'name'))
            failing = set(CONF.fake.fail_spawn_images)
            if failing.intersection({image_ref, image_name} - {None}):
                raise exception.InstanceSpawnFailed(
                    instance_uuid=instance_uuid,
                    reason='image %s is listed in [fake] fail_spawn_images'
                           % (image_ref if image_ref in failing
                              else image_name))
            now = time.time()
            record = {
                'version': RECORD_VERSION,
                'uuid': instance_uuid,
                'name': name,
                'display_name': fake_moves.read_attr(instance, 'display_name'),
                'host': self._host,
                'node': node,
                'power_state': power_state.RUNNING,
                'internal_id': uuidlib.uuid4().hex,
                'vcpus': self._size(instance, 'vcpus'),
                'memory_mb': self._size(instance, 'memory_mb'),
                'root_gb': self._size(instance, 'root_gb'),
                'ephemeral_gb': self._size(instance, 'ephemeral_gb'),
                'image_ref': image_ref,
                'image_name': image_name,
                'injected_files': _recorded_files(injected_files),
                'rescued': False,
                'created_at': now,
            }
            if admin_password:
                record['admin_password'] = admin_password
            for line in _BOOT_LINES:
                self._log_console(record, line % {'vcpus': record['vcpus'],
                                                  'memory_mb':
                                                  record['memory_mb']})
            self._log_console(record, 'guest %s booted from image %s on %s'
                              % (name, image_ref, node))
            if configdrive.required(instance, image_meta):
                record['config_drive'] = self._build_config_drive(
                    instance, network_info, injected_files, admin_password)
            with self._lock:
                if instance_uuid in self._cancelled:
                    raise exception.InstanceSpawnFailed(
                        instance_uuid=instance_uuid,
                        reason='destroyed while spawning')
                record['vifs'] = fake_vifs.plug(self._host, network_info)
                self._persist(record)
                self._guests[instance_uuid] = record
                self._count(record, 1)
        except BaseException:
            self._unlink(self._config_drive_path(instance_uuid))
            raise
        finally:
            with self._lock:
                self._spawning.discard(instance_uuid)
                self._cancelled.discard(instance_uuid)
        LOG.info('Fake guest %s spawned on node %s', instance_uuid, node)

    def _build_config_drive(self, instance, network_info, injected_files,
                            admin_password):
        """Write the guest's config drive; what its record keeps of it."""
        path = self._config_drive_path(instance.uuid)
        os.makedirs(self.config_drive_dir, exist_ok=True)
        fmt = CONF.config_drive_format
        configdrive.build(configdrive.instance_metadata(
            instance, network_info or [], injected_files or (),
            admin_password), path, fmt)
        LOG.info('Config drive of fake guest %s built (%s)', instance.uuid,
                 fmt)
        return {'path': path, 'format': fmt}

    def _adopt_config_drive(self, record):
        """Copy the config drive of a guest that moved in from another
        fake host into this host's directory (hosts on one machine see each
        other's files, as a real copy would)."""
        drive = record.get('config_drive')
        if not drive:
            return
        path = self._config_drive_path(record['uuid'])
        if drive['path'] == path:
            return
        try:
            os.makedirs(self.config_drive_dir, exist_ok=True)
            shutil.copyfile(drive['path'], path)
        except OSError as exc:
            LOG.warning('Config drive of fake guest %s not copied from %s: '
                        '%s', record['uuid'], drive['path'], exc)
            record.pop('config_drive')
            return
        record['config_drive'] = dict(drive, path=path)

    def destroy(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True):
        with self._lock:
            self._ensure_loaded()
            if instance.uuid in self._spawning:
                self._cancelled.add(instance.uuid)
            record = self._guests.pop(instance.uuid, None)
            if record is None:
                LOG.debug('Fake guest %s already gone', instance.uuid)
                return
            self._count(record, -1)
            self._unlink(self._guest_path(instance.uuid))
            if record.get('config_drive'):
                self._unlink(record['config_drive']['path'])
            fake_vifs.unplug(self._host, record.get('vifs'))
        LOG.info('Fake guest %s destroyed', instance.uuid)

    def attach_interface(self, context, instance, image_meta, vif):
        with self._lock:
            record = self._get_record(instance)
            if vif['id'] not in record.setdefault('vifs', []):
                record['vifs'] += fake_vifs.plug(self._host, [vif])
            self._log_console(record, 'NIC %s (%s) attached' % (
                vif['id'], vif.get('address')))
            self._persist(record)

    def detach_interface(self, context, instance, vif):
        with self._lock:
            record = self._get_record(instance)
            if vif['id'] not in record.get('vifs', []):
                raise exception.NovaException(
                    'No interface %s on the guest' % vif['id'])
            record['vifs'].remove(vif['id'])
            fake_vifs.unplug(self._host, [vif['id']])
            self._log_console(record, 'NIC %s detached' % vif['id'])
            self._persist(record)

    def power_off(self, instance, timeout=0, retry_interval=0):
        self._change(instance, power_state.SHUTDOWN,
                     'clean shutdown' if timeout else 'powered off')

    def power_on(self, context, instance, network_info,
                 block_device_info=None):
        self._change(instance, power_state.RUNNING, 'powered on')

    def reboot(self, context, instance, network_info, reboot_type,
               block_device_info=None, bad_volumes_callback=None):
        self._change(instance, power_state.RUNNING,
                     '%s reboot' % (reboot_type or 'SOFT').lower())

    def pause(self, instance):
        self._change(instance, power_state.PAUSED, 'paused')

    def unpause(self, instance):
        self._change(instance, power_state.RUNNING, 'unpaused')

    def suspend(self, context, instance):
        self._change(instance, power_state.SUSPENDED, 'suspended')

    def resume(self, context, instance, network_info, block_device_info=None):
        self._change(instance, power_state.RUNNING, 'resumed')

    def rescue(self, context, instance, network_info, image_meta,
               rescue_password, block_device_info=None):
        self._change(instance, power_state.RUNNING,
                     'booted from rescue image %s' % _image_id(image_meta),
                     rescued=True)

    def unrescue(self, context, instance):
        self._change(instance, power_state.RUNNING,
                     'booted from its own disk', rescued=False)

    def set_admin_password(self, instance, new_pass):
        with self._lock:
            record = self._get_record(instance)
            if record['power_state'] != power_state.RUNNING:
                raise exception.InstanceInvalidState(
                    instance_uuid=instance.uuid, attr='power_state',
                    state=power_state.name(record['power_state']),
                    method='set_admin_password')
            record['admin_password'] = new_pass
            self._log_console(record, 'admin password changed')
            self._persist(record)

    def trigger_crash_dump(self, instance):
        with self._lock:
            record = self._get_record(instance)
            if record['power_state'] != power_state.RUNNING:
                raise exception.InstanceNotRunning(instance_id=instance.uuid)
            self._log_console(record, 'NMI received: kernel crash dump')
            self._persist(record)

    def snapshot(self, context, instance, image_id, update_task_state):
        """Upload a small description of the guest as the image data."""
        from nova.states import task_states
        from nova.image import api as image_api
        with self._lock:
            record = self._get_record(instance)
            data = json.dumps({'snapshot_of': instance.uuid,
                               'image_ref': record.get('image_ref'),
                               'taken_at': time.time()}).encode()
        update_task_state(task_state=task_states.IMAGE_PENDING_UPLOAD)
        update_task_state(task_state=task_states.IMAGE_UPLOADING,
                          expected_state=task_states.IMAGE_PENDING_UPLOAD)
        image_api.API().upload(context, image_id, data)
        with self._lock:
            record = self._get_record(instance)
            self._log_console(record, 'snapshot uploaded as image %s'
                              % image_id)
            self._persist(record)

    def get_console_output(self, context, instance):
        with self._lock:
            record = self._get_record(instance)
            return '\n'.join(record.get('console', [])) + '\n'

    def _console_port(self, instance, base):
        # A stable made-up port per guest: nothing listens on it.
        with self._lock:
            record = self._get_record(instance)
            return base + int(record['internal_id'][:4], 16) % 1000

    def get_vnc_console(self, context, instance):
        return {'host': '127.0.0.1',
                'port': self._console_port(instance, 5900),
                'internal_access_path': None}

    def get_serial_console(self, context, instance):
        return {'host': '127.0.0.1',
                'port': self._console_port(instance, 10000),
                'internal_access_path': None}

    def get_diagnostics(self, instance):
        with self._lock:
            record = self._get_record(instance)
            return {
                'state': power_state.name(record['power_state']),
                'driver': DIAGNOSTICS_DRIVER,
                'hypervisor': HYPERVISOR_TYPE,
                'uptime': int(time.time() - record['created_at']),
                'num_cpus': record['vcpus'],
                'memory_mb': record['memory_mb'],
            }

    def get_host_uptime(self):
        return time.strftime(' %H:%M:%S up 1 day,  0 users,  '
                             'load average: 0.00, 0.00, 0.00')

    # ------------------------------------------------------------------
    # Test helpers (fake only)
    # ------------------------------------------------------------------
    def simulate_power_state(self, instance, state):
        """Change a guest's power state as if it happened in the guest.

        For tests of the power state reconciliation: the guest shut itself
        down, crashed, and so on.
        """
        self._change(instance, state,
                     'state changed to %s' % power_state.name(state))

    def is_rescued(self, instance):
        """Whether the guest runs from a rescue image."""
        with self._lock:
            return bool(self._get_record(instance).get('rescued'))

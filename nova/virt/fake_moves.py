"""The fake driver's move steps: live migration, resize and cold migration.

A mixin of FakeDriver (nova.virt.fake), which keeps the guest records,
the lock and the storage these steps use. The guest record travels from
the source to the destination in the migrate data or the disk info, as a
real hypervisor's disks would.
"""

import json
import threading
import time

from oslo_log import log as logging

from nova import conf as nova_conf
from nova import exception
from nova.states import power_state
from nova.virt import fake_vifs

CONF = nova_conf.CONF
LOG = logging.getLogger(__name__)


def read_attr(obj, name):
    """obj.<name>, or None when it is missing or cannot be loaded.

    Versioned objects raise other errors than AttributeError for fields
    that were never set, so anything going wrong counts as "missing".
    """
    try:
        return getattr(obj, name, None)
    except Exception:
        return None


class FakeMoveSteps:
    """Live migration, resize and cold migration between fake hosts."""

    # ------------------------------------------------------------------
    # Live migration: the guest record travels in migrate_data
    # ------------------------------------------------------------------
    def check_can_live_migrate_destination(self, context, instance,
                                           src_compute_info,
                                           dst_compute_info,
                                           block_migration=False,
                                           disk_over_commit=False):
        # Fake hosts share no storage: "auto" means a block migration.
        return {'block_migration': (True if block_migration is None
                                    else bool(block_migration)),
                'disk_over_commit': bool(disk_over_commit),
                'dest_host': self._host}

    def check_can_live_migrate_source(self, context, instance,
                                      dest_check_data):
        with self._lock:
            self._get_record(instance)
            if instance.uuid in self._migrating:
                raise exception.MigrationPreCheckError(
                    reason='a live migration of the instance is already '
                           'running')
        return dict(dest_check_data or {}, source_host=self._host)

    def pre_live_migration(self, context, instance, block_device_info,
                           network_info, disk_info, migrate_data):
        with self._lock:
            self._ensure_loaded()
            if instance.uuid in self._guests:
                raise exception.InstanceExists(
                    name=self._guest_name(instance))
            node = self._node_for(instance)
        return dict(migrate_data or {}, dest_node=node)

    def live_migration(self, context, instance, dest, post_method,
                       recover_method, block_migration=False,
                       migrate_data=None, progress=None):
        migrate_data = dict(migrate_data or {})
        state = _LiveMigration()
        with self._lock:
            self._migrating[instance.uuid] = state
        try:
            record = self._copy_guest(instance, dest, block_migration,
                                      state, progress)
        except Exception as exc:
            LOG.info('Fake live migration of %s to %s stopped: %s',
                     instance.uuid, dest, exc)
            with self._lock:
                self._migrating.pop(instance.uuid, None)
            recover_method(context, instance, dest, migrate_data, exc)
            return
        with self._lock:
            self._migrating.pop(instance.uuid, None)
        migrate_data['fake_guest'] = record
        post_method(context, instance, dest, block_migration, migrate_data)

    def _copy_guest(self, instance, dest, block_migration, state,
                    progress):
        """Imitate the copy: CONF.fake.live_migration_seconds of work,
        reported as progress, cut short by force complete or abort."""
        with self._lock:
            record = json.loads(json.dumps(self._get_record(instance)))
        memory = record['memory_mb'] * 1024 * 1024
        disk = ((record['root_gb'] + record['ephemeral_gb']) * 1024 ** 3
                if block_migration else 0)
        failing = set(CONF.fake.fail_live_migration_images)
        fails = bool(failing.intersection(
            {record.get('image_ref'), record.get('image_name')} - {None}))
        duration = CONF.fake.live_migration_seconds
        started = time.monotonic()
        while True:
            if state.aborted.is_set():
                raise exception.LiveMigrationAborted(
                    instance_uuid=instance.uuid)
            elapsed = time.monotonic() - started
            done = 1.0 if (duration <= 0 or state.completing.is_set())\
                else min(elapsed / duration, 1.0)
            if fails and done >= 0.5:
                raise exception.LiveMigrationFailed(
                    instance_uuid=instance.uuid,
                    reason='image %s is listed in [fake] '
                           'fail_live_migration_images' % (
                               record.get('image_name') or
                               record.get('image_ref')))
            if progress is not None:
                try:
                    progress(memory_total=memory,
                             memory_processed=int(memory * done),
                             memory_remaining=memory - int(memory * done),
                             disk_total=disk,
                             disk_processed=int(disk * done),
                             disk_remaining=disk - int(disk * done))
                except Exception:
                    LOG.exception('Could not report live migration '
                                  'progress of %s', instance.uuid)
            if done >= 1.0:
                break
            state.wake.wait(min(0.5, max(duration / 10.0, 0.05)))
            state.wake.clear()
        self._log_console(record, 'live migrated from %s to %s%s' % (
            self._host, dest,
            ' (forced to complete)' if state.completing.is_set() else ''))
        return record

    def live_migration_force_complete(self, instance):
        with self._lock:
            state = self._migrating.get(instance.uuid)
        if state is None:
            raise exception.LiveMigrationNotRunning(
                instance_uuid=instance.uuid, host=self._host)
        state.completing.set()
        state.wake.set()

    def live_migration_abort(self, instance):
        with self._lock:
            state = self._migrating.get(instance.uuid)
        if state is None:
            raise exception.LiveMigrationNotRunning(
                instance_uuid=instance.uuid, host=self._host)
        state.aborted.set()
        state.wake.set()

    def post_live_migration(self, context, instance, block_device_info,
                            migrate_data=None):
        # The guest runs on the destination now: forget it here.
        self.destroy(context, instance, [])

    def post_live_migration_at_destination(self, context, instance,
                                           network_info,
                                           block_migration=False,
                                           block_device_info=None,
                                           migrate_data=None):
        migrated = (migrate_data or {}).get('fake_guest')
        if not migrated:
            raise exception.LiveMigrationFailed(
                instance_uuid=instance.uuid,
                reason='the source sent no guest to take over')
        with self._lock:
            self._ensure_loaded()
            if instance.uuid in self._guests:
                return
            record = dict(migrated, host=self._host,
                          node=self._node_for(instance))
            self._adopt_config_drive(record)
            record['vifs'] = fake_vifs.plug(self._host, network_info)
            self._log_console(record, 'running on %s' % record['node'])
            self._persist(record)
            self._guests[instance.uuid] = record
            self._count(record, 1)
        LOG.info('Fake guest %s taken over on node %s', instance.uuid,
                 record['node'])

    def rollback_live_migration_at_destination(self, context, instance,
                                               network_info,
                                               block_device_info,
                                               destroy_disks=True,
                                               migrate_data=None):
        # pre_live_migration() leaves nothing behind; only a guest that
        # was taken over before the failure needs removing.
        if (migrate_data or {}).get('fake_guest'):
            self.destroy(context, instance, [])

    # ------------------------------------------------------------------
    # Resize and cold migration
    # ------------------------------------------------------------------
    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   network_info, block_device_info=None,
                                   timeout=0, retry_interval=0):
        """Stop the guest and hand its record over as the "disk". The
        record stays here, powered off, until the move is confirmed (then
        deleted) or reverted (then started again); its sizes before the
        move are kept for a revert on the same host."""
        with self._lock:
            record = self._get_record(instance)
            record['power_state'] = power_state.SHUTDOWN
            record['resize_backup'] = {
                key: record[key] for key in ('node', 'vcpus', 'memory_mb',
                                             'root_gb', 'ephemeral_gb')}
            self._log_console(record, 'powered off to move to %s (flavor '
                              '%s)' % (dest, read_attr(flavor, 'name')))
            fake_vifs.unplug(self._host, record.get('vifs'))
            self._persist(record)
            return json.dumps(record)

    def finish_migration(self, context, migration, instance, disk_info,
                         network_info, image_meta, resize_instance,
                         allocations, block_device_info=None, power_on=True):
        """Run the guest from the handed-over record with the instance's
        (new) flavor on the instance's node of this host."""
        migrated = json.loads(disk_info) if disk_info else {}
        with self._lock:
            self._ensure_loaded()
            node = self._node_for(instance)
            record = self._guests.get(instance.uuid)
            if record is None:
                if not migrated:
                    raise exception.InstanceNotFoundOnHypervisor(
                        instance_id=instance.uuid)
                record = dict(migrated, host=self._host)
                record.pop('resize_backup', None)
                self._adopt_config_drive(record)
            else:
                self._count(record, -1)
            record.update(
                node=node, vcpus=self._size(instance, 'vcpus'),
                memory_mb=self._size(instance, 'memory_mb'),
                root_gb=self._size(instance, 'root_gb'),
                ephemeral_gb=self._size(instance, 'ephemeral_gb'),
                power_state=(power_state.RUNNING if power_on
                             else power_state.SHUTDOWN))
            self._log_console(record, 'moved to %s with %d vcpus, %d MB' % (
                node, record['vcpus'], record['memory_mb']))
            record['vifs'] = fake_vifs.plug(self._host, network_info)
            self._persist(record)
            self._guests[instance.uuid] = record
            self._count(record, 1)
        LOG.info('Fake guest %s finished its move onto node %s',
                 instance.uuid, node)

    def confirm_migration(self, context, migration, instance, network_info):
        """The move is kept: forget the source's copy (on the same host,
        only the sizes kept for a revert)."""
        with self._lock:
            self._ensure_loaded()
            record = self._guests.get(instance.uuid)
            if record is None:
                return
            same_host = (read_attr(migration, 'source_compute') ==
                         read_attr(migration, 'dest_compute'))
            if same_host:
                record.pop('resize_backup', None)
                self._persist(record)
                return
        self.destroy(context, instance, network_info)

    def finish_revert_migration(self, context, instance, network_info,
                                migration, block_device_info=None,
                                power_on=True):
        """Start the source's copy again with its sizes before the move."""
        with self._lock:
            record = self._get_record(instance)
            backup = record.pop('resize_backup', None)
            if backup:
                self._count(record, -1)
                record.update(backup)
                self._count(record, 1)
            record['power_state'] = (power_state.RUNNING if power_on
                                     else power_state.SHUTDOWN)
            self._log_console(record, 'move reverted')
            record['vifs'] = fake_vifs.plug(self._host, network_info)
            self._persist(record)


class _LiveMigration:
    """Signals to a live migration running in FakeDriver.live_migration."""

    def __init__(self):
        self.aborted = threading.Event()
        self.completing = threading.Event()
        self.wake = threading.Event()

"""Live migration on the compute hosts.

The conductor has chosen and claimed the destination and parked the
instance's source allocation on the migration record (see
nova/conductor/tasks/live_migrate.py). Then:

1. destination: check_can_live_migrate_destination (RPC call from the
   conductor), which asks the source check_can_live_migrate_source;
2. source: live_migration (cast): the migration goes 'preparing', the
   destination runs pre_live_migration (call), the migration goes
   'running' and the driver copies the guest, reporting progress into the
   migration's memory_*/disk_* fields;
3. on success (the driver calls back _post): the destination takes the
   guest over in post_live_migration_at_destination (call) and switches
   instance.host/node to itself, the source removes its copy, frees the
   allocation the migration held and marks the migration 'completed';
4. on failure or abort (the driver calls back _rollback): the guest keeps
   running on the source, the destination forgets it, the instance's
   allocation goes back to the source, the task_state is cleared and the
   migration ends 'error' (or 'cancelled' when aborted).

The server's ports move with the switch-over. With Neutron's
binding-extended extension, pre_live_migration gives each port an inactive
binding on the destination (migrate_data records that it did, under
PORT_BINDINGS); the source activates those bindings in step 3 before
the destination takes the guest over, and a rollback re-activates the
source's bindings if they had been switched, else deletes the
destination's. Without the extension the source points the ports at the
destination in step 3 (and back on a rollback). Either way the
destination's driver gets the refreshed network info to plug.

Force complete and abort reach the source host while step 2 runs; the
requests are noted in LiveMigrations so that one arriving before the copy
started still takes effect.
"""

import threading
import time

from oslo_log import log as logging

from nova.compute import events
from nova.compute import power
from nova import exception
from nova.notifications.instance import notify_action
from nova import objects
from nova.states import task_states

LOG = logging.getLogger(__name__)

# Seconds between two saves of the migration's progress.
PROGRESS_SAVE_INTERVAL = 1.0
# Statuses in which an abort stops the migration before the copy.
QUEUED_STATUSES = ('queued', 'preparing')
# migrate_data key: the destination made inactive port bindings.
PORT_BINDINGS = 'port_bindings_on_dest'


class LiveMigrations:
    """The live migrations leaving this host, and the abort / force
    complete requests made for them."""

    def __init__(self):
        self._lock = threading.Lock()
        # instance uuid -> {'abort': bool, 'complete': bool}
        self._requests = {}

    def start(self, instance_uuid):
        with self._lock:
            self._requests[instance_uuid] = {'abort': False,
                                             'complete': False}

    def finish(self, instance_uuid):
        with self._lock:
            self._requests.pop(instance_uuid, None)

    def request(self, instance_uuid, what):
        """Note an 'abort' or 'complete' request; False when no live
        migration of the instance runs here."""
        with self._lock:
            state = self._requests.get(instance_uuid)
            if state is None:
                return False
            state[what] = True
            return True

    def requested(self, instance_uuid, what):
        with self._lock:
            return bool((self._requests.get(instance_uuid) or {}).get(what))


def _save_migration(migration, status=None):
    if status is not None:
        migration.status = status
    try:
        migration.save()
    except Exception:
        LOG.exception('Could not save migration %s', migration.uuid)


def _compute_info(context, host, node):
    """What the drivers compare: the node record as a dict."""
    try:
        cn = objects.ComputeNode.get_by_host_and_nodename(context, host,
                                                          node)
    except exception.NotFound:
        return {}
    return {'host': host, 'hypervisor_hostname': node,
            'hypervisor_type': cn.hypervisor_type,
            'hypervisor_version': cn.hypervisor_version,
            'cpu_info': cn.cpu_info}


# ----------------------------------------------------------------------
# Checks (conductor -> destination -> source)
# ----------------------------------------------------------------------
def check_can_live_migrate_destination(compute, context, instance,
                                       block_migration, disk_over_commit,
                                       migration=None):
    with events.instance_event(context, instance,
                               'compute_check_can_live_migrate_destination',
                               compute.host):
        dest_node = migration.dest_node if migration is not None else None
        src_info = _compute_info(context, instance.host, instance.node)
        dst_info = _compute_info(context, compute.host, dest_node) \
            if dest_node else {}
        dest_check = compute.driver.check_can_live_migrate_destination(
            context, instance, src_info, dst_info, block_migration,
            disk_over_commit)
        if dest_node:
            dest_check['dest_node'] = dest_node
        return compute.compute_rpcapi.check_can_live_migrate_source(
            context, instance, dest_check)


def check_can_live_migrate_source(compute, context, instance,
                                  dest_check_data):
    with events.instance_event(context, instance,
                               'compute_check_can_live_migrate_source',
                               compute.host):
        return compute.driver.check_can_live_migrate_source(
            context, instance, dest_check_data)


# ----------------------------------------------------------------------
# Destination steps
# ----------------------------------------------------------------------
def _on_node(instance, node):
    """A copy of the instance placed on ``node`` for the driver."""
    copy = instance.obj_clone()
    if node:
        copy.node = node
    return copy


def pre_live_migration(compute, context, instance, migrate_data):
    with events.instance_event(context, instance,
                               'compute_pre_live_migration', compute.host):
        notify_action(context, instance, compute.host, 'live_migration_pre',
                      'start')
        bindings = False
        try:
            network_info = compute.network_api.get_instance_nw_info(
                context, instance)
            if compute.network_api.has_port_binding_extension(context):
                compute.network_api.create_inactive_bindings(
                    context, instance, compute.host)
                bindings = True
            data = compute.driver.pre_live_migration(
                context, _on_node(instance, migrate_data.get('dest_node')),
                None, network_info or [], None, migrate_data)
        except Exception as exc:
            if bindings:
                _delete_dest_bindings(compute, context, instance,
                                      compute.host)
            notify_action(context, instance, compute.host,
                          'live_migration_pre', 'error', exception=exc)
            raise
        data = dict(data or {})
        data[PORT_BINDINGS] = bindings
        notify_action(context, instance, compute.host, 'live_migration_pre',
                      'end')
        return data


def _delete_dest_bindings(compute, context, instance, dest):
    try:
        compute.network_api.delete_bindings(context, instance, dest)
    except Exception:
        LOG.exception('Could not delete the port bindings made on %s',
                      dest, instance_uuid=instance.uuid)


def post_live_migration_at_destination(compute, context, instance,
                                       block_migration, migrate_data):
    with events.instance_event(
            context, instance, 'compute_post_live_migration_at_destination',
            compute.host):
        notify_action(context, instance, compute.host,
                      'live_migration_post_dest', 'start')
        with compute.locks.hold(instance.uuid):
            node = migrate_data.get('dest_node') or instance.node
            instance.host = compute.host
            instance.node = node
            # The source switched the ports over and sent the instance
            # with the refreshed cache.
            network_info = compute.network_api.get_instance_nw_info(
                context, instance)
            compute.driver.post_live_migration_at_destination(
                context, instance, network_info or [], block_migration,
                None, migrate_data)
            compute.rt.instance_claim(instance, node)
            compute.rt.finish_claim(instance)
            instance.power_state = power.current_power_state(compute,
                                                             instance)
            instance.task_state = None
            instance.save(expected_task_state=[task_states.MIGRATING])
        compute.tell_schedulers_built(context, instance)
        notify_action(context, instance, compute.host,
                      'live_migration_post_dest', 'end')
        LOG.info('Instance live migrated here, node %s', node,
                 instance_uuid=instance.uuid)


def rollback_live_migration_at_destination(compute, context, instance,
                                           migrate_data):
    with events.instance_event(
            context, instance,
            'compute_rollback_live_migration_at_destination', compute.host):
        notify_action(context, instance, compute.host,
                      'live_migration_rollback_dest', 'start')
        compute.driver.rollback_live_migration_at_destination(
            context, _on_node(instance, (migrate_data or {}).get(
                'dest_node')), [], None, migrate_data=migrate_data)
        notify_action(context, instance, compute.host,
                      'live_migration_rollback_dest', 'end')


# ----------------------------------------------------------------------
# Source: the migration itself
# ----------------------------------------------------------------------
class _Run:
    """One live migration leaving this host."""

    def __init__(self, compute, context, instance, dest, block_migration,
                 migration, migrate_data):
        self.compute = compute
        self.context = context
        self.instance = instance
        self.dest = dest
        self.block_migration = block_migration
        self.migration = migration
        self.migrate_data = dict(migrate_data or {})
        self.tracker = compute.live_migrations
        self._saved_at = 0.0
        self._forwarded = set()
        self.error = None
        # The ports were switched to the destination (see _switch_ports).
        self.ports_switched = False

    def execute(self):
        compute = self.compute
        instance, migration = self.instance, self.migration
        uuid = instance.uuid
        self.tracker.start(uuid)
        try:
            _save_migration(migration, 'preparing')
            try:
                self.migrate_data = compute.compute_rpcapi.pre_live_migration(
                    self.context, instance, self.dest, self.migrate_data)
            except Exception as exc:
                LOG.error('pre_live_migration on %s failed: %s', self.dest,
                          exc, instance_uuid=uuid)
                self._rollback(self.context, instance, self.dest,
                               self.migrate_data, exc)
                return
            if self.tracker.requested(uuid, 'abort'):
                self._rollback(self.context, instance, self.dest,
                               self.migrate_data,
                               exception.LiveMigrationAborted(
                                   instance_uuid=uuid))
                return
            _save_migration(migration, 'running')
            compute.driver.live_migration(
                self.context, instance, self.dest, self._post,
                self._rollback, self.block_migration, self.migrate_data,
                progress=self._progress)
        finally:
            self.tracker.finish(uuid)

    def _progress(self, **amounts):
        uuid = self.instance.uuid
        # Requests that came before the driver could take them.
        for what, call in (
                ('abort', self.compute.driver.live_migration_abort),
                ('complete',
                 self.compute.driver.live_migration_force_complete)):
            if what not in self._forwarded and \
                    self.tracker.requested(uuid, what):
                self._forwarded.add(what)
                try:
                    call(self.instance)
                except exception.LiveMigrationNotRunning:
                    pass
        now = time.monotonic()
        finished = amounts.get('memory_remaining') == 0 and \
            amounts.get('disk_remaining') == 0
        if not finished and now - self._saved_at < PROGRESS_SAVE_INTERVAL:
            return
        self._saved_at = now
        for field, value in amounts.items():
            setattr(self.migration, field, value)
        _save_migration(self.migration)

    def _post(self, context, instance, dest, block_migration, migrate_data):
        compute = self.compute
        notify_action(context, instance, compute.host, 'live_migration_post',
                      'start')
        try:
            self._switch_ports(context, instance, dest, migrate_data)
            compute.compute_rpcapi.post_live_migration_at_destination(
                context, instance, block_migration, dest, migrate_data)
        except Exception as exc:
            LOG.exception('The destination %s could not take the guest '
                          'over', dest, instance_uuid=instance.uuid)
            notify_action(context, instance, compute.host,
                          'live_migration_post', 'error', exception=exc)
            self._rollback(context, instance, dest, migrate_data, exc)
            return
        try:
            compute.driver.post_live_migration(context, instance, None,
                                               migrate_data)
        except Exception:
            LOG.exception('Could not remove the migrated guest from this '
                          'host', instance_uuid=instance.uuid)
        try:
            compute.reportclient.delete_allocation_for_instance(
                context, self.migration.uuid)
        except Exception:
            LOG.exception('Could not free the source allocation held by '
                          'migration %s', self.migration.uuid,
                          instance_uuid=instance.uuid)
        _save_migration(self.migration, 'completed')
        compute.rt.release(instance)
        compute.tell_schedulers_deleted(context, instance.uuid)
        instance.host = dest
        notify_action(context, instance, compute.host, 'live_migration_post',
                      'end')
        LOG.info('Live migration to %s completed', dest,
                 instance_uuid=instance.uuid)

    def _switch_ports(self, context, instance, dest, migrate_data):
        """Make the destination's port bindings the active ones; stores
        the refreshed network info in the instance sent to the
        destination."""
        network_api = self.compute.network_api
        self.ports_switched = True
        if (migrate_data or {}).get(PORT_BINDINGS):
            network_api.activate_bindings(context, instance, dest,
                                          source=self.compute.host)
        else:
            network_api.bind_ports_to_host(context, instance, dest)

    def _restore_ports(self, context, instance, dest, migrate_data):
        """The guest stays here: so do the ports. Bindings switched to
        the destination come back; inactive ones made there go."""
        network_api = self.compute.network_api
        bindings = (migrate_data or {}).get(PORT_BINDINGS)
        try:
            if self.ports_switched and bindings:
                # Also drops the destination's bindings.
                network_api.activate_bindings(context, instance,
                                              self.compute.host,
                                              source=dest)
            elif self.ports_switched:
                network_api.bind_ports_to_host(context, instance,
                                               self.compute.host)
            elif bindings:
                network_api.delete_bindings(context, instance, dest)
        except Exception:
            LOG.exception('Could not give the ports back to this host after '
                          'the failed live migration to %s', dest,
                          instance_uuid=instance.uuid)

    def _rollback(self, context, instance, dest, migrate_data, exc):
        compute = self.compute
        aborted = isinstance(exc, exception.LiveMigrationAborted)
        self.error = None if aborted else exc
        notify_action(context, instance, compute.host,
                      'live_migration_rollback', 'start')
        try:
            compute.compute_rpcapi.rollback_live_migration_at_destination(
                context, instance, dest, migrate_data)
        except Exception:
            LOG.exception('Could not ask %s to forget the guest', dest,
                          instance_uuid=instance.uuid)
        self._restore_ports(context, instance, dest, migrate_data)
        try:
            if not compute.reportclient.move_allocations(
                    context, self.migration.uuid, instance.uuid):
                LOG.error('Placement kept refusing to hand the source '
                          'allocation back from migration %s',
                          self.migration.uuid, instance_uuid=instance.uuid)
        except Exception:
            LOG.exception('Could not hand the source allocation back from '
                          'migration %s', self.migration.uuid,
                          instance_uuid=instance.uuid)
        if not aborted:
            try:
                objects.InstanceFault.from_exception(
                    context, instance.uuid, exc, compute.host).create()
            except Exception:
                LOG.exception('Could not record the fault',
                              instance_uuid=instance.uuid)
        instance.task_state = None
        try:
            instance.save(expected_task_state=[task_states.MIGRATING])
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            LOG.info('Instance deleted or changed during the live '
                     'migration', instance_uuid=instance.uuid)
        _save_migration(self.migration, 'cancelled' if aborted else 'error')
        notify_action(context, instance, compute.host,
                      'live_migration_rollback', 'end')
        LOG.warning('Live migration to %s %s; the instance stays here',
                    dest, 'aborted' if aborted else 'failed: %s' % exc,
                    instance_uuid=instance.uuid)


def live_migration(compute, context, instance, dest, block_migration,
                   migration, migrate_data):
    """Run the whole migration (this is a cast: the caller is gone)."""
    with events.instance_event(context, instance, 'compute_live_migration',
                               compute.host):
        run = _Run(compute, context, instance, dest, block_migration,
                   migration, migrate_data)
        run.execute()
        if run.error is not None:
            # Marks the event failed; the rollback is already done.
            raise exception.LiveMigrationFailed(
                instance_uuid=instance.uuid, reason=str(run.error))


def live_migration_force_complete(compute, context, instance):
    with events.instance_event(context, instance,
                               'compute_live_migration_force_complete',
                               compute.host):
        notify_action(context, instance, compute.host,
                      'live_migration_force_complete', 'start')
        if not compute.live_migrations.request(instance.uuid, 'complete'):
            raise exception.LiveMigrationNotRunning(
                instance_uuid=instance.uuid, host=compute.host)
        try:
            compute.driver.live_migration_force_complete(instance)
        except exception.LiveMigrationNotRunning:
            # The copy has not started: it completes at once when it does.
            pass
        notify_action(context, instance, compute.host,
                      'live_migration_force_complete', 'end')


def live_migration_abort(compute, context, instance, migration_id):
    with events.instance_event(context, instance,
                               'compute_live_migration_abort', compute.host):
        notify_action(context, instance, compute.host,
                      'live_migration_abort', 'start')
        if not compute.live_migrations.request(instance.uuid, 'abort'):
            raise exception.LiveMigrationNotRunning(
                instance_uuid=instance.uuid, host=compute.host)
        try:
            compute.driver.live_migration_abort(instance)
        except exception.LiveMigrationNotRunning:
            # Still preparing: execute() sees the request before the copy.
            pass
        notify_action(context, instance, compute.host,
                      'live_migration_abort', 'end')
        LOG.info('Abort of live migration %s requested', migration_id,
                 instance_uuid=instance.uuid)

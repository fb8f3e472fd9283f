"""Bringing the database and the hypervisor back in line when
nova-compute starts.

Guests outlive nova-compute (the fake driver keeps them on disk, a real
hypervisor keeps running them), and so does work that a restart cut
short. For every instance the cell database places on this host:

- task_state deleting: the delete is finished;
- still building (no task or a build task, vm_state building): the build
  cannot resume; a half-built guest is destroyed and the instance goes to
  ERROR with a fault saying the host restarted during the build;
- a power action in flight: its task_state is cleared and the vm_state
  follows the guest's power state;
- otherwise power_state is taken from the hypervisor.

Guests evacuated to another host while this one was down are destroyed
first (evacuate.cleanup_evacuated). Guests with no live instance on this
host (deleted while the host was down, or unknown) are destroyed; a
guest whose instance lives on another host is left alone with a
warning.
"""

from oslo_log import log as logging

from nova.compute import delete
from nova.compute import evacuate
from nova.compute import power
from nova import exception
from nova import objects
from nova.states import power_state
from nova.states import task_states
from nova.states import vm_states

LOG = logging.getLogger(__name__)

_BUILD_TASKS = (None, task_states.SCHEDULING, task_states.NETWORKING,
                task_states.BLOCK_DEVICE_MAPPING, task_states.SPAWNING)
_POWER_TASKS = (task_states.POWERING_OFF, task_states.POWERING_ON) + \
    task_states.SOFT_REBOOT_TASKS + task_states.HARD_REBOOT_TASKS


class RestartedDuringBuild(exception.NovaException):
    msg_fmt = 'Compute host %(host)s restarted during the build.'


def reconcile_host(compute, context, instances):
    """Apply the rules of the module doc; ``instances`` is the
    InstanceList of this host."""
    # Guests evacuated away while this host was down go first.
    evacuate.cleanup_evacuated(compute, context)
    guests = set(compute.driver.list_instance_uuids())
    known = set()
    for instance in instances:
        known.add(instance.uuid)
        try:
            _reconcile_instance(compute, context, instance,
                                instance.uuid in guests)
        except Exception:
            LOG.exception('Could not reconcile instance at start-up',
                          instance_uuid=instance.uuid)
    for uuid in guests - known:
        try:
            _reconcile_orphan_guest(compute, context, uuid)
        except Exception:
            LOG.exception('Could not reconcile guest at start-up',
                          instance_uuid=uuid)


def _reconcile_instance(compute, context, instance, has_guest):
    if instance.task_state == task_states.DELETING:
        LOG.info('Finishing a delete interrupted by a restart',
                 instance_uuid=instance.uuid)
        delete.finish(compute, context, instance)
        return
    if instance.vm_state == vm_states.BUILDING and \
            instance.task_state in _BUILD_TASKS:
        _fail_interrupted_build(compute, context, instance, has_guest)
        return
    state = (power.current_power_state(compute, instance) if has_guest
             else power_state.NOSTATE)
    if instance.task_state in _POWER_TASKS:
        LOG.info('Clearing task %s interrupted by a restart',
                 instance.task_state, instance_uuid=instance.uuid)
        instance.task_state = None
        if state == power_state.RUNNING:
            instance.vm_state = vm_states.ACTIVE
        elif state == power_state.SHUTDOWN:
            instance.vm_state = vm_states.STOPPED
    if not has_guest and instance.vm_state not in (vm_states.ERROR,
                                                   vm_states.BUILDING):
        LOG.warning('Instance has no guest on this host',
                    instance_uuid=instance.uuid)
    if state != instance.power_state:
        instance.power_state = state
    if instance.obj_what_changed():
        instance.save()


def _fail_interrupted_build(compute, context, instance, has_guest):
    LOG.warning('Build interrupted by a restart; setting the instance to '
                'ERROR', instance_uuid=instance.uuid)
    if has_guest:
        compute.driver.destroy(context, instance, [])
    exc = RestartedDuringBuild(host=compute.host)
    objects.InstanceFault.from_exception(context, instance.uuid, exc,
                                         compute.host).create()
    instance.vm_state = vm_states.ERROR
    instance.task_state = None
    instance.power_state = power_state.NOSTATE
    instance.save()


class _GuestRef:
    """Enough of an instance for driver.destroy() of an orphan guest."""

    def __init__(self, uuid):
        self.uuid = uuid
        self.host = None
        self.node = None


def _reconcile_orphan_guest(compute, context, uuid):
    try:
        instance = objects.Instance.get_by_uuid(
            context.elevated(read_deleted='yes'), uuid)
    except exception.InstanceNotFound:
        instance = None
    if instance is not None and not instance.deleted and \
            instance.host and instance.host != compute.host:
        LOG.warning('Guest found for an instance that lives on host %s; '
                    'leaving it', instance.host, instance_uuid=uuid)
        return
    LOG.info('Destroying guest of a deleted or unknown instance',
             instance_uuid=uuid)
    compute.driver.destroy(context, instance or _GuestRef(uuid), [])

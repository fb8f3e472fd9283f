"""The steps every move task (cold migrate and resize, live migration,
evacuation) takes when it fails before the compute hosts take over: give
the source allocation parked on the migration back to the instance, mark
the migration failed, record the fault and clear the task state. Each
step is logged and skipped when it fails, so that one broken step does
not keep the others from running.
"""

from oslo_log import log as logging

from nova import exception
from nova import objects

LOG = logging.getLogger(__name__)


def reason(exc):
    """What went wrong, in one line: str() of an error raised across RPC
    (e.g. NoValidHost from the scheduler) carries the remote traceback."""
    if isinstance(exc, exception.NovaException):
        return exc.format_message()
    return str(exc)


def unpark_allocation(context, placement, migration, instance):
    """Move the allocation parked on ``migration`` back to ``instance``."""
    try:
        if not placement.move_allocations(context, migration.uuid,
                                          instance.uuid):
            LOG.error('Could not give the allocations of migration %s back '
                      'to the instance', migration.uuid,
                      instance_uuid=instance.uuid)
    except Exception:
        LOG.exception('Could not give the allocations of migration %s back '
                      'to the instance', migration.uuid,
                      instance_uuid=instance.uuid)


def fail_migration(migration):
    try:
        migration.status = 'error'
        migration.save()
    except Exception:
        LOG.exception('Could not mark migration %s failed', migration.uuid)


def record_fault(context, instance, exc):
    try:
        objects.InstanceFault.from_exception(context, instance.uuid,
                                             exc).create()
    except Exception:
        LOG.exception('Could not record the fault of the failed move',
                      instance_uuid=instance.uuid)


def clear_task_state(instance, expected_task_state):
    """Clear the task the move set, unless the instance was deleted or
    another action took it over meanwhile."""
    instance.task_state = None
    try:
        instance.save(expected_task_state=[expected_task_state])
    except (exception.InstanceNotFound, exception.InstanceInvalidState):
        LOG.info('Instance deleted or changed while its move was being '
                 'prepared', instance_uuid=instance.uuid)
    except Exception:
        LOG.exception('Could not clear the task of the instance',
                      instance_uuid=instance.uuid)

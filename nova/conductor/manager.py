"""RPC endpoints of nova-conductor."""

import oslo_messaging as messaging
from oslo_log import log as logging

from nova.conductor.tasks import build
from nova.conductor.tasks import reschedule
from nova import exception
from nova.objects import base as obj_base

LOG = logging.getLogger(__name__)


class ConductorManager:
    """Runs remotable object methods for the services without a database.

    The reply to an instance method carries the fields that changed, so
    the caller's copy of the object ends up as the conductor left it.
    """

    target = messaging.Target(version='1.0')

    def ping(self, context):
        return 'pong'

    # Nova's own errors (not found, conflict, ...) are answers, not
    # failures of the conductor: they go back to the caller unlogged.
    @messaging.expected_exceptions(exception.NovaException)
    def object_class_action_versions(self, context, objname, objmethod,
                                     object_versions, args, kwargs):
        with obj_base.direct_db_access():
            return self._object_class_action(context, objname, objmethod,
                                             object_versions, args, kwargs)

    def _object_class_action(self, context, objname, objmethod,
                             object_versions, args, kwargs):
        objclass = obj_base.NovaObject.obj_class_from_name(
            objname, object_versions[objname])
        result = getattr(objclass, objmethod)(context, *args, **kwargs)
        if isinstance(result, obj_base.NovaObject):
            wanted = object_versions.get(result.obj_name())
            if wanted and wanted != result.VERSION:
                return result.obj_to_primitive(
                    target_version=wanted, version_manifest=object_versions)
        return result

    @messaging.expected_exceptions(exception.NovaException)
    def object_action(self, context, objinst, objmethod, args, kwargs):
        with obj_base.direct_db_access():
            return self._object_action(context, objinst, objmethod, args,
                                       kwargs)

    def _object_action(self, context, objinst, objmethod, args, kwargs):
        before = objinst.obj_clone()
        result = getattr(objinst, objmethod)(*args, **kwargs)
        updates = {}
        for name, field in objinst.fields.items():
            if not objinst.obj_attr_is_set(name):
                continue
            value = getattr(objinst, name)
            if (not before.obj_attr_is_set(name) or
                    getattr(before, name) != value):
                updates[name] = field.to_primitive(objinst, name, value)
        updates['obj_what_changed'] = sorted(objinst.obj_what_changed())
        return updates, result

    def object_backport_versions(self, context, objinst, object_versions):
        target = object_versions[objinst.obj_name()]
        return objinst.obj_to_primitive(target_version=target,
                                        version_manifest=object_versions)


class ComputeTaskManager:
    """Orchestration of multi-step work (namespace ``compute_task``)."""

    target = messaging.Target(namespace='compute_task', version='1.2')

    def __init__(self):
        from nova.scheduler import rpcapi as scheduler_rpcapi
        from nova.scheduler.client import report
        from nova.compute import rpcapi as compute_rpcapi
        self.scheduler = scheduler_rpcapi.SchedulerAPI()
        self.compute = compute_rpcapi.ComputeAPI()
        self.placement = report.get_client()

    def build_instances(self, context, instance, image, request_spec,
                        filter_properties, admin_password, injected_files,
                        requested_networks, host_list):
        with obj_base.direct_db_access():
            reschedule.RescheduleTask(
                context, self.compute, self.placement, instance, image,
                request_spec, filter_properties, admin_password,
                injected_files, requested_networks, host_list).execute()

    def schedule_and_build_instances(self, context, build_requests,
                                     request_specs, image, admin_password,
                                     injected_files, requested_networks,
                                     block_device_mapping=None, tags=None):
        with obj_base.direct_db_access():
            self._schedule_and_build(context, build_requests, request_specs,
                                     image, admin_password, injected_files,
                                     requested_networks)

    def _schedule_and_build(self, context, build_requests, request_specs,
                            image, admin_password, injected_files,
                            requested_networks):
        build.BuildTask(context, self.scheduler, self.compute,
                        build_requests, request_specs, image,
                        admin_password, injected_files,
                        requested_networks,
                        placement=self.placement).execute()

    def unshelve_instance(self, context, instance, request_spec=None):
        from nova.conductor.tasks import unshelve
        with obj_base.direct_db_access():
            unshelve.UnshelveTask(context, self.scheduler, self.compute,
                                  self.placement, instance,
                                  request_spec).execute()

    @messaging.expected_exceptions(exception.NoValidHost,
                                   exception.NovaException)
    def migrate_server(self, context, instance, flavor, clean_shutdown=True,
                       host_name=None):
        from nova.conductor.tasks import migrate
        with obj_base.direct_db_access():
            migrate.MigrationTask(context, self.scheduler, self.compute,
                                  self.placement, instance, flavor,
                                  clean_shutdown=clean_shutdown,
                                  host_name=host_name).execute()

    # The task logs its failure in one line and records it as the
    # instance's fault; a traceback would say nothing more.
    @messaging.expected_exceptions(exception.NovaException)
    def live_migrate_instance(self, context, instance, host,
                              block_migration, disk_over_commit,
                              force=False):
        from nova.conductor.tasks import live_migrate
        with obj_base.direct_db_access():
            live_migrate.LiveMigrationTask(
                context, self.scheduler, self.compute, self.placement,
                instance, host, block_migration, disk_over_commit,
                force=force).execute()

    # The task logs its failure in one line and records it as the
    # instance's fault; a traceback would say nothing more.
    @messaging.expected_exceptions(exception.NovaException)
    def evacuate_instance(self, context, instance, migration, host, image,
                          admin_password, force=False, target_state=None,
                          on_shared_storage=None):
        from nova.conductor.tasks import evacuate
        with obj_base.direct_db_access():
            evacuate.EvacuateTask(
                context, self.scheduler, self.compute, self.placement,
                instance, migration, host, image, admin_password,
                force=force, target_state=target_state,
                on_shared_storage=on_shared_storage).execute()

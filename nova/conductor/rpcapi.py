"""RPC client of nova-conductor: the whole wire protocol of its topic.

Two interfaces share the ``conductor`` topic:
- ConductorAPI (default namespace): versioned-object indirection, so that
  remotable object methods called elsewhere run in the conductor;
- ComputeTaskAPI (namespace ``compute_task``): multi-step orchestration.

API version history:
  1.0 - Initial version.
  ComputeTaskAPI 1.1 - build_instances (reschedule to an alternate host).
  ComputeTaskAPI 1.2 - migrate_server, live_migrate_instance,
        evacuate_instance, unshelve_instance.
"""

import oslo_messaging as messaging

import nova.conf
from nova import rpc

CONF = nova.conf.CONF

TOPIC = 'conductor'


class ConductorAPI:
    VERSION = '1.0'

    def __init__(self):
        target = messaging.Target(topic=TOPIC, version=self.VERSION)
        self.client = rpc.get_client(
            target, version_cap=CONF.upgrade_levels.conductor)

    def ping(self, context, timeout=None):
        cctxt = self.client.prepare(timeout=timeout)
        return cctxt.call(context, 'ping')

    def object_class_action_versions(self, context, objname, objmethod,
                                     object_versions, args, kwargs):
        cctxt = self.client.prepare()
        return cctxt.call(context, 'object_class_action_versions',
                          objname=objname, objmethod=objmethod,
                          object_versions=object_versions,
                          args=args, kwargs=kwargs)

    def object_action(self, context, objinst, objmethod, args, kwargs):
        cctxt = self.client.prepare()
        return cctxt.call(context, 'object_action', objinst=objinst,
                          objmethod=objmethod, args=args, kwargs=kwargs)

    def object_backport_versions(self, context, objinst, object_versions):
        cctxt = self.client.prepare()
        return cctxt.call(context, 'object_backport_versions',
                          objinst=objinst, object_versions=object_versions)


class ComputeTaskAPI:
    VERSION = '1.2'

    def __init__(self):
        target = messaging.Target(topic=TOPIC, namespace='compute_task',
                                  version=self.VERSION)
        self.client = rpc.get_client(
            target, version_cap=CONF.upgrade_levels.conductor)

    def schedule_and_build_instances(self, context, build_requests,
                                     request_specs, image, admin_password,
                                     injected_files, requested_networks,
                                     block_device_mapping=None, tags=None):
        cctxt = self.client.prepare()
        cctxt.cast(context, 'schedule_and_build_instances',
                   build_requests=build_requests,
                   request_specs=request_specs, image=image,
                   admin_password=admin_password,
                   injected_files=injected_files,
                   requested_networks=requested_networks,
                   block_device_mapping=block_device_mapping, tags=tags)

    def build_instances(self, context, instance, image, request_spec,
                        filter_properties, admin_password, injected_files,
                        requested_networks, host_list):
        """A build failed on a host: try the alternates of host_list."""
        cctxt = self.client.prepare(version='1.1')
        cctxt.cast(context, 'build_instances', instance=instance,
                   image=image, request_spec=request_spec,
                   filter_properties=filter_properties,
                   admin_password=admin_password,
                   injected_files=injected_files,
                   requested_networks=requested_networks,
                   host_list=host_list)

    def unshelve_instance(self, context, instance, request_spec=None):
        """Unshelve: power a shelved server on in place, or schedule an
        offloaded one and spawn it from its shelved image."""
        cctxt = self.client.prepare(version='1.2')
        cctxt.cast(context, 'unshelve_instance', instance=instance,
                   request_spec=request_spec)

    # Resize and cold migration.
    def migrate_server(self, context, instance, flavor, clean_shutdown=True,
                       host_name=None):
        """Create the migration, pick and claim the destination and cast
        prep_resize to it; a call, so NoValidHost reaches the API."""
        cctxt = self.client.prepare(version='1.2')
        return cctxt.call(context, 'migrate_server', instance=instance,
                          flavor=flavor, clean_shutdown=clean_shutdown,
                          host_name=host_name)

    # Live migration and evacuation.
    def live_migrate_instance(self, context, instance, host,
                              block_migration, disk_over_commit,
                              force=False):
        """Create the live-migration record, check and claim the
        destination (requested or scheduled) and start the migration on
        the source host."""
        cctxt = self.client.prepare(version='1.2')
        cctxt.cast(context, 'live_migrate_instance', instance=instance,
                   host=host, block_migration=block_migration,
                   disk_over_commit=disk_over_commit, force=force)

    def evacuate_instance(self, context, instance, migration, host,
                          image, admin_password, force=False,
                          target_state=None, on_shared_storage=None):
        """Pick and claim a destination for a server whose host is down
        and have it rebuilt there."""
        cctxt = self.client.prepare(version='1.2')
        cctxt.cast(context, 'evacuate_instance', instance=instance,
                   migration=migration, host=host, image=image,
                   admin_password=admin_password, force=force,
                   target_state=target_state,
                   on_shared_storage=on_shared_storage)

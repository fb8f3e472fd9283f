"""RPC client of nova-compute; each host listens on ``compute.<host>``.

API version history:
  1.0 - Initial version.
  1.1 - Server actions, moves, shelve, images, consoles;
        every method added then is sent at 1.1.
"""

import oslo_messaging as messaging

import nova.conf

from nova import rpc

CONF = nova.conf.CONF

TOPIC = 'compute'


class ComputeAPI:
    VERSION = '1.1'

    def __init__(self):
        target = messaging.Target(topic=TOPIC, version=self.VERSION)
        self.client = rpc.get_client(
            target, version_cap=CONF.upgrade_levels.compute)

    def _prepare(self, host, version=None, timeout=None):
        return self.client.prepare(server=host, version=version,
                                   timeout=timeout)

    def build_and_run_instance(self, context, instance, host, image,
                               request_spec, filter_properties,
                               admin_password=None, injected_files=None,
                               requested_networks=None, node=None,
                               host_list=None):
        self._prepare(host).cast(
            context, 'build_and_run_instance', instance=instance,
            image=image, request_spec=request_spec,
            filter_properties=filter_properties,
            admin_password=admin_password, injected_files=injected_files,
            requested_networks=requested_networks, node=node,
            host_list=host_list)

    def terminate_instance(self, context, instance):
        self._prepare(instance.host).cast(context, 'terminate_instance',
                                          instance=instance)

    def stop_instance(self, context, instance):
        self._prepare(instance.host).cast(context, 'stop_instance',
                                          instance=instance)

    def start_instance(self, context, instance):
        self._prepare(instance.host).cast(context, 'start_instance',
                                          instance=instance)

    def reboot_instance(self, context, instance, reboot_type):
        self._prepare(instance.host).cast(context, 'reboot_instance',
                                          instance=instance,
                                          reboot_type=reboot_type)

    def get_instance_power_state(self, context, instance):
        return self._prepare(instance.host).call(
            context, 'get_instance_power_state', instance=instance)

    # Basic server actions.
    def pause_instance(self, context, instance):
        self._prepare(instance.host, version='1.1').cast(
            context, 'pause_instance', instance=instance)

    def unpause_instance(self, context, instance):
        self._prepare(instance.host, version='1.1').cast(
            context, 'unpause_instance', instance=instance)

    def suspend_instance(self, context, instance):
        self._prepare(instance.host, version='1.1').cast(
            context, 'suspend_instance', instance=instance)

    def resume_instance(self, context, instance):
        self._prepare(instance.host, version='1.1').cast(
            context, 'resume_instance', instance=instance)

    def rescue_instance(self, context, instance, rescue_password=None,
                        rescue_image_ref=None, clean_shutdown=True):
        self._prepare(instance.host, version='1.1').cast(
            context, 'rescue_instance', instance=instance,
            rescue_password=rescue_password,
            rescue_image_ref=rescue_image_ref,
            clean_shutdown=clean_shutdown)

    def unrescue_instance(self, context, instance):
        self._prepare(instance.host, version='1.1').cast(
            context, 'unrescue_instance', instance=instance)

    def trigger_crash_dump(self, context, instance):
        self._prepare(instance.host, version='1.1').cast(
            context, 'trigger_crash_dump', instance=instance)

    def set_admin_password(self, context, instance, new_pass):
        # A call: the API reports a guest that refused the password.
        return self._prepare(instance.host, version='1.1').call(
            context, 'set_admin_password', instance=instance,
            new_pass=new_pass)

    def get_console_output(self, context, instance, tail_length=None):
        return self._prepare(instance.host, version='1.1').call(
            context, 'get_console_output', instance=instance,
            tail_length=tail_length)

    # Images, rebuild, shelve, soft delete.
    def snapshot_instance(self, context, instance, image_id):
        self._prepare(instance.host, version='1.1').cast(
            context, 'snapshot_instance', instance=instance,
            image_id=image_id)

    def backup_instance(self, context, instance, image_id, backup_type,
                        rotation):
        self._prepare(instance.host, version='1.1').cast(
            context, 'backup_instance', instance=instance, image_id=image_id,
            backup_type=backup_type, rotation=rotation)

    def rebuild_in_place(self, context, instance, new_pass, injected_files,
                         image_ref, orig_image_ref, orig_sys_metadata,
                         preserve_ephemeral=False):
        self._prepare(instance.host, version='1.1').cast(
            context, 'rebuild_in_place', instance=instance,
            new_pass=new_pass, injected_files=injected_files,
            image_ref=image_ref, orig_image_ref=orig_image_ref,
            orig_sys_metadata=orig_sys_metadata,
            preserve_ephemeral=preserve_ephemeral)

    def shelve_instance(self, context, instance, image_id,
                        clean_shutdown=True):
        self._prepare(instance.host, version='1.1').cast(
            context, 'shelve_instance', instance=instance, image_id=image_id,
            clean_shutdown=clean_shutdown)

    def shelve_offload_instance(self, context, instance,
                                clean_shutdown=True):
        self._prepare(instance.host, version='1.1').cast(
            context, 'shelve_offload_instance', instance=instance,
            clean_shutdown=clean_shutdown)

    def unshelve_instance(self, context, instance, host, image=None,
                          request_spec=None, node=None):
        self._prepare(host, version='1.1').cast(
            context, 'unshelve_instance', instance=instance, image=image,
            request_spec=request_spec, node=node)

    def soft_delete_instance(self, context, instance):
        self._prepare(instance.host, version='1.1').cast(
            context, 'soft_delete_instance', instance=instance)

    def restore_instance(self, context, instance):
        self._prepare(instance.host, version='1.1').cast(
            context, 'restore_instance', instance=instance)

    # Live migration and evacuation.
    def check_can_live_migrate_destination(self, context, instance, host,
                                           block_migration,
                                           disk_over_commit, migration=None):
        return self._prepare(host, version='1.1').call(
            context, 'check_can_live_migrate_destination',
            instance=instance, block_migration=block_migration,
            disk_over_commit=disk_over_commit, migration=migration)

    def check_can_live_migrate_source(self, context, instance,
                                      dest_check_data):
        return self._prepare(instance.host, version='1.1').call(
            context, 'check_can_live_migrate_source', instance=instance,
            dest_check_data=dest_check_data)

    def live_migration(self, context, instance, dest, block_migration,
                       migration, migrate_data):
        self._prepare(instance.host, version='1.1').cast(
            context, 'live_migration', instance=instance, dest=dest,
            block_migration=block_migration, migration=migration,
            migrate_data=migrate_data)

    def pre_live_migration(self, context, instance, host, migrate_data):
        return self._prepare(host, version='1.1').call(
            context, 'pre_live_migration', instance=instance,
            migrate_data=migrate_data)

    def post_live_migration_at_destination(self, context, instance,
                                           block_migration, host,
                                           migrate_data):
        return self._prepare(host, version='1.1').call(
            context, 'post_live_migration_at_destination',
            instance=instance, block_migration=block_migration,
            migrate_data=migrate_data)

    def rollback_live_migration_at_destination(self, context, instance,
                                               host, migrate_data):
        self._prepare(host, version='1.1').cast(
            context, 'rollback_live_migration_at_destination',
            instance=instance, migrate_data=migrate_data)

    def live_migration_force_complete(self, context, instance, migration):
        self._prepare(migration.source_compute, version='1.1').cast(
            context, 'live_migration_force_complete', instance=instance,
            migration=migration)

    def live_migration_abort(self, context, instance, migration_id):
        self._prepare(instance.host, version='1.1').cast(
            context, 'live_migration_abort', instance=instance,
            migration_id=migration_id)

    def evacuate_instance(self, context, instance, host, node, migration,
                          image, admin_password, target_state=None,
                          on_shared_storage=None):
        self._prepare(host, version='1.1').cast(
            context, 'evacuate_instance', instance=instance, node=node,
            migration=migration, image=image, admin_password=admin_password,
            target_state=target_state, on_shared_storage=on_shared_storage)

    # Resize and cold migration.
    def prep_resize(self, context, instance, flavor, migration, host, node,
                    request_spec=None, clean_shutdown=True):
        self._prepare(host, version='1.1').cast(
            context, 'prep_resize', instance=instance, flavor=flavor,
            migration=migration, node=node, request_spec=request_spec,
            clean_shutdown=clean_shutdown)

    def resize_instance(self, context, instance, flavor, migration,
                        clean_shutdown=True):
        self._prepare(migration.source_compute, version='1.1').cast(
            context, 'resize_instance', instance=instance, flavor=flavor,
            migration=migration, clean_shutdown=clean_shutdown)

    def finish_resize(self, context, instance, migration, disk_info):
        self._prepare(migration.dest_compute, version='1.1').cast(
            context, 'finish_resize', instance=instance, migration=migration,
            disk_info=disk_info)

    def confirm_resize(self, context, instance, migration, host):
        self._prepare(host, version='1.1').cast(
            context, 'confirm_resize', instance=instance, migration=migration)

    def revert_resize(self, context, instance, migration, host):
        self._prepare(host, version='1.1').cast(
            context, 'revert_resize', instance=instance, migration=migration)

    def finish_revert_resize(self, context, instance, migration, host):
        self._prepare(host, version='1.1').cast(
            context, 'finish_revert_resize', instance=instance,
            migration=migration)

    # Resources: diagnostics, host uptime, external events.
    def get_diagnostics(self, context, instance):
        return self._prepare(instance.host, version='1.1').call(
            context, 'get_diagnostics', instance=instance)

    def get_instance_diagnostics(self, context, instance):
        return self._prepare(instance.host, version='1.1').call(
            context, 'get_instance_diagnostics', instance=instance)

    def get_host_uptime(self, context, host):
        return self._prepare(host, version='1.1').call(
            context, 'get_host_uptime')

    def external_instance_event(self, context, instances, events, host):
        self._prepare(host, version='1.1').cast(
            context, 'external_instance_event', instances=instances,
            events=events)

    def get_console(self, context, instance, console_type):
        return self._prepare(instance.host, version='1.1').call(
            context, 'get_console', instance=instance,
            console_type=console_type)

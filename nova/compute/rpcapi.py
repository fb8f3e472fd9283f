"""RPC client of nova-compute; each host listens on ``compute.<host>``.

API version history (what each version added):
  1.0 - build_and_run_instance, terminate_instance, stop_instance,
        start_instance, reboot_instance, get_instance_power_state.
  1.1 - every other method of this client: pause/unpause, suspend/resume,
        rescue/unrescue, trigger_crash_dump, set_admin_password,
        get_console_output, get_console, snapshot/backup, rebuild_in_place,
        shelve/shelve_offload/unshelve, soft_delete/restore, the live
        migration and evacuation steps, the resize and cold migration
        steps, get_diagnostics, get_instance_diagnostics, get_host_uptime,
        external_instance_event.

Each method sends the version it was added in (no method changed its
arguments since), so a client pinned by [upgrade_levels] compute sends
what older computes understand, and a method newer than the pin raises
RPCVersionPinned before anything is sent.
"""

import oslo_messaging as messaging

import nova.conf
from nova import rpc

CONF = nova.conf.CONF

TOPIC = 'compute'


class ComputeAPI:
    VERSION = '1.2'

    def __init__(self):
        target = messaging.Target(topic=TOPIC, version=self.VERSION)
        self.client = rpc.get_client(target,
                                     version_cap=rpc.upgrade_cap(TOPIC))

    # The version argument of both is the one the method was added in.
    def _cast(self, context, version, host, method, **kwargs):
        rpc.prepare(self.client, method, version, server=host).cast(
            context, method, **kwargs)

    def _call(self, context, version, host, method, **kwargs):
        return rpc.prepare(self.client, method, version, server=host).call(
            context, method, **kwargs)

    def build_and_run_instance(self, context, instance, host, image,
                               request_spec, filter_properties,
                               admin_password=None, injected_files=None,
                               requested_networks=None, node=None,
                               host_list=None):
        self._cast(context, '1.0', host, 'build_and_run_instance',
                   instance=instance, image=image, request_spec=request_spec,
                   filter_properties=filter_properties,
                   admin_password=admin_password,
                   injected_files=injected_files,
                   requested_networks=requested_networks, node=node,
                   host_list=host_list)

    def terminate_instance(self, context, instance):
        self._cast(context, '1.0', instance.host, 'terminate_instance',
                   instance=instance)

    def stop_instance(self, context, instance):
        self._cast(context, '1.0', instance.host, 'stop_instance',
                   instance=instance)

    def start_instance(self, context, instance):
        self._cast(context, '1.0', instance.host, 'start_instance',
                   instance=instance)

    def reboot_instance(self, context, instance, reboot_type):
        self._cast(context, '1.0', instance.host, 'reboot_instance',
                   instance=instance, reboot_type=reboot_type)

    def get_instance_power_state(self, context, instance):
        return self._call(context, '1.0', instance.host,
                          'get_instance_power_state', instance=instance)

    # Everything below arrived in 1.1.
    def pause_instance(self, context, instance):
        self._cast(context, '1.1', instance.host, 'pause_instance',
                   instance=instance)

    def unpause_instance(self, context, instance):
        self._cast(context, '1.1', instance.host, 'unpause_instance',
                   instance=instance)

    def suspend_instance(self, context, instance):
        self._cast(context, '1.1', instance.host, 'suspend_instance',
                   instance=instance)

    def resume_instance(self, context, instance):
        self._cast(context, '1.1', instance.host, 'resume_instance',
                   instance=instance)

    def rescue_instance(self, context, instance, rescue_password=None,
                        rescue_image_ref=None, clean_shutdown=True):
        self._cast(context, '1.1', instance.host, 'rescue_instance',
                   instance=instance, rescue_password=rescue_password,
                   rescue_image_ref=rescue_image_ref,
                   clean_shutdown=clean_shutdown)

    def unrescue_instance(self, context, instance):
        self._cast(context, '1.1', instance.host, 'unrescue_instance',
                   instance=instance)

    def trigger_crash_dump(self, context, instance):
        self._cast(context, '1.1', instance.host, 'trigger_crash_dump',
                   instance=instance)

    def set_admin_password(self, context, instance, new_pass):
        # A call: the API reports a guest that refused the password.
        return self._call(context, '1.1', instance.host, 'set_admin_password',
                          instance=instance, new_pass=new_pass)

    def get_console_output(self, context, instance, tail_length=None):
        return self._call(context, '1.1', instance.host, 'get_console_output',
                          instance=instance, tail_length=tail_length)

    def snapshot_instance(self, context, instance, image_id):
        self._cast(context, '1.1', instance.host, 'snapshot_instance',
                   instance=instance, image_id=image_id)

    def backup_instance(self, context, instance, image_id, backup_type,
                        rotation):
        self._cast(context, '1.1', instance.host, 'backup_instance',
                   instance=instance, image_id=image_id,
                   backup_type=backup_type, rotation=rotation)

    def rebuild_in_place(self, context, instance, new_pass, injected_files,
                         image_ref, orig_image_ref, orig_sys_metadata,
                         preserve_ephemeral=False):
        self._cast(context, '1.1', instance.host, 'rebuild_in_place',
                   instance=instance, new_pass=new_pass,
                   injected_files=injected_files, image_ref=image_ref,
                   orig_image_ref=orig_image_ref,
                   orig_sys_metadata=orig_sys_metadata,
                   preserve_ephemeral=preserve_ephemeral)

    def shelve_instance(self, context, instance, image_id,
                        clean_shutdown=True):
        self._cast(context, '1.1', instance.host, 'shelve_instance',
                   instance=instance, image_id=image_id,
                   clean_shutdown=clean_shutdown)

    def shelve_offload_instance(self, context, instance,
                                clean_shutdown=True):
        self._cast(context, '1.1', instance.host, 'shelve_offload_instance',
                   instance=instance, clean_shutdown=clean_shutdown)

    def unshelve_instance(self, context, instance, host, image=None,
                          request_spec=None, node=None):
        self._cast(context, '1.1', host, 'unshelve_instance',
                   instance=instance, image=image, request_spec=request_spec,
                   node=node)

    def soft_delete_instance(self, context, instance):
        self._cast(context, '1.1', instance.host, 'soft_delete_instance',
                   instance=instance)

    def restore_instance(self, context, instance):
        self._cast(context, '1.1', instance.host, 'restore_instance',
                   instance=instance)

    def check_can_live_migrate_destination(self, context, instance, host,
                                           block_migration,
                                           disk_over_commit, migration=None):
        return self._call(context, '1.1', host,
                          'check_can_live_migrate_destination',
                          instance=instance, block_migration=block_migration,
                          disk_over_commit=disk_over_commit,
                          migration=migration)

    def check_can_live_migrate_source(self, context, instance,
                                      dest_check_data):
        return self._call(context, '1.1', instance.host,
                          'check_can_live_migrate_source', instance=instance,
                          dest_check_data=dest_check_data)

    def live_migration(self, context, instance, dest, block_migration,
                       migration, migrate_data):
        self._cast(context, '1.1', instance.host, 'live_migration',
                   instance=instance, dest=dest,
                   block_migration=block_migration, migration=migration,
                   migrate_data=migrate_data)

    def pre_live_migration(self, context, instance, host, migrate_data):
        return self._call(context, '1.1', host, 'pre_live_migration',
                          instance=instance, migrate_data=migrate_data)

    def post_live_migration_at_destination(self, context, instance,
                                           block_migration, host,
                                           migrate_data):
        return self._call(context, '1.1', host,
                          'post_live_migration_at_destination',
                          instance=instance, block_migration=block_migration,
                          migrate_data=migrate_data)

    def rollback_live_migration_at_destination(self, context, instance,
                                               host, migrate_data):
        self._cast(context, '1.1', host,
                   'rollback_live_migration_at_destination', instance=instance,
                   migrate_data=migrate_data)

    def live_migration_force_complete(self, context, instance, migration):
        self._cast(context, '1.1', migration.source_compute,
                   'live_migration_force_complete', instance=instance,
                   migration=migration)

    def live_migration_abort(self, context, instance, migration_id):
        self._cast(context, '1.1', instance.host, 'live_migration_abort',
                   instance=instance, migration_id=migration_id)

    def evacuate_instance(self, context, instance, host, node, migration,
                          image, admin_password, target_state=None,
                          on_shared_storage=None):
        self._cast(context, '1.1', host, 'evacuate_instance',
                   instance=instance, node=node, migration=migration,
                   image=image, admin_password=admin_password,
                   target_state=target_state,
                   on_shared_storage=on_shared_storage)

    def prep_resize(self, context, instance, flavor, migration, host, node,
                    request_spec=None, clean_shutdown=True):
        self._cast(context, '1.1', host, 'prep_resize', instance=instance,
                   flavor=flavor, migration=migration, node=node,
                   request_spec=request_spec, clean_shutdown=clean_shutdown)

    def resize_instance(self, context, instance, flavor, migration,
                        clean_shutdown=True):
        self._cast(context, '1.1', migration.source_compute, 'resize_instance',
                   instance=instance, flavor=flavor, migration=migration,
                   clean_shutdown=clean_shutdown)

    def finish_resize(self, context, instance, migration, disk_info):
        self._cast(context, '1.1', migration.dest_compute, 'finish_resize',
                   instance=instance, migration=migration, disk_info=disk_info)

    def confirm_resize(self, context, instance, migration, host):
        self._cast(context, '1.1', host, 'confirm_resize', instance=instance,
                   migration=migration)

    def revert_resize(self, context, instance, migration, host):
        self._cast(context, '1.1', host, 'revert_resize', instance=instance,
                   migration=migration)

    def finish_revert_resize(self, context, instance, migration, host):
        self._cast(context, '1.1', host, 'finish_revert_resize',
                   instance=instance, migration=migration)

    def get_diagnostics(self, context, instance):
        return self._call(context, '1.1', instance.host, 'get_diagnostics',
                          instance=instance)

    def get_instance_diagnostics(self, context, instance):
        return self._call(context, '1.1', instance.host,
                          'get_instance_diagnostics', instance=instance)

    def get_host_uptime(self, context, host):
        return self._call(context, '1.1', host, 'get_host_uptime')

    def external_instance_event(self, context, instances, events, host):
        self._cast(context, '1.1', host, 'external_instance_event',
                   instances=instances, events=events)

    def get_console(self, context, instance, console_type):
        return self._call(context, '1.1', instance.host, 'get_console',
                          instance=instance, console_type=console_type)

    # 1.2: os-interface.
    def attach_interface(self, context, instance, network_id=None,
                         port_id=None, requested_ip=None, tag=None):
        # A call: the API answers with the attachment made. The host may
        # wait up to vif_plugging_timeout for Neutron before it answers.
        timeout = CONF.rpc_response_timeout + CONF.vif_plugging_timeout
        return rpc.prepare(self.client, 'attach_interface', '1.2',
                           server=instance.host, timeout=timeout).call(
            context, 'attach_interface', instance=instance,
            network_id=network_id, port_id=port_id,
            requested_ip=requested_ip, tag=tag)

    def detach_interface(self, context, instance, port_id):
        self._cast(context, '1.2', instance.host, 'detach_interface',
                   instance=instance, port_id=port_id)

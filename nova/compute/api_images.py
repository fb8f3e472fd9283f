"""Compute API: createImage, createBackup, rebuild, shelve and unshelve,
soft delete, restore and force delete.

A mixin of nova.compute.api.API; it uses the API's image_api,
network_api, compute_rpcapi and compute_task_api.

Each method checks the allowed source states (409 otherwise), moves the
instance to the first task_state of the operation, records the instance
action and casts the work to the compute host (or, for an unshelve of an
offloaded server, to the conductor, which schedules it).
"""

import datetime

from oslo_log import log as logging

import nova.conf
from nova.compute import checks
from nova.compute import disk_config
from nova.compute import events
from nova.compute import instance_actions
from nova import exception
from nova import objects
from nova.states import task_states
from nova.states import vm_states

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF

# system_metadata keys of a shelved instance, as upstream names them.
SHELVED_AT = 'shelved_at'
SHELVED_IMAGE_ID = 'shelved_image_id'
SHELVED_HOST = 'shelved_host'
SHELVED_KEYS = (SHELVED_AT, SHELVED_IMAGE_ID, SHELVED_HOST)
# When the server was soft-deleted (ISO 8601, UTC).
SOFT_DELETED_AT = 'soft_deleted_at'

# Image fields a snapshot inherits from the image the server was built
# from (kept in system_metadata as image_<field>).
_INHERITED_FIELDS = ('min_ram', 'min_disk', 'disk_format',
                     'container_format')
# Image properties of the original image that a snapshot must not carry
# over: they describe the original, or are set anew below.
_NOT_INHERITED = ('base_image_ref', 'instance_uuid', 'image_type',
                  'backup_type', 'user_id', 'owner_id', 'image_location',
                  'image_state', 'owner_project_name', 'owner_user_name')

_SNAPSHOT_STATES = [vm_states.ACTIVE, vm_states.STOPPED, vm_states.PAUSED,
                    vm_states.SUSPENDED]


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def record_action(context, instance, action):
    return events.record_action_start(context, instance, action)


def snapshot_metadata(instance, name, image_type, extra_properties=None,
                      user_id=None):
    """The image record a snapshot of ``instance`` starts as.

    Like upstream: the snapshot inherits the formats, minimums and custom
    properties of the image the server was built from, and says where it
    comes from (instance_uuid, base_image_ref, user_id, image_type);
    its owner is the server's project.
    """
    sysmeta = instance.system_metadata or {}
    properties = {}
    meta = {'name': name, 'visibility': 'private',
            'owner': instance.project_id}
    for key, value in sysmeta.items():
        if not key.startswith('image_') or value is None:
            continue
        field = key[len('image_'):]
        if field in _INHERITED_FIELDS:
            meta[field] = value
        elif field not in _NOT_INHERITED:
            properties[field] = value
    flavor = instance.flavor
    root_gb = getattr(flavor, 'root_gb', None) if flavor else \
        instance.root_gb
    if root_gb:
        meta['min_disk'] = max(int(meta.get('min_disk') or 0), root_gb)
    properties.update({
        'instance_uuid': instance.uuid,
        'base_image_ref': instance.image_ref or '',
        'user_id': str(user_id or instance.user_id),
        'image_type': image_type,
    })
    properties.update(extra_properties or {})
    meta['properties'] = properties
    return meta


def image_properties_sysmeta(image):
    """system_metadata entries describing the image a server runs."""
    sysmeta = {'image_%s' % k: str(v)
               for k, v in (image.get('properties') or {}).items()}
    for key in _INHERITED_FIELDS:
        if image.get(key) is not None:
            sysmeta['image_' + key] = str(image[key])
    return sysmeta


class ImageActions:

    # ------------------------------------------------------------------
    # Snapshots and backups
    # ------------------------------------------------------------------
    def _create_image(self, context, instance, name, image_type,
                      extra_properties=None):
        meta = snapshot_metadata(instance, name, image_type,
                                 extra_properties, user_id=context.user_id)
        return self.image_api.create(context, meta)

    def _start_task(self, context, instance, task_state, action):
        instance.task_state = task_state
        instance.save(expected_task_state=[None])
        record_action(context, instance, action)

    @checks.instance_state(vm_state=_SNAPSHOT_STATES)
    def snapshot(self, context, instance, name, extra_properties=None):
        """Snapshot the server into a new image; returns the image (still
        queued: the compute host uploads its data)."""
        image = self._create_image(context, instance, name, 'snapshot',
                                   extra_properties)
        try:
            self._start_task(context, instance,
                             task_states.IMAGE_SNAPSHOT_PENDING,
                             instance_actions.CREATE_IMAGE)
        except Exception:
            self._delete_image_quietly(context, image['id'])
            raise
        self.compute_rpcapi.snapshot_instance(context, instance,
                                              image['id'])
        return image

    @checks.instance_state(vm_state=_SNAPSHOT_STATES)
    def backup(self, context, instance, name, backup_type, rotation,
               extra_properties=None):
        """A backup image of the server; the compute host then deletes
        the oldest backups of this server and type beyond ``rotation``."""
        props = dict(extra_properties or {})
        props['backup_type'] = backup_type
        image = self._create_image(context, instance, name, 'backup', props)
        try:
            self._start_task(context, instance, task_states.IMAGE_BACKUP,
                             instance_actions.BACKUP)
        except Exception:
            self._delete_image_quietly(context, image['id'])
            raise
        self.compute_rpcapi.backup_instance(context, instance, image['id'],
                                            backup_type, int(rotation))
        return image

    def _delete_image_quietly(self, context, image_id):
        try:
            self.image_api.delete(context, image_id)
        except Exception:
            LOG.warning('Could not delete image %s of a refused snapshot',
                        image_id)

    # ------------------------------------------------------------------
    # Rebuild
    # ------------------------------------------------------------------
    @checks.instance_state(vm_state=[vm_states.ACTIVE, vm_states.STOPPED,
                                     vm_states.ERROR])
    @checks.not_locked
    def rebuild(self, context, instance, image_href, admin_password,
                files_to_inject=None, **kwargs):
        """Rebuild the server in place from ``image_href``.

        kwargs: name, metadata, preserve_ephemeral, access_ip_v4,
        access_ip_v6, key_name (None unsets the key), user_data,
        description, hostname, trusted_certs, auto_disk_config (None:
        the new image's default, as on create).
        """
        if not instance.host:
            raise exception.InstanceInvalidState(
                attr='host', instance_uuid=instance.uuid, state=None,
                method='rebuild')
        flavor = instance.flavor
        image = self._check_image(context, image_href, flavor)
        auto_disk_config = disk_config.for_image(
            image, kwargs.get('auto_disk_config'))
        if 'user_data' in kwargs:
            self._check_user_data(kwargs['user_data'])
        files_to_inject = self._check_injected_files(context,
                                                     files_to_inject)
        if 'key_name' in kwargs:
            keypair = self._keypair(context, kwargs['key_name'])
            instance.key_name = keypair.name if keypair else None
            instance.key_data = keypair.public_key if keypair else None
        orig_image_ref = instance.image_ref
        orig_sys_metadata = dict(instance.system_metadata or {})
        for key, attr in (('name', 'display_name'),
                          ('description', 'display_description'),
                          ('access_ip_v4', 'access_ip_v4'),
                          ('access_ip_v6', 'access_ip_v6'),
                          ('user_data', 'user_data'),
                          ('hostname', 'hostname')):
            if key in kwargs:
                setattr(instance, attr, kwargs[key])
        if kwargs.get('metadata') is not None:
            instance.metadata = dict(kwargs['metadata'])
        # The server now runs the new image: its image properties replace
        # those of the old one.
        sysmeta = {k: v for k, v in orig_sys_metadata.items()
                   if not k.startswith('image_')}
        sysmeta.update(image_properties_sysmeta(image))
        instance.system_metadata = sysmeta
        instance.image_ref = image_href
        instance.auto_disk_config = auto_disk_config
        instance.progress = 0
        instance.task_state = task_states.REBUILDING
        instance.save(expected_task_state=[None])
        record_action(context, instance, instance_actions.REBUILD)
        self.compute_rpcapi.rebuild_in_place(
            context, instance, new_pass=admin_password,
            injected_files=files_to_inject, image_ref=image_href,
            orig_image_ref=orig_image_ref,
            orig_sys_metadata=orig_sys_metadata,
            preserve_ephemeral=bool(kwargs.get('preserve_ephemeral')))
        return instance

    # ------------------------------------------------------------------
    # Shelve
    # ------------------------------------------------------------------
    @checks.instance_state(vm_state=[vm_states.ACTIVE, vm_states.STOPPED,
                                     vm_states.PAUSED, vm_states.SUSPENDED])
    @checks.not_locked
    def shelve(self, context, instance, clean_shutdown=True):
        """Snapshot the server into '<name>-shelved' and shelve it."""
        image = self._create_image(
            context, instance, '%s-shelved' % instance.display_name,
            'snapshot')
        try:
            self._start_task(context, instance, task_states.SHELVING,
                             instance_actions.SHELVE)
        except Exception:
            self._delete_image_quietly(context, image['id'])
            raise
        self.compute_rpcapi.shelve_instance(context, instance, image['id'],
                                            clean_shutdown=clean_shutdown)

    @checks.instance_state(vm_state=[vm_states.SHELVED])
    @checks.not_locked
    def shelve_offload(self, context, instance, clean_shutdown=True):
        self._start_task(context, instance, task_states.SHELVING_OFFLOADING,
                         instance_actions.SHELVE_OFFLOAD)
        self.compute_rpcapi.shelve_offload_instance(
            context, instance, clean_shutdown=clean_shutdown)

    @checks.instance_state(vm_state=[vm_states.SHELVED,
                                     vm_states.SHELVED_OFFLOADED])
    @checks.not_locked
    def unshelve(self, context, instance, new_az=None, az_given=False,
                 host=None):
        """Bring a shelved server back.

        A shelved server still has its guest: the conductor has it
        powered on in place. An offloaded one is scheduled again. At 2.77+
        ``new_az`` (``az_given``) moves it to (or, None at 2.91+, unpins it
        from) a zone; at 2.91+ an admin may name the ``host``.
        """
        offloaded = instance.vm_state == vm_states.SHELVED_OFFLOADED
        if (az_given or host) and not offloaded:
            raise exception.UnshelveInstanceInvalidState(
                state=instance.vm_state, instance_uuid=instance.uuid)
        spec = None
        if offloaded:
            spec = self._unshelve_request_spec(context, instance)
            zones = self._host_zones(context)
            if host:
                self._check_unshelve_host(context, host)
            if az_given and new_az is not None:
                self._check_zone_exists(context, new_az, zones)
            if host:
                host_zone = zones.get(host, CONF.default_availability_zone)
                wanted = new_az if az_given else spec.availability_zone
                if wanted and wanted != host_zone:
                    raise exception.UnshelveHostNotInAZ(
                        host=host, availability_zone=wanted)
            if az_given:
                spec.availability_zone = new_az
                instance.availability_zone = new_az
            spec.force_hosts = [host] if host else None
            spec.force_nodes = None
            spec.ignore_hosts = None
        instance.task_state = task_states.UNSHELVING
        instance.save(expected_task_state=[None])
        record_action(context, instance, instance_actions.UNSHELVE)
        self.compute_task_api.unshelve_instance(context, instance, spec)

    def _unshelve_request_spec(self, context, instance):
        try:
            spec = objects.RequestSpec.get_by_instance_uuid(context,
                                                            instance.uuid)
        except exception.RequestSpecNotFound:
            spec = objects.RequestSpec(
                instance_uuid=instance.uuid, project_id=instance.project_id,
                user_id=instance.user_id, flavor=instance.flavor,
                image=None, num_instances=1,
                availability_zone=instance.availability_zone,
                scheduler_hints={}, ignore_hosts=None, force_hosts=None,
                force_nodes=None, instance_group=None)
        if not spec.obj_attr_is_set('availability_zone'):
            spec.availability_zone = None
        return spec

    @staticmethod
    def _host_zones(context):
        """{compute host: zone} of the hosts in an aggregate with one."""
        from nova.objects import aggregate as aggregate_obj
        zones = {}
        for agg in objects.AggregateList.get_by_metadata_key(
                context, aggregate_obj.AZ_KEY):
            for name in agg.hosts or []:
                zones.setdefault(name, agg.availability_zone)
        return zones

    @staticmethod
    def _check_zone_exists(context, zone, zones):
        known = set(zones.values()) | {CONF.default_availability_zone}
        if zone not in known:
            raise exception.InvalidInput(
                reason='The requested availability zone is not available')

    @staticmethod
    def _check_unshelve_host(context, host):
        try:
            objects.Service.get_by_host_and_binary(context, host,
                                                   'nova-compute')
        except exception.ServiceNotFound:
            raise exception.ComputeHostNotFound(host=host)

    # ------------------------------------------------------------------
    # Soft delete
    # ------------------------------------------------------------------
    def soft_delete_wanted(self, context, instance):
        """True when DELETE should soft-delete ``instance``: soft delete
        is on and the server lives on a compute host that is up."""
        if CONF.reclaim_instance_interval <= 0:
            return False
        if instance.vm_state == vm_states.SOFT_DELETED:
            return False
        if not instance.host or not instance.obj_attr_is_set('id'):
            return False
        return self._compute_is_up(instance)

    @checks.instance_state(vm_state=None, task_state=checks.ANY,
                           must_have_launched=False)
    def soft_delete(self, context, instance):
        if instance.locked and not context.is_admin:
            raise exception.InstanceInvalidState(
                instance_uuid=instance.uuid, attr='locked', state='True',
                method='soft_delete')
        if instance.task_state in (task_states.DELETING,
                                   task_states.SOFT_DELETING):
            return
        self._set_queued_for_delete(context, instance, True)
        instance.task_state = task_states.SOFT_DELETING
        sysmeta = dict(instance.system_metadata or {})
        sysmeta[SOFT_DELETED_AT] = _utcnow().isoformat()
        instance.system_metadata = sysmeta
        instance.save(expected_task_state=[
            s for s in (None,) + task_states.ALL
            if s not in (task_states.DELETING, task_states.SOFT_DELETING)])
        record_action(context, instance, instance_actions.DELETE)
        self.compute_rpcapi.soft_delete_instance(context, instance)

    @checks.instance_state(vm_state=[vm_states.SOFT_DELETED])
    @checks.not_locked
    def restore(self, context, instance):
        """Bring a soft-deleted server back before it is reclaimed."""
        record_action(context, instance, instance_actions.RESTORE)
        self._set_queued_for_delete(context, instance, False)
        sysmeta = dict(instance.system_metadata or {})
        sysmeta.pop(SOFT_DELETED_AT, None)
        instance.system_metadata = sysmeta
        if instance.host and self._compute_is_up(instance):
            instance.task_state = task_states.RESTORING
            instance.save(expected_task_state=[None])
            self.compute_rpcapi.restore_instance(context, instance)
        else:
            instance.vm_state = vm_states.ACTIVE
            instance.task_state = None
            instance.save(expected_task_state=[None])

    @checks.instance_state(vm_state=None, must_have_launched=False)
    @checks.not_locked
    def force_delete(self, context, instance):
        """Delete a server now, soft-deleted or not (as upstream: any
        vm_state, no task running)."""
        self.delete(context, instance, force=True)

    def _set_queued_for_delete(self, context, instance, value):
        try:
            mapping = objects.InstanceMapping.get_by_instance_uuid(
                context, instance.uuid)
        except exception.InstanceMappingNotFound:
            return
        mapping.queued_for_delete = value
        mapping.save()

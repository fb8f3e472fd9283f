"""The compute service as the REST layer sees it.

Each public method is one user-visible operation on servers: it checks
the request against the rules of the Compute API, records what must be
recorded (through versioned objects, i.e. conductor RPC), and hands long
work to the conductor or the compute host by cast.
"""

import base64
import datetime
import threading
import time
import uuid as uuidlib

from oslo_log import log as logging
from oslo_serialization import jsonutils

import nova.conf
from nova.compute import api_basic
from nova.compute import api_images
from nova.compute import api_interfaces
from nova.compute import api_live
from nova.compute import api_move
from nova.compute import api_resources
from nova.compute import disk_config
from nova.compute import events
from nova.compute import instance_actions
from nova.compute import personality
from nova.compute import rpcapi as compute_rpcapi
from nova.conductor import rpcapi as conductor_rpcapi
from nova import exception
from nova.image import api as image_api
from nova.network import api as network_api
from nova import objects
from nova import quota
from nova import servicegroup
from nova import states
from nova.states import power_state
from nova.states import task_states
from nova.states import vm_states

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF

MAX_USERDATA_SIZE = 65535
MULTI_INSTANCE_NAME_TEMPLATE = '%(name)s-%(count)d'
# Cell mappings change only when an operator adds a cell; re-read them
# now and then rather than on every list request.
CELL_CACHE_SECONDS = 30


class _CellCache:
    def __init__(self):
        self._lock = threading.Lock()
        self._cells = None
        self._at = 0.0

    def get(self, context):
        with self._lock:
            if (self._cells is None or
                    time.monotonic() - self._at > CELL_CACHE_SECONDS):
                self._cells = list(objects.CellMappingList.get_all(
                    context.elevated()))
                self._at = time.monotonic()
            return self._cells


_CELLS = _CellCache()


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


class API(api_basic.BasicActions, api_move.MoveActions,
          api_live.LiveActions, api_images.ImageActions,
          api_resources.ResourceActions, api_interfaces.InterfaceActions):
    """Servers: create, read, update, delete here; the actions in the
    mixins of the api_* modules."""

    def __init__(self):
        self.image_api = image_api.API()
        self.network_api = network_api.API()
        self.compute_rpcapi = compute_rpcapi.ComputeAPI()
        self.compute_task_api = conductor_rpcapi.ComputeTaskAPI()

    # Create.

    def _check_flavor(self, context, flavor):
        # Whether the project may use a private flavor was settled when the
        # flavor was read with its context (nova.objects.flavor).
        if flavor.disabled:
            raise exception.FlavorNotFound(flavor_id=flavor.flavorid)

    def _check_image(self, context, image_href, flavor):
        image = self.image_api.get(context, image_href)
        if image.get('status', 'active').lower() != 'active':
            raise exception.ImageNotActive(image_id=image_href)
        if flavor.memory_mb < int(image.get('min_ram') or 0):
            raise exception.FlavorMemoryTooSmall()
        size = int(image.get('size') or 0)
        if flavor.root_gb:
            if size > flavor.root_gb * 1024 ** 3:
                raise exception.FlavorDiskTooSmall(
                    flavor_size=flavor.root_gb * 1024 ** 3, image_size=size)
            if int(image.get('min_disk') or 0) > flavor.root_gb:
                raise exception.FlavorDiskTooSmall(
                    flavor_size=flavor.root_gb * 1024 ** 3,
                    image_size=int(image['min_disk']) * 1024 ** 3)
        return image

    @staticmethod
    def _check_user_data(user_data):
        if user_data is None:
            return
        if len(user_data) > MAX_USERDATA_SIZE:
            raise exception.InvalidInput(
                reason='User data too large. User data must be no larger '
                       'than %d bytes once base64 encoded. Your data is '
                       '%d bytes' % (MAX_USERDATA_SIZE, len(user_data)))
        try:
            base64.b64decode(user_data, validate=True)
        except (TypeError, ValueError):
            raise exception.InvalidInput(
                reason='User data needs to be valid base 64.')

    @staticmethod
    def _check_injected_files(context, files):
        """The files to inject as [path, base64 contents] pairs, once
        within the caller's quotas and decodable (400 otherwise)."""
        files = [[path, contents] for path, contents in files or ()]
        quota.check_injected_files(context, files)
        personality.decode(files)
        return files

    @staticmethod
    def _check_availability_zone(availability_zone):
        if availability_zone and \
                availability_zone != CONF.default_availability_zone:
            raise exception.InvalidInput(
                reason='The requested availability zone is not available')

    def _keypair(self, context, key_name):
        if key_name is None:
            return None
        try:
            return objects.KeyPair.get_by_name(context, context.user_id,
                                               key_name)
        except exception.KeypairNotFound:
            raise exception.InvalidInput(reason='Invalid key_name provided.')

    @staticmethod
    def _display_name(name, index, max_count, uuid):
        if max_count == 1:
            return name
        return MULTI_INSTANCE_NAME_TEMPLATE % {'name': name,
                                               'count': index + 1,
                                               'uuid': uuid}

    def create(self, context, flavor, image_href, name=None,
               description=None, min_count=1, max_count=1, metadata=None,
               key_name=None, availability_zone=None, user_data=None,
               requested_networks=None, access_ip_v4=None,
               access_ip_v6=None, config_drive=None,
               return_reservation_id=False, scheduler_hints=None,
               admin_password=None, tags=None, hostname=None,
               files_to_inject=None, security_groups=None,
               auto_disk_config=None):
        """Accept a boot request: returns (instances, reservation_id) once
        the build requests are recorded; the build goes on in the
        background.

        ``auto_disk_config``: OS-DCF:diskConfig (True for AUTO), None to
        take the image's default (nova.compute.disk_config).
        """
        min_count = min_count or 1
        max_count = max_count or min_count
        if min_count > max_count:
            raise exception.InvalidInput(
                reason='min_count must be <= max_count')
        self._check_flavor(context, flavor)
        image = self._check_image(context, image_href, flavor) \
            if image_href else {}
        auto_disk_config = disk_config.for_image(image, auto_disk_config)
        self._check_user_data(user_data)
        files_to_inject = self._check_injected_files(context,
                                                     files_to_inject)
        availability_zone = (availability_zone or
                             CONF.default_schedule_zone)
        self._check_availability_zone(availability_zone)
        keypair = self._keypair(context, key_name)
        group = self._instance_group(context, scheduler_hints)
        allowed = self.network_api.validate_networks(
            context, requested_networks, max_count,
            security_groups=security_groups)
        # The project's port quota may hold fewer servers' ports.
        if allowed < min_count:
            raise exception.PortLimitExceeded()
        if allowed < max_count:
            LOG.info('max_count reduced from %d to %d by the port quota',
                     max_count, allowed)
            max_count = allowed
        # Quotas: create as many as fit between min_count and max_count.
        quota.check_metadata(context, metadata)
        max_count = quota.instances_allowed(context, flavor, min_count,
                                            max_count)
        if group is not None:
            quota.check_server_group_members(context, group.uuid,
                                             context.user_id, max_count)

        reservation_id = 'r-' + uuidlib.uuid4().hex[:8]
        now = _utcnow()
        image_meta = objects.ImageMeta.from_dict(image)
        system_metadata = {'image_%s' % k: str(v) for k, v in
                           (image.get('properties') or {}).items()}
        for key in ('min_ram', 'min_disk', 'disk_format',
                    'container_format'):
            if image.get(key) is not None:
                system_metadata['image_' + key] = str(image[key])
        if security_groups:
            # The computes create the ports with them.
            system_metadata[network_api.SECURITY_GROUPS_KEY] = jsonutils.dumps(
                list(security_groups))
        instances, specs = [], []
        for index in range(max_count):
            instance_uuid = str(uuidlib.uuid4())
            display_name = self._display_name(name, index, max_count,
                                              instance_uuid)
            instance = objects.Instance(
                context,
                uuid=instance_uuid, user_id=context.user_id,
                project_id=context.project_id, image_ref=image_href or '',
                display_name=display_name,
                display_description=description,
                hostname=hostname or _hostname(display_name,
                                               instance_uuid),
                instance_type_id=flavor.id, flavor=flavor,
                memory_mb=flavor.memory_mb, vcpus=flavor.vcpus,
                root_gb=flavor.root_gb, ephemeral_gb=flavor.ephemeral_gb,
                vm_state=vm_states.BUILDING,
                task_state=task_states.SCHEDULING,
                power_state=power_state.NOSTATE,
                availability_zone=availability_zone,
                key_name=keypair.name if keypair else None,
                key_data=keypair.public_key if keypair else None,
                user_data=user_data, reservation_id=reservation_id,
                launch_index=index, locked=False, locked_by=None,
                config_drive='True' if config_drive else '',
                access_ip_v4=access_ip_v4, access_ip_v6=access_ip_v6,
                progress=0, metadata=dict(metadata or {}),
                system_metadata=system_metadata, created_at=now,
                updated_at=None, launched_at=None, terminated_at=None,
                host=None, node=None, launched_on=None, kernel_id=None,
                ramdisk_id=None, root_device_name=None, deleted_at=None,
                deleted=False, cleaned=False, fault=None,
                auto_disk_config=auto_disk_config)
            instance.tags = objects.TagList.from_names(
                context, instance_uuid, tags or [])
            instances.append(instance)
            specs.append(objects.RequestSpec(
                instance_uuid=instance_uuid, project_id=context.project_id,
                user_id=context.user_id, flavor=flavor, image=image_meta,
                num_instances=max_count,
                availability_zone=availability_zone,
                scheduler_hints=_hints(scheduler_hints),
                ignore_hosts=None, force_hosts=None, force_nodes=None,
                instance_group=group))
        build_requests = objects.BuildRequestList.create_for_instances(
            context, instances, specs)
        if group is not None:
            objects.InstanceGroup.add_members(
                context, group.uuid, [i.uuid for i in instances])
        self._recheck_quota(context, flavor, instances, group)
        self.compute_task_api.schedule_and_build_instances(
            context, build_requests=list(build_requests),
            request_specs=specs, image=image,
            admin_password=admin_password, injected_files=files_to_inject,
            requested_networks=requested_networks)
        LOG.info('Accepted boot request %s for %d instance(s)',
                 reservation_id, max_count)
        return instances, reservation_id

    @staticmethod
    def _recheck_quota(context, flavor, instances, group):
        """Count again now that the servers are recorded: concurrent
        requests may each have seen room for theirs. Over quota, undo
        this request's records and refuse it."""
        try:
            quota.recheck_instances(context, flavor, len(instances))
            if group is not None and nova.conf.CONF.quota.recheck_quota:
                quota.check_server_group_members(context, group.uuid,
                                                 context.user_id, 0)
        except exception.OverQuota:
            objects.Quotas.undo_build_requests(
                context, [i.uuid for i in instances])
            raise

    @staticmethod
    def _instance_group(context, scheduler_hints):
        """The server group named by the ``group`` hint, or None."""
        hint = (scheduler_hints or {}).get('group')
        if isinstance(hint, list):
            hint = hint[0] if len(hint) == 1 else None
        if not hint:
            return None
        try:
            group = objects.InstanceGroup.get_by_uuid(context, hint)
        except exception.NotFound:
            group = None
        if group is None or (not context.is_admin and
                             group.project_id != context.project_id):
            raise exception.InvalidInput(
                reason='Server group %s does not exist' % hint)
        return group

    # Read.

    def _mapping(self, context, instance_uuid):
        try:
            mapping = objects.InstanceMapping.get_by_instance_uuid(
                context, instance_uuid)
        except exception.InstanceMappingNotFound:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        if not context.is_admin and mapping.project_id != context.project_id:
            # Another project's server does not exist for this caller.
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        return mapping

    def get(self, context, instance_uuid, expected_attrs=None,
            cell_down_support=False):
        """The instance, from its cell or still as a build request.

        With ``cell_down_support`` (microversion 2.69) a server whose cell
        cannot be reached comes back as a partial instance (see
        _partial_instance) instead of raising CellUnavailable.
        """
        for _ in range(3):
            mapping = self._mapping(context, instance_uuid)
            if mapping.cell_mapping is None:
                try:
                    build_request = objects.BuildRequest.get_by_instance_uuid(
                        context, instance_uuid)
                    instance = build_request.instance
                    instance.fault = None
                    return instance
                except exception.BuildRequestNotFound:
                    # Scheduled in the meantime: the mapping now has a
                    # cell (or the server was deleted). Look again.
                    continue
            cctxt = context.targeted(mapping.cell_mapping.uuid)
            try:
                instance = objects.Instance.get_by_uuid(
                    cctxt, instance_uuid, expected_attrs=['fault'])
            except exception.CellUnavailable:
                if not cell_down_support:
                    raise
                return _partial_instance(context, mapping, with_spec=True)
            if not context.is_admin and \
                    instance.project_id != context.project_id:
                raise exception.InstanceNotFound(instance_id=instance_uuid)
            return instance
        raise exception.InstanceNotFound(instance_id=instance_uuid)

    def get_all(self, context, search_opts=None, limit=None, marker=None,
                sort_keys=None, sort_dirs=None, cell_down_support=False):
        """Servers matching ``search_opts`` in one page: the build requests
        first, then the instances of every cell, as upstream lists them."""
        filters = _db_filters(search_opts or {})
        if filters is None:
            return []
        if not context.is_admin:
            filters['project_id'] = context.project_id
        ip_patterns = [search_opts[key] for key in ('ip', 'ip6')
                       if (search_opts or {}).get(key)]
        if ip_patterns:
            # Addresses live in the network service: the servers whose
            # ports hold a matching fixed IP.
            uuids = set(self.network_api.instance_uuids_by_ip(
                context, ip_patterns))
            if 'uuid' in filters:
                uuids &= set(filters['uuid'] if isinstance(
                    filters['uuid'], (list, tuple, set)) else
                    [filters['uuid']])
            if not uuids:
                return []
            filters['uuid'] = sorted(uuids)
        sort_keys = sort_keys or ['created_at', 'id']
        sort_dirs = sort_dirs or ['desc'] * len(sort_keys)
        build_marker, cell_marker = marker, marker
        try:
            build_requests = list(objects.BuildRequestList.get_by_filters(
                context, filters, limit=limit, marker=build_marker,
                sort_keys=sort_keys, sort_dirs=sort_dirs))
            cell_marker = None
        except exception.MarkerNotFound:
            # The marker is an instance in a cell: the build requests
            # were all on earlier pages.
            build_requests = []
        instances = [br.instance for br in build_requests]
        remaining = None if limit is None else limit - len(instances)
        if remaining is None or remaining > 0:
            cells = [c.uuid for c in _CELLS.get(context)]
            if cells:
                cell_instances = objects.InstanceList.get_across_cells(
                    context, cells, filters, sort_keys=sort_keys,
                    sort_dirs=sort_dirs, limit=remaining,
                    marker=cell_marker, expected_attrs=['fault'])
                # A build finishing right now is in both lists: the
                # cell's copy is the truth.
                cell_by_uuid = {i.uuid: i for i in cell_instances}
                instances = [cell_by_uuid.pop(i.uuid, i) for i in instances]
                instances.extend(i for i in cell_instances
                                 if i.uuid in cell_by_uuid)
                if cell_instances.down_cells:
                    instances.extend(self._down_cell_instances(
                        context, cell_instances.down_cells,
                        filters.get('project_id'), cell_down_support))
        for instance in instances:
            if not instance.obj_attr_is_set('fault'):
                instance.fault = None
        return instances

    @staticmethod
    def _down_cell_instances(context, cell_uuids, project_id,
                             cell_down_support):
        """What a listing shows of the servers of unreachable cells:
        partial instances from 2.69, else nothing, or an error when the
        operator wants lists to fail rather than be incomplete."""
        if not cell_down_support:
            if CONF.api.list_records_by_skipping_down_cells:
                return []
            raise exception.CellUnavailable(cell_uuid=', '.join(cell_uuids))
        mappings = objects.InstanceMappingList.get_by_cells(
            context, cell_uuids, project_id=project_id)
        return [_partial_instance(context, m) for m in mappings]

    # Update.

    def update_instance(self, context, instance, updates):
        mapping = self._mapping(context, instance.uuid)
        if mapping.cell_mapping is None:
            try:
                build_request = objects.BuildRequest.get_by_instance_uuid(
                    context, instance.uuid)
                for key, value in updates.items():
                    setattr(build_request.instance, key, value)
                build_request.save()
                return build_request.instance
            except exception.BuildRequestNotFound:
                instance = self.get(context, instance.uuid)
        for key, value in updates.items():
            setattr(instance, key, value)
        instance.save()
        return instance

    # Delete.

    def delete(self, context, instance, force=False):
        if not force and self.soft_delete_wanted(context, instance):
            # [DEFAULT] reclaim_instance_interval: keep it a while (see
            # api_images.ImageActions.soft_delete).
            self.soft_delete(context, instance)
            return
        if instance.locked and not context.is_admin:
            raise exception.InstanceInvalidState(
                instance_uuid=instance.uuid, attr='locked', state='True',
                method='delete')
        mapping = self._mapping(context, instance.uuid)
        if mapping.cell_mapping is None:
            if self._delete_build_request(context, instance, mapping):
                return
            instance = self.get(context, instance.uuid)
            mapping = self._mapping(context, instance.uuid)
        if instance.task_state == task_states.DELETING:
            return
        mapping.queued_for_delete = True
        mapping.save()
        events.record_action_start(context, instance, instance_actions.DELETE)
        if not instance.host or mapping.cell_mapping.is_cell0:
            self._local_delete(context, instance)
            return
        if not self._compute_is_up(instance):
            LOG.warning('Compute service of host %s is down; deleting '
                        'instance %s locally; the host cleans up its guest '
                        'when it comes back', instance.host, instance.uuid)
            self._local_delete(context, instance)
            return
        instance.task_state = task_states.DELETING
        try:
            instance.save(expected_task_state=_DELETABLE_TASK_STATES)
        except exception.InstanceInvalidState:
            # Another delete got there first.
            return
        # Deleted in VERIFY_RESIZE: the source host cleans up its side.
        self.confirm_resize_on_delete(context, instance)
        self.compute_rpcapi.terminate_instance(instance._context, instance)

    def _delete_build_request(self, context, instance, mapping):
        """Delete a server not yet scheduled; False if it got a cell in
        the meantime."""
        try:
            build_request = objects.BuildRequest.get_by_instance_uuid(
                context, instance.uuid)
        except exception.BuildRequestNotFound:
            return False
        if not build_request.destroy():
            return False
        mapping.queued_for_delete = True
        mapping.save()
        try:
            objects.RequestSpec.get_by_instance_uuid(
                context, instance.uuid).destroy()
        except exception.RequestSpecNotFound:
            pass
        return True

    def _compute_is_up(self, instance):
        try:
            service = objects.Service.get_by_host_and_binary(
                instance._context, instance.host, 'nova-compute')
        except exception.ServiceNotFound:
            return False
        return servicegroup.is_up(service)

    def _local_delete(self, context, instance):
        self.network_api.deallocate_for_instance(context, instance)
        instance.destroy()


# A delete is accepted in any task state: it wins over other work.
_DELETABLE_TASK_STATES = [None] + [
    state for state in task_states.ALL if state != task_states.DELETING]


def _partial_instance(context, mapping, with_spec=False):
    """What is known of a server whose cell cannot be reached: its
    mapping (uuid, project, user, creation time) and, for a single server,
    its request spec (flavor, image, zone). The API renders it with
    status UNKNOWN (microversion 2.69); ``vm_state`` stays unset."""
    instance = objects.Instance(
        context, uuid=mapping.instance_uuid, project_id=mapping.project_id,
        user_id=mapping.user_id, created_at=mapping.created_at)
    if with_spec:
        try:
            spec = objects.RequestSpec.get_by_instance_uuid(
                context, mapping.instance_uuid)
        except exception.NotFound:
            spec = None
        if spec is not None:
            instance.flavor = spec.flavor
            instance.availability_zone = spec.availability_zone
            if spec.obj_attr_is_set('image') and spec.image is not None \
                    and spec.image.obj_attr_is_set('id'):
                instance.image_ref = spec.image.id
    return instance


def _hostname(display_name, instance_uuid):
    """A DNS-safe host name derived from the display name."""
    import re
    name = re.sub(r'[^\w.-]+', '-', (display_name or '').lower())
    name = re.sub(r'[_.]+', '-', name).strip('-')[:63].strip('-')
    return name or 'server-%s' % instance_uuid


def _hints(hints):
    result = {}
    for key, value in (hints or {}).items():
        values = value if isinstance(value, list) else [value]
        result[key] = [str(v) for v in values]
    return result


def _db_filters(search_opts):
    """Turn API search options into instance filters; None when the
    filters can match nothing (for example an unknown status)."""
    filters = {}
    for key, value in search_opts.items():
        if key == 'name':
            filters['display_name'] = value
        elif key == 'status':
            vm_list, task_list = states.states_from_status(value)
            if not vm_list:
                return None
            filters['vm_state'] = vm_list
            if task_list is not None:
                filters['task_state'] = task_list
        elif key in ('image', 'image_ref'):
            filters['image_ref'] = value
        elif key in ('tenant_id', 'project_id'):
            filters['project_id'] = value
        elif key in ('tags', 'tags-any', 'not-tags', 'not-tags-any'):
            filters[key] = value
        elif key in ('host', 'node', 'user_id', 'uuid', 'reservation_id',
                     'availability_zone', 'key_name', 'locked',
                     'instance_type_id',
                     'changes-since', 'changes-before', 'deleted',
                     'vm_state', 'task_state', 'project_id'):
            filters[key] = value
    return filters

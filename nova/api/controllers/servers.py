"""servers: create, list (summary and detail), show, update, delete.

Each handler validates its input, calls one method of
nova.compute.api.API and renders the result with nova.api.views.servers.
The list filters are built in nova.api.controllers.server_filters.
"""

import functools
import secrets
import string

import pecan
import webob.exc

from nova.api import common
from nova.api.controllers import server_filters
from nova.api.controllers import server_resources
from nova.api import faults
from nova.api import microversions as mv
from nova.api.schemas import servers as schema
from nova.api.schemas import types
from nova.api import validation
from nova.api.views import servers as view
from nova import exception
from nova import objects
from nova.policies import servers as policies


_PASSWORD_CHARS = string.ascii_letters + string.digits


@functools.lru_cache(maxsize=None)
def compute_api():
    # One per process, made on first use (after RPC is set up); imported
    # late so the API package loads without the compute layer.
    from nova.compute import api
    return api.API()


@functools.lru_cache(maxsize=None)
def network_api():
    from nova.network import api
    return api.API()


def addresses(ctx, inst, extended=True):
    """The "addresses" of a server, from its network information cache;
    ``extended`` adds each address's type and MAC (the server view's
    OS-EXT-IPS and OS-EXT-IPS-MAC, which /ips leaves out)."""
    from nova.network import api
    return api.addresses_from_nw_info(
        network_api().get_instance_nw_info(ctx, inst), extended=extended)


def generate_password(length=12):
    return ''.join(secrets.choice(_PASSWORD_CHARS) for _ in range(length))


def target(inst):
    """The policy target of a server: its owner."""
    return {'project_id': inst.project_id, 'user_id': inst.user_id}


def visible(ctx, inst, server_id):
    """InstanceNotFound (404) for another project's server: the caller
    must not learn that it exists, so this comes before any policy
    check (which would answer 403)."""
    if not ctx.is_admin and inst.project_id != ctx.project_id:
        raise exception.InstanceNotFound(instance_id=server_id)
    return inst


def get_server(req, server_id, rule, **kwargs):
    """The caller's server ``server_id``, once the policy ``rule`` allows
    the caller to act on it (403 otherwise)."""
    ctx = common.context(req)
    inst = visible(ctx, compute_api().get(ctx, server_id, **kwargs),
                    server_id)
    common.authorize(req, rule, target(inst))
    return inst


class HostStatus:
    """host_status of instances, looking the compute services up once."""

    def __init__(self, ctx):
        self.ctx = ctx
        self._services = None

    def _load(self):
        from nova import servicegroup
        self._services = {}
        for svc in objects.ServiceList.get_by_binary(self.ctx,
                                                     'nova-compute'):
            self._services[svc.host] = (svc, servicegroup.is_up(svc))

    def __call__(self, inst):
        host = inst.host if inst.obj_attr_is_set('host') else None
        if not host:
            return ''
        if self._services is None:
            self._load()
        if host not in self._services:
            return 'UNKNOWN'
        svc, up = self._services[host]
        if svc.forced_down or not up:
            return 'DOWN'
        if svc.disabled:
            return 'MAINTENANCE'
        return 'UP'


class RequestSpecs:
    """Request specs of the servers of one response, read in one call
    the first time one is needed (from 2.96, which shows what they hold)."""

    def __init__(self, ctx, instances):
        self.ctx = ctx
        self.uuids = [inst.uuid for inst in instances]
        self._specs = None

    def __call__(self, inst):
        if self._specs is None:
            self._specs = {
                spec.instance_uuid: spec for spec in
                objects.RequestSpecList.get_by_instance_uuids(self.ctx,
                                                              self.uuids)}
        return self._specs.get(inst.uuid)


class SecurityGroups:
    """The security groups of the servers of one response (those of
    their ports), read from the network service in one go, chunked by
    server, the first time one is needed; none without a network
    service."""

    def __init__(self, ctx, instances):
        self.ctx = ctx
        self.uuids = [inst.uuid for inst in instances]
        self._groups = None

    def __call__(self, inst):
        from nova.network import api as net_api
        if not net_api.is_neutron():
            return None
        if self._groups is None:
            from nova.network import security_groups
            self._groups = security_groups.API().of_servers(self.ctx,
                                                            self.uuids)
        return self._groups.get(inst.uuid)


def render(req, inst, show=False, host_status=None, request_specs=None,
           security_groups=None):
    ctx = common.context(req)
    return view.detail(req, inst, addresses(ctx, inst),
                       host_status=host_status or HostStatus(ctx),
                       show=show,
                       request_spec=request_specs or RequestSpecs(ctx,
                                                                  [inst]),
                       security_groups=security_groups or
                       SecurityGroups(ctx, [inst]))


def _flavor_for_create(ctx, flavor_ref):
    flavor_id = str(flavor_ref).rstrip('/').rsplit('/', 1)[-1]
    with faults.translate((exception.FlavorNotFound, 400,
                           'Invalid flavorRef provided.')):
        return objects.Flavor.get_by_flavor_id(ctx, flavor_id)


def _requested_networks(networks):
    """The network request of a boot: None when the body names none
    (before 2.37), [{"uuid": "auto"}] or [{"uuid": "none"}] for the
    special values of 2.37, else the body's list.

    The network API refuses what its backend cannot give (with the "none"
    backend: any network, port or fixed IP) with a 400.
    """
    if networks is None:
        return None
    if networks in ('none', 'auto'):
        return [{'uuid': networks}]
    return [dict(request) for request in networks] or None


def _special_networks(requested):
    return (len(requested) == 1 and
            requested[0].get('uuid') in ('none', 'auto') and
            not requested[0].get('port'))


def _image_from_block_devices(image_ref, block_devices):
    """The image to boot from, given imageRef and block_device_mapping_v2.

    Clients such as openstack CLI describe a plain image boot as a mapping
    from the image to a local disk; that is accepted. Anything that needs
    a volume cannot be served: there is no block storage service.
    """
    for bdm in block_devices or []:
        if bdm.get('destination_type') == 'volume' or \
                bdm.get('source_type') in ('volume', 'snapshot'):
            raise webob.exc.HTTPBadRequest(
                explanation='Block device mappings that use volumes are not '
                            'supported: this cloud has no block storage '
                            'service.')
        if bdm.get('source_type') == 'image' and \
                str(bdm.get('boot_index')) == '0':
            if image_ref and bdm.get('uuid') != image_ref:
                raise webob.exc.HTTPBadRequest(
                    explanation='imageRef and the image of the boot block '
                                'device mapping differ.')
            image_ref = image_ref or bdm.get('uuid', '')
    return image_ref


def auto_disk_config(values):
    """OS-DCF:diskConfig of a create, update, rebuild or resize body as
    the compute API takes it: True for AUTO, False for MANUAL, None when
    the body has none (the schemas allow no other value)."""
    value = values.get('OS-DCF:diskConfig')
    if value is None:
        return None
    return value == 'AUTO'


def injected_files(personality):
    """The (path, base64 contents) pairs of a request's ``personality``
    (create and rebuild), as the compute API takes them."""
    return [(item['path'], item['contents']) for item in personality or []]


def _forced_destination(availability_zone):
    """Whether ``availability_zone`` names a host or node too, as in
    "zone:host", "zone:host:node" or "zone::node"."""
    parts = (availability_zone or '').split(':')
    return any(parts[1:3])


def _create(req):
    ctx = common.context(req)
    version = common.version(req)
    body = validation.body(req, schema.create(version))
    server = body['server']
    owner = {'project_id': ctx.project_id, 'user_id': ctx.user_id,
             'availability_zone': server.get('availability_zone')}
    common.authorize(req, policies.CREATE, owner)
    if _forced_destination(server.get('availability_zone')):
        common.authorize(req, policies.CREATE_FORCED_HOST, owner)
    image_ref = _image_from_block_devices(
        server.get('imageRef', ''), server.get('block_device_mapping_v2'))
    if not image_ref:
        raise webob.exc.HTTPBadRequest(
            explanation='Missing imageRef attribute')
    min_count = int(server.get('min_count', 1))
    max_count = int(server.get('max_count', min_count))
    if min_count > max_count:
        raise webob.exc.HTTPBadRequest(
            explanation='min_count must be <= max_count')
    password = server.get('adminPass') or generate_password()
    kwargs = dict(
        name=server['name'],
        description=server.get('description'),
        min_count=min_count,
        max_count=max_count,
        metadata=server.get('metadata', {}),
        key_name=server.get('key_name'),
        availability_zone=server.get('availability_zone'),
        user_data=server.get('user_data'),
        requested_networks=_requested_networks(server.get('networks')),
        access_ip_v4=server.get('accessIPv4'),
        access_ip_v6=server.get('accessIPv6'),
        config_drive=types.to_bool(server.get('config_drive', False)),
        return_reservation_id=types.to_bool(
            server.get('return_reservation_id', False)),
        admin_password=password,
        tags=server.get('tags'),
        auto_disk_config=auto_disk_config(server),
    )
    if server.get('personality'):
        kwargs['files_to_inject'] = injected_files(server['personality'])
    if 'hostname' in server:
        if max_count > 1:
            raise webob.exc.HTTPBadRequest(
                explanation='Cannot set a hostname when creating several '
                            'servers at once (max_count %d).' % max_count)
        kwargs['hostname'] = server['hostname']
    hints = (body.get('os:scheduler_hints') or
             body.get('OS-SCH-HNT:scheduler_hints'))
    if hints:
        kwargs['scheduler_hints'] = hints
    if server.get('security_groups'):
        kwargs['security_groups'] = list(dict.fromkeys(
            group['name'] for group in server['security_groups']))
    if kwargs['requested_networks'] and \
            not _special_networks(kwargs['requested_networks']):
        common.authorize(req, policies.CREATE_ATTACH_NETWORK, owner)
    flavor = _flavor_for_create(ctx, server['flavorRef'])
    if not flavor.root_gb and \
            not common.allowed(req, policies.ZERO_DISK_FLAVOR, owner):
        # No server here is volume-backed (there is no block storage).
        raise webob.exc.HTTPForbidden(
            explanation='Only volume-backed servers are allowed for flavors '
                        'with zero disk.')
    # Whatever is not found here (image, key pair, network, group...) was
    # named in the body: a bad request.
    with faults.translate(
            (exception.ImageNotFound, 400, 'Can not find requested image'),
            (exception.KeypairNotFound, 400, 'Invalid key_name provided.'),
            (exception.NotFound, 400),
            (exception.ExternalNetworkAttachForbidden, 403),
            (exception.PortLimitExceeded, 403),
            (exception.NetworkServiceUnavailable, 503),
            (exception.NoUniqueMatch, 409),
            (exception.PortInUse, 409),
            (exception.NetworkAmbiguous, 409)):
        instances, reservation_id = compute_api().create(
            ctx, flavor, image_ref, **kwargs)
    common.set_status(202)
    if kwargs['return_reservation_id']:
        return {'reservation_id': reservation_id}
    pecan.response.headers['Location'] = common.self_href(
        req, 'servers', instances[0].uuid)
    return view.create_response(req, instances[0], password,
                                security_groups=server.get(
                                    'security_groups'))


def _list(req, detailed):
    ctx = common.context(req)
    version = common.version(req)
    common.authorize(req, policies.DETAIL if detailed else policies.INDEX)
    params = validation.query(req, schema.list_query(version))
    search_opts = server_filters.search_opts(req, params, detailed)
    if server_filters.all_tenants(params):
        # Allowed by policy (search_opts checked it): the listing reaches
        # beyond the caller's project, as an administrator's does.
        ctx = ctx.elevated()
    limit, marker = common.paging(params)
    sort_keys, sort_dirs = server_filters.sort_params(req)
    if search_opts is None:
        instances = []
    else:
        instances = compute_api().get_all(
            ctx, search_opts=search_opts, limit=limit, marker=marker,
            sort_keys=sort_keys, sort_dirs=sort_dirs,
            cell_down_support=version >= mv.MV_DOWN_CELLS)
    if detailed:
        host_status = HostStatus(ctx)
        specs = RequestSpecs(ctx, instances)
        groups = SecurityGroups(ctx, [inst for inst in instances
                                      if not view.is_partial(inst)])
        items = [view.partial(req, inst, 'detail') if view.is_partial(inst)
                 else render(req, inst, host_status=host_status,
                             request_specs=specs, security_groups=groups)
                 for inst in instances]
        path = ['servers', 'detail']
    else:
        items = [view.partial(req, inst, 'summary')
                 if view.is_partial(inst) else view.summary(req, inst)
                 for inst in instances]
        path = None
    body = {'servers': items}
    links = common.collection_links(req, items, 'servers', limit, path=path)
    if links:
        body['servers_links'] = links
    return body


def _pin_zone(ctx, inst, zone):
    """Pin ``inst`` to ``zone`` (None unpins) in its request spec, which
    later moves are scheduled with. A server can only be pinned to the
    zone it is in: anything else would need a move."""
    if zone is not None and zone != inst.availability_zone:
        raise webob.exc.HTTPBadRequest(
            explanation='Server %s is in availability zone %s; it can only '
                        'be pinned to the zone it is in, not %s.'
                        % (inst.uuid, inst.availability_zone, zone))
    with faults.translate((exception.RequestSpecNotFound, 409,
                           'Server %s has no request spec to record its '
                           'zone in.' % inst.uuid)):
        spec = objects.RequestSpec.get_by_instance_uuid(ctx, inst.uuid)
    if spec.obj_attr_is_set('availability_zone') and \
            spec.availability_zone == zone:
        return
    spec.availability_zone = zone
    spec.save()


class ServerController:
    """One server: /servers/{id}."""

    def __init__(self, server_id):
        self.server_id = server_id

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def show(self):
        req = pecan.request
        inst = get_server(
            req, self.server_id, policies.SHOW,
            cell_down_support=common.version(req) >= mv.MV_DOWN_CELLS)
        if view.is_partial(inst):
            return {'server': view.partial(req, inst, 'show')}
        return {'server': render(req, inst, show=True)}

    @index.when(method='PUT', template='json')
    def update(self):
        req = pecan.request
        version = common.version(req)
        values = validation.body(req, schema.update(version))['server']
        updates = {}
        for field, attr in (('name', 'display_name'),
                            ('description', 'display_description'),
                            ('accessIPv4', 'access_ip_v4'),
                            ('accessIPv6', 'access_ip_v6')):
            if field in values:
                updates[attr] = values[field] or None
        if 'hostname' in values:
            updates['hostname'] = values['hostname']
        if 'OS-DCF:diskConfig' in values:
            updates['auto_disk_config'] = auto_disk_config(values)
        inst = get_server(req, self.server_id, policies.UPDATE)
        if 'pinned_availability_zone' in values:
            _pin_zone(common.context(req), inst,
                      values['pinned_availability_zone'])
        inst = compute_api().update_instance(common.context(req), inst,
                                             updates)
        if version >= mv.MV_API_CLEANUP:
            return {'server': render(req, inst, show=True)}
        # Plain addresses before 2.75, as upstream's update answers.
        body = view.basic(req, inst, addresses(common.context(req), inst,
                                               extended=False))
        if version >= mv.MV_SERVER_GROUPS:
            body['server_groups'] = view.server_groups(req, inst)
        return {'server': body}

    @index.when(method='DELETE', template='json')
    def delete(self):
        req = pecan.request
        inst = get_server(req, self.server_id, policies.DELETE)
        compute_api().delete(common.context(req), inst)
        return common.empty_response(204)


class ServersController:
    """/servers and /servers/detail."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        return _list(pecan.request, detailed=False)

    @index.when(method='POST', template='json')
    def create(self):
        return _create(pecan.request)

    @pecan.expose(generic=True)
    def detail(self):
        common.method_not_allowed()

    @detail.when(method='GET', template='json')
    def detail_get(self):
        return _list(pecan.request, detailed=True)

    @pecan.expose()
    def _lookup(self, server_id, *remainder):
        if not remainder:
            return ServerController(server_id), remainder
        cls = server_resources.controller_class(remainder[0])
        if cls is None:
            raise webob.exc.HTTPNotFound()
        return cls(server_id), remainder[1:]

"""Server actions: createImage, createBackup, rebuild, shelve,
shelveOffload, unshelve, restore and forceDelete.

Each handler validates the body (schemas below, by microversion), calls
one method of nova.compute.api.API (nova/compute/api_images.py) and
shapes the answer as upstream does.
"""

import copy

import pecan
import webob.exc

from nova.api import common
from nova.api.controllers import server_actions
from nova.api.controllers import servers
from nova.api import microversions as mv
from nova.api.schemas import servers as servers_schema
from nova.api.schemas import types
from nova.api.views import servers as view
from nova import exception
from nova.policies import create_backup as backup_policies
from nova.policies import deferred_delete as deferred_delete_policies
from nova.policies import servers as servers_policies
from nova.policies import shelve as shelve_policies

# ----------------------------------------------------------------------
# Schemas
# ----------------------------------------------------------------------
def _action(name, body):
    return {'type': 'object', 'properties': {name: body},
            'required': [name], 'additionalProperties': False}


def _any_value(name):
    # Upstream does not look at the value of shelve, shelveOffload,
    # restore, forceDelete (nor of unshelve before 2.77): null, {} (what
    # Tempest sends) or anything else is accepted.
    return _action(name, {})


CREATE_IMAGE = _action('createImage', {
    'type': 'object',
    'properties': {'name': types.name, 'metadata': types.metadata},
    'required': ['name'],
    'additionalProperties': False,
})

CREATE_BACKUP = _action('createBackup', {
    'type': 'object',
    'properties': {
        'name': types.name,
        'backup_type': {'type': 'string'},
        'rotation': types.non_negative_integer,
        'metadata': types.metadata,
    },
    'required': ['name', 'backup_type', 'rotation'],
    'additionalProperties': False,
})

_ACCESS_IP = {
    'accessIPv4': {'oneOf': [{'type': 'string', 'format': 'ipv4'},
                             {'type': 'string', 'maxLength': 0}]},
    'accessIPv6': {'oneOf': [{'type': 'string', 'format': 'ipv6'},
                             {'type': 'string', 'maxLength': 0}]},
}

_REBUILD = {
    'type': 'object',
    'properties': dict({
        'imageRef': {'type': 'string', 'minLength': 1},
        'name': types.name,
        'adminPass': {'type': 'string'},
        'metadata': types.metadata,
        'preserve_ephemeral': types.boolean,
        'OS-DCF:diskConfig': {'type': 'string', 'enum': ['AUTO', 'MANUAL']},
        'personality': servers_schema.personality,
    }, **_ACCESS_IP),
    'required': ['imageRef'],
    'additionalProperties': False,
}

_HOSTNAME = {'type': 'string', 'minLength': 1, 'maxLength': 255,
             'pattern': '^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$'}


def rebuild_schema(version):
    body = copy.deepcopy(_REBUILD)
    props = body['properties']
    if version >= mv.MV_DESCRIPTION:
        props['description'] = types.description
    if version >= mv.MV_REBUILD_KEY_NAME:
        props['key_name'] = {'type': ['string', 'null'], 'minLength': 1,
                             'maxLength': 255}
    if version >= mv.MV_NO_PERSONALITY:
        del props['personality']
        props['user_data'] = {'type': ['string', 'null'],
                              'format': 'base64', 'maxLength': 65535}
    if version >= mv.MV_TRUSTED_CERTS:
        props['trusted_image_certificates'] = {
            'type': ['array', 'null'], 'minItems': 1, 'maxItems': 50,
            'uniqueItems': True,
            'items': {'type': 'string', 'minLength': 1}}
    if version >= mv.MV_HOSTNAME_FOR_ALL:
        props['hostname'] = _HOSTNAME
    return _action('rebuild', body)


def unshelve_schema(version):
    if version >= mv.MV_UNSHELVE_TO_HOST:
        return _action('unshelve', {
            'type': ['object', 'null'],
            'properties': {
                'availability_zone': {
                    'type': ['string', 'null'], 'minLength': 1,
                    'maxLength': 255, 'format': 'name'},
                'host': _HOSTNAME,
            },
            'minProperties': 1,
            'additionalProperties': False,
        })
    if version >= mv.MV_UNSHELVE_AZ:
        return _action('unshelve', {
            'type': ['object', 'null'],
            'properties': {'availability_zone': types.name},
            'required': ['availability_zone'],
            'additionalProperties': False,
        })
    return _any_value('unshelve')


# ----------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------
def _image_url(req, image_id):
    return '%s/image/v2/images/%s' % (req.host_url, image_id)


def _image_answer(req, image):
    """202: {"image_id"} at 2.45+, else an empty body and a Location."""
    if common.version(req) >= mv.MV_IMAGE_ID_BODY:
        common.set_status(202)
        return {'image_id': image['id']}
    pecan.response.headers['Location'] = _image_url(req, image['id'])
    return None


def _image_ref_id(image_ref):
    return str(image_ref).rstrip('/').rsplit('/', 1)[-1]


# ----------------------------------------------------------------------
# Handlers
# ----------------------------------------------------------------------
@server_actions.action('createImage', schema=CREATE_IMAGE)
def create_image(req, server_id, value):
    ctx = common.context(req)
    inst = servers.get_server(req, server_id, servers_policies.CREATE_IMAGE)
    image = servers.compute_api().snapshot(
        ctx, inst, value['name'],
        extra_properties=dict(value.get('metadata') or {}))
    return _image_answer(req, image)


@server_actions.action('createBackup', schema=CREATE_BACKUP)
def create_backup(req, server_id, value):
    ctx = common.context(req)
    inst = servers.get_server(req, server_id, backup_policies.CREATE_BACKUP)
    image = servers.compute_api().backup(
        ctx, inst, value['name'], value['backup_type'],
        int(value['rotation']),
        extra_properties=dict(value.get('metadata') or {}))
    return _image_answer(req, image)


@server_actions.action('rebuild', schema=rebuild_schema)
def rebuild(req, server_id, value):
    ctx = common.context(req)
    version = common.version(req)
    inst = servers.get_server(req, server_id, servers_policies.REBUILD)
    if value.get('trusted_image_certificates'):
        common.authorize(req, servers_policies.REBUILD_TRUSTED_CERTS,
                         servers.target(inst))
    password = value.get('adminPass') or servers.generate_password()
    kwargs = {}
    for field, key in (('name', 'name'),
                       ('description', 'description'),
                       ('metadata', 'metadata'),
                       ('preserve_ephemeral', 'preserve_ephemeral'),
                       ('key_name', 'key_name'),
                       ('user_data', 'user_data'),
                       ('hostname', 'hostname'),
                       ('trusted_image_certificates', 'trusted_certs')):
        if field in value:
            kwargs[key] = value[field]
    if 'preserve_ephemeral' in kwargs:
        kwargs['preserve_ephemeral'] = types.to_bool(
            kwargs['preserve_ephemeral'])
    for field, key in (('accessIPv4', 'access_ip_v4'),
                       ('accessIPv6', 'access_ip_v6')):
        if field in value:
            kwargs[key] = value[field] or None
    files = servers.injected_files(value.get('personality'))
    image_id = _image_ref_id(value['imageRef'])
    try:
        inst = servers.compute_api().rebuild(ctx, inst, image_id, password,
                                             files_to_inject=files, **kwargs)
    except exception.ImageNotFound:
        raise webob.exc.HTTPBadRequest(
            explanation='Cannot find requested image')
    except exception.KeypairNotFound:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid key_name provided.')
    common.set_status(202)
    if version >= mv.MV_API_CLEANUP:
        body = servers.render(req, inst, show=True)
        # The show view's admin-only copy gives way to the plain
        # user_data every caller gets (below), as upstream answers.
        body.pop('OS-EXT-SRV-ATTR:user_data', None)
    else:
        body = view.basic(req, inst,
                          servers.addresses(ctx, inst))
        if version >= mv.MV_REBUILD_KEY_NAME:
            body['key_name'] = inst.key_name
    if version >= mv.MV_NO_PERSONALITY:
        body['user_data'] = inst.user_data
    body['adminPass'] = password
    return {'server': body}


@server_actions.action('shelve', schema=_any_value('shelve'))
def shelve(req, server_id, value):
    inst = servers.get_server(req, server_id, shelve_policies.SHELVE)
    servers.compute_api().shelve(common.context(req), inst)


@server_actions.action('shelveOffload', schema=_any_value('shelveOffload'))
def shelve_offload(req, server_id, value):
    inst = servers.get_server(req, server_id,
                              shelve_policies.SHELVE_OFFLOAD)
    servers.compute_api().shelve_offload(common.context(req), inst)


@server_actions.action('unshelve', schema=unshelve_schema)
def unshelve(req, server_id, value):
    ctx = common.context(req)
    if common.version(req) < mv.MV_UNSHELVE_AZ or \
            not isinstance(value, dict):
        # Before 2.77 the value is not read, whatever it holds.
        value = {}
    inst = servers.get_server(req, server_id, shelve_policies.UNSHELVE)
    host = value.get('host')
    if host:
        common.authorize(req, shelve_policies.UNSHELVE_TO_HOST,
                         servers.target(inst))
    try:
        servers.compute_api().unshelve(
            ctx, inst, new_az=value.get('availability_zone'),
            az_given='availability_zone' in value, host=host)
    except exception.ComputeHostNotFound as exc:
        raise webob.exc.HTTPBadRequest(explanation=exc.format_message())


@server_actions.action('restore', schema=_any_value('restore'))
def restore(req, server_id, value):
    inst = servers.get_server(req, server_id,
                              deferred_delete_policies.RESTORE)
    servers.compute_api().restore(common.context(req), inst)


@server_actions.action('forceDelete', schema=_any_value('forceDelete'))
def force_delete(req, server_id, value):
    inst = servers.get_server(req, server_id,
                              deferred_delete_policies.FORCE)
    servers.compute_api().force_delete(common.context(req), inst)

"""Server actions: createImage, createBackup, rebuild, shelve,
shelveOffload, unshelve, restore and forceDelete.

Each handler validates the body (nova.api.schemas.actions.images), calls
one method of nova.compute.api.API (nova/compute/api_images.py) and
shapes the answer as upstream does.
"""

import pecan

from nova.api import common
from nova.api.controllers import server_actions
from nova.api.controllers import servers
from nova.api import faults
from nova.api import microversions as mv
from nova.api.schemas.actions import any_value
from nova.api.schemas.actions import images as schema
from nova.api.schemas import types
from nova.api.views import servers as view
from nova import exception
from nova.policies import create_backup as backup_policies
from nova.policies import deferred_delete as deferred_delete_policies
from nova.policies import servers as servers_policies
from nova.policies import shelve as shelve_policies

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
@server_actions.action('createImage', schema=schema.create_image)
def create_image(req, server_id, value):
    ctx = common.context(req)
    inst = servers.get_server(req, server_id, servers_policies.CREATE_IMAGE)
    image = servers.compute_api().snapshot(
        ctx, inst, value['name'],
        extra_properties=dict(value.get('metadata') or {}))
    return _image_answer(req, image)


@server_actions.action('createBackup', schema=schema.create_backup)
def create_backup(req, server_id, value):
    ctx = common.context(req)
    inst = servers.get_server(req, server_id, backup_policies.CREATE_BACKUP)
    image = servers.compute_api().backup(
        ctx, inst, value['name'], value['backup_type'],
        int(value['rotation']),
        extra_properties=dict(value.get('metadata') or {}))
    return _image_answer(req, image)


@server_actions.action('rebuild', schema=schema.rebuild)
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
    if 'OS-DCF:diskConfig' in value:
        kwargs['auto_disk_config'] = servers.auto_disk_config(value)
    files = servers.injected_files(value.get('personality'))
    image_id = _image_ref_id(value['imageRef'])
    # The image and the key pair are the body's imageRef and key_name.
    with faults.translate(
            (exception.ImageNotFound, 400, 'Cannot find requested image'),
            (exception.KeypairNotFound, 400, 'Invalid key_name provided.')):
        inst = servers.compute_api().rebuild(ctx, inst, image_id, password,
                                             files_to_inject=files, **kwargs)
    common.set_status(202)
    if version >= mv.MV_API_CLEANUP:
        body = servers.render(req, inst, show=True)
        # The show view's admin-only copy gives way to the plain
        # user_data every caller gets (below), as upstream answers.
        body.pop('OS-EXT-SRV-ATTR:user_data', None)
    else:
        # Before 2.75 upstream answers with the plain addresses (no
        # OS-EXT-IPS type nor MAC), as Tempest's rebuild schema says.
        body = view.basic(req, inst,
                          servers.addresses(ctx, inst, extended=False))
        if version >= mv.MV_REBUILD_KEY_NAME:
            body['key_name'] = inst.key_name
    if version >= mv.MV_NO_PERSONALITY:
        body['user_data'] = inst.user_data
    body['adminPass'] = password
    return {'server': body}


@server_actions.action('shelve', schema=any_value('shelve'))
def shelve(req, server_id, value):
    inst = servers.get_server(req, server_id, shelve_policies.SHELVE)
    servers.compute_api().shelve(common.context(req), inst)


@server_actions.action('shelveOffload', schema=any_value('shelveOffload'))
def shelve_offload(req, server_id, value):
    inst = servers.get_server(req, server_id,
                              shelve_policies.SHELVE_OFFLOAD)
    servers.compute_api().shelve_offload(common.context(req), inst)


@server_actions.action('unshelve', schema=schema.unshelve)
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
    # The host is the body's.
    with faults.translate((exception.ComputeHostNotFound, 400)):
        servers.compute_api().unshelve(
            ctx, inst, new_az=value.get('availability_zone'),
            az_given='availability_zone' in value, host=host)


@server_actions.action('restore', schema=any_value('restore'))
def restore(req, server_id, value):
    inst = servers.get_server(req, server_id,
                              deferred_delete_policies.RESTORE)
    servers.compute_api().restore(common.context(req), inst)


@server_actions.action('forceDelete', schema=any_value('forceDelete'))
def force_delete(req, server_id, value):
    inst = servers.get_server(req, server_id,
                              deferred_delete_policies.FORCE)
    servers.compute_api().force_delete(common.context(req), inst)

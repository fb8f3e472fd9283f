"""Server actions: resize, confirmResize, revertResize, migrate.

resize and migrate answer 202 once the conductor has picked and claimed a
destination (NoValidHost answers 400 with the server left as it was);
the server then goes through RESIZE to VERIFY_RESIZE, where confirmResize
keeps the move and revertResize undoes it.
"""

import webob.exc

from nova.api import common
from nova.api.controllers import server_actions
from nova.api.controllers import servers
from nova.api import microversions as mv
from nova import exception
from nova.policies import migrate_server as migrate_policies
from nova.policies import servers as servers_policies

action = server_actions.action


def _body_schema(name, value_schema):
    return {
        'type': 'object',
        'properties': {name: value_schema},
        'required': [name],
        'additionalProperties': False,
    }


_resize = _body_schema('resize', {
    'type': 'object',
    'properties': {
        'flavorRef': {'type': ['string', 'integer'], 'minLength': 1},
        'OS-DCF:diskConfig': {'type': 'string', 'enum': ['AUTO', 'MANUAL']},
    },
    'required': ['flavorRef'],
    'additionalProperties': False,
})

# Upstream does not look at the value of confirmResize and revertResize:
# null, {} or anything else is accepted.
_any_value = {}

_migrate_v2_56 = _body_schema('migrate', {
    'type': ['object', 'null'],
    'properties': {
        'host': {'type': ['string', 'null'], 'minLength': 1,
                 'maxLength': 255},
    },
    'additionalProperties': False,
})


def _migrate_schema(version):
    if version >= mv.MV_MIGRATE_HOST:
        return _migrate_v2_56
    # Before 2.56 the body's value was not looked at.
    return _body_schema('migrate', {})


def _flavor_id(flavor_ref):
    return str(flavor_ref).rstrip('/').rsplit('/', 1)[-1]


def _move(req, instance, flavor_id=None, host=None):
    ctx = common.context(req)
    try:
        servers.compute_api().resize(ctx, instance, flavor_id=flavor_id,
                                     host_name=host)
    except exception.FlavorNotFound:
        raise webob.exc.HTTPBadRequest(
            explanation='Unable to locate requested flavor.')
    except exception.ComputeHostNotFound as exc:
        raise webob.exc.HTTPBadRequest(explanation=exc.format_message())
    except exception.NoValidHost as exc:
        # The message starts with "No valid host was found." already.
        raise webob.exc.HTTPBadRequest(explanation=exc.format_message())
    except exception.MigrationError as exc:
        if getattr(exc, 'code', 500) == 400:
            raise webob.exc.HTTPBadRequest(
                explanation=exc.format_message())
        raise


@action('resize', schema=_resize)
def resize(req, server_id, value):
    instance = servers.get_server(req, server_id, servers_policies.RESIZE)
    _move(req, instance, flavor_id=_flavor_id(value['flavorRef']))


@action('migrate', schema=_migrate_schema)
def migrate(req, server_id, value):
    host = None
    if common.version(req) >= mv.MV_MIGRATE_HOST and \
            isinstance(value, dict):
        host = value.get('host')
    # Letting the scheduler pick is for project managers too; naming the
    # destination is for administrators.
    rule = migrate_policies.MIGRATE_HOST if host \
        else migrate_policies.MIGRATE
    _move(req, servers.get_server(req, server_id, rule), host=host)


def _has_not_been_resized():
    return webob.exc.HTTPBadRequest(
        explanation='Instance has not been resized.')


@action('confirmResize', schema=_body_schema('confirmResize',
                                             _any_value))
def confirm_resize(req, server_id, value):
    ctx = common.context(req)
    instance = servers.get_server(req, server_id,
                                  servers_policies.CONFIRM_RESIZE)
    try:
        servers.compute_api().confirm_resize(ctx, instance)
    except exception.MigrationNotFound:
        raise _has_not_been_resized()
    common.set_status(204)
    return common.empty_response(204)


@action('revertResize', schema=_body_schema('revertResize',
                                            _any_value))
def revert_resize(req, server_id, value):
    ctx = common.context(req)
    instance = servers.get_server(req, server_id,
                                  servers_policies.REVERT_RESIZE)
    try:
        servers.compute_api().revert_resize(ctx, instance)
    except exception.MigrationNotFound:
        raise _has_not_been_resized()

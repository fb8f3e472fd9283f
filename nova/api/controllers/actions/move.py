"""Server actions: resize, confirmResize, revertResize, migrate.

resize and migrate answer 202 once the conductor has picked and claimed a
destination (NoValidHost answers 400 with the server left as it was);
the server then goes through RESIZE to VERIFY_RESIZE, where confirmResize
keeps the move and revertResize undoes it.
"""

from nova.api import common
from nova.api.controllers import server_actions
from nova.api.controllers import servers
from nova.api import faults
from nova.api import microversions as mv
from nova.api.schemas.actions import any_value
from nova.api.schemas.actions import move as schema
from nova import exception
from nova.policies import migrate_server as migrate_policies
from nova.policies import servers as servers_policies

action = server_actions.action


def _flavor_id(flavor_ref):
    return str(flavor_ref).rstrip('/').rsplit('/', 1)[-1]


def _move(req, instance, flavor_id=None, host=None, auto_disk_config=None):
    ctx = common.context(req)
    # The flavor and the host are the body's: naming ones that do not
    # exist, or that no host can take, is a bad request.
    with faults.translate(
            (exception.FlavorNotFound, 400,
             'Unable to locate requested flavor.'),
            (exception.ComputeHostNotFound, 400),
            # NoValidHost's message says "No valid host was found." itself.
            (exception.NoValidHost, 400)):
        servers.compute_api().resize(ctx, instance, flavor_id=flavor_id,
                                     host_name=host,
                                     auto_disk_config=auto_disk_config)


@action('resize', schema=schema.resize)
def resize(req, server_id, value):
    instance = servers.get_server(req, server_id, servers_policies.RESIZE)
    _move(req, instance, flavor_id=_flavor_id(value['flavorRef']),
          auto_disk_config=servers.auto_disk_config(value))


@action('migrate', schema=schema.migrate)
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


# A server with no resize to confirm or revert is in the wrong state for
# the request (400, as upstream), not a missing resource.
_NOT_RESIZED = (exception.MigrationNotFound, 400,
                'Instance has not been resized.')


@action('confirmResize', schema=any_value('confirmResize'))
def confirm_resize(req, server_id, value):
    ctx = common.context(req)
    instance = servers.get_server(req, server_id,
                                  servers_policies.CONFIRM_RESIZE)
    with faults.translate(_NOT_RESIZED):
        servers.compute_api().confirm_resize(ctx, instance)
    common.set_status(204)
    return common.empty_response(204)


@action('revertResize', schema=any_value('revertResize'))
def revert_resize(req, server_id, value):
    ctx = common.context(req)
    instance = servers.get_server(req, server_id,
                                  servers_policies.REVERT_RESIZE)
    with faults.translate(_NOT_RESIZED):
        servers.compute_api().revert_resize(ctx, instance)

"""Server actions: reboot, os-stop, os-start, pause, unpause, suspend,
resume, lock, unlock, rescue, unrescue, os-resetState, trigger_crash_dump,
os-getConsoleOutput, changePassword.

Each handler loads the caller's server, checks its policy rule against
the server's owner, calls one method of the compute API (which checks
states and locks, 409) and answers an empty 202, except rescue and
os-getConsoleOutput which answer 200 with a body.
"""

import re

import webob.exc

from nova.api import faults
import nova.conf
from nova.api import common
from nova.api.controllers import server_actions
from nova.api.controllers import servers
from nova.api import microversions as mv
from nova.api.schemas.actions import any_value
from nova.api.schemas.actions import basic as schema
from nova import exception
from nova.policies import admin_actions as admin_actions_policies
from nova.policies import admin_password as admin_password_policies
from nova.policies import console_output as console_output_policies
from nova.policies import lock_server as lock_policies
from nova.policies import pause_server as pause_policies
from nova.policies import rescue as rescue_policies
from nova.policies import servers as servers_policies
from nova.policies import suspend_server as suspend_policies

CONF = nova.conf.CONF

action = server_actions.action


def _call(req, server_id, rule, method, *args, **kwargs):
    ctx = common.context(req)
    inst = servers.get_server(req, server_id, rule)
    return getattr(servers.compute_api(), method)(ctx, inst, *args,
                                                  **kwargs)


@action('reboot', schema=schema.reboot)
def reboot(req, server_id, value):
    _call(req, server_id, servers_policies.REBOOT, 'reboot',
          value['type'].upper())


@action('os-stop', schema=any_value('os-stop'))
def stop(req, server_id, value):
    _call(req, server_id, servers_policies.STOP, 'stop')


@action('os-start', schema=any_value('os-start'))
def start(req, server_id, value):
    _call(req, server_id, servers_policies.START, 'start')


@action('pause', schema=any_value('pause'))
def pause(req, server_id, value):
    _call(req, server_id, pause_policies.PAUSE, 'pause')


@action('unpause', schema=any_value('unpause'))
def unpause(req, server_id, value):
    _call(req, server_id, pause_policies.UNPAUSE, 'unpause')


@action('suspend', schema=any_value('suspend'))
def suspend(req, server_id, value):
    _call(req, server_id, suspend_policies.SUSPEND, 'suspend')


@action('resume', schema=any_value('resume'))
def resume(req, server_id, value):
    _call(req, server_id, suspend_policies.RESUME, 'resume')


@action('lock', schema=schema.lock)
def lock(req, server_id, value):
    reason = None
    if common.version(req) >= mv.MV_LOCKED_REASON and \
            isinstance(value, dict):
        reason = value.get('locked_reason')
    _call(req, server_id, lock_policies.LOCK, 'lock', reason=reason)


@action('unlock', schema=any_value('unlock'))
def unlock(req, server_id, value):
    ctx = common.context(req)
    inst = servers.get_server(req, server_id, lock_policies.UNLOCK)
    api = servers.compute_api()
    if not api.is_expected_locked_by(ctx, inst):
        # The lock was set by the other side (an administrator, for the
        # owner): lifting it needs the override.
        common.authorize(req, lock_policies.UNLOCK_OVERRIDE,
                         servers.target(inst))
    api.unlock(ctx, inst)


@action('rescue', schema=schema.rescue)
def rescue(req, server_id, value):
    value = value or {}
    password = None
    if CONF.api.enable_instance_password:
        password = value.get('adminPass') or servers.generate_password()
    # The rescue image is the body's rescue_image_ref.
    with faults.translate((exception.ImageNotFound, 400)):
        _call(req, server_id, rescue_policies.RESCUE, 'rescue',
              rescue_password=password,
              rescue_image_ref=value.get('rescue_image_ref'))
    common.set_status(200)
    return {'adminPass': password} if password else {}


@action('unrescue', schema=any_value('unrescue'))
def unrescue(req, server_id, value):
    _call(req, server_id, rescue_policies.UNRESCUE, 'unrescue')


@action('os-resetState', schema=schema.reset_state)
def reset_state(req, server_id, value):
    ctx = common.context(req)
    inst = servers.get_server(req, server_id,
                              admin_actions_policies.RESET_STATE)
    servers.compute_api().reset_state(ctx, inst, value['state'])


@action('trigger_crash_dump', schema=schema.trigger_crash_dump,
        min_version=mv.MV_CRASH_DUMP)
def trigger_crash_dump(req, server_id, value):
    _call(req, server_id, servers_policies.TRIGGER_CRASH_DUMP,
          'trigger_crash_dump')


@action('changePassword', schema=schema.change_password)
def change_password(req, server_id, value):
    # The guest cannot take a password without its agent: a conflict
    # with what the server is, as upstream answers.
    with faults.translate((NotImplementedError, 501,
                           'Unable to set password on instance'),
                          (exception.InstanceAgentNotEnabled, 409)):
        _call(req, server_id, admin_password_policies.CHANGE_PASSWORD,
              'set_admin_password', value['adminPass'])


# Control characters other than tab, newline and carriage return do not
# belong in a JSON string shown to users.
_CONTROL_CHARS = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f]')


@action('os-getConsoleOutput', schema=schema.console_output)
def get_console_output(req, server_id, value):
    length = (value or {}).get('length')
    if length is not None:
        length = int(length)
        if length < -1:
            raise webob.exc.HTTPBadRequest(
                explanation='length must be -1 (everything) or a '
                            'non-negative number of lines')
        if length == -1:
            length = None
    with faults.translate((NotImplementedError, 501,
                           'Unable to get console log, functionality not '
                           'implemented')):
        output = _call(req, server_id,
                       console_output_policies.CONSOLE_OUTPUT,
                       'get_console_output', tail_length=length)
    common.set_status(200)
    return {'output': _CONTROL_CHARS.sub('', output or '')}

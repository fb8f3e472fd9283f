"""Policy enforcement: oslo.policy with nova's defaults in code.

Every API action is checked here against the rules of nova.policies,
which an operator overrides in [oslo_policy] policy_file (policy.yaml).
``context.can(action, target)`` is the one way code asks.
"""

import sys
import threading

from oslo_policy import opts as policy_opts
from oslo_policy import policy

import nova.conf
from nova import exception
from nova import policies

CONF = nova.conf.CONF

# New defaults and scope checks are what upstream ships enabled.
policy_opts.set_defaults(CONF, policy_file='policy.yaml',
                         enforce_scope=True, enforce_new_defaults=True)

_ENFORCER = None
_LOCK = threading.Lock()


def init(policy_file=None, rules=None, suppress_deprecation_warnings=True):
    """The process's enforcer, created once with every default rule."""
    global _ENFORCER
    with _LOCK:
        if _ENFORCER is None:
            enforcer = policy.Enforcer(CONF, policy_file=policy_file,
                                       rules=rules)
            enforcer.suppress_deprecation_warnings = (
                suppress_deprecation_warnings)
            enforcer.register_defaults(policies.list_rules())
            enforcer.load_rules()
            _ENFORCER = enforcer
    return _ENFORCER


def reset():
    global _ENFORCER
    with _LOCK:
        if _ENFORCER is not None:
            _ENFORCER.clear()
        _ENFORCER = None


def default_target(context):
    return {'project_id': context.project_id, 'user_id': context.user_id}


def authorize(context, action, target=None, fatal=True):
    """True if ``context`` may do ``action`` on ``target``.

    Refusals raise PolicyNotAuthorized (403) unless ``fatal`` is false.
    A name with no registered rule is a programming error, not a 403.
    """
    enforcer = init()
    if target is None:
        target = default_target(context)
    try:
        return enforcer.authorize(
            action, target, context, do_raise=fatal,
            exc=exception.PolicyNotAuthorized, action=action)
    except policy.InvalidScope:
        if not fatal:
            return False
        raise exception.PolicyNotAuthorized(action=action)


def check_is_admin(context):
    """Whether the context passes the ``context_is_admin`` rule."""
    return init().authorize('context_is_admin', {}, context, do_raise=False)


def _config_args(argv):
    """The --config-file/--config-dir arguments of a command line."""
    args = []
    for i, arg in enumerate(argv):
        if arg in ('--config-file', '--config-dir') and i + 1 < len(argv):
            args += [arg, argv[i + 1]]
        elif arg.startswith(('--config-file=', '--config-dir=')):
            args.append(arg)
    return args


def get_enforcer():
    """The enforcer of the oslopolicy-* tools (entry point
    ``oslo.policy.enforcer``), with the config files the tool was given
    (so that their [oslo_policy] policy_file overrides are seen)."""
    CONF(_config_args(sys.argv[1:]), project='nova')
    return init()

"""Quotas: limits on what a project (and each of its users) may hold.

Usage is counted from the resources themselves when a request needs it
(servers in the build requests and every cell, key pairs, server
groups), never stored, so it cannot drift. Limits come, most specific
first, from the user's own quota, the project's quota, the "default"
quota class and the [quota] options. -1 means unlimited.

Counting then creating is not atomic: two requests may both see room
for one more server. Callers that create counted resources therefore
check again once their records exist ([quota] recheck_quota) and undo
them if the count went over: ``recheck_instances`` for servers, and the
``check_*`` helpers below with count=0 for key pairs and server groups.
"""

import nova.conf
from nova import exception
from nova import objects

CONF = nova.conf.CONF

UNLIMITED = -1

# Every resource with a limit, in the order the API lists them, with the
# [quota] option of its default (None: not configurable).
RESOURCES = (
    ('instances', 'instances'),
    ('cores', 'cores'),
    ('ram', 'ram'),
    ('metadata_items', 'metadata_items'),
    ('injected_files', 'injected_files'),
    ('injected_file_content_bytes', 'injected_file_content_bytes'),
    ('injected_file_path_bytes', 'injected_file_path_length'),
    ('key_pairs', 'key_pairs'),
    ('server_groups', 'server_groups'),
    ('server_group_members', 'server_group_members'),
    # Quotas of the network proxy APIs, gone with nova-network; still
    # shown (and settable) before microversion 2.36.
    ('fixed_ips', None),
    ('floating_ips', None),
    ('security_groups', None),
    ('security_group_rules', None),
)
RESOURCE_NAMES = tuple(name for name, _opt in RESOURCES)
_LEGACY_DEFAULTS = {'fixed_ips': UNLIMITED, 'floating_ips': 10,
                    'security_groups': 10, 'security_group_rules': 20}

# Resources whose usage is counted (the others are checked against the
# size of a single request, e.g. metadata items).
COUNTABLE = ('instances', 'cores', 'ram', 'key_pairs', 'server_groups',
             'server_group_members')
NETWORK_RESOURCES = ('fixed_ips', 'floating_ips', 'security_groups',
                     'security_group_rules')
PERSONALITY_RESOURCES = ('injected_files', 'injected_file_content_bytes',
                         'injected_file_path_bytes')


def _enabled():
    return CONF.quota.driver != 'nova.quota.NoopQuotaDriver'


def config_defaults():
    """The limits of the [quota] options."""
    defaults = {}
    for name, opt in RESOURCES:
        defaults[name] = (getattr(CONF.quota, opt) if opt
                          else _LEGACY_DEFAULTS[name])
    return defaults


def _merge(stored, project_id=None, user_id=None):
    """Effective limits from what get_limits returned:
    (defaults, project limits, user limits)."""
    defaults = config_defaults()
    if not _enabled():
        defaults = dict.fromkeys(defaults, UNLIMITED)
        return defaults, dict(defaults), dict(defaults)
    defaults.update({k: v for k, v in stored.get('class', {}).items()
                     if k in defaults and v is not None})
    project = dict(defaults)
    project.update({k: v for k, v in stored.get('project', {}).items()
                    if k in project and v is not None})
    user = dict(project)
    user.update({k: v for k, v in stored.get('user', {}).items()
                 if k in user and v is not None})
    return defaults, project, user


# Reading limits (the API's quota sets and limits).

def get_defaults(context):
    """The limits a project without quotas of its own has."""
    return _merge(objects.Quotas.get_limits(context, None))[0]


def get_class_quotas(context, class_name):
    """Limits of a quota class: its stored values over the [quota]
    options (the "default" class is what get_defaults returns)."""
    limits = config_defaults()
    stored = objects.Quotas.get_class(context, class_name)
    limits.update({k: v for k, v in stored.items()
                   if k in limits and v is not None})
    return limits


def update_class_quotas(context, class_name, limits):
    objects.Quotas.set_class_limits(context, class_name, limits)


def _usage_entry(limit, in_use):
    return {'limit': limit, 'in_use': in_use, 'reserved': 0}


def get_project_quotas(context, project_id, user_id=None, usages=False):
    """{resource: limit}, or with ``usages`` {resource: {'limit',
    'in_use', 'reserved'}}, of the project or of one of its users."""
    if usages:
        data = objects.Quotas.get_limits_and_usage(
            context, project_id, user_id or context.user_id,
            [r for r in COUNTABLE if r != 'server_group_members'])
        stored = data['limits']
        if not user_id:
            stored = dict(stored, user={})
    else:
        stored = objects.Quotas.get_limits(context, project_id, user_id)
    _defaults, project, user = _merge(stored)
    limits = user if user_id else project
    if not usages:
        return limits
    counted = data['user'] if user_id else data['project']
    # Key pairs are per user: the project view shows the caller's.
    if 'key_pairs' in data['user']:
        counted = dict(counted, key_pairs=data['user']['key_pairs'])
    return {name: _usage_entry(limit, counted.get(name, 0))
            for name, limit in limits.items()}


def get_settable_quotas(context, project_id, user_id=None):
    """{resource: {'minimum', 'maximum'}}: the values a limit of the
    project (or user) may take without forcing."""
    data = objects.Quotas.get_limits_and_usage(
        context, project_id, user_id,
        [r for r in COUNTABLE if r != 'server_group_members'])
    _defaults, project, _user = _merge(data['limits'])
    settable = {}
    for name in RESOURCE_NAMES:
        if user_id:
            in_use = data['user'].get(name, 0)
            maximum = project[name]
        else:
            in_use = data['project'].get(name, 0)
            maximum = UNLIMITED
        settable[name] = {'minimum': in_use, 'maximum': maximum}
    return settable


def set_project_quotas(context, project_id, limits, user_id=None):
    objects.Quotas.set_limits(context, project_id, limits, user_id=user_id)


def destroy_all_by_project(context, project_id):
    objects.Quotas.destroy_all_by_project(context, project_id)


def destroy_all_by_project_and_user(context, project_id, user_id):
    objects.Quotas.destroy_all_by_project_and_user(context, project_id,
                                                   user_id)


# Checking.

def _over_quota(overs, requested, limits, headroom):
    """OverQuota with upstream's message: "Quota exceeded for cores,
    instances: Requested 2, 1, but already used 19, 10 of 20, 10 cores,
    instances"."""
    overs = sorted(overs)
    return exception.OverQuota(
        overs=', '.join(overs),
        req=', '.join(str(requested[o]) for o in overs),
        used=', '.join(str(limits[o] - headroom[o]) for o in overs),
        allowed=', '.join(str(limits[o]) for o in overs),
        quotas=limits, headroom=headroom, overs_list=overs)


def _evaluate(data, deltas, check_user):
    """(overs, limits, headroom) of applying ``deltas`` to the counted
    usage in ``data``."""
    _defaults, project, user = _merge(data['limits'])
    overs, headroom, limits = [], {}, {}
    for name, delta in deltas.items():
        limits[name] = project[name]
        room = _room(project[name], data['project'].get(name, 0))
        if check_user:
            user_room = _room(user[name], data['user'].get(name, 0))
            if room is None or (user_room is not None and user_room < room):
                room = user_room
                limits[name] = user[name]
        if room is None:
            continue
        headroom[name] = room
        if delta > room or room < 0:
            overs.append(name)
    return overs, limits, headroom


def _room(limit, used):
    if limit is None or limit < 0:
        return None
    return limit - used


def check_deltas(context, project_id, user_id, deltas, group_uuid=None):
    """Raise OverQuota if adding ``deltas`` ({resource: amount}) to what
    the project (and user) already use exceeds a limit.

    With deltas of 0 this checks that the current usage is within the
    limits: the re-check after recording new resources.
    """
    if not _enabled() or not deltas:
        return
    data = objects.Quotas.get_limits_and_usage(
        context, project_id, user_id, list(deltas), group_uuid=group_uuid)
    overs, limits, headroom = _evaluate(data, deltas, user_id is not None)
    if overs:
        raise _over_quota(overs, deltas, limits, headroom)


def check_absolute(context, project_id, values, user_id=None):
    """Raise OverQuota if a request-sized value ({resource: value}, e.g.
    metadata_items) exceeds its limit."""
    if not _enabled() or not values:
        return
    stored = objects.Quotas.get_limits(context, project_id, user_id)
    _defaults, project, user = _merge(stored)
    limits = user if user_id else project
    overs = [n for n, v in values.items()
             if limits[n] >= 0 and v > limits[n]]
    if overs:
        raise _over_quota(overs, values, limits,
                          {n: limits[n] for n in overs})


def instance_deltas(flavor, count):
    return {'instances': count, 'cores': count * flavor.vcpus,
            'ram': count * flavor.memory_mb}


def instances_allowed(context, flavor, min_count, max_count,
                      project_id=None, user_id=None):
    """How many servers of ``flavor`` (between min_count and max_count)
    the project can still have; TooManyInstances if not even min_count.
    """
    project_id = project_id or context.project_id
    user_id = user_id or context.user_id
    if not _enabled():
        return max_count
    data = objects.Quotas.get_limits_and_usage(
        context, project_id, user_id, ['instances', 'cores', 'ram'])
    deltas = instance_deltas(flavor, max_count)
    overs, limits, headroom = _evaluate(data, deltas, True)
    if not overs:
        return max_count
    allowed = headroom.get('instances', max_count)
    if flavor.vcpus and 'cores' in headroom:
        allowed = min(allowed, headroom['cores'] // flavor.vcpus)
    if flavor.memory_mb and 'ram' in headroom:
        allowed = min(allowed, headroom['ram'] // flavor.memory_mb)
    if min_count <= allowed <= max_count:
        return allowed
    raise too_many_instances(flavor, min_count, max_count, overs, limits,
                             headroom)


def too_many_instances(flavor, min_count, max_count, overs, limits,
                       headroom):
    """TooManyInstances naming the resources over quota."""
    count = (str(min_count) if min_count == max_count
             else '%d-%d' % (min_count, max_count))
    requested = {'instances': count, 'cores': min_count * flavor.vcpus,
                 'ram': min_count * flavor.memory_mb}
    over = _over_quota(overs, requested, limits, headroom)
    return exception.TooManyInstances(**over.kwargs)


def recheck_instances(context, flavor, num_instances, project_id=None,
                      user_id=None):
    """After the servers of a request are recorded: TooManyInstances if
    the project (or user) is now over its instances/cores/ram limits."""
    if not _enabled() or not CONF.quota.recheck_quota:
        return
    project_id = project_id or context.project_id
    user_id = user_id or context.user_id
    data = objects.Quotas.get_limits_and_usage(
        context, project_id, user_id, ['instances', 'cores', 'ram'])
    overs, limits, headroom = _evaluate(
        data, {'instances': 0, 'cores': 0, 'ram': 0}, True)
    if overs:
        # The headroom now is what was left before this request.
        before = {n: h + instance_deltas(flavor, num_instances)[n]
                  for n, h in headroom.items()}
        raise too_many_instances(flavor, num_instances, num_instances,
                                 overs, limits, before)


# Helpers for the other counted resources (key pairs, server groups).

def check_key_pairs(context, user_id, count=1):
    """KeypairLimitExceeded if the user cannot have ``count`` more key
    pairs (count=0 re-checks after creation)."""
    try:
        check_deltas(context, context.project_id, user_id,
                     {'key_pairs': count})
    except exception.OverQuota:
        raise exception.KeypairLimitExceeded()


def check_server_groups(context, project_id, user_id, count=1):
    """ServerGroupLimitExceeded if the project (or user) cannot have
    ``count`` more server groups (count=0 re-checks after creation)."""
    try:
        check_deltas(context, project_id, user_id, {'server_groups': count})
    except exception.OverQuota:
        raise exception.ServerGroupLimitExceeded()


def check_server_group_members(context, group_uuid, user_id, count):
    """ServerGroupMemberLimitExceeded if the user cannot have ``count``
    more servers in the group (count=0 re-checks after adding)."""
    try:
        check_deltas(context, context.project_id, user_id,
                     {'server_group_members': count}, group_uuid=group_uuid)
    except exception.OverQuota:
        raise exception.ServerGroupMemberLimitExceeded()


def check_metadata(context, metadata):
    """MetadataLimitExceeded if ``metadata`` has more items than allowed
    to the caller's project."""
    if not metadata:
        return
    try:
        check_absolute(context, context.project_id,
                       {'metadata_items': len(metadata)})
    except exception.OverQuota as exc:
        raise exception.MetadataLimitExceeded(
            allowed=exc.kwargs['quotas']['metadata_items'])


def check_injected_files(context, files):
    """OnsetFileLimitExceeded (or its path or content variant) if the
    (path, contents) pairs of a create or rebuild exceed the caller's
    project limits: the number of files first, then the longest path,
    then the largest contents. As upstream, the contents are measured as
    sent, base64-encoded.
    """
    if not files:
        return
    try:
        check_absolute(context, context.project_id,
                       {'injected_files': len(files)})
    except exception.OverQuota:
        raise exception.OnsetFileLimitExceeded()
    longest_path = max(len(path) for path, _contents in files)
    largest = max(len(contents) for _path, contents in files)
    try:
        check_absolute(context, context.project_id,
                       {'injected_file_path_bytes': longest_path,
                        'injected_file_content_bytes': largest})
    except exception.OverQuota as exc:
        limits = exc.kwargs['quotas']
        if 'injected_file_path_bytes' in exc.kwargs['overs_list']:
            raise exception.OnsetFilePathLimitExceeded(
                allowed=limits['injected_file_path_bytes'])
        raise exception.OnsetFileContentLimitExceeded(
            allowed=limits['injected_file_content_bytes'])

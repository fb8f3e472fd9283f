"""From the query string of GET /servers[/detail] to the search options,
sort keys and sort directions of nova.compute.api.API.get_all."""

from oslo_utils import timeutils
import webob.exc

from nova.api import common
from nova.api import microversions as mv
from nova.api.schemas import servers as schema
from nova.api.schemas import types
from nova import exception
from nova import objects
from nova.policies import servers as policies
from nova import states

# Filters every user may use; the others need the allow_all_filters rule
# (administrators) and are dropped silently for other users, as upstream
# does.
USER_FILTERS = frozenset([
    'name', 'status', 'image', 'flavor', 'ip', 'ip6', 'changes-since',
    'changes-before', 'reservation_id', 'locked', 'tags', 'tags-any',
    'not-tags', 'not-tags-any', 'description',
])
# Added for everybody at 2.83.
USER_FILTERS_2_83 = frozenset([
    'availability_zone', 'config_drive', 'key_name', 'created_at',
    'launched_at', 'terminated_at', 'power_state', 'task_state', 'vm_state',
    'progress', 'user_id',
])
_PAGING = frozenset(['limit', 'marker', 'sort_key', 'sort_dir',
                     'all_tenants', 'project_id', 'tenant_id'])


def all_tenants(params):
    """Whether the query asks for every project's servers."""
    if 'all_tenants' not in params:
        return False
    value = params['all_tenants']
    if value.strip() == '':
        return True
    return types.to_bool(value)


def _time(params, name):
    try:
        return timeutils.normalize_time(timeutils.parse_isotime(params[name]))
    except ValueError:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid filter field: %s.' % name)


def search_opts(req, params, detailed):
    """Search options for the compute API; None when nothing can match."""
    ctx = common.context(req)
    version = common.version(req)
    all_filters = common.allowed(req, policies.ALLOW_ALL_FILTERS)
    allowed = set(USER_FILTERS)
    if version >= mv.MV_MORE_USER_FILTERS:
        allowed |= USER_FILTERS_2_83
    opts = {}
    for name, value in params.items():
        if name in _PAGING:
            continue
        if all_filters or name in allowed:
            opts[name] = value

    if all_tenants(params):
        common.authorize(req, policies.DETAIL_ALL_TENANTS if detailed
                         else policies.INDEX_ALL_TENANTS)
        project = params.get('project_id') or params.get('tenant_id')
        if project:
            opts['project_id'] = project
    else:
        opts['project_id'] = ctx.project_id

    if 'status' in opts:
        vm_states, task_states = states.states_from_status(
            req.GET.getall('status'))
        del opts['status']
        if not vm_states:
            if version >= mv.MV_STATUS_400:
                raise webob.exc.HTTPBadRequest(
                    explanation='Invalid status value')
            return None
        opts['vm_state'] = vm_states
        if task_states is not None:
            opts['task_state'] = task_states

    for name in ('changes-since', 'changes-before'):
        if name in opts:
            opts[name] = _time(opts, name)
    if ('changes-since' in opts and 'changes-before' in opts and
            opts['changes-since'] > opts['changes-before']):
        raise webob.exc.HTTPBadRequest(
            explanation='The value of changes-since must be less than or '
                        'equal to changes-before.')
    for name in ('deleted', 'locked', 'soft_deleted'):
        if name in opts:
            opts[name] = types.to_bool(opts[name])
    if 'flavor' in opts:
        try:
            flavor = objects.Flavor.get_by_flavor_id(ctx, opts.pop('flavor'))
        except exception.FlavorNotFound:
            # An unknown flavor matches no server: an empty list, not an
            # error.
            return None
        opts['instance_type_id'] = flavor.id
    if 'image' in opts:
        opts['image_ref'] = opts.pop('image')
    return opts


def sort_params(req):
    """(sort_keys, sort_dirs) from repeated sort_key / sort_dir."""
    keys = req.GET.getall('sort_key')
    dirs = req.GET.getall('sort_dir')
    if not common.allowed(req, policies.ALLOW_ALL_FILTERS):
        pairs = [(k, dirs[i] if i < len(dirs) else None)
                 for i, k in enumerate(keys)
                 if k not in schema.ADMIN_SORT_KEYS]
        keys = [k for k, _ in pairs]
        dirs = [d for _, d in pairs if d is not None]
    if dirs and len(dirs) != len(keys) and len(dirs) != 1:
        raise webob.exc.HTTPBadRequest(
            explanation='The number of sort_key and sort_dir values must '
                        'match.')
    return keys or None, dirs or None

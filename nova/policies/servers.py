"""Policy defaults of /servers: the server itself, its listings and the
server actions that have no policy module of their own.

Readers of a project see its servers, members change them; listing every
project's servers, the extra filters and the host status are for
administrators, as are the boot options that pick a host or skip the
disk size checks.
"""

from nova.policies import base

ROOT = 'os_compute_api:servers:%s'

INDEX = ROOT % 'index'
DETAIL = ROOT % 'detail'
INDEX_ALL_TENANTS = ROOT % 'index:get_all_tenants'
DETAIL_ALL_TENANTS = ROOT % 'detail:get_all_tenants'
ALLOW_ALL_FILTERS = ROOT % 'allow_all_filters'
SHOW = ROOT % 'show'
SHOW_HOST_STATUS = ROOT % 'show:host_status'
SHOW_HOST_STATUS_UNKNOWN_ONLY = ROOT % 'show:host_status:unknown-only'
CREATE = ROOT % 'create'
CREATE_FORCED_HOST = ROOT % 'create:forced_host'
REQUESTED_DESTINATION = 'compute:servers:create:requested_destination'
CREATE_ATTACH_NETWORK = ROOT % 'create:attach_network'
ZERO_DISK_FLAVOR = ROOT % 'create:zero_disk_flavor'
UPDATE = ROOT % 'update'
DELETE = ROOT % 'delete'
REBOOT = ROOT % 'reboot'
START = ROOT % 'start'
STOP = ROOT % 'stop'
RESIZE = ROOT % 'resize'
CONFIRM_RESIZE = ROOT % 'confirm_resize'
REVERT_RESIZE = ROOT % 'revert_resize'
REBUILD = ROOT % 'rebuild'
REBUILD_TRUSTED_CERTS = ROOT % 'rebuild:trusted_certs'
CREATE_IMAGE = ROOT % 'create_image'
TRIGGER_CRASH_DUMP = ROOT % 'trigger_crash_dump'

_SHOW_PATHS = [('GET', '/servers/{server_id}'),
               ('GET', '/servers/detail'),
               ('PUT', '/servers/{server_id}'),
               ('POST', '/servers/{server_id}/action (rebuild)')]


def _action(name):
    return [('POST', '/servers/{server_id}/action (%s)' % name)]


rules = [
    base.rule(INDEX, base.PROJECT_READER_OR_ADMIN,
              "List the servers of the caller's project.",
              [('GET', '/servers')]),
    base.rule(DETAIL, base.PROJECT_READER_OR_ADMIN,
              "List the servers of the caller's project with their "
              "details.",
              [('GET', '/servers/detail')]),
    base.rule(INDEX_ALL_TENANTS, base.ADMIN,
              'List the servers of every project (all_tenants).',
              [('GET', '/servers')]),
    base.rule(DETAIL_ALL_TENANTS, base.ADMIN,
              'List the servers of every project with their details '
              '(all_tenants).',
              [('GET', '/servers/detail')]),
    base.rule(ALLOW_ALL_FILTERS, base.ADMIN,
              'Filter and sort server listings by any field; the others '
              'may only use the filters and sort keys meant for users, '
              'and the rest are ignored.',
              [('GET', '/servers'), ('GET', '/servers/detail')]),
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN, 'Show a server.',
              [('GET', '/servers/{server_id}')]),
    base.rule(SHOW_HOST_STATUS, base.ADMIN,
              'Include host_status (2.16) in server bodies, whatever its '
              'value. From 2.75 this covers the bodies of update and '
              'rebuild as well.',
              _SHOW_PATHS),
    base.rule(SHOW_HOST_STATUS_UNKNOWN_ONLY, base.ADMIN,
              'Include host_status in server bodies only when it is '
              'UNKNOWN. Checked only when %s does not pass.'
              % SHOW_HOST_STATUS,
              _SHOW_PATHS),
    base.rule(CREATE, base.PROJECT_MEMBER_OR_ADMIN, 'Create a server.',
              [('POST', '/servers')]),
    base.rule(CREATE_FORCED_HOST, base.ADMIN,
              'Create a server on a given host and/or node '
              '(availability_zone "zone:host[:node]"), bypassing the '
              'scheduler filters.',
              [('POST', '/servers')]),
    base.rule(REQUESTED_DESTINATION, base.ADMIN,
              'Create a server on a requested host and/or hypervisor '
              '(host, hypervisor_hostname), checked by the scheduler '
              'filters.',
              [('POST', '/servers')]),
    base.rule(CREATE_ATTACH_NETWORK, base.PROJECT_MEMBER_OR_ADMIN,
              'Create a server with the requested networks or ports.',
              [('POST', '/servers')]),
    base.rule(ZERO_DISK_FLAVOR, base.ADMIN,
              'Boot a server that is not volume-backed from a flavor with '
              'a zero-size root disk: the disk then takes the size of the '
              'image, which the scheduler cannot account for. Allowing '
              'it to users who upload their own images lets them fill '
              'the disks of the compute hosts.',
              [('POST', '/servers')]),
    base.rule(UPDATE, base.PROJECT_MEMBER_OR_ADMIN, 'Update a server.',
              [('PUT', '/servers/{server_id}')]),
    base.rule(DELETE, base.PROJECT_MEMBER_OR_ADMIN, 'Delete a server.',
              [('DELETE', '/servers/{server_id}')]),
    base.rule(REBOOT, base.PROJECT_MEMBER_OR_ADMIN, 'Reboot a server.',
              _action('reboot')),
    base.rule(START, base.PROJECT_MEMBER_OR_ADMIN, 'Start a server.',
              _action('os-start')),
    base.rule(STOP, base.PROJECT_MEMBER_OR_ADMIN, 'Stop a server.',
              _action('os-stop')),
    base.rule(RESIZE, base.PROJECT_MEMBER_OR_ADMIN, 'Resize a server.',
              _action('resize')),
    base.rule(CONFIRM_RESIZE, base.PROJECT_MEMBER_OR_ADMIN,
              'Confirm the resize of a server.',
              _action('confirmResize')),
    base.rule(REVERT_RESIZE, base.PROJECT_MEMBER_OR_ADMIN,
              'Revert the resize of a server.',
              _action('revertResize')),
    base.rule(REBUILD, base.PROJECT_MEMBER_OR_ADMIN, 'Rebuild a server.',
              _action('rebuild')),
    base.rule(REBUILD_TRUSTED_CERTS, base.PROJECT_MEMBER_OR_ADMIN,
              'Rebuild a server with trusted image certificate ids '
              '(2.63).',
              _action('rebuild')),
    base.rule(CREATE_IMAGE, base.PROJECT_MEMBER_OR_ADMIN,
              'Create an image from a server.',
              _action('createImage')),
    base.rule(TRIGGER_CRASH_DUMP, base.PROJECT_MEMBER_OR_ADMIN,
              'Trigger a crash dump in a server (2.17).',
              _action('trigger_crash_dump')),
]


def list_rules():
    return rules

"""Compute API microversions: what each one changed, and how a request
picks one.

Every version between MIN_VERSION and MAX_VERSION is accepted. The list
below says, one line each, what the version changed; the constants under
it name the versions the code of this package tests against, so a gate
reads ``if req_version >= mv.MV_DESCRIPTION:``. Changes to resources this
service does not serve (keypairs, volumes, migrations, ...) are listed for
completeness and have no effect here.
"""

import microversion_parse

SERVICE_TYPE = 'compute'
LEGACY_HEADER = 'X-OpenStack-Nova-API-Version'
STANDARD_HEADER = 'OpenStack-API-Version'

HISTORY = (
    ('2.1', 'Base of the v2.1 API: strict input validation.'),
    ('2.2', 'Keypair type; keypair create answers 201, delete 204.'),
    ('2.3', 'Server show/detail: more OS-EXT-SRV-ATTR fields for admins.'),
    ('2.4', 'Fixed IP reserved status.'),
    ('2.5', 'ip6 server list filter for non-admins.'),
    ('2.6', 'remote-consoles replaces the per-type console actions.'),
    ('2.7', 'Cannot add access to a public flavor (409).'),
    ('2.8', 'MKS remote console.'),
    ('2.9', 'Server show/detail/update: "locked".'),
    ('2.10', 'Keypairs of other users for admins.'),
    ('2.11', 'Services: "forced_down" field and force-down action.'),
    ('2.12', 'Interface list: net_id.'),
    ('2.13', 'Server groups: project_id and user_id.'),
    ('2.14', 'Evacuate: onSharedStorage removed.'),
    ('2.15', 'Server group soft policies.'),
    ('2.16', 'Server show/detail: "host_status" (admin).'),
    ('2.17', 'trigger_crash_dump action.'),
    ('2.18', 'Project id optional in URLs.'),
    ('2.19', 'Server "description" on create, update, show and list.'),
    ('2.20', 'Volume actions on shelved servers.'),
    ('2.21', 'Instance actions of deleted servers.'),
    ('2.22', 'Force live migration completion.'),
    ('2.23', 'Migrations: id, migration_type and links.'),
    ('2.24', 'Abort live migration.'),
    ('2.25', 'Live migrate: block_migration auto.'),
    ('2.26', 'Server tags; "tags" in server show/detail.'),
    ('2.27', 'OpenStack-API-Version request/response header.'),
    ('2.28', 'Hypervisors: cpu_info as an object.'),
    ('2.29', 'Evacuate: force.'),
    ('2.30', 'Live migrate: force.'),
    ('2.31', 'Console auth tokens for serial consoles.'),
    ('2.32', 'Device tags on create (networks, block devices).'),
    ('2.33', 'Hypervisors list: limit and marker paging.'),
    ('2.34', 'Live migration pre-checks run asynchronously.'),
    ('2.35', 'Keypairs: limit and marker paging.'),
    ('2.36', 'Proxy APIs (images, networks, ...) removed; limits lose '
             'network quotas.'),
    ('2.37', 'Server create: networks required; "auto" and "none".'),
    ('2.38', 'Server list: unknown status answers 400.'),
    ('2.39', 'Limits: maxImageMeta removed.'),
    ('2.40', 'Simple tenant usage paging.'),
    ('2.41', 'Aggregates: uuid.'),
    ('2.42', 'Device tags on create restored.'),
    ('2.43', 'os-hosts removed.'),
    ('2.44', 'Network proxy actions removed.'),
    ('2.45', 'createImage and createBackup answer the image id.'),
    ('2.46', 'Global request id returned.'),
    ('2.47', 'Server show/detail: flavor embedded instead of a link.'),
    ('2.48', 'Server diagnostics standardised.'),
    ('2.49', 'Tagged volume and interface attach.'),
    ('2.50', 'Quota classes: server groups, no network quotas.'),
    ('2.51', 'volume-extended event; instance action events for all.'),
    ('2.52', 'Tags on server create.'),
    ('2.53', 'Services and hypervisors identified by uuid.'),
    ('2.54', 'Rebuild: key_name.'),
    ('2.55', 'Flavor "description" (create, update, show, list).'),
    ('2.56', 'Cold migrate: host.'),
    ('2.57', 'Personality removed; limits lose maxPersonality*; rebuild '
             'user_data.'),
    ('2.58', 'Instance actions: limit, marker, changes-since.'),
    ('2.59', 'Migrations: limit, marker, changes-since, uuid.'),
    ('2.60', 'Multiattach volumes.'),
    ('2.61', 'Flavor "extra_specs" in flavor show/list/create/update.'),
    ('2.62', 'Instance action events: host and hostId.'),
    ('2.63', 'Trusted image certificates; field in server show.'),
    ('2.64', 'Server groups: policy and rules.'),
    ('2.65', 'Abort queued live migrations.'),
    ('2.66', 'changes-before filter.'),
    ('2.67', 'volume_type in block device mappings.'),
    ('2.68', 'Evacuate/live-migrate: force removed.'),
    ('2.69', 'Partial results for servers of down cells.'),
    ('2.70', 'Device tags in interface and volume attachment lists.'),
    ('2.71', 'Server show/update: "server_groups".'),
    ('2.72', 'Neutron ports with resource requests.'),
    ('2.73', 'Lock reason; "locked_reason" in server show/detail.'),
    ('2.74', 'Server create: host and hypervisor_hostname.'),
    ('2.75', 'Unknown query parameters answer 400; update returns the '
             'full server; flavor swap 0 instead of "".'),
    ('2.76', 'power-update external event.'),
    ('2.77', 'Unshelve: availability_zone.'),
    ('2.78', 'Server topology.'),
    ('2.79', 'Volume attach: delete_on_termination.'),
    ('2.80', 'Migrations: user_id and project_id filters and fields.'),
    ('2.81', 'Image cache pre-caching on aggregates.'),
    ('2.82', 'accelerator-request-bound event.'),
    ('2.83', 'More server list filters for non-admins.'),
    ('2.84', 'Instance action events: details.'),
    ('2.85', 'Volume attachment update: delete_on_termination.'),
    ('2.86', 'Flavor extra spec validation.'),
    ('2.87', 'Rescue of volume-backed servers.'),
    ('2.88', 'Hypervisors: resource usage fields removed, uptime added; '
             'statistics and search removed.'),
    ('2.89', 'Volume attachments: attachment_id, bdm_uuid.'),
    ('2.90', 'Server hostname settable and shown to all.'),
    ('2.91', 'Unshelve to a host.'),
    ('2.92', 'Keypair import only; no generation.'),
    ('2.93', 'Rebuild of volume-backed servers.'),
    ('2.94', 'FQDN hostnames.'),
    ('2.95', 'Evacuate leaves the server stopped.'),
    ('2.96', 'Server show/detail: "pinned_availability_zone".'),
    ('2.97', 'Server shares sub-resource.'),
    ('2.98', 'Server show/detail: image "properties".'),
    ('2.99', 'spice-direct console.'),
    ('2.100', 'Server show/detail/update: "scheduler_hints".'),
    # 2.101 and 2.103: the reference material this project builds from
    # (the Compute API reference, Tempest 47.0.0, python-openstackclient)
    # names no change to the resources served here; they are served as
    # no change.
    ('2.101', 'No change to the resources served here (see above).'),
    ('2.102', 'Flavor create: rxtx_factor is no longer accepted.'),
    ('2.103', 'No change to the resources served here (see above).'),
    ('2.104', 'Server update: pinned_availability_zone (null unpins; the '
              'current zone re-pins).'),
)

MIN_VERSION = HISTORY[0][0]
MAX_VERSION = HISTORY[-1][0]

# Versions the code of this package gates on.
MV_EXTENDED_ATTRS = '2.3'
MV_FLAVOR_ACCESS_PUBLIC_409 = '2.7'
MV_LOCKED = '2.9'
MV_FORCED_DOWN = '2.11'
MV_HOST_STATUS = '2.16'
MV_DESCRIPTION = '2.19'
MV_TAGS = '2.26'
MV_CPU_INFO_OBJECT = '2.28'
MV_HYPERVISOR_PAGING = '2.33'
MV_MAX_PROXY = '2.35'
MV_NO_NETWORK_QUOTAS = '2.36'
MV_NETWORKS_REQUIRED = '2.37'
MV_STATUS_400 = '2.38'
MV_NO_IMAGE_META_LIMIT = '2.39'
MV_EMBEDDED_FLAVOR = '2.47'
MV_UUID_IDS = '2.53'
MV_FLAVOR_DESCRIPTION = '2.55'
MV_NO_PERSONALITY = '2.57'
MV_FLAVOR_EXTRA_SPECS = '2.61'
MV_TRUSTED_CERTS = '2.63'
MV_CHANGES_BEFORE = '2.66'
MV_DOWN_CELLS = '2.69'
MV_SERVER_GROUPS = '2.71'
MV_LOCKED_REASON = '2.73'
MV_API_CLEANUP = '2.75'
MV_MORE_USER_FILTERS = '2.83'
MV_EXTRA_SPEC_VALIDATION = '2.86'
MV_HYPERVISOR_TRIM = '2.88'
MV_HOSTNAME_FOR_ALL = '2.90'
MV_PINNED_AZ = '2.96'
MV_IMAGE_PROPERTIES = '2.98'
MV_SCHEDULER_HINTS = '2.100'
MV_NO_RXTX_FACTOR = '2.102'
MV_UPDATE_PINNED_AZ = '2.104'
MV_KEYPAIR_TYPE = '2.2'
MV_KEYPAIR_USER = '2.10'
MV_SERVER_GROUP_IDS = '2.13'
MV_SERIAL_CONSOLE_TOKENS = '2.31'
MV_KEYPAIR_PAGING = '2.35'
MV_DIAGNOSTICS_STANDARD = '2.48'
MV_TAGGED_ATTACH = '2.49'
MV_ATTACHMENT_TAGS = '2.70'
MV_VOLUME_EXTENDED_EVENT = '2.51'
MV_TAGS_ON_CREATE = '2.52'
MV_POWER_UPDATE_EVENT = '2.76'
MV_SERVER_TOPOLOGY = '2.78'
MV_ACCELERATOR_EVENT = '2.82'
MV_KEYPAIR_IMPORT_ONLY = '2.92'
MV_SPICE_DIRECT = '2.99'
MV_EVACUATE_NO_SHARED_STORAGE = '2.14'
MV_LIVE_FORCE_COMPLETE = '2.22'
MV_LIVE_ABORT = '2.24'
MV_BLOCK_MIGRATION_AUTO = '2.25'
MV_EVACUATE_FORCE = '2.29'
MV_LIVE_MIGRATE_FORCE = '2.30'
MV_ASYNC_LIVE_MIGRATION = '2.34'
MV_ABORT_QUEUED_LIVE_MIGRATION = '2.65'
MV_MIGRATIONS_LINKS = '2.23'
MV_MIGRATE_HOST = '2.56'
MV_MIGRATIONS_PAGING = '2.59'
MV_MIGRATIONS_USER = '2.80'
MV_MOVE_FORCE_REMOVED = '2.68'
MV_EVACUATE_STOPPED = '2.95'
MV_CRASH_DUMP = '2.17'
MV_DELETED_SERVER_ACTIONS = '2.21'
MV_ACTION_EVENTS_FOR_ALL = '2.51'
MV_ACTIONS_PAGING = '2.58'
MV_ACTION_EVENT_HOST = '2.62'
MV_ACTION_EVENT_DETAILS = '2.84'
MV_USAGE_PAGING = '2.40'
MV_QUOTA_CLASS_SERVER_GROUPS = '2.50'
MV_IMAGE_ID_BODY = '2.45'
MV_REBUILD_KEY_NAME = '2.54'
MV_UNSHELVE_AZ = '2.77'
MV_UNSHELVE_TO_HOST = '2.91'


class InvalidVersion(ValueError):
    """The version string is not MAJOR.MINOR (answers 400)."""


class UnsupportedVersion(ValueError):
    """The version is well formed but out of range (answers 406)."""


class APIVersion:
    """A MAJOR.MINOR version, comparable with others or with strings."""

    __slots__ = ('major', 'minor')

    def __init__(self, text):
        try:
            major, minor = text.split('.')
            if not (major.isdigit() and minor.isdigit()):
                raise ValueError(text)
            self.major, self.minor = int(major), int(minor)
        except (ValueError, AttributeError):
            raise InvalidVersion(
                'API Version String %s is of invalid format. Must be of '
                'format MajorNum.MinorNum.' % text)
        # A leading zero minor ("2.01") is not a version the API knows.
        if minor != str(self.minor):
            raise InvalidVersion(
                'API Version String %s is of invalid format. Must be of '
                'format MajorNum.MinorNum.' % text)

    def _key(self, other):
        if isinstance(other, str):
            other = APIVersion(other)
        return (self.major, self.minor), (other.major, other.minor)

    def __eq__(self, other):
        mine, theirs = self._key(other)
        return mine == theirs

    def __hash__(self):
        return hash((self.major, self.minor))

    def __lt__(self, other):
        mine, theirs = self._key(other)
        return mine < theirs

    def __le__(self, other):
        mine, theirs = self._key(other)
        return mine <= theirs

    def __gt__(self, other):
        mine, theirs = self._key(other)
        return mine > theirs

    def __ge__(self, other):
        mine, theirs = self._key(other)
        return mine >= theirs

    def __str__(self):
        return '%d.%d' % (self.major, self.minor)

    __repr__ = __str__


MIN = APIVersion(MIN_VERSION)
MAX = APIVersion(MAX_VERSION)


def requested_text(headers):
    """The version text a request asks for, or None when it names none."""
    return microversion_parse.get_version(
        headers, service_type=SERVICE_TYPE, legacy_headers=[LEGACY_HEADER])


def negotiate(headers):
    """The APIVersion to serve a request with the given headers.

    Raises InvalidVersion for a malformed version and UnsupportedVersion for
    one outside [MIN_VERSION, MAX_VERSION].
    """
    text = requested_text(headers)
    if text is None:
        return MIN
    text = text.strip()
    if text.lower() == 'latest':
        return MAX
    version = APIVersion(text)
    if not MIN <= version <= MAX:
        raise UnsupportedVersion(
            'Version %s is not supported by the API. Minimum is %s and '
            'maximum is %s.' % (text, MIN_VERSION, MAX_VERSION))
    return version


def response_headers(version):
    """Headers every microversioned response carries."""
    return [
        (STANDARD_HEADER, '%s %s' % (SERVICE_TYPE, version)),
        (LEGACY_HEADER, str(version)),
        ('Vary', '%s, %s' % (STANDARD_HEADER, LEGACY_HEADER)),
    ]

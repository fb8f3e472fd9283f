"""What a local deployment looks like on disk.

A state directory holds everything of one deployment::

    <state_dir>/
      deployment.json        the settings it was created with, the mode
                             and the process ids (see deployment.py)
      etc/<service>.conf     one configuration file per process
      log/<service>.log      what each process wrote
      images/                the local image source
      fake-virt/<host>/      the guests of each fake compute host
      instances/<host>/      disks, kernels and console logs of the
                             guests of each libvirt compute host
      nova_api.sqlite, nova.sqlite, nova_cell0.sqlite,
      nova_placement.sqlite                            (db kind sqlite)
      openrc, clouds.yaml    client settings (noauth2 token, or password
                             auth with Keystone; see clients.py)

Only nova-conductor and nova-manage get database options: the API, the
scheduler, the computes, the console proxy and the metadata service must
not be able to reach a database.
"""

import dataclasses
import json
import os

from nova.local import probe

API_DB_SUFFIX = '_api'
CELL0_DB_SUFFIX = '_cell0'
PLACEMENT_DB_SUFFIX = '_placement'

# Where the Debian/Ubuntu package "novnc" puts noVNC's web client (the
# default of [vnc] novncproxy_web).
NOVNC_WEB_DIR = '/usr/share/novnc'

# The admin of the noauth2 strategy: user "admin" in project "admin".
ADMIN_TOKEN = 'admin:admin'


@dataclasses.dataclass
class Settings:
    """The knobs of one local deployment.

    ``db`` is ``sqlite`` (files in the state directory) or ``mysql``
    (databases ``<db_prefix>_api``, ``<db_prefix>``, ``<db_prefix>_cell0``
    on the server at ``mysql_url``).
    """

    state_dir: str
    db: str = 'sqlite'
    db_prefix: str = 'nova'
    mysql_url: str = probe.DEFAULT_MYSQL_URL
    transport_url: str = probe.DEFAULT_RABBIT_URL
    computes: tuple = ('compute1', 'compute2')
    fake_nodes: int = 1
    api_host: str = '127.0.0.1'
    api_port: int = 8774
    api_workers: int = 2
    api_threads: int = 8
    placement_port: int = 8778
    report_interval: int = 10
    service_down_time: int = 60
    debug: bool = False
    # Keystone to validate tokens with, instead of noauth2: {'auth_url',
    # 'username', 'password', 'project_name'} of a service user with the
    # admin and service roles, optionally 'user_domain_name',
    # 'project_domain_name', 'region_name' (of the deployment's endpoints
    # in the catalog), 'endpoints_registered' and the 'demo_username',
    # 'demo_password', 'demo_project_name' nova-local made (see
    # keystone.py); see keystone_sections().
    keystone: dict = dataclasses.field(default_factory=dict)
    # The computes' virt driver: "fake" or "libvirt" (real guests, see
    # libvirt_sections()), with the libvirt URI and virt_type (qemu: TCG,
    # which works without KVM; kvm).
    compute_driver: str = 'fake'
    libvirt_uri: str = 'qemu:///system'
    libvirt_virt_type: str = 'qemu'
    # Port of a nova-novncproxy on api_host (a process of its own, or a
    # thread of the in-process mode); None: no console proxy. With one,
    # the computes hand out console URLs that point at it (see
    # novncproxy_sections()).
    novncproxy_port: int = None
    # Port of a nova-metadata-api on api_host (or a thread of the
    # in-process mode); None: no metadata service. Neutron's metadata
    # agent forwards guests' requests to it (see neutron_sections()).
    metadata_port: int = None
    # Neutron to get ports from ([network] backend = neutron) instead of
    # no network service: {'url': its endpoint, 'fake_vif_dir': where the
    # fake driver records plugged VIFs for the harness L2 agent of
    # tools/neutron, 'metadata_secret': its metadata proxy's secret}.
    # Needs ``keystone`` (the service user also acts as Neutron admin);
    # see neutron_sections().
    neutron: dict = dataclasses.field(default_factory=dict)
    # {section: {option: value}} added to every configuration file.
    extra_conf: dict = dataclasses.field(default_factory=dict)
    # {compute host: {section: {option: value}}} for one compute only.
    host_conf: dict = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        self.state_dir = os.path.abspath(self.state_dir)
        self.computes = tuple(self.computes)
        if self.db not in ('sqlite', 'mysql'):
            raise ValueError('db must be "sqlite" or "mysql", not %r'
                             % self.db)
        if self.compute_driver not in ('fake', 'libvirt'):
            raise ValueError('compute_driver must be "fake" or "libvirt", '
                             'not %r' % self.compute_driver)

    def to_dict(self):
        data = dataclasses.asdict(self)
        data['computes'] = list(self.computes)
        return data

    @classmethod
    def from_dict(cls, data):
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    # -- paths ------------------------------------------------------------
    def path(self, *parts):
        return os.path.join(self.state_dir, *parts)

    def conf_path(self, name):
        return self.path('etc', name + '.conf')

    def log_path(self, name):
        return self.path('log', name + '.log')

    @property
    def api_endpoint(self):
        return 'http://%s:%d' % (self.api_host, self.api_port)

    @property
    def compute_endpoint(self):
        return self.api_endpoint + '/v2.1'

    @property
    def placement_endpoint(self):
        return 'http://%s:%d' % (self.api_host, self.placement_port)

    @property
    def novncproxy_base_url(self):
        if self.novncproxy_port is None:
            return None
        return 'http://%s:%d/vnc_lite.html' % (self.api_host,
                                               self.novncproxy_port)

    @property
    def novncproxy_web(self):
        """Where nova-novncproxy looks for noVNC's web client."""
        return self.extra_conf.get('vnc', {}).get(
            'novncproxy_web', NOVNC_WEB_DIR)

    @property
    def metadata_endpoint(self):
        if self.metadata_port is None:
            return None
        return 'http://%s:%d' % (self.api_host, self.metadata_port)

    @property
    def image_owner(self):
        """The project that owns images imported without one (nova-manage
        image import): the administrator's, who imports them. With
        noauth2 that is project "admin" of the admin token; with Keystone
        the project of nova's service user (admin role), the identity
        nova-manage's configuration holds."""
        if self.keystone:
            return self.keystone.get('project_id') or None
        return ADMIN_TOKEN.partition(':')[2]

    @property
    def image_endpoint(self):
        return self.api_endpoint + '/image'

    @property
    def identity_endpoint(self):
        return self.api_endpoint + '/identity/v3'

    # -- databases --------------------------------------------------------
    def db_names(self):
        """Names of the API, cell1, cell0 and placement databases."""
        return (self.db_prefix + API_DB_SUFFIX, self.db_prefix,
                self.db_prefix + CELL0_DB_SUFFIX,
                self.db_prefix + PLACEMENT_DB_SUFFIX)

    def db_url(self, name):
        if self.db == 'sqlite':
            return 'sqlite:///' + self.path(name + '.sqlite')
        return '%s/%s?charset=utf8mb4' % (self.mysql_url.rstrip('/'), name)

    def api_db_url(self):
        return self.db_url(self.db_names()[0])

    def cell1_db_url(self):
        return self.db_url(self.db_names()[1])

    def cell0_db_url(self):
        return self.db_url(self.db_names()[2])

    def placement_db_url(self):
        return self.db_url(self.db_names()[3])


def _ini(sections):
    lines = []
    for section, options in sections.items():
        if not options:
            continue
        lines.append('[%s]' % section)
        for key, value in options.items():
            if value is None:
                # Unset: the option keeps its default.
                continue
            if isinstance(value, bool):
                value = 'true' if value else 'false'
            lines.append('%s = %s' % (key, value))
        lines.append('')
    return '\n'.join(lines)


def _merge(*dicts):
    merged = {}
    for d in dicts:
        for section, options in d.items():
            merged.setdefault(section, {}).update(options)
    return merged


def common_sections(settings, transport_url=None):
    """Options every process of the deployment shares."""
    sections = {
        'DEFAULT': {
            'transport_url': transport_url or settings.transport_url,
            'state_path': settings.state_dir,
            'report_interval': settings.report_interval,
            'service_down_time': settings.service_down_time,
            'debug': settings.debug,
            # Short enough that a stopped deployment does not hang a
            # test, long enough for a loaded two-core machine.
            'graceful_shutdown_timeout': 10,
        },
        'api': {'auth_strategy': 'noauth2'},
        'image': {'local_dir': settings.path('images'),
                  'local_default_owner': settings.image_owner},
        'placement': {'endpoint_override': settings.placement_endpoint},
    }
    if settings.novncproxy_port is not None:
        # The computes put it in the console URLs they authorize.
        sections['vnc'] = {'novncproxy_base_url':
                           settings.novncproxy_base_url}
    return sections


def keystone_sections(settings):
    """With ``settings.keystone``: the API and placement validate tokens
    with that Keystone (accepting service tokens that carry the "service"
    role), the services get tokens for placement as its service user and
    send that user's token as X-Service-Token next to a user's when they
    call another service for the user. Empty (noauth2) otherwise."""
    ks = settings.keystone
    if not ks:
        return {}
    user = {
        'auth_type': 'password',
        'auth_url': ks['auth_url'],
        'username': ks['username'],
        'password': ks['password'],
        'project_name': ks.get('project_name', 'service'),
        'user_domain_name': ks.get('user_domain_name', 'Default'),
        'project_domain_name': ks.get('project_domain_name', 'Default'),
    }
    authtoken = dict(user, www_authenticate_uri=ks['auth_url'],
                     service_token_roles='service',
                     service_token_roles_required=True)
    return {
        'api': {'auth_strategy': 'keystone'},
        'keystone_authtoken': authtoken,
        'placement': user,
        'service_user': dict(user, send_service_user_token=True),
    }


def neutron_sections(settings):
    """With ``settings.neutron``: servers get ports from that Neutron; the
    service user of ``settings.keystone`` binds them (Neutron's admin
    calls), the fake driver records its plugged VIFs for the harness
    agent."""
    net = settings.neutron
    if not net:
        return {}
    ks = settings.keystone
    if not ks:
        raise ValueError('a deployment with Neutron needs Keystone')
    user = {
        'auth_type': 'password',
        'auth_url': ks['auth_url'],
        'username': ks['username'],
        'password': ks['password'],
        'project_name': ks.get('project_name', 'service'),
        'user_domain_name': ks.get('user_domain_name', 'Default'),
        'project_domain_name': ks.get('project_domain_name', 'Default'),
    }
    neutron = dict(user, endpoint_override=net['url'])
    if net.get('metadata_secret'):
        # Neutron's metadata agent signs the instance ids it forwards to
        # the metadata service with this secret.
        neutron.update(service_metadata_proxy=True,
                       metadata_proxy_shared_secret=net['metadata_secret'])
    sections = {
        'network': {'backend': 'neutron'},
        'neutron': neutron,
        'DEFAULT': {'vif_plugging_timeout': net.get('vif_plugging_timeout',
                                                    120),
                    'vif_plugging_is_fatal': net.get('vif_plugging_is_fatal',
                                                     True)},
    }
    if net.get('fake_vif_dir'):
        sections['fake'] = {'plugged_vifs_dir': net['fake_vif_dir']}
    return sections


def database_sections(settings):
    return {
        'database': {'connection': settings.cell1_db_url()},
        'api_database': {'connection': settings.api_db_url()},
    }


def placement_sections(settings):
    """The placement service: its own database and address."""
    return {
        'placement_database': {'connection': settings.placement_db_url()},
        'placement_api': {'bind_host': settings.api_host,
                          'bind_port': settings.placement_port},
    }


def api_sections(settings):
    return {'wsgi': {'bind_host': settings.api_host,
                     'bind_port': settings.api_port,
                     'workers': settings.api_workers,
                     'threads': settings.api_threads}}


def novncproxy_sections(settings):
    """nova-novncproxy: listens on api_host:novncproxy_port."""
    return {'vnc': {'novncproxy_host': settings.api_host,
                    'novncproxy_port': settings.novncproxy_port}}


def metadata_sections(settings):
    """nova-metadata-api: listens on api_host:metadata_port."""
    return {'metadata_api': {'bind_host': settings.api_host,
                             'bind_port': settings.metadata_port,
                             'workers': 1}}


def compute_sections(settings, host):
    sections = {
        'DEFAULT': {'host': host, 'compute_driver': settings.compute_driver},
        'fake': {'node_count': settings.fake_nodes},
    }
    if settings.compute_driver == 'libvirt':
        sections.update(libvirt_sections(settings, host))
    return sections


def libvirt_sections(settings, host=None):
    """[libvirt] and [vnc] of a libvirt compute: guests at
    ``settings.libvirt_uri`` under ``libvirt_virt_type``, their files in
    <state_dir>/instances/<host> (QEMU runs as its own user: it must be
    able to reach that directory), VNC on loopback."""
    return {
        'libvirt': {
            'virt_type': settings.libvirt_virt_type,
            'connection_uri': settings.libvirt_uri,
            'instances_path': (settings.path('instances', host) if host
                               else settings.path('instances')),
        },
        'vnc': {'server_listen': '127.0.0.1',
                'server_proxyclient_address': '127.0.0.1'},
    }


def config_files(settings):
    """{name: INI text} of every process of the multi-process mode."""
    common = _merge(common_sections(settings), keystone_sections(settings),
                    neutron_sections(settings))
    extra = settings.extra_conf
    files = {
        'nova-manage': _merge(common, database_sections(settings),
                              placement_sections(settings), extra),
        'nova-placement-api': _merge(common, placement_sections(settings),
                                     extra),
        'nova-conductor': _merge(common, database_sections(settings), extra),
        'nova-scheduler': _merge(common, extra),
        'nova-api': _merge(common, api_sections(settings), extra),
    }
    if settings.novncproxy_port is not None:
        files['nova-novncproxy'] = _merge(
            common, novncproxy_sections(settings), extra)
    if settings.metadata_port is not None:
        files['nova-metadata-api'] = _merge(
            common, metadata_sections(settings), extra)
    for host in settings.computes:
        files['nova-compute-' + host] = _merge(
            common, compute_sections(settings, host), extra,
            settings.host_conf.get(host, {}))
    return {name: _ini(sections) for name, sections in files.items()}


def all_in_one_config(settings):
    """INI text of the single process of the in-process mode.

    It has the database options: in one process every service reaches
    the data the way the conductor does (see nova.local.inprocess).
    """
    from nova import rpc
    sections = _merge(common_sections(settings, rpc.IN_PROCESS_TRANSPORT_URL),
                      database_sections(settings), api_sections(settings),
                      placement_sections(settings),
                      keystone_sections(settings),
                      neutron_sections(settings),
                      {'fake': {'node_count': settings.fake_nodes}},
                      {'DEFAULT': {'compute_driver':
                                   settings.compute_driver}},
                      (libvirt_sections(settings)
                       if settings.compute_driver == 'libvirt' else {}),
                      (novncproxy_sections(settings)
                       if settings.novncproxy_port is not None else {}),
                      (metadata_sections(settings)
                       if settings.metadata_port is not None else {}),
                      settings.extra_conf)
    return _ini(sections)


def write_text(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def write_json(path, data):
    write_text(path, json.dumps(data, indent=2, sort_keys=True) + '\n')


def read_json(path):
    with open(path) as f:
        return json.load(f)

"""nova-local: a whole nova control plane on this machine.

    nova-local start  [--state-dir DIR] [--computes 2] [--fake-nodes 1]
                      [--port 8774] [--db sqlite|mysql] [--mode auto|
                      processes|inprocess] [--transport-url URL] ...
    nova-local status [--state-dir DIR]
    nova-local stop   [--state-dir DIR]

``start`` lays out the state directory (configuration, databases, client
settings), starts the services and returns once the API answers and the
compute hosts are up and mapped. With ``--mode auto`` (the default) it
runs the separate daemons over RabbitMQ if a broker answers at the
transport URL, and otherwise every service in one background process over
oslo.messaging's in-process transport; it says which.

Exit codes: 0 success, 1 failure (the message and the failing process's
log tail are printed), 3 ``status`` of a deployment that is not (fully)
running.
"""

import argparse
import hashlib
import os
import sys
import warnings

# futurist warns about eventlet on import; nova uses native threads.
warnings.filterwarnings('ignore', message='.*[Ee]ventlet', category=Warning)

from nova.local import deployment
from nova.local import layout
from nova.local import probe

DEFAULT_STATE_DIR = os.path.join(
    os.environ.get('XDG_DATA_HOME') or os.path.expanduser('~/.local/share'),
    'nova-local')


def _state_dir(args):
    return os.path.abspath(args.state_dir or
                           os.environ.get('NOVA_LOCAL_STATE_DIR') or
                           DEFAULT_STATE_DIR)


def _add_state_dir(parser):
    parser.add_argument('--state-dir', metavar='DIR',
                        help='Directory of the deployment (default: '
                             '$NOVA_LOCAL_STATE_DIR or %s).'
                             % DEFAULT_STATE_DIR)


def build_parser():
    parser = argparse.ArgumentParser(
        prog='nova-local',
        description='Run a nova control plane on this machine.')
    sub = parser.add_subparsers(dest='command', metavar='<command>')
    sub.required = True

    start = sub.add_parser('start', help='Set up and start the deployment.')
    _add_state_dir(start)
    start.add_argument('--computes', type=int, default=2, metavar='N',
                       help='Fake compute hosts, named compute1..N '
                            '(default 2).')
    start.add_argument('--fake-nodes', type=int, default=1, metavar='N',
                       help='Fake nodes per compute host (default 1).')
    start.add_argument('--compute-driver', choices=('fake', 'libvirt'),
                       default='fake',
                       help='Virt driver of the computes (default fake); '
                            'libvirt runs real guests (tools/libvirt/'
                            'setup.sh start first).')
    start.add_argument('--libvirt-virt-type', choices=('qemu', 'kvm'),
                       default='qemu',
                       help='With --compute-driver libvirt: qemu (TCG, '
                            'the default) or kvm.')
    start.add_argument('--libvirt-uri', default='qemu:///system',
                       help='With --compute-driver libvirt: the libvirtd '
                            'to use (default %(default)s).')
    start.add_argument('--port', type=int, default=8774,
                       help='Port of the API (default 8774).')
    start.add_argument('--novncproxy-port', type=int, default=6080,
                       metavar='PORT',
                       help='Port of the nova-novncproxy the console '
                            'links (openstack console url show) lead to '
                            '(default %(default)s; 0: no console proxy).')
    start.add_argument('--metadata-port', type=int, default=8775,
                       metavar='PORT',
                       help='Port of the nova-metadata-api guests reach '
                            'through Neutron\'s metadata agent (default '
                            '%(default)s, where tools/neutron/setup.sh '
                            'points the agent; 0: no metadata service).')
    start.add_argument('--placement-port', type=int, default=None,
                       help='Port of the placement API (default: the API '
                            'port + 4, i.e. 8778 with the default port).')
    start.add_argument('--db', choices=('sqlite', 'mysql'),
                       default='sqlite',
                       help='SQLite files in the state directory (default) '
                            'or databases on a MySQL/MariaDB server.')
    start.add_argument('--db-prefix', default='nova',
                       help='Database name prefix with --db mysql '
                            '(<prefix>_api, <prefix>, <prefix>_cell0, '
                            '<prefix>_placement).')
    start.add_argument('--mysql-url', default=probe.DEFAULT_MYSQL_URL,
                       help='SQLAlchemy URL of the MySQL server, without a '
                            'database (default %(default)s).')
    start.add_argument('--transport-url',
                       help='RabbitMQ to use (default %s; on a virtual '
                            'host of its own when another deployment\'s '
                            'conductor already serves that one and '
                            'rabbitmqctl may make one). A given URL whose '
                            'virtual host another deployment serves is '
                            'refused.' % probe.DEFAULT_RABBIT_URL)
    start.add_argument('--mode', choices=('auto', 'processes', 'inprocess'),
                       default='auto',
                       help='auto: separate daemons if RabbitMQ answers, '
                            'else one process (default).')
    start.add_argument('--keystone-url', metavar='URL',
                       help='Validate tokens with the Keystone at URL '
                            '(e.g. http://127.0.0.1:15000/v3) instead of '
                            'noauth2; needs --keystone-password or '
                            '--keystone-admin-password.')
    start.add_argument('--keystone-user', default='nova',
                       help='Service user the API and placement validate '
                            'tokens as and the services call placement as '
                            '(default %(default)s; needs the admin and '
                            'service roles).')
    start.add_argument('--keystone-password',
                       default=os.environ.get('NOVA_LOCAL_KEYSTONE_PASSWORD'),
                       help='Password of --keystone-user (default '
                            '$NOVA_LOCAL_KEYSTONE_PASSWORD). With '
                            '--keystone-admin-password the user is made '
                            'with it (or a new one) if needed.')
    start.add_argument('--keystone-project', default='service',
                       help='Project of --keystone-user (default '
                            '%(default)s).')
    start.add_argument('--keystone-admin-user', default='admin',
                       help='Keystone administrator (project "admin") that '
                            'creates the service user, the endpoints and '
                            'the demo user, with --keystone-admin-password '
                            '(default %(default)s).')
    start.add_argument('--keystone-admin-password',
                       default=os.environ.get(
                           'NOVA_LOCAL_KEYSTONE_ADMIN_PASSWORD'),
                       help='Password of --keystone-admin-user (default '
                            '$NOVA_LOCAL_KEYSTONE_ADMIN_PASSWORD). Without '
                            'it the service user must exist, and does the '
                            'rest if it has the admin role.')
    start.add_argument('--keystone-region', default='RegionOne',
                       help='Region of this deployment\'s endpoints in '
                            'the catalog (default %(default)s).')
    start.add_argument('--keystone-register-endpoints',
                       action=argparse.BooleanOptionalAction, default=None,
                       help='Register the compute, placement and image '
                            'endpoints of this deployment in Keystone\'s '
                            'catalog under --keystone-region (default: '
                            'when the acting user has the admin role).')
    start.add_argument('--keystone-demo',
                       action=argparse.BooleanOptionalAction, default=None,
                       help='Make project and user "demo" (member) for '
                            'openrc and clouds.yaml (default: when the '
                            'acting user has the admin role).')
    start.add_argument('--neutron-url', metavar='URL',
                       help='Get servers\' ports from the Neutron at URL '
                            '([network] backend = neutron; '
                            'tools/neutron/setup.sh starts one). Needs '
                            '--keystone-url: nova\'s service user binds '
                            'the ports. Default: no network service.')
    start.add_argument('--neutron-fake-vif-dir', metavar='DIR',
                       help='With fake computes: where they record the '
                            'VIFs they plug for the harness L2 agent of '
                            'tools/neutron (its NEUTRON_FAKE_VIF_DIR), so '
                            'that their ports go ACTIVE.')
    start.add_argument('--neutron-metadata-secret', default='',
                       help='The shared secret of Neutron\'s metadata '
                            'proxy: with it the metadata service trusts '
                            'the instance ids the proxy signs ([neutron] '
                            'service_metadata_proxy); without, it finds '
                            'servers by the requests\' addresses.')
    start.add_argument('--report-interval', type=int, default=10)
    start.add_argument('--service-down-time', type=int, default=60)
    start.add_argument('--debug', action='store_true',
                       help='Debug logging in the services.')
    start.add_argument('--timeout', type=int, default=180,
                       help='Seconds to wait for the services (default '
                            '%(default)s).')

    for name, text in (('stop', 'Stop the deployment.'),
                       ('status', 'Show the processes of the deployment.')):
        cmd = sub.add_parser(name, help=text)
        _add_state_dir(cmd)

    # Used by "start" in the in-process mode; runs in the foreground.
    serve = sub.add_parser('serve', help=argparse.SUPPRESS)
    _add_state_dir(serve)
    return parser


def _choose_mode(args):
    if args.mode != 'auto':
        return args.mode
    if probe.rabbit_answers(args.transport_url):
        return deployment.MODE_PROCESSES
    return deployment.MODE_INPROCESS


def own_vhost_name(state_dir):
    """The virtual host nova-local makes for the deployment in
    ``state_dir``: the same at every start, so a restart finds it."""
    return 'nova-local-%s' % hashlib.sha1(
        os.path.abspath(state_dir).encode('utf-8')).hexdigest()[:10]


def _unshared_transport_url(requested, state_dir):
    """The transport URL this deployment may use (``requested``: the
    --transport-url given, or None), or None after saying why not.

    oslo.messaging names its queues after the topics only, so two
    deployments on one virtual host share "conductor", "scheduler", ...:
    the second one's RPC would reach the first one's services. A
    virtual host where a conductor is consuming belongs to a running
    deployment (this state directory's own is not running, start checked).
    """
    from nova.conductor import rpcapi as conductor_rpcapi
    topic = conductor_rpcapi.TOPIC
    url = requested or probe.DEFAULT_RABBIT_URL
    if not probe.queue_consumers(url, topic):
        return url
    vhost = probe.rabbit_vhost(url)
    busy = ('Another nova deployment\'s conductor is running on RabbitMQ '
            'virtual host "%s" at %s; this one would send its RPC to it.'
            % (vhost, probe.mask_url(url)))
    own = own_vhost_name(state_dir)
    if requested is None:
        own_url = probe.with_rabbit_vhost(url, own)
        if probe.add_rabbit_vhost(own, user=probe.rabbit_user(url)):
            if not probe.queue_consumers(own_url, topic):
                print('%s Using virtual host "%s" of its own: %s'
                      % (busy, own, probe.mask_url(own_url)))
                return own_url
    print('ERROR: %s' % busy)
    print('Give this deployment a virtual host of its own, e.g.:\n'
          '  rabbitmqctl add_vhost %s\n'
          '  rabbitmqctl set_permissions -p %s %s ".*" ".*" ".*"\n'
          '  nova-local start --transport-url %s ...'
          % (own, own, probe.rabbit_user(url),
             probe.mask_url(probe.with_rabbit_vhost(url, own))))
    return None


def cmd_start(args):
    state_dir = _state_dir(args)
    try:
        old = deployment.Deployment.load(state_dir)
    except deployment.DeploymentError:
        old = None
    if old is not None and any(p.alive() for p in old.processes.values()):
        print('A deployment is already running in %s; '
              '"nova-local stop --state-dir %s" first.'
              % (state_dir, state_dir))
        return 1
    keystone = {}
    if args.keystone_url:
        keystone = _keystone_settings(args, old)
        if keystone is None:
            return 1
    neutron = {}
    if args.neutron_url:
        if not keystone:
            print('--neutron-url needs --keystone-url: Neutron takes only '
                  'Keystone tokens.')
            return 1
        neutron = {'url': args.neutron_url,
                   'fake_vif_dir': args.neutron_fake_vif_dir,
                   'metadata_secret': args.neutron_metadata_secret}
    for port, option, what in (
            (args.novncproxy_port, '--novncproxy-port', 'console proxy'),
            (args.metadata_port, '--metadata-port', 'metadata service')):
        if port and probe.port_in_use(port):
            print('ERROR: port %d is in use (another deployment\'s %s?); '
                  'choose another with %s PORT, or %s 0 for no %s.'
                  % (port, what, option, option, what))
            return 1
    requested_url = args.transport_url
    args.transport_url = args.transport_url or probe.DEFAULT_RABBIT_URL
    mode = _choose_mode(args)
    if mode == deployment.MODE_PROCESSES:
        args.transport_url = _unshared_transport_url(requested_url,
                                                     state_dir)
        if args.transport_url is None:
            return 1
    if args.mode != 'auto':
        print('--mode %s: %s.' % (mode, 'separate processes over %s'
                                  % probe.mask_url(args.transport_url)
                                  if mode == deployment.MODE_PROCESSES else
                                  'every service in one process over the '
                                  'in-process transport "fake:/"'))
    elif mode == deployment.MODE_PROCESSES:
        print('RabbitMQ answers at %s: starting nova-conductor, '
              'nova-scheduler, %d nova-compute and nova-api as separate '
              'processes.' % (probe.mask_url(args.transport_url),
                              args.computes))
    else:
        print('RabbitMQ does not answer at %s: running every service in '
              'one process over the in-process transport "fake:/".'
              % probe.mask_url(args.transport_url))
    settings = layout.Settings(
        state_dir=state_dir, db=args.db, db_prefix=args.db_prefix,
        mysql_url=args.mysql_url, transport_url=args.transport_url,
        computes=['compute%d' % n for n in range(1, args.computes + 1)],
        fake_nodes=args.fake_nodes, compute_driver=args.compute_driver,
        libvirt_uri=args.libvirt_uri,
        libvirt_virt_type=args.libvirt_virt_type, api_port=args.port,
        placement_port=args.placement_port or args.port + 4,
        novncproxy_port=args.novncproxy_port or None,
        metadata_port=args.metadata_port or None,
        report_interval=args.report_interval,
        service_down_time=args.service_down_time, debug=args.debug,
        keystone=keystone, neutron=neutron)
    dep = deployment.Deployment(settings, mode=mode)
    if keystone:
        from nova.local import keystone as local_keystone
        admin = None
        if args.keystone_admin_password:
            admin = {'username': args.keystone_admin_user,
                     'password': args.keystone_admin_password,
                     'project_name': 'admin'}
        try:
            local_keystone.prepare(
                settings, admin=admin,
                register_endpoints=args.keystone_register_endpoints,
                demo=args.keystone_demo)
        except local_keystone.KeystoneSetupError as exc:
            print('ERROR: %s' % exc)
            return 1
    try:
        dep.setup()
        dep.start(timeout=args.timeout)
    except deployment.DeploymentError as exc:
        print('ERROR: %s' % exc)
        print('Stopping what was started.')
        dep.stop()
        return 1
    _print_status(dep)
    print()
    _print_usage(settings)
    return 0


def _keystone_settings(args, old):
    """settings.keystone from the command line, or None (after saying
    why) when a password is missing."""
    password = args.keystone_password
    if not password and args.keystone_admin_password:
        # The service user is made (or its password set) by nova-local:
        # keep the one of the previous start in this state directory.
        previous = old.settings.keystone if old is not None else {}
        if previous.get('username') == args.keystone_user:
            password = previous.get('password')
        if not password:
            from nova.local import keystone as local_keystone
            password = local_keystone.new_password()
    if not password:
        print('--keystone-url needs --keystone-password (or '
              '$NOVA_LOCAL_KEYSTONE_PASSWORD), or --keystone-admin-password '
              '(or $NOVA_LOCAL_KEYSTONE_ADMIN_PASSWORD) to make the service '
              'user.')
        return None
    keystone = {'auth_url': args.keystone_url,
                'username': args.keystone_user,
                'password': password,
                'project_name': args.keystone_project,
                'region_name': args.keystone_region}
    if old is not None and old.settings.keystone.get('demo_password'):
        keystone['demo_password'] = old.settings.keystone['demo_password']
    return keystone


def _print_usage(settings):
    ks = settings.keystone
    if ks:
        print('Compute API: %s   (Keystone tokens from %s)'
              % (settings.compute_endpoint, ks['auth_url']))
        if ks.get('endpoints_registered'):
            print('Catalog:     compute, placement and image endpoints in '
                  'region %s' % ks.get('region_name', 'RegionOne'))
    else:
        print('Compute API: %s   (token "%s" with auth_strategy noauth2)'
              % (settings.compute_endpoint, layout.ADMIN_TOKEN))
    print('Image API:   %s' % settings.image_endpoint)
    _print_consoles(settings)
    _print_metadata(settings)
    print('openrc:      %s' % settings.path('openrc'))
    print('clouds.yaml: %s' % settings.path('clouds.yaml'))
    if ks:
        from nova.local import clients
        accounts = clients.keystone_accounts(settings)
        if 'demo' in accounts:
            print('Use it:      source %s && openstack server list   (as '
                  '%s; "source openrc admin" for %s)'
                  % (settings.path('openrc'), accounts['demo']['username'],
                     accounts['admin']['username']))
        else:
            print('Use it:      source %s && openstack server list   (as '
                  '%s)' % (settings.path('openrc'),
                           accounts['admin']['username']))
        print('         or: export OS_CLIENT_CONFIG_FILE=%s OS_CLOUD=%s'
              % (settings.path('clouds.yaml'),
                 clients.DEMO_CLOUD if 'demo' in accounts
                 else clients.ADMIN_CLOUD))
    else:
        print('Use it:      source %s && openstack server list'
              % settings.path('openrc'))
        print('         or: export OS_CLIENT_CONFIG_FILE=%s OS_CLOUD=%s'
              % (settings.path('clouds.yaml'), 'nova-local'))


def _print_endpoint(label, url, process, answers=None):
    """A line of the usage or status: where ``process`` serves, and with
    ``answers`` (not None) whether it answers there."""
    state = '' if answers is None else '   (%s %s)' % (
        process, 'answers' if answers else 'does not answer')
    print('%-13s%s%s' % (label + ':', url, state))


def _print_consoles(settings, answers=None):
    if settings.novncproxy_port is None:
        return
    _print_endpoint('Consoles', settings.novncproxy_base_url,
                    'nova-novncproxy', answers)
    web = settings.novncproxy_web
    if not os.path.isdir(web):
        print('             noVNC\'s web client is missing (%s): install '
              'the package "novnc" (apt-get install novnc) for the console '
              'page; the proxy serves console websockets meanwhile.' % web)


def _print_metadata(settings, answers=None):
    if settings.metadata_port is None:
        return
    _print_endpoint('Metadata', settings.metadata_endpoint,
                    'nova-metadata-api', answers)


def _print_status(dep):
    print('Mode: %s, state directory %s, database %s'
          % (dep.mode, dep.settings.state_dir, dep.settings.db))
    for name, info in dep.status().items():
        print('  %-28s pid %-8s %-8s log %s' % (
            name, info['pid'], 'running' if info['alive'] else 'stopped',
            info['log']))


def cmd_status(args):
    try:
        dep = deployment.Deployment.load(_state_dir(args))
    except deployment.DeploymentError as exc:
        print(exc)
        return 3
    _print_status(dep)
    running = [info['alive'] for info in dep.status().values()]
    if running and all(running):
        answers = dep.api_answers()
        print('API at %s: %s' % (dep.settings.compute_endpoint,
                                 'answers' if answers else 'no answer'))
        proxy = metadata = True
        if dep.settings.novncproxy_port is not None:
            proxy = dep.novncproxy_answers()
            _print_consoles(dep.settings, proxy)
        if dep.settings.metadata_port is not None:
            metadata = dep.metadata_answers()
            _print_metadata(dep.settings, metadata)
        return 0 if answers and proxy and metadata else 3
    return 3


def cmd_stop(args):
    try:
        dep = deployment.Deployment.load(_state_dir(args))
    except deployment.DeploymentError as exc:
        print(exc)
        return 1
    results = dep.stop()
    for name, graceful in results.items():
        print('%s: %s' % (name, 'stopped' if graceful
                          else 'killed (did not stop on SIGTERM)'))
    if not results:
        print('Nothing was running.')
    return 0


def cmd_serve(args):
    from nova.local import inprocess
    dep = deployment.Deployment.load(_state_dir(args))
    rc = inprocess.run(dep.settings,
                       dep.settings.conf_path('nova-all-in-one'))
    # The services are stopped; worker pools of libraries (RPC executor,
    # build workers) may still hold non-daemon threads that would keep
    # the interpreter waiting for nothing.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(rc)


COMMANDS = {'start': cmd_start, 'status': cmd_status, 'stop': cmd_stop,
            'serve': cmd_serve}


def main(argv=None):
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)


if __name__ == '__main__':
    sys.exit(main())

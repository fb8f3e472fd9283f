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
    start.add_argument('--port', type=int, default=8774,
                       help='Port of the API (default 8774).')
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
    start.add_argument('--transport-url', default=probe.DEFAULT_RABBIT_URL,
                       help='RabbitMQ to use (default %(default)s).')
    start.add_argument('--mode', choices=('auto', 'processes', 'inprocess'),
                       default='auto',
                       help='auto: separate daemons if RabbitMQ answers, '
                            'else one process (default).')
    start.add_argument('--keystone-url', metavar='URL',
                       help='Validate tokens with the Keystone at URL '
                            '(e.g. http://127.0.0.1:5000/v3) instead of '
                            'noauth2; needs --keystone-password.')
    start.add_argument('--keystone-user', default='nova',
                       help='Service user the API and placement validate '
                            'tokens as and the services call placement as '
                            '(default %(default)s; needs the admin or '
                            'service role).')
    start.add_argument('--keystone-password',
                       default=os.environ.get('NOVA_LOCAL_KEYSTONE_PASSWORD'),
                       help='Password of --keystone-user (default '
                            '$NOVA_LOCAL_KEYSTONE_PASSWORD).')
    start.add_argument('--keystone-project', default='service',
                       help='Project of --keystone-user (default '
                            '%(default)s).')
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
        if not args.keystone_password:
            print('--keystone-url needs --keystone-password (or '
                  '$NOVA_LOCAL_KEYSTONE_PASSWORD).')
            return 1
        keystone = {'auth_url': args.keystone_url,
                    'username': args.keystone_user,
                    'password': args.keystone_password,
                    'project_name': args.keystone_project}
    mode = _choose_mode(args)
    if args.mode != 'auto':
        print('--mode %s: %s.' % (mode, 'separate processes over %s'
                                  % args.transport_url
                                  if mode == deployment.MODE_PROCESSES else
                                  'every service in one process over the '
                                  'in-process transport "fake:/"'))
    elif mode == deployment.MODE_PROCESSES:
        print('RabbitMQ answers at %s: starting nova-conductor, '
              'nova-scheduler, %d nova-compute and nova-api as separate '
              'processes.' % (args.transport_url, args.computes))
    else:
        print('RabbitMQ does not answer at %s: running every service in '
              'one process over the in-process transport "fake:/".'
              % args.transport_url)
    settings = layout.Settings(
        state_dir=state_dir, db=args.db, db_prefix=args.db_prefix,
        mysql_url=args.mysql_url, transport_url=args.transport_url,
        computes=['compute%d' % n for n in range(1, args.computes + 1)],
        fake_nodes=args.fake_nodes, api_port=args.port,
        placement_port=args.placement_port or args.port + 4,
        report_interval=args.report_interval,
        service_down_time=args.service_down_time, debug=args.debug,
        keystone=keystone)
    dep = deployment.Deployment(settings, mode=mode)
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
    if keystone:
        print('Compute API: %s   (Keystone tokens from %s)'
              % (settings.compute_endpoint, keystone['auth_url']))
    else:
        print('Compute API: %s   (token "%s" with auth_strategy noauth2)'
              % (settings.compute_endpoint, layout.ADMIN_TOKEN))
    print('Image API:   %s' % settings.image_endpoint)
    print('Use it:      source %s && openstack server list'
          % settings.path('openrc'))
    return 0


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
        return 0 if answers else 3
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

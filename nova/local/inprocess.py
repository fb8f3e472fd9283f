"""Every nova service in one process, for machines without RabbitMQ.

The conductor, the scheduler, the compute host(s) and the API run as
threads of one process; RPC goes over oslo.messaging's in-process
transport (nova.rpc.IN_PROCESS_TRANSPORT_URL), so casts and calls still
cross the same rpcapi/manager seams as with separate daemons, serialized
the same way. The API (and the metadata service, when the deployment has
one) is served by cheroot, a threaded production WSGI server; the noVNC
console proxy, when the deployment has one, by its own server thread.

Object indirection is on, as in separate daemons: the API, scheduler and
compute threads send every remotable object method to the conductor over
the in-process transport. The switch is thread-aware
(nova.objects.base.direct_db_access): only the conductor's own threads
reach the database.
"""

import threading

from oslo_log import log as logging

import nova.conf

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF


def compute_hosts(settings):
    """The compute hosts the in-process mode runs: all of them."""
    return list(settings.computes)


def _compute_managers(settings):
    """[(host, manager)] for every compute host.

    The compute manager and the virt driver take their host name from
    CONF.host when they are built, and CONF is one per process: set it
    for the time each manager is built, then put it back so that the
    other services keep the machine's name.
    """
    from nova.cmd import compute as compute_cmd
    managers = []
    try:
        for host in compute_hosts(settings):
            CONF.set_override('host', host)
            managers.append((host, compute_cmd.make_manager()))
    finally:
        CONF.clear_override('host')
    return managers


def build_wsgi_app():
    """The API application (which serves the Glance v2 image face under
    /image) with the identity discovery stub under /identity."""
    from nova.api import app as api_app
    return api_app.build()


def _serve(name, host, port, app, threads):
    """(server, thread): ``app`` served on host:port by a cheroot server
    of ``threads`` threads, running in a thread of its own."""
    from cheroot import wsgi
    server = wsgi.Server((host, port), app, numthreads=threads,
                         server_name=name)
    server.prepare()
    thread = threading.Thread(target=server.serve, name=name + '-http',
                              daemon=True)
    thread.start()
    LOG.info('%s serving on http://%s:%s', name, host, port)
    return server, thread


class AllInOne:
    """The services of one process, started and stopped together."""

    def __init__(self, settings):
        self.settings = settings
        self.services = []
        self.http = None
        self.http_thread = None
        self.placement_http = None
        self.placement_thread = None
        self.console_proxy = None
        self.metadata_http = None
        self.metadata_thread = None

    def start(self):
        from nova.cmd import conductor as conductor_cmd
        from nova.cmd import scheduler as scheduler_cmd
        from nova import service
        # As in separate processes, every service but the conductor reaches
        # data through conductor RPC (here over the in-process transport);
        # the conductor's own threads go to the database directly.
        self._start_placement()
        conductor = conductor_cmd.make_service()
        conductor.start()
        self.services.append(conductor)
        service.setup_remote_objects()
        sched = service.Service('nova-scheduler', 'scheduler',
                                scheduler_cmd.make_manager())
        sched.start()
        self.services.append(sched)
        for host, manager in _compute_managers(self.settings):
            svc = service.Service('nova-compute', 'compute', manager,
                                  host=host)
            svc.start()
            self.services.append(svc)
        service.start_api_heartbeat()
        self._start_console_proxy()
        self._start_metadata()
        self._start_http()

    def _start_console_proxy(self):
        """nova-novncproxy's server, when the deployment has one: its
        token checks go to the conductor like the other services' calls."""
        if self.settings.novncproxy_port is None:
            return
        from nova.console import websocketproxy
        self.console_proxy = websocketproxy.from_conf(CONF)
        if self.console_proxy.web_dir is None:
            LOG.warning('Serving console websockets only. %s',
                        websocketproxy.MISSING_WEB_CLIENT
                        % CONF.vnc.novncproxy_web)
        self.console_proxy.start()
        LOG.info('nova-novncproxy serving on %s:%s',
                 CONF.vnc.novncproxy_host, self.console_proxy.port)

    def _start_metadata(self):
        """nova-metadata-api's application, when the deployment has one:
        it reads servers through the conductor like the other services."""
        if self.settings.metadata_port is None:
            return
        from nova.metadata import app as metadata_app
        opts = CONF.metadata_api
        self.metadata_http, self.metadata_thread = _serve(
            'nova-metadata-api', opts.bind_host, opts.bind_port,
            metadata_app.build(), opts.threads * opts.workers)

    def _start_placement(self):
        """Placement's own WSGI app on its own port, started first: the
        computes report their nodes to it as they start."""
        from nova.placement import app as placement_app
        self.placement_http, self.placement_thread = _serve(
            'nova-placement-api', CONF.placement_api.bind_host,
            CONF.placement_api.bind_port, placement_app.build(CONF), 8)

    def _start_http(self):
        self.http, self.http_thread = _serve(
            'nova-api', CONF.wsgi.bind_host, CONF.wsgi.bind_port,
            build_wsgi_app(), max(CONF.wsgi.threads, 4) * CONF.wsgi.workers)

    def stop(self):
        from nova import service
        if self.http is not None:
            self.http.stop()
            self.http_thread.join(10)
        if self.console_proxy is not None:
            self.console_proxy.stop(timeout=CONF.graceful_shutdown_timeout)
        if self.metadata_http is not None:
            self.metadata_http.stop()
            self.metadata_thread.join(10)
        service.stop_api_heartbeat()
        # The computes first, the conductor (which they need) last.
        for svc in reversed(self.services):
            try:
                svc.stop()
            except Exception:
                LOG.exception('Stopping %s failed', svc.binary)
        if self.placement_http is not None:
            self.placement_http.stop()
            self.placement_thread.join(10)


def run(settings, config_file):
    """Serve until SIGTERM or SIGINT (the body of ``nova-local serve``)."""
    from nova.cmd import common
    common.init(['--config-file', config_file], 'nova-all-in-one')
    from nova import service
    stop_requested = service.stop_on_signals()
    node = AllInOne(settings)
    try:
        node.start()
        LOG.info('Every service runs in this process over the in-process '
                 'transport %s', CONF.transport_url)
        service.wait_for(stop_requested)
    finally:
        node.stop()
    LOG.info('Every service stopped')
    return 0

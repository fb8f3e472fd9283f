"""Lay out, start, watch and stop a local nova deployment.

Two modes:

- ``processes``: nova-conductor, nova-scheduler, one nova-compute per
  compute host and nova-api as separate daemons over RabbitMQ, each with
  its own configuration file (only the conductor's has database options),
  nova-novncproxy when ``settings.novncproxy_port`` is set and
  nova-metadata-api when ``settings.metadata_port`` is.
- ``inprocess``: every service (the console proxy and the metadata
  service too) in one process
  over oslo.messaging's in-process transport (see nova.local.inprocess),
  for machines without RabbitMQ.

Typical use (the functional tests and ``nova-local`` do this)::

    dep = Deployment(layout.Settings(state_dir='/tmp/cloud'))
    dep.setup()            # config files, databases, schemas, cells
    dep.start()            # daemons; waits for the API and the computes
    ...
    dep.stop()

The process ids are kept in ``deployment.json`` so that another
invocation (``nova-local stop``) can stop what this one started.
"""

from concurrent import futures
import errno
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from nova.local import clients
from nova.local import layout

MODE_PROCESSES = 'processes'
MODE_INPROCESS = 'inprocess'
STATE_FILE = 'deployment.json'


class DeploymentError(Exception):
    pass


def _script(name):
    """The console script ``name`` of the Python running us (the venv's),
    else whatever is on PATH."""
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    if os.path.exists(candidate):
        return candidate
    import shutil
    found = shutil.which(name)
    if found is None:
        raise DeploymentError('%s is not installed (looked next to %s and '
                              'on PATH)' % (name, sys.executable))
    return found


def _command(name, module):
    """How to run console script ``name``: the script, or ``python -m
    module`` when it is not installed (a checkout newer than the
    environment's installation)."""
    try:
        return [_script(name)]
    except DeploymentError:
        return [sys.executable, '-m', module]


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    # A zombie answers kill(0) too: look at its state where we can.
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().split(')')[-1].split()[0] != 'Z'
    except OSError:
        return True


class Process:
    """One daemon of the deployment."""

    def __init__(self, name, argv, log_path, pid=None, popen=None):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.pid = pid
        self.popen = popen

    def start(self, env=None):
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        with open(self.log_path, 'ab') as log:
            # A session of its own: the process (and gunicorn's workers)
            # can be signalled as a group and outlive ``nova-local start``.
            self.popen = subprocess.Popen(
                self.argv, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True, env=env,
                close_fds=True)
        self.pid = self.popen.pid
        return self

    def alive(self):
        if self.pid is None:
            return False
        if self.popen is not None:
            return self.popen.poll() is None
        return pid_alive(self.pid)

    def signal(self, signum, group=False):
        if not self.alive():
            return
        try:
            if group:
                os.killpg(self.pid, signum)
            else:
                os.kill(self.pid, signum)
        except ProcessLookupError:
            pass

    def wait(self, timeout):
        deadline = time.monotonic() + timeout
        while self.alive():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    def stop(self, timeout=30):
        """SIGTERM, wait up to ``timeout``, then SIGKILL the group.

        Returns True if the process stopped on SIGTERM.
        """
        self.signal(signal.SIGTERM)
        graceful = self.wait(timeout)
        if not graceful:
            self.signal(signal.SIGKILL, group=True)
            self.wait(10)
        # Leftovers of the group (gunicorn workers) go too.
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, TypeError):
            pass
        return graceful

    def log_tail(self, lines=40):
        try:
            with open(self.log_path, 'rb') as f:
                data = f.read().decode('utf-8', 'replace')
        except OSError:
            return ''
        return '\n'.join(data.splitlines()[-lines:])

    def to_dict(self):
        return {'name': self.name, 'argv': self.argv,
                'log_path': self.log_path, 'pid': self.pid}

    @classmethod
    def from_dict(cls, data):
        return cls(data['name'], data['argv'], data['log_path'],
                   pid=data.get('pid'))


class Deployment:
    """A local deployment rooted at ``settings.state_dir``."""

    def __init__(self, settings, mode=MODE_PROCESSES):
        self.settings = settings
        self.mode = mode
        self.processes = {}

    # -- persisted state ---------------------------------------------------
    @property
    def state_file(self):
        return self.settings.path(STATE_FILE)

    def save(self):
        layout.write_json(self.state_file, {
            'mode': self.mode,
            'settings': self.settings.to_dict(),
            'processes': [p.to_dict() for p in self.processes.values()],
        })

    @classmethod
    def load(cls, state_dir):
        path = os.path.join(os.path.abspath(state_dir), STATE_FILE)
        try:
            data = layout.read_json(path)
        except FileNotFoundError:
            raise DeploymentError('no deployment in %s (%s is missing)'
                                  % (state_dir, STATE_FILE))
        dep = cls(layout.Settings.from_dict(data['settings']),
                  mode=data.get('mode', MODE_PROCESSES))
        for pdata in data.get('processes', []):
            proc = Process.from_dict(pdata)
            dep.processes[proc.name] = proc
        return dep

    # -- layout -------------------------------------------------------------
    def write_config(self):
        """Configuration files of every process, and the client settings."""
        s = self.settings
        for sub in ('etc', 'log', 'images'):
            os.makedirs(s.path(sub), exist_ok=True)
        if self.mode == MODE_INPROCESS:
            layout.write_text(s.conf_path('nova-all-in-one'),
                              layout.all_in_one_config(s))
            # nova-manage runs as its own process in both modes; it needs
            # the same databases and the in-process transport URL so
            # that cell1 records it.
            layout.write_text(s.conf_path('nova-manage'),
                              layout.all_in_one_config(s))
        else:
            for name, text in layout.config_files(s).items():
                layout.write_text(s.conf_path(name), text)
        clients.write_client_files(s)

    def create_databases(self):
        """Create the MySQL databases (SQLite files come by themselves)."""
        if self.settings.db != 'mysql':
            return
        import sqlalchemy as sa
        engine = sa.create_engine(self.settings.mysql_url)
        try:
            with engine.begin() as conn:
                for name in self.settings.db_names():
                    conn.execute(sa.text(
                        'CREATE DATABASE IF NOT EXISTS `%s` CHARACTER SET '
                        'utf8mb4' % name))
        finally:
            engine.dispose()

    def drop_databases(self):
        s = self.settings
        if s.db == 'mysql':
            import sqlalchemy as sa
            engine = sa.create_engine(s.mysql_url)
            try:
                with engine.begin() as conn:
                    for name in s.db_names():
                        conn.execute(sa.text('DROP DATABASE IF EXISTS `%s`'
                                             % name))
            finally:
                engine.dispose()
        else:
            for name in s.db_names():
                for suffix in ('', '-wal', '-shm'):
                    try:
                        os.unlink(s.path(name + '.sqlite' + suffix))
                    except FileNotFoundError:
                        pass

    def manage(self, *args, check=True):
        """Run ``nova-manage <args>`` with the deployment's manage config."""
        argv = [_script('nova-manage'), '--config-file',
                self.settings.conf_path('nova-manage')] + list(args)
        result = subprocess.run(argv, capture_output=True, text=True)
        if check and result.returncode != 0:
            raise DeploymentError(
                'nova-manage %s failed (exit %d):\n%s%s' % (
                    ' '.join(args), result.returncode, result.stdout,
                    result.stderr))
        return result

    def sync_databases(self):
        """Schemas, cell0 and cell1 mappings (idempotent)."""
        s = self.settings
        self.manage('api_db', 'sync')
        self.manage('cell_v2', 'map_cell0', '--database_connection',
                    s.cell0_db_url())
        cells = self.manage('cell_v2', 'list_cells', '--verbose').stdout
        if ' cell1 ' not in cells:
            self.manage('cell_v2', 'create_cell', '--name', 'cell1')
        self.manage('db', 'sync')
        self.manage('placement', 'db', 'sync')

    def setup(self):
        self.write_config()
        self.create_databases()
        self.sync_databases()
        self.save()

    # -- processes ----------------------------------------------------------
    def _process(self, name, binary, conf_name, module=None):
        command = [_script(binary)] if module is None else \
            _command(binary, module)
        return Process(name, command + ['--config-file',
                                        self.settings.conf_path(conf_name)],
                       self.settings.log_path(name))

    def planned_processes(self):
        if self.mode == MODE_INPROCESS:
            return [Process('nova-all-in-one',
                            [sys.executable, '-m', 'nova.cmd.local', 'serve',
                             '--state-dir', self.settings.state_dir],
                            self.settings.log_path('nova-all-in-one'))]
        procs = [self._process('nova-placement-api', 'nova-placement-api',
                               'nova-placement-api'),
                 self._process('nova-conductor', 'nova-conductor',
                               'nova-conductor'),
                 self._process('nova-scheduler', 'nova-scheduler',
                               'nova-scheduler')]
        if self.settings.novncproxy_port is not None:
            procs.append(self._process('nova-novncproxy', 'nova-novncproxy',
                                       'nova-novncproxy'))
        if self.settings.metadata_port is not None:
            procs.append(self._process('nova-metadata-api',
                                       'nova-metadata-api',
                                       'nova-metadata-api',
                                       module='nova.cmd.metadata_api'))
        for host in self.settings.computes:
            name = 'nova-compute-' + host
            procs.append(self._process(name, 'nova-compute', name))
        procs.append(self._process('nova-api', 'nova-api', 'nova-api'))
        return procs

    def start(self, wait=True, timeout=120):
        """Start every process that is not running, then (by default)
        wait for the API and the computes and map the compute hosts."""
        deadline = time.monotonic() + timeout
        for proc in self.planned_processes():
            running = self.processes.get(proc.name)
            if running is not None and running.alive():
                continue
            proc.start()
            self.processes[proc.name] = proc
            if proc.name == 'nova-placement-api':
                # The computes report their nodes as they start: placement
                # must answer by then.
                self.save()
                self._wait('placement at %s' %
                           self.settings.placement_endpoint,
                           self.placement_answers, deadline)
        self.save()
        if wait:
            self.wait_until_ready(timeout)

    def start_process(self, name):
        """(Re)start one process of the plan, by name."""
        for proc in self.planned_processes():
            if proc.name == name:
                proc.start()
                self.processes[name] = proc
                self.save()
                return proc
        raise DeploymentError('no process named %s' % name)

    def stop_process(self, name, timeout=30):
        proc = self.processes.get(name)
        if proc is None:
            raise DeploymentError('no process named %s' % name)
        return proc.stop(timeout)

    def stop(self, timeout=30):
        """Stop the API first (no new work), then the computes and the
        scheduler, the conductor and placement last. The processes of one
        stage stop side by side: each may take seconds to finish its
        work, and stopping them one by one would add that up."""
        def stage(proc):
            if proc.name in ('nova-api', 'nova-novncproxy',
                             'nova-metadata-api'):
                return 0
            if proc.name in ('nova-conductor', 'nova-placement-api'):
                return 2
            return 1
        results = {}
        for number in range(3):
            procs = [p for p in self.processes.values()
                     if stage(p) == number and p.alive()]
            if not procs:
                continue
            with futures.ThreadPoolExecutor(len(procs)) as pool:
                for proc, graceful in zip(procs, pool.map(
                        lambda p: p.stop(timeout), procs)):
                    results[proc.name] = graceful
        self.save()
        return results

    def status(self):
        """{process name: {'pid', 'alive', 'log'}}."""
        return {name: {'pid': p.pid, 'alive': p.alive(), 'log': p.log_path}
                for name, p in sorted(self.processes.items())}

    def _check_alive(self):
        dead = [p for p in self.processes.values() if not p.alive()]
        if dead:
            raise DeploymentError('\n'.join(
                '%s exited (log %s):\n%s' % (p.name, p.log_path,
                                             p.log_tail())
                for p in dead))

    # -- readiness ----------------------------------------------------------
    def admin_token(self):
        """A token the API takes as an administrator's: the noauth2 one,
        or with Keystone a token of the service user (kept until it is
        refused)."""
        ks = self.settings.keystone
        if not ks:
            return layout.ADMIN_TOKEN
        if getattr(self, '_ks_token', None) is None:
            from keystoneauth1.identity import v3
            from keystoneauth1 import session as ks_session
            auth = v3.Password(
                auth_url=ks['auth_url'], username=ks['username'],
                password=ks['password'],
                project_name=ks.get('project_name', 'service'),
                user_domain_name=ks.get('user_domain_name', 'Default'),
                project_domain_name=ks.get('project_domain_name',
                                           'Default'))
            self._ks_token = ks_session.Session(auth=auth).get_token()
        return self._ks_token

    def api_request(self, method, path, body=None, token=None,
                    timeout=30, headers=None):
        """One request to the compute API; returns (status, parsed body).
        ``token`` defaults to admin_token()."""
        if token is None:
            token = self.admin_token()
        url = self.settings.compute_endpoint + path
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header('X-Auth-Token', token)
        req.add_header('Accept', 'application/json')
        if data is not None:
            req.add_header('Content-Type', 'application/json')
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        if status == 401 and getattr(self, '_ks_token', None) == token:
            self._ks_token = None
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode('utf-8', 'replace')

    def api_answers(self):
        try:
            with urllib.request.urlopen(self.settings.api_endpoint + '/',
                                        timeout=5) as resp:
                return resp.status < 500
        except urllib.error.HTTPError as exc:
            return exc.code < 500
        except (OSError, ValueError):
            return False

    def placement_answers(self):
        try:
            with urllib.request.urlopen(
                    self.settings.placement_endpoint + '/',
                    timeout=5) as resp:
                return resp.status < 500
        except urllib.error.HTTPError as exc:
            return exc.code < 500
        except (OSError, ValueError):
            return False

    def metadata_answers(self):
        """Whether nova-metadata-api answers (its root, the EC2 versions,
        needs no server behind the request)."""
        try:
            with urllib.request.urlopen(self.settings.metadata_endpoint +
                                        '/', timeout=5) as resp:
                return resp.status == 200
        except (OSError, ValueError):
            return False

    def novncproxy_answers(self):
        import socket
        try:
            with socket.create_connection((self.settings.api_host,
                                           self.settings.novncproxy_port),
                                          timeout=2):
                return True
        except OSError:
            return False

    def compute_services(self):
        """{host: state} of the nova-compute services the API reports."""
        return {host: state for (binary, host), state in
                self.services().items() if binary == 'nova-compute'}

    def services(self):
        """{(binary, host): state} of the services the API reports."""
        try:
            status, body = self.api_request('GET', '/os-services')
        except OSError:
            # While the conductor is still starting, the API's RPC call
            # can outlast our socket timeout: not up yet, ask again.
            return {}
        if status >= 500:
            self._api_errors = getattr(self, '_api_errors', 0) + 1
            if self._api_errors >= 10:
                api = self.processes.get('nova-api') or self.processes.get(
                    'nova-all-in-one')
                raise DeploymentError(
                    'the API answers %d to GET /os-services: %s\nlog tail '
                    'of %s:\n%s' % (status, body, api.name if api else '?',
                                    api.log_tail(30) if api else ''))
            return {}
        self._api_errors = 0
        if status != 200:
            return {}
        return {(svc['binary'], svc['host']): svc['state']
                for svc in body['services']}

    def _wait(self, what, predicate, deadline, interval=0.5):
        while True:
            self._check_alive()
            if predicate():
                return
            if time.monotonic() > deadline:
                raise DeploymentError('timed out waiting for %s' % what)
            time.sleep(interval)

    def wait_until_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        self._wait('the API at %s' % self.settings.api_endpoint,
                   self.api_answers, deadline)
        hosts = set(self.settings.computes)
        if self.mode == MODE_INPROCESS:
            hosts = set(self.inprocess_compute_hosts())
        # Every RPC service must be up, i.e. have heartbeated, which it
        # does only once it consumes its queue: a request sent to a topic
        # nobody consumes yet is lost.
        def all_up():
            states = self.services()
            wanted = [('nova-compute', h) for h in hosts]
            return (all(states.get(key) == 'up' for key in wanted) and
                    any(b == 'nova-conductor' and s == 'up'
                        for (b, _h), s in states.items()) and
                    any(b == 'nova-scheduler' and s == 'up'
                        for (b, _h), s in states.items()))
        self._wait('nova-conductor, nova-scheduler and nova-compute on %s'
                   % ', '.join(sorted(hosts)), all_up, deadline)
        if self.settings.novncproxy_port is not None:
            self._wait('nova-novncproxy at %s'
                       % self.settings.novncproxy_base_url,
                       self.novncproxy_answers, deadline)
        if self.settings.metadata_port is not None:
            self._wait('nova-metadata-api at %s'
                       % self.settings.metadata_endpoint,
                       self.metadata_answers, deadline)
        self.discover_hosts()

    def inprocess_compute_hosts(self):
        from nova.local import inprocess
        return inprocess.compute_hosts(self.settings)

    def discover_hosts(self):
        return self.manage('cell_v2', 'discover_hosts', '--by-service')

    # -- the whole life cycle ----------------------------------------------
    def destroy(self):
        """Stop everything and remove the databases (not the logs)."""
        self.stop()
        self.drop_databases()

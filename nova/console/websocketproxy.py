"""The websocket proxy of nova-novncproxy.

A browser (the noVNC client that this proxy also serves) opens a websocket
to the proxy with a console auth token; the proxy asks the conductor
whether the token is valid (``ConsoleAuthToken.validate``, a remotable
method: this process has no database), checks the websocket's Origin and
then relays bytes between the websocket and the guest's VNC server at the
host and port the token names, until either side closes.

Where the token may be (the first one found wins):

- the ``token`` query parameter of the websocket URL
  (``ws://proxy:6080/websockify?token=...``), which is what noVNC sends
  when the page URL carries ``path=?token=...``;
- a ``token`` cookie. The console URL the API hands out is
  ``<novncproxy_base_url>?token=...``; when the proxy serves a page of the
  web client with a ``token`` query parameter it sets that cookie, so the
  websocket the page then opens (to ``/websockify``, without the token)
  carries it.

Refusals happen before the websocket handshake completes, as plain HTTP
answers, and are logged with their reason: 400 without a token or with a
malformed Origin, 403 for an unknown or expired token, a console type
this proxy does not serve or an Origin from another site, 503 when the
conductor does not answer. A guest that cannot be reached closes the
accepted websocket with code 1011.

VNC security: the proxy relays the RFB stream as it is, so the browser
negotiates the security type with the guest's VNC server itself. Nova's
guests offer VNC without a password (security type "None") on the compute
host's VNC listen address, which is what noVNC expects, so no RFB
negotiation happens in the proxy (upstream nova can additionally terminate
the RFB security handshake itself for VeNCrypt to the compute host; this
proxy does not).

Each connection is served by a thread of its own (socketserver's
ThreadingMixIn, no eventlet); ``ConsoleProxyServer.stop`` ends the accept
loop and closes the proxied connections (their websockets get a close
frame).
"""

import http.cookies
import http.server
import os
import re
import socket
import socketserver
import sys
import threading
import time
import urllib.parse

from oslo_log import log as logging
import oslo_messaging as messaging
from websockify import websocketproxy as ws_proxy

import nova.conf
from nova import exception

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# What a browser (and the log) is told when [vnc] novncproxy_web is not a
# directory; %s is that setting.
MISSING_WEB_CLIENT = (
    'This console proxy has no noVNC web client to serve (%s does not '
    'exist). Install it: Debian and Ubuntu package "novnc" (apt-get '
    'install novnc, files in /usr/share/novnc), or point [vnc] '
    'novncproxy_web at a copy of noVNC; then restart nova-novncproxy.')

# The console types this proxy carries.
CONSOLE_TYPES = ('novnc',)
# Seconds to reach a guest's VNC server before the websocket is closed.
CONNECT_TIMEOUT = 10
# What a token looks like (secrets.token_urlsafe); anything else is not
# echoed back in a cookie.
_TOKEN_RE = re.compile(r'^[A-Za-z0-9_\-]{1,256}$')
_TOKEN_IN_TEXT = re.compile(r'(token=)[^&;\s\'"]+')
_SCHEME_KIND = {'http': 'http', 'ws': 'http', 'https': 'https',
                'wss': 'https'}


class Refused(Exception):
    """A console connection the proxy does not accept: ``status`` is the
    HTTP status of the answer, the message says why (it is logged, and
    sent to the client)."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def token_from_request(path, headers):
    """The console token of a request: the ``token`` query parameter of
    ``path``, else the ``token`` cookie; None when there is neither."""
    query = urllib.parse.urlsplit(path).query
    values = urllib.parse.parse_qs(query).get('token')
    if values and values[0].strip():
        return values[0].strip()
    for header in headers.get_all('Cookie') or ():
        # One malformed cookie must not hide the others: parse each part
        # on its own.
        for part in header.split(';'):
            part = part.strip()
            if not part:
                continue
            jar = http.cookies.SimpleCookie()
            try:
                jar.load(part)
            except http.cookies.CookieError:
                LOG.warning('Ignoring a malformed cookie in a console '
                            'request')
                continue
            if 'token' in jar and jar['token'].value:
                return jar['token'].value
    return None


def _hostname(netloc):
    """Host name (lower case, IPv6 without brackets) of ``host[:port]``."""
    try:
        return urllib.parse.urlsplit('//' + netloc).hostname
    except ValueError:
        return None


def check_origin(headers, access_url_base=None, base_url=None,
                 allowed_origins=()):
    """Raise Refused unless the request's Origin may open this console.

    No Origin header: not a browser, nothing to check. Otherwise the
    Origin's host must be the host the client reached the proxy by (the
    Host header), the host of ``base_url`` ([vnc] novncproxy_base_url) or
    one of ``allowed_origins``; and its scheme (or X-Forwarded-Proto,
    when a TLS-terminating proxy stands in front) must be of the same
    kind (http/ws or https/wss) as the token's ``access_url_base``.
    """
    origin = headers.get('Origin')
    if origin is None:
        return
    try:
        parts = urllib.parse.urlsplit(origin.strip())
        origin_host = parts.hostname
    except ValueError:
        origin_host = None
    if not origin_host or not parts.scheme:
        raise Refused(400, 'Origin header %r is not a valid origin'
                      % origin)
    scheme = headers.get('X-Forwarded-Proto') or parts.scheme
    accepted = {h.strip().lower() for h in allowed_origins if h.strip()}
    host = _hostname(headers.get('Host') or '')
    if host:
        accepted.add(host)
    if base_url:
        base_host = urllib.parse.urlsplit(base_url).hostname
        if base_host:
            accepted.add(base_host)
    if origin_host.lower() not in accepted:
        raise Refused(403, 'Origin %s is not this proxy\'s host (%s) nor '
                      'an allowed origin' % (origin, ', '.join(
                          sorted(accepted)) or '-'))
    if access_url_base:
        expected = urllib.parse.urlsplit(access_url_base).scheme.lower()
        kind = _SCHEME_KIND.get(scheme.strip().lower())
        if kind != _SCHEME_KIND.get(expected, expected):
            raise Refused(403, 'Origin scheme %s does not match the '
                          'console URL\'s scheme %s' % (scheme, expected))


def validate_through_conductor(token):
    """The ConsoleAuthToken of ``token``, as the conductor sees it."""
    from nova import context as nova_context
    from nova import objects
    ctx = nova_context.get_admin_context()
    return objects.ConsoleAuthToken.validate(ctx, token)


def connect_to_console(console, timeout=CONNECT_TIMEOUT):
    """A connected socket to the console a token names. With an
    ``internal_access_path``, the host is an HTTP proxy that is asked to
    CONNECT to that path first."""
    sock = socket.create_connection((console.host, console.port),
                                    timeout=timeout)
    try:
        path = (console.internal_access_path
                if console.obj_attr_is_set('internal_access_path') else None)
        if path:
            sock.sendall(('CONNECT %s HTTP/1.1\r\n\r\n' % path).encode())
            # Byte by byte: what follows the answer's head is the
            # console's and must stay in the socket.
            answer = b''
            while not answer.endswith(b'\r\n\r\n'):
                data = sock.recv(1)
                if not data or len(answer) > 16384:
                    break
                answer += data
            status_line = answer.split(b'\r\n', 1)[0].split()
            if len(status_line) < 2 or status_line[1] != b'200':
                raise OSError('CONNECT %s refused: %r' % (
                    path, answer.split(b'\r\n', 1)[0]))
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    except BaseException:
        sock.close()
        raise


class ConsoleRequestHandler(ws_proxy.ProxyRequestHandler):
    """One client connection: files of the web client, or a console
    websocket."""

    server_version = 'nova-novncproxy'

    def log_message(self, format, *args):
        # websockify's and http.server's own lines (requests, handshakes);
        # they may show the request path, whose token is a secret.
        LOG.debug('%s: %s', self.client_address[0],
                  _TOKEN_IN_TEXT.sub(r'\1***', format % args))

    def log_request(self, code='-', size='-'):
        LOG.debug('%s: "%s" %s', self.client_address[0],
                  _TOKEN_IN_TEXT.sub(r'\1***', self.requestline), code)

    # -- the web client ------------------------------------------------------
    def translate_path(self, path):
        self.directory = self.server.web_dir or os.getcwd()
        return super().translate_path(path)

    def do_GET(self):
        token = token_from_request(self.path, self.headers)
        if token and _TOKEN_RE.match(token):
            self._token_cookie = token
        if (self.server.web_dir is None and
                self.headers.get('Upgrade', '').lower() != 'websocket'):
            # A browser following a console link: say why there is no
            # page rather than a bare 405.
            self._token_cookie = None
            self.send_error(404, 'The noVNC web client is not installed',
                            MISSING_WEB_CLIENT % self.server.web_setting)
            return
        super().do_GET()

    def end_headers(self):
        token = getattr(self, '_token_cookie', None)
        if token:
            # The page's websocket to /websockify carries it (see the
            # module docstring).
            self.send_header('Set-Cookie', 'token=%s; Path=/; HttpOnly; '
                             'SameSite=Strict' % token)
            self._token_cookie = None
        super().end_headers()

    # -- console websockets -----------------------------------------------
    def _authorize(self):
        """The ConsoleAuthToken this request may open, or Refused."""
        token = token_from_request(self.path, self.headers)
        if not token:
            raise Refused(400, 'no console token in the request')
        try:
            console = self.server.validate_token(token)
        except exception.ConsoleAuthTokenNotFound:
            raise Refused(403, 'invalid or expired console token')
        except messaging.MessagingTimeout:
            raise Refused(503, 'nova-conductor did not answer the token '
                          'check')
        except Exception:
            LOG.exception('Checking a console token failed')
            raise Refused(500, 'the token check failed')
        if console.console_type not in CONSOLE_TYPES:
            raise Refused(403, 'a %s console token is not for this proxy'
                          % console.console_type)
        check_origin(self.headers, access_url_base=(
            console.access_url_base
            if console.obj_attr_is_set('access_url_base') else None),
            base_url=self.server.base_url,
            allowed_origins=self.server.allowed_origins)
        return console

    def handle_upgrade(self):
        refusal = None
        try:
            self.console = self._authorize()
        except Refused as exc:
            refusal = exc
        if refusal is not None:
            LOG.warning('Refused a console connection from %s: %s',
                        self.client_address[0], refusal.reason)
            self.close_connection = True
            self.send_error(refusal.status, refusal.reason)
            return
        super().handle_upgrade()

    def validate_connection(self):
        # _authorize() did it; websockify's own token plugins are not used.
        pass

    def new_websocket_client(self):
        console = self.console
        where = '%s:%s' % (console.host, console.port)
        try:
            target = connect_to_console(console)
        except OSError as exc:
            LOG.warning('Cannot reach the console of instance %s at %s: %s',
                        console.instance_uuid, where, exc)
            raise self.CClose(1011, 'cannot reach the console')
        LOG.info('%s: proxying the console of instance %s at %s',
                 self.client_address[0], console.instance_uuid, where)
        self.server.track(target)
        started = time.monotonic()
        try:
            self.do_proxy(target)
        finally:
            self.server.untrack(target)
            try:
                target.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            target.close()
            LOG.info('%s: console of instance %s closed after %.1fs',
                     self.client_address[0], console.instance_uuid,
                     time.monotonic() - started)


class ConsoleProxyServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    """The listening side of nova-novncproxy: a thread per connection.

    ``validate_token(token)`` returns the ConsoleAuthToken of a token or
    raises ConsoleAuthTokenNotFound (the daemon asks the conductor; tests
    may pass their own). ``web_dir`` is the noVNC client to serve (None or
    a missing directory: websockets only).
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host, port, validate_token=validate_through_conductor,
                 web_dir=None, base_url=None, allowed_origins=(),
                 handler=ConsoleRequestHandler):
        if ':' in host:
            self.address_family = socket.AF_INET6
        self.validate_token = validate_token
        self.web_dir = web_dir if web_dir and os.path.isdir(web_dir) else None
        self.web_setting = web_dir
        self.base_url = base_url
        self.allowed_origins = tuple(allowed_origins)
        # What websockify's request handlers read from their server.
        self.only_upgrade = self.web_dir is None
        self.file_only = True
        self.verbose = False
        self.daemon = False
        self.record = None
        self.run_once = False
        self.handler_id = 0
        self.traffic = False
        self.web_auth = False
        self.host_token = False
        self.token_plugin = None
        self.auth_plugin = None
        self.heartbeat = None
        self.ssl_target = False
        self.unix_listen = None
        self.unix_target = None
        self.wrap_cmd = None
        self.target_host = None
        self.target_port = None
        self.logger = LOG
        self._targets = set()
        self._targets_lock = threading.Lock()
        self._serving = None
        super().__init__((host, port), handler)

    def server_bind(self):
        # HTTPServer.server_bind looks up the FQDN, which can take seconds
        # without DNS; the handlers do not need it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    @property
    def port(self):
        return self.server_address[1]

    def process_request(self, request, client_address):
        self.handler_id += 1
        super().process_request(request, client_address)

    def handle_error(self, request, client_address):
        # A client or console that went away mid-stream: one line, not
        # socketserver's traceback on stderr.
        error = sys.exc_info()[1]
        LOG.info('Connection from %s ended: %s: %s', client_address[0],
                 type(error).__name__, error)
        LOG.debug('Details of the error', exc_info=True)

    def track(self, target):
        with self._targets_lock:
            self._targets.add(target)

    def untrack(self, target):
        with self._targets_lock:
            self._targets.discard(target)

    def active_consoles(self):
        with self._targets_lock:
            return len(self._targets)

    def start(self):
        """Serve in a background thread; returns the thread."""
        self._serving = threading.Thread(target=self.serve_forever,
                                         args=(0.1,),
                                         name='novncproxy-accept',
                                         daemon=True)
        self._serving.start()
        return self._serving

    def stop(self, timeout=5):
        """Stop accepting, close every proxied console (the clients get a
        websocket close frame) and wait up to ``timeout`` seconds for
        their threads to finish."""
        if self._serving is not None:
            self.shutdown()
            self._serving.join(timeout)
        self.server_close()
        with self._targets_lock:
            targets = list(self._targets)
        for target in targets:
            try:
                target.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        while self.active_consoles() and time.monotonic() < deadline:
            time.sleep(0.05)
        left = self.active_consoles()
        if left:
            LOG.warning('%d console connections still open at shutdown',
                        left)


def from_conf(conf=CONF, validate_token=validate_through_conductor):
    """The ConsoleProxyServer that the options describe (not started)."""
    return ConsoleProxyServer(
        conf.vnc.novncproxy_host, conf.vnc.novncproxy_port,
        validate_token=validate_token, web_dir=conf.vnc.novncproxy_web,
        base_url=conf.vnc.novncproxy_base_url,
        allowed_origins=conf.console.allowed_origins)

"""nova-novncproxy's websocket proxy against a real local VNC-like server:
a TCP listener that sends the RFB 3.8 banner and echoes what it gets. The
token check is a local function here (the daemon's goes to the
conductor); everything else is the real server, spoken to by a real
websocket client."""

import http.client
import io
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid

import oslo_messaging as messaging
import pytest
import websocket

import nova.conf
from nova.console import websocketproxy
from nova import exception
from nova.objects import console_auth_token

BANNER = b'RFB 003.008\n'
BASE_URL = 'http://127.0.0.1:6080/vnc_lite.html'


def _headers(**values):
    raw = ''.join('%s: %s\r\n' % (k.replace('_', '-'), v)
                  for k, v in values.items()) + '\r\n'
    return http.client.parse_headers(io.BytesIO(raw.encode()))


class RFBServer:
    """Listens on 127.0.0.1; each connection gets the RFB banner, then an
    echo of whatever it sends."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.conns = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            self.conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,),
                             daemon=True).start()

    @staticmethod
    def _serve(conn):
        try:
            conn.sendall(BANNER)
            while True:
                data = conn.recv(4096)
                if not data:
                    break
                conn.sendall(data)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.sock.close()


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture
def rfb():
    server = RFBServer()
    yield server
    server.close()


class Tokens:
    """The token check of the tests: a dict of valid tokens."""

    def __init__(self):
        self.valid = {}
        self.checked = []
        self.error = None

    def add(self, port, console_type='novnc', host='127.0.0.1',
            access_url_base=BASE_URL):
        token = uuid.uuid4().hex
        self.valid[token] = console_auth_token.ConsoleAuthToken(
            console_type=console_type, host=host, port=port,
            internal_access_path=None, instance_uuid=str(uuid.uuid4()),
            access_url_base=access_url_base, token=token, expires=0)
        return token

    def __call__(self, token):
        self.checked.append(token)
        if self.error is not None:
            raise self.error
        try:
            return self.valid[token]
        except KeyError:
            raise exception.ConsoleAuthTokenNotFound()


@pytest.fixture
def tokens():
    return Tokens()


def _web_dir(tmp_path):
    web = tmp_path / 'novnc'
    web.mkdir()
    (web / 'vnc_lite.html').write_text('<html>noVNC lite</html>')
    (web / 'vnc.html').write_text('<html>noVNC</html>')
    return str(web)


@pytest.fixture
def proxy(tmp_path, tokens):
    server = websocketproxy.ConsoleProxyServer(
        '127.0.0.1', 0, validate_token=tokens, web_dir=_web_dir(tmp_path),
        base_url=BASE_URL, allowed_origins=['console.example.org'])
    server.start()
    yield server
    server.stop(timeout=5)


def _ws(proxy, path, **options):
    return websocket.create_connection(
        'ws://127.0.0.1:%d%s' % (proxy.port, path), timeout=10, **options)


def _read_exactly(ws, size):
    data = b''
    while len(data) < size:
        data += ws.recv()
    return data


def _refusal(proxy, path, **options):
    with pytest.raises(websocket.WebSocketBadStatusException) as caught:
        _ws(proxy, path, **options)
    return caught.value.status_code


# -- where the token is -------------------------------------------------------
def test_token_from_the_query_string():
    assert websocketproxy.token_from_request(
        '/websockify?token=abc', _headers()) == 'abc'
    assert websocketproxy.token_from_request(
        '/?token=abc&other=1', _headers()) == 'abc'


def test_token_from_the_cookie_when_the_query_has_none():
    headers = _headers(Cookie='lang=en; token=from-cookie')
    assert websocketproxy.token_from_request(
        '/websockify', headers) == 'from-cookie'
    # The query string wins over the cookie.
    assert websocketproxy.token_from_request(
        '/websockify?token=q', headers) == 'q'


def test_malformed_cookie_part_does_not_hide_the_token():
    headers = _headers(Cookie='bad"cookie; token=t1')
    assert websocketproxy.token_from_request('/', headers) == 't1'


def test_no_token_anywhere_is_none():
    assert websocketproxy.token_from_request(
        '/websockify?path=x', _headers(Cookie='lang=en')) is None
    assert websocketproxy.token_from_request('/?token=', _headers()) is None


# -- origin checks ------------------------------------------------------------
def _check(origin=None, host='proxy.example.com:6080', **kwargs):
    values = {'Host': host}
    if origin is not None:
        values['Origin'] = origin
    kwargs.setdefault('access_url_base', 'http://proxy.example.com:6080/x')
    websocketproxy.check_origin(_headers(**values), **kwargs)


def test_origin_missing_is_a_client_that_is_not_a_browser():
    _check()


def test_origin_of_the_host_the_client_reached():
    _check('http://proxy.example.com:6080')
    _check('http://[::1]:6080', host='[::1]:6080',
           access_url_base='http://[::1]:6080/vnc.html')


def test_origin_of_the_base_url_or_an_allowed_origin():
    _check('http://public.example.com', host='10.0.0.5:6080',
           base_url='http://public.example.com/vnc_lite.html')
    _check('http://other.example.net', host='10.0.0.5:6080',
           allowed_origins=['other.example.net'])


def test_origin_of_another_site_is_refused():
    with pytest.raises(websocketproxy.Refused) as caught:
        _check('http://evil.example.net',
               base_url='http://public.example.com/vnc_lite.html',
               allowed_origins=['other.example.net'])
    assert caught.value.status == 403
    assert 'evil.example.net' in caught.value.reason


def test_malformed_origin_is_refused():
    for origin in ('null', 'proxy.example.com', 'http://'):
        with pytest.raises(websocketproxy.Refused) as caught:
            _check(origin)
        assert caught.value.status == 400, origin


def test_origin_scheme_must_match_the_console_url():
    with pytest.raises(websocketproxy.Refused) as caught:
        _check('http://proxy.example.com',
               access_url_base='https://proxy.example.com/vnc.html')
    assert caught.value.status == 403
    _check('https://proxy.example.com',
           access_url_base='https://proxy.example.com/vnc.html')
    # A TLS-terminating proxy in front says what the browser used.
    values = {'Host': 'proxy.example.com',
              'Origin': 'http://proxy.example.com',
              'X-Forwarded-Proto': 'https'}
    websocketproxy.check_origin(
        _headers(**values),
        access_url_base='https://proxy.example.com/vnc.html')


# -- through the real proxy ---------------------------------------------------
def test_valid_token_reaches_the_console_both_ways(proxy, tokens, rfb):
    token = tokens.add(rfb.port)
    ws = _ws(proxy, '/websockify?token=%s' % token)
    try:
        assert _read_exactly(ws, len(BANNER)) == BANNER
        ws.send_binary(b'RFB 003.008\n')
        assert _read_exactly(ws, 12) == b'RFB 003.008\n'
    finally:
        ws.close()
    assert tokens.checked == [token]


def test_tokens_are_not_logged(proxy, tokens, rfb, caplog):
    caplog.set_level(logging.DEBUG)
    token = tokens.add(rfb.port)
    ws = _ws(proxy, '/websockify?token=%s' % token)
    try:
        assert _read_exactly(ws, len(BANNER)) == BANNER
    finally:
        ws.close()
    _refusal(proxy, '/websockify?token=wrong-%s' % token)
    assert 'proxying the console of instance' in caplog.text
    assert token not in caplog.text


def test_token_in_a_cookie_reaches_the_console(proxy, tokens, rfb):
    token = tokens.add(rfb.port)
    ws = _ws(proxy, '/websockify', cookie='token=%s' % token)
    try:
        assert _read_exactly(ws, len(BANNER)) == BANNER
    finally:
        ws.close()


def test_allowed_origin_reaches_the_console(proxy, tokens, rfb):
    token = tokens.add(rfb.port)
    ws = _ws(proxy, '/?token=%s' % token,
             origin='http://console.example.org')
    try:
        assert _read_exactly(ws, len(BANNER)) == BANNER
    finally:
        ws.close()


def test_unknown_token_is_refused_before_the_console(proxy, tokens, rfb,
                                                     caplog):
    tokens.add(rfb.port)
    assert _refusal(proxy, '/websockify?token=not-a-token') == 403
    assert rfb.connections == 0
    assert 'invalid or expired console token' in caplog.text


def test_missing_token_is_refused(proxy, tokens, rfb):
    assert _refusal(proxy, '/websockify') == 400
    assert tokens.checked == []


def test_foreign_origin_is_refused(proxy, tokens, rfb, caplog):
    token = tokens.add(rfb.port)
    assert _refusal(proxy, '/?token=%s' % token,
                    origin='http://evil.example.net') == 403
    assert rfb.connections == 0
    assert 'evil.example.net' in caplog.text


def test_token_of_another_console_type_is_refused(proxy, tokens, rfb):
    token = tokens.add(rfb.port, console_type='serial')
    assert _refusal(proxy, '/?token=%s' % token) == 403
    assert rfb.connections == 0


def test_conductor_not_answering_is_503(proxy, tokens, rfb):
    token = tokens.add(rfb.port)
    tokens.error = messaging.MessagingTimeout('no conductor')
    assert _refusal(proxy, '/?token=%s' % token) == 503


def test_unreachable_console_closes_the_websocket_with_1011(proxy, tokens):
    token = tokens.add(_free_port())
    ws = _ws(proxy, '/?token=%s' % token)
    try:
        opcode, frame = ws.recv_data_frame(control_frame=True)
        assert opcode == websocket.ABNF.OPCODE_CLOSE
        assert int.from_bytes(frame.data[:2], 'big') == 1011
    finally:
        ws.close()


class ConnectProxy:
    """An HTTP CONNECT relay in front of a console (internal_access_path):
    answers ``status`` to the CONNECT, then speaks RFB when it is 200."""

    def __init__(self, status=200):
        self.status = status
        self.requests = []
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b''
                while b'\r\n\r\n' not in data:
                    chunk = conn.recv(1024)
                    if not chunk:
                        break
                    data += chunk
                self.requests.append(data.split(b'\r\n')[0])
                conn.sendall(b'HTTP/1.1 %d X\r\n\r\n' % self.status)
                if self.status == 200:
                    conn.sendall(BANNER)
                    conn.recv(1024)

    def close(self):
        self.sock.close()


@pytest.mark.parametrize('status', [200, 403])
def test_internal_access_path_is_connected_through_first(proxy, tokens,
                                                        status):
    relay = ConnectProxy(status)
    try:
        token = tokens.add(relay.port)
        tokens.valid[token].internal_access_path = '/console/abc'
        ws = _ws(proxy, '/?token=%s' % token)
        try:
            if status == 200:
                assert _read_exactly(ws, len(BANNER)) == BANNER
            else:
                opcode, frame = ws.recv_data_frame(control_frame=True)
                assert opcode == websocket.ABNF.OPCODE_CLOSE
                assert int.from_bytes(frame.data[:2], 'big') == 1011
        finally:
            ws.close()
        assert relay.requests == [b'CONNECT /console/abc HTTP/1.1']
    finally:
        relay.close()


def test_console_closing_closes_the_websocket(proxy, tokens, rfb):
    token = tokens.add(rfb.port)
    ws = _ws(proxy, '/?token=%s' % token)
    try:
        assert _read_exactly(ws, len(BANNER)) == BANNER
        deadline = time.monotonic() + 5
        while not rfb.conns and time.monotonic() < deadline:
            time.sleep(0.05)
        rfb.conns[0].shutdown(socket.SHUT_RDWR)
        opcode, frame = ws.recv_data_frame(control_frame=True)
        assert opcode == websocket.ABNF.OPCODE_CLOSE
        assert int.from_bytes(frame.data[:2], 'big') == 1000
    finally:
        ws.close()


def test_client_vanishing_ends_the_console_quietly(proxy, tokens, rfb,
                                                   capfd):
    ws = _ws(proxy, '/?token=%s' % tokens.add(rfb.port))
    assert _read_exactly(ws, len(BANNER)) == BANNER
    # Gone without a close frame, with data in flight.
    ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                       b'\x01\x00\x00\x00\x00\x00\x00\x00')
    ws.sock.close()
    deadline = time.monotonic() + 5
    while proxy.active_consoles() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proxy.active_consoles() == 0
    assert 'Traceback' not in capfd.readouterr().err


def test_consoles_are_proxied_side_by_side(proxy, tokens, rfb):
    conns = [_ws(proxy, '/?token=%s' % tokens.add(rfb.port))
             for _ in range(3)]
    try:
        for n, ws in enumerate(conns):
            assert _read_exactly(ws, len(BANNER)) == BANNER
            ws.send_binary(b'hello %d' % n)
        for n, ws in enumerate(conns):
            assert _read_exactly(ws, 7) == b'hello %d' % n
        assert proxy.active_consoles() == 3
    finally:
        for ws in conns:
            ws.close()


def test_stop_closes_open_consoles(tmp_path, tokens, rfb):
    server = websocketproxy.ConsoleProxyServer('127.0.0.1', 0,
                                               validate_token=tokens)
    server.start()
    ws = _ws(server, '/?token=%s' % tokens.add(rfb.port))
    try:
        assert _read_exactly(ws, len(BANNER)) == BANNER
        started = time.monotonic()
        server.stop(timeout=5)
        assert time.monotonic() - started < 4
        assert server.active_consoles() == 0
        opcode, _frame = ws.recv_data_frame(control_frame=True)
        assert opcode == websocket.ABNF.OPCODE_CLOSE
    finally:
        ws.close()
    with pytest.raises(OSError):
        socket.create_connection(('127.0.0.1', server.port), timeout=2)


# -- the web client -----------------------------------------------------------
def _get(proxy, path):
    try:
        with urllib.request.urlopen('http://127.0.0.1:%d%s'
                                    % (proxy.port, path), timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_serves_the_novnc_client(proxy):
    status, _headers_, body = _get(proxy, '/vnc_lite.html')
    assert (status, body) == (200, b'<html>noVNC lite</html>')
    status, _headers_, body = _get(proxy, '/vnc.html')
    assert (status, body) == (200, b'<html>noVNC</html>')


def test_page_with_a_token_sets_the_token_cookie(proxy):
    status, headers, _body = _get(proxy, '/vnc_lite.html?token=Ab-9_z')
    assert status == 200
    cookie = headers['Set-Cookie']
    assert cookie.startswith('token=Ab-9_z;')
    assert 'HttpOnly' in cookie and 'SameSite=Strict' in cookie
    # Nothing that could break out of the header is echoed.
    status, headers, _body = _get(proxy, '/vnc.html?token=a%0d%0ab')
    assert status == 200 and headers['Set-Cookie'] is None


def test_no_directory_listing_nor_files_outside_the_client(proxy):
    assert _get(proxy, '/')[0] == 404
    assert _get(proxy, '/../../etc/passwd')[0] == 404


def test_without_a_web_client_only_websockets(tokens, rfb, tmp_path):
    server = websocketproxy.ConsoleProxyServer(
        '127.0.0.1', 0, validate_token=tokens,
        web_dir=str(tmp_path / 'missing'))
    server.start()
    try:
        # A browser is told what to install, not a bare 405.
        status, _headers_, body = _get(server, '/vnc_lite.html?token=x')
        assert status == 404
        assert b'apt-get install novnc' in body
        assert b'/usr/share/novnc' in body
        assert str(tmp_path / 'missing').encode() in body
        ws = _ws(server, '/?token=%s' % tokens.add(rfb.port))
        assert _read_exactly(ws, len(BANNER)) == BANNER
        ws.close()
    finally:
        server.stop()


def test_from_conf_reads_the_vnc_and_console_options(conf, tmp_path):
    conf.config(novncproxy_host='127.0.0.1', novncproxy_port=0,
                novncproxy_web=_web_dir(tmp_path),
                novncproxy_base_url='http://cons.example.com/v.html',
                group='vnc')
    conf.config(allowed_origins=['a.example.com'], group='console')
    server = websocketproxy.from_conf(nova.conf.CONF)
    try:
        assert server.web_dir == str(tmp_path / 'novnc')
        assert server.base_url == 'http://cons.example.com/v.html'
        assert server.allowed_origins == ('a.example.com',)
        assert server.server_address[0] == '127.0.0.1'
    finally:
        server.server_close()

"""nova-novncproxy as a real daemon in a real deployment: console URLs
from POST /servers/{id}/remote-consoles lead through the proxy to the
guest's VNC server, with the token checked by the conductor; bad and
expired tokens and foreign origins are refused; the noVNC client is
served; SIGTERM closes open consoles and stops the proxy.

The computes run the fake driver, whose guests have no VNC server: the
test listens on the host and port the compute put in the console token
(read from the token's row in the cell database) with a TCP server that
speaks the RFB 3.8 banner and echoes what it receives, as a guest's VNC
server would start. Where libvirt can run guests (see conftest.py), one
test puts a real QEMU VNC server there instead (a tiny diskless domain
that only needs to exist), and another boots the test guest on a
deployment whose compute runs the libvirt driver: both go through the
whole RFB handshake, up to the server's init message naming the domain.
"""

import os
import socket
import struct
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from nova.objects import console_auth_token
from tests import conftest
from tests.functional.libvirt import conftest as lv

websocket = pytest.importorskip('websocket')

pytestmark = [pytest.mark.functional, pytest.mark.timeout(600)]

BANNER = b'RFB 003.008\n'
# Short enough for the expiry test to wait it out, long enough for the
# other tests to use a fresh token on a loaded machine.
TOKEN_TTL = 8
NOVNC_DIR = '/usr/share/novnc'


class RFBServer:
    """A stand-in for a guest's VNC server on (host, port): the RFB 3.8
    banner, then an echo."""

    def __init__(self, host, port):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(8)
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,),
                             daemon=True).start()

    @staticmethod
    def _serve(conn):
        with conn:
            try:
                conn.sendall(BANNER)
                while True:
                    data = conn.recv(4096)
                    if not data:
                        return
                    conn.sendall(data)
            except OSError:
                pass

    def close(self):
        self.sock.close()


def _h(version):
    return {'OpenStack-API-Version': 'compute %s' % version}


def _console_url(cloud, server_id):
    body = cloud.post('/servers/%s/remote-consoles' % server_id,
                      {'remote_console': {'protocol': 'vnc',
                                          'type': 'novnc'}},
                      expect=200, headers=_h('2.6')).json()
    console = body['remote_console']
    assert (console['protocol'], console['type']) == ('vnc', 'novnc')
    return console['url']


def _token(url):
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)['token'][0]


def _token_row(cloud, token):
    """(host, port) the compute authorized ``token`` for, from the cell
    database the conductor keeps the tokens in."""
    import sqlalchemy as sa
    engine = sa.create_engine(cloud.settings.cell1_db_url())
    try:
        with engine.connect() as conn:
            row = conn.execute(sa.text(
                'SELECT host, port FROM console_auth_tokens '
                'WHERE token_hash = :h'),
                {'h': console_auth_token.token_hash(token)}).one()
    finally:
        engine.dispose()
    return row.host, row.port


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbit_available):
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('cloud-novnc'), computes=('vnc1',),
        novncproxy_port=conftest.free_port(),
        extra_conf={'consoleauth': {'token_ttl': TOKEN_TTL}})
    try:
        assert 'nova-novncproxy' in cloud.dep.processes
        cloud.flavor = cloud.create_flavor('vnc.small', vcpus=1, ram=128,
                                           disk=1)
        cloud.image_id = cloud.import_image('vnc-img')
        cloud.vnc = None
        # The fake driver makes a port up per guest: take a guest whose
        # port is free on this machine (real guests' VNC may hold some).
        for attempt in range(5):
            body = cloud.boot('vnc-vm-%d' % attempt, cloud.flavor['id'],
                              cloud.image_id)
            server_id = body['server']['id']
            cloud.wait_status(server_id, 'ACTIVE')
            host, port = _token_row(cloud, _token(_console_url(cloud,
                                                                server_id)))
            try:
                cloud.vnc = RFBServer(host, port)
            except OSError:
                continue
            cloud.server_id = server_id
            break
        assert cloud.vnc is not None, 'no free VNC port for a fake guest'
        yield cloud
    finally:
        if getattr(cloud, 'vnc', None) is not None:
            cloud.vnc.close()
        cleanup()


def _ws_url(cloud, path):
    return 'ws://%s:%d%s' % (cloud.settings.api_host,
                             cloud.settings.novncproxy_port, path)


def _open(cloud, path, **options):
    return websocket.create_connection(_ws_url(cloud, path), timeout=20,
                                       **options)


def _read_banner(ws):
    data = b''
    while len(data) < len(BANNER):
        data += ws.recv()
    return data


def _refusal(cloud, path, **options):
    with pytest.raises(websocket.WebSocketBadStatusException) as caught:
        _open(cloud, path, **options)
    return caught.value.status_code


def test_console_url_points_at_the_proxy(cloud):
    url = _console_url(cloud, cloud.server_id)
    assert url.startswith(cloud.settings.novncproxy_base_url + '?token=')


def test_valid_token_reads_the_rfb_banner_through_the_proxy(cloud):
    url = _console_url(cloud, cloud.server_id)
    before = cloud.vnc.connections
    ws = _open(cloud, '/websockify?token=%s' % _token(url))
    try:
        assert _read_banner(ws) == BANNER
        # And the other way: the client's answer reaches the server.
        ws.send_binary(BANNER)
        assert _read_banner(ws) == BANNER
    finally:
        ws.close()
    assert cloud.vnc.connections == before + 1


def test_the_novnc_page_of_the_console_url_and_its_cookie(cloud):
    if not os.path.exists(os.path.join(NOVNC_DIR, 'vnc_lite.html')):
        pytest.skip('the noVNC client (Debian package novnc) is not '
                    'installed in %s' % NOVNC_DIR)
    url = _console_url(cloud, cloud.server_id)
    with urllib.request.urlopen(url, timeout=20) as resp:
        page = resp.read().decode()
        cookie = resp.headers['Set-Cookie']
    assert resp.status == 200 and 'noVNC' in page
    assert cookie.startswith('token=%s;' % _token(url))
    # What the page then does: a websocket to /websockify with the
    # cookie, from the proxy's own origin.
    ws = _open(cloud, '/websockify', cookie=cookie.split(';')[0],
               origin=cloud.settings.novncproxy_base_url.rsplit('/', 1)[0])
    try:
        assert _read_banner(ws) == BANNER
    finally:
        ws.close()


def test_bad_token_is_refused(cloud):
    before = cloud.vnc.connections
    assert _refusal(cloud, '/websockify?token=not-a-real-token') == 403
    assert _refusal(cloud, '/websockify') == 400
    assert cloud.vnc.connections == before
    log = open(cloud.dep.processes['nova-novncproxy'].log_path).read()
    assert 'invalid or expired console token' in log


def test_foreign_origin_is_refused(cloud):
    url = _console_url(cloud, cloud.server_id)
    assert _refusal(cloud, '/websockify?token=%s' % _token(url),
                    origin='http://evil.example.net') == 403


def test_expired_token_is_refused(cloud):
    url = _console_url(cloud, cloud.server_id)
    time.sleep(TOKEN_TTL + 1.5)
    before = cloud.vnc.connections
    assert _refusal(cloud, '/websockify?token=%s' % _token(url)) == 403
    assert cloud.vnc.connections == before


class _Stream:
    """Exact reads over websocket messages."""

    def __init__(self, ws):
        self.ws = ws
        self.buf = b''

    def read(self, size):
        while len(self.buf) < size:
            self.buf += self.ws.recv()
        data, self.buf = self.buf[:size], self.buf[size:]
        return data


_DOMAIN_XML = """<domain type='qemu'>
  <name>%(name)s</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <graphics type='vnc' port='%(port)d' autoport='no' listen='%(host)s'/>
  </devices>
</domain>"""


@pytest.fixture
def libvirt_conn(libvirt_host):
    import libvirt
    conn = libvirt.open(libvirt_host)
    yield conn
    conn.close()


def _rfb_handshake(cloud, token):
    """Through the proxy: the RFB 3.8 handshake with security type None;
    returns the desktop name of ServerInit."""
    ws = _open(cloud, '/websockify?token=%s' % token)
    try:
        stream = _Stream(ws)
        assert stream.read(12) == BANNER
        ws.send_binary(BANNER)
        count = stream.read(1)[0]
        assert 1 in stream.read(count)  # security type None
        ws.send_binary(b'\x01')
        assert struct.unpack('>I', stream.read(4))[0] == 0
        ws.send_binary(b'\x01')  # ClientInit: shared
        width, height = struct.unpack('>HH', stream.read(4))
        assert width > 0 and height > 0
        stream.read(16)  # pixel format
        length = struct.unpack('>I', stream.read(4))[0]
        return stream.read(length).decode()
    finally:
        ws.close()


def test_real_qemu_vnc_server_through_the_proxy(cloud, libvirt_conn):
    """A real guest's VNC server behind the console token: the proxy
    carries the RFB handshake (security type None) to ServerInit."""
    body = cloud.boot('vnc-qemu', cloud.flavor['id'], cloud.image_id)
    server_id = body['server']['id']
    cloud.wait_status(server_id, 'ACTIVE')
    url = _console_url(cloud, server_id)
    host, port = _token_row(cloud, _token(url))
    with socket.socket() as probe:
        if probe.connect_ex((host, port)) == 0:
            pytest.skip('port %d of the fake guest is taken' % port)
    name = '%s-novnc-qemu' % cloud.settings.db_prefix
    domain = libvirt_conn.createXML(_DOMAIN_XML % {
        'name': name, 'port': port, 'host': host}, 0)
    try:
        # QEMU calls its desktop "QEMU (<domain name>)".
        assert name in _rfb_handshake(cloud, _token(url))
    finally:
        domain.destroy()


@pytest.fixture(scope='module')
def libvirt_novnc_cloud(libvirt_host, test_guest, rabbit_available):
    cloud, cleanup = lv.start_libvirt_cloud(
        'novnc', computes=('lvnc1',), libvirt_uri=libvirt_host,
        novncproxy_port=conftest.free_port())
    try:
        cloud.flavor = cloud.create_flavor('lv.vnc', vcpus=1, ram=128,
                                           disk=1)
        cloud.image_id = lv.upload_test_guest(cloud, test_guest,
                                              prefix='vnc')
        yield cloud
    finally:
        cleanup()


def test_real_guest_console_through_the_libvirt_driver(libvirt_novnc_cloud,
                                                       libvirt_conn):
    """The whole path: a guest booted by the libvirt driver, its VNC port
    from its domain, the token from the compute, the check by the
    conductor, the bytes through nova-novncproxy."""
    cloud = libvirt_novnc_cloud
    body = cloud.boot('vnc-guest', cloud.flavor['id'], cloud.image_id)
    server_id = body['server']['id']
    cloud.wait_status(server_id, 'ACTIVE', timeout=lv.STATE_TIMEOUT)
    url = _console_url(cloud, server_id)
    assert url.startswith(cloud.settings.novncproxy_base_url + '?token=')
    domain_name = libvirt_conn.lookupByUUIDString(server_id).name()
    assert domain_name in _rfb_handshake(cloud, _token(url))
    cloud.request('DELETE', '/servers/%s' % server_id, expect=204)
    cloud.wait_gone(server_id, timeout=lv.STATE_TIMEOUT)


def test_sigterm_closes_open_consoles_and_stops_the_proxy(cloud):
    url = _console_url(cloud, cloud.server_id)
    ws = _open(cloud, '/websockify?token=%s' % _token(url))
    try:
        assert _read_banner(ws) == BANNER
        started = time.monotonic()
        assert cloud.dep.stop_process('nova-novncproxy', timeout=15)
        assert time.monotonic() - started < 12
        opcode, _frame = ws.recv_data_frame(control_frame=True)
        assert opcode == websocket.ABNF.OPCODE_CLOSE
    finally:
        ws.close()
    with pytest.raises(OSError):
        socket.create_connection((cloud.settings.api_host,
                                  cloud.settings.novncproxy_port), timeout=2)

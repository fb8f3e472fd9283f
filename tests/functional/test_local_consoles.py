"""``nova-local start`` runs the console proxy its console links lead to.

The fake driver hands out noVNC console URLs like libvirt does, so a
deployment of fake computes shows it: the URL of ``POST
/servers/{id}/remote-consoles`` points at the proxy's port, which answers
HTTP (the noVNC page, or, without the package "novnc", a page that says
to install it); ``status`` shows the proxy, ``stop`` stops it.
"""

import os
import socket
import urllib.error
import urllib.parse
import urllib.request

import pytest

from nova.cmd import local as local_cmd
from nova.local import deployment
from nova.local import probe
from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(900)]


def _http_get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _listening(port):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=2):
            return True
    except OSError:
        return False


@pytest.mark.parametrize('mode', [deployment.MODE_PROCESSES,
                                  deployment.MODE_INPROCESS])
def test_started_deployment_serves_its_console_links(
        mode, tmp_path, capsys, rabbit_available):
    vhost = None
    argv = ['start', '--state-dir', str(tmp_path), '--computes', '1',
            '--mode', mode, '--port', str(conftest.free_port()),
            '--placement-port', str(conftest.free_port()),
            '--metadata-port', str(conftest.free_port())]
    port = conftest.free_port()
    argv += ['--novncproxy-port', str(port)]
    if mode == deployment.MODE_PROCESSES:
        url, vhost = conftest.isolated_transport_url()
        argv += ['--transport-url', url]
    try:
        assert local_cmd.main(argv) == 0, capsys.readouterr().out
        out = capsys.readouterr().out
        # The broker's password is not printed.
        assert 'guest:guest@' not in out
        base_url = 'http://127.0.0.1:%d/vnc_lite.html' % port
        assert 'Consoles:    %s' % base_url in out

        assert local_cmd.main(['status', '--state-dir', str(tmp_path)]) == 0
        out = capsys.readouterr().out
        if mode == deployment.MODE_PROCESSES:
            assert 'nova-novncproxy' in out
        assert 'Consoles:    %s   (nova-novncproxy answers)' % base_url \
            in out

        cloud = conftest.Cloud(deployment.Deployment.load(str(tmp_path)))
        flavor = cloud.create_flavor('con.tiny', vcpus=1, ram=64, disk=1)
        image_id = cloud.import_image('con-image')
        server = cloud.boot('con-vm', flavor['id'], image_id)['server']
        cloud.wait_status(server['id'], 'ACTIVE', timeout=120)
        body = cloud.post(
            '/servers/%s/remote-consoles' % server['id'],
            {'remote_console': {'protocol': 'vnc', 'type': 'novnc'}},
            expect=200,
            headers={'OpenStack-API-Version': 'compute 2.6'}).json()
        console_url = body['remote_console']['url']
        parsed = urllib.parse.urlsplit(console_url)
        assert (parsed.hostname, parsed.port) == ('127.0.0.1', port)
        status, page = _http_get(console_url)
        if os.path.isdir('/usr/share/novnc'):
            assert status == 200
        else:
            assert status == 404
            assert b'apt-get install novnc' in page
    finally:
        assert local_cmd.main(['stop', '--state-dir', str(tmp_path)]) == 0
        out = capsys.readouterr().out
        if vhost:
            probe.delete_rabbit_vhost(vhost)
    if mode == deployment.MODE_PROCESSES:
        assert 'nova-novncproxy: stopped' in out
    assert not _listening(port)

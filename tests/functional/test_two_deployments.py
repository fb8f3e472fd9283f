"""Two deployments on one RabbitMQ: the second never sends its RPC to the
first one's services.

Deployment A runs on a virtual host of its own. A second ``nova-local
start`` told to use that virtual host refuses before starting anything,
and says what to do; one left to its default URL (here: A's virtual host
stands in for the broker's "/") moves to a virtual host of its own, and
works on its own: its boot lands on its own compute, A never sees it.
"""

import os
import subprocess
import sys

import pytest

from nova.cmd import local as local_cmd
from nova.local import deployment
from nova.local import probe
from tests import conftest

pytestmark = [pytest.mark.functional, pytest.mark.timeout(900)]


def _can_make_vhosts():
    vhost = 'nova-test-probe-%d' % os.getpid()
    made = probe.add_rabbit_vhost(vhost)
    if made:
        probe.delete_rabbit_vhost(vhost)
    return made


@pytest.fixture(scope='module')
def first(tmp_path_factory, rabbit_available):
    if not _can_make_vhosts():
        pytest.skip('rabbitmqctl cannot make virtual hosts here')
    cloud, cleanup = conftest.start_cloud(
        tmp_path_factory.mktemp('first'), computes=('a1',),
        extra_conf=conftest.UNLIMITED_QUOTA)
    try:
        yield cloud
    finally:
        cleanup()


def _start_argv(state_dir):
    return ['start', '--state-dir', str(state_dir), '--computes', '1',
            '--port', str(conftest.free_port()),
            '--placement-port', str(conftest.free_port()),
            '--novncproxy-port', str(conftest.free_port()),
            '--metadata-port', str(conftest.free_port()),
            '--mode', 'processes', '--report-interval', '1',
            '--service-down-time', '5']


def test_given_url_of_a_running_deployment_is_refused(first, tmp_path):
    url = first.settings.transport_url
    proc = subprocess.run(
        [sys.executable, '-m', 'nova.cmd.local'] + _start_argv(tmp_path) +
        ['--transport-url', url],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    vhost = probe.rabbit_vhost(url)
    assert ('Another nova deployment\'s conductor is running on RabbitMQ '
            'virtual host "%s"' % vhost) in proc.stdout
    own = local_cmd.own_vhost_name(str(tmp_path))
    assert 'rabbitmqctl add_vhost %s' % own in proc.stdout
    assert '--transport-url rabbit://guest:***@' in proc.stdout
    # Nothing was started or laid out.
    assert not (tmp_path / 'deployment.json').exists()


def test_default_url_moves_to_a_vhost_of_its_own(first, tmp_path,
                                                 monkeypatch, capsys):
    a_url = first.settings.transport_url
    # A's virtual host plays the broker's "/" of the default URL.
    monkeypatch.setattr(probe, 'DEFAULT_RABBIT_URL', a_url)
    own = local_cmd.own_vhost_name(str(tmp_path))
    dep = None
    argv = _start_argv(tmp_path)
    try:
        rc = local_cmd.main(argv)
        out = capsys.readouterr().out
        assert rc == 0, out
        assert 'Using virtual host "%s" of its own' % own in out
        dep = deployment.Deployment.load(str(tmp_path))
        assert dep.settings.transport_url == probe.with_rabbit_vhost(
            a_url, own)
        second = conftest.Cloud(dep)
        # Each sees its own compute only: its services registered through
        # its own conductor.
        hosts = {s['host'] for s in second.get('/os-services')['services']
                 if s['binary'] == 'nova-compute'}
        assert hosts == {'compute1'}
        hosts = {s['host'] for s in first.get('/os-services')['services']
                 if s['binary'] == 'nova-compute'}
        assert hosts == {'a1'}
        flavor = second.create_flavor('two.tiny', vcpus=1, ram=64, disk=1)
        image_id = second.import_image('two-image')
        server = second.boot('two-vm', flavor['id'], image_id)['server']
        active = second.wait_status(server['id'], 'ACTIVE', timeout=120)
        assert active['OS-EXT-SRV-ATTR:host'] == 'compute1'
        assert first.server(server['id']) is None
        # A restart finds the same virtual host.
        assert local_cmd.main(['stop', '--state-dir', str(tmp_path)]) == 0
        capsys.readouterr()
        assert local_cmd.main(argv) == 0
        assert 'Using virtual host "%s"' % own in capsys.readouterr().out
        dep = deployment.Deployment.load(str(tmp_path))
        assert second.wait_status(server['id'], 'ACTIVE')
    finally:
        if dep is not None:
            dep.stop(timeout=20)
        probe.delete_rabbit_vhost(own)

"""URL helpers nova-local uses to pick a RabbitMQ virtual host."""

import pytest

from nova.cmd import local as local_cmd
from nova.local import probe

URL = 'rabbit://guest:s3cret@127.0.0.1:5672/'


@pytest.mark.parametrize('url,vhost', [
    (URL, '/'), ('rabbit://h:5672', '/'), (URL + 'mine', 'mine'),
    (URL + 'a%2Fb', 'a/b')])
def test_rabbit_vhost(url, vhost):
    assert probe.rabbit_vhost(url) == vhost


def test_with_rabbit_vhost_round_trips():
    url = probe.with_rabbit_vhost(URL, 'nova-local-x')
    assert url == 'rabbit://guest:s3cret@127.0.0.1:5672/nova-local-x'
    assert probe.rabbit_vhost(probe.with_rabbit_vhost(URL, 'a/b')) == 'a/b'


def test_mask_url_and_user():
    assert probe.mask_url(URL) == 'rabbit://guest:***@127.0.0.1:5672/'
    assert probe.mask_url('rabbit://127.0.0.1/') == 'rabbit://127.0.0.1/'
    assert probe.rabbit_user(URL) == 'guest'


def test_no_queue_without_a_broker():
    assert probe.queue_consumers('rabbit://guest:guest@127.0.0.1:9/',
                                 'conductor', timeout=1) is None
    assert probe.queue_consumers('fake:/', 'conductor') is None


def test_own_vhost_is_stable_per_state_dir(tmp_path):
    name = local_cmd.own_vhost_name(str(tmp_path / 'a'))
    assert name == local_cmd.own_vhost_name(str(tmp_path / 'a'))
    assert name != local_cmd.own_vhost_name(str(tmp_path / 'b'))
    assert name.startswith('nova-local-')

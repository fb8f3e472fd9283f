"""nova-metadata-api: gunicorn serving the metadata application per
[metadata_api], each worker with RPC of its own and no database."""

import pytest

from nova.cmd import gunicorn_launcher
from nova.cmd import metadata_api
from nova.metadata import app as metadata_app
from nova.metadata import wsgi as metadata_wsgi
from nova.objects import base as obj_base
from nova import rpc


@pytest.fixture(autouse=True)
def transport_defaults(monkeypatch):
    """The daemons set oslo.messaging's defaults before anything registers
    them; in this process other tests registered them already, and
    changing them now would make the next registration a conflict."""
    monkeypatch.setattr(rpc, 'set_defaults', lambda: None)


@pytest.fixture
def served(monkeypatch):
    calls = []
    monkeypatch.setattr(gunicorn_launcher, 'serve',
                        lambda *args, **kwargs: calls.append((args, kwargs)))
    return calls


def test_serves_the_metadata_app_per_metadata_api(served, tmp_path):
    conf_file = tmp_path / 'nova.conf'
    conf_file.write_text('[metadata_api]\nbind_port = 18775\nworkers = 2\n')
    metadata_api.main(['--config-file', str(conf_file)])
    (args, kwargs), = served
    assert args == ('nova-metadata-api', 'metadata_api', metadata_app.build)
    assert kwargs == {'post_fork': metadata_api.post_fork}
    settings = gunicorn_launcher.options('nova-metadata-api', 'metadata_api')
    assert settings['bind'] == '0.0.0.0:18775'
    assert settings['workers'] == 2


def test_each_worker_sets_up_rpc_of_its_own(monkeypatch):
    calls = []
    monkeypatch.setattr(rpc, 'TRANSPORT', object())
    monkeypatch.setattr(metadata_wsgi, 'setup_process',
                        lambda **kwargs: calls.append((rpc.TRANSPORT,
                                                       kwargs)))
    metadata_api.post_fork(None, None)
    # The master's transport is dropped before the worker makes its own.
    assert calls == [(None, {'parse': False})]


def test_a_worker_process_sends_object_calls_to_the_conductor(monkeypatch):
    monkeypatch.setattr(rpc, 'TRANSPORT', None)
    try:
        metadata_wsgi.setup_process(parse=False)
        assert rpc.TRANSPORT is not None
        assert obj_base.NovaObject.indirection_api is not None
    finally:
        obj_base.set_indirection_api(None)

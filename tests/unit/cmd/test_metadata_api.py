"""nova-metadata-api: gunicorn serving the metadata application per
[metadata_api], each worker with RPC of its own and no database."""

import pytest

from nova.cmd import gunicorn_launcher
from nova.cmd import metadata_api
from nova.metadata import app as metadata_app
from nova.objects import base as obj_base
from nova import rpc


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


def test_each_worker_sets_up_rpc_and_remote_objects(monkeypatch):
    old = object()
    monkeypatch.setattr(rpc, 'TRANSPORT', old)
    try:
        metadata_api.post_fork(None, None)
        assert rpc.TRANSPORT is not None and rpc.TRANSPORT is not old
        assert obj_base.NovaObject.indirection_api is not None
    finally:
        obj_base.set_indirection_api(None)
        rpc.TRANSPORT = None

"""nova-metadata-api in a local deployment (nova.local): its
configuration file (no database), the Neutron metadata proxy settings,
its place among the processes, and the nova-local options."""

import configparser
import sys

from nova.cmd import local as local_cmd
from nova.local import deployment
from nova.local import layout
from nova.local import probe

KS = {'auth_url': 'http://127.0.0.1:15000/v3', 'username': 'nova',
      'password': 'pw', 'project_name': 'service'}


def _parse(text):
    parser = configparser.ConfigParser()
    parser.read_string(text)
    return parser


def _names(settings):
    return [p.name for p in deployment.Deployment(
        settings).planned_processes()]


def test_no_metadata_service_unless_a_port_is_given(tmp_path):
    settings = layout.Settings(state_dir=str(tmp_path))
    assert 'nova-metadata-api' not in layout.config_files(settings)
    assert 'nova-metadata-api' not in _names(settings)
    assert settings.metadata_endpoint is None


def test_metadata_config_has_no_database(tmp_path):
    settings = layout.Settings(state_dir=str(tmp_path), metadata_port=18775)
    conf = _parse(layout.config_files(settings)['nova-metadata-api'])
    assert conf['metadata_api']['bind_host'] == '127.0.0.1'
    assert conf['metadata_api']['bind_port'] == '18775'
    assert not conf.has_section('database')
    assert not conf.has_section('api_database')
    assert conf['DEFAULT']['transport_url'] == settings.transport_url
    assert settings.metadata_endpoint == 'http://127.0.0.1:18775'
    all_in_one = _parse(layout.all_in_one_config(settings))
    assert all_in_one['metadata_api']['bind_port'] == '18775'


def test_the_metadata_process_starts_after_the_conductor(tmp_path):
    settings = layout.Settings(state_dir=str(tmp_path), computes=['c1'],
                               metadata_port=18775)
    names = _names(settings)
    assert names.index('nova-conductor') < names.index('nova-metadata-api')
    assert names[-1] == 'nova-api'
    proc = [p for p in deployment.Deployment(settings).planned_processes()
            if p.name == 'nova-metadata-api'][0]
    assert proc.argv[-2:] == ['--config-file',
                              settings.conf_path('nova-metadata-api')]


def test_without_its_console_script_it_runs_as_a_module(tmp_path,
                                                        monkeypatch):
    def missing(name):
        raise deployment.DeploymentError(name)
    monkeypatch.setattr(deployment, '_script', missing)
    assert deployment._command('nova-metadata-api',
                               'nova.cmd.metadata_api') == [
        sys.executable, '-m', 'nova.cmd.metadata_api']


def test_the_neutron_secret_turns_the_signed_proxy_on(tmp_path):
    with_secret = layout.Settings(
        state_dir=str(tmp_path), keystone=KS, metadata_port=18775,
        neutron={'url': 'http://127.0.0.1:19696',
                 'metadata_secret': 's3cret'})
    for name, text in layout.config_files(with_secret).items():
        neutron = _parse(text)['neutron']
        assert neutron['service_metadata_proxy'] == 'true', name
        assert neutron['metadata_proxy_shared_secret'] == 's3cret'
    without = layout.Settings(
        state_dir=str(tmp_path), keystone=KS, metadata_port=18775,
        neutron={'url': 'http://127.0.0.1:19696', 'metadata_secret': ''})
    conf = _parse(layout.config_files(without)['nova-metadata-api'])
    assert 'service_metadata_proxy' not in conf['neutron']
    # It finds servers through Neutron as nova's service user.
    assert conf['neutron']['username'] == 'nova'
    assert conf['network']['backend'] == 'neutron'


def test_the_metadata_service_stops_with_the_api(tmp_path):
    settings = layout.Settings(state_dir=str(tmp_path), metadata_port=1)
    dep = deployment.Deployment(settings)
    order = []

    class Proc:
        def __init__(self, name):
            self.name = name

        def alive(self):
            return True

        def stop(self, timeout):
            order.append(self.name)
            return True
    for name in ('nova-conductor', 'nova-metadata-api', 'nova-compute-c1'):
        dep.processes[name] = Proc(name)
    dep.save = lambda: None
    dep.stop()
    assert order == ['nova-metadata-api', 'nova-compute-c1',
                     'nova-conductor']


def test_a_taken_metadata_port_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(probe, 'port_in_use', lambda port: port == 18775)
    rc = local_cmd.main(['start', '--state-dir', str(tmp_path),
                         '--novncproxy-port', '0',
                         '--metadata-port', '18775'])
    assert rc == 1
    assert 'port 18775 is in use' in capsys.readouterr().out
    assert not (tmp_path / 'deployment.json').exists()


def test_status_says_whether_the_metadata_service_answers(
        tmp_path, capsys, monkeypatch):
    settings = layout.Settings(state_dir=str(tmp_path), metadata_port=18775)
    dep = deployment.Deployment(settings)
    dep.save()
    monkeypatch.setattr(deployment.Deployment, 'status',
                        lambda self: {'nova-api': {'pid': 1, 'alive': True,
                                                   'log': 'x'}})
    monkeypatch.setattr(deployment.Deployment, 'api_answers',
                        lambda self: True)
    monkeypatch.setattr(deployment.Deployment, 'metadata_answers',
                        lambda self: False)
    assert local_cmd.main(['status', '--state-dir', str(tmp_path)]) == 3
    out = capsys.readouterr().out
    assert ('Metadata:    http://127.0.0.1:18775   (nova-metadata-api does '
            'not answer)') in out
    monkeypatch.setattr(deployment.Deployment, 'metadata_answers',
                        lambda self: True)
    assert local_cmd.main(['status', '--state-dir', str(tmp_path)]) == 0

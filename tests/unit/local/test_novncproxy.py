"""nova-novncproxy in a local deployment (nova.local): its configuration
file, the console URL the computes hand out, its place among the
processes."""

import configparser

from nova.local import deployment
from nova.local import layout


def _parse(text):
    parser = configparser.ConfigParser()
    parser.read_string(text)
    return parser


def test_no_proxy_unless_a_port_is_given(tmp_path):
    settings = layout.Settings(state_dir=str(tmp_path))
    assert 'nova-novncproxy' not in layout.config_files(settings)
    names = [p.name for p in deployment.Deployment(
        settings).planned_processes()]
    assert 'nova-novncproxy' not in names


def test_proxy_config_and_console_urls(tmp_path):
    settings = layout.Settings(state_dir=str(tmp_path), computes=['c1'],
                               novncproxy_port=16080)
    files = {name: _parse(text)
             for name, text in layout.config_files(settings).items()}
    proxy = files['nova-novncproxy']
    assert proxy['vnc']['novncproxy_host'] == '127.0.0.1'
    assert proxy['vnc']['novncproxy_port'] == '16080'
    # No database for the proxy: tokens are checked by the conductor.
    assert not proxy.has_section('database')
    assert not proxy.has_section('api_database')
    assert proxy['DEFAULT']['transport_url'] == settings.transport_url
    url = 'http://127.0.0.1:16080/vnc_lite.html'
    assert files['nova-compute-c1']['vnc']['novncproxy_base_url'] == url
    names = [p.name for p in deployment.Deployment(
        settings).planned_processes()]
    assert names.index('nova-conductor') < names.index('nova-novncproxy')
    assert names[-1] == 'nova-api'

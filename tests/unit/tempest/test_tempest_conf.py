"""tools/tempest/tempest_conf.py: the tempest.conf of a local run."""

import configparser
import importlib.util
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, '..', '..', '..', 'tools', 'tempest',
                    'tempest_conf.py')


def _module():
    spec = importlib.util.spec_from_file_location('tempest_conf', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PARAMS = {'auth_url': 'http://127.0.0.1:15000/v3/', 'admin_password': 'pw',
          'image_ref': 'img1', 'image_ref_alt': 'img2', 'flavor_ref': '42',
          'flavor_ref_alt': '84'}


def _parse(text):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return parser


def test_written_file_parses_and_carries_the_run(tmp_path):
    params = tmp_path / 'params.json'
    params.write_text(json.dumps(PARAMS))
    out = tmp_path / 'tempest.conf'
    assert _module().main(['x', str(params), str(out)]) == 0
    conf = _parse(out.read_text())
    assert conf['identity']['uri_v3'] == 'http://127.0.0.1:15000/v3'
    assert conf['auth']['use_dynamic_credentials'] == 'true'
    assert conf['auth']['admin_password'] == 'pw'
    assert conf['compute']['image_ref'] == 'img1'
    assert conf['compute']['flavor_ref_alt'] == '84'
    assert conf['compute']['min_compute_nodes'] == '2'
    assert conf['compute']['max_microversion'] == '2.100'
    assert conf['service_available']['nova'] == 'true'
    assert conf['service_available']['neutron'] == 'false'
    assert conf['service_available']['cinder'] == 'false'


def test_feature_flags_match_the_fake_driver():
    features = _module().sections(PARAMS)['compute-feature-enabled']
    for name in ('resize', 'live_migration', 'shelve', 'pause', 'suspend',
                 'rescue', 'snapshot', 'console_output',
                 'block_migration_for_live_migration', 'personality'):
        assert features[name] == 'true', name
    for name in ('interface_attach', 'vnc_console', 'serial_console',
                 'config_drive', 'metadata_service'):
        assert features[name] == 'false', name


def test_endpoint_types_are_tempest_choices():
    conf = _module().sections(PARAMS)
    for section in ('compute', 'image', 'placement'):
        assert conf[section]['endpoint_type'] in ('public', 'admin',
                                                  'internal')


def test_microversion_range_comes_from_the_params():
    conf = _module().sections(dict(PARAMS, max_microversion='2.104'))
    assert conf['compute']['min_microversion'] == '2.1'
    assert conf['compute']['max_microversion'] == '2.104'


def test_neutron_mode():
    conf = _module().sections(dict(
        PARAMS, neutron_url='http://127.0.0.1:19696',
        public_network_id='pub-id', floating_network_name='public',
        network_extensions=['router', 'port-security', 'external-net']))
    assert conf['service_available']['neutron'] == 'true'
    assert conf['auth']['create_isolated_networks'] == 'true'
    assert conf['compute-feature-enabled']['interface_attach'] == 'true'
    assert conf['network']['public_network_id'] == 'pub-id'
    assert conf['network']['floating_network_name'] == 'public'
    assert conf['network']['project_networks_reachable'] == 'false'
    features = conf['network-feature-enabled']
    assert features['api_extensions'] == 'external-net,port-security,router'
    assert features['port_security'] == 'true'
    assert 'fixed_network_name' not in conf['compute']
    assert conf['validation']['connect_method'] == 'floating'
    assert conf['validation']['run_validation'] == 'false'


def test_no_neutron_mode_has_no_network_section():
    conf = _module().sections(PARAMS)
    assert 'network' not in conf
    assert conf['auth']['create_isolated_networks'] == 'false'

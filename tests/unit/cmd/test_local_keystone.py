"""nova-local with --keystone-url: the configuration of every process
takes Keystone tokens and calls placement with the service user."""

import configparser

from nova.cmd import local as local_cmd
from nova.local import clients
from nova.local import layout

KS = {'auth_url': 'http://127.0.0.1:15000/v3', 'username': 'nova',
      'password': 'secret', 'project_name': 'service'}


def _parse(text):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return parser


def test_noauth2_by_default(tmp_path):
    files = layout.config_files(layout.Settings(state_dir=str(tmp_path)))
    conf = _parse(files['nova-api'])
    assert conf['api']['auth_strategy'] == 'noauth2'
    assert not conf.has_section('keystone_authtoken')


def test_keystone_sections_in_every_file(tmp_path):
    settings = layout.Settings(state_dir=str(tmp_path), keystone=KS)
    for name, text in layout.config_files(settings).items():
        conf = _parse(text)
        assert conf['api']['auth_strategy'] == 'keystone', name
        assert conf['keystone_authtoken']['auth_url'] == KS['auth_url']
        assert conf['keystone_authtoken']['www_authenticate_uri'] == \
            KS['auth_url']
        assert conf['placement']['auth_type'] == 'password'
        assert conf['placement']['username'] == 'nova'
        assert conf['placement']['endpoint_override'] == \
            settings.placement_endpoint
    conf = _parse(layout.all_in_one_config(settings))
    assert conf['api']['auth_strategy'] == 'keystone'


def test_settings_round_trip_and_openrc(tmp_path):
    settings = layout.Settings(state_dir=str(tmp_path), keystone=KS)
    assert layout.Settings.from_dict(settings.to_dict()).keystone == KS
    rc = clients.keystone_openrc(settings)
    assert 'export OS_AUTH_URL=%s' % KS['auth_url'] in rc
    assert 'export OS_USERNAME=nova' in rc


def test_cli_needs_a_password(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv('NOVA_LOCAL_KEYSTONE_PASSWORD', raising=False)
    rc = local_cmd.main(['start', '--state-dir', str(tmp_path),
                         '--keystone-url', KS['auth_url']])
    assert rc == 1
    assert '--keystone-password' in capsys.readouterr().out


def test_images_imported_without_owner_belong_to_the_admin(tmp_path):
    # noauth2: project "admin" of the admin token.
    files = layout.config_files(layout.Settings(state_dir=str(tmp_path)))
    for name, text in files.items():
        assert _parse(text)['image']['local_default_owner'] == 'admin', name
    # Keystone: the project id of nova's service user (keystone.prepare
    # records it); never a project name Keystone would not find.
    settings = layout.Settings(state_dir=str(tmp_path),
                               keystone=dict(KS, project_id='0123abcd'))
    for name, text in layout.config_files(settings).items():
        assert _parse(text)['image']['local_default_owner'] == '0123abcd'
    settings = layout.Settings(state_dir=str(tmp_path), keystone=KS)
    conf = _parse(layout.config_files(settings)['nova-api'])
    assert not conf.has_option('image', 'local_default_owner')

"""nova-local start --keystone-url: the Keystone options of the command
line (which service user, password and region the deployment gets) and
the configuration every process then has (Keystone tokens, placement
called with the service user)."""

import configparser

from nova.cmd import local as local_cmd
from nova.local import clients
from nova.local import deployment
from nova.local import layout

URL = 'http://127.0.0.1:15000/v3'
KS = {'auth_url': URL, 'username': 'nova', 'password': 'secret',
      'project_name': 'service'}


def _args(*extra):
    return local_cmd.build_parser().parse_args(
        ['start', '--keystone-url', URL] + list(extra))


def _parse(text):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return parser


def test_service_user_password_and_region(monkeypatch):
    args = _args('--keystone-password', 'pw', '--keystone-region', 'R2')
    ks = local_cmd._keystone_settings(args, None)
    assert ks == {'auth_url': URL, 'username': 'nova', 'password': 'pw',
                  'project_name': 'service', 'region_name': 'R2'}
    assert args.keystone_register_endpoints is None
    assert args.keystone_demo is None
    args = _args('--keystone-password', 'pw',
                 '--no-keystone-register-endpoints', '--keystone-demo')
    assert args.keystone_register_endpoints is False
    assert args.keystone_demo is True


def test_admin_password_makes_a_service_password(tmp_path):
    args = _args('--keystone-admin-password', 'admin-pw')
    ks = local_cmd._keystone_settings(args, None)
    assert len(ks['password']) >= 12
    # Another start of the same state directory keeps the passwords.
    old = deployment.Deployment(layout.Settings(
        state_dir=str(tmp_path), keystone=dict(ks, demo_password='d')))
    again = local_cmd._keystone_settings(args, old)
    assert again['password'] == ks['password']
    assert again['demo_password'] == 'd'
    # A given password wins.
    args = _args('--keystone-admin-password', 'admin-pw',
                 '--keystone-password', 'mine')
    assert local_cmd._keystone_settings(args, old)['password'] == 'mine'


def test_no_password_at_all_is_refused(capsys, monkeypatch):
    monkeypatch.delenv('NOVA_LOCAL_KEYSTONE_PASSWORD', raising=False)
    monkeypatch.delenv('NOVA_LOCAL_KEYSTONE_ADMIN_PASSWORD', raising=False)
    assert local_cmd._keystone_settings(_args(), None) is None
    assert '--keystone-admin-password' in capsys.readouterr().out


def test_unreachable_keystone_fails_before_anything_starts(tmp_path, capsys):
    rc = local_cmd.main(['start', '--state-dir', str(tmp_path),
                         '--mode', 'inprocess', '--novncproxy-port', '0',
                         '--metadata-port', '0',
                         '--keystone-url', 'http://127.0.0.1:9/v3',
                         '--keystone-password', 'pw'])
    assert rc == 1
    assert 'Keystone does not answer' in capsys.readouterr().out
    assert not (tmp_path / 'deployment.json').exists()


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

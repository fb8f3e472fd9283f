"""nova-local start's Keystone options: which service user, password and
region the deployment gets."""

from nova.cmd import local as local_cmd
from nova.local import deployment
from nova.local import layout

URL = 'http://127.0.0.1:15000/v3'


def _args(*extra):
    return local_cmd.build_parser().parse_args(
        ['start', '--keystone-url', URL] + list(extra))


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
                         '--mode', 'inprocess',
                         '--keystone-url', 'http://127.0.0.1:9/v3',
                         '--keystone-password', 'pw'])
    assert rc == 1
    assert 'Keystone does not answer' in capsys.readouterr().out
    assert not (tmp_path / 'deployment.json').exists()

"""Client files nova-local writes: openrc and clouds.yaml, for noauth2
and for Keystone (password auth, devstack style)."""

import configparser
import os
import subprocess

import yaml

from nova.local import clients
from nova.local import layout

KS = {'auth_url': 'http://127.0.0.1:15000/v3', 'username': 'nova',
      'password': "it's secret", 'project_name': 'service',
      'region_name': 'RegionTwo'}
DEMO = {'demo_username': 'demo', 'demo_password': 'demo pw',
        'demo_project_name': 'demo'}


def _settings(tmp_path, **keystone):
    return layout.Settings(state_dir=str(tmp_path), keystone=keystone)


def _source(path, *args):
    """The OS_* environment after ``source path args`` in a real bash."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env['OS_CLOUD'] = 'stale'
    result = subprocess.run(
        ['bash', '-c', 'source "$0" "$@" && env', path] + list(args),
        env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return {k: v for k, v in (line.split('=', 1) for line in
                              result.stdout.splitlines() if '=' in line)
            if k.startswith('OS_')}


def test_noauth2_files_are_kept(tmp_path):
    settings = _settings(tmp_path)
    clients.write_client_files(settings)
    clouds = yaml.safe_load((tmp_path / 'clouds.yaml').read_text())
    cloud = clouds['clouds'][clients.CLOUD_NAME]
    assert cloud['auth_type'] == 'admin_token'
    assert cloud['auth']['token'] == layout.ADMIN_TOKEN
    env = _source(str(tmp_path / 'openrc'))
    assert env['OS_AUTH_TYPE'] == 'token'
    assert env['OS_TOKEN'] == layout.ADMIN_TOKEN
    assert 'OS_CLOUD' not in env


def test_keystone_openrc_is_devstack_style(tmp_path):
    settings = _settings(tmp_path, endpoints_registered=True, **KS, **DEMO)
    clients.write_client_files(settings)
    path = tmp_path / 'openrc'
    assert path.stat().st_mode & 0o777 == 0o600
    env = _source(str(path))
    assert env == {
        'OS_AUTH_TYPE': 'password',
        'OS_AUTH_URL': KS['auth_url'],
        'OS_USERNAME': 'demo',
        'OS_PASSWORD': 'demo pw',
        'OS_PROJECT_NAME': 'demo',
        'OS_USER_DOMAIN_ID': 'default',
        'OS_PROJECT_DOMAIN_ID': 'default',
        'OS_IDENTITY_API_VERSION': '3',
        'OS_REGION_NAME': 'RegionTwo',
        'OS_INTERFACE': 'public',
        'OS_COMPUTE_API_VERSION': '2.latest',
    }
    admin = _source(str(path), 'admin')
    assert admin['OS_USERNAME'] == 'nova'
    # Quoted for the shell: the password comes back as it was.
    assert admin['OS_PASSWORD'] == "it's secret"
    assert admin['OS_PROJECT_NAME'] == 'service'
    bad = subprocess.run(['bash', '-c', 'source "$0" nobody', str(path)],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and 'usage' in bad.stderr


def test_keystone_openrc_without_demo_user_is_the_service_user(tmp_path):
    settings = _settings(tmp_path, endpoints_registered=True, **KS)
    clients.write_client_files(settings)
    env = _source(str(tmp_path / 'openrc'))
    assert env['OS_USERNAME'] == 'nova'
    assert not any(k.endswith('_ENDPOINT_OVERRIDE') for k in env)


def test_other_domains_are_named(tmp_path):
    settings = _settings(tmp_path, user_domain_name='Ops',
                         project_domain_name='Ops', **KS)
    env = _source(_write(tmp_path, clients.keystone_openrc(settings)))
    assert env['OS_USER_DOMAIN_NAME'] == 'Ops'
    assert env['OS_PROJECT_DOMAIN_NAME'] == 'Ops'
    assert 'OS_USER_DOMAIN_ID' not in env


def _write(tmp_path, text):
    path = tmp_path / 'rc'
    path.write_text(text)
    return str(path)


def test_endpoints_outside_the_catalog_are_overridden(tmp_path):
    settings = _settings(tmp_path, **KS)
    env = _source(_write(tmp_path, clients.keystone_openrc(settings)))
    assert env['OS_COMPUTE_ENDPOINT_OVERRIDE'] == settings.compute_endpoint
    assert env['OS_IMAGE_ENDPOINT_OVERRIDE'] == settings.image_endpoint
    assert env['OS_PLACEMENT_ENDPOINT_OVERRIDE'] == \
        settings.placement_endpoint
    clouds = yaml.safe_load(clients.keystone_clouds_yaml(settings))
    cloud = clouds['clouds'][clients.ADMIN_CLOUD]
    assert cloud['compute_endpoint_override'] == settings.compute_endpoint


def test_keystone_clouds_yaml_has_password_auth(tmp_path):
    settings = _settings(tmp_path, endpoints_registered=True, **KS, **DEMO)
    clients.write_client_files(settings)
    path = tmp_path / 'clouds.yaml'
    assert path.stat().st_mode & 0o777 == 0o600
    clouds = yaml.safe_load(path.read_text())['clouds']
    assert set(clouds) == {clients.ADMIN_CLOUD, clients.DEMO_CLOUD}
    admin = clouds[clients.ADMIN_CLOUD]
    assert admin['auth_type'] == 'password'
    assert admin['auth'] == {
        'auth_url': KS['auth_url'], 'username': 'nova',
        'password': "it's secret", 'project_name': 'service',
        'user_domain_name': 'Default', 'project_domain_name': 'Default'}
    assert admin['region_name'] == 'RegionTwo'
    assert str(admin['identity_api_version']) == '3'
    assert not any(k.endswith('_endpoint_override') for k in admin)
    demo = clouds[clients.DEMO_CLOUD]
    assert demo['auth']['username'] == 'demo'
    assert demo['auth']['password'] == 'demo pw'
    assert 'token' not in demo['auth']


def test_keystone_settings_in_the_services_configuration(tmp_path):
    settings = _settings(tmp_path, **KS, **DEMO)
    for name, text in layout.config_files(settings).items():
        conf = configparser.ConfigParser(interpolation=None)
        conf.read_string(text)
        assert conf['keystone_authtoken']['service_token_roles'] == \
            'service', name
        assert conf['keystone_authtoken'][
            'service_token_roles_required'] == 'true'
        assert conf['service_user']['send_service_user_token'] == 'true'
        assert conf['service_user']['auth_type'] == 'password'
        assert conf['service_user']['username'] == 'nova'
        # The demo user is the clients' business, not the services'.
        assert 'demo' not in text

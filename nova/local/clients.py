"""Client settings of a local deployment: noauth2, or Keystone with
``settings.keystone`` (password auth; see keystone_openrc()).

With [api] auth_strategy = noauth2 the API trusts ``X-Auth-Token:
<user>:<project>``. Two ways to make clients send it:

clouds.yaml (openstack CLI, openstacksdk): keystoneauth's ``admin_token``
plugin (also known as ``token_endpoint``) sends a fixed token and needs no
identity service; its ``endpoint`` is where every service is found unless
a per-service endpoint override says otherwise:

- auth_type admin_token, token ``admin:admin``, endpoint <api>/v2.1;
- compute_endpoint_override <api>/v2.1;
- image_endpoint_override <api>/image, the read-only Glance v2 face of
  the local image source (nova.image.glance_v2_app), which the
  ``openstack`` CLI uses to resolve ``--image`` and image names;
- identity_endpoint_override <api>/identity/v3 (nova.api.identity_stub):
  ``openstack flavor create`` wants an Identity v3 client even when it
  does not use it, and discovery needs a version document.

openrc (``openstack`` and python-novaclient's ``nova``): the generic token
plugin against the identity stand-in, which hands the same token back
with a service catalog.
"""

import json
import os
import shlex

from nova.local import layout

CLOUD_NAME = 'nova-local'


def clouds_yaml(settings, token=layout.ADMIN_TOKEN, cloud=CLOUD_NAME):
    # Written by hand (the format is small) to need no YAML library.
    return '\n'.join([
        '# Written by nova-local for the deployment in %s.'
        % settings.state_dir,
        '# Use: export OS_CLIENT_CONFIG_FILE=%s OS_CLOUD=%s'
        % (settings.path('clouds.yaml'), cloud),
        'clouds:',
        '  %s:' % cloud,
        '    auth_type: admin_token',
        '    auth:',
        '      token: "%s"' % token,
        '      endpoint: "%s"' % settings.compute_endpoint,
        '    compute_endpoint_override: "%s"' % settings.compute_endpoint,
        '    image_endpoint_override: "%s"' % settings.image_endpoint,
        '    image_api_version: "2"',
        '    identity_endpoint_override: "%s"' % settings.identity_endpoint,
        '    identity_api_version: "3"',
        '    region_name: RegionOne',
        '',
    ])


def openrc(settings, token=layout.ADMIN_TOKEN):
    """Environment for both ``openstack`` and python-novaclient's ``nova``.

    ``nova`` reads no clouds.yaml and always authenticates against an auth
    URL, so this uses keystoneauth's generic token plugin against the
    identity stand-in (nova.api.identity_stub), which hands the noauth2
    token back with a catalog listing compute and image.
    """
    user, _sep, project = token.partition(':')
    return '\n'.join([
        '# Source this file to talk to the nova-local deployment in %s.'
        % settings.state_dir,
        '# The API runs with auth_strategy noauth2: the token is '
        '"<user>:<project>",',
        '# and the user "admin" is an administrator.',
        'unset OS_CLOUD OS_CLIENT_CONFIG_FILE OS_USERNAME OS_PASSWORD '
        'OS_PROJECT_NAME OS_USER_DOMAIN_NAME OS_PROJECT_DOMAIN_NAME '
        'OS_ENDPOINT',
        'export OS_AUTH_TYPE=token',
        'export OS_AUTH_URL=%s' % settings.identity_endpoint,
        'export OS_TOKEN=%s' % token,
        'export OS_PROJECT_ID=%s' % (project or user),
        'export OS_REGION_NAME=RegionOne',
        '# Or, without the identity stand-in: '
        'export OS_CLIENT_CONFIG_FILE=%s OS_CLOUD=%s'
        % (settings.path('clouds.yaml'), CLOUD_NAME),
        '',
    ])


ADMIN_CLOUD = CLOUD_NAME
DEMO_CLOUD = CLOUD_NAME + '-demo'


def _domain_vars(kind, name):
    """OS_<kind>_DOMAIN_ID for the default domain (as devstack writes
    it), OS_<kind>_DOMAIN_NAME for any other."""
    if name.lower() == 'default':
        return [('OS_%s_DOMAIN_ID' % kind, 'default')]
    return [('OS_%s_DOMAIN_NAME' % kind, name)]


def keystone_accounts(settings):
    """{'admin': ..., 'demo': ...} of a Keystone deployment: each
    {'username', 'password', 'project_name', 'user_domain_name',
    'project_domain_name'}; 'demo' only when nova-local made that user.
    The admin is the deployment's service user (it has the admin role)."""
    ks = settings.keystone
    admin = {'username': ks['username'], 'password': ks['password'],
             'project_name': ks.get('project_name', 'service'),
             'user_domain_name': ks.get('user_domain_name', 'Default'),
             'project_domain_name': ks.get('project_domain_name',
                                           'Default')}
    accounts = {'admin': admin}
    if ks.get('demo_username'):
        accounts['demo'] = dict(admin, username=ks['demo_username'],
                                password=ks['demo_password'],
                                project_name=ks.get('demo_project_name',
                                                    ks['demo_username']))
    return accounts


def _region(settings):
    return settings.keystone.get('region_name') or 'RegionOne'


def endpoint_overrides(settings):
    """{service type: url} clients need when the deployment's endpoints
    are not in Keystone's catalog (nothing when they are)."""
    if settings.keystone.get('endpoints_registered'):
        return {}
    return {'compute': settings.compute_endpoint,
            'image': settings.image_endpoint,
            'placement': settings.placement_endpoint}


def _shell_quote(value):
    return shlex.quote(str(value))


def keystone_openrc(settings):
    """A devstack-style openrc for a deployment that validates Keystone
    tokens: password auth as the demo user (``source openrc``) or as the
    service user, which has the admin role (``source openrc admin``)."""
    ks = settings.keystone
    accounts = keystone_accounts(settings)
    default = 'demo' if 'demo' in accounts else 'admin'
    lines = [
        '# Source this file to talk to the nova-local deployment in %s,'
        % settings.state_dir,
        '# which takes tokens of the Keystone at %s:' % ks['auth_url'],
        '#   source %s          # as %s'
        % (settings.path('openrc'), accounts[default]['username']),
        '#   source %s admin    # as %s (admin role)'
        % (settings.path('openrc'), accounts['admin']['username']),
        'unset OS_CLOUD OS_CLIENT_CONFIG_FILE OS_TOKEN OS_PROJECT_ID '
        'OS_ENDPOINT OS_USER_DOMAIN_NAME OS_PROJECT_DOMAIN_NAME '
        'OS_USER_DOMAIN_ID OS_PROJECT_DOMAIN_ID',
        'case "${1:-%s}" in' % default,
    ]
    for name, account in sorted(accounts.items()):
        lines.append('%s)' % name)
        values = [('OS_USERNAME', account['username']),
                  ('OS_PASSWORD', account['password']),
                  ('OS_PROJECT_NAME', account['project_name'])]
        values += _domain_vars('USER', account['user_domain_name'])
        values += _domain_vars('PROJECT', account['project_domain_name'])
        lines += ['    export %s=%s' % (key, _shell_quote(value))
                  for key, value in values]
        lines.append('    ;;')
    lines += [
        '*)',
        '    echo "usage: source openrc [%s]" >&2'
        % '|'.join(sorted(accounts)),
        '    return 1 2>/dev/null || exit 1',
        '    ;;',
        'esac',
        'export OS_AUTH_TYPE=password',
        'export OS_AUTH_URL=%s' % _shell_quote(ks['auth_url']),
        'export OS_IDENTITY_API_VERSION=3',
        'export OS_REGION_NAME=%s' % _shell_quote(_region(settings)),
        'export OS_INTERFACE=public',
        # Clients negotiate the newest microversion both sides speak.
        'export OS_COMPUTE_API_VERSION=2.latest',
    ]
    overrides = endpoint_overrides(settings)
    if overrides:
        lines.append('# Not in the catalog of %s: the endpoints directly.'
                     % _region(settings))
    for service_type, url in sorted(overrides.items()):
        lines.append('export OS_%s_ENDPOINT_OVERRIDE=%s'
                     % (service_type.upper(), _shell_quote(url)))
    lines.append('')
    return '\n'.join(lines)


def keystone_clouds_yaml(settings):
    """clouds.yaml with password auth: cloud "nova-local" as the service
    user (admin role) and "nova-local-demo" as the demo user."""
    ks = settings.keystone
    accounts = keystone_accounts(settings)
    names = {'admin': ADMIN_CLOUD, 'demo': DEMO_CLOUD}
    default = 'demo' if 'demo' in accounts else 'admin'
    lines = [
        '# Written by nova-local for the deployment in %s.'
        % settings.state_dir,
        '# Use: export OS_CLIENT_CONFIG_FILE=%s OS_CLOUD=%s'
        % (settings.path('clouds.yaml'), names[default]),
        'clouds:',
    ]
    for role, account in sorted(accounts.items()):
        lines += [
            '  %s:' % names[role],
            '    auth_type: password',
            '    auth:',
            '      auth_url: %s' % json.dumps(ks['auth_url']),
            '      username: %s' % json.dumps(account['username']),
            '      password: %s' % json.dumps(account['password']),
            '      project_name: %s' % json.dumps(account['project_name']),
            '      user_domain_name: %s'
            % json.dumps(account['user_domain_name']),
            '      project_domain_name: %s'
            % json.dumps(account['project_domain_name']),
            '    identity_api_version: "3"',
            '    region_name: %s' % json.dumps(_region(settings)),
            '    interface: public',
        ]
        for service_type, url in sorted(endpoint_overrides(settings)
                                        .items()):
            lines.append('    %s_endpoint_override: %s'
                         % (service_type, json.dumps(url)))
    lines.append('')
    return '\n'.join(lines)


def write_client_files(settings):
    """openrc and clouds.yaml in the state directory (readable by the
    owner only when they hold passwords)."""
    if settings.keystone:
        # The identity stand-in and the noauth2 token do not exist then.
        layout.write_text(settings.path('openrc'), keystone_openrc(settings),
                          mode=0o600)
        layout.write_text(settings.path('clouds.yaml'),
                          keystone_clouds_yaml(settings), mode=0o600)
        return
    layout.write_text(settings.path('clouds.yaml'), clouds_yaml(settings))
    layout.write_text(settings.path('openrc'), openrc(settings))


def client_env(settings, base=None):
    """An environment for running the ``openstack`` CLI on the
    deployment (as the admin)."""
    env = dict(os.environ if base is None else base)
    for key in list(env):
        if key.startswith('OS_'):
            del env[key]
    env['OS_CLIENT_CONFIG_FILE'] = settings.path('clouds.yaml')
    env['OS_CLOUD'] = CLOUD_NAME
    return env


def keystone_session(settings, token=layout.ADMIN_TOKEN):
    """A keystoneauth session that sends the noauth2 token."""
    from keystoneauth1 import session
    from keystoneauth1 import token_endpoint
    return session.Session(auth=token_endpoint.Token(
        settings.compute_endpoint, token))

"""Client settings of a local deployment (noauth2, or Keystone with
``settings.keystone``: an openrc for its service user).

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

import os

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


def keystone_openrc(settings):
    """Environment for a deployment that validates Keystone tokens: the
    service user of ``settings.keystone`` (it has the admin role)."""
    ks = settings.keystone
    return '\n'.join([
        '# Source this file to talk to the nova-local deployment in %s,'
        % settings.state_dir,
        '# which takes tokens of the Keystone at %s.' % ks['auth_url'],
        'unset OS_CLOUD OS_CLIENT_CONFIG_FILE OS_TOKEN OS_PROJECT_ID '
        'OS_ENDPOINT',
        'export OS_AUTH_TYPE=password',
        'export OS_AUTH_URL=%s' % ks['auth_url'],
        'export OS_USERNAME=%s' % ks['username'],
        "export OS_PASSWORD='%s'" % ks['password'].replace("'", ''),
        'export OS_PROJECT_NAME=%s' % ks.get('project_name', 'service'),
        'export OS_USER_DOMAIN_NAME=Default',
        'export OS_PROJECT_DOMAIN_NAME=Default',
        'export OS_IDENTITY_API_VERSION=3',
        'export OS_REGION_NAME=RegionOne',
        '',
    ])


def write_client_files(settings):
    if settings.keystone:
        # The identity stand-in and the noauth2 token do not exist then.
        layout.write_text(settings.path('openrc'), keystone_openrc(settings),
                          mode=0o600)
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

"""Keystone for a Tempest run: configuration, bootstrap and catalog.

Runs with the Python of the Tempest virtualenv (where Keystone is
installed)::

    keystone_setup.py init STATE_DIR URL ADMIN_PASSWORD
        keystone.conf (SQLite, fernet tokens), schema, keys, and
        ``keystone-manage bootstrap``: user/project "admin" with the admin
        role, roles member/reader, region RegionOne, identity endpoint URL.
    keystone_setup.py catalog STATE_DIR URL ADMIN_PASSWORD PARAMS.json
        once Keystone answers: the "service" project, the service user
        (PARAMS service_user/service_password, roles admin and service)
        and the compute, image and placement services with their
        endpoints (PARAMS compute_url, image_url, placement_url).

Both are idempotent: running them again on the same state directory
keeps what is there.
"""

import grp
import json
import os
import pwd
import subprocess
import sys

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session


def _keystone_manage():
    return os.path.join(os.path.dirname(sys.executable), 'keystone-manage')


def conf_path(state_dir):
    return os.path.join(state_dir, 'keystone', 'keystone.conf')


def write_conf(state_dir):
    base = os.path.join(state_dir, 'keystone')
    for sub in ('fernet-keys', 'credential-keys'):
        os.makedirs(os.path.join(base, sub), exist_ok=True)
    text = '\n'.join([
        '[DEFAULT]',
        'log_file = %s' % os.path.join(state_dir, 'log', 'keystone.log'),
        'debug = false',
        '[database]',
        'connection = sqlite:///%s' % os.path.join(base, 'keystone.sqlite'),
        '[token]',
        'provider = fernet',
        # Long enough for a whole Tempest run.
        'expiration = 28800',
        '[fernet_tokens]',
        'key_repository = %s' % os.path.join(base, 'fernet-keys'),
        '[credential]',
        'key_repository = %s' % os.path.join(base, 'credential-keys'),
        '[cache]',
        'enabled = false',
        '',
    ])
    os.makedirs(os.path.join(state_dir, 'log'), exist_ok=True)
    with open(conf_path(state_dir), 'w') as f:
        f.write(text)


def manage(state_dir, *args):
    argv = [_keystone_manage(), '--config-file', conf_path(state_dir)]
    argv += list(args)
    subprocess.run(argv, check=True)


def init(state_dir, url, admin_password):
    write_conf(state_dir)
    manage(state_dir, 'db_sync')
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    keys = os.path.join(state_dir, 'keystone', 'fernet-keys', '0')
    if not os.path.exists(keys):
        manage(state_dir, 'fernet_setup', '--keystone-user', user,
               '--keystone-group', group)
        manage(state_dir, 'credential_setup', '--keystone-user', user,
               '--keystone-group', group)
    manage(state_dir, 'bootstrap',
           '--bootstrap-password', admin_password,
           '--bootstrap-admin-url', url,
           '--bootstrap-internal-url', url,
           '--bootstrap-public-url', url,
           '--bootstrap-region-id', 'RegionOne')


class Keystone:
    """The few identity calls the catalog set-up needs."""

    def __init__(self, url, admin_password):
        auth = v3.Password(auth_url=url, username='admin',
                           password=admin_password, project_name='admin',
                           user_domain_id='default',
                           project_domain_id='default')
        self.session = ks_session.Session(auth=auth)
        self.url = url.rstrip('/')

    def _get(self, path, key):
        return self.session.get(self.url + path).json()[key]

    def _post(self, path, key, body):
        return self.session.post(self.url + path,
                                 json={key: body}).json()[key]

    def ensure(self, path, key, match, body):
        """The first item of ``path`` matching ``match``; created with
        ``body`` when there is none."""
        for item in self._get(path, key + 's'):
            if all(item.get(k) == v for k, v in match.items()):
                return item
        return self._post(path, key, body)

    def role_id(self, name):
        return self.ensure('/roles', 'role', {'name': name},
                           {'name': name})['id']

    def grant(self, project_id, user_id, role):
        self.session.put('%s/projects/%s/users/%s/roles/%s' % (
            self.url, project_id, user_id, self.role_id(role)))


def catalog(url, admin_password, params):
    ks = Keystone(url, admin_password)
    project = ks.ensure('/projects', 'project', {'name': 'service'},
                        {'name': 'service', 'domain_id': 'default',
                         'description': 'Service users'})
    user = ks.ensure('/users', 'user', {'name': params['service_user']},
                     {'name': params['service_user'],
                      'domain_id': 'default',
                      'password': params['service_password'],
                      'default_project_id': project['id']})
    for role in ('admin', 'service'):
        ks.grant(project['id'], user['id'], role)
    for name, stype, endpoint in (
            ('nova', 'compute', params['compute_url']),
            ('glance', 'image', params['image_url']),
            ('placement', 'placement', params['placement_url'])):
        service = ks.ensure('/services', 'service', {'type': stype},
                            {'name': name, 'type': stype, 'enabled': True})
        for interface in ('public', 'internal', 'admin'):
            ks.ensure('/endpoints', 'endpoint',
                      {'service_id': service['id'],
                       'interface': interface},
                      {'service_id': service['id'],
                       'interface': interface, 'url': endpoint,
                       'region_id': 'RegionOne', 'enabled': True})


def main(argv):
    if len(argv) >= 5 and argv[1] == 'init':
        init(os.path.abspath(argv[2]), argv[3], argv[4])
        return 0
    if len(argv) >= 6 and argv[1] == 'catalog':
        with open(argv[5]) as f:
            params = json.load(f)
        try:
            catalog(argv[3], argv[4], params)
        except ks_exc.ClientException as exc:
            sys.stderr.write('catalog set-up failed: %s\n' % exc)
            return 1
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))

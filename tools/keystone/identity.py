"""Administration of a running Keystone: roles, projects, users, grants,
tokens and the service catalog.

Needs only keystoneauth1, so both the Keystone virtualenv (setup.sh, the
Tempest run) and the project's (tests/keystone/conftest.py loads this
file by path) can use it. As a script::

    identity.py check URL ADMIN_PASSWORD
        Keystone answers and has the roles reader < member < manager <
        admin and service (created, with the implications, if missing).
    identity.py catalog URL ADMIN_PASSWORD PARAMS.json
        the "service" project, a service user (PARAMS service_user /
        service_password, roles admin and service) and the compute, image
        and placement services with endpoints in PARAMS region (default
        RegionOne) at PARAMS compute_url, image_url, placement_url.

Every ensure_* call is idempotent.
"""

import json
import sys

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session

# Keystone's default roles, each implying the next one (bootstrap makes
# them so since 2024.2), and the role of service users.
ROLE_CHAIN = ('admin', 'manager', 'member', 'reader')
SERVICE_ROLE = 'service'
DOMAIN = 'default'
SERVICE_NAMES = {'compute': 'nova', 'image': 'glance',
                 'placement': 'placement', 'identity': 'keystone'}


def token(url, username, password, project_name):
    """A new project-scoped token of a user of the default domain."""
    auth = v3.Password(auth_url=url, username=username, password=password,
                       project_name=project_name, user_domain_id=DOMAIN,
                       project_domain_id=DOMAIN)
    return ks_session.Session(auth=auth).get_token()


class Identity:
    """Keystone's v3 API as the admin of project "admin"."""

    def __init__(self, url, admin_password, username='admin',
                 project_name='admin'):
        self.url = url.rstrip('/')
        self.admin_password = admin_password
        auth = v3.Password(auth_url=self.url, username=username,
                           password=admin_password,
                           project_name=project_name,
                           user_domain_id=DOMAIN, project_domain_id=DOMAIN)
        self.session = ks_session.Session(auth=auth)
        self._role_ids = {}

    # -- plumbing -----------------------------------------------------------
    def _url(self, path):
        return self.url + path

    def get(self, path, key, **params):
        return self.session.get(self._url(path), params=params).json()[key]

    def post(self, path, key, body):
        return self.session.post(self._url(path),
                                 json={key: body}).json()[key]

    def put(self, path):
        self.session.put(self._url(path))

    def delete(self, path):
        try:
            self.session.delete(self._url(path))
        except ks_exc.NotFound:
            pass

    def ensure(self, path, key, match, body, **params):
        """The first item of ``path`` (listed with ``params``) matching
        ``match``; created from ``body`` when there is none."""
        for item in self.get(path, key + 's', **params):
            if all(item.get(k) == v for k, v in match.items()):
                return item
        try:
            return self.post(path, key, body)
        except ks_exc.Conflict:
            # Created by another process in the meantime.
            for item in self.get(path, key + 's', **params):
                if all(item.get(k) == v for k, v in match.items()):
                    return item
            raise

    # -- roles --------------------------------------------------------------
    def role_id(self, name):
        if name not in self._role_ids:
            self._role_ids[name] = self.ensure(
                '/roles', 'role', {'name': name}, {'name': name},
                name=name)['id']
        return self._role_ids[name]

    def ensure_roles(self):
        """The default roles and their implications; {name: id}."""
        ids = {name: self.role_id(name)
               for name in ROLE_CHAIN + (SERVICE_ROLE,)}
        for prior, implied in zip(ROLE_CHAIN, ROLE_CHAIN[1:]):
            try:
                self.session.head(self._url('/roles/%s/implies/%s' % (
                    ids[prior], ids[implied])))
            except ks_exc.NotFound:
                self.put('/roles/%s/implies/%s' % (ids[prior],
                                                   ids[implied]))
        return ids

    # -- projects, users, grants ----------------------------------------------
    def create_project(self, name, description=''):
        return self.post('/projects', 'project', {
            'name': name, 'domain_id': DOMAIN,
            'description': description})['id']

    def ensure_project(self, name, description=''):
        return self.ensure('/projects', 'project', {'name': name}, {
            'name': name, 'domain_id': DOMAIN, 'description': description},
            name=name)['id']

    def create_user(self, name, password, project_id, roles=('member',)):
        user_id = self.post('/users', 'user', {
            'name': name, 'domain_id': DOMAIN, 'password': password,
            'default_project_id': project_id})['id']
        for role in roles:
            self.grant(project_id, user_id, role)
        return user_id

    def ensure_user(self, name, password, project_id, roles=('member',)):
        user = self.ensure('/users', 'user', {'name': name}, {
            'name': name, 'domain_id': DOMAIN, 'password': password,
            'default_project_id': project_id}, name=name)
        for role in roles:
            self.grant(project_id, user['id'], role)
        return user['id']

    def grant(self, project_id, user_id, role):
        self.put('/projects/%s/users/%s/roles/%s' % (
            project_id, user_id, self.role_id(role)))

    def delete_project(self, project_id):
        self.delete('/projects/%s' % project_id)

    def delete_user(self, user_id):
        self.delete('/users/%s' % user_id)

    def token(self, username, password, project_name):
        return token(self.url, username, password, project_name)

    # -- catalog --------------------------------------------------------------
    def ensure_region(self, region):
        try:
            self.session.get(self._url('/regions/%s' % region))
        except ks_exc.NotFound:
            try:
                self.post('/regions', 'region', {'id': region})
            except ks_exc.Conflict:
                pass

    def service_id(self, service_type):
        return self.ensure('/services', 'service', {'type': service_type}, {
            'name': SERVICE_NAMES.get(service_type, service_type),
            'type': service_type, 'enabled': True},
            type=service_type)['id']

    def register_endpoints(self, region, urls,
                           interfaces=('public', 'internal', 'admin')):
        """Endpoints in ``region`` for {service type: url}."""
        self.ensure_region(region)
        for service_type, url in urls.items():
            service_id = self.service_id(service_type)
            for interface in interfaces:
                self.ensure('/endpoints', 'endpoint', {
                    'service_id': service_id, 'interface': interface,
                    'region_id': region}, {
                    'service_id': service_id, 'interface': interface,
                    'url': url, 'region_id': region, 'enabled': True},
                    service_id=service_id, interface=interface,
                    region_id=region)

    def remove_region(self, region):
        """Drop ``region`` and every endpoint in it."""
        for endpoint in self.get('/endpoints', 'endpoints',
                                 region_id=region):
            self.delete('/endpoints/%s' % endpoint['id'])
        self.delete('/regions/%s' % region)


def catalog(url, admin_password, params):
    ks = Identity(url, admin_password)
    ks.ensure_roles()
    project_id = ks.ensure_project('service', 'Service users')
    ks.ensure_user(params['service_user'], params['service_password'],
                   project_id, roles=('admin', SERVICE_ROLE))
    ks.register_endpoints(params.get('region', 'RegionOne'), {
        'compute': params['compute_url'],
        'image': params['image_url'],
        'placement': params['placement_url']})


def main(argv):
    try:
        if len(argv) == 4 and argv[1] == 'check':
            Identity(argv[2], argv[3]).ensure_roles()
            return 0
        if len(argv) == 5 and argv[1] == 'catalog':
            with open(argv[4]) as f:
                params = json.load(f)
            catalog(argv[2], argv[3], params)
            return 0
    except ks_exc.ClientException as exc:
        sys.stderr.write('%s failed: %s\n' % (argv[1], exc))
        return 1
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))

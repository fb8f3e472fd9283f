"""What ``nova-local start --keystone-url`` sets up in Keystone.

With a user that has Keystone's admin role (the service user itself, or
Keystone's admin with ``--keystone-admin-password``), nova-local makes the
Keystone side of the deployment, the way devstack does:

- the service user (``--keystone-user`` in project "service", roles admin
  and service) when it is given Keystone's admin; the "service" role is
  what keystonemiddleware wants in a service token (X-Service-Token);
- the compute, placement and image services of this deployment with
  public, internal and admin endpoints in a region, so clients find nova
  through the catalog (an endpoint that already exists there is moved to
  this deployment's URL), and Keystone's own endpoint in that region if
  it has none there;
- a "demo" project with a "demo" user (roles member and reader), the
  everyday account of the openrc and clouds.yaml files.

Every step is idempotent: starting again reuses what exists (and gives
the users the passwords of this start).
"""

import secrets
import time

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session

DEFAULT_REGION = 'RegionOne'
SERVICE_PROJECT = 'service'
DEMO_NAME = 'demo'
ADMIN_ROLE = 'admin'
SERVICE_ROLE = 'service'
DEMO_ROLES = ('member', 'reader')
INTERFACES = ('public', 'internal', 'admin')
SERVICE_NAMES = {'compute': 'nova', 'placement': 'placement',
                 'image': 'glance', 'identity': 'keystone'}


class KeystoneSetupError(Exception):
    pass


def new_password():
    return secrets.token_urlsafe(12)


def password_session(auth_url, username, password, project_name,
                     user_domain_name='Default',
                     project_domain_name='Default'):
    auth = v3.Password(auth_url=auth_url, username=username,
                       password=password, project_name=project_name,
                       user_domain_name=user_domain_name,
                       project_domain_name=project_domain_name)
    return ks_session.Session(auth=auth)


class Identity:
    """The few Keystone v3 calls the set-up needs, over a keystoneauth
    session of a user with the admin role."""

    def __init__(self, session, auth_url, domain_id='default'):
        self.session = session
        self.url = auth_url.rstrip('/')
        self.domain_id = domain_id

    def role_names(self):
        """Roles of the session's token (implied ones included)."""
        return set(self.session.auth.get_access(self.session).role_names)

    def is_admin(self):
        return ADMIN_ROLE in self.role_names()

    # -- plumbing ------------------------------------------------------------
    def _list(self, path, key, **params):
        return self.session.get(self.url + path, params=params).json()[key]

    def _create(self, path, key, body):
        return self.session.post(self.url + path,
                                 json={key: body}).json()[key]

    def _find(self, path, key, match, **params):
        for item in self._list(path, key + 's', **params):
            if all(item.get(k) == v for k, v in match.items()):
                return item
        return None

    def _ensure(self, path, key, match, body, **params):
        found = self._find(path, key, match, **params)
        if found is not None:
            return found
        try:
            return self._create(path, key, body)
        except ks_exc.Conflict:
            # Made by someone else in the meantime.
            found = self._find(path, key, match, **params)
            if found is None:
                raise
            return found

    # -- identity ------------------------------------------------------------
    def role_id(self, name):
        return self._ensure('/roles', 'role', {'name': name},
                            {'name': name}, name=name)['id']

    def ensure_project(self, name, description=''):
        return self._ensure('/projects', 'project', {'name': name}, {
            'name': name, 'domain_id': self.domain_id,
            'description': description},
            name=name, domain_id=self.domain_id)['id']

    def ensure_user(self, name, password, project_id, roles=()):
        """The user ``name`` with ``password`` (set again if the user
        exists) and ``roles`` on ``project_id``; its id."""
        user = self._find('/users', 'user', {'name': name}, name=name,
                          domain_id=self.domain_id)
        if user is None:
            user = self._create('/users', 'user', {
                'name': name, 'domain_id': self.domain_id,
                'password': password, 'default_project_id': project_id})
        else:
            self.session.patch(self.url + '/users/%s' % user['id'],
                               json={'user': {'password': password}})
            # Keystone revokes the user's tokens issued up to the second
            # of the change (its revocation events have one-second
            # precision): a token taken in that same second would be
            # refused at once.
            time.sleep(1.1)
        for role in roles:
            self.grant(project_id, user['id'], role)
        return user['id']

    def grant(self, project_id, user_id, role):
        self.session.put(self.url + '/projects/%s/users/%s/roles/%s' % (
            project_id, user_id, self.role_id(role)))

    def user_id(self, name):
        user = self._find('/users', 'user', {'name': name}, name=name)
        return user['id'] if user else None

    def project_id(self, name):
        project = self._find('/projects', 'project', {'name': name},
                             name=name)
        return project['id'] if project else None

    # -- catalog -------------------------------------------------------------
    def ensure_region(self, region):
        try:
            self.session.get(self.url + '/regions/%s' % region)
        except ks_exc.NotFound:
            try:
                self._create('/regions', 'region', {'id': region})
            except ks_exc.Conflict:
                pass

    def service_id(self, service_type):
        return self._ensure('/services', 'service', {'type': service_type}, {
            'name': SERVICE_NAMES.get(service_type, service_type),
            'type': service_type, 'enabled': True},
            type=service_type)['id']

    def register_endpoints(self, region, urls, interfaces=INTERFACES,
                           keep=()):
        """Endpoints in ``region`` for {service type: url}; existing ones
        of that region are pointed at ``url``, except for the service
        types in ``keep``. Returns what changed as
        [(service type, interface, url, 'created' | 'updated' | 'kept')].
        """
        self.ensure_region(region)
        changes = []
        for service_type, url in sorted(urls.items()):
            service_id = self.service_id(service_type)
            for interface in interfaces:
                found = self._find('/endpoints', 'endpoint', {
                    'service_id': service_id, 'interface': interface,
                    'region_id': region}, service_id=service_id,
                    interface=interface, region_id=region)
                if found is None:
                    self._create('/endpoints', 'endpoint', {
                        'service_id': service_id, 'interface': interface,
                        'url': url, 'region_id': region, 'enabled': True})
                    what = 'created'
                elif service_type not in keep and (
                        found['url'] != url or
                        not found.get('enabled', True)):
                    self.session.patch(
                        self.url + '/endpoints/%s' % found['id'],
                        json={'endpoint': {'url': url, 'enabled': True}})
                    what = 'updated'
                else:
                    what = 'kept'
                changes.append((service_type, interface, url, what))
        return changes


def catalog_urls(settings):
    """{service type: url} of the deployment for the catalog."""
    return {'compute': settings.compute_endpoint,
            'placement': settings.placement_endpoint,
            'image': settings.image_endpoint}


def prepare(settings, admin=None, register_endpoints=None, demo=None,
            log=print):
    """Make the Keystone side of ``settings.keystone`` (updated in place).

    ``admin``: {'username', 'password', 'project_name'} of a Keystone
    admin that creates the service user (with ``settings.keystone``'s
    username and password); without it the service user must exist and
    everything else is done as that user, when it has the admin role.
    ``register_endpoints`` and ``demo``: True, False, or None for "when
    the acting user is an admin".
    """
    ks = settings.keystone
    region = ks.setdefault('region_name', DEFAULT_REGION)
    ks.setdefault('project_name', SERVICE_PROJECT)
    ks.setdefault('user_domain_name', 'Default')
    ks.setdefault('project_domain_name', 'Default')
    try:
        if admin:
            ident = Identity(password_session(
                ks['auth_url'], admin['username'], admin['password'],
                admin.get('project_name', 'admin')), ks['auth_url'])
            if not ident.is_admin():
                raise KeystoneSetupError(
                    'the Keystone user %s has no admin role'
                    % admin['username'])
            project_id = ident.ensure_project(ks['project_name'],
                                              'Service users')
            ident.ensure_user(ks['username'], ks['password'], project_id,
                              roles=(ADMIN_ROLE, SERVICE_ROLE))
            log('Keystone: service user %s in project %s (roles admin, '
                'service).' % (ks['username'], ks['project_name']))
        else:
            ident = Identity(password_session(
                ks['auth_url'], ks['username'], ks['password'],
                ks['project_name'], ks['user_domain_name'],
                ks['project_domain_name']), ks['auth_url'])
            project_id = ident.session.get_project_id()
        roles = ident.role_names()
    except ks_exc.Unauthorized:
        raise KeystoneSetupError(
            'Keystone at %s refused the password of %s' % (
                ks['auth_url'], (admin or ks)['username']))
    except ks_exc.ConnectFailure as exc:
        raise KeystoneSetupError('Keystone does not answer at %s: %s'
                                 % (ks['auth_url'], exc))
    # Owner of the images nova-manage imports: the project of nova's
    # service user, whose credentials nova-manage's configuration holds.
    ks['project_id'] = project_id
    is_admin = ADMIN_ROLE in roles
    if not admin and SERVICE_ROLE not in roles:
        if is_admin:
            # Service tokens need it (keystonemiddleware's
            # service_token_roles).
            project_id = ident.project_id(ks['project_name'])
            user_id = ident.user_id(ks['username'])
            if project_id and user_id:
                ident.grant(project_id, user_id, SERVICE_ROLE)
                log('Keystone: granted the service role to %s.'
                    % ks['username'])
        else:
            log('WARNING: %s has no "service" role in Keystone: other '
                'services refuse its service tokens.' % ks['username'])
    for wanted, what in ((register_endpoints, 'register endpoints'),
                         (demo, 'create the demo user')):
        if wanted and not is_admin:
            raise KeystoneSetupError(
                'to %s, %s needs the admin role in Keystone (or give '
                '--keystone-admin-password)' % (what, ks['username']))
    register = is_admin if register_endpoints is None else register_endpoints
    if register:
        ident.register_endpoints(region, catalog_urls(settings))
        # Clients look the identity service up in the region they work
        # in too (openstack flavor create does): Keystone's own endpoint
        # in that region, if it has none there yet.
        ident.register_endpoints(region, {'identity': ks['auth_url']},
                                 keep=('identity',))
        log('Keystone: compute, placement and image endpoints of this '
            'deployment in region %s.' % region)
    ks['endpoints_registered'] = bool(register)
    make_demo = is_admin if demo is None else demo
    if make_demo:
        password = ks.get('demo_password') or new_password()
        project_id = ident.ensure_project(DEMO_NAME, 'nova-local demo')
        ident.ensure_user(DEMO_NAME, password, project_id, roles=DEMO_ROLES)
        ks.update(demo_username=DEMO_NAME, demo_password=password,
                  demo_project_name=DEMO_NAME)
        log('Keystone: user %s in project %s (roles %s).'
            % (DEMO_NAME, DEMO_NAME, ', '.join(DEMO_ROLES)))
    else:
        for key in ('demo_username', 'demo_password', 'demo_project_name'):
            ks.pop(key, None)
    return ks

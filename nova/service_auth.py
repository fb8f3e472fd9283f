"""Credentials nova uses when it calls another service's REST API.

A call made on behalf of a user carries that user's token, taken from the
request context (nova-api put it there from X-Auth-Token, and it travels
with the context over RPC to the conductor and the computes). With
[service_user] send_service_user_token the token of nova's service user
goes along as X-Service-Token (keystoneauth's ServiceTokenAuthWrapper), so
that the other service still accepts the call once the user's token has
expired during a long operation.

A call made without a user token (nova-manage, a periodic task: the
context is an admin context with no token) authenticates as the service
user of the client's own configuration group, e.g. [glance] auth_type.

    auth = service_auth.get_auth_plugin(context, fallback_group='glance')
    adapter = ks_loading.load_adapter_from_conf_options(
        CONF, 'glance', session=service_auth.get_session('glance'),
        auth=auth)
"""

import threading

from keystoneauth1.access import service_catalog as ksa_catalog
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import loading as ks_loading
from keystoneauth1 import plugin
from keystoneauth1 import service_token
from oslo_log import log as logging

import nova.conf
from nova.conf import service_user

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

SERVICE_USER_GROUP = service_user.SERVICE_USER_GROUP

# Loaded from the configuration once per group: a password plugin keeps
# its token until it is about to expire, so every call of a process shares
# one token of the service user.
_LOCK = threading.Lock()
_AUTHS = {}
_SESSIONS = {}


def reset():
    """Forget loaded plugins and sessions (after a configuration change)."""
    with _LOCK:
        _AUTHS.clear()
        _SESSIONS.clear()


class UserTokenAuth(plugin.BaseAuthPlugin):
    """The token of the user a request context stands for.

    Endpoints are looked up in the service catalog the context carries
    (keystonemiddleware hands nova the user's catalog in the v2 format;
    a v3-shaped catalog works too), unless the client has an
    endpoint_override. The token cannot be renewed: nova never had the
    user's password.
    """

    def __init__(self, token, catalog=None):
        super().__init__()
        self.token = token
        self.catalog = list(catalog or [])

    def get_token(self, session, **kwargs):
        return self.token

    def get_headers(self, session, **kwargs):
        return {'X-Auth-Token': self.token}

    def invalidate(self):
        # Nothing to fetch again: asking to retry with a new token would
        # send the same one.
        return False

    def _service_catalog(self):
        v3 = any('interface' in endpoint
                 for service in self.catalog
                 for endpoint in service.get('endpoints', ()))
        if v3:
            return ksa_catalog.ServiceCatalogV3(self.catalog)
        return ksa_catalog.ServiceCatalogV2(self.catalog)

    def get_endpoint(self, session, service_type=None, interface=None,
                     region_name=None, service_name=None,
                     endpoint_override=None, **kwargs):
        if endpoint_override:
            return endpoint_override
        if not service_type or not self.catalog:
            return None
        try:
            return self._service_catalog().url_for(
                service_type=service_type, interface=interface or 'public',
                region_name=region_name, service_name=service_name)
        except ks_exc.EndpointNotFound:
            return None


def get_session(group):
    """The keystoneauth session of ``group`` (TLS, timeout, ...), without
    auth: each request brings its own."""
    with _LOCK:
        session = _SESSIONS.get(group)
        if session is None:
            session = ks_loading.load_session_from_conf_options(CONF, group)
            _SESSIONS[group] = session
        return session


def get_service_auth_plugin(group):
    """The auth plugin of ``group``'s auth options (auth_type and that
    plugin's options), or None when the group has no auth_type."""
    with _LOCK:
        if group not in _AUTHS:
            _AUTHS[group] = ks_loading.load_auth_from_conf_options(
                CONF, group)
        return _AUTHS[group]


def user_auth_plugin(context):
    """The context user's token as an auth plugin; None without one."""
    token = getattr(context, 'auth_token', None)
    if not token:
        return None
    return UserTokenAuth(token, getattr(context, 'service_catalog', None))


def get_auth_plugin(context, fallback_group=None):
    """The auth plugin to call another service with for ``context``.

    - The context has a user token: that token, wrapped with the service
      user's token of [service_user] when send_service_user_token is on.
    - It has none: the service user of ``fallback_group``'s auth options
      if the group has any, else None (the call goes out unauthenticated).
    """
    user_auth = user_auth_plugin(context)
    if user_auth is None:
        if fallback_group is None:
            return None
        return get_service_auth_plugin(fallback_group)
    if not CONF.service_user.send_service_user_token:
        return user_auth
    service_auth = get_service_auth_plugin(SERVICE_USER_GROUP)
    if service_auth is None:
        LOG.warning('[service_user] send_service_user_token is set but the '
                    'group has no auth_type: sending the user\'s token '
                    'alone.')
        return user_auth
    return service_token.ServiceTokenAuthWrapper(user_auth=user_auth,
                                                 service_auth=service_auth)

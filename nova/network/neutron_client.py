"""A thin client of Neutron's v2.0 REST API over a keystoneauth adapter.

One adapter per call, built from the [neutron] group (endpoint from the
catalog or endpoint_override, timeouts, retries) with the credentials
nova.service_auth picks: the user's token for calls made on a user's
behalf (what the user may see and do is then Neutron's own policy), or
the service user of [neutron]'s auth options with ``admin=True`` (port
bindings, device ownership, other projects' ports) and where there is no
user token at all.

Errors come back as nova exceptions: 404 as NeutronNotFound, 409 as
NeutronConflict (with Neutron's error type, e.g. "PortInUse",
"IpAddressAlreadyAllocated", "OverQuota"), other 4xx as NeutronBadRequest,
an unreachable Neutron or a 5xx as NetworkServiceUnavailable.
"""

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import loading as ks_loading
from oslo_log import log as logging

import nova.conf
from nova import exception
from nova import service_auth

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)
GROUP = 'neutron'

# Neutron answers with one of these when a request races with another
# (retrying the read part of the work is the caller's business).
IDEMPOTENT = ('GET', 'PUT', 'DELETE', 'HEAD')


class NeutronError(exception.NovaException):
    """A 4xx of Neutron; ``type`` is Neutron's error type."""
    msg_fmt = 'Neutron refused the request: %(reason)s'
    code = 400
    safe = True

    def __init__(self, message=None, status=400, type=None, **kwargs):
        super().__init__(message, **kwargs)
        self.status = status
        self.type = type


class NeutronNotFound(NeutronError):
    code = 404


class NeutronConflict(NeutronError):
    code = 409


class NeutronBadRequest(NeutronError):
    pass


class NeutronForbidden(NeutronError):
    code = 403


def _error_of(resp):
    """Neutron's (type, message) of an error answer."""
    try:
        body = resp.json()
    except ValueError:
        return None, resp.text[:500] or resp.reason
    error = body.get('NeutronError') if isinstance(body, dict) else None
    if isinstance(error, dict):
        return error.get('type'), error.get('message') or resp.reason
    if isinstance(body, dict) and 'message' in body:
        return None, body['message']
    return None, str(body)[:500]


class Client:
    """Neutron's v2.0 API for ``context`` (see the module docstring)."""

    def __init__(self, context, admin=False):
        self.context = context
        self.admin = admin

    def _adapter(self):
        if self.admin:
            auth = service_auth.get_service_auth_plugin(GROUP)
            if auth is None:
                # Without a service user, an administrator's own token is
                # the best there is (nova-manage, tests with no auth).
                auth = service_auth.get_auth_plugin(self.context)
        else:
            auth = service_auth.get_auth_plugin(self.context,
                                                fallback_group=GROUP)
        global_id = (getattr(self.context, 'global_request_id', None) or
                     getattr(self.context, 'request_id', None))
        return ks_loading.load_adapter_from_conf_options(
            CONF, GROUP, session=service_auth.get_session(GROUP), auth=auth,
            global_request_id=global_id)

    def request(self, method, path, body=None, params=None):
        """Neutron's JSON answer (None for 204) to ``method path``."""
        url = '/v2.0' + path
        retries = CONF.neutron.http_retries if method in IDEMPOTENT else 0
        kwargs = {'raise_exc': False,
                  'headers': {'Accept': 'application/json'}}
        if body is not None:
            kwargs['json'] = body
        if params:
            kwargs['params'] = params
        try:
            resp = self._adapter().request(url, method,
                                           connect_retries=retries,
                                           **kwargs)
        except ks_exc.EndpointNotFound:
            raise exception.NetworkServiceUnavailable(
                reason='no network endpoint: set [neutron] endpoint_override '
                       'or register a "network" service in the catalog')
        except (ks_exc.ConnectionError, ks_exc.ConnectTimeout,
                ks_exc.RequestTimeout) as exc:
            raise exception.NetworkServiceUnavailable(
                reason='%s %s: %s' % (method, path, exc))
        except ks_exc.ClientException as exc:
            # Getting the service user's token failed.
            raise exception.NetworkServiceUnavailable(
                reason='%s %s: %s' % (method, path, exc))
        if resp.status_code < 300:
            if resp.status_code == 204 or not resp.content:
                return None
            return resp.json()
        kind, message = _error_of(resp)
        status = resp.status_code
        LOG.debug('Neutron answered %s %s with %d %s: %s', method, path,
                  status, kind, message)
        if status == 404:
            raise NeutronNotFound(message, status=status, type=kind)
        if status == 409:
            raise NeutronConflict(message, status=status, type=kind)
        if status == 403:
            raise NeutronForbidden(message, status=status, type=kind)
        if status < 500:
            raise NeutronBadRequest(message, status=status, type=kind)
        raise exception.NetworkServiceUnavailable(
            reason='%s %s answered %d: %s' % (method, path, status, message))

    # -- conveniences ------------------------------------------------------
    def get(self, path, **params):
        return self.request('GET', path, params=params or None)

    def post(self, path, body):
        return self.request('POST', path, body=body)

    def put(self, path, body):
        return self.request('PUT', path, body=body)

    def delete(self, path, missing_ok=True):
        """DELETE ``path``; a resource already gone is no error unless
        ``missing_ok`` is false."""
        try:
            return self.request('DELETE', path)
        except NeutronNotFound:
            if not missing_ok:
                raise
            return None

    def list(self, collection, **filters):
        """Every item of ``collection`` ("ports", "networks", ...) that
        matches ``filters`` (a list value matches any of its items)."""
        params = []
        for key, value in filters.items():
            if value is None:
                continue
            if isinstance(value, (list, tuple, set)):
                params.extend((key, str(v)) for v in value)
            else:
                params.append((key, _text(value)))
        items = []
        path = '/%s' % collection
        # URLs spell "security-groups", bodies "security_groups".
        key = collection.replace('-', '_')
        while True:
            body = self.request('GET', path, params=params or None)
            items.extend(body.get(key, []))
            # Neutron pages only when asked to or configured to; follow
            # its "next" link when it does.
            nxt = [link for link in body.get(key + '_links', ())
                   if link.get('rel') == 'next']
            if not nxt:
                return items
            marker = items[-1]['id'] if items else None
            if marker is None:
                return items
            params = [p for p in params if p[0] != 'marker']
            params.append(('marker', marker))

    def show(self, resource, item_id, **params):
        """One item, e.g. show("port", id); raises NeutronNotFound."""
        return self.get('/%ss/%s' % (resource.replace('_', '-'), item_id),
                        **params)[resource]

    def extensions(self):
        body = self.get('/extensions')
        return {ext['alias'] for ext in body.get('extensions', [])}


def _text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)

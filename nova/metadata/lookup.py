"""Which server is asking the metadata service, and its metadata.

A request names its server one of two ways:

- Through Neutron's metadata proxy ([neutron] service_metadata_proxy):
  the proxy adds ``X-Instance-ID`` (the port's device id),
  ``X-Instance-ID-Signature`` (HMAC-SHA256 of that id with [neutron]
  metadata_proxy_shared_secret, hex), ``X-Tenant-ID`` (the port's
  project) and ``X-Forwarded-For`` (the guest's address). A missing
  header is a 400, a signature that does not match a 403, a server that
  does not exist or whose project is not X-Tenant-ID a 404.
- Otherwise by the address the request comes from (REMOTE_ADDR, or with
  [api] use_forwarded_for the last X-Forwarded-For entry, which the
  trusted proxy in front added): the server whose Neutron port holds that
  fixed IP. No such server is a 404.

The server is read through the conductor as nova-api reads it (instance
mapping, then the instance in its cell) with an admin context. Its
metadata (content.InstanceMetadata) is kept for [api]
metadata_cache_expiration seconds under the server's id and under the
address it was found by, so that guests polling the service do not cost
a conductor round trip each time.
"""

import collections
import hashlib
import hmac
import threading
import time

from oslo_log import log as logging

import nova.conf
from nova import context as nova_context
from nova import exception
from nova.metadata import content
from nova.metadata import password
from nova.metadata import vendordata
from nova.network import api as network_api
from nova.network import security_groups
from nova import objects

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# Most servers a cache holds; the least recently used go first.
CACHE_SIZE = 1024


class RequestError(Exception):
    """The request cannot be answered; ``code`` is its HTTP status."""
    code = 500

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class BadRequest(RequestError):
    code = 400


class Forbidden(RequestError):
    code = 403


class NotFound(RequestError):
    code = 404


class Conflict(RequestError):
    code = 409


class TTLCache:
    """A thread-safe map whose entries expire ``ttl`` seconds after they
    were put, holding at most ``size`` of them (0 ttl: holds nothing)."""

    def __init__(self, ttl, size=CACHE_SIZE, clock=time.monotonic):
        self.ttl = ttl
        self.size = size
        self.clock = clock
        self._lock = threading.Lock()
        self._entries = collections.OrderedDict()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, value = entry
            if self.clock() >= expires:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key, value):
        if self.ttl <= 0:
            return
        with self._lock:
            self._entries[key] = (self.clock() + self.ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def drop_where(self, predicate):
        """Forget every entry whose value ``predicate`` accepts."""
        with self._lock:
            for key in [k for k, (_e, v) in self._entries.items()
                        if predicate(v)]:
                del self._entries[key]

    def __len__(self):
        return len(self._entries)


def signature(instance_id, secret=None):
    """The signature Neutron's metadata proxy sends with ``instance_id``."""
    if secret is None:
        secret = CONF.neutron.metadata_proxy_shared_secret
    return hmac.new((secret or '').encode('utf-8'),
                    instance_id.encode('utf-8'), hashlib.sha256).hexdigest()


def signature_matches(instance_id, given):
    if not given:
        return False
    return hmac.compare_digest(signature(instance_id).encode('utf-8'),
                               given.encode('utf-8'))


def get_instance(context, instance_uuid):
    """The instance ``instance_uuid`` from its cell, through the
    conductor; InstanceNotFound when it has none (yet) or is gone."""
    try:
        mapping = objects.InstanceMapping.get_by_instance_uuid(
            context, instance_uuid)
    except exception.InstanceMappingNotFound:
        raise exception.InstanceNotFound(instance_id=instance_uuid)
    if mapping.cell_mapping is None:
        # Not scheduled yet: a guest that is not running cannot ask.
        raise exception.InstanceNotFound(instance_id=instance_uuid)
    cctxt = context.targeted(mapping.cell_mapping.uuid)
    return objects.Instance.get_by_uuid(cctxt, instance_uuid)


def security_group_names(context, instance):
    """The names of the server's security groups: its ports' in Neutron,
    otherwise those asked for when it was created."""
    if network_api.is_neutron():
        groups = security_groups.API().of_servers(
            context, [instance.uuid]).get(instance.uuid, [])
        return [g['name'] for g in groups]
    return network_api.security_groups_asked_for(instance)


def requester_address(remote_addr, headers):
    """The address a request comes from (see the module docstring)."""
    if CONF.api.use_forwarded_for:
        forwarded = headers.get('X-Forwarded-For')
        if forwarded:
            return forwarded.split(',')[-1].strip()
    return remote_addr


class MetadataSource:
    """Finds the server behind a request and builds (or reuses) its
    metadata."""

    def __init__(self, cache=None, static_vendordata=None):
        if cache is None:
            cache = TTLCache(CONF.api.metadata_cache_expiration)
        self.cache = cache
        self.static_vendordata = static_vendordata or vendordata.StaticJSON()
        if (CONF.neutron.service_metadata_proxy and
                not CONF.neutron.metadata_proxy_shared_secret):
            LOG.warning('[neutron] metadata_proxy_shared_secret is not set: '
                        'the instance ids Neutron\'s metadata proxy sends '
                        'cannot be trusted')

    # -- which server ---------------------------------------------------

    def for_request(self, headers, remote_addr):
        """The InstanceMetadata of the server asking (see the module
        docstring for how it is found); raises a RequestError."""
        if CONF.neutron.service_metadata_proxy:
            return self._by_signed_instance_id(headers)
        if headers.get('X-Instance-ID'):
            LOG.warning('X-Instance-ID in a request, which is ignored: '
                        '[neutron] service_metadata_proxy is not set')
        return self._by_address(requester_address(remote_addr, headers))

    def _by_signed_instance_id(self, headers):
        instance_id = headers.get('X-Instance-ID')
        tenant_id = headers.get('X-Tenant-ID')
        given = headers.get('X-Instance-ID-Signature')
        address = headers.get('X-Forwarded-For')
        if instance_id is None:
            raise BadRequest('X-Instance-ID header is missing from request.')
        if given is None:
            raise BadRequest('X-Instance-ID-Signature header is missing '
                             'from request.')
        if tenant_id is None:
            raise BadRequest('X-Tenant-ID header is missing from request.')
        if ',' in instance_id:
            raise BadRequest('Multiple X-Instance-ID headers found within '
                             'request.')
        if ',' in tenant_id:
            raise BadRequest('Multiple X-Tenant-ID headers found within '
                             'request.')
        if not signature_matches(instance_id, given):
            LOG.warning('X-Instance-ID-Signature %(sig)s does not match the '
                        'expected signature of instance id %(id)s; request '
                        'from %(addr)s',
                        {'sig': given, 'id': instance_id, 'addr': address})
            raise Forbidden('Invalid proxy request signature.')
        md = self.by_instance_id(instance_id, address)
        if md is None:
            LOG.error('No metadata for instance id %s: no such server',
                      instance_id)
            raise NotFound('No metadata for this request.')
        if md.instance.project_id != tenant_id:
            LOG.warning('X-Tenant-ID %(tenant)s is not the project of '
                        'instance %(id)s',
                        {'tenant': tenant_id, 'id': instance_id})
            raise NotFound('No metadata for this request.')
        return md

    def _by_address(self, address):
        if not address:
            raise NotFound('No metadata for this request.')
        md = self.by_address(address)
        if md is None:
            LOG.error('No metadata for address %s: no server has it',
                      address)
            raise NotFound('No metadata for this request.')
        return md

    # -- its metadata -----------------------------------------------------

    def by_instance_id(self, instance_id, address=None):
        """The metadata of server ``instance_id``; None if there is no
        such server."""
        def find(context):
            return self._build(context, get_instance(context, instance_id),
                               address)
        return self._cached('instance:%s' % instance_id,
                            'instance %s' % instance_id, find)

    def by_address(self, address):
        """The metadata of the server with fixed IP ``address``; None if
        there is none."""
        def find(context):
            instance_uuid = network_api.API().instance_uuid_by_fixed_ip(
                context, address)
            LOG.info('Fixed IP %(ip)s is instance %(uuid)s',
                     {'ip': address, 'uuid': instance_uuid})
            return self._build(context, get_instance(context, instance_uuid),
                               address)
        return self._cached('address:%s' % address, 'address %s' % address,
                            find)

    def _cached(self, key, what, find):
        """The cache's entry ``key``, else what ``find(context)`` builds
        (then kept); None when ``find`` finds no server."""
        md = self.cache.get(key)
        if md is not None:
            LOG.debug('Cached metadata for %s', what)
            return md
        try:
            md = find(nova_context.get_admin_context())
        except exception.NotFound:
            return None
        except Exception:
            LOG.exception('Failed to get the metadata for %s', what)
            raise RequestError('An unknown error has occurred. Please try '
                               'your request again.')
        self.cache.put(key, md)
        return md

    def _build(self, context, instance, address):
        return content.InstanceMetadata(
            instance,
            security_groups=security_group_names(context, instance),
            vendordata=vendordata.DynamicJSON(instance),
            static_vendordata=self.static_vendordata.get(),
            address=address)

    def forget(self, instance_uuid):
        """Drop what the cache holds of server ``instance_uuid``."""
        self.cache.drop_where(lambda md: md.uuid == instance_uuid)

    # -- the password ----------------------------------------------------

    def save_password(self, md, body):
        """Keep the password the server posted; raises Conflict when it
        has one, BadRequest when it is too long or not text."""
        context = nova_context.get_admin_context()
        try:
            instance = get_instance(context, md.uuid)
        except exception.NotFound as exc:
            raise BadRequest(exc.format_message())
        try:
            password.store(instance, body)
        except password.PasswordAlreadySet:
            raise Conflict('The server has a password already; it must be '
                           'cleared before another is posted.')
        except password.InvalidPassword as exc:
            raise BadRequest(str(exc))
        finally:
            self.forget(md.uuid)
        LOG.info('Password of the server saved', instance=instance)

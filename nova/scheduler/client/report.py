"""HTTP client of the placement API, used by every nova service that
reads or changes what placement tracks.

- nova-compute reports its nodes (one resource provider per compute node,
  with the node's uuid and name), their inventories and traits, and frees
  an instance's allocations when it is deleted or a build fails;
- nova-scheduler asks for allocation candidates and claims the winner by
  writing the instance's allocations;
- nova-conductor claims an alternate host when a build is rescheduled;
- nova-api mirrors host aggregates into placement aggregates;
- nova-manage heals and audits allocations.

Providers carry generations: a write based on a stale generation gets a
409 ``placement.concurrent_update``; this client refreshes the provider
and retries a few times before it gives up. A claim that conflicts is not
retried here: the scheduler moves on to its next candidate instead.
"""

import threading

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import loading as ks_loading
from oslo_log import log as logging

import nova.conf
from nova import exception

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# Microversions this client speaks, per kind of request.
NESTED_PROVIDER_VERSION = '1.14'
POST_RP_RETURNS_BODY = '1.20'
AGGREGATE_GENERATION_VERSION = '1.19'
CONSUMER_GENERATION_VERSION = '1.28'
ALLOCATION_CANDIDATES_VERSION = '1.36'
INVENTORY_VERSION = '1.26'

# Tries of a write whose provider generation went stale meanwhile.
GENERATION_RETRIES = 4


class PlacementAPIError(exception.NovaException):
    msg_fmt = ('Placement request %(method)s %(url)s failed with HTTP '
               '%(status)s: %(detail)s')

    @property
    def status(self):
        return self.kwargs.get('status')

    @property
    def detail(self):
        return self.kwargs.get('detail')


class PlacementUnreachable(exception.NovaException):
    msg_fmt = 'The placement API at %(url)s cannot be reached: %(reason)s'


class ResourceProviderInUse(exception.Conflict):
    msg_fmt = ('Resource provider %(uuid)s still has allocations and cannot '
               'be deleted.')


class InventoryInUse(exception.Conflict):
    msg_fmt = ('Inventory of resource provider %(uuid)s cannot be changed: '
               '%(detail)s')


def _error_code(resp):
    try:
        return resp.json()['errors'][0].get('code')
    except Exception:
        return None


def _error_detail(resp):
    try:
        return resp.json()['errors'][0].get('detail') or resp.text
    except Exception:
        return resp.text


def _global_request_id(context):
    return getattr(context, 'global_id', None) or getattr(
        context, 'request_id', None)


class SchedulerReportClient:
    """One client per process is enough: it is thread-safe and keeps an
    HTTP connection pool."""

    def __init__(self, adapter=None):
        self._adapter = adapter
        self._lock = threading.Lock()
        # Provider uuid -> generation as last seen; saves a GET before
        # most writes.
        self._generations = {}
        # Provider uuid -> last inventory / traits written, so that a
        # periodic report of unchanged data costs no request.
        self._inventories = {}
        self._traits = {}
        self._known_traits = set()

    # ------------------------------------------------------------------
    # HTTP
    # ------------------------------------------------------------------
    @property
    def adapter(self):
        if self._adapter is None:
            with self._lock:
                if self._adapter is None:
                    self._adapter = self._make_adapter()
        return self._adapter

    @staticmethod
    def _make_adapter():
        auth = None
        headers = None
        if CONF.placement.auth_type:
            # Keystone: the session gets (and renews) a token itself and
            # finds placement in the catalog unless endpoint_override.
            auth = ks_loading.load_auth_from_conf_options(CONF, 'placement')
        else:
            if not CONF.placement.endpoint_override:
                raise PlacementUnreachable(
                    url=None, reason='[placement] has neither auth_type '
                    '(to find placement in the catalog) nor '
                    'endpoint_override')
            # Under noauth2 placement only wants some token.
            headers = {'X-Auth-Token': 'nova'}
        session = ks_loading.load_session_from_conf_options(
            CONF, 'placement', auth=auth)
        return ks_loading.load_adapter_from_conf_options(
            CONF, 'placement', session=session, auth=auth,
            additional_headers=headers)

    def _request(self, method, url, version, context=None, json=None):
        headers = {}
        request_id = _global_request_id(context)
        if request_id:
            headers['X-OpenStack-Request-ID'] = request_id
        try:
            return self.adapter.request(
                url, method, microversion=version, json=json,
                headers=headers, raise_exc=False)
        except ks_exc.ConnectFailure as exc:
            raise PlacementUnreachable(
                url=CONF.placement.endpoint_override, reason=exc)
        except ks_exc.ClientException as exc:
            raise PlacementUnreachable(
                url=CONF.placement.endpoint_override, reason=exc)

    def get(self, url, version, context=None):
        return self._request('GET', url, version, context)

    def put(self, url, data, version, context=None):
        return self._request('PUT', url, version, context, json=data)

    def post(self, url, data, version, context=None):
        return self._request('POST', url, version, context, json=data)

    def delete(self, url, version, context=None):
        return self._request('DELETE', url, version, context)

    @staticmethod
    def _fail(method, url, resp):
        raise PlacementAPIError(method=method, url=url,
                                status=resp.status_code,
                                detail=_error_detail(resp))

    # ------------------------------------------------------------------
    # Providers
    # ------------------------------------------------------------------
    def get_provider(self, context, rp_uuid):
        """The provider as placement shows it, or None."""
        url = '/resource_providers/%s' % rp_uuid
        resp = self.get(url, NESTED_PROVIDER_VERSION, context)
        if resp.status_code == 404:
            return None
        if resp.status_code != 200:
            self._fail('GET', url, resp)
        provider = resp.json()
        self._generations[rp_uuid] = provider['generation']
        return provider

    def get_provider_by_name(self, context, name):
        url = '/resource_providers?name=%s' % name
        resp = self.get(url, NESTED_PROVIDER_VERSION, context)
        if resp.status_code != 200:
            self._fail('GET', url, resp)
        providers = resp.json()['resource_providers']
        return providers[0] if providers else None

    def get_providers(self, context):
        """Every provider placement knows: uuid -> provider dict."""
        resp = self.get('/resource_providers', NESTED_PROVIDER_VERSION,
                        context)
        if resp.status_code != 200:
            self._fail('GET', '/resource_providers', resp)
        providers = {p['uuid']: p for p in resp.json()['resource_providers']}
        for uuid, provider in providers.items():
            self._generations[uuid] = provider['generation']
        return providers

    def ensure_resource_provider(self, context, rp_uuid, name,
                                 parent_provider_uuid=None, known=None):
        """Create the provider unless it exists; returns its generation.

        :param known: providers already listed by the caller (uuid ->
            dict), so a host with thousands of nodes lists them once.
        """
        provider = (known.get(rp_uuid) if known is not None
                    else self.get_provider(context, rp_uuid))
        if provider is not None:
            self._generations[rp_uuid] = provider['generation']
            return provider['generation']
        body = {'uuid': rp_uuid, 'name': name}
        if parent_provider_uuid:
            body['parent_provider_uuid'] = parent_provider_uuid
        resp = self.post('/resource_providers', body, POST_RP_RETURNS_BODY,
                         context)
        if resp.status_code == 200:
            generation = resp.json()['generation']
        elif resp.status_code == 409:
            # Created meanwhile by another thread, or a stale provider of
            # the same name from an earlier node record.
            existing = self.get_provider(context, rp_uuid)
            if existing is None:
                raise PlacementAPIError(
                    method='POST', url='/resource_providers', status=409,
                    detail='a provider named %s exists with another uuid: '
                           '%s' % (name, _error_detail(resp)))
            generation = existing['generation']
        else:
            self._fail('POST', '/resource_providers', resp)
        self._generations[rp_uuid] = generation
        self._inventories.pop(rp_uuid, None)
        self._traits.pop(rp_uuid, None)
        LOG.info('Created resource provider %s (%s) in placement', name,
                 rp_uuid)
        return generation

    def delete_resource_provider(self, context, rp_uuid):
        url = '/resource_providers/%s' % rp_uuid
        resp = self.delete(url, NESTED_PROVIDER_VERSION, context)
        if resp.status_code == 409:
            raise ResourceProviderInUse(uuid=rp_uuid)
        if resp.status_code not in (204, 404):
            self._fail('DELETE', url, resp)
        for cache in (self._generations, self._inventories, self._traits):
            cache.pop(rp_uuid, None)

    def _generation(self, context, rp_uuid, refresh=False):
        if refresh or rp_uuid not in self._generations:
            if self.get_provider(context, rp_uuid) is None:
                raise exception.NotFound(
                    'Resource provider %s is not in placement' % rp_uuid)
        return self._generations[rp_uuid]

    def _write_with_generation(self, context, method, url, version,
                               rp_uuid, make_body):
        """PUT/POST a body carrying the provider generation, refreshing the
        generation and retrying when placement says it went stale."""
        refresh = False
        for _attempt in range(GENERATION_RETRIES):
            generation = self._generation(context, rp_uuid, refresh)
            resp = self._request(method, url, version, context,
                                 json=make_body(generation))
            if resp.status_code == 409 and \
                    _error_code(resp) == 'placement.concurrent_update':
                refresh = True
                continue
            if resp.status_code == 200:
                new = resp.json().get('resource_provider_generation')
                if new is not None:
                    self._generations[rp_uuid] = new
            return resp
        return resp

    # ------------------------------------------------------------------
    # Inventories and traits
    # ------------------------------------------------------------------
    def set_inventory_for_provider(self, context, rp_uuid, inventories):
        """Make the provider's inventory exactly ``inventories`` (resource
        class -> {total, reserved, min_unit, max_unit, step_size,
        allocation_ratio}); a no-op when it is what was last written."""
        if self._inventories.get(rp_uuid) == inventories:
            return
        url = '/resource_providers/%s/inventories' % rp_uuid
        resp = self._write_with_generation(
            context, 'PUT', url, INVENTORY_VERSION, rp_uuid,
            lambda gen: {'resource_provider_generation': gen,
                         'inventories': inventories})
        if resp.status_code == 409 and \
                _error_code(resp) == 'placement.inventory.inuse':
            raise InventoryInUse(uuid=rp_uuid, detail=_error_detail(resp))
        if resp.status_code != 200:
            self._fail('PUT', url, resp)
        self._inventories[rp_uuid] = dict(inventories)

    def _ensure_custom_traits(self, context, traits):
        for trait in traits:
            if not trait.startswith('CUSTOM_') or \
                    trait in self._known_traits:
                continue
            resp = self.put('/traits/%s' % trait, None, '1.6', context)
            if resp.status_code not in (201, 204):
                self._fail('PUT', '/traits/%s' % trait, resp)
            self._known_traits.add(trait)

    def set_traits_for_provider(self, context, rp_uuid, traits):
        """Make the provider's traits exactly ``traits``."""
        traits = sorted(set(traits))
        if self._traits.get(rp_uuid) == traits:
            return
        self._ensure_custom_traits(context, traits)
        url = '/resource_providers/%s/traits' % rp_uuid
        resp = self._write_with_generation(
            context, 'PUT', url, '1.6', rp_uuid,
            lambda gen: {'resource_provider_generation': gen,
                         'traits': traits})
        if resp.status_code != 200:
            self._fail('PUT', url, resp)
        self._traits[rp_uuid] = traits

    # ------------------------------------------------------------------
    # Aggregates
    # ------------------------------------------------------------------
    def _providers_of_host(self, context, host_name, rp_uuid):
        if rp_uuid:
            return [rp_uuid]
        # A host's providers are named after its nodes; most hosts have
        # one node named after the host itself.
        provider = self.get_provider_by_name(context, host_name)
        if provider is not None:
            return [provider['uuid']]
        from nova import objects
        from nova import context as nova_context
        admin = nova_context.get_admin_context()
        uuids = []
        try:
            mapping = objects.HostMapping.get_by_host(admin, host_name)
            cctxt = admin.targeted(mapping.cell_mapping.uuid)
            uuids = [n.uuid for n in objects.ComputeNodeList.get_all_by_host(
                cctxt, host_name)]
        except exception.NotFound:
            pass
        if not uuids:
            raise exception.NotFound(
                'No resource provider found in placement for host %s' %
                host_name)
        return uuids

    def _change_aggregates(self, context, rp_uuid, change):
        url = '/resource_providers/%s/aggregates' % rp_uuid
        for _attempt in range(GENERATION_RETRIES):
            resp = self.get(url, AGGREGATE_GENERATION_VERSION, context)
            if resp.status_code != 200:
                self._fail('GET', url, resp)
            body = resp.json()
            current = set(body['aggregates'])
            wanted = change(current)
            if wanted == current:
                return
            resp = self.put(url, {
                'aggregates': sorted(wanted),
                'resource_provider_generation':
                    body['resource_provider_generation']},
                AGGREGATE_GENERATION_VERSION, context)
            if resp.status_code == 409:
                # The provider changed since the GET: read it again.
                continue
            if resp.status_code != 200:
                self._fail('PUT', url, resp)
            self._generations[rp_uuid] = resp.json()[
                'resource_provider_generation']
            return
        self._fail('PUT', url, resp)

    def aggregate_add_host(self, context, agg_uuid, host_name=None,
                           rp_uuid=None):
        """Put the provider(s) of ``host_name`` into placement aggregate
        ``agg_uuid``."""
        for uuid in self._providers_of_host(context, host_name, rp_uuid):
            self._change_aggregates(context, uuid,
                                    lambda cur: cur | {agg_uuid})

    def aggregate_remove_host(self, context, agg_uuid, host_name=None,
                              rp_uuid=None):
        for uuid in self._providers_of_host(context, host_name, rp_uuid):
            self._change_aggregates(context, uuid,
                                    lambda cur: cur - {agg_uuid})

    # ------------------------------------------------------------------
    # Allocation candidates and allocations
    # ------------------------------------------------------------------
    def get_allocation_candidates(self, context, query):
        """(allocation_requests, provider_summaries) for ``query``, the
        query string of GET /allocation_candidates (without '?')."""
        url = '/allocation_candidates?' + query
        resp = self.get(url, ALLOCATION_CANDIDATES_VERSION, context)
        if resp.status_code != 200:
            self._fail('GET', url, resp)
        body = resp.json()
        return body['allocation_requests'], body['provider_summaries']

    def get_providers_with_capacity(self, context, resources):
        """Providers that could hold ``resources`` (a 'VCPU:1,...' string)
        by capacity alone: used to explain an empty candidate list."""
        url = '/resource_providers?resources=%s' % resources
        resp = self.get(url, NESTED_PROVIDER_VERSION, context)
        if resp.status_code != 200:
            return None
        return resp.json()['resource_providers']

    def get_allocs_for_consumer(self, context, consumer_uuid):
        """{'allocations': {rp_uuid: {'resources': {...}}},
        'consumer_generation': int|None, 'project_id', 'user_id'}."""
        url = '/allocations/%s' % consumer_uuid
        resp = self.get(url, CONSUMER_GENERATION_VERSION, context)
        if resp.status_code != 200:
            self._fail('GET', url, resp)
        return resp.json()

    def get_allocations_for_consumer(self, context, consumer_uuid):
        return self.get_allocs_for_consumer(context, consumer_uuid)[
            'allocations']

    def put_allocations(self, context, consumer_uuid, allocations,
                        project_id, user_id, consumer_generation=None):
        """Write the consumer's allocations; True on success, False when
        placement refused them for a conflict (capacity taken meanwhile,
        generation mismatch)."""
        url = '/allocations/%s' % consumer_uuid
        resp = self.put(url, {
            'allocations': allocations, 'project_id': project_id,
            'user_id': user_id, 'consumer_generation': consumer_generation},
            CONSUMER_GENERATION_VERSION, context)
        if resp.status_code == 204:
            return True
        if resp.status_code == 409:
            LOG.info('Placement refused allocations of %s: %s',
                     consumer_uuid, _error_detail(resp))
            return False
        self._fail('PUT', url, resp)

    def claim_resources(self, context, consumer_uuid, alloc_request,
                        project_id, user_id, consumer_generation=None):
        """Claim one allocation request (as GET /allocation_candidates
        returned it) for a new consumer."""
        return self.put_allocations(
            context, consumer_uuid, alloc_request['allocations'],
            project_id, user_id, consumer_generation)

    def delete_allocation_for_instance(self, context, instance_uuid):
        """Free everything ``instance_uuid`` holds; True if it held
        anything."""
        url = '/allocations/%s' % instance_uuid
        resp = self.delete(url, CONSUMER_GENERATION_VERSION, context)
        if resp.status_code == 204:
            return True
        if resp.status_code == 404:
            return False
        self._fail('DELETE', url, resp)

    def remove_provider_from_instance_allocation(self, context,
                                                 consumer_uuid, rp_uuid):
        """Drop the part of the consumer's allocations that sits on
        ``rp_uuid`` (a failed build on that host); True if done."""
        for _attempt in range(GENERATION_RETRIES):
            current = self.get_allocs_for_consumer(context, consumer_uuid)
            allocations = current['allocations']
            if rp_uuid not in allocations:
                return True
            del allocations[rp_uuid]
            if not allocations:
                return self.delete_allocation_for_instance(
                    context, consumer_uuid) or True
            if self.put_allocations(
                    context, consumer_uuid, allocations,
                    current['project_id'], current['user_id'],
                    current.get('consumer_generation')):
                return True
        return False

    def move_allocations(self, context, source_consumer_uuid,
                         target_consumer_uuid):
        """Hand everything ``source_consumer_uuid`` holds over to
        ``target_consumer_uuid`` in one POST /allocations, so the
        resources are never free in between (a move parks the instance's
        source allocation on its migration record this way, and a revert
        hands it back). Whatever the target held before is replaced.
        True if done or there was nothing to move; False when placement
        kept refusing for concurrent updates."""
        for _attempt in range(GENERATION_RETRIES):
            source = self.get_allocs_for_consumer(context,
                                                  source_consumer_uuid)
            if not source.get('allocations'):
                LOG.info('Consumer %s holds no allocations to move to %s',
                         source_consumer_uuid, target_consumer_uuid)
                return True
            target = self.get_allocs_for_consumer(context,
                                                  target_consumer_uuid)
            body = {
                source_consumer_uuid: {
                    'allocations': {},
                    'consumer_generation': source.get('consumer_generation'),
                    'project_id': source['project_id'],
                    'user_id': source['user_id']},
                target_consumer_uuid: {
                    'allocations': source['allocations'],
                    'consumer_generation': target.get('consumer_generation'),
                    'project_id': source['project_id'],
                    'user_id': source['user_id']},
            }
            resp = self.post('/allocations', body,
                             CONSUMER_GENERATION_VERSION, context)
            if resp.status_code == 204:
                return True
            if resp.status_code != 409:
                self._fail('POST', '/allocations', resp)
            LOG.info('Moving allocations of %s to %s conflicted, retrying: '
                     '%s', source_consumer_uuid, target_consumer_uuid,
                     _error_detail(resp))
        return False

    def get_allocations_for_provider(self, context, rp_uuid):
        """consumer uuid -> {'resources': {...}} on one provider."""
        url = '/resource_providers/%s/allocations' % rp_uuid
        resp = self.get(url, '1.0', context)
        if resp.status_code != 200:
            self._fail('GET', url, resp)
        return resp.json()['allocations']


_CLIENT = None
_CLIENT_LOCK = threading.Lock()


def get_client():
    """The process's shared client."""
    global _CLIENT
    with _CLIENT_LOCK:
        if _CLIENT is None:
            _CLIENT = SchedulerReportClient()
        return _CLIENT

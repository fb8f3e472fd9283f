"""os-availability-zone: the zones servers can be booted into.

A compute host's zone is the availability_zone of the aggregates holding
it, or [DEFAULT] default_availability_zone when none has one; every other
service is in the internal zone. A zone is available while it has an
enabled service. The plain list hides the internal zone; the detailed
one (admin) shows it, with each host's services and their state.
"""

import pecan

import nova.conf
from nova.api import common
from nova.api.views import services as services_view
from nova.objects import aggregate as aggregate_obj
from nova import objects
from nova.policies import availability_zone as policies

CONF = nova.conf.CONF

COMPUTE_BINARY = 'nova-compute'
# API services are not kept like the others and are left out of detail.
API_BINARIES = ('nova-osapi_compute', 'nova-metadata')


def _is_up(svc):
    from nova import servicegroup
    return servicegroup.is_up(svc)


def host_zones(ctx):
    """{host: zone name} of the hosts in an aggregate with a zone."""
    zones = {}
    for agg in objects.AggregateList.get_by_metadata_key(
            ctx, aggregate_obj.AZ_KEY):
        for host in agg.hosts or []:
            zones.setdefault(host, set()).add(agg.availability_zone)
    return {host: ','.join(sorted(names)) for host, names in zones.items()}


def service_zone(svc, zones):
    if svc.binary == COMPUTE_BINARY:
        return zones.get(svc.host, CONF.default_availability_zone)
    return services_view.INTERNAL_ZONE


def _services_with_zones(ctx):
    zones = host_zones(ctx)
    return [(svc, service_zone(svc, zones))
            for svc in objects.ServiceList.get_all(ctx)]


def _split(services):
    available = sorted({zone for svc, zone in services if not svc.disabled})
    unavailable = sorted({zone for svc, zone in services if svc.disabled} -
                         set(available))
    return available, unavailable


def _zone(name, available, hosts=None):
    return {'zoneName': name, 'zoneState': {'available': available},
            'hosts': hosts}


class AvailabilityZoneController:
    """/os-availability-zone and /os-availability-zone/detail."""

    @pecan.expose(generic=True)
    def index(self):
        common.method_not_allowed()

    @index.when(method='GET', template='json')
    def list(self):
        req = pecan.request
        common.authorize(req, policies.LIST)
        services = _services_with_zones(common.context(req).elevated())
        available, unavailable = _split(services)
        internal = services_view.INTERNAL_ZONE
        return {'availabilityZoneInfo': (
            [_zone(z, True) for z in available if z != internal] +
            [_zone(z, False) for z in unavailable if z != internal])}

    @pecan.expose(generic=True)
    def detail(self):
        common.method_not_allowed()

    @detail.when(method='GET', template='json')
    def detail_get(self):
        req = pecan.request
        common.authorize(req, policies.DETAIL)
        services = _services_with_zones(common.context(req))
        available, unavailable = _split(services)
        hosts = {}
        for svc, zone in services:
            if svc.disabled or svc.binary in API_BINARIES:
                continue
            hosts.setdefault(zone, {}).setdefault(svc.host, {})[
                svc.binary] = {
                    'available': _is_up(svc),
                    'active': not svc.disabled,
                    'updated_at': services_view.timestamp(
                        services_view.updated_time(svc)),
            }
        return {'availabilityZoneInfo': (
            [_zone(z, True, hosts.get(z, {})) for z in available] +
            [_zone(z, False) for z in unavailable])}

"""Waiting for Neutron to report a server's VIFs wired.

A port is ACTIVE, and Neutron says "network-vif-plugged", once its L2
agent has wired what the virt driver plugged (and DHCP knows it). Work
that plugs VIFs (spawn, finishing a move, attaching an interface) waits
for those events so a server is never ACTIVE without its network:

    with vif_plugging.waiting(compute, instance, network_info):
        compute.driver.spawn(...)

Without a network service, with [DEFAULT] vif_plugging_timeout = 0, or
when every port is already ACTIVE, nothing is waited for. A timeout fails
the work when vif_plugging_is_fatal is set (the build is then
rescheduled like any spawn failure), else it is logged.
"""

import contextlib
import time

from oslo_log import log as logging

import nova.conf
from nova import exception
from nova.network import api as network_api

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

PLUGGED = 'network-vif-plugged'


def expected_events(network_info):
    """The (name, tag) of the events the VIFs not yet active will send."""
    return [(PLUGGED, vif['id']) for vif in network_info or []
            if not vif.get('active')]


@contextlib.contextmanager
def waiting(compute, instance, network_info):
    events = expected_events(network_info)
    timeout = CONF.vif_plugging_timeout
    if not events or not timeout or not network_api.is_neutron():
        yield
        return
    with compute.external_events.expect(instance.uuid, events) as waiter:
        yield
        started = time.monotonic()
        arrived = waiter.wait(timeout)
        failed = waiter.failed()
        if arrived and not failed:
            LOG.info('Waited %.3f s for Neutron to report %d VIF(s) plugged',
                     time.monotonic() - started, len(events),
                     instance_uuid=instance.uuid)
            # Those ports are ACTIVE now: the caller's network_info (what
            # it stores as the cache) says so, and a later plug of the
            # same ports does not wait for an event that never comes.
            for vif in network_info:
                vif['active'] = True
            return
        if failed:
            LOG.error('Neutron failed to wire port(s) %s',
                      ', '.join(tag for _n, tag in failed),
                      instance_uuid=instance.uuid)
        else:
            LOG.warning('Neutron did not report port(s) %s plugged within '
                        '%d s', ', '.join(t for _n, t in waiter.missing()),
                        timeout, instance_uuid=instance.uuid)
        if CONF.vif_plugging_is_fatal:
            raise exception.VirtualInterfacePlugTimeout()

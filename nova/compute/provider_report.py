"""Publish this host's nodes to placement: one resource provider per
compute node (same uuid, named after the node) with the node's inventory
and traits.

Called by the resource tracker after it has the node records. Unchanged
inventories and traits cost no request (the client remembers what it
wrote), so the periodic refresh is cheap; a host with thousands of nodes
(the fake driver's scale mode) lists the providers once and writes the
missing ones from a small thread pool.
"""

import concurrent.futures

from oslo_log import log as logging

import nova.conf
from nova.scheduler.client import report

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# Concurrent placement requests while publishing many nodes.
_PUBLISH_THREADS = 8


def allocation_ratios():
    return {'VCPU': CONF.compute.cpu_allocation_ratio,
            'MEMORY_MB': CONF.compute.ram_allocation_ratio,
            'DISK_GB': CONF.compute.disk_allocation_ratio}


def reserved_amounts():
    return {'VCPU': CONF.compute.reserved_host_cpus,
            'MEMORY_MB': CONF.compute.reserved_host_memory_mb,
            'DISK_GB': (CONF.compute.reserved_host_disk_mb + 1023) // 1024}


def node_inventory(driver, nodename):
    """The node's inventory, with reserved amounts capped at the total so
    a small node is still valid in placement."""
    inventory = driver.get_inventory(nodename, allocation_ratios(),
                                     reserved_amounts())
    for inv in inventory.values():
        inv['reserved'] = min(inv['reserved'], inv['total'])
    return inventory


class ProviderReporter:

    def __init__(self, host, driver, client=None):
        self.host = host
        self.driver = driver
        self.client = client or report.get_client()
        self._published = set()

    def publish(self, context, nodes):
        """Create or update the providers of ``nodes`` (name ->
        ComputeNode)."""
        new = [n for n in nodes.values() if n.uuid not in self._published]
        # Many new nodes: one listing instead of a GET per provider.
        known = self.client.get_providers(context) if len(new) > 1 else None
        if len(nodes) <= 1:
            for name, node in nodes.items():
                self._publish_one(context, name, node, known)
            return
        with concurrent.futures.ThreadPoolExecutor(
                _PUBLISH_THREADS, thread_name_prefix='placement') as pool:
            futures = [pool.submit(self._publish_one, context, name, node,
                                   known)
                       for name, node in nodes.items()]
            failed = 0
            for future in futures:
                try:
                    future.result()
                except Exception:
                    failed += 1
                    if failed == 1:
                        LOG.exception('Publishing a node of host %s to '
                                      'placement failed', self.host)
        if failed:
            LOG.error('%d of %d node(s) of host %s not published to '
                      'placement; retrying at the next refresh', failed,
                      len(nodes), self.host)

    def _publish_one(self, context, name, node, known):
        if node.uuid not in self._published:
            self.client.ensure_resource_provider(context, node.uuid, name,
                                                 known=known)
        self.client.set_inventory_for_provider(
            context, node.uuid, node_inventory(self.driver, name))
        self.client.set_traits_for_provider(
            context, node.uuid, self.driver.get_traits(name))
        self._published.add(node.uuid)

    def forget(self, context, node):
        """The node is gone: delete its provider (kept, with a warning,
        while allocations still sit on it)."""
        self._published.discard(node.uuid)
        try:
            self.client.delete_resource_provider(context, node.uuid)
        except report.ResourceProviderInUse:
            LOG.warning('Resource provider of removed node %s still has '
                        'allocations; keeping it',
                        node.hypervisor_hostname)

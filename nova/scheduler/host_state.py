"""What the scheduler knows of each compute node while it picks hosts."""

import time


class HostState:
    """Free resources of one compute node, as seen by the scheduler."""

    def __init__(self, node, cell_uuid, service_up, service_disabled):
        self.host = node.host
        self.nodename = node.hypervisor_hostname
        self.uuid = node.uuid
        self.cell_uuid = cell_uuid
        self.service_up = service_up
        self.service_disabled = service_disabled
        cpu_ratio = node.cpu_allocation_ratio or 16.0
        ram_ratio = node.ram_allocation_ratio or 1.5
        disk_ratio = node.disk_allocation_ratio or 1.0
        self.free_vcpus = node.vcpus * cpu_ratio - (node.vcpus_used or 0)
        self.free_ram_mb = node.memory_mb * ram_ratio - (
            node.memory_mb_used or 0)
        self.free_disk_gb = node.local_gb * disk_ratio - (
            node.local_gb_used or 0)
        self.updated_at = node.updated_at
        self.num_instances = node.running_vms or 0

    def fits(self, vcpus, memory_mb, disk_gb):
        return (self.free_vcpus >= vcpus and self.free_ram_mb >= memory_mb
                and self.free_disk_gb >= disk_gb)

    def consume(self, vcpus, memory_mb, disk_gb):
        self.free_vcpus -= vcpus
        self.free_ram_mb -= memory_mb
        self.free_disk_gb -= disk_gb
        self.num_instances += 1


class PendingClaims:
    """Resources handed out by this scheduler that the compute hosts have
    not reported yet, so back-to-back requests do not overcommit a node.

    A claim is dropped once its node reports usage newer than the claim,
    or after ``ttl`` seconds.
    """

    def __init__(self, ttl=120):
        self.ttl = ttl
        self._claims = {}  # instance uuid -> (node uuid, resources, time)

    def add(self, instance_uuid, node_uuid, resources):
        self._claims[instance_uuid] = (node_uuid, resources, time.time())

    def apply(self, host_states):
        now = time.time()
        by_uuid = {hs.uuid: hs for hs in host_states}
        for instance_uuid, (node_uuid, res, at) in list(
                self._claims.items()):
            hs = by_uuid.get(node_uuid)
            reported = (hs is not None and hs.updated_at is not None and
                        hs.updated_at.timestamp() > at)
            if hs is None or reported or now - at > self.ttl:
                del self._claims[instance_uuid]
                continue
            hs.consume(*res)

"""The flavor extra specs nova knows, in one table.

Each entry names a key (or a family of keys: a ``{part}`` of the key is any
text matching the regular expression given for that part), the kind of
value it takes and what it does. From microversion 2.86 a flavor's extra
specs are checked against this table (nova.api.extra_specs.check); the
namespaces of its keys (the text before the first colon) are the known
namespaces, in which an unlisted key is refused.

Sources: the extra specs upstream nova documents (configuration
"Extra Specs"), os-traits and os-resource-classes for the names of traits
and standard resource classes.
"""

import dataclasses
import re

import os_resource_classes
import os_traits

from nova.api.extra_specs.values import Boolean
from nova.api.extra_specs.values import Integer
from nova.api.extra_specs.values import Matching
from nova.api.extra_specs.values import OneOf
from nova.api.extra_specs.values import Text


@dataclasses.dataclass(frozen=True)
class Spec:
    """One known key, or family of keys.

    ``key`` is the key, where ``{name}`` stands for any text matching the
    regular expression ``parts[name]``; ``value`` is a kind of value of
    nova.api.extra_specs.values.
    """

    key: str
    value: object
    description: str
    parts: dict = dataclasses.field(default_factory=dict)

    def key_pattern(self):
        """The regular expression of the keys this entry covers."""
        return self._pattern(self.key)

    def namespace_pattern(self):
        """The regular expression of this entry's namespace, or None for
        a key without one."""
        if ':' not in self.key:
            return None
        return self._pattern(self.key.split(':', 1)[0])

    def _pattern(self, template):
        # re.split alternates literal text and the names of {parts}.
        pieces = re.split(r'\{(\w+)\}', template)
        return ''.join(
            re.escape(piece) if i % 2 == 0 else '(?:%s)' % self.parts[piece]
            for i, piece in enumerate(pieces))


def spec(key, value, description, /, **parts):
    """A Spec, its parts given as keyword arguments."""
    return Spec(key, value, description, parts)


# Parts and values used by more than one entry.
GROUP = r'[a-zA-Z0-9_-]{1,64}|'          # a request group suffix, or none
CUSTOM_NAME = r'CUSTOM_[A-Z0-9_]+'
CPU_SET = Matching(r'\^?\d+(-\d+)?(,\^?\d+(-\d+)?)*',
                   'a set of CPU numbers and ranges, ^ excluding, such as '
                   '0-3,^2')
FILTER_VALUE = Text()   # the scheduler filters' operator language, any text

_RESOURCE_CLASS = '|'.join(
    [re.escape(rc) for rc in os_resource_classes.STANDARDS] + [CUSTOM_NAME])
_TRAIT = '|'.join([re.escape(t) for t in os_traits.get_traits()] +
                  [CUSTOM_NAME])

_PLACEMENT = [
    spec('resources{group}:{resource_class}', Integer(minimum=0),
         'The amount of a resource class to request from placement, in the '
         'unnamed request group or in the group named by the suffix.',
         group=GROUP, resource_class=_RESOURCE_CLASS),
    spec('trait{group}:{trait}', OneOf('required', 'forbidden'),
         'Require or forbid a trait on the resource provider, in the '
         'unnamed request group or in the group named by the suffix.',
         group=GROUP, trait=_TRAIT),
    spec('group_policy', OneOf('isolate', 'none'),
         'Whether the numbered request groups must be satisfied by '
         'different resource providers.'),
]

_HW_CPU = [
    spec('hw:cpu_policy', OneOf('dedicated', 'shared', 'mixed'),
         'Whether guest CPUs float over host CPUs (shared), are pinned '
         '(dedicated) or both (mixed).'),
    spec('hw:cpu_thread_policy', OneOf('prefer', 'isolate', 'require'),
         'How pinned guest CPUs treat host hardware threads.'),
    spec('hw:emulator_threads_policy', OneOf('isolate', 'share'),
         'Where the emulator threads of a pinned guest run.'),
    spec('hw:cpu_dedicated_mask', CPU_SET,
         'The guest CPUs pinned under the mixed CPU policy.'),
    spec('hw:cpu_realtime', Boolean(),
         'Whether the guest CPUs get a realtime scheduling policy.'),
    spec('hw:cpu_realtime_mask', CPU_SET,
         'The guest CPUs excluded from (with ^) or given realtime '
         'scheduling.'),
    spec('hw:cpu_{dimension}', Integer(minimum=1),
         'The number of sockets, cores per socket or threads per core of '
         'the guest CPU topology.',
         dimension='sockets|cores|threads'),
    spec('hw:cpu_max_{dimension}', Integer(minimum=1),
         'The most sockets, cores per socket or threads per core an image '
         'may ask for.',
         dimension='sockets|cores|threads'),
]

_HW_MEMORY_NUMA = [
    spec('hw:mem_page_size',
         Matching(r'large|small|any|\d+([kKMGT]i?)?(b|bit|B)?',
                  'large, small, any or a page size such as 2MB or 1GiB'),
         'The size of the pages backing guest memory.'),
    spec('hw:locked_memory', Boolean(),
         'Whether guest memory is locked (never swapped).'),
    spec('hw:mem_encryption', Boolean(),
         'Whether guest memory is encrypted (AMD SEV).'),
    spec('hw:mem_encryption_model', OneOf('amd-sev', 'amd-sev-es'),
         'The memory encryption technology to use.'),
    spec('hw:numa_nodes', Integer(minimum=1),
         'The number of guest NUMA nodes.'),
    spec('hw:numa_cpus.{node}', CPU_SET,
         'The guest CPUs of the guest NUMA node numbered by the suffix.',
         node=r'\d+'),
    spec('hw:numa_mem.{node}', Integer(minimum=1),
         'The memory (MiB) of the guest NUMA node numbered by the suffix.',
         node=r'\d+'),
    spec('hw:pci_numa_affinity_policy',
         OneOf('required', 'preferred', 'legacy', 'socket'),
         'How close to the guest NUMA nodes its PCI devices must be.'),
    spec('hw:pmem', Matching(r'[a-zA-Z0-9_]+(,[a-zA-Z0-9_]+)*',
                             'a comma-separated list of labels such as '
                             'SMALL,MEDIUM'),
         'The virtual persistent memory devices, by configured label.'),
]

_HW_DEVICES = [
    spec('hw:hide_hypervisor_id', Boolean(),
         'Whether the hypervisor signature is hidden from the guest.'),
    spec('hw:boot_menu', Boolean(), 'Whether the guest shows a boot menu.'),
    spec('hw:pmu', Boolean(),
         'Whether the guest has a performance monitoring unit.'),
    spec('hw:serial_port_count', Integer(minimum=0),
         'The number of serial ports of the guest.'),
    spec('hw:tpm_model', OneOf('tpm-tis', 'tpm-crb'),
         'The model of the guest TPM.'),
    spec('hw:tpm_version', OneOf('1.2', '2.0'),
         'The version of the guest TPM.'),
    spec('hw:tpm_secret_security', OneOf('user', 'host', 'deployment'),
         'Who holds the secret of the guest TPM.'),
    spec('hw:watchdog_action',
         OneOf('none', 'pause', 'poweroff', 'reset', 'disabled'),
         'What the guest watchdog does when it fires.'),
    spec('hw:vif_multiqueue_enabled', Boolean(),
         'Whether virtio network interfaces get one queue per vCPU.'),
    spec('hw:virtio_packed_ring', Boolean(),
         'Whether virtio devices use packed rings.'),
    spec('hw:viommu_model', OneOf('intel', 'smmuv3', 'virtio', 'auto'),
         'The model of the guest IOMMU.'),
    spec('hw:maxphysaddr_mode', OneOf('emulate', 'passthrough'),
         'How the guest physical address width is chosen.'),
    spec('hw:maxphysaddr_bits', Integer(minimum=1),
         'The guest physical address width when emulated.'),
    spec('hw:ephemeral_encryption', Boolean(),
         'Whether the ephemeral disks are encrypted.'),
    spec('hw:ephemeral_encryption_format', OneOf('plain', 'luks', 'luksv2'),
         'The encryption format of the ephemeral disks.'),
    spec('hw:sound_model', Text(), 'The model of the guest sound device.'),
    spec('hw:usb_model', Text(), 'The model of the guest USB controller.'),
    spec('hw:redirected_usb_ports', Integer(minimum=0, maximum=15),
         'The number of USB ports redirected from a SPICE client.'),
    spec('hw_rng:allowed', Boolean(),
         'Whether images may give the guest a random number generator.'),
    spec('hw_rng:rate_bytes', Integer(minimum=0),
         'The bytes of host entropy the guest may read per period.'),
    spec('hw_rng:rate_period', Integer(minimum=0),
         'The length of a random number generator rate period.'),
    spec('hw_video:ram_max_mb', Integer(minimum=0),
         'The most video memory (MiB) an image may ask for.'),
    spec('hide_hypervisor_id', Boolean(),
         'Older spelling of hw:hide_hypervisor_id.'),
    spec('os:secure_boot', OneOf('disabled', 'required'),
         'Whether the guest boots with secure boot.'),
    spec('pci_passthrough:alias',
         Matching(r'[^:,]+:\d+(\s*,\s*[^:,]+:\d+)*',
                  'comma-separated alias:count pairs such as gpu:1,nic:2'),
         'The PCI devices, by configured alias and count, to pass through '
         'to the guest.'),
    spec('accel:device_profile', Text(),
         'The accelerator device profile to give the guest.'),
]

_QUOTA = [
    spec('quota:{resource}_{setting}', Integer(),
         'VMware limit, reservation or custom share of CPU, memory, disk '
         'I/O or network interface.',
         resource='cpu|memory|disk_io|vif',
         setting='limit|reservation|shares_share'),
    spec('quota:{resource}_shares_level',
         OneOf('custom', 'high', 'normal', 'low'),
         'VMware share level of CPU, memory, disk I/O or network interface.',
         resource='cpu|memory|disk_io|vif'),
    spec('quota:cpu_{setting}', Integer(minimum=0),
         'Libvirt CPU weight, scheduling period or quota per period.',
         setting='shares|period|quota'),
    spec('quota:disk_{direction}_{unit}_sec', Integer(minimum=0),
         'Libvirt disk throughput limit.',
         direction='read|write|total', unit='bytes|iops'),
    spec('quota:vif_{direction}_{measure}', Integer(minimum=0),
         'Libvirt network interface bandwidth limit.',
         direction='inbound|outbound', measure='average|peak|burst'),
]

_SCHEDULER_FILTERS = [
    spec('aggregate_instance_extra_specs:{key}', FILTER_VALUE,
         'Aggregate metadata the host must have (scheduler filter '
         'AggregateInstanceExtraSpecsFilter).',
         key='.+'),
    spec('capabilities:{capability}', FILTER_VALUE,
         'A capability the host must have (scheduler filter '
         'ComputeCapabilitiesFilter).',
         capability='|'.join((
             'id', 'uuid', 'service_id', 'host', 'vcpus', 'memory_mb',
             'local_gb', 'vcpus_used', 'memory_mb_used', 'local_gb_used',
             'hypervisor_type', 'hypervisor_version', 'hypervisor_hostname',
             'free_ram_mb', 'free_disk_gb', 'current_workload',
             'running_vms', 'disk_available_least', 'host_ip', 'mapped',
             'cpu_allocation_ratio', 'ram_allocation_ratio',
             'disk_allocation_ratio', 'total_usable_ram_mb',
             'total_usable_disk_gb', 'disk_mb_used', 'free_disk_mb',
             'vcpus_total', 'num_instances', 'num_io_ops', 'failed_builds',
             'aggregates', 'cell_uuid', 'updated'))),
    spec('capabilities:{capability}{path}', FILTER_VALUE,
         'A nested capability the host must have (scheduler filter '
         'ComputeCapabilitiesFilter), its path under the capability given '
         'as :name:name...',
         capability='|'.join((
             'cpu_info', 'metrics', 'stats', 'numa_topology',
             'supported_hv_specs', 'pci_device_pools', 'nodename',
             'pci_stats', 'supported_instances', 'limits', 'instances')),
         path=r'(:\w+)*'),
]

_OTHER_DRIVERS = [
    spec('vmware:hw_version', Text(),
         'The VMware hardware version of the guest.'),
    spec('vmware:storage_policy', Text(),
         'The VMware storage policy of the guest disks.'),
    spec('powervm:{memory}', Integer(minimum=256),
         'PowerVM minimum or maximum memory (MiB).',
         memory='min_mem|max_mem'),
    spec('powervm:{vcpu}', Integer(minimum=1),
         'PowerVM minimum or maximum virtual processors.',
         vcpu='min_vcpu|max_vcpu'),
    spec('powervm:{units}', Matching(r'\d+\.\d+', 'a decimal such as 0.5'),
         'PowerVM processing units.',
         units='proc_units|min_proc_units|max_proc_units'),
    spec('powervm:{flag}', Boolean(), 'PowerVM processor switches.',
         flag='dedicated_proc|uncapped|srr_capability'),
    spec('powervm:{weight}', Integer(minimum=0, maximum=255),
         'PowerVM shared processor weight or availability priority.',
         weight='shared_weight|availability_priority'),
    spec('powervm:dedicated_sharing_mode',
         OneOf('share_idle_procs', 'keep_idle_procs',
               'share_idle_procs_active', 'share_idle_procs_always'),
         'PowerVM sharing mode of dedicated processors.'),
    spec('powervm:processor_compatibility',
         OneOf('default', 'POWER6', 'POWER6+', 'POWER6_Enhanced',
               'POWER6+_Enhanced', 'POWER7', 'POWER8'),
         'PowerVM processor compatibility mode.'),
    spec('powervm:shared_proc_pool_name', Text(),
         'PowerVM shared processor pool.'),
]

SPECS = (_PLACEMENT + _HW_CPU + _HW_MEMORY_NUMA + _HW_DEVICES + _QUOTA +
         _SCHEDULER_FILTERS + _OTHER_DRIVERS)

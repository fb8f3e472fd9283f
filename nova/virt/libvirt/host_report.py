"""What a libvirt compute host reports about itself and its guests: the
node's resources and cpu_info (os-hypervisors, placement inventory), its
traits, guest diagnostics and the host's uptime.

A mixin of LibvirtDriver; it reads ``self._host`` (host.Host),
``self._nodename``, ``self.instances_path`` and ``self._owned_guests()``.
"""

import json
import os
import subprocess
import time

import os_traits

from nova import exception
from nova.metadata import configdrive
from nova.states import power_state
from nova.virt.libvirt import config_devices
from nova.virt.libvirt import guest_config

# os-hypervisors' hypervisor_type: libvirt's QEMU driver, kvm or TCG.
HYPERVISOR_TYPE = 'QEMU'
DIAGNOSTICS_DRIVER = 'libvirt'
GiB = 1024 ** 3
MiB = 1024 ** 2


def _compute_capability_traits():
    """Traits of what guests built by guest_config can have: disk buses,
    NIC models, video models, and the image formats the image cache
    takes (raw and qcow2 as they are; vmdk, vdi, vhd, vhdx converted)."""
    names = set()
    for bus in config_devices.DISK_BUSES:
        names.add('COMPUTE_STORAGE_BUS_%s' % bus.upper())
    for model in guest_config._VIF_MODELS:
        names.add('COMPUTE_NET_VIF_MODEL_%s' % model.upper())
    for model in config_devices.VIDEO_MODELS:
        if model != 'none':
            names.add('COMPUTE_GRAPHICS_MODEL_%s' % model.upper())
    for fmt in ('raw', 'qcow2', 'aki', 'ari', 'ami', 'vmdk', 'vdi', 'vhd',
                'vhdx'):
        names.add('COMPUTE_IMAGE_TYPE_%s' % fmt.upper())
    known = set(os_traits.get_traits())
    return names & known


class HostReport(object):
    """Mixin of LibvirtDriver: resources, traits, diagnostics."""

    def get_available_resource(self, nodename):
        if nodename != self._nodename:
            raise exception.ComputeHostNotFoundByNode(nodename=nodename)
        info = self._host.node_info()
        stat = os.statvfs(self.instances_path)
        total_gb = stat.f_blocks * stat.f_frsize // GiB
        free_bytes = stat.f_bavail * stat.f_frsize
        vcpus_used = memory_used = disk_used = running = 0
        overcommit = 0
        for guest, parsed in self._owned_guests():
            vcpus_used += parsed.vcpus or 0
            memory_used += (parsed.memory_kib or 0) // 1024
            planned = self._planned_disk_bytes(parsed)
            disk_used += planned
            overcommit += max(0, planned - self._allocated_bytes(parsed))
            if guest.is_active():
                running += 1
        return {
            'vcpus': info['cpus'],
            'memory_mb': info['memory_mb'],
            'local_gb': total_gb,
            'vcpus_used': vcpus_used,
            'memory_mb_used': memory_used,
            'local_gb_used': -(-disk_used // GiB),
            'hypervisor_type': HYPERVISOR_TYPE,
            'hypervisor_version': self._host.version(),
            'hypervisor_hostname': nodename,
            'cpu_info': self._cpu_info(info),
            'disk_available_least': (free_bytes - overcommit) // GiB,
            'running_vms': running,
        }

    @staticmethod
    def _planned_disk_bytes(parsed):
        """The disk the guest's flavor gives it (root, ephemeral, swap)."""
        flavor = parsed.metadata.flavor if parsed.metadata else None
        if flavor is None:
            return 0
        return ((flavor.disk_gb + flavor.ephemeral_gb) * GiB +
                flavor.swap_mb * MiB)

    def _allocated_bytes(self, parsed):
        total = 0
        root = self.instances_path.rstrip(os.sep) + os.sep
        for path in parsed.disk_paths:
            if not path.startswith(root):
                continue
            try:
                total += os.stat(path).st_blocks * 512
            except OSError:
                pass
        return total

    def _cpu_info(self, node_info):
        cpu = self._host.get_capabilities().cpu
        topology = cpu.topology
        return json.dumps({
            'arch': cpu.arch,
            'model': cpu.model,
            'vendor': cpu.vendor,
            'topology': {
                'cells': node_info['nodes'],
                'sockets': topology.sockets if topology
                else node_info['sockets'],
                'cores': topology.cores if topology else node_info['cores'],
                'threads': topology.threads if topology
                else node_info['threads'],
            },
            'features': sorted(cpu.features),
        }, sort_keys=True)

    def get_traits(self, nodename):
        traits = {os_traits.COMPUTE_NODE}
        traits |= self._host.get_capabilities().traits
        traits |= _compute_capability_traits()
        return sorted(traits)

    # ------------------------------------------------------------------
    # Diagnostics and host facts
    # ------------------------------------------------------------------
    def _stats(self, instance):
        guest = self._host.get_guest(instance)
        parsed = guest.parsed()
        info = guest.info()
        disks = []
        for disk in parsed.disks:
            stats = guest.block_stats(disk.target_dev)
            if stats is not None:
                disks.append((disk.target_dev, stats))
        nics = []
        for nic in parsed.interfaces:
            stats = guest.interface_stats(nic.target_dev) \
                if nic.target_dev else None
            if stats is not None:
                nics.append((nic, stats))
        return guest, parsed, info, disks, nics

    def get_diagnostics(self, instance):
        guest, parsed, info, disks, nics = self._stats(instance)
        result = {
            'state': power_state.name(guest.power_state()),
            'driver': DIAGNOSTICS_DRIVER,
            'hypervisor': parsed.virt_type,
            'num_cpus': info['vcpus'],
            'memory_mb': info['max_memory_kib'] // 1024,
            'memory': info['max_memory_kib'],
        }
        for i, ns in enumerate(guest.vcpu_times()):
            result['cpu%d_time' % i] = ns
        for key, value in guest.memory_stats().items():
            result['memory-%s' % key] = value
        for dev, (rd_req, rd_bytes, wr_req, wr_bytes, errs) in disks:
            result.update({'%s_read_req' % dev: rd_req,
                           '%s_read' % dev: rd_bytes,
                           '%s_write_req' % dev: wr_req,
                           '%s_write' % dev: wr_bytes,
                           '%s_errors' % dev: errs})
        for nic, stats in nics:
            dev = nic.target_dev
            for name, value in zip(('rx', 'rx_packets', 'rx_errors',
                                    'rx_drop', 'tx', 'tx_packets',
                                    'tx_errors', 'tx_drop'), stats):
                result['%s_%s' % (dev, name)] = value
        return result

    def get_instance_diagnostics(self, instance):
        """The standard (microversion 2.48) diagnostics."""
        guest, parsed, info, disks, nics = self._stats(instance)
        memory = guest.memory_stats()
        used_kib = memory.get('rss') or info['memory_kib']
        cpu_times = guest.vcpu_times()
        return {
            'state': power_state.name(guest.power_state()),
            'driver': DIAGNOSTICS_DRIVER,
            'hypervisor': parsed.virt_type,
            'hypervisor_os': 'linux',
            'uptime': None,
            'config_drive': configdrive.required(instance),
            'num_cpus': info['vcpus'],
            'num_nics': len(parsed.interfaces),
            'num_disks': len(parsed.disks),
            'memory_details': {'maximum': info['max_memory_kib'] // 1024,
                               'used': used_kib // 1024},
            'cpu_details': [{'id': i, 'time': t, 'utilisation': None}
                            for i, t in enumerate(cpu_times)],
            'nic_details': [{'mac_address': nic.mac_address,
                             'rx_octets': s[0], 'rx_packets': s[1],
                             'rx_errors': s[2], 'rx_drop': s[3],
                             'tx_octets': s[4], 'tx_packets': s[5],
                             'tx_errors': s[6], 'tx_drop': s[7],
                             'rx_rate': None, 'tx_rate': None}
                            for nic, s in nics],
            'disk_details': [{'read_requests': s[0], 'read_bytes': s[1],
                              'write_requests': s[2], 'write_bytes': s[3],
                              'errors_count': s[4]}
                             for _dev, s in disks],
        }

    def get_host_uptime(self):
        try:
            out = subprocess.run(['uptime'], capture_output=True, text=True,
                                 timeout=10, check=True,
                                 env=dict(os.environ, LANG='C',
                                          LC_ALL='C')).stdout
            if out.strip():
                return out.rstrip('\n')
        except (OSError, subprocess.SubprocessError):
            pass
        with open('/proc/uptime') as f:
            seconds = int(float(f.read().split()[0]))
        days, rest = divmod(seconds, 86400)
        return ' %s up %d days, %d:%02d' % (
            time.strftime('%H:%M:%S'), days, rest // 3600, rest % 3600 // 60)

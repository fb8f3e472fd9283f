"""The host as libvirt describes it.

``HostCapabilities.from_xml_string()`` reads the document of libvirt's
``getCapabilities()``: the host CPU (arch, model, vendor, topology,
features), its NUMA cells, and per guest arch the emulator, machine types
and domain types (kvm, qemu) the host can run. ``cpu_traits()`` turns CPU
feature names, as libvirt spells them, into placement traits named as in
os-traits (``HW_CPU_X86_*``).

Parsing is lenient: libvirt's test driver and older libvirts leave out the
model, vendor and topology, and write features as ``<features><pae/>``.
"""

import dataclasses
import functools
from typing import Dict, FrozenSet, List, Optional, Tuple
import xml.etree.ElementTree as ET

import os_traits

from nova.virt.libvirt.config import CPUTopology
from nova.virt.libvirt.xmlutil import int_or_none
from nova.virt.libvirt.xmlutil import parse_memory_kib

# libvirt CPU feature name (src/cpu_map/x86_features.xml) -> traits. Some
# names differ from /proc/cpuinfo's: SSE3 is 'pni' (also accepted as
# 'sse3'), PCLMULQDQ is 'pclmuldq', SHA is 'sha-ni'. vmx and svm also give
# the generic traits older clients look for.
CPU_FEATURE_TRAITS: Dict[str, Tuple[str, ...]] = {
    '3dnow': ('HW_CPU_X86_3DNOW',),
    'abm': ('HW_CPU_X86_ABM',),
    'aes': ('HW_CPU_X86_AESNI',),
    'amx-bf16': ('HW_CPU_X86_AMXBF16',),
    'amx-int8': ('HW_CPU_X86_AMXINT8',),
    'amx-tile': ('HW_CPU_X86_AMXTILE',),
    'avx': ('HW_CPU_X86_AVX',),
    'avx2': ('HW_CPU_X86_AVX2',),
    'avx512-vpopcntdq': ('HW_CPU_X86_AVX512VPOPCNTDQ',),
    'avx512bitalg': ('HW_CPU_X86_AVX512BITALG',),
    'avx512bw': ('HW_CPU_X86_AVX512BW',),
    'avx512cd': ('HW_CPU_X86_AVX512CD',),
    'avx512dq': ('HW_CPU_X86_AVX512DQ',),
    'avx512er': ('HW_CPU_X86_AVX512ER',),
    'avx512f': ('HW_CPU_X86_AVX512F',),
    'avx512ifma': ('HW_CPU_X86_AVX512IFMA',),
    'avx512pf': ('HW_CPU_X86_AVX512PF',),
    'avx512vbmi': ('HW_CPU_X86_AVX512VBMI',),
    'avx512vbmi2': ('HW_CPU_X86_AVX512VBMI2',),
    'avx512vl': ('HW_CPU_X86_AVX512VL',),
    'avx512vnni': ('HW_CPU_X86_AVX512VNNI',),
    'bmi1': ('HW_CPU_X86_BMI',),
    'bmi2': ('HW_CPU_X86_BMI2',),
    'f16c': ('HW_CPU_X86_F16C',),
    'fma': ('HW_CPU_X86_FMA3',),
    'fma4': ('HW_CPU_X86_FMA4',),
    'gfni': ('HW_CPU_X86_AVX512GFNI',),
    'mmx': ('HW_CPU_X86_MMX',),
    'mpx': ('HW_CPU_X86_MPX',),
    'pclmuldq': ('HW_CPU_X86_CLMUL',),
    'pdpe1gb': ('HW_CPU_X86_PDPE1GB',),
    'pni': ('HW_CPU_X86_SSE3',),
    'rtm': ('HW_CPU_X86_TSX',),
    'sgx': ('HW_CPU_X86_SGX',),
    'sha-ni': ('HW_CPU_X86_SHA',),
    'sse': ('HW_CPU_X86_SSE',),
    'sse2': ('HW_CPU_X86_SSE2',),
    'sse3': ('HW_CPU_X86_SSE3',),
    'sse4.1': ('HW_CPU_X86_SSE41',),
    'sse4.2': ('HW_CPU_X86_SSE42',),
    'sse4a': ('HW_CPU_X86_SSE4A',),
    'ssse3': ('HW_CPU_X86_SSSE3',),
    'stibp': ('HW_CPU_X86_STIBP',),
    'tbm': ('HW_CPU_X86_TBM',),
    'vaes': ('HW_CPU_X86_AVX512VAES',),
    'vpclmulqdq': ('HW_CPU_X86_AVX512VPCLMULQDQ',),
    'xop': ('HW_CPU_X86_XOP',),
    # Vendor-specific ones.
    'vmx': ('HW_CPU_X86_VMX', 'HW_CPU_X86_INTEL_VMX'),
    'md-clear': ('HW_CPU_X86_INTEL_MD_CLEAR',),
    'pcid': ('HW_CPU_X86_INTEL_PCID',),
    'spec-ctrl': ('HW_CPU_X86_INTEL_SPEC_CTRL',),
    'ssbd': ('HW_CPU_X86_INTEL_SSBD',),
    'svm': ('HW_CPU_X86_SVM', 'HW_CPU_X86_AMD_SVM'),
    'amd-no-ssb': ('HW_CPU_X86_AMD_NO_SSB',),
    'amd-ssbd': ('HW_CPU_X86_AMD_SSBD',),
    'ibpb': ('HW_CPU_X86_AMD_IBPB',),
    'virt-ssbd': ('HW_CPU_X86_AMD_VIRT_SSBD',),
}


@functools.lru_cache(maxsize=1)
def _known_traits():
    return frozenset(os_traits.get_traits())


def cpu_traits(features):
    """The os-traits names for an iterable of libvirt CPU feature names.

    Features without a trait are skipped, and so are traits the installed
    os-traits does not know yet (placement would refuse them).
    """
    known = _known_traits()
    traits = set()
    for name in features:
        for trait in CPU_FEATURE_TRAITS.get(name.lower(), ()):
            if trait in known:
                traits.add(trait)
    return traits


@dataclasses.dataclass
class HostCPU:
    """``<host><cpu>``: the host's CPU as libvirt sees it."""

    arch: Optional[str] = None
    model: Optional[str] = None
    vendor: Optional[str] = None
    topology: Optional[CPUTopology] = None
    features: FrozenSet[str] = frozenset()

    @property
    def traits(self):
        return cpu_traits(self.features)

    @classmethod
    def parse_dom(cls, el):
        features = {f.get('name') for f in el.findall('feature')
                    if f.get('name')}
        # Older layout (and the test driver): <features><pae/>...</features>
        for group in el.findall('features'):
            features.update(child.tag for child in group)
        t = el.find('topology')
        return cls(arch=el.findtext('arch'), model=el.findtext('model'),
                   vendor=el.findtext('vendor'),
                   topology=CPUTopology.parse_dom(t) if t is not None
                   else None,
                   features=frozenset(features))


@dataclasses.dataclass
class NUMACell:
    """One ``<cell>`` of the host topology: its memory and CPU ids."""

    id: int
    memory_kib: Optional[int] = None
    cpu_ids: Tuple[int, ...] = ()

    @classmethod
    def parse_dom(cls, el):
        memory = el.find('memory')
        return cls(
            id=int_or_none(el.get('id')),
            memory_kib=(parse_memory_kib(memory.text, memory.get('unit'))
                        if memory is not None else None),
            cpu_ids=tuple(int(c.get('id')) for c in el.findall('cpus/cpu')))


@dataclasses.dataclass
class GuestCapability:
    """One ``<guest>``: an OS type and arch the host can run, with the
    emulator, its machine types and the domain types (kvm, qemu)."""

    os_type: str
    arch: str
    wordsize: Optional[int] = None
    emulator: Optional[str] = None
    machines: Tuple[str, ...] = ()
    # Alias -> versioned machine type, e.g. 'pc' -> 'pc-i440fx-7.2'.
    canonical_machines: Dict[str, str] = dataclasses.field(
        default_factory=dict)
    domain_types: Tuple[str, ...] = ()

    def canonical_machine(self, machine):
        """The versioned name of machine type ``machine`` (an alias such
        as 'pc' or 'q35'), or ``machine`` itself."""
        return self.canonical_machines.get(machine, machine)

    @classmethod
    def parse_dom(cls, el):
        arch = el.find('arch')
        if arch is None:
            return cls(os_type=el.findtext('os_type'), arch=None)
        machines = []
        canonical = {}
        for m in arch.findall('machine'):
            machines.append(m.text)
            if m.get('canonical'):
                canonical[m.text] = m.get('canonical')
        return cls(
            os_type=el.findtext('os_type'), arch=arch.get('name'),
            wordsize=int_or_none(arch.findtext('wordsize')),
            emulator=arch.findtext('emulator'),
            machines=tuple(machines), canonical_machines=canonical,
            domain_types=tuple(d.get('type')
                               for d in arch.findall('domain')))


@dataclasses.dataclass
class HostCapabilities:
    """The parsed ``getCapabilities()`` document."""

    uuid: Optional[str] = None
    cpu: HostCPU = dataclasses.field(default_factory=HostCPU)
    cells: List[NUMACell] = dataclasses.field(default_factory=list)
    guests: List[GuestCapability] = dataclasses.field(default_factory=list)

    @classmethod
    def from_xml_string(cls, xml):
        root = ET.fromstring(xml)
        if root.tag != 'capabilities':
            raise ValueError('not a capabilities document: <%s>' % root.tag)
        host = root.find('host')
        if host is None:
            host = ET.Element('host')
        cpu = host.find('cpu')
        return cls(
            uuid=host.findtext('uuid'),
            cpu=HostCPU.parse_dom(cpu) if cpu is not None else HostCPU(),
            cells=[NUMACell.parse_dom(c)
                   for c in host.findall('topology/cells/cell')],
            guests=[GuestCapability.parse_dom(g)
                    for g in root.findall('guest')])

    @property
    def arch(self):
        return self.cpu.arch

    @property
    def memory_kib(self):
        """Host memory summed over the NUMA cells (None if not given)."""
        sizes = [c.memory_kib for c in self.cells]
        if not sizes or None in sizes:
            return None
        return sum(sizes)

    @property
    def cpu_ids(self):
        """Ids of the host's logical CPUs, from the NUMA cells."""
        return sorted(i for c in self.cells for i in c.cpu_ids)

    def guest(self, arch=None, os_type='hvm'):
        """The GuestCapability for ``arch`` (default: the host's) and
        ``os_type``, or None."""
        arch = arch or self.arch
        return next((g for g in self.guests
                     if g.arch == arch and g.os_type == os_type), None)

    def supports(self, virt_type, arch=None, os_type='hvm'):
        """Whether guests of domain type ``virt_type`` ('kvm', 'qemu') and
        ``arch`` (default: the host's) can run here."""
        guest = self.guest(arch, os_type)
        return guest is not None and virt_type in guest.domain_types

    @property
    def traits(self):
        """Placement traits of the host CPU."""
        return self.cpu.traits

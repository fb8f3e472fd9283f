"""Host capabilities: parsing getCapabilities() and CPU feature traits."""

import os_traits
import pytest

from nova.virt.libvirt import host_config

# A typical x86_64 KVM host (Debian bookworm, libvirt 9, QEMU 7.2): what
# `virsh capabilities` prints, cut down to one guest arch and 4 CPUs.
KVM_HOST = """<capabilities>
  <host>
    <uuid>4c4c4544-0035-4b10-8044-b4c04f4a4d32</uuid>
    <cpu>
      <arch>x86_64</arch>
      <model>Skylake-Client-noTSX-IBRS</model>
      <vendor>Intel</vendor>
      <microcode version='240'/>
      <signature family='6' model='142' stepping='10'/>
      <counter name='tsc' frequency='2111998000' scaling='no'/>
      <topology sockets='1' dies='1' cores='2' threads='2'/>
      <maxphysaddr mode='emulate' bits='39'/>
      <feature name='ds'/>
      <feature name='acpi'/>
      <feature name='ss'/>
      <feature name='ht'/>
      <feature name='vmx'/>
      <feature name='pdcm'/>
      <feature name='pcid'/>
      <feature name='osxsave'/>
      <feature name='tsc_adjust'/>
      <feature name='md-clear'/>
      <feature name='stibp'/>
      <feature name='ssbd'/>
      <feature name='pdpe1gb'/>
      <feature name='invtsc'/>
      <pages unit='KiB' size='4'/>
      <pages unit='KiB' size='2048'/>
      <pages unit='KiB' size='1048576'/>
    </cpu>
    <power_management>
      <suspend_mem/>
    </power_management>
    <iommu support='yes'/>
    <migration_features>
      <live/>
      <uri_transports>
        <uri_transport>tcp</uri_transport>
        <uri_transport>rdma</uri_transport>
      </uri_transports>
    </migration_features>
    <topology>
      <cells num='1'>
        <cell id='0'>
          <memory unit='KiB'>16261812</memory>
          <pages unit='KiB' size='4'>4065453</pages>
          <pages unit='KiB' size='2048'>0</pages>
          <distances>
            <sibling id='0' value='10'/>
          </distances>
          <cpus num='4'>
            <cpu id='0' socket_id='0' die_id='0' core_id='0' siblings='0,2'/>
            <cpu id='1' socket_id='0' die_id='0' core_id='1' siblings='1,3'/>
            <cpu id='2' socket_id='0' die_id='0' core_id='0' siblings='0,2'/>
            <cpu id='3' socket_id='0' die_id='0' core_id='1' siblings='1,3'/>
          </cpus>
        </cell>
      </cells>
    </topology>
    <secmodel>
      <model>apparmor</model>
      <doi>0</doi>
    </secmodel>
    <secmodel>
      <model>dac</model>
      <doi>0</doi>
      <baselabel type='kvm'>+64055:+994</baselabel>
      <baselabel type='qemu'>+64055:+994</baselabel>
    </secmodel>
  </host>
  <guest>
    <os_type>hvm</os_type>
    <arch name='x86_64'>
      <wordsize>64</wordsize>
      <emulator>/usr/bin/qemu-system-x86_64</emulator>
      <machine maxCpus='255'>pc-i440fx-7.2</machine>
      <machine canonical='pc-i440fx-7.2' maxCpus='255'>pc</machine>
      <machine maxCpus='288'>pc-q35-7.2</machine>
      <machine canonical='pc-q35-7.2' maxCpus='288'>q35</machine>
      <machine maxCpus='1'>isapc</machine>
      <domain type='qemu'/>
      <domain type='kvm'/>
    </arch>
    <features>
      <acpi default='on' toggle='yes'/>
      <apic default='on' toggle='no'/>
      <cpuselection/>
      <deviceboot/>
      <disksnapshot default='on' toggle='no'/>
    </features>
  </guest>
</capabilities>
"""

# An AMD host without /dev/kvm (as on CI): only TCG guests, two NUMA cells,
# memory given in another unit.
TCG_HOST = """<capabilities>
  <host>
    <cpu>
      <arch>x86_64</arch>
      <model>EPYC-Rome</model>
      <vendor>AMD</vendor>
      <topology sockets='2' cores='1' threads='1'/>
      <feature name='svm'/>
      <feature name='amd-ssbd'/>
      <feature name='virt-ssbd'/>
      <feature name='ibpb'/>
      <feature name='avx2'/>
    </cpu>
    <topology>
      <cells num='2'>
        <cell id='0'>
          <memory unit='MiB'>1024</memory>
          <cpus num='1'>
            <cpu id='0' socket_id='0' core_id='0' siblings='0'/>
          </cpus>
        </cell>
        <cell id='1'>
          <memory unit='MiB'>2048</memory>
          <cpus num='1'>
            <cpu id='1' socket_id='1' core_id='0' siblings='1'/>
          </cpus>
        </cell>
      </cells>
    </topology>
  </host>
  <guest>
    <os_type>hvm</os_type>
    <arch name='x86_64'>
      <wordsize>64</wordsize>
      <emulator>/usr/bin/qemu-system-x86_64</emulator>
      <machine>pc-q35-7.2</machine>
      <domain type='qemu'/>
    </arch>
  </guest>
</capabilities>
"""

# libvirt's test:///default driver: no model, vendor, topology or memory,
# and the old <features><pae/></features> layout.
TEST_DRIVER = """<capabilities>
  <host>
    <cpu>
      <arch>i686</arch>
      <features>
        <pae/>
        <nonpae/>
      </features>
    </cpu>
    <power_management/>
    <iommu support='no'/>
    <topology>
      <cells num='2'>
        <cell id='0'>
          <cpus num='2'>
            <cpu id='0' socket_id='0' core_id='0' siblings='0'/>
            <cpu id='2' socket_id='0' core_id='2' siblings='2'/>
          </cpus>
        </cell>
        <cell id='1'>
          <cpus num='2'>
            <cpu id='1' socket_id='0' core_id='1' siblings='1'/>
            <cpu id='3' socket_id='0' core_id='3' siblings='3'/>
          </cpus>
        </cell>
      </cells>
    </topology>
  </host>
  <guest>
    <os_type>hvm</os_type>
    <arch name='i686'>
      <wordsize>32</wordsize>
      <emulator>/usr/bin/test-hv</emulator>
      <domain type='test'/>
    </arch>
    <features>
      <pae/>
      <nonpae/>
    </features>
  </guest>
  <guest>
    <os_type>xen</os_type>
    <arch name='i686'>
      <wordsize>32</wordsize>
      <emulator>/usr/bin/test-hv</emulator>
      <domain type='test'/>
    </arch>
  </guest>
</capabilities>
"""


def test_kvm_host_cpu():
    caps = host_config.HostCapabilities.from_xml_string(KVM_HOST)
    assert caps.uuid == '4c4c4544-0035-4b10-8044-b4c04f4a4d32'
    assert caps.arch == 'x86_64'
    assert caps.cpu.model == 'Skylake-Client-noTSX-IBRS'
    assert caps.cpu.vendor == 'Intel'
    topo = caps.cpu.topology
    assert (topo.sockets, topo.dies, topo.cores, topo.threads) == (
        1, 1, 2, 2)
    assert topo.vcpus == 4
    assert {'vmx', 'pcid', 'md-clear', 'pdpe1gb', 'invtsc'} <= \
        caps.cpu.features
    assert len(caps.cpu.features) == 14


def test_kvm_host_memory_and_cpus_from_the_numa_cells():
    caps = host_config.HostCapabilities.from_xml_string(KVM_HOST)
    assert [c.id for c in caps.cells] == [0]
    assert caps.memory_kib == 16261812
    assert caps.cpu_ids == [0, 1, 2, 3]


def test_kvm_host_guest_machines_and_domain_types():
    caps = host_config.HostCapabilities.from_xml_string(KVM_HOST)
    guest = caps.guest()
    assert guest.arch == 'x86_64'
    assert guest.os_type == 'hvm'
    assert guest.wordsize == 64
    assert guest.emulator == '/usr/bin/qemu-system-x86_64'
    assert guest.domain_types == ('qemu', 'kvm')
    assert 'q35' in guest.machines and 'pc-q35-7.2' in guest.machines
    assert guest.canonical_machine('pc') == 'pc-i440fx-7.2'
    assert guest.canonical_machine('q35') == 'pc-q35-7.2'
    assert guest.canonical_machine('isapc') == 'isapc'
    assert caps.supports('kvm') and caps.supports('qemu')
    assert not caps.supports('kvm', arch='aarch64')
    assert caps.guest(arch='aarch64') is None


def test_kvm_host_traits():
    caps = host_config.HostCapabilities.from_xml_string(KVM_HOST)
    assert caps.traits == {
        'HW_CPU_X86_VMX', 'HW_CPU_X86_INTEL_VMX', 'HW_CPU_X86_INTEL_PCID',
        'HW_CPU_X86_INTEL_MD_CLEAR', 'HW_CPU_X86_STIBP',
        'HW_CPU_X86_INTEL_SSBD', 'HW_CPU_X86_PDPE1GB'}


def test_host_without_kvm_supports_only_qemu():
    caps = host_config.HostCapabilities.from_xml_string(TCG_HOST)
    assert caps.uuid is None
    assert caps.supports('qemu')
    assert not caps.supports('kvm')
    assert caps.memory_kib == 3 * 1024 * 1024
    assert caps.cpu_ids == [0, 1]
    assert caps.cpu.topology.dies is None
    assert caps.cpu.topology.vcpus == 2
    assert caps.guest().canonical_machines == {}
    assert caps.traits == {
        'HW_CPU_X86_SVM', 'HW_CPU_X86_AMD_SVM', 'HW_CPU_X86_AMD_SSBD',
        'HW_CPU_X86_AMD_VIRT_SSBD', 'HW_CPU_X86_AMD_IBPB',
        'HW_CPU_X86_AVX2'}


def test_test_driver_capabilities():
    caps = host_config.HostCapabilities.from_xml_string(TEST_DRIVER)
    assert caps.arch == 'i686'
    assert caps.cpu.model is None and caps.cpu.vendor is None
    assert caps.cpu.topology is None
    assert caps.cpu.features == {'pae', 'nonpae'}
    assert caps.traits == set()
    assert [len(c.cpu_ids) for c in caps.cells] == [2, 2]
    assert caps.cpu_ids == [0, 1, 2, 3]
    assert caps.memory_kib is None
    assert [g.os_type for g in caps.guests] == ['hvm', 'xen']
    assert caps.supports('test')
    assert caps.supports('test', os_type='xen')
    assert not caps.supports('qemu')


def test_capabilities_without_host_or_guests():
    caps = host_config.HostCapabilities.from_xml_string(
        '<capabilities/>')
    assert caps.arch is None
    assert caps.cells == [] and caps.guests == []
    assert caps.traits == set()
    assert not caps.supports('kvm')


def test_not_a_capabilities_document_is_refused():
    with pytest.raises(ValueError, match='not a capabilities'):
        host_config.HostCapabilities.from_xml_string('<domain/>')


@pytest.mark.parametrize('feature, traits', [
    ('sse4.2', {'HW_CPU_X86_SSE42'}),
    ('sse4.1', {'HW_CPU_X86_SSE41'}),
    ('avx2', {'HW_CPU_X86_AVX2'}),
    ('aes', {'HW_CPU_X86_AESNI'}),
    ('pni', {'HW_CPU_X86_SSE3'}),
    ('pclmuldq', {'HW_CPU_X86_CLMUL'}),
    ('sha-ni', {'HW_CPU_X86_SHA'}),
    ('fma', {'HW_CPU_X86_FMA3'}),
    ('bmi1', {'HW_CPU_X86_BMI'}),
    ('avx512-vpopcntdq', {'HW_CPU_X86_AVX512VPOPCNTDQ'}),
    ('vmx', {'HW_CPU_X86_VMX', 'HW_CPU_X86_INTEL_VMX'}),
    ('svm', {'HW_CPU_X86_SVM', 'HW_CPU_X86_AMD_SVM'}),
    ('lahf_lm', set()),
    ('invtsc', set()),
])
def test_cpu_feature_to_trait(feature, traits):
    assert host_config.cpu_traits([feature]) == traits


def test_every_mapped_trait_is_a_standard_os_traits_name():
    known = set(os_traits.get_traits())
    mapped = {t for traits in host_config.CPU_FEATURE_TRAITS.values()
              for t in traits}
    assert mapped <= known
    assert all(t.startswith('HW_CPU_X86_') for t in mapped)


def test_traits_unknown_to_the_installed_os_traits_are_left_out(
        monkeypatch):
    monkeypatch.setitem(host_config.CPU_FEATURE_TRAITS, 'future',
                        ('HW_CPU_X86_FUTURE', 'HW_CPU_X86_AVX'))
    assert host_config.cpu_traits(['future']) == {'HW_CPU_X86_AVX'}

"""Domain XML config classes: what they write, what they refuse, and
reading a guest's XML back (our own output and libvirt's live XML)."""

import xml.etree.ElementTree as ET

import pytest

from nova.virt.libvirt import config
from nova.virt.libvirt import config_devices as devices

NS = {'nova': config.NOVA_NS}
UUID = '4f1d6a2c-1b9e-4c6e-9c1a-2d3e4f5a6b7c'
INSTANCE_DIR = '/var/lib/nova/instances/' + UUID


def _metadata():
    return config.NovaInstanceMetadata(
        name='web-1',
        flavor=config.NovaFlavor(name='m1.small', memory_mb=2048,
                                 disk_gb=20, vcpus=2, swap_mb=512,
                                 ephemeral_gb=1),
        owner=config.NovaOwner(user_id='u-1', project_id='p-1',
                               user_name='alice', project_name='demo'),
        creation_time='2024-05-01 12:00:00',
        root_image_id='a0b1c2d3-0000-4000-8000-000000000001',
        package_version='0.1.0')


def _devices():
    return [
        devices.Disk(target_dev='vda', source_path=INSTANCE_DIR + '/disk',
                     driver_cache='none'),
        devices.Disk(target_dev='sda', device='cdrom', driver_type='raw',
                     source_path=INSTANCE_DIR + '/disk.config',
                     target_bus='sata'),
        devices.Interface(net_type='bridge', source='br-int',
                          mac_address='fa:16:3e:12:34:56',
                          target_dev='tap1234', mtu=1450),
        devices.Graphics(listen='192.0.2.10', password='s3cret'),
        devices.Serial(source_type='file',
                       source_path=INSTANCE_DIR + '/console.log'),
        devices.Console(),
        devices.Input(),
        devices.Video(),
        devices.MemBalloon(stats_period=10),
        devices.RNG(),
    ]


def _domain(**kwargs):
    args = dict(
        virt_type='kvm', name='instance-00000001', uuid=UUID,
        memory_kib=2048 * 1024, vcpus=2, metadata=_metadata(),
        os=config.OS(arch='x86_64', machine='pc'),
        cpu=config.CPU(mode='host-model',
                       topology=config.CPUTopology(sockets=1, cores=2)),
        clock=config.Clock(timers=[
            config.Timer('rtc', tickpolicy='catchup'),
            config.Timer('pit', tickpolicy='delay'),
            config.Timer('hpet', present=False)]),
        devices=_devices())
    args.update(kwargs)
    return config.Domain(**args)


def _root(obj):
    """Serialize, then parse the text: tests read what libvirt reads."""
    return ET.fromstring(obj.to_xml_string())


# ---------------------------------------------------------------------------
# <domain> and its top-level children
# ---------------------------------------------------------------------------
@pytest.mark.parametrize('virt_type', ['kvm', 'qemu'])
def test_domain_carries_type_identity_memory_and_vcpus(virt_type):
    root = _root(_domain(virt_type=virt_type))
    assert root.tag == 'domain'
    assert root.get('type') == virt_type
    assert root.findtext('name') == 'instance-00000001'
    assert root.findtext('uuid') == UUID
    assert root.find('memory').get('unit') == 'KiB'
    assert root.findtext('memory') == str(2048 * 1024)
    assert root.findtext('vcpu') == '2'


@pytest.mark.parametrize('virt_type', ['xen', 'lxc', '', None])
def test_domain_type_other_than_kvm_or_qemu_is_refused(virt_type):
    with pytest.raises(ValueError, match='domain type'):
        _domain(virt_type=virt_type).to_xml_string()


def test_domain_without_memory_or_vcpus_is_refused():
    with pytest.raises(ValueError):
        _domain(memory_kib=0).to_xml_string()
    with pytest.raises(ValueError):
        _domain(vcpus=0, cpu=None).to_xml_string()


def test_cpu_topology_must_match_the_vcpu_count():
    dom = _domain(vcpus=4, cpu=config.CPU(
        topology=config.CPUTopology(sockets=1, cores=2, threads=1)))
    with pytest.raises(ValueError, match='topology'):
        dom.to_xml_string()


def test_lifecycle_actions_default_to_destroy_restart_destroy():
    root = _root(_domain())
    assert root.findtext('on_poweroff') == 'destroy'
    assert root.findtext('on_reboot') == 'restart'
    assert root.findtext('on_crash') == 'destroy'


def test_lifecycle_actions_are_written_and_checked():
    root = _root(_domain(on_reboot='destroy', on_crash='coredump-restart'))
    assert root.findtext('on_reboot') == 'destroy'
    assert root.findtext('on_crash') == 'coredump-restart'
    with pytest.raises(ValueError, match='on_poweroff'):
        _domain(on_poweroff='coredump-destroy').to_xml_string()


def test_devices_are_written_in_the_order_given():
    root = _root(_domain())
    tags = [el.tag for el in root.find('devices')]
    assert tags == ['disk', 'disk', 'interface', 'graphics', 'serial',
                    'console', 'input', 'video', 'memballoon', 'rng']


def test_add_device_appends_and_returns_the_device():
    dom = _domain(devices=[])
    disk = dom.add_device(devices.Disk('vda', '/tmp/disk'))
    assert dom.devices == [disk]
    assert _root(dom).find('devices/disk/target').get('dev') == 'vda'


def test_pretty_and_compact_documents_hold_the_same_guest():
    dom = _domain()
    compact = config.parse_domain(dom.to_xml_string())
    pretty = config.parse_domain(dom.to_xml_string(pretty=True))
    assert compact == pretty


# ---------------------------------------------------------------------------
# <metadata><nova:instance>
# ---------------------------------------------------------------------------
def test_metadata_is_in_novas_namespace():
    root = _root(_domain())
    inst = root.find('metadata/nova:instance', NS)
    assert inst is not None
    assert inst.findtext('nova:name', namespaces=NS) == 'web-1'
    assert inst.find('nova:package', NS).get('version') == '0.1.0'
    assert (inst.findtext('nova:creationTime', namespaces=NS) ==
            '2024-05-01 12:00:00')
    flavor = inst.find('nova:flavor', NS)
    assert flavor.get('name') == 'm1.small'
    assert {c.tag.split('}')[1]: c.text for c in flavor} == {
        'memory': '2048', 'disk': '20', 'swap': '512', 'ephemeral': '1',
        'vcpus': '2'}
    user = inst.find('nova:owner/nova:user', NS)
    project = inst.find('nova:owner/nova:project', NS)
    assert (user.get('uuid'), user.text) == ('u-1', 'alice')
    assert (project.get('uuid'), project.text) == ('p-1', 'demo')
    root_disk = inst.find('nova:root', NS)
    assert root_disk.get('type') == 'image'
    assert root_disk.get('uuid') == 'a0b1c2d3-0000-4000-8000-000000000001'


def test_metadata_alone_declares_its_namespace():
    # As handed to virDomainSetMetadata: a document of its own.
    text = _metadata().to_xml_string()
    assert ET.fromstring(text).tag == '{%s}instance' % config.NOVA_NS
    assert 'xmlns:nova="%s"' % config.NOVA_NS in text


def test_metadata_is_optional():
    root = _root(_domain(metadata=None))
    assert root.find('metadata') is None


# ---------------------------------------------------------------------------
# <sysinfo>, <os>, <features>, <clock>
# ---------------------------------------------------------------------------
def test_sysinfo_entries_reach_the_smbios_system_block():
    dom = _domain(
        sysinfo=config.Sysinfo(manufacturer='OpenStack Foundation',
                               product='OpenStack Nova', uuid=UUID,
                               family='Virtual Machine'),
        os=config.OS(smbios_mode='sysinfo'))
    root = _root(dom)
    assert root.find('sysinfo').get('type') == 'smbios'
    entries = {e.get('name'): e.text
               for e in root.findall('sysinfo/system/entry')}
    assert entries == {'manufacturer': 'OpenStack Foundation',
                       'product': 'OpenStack Nova', 'uuid': UUID,
                       'family': 'Virtual Machine'}
    assert root.find('os/smbios').get('mode') == 'sysinfo'


def test_os_type_arch_machine_and_boot_devices():
    root = _root(config.OS(arch='x86_64', machine='q35',
                           boot_devs=['cdrom', 'hd']))
    os_type = root.find('type')
    assert (os_type.text, os_type.get('arch'), os_type.get('machine')) == (
        'hvm', 'x86_64', 'q35')
    assert [b.get('dev') for b in root.findall('boot')] == ['cdrom', 'hd']
    assert root.find('kernel') is None


def test_os_boots_from_the_disk_by_default():
    root = _root(config.OS())
    assert [b.get('dev') for b in root.findall('boot')] == ['hd']
    assert root.find('type').get('arch') is None


def test_direct_kernel_boot_writes_kernel_initrd_cmdline_and_no_boot():
    root = _root(config.OS(kernel=INSTANCE_DIR + '/kernel',
                           initrd=INSTANCE_DIR + '/ramdisk',
                           cmdline='console=ttyS0 root=/dev/vda'))
    assert root.findtext('kernel') == INSTANCE_DIR + '/kernel'
    assert root.findtext('initrd') == INSTANCE_DIR + '/ramdisk'
    assert root.findtext('cmdline') == 'console=ttyS0 root=/dev/vda'
    assert root.findall('boot') == []


def test_initrd_or_cmdline_without_kernel_is_refused():
    with pytest.raises(ValueError, match='kernel'):
        config.OS(initrd='/boot/initrd').to_xml_string()
    with pytest.raises(ValueError, match='kernel'):
        config.OS(cmdline='quiet').to_xml_string()


def test_unknown_boot_device_is_refused():
    with pytest.raises(ValueError, match='boot device'):
        config.OS(boot_devs=['usb']).to_xml_string()


def test_features_acpi_and_apic_by_default():
    root = _root(config.Features())
    assert [el.tag for el in root] == ['acpi', 'apic']
    root = _root(config.Features(acpi=False, apic=True, pae=True))
    assert [el.tag for el in root] == ['apic', 'pae']


def test_clock_offset_and_timers():
    root = _root(_domain()).find('clock')
    assert root.get('offset') == 'utc'
    timers = {t.get('name'): t.attrib for t in root.findall('timer')}
    assert timers['rtc'] == {'name': 'rtc', 'tickpolicy': 'catchup'}
    assert timers['pit'] == {'name': 'pit', 'tickpolicy': 'delay'}
    assert timers['hpet'] == {'name': 'hpet', 'present': 'no'}


def test_clock_refuses_unknown_offset_timer_and_tickpolicy():
    for clock in (config.Clock(offset='variable'),
                  config.Clock(timers=[config.Timer('nmi')]),
                  config.Clock(timers=[config.Timer('rtc', 'skip')])):
        with pytest.raises(ValueError):
            clock.to_xml_string()


# ---------------------------------------------------------------------------
# <cpu>
# ---------------------------------------------------------------------------
@pytest.mark.parametrize('mode', ['host-passthrough', 'host-model'])
def test_cpu_host_modes_carry_no_model(mode):
    root = _root(config.CPU(mode=mode, topology=config.CPUTopology(
        sockets=2, cores=2, threads=2)))
    assert root.get('mode') == mode
    assert root.find('model') is None
    topo = root.find('topology')
    assert (topo.get('sockets'), topo.get('cores'), topo.get('threads')) == (
        '2', '2', '2')
    assert topo.get('dies') is None


def test_cpu_custom_model_with_features():
    root = _root(config.CPU(
        mode='custom', model='Haswell-noTSX',
        features=[config.CPUFeature('vmx'),
                  config.CPUFeature('hle', policy='disable')]))
    assert root.get('mode') == 'custom'
    assert root.get('match') == 'exact'
    assert root.findtext('model') == 'Haswell-noTSX'
    assert root.find('model').get('fallback') == 'forbid'
    assert [(f.get('name'), f.get('policy'))
            for f in root.findall('feature')] == [
        ('vmx', 'require'), ('hle', 'disable')]


def test_cpu_without_mode_writes_only_the_topology():
    # What a TCG guest gets: QEMU's default CPU model, shaped by topology.
    root = _root(config.CPU(topology=config.CPUTopology(cores=4)))
    assert root.get('mode') is None
    assert [el.tag for el in root] == ['topology']


@pytest.mark.parametrize('cpu, message', [
    (config.CPU(mode='custom'), 'needs a model'),
    (config.CPU(mode='host-passthrough', model='Skylake'), 'mode custom'),
    (config.CPU(mode='maximum-ish'), 'cpu mode'),
    (config.CPU(mode='custom', model='EPYC',
                features=[config.CPUFeature('svm', policy='want')]),
     'feature policy'),
])
def test_cpu_refuses_inconsistent_settings(cpu, message):
    with pytest.raises(ValueError, match=message):
        cpu.to_xml_string()


def test_cpu_topology_counts_vcpus():
    assert config.CPUTopology(sockets=2, cores=4, threads=2).vcpus == 16
    assert config.CPUTopology(sockets=1, dies=2, cores=2).vcpus == 4


# ---------------------------------------------------------------------------
# Reading back
# ---------------------------------------------------------------------------
def test_parse_round_trips_what_the_classes_write():
    dom = _domain()
    parsed = config.parse_domain(dom.to_xml_string())
    assert parsed.virt_type == 'kvm'
    assert parsed.name == dom.name
    assert parsed.uuid == UUID
    assert parsed.memory_kib == dom.memory_kib
    assert parsed.vcpus == 2
    assert parsed.metadata == dom.metadata
    assert parsed.cpu == dom.cpu
    assert parsed.os == dom.os
    assert parsed.disks == [d for d in dom.devices
                            if isinstance(d, devices.Disk)]
    assert parsed.interfaces == [d for d in dom.devices
                                 if isinstance(d, devices.Interface)]
    assert parsed.graphics == [d for d in dom.devices
                               if isinstance(d, devices.Graphics)]
    assert parsed.serials == [d for d in dom.devices
                              if isinstance(d, devices.Serial)]
    assert parsed.consoles == [d for d in dom.devices
                               if isinstance(d, devices.Console)]


def test_parse_gives_disk_paths_vnc_and_serial_log():
    parsed = config.parse_domain(_domain().to_xml_string())
    assert parsed.disk_paths == [INSTANCE_DIR + '/disk',
                                 INSTANCE_DIR + '/disk.config']
    assert parsed.root_disk.target_dev == 'vda'
    assert (parsed.vnc.listen, parsed.vnc.port) == ('192.0.2.10', -1)
    assert parsed.serial_log_path == INSTANCE_DIR + '/console.log'


def test_parse_round_trips_a_direct_kernel_boot():
    dom = _domain(os=config.OS(kernel='/k', initrd='/i', cmdline='quiet',
                               boot_devs=[]))
    assert config.parse_domain(dom.to_xml_string()).os == dom.os


def test_parse_serial_log_from_a_pty_console_log():
    log = INSTANCE_DIR + '/console.log'
    dom = _domain(devices=[devices.Serial(log_path=log),
                           devices.Console(log_path=log)])
    parsed = config.parse_domain(dom.to_xml_string())
    assert parsed.serials[0].source_type == 'pty'
    assert parsed.serial_log_path == log


def test_parse_without_devices_or_graphics():
    parsed = config.parse_domain(_domain(devices=[]).to_xml_string())
    assert parsed.disk_paths == []
    assert parsed.root_disk is None
    assert parsed.vnc is None
    assert parsed.serial_log_path is None


# The live XML of a running guest as libvirt reports it (virsh dumpxml):
# ids, aliases, PCI addresses, the port autoport picked, the pty path, a
# backing chain, memory in another unit, and things we never write.
LIVE_XML = """<domain type='kvm' id='7'>
  <name>instance-00000002</name>
  <uuid>%(uuid)s</uuid>
  <metadata>
    <nova:instance xmlns:nova="http://openstack.org/xmlns/libvirt/nova/1.1">
      <nova:name>db-1</nova:name>
      <nova:owner>
        <nova:user uuid="u-2">bob</nova:user>
        <nova:project uuid="p-2">ops</nova:project>
      </nova:owner>
    </nova:instance>
  </metadata>
  <memory unit='MiB'>512</memory>
  <currentMemory unit='KiB'>524288</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <resource><partition>/machine</partition></resource>
  <os>
    <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>
    <boot dev='hd'/>
  </os>
  <cpu mode='custom' match='exact' check='full'>
    <model fallback='forbid'>qemu64</model>
    <feature policy='require' name='x2apic'/>
  </cpu>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none'/>
      <source file='%(dir)s/disk' index='2'/>
      <backingStore type='file' index='3'>
        <format type='raw'/>
        <source file='/var/lib/nova/instances/_base/0123abcd'/>
        <backingStore/>
      </backingStore>
      <target dev='vda' bus='virtio'/>
      <alias name='virtio-disk0'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x04'/>
    </disk>
    <disk type='network' device='disk'>
      <driver name='qemu' type='vmdk'/>
      <source protocol='nbd' name='x'><host name='h' port='1'/></source>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>
    <controller type='usb' index='0' model='piix3-uhci'/>
    <interface type='network'>
      <mac address='52:54:00:aa:bb:cc'/>
      <source network='default' portid='1' bridge='virbr0'/>
      <target dev='vnet3'/>
      <model type='virtio'/>
      <alias name='net0'/>
    </interface>
    <serial type='pty'>
      <source path='/dev/pts/4'/>
      <log file='%(dir)s/console.log' append='off'/>
      <target type='isa-serial' port='0'>
        <model name='isa-serial'/>
      </target>
      <alias name='serial0'/>
    </serial>
    <console type='pty' tty='/dev/pts/4'>
      <source path='/dev/pts/4'/>
      <log file='%(dir)s/console.log' append='off'/>
      <target type='serial' port='0'/>
      <alias name='serial0'/>
    </console>
    <graphics type='vnc' port='5901' autoport='yes' listen='0.0.0.0'>
      <listen type='address' address='0.0.0.0'/>
    </graphics>
  </devices>
  <seclabel type='dynamic' model='dac' relabel='yes'/>
</domain>
""" % {'uuid': UUID, 'dir': INSTANCE_DIR}


def test_parse_live_xml_from_libvirt():
    parsed = config.parse_domain(LIVE_XML)
    assert parsed.virt_type == 'kvm'
    assert parsed.name == 'instance-00000002'
    assert parsed.memory_kib == 512 * 1024
    assert parsed.vcpus == 1
    assert parsed.metadata.name == 'db-1'
    assert parsed.metadata.owner.project_id == 'p-2'
    assert parsed.metadata.flavor is None
    assert parsed.os.machine == 'pc-i440fx-7.2'
    assert parsed.cpu.model == 'qemu64'
    # The network disk has no path, the cdrom is empty; neither breaks.
    assert parsed.disk_paths == [INSTANCE_DIR + '/disk']
    assert [d.target_dev for d in parsed.disks] == ['vda', 'vdb', 'hdc']
    assert parsed.disks[1].driver_type == 'vmdk'
    assert parsed.root_disk.source_path == INSTANCE_DIR + '/disk'
    assert parsed.root_disk.driver_type == 'qcow2'
    assert parsed.interfaces[0].source == 'default'
    assert parsed.interfaces[0].target_dev == 'vnet3'
    assert parsed.serials[0].source_path == '/dev/pts/4'
    assert parsed.serials[0].target_type == 'isa-serial'
    assert parsed.serial_log_path == INSTANCE_DIR + '/console.log'
    assert parsed.vnc.port == 5901
    assert parsed.vnc.listen == '0.0.0.0'
    assert parsed.vnc.autoport is True


def test_parse_vnc_listen_from_the_listen_element_only():
    xml = ("<domain type='qemu'><devices><graphics type='vnc' port='5900'>"
           "<listen type='address' address='10.0.0.5'/></graphics>"
           "</devices></domain>")
    parsed = config.parse_domain(xml)
    assert (parsed.vnc.listen, parsed.vnc.port) == ('10.0.0.5', 5900)
    assert parsed.vnc.autoport is False


def test_parse_refuses_a_document_that_is_not_a_domain():
    with pytest.raises(ValueError, match='not a domain'):
        config.parse_domain('<network><name>default</name></network>')
    with pytest.raises(ET.ParseError):
        config.parse_domain('<domain>')

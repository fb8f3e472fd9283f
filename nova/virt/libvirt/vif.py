"""Plugging a libvirt guest's VIFs into Open vSwitch, through os-vif.

A VIF of ``network_info`` (nova.network.model: ``id``, ``address``,
``type`` = the port's binding:vif_type, ``details`` = binding:vif_details,
``devname``, ``ovs_interfaceid``, ``network``) of type ``ovs`` becomes an
os-vif ``VIFOpenVSwitch`` whose port profile asks os-vif's ``ovs`` plugin
to create both the tap device and the OVS port (``create_tap``,
``create_port``). The plugin then:

1. makes sure the bridge (vif_details ``bridge_name``, else the network's,
   else br-int) exists with the datapath of vif_details ``datapath_type``;
2. creates the tap ``devname`` with the port's MAC and the network's MTU,
   IPv6 off, and up;
3. adds it to the bridge with ``external_ids`` ``iface-id`` (the port),
   ``iface-status=active``, ``attached-mac`` and ``vm-uuid``: what
   neutron-openvswitch-agent looks for to wire the port (VLAN tag,
   firewall flows) and report it up, after which Neutron sends nova
   ``network-vif-plugged``.

The guest's NIC is then ``<interface type='ethernet'>`` with
``<target dev='tap...' managed='no'/>``: QEMU opens the existing tap, and
libvirt neither creates nor deletes it nor touches OVS. Why not
``<interface type='bridge'><virtualport type='openvswitch'>`` (libvirt
adds the port itself): the port would exist only while the domain runs, so
Neutron could wire it only after the guest started (the guest's first
DHCP requests race the agent), a stopped guest's port would go DOWN, and
on a live migration's destination nothing would be wired before the
guest arrives. With the tap and port made at plug time, they exist from
spawn (or pre_live_migration, finish_migration, attach_interface) until
unplug (destroy, cleanup after a move, detach_interface), whatever the
domain does meanwhile.

Privileges: os-vif runs its network-device calls through oslo.privsep
(context ``vif_plug_ovs``, config section ``[vif_plug_ovs_privileged]``),
whose default starts ``sudo privsep-helper``. nova-compute of a libvirt
host already runs as root (qemu:///system, OVS), where a privileged
helper daemon adds nothing but a process and the sudo it needs; so when
the process is root, those calls run in-process (privsep's client mode
off). Under another user privsep's own configuration applies
(``[vif_plug_ovs_privileged] helper_command``). OVSDB is reached through
os-vif's ``[os_vif_ovs] ovsdb_connection`` (default tcp:127.0.0.1:6640,
the manager tools/neutron/setup.sh sets).

Other VIF types (``bridge``, ``network``, ``user``, which tests use
without Neutron) are left to libvirt and plug nothing.
"""

import os
import threading

from oslo_log import log as logging

from nova import exception
from nova.virt.libvirt import config_devices as devices

LOG = logging.getLogger(__name__)

VIF_TYPE_OVS = 'ovs'
DEFAULT_BRIDGE = 'br-int'
# Linux interface names are at most 15 characters.
NIC_NAME_LEN = 14

_init_lock = threading.Lock()
_initialized = False


class VifPlugFailed(exception.NovaException):
    msg_fmt = 'Plugging VIF %(vif_id)s failed: %(reason)s'


class UnsupportedVifType(exception.NovaException):
    msg_fmt = ('The libvirt driver cannot plug VIF %(vif_id)s of type '
               '%(vif_type)s')


def _get(obj, key, default=None):
    if isinstance(obj, dict):
        value = obj.get(key)
    else:
        value = getattr(obj, key, None)
    return default if value is None else value


def vifs_of(instance, network_info=None):
    """``network_info``, else the instance's network info cache (what
    callers on a move's source, which get none, unplug)."""
    if network_info:
        return list(network_info)
    from nova.network import model as network_model
    return network_model.load(_get(instance, 'network_info'))


def is_plugged_by_us(vif):
    """Whether the driver plugs ``vif`` (os-vif) rather than libvirt."""
    return _get(vif, 'type') == VIF_TYPE_OVS


def devname(vif):
    return _get(vif, 'devname') or ('tap' + _get(vif, 'id'))[:NIC_NAME_LEN]


def bridge_name(vif):
    details = _get(vif, 'details', {}) or {}
    network = _get(vif, 'network', {}) or {}
    return (details.get('bridge_name') or _get(network, 'bridge') or
            DEFAULT_BRIDGE)


def mtu(vif):
    network = _get(vif, 'network', {}) or {}
    value = (_get(vif, 'mtu') or _get(network, 'mtu') or
             _get(_get(network, 'meta', {}), 'mtu'))
    return int(value) if value else None


def interface_device(vif, model):
    """The ``<interface>`` of ``vif`` with NIC model ``model``."""
    if is_plugged_by_us(vif):
        return devices.Interface(
            net_type='ethernet', mac_address=_get(vif, 'address'),
            target_dev=devname(vif), target_managed=False, model=model,
            mtu=mtu(vif))
    vif_type = _get(vif, 'type', 'bridge')
    if vif_type not in devices.INTERFACE_TYPES:
        # binding_failed, unbound, or a mechanism we do not plug.
        raise UnsupportedVifType(vif_id=_get(vif, 'id'), vif_type=vif_type)
    network = _get(vif, 'network', {}) or {}
    source = None
    if vif_type == 'bridge':
        source = _get(vif, 'bridge') or _get(network, 'bridge')
    elif vif_type == 'network':
        source = _get(vif, 'network_name') or _get(network, 'label')
    return devices.Interface(
        net_type=vif_type, mac_address=_get(vif, 'address'), source=source,
        model=model, target_dev=_get(vif, 'devname'), mtu=mtu(vif))


# --------------------------------------------------------------------------
# os-vif
# --------------------------------------------------------------------------
def _initialize():
    """Load os-vif's plugins once; run its privileged calls in-process
    when we are root (see the module docstring)."""
    global _initialized
    with _init_lock:
        if _initialized:
            return
        import os_vif
        os_vif.initialize()
        if os.geteuid() == 0:
            from vif_plug_ovs import privsep as ovs_privsep
            ovs_privsep.vif_plug.set_client_mode(False)
        _initialized = True


def to_os_vif(vif):
    """The os-vif VIFOpenVSwitch of an ``ovs`` VIF dict."""
    from os_vif import objects as osv
    osv.register_all()
    details = _get(vif, 'details', {}) or {}
    network = _get(vif, 'network', {}) or {}
    net_fields = {'id': _get(network, 'id'), 'bridge': bridge_name(vif),
                  'label': _get(network, 'label', ''),
                  'subnets': osv.subnet.SubnetList(objects=[])}
    if mtu(vif):
        net_fields['mtu'] = mtu(vif)
    net_fields = {k: v for k, v in net_fields.items() if v is not None}
    profile = osv.vif.VIFPortProfileOpenVSwitch(
        interface_id=_get(vif, 'ovs_interfaceid') or _get(vif, 'id'),
        create_port=True, create_tap=True)
    if details.get('datapath_type'):
        profile.datapath_type = details['datapath_type']
    return osv.vif.VIFOpenVSwitch(
        id=_get(vif, 'id'), address=_get(vif, 'address'),
        network=osv.network.Network(**net_fields), plugin='ovs',
        vif_name=devname(vif), bridge_name=bridge_name(vif),
        has_traffic_filtering=bool(details.get('port_filter')),
        preserve_on_delete=bool(_get(vif, 'preserve_on_delete', False)),
        active=bool(_get(vif, 'active', False)), port_profile=profile)


def _instance_info(instance):
    from os_vif import objects as osv
    return osv.instance_info.InstanceInfo(
        uuid=instance.uuid, name='instance-' + instance.uuid,
        project_id=_get(instance, 'project_id'))


class VifDriver:
    """plug/unplug of one VIF; ``backend`` is os_vif by default (tests
    pass a fake with the same plug/unplug)."""

    def __init__(self, backend=None):
        self._backend = backend

    @property
    def backend(self):
        if self._backend is None:
            _initialize()
            import os_vif
            self._backend = os_vif
        return self._backend

    def plug(self, instance, vif):
        if not is_plugged_by_us(vif):
            return
        try:
            self.backend.plug(to_os_vif(vif), _instance_info(instance))
        except Exception as exc:
            LOG.error('Could not plug VIF %s: %s', _get(vif, 'id'), exc,
                      instance_uuid=instance.uuid)
            raise VifPlugFailed(vif_id=_get(vif, 'id'),
                                reason=str(exc)) from exc
        LOG.info('Plugged VIF %s (%s on %s)', _get(vif, 'id'), devname(vif),
                 bridge_name(vif), instance_uuid=instance.uuid)

    def unplug(self, instance, vif):
        """Remove the OVS port and tap; errors are logged, not raised
        (the guest is going away either way)."""
        if not is_plugged_by_us(vif):
            return
        try:
            self.backend.unplug(to_os_vif(vif), _instance_info(instance))
        except Exception as exc:
            LOG.warning('Could not unplug VIF %s: %s', _get(vif, 'id'), exc,
                        instance_uuid=instance.uuid)
            return
        LOG.info('Unplugged VIF %s (%s)', _get(vif, 'id'), devname(vif),
                 instance_uuid=instance.uuid)

    def plug_all(self, instance, network_info):
        """Plug every VIF; when one fails, unplug those plugged before it
        and raise."""
        done = []
        try:
            for vif in network_info or ():
                self.plug(instance, vif)
                done.append(vif)
        except Exception:
            for vif in done:
                self.unplug(instance, vif)
            raise

    def unplug_all(self, instance, network_info):
        for vif in network_info or ():
            self.unplug(instance, vif)

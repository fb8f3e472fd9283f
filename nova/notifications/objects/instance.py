"""Payloads of the instance notifications (instance.<action>.<phase>,
instance.update).

The fields and versions follow upstream's payloads so that consumers
written for upstream read ours; fields that describe things this
deployment does not have (os_type, architecture, bandwidth...) are sent
empty.
"""

import base64
import hashlib

from oslo_versionedobjects import fields

import nova.conf
from nova.notifications.objects import base
from nova.notifications.objects import flavor as flavor_payload
from nova.notifications.objects import keypair as keypair_payload
from nova.states import power_state as power_states

CONF = nova.conf.CONF


def _attr(obj, name, default=None):
    """``obj.name`` when it is loaded, else ``default`` (never a lazy
    load: that would be an RPC per notification)."""
    fields_ = getattr(obj, 'fields', None)
    if fields_ is not None and name in fields_:
        return getattr(obj, name) if obj.obj_attr_is_set(name) else default
    return getattr(obj, name, default)


class _InstanceView:
    """The instance with the names and types the payload wants."""

    def __init__(self, instance):
        self._instance = instance

    def __getattr__(self, name):
        return _attr(self._instance, name)

    @property
    def power_state(self):
        state = _attr(self._instance, 'power_state')
        return None if state is None else power_states.name(state)

    @property
    def metadata(self):
        return dict(_attr(self._instance, 'metadata') or {})

    @property
    def locked(self):
        return bool(_attr(self._instance, 'locked', False))

    @property
    def auto_disk_config(self):
        value = _attr(self._instance, 'auto_disk_config')
        return 'AUTO' if value else 'MANUAL'


def instance_tags(instance):
    tags = _attr(instance, 'tags') or []
    if hasattr(tags, 'objects'):
        tags = tags.objects
    return [getattr(tag, 'tag', tag) for tag in tags]


@base.NotificationObjectRegistry.register
class IpPayload(base.NotificationPayloadBase):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {
        'label': fields.StringField(),
        'mac': fields.StringField(nullable=True),
        'meta': fields.DictOfStringsField(),
        'port_uuid': fields.StringField(nullable=True),
        'version': fields.IntegerField(),
        'address': fields.StringField(),
        'device_name': fields.StringField(nullable=True),
    }

    def __init__(self, label, mac, meta, port_uuid, version, address,
                 device_name):
        super().__init__()
        self.label = label
        self.mac = mac
        self.meta = meta
        self.port_uuid = port_uuid
        self.version = version
        self.address = address
        self.device_name = device_name

    @classmethod
    def from_network_info(cls, network_info):
        """One payload per fixed address of each VIF (dicts as the network
        API returns them)."""
        result = []
        for vif in network_info or []:
            network = vif.get('network') or {}
            ips = list(vif.get('ips') or [])
            for subnet in network.get('subnets') or []:
                ips.extend(subnet.get('ips') or [])
            for ip in ips:
                address = ip.get('address') if isinstance(ip, dict) else ip
                if not address:
                    continue
                version = (ip.get('version') if isinstance(ip, dict)
                           else None) or (6 if ':' in str(address) else 4)
                result.append(cls(
                    label=network.get('label') or 'private',
                    mac=vif.get('address'),
                    meta={k: str(v) for k, v in
                          (vif.get('meta') or {}).items()},
                    port_uuid=vif.get('id'), version=version,
                    address=str(address), device_name=vif.get('devname')))
        return result


@base.NotificationObjectRegistry.register
class BlockDevicePayload(base.NotificationPayloadBase):
    # Version 1.0: Initial version
    VERSION = '1.0'
    SCHEMA = {name: ('bdm', name) for name in (
        'device_name', 'boot_index', 'delete_on_termination', 'volume_id',
        'tag')}
    fields = {
        'device_name': fields.StringField(nullable=True),
        'boot_index': fields.IntegerField(nullable=True),
        'delete_on_termination': fields.BooleanField(default=False),
        'volume_id': fields.StringField(),
        'tag': fields.StringField(nullable=True),
    }

    def __init__(self, bdm):
        super().__init__()
        self.populate_schema(bdm=bdm)
        if self.delete_on_termination is None:
            self.delete_on_termination = False

    @classmethod
    def from_bdms(cls, bdms):
        """Volumes only, as upstream."""
        return [cls(bdm) for bdm in bdms or []
                if _attr(bdm, 'volume_id') is not None]


@base.NotificationObjectRegistry.register
class InstancePayload(base.NotificationPayloadBase):
    # Version 1.7: upstream's InstancePayload 1.7 field set
    VERSION = '1.7'

    SCHEMA = {
        'uuid': ('instance', 'uuid'),
        'user_id': ('instance', 'user_id'),
        'tenant_id': ('instance', 'project_id'),
        'reservation_id': ('instance', 'reservation_id'),
        'display_name': ('instance', 'display_name'),
        'display_description': ('instance', 'display_description'),
        'host_name': ('instance', 'hostname'),
        'host': ('instance', 'host'),
        'node': ('instance', 'node'),
        'os_type': ('instance', 'os_type'),
        'architecture': ('instance', 'architecture'),
        'availability_zone': ('instance', 'availability_zone'),
        'image_uuid': ('instance', 'image_ref'),
        'key_name': ('instance', 'key_name'),
        'kernel_id': ('instance', 'kernel_id'),
        'ramdisk_id': ('instance', 'ramdisk_id'),
        'created_at': ('instance', 'created_at'),
        'launched_at': ('instance', 'launched_at'),
        'terminated_at': ('instance', 'terminated_at'),
        'deleted_at': ('instance', 'deleted_at'),
        'updated_at': ('instance', 'updated_at'),
        'state': ('instance', 'vm_state'),
        'power_state': ('instance', 'power_state'),
        'task_state': ('instance', 'task_state'),
        'progress': ('instance', 'progress'),
        'metadata': ('instance', 'metadata'),
        'locked': ('instance', 'locked'),
        'auto_disk_config': ('instance', 'auto_disk_config'),
    }

    fields = {
        'uuid': fields.UUIDField(),
        'user_id': fields.StringField(nullable=True),
        'tenant_id': fields.StringField(nullable=True),
        'reservation_id': fields.StringField(nullable=True),
        'display_name': fields.StringField(nullable=True),
        'display_description': fields.StringField(nullable=True),
        'host_name': fields.StringField(nullable=True),
        'host': fields.StringField(nullable=True),
        'node': fields.StringField(nullable=True),
        'os_type': fields.StringField(nullable=True),
        'architecture': fields.StringField(nullable=True),
        'availability_zone': fields.StringField(nullable=True),
        'flavor': fields.ObjectField('FlavorPayload', nullable=True),
        'image_uuid': fields.StringField(nullable=True),
        'key_name': fields.StringField(nullable=True),
        'kernel_id': fields.StringField(nullable=True),
        'ramdisk_id': fields.StringField(nullable=True),
        'created_at': fields.DateTimeField(nullable=True),
        'launched_at': fields.DateTimeField(nullable=True),
        'terminated_at': fields.DateTimeField(nullable=True),
        'deleted_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
        'state': fields.StringField(nullable=True),
        'power_state': fields.StringField(nullable=True),
        'task_state': fields.StringField(nullable=True),
        'progress': fields.IntegerField(nullable=True),
        'ip_addresses': fields.ListOfObjectsField('IpPayload'),
        'block_devices': fields.ListOfObjectsField('BlockDevicePayload',
                                                   nullable=True),
        'metadata': fields.DictOfStringsField(),
        'locked': fields.BooleanField(),
        'auto_disk_config': fields.StringField(),
        'request_id': fields.StringField(nullable=True),
        'action_initiator_user': fields.StringField(nullable=True),
        'action_initiator_project': fields.StringField(nullable=True),
    }

    def __init__(self, context, instance, bdms=None, network_info=None):
        super().__init__()
        flavor = _attr(instance, 'flavor')
        self.flavor = (flavor_payload.FlavorPayload(flavor)
                       if flavor is not None else None)
        self.ip_addresses = IpPayload.from_network_info(network_info)
        if bdms is not None:
            self.block_devices = BlockDevicePayload.from_bdms(bdms)
        else:
            self.block_devices = ([] if CONF.notifications.
                                  bdms_in_notifications else None)
        user = getattr(context, 'user_id', None)
        project = getattr(context, 'project_id', None)
        # Periodic tasks run without a user: no request to point at.
        self.request_id = (getattr(context, 'request_id', None)
                           if user and project else None)
        self.action_initiator_user = user
        self.action_initiator_project = project
        self.populate_schema(instance=_InstanceView(instance))


@base.NotificationObjectRegistry.register
class InstanceActionPayload(InstancePayload):
    # Version 1.7: upstream's 1.7 (InstancePayload 1.7 plus fault)
    VERSION = '1.7'
    fields = {
        'fault': fields.ObjectField('ExceptionPayload', nullable=True),
    }

    def __init__(self, context, instance, fault=None, bdms=None,
                 network_info=None):
        super().__init__(context, instance, bdms=bdms,
                         network_info=network_info)
        self.fault = fault


@base.NotificationObjectRegistry.register
class InstanceCreatePayload(InstanceActionPayload):
    # Version 1.11: upstream's 1.11 (keypairs, tags,
    #               trusted_image_certificates, instance_name)
    VERSION = '1.11'
    fields = {
        'keypairs': fields.ListOfObjectsField('KeypairPayload'),
        'tags': fields.ListOfStringsField(),
        'trusted_image_certificates': fields.ListOfStringsField(
            nullable=True),
        'instance_name': fields.StringField(nullable=True),
    }

    def __init__(self, context, instance, fault=None, bdms=None,
                 network_info=None, keypairs=None):
        super().__init__(context, instance, fault=fault, bdms=bdms or [],
                         network_info=network_info)
        if keypairs is None:
            keypairs = _instance_keypairs(instance)
        self.keypairs = [keypair_payload.KeypairPayload(k)
                         for k in keypairs]
        self.tags = instance_tags(instance)
        self.trusted_image_certificates = None
        self.instance_name = getattr(instance, 'name', None) or None


@base.NotificationObjectRegistry.register
class InstanceActionResizePrepPayload(InstanceActionPayload):
    # Version 1.2: upstream's 1.2 (new_flavor)
    VERSION = '1.2'
    fields = {
        'new_flavor': fields.ObjectField('FlavorPayload', nullable=True),
    }

    def __init__(self, context, instance, fault=None, new_flavor=None):
        super().__init__(context, instance, fault=fault)
        self.new_flavor = (flavor_payload.FlavorPayload(new_flavor)
                           if new_flavor is not None else None)


@base.NotificationObjectRegistry.register
class InstanceActionRescuePayload(InstanceActionPayload):
    # Version 1.2: upstream's 1.2 (rescue_image_ref)
    VERSION = '1.2'
    fields = {
        'rescue_image_ref': fields.StringField(nullable=True),
    }

    def __init__(self, context, instance, fault=None, rescue_image_ref=None):
        super().__init__(context, instance, fault=fault)
        self.rescue_image_ref = rescue_image_ref


@base.NotificationObjectRegistry.register
class InstanceActionRebuildPayload(InstanceActionPayload):
    # Version 1.8: upstream's 1.8 (trusted_image_certificates)
    VERSION = '1.8'
    fields = {
        'trusted_image_certificates': fields.ListOfStringsField(
            nullable=True),
    }

    def __init__(self, context, instance, fault=None, bdms=None):
        super().__init__(context, instance, fault=fault, bdms=bdms)
        self.trusted_image_certificates = None


@base.NotificationObjectRegistry.register
class InstanceActionSnapshotPayload(InstanceActionPayload):
    # Version 1.8: upstream's 1.8 (snapshot_image_id)
    VERSION = '1.8'
    fields = {
        'snapshot_image_id': fields.StringField(nullable=True),
    }

    def __init__(self, context, instance, fault=None,
                 snapshot_image_id=None):
        super().__init__(context, instance, fault=fault)
        self.snapshot_image_id = snapshot_image_id


@base.NotificationObjectRegistry.register
class InstanceActionVolumePayload(InstanceActionPayload):
    # Version 1.5: upstream's 1.5 (volume_id)
    VERSION = '1.5'
    fields = {
        'volume_id': fields.StringField(nullable=True),
    }

    def __init__(self, context, instance, fault=None, volume_id=None):
        super().__init__(context, instance, fault=fault)
        self.volume_id = volume_id


@base.NotificationObjectRegistry.register
class InstanceStateUpdatePayload(base.NotificationPayloadBase):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {
        'old_state': fields.StringField(nullable=True),
        'state': fields.StringField(nullable=True),
        'old_task_state': fields.StringField(nullable=True),
        'new_task_state': fields.StringField(nullable=True),
    }

    def __init__(self, old_state, state, old_task_state, new_task_state):
        super().__init__()
        self.old_state = old_state
        self.state = state
        self.old_task_state = old_task_state
        self.new_task_state = new_task_state


@base.NotificationObjectRegistry.register
class AuditPeriodPayload(base.NotificationPayloadBase):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {
        'audit_period_beginning': fields.DateTimeField(),
        'audit_period_ending': fields.DateTimeField(),
    }

    def __init__(self, audit_period_beginning, audit_period_ending):
        super().__init__()
        self.audit_period_beginning = audit_period_beginning
        self.audit_period_ending = audit_period_ending


@base.NotificationObjectRegistry.register
class BandwidthPayload(base.NotificationPayloadBase):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {
        'network_name': fields.StringField(),
        'in_bytes': fields.IntegerField(),
        'out_bytes': fields.IntegerField(),
    }


@base.NotificationObjectRegistry.register
class InstanceUpdatePayload(InstancePayload):
    # Version 1.8: upstream's 1.8 (state_update, audit_period, bandwidth,
    #              old_display_name, tags)
    VERSION = '1.8'
    fields = {
        'state_update': fields.ObjectField('InstanceStateUpdatePayload'),
        'audit_period': fields.ObjectField('AuditPeriodPayload'),
        'bandwidth': fields.ListOfObjectsField('BandwidthPayload'),
        'old_display_name': fields.StringField(nullable=True),
        'tags': fields.ListOfStringsField(),
    }

    def __init__(self, context, instance, state_update, audit_period,
                 bandwidth=None, old_display_name=None):
        super().__init__(context, instance)
        self.state_update = state_update
        self.audit_period = audit_period
        self.bandwidth = list(bandwidth or [])
        self.old_display_name = old_display_name
        self.tags = instance_tags(instance)


# One envelope class per payload class, as upstream.
def _notification(name, payload):
    cls = type(name, (base.NotificationBase,), {
        'VERSION': '1.0',
        'fields': {'payload': fields.ObjectField(payload)},
        '__doc__': 'Envelope of %s.' % payload,
    })
    return base.NotificationObjectRegistry.register(cls)


InstanceActionNotification = _notification(
    'InstanceActionNotification', 'InstanceActionPayload')
InstanceCreateNotification = _notification(
    'InstanceCreateNotification', 'InstanceCreatePayload')
InstanceActionResizePrepNotification = _notification(
    'InstanceActionResizePrepNotification', 'InstanceActionResizePrepPayload')
InstanceActionRescueNotification = _notification(
    'InstanceActionRescueNotification', 'InstanceActionRescuePayload')
InstanceActionRebuildNotification = _notification(
    'InstanceActionRebuildNotification', 'InstanceActionRebuildPayload')
InstanceActionSnapshotNotification = _notification(
    'InstanceActionSnapshotNotification', 'InstanceActionSnapshotPayload')
InstanceActionVolumeNotification = _notification(
    'InstanceActionVolumeNotification', 'InstanceActionVolumePayload')
InstanceUpdateNotification = _notification(
    'InstanceUpdateNotification', 'InstanceUpdatePayload')


# -- key pairs of an instance -------------------------------------------------
class _KeyPairView:
    def __init__(self, name, user_id, public_key):
        self.name = name
        self.user_id = user_id
        self.public_key = public_key
        self.type = ('x509' if public_key.lstrip().startswith('-----BEGIN')
                     else 'ssh')
        self.fingerprint = ssh_fingerprint(public_key) \
            if self.type == 'ssh' else None


def ssh_fingerprint(public_key):
    """'aa:bb:...': MD5 of the key blob, as OpenSSH printed it."""
    try:
        blob = base64.b64decode(public_key.split()[1], validate=True)
    except (IndexError, ValueError):
        return None
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2))


def _instance_keypairs(instance):
    """The instance's key pair, from what the instance record holds."""
    keypairs = _attr(instance, 'keypairs')
    if keypairs is not None:
        return list(getattr(keypairs, 'objects', keypairs))
    name = _attr(instance, 'key_name')
    data = _attr(instance, 'key_data')
    if not name or not data:
        return []
    return [_KeyPairView(name, _attr(instance, 'user_id'), data)]
